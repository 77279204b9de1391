package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"onewindow/app"
)

// CaseFilter narrows the list of open cases.
type CaseFilter struct {
	Hall   bool          // the whole hall's cases, not only this window's
	Lights bool          // only the yellow and red ones
	State  app.CaseState // only cases in this state; empty for any
	Query  string        // part of the case number, the item's name or code, or the ticket
}

// Cases lists the open cases, the ones due first first, each with its
// supervision light (电子监察).
func (d *Desk) Cases(ctx context.Context, f CaseFilter) ([]app.CaseWithLight, error) {
	if _, err := d.staff(); err != nil {
		return nil, err
	}
	window := d.cfg.Window
	if f.Hall {
		window = 0
	}
	all, err := d.svc.Store.OpenCases(ctx, window)
	if err != nil {
		return nil, err
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	out := all[:0]
	for _, c := range all {
		switch {
		case f.Lights && c.Light != app.Yellow && c.Light != app.Red:
		case f.State != "" && c.State != f.State:
		case q != "" && !strings.Contains(strings.ToLower(c.Number), q) && !strings.Contains(c.ItemName.Zh, f.Query) &&
			!strings.Contains(strings.ToLower(c.ItemCode), q) && !strings.EqualFold(c.Ticket, q):
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// Detail is one case as its detail view shows it.
type Detail struct {
	Case        app.Case
	Light       app.Light
	Item        app.Item
	Events      []app.CaseEvent
	ChainErr    error // app.ErrChainBroken when the timeline was altered; shown loudly
	Departments []app.DepartmentStatus
}

// Open loads a case with its full timeline and verifies its hash chain.
// A broken chain does not stop the case from opening: the clerk must see it.
func (d *Desk) Open(ctx context.Context, number string) (Detail, error) {
	if _, err := d.staff(); err != nil {
		return Detail{}, err
	}
	c, err := d.svc.Store.Case(ctx, number)
	if err != nil {
		return Detail{}, err
	}
	det := Detail{Case: c}
	det.ChainErr = d.svc.Store.Verify(ctx, number)
	if det.ChainErr != nil && !errors.Is(det.ChainErr, app.ErrChainBroken) {
		return Detail{}, det.ChainErr
	}
	if det.ChainErr != nil {
		d.log.Error("case timeline fails its hash chain", "case", number, "err", det.ChainErr)
	}
	if det.Events, err = d.svc.Store.Events(ctx, number); err != nil {
		return Detail{}, err
	}
	cat := d.Catalog()
	item, ok := cat.Item(c.ItemCode)
	if !ok {
		// The item left the catalogue after intake; the case still opens.
		item = app.Item{Code: c.ItemCode, Name: c.ItemName}
	}
	det.Item = item
	det.Departments = app.ParallelStatus(item, cat.Departments, det.Events)
	cal, err := d.svc.Store.Calendar(ctx)
	if err != nil {
		return Detail{}, err
	}
	st, err := d.svc.Store.Settings(ctx)
	if err != nil {
		return Detail{}, err
	}
	det.Light = app.LightOf(c, d.now(), cal, st.WarnDays)
	return det, nil
}

// HandOut records that the result was handed to the applicant (出证,
// 统一出件), at any window of the hall. Only a decided case (approved or
// denied) has a result; for another, the error is a *NotReadyError naming
// the departments still to decide.
func (d *Desk) HandOut(ctx context.Context, number string) (app.Case, error) {
	if err := d.notReady(ctx, number); err != nil {
		return app.Case{}, err
	}
	return d.move(ctx, number, app.ResultIssued, "统一出件")
}

// Close files a case whose result was handed out, or that was refused.
func (d *Desk) Close(ctx context.Context, number string) (app.Case, error) {
	return d.move(ctx, number, app.Closed, "")
}

func (d *Desk) move(ctx context.Context, number string, to app.CaseState, note string) (app.Case, error) {
	m, err := d.staff()
	if err != nil {
		return app.Case{}, err
	}
	c, err := d.svc.Store.Decide(ctx, number, app.Decision{To: to, Actor: m.ID, Note: note})
	if err != nil {
		return c, err
	}
	d.log.Info("case moved", "window", d.cfg.Window, "case", number, "state", string(to), "staff", m.ID)
	return c, nil
}

// CanHandOut and CanClose say which of the two buttons a case in state s offers.
func CanHandOut(s app.CaseState) bool { return app.CanMove(s, app.ResultIssued) }

// CanClose reports whether a case in state s may be filed now.
func CanClose(s app.CaseState) bool { return app.CanMove(s, app.Closed) }

// FollowUps lists the open follow-ups of bad ratings at this window (a
// manager sees the hall's).
func (d *Desk) FollowUps(ctx context.Context) ([]app.OpenFollowUp, error) {
	m, err := d.staff()
	if err != nil {
		return nil, err
	}
	all, err := d.svc.Store.OpenFollowUps(ctx)
	if err != nil {
		return nil, err
	}
	if m.Role == app.RoleManager {
		return all, nil
	}
	return slices.DeleteFunc(all, func(f app.OpenFollowUp) bool { return f.Window != d.cfg.Window }), nil
}

// ResolveFollowUp closes a follow-up with what was done, a code from
// app.FollowUpActions.
func (d *Desk) ResolveFollowUp(ctx context.Context, rating, action string) error {
	m, err := d.staff()
	if err != nil {
		return err
	}
	t := app.ChoiceText(app.FollowUpActions, action)
	if t.Zh == "" {
		return fmt.Errorf("%w: %q is not a follow-up action on the list", app.ErrInvalidInput, action)
	}
	return d.svc.Store.ResolveFollowUp(ctx, rating, m.ID, t.Zh)
}

// Hall is the hall's set-up (its windows, for a transfer), without the
// staff's password hashes.
func (d *Desk) Hall(ctx context.Context) (app.Hall, error) {
	h, err := d.svc.Store.Hall(ctx)
	for i := range h.Staff {
		h.Staff[i].PasswordHash = ""
	}
	return h, err
}
