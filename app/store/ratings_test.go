package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"onewindow/app"
)

func TestRatings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	c := accepted(t, f, zhang)

	r, fu, err := f.Rate(ctx, app.Rating{Level: app.VerySatisfied, Case: c.Number, Window: 2, Clerk: "S1002"})
	if err != nil || fu != nil || r.ID == "" {
		t.Fatalf("a good rating: %+v, follow-up %+v, %v; want stored without a follow-up", r, fu, err)
	}

	// Friday afternoon: five working days later is next Friday.
	f.clock.Set(time.Date(2026, 11, 27, 15, 0, 0, 0, app.HallZone))
	r, fu, err = f.Rate(ctx, app.Rating{Level: app.VeryDissatisfied, Ticket: "B017", Reasons: []string{"wait", "attitude"},
		Comment: "等了两个小时", Window: 3, Clerk: "S1003"})
	if err != nil || fu == nil || fu.Due != "2026-12-04" {
		t.Fatalf("a bad rating: follow-up %+v, %v; want one due 2026-12-04", fu, err)
	}

	// The follow-up limit is the hall's to set.
	if err := f.SetSettings(ctx, app.Settings{WarnDays: 2, FollowUpDays: 1, Queue: app.DefaultQueueRules}); err != nil {
		t.Fatal(err)
	}
	_, fu2, err := f.Rate(ctx, app.Rating{Level: app.Dissatisfied, Ticket: "B018", Window: 3, Clerk: "S1003"})
	if err != nil || fu2 == nil || fu2.Due != "2026-11-30" {
		t.Fatalf("with a 1-day limit: follow-up %+v, %v; want due 2026-11-30", fu2, err)
	}

	open, err := f.OpenFollowUps(ctx)
	if err != nil || len(open) != 2 || open[0].Rating != fu2.Rating || open[0].Late {
		t.Fatalf("open follow-ups: %+v, %v; want two, the 1-day one first, not late", open, err)
	}
	f.clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, app.HallZone))
	if open, _ = f.OpenFollowUps(ctx); !open[0].Late || open[1].Late {
		t.Errorf("on 1 December: late = %v, %v; want true, false", open[0].Late, open[1].Late)
	}

	if err := f.ResolveFollowUp(ctx, r.ID, "M2001", ""); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("resolving without saying what was done: %v; want ErrInvalidInput", err)
	}
	if err := f.ResolveFollowUp(ctx, r.ID, "M2001", "已致电群众说明情况，增开窗口"); err != nil {
		t.Fatal(err)
	}
	if err := f.ResolveFollowUp(ctx, r.ID, "M2001", "again"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("resolving twice: %v; want ErrNotFound", err)
	}
	if open, _ = f.OpenFollowUps(ctx); len(open) != 1 {
		t.Errorf("%d follow-ups open after one was resolved; want 1", len(open))
	}

	// Invalid ratings are refused and store nothing.
	before := f.count(t, "ratings")
	if _, _, err := f.Rate(ctx, app.Rating{Level: 9, Ticket: "A1"}); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("level 9: %v; want ErrInvalidInput", err)
	}
	if f.count(t, "ratings") != before {
		t.Error("a refused rating was stored")
	}

	// Each rating and the resolution reached the outbox.
	ops, err := f.PendingOperations(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, op := range ops {
		kinds[op.Kind]++
	}
	if kinds[app.OpRating] != 3 || kinds[app.OpFollowUp] != 1 {
		t.Errorf("outbox kinds %v; want 3 ratings and 1 follow-up", kinds)
	}
}

