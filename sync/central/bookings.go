package central

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/citizen"
	"onewindow/sync/wire"
)

// Appointments (issue 18 §3). Central takes the bookings: a citizen books
// on the public pages, the booking is written with the place it takes in
// its slot in one transaction, and it reaches the hall's hub as a change
// (wire.ChangeBooking) with the hall's other data. The hall never learns
// the ID number: the booking carries its hash keyed with the hall's
// booking key (app.BookingIDKey), which central gives the hall's kiosks
// only (bookings_key.go), so that the kiosk finds the booking again from
// the card read while the hub, which keeps the hashes, cannot reverse
// them.
//
// Capacity holds under concurrency on SQLite and PostgreSQL alike: the
// place is taken by one upsert of the slot's counter row guarded by
// taken < capacity, inside the booking's transaction, so two bookers of
// the last place are ordered by the row's lock and the second finds none.
// Bookings are written in batches, one commit for many (bookings_batch.go).

// Book takes a booking for a citizen. A request that cannot be booked is
// refused with the reason (app.ErrInvalidInput or app.ErrInvalidIDNumber
// for the citizen's fields, app.ErrBookingClosed, app.ErrBookingFull,
// app.ErrBookingTwice, app.ErrBookingNotOffered) and changes nothing.
func (c *Central) Book(ctx context.Context, r app.BookingRequest) (app.Booking, error) {
	now := c.now()
	h, cat, cal, err := c.bookingSetupAndCatalog(ctx, r.Hall, true)
	if errors.Is(err, app.ErrNotFound) {
		return app.Booking{}, fmt.Errorf("book: %w: hall %q", app.ErrBookingNotOffered, r.Hall)
	}
	if err != nil {
		return app.Booking{}, err
	}
	if !h.Booking.Offered() {
		return app.Booking{}, fmt.Errorf("book: %w: hall %s offers no appointments", app.ErrBookingNotOffered, r.Hall)
	}
	ok, err := r.Check(h.Booking, cat, cal, now)
	if err != nil {
		return app.Booking{}, fmt.Errorf("book: %w", err)
	}
	key, err := c.cachedKey(ctx, r.Hall)
	if err != nil {
		return app.Booking{}, err
	}
	b := app.Booking{Hall: r.Hall, Item: r.Item, Category: ok.Category, Day: r.Day, Slot: ok.Slot.ID(),
		Who: app.MaskName(ok.Name), IDKey: app.BookingIDKey(c.keys.Suite(), key, ok.ID), State: app.BookingOpen, Created: now.UTC()}
	index := c.keys.Index("id", string(ok.ID))
	job := &bookJob{ctx: ctx, b: b, ok: ok, index: index, done: make(chan struct{})}
	err = c.submitBooking(job)
	b = job.b
	if err != nil {
		return app.Booking{}, fmt.Errorf("book: %w", err)
	}
	c.log.Info("booking taken", "hall", b.Hall, "item", b.Item, "day", string(b.Day), "slot", b.Slot)
	return b, nil
}

// bookIn writes one booking inside x, in as few statements as it can
// (a batch writes a hundred in a row): the booking with a fresh code,
// unless the person holds one for the item and day already (the partial
// unique index says so without an error); the place, by one upsert of the
// slot's counter row guarded by taken < capacity, the booking taken back
// when there is none; and its change for the hall. A refusal changes
// nothing and returns its error.
func (c *Central) bookIn(ctx context.Context, x q, j *bookJob) error {
	b, ok, index := &j.b, j.ok, j.index
	for try := 0; ; try++ {
		b.Code = app.NewBookingCode()
		ctxs := "booking/" + b.Hall + "/" + b.Code
		res, err := x.exec(ctx, `INSERT INTO bookings (hall, code, item_code, category, day, slot, who_masked, name_sealed,
			id_sealed, phone_sealed, id_index, id_key, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
			ON CONFLICT DO NOTHING`,
			b.Hall, b.Code, b.Item, b.Category, string(b.Day), b.Slot, b.Who, c.keys.Seal(ok.Name, ctxs+"/name"),
			c.keys.Seal(string(ok.ID), ctxs+"/id"), c.keys.Seal(ok.Mobile, ctxs+"/phone"), index, b.IDKey, stamp(b.Created))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			break
		}
		var held int
		if err := x.row(ctx, `SELECT COUNT(*) FROM bookings WHERE hall = ? AND item_code = ? AND day = ? AND id_index = ? AND state <> 'cancelled'`,
			b.Hall, b.Item, string(b.Day), index).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			return fmt.Errorf("%w (%s, %s)", app.ErrBookingTwice, b.Item, b.Day)
		}
		if try == 20 { // else the code was taken: another
			return errors.New("book: no free booking code after 20 tries")
		}
	}
	// The place, at the plan's capacity now, whatever it was when the row
	// was made (the manager may have changed it since).
	res, err := x.exec(ctx, `INSERT INTO booking_slots (hall, day, slot, category, capacity, taken) VALUES (?, ?, ?, ?, ?, 1)
		ON CONFLICT (hall, day, slot, category) DO UPDATE SET taken = booking_slots.taken + 1, capacity = excluded.capacity
		WHERE booking_slots.taken < excluded.capacity`, b.Hall, string(b.Day), b.Slot, b.Category, ok.Capacity)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := x.exec(ctx, `DELETE FROM bookings WHERE hall = ? AND code = ?`, b.Hall, b.Code); err != nil {
			return err
		}
		return fmt.Errorf("%w (%s %s)", app.ErrBookingFull, b.Day, b.Slot)
	}
	return c.publishBooking(ctx, x, *b)
}

