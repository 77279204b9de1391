package kiosk

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

// doctorReport is a report as `onewindow doctor` makes it on a kiosk whose
// printer was unplugged and whose outbox is backing up.
func doctorReport() health.Report {
	r := health.Report{Terminal: "K01 in hall 330106", At: testNow}
	r.Add(
		health.Check{Name: "configuration", Verdict: health.OK, Detail: "/etc/onewindow/onewindow.toml: a kiosk K01 in hall 330106"},
		health.Check{Name: "database integrity", Verdict: health.OK, Detail: "integrity_check ok"},
		health.Check{Name: "ticket printer", Verdict: health.Fail, Detail: "/dev/ttyUSB1 vanished (unplugged or powered off)",
			Next: "plug the device in again and switch it on; it is taken up again within seconds"},
		health.Check{Name: "outbox", Verdict: health.Warn, Detail: "412 operations wait, the oldest 3 h old",
			Next: "check central platform above"},
		health.Check{Name: "clock", Verdict: health.Skip, Detail: "not checked: central cannot be reached"},
	)
	return r
}

// openStatus opens the technician page with the PIN.
func openStatus(t *testing.T, r *rig) {
	t.Helper()
	for i := 0; i < 5; i++ {
		test.Tap(r.k.hidden)
	}
	r.keys(r.k.pinPad, "246810")
	r.tap(t, "进入")
	if r.k.Page() != "status" {
		t.Fatalf("the right PIN shows %q", r.k.Page())
	}
}

func techPIN(t *testing.T) app.TechnicianPIN {
	t.Helper()
	pin, err := app.NewTechnicianPIN("246810")
	if err != nil {
		t.Fatal(err)
	}
	return pin
}

// TestTechnicianPageShowsTheDoctorsReport: the status page shows what
// `onewindow doctor` prints, each check with its verdict, what was found
// and, for one not well, the next step; Refresh asks again.
func TestTechnicianPageShowsTheDoctorsReport(t *testing.T) {
	calls := 0
	report := doctorReport()
	r := newRig(t, func(c *Config) {
		c.PIN = techPIN(t)
		c.Health = func(ctx context.Context) health.Report {
			calls++
			if _, ok := ctx.Deadline(); !ok {
				t.Error("the report must run with a deadline")
			}
			return report
		}
	})
	openStatus(t, r)
	if calls != 1 {
		t.Fatalf("the report was made %d times on opening the page", calls)
	}
	r.mustShow(t,
		"onewindow doctor — K01 in hall 330106 — 2026-",
		"失败 1 项，警告 1 项，正常 2 项，跳过 1 项",
		// The checks' names and verdicts in Chinese; what they found as
		// the check wrote it.
		"失败", "号票打印机", "/dev/ttyUSB1 vanished (unplugged or powered off)",
		"下一步：plug the device in again and switch it on",
		"警告", "待上传队列", "下一步：check central platform above",
		"正常", "数据库完整性", "跳过", "not checked: central cannot be reached",
		"此刻各设备自报状态", "打印机: ready")
	// A check that is well has no next step to show.
	for _, s := range r.texts() {
		if strings.Contains(s, "下一步") && strings.Contains(s, "integrity") {
			t.Errorf("an ok check shows a next step: %q", s)
		}
	}
	walk(r.w.Content(), nil, func(o fyne.CanvasObject, _ []fyne.CanvasObject) bool {
		if b, ok := o.(*touch.Button); ok {
			if s := b.Size(); s.Width < theme.MinTarget || s.Height < theme.MinTarget {
				t.Errorf("status page: button %q is %v, smaller than %v", b.Text, s, theme.MinTarget)
			}
		}
		return false
	})

	// The technician fixes the printer and refreshes.
	report.Checks[2] = health.Check{Name: "ticket printer", Verdict: health.OK, Detail: "/dev/ttyUSB1 open and in use"}
	r.tap(t, "刷新")
	if calls != 2 {
		t.Fatalf("refresh should make the report again; made %d times", calls)
	}
	r.mustShow(t, "失败 0 项，警告 1 项，正常 3 项", "/dev/ttyUSB1 open and in use")
	if r.shows("vanished") {
		t.Error("the old failure is still shown after refresh")
	}
}

func TestTechnicianPageReportGolden(t *testing.T) {
	r := newRig(t, func(c *Config) {
		c.PIN = techPIN(t)
		c.Health = func(context.Context) health.Report { return doctorReport() }
	})
	openStatus(t, r)
	test.AssertImageMatches(t, "tech-report-zh.png", r.w.Canvas().Capture())
}

func TestTechnicianPageReportGoldenEnglish(t *testing.T) {
	r := newRig(t, func(c *Config) {
		c.PIN = techPIN(t)
		c.Health = func(context.Context) health.Report { return doctorReport() }
	})
	r.tap(t, "English")
	for i := 0; i < 5; i++ {
		test.Tap(r.k.hidden)
	}
	r.keys(r.k.pinPad, "246810")
	r.tap(t, "Open")
	r.mustShow(t, "FAIL 1 · warn 1 · ok 2 · skip 1", "Next step: plug the device in again", "What the devices say right now")
	test.AssertImageMatches(t, "tech-report-en.png", r.w.Canvas().Capture())
}
