package console

import (
	"time"

	"onewindow/app"
	"onewindow/app/health"
)

// CaseFilter narrows the running cases. Items is the set of items a
// department decides (a reviewer's worklist, or a supervisor's filter by
// department); Undecided drops those the department has given its
// opinion on already.
type CaseFilter struct {
	HallPrefix string   // "" every hall
	Halls      []string // when set, only these halls
	Items      []string // when set, only these items
	Undecided  string   // a department: only cases it has not given its opinion on
	Limit      int
}

// CaseRow is a case in a list: no personal data but the masked name.
type CaseRow struct {
	Number    string
	Hall      string
	ItemCode  string
	State     app.CaseState
	Accepted  time.Time
	Due       app.Date
	Applicant string // masked
	Light     app.Light
}

// Opinion is one department's opinion on a case.
type Opinion struct {
	Department string
	Approve    bool
	Reason     string
	At         time.Time
}

// CaseFile is everything the console shows of one case. Applicant holds
// the full values; the service masks them unless the reading is an audited
// reveal.
type CaseFile struct {
	CaseRow
	Applicant app.Applicant
	Received  []int
	Missing   []int
	Window    int
	Clerk     string
	Decision  app.CaseState // central's decision, "" while departments decide
	Opinions  []Opinion
	Events    []app.CaseEvent
}

// DayCount is how many cases were accepted and decided on a day.
type DayCount struct {
	Day      app.Date
	Accepted int
	Decided  int
}

// HallDay is what a hall did on one day: its tickets and its ratings.
type HallDay struct {
	Hall    HallInfo
	Day     app.Date
	Tickets []TicketRow
	Ratings []RatingRow
	// FollowUps are the hall's bad ratings still without a follow-up,
	// whatever their day.
	FollowUps []RatingRow
	Cases     []ClerkCount // cases taken in that day, per window and clerk
	Terminals []TerminalRow
	// Bookings are the hall's bookings of the day, Plan its booking plan
	// (booking.go).
	Bookings []app.Booking
	Plan     app.BookingPlan
}

// TerminalRow is one of a hall's terminals as central last heard of it.
type TerminalRow struct {
	ID, Role, Version  string
	LastSeen, LastSync time.Time
	Revoked            bool
	Health             *health.Report // nil before its first report
}

// Silent reports whether the terminal has not been heard from for five
// minutes or more at now (the WAN, or the terminal, is down).
func (t TerminalRow) Silent(now time.Time) bool { return now.Sub(t.LastSeen) >= 5*time.Minute }

// NotWell are the checks of its last report that warn or fail.
func (t TerminalRow) NotWell() []health.Check {
	if t.Health == nil {
		return nil
	}
	return t.Health.NotWell()
}

// TicketRow is a ticket's last known state: no name, no number of person.
type TicketRow struct {
	Ticket   string
	Category string
	Priority string
	State    string // waiting, called, serving, done, no_show …
	Window   int
	Clerk    string // who served it, where known
	Issued   time.Time
	Called   time.Time
	Finished time.Time
}

// RatingRow is one rating (好差评), comment left out.
type RatingRow struct {
	ID       string
	Hall     string
	Level    app.RatingLevel
	Window   int
	Clerk    string
	Ticket   string
	Case     string
	At       time.Time
	Due      app.Date // the follow-up's last day, for a bad one
	Resolved time.Time
}

// Overdue reports whether a bad rating's follow-up is late at now.
func (r RatingRow) Overdue(now time.Time) bool {
	return r.Due != "" && r.Resolved.IsZero() && app.DateOf(now) > r.Due
}

// ClerkCount is how many cases a clerk took in at a window.
type ClerkCount struct {
	Window int
	Clerk  string
	Cases  int
}
