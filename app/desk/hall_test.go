package desk_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
)

// TestPreReviewChecksReplaceTheCitizensWord: the materials the clerk
// checks are what the case received, not what the citizen ticked at the
// kiosk; nothing checked is nothing received.
func TestPreReviewChecksReplaceTheCitizensWord(t *testing.T) {
	t.Parallel()
	c := oneHall(t)
	k := c.terminal("330106K03")
	apply := func() string {
		a, err := k.Apply(c.ctx, "GA-007", app.Applicant{Name: "王堃", IDNumber: "330106198807150031"}, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		return a.Number
	}
	first := apply()
	if _, err := c.d.AcceptApplication(c.ctx, first, nil); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("accepting with nothing checked, though the citizen ticked everything: %v; want it refused", err)
	}
	out, err := c.d.AskForMaterials(c.ctx, first, []int{1}, app.SupplementAdvice[0].Code)
	if err != nil || out.Case.State != app.SupplementRequested || !slices.Equal(out.Case.Missing, []int{0}) {
		t.Fatalf("asking for what was not checked: %+v, %v; want material 1 missing", out.Case, err)
	}
	second := apply()
	out, err = c.d.AskForMaterials(c.ctx, second, nil, app.SupplementAdvice[0].Code)
	if err != nil || !slices.Equal(out.Case.Missing, []int{0, 1}) {
		t.Fatalf("asking with nothing checked: %+v, %v; want both required materials missing", out.Case, err)
	}
}

// TestTheViewCountsTheApplications: the window's view says how many
// applications wait for its pre-review, counted at each refresh.
func TestTheViewCountsTheApplications(t *testing.T) {
	t.Parallel()
	c := oneHall(t)
	k := c.terminal("330106K03")
	for _, item := range []string{"GA-007", "RS-004", "GJJ-005"} { // GJJ-005 is category C: not this window's
		if _, err := k.Apply(c.ctx, item, app.Applicant{Name: "王堃", IDNumber: "330106198807150031"}, 0); err != nil {
			t.Fatal(err)
		}
	}
	c.d.Refresh(c.ctx)
	if n := c.d.View().Applications; n != 2 {
		t.Fatalf("applications counted: %d; want 2 (the third is not an item this window serves)", n)
	}
	list, _ := c.d.PreReview(c.ctx)
	if _, err := c.d.RefuseApplication(c.ctx, list[0].Number, app.RefusalReasons[0].Code, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.d.PreReview(c.ctx); err != nil || c.d.View().Applications != 1 {
		t.Errorf("after a refusal the view counts %d (%v); want 1", c.d.View().Applications, err)
	}
}

// TestTheManagersHallView: a manager's whole-hall list holds every
// window's open cases with their lights, late first, this window's own
// before its outbox reached the hub too; and the open follow-ups of the
// hall, this window's bad rating of a moment ago among them.
func TestTheManagersHallView(t *testing.T) {
	t.Parallel()
	c := openCounter(t, func(r *hallrig.Rig, svc *desk.Services, cfg *desk.Config) { *svc = r.HallServices() })
	if err := c.d.Login(c.ctx, "M2001", hallrig.Password); err != nil {
		t.Fatal(err)
	}
	w2 := c.terminal("330106W02")
	early, err := w2.Store.TakeIn(c.ctx, app.Intake{ItemCode: "GA-008", Applicant: app.Applicant{Name: "王堃", IDNumber: "330106198807150031"},
		Received: []int{0}, Window: 2, Actor: "S1002", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	pushed(t, w2.Push(c.ctx))
	c.Clock.Advance(20 * 24 * time.Hour)
	mine := c.accept(c.form("jmsfzhl", 0, 1)).Case.Number // not pushed yet
	cases, err := c.d.Cases(c.ctx, desk.CaseFilter{Hall: true})
	if err != nil || len(cases) != 2 {
		t.Fatalf("the hall's cases: %v, %v; want window 2's and this window's", cases, err)
	}
	if cases[0].Number != early.Number || cases[0].Light != app.Red || cases[1].Number != mine || cases[1].Light != app.Green {
		t.Errorf("the hall's cases: %s %s, %s %s; want window 2's late case first, red, then %s, green",
			cases[0].Number, cases[0].Light, cases[1].Number, cases[1].Light, mine)
	}
	if _, _, err := c.Store.Rate(c.ctx, app.Rating{Level: app.Dissatisfied, Ticket: "A001", Window: 1, Clerk: "M2001"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w2.Store.Rate(c.ctx, app.Rating{Level: app.VeryDissatisfied, Ticket: "B001", Window: 2, Clerk: "S1002"}); err != nil {
		t.Fatal(err)
	}
	pushed(t, w2.Push(c.ctx))
	fus, err := c.d.FollowUps(c.ctx)
	if err != nil || len(fus) != 2 {
		t.Fatalf("the hall's open follow-ups: %v, %v; want window 2's and this window's", fus, err)
	}
	pushed(t, c.Push(c.ctx))
	if fus, err := c.d.FollowUps(c.ctx); err != nil || len(fus) != 2 {
		t.Errorf("after the push the follow-ups are %v, %v; want the same two", fus, err)
	}
	if cases, err := c.d.Cases(c.ctx, desk.CaseFilter{Hall: true}); err != nil || len(cases) != 2 {
		t.Errorf("after the push the hall's cases are %v, %v; want the same two", cases, err)
	}
}

// TestADetailSaysWhyItCannotBeHandedOut: the detail the screen shows names
// the departments still to decide, as HandOut would refuse.
func TestADetailSaysWhyItCannotBeHandedOut(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	number := c.accept(c.form("csyjs", 0, 1, 2)).Case.Number
	if _, err := c.Store.ApplyCentralDecision(c.ctx, app.CentralDecision{Case: number, State: app.InReview, Department: "weijian", Approve: true}); err != nil {
		t.Fatal(err)
	}
	det, err := c.d.Open(c.ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	nr := det.NotReady()
	if nr == nil || len(nr.Waiting) != 3 || nr.Error() != "等待 区公安分局、区医疗保障局、区人力资源和社会保障局 审批" {
		t.Fatalf("not ready: %v; want the three departments still to decide", nr)
	}
	_, err = c.d.HandOut(c.ctx, number)
	if err == nil || err.Error() != nr.Error() {
		t.Errorf("HandOut: %v; want %v", err, nr)
	}
}
