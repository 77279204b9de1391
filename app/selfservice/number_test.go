package selfservice_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/app/suite"
	"onewindow/internal/hallrig"
)

// TestTakeANumberSendsOnlyTheMaskedNameElderlyAndTheKey: of the card read,
// the hub gets the masked name, whether the holder is elderly (not the
// age) and the kiosk-keyed hash, never the ID number or the full name; the
// hub then gives a 75-year-old priority.
func TestTakeANumberSendsOnlyTheMaskedNameElderlyAndTheKey(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	c := card(1) // 王秀英, born 1951
	n := k.s.TakeNumber()
	n.Card(c)
	if v := n.Visitor(); v == nil || v.Name != "王*英" || v.Age != 75 || !v.Elderly {
		t.Fatalf("visitor %+v; want 王*英, 75, elderly", v)
	}
	issued, p := k.s.Issue(k.ctx, n.Request("A"))
	if p != app.ProblemNone {
		t.Fatalf("issue: want a ticket, got problem %q", p)
	}
	sent := k.queue.requests()
	if len(sent) != 1 {
		t.Fatalf("the hub got %d requests, want 1", len(sent))
	}
	req := sent[0]
	if !req.Elderly || req.Who != "王*英" || req.WhoKey != app.WhoKey(suite.Intl, []byte(kioskKey), c.Number) || req.Category != "A" || req.Claim != app.NoPriority {
		t.Errorf("request = %+v; want elderly, who 王*英, the kiosk-keyed hash, category A, no claim", req)
	}
	wire, _ := json.Marshal(req)
	if strings.Contains(string(wire), string(c.Number)) || strings.Contains(string(wire), c.Name) || strings.Contains(string(wire), `"Age"`) {
		t.Errorf("the request to the hub carries the ID number or name: %s", wire)
	}
	if issued.Ticket.Priority != app.Elderly || issued.Ticket.WhoMasked != "王*英" {
		t.Errorf("ticket %+v; want elderly priority for 王*英", issued.Ticket)
	}
	if issued.Category.Prefix != "A" || issued.QR != "onewindow:ticket:"+issued.Ticket.ID {
		t.Errorf("issued category %q, code %q; want A and the ticket's code", issued.Category.Prefix, issued.QR)
	}
}

// TestTheTicketsPaper: what goes to the printer for a ticket: the hall and
// the category in Chinese, the number, its code, and the hall's time.
func TestTheTicketsPaper(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	issued, p := k.s.Issue(k.ctx, k.s.TakeNumber().Request("A"))
	if p != app.ProblemNone {
		t.Fatal(p)
	}
	tp := issued.Paper.Ticket
	if tp == nil || issued.Paper.Document != nil {
		t.Fatalf("paper %+v; want a ticket", issued.Paper)
	}
	if tp.HallName != hallName.Zh || tp.Number != issued.Ticket.Code || tp.Category != issued.Category.Name.Zh ||
		tp.QRPayload != issued.QR || tp.Ahead != issued.Ticket.Ahead || tp.Footer == "" {
		t.Errorf("ticket paper %+v; want the hall, number, category, code, people ahead and the advice", tp)
	}
	if loc := tp.Issued.Location(); loc != app.HallZone {
		t.Errorf("the ticket is stamped in %v, want the hall's zone", loc)
	}
	if err := tp.Validate(); err != nil {
		t.Errorf("the ticket's paper is not printable: %v", err)
	}
	if got := k.s.Print(k.ctx, k.Printer, issued.Paper); got != app.ProblemNone {
		t.Fatalf("print: %q", got)
	}
	if !strings.Contains(k.page(1), issued.Ticket.Code) {
		t.Errorf("the printed ticket lacks its number:\n%s", k.page(1))
	}
}

// TestARetryCannotIssueTwice: the request id stays while the category
// does, so a retry after a lost answer gets the same ticket; another
// category is a new request.
func TestARetryCannotIssueTwice(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	n := k.s.TakeNumber()
	first := n.Request("A")
	again := n.Request("A")
	if first.RequestID == "" || again.RequestID != first.RequestID {
		t.Fatalf("request ids %q then %q; a retry in the same category keeps its id", first.RequestID, again.RequestID)
	}
	a1, p1 := k.s.Issue(k.ctx, first)
	a2, p2 := k.s.Issue(k.ctx, again)
	if p1 != app.ProblemNone || p2 != app.ProblemNone || a1.Ticket.Code != a2.Ticket.Code {
		t.Errorf("a retry issued %s (%q) after %s (%q); want the same ticket", a2.Ticket.Code, p2, a1.Ticket.Code, p1)
	}
	if b := n.Request("B"); b.RequestID == first.RequestID {
		t.Errorf("another category kept the request id %q", b.RequestID)
	}
	if a := n.Request("A"); a.RequestID == first.RequestID {
		t.Errorf("back to A after B kept the old id; the request before was for B")
	}
}

