package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"onewindow/app/health"
)

// purgeGrace is how long past its retention a case may still hold personal
// data before the doctor warns: the purge runs once a day.
const purgeGrace = 48 * time.Hour

// CheckRetention says, read-only, whether personal data past its retention
// is still held (issue 16 §1): the cases that ended here longer ago than
// keep and still hold their applicant, those of them whose records still
// wait to be sent, and how many cases were purged, the last when.
func CheckRetention(ctx context.Context, file string, now time.Time, keep time.Duration) health.Check {
	c := health.Check{Name: "personal data retention"}
	db := openForCheck(&c, file)
	if db == nil {
		return c
	}
	defer db.Close()
	var purged, overdue, waiting int
	var last sql.NullString
	err := db.QueryRowContext(ctx, `SELECT count(*), max(purged_at) FROM cases WHERE purged_at <> ''`).Scan(&purged, &last)
	if err == nil {
		err = db.QueryRowContext(ctx, `SELECT
			COALESCE(SUM(NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity = c.number AND o.state <> 'sent')), 0),
			COALESCE(SUM(EXISTS (SELECT 1 FROM outbox o WHERE o.entity = c.number AND o.state <> 'sent')), 0)
			FROM cases c WHERE c.purged_at = '' AND c.state IN (`+endedStates()+`)
			AND (SELECT min(at) FROM case_events e WHERE e.case_number = c.number AND e.state IN (`+endedStates()+`)) < ?`,
			stamp(now.Add(-keep-purgeGrace))).Scan(&overdue, &waiting)
	}
	if err != nil {
		c.Verdict, c.Detail = health.Skip, "the cases cannot be read (see database integrity; a database not yet brought up to date is when the terminal starts)"
		return c
	}
	days := int(keep / (24 * time.Hour))
	c.Detail = fmt.Sprintf("%d case(s) purged", purged)
	if t, err := unstamp(last.String); err == nil && !t.IsZero() {
		c.Detail += ", the last " + health.AgeWords(now.Sub(t)) + " ago"
	}
	c.Detail += fmt.Sprintf("; personal data kept %d days after a case ends", days)
	if waiting > 0 {
		c.Detail += fmt.Sprintf("; %d case(s) past it wait for their records to be sent (see outbox)", waiting)
	}
	c.Verdict = health.OK
	if overdue > 0 {
		c.Verdict = health.Warn
		c.Detail += fmt.Sprintf("; %d case(s) past it still hold their applicant", overdue)
		c.Next = "the running kiosk, window or hub erases them daily: check that it runs and its log ('onewindow logs') for the purge's warning"
	}
	return c
}
