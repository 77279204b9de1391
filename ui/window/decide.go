package window

import (
	"context"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
)

// What deciding a case shares between the intake (一窗受理) and the
// pre-review of a kiosk's application (预审): the item's materials
// checklist, ticked by Ctrl+1…9, and the three outcomes, each printing its
// notice (受理通知书, 一次性告知书, 不予受理通知书), with the result and its
// reprint. Each of the two tabs has its own; the keys act on the one in
// view.

// deciding is a tab where a case is decided.
type deciding interface {
	accept()
	requestMissing()
	refuse()
	reprint()
	toggle(i int)
}

// outcomeKeys are how the outcome buttons show their keys.
type outcomeKeys struct{ accept, missing, refuse, reprint string }

// bindDecisionKeys binds the checklist's and the outcomes' keys to the tab
// in view: the pre-review when it is shown, the intake otherwise.
func (t *Terminal) bindDecisionKeys() outcomeKeys {
	k, ctrl := t.keys, fyne.KeyModifierControl
	for i := range digitKeys {
		k.bind(digitKeys[i], ctrl, func() { t.deciding().toggle(i) })
	}
	return outcomeKeys{
		accept:  k.bind(fyne.KeyS, ctrl, func() { t.deciding().accept() }),
		missing: k.bind(fyne.KeyB, ctrl, func() { t.deciding().requestMissing() }),
		refuse:  k.bind(fyne.KeyJ, ctrl, func() { t.deciding().refuse() }),
		reprint: k.bind(fyne.KeyP, ctrl, func() { t.deciding().reprint() }),
	}
}

// deciding is the tab the decision keys act on.
func (t *Terminal) deciding() deciding {
	if s := t.tabs.Selected(); s != nil && s.Content == t.review.content {
		return t.review
	}
	return t.intake
}

// checklist is an item's materials, each with its tick.
type checklist struct {
	t     *Terminal
	box   *fyne.Container
	item  *app.Item
	held  []int // what the citizen said they hold (a kiosk's application), marked
	ticks []*check
	// text are the lines beside the boxes: a label wraps a long
	// material's name, which a check's own text cannot.
	text []*widget.Label
}

func newChecklist(t *Terminal) *checklist { return &checklist{t: t, box: container.NewVBox()} }

// show lays out the item's materials, none ticked.
func (cl *checklist) show(it app.Item, held []int) {
	cl.reset()
	cl.item, cl.held = &it, held
	for i, m := range it.Materials {
		c := newCheck(cl.t.keys, "", nil)
		l := widget.NewLabel(cl.line(i, m))
		l.Wrapping = fyne.TextWrapWord
		cl.ticks = append(cl.ticks, c)
		cl.text = append(cl.text, l)
		cl.box.Add(container.NewBorder(nil, nil, c, nil, l))
	}
}

// reset empties the checklist.
func (cl *checklist) reset() {
	cl.item, cl.held = nil, nil
	cl.box.RemoveAll()
	cl.ticks, cl.text = nil, nil
}

// line is the i-th line of the checklist, with its key.
func (cl *checklist) line(i int, m app.Material) string {
	tr := cl.t.tr
	form := tr("win.material.original")
	if m.Form == app.Copy {
		form = tr("win.material.copy")
	}
	req := tr("win.material.required")
	if !m.Required {
		req = tr("win.material.optional")
	}
	text := tr("win.material", cl.t.pick(m.Name), form, m.Copies, req)
	if slices.Contains(cl.held, i) {
		text += tr("win.review.held")
	}
	if i < len(digitKeys) {
		text += fmt.Sprintf("  [Ctrl+%d]", i+1)
	}
	return text
}

// retranslate words the lines again in the language just chosen.
func (cl *checklist) retranslate() {
	if cl.item == nil {
		return
	}
	for i, m := range cl.item.Materials {
		if i < len(cl.text) {
			cl.text[i].SetText(cl.line(i, m))
		}
	}
}

func (cl *checklist) toggle(i int) {
	if i < len(cl.ticks) {
		cl.ticks[i].SetChecked(!cl.ticks[i].Checked)
	}
}

func (cl *checklist) untick() {
	for _, c := range cl.ticks {
		c.SetChecked(false)
	}
}

// received are the materials ticked, never nil: none ticked is none
// received.
func (cl *checklist) received() []int {
	out := []int{}
	for i, c := range cl.ticks {
		if c.Checked {
			out = append(out, i)
		}
	}
	return out
}

// outcomes are the three ends of a case's intake with what they take (the
// advice of a 一次性告知书, a refusal's listed reason and words), the result
// of the last one and its reprint.
type outcomes struct {
	t          *Terminal
	content    fyne.CanvasObject
	advice     *dropDown
	reason     *dropDown
	reasonText *entry
	result     *widget.Label
	// relayout lays the tab out again after the result changed size;
	// scroll, the tab's, is scrolled to show a new result.
	relayout func()
	scroll   *container.Scroll
	last     string        // the last case decided here, for a reprint
	out      *desk.Outcome // the outcome the result shows, drawn again in another language
}

