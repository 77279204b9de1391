package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"onewindow/app/suite"
	"time"
)

// Outbox is what a terminal's link to central needs of its store: the
// enrolment, the outbox it pushes and the answers it records, the cursor of
// central's changes and the changes it pulls. app/store implements it;
// sync/link takes it, so that link never reaches into the store for more.
type Outbox interface {
	SyncCredentials(ctx context.Context) (SyncCredentials, error)
	SaveSyncCredentials(ctx context.Context, c SyncCredentials) error

	OutboxCounts(ctx context.Context) (OutboxCounts, error)
	// PendingOperationsAfter is the next batch of waiting operations, after
	// the sequence after, at most limit of them.
	PendingOperationsAfter(ctx context.Context, after int64, limit int) ([]Operation, error)
	// AcknowledgeOperations records central's answer to a push in one
	// transaction: the refusals, and every other waiting operation from
	// from up to upTo as sent.
	AcknowledgeOperations(ctx context.Context, from, upTo int64, rejected []Rejection) error
	// ResendFrom queues again every operation from seq on (central was
	// restored from a backup) and says how many.
	ResendFrom(ctx context.Context, seq int64) (int, error)

	SyncCursor(ctx context.Context) (int64, error)
	// ApplyCentralChanges applies central's changes and stores the new
	// cursor in one transaction.
	ApplyCentralChanges(ctx context.Context, p PulledChanges) (ApplyResult, error)
	// Suite is the crypto suite the terminal records under: the one
	// central named last (at enrolment or in a pull).
	Suite() suite.Name
}

// OutboxCounts is how many operations wait for central and how many it refused.
type OutboxCounts struct {
	Pending  int
	Rejected int
}

// Rejection is central's refusal of one operation.
type Rejection struct {
	Seq    int64
	Reason string
}

// SyncCredentials are what a terminal received when it was enrolled with
// central: who it is, its secret, and the CA it pins.
type SyncCredentials struct {
	Central  string // base URL of central
	Terminal string
	Hall     string
	Secret   string
	CAPEM    []byte // the central CA; empty for plain HTTP on a test bench
	Enrolled time.Time
	// Suite is the crypto suite central named at enrolment or since; the
	// terminal seals and chains what it records under it.
	Suite suite.Name

	// What central holds already under this terminal code, when saving an
	// enrolment (central's enrolment answer says): the last operation and
	// the highest case sequence. A database that has never had an
	// operation taken by central (a wiped or replaced terminal enrolled
	// again) numbers its outbox on after Held and its cases after
	// LastCase. They are not stored and read back as zero.
	Held, LastCase int64
}

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
	// OpStaffPassword is a clerk's own new password (its hash), which the
	// hall's other windows and central take over an older one.
	OpStaffPassword = "staff_password"
)

// CasePayload is an OpCase operation's payload, as the terminal writes it
// and central reads it: the case's intake field group (the accepting
// terminal's) and the events appended in the same transaction.
type CasePayload struct {
	Number    string      `json:"number"`
	Item      string      `json:"item"`
	Name      string      `json:"applicant_name"`
	IDNumber  string      `json:"applicant_id"`
	Document  IDDocument  `json:"applicant_document,omitempty"` // empty: the resident ID card
	Phone     string      `json:"applicant_phone,omitempty"`
	Received  []int       `json:"received"`
	Missing   []int       `json:"missing,omitempty"`
	Reason    string      `json:"reason,omitempty"`
	State     CaseState   `json:"state"`
	Window    int         `json:"window,omitempty"`
	Clerk     string      `json:"clerk"`
	Ticket    string      `json:"ticket,omitempty"`
	Submitted time.Time   `json:"submitted_at"`
	Accepted  *time.Time  `json:"accepted_at,omitempty"`
	Due       Date        `json:"due,omitempty"`
	Statutory Date        `json:"statutory_due,omitempty"`
	Events    []CaseEvent `json:"events"`
}

// NewCasePayload is c's intake field group with the events just appended.
func NewCasePayload(c Case, events []CaseEvent) CasePayload {
	w := CasePayload{
		Number: c.Number, Item: c.ItemCode, Name: c.Applicant.Name, IDNumber: string(c.Applicant.IDNumber),
		Document: c.Applicant.Document, Phone: c.Applicant.Phone, Received: c.Received, Missing: c.Missing, Reason: c.Reason, State: c.State,
		Window: c.Window, Clerk: c.Clerk, Ticket: c.Ticket, Submitted: c.Submitted.UTC(),
		Due: c.Due, Statutory: c.Statutory, Events: events,
	}
	if !c.Accepted.IsZero() {
		t := c.Accepted.UTC()
		w.Accepted = &t
	}
	return w
}

// RatingPayload is an OpRating operation's payload: the rating, and the
// follow-up it opened if it was a bad one.
type RatingPayload struct {
	Rating   Rating    `json:"rating"`
	FollowUp *FollowUp `json:"follow_up,omitempty"`
}

// FollowUpPayload is an OpFollowUp operation's payload: how a bad rating
// was followed up and rectified.
type FollowUpPayload struct {
	Rating   string    `json:"rating"`
	Actor    string    `json:"actor"`
	Note     string    `json:"note"`
	Resolved time.Time `json:"resolved_at"`
}

// NewID makes a unique id without coordination, 128 random bits in hex:
// the id of one request to the hub, of an outbox operation, of a rating.
// Keep a request's id until it is known to have happened: a retry with it
// cannot act twice.
func NewID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails: crypto/rand crashes the program instead
	return hex.EncodeToString(b)
}
