package console_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/sync/scene"
)

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
	if err := w.c.SetAccountDisabled(w.ctx, "shichang", true); err != nil {
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
	// A district's supervisor (jiancha) does not read the province's log.
	for _, login := range []string{"gongan", "xixi", "other", "jiancha"} {
		if log, err := w.svc.AuditLog(w.ctx, w.actor(t, login), console.AuditFilter{}); !errors.Is(err, console.ErrForbidden) || log != nil {
			t.Errorf("%s reads the audit log: %d lines, %v; want ErrForbidden", login, len(log), err)
		}
	}
	for _, login := range []string{"admin", "province"} {
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

// TestWrongPasswordsInParallelAllCount: guesses sent at once each count
// (the store adds one, it does not write back what it read), and a
// disabling made while a login checks its password stays.
func TestWrongPasswordsInParallelAllCount(t *testing.T) {
	w := newWorld(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.svc.Login(w.ctx, "yibao", fmt.Sprintf("wrong-guess-%d", i), "192.0.2.9")
		}()
	}
	wg.Wait()
	if a := w.account(t, "yibao"); a.Failures != 4 {
		t.Fatalf("after 4 wrong passwords at once the account counts %d", a.Failures)
	}
	if _, _, err := w.svc.Login(w.ctx, "yibao", "wrong-guess-5", "192.0.2.9"); !errors.Is(err, app.ErrAccountLocked) {
		t.Fatalf("the 5th: %v; want the lock", err)
	}
	if err := w.c.SetAccountDisabled(w.ctx, "gongan", true); err != nil {
		t.Fatal(err)
	}
	w.svc.Login(w.ctx, "gongan", "wrong-guess-1", "192.0.2.9")
	if a := w.account(t, "gongan"); !a.Disabled || a.Failures != 1 {
		t.Fatalf("after a wrong password the account is %+v; want disabled still, one failure", a)
	}
}
