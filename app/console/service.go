package console

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"onewindow/app"
)

// Service is the console's use cases. Every one takes the Actor doing it
// and checks the actor's rights first.
type Service struct {
	Store  Store
	Clock  app.Clock
	Policy app.LoginPolicy // wrong passwords that lock, and for how long
	// IdleFor ends a session left alone this long; MaxAge ends any session
	// this long after its login.
	IdleFor, MaxAge time.Duration
	WarnDays        int // working days before the due date a case turns yellow
	Params          app.PasswordParams
}

// NewService is a service with the usual policy: 5 wrong passwords lock
// for 15 minutes, sessions end after 30 idle minutes or 12 hours.
func NewService(s Store, clock app.Clock) *Service {
	return &Service{Store: s, Clock: clock, Policy: app.DefaultLoginPolicy, IdleFor: 30 * time.Minute,
		MaxAge: 12 * time.Hour, WarnDays: 2, Params: app.DefaultPasswordParams}
}

// Actor is an account at a browser.
type Actor struct {
	Account
	Remote string
}

// MinPasswordLen is the shortest password an account may have.
const MinPasswordLen = app.MinPasswordLen

// CheckPassword says what is wrong with a new password.
func CheckPassword(password string) error { return app.CheckNewPassword(password) }

// dummyHash is checked against for an unknown login, so it takes as long to
// refuse as a wrong password.
var dummyHash, _ = app.HashPassword("onewindow-console", app.DefaultPasswordParams)

// Login checks a login and password from remote and opens a session: the
// token goes to the browser, the session's hash to the store. Wrong
// passwords count towards a lock, and every try is in the audit log.
func (s *Service) Login(ctx context.Context, login, password, remote string) (string, Session, error) {
	now := s.Clock.Now()
	a, err := s.Store.Account(ctx, login)
	if errors.Is(err, app.ErrNotFound) {
		app.CheckPassword(dummyHash, password)
		s.audit(ctx, Actor{Remote: remote}, AuditLoginFailed, login, "unknown login")
		// As a known account's first wrong password says.
		return "", Session{}, &app.BadCredentialsError{Left: s.Policy.MaxFailures - 1}
	}
	if err != nil {
		return "", Session{}, err
	}
	who := Actor{Account: a, Remote: remote}
	if a.Locked(now) {
		s.audit(ctx, who, AuditLoginFailed, login, "locked")
		return "", Session{}, &app.LockedError{Until: a.LockedUntil}
	}
	if err := app.CheckPassword(a.PasswordHash, password); err != nil {
		failures, until, err := s.Store.LoginFailed(ctx, login, s.Policy.MaxFailures, s.Policy.LockFor, now)
		if err != nil {
			return "", Session{}, err
		}
		detail := "wrong password"
		var fail error = &app.BadCredentialsError{Left: s.Policy.MaxFailures - failures}
		if now.Before(until) {
			detail, fail = "locked", &app.LockedError{Until: until}
		}
		s.audit(ctx, who, AuditLoginFailed, login, detail)
		return "", Session{}, fail
	}
	if a.Disabled {
		s.audit(ctx, who, AuditLoginFailed, login, "disabled")
		return "", Session{}, ErrDisabled
	}
	if a.Failures > 0 || !a.LockedUntil.IsZero() {
		if err := s.Store.LoginSucceeded(ctx, login); err != nil {
			return "", Session{}, err
		}
	}
	token := randomHex(32)
	sess := Session{TokenHash: HashToken(token), Login: a.Login, CSRF: randomHex(24), Created: now,
		Expires: now.Add(s.IdleFor), Remote: remote}
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", Session{}, err
	}
	s.audit(ctx, who, AuditLogin, login, "")
	return token, sess, nil
}

