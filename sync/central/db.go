package central

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"onewindow/app/schema"
	"strconv"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"               // registers the "sqlite" driver
)

// dialect is what differs between the two stores: type names, parameter markers
// and how a transaction starts.
type dialect struct {
	name   string // "sqlite" or "postgres"
	int64  string
	blob   string
	strict string
}

var (
	sqliteDialect   = dialect{name: "sqlite", int64: "INTEGER", blob: "BLOB", strict: " STRICT"}
	postgresDialect = dialect{name: "postgres", int64: "BIGINT", blob: "BYTEA", strict: ""}
)

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") ||
		strings.Contains(dsn, "host=") || strings.Contains(dsn, "dbname=")
}

func openDB(dsn string, maxConns int) (*sql.DB, dialect, error) {
	if dsn == "" {
		return nil, dialect{}, errors.New("no database: give a SQLite file or a PostgreSQL DSN")
	}
	if IsPostgres(dsn) {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, dialect{}, err
		}
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
		return db, postgresDialect, nil
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	// IMMEDIATE: a writer takes the lock at BEGIN, so batches queue instead
	// of failing with SQLITE_BUSY halfway through.
	q.Set("_txlock", "immediate")
	sqlite.Fdatasync(true) // commits sync as the terminals' do; see app/store.Open
	db, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?"+q.Encode())
	if err != nil {
		return nil, dialect{}, err
	}
	db.SetMaxOpenConns(4)
	return db, sqliteDialect, nil
}

func (d dialect) fill(ddl string) string {
	return strings.NewReplacer("{{int}}", d.int64, "{{blob}}", d.blob, "{{strict}}", d.strict).Replace(ddl)
}

// rebind turns ? parameter markers into $1, $2 … for PostgreSQL. Queries here
// never hold a literal question mark.
func (d dialect) rebind(q string) string {
	if d.name != "postgres" {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrations are central's schema, one numbered .sql file a step (app/schema),
// as the terminals' store keeps its own. Read when a central opens its
// database, not when any role of the binary starts.
var migrations = sync.OnceValues(func() ([]schema.Migration, error) {
	return schema.Read(migrationFiles, "migrations")
})

// migrate creates the schema on an empty database and brings an older one
// up to date, one step per transaction.
func migrate(ctx context.Context, db *sql.DB, d dialect) error {
	ms, err := migrations()
	if err != nil {
		return fmt.Errorf("central's schema: %w", err)
	}
	schemaVersion := int64(len(ms))
	if d.name == "postgres" {
		return migrateShared(ctx, db, d, ms)
	}
	var v int64
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'schema'`).Scan(&v)
	if err != nil {
		if err := runDDL(ctx, db, d, d.fill(ms[0].SQL), 0); err != nil {
			return fmt.Errorf("create central schema: %w", err)
		}
		v = 1
	}
	if v > schemaVersion {
		return fmt.Errorf("the central database has schema %d and this onewindow knows up to %d; install the newer onewindow", v, schemaVersion)
	}
	for ; v < schemaVersion; v++ {
		if err := runDDL(ctx, db, d, d.fill(ms[v].SQL), v+1); err != nil {
			return fmt.Errorf("upgrade central schema to %d: %w", v+1, err)
		}
	}
	return nil
}

// migrateShared migrates a PostgreSQL database that several central
// servers may open at once: each step in its own transaction under a
// transaction-scoped advisory lock (which PgBouncer in transaction mode
// keeps, unlike a session's), reading the schema's version again inside
// it, so that of servers starting together one applies each step and the
// others find it done.
func migrateShared(ctx context.Context, db *sql.DB, d dialect, ms []schema.Migration) error {
	last := int64(len(ms))
	for {
		done, err := func() (bool, error) {
			tx, err := db.BeginTx(ctx, nil)
			if err != nil {
				return false, err
			}
			defer tx.Rollback()
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7100020)`); err != nil { // 71000·20: onewindow's migrations
				return false, err
			}
			var v int64
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT to_regclass('meta') IS NOT NULL`).Scan(&exists); err != nil {
				return false, err
			}
			if exists {
				if err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE name = 'schema'`).Scan(&v); err != nil {
					return false, err
				}
			}
			switch {
			case v > last:
				return false, fmt.Errorf("the central database has schema %d and this onewindow knows up to %d; install the newer onewindow", v, last)
			case v == last:
				return true, tx.Commit()
			}
			if err := execDDL(ctx, tx, d.fill(ms[v].SQL)); err != nil {
				return false, fmt.Errorf("upgrade central schema to %d: %w", v+1, err)
			}
			if v > 0 {
				if _, err := tx.ExecContext(ctx, d.rebind(`UPDATE meta SET value = ? WHERE name = 'schema'`), v+1); err != nil {
					return false, err
				}
			}
			return false, tx.Commit()
		}()
		if err != nil || done {
			return err
		}
	}
}

