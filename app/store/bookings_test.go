package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/app/suite"
)

// bookingKey is the test hall's booking key, as central sends its kiosks.
var bookingKey = []byte("the booking key of the test hall")

// withBookings gives the fixture's hall a plan (09:00–10:00 and 10:00–
// 11:00, checked in 30 minutes early to 15 late) and, as central would
// send them, open bookings of today for zhang at 10:00 and wang at 09:00.
func withBookings(t *testing.T, f *fixture) (zhangs, wangs app.Booking) {
	t.Helper()
	ctx := context.Background()
	h, err := f.Hall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.Booking = app.BookingPlan{Slots: []app.BookingSlot{
		{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 5}},
		{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 5}},
	}, HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
	zhangs = app.Booking{Code: "12345678", Hall: "330106", Item: "GA-003", Category: "A", Day: "2026-11-23", Slot: "10:00-11:00",
		Who: "张*", IDKey: app.BookingIDKey(suite.Intl, bookingKey, zhang.IDNumber), State: app.BookingOpen, Created: start.Add(-24 * time.Hour)}
	wangs = zhangs
	wangs.Code, wangs.Slot, wangs.Who, wangs.IDKey = "87654321", "09:00-10:00", "王*", app.BookingIDKey(suite.Intl, bookingKey, wang.IDNumber)
	if _, err := f.ApplyCentralChanges(ctx, app.PulledChanges{Reset: true, Changes: []app.CentralChange{
		{Hall: &h}, {Booking: &zhangs}, {Booking: &wangs},
	}}); err != nil {
		t.Fatal(err)
	}
	return zhangs, wangs
}

// TestBookingCheckInAtTheHub (#18 §3): a booking is checked in by its code
// or by its holder's key, within its window only, once: the ticket has the
// appointment priority, the check-in waits in the outbox for central, and
// a retry returns the first answer.
func TestBookingCheckInAtTheHub(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	zhangs, wangs := withBookings(t, f)
	ops := f.count(t, "outbox")

	// 09:30: zhang's 10:00 slot opens at 09:30; wang's 09:00 closed at 09:15.
	f.clock.Set(start.Add(-time.Minute))
	r, err := f.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "k1-1", IDKey: zhangs.IDKey})
	if err != nil || r.Outcome != app.CheckInEarly || r.Opens.In(app.HallZone).Format("15:04") != "09:30" {
		t.Fatalf("a minute early: %+v %v", r, err)
	}
	f.clock.Set(start)
	if r, err := f.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "k1-2", Code: wangs.Code}); err != nil || r.Outcome != app.CheckInLate {
		t.Fatalf("past the window: %+v %v", r, err)
	}
	if r, err := f.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "k1-3", Code: "11112222"}); err != nil || r.Outcome != app.CheckInNone {
		t.Fatalf("an unknown code: %+v %v", r, err)
	}
	if n := f.count(t, "outbox"); n != ops {
		t.Fatalf("refusals queued %d operations", n-ops)
	}

	// By the card's key, inside the window.
	r, err = f.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "k1-4", IDKey: zhangs.IDKey})
	if err != nil || r.Outcome != app.CheckedIn || r.Ticket == nil || r.Ticket.Priority != app.Appointment || r.Ticket.Category != "A" || r.Ticket.WhoMasked != "张*" {
		t.Fatalf("check-in: %+v %v", r, err)
	}
	again, err := f.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "k1-4", IDKey: zhangs.IDKey})
	if err != nil || again.Ticket == nil || again.Ticket.ID != r.Ticket.ID {
		t.Fatalf("the retry: %+v %v; want the first ticket", again, err)
	}
	second, err := f.CheckInBooking(ctx, app.BookingCheckIn{RequestID: "k2-1", Code: zhangs.Code})
	if err != nil || second.Outcome != app.CheckInAlready || second.Ticket == nil || second.Ticket.ID != r.Ticket.ID {
		t.Fatalf("a second check-in: %+v %v; want refused, naming the first ticket", second, err)
	}
	pending, err := f.PendingOperations(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	var checkIns int
	for _, op := range pending {
		if op.Kind == app.OpBookingCheckIn {
			var p app.BookingCheckInPayload
			json.Unmarshal(op.Payload, &p)
			if p.Code != zhangs.Code || p.Ticket != r.Ticket.ID {
				t.Errorf("the check-in for central: %+v", p)
			}
			checkIns++
		}
	}
	if checkIns != 1 {
		t.Errorf("%d check-ins queued for central; want 1", checkIns)
	}
	bs, err := f.Bookings(ctx, "2026-11-23")
	if err != nil || len(bs) != 2 || bs[1].State != app.BookingDone || bs[1].Ticket != r.Ticket.ID {
		t.Fatalf("bookings: %+v %v", bs, err)
	}
	// central's older copy (open) does not undo the check-in.
	if _, err := f.ApplyCentralChanges(ctx, app.PulledChanges{Reset: true, Changes: []app.CentralChange{{Booking: &zhangs}}}); err != nil {
		t.Fatal(err)
	}
	if bs, _ := f.Bookings(ctx, "2026-11-23"); bs[1].State != app.BookingDone {
		t.Errorf("central's older copy reopened the booking: %+v", bs[1])
	}
	// The hub's dashboard counts the day's bookings; wang's 09:00 slot
	// ended at 10:00, and 30 minutes later it is a no-show.
	f.clock.Set(start.Add(61 * time.Minute)) // 10:31
	d, err := f.Console().HallDay(ctx, "330106", "2026-11-23")
	if err != nil {
		t.Fatal(err)
	}
	if c := console.CountBookings(d.Bookings, d.Plan, f.clock.Now()); c.Booked != 2 || c.CheckedIn != 1 || c.NoShows != 1 {
		t.Errorf("the hub's dashboard counts %+v; want 2 booked, 1 checked in, 1 no-show", c)
	}
	if _, err := f.CheckInBooking(ctx, app.BookingCheckIn{Code: "12ab"}); !errors.Is(err, app.ErrInvalidInput) {
		t.Errorf("a code that is not 8 digits: %v", err)
	}
}

// TestBookingPlanAndKeyKept: the plan and (on a kiosk) the key come with
// the hall set-up; the key is sealed at rest.
func TestBookingPlanAndKeyKept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := open(t)
	h, _ := f.Hall(ctx)
	h.Booking = app.BookingPlan{Slots: []app.BookingSlot{{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 5}}}, HorizonDays: 3}
	h.BookingKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	if err := f.ReplaceHall(ctx, h); err != nil {
		t.Fatal(err)
	}
	plan, key, err := f.BookingPlan(ctx)
	if err != nil || !plan.Offered() || plan.HorizonDays != 3 || len(key) != 32 {
		t.Fatalf("%+v %x %v", plan, key, err)
	}
	var sealed []byte
	f.raw(t).QueryRow(`SELECT key_sealed FROM booking_plan`).Scan(&sealed)
	if len(sealed) == 0 || string(sealed) == h.BookingKey {
		t.Error("the booking key is not sealed at rest")
	}
}