// Check finds the session of a browser's token and its account, and moves
// its expiry on. A session expired, ended, or of a disabled account is
// ErrSessionOver.
func (s *Service) Check(ctx context.Context, token string) (Account, Session, error) {
	if token == "" {
		return Account{}, Session{}, ErrSessionOver
	}
	sess, err := s.Store.Session(ctx, HashToken(token))
	if errors.Is(err, app.ErrNotFound) {
		return Account{}, Session{}, ErrSessionOver
	}
	if err != nil {
		return Account{}, Session{}, err
	}
	now := s.Clock.Now()
	if !now.Before(sess.Expires) {
		s.Store.EndSession(ctx, sess.TokenHash)
		return Account{}, Session{}, ErrSessionOver
	}
	a, err := s.Store.Account(ctx, sess.Login)
	if err != nil || a.Disabled {
		s.Store.EndSession(ctx, sess.TokenHash)
		return Account{}, Session{}, ErrSessionOver
	}
	// Extended at most once a minute: a page's every request need not write.
	next := now.Add(s.IdleFor)
	if end := sess.Created.Add(s.MaxAge); end.Before(next) {
		next = end
	}
	if next.Sub(sess.Expires) > time.Minute {
		if err := s.Store.ExtendSession(ctx, sess.TokenHash, next); err != nil {
			return Account{}, Session{}, err
		}
		sess.Expires = next
	}
	return a, sess, nil
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, who Actor, sess Session) error {
	s.audit(ctx, who, AuditLogout, who.Login, "")
	return s.Store.EndSession(ctx, sess.TokenHash)
}

// ChangePassword changes the actor's own password, given the present one.
// Every other session of the account ends.
func (s *Service) ChangePassword(ctx context.Context, who Actor, sess Session, old, password string) error {
	if err := app.CheckPassword(who.PasswordHash, old); err != nil {
		return err
	}
	if old == password {
		return fmt.Errorf("%w: the new password must differ from the old one", app.ErrInvalidInput)
	}
	if err := s.setPassword(ctx, who.Account, password, false); err != nil {
		return err
	}
	if err := s.Store.EndSessionsOf(ctx, who.Login); err != nil {
		return err
	}
	sess.Expires = s.Clock.Now().Add(s.IdleFor)
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return err
	}
	s.audit(ctx, who, AuditPassword, who.Login, "")
	return nil
}

func (s *Service) setPassword(ctx context.Context, a Account, password string, mustChange bool) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := app.HashPassword(password, s.Params)
	if err != nil {
		return err
	}
	return s.Store.SetAccountPassword(ctx, a.Login, hash, mustChange)
}

// CommandLine is the actor of `onewindow central admin` on the server
// itself: an administrator with no login, whose accounts need no change of
// their first password.
var CommandLine = Actor{Account: Account{Role: Admin}, Remote: "command line"}

// CreateAccount makes an account with a first password that its owner
// changes at the first login. Only an administrator may.
func (s *Service) CreateAccount(ctx context.Context, by Actor, a Account, password string) error {
	if by.Role != Admin {
		return ErrForbidden
	}
	cat, err := s.Store.Catalog(ctx)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return err
	}
	a.Name = strings.TrimSpace(a.Name)
	if err := a.Validate(cat); err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	if a.PasswordHash, err = app.HashPassword(password, s.Params); err != nil {
		return err
	}
	a.MustChange = by.Login != ""
	a.Created, a.CreatedBy = s.Clock.Now(), by.Login
	if a.CreatedBy == "" {
		a.CreatedBy = by.Remote
	}
	if err := s.Store.CreateAccount(ctx, a); err != nil {
		return err
	}
	s.audit(ctx, by, AuditAccountCreated, a.Login, string(a.Role))
	return nil
}

// ResetPassword gives an account a one-time password (to be changed at the
// next login) and ends its sessions. Administrators only.
func (s *Service) ResetPassword(ctx context.Context, by Actor, login, password string) error {
	a, err := s.adminTarget(ctx, by, login)
	if err != nil {
		return err
	}
	if err := s.setPassword(ctx, a, password, true); err != nil {
		return err
	}
	if err := s.Store.EndSessionsOf(ctx, login); err != nil {
		return err
	}
	s.audit(ctx, by, AuditPasswordReset, login, "")
	return nil
}

