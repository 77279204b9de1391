package selfservice_test

import (
	"slices"
	"testing"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/internal/hallrig"
	"onewindow/sync/hub"
)

// hallKiosk is a kiosk answered by the hall's hub, as kiosks run: its
// progress look-ups and ratings go to the hub, and its own applications
// reach the hub through its outbox (pushed here by push).
func (k *kiosk) issue(t *testing.T, category string) app.Ticket {
	t.Helper()
	tk, err := k.Issue(k.ctx, category)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func hallKiosk(t *testing.T) (*kiosk, func()) {
	t.Helper()
	k := openKiosk(t, func(r *hallrig.Rig, svc *selfservice.Services, _ *selfservice.Config) {
		svc.Progress, svc.Ratings, svc.Hall = hub.Progress{Hub: r.Hub}, hub.Ratings{Hub: r.Hub}, r.Store
	})
	p := hub.NewPusher(k.Store, k.Hub, "330106W01", "330106", nil)
	return k, func() {
		t.Helper()
		if _, err := p.Push(k.ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTheKioskSeesTheHallsCases: a case reaches the kiosk's progress page
// through the hub with every department's opinion, and whether and where
// its result is picked up; with the hub down the kiosk says so.
func TestTheKioskSeesTheHallsCases(t *testing.T) {
	t.Parallel()
	k, push := hallKiosk(t)
	r := k.submit(3)
	if _, p := k.s.CaseDetail(k.ctx, r.Case.Number); p != app.ProblemNotFound {
		t.Fatalf("before the application reached the hub: problem %q; want not found", p)
	}
	push()
	// A window accepts it at the hub; its department decides.
	c, err := k.Hub.Decide(k.ctx, r.Case.Number, app.Decision{To: app.Accepted, Actor: "S1002", Received: []int{0}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.HubStore.ApplyCentralDecision(k.ctx, app.CentralDecision{Case: c.Number, State: app.Denied, Department: "gongan", Note: "户籍信息不符"}); err != nil {
		t.Fatal(err)
	}
	d, p := k.s.CaseDetail(k.ctx, r.Case.Number)
	if p != app.ProblemNone || d.State != app.Denied || d.Applicant != "马*" || !d.Ready || len(d.Departments) != 1 {
		t.Fatalf("the kiosk's detail: %+v (%q); want it denied, masked, ready, with one department", d, p)
	}
	if o := d.Departments[0]; !o.Given || o.Approve || o.Reason != "户籍信息不符" || o.Department.Zh == "" {
		t.Errorf("the department's opinion at the kiosk: %+v; want its denial with the reason", o)
	}
	if !slices.Contains(d.PickUp, 1) {
		t.Errorf("picked up at windows %v; want window 1, which serves the item's category", d.PickUp)
	}
	cases, p := k.s.CasesByCard(k.ctx, card(3))
	if p != app.ProblemNone || len(cases) != 1 || cases[0].State != app.Denied {
		t.Errorf("by card at the hub: %+v (%q); want the one case, denied", cases, p)
	}
	// Rated at the hub once: a case of the hall.
	if _, p := k.s.Rate(k.ctx, selfservice.Rating{Level: app.Satisfied, Case: c.Number}); p != app.ProblemNone {
		t.Errorf("rating the hall's case: problem %q", p)
	}
	if _, p := k.s.Rate(k.ctx, selfservice.Rating{Level: app.Satisfied, Case: c.Number}); p != app.ProblemNotRateable {
		t.Errorf("rating it again: problem %q; want not rateable (一次一评)", p)
	}
	// A ticket, by the number the citizen types: only once served today.
	tk := k.issue(t, "A")
	if _, p := k.s.Rate(k.ctx, selfservice.Rating{Level: app.Satisfied, Ticket: tk.Code}); p != app.ProblemNotRateable {
		t.Errorf("rating a ticket still waiting: problem %q; want not rateable", p)
	}
	if _, p := k.s.Rate(k.ctx, selfservice.Rating{Level: app.Satisfied, Ticket: "Z999"}); p != app.ProblemNotRateable {
		t.Errorf("rating a ticket never issued: problem %q; want not rateable", p)
	}
	for _, step := range []func() (app.Ticket, error){
		func() (app.Ticket, error) { return k.Hub.Call(k.ctx, app.NewID(), 1) },
		func() (app.Ticket, error) { return k.Hub.Start(k.ctx, app.NewID(), 1) },
		func() (app.Ticket, error) { return k.Hub.Finish(k.ctx, app.NewID(), 1) },
	} {
		if _, err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if _, p := k.s.Rate(k.ctx, selfservice.Rating{Level: app.Satisfied, Ticket: tk.Code}); p != app.ProblemNone {
		t.Errorf("rating the ticket once served: problem %q", p)
	}
	if _, p := k.s.Rate(k.ctx, selfservice.Rating{Level: app.Satisfied, Ticket: tk.Code}); p != app.ProblemNotRateable {
		t.Errorf("rating the served ticket again: problem %q; want not rateable (一次一评)", p)
	}
	k.HubServer.Close()
	if _, p := k.s.CaseDetail(k.ctx, r.Case.Number); p != app.ProblemHallOffline {
		t.Errorf("with the hub down: problem %q; want the hall's records offline", p)
	}
}
