package store

// The doctor's checks of a terminal's database file. They open it
// read-only, never migrate it, and read the store's own tables: they live
// with the store so that only the store knows its schema.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"onewindow/app/health"
)

// CheckDatabase runs SQLite's own integrity checks on the terminal's database,
// opened read-only so that the doctor never changes what it examines (it
// does not migrate, unlike the store). quick_check first, since it is fast
// and already catches a torn page; the full integrity_check then also
// compares every index with its table.
func CheckDatabase(ctx context.Context, file string) health.Check {
	return checkDatabase(ctx, file, "quick_check", "integrity_check")
}

// CheckDatabaseQuick is CheckDatabase with quick_check only: what a running terminal
// reports to central with its syncs. The full integrity_check reads every
// index of a database that grows for years, which a kiosk must not do every
// few minutes while citizens wait; the doctor runs it.
func CheckDatabaseQuick(ctx context.Context, file string) health.Check {
	return checkDatabase(ctx, file, "quick_check")
}

func checkDatabase(ctx context.Context, file string, pragmas ...string) health.Check {
	c := health.Check{Name: "database integrity"}
	if _, err := os.Stat(file); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			c.Verdict = health.Warn
			c.Detail = file + " does not exist yet"
			c.Next = "it is created on the terminal's first start; if the terminal has run before, its records are gone: restore the data folder from the last backup"
			return c
		}
		c.Verdict = health.Fail
		c.Detail = err.Error()
		c.Next = "check the data folder's owner and permissions"
		return c
	}
	db, err := OpenReadOnly(file)
	if err != nil {
		c.Verdict, c.Detail = health.Fail, err.Error()
		c.Next = "the file cannot be opened as a database; restore the data folder from the last backup"
		return c
	}
	defer db.Close()
	for _, pragma := range pragmas {
		rows, err := db.QueryContext(ctx, "PRAGMA "+pragma)
		if err != nil {
			c.Verdict, c.Detail = health.Fail, fmt.Sprintf("%s could not run: %v", pragma, err)
			c.Next = "the file is damaged or not a onewindow database; stop onewindow, copy the data folder aside, and restore it from the last backup"
			return c
		}
		var found []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err == nil && line != "ok" {
				found = append(found, line)
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(found) > 0 {
			if err != nil {
				found = append(found, err.Error())
			}
			c.Verdict = health.Fail
			c.Detail = fmt.Sprintf("%s found %d problem(s), first: %s", pragma, len(found), found[0])
			c.Next = "stop onewindow, copy the data folder aside for support, and restore the database from the last backup; outbox operations not yet at central may be lost"
			return c
		}
	}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		c.Verdict, c.Detail = health.Fail, "cannot read the schema version: "+err.Error()
		c.Next = "restore the database from the last backup"
		return c
	}
	switch want := SchemaVersion(); {
	case version > want:
		c.Verdict = health.Fail
		c.Detail = fmt.Sprintf("intact, but written by a newer onewindow (schema %d, this one knows %d)", version, want)
		c.Next = "install the newer onewindow again; this version cannot use the database"
	case version < want:
		c.Verdict = health.Warn
		c.Detail = fmt.Sprintf("intact, schema %d; this onewindow migrates it to %d on its next start", version, want)
		c.Next = "restart the terminal's service so the migration runs ('onewindow update migrate' does it by hand)"
	default:
		c.Verdict = health.OK
		c.Detail = fmt.Sprintf("intact (%s ok, schema %d)", strings.Join(pragmas, " and "), version)
	}
	return c
}

// CheckOutbox counts the operations waiting for central and how old the oldest
// is, read-only.
func CheckOutbox(ctx context.Context, file string, now time.Time) health.Check {
	c := health.Check{Name: "outbox"}
	db := openForCheck(&c, file)
	if db == nil {
		return c
	}
	defer db.Close()
	var pending, rejected int
	var oldest sql.NullString
	err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'rejected'), 0),
		MIN(CASE WHEN state = 'pending' THEN created_at END) FROM outbox`).Scan(&pending, &rejected, &oldest)
	if err != nil {
		c.Verdict, c.Detail = health.Skip, "the outbox cannot be read (see database integrity)"
		return c
	}
	c.Detail = fmt.Sprintf("%d operation(s) waiting for central, %d refused by it", pending, rejected)
	age := time.Duration(0)
	if oldest.Valid {
		if t, err := time.Parse(time.RFC3339Nano, oldest.String); err == nil {
			age = now.Sub(t)
			c.Detail += fmt.Sprintf("; the oldest has waited %s", health.AgeWords(age))
		}
	}
	switch {
	case pending > 0 && age >= health.OutboxFailAge:
		c.Verdict = health.Fail
		c.Next = "central has not taken this terminal's work for days: check 'central' above, the WAN link and the enrolment; then 'onewindow sync now' (or the technician page's sync button)"
	case pending > 0 && age >= health.OutboxWarnAge:
		c.Verdict = health.Warn
		c.Next = "the link to central is probably down; nothing is lost, it is sent when the link is back. Check 'central' above"
	case rejected > 0:
		c.Verdict = health.Warn
		c.Next = "central refused some operations; staff see them on the window's sync page and must settle each with the back office"
	default:
		c.Verdict = health.OK
	}
	return c
}

// openForCheck opens the database read-only for the check c, or says in c
// why it is skipped and returns nil.
func openForCheck(c *health.Check, file string) *sql.DB {
	if _, err := os.Stat(file); err != nil {
		c.Verdict, c.Detail = health.Skip, "no database yet"
		return nil
	}
	db, err := OpenReadOnly(file)
	if err != nil {
		c.Verdict, c.Detail = health.Skip, "the database cannot be opened (see database integrity)"
		return nil
	}
	return db
}

// CheckCalendar judges the holiday calendar the terminal holds (health.Calendar),
// read-only.
func CheckCalendar(ctx context.Context, file string, now time.Time) health.Check {
	skip := func(why string) health.Check {
		return health.Check{Name: "holiday calendar", Verdict: health.Skip, Detail: why}
	}
	if _, err := os.Stat(file); err != nil {
		return skip("no database yet")
	}
	db, err := OpenReadOnly(file)
	if err != nil {
		return skip("the database cannot be opened (see database integrity)")
	}
	defer db.Close()
	cal, err := calendarOf(ctx, db)
	if err != nil {
		return skip("the calendar cannot be read (see database integrity)")
	}
	return health.Calendar(cal.End(), now)
}

// ReadEnrolment reads the enrolment from the database, read-only. ok is
// false when the terminal has not been enrolled (or its database predates
// enrolment).
func ReadEnrolment(ctx context.Context, file string) (e health.Enrolment, ok bool, err error) {
	if _, err := os.Stat(file); err != nil {
		return e, false, nil
	}
	db, err := OpenReadOnly(file)
	if err != nil {
		return e, false, err
	}
	defer db.Close()
	var ca string
	err = db.QueryRowContext(ctx, `SELECT central_url, terminal, ca_pem FROM sync_link WHERE id = 1`).Scan(&e.Central, &e.Terminal, &ca)
	if err != nil {
		// No sync_link table: a database from before enrolment existed.
		return e, false, nil
	}
	e.CAPEM = []byte(ca)
	return e, e.Terminal != "", nil
}
