package kiosk

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/device/idreader"
	"onewindow/device/serialport"
	"onewindow/device/sim"
	"onewindow/device/sim/idreadersim"
)

// simReader is the real reader driver talking to the reader simulator over
// a simulated serial line, as in a hall.
func simReader(t *testing.T, clock app.Clock) (*idreader.Reader, *idreadersim.Sim) {
	t.Helper()
	l, err := sim.Open(t.TempDir(), "idreader", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := idreadersim.New(l, nil)
	go s.Serve()
	p, err := serialport.Open(serialport.Config{Device: "ID-card reader", Path: l.Path(), Baud: 115200,
		ReadTimeout: 50 * time.Millisecond, ReopenEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return idreader.New(p, idreader.Config{ControlTimeout: 500 * time.Millisecond, ReadTimeout: time.Second,
		Retries: 1, PollEvery: 30 * time.Millisecond, Clock: clock}), s
}

// TestTakeANumberReadsACardLaidOnTheReader lays a card on the simulated
// reader at the take-a-number page, and one before the page opens: each
// is read by itself, without a tap on 读身份证. Away from the pages that
// take a card the reader is not read.
func TestTakeANumberReadsACardLaidOnTheReader(t *testing.T) {
	var (
		reader *idreader.Reader
		sr     *idreadersim.Sim
	)
	r := newRig(t, func(c *Config) {
		reader, sr = simReader(t, c.Self.Clock())
		c.Reader = reader
	})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	r.k.Run(ctx)
	shows := func(s string) (ok bool) {
		fyne.DoAndWait(func() { ok = r.shows(s) })
		return ok
	}
	waitShows := func(what, s string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !shows(s) {
			if time.Now().After(deadline) {
				var texts []string
				fyne.DoAndWait(func() { texts = r.texts() })
				t.Fatalf("%s: %q is not on the page %q; it shows %q", what, s, r.k.Page(), texts)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	fyne.DoAndWait(func() { r.tap(t, "取号") })
	waitShows("the take-a-number page", "请选择业务类别")
	if err := sr.Place(1); err != nil { // 王秀英, born 1951: elderly
		t.Fatal(err)
	}
	waitShows("a card laid on the reader", "王*英")
	if !shows("老年人优先") {
		t.Errorf("the card read by itself is not taken as the elderly holder's")
	}
	reads := sr.Reads()
	time.Sleep(200 * time.Millisecond)
	if n := sr.Reads(); n != reads {
		t.Errorf("a card that stays on the reader was read %d more times", n-reads)
	}

	// Home: the watch stops, and the card still lying there is read when
	// the page opens again.
	fyne.DoAndWait(func() { r.k.Home() })
	sr.Remove()
	if err := sr.Place(0); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := sr.Reads(); n != reads {
		t.Errorf("the reader was read %d times at home", n-reads)
	}
	fyne.DoAndWait(func() { r.tap(t, "取号") })
	waitShows("a card lying on the reader as the page opens", sampleMasked(0))
	var watches int
	fyne.DoAndWait(func() { watches = r.k.cardWatch.watches })
	if watches != 2 {
		t.Errorf("%d watches for two visits to the page, want 2 (drawing the page again keeps its watch)", watches)
	}
}

// sampleMasked is the masked name of the simulator's sample card i.
func sampleMasked(i int) string { return app.MaskName(idreadersim.SampleCards()[i].Card.Name) }
