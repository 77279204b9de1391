package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/suite"
	"onewindow/assets"
)

func loadSample(t *testing.T) *app.Catalog {
	t.Helper()
	c, err := app.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// plan is a hall's plan: two slots in the morning, places for A and B.
func plan() app.BookingPlan {
	return app.BookingPlan{
		Slots: []app.BookingSlot{
			{Start: "09:00", End: "10:00", Capacity: map[string]int{"A": 2, "B": 1}},
			{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 2}},
		},
		HorizonDays: 7, EarlyMinutes: 30, LateMinutes: 15, GraceMinutes: 30,
	}
}

func at(day string, hm string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", day+" "+hm, app.HallZone)
	return t
}

const goodID = "11010519491231002X"

func TestBookingPlanValidate(t *testing.T) {
	cat := loadSample(t)
	if err := plan().Validate(cat); err != nil {
		t.Fatal(err)
	}
	if err := (app.BookingPlan{}).Validate(cat); err != nil {
		t.Fatalf("an empty plan offers nothing and is valid: %v", err)
	}
	bad := plan()
	bad.Slots = append(bad.Slots, app.BookingSlot{Start: "10:30", End: "10:15", Capacity: map[string]int{"Z": 1, "A": -1}})
	bad.HorizonDays = 0
	err := bad.Validate(cat)
	for _, want := range []string{"horizon_days", "must end after it starts", "overlaps", `"Z" is not in the catalogue`, "between 0 and 999"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in %v", want, err)
		}
	}
	h := app.Hall{Code: "330106", Booking: bad}
	if err := h.Validate(cat); err == nil || !strings.Contains(err.Error(), "booking.horizon_days") {
		t.Errorf("the hall set-up checks its plan: %v", err)
	}
}

func TestBookingRequestCheck(t *testing.T) {
	cat := loadSample(t)
	now := at("2026-11-23", "09:30")
	good := app.BookingRequest{Hall: "330106", Item: "GA-003", Day: "2026-11-24", Slot: "09:00-10:00", Name: "张三", IDNumber: goodID, Mobile: "13800138000"}
	ok, err := good.Check(plan(), cat, nil, now)
	if err != nil || ok.Category != "A" || ok.Capacity != 2 || ok.ID != goodID {
		t.Fatalf("%+v %v", ok, err)
	}
	cases := []struct {
		name string
		edit func(*app.BookingRequest)
		want error
		text string
	}{
		{"wrong check digit", func(r *app.BookingRequest) { r.IDNumber = "110105194912310021" }, app.ErrInvalidIDNumber, "check digit"},
		{"bad mobile and name", func(r *app.BookingRequest) { r.Mobile, r.Name = "1234", "" }, app.ErrInvalidInput, "mobile"},
		{"slot started", func(r *app.BookingRequest) { r.Day = "2026-11-23" }, app.ErrBookingClosed, "started"},
		{"past day", func(r *app.BookingRequest) { r.Day = "2026-11-20" }, app.ErrBookingClosed, "past"},
		{"beyond horizon", func(r *app.BookingRequest) { r.Day = "2026-12-01" }, app.ErrBookingClosed, "7 days ahead"},
		{"no places for the item's queue", func(r *app.BookingRequest) { r.Slot = "10:00-11:00"; r.Item = "RS-001" }, app.ErrBookingNotOffered, "no places"},
		{"unknown slot", func(r *app.BookingRequest) { r.Slot = "12:00-13:00" }, app.ErrBookingNotOffered, "no slot"},
	}
	cal, _ := app.NewCalendar([]app.CalendarDay{{Date: "2026-11-25", Kind: app.Holiday}})
	for day, want := range map[app.Date]bool{"2026-11-24": true, "2026-11-25": false, "2026-11-28": false} { // a Tuesday, a holiday, a Saturday
		r := good
		r.Day = day
		if _, err := r.Check(plan(), cat, cal, now); (err == nil) != want || err != nil && !strings.Contains(err.Error(), "closed on") {
			t.Errorf("%s with the calendar: %v", day, err)
		}
	}
	if days := plan().Days(now, cal); len(days) != 5 || days[0] != "2026-11-23" || days[2] != "2026-11-26" {
		t.Errorf("the days that can be booked: %v", days)
	}
	for _, c := range cases {
		r := good
		c.edit(&r)
		_, err := r.Check(plan(), cat, nil, now)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: got %v, want %v with %q", c.name, err, c.want, c.text)
		}
	}
}

func TestBookingCheckInWindowAndNoShow(t *testing.T) {
	b := app.Booking{Code: "12345678", Day: "2026-11-23", Slot: "10:00-11:00", State: app.BookingOpen}
	p := plan()
	for _, c := range []struct {
		hm   string
		want app.CheckInOutcome
	}{{"09:29", app.CheckInEarly}, {"09:30", app.CheckedIn}, {"10:15", app.CheckedIn}, {"10:16", app.CheckInLate}} {
		if got, _, _ := b.CheckInWhen(p, at("2026-11-23", c.hm)); got != c.want {
			t.Errorf("at %s: %s, want %s", c.hm, got, c.want)
		}
	}
	if got, _, _ := b.CheckInWhen(p, at("2026-11-24", "10:00")); got != app.CheckInNone {
		t.Errorf("another day: %s", got)
	}
	_, opens, _ := b.CheckInWhen(p, at("2026-11-23", "08:00"))
	if opens.In(app.HallZone).Format("15:04") != "09:30" {
		t.Errorf("opens %v", opens)
	}
	if b.NoShow(p, at("2026-11-23", "11:30")) || !b.NoShow(p, at("2026-11-23", "11:31")) {
		t.Error("a no-show is an open booking past its slot's end plus the grace")
	}
	b.State = app.BookingDone
	if got, _, _ := b.CheckInWhen(p, at("2026-11-23", "10:00")); got != app.CheckInAlready || b.NoShow(p, at("2026-11-24", "10:00")) {
		t.Error("a checked-in booking is neither checked in again nor a no-show")
	}
	if !app.BookingDone.Later(app.BookingOpen) || app.BookingOpen.Later(app.BookingCancelled) || !app.BookingDone.Later(app.BookingCancelled) {
		t.Error("states only move on")
	}
}

func TestBookingCodesAndKeys(t *testing.T) {
	for range 100 {
		if c := app.NewBookingCode(); !app.ValidBookingCode(c) {
			t.Fatalf("%q", c)
		}
	}
	k1, k2 := app.BookingIDKey(suite.Intl, []byte("k1"), goodID), app.BookingIDKey(suite.Intl, []byte("k2"), goodID)
	if k1 == k2 || !app.ValidWhoKey(k1) || strings.Contains(k1, "1949") {
		t.Fatal("the hash depends on the hall's key and shows nothing of the number")
	}
	if err := (app.BookingCheckIn{}).Validate(); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatal(err)
	}
	if err := (app.IssueRequest{Category: "A", Claim: app.Appointment}).Validate(); err == nil || !strings.Contains(err.Error(), "booking") {
		t.Fatalf("a plain number cannot claim an appointment: %v", err)
	}
}