// newOutcomes makes the outcomes of tab d; more sits beside the reprint.
func newOutcomes(t *Terminal, keys outcomeKeys, d deciding, more fyne.CanvasObject) *outcomes {
	o := &outcomes{t: t, relayout: func() {}}
	o.advice = newDropDown(t.keys)
	o.reason = newDropDown(t.keys)
	t.static(func() {
		choices(t, o.advice, app.SupplementAdvice)
		choices(t, o.reason, app.RefusalReasons)
		o.reason.PlaceHolder = t.tr("win.intake.reason")
		o.reason.Refresh()
	})
	o.advice.SetSelectedIndex(0)
	o.reasonText = t.entry("win.intake.reasontext")
	acceptB := t.button("win.intake.accept", keys.accept, d.accept)
	acceptB.Importance = widget.HighImportance
	missingB := t.button("win.intake.missing", keys.missing, d.requestMissing)
	missingB.Importance = widget.WarningImportance
	refuseB := t.button("win.intake.refuse", keys.refuse, d.refuse)
	refuseB.Importance = widget.DangerImportance
	o.result = widget.NewLabel("")
	o.result.Wrapping = fyne.TextWrapWord
	o.result.TextStyle.Bold = true
	adviceLabel := widget.NewLabel("")
	t.static(func() { adviceLabel.SetText(t.tr("win.intake.advice")) })
	last := container.NewGridWithColumns(2, t.button("win.reprint", keys.reprint, d.reprint))
	if more != nil {
		last.Add(more)
	}
	o.content = container.NewVBox(
		container.NewGridWithColumns(3, acceptB, missingB, refuseB),
		container.NewGridWithColumns(2, adviceLabel, o.advice),
		container.NewGridWithColumns(2, o.reason, o.reasonText),
		widget.NewSeparator(),
		o.result,
		last,
	)
	return o
}

// choices puts a list's texts in the clerk's language into a select,
// keeping what was chosen.
func choices(t *Terminal, s *dropDown, list []app.Choice) {
	i := s.SelectedIndex()
	opts := make([]string, len(list))
	for j, c := range list {
		opts[j] = t.pick(c.Text)
	}
	s.SetOptions(opts)
	if i >= 0 {
		s.SetSelectedIndex(i)
	}
}

// adviceCode is the advice chosen for a 一次性告知书.
func (o *outcomes) adviceCode() string {
	return app.SupplementAdvice[max(o.advice.SelectedIndex(), 0)].Code
}

// refusal is the listed reason chosen and the clerk's words; without a
// reason it says so and reports false.
func (o *outcomes) refusal() (code, extra string, ok bool) {
	i := o.reason.SelectedIndex()
	if i < 0 {
		o.t.say(o.t.said(o.t.tr("win.intake.refuse"), o.t.tr("win.intake.noreason")), true)
		o.t.win.Canvas().Focus(o.reason)
		return "", "", false
	}
	return app.RefusalReasons[i].Code, o.reasonText.Text, true
}

// decide runs one outcome off the UI goroutine; done follows a success.
func (o *outcomes) decide(what string, fn func(ctx context.Context) (desk.Outcome, error), done func()) {
	var out desk.Outcome
	o.t.act(what, func(ctx context.Context) (err error) {
		out, err = fn(ctx)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		o.showOutcome(out)
		done()
	})
}

func (o *outcomes) showOutcome(out desk.Outcome) {
	o.last = out.Case.Number
	o.showResult(out)
	// The outcome and the reprint key are what the clerk needs next; a
	// long checklist must not push them out of sight.
	if o.scroll != nil {
		o.scroll.ScrollToBottom()
	}
	c, notice := out.Case, o.t.noticeName(out.Notice.Kind)
	if out.PrintErr != nil {
		o.t.say(o.t.tr("win.outcome.unprinted.say"), true)
	} else {
		o.t.say(o.t.tr("win.outcome.printed.say", o.t.stateName(c.State), c.Number, notice), false)
	}
}

// showResult draws an outcome in the result label.
func (o *outcomes) showResult(out desk.Outcome) {
	tr := o.t.tr
	o.out = &out
	c, notice := out.Case, o.t.noticeName(out.Notice.Kind)
	text := tr("win.outcome.case", c.Number, o.t.stateName(c.State), o.t.pick(c.ItemName))
	if c.State == app.Accepted {
		text += tr("win.outcome.due", string(c.Due))
	}
	if out.PrintErr != nil {
		text += tr("win.outcome.unprinted", notice, o.t.errorText(out.PrintErr))
		o.result.Importance = widget.DangerImportance
	} else {
		text += tr("win.outcome.printed", notice)
		o.result.Importance = widget.SuccessImportance
	}
	// A due date past the holiday calendar counted weekends only: the
	// clerk must say so to the applicant.
	switch {
	case !out.PastCalendar:
	case out.CalendarEnds == "":
		text += tr("win.outcome.due.nocalendar")
	default:
		text += tr("win.outcome.due.pastcalendar", string(out.CalendarEnds))
	}
	if out.PastCalendar && out.PrintErr == nil {
		o.result.Importance = widget.WarningImportance
	}
	o.result.SetText(text)
	o.relayout()
}

// retranslate draws the result again in the language just chosen.
func (o *outcomes) retranslate() {
	if o.out != nil {
		o.showResult(*o.out)
	}
}

// clearChoices forgets the refusal's reason and words.
func (o *outcomes) clearChoices() {
	o.reason.ClearSelected()
	o.reasonText.SetText("")
}

// clearResult forgets the last outcome.
func (o *outcomes) clearResult() {
	o.result.SetText("")
	o.out, o.last = nil, ""
}

func (o *outcomes) reprint() {
	if o.last == "" {
		o.t.say(o.t.tr("win.reprint.none"), true)
		return
	}
	o.reprintCase(o.last)
}

// reprintCase prints a case's notice again; the result shows it when it is
// the last case decided here.
func (o *outcomes) reprintCase(number string) {
	var out desk.Outcome
	o.t.act(o.t.tr("win.reprint"), func(ctx context.Context) (err error) {
		out, err = o.t.desk.Reprint(ctx, number)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		if out.PrintErr != nil {
			o.t.say(o.t.tr("win.reprint.failed", o.t.errorText(out.PrintErr)), true)
			return
		}
		if number == o.last {
			o.showOutcome(out)
		}
		o.t.say(o.t.tr("win.reprint.done", o.t.noticeName(out.Notice.Kind), number), false)
	})
}
