package window

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/internal/hallrig"
)

// The window as one of a hall: the pre-review of the kiosks' applications
// (预审), a result handed out at a window that did not take the case in,
// and the manager's view of the whole hall, driven by the screen's keys
// against the rig's hub. The rules behind them are app/desk's tests.

// terminal is another terminal of the bench's hall (330106K03: a kiosk,
// 330106W02: window 2).
func (b *bench) terminal(code string) *hallrig.Terminal {
	b.t.Helper()
	k, err := b.Terminal(b.ctx, code)
	if err != nil {
		b.t.Fatal(err)
	}
	return k
}

// apply submits an application at the kiosk; held are the materials the
// citizen ticks as held.
func (b *bench) apply(k *hallrig.Terminal, item string, held ...int) app.Case {
	b.t.Helper()
	c, err := k.Apply(b.ctx, item, app.Applicant{Name: "王堃", IDNumber: "330106198807150031"}, held...)
	if err != nil {
		b.t.Fatalf("apply for %s at the kiosk: %v", item, err)
	}
	return c
}

func (b *bench) hubCase(number string) app.Case {
	b.t.Helper()
	c, err := b.HubStore.Case(b.ctx, number)
	if err != nil {
		b.t.Fatalf("case %s at the hub: %v", number, err)
	}
	return c
}

func (b *bench) reviewTitle() string { return b.get(func() string { return b.term.review.tab.Text }) }

func TestPreReviewAcceptsAKioskApplication(t *testing.T) {
	b := newHallBench(t)
	k := b.terminal("330106K03")
	a := b.apply(k, "GA-007", 0) // 居住证签注: the citizen says they hold the permit, not the ID card
	b.mustLogin()
	if got := b.reviewTitle(); got != "预审（1） [Ctrl+K]" {
		t.Errorf("after the login the tab counts the applications waiting: %q", got)
	}
	// An intake under way keeps its ticks: the keys act on the tab in view.
	b.takeIn("jmsfzhl")
	b.ctrl(fyne.KeyK)
	r := b.term.review
	if !b.is(func() bool { return r.open != nil && r.open.Number == a.Number }) {
		t.Fatalf("Ctrl+K should open the oldest application %s (%q)", a.Number, b.term.Message())
	}
	if h := b.get(func() string { return r.header.Text }); !strings.Contains(h, "王*") || strings.Contains(h, "王堃") || !strings.Contains(h, "自助机提交于 11-23 09:30") {
		t.Errorf("the application's header: %q; want the applicant masked and when the kiosk took it", h)
	}
	held := b.get(func() string { return r.materials.text[0].Text + "\n" + r.materials.text[1].Text })
	if first, second, _ := strings.Cut(held, "\n"); !strings.Contains(first, "群众称已备") || strings.Contains(second, "群众称已备") {
		t.Errorf("the checklist should mark what the citizen says they hold, the first only:\n%s", held)
	}
	if b.is(func() bool { return r.materials.ticks[0].Checked }) {
		t.Error("the citizen's word must not tick a material: the clerk checks it")
	}
	b.ctrl(fyne.Key1)
	b.ctrl(fyne.Key2)
	if !b.is(func() bool { return r.materials.ticks[0].Checked && r.materials.ticks[1].Checked }) {
		t.Fatal("Ctrl+1 and Ctrl+2 should tick the application's materials")
	}
	if b.is(func() bool { return b.term.intake.list.ticks[0].Checked }) {
		t.Error("Ctrl+1 in the pre-review ticked the intake's checklist")
	}
	b.ctrl(fyne.KeyS)
	c := b.hubCase(a.Number)
	if c.State != app.Accepted || c.Due == "" || !slices.Equal(c.Received, []int{0, 1}) {
		t.Fatalf("after Ctrl+S the hub's case is %s due %q received %v; want accepted with a due date and both materials (%q)",
			c.State, c.Due, c.Received, b.term.Message())
	}
	if page := b.page(1); !strings.Contains(page, "受理通知书") || !strings.Contains(page, a.Number) {
		t.Errorf("the notice printed:\n%s\nwant the 受理通知书 of %s", page, a.Number)
	}
	if msg := b.term.Message(); msg != "已受理："+a.Number+"，受理通知书已打印" {
		t.Errorf("the message after the accept: %q", msg)
	}
	if res := b.get(func() string { return r.out.result.Text }); !strings.Contains(res, a.Number) || !strings.Contains(res, "承诺办结日期："+string(c.Due)) {
		t.Errorf("the result should show the case and its due date: %q", res)
	}
	if got := b.get(func() string { return r.count.Text }); got != "暂无待预审的申请" || b.is(func() bool { return r.open != nil }) {
		t.Errorf("after the accept the list is %q and an application is still open", got)
	}
	if got := b.reviewTitle(); got != "预审（0） [Ctrl+K]" {
		t.Errorf("the tab after the accept: %q", got)
	}
	b.ctrl(fyne.KeyP)
	if page := b.page(2); !strings.Contains(page, "受理通知书") || !strings.Contains(page, a.Number) {
		t.Errorf("Ctrl+P should reprint the application's notice:\n%s", page)
	}
	b.key(fyne.KeyF9)
	if !b.is(func() bool { return b.term.intake.list.item != nil }) {
		t.Error("the intake under way was lost")
	}
}

