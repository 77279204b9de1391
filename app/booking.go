package app

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"onewindow/app/suite"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Appointments (网上预约): a hall's booking plan, a citizen's booking, and
// the rules of booking, checking in and missing one. Central takes the
// bookings (sync/central), the hall hub keeps its copy and checks them in
// (app/store), the kiosk reads the card or the code (app/selfservice).

// Booking errors: the reason a booking or a check-in is refused. Each
// error returned wraps one of them with the details.
var (
	ErrBookingNotOffered = errors.New("this hall takes no appointments for that")
	ErrBookingClosed     = errors.New("that time can no longer be booked")    // in the past, started or beyond the horizon
	ErrBookingFull       = errors.New("no places are left in that time slot") // capacity reached
	ErrBookingTwice      = errors.New("this person already holds a booking for that item on that day")
	ErrBookingNotOpen    = errors.New("the booking is not open: it was cancelled or checked in already")
)

// BookingPlan is what a hall offers to book: its slots of a day with the
// places per queue category, how many days ahead, and the check-in window
// around a slot. A plan without slots offers no appointments; it is part
// of the hall's set-up (Hall.Booking) that central publishes.
type BookingPlan struct {
	Slots        []BookingSlot `json:"slots"`
	HorizonDays  int           `json:"horizon_days"`  // today plus this many days can be booked
	EarlyMinutes int           `json:"early_minutes"` // check-in opens this long before the slot starts
	LateMinutes  int           `json:"late_minutes"`  // and closes this long after it starts
	GraceMinutes int           `json:"grace_minutes"` // not checked in by the slot's end plus this: a no-show
}

// BookingSlot is a time of the day that can be booked, 09:00–10:00, with
// its places per queue category (prefix → places).
type BookingSlot struct {
	Start    string         `json:"start"` // 09:00, in the hall's zone
	End      string         `json:"end"`
	Capacity map[string]int `json:"capacity"`
}

// ID names the slot, 09:00-10:00.
func (s BookingSlot) ID() string { return s.Start + "-" + s.End }

// Times are the slot's start and end on day, in the hall's zone.
func (s BookingSlot) Times(day Date) (start, end time.Time, err error) {
	d, err := time.ParseInLocation(time.DateOnly, string(day), HallZone)
	if err != nil {
		return start, end, fmt.Errorf("%w: %q is not a day", ErrInvalidInput, day)
	}
	at := func(hm string) time.Time {
		t, _ := time.Parse("15:04", hm)
		return time.Date(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), 0, 0, HallZone)
	}
	return at(s.Start), at(s.End), nil
}

// IsZero reports whether the plan is empty (for omitzero).
func (p BookingPlan) IsZero() bool {
	return len(p.Slots) == 0 && p.HorizonDays == 0 && p.EarlyMinutes == 0 && p.LateMinutes == 0 && p.GraceMinutes == 0
}

// Offered reports whether the plan offers any place at all.
func (p BookingPlan) Offered() bool {
	for _, s := range p.Slots {
		for _, n := range s.Capacity {
			if n > 0 {
				return true
			}
		}
	}
	return false
}

// Slot is the plan's slot named id (BookingSlot.ID).
func (p BookingPlan) Slot(id string) (BookingSlot, bool) {
	for _, s := range p.Slots {
		if s.ID() == id {
			return s, true
		}
	}
	return BookingSlot{}, false
}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Validate checks a plan against the catalogue's queue categories. An
// empty plan is valid: the hall offers no appointments.
func (p BookingPlan) Validate(cat *Catalog) error { return p.problems(cat).Err(ErrInvalidInput) }

func (p BookingPlan) problems(cat *Catalog) Problems {
	var pr Problems
	if p.IsZero() {
		return nil
	}
	if len(p.Slots) == 0 {
		pr.Add("booking.slots", "no slots: give at least one, or leave the whole plan out to offer no appointments")
	}
	if len(p.Slots) > 48 {
		pr.Add("booking.slots", "at most 48 slots a day")
	}
	if p.HorizonDays < 1 || p.HorizonDays > 90 {
		pr.Add("booking.horizon_days", "must be between 1 and 90 days")
	}
	if p.EarlyMinutes < 0 || p.EarlyMinutes > 180 {
		pr.Add("booking.early_minutes", "must be between 0 and 180 minutes")
	}
	if p.LateMinutes < 0 || p.LateMinutes > 180 {
		pr.Add("booking.late_minutes", "must be between 0 and 180 minutes")
	}
	if p.GraceMinutes < 0 || p.GraceMinutes > 240 {
		pr.Add("booking.grace_minutes", "must be between 0 and 240 minutes")
	}
	prevEnd := ""
	for i, s := range p.Slots {
		where := fmt.Sprintf("booking.slots[%d] (%s)", i+1, s.ID())
		if !hhmm.MatchString(s.Start) || !hhmm.MatchString(s.End) {
			pr.Add(where, "start and end must be times of the day like 09:00")
			continue
		}
		if s.End <= s.Start {
			pr.Add(where, "must end after it starts")
		}
		if s.Start < prevEnd {
			pr.Add(where, "overlaps the slot before it; give slots in order, one after another")
		}
		prevEnd = s.End
		if len(s.Capacity) == 0 {
			pr.Add(where+": capacity", "no queue category has places")
		}
		for _, c := range slices.Sorted(mapKeys(s.Capacity)) {
			n := s.Capacity[c]
			if cat != nil {
				if _, ok := cat.Category(c); !ok {
					pr.Add(where+": capacity", fmt.Sprintf("queue category %q is not in the catalogue", c))
				}
			}
			if n < 0 || n > 999 {
				pr.Add(where+": capacity "+c, "must be between 0 and 999 places")
			}
		}
	}
	return pr
}

func mapKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Days are the days that can be booked as of now: today to the horizon,
// the hall's working days only (cal nil: every day).
func (p BookingPlan) Days(now time.Time, cal *Calendar) []Date {
	if !p.Offered() {
		return nil
	}
	t := now.In(HallZone)
	out := make([]Date, 0, p.HorizonDays+1)
	for i := 0; i <= p.HorizonDays; i++ {
		d := time.Date(t.Year(), t.Month(), t.Day()+i, 12, 0, 0, 0, HallZone)
		if cal == nil || cal.IsWorkingDay(d) {
			out = append(out, DateOf(d))
		}
	}
	return out
}

// BookingState is where a booking stands.
type BookingState string

// Booking states. A no-show is not a state: it is an open booking whose
// slot ended more than the grace ago (Booking.NoShow), decided on reading.
const (
	BookingOpen      BookingState = "open"
	BookingCancelled BookingState = "cancelled"
	BookingDone      BookingState = "checked_in" // checked in at the hall: its ticket issued
)

// Valid reports whether s is a booking state.
func (s BookingState) Valid() bool {
	return s == BookingOpen || s == BookingCancelled || s == BookingDone
}

// rank orders states for merging copies: a check-in is never undone by an
// older copy, a cancellation never reopened.
func (s BookingState) rank() int {
	switch s {
	case BookingCancelled:
		return 1
	case BookingDone:
		return 2
	}
	return 0
}

// Later reports whether s moves a booking on from has (open → cancelled
// or checked in, cancelled → checked in when the hall checked it in
// offline before it learned of the cancellation).
func (s BookingState) Later(has BookingState) bool { return s.rank() > has.rank() }

// Booking is one citizen's appointment (预约) as the hall sees it: no
// name but the masked one, and no ID number but its hash keyed with the
// hall's booking key (BookingIDKey), which the kiosk computes again from
// the card read at check-in.
type Booking struct {
	Code      string       `json:"code"` // 8 digits, typed on the kiosk's keypad
	Hall      string       `json:"hall"`
	Item      string       `json:"item"`
	Category  string       `json:"category"`
	Day       Date         `json:"day"`
	Slot      string       `json:"slot"` // 09:00-10:00
	Who       string       `json:"who"`  // masked name
	IDKey     string       `json:"id_key"`
	State     BookingState `json:"state"`
	Created   time.Time    `json:"created_at"`
	Cancelled time.Time    `json:"cancelled_at,omitzero"`
	CheckedIn time.Time    `json:"checked_in_at,omitzero"`
	Ticket    string       `json:"ticket,omitempty"` // the ticket its check-in issued
}

// Validate checks a booking as the hall receives it from central.
func (b Booking) Validate() error {
	var p Problems
	if !ValidBookingCode(b.Code) {
		p.Add("code", "must be 8 digits")
	}
	if b.Hall == "" || b.Item == "" || b.Category == "" {
		p.Add("hall, item, category", "must all be given")
	}
	if _, err := b.Day.Time(); err != nil {
		p.Add("day", "is not a day")
	}
	if b.Who != "" && !IsMaskedName(b.Who) {
		p.Add("who", "must be a masked name")
	}
	if b.IDKey != "" && !ValidWhoKey(b.IDKey) {
		p.Add("id_key", "must be 64 hexadecimal characters (after sm3: under 国密)")
	}
	if !b.State.Valid() {
		p.Add("state", fmt.Sprintf("%q is not a booking state", b.State))
	}
	return p.Err(ErrInvalidInput)
}

// Window is when the booking can be checked in at the kiosk: from the
// plan's minutes early before the slot starts to its minutes late after.
func (b Booking) Window(plan BookingPlan) (from, until time.Time, err error) {
	s, ok := plan.Slot(b.Slot)
	if !ok {
		return from, until, fmt.Errorf("%w: the hall's plan has no slot %s any more", ErrBookingNotOffered, b.Slot)
	}
	start, _, err := s.Times(b.Day)
	if err != nil {
		return from, until, err
	}
	return start.Add(-time.Duration(plan.EarlyMinutes) * time.Minute), start.Add(time.Duration(plan.LateMinutes) * time.Minute), nil
}

