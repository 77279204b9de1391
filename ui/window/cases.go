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
	"onewindow/app/store"
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
	rows   []store.CaseWithLight
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

var lightNames = map[app.Light]string{app.Red: "红灯 已超期", app.Yellow: "黄灯 临近期限", app.Green: "绿灯", app.NoLight: "未计时"}

func newCasesView(t *Terminal) *casesView {
	cv := &casesView{t: t}
	k := t.keys
	cv.query = newEntry(k, "办件号、事项或号码")
	cv.query.OnChanged = func(string) { cv.reload() }
	cv.query.onEnter = func() {
		if len(cv.rows) > 0 {
			cv.openCase(cv.rows[0].Number)
		}
	}
	hallKey := k.bind(fyne.KeyW, fyne.KeyModifierControl, func() { cv.hall.SetChecked(!cv.hall.Checked) })
	lightsKey := k.bind(fyne.KeyY, fyne.KeyModifierControl, func() { cv.lights.SetChecked(!cv.lights.Checked) })
	cv.hall = newCheck(k, "全大厅 ["+hallKey+"]", func(bool) { cv.reload() })
	cv.lights = newCheck(k, "仅黄灯/红灯 ["+lightsKey+"]", func(bool) { cv.reload() })
	cv.count = widget.NewLabel("")
	cv.list = widget.NewList(func() int { return len(cv.rows) },
		func() fyne.CanvasObject {
			dot := canvas.NewCircle(color.Gray{0xBB})
			return container.NewBorder(nil, nil, container.NewCenter(container.NewGridWrap(fyne.NewSize(14, 14), dot)), nil, widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := cv.rows[i]
			box := o.(*fyne.Container)
			label := box.Objects[0].(*widget.Label)
			dot := box.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*canvas.Circle)
			dot.FillColor = lightColor(c.Light)
			dot.Refresh()
			due := "未计时"
			if t, err := c.Due.Time(); err == nil {
				due = t.Format("01-02") + "到期"
			}
			label.SetText(fmt.Sprintf("%s %s %s %s %s", due, stateNames[c.State], c.Number, app.MaskName(c.Applicant.Name), c.ItemName.Zh))
		})
	cv.list.OnSelected = func(i widget.ListItemID) {
		if i < len(cv.rows) {
			cv.openCase(cv.rows[i].Number)
		}
	}

	cv.header = widget.NewLabel("在左侧选择办件，或输入办件号后按 Enter")
	cv.header.Wrapping = fyne.TextWrapWord
	cv.header.TextStyle.Bold = true
	cv.chain = container.NewStack()
	cv.depts = widget.NewLabel("")
	cv.depts.Wrapping = fyne.TextWrapWord
	cv.timeline = widget.NewLabel("")
	cv.timeline.Wrapping = fyne.TextWrapWord
	handKey := k.bind(fyne.KeyH, fyne.KeyModifierControl, cv.doHandOut)
	closeKey := k.bind(fyne.KeyL, fyne.KeyModifierControl, cv.doClose)
	cv.handOut = newButton(k, "出证（统一出件）", handKey, cv.doHandOut)
	cv.handOut.Importance = widget.HighImportance
	cv.close = newButton(k, "归档", closeKey, cv.doClose)
	reprint := newButton(k, "重打通知书", "", func() {
		if cv.open != nil {
			t.intake.reprintCase(cv.open.Case.Number)
		}
	})
	cv.detail = container.NewVBox(cv.header, cv.chain,
		widget.NewLabelWithStyle("并联审批", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), cv.depts,
		container.NewGridWithColumns(3, cv.handOut, cv.close, reprint),
		widget.NewLabelWithStyle("全程留痕", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), cv.timeline)
	left := container.NewBorder(container.NewVBox(cv.query, container.NewHBox(cv.hall, cv.lights), cv.count), nil, nil, nil, cv.list)
	cv.scroll = container.NewVScroll(cv.detail)
	split := container.NewHSplit(left, cv.scroll)
	split.Offset = 0.45
	cv.content = split
	cv.showDetail(nil)
	return cv
}

func (cv *casesView) focus() { cv.t.win.Canvas().Focus(cv.query) }