// publishBooking writes a booking's change for its hall, under the next
// version (bumpVersion): on PostgreSQL in one statement, a round trip less
// for each booking of a batch.
func (c *Central) publishBooking(ctx context.Context, x q, b app.Booking) error {
	body, _ := json.Marshal(b)
	if c.d.name == "postgres" {
		_, err := x.exec(ctx, `WITH v AS (UPDATE meta SET value = value + 1 WHERE name = 'version' RETURNING value)
			INSERT INTO changes (version, hall, kind, body, at) SELECT value, ?, ?, ?, ? FROM v`,
			b.Hall, wire.ChangeBooking, string(body), stamp(c.now()))
		return err
	}
	v, err := x.bumpVersion(ctx)
	if err != nil {
		return err
	}
	_, err = x.exec(ctx, `INSERT INTO changes (version, hall, kind, body, at) VALUES (?, ?, ?, ?, ?)`,
		v, b.Hall, wire.ChangeBooking, string(body), stamp(c.now()))
	return err
}

// CancelBooking cancels an open booking. The citizen proves it is theirs
// with the ID number it was booked with; a wrong number and an unknown
// code are the same app.ErrNotFound, so that nobody learns which codes
// exist. A booking whose slot has started can no longer be cancelled.
func (c *Central) CancelBooking(ctx context.Context, hall, code, idNumber string) (app.Booking, error) {
	now := c.now()
	code = strings.TrimSpace(code)
	notFound := fmt.Errorf("cancel booking: %w: no booking with this code and ID number", app.ErrNotFound)
	if !app.ValidBookingCode(code) {
		return app.Booking{}, fmt.Errorf("cancel booking: %w: a booking code is 8 digits", app.ErrInvalidInput)
	}
	id, err := app.ParseIDNumber(idNumber, now)
	if err != nil {
		return app.Booking{}, fmt.Errorf("cancel booking: %w", err)
	}
	var b app.Booking
	err = c.tx(ctx, func(x q) error {
		var index []byte
		var err error
		b, index, err = c.bookingIn(ctx, x, hall, code)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !c.keys.Matches(index, "id", string(id)) {
			return notFound
		}
		if err != nil {
			return err
		}
		if b.State != app.BookingOpen {
			return fmt.Errorf("cancel booking: %w", app.ErrBookingNotOpen)
		}
		if start, err := slotStart(b); err == nil && !now.Before(start) {
			return fmt.Errorf("cancel booking: %w: the slot has started", app.ErrBookingClosed)
		}
		b.State, b.Cancelled = app.BookingCancelled, now.UTC()
		if _, err := x.exec(ctx, `UPDATE bookings SET state = 'cancelled', cancelled_at = ? WHERE hall = ? AND code = ? AND state = 'open'`,
			stamp(b.Cancelled), hall, code); err != nil {
			return err
		}
		if _, err := x.exec(ctx, `UPDATE booking_slots SET taken = taken - 1 WHERE hall = ? AND day = ? AND slot = ? AND category = ? AND taken > 0`,
			hall, string(b.Day), b.Slot, b.Category); err != nil {
			return err
		}
		return c.publishBooking(ctx, x, b)
	})
	if err != nil {
		return app.Booking{}, err
	}
	c.log.Info("booking cancelled", "hall", hall, "day", string(b.Day), "slot", b.Slot)
	return b, nil
}

// slotStart is when a booking's slot starts by its hall's plan, or by
// its name when the plan has it no more.
func slotStart(b app.Booking) (time.Time, error) {
	start, _, _ := strings.Cut(b.Slot, "-")
	t, _, err := app.BookingSlot{Start: start, End: "23:59"}.Times(b.Day)
	return t, err
}

const bookingCols = `hall, code, item_code, category, day, slot, who_masked, id_key, state, created_at, cancelled_at, checked_in_at, ticket`

func scanBooking(r interface{ Scan(...any) error }, extra ...any) (app.Booking, error) {
	var b app.Booking
	var day, state, created, cancelled, checked string
	err := r.Scan(append([]any{&b.Hall, &b.Code, &b.Item, &b.Category, &day, &b.Slot, &b.Who, &b.IDKey, &state,
		&created, &cancelled, &checked, &b.Ticket}, extra...)...)
	if err != nil {
		return b, err
	}
	b.Day, b.State = app.Date(day), app.BookingState(state)
	b.Created, _ = parseStamp(created)
	b.Cancelled, _ = parseStamp(cancelled)
	b.CheckedIn, _ = parseStamp(checked)
	return b, nil
}

