package console_test

import (
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
)

// at is a time of the hall's day 2026-11-23, given in UTC as a store may
// give it: the figures go by the hall's hours.
func at(h, m, s int) time.Time { return time.Date(2026, 11, 23, h, m, s, 0, app.HallZone).UTC() }

func ticket(no, cat, state string, window int, issued, called, finished time.Time) console.TicketRow {
	return console.TicketRow{Ticket: no, Category: cat, Priority: "normal", State: state, Window: window,
		Issued: issued, Called: called, Finished: finished}
}

var none time.Time

// day is a hall's day with known figures: the comments give the wait in
// minutes and the window's work.
func day() console.HallDay {
	return console.HallDay{
		Hall: console.HallInfo{Code: "330106", Name: app.Text{Zh: "西溪", En: "Xixi"}},
		Day:  "2026-11-23",
		Tickets: []console.TicketRow{
			// Taken at 10: waits 10 20 30 40 50.
			ticket("C001", "C", "done", 1, at(10, 30, 0), at(10, 40, 0), at(11, 0, 0)),
			ticket("C002", "C", "done", 5, at(10, 0, 0), at(10, 20, 0), at(10, 35, 0)),
			ticket("C003", "C", "done", 5, at(10, 20, 0), at(10, 50, 0), at(11, 0, 0)),
			ticket("C004", "C", "done", 0, at(10, 10, 0), at(10, 50, 0), at(10, 55, 0)), // no window: not served
			ticket("C005", "C", "called", 6, at(10, 59, 0), at(11, 49, 0), none),
			// Taken at 8: wait 1; window 6 busy 10.
			ticket("H001", "H", "done", 6, at(8, 59, 30), at(9, 0, 30), at(9, 10, 30)),
			// Taken at 9: waits 4 1 6 2 5 3.
			ticket("A001", "A", "done", 1, at(9, 0, 0), at(9, 4, 0), at(9, 14, 0)),
			ticket("A002", "A", "done", 2, at(9, 0, 0), at(9, 1, 0), at(9, 6, 0)),
			ticket("A003", "A", "done", 2, at(9, 0, 0), at(9, 6, 0), at(9, 16, 0)),
			ticket("B001", "B", "serving", 3, at(9, 0, 0), at(9, 2, 0), none),
			ticket("A004", "A", "no_show", 2, at(9, 15, 0), at(9, 20, 0), at(9, 22, 0)),
			ticket("A005", "A", "done", 1, at(9, 27, 0), at(9, 30, 0), at(9, 50, 0)),
			// Taken at 11: wait 7.5.
			ticket("H002", "H", "serving", 6, at(11, 0, 0), at(11, 7, 30), none),
			// Waiting now. One was called at 8 and sent back to the queue:
			// its wait counts.
			ticket("D001", "D", "waiting", 0, at(7, 55, 0), at(8, 0, 30), none),
			ticket("B002", "B", "waiting", 0, at(11, 10, 0), none, none),
			ticket("A006", "A", "waiting", 0, at(11, 20, 0), none, none),
			ticket("B003", "B", "waiting", 0, at(11, 30, 0), none, none),
			ticket("C006", "C", "waiting", 0, at(11, 40, 0), none, none),
		},
		Ratings: []console.RatingRow{
			{ID: "r1", Level: app.VerySatisfied, Window: 1, Clerk: "S1001", Ticket: "A001", At: at(9, 15, 0)},
			{ID: "r2", Level: app.FairlySatisfied, Window: 1, Clerk: "S1001", Ticket: "A005", At: at(9, 51, 0)},
			{ID: "r3", Level: app.Dissatisfied, Window: 1, Clerk: "S1002", Ticket: "C001", At: at(11, 1, 0), Due: "2026-11-25"},
			{ID: "r4", Level: app.VeryDissatisfied, Window: 2, Clerk: "S1003", Ticket: "A003", At: at(9, 17, 0), Due: "2026-11-23"},
			{ID: "r5", Level: app.Satisfied, Window: 3, Clerk: "S1003", Ticket: "B001", At: at(9, 30, 0)},
			// Rated at a kiosk for a case: in the hall's figures, no window's.
			{ID: "r6", Level: app.FairlySatisfied, Case: "GA-1", At: at(10, 0, 0)},
		},
		FollowUps: []console.RatingRow{
			{ID: "r3", Level: app.Dissatisfied, Window: 1, Due: "2026-11-25"},
			{ID: "old", Level: app.VeryDissatisfied, Window: 2, Due: "2026-11-19"},
			{ID: "r4", Level: app.VeryDissatisfied, Window: 2, Due: "2026-11-23"},
			{ID: "done", Level: app.Dissatisfied, Window: 1, Due: "2026-11-20", Resolved: at(8, 0, 0)},
		},
		Cases: []console.ClerkCount{
			{Window: 1, Clerk: "S1001", Cases: 3},
			{Window: 2, Clerk: "S1003", Cases: 1},
			{Window: 3, Clerk: "S1001", Cases: 2},
			{Window: 5, Clerk: "S1004", Cases: 1},
			{Window: 0, Clerk: "", Cases: 2},
		},
	}
}

