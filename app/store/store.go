// Package store keeps the hall's records in SQLite on the terminal: the
// catalogue copy, the hall set-up, the holiday calendar, cases and their
// hash-chained timelines, ratings and the outbox for central. Every use case
// that changes a record writes the record, its events and its outbox row in
// one transaction, so a crash or power cut leaves all of them or none.
//
// It is persistence only, behind the interfaces app/ defines: the hub's
// queue (app.QueueStore; the ticket's moves are app.Ticket's), a
// terminal's cases, ratings and follow-ups (app.CaseRecords), the hall's
// records on the hub (app.HallRecords: every terminal's operations applied
// once, in each terminal's order, and relayed to central; hall_records.go),
// and the outbox and cursor that sync/link works (app.Outbox). The doctor's checks
// of a database file live here too (health.go), since they read its tables.
//
// The schema is a series of numbered .sql migrations embedded in the binary.
// Personal data is sealed with app/pii before it reaches a table, and
// erased the retention period after its case ended once its operations
// have left the outbox (purge.go). This package must not log personal data.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/schema"

	"modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Options configure a store.
type Options struct {
	// Terminal is this terminal's code across the province (hall code and
	// terminal code), used in case numbers and outbox operations.
	Terminal string
	Keys     *pii.Keys
	Clock    app.Clock // defaults to the system clock
	// HallHub says the terminal's hall has a hub, which holds the hall's
	// records and brings central's decisions into the hall: this store
	// then applies none itself (DESIGN.md §4a). False on the hub.
	HallHub bool
}

// Store is the terminal's database.
type Store struct {
	db       *sql.DB
	keys     *pii.Keys
	clock    app.Clock
	terminal string
	hallHub  bool
	wconn    *sql.Conn     // the writer's own connection: its page cache stays warm
	writes   chan *write   // to the writer goroutine; see tx
	closed   chan struct{} // closed by Close
	stopped  chan struct{} // closed when the writer has stopped
	closing  sync.Once

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared once, reused by the writer's transactions

	catMu     sync.Mutex
	catLoaded string       // catalog_version's version and loaded_at of cat
	cat       *app.Catalog // the catalogue last read, shared read-only
}

// Open opens (creating if needed) the database at file and brings its schema
// up to date. A database written by a newer onewindow is refused untouched.
func Open(ctx context.Context, file string, opt Options) (*Store, error) {
	if opt.Terminal == "" {
		return nil, fmt.Errorf("open store: %w: the terminal code is empty", app.ErrInvalidInput)
	}
	if opt.Keys == nil {
		return nil, fmt.Errorf("open store: %w: no personal-data keys", app.ErrInvalidInput)
	}
	if opt.Clock == nil {
		opt.Clock = app.SystemClock{}
	}
	q := url.Values{}
	for _, p := range []string{
		"busy_timeout(10000)",
		"journal_mode(WAL)",
		// FULL: a kiosk can lose power the moment after printing a receipt,
		// and the receipt must never point at a case the power cut erased.
		"synchronous(FULL)",
		"foreign_keys(1)",
		// What is overwritten or deleted (a sealed value replaced, a
		// comment blanked, a purged applicant) is zeroed in the file, not
		// left in its free pages.
		"secure_delete(1)",
		// The writer checkpoints in its idle moments (see checkpointAfter);
		// SQLite's automatic checkpoint is the fallback for a writer that
		// is never idle, so it waits for a larger log than its default.
		"wal_autocheckpoint(10000)",
	} {
		q.Add("_pragma", p)
	}
	// IMMEDIATE: a writer takes the lock at BEGIN, so two writers wait for
	// each other instead of failing with SQLITE_BUSY halfway through.
	q.Set("_txlock", "immediate")
	// Commit with fdatasync, as SQLite does on Linux when built by its own
	// configure script; this transpiled build defaults to fsync, which also
	// pushes the file's timestamps through the file system's journal on
	// every commit. The data and the size needed to read it back are synced
	// either way. Where fdatasync does not exist this changes nothing.
	sqlite.Fdatasync(true)
	db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", file, err)
	}
	wconn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", file, err)
	}
	s := &Store{db: db, wconn: wconn, keys: opt.Keys, clock: opt.Clock, terminal: opt.Terminal, hallHub: opt.HallHub,
		writes: make(chan *write), closed: make(chan struct{}), stopped: make(chan struct{})}
	go s.writer()
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", file, err)
	}
	if err := s.useSuite(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", file, err)
	}
	if err := s.sealPlainComments(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: sealing the ratings' comments: %w", file, err)
	}
	return s, nil
}

// Close waits for the write being committed, then closes the database.
func (s *Store) Close() error {
	s.closing.Do(func() { close(s.closed) })
	<-s.stopped
	s.stmtMu.Lock()
	for _, st := range s.stmts {
		st.Close()
	}
	s.stmts = nil
	s.stmtMu.Unlock()
	s.wconn.Close()
	return s.db.Close()
}

// Statements on the hot paths (the queue, the outbox) are prepared once:
// parsing SQL is a large share of a small transaction's time. Each helper
// falls back to an unprepared statement, which reports the same error, if
// preparing fails.

func (s *Store) prepared(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	s.stmtMu.Lock()
	defer s.stmtMu.Unlock()
	st, ok := s.stmts[query]
	if !ok {
		var err error
		if st, err = s.db.PrepareContext(ctx, query); err != nil {
			return nil
		}
		if s.stmts == nil {
			s.stmts = map[string]*sql.Stmt{}
		}
		s.stmts[query] = st
	}
	return tx.StmtContext(ctx, st)
}

