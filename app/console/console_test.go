package console_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/sync/central"
	"onewindow/sync/link"
	"onewindow/sync/scene"
)

// fastParams keep argon2id cheap in tests; the hashes still verify as real
// ones do.
var fastParams = app.PasswordParams{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

const password = "console-pass-1"

// world is a central on SQLite with the sample catalogue, hall and
// calendar, the console's service on it, and one account of each kind.
type world struct {
	ctx   context.Context
	c     *central.Central
	svc   *console.Service
	clock *app.ManualClock
}

var accounts = []console.Account{
	{Login: "admin", Name: "管理员", Role: console.Admin},
	{Login: "gongan", Name: "公安审批", Role: console.Reviewer, Department: "gongan"},
	{Login: "yibao", Name: "医保审批", Role: console.Reviewer, Department: "yibao"},
	{Login: "shichang", Name: "市场审批", Role: console.Reviewer, Department: "shichang"},
	{Login: "xixi", Name: "西溪大厅", Role: console.Manager, Halls: []string{scene.Hall}},
	{Login: "other", Name: "别的大厅", Role: console.Manager, Halls: []string{"330999"}},
	{Login: "jiancha", Name: "监察", Role: console.Supervisor, Scope: "3301"},
	{Login: "elsewhere", Name: "别区监察", Role: console.Supervisor, Scope: "3302"},
	{Login: "province", Name: "全省监察", Role: console.Supervisor},
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{ctx: context.Background(), clock: app.NewManualClock(scene.Start)}
	w.c = scene.Central(t, filepath.Join(t.TempDir(), "central.db"), w.clock)
	w.svc = console.NewService(w.c, w.clock)
	w.svc.Params = fastParams
	for _, a := range accounts {
		if err := w.svc.CreateAccount(w.ctx, console.CommandLine, a, password); err != nil {
			t.Fatalf("create %s: %v", a.Login, err)
		}
	}
	return w
}

// actor is the account of login as it is stored, at a browser.
func (w *world) actor(t *testing.T, login string) console.Actor {
	t.Helper()
	a, err := w.c.Account(w.ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	return console.Actor{Account: a, Remote: "192.0.2.7"}
}

func (w *world) account(t *testing.T, login string) console.Account {
	t.Helper()
	return w.actor(t, login).Account
}

// login logs in with the right password and fails the test otherwise.
func (w *world) login(t *testing.T, login, pass string) (string, console.Session) {
	t.Helper()
	token, sess, err := w.svc.Login(w.ctx, login, pass, "192.0.2.7")
	if err != nil {
		t.Fatalf("login as %s: %v", login, err)
	}
	return token, sess
}

// alive checks the token's session and fails the test unless it is on.
func (w *world) alive(t *testing.T, token, what string) (console.Account, console.Session) {
	t.Helper()
	a, sess, err := w.svc.Check(w.ctx, token)
	if err != nil {
		t.Fatalf("%s: the session ended: %v", what, err)
	}
	return a, sess
}

func (w *world) over(t *testing.T, token, what string) {
	t.Helper()
	if a, _, err := w.svc.Check(w.ctx, token); !errors.Is(err, console.ErrSessionOver) {
		t.Fatalf("%s: Check = %q, %v; want ErrSessionOver", what, a.Login, err)
	}
}

// log is the audit log's lines about target, oldest first.
func (w *world) log(t *testing.T, target string) []console.AuditEntry {
	t.Helper()
	log, err := w.c.AuditLog(w.ctx, console.AuditFilter{Target: target, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(log)
	return log
}

func problems(err error) []string {
	var pe *app.ProblemsError
	if !errors.As(err, &pe) {
		return nil
	}
	var fields []string
	for _, p := range pe.Problems {
		field, _, _ := strings.Cut(p, ":")
		if !slices.Contains(fields, field) {
			fields = append(fields, field)
		}
	}
	return fields
}

func TestAccountValidate(t *testing.T) {
	w := newWorld(t)
	cat, err := w.c.Catalog(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	ok := func(a console.Account) console.Account { return a }
	reviewer := console.Account{Login: "gongan.01", Name: "公安审批", Role: console.Reviewer, Department: "gongan"}
	with := func(f func(*console.Account)) console.Account { a := reviewer; f(&a); return a }
	for _, tc := range []struct {
		name string
		a    console.Account
		cat  *app.Catalog
		want []string // the fields with a problem
	}{
		{"reviewer gongan", reviewer, cat, nil},
		{"reviewer yibao", with(func(a *console.Account) { a.Department = "yibao" }), cat, nil},
		{"reviewer weijian", with(func(a *console.Account) { a.Department = "weijian" }), cat, nil},
		{"manager", ok(console.Account{Login: "xixi", Name: "西溪", Role: console.Manager, Halls: []string{"330106", "330107"}}), cat, nil},
		{"supervisor of a district", ok(console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Scope: "330106"}), cat, nil},
		{"supervisor of the province", ok(console.Account{Login: "jc", Name: "监察", Role: console.Supervisor}), cat, nil},
		{"admin", ok(console.Account{Login: "root_1", Name: "管理员", Role: console.Admin}), cat, nil},
		{"login of 2", with(func(a *console.Account) { a.Login = "ab" }), cat, nil},
		{"login of 32", with(func(a *console.Account) { a.Login = strings.Repeat("a", 32) }), cat, nil},
		{"name of 40 characters", with(func(a *console.Account) { a.Name = strings.Repeat("审", 40) }), cat, nil},

		{"login of 1", with(func(a *console.Account) { a.Login = "a" }), cat, []string{"login"}},
		{"login of 33", with(func(a *console.Account) { a.Login = strings.Repeat("a", 33) }), cat, []string{"login"}},
		{"login starting with a dot", with(func(a *console.Account) { a.Login = ".gongan" }), cat, []string{"login"}},
		{"login starting with a dash", with(func(a *console.Account) { a.Login = "-gongan" }), cat, []string{"login"}},
		{"login with a space", with(func(a *console.Account) { a.Login = "gong an" }), cat, []string{"login"}},
		{"login in Chinese", with(func(a *console.Account) { a.Login = "公安" }), cat, []string{"login"}},
		{"empty login", with(func(a *console.Account) { a.Login = "" }), cat, []string{"login"}},
		{"empty name", with(func(a *console.Account) { a.Name = "" }), cat, []string{"name"}},
		{"blank name", with(func(a *console.Account) { a.Name = "  \t " }), cat, []string{"name"}},
		{"name of 41 characters", with(func(a *console.Account) { a.Name = strings.Repeat("审", 41) }), cat, []string{"name"}},
		{"unknown role", with(func(a *console.Account) { a.Role = "root"; a.Department = "" }), cat, []string{"role"}},
		{"no role", with(func(a *console.Account) { a.Role = ""; a.Department = "" }), cat, []string{"role"}},
		{"reviewer without a department", with(func(a *console.Account) { a.Department = "" }), cat, []string{"department"}},
		{"reviewer of no such department", with(func(a *console.Account) { a.Department = "police" }), cat, []string{"department"}},
		{"department code of another case", with(func(a *console.Account) { a.Department = "GongAn" }), cat, []string{"department"}},
		{"no catalogue: any department", with(func(a *console.Account) { a.Department = "police" }), nil, nil},
		{"reviewer with halls", with(func(a *console.Account) { a.Halls = []string{"330106"} }), cat, []string{"halls"}},
		{"reviewer with a scope", with(func(a *console.Account) { a.Scope = "3301" }), cat, []string{"scope"}},
		{"manager with a department", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager, Halls: []string{"330106"},
			Department: "gongan"}, cat, []string{"department"}},
		{"manager without halls", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager}, cat, []string{"halls"}},
		{"manager of a hall that is no code", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager,
			Halls: []string{"330106", "33 0107"}}, cat, []string{"halls"}},
		{"manager of an empty hall code", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager,
			Halls: []string{""}}, cat, []string{"halls"}},
		{"manager with a scope", console.Account{Login: "xixi", Name: "西溪", Role: console.Manager, Halls: []string{"330106"},
			Scope: "3301"}, cat, []string{"scope"}},
		{"supervisor with halls", console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Halls: []string{"330106"}},
			cat, []string{"halls"}},
		{"supervisor with a wildcard scope", console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Scope: "33%"},
			cat, []string{"scope"}},
		{"supervisor with a department", console.Account{Login: "jc", Name: "监察", Role: console.Supervisor, Department: "gongan"},
			cat, []string{"department"}},
		{"admin with a department, halls and scope", console.Account{Login: "root", Name: "管理员", Role: console.Admin,
			Department: "gongan", Halls: []string{"330106"}, Scope: "33"}, cat, []string{"department", "halls", "scope"}},
		{"everything wrong", console.Account{Login: "?", Role: "boss"}, cat, []string{"login", "name", "role"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate(tc.cat)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Validate(%+v) = %v; want nil", tc.a, err)
				}
				return
			}
			if !errors.Is(err, app.ErrInvalidInput) {
				t.Fatalf("Validate(%+v) = %v; want ErrInvalidInput", tc.a, err)
			}
			if got := problems(err); !slices.Equal(got, tc.want) {
				t.Fatalf("Validate(%+v) finds problems with %v; want %v\n%v", tc.a, got, tc.want, err)
			}
		})
	}
}

