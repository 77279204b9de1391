package selfservice

import (
	"context"
	"slices"
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
	// Purged says the applicant was erased after the retention period:
	// Applicant and IDNumber are empty.
	Purged bool
}

func viewOf(c app.Case) CaseView {
	return CaseView{Number: c.Number, Item: c.ItemName, Applicant: app.MaskName(c.Applicant.Name),
		IDNumber: c.Applicant.IDNumber.Masked(), State: c.State, Due: c.Due, Purged: !c.Purged.IsZero()}
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
	c, _, err := s.svc.Progress.CaseWithEvents(ctx, sc.Case)
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
	_, evs, err := s.svc.Progress.CaseWithEvents(ctx, number)
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

// Detail is a case as the kiosk's progress page shows it: where it stands,
// its due date and light, every department's opinion (并联审批), its steps,
// and whether the result is ready and at which windows it is picked up
// (统一出件: any window serving the item).
type Detail struct {
	CaseView
	Light       app.Light
	Departments []Opinion
	Steps       []Step
	Ready       bool  // the result waits to be picked up
	PickUp      []int // the windows that hand it out
}

// Opinion is one department's opinion as a citizen is told it: given or
// not, approving or not, and the reason for a denial (an approval's
// remarks are the department's own).
type Opinion struct {
	Department app.Text
	Given      bool
	Approve    bool
	Reason     string
}

// CaseDetail looks up a case with everything its progress page shows.
func (s *Service) CaseDetail(ctx context.Context, number string) (Detail, app.KioskProblem) {
	if s.svc.Progress == nil {
		return Detail{}, app.ProblemNotSetUp
	}
	c, evs, err := s.svc.Progress.CaseWithEvents(ctx, number)
	if err != nil {
		s.log.Info("case look-up failed", "err", err)
		return Detail{}, app.RecordsProblem(err)
	}
	d := Detail{CaseView: viewOf(c), Ready: c.State == app.Approved || c.State == app.Denied}
	for _, e := range evs {
		d.Steps = append(d.Steps, Step{At: e.At, State: e.State, By: actorOf(e.Actor)})
	}
	item, ok := s.catalog.Item(c.ItemCode)
	if ok {
		for _, st := range app.ParallelStatus(item, s.catalog.Departments, evs) {
			o := Opinion{Department: st.Name, Given: st.Given, Approve: st.Approve}
			if st.Given && !st.Approve {
				o.Reason = st.Note
			}
			d.Departments = append(d.Departments, o)
		}
	}
	if s.svc.Hall == nil {
		return d, app.ProblemNone
	}
	// The light and the windows are extras: a kiosk that cannot read its
	// own set-up still tells the citizen where the case stands.
	if cal, err := s.svc.Hall.Calendar(ctx); err == nil {
		if st, err := s.svc.Hall.Settings(ctx); err == nil {
			d.Light = app.LightOf(c, s.svc.Clock.Now(), cal, st.WarnDays)
		}
	}
	if h, err := s.svc.Hall.Hall(ctx); err == nil && ok {
		for _, w := range h.Windows {
			if slices.Contains(w.Categories, item.Category) {
				d.PickUp = append(d.PickUp, w.Number)
			}
		}
	}
	return d, app.ProblemNone
}
