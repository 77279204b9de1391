package simctl_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/device/escpos"
	"onewindow/device/idreader"
	"onewindow/device/qrscanner"
	"onewindow/device/queuebus"
	"onewindow/device/serialport"
	"onewindow/device/sim/simctl"
)

func start(t *testing.T) *simctl.Set {
	t.Helper()
	s, err := simctl.Start(simctl.Config{Dir: t.TempDir(), PaperDots: 576, Slow: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func open(t *testing.T, s *simctl.Set, device string, baud int) *serialport.Port {
	t.Helper()
	p, err := serialport.Open(serialport.Config{Device: device, Path: s.Path(device), Baud: baud, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func exec(t *testing.T, s *simctl.Set, line string) string {
	t.Helper()
	out, err := s.Exec(line)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return out
}

// The console's commands reach the devices as the drivers see them.
func TestCommandsDriveTheDevices(t *testing.T) {
	s := start(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	reader := idreader.New(open(t, s, simctl.IDReader, 115200), idreader.Config{Clock: app.NewManualClock(time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC))})
	exec(t, s, "place card 3")
	card, err := reader.Read(ctx)
	if err != nil || card.Name != "马喆" {
		t.Fatalf("after 'place card 3': want 马喆's card, got %q, %v", card.Name, err)
	}
	exec(t, s, "remove")
	if _, err := reader.Read(ctx); !errors.Is(err, app.ErrNoCard) {
		t.Fatalf("after 'remove': want ErrNoCard, got %v", err)
	}

	printer := escpos.New(open(t, s, simctl.Printer, 115200), escpos.Config{Options: escpos.DefaultOptions()})
	exec(t, s, "paper out")
	if st, err := printer.Status(ctx); err != nil || !st.PaperOut {
		t.Fatalf("after 'paper out': want paper out, got %v, %v", st, err)
	}
	exec(t, s, "paper ok")
	exec(t, s, "cover open")
	if st, err := printer.Status(ctx); err != nil || !st.CoverOpen {
		t.Fatalf("after 'cover open': want cover open, got %v, %v", st, err)
	}
	exec(t, s, "cover closed")
	exec(t, s, "fault printer garbage")
	if st, err := printer.Status(ctx); err != nil || !st.Ready() {
		t.Fatalf("after one garbage fault: want ready, got %v, %v", st, err)
	}

	bus := queuebus.New(open(t, s, simctl.QueueBus, 9600), queuebus.Config{Devices: []queuebus.Device{{Addr: 2, Kind: queuebus.KindDisplay}, {Addr: 12, Kind: queuebus.KindCaller}}, PollEvery: 20 * time.Millisecond})
	if err := bus.Show(ctx, 2, "A023 请到2号窗口"); err != nil {
		t.Fatal(err)
	}
	if out := exec(t, s, "shown"); !strings.Contains(out, `display 2: "A023 请到2号窗口"`) {
		t.Fatalf("'shown' should list display 2's text, got:\n%s", out)
	}
	go bus.Run(ctx)
	exec(t, s, "press 12 recall")
	if e := <-bus.Events(); e.Kind != app.BusKey || e.Key != app.KeyRecall || e.Addr != 12 {
		t.Fatalf("after 'press 12 recall': got %+v", e)
	}

	sc := qrscanner.New(open(t, s, simctl.Scanner, 9600), qrscanner.Config{})
	exec(t, s, "scan KS0105-20261123-0042")
	if code, err := sc.Next(ctx); err != nil || code != "KS0105-20261123-0042" {
		t.Fatalf("after 'scan': got %q, %v", code, err)
	}

	exec(t, s, "vanish scanner")
	if _, err := sc.Next(ctx); !errors.Is(err, app.ErrPortGone) {
		t.Fatalf("after 'vanish scanner': want ErrPortGone, got %v", err)
	}
	exec(t, s, "return scanner")
}

func TestBadCommandsSayWhy(t *testing.T) {
	s := start(t)
	tests := []struct{ line, says string }{
		{"dance", "unknown command"},
		{"place", "usage: place N"},
		{"place 99", "no card 99"},
		{"press 5 next", "no device at address 5"},
		{"press 11 explode", "use next, recall"},
		{"rate 21 6", "levels are 5"},
		{"rate 11 2", "caller keypad"},
		{"fault printer lightning", "unknown fault"},
		{"fault toaster garbage", "no device \"toaster\""},
		{"slow printer soon", "usage: slow"},
		{"vanish printer -1s", "usage: vanish"},
		{"power 1 maybe", "usage: power"},
		{"paper sideways", "usage: paper"},
	}
	for _, tt := range tests {
		_, err := s.Exec(tt.line)
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%q: want an error saying %q, got %v", tt.line, tt.says, err)
		}
	}
}

func TestConsole(t *testing.T) {
	s := start(t)
	var out strings.Builder
	err := s.Console(t.Context(), strings.NewReader("cards\nbogus\nquit\nplace 1\n"), &out)
	if !errors.Is(err, simctl.ErrQuit) {
		t.Fatalf("want ErrQuit, got %v", err)
	}
	for _, want := range []string{"王秀英", `error: unknown command "bogus"`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("console output should contain %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "card 1 is on the reader") {
		t.Error("commands after quit must not run")
	}
}
