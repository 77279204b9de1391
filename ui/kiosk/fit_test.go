package kiosk

// No kiosk page grows past the kiosk's screen, in either language or
// mode: what is long wraps or scrolls (issue 15 item 5).

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/ui/theme"
)

// kioskScreen is the kiosk's configured size: a 1280×1024 touch screen.
var kioskScreen = fyne.NewSize(1280, 1024)

// windowMinSize is the least the window must be to show its content: the
// content's minimum and the window's padding.
func windowMinSize(w fyne.Window) fyne.Size {
	min := w.Content().MinSize()
	if w.Padded() {
		min = min.Add(fyne.NewSquareSize(2 * fyne.CurrentApp().Settings().Theme().Size("padding")))
	}
	return min
}

// eachPage shows every page of the kiosk in turn, every department and
// every item of the guide among them, a case with every department's
// opinion and every step, and calls fn on each.
func eachPage(t *testing.T, r *rig, fn func(where string)) {
	t.Helper()
	k := r.k
	c := card(t, 1)
	visit := func(where string, show func()) {
		t.Helper()
		show()
		fn(where)
	}
	visit("home", k.Home)
	visit("number", k.showNumber)
	r.reader.card = &c
	visit("number with card", func() {
		st := &numberState{n: k.svc.TakeNumber()}
		st.n.Card(c)
		k.drawNumber(st)
	})
	for _, cat := range k.svc.Categories() {
		visit("ticket "+cat.Prefix, func() {
			status := widget.NewLabel(k.problemText(app.ProblemPaperOut) + " " + k.tr("ticket.photograph"))
			status.Wrapping = fyne.TextWrapWord
			k.drawTicket(selfservice.Issued{Ticket: app.Ticket{Code: cat.Prefix + "001", Category: cat.Prefix,
				Priority: app.Elderly, Ahead: 12, Wait: 95 * time.Minute}, Category: cat, QR: "onewindow:ticket:x"}, status)
		})
	}
	visit("guide", k.showGuide)
	visit("search", func() { k.showSearch(); r.keys(k.searchPad, "S") })
	for _, d := range k.svc.Departments() {
		visit("department "+d.Code, func() { k.showDepartment(d) })
		for _, it := range k.svc.ItemsOf(d.Code) {
			visit("item "+it.Code, func() { k.showItem(it, nil) })
		}
	}
	visit("progress", k.showProgress)
	long, _ := k.svc.Item("CRJ-002") // among the longest names in English
	view := selfservice.CaseView{Number: "330106W01-20261124-000007", Item: long.Name, Applicant: "王*",
		IDNumber: "3301**********0031", State: app.Denied, Due: "2026-12-18"}
	detail := selfservice.Detail{CaseView: view, Light: app.Yellow, Ready: true, PickUp: []int{1, 3, 4}}
	for _, d := range k.svc.Departments() {
		detail.Departments = append(detail.Departments, selfservice.Opinion{Department: d.Name, Given: true,
			Reason: "缺少医保缴费证明，请补齐后到任一综合窗口重新提交申请材料"})
	}
	for _, st := range app.CaseStates {
		detail.Steps = append(detail.Steps, selfservice.Step{At: testNow, State: st, By: selfservice.ByCentral})
	}
	visit("case", func() { k.showCase(detail, k.showProgress) })
	visit("cases", func() { k.showCases([]selfservice.CaseView{view, view, view}) })
	visit("receipt", func() {
		k.showReceipt(selfservice.Receipt{Case: view, QR: "onewindow:case:x", Paper: selfservice.Paper{Document: &app.DocumentPrint{}}})
	})
	visit("apply", k.showApply)
	for _, it := range k.svc.SelfServiceItems() {
		visit("apply card "+it.Code, func() { k.applyCard(k.svc.Apply(it), k.tr("number.card.reading"), false) })
		visit("apply form "+it.Code, func() {
			a := k.svc.Apply(it)
			a.Card(c)
			k.applyForm(a, k.problemText(selfservice.ProblemMaterials))
		})
	}
	visit("rate", func() { k.drawRate(k.problemText(selfservice.ProblemTicketNumber), true) })
	rating, _ := selfservice.RateTyped("A012")
	visit("rate levels", func() { k.showLevels(&rating) })
	visit("rate reasons", func() { k.showReasons(&rating, k.problemText(selfservice.ProblemNeedReason)) })
	visit("pin", k.showPIN)
}

// TestNoPageGrowsPastTheScreen walks every page in both languages and
// both modes: the window's minimum size stays within 1280×1024.
func TestNoPageGrowsPastTheScreen(t *testing.T) {
	eachLook(t, func(r *rig, lang theme.Language, elderly bool) {
		pages := 0
		eachPage(t, r, func(where string) {
			pages++
			if min := windowMinSize(r.w); min.Width > kioskScreen.Width || min.Height > kioskScreen.Height {
				t.Errorf("%s, elderly %v, %s: the window needs %v, more than the kiosk's %v",
					lang, elderly, where, min, kioskScreen)
			}
		})
		if pages < 20 {
			t.Fatalf("walked only %d pages", pages)
		}
	})
}

// eachLook calls fn with a kiosk in each language and each mode.
func eachLook(t *testing.T, fn func(r *rig, lang theme.Language, elderly bool)) {
	t.Helper()
	for _, lang := range []theme.Language{theme.Chinese, theme.English} {
		for _, elderly := range []bool{false, true} {
			r := newRig(t)
			r.k.setWords(lang)
			r.k.setElderly(elderly)
			fn(r, lang, elderly)
		}
	}
}

// TestEnglishGoldenScreens holds the pages with English's longest words
// at the kiosk's 1280×1024, in normal and in elderly mode: the service
// guide's departments, a department's items, and an item's guide under
// its long name, each wrapped to the screen.
func TestEnglishGoldenScreens(t *testing.T) {
	for _, elderly := range []bool{false, true} {
		r := newRig(t)
		r.tap(t, "English")
		name := "en"
		if elderly {
			r.tap(t, "Large text for seniors")
			name = "en-elderly"
		}
		r.tap(t, "Service guide")
		test.AssertImageMatches(t, "guide-"+name+".png", r.w.Canvas().Capture())
		d, _ := r.k.svc.Department("churujing")
		r.k.showDepartment(d)
		test.AssertImageMatches(t, "department-"+name+".png", r.w.Canvas().Capture())
		it, _ := r.k.svc.Item("CRJ-002")
		r.k.showItem(it, nil)
		test.AssertImageMatches(t, "item-"+name+".png", r.w.Canvas().Capture())
		if min := windowMinSize(r.w); min.Width > kioskScreen.Width || min.Height > kioskScreen.Height {
			t.Errorf("%s: the window needs %v", name, min)
		}
	}
}
