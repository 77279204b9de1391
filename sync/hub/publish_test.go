package hub

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
)

// TestPublishQueueSendsWhatChanged: the hub sends central its whole day
// first, then only the tickets a change moved, no oftener than
// app.SnapshotEvery, and its whole day again after central missed one. No
// name leaves, not even the masked one.
func TestPublishQueueSendsWhatChanged(t *testing.T) {
	t.Parallel()
	h := newHall(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for range 2 {
		if _, err := h.client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A", Who: "张*", WhoKey: strings.Repeat("ab", 32)}); err != nil {
			t.Fatal(err)
		}
	}
	type sent struct {
		snap app.QueueSnapshot
		at   time.Time
	}
	got := make(chan sent, 10)
	fail := make(chan bool, 1)
	go h.server.PublishQueue(ctx, h.store, func(ctx context.Context, s app.QueueSnapshot) error {
		b, _ := json.Marshal(s)
		if strings.Contains(string(b), "张") || strings.Contains(string(b), "abab") {
			t.Errorf("a snapshot carries a name or a keyed hash: %s", b)
		}
		select {
		case <-fail:
			return errors.New("central is unreachable")
		default:
		}
		got <- sent{s, time.Now()}
		return nil
	})
	next := func() sent {
		t.Helper()
		select {
		case s := <-got:
			return s
		case <-time.After(app.SnapshotHeartbeat + 10*time.Second):
			t.Fatal("no snapshot")
		}
		return sent{}
	}
	first := next()
	if !first.snap.Full || len(first.snap.Tickets) != 2 || first.snap.Near != app.DefaultQueueRules.NearCall {
		t.Fatalf("the first snapshot: %+v; want the whole day, 2 tickets", first.snap)
	}
	if w := first.snap.Categories[0].Waiting; first.snap.Categories[0].Prefix != "A" || len(w) != 2 || w[1] != (app.WaitingTicket{Code: "A002", Ahead: 1}) {
		t.Fatalf("category A's line: %+v", first.snap.Categories[0])
	}
	if _, err := h.client.Call(ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}
	second := next()
	if second.snap.Full || len(second.snap.Tickets) != 1 || second.snap.Tickets[0] != (app.PublicTicket{Code: "A001", Category: "A", State: app.Called, Window: 1}) {
		t.Fatalf("after a call: %+v; want A001 called at window 1 alone", second.snap)
	}
	if gap := second.at.Sub(first.at); gap < app.SnapshotEvery {
		t.Errorf("two snapshots %v apart; want at most one every %v", gap, app.SnapshotEvery)
	}
	fail <- true
	if _, err := h.client.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
		t.Fatal(err)
	}
	if third := next(); !third.snap.Full || len(third.snap.Tickets) != 3 {
		t.Fatalf("after a snapshot central missed: %+v; want the whole day again", third.snap)
	}
}

// TestTheHallSetsWhenPhonesSayNear: the hall's set-up from central sets
// how many places ahead a phone says 即将叫到您.
func TestTheHallSetsWhenPhonesSayNear(t *testing.T) {
	t.Parallel()
	h := newHall(t)
	ctx := context.Background()
	hall, err := h.store.Hall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hall.NearCall = 7
	if err := h.store.ReplaceHall(ctx, hall); err != nil {
		t.Fatal(err)
	}
	snap, err := h.store.QueueSnapshot(ctx)
	if err != nil || snap.Near != 7 {
		t.Fatalf("near %d, %v; want the hall's 7", snap.Near, err)
	}
	hall.NearCall = 101
	if err := h.store.ReplaceHall(ctx, hall); err == nil || !strings.Contains(err.Error(), "near_call") {
		t.Errorf("a set-up with near_call 101: %v; want it refused", err)
	}
}
