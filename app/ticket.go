package app

import (
	"fmt"
	"slices"
	"time"
)

// QueueEventKind names one change of the hall's queue. Every change the hub
// makes is recorded as a QueueEvent of one of these kinds, and a ticket's
// kinds reach central as OpTicket operations.
type QueueEventKind string

// Queue event kinds.
const (
	EventIssued      QueueEventKind = "issued"      // a number was taken
	EventCalled      QueueEventKind = "called"      // called to a window
	EventRecalled    QueueEventKind = "recalled"    // called again
	EventServing     QueueEventKind = "serving"     // the citizen came to the window
	EventFinished    QueueEventKind = "finished"    // the service ended
	EventNoShow      QueueEventKind = "no_show"     // missed (过号): skipped, or recalled once too often
	EventTransferred QueueEventKind = "transferred" // sent to another category or window
	EventRequeued    QueueEventKind = "requeued"    // a missed ticket queued again
	EventPaused      QueueEventKind = "paused"      // a window stopped taking calls
	EventResumed     QueueEventKind = "resumed"     // a paused window opened again
)

// QueueEventKinds lists every kind.
var QueueEventKinds = []QueueEventKind{EventIssued, EventCalled, EventRecalled, EventServing, EventFinished,
	EventNoShow, EventTransferred, EventRequeued, EventPaused, EventResumed}

// Valid reports whether k is a kind the queue makes.
func (k QueueEventKind) Valid() bool { return slices.Contains(QueueEventKinds, k) }

// Call reports whether the event calls a citizen to a window: what the hall
// screen shows and says aloud.
func (k QueueEventKind) Call() bool { return k == EventCalled || k == EventRecalled }

// ticketMove is one move a ticket may make: the states it may start from
// and the state the move leaves it in.
type ticketMove struct {
	from []TicketState
	to   TicketState
}

// ticketMoves are the only moves a ticket may make, by the event that
// records them. Issuing makes a waiting ticket; a transfer or a requeue puts
// one back to waiting in its new place.
var ticketMoves = map[QueueEventKind]ticketMove{
	EventCalled:      {[]TicketState{Waiting}, Called},
	EventRecalled:    {[]TicketState{Called}, Called},
	EventNoShow:      {[]TicketState{Called}, NoShow},
	EventServing:     {[]TicketState{Called}, Serving},
	EventFinished:    {[]TicketState{Called, Serving}, Done},
	EventTransferred: {[]TicketState{Called, Serving}, Waiting},
	EventRequeued:    {[]TicketState{NoShow}, Waiting},
}

// CanMove reports whether a ticket in state s may have an event of kind k.
func (s TicketState) CanMove(k QueueEventKind) bool {
	m, ok := ticketMoves[k]
	return ok && slices.Contains(m.from, s)
}

// move applies the event's state change, or says why, in the clerk's words
// (why), that it cannot happen to t.
func (t *Ticket) move(k QueueEventKind, why string) error {
	if !t.State.CanMove(k) {
		return t.refused(why)
	}
	t.State = ticketMoves[k].to
	return nil
}

func (t *Ticket) refused(why string) error {
	return fmt.Errorf("%w: %s %s", ErrInvalidInput, t.Code, why)
}

// Call calls a waiting ticket to window.
func (t *Ticket) Call(window int, now time.Time) error {
	if err := t.move(EventCalled, "is not waiting"); err != nil {
		return err
	}
	t.Window, t.TargetWindow, t.Called = window, 0, now
	return nil
}

// Recall calls the ticket again. After the hall's number of recalls, one
// more makes it a no-show; the kind returned says which happened.
func (t *Ticket) Recall(r QueueRules, now time.Time) (QueueEventKind, error) {
	if !t.State.CanMove(EventRecalled) {
		return "", t.refused("is being served, not waiting to be called")
	}
	if t.Recalls >= r.MaxRecalls {
		return EventNoShow, t.Skip(now)
	}
	t.Recalls++
	t.Called = now
	return EventRecalled, nil
}

// Skip marks a called ticket as missed at once (过号).
func (t *Ticket) Skip(now time.Time) error {
	if err := t.move(EventNoShow, "is already being served; finish or transfer it"); err != nil {
		return err
	}
	t.Finished = now
	return nil
}

