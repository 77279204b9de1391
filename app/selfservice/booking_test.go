package selfservice_test

import (
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/app/suite"
	"onewindow/internal/hallrig"
)

// bookingKeyHex is the hall's booking key as central sends its kiosks.
const bookingKeyHex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

// withBooking gives the rig's hall a plan and, at the hub, the bookings
// central sent: card 0's at 10:00 today (checked in from 09:30) with code
// 12345678, card 2's tomorrow with code 22223333. The kiosk's store holds
// the plan and key, the hub's the plan and the bookings.
func withBooking(t *testing.T, r *hallrig.Rig) {
	t.Helper()
	ctx := t.Context()
	h, err := r.Store.Hall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.Booking = app.BookingPlan{Slots: []app.BookingSlot{
		{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 5}},
		{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 5}},
	}, HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
	h.BookingKey = bookingKeyHex
	if err := r.Store.ReplaceHall(ctx, h); err != nil {
		t.Fatal(err)
	}
	_, key, _ := r.Store.BookingPlan(ctx)
	day := app.DateOf(r.Clock.Now())
	mine := app.Booking{Code: "12345678", Hall: "330106", Item: "GA-003", Category: "A", Day: day, Slot: "10:00-11:00",
		Who: app.MaskName(card(0).Name), IDKey: app.BookingIDKey(suite.Intl, key, card(0).Number), State: app.BookingOpen, Created: r.Clock.Now()}
	tomorrow := mine
	tomorrow.Code, tomorrow.Day, tomorrow.IDKey = "22223333", app.DateOf(r.Clock.Now().Add(24*time.Hour)), app.BookingIDKey(suite.Intl, key, card(2).Number)
	h.BookingKey = "" // the hub never gets it
	if _, err := r.HubStore.ApplyCentralChanges(ctx, app.PulledChanges{Reset: true, Changes: []app.CentralChange{
		{Hall: &h}, {Booking: &mine}, {Booking: &tomorrow},
	}}); err != nil {
		t.Fatal(err)
	}
}

func bookingKiosk(t *testing.T) *kiosk {
	return openKiosk(t, func(r *hallrig.Rig, svc *selfservice.Services, _ *selfservice.Config) {
		withBooking(t, r)
		svc.Bookings, svc.BookingPlans = r.Hub, r.Store
	})
}

// TestBookingCheckInAtTheKiosk (#18 §3): at the kiosk, over the real hub,
// a booking is checked in by the card or by its code within its window:
// early says when to come back, the ticket has the appointment priority
// and prints "预约", a second check-in is refused naming the ticket.
func TestBookingCheckInAtTheKiosk(t *testing.T) {
	t.Parallel()
	k := bookingKiosk(t)
	if !k.s.OffersBookings(k.ctx) {
		t.Fatal("the kiosk does not offer the check-in")
	}
	k.Clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, app.HallZone))
	ci, p := k.s.CheckInByCard(k.ctx, card(0))
	if p != app.ProblemNone || ci.Outcome != app.CheckInEarly || ci.Opens.In(app.HallZone).Format("15:04") != "09:30" || ci.Issued != nil {
		t.Fatalf("at 09:00: %+v %q; want too early, open from 09:30", ci, p)
	}
	if ci, p := k.s.CheckInByCard(k.ctx, card(2)); p != app.ProblemNone || ci.Outcome != app.CheckInNone {
		t.Fatalf("a card whose booking is tomorrow: %+v %q; want none today", ci, p)
	}
	if _, p := k.s.CheckInByCode(k.ctx, "1234"); p != selfservice.ProblemBookingCode {
		t.Fatalf("a short code: %q", p)
	}
	if ci, p := k.s.CheckInByCode(k.ctx, "22223333"); p != app.ProblemNone || ci.Outcome != app.CheckInNone || ci.Booking == nil || ci.Booking.Day == app.DateOf(k.Clock.Now()) {
		t.Fatalf("tomorrow's code today: %+v %q; want none, naming the booking's day", ci, p)
	}

	k.Clock.Set(time.Date(2026, 11, 23, 9, 45, 0, 0, app.HallZone))
	ci, p = k.s.CheckInByCard(k.ctx, card(0))
	if p != app.ProblemNone || ci.Outcome != app.CheckedIn || ci.Issued == nil || ci.Issued.Ticket.Priority != app.Appointment {
		t.Fatalf("by card in the window: %+v %q", ci, p)
	}
	// Missed, the appointment's ticket is queued again with the same card.
	if _, err := k.HubStore.CallNext(k.ctx, "", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := k.HubStore.Skip(k.ctx, "", 2); err != nil {
		t.Fatal(err)
	}
	if again, p := k.s.RequeueByCard(k.ctx, card(0)); p != app.ProblemNone || again.ID != ci.Issued.Ticket.ID {
		t.Fatalf("the appointment's ticket missed and re-queued by card: %+v %q", again, p)
	}
	if err := k.s.Print(k.ctx, k.Printer, ci.Issued.Paper); err != app.ProblemNone {
		t.Fatalf("print: %q", err)
	}
	if page := k.page(1); !strings.Contains(page, "预约") || !strings.Contains(page, ci.Issued.Ticket.Code) {
		t.Errorf("the ticket printed:\n%s", page)
	}
	again, p := k.s.CheckInByCode(k.ctx, "12345678")
	if p != app.ProblemNone || again.Outcome != app.CheckInAlready || again.Ticket != ci.Issued.Ticket.Code {
		t.Fatalf("checked in twice: %+v %q; want refused with ticket %s", again, p, ci.Issued.Ticket.Code)
	}

	// Too late: a kiosk of another hall-day's booking past its window.
	k.Clock.Set(time.Date(2026, 11, 24, 10, 20, 0, 0, app.HallZone))
	if ci, p := k.s.CheckInByCode(k.ctx, "22223333"); p != app.ProblemNone || ci.Outcome != app.CheckInLate ||
		ci.Closes.In(app.HallZone).Format("15:04") != "10:15" {
		t.Fatalf("after the window: %+v %q; want too late, closed at 10:15", ci, p)
	}
	k.Clock.Set(time.Date(2026, 11, 24, 10, 10, 0, 0, app.HallZone))
	if ci, p := k.s.CheckInByCode(k.ctx, "22223333"); p != app.ProblemNone || ci.Outcome != app.CheckedIn {
		t.Fatalf("by code in the window: %+v %q", ci, p)
	}
}

// TestBookingCheckInHubDown: without the hub the kiosk says so plainly.
func TestBookingCheckInHubDown(t *testing.T) {
	t.Parallel()
	k := bookingKiosk(t)
	k.HubServer.Close()
	if _, p := k.s.CheckInByCode(k.ctx, "12345678"); p != app.ProblemHubUnreachable {
		t.Fatalf("hub down: %q", p)
	}
}
