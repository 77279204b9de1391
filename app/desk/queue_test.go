package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/sync/hub"
)

// TestCallRecallSkipAndTheKeypad: a call puts the number on the window's
// display, a recall counts, a skip frees the window and blanks the display;
// the caller keypad calls as F1 does, and its refusal is kept for the panel.
func TestCallRecallSkipAndTheKeypad(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	c.run()
	d, ctx := c.d, c.ctx
	c.issue("H")
	c.issue("A")

	tk, err := d.CallNext(ctx)
	if err != nil || tk.Code != "H001" {
		t.Fatalf("call next: want H001, got %q %v", tk.Code, err)
	}
	if got, want := c.BusSim.Shown(1), "H001 请到1号窗口"; got != want {
		t.Fatalf("display after the call: want %q, got %q", want, got)
	}
	if v := d.View(); v.Current == nil || v.Current.Code != "H001" {
		t.Fatalf("the view after the call: want H001 current, got %+v", v.Current)
	}
	if tk, err := d.Recall(ctx); err != nil || tk.Recalls != 1 {
		t.Fatalf("recall: want H001 recalled once, got %+v %v", tk, err)
	}
	if v := d.View(); v.Current == nil || v.Current.Recalls != 1 {
		t.Fatalf("the view after the recall: want H001 recalled once, got %+v", v.Current)
	}
	if _, err := d.Skip(ctx); err != nil {
		t.Fatalf("skip: %v", err)
	}
	if got := c.BusSim.Shown(1); got != "" {
		t.Fatalf("display after the skip: want it blank, got %q", got)
	}
	if v := d.View(); v.Current != nil {
		t.Fatalf("the view after the skip: want no current ticket, got %s", v.Current.Code)
	}

	// The caller keypad (address 11) calls the next one.
	if err := c.BusSim.Press(11, byte(app.KeyCallNext)); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the keypad's call on the display as A001", func() bool { return c.BusSim.Shown(1) == "A001 请到1号窗口" })
	c.waitFor("the keypad's call in the view", func() bool {
		v := d.View()
		return v.Current != nil && v.Current.Code == "A001"
	})

	// Nobody left: the hub says so, which is a refusal, not the hub gone.
	if _, err := d.Start(ctx); err != nil {
		t.Fatalf("start serving A001: %v", err)
	}
	if _, err := d.CallNext(ctx); !errors.Is(err, app.ErrNoneWaiting) || desk.HubDown(err) {
		t.Fatalf("calling with nobody waiting: want ErrNoneWaiting from a hub that answered, got %v", err)
	}
	if err := c.BusSim.Press(11, byte(app.KeyCallNext)); err != nil {
		t.Fatal(err)
	}
	c.waitFor("the keypad's refusal in the view", func() bool { return d.View().KeypadErr != nil })
	if v := d.View(); v.KeypadKey != app.KeyCallNext || !errors.Is(v.KeypadErr, app.ErrNoneWaiting) {
		t.Fatalf("keypad call with nobody waiting: want key %s refused with ErrNoneWaiting, got %s %v", app.KeyCallNext, v.KeypadKey, v.KeypadErr)
	}
}

// TestTransferAndPause: a transfer puts the citizen in another category's
// line and frees the window; a pause with a listed reason shows on the
// display, an unlisted one is refused, and resume blanks it.
func TestTransferAndPause(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	d, ctx := c.d, c.ctx
	c.issue("H")
	if _, err := d.CallNext(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Transfer(ctx, "B", 0); err != nil {
		t.Fatalf("transfer to B: %v", err)
	}
	st, err := c.Hub.Window(ctx, 3) // window 3 serves B
	if err != nil || st.Waiting != 1 {
		t.Fatalf("after the transfer to B: want one waiting at window 3, got %+v %v", st, err)
	}
	if v := d.View(); v.Current != nil {
		t.Fatalf("after the transfer: want window 1 free, got %s", v.Current.Code)
	}
	if err := d.Pause(ctx, "lunch at noon"); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("pause for a reason not on the list: want ErrInvalidInput, got %v", err)
	}
	if err := d.Pause(ctx, "break"); err != nil {
		t.Fatalf("pause for a break: %v", err)
	}
	if v := d.View(); !v.Paused || v.PauseReason != "break" {
		t.Fatalf("after the pause: want paused for a break, got paused=%v reason=%q", v.Paused, v.PauseReason)
	}
	if got := c.BusSim.Shown(1); !strings.Contains(got, "暂停") {
		t.Fatalf("display while paused: want 暂停, got %q", got)
	}
	if err := d.Resume(ctx); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if v := d.View(); v.Paused {
		t.Fatal("after resume: want the window serving, it is still paused")
	}
	if got := c.BusSim.Shown(1); got != "" {
		t.Fatalf("display after resume: want it blank, got %q", got)
	}
}

