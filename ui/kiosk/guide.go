package kiosk

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

// showGuide is the service guide: the departments, and a search by pinyin
// initials or item code typed on the on-screen keyboard.
func (k *Kiosk) showGuide() {
	var depts []fyne.CanvasObject
	for _, d := range k.catalog.DepartmentsWithItems() {
		d := d
		depts = append(depts, k.button(theme.Pick(d.Name), func() { k.showDepartment(d) }))
	}
	search := k.button(theme.L("guide.search"), k.showSearch)
	search.Importance = widget.HighImportance
	body := container.NewBorder(container.NewVBox(search, bold(theme.L("guide.departments"))), nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, depts...)))
	k.show("guide", theme.L("guide.title"), body, nil)
}

func (k *Kiosk) showDepartment(d app.Department) {
	var items []fyne.CanvasObject
	for _, it := range k.catalog.ItemsOf(d.Code) {
		it := it
		items = append(items, k.button(theme.Pick(it.Name), func() { k.showItem(it, nil) }))
	}
	back := k.button(theme.L("common.back"), k.showGuide)
	k.show("department", theme.Pick(d.Name), container.NewBorder(nil, back, nil, nil, k.list(items...)), nil)
}

// showSearch types pinyin initials (hkqy for 户口迁移) or a code; the
// matches show as the citizen types.
func (k *Kiosk) showSearch() {
	query := widget.NewLabel("")
	query.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	results := container.NewVBox()
	update := func(q string) {
		query.SetText(theme.L("guide.query") + " " + strings.ToLower(q) + "_")
		results.Objects = nil
		if q != "" {
			found := app.SearchItems(k.catalog.Items, strings.ToLower(q))
			for i, it := range found {
				if i == 8 {
					results.Add(text(fmt.Sprintf(theme.L("guide.more"), len(found)-8)))
					break
				}
				it := it
				results.Add(k.button(theme.Pick(it.Name), func() { k.showItem(it, k.showSearch) }))
			}
			if len(found) == 0 {
				results.Add(text(theme.L("guide.none")))
			}
		}
		results.Refresh()
	}
	pad := touch.NewKeypad(touch.Letters, 12, update)
	pad.OnKey = k.touched
	update("")
	body := container.NewBorder(container.NewVBox(text(theme.L("guide.search.hint")), query), pad, nil, nil,
		container.NewVScroll(results))
	k.show("search", theme.L("guide.search"), body, nil)
	k.searchPad = pad
}

// showItem shows an item's guide: materials, conditions, time limits and
// fees, with a button to print it. back returns to where the citizen came
// from (nil: the item's department).
func (k *Kiosk) showItem(it app.Item, back func()) {
	if back == nil && len(it.Departments) > 0 {
		if d, ok := k.catalog.Department(it.Departments[0]); ok {
			back = func() { k.showDepartment(d) }
		}
	}
	if back == nil {
		back = k.showGuide
	}
	l := string(theme.CurrentLanguage())
	var lines []fyne.CanvasObject
	for _, line := range k.catalog.GuideLines(it, l) {
		if strings.HasSuffix(line, "：") || strings.HasSuffix(line, ":") {
			lines = append(lines, bold(line))
			continue
		}
		if line == "" {
			continue
		}
		lines = append(lines, text(line))
	}
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	status.TextStyle = fyne.TextStyle{Bold: true}
	print := k.button(theme.L("guide.print"), func() { k.printGuide(it, status) })
	print.Importance = widget.HighImportance
	buttons := container.NewGridWithColumns(2, k.button(theme.L("common.back"), back), print)
	body := container.NewBorder(nil, container.NewVBox(status, buttons), nil, nil, k.list(lines...))
	k.show("item", theme.Pick(it.Name), body, nil)
}

// printGuide prints the guide in Chinese, as the hall publishes it.
func (k *Kiosk) printGuide(it app.Item, status *widget.Label) {
	if k.cfg.Printer == nil {
		status.Importance = widget.DangerImportance
		k.setStatus(status, problemText(app.ProblemNotSetUp))
		return
	}
	status.Importance = widget.MediumImportance
	k.setStatus(status, theme.L("guide.printing"))
	doc := app.DocumentPrint{HallName: k.cfg.HallName.Zh, Title: "办事指南 " + it.Name.Zh,
		Lines: k.catalog.GuideLines(it, "zh"), Printed: k.cfg.Clock.Now().In(app.HallZone)}
	async(k, func(ctx context.Context) app.KioskProblem {
		if err := k.cfg.Printer.PrintDocument(ctx, doc); err != nil {
			k.log.Warn("guide print failed", "item", it.Code, "err", err)
			ps, serr := k.cfg.Printer.Status(ctx)
			return app.PrintProblem(ps, serr)
		}
		return app.ProblemNone
	}, func(p app.KioskProblem) {
		if p == app.ProblemNone {
			k.setStatus(status, theme.L("guide.printed"))
			return
		}
		status.Importance = widget.DangerImportance
		k.setStatus(status, problemText(p))
	})
}