// bookingIn is one booking and its ID number's index.
func (c *Central) bookingIn(ctx context.Context, x q, hall, code string) (app.Booking, []byte, error) {
	var index []byte
	b, err := scanBooking(x.row(ctx, `SELECT `+bookingCols+`, id_index FROM bookings WHERE hall = ? AND code = ?`, hall, code), &index)
	return b, index, err
}

// Booking is one booking of a hall, for its owner: found by its code and
// the ID number it was booked with (app.ErrNotFound otherwise).
func (c *Central) Booking(ctx context.Context, hall, code, idNumber string) (app.Booking, error) {
	id, err := app.ParseIDNumber(idNumber, c.now())
	if err != nil {
		return app.Booking{}, err
	}
	b, index, err := c.bookingIn(ctx, c.q(), hall, strings.TrimSpace(code))
	if errors.Is(err, sql.ErrNoRows) || err == nil && !c.keys.Matches(index, "id", string(id)) {
		return app.Booking{}, fmt.Errorf("%w: no booking with this code and ID number", app.ErrNotFound)
	}
	return b, err
}

// The citizens' pages' bookings are central's (app/citizen).
var _ citizen.BookingStore = (*Central)(nil)

// BookingSlots are a hall's slots on day with the places left for the
// item's queue category.
func (c *Central) BookingSlots(ctx context.Context, hall, item string, day app.Date) ([]citizen.SlotPlaces, error) {
	h, err := c.bookingSetup(ctx, hall)
	if err != nil {
		return nil, err
	}
	cat, err := c.catalogNow(ctx)
	if err != nil {
		return nil, err
	}
	it, ok := cat.Item(item)
	if !ok {
		return nil, fmt.Errorf("%w: item %q is not in the catalogue", app.ErrBookingNotOffered, item)
	}
	taken := map[string]int{}
	rows, err := c.q().query(ctx, `SELECT slot, taken FROM booking_slots WHERE hall = ? AND day = ? AND category = ?`, hall, string(day), it.Category)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		taken[s] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := c.now()
	var out []citizen.SlotPlaces
	for _, s := range h.Booking.Slots {
		capa := s.Capacity[it.Category]
		if capa <= 0 {
			continue
		}
		start, _, err := s.Times(day)
		if err != nil {
			return nil, err
		}
		out = append(out, citizen.SlotPlaces{Slot: s, Capacity: capa, Left: max(0, capa-taken[s.ID()]), Open: now.Before(start)})
	}
	return out, nil
}

// BookingHall is a hall's code, name and booking plan, as published, and
// the days that can be booked now: its working days by the published
// calendar, to its horizon.
func (c *Central) BookingHall(ctx context.Context, hall string) (citizen.BookingHall, error) {
	h, cat, cal, err := c.bookingSetupAndCatalog(ctx, hall, true)
	if err != nil {
		return citizen.BookingHall{}, err
	}
	return citizen.BookingHall{Code: h.Code, Name: h.Name, Plan: h.Booking, Days: h.Booking.Days(c.now(), cal),
		Items: citizen.BookingItems(h.Booking, cat)}, nil
}

// BookingHalls are the halls whose published set-up offers appointments,
// in the order of their codes.
func (c *Central) BookingHalls(ctx context.Context) ([]citizen.BookingHall, error) {
	rows, err := c.q().query(ctx, `SELECT body FROM published WHERE name LIKE 'hall/%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []citizen.BookingHall
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, err
		}
		var h app.Hall
		if json.Unmarshal([]byte(body), &h) != nil || !h.Booking.Offered() {
			continue
		}
		out = append(out, citizen.BookingHall{Code: h.Code, Name: h.Name, Plan: h.Booking})
	}
	return out, rows.Err()
}

// HallBookings are a hall's bookings of day, for its dashboard.
func (c *Central) HallBookings(ctx context.Context, hall string, day app.Date) ([]app.Booking, error) {
	return c.bookingsWhere(ctx, c.q(), `hall = ? AND day = ?`, hall, string(day))
}

func (c *Central) bookingsWhere(ctx context.Context, x q, where string, args ...any) ([]app.Booking, error) {
	rows, err := x.query(ctx, `SELECT `+bookingCols+` FROM bookings WHERE `+where+` ORDER BY day, slot, code`, args...)
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

// bookingKey is a hall's booking key, made on first need. Two centrals
// making it at once keep the first one written.
func (c *Central) bookingKey(ctx context.Context, hall string) ([]byte, error) {
	var key string
	err := c.q().row(ctx, `SELECT key FROM booking_keys WHERE hall = ?`, hall).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := c.q().exec(ctx, `INSERT INTO booking_keys (hall, key) VALUES (?, ?) ON CONFLICT (hall) DO NOTHING`,
			hall, randomToken(32)); err != nil {
			return nil, err
		}
		err = c.q().row(ctx, `SELECT key FROM booking_keys WHERE hall = ?`, hall).Scan(&key)
	}
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(key)
}
