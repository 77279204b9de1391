package selfservice_test

import (
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/internal/hallrig"
)

// TestAScannedTicketShowsItsPlace: a ticket's code, a link to the
// citizens' pages or the code printed before them, shows where the ticket
// is now, from the hall hub; a ticket of another hall or never given out
// is not found; once served today it may be rated.
func TestAScannedTicketShowsItsPlace(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, func(_ *hallrig.Rig, _ *selfservice.Services, cfg *selfservice.Config) {
		cfg.Hall, cfg.PublicURL = "330106", "https://zwfw.example.gov.cn"
	})
	var issued []selfservice.Issued
	for range 3 {
		tk, p := k.s.Issue(k.ctx, k.s.TakeNumber().Request("A"))
		if p != app.ProblemNone {
			t.Fatal(p)
		}
		issued = append(issued, tk)
	}
	v, p := k.s.TicketByCode(k.ctx, issued[2].QR)
	if p != app.ProblemNone || v.Ticket.Code != "A003" || v.Ticket.State != app.Waiting || v.Ticket.Ahead != 2 || v.Rateable || v.Category.Zh == "" {
		t.Fatalf("A003 scanned: %+v (%q); want waiting with 2 ahead", v, p)
	}
	if v, p = k.s.TicketByCode(k.ctx, app.TicketQR(issued[2].Ticket)); p != app.ProblemNone || v.Ticket.Code != "A003" {
		t.Errorf("the code printed before links: %+v (%q)", v, p)
	}
	if _, err := k.Hub.Call(k.ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}
	k.Clock.Advance(3 * time.Minute)
	if _, err := k.Hub.Finish(k.ctx, app.NewID(), 1); err != nil {
		t.Fatal(err)
	}
	if v, p = k.s.TicketByCode(k.ctx, issued[0].QR); p != app.ProblemNone || v.Ticket.State != app.Done || !v.Rateable {
		t.Errorf("A001 served: %+v (%q); want done and rateable", v, p)
	}
	other := "https://zwfw.example.gov.cn/t/330107/" + string(issued[0].Ticket.Day) + "/A001/k"
	never := app.TicketQR(app.Ticket{ID: string(issued[0].Ticket.Day) + "/A999"})
	for code, want := range map[string]app.KioskProblem{other: app.ProblemNotFound, never: app.ProblemNotFound,
		"https://evil.example/": app.ProblemUnknownCode, app.CaseQR("K01-20261123-000001"): app.ProblemNotFound} {
		if _, p := k.s.TicketByCode(k.ctx, code); p != want {
			t.Errorf("%s: %q; want %q", code, p, want)
		}
	}
}
