package window

import (
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/ui/theme"
)

// TestLoginLimitsFromTheConfiguration: a hall that sets its own limits in
// [window] sees them in the window's words, in the configured language: two
// wrong passwords lock the id for 30 minutes. That the lock then holds for
// 30 minutes and a minute alone locks the screen is app/desk's
// TestLoginLockOutAndIdleLock, with the same [window] section.
func TestLoginLimitsFromTheConfiguration(t *testing.T) {
	cfg, err := config.Parse([]byte(hallrig.StrictWindow))
	if err != nil {
		t.Fatal(err)
	}
	b := newBenchWith(t, func(c *desk.Config) { c.Login = cfg.Window.LoginPolicy() })
	b.term.onUI(func() {
		if err := b.term.SetLanguage(theme.Language(cfg.Window.Language)); err != nil {
			t.Fatal(err)
		}
	})
	b.login(hallrig.Clerk, "wrong")
	if msg := b.term.Message(); !strings.Contains(msg, "one more wrong try locks the account") {
		t.Fatalf("first wrong password of 2: got %q", msg)
	}
	b.login(hallrig.Clerk, "wrong")
	until := hallrig.Start.Add(30 * time.Minute).In(app.HallZone).Format("15:04")
	if msg := b.term.Message(); !strings.Contains(msg, "locked until "+until) {
		t.Fatalf("second wrong password: want the id locked until %s, got %q", until, msg)
	}
}
