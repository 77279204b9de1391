// Package store keeps the hall's records in SQLite on the terminal: the
// catalogue copy, the hall set-up, the holiday calendar, cases and their
// hash-chained timelines, ratings and the outbox for central. Every use case
// that changes a record writes the record, its events and its outbox row in
// one transaction, so a crash or power cut leaves all of them or none.
//
// The schema is a series of numbered .sql migrations embedded in the binary.
// Personal data is sealed with app/pii before it reaches a table. This
// package must not log personal data.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/pii"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
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
}

// Store is the terminal's database.
type Store struct {
	db       *sql.DB
	keys     *pii.Keys
	clock    app.Clock
	terminal string
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
	} {
		q.Add("_pragma", p)
	}
	// IMMEDIATE: a writer takes the lock at BEGIN, so two writers wait for
	// each other instead of failing with SQLITE_BUSY halfway through.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+file+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", file, err)
	}
	s := &Store{db: db, keys: opt.Keys, clock: opt.Clock, terminal: opt.Terminal}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", file, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// DB is the underlying database, for the packages that keep their own
// tables beside these (the hub's queue, the sync cursor).
func (s *Store) DB() *sql.DB { return s.db }

// Terminal is the code this store numbers cases with.
func (s *Store) Terminal() string { return s.terminal }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %s is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{v, e.Name(), string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", m.name, i+1)
		}
	}
	return out, nil
}

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
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.version))
			return err
		})
		if err != nil {
			return fmt.Errorf("apply migration %s: %w", m.name, err)
		}
	}
	return nil
}

// tx runs fn in one IMMEDIATE transaction, committing if it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// now is the store's clock, in UTC text as every table keeps time.
func (s *Store) now() time.Time { return s.clock.Now() }

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
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
