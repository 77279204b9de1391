package window

import (
	"context"
	"errors"
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
	results *rows
	found   []app.Item
	guide   *widget.Label

	name      *entry
	idNumber  *entry
	fromCard  *app.Applicant // the applicant read off an ID card, if any
	applicant *widget.Label

	list *checklist // the chosen item's materials; list.item is the item
	out  *outcomes

	panel  *fyne.Container
	scroll *container.Scroll
}

const maxResults = 8

func newIntakeView(t *Terminal, keys outcomeKeys) *intakeView {
	iv := &intakeView{t: t}
	k := t.keys
	iv.search = t.entry("win.intake.search")
	iv.search.OnChanged = func(string) { iv.find() }
	iv.search.onEnter = func() {
		if len(iv.found) > 0 {
			iv.choose(iv.found[0])
		}
	}
	iv.results = newRows(k, func() int { return len(iv.found) },
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

	iv.list = newChecklist(t)
	newKey := k.bind(fyne.KeyN, fyne.KeyModifierControl, iv.clear)
	k.bind(fyne.KeyF, fyne.KeyModifierControl, iv.focusSearch)
	iv.out = newOutcomes(t, keys, iv, t.button("win.intake.new", newKey, iv.clear))

	left := container.NewBorder(
		container.NewVBox(t.heading("win.intake.step1"), iv.search),
		iv.guide, nil, nil, iv.results)
	iv.panel = container.NewVBox(
		t.heading("win.intake.step2"),
		container.NewBorder(nil, nil, nil, read, container.NewGridWithColumns(2, iv.name, iv.idNumber)),
		iv.applicant,
		t.heading("win.intake.step3"),
		iv.list.box,
		widget.NewSeparator(),
		t.heading("win.intake.step4"),
		iv.out.content,
	)
	iv.scroll = container.NewVScroll(iv.panel)
	iv.out.scroll, iv.out.relayout = iv.scroll, iv.relayout
	split := container.NewHSplit(left, iv.scroll)
	split.Offset = 0.38
	iv.content = split
	iv.find()
	return iv
}

// retranslate draws again, in the language just chosen, what the intake
// shows of the item, the applicant, the checklist and the last outcome.
func (iv *intakeView) retranslate() {
	iv.results.Refresh()
	if iv.list.item != nil {
		iv.describe(*iv.list.item)
	}
	iv.list.retranslate()
	if iv.fromCard != nil {
		iv.showApplicant(*iv.fromCard)
	}
	iv.out.retranslate()
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
	iv.describe(it)
	iv.list.show(it, nil)
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

func (iv *intakeView) toggle(i int) { iv.list.toggle(i) }

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
			iv.t.say(iv.t.tr("win.card.failed", iv.t.errorText(err)), true)
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
	if a.Document != app.ResidentID {
		iv.applicant.SetText(iv.t.tr("win.card.applicant.doc", app.MaskName(a.Name), a.IDNumber.Masked(), iv.t.pick(a.Document.Name())))
		return
	}
	iv.applicant.SetText(iv.t.tr("win.card.applicant", app.MaskName(a.Name), a.IDNumber.Masked()))
}

// form gathers the intake, checking the applicant typed by hand.
func (iv *intakeView) form() (desk.IntakeForm, error) {
	if iv.list.item == nil {
		return desk.IntakeForm{}, errors.New(iv.t.tr("win.intake.noitem"))
	}
	var a app.Applicant
	if iv.fromCard != nil {
		a = *iv.fromCard
	} else {
		var err error
		if a, err = iv.t.desk.Applicant(iv.name.Text, iv.idNumber.Text, ""); err != nil {
			// The words are the clerk's: the form's errors are shown as
			// they are.
			fields, ok := iv.t.problemFields(err)
			if !ok {
				fields = iv.t.errorText(err)
			}
			return desk.IntakeForm{}, errors.New(iv.t.tr("win.intake.badapplicant") + fields)
		}
	}
	return desk.IntakeForm{Item: *iv.list.item, Applicant: a, Received: iv.list.received()}, nil
}

func (iv *intakeView) submit(what string, fn func(ctx context.Context, f desk.IntakeForm) (desk.Outcome, error)) {
	f, err := iv.form()
	if err != nil {
		iv.t.say(iv.t.said(what, err.Error()), true)
		return
	}
	iv.out.decide(what, func(ctx context.Context) (desk.Outcome, error) { return fn(ctx, f) }, iv.clearForm)
}

func (iv *intakeView) accept() {
	iv.submit(iv.t.tr("win.intake.accept"), iv.t.desk.Accept)
}

func (iv *intakeView) requestMissing() {
	advice := iv.out.adviceCode()
	iv.submit(iv.t.tr("win.intake.missing"), func(ctx context.Context, f desk.IntakeForm) (desk.Outcome, error) {
		return iv.t.desk.RequestMissing(ctx, f, advice)
	})
}

func (iv *intakeView) refuse() {
	code, extra, ok := iv.out.refusal()
	if !ok {
		return
	}
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

// relayout lays the form out again after a part of it changed size (a new
// checklist, a result of several lines).
func (iv *intakeView) relayout() {
	iv.panel.Refresh()
	iv.scroll.Refresh()
}

func (iv *intakeView) reprint() { iv.out.reprint() }

// clearForm forgets the applicant and the ticks, keeping the result shown.
func (iv *intakeView) clearForm() {
	iv.fromCard = nil
	iv.name.SetText("")
	iv.idNumber.SetText("")
	iv.applicant.SetText("")
	iv.out.clearChoices()
	iv.list.untick()
}

// clear starts a new intake.
func (iv *intakeView) clear() {
	iv.clearForm()
	iv.guide.SetText("")
	iv.list.reset()
	iv.search.SetText("")
	iv.out.clearResult()
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
