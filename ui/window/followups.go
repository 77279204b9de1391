package window

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/desk"
	"onewindow/app/store"
)

// followUpView lists the open follow-ups of bad ratings (差评整改) and
// closes one with what was done, chosen from a list.
type followUpView struct {
	t        *Terminal
	content  fyne.CanvasObject
	list     *widget.List
	rows     []store.OpenFollowUp
	selected int
	action   *widget.Select
	seen     string // the last rating whose follow-up the list was reloaded for
	summary  *widget.Label
}

func newFollowUpView(t *Terminal) *followUpView {
	fv := &followUpView{t: t, selected: -1}
	k := t.keys
	fv.summary = widget.NewLabel("")
	fv.list = widget.NewList(func() int { return len(fv.rows) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := fv.rows[i]
			late := ""
			if f.Late {
				late = "  已逾期"
			}
			o.(*widget.Label).SetText(fmt.Sprintf("%s  %d号窗口 %s  开启 %s  须于 %s 前整改%s",
				f.Level.Name().Zh, f.Window, f.Clerk, f.Opened.In(app.HallZone).Format("01-02 15:04"), f.Due, late))
		})
	fv.list.OnSelected = func(i widget.ListItemID) { fv.selected = i }
	var texts []string
	for _, a := range app.FollowUpActions {
		texts = append(texts, a.Text.Zh)
	}
	fv.action = widget.NewSelect(texts, nil)
	fv.action.PlaceHolder = "选择整改情况"
	resolveKey := k.bind(fyne.KeyE, fyne.KeyModifierControl, fv.resolve)
	resolve := newButton(k, "完成整改", resolveKey, fv.resolve)
	fv.content = container.NewBorder(fv.summary, container.NewGridWithColumns(2, fv.action, resolve), nil, nil, fv.list)
	return fv
}

func (fv *followUpView) reload() {
	rows, err := fv.t.desk.FollowUps(fv.t.ctx)
	if err != nil {
		fv.t.say("差评整改："+errorText(err), true)
		return
	}
	fv.rows, fv.selected = rows, -1
	if len(rows) == 1 {
		fv.selected = 0
	}
	fv.summary.SetText(fmt.Sprintf("待整改 %d 件（差评须在期限内回访整改）", len(rows)))
	fv.list.UnselectAll()
	fv.list.Refresh()
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
		fv.t.say("完成整改：请先在列表中选择一件", true)
		return
	}
	i := fv.action.SelectedIndex()
	if i < 0 {
		fv.t.say("完成整改：请选择整改情况", true)
		fv.t.win.Canvas().Focus(fv.action)
		return
	}
	rating, action := fv.rows[fv.selected].Rating, app.FollowUpActions[i].Code
	fv.t.act("完成整改", func(ctx context.Context) error { return fv.t.desk.ResolveFollowUp(ctx, rating, action) }, func(err error) {
		if err == nil {
			fv.t.say("差评整改已完成", false)
			fv.action.ClearSelected()
			fv.reload()
		}
	})
}
