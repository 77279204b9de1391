package kiosk

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/ui/theme"
)

// showPlace shows where the ticket of a code scanned at home is now, from
// the hall hub's queue: what a citizen holding a ticket most likely came
// back to ask. A ticket served today is rated from here.
func (k *Kiosk) showPlace(code string) {
	type result struct {
		v selfservice.TicketView
		p app.KioskProblem
	}
	async(k, func(ctx context.Context) result {
		v, p := k.svc.TicketByCode(ctx, code)
		return result{v, p}
	}, func(r result) { k.drawPlace(r.v, r.p, code) })
}

func (k *Kiosk) drawPlace(v selfservice.TicketView, p app.KioskProblem, code string) {
	if p != app.ProblemNone {
		k.show("place", k.tr("place.title"), bold(k.tr("place.hint")), k.message(k.problemText(p), true))
		k.onScan = k.showPlace
		return
	}
	t := v.Ticket
	centred := func(s string, strong bool) *widget.Label {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignCenter, fyne.TextStyle{Bold: strong})
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	var state string
	switch t.State {
	case app.Waiting:
		state = k.tr("place.waiting", t.Ahead, minutes(t.Wait))
	case app.Called:
		state = k.tr("place.called", t.Window)
	case app.Serving:
		state = k.tr("place.serving", t.Window)
	case app.Done:
		state = k.tr("place.done")
	default:
		state = k.tr("place.no_show")
	}
	info := container.NewVBox(
		container.NewCenter(k.hero(t.Code, k.theme.Size(theme.SizeNameHero))),
		centred(k.pick(v.Category), true),
		centred(state, true),
	)
	var buttons []fyne.CanvasObject
	if v.Rateable {
		rate := k.button(k.tr("place.rate"), func() {
			k.showRate()
			k.onScan(code)
		})
		rate.Importance = widget.HighImportance
		buttons = append(buttons, rate)
	}
	buttons = append(buttons, k.button(k.tr("ticket.done"), func() { k.Home() }))
	k.show("place", k.tr("place.title"), container.NewBorder(nil, container.NewVBox(buttons...), nil, nil, info), nil)
	k.onScan = k.showPlace
}
