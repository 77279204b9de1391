package hub

import (
	"context"
	"errors"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/store"
)

// TestPurgeAcrossTheHall: a case refused at window 1 and filed at window 2
// (through the hub) leaves window 1 the retention period after its filing,
// which window 1 learns from the hub; the hub keeps it until central has
// taken every operation of it, then erases it too. Neither purge touches
// the timeline, and the purged case opens at any window without a name.
func TestPurgeAcrossTheHall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHall(t)
	w1, w2 := newTerminal(t, h, "330106K01"), newTerminal(t, h, "330106K02")
	c, err := w1.store.TakeIn(ctx, app.Intake{ItemCode: "GA-001", Applicant: zhang, Window: 1, Actor: "S1001",
		Outcome: app.Refused, Reason: "不属于本事项受理范围"})
	if err != nil {
		t.Fatal(err)
	}
	w1.push(t)
	h.clock.Advance(24 * time.Hour)
	if _, err := w2.records.Decide(ctx, c.Number, app.Decision{To: app.Closed, Actor: "S1002"}); err != nil {
		t.Fatal(err)
	}
	filed := h.clock.Now()
	if at, ok, err := h.client.CaseEnded(ctx, c.Number); err != nil || !ok || !at.Equal(c.Submitted) {
		t.Fatalf("the hub says the case ended %v, %v, %v; want at its refusal", at, ok, err)
	}
	if _, ok, err := h.client.CaseEnded(ctx, "330106K09-20261123-000001"); ok || err != nil {
		t.Fatalf("a case the hub does not hold ended: %v, %v", ok, err)
	}

	h.clock.Set(filed.AddDate(0, 0, 31))
	cutoff := h.clock.Now().AddDate(0, 0, -app.DefaultRetentionDays)
	p, err := w1.store.PurgePersonalData(ctx, cutoff, h.client.CaseEnded)
	if err != nil || p.Cases != 1 {
		t.Fatalf("window 1's purge: %+v, %v; want its copy erased", p, err)
	}
	// The hub's operations still wait for central: it keeps the applicant.
	p, err = h.store.PurgePersonalData(ctx, cutoff, nil)
	if err != nil || p != (store.Purged{Waiting: 1}) {
		t.Fatalf("the hub's purge before central has the case: %+v, %v", p, err)
	}
	if got, err := w2.records.Case(ctx, c.Number); err != nil || got.Applicant != zhang {
		t.Fatalf("at window 2 before the hub's purge: %+v, %v", got.Applicant, err)
	}
	if err := h.store.MarkSent(ctx, 1<<40); err != nil {
		t.Fatal(err)
	}
	if p, err = h.store.PurgePersonalData(ctx, cutoff, nil); err != nil || p.Cases != 1 {
		t.Fatalf("the hub's purge once central has the case: %+v, %v", p, err)
	}
	got, err := w2.records.Case(ctx, c.Number)
	if err != nil || got.Applicant != (app.Applicant{}) || got.Purged.IsZero() || got.State != app.Closed {
		t.Fatalf("at window 2 after the purge: %+v, %v; want the case closed and purged", got, err)
	}
	if err := w2.records.Verify(ctx, c.Number); err != nil {
		t.Errorf("the purged case's chain at the hub: %v", err)
	}
	if found, err := w2.records.CasesByIDNumber(ctx, zhang.IDNumber); err != nil || len(found) != 0 {
		t.Errorf("look-up by ID number after the purge: %d cases, %v", len(found), err)
	}
	if _, err := w2.records.NoteCase(ctx, c.Number, "S1002", "reprint", ""); !errors.Is(err, app.ErrIllegalTransition) {
		t.Errorf("a step on a purged case at the hub: %v, want ErrIllegalTransition", err)
	}
}
