package desk_test

import (
	"errors"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
)

// oneHall is a counter whose cases are the hall's, at the rig's hub, as a
// window of a hall with a hub runs; its outbox reaches the hub when the
// test pushes it (c.Push).
func oneHall(t *testing.T) *counter {
	t.Helper()
	c := openCounter(t, func(r *hallrig.Rig, svc *desk.Services, cfg *desk.Config) { *svc = r.HallServices() })
	c.login()
	return c
}

// terminal is another terminal of the rig's hall (330106K03: a kiosk).
func (c *counter) terminal(code string) *hallrig.Terminal {
	c.t.Helper()
	k, err := c.Terminal(c.ctx, code)
	if err != nil {
		c.t.Fatal(err)
	}
	return k
}

// pushed fails the test if a push to the hub failed.
func pushed(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("push to the hub: %v", err)
	}
}

// TestAKioskApplicationIsReviewedAtTheWindow: a citizen's self-service
// application reaches the window's pre-review list through the hub, and
// the clerk accepts it there: its due date runs from now and its notice
// prints.
func TestAKioskApplicationIsReviewedAtTheWindow(t *testing.T) {
	t.Parallel()
	c := oneHall(t)
	k := c.terminal("330106K03")
	app1, err := k.Store.TakeIn(c.ctx, app.Intake{ItemCode: "GA-007", Applicant: app.Applicant{Name: "王堃", IDNumber: "330106198807150031"},
		Actor: "kiosk:330106K03", Outcome: app.Submitted})
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := c.d.PreReview(c.ctx); len(list) != 0 {
		t.Fatalf("pre-review before the kiosk's outbox reached the hub: %v; want empty", list)
	}
	pushed(t, k.Push(c.ctx))
	list, err := c.d.PreReview(c.ctx)
	if err != nil || len(list) != 1 || list[0].Number != app1.Number {
		t.Fatalf("the window's pre-review list: %+v, %v; want the kiosk's application", list, err)
	}
	out, err := c.d.AcceptApplication(c.ctx, app1.Number, []int{0, 1})
	if err != nil || out.Case.State != app.Accepted || out.Case.Due == "" || out.PrintErr != nil {
		t.Fatalf("accepting the application: %+v, %v; want it accepted with a due date and its notice printed", out, err)
	}
	if p := c.page(1); !strings.Contains(p, "受理通知书") || !strings.Contains(p, app1.Number) {
		t.Errorf("the printed notice:\n%s\nwant the 受理通知书 of %s", p, app1.Number)
	}
	if list, _ := c.d.PreReview(c.ctx); len(list) != 0 {
		t.Errorf("the accepted application is still waiting: %v", list)
	}
	if err := c.HubStore.Verify(c.ctx, app1.Number); err != nil {
		t.Errorf("the application's chain at the hub: %v", err)
	}
}

// TestHandOutAtAnyWindow: a case's result is handed out at the window
// through the hub; before its departments decide, the refusal names them.
func TestHandOutAtAnyWindow(t *testing.T) {
	t.Parallel()
	c := oneHall(t)
	number := c.accept(c.form("jmsfzhl", 0, 1)).Case.Number
	pushed(t, c.Push(c.ctx))
	_, err := c.d.HandOut(c.ctx, number)
	var nr *desk.NotReadyError
	if !errors.As(err, &nr) || !errors.Is(err, app.ErrIllegalTransition) || len(nr.Waiting) != 1 || !strings.Contains(err.Error(), "等待") {
		t.Fatalf("handing out an undecided case: %v; want it refused naming the department to wait for", err)
	}
	if _, err := c.HubStore.ApplyCentralDecision(c.ctx, app.CentralDecision{Case: number, State: app.Approved, Department: "gongan", Approve: true}); err != nil {
		t.Fatal(err)
	}
	got, err := c.d.HandOut(c.ctx, number)
	if err != nil || got.State != app.ResultIssued {
		t.Fatalf("handing out the approved case: %+v, %v", got, err)
	}
	if hc, err := c.HubStore.Case(c.ctx, number); err != nil || hc.State != app.ResultIssued {
		t.Errorf("the hub's case: %s, %v; want result_issued", hc.State, err)
	}
	if err := c.HubStore.Verify(c.ctx, number); err != nil {
		t.Errorf("the chain at the hub after the hand-out: %v", err)
	}
}
