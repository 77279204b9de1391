package window

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/ui/theme"
)

// bench is one window terminal on a headless test app, in front of a rig.
type bench struct {
	*hallrig.Rig
	t    testing.TB
	term *Terminal
	ctx  context.Context
}

func newBench(t testing.TB) *bench { return newBenchWith(t, nil) }

// newBenchWith is newBench with the desk's configuration changed by set.
func newBenchWith(t testing.TB, set func(*desk.Config)) *bench {
	t.Helper()
	return openBench(t, (*hallrig.Rig).Services, set)
}

// newHallBench is a bench whose window is one of a hall, as cmd/onewindow
// wires it: its cases read and moved on at the hub, its pre-review listing
// the hall's kiosk applications; its outbox reaches the hub when the test
// pushes it (b.Push).
func newHallBench(t testing.TB) *bench {
	t.Helper()
	return openBench(t, (*hallrig.Rig).HallServices, nil)
}

func openBench(t testing.TB, services func(*hallrig.Rig) desk.Services, set func(*desk.Config)) *bench {
	t.Helper()
	r, err := hallrig.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	cfg := r.Config()
	if set != nil {
		set(&cfg)
	}
	d, err := desk.New(ctx, services(r), cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	a.Settings().SetTheme(theme.New(theme.Touch)) // Open puts its own in place
	term := Open(ctx, a, d)
	term.Window().Resize(fyne.NewSize(1280, 800))
	b := &bench{Rig: r, t: t, term: term, ctx: ctx}
	// The desk asks the hub once at start; wait for the answer so every
	// test (and golden image) begins from the same corner.
	b.waitFor("the first word from the hub", func() bool { return !d.View().Hub.Checked.IsZero() })
	term.onUI(term.refresh)
	return b
}

// key presses a key on its own, as the desktop driver hands it over.
func (b *bench) key(name fyne.KeyName) {
	b.t.Helper()
	b.term.onUI(func() { b.term.Press(name, 0) })
	b.term.Wait()
}

// ctrl presses Ctrl and a key.
func (b *bench) ctrl(name fyne.KeyName) {
	b.t.Helper()
	b.term.onUI(func() { b.term.Press(name, fyne.KeyModifierControl) })
	b.term.Wait()
}

// typeText types text into the focused field.
func (b *bench) typeText(text string) {
	b.t.Helper()
	if !b.is(func() bool { return b.term.Window().Canvas().Focused() != nil }) {
		b.t.Fatalf("typing %q with nothing focused", text)
	}
	b.term.onUI(func() { b.term.Type(text) })
}

func (b *bench) focus(o fyne.Focusable) {
	b.term.onUI(func() { b.term.Window().Canvas().Focus(o) })
}

func (b *bench) login(id, password string) {
	b.t.Helper()
	b.focus(b.term.login.id)
	b.term.onUI(func() { b.term.login.id.SetText("") })
	b.typeText(id)
	b.key(fyne.KeyReturn)
	b.typeText(password)
	b.key(fyne.KeyReturn)
}

func (b *bench) mustLogin() {
	b.t.Helper()
	b.login(hallrig.Clerk, hallrig.Password)
	if v := b.term.desk.View(); v.Staff == nil || v.Locked {
		b.t.Fatalf("login as %s failed: %q", hallrig.Clerk, b.term.Message())
	}
}

func (b *bench) issue(category string) app.Ticket {
	b.t.Helper()
	tk, err := b.Issue(b.ctx, category)
	if err != nil {
		b.t.Fatal(err)
	}
	return tk
}

// waitFor fails the test if cond does not hold within a few seconds.
func (b *bench) waitFor(what string, cond func() bool) {
	b.t.Helper()
	if err := hallrig.WaitFor(5*time.Second, cond); err != nil {
		b.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// page returns the text of the n-th printed page (1-based), waiting for it.
func (b *bench) page(n int) string {
	b.t.Helper()
	b.waitFor("printed page", func() bool { return len(b.PrinterSim.Pages()) >= n })
	return strings.Join(b.PrinterSim.Pages()[n-1].Lines, "\n")
}

// get and is read the screen on the UI goroutine, between redraws.
func (b *bench) get(fn func() string) (s string) {
	b.term.onUI(func() { s = fn() })
	return s
}

func (b *bench) is(fn func() bool) (v bool) {
	b.term.onUI(func() { v = fn() })
	return v
}