func TestRolesValid(t *testing.T) {
	for _, r := range console.Roles {
		if !r.Valid() {
			t.Errorf("%q is not valid", r)
		}
	}
	for _, r := range []console.Role{"", "Admin", "root", "clerk"} {
		if r.Valid() {
			t.Errorf("%q is valid", r)
		}
	}
}

func TestSeesHall(t *testing.T) {
	manager := console.Account{Role: console.Manager, Halls: []string{"330106", "330108"}}
	district := console.Account{Role: console.Supervisor, Scope: "330106"}
	city := console.Account{Role: console.Supervisor, Scope: "3301"}
	province := console.Account{Role: console.Supervisor}
	admin := console.Account{Role: console.Admin}
	reviewer := console.Account{Role: console.Reviewer, Department: "gongan"}
	// A manager's halls set on another role give it nothing.
	oddAdmin := console.Account{Role: console.Admin, Halls: []string{"330106"}}
	oddReviewer := console.Account{Role: console.Reviewer, Halls: []string{"330106"}, Scope: "33"}
	for _, tc := range []struct {
		name string
		a    console.Account
		hall string
		want bool
	}{
		{"manager, own hall", manager, "330106", true},
		{"manager, second hall", manager, "330108", true},
		{"manager, other hall", manager, "330107", false},
		{"manager, a hall starting like theirs", manager, "3301061", false},
		{"manager, a prefix of their hall", manager, "3301", false},
		{"manager, empty", manager, "", false},
		{"manager without halls", console.Account{Role: console.Manager}, "330106", false},
		{"district supervisor, the district's hall", district, "330106", true},
		{"district supervisor, a hall in the district", district, "33010601", true},
		{"district supervisor, next district", district, "330107", false},
		{"city supervisor, a district's hall", city, "330106", true},
		{"city supervisor, another city", city, "330206", false},
		{"city supervisor, shorter code", city, "330", false},
		{"province supervisor, any hall", province, "330106", true},
		{"province supervisor, far hall", province, "530102", true},
		{"admin", admin, "330106", false},
		{"admin with halls", oddAdmin, "330106", false},
		{"reviewer", reviewer, "330106", false},
		{"reviewer with halls and scope", oddReviewer, "330106", false},
		{"no role", console.Account{}, "330106", false},
	} {
		if got := tc.a.SeesHall(tc.hall); got != tc.want {
			t.Errorf("%s: SeesHall(%q) = %v; want %v", tc.name, tc.hall, got, tc.want)
		}
	}
}

