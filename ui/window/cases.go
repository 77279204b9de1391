package window

import (
	"context"
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/ui/theme"
)

// casesView lists the open cases with their lights and shows one in full.
type casesView struct {
	t       *Terminal
	content fyne.CanvasObject

	query  *entry
	hall   *check
	lights *check
	list   *rows
	rows   []app.CaseWithLight
	count  *widget.Label
	left   *fyne.Container // the search, the filters and the count above the list
	// followUps are the open follow-ups the hall view counts beside its
	// cases (a manager's are the hall's), and how many of them are late.
	followUps, lateFollowUps int

	detail   *fyne.Container
	chain    *fyne.Container
	header   *widget.Label
	depts    *widget.Label
	ready    *widget.Label // why the result cannot be handed out yet
	timeline *widget.Label
	open     *desk.Detail
	scroll   *container.Scroll
	handOut  *button
	close    *button
}

func lightColor(l app.Light) color.Color {
	switch l {
	case app.Red:
		return look.Color(theme.ColorNameLightRed)
	case app.Yellow:
		return look.Color(theme.ColorNameLightYellow)
	case app.Green:
		return look.Color(theme.ColorNameLightGreen)
	}
	return color.Gray{0xBB}
}

var lightNames = map[app.Light]string{app.Red: "win.light.red", app.Yellow: "win.light.yellow", app.Green: "win.light.green", app.NoLight: "win.light.none"}

func newCasesView(t *Terminal) *casesView {
	cv := &casesView{t: t}
	k := t.keys
	cv.query = t.entry("win.cases.query")
	cv.query.OnChanged = func(string) { cv.reload() }
	cv.query.onEnter = func() {
		switch q := strings.TrimSpace(cv.query.Text); {
		case len(cv.rows) > 0:
			cv.openCase(cv.rows[0].Number)
		case q != "":
			// A case number from a receipt: any case of the hall opens,
			// whichever window took it in (统一出件).
			cv.openCase(q)
		}
	}
	hallKey := k.bind(fyne.KeyW, fyne.KeyModifierControl, func() { cv.hall.SetChecked(!cv.hall.Checked) })
	lightsKey := k.bind(fyne.KeyY, fyne.KeyModifierControl, func() { cv.lights.SetChecked(!cv.lights.Checked) })
	cv.hall = newCheck(k, "", func(bool) { cv.reload() })
	cv.lights = newCheck(k, "", func(bool) { cv.reload() })
	t.static(func() {
		cv.hall.Text = t.tr("win.cases.hall") + " [" + hallKey + "]"
		cv.lights.Text = t.tr("win.cases.lights") + " [" + lightsKey + "]"
		cv.hall.Refresh()
		cv.lights.Refresh()
	})
	cv.count = widget.NewLabel("")
	cv.count.Wrapping = fyne.TextWrapWord // the hall view's count is long
	cv.list = newRows(k, func() int { return len(cv.rows) },
		func() fyne.CanvasObject {
			dot := canvas.NewCircle(color.Gray{0xBB})
			return container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(14, 14), dot)), nil, rowLabel())
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := cv.rows[i]
			box := o.(*fyne.Container)
			label := box.Objects[0].(*widget.Label)
			dot := box.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
			dot.FillColor = lightColor(c.Light)
			dot.Refresh()
			due := t.tr("win.light.none")
			if d, err := c.Due.Time(); err == nil {
				due = t.tr("win.cases.due", d.Format("01-02"))
			}
			where := ""
			if cv.hall.Checked {
				where = t.where(c.Case) + " "
			}
			// The number last: the row is cut at the pane's edge, and the
			// detail names the case in full.
			name, _ := t.applicantShown(c.Case)
			label.SetText(fmt.Sprintf("%s %s %s%s %s %s", due, t.stateName(c.State), where, name, t.pick(c.ItemName), c.Number))
		})
	cv.list.OnSelected = func(i widget.ListItemID) {
		if i < len(cv.rows) {
			cv.openCase(cv.rows[i].Number)
		}
	}

	cv.header = widget.NewLabel("")
	cv.header.Wrapping = fyne.TextWrapWord
	cv.header.TextStyle.Bold = true
	cv.chain = container.NewStack()
	cv.depts = widget.NewLabel("")
	cv.depts.Wrapping = fyne.TextWrapWord
	cv.ready = widget.NewLabel("")
	cv.ready.Wrapping = fyne.TextWrapWord
	cv.ready.Importance = widget.WarningImportance
	cv.timeline = widget.NewLabel("")
	cv.timeline.Wrapping = fyne.TextWrapWord
	handKey := k.bind(fyne.KeyH, fyne.KeyModifierControl, cv.doHandOut)
	closeKey := k.bind(fyne.KeyL, fyne.KeyModifierControl, cv.doClose)
	cv.handOut = t.button("win.cases.handout", handKey, cv.doHandOut)
	cv.handOut.Importance = widget.HighImportance
	cv.close = t.button("win.cases.close", closeKey, cv.doClose)
	reprint := t.button("win.reprint", "", func() {
		if cv.open != nil {
			t.intake.out.reprintCase(cv.open.Case.Number)
		}
	})
	cv.detail = container.NewVBox(cv.header, cv.chain,
		t.heading("win.cases.parallel"), cv.depts, cv.ready,
		container.NewGridWithColumns(3, cv.handOut, cv.close, reprint),
		t.heading("win.cases.timeline"), cv.timeline)
	cv.left = container.NewBorder(container.NewVBox(cv.query, container.NewHBox(cv.hall, cv.lights), cv.count), nil, nil, nil, cv.list)
	cv.scroll = container.NewVScroll(cv.detail)
	split := container.NewHSplit(cv.left, cv.scroll)
	split.Offset = 0.45
	cv.content = split
	cv.showDetail(nil)
	return cv
}

