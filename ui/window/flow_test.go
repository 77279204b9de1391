package window

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/internal/hallrig"
	"onewindow/ui/theme"
)

func TestLoginLockOutAndIdleLock(t *testing.T) {
	b := newBench(t)
	if !b.is(func() bool { return b.term.root.Objects[0] == b.term.login.content }) {
		t.Fatal("before a login the window must show the login form, not the work")
	}
	for i := 1; i <= 4; i++ {
		b.login(hallrig.Clerk, "wrong")
		if want := "再错"; !strings.Contains(b.term.Message(), want) {
			t.Fatalf("wrong password %d: want a message with %q, got %q", i, want, b.term.Message())
		}
	}
	b.login(hallrig.Clerk, "wrong")
	if !strings.Contains(b.term.Message(), "已锁定") {
		t.Fatalf("5th wrong password: want the account locked, got %q", b.term.Message())
	}
	b.Clock.Advance(15 * time.Minute)
	b.mustLogin()
	if !b.is(func() bool { return b.term.root.Objects[0] == b.term.work }) {
		t.Fatal("after the login the window must show the work")
	}

	// Idle: the screen locks, the clerk stays named, the password unlocks.
	b.Clock.Advance(app.DefaultLoginPolicy.IdleLock)
	b.term.onUI(func() {
		b.term.desk.CheckIdle()
		b.term.refresh()
	})
	if id := b.get(func() string { return b.term.login.id.Text }); !b.is(func() bool { return b.term.root.Objects[0] == b.term.login.content }) || id != hallrig.Clerk {
		t.Fatalf("locked: want the lock screen with %s filled in, got id %q", hallrig.Clerk, id)
	}
	b.focus(b.term.login.password)
	b.typeText(hallrig.Password)
	b.key(fyne.KeyReturn)
	if v := b.term.desk.View(); v.Locked || v.Staff == nil {
		t.Fatalf("unlock: %q", b.term.Message())
	}
}

func TestCallRecallSkipByKeysAndKeypad(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.issue("H")
	b.issue("A")
	b.key(fyne.KeyF1)
	if got := b.get(func() string { return b.term.queue.number.Text }); got != "H001" {
		t.Fatalf("current ticket on screen: want H001, got %q", got)
	}
	b.key(fyne.KeyF2) // recall
	if v := b.term.desk.View(); v.Current == nil || v.Current.Recalls != 1 {
		t.Fatalf("after F2: want H001 recalled once, got %+v", v.Current)
	}
	b.key(fyne.KeyF3) // skip
	if v := b.term.desk.View(); v.Current != nil {
		t.Fatalf("after F3: want no current ticket, got %s", v.Current.Code)
	}

	// The caller keypad (address 11) calls the next one.
	if err := b.BusSim.Press(11, byte(app.KeyCallNext)); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the screen to show A001", func() bool {
		return b.get(func() string { return b.term.queue.number.Text }) == "A001"
	})

	// Nobody left: the hub says so, and the message bar says it in words.
	b.key(fyne.KeyF4) // start serving A001
	b.key(fyne.KeyF1)
	if !strings.Contains(b.term.Message(), "没有等候") {
		t.Fatalf("calling with nobody waiting: want 没有等候, got %q", b.term.Message())
	}
	// The keypad's refusal is said on the panel, in the screen's language.
	if err := b.BusSim.Press(11, byte(app.KeyCallNext)); err != nil {
		t.Fatal(err)
	}
	keypad := func() string { return b.get(func() string { return b.term.queue.keypad.Text }) }
	b.waitFor("the keypad's refusal on the panel", func() bool { return strings.HasPrefix(keypad(), "呼叫器“叫号”未执行：") })
	if !strings.Contains(keypad(), "没有等候") {
		t.Errorf("keypad refusal %q does not say why", keypad())
	}
	if err := b.term.SetLanguage(theme.English); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the refusal in English", func() bool { return strings.HasPrefix(keypad(), `Caller keypad "Call next" not done: `) })
}