// SetDisabled disables an account (its sessions end) or enables it again.
// Administrators only, and not their own.
func (s *Service) SetDisabled(ctx context.Context, by Actor, login string, disabled bool) error {
	a, err := s.adminTarget(ctx, by, login)
	if err != nil {
		return err
	}
	if login == by.Login {
		return fmt.Errorf("%w: an administrator cannot disable their own account", app.ErrInvalidInput)
	}
	if err := s.Store.SetAccountDisabled(ctx, a.Login, disabled); err != nil {
		return err
	}
	action := AuditEnabled
	if disabled {
		action = AuditDisabled
		if err := s.Store.EndSessionsOf(ctx, login); err != nil {
			return err
		}
	}
	s.audit(ctx, by, action, login, "")
	return nil
}

func (s *Service) adminTarget(ctx context.Context, by Actor, login string) (Account, error) {
	if by.Role != Admin {
		return Account{}, ErrForbidden
	}
	return s.Store.Account(ctx, login)
}

// Accounts lists every account, for an administrator.
func (s *Service) Accounts(ctx context.Context, by Actor) ([]Account, error) {
	if by.Role != Admin {
		return nil, ErrForbidden
	}
	return s.Store.Accounts(ctx)
}

// AuditLog is the audit log, for an administrator or a supervisor.
func (s *Service) AuditLog(ctx context.Context, by Actor, f AuditFilter) ([]AuditEntry, error) {
	// The log is the whole province's: a district's supervisor does not
	// read other districts' (its lines are not by hall).
	if by.Role != Admin && (by.Role != Supervisor || by.Scope != "") {
		return nil, ErrForbidden
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	return s.Store.AuditLog(ctx, f)
}

// Worklist is a reviewer's cases waiting for their department's opinion,
// due first, with lights.
func (s *Service) Worklist(ctx context.Context, by Actor) ([]CaseRow, error) {
	if by.Role != Reviewer {
		return nil, ErrForbidden
	}
	cat, err := s.Store.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	items := decidedBy(cat, by.Department)
	if len(items) == 0 {
		return nil, nil
	}
	rows, err := s.Store.Running(ctx, CaseFilter{Items: items, Undecided: by.Department, Limit: 500})
	if err != nil {
		return nil, err
	}
	return rows, s.light(ctx, rows)
}

// decidedBy lists the items whose cases a department gives an opinion on.
func decidedBy(cat *app.Catalog, dept string) []string {
	var items []string
	for _, it := range cat.Items {
		if slices.Contains(deciders(it), dept) {
			items = append(items, it.Code)
		}
	}
	return items
}

// deciders are the departments whose opinions decide an item's cases.
func deciders(it app.Item) []string {
	if len(it.Parallel) > 0 {
		return it.Parallel
	}
	return it.Departments
}

// light sets each row's supervision light.
func (s *Service) light(ctx context.Context, rows []CaseRow) error {
	cal, err := s.Store.Calendar(ctx)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	for i := range rows {
		rows[i].Light = app.LightOf(app.Case{State: rows[i].State, Due: rows[i].Due}, now, cal, s.WarnDays)
	}
	return nil
}

// Case is one case's file, if the actor may see it: a reviewer whose
// department decides its item, a manager of its hall, a supervisor of its
// area. The applicant is masked unless reveal, which the audit log keeps.
// A case the actor may not see is ErrForbidden, whether it exists or not.
func (s *Service) Case(ctx context.Context, by Actor, number string, reveal bool) (CaseFile, error) {
	f, err := s.Store.CaseFile(ctx, number)
	if errors.Is(err, app.ErrNotFound) {
		return CaseFile{}, ErrForbidden
	}
	if err != nil {
		return CaseFile{}, err
	}
	ok, err := s.mayRead(ctx, by, f)
	if err != nil {
		return CaseFile{}, err
	}
	if !ok {
		return CaseFile{}, ErrForbidden
	}
	rows := []CaseRow{f.CaseRow}
	if err := s.light(ctx, rows); err != nil {
		return CaseFile{}, err
	}
	f.CaseRow = rows[0]
	if reveal {
		// No reading of a full name or ID number goes unrecorded.
		if err := s.audit(ctx, by, AuditReveal, number, ""); err != nil {
			return CaseFile{}, err
		}
		return f, nil
	}
	f.Applicant.Name = app.MaskName(f.Applicant.Name)
	f.Applicant.IDNumber = app.IDNumber(f.Applicant.IDNumber.Masked())
	f.Applicant.Phone = app.MaskPhone(f.Applicant.Phone)
	return f, nil
}

func (s *Service) mayRead(ctx context.Context, by Actor, f CaseFile) (bool, error) {
	if by.Role != Reviewer {
		return by.SeesHall(f.Hall), nil
	}
	cat, err := s.Store.Catalog(ctx)
	if err != nil {
		return false, err
	}
	it, ok := cat.Item(f.ItemCode)
	return ok && slices.Contains(deciders(it), by.Department), nil
}

// Decide records the reviewer's department's opinion on a case: approve,
// or deny with a reason. It reaches the hall as that department's own.
func (s *Service) Decide(ctx context.Context, by Actor, number string, approve bool, reason string) error {
	if by.Role != Reviewer {
		return ErrForbidden
	}
	if _, err := s.Case(ctx, by, number, false); err != nil {
		return err
	}
	if err := s.Store.Decide(ctx, number, by.Department, approve, reason); err != nil {
		return err
	}
	detail := "approve"
	if !approve {
		detail = "deny"
	}
	s.audit(ctx, by, AuditOpinion, number, by.Department+" "+detail)
	return nil
}

// Supervision is the supervisor's view: the running cases of the area by
// light, late first, and the counts over the last days.
type Supervision struct {
	Cases  []CaseRow
	Counts map[app.Light]int
	Trend  []DayCount
	Halls  []HallInfo
	// BadRatings of the last 30 days, those still without a follow-up
	// first; Overdue counts those whose follow-up is late.
	BadRatings []RatingRow
	Overdue    int
}

// SupervisionFilter narrows a supervisor's view.
type SupervisionFilter struct {
	Hall, Department, Item string
	Light                  app.Light
	Days                   int // the trend's length
}

// Supervise is the running cases a supervisor watches, and their trend.
func (s *Service) Supervise(ctx context.Context, by Actor, f SupervisionFilter) (Supervision, error) {
	if by.Role != Supervisor {
		return Supervision{}, ErrForbidden
	}
	cf := CaseFilter{HallPrefix: by.Scope, Limit: 5000}
	if f.Hall != "" {
		if !by.SeesHall(f.Hall) {
			return Supervision{}, ErrForbidden
		}
		cf.Halls = []string{f.Hall}
	}
	cat, err := s.Store.Catalog(ctx)
	if err != nil {
		return Supervision{}, err
	}
	if f.Department != "" {
		if cf.Items = decidedBy(cat, f.Department); len(cf.Items) == 0 {
			cf.Items = []string{""} // no item: no case
		}
	}
	if f.Item != "" {
		if f.Department != "" && !slices.Contains(cf.Items, f.Item) {
			cf.Items = []string{""}
		} else {
			cf.Items = []string{f.Item}
		}
	}
	rows, err := s.Store.Running(ctx, cf)
	if err != nil {
		return Supervision{}, err
	}
	if err := s.light(ctx, rows); err != nil {
		return Supervision{}, err
	}
	sup := Supervision{Counts: map[app.Light]int{}}
	order := map[app.Light]int{app.Red: 0, app.Yellow: 1, app.Green: 2, app.NoLight: 3}
	slices.SortStableFunc(rows, func(a, b CaseRow) int { return order[a.Light] - order[b.Light] })
	for _, r := range rows {
		sup.Counts[r.Light]++
		if f.Light == "" || r.Light == f.Light {
			sup.Cases = append(sup.Cases, r)
		}
	}
	if len(sup.Cases) > 500 {
		sup.Cases = sup.Cases[:500]
	}
	days := f.Days
	if days <= 0 || days > 366 {
		days = 30
	}
	now := s.Clock.Now()
	if sup.Trend, err = s.Store.Trend(ctx, cf, app.DateOf(now.AddDate(0, 0, -(days-1))), app.DateOf(now)); err != nil {
		return Supervision{}, err
	}
	if sup.Halls, err = s.HallsOf(ctx, by); err != nil {
		return Supervision{}, err
	}
	bad, err := s.Store.BadRatings(ctx, by.Scope, now.AddDate(0, 0, -30))
	if err != nil {
		return Supervision{}, err
	}
	for _, r := range bad {
		if f.Hall != "" && r.Hall != f.Hall {
			continue
		}
		if r.Overdue(now) {
			sup.Overdue++
		}
		sup.BadRatings = append(sup.BadRatings, r)
	}
	slices.SortStableFunc(sup.BadRatings, func(a, b RatingRow) int {
		return cmpBool(a.Resolved.IsZero(), b.Resolved.IsZero())
	})
	return sup, nil
}

// cmpBool orders true before false.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// Publish publishes a catalogue, a hall's set-up or the holiday calendar
// from its JSON, for an administrator; a file with errors changes nothing.
func (s *Service) Publish(ctx context.Context, by Actor, kind string, data []byte) (int64, error) {
	if by.Role != Admin {
		return 0, ErrForbidden
	}
	if kind != "catalog" && kind != "hall" && kind != "calendar" {
		return 0, fmt.Errorf("%w: %q is not catalog, hall or calendar", app.ErrInvalidInput, kind)
	}
	v, err := s.Store.Publish(ctx, kind, data)
	if err != nil {
		return 0, err
	}
	return v, s.audit(ctx, by, AuditPublished, kind, fmt.Sprintf("change %d", v))
}

// Publications lists what central publishes, for an administrator.
func (s *Service) Publications(ctx context.Context, by Actor) ([]Publication, error) {
	if by.Role != Admin {
		return nil, ErrForbidden
	}
	return s.Store.Publications(ctx)
}

// HallsOf are the halls an actor may open the dashboard of.
func (s *Service) HallsOf(ctx context.Context, by Actor) ([]HallInfo, error) {
	halls, err := s.Store.Halls(ctx)
	if err != nil {
		return nil, err
	}
	var mine []HallInfo
	for _, h := range halls {
		if by.SeesHall(h.Code) {
			mine = append(mine, h)
		}
	}
	return mine, nil
}

// HallDashboard is a hall's day for its manager or a supervisor of its area.
func (s *Service) HallDashboard(ctx context.Context, by Actor, hall string, day app.Date) (Dashboard, error) {
	if !by.SeesHall(hall) {
		return Dashboard{}, ErrForbidden
	}
	if day == "" {
		day = app.DateOf(s.Clock.Now())
	}
	d, err := s.Store.HallDay(ctx, hall, day)
	if err != nil {
		return Dashboard{}, err
	}
	return Summarise(d, s.Clock.Now()), nil
}

// audit writes a line of the audit log. Its error matters where the line
// must exist before the action shows anything (a reveal); elsewhere the
// action is done, and the store's failure shows in its own next call.
func (s *Service) audit(ctx context.Context, who Actor, action, target, detail string) error {
	return s.Store.Audit(ctx, AuditEntry{At: s.Clock.Now(), Login: who.Login, Action: action, Target: target,
		Remote: who.Remote, Detail: detail})
}

// HashToken is the stored form of a session token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte("onewindow-console-session\x00" + token))
	return hex.EncodeToString(h[:])
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("console: the system's random source failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}
