package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
)

// counter is window 1 of the sample hall in front of a hallrig: a real
// store in a temporary folder, a real hub over loopback HTTP, and the real
// printer, queue-bus and card-reader drivers on their simulators' ptys.
// No screen: the rules are driven through the Desk's own methods.
type counter struct {
	*hallrig.Rig
	t   *testing.T
	d   *desk.Desk
	ctx context.Context
}

// openCounter builds a counter with nobody logged in. set, when not nil,
// changes the desk's services and configuration before it is made.
func openCounter(t *testing.T, set func(*hallrig.Rig, *desk.Services, *desk.Config)) *counter {
	t.Helper()
	r, err := hallrig.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	svc, cfg := r.Services(), r.Config()
	if set != nil {
		set(r, &svc, &cfg)
	}
	d, err := desk.New(t.Context(), svc, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &counter{Rig: r, t: t, d: d, ctx: t.Context()}
}

// loggedIn is a counter with the rig's clerk at work.
func loggedIn(t *testing.T) *counter {
	t.Helper()
	c := openCounter(t, nil)
	c.login()
	return c
}

func (c *counter) login() {
	c.t.Helper()
	if err := c.d.Login(c.ctx, hallrig.Clerk, hallrig.Password); err != nil {
		c.t.Fatalf("login as %s: want it done, got %v", hallrig.Clerk, err)
	}
}

// run follows the window's devices (keypad, rating pad, reader) until the
// test ends, as the terminal does.
func (c *counter) run() {
	ctx, cancel := context.WithCancel(c.ctx)
	done := make(chan struct{})
	go func() { defer close(done); c.d.Run(ctx) }()
	c.t.Cleanup(func() { cancel(); <-done })
}

func (c *counter) issue(category string) app.Ticket {
	c.t.Helper()
	tk, err := c.Issue(c.ctx, category)
	if err != nil {
		c.t.Fatalf("issue a ticket in %s: %v", category, err)
	}
	return tk
}

func (c *counter) waitFor(what string, cond func() bool) {
	c.t.Helper()
	if err := hallrig.WaitFor(5*time.Second, cond); err != nil {
		c.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// form is an intake form as the clerk fills it: the first item found by
// the pinyin initials, the applicant read from the sample card on the
// window's reader, and the materials ticked.
func (c *counter) form(initials string, received ...int) desk.IntakeForm {
	c.t.Helper()
	items := c.d.SearchItems(initials)
	if len(items) == 0 {
		c.t.Fatalf("search %q: want an item, found none", initials)
	}
	if err := c.ReaderSim.Place(0); err != nil {
		c.t.Fatal(err)
	}
	a, err := c.d.ReadCard(c.ctx)
	if err != nil {
		c.t.Fatalf("read the card on the reader: %v", err)
	}
	return desk.IntakeForm{Item: items[0], Applicant: a, Received: received}
}

// accept takes a case in and returns it, failing on any error but the print's.
func (c *counter) accept(f desk.IntakeForm) desk.Outcome {
	c.t.Helper()
	out, err := c.d.Accept(c.ctx, f)
	if err != nil {
		c.t.Fatalf("accept: want a case, got %v", err)
	}
	return out
}

// page is the text of the n-th printed page (1-based), waited for.
func (c *counter) page(n int) string {
	c.t.Helper()
	c.waitFor("printed page", func() bool { return len(c.PrinterSim.Pages()) >= n })
	return strings.Join(c.PrinterSim.Pages()[n-1].Lines, "\n")
}

// events are the actions of a case's timeline.
func (c *counter) events(number string) []string {
	c.t.Helper()
	evs, err := c.Store.Events(c.ctx, number)
	if err != nil {
		c.t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Action)
	}
	return out
}
