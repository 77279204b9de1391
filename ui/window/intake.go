package window

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
)

// intakeView is 一窗受理: item, applicant, materials, outcome.
type intakeView struct {
	t       *Terminal
	content fyne.CanvasObject

	search  *entry
	results *widget.List
	found   []app.Item
	item    *app.Item
	guide   *widget.Label

	name      *entry
	idNumber  *entry
	fromCard  *app.Applicant // the applicant read off an ID card, if any
	applicant *widget.Label

	materials *fyne.Container
	ticks     []*check

	advice     *widget.Select
	reason     *widget.Select
	reasonText *entry

	result   *widget.Label
	panel    *fyne.Container
	scroll   *container.Scroll
	last     string // the last case taken in, for a reprint
	printErr bool
}

const maxResults = 8

func newIntakeView(t *Terminal) *intakeView {
	iv := &intakeView{t: t}
	k := t.keys
	iv.search = newEntry(k, "事项名称、编码或拼音首字母（如 hkqy）")
	iv.search.OnChanged = func(string) { iv.find() }
	iv.search.onEnter = func() {
		if len(iv.found) > 0 {
			iv.choose(iv.found[0])
		}
	}
	iv.results = widget.NewList(func() int { return len(iv.found) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := iv.found[i]
			o.(*widget.Label).SetText(fmt.Sprintf("%s  %s", it.Code, it.Name.Zh))
		})
	iv.results.OnSelected = func(i widget.ListItemID) {
		if i < len(iv.found) {
			iv.choose(iv.found[i])
		}
		iv.results.UnselectAll()
	}
	iv.guide = widget.NewLabel("")
	iv.guide.Wrapping = fyne.TextWrapWord

	iv.name = newEntry(k, "申请人姓名")
	iv.idNumber = newEntry(k, "18位公民身份号码")
	iv.applicant = widget.NewLabel("")
	readKey := k.bind(fyne.KeyR, fyne.KeyModifierControl, iv.readCard)
	read := newButton(k, "读身份证", readKey, iv.readCard)

	iv.materials = container.NewVBox()
	for i := range digitKeys {
		i := i
		k.bind(digitKeys[i], fyne.KeyModifierControl, func() { iv.toggle(i) })
	}

	var adviceTexts, reasonTexts []string
	for _, a := range app.SupplementAdvice {
		adviceTexts = append(adviceTexts, a.Text.Zh)
	}
	for _, r := range app.RefusalReasons {
		reasonTexts = append(reasonTexts, r.Text.Zh)
	}
	iv.advice = widget.NewSelect(adviceTexts, nil)
	iv.advice.SetSelectedIndex(0)
	iv.reason = widget.NewSelect(reasonTexts, nil)
	iv.reason.PlaceHolder = "选择不予受理理由"
	iv.reasonText = newEntry(k, "补充说明（可不填）")

	acceptKey := k.bind(fyne.KeyS, fyne.KeyModifierControl, iv.accept)
	missingKey := k.bind(fyne.KeyB, fyne.KeyModifierControl, iv.requestMissing)
	refuseKey := k.bind(fyne.KeyJ, fyne.KeyModifierControl, iv.refuse)
	reprintKey := k.bind(fyne.KeyP, fyne.KeyModifierControl, iv.reprint)
	newKey := k.bind(fyne.KeyN, fyne.KeyModifierControl, iv.clear)
	k.bind(fyne.KeyF, fyne.KeyModifierControl, iv.focusSearch)
	acceptB := newButton(k, "受理", acceptKey, iv.accept)
	acceptB.Importance = widget.HighImportance
	missingB := newButton(k, "一次性告知", missingKey, iv.requestMissing)
	missingB.Importance = widget.WarningImportance
	refuseB := newButton(k, "不予受理", refuseKey, iv.refuse)
	refuseB.Importance = widget.DangerImportance
	iv.result = widget.NewLabel("")
	iv.result.Wrapping = fyne.TextWrapWord
	iv.result.TextStyle.Bold = true

	left := container.NewBorder(
		container.NewVBox(widget.NewLabelWithStyle("1 选择事项 [Ctrl+F]", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), iv.search),
		iv.guide, nil, nil, iv.results)
	iv.panel = container.NewVBox(
		widget.NewLabelWithStyle("2 申请人", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, read, container.NewGridWithColumns(2, iv.name, iv.idNumber)),
		iv.applicant,
		widget.NewLabelWithStyle("3 材料清单（Ctrl+数字 勾选）", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		iv.materials,
		widget.NewSeparator(),
		widget.NewLabelWithStyle("4 办理结果", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewGridWithColumns(3, acceptB, missingB, refuseB),
		container.NewGridWithColumns(2, widget.NewLabel("告知后续："), iv.advice),
		container.NewGridWithColumns(2, iv.reason, iv.reasonText),
		widget.NewSeparator(),
		iv.result,
		container.NewGridWithColumns(2, newButton(k, "重打通知书", reprintKey, iv.reprint), newButton(k, "新受理", newKey, iv.clear)),
	)
	iv.scroll = container.NewVScroll(iv.panel)
	split := container.NewHSplit(left, iv.scroll)
	split.Offset = 0.38
	iv.content = split
	iv.find()
	return iv
}

func (iv *intakeView) focusSearch() {
	iv.t.tabs.SelectIndex(0)
	iv.t.win.Canvas().Focus(iv.search)
}

func (iv *intakeView) find() {
	iv.found = iv.t.desk.SearchItems(iv.search.Text)
	if len(iv.found) > maxResults && strings.TrimSpace(iv.search.Text) != "" {
		iv.found = iv.found[:maxResults]
	}
	iv.results.Refresh()
}

// choose makes it the case's item and lays out its materials checklist.
func (iv *intakeView) choose(it app.Item) {
	iv.item = &it
	days := fmt.Sprintf("承诺 %d 个工作日（法定 %d）", it.PromisedDays, it.StatutoryDays)
	if len(it.Parallel) > 0 {
		days += "，并联审批"
	}
	iv.guide.SetText(fmt.Sprintf("已选：%s %s\n%s", it.Code, it.Name.Zh, days))
	iv.materials.RemoveAll()
	iv.ticks = nil
	for i, m := range it.Materials {
		form := "原件"
		if m.Form == app.Copy {
			form = "复印件"
		}
		req := "必交"
		if !m.Required {
			req = "选交"
		}
		text := fmt.Sprintf("%s（%s%d份，%s）", m.Name.Zh, form, m.Copies, req)
		if i < len(digitKeys) {
			text += fmt.Sprintf("  [Ctrl+%d]", i+1)
		}
		c := newCheck(iv.t.keys, text, nil)
		iv.ticks = append(iv.ticks, c)
		iv.materials.Add(c)
	}
	iv.relayout()
	iv.t.win.Canvas().Focus(iv.name)
}

func (iv *intakeView) toggle(i int) {
	if i < len(iv.ticks) {
		iv.ticks[i].SetChecked(!iv.ticks[i].Checked)
	}
}

func (iv *intakeView) readCard() {
	var a app.Applicant
	iv.t.act("读身份证", func(ctx context.Context) (err error) {
		a, err = iv.t.desk.ReadCard(ctx)
		return err
	}, func(err error) { iv.cardRead(a, err) })
}

// cardRead fills the applicant from a card, read on request or placed on
// the reader. The card's holder is shown masked.
func (iv *intakeView) cardRead(a app.Applicant, err error) {
	if err != nil {
		if errors.Is(err, app.ErrNoCard) {
			iv.t.say("读卡器上没有身份证，请放卡或手工录入号码", true)
		} else {
			iv.t.say("读身份证失败："+err.Error()+"；可手工录入号码", true)
		}
		return
	}
	iv.fromCard = &a
	iv.name.SetText("")
	iv.idNumber.SetText("")
	iv.applicant.SetText(fmt.Sprintf("申请人：%s  %s（已读身份证）", app.MaskName(a.Name), a.IDNumber.Masked()))
	iv.t.say("已读取身份证", false)
}

// form gathers the intake, checking the applicant typed by hand.
func (iv *intakeView) form() (desk.IntakeForm, error) {
	if iv.item == nil {
		return desk.IntakeForm{}, fmt.Errorf("请先选择事项（Ctrl+F）")
	}
	var a app.Applicant
	if iv.fromCard != nil {
		a = *iv.fromCard
	} else {
		var err error
		if a, err = iv.t.desk.Applicant(iv.name.Text, iv.idNumber.Text, ""); err != nil {
			return desk.IntakeForm{}, fmt.Errorf("申请人信息有误：%w", err)
		}
	}
	var received []int
	for i, c := range iv.ticks {
		if c.Checked {
			received = append(received, i)
		}
	}
	return desk.IntakeForm{Item: *iv.item, Applicant: a, Received: received}, nil
}

func (iv *intakeView) submit(what string, fn func(ctx context.Context, f desk.IntakeForm) (desk.Outcome, error)) {
	f, err := iv.form()
	if err != nil {
		iv.t.say(what+"："+err.Error(), true)
		return
	}
	var out desk.Outcome
	iv.t.act(what, func(ctx context.Context) (err error) {
		out, err = fn(ctx, f)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		iv.showOutcome(out)
		iv.clearForm()
	})
}

func (iv *intakeView) accept() {
	iv.submit("受理", iv.t.desk.Accept)
}

func (iv *intakeView) requestMissing() {
	advice := app.SupplementAdvice[max(iv.advice.SelectedIndex(), 0)].Code
	iv.submit("一次性告知", func(ctx context.Context, f desk.IntakeForm) (desk.Outcome, error) {
		return iv.t.desk.RequestMissing(ctx, f, advice)
	})
}

func (iv *intakeView) refuse() {
	i := iv.reason.SelectedIndex()
	if i < 0 {
		iv.t.say("不予受理：请先选择理由", true)
		iv.t.win.Canvas().Focus(iv.reason)
		return
	}
	code, extra := app.RefusalReasons[i].Code, iv.reasonText.Text
	iv.submit("不予受理", func(ctx context.Context, f desk.IntakeForm) (desk.Outcome, error) {
		return iv.t.desk.Refuse(ctx, f, code, extra)
	})
}

var stateNames = map[app.CaseState]string{
	app.Submitted: "已收件", app.Accepted: "已受理", app.SupplementRequested: "待补正",
	app.Refused: "不予受理", app.InReview: "审查中", app.Approved: "准予许可", app.Denied: "不予许可",
	app.ResultIssued: "已出件", app.Closed: "已归档",
}

func (iv *intakeView) showOutcome(out desk.Outcome) {
	c := out.Case
	iv.last = c.Number
	text := fmt.Sprintf("办件号 %s · %s · %s", c.Number, stateNames[c.State], c.ItemName.Zh)
	if c.State == app.Accepted {
		text += "\n承诺办结日期：" + string(c.Due)
	}
	iv.printErr = out.PrintErr != nil
	if out.PrintErr != nil {
		text += fmt.Sprintf("\n%s未能打印：%v\n办件已保存，排除故障后按 Ctrl+P 重打", out.Notice.Kind.Title(), out.PrintErr)
		iv.result.Importance = widget.DangerImportance
		iv.t.say("办件已保存，但通知书未能打印：按 Ctrl+P 重打", true)
	} else {
		text += "\n" + out.Notice.Kind.Title() + "已打印"
		iv.result.Importance = widget.SuccessImportance
		iv.t.say(stateNames[c.State]+"："+c.Number+"，"+out.Notice.Kind.Title()+"已打印", false)
	}
	iv.result.SetText(text)
	iv.relayout()
}

// relayout lays the form out again after a part of it changed size (a new
// checklist, a result of several lines).
func (iv *intakeView) relayout() {
	iv.panel.Refresh()
	iv.scroll.Refresh()
}

func (iv *intakeView) reprint() {
	if iv.last == "" {
		iv.t.say("重打：还没有本次受理的办件；在办件页打开办件后可重打", true)
		return
	}
	iv.reprintCase(iv.last)
}

func (iv *intakeView) reprintCase(number string) {
	var out desk.Outcome
	iv.t.act("重打通知书", func(ctx context.Context) (err error) {
		out, err = iv.t.desk.Reprint(ctx, number)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		if out.PrintErr != nil {
			iv.t.say("通知书仍未能打印："+out.PrintErr.Error(), true)
			return
		}
		if number == iv.last {
			iv.showOutcome(out)
		}
		iv.t.say(out.Notice.Kind.Title()+"已重新打印："+number, false)
	})
}

// clearForm forgets the applicant and the ticks, keeping the result shown.
func (iv *intakeView) clearForm() {
	iv.fromCard = nil
	iv.name.SetText("")
	iv.idNumber.SetText("")
	iv.applicant.SetText("")
	iv.reason.ClearSelected()
	iv.reasonText.SetText("")
	for _, c := range iv.ticks {
		c.SetChecked(false)
	}
}

// clear starts a new intake.
func (iv *intakeView) clear() {
	iv.clearForm()
	iv.item = nil
	iv.guide.SetText("")
	iv.materials.RemoveAll()
	iv.ticks = nil
	iv.search.SetText("")
	iv.result.SetText("")
	iv.last = ""
	iv.relayout()
	iv.focusSearch()
}

// draw is called on every change of the desk's view; a new ticket starts a
// new intake, so one citizen's data never shows for the next.
func (iv *intakeView) draw(v desk.View) {
	if v.Staff == nil || v.Locked {
		iv.clearForm()
	}
}
