package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"onewindow/app"
)

// Rate stores a citizen's rating. A bad rating (不满意 or 非常不满意) opens a
// follow-up due in the hall's follow-up limit of working days. The rating,
// the follow-up and the outbox operation are written together.
func (s *Store) Rate(ctx context.Context, r app.Rating) (app.Rating, *app.FollowUp, error) {
	if err := r.Validate(); err != nil {
		return r, nil, err
	}
	var fu *app.FollowUp
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, fu, err = s.rateTx(ctx, tx, r)
		return err
	})
	if err != nil {
		return r, nil, fmt.Errorf("store rating: %w", err)
	}
	return r, fu, nil
}

// rateTx numbers and stores a rating, opening its follow-up if it is a bad
// one, with its outbox operation.
func (s *Store) rateTx(ctx context.Context, tx *sql.Tx, r app.Rating) (app.Rating, *app.FollowUp, error) {
	r.ID = app.NewID()
	r.At = s.now()
	var fu *app.FollowUp
	if r.Level.Bad() {
		cal, err := calendarOf(ctx, tx)
		if err != nil {
			return r, nil, err
		}
		st, err := s.settingsIn(ctx, tx)
		if err != nil {
			return r, nil, err
		}
		fu = &app.FollowUp{Rating: r.ID, Due: cal.AddWorkingDays(r.At, st.FollowUpDays), Opened: r.At}
	}
	if err := s.insertRating(ctx, tx, r, fu); err != nil {
		return r, nil, err
	}
	return r, fu, s.enqueue(ctx, tx, app.OpRating, r.ID, app.RatingPayload{Rating: r, FollowUp: fu})
}

// insertRating stores a rating, its comment sealed, and its follow-up, if
// any.
func (s *Store) insertRating(ctx context.Context, tx *sql.Tx, r app.Rating, fu *app.FollowUp) error {
	reasons, _ := json.Marshal(r.Reasons)
	if r.Reasons == nil {
		reasons = []byte("[]")
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ratings (id, level, reasons, comment_sealed, ticket, case_number, window, clerk, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.Level, string(reasons), s.sealComment(r), r.Ticket, r.Case,
		r.Window, r.Clerk, stamp(r.At)); err != nil {
		return err
	}
	if fu == nil {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO follow_ups (rating, due_date, opened_at) VALUES (?, ?, ?)`,
		fu.Rating, fu.Due, stamp(fu.Opened))
	return err
}

// ResolveFollowUp records how a bad rating was followed up and rectified.
func (s *Store) ResolveFollowUp(ctx context.Context, rating, actor, note string) error {
	if strings.TrimSpace(note) == "" || actor == "" {
		return fmt.Errorf("resolve follow-up: %w: say who followed up and what was done", app.ErrInvalidInput)
	}
	now := s.now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE follow_ups SET resolved_at = ?, note = ? WHERE rating = ? AND resolved_at = ''`,
			stamp(now), actor+": "+note, rating)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("follow-up of rating %s: %w (or already resolved)", rating, app.ErrNotFound)
		}
		return s.enqueue(ctx, tx, app.OpFollowUp, rating, app.FollowUpPayload{
			Rating: rating, Actor: actor, Note: note, Resolved: now.UTC(),
		})
	})
}

// OpenFollowUps lists the follow-ups not yet resolved, the ones due first first.
func (s *Store) OpenFollowUps(ctx context.Context) ([]app.OpenFollowUp, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT f.rating, f.due_date, f.opened_at, r.level, r.window, r.clerk
		FROM follow_ups f JOIN ratings r ON r.id = f.rating
		WHERE f.resolved_at = '' ORDER BY f.due_date, f.opened_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	today := app.DateOf(s.now())
	var out []app.OpenFollowUp
	for rows.Next() {
		var f app.OpenFollowUp
		var opened string
		if err := rows.Scan(&f.Rating, &f.Due, &opened, &f.Level, &f.Window, &f.Clerk); err != nil {
			return nil, err
		}
		if f.Opened, err = unstamp(opened); err != nil {
			return nil, err
		}
		f.Late = today > f.Due
		out = append(out, f)
	}
	return out, rows.Err()
}

// sealComment is a rating's comment sealed, or nothing for none.
func (s *Store) sealComment(r app.Rating) []byte {
	if r.Comment == "" {
		return nil
	}
	return s.keys.Seal(r.Comment, "rating/"+r.ID+"/comment")
}

// sealPlainComments seals the comments of ratings written before comments
// were sealed, and blanks them in clear; secure_delete zeroes the bytes.
func (s *Store) sealPlainComments(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, comment FROM ratings WHERE comment <> ''`)
	if err != nil {
		return err
	}
	var plain []app.Rating
	for rows.Next() {
		var r app.Rating
		if err := rows.Scan(&r.ID, &r.Comment); err != nil {
			rows.Close()
			return err
		}
		plain = append(plain, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(plain) == 0 {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range plain {
			if _, err := tx.ExecContext(ctx, `UPDATE ratings SET comment_sealed = ?, comment = '' WHERE id = ?`, s.sealComment(r), r.ID); err != nil {
				return err
			}
		}
		return nil
	})
}
