package qrscanner_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/device/qrscanner"
	"onewindow/device/serialport"
	"onewindow/device/sim"
	"onewindow/device/sim/scannersim"
)

type rig struct {
	sim     *scannersim.Sim
	link    *sim.Link
	scanner *qrscanner.Scanner
	clock   *app.ManualClock
}

func newRig(t *testing.T, ending string) *rig {
	t.Helper()
	link, err := sim.Open(t.TempDir(), "scanner", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Close() })
	s, err := scannersim.New(link, ending)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	port, err := serialport.Open(serialport.Config{Device: "QR scanner", Path: link.Path(), Baud: 9600,
		ReadTimeout: 100 * time.Millisecond, ReopenEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	clock := app.NewManualClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	sc := qrscanner.New(port, qrscanner.Config{Debounce: 2 * time.Second, Gap: 500 * time.Millisecond, Clock: clock})
	return &rig{sim: s, link: link, scanner: sc, clock: clock}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func (r *rig) scan(t *testing.T, code string) {
	t.Helper()
	if err := r.sim.Scan(code); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) want(t *testing.T, code string) {
	t.Helper()
	got, err := r.scanner.Next(ctx(t))
	if err != nil || got != code {
		t.Fatalf("want scan %q, got %q, %v", code, got, err)
	}
}

func TestLineEndings(t *testing.T) {
	for name, ending := range map[string]string{"CR": "\r", "LF": "\n", "CRLF": "\r\n"} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t, ending)
			r.scan(t, "KS0105-20261123-0042")
			r.scan(t, "https://zwfw.example.gov.cn/q/T20261123A012")
			r.scan(t, "预约号 Y0007")
			r.want(t, "KS0105-20261123-0042")
			r.want(t, "https://zwfw.example.gov.cn/q/T20261123A012")
			r.want(t, "预约号 Y0007")
		})
	}
}

func TestRepeatedScansAreDebounced(t *testing.T) {
	r := newRig(t, "\r")
	r.scan(t, "A012")
	r.scan(t, "A012")
	r.scan(t, "A012")
	r.scan(t, "B003")
	r.want(t, "A012")
	r.want(t, "B003")
	r.scan(t, "B003")
	r.clock.Advance(3 * time.Second)
	r.scan(t, "B003")
	r.want(t, "B003")
}

func TestGB18030Scanner(t *testing.T) {
	r := newRig(t, "\r\n")
	// 李堃 in GB18030, as scanners set to Chinese output send it. (Some
	// GB18030 text is also valid UTF-8, such as 预约; UTF-8 wins then.)
	if err := r.link.Send([]byte{0xC0, 0xEE, 0x88, 0xD2, '7', '\r', '\n'}); err != nil {
		t.Fatal(err)
	}
	r.want(t, "李堃7")
}

func TestFaults(t *testing.T) {
	tests := []struct {
		fault sim.Fault
		want  error // what Next says about the spoilt scan; nil when it comes through
	}{
		{sim.Garbage, app.ErrBadFrame},
		{sim.BadChecksum, app.ErrBadFrame},
		{sim.SlowReply, nil},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			r := newRig(t, "\r")
			r.link.SetSlow(300 * time.Millisecond)
			r.link.Inject(tt.fault, 1)
			r.scan(t, "C001")
			if tt.want == nil {
				r.want(t, "C001")
			} else {
				_, err := r.scanner.Next(ctx(t))
				if !errors.Is(err, tt.want) {
					t.Fatalf("want %v, got %v", tt.want, err)
				}
				if !strings.Contains(err.Error(), "QR scanner on "+r.link.Path()) {
					t.Errorf("the message should name the device and port: %v", err)
				}
			}
			r.scan(t, "C002")
			r.want(t, "C002")
		})
	}
}

func TestCutScanDoesNotGlueOntoTheNext(t *testing.T) {
	r := newRig(t, "\r")
	r.link.Inject(sim.CutFrame, 1)
	r.scan(t, "HALF-OF-A-CODE")
	waitQuiet(t, r)
	r.clock.Advance(time.Second)
	r.scan(t, "D004")
	r.want(t, "D004")
}

// waitQuiet lets the driver read what is on the line and find no line end,
// as it does between scans in a hall.
func waitQuiet(t *testing.T, r *rig) {
	t.Helper()
	c, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	if got, err := r.scanner.Next(c); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("an unfinished line must not come out as a scan: got %q, %v", got, err)
	}
}

func TestNoScanWaitsForTheContext(t *testing.T) {
	r := newRig(t, "\r")
	r.link.Inject(sim.NoReply, 1)
	r.scan(t, "E005")
	c, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if _, err := r.scanner.Next(c); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("no scan: want the context's deadline, got %v", err)
	}
}

func TestTooLongLine(t *testing.T) {
	r := newRig(t, "\r")
	if err := r.link.Send([]byte(strings.Repeat("X", 5000))); err != nil {
		t.Fatal(err)
	}
	if _, err := r.scanner.Next(ctx(t)); !errors.Is(err, app.ErrBadFrame) {
		t.Fatalf("want ErrBadFrame for a line with no end, got %v", err)
	}
	waitQuiet(t, r)
	r.clock.Advance(time.Second)
	r.scan(t, "F006")
	r.want(t, "F006")
}

func TestScannerUnpluggedAndBack(t *testing.T) {
	r := newRig(t, "\r")
	r.link.Vanish()
	if _, err := r.scanner.Next(ctx(t)); !errors.Is(err, app.ErrPortGone) {
		t.Fatalf("want ErrPortGone, got %v", err)
	}
	if err := r.link.Return(); err != nil {
		t.Fatal(err)
	}
	r.scan(t, "G007")
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := r.scanner.Next(ctx(t))
		if err == nil {
			if got != "G007" {
				t.Fatalf("want G007, got %q", got)
			}
			return
		}
		if !errors.Is(err, app.ErrPortGone) || time.Now().After(deadline) {
			t.Fatalf("after the scanner came back: %v", err)
		}
	}
}
