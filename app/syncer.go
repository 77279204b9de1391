package app

import (
	"context"
	"onewindow/app/suite"
	"time"
)

// SyncStatus is what a screen shows of a terminal's link to central
// (DESIGN.md §5 "Visible"): whether central answers, how much waits, when
// the last sync succeeded and what went wrong last.
type SyncStatus struct {
	Online      bool      // the last exchange with central succeeded
	Enrolled    bool      // the terminal holds credentials for central
	Pending     int       // operations waiting to be sent
	Rejected    int       // operations central refused, shown to staff
	LastSuccess time.Time // zero before the first successful sync
	LastError   string    // empty after a success; never personal data
	LastErrorAt time.Time
	// Draining is true while a backlog is being sent; Progress is then the
	// share of it sent so far, from 0 to 1.
	Draining bool
	Progress float64
}

// Syncer is the terminal's link to central as the screens see it.
type Syncer interface {
	Status() SyncStatus
	// SyncNow sends every waiting operation and fetches central's changes,
	// returning when done or when central cannot be reached.
	SyncNow(ctx context.Context) error
}

// CentralDecision is one department's opinion on a case (审批意见), made at
// central, and the state it leaves the case in: in review while other
// departments of a parallel approval (并联审批) have not spoken, approved or
// denied once they all have. Decision fields are central's field group;
// the hall records each opinion as a step of the case's own timeline, by
// "central:<department>", so that every department's opinion is kept.
type CentralDecision struct {
	Case       string    `json:"case"`
	State      CaseState `json:"state"`          // in_review, approved or denied
	Department string    `json:"department"`     // whose opinion this is
	Approve    bool      `json:"approve"`        // the department's own opinion
	Note       string    `json:"note,omitempty"` // the department's own reason
	At         time.Time `json:"at"`
}

// Opinion is the timeline's word for a department's opinion.
func (d CentralDecision) Opinion() string {
	if d.Approve {
		return ActionApprove
	}
	return ActionDeny
}

// The actions of central's steps in a case's timeline: each department's
// opinion. (Older timelines name the state the step moved to instead.)
const (
	ActionApprove = "approve"
	ActionDeny    = "deny"
)

// CentralChange is one change central published for this hall: exactly one
// of its fields is set.
type CentralChange struct {
	Catalog  *Catalog
	Hall     *Hall
	Calendar []CalendarDay // with HasCalendar: an empty list is a calendar too
	Decision *CentralDecision
	Booking  *Booking // taken, cancelled or checked in (the hub's only)

	HasCalendar bool
}

// PulledChanges are central's changes after the cursor From, up to the
// cursor To. A Reset is a full resync: From is not checked. A catalogue no
// newer than the one held is kept, not refused: the terminal may have been
// installed with it.
type PulledChanges struct {
	From, To int64
	Reset    bool
	Changes  []CentralChange
	Suite    suite.Name // central's crypto suite; empty from an older central
}

// ApplyResult says what applying central's changes did.
type ApplyResult struct {
	Catalog, Hall, Calendar bool // which were replaced
	Decisions               int  // decisions recorded on cases
	Bookings                int  // bookings taken in or updated
	Skipped                 int  // decisions that did not fit the case here
}
