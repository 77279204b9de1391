package desk

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"onewindow/app"
)

// The pre-review (预审) of self-service applications: a citizen submits an
// application at a kiosk; any window serving its item opens it, checks the
// materials with the citizen or their scans, and accepts it (the due date
// runs from now), asks for what is missing, or refuses it, as at intake.

// PreReview lists the hall's self-service applications waiting for a
// window, for the items this window serves, oldest first; the View counts
// them.
func (d *Desk) PreReview(ctx context.Context) ([]app.Case, error) {
	if _, err := d.staff(); err != nil {
		return nil, err
	}
	var all []app.Case
	if d.svc.Applications != nil {
		var err error
		if all, err = d.svc.Applications.Submitted(ctx); err != nil {
			return nil, err
		}
	} else {
		open, err := d.svc.Store.OpenCases(ctx, 0)
		if err != nil {
			return nil, err
		}
		for _, c := range open {
			if c.State == app.Submitted {
				all = append(all, c.Case)
			}
		}
	}
	cat := d.Catalog()
	serves := func(c app.Case) bool {
		it, ok := cat.Item(c.ItemCode)
		return ok && (len(d.cfg.Categories) == 0 || slices.Contains(d.cfg.Categories, it.Category))
	}
	all = slices.DeleteFunc(all, func(c app.Case) bool { return !serves(c) })
	d.update(func(v *View) { v.Applications = len(all) })
	return all, nil
}

// AcceptApplication accepts a self-service application with the materials
// checked now, and prints the 受理通知书. What the clerk checked replaces
// what the citizen said they hold: none checked is none received.
func (d *Desk) AcceptApplication(ctx context.Context, number string, received []int) (Outcome, error) {
	return d.review(ctx, number, app.Decision{To: app.Accepted, Received: checked(received)}, "")
}

// AskForMaterials records what an application still lacks, after the
// materials checked now, and prints the 一次性告知书; advice is a code from
// app.SupplementAdvice.
func (d *Desk) AskForMaterials(ctx context.Context, number string, received []int, advice string) (Outcome, error) {
	t := app.ChoiceText(app.SupplementAdvice, advice)
	if t.Zh == "" {
		return Outcome{}, fmt.Errorf("%w: %q is not advice on the list", app.ErrInvalidInput, advice)
	}
	return d.review(ctx, number, app.Decision{To: app.SupplementRequested, Received: checked(received)}, t.Zh)
}

// checked is the list of materials a clerk checked, never nil: a nil list
// would leave the application's own list (the citizen's word) in place.
func checked(received []int) []int {
	if received == nil {
		return []int{}
	}
	return received
}

// RefuseApplication refuses an application with a reason from
// app.RefusalReasons and prints the 不予受理通知书.
func (d *Desk) RefuseApplication(ctx context.Context, number, reason, extra string) (Outcome, error) {
	note, err := app.RefusalNote(reason, extra)
	if err != nil {
		return Outcome{}, err
	}
	return d.review(ctx, number, app.Decision{To: app.Refused, Note: note}, "")
}

func (d *Desk) review(ctx context.Context, number string, dec app.Decision, advice string) (Outcome, error) {
	m, err := d.staff()
	if err != nil {
		return Outcome{}, err
	}
	dec.Actor = m.ID
	c, err := d.svc.Store.Decide(ctx, number, dec)
	if err != nil {
		return Outcome{}, err
	}
	d.log.Info("application reviewed", "window", d.cfg.Window, "case", c.Number, "outcome", string(c.State), "staff", m.ID)
	item, err := d.svc.Store.Item(ctx, c.ItemCode)
	if err != nil {
		return Outcome{Case: c}, err
	}
	n, perr := d.print(ctx, m, c, item, advice, "notice_printed")
	return d.outcome(ctx, c, n, perr), nil
}

// NotReadyError says why a case's result cannot be handed out yet, in the
// clerk's words: the departments still to decide, or the case's state.
type NotReadyError struct {
	State   app.CaseState
	Waiting []app.Text // departments that have not given their opinion
}

func (e *NotReadyError) Error() string {
	if len(e.Waiting) > 0 {
		names := make([]string, len(e.Waiting))
		for i, t := range e.Waiting {
			names[i] = t.Zh
		}
		return "等待 " + strings.Join(names, "、") + " 审批"
	}
	return fmt.Sprintf("the case is %s: there is no result to hand out", e.State)
}

// Unwrap makes it an illegal move.
func (e *NotReadyError) Unwrap() error { return app.ErrIllegalTransition }

// notReady says why a case has no result to hand out, or nil if it has.
func (d *Desk) notReady(ctx context.Context, number string) error {
	det, err := d.Open(ctx, number)
	if err != nil {
		return err
	}
	if e := det.NotReady(); e != nil {
		return e
	}
	return nil
}

// NotReady says why the case's result cannot be handed out yet (the
// departments still to decide, or its state), or nil when it can.
func (det Detail) NotReady() *NotReadyError {
	if CanHandOut(det.Case.State) {
		return nil
	}
	e := &NotReadyError{State: det.Case.State}
	if det.Case.State == app.Accepted || det.Case.State == app.InReview {
		for _, st := range det.Departments {
			if !st.Given {
				e.Waiting = append(e.Waiting, st.Name)
			}
		}
	}
	return e
}
