// Package central is the reference central platform (DESIGN.md §2, §5): it
// enrols terminals with one-time codes and authenticates every request,
// takes in the operations halls push (once each, in order, one transaction
// per batch), publishes the catalogue, staff lists and holiday calendar,
// records departments' opinions on cases (并联审批), and serves each hall
// the changes since its cursor. It keeps its records in SQLite by default
// or in PostgreSQL when given a DSN.
//
// It must not log personal data: applicants' names, ID numbers and phones
// are sealed with app/pii before they reach a table, and log lines carry
// terminal codes, counts and case numbers only. Bad input from the WAN is
// refused with a clear 4xx and changes nothing.
package central

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"onewindow/app"
	"onewindow/app/pii"
	"onewindow/app/suite"
	"onewindow/app/update"
	"onewindow/sync/wire"
)

// Errors the API maps to HTTP statuses; callers decide with errors.Is.
var (
	ErrUnauthorized = errors.New("the terminal is not enrolled or its secret is wrong")
	ErrRevoked      = errors.New("this terminal's enrolment was revoked; enrol it again with a new code")
	ErrGap          = errors.New("the batch does not follow the last operation central holds")
	ErrCursorGone   = errors.New("the changes after this cursor are no longer kept; resync in full")
	ErrNotReady     = errors.New("central is not ready: no catalogue has been published")
	ErrConflict     = fmt.Errorf("%w with what central holds", app.ErrConflict)
)

// GapError is ErrGap with the sequence central waits for.
type GapError struct{ Expected int64 }

func (e *GapError) Error() string {
	return fmt.Sprintf("%v: central expects operation %d next", ErrGap, e.Expected)
}

func (e *GapError) Unwrap() error { return ErrGap }

// Options configure central.
type Options struct {
	Keys   *pii.Keys // seal applicants' personal data
	Clock  app.Clock // defaults to the system clock
	Logger *slog.Logger
	// MaxConns bounds this server's connections to PostgreSQL
	// (DefaultMaxConns when 0): several servers on one database share its
	// max_connections, or PgBouncer's pool.
	MaxConns int
	// Suite is the province's crypto suite (empty: suite.Intl): central
	// seals under it and names it to every terminal at enrolment and in
	// every pull, and they seal, index and chain under it from then on.
	Suite suite.Name
}

// DefaultMaxConns is a central server's pool of PostgreSQL connections.
const DefaultMaxConns = 16

// Central is the central platform's records and rules.
type Central struct {
	db    *sql.DB
	d     dialect
	keys  *pii.Keys
	clock app.Clock
	log   *slog.Logger

	mu      sync.Mutex
	catalog *app.Catalog     // the published catalogue, parsed once per version
	gates   map[string]*gate // per terminal: its batches in order
	stmts   stmtCache
	booking bookBatcher // bookings taken together, one commit a batch (bookings_batch.go)

	updateSlots chan struct{}      // update packages being sent
	updateKeys  []update.PublicKey // what the console's published packages must be signed with
}

// Open opens central's store: a PostgreSQL database when dsn is a
// PostgreSQL URL or key=value DSN, a SQLite file otherwise. An empty
// database gets the schema.
func Open(ctx context.Context, dsn string, opt Options) (*Central, error) {
	if opt.Keys == nil {
		return nil, fmt.Errorf("open central: %w: no personal-data keys", app.ErrInvalidInput)
	}
	if opt.Clock == nil {
		opt.Clock = app.SystemClock{}
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	db, d, err := openDB(dsn, cmp.Or(opt.MaxConns, DefaultMaxConns))
	if err != nil {
		return nil, fmt.Errorf("open central: %w", err)
	}
	if err := migrate(ctx, db, d); err != nil {
		db.Close()
		return nil, fmt.Errorf("open central: %w", err)
	}
	opt.Keys.Use(opt.Suite.OrIntl())
	return &Central{db: db, d: d, keys: opt.Keys, clock: opt.Clock, log: opt.Logger, updateSlots: make(chan struct{}, updateSlots)}, nil
}

// Close closes the store.
func (c *Central) Close() error {
	c.stmts.close()
	return c.db.Close()
}

// Backend is "sqlite" or "postgres".
func (c *Central) Backend() string { return c.d.name }

// DB is the underlying database, for tests and the benchmark's raw rate.
func (c *Central) DB() *sql.DB { return c.db }

func (c *Central) q() q { return q{d: c.d, db: c.db} }

// tx runs fn in one transaction, committing when it returns nil.
func (c *Central) tx(ctx context.Context, fn func(q) error) error {
	tx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	x := q{d: c.d, tx: tx, db: c.db}
	if c.d.name == "sqlite" {
		// PostgreSQL's driver keeps each connection's statements prepared
		// itself, or, behind PgBouncer in transaction mode
		// (default_query_exec_mode=exec), must not keep any: a server
		// connection's prepared statement is not the next transaction's.
		x.stmts = &c.stmts
	}
	if err := fn(x); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (c *Central) now() time.Time { return c.clock.Now() }

// stampLayout is RFC 3339 with a fixed nine-digit fraction, so that stamps
// compare and sort as text in time order, as the queries do (RFC3339Nano
// drops trailing zeros, and "…:05Z" would sort after "…:05.1Z"). Stamps
// written before in the shorter form still parse; they differ only within
// their own second.
const stampLayout = "2006-01-02T15:04:05.000000000Z07:00"

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(stampLayout)
}

func hashSecret(s string) string { return wire.SecretHash(s) }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("central: the system's random source failed: " + err.Error())
	}
	return b
}

func randomToken(n int) string { return hex.EncodeToString(randomBytes(n)) }

// Version is the newest change version central has written.
func (c *Central) Version(ctx context.Context) (int64, error) {
	var v int64
	err := c.q().row(ctx, `SELECT value FROM meta WHERE name = 'version'`).Scan(&v)
	return v, err
}

func parseStamp(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}
