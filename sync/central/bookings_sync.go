package central

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"onewindow/app"
	"onewindow/sync/wire"
)

// What of the appointments reaches which terminal of a hall, by the role
// it was enrolled as (as the staff's passwords do, enrol.go):
//
//   - The bookings (wire.ChangeBooking, wire.Snapshot.Bookings) go to the
//     hub only: it is the hall's one authority over them and checks them
//     in for every kiosk. A terminal enrolled before codes had a role
//     gets them too, as it gets the passwords.
//   - The hall's booking key goes to its kiosks only, added to the hall
//     set-up they receive (app.Hall.BookingKey); it is never in the
//     published set-up, so neither the console, nor the hub, nor a window
//     or hall screen holds it. The kiosk needs it to hash the ID card it
//     reads into the booking's id_key; the hub, which keeps those hashes,
//     never holds the key, so it cannot reverse them by trying every ID
//     number (the hall's kiosk key is kept from the hub for the same
//     reason, app/config). Central makes the key itself (per hall, on
//     first need) because the hashes are made at booking time, on
//     central, long before any card is read.

// seesBookings reports whether a terminal of role gets the hall's bookings.
func seesBookings(role string) bool { return role == RoleHub || role == "" }

// fitChanges is changes as a terminal of role may have them: bookings for
// the hub only, the booking key added to the hall set-ups of a kiosk.
func (c *Central) fitChanges(ctx context.Context, hall, role string, changes []wire.Change) ([]wire.Change, error) {
	out := changes[:0]
	for _, ch := range changes {
		switch {
		case ch.Kind == wire.ChangeBooking && !seesBookings(role):
			continue
		case ch.Kind == wire.ChangeHall && role == RoleKiosk:
			var h app.Hall
			if err := json.Unmarshal(ch.Body, &h); err != nil {
				return nil, fmt.Errorf("change %d: the hall's set-up does not read back: %w", ch.Version, err)
			}
			key, err := c.bookingKey(ctx, hall)
			if err != nil {
				return nil, err
			}
			h.BookingKey = hex.EncodeToString(key)
			if ch.Body, err = json.Marshal(h); err != nil {
				return nil, err
			}
		}
		out = append(out, ch)
	}
	return out, nil
}

// fitSnapshot adds to a snapshot what a terminal of role gets of the
// appointments: the hub the bookings from today on, a kiosk the key.
func (c *Central) fitSnapshot(ctx context.Context, hall, role string, snap *wire.Snapshot) error {
	switch {
	case seesBookings(role):
		bs, err := c.bookingsWhere(ctx, c.q(), `hall = ? AND day >= ?`, hall, string(app.DateOf(c.now())))
		if err != nil {
			return err
		}
		snap.Bookings = bs
	case role == RoleKiosk && snap.Hall != nil:
		key, err := c.bookingKey(ctx, hall)
		if err != nil {
			return err
		}
		snap.Hall.BookingKey = hex.EncodeToString(key)
	}
	return nil
}

// prepareCheckIn checks a hub's check-in of a booking (app.OpBookingCheckIn).
func prepareCheckIn(p prepared, ci *app.BookingCheckInPayload, from sender) prepared {
	reject := func(format string, args ...any) prepared {
		p.reject, p.checkIn = fmt.Sprintf(format, args...), nil
		return p
	}
	if why := from.notTheHub(); why != "" {
		return reject("%s", why)
	}
	switch {
	case ci == nil || ci.Code != p.op.Entity:
		return reject("the payload is not the check-in of booking %q", p.op.Entity)
	case !app.ValidBookingCode(ci.Code):
		return reject("booking code %q is not 8 digits", ci.Code)
	case ci.At.IsZero() || ci.Ticket == "" || len(ci.Ticket) > 40:
		return reject("booking %s: the time of the check-in or its ticket is missing", ci.Code)
	}
	p.checkIn = ci
	return p
}

// checkCheckIns refuses a check-in of a booking central does not hold for
// the hall.
func (c *Central) checkCheckIns(ctx context.Context, x q, hall string, fresh []prepared) error {
	var want []string
	for _, p := range fresh {
		if p.checkIn != nil && p.reject == "" {
			want = append(want, p.checkIn.Code)
		}
	}
	if len(want) == 0 {
		return nil
	}
	held, err := existing(ctx, x, `SELECT code FROM bookings WHERE hall = ? AND code IN `, []any{hall}, func(yield func(string) bool) {
		for _, w := range want {
			if !yield(w) {
				return
			}
		}
	})
	if err != nil {
		return err
	}
	for i := range fresh {
		p := &fresh[i]
		if p.checkIn != nil && p.reject == "" && !held[p.checkIn.Code] {
			p.reject = fmt.Sprintf("booking %s: central holds no such booking of hall %s", p.checkIn.Code, hall)
			p.checkIn = nil
		}
	}
	return nil
}

// applyCheckIn records a booking checked in at the hall, and tells the
// hall's hub (which knows already; a resync agrees with it). A check-in
// the hall made offline for a booking cancelled here meanwhile stands:
// the citizen was served.
func (c *Central) applyCheckIn(ctx context.Context, x q, hall string, ci app.BookingCheckInPayload) error {
	var was string
	err := x.row(ctx, `SELECT state FROM bookings WHERE hall = ? AND code = ?`, hall, ci.Code).Scan(&was)
	if errors.Is(err, sql.ErrNoRows) || err == nil && was == string(app.BookingDone) {
		return nil // checked in already: the operation came again
	}
	if err != nil {
		return err
	}
	b, err := scanBooking(x.row(ctx, `UPDATE bookings SET state = 'checked_in', checked_in_at = ?, ticket = ?
		WHERE hall = ? AND code = ? RETURNING `+bookingCols, stamp(ci.At), ci.Ticket, hall, ci.Code))
	if err != nil {
		return err
	}
	if was == string(app.BookingCancelled) { // the cancel gave its place back; the citizen took it after all
		if _, err := x.exec(ctx, `UPDATE booking_slots SET taken = taken + 1 WHERE hall = ? AND day = ? AND slot = ? AND category = ?`,
			hall, string(b.Day), b.Slot, b.Category); err != nil {
			return err
		}
	}
	return c.publishBooking(ctx, x, b)
}
