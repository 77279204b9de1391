package console

import (
	"cmp"
	"math"
	"slices"
	"time"

	"onewindow/app"
)

// Dashboard is a hall's day in figures, for its manager.
type Dashboard struct {
	Hall      HallInfo
	Day       app.Date
	Waiting   []CategoryCount // waiting now, per category
	Waits     []HourWaits     // waits by the hour the ticket was taken
	Windows   []WindowFigures // served, busy and idle time, ratings
	Clerks    []ClerkFigures
	FollowUps []RatingRow // bad ratings without a follow-up, due first
	Overdue   int         // of FollowUps, past their due time
	Terminals []TerminalRow
	Tickets   int
	Served    int
	Ratings   int
	Satisfied int // ratings 满意 or better, and 基本满意
	// Bookings are the day's bookings and no-shows (booking.go).
	Bookings BookingCounts
}

// CategoryCount is how many tickets of a category wait.
type CategoryCount struct {
	Category string
	Count    int
}

// HourWaits are the waits of the tickets taken in an hour, in minutes.
type HourWaits struct {
	Hour     int
	Count    int
	P50, P90 float64
}

// WindowFigures are one window's day.
type WindowFigures struct {
	Window     int
	Served     int
	Busy, Idle time.Duration // serving, and open but not serving
	Ratings    int
	Satisfied  int
}

// ClerkFigures are one clerk's day.
type ClerkFigures struct {
	Clerk     string
	Served    int // tickets finished
	Cases     int
	Ratings   int
	Satisfied int
}

// Rate is satisfied out of all, as a percentage (满意率); 0 with none.
func Rate(satisfied, all int) float64 {
	if all == 0 {
		return 0
	}
	return 100 * float64(satisfied) / float64(all)
}

// satisfied counts 基本满意 and better, as the national 好差评 rate does.
func satisfied(l app.RatingLevel) bool { return l >= app.FairlySatisfied }

// Summarise turns a hall's day into its figures at now.
func Summarise(d HallDay, now time.Time) Dashboard {
	out := Dashboard{Hall: d.Hall, Day: d.Day, Tickets: len(d.Tickets), Terminals: d.Terminals,
		Bookings: CountBookings(d.Bookings, d.Plan, now)}
	waiting := map[string]int{}
	hours := map[int][]float64{}
	windows := map[int]*WindowFigures{}
	window := func(n int) *WindowFigures {
		if windows[n] == nil {
			windows[n] = &WindowFigures{Window: n}
		}
		return windows[n]
	}
	clerks := map[string]*ClerkFigures{}
	clerk := func(id string) *ClerkFigures {
		if clerks[id] == nil {
			clerks[id] = &ClerkFigures{Clerk: id}
		}
		return clerks[id]
	}
	first, last := map[int]time.Time{}, map[int]time.Time{}
	for _, t := range d.Tickets {
		if t.State == string(app.Waiting) {
			waiting[t.Category]++
		}
		if !t.Called.IsZero() {
			h := t.Issued.In(app.HallZone).Hour()
			hours[h] = append(hours[h], t.Called.Sub(t.Issued).Minutes())
		}
		if t.State == string(app.Done) && t.Window > 0 && !t.Called.IsZero() {
			w := window(t.Window)
			w.Served++
			out.Served++
			clerk(t.Clerk).Served++
			w.Busy += t.Finished.Sub(t.Called)
			if f, ok := first[t.Window]; !ok || t.Called.Before(f) {
				first[t.Window] = t.Called
			}
			last[t.Window] = later(last[t.Window], t.Finished)
		}
	}
	for n, w := range windows {
		if open := last[n].Sub(first[n]); open > w.Busy {
			w.Idle = open - w.Busy
		}
	}
	for c, n := range waiting {
		out.Waiting = append(out.Waiting, CategoryCount{c, n})
	}
	slices.SortFunc(out.Waiting, func(a, b CategoryCount) int { return cmp.Compare(a.Category, b.Category) })
	for h, waits := range hours {
		slices.Sort(waits)
		out.Waits = append(out.Waits, HourWaits{Hour: h, Count: len(waits), P50: quantile(waits, 0.5), P90: quantile(waits, 0.9)})
	}
	slices.SortFunc(out.Waits, func(a, b HourWaits) int { return a.Hour - b.Hour })

	for _, c := range d.Cases {
		clerk(c.Clerk).Cases += c.Cases
	}
	for _, r := range d.Ratings {
		out.Ratings++
		ok := satisfied(r.Level)
		if ok {
			out.Satisfied++
		}
		for _, f := range []*int{&window(r.Window).Ratings, &clerk(r.Clerk).Ratings} {
			*f++
		}
		if ok {
			window(r.Window).Satisfied++
			clerk(r.Clerk).Satisfied++
		}
	}
	for _, w := range windows {
		if w.Window > 0 {
			out.Windows = append(out.Windows, *w)
		}
	}
	slices.SortFunc(out.Windows, func(a, b WindowFigures) int { return a.Window - b.Window })
	for _, c := range clerks {
		if c.Clerk != "" {
			out.Clerks = append(out.Clerks, *c)
		}
	}
	slices.SortFunc(out.Clerks, func(a, b ClerkFigures) int { return cmp.Compare(a.Clerk, b.Clerk) })
	out.FollowUps = slices.Clone(d.FollowUps)
	slices.SortFunc(out.FollowUps, func(a, b RatingRow) int { return cmp.Compare(a.Due, b.Due) })
	for _, f := range out.FollowUps {
		if f.Overdue(now) {
			out.Overdue++
		}
	}
	return out
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// quantile of sorted values, by the nearest rank: the ⌈q·n⌉-th.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
