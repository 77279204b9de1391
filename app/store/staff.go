package store

import (
	"context"
	"database/sql"
	"fmt"

	"onewindow/app"
)

var _ app.StaffDirectory = (*Store)(nil)

// LoginRecord returns the failed logins remembered for a staff id; an id
// never seen has none.
func (s *Store) LoginRecord(ctx context.Context, id string) (app.LoginRecord, error) {
	var r app.LoginRecord
	var until string
	err := s.db.QueryRowContext(ctx, `SELECT failures, locked_until FROM login_failures WHERE staff_id = ?`, id).
		Scan(&r.Failures, &until)
	if err == sql.ErrNoRows {
		return app.LoginRecord{}, nil
	}
	if err != nil {
		return r, fmt.Errorf("login record: %w", err)
	}
	if r.LockedUntil, err = unstamp(until); err != nil {
		return r, fmt.Errorf("login record: the lock time %q is damaged", until)
	}
	return r, nil
}

// SetLoginRecord stores a staff id's failed logins; the zero record forgets them.
func (s *Store) SetLoginRecord(ctx context.Context, id string, r app.LoginRecord) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if r == (app.LoginRecord{}) {
			_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE staff_id = ?`, id)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (staff_id, failures, locked_until) VALUES (?, ?, ?)
			ON CONFLICT (staff_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
			id, r.Failures, stamp(r.LockedUntil))
		return err
	})
}

// SetPassword stores a staff member's password hash (app.HashPassword) on
// this terminal, for a hall run without central (the demo, a first install);
// central's next hall set-up replaces it.
func (s *Store) SetPassword(ctx context.Context, id, hash string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE staff SET password_hash = ?, password_set = ? WHERE id = ?`, hash, stamp(s.now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("set password of staff %q: %w", id, app.ErrNotFound)
		}
		return nil
	})
}

// NoteCase appends a step that does not move the case (a notice printed or
// failing to print, a notice reprinted) to its timeline, and queues it for
// central with the case, in one transaction.
func (s *Store) NoteCase(ctx context.Context, number, actor, action, note string) (app.CaseEvent, error) {
	if actor == "" || action == "" {
		return app.CaseEvent{}, fmt.Errorf("case %s: %w: a step needs who and what", number, app.ErrInvalidInput)
	}
	var ev app.CaseEvent
	err := s.tx(ctx, func(tx *sql.Tx) error {
		c, count, head, err := s.loadLiveCase(ctx, tx, number)
		if err != nil {
			return err
		}
		if ev, err = s.appendEvent(ctx, tx, &c, count, head, actor, action, c.State, note); err != nil {
			return err
		}
		return s.enqueue(ctx, tx, app.OpCase, c.Number, app.NewCasePayload(c, []app.CaseEvent{ev}))
	})
	if err != nil {
		return app.CaseEvent{}, fmt.Errorf("case %s: %w", number, err)
	}
	return ev, nil
}
