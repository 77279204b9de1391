package selfservice

import (
	"context"
	"errors"

	"onewindow/app"
)

// TicketPlaces tells where a ticket is now: the hall hub (sync/hub's
// Client), from its copy of the queue, with the WAN down too.
type TicketPlaces interface {
	Ticket(ctx context.Context, id string) (app.Ticket, error)
}

// TicketView is a scanned ticket as the kiosk shows it: the number, its
// category, its state, and while it waits its place and wait, once called
// its window. A ticket served today may be rated from here.
type TicketView struct {
	Ticket   app.Ticket
	Category app.Text
	Rateable bool
}

// TicketByCode looks up the ticket of a code scanned at the kiosk: its
// link to the citizens' pages or the code printed before them. A ticket of
// another hall is not found here.
func (s *Service) TicketByCode(ctx context.Context, code string) (TicketView, app.KioskProblem) {
	sc, err := app.ParseScannedCode(code)
	switch {
	case err != nil:
		return TicketView{}, app.ProblemUnknownCode
	case sc.Ticket == "", sc.Hall != "" && s.cfg.Hall != "" && sc.Hall != s.cfg.Hall:
		return TicketView{}, app.ProblemNotFound
	case s.svc.Tickets == nil:
		return TicketView{}, app.ProblemNotSetUp
	}
	t, err := s.svc.Tickets.Ticket(ctx, sc.Ticket)
	switch {
	case errors.Is(err, app.ErrNotFound):
		return TicketView{}, app.ProblemNotFound
	case err != nil:
		s.log.Warn("looking up a scanned ticket failed", "err", err)
		return TicketView{}, app.QueueProblem(err)
	}
	v := TicketView{Ticket: t, Rateable: t.State == app.Done && t.Day == app.DateOf(s.svc.Clock.Now())}
	if c, ok := s.catalog.Category(t.Category); ok {
		v.Category = c.Name
	}
	return v, app.ProblemNone
}

// IsTicket reports whether a code scanned at the home screen is a
// ticket's: the kiosk shows where it is now (and from there, once served,
// its rating); anything else is taken for a receipt, to look up its case.
func IsTicket(code string) bool {
	sc, err := app.ParseScannedCode(code)
	return err == nil && sc.Ticket != ""
}
