package desk_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/app/pii"
	"onewindow/app/store"
	"onewindow/internal/hallrig"
	"onewindow/sync/hub"
)

// oneHall is a counter whose cases are the hall's, at the rig's hub, with
// its outbox pushed there, as a window of a hall with a hub runs.
func oneHall(t *testing.T) (*counter, *hub.Pusher) {
	t.Helper()
	c := openCounter(t, func(r *hallrig.Rig, svc *desk.Services, cfg *desk.Config) {
		hall := hub.Records{Local: r.Store, Hub: r.Hub}
		svc.Store = struct {
			hub.Records
			app.StaffDirectory
		}{hall, r.Store}
		svc.Applications = hall
	})
	c.login()
	return c, hub.NewPusher(c.Store, c.Hub, "330106W01", "330106", nil)
}

// kioskOf is a kiosk of the rig's hall: its own store, its outbox pushed
// to the hub.
func kioskOf(t *testing.T, c *counter) (*store.Store, *hub.Pusher) {
	t.Helper()
	dir := t.TempDir()
	keys, err := pii.LoadOrCreate(filepath.Join(dir, "pii.key"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(c.ctx, filepath.Join(dir, "k.db"), store.Options{Terminal: "330106K03", Keys: keys, Clock: c.Clock, HallHub: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := store.LoadSample(c.ctx, s); err != nil {
		t.Fatal(err)
	}
	return s, hub.NewPusher(s, c.Hub, "330106K03", "330106", nil)
}

func pushAll(t *testing.T, ctx context.Context, ps ...*hub.Pusher) {
	t.Helper()
	for _, p := range ps {
		if _, err := p.Push(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAKioskApplicationIsReviewedAtTheWindow: a citizen's self-service
// application reaches the window's pre-review list through the hub, and
// the clerk accepts it there: its due date runs from now and its notice
// prints.
func TestAKioskApplicationIsReviewedAtTheWindow(t *testing.T) {
	t.Parallel()
	c, _ := oneHall(t)
	ks, kp := kioskOf(t, c)
	app1, err := ks.TakeIn(c.ctx, app.Intake{ItemCode: "GA-007", Applicant: app.Applicant{Name: "王堃", IDNumber: "330106198807150031"},
		Actor: "kiosk:330106K03", Outcome: app.Submitted})
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := c.d.PreReview(c.ctx); len(list) != 0 {
		t.Fatalf("pre-review before the kiosk's outbox reached the hub: %v; want empty", list)
	}
	pushAll(t, c.ctx, kp)
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
	c, wp := oneHall(t)
	number := c.accept(c.form("jmsfzhl", 0, 1)).Case.Number
	pushAll(t, c.ctx, wp)
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
