package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/suite"
)

// ErrCursorMoved means central's changes were applied from a cursor that is
// no longer the one held: another sync got there first. Nothing was changed.
var ErrCursorMoved = errors.New("the sync cursor moved while the changes were fetched")

// The store is the terminal's side of sync that sync/link works on.
var _ app.Outbox = (*Store)(nil)

// SaveSyncCredentials stores the terminal's enrolment, the secret sealed.
// A new enrolment starts central's changes from the beginning.
func (s *Store) SaveSyncCredentials(ctx context.Context, c app.SyncCredentials) error {
	var p app.Problems
	if c.Central == "" {
		p.Add("central", "is empty")
	}
	if c.Terminal == "" {
		p.Add("terminal", "is empty")
	}
	if c.Secret == "" {
		p.Add("secret", "is empty")
	}
	if err := p.Err(app.ErrInvalidInput); err != nil {
		return fmt.Errorf("save enrolment: %w", err)
	}
	if c.Enrolled.IsZero() {
		c.Enrolled = s.now()
	}
	if c.Held < 0 || c.LastCase < 0 {
		return fmt.Errorf("save enrolment: %w: central's last operation and case cannot be negative", app.ErrInvalidInput)
	}
	// The secret is sealed under the suite central names, which is the
	// store's from now on; as it was, should the enrolment not be saved.
	was := s.keys.Suite()
	s.keys.Use(c.Suite)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE sync_link SET central_url = ?, terminal = ?, hall = ?, secret_sealed = ?,
			ca_pem = ?, enrolled_at = ?, suite = ?, cursor = 0 WHERE id = 1`,
			c.Central, c.Terminal, c.Hall, s.keys.Seal(c.Secret, "sync/secret"), string(c.CAPEM), stamp(c.Enrolled), string(c.Suite.OrIntl()))
		if err != nil {
			return err
		}
		if err := continueOutboxTx(ctx, tx, c.Held); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO counters (name, value) VALUES ('case', ?)
			ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)`, c.LastCase)
		return err
	})
	if err != nil {
		s.keys.Use(was)
	}
	return err
}

// continueOutboxTx makes the outbox follow the operations central holds
// under this terminal code, up to held, when this database has never had
// an operation taken by a central: a wiped or replaced terminal, enrolled
// again under its old code. Its operations waiting so far are numbered on
// after held, in their order, and so is every later one; their ids are
// their own, so central applies each once. A database whose operations
// central took keeps its numbers: they are central's already.
func continueOutboxTx(ctx context.Context, tx *sql.Tx, held int64) error {
	if held == 0 {
		return nil
	}
	var taken, waiting int64
	var first sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(state <> 'pending'), 0), COUNT(*), MIN(seq) FROM outbox`).
		Scan(&taken, &waiting, &first); err != nil {
		return err
	}
	if taken > 0 {
		return nil
	}
	if first.Valid && first.Int64 <= held {
		// Two steps, so that no number is held twice on the way.
		shift := held + 1 - first.Int64
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET seq = -seq`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET seq = ? - seq`, shift); err != nil {
			return err
		}
	}
	// AUTOINCREMENT numbers on from sqlite_sequence.
	if _, err := tx.ExecContext(ctx, `INSERT INTO sqlite_sequence (name, seq) SELECT 'outbox', 0
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'outbox')`); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE sqlite_sequence SET seq = max(seq, ?, (SELECT COALESCE(MAX(seq), 0) FROM outbox)) WHERE name = 'outbox'`, held)
	return err
}

// SyncCredentials returns the terminal's enrolment, or app.ErrNotFound when
// it has not been enrolled.
func (s *Store) SyncCredentials(ctx context.Context) (app.SyncCredentials, error) {
	return readCredentials(ctx, s.db, s.keys)
}

// ReadSyncCredentials reads a terminal's enrolment from its database file
// without opening the store: read-only, with no migration, so that a
// command running beside the role (fetching an update) neither changes
// the database nor waits for its writer. It returns app.ErrNotFound when
// the terminal has not been enrolled.
func ReadSyncCredentials(ctx context.Context, file string, keys *pii.Keys) (app.SyncCredentials, error) {
	if _, err := os.Stat(file); err != nil {
		return app.SyncCredentials{}, fmt.Errorf("enrolment with central: %w: there is no database at %s yet", app.ErrNotFound, file)
	}
	db, err := OpenReadOnly(file)
	if err != nil {
		return app.SyncCredentials{}, err
	}
	defer db.Close()
	return readCredentials(ctx, db, keys)
}

