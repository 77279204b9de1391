package app

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// OpTicket is the outbox kind of a ticket's change; its payload is the
// QueueEvent. Central keeps the hall's queue statistics from it.
const OpTicket = "ticket"

// IssueRequest asks for a new queue number. It carries no personal data:
// the kiosk sends whether the holder is elderly by the hall's rule (decided
// at the kiosk, QueueRules.PriorityFor: not the age, which would give the
// birth year), the masked name, and a hash of the ID number keyed with the
// kiosk key, which the hub never holds (WhoKey).
type IssueRequest struct {
	RequestID string // the same id again returns the ticket first issued for it
	Category  string
	Claim     Priority // disability, as the kiosk confirmed (an appointment comes with a booking: BookingDesk)
	Elderly   bool     // the card read is of someone of the hall's elderly age or more
	Who       string   // the masked name, 张*
	WhoKey    string   // WhoKey of the ID number under the kiosk key
}

// Priority is the new ticket's: what the citizen claims, else elderly when
// the kiosk found the holder elderly.
func (r IssueRequest) Priority() Priority {
	if r.Claim == NoPriority && r.Elderly {
		return Elderly
	}
	return r.Claim
}

// Validate checks a request before anything is issued.
func (r IssueRequest) Validate() error {
	var p Problems
	switch r.Claim {
	case NoPriority, Disability:
	case Appointment:
		p.Add("priority", "an appointment's priority comes only with a booking checked in at the hub (BookingDesk.CheckInBooking), not with a plain number")
	default:
		p.Add("priority", fmt.Sprintf("%q is not a priority a citizen can claim", r.Claim))
	}
	if r.Who != "" && !IsMaskedName(r.Who) {
		p.Add("who", "send the masked name only, as MaskName makes it (张*, 欧*锋): no digits, every character but the first and last starred")
	}
	if r.WhoKey != "" && !ValidWhoKey(r.WhoKey) {
		p.Add("who_key", "must be 64 hexadecimal characters (after sm3: under 国密)")
	}
	return p.Err(ErrInvalidInput)
}

// ValidWhoKey reports whether s has the form of a WhoKey (or a
// BookingIDKey): 64 hexadecimal characters, after "sm3:" under GM.
func ValidWhoKey(s string) bool {
	b, err := hex.DecodeString(strings.TrimPrefix(s, sm3Mark))
	return err == nil && len(b) == 32
}

// QueueEvent is one change of the queue, in the order the hub made them.
// Its JSON is how the hub keeps it, streams it to listeners, and sends a
// ticket's changes to central (OpTicket).
type QueueEvent struct {
	Seq    int64          `json:"seq"`
	At     time.Time      `json:"at"`
	Kind   QueueEventKind `json:"kind"`
	Ticket Ticket         `json:"ticket,omitzero"`
	Window int            `json:"window,omitempty"`
	Reason string         `json:"reason,omitempty"`
}

// WindowStatus is what a window terminal shows of its own queue.
type WindowStatus struct {
	Window      int
	Categories  []string
	Paused      bool
	PauseReason string
	Current     *Ticket
	Waiting     int    // tickets this window could call now
	Clerk       string // the staff id logged in at the window, as it told the hub
}

// CategoryStatus is the waiting line of one category.
type CategoryStatus struct {
	Prefix  string
	Name    Text
	Waiting int
	Wait    time.Duration // estimated for someone taking a number now
	Issued  int           // numbers given out today
	Limit   int
	Closes  string
	Open    bool // still issuing numbers now
}

// QueueStatus is the hall's queue at a glance: the hall screen and the kiosk.
type QueueStatus struct {
	Categories []CategoryStatus
	Calls      []QueueEvent // the latest calls and recalls, newest first
}

// QueueStore keeps the hall's queue: the hub's store. Every change takes a
// request id; the same id again returns the first answer and changes
// nothing, so a terminal may retry a request whose answer it lost.
type QueueStore interface {
	Issue(ctx context.Context, r IssueRequest) (Ticket, error)
	Requeue(ctx context.Context, requestID, ticketID, whoKey, whoKeyAlt string) (Ticket, error)
	CallNext(ctx context.Context, requestID string, window int) (Ticket, error)
	Recall(ctx context.Context, requestID string, window int) (Ticket, error)
	Skip(ctx context.Context, requestID string, window int) (Ticket, error)
	StartServing(ctx context.Context, requestID string, window int) (Ticket, error)
	Finish(ctx context.Context, requestID string, window int) (Ticket, error)
	Transfer(ctx context.Context, requestID string, window int, toCategory string, toWindow int) (Ticket, error)
	Pause(ctx context.Context, requestID string, window int, reason string) error
	Resume(ctx context.Context, requestID string, window int) error
	// SetClerk records who is logged in at a window (empty: nobody); the
	// tickets it moves from then on carry the clerk, for their ratings.
	SetClerk(ctx context.Context, window int, clerk string) error

	Window(ctx context.Context, window int) (WindowStatus, error)
	Queue(ctx context.Context, lastCalls int) (QueueStatus, error)
	// QueueEvents are the changes after seq, oldest first.
	QueueEvents(ctx context.Context, after int64, limit int) ([]QueueEvent, error)
	// ForgetQueue deletes carried-out requests and events older than keep.
	ForgetQueue(ctx context.Context, keep time.Duration) (requests, events int64, err error)
}