func TestDecides(t *testing.T) {
	gongan := console.Account{Role: console.Reviewer, Department: "gongan"}
	for _, tc := range []struct {
		name string
		a    console.Account
		dept string
		want bool
	}{
		{"own department", gongan, "gongan", true},
		{"other department", gongan, "yibao", false},
		{"empty department", gongan, "", false},
		{"manager with a department", console.Account{Role: console.Manager, Department: "gongan"}, "gongan", false},
		{"supervisor with a department", console.Account{Role: console.Supervisor, Department: "gongan"}, "gongan", false},
		{"admin with a department", console.Account{Role: console.Admin, Department: "gongan"}, "gongan", false},
	} {
		if got := tc.a.Decides(tc.dept); got != tc.want {
			t.Errorf("%s: Decides(%q) = %v; want %v", tc.name, tc.dept, got, tc.want)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pass string
		ok   bool
	}{
		{"", false},
		{"123456789", false},
		{"1234567890", true},
		{"correct horse battery staple", true},
		{strings.Repeat("密", 9), false}, // 27 bytes, 9 characters
		{strings.Repeat("密", 10), true},
	} {
		err := console.CheckPassword(tc.pass)
		if tc.ok && err != nil || !tc.ok && !errors.Is(err, app.ErrInvalidInput) {
			t.Errorf("CheckPassword(%q) = %v; want ok %v", tc.pass, err, tc.ok)
		}
	}
}

func TestHashToken(t *testing.T) {
	a, b := console.HashToken("abc"), console.HashToken("abd")
	if a == b || a == "abc" || len(a) != 64 || console.HashToken("abc") != a {
		t.Fatalf("HashToken: %q, %q", a, b)
	}
}

// TestLoginLocksAfterFiveWrongPasswords: wrong passwords count down, the
// fifth locks for 15 minutes in which even the right password is refused;
// after it the right one works, and a success starts the count again.
// Every try is in the audit log.
func TestLoginLocksAfterFiveWrongPasswords(t *testing.T) {
	w := newWorld(t)
	try := func(pass string) error {
		t.Helper()
		w.clock.Advance(time.Second) // the audit log orders by time
		token, _, err := w.svc.Login(w.ctx, "gongan", pass, "192.0.2.7")
		if err == nil && token == "" {
			t.Fatal("a login with no token")
		}
		if err != nil && token != "" {
			t.Fatalf("a refused login gave a token: %v", err)
		}
		return err
	}
	for left := 4; left >= 1; left-- {
		err := try("wrong-password")
		var bad *app.BadCredentialsError
		if !errors.As(err, &bad) || bad.Left != left || !errors.Is(err, app.ErrBadCredentials) {
			t.Fatalf("wrong password %d: %v; want BadCredentials with %d left", 5-left, err, left)
		}
		if a := w.account(t, "gongan"); a.Failures != 5-left || !a.LockedUntil.IsZero() {
			t.Fatalf("after %d wrong passwords: failures %d, locked until %v", 5-left, a.Failures, a.LockedUntil)
		}
	}
	err := try("wrong-password")
	var locked *app.LockedError
	if !errors.As(err, &locked) || !errors.Is(err, app.ErrAccountLocked) {
		t.Fatalf("the fifth wrong password: %v; want LockedError", err)
	}
	until := w.clock.Now().Add(15 * time.Minute)
	if !locked.Until.Equal(until) {
		t.Fatalf("locked until %v; want %v", locked.Until, until)
	}
	if a := w.account(t, "gongan"); !a.LockedUntil.Equal(until) || !a.Locked(w.clock.Now()) {
		t.Fatalf("stored: locked until %v; want %v", a.LockedUntil, until)
	}

	// Locked: the right password, and more wrong ones, change nothing.
	for _, pass := range []string{password, "wrong-password", password} {
		err := try(pass)
		if !errors.As(err, &locked) || !locked.Until.Equal(until) {
			t.Fatalf("locked, password %q: %v; want LockedError until %v", pass, err, until)
		}
	}
	w.clock.Set(until.Add(-2 * time.Second))
	if err := try(password); !errors.As(err, &locked) {
		t.Fatalf("a second before the lock ends: %v; want LockedError", err)
	}
	if err := try(password); err != nil { // at until exactly
		t.Fatalf("the right password when the lock ended: %v", err)
	}
	if a := w.account(t, "gongan"); a.Failures != 0 || !a.LockedUntil.IsZero() {
		t.Fatalf("after a success: failures %d, locked until %v", a.Failures, a.LockedUntil)
	}

	// A success resets the count: 4 wrong, a right one, then 4 left again.
	for range 4 {
		try("wrong-password")
	}
	if err := try(password); err != nil {
		t.Fatalf("the right password after 4 wrong ones: %v", err)
	}
	var bad *app.BadCredentialsError
	if err := try("wrong-password"); !errors.As(err, &bad) || bad.Left != 4 {
		t.Fatalf("a wrong password after a success: %v; want 4 left", err)
	}

	var got []string
	for _, e := range w.log(t, "gongan") {
		if e.Action != console.AuditAccountCreated && (e.Login != "gongan" || e.Remote != "192.0.2.7") {
			t.Errorf("audit line %+v: want gongan from 192.0.2.7", e)
		}
		got = append(got, e.Action+" "+e.Detail)
	}
	want := []string{"account_created reviewer"}
	for range 4 {
		want = append(want, "login_failed wrong password")
	}
	want = append(want, "login_failed locked", "login_failed locked", "login_failed locked", "login_failed locked",
		"login_failed locked", "login ")
	for range 4 {
		want = append(want, "login_failed wrong password")
	}
	want = append(want, "login ", "login_failed wrong password")
	if !slices.Equal(got, want) {
		t.Fatalf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLoginOfNobodyLooksLikeAWrongPassword: an unknown login is refused as
// a wrong password is, with the same count, and is in the audit log.
func TestLoginOfNobodyLooksLikeAWrongPassword(t *testing.T) {
	w := newWorld(t)
	_, _, known := w.svc.Login(w.ctx, "gongan", "wrong-password", "192.0.2.7")
	token, _, unknown := w.svc.Login(w.ctx, "nobody", password, "192.0.2.8")
	var a, b *app.BadCredentialsError
	if !errors.As(known, &a) || !errors.As(unknown, &b) || token != "" {
		t.Fatalf("a wrong password: %v; an unknown login: %v; want BadCredentials both", known, unknown)
	}
	if *a != *b || known.Error() != unknown.Error() {
		t.Fatalf("an unknown login (%v) is told apart from a wrong password (%v)", unknown, known)
	}
	log := w.log(t, "nobody")
	if len(log) != 1 || log[0].Login != "" || log[0].Action != console.AuditLoginFailed || log[0].Remote != "192.0.2.8" ||
		log[0].Detail != "unknown login" || !log[0].At.Equal(w.clock.Now()) {
		t.Fatalf("audit log of the unknown login: %+v", log)
	}
	if _, err := w.c.Account(w.ctx, "nobody"); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("an unknown login's try made an account: %v", err)
	}
}

// TestLoginOfADisabledAccount: the right password is refused with
// ErrDisabled; a wrong one looks like any wrong one.
func TestLoginOfADisabledAccount(t *testing.T) {
	w := newWorld(t)
	if err := w.svc.SetDisabled(w.ctx, w.actor(t, "admin"), "yibao", true); err != nil {
		t.Fatal(err)
	}
	token, _, err := w.svc.Login(w.ctx, "yibao", password, "192.0.2.7")
	if !errors.Is(err, console.ErrDisabled) || token != "" {
		t.Fatalf("a disabled account's login: %q, %v; want ErrDisabled", token, err)
	}
	w.clock.Advance(time.Second)
	var bad *app.BadCredentialsError
	if _, _, err := w.svc.Login(w.ctx, "yibao", "wrong-password", "192.0.2.7"); !errors.As(err, &bad) {
		t.Fatalf("a disabled account's wrong password: %v; want BadCredentials", err)
	}
	var details []string
	for _, e := range w.log(t, "yibao") {
		if e.Action == console.AuditLoginFailed {
			details = append(details, e.Detail)
		}
	}
	if !slices.Equal(details, []string{"disabled", "wrong password"}) {
		t.Fatalf("audit log of the refused logins: %v", details)
	}
	if err := w.svc.SetDisabled(w.ctx, w.actor(t, "admin"), "yibao", false); err != nil {
		t.Fatal(err)
	}
	w.login(t, "yibao", password)
}

func TestCheckRefusesNoAndUnknownTokens(t *testing.T) {
	w := newWorld(t)
	w.over(t, "", "no token")
	w.over(t, "0123456789abcdef", "an unknown token")
	token, sess := w.login(t, "gongan", password)
	if sess.TokenHash != console.HashToken(token) || sess.TokenHash == token {
		t.Fatal("the session does not keep the token's hash")
	}
	// The stored hash is no token: a copy of the database logs nobody in.
	w.over(t, sess.TokenHash, "the token's hash as a token")
	if _, err := w.c.Session(w.ctx, console.HashToken(sess.TokenHash)); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("the session under its hash's hash: %v", err)
	}
	a, got := w.alive(t, token, "right after login")
	if a.Login != "gongan" || got.Login != "gongan" || got.CSRF != sess.CSRF || got.CSRF == "" || got.Remote != "192.0.2.7" ||
		!got.Created.Equal(scene.Start) || !got.Expires.Equal(scene.Start.Add(30*time.Minute)) {
		t.Fatalf("Check right after login: %+v %+v", a, got)
	}
	token2, sess2 := w.login(t, "gongan", password)
	if token2 == token || sess2.CSRF == sess.CSRF {
		t.Fatal("two logins share a token or a form token")
	}
}

func TestSessionEndsAfterThirtyIdleMinutes(t *testing.T) {
	w := newWorld(t)
	token, sess := w.login(t, "gongan", password)
	w.clock.Advance(30*time.Minute - time.Second)
	w.clock.Advance(time.Second)
	w.over(t, token, "30 idle minutes")
	if _, err := w.c.Session(w.ctx, sess.TokenHash); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("the expired session is still stored: %v", err)
	}

	token, _ = w.login(t, "gongan", password)
	w.clock.Advance(30*time.Minute - time.Second)
	w.alive(t, token, "29:59 idle")
	w.clock.Advance(30*time.Minute - time.Second)
	w.alive(t, token, "29:59 idle after a use")
	w.clock.Advance(30 * time.Minute)
	w.over(t, token, "30 idle minutes after a use")
}