func readCredentials(ctx context.Context, db *sql.DB, keys *pii.Keys) (app.SyncCredentials, error) {
	var c app.SyncCredentials
	var sealed []byte
	var ca, enrolled, named string
	err := db.QueryRowContext(ctx, `SELECT central_url, terminal, hall, secret_sealed, ca_pem, enrolled_at, suite FROM sync_link WHERE id = 1`).
		Scan(&c.Central, &c.Terminal, &c.Hall, &sealed, &ca, &enrolled, &named)
	if err != nil || c.Terminal == "" {
		return app.SyncCredentials{}, fmt.Errorf("enrolment with central: %w (run the enrolment with a one-time code)", app.ErrNotFound)
	}
	if c.Secret, err = keys.Open(sealed, "sync/secret"); err != nil {
		return app.SyncCredentials{}, fmt.Errorf("enrolment with central: %w", err)
	}
	c.CAPEM = []byte(ca)
	c.Suite = suite.Name(named).OrIntl()
	c.Enrolled, err = unstamp(enrolled)
	return c, err
}

// OpenReadOnly opens a terminal's database file without creating,
// migrating or changing it, for the commands that examine a terminal beside
// its running role (doctor, update fetch).
func OpenReadOnly(file string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(5000)")
	db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// SyncCursor is the version of central's changes this terminal has applied.
func (s *Store) SyncCursor(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, `SELECT cursor FROM sync_link WHERE id = 1`).Scan(&v)
	return v, err
}

