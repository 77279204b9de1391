package main

import (
	"context"
	"fmt"

	"onewindow/app"
	"onewindow/sync/central"
)

// demoBookingPlan is what the demo hall offers to book (网上预约, issue 18
// §3): the hours of a working day, a few places for household
// registration (A), social insurance (B) and general business (H), a week
// ahead; check-in from 30 minutes before a slot to 15 after its start.
var demoBookingPlan = func() app.BookingPlan {
	p := app.BookingPlan{HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
	for _, h := range []int{9, 10, 11, 14, 15, 16} {
		p.Slots = append(p.Slots, app.BookingSlot{Start: fmt.Sprintf("%02d:00", h), End: fmt.Sprintf("%02d:00", h+1),
			Capacity: map[string]int{"A": 5, "B": 5, "H": 3}})
	}
	return p
}()

// demoBookings publishes the demo hall's booking plan, as its manager would
// in the console, so that the demo's central takes bookings on its
// citizens' pages (/book/) and its kiosk checks them in.
func demoBookings(ctx context.Context, c *central.Central) error {
	if _, err := c.UpdateHall(ctx, demoHallCode, func(h *app.Hall) error {
		h.Booking = demoBookingPlan
		return nil
	}); err != nil {
		return fmt.Errorf("central: the demo hall's booking plan: %w", err)
	}
	return nil
}
