package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"onewindow/app"
)

// The store is the terminal's records of cases, ratings and follow-ups.
var _ app.CaseRecords = (*Store)(nil)

// TakeIn numbers a new case and records it with the outcome at intake, its
// events and its outbox operation in one transaction.
func (s *Store) TakeIn(ctx context.Context, in app.Intake) (app.Case, error) {
	if err := in.Validate(s.now()); err != nil {
		return app.Case{}, err
	}
	item, err := s.Item(ctx, in.ItemCode)
	if err != nil {
		return app.Case{}, err
	}
	if err := checkMaterials(item, in.Received); err != nil {
		return app.Case{}, err
	}
	if err := app.CheckDocumentFor(item, in.Applicant.Document); err != nil {
		return app.Case{}, err
	}
	var c app.Case
	err = s.tx(ctx, func(tx *sql.Tx) error {
		seq, err := next(ctx, tx, "case")
		if err != nil {
			return err
		}
		now := s.now()
		c = app.Case{
			Number:    fmt.Sprintf("%s-%s-%06d", s.terminal, now.In(app.HallZone).Format("20060102"), seq),
			ItemCode:  item.Code,
			ItemName:  item.Name,
			Applicant: in.Applicant,
			Received:  normalise(in.Received),
			State:     app.Submitted,
			Window:    in.Window,
			Clerk:     in.Actor,
			Ticket:    in.Ticket,
			Submitted: now,
			Updated:   now,
		}
		k := s.keys
		_, err = tx.ExecContext(ctx, `INSERT INTO cases (number, item_code, item_name_zh, item_name_en,
			name_sealed, id_sealed, phone_sealed, id_index, received, state, window, clerk, ticket, submitted_at, updated_at,
			applicant_document)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.Number, c.ItemCode, c.ItemName.Zh, c.ItemName.En,
			k.Seal(c.Applicant.Name, "case/"+c.Number+"/name"),
			k.Seal(string(c.Applicant.IDNumber), "case/"+c.Number+"/id"),
			k.Seal(c.Applicant.Phone, "case/"+c.Number+"/phone"),
			s.idIndex(c.Applicant.IDNumber), jsonInts(c.Received), c.State, c.Window, c.Clerk, c.Ticket,
			stamp(now), stamp(now), c.Applicant.Document)
		if err != nil {
			return err
		}
		events := []app.CaseEvent{}
		ev, err := s.appendEvent(ctx, tx, &c, 0, "", in.Actor, string(app.Submitted), app.Submitted, "")
		if err != nil {
			return err
		}
		events = append(events, ev)
		c.Key = app.ReceiptKey(ev.Hash)
		if in.Outcome != app.Submitted {
			more, err := s.decide(ctx, tx, &c, item, app.Decision{To: in.Outcome, Actor: in.Actor, Note: in.Reason}, ev.Seq, ev.Hash)
			if err != nil {
				return err
			}
			events = append(events, more...)
		}
		return s.enqueue(ctx, tx, app.OpCase, c.Number, app.NewCasePayload(c, events))
	})
	if err != nil {
		return app.Case{}, fmt.Errorf("take in case for item %s: %w", in.ItemCode, err)
	}
	return c, nil
}

// Decide moves a case to a new state, records the event, and queues the
// change for central, in one transaction. An illegal move changes nothing.
func (s *Store) Decide(ctx context.Context, number string, d app.Decision) (app.Case, error) {
	if d.Actor == "" {
		return app.Case{}, fmt.Errorf("case %s: %w: who decides must be named", number, app.ErrInvalidInput)
	}
	var c app.Case
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var count int
		var head string
		var err error
		c, count, head, err = s.loadLiveCase(ctx, tx, number)
		if err != nil {
			return err
		}
		item, err := itemOf(ctx, tx, c.ItemCode)
		if err != nil {
			return err
		}
		if d.Received != nil {
			if err := checkMaterials(item, d.Received); err != nil {
				return err
			}
			c.Received = normalise(d.Received)
		}
		events, err := s.decide(ctx, tx, &c, item, d, count, head)
		if err != nil {
			return err
		}
		return s.enqueue(ctx, tx, app.OpCase, c.Number, app.NewCasePayload(c, events))
	})
	if err != nil {
		return app.Case{}, fmt.Errorf("case %s: %w", number, err)
	}
	return c, nil
}

// decide applies the rules of a move to c inside tx and stores the result.
func (s *Store) decide(ctx context.Context, tx *sql.Tx, c *app.Case, item app.Item, d app.Decision, count int, head string) ([]app.CaseEvent, error) {
	if err := app.CheckMove(c.State, d.To); err != nil {
		return nil, err
	}
	now := s.now()
	missing := missingMaterials(item, c.Received)
	switch d.To {
	case app.Accepted:
		if len(missing) > 0 {
			return nil, fmt.Errorf("%w: %s", app.ErrMaterialsMissing, materialNames(item, missing))
		}
		cal, err := calendarOf(ctx, tx)
		if err != nil {
			return nil, err
		}
		c.Accepted = now
		c.Due = cal.AddWorkingDays(now, item.PromisedDays)
		c.Statutory = cal.AddWorkingDays(now, item.StatutoryDays)
		c.Missing = nil
	case app.SupplementRequested:
		if len(missing) == 0 {
			return nil, app.ErrNothingMissing
		}
		c.Missing = missing
		d.Note = strings.TrimSpace(d.Note + " " + materialNames(item, missing))
	case app.Refused, app.Denied:
		if strings.TrimSpace(d.Note) == "" {
			return nil, app.ErrNoReason
		}
		c.Reason = d.Note
	}
	c.State = d.To
	c.Updated = now
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET state = ?, received = ?, missing = ?, reason = ?,
		accepted_at = ?, due_date = ?, statutory_date = ?, updated_at = ? WHERE number = ?`,
		c.State, jsonInts(c.Received), jsonInts(c.Missing), c.Reason,
		stamp(c.Accepted), c.Due, c.Statutory, stamp(now), c.Number); err != nil {
		return nil, err
	}
	action := d.Action
	if action == "" {
		action = string(d.To)
	}
	ev, err := s.appendEvent(ctx, tx, c, count, head, d.Actor, action, d.To, d.Note)
	if err != nil {
		return nil, err
	}
	return []app.CaseEvent{ev}, nil
}

// appendEvent chains a new event after the case's head (count events, the
// last with hash head) and moves the head.
func (s *Store) appendEvent(ctx context.Context, tx *sql.Tx, c *app.Case, count int, head, actor, action string, state app.CaseState, note string) (app.CaseEvent, error) {
	e := app.CaseEvent{
		Case: c.Number, Seq: count + 1, Actor: actor, Action: action, State: state,
		At: s.now().UTC(), Note: note, PrevHash: head,
	}
	e.Hash = e.HashUnder(s.keys.Suite())
	if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_number, seq, actor, action, state, at, note, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.Case, e.Seq, e.Actor, e.Action, e.State, stamp(e.At), e.Note, e.PrevHash, e.Hash); err != nil {
		return e, err
	}
	_, err := tx.ExecContext(ctx, `UPDATE cases SET event_count = ?, head_hash = ? WHERE number = ?`, e.Seq, e.Hash, c.Number)
	return e, err
}

const caseColumns = `number, item_code, item_name_zh, item_name_en, name_sealed, id_sealed, phone_sealed,
	received, missing, reason, state, window, clerk, ticket, submitted_at, accepted_at, due_date, statutory_date,
	updated_at, event_count, head_hash, purged_at, applicant_document,
	COALESCE((SELECT e.hash FROM case_events e WHERE e.case_number = cases.number AND e.seq = 1), '')`

func (s *Store) scanCase(r interface{ Scan(...any) error }) (c app.Case, count int, head string, err error) {
	var name, id, phone []byte
	var received, missing, submitted, accepted, updated, purged, first string
	err = r.Scan(&c.Number, &c.ItemCode, &c.ItemName.Zh, &c.ItemName.En, &name, &id, &phone,
		&received, &missing, &c.Reason, &c.State, &c.Window, &c.Clerk, &c.Ticket, &submitted, &accepted,
		&c.Due, &c.Statutory, &updated, &count, &head, &purged, &c.Applicant.Document, &first)
	if err != nil {
		return
	}
	if first != "" {
		c.Key = app.ReceiptKey(first)
	}
	k := s.keys
	if c.Applicant.Name, err = k.Open(name, "case/"+c.Number+"/name"); err != nil {
		return
	}
	var idn string
	if idn, err = k.Open(id, "case/"+c.Number+"/id"); err != nil {
		return
	}
	c.Applicant.IDNumber = app.IDNumber(idn)
	if c.Applicant.Phone, err = k.Open(phone, "case/"+c.Number+"/phone"); err != nil {
		return
	}
	if err = json.Unmarshal([]byte(received), &c.Received); err != nil {
		return
	}
	if err = json.Unmarshal([]byte(missing), &c.Missing); err != nil {
		return
	}
	if c.Submitted, err = unstamp(submitted); err != nil {
		return
	}
	if c.Accepted, err = unstamp(accepted); err != nil {
		return
	}
	if c.Purged, err = unstamp(purged); err != nil {
		return
	}
	c.Updated, err = unstamp(updated)
	return
}

func (s *Store) loadCase(ctx context.Context, q querier, number string) (app.Case, int, string, error) {
	c, count, head, err := s.scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE number = ?`, number))
	return c, count, head, notFound(err, "case "+number)
}

// loadLiveCase is loadCase for a new step: a purged case takes none, since
// its step would carry central a case without its applicant.
func (s *Store) loadLiveCase(ctx context.Context, tx *sql.Tx, number string) (app.Case, int, string, error) {
	c, count, head, err := s.loadCase(ctx, tx, number)
	if err == nil && !c.Purged.IsZero() {
		err = fmt.Errorf("%w: its applicant's personal data was erased after the retention period, and a purged case moves no more", app.ErrIllegalTransition)
	}
	return c, count, head, err
}

// Case returns a case with its applicant decrypted.
func (s *Store) Case(ctx context.Context, number string) (app.Case, error) {
	c, _, _, err := s.loadCase(ctx, s.db, number)
	return c, err
}

// CaseWithEvents returns a case with its timeline.
func (s *Store) CaseWithEvents(ctx context.Context, number string) (app.Case, []app.CaseEvent, error) {
	c, err := s.Case(ctx, number)
	if err != nil {
		return c, nil, err
	}
	evs, err := s.Events(ctx, number)
	return c, evs, err
}

// CasesByIDNumber finds every case of the holder of an ID number, newest
// first, by its keyed hash: the number itself is never searched in clear.
func (s *Store) CasesByIDNumber(ctx context.Context, id app.IDNumber) ([]app.Case, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases WHERE id_index IN (?, ?) ORDER BY submitted_at DESC`, s.idIndexes(id)...)
	if err != nil {
		return nil, err
	}
	return s.scanCases(rows)
}

