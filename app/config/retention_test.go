package config_test

import (
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/config"
)

// TestRetention: how long personal data stays after a case ends is
// [paths] retention_days, 30 when left out, 1 to 3650, and the summary
// says it.
func TestRetention(t *testing.T) {
	withDays := func(line string) string {
		return strings.Replace(windowConfig(""), "[window]", "[paths]\n"+line+"\n[window]", 1)
	}
	c, err := config.Parse([]byte(windowConfig("")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Paths.RetentionDays != app.DefaultRetentionDays || c.Paths.Retention() != 30*24*time.Hour {
		t.Errorf("left out, the retention is %d days (%v), want %d", c.Paths.RetentionDays, c.Paths.Retention(), app.DefaultRetentionDays)
	}
	if want := "personal data erased 30 days after a case ends"; !strings.Contains(c.Summary(), want) {
		t.Errorf("the summary should say %q:\n%s", want, c.Summary())
	}
	for _, line := range []string{"retention_days = 1", "retention_days = 3650", "retention_days = 90"} {
		if _, err := config.Parse([]byte(withDays(line))); err != nil {
			t.Errorf("%q is a retention, but: %v", line, err)
		}
	}
	for line, want := range map[string]string{
		"retention_days = 0":    "paths.retention_days: 0 is not a number of days from 1 to 3650; say how many days personal data stays after a case ends, or leave the line out for 30",
		"retention_days = -5":   "paths.retention_days: -5 is not a number of days from 1 to 3650",
		"retention_days = 3651": "paths.retention_days: 3651 is not a number of days from 1 to 3650",
		`retention_days = "30"`: "paths.retention_days: should be",
	} {
		_, err := config.Parse([]byte(withDays(line)))
		probs := problemsOf(t, err)
		if len(probs) != 1 || !strings.HasPrefix(probs[0], want) {
			t.Errorf("%s: wanted one problem starting %q, got %q", line, want, probs)
		}
	}
	if got := (config.Paths{}).Retention(); got != 30*24*time.Hour {
		t.Errorf("a configuration made in Go without a retention keeps %v, want 30 days", got)
	}
}
