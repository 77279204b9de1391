package selfservice_test

import (
	"testing"

	"onewindow/app"
	"onewindow/app/selfservice"
)

// TestProgressByReceiptCodeAndByCard: a receipt's code, a bare case number
// and the ID card each find the case, shown masked; a ticket's code or a
// stranger's finds none, each with its problem.
func TestProgressByReceiptCodeAndByCard(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	r := k.submit(3) // 马喆
	c := card(3)
	for _, code := range []string{app.CaseQR(r.Case.Number), r.Case.Number} {
		v, p := k.s.CaseByCode(k.ctx, code)
		if p != app.ProblemNone || v.Number != r.Case.Number || v.Applicant != "马*" || v.IDNumber != c.Number.Masked() ||
			v.State != app.Submitted || v.Item.Zh != "户籍证明开具" {
			t.Errorf("by %q: %+v (%q); want the case, masked, submitted", code, v, p)
		}
	}
	for code, want := range map[string]app.KioskProblem{
		"onewindow:ticket:2026-11-23/A001": app.ProblemUnknownCode,
		"https://example.com/not-ours":     app.ProblemUnknownCode,
		"K01-20261123-999999":              app.ProblemNotFound,
	} {
		if _, p := k.s.CaseByCode(k.ctx, code); p != want {
			t.Errorf("by %q: problem %q, want %q", code, p, want)
		}
	}
	cases, p := k.s.CasesByCard(k.ctx, c)
	if p != app.ProblemNone || len(cases) != 1 || cases[0].Number != r.Case.Number || cases[0].Applicant != "马*" {
		t.Errorf("by card: %+v (%q); want the one case, masked", cases, p)
	}
	if cases, p := k.s.CasesByCard(k.ctx, card(0)); p != app.ProblemNone || len(cases) != 0 {
		t.Errorf("a card with no case: %+v (%q); want none and no problem", cases, p)
	}
}

// TestTheTimelineNamesNoStaff: each step says the kiosk, a window or the
// deciding department, never who.
func TestTheTimelineNamesNoStaff(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	r := k.submit(3)
	if _, err := k.Store.Decide(k.ctx, r.Case.Number, app.Decision{To: app.Accepted, Actor: "S1001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Store.NoteCase(k.ctx, r.Case.Number, "central:GA", "note", "looked at"); err != nil {
		t.Fatal(err)
	}
	steps, p := k.s.Timeline(k.ctx, r.Case.Number)
	if p != app.ProblemNone || len(steps) != 3 {
		t.Fatalf("timeline %+v (%q); want three steps", steps, p)
	}
	for i, want := range []struct {
		by    selfservice.Actor
		state app.CaseState
	}{{selfservice.ByKiosk, app.Submitted}, {selfservice.ByWindow, app.Accepted}, {selfservice.ByCentral, app.Accepted}} {
		if steps[i].By != want.by || steps[i].State != want.state || steps[i].At.IsZero() {
			t.Errorf("step %d: %+v; want %s, %s", i, steps[i], want.by, want.state)
		}
	}
}
