package window

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
)

// followUpView lists the open follow-ups of bad ratings (差评整改) and
// closes one with what was done, chosen from a list.
type followUpView struct {
	t        *Terminal
	content  fyne.CanvasObject
	list     *rows
	rows     []app.OpenFollowUp
	selected int
	action   *dropDown
	seen     string // the last rating whose follow-up the list was reloaded for
	summary  *widget.Label
	loaded   bool // the list has been read: the summary has something to say
}

func newFollowUpView(t *Terminal) *followUpView {
	fv := &followUpView{t: t, selected: -1}
	k := t.keys
	fv.summary = widget.NewLabel("")
	fv.list = newRows(k, func() int { return len(fv.rows) },
		func() fyne.CanvasObject { return rowLabel() },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := fv.rows[i]
			late := ""
			if f.Late {
				late = t.tr("win.followup.late")
			}
			o.(*widget.Label).SetText(t.tr("win.followup.row",
				t.pick(f.Level.Name()), t.tr("win.window", f.Window)+" "+f.Clerk, f.Opened.In(app.HallZone).Format("01-02 15:04"), string(f.Due), late))
		})
	fv.list.OnSelected = func(i widget.ListItemID) { fv.selected = i }
	fv.action = newDropDown(t.keys)
	t.static(func() {
		choices(t, fv.action, app.FollowUpActions)
		fv.action.PlaceHolder = t.tr("win.followup.action")
		fv.action.Refresh()
		if fv.loaded {
			fv.count()
		}
	})
	resolveKey := k.bind(fyne.KeyE, fyne.KeyModifierControl, fv.resolve)
	resolve := t.button("win.followup.resolve", resolveKey, fv.resolve)
	fv.content = container.NewBorder(fv.summary, container.NewGridWithColumns(2, fv.action, resolve), nil, nil, fv.list)
	return fv
}

func (fv *followUpView) reload() {
	rows, err := fv.t.desk.FollowUps(fv.t.ctx)
	if err != nil {
		fv.t.say(fv.t.said(fv.t.tr("win.tab.followups"), fv.t.errorText(err)), true)
		return
	}
	fv.rows, fv.selected, fv.loaded = rows, -1, true
	if len(rows) == 1 {
		fv.selected = 0
	}
	fv.count()
	fv.list.UnselectAll()
	fv.list.Refresh()
}

// count says how many follow-ups are open.
func (fv *followUpView) count() {
	fv.summary.SetText(fv.t.tr("win.followup.count", len(fv.rows)))
}

// draw reloads the list when a new rating may have opened a follow-up.
func (fv *followUpView) draw(v desk.View) {
	if v.Staff == nil || v.Locked {
		return
	}
	if v.LastRate != nil && v.LastRate.FollowUp != nil && v.LastRate.Rating.ID != fv.seen {
		fv.seen = v.LastRate.Rating.ID
		fv.reload()
	}
}

func (fv *followUpView) resolve() {
	if fv.selected < 0 || fv.selected >= len(fv.rows) {
		fv.t.say(fv.t.said(fv.t.tr("win.followup.resolve"), fv.t.tr("win.followup.noselection")), true)
		return
	}
	i := fv.action.SelectedIndex()
	if i < 0 {
		fv.t.say(fv.t.said(fv.t.tr("win.followup.resolve"), fv.t.tr("win.followup.noaction")), true)
		fv.t.win.Canvas().Focus(fv.action)
		return
	}
	rating, action := fv.rows[fv.selected].Rating, app.FollowUpActions[i].Code
	fv.t.act(fv.t.tr("win.followup.resolve"), func(ctx context.Context) error { return fv.t.desk.ResolveFollowUp(ctx, rating, action) }, func(err error) {
		if err == nil {
			fv.t.say(fv.t.tr("win.followup.done"), false)
			fv.action.ClearSelected()
			fv.reload()
		}
	})
}
