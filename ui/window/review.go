package window

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
)

// reviewView is 预审: the hall's self-service applications submitted at a
// kiosk, for the items this window serves, oldest first. Ctrl+K (or the
// tab, whose title counts them) opens the oldest; the clerk checks its
// materials against what the citizen said they hold and accepts it, asks
// for what is missing or refuses it, each printing its notice as at
// intake, with the intake's own checklist and outcomes.
type reviewView struct {
	t       *Terminal
	content fyne.CanvasObject
	tab     *container.TabItem

	left  *fyne.Container // the count above the list
	count *widget.Label
	list  *rows
	rows  []app.Case

	header    *widget.Label
	open      *app.Case // the application open, nil for none
	materials *checklist
	out       *outcomes
	panel     *fyne.Container
	scroll    *container.Scroll
}

func newReviewView(t *Terminal, keys outcomeKeys) *reviewView {
	r := &reviewView{t: t}
	r.count = widget.NewLabel("")
	r.count.Wrapping = fyne.TextWrapWord
	r.list = newRows(t.keys, func() int { return len(r.rows) },
		func() fyne.CanvasObject { return rowLabel() },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := r.rows[i]
			o.(*widget.Label).SetText(c.Submitted.In(app.HallZone).Format("01-02 15:04") + "  " + app.MaskName(c.Applicant.Name) +
				"  " + t.pick(c.ItemName) + "  " + c.Number)
		})
	r.list.OnSelected = func(i widget.ListItemID) {
		if i < len(r.rows) && (r.open == nil || r.open.Number != r.rows[i].Number) {
			r.openApp(r.rows[i].Number)
		}
	}
	r.header = widget.NewLabel("")
	r.header.Wrapping = fyne.TextWrapWord
	r.header.TextStyle.Bold = true
	r.materials = newChecklist(t)
	r.out = newOutcomes(t, keys, r, nil)
	r.panel = container.NewVBox(r.header,
		t.heading("win.review.step3"), r.materials.box,
		widget.NewSeparator(),
		t.heading("win.review.step4"), r.out.content)
	r.scroll = container.NewVScroll(r.panel)
	r.out.scroll, r.out.relayout = r.scroll, r.relayout
	r.left = container.NewBorder(r.count, nil, nil, nil, r.list)
	split := container.NewHSplit(r.left, r.scroll)
	split.Offset = 0.38
	r.content = split
	r.tab = container.NewTabItem("", r.content)
	r.closeApp()
	return r
}

// title is the tab's: its name, the applications waiting as last
// counted, and its key.
func (r *reviewView) title(waiting int) string {
	return r.t.tr("win.tab.review", waiting) + " [Ctrl+K]"
}

// show reads the list again and, when none is open, opens the oldest
// application: first come, first reviewed.
func (r *reviewView) show() {
	r.reload()
	if r.open == nil && len(r.rows) > 0 {
		r.openApp(r.rows[0].Number)
	}
}

// reload reads the applications waiting for this window.
func (r *reviewView) reload() {
	rows, err := r.t.desk.PreReview(r.t.ctx)
	if err != nil {
		r.t.say(r.t.said(r.t.tr("win.review.list"), r.t.errorText(err)), true)
		return
	}
	r.rows = rows
	r.countRows()
	r.list.Refresh()
	r.mark()
}

// mark selects the application open in the list, if it is there.
func (r *reviewView) mark() {
	for i, c := range r.rows {
		if r.open != nil && c.Number == r.open.Number {
			r.list.Select(i)
			return
		}
	}
	r.list.UnselectAll()
}

func (r *reviewView) countRows() {
	if len(r.rows) == 0 {
		r.count.SetText(r.t.tr("win.review.none"))
	} else {
		r.count.SetText(r.t.tr("win.review.count", len(r.rows)))
	}
	r.left.Refresh() // the count may take another number of lines
}

// openApp opens an application as the hall has it now: one another window
// has just reviewed is not opened again.
func (r *reviewView) openApp(number string) {
	d, ok := r.t.openCase("win.review.open", number)
	if !ok {
		return
	}
	if d.Case.State != app.Submitted {
		r.t.say(r.t.tr("win.review.gone", number, r.t.stateName(d.Case.State)), true)
		r.reload()
		return
	}
	r.open = &d.Case
	r.out.clearChoices()
	r.materials.show(d.Item, d.Case.Received)
	r.describe()
	r.mark()
	r.scroll.ScrollToTop()
}

// describe says which application is open.
func (r *reviewView) describe() {
	c := r.open
	if c == nil {
		r.header.SetText(r.t.tr("win.review.choose"))
	} else {
		r.header.SetText(r.t.tr("win.review.header", c.Number, r.t.pick(c.ItemName),
			app.MaskName(c.Applicant.Name), c.Applicant.IDNumber.Masked(), c.Submitted.In(app.HallZone).Format("01-02 15:04")))
	}
	r.relayout()
}

// closeApp forgets the application open; the last outcome stays shown.
func (r *reviewView) closeApp() {
	r.open = nil
	r.materials.reset()
	r.out.clearChoices()
	r.describe()
	r.list.UnselectAll()
}

func (r *reviewView) relayout() {
	r.panel.Refresh()
	r.scroll.Refresh()
}

// decide runs one outcome on the application open, then reads the list
// again.
func (r *reviewView) decide(what string, fn func(ctx context.Context, number string, received []int) (desk.Outcome, error)) {
	if r.open == nil {
		r.t.say(r.t.said(what, r.t.tr("win.review.noopen")), true)
		return
	}
	number, received := r.open.Number, r.materials.received()
	r.out.decide(what, func(ctx context.Context) (desk.Outcome, error) { return fn(ctx, number, received) }, func() {
		r.closeApp()
		r.reload()
	})
}

func (r *reviewView) accept() {
	r.decide(r.t.tr("win.intake.accept"), r.t.desk.AcceptApplication)
}

func (r *reviewView) requestMissing() {
	advice := r.out.adviceCode()
	r.decide(r.t.tr("win.intake.missing"), func(ctx context.Context, number string, received []int) (desk.Outcome, error) {
		return r.t.desk.AskForMaterials(ctx, number, received, advice)
	})
}

func (r *reviewView) refuse() {
	if r.open == nil {
		r.t.say(r.t.said(r.t.tr("win.intake.refuse"), r.t.tr("win.review.noopen")), true)
		return
	}
	code, extra, ok := r.out.refusal()
	if !ok {
		return
	}
	r.decide(r.t.tr("win.intake.refuse"), func(ctx context.Context, number string, _ []int) (desk.Outcome, error) {
		return r.t.desk.RefuseApplication(ctx, number, code, extra)
	})
}

func (r *reviewView) reprint() { r.out.reprint() }

func (r *reviewView) toggle(i int) { r.materials.toggle(i) }

// retranslate draws the list, the application open and the last outcome
// again in the language just chosen.
func (r *reviewView) retranslate() {
	r.list.Refresh()
	if r.rows != nil {
		r.countRows()
	}
	r.materials.retranslate()
	r.out.retranslate()
	r.describe()
}

// draw is called on every change of the desk's view: the tab's title
// counts the applications waiting, and a locked screen forgets the
// application open.
func (r *reviewView) draw(v desk.View) {
	if v.Staff == nil || v.Locked {
		if r.open != nil {
			r.closeApp()
		}
		return
	}
	if title := r.title(v.Applications); r.tab.Text != title {
		r.tab.Text = title
		r.t.tabs.Refresh()
	}
}
