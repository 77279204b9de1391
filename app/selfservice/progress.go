package selfservice

import (
	"context"
	"strings"
	"time"

	"onewindow/app"
)

// CaseView is a case as a kiosk may show it in a public hall: the
// applicant's name and ID number masked.
type CaseView struct {
	Number    string
	Item      app.Text
	Applicant string // 马*
	IDNumber  string // 1101**********1234
	State     app.CaseState
	Due       app.Date // empty until accepted
}

func viewOf(c app.Case) CaseView {
	return CaseView{Number: c.Number, Item: c.ItemName, Applicant: app.MaskName(c.Applicant.Name),
		IDNumber: c.Applicant.IDNumber.Masked(), State: c.State, Due: c.Due}
}

// Actor says who took a step of a case without naming staff.
type Actor string

// Who acts on a case, as a citizen is told.
const (
	ByKiosk   Actor = "kiosk"
	ByWindow  Actor = "window"
	ByCentral Actor = "central" // the deciding department
)

// actorOf reads a timeline's actor: "kiosk:<terminal>", "central:<department>", else a clerk.
func actorOf(actor string) Actor {
	switch {
	case strings.HasPrefix(actor, "kiosk:"):
		return ByKiosk
	case strings.HasPrefix(actor, "central:"):
		return ByCentral
	}
	return ByWindow
}

// Step is one step of a case's timeline as a citizen sees it: when, the
// state it left the case in, and who took it.
type Step struct {
	At    time.Time
	State app.CaseState
	By    Actor
}

// CaseByCode looks up the case of a scanned receipt (or a case number read
// off a clerk's notice). A ticket's code names no case.
func (s *Service) CaseByCode(ctx context.Context, code string) (CaseView, app.KioskProblem) {
	sc, err := app.ParseScannedCode(code)
	if err == nil && sc.Case == "" {
		err = app.ErrUnknownCode
	}
	if err != nil {
		return CaseView{}, app.RecordsProblem(err)
	}
	if s.svc.Progress == nil {
		return CaseView{}, app.ProblemNotSetUp
	}
	c, err := s.svc.Progress.Case(ctx, sc.Case)
	if err != nil {
		s.log.Info("case look-up by code failed", "err", err)
		return CaseView{}, app.RecordsProblem(err)
	}
	return viewOf(c), app.ProblemNone
}

// CasesByCard looks up the cases of the card's holder, newest first; none
// is no problem.
func (s *Service) CasesByCard(ctx context.Context, card app.IDCard) ([]CaseView, app.KioskProblem) {
	if s.svc.Progress == nil {
		return nil, app.ProblemNotSetUp
	}
	cs, err := s.svc.Progress.CasesByIDNumber(ctx, card.Number)
	if err != nil {
		s.log.Warn("case look-up by card failed", "err", err)
		return nil, app.RecordsProblem(err)
	}
	out := make([]CaseView, 0, len(cs))
	for _, c := range cs {
		out = append(out, viewOf(c))
	}
	return out, app.ProblemNone
}

// Timeline is a case's steps, oldest first.
func (s *Service) Timeline(ctx context.Context, number string) ([]Step, app.KioskProblem) {
	if s.svc.Progress == nil {
		return nil, app.ProblemNotSetUp
	}
	evs, err := s.svc.Progress.Events(ctx, number)
	if err != nil {
		s.log.Warn("case timeline look-up failed", "err", err)
		return nil, app.RecordsProblem(err)
	}
	out := make([]Step, 0, len(evs))
	for _, e := range evs {
		out = append(out, Step{At: e.At, State: e.State, By: actorOf(e.Actor)})
	}
	return out, app.ProblemNone
}