// TestSessionSlidesButNotPastTwelveHours: used every 29 minutes a session
// lives on, its expiry written at most once a minute, but ends 12 hours
// after its login whatever the use.
func TestSessionSlidesButNotPastTwelveHours(t *testing.T) {
	w := newWorld(t)
	start := w.clock.Now()
	token, sess := w.login(t, "gongan", password)
	end := start.Add(12 * time.Hour)
	stored := func() time.Time {
		t.Helper()
		s, err := w.c.Session(w.ctx, sess.TokenHash)
		if err != nil {
			t.Fatal(err)
		}
		return s.Expires
	}
	for now := start.Add(29 * time.Minute); now.Before(end); now = now.Add(29 * time.Minute) {
		w.clock.Set(now)
		_, got := w.alive(t, token, "used after 29 minutes at "+now.Sub(start).String())
		want := now.Add(30 * time.Minute)
		if want.After(end) {
			want = end
		}
		if !got.Expires.Equal(want) || !stored().Equal(want) {
			t.Fatalf("at %v: expires %v, stored %v; want %v", now.Sub(start), got.Expires, stored(), want)
		}
		if !got.Created.Equal(start) {
			t.Fatalf("the session's login moved to %v", got.Created)
		}
	}
	w.clock.Set(end.Add(-time.Second))
	if _, got := w.alive(t, token, "a second before 12 hours"); !got.Expires.Equal(end) {
		t.Fatalf("expires %v; want %v, 12 hours after the login", got.Expires, end)
	}
	w.clock.Set(end)
	w.over(t, token, "12 hours after the login")

	// Within a minute of the last extension nothing is written.
	w.clock.Set(end)
	token, sess = w.login(t, "gongan", password)
	first := stored()
	w.clock.Advance(time.Minute)
	if _, got := w.alive(t, token, "a minute on"); !got.Expires.Equal(first) || !stored().Equal(first) {
		t.Fatalf("extended after one minute to %v (stored %v); want %v", got.Expires, stored(), first)
	}
	w.clock.Advance(time.Second)
	if _, got := w.alive(t, token, "a minute and a second on"); !got.Expires.Equal(w.clock.Now().Add(30*time.Minute)) ||
		!stored().Equal(got.Expires) {
		t.Fatalf("not extended after a minute and a second: %v (stored %v)", got.Expires, stored())
	}
}