func TestSummarise(t *testing.T) {
	d := day()
	noon := time.Date(2026, 11, 23, 12, 0, 0, 0, app.HallZone)
	got := console.Summarise(d, noon)
	minute := time.Minute
	want := console.Dashboard{
		Hall: d.Hall,
		Day:  "2026-11-23",
		Waiting: []console.CategoryCount{
			{Category: "A", Count: 1}, {Category: "B", Count: 2}, {Category: "C", Count: 1}, {Category: "D", Count: 1},
		},
		Waits: []console.HourWaits{
			{Hour: 7, Count: 1, P50: 5.5, P90: 5.5},
			{Hour: 8, Count: 1, P50: 1, P90: 1},
			{Hour: 9, Count: 6, P50: 3, P90: 6},      // ranks ⌈3⌉ and ⌈5.4⌉ of 1 2 3 4 5 6
			{Hour: 10, Count: 5, P50: 30, P90: 50},   // ranks ⌈2.5⌉ and ⌈4.5⌉
			{Hour: 11, Count: 1, P50: 7.5, P90: 7.5}, // one wait is every quantile
		},
		Windows: []console.WindowFigures{
			// 9:04–11:00 open, 10+20+20 serving.
			{Window: 1, Served: 3, Busy: 50 * minute, Idle: 66 * minute, Ratings: 3, Satisfied: 2},
			// 9:01–9:16, serving throughout; the no-show is no service.
			{Window: 2, Served: 2, Busy: 15 * minute, Idle: 0, Ratings: 1, Satisfied: 0},
			// Serving still: nothing served, but rated.
			{Window: 3, Ratings: 1, Satisfied: 1},
			// 10:20–11:00 open, 15+10 serving.
			{Window: 5, Served: 2, Busy: 25 * minute, Idle: 15 * minute},
			{Window: 6, Served: 1, Busy: 10 * minute},
		},
		Clerks: []console.ClerkFigures{
			{Clerk: "S1001", Cases: 5, Ratings: 2, Satisfied: 2},
			{Clerk: "S1002", Ratings: 1},
			{Clerk: "S1003", Cases: 1, Ratings: 2, Satisfied: 1},
			{Clerk: "S1004", Cases: 1},
		},
		FollowUps: []console.RatingRow{d.FollowUps[1], d.FollowUps[3], d.FollowUps[2], d.FollowUps[0]},
		Overdue:   1,
		Tickets:   18,
		Served:    8,
		Ratings:   6,
		Satisfied: 4,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Summarise:\n got %+v\nwant %+v", got, want)
		for _, f := range []struct {
			name      string
			got, want any
		}{
			{"waiting", got.Waiting, want.Waiting}, {"waits", got.Waits, want.Waits}, {"windows", got.Windows, want.Windows},
			{"clerks", got.Clerks, want.Clerks}, {"follow-ups", got.FollowUps, want.FollowUps},
		} {
			if !reflect.DeepEqual(f.got, f.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", f.name, f.got, f.want)
			}
		}
	}
	if ids := []string{d.FollowUps[0].ID, d.FollowUps[1].ID}; !slices.Equal(ids, []string{"r3", "old"}) {
		t.Errorf("Summarise sorted its input's follow-ups: %v", ids)
	}
	if r := console.Rate(got.Satisfied, got.Ratings); math.Abs(r-200.0/3) > 1e-9 {
		t.Errorf("the hall's rate: %v; want 66.67", r)
	}
	if w := got.Windows[0]; console.Rate(w.Satisfied, w.Ratings) != 100*2.0/3 {
		t.Errorf("window 1's rate: %v", console.Rate(w.Satisfied, w.Ratings))
	}
}

