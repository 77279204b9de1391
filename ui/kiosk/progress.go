package kiosk

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
)

// showProgress asks for the receipt's QR code or the ID card, then shows
// the case (or the citizen's cases) with its timeline, personal data masked.
func (k *Kiosk) showProgress() {
	k.drawProgress("", false)
}

func (k *Kiosk) drawProgress(msg string, problem bool) {
	read := k.button(k.tr("progress.card"), func() {
		k.drawProgress(k.tr("number.card.reading"), false)
		k.readCard(k.progressCard)
	})
	read.Importance = widget.HighImportance
	body := container.NewVBox(
		bold(k.tr("progress.hint")),
		text(k.tr("progress.scan")),
		read,
	)
	var m fyne.CanvasObject
	if msg != "" {
		m = k.message(msg, problem)
	}
	k.show("progress", k.tr("progress.title"), body, m)
	k.onCard = k.progressCard
	k.onScan = k.progressScan
}

func (k *Kiosk) progressScan(code string) {
	type result struct {
		c selfservice.CaseView
		p app.KioskProblem
	}
	async(k, func(ctx context.Context) result {
		c, p := k.svc.CaseByCode(ctx, code)
		return result{c, p}
	}, func(r result) {
		if r.p != app.ProblemNone {
			k.drawProgress(k.problemText(r.p), true)
			return
		}
		k.showCase(r.c, nil)
	})
}

func (k *Kiosk) progressCard(c app.IDCard, err error) {
	if err != nil {
		k.drawProgress(k.cardProblem(err), true)
		return
	}
	type result struct {
		cases []selfservice.CaseView
		p     app.KioskProblem
	}
	async(k, func(ctx context.Context) result {
		cs, p := k.svc.CasesByCard(ctx, c)
		return result{cs, p}
	}, func(r result) {
		switch {
		case r.p != app.ProblemNone:
			k.drawProgress(k.problemText(r.p), true)
		case len(r.cases) == 0:
			k.drawProgress(k.tr("progress.none"), false)
		case len(r.cases) == 1:
			k.showCase(r.cases[0], nil)
		default:
			k.showCases(r.cases)
		}
	})
}

// showCases lists a citizen's cases, newest first as the use case gives them.
func (k *Kiosk) showCases(cases []selfservice.CaseView) {
	var rows []fyne.CanvasObject
	for _, c := range cases {
		c := c
		label := fmt.Sprintf("%s\n%s · %s", k.pick(c.Item), c.Number, k.stateText(c.State))
		rows = append(rows, k.button(label, func() { k.showCase(c, func() { k.showCases(cases) }) }))
	}
	k.show("cases", k.tr("progress.cases"), k.list(rows...), nil)
}

// showCase shows one case and its timeline: the use case gives it with
// personal data masked, for the kiosk stands in a public hall.
func (k *Kiosk) showCase(c selfservice.CaseView, back func()) {
	head := container.NewVBox(
		bold(k.pick(c.Item)),
		text(k.tr("progress.number", c.Number)),
		text(k.tr("progress.applicant", c.Applicant, c.IDNumber)),
		bold(k.tr("progress.state", k.stateText(c.State))),
	)
	if c.Due != "" {
		head.Add(text(k.tr("progress.due", string(c.Due))))
	}
	timeline := container.NewVBox(bold(k.tr("progress.timeline")))
	type result struct {
		steps []selfservice.Step
		p     app.KioskProblem
	}
	var bottom fyne.CanvasObject
	if back != nil {
		bottom = k.button(k.tr("common.back"), back)
	}
	k.show("case", k.tr("progress.title"), container.NewBorder(head, bottom, nil, nil, container.NewVScroll(timeline)), nil)
	async(k, func(ctx context.Context) result {
		steps, p := k.svc.Timeline(ctx, c.Number)
		return result{steps, p}
	}, func(r result) {
		if r.p != app.ProblemNone {
			timeline.Add(k.message(k.problemText(r.p), true))
			return
		}
		for _, s := range r.steps {
			line := fmt.Sprintf("%s  %s  %s", s.At.In(app.HallZone).Format("2006-01-02 15:04"), k.stateText(s.State), k.tr("actor."+string(s.By)))
			timeline.Add(text(line))
		}
		timeline.Refresh()
	})
}

// stateText is a case state in the citizen's words.
func (k *Kiosk) stateText(s app.CaseState) string { return k.tr("state." + string(s)) }