// scanCases reads the cases of a query and closes it.
func (s *Store) scanCases(rows *sql.Rows) ([]app.Case, error) {
	defer rows.Close()
	var out []app.Case
	for rows.Next() {
		c, _, _, err := s.scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// OpenCases lists the cases still open (not refused and not closed), the
// ones due first first, each with its supervision light now. window 0 lists
// the whole hall's.
func (s *Store) OpenCases(ctx context.Context, window int) ([]app.CaseWithLight, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.Settings(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases
		WHERE state NOT IN ('closed', 'refused') AND (? = 0 OR window = ?)
		ORDER BY due_date = '', due_date, submitted_at`, window, window)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.now()
	var out []app.CaseWithLight
	for rows.Next() {
		c, _, _, err := s.scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, app.CaseWithLight{Case: c, Light: app.LightOf(c, now, cal, st.WarnDays)})
	}
	return out, rows.Err()
}

// Events returns a case's timeline in order.
func (s *Store) Events(ctx context.Context, number string) ([]app.CaseEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT case_number, seq, actor, action, state, at, note, prev_hash, hash
		FROM case_events WHERE case_number = ? ORDER BY rowid`, number)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.CaseEvent
	for rows.Next() {
		var e app.CaseEvent
		var at string
		if err := rows.Scan(&e.Case, &e.Seq, &e.Actor, &e.Action, &e.State, &at, &e.Note, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		if e.At, err = unstamp(at); err != nil {
			return nil, fmt.Errorf("case %s step %d: the time %q is damaged", number, e.Seq, at)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Verify checks a case's timeline against its hash chain and the head kept
// with the case; it returns app.ErrChainBroken, naming the step, if any step
// was edited, removed or reordered.
func (s *Store) Verify(ctx context.Context, number string) error {
	var count int
	var head string
	err := s.db.QueryRowContext(ctx, `SELECT event_count, head_hash FROM cases WHERE number = ?`, number).Scan(&count, &head)
	if err != nil {
		return notFound(err, "case "+number)
	}
	events, err := s.Events(ctx, number)
	if err != nil {
		return fmt.Errorf("%w: %v", app.ErrChainBroken, err)
	}
	if err := app.VerifyChain(events, head, count); err != nil {
		return fmt.Errorf("case %s: %w", number, err)
	}
	return nil
}

func (s *Store) idIndex(id app.IDNumber) []byte { return s.keys.Index("id", string(id)) }

// idIndexes are an ID number's index under either suite: a look-up finds
// cases indexed before and after a move to GM, resealed or not yet.
func (s *Store) idIndexes(id app.IDNumber) []any {
	ix := s.keys.Indexes("id", string(id))
	return []any{ix[0], ix[1]}
}

func itemOf(ctx context.Context, q querier, code string) (app.Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT body FROM items WHERE code = ?`, code))
	return it, notFound(err, "service item "+code)
}

func checkMaterials(item app.Item, received []int) error {
	for _, i := range received {
		if i < 0 || i >= len(item.Materials) {
			return fmt.Errorf("%w: item %s has no material number %d", app.ErrInvalidInput, item.Code, i)
		}
	}
	return nil
}

func missingMaterials(item app.Item, received []int) []int {
	var out []int
	for i, m := range item.Materials {
		if m.Required && !slices.Contains(received, i) {
			out = append(out, i)
		}
	}
	return out
}

func materialNames(item app.Item, idx []int) string {
	names := make([]string, len(idx))
	for i, j := range idx {
		names[i] = item.Materials[j].Name.Zh
	}
	return strings.Join(names, "、")
}

func normalise(xs []int) []int {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

func jsonInts(xs []int) string {
	if len(xs) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(xs)
	return string(b)
}
