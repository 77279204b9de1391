package kiosk

import (
	"context"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/ui/theme"
	"onewindow/ui/touch"
)

// rateState is a rating in progress: what is rated, the level, the reasons.
type rateState struct {
	ticket, caseNo string
	level          app.RatingLevel
	reasons        []string
}

var ticketCodeRe = regexp.MustCompile(`^[A-Z][0-9]{3}$`)

// showRate asks what to rate: scan the ticket or receipt, or type the
// ticket's number (A012) on the keypad.
func (k *Kiosk) showRate() { k.drawRate("", false) }

func (k *Kiosk) drawRate(msg string, problem bool) {
	st := &rateState{}
	typed := widget.NewLabel("")
	typed.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	next := k.button(theme.L("rate.next"), func() {
		code := strings.ToUpper(k.ratePad.Text())
		if !ticketCodeRe.MatchString(code) {
			k.drawRate(theme.L("rate.badnumber"), true)
			return
		}
		st.ticket = code
		k.showLevels(st)
	})
	next.Importance = widget.HighImportance
	pad := touch.NewKeypad(touch.Letters, 4, func(s string) { typed.SetText(theme.L("rate.ticket") + " " + s + "_") })
	pad.OnKey = k.touched
	k.ratePad = pad
	typed.SetText(theme.L("rate.ticket") + " _")
	var m fyne.CanvasObject
	if msg != "" {
		m = k.message(msg, problem)
	}
	body := container.NewBorder(container.NewVBox(bold(theme.L("rate.hint")), typed), next, nil, nil, pad)
	k.show("rate", theme.L("rate.title"), body, m)
	k.onScan = func(code string) {
		sc, err := app.ParseScannedCode(code)
		if err != nil {
			k.drawRate(problemText(app.ProblemUnknownCode), true)
			return
		}
		if sc.Ticket != "" {
			st.ticket = sc.Ticket[strings.LastIndex(sc.Ticket, "/")+1:]
		}
		st.caseNo = sc.Case
		k.showLevels(st)
	}
}

// showLevels offers the five national levels, best first.
func (k *Kiosk) showLevels(st *rateState) {
	var rows []fyne.CanvasObject
	for _, l := range []app.RatingLevel{app.VerySatisfied, app.Satisfied, app.FairlySatisfied, app.Dissatisfied, app.VeryDissatisfied} {
		l := l
		b := k.button(theme.Pick(l.Name()), func() {
			st.level = l
			if l.Bad() {
				k.showReasons(st, "")
				return
			}
			k.saveRating(st)
		})
		if l.Bad() {
			b.Importance = widget.WarningImportance
		}
		rows = append(rows, b)
	}
	what := st.ticket
	if st.caseNo != "" {
		what = st.caseNo
	}
	k.show("rate-level", theme.L("rate.title"), container.NewBorder(bold(theme.L("rate.for")+" "+what), nil, nil, nil, k.list(rows...)), nil)
}

// showReasons asks why, for a bad rating: at least one reason from the list.
func (k *Kiosk) showReasons(st *rateState, problem string) {
	chosen := map[string]bool{}
	for _, r := range st.reasons {
		chosen[r] = true
	}
	var rows []fyne.CanvasObject
	for _, r := range app.BadRatingReasons {
		code := r.Code
		c := widget.NewCheck(theme.Pick(r.Text), func(on bool) {
			k.touched()
			chosen[code] = on
			st.reasons = st.reasons[:0]
			for _, x := range app.BadRatingReasons {
				if chosen[x.Code] {
					st.reasons = append(st.reasons, x.Code)
				}
			}
		})
		c.SetChecked(chosen[code])
		rows = append(rows, c)
	}
	send := k.button(theme.L("rate.send"), func() {
		if len(st.reasons) == 0 {
			k.showReasons(st, theme.L("rate.needreason"))
			return
		}
		k.saveRating(st)
	})
	send.Importance = widget.HighImportance
	var m fyne.CanvasObject
	if problem != "" {
		m = k.message(problem, true)
	}
	k.show("rate-reasons", theme.L("rate.title"), container.NewBorder(bold(theme.L("rate.why")), send, nil, nil, k.list(rows...)), m)
}

func (k *Kiosk) saveRating(st *rateState) {
	r := app.Rating{Level: st.level, Reasons: st.reasons, Ticket: st.ticket, Case: st.caseNo, At: k.cfg.Clock.Now()}
	async(k, func(ctx context.Context) error {
		_, _, err := k.cfg.Records.Rate(ctx, r)
		return err
	}, func(err error) {
		if err != nil {
			k.log.Error("rating not saved", "err", err)
			k.show("rate-done", theme.L("rate.title"), container.NewVBox(k.message(problemText(app.RecordsProblem(err)), true)), nil)
			return
		}
		msg := theme.L("rate.thanks")
		if st.level.Bad() {
			msg += " " + theme.L("rate.followup")
		}
		done := k.button(theme.L("ticket.done"), func() { k.Home() })
		done.Importance = widget.HighImportance
		k.show("rate-done", theme.L("rate.title"), container.NewVBox(bold(msg), done), nil)
	})
}
