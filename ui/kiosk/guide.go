package kiosk

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/ui/touch"
)

// showGuide is the service guide: the departments, and a search by pinyin
// initials or item code typed on the on-screen keyboard.
func (k *Kiosk) showGuide() {
	var depts []fyne.CanvasObject
	for _, d := range k.svc.Departments() {
		d := d
		depts = append(depts, k.button(k.pick(d.Name), func() { k.showDepartment(d) }))
	}
	search := k.button(k.tr("guide.search"), k.showSearch)
	search.Importance = widget.HighImportance
	body := container.NewBorder(container.NewVBox(search, bold(k.tr("guide.departments"))), nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, depts...)))
	k.show("guide", k.tr("guide.title"), body, nil)
}

func (k *Kiosk) showDepartment(d app.Department) {
	var items []fyne.CanvasObject
	for _, it := range k.svc.ItemsOf(d.Code) {
		it := it
		items = append(items, k.button(k.pick(it.Name), func() { k.showItem(it, nil) }))
	}
	back := k.button(k.tr("common.back"), k.showGuide)
	k.show("department", k.pick(d.Name), container.NewBorder(nil, back, nil, nil, k.list(items...)), nil)
}

// showSearch types pinyin initials (hkqy for 户口迁移) or a code; the
// matches show as the citizen types.
func (k *Kiosk) showSearch() {
	query := widget.NewLabel("")
	query.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	results := container.NewVBox()
	update := func(q string) {
		query.SetText(k.tr("guide.query") + " " + strings.ToLower(q) + "_")
		results.Objects = nil
		if q != "" {
			found := k.svc.Search(q)
			for i, it := range found {
				if i == 8 {
					results.Add(text(k.tr("guide.more", len(found)-8)))
					break
				}
				it := it
				results.Add(k.button(k.pick(it.Name), func() { k.showItem(it, k.showSearch) }))
			}
			if len(found) == 0 {
				results.Add(text(k.tr("guide.none")))
			}
		}
		results.Refresh()
	}
	pad := touch.NewKeypad(touch.Letters, 12, update)
	pad.OnKey = k.touched
	update("")
	body := container.NewBorder(container.NewVBox(text(k.tr("guide.search.hint")), query), pad, nil, nil,
		container.NewVScroll(results))
	k.show("search", k.tr("guide.search"), body, nil)
	k.searchPad = pad
}

// showItem shows an item's guide: materials, conditions, time limits and
// fees, with a button to print it. back returns to where the citizen came
// from (nil: the item's department).
func (k *Kiosk) showItem(it app.Item, back func()) {
	if back == nil && len(it.Departments) > 0 {
		if d, ok := k.svc.Department(it.Departments[0]); ok {
			back = func() { k.showDepartment(d) }
		}
	}
	if back == nil {
		back = k.showGuide
	}
	var lines []fyne.CanvasObject
	for _, line := range k.svc.Guide(it, k.lang()) {
		if strings.HasSuffix(line, "：") || strings.HasSuffix(line, ":") {
			lines = append(lines, bold(line))
			continue
		}
		if line == "" {
			continue
		}
		lines = append(lines, guideLine(line))
	}
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	status.TextStyle = fyne.TextStyle{Bold: true}
	print := k.button(k.tr("guide.print"), func() { k.printGuide(it, status) })
	print.Importance = widget.HighImportance
	buttons := container.NewGridWithColumns(2, k.button(k.tr("common.back"), back), print)
	body := container.NewBorder(nil, container.NewVBox(status, buttons), nil, nil, k.list(lines...))
	k.show("item", k.pick(it.Name), body, nil)
}

// printGuide prints the item's guide as the use case makes it.
func (k *Kiosk) printGuide(it app.Item, status *widget.Label) {
	if k.cfg.Printer == nil {
		status.Importance = widget.DangerImportance
		k.setStatus(status, k.problemText(app.ProblemNotSetUp))
		return
	}
	status.Importance = widget.MediumImportance
	k.setStatus(status, k.tr("guide.printing"))
	paper := k.svc.GuidePaper(it)
	async(k, func(ctx context.Context) app.KioskProblem {
		return k.svc.Print(ctx, k.cfg.Printer, paper)
	}, func(p app.KioskProblem) {
		if p == app.ProblemNone {
			k.setStatus(status, k.tr("guide.printed"))
			return
		}
		status.Importance = widget.DangerImportance
		k.setStatus(status, k.problemText(p))
	})
}