// lossyHub passes a call to the real hub, then loses its answer once, as a
// LAN that drops the reply would.
type lossyHub struct {
	desk.Hub
	lose bool
	ids  []string
}

func (h *lossyHub) Call(ctx context.Context, id string, window int) (app.Ticket, error) {
	h.ids = append(h.ids, id)
	t, err := h.Hub.Call(ctx, id, window)
	if h.lose && err == nil {
		h.lose = false
		return app.Ticket{}, hub.ErrUnreachable
	}
	return t, err
}

func TestALostAnswerIsRetriedWithTheSameRequestID(t *testing.T) {
	t.Parallel()
	var h *lossyHub
	c := openCounter(t, func(r *hallrig.Rig, svc *desk.Services, _ *desk.Config) {
		h = &lossyHub{Hub: r.Hub, lose: true}
		svc.Hub = h
	})
	c.login()
	d, ctx := c.d, c.ctx
	c.issue("H")
	c.issue("H")
	if _, err := d.CallNext(ctx); !desk.HubDown(err) || !errors.Is(err, hub.ErrUnreachable) {
		t.Fatalf("first call: want the lost answer reported as the hub unreachable, got %v", err)
	}
	if d.View().Hub.Online {
		t.Fatal("after a lost answer the corner must show the hub offline")
	}
	tk, err := d.CallNext(ctx)
	if err != nil || tk.Code != "H001" {
		t.Fatalf("the retry must return the ticket the first call made, H001; got %s %v", tk.Code, err)
	}
	if len(h.ids) != 2 || h.ids[0] != h.ids[1] {
		t.Fatalf("the retry must reuse the request id, sent %v", h.ids)
	}
	if st, _ := c.Hub.Window(ctx, hallrig.Window); st.Waiting != 1 {
		t.Fatalf("one call was made, so one ticket must still wait; %d wait", st.Waiting)
	}
	// The next call is a new action with a new id.
	if _, err := d.Skip(ctx); err != nil {
		t.Fatalf("skip H001: %v", err)
	}
	if tk, err := d.CallNext(ctx); err != nil || tk.Code != "H002" || h.ids[2] == h.ids[1] {
		t.Fatalf("a new call must be a new request: got %s %v, ids %v", tk.Code, err, h.ids)
	}
}

// TestHubDownStillTakesIn: with the hub gone the window says so and still
// takes in a case for the citizen already at it.
func TestHubDownStillTakesIn(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	d, ctx := c.d, c.ctx
	c.issue("H")
	c.issue("H")
	if _, err := d.CallNext(ctx); err != nil {
		t.Fatal(err)
	}
	c.HubServer.Close()
	if _, err := d.CallNext(ctx); !desk.HubDown(err) {
		t.Fatalf("calling with the hub gone: want an error that HubDown recognises, got %v", err)
	}
	if v := d.View(); v.Hub.Online || v.Hub.Err == "" {
		t.Fatalf("the view with the hub gone: want it offline with why, got %+v", v.Hub)
	}
	out := c.accept(c.form("jmsfzhl", 0, 1))
	got, err := c.Store.Case(ctx, out.Case.Number)
	if err != nil || got.State != app.Accepted || got.Ticket != "H001" {
		t.Fatalf("with the hub gone: want H001's case stored as accepted, got %+v %v", got, err)
	}
}
