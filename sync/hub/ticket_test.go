package hub

import (
	"context"
	"errors"
	"testing"

	"onewindow/app"
)

// TestTicketPlaceOverHTTP: the kiosk asks the hub where a scanned ticket
// is now: its place while it waits, its window once called, no name, and
// not found for a number never given out.
func TestTicketPlaceOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	var ts []app.Ticket
	for range 3 {
		tk, err := h.client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A", Who: "张*"})
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tk)
	}
	got, err := h.client.Ticket(ctx, ts[2].ID)
	if err != nil || got.State != app.Waiting || got.Ahead != 2 || got.Wait <= 0 || got.WhoMasked != "" {
		t.Fatalf("A003: %+v, %v; want waiting, 2 ahead, a wait, no name", got, err)
	}
	if _, err := h.client.Call(ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}
	if got, err = h.client.Ticket(ctx, ts[0].ID); err != nil || got.State != app.Called || got.Window != 1 {
		t.Fatalf("A001 after a call: %+v, %v; want called at window 1", got, err)
	}
	if got, _ = h.client.Ticket(ctx, ts[2].ID); got.Ahead != 1 {
		t.Errorf("A003 after a call: %d ahead; want 1", got.Ahead)
	}
	if _, err := h.client.Ticket(ctx, "2026-11-23/A999"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("a number never given out: %v; want not found", err)
	}
}
