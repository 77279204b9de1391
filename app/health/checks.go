package health

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/store"
)

// Config checks the configuration file at path and returns it when it is
// valid, so that the checks after it know what to look at.
func Config(path string) (Check, *config.Config) {
	c := Check{Name: "configuration"}
	cfg, err := config.Load(path)
	var pe *app.ProblemsError
	switch {
	case errors.As(err, &pe):
		c.Verdict = Fail
		n := len(pe.Problems)
		first := ""
		if n > 0 {
			first = ": " + pe.Problems[0]
		}
		c.Detail = fmt.Sprintf("%s has %d problem(s)%s", path, n, first)
		c.Next = "run 'onewindow config check " + path + "' to see every problem, fix them in the file, then run doctor again"
		return c, nil
	case errors.Is(err, os.ErrNotExist):
		c.Verdict = Fail
		c.Detail = path + " does not exist"
		c.Next = "this terminal is not set up yet: run 'onewindow setup' (or give the right file with -config)"
		return c, nil
	case err != nil:
		c.Verdict = Fail
		c.Detail = err.Error()
		c.Next = "check that the file can be read by the user onewindow runs as"
		return c, nil
	}
	c.Verdict = OK
	who := string(cfg.Role)
	if cfg.Terminal != "" {
		who += " " + cfg.Terminal
	}
	if cfg.Hall != "" {
		who += " in hall " + cfg.Hall
	}
	c.Detail = path + ": " + who
	return c, cfg
}

// Database runs SQLite's own integrity checks on the terminal's database,
// opened read-only so that the doctor never changes what it examines (it
// does not migrate, unlike the store). quick_check first, since it is fast
// and already catches a torn page; the full integrity_check then also
// compares every index with its table.
func Database(ctx context.Context, file string) Check {
	return database(ctx, file, "quick_check", "integrity_check")
}

// DatabaseQuick is Database with quick_check only: what a running terminal
// reports to central with its syncs. The full integrity_check reads every
// index of a database that grows for years, which a kiosk must not do every
// few minutes while citizens wait; the doctor runs it.
func DatabaseQuick(ctx context.Context, file string) Check {
	return database(ctx, file, "quick_check")
}

func database(ctx context.Context, file string, pragmas ...string) Check {
	c := Check{Name: "database integrity"}
	if _, err := os.Stat(file); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			c.Verdict = Warn
			c.Detail = file + " does not exist yet"
			c.Next = "it is created on the terminal's first start; if the terminal has run before, its records are gone: restore the data folder from the last backup"
			return c
		}
		c.Verdict = Fail
		c.Detail = err.Error()
		c.Next = "check the data folder's owner and permissions"
		return c
	}
	db, err := store.OpenReadOnly(file)
	if err != nil {
		c.Verdict, c.Detail = Fail, err.Error()
		c.Next = "the file cannot be opened as a database; restore the data folder from the last backup"
		return c
	}
	defer db.Close()
	for _, pragma := range pragmas {
		rows, err := db.QueryContext(ctx, "PRAGMA "+pragma)
		if err != nil {
			c.Verdict, c.Detail = Fail, fmt.Sprintf("%s could not run: %v", pragma, err)
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
			c.Verdict = Fail
			c.Detail = fmt.Sprintf("%s found %d problem(s), first: %s", pragma, len(found), found[0])
			c.Next = "stop onewindow, copy the data folder aside for support, and restore the database from the last backup; outbox operations not yet at central may be lost"
			return c
		}
	}
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		c.Verdict, c.Detail = Fail, "cannot read the schema version: "+err.Error()
		c.Next = "restore the database from the last backup"
		return c
	}
	switch want := store.SchemaVersion(); {
	case version > want:
		c.Verdict = Fail
		c.Detail = fmt.Sprintf("intact, but written by a newer onewindow (schema %d, this one knows %d)", version, want)
		c.Next = "install the newer onewindow again; this version cannot use the database"
	case version < want:
		c.Verdict = Warn
		c.Detail = fmt.Sprintf("intact, schema %d; this onewindow migrates it to %d on its next start", version, want)
		c.Next = "restart the terminal's service so the migration runs ('onewindow update migrate' does it by hand)"
	default:
		c.Verdict = OK
		c.Detail = fmt.Sprintf("intact (%s ok, schema %d)", strings.Join(pragmas, " and "), version)
	}
	return c
}

// Disk thresholds. A terminal's database grows by a few megabytes a month;
// SQLite needs room for its journal and a migration for a whole copy.
const (
	DiskWarnBytes = 2 << 30   // 2 GiB
	DiskFailBytes = 200 << 20 // 200 MiB
)

// Disk checks the free space where the terminal keeps its records.
func Disk(dir string) Check {
	c := Check{Name: "disk space"}
	at := dir
	// The data folder may not exist before the first start; its parent
	// is on the same disk in every installation we make.
	for {
		if _, err := os.Stat(at); err == nil {
			break
		}
		parent := parentDir(at)
		if parent == at {
			break
		}
		at = parent
	}
	free, total, err := freeSpace(at)
	if err != nil {
		c.Verdict, c.Detail = Skip, "cannot measure the free space: "+err.Error()
		return c
	}
	c.Detail = fmt.Sprintf("%s free of %s on the disk of %s", bytesWords(free), bytesWords(total), dir)
	switch {
	case free < DiskFailBytes:
		c.Verdict = Fail
		c.Next = "free space now: remove old files from the disk (never from the data folder), or the database will stop taking cases"
	case free < DiskWarnBytes:
		c.Verdict = Warn
		c.Next = "free some space soon; below " + bytesWords(DiskFailBytes) + " the terminal cannot update or migrate its database"
	default:
		c.Verdict = OK
	}
	return c
}

