package queuebus_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/device/queuebus"
	"onewindow/device/serialport"
	"onewindow/device/sim"
	"onewindow/device/sim/queuesim"
)

type rig struct {
	sim    *queuesim.Sim
	link   *sim.Link
	master *queuebus.Master
}

func newRig(t *testing.T) *rig {
	t.Helper()
	link, err := sim.Open(t.TempDir(), "queuebus", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { link.Close() })
	s := queuesim.New(link, nil, queuesim.DefaultDevices()...)
	go s.Serve()
	port, err := serialport.Open(serialport.Config{Device: "queue bus", Path: link.Path(), Baud: 9600,
		ReadTimeout: 100 * time.Millisecond, ReopenEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	var devs []queuebus.Device
	for _, d := range s.Devices() {
		devs = append(devs, queuebus.Device{Addr: d.Addr, Kind: d.Kind})
	}
	m := queuebus.New(port, queuebus.Config{Devices: devs, Timeout: 400 * time.Millisecond, Retries: 2,
		PollEvery: 20 * time.Millisecond, CheckEvery: 100 * time.Millisecond, OfflineEvery: 400 * time.Millisecond})
	return &rig{sim: s, link: link, master: m}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestShowClearPrompt(t *testing.T) {
	r := newRig(t)
	if err := r.master.Show(ctx(t), 3, "A023 请到3号窗口"); err != nil {
		t.Fatal(err)
	}
	if got := r.sim.Shown(3); got != "A023 请到3号窗口" {
		t.Fatalf("display 3: want %q, got %q", "A023 请到3号窗口", got)
	}
	if err := r.master.Clear(ctx(t), 3); err != nil {
		t.Fatal(err)
	}
	if got := r.sim.Shown(3); got != "" {
		t.Fatalf("display 3 after clear: want blank, got %q", got)
	}
	if err := r.master.PromptRating(ctx(t), 21, "1号窗口 工号0107 请评价"); err != nil {
		t.Fatal(err)
	}
	if got := r.sim.Prompt(21); !strings.Contains(got, "请评价") {
		t.Fatalf("rating pad 21: want the prompt, got %q", got)
	}
	kind, fw, err := r.master.Ping(ctx(t), 12)
	if err != nil || kind != queuebus.KindCaller || fw == "" {
		t.Fatalf("ping 12: want a caller keypad with firmware, got %v %q %v", kind, fw, err)
	}
}

func TestCommandsRefuseBadInput(t *testing.T) {
	r := newRig(t)
	tests := []struct {
		name string
		err  error
	}{
		{"show on a keypad", r.master.Show(ctx(t), 11, "x")},
		{"show on an unknown address", r.master.Show(ctx(t), 99, "x")},
		{"prompt on a display", r.master.PromptRating(ctx(t), 1, "x")},
		{"text too long", r.master.Show(ctx(t), 1, strings.Repeat("请", 121))},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, app.ErrInvalidInput) {
			t.Errorf("%s: want ErrInvalidInput, got %v", tt.name, tt.err)
		}
	}
	if r.link.Replies() != 0 {
		t.Errorf("refused commands must not reach the bus; the devices answered %d", r.link.Replies())
	}
}

func TestEveryFaultOnce(t *testing.T) {
	for _, f := range []sim.Fault{sim.Garbage, sim.BadChecksum, sim.CutFrame, sim.SlowReply, sim.NoReply} {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.link.SetSlow(600 * time.Millisecond) // later than the timeout
			r.link.Inject(f, 1)
			if err := r.master.Show(ctx(t), 2, "B007 请到2号窗口"); err != nil {
				t.Fatalf("one %v fault: want the retry to succeed, got %v", f, err)
			}
			// The late or duplicate reply must not answer the next exchange.
			if err := r.master.Clear(ctx(t), 2); err != nil {
				t.Fatalf("the exchange after the fault: %v", err)
			}
			if got := r.sim.Shown(2); got != "" {
				t.Fatalf("display 2: want blank after clear, got %q", got)
			}
			if !r.master.Online(2) {
				t.Fatal("a recovered device must stay online")
			}
		})
	}
}

func TestRetriesAreBoundedThenOffline(t *testing.T) {
	tests := []struct {
		fault sim.Fault
		want  error
	}{
		{sim.NoReply, app.ErrDeviceTimeout},
		{sim.BadChecksum, app.ErrBadFrame},
		{sim.CutFrame, app.ErrBadFrame},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.link.Inject(tt.fault, 3)
			err := r.master.Show(ctx(t), 1, "A001")
			if !errors.Is(err, tt.want) || !errors.Is(err, app.ErrDeviceOffline) {
				t.Fatalf("want %v and ErrDeviceOffline, got %v", tt.want, err)
			}
			if r.sim.Requests(1) != 3 {
				t.Fatalf("want 3 attempts (1 + 2 retries), the display heard %d", r.sim.Requests(1))
			}
			if e := <-r.master.Events(); e.Kind != app.BusDeviceOffline || e.Addr != 1 {
				t.Fatalf("want display 1 offline, got %+v", e)
			}
			if err := r.master.Show(ctx(t), 1, "A001"); err != nil {
				t.Fatalf("after the fault cleared: %v", err)
			}
			if e := <-r.master.Events(); e.Kind != app.BusDeviceOnline || e.Addr != 1 {
				t.Fatalf("want display 1 online, got %+v", e)
			}
		})
	}
}

