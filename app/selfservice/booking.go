package selfservice

import (
	"context"
	"time"

	"onewindow/app"
)

// Problems of checking a booking in, beside the outcomes the hub answers.
const (
	ProblemBookingCode  app.KioskProblem = "booking_code" // typed, but not the 8 digits of a booking code
	ProblemNoBookingKey app.KioskProblem = "booking_key"  // a card read, but the kiosk has no booking key yet: type the code
)

// BookingPlans gives the hall's booking plan and, on a kiosk, the hall's
// booking key, from the hall set-up central sent; the terminal's store is
// one.
type BookingPlans interface {
	BookingPlan(ctx context.Context) (app.BookingPlan, []byte, error)
}

// CheckIn is what checking a booking in came to, for the screen: the
// outcome; the booking found (its item, day and slot); the ticket issued,
// ready to print, when checked in; and the check-in window, for "come
// back at 09:30" and "closed at 10:15".
type CheckIn struct {
	Outcome app.CheckInOutcome
	Booking *app.Booking
	Issued  *Issued
	Ticket  string // CheckInAlready: the code of the ticket issued then
	Opens   time.Time
	Closes  time.Time
}

// OffersBookings reports whether the kiosk can check bookings in: it has
// the hub's booking desk and the hall's plan offers appointments.
func (s *Service) OffersBookings(ctx context.Context) bool {
	if s.svc.Bookings == nil || s.svc.BookingPlans == nil {
		return false
	}
	plan, _, err := s.svc.BookingPlans.BookingPlan(ctx)
	return err == nil && plan.Offered()
}

// CheckInByCard checks in the booking of today of the card's holder: the
// hub finds it by the ID number's hash keyed with the hall's booking key.
// The ID number never leaves the kiosk.
func (s *Service) CheckInByCard(ctx context.Context, c app.IDCard) (CheckIn, app.KioskProblem) {
	if s.svc.Bookings == nil || s.svc.BookingPlans == nil {
		return CheckIn{}, app.ProblemNotSetUp
	}
	_, key, err := s.svc.BookingPlans.BookingPlan(ctx)
	if err != nil || len(key) == 0 {
		if err != nil {
			s.log.Warn("booking check-in: the hall's booking key", "err", err)
		}
		return CheckIn{}, ProblemNoBookingKey
	}
	in, other := s.suites()
	return s.checkIn(ctx, app.BookingCheckIn{RequestID: s.svc.NewRequestID(), IDKey: app.BookingIDKey(in, key, c.Number),
		IDKeyAlt: app.BookingIDKey(other, key, c.Number), WhoKey: s.whoKey(c.Number)})
}

// CheckInByCode checks in the booking whose code was typed on the keypad.
func (s *Service) CheckInByCode(ctx context.Context, code string) (CheckIn, app.KioskProblem) {
	if s.svc.Bookings == nil {
		return CheckIn{}, app.ProblemNotSetUp
	}
	if !app.ValidBookingCode(code) {
		return CheckIn{}, ProblemBookingCode
	}
	return s.checkIn(ctx, app.BookingCheckIn{RequestID: s.svc.NewRequestID(), Code: code})
}

// checkIn asks the hub, once more with the same request id if its answer
// was lost (it cannot issue twice).
func (s *Service) checkIn(ctx context.Context, r app.BookingCheckIn) (CheckIn, app.KioskProblem) {
	res, err := s.svc.Bookings.CheckInBooking(ctx, r)
	if err != nil && app.QueueProblem(err) == app.ProblemHubUnreachable && ctx.Err() == nil {
		res, err = s.svc.Bookings.CheckInBooking(ctx, r)
	}
	if err != nil {
		s.log.Warn("booking check-in failed", "err", err)
		return CheckIn{}, app.QueueProblem(err)
	}
	out := CheckIn{Outcome: res.Outcome, Booking: res.Booking, Opens: res.Opens, Closes: res.Closes}
	switch {
	case res.Outcome == app.CheckedIn && res.Ticket != nil:
		is := s.issued(*res.Ticket)
		out.Issued = &is
	case res.Outcome == app.CheckInAlready && res.Ticket != nil:
		_, code, _ := cutLast(res.Ticket.ID, '/')
		out.Ticket = code
	}
	return out, app.ProblemNone
}

func cutLast(s string, sep byte) (string, string, bool) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// ItemName is the name of a booked item, for the screen.
func (s *Service) ItemName(code string) app.Text {
	if it, ok := s.catalog.Item(code); ok {
		return it.Name
	}
	return app.Text{Zh: code, En: code}
}
