package selfservice

import (
	"context"
	"errors"

	"onewindow/app"
	"onewindow/app/suite"
)

// Problems of the self-service use cases beside app's kiosk problems; the
// kiosk puts them in words as it does app's.
const (
	ProblemTicketNumber app.KioskProblem = "ticket_number" // typed to rate, but not a ticket's number (A012)
	ProblemNeedReason   app.KioskProblem = "need_reason"   // a bad rating without a reason
	ProblemPhone        app.KioskProblem = "phone"         // not a mainland mobile number
	ProblemMaterials    app.KioskProblem = "materials"     // a required material not held
	ProblemDocument     app.KioskProblem = "document"      // the item does not take the card read (app.Item.Documents)
	ProblemScanTicket   app.KioskProblem = "scan_ticket"   // re-queue by card without a kiosk key: scan the ticket
)

// Visitor is what taking a number keeps of the ID card read. What of it
// leaves the kiosk is the masked name (王*英), whether the hall's rules
// make the holder elderly, and the hash keyed with the kiosk key by which
// the hub knows a returning citizen; the full name, the ID number and the
// age stay behind (the age would give the hub the birth year).
type Visitor struct {
	Name    string // masked
	Age     int    // shown at the kiosk only
	Elderly bool   // the hall's rules give the holder priority by age
	key     string // empty without a kiosk key
}

// Visitor is the holder of card as taking a number sees them.
func (s *Service) Visitor(c app.IDCard) Visitor {
	age := c.AgeOn(s.svc.Clock.Now())
	return Visitor{Name: app.MaskName(c.Name), Age: age, key: s.whoKey(c.Number),
		Elderly: s.cfg.Rules.PriorityFor(app.NoPriority, age) == app.Elderly}
}

// whoKey is the kiosk-keyed hash of id; empty without a kiosk key.
func (s *Service) whoKey(id app.IDNumber) string {
	k, _ := s.whoKeys(id)
	return k
}

// whoKeys are the kiosk-keyed hash of id under the suite in use and under
// the other one; empty without a kiosk key.
func (s *Service) whoKeys(id app.IDNumber) (now, other string) {
	if len(s.cfg.KioskKey) == 0 {
		return "", ""
	}
	in, out := s.suites()
	return app.WhoKey(in, s.cfg.KioskKey, id), app.WhoKey(out, s.cfg.KioskKey, id)
}

// suites are the crypto suite the kiosk records under, and the other.
func (s *Service) suites() (in, other suite.Name) {
	if s.cfg.Suite != nil && s.cfg.Suite() == suite.GM {
		return suite.GM, suite.Intl
	}
	return suite.Intl, suite.GM
}

// RequeueByCard puts the missed ticket of today taken with the same ID card
// back in the queue (app.QueueStore.Requeue): the hub finds it by the
// kiosk-keyed hash. Without a kiosk key the ticket is scanned instead
// (ProblemScanTicket).
func (s *Service) RequeueByCard(ctx context.Context, c app.IDCard) (app.Ticket, app.KioskProblem) {
	if s.svc.Queue == nil {
		return app.Ticket{}, app.ProblemNotSetUp
	}
	key, alt := s.whoKeys(c.Number)
	if key == "" {
		return app.Ticket{}, ProblemScanTicket
	}
	t, err := s.svc.Queue.Requeue(ctx, s.svc.NewRequestID(), "", key, alt)
	switch {
	case errors.Is(err, app.ErrNotFound):
		return app.Ticket{}, app.ProblemNotFound // no missed ticket of today for this card
	case err != nil:
		s.log.Warn("requeue by card failed", "err", err)
		return app.Ticket{}, app.QueueProblem(err)
	}
	return t, app.ProblemNone
}

// Number is one citizen taking a number: the card they showed, if any,
// and the last request, whose id is kept for a retry in the same category
// so that a retry cannot issue twice. An appointment's priority comes
// only with a booking checked in (booking.go), never with a plain number.
type Number struct {
	s         *Service
	visitor   *Visitor
	requestID string
	category  string
}

// TakeNumber starts taking a number, without a card.
func (s *Service) TakeNumber() *Number { return &Number{s: s} }

// Card takes the holder of the card read.
func (n *Number) Card(c app.IDCard) {
	v := n.s.Visitor(c)
	n.visitor = &v
}

// ForgetCard forgets the card (a read failed).
func (n *Number) ForgetCard() { n.visitor = nil }

// Visitor is the card's holder, nil before a card is read.
func (n *Number) Visitor() *Visitor { return n.visitor }

// Request is what goes to the hub for a number in category: whether the
// visitor is elderly, and their masked name and key when a card was read.
// The id stays while the category does: the request before may have been
// issued with only its answer lost.
func (n *Number) Request(category string) app.IssueRequest {
	if n.requestID == "" || n.category != category {
		n.requestID, n.category = n.s.svc.NewRequestID(), category
	}
	r := app.IssueRequest{RequestID: n.requestID, Category: category}
	if v := n.visitor; v != nil {
		r.Elderly, r.Who, r.WhoKey = v.Elderly, v.Name, v.key
	}
	return r
}

// Issued is a number taken: the ticket, its category, what its QR code
// carries, and the ticket to print.
type Issued struct {
	Ticket   app.Ticket
	Category app.Category
	QR       string
	Paper    Paper
}

// Issue asks the hall's queue for a number. The problem says why there is
// none: the queue cannot be reached, the category is full or closed.
func (s *Service) Issue(ctx context.Context, req app.IssueRequest) (Issued, app.KioskProblem) {
	if s.svc.Queue == nil {
		return Issued{}, app.ProblemNotSetUp
	}
	t, err := s.svc.Queue.Issue(ctx, req)
	if err != nil {
		s.log.Warn("take a number failed", "category", req.Category, "err", err)
		return Issued{}, app.QueueProblem(err)
	}
	return s.issued(t), app.ProblemNone
}

// issued is a ticket the hub issued, ready to show and print: a number
// taken, or a booking checked in (booking.go).
func (s *Service) issued(t app.Ticket) Issued {
	cat, _ := s.catalog.Category(t.Category)
	qr := app.TicketLink(s.cfg.PublicURL, s.cfg.Hall, t)
	tp := &app.TicketPrint{
		HallName: s.cfg.HallName.Zh, Number: t.Code, Category: cat.Name.Zh, Priority: t.Priority,
		Ahead: t.Ahead, EstimatedWait: t.Wait, Issued: t.Issued.In(app.HallZone), // the hall's time on paper, whatever the zone the hub sent
		QRPayload: qr, Footer: "请留意叫号，过号请到服务台重新排队",
	}
	return Issued{Ticket: t, Category: cat, QR: qr, Paper: Paper{What: "ticket " + t.Code, Ticket: tp}}
}

// Categories are the hall's queue categories, in the catalogue's order.
func (s *Service) Categories() []app.Category { return s.catalog.Categories }

// HasQueue reports whether the kiosk was given the hall's queue.
func (s *Service) HasQueue() bool { return s.svc.Queue != nil }

// Waiting asks the hall's queue how many wait in each category and which
// are open; app.ErrNotConfigured without a queue.
func (s *Service) Waiting(ctx context.Context) (app.QueueStatus, error) {
	if s.svc.Queue == nil {
		return app.QueueStatus{}, app.ErrNotConfigured
	}
	return s.svc.Queue.Queue(ctx, 0)
}
