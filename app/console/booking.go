package console

import (
	"context"
	"fmt"
	"time"

	"onewindow/app"
)

// Appointments in the console (issue 18 §3, §5): a hall's manager sets
// what the hall offers to book (the plan: slots, places per queue
// category, how far ahead, the check-in window), published to the hall
// with its set-up; the hall's dashboard counts the day's bookings and its
// no-shows, computed on reading (app.Booking.NoShow).

// AuditBookingPlan is the audit action of a changed booking plan.
const AuditBookingPlan = "booking_plan"

// BookingCounts are a hall's bookings of a day, for its dashboard.
type BookingCounts struct {
	Booked    int // not cancelled
	CheckedIn int
	Cancelled int
	NoShows   int // open past their slot's end plus the grace, as of now
	Waiting   int // open and still in time
}

// CountBookings counts a day's bookings at now by the hall's plan.
func CountBookings(bs []app.Booking, plan app.BookingPlan, now time.Time) BookingCounts {
	var c BookingCounts
	for _, b := range bs {
		switch {
		case b.State == app.BookingCancelled:
			c.Cancelled++
			continue
		case b.State == app.BookingDone:
			c.CheckedIn++
		case b.NoShow(plan, now):
			c.NoShows++
		default:
			c.Waiting++
		}
		c.Booked++
	}
	return c
}

// SetBookingPlan sets what the hall offers to book and publishes it to
// the hall with its set-up. An empty plan offers no appointments; a plan
// with a problem is refused with each problem named, and nothing changes.
func (s *Service) SetBookingPlan(ctx context.Context, by Actor, hall string, plan app.BookingPlan) error {
	detail := "none"
	if plan.Offered() {
		detail = fmt.Sprintf("%d slots, %d days ahead", len(plan.Slots), plan.HorizonDays)
	}
	return s.changeStaff(ctx, by, hall, AuditBookingPlan, "booking", detail, func(h *app.Hall) error {
		h.Booking = plan
		return nil
	})
}
