package console

import (
	"testing"
	"time"

	"onewindow/app"
)

func TestCountBookings(t *testing.T) {
	plan := app.BookingPlan{Slots: []app.BookingSlot{{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 5}}}, HorizonDays: 7, GraceMinutes: 20}
	b := func(state app.BookingState) app.Booking {
		return app.Booking{Day: "2026-11-23", Slot: "09:00-10:00", State: state}
	}
	bs := []app.Booking{b(app.BookingOpen), b(app.BookingDone), b(app.BookingCancelled), b(app.BookingOpen)}
	at := func(hm string) time.Time {
		t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hm, app.HallZone)
		return t
	}
	if c := CountBookings(bs, plan, at("10:20")); c != (BookingCounts{Booked: 3, CheckedIn: 1, Cancelled: 1, Waiting: 2}) {
		t.Errorf("at the end of the grace: %+v", c)
	}
	if c := CountBookings(bs, plan, at("10:21")); c.NoShows != 2 || c.Waiting != 0 {
		t.Errorf("after the grace: %+v", c)
	}
}
