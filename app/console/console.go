// Package console holds the rules of the web console (issue 17): the people
// behind the window who use an office browser, what each may see and do,
// their sessions and the audit log. Departments' reviewers decide cases
// (并联审批), supervisors watch every case's clock (电子监察), hall managers
// see their hall, administrators keep the accounts.
//
// It imports no HTTP or database package: Store is what a server keeps
// (sync/central implements it), web/console renders the pages. Every right
// is checked here, on the server, whatever a page offers.
package console

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"onewindow/app"
)

// Role is what an account does.
type Role string

// Roles.
const (
	Reviewer   Role = "reviewer"   // 部门审批人员: one department's opinions
	Manager    Role = "manager"    // 大厅管理员: their halls
	Supervisor Role = "supervisor" // 监察人员: the province, or a district
	Admin      Role = "admin"      // 系统管理员: accounts
)

// Roles lists every role.
var Roles = []Role{Reviewer, Manager, Supervisor, Admin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Errors the pages turn into words; callers decide with errors.Is.
var (
	// ErrForbidden: the account may not see or do this. It never says
	// whether the thing exists.
	ErrForbidden = errors.New("this account may not see or do that")
	// ErrSessionOver: no session, or it expired; log in again.
	ErrSessionOver = errors.New("the session is over; log in again")
	// ErrDisabled: the account was disabled.
	ErrDisabled = errors.New("this account is disabled")
)

// Account is one person's console account.
type Account struct {
	Login      string
	Name       string
	Role       Role
	Department string   // a reviewer's department (catalogue code)
	Halls      []string // a manager's halls
	// Scope is a supervisor's area: the start of the hall codes watched
	// ("330106" a district), empty for the whole province.
	Scope        string
	PasswordHash string
	MustChange   bool // a password set by someone else: change it first
	Disabled     bool
	Failures     int
	LockedUntil  time.Time
	Created      time.Time
	CreatedBy    string
}

var loginRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$`)

// Validate checks an account's fields against the catalogue's departments.
func (a Account) Validate(cat *app.Catalog) error {
	var p app.Problems
	if !loginRe.MatchString(a.Login) {
		p.Add("login", "must be 2–32 letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if n := len([]rune(strings.TrimSpace(a.Name))); n == 0 || n > 40 {
		p.Add("name", "must be 1–40 characters")
	}
	if !a.Role.Valid() {
		p.Add("role", fmt.Sprintf("%q is not one of reviewer, manager, supervisor, admin", a.Role))
	}
	if a.Role == Reviewer {
		if a.Department == "" {
			p.Add("department", "a reviewer decides for one department")
		} else if cat != nil && !slices.ContainsFunc(cat.Departments, func(d app.Department) bool { return d.Code == a.Department }) {
			p.Add("department", fmt.Sprintf("%q is not a department of the catalogue", a.Department))
		}
	} else if a.Department != "" {
		p.Add("department", "only a reviewer has a department")
	}
	if a.Role == Manager && len(a.Halls) == 0 {
		p.Add("halls", "a hall manager manages at least one hall")
	}
	if a.Role != Manager && len(a.Halls) > 0 {
		p.Add("halls", "only a hall manager has halls")
	}
	for _, h := range a.Halls {
		if !hallCodeRe.MatchString(h) {
			p.Add("halls", fmt.Sprintf("%q is not a hall code", h))
		}
	}
	if a.Role != Supervisor && a.Scope != "" {
		p.Add("scope", "only a supervisor has an area")
	}
	if a.Scope != "" && !hallCodeRe.MatchString(a.Scope) {
		p.Add("scope", "is the start of hall codes: letters and digits")
	}
	return p.Err(app.ErrInvalidInput)
}

var hallCodeRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// SeesHall reports whether the account may see a hall's cases and figures:
// a manager their halls, a supervisor the halls of their area.
func (a Account) SeesHall(hall string) bool {
	switch a.Role {
	case Manager:
		return slices.Contains(a.Halls, hall)
	case Supervisor:
		return strings.HasPrefix(hall, a.Scope)
	}
	return false
}

// Decides reports whether the account gives opinions for the department.
func (a Account) Decides(dept string) bool { return a.Role == Reviewer && a.Department == dept }

// Locked reports whether wrong passwords keep the account locked at now.
func (a Account) Locked(now time.Time) bool { return now.Before(a.LockedUntil) }

// Session is a logged-in browser. The browser holds the token; the store
// only its hash, so a copy of the database logs nobody in.
type Session struct {
	TokenHash string
	Login     string
	CSRF      string // the token every form posts back
	Created   time.Time
	Expires   time.Time // moves forward with use, never past Created + MaxAge
	Remote    string
}

// AuditEntry is one line of the audit log: who did what, when, from where.
type AuditEntry struct {
	At     time.Time
	Login  string // "" for an unknown login's attempt
	Action string // Audit* below
	Target string // a case number, an account, a hall
	Remote string // the browser's address
	Detail string // never personal data
}

// Actions in the audit log.
const (
	AuditLogin          = "login"
	AuditLoginFailed    = "login_failed"
	AuditLocked         = "locked"
	AuditLogout         = "logout"
	AuditPassword       = "password_changed"
	AuditOpinion        = "opinion"
	AuditReveal         = "reveal_applicant"
	AuditAccountCreated = "account_created"
	AuditPublished      = "published"
	AuditUpdate         = "update_published"
	AuditStaffAdded     = "staff_added"
	AuditStaffReset     = "staff_password_reset"
	AuditStaffDisabled  = "staff_disabled"
	AuditStaffEnabled   = "staff_enabled"
	AuditWindow         = "window_categories"
	AuditPasswordReset  = "password_reset"
	AuditDisabled       = "account_disabled"
	AuditEnabled        = "account_enabled"
)

// Store keeps accounts, sessions and the audit log, and answers the
// console's questions about cases and halls.
type Store interface {
	Account(ctx context.Context, login string) (Account, error) // app.ErrNotFound
	Accounts(ctx context.Context) ([]Account, error)
	CreateAccount(ctx context.Context, a Account) error // ErrConflict-like error when the login exists
	// Each write of an account changes only its own fields, in one
	// statement or transaction, so that a login's outcome never writes
	// back a password or a disabling made meanwhile, and parallel wrong
	// passwords all count.
	//
	// LoginFailed counts a wrong password; the max-th in a row locks the
	// account until now+lockFor (failures start again at 0). It returns the
	// failures counted and the lock.
	LoginFailed(ctx context.Context, login string, max int, lockFor time.Duration, now time.Time) (int, time.Time, error)
	LoginSucceeded(ctx context.Context, login string) error
	// SetAccountPassword stores a new password hash (one the owner must
	// change when mustChange) and lifts any lock.
	SetAccountPassword(ctx context.Context, login, hash string, mustChange bool) error
	SetAccountDisabled(ctx context.Context, login string, disabled bool) error

	CreateSession(ctx context.Context, s Session) error
	Session(ctx context.Context, tokenHash string) (Session, error) // app.ErrNotFound
	ExtendSession(ctx context.Context, tokenHash string, expires time.Time) error
	EndSession(ctx context.Context, tokenHash string) error
	EndSessionsOf(ctx context.Context, login string) error

	Audit(ctx context.Context, e AuditEntry) error
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error)

	Catalog(ctx context.Context) (*app.Catalog, error)
	Calendar(ctx context.Context) (*app.Calendar, error)
	Halls(ctx context.Context) ([]HallInfo, error)

	// Running lists the cases whose time limit runs, due first.
	Running(ctx context.Context, f CaseFilter) ([]CaseRow, error)
	CaseFile(ctx context.Context, number string) (CaseFile, error)
	Decide(ctx context.Context, number, dept string, approve bool, reason string) error
	Trend(ctx context.Context, f CaseFilter, from, to app.Date) ([]DayCount, error)

	HallDay(ctx context.Context, hall string, day app.Date) (HallDay, error)
	// BadRatings are the bad ratings (差评) given since, of the halls whose
	// codes start with hallPrefix, newest first.
	BadRatings(ctx context.Context, hallPrefix string, since time.Time) ([]RatingRow, error)

	// Publish publishes a catalogue ("catalog"), a hall's set-up ("hall")
	// or the holiday calendar ("calendar") from its JSON, as the publish
	// commands do, and returns the change's version.
	Publish(ctx context.Context, kind string, data []byte) (int64, error)
	Publications(ctx context.Context) ([]Publication, error)

	// HallSetup is a hall's published set-up (windows, categories, staff);
	// UpdateHall changes it with fn and publishes it to the hall, in one
	// transaction.
	HallSetup(ctx context.Context, hall string) (app.Hall, error)
	UpdateHall(ctx context.Context, hall string, fn func(*app.Hall) error) (int64, error)

	// UpdatePackages are the signed update packages central hands out;
	// PublishPackage verifies one against the trusted keys and publishes
	// it (a package not newer than the one held only with downgrade).
	UpdatePackages(ctx context.Context) ([]UpdatePackage, error)
	PublishPackage(ctx context.Context, pkg []byte, downgrade bool) (UpdatePackage, error)
}

// UpdatePackage is an update package published for one kind of machine.
type UpdatePackage struct {
	OS, Arch, Version string
	Size              int
	Signed, Published time.Time
}

// Publication is something central publishes to the halls.
type Publication struct {
	Name    string // catalog, calendar, hall/CODE
	Version int64
	At      time.Time
}

// AuditFilter narrows the audit log.
type AuditFilter struct {
	Login  string
	Target string
	Limit  int
}

// HallInfo names a hall.
type HallInfo struct {
	Code string
	Name app.Text
}
