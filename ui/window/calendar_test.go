package window

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
)

// TestIntakeSaysTheDuePastTheCalendar: a case accepted in the last days of
// 2026, with only the 2026 holiday calendar installed, is due in 2027,
// counted over weekends only: the result says so, in the screen's
// language, and again after the clerk switches it.
func TestIntakeSaysTheDuePastTheCalendar(t *testing.T) {
	b := newBench(t)
	b.Clock.Set(time.Date(2026, 12, 28, 9, 30, 0, 0, app.HallZone))
	b.mustLogin()
	b.key(fyne.KeyF1)
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	result := func() string { return b.get(func() string { return b.term.intake.out.result.Text }) }
	if got := result(); !strings.Contains(got, "日历只到 2026-12-31") {
		t.Fatalf("the result should warn that the due date runs past the calendar, shows %q", got)
	}
	b.english()
	if got := result(); !strings.Contains(got, "The holiday calendar ends on 2026-12-31") {
		t.Fatalf("in English the result should warn that the due date runs past the calendar, shows %q", got)
	}
}
