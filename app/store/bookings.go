package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"onewindow/app"
)

// Appointments (issue 18 §3) in the terminal's store. Every terminal keeps
// the hall's booking plan from the hall set-up; a kiosk also the hall's
// booking key (sealed, as the enrolment secret is), which central sends
// to kiosks only. The hub keeps the hall's bookings, as central sends them
// (app.CentralChange.Booking), and checks them in (CheckInBooking): it is
// the one authority for all the hall's kiosks, and works from its copy
// with the WAN down. A check-in issues the ticket with the appointment
// priority and queues the check-in for central, in one transaction.

// The hub's store checks bookings in.
var _ app.BookingDesk = (*Store)(nil)

// replaceBookingPlanTx keeps the booking plan and key of a hall set-up.
func (s *Store) replaceBookingPlanTx(ctx context.Context, tx *sql.Tx, h app.Hall) error {
	plan, err := json.Marshal(h.Booking)
	if err != nil {
		return err
	}
	var key []byte
	if h.BookingKey != "" {
		if b, err := hex.DecodeString(h.BookingKey); err != nil || len(b) < 16 {
			return fmt.Errorf("%w: the hall's booking key is not a key", app.ErrInvalidInput)
		}
		key = s.keys.Seal(h.BookingKey, "hall/booking_key")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO booking_plan (id, plan, key_sealed) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET plan = excluded.plan, key_sealed = excluded.key_sealed`, string(plan), key)
	return err
}

// BookingPlan is the hall's booking plan and, on a kiosk, its booking key
// (nil elsewhere). A terminal without a hall set-up has an empty plan.
func (s *Store) BookingPlan(ctx context.Context) (app.BookingPlan, []byte, error) {
	return s.bookingPlanIn(ctx, s.db)
}

func (s *Store) bookingPlanIn(ctx context.Context, q querier) (app.BookingPlan, []byte, error) {
	var plan app.BookingPlan
	var body string
	var sealed []byte
	err := q.QueryRowContext(ctx, `SELECT plan, key_sealed FROM booking_plan WHERE id = 1`).Scan(&body, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return plan, nil, nil
	}
	if err != nil {
		return plan, nil, err
	}
	if err := json.Unmarshal([]byte(body), &plan); err != nil {
		return plan, nil, fmt.Errorf("the hall's booking plan does not read back: %w", err)
	}
	if len(sealed) == 0 {
		return plan, nil, nil
	}
	k, err := s.keys.Open(sealed, "hall/booking_key")
	if err != nil {
		return plan, nil, fmt.Errorf("the hall's booking key: %w", err)
	}
	key, err := hex.DecodeString(k)
	return plan, key, err
}

// applyBookingTx takes a booking as central sends it. A state the hall
// moved on already (a check-in here) is never moved back by an older copy.
func (s *Store) applyBookingTx(ctx context.Context, tx *sql.Tx, b app.Booking) error {
	if err := b.Validate(); err != nil {
		return fmt.Errorf("booking %s: %w", b.Code, err)
	}
	var has string
	err := tx.QueryRowContext(ctx, `SELECT state FROM bookings WHERE code = ?`, b.Code).Scan(&has)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO bookings (code, item, category, day, slot, who_masked, id_key, state,
			created_at, cancelled_at, checked_in_at, ticket) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.Code, b.Item, b.Category, string(b.Day), b.Slot, b.Who, b.IDKey, string(b.State), stamp(b.Created),
			stamp(b.Cancelled), stamp(b.CheckedIn), b.Ticket)
		return err
	case err != nil:
		return err
	case !b.State.Later(app.BookingState(has)):
		return nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE bookings SET state = ?, cancelled_at = ?,
		checked_in_at = CASE WHEN checked_in_at = '' THEN ? ELSE checked_in_at END,
		ticket = CASE WHEN ticket = '' THEN ? ELSE ticket END WHERE code = ?`,
		string(b.State), stamp(b.Cancelled), stamp(b.CheckedIn), b.Ticket, b.Code)
	return err
}

const bookingCols = `code, item, category, day, slot, who_masked, id_key, state, created_at, cancelled_at, checked_in_at, ticket`

func scanBooking(r interface{ Scan(...any) error }) (app.Booking, error) {
	var b app.Booking
	var day, state, created, cancelled, checked string
	if err := r.Scan(&b.Code, &b.Item, &b.Category, &day, &b.Slot, &b.Who, &b.IDKey, &state, &created, &cancelled,
		&checked, &b.Ticket); err != nil {
		return b, err
	}
	b.Day, b.State = app.Date(day), app.BookingState(state)
	b.Created, _ = unstamp(created)
	b.Cancelled, _ = unstamp(cancelled)
	b.CheckedIn, _ = unstamp(checked)
	return b, nil
}

// Bookings are the hall's bookings of day held here, by slot.
func (s *Store) Bookings(ctx context.Context, day app.Date) ([]app.Booking, error) {
	return bookingsOf(ctx, s.db, `day = ?`, string(day))
}

