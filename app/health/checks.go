package health

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/config"
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

// CalendarFailDays: the doctor fails when the holiday calendar ends within
// this many days, so that central has time to publish the next year's
// before a due date is counted past the end (weekends only).
const CalendarFailDays = 60

// Calendar judges the terminal's holiday calendar, which ends on end
// (empty: the terminal has none), on the day now.
func Calendar(end app.Date, now time.Time) Check {
	c := Check{Name: "holiday calendar"}
	publish := "central publishes the next year's official holidays: 'onewindow central publish calendar FILE' with the State Council's notice as the file (assets/calendar has the format), then 'onewindow sync now' here"
	last, err := end.Time()
	if err != nil {
		c.Verdict, c.Detail = Fail, "this terminal has no holiday calendar: due dates count weekends only"
		c.Next = "sync with central ('onewindow sync now'); if it has none either, " + publish
		return c
	}
	today, _ := app.DateOf(now).Time()
	left := int(last.Sub(today).Hours()/24 + 0.5) // whole days; +0.5 rounds over a zone's DST change
	switch {
	case left < 0:
		c.Verdict = Fail
		c.Detail = fmt.Sprintf("the calendar ended on %s: due dates after it count weekends only", end)
	case left < CalendarFailDays:
		c.Verdict = Fail
		c.Detail = fmt.Sprintf("the calendar ends on %s, in %d days: a due date after it counts weekends only", end, left)
	default:
		c.Verdict, c.Detail = OK, fmt.Sprintf("covers until %s (%d days)", end, left)
		return c
	}
	c.Next = publish
	return c
}

// Outbox thresholds: the WAN is often down for hours (DESIGN.md §3), so a
// backlog is a warning after an hour and a failure only after days.
const (
	OutboxWarnAge = time.Hour
	OutboxFailAge = 3 * 24 * time.Hour
)

// AgeWords says how long d is in a technician's words.
func AgeWords(d time.Duration) string {
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