// NoShow reports whether an open booking was missed: not checked in by the
// end of its slot plus the plan's grace. A slot the plan no longer has
// ends at the end of its name (09:00-10:00).
func (b Booking) NoShow(plan BookingPlan, now time.Time) bool {
	if b.State != BookingOpen {
		return false
	}
	_, end, ok := strings.Cut(b.Slot, "-")
	if !ok {
		return false
	}
	_, until, err := BookingSlot{Start: "00:00", End: end}.Times(b.Day)
	if err != nil {
		return false
	}
	return now.After(until.Add(time.Duration(plan.GraceMinutes) * time.Minute))
}

// CheckInOutcome is what a check-in came to.
type CheckInOutcome string

// Check-in outcomes.
const (
	CheckedIn      CheckInOutcome = "checked_in"
	CheckInNone    CheckInOutcome = "none"     // no open booking of today for this card or code
	CheckInEarly   CheckInOutcome = "early"    // come back from Opens
	CheckInLate    CheckInOutcome = "late"     // the window closed at Closes
	CheckInAlready CheckInOutcome = "already"  // checked in before: Booking.Ticket
	CheckInGone    CheckInOutcome = "canceled" // the booking was cancelled
)

// CheckInWhen decides whether b can be checked in at now.
func (b Booking) CheckInWhen(plan BookingPlan, now time.Time) (CheckInOutcome, time.Time, time.Time) {
	switch b.State {
	case BookingDone:
		return CheckInAlready, time.Time{}, time.Time{}
	case BookingCancelled:
		return CheckInGone, time.Time{}, time.Time{}
	}
	if b.Day != DateOf(now) {
		return CheckInNone, time.Time{}, time.Time{}
	}
	from, until, err := b.Window(plan)
	switch {
	case err != nil:
		return CheckInNone, time.Time{}, time.Time{}
	case now.Before(from):
		return CheckInEarly, from, until
	case now.After(until):
		return CheckInLate, from, until
	}
	return CheckedIn, from, until
}

// BookingCheckIn asks the hub to check a booking in, by the code typed
// at the kiosk or by the ID card read (IDKey: BookingIDKey under the
// hall's booking key). RequestID makes a retry return the first answer.
type BookingCheckIn struct {
	RequestID string `json:"request_id"`
	Code      string `json:"code,omitempty"`
	IDKey     string `json:"id_key,omitempty"`
	// IDKeyAlt is the card's BookingIDKey under the other crypto suite:
	// a booking made before the hall moved to (or from) 国密 holds that.
	IDKeyAlt string `json:"id_key_alt,omitempty"`
	// WhoKey is the card's app.WhoKey under the kiosk key, when a card
	// was read: the ticket issued carries it, so that the card re-queues
	// it when missed, as any ticket taken with the card.
	WhoKey string `json:"who_key,omitempty"`
}

// Validate checks a check-in request.
func (r BookingCheckIn) Validate() error {
	switch {
	case r.Code == "" && r.IDKey == "":
		return fmt.Errorf("%w: type the booking code or read the ID card", ErrInvalidInput)
	case r.Code != "" && !ValidBookingCode(r.Code):
		return fmt.Errorf("%w: a booking code is 8 digits", ErrInvalidInput)
	case r.IDKey != "" && !ValidWhoKey(r.IDKey), r.WhoKey != "" && !ValidWhoKey(r.WhoKey), r.IDKeyAlt != "" && !ValidWhoKey(r.IDKeyAlt):
		return fmt.Errorf("%w: id_key, id_key_alt and who_key must be 64 hexadecimal characters (after sm3: under 国密)", ErrInvalidInput)
	case len(r.RequestID) > 100:
		return fmt.Errorf("%w: the request id is longer than 100 characters", ErrInvalidInput)
	}
	return nil
}

// BookingCheckedIn is the hub's answer to a check-in: the outcome, the
// booking found (if any), the ticket issued with the appointment priority
// (CheckedIn, or the first ticket for CheckInAlready), and the check-in
// window (for CheckInEarly and CheckInLate).
type BookingCheckedIn struct {
	Outcome CheckInOutcome `json:"outcome"`
	Booking *Booking       `json:"booking,omitempty"`
	Ticket  *Ticket        `json:"ticket,omitempty"`
	Opens   time.Time      `json:"opens,omitzero"`
	Closes  time.Time      `json:"closes,omitzero"`
}

