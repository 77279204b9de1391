package desk_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/internal/hallrig"
)

// TestHandOutOnlyADecidedCaseThenClose: a case hands out only once central
// has decided it; then it files. Opening it shows a verified chain and each
// department's decision.
func TestHandOutOnlyADecidedCaseThenClose(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	d, ctx := c.d, c.ctx
	number := c.accept(c.form("jmsfzhl", 0, 1)).Case.Number
	if _, err := d.HandOut(ctx, number); !errors.Is(err, app.ErrIllegalTransition) {
		t.Fatalf("hand out an undecided case: want ErrIllegalTransition, got %v", err)
	}
	if _, err := c.Store.ApplyCentralDecision(ctx, app.CentralDecision{Case: number, State: app.Approved, Department: "gongan", Note: "准予换领"}); err != nil {
		t.Fatal(err)
	}
	det, err := d.Open(ctx, number)
	if err != nil || det.Case.Number != number || det.ChainErr != nil {
		t.Fatalf("open %s: want it with a verified chain, got %q chain %v, %v", number, det.Case.Number, det.ChainErr, err)
	}
	i := slices.IndexFunc(det.Departments, func(s app.DepartmentStatus) bool { return s.Department == "gongan" })
	if i < 0 || det.Departments[i].State != app.Approved || det.Departments[i].Note != "准予换领" {
		t.Fatalf("departments: want 公安 approved with its note, got %+v", det.Departments)
	}
	if got, err := d.HandOut(ctx, number); err != nil || got.State != app.ResultIssued {
		t.Fatalf("hand out the approved case: want result_issued, got %s %v", got.State, err)
	}
	if got, err := d.Close(ctx, number); err != nil || got.State != app.Closed {
		t.Fatalf("close the handed-out case: want closed, got %s %v", got.State, err)
	}
	if got, err := c.Store.Case(ctx, number); err != nil || got.State != app.Closed {
		t.Fatalf("stored case after the close: want closed, got %s %v", got.State, err)
	}
	ev := c.events(number)
	if n := len(ev); n < 2 || ev[n-2] != string(app.ResultIssued) || ev[n-1] != string(app.Closed) {
		t.Fatalf("timeline: want it to end with result_issued, closed; got %v", ev)
	}
	if err := c.Store.Verify(ctx, number); err != nil {
		t.Fatalf("the chain after hand-out and close: want it whole, got %v", err)
	}
}

// TestABrokenChainStillOpens: a case whose timeline was altered opens, with
// ErrChainBroken, so the clerk sees it.
func TestABrokenChainStillOpens(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	number := c.accept(c.form("jmsfzhl", 0, 1)).Case.Number
	if _, err := c.Store.DB().Exec(`UPDATE cases SET event_count = 2 WHERE number = ?`, number); err != nil {
		t.Fatal(err)
	}
	det, err := c.d.Open(c.ctx, number)
	if err != nil || det.Case.Number != number || !errors.Is(det.ChainErr, app.ErrChainBroken) {
		t.Fatalf("open an altered case: want %s with ErrChainBroken, got %q chain %v, %v", number, det.Case.Number, det.ChainErr, err)
	}
}

// TestRatingAfterFinish: finishing lights up the window's rating pad; the
// citizen's rating is the served ticket's and the serving clerk's, and only
// a bad one opens a follow-up, which the clerk then closes.
func TestRatingAfterFinish(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		level    app.RatingLevel
		followUp bool
	}{
		{app.Dissatisfied, true},
		{app.Satisfied, false},
	} {
		t.Run(tc.level.Name().En, func(t *testing.T) {
			t.Parallel()
			c := loggedIn(t)
			c.run()
			d, ctx := c.d, c.ctx
			c.issue("H")
			for _, step := range []func() (app.Ticket, error){
				func() (app.Ticket, error) { return d.CallNext(ctx) },
				func() (app.Ticket, error) { return d.Start(ctx) },
				func() (app.Ticket, error) { return d.Finish(ctx) },
			} {
				if _, err := step(); err != nil {
					t.Fatal(err)
				}
			}
			if got := c.BusSim.Prompt(21); !strings.Contains(got, "请评价") {
				t.Fatalf("rating pad 21 after finish: want a prompt, got %q", got)
			}
			if v := d.View(); v.Rating == nil || v.Rating.Ticket != "H001" || v.Rating.Clerk != hallrig.Clerk {
				t.Fatalf("after finish: want the pad waiting for H001 by %s, got %+v", hallrig.Clerk, v.Rating)
			}
			if err := c.BusSim.Rate(21, tc.level); err != nil {
				t.Fatal(err)
			}
			c.waitFor("the rating to be stored", func() bool { return d.View().LastRate != nil })
			v := d.View()
			r := v.LastRate
			if r.Err != "" || r.Rating.Level != tc.level || r.Rating.Ticket != "H001" || r.Rating.Window != hallrig.Window || r.Rating.Clerk != hallrig.Clerk {
				t.Fatalf("want %s for H001 at window %d by %s, got %+v", tc.level.Name().Zh, hallrig.Window, hallrig.Clerk, r)
			}
			if v.Rating != nil {
				t.Fatalf("after the rating the pad must wait for nothing, waits for %+v", v.Rating)
			}
			if (r.FollowUp != nil) != tc.followUp {
				t.Fatalf("%s: want a follow-up %v, got %+v", tc.level.Name().Zh, tc.followUp, r.FollowUp)
			}
			want := 0
			if tc.followUp {
				want = 1
			}
			if fus, err := d.FollowUps(ctx); err != nil || len(fus) != want {
				t.Fatalf("the window's open follow-ups: want %d, got %+v %v", want, fus, err)
			}
			if !tc.followUp {
				return
			}
			if stored, err := c.Store.OpenFollowUps(ctx); err != nil || len(stored) != 1 || stored[0].Rating != r.Rating.ID {
				t.Fatalf("want the one open follow-up stored, got %+v %v", stored, err)
			}
			if err := d.ResolveFollowUp(ctx, r.Rating.ID, "shrugged"); !errors.Is(err, app.ErrInvalidInput) {
				t.Fatalf("close a follow-up with an action not on the list: want ErrInvalidInput, got %v", err)
			}
			if err := d.ResolveFollowUp(ctx, r.Rating.ID, app.FollowUpActions[0].Code); err != nil {
				t.Fatalf("close the follow-up: %v", err)
			}
			if left, err := c.Store.OpenFollowUps(ctx); err != nil || len(left) != 0 {
				t.Fatalf("after closing: want no open follow-up, got %+v %v", left, err)
			}
		})
	}
}