func parentDir(p string) string {
	p = strings.TrimRight(p, `/\`)
	i := strings.LastIndexAny(p, `/\`)
	switch {
	case i < 0:
		return p
	case i == 0:
		return p[:1]
	}
	return p[:i]
}

func bytesWords(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// Outbox thresholds: the WAN is often down for hours (DESIGN.md §3), so a
// backlog is a warning after an hour and a failure only after days.
const (
	OutboxWarnAge = time.Hour
	OutboxFailAge = 3 * 24 * time.Hour
)

// Outbox counts the operations waiting for central and how old the oldest
// is, read-only.
func Outbox(ctx context.Context, file string, now time.Time) Check {
	c := Check{Name: "outbox"}
	if _, err := os.Stat(file); err != nil {
		c.Verdict, c.Detail = Skip, "no database yet"
		return c
	}
	db, err := store.OpenReadOnly(file)
	if err != nil {
		c.Verdict, c.Detail = Skip, "the database cannot be opened (see database integrity)"
		return c
	}
	defer db.Close()
	var pending, rejected int
	var oldest sql.NullString
	err = db.QueryRowContext(ctx, `SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'rejected'), 0),
		MIN(CASE WHEN state = 'pending' THEN created_at END) FROM outbox`).Scan(&pending, &rejected, &oldest)
	if err != nil {
		c.Verdict, c.Detail = Skip, "the outbox cannot be read (see database integrity)"
		return c
	}
	c.Detail = fmt.Sprintf("%d operation(s) waiting for central, %d refused by it", pending, rejected)
	age := time.Duration(0)
	if oldest.Valid {
		if t, err := time.Parse(time.RFC3339Nano, oldest.String); err == nil {
			age = now.Sub(t)
			c.Detail += fmt.Sprintf("; the oldest has waited %s", ageWords(age))
		}
	}
	switch {
	case pending > 0 && age >= OutboxFailAge:
		c.Verdict = Fail
		c.Next = "central has not taken this terminal's work for days: check 'central' above, the WAN link and the enrolment; then 'onewindow sync now' (or the technician page's sync button)"
	case pending > 0 && age >= OutboxWarnAge:
		c.Verdict = Warn
		c.Next = "the link to central is probably down; nothing is lost, it is sent when the link is back. Check 'central' above"
	case rejected > 0:
		c.Verdict = Warn
		c.Next = "central refused some operations; staff see them on the window's sync page and must settle each with the back office"
	default:
		c.Verdict = OK
	}
	return c
}

func ageWords(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d/time.Hour))
	case d >= time.Minute:
		return fmt.Sprintf("%d minutes", int(d/time.Minute))
	}
	return "less than a minute"
}

// Clock-skew thresholds. Case due dates and the timeline's stamps come from
// the terminal's clock; a few seconds do not matter, minutes confuse the
// hall's statistics, and beyond that certificates start to look expired.
const (
	SkewWarn = 30 * time.Second
	SkewFail = 5 * time.Minute
)

// Skew judges the terminal's clock against the time another machine
// reported. rtt is how long the exchange took: the remote time was read
// somewhere within it, so only skew beyond half of it is counted.
func Skew(against string, local, remote time.Time, rtt time.Duration) Check {
	c := Check{Name: "clock"}
	d := local.Add(-rtt / 2).Sub(remote)
	abs := d
	if abs < 0 {
		abs = -abs
	}
	abs -= rtt / 2
	if abs < 0 {
		abs = 0
	}
	dir := "ahead of"
	if d < 0 {
		dir = "behind"
	}
	c.Detail = fmt.Sprintf("%s %s %s (HTTP Date header)", abs.Round(time.Second), dir, against)
	if abs < time.Second {
		c.Detail = "within a second of " + against
	}
	fix := "set the time: 'timedatectl set-ntp true' with the hall's NTP server, or 'timedatectl set-time'; on Windows, Settings → Time → Sync now"
	switch {
	case abs >= SkewFail:
		c.Verdict, c.Next = Fail, fix+". Until then due dates and timeline stamps are wrong, and TLS may refuse central's certificate"
	case abs >= SkewWarn:
		c.Verdict, c.Next = Warn, fix
	default:
		c.Verdict = OK
	}
	return c
}

// Enrolment is what the doctor needs of the terminal's enrolment with
// central: where central is and the CA it pins. The secret stays sealed in
// the database; the doctor does not need it to see whether central answers.
type Enrolment struct {
	Central  string
	Terminal string
	CAPEM    []byte
}

// ReadEnrolment reads the enrolment from the database, read-only. ok is
// false when the terminal has not been enrolled (or its database predates
// enrolment).
func ReadEnrolment(ctx context.Context, file string) (e Enrolment, ok bool, err error) {
	if _, err := os.Stat(file); err != nil {
		return e, false, nil
	}
	db, err := store.OpenReadOnly(file)
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
