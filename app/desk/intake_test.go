package desk_test

import (
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
)

// TestIntakeOutcomes: each of the three outcomes stores its case, prints
// its notice, and records both in the case's timeline.
func TestIntakeOutcomes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		initials string
		received []int
		take     func(*desk.Desk, *counter, desk.IntakeForm) (desk.Outcome, error)
		state    app.CaseState
		missing  []int
		reason   string
		notice   string
		timeline []string
		check    func(t *testing.T, c *counter, got app.Case, page string)
	}{
		{
			name: "accept", initials: "jmsfzhl", received: []int{0, 1}, // 居民身份证换领: 1 and 2 required, 3 optional
			take: func(d *desk.Desk, c *counter, f desk.IntakeForm) (desk.Outcome, error) {
				return d.Accept(c.ctx, f)
			},
			state: app.Accepted, notice: "受理通知书",
			timeline: []string{"submitted", "accepted", "notice_printed"},
			check:    checkAcceptedNotice,
		},
		{
			name: "request missing", initials: "hkqysn", received: []int{0}, // 户口迁移（市内）: 1–3 required
			take: func(d *desk.Desk, c *counter, f desk.IntakeForm) (desk.Outcome, error) {
				return d.RequestMissing(c.ctx, f, app.SupplementAdvice[0].Code)
			},
			state: app.SupplementRequested, missing: []int{1, 2}, notice: "一次性告知书",
			timeline: []string{"submitted", "supplement_requested", "notice_printed"},
			check:    checkMissingListed,
		},
		{
			name: "refuse", initials: "jmsfzhl", received: []int{0, 1},
			take: func(d *desk.Desk, c *counter, f desk.IntakeForm) (desk.Outcome, error) {
				return d.Refuse(c.ctx, f, app.RefusalReasons[2].Code, "missing guardian consent")
			},
			state: app.Refused, reason: "申请人不具备申请资格：missing guardian consent", notice: "不予受理通知书",
			timeline: []string{"submitted", "refused", "notice_printed"},
			check: func(t *testing.T, _ *counter, _ app.Case, page string) {
				if !strings.Contains(page, "申请人不具备申请资格") {
					t.Errorf("the printed refusal lacks its reason:\n%s", page)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := loggedIn(t)
			// The clock reads as the machine's does: in its own zone
			// (UTC when TestNoticesInAUTCProcess runs this again).
			c.Clock.Set(hallrig.Start.In(time.Local))
			c.issue("A")
			if _, err := c.d.CallNext(c.ctx); err != nil {
				t.Fatal(err)
			}
			out, err := tc.take(c.d, c, c.form(tc.initials, tc.received...))
			if err != nil || out.PrintErr != nil {
				t.Fatalf("%s: want a case and its notice printed, got %v, print %v", tc.name, err, out.PrintErr)
			}
			if v := c.d.View(); v.CaseNumber != out.Case.Number {
				t.Errorf("the view's case: want %s, got %q", out.Case.Number, v.CaseNumber)
			}
			got, err := c.Store.Case(c.ctx, out.Case.Number)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != tc.state || !slices.Equal(got.Missing, tc.missing) || got.Reason != tc.reason {
				t.Fatalf("stored case: want %s missing %v reason %q, got %s missing %v reason %q",
					tc.state, tc.missing, tc.reason, got.State, got.Missing, got.Reason)
			}
			if got.Ticket != "A001" || got.Window != hallrig.Window || got.Clerk != hallrig.Clerk {
				t.Fatalf("stored case: want A001's at window %d by %s, got ticket %q window %d clerk %q",
					hallrig.Window, hallrig.Clerk, got.Ticket, got.Window, got.Clerk)
			}
			page := c.page(1)
			if !strings.Contains(page, tc.notice) || !strings.Contains(page, got.Number) {
				t.Errorf("the printed notice: want %s with %s on it, got:\n%s", tc.notice, got.Number, page)
			}
			// hallrig.Start is 09:30 in the hall (01:30 UTC).
			if stamp := "2026-11-23 09:30"; !strings.Contains(page, stamp) {
				t.Errorf("the %s must print the hall's time %s (machine zone %s), got:\n%s", tc.notice, stamp, time.Local, page)
			}
			// The card on the reader is 张伟, 11010519850312123X.
			if strings.Contains(page, "张伟") || strings.Contains(page, "11010519850312123") {
				t.Errorf("the notice shows the applicant unmasked:\n%s", page)
			}
			if ev := c.events(got.Number); !slices.Equal(ev, tc.timeline) {
				t.Fatalf("timeline: want %v, got %v", tc.timeline, ev)
			}
			tc.check(t, c, got, page)
		})
	}
}