// execDDL runs the statements of a migration in tx.
func execDDL(ctx context.Context, tx *sql.Tx, ddl string) error {
	for _, stmt := range strings.Split(ddl, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// runDDL runs statements in one transaction and, when to is set, records
// the schema as version to.
func runDDL(ctx context.Context, db *sql.DB, d dialect, ddl string, to int64) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := execDDL(ctx, tx, ddl); err != nil {
		return err
	}
	if to > 0 {
		if _, err := tx.ExecContext(ctx, d.rebind(`UPDATE meta SET value = ? WHERE name = 'schema'`), to); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// q is a transaction or the database, with parameter markers rebound.
type q struct {
	d     dialect
	tx    *sql.Tx
	db    *sql.DB
	stmts *stmtCache
}

// stmtCache keeps the statements of full batches prepared: a batch of 500
// rows is a long statement, and parsing it anew for every batch costs as
// much as a good part of the insert.
type stmtCache struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st, nil
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	if len(c.m) > 64 { // batches of unusual sizes: do not keep them all
		for k, old := range c.m {
			old.Close()
			delete(c.m, k)
		}
	}
	c.m[query] = st
	return st, nil
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

// execCached runs a long statement inside the transaction, prepared once.
func (x q) execCached(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if x.stmts == nil || x.tx == nil {
		return x.exec(ctx, query, args...)
	}
	st, err := x.stmts.get(ctx, x.db, x.d.rebind(query))
	if err != nil {
		return nil, err
	}
	return x.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
}

func (x q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if x.tx != nil {
		return x.tx.ExecContext(ctx, x.d.rebind(query), args...)
	}
	return x.db.ExecContext(ctx, x.d.rebind(query), args...)
}

func (x q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if x.tx != nil {
		return x.tx.QueryContext(ctx, x.d.rebind(query), args...)
	}
	return x.db.QueryContext(ctx, x.d.rebind(query), args...)
}

func (x q) row(ctx context.Context, query string, args ...any) *sql.Row {
	if x.tx != nil {
		return x.tx.QueryRowContext(ctx, x.d.rebind(query), args...)
	}
	return x.db.QueryRowContext(ctx, x.d.rebind(query), args...)
}

// bulk inserts rows with as few statements as the limit on parameters allows:
// INSERT INTO <into> VALUES (…), (…) <tail>.
func (x q) bulk(ctx context.Context, into string, cols int, rows [][]any, tail string) error {
	return x.bulkEach(ctx, into, cols, rows, tail, func(sql.Result) {})
}

func (x q) bulkEach(ctx context.Context, into string, cols int, rows [][]any, tail string, each func(sql.Result)) error {
	const maxParams = 30000
	per := maxParams / cols
	one := "(" + strings.Repeat("?, ", cols-1) + "?)"
	for len(rows) > 0 {
		n := min(per, len(rows))
		var b strings.Builder
		b.WriteString("INSERT INTO ")
		b.WriteString(into)
		b.WriteString(" VALUES ")
		args := make([]any, 0, n*cols)
		for i, r := range rows[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, r...)
		}
		b.WriteString(" ")
		b.WriteString(tail)
		res, err := x.execCached(ctx, b.String(), args...)
		if err != nil {
			return err
		}
		each(res)
		rows = rows[n:]
	}
	return nil
}

// bulkCount is bulk that says how many rows it inserted.
func (x q) bulkCount(ctx context.Context, into string, cols int, rows [][]any, tail string) (int64, error) {
	var total int64
	err := x.bulkEach(ctx, into, cols, rows, tail, func(res sql.Result) {
		n, _ := res.RowsAffected()
		total += n
	})
	return total, err
}

// bumpVersion takes the next change version inside tx. The counter row
// stays locked until tx ends, so versions become visible in the order they
// were taken: a reader that sees version v sees every version below it.
func (x q) bumpVersion(ctx context.Context) (int64, error) {
	var v int64
	err := x.row(ctx, `UPDATE meta SET value = value + 1 WHERE name = 'version' RETURNING value`).Scan(&v)
	return v, err
}