// StartServing records that the called citizen came to the window.
func (t *Ticket) StartServing(now time.Time) error {
	if err := t.move(EventServing, "is already being served"); err != nil {
		return err
	}
	t.Served = now
	return nil
}

// Finish ends the service. A ticket finished straight from being called
// counts as served from then.
func (t *Ticket) Finish(now time.Time) error {
	if err := t.move(EventFinished, "is not at a window"); err != nil {
		return err
	}
	if t.Served.IsZero() {
		t.Served = now
	}
	t.Finished = now
	return nil
}

// Transfer sends the ticket from window to another category, or to one
// window (exactly one of the two), keeping its place: it waits there by the
// time it first joined the line. The caller checks that the category or
// window exists.
func (t *Ticket) Transfer(window int, toCategory string, toWindow int) error {
	if err := CheckTransfer(window, toCategory, toWindow); err != nil {
		return err
	}
	if err := t.move(EventTransferred, "is not at a window"); err != nil {
		return err
	}
	if toCategory != "" {
		t.Category = toCategory
	} else {
		t.TargetWindow = toWindow
	}
	t.Window, t.Called, t.Served, t.Recalls = toWindow, time.Time{}, time.Time{}, 0
	return nil
}

// CheckTransfer checks a transfer's destination before anything is looked up.
func CheckTransfer(window int, toCategory string, toWindow int) error {
	switch {
	case (toCategory == "") == (toWindow == 0):
		return fmt.Errorf("transfer: %w: name either a category or a window", ErrInvalidInput)
	case toWindow == window:
		return fmt.Errorf("%w: the ticket is already at window %d", ErrInvalidInput, window)
	}
	return nil
}

// Requeue puts a missed ticket back in the line, at its end, once only.
func (t *Ticket) Requeue() error {
	switch {
	case !t.State.CanMove(EventRequeued):
		return fmt.Errorf("ticket %s: %w: it was not missed (it is %s)", t.Code, ErrNotRequeueable, t.State)
	case t.Requeued:
		return fmt.Errorf("ticket %s: %w: it was queued again once already; please take a new number", t.Code, ErrNotRequeueable)
	}
	t.State = ticketMoves[EventRequeued].to
	t.Requeued, t.Recalls, t.Window, t.TargetWindow, t.Called = true, 0, 0, 0, time.Time{}
	return nil
}

// CheckIssue says whether a category may give out its next number now: it
// has issued numbers today out of its daily limit, and stops at closes
// (hh:mm, the hall's time).
func CheckIssue(category string, now time.Time, closes string, issued, limit int) error {
	if now.In(HallZone).Format("15:04") >= closes {
		return fmt.Errorf("category %s: %w (it closes at %s)", category, ErrCategoryClosed, closes)
	}
	if issued >= limit {
		return fmt.Errorf("category %s: %w of %d", category, ErrCategoryFull, limit)
	}
	return nil
}

// CheckCall says whether a window may call the next citizen: it is not
// paused, and the ticket it holds (nil for none) is not still only called.
// A ticket it is serving is finished by the call.
func CheckCall(window int, paused bool, current *Ticket) error {
	if paused {
		return fmt.Errorf("window %d: %w", window, ErrWindowPaused)
	}
	if current != nil && current.State == Called {
		return fmt.Errorf("window %d: %w (%s): recall it, mark it missed, or start serving", window, ErrWindowBusy, current.Code)
	}
	return nil
}

// NextStreak is a window's run of priority calls after it calls a ticket
// of priority p: it grows with each priority call and ends with an
// ordinary one (see PickNext's cap).
func NextStreak(streak int, p Priority) int {
	if p == NoPriority {
		return 0
	}
	return streak + 1
}

// NewTicket is the waiting ticket a request gets as the category's number
// seq of day, its priority the request's (the kiosk applied the hall's rules).
func NewTicket(r IssueRequest, day Date, seq int, now time.Time) Ticket {
	t := Ticket{
		Day: day, Category: r.Category, Seq: seq, Code: TicketCode(r.Category, seq),
		Priority: r.Priority(), WhoMasked: r.Who,
		Issued: now, State: Waiting,
	}
	t.ID = string(day) + "/" + t.Code
	return t
}
