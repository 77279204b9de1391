package health

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"onewindow/app"
)

func TestSkew(t *testing.T) {
	t.Parallel()
	central := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		local time.Time
		rtt   time.Duration
		want  Verdict
		say   string
	}{
		{central.Add(200 * time.Millisecond), 0, OK, "within a second"},
		{central.Add(45 * time.Second), 0, Warn, "45s ahead of central"},
		{central.Add(-10 * time.Minute), 0, Fail, "10m0s behind central"},
		// A slow answer: the Date header may be up to the whole round trip
		// old, so 3 s of apparent skew over a 6 s exchange is none.
		{central.Add(6 * time.Second), 6 * time.Second, OK, "within a second"},
	}
	for _, tt := range tests {
		c := Skew("central", tt.local, central, tt.rtt)
		if c.Verdict != tt.want || !strings.Contains(c.Detail, tt.say) {
			t.Errorf("local %v, rtt %v: want %s saying %q, got %+v", tt.local.Sub(central), tt.rtt, tt.want, tt.say, c)
		}
		if c.Verdict != OK && !strings.Contains(c.Next, "timedatectl") {
			t.Errorf("a clock off must say how to set it, got %q", c.Next)
		}
	}
}

func TestReportTextAndJSON(t *testing.T) {
	t.Parallel()
	r := Report{Terminal: "K01", At: time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)}
	r.Add(Check{Name: "configuration", Verdict: OK, Detail: "fine"},
		Check{Name: "ticket printer", Verdict: Fail, Detail: "paper out", Next: "put in a new roll"},
		Check{Name: "outbox", Verdict: Warn, Detail: "3 waiting", Next: "check central"})
	var b bytes.Buffer
	r.WriteText(&b)
	out := b.String()
	for _, want := range []string{"[ok  ] configuration ", "[FAIL] ticket printer  paper out\n", "→ put in a new roll", "1 of 3 checks failed, 1 warnings"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if !r.Failed() || r.Worst() != Fail || r.Count(Warn) != 1 {
		t.Errorf("Failed %v, Worst %v, warnings %d", r.Failed(), r.Worst(), r.Count(Warn))
	}
	b.Reset()
	r.WriteJSON(&b)
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Checks[1].Verdict != Fail || !strings.Contains(b.String(), `"verdict": "fail"`) {
		t.Errorf("JSON round trip: %v\n%s", err, b.String())
	}
}

func TestDisk(t *testing.T) {
	t.Parallel()
	// A data folder that does not exist yet is measured on its parent's disk.
	c := Disk(filepath.Join(t.TempDir(), "not", "yet"))
	if c.Verdict == Skip || !strings.Contains(c.Detail, "free of") {
		t.Errorf("want the disk measured, got %+v", c)
	}
}

// TestCalendar: the doctor fails when the holiday calendar ends within 60
// days, has ended, or is missing, and says how to publish the next year.
func TestCalendar(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		d, _ := time.Parse(time.DateOnly, s)
		return d.Add(2 * time.Hour) // 02:00 UTC is 10:00 in the hall
	}
	for _, tt := range []struct {
		end  string
		now  string
		want Verdict
		say  string
	}{
		{"2026-12-31", "2026-09-01", OK, "covers until 2026-12-31 (121 days)"},
		{"2026-12-31", "2026-11-01", OK, "(60 days)"},
		{"2026-12-31", "2026-11-02", Fail, "in 59 days"},
		{"2026-12-31", "2026-12-06", Fail, "in 25 days"},
		{"2026-12-31", "2027-01-04", Fail, "ended on 2026-12-31"},
		{"", "2026-12-06", Fail, "no holiday calendar"},
	} {
		c := Calendar(app.Date(tt.end), at(tt.now))
		if c.Verdict != tt.want || !strings.Contains(c.Detail, tt.say) {
			t.Errorf("calendar ending %q on %s: %s %q, want %s saying %q", tt.end, tt.now, c.Verdict, c.Detail, tt.want, tt.say)
		}
		if c.Verdict == Fail && !strings.Contains(c.Next, "central publish calendar") {
			t.Errorf("calendar ending %q on %s: the next step %q does not say how to publish the next year", tt.end, tt.now, c.Next)
		}
	}
}
