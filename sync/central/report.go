package central

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/sync/wire"
)

// RecordReport keeps the health a terminal reported with its sync: only
// the last report of each terminal, which is what an administrator asks
// about ("what is wrong in hall 330106 now?"). A report with a bad field
// is refused and changes nothing.
func (c *Central) RecordReport(ctx context.Context, terminal string, r wire.Report) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("health report: %w", err)
	}
	r.Health.Terminal = terminal // what it says of itself is not trusted
	// The terminal's clock against central's: its report is stamped when
	// its checks start, a few seconds before it arrives, which is far
	// below what a clock check warns of.
	if sk := health.Skew("central", r.Health.At, c.now(), 0); sk.Verdict != health.OK {
		r.Health.Add(sk)
	}
	body, err := json.Marshal(r.Health)
	if err != nil {
		return fmt.Errorf("health report: %w", err)
	}
	now := stamp(c.now())
	err = c.tx(ctx, func(x q) error {
		if _, err := x.exec(ctx, `UPDATE terminals SET role = ?, last_seen = ? WHERE id = ?`, r.Role, now, terminal); err != nil {
			return err
		}
		_, err := x.exec(ctx, `INSERT INTO terminal_health (terminal, version, at, worst, report, received_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (terminal) DO UPDATE SET version = excluded.version, at = excluded.at, worst = excluded.worst,
			report = excluded.report, received_at = excluded.received_at`,
			terminal, r.Version, stamp(r.Health.At), r.Health.Worst().String(), string(body), now)
		return err
	})
	if err != nil {
		return fmt.Errorf("health report of %s: %w", terminal, err)
	}
	c.log.Debug("health reported", "terminal", terminal, "worst", r.Health.Worst().String())
	return nil
}

// synced records that a terminal completed a sync (its pull came to the
// end of central's changes).
func (c *Central) synced(ctx context.Context, terminal string) error {
	now := c.now()
	if last, ok := ctx.Value(lastSyncKey).(string); ok && last > stamp(now.Add(-syncedEvery)) {
		return nil // recorded lately: a terminal asking for changes every few seconds writes once a minute
	}
	_, err := c.q().exec(ctx, `UPDATE terminals SET last_seen = ?, last_sync = ? WHERE id = ?`, stamp(now), stamp(now), terminal)
	return err
}

// syncedEvery is how often a terminal's last sync is written down.
const syncedEvery = time.Minute

// Terminal is an enrolled terminal as an administrator sees it.
type Terminal struct {
	ID   string
	Hall string
	Role string // from its last health report; "" before the first
	// EnrolledAs is the role its enrolment code was made for (Roles),
	// which central trusts; "" for one enrolled before codes had a role.
	EnrolledAs string
	Enrolled   time.Time
	Revoked    time.Time // zero unless revoked
	LastSeq    int64
	LastSeen   time.Time // its last request of any kind
	LastSync   time.Time // its last completed sync
	Version    string    // the onewindow it runs, from its last report
	Health     *health.Report
	Received   time.Time // when central received Health
}

// Terminals lists the terminals ever enrolled, of one hall or (hall "")
// of every hall, with the last health each reported.
func (c *Central) Terminals(ctx context.Context, hall string) ([]Terminal, error) {
	query := `SELECT t.id, t.hall, t.role, t.enrolled_as, t.enrolled_at, t.revoked_at, t.last_seq, t.last_seen, t.last_sync,
		COALESCE(h.version, ''), COALESCE(h.report, ''), COALESCE(h.received_at, '')
		FROM terminals t LEFT JOIN terminal_health h ON h.terminal = t.id`
	var args []any
	if hall != "" {
		query += ` WHERE t.hall = ?`
		args = append(args, hall)
	}
	rows, err := c.q().query(ctx, query+` ORDER BY t.hall, t.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Terminal
	for rows.Next() {
		var t Terminal
		var enrolled, revoked, seen, synced, report, received string
		if err := rows.Scan(&t.ID, &t.Hall, &t.Role, &t.EnrolledAs, &enrolled, &revoked, &t.LastSeq, &seen, &synced,
			&t.Version, &report, &received); err != nil {
			return nil, err
		}
		t.Enrolled, _ = parseStamp(enrolled)
		t.Revoked, _ = parseStamp(revoked)
		t.LastSeen, _ = parseStamp(seen)
		t.LastSync, _ = parseStamp(synced)
		t.Received, _ = parseStamp(received)
		if report != "" {
			var r health.Report
			if err := json.Unmarshal([]byte(report), &r); err != nil {
				return nil, fmt.Errorf("terminal %s: its stored health report: %w", t.ID, err)
			}
			t.Health = &r
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if hall != "" && len(out) == 0 {
		return nil, fmt.Errorf("hall %s: %w: no terminal of it was ever enrolled", hall, app.ErrNotFound)
	}
	return out, nil
}

// Summary is the one-line state of a terminal's last health report:
// "ok", "not reported", or the worst verdict and the checks not well.
func (t Terminal) Summary() string {
	if t.Health == nil {
		return "not reported"
	}
	bad := t.Health.NotWell()
	if len(bad) == 0 {
		return "ok"
	}
	names := make([]string, len(bad))
	for i, c := range bad {
		names[i] = c.Name
	}
	return t.Health.Worst().String() + ": " + strings.Join(names, ", ")
}