func TestDisablingEndsTheSessions(t *testing.T) {
	w := newWorld(t)
	t1, _ := w.login(t, "yibao", password)
	t2, _ := w.login(t, "yibao", password)
	other, _ := w.login(t, "gongan", password)
	if err := w.svc.SetDisabled(w.ctx, w.actor(t, "admin"), "yibao", true); err != nil {
		t.Fatal(err)
	}
	for _, token := range []string{t1, t2} {
		if _, err := w.c.Session(w.ctx, console.HashToken(token)); !errors.Is(err, app.ErrNotFound) {
			t.Fatalf("disabling left a session stored: %v", err)
		}
	}
	w.over(t, t1, "disabled, first session")
	w.over(t, t2, "disabled, second session")
	w.alive(t, other, "another account's session")

	// Check itself refuses a disabled account's session, even one the store
	// did not end.
	token, sess := w.login(t, "shichang", password)
	a := w.account(t, "shichang")
	a.Disabled = true
	if err := w.c.UpdateAccount(w.ctx, a); err != nil {
		t.Fatal(err)
	}
	w.over(t, token, "the account disabled behind the service's back")
	if _, err := w.c.Session(w.ctx, sess.TokenHash); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("the disabled account's session is still stored: %v", err)
	}
}

// TestChangePasswordKeepsThisSessionOnly: the other sessions of the account
// end, this one goes on; the old password no longer works.
func TestChangePasswordKeepsThisSessionOnly(t *testing.T) {
	w := newWorld(t)
	mine, _ := w.login(t, "gongan", password)
	theirs, _ := w.login(t, "gongan", password)
	someoneElse, _ := w.login(t, "yibao", password)
	w.clock.Advance(10 * time.Minute)
	a, sess := w.alive(t, mine, "before the change")
	who := console.Actor{Account: a, Remote: "192.0.2.7"}
	const next = "a-new-password-2"

	if err := w.svc.ChangePassword(w.ctx, who, sess, "wrong-password", next); !errors.Is(err, app.ErrBadCredentials) {
		t.Fatalf("a wrong present password: %v; want ErrBadCredentials", err)
	}
	if err := w.svc.ChangePassword(w.ctx, who, sess, password, "short"); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("a short new password: %v; want ErrInvalidInput", err)
	}
	if err := w.svc.ChangePassword(w.ctx, who, sess, password, password); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("the same password: %v; want ErrInvalidInput", err)
	}
	w.alive(t, theirs, "after refused changes")

	w.clock.Advance(5 * time.Minute)
	if err := w.svc.ChangePassword(w.ctx, who, sess, password, next); err != nil {
		t.Fatal(err)
	}
	_, after := w.alive(t, mine, "the session that changed the password")
	if after.CSRF != sess.CSRF || !after.Created.Equal(sess.Created) {
		t.Fatalf("the kept session changed: %+v, was %+v", after, sess)
	}
	if want := w.clock.Now().Add(30 * time.Minute); !after.Expires.Equal(want) {
		t.Fatalf("the kept session expires %v; want %v", after.Expires, want)
	}
	w.over(t, theirs, "another session of the account")
	w.alive(t, someoneElse, "another account's session")

	if _, _, err := w.svc.Login(w.ctx, "gongan", password, "192.0.2.7"); !errors.Is(err, app.ErrBadCredentials) {
		t.Fatalf("the old password: %v; want ErrBadCredentials", err)
	}
	w.login(t, "gongan", next)
	if acc := w.account(t, "gongan"); acc.MustChange {
		t.Fatal("MustChange after the owner changed the password")
	}
	if log := w.log(t, "gongan"); !slices.ContainsFunc(log, func(e console.AuditEntry) bool {
		return e.Action == console.AuditPassword && e.Login == "gongan"
	}) {
		t.Fatalf("the change is not in the audit log: %+v", log)
	}
}

// TestResetPassword: an administrator's reset sets a one-time password,
// ends the account's sessions and lifts its lock; others may not.
func TestResetPassword(t *testing.T) {
	w := newWorld(t)
	admin := w.actor(t, "admin")
	t1, _ := w.login(t, "gongan", password)
	t2, _ := w.login(t, "gongan", password)
	adminToken, _ := w.login(t, "admin", password)
	for range 5 {
		w.svc.Login(w.ctx, "gongan", "wrong-password", "192.0.2.7")
	}
	if !w.account(t, "gongan").Locked(w.clock.Now()) {
		t.Fatal("not locked after 5 wrong passwords")
	}
	const temp = "one-time-pass-1"
	for _, login := range []string{"yibao", "xixi", "jiancha"} {
		if err := w.svc.ResetPassword(w.ctx, w.actor(t, login), "gongan", temp); !errors.Is(err, console.ErrForbidden) {
			t.Fatalf("%s resets a password: %v; want ErrForbidden", login, err)
		}
	}
	if err := w.svc.ResetPassword(w.ctx, admin, "gongan", "short"); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("a short one-time password: %v; want ErrInvalidInput", err)
	}
	if err := w.svc.ResetPassword(w.ctx, admin, "nobody", temp); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("resetting nobody: %v; want ErrNotFound", err)
	}
	w.alive(t, t1, "after refused resets")
	if err := w.svc.ResetPassword(w.ctx, admin, "gongan", temp); err != nil {
		t.Fatal(err)
	}
	w.over(t, t1, "the target's first session")
	w.over(t, t2, "the target's second session")
	w.alive(t, adminToken, "the administrator's session")
	a := w.account(t, "gongan")
	if !a.MustChange || a.Failures != 0 || !a.LockedUntil.IsZero() {
		t.Fatalf("after the reset: %+v; want MustChange, unlocked", a)
	}
	if _, _, err := w.svc.Login(w.ctx, "gongan", password, "192.0.2.7"); !errors.Is(err, app.ErrBadCredentials) {
		t.Fatalf("the old password after a reset: %v", err)
	}
	token, _ := w.login(t, "gongan", temp)
	if got, _ := w.alive(t, token, "the one-time password's session"); !got.MustChange {
		t.Fatal("the account logged in with a one-time password need not change it")
	}
	log := w.log(t, "gongan")
	if !slices.ContainsFunc(log, func(e console.AuditEntry) bool {
		return e.Action == console.AuditPasswordReset && e.Login == "admin"
	}) {
		t.Fatalf("the reset is not in the audit log: %+v", log)
	}
}

