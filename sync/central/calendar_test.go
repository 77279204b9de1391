package central_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/sync/scene"
	"onewindow/sync/wire"
)

// TestPublishNextYearsCalendar: central, holding 2026's calendar, publishes
// the next year's: the halls get a calendar covering both years, so a due
// date in 2027 skips 2027's holidays. Publishing a year again replaces
// that year's days only. (The 2027 days here are the test's own, not the
// official notice.)
func TestPublishNextYearsCalendar(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		c := scene.Central(t, dsn, app.NewManualClock(scene.Start))
		before, err := c.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		next := `[{"date": "2027-01-01", "kind": "holiday", "name": {"zh": "元旦", "en": "New Year's Day"}},
			{"date": "2027-01-04", "kind": "holiday", "name": {"zh": "测试假日", "en": "A test holiday"}}]`
		if _, err := c.PublishCalendar(ctx, []byte(next)); err != nil {
			t.Fatalf("publish 2027: %v", err)
		}
		cal := publishedCalendar(t, c, before)
		dec28 := time.Date(2026, 12, 28, 10, 0, 0, 0, app.HallZone)
		if cal.End() != "2027-12-31" || !cal.CoversUntil(dec28, "2027-01-11") {
			t.Fatalf("after publishing 2027 the halls' calendar ends %s; want 2026 and 2027 covered", cal.End())
		}
		if cal.IsWorkingDay(time.Date(2027, 1, 4, 10, 0, 0, 0, app.HallZone)) || cal.IsWorkingDay(time.Date(2026, 10, 1, 10, 0, 0, 0, app.HallZone)) {
			t.Error("the calendar lost a holiday: 2027-01-04 (just published) or 2026-10-01 (published before)")
		}
		// 2026 again, corrected to one day: 2027 stays.
		v2026, _ := c.Version(ctx)
		if _, err := c.PublishCalendar(ctx, []byte(`[{"date": "2026-10-01", "kind": "holiday", "name": {"zh": "国庆节"}}]`)); err != nil {
			t.Fatal(err)
		}
		cal = publishedCalendar(t, c, v2026)
		if got := len(cal.Days()); got != 3 || cal.End() != "2027-12-31" {
			t.Errorf("after republishing 2026 with one day: %d days ending %s; want 3 (one of 2026, two of 2027)", got, cal.End())
		}
		if _, err := c.PublishCalendar(ctx, []byte(`[]`)); err == nil {
			t.Error("an empty calendar file was published")
		}
	})
}

// publishedCalendar is the calendar a hall pulls after version since.
func publishedCalendar(t *testing.T, c interface {
	Changes(context.Context, string, int64, int) (wire.ChangesAnswer, error)
}, since int64) *app.Calendar {
	t.Helper()
	ans, err := c.Changes(context.Background(), scene.Hall, since, 0)
	if err != nil {
		t.Fatal(err)
	}
	var days []app.CalendarDay
	for _, ch := range ans.Changes {
		if ch.Kind == wire.ChangeCalendar {
			days = nil
			if err := json.Unmarshal(ch.Body, &days); err != nil {
				t.Fatal(err)
			}
		}
	}
	cal, err := app.NewCalendar(days)
	if err != nil {
		t.Fatalf("the published calendar: %v", err)
	}
	return cal
}
