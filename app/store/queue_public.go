package store

import (
	"context"
	"database/sql"

	"onewindow/app"
)

// QueueSnapshot reads the hall's queue for the citizens' pages on central
// (app.QueueSnapshot): each category's waiting tickets in the order they
// will be called, with how many are ahead of each by the rule a ticket's
// estimate uses at issue, the pace, and every ticket of today (Full). No
// name or keyed hash leaves in it.
func (s *Store) QueueSnapshot(ctx context.Context) (app.QueueSnapshot, error) {
	var snap app.QueueSnapshot
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		st, err := s.settingsIn(ctx, tx)
		if err != nil {
			return err
		}
		snap = app.QueueSnapshot{Day: app.DateOf(now), At: now, Near: st.Queue.NearCall, Full: true, Tickets: []app.PublicTicket{}}
		rows, err := s.rowsTx(ctx, tx, `SELECT code, category, priority, target_window, state, window FROM tickets
			WHERE day = ? ORDER BY queued_at, seq`, snap.Day)
		if err != nil {
			return err
		}
		type waiting struct {
			code     string
			priority bool
		}
		lines := map[string][]waiting{}
		for rows.Next() {
			var t app.PublicTicket
			var target int
			if err := rows.Scan(&t.Code, &t.Category, &t.Priority, &target, &t.State, &t.Window); err != nil {
				rows.Close()
				return err
			}
			snap.Tickets = append(snap.Tickets, t)
			if t.State == app.Waiting {
				lines[t.Category] = append(lines[t.Category], waiting{t.Code, t.Priority != app.NoPriority || target != 0})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		cats, err := s.rowsTx(ctx, tx, `SELECT prefix FROM categories ORDER BY rowid`)
		if err != nil {
			return err
		}
		var prefixes []string
		for cats.Next() {
			var p string
			if err := cats.Scan(&p); err != nil {
				cats.Close()
				return err
			}
			prefixes = append(prefixes, p)
		}
		cats.Close()
		for _, p := range prefixes {
			c := app.SnapshotCategory{Prefix: p, Waiting: []app.WaitingTicket{}}
			if c.Per, c.Open, err = s.serviceRate(ctx, tx, p, snap.Day); err != nil {
				return err
			}
			l := app.LineAhead{Cap: st.Queue.PriorityCap}
			if l.Headroom, err = s.headroom(ctx, tx, p, l.Cap); err != nil {
				return err
			}
			line := lines[p]
			for _, w := range line {
				if !w.priority {
					l.Ordinary++
				}
			}
			for i, w := range line { // queued order: those before i joined before it
				one := l
				if !w.priority {
					one.Ordinary--
				}
				p := app.NoPriority
				if w.priority {
					p = app.Appointment // any priority: Ahead asks only whether it has one
				}
				c.Waiting = append(c.Waiting, app.WaitingTicket{Code: w.code, Ahead: one.Ahead(p)})
				l.Before = i + 1
				if w.priority {
					l.PriorityBefore++
				}
			}
			snap.Categories = append(snap.Categories, c)
		}
		return nil
	})
	return snap, err
}

// TicketPlace is a ticket as the kiosk shows it to the citizen who scanned
// it: its state and window, and while it waits how many will be called
// before it and for about how long (as Issue told them, from now). Its
// masked name is left out: anyone may scan a ticket left behind.
func (s *Store) TicketPlace(ctx context.Context, id string) (app.Ticket, error) {
	var t app.Ticket
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = scanTicket(s.rowTx(ctx, tx, ticketByIDQuery, id)); err != nil {
			return notFound(err, "ticket "+id)
		}
		t.WhoMasked = ""
		if t.State != app.Waiting || t.Day != app.DateOf(s.now()) {
			return nil
		}
		var queued string
		if err := s.rowTx(ctx, tx, `SELECT queued_at FROM tickets WHERE id = ?`, id).Scan(&queued); err != nil {
			return err
		}
		at, err := unstamp(queued)
		if err != nil {
			return err
		}
		return s.estimate(ctx, tx, &t, at)
	})
	return t, err
}