// TestOnlyAnAdministratorKeepsAccounts: creating, listing, resetting,
// disabling; an administrator cannot disable themselves.
func TestOnlyAnAdministratorKeepsAccounts(t *testing.T) {
	w := newWorld(t)
	admin := w.actor(t, "admin")
	newcomer := console.Account{Login: "renshe", Name: "  人社审批 ", Role: console.Reviewer, Department: "renshe"}
	for _, login := range []string{"gongan", "xixi", "jiancha", "province"} {
		by := w.actor(t, login)
		if err := w.svc.CreateAccount(w.ctx, by, newcomer, password); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s creates an account: %v; want ErrForbidden", login, err)
		}
		if list, err := w.svc.Accounts(w.ctx, by); !errors.Is(err, console.ErrForbidden) || list != nil {
			t.Errorf("%s lists the accounts: %d, %v; want ErrForbidden", login, len(list), err)
		}
		if err := w.svc.SetDisabled(w.ctx, by, "yibao", true); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s disables an account: %v; want ErrForbidden", login, err)
		}
		if err := w.svc.SetDisabled(w.ctx, by, login, true); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s disables their own account: %v; want ErrForbidden", login, err)
		}
	}
	if _, err := w.c.Account(w.ctx, "renshe"); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("a refused creation made the account: %v", err)
	}
	if w.account(t, "yibao").Disabled {
		t.Fatal("a refused disabling disabled the account")
	}

	// The administrator creates: the name trimmed, a first password to change.
	w.clock.Advance(time.Hour)
	if err := w.svc.CreateAccount(w.ctx, admin, newcomer, "short"); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("a short first password: %v; want ErrInvalidInput", err)
	}
	bad := newcomer
	bad.Department = "police"
	if err := w.svc.CreateAccount(w.ctx, admin, bad, password); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("a reviewer of no department: %v; want ErrInvalidInput", err)
	}
	if err := w.svc.CreateAccount(w.ctx, admin, newcomer, password); err != nil {
		t.Fatal(err)
	}
	got := w.account(t, "renshe")
	if got.Name != "人社审批" || got.Role != console.Reviewer || got.Department != "renshe" || !got.MustChange ||
		got.CreatedBy != "admin" || !got.Created.Equal(w.clock.Now()) || got.PasswordHash == "" ||
		strings.Contains(got.PasswordHash, password) || app.CheckPassword(got.PasswordHash, password) != nil {
		t.Fatalf("the created account: %+v", got)
	}
	if err := w.svc.CreateAccount(w.ctx, admin, newcomer, password); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("a login taken: %v; want ErrConflict", err)
	}
	// The command line's accounts need no change of their first password.
	if a := w.account(t, "gongan"); a.MustChange || a.CreatedBy != "command line" {
		t.Fatalf("an account made at the command line: MustChange %v, by %q", a.MustChange, a.CreatedBy)
	}

	list, err := w.svc.Accounts(w.ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var logins []string
	for _, a := range list {
		logins = append(logins, a.Login)
	}
	want := []string{"admin", "elsewhere", "gongan", "jiancha", "other", "province", "renshe", "shichang", "xixi", "yibao"}
	if !slices.Equal(logins, want) {
		t.Fatalf("accounts: %v; want %v", logins, want)
	}

	if err := w.svc.SetDisabled(w.ctx, admin, "admin", true); !errors.Is(err, app.ErrInvalidInput) {
		t.Fatalf("an administrator disabling themselves: %v; want ErrInvalidInput", err)
	}
	if w.account(t, "admin").Disabled {
		t.Fatal("the administrator disabled themselves")
	}
	if err := w.svc.SetDisabled(w.ctx, admin, "nobody", true); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("disabling nobody: %v; want ErrNotFound", err)
	}
	w.clock.Advance(time.Second)
	if err := w.svc.SetDisabled(w.ctx, admin, "yibao", true); err != nil {
		t.Fatal(err)
	}
	if !w.account(t, "yibao").Disabled {
		t.Fatal("not disabled")
	}
	w.clock.Advance(time.Second)
	if err := w.svc.SetDisabled(w.ctx, admin, "yibao", false); err != nil {
		t.Fatal(err)
	}
	if w.account(t, "yibao").Disabled {
		t.Fatal("not enabled again")
	}
	var actions []string
	for _, e := range w.log(t, "") {
		if e.Login == "admin" {
			actions = append(actions, e.Action+" "+e.Target)
		}
	}
	if !slices.Equal(actions, []string{"account_created renshe", "account_disabled yibao", "account_enabled yibao"}) {
		t.Fatalf("the administrator's audit log: %v", actions)
	}
}

func TestAuditLogIsForAdministratorsAndSupervisors(t *testing.T) {
	w := newWorld(t)
	for range 3 {
		w.clock.Advance(time.Second)
		w.login(t, "gongan", password)
	}
	for _, login := range []string{"gongan", "xixi", "other"} {
		if log, err := w.svc.AuditLog(w.ctx, w.actor(t, login), console.AuditFilter{}); !errors.Is(err, console.ErrForbidden) || log != nil {
			t.Errorf("%s reads the audit log: %d lines, %v; want ErrForbidden", login, len(log), err)
		}
	}
	for _, login := range []string{"admin", "jiancha", "province"} {
		log, err := w.svc.AuditLog(w.ctx, w.actor(t, login), console.AuditFilter{Login: "gongan"})
		if err != nil || len(log) != 3 {
			t.Fatalf("%s reads gongan's audit log: %d lines, %v; want the 3 logins", login, len(log), err)
		}
		for i, e := range log {
			if e.Action != console.AuditLogin || !e.At.Equal(scene.Start.Add(time.Duration(3-i)*time.Second)) {
				t.Fatalf("%s: line %d: %+v; want the logins newest first", login, i, e)
			}
		}
		if log, err := w.svc.AuditLog(w.ctx, w.actor(t, login), console.AuditFilter{Login: "gongan", Limit: 2}); err != nil || len(log) != 2 {
			t.Fatalf("%s: 2 lines asked: %d, %v", login, len(log), err)
		}
	}
	// A limit out of bounds is 500, not none.
	for range 501 - 3 - len(accounts) {
		w.c.Audit(w.ctx, console.AuditEntry{At: w.clock.Now(), Login: "x", Action: "test"})
	}
	for _, limit := range []int{0, -1, 501, 100000} {
		log, err := w.svc.AuditLog(w.ctx, w.actor(t, "admin"), console.AuditFilter{Limit: limit})
		if err != nil || len(log) != 500 {
			t.Fatalf("limit %d: %d lines, %v; want 500", limit, len(log), err)
		}
	}
}