func checkAcceptedNotice(t *testing.T, _ *counter, got app.Case, page string) {
	t.Helper()
	due, err := got.Due.Time()
	if got.Due == "" || err != nil {
		t.Fatalf("an accepted case must have a due date, got %q %v", got.Due, err)
	}
	for _, want := range []string{"居民身份证换领", due.Format("2006年01月02日")} {
		if !strings.Contains(page, want) {
			t.Errorf("the printed notice lacks %q:\n%s", want, page)
		}
	}
}

// checkMissingListed: the 一次性告知书 lists every material not brought,
// and none that was, before the list of those received.
func checkMissingListed(t *testing.T, c *counter, got app.Case, page string) {
	t.Helper()
	item, err := c.Store.Item(c.ctx, got.ItemCode)
	if err != nil {
		t.Fatal(err)
	}
	// Long names wrap on paper, indented: compare the text without spaces.
	flat := strings.Join(strings.Fields(page), "")
	from, to := strings.Index(flat, "一次性补齐"), strings.Index(flat, "已收材料")
	if from < 0 || to < from {
		t.Fatalf("want the missing materials listed, then those received:\n%s", page)
	}
	missing := flat[from:to]
	for i, m := range item.Materials {
		listed := strings.Contains(missing, strings.Join(strings.Fields(m.Name.Zh), ""))
		if wanted := slices.Contains(got.Missing, i); listed != wanted {
			t.Errorf("material %d %s: listed as missing %v, want %v", i+1, m.Name.Zh, listed, wanted)
		}
	}
}

// TestNoticesInAUTCProcess runs TestIntakeOutcomes again in a process whose
// zone is UTC, as a terminal installed without a zone is: its three
// notices must still print the hall's time, not UTC.
func TestNoticesInAUTCProcess(t *testing.T) {
	if os.Getenv("TZ") == "UTC" {
		t.Skip("this process is in UTC: TestIntakeOutcomes checked it here")
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestIntakeOutcomes$", "-test.count=1")
	cmd.Env = append(os.Environ(), "TZ=UTC")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("TestIntakeOutcomes with TZ=UTC: %v\n%s", err, out)
	}
}

// TestIntakeRefusalsOfBadForms: a refusal needs a reason on the list, and
// 其他 needs words; asking for materials needs one missing and advice on
// the list. Nothing is stored or printed for a bad form.
func TestIntakeRefusalsOfBadForms(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	f := c.form("jmsfzhl", 0, 1)
	for _, tc := range []struct {
		name string
		do   func() (desk.Outcome, error)
	}{
		{"refuse without a reason", func() (desk.Outcome, error) { return c.d.Refuse(c.ctx, f, "", "") }},
		{"refuse for a reason not on the list", func() (desk.Outcome, error) { return c.d.Refuse(c.ctx, f, "bad mood", "") }},
		{"refuse for 其他 without words", func() (desk.Outcome, error) { return c.d.Refuse(c.ctx, f, "other", "") }},
		{"ask for materials when none is missing", func() (desk.Outcome, error) { return c.d.RequestMissing(c.ctx, f, "bring") }},
		{"ask for materials with advice not on the list", func() (desk.Outcome, error) {
			return c.d.RequestMissing(c.ctx, desk.IntakeForm{Item: f.Item, Applicant: f.Applicant}, "later")
		}},
		{"accept without an item", func() (desk.Outcome, error) {
			return c.d.Accept(c.ctx, desk.IntakeForm{Applicant: f.Applicant, Received: f.Received})
		}},
	} {
		if out, err := tc.do(); !errors.Is(err, app.ErrInvalidInput) || out.Case.Number != "" {
			t.Errorf("%s: want ErrInvalidInput and no case, got %q %v", tc.name, out.Case.Number, err)
		}
	}
	if v := c.d.View(); v.CaseNumber != "" {
		t.Errorf("after bad forms only: want no case in the view, got %s", v.CaseNumber)
	}
	if n := len(c.PrinterSim.Pages()); n != 0 {
		t.Errorf("after bad forms only: want nothing printed, got %d pages", n)
	}
}

