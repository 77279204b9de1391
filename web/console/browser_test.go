package console_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"onewindow/app"
	"onewindow/app/console"
	"onewindow/internal/browsertest"
	"onewindow/sync/scene"
)

// ShotsEnv names a folder: TestEveryRoleInABrowser then saves each page it
// sees there as console-*.png (docs/screenshots).
const ShotsEnv = "ONEWINDOW_CONSOLE_SHOTS"

// aMorning gives the hall a working morning two days after its first
// cases: more cases (one already late), 16 tickets called, served and
// finished at windows 1 and 2, and their ratings, one of them bad. It
// leaves the clock at 11:40 that day.
func (h *hall) aMorning(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for i, item := range []string{"GA-002", "GA-003", "GA-006", "RS-002"} {
		scene.TakeIn(t, h.st, item, 10+i)
	}
	h.clock.Set(time.Date(2026, 11, 25, 8, 45, 0, 0, app.HallZone))
	for w, clerk := range map[int]string{1: "S1001", 2: "S1002"} {
		if err := h.st.SetClerk(ctx, w, clerk); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 16 {
		cat := "A"
		if i%4 == 3 {
			cat = "H"
		}
		if _, err := h.st.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: cat}); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Duration(4+i%5) * time.Minute)
		w := 1 + i%2
		if _, err := h.st.CallNext(ctx, app.NewID(), w); err != nil {
			t.Fatal(err)
		}
		h.st.StartServing(ctx, app.NewID(), w)
		h.clock.Advance(time.Duration(3+i%7) * time.Minute)
		tk, err := h.st.Finish(ctx, app.NewID(), w)
		if err != nil {
			t.Fatal(err)
		}
		level := app.VerySatisfied
		switch i % 5 {
		case 1:
			level = app.Satisfied
		case 4:
			level = app.FairlySatisfied
		}
		if i == 7 {
			level = app.Dissatisfied
		}
		r := app.Rating{ID: app.NewID(), Level: level, Ticket: tk.Code, At: h.clock.Now()}
		if level.Bad() {
			r.Reasons = []string{"wait"}
		}
		if _, _, err := h.st.RateServed(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 { // still waiting at noon
		if _, err := h.st.Issue(ctx, app.IssueRequest{RequestID: app.NewID(), Category: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	h.clock.Set(time.Date(2026, 11, 25, 11, 40, 0, 0, app.HallZone))
	if _, err := h.link.Push(ctx); err != nil {
		t.Fatal(err)
	}
}

func chrome(t *testing.T, width, height int) context.Context {
	return browsertest.Chrome(t, width, height)
}

// shoot saves the page as console-NAME.png when ShotsEnv is set.
func shoot(name string) chromedp.Action { return browsertest.Shoot(ShotsEnv, "console", name) }

func loginAs(base, login string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(`input[name=login]`),
		chromedp.SendKeys(`input[name=login]`, login),
		chromedp.SendKeys(`input[name=password]`, password),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`nav`),
	}
}

// charts is how many charts ECharts drew on the page.
func charts(n *int) chromedp.Action {
	return chromedp.Evaluate(`document.querySelectorAll('.chart canvas').length`, n)
}

// TestEveryRoleInABrowser: each role logs in with Debian's chromium and
// does its main task, at an office's size and at a phone's.
func TestEveryRoleInABrowser(t *testing.T) {
	h := newHall(t, filepath.Join(t.TempDir(), "central.db"))
	h.aMorning(t)
	base := h.srv.URL
	office := chrome(t, 1280, 900)

	var text string
	var drawn int
	// The department's reviewer: the worklist, a case, the opinion.
	if err := chromedp.Run(office,
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`input[name=login]`), shoot("login"),
		loginAs(base, "gongan"),
		chromedp.WaitVisible(`table.list`), shoot("review"),
		chromedp.Text(`main`, &text),
	); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{h.single.Number, h.multi.Number, "红灯（超期）", app.MaskName(scene.Applicant(1).Name)} {
		if !strings.Contains(text, want) {
			t.Errorf("the worklist does not show %q:\n%s", want, text)
		}
	}
	if err := chromedp.Run(office,
		chromedp.Click(`a[href="/cases/`+h.multi.Number+`"]`), chromedp.WaitVisible(`form.decide`), shoot("case"),
		chromedp.SendKeys(`textarea[name=reason]`, "户籍信息核验一致"),
		chromedp.Click(`button[value=approve]`), chromedp.WaitVisible(`p.flash`),
		chromedp.Text(`main`, &text),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "意见已提交") || !strings.Contains(text, "户籍信息核验一致") {
		t.Errorf("after approving, the case page says:\n%s", text)
	}
	if got := opinions(t, h.c, h.multi.Number); !got["gongan"] || len(got) != 1 {
		t.Errorf("opinions after the browser's approval: %v", got)
	}

	// The hall's manager: the dashboard with its charts.
	manager := chrome(t, 1280, 900)
	if err := chromedp.Run(manager, loginAs(base, "xixi"),
		chromedp.WaitVisible(`.chart canvas`), chromedp.Sleep(300*time.Millisecond), shoot("hall"),
		chromedp.Text(`main`, &text), charts(&drawn),
	); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"西溪区政务服务中心", "取号 19", "办结 16", "满意率 93.8%", "待整改差评 1", "S1002", "终端状态", "330106K01"} {
		if !strings.Contains(text, want) {
			t.Errorf("the dashboard does not show %q:\n%s", want, text)
		}
	}
	if drawn != 2 {
		t.Errorf("the dashboard drew %d charts; want 2", drawn)
	}
	// Each clerk's tickets reached central with the clerk who served them.
	d, err := h.svc.HallDashboard(context.Background(), console.Actor{Account: h.account(t, "xixi")}, scene.Hall, "")
	if err != nil || len(d.Clerks) != 2 || d.Clerks[0].Served != 8 || d.Clerks[1].Served != 8 {
		t.Errorf("served per clerk at central: %+v, %v; want 8 each", d.Clerks, err)
	}
	if err := chromedp.Run(manager,
		chromedp.Navigate(base+"/halls/"+scene.Hall+"/staff"), chromedp.WaitVisible(`form[action$="/staff"]`), shoot("staff"),
		chromedp.Navigate(base+"/lang?to=en&back=/halls/"+scene.Hall), chromedp.WaitVisible(`.chart canvas`),
		chromedp.Sleep(300*time.Millisecond), shoot("hall-en"), chromedp.Text(`main`, &text),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Waiting now, by category") || !strings.Contains(text, "Satisfaction 93.8%") {
		t.Errorf("the dashboard in English:\n%s", text)
	}

	// The supervisor: every case by light, late first, and the trend.
	sup := chrome(t, 1280, 900)
	if err := chromedp.Run(sup, loginAs(base, "jiancha"),
		chromedp.WaitVisible(`.chart canvas`), chromedp.Sleep(300*time.Millisecond), shoot("supervise"),
		chromedp.Text(`main`, &text), charts(&drawn),
	); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "红灯（超期） 1") || !strings.Contains(text, "不满意") || drawn != 1 {
		t.Errorf("the supervisor's page (%d charts):\n%s", drawn, text)
	}
	if i, j := strings.Index(text, "红灯（超期）\n"), strings.LastIndex(text, "绿灯（正常）"); i < 0 || j < 0 {
		t.Errorf("no lights in the list:\n%s", text)
	}

	// The administrator: a new account.
	admin := chrome(t, 1280, 900)
	if err := chromedp.Run(admin, loginAs(base, "admin"),
		chromedp.WaitVisible(`form[action="/accounts"]`),
		chromedp.SendKeys(`form[action="/accounts"] input[name=login]`, "weijian"),
		chromedp.SendKeys(`form[action="/accounts"] input[name=name]`, "卫健审批"),
		chromedp.SetValue(`form[action="/accounts"] select[name=role]`, "reviewer"),
		chromedp.SetValue(`form[action="/accounts"] select[name=department]`, "weijian"),
		chromedp.SendKeys(`form[action="/accounts"] input[name=password]`, "first-pass-1"),
		chromedp.Click(`form[action="/accounts"] button[type=submit]`),
		chromedp.WaitVisible(`p.flash`), shoot("accounts"),
		chromedp.Text(`main`, &text),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(admin, chromedp.Navigate(base+"/publish"), chromedp.WaitVisible(`form[action="/publish/catalog"]`), shoot("publish")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "账号 weijian 已创建") {
		t.Errorf("after creating an account:\n%s", text)
	}
	if err := chromedp.Run(admin, chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(`table.list`), shoot("audit"),
		chromedp.Text(`main`, &text)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "opinion") || !strings.Contains(text, h.multi.Number) {
		t.Errorf("the audit log does not show 公安's opinion:\n%s", text)
	}
	// Its owner's first login asks for their own password.
	first := chrome(t, 1280, 900)
	if err := chromedp.Run(first, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`input[name=login]`),
		chromedp.SendKeys(`input[name=login]`, "weijian"), chromedp.SendKeys(`input[name=password]`, "first-pass-1"),
		chromedp.Click(`button[type=submit]`), chromedp.WaitVisible(`input[name=again]`), shoot("password"),
		chromedp.Text(`main`, &text)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "您的密码由管理员设置") {
		t.Errorf("a first login's page:\n%s", text)
	}

	// At a phone's size: the worklist and the dashboard fit its width.
	for _, p := range []struct{ login, path, name string }{{"yibao", "/review", "review-phone"}, {"xixi", "/halls/" + scene.Hall, "hall-phone"}} {
		phone := chrome(t, 390, 844)
		var width int
		if err := chromedp.Run(phone, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)),
			loginAs(base, p.login), chromedp.Navigate(base+p.path), chromedp.WaitVisible(`main`),
			chromedp.Sleep(300*time.Millisecond), shoot(p.name),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
		); err != nil {
			t.Fatal(err)
		}
		if width > 390 {
			t.Errorf("%s at a phone's width is %d px wide; want 390", p.path, width)
		}
	}
}