// caseWorld is a world with a hall's hub that pushed two cases: GA-001,
// decided by 公安 alone, and WJ-001, by 卫健, 公安, 医保 and 人社.
type caseWorld struct {
	*world
	single, multi app.Case
}

func newCaseWorld(t *testing.T) *caseWorld {
	t.Helper()
	w := &caseWorld{world: newWorld(t)}
	srv := scene.Serve(t, w.c, central.ServerOptions{})
	st := scene.OpenStore(t, t.TempDir(), w.clock)
	t.Cleanup(func() { st.Close() })
	opt := link.Options{Clock: w.clock, Timeout: 10 * time.Second}
	scene.Enrol(t, w.c, srv.URL, st, opt)
	l, err := link.New(w.ctx, st, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Pull(w.ctx); err != nil {
		t.Fatal(err)
	}
	w.single = scene.TakeIn(t, st, "GA-001", 1)
	w.multi = scene.TakeIn(t, st, "WJ-001", 2)
	if _, err := l.Push(w.ctx); err != nil {
		t.Fatal(err)
	}
	return w
}

func numbers(rows []console.CaseRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Number)
	}
	slices.Sort(out)
	return out
}

// TestWorklistIsForReviewers: each department sees the cases it decides;
// no other role has a worklist.
func TestWorklistIsForReviewers(t *testing.T) {
	w := newCaseWorld(t)
	for _, login := range []string{"admin", "xixi", "jiancha", "province"} {
		if rows, err := w.svc.Worklist(w.ctx, w.actor(t, login)); !errors.Is(err, console.ErrForbidden) || rows != nil {
			t.Errorf("%s's worklist: %v, %v; want ErrForbidden", login, numbers(rows), err)
		}
	}
	both := []string{w.single.Number, w.multi.Number}
	slices.Sort(both)
	for login, want := range map[string][]string{
		"gongan":   both,
		"yibao":    {w.multi.Number},
		"shichang": nil,
	} {
		rows, err := w.svc.Worklist(w.ctx, w.actor(t, login))
		if err != nil || !slices.Equal(numbers(rows), want) {
			t.Fatalf("%s's worklist: %v, %v; want %v", login, numbers(rows), err, want)
		}
		for _, r := range rows {
			if r.Light != app.Green || r.Applicant == "" || strings.Contains(r.Applicant, scene.Applicant(1).Name) {
				t.Fatalf("%s's row: %+v; want a green light and a masked name", login, r)
			}
		}
	}
	// An opinion given takes the case off the department's list only.
	if err := w.svc.Decide(w.ctx, w.actor(t, "yibao"), w.multi.Number, true, ""); err != nil {
		t.Fatal(err)
	}
	if rows, _ := w.svc.Worklist(w.ctx, w.actor(t, "yibao")); len(rows) != 0 {
		t.Fatalf("医保's worklist after its opinion: %v", numbers(rows))
	}
	if rows, _ := w.svc.Worklist(w.ctx, w.actor(t, "gongan")); !slices.Equal(numbers(rows), both) {
		t.Fatalf("公安's worklist after 医保's opinion: %v; want %v", numbers(rows), both)
	}
}

// TestCaseRights: who may read a case, masked unless revealed (audited),
// and who may decide it.
func TestCaseRights(t *testing.T) {
	w := newCaseWorld(t)
	applicant := scene.Applicant(1)
	for _, tc := range []struct {
		login  string
		number string
		ok     bool
	}{
		{"gongan", w.single.Number, true},
		{"gongan", w.multi.Number, true},
		{"yibao", w.single.Number, false},
		{"yibao", w.multi.Number, true},
		{"shichang", w.single.Number, false},
		{"shichang", w.multi.Number, false},
		{"xixi", w.single.Number, true},
		{"other", w.single.Number, false},
		{"jiancha", w.multi.Number, true},
		{"province", w.multi.Number, true},
		{"elsewhere", w.single.Number, false},
		{"admin", w.single.Number, false},
		{"gongan", "NO-SUCH-CASE", false},
		{"province", "NO-SUCH-CASE", false},
	} {
		f, err := w.svc.Case(w.ctx, w.actor(t, tc.login), tc.number, false)
		if !tc.ok {
			if !errors.Is(err, console.ErrForbidden) || f.Number != "" {
				t.Errorf("%s reads %s: %q, %v; want ErrForbidden", tc.login, tc.number, f.Number, err)
			}
			if _, err := w.svc.Case(w.ctx, w.actor(t, tc.login), tc.number, true); !errors.Is(err, console.ErrForbidden) {
				t.Errorf("%s reveals %s: %v; want ErrForbidden", tc.login, tc.number, err)
			}
			continue
		}
		if err != nil || f.Number != tc.number || f.Light != app.Green {
			t.Errorf("%s reads %s: %+v, %v", tc.login, tc.number, f.CaseRow, err)
		}
	}
	if log := w.log(t, "NO-SUCH-CASE"); len(log) != 0 {
		t.Fatalf("a refused reveal is in the audit log: %+v", log)
	}

	gongan := w.actor(t, "gongan")
	f, err := w.svc.Case(w.ctx, gongan, w.single.Number, false)
	if err != nil {
		t.Fatal(err)
	}
	if f.Applicant.Name != app.MaskName(applicant.Name) || f.Applicant.Name == applicant.Name ||
		string(f.Applicant.IDNumber) != applicant.IDNumber.Masked() || f.Applicant.Phone != app.MaskPhone(applicant.Phone) {
		t.Fatalf("the masked file: %+v; want %s", f.Applicant, applicant.Name)
	}
	if log := w.log(t, w.single.Number); len(log) != 0 {
		t.Fatalf("a masked reading is in the audit log: %+v", log)
	}
	w.clock.Advance(time.Minute)
	if f, err = w.svc.Case(w.ctx, gongan, w.single.Number, true); err != nil {
		t.Fatal(err)
	}
	if f.Applicant.Name != applicant.Name || f.Applicant.IDNumber != applicant.IDNumber {
		t.Fatalf("the revealed file: %+v; want %+v", f.Applicant, applicant)
	}
	log := w.log(t, w.single.Number)
	if len(log) != 1 || log[0].Action != console.AuditReveal || log[0].Login != "gongan" || !log[0].At.Equal(w.clock.Now()) {
		t.Fatalf("the reveal's audit log: %+v", log)
	}

	// Only a reviewer of a deciding department decides.
	for _, tc := range []struct{ login, number string }{
		{"yibao", w.single.Number}, {"shichang", w.multi.Number}, {"xixi", w.single.Number},
		{"jiancha", w.single.Number}, {"admin", w.single.Number}, {"gongan", "NO-SUCH-CASE"},
	} {
		if err := w.svc.Decide(w.ctx, w.actor(t, tc.login), tc.number, true, ""); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s decides %s: %v; want ErrForbidden", tc.login, tc.number, err)
		}
	}
	if f, _ := w.c.CaseFile(w.ctx, w.single.Number); len(f.Opinions) != 0 {
		t.Fatalf("refused opinions were recorded: %+v", f.Opinions)
	}
	w.clock.Advance(time.Minute)
	if err := w.svc.Decide(w.ctx, gongan, w.single.Number, false, "材料不实"); err != nil {
		t.Fatal(err)
	}
	f, _ = w.c.CaseFile(w.ctx, w.single.Number)
	if len(f.Opinions) != 1 || f.Opinions[0].Department != "gongan" || f.Opinions[0].Approve || f.Opinions[0].Reason != "材料不实" {
		t.Fatalf("opinions: %+v; want 公安's denial", f.Opinions)
	}
	if log := w.log(t, w.single.Number); log[len(log)-1].Action != console.AuditOpinion || log[len(log)-1].Detail != "gongan deny" {
		t.Fatalf("the opinion's audit line: %+v", log[len(log)-1])
	}
}

