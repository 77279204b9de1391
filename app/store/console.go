package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"onewindow/app"
	"onewindow/app/console"
)

// HallConsole is the web console's store at a hall's hub (issue 17 §1):
// the hall's managers see their hall's day from what the hub holds, with
// the WAN down too. They log in with their staff id and password (the
// hall's staff with the manager role); their sessions and the audit log
// are kept here. What only central holds (accounts of other people, other
// halls, departments' opinions, publishing) is refused with
// ErrCentralOnly.
type HallConsole struct{ s *Store }

var _ console.Store = HallConsole{}

// Console is the store's web console for the hall's managers.
func (s *Store) Console() HallConsole { return HallConsole{s} }

// ErrCentralOnly: this is done in the province's console at central.
var ErrCentralOnly = fmt.Errorf("%w: this is done in the province's console at central", console.ErrForbidden)

// Account is a manager of the hall by staff id; any other id is not found.
func (c HallConsole) Account(ctx context.Context, login string) (console.Account, error) {
	m, err := c.s.StaffMember(ctx, login)
	if err != nil {
		return console.Account{}, err
	}
	if m.Role != app.RoleManager {
		return console.Account{}, fmt.Errorf("account %q: %w", login, app.ErrNotFound)
	}
	h, err := c.s.Hall(ctx)
	if err != nil {
		return console.Account{}, err
	}
	rec, err := c.s.LoginRecord(ctx, login)
	if err != nil {
		return console.Account{}, err
	}
	return console.Account{Login: m.ID, Name: m.Name, Role: console.Manager, Halls: []string{h.Code},
		PasswordHash: m.PasswordHash, MustChange: m.MustChange, Disabled: m.Disabled,
		Failures: rec.Failures, LockedUntil: rec.LockedUntil}, nil
}

// LoginFailed counts a wrong password as a window's login does, in one
// transaction: the max-th in a row locks the id until now+lockFor.
func (c HallConsole) LoginFailed(ctx context.Context, login string, max int, lockFor time.Duration, now time.Time) (int, time.Time, error) {
	var rec app.LoginRecord
	err := c.s.tx(ctx, func(tx *sql.Tx) error {
		var until string
		err := tx.QueryRowContext(ctx, `SELECT failures, locked_until FROM login_failures WHERE staff_id = ?`, login).Scan(&rec.Failures, &until)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		rec.Failures++
		if rec.Failures >= max {
			rec = app.LoginRecord{LockedUntil: now.Add(lockFor)}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO login_failures (staff_id, failures, locked_until) VALUES (?, ?, ?)
			ON CONFLICT (staff_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
			login, rec.Failures, stamp(rec.LockedUntil))
		return err
	})
	if !rec.LockedUntil.IsZero() {
		return max, rec.LockedUntil, err
	}
	return rec.Failures, rec.LockedUntil, err
}

// LoginSucceeded forgets the id's wrong passwords.
func (c HallConsole) LoginSucceeded(ctx context.Context, login string) error {
	return c.s.SetLoginRecord(ctx, login, app.LoginRecord{})
}

// SetAccountPassword is a manager's own new password: stored and sent to
// the hall and central as a window's is. A one-time password is set at
// central.
func (c HallConsole) SetAccountPassword(ctx context.Context, login, hash string, mustChange bool) error {
	if mustChange {
		return ErrCentralOnly
	}
	if err := c.s.ChangeOwnPassword(ctx, login, hash); err != nil {
		return err
	}
	return c.s.SetLoginRecord(ctx, login, app.LoginRecord{})
}

// SetAccountDisabled is done at central.
func (c HallConsole) SetAccountDisabled(context.Context, string, bool) error { return ErrCentralOnly }

// Accounts are kept at central.
func (c HallConsole) Accounts(context.Context) ([]console.Account, error) { return nil, ErrCentralOnly }

// CreateAccount is done at central.
func (c HallConsole) CreateAccount(context.Context, console.Account) error { return ErrCentralOnly }

// CreateSession stores a session.
func (c HallConsole) CreateSession(ctx context.Context, s console.Session) error {
	_, err := c.s.db.ExecContext(ctx, `INSERT INTO console_sessions (token_hash, login, csrf, created_at, expires_at, remote)
		VALUES (?, ?, ?, ?, ?, ?)`, s.TokenHash, s.Login, s.CSRF, stamp(s.Created), stamp(s.Expires), s.Remote)
	return err
}

// Session is the session of a token's hash.
func (c HallConsole) Session(ctx context.Context, tokenHash string) (console.Session, error) {
	s := console.Session{TokenHash: tokenHash}
	var created, expires string
	err := c.s.db.QueryRowContext(ctx, `SELECT login, csrf, created_at, expires_at, remote FROM console_sessions WHERE token_hash = ?`,
		tokenHash).Scan(&s.Login, &s.CSRF, &created, &expires, &s.Remote)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("session: %w", app.ErrNotFound)
	}
	s.Created, _ = unstamp(created)
	s.Expires, _ = unstamp(expires)
	return s, err
}

