package store

// The purge of personal data (issue 16 §1, DESIGN.md §4a): once a case has
// ended (app.CaseState.Ended) the retention period ago and every operation
// of it has left this store's outbox (a kiosk's or window's to the hub, the
// hub's to central), its applicant's sealed name, ID number and phone and
// its ID look-up hash are erased, and so are they in the sealed payloads of
// its operations. The case keeps its number, item, dates, state and
// timeline; the timeline's hash chain covers no personal data, so it still
// verifies. A rating's sealed comment is erased likewise, the retention
// period after the rating. secure_delete (Open) zeroes what is overwritten,
// and a checkpoint empties the write-ahead log of the older pages.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"onewindow/app"
)

// EndedFunc says whether a case has ended and when: by its timeline in
// this store (nil), or, on a terminal whose hall has a hub, by the hall's
// timeline at the hub, which alone chains a case's steps after intake.
type EndedFunc func(ctx context.Context, number string) (at time.Time, ended bool, err error)

// Purged counts what one purge erased.
type Purged struct {
	Cases    int // cases whose applicant was erased
	Comments int // ratings whose comment was erased
	// Waiting counts the cases ended before the cut-off that were kept
	// because an operation of theirs has not left the outbox (or was
	// refused where it went).
	Waiting int
}

// purgeChunk bounds the cases (or ratings) erased in one transaction.
const purgeChunk = 200

// PurgePersonalData erases the personal data of every case that ended
// before `before` and of every rating made before it, once none of their
// operations waits in the outbox, then checkpoints the write-ahead log.
// ended says when a case ended; nil reads the case's timeline here. An
// error from ended stops the purge of cases (the ratings' is done first):
// nothing is erased on a guess.
func (s *Store) PurgePersonalData(ctx context.Context, before time.Time, ended EndedFunc) (Purged, error) {
	var p Purged
	unsent, err := s.unsentEntities(ctx)
	if err != nil {
		return p, err
	}
	if p.Comments, err = s.purgeComments(ctx, before, unsent); err != nil {
		return p, err
	}
	query := `SELECT number FROM cases WHERE purged_at = '' AND submitted_at < ?`
	if ended == nil {
		// Here only a case in a state that ends it can have ended.
		ended = s.endedHere
		query += ` AND state IN (` + endedStates() + `)`
	}
	rows, err := s.db.QueryContext(ctx, query+` ORDER BY submitted_at`, stamp(before))
	if err != nil {
		return p, err
	}
	numbers, err := scanStrings(rows)
	if err != nil {
		return p, err
	}
	var due []string
	for _, n := range numbers {
		at, ok, err := ended(ctx, n)
		if err != nil {
			return p, fmt.Errorf("purge: when case %s ended: %w", n, err)
		}
		switch {
		case !ok || !at.Before(before):
		case unsent[n]:
			p.Waiting++
		default:
			due = append(due, n)
		}
	}
	for len(due) > 0 {
		chunk := due[:min(len(due), purgeChunk)]
		due = due[len(chunk):]
		n, err := s.purgeCases(ctx, chunk)
		p.Cases += n
		if err != nil {
			return p, err
		}
	}
	return p, s.checkpoint(ctx)
}

// endedHere reads when a case ended from its timeline in this store.
func (s *Store) endedHere(ctx context.Context, number string) (time.Time, bool, error) {
	events, err := s.Events(ctx, number)
	if err != nil {
		return time.Time{}, false, err
	}
	at, ok := app.EndedAt(events)
	return at, ok, nil
}