func nextEvent(t *testing.T, m *queuebus.Master, kind app.BusEventKind) app.BusEvent {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case e := <-m.Events():
			if e.Kind == kind {
				return e
			}
			t.Logf("skipping event %+v", e)
		case <-timeout:
			t.Fatalf("no event of kind %d within 30s", kind)
		}
	}
}

func TestPollingKeysRatingsAndOffline(t *testing.T) {
	r := newRig(t)
	c, cancel := context.WithCancel(ctx(t))
	done := make(chan error, 1)
	go func() { done <- r.master.Run(c) }()

	for _, k := range []app.CallerKey{app.KeyCallNext, app.KeyRecall, app.KeyTransfer} {
		if err := r.sim.Press(12, byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.sim.Press(12, 0x77); err != nil { // nonsense from a keypad
		t.Fatal(err)
	}
	for _, want := range []app.CallerKey{app.KeyCallNext, app.KeyRecall, app.KeyTransfer} {
		e := nextEvent(t, r.master, app.BusKey)
		if e.Addr != 12 || e.Key != want {
			t.Fatalf("want key %v from 12, got %v from %d", want, e.Key, e.Addr)
		}
	}

	if err := r.master.PromptRating(c, 22, "请评价"); err != nil {
		t.Fatal(err)
	}
	for _, level := range []app.RatingLevel{app.Dissatisfied, app.VerySatisfied} {
		if err := r.sim.Rate(22, level); err != nil {
			t.Fatal(err)
		}
		e := nextEvent(t, r.master, app.BusRating)
		if e.Addr != 22 || e.Rating != level {
			t.Fatalf("want %s from 22, got %+v", level.Name().Zh, e)
		}
	}

	// A keypad loses power: offline, polled slowly, back online, and its
	// next key arrives.
	if err := r.sim.SetPower(13, false); err != nil {
		t.Fatal(err)
	}
	e := nextEvent(t, r.master, app.BusDeviceOffline)
	if e.Addr != 13 || !errors.Is(e.Err, app.ErrDeviceTimeout) {
		t.Fatalf("want keypad 13 offline by timeout, got %+v", e)
	}
	before13, before11 := r.sim.Requests(13), r.sim.Requests(11)
	deadline := time.Now().Add(30 * time.Second)
	for r.sim.Requests(11) < before11+60 {
		if time.Now().After(deadline) {
			t.Fatal("keypad 11 was not polled 60 times in 30s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := r.sim.Requests(13) - before13; n > 20 {
		t.Fatalf("an offline keypad should be polled slower: it was asked %d times while an online one was asked 60", n)
	}
	if err := r.sim.SetPower(13, true); err != nil {
		t.Fatal(err)
	}
	if e := nextEvent(t, r.master, app.BusDeviceOnline); e.Addr != 13 {
		t.Fatalf("want keypad 13 back online, got %+v", e)
	}
	if err := r.sim.Press(13, byte(app.KeySkip)); err != nil {
		t.Fatal(err)
	}
	if e := nextEvent(t, r.master, app.BusKey); e.Addr != 13 || e.Key != app.KeySkip {
		t.Fatalf("want skip from 13, got %+v", e)
	}

	// The whole bus adapter is unplugged and plugged back.
	r.link.Vanish()
	e = nextEvent(t, r.master, app.BusDeviceOffline)
	if !errors.Is(e.Err, app.ErrPortGone) {
		t.Fatalf("want ErrPortGone, got %+v", e)
	}
	if err := r.link.Return(); err != nil {
		t.Fatal(err)
	}
	nextEvent(t, r.master, app.BusDeviceOnline)
	if err := r.sim.Press(11, byte(app.KeyPause)); err != nil {
		t.Fatal(err)
	}
	for {
		e := nextEvent(t, r.master, app.BusKey)
		if e.Addr == 11 && e.Key == app.KeyPause {
			break
		}
	}

	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: want context.Canceled, got %v", err)
	}
}

// A keypad answers a repeated sequence number from memory. Had the master one
// counter for the whole bus, the 256th exchange after a poll would give the
// keypad its old number again, and it would repeat the old keys.
func TestSequenceNumbersNeverRepeatForADevice(t *testing.T) {
	r := newRig(t)
	if err := r.sim.Press(11, byte(app.KeyCallNext)); err != nil {
		t.Fatal(err)
	}
	events, err := r.master.PollKeys(ctx(t), 11)
	if err != nil || len(events) != 1 || events[0].Key != app.KeyCallNext {
		t.Fatalf("want one call-next key, got %+v, %v", events, err)
	}
	for i := range 255 {
		if err := r.master.Show(ctx(t), 1, "A001"); err != nil {
			t.Fatalf("show %d: %v", i, err)
		}
	}
	events, err = r.master.PollKeys(ctx(t), 11)
	if err != nil || len(events) != 0 {
		t.Fatalf("no key was pressed again: want no events, got %+v, %v", events, err)
	}
	if _, err := r.master.PollKeys(ctx(t), 1); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("polling a display: want ErrInvalidInput, got %v", err)
	}
}
