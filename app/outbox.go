package app

import "time"

// Operation is one change central must learn, taken from a terminal's
// outbox. Seq orders a terminal's operations without gaps in what it sends;
// ID is unique across every terminal, so central can apply it once only.
type Operation struct {
	Seq      int64
	ID       string
	Terminal string
	Kind     string // what changed: "case", "rating", "follow_up", …
	Entity   string // the key of what changed: a case number, a rating id
	Payload  []byte // JSON
	Created  time.Time
}

// Operation kinds written by the records in this package's store.
const (
	OpCase     = "case"      // a case's intake fields and the events appended with them
	OpRating   = "rating"    // a rating, with its follow-up if it opened one
	OpFollowUp = "follow_up" // a follow-up resolved
)
