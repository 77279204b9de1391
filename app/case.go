package app

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"onewindow/app/suite"
	"strings"
	"time"
)

// CaseState is where a case (办件) stands.
type CaseState string

// Case states.
const (
	Submitted           CaseState = "submitted"            // 已收件: received, not yet examined
	Accepted            CaseState = "accepted"             // 已受理: materials complete, the time limit runs
	SupplementRequested CaseState = "supplement_requested" // 一次性告知: the applicant must bring what is missing
	Refused             CaseState = "refused"              // 不予受理
	InReview            CaseState = "in_review"            // 审查中: with the deciding department(s)
	Approved            CaseState = "approved"             // 准予许可 / 办结
	Denied              CaseState = "denied"               // 不予许可
	ResultIssued        CaseState = "result_issued"        // 已出件: the result was handed out (统一出件)
	Closed              CaseState = "closed"               // 已归档
)

// CaseStates lists every state in the order a case usually passes them.
var CaseStates = []CaseState{Submitted, SupplementRequested, Accepted, InReview, Approved, Denied, Refused, ResultIssued, Closed}

// transitions are the only moves a case may make.
var transitions = map[CaseState][]CaseState{
	Submitted:           {Accepted, SupplementRequested, Refused},
	SupplementRequested: {Accepted, SupplementRequested, Refused},
	Accepted:            {InReview, Approved, Denied},
	InReview:            {Approved, Denied},
	Approved:            {ResultIssued},
	Denied:              {ResultIssued},
	ResultIssued:        {Closed},
	Refused:             {Closed},
}

// Valid reports whether s is a known state.
func (s CaseState) Valid() bool {
	_, ok := transitions[s]
	return ok || s == Closed
}

// CanMove reports whether a case in state from may move to state to.
func CanMove(from, to CaseState) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// CheckMove returns ErrIllegalTransition, with both states named, when the
// move is not allowed.
func CheckMove(from, to CaseState) error {
	if !CanMove(from, to) {
		return fmt.Errorf("%w: %s → %s", ErrIllegalTransition, from, to)
	}
	return nil
}

// Running reports whether the promised time limit is counting for a case in
// this state: after acceptance and until a decision.
func (s CaseState) Running() bool { return s == Accepted || s == InReview }

// Applicant is the citizen a case is for. Name, ID number and phone are
// personal data: encrypted at rest, masked wherever the full value is not needed.
type Applicant struct {
	Name     string
	IDNumber IDNumber   // the number of Document
	Document IDDocument // the identity document shown; empty: the resident ID card
	Phone    string
}

// Case is a case (办件). Intake fields are written by the accepting terminal,
// decision fields by central; the two groups never overlap.
type Case struct {
	Number    string
	ItemCode  string
	ItemName  Text
	Applicant Applicant
	Received  []int // indexes into the item's materials that the clerk ticked as received
	Missing   []int // required materials not received, as told in the 一次性告知书
	Reason    string
	State     CaseState
	Window    int
	Clerk     string
	Ticket    string
	Submitted time.Time
	Accepted  time.Time // zero until accepted
	Due       Date      // promised due date; empty until accepted
	Statutory Date      // statutory due date; empty until accepted
	Updated   time.Time
	// Purged is when the applicant's personal data was erased here, the
	// retention period after the case ended (Ended); zero while it is kept.
	// A purged case keeps everything else, and moves no more.
	Purged time.Time
	// Key is the key of the case's link to its progress page
	// (app.CaseLink), from its timeline's first link (ReceiptKey).
	Key string
}

// Ended reports whether a case in this state has ended for the purge of its
// personal data (issue 16 §1): filed (已归档) or refused at intake (不予受理).
// A result handed out (已出件) is not: the case is still to be filed, and
// a purged case moves no more.
func (s CaseState) Ended() bool { return s == Closed || s == Refused }

// EndedAt is when a case's timeline first reached a state that ends it, and
// whether it has.
func EndedAt(events []CaseEvent) (time.Time, bool) {
	for _, e := range events {
		if e.State.Ended() {
			return e.At, true
		}
	}
	return time.Time{}, false
}