func TestOutbox(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	var numbers []string
	for i := 0; i < 3; i++ {
		numbers = append(numbers, accepted(t, f, zhang).Number)
	}
	ops, err := f.PendingOperations(ctx, 10)
	if err != nil || len(ops) != 3 {
		t.Fatalf("pending: %d, %v; want 3", len(ops), err)
	}
	ids := map[string]bool{}
	for i, op := range ops {
		if op.Seq != int64(i+1) || op.Entity != numbers[i] || op.Kind != app.OpCase || op.Terminal != "330106K01" || ids[op.ID] {
			t.Errorf("operation %d = seq %d %s %s %s; want seq %d case %s, unique id", i, op.Seq, op.Kind, op.Entity, op.Terminal, i+1, numbers[i])
		}
		ids[op.ID] = true
		var w app.CasePayload
		if err := json.Unmarshal(op.Payload, &w); err != nil || w.IDNumber != string(zhang.IDNumber) || len(w.Events) != 2 {
			t.Errorf("operation %d payload: %+v, %v; want the intake fields and its 2 events", i, w, err)
		}
	}
	if err := f.MarkSent(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.MarkRejected(ctx, 2, "事项编码已停用"); err != nil {
		t.Fatal(err)
	}
	if err := f.MarkRejected(ctx, 2, "again"); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("rejecting an operation no longer pending: %v; want ErrNotFound", err)
	}
	ops, _ = f.PendingOperations(ctx, 10)
	if len(ops) != 1 || ops[0].Seq != 3 {
		t.Errorf("pending after one sent and one rejected: %+v; want only seq 3", ops)
	}
	if n, _ := f.OutboxCounts(ctx); n != (app.OutboxCounts{Pending: 1, Rejected: 1}) {
		t.Errorf("counts = %+v; want 1 pending, 1 rejected", n)
	}
	// Sequence numbers are never reused, even once sent rows are pruned.
	f.DB().Exec(`DELETE FROM outbox`)
	accepted(t, f, zhang)
	if ops, _ = f.PendingOperations(ctx, 10); len(ops) != 1 || ops[0].Seq != 4 {
		t.Errorf("after pruning, the next operation: %+v; want seq 4", ops)
	}
}

// TestOutboxIsAtomicWithItsChange makes each half of a transaction fail in
// turn and checks the other half is not left behind.
func TestOutboxIsAtomicWithItsChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		trigger string // makes one insert fail inside the transaction
	}{
		{"outbox write fails", `CREATE TRIGGER fail BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`},
		{"event write fails", `CREATE TRIGGER fail BEFORE INSERT ON case_events WHEN NEW.seq = 2 BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`},
		{"rating write fails", `CREATE TRIGGER fail BEFORE INSERT ON follow_ups BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := open(t)
			if _, err := f.DB().Exec(tt.trigger); err != nil {
				t.Fatal(err)
			}
			_, err1 := f.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: zhang, Received: all(t, f.Store, "GA-001"), Actor: "S1002", Outcome: app.Accepted})
			_, _, err2 := f.Rate(ctx, app.Rating{Level: app.Dissatisfied, Ticket: "A001"})
			if err1 == nil && err2 == nil {
				t.Fatal("nothing failed; the trigger did not fire")
			}
			cases, events, ratings, outbox := f.count(t, "cases"), f.count(t, "case_events"), f.count(t, "ratings"), f.count(t, "outbox")
			if err1 != nil && cases+events != 0 {
				t.Errorf("a failed intake left %d cases and %d events", cases, events)
			}
			if err2 != nil && ratings != 0 {
				t.Errorf("a failed rating left %d ratings", ratings)
			}
			if want := btoi(err1 == nil) + btoi(err2 == nil); outbox != want {
				t.Errorf("%d outbox rows; want %d, one per change that was stored", outbox, want)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestRatingCommentsAreSealed: a citizen's comment is not in the database
// file in clear, neither one written now nor one written before comments
// were sealed, which the store seals when it opens.
func TestRatingCommentsAreSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	const now, before = "窗口人员态度差，电话13912345678", "以前的评论，张伟"
	if _, _, err := f.Rate(ctx, app.Rating{Level: app.VeryDissatisfied, Ticket: "B017", Reasons: []string{"attitude"}, Comment: now}); err != nil {
		t.Fatal(err)
	}
	// A rating as an older onewindow wrote it: its comment in clear.
	if _, err := f.DB().Exec(`INSERT INTO ratings (id, level, reasons, comment, ticket, at) VALUES ('old', 2, '["wait"]', ?, 'B001', ?)`,
		before, stamp(f.clock.Now())); err != nil {
		t.Fatal(err)
	}
	f.reopen(t)
	f.Close()
	for _, file := range []string{f.path, f.path + "-wal"} {
		data, err := os.ReadFile(file)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{now, before, "13912345678"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q in clear", filepath.Base(file), s)
			}
		}
	}
	f.reopen(t)
	var sealed []byte
	if err := f.DB().QueryRow(`SELECT comment_sealed FROM ratings WHERE id = 'old'`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	if got, err := f.keys.Open(sealed, "rating/old/comment"); err != nil || got != before {
		t.Errorf("the older comment sealed: %q, %v; want it kept", got, err)
	}
}