func TestPauseTransferByChooser(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.issue("H")
	b.key(fyne.KeyF1)
	b.key(fyne.KeyF6) // transfer: the chooser opens
	if !b.is(b.term.chooser.Open) {
		t.Fatal("F6 did not open the transfer chooser")
	}
	b.key(fyne.KeyName("B")) // category B, 社保医保
	if b.is(b.term.chooser.Open) {
		t.Fatal("the chooser stayed open after a pick")
	}
	st, err := b.Hub.Window(b.ctx, 3) // window 3 serves B
	if err != nil || st.Waiting != 1 {
		t.Fatalf("after the transfer to B, window 3 should have one waiting, got %+v %v", st, err)
	}
	b.key(fyne.KeyF7)
	b.key(fyne.Key1) // 暂停休息
	if v := b.term.desk.View(); !v.Paused || v.PauseReason != "break" {
		t.Fatalf("after F7 1: want paused for a break, got %+v (%q)", v.Paused, b.term.Message())
	}
	b.key(fyne.KeyF8)
	if v := b.term.desk.View(); v.Paused {
		t.Fatalf("after F8 the window should serve again (%q)", b.term.Message())
	}
}

// takeIn fills the intake form: item by pinyin initials, the applicant from
// the ID card on the reader, and the materials ticked by Ctrl+digit.
func (b *bench) takeIn(initials string, ticks ...int) {
	b.t.Helper()
	b.key(fyne.KeyF9)
	b.typeText(initials)
	b.key(fyne.KeyReturn)
	if b.is(func() bool { return b.term.intake.list.item == nil }) {
		b.t.Fatalf("no item chosen for %q", initials)
	}
	if err := b.ReaderSim.Place(0); err != nil {
		b.t.Fatal(err)
	}
	b.ctrl(fyne.KeyR)
	if b.is(func() bool { return b.term.intake.fromCard == nil }) {
		b.t.Fatalf("the card was not read: %q", b.term.Message())
	}
	if got := b.get(func() string { return b.term.intake.applicant.Text }); strings.Contains(got, "张伟") || !strings.Contains(got, "张*") {
		b.t.Fatalf("the applicant must show masked as 张*, got %q", got)
	}
	for _, i := range ticks {
		b.ctrl(digitKeys[i])
	}
}

func TestIntakeAccept(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.issue("A")
	b.key(fyne.KeyF1)
	b.takeIn("jmsfzhl", 0, 1) // 居民身份证换领: materials 1 and 2 required, 3 optional
	b.ctrl(fyne.KeyS)
	v := b.term.desk.View()
	if v.CaseNumber == "" {
		t.Fatalf("accept: no case number (%q)", b.term.Message())
	}
	if c, err := b.Store.Case(b.ctx, v.CaseNumber); err != nil || c.State != app.Accepted {
		t.Fatalf("Ctrl+S: want the case accepted, got %s %v", c.State, err)
	}
	if got := b.get(func() string { return b.term.intake.out.result.Text }); !strings.Contains(got, v.CaseNumber) {
		t.Fatalf("the result panel should show the case number %s, shows %q", v.CaseNumber, got)
	}
}

func TestIntakeRequestMissingFromTheTicks(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.takeIn("hkqysn", 0) // 户口迁移（市内）: materials 1–3 required; only 1 brought
	b.ctrl(fyne.KeyB)
	v := b.term.desk.View()
	c, err := b.Store.Case(b.ctx, v.CaseNumber)
	if err != nil {
		t.Fatalf("%v (%q)", err, b.term.Message())
	}
	if c.State != app.SupplementRequested || !slices.Equal(c.Missing, []int{1, 2}) {
		t.Fatalf("want a case waiting for materials 2 and 3, got %s missing %v", c.State, c.Missing)
	}
}