// unsentEntities are the cases and ratings with an operation not taken
// where it went: waiting, or refused there.
func (s *Store) unsentEntities(ctx context.Context) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT entity FROM outbox WHERE state <> 'sent'`)
	if err != nil {
		return nil, err
	}
	list, err := scanStrings(rows)
	out := make(map[string]bool, len(list))
	for _, e := range list {
		out[e] = true
	}
	return out, err
}

// purgeCases erases the applicants of cases in one transaction, skipping
// any with an operation that came to wait meanwhile (ResendFrom), and
// blanks them in the payloads of the cases' operations.
func (s *Store) purgeCases(ctx context.Context, numbers []string) (int, error) {
	var n int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		live, err := notPending(ctx, tx, numbers)
		if err != nil || len(live) == 0 {
			return err
		}
		in, args := inList(live)
		res, err := tx.ExecContext(ctx, `UPDATE cases SET name_sealed = NULL, id_sealed = NULL, phone_sealed = NULL,
			id_index = X'', purged_at = ? WHERE purged_at = '' AND number IN (`+in+`)`, append([]any{stamp(s.now())}, args...)...)
		if err != nil {
			return err
		}
		n64, _ := res.RowsAffected()
		n = int(n64)
		return s.blankPayloads(ctx, tx, app.OpCase, live, blankApplicant)
	})
	return n, err
}

// purgeComments erases the comments of the ratings made before `before`
// whose operations have all been taken.
func (s *Store) purgeComments(ctx context.Context, before time.Time, unsent map[string]bool) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM ratings WHERE (comment_sealed IS NOT NULL OR comment <> '') AND at < ?`, stamp(before))
	if err != nil {
		return 0, err
	}
	ids, err := scanStrings(rows)
	if err != nil {
		return 0, err
	}
	var due []string
	for _, id := range ids {
		if !unsent[id] {
			due = append(due, id)
		}
	}
	total := 0
	for len(due) > 0 {
		chunk := due[:min(len(due), purgeChunk)]
		due = due[len(chunk):]
		err := s.tx(ctx, func(tx *sql.Tx) error {
			live, err := notPending(ctx, tx, chunk)
			if err != nil || len(live) == 0 {
				return err
			}
			in, args := inList(live)
			res, err := tx.ExecContext(ctx, `UPDATE ratings SET comment_sealed = NULL, comment = '' WHERE id IN (`+in+`)`, args...)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			total += int(n)
			return s.blankPayloads(ctx, tx, app.OpRating, live, blankComment)
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// notPending keeps the entities with no operation waiting in the outbox.
func notPending(ctx context.Context, tx *sql.Tx, entities []string) ([]string, error) {
	in, args := inList(entities)
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT entity FROM outbox WHERE state = 'pending' AND entity IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	waiting, err := scanStrings(rows)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(slices.Clone(entities), func(e string) bool { return slices.Contains(waiting, e) }), nil
}

// blankPayloads seals again, without the personal data blank takes out,
// the payloads of the entities' operations of one kind.
func (s *Store) blankPayloads(ctx context.Context, tx *sql.Tx, kind string, entities []string, blank func(map[string]json.RawMessage) error) error {
	in, args := inList(entities)
	rows, err := tx.QueryContext(ctx, `SELECT op_id, payload FROM outbox WHERE kind = ? AND entity IN (`+in+`)`, append([]any{kind}, args...)...)
	if err != nil {
		return err
	}
	type op struct {
		id     string
		sealed []byte
	}
	var ops []op
	for rows.Next() {
		var o op
		if err := rows.Scan(&o.id, &o.sealed); err != nil {
			rows.Close()
			return err
		}
		ops = append(ops, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, o := range ops {
		body, err := s.keys.Open(o.sealed, "outbox/"+o.id)
		if err != nil {
			return fmt.Errorf("outbox operation %s: %w", o.id, err)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(body), &fields); err != nil {
			return fmt.Errorf("outbox operation %s: the payload is damaged: %w", o.id, err)
		}
		if err := blank(fields); err != nil {
			return fmt.Errorf("outbox operation %s: %w", o.id, err)
		}
		clean, err := json.Marshal(fields)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET payload = ? WHERE op_id = ?`, s.keys.Seal(string(clean), "outbox/"+o.id), o.id); err != nil {
			return err
		}
	}
	return nil
}

// blankApplicant takes the applicant out of an app.CasePayload.
func blankApplicant(f map[string]json.RawMessage) error {
	f["applicant_name"] = json.RawMessage(`""`)
	f["applicant_id"] = json.RawMessage(`""`)
	delete(f, "applicant_phone")
	return nil
}

// blankComment takes the comment out of an app.RatingPayload's rating.
func blankComment(f map[string]json.RawMessage) error {
	var r map[string]json.RawMessage
	if err := json.Unmarshal(f["rating"], &r); err != nil {
		return fmt.Errorf("the rating in the payload is damaged: %w", err)
	}
	delete(r, "comment")
	b, err := json.Marshal(r)
	f["rating"] = b
	return err
}

// checkpoint copies the log into the database file and empties it, so that
// no older page with erased data stays in the log. A reader holding the log
// makes it wait for the next purge (SQLite answers busy, not an error).
func (s *Store) checkpoint(ctx context.Context) error {
	var busy, logged, copied int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &copied); err != nil {
		return fmt.Errorf("purge: checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("purge: checkpoint: readers held the write-ahead log; it is emptied at the next purge")
	}
	return nil
}

// endedStates are the states that end a case (app.CaseState.Ended), as an
// SQL list.
func endedStates() string {
	var ends []string
	for _, st := range app.CaseStates {
		if st.Ended() {
			ends = append(ends, "'"+string(st)+"'")
		}
	}
	return strings.Join(ends, ", ")
}

func inList(xs []string) (string, []any) {
	args := make([]any, len(xs))
	for i, x := range xs {
		args[i] = x
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(xs)), ","), args
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