// retranslate draws the list and the open case again in the language just
// chosen.
func (cv *casesView) retranslate() {
	cv.list.Refresh()
	cv.showDetail(cv.open)
	cv.countRows()
}

// rowLabel is a list row's text: a row longer than the list ends in "…"
// instead of running under the next pane.
func rowLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (cv *casesView) focus() { cv.t.win.Canvas().Focus(cv.query) }

// reload reads the list again with the filters set.
func (cv *casesView) reload() {
	rows, err := cv.t.desk.Cases(cv.t.ctx, desk.CaseFilter{Hall: cv.hall.Checked, Lights: cv.lights.Checked, Query: cv.query.Text})
	if err != nil {
		cv.t.say(cv.t.said(cv.t.tr("win.cases.list"), cv.t.errorText(err)), true)
		return
	}
	cv.rows = rows
	cv.followUps, cv.lateFollowUps = 0, 0
	if cv.hall.Checked {
		fus, err := cv.t.desk.FollowUps(cv.t.ctx)
		if err != nil {
			cv.t.say(cv.t.said(cv.t.tr("win.tab.followups"), cv.t.errorText(err)), true)
		}
		cv.followUps = len(fus)
		for _, f := range fus {
			if f.Late {
				cv.lateFollowUps++
			}
		}
	}
	cv.countRows()
	cv.list.UnselectAll()
	cv.list.Refresh()
}

// countRows says how many cases the list holds and how many are late.
func (cv *casesView) countRows() {
	if cv.rows == nil {
		return
	}
	red, yellow := 0, 0
	for _, r := range cv.rows {
		switch r.Light {
		case app.Red:
			red++
		case app.Yellow:
			yellow++
		}
	}
	text := cv.t.tr("win.cases.count", len(cv.rows), red, yellow)
	if cv.hall.Checked {
		text = cv.t.tr("win.cases.hallcount", len(cv.rows), red, yellow, cv.followUps, cv.lateFollowUps)
	}
	cv.count.SetText(text)
	cv.left.Refresh() // the count may take another number of lines
}

// openCase loads a case, verifying its timeline's hash chain.
func (cv *casesView) openCase(number string) {
	if d, ok := cv.t.openCase("win.cases.open", number); ok {
		cv.showDetail(&d)
	}
}

