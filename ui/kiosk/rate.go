package kiosk

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/ui/touch"
)

// showRate asks what to rate: scan the ticket or receipt, or type the
// ticket's number (A012) on the keypad.
func (k *Kiosk) showRate() { k.drawRate("", false) }

func (k *Kiosk) drawRate(msg string, problem bool) {
	typed := widget.NewLabel("")
	typed.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	next := k.button(k.tr("rate.next"), func() {
		r, p := selfservice.RateTyped(k.ratePad.Text())
		if p != app.ProblemNone {
			k.drawRate(k.problemText(p), true)
			return
		}
		k.showLevels(&r)
	})
	next.Importance = widget.HighImportance
	pad := touch.NewKeypad(touch.Letters, 4, func(s string) { typed.SetText(k.tr("rate.ticket") + " " + s + "_") })
	pad.OnKey = k.touched
	k.ratePad = pad
	typed.SetText(k.tr("rate.ticket") + " _")
	body := container.NewBorder(container.NewVBox(bold(k.tr("rate.hint")), typed), next, nil, nil, pad)
	k.show("rate", k.tr("rate.title"), body, k.notice(msg, problem))
	k.onScan = func(code string) {
		r, p := selfservice.RateScanned(code)
		if p != app.ProblemNone {
			k.drawRate(k.problemText(p), true)
			return
		}
		k.showLevels(&r)
	}
}

// showLevels offers the five national levels, best first.
func (k *Kiosk) showLevels(r *selfservice.Rating) {
	var rows []fyne.CanvasObject
	for _, l := range selfservice.Levels() {
		l := l
		b := k.button(k.pick(l.Name()), func() {
			r.Level = l
			if r.NeedsReason() {
				k.showReasons(r, "")
				return
			}
			k.saveRating(r)
		})
		if l.Bad() {
			b.Importance = widget.WarningImportance
		}
		rows = append(rows, b)
	}
	k.show("rate-level", k.tr("rate.title"), container.NewBorder(bold(k.tr("rate.for")+" "+r.For()), nil, nil, nil, k.list(rows...)), nil)
}

// showReasons asks why, for a bad rating: at least one reason from the list.
func (k *Kiosk) showReasons(r *selfservice.Rating, problem string) {
	var rows []fyne.CanvasObject
	for _, x := range app.BadRatingReasons {
		code := x.Code
		rows = append(rows, newTick(k.pick(x.Text), r.Gives(code), func(on bool) {
			k.touched()
			r.Reason(code, on)
		}))
	}
	send := k.button(k.tr("rate.send"), func() { k.saveRating(r) })
	send.Importance = widget.HighImportance
	var m fyne.CanvasObject
	if problem != "" {
		m = k.message(problem, true)
	}
	k.show("rate-reasons", k.tr("rate.title"), container.NewBorder(bold(k.tr("rate.why")), send, nil, nil, k.list(rows...)), m)
}

func (k *Kiosk) saveRating(r *selfservice.Rating) {
	rating := *r // as chosen at the tap
	type result struct {
		followUp bool
		p        app.KioskProblem
	}
	async(k, func(ctx context.Context) result {
		f, p := k.svc.Rate(ctx, rating)
		return result{f, p}
	}, func(res result) {
		switch res.p {
		case app.ProblemNone:
		case selfservice.ProblemNeedReason:
			k.showReasons(r, k.problemText(res.p))
			return
		default:
			// Refused by the hall (not served today, not the hall's, rated
			// already) or not sent (the hall's records cannot be reached):
			// the rating page again, saying why, to try another number.
			k.drawRate(k.problemText(res.p), true)
			return
		}
		msg := k.tr("rate.thanks")
		if res.followUp {
			msg += " " + k.tr("rate.followup")
		}
		done := k.button(k.tr("ticket.done"), func() { k.Home() })
		done.Importance = widget.HighImportance
		k.show("rate-done", k.tr("rate.title"), container.NewVBox(bold(msg), done), nil)
	})
}
