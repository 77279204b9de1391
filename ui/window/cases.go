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
	list   *widget.List
	rows   []app.CaseWithLight
	count  *widget.Label

	detail   *fyne.Container
	chain    *fyne.Container
	header   *widget.Label
	depts    *widget.Label
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
		if len(cv.rows) > 0 {
			cv.openCase(cv.rows[0].Number)
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
	cv.list = widget.NewList(func() int { return len(cv.rows) },
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
			label.SetText(fmt.Sprintf("%s %s %s %s %s", due, t.stateName(c.State), c.Number, app.MaskName(c.Applicant.Name), t.pick(c.ItemName)))
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
	cv.timeline = widget.NewLabel("")
	cv.timeline.Wrapping = fyne.TextWrapWord
	handKey := k.bind(fyne.KeyH, fyne.KeyModifierControl, cv.doHandOut)
	closeKey := k.bind(fyne.KeyL, fyne.KeyModifierControl, cv.doClose)
	cv.handOut = t.button("win.cases.handout", handKey, cv.doHandOut)
	cv.handOut.Importance = widget.HighImportance
	cv.close = t.button("win.cases.close", closeKey, cv.doClose)
	reprint := t.button("win.reprint", "", func() {
		if cv.open != nil {
			t.intake.reprintCase(cv.open.Case.Number)
		}
	})
	cv.detail = container.NewVBox(cv.header, cv.chain,
		t.heading("win.cases.parallel"), cv.depts,
		container.NewGridWithColumns(3, cv.handOut, cv.close, reprint),
		t.heading("win.cases.timeline"), cv.timeline)
	left := container.NewBorder(container.NewVBox(cv.query, container.NewHBox(cv.hall, cv.lights), cv.count), nil, nil, nil, cv.list)
	cv.scroll = container.NewVScroll(cv.detail)
	split := container.NewHSplit(left, cv.scroll)
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
	cv.count.SetText(cv.t.tr("win.cases.count", len(cv.rows), red, yellow))
}

// openCase loads a case, verifying its timeline's hash chain.
func (cv *casesView) openCase(number string) {
	d, err := cv.t.desk.Open(cv.t.ctx, number)
	if err != nil {
		cv.t.say(cv.t.said(cv.t.tr("win.cases.open"), cv.t.errorText(err)), true)
		return
	}
	cv.showDetail(&d)
}

// actionNames are the timeline's actions that have words (win.action.*).
var actionNames = map[string]bool{
	"submitted": true, "accepted": true, "supplement_requested": true, "refused": true,
	"in_review": true, "approved": true, "denied": true, "result_issued": true, "closed": true,
	"notice_printed": true, "notice_reprinted": true, "notice_print_failed": true,
}

func (cv *casesView) showDetail(d *desk.Detail) {
	cv.open = d
	cv.chain.RemoveAll()
	tr := cv.t.tr
	if d == nil {
		cv.header.SetText(tr("win.cases.choose"))
		cv.depts.SetText("")
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
	cv.header.SetText(tr("win.cases.header",
		c.Number, cv.t.pick(c.ItemName), cv.t.stateName(c.State), app.MaskName(c.Applicant.Name), c.Applicant.IDNumber.Masked(),
		tr("win.window", c.Window)+" "+c.Clerk, due, tr(lightNames[d.Light])))
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
	for _, s := range d.Departments {
		st := tr("win.cases.pending")
		if s.State != "" {
			st = cv.t.stateName(s.State)
			if s.Note != "" {
				st += tr("win.cases.note", s.Note)
			}
		}
		deps = append(deps, cv.t.said(cv.t.pick(s.Name), st))
	}
	cv.depts.SetText(strings.Join(deps, "\n"))
	var lines []string
	for _, e := range d.Events {
		name := e.Action
		if actionNames[e.Action] {
			name = tr("win.action." + e.Action)
		}
		line := fmt.Sprintf("%d. %s  %s  %s", e.Seq, e.At.In(app.HallZone).Format("01-02 15:04:05"), e.Actor, name)
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
	if desk.CanClose(c.State) {
		cv.close.Enable()
	} else {
		cv.close.Disable()
	}
	cv.chain.Refresh()
	cv.detail.Refresh()
	cv.scroll.Refresh()
}

func (cv *casesView) doHandOut() {
	cv.move(cv.t.tr("win.cases.handout.do"), cv.t.desk.HandOut, desk.CanHandOut)
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
