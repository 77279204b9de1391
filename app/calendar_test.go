package app

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"onewindow/assets"
)

func calendar2026(t *testing.T) *Calendar {
	t.Helper()
	var days []CalendarDay
	if err := json.Unmarshal(assets.Calendar2026, &days); err != nil {
		t.Fatal(err)
	}
	cal, err := NewCalendar(days)
	if err != nil {
		t.Fatalf("the shipped 2026 calendar is refused: %v", err)
	}
	return cal
}

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, HallZone)
	if err != nil {
		panic(err)
	}
	return t.Add(10 * time.Hour)
}

func TestIsWorkingDay(t *testing.T) {
	cal := calendar2026(t)
	tests := []struct {
		date string
		want bool
	}{
		{"2026-11-23", true},  // Monday
		{"2026-11-28", false}, // Saturday
		{"2026-10-01", false}, // National Day, a Thursday
		{"2026-10-10", true},  // Saturday worked in exchange
		{"2026-09-20", true},  // Sunday worked in exchange
		{"2026-02-16", false}, // Spring Festival, a Monday
		{"2026-02-14", true},  // Saturday worked in exchange
		{"2026-01-04", true},  // Sunday worked in exchange
	}
	for _, tt := range tests {
		if got := cal.IsWorkingDay(day(tt.date)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := calendar2026(t)
	tests := []struct {
		from string
		n    int
		want Date
	}{
		{"2026-11-23", 1, "2026-11-24"},  // Monday + 1
		{"2026-11-27", 1, "2026-11-30"},  // Friday + 1 is Monday
		{"2026-11-28", 1, "2026-11-30"},  // accepted on a Saturday
		{"2026-11-23", 5, "2026-11-30"},  // a week
		{"2026-09-30", 1, "2026-10-08"},  // over National Day
		{"2026-09-30", 2, "2026-10-09"},  //
		{"2026-09-30", 3, "2026-10-10"},  // the make-up Saturday counts
		{"2026-09-18", 1, "2026-09-20"},  // Friday + 1 is the make-up Sunday
		{"2026-02-13", 1, "2026-02-14"},  // Friday before Spring Festival
		{"2026-02-14", 1, "2026-02-24"},  // over the festival
		{"2026-02-14", 20, "2026-03-20"}, // with the make-up Saturday 28 Feb
		{"2026-11-23", 0, "2026-11-23"},
	}
	for _, tt := range tests {
		if got := cal.AddWorkingDays(day(tt.from), tt.n); got != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestWorkingDaysUntil(t *testing.T) {
	cal := calendar2026(t)
	tests := []struct {
		from string
		due  Date
		want int
	}{
		{"2026-11-23", "2026-11-30", 5},
		{"2026-11-23", "2026-11-24", 1},
		{"2026-11-23", "2026-11-23", 0},
		{"2026-11-23", "2026-11-20", 0},
		{"2026-09-30", "2026-10-10", 3},
	}
	for _, tt := range tests {
		if got := cal.WorkingDaysUntil(day(tt.from), tt.due); got != tt.want {
			t.Errorf("WorkingDaysUntil(%s, %s) = %d, want %d", tt.from, tt.due, got, tt.want)
		}
	}
}

func TestCalendarCovers(t *testing.T) {
	cal := calendar2026(t)
	if !cal.Covers(day("2026-06-01")) || cal.Covers(day("2027-06-01")) {
		t.Error("the 2026 calendar should cover 2026 and only 2026")
	}
}

func TestNewCalendarRefusesBadDays(t *testing.T) {
	tests := []struct {
		days []CalendarDay
		want string
	}{
		{[]CalendarDay{{Date: "2026-13-01", Kind: Holiday}}, "day 1 (2026-13-01): date: must be a real date"},
		{[]CalendarDay{{Date: "2026-11-23", Kind: Workday}}, "must fall on a Saturday or Sunday"},
		{[]CalendarDay{{Date: "2026-11-23", Kind: "off"}}, `kind: is "off"`},
		{[]CalendarDay{{Date: "2026-10-01", Kind: Holiday}, {Date: "2026-10-01", Kind: Holiday}}, "day 2 (2026-10-01): date: appears twice"},
	}
	for _, tt := range tests {
		_, err := NewCalendar(tt.days)
		if !errors.Is(err, ErrInvalidInput) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewCalendar(%v) error = %v; want one saying %q", tt.days, err, tt.want)
		}
	}
}

func TestCalendarEnd(t *testing.T) {
	cal := calendar2026(t)
	if got := cal.End(); got != "2026-12-31" {
		t.Errorf("the 2026 calendar ends %q, want 2026-12-31", got)
	}
	if !cal.CoversUntil(day("2026-11-23"), "2026-12-31") || cal.CoversUntil(day("2026-12-28"), "2027-01-11") ||
		cal.CoversUntil(day("2025-12-30"), "2026-01-09") || cal.CoversUntil(day("2026-11-23"), "not a date") {
		t.Error("CoversUntil: want true only when every year from the day to the due date has its notice")
	}
	empty, _ := NewCalendar(nil)
	if empty.End() != "" || empty.CoversUntil(day("2026-11-23"), "2026-11-24") {
		t.Error("a calendar without notices ends nowhere and covers nothing")
	}
}
