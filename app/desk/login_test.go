package desk_test

import (
	"errors"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
)

// configuredLogin is the login policy of a hall that sets its own limits in
// [window] (hallrig.StrictWindow), read as onewindow window reads it.
func configuredLogin(t *testing.T) app.LoginPolicy {
	t.Helper()
	cfg, err := config.Parse([]byte(hallrig.StrictWindow))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Window.LoginPolicy()
}

// TestLoginLockOutAndIdleLock: the MaxFailures-th wrong password locks the
// id, counting down before; the right password is refused until LockFor has
// passed; a window alone for IdleLock locks with its clerk still named, and
// the password unlocks it.
func TestLoginLockOutAndIdleLock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		policy func(t *testing.T) app.LoginPolicy // nil: the desk's default
		want   app.LoginPolicy
	}{
		{"default", nil, app.DefaultLoginPolicy},
		{"from [window]", configuredLogin, app.LoginPolicy{MaxFailures: 2, LockFor: 30 * time.Minute, IdleLock: time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var policy app.LoginPolicy
			if tc.policy != nil {
				policy = tc.policy(t)
			}
			c := openCounter(t, func(_ *hallrig.Rig, _ *desk.Services, cfg *desk.Config) { cfg.Login = policy })
			d, ctx, p := c.d, c.ctx, tc.want
			if got := d.Config().Login; got != p {
				t.Fatalf("the desk's login policy: want %+v, got %+v", p, got)
			}
			for i := 1; i < p.MaxFailures; i++ {
				var bad *app.BadCredentialsError
				if err := d.Login(ctx, hallrig.Clerk, "wrong"); !errors.As(err, &bad) || bad.Left != p.MaxFailures-i {
					t.Fatalf("wrong password %d of %d: want bad credentials with %d tries left, got %v", i, p.MaxFailures, p.MaxFailures-i, err)
				}
			}
			var locked *app.LockedError
			err := d.Login(ctx, hallrig.Clerk, "wrong")
			if !errors.As(err, &locked) || !locked.Until.Equal(hallrig.Start.Add(p.LockFor)) {
				t.Fatalf("wrong password %d of %d: want the id locked until %s, got %v", p.MaxFailures, p.MaxFailures, hallrig.Start.Add(p.LockFor), err)
			}
			c.Clock.Advance(p.LockFor - time.Minute)
			if err := d.Login(ctx, hallrig.Clerk, hallrig.Password); !errors.Is(err, app.ErrAccountLocked) {
				t.Fatalf("the right password a minute before the lock ends: want ErrAccountLocked, got %v", err)
			}
			if v := d.View(); v.Staff != nil {
				t.Fatalf("while the id is locked nobody may be logged in, but %s is", v.Staff.ID)
			}
			c.Clock.Advance(time.Minute)
			if err := d.Login(ctx, hallrig.Clerk, hallrig.Password); err != nil {
				t.Fatalf("the right password when the lock has ended: want a login, got %v", err)
			}

			c.Clock.Advance(p.IdleLock - time.Second)
			if d.CheckIdle() {
				t.Fatalf("locked after %s alone; the policy says %s", p.IdleLock-time.Second, p.IdleLock)
			}
			c.Clock.Advance(time.Second)
			if !d.CheckIdle() {
				t.Fatalf("not locked after %s alone", p.IdleLock)
			}
			if v := d.View(); !v.Locked || v.Staff == nil || v.Staff.ID != hallrig.Clerk {
				t.Fatalf("after the idle time: want the screen locked with %s named, got locked=%v staff=%+v", hallrig.Clerk, v.Locked, v.Staff)
			}
			if err := d.Login(ctx, hallrig.Clerk, hallrig.Password); err != nil {
				t.Fatalf("unlock with the password: %v", err)
			}
			if v := d.View(); v.Locked || v.Staff == nil {
				t.Fatalf("after the unlock: want the window working, got locked=%v staff=%+v", v.Locked, v.Staff)
			}
		})
	}
}

// TestTheHubKnowsWhoIsAtTheWindow: a clerk's login is told to the hub, so
// the tickets the window serves, and their ratings, carry the clerk; a
// logout clears it.
func TestTheHubKnowsWhoIsAtTheWindow(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	clerk := func() string {
		st, _ := c.Hub.Window(c.ctx, hallrig.Window)
		return st.Clerk
	}
	c.waitFor("the hub to know the clerk", func() bool { return clerk() == hallrig.Clerk })
	c.d.Logout()
	c.waitFor("the hub to forget the clerk", func() bool { return clerk() == "" })
}