func TestIntakeRefuseNeedsAListedReason(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyJ)
	if !strings.Contains(b.term.Message(), "请先选择理由") || b.term.desk.View().CaseNumber != "" {
		t.Fatalf("refusing without a reason must be stopped, got %q", b.term.Message())
	}
	b.term.onUI(func() { b.term.intake.out.reason.SetSelectedIndex(2) }) // 申请人不具备申请资格
	b.focus(b.term.intake.out.reasonText)
	b.typeText("missing guardian consent")
	b.ctrl(fyne.KeyJ)
	v := b.term.desk.View()
	c, err := b.Store.Case(b.ctx, v.CaseNumber)
	if err != nil {
		t.Fatalf("%v (%q)", err, b.term.Message())
	}
	if c.State != app.Refused || c.Reason != "申请人不具备申请资格：missing guardian consent" {
		t.Fatalf("want refused with the listed reason and the words, got %s %q", c.State, c.Reason)
	}
}

func TestPrinterRunsOutOfPaperAfterAccept(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.takeIn("jmsfzhl", 0, 1)
	b.PrinterSim.SetPaperOut(true)
	b.ctrl(fyne.KeyS)
	number := b.term.desk.View().CaseNumber
	if number == "" {
		t.Fatalf("with the printer out of paper the screen must still show the case taken in (%q)", b.term.Message())
	}
	if res := b.get(func() string { return b.term.intake.out.result.Text }); !strings.Contains(b.term.Message(), "Ctrl+P") || !strings.Contains(res, "未能打印") {
		t.Fatalf("the clerk must be told the notice did not print and how to reprint; message %q, result %q",
			b.term.Message(), res)
	}
	b.PrinterSim.SetPaperOut(false)
	b.ctrl(fyne.KeyP)
	if page := b.page(len(b.PrinterSim.Pages())); !strings.Contains(page, number) {
		t.Fatalf("Ctrl+P: want the notice of %s reprinted, got:\n%s", number, page)
	}
}

// acceptedCase takes in and accepts a case of 居民身份证换领 (jmsfzhl) from
// the card, and returns its number.
func (b *bench) acceptedCase() string {
	b.t.Helper()
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	return b.term.desk.View().CaseNumber
}

// openCase opens a case by its number from the case search (F10, Enter).
func (b *bench) openCase(number string) {
	b.key(fyne.KeyF10)
	b.typeText(number)
	b.key(fyne.KeyReturn)
}

func TestHandOutThenClose(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	number := b.acceptedCase()
	b.openCase(number)
	cv := b.term.cases
	var open *desk.Detail
	b.term.onUI(func() { open = cv.open })
	if open == nil || open.Case.Number != number {
		t.Fatalf("Enter in the case search should open %s", number)
	}
	if depts := b.get(func() string { return cv.depts.Text }); depts != "区公安分局：未审批" {
		t.Fatalf("before central decides, want 公安 shown not decided, got %q", depts)
	}
	// Not decided yet: the refusal names who is still to decide.
	b.ctrl(fyne.KeyH)
	if msg := b.term.Message(); msg != "出证：等待 区公安分局 审批" {
		t.Fatalf("Ctrl+H before the decision: %q; want the department still to decide named", msg)
	}
	if c, _ := b.Store.Case(b.ctx, number); c.State != app.Accepted {
		t.Fatalf("a refused hand-out moved the case to %s", c.State)
	}
	if _, err := b.Store.ApplyCentralDecision(b.ctx, app.CentralDecision{Case: number, State: app.Approved, Department: "gongan", Approve: true, Note: "准予换领"}); err != nil {
		t.Fatal(err)
	}
	b.ctrl(fyne.KeyH)
	if c, _ := b.Store.Case(b.ctx, number); c.State != app.ResultIssued {
		t.Fatalf("after Ctrl+H: want result_issued, got %s (%q)", c.State, b.term.Message())
	}
	b.ctrl(fyne.KeyL)
	if c, _ := b.Store.Case(b.ctx, number); c.State != app.Closed {
		t.Fatalf("after Ctrl+L: want closed, got %s (%q)", c.State, b.term.Message())
	}
	if depts := b.get(func() string { return cv.depts.Text }); depts != "区公安分局：同意（准予换领）" {
		t.Errorf("after the decision, want 公安 shown approving with its words, got %q", depts)
	}
	if tl := b.get(func() string { return cv.timeline.Text }); !strings.Contains(tl, "区公安分局  同意：准予换领") || !strings.Contains(tl, "出证") || !strings.Contains(tl, "归档") {
		t.Fatalf("the timeline on screen should show 公安's opinion by its name, 出证 and 归档:\n%s", tl)
	}
}

