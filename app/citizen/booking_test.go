package citizen

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"onewindow/app"
)

// TestBookingProblem: each refusal a booking page can meet is named, so
// that the page says it in words; an error of the store is not.
func TestBookingProblem(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, app.HallZone)
	plan := app.BookingPlan{Slots: []app.BookingSlot{{Start: "10:00", End: "11:00", Capacity: map[string]int{"A": 1}}}, HorizonDays: 7}
	cat := &app.Catalog{Items: []app.Item{{Code: "GA-003", Category: "A"}}}
	check := func(r app.BookingRequest) error { _, err := r.Check(plan, cat, nil, now); return err }
	good := app.BookingRequest{Item: "GA-003", Day: "2026-11-24", Slot: "10:00-11:00", Name: "张三", IDNumber: "11010519491231002X", Mobile: "13800138000"}
	bad := func(edit func(*app.BookingRequest)) error { r := good; edit(&r); return check(r) }
	for _, c := range []struct {
		err  error
		want []string
	}{
		{bad(func(r *app.BookingRequest) { r.IDNumber = "110105194912310021" }), []string{"id_number.check"}},
		{bad(func(r *app.BookingRequest) { r.IDNumber = "11010519491231" }), []string{"id_number.form"}},
		{bad(func(r *app.BookingRequest) { r.Name, r.IDNumber = "<b>", "110105194912310021" }), []string{"name", "id_number.check"}},
		{bad(func(r *app.BookingRequest) { r.Mobile = "12" }), []string{"mobile"}},
		{bad(func(r *app.BookingRequest) { r.Day = "2026-12-24" }), []string{"closed"}},
		{fmt.Errorf("book: %w", app.ErrBookingFull), []string{"full"}},
		{fmt.Errorf("book: %w", app.ErrBookingTwice), []string{"twice"}},
		{fmt.Errorf("x: %w", app.ErrNotFound), []string{"not_found"}},
		{errors.New("the disk is full"), nil},
	} {
		if got := BookingProblem(c.err); !slices.Equal(got, c.want) {
			t.Errorf("%v: %q; want %q", c.err, got, c.want)
		}
	}
}