// DefaultRetentionDays is how many days a case's personal data stays on a
// terminal and the hub after the case ended and central (for a terminal
// with a hub, the hub) holds all of it.
const DefaultRetentionDays = 30

// Light is the supervision light (电子监察) of a case.
type Light string

// Supervision lights.
const (
	NoLight Light = ""       // the time limit is not running
	Green   Light = "green"  // on time
	Yellow  Light = "yellow" // near its promised due date
	Red     Light = "red"    // past its promised due date
)

// LightOf derives a case's light at now: red once its due day has passed,
// yellow when warnDays or fewer working days remain, green otherwise.
func LightOf(c Case, now time.Time, cal *Calendar, warnDays int) Light {
	if !c.State.Running() || c.Due == "" {
		return NoLight
	}
	if DateOf(now) > c.Due {
		return Red
	}
	if cal.WorkingDaysUntil(now, c.Due) <= warnDays {
		return Yellow
	}
	return Green
}

// CaseEvent is one step of a case's timeline (全程留痕). Events are never
// changed; each carries the hash of the one before it, so an edited, removed
// or reordered step breaks the chain.
type CaseEvent struct {
	Case     string    `json:"case"`
	Seq      int       `json:"seq"`
	Actor    string    `json:"actor"` // staff id, "kiosk:<terminal>" or "central:<department>"
	Action   string    `json:"action"`
	State    CaseState `json:"state"` // the state after the event
	At       time.Time `json:"at"`
	Note     string    `json:"note,omitempty"`
	PrevHash string    `json:"prev_hash"` // hex; empty for the first event
	Hash     string    `json:"hash"`      // hex
}

// ComputeHash recomputes the event's hash under the suite its recorded
// Hash says made it (Intl for an event not yet hashed): the check of a
// chain link, whichever suite the hall used when it was made.
func (e CaseEvent) ComputeHash() string { return e.HashUnder(ChainSuite(e.Hash)) }

// HashUnder is the event's hash under suite s, over its fields and the
// previous hash: hex SHA-256 for Intl, "sm3:" and hex SM3 for GM. Every
// field is length-prefixed, so no two different events hash alike.
func (e CaseEvent) HashUnder(s suite.Name) string {
	h := s.Hash()()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(e.Case)
	field(fmt.Sprint(e.Seq))
	field(e.Actor)
	field(e.Action)
	field(string(e.State))
	field(e.At.UTC().Format(time.RFC3339Nano))
	field(e.Note)
	field(e.PrevHash)
	if s == suite.GM {
		return sm3Mark + hex.EncodeToString(h.Sum(nil))
	}
	return hex.EncodeToString(h.Sum(nil))
}

const sm3Mark = "sm3:"

// ChainSuite is the suite a chain link's hash says made it.
func ChainSuite(hash string) suite.Name {
	if strings.HasPrefix(hash, sm3Mark) {
		return suite.GM
	}
	return suite.Intl
}

// VerifyChain checks a case's events in stored order against the head hash
// and event count kept with the case. It names the first step that is wrong.
func VerifyChain(events []CaseEvent, headHash string, count int) error {
	prev := ""
	for i, e := range events {
		if e.Seq != i+1 {
			return fmt.Errorf("%w: step %d is missing or out of order (found step %d)", ErrChainBroken, i+1, e.Seq)
		}
		if e.PrevHash != prev {
			return fmt.Errorf("%w: step %d does not follow step %d", ErrChainBroken, e.Seq, i)
		}
		if e.ComputeHash() != e.Hash {
			return fmt.Errorf("%w: step %d (%s) was changed after it was recorded", ErrChainBroken, e.Seq, e.Action)
		}
		prev = e.Hash
	}
	if len(events) != count {
		return fmt.Errorf("%w: the case had %d steps, %d remain", ErrChainBroken, count, len(events))
	}
	if prev != headHash {
		return fmt.Errorf("%w: the last step is not the one recorded with the case", ErrChainBroken)
	}
	return nil
}
