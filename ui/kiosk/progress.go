package kiosk

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/ui/theme"
)

// showProgress asks for the receipt's QR code or the ID card, then shows
// the case (or lists the citizen's cases) as the hall's records have it,
// personal data masked.
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
	k.show("progress", k.tr("progress.title"), body, k.notice(msg, problem))
	k.takeCards(k.progressCard)
	k.onScan = k.progressScan
}

// notice is a page's message line: msg, or, when there is none and the
// hub did not answer the last look, that the hall's records cannot be
// reached now (the look-ups and the ratings need them). Nil for none.
func (k *Kiosk) notice(msg string, problem bool) fyne.CanvasObject {
	k.mu.Lock()
	offline := k.hubErr != nil
	k.mu.Unlock()
	if msg == "" && offline {
		msg, problem = k.problemText(app.ProblemHallOffline), true
	}
	if msg == "" {
		return nil
	}
	return k.message(msg, problem)
}

func (k *Kiosk) progressScan(code string) {
	async(k, func(ctx context.Context) caseDetail {
		c, p := k.svc.CaseByCode(ctx, code)
		if p != app.ProblemNone {
			return caseDetail{p: p}
		}
		d, p := k.svc.CaseDetail(ctx, c.Number)
		return caseDetail{d, p}
	}, func(r caseDetail) { k.caseFound(r, nil) })
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
			k.openCase(r.cases[0].Number, nil)
		default:
			k.showCases(r.cases)
		}
	})
}

// showCases lists a citizen's cases, newest first as the use case gives them.
func (k *Kiosk) showCases(cases []selfservice.CaseView) {
	var rows []fyne.CanvasObject
	for _, c := range cases {
		label := fmt.Sprintf("%s\n%s · %s", k.pick(c.Item), c.Number, k.stateText(c.State))
		rows = append(rows, k.button(label, func() { k.openCase(c.Number, func() { k.showCases(cases) }) }))
	}
	k.show("cases", k.tr("progress.cases"), k.list(rows...), nil)
}

// caseDetail is a case looked up for its page, or why it was not.
type caseDetail struct {
	d selfservice.Detail
	p app.KioskProblem
}

// openCase looks up case number in the hall's records and shows it; back,
// when not nil, returns to the list it was chosen from.
func (k *Kiosk) openCase(number string, back func()) {
	async(k, func(ctx context.Context) caseDetail {
		d, p := k.svc.CaseDetail(ctx, number)
		return caseDetail{d, p}
	}, func(r caseDetail) { k.caseFound(r, back) })
}

// caseFound shows the case looked up, or on the progress page why not.
func (k *Kiosk) caseFound(r caseDetail, back func()) {
	if r.p != app.ProblemNone {
		k.drawProgress(k.problemText(r.p), true)
		return
	}
	k.showCase(r.d, back)
}

// showCase shows one case as the use case gives it (personal data masked,
// for the kiosk stands in a public hall): where it stands, the promised
// date and its light, whether the result is ready and at which windows,
// each department's opinion and the steps so far.
func (k *Kiosk) showCase(d selfservice.Detail, back func()) {
	applicant := k.tr("progress.applicant", d.Applicant, d.IDNumber)
	if d.Purged {
		applicant = k.tr("progress.purged")
	}
	head := container.NewVBox(
		bold(k.pick(d.Item)),
		text(k.tr("progress.number", d.Number)),
		text(applicant),
		bold(k.tr("progress.state", k.stateText(d.State))),
	)
	if d.Due != "" {
		head.Add(k.dueLine(d))
	}
	if d.Ready {
		head.Add(k.readyLine(d.PickUp))
	}
	more := container.NewVBox()
	if opinions := k.opinions(d); len(opinions) > 0 {
		more.Add(bold(k.tr("progress.opinions")))
		more.Objects = append(more.Objects, opinions...)
	}
	more.Add(bold(k.tr("progress.timeline")))
	for _, s := range d.Steps {
		more.Add(text(fmt.Sprintf("%s  %s  %s", s.At.In(app.HallZone).Format("2006-01-02 15:04"),
			k.stateText(s.State), k.tr("actor."+string(s.By)))))
	}
	var bottom fyne.CanvasObject
	if back != nil {
		bottom = k.button(k.tr("common.back"), back)
	}
	k.show("case", k.tr("progress.title"), container.NewBorder(head, bottom, nil, nil, container.NewVScroll(more)), nil)
}

// dueLine is the promised date with the case's light: a dot in its colour
// and what it means in words, for a colour alone tells nobody anything.
func (k *Kiosk) dueLine(d selfservice.Detail) fyne.CanvasObject {
	due := text(k.tr("progress.due", string(d.Due)))
	if d.Light == app.NoLight {
		return due
	}
	due.SetText(due.Text + "  " + k.tr("progress.light."+string(d.Light)))
	colour := map[app.Light]fyne.ThemeColorName{app.Green: theme.ColorNameLightGreen,
		app.Yellow: theme.ColorNameLightYellow, app.Red: theme.ColorNameLightRed}[d.Light]
	side := k.theme.Size("text")
	dot := container.NewGridWrap(fyne.NewSize(side, side), canvas.NewCircle(k.theme.Color(colour, 0)))
	// In line with the labels' text, which starts an inner padding in.
	inset := layout.NewCustomPaddedLayout(0, 0, k.theme.Size("innerPadding"), 0)
	return container.NewBorder(nil, nil, container.New(inset, container.NewCenter(dot)), nil, due)
}

// readyLine says the result waits to be picked up, and at which windows
// (统一出件: any window serving the item).
func (k *Kiosk) readyLine(windows []int) fyne.CanvasObject {
	s := k.tr("progress.ready.desk")
	if len(windows) > 0 {
		nums := make([]string, len(windows))
		for i, w := range windows {
			nums[i] = strconv.Itoa(w)
		}
		s = k.tr("progress.ready", strings.Join(nums, k.tr("progress.ready.sep")))
	}
	l := bold(s)
	l.Importance = widget.SuccessImportance
	return l
}

// opinions are the departments' opinions, one line each: approved,
// denied with the department's reason, or still under review while the
// case is (a department that gave none on a decided case is left out).
func (k *Kiosk) opinions(d selfservice.Detail) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, o := range d.Departments {
		name := k.pick(o.Department)
		var l *widget.Label
		switch {
		case o.Given && o.Approve:
			l = text(k.tr("progress.opinion.approve", name))
			l.Importance = widget.SuccessImportance
		case o.Given && o.Reason != "":
			l = text(k.tr("progress.opinion.deny", name, o.Reason))
			l.Importance = widget.DangerImportance
		case o.Given:
			l = text(k.tr("progress.opinion.denied", name))
			l.Importance = widget.DangerImportance
		case d.State.Running():
			l = text(k.tr("progress.opinion.pending", name))
		default:
			continue
		}
		out = append(out, l)
	}
	return out
}

// stateText is a case state in the citizen's words.
func (k *Kiosk) stateText(s app.CaseState) string { return k.tr("state." + string(s)) }