// actionNames are the timeline's actions that have words (win.action.*).
var actionNames = map[string]bool{
	"submitted": true, "accepted": true, "supplement_requested": true, "refused": true,
	"in_review": true, "approved": true, "denied": true, "result_issued": true, "closed": true,
	"notice_printed": true, "notice_reprinted": true, "notice_print_failed": true,
	app.ActionApprove: true, app.ActionDeny: true,
}

func (cv *casesView) showDetail(d *desk.Detail) {
	cv.open = d
	cv.chain.RemoveAll()
	tr := cv.t.tr
	if d == nil {
		cv.header.SetText(tr("win.cases.choose"))
		cv.depts.SetText("")
		cv.ready.SetText("")
		cv.ready.Hide()
		cv.timeline.SetText("")
		cv.handOut.Disable()
		cv.close.Disable()
		if cv.scroll != nil {
			cv.scroll.Refresh()
		}
		return
	}
	c := d.Case
	due := string(c.Due)
	if due == "" {
		due = "—"
	}
	name, id := cv.t.applicantShown(c)
	cv.header.SetText(tr("win.cases.header",
		c.Number, cv.t.pick(c.ItemName), cv.t.stateName(c.State), name, id,
		strings.TrimSpace(cv.t.where(c)+" "+strings.TrimPrefix(c.Clerk, "kiosk:")), due, tr(lightNames[d.Light])))
	if d.ChainErr != nil {
		// Loud: a white-on-red band the clerk cannot miss.
		// It wraps: a warning cut off at the pane's edge (or one that
		// widens the window past the screen) is no warning.
		bg := canvas.NewRectangle(look.Color(fynetheme.ColorNameError))
		msg := widget.NewRichText(&widget.TextSegment{Text: tr("win.chain.broken"), Style: widget.RichTextStyle{
			ColorName: fynetheme.ColorNameForegroundOnError, SizeName: fynetheme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}})
		msg.Wrapping = fyne.TextWrapWord
		why := widget.NewLabel(d.ChainErr.Error())
		why.Wrapping = fyne.TextWrapWord
		cv.chain.Add(container.NewVBox(container.NewStack(bg, msg), why))
		cv.t.say(tr("win.chain.broken.say", c.Number), true)
	} else {
		ok := widget.NewLabel(tr("win.chain.ok", len(d.Events)))
		ok.Importance = widget.SuccessImportance
		cv.chain.Add(ok)
	}
	var deps []string
	who := map[string]string{}
	for _, s := range d.Departments {
		deps = append(deps, cv.t.said(cv.t.pick(s.Name), cv.t.opinion(s)))
		who["central:"+s.Department] = cv.t.pick(s.Name)
	}
	cv.depts.SetText(strings.Join(deps, "\n"))
	if nr := d.NotReady(); nr != nil && len(nr.Waiting) > 0 {
		cv.ready.SetText(cv.t.said(tr("win.cases.handout.do"), cv.t.notReadyText(nr)))
		cv.ready.Show()
	} else {
		cv.ready.SetText("")
		cv.ready.Hide()
	}
	var lines []string
	for _, e := range d.Events {
		name := e.Action
		if actionNames[e.Action] {
			name = tr("win.action." + e.Action)
		}
		actor := e.Actor
		if dept, ok := who[actor]; ok {
			actor = dept // a department's opinion, by its name
		}
		line := fmt.Sprintf("%d. %s  %s  %s", e.Seq, e.At.In(app.HallZone).Format("01-02 15:04:05"), actor, name)
		if e.Note != "" {
			line = cv.t.said(line, e.Note)
		}
		lines = append(lines, line)
	}
	cv.timeline.SetText(strings.Join(lines, "\n"))
	if desk.CanHandOut(c.State) {
		cv.handOut.Enable()
	} else {
		cv.handOut.Disable()
	}
	if desk.CanClose(c.State) && c.Purged.IsZero() { // a purged case moves no more
		cv.close.Enable()
	} else {
		cv.close.Disable()
	}
	cv.chain.Refresh()
	cv.detail.Refresh()
	cv.scroll.Refresh()
}

