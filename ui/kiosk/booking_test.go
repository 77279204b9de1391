package kiosk

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/app/store"
	"onewindow/app/suite"
	"onewindow/ui/touch"
)

// bookingRig is a kiosk whose store stands in for the hall hub's booking
// desk as well (the check-in's rules are app/store's), with a plan and a
// booking of 09:30's hall day: card 0's at 10:00–11:00, code 12345678.
func bookingRig(t *testing.T) *rig {
	t.Helper()
	r := newRigWith(t, func(svc *selfservice.Services, _ *selfservice.Config) {
		st := svc.Catalogue.(*store.Store)
		svc.Bookings, svc.BookingPlans = st, st
	})
	ctx := context.Background()
	h, err := r.store.Hall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.Booking = app.BookingPlan{Slots: []app.BookingSlot{{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 5}}},
		HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30}
	h.BookingKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	b := app.Booking{Code: "12345678", Hall: "330106", Item: "GA-003", Category: "A", Day: app.DateOf(testNow), Slot: "10:00-11:00",
		Who: "张*", State: app.BookingOpen, Created: testNow}
	if _, err := r.store.ApplyCentralChanges(ctx, app.PulledChanges{Reset: true, Changes: []app.CentralChange{{Hall: &h}}}); err != nil {
		t.Fatal(err)
	}
	_, key, _ := r.store.BookingPlan(ctx)
	b.IDKey = app.BookingIDKey(suite.Intl, key, card(t, 0).Number)
	if _, err := r.store.ApplyCentralChanges(ctx, app.PulledChanges{Reset: true, Changes: []app.CentralChange{{Booking: &b}}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// keypad is the keypad on screen.
func (r *rig) keypad(t *testing.T) *touch.Keypad {
	t.Helper()
	var pad *touch.Keypad
	walk(r.w.Content(), nil, func(o fyne.CanvasObject, _ []fyne.CanvasObject) bool {
		p, ok := o.(*touch.Keypad)
		if ok {
			pad = p
		}
		return ok
	})
	if pad == nil {
		t.Fatalf("page %q has no keypad", r.k.Page())
	}
	return pad
}

// TestBookingCheckInScreens (#18 §3): the take-a-number page leads to the
// check-in; a code typed too early says when to come back; in the window
// the ticket shows with the appointment priority; the card finds the
// booking checked in already.
func TestBookingCheckInScreens(t *testing.T) {
	r := bookingRig(t)
	r.clock.Set(testNow.Add(-10 * time.Minute)) // 09:20
	r.tap(t, "取号")
	r.mustShow(t, "网上预约过的")
	r.tap(t, "预约签到")
	r.mustShow(t, "请刷身份证，或输入8位预约码")
	r.keys(r.keypad(t), "1234")
	r.tap(t, "签到")
	r.mustShow(t, "预约码是8位数字")
	r.keys(r.keypad(t), "12345678")
	r.tap(t, "签到")
	r.mustShow(t, "请于 09:30 以后再来签到")

	r.clock.Set(testNow.Add(5 * time.Minute))
	r.keys(r.keypad(t), "12345678")
	r.tap(t, "签到")
	r.mustShow(t, "A001", "预约优先")
	if len(r.queue.requests) != 0 {
		t.Errorf("the check-in took a plain number too: %+v", r.queue.requests)
	}

	r.tap(t, "完成，返回首页")
	r.tap(t, "取号")
	r.tap(t, "预约签到")
	fyne.DoAndWait(func() { r.k.Scanned("12345678") }) // the confirmation's QR code
	r.mustShow(t, "这个预约已经签到过了")
	r.tap(t, "返回首页")
	r.tap(t, "取号")
	r.tap(t, "预约签到")
	fyne.DoAndWait(func() { r.k.cardEvent(app.CardEvent{Kind: app.CardPlaced, Card: card(t, 0)}) })
	r.mustShow(t, "这个预约已经签到过了，您的号码是 A001")
}

// TestNoCheckInWithoutAPlan: a hall that takes no appointments shows no
// check-in; the take-a-number page has no appointment toggle either.
func TestNoCheckInWithoutAPlan(t *testing.T) {
	r := newRig(t)
	r.tap(t, "取号")
	r.mustNotShow(t, "预约签到", "我有预约")
}