// ExtendSession moves a session's expiry.
func (c HallConsole) ExtendSession(ctx context.Context, tokenHash string, expires time.Time) error {
	_, err := c.s.db.ExecContext(ctx, `UPDATE console_sessions SET expires_at = ? WHERE token_hash = ?`, stamp(expires), tokenHash)
	return err
}

// EndSession removes a session, and every one that expired.
func (c HallConsole) EndSession(ctx context.Context, tokenHash string) error {
	_, err := c.s.db.ExecContext(ctx, `DELETE FROM console_sessions WHERE token_hash = ? OR expires_at < ?`, tokenHash, stamp(c.s.now()))
	return err
}

// EndSessionsOf removes every session of a login.
func (c HallConsole) EndSessionsOf(ctx context.Context, login string) error {
	_, err := c.s.db.ExecContext(ctx, `DELETE FROM console_sessions WHERE login = ?`, login)
	return err
}

// Audit writes a line of the audit log.
func (c HallConsole) Audit(ctx context.Context, e console.AuditEntry) error {
	_, err := c.s.db.ExecContext(ctx, `INSERT INTO console_audit (at, login, action, target, remote, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		stamp(e.At), e.Login, e.Action, e.Target, e.Remote, e.Detail)
	return err
}

// AuditLog is the newest lines first.
func (c HallConsole) AuditLog(ctx context.Context, f console.AuditFilter) ([]console.AuditEntry, error) {
	rows, err := c.s.db.QueryContext(ctx, `SELECT at, login, action, target, remote, detail FROM console_audit
		WHERE (? = '' OR login = ?) AND (? = '' OR target = ?) ORDER BY id DESC LIMIT ?`, f.Login, f.Login, f.Target, f.Target, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []console.AuditEntry
	for rows.Next() {
		var e console.AuditEntry
		var at string
		if err := rows.Scan(&at, &e.Login, &e.Action, &e.Target, &e.Remote, &e.Detail); err != nil {
			return nil, err
		}
		e.At, _ = unstamp(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Catalog is the catalogue the hall holds.
func (c HallConsole) Catalog(ctx context.Context) (*app.Catalog, error) { return c.s.Catalog(ctx) }

// Calendar is the calendar the hall holds.
func (c HallConsole) Calendar(ctx context.Context) (*app.Calendar, error) { return c.s.Calendar(ctx) }

// Halls is this hall.
func (c HallConsole) Halls(ctx context.Context) ([]console.HallInfo, error) {
	h, err := c.s.Hall(ctx)
	if err != nil {
		return nil, err
	}
	return []console.HallInfo{{Code: h.Code, Name: h.Name}}, nil
}

// HallDay is the hall's tickets, ratings and cases of a day, from the hub.
func (c HallConsole) HallDay(ctx context.Context, hall string, day app.Date) (console.HallDay, error) {
	d := console.HallDay{Day: day}
	h, err := c.s.Hall(ctx)
	if err != nil {
		return d, err
	}
	if hall != h.Code {
		return d, fmt.Errorf("hall %s: %w: this hub is hall %s's", hall, console.ErrForbidden, h.Code)
	}
	d.Hall = console.HallInfo{Code: h.Code, Name: h.Name}
	start, err := day.Time()
	if err != nil {
		return d, fmt.Errorf("%w: %q is not a day (YYYY-MM-DD)", app.ErrInvalidInput, day)
	}
	if d.Plan, _, err = c.s.BookingPlan(ctx); err != nil { // appointments (bookings.go)
		return d, err
	}
	if d.Bookings, err = c.s.Bookings(ctx, day); err != nil {
		return d, err
	}
	end := start.AddDate(0, 0, 1)
	rows, err := c.s.db.QueryContext(ctx, `SELECT code, category, priority, state, window, issued_at, called_at, finished_at, clerk
		FROM tickets WHERE day = ? ORDER BY issued_at`, string(day))
	if err != nil {
		return d, err
	}
	for rows.Next() {
		var t console.TicketRow
		var issued, called, finished string
		if err := rows.Scan(&t.Ticket, &t.Category, &t.Priority, &t.State, &t.Window, &issued, &called, &finished, &t.Clerk); err != nil {
			rows.Close()
			return d, err
		}
		t.Issued, _ = unstamp(issued)
		t.Called, _ = unstamp(called)
		t.Finished, _ = unstamp(finished)
		d.Tickets = append(d.Tickets, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return d, err
	}
	if d.Ratings, err = c.ratings(ctx, `ratings r LEFT JOIN follow_ups f ON f.rating = r.id WHERE r.at >= ? AND r.at < ?`,
		stamp(start), stamp(end)); err != nil {
		return d, err
	}
	// The open follow-ups, from the few still open (follow_ups_open), then
	// their ratings: not every rating ever given, read for its follow-up.
	if d.FollowUps, err = c.ratings(ctx, `follow_ups f CROSS JOIN ratings r ON r.id = f.rating WHERE f.resolved_at = ''`); err != nil {
		return d, err
	}
	rows, err = c.s.db.QueryContext(ctx, `SELECT window, clerk, count(*) FROM cases WHERE accepted_at >= ? AND accepted_at < ?
		GROUP BY window, clerk ORDER BY window, clerk`, stamp(start), stamp(end))
	if err != nil {
		return d, err
	}
	defer rows.Close()
	for rows.Next() {
		var n console.ClerkCount
		if err := rows.Scan(&n.Window, &n.Clerk, &n.Cases); err != nil {
			return d, err
		}
		d.Cases = append(d.Cases, n)
	}
	return d, rows.Err()
}

// ratings reads the ratings (r) and their follow-ups (f) of a FROM clause:
// the tables, joined, and the WHERE clause.
func (c HallConsole) ratings(ctx context.Context, from string, args ...any) ([]console.RatingRow, error) {
	rows, err := c.s.db.QueryContext(ctx, `SELECT r.id, r.level, r.window, r.clerk, r.ticket, r.case_number, r.at,
		COALESCE(f.due_date, ''), COALESCE(f.resolved_at, '')
		FROM `+from+` ORDER BY r.at`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []console.RatingRow
	for rows.Next() {
		var r console.RatingRow
		var at, due, resolved string
		if err := rows.Scan(&r.ID, &r.Level, &r.Window, &r.Clerk, &r.Ticket, &r.Case, &at, &due, &resolved); err != nil {
			return nil, err
		}
		r.At, _ = unstamp(at)
		r.Resolved, _ = unstamp(resolved)
		r.Due = app.Date(due)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Running is at central.
func (c HallConsole) Running(context.Context, console.CaseFilter) ([]console.CaseRow, error) {
	return nil, ErrCentralOnly
}

// CaseFile is at central.
func (c HallConsole) CaseFile(context.Context, string) (console.CaseFile, error) {
	return console.CaseFile{}, ErrCentralOnly
}

// Decide is at central.
func (c HallConsole) Decide(context.Context, string, string, bool, string) error {
	return ErrCentralOnly
}

// Trend is at central.
func (c HallConsole) Trend(context.Context, console.CaseFilter, app.Date, app.Date) ([]console.DayCount, error) {
	return nil, ErrCentralOnly
}

// BadRatings is at central.
func (c HallConsole) BadRatings(context.Context, string, time.Time) ([]console.RatingRow, error) {
	return nil, ErrCentralOnly
}

// Publish is at central.
func (c HallConsole) Publish(context.Context, string, []byte) (int64, error) {
	return 0, ErrCentralOnly
}

// Publications is at central.
func (c HallConsole) Publications(context.Context) ([]console.Publication, error) {
	return nil, ErrCentralOnly
}

// HallSetup is at central.
func (c HallConsole) HallSetup(context.Context, string) (app.Hall, error) {
	return app.Hall{}, ErrCentralOnly
}

// UpdateHall is at central.
func (c HallConsole) UpdateHall(context.Context, string, func(*app.Hall) error) (int64, error) {
	return 0, ErrCentralOnly
}

// UpdatePackages are at central.
func (c HallConsole) UpdatePackages(context.Context) ([]console.UpdatePackage, error) {
	return nil, ErrCentralOnly
}

// PublishPackage is done at central.
func (c HallConsole) PublishPackage(context.Context, []byte, bool) (console.UpdatePackage, error) {
	return console.UpdatePackage{}, ErrCentralOnly
}
