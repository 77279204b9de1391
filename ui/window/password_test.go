package window

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/internal/hallrig"
)

// TestOneTimePasswordIsChangedBeforeWork: the hall's manager set a one-time
// password in the web console; the clerk who logs in with it sees only the
// form that changes it (F1 calls no one), must type the new one twice, and
// then works. The new password goes to the outbox for the hall and central,
// and is the one that logs in from then on.
func TestOneTimePasswordIsChangedBeforeWork(t *testing.T) {
	b := newBench(t)
	h, err := b.Store.Hall(b.ctx)
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := app.HashPassword("one-time-pass-1", app.DefaultPasswordParams)
	for i := range h.Staff {
		if h.Staff[i].ID == hallrig.Clerk {
			h.Staff[i].PasswordHash, h.Staff[i].MustChange, h.Staff[i].PasswordSet = hash, true, b.Clock.Now().Add(1)
		}
	}
	if err := b.Store.ReplaceHall(b.ctx, h); err != nil {
		t.Fatal(err)
	}
	b.issue("A")
	b.login(hallrig.Clerk, "one-time-pass-1")
	if !b.is(func() bool { return b.term.root.Objects[0] == b.term.password.content }) {
		t.Fatalf("after a login with a one-time password the window shows no password form: %q", b.term.Message())
	}
	b.waitFor("the words that say why", func() bool { return b.term.Message() == "请先设置您自己的密码" })
	b.key(fyne.KeyF1)
	if v := b.term.desk.View(); v.Current != nil {
		t.Fatalf("F1 called %s before the password was changed", v.Current.Code)
	}
	fill := func(old, next, again string) {
		b.focus(b.term.password.old)
		for _, s := range []string{old, next, again} {
			b.typeText(s)
			b.key(fyne.KeyReturn)
		}
	}
	fill("one-time-pass-1", "my-own-pass-1", "my-own-pass-2")
	if msg := b.term.Message(); msg != "两次输入的新密码不一致" {
		t.Fatalf("two different new passwords: %q", msg)
	}
	fill("one-time-pass-1", "short", "short")
	if msg := b.term.Message(); !strings.Contains(msg, "密码至少 10 位") {
		t.Fatalf("a short password: %q", msg)
	}
	fill("one-time-pass-1", "my-own-pass-1", "my-own-pass-1")
	if v := b.term.desk.View(); v.Staff == nil || v.Staff.MustChange {
		t.Fatalf("after the change: %+v, %q", v.Staff, b.term.Message())
	}
	if !b.is(func() bool { return b.term.root.Objects[0] == b.term.work }) {
		t.Fatal("the window does not work after the password was changed")
	}
	ops, err := b.Store.PendingOperations(b.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	sent := false
	for _, o := range ops {
		sent = sent || (o.Kind == app.OpStaffPassword && o.Entity == hallrig.Clerk)
	}
	if !sent {
		t.Fatal("the new password is not in the outbox for the hall and central")
	}
	b.key(fyne.KeyF12) // lock; the new password unlocks, the old one no more
	b.login(hallrig.Clerk, "one-time-pass-1")
	if v := b.term.desk.View(); !v.Locked {
		t.Fatal("the one-time password still logs in")
	}
	b.login(hallrig.Clerk, "my-own-pass-1")
	if v := b.term.desk.View(); v.Locked || v.Staff == nil {
		t.Fatalf("the new password does not log in: %q", b.term.Message())
	}
}