// doHandOut hands the result out (出证) at this window, whichever window
// took the case in. It reads the case again first, as the hall has it now:
// not decided yet, the clerk is told who is still to decide.
func (cv *casesView) doHandOut() {
	what := cv.t.tr("win.cases.handout.do")
	if cv.open == nil {
		cv.t.say(cv.t.said(what, cv.t.tr("win.cases.noopen")), true)
		return
	}
	d, ok := cv.t.openCase("win.cases.open", cv.open.Case.Number)
	if !ok {
		return
	}
	cv.showDetail(&d)
	if nr := d.NotReady(); nr != nil {
		cv.t.say(cv.t.said(what, cv.t.notReadyText(nr)), true)
		return
	}
	cv.move(what, cv.t.desk.HandOut, desk.CanHandOut)
}

func (cv *casesView) doClose() {
	cv.move(cv.t.tr("win.cases.close.do"), cv.t.desk.Close, desk.CanClose)
}

func (cv *casesView) move(what string, fn func(context.Context, string) (app.Case, error), can func(app.CaseState) bool) {
	if cv.open == nil {
		cv.t.say(cv.t.said(what, cv.t.tr("win.cases.noopen")), true)
		return
	}
	if !can(cv.open.Case.State) {
		cv.t.say(cv.t.tr("win.cases.cannot", what, cv.t.stateName(cv.open.Case.State)), true)
		return
	}
	number := cv.open.Case.Number
	cv.t.act(what, func(ctx context.Context) error {
		_, err := fn(ctx, number)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		cv.t.say(cv.t.tr("win.cases.moved", what, number), false)
		cv.reload()
		cv.openCase(number)
	})
}

// opinion is a department's opinion on a case (同意, 不同意 and why, or 未审批).
func (t *Terminal) opinion(s app.DepartmentStatus) string {
	switch {
	case !s.Given:
		return t.tr("win.opinion.pending")
	case !s.Approve && s.Note != "":
		return t.tr("win.opinion.denied", s.Note)
	case !s.Approve:
		return t.tr("win.opinion.deny")
	case s.Note != "":
		return t.tr("win.opinion.approve") + t.tr("win.cases.note", s.Note)
	}
	return t.tr("win.opinion.approve")
}

// notReadyText is why a case's result cannot be handed out, in the
// clerk's words: the departments still to decide, or the case's state.
func (t *Terminal) notReadyText(e *desk.NotReadyError) string {
	if len(e.Waiting) > 0 {
		names := make([]string, len(e.Waiting))
		for i, n := range e.Waiting {
			names[i] = t.pick(n)
		}
		return t.tr("win.handout.waiting", strings.Join(names, t.tr("win.handout.and")))
	}
	if e.State == app.ResultIssued || e.State == app.Closed {
		return t.tr("win.handout.issued", t.stateName(e.State))
	}
	return t.tr("win.handout.nodecision", t.stateName(e.State))
}

// where says where a case was taken in: at a window, or at a kiosk.
func (t *Terminal) where(c app.Case) string {
	if c.Window == 0 {
		return t.tr("win.cases.kiosk")
	}
	return t.tr("win.window", c.Window)
}

// openCase reads a case as the hall has it now, its chain verified; a
// failure is said as the action named by whatKey.
func (t *Terminal) openCase(whatKey, number string) (desk.Detail, bool) {
	d, err := t.desk.Open(t.ctx, number)
	if err != nil {
		t.say(t.said(t.tr(whatKey), t.errorText(err)), true)
		return d, false
	}
	return d, true
}

// applicantShown is a case's applicant as its row and header show it:
// masked, or the word for one erased after the retention period (已清除).
func (t *Terminal) applicantShown(c app.Case) (name, id string) {
	if !c.Purged.IsZero() {
		return t.tr("win.case.purged"), ""
	}
	return app.MaskName(c.Applicant.Name), c.Applicant.IDNumber.Masked()
}
