package app

import (
	"context"
	"fmt"
	"time"
)

// Intake is what a clerk (or a kiosk, for self-service items) takes in.
type Intake struct {
	ItemCode  string
	Applicant Applicant
	Received  []int // indexes into the item's materials
	Window    int
	Ticket    string
	Actor     string // staff id, or "kiosk:<terminal>"
	// Outcome is the decision at intake: Submitted (only received; a kiosk's
	// self-service application), Accepted, SupplementRequested or Refused.
	Outcome CaseState
	Reason  string // why, for a refusal; optional note otherwise
}

// Validate checks an intake before anything is numbered or stored; now
// dates the applicant's ID number.
func (in Intake) Validate(now time.Time) error {
	var p Problems
	for _, why := range CheckApplicant(in.Applicant, now) {
		p.Add("applicant", why)
	}
	if in.Actor == "" {
		p.Add("actor", "who takes in the case must be named")
	}
	switch in.Outcome {
	case Submitted, Accepted, SupplementRequested, Refused:
	default:
		p.Add("outcome", fmt.Sprintf("%q is not an outcome at intake", in.Outcome))
	}
	return p.Err(ErrInvalidInput)
}

// Decision moves a case on.
type Decision struct {
	To       CaseState
	Actor    string
	Received []int  // materials received now; nil leaves the list as it is
	Note     string // the reason for a refusal or denial, or a remark
	Action   string // the timeline's word for the step; the new state's name when empty
}

// CaseWithLight is an open case and its supervision light at the time asked.
type CaseWithLight struct {
	Case
	Light Light
}

// OpenFollowUp is a follow-up not yet resolved, with whether it is late.
type OpenFollowUp struct {
	FollowUp
	Level  RatingLevel
	Window int
	Clerk  string
	Late   bool
}

// CaseRecords are a terminal's cases, ratings and follow-ups as the
// screens' use cases read and write them; the terminal's store is one.
type CaseRecords interface {
	Catalog(ctx context.Context) (*Catalog, error)
	Item(ctx context.Context, code string) (Item, error)
	Hall(ctx context.Context) (Hall, error)
	Calendar(ctx context.Context) (*Calendar, error)
	Settings(ctx context.Context) (Settings, error)

	// TakeIn numbers a new case and records it with its outcome at intake.
	TakeIn(ctx context.Context, in Intake) (Case, error)
	// Decide moves a case on; an illegal move changes nothing.
	Decide(ctx context.Context, number string, d Decision) (Case, error)
	// NoteCase adds a remark to a case's timeline without moving it.
	NoteCase(ctx context.Context, number, actor, action, note string) (CaseEvent, error)
	Case(ctx context.Context, number string) (Case, error)
	CasesByIDNumber(ctx context.Context, id IDNumber) ([]Case, error)
	Events(ctx context.Context, number string) ([]CaseEvent, error)
	// Verify checks the case's timeline against its hash chain.
	Verify(ctx context.Context, number string) error
	// OpenCases lists the open cases with their lights; window 0 is the whole hall's.
	OpenCases(ctx context.Context, window int) ([]CaseWithLight, error)

	Rate(ctx context.Context, r Rating) (Rating, *FollowUp, error)
	ResolveFollowUp(ctx context.Context, rating, actor, note string) error
	OpenFollowUps(ctx context.Context) ([]OpenFollowUp, error)
}
