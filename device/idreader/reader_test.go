package idreader_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/device/idreader"
	"onewindow/device/serialport"
	"onewindow/device/sim"
	"onewindow/device/sim/idreadersim"
)

var today = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

type rig struct {
	sim    *idreadersim.Sim
	link   *sim.Link
	port   *serialport.Port
	reader *idreader.Reader
}

// newRig wires the real driver to the simulator through a real pty. The
// timeouts are short for speed but far above a pty's latency, even on a
// loaded machine.
func newRig(t *testing.T) *rig {
	t.Helper()
	link, err := sim.Open(t.TempDir(), "idreader", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := idreadersim.New(link, nil)
	go s.Serve()
	t.Cleanup(func() { link.Close() })
	port, err := serialport.Open(serialport.Config{Device: "ID-card reader", Path: link.Path(), Baud: 115200,
		ReadTimeout: 100 * time.Millisecond, ReopenEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	r := idreader.New(port, idreader.Config{
		ControlTimeout: 500 * time.Millisecond, ReadTimeout: 1 * time.Second,
		Retries: 2, PollEvery: 30 * time.Millisecond, Clock: app.NewManualClock(today),
	})
	return &rig{sim: s, link: link, port: port, reader: r}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestControlCommands(t *testing.T) {
	r := newRig(t)
	if err := r.reader.Reset(ctx(t)); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if err := r.reader.Status(ctx(t)); err != nil {
		t.Fatalf("status: %v", err)
	}
	id, err := r.reader.ModuleID(ctx(t))
	if err != nil || len(id) != 32 {
		t.Fatalf("module id: want 32 hex digits, got %q, %v", id, err)
	}
	if err := r.reader.Find(ctx(t)); !errors.Is(err, app.ErrNoCard) {
		t.Fatalf("find on an empty reader: want ErrNoCard, got %v", err)
	}
}

func TestReadEverySampleCard(t *testing.T) {
	r := newRig(t)
	for i, c := range r.sim.Cards() {
		t.Run(c.Label, func(t *testing.T) {
			if err := r.sim.Place(i); err != nil {
				t.Fatal(err)
			}
			got, err := r.reader.Read(ctx(t))
			if _, perr := app.ParseDocumentNumber(c.Card.Document, string(c.Card.Number), today); perr != nil {
				if !errors.Is(err, app.ErrInvalidIDNumber) {
					t.Fatalf("a card whose number fails its check: want ErrInvalidIDNumber, got %v", err)
				}
				if strings.Contains(err.Error(), string(c.Card.Number)) || strings.Contains(err.Error(), c.Card.Name) {
					t.Fatalf("the error leaks the card's data: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != c.Card.Name || got.Number != c.Card.Number || got.Nation != c.Card.Nation || got.Document != c.Card.Document ||
				got.Nationality != c.Card.Nationality || got.NameLatin != c.Card.NameLatin || !got.BirthDate.Equal(c.Card.BirthDate) ||
				got.Address != c.Card.Address || !got.ValidTo.Equal(c.Card.ValidTo) || len(got.Photo) != 1024 {
				t.Fatalf("want %+v\ngot  %+v", c.Card, got)
			}
		})
	}
	r.sim.Remove()
	if _, err := r.reader.Read(ctx(t)); !errors.Is(err, app.ErrNoCard) {
		t.Fatalf("read with no card: want ErrNoCard, got %v", err)
	}
}

func TestDeckHasAnElderAndRareCharacters(t *testing.T) {
	var elder bool
	names := ""
	for _, c := range idreadersim.SampleCards() {
		if c.Flag == 0 && c.Card.Number.AgeOn(today) > 65 {
			elder = true
		}
		names += c.Card.Name
	}
	if !elder {
		t.Error("the deck needs a card holder over 65")
	}
	for _, r := range []string{"堃", "喆", "昇"} {
		if !strings.Contains(names, r) {
			t.Errorf("the deck needs a name with %s", r)
		}
	}
}

// Each fault, once, is survived by the driver's retries; the same fault on
// every attempt is reported with its kind, and the next read works again.
func TestReadSurvivesFaults(t *testing.T) {
	tests := []struct {
		fault  sim.Fault
		slow   time.Duration
		always error // the error when the fault hits every attempt
	}{
		{sim.Garbage, 0, nil},
		{sim.BadChecksum, 0, app.ErrBadFrame},
		{sim.CutFrame, 0, app.ErrBadFrame},
		{sim.SlowReply, 200 * time.Millisecond, nil},
		// Later than the timeout: the retry gets the late answer, which is
		// a whole answer to the same command, and takes it.
		{sim.SlowReply, 1200 * time.Millisecond, nil},
		{sim.NoReply, 0, app.ErrDeviceTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String()+"/"+tt.slow.String(), func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			r.link.SetSlow(tt.slow)
			if err := r.sim.Place(0); err != nil {
				t.Fatal(err)
			}
			// find, select, then the faulty read.
			r.link.Inject(sim.NoFault, 2)
			r.link.Inject(tt.fault, 1)
			card, err := r.reader.Read(ctx(t))
			if err != nil {
				t.Fatalf("one %v fault: want the driver to recover, got %v", tt.fault, err)
			}
			if card.Name != "张伟" {
				t.Fatalf("want 张伟's card, got %q", card.Name)
			}
			if tt.always == nil {
				return
			}
			r.link.Inject(sim.NoFault, 2) // find, select
			r.link.Inject(tt.fault, 3)    // every attempt at the read
			_, err = r.reader.Read(ctx(t))
			if !errors.Is(err, tt.always) {
				t.Fatalf("%v on every attempt: want %v, got %v", tt.fault, tt.always, err)
			}
			if !strings.Contains(err.Error(), "ID-card reader on "+r.link.Path()) {
				t.Errorf("the message should name the device and port: %v", err)
			}
			// A late reply must not be taken for the next command's.
			if _, err := r.reader.Read(ctx(t)); err != nil {
				t.Fatalf("after the faults: want a good read, got %v", err)
			}
		})
	}
}

func next(t *testing.T, ch <-chan app.CardEvent) app.CardEvent {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("watch channel closed early")
		}
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("no card event within 30s")
	}
	return app.CardEvent{}
}

func want(t *testing.T, e app.CardEvent, kind app.CardEventKind) {
	t.Helper()
	if e.Kind != kind {
		t.Fatalf("want event %v, got %v (%v)", kind, e.Kind, e.Err)
	}
}

// waitFor polls a condition of the simulator, which has no channel to say it.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWatch(t *testing.T) {
	r := newRig(t)
	c, cancel := context.WithCancel(ctx(t))
	events := r.reader.Watch(c)

	if err := r.sim.Place(1); err != nil {
		t.Fatal(err)
	}
	e := next(t, events)
	want(t, e, app.CardPlaced)
	if e.Card.Name != "王秀英" || e.Card.Number.AgeOn(today) < 65 || !e.Card.ValidTo.IsZero() {
		t.Fatalf("want 王秀英's long-term card, got %+v", e.Card)
	}
	// The card stays while the reader is polled many times: one read only.
	replies := r.link.Replies()
	waitFor(t, "ten more polls", func() bool { return r.link.Replies() >= replies+20 })
	if n := r.sim.Reads(); n != 1 {
		t.Fatalf("a card left on the reader was read %d times, want 1", n)
	}

	r.sim.Remove()
	want(t, next(t, events), app.CardRemoved)

	if err := r.sim.Place(7); err != nil { // the damaged card
		t.Fatal(err)
	}
	e = next(t, events)
	want(t, e, app.CardUnreadable)
	if !errors.Is(e.Err, app.ErrInvalidIDNumber) {
		t.Fatalf("want ErrInvalidIDNumber, got %v", e.Err)
	}
	// Swapping cards between two polls still reports the old one gone.
	if err := r.sim.Place(2); err != nil {
		t.Fatal(err)
	}
	want(t, next(t, events), app.CardRemoved)
	e = next(t, events)
	want(t, e, app.CardPlaced)
	if e.Card.Name != "李堃" {
		t.Fatalf("want 李堃, got %q", e.Card.Name)
	}

	// Faults while a card sits on the reader are absorbed by retries: no
	// event, no second read.
	for _, f := range []sim.Fault{sim.Garbage, sim.BadChecksum, sim.CutFrame, sim.NoReply} {
		r.link.Inject(f, 1)
		replies = r.link.Replies()
		waitFor(t, "the fault to be used up", func() bool { return r.link.Replies() >= replies+4 })
	}
	select {
	case e := <-events:
		t.Fatalf("single faults while a card sits on the reader: want no event, got %v (%v)", e.Kind, e.Err)
	default:
	}
	if n := r.sim.Reads(); n != 3 {
		t.Fatalf("want 3 reads so far (王秀英, the refused card's attempt aside, 李堃), got %d", n)
	}
	r.sim.Remove()
	want(t, next(t, events), app.CardRemoved)

	// The reader vanishes with a card on it, then comes back.
	if err := r.sim.Place(3); err != nil {
		t.Fatal(err)
	}
	want(t, next(t, events), app.CardPlaced)
	r.link.Vanish()
	want(t, next(t, events), app.CardRemoved)
	e = next(t, events)
	want(t, e, app.ReaderOffline)
	if !errors.Is(e.Err, app.ErrPortGone) {
		t.Fatalf("want ErrPortGone, got %v", e.Err)
	}
	if err := r.link.Return(); err != nil {
		t.Fatal(err)
	}
	want(t, next(t, events), app.ReaderOnline)
	// The simulated card is still on: after the reader's restart it is new
	// to the driver, like a real module after a power cycle.
	r.sim.Remove()
	if err := r.sim.Place(4); err != nil {
		t.Fatal(err)
	}
	e = next(t, events)
	want(t, e, app.CardPlaced)
	if e.Card.Name != "赵昇" {
		t.Fatalf("want 赵昇, got %q", e.Card.Name)
	}

	cancel()
	for range events {
	}
}

// payloadBytes is what a read is for: the text block and the photo.
const payloadBytes = 256 + 1024

// A full read (find, select, read) may add at most 10% of bytes, and so of
// wire time, to the card's own text and photo.
func TestFullReadOverhead(t *testing.T) {
	r := newRig(t)
	if err := r.sim.Place(0); err != nil {
		t.Fatal(err)
	}
	in0, out0 := r.link.Traffic()
	if _, err := r.reader.Read(ctx(t)); err != nil {
		t.Fatal(err)
	}
	in1, out1 := r.link.Traffic()
	wire := int(in1 - in0 + out1 - out0)
	overhead := float64(wire-payloadBytes) / payloadBytes
	if overhead > 0.10 {
		t.Fatalf("a full read moves %d bytes for %d of card data: %.1f%% overhead, at most 10%% wanted", wire, payloadBytes, overhead*100)
	}
}

// BenchmarkFullRead reads a card over a pty through the simulator and
// reports the bytes on the wire, the protocol's overhead over the card's
// data, and the wire time at 115200 and 9600 baud. ns/op is the time over
// a pty, which has no baud rate.
func BenchmarkFullRead(b *testing.B) {
	link, err := sim.Open(b.TempDir(), "idreader", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer link.Close()
	s := idreadersim.New(link, nil)
	go s.Serve()
	port, err := serialport.Open(serialport.Config{Path: link.Path(), Baud: 115200, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer port.Close()
	r := idreader.New(port, idreader.Config{Clock: app.NewManualClock(today)})
	var wire int64
	for b.Loop() {
		b.StopTimer()
		if err := s.Place(1); err != nil { // a fresh placement: find succeeds
			b.Fatal(err)
		}
		in0, out0 := link.Traffic()
		b.StartTimer()
		if _, err := r.Read(b.Context()); err != nil {
			b.Fatal(err)
		}
		in1, out1 := link.Traffic()
		wire = in1 - in0 + out1 - out0
	}
	b.ReportMetric(float64(wire), "wire-bytes")
	b.ReportMetric(float64(wire-payloadBytes)/payloadBytes*100, "overhead-%")
	b.ReportMetric(float64(wire*10)/115200*1000, "ms@115200")
	b.ReportMetric(float64(wire*10)/9600*1000, "ms@9600")
}