func (s *Store) execTx(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := s.prepared(ctx, tx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

func (s *Store) rowTx(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.prepared(ctx, tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

func (s *Store) rowsTx(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, tx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// DB is the underlying database, for tests and test scaffolding
// (sync/scene, internal/hallrig) that look at or damage the rows directly.
// Nothing the binary runs reaches past the store's methods.
func (s *Store) DB() *sql.DB { return s.db }

// Terminal is the code this store numbers cases with.
func (s *Store) Terminal() string { return s.terminal }

func migrations() ([]schema.Migration, error) { return schema.Read(migrationFiles, "migrations") }

// SchemaVersion is the number of the newest migration this build knows.
func SchemaVersion() int {
	ms, _ := migrations()
	return len(ms)
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var current int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(ms) {
		return fmt.Errorf("%w: its schema is version %d and this onewindow knows up to %d; install the newer onewindow", app.ErrSchemaTooNew, current, len(ms))
	}
	for _, m := range ms[current:] {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.Name, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction and commits it before returning.
//
// Writes are group-committed: the one writer goroutine takes every fn that
// is waiting, runs each inside its own savepoint of one transaction, and
// commits them with a single fsync. A fn that fails is rolled back to its
// savepoint alone and gets its own error; the others still commit. When many
// kiosks and windows write at once this turns N fsyncs into one, and a writer
// never sleeps in SQLite's busy handler waiting for another.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	w := &write{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.writes <- w:
	case <-s.closed:
		return errStoreClosed
	}
	// Wait for the commit even if ctx ends meanwhile: the caller must learn
	// whether the change was made.
	return <-w.done
}

var errStoreClosed = errors.New("the database is closed")

type write struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error
}

// maxGroup bounds how many writes share one commit, so a long queue cannot
// grow one transaction without limit.
const maxGroup = 64

// After checkpointAfter commits the writer copies the write-ahead log back
// into the database file as soon as no write has come for checkpointIdle.
// Left to SQLite, that checkpoint runs inside whichever commit takes the log
// past its limit, and the kiosk or window waiting on that commit waits for
// the checkpoint too. The commit after a checkpoint starts the log again
// and syncs it once more, so checkpoints are kept rare: 200 commits are
// about 2,000 pages of log, 8 MB.
const (
	checkpointAfter = 200
	checkpointIdle  = 2 * time.Millisecond
)

func (s *Store) writer() {
	defer close(s.stopped)
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	commits := 0
	for {
		if commits >= checkpointAfter {
			idle.Reset(checkpointIdle)
		}
		var first *write
		select {
		case first = <-s.writes:
			idle.Stop()
		case <-idle.C:
			// PASSIVE takes what it can without waiting for readers; an
			// error leaves the log to SQLite's automatic checkpoint.
			s.wconn.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
			commits = 0
			continue
		case <-s.closed:
			return
		}
		group := []*write{first}
	more:
		for len(group) < maxGroup {
			select {
			case w := <-s.writes:
				group = append(group, w)
			default:
				break more
			}
		}
		s.commit(group)
		commits++
	}
}

func (s *Store) commit(group []*write) {
	errs := make([]error, len(group))
	tx, err := s.wconn.BeginTx(context.Background(), nil)
	if err != nil {
		for _, w := range group {
			w.done <- err
		}
		return
	}
	ok := 0
	for i, w := range group {
		if err := w.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if len(group) == 1 {
			// Alone in the transaction: a failure rolls all of it back.
			if errs[i] = w.fn(tx); errs[i] == nil {
				ok++
			}
			continue
		}
		if _, err := tx.Exec("SAVEPOINT one"); err != nil {
			errs[i] = err
			continue
		}
		errs[i] = w.fn(tx)
		if errs[i] != nil {
			if _, err := tx.Exec("ROLLBACK TO one"); err != nil {
				// The transaction is unusable: nothing of this group may commit.
				tx.Rollback()
				for j, w := range group {
					if j > i || errs[j] == nil {
						errs[j] = fmt.Errorf("write abandoned after an earlier failure: %w", err)
					}
					w.done <- errs[j]
				}
				return
			}
		} else {
			ok++
		}
		if _, err := tx.Exec("RELEASE one"); err != nil && errs[i] == nil {
			errs[i] = err
		}
	}
	if ok == 0 {
		err = tx.Rollback()
	} else {
		err = tx.Commit()
	}
	for i, w := range group {
		if errs[i] == nil && err != nil {
			errs[i] = fmt.Errorf("commit: %w", err)
		}
		w.done <- errs[i]
	}
}

// now is the store's clock, in UTC text as every table keeps time.
func (s *Store) now() time.Time { return s.clock.Now() }

// stampLayout is RFC 3339 with a fixed nine-digit fraction, so that stamps
// sort as text in time order (RFC3339Nano drops trailing zeros, and
// "…:05Z" would sort after "…:05.1Z").
const stampLayout = "2006-01-02T15:04:05.000000000Z07:00"

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(stampLayout)
}

func unstamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// next bumps a per-terminal counter inside tx and returns its new value.
func next(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	var v int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO counters (name, value) VALUES (?, 1)
		 ON CONFLICT (name) DO UPDATE SET value = value + 1
		 RETURNING value`, name).Scan(&v)
	return v, err
}

var errNoRows = sql.ErrNoRows

func notFound(err error, what string) error {
	if errors.Is(err, errNoRows) {
		return fmt.Errorf("%s: %w", what, app.ErrNotFound)
	}
	return err
}
