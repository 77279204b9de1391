package app

import (
	"encoding/hex"
	"errors"
	"fmt"
	"onewindow/app/suite"
	"time"
)

// Queue errors. Each is wrapped with the category, window or ticket concerned.
var (
	ErrCategoryFull   = errors.New("no more numbers today: the category has reached its daily limit")
	ErrCategoryClosed = errors.New("the category has closed for today")
	ErrNoneWaiting    = errors.New("nobody is waiting")
	ErrWindowPaused   = errors.New("the window is paused")
	ErrWindowBusy     = errors.New("the window still has a called ticket")
	ErrNoTicket       = errors.New("the window has no current ticket")
	ErrNotRequeueable = errors.New("the ticket cannot be queued again")
	ErrRequestReused  = errors.New("the request id was used for another action")
)

// Priority is why a ticket is called before others.
type Priority string

// Priorities.
const (
	NoPriority  Priority = ""
	Elderly     Priority = "elderly"     // 老年人: age from the ID card's birth date
	Disability  Priority = "disability"  // 残疾人
	Appointment Priority = "appointment" // 预约: checked in for a booked time
)

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool {
	switch p {
	case NoPriority, Elderly, Disability, Appointment:
		return true
	}
	return false
}

// Mark is what a priority ticket says on paper, so the citizen and the
// clerk see why it is called first; empty for an ordinary ticket.
func (p Priority) Mark() string {
	switch p {
	case Elderly:
		return "老年人优先"
	case Disability:
		return "残疾人优先"
	case Appointment:
		return "预约"
	}
	return ""
}

// TicketState is where a ticket stands.
type TicketState string

// Ticket states. A transfer puts a ticket back to waiting in its new place.
const (
	Waiting TicketState = "waiting"
	Called  TicketState = "called"
	Serving TicketState = "serving"
	Done    TicketState = "done"
	NoShow  TicketState = "no_show"
)

// Valid reports whether s is a ticket state.
func (s TicketState) Valid() bool {
	switch s {
	case Waiting, Called, Serving, Done, NoShow:
		return true
	}
	return false
}

// Ticket is a queue number (排队号) of one hall-day.
type Ticket struct {
	ID           string      `json:"id"` // hall day and code: 2026-11-23/A001
	Day          Date        `json:"day"`
	Category     string      `json:"category"`
	Seq          int         `json:"seq"`
	Code         string      `json:"code"` // A001
	Priority     Priority    `json:"priority,omitempty"`
	WhoMasked    string      `json:"who,omitempty"` // 张*; empty for anonymous tickets and in lists of waiting citizens
	Issued       time.Time   `json:"issued_at"`
	Called       time.Time   `json:"called_at,omitzero"`
	Served       time.Time   `json:"served_at,omitzero"`
	Finished     time.Time   `json:"finished_at,omitzero"`
	Window       int         `json:"window,omitempty"`
	TargetWindow int         `json:"target_window,omitempty"`
	Recalls      int         `json:"recalls,omitempty"`
	Requeued     bool        `json:"requeued,omitempty"`
	State        TicketState `json:"state"`
	// Clerk served it: the staff id logged in at its window when it was
	// served or finished (not set on a call).
	Clerk string `json:"clerk,omitempty"`
	// Ahead and Wait are told to the citizen when the ticket is issued.
	Ahead int           `json:"ahead"`
	Wait  time.Duration `json:"wait_ns"`
	// Key is the key of the ticket's link (TicketLink) that the hub gives
	// with a ticket it issues; empty from a hub not enrolled with central.
	Key string `json:"key,omitempty"`
}

// QueueRules are the hall's queue settings.
type QueueRules struct {
	ElderlyAge  int // a citizen this old or older gets an elderly priority ticket
	PriorityCap int // at most this many priority calls in a row at one window
	MaxRecalls  int // recalls after the first call; one more makes the ticket a no-show
	NearCall    int // a citizen's phone says 即将叫到您 with this many or fewer ahead
}

// DefaultQueueRules are used until the hall sets others.
var DefaultQueueRules = QueueRules{ElderlyAge: 65, PriorityCap: 3, MaxRecalls: 2, NearCall: 3}

// PriorityFor decides a new ticket's priority: what the citizen claims
// (disability, an appointment), else elderly when the age read off the ID
// card is the hall's elderly age or more. age is 0 when no card was read.
func (r QueueRules) PriorityFor(claim Priority, age int) Priority {
	if claim != NoPriority {
		return claim
	}
	if age > 0 && age >= r.ElderlyAge {
		return Elderly
	}
	return NoPriority
}

