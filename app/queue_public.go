package app

import (
	"fmt"
	"time"
)

// QueueSnapshot is the hall's queue as its hub sends it to central for the
// citizens' pages (issue 18): how far along each category is, and the
// tickets whose state changed since the snapshot central last took. It
// carries no name, masked or not, and no keyed hash: numbers, states and
// windows only.
type QueueSnapshot struct {
	Day        Date               `json:"day"`
	At         time.Time          `json:"at"`             // the hub's clock when it read the queue
	Near       int                `json:"near"`           // 即将叫到您 within this many places (QueueRules.NearCall)
	Categories []SnapshotCategory `json:"categories"`     // every category of the hall's queue
	Tickets    []PublicTicket     `json:"tickets"`        // changed since the last snapshot taken
	Full       bool               `json:"full,omitempty"` // Tickets holds every ticket of Day
}

// SnapshotCategory is one category's line: who waits, in the order they
// will be called, with how many are ahead of each, and the pace.
type SnapshotCategory struct {
	Prefix  string          `json:"prefix"`
	Per     time.Duration   `json:"per_ns"` // about one service, from the day's last ten
	Open    int             `json:"open"`   // windows open for it
	Waiting []WaitingTicket `json:"waiting"`
}

// WaitingTicket is one waiting ticket's place.
type WaitingTicket struct {
	Code  string `json:"c"`
	Ahead int    `json:"a"`
}

// PublicTicket is what the citizens' pages know of one ticket.
type PublicTicket struct {
	Code     string      `json:"c"`
	Category string      `json:"g"`
	State    TicketState `json:"s"`
	Window   int         `json:"w,omitempty"`
	Priority Priority    `json:"p,omitempty"`
}

// Limits of a queue snapshot: a hall's day of numbers and categories with
// room to spare.
const (
	MaxSnapshotTickets    = 20000
	MaxSnapshotCategories = 200
)

// Validate checks a snapshot as central receives it.
func (s QueueSnapshot) Validate() error {
	var p Problems
	if _, err := s.Day.Time(); err != nil {
		p.Add("day", "is not a date")
	}
	if s.At.IsZero() {
		p.Add("at", "is missing")
	}
	if s.Near < 0 || s.Near > 100 {
		p.Add("near", "must be 0 to 100")
	}
	if len(s.Categories) > MaxSnapshotCategories {
		p.Add("categories", fmt.Sprintf("more than %d", MaxSnapshotCategories))
	}
	if len(s.Tickets) > MaxSnapshotTickets {
		p.Add("tickets", fmt.Sprintf("more than %d", MaxSnapshotTickets))
	}
	waiting := 0
	for i, c := range s.Categories {
		if c.Prefix == "" || len(c.Prefix) > 8 {
			p.Add(fmt.Sprintf("categories[%d].prefix", i), "must be 1 to 8 characters")
		}
		if c.Per < 0 || c.Open < 0 {
			p.Add(fmt.Sprintf("categories[%d]", i), "has a negative pace")
		}
		waiting += len(c.Waiting)
		for j, w := range c.Waiting {
			if !ticketCodeLike(w.Code) || w.Ahead < 0 {
				p.Add(fmt.Sprintf("categories[%d].waiting[%d]", i, j), "is not a ticket number and its place")
			}
		}
	}
	if waiting > MaxSnapshotTickets {
		p.Add("categories", fmt.Sprintf("more than %d waiting", MaxSnapshotTickets))
	}
	for i, t := range s.Tickets {
		if !ticketCodeLike(t.Code) || t.Category == "" || !t.State.Valid() || t.Window < 0 {
			p.Add(fmt.Sprintf("tickets[%d]", i), "is not a ticket's number, category, state and window")
		}
	}
	return p.Err(ErrInvalidInput)
}

// ticketCodeLike matches the numbers the queue gives out: a category's
// prefix and at least three digits (A001).
func ticketCodeLike(s string) bool {
	if len(s) < 4 || len(s) > 16 {
		return false
	}
	digits := 0
	for i := len(s) - 1; i >= 0 && s[i] >= '0' && s[i] <= '9'; i-- {
		digits++
	}
	return digits >= 3 && digits < len(s)
}

// StaleAfter is how long the citizens' pages trust a hall's last snapshot.
// A hub online sends one at least every SnapshotHeartbeat, changed or not.
const (
	SnapshotHeartbeat = 20 * time.Second
	StaleAfter        = 3 * SnapshotHeartbeat
	SnapshotEvery     = 2 * time.Second // at most one snapshot this often
)