// reload reads the list again with the filters set.
func (cv *casesView) reload() {
	rows, err := cv.t.desk.Cases(cv.t.ctx, desk.CaseFilter{Hall: cv.hall.Checked, Lights: cv.lights.Checked, Query: cv.query.Text})
	if err != nil {
		cv.t.say("办件列表："+errorText(err), true)
		return
	}
	cv.rows = rows
	red, yellow := 0, 0
	for _, r := range rows {
		switch r.Light {
		case app.Red:
			red++
		case app.Yellow:
			yellow++
		}
	}
	cv.count.SetText(fmt.Sprintf("在办 %d 件，其中红灯 %d、黄灯 %d", len(rows), red, yellow))
	cv.list.UnselectAll()
	cv.list.Refresh()
}

// openCase loads a case, verifying its timeline's hash chain.
func (cv *casesView) openCase(number string) {
	d, err := cv.t.desk.Open(cv.t.ctx, number)
	if err != nil {
		cv.t.say("打开办件："+errorText(err), true)
		return
	}
	cv.showDetail(&d)
}

var actionNames = map[string]string{
	"submitted": "收件", "accepted": "受理", "supplement_requested": "一次性告知", "refused": "不予受理",
	"in_review": "审查中", "approved": "准予许可", "denied": "不予许可", "result_issued": "出证", "closed": "归档",
	"notice_printed": "打印通知书", "notice_reprinted": "重打通知书", "notice_print_failed": "通知书打印失败",
}

func (cv *casesView) showDetail(d *desk.Detail) {
	cv.open = d
	cv.chain.RemoveAll()
	if d == nil {
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
	cv.header.SetText(fmt.Sprintf("%s · %s\n%s · 申请人 %s %s · %s · 承诺到期 %s · %s",
		c.Number, c.ItemName.Zh, stateNames[c.State], app.MaskName(c.Applicant.Name), c.Applicant.IDNumber.Masked(),
		fmt.Sprintf("%d号窗口 %s", c.Window, c.Clerk), due, lightNames[d.Light]))
	if d.ChainErr != nil {
		// Loud: a white-on-red band the clerk cannot miss.
		bg := canvas.NewRectangle(look.Color(fynetheme.ColorNameError))
		msg := canvas.NewText("⚠ 留痕记录校验失败，办件记录可能被篡改，请立即报告大厅管理员", look.Color(fynetheme.ColorNameForegroundOnError))
		msg.TextStyle.Bold = true
		msg.TextSize = 18
		why := widget.NewLabel(d.ChainErr.Error())
		why.Wrapping = fyne.TextWrapWord
		cv.chain.Add(container.NewVBox(container.NewStack(bg, container.NewPadded(msg)), why))
		cv.t.say("办件 "+c.Number+" 的留痕记录校验失败", true)
	} else {
		ok := widget.NewLabel(fmt.Sprintf("✓ 留痕记录完整（%d 步，哈希链校验通过）", len(d.Events)))
		ok.Importance = widget.SuccessImportance
		cv.chain.Add(ok)
	}
	var deps []string
	for _, s := range d.Departments {
		st := "待审"
		if s.State != "" {
			st = stateNames[s.State]
			if s.Note != "" {
				st += "（" + s.Note + "）"
			}
		}
		deps = append(deps, s.Name.Zh+"："+st)
	}
	cv.depts.SetText(strings.Join(deps, "\n"))
	var lines []string
	for _, e := range d.Events {
		name := actionNames[e.Action]
		if name == "" {
			name = e.Action
		}
		line := fmt.Sprintf("%d. %s  %s  %s", e.Seq, e.At.In(app.HallZone).Format("01-02 15:04:05"), e.Actor, name)
		if e.Note != "" {
			line += "：" + e.Note
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

func (cv *casesView) doHandOut() { cv.move("出证", cv.t.desk.HandOut, desk.CanHandOut) }

func (cv *casesView) doClose() { cv.move("归档", cv.t.desk.Close, desk.CanClose) }

func (cv *casesView) move(what string, fn func(context.Context, string) (app.Case, error), can func(app.CaseState) bool) {
	if cv.open == nil {
		cv.t.say(what+"：请先打开办件", true)
		return
	}
	if !can(cv.open.Case.State) {
		cv.t.say(fmt.Sprintf("%s：办件%s，不能%s", what, stateNames[cv.open.Case.State], what), true)
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
		cv.t.say(what+"完成："+number, false)
		cv.reload()
		cv.openCase(number)
	})
}