func bookingsOf(ctx context.Context, q querier, where string, args ...any) ([]app.Booking, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+bookingCols+` FROM bookings WHERE `+where+` ORDER BY day, slot, code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// refusedCheckIn carries a check-in's outcome other than CheckedIn out of
// its transaction, so that nothing is written for it (and a retry with the
// same request id is decided again).
type refusedCheckIn struct{ ans app.BookingCheckedIn }

func (r *refusedCheckIn) Error() string { return "booking not checked in: " + string(r.ans.Outcome) }

// CheckInBooking checks a booking of today in, found by its code or by its
// holder's id_key, within its check-in window: it issues the ticket with
// the appointment priority in the booking's queue category, marks the
// booking checked in and queues the check-in for central, in one
// transaction. The same request id again returns the first answer. An
// outcome other than app.CheckedIn changes nothing.
func (s *Store) CheckInBooking(ctx context.Context, r app.BookingCheckIn) (app.BookingCheckedIn, error) {
	if err := r.Validate(); err != nil {
		return app.BookingCheckedIn{}, fmt.Errorf("check in: %w", err)
	}
	var ans app.BookingCheckedIn
	err := s.once(ctx, "booking check-in", r.RequestID, &ans, func(tx *sql.Tx) (any, error) {
		now := s.now()
		plan, _, err := s.bookingPlanIn(ctx, tx)
		if err != nil {
			return nil, err
		}
		var bs []app.Booking
		if r.Code != "" {
			bs, err = bookingsOf(ctx, tx, `code = ?`, r.Code)
		} else {
			bs, err = bookingsOf(ctx, tx, `id_key IN (?, ?) AND day = ?`, r.IDKey, r.IDKeyAlt, string(app.DateOf(now)))
		}
		if err != nil {
			return nil, err
		}
		res := pickCheckIn(bs, plan, now)
		if res.Outcome != app.CheckedIn {
			return nil, &refusedCheckIn{res}
		}
		b := res.Booking
		t, err := s.issueBookedTx(ctx, tx, *b, r.WhoKey, now)
		if err != nil {
			return nil, err
		}
		b.State, b.CheckedIn, b.Ticket = app.BookingDone, now.UTC(), t.ID
		if _, err := tx.ExecContext(ctx, `UPDATE bookings SET state = 'checked_in', checked_in_at = ?, ticket = ? WHERE code = ?`,
			stamp(b.CheckedIn), t.ID, b.Code); err != nil {
			return nil, err
		}
		if err := s.enqueue(ctx, tx, app.OpBookingCheckIn, b.Code,
			app.BookingCheckInPayload{Code: b.Code, At: b.CheckedIn, Ticket: t.ID}); err != nil {
			return nil, err
		}
		res.Ticket = &t
		return res, nil
	})
	var refused *refusedCheckIn
	if errors.As(err, &refused) {
		return refused.ans, nil
	}
	if err != nil {
		return app.BookingCheckedIn{}, fmt.Errorf("check in: %w", err)
	}
	return ans, nil
}

// pickCheckIn decides which of the bookings found is checked in: the first
// that can be now; else the one that tells the citizen most (an open one
// early or late before one checked in or cancelled).
func pickCheckIn(bs []app.Booking, plan app.BookingPlan, now time.Time) app.BookingCheckedIn {
	best := app.BookingCheckedIn{Outcome: app.CheckInNone}
	rank := map[app.CheckInOutcome]int{app.CheckInNone: 0, app.CheckInGone: 1, app.CheckInAlready: 2, app.CheckInLate: 3, app.CheckInEarly: 4, app.CheckedIn: 5}
	for i := range bs {
		o, from, until := bs[i].CheckInWhen(plan, now)
		if o == app.CheckInNone && best.Booking == nil {
			best.Booking = &bs[i] // a booking of another day: the kiosk says which
			continue
		}
		if rank[o] > rank[best.Outcome] {
			best = app.BookingCheckedIn{Outcome: o, Booking: &bs[i], Opens: from, Closes: until}
		}
	}
	if best.Outcome == app.CheckInAlready && best.Booking.Ticket != "" {
		best.Ticket = &app.Ticket{ID: best.Booking.Ticket}
	}
	return best
}

// issueBookedTx issues the ticket of a booking checked in: the next number
// of its queue category today, with the appointment priority. A booking
// is the hall's promise: neither the category's daily limit nor its
// closing time refuses it.
func (s *Store) issueBookedTx(ctx context.Context, tx *sql.Tx, b app.Booking, whoKey string, now time.Time) (app.Ticket, error) {
	day := app.DateOf(now)
	var last int
	if err := s.rowTx(ctx, tx, `SELECT COALESCE(MAX(seq), 0) FROM tickets WHERE day = ? AND issued_category = ?`,
		day, b.Category).Scan(&last); err != nil {
		return app.Ticket{}, err
	}
	if err := s.rowTx(ctx, tx, `SELECT prefix FROM categories WHERE prefix = ?`, b.Category).Scan(new(string)); err != nil {
		return app.Ticket{}, notFound(err, fmt.Sprintf("queue category %q", b.Category))
	}
	if last >= 999 {
		return app.Ticket{}, fmt.Errorf("category %s: %w", b.Category, app.ErrCategoryFull)
	}
	t := app.NewTicket(app.IssueRequest{Category: b.Category, Claim: app.Appointment, Who: b.Who}, day, last+1, now)
	var who any // NULL without a card read
	if whoKey != "" {
		who = whoKey
	}
	if _, err := s.execTx(ctx, tx, `INSERT INTO tickets (id, day, issued_category, category, seq, code, priority, who_masked,
		who_index, issued_at, queued_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.Day, t.Category, t.Category, t.Seq, t.Code, t.Priority, t.WhoMasked, who, stamp(now), stamp(now), t.State); err != nil {
		return app.Ticket{}, err
	}
	if err := s.estimate(ctx, tx, &t, now); err != nil {
		return app.Ticket{}, err
	}
	return t, s.queueEvent(ctx, tx, app.EventIssued, t, 0, "")
}
