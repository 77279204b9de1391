package serialport_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/device/serialport"
	"onewindow/device/sim"
)

func TestPortTimeoutVanishAndReturn(t *testing.T) {
	link, err := sim.Open(t.TempDir(), "dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer link.Close()
	p, err := serialport.Open(serialport.Config{Device: "test device", Path: link.Path(), Baud: 9600, ReadTimeout: 100 * time.Millisecond, ReopenEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	buf := make([]byte, 16)
	if _, err := p.Read(buf); !errors.Is(err, app.ErrDeviceTimeout) {
		t.Fatalf("read with nothing sent: want ErrDeviceTimeout, got %v", err)
	}
	if err := link.Send([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	got, err := p.ReadUntil(t.Context(), "read", 5*time.Second, func(b []byte) bool { return len(b) >= 5 })
	if err != nil || string(got) != "hello" {
		t.Fatalf("want %q, got %q, %v", "hello", got, err)
	}

	link.Vanish()
	_, err = p.Read(buf)
	if !errors.Is(err, app.ErrPortGone) {
		t.Fatalf("read after the port vanished: want ErrPortGone, got %v", err)
	}
	if !p.Gone() {
		t.Fatal("Gone() is false after the port vanished")
	}
	if err := p.Write([]byte("x")); !errors.Is(err, app.ErrPortGone) {
		t.Fatalf("write while gone: want ErrPortGone, got %v", err)
	}
	var se *serialport.Error
	if !errors.As(err, &se) || se.Path != link.Path() {
		t.Fatalf("want a *serialport.Error naming %s, got %#v", link.Path(), err)
	}

	if err := link.Return(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := p.Write([]byte("ping")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("port did not reopen within 10s after it came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	in := make([]byte, 4)
	n, err := link.Read(in)
	if err != nil || string(in[:n]) != "ping" {
		t.Fatalf("simulator wanted %q after reopen, got %q, %v", "ping", in[:n], err)
	}
	if p.Reopened() != 1 {
		t.Fatalf("want 1 reopen, got %d", p.Reopened())
	}
}

func TestOpenMissingPort(t *testing.T) {
	_, err := serialport.Open(serialport.Config{Device: "printer", Path: "/nonexistent/ttyUSB9"})
	if !errors.Is(err, app.ErrPortGone) {
		t.Fatalf("want ErrPortGone, got %v", err)
	}
	for _, want := range []string{"printer", "/nonexistent/ttyUSB9", "no such port", "USB cable"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q should mention %q", err.Error(), want)
		}
	}
}

func TestErrorMessagesNameTheKind(t *testing.T) {
	tests := []struct {
		kind error
		hint string
	}{
		{app.ErrDeviceTimeout, "switched on"},
		{app.ErrPortGone, "unplugged"},
		{app.ErrBadFrame, "baud rate and parity"},
		{app.ErrDeviceFault, "manual"},
	}
	for _, tt := range tests {
		e := &serialport.Error{Device: "queue bus", Path: "/dev/ttyS1", Op: "read", Kind: tt.kind}
		if !errors.Is(e, tt.kind) {
			t.Errorf("errors.Is(%v, kind) is false", e)
		}
		if !strings.Contains(e.Error(), tt.hint) {
			t.Errorf("message for %v: want it to contain %q, got %q", tt.kind, tt.hint, e.Error())
		}
	}
}

func TestParseParity(t *testing.T) {
	for in, want := range map[string]serialport.Parity{"N": serialport.ParityNone, "e": serialport.ParityEven, "odd": serialport.ParityOdd} {
		got, err := serialport.ParseParity(in)
		if err != nil || got != want {
			t.Errorf("ParseParity(%q) = %c, %v; want %c", in, got, err, want)
		}
	}
	if _, err := serialport.ParseParity("X"); !errors.Is(err, app.ErrInvalidConfig) {
		t.Errorf("ParseParity(X): want ErrInvalidConfig, got %v", err)
	}
}

func TestReadUntilEndsWithTheContext(t *testing.T) {
	link, err := sim.Open(t.TempDir(), "dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer link.Close()
	p, err := serialport.Open(serialport.Config{Path: link.Path(), ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := p.ReadUntil(ctx, "read", time.Hour, func([]byte) bool { return false }); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context: want context.Canceled, got %v", err)
	}
	if err := link.Send([]byte("AB")); err != nil {
		t.Fatal(err)
	}
	_, err = p.ReadUntil(t.Context(), "read", 300*time.Millisecond, func(b []byte) bool { return len(b) >= 3 })
	if !errors.Is(err, app.ErrBadFrame) || !strings.Contains(err.Error(), "stopped after 2 bytes") {
		t.Fatalf("an answer cut short: want ErrBadFrame saying how much came, got %v", err)
	}
}

func TestDiscardAndDrain(t *testing.T) {
	link, err := sim.Open(t.TempDir(), "dev", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer link.Close()
	p, err := serialport.Open(serialport.Config{Path: link.Path(), ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := link.Send([]byte("stale")); err != nil {
		t.Fatal(err)
	}
	if n := p.Drain(t.Context(), 200*time.Millisecond, 10*time.Second); n != 5 {
		t.Fatalf("Drain: want the 5 stale bytes dropped, dropped %d", n)
	}
	// Discard drops what came in, never what is still going out: the
	// serial library's own flush drops both, which cut print jobs short.
	if err := p.Write([]byte("job")); err != nil {
		t.Fatal(err)
	}
	p.Discard()
	buf := make([]byte, 16)
	n, err := link.Read(buf)
	if err != nil || string(buf[:n]) != "job" {
		t.Fatalf("the simulator should get the job whole, got %q, %v", buf[:n], err)
	}
	if got, err := p.Read(buf); !errors.Is(err, app.ErrDeviceTimeout) {
		t.Fatalf("after Discard: want nothing left to read, got %q, %v", buf[:got], err)
	}
}