// ApplyCentralChanges applies central's changes and stores the new cursor
// in one transaction: after a crash either all of them and the cursor are
// there, or none and the old cursor. Decisions append an event
// "central:<department>" to the case's hash chain, queued for central with
// the case so that both copies of the timeline agree.
func (s *Store) ApplyCentralChanges(ctx context.Context, p app.PulledChanges) (app.ApplyResult, error) {
	var res app.ApplyResult
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res = app.ApplyResult{}
		var held int64
		if err := tx.QueryRowContext(ctx, `SELECT cursor FROM sync_link WHERE id = 1`).Scan(&held); err != nil {
			return err
		}
		if !p.Reset && held != p.From {
			return fmt.Errorf("%w: fetched from %d, holding %d", ErrCursorMoved, p.From, held)
		}
		for i, c := range p.Changes {
			if err := s.applyChangeTx(ctx, tx, c, &res); err != nil {
				return fmt.Errorf("central change %d of %d: %w", i+1, len(p.Changes), err)
			}
		}
		q := `UPDATE sync_link SET cursor = ? WHERE id = 1`
		args := []any{p.To}
		if p.Reset {
			q = `UPDATE sync_link SET cursor = ?, resynced_at = ? WHERE id = 1`
			args = append(args, stamp(s.now()))
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil || p.Suite == "" {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sync_link SET suite = ? WHERE id = 1`, string(p.Suite))
		return err
	})
	if err != nil {
		return app.ApplyResult{}, fmt.Errorf("apply central changes: %w", err)
	}
	if p.Suite != "" {
		s.keys.Use(p.Suite) // what is recorded from now on (update migrate-crypto reseals the rest)
	}
	return res, nil
}

func (s *Store) applyChangeTx(ctx context.Context, tx *sql.Tx, c app.CentralChange, res *app.ApplyResult) error {
	switch {
	case c.Catalog != nil:
		if err := c.Catalog.Validate(); err != nil {
			return err
		}
		err := s.replaceCatalogTx(ctx, tx, c.Catalog)
		if errors.Is(err, app.ErrStaleCatalog) {
			return nil // a resync, or a terminal installed with this catalogue, holds it already
		}
		res.Catalog = err == nil
		return err
	case c.Hall != nil:
		res.Hall = true
		if err := replaceHallTx(ctx, tx, *c.Hall); err != nil {
			return err
		}
		return s.replaceBookingPlanTx(ctx, tx, *c.Hall) // bookings.go
	case c.Booking != nil:
		res.Bookings++
		return s.applyBookingTx(ctx, tx, *c.Booking)
	case c.HasCalendar:
		if _, err := app.NewCalendar(c.Calendar); err != nil {
			return err
		}
		res.Calendar = true
		return replaceCalendarTx(ctx, tx, c.Calendar)
	case c.Decision != nil:
		applied, err := s.applyDecisionTx(ctx, tx, *c.Decision)
		if err != nil {
			return err
		}
		if applied {
			res.Decisions++
		} else {
			res.Skipped++
		}
		return nil
	}
	return fmt.Errorf("%w: the change carries nothing", app.ErrInvalidInput)
}

// AcknowledgeOperations records central's answer to a push in one
// transaction: the refused operations with their reasons, and every other
// pending operation from from up to upTo as sent.
func (s *Store) AcknowledgeOperations(ctx context.Context, from, upTo int64, rejected []app.Rejection) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rejected {
			if r.Seq > upTo || r.Seq < from {
				return fmt.Errorf("acknowledge: %w: operation %d is refused outside the acknowledged %d–%d", app.ErrInvalidInput, r.Seq, from, upTo)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'rejected', reason = ? WHERE seq = ? AND state = 'pending'`,
				r.Reason, r.Seq); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'sent' WHERE state = 'pending' AND seq >= ? AND seq <= ?`, from, upTo)
		return err
	})
}

// ResendFrom puts every operation from seq on back in the queue, sent or
// refused, because central says it holds nothing after seq-1 (it was
// restored from a backup). It returns how many were queued again.
func (s *Store) ResendFrom(ctx context.Context, seq int64) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET state = 'pending', reason = '' WHERE seq >= ? AND state <> 'pending'`, seq)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// RejectedOperation is an operation central refused, for staff to see.
type RejectedOperation struct {
	Seq     int64
	Kind    string
	Entity  string
	Reason  string
	Created time.Time
}

// RejectedOperations lists what central refused, newest first.
func (s *Store) RejectedOperations(ctx context.Context) ([]RejectedOperation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, kind, entity, reason, created_at FROM outbox WHERE state = 'rejected' ORDER BY seq DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RejectedOperation
	for rows.Next() {
		var r RejectedOperation
		var created string
		if err := rows.Scan(&r.Seq, &r.Kind, &r.Entity, &r.Reason, &created); err != nil {
			return nil, err
		}
		if r.Created, err = unstamp(created); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SkippedDecision is a central decision that did not fit the case here.
type SkippedDecision struct {
	At         time.Time
	Case       string
	State      app.CaseState
	Department string
	Why        string
}

// SkippedDecisions lists the central decisions not applied, oldest first.
func (s *Store) SkippedDecisions(ctx context.Context) ([]SkippedDecision, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, case_number, state, department, why FROM sync_skipped ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SkippedDecision
	for rows.Next() {
		var d SkippedDecision
		var at string
		if err := rows.Scan(&at, &d.Case, &d.State, &d.Department, &d.Why); err != nil {
			return nil, err
		}
		if d.At, err = unstamp(at); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// PendingOperationsAfter is PendingOperations starting after the sequence
// after, so a pusher can read the next batch while central still works on
// the one before.
func (s *Store) PendingOperationsAfter(ctx context.Context, after int64, limit int) ([]app.Operation, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, op_id, kind, entity, payload, created_at
		FROM outbox WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ops := make([]app.Operation, 0, min(limit, 512))
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
		op.Payload, op.Terminal = []byte(body), s.terminal
		if op.Created, err = unstamp(created); err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	return ops, rows.Err()
}

// useSuite seals, indexes and chains from now on under the crypto suite
// central named for this terminal.
func (s *Store) useSuite(ctx context.Context) error {
	var named string
	if err := s.db.QueryRowContext(ctx, `SELECT suite FROM sync_link WHERE id = 1`).Scan(&named); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading the crypto suite: %w", err)
	}
	if named == "" { // never told: as the keys are (Intl unless set otherwise)
		return nil
	}
	n, err := suite.Parse(named)
	if err != nil {
		return err
	}
	s.keys.Use(n)
	return nil
}