// WhoKey is how the queue recognises a citizen again (a missed ticket
// re-queued by reading the same card at a kiosk) without the ID number
// leaving the kiosk that read it: a hash keyed with the kiosk key, which
// only the hall's kiosks hold. The hub keeps it but never holds the key, so
// it cannot try the few million numbers of a region and birth year against
// it (issue 16 §4; the hall key, which the hub holds, must never key it).
//
// Under GM it is HMAC-SM3, marked "sm3:"; under Intl HMAC-SHA-256, bare.
func WhoKey(s suite.Name, kioskKey []byte, id IDNumber) string {
	return keyedID(s, kioskKey, "onewindow queue identity\x00", id)
}

// keyedID is the hex keyed hash of an ID number under suite s, with its
// mark: the form of WhoKey and BookingIDKey.
func keyedID(s suite.Name, key []byte, label string, id IDNumber) string {
	m := s.MAC(key)
	m.Write([]byte(label))
	m.Write([]byte(id))
	if s == suite.GM {
		return sm3Mark + hex.EncodeToString(m.Sum(nil))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// Candidate is a waiting ticket as the call rule sees it.
type Candidate struct {
	ID       string
	Category string
	Priority Priority
	Targeted bool // transferred to this very window
}

// PickNext chooses whom a window calls. cands must be in queue order (the
// time each joined the queue). Tickets transferred to this window come
// first; then the window's categories in its configured order. Within that
// choice a priority ticket goes first, unless the window has already made
// cap priority calls in a row and an ordinary ticket waits. It returns the
// index in cands, or -1 when nobody waits for this window.
func PickNext(cands []Candidate, categories []string, streak, cap int) int {
	pool := func(match func(Candidate) bool) int {
		firstPriority, firstOrdinary := -1, -1
		for i, c := range cands {
			switch {
			case !match(c):
			case c.Priority != NoPriority && firstPriority < 0:
				firstPriority = i
			case c.Priority == NoPriority && firstOrdinary < 0:
				firstOrdinary = i
			}
		}
		if firstPriority >= 0 && (streak < cap || firstOrdinary < 0) {
			return firstPriority
		}
		return firstOrdinary
	}
	if i := pool(func(c Candidate) bool { return c.Targeted }); i >= 0 {
		return i
	}
	for _, cat := range categories {
		if i := pool(func(c Candidate) bool { return !c.Targeted && c.Category == cat }); i >= 0 {
			return i
		}
	}
	return -1
}

// LineAhead is what waits in a category when a ticket joins its line, as
// Ahead needs it.
type LineAhead struct {
	Before         int // tickets of the category that joined before it, of every kind
	PriorityBefore int // of them, priority tickets and tickets sent to one window
	Ordinary       int // ordinary tickets waiting in the category, whenever they joined
	// Headroom is how many priority calls the windows serving the category
	// may still make in a row before the cap makes one call an ordinary
	// ticket; Cap is that cap (QueueRules.PriorityCap).
	Headroom, Cap int
}

// Ahead counts who will really be called before a ticket of priority p that
// has just joined its category's line, by PickNext's rule. An ordinary
// ticket waits for everyone who joined before it. A priority ticket passes
// every ordinary one except those the cap on priority calls in a row lets in
// first: with no priority ticket before it and a window free to make a
// priority call, it is called next, and 0 are ahead of it.
func (l LineAhead) Ahead(p Priority) int {
	if p == NoPriority {
		return l.Before
	}
	n := l.PriorityBefore
	if over := n + 1 - l.Headroom; over > 0 && l.Cap > 0 {
		n += min(l.Ordinary, (over+l.Cap-1)/l.Cap)
	}
	return n
}

// EstimateWait is the expected wait for someone with ahead people before
// them, served by open windows, each taking about perService.
func EstimateWait(ahead, open int, perService time.Duration) time.Duration {
	if open < 1 {
		open = 1
	}
	return time.Duration(ahead+1) * perService / time.Duration(open)
}

// DefaultServiceTime is assumed for a category before any ticket of the day
// has been served in it.
const DefaultServiceTime = 6 * time.Minute

// PauseReasons are the reasons a clerk may give for pausing a window.
var PauseReasons = []struct {
	Code string
	Text Text
}{
	{"break", Text{"暂停休息", "On a break"}},
	{"meeting", Text{"业务培训/会议", "Training or meeting"}},
	{"consult", Text{"内部会商", "Consulting colleagues"}},
	{"system", Text{"系统故障", "System fault"}},
	{"other", Text{"其他", "Other"}},
}

// ValidPauseReason reports whether code is on the list.
func ValidPauseReason(code string) bool {
	for _, r := range PauseReasons {
		if r.Code == code {
			return true
		}
	}
	return false
}

// TicketCode formats a ticket number: A and 7 → A007.
func TicketCode(category string, seq int) string { return fmt.Sprintf("%s%03d", category, seq) }
