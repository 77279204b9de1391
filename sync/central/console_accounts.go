package central

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/app/console"
)

// The console's accounts, its browsers' sessions and its audit log, in
// central's database: every central server behind a load balancer shares them.

const accountCols = `login, name, role, department, halls, scope, password_hash, must_change, disabled, failures,
	locked_until, created_at, created_by`

func scanAccount(s interface{ Scan(...any) error }) (console.Account, error) {
	var a console.Account
	var role, halls, locked, created string
	var must, disabled int
	err := s.Scan(&a.Login, &a.Name, &role, &a.Department, &halls, &a.Scope, &a.PasswordHash, &must, &disabled,
		&a.Failures, &locked, &created, &a.CreatedBy)
	if err != nil {
		return a, err
	}
	a.Role, a.MustChange, a.Disabled = console.Role(role), must == 1, disabled == 1
	if halls != "" {
		a.Halls = strings.Split(halls, ",")
	}
	a.LockedUntil, _ = parseStamp(locked)
	a.Created, _ = parseStamp(created)
	return a, nil
}

func accountArgs(a console.Account) []any {
	return []any{a.Login, a.Name, string(a.Role), a.Department, strings.Join(a.Halls, ","), a.Scope, a.PasswordHash,
		flag(a.MustChange), flag(a.Disabled), a.Failures, stamp(a.LockedUntil), stamp(a.Created), a.CreatedBy}
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Account is one console account.
func (c *Central) Account(ctx context.Context, login string) (console.Account, error) {
	a, err := scanAccount(c.q().row(ctx, `SELECT `+accountCols+` FROM console_accounts WHERE login = ?`, login))
	return a, accountErr(login, err)
}

// Accounts lists the console's accounts by login.
func (c *Central) Accounts(ctx context.Context) ([]console.Account, error) {
	rows, err := c.q().query(ctx, `SELECT `+accountCols+` FROM console_accounts ORDER BY login`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []console.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateAccount adds an account; a login already taken is ErrConflict.
func (c *Central) CreateAccount(ctx context.Context, a console.Account) error {
	res, err := c.q().exec(ctx, `INSERT INTO console_accounts (`+accountCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (login) DO NOTHING`, accountArgs(a)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("account %q: %w: the login is taken", a.Login, ErrConflict)
	}
	return nil
}

// LoginFailed counts a wrong password, in one transaction: the max-th in
// a row locks the account until now+lockFor.
func (c *Central) LoginFailed(ctx context.Context, login string, max int, lockFor time.Duration, now time.Time) (int, time.Time, error) {
	var failures int
	var until time.Time
	err := c.tx(ctx, func(x q) error {
		if err := x.row(ctx, `UPDATE console_accounts SET failures = failures + 1 WHERE login = ? RETURNING failures`, login).
			Scan(&failures); err != nil {
			return accountErr(login, err)
		}
		if failures < max {
			return nil
		}
		until = now.Add(lockFor)
		_, err := x.exec(ctx, `UPDATE console_accounts SET failures = 0, locked_until = ? WHERE login = ?`, stamp(until), login)
		return err
	})
	return failures, until, err
}

// LoginSucceeded forgets an account's wrong passwords and its lock.
func (c *Central) LoginSucceeded(ctx context.Context, login string) error {
	return c.setAccount(ctx, login, `failures = 0, locked_until = ''`)
}

// SetAccountPassword stores a new password hash and lifts any lock.
func (c *Central) SetAccountPassword(ctx context.Context, login, hash string, mustChange bool) error {
	return c.setAccount(ctx, login, `password_hash = ?, must_change = ?, failures = 0, locked_until = ''`, hash, flag(mustChange))
}

// SetAccountDisabled disables an account or enables it again.
func (c *Central) SetAccountDisabled(ctx context.Context, login string, disabled bool) error {
	return c.setAccount(ctx, login, `disabled = ?`, flag(disabled))
}

// setAccount sets fields of one account, which must exist.
func (c *Central) setAccount(ctx context.Context, login, set string, args ...any) error {
	res, err := c.q().exec(ctx, `UPDATE console_accounts SET `+set+` WHERE login = ?`, append(args, login)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("account %q: %w", login, app.ErrNotFound)
	}
	return nil
}

func accountErr(login string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("account %q: %w", login, app.ErrNotFound)
	}
	return err
}

// CreateSession stores a session (its token's hash).
func (c *Central) CreateSession(ctx context.Context, s console.Session) error {
	_, err := c.q().exec(ctx, `INSERT INTO console_sessions (token_hash, login, csrf, created_at, expires_at, remote)
		VALUES (?, ?, ?, ?, ?, ?)`, s.TokenHash, s.Login, s.CSRF, stamp(s.Created), stamp(s.Expires), s.Remote)
	return err
}

// Session is the session of a token's hash.
func (c *Central) Session(ctx context.Context, tokenHash string) (console.Session, error) {
	s := console.Session{TokenHash: tokenHash}
	var created, expires string
	err := c.q().row(ctx, `SELECT login, csrf, created_at, expires_at, remote FROM console_sessions WHERE token_hash = ?`,
		tokenHash).Scan(&s.Login, &s.CSRF, &created, &expires, &s.Remote)
	if errors.Is(err, sql.ErrNoRows) {
		return s, fmt.Errorf("session: %w", app.ErrNotFound)
	}
	s.Created, _ = parseStamp(created)
	s.Expires, _ = parseStamp(expires)
	return s, err
}

// ExtendSession moves a session's expiry.
func (c *Central) ExtendSession(ctx context.Context, tokenHash string, expires time.Time) error {
	_, err := c.q().exec(ctx, `UPDATE console_sessions SET expires_at = ? WHERE token_hash = ?`, stamp(expires), tokenHash)
	return err
}

// EndSession removes a session, and every session that expired.
func (c *Central) EndSession(ctx context.Context, tokenHash string) error {
	_, err := c.q().exec(ctx, `DELETE FROM console_sessions WHERE token_hash = ? OR expires_at < ?`, tokenHash, stamp(c.now()))
	return err
}

// EndSessionsOf removes every session of an account.
func (c *Central) EndSessionsOf(ctx context.Context, login string) error {
	_, err := c.q().exec(ctx, `DELETE FROM console_sessions WHERE login = ?`, login)
	return err
}

// Audit writes a line of the audit log.
func (c *Central) Audit(ctx context.Context, e console.AuditEntry) error {
	_, err := c.q().exec(ctx, `INSERT INTO console_audit (id, at, login, action, target, remote, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		randomToken(12), stamp(e.At), e.Login, e.Action, e.Target, e.Remote, e.Detail)
	return err
}

// AuditLog is the newest lines of the audit log first.
func (c *Central) AuditLog(ctx context.Context, f console.AuditFilter) ([]console.AuditEntry, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Login != "" {
		where, args = append(where, "login = ?"), append(args, f.Login)
	}
	if f.Target != "" {
		where, args = append(where, "target = ?"), append(args, f.Target)
	}
	rows, err := c.q().query(ctx, `SELECT at, login, action, target, remote, detail FROM console_audit WHERE `+
		strings.Join(where, " AND ")+` ORDER BY at DESC, id LIMIT ?`, append(args, f.Limit)...)
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
		e.At, _ = parseStamp(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
