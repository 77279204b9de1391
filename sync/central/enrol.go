package central

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"onewindow/app"
	"onewindow/sync/wire"
)

var codeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// codeAlphabet leaves out 0/O and 1/I, which a technician reading a code off
// a sheet of paper would confuse.
var codeEncoding = base32.NewEncoding("ABCDEFGHJKLMNPQRSTUVWXYZ23456789").WithPadding(base32.NoPadding)

// normaliseCode accepts a code typed with spaces, dashes or lower case.
func normaliseCode(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
}

// The roles a terminal is enrolled as; only RoleHub reports queue events.
const (
	RoleKiosk   = "kiosk"
	RoleWindow  = "window"
	RoleDisplay = "display"
	RoleHub     = "hub"
)

// Roles are the roles an enrolment code is made for.
var Roles = []string{RoleKiosk, RoleWindow, RoleDisplay, RoleHub}

// CreateEnrolCode makes a one-time code that enrols the terminal with the
// given code in the given hall as role (one of Roles), valid for valid.
// Only its hash is kept.
func (c *Central) CreateEnrolCode(ctx context.Context, hall, terminal, role string, valid time.Duration) (string, time.Time, error) {
	var p app.Problems
	if !slices.Contains(Roles, role) {
		p.Add("role", fmt.Sprintf("%q is not a terminal's role; give one of %s", role, strings.Join(Roles, ", ")))
	}
	if !codeRe.MatchString(hall) {
		p.Add("hall", "must be 1–40 letters, digits, '-' or '_'")
	}
	if !codeRe.MatchString(terminal) {
		p.Add("terminal", "must be 1–40 letters, digits, '-' or '_'")
	}
	if valid <= 0 || valid > 30*24*time.Hour {
		p.Add("valid", "must be more than nothing and at most 30 days")
	}
	if err := p.Err(app.ErrInvalidInput); err != nil {
		return "", time.Time{}, fmt.Errorf("enrolment code: %w", err)
	}
	code := codeEncoding.EncodeToString(randomBytes(10)) // 80 bits, 16 characters
	now := c.now()
	expires := now.Add(valid)
	_, err := c.q().exec(ctx, `INSERT INTO enrol_codes (code_hash, terminal, hall, role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
		hashSecret(code), terminal, hall, role, stamp(now), stamp(expires))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("enrolment code: %w", err)
	}
	c.log.Info("enrolment code created", "terminal", terminal, "hall", hall, "role", role, "expires", expires)
	return code[:4] + "-" + code[4:8] + "-" + code[8:12] + "-" + code[12:], expires, nil
}

// Enrol exchanges a one-time code for the terminal's own secret. A code
// works once, before it expires, and only for the terminal it was made for.
// Enrolling again replaces the terminal's secret and its role, and lifts a
// revocation.
func (c *Central) Enrol(ctx context.Context, code, terminal string) (wire.EnrolAnswer, error) {
	var ans wire.EnrolAnswer
	secret := randomToken(32)
	err := c.tx(ctx, func(x q) error {
		var forTerminal, hall, role, expires, used string
		err := x.row(ctx, `SELECT terminal, hall, role, expires_at, used_at FROM enrol_codes WHERE code_hash = ?`,
			hashSecret(normaliseCode(code))).Scan(&forTerminal, &hall, &role, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: the enrolment code is not known", ErrUnauthorized)
		}
		if err != nil {
			return err
		}
		if used != "" {
			return fmt.Errorf("%w: the enrolment code was used already; ask for a new one", ErrUnauthorized)
		}
		if exp, _ := time.Parse(time.RFC3339Nano, expires); !c.now().Before(exp) {
			return fmt.Errorf("%w: the enrolment code expired at %s; ask for a new one", ErrUnauthorized, exp.In(app.HallZone).Format("2006-01-02 15:04"))
		}
		if terminal != "" && terminal != forTerminal {
			return fmt.Errorf("%w: the enrolment code is for terminal %s, not %s", ErrUnauthorized, forTerminal, terminal)
		}
		now := stamp(c.now())
		if _, err := x.exec(ctx, `UPDATE enrol_codes SET used_at = ? WHERE code_hash = ?`, now, hashSecret(normaliseCode(code))); err != nil {
			return err
		}
		if _, err := x.exec(ctx, `INSERT INTO terminals (id, hall, enrolled_as, secret_hash, enrolled_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET hall = excluded.hall, enrolled_as = excluded.enrolled_as, secret_hash = excluded.secret_hash,
			enrolled_at = excluded.enrolled_at, revoked_at = ''`, forTerminal, hall, role, hashSecret(secret), now); err != nil {
			return err
		}
		ans = wire.EnrolAnswer{Terminal: forTerminal, Hall: hall, Secret: secret, Suite: string(c.keys.Suite())}
		// What central holds under this code already: a terminal enrolled
		// again with a wiped database continues after it, so its
		// operations neither leave a gap nor reuse a sequence, and its
		// case numbers are never issued twice.
		if err := x.row(ctx, `SELECT last_seq FROM terminals WHERE id = ?`, forTerminal).Scan(&ans.Held); err != nil {
			return err
		}
		var lastCase sql.NullString
		if err := x.row(ctx, `SELECT MAX(entity) FROM ops WHERE terminal = ? AND kind = ?`, forTerminal, app.OpCase).Scan(&lastCase); err != nil {
			return err
		}
		ans.LastCase = caseSeq(lastCase.String)
		if ans.Held > 0 {
			_, err := x.exec(ctx, `UPDATE terminals SET reenrolled_after = ? WHERE id = ?`, ans.Held, forTerminal)
			return err
		}
		return nil
	})
	if err != nil {
		return wire.EnrolAnswer{}, fmt.Errorf("enrol: %w", err)
	}
	c.log.Info("terminal enrolled", "terminal", ans.Terminal, "hall", ans.Hall, "held", ans.Held)
	return ans, nil
}

// Authenticate checks a terminal's secret and returns its hall.
func (c *Central) Authenticate(ctx context.Context, terminal, secret string) (string, error) {
	t, err := c.authenticate(ctx, terminal, secret)
	return t.hall, err
}

// caller is an authenticated terminal: its hall, the role it was enrolled
// as ("" for one enrolled before codes had a role) and its last sync.
type caller struct {
	hall, role string
	lastSync   string // a stamp, "" before the first
}

// authenticate is Authenticate, with the rest of what central knows of
// the caller.
func (c *Central) authenticate(ctx context.Context, terminal, secret string) (caller, error) {
	var t caller
	var hash, revoked string
	err := c.q().row(ctx, `SELECT secret_hash, hall, revoked_at, enrolled_as, last_sync FROM terminals WHERE id = ?`, terminal).
		Scan(&hash, &t.hall, &revoked, &t.role, &t.lastSync)
	if errors.Is(err, sql.ErrNoRows) {
		return caller{}, ErrUnauthorized
	}
	if err != nil {
		return caller{}, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(hashSecret(secret))) != 1 {
		return caller{}, ErrUnauthorized
	}
	if revoked != "" {
		return caller{}, ErrRevoked
	}
	return t, nil
}

// seesPasswords reports whether a terminal of role gets the hall's staff
// password hashes with its set-up: windows, where staff log in, and the
// hub; not kiosks or hall screens, which stand in the public hall.
// A terminal enrolled before codes had a role still gets them.
func seesPasswords(role string) bool { return role != RoleKiosk && role != RoleDisplay }

// stripPasswords leaves the staff's passwords out of the hall set-ups
// among changes.
func stripPasswords(changes []wire.Change) error {
	for i, ch := range changes {
		if ch.Kind != wire.ChangeHall {
			continue
		}
		var h app.Hall
		if err := json.Unmarshal(ch.Body, &h); err != nil {
			return fmt.Errorf("change %d: the hall's set-up does not read back: %w", ch.Version, err)
		}
		withoutPasswords(&h)
		body, err := json.Marshal(h)
		if err != nil {
			return err
		}
		changes[i].Body = body
	}
	return nil
}

// withoutPasswords is a hall's set-up with its staff's passwords left out.
func withoutPasswords(h *app.Hall) {
	for i := range h.Staff {
		h.Staff[i].PasswordHash, h.Staff[i].PasswordSet, h.Staff[i].MustChange = "", time.Time{}, false
	}
}

// Revoke refuses every later request of a terminal (a stolen or retired
// machine) until it is enrolled again.
func (c *Central) Revoke(ctx context.Context, terminal string) error {
	res, err := c.q().exec(ctx, `UPDATE terminals SET revoked_at = ? WHERE id = ? AND revoked_at = ''`, stamp(c.now()), terminal)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("revoke terminal %s: %w (or already revoked)", terminal, app.ErrNotFound)
	}
	c.log.Info("terminal revoked", "terminal", terminal)
	return nil
}

// caseSeq is the per-terminal sequence at the end of a case number
// (TERMINAL-YYYYMMDD-NNNNNN), 0 when there is none. The sequence never
// goes back, so the greatest number (by date, then sequence) has the
// greatest one.
func caseSeq(number string) int64 {
	i := strings.LastIndexByte(number, '-')
	if i < 0 {
		return 0
	}
	n, err := strconv.ParseInt(number[i+1:], 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}