// TestNoAppointmentWithoutABooking: the self-declared check-in is gone; a
// plain number never carries the appointment priority, with the card or
// without it (a booking checked in does: booking_test.go); a failed read
// forgets the card.
func TestNoAppointmentWithoutABooking(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	n := k.s.TakeNumber()
	n.Card(card(0))
	issued, p := k.s.Issue(k.ctx, n.Request("B"))
	if p != app.ProblemNone || issued.Ticket.Priority == app.Appointment {
		t.Errorf("issued %+v (%q); want a number without the appointment priority", issued.Ticket, p)
	}
	if sent := k.queue.requests(); len(sent) != 1 || sent[0].Claim != app.NoPriority {
		t.Errorf("sent %+v; want no claim", sent)
	}
	n.ForgetCard()
	if n.Visitor() != nil {
		t.Errorf("after a failed read: visitor %+v; want it forgotten", n.Visitor())
	}
	if r := n.Request("B"); r.Who != "" || r.WhoKey != "" || r.Elderly || r.Claim != app.NoPriority {
		t.Errorf("a request without the card carries %+v", r)
	}
}

// TestQueueProblemsForTheCitizen: why there is no number, as the kiosk
// tells it.
func TestQueueProblemsForTheCitizen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want app.KioskProblem
	}{
		{errors.New("the hall hub cannot be reached at http://10.0.0.2:7100: connection refused"), app.ProblemHubUnreachable},
		{fmt.Errorf("issue: %w", app.ErrCategoryFull), app.ProblemCategoryFull},
		{fmt.Errorf("issue: %w", app.ErrCategoryClosed), app.ProblemCategoryClosed},
	} {
		t.Run(string(tc.want), func(t *testing.T) {
			t.Parallel()
			k := openKiosk(t, func(_ *hallrig.Rig, svc *selfservice.Services, _ *selfservice.Config) {
				svc.Queue = failing{tc.err}
			})
			if _, p := k.s.Issue(k.ctx, k.s.TakeNumber().Request("A")); p != tc.want {
				t.Errorf("%v: problem %q, want %q", tc.err, p, tc.want)
			}
		})
	}
	t.Run("hub gone", func(t *testing.T) {
		t.Parallel()
		k := openKiosk(t, nil)
		k.HubServer.Close() // the hub leaves the LAN
		if _, p := k.s.Issue(k.ctx, k.s.TakeNumber().Request("A")); p != app.ProblemHubUnreachable {
			t.Errorf("the hub gone: problem %q, want hub_unreachable", p)
		}
	})
	t.Run("no queue", func(t *testing.T) {
		t.Parallel()
		none := openKiosk(t, func(_ *hallrig.Rig, svc *selfservice.Services, _ *selfservice.Config) { svc.Queue = nil })
		if _, p := none.s.Issue(none.ctx, none.s.TakeNumber().Request("A")); p != app.ProblemNotSetUp || none.s.HasQueue() {
			t.Errorf("no queue: problem %q, has queue %v; want not_set_up", p, none.s.HasQueue())
		}
		if _, err := none.s.Waiting(none.ctx); !errors.Is(err, app.ErrNotConfigured) {
			t.Errorf("no queue: waiting counts err %v, want not configured", err)
		}
	})
}

// TestCardsTheKioskRefuses: a card is checked against the kiosk's clock,
// and each failure has its problem.
func TestCardsTheKioskRefuses(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	if err := k.s.CheckCard(card(0)); err != nil {
		t.Errorf("a good card: %v", err)
	}
	if err := k.s.CheckCard(card(7)); selfservice.CardProblem(err) != app.ProblemCardBad {
		t.Errorf("the damaged card: %v, problem %q; want card_bad", err, selfservice.CardProblem(err))
	}
	old := card(0)
	old.ValidTo = hallrig.Start.AddDate(0, 0, -1)
	if err := k.s.CheckCard(old); selfservice.CardProblem(err) != app.ProblemCardExpired {
		t.Errorf("an expired card: %v, problem %q; want card_expired", err, selfservice.CardProblem(err))
	}
	if p := selfservice.CardProblem(fmt.Errorf("read: %w", app.ErrDeviceTimeout)); p != app.ProblemReaderFault {
		t.Errorf("a reader timing out: problem %q, want reader_fault", p)
	}
}

// TestAPriorityTicketSaysSoOnPaper: an elderly citizen's ticket is marked
// 老年人优先 on paper, an ordinary one carries no mark.
func TestAPriorityTicketSaysSoOnPaper(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	n := k.s.TakeNumber()
	n.Card(card(1)) // 王秀英, 75
	elderly, p := k.s.Issue(k.ctx, n.Request("A"))
	if p != app.ProblemNone {
		t.Fatal(p)
	}
	ordinary, p := k.s.Issue(k.ctx, k.s.TakeNumber().Request("A"))
	if p != app.ProblemNone {
		t.Fatal(p)
	}
	if elderly.Paper.Ticket.Priority != app.Elderly || ordinary.Paper.Ticket.Priority != app.NoPriority {
		t.Fatalf("ticket papers' priorities: %q and %q; want elderly and none", elderly.Paper.Ticket.Priority, ordinary.Paper.Ticket.Priority)
	}
	for _, paper := range []selfservice.Paper{elderly.Paper, ordinary.Paper} {
		if got := k.s.Print(k.ctx, k.Printer, paper); got != app.ProblemNone {
			t.Fatalf("print: %q", got)
		}
	}
	if page := k.page(1); !strings.Contains(page, "老年人优先") {
		t.Errorf("the elderly ticket does not say 老年人优先:\n%s", page)
	}
	if page := k.page(2); strings.Contains(page, "优先") || strings.Contains(page, "预约") {
		t.Errorf("an ordinary ticket is marked as a priority one:\n%s", page)
	}
}
