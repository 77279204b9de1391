package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/sync/scene"
)

// TestManagerSetsTheBookingPlan (#18 §3, §5): the hall's manager sets the
// slots and places in the console; a bad plan is refused with each problem
// in words and changes nothing; another hall's manager cannot; bookings
// then count on the dashboard, a missed one as a no-show once its slot
// and the grace have passed.
func TestManagerSetsTheBookingPlan(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		h := newHall(t, dsn)
		ctx := context.Background()
		m := h.browser(t)
		m.login("xixi")
		path := "/halls/" + scene.Hall + "/booking"
		if code, body := m.get(path); code != 200 || !strings.Contains(body, "本大厅目前不提供网上预约") {
			t.Fatalf("the booking page: %d", code)
		}
		form := url.Values{"slots": {"9:00-10:00 A=2\n10:00-11:00 A=1 Z=3\n10:30-10:00 A=1"}, "horizon": {"0"}, "early": {"30"}, "late": {"15"}, "grace": {"30"}}
		code, body := m.post(path, form)
		for _, want := range []string{"可预约天数须为 1–90 天", "业务类别 Z 不在事项目录中", "时段 10:30-10:00 须先开始后结束"} {
			if code != http.StatusBadRequest || !strings.Contains(body, want) {
				t.Errorf("a bad plan: %d; want 400 and %q", code, want)
			}
		}
		if code, body := m.post(path, url.Values{"slots": {"九点 A=2"}, "horizon": {"7"}, "early": {"30"}, "late": {"15"}, "grace": {"30"}}); code != http.StatusBadRequest ||
			!strings.Contains(body, "时段须写成 09:00-10:00") {
			t.Errorf("an unreadable line: %d", code)
		}
		if hs, _ := h.c.HallSetup(ctx, scene.Hall); hs.Booking.Offered() {
			t.Fatal("a refused plan was published")
		}
		form.Set("slots", "9:00-10:00 A=2\n10:00-11:00 A=1 B=3")
		form.Set("horizon", "7")
		if code, body := m.post(path, form); code != 200 || !strings.Contains(body, "预约设置已发布") || !strings.Contains(body, "09:00-10:00 A=2") {
			t.Fatalf("a good plan: %d", code)
		}
		hs, _ := h.c.HallSetup(ctx, scene.Hall)
		if !hs.Booking.Offered() || hs.Booking.Slots[1].Capacity["B"] != 3 || hs.Booking.GraceMinutes != 30 {
			t.Fatalf("published plan %+v", hs.Booking)
		}
		o := h.browser(t)
		o.login("other")
		if code, _ := o.post(path, form); code != http.StatusForbidden {
			t.Errorf("another hall's manager: %d; want 403", code)
		}

		// Tomorrow's bookings: the 09:00 one missed, the 10:00 one still in time.
		for i, slot := range []string{"09:00-10:00", "10:00-11:00"} {
			if _, err := h.c.Book(ctx, app.BookingRequest{Hall: scene.Hall, Item: "GA-003", Day: "2026-11-24", Slot: slot,
				Name: "张三", IDNumber: []string{"11010519491231002X", "330106198807150031"}[i], Mobile: "13800138000"}); err != nil {
				t.Fatal(err)
			}
		}
		h.clock.Set(time.Date(2026, 11, 24, 10, 45, 0, 0, app.HallZone)) // 09:00-10:00 ended, plus 30 min
		m = h.browser(t)
		m.login("xixi") // a day later: a new session
		_, body = m.get("/halls/" + scene.Hall + "?day=2026-11-24")
		if !strings.Contains(body, "预约 <b>2</b>") || !strings.Contains(body, "爽约 <b>1</b>") {
			t.Errorf("the dashboard's bookings:\n%s", body)
		}
	})
}
