package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"onewindow/app"
)

// enqueue writes an operation for central inside the transaction of the
// change it reports, so there is never a change without its operation nor
// an operation without its change. The payload is sealed: it may carry
// personal data.
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, kind, entity string, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("outbox %s %s: %w", kind, entity, err)
	}
	id := app.NewID()
	_, err = s.execTx(ctx, tx, `INSERT INTO outbox (op_id, kind, entity, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, kind, entity, s.keys.Seal(string(body), "outbox/"+id), stamp(s.now()))
	if err != nil {
		return fmt.Errorf("outbox %s %s: %w", kind, entity, err)
	}
	return nil
}

// PendingOperations returns up to limit operations not yet acknowledged by
// central, oldest first.
func (s *Store) PendingOperations(ctx context.Context, limit int) ([]app.Operation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, op_id, kind, entity, payload, created_at
		FROM outbox WHERE state = 'pending' ORDER BY seq LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ops []app.Operation
	for rows.Next() {
		var op app.Operation
		var sealed []byte
		var created string
		if err := rows.Scan(&op.Seq, &op.ID, &op.Kind, &op.Entity, &sealed, &created); err != nil {
			return nil, err
		}
		body, err := s.keys.Open(sealed, "outbox/"+op.ID)
		if err != nil {
			return nil, fmt.Errorf("outbox operation %d: %w", op.Seq, err)
		}
		op.Payload = []byte(body)
		op.Terminal = s.terminal
		if op.Created, err = unstamp(created); err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, rows.Err()
}

// MarkSent records that central holds every operation up to seq.
func (s *Store) MarkSent(ctx context.Context, upTo int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent' WHERE seq <= ? AND state = 'pending'`, upTo)
		return err
	})
}

// MarkRejected records central's refusal of one operation with its reason;
// it is shown to staff and not sent again.
func (s *Store) MarkRejected(ctx context.Context, seq int64, reason string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'rejected', reason = ? WHERE seq = ? AND state = 'pending'`, reason, seq)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("outbox operation %d: %w (or no longer pending)", seq, app.ErrNotFound)
		}
		return nil
	})
}

// OutboxCounts counts the outbox by state.
func (s *Store) OutboxCounts(ctx context.Context) (app.OutboxCounts, error) {
	var c app.OutboxCounts
	err := s.db.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'rejected'), 0) FROM outbox`).Scan(&c.Pending, &c.Rejected)
	return c, err
}

// PendingFor says whether an operation on entity (a case number) still
// waits to be sent: until it is taken, this terminal holds the entity's
// latest steps.
func (s *Store) PendingFor(ctx context.Context, entity string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE state = 'pending' AND entity = ?`, entity).Scan(&n)
	return n > 0, err
}