// TestPrinterOutOfPaperKeepsTheCase: the case is stored before the notice
// prints, so a printer out of paper loses nothing; the failure and the
// reprint are both in the timeline, whose chain still verifies.
func TestPrinterOutOfPaperKeepsTheCase(t *testing.T) {
	t.Parallel()
	c := loggedIn(t)
	f := c.form("jmsfzhl", 0, 1)
	c.PrinterSim.SetPaperOut(true)
	out := c.accept(f)
	if !errors.Is(out.PrintErr, app.ErrPrintFailed) {
		t.Fatalf("accept with the paper out: want ErrPrintFailed, got %v", out.PrintErr)
	}
	number := out.Case.Number
	if got, err := c.Store.Case(c.ctx, number); err != nil || got.State != app.Accepted {
		t.Fatalf("with the printer out of paper the case must still be accepted, got %+v %v", got, err)
	}
	if v := c.d.View(); v.Printer.OK || v.Printer.Err == "" {
		t.Fatalf("the view must show the printer failed, with why; got %+v", v.Printer)
	}
	c.PrinterSim.SetPaperOut(false)
	re, err := c.d.Reprint(c.ctx, number)
	if err != nil || re.PrintErr != nil {
		t.Fatalf("reprint with paper: want it printed, got %v, print %v", err, re.PrintErr)
	}
	if page := c.page(len(c.PrinterSim.Pages())); !strings.Contains(page, number) || !strings.Contains(page, "受理通知书") {
		t.Fatalf("the reprinted notice: want 受理通知书 for %s, got:\n%s", number, page)
	}
	if v := c.d.View(); !v.Printer.OK {
		t.Fatalf("after a good print the view must show the printer ready, got %+v", v.Printer)
	}
	if got, want := c.events(number), []string{"submitted", "accepted", "notice_print_failed", "notice_reprinted"}; !slices.Equal(got, want) {
		t.Fatalf("timeline: want %v, got %v", want, got)
	}
	if err := c.Store.Verify(c.ctx, number); err != nil {
		t.Fatalf("the timeline's chain after a failed print and a reprint: want it whole, got %v", err)
	}
}

// TestIntakeWarnsPastTheCalendar: a case accepted so late in the year that
// its promised date falls in a year the holiday calendar does not cover
// (only 2026 is installed) tells the clerk so, with the calendar's end; one
// whose date the calendar covers does not.
func TestIntakeWarnsPastTheCalendar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		at   time.Time
		past bool
	}{
		{"within the calendar", hallrig.Start, false},
		{"past its end", time.Date(2026, 12, 28, 9, 30, 0, 0, app.HallZone), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := loggedIn(t)
			c.Clock.Set(tc.at)
			out := c.accept(c.form("jmsfzhl", 0, 1))
			if out.PastCalendar != tc.past {
				t.Fatalf("accepted %s, due %s: PastCalendar %v, want %v", tc.at.Format(time.DateOnly), out.Case.Due, out.PastCalendar, tc.past)
			}
			if tc.past && (out.CalendarEnds != "2026-12-31" || out.Case.Due <= out.CalendarEnds) {
				t.Errorf("due %s, calendar ends %q; want a due date after the calendar's end 2026-12-31", out.Case.Due, out.CalendarEnds)
			}
		})
	}
}