// TestSummariseOverdueByTheHallsDate: a follow-up due on a day is late once
// that day is over in the hall, whatever the time in UTC.
func TestSummariseOverdueByTheHallsDate(t *testing.T) {
	d := day()
	for _, tc := range []struct {
		now  time.Time
		want int
	}{
		{time.Date(2026, 11, 23, 0, 0, 0, 0, app.HallZone), 1},
		{time.Date(2026, 11, 23, 23, 59, 59, 0, app.HallZone), 1},
		{time.Date(2026, 11, 24, 0, 30, 0, 0, app.HallZone), 2}, // 16:30 UTC on the 23rd
		{time.Date(2026, 11, 25, 23, 0, 0, 0, app.HallZone), 2},
		{time.Date(2026, 11, 26, 0, 0, 0, 0, app.HallZone), 3},
		{time.Date(2026, 11, 19, 12, 0, 0, 0, app.HallZone), 0},
	} {
		if got := console.Summarise(d, tc.now).Overdue; got != tc.want {
			t.Errorf("overdue at %v: %d; want %d", tc.now, got, tc.want)
		}
	}
}

func TestSummariseAnEmptyDay(t *testing.T) {
	h := console.HallInfo{Code: "330106", Name: app.Text{Zh: "西溪"}}
	got := console.Summarise(console.HallDay{Hall: h, Day: "2026-11-23"}, at(12, 0, 0))
	if want := (console.Dashboard{Hall: h, Day: "2026-11-23"}); !reflect.DeepEqual(got, want) {
		t.Fatalf("an empty day: %+v; want %+v", got, want)
	}
	if r := console.Rate(got.Satisfied, got.Ratings); r != 0 {
		t.Fatalf("the rate of no ratings: %v; want 0", r)
	}
}

// TestSummariseQuantilesByNearestRank: the p-quantile of n sorted waits is
// the ⌈p·n⌉-th.
func TestSummariseQuantilesByNearestRank(t *testing.T) {
	for n := 1; n <= 100; n++ {
		var tickets []console.TicketRow
		// Waits n, n-1 … 1 minutes, all taken at 9.
		for i := n; i >= 1; i-- {
			issued := at(9, 0, 0)
			tickets = append(tickets, ticket("A", "A", "done", 1, issued, issued.Add(time.Duration(i)*time.Minute),
				issued.Add(time.Duration(i+1)*time.Minute)))
		}
		w := console.Summarise(console.HallDay{Tickets: tickets}, at(12, 0, 0)).Waits
		p50, p90 := float64((n+1)/2), float64((9*n+9)/10) // ⌈n/2⌉, ⌈9n/10⌉
		if len(w) != 1 || w[0].Hour != 9 || w[0].Count != n || w[0].P50 != p50 || w[0].P90 != p90 {
			t.Errorf("%d waits 1…%d: %+v; want p50 %v, p90 %v", n, n, w, p50, p90)
		}
	}
}

func TestRate(t *testing.T) {
	for _, tc := range []struct {
		s, all int
		want   float64
	}{{0, 0, 0}, {0, 5, 0}, {5, 5, 100}, {1, 4, 25}, {3, 8, 37.5}} {
		if got := console.Rate(tc.s, tc.all); got != tc.want {
			t.Errorf("Rate(%d, %d) = %v; want %v", tc.s, tc.all, got, tc.want)
		}
	}
}

func TestRatingOverdue(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 30, 0, 0, app.HallZone)
	for _, tc := range []struct {
		name string
		r    console.RatingRow
		want bool
	}{
		{"no follow-up due", console.RatingRow{Level: app.Satisfied}, false},
		{"due yesterday in the hall", console.RatingRow{Due: "2026-11-23"}, true},
		{"due today", console.RatingRow{Due: "2026-11-24"}, false},
		{"due tomorrow", console.RatingRow{Due: "2026-11-25"}, false},
		{"late but resolved", console.RatingRow{Due: "2026-11-20", Resolved: at(8, 0, 0)}, false},
	} {
		if got := tc.r.Overdue(now); got != tc.want {
			t.Errorf("%s: Overdue = %v; want %v", tc.name, got, tc.want)
		}
	}
}