func TestPreReviewAsksForMaterialsAndRefuses(t *testing.T) {
	b := newHallBench(t)
	k := b.terminal("330106K03")
	first := b.apply(k, "GA-007", 0, 1)
	b.Clock.Advance(time.Minute)
	second := b.apply(k, "RS-004", 0)
	b.apply(k, "GJJ-005", 0) // category C: another window's
	b.mustLogin()
	if got := b.reviewTitle(); got != "预审（2） [Ctrl+K]" {
		t.Errorf("the tab should count this window's two applications: %q", got)
	}
	b.ctrl(fyne.KeyK)
	r := b.term.review
	if got := b.get(func() string { return r.count.Text }); !strings.HasPrefix(got, "待预审 2 件") {
		t.Errorf("the list's count: %q", got)
	}
	// The citizen ticked both; the clerk finds only the permit.
	b.ctrl(fyne.Key1)
	b.ctrl(fyne.KeyB)
	if c := b.hubCase(first.Number); c.State != app.SupplementRequested || !slices.Equal(c.Missing, []int{1}) {
		t.Fatalf("after Ctrl+B: %s missing %v; want the ID card asked for (%q)", c.State, c.Missing, b.term.Message())
	}
	if page := b.page(1); !strings.Contains(page, "一次性告知书") || !strings.Contains(page, "申请人居民身份证") {
		t.Errorf("the 一次性告知书 should list the ID card:\n%s", page)
	}
	b.ctrl(fyne.KeyK) // the next one
	if !b.is(func() bool { return r.open != nil && r.open.Number == second.Number }) {
		t.Fatalf("Ctrl+K should open the next application %s", second.Number)
	}
	b.ctrl(fyne.KeyJ)
	if msg := b.term.Message(); !strings.Contains(msg, "请先选择理由") {
		t.Fatalf("a refusal without a reason must be stopped: %q", msg)
	}
	b.term.onUI(func() { r.out.reason.SetSelectedIndex(0) })
	b.ctrl(fyne.KeyJ)
	if c := b.hubCase(second.Number); c.State != app.Refused || !strings.HasPrefix(c.Reason, app.RefusalReasons[0].Text.Zh) {
		t.Fatalf("after Ctrl+J: %s %q; want refused for the listed reason (%q)", c.State, c.Reason, b.term.Message())
	}
	if page := b.page(2); !strings.Contains(page, "不予受理通知书") {
		t.Errorf("want the 不予受理通知书 printed:\n%s", page)
	}
}

// TestPreReviewOfAnApplicationTakenElsewhere: another window reviewed the
// application after this window's list was read; opening it says so.
func TestPreReviewOfAnApplicationTakenElsewhere(t *testing.T) {
	b := newHallBench(t)
	k := b.terminal("330106K03")
	b.apply(k, "GA-007", 0, 1)
	other := b.apply(k, "GA-008", 0)
	b.mustLogin()
	b.ctrl(fyne.KeyK)
	if _, err := b.Hub.Decide(b.ctx, other.Number, app.Decision{To: app.Accepted, Actor: "S1002", Received: []int{0}}); err != nil {
		t.Fatal(err)
	}
	b.term.onUI(func() { b.term.review.list.Select(1) })
	if msg := b.term.Message(); msg != "申请 "+other.Number+" 已由其他窗口预审（已受理）" {
		t.Errorf("opening an application reviewed elsewhere: %q", msg)
	}
	if n := b.get(func() string { return b.term.review.count.Text }); !strings.HasPrefix(n, "待预审 1 件") {
		t.Errorf("the list should be read again: %q", n)
	}
}

