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
	// tickText are the checklist's lines beside the boxes: a label wraps a
	// long material's name, which a check's own text cannot.
	tickText []*widget.Label

	advice     *widget.Select
	reason     *widget.Select
	reasonText *entry

	result   *widget.Label
	panel    *fyne.Container
	scroll   *container.Scroll
	last     string // the last case taken in, for a reprint
	printErr bool
	shown    *desk.Outcome // the outcome the result shows, drawn again in another language
}

const maxResults = 8

func newIntakeView(t *Terminal) *intakeView {
	iv := &intakeView{t: t}
	k := t.keys
	iv.search = t.entry("win.intake.search")
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
			o.(*widget.Label).SetText(it.Code + "  " + t.pick(it.Name))
		})
	iv.results.OnSelected = func(i widget.ListItemID) {
		if i < len(iv.found) {
			iv.choose(iv.found[i])
		}
		iv.results.UnselectAll()
	}
	iv.guide = widget.NewLabel("")
	iv.guide.Wrapping = fyne.TextWrapWord

	iv.name = t.entry("win.intake.name")
	iv.idNumber = t.entry("win.intake.idnumber")
	iv.applicant = widget.NewLabel("")
	readKey := k.bind(fyne.KeyR, fyne.KeyModifierControl, iv.readCard)
	read := t.button("win.intake.readcard", readKey, iv.readCard)

	iv.materials = container.NewVBox()
	for i := range digitKeys {
		i := i
		k.bind(digitKeys[i], fyne.KeyModifierControl, func() { iv.toggle(i) })
	}

	iv.advice = widget.NewSelect(nil, nil)
	iv.reason = widget.NewSelect(nil, nil)
	t.static(func() {
		choices(t, iv.advice, app.SupplementAdvice)
		choices(t, iv.reason, app.RefusalReasons)
		iv.reason.PlaceHolder = t.tr("win.intake.reason")
		iv.reason.Refresh()
	})
	iv.advice.SetSelectedIndex(0)
	iv.reasonText = t.entry("win.intake.reasontext")

	acceptKey := k.bind(fyne.KeyS, fyne.KeyModifierControl, iv.accept)
	missingKey := k.bind(fyne.KeyB, fyne.KeyModifierControl, iv.requestMissing)
	refuseKey := k.bind(fyne.KeyJ, fyne.KeyModifierControl, iv.refuse)
	reprintKey := k.bind(fyne.KeyP, fyne.KeyModifierControl, iv.reprint)
	newKey := k.bind(fyne.KeyN, fyne.KeyModifierControl, iv.clear)
	k.bind(fyne.KeyF, fyne.KeyModifierControl, iv.focusSearch)
	acceptB := t.button("win.intake.accept", acceptKey, iv.accept)
	acceptB.Importance = widget.HighImportance
	missingB := t.button("win.intake.missing", missingKey, iv.requestMissing)
	missingB.Importance = widget.WarningImportance
	refuseB := t.button("win.intake.refuse", refuseKey, iv.refuse)
	refuseB.Importance = widget.DangerImportance
	iv.result = widget.NewLabel("")
	iv.result.Wrapping = fyne.TextWrapWord
	iv.result.TextStyle.Bold = true

	adviceLabel := widget.NewLabel("")
	t.static(func() { adviceLabel.SetText(t.tr("win.intake.advice")) })
	left := container.NewBorder(
		container.NewVBox(t.heading("win.intake.step1"), iv.search),
		iv.guide, nil, nil, iv.results)
	iv.panel = container.NewVBox(
		t.heading("win.intake.step2"),
		container.NewBorder(nil, nil, nil, read, container.NewGridWithColumns(2, iv.name, iv.idNumber)),
		iv.applicant,
		t.heading("win.intake.step3"),
		iv.materials,
		widget.NewSeparator(),
		t.heading("win.intake.step4"),
		container.NewGridWithColumns(3, acceptB, missingB, refuseB),
		container.NewGridWithColumns(2, adviceLabel, iv.advice),
		container.NewGridWithColumns(2, iv.reason, iv.reasonText),
		widget.NewSeparator(),
		iv.result,
		container.NewGridWithColumns(2, t.button("win.reprint", reprintKey, iv.reprint), t.button("win.intake.new", newKey, iv.clear)),
	)
	iv.scroll = container.NewVScroll(iv.panel)
	split := container.NewHSplit(left, iv.scroll)
	split.Offset = 0.38
	iv.content = split
	iv.find()
	return iv
}

