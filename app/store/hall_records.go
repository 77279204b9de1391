package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"onewindow/app"
)

// The hub's store is the hall's records.
var _ app.HallRecords = (*Store)(nil)

// ApplyHallBatch applies a batch of one terminal's outbox operations to the
// hall's records, in one transaction with the terminal's last sequence
// (DESIGN.md §4a). Each operation applied is relayed to central through the
// hub's own outbox under its own id, in the order applied here: central
// learns a case's steps in the order the hall chained them, whoever added
// them. An operation the hall cannot take (a case that does not follow the
// timeline held here, a second rating of one ticket) is refused with a
// reason, not relayed, and answered again if the batch comes again.
func (s *Store) ApplyHallBatch(ctx context.Context, terminal string, ops []app.Operation) (app.HallAnswer, error) {
	if terminal == "" || len(ops) == 0 {
		return app.HallAnswer{}, fmt.Errorf("%w: a batch names its terminal and carries operations", app.ErrInvalidInput)
	}
	var ans app.HallAnswer
	err := s.tx(ctx, func(tx *sql.Tx) error {
		ans = app.HallAnswer{}
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT last_seq FROM hall_peers WHERE terminal = ?`, terminal).Scan(&last)
		known := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// A terminal new to the hub starts wherever its outbox stands: what
		// it sent before went to central directly.
		if first := ops[0].Seq; known && first > last+1 {
			return &app.SequenceGap{Expected: last + 1}
		}
		ans.Held = last
		for _, op := range ops {
			if known && op.Seq <= last {
				var id, why string
				err := tx.QueryRowContext(ctx, `SELECT op_id, rejected FROM hall_ops WHERE terminal = ? AND seq = ?`, terminal, op.Seq).Scan(&id, &why)
				switch {
				case err == nil && id != op.ID:
					// Skipping it would lose it: the number now names
					// another operation.
					return fmt.Errorf("%w: operation %d is %s at the hub but the terminal now sends %s under that number; "+
						"its database was replaced or restored from a backup: its new records wait until a technician sees to it",
						app.ErrOutboxReplaced, op.Seq, id, op.ID)
				case err == nil && why != "":
					ans.Rejected = append(ans.Rejected, app.Rejection{Seq: op.Seq, Reason: why})
				case err != nil && !errors.Is(err, sql.ErrNoRows):
					return err
				}
				ans.Skipped++
				continue
			}
			ans.Held = max(ans.Held, op.Seq)
			var seen int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM hall_ops WHERE terminal = ? AND op_id = ?`, terminal, op.ID).Scan(&seen); err != nil {
				return err
			}
			if seen > 0 {
				ans.Skipped++ // held under another sequence: a database restored from a backup
				continue
			}
			why, err := s.applyHallOp(ctx, tx, terminal, op)
			if err != nil {
				return fmt.Errorf("operation %d (%s %s): %w", op.Seq, op.Kind, op.Entity, err)
			}
			if why != "" {
				ans.Rejected = append(ans.Rejected, app.Rejection{Seq: op.Seq, Reason: why})
			} else {
				ans.Applied++
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO hall_ops (op_id, terminal, seq, kind, entity, rejected, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				op.ID, terminal, op.Seq, op.Kind, op.Entity, why, stamp(s.now())); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO hall_peers (terminal, last_seq) VALUES (?, ?)
			ON CONFLICT (terminal) DO UPDATE SET last_seq = excluded.last_seq`, terminal, ans.Held)
		return err
	})
	if err != nil {
		return app.HallAnswer{}, fmt.Errorf("records from terminal %s: %w", terminal, err)
	}
	return ans, nil
}

// applyHallOp applies one operation, or says why the hall refuses it.
func (s *Store) applyHallOp(ctx context.Context, tx *sql.Tx, terminal string, op app.Operation) (string, error) {
	var why string
	var err error
	switch op.Kind {
	case app.OpCase:
		var p app.CasePayload
		if why = strictJSON(op.Payload, &p); why == "" {
			why, err = s.applyHallCase(ctx, tx, terminal, op.Entity, p)
		}
	case app.OpRating:
		var p app.RatingPayload
		if why = strictJSON(op.Payload, &p); why == "" {
			why, err = s.applyHallRating(ctx, tx, op.Entity, p)
		}
	case app.OpFollowUp:
		var p app.FollowUpPayload
		if why = strictJSON(op.Payload, &p); why == "" {
			why, err = s.applyHallFollowUp(ctx, tx, op.Entity, p)
		}
	case app.OpStaffPassword:
		var p app.StaffPasswordPayload
		if why = strictJSON(op.Payload, &p); why == "" && p.Staff != op.Entity {
			why = fmt.Sprintf("the payload is staff %q but the operation names %q", p.Staff, op.Entity)
		}
		if why == "" {
			why, err = s.applyStaffPassword(ctx, tx, p)
		}
	default:
		why = fmt.Sprintf("the hub takes cases, ratings, follow-ups and staff passwords, not %q operations", op.Kind)
	}
	if err != nil || why != "" {
		return why, err
	}
	return "", s.relay(ctx, tx, op)
}

// relay queues an operation applied here for central, under its own id:
// central skips an id it holds, so one a terminal sent to central itself
// before its hall had a hub is never applied twice.
func (s *Store) relay(ctx context.Context, tx *sql.Tx, op app.Operation) error {
	_, err := s.execTx(ctx, tx, `INSERT INTO outbox (op_id, kind, entity, payload, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (op_id) DO NOTHING`, op.ID, op.Kind, op.Entity, s.keys.Seal(string(op.Payload), "outbox/"+op.ID), stamp(op.Created))
	return err
}

func strictJSON(data []byte, v any) string {
	if err := app.DecodeStrict(data, v); err != nil {
		return "the payload is malformed: " + err.Error()
	}
	return ""
}

// applyHallCase takes a case's intake fields and the steps chained with
// them. The steps must follow the timeline held here exactly.
func (s *Store) applyHallCase(ctx context.Context, tx *sql.Tx, terminal, entity string, k app.CasePayload) (string, error) {
	switch {
	case k.Number != entity:
		return fmt.Sprintf("the payload is case %q but the operation names %q", k.Number, entity), nil
	case !strings.HasPrefix(k.Number, terminal+"-"):
		return fmt.Sprintf("case number %q was not issued by terminal %s", k.Number, terminal), nil
	}
	item, err := itemOf(ctx, tx, k.Item)
	if errors.Is(err, app.ErrNotFound) {
		return fmt.Sprintf("case %s: item %q is not in the hall's catalogue", k.Number, k.Item), nil
	}
	if err != nil {
		return "", err
	}
	if why := k.Check(item, s.now()); why != "" {
		return why, nil
	}
	var count int
	var head string
	err = tx.QueryRowContext(ctx, `SELECT event_count, head_hash FROM cases WHERE number = ?`, k.Number).Scan(&count, &head)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", err
	}
	if first := k.Events[0]; first.Seq != count+1 || first.PrevHash != head {
		return fmt.Sprintf("case %s: step %d does not follow the %d steps the hall holds; "+
			"another terminal added to the case meanwhile, so this step was not taken", k.Number, first.Seq, count), nil
	}
	prev := k.Events[len(k.Events)-1]
	accepted := ""
	if k.Accepted != nil {
		accepted = stamp(*k.Accepted)
	}
	keys := s.keys
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases (number, item_code, item_name_zh, item_name_en,
		name_sealed, id_sealed, phone_sealed, id_index, received, missing, reason, state, window, clerk, ticket,
		submitted_at, accepted_at, due_date, statutory_date, updated_at, applicant_document)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (number) DO UPDATE SET received = excluded.received, missing = excluded.missing,
		reason = excluded.reason, state = excluded.state, accepted_at = excluded.accepted_at,
		due_date = excluded.due_date, statutory_date = excluded.statutory_date, updated_at = excluded.updated_at`,
		k.Number, item.Code, item.Name.Zh, item.Name.En,
		keys.Seal(k.Name, "case/"+k.Number+"/name"),
		keys.Seal(k.IDNumber, "case/"+k.Number+"/id"),
		keys.Seal(k.Phone, "case/"+k.Number+"/phone"),
		s.idIndex(app.IDNumber(k.IDNumber)), jsonInts(k.Received), jsonInts(k.Missing), k.Reason, k.State,
		k.Window, k.Clerk, k.Ticket, stamp(k.Submitted), accepted, k.Due, k.Statutory, stamp(s.now()), k.Document); err != nil {
		return "", err
	}
	for _, e := range k.Events {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_number, seq, actor, action, state, at, note, prev_hash, hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Case, e.Seq, e.Actor, e.Action, e.State, stamp(e.At), e.Note, e.PrevHash, e.Hash); err != nil {
			return "", err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE cases SET event_count = ?, head_hash = ? WHERE number = ?`, prev.Seq, prev.Hash, k.Number)
	return "", err
}

// applyHallRating takes a rating made at a window's keypad, once per ticket
// and per case.
func (s *Store) applyHallRating(ctx context.Context, tx *sql.Tx, entity string, p app.RatingPayload) (string, error) {
	r := p.Rating
	if r.ID != entity {
		return fmt.Sprintf("the payload is rating %q but the operation names %q", r.ID, entity), nil
	}
	if err := r.Validate(); err != nil {
		return fmt.Sprintf("rating %s: %v", r.ID, strings.ReplaceAll(err.Error(), "\n", " ")), nil
	}
	r.Ticket = ticketID(r.Ticket, r.At)
	if why, err := ratedBefore(ctx, tx, r); why != "" || err != nil {
		return why, err
	}
	if err := s.insertRating(ctx, tx, r, p.FollowUp); err != nil {
		return "", err
	}
	return "", nil
}

// ratedBefore says why a ticket or case rated already cannot be rated again.
func ratedBefore(ctx context.Context, tx *sql.Tx, r app.Rating) (string, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ratings WHERE (ticket <> '' AND ticket = ?) OR (case_number <> '' AND case_number = ?)`,
		r.Ticket, r.Case).Scan(&n)
	if err != nil || n == 0 {
		return "", err
	}
	if r.Ticket != "" {
		return fmt.Sprintf("ticket %s was rated already: one rating per service (一次一评)", r.Ticket), nil
	}
	return fmt.Sprintf("case %s was rated already: one rating per service (一次一评)", r.Case), nil
}

func (s *Store) applyHallFollowUp(ctx context.Context, tx *sql.Tx, entity string, f app.FollowUpPayload) (string, error) {
	if f.Rating != entity {
		return fmt.Sprintf("the payload is the follow-up of rating %q but the operation names %q", f.Rating, entity), nil
	}
	if strings.TrimSpace(f.Note) == "" || f.Actor == "" || f.Resolved.IsZero() {
		return fmt.Sprintf("follow-up of rating %s: who, what and when must all be given", f.Rating), nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE follow_ups SET resolved_at = ?, note = ? WHERE rating = ? AND resolved_at = ''`,
		stamp(f.Resolved), f.Actor+": "+f.Note, f.Rating)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Sprintf("rating %s has no open follow-up in the hall", f.Rating), nil
	}
	return "", nil
}

// CasesInState lists the hall's cases in a state, oldest first.
func (s *Store) CasesInState(ctx context.Context, state app.CaseState, limit int) ([]app.Case, error) {
	if !state.Valid() {
		return nil, fmt.Errorf("%w: %q is not a case state", app.ErrInvalidInput, state)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE state = ? ORDER BY submitted_at, number LIMIT ?`, state, limit)
	if err != nil {
		return nil, err
	}
	return s.scanCases(rows)
}

// RateServed records a kiosk's rating after checking it against the hall's
// queue and cases (一次一评).
func (s *Store) RateServed(ctx context.Context, r app.Rating) (app.Rating, *app.FollowUp, error) {
	if err := r.Validate(); err != nil {
		return r, nil, err
	}
	var fu *app.FollowUp
	r.Ticket = ticketID(r.Ticket, s.now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		switch {
		case r.Ticket != "":
			var state, day string
			err := tx.QueryRowContext(ctx, `SELECT state, day, window, clerk FROM tickets WHERE id = ?`, r.Ticket).
				Scan(&state, &day, &r.Window, &r.Clerk)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: ticket %s was not issued in this hall", app.ErrNotRateable, r.Ticket)
			}
			if err != nil {
				return err
			}
			if day != string(app.DateOf(s.now())) || app.TicketState(state) != app.Done {
				return fmt.Errorf("%w: ticket %s has not been served today; a service is rated after it", app.ErrNotRateable, r.Ticket)
			}
		default:
			c, _, _, err := s.loadCase(ctx, tx, r.Case)
			if errors.Is(err, app.ErrNotFound) {
				return fmt.Errorf("%w: case %s is not one of this hall's", app.ErrNotRateable, r.Case)
			}
			if err != nil {
				return err
			}
			r.Window, r.Clerk = c.Window, c.Clerk
		}
		why, err := ratedBefore(ctx, tx, r)
		if err != nil {
			return err
		}
		if why != "" {
			return fmt.Errorf("%w: %s", app.ErrNotRateable, why)
		}
		r, fu, err = s.rateTx(ctx, tx, r)
		return err
	})
	if err != nil {
		return r, nil, fmt.Errorf("rating: %w", err)
	}
	return r, fu, nil
}

// ticketID is a rated ticket's id in the hall's queue: a number typed or
// printed alone (A012) is the one of the hall day of at.
func ticketID(ticket string, at time.Time) string {
	if ticket == "" || strings.Contains(ticket, "/") {
		return ticket
	}
	return string(app.DateOf(at)) + "/" + ticket
}