// TestHandOutAtAnotherWindow: a case window 2 took in is handed out here
// once its departments have decided; before, the refusal names who is
// still to decide, and each department's opinion shows.
func TestHandOutAtAnotherWindow(t *testing.T) {
	b := newHallBench(t)
	w2 := b.terminal("330106W02")
	c, err := w2.Store.TakeIn(b.ctx, app.Intake{ItemCode: "RS-008", Applicant: app.Applicant{Name: "王堃", IDNumber: "330106198807150031"},
		Received: []int{0, 1, 2}, Window: 2, Actor: "S1002", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Push(b.ctx); err != nil {
		t.Fatal(err)
	}
	decide := func(dept string, state app.CaseState, approve bool, note string) {
		t.Helper()
		if _, err := b.HubStore.ApplyCentralDecision(b.ctx, app.CentralDecision{Case: c.Number, State: state, Department: dept, Approve: approve, Note: note}); err != nil {
			t.Fatal(err)
		}
	}
	decide("renshe", app.InReview, true, "")
	b.mustLogin()
	b.key(fyne.KeyF10)
	b.typeText(c.Number) // not this window's: Enter opens it from the hall's records
	b.key(fyne.KeyReturn)
	cv := b.term.cases
	if !b.is(func() bool { return cv.open != nil && cv.open.Case.Number == c.Number }) {
		t.Fatalf("Enter should open window 2's case %s (%q)", c.Number, b.term.Message())
	}
	if h := b.get(func() string { return cv.header.Text }); !strings.Contains(h, "2号窗口 S1002") {
		t.Errorf("the header should say window 2 took it in: %q", h)
	}
	b.ctrl(fyne.KeyH)
	if msg := b.term.Message(); msg != "出证：等待 区医疗保障局、市住房公积金管理中心区管理部 审批" {
		t.Errorf("Ctrl+H before two departments decided: %q", msg)
	}
	if got := b.get(func() string { return cv.ready.Text }); got != "出证：等待 区医疗保障局、市住房公积金管理中心区管理部 审批" {
		t.Errorf("the detail should say why it cannot be handed out yet: %q", got)
	}
	decide("yibao", app.InReview, false, "缴费记录不全")
	b.ctrl(fyne.KeyH) // still one to decide; the detail is read again
	if msg := b.term.Message(); msg != "出证：等待 市住房公积金管理中心区管理部 审批" {
		t.Errorf("Ctrl+H with one department left: %q", msg)
	}
	want := "区人力资源和社会保障局：同意\n区医疗保障局：不同意，理由：缴费记录不全\n市住房公积金管理中心区管理部：未审批"
	if got := b.get(func() string { return cv.depts.Text }); got != want {
		t.Errorf("the departments' opinions:\n%s\nwant\n%s", got, want)
	}
	if tl := b.get(func() string { return cv.timeline.Text }); !strings.Contains(tl, "区医疗保障局  不同意：缴费记录不全") || !strings.Contains(tl, "区人力资源和社会保障局  同意") {
		t.Errorf("the timeline should name each opinion and its department:\n%s", tl)
	}
	decide("gjj", app.Denied, true, "")
	b.ctrl(fyne.KeyH)
	if got := b.hubCase(c.Number); got.State != app.ResultIssued {
		t.Fatalf("after the last decision Ctrl+H should hand the result out: %s (%q)", got.State, b.term.Message())
	}
	if err := b.HubStore.Verify(b.ctx, c.Number); err != nil {
		t.Errorf("the chain at the hub after the hand-out: %v", err)
	}
	if b.is(func() bool { return cv.ready.Visible() }) {
		t.Error("a case handed out still says what it waits for")
	}
}

// TestTheManagersHallView: the manager ticks the whole hall and sees every
// window's open cases with their lights, late first, and the hall's open
// follow-ups, this window's own not yet at the hub among them.
func TestTheManagersHallView(t *testing.T) {
	b := newHallBench(t)
	w2 := b.terminal("330106W02")
	late, err := w2.Store.TakeIn(b.ctx, app.Intake{ItemCode: "GA-008", Applicant: app.Applicant{Name: "王堃", IDNumber: "330106198807150031"},
		Received: []int{0}, Window: 2, Actor: "S1002", Outcome: app.Accepted})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := w2.Store.Rate(b.ctx, app.Rating{Level: app.Dissatisfied, Ticket: "B001", Window: 2, Clerk: "S1002"}); err != nil {
		t.Fatal(err)
	}
	if err := w2.Push(b.ctx); err != nil {
		t.Fatal(err)
	}
	b.Clock.Advance(20 * 24 * time.Hour)
	b.login("M2001", hallrig.Password)
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	mine := b.term.desk.View().CaseNumber
	b.key(fyne.KeyF10)
	b.ctrl(fyne.KeyW)
	cv := b.term.cases
	rows := b.get(func() string {
		var out []string
		for _, r := range cv.rows {
			out = append(out, r.Number+" "+string(r.Light))
		}
		return strings.Join(out, ", ")
	})
	if want := late.Number + " red, " + mine + " green"; rows != want {
		t.Errorf("the hall's cases: %s; want %s (late first, this window's own not yet pushed included)", rows, want)
	}
	if got := b.get(func() string { return cv.count.Text }); got != "全大厅在办 2 件，其中红灯 1、黄灯 0\n差评待整改 1 件，其中逾期 1 件 [F11]" {
		t.Errorf("the hall view's count: %q", got)
	}
	b.mustShow("hall view", "已受理 2号窗口 王* 户籍证明开具 3301", "已受理 1号窗口 张* 居民身份证换领")
	b.key(fyne.KeyF11)
	if n := b.get(func() string { return b.term.followUps.summary.Text }); !strings.HasPrefix(n, "待整改 1 件") {
		t.Errorf("the manager's follow-ups should be the hall's: %q", n)
	}
}

func TestPreReviewAndHallViewInEnglish(t *testing.T) {
	b := newHallBench(t)
	k := b.terminal("330106K03")
	b.apply(k, "GA-007", 0)
	b.english()
	b.login("M2001", hallrig.Password)
	b.ctrl(fyne.KeyK)
	b.mustShow("pre-review", "Pre-review (1) [Ctrl+K]", "1 waiting", "applicant 王*", "applied at a kiosk on 11-23 09:30",
		"(the citizen says they have it)", "Check the materials", "Accept  [Ctrl+S]")
	b.mustSpeakEnglish("pre-review")
	b.ctrl(fyne.Key1)
	b.ctrl(fyne.Key2)
	b.ctrl(fyne.KeyS)
	b.mustShow("pre-review accepted", "No applications wait for pre-review", "受理通知书 (acceptance notice) printed")
	b.mustSpeakEnglish("pre-review accepted")
	b.key(fyne.KeyF10)
	b.ctrl(fyne.KeyW)
	if got := b.get(func() string { return b.term.cases.count.Text }); got != "Whole hall: 1 open, 0 red, 1 yellow\n0 bad ratings to follow up, 0 late [F11]" {
		t.Errorf("the hall view's count in English: %q", got)
	}
	b.mustShow("hall view", "Accepted Kiosk 王* Annual endorsement of")
	b.mustSpeakEnglish("hall view")
	b.term.onUI(func() { b.term.cases.list.Select(0) })
	b.mustShow("a kiosk's case", "Kiosk 330106K03", "District Public Security Sub-bureau: not decided yet",
		"Hand out: Waiting for District Public Security Sub-bureau to decide")
	b.mustSpeakEnglish("a kiosk's case")
}

// TestPreReviewWithTheHubDown: the kiosks' applications are at the hub;
// with it gone the pre-review says so in the clerk's words, and the intake
// goes on.
func TestPreReviewWithTheHubDown(t *testing.T) {
	b := newHallBench(t)
	b.apply(b.terminal("330106K03"), "GA-007", 0)
	b.mustLogin()
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	number := b.term.desk.View().CaseNumber
	b.HubServer.Close()
	b.ctrl(fyne.KeyK)
	if msg := b.term.Message(); !strings.HasPrefix(msg, "预审列表：叫号服务器无法连接：预审、出证和归档要在叫号服务器上办理") {
		t.Errorf("the pre-review with the hub down: %q", msg)
	}
	if got := b.reviewTitle(); got != "预审（1） [Ctrl+K]" {
		t.Errorf("the tab keeps the last count: %q", got)
	}
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	if next := b.term.desk.View().CaseNumber; next == number || next == "" {
		t.Errorf("the intake must go on with the hub down (%q)", b.term.Message())
	}
}