// choices puts a list's texts in the clerk's language into a select,
// keeping what was chosen.
func choices(t *Terminal, s *widget.Select, list []app.Choice) {
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

// retranslate draws again, in the language just chosen, what the intake
// shows of the item, the applicant, the checklist and the last outcome.
func (iv *intakeView) retranslate() {
	iv.results.Refresh()
	if iv.item != nil {
		iv.describe(*iv.item)
		for i, m := range iv.item.Materials {
			if i < len(iv.tickText) {
				iv.tickText[i].SetText(iv.materialText(i, m))
			}
		}
	}
	if iv.fromCard != nil {
		iv.showApplicant(*iv.fromCard)
	}
	if iv.shown != nil {
		iv.showResult(*iv.shown)
	}
	iv.relayout()
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
	iv.describe(it)
	iv.materials.RemoveAll()
	iv.ticks, iv.tickText = nil, nil
	for i, m := range it.Materials {
		c := newCheck(iv.t.keys, "", nil)
		l := widget.NewLabel(iv.materialText(i, m))
		l.Wrapping = fyne.TextWrapWord
		iv.ticks = append(iv.ticks, c)
		iv.tickText = append(iv.tickText, l)
		iv.materials.Add(container.NewBorder(nil, nil, c, nil, l))
	}
	iv.relayout()
	iv.t.win.Canvas().Focus(iv.name)
}

// describe says which item is chosen and its time limits.
func (iv *intakeView) describe(it app.Item) {
	tr := iv.t.tr
	days := tr("win.intake.days", it.PromisedDays, it.StatutoryDays)
	if len(it.Parallel) > 0 {
		days += tr("win.intake.parallel")
	}
	iv.guide.SetText(tr("win.intake.chosen", it.Code, iv.t.pick(it.Name), days))
}

// materialText is the i-th line of the checklist, with its key.
func (iv *intakeView) materialText(i int, m app.Material) string {
	tr := iv.t.tr
	form := tr("win.material.original")
	if m.Form == app.Copy {
		form = tr("win.material.copy")
	}
	req := tr("win.material.required")
	if !m.Required {
		req = tr("win.material.optional")
	}
	text := tr("win.material", iv.t.pick(m.Name), form, m.Copies, req)
	if i < len(digitKeys) {
		text += fmt.Sprintf("  [Ctrl+%d]", i+1)
	}
	return text
}

func (iv *intakeView) toggle(i int) {
	if i < len(iv.ticks) {
		iv.ticks[i].SetChecked(!iv.ticks[i].Checked)
	}
}

func (iv *intakeView) readCard() {
	var a app.Applicant
	iv.t.act(iv.t.tr("win.intake.readcard"), func(ctx context.Context) (err error) {
		a, err = iv.t.desk.ReadCard(ctx)
		return err
	}, func(err error) { iv.cardRead(a, err) })
}

// cardRead fills the applicant from a card, read on request or placed on
// the reader. The card's holder is shown masked.
func (iv *intakeView) cardRead(a app.Applicant, err error) {
	if err != nil {
		if errors.Is(err, app.ErrNoCard) {
			iv.t.say(iv.t.tr("win.card.none"), true)
		} else {
			iv.t.say(iv.t.tr("win.card.failed", err.Error()), true)
		}
		return
	}
	iv.fromCard = &a
	iv.name.SetText("")
	iv.idNumber.SetText("")
	iv.showApplicant(a)
	iv.t.say(iv.t.tr("win.card.read"), false)
}

// showApplicant shows the applicant read off a card, masked.
func (iv *intakeView) showApplicant(a app.Applicant) {
	iv.applicant.SetText(iv.t.tr("win.card.applicant", app.MaskName(a.Name), a.IDNumber.Masked()))
}

// form gathers the intake, checking the applicant typed by hand.
func (iv *intakeView) form() (desk.IntakeForm, error) {
	if iv.item == nil {
		return desk.IntakeForm{}, errors.New(iv.t.tr("win.intake.noitem"))
	}
	var a app.Applicant
	if iv.fromCard != nil {
		a = *iv.fromCard
	} else {
		var err error
		if a, err = iv.t.desk.Applicant(iv.name.Text, iv.idNumber.Text, ""); err != nil {
			return desk.IntakeForm{}, fmt.Errorf("%s%w", iv.t.tr("win.intake.badapplicant"), err)
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
		iv.t.say(iv.t.said(what, err.Error()), true)
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
	iv.submit(iv.t.tr("win.intake.accept"), iv.t.desk.Accept)
}

func (iv *intakeView) requestMissing() {
	advice := app.SupplementAdvice[max(iv.advice.SelectedIndex(), 0)].Code
	iv.submit(iv.t.tr("win.intake.missing"), func(ctx context.Context, f desk.IntakeForm) (desk.Outcome, error) {
		return iv.t.desk.RequestMissing(ctx, f, advice)
	})
}

func (iv *intakeView) refuse() {
	i := iv.reason.SelectedIndex()
	if i < 0 {
		iv.t.say(iv.t.said(iv.t.tr("win.intake.refuse"), iv.t.tr("win.intake.noreason")), true)
		iv.t.win.Canvas().Focus(iv.reason)
		return
	}
	code, extra := app.RefusalReasons[i].Code, iv.reasonText.Text
	iv.submit(iv.t.tr("win.intake.refuse"), func(ctx context.Context, f desk.IntakeForm) (desk.Outcome, error) {
		return iv.t.desk.Refuse(ctx, f, code, extra)
	})
}

// stateNames are the words for a case's state.
var stateNames = map[app.CaseState]string{
	app.Submitted: "win.case.submitted", app.Accepted: "win.case.accepted", app.SupplementRequested: "win.case.supplement",
	app.Refused: "win.case.refused", app.InReview: "win.case.inreview", app.Approved: "win.case.approved", app.Denied: "win.case.denied",
	app.ResultIssued: "win.case.issued", app.Closed: "win.case.closed",
}

// stateName is a case's state in the clerk's language.
func (t *Terminal) stateName(s app.CaseState) string {
	if k, ok := stateNames[s]; ok {
		return t.tr(k)
	}
	return string(s)
}

// noticeName is a notice by its printed (Chinese) title, explained in the
// clerk's language: the paper itself is always Chinese.
func (t *Terminal) noticeName(k app.NoticeKind) string {
	switch k {
	case app.NoticeAccepted:
		return t.tr("win.notice.accepted")
	case app.NoticeMissing:
		return t.tr("win.notice.missing")
	case app.NoticeRejected:
		return t.tr("win.notice.rejected")
	}
	return k.Title()
}

func (iv *intakeView) showOutcome(out desk.Outcome) {
	iv.last = out.Case.Number
	iv.printErr = out.PrintErr != nil
	iv.showResult(out)
	// The outcome and the reprint key are what the clerk needs next; a
	// long checklist must not push them out of sight.
	iv.scroll.ScrollToBottom()
	c, notice := out.Case, iv.t.noticeName(out.Notice.Kind)
	if out.PrintErr != nil {
		iv.t.say(iv.t.tr("win.outcome.unprinted.say"), true)
	} else {
		iv.t.say(iv.t.tr("win.outcome.printed.say", iv.t.stateName(c.State), c.Number, notice), false)
	}
}

// showResult draws an outcome in the result label.
func (iv *intakeView) showResult(out desk.Outcome) {
	tr := iv.t.tr
	iv.shown = &out
	c, notice := out.Case, iv.t.noticeName(out.Notice.Kind)
	text := tr("win.outcome.case", c.Number, iv.t.stateName(c.State), iv.t.pick(c.ItemName))
	if c.State == app.Accepted {
		text += tr("win.outcome.due", string(c.Due))
	}
	if out.PrintErr != nil {
		text += tr("win.outcome.unprinted", notice, out.PrintErr)
		iv.result.Importance = widget.DangerImportance
	} else {
		text += tr("win.outcome.printed", notice)
		iv.result.Importance = widget.SuccessImportance
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
		iv.t.say(iv.t.tr("win.reprint.none"), true)
		return
	}
	iv.reprintCase(iv.last)
}

func (iv *intakeView) reprintCase(number string) {
	var out desk.Outcome
	iv.t.act(iv.t.tr("win.reprint"), func(ctx context.Context) (err error) {
		out, err = iv.t.desk.Reprint(ctx, number)
		return err
	}, func(err error) {
		if err != nil {
			return
		}
		if out.PrintErr != nil {
			iv.t.say(iv.t.tr("win.reprint.failed", out.PrintErr.Error()), true)
			return
		}
		if number == iv.last {
			iv.showOutcome(out)
		}
		iv.t.say(iv.t.tr("win.reprint.done", iv.t.noticeName(out.Notice.Kind), number), false)
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
	iv.ticks, iv.tickText = nil, nil
	iv.search.SetText("")
	iv.result.SetText("")
	iv.shown = nil
	iv.last = ""
	iv.relayout()
	iv.scroll.ScrollToTop()
	iv.focusSearch()
}

// draw is called on every change of the desk's view; a new ticket starts a
// new intake, so one citizen's data never shows for the next.
func (iv *intakeView) draw(v desk.View) {
	if v.Staff == nil || v.Locked {
		iv.clearForm()
	}
}