// TestSupervisionAndDashboardsFollowTheArea: a supervisor sees the running
// cases and halls of their area; a hall's dashboard is for its manager and
// its area's supervisors.
func TestSupervisionAndDashboardsFollowTheArea(t *testing.T) {
	w := newCaseWorld(t)
	for _, login := range []string{"admin", "gongan", "xixi"} {
		if _, err := w.svc.Supervise(w.ctx, w.actor(t, login), console.SupervisionFilter{}); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s supervises: %v; want ErrForbidden", login, err)
		}
	}
	both := []string{w.single.Number, w.multi.Number}
	slices.Sort(both)
	for _, tc := range []struct {
		login string
		f     console.SupervisionFilter
		cases []string
		halls int
	}{
		{"jiancha", console.SupervisionFilter{}, both, 1},
		{"province", console.SupervisionFilter{}, both, 1},
		{"elsewhere", console.SupervisionFilter{}, nil, 0},
		{"jiancha", console.SupervisionFilter{Hall: scene.Hall}, both, 1},
		{"jiancha", console.SupervisionFilter{Department: "yibao"}, []string{w.multi.Number}, 1},
		{"jiancha", console.SupervisionFilter{Department: "minzheng"}, nil, 1},
		{"jiancha", console.SupervisionFilter{Item: "GA-001"}, []string{w.single.Number}, 1},
		{"jiancha", console.SupervisionFilter{Department: "yibao", Item: "GA-001"}, nil, 1},
		{"jiancha", console.SupervisionFilter{Light: app.Red}, nil, 1},
	} {
		sup, err := w.svc.Supervise(w.ctx, w.actor(t, tc.login), tc.f)
		if err != nil || !slices.Equal(numbers(sup.Cases), tc.cases) || len(sup.Halls) != tc.halls {
			t.Fatalf("%s supervises %+v: %v (%d halls), %v; want %v (%d halls)", tc.login, tc.f, numbers(sup.Cases),
				len(sup.Halls), err, tc.cases, tc.halls)
		}
		if len(sup.Trend) != 30 || sup.Trend[29].Day != app.DateOf(w.clock.Now()) {
			t.Fatalf("%s: the trend has %d days", tc.login, len(sup.Trend))
		}
	}
	sup, _ := w.svc.Supervise(w.ctx, w.actor(t, "jiancha"), console.SupervisionFilter{Light: app.Red, Days: 7})
	if sup.Counts[app.Green] != 2 || len(sup.Trend) != 7 || sup.Trend[6].Accepted != 2 {
		t.Fatalf("counts %v, trend %+v; want 2 green, 7 days ending with 2 accepted", sup.Counts, sup.Trend)
	}
	for _, login := range []string{"elsewhere"} {
		if _, err := w.svc.Supervise(w.ctx, w.actor(t, login), console.SupervisionFilter{Hall: scene.Hall}); !errors.Is(err, console.ErrForbidden) {
			t.Errorf("%s supervises a hall outside their area: %v; want ErrForbidden", login, err)
		}
	}

	for login, sees := range map[string]bool{"xixi": true, "jiancha": true, "province": true, "other": false,
		"elsewhere": false, "admin": false, "gongan": false} {
		halls, err := w.svc.HallsOf(w.ctx, w.actor(t, login))
		if err != nil || (len(halls) == 1) != sees || sees && halls[0].Code != scene.Hall {
			t.Errorf("%s's halls: %+v, %v; want the hall %v", login, halls, err, sees)
		}
		d, err := w.svc.HallDashboard(w.ctx, w.actor(t, login), scene.Hall, "")
		if !sees {
			if !errors.Is(err, console.ErrForbidden) {
				t.Errorf("%s opens the hall's dashboard: %v; want ErrForbidden", login, err)
			}
			continue
		}
		if err != nil || d.Hall.Code != scene.Hall || d.Day != app.DateOf(w.clock.Now()) {
			t.Errorf("%s's dashboard: %+v, %v", login, d, err)
		}
	}
}
