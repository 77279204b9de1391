package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"onewindow/app"
	"onewindow/app/citizen"
)

// Central is the citizens' pages' store (app/citizen).
var _ citizen.Store = (*Central)(nil)

// keepTicketDays is how many days of tickets the citizens' pages keep: a
// ticket's page says "this ticket is of …" for a week, then it is gone.
const keepTicketDays = 7

// TakeQueueSnapshot stores a hall's queue snapshot from its hub: the lines
// replace the hall's last, the tickets named are upserted. A snapshot older
// than the one held (a retry overtaken by a newer one) changes nothing. It
// returns the hall's snapshot version.
func (c *Central) TakeQueueSnapshot(ctx context.Context, hall string, s app.QueueSnapshot) (int64, error) {
	if err := s.Validate(); err != nil {
		return 0, fmt.Errorf("queue snapshot: %w", err)
	}
	tickets := s.Tickets
	s.Tickets = nil
	body, _ := json.Marshal(s)
	var version int64
	err := c.tx(ctx, func(x q) error {
		var day, at string
		err := x.row(ctx, `SELECT day, at, version FROM queue_now WHERE hall = ?`, hall).Scan(&day, &at, &version)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case at > stamp(s.At):
			return nil // overtaken
		}
		if day != string(s.Day) {
			t, _ := s.Day.Time()
			if _, err := x.exec(ctx, `DELETE FROM public_tickets WHERE hall = ? AND day < ?`,
				hall, string(app.DateOf(t.AddDate(0, 0, -keepTicketDays)))); err != nil {
				return err
			}
		}
		for _, t := range tickets {
			if _, err := x.execCached(ctx, `INSERT INTO public_tickets (hall, day, code, category, state, window_no, priority)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hall, day, code) DO UPDATE SET category = excluded.category,
				state = excluded.state, window_no = excluded.window_no, priority = excluded.priority`,
				hall, string(s.Day), t.Code, t.Category, string(t.State), t.Window, string(t.Priority)); err != nil {
				return err
			}
		}
		version++
		_, err = x.exec(ctx, `INSERT INTO queue_now (hall, day, at, received_at, version, body) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (hall) DO UPDATE SET day = excluded.day, at = excluded.at, received_at = excluded.received_at,
			version = excluded.version, body = excluded.body`,
			hall, string(s.Day), stamp(s.At), stamp(c.now()), version, string(body))
		return err
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// TicketSecrets is the secret of the hall's hub, which keys its tickets'
// links (app.TicketKey): the hub's terminal secret as central keeps it.
func (c *Central) TicketSecrets(ctx context.Context, hall string) ([]string, error) {
	rows, err := c.q().query(ctx, `SELECT secret_hash FROM terminals WHERE hall = ? AND enrolled_as = ? AND revoked_at = ''
		AND secret_hash <> ''`, hall, RoleHub)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// QueueVersion is the version of a hall's last snapshot, 0 before one.
func (c *Central) QueueVersion(ctx context.Context, hall string) (int64, error) {
	var v int64
	err := c.q().row(ctx, `SELECT version FROM queue_now WHERE hall = ?`, hall).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// QueueNow is a hall's last snapshot.
func (c *Central) QueueNow(ctx context.Context, hall string) (citizen.QueueNow, error) {
	var n citizen.QueueNow
	var received, body string
	err := c.q().row(ctx, `SELECT received_at, version, body FROM queue_now WHERE hall = ?`, hall).Scan(&received, &n.Version, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("%w: no queue snapshot from hall %s", app.ErrNotFound, hall)
	}
	if err != nil {
		return n, err
	}
	n.Received, _ = parseStamp(received)
	if err := json.Unmarshal([]byte(body), &n.Snapshot); err != nil {
		return n, fmt.Errorf("hall %s's queue snapshot does not read back: %w", hall, err)
	}
	return n, nil
}

// PublicTicket is one ticket as the snapshots left it.
func (c *Central) PublicTicket(ctx context.Context, hall string, day app.Date, code string) (app.PublicTicket, error) {
	t := app.PublicTicket{Code: code}
	var state, priority string
	err := c.q().row(ctx, `SELECT category, state, window_no, priority FROM public_tickets WHERE hall = ? AND day = ? AND code = ?`,
		hall, string(day), code).Scan(&t.Category, &state, &t.Window, &priority)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("%w: ticket %s/%s of hall %s", app.ErrNotFound, day, code, hall)
	}
	t.State, t.Priority = app.TicketState(state), app.Priority(priority)
	return t, err
}

// HallName is a hall's name from its published set-up.
func (c *Central) HallName(ctx context.Context, hall string) (app.Text, error) {
	h, err := c.HallSetup(ctx, hall)
	return h.Name, err
}

// PublicCase is a case for its progress page: the masked applicant, its
// dates, its timeline's first hash, and each department's opinion.
func (c *Central) PublicCase(ctx context.Context, number string) (citizen.Case, error) {
	k := citizen.Case{Number: number}
	var state, decision, submitted, accepted, due, updated string
	var name []byte
	err := c.q().row(ctx, `SELECT c.hall, c.item_code, c.name_sealed, c.state, c.decision, c.submitted_at, c.accepted_at,
		c.due_date, c.updated_at, COALESCE((SELECT e.hash FROM case_events e WHERE e.case_number = c.number AND e.seq = 1), '')
		FROM cases c WHERE c.number = ?`, number).
		Scan(&k.Hall, &k.ItemCode, &name, &state, &decision, &submitted, &accepted, &due, &updated, &k.FirstHash)
	if errors.Is(err, sql.ErrNoRows) {
		return k, fmt.Errorf("%w: case %s", app.ErrNotFound, number)
	}
	if err != nil {
		return k, err
	}
	k.State, k.Due = app.CaseState(state), app.Date(due)
	if decision != "" && k.State.Running() {
		k.State = app.CaseState(decision) // decided here; the hall records it when it next pulls
	}
	k.Submitted, _ = parseStamp(submitted)
	k.Accepted, _ = parseStamp(accepted)
	k.Updated, _ = parseStamp(updated)
	full, _ := c.keys.Open(name, "case/"+number+"/name")
	k.Masked = app.MaskName(full)
	rows, err := c.q().query(ctx, `SELECT department, approve, reason, at FROM opinions WHERE case_number = ? ORDER BY at, department`, number)
	if err != nil {
		return k, err
	}
	defer rows.Close()
	for rows.Next() {
		var o citizen.Opinion
		var approve int
		var at string
		if err := rows.Scan(&o.Department, &approve, &o.Reason, &at); err != nil {
			return k, err
		}
		o.Approve = approve == 1
		if o.Approve {
			o.Reason = "" // an approval's note is the department's own
		}
		o.At, _ = parseStamp(at)
		k.Opinions = append(k.Opinions, o)
	}
	return k, rows.Err()
}

// Completed are the cases of hall decided on day (the hall's day), the
// earliest first: 办件公示.
func (c *Central) Completed(ctx context.Context, hall string, day app.Date) ([]citizen.Completed, error) {
	start, err := day.Time()
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not a date", app.ErrInvalidInput, day)
	}
	rows, err := c.q().query(ctx, `SELECT number, item_code, name_sealed, decision, decided_at FROM cases
		WHERE hall = ? AND decision <> '' AND decided_at >= ? AND decided_at < ? ORDER BY decided_at, number LIMIT 2000`,
		hall, stamp(start), stamp(start.Add(24*time.Hour)))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []citizen.Completed
	for rows.Next() {
		var p citizen.Completed
		var name []byte
		var decision, at string
		if err := rows.Scan(&p.Number, &p.ItemCode, &name, &decision, &at); err != nil {
			return nil, err
		}
		p.Outcome = app.CaseState(decision)
		p.At, _ = parseStamp(at)
		full, _ := c.keys.Open(name, "case/"+p.Number+"/name")
		p.Masked = app.MaskName(full)
		out = append(out, p)
	}
	return out, rows.Err()
}