// BookingDesk checks bookings in: the hall hub, which holds the hall's
// bookings and is the one authority over them for all its kiosks. The
// hub's store implements it, and sync/hub's client carries it over the
// LAN.
type BookingDesk interface {
	CheckInBooking(ctx context.Context, r BookingCheckIn) (BookingCheckedIn, error)
}

// OpBookingCheckIn is the outbox kind of a check-in at the hall, which
// the hub relays to central; its payload is a BookingCheckInPayload.
const OpBookingCheckIn = "booking_checkin"

// BookingCheckInPayload is an OpBookingCheckIn operation's payload.
type BookingCheckInPayload struct {
	Code   string    `json:"code"`
	At     time.Time `json:"at"`
	Ticket string    `json:"ticket"`
}

// ValidBookingCode reports whether s has the form of a booking code.
func ValidBookingCode(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NewBookingCode makes a random 8-digit booking code.
func NewBookingCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(100_000_000))
	if err != nil {
		panic("app: the system's random source failed: " + err.Error())
	}
	return fmt.Sprintf("%08d", n.Int64())
}

// BookingIDKey is the hash of an ID number keyed with a hall's booking
// key: what the hall keeps of a booker's ID number, and what the kiosk
// computes from the card read to find the booking. Central makes each
// hall's key and gives it to that hall's kiosks only (sync/central).
// It is under the suite s, as WhoKey.
func BookingIDKey(s suite.Name, key []byte, id IDNumber) string {
	return keyedID(s, key, "onewindow-booking\x00", id)
}

// BookingRequest is a citizen's request for an appointment, as the public
// booking page takes it.
type BookingRequest struct {
	Hall     string
	Item     string
	Day      Date
	Slot     string
	Name     string
	IDNumber string
	Mobile   string
}

// CheckedBooking is a booking request found good: the item's queue
// category, the slot, the places it has, and the identity checked.
type CheckedBooking struct {
	Category string
	Slot     BookingSlot
	Capacity int
	ID       IDNumber
	Name     string
	Mobile   string
}

// Check checks a request against the hall's plan, the catalogue and the
// hall's working days (cal; nil: every day) as of now. Every problem of the citizen's own fields is named together
// (ErrInvalidInput, or ErrInvalidIDNumber for the ID number); a time that
// cannot be booked is ErrBookingClosed, an item or slot without places
// ErrBookingNotOffered.
func (r BookingRequest) Check(plan BookingPlan, cat *Catalog, cal *Calendar, now time.Time) (CheckedBooking, error) {
	var c CheckedBooking
	var p Problems
	name := strings.TrimSpace(r.Name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		p.Add("name", "is empty")
	case n > 30:
		p.Add("name", "is longer than 30 characters")
	case strings.ContainsAny(name, "0123456789<>&\"'\x00"):
		p.Add("name", "must be the name as on the ID card, without digits or symbols")
	}
	id, idErr := ParseIDNumber(r.IDNumber, now)
	mobile := strings.TrimSpace(r.Mobile)
	if !ValidMobile(mobile) {
		p.Add("mobile", "must be a mainland mobile number of 11 digits, like 13800138000")
	}
	if idErr != nil {
		if len(p) == 0 {
			return c, idErr
		}
		p.Add("id_number", strings.TrimPrefix(idErr.Error(), ErrInvalidIDNumber.Error()+": "))
	}
	if err := p.Err(ErrInvalidInput); err != nil {
		return c, err
	}
	c.ID, c.Name, c.Mobile = id, name, mobile
	item, ok := cat.Item(r.Item)
	if !ok {
		return c, fmt.Errorf("%w: item %q is not in the catalogue", ErrBookingNotOffered, r.Item)
	}
	c.Category = item.Category
	slot, ok := plan.Slot(r.Slot)
	if !ok {
		return c, fmt.Errorf("%w: there is no slot %q", ErrBookingNotOffered, r.Slot)
	}
	c.Slot, c.Capacity = slot, slot.Capacity[item.Category]
	if c.Capacity <= 0 {
		return c, fmt.Errorf("%w: slot %s has no places for this item's queue", ErrBookingNotOffered, slot.ID())
	}
	start, _, err := slot.Times(r.Day)
	if err != nil {
		return c, err
	}
	last := DateOf(time.Date(now.In(HallZone).Year(), now.In(HallZone).Month(), now.In(HallZone).Day()+plan.HorizonDays, 12, 0, 0, 0, HallZone))
	switch {
	case !now.Before(start):
		return c, fmt.Errorf("%w: %s %s has started or is past", ErrBookingClosed, r.Day, slot.ID())
	case string(r.Day) > string(last):
		return c, fmt.Errorf("%w: %s is more than %d days ahead", ErrBookingClosed, r.Day, plan.HorizonDays)
	case cal != nil && !cal.IsWorkingDay(start):
		return c, fmt.Errorf("%w: the hall is closed on %s", ErrBookingClosed, r.Day)
	}
	return c, nil
}
