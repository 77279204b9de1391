package window

import (
	"context"
	"errors"
	"testing"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/sync/hub"
)

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
	r, err := hallrig.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := t.Context()
	h := &lossyHub{Hub: r.Hub, lose: true}
	svc := r.Services()
	svc.Hub = h
	d, err := desk.New(ctx, svc, r.Config())
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Login(ctx, hallrig.Clerk, hallrig.Password); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"H", "H"} {
		if _, err := r.Issue(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
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
	if st, _ := r.Hub.Window(ctx, hallrig.Window); st.Waiting != 1 {
		t.Fatalf("one call was made, so one ticket must still wait; %d wait", st.Waiting)
	}
	// The next call is a new action with a new id.
	d.Skip(ctx)
	if tk, err := d.CallNext(ctx); err != nil || tk.Code != "H002" || h.ids[2] == h.ids[1] {
		t.Fatalf("a new call must be a new request: got %s %v, ids %v", tk.Code, err, h.ids)
	}
}
