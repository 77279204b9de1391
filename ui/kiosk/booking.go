package kiosk

import (
	"context"
	"strings"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/ui/touch"
)

// The booking check-in (预约签到, issue 18 §3): from the take-a-number
// page, a citizen with a booking of today reads their ID card or types the
// booking's 8-digit code; the hall hub checks it in and issues the ticket
// with the appointment priority, which prints as any ticket does. Too
// early, too late, checked in already and no booking today each say what
// to do in plain words.

// showCheckIn is the check-in page.
func (k *Kiosk) showCheckIn() { k.drawCheckIn("", false) }

func (k *Kiosk) drawCheckIn(msg string, problem bool) {
	typed := widget.NewLabel("")
	typed.TextStyle.Bold, typed.TextStyle.Monospace = true, true
	show := func(s string) { typed.SetText(k.tr("checkin.code") + " " + s + strings.Repeat("_", max(0, 8-len(s)))) }
	pad := touch.NewKeypad(touch.Digits, 8, show)
	pad.OnKey = k.touched
	show("")
	send := k.button(k.tr("checkin.send"), func() {
		code := pad.Text()
		k.checkIn(func(ctx context.Context) (selfservice.CheckIn, app.KioskProblem) {
			return k.svc.CheckInByCode(ctx, code)
		})
	})
	send.Importance = widget.HighImportance
	back := k.button(k.tr("checkin.back"), func() { k.showNumber() })
	top := container.NewVBox(bold(k.tr("checkin.hint")), typed)
	body := container.NewBorder(top, container.NewGridWithColumns(2, back, send), nil, nil, pad)
	k.show("checkin", k.tr("checkin.title"), body, k.notice(msg, problem))
	// The QR code of the confirmation page holds the code: the scanner types it.
	k.onScan = func(code string) {
		k.checkIn(func(ctx context.Context) (selfservice.CheckIn, app.KioskProblem) {
			return k.svc.CheckInByCode(ctx, strings.TrimSpace(code))
		})
	}
	k.takeCards(func(c app.IDCard, err error) {
		if err != nil {
			k.drawCheckIn(k.cardProblem(err), true)
			return
		}
		k.drawCheckIn(k.tr("checkin.checking"), false)
		k.checkIn(func(ctx context.Context) (selfservice.CheckIn, app.KioskProblem) { return k.svc.CheckInByCard(ctx, c) })
	})
	k.prompt(PromptCard)
}

// checkIn asks the hub and shows what came of it: the ticket, or why not.
func (k *Kiosk) checkIn(work func(ctx context.Context) (selfservice.CheckIn, app.KioskProblem)) {
	type result struct {
		ci selfservice.CheckIn
		p  app.KioskProblem
	}
	async(k, func(ctx context.Context) result {
		ci, p := work(ctx)
		return result{ci, p}
	}, func(r result) {
		if r.p != app.ProblemNone {
			k.drawCheckIn(k.problemText(r.p), true)
			return
		}
		if r.ci.Outcome == app.CheckedIn && r.ci.Issued != nil {
			k.showTicket(*r.ci.Issued)
			return
		}
		k.drawCheckIn(k.checkInText(r.ci), true)
	})
}

// checkInText says why a booking was not checked in, and what to do.
func (k *Kiosk) checkInText(ci selfservice.CheckIn) string {
	slot := ""
	if b := ci.Booking; b != nil {
		slot = string(b.Day) + " " + b.Slot
	}
	switch ci.Outcome {
	case app.CheckInEarly:
		return k.tr("checkin.early", slot, ci.Opens.In(app.HallZone).Format("15:04"))
	case app.CheckInLate:
		return k.tr("checkin.late", slot, ci.Closes.In(app.HallZone).Format("15:04"))
	case app.CheckInAlready:
		return k.tr("checkin.already", ci.Ticket)
	case app.CheckInGone:
		return k.tr("checkin.cancelled")
	}
	if ci.Booking != nil {
		return k.tr("checkin.other_day", slot)
	}
	return k.tr("checkin.none")
}
