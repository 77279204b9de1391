package app

import (
	"fmt"
	"sort"
	"time"
)

// Date is a calendar day in the hall's zone, written YYYY-MM-DD.
type Date string

// DateOf is the hall-local day of t.
func DateOf(t time.Time) Date { return Date(t.In(HallZone).Format(time.DateOnly)) }

// Time is midnight at the start of the day, hall time.
func (d Date) Time() (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, string(d), HallZone)
}

// DayKind says how an official notice changes a day.
type DayKind string

// Day kinds of the holiday calendar.
const (
	Holiday DayKind = "holiday" // a day off, even if it falls on a weekday (法定节假日 or 调休放假)
	Workday DayKind = "workday" // a weekend day worked in exchange (调休上班)
)

// CalendarDay is one day that differs from the plain Monday–Friday week.
type CalendarDay struct {
	Date Date    `json:"date"`
	Kind DayKind `json:"kind"`
	Name Text    `json:"name"`
}

// Calendar is the working-day calendar: Monday to Friday, less official
// holidays, plus weekend days worked in exchange (调休). Central publishes it.
type Calendar struct {
	days  map[Date]CalendarDay
	years map[int]bool // years the calendar has official notices for
}

// NewCalendar checks the days and builds a calendar from them.
func NewCalendar(days []CalendarDay) (*Calendar, error) {
	c := &Calendar{days: map[Date]CalendarDay{}, years: map[int]bool{}}
	var p Problems
	for i, d := range days {
		where := fmt.Sprintf("day %d (%s)", i+1, d.Date)
		t, err := d.Date.Time()
		if err != nil {
			p.Add(where+": date", "must be a real date written YYYY-MM-DD")
			continue
		}
		if _, dup := c.days[d.Date]; dup {
			p.Add(where+": date", "appears twice")
		}
		weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
		switch d.Kind {
		case Holiday:
		case Workday:
			if !weekend {
				p.Add(where+": kind", "a make-up working day (调休上班) must fall on a Saturday or Sunday")
			}
		default:
			p.Add(where+": kind", fmt.Sprintf("is %q; must be \"holiday\" or \"workday\"", d.Kind))
		}
		c.days[d.Date] = d
		c.years[t.Year()] = true
	}
	if err := p.Err(ErrInvalidInput); err != nil {
		return nil, fmt.Errorf("holiday calendar: %w", err)
	}
	return c, nil
}

// Days returns the calendar's special days in date order.
func (c *Calendar) Days() []CalendarDay {
	out := make([]CalendarDay, 0, len(c.days))
	for _, d := range c.days {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out
}

// Covers reports whether the calendar has the official notice for t's year.
// Outside such years only weekends count as days off, so due dates there may
// fall on a holiday that has not been announced yet.
func (c *Calendar) Covers(t time.Time) bool { return c.years[t.In(HallZone).Year()] }

// End is the last day the calendar's official notices cover: 31 December
// of its last year. It is empty for a calendar with no official notice.
func (c *Calendar) End() Date {
	last := 0
	for y := range c.years {
		last = max(last, y)
	}
	if last == 0 {
		return ""
	}
	return Date(fmt.Sprintf("%04d-12-31", last))
}

// CoversUntil reports whether every day from from's day to due lies in a
// year the calendar has the official notice for: when it does not, a due
// date counted over those days skipped weekends only.
func (c *Calendar) CoversUntil(from time.Time, due Date) bool {
	end, err := due.Time()
	if err != nil {
		return false
	}
	for y := from.In(HallZone).Year(); y <= end.Year(); y++ {
		if !c.years[y] {
			return false
		}
	}
	return true
}

// IsWorkingDay reports whether the hall works on t's day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	if d, ok := c.days[DateOf(t)]; ok {
		return d.Kind == Workday
	}
	wd := t.In(HallZone).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the day that is n working days after from's day, not
// counting from's day itself: a case accepted on Friday with a limit of one
// working day is due on Monday (counting starts the day after intake).
func (c *Calendar) AddWorkingDays(from time.Time, n int) Date {
	t := from.In(HallZone)
	t = time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, HallZone) // noon: far from any day boundary
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if c.IsWorkingDay(t) {
			n--
		}
	}
	return DateOf(t)
}

// WorkingDaysUntil counts the working days after from's day up to and
// including the day due; it is zero when due is today or has passed.
func (c *Calendar) WorkingDaysUntil(from time.Time, due Date) int {
	end, err := due.Time()
	if err != nil {
		return 0
	}
	t := from.In(HallZone)
	t = time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, HallZone)
	n := 0
	for t = t.AddDate(0, 0, 1); !t.After(end.Add(12 * time.Hour)); t = t.AddDate(0, 0, 1) {
		if c.IsWorkingDay(t) {
			n++
		}
	}
	return n
}