func TestBrokenChainIsShownLoudly(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	number := b.acceptedCase()
	if _, err := b.Store.DB().Exec(`UPDATE cases SET event_count = 2 WHERE number = ?`, number); err != nil {
		t.Fatal(err)
	}
	b.openCase(number)
	if !b.is(func() bool { return b.term.cases.open != nil && b.term.cases.open.ChainErr != nil }) {
		t.Fatal("a case whose chain fails must still open, with the failure")
	}
	if !strings.Contains(b.term.Message(), "校验失败") || !b.is(func() bool { return len(b.term.cases.chain.Objects) > 0 }) {
		t.Fatalf("the broken chain must be announced; message %q", b.term.Message())
	}
}

func TestRatingAfterFinishOpensFollowUp(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.issue("H")
	b.key(fyne.KeyF1)
	b.key(fyne.KeyF4)
	b.key(fyne.KeyF5) // finish: the rating pad lights up
	if got := b.BusSim.Prompt(21); !strings.Contains(got, "请评价") {
		t.Fatalf("rating pad 21 after F5: want a prompt, got %q", got)
	}
	if err := b.BusSim.Rate(21, app.Dissatisfied); err != nil {
		t.Fatal(err)
	}
	b.waitFor("the rating to be stored", func() bool { return b.term.desk.View().LastRate != nil })
	b.key(fyne.KeyF11)
	b.term.onUI(b.term.followUps.reload)
	if !b.is(func() bool { return len(b.term.followUps.rows) == 1 }) {
		t.Fatal("the follow-up view should list the one follow-up")
	}
	b.term.onUI(func() { b.term.followUps.action.SetSelectedIndex(0) })
	b.ctrl(fyne.KeyE)
	if fus, _ := b.Store.OpenFollowUps(b.ctx); len(fus) != 0 {
		t.Fatalf("after Ctrl+E the follow-up should be resolved (%q)", b.term.Message())
	}
}

func TestHubDownIsSaidAndIntakeGoesOn(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.issue("H")
	b.HubServer.Close()
	b.key(fyne.KeyF1)
	if !strings.Contains(b.term.Message(), "无法连接") {
		t.Fatalf("calling with the hub down: want 无法连接, got %q", b.term.Message())
	}
	if hl := b.get(func() string { return b.term.hubLabel.Text }); !strings.Contains(hl, "离线") {
		t.Fatalf("the corner must show the hub offline, shows %q", hl)
	}
	b.takeIn("jmsfzhl", 0, 1)
	b.ctrl(fyne.KeyS)
	if number := b.term.desk.View().CaseNumber; number == "" || !strings.Contains(b.get(func() string { return b.term.intake.out.result.Text }), number) {
		t.Fatalf("with the hub down the screen must still take the case in and show it (%q)", b.term.Message())
	}
}

func TestKeysReachTheWindowWhileTyping(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	b.issue("H")
	b.key(fyne.KeyF9)
	if !b.is(func() bool { return b.term.win.Canvas().Focused() == b.term.intake.search }) {
		t.Fatal("F9 should put the cursor in the item search")
	}
	b.key(fyne.KeyF1) // typed while the search field has the focus
	if got := b.BusSim.Shown(1); got != "H001 请到1号窗口" {
		t.Fatalf("F1 in a text field must still call: display shows %q", got)
	}
	for _, bt := range b.term.queue.buttons {
		if !strings.Contains(bt.Text, "[F") {
			t.Errorf("button %q does not show its key", bt.Text)
		}
	}
}
