package main

import (
	"context"
	"time"

	"onewindow/app"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/device/sim/idreadersim"
	"onewindow/internal/hallrig"
)

// bookingCode is the booking of 张伟 (card 0) the walk checks in.
const bookingCode = "20261123"

// offerBookings gives the rig's hall a booking plan (09:00–10:00 and
// 10:00–11:00, checked in from 30 minutes before to 15 after the start)
// and, as central would send them: to the kiosk's store the plan and the
// hall's booking key, to the hub the plan and 张伟's booking of 10:00.
func offerBookings(ctx context.Context, r *hallrig.Rig, kiosk *store.Store) error {
	h, err := kiosk.Hall(ctx)
	if err != nil {
		return err
	}
	h.Booking = app.BookingPlan{Slots: []app.BookingSlot{
		{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 10}},
		{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 10, "B": 10}},
	}, HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
	h.BookingKey = "6b696f736b73686f74733a2074686520686b6579206f662074686520686131" // 32 bytes in hex
	if err := kiosk.ReplaceHall(ctx, h); err != nil {
		return err
	}
	_, key, err := kiosk.BookingPlan(ctx)
	if err != nil {
		return err
	}
	card := idreadersim.SampleCards()[0].Card
	b := app.Booking{Code: bookingCode, Hall: h.Code, Item: "GA-003", Category: "A", Day: app.DateOf(r.Clock.Now()), Slot: "10:00-11:00",
		Who: app.MaskName(card.Name), IDKey: app.BookingIDKey(suite.Intl, key, card.Number), State: app.BookingOpen, Created: r.Clock.Now()}
	h.BookingKey = ""
	_, err = r.HubStore.ApplyCentralChanges(ctx, app.PulledChanges{Reset: true, Changes: []app.CentralChange{{Hall: &h}, {Booking: &b}}})
	return err
}

// checkIn walks the check-in: the take-a-number page with a card read
// (the demo's walk takes the same picture, without a booking plan in an
// older demo: this one wins), too early by the code at 09:00, then in time
// by the ID card at 09:35.
func checkIn(r *hallrig.Rig, s *screen) error {
	r.Clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, app.HallZone))
	s.tap("取号")
	if err := r.ReaderSim.Place(1); err != nil { // 王秀英, 75: elderly priority
		return err
	}
	if err := s.snap("number", "take-number", 2*time.Second); err != nil {
		return err
	}
	r.ReaderSim.Remove()
	time.Sleep(500 * time.Millisecond)
	s.tap("预约签到")
	s.keys(bookingCode)
	s.tap("签到")
	if err := s.snap("checkin", "checkin-early", time.Second); err != nil {
		return err
	}
	r.Clock.Set(time.Date(2026, 11, 23, 9, 35, 0, 0, app.HallZone))
	if err := r.ReaderSim.Place(0); err != nil {
		return err
	}
	if err := s.snap("ticket", "checkin-ticket", 2*time.Second); err != nil {
		return err
	}
	r.ReaderSim.Remove()
	s.do(s.k.Home)
	return nil
}
