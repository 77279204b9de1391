package central

import (
	"context"
	"errors"

	"onewindow/app"
	"onewindow/app/console"
)

// bookingDay adds a hall's bookings of the day and its plan to its day,
// for the dashboard's counts (console.CountBookings).
func (c *Central) bookingDay(ctx context.Context, hall string, d *console.HallDay) error {
	h, err := c.publishedHall(ctx, c.q(), hall)
	if errors.Is(err, app.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	d.Plan = h.Booking
	d.Bookings, err = c.HallBookings(ctx, hall, d.Day)
	return err
}
