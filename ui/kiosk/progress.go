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
)

// showProgress asks for the receipt's QR code or the ID card, then shows
// the case (or the citizen's cases) with its timeline, personal data masked.
func (k *Kiosk) showProgress() {
	k.drawProgress("", false)
}

func (k *Kiosk) drawProgress(msg string, problem bool) {
	read := k.button(theme.L("progress.card"), func() {
		k.drawProgress(theme.L("number.card.reading"), false)
		k.readCard(k.progressCard)
	})
	read.Importance = widget.HighImportance
	body := container.NewVBox(
		bold(theme.L("progress.hint")),
		text(theme.L("progress.scan")),
		read,
	)
	var m fyne.CanvasObject
	if msg != "" {
		m = k.message(msg, problem)
	}
	k.show("progress", theme.L("progress.title"), body, m)
	k.onCard = k.progressCard
	k.onScan = k.progressScan
}

func (k *Kiosk) progressScan(code string) {
	sc, err := app.ParseScannedCode(code)
	if err == nil && sc.Case == "" {
		err = app.ErrUnknownCode
	}
	if err != nil {
		k.drawProgress(problemText(app.RecordsProblem(err)), true)
		return
	}
	type result struct {
		c   app.Case
		err error
	}
	async(k, func(ctx context.Context) result {
		c, err := k.cfg.Records.Case(ctx, sc.Case)
		return result{c, err}
	}, func(r result) {
		if r.err != nil {
			k.log.Info("case look-up by code failed", "err", r.err)
			k.drawProgress(problemText(app.RecordsProblem(r.err)), true)
			return
		}
		k.showCase(r.c, nil)
	})
}

func (k *Kiosk) progressCard(c app.IDCard, err error) {
	if err != nil {
		k.drawProgress(cardProblem(err), true)
		return
	}
	type result struct {
		cases []app.Case
		err   error
	}
	async(k, func(ctx context.Context) result {
		cs, err := k.cfg.Records.CasesByIDNumber(ctx, c.Number)
		return result{cs, err}
	}, func(r result) {
		switch {
		case r.err != nil:
			k.log.Warn("case look-up by card failed", "err", r.err)
			k.drawProgress(problemText(app.RecordsProblem(r.err)), true)
		case len(r.cases) == 0:
			k.drawProgress(theme.L("progress.none"), false)
		case len(r.cases) == 1:
			k.showCase(r.cases[0], nil)
		default:
			k.showCases(r.cases)
		}
	})
}

// showCases lists a citizen's cases, newest first as the store gives them.
func (k *Kiosk) showCases(cases []app.Case) {
	var rows []fyne.CanvasObject
	for _, c := range cases {
		c := c
		label := fmt.Sprintf("%s\n%s · %s", theme.Pick(c.ItemName), c.Number, stateText(c.State))
		rows = append(rows, k.button(label, func() { k.showCase(c, func() { k.showCases(cases) }) }))
	}
	k.show("cases", theme.L("progress.cases"), k.list(rows...), nil)
}

// showCase shows one case and its timeline. Only masked personal data is
// drawn: the kiosk stands in a public hall.
func (k *Kiosk) showCase(c app.Case, back func()) {
	head := container.NewVBox(
		bold(theme.Pick(c.ItemName)),
		text(fmt.Sprintf(theme.L("progress.number"), c.Number)),
		text(fmt.Sprintf(theme.L("progress.applicant"), app.MaskName(c.Applicant.Name), c.Applicant.IDNumber.Masked())),
		bold(fmt.Sprintf(theme.L("progress.state"), stateText(c.State))),
	)
	if c.Due != "" {
		head.Add(text(fmt.Sprintf(theme.L("progress.due"), string(c.Due))))
	}
	timeline := container.NewVBox(bold(theme.L("progress.timeline")))
	type result struct {
		evs []app.CaseEvent
		err error
	}
	var bottom fyne.CanvasObject
	if back != nil {
		bottom = k.button(theme.L("common.back"), back)
	}
	k.show("case", theme.L("progress.title"), container.NewBorder(head, bottom, nil, nil, container.NewVScroll(timeline)), nil)
	async(k, func(ctx context.Context) result {
		evs, err := k.cfg.Records.Events(ctx, c.Number)
		return result{evs, err}
	}, func(r result) {
		if r.err != nil {
			timeline.Add(k.message(problemText(app.RecordsProblem(r.err)), true))
			return
		}
		for _, e := range r.evs {
			line := fmt.Sprintf("%s  %s  %s", e.At.In(app.HallZone).Format("2006-01-02 15:04"), stateText(e.State), actorText(e.Actor))
			timeline.Add(text(line))
		}
		timeline.Refresh()
	})
}

// stateText is a case state in the citizen's words.
func stateText(s app.CaseState) string { return theme.L("state." + string(s)) }

// actorText says who acted without naming staff: the kiosk, a window, or
// the deciding department at central.
func actorText(actor string) string {
	switch {
	case strings.HasPrefix(actor, "kiosk:"):
		return theme.L("actor.kiosk")
	case strings.HasPrefix(actor, "central:"):
		return theme.L("actor.central")
	}
	return theme.L("actor.window")
}
