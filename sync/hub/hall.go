package hub

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"onewindow/app"
)

// Local is a terminal's own records, and whether any of a case's steps
// still wait in its outbox for the hub.
type Local interface {
	app.CaseRecords
	PendingFor(ctx context.Context, entity string) (bool, error)
}

// Records are the hall's records as a window terminal reaches them
// (DESIGN.md §4a). The terminal takes in cases and keeps its keypad's
// ratings itself, and its outbox carries them to the hub; every case of the
// hall is read from the hub, and every step after intake is chained by the
// hub, whichever window takes it, so that each case keeps one timeline.
//
// A case whose steps still wait in this terminal's outbox (taken in while
// the hub was down) is the terminal's to move on until the hub has them.
// With the hub down, the terminal shows its own cases and says so.
type Records struct {
	Local
	Hub *Client
}

var _ app.CaseRecords = Records{}

// local says whether a case's steps are still this terminal's to chain.
func (r Records) local(ctx context.Context, number string) (bool, error) {
	return r.Local.PendingFor(ctx, number)
}

// Decide moves a case on, at the hub or, for a case the hub does not hold
// yet, here.
func (r Records) Decide(ctx context.Context, number string, d app.Decision) (app.Case, error) {
	if mine, err := r.local(ctx, number); err != nil || mine {
		if err != nil {
			return app.Case{}, err
		}
		return r.Local.Decide(ctx, number, d)
	}
	c, err := r.Hub.Decide(ctx, number, d)
	return c, hubProblem(err)
}

// NoteCase adds a remark where Decide would add a step.
func (r Records) NoteCase(ctx context.Context, number, actor, action, note string) (app.CaseEvent, error) {
	if mine, err := r.local(ctx, number); err != nil || mine {
		if err != nil {
			return app.CaseEvent{}, err
		}
		return r.Local.NoteCase(ctx, number, actor, action, note)
	}
	e, err := r.Hub.NoteCase(ctx, number, actor, action, note)
	return e, hubProblem(err)
}

// Case reads a case of the hall: this terminal's newer copy while its steps
// wait for the hub, the hub's otherwise, this terminal's own when the hub
// cannot be reached.
func (r Records) Case(ctx context.Context, number string) (app.Case, error) {
	if mine, err := r.local(ctx, number); err != nil || mine {
		if err != nil {
			return app.Case{}, err
		}
		return r.Local.Case(ctx, number)
	}
	c, _, err := r.Hub.Case(ctx, number)
	if errors.Is(err, ErrUnreachable) {
		return r.Local.Case(ctx, number)
	}
	return c, err
}

// Events reads a case's timeline as Case reads the case.
func (r Records) Events(ctx context.Context, number string) ([]app.CaseEvent, error) {
	if mine, err := r.local(ctx, number); err != nil || mine {
		if err != nil {
			return nil, err
		}
		return r.Local.Events(ctx, number)
	}
	_, evs, err := r.Hub.Case(ctx, number)
	if errors.Is(err, ErrUnreachable) {
		return r.Local.Events(ctx, number)
	}
	return evs, err
}

// Verify checks a case's chain where its timeline is kept.
func (r Records) Verify(ctx context.Context, number string) error {
	if mine, err := r.local(ctx, number); err != nil || mine {
		if err != nil {
			return err
		}
		return r.Local.Verify(ctx, number)
	}
	err := r.Hub.Verify(ctx, number)
	if errors.Is(err, ErrUnreachable) {
		return r.Local.Verify(ctx, number)
	}
	return err
}

// CasesByIDNumber finds the hall's cases of an applicant, or this
// terminal's own when the hub cannot be reached.
func (r Records) CasesByIDNumber(ctx context.Context, id app.IDNumber) ([]app.Case, error) {
	cs, err := r.Hub.FindCases(ctx, id)
	if errors.Is(err, ErrUnreachable) {
		return r.Local.CasesByIDNumber(ctx, id)
	}
	return cs, err
}

// OpenCases lists the hall's open cases, the ones due first first, or this
// terminal's own when the hub cannot be reached. This terminal's cases
// whose steps still wait in its outbox (taken in a moment ago, or while the
// hub was down) are listed as this terminal has them: the hub does not
// know them yet, or knows an older copy.
func (r Records) OpenCases(ctx context.Context, window int) ([]app.CaseWithLight, error) {
	cs, err := r.Hub.OpenCases(ctx, window)
	if errors.Is(err, ErrUnreachable) {
		return r.Local.OpenCases(ctx, window)
	}
	if err != nil {
		return nil, err
	}
	own, err := r.Local.OpenCases(ctx, window)
	if err != nil {
		return nil, err
	}
	cs, err = withPending(ctx, r, cs, own, func(c app.CaseWithLight) string { return c.Number })
	if err != nil {
		return nil, err
	}
	// The hub's order: by due date, cases without one (not accepted yet)
	// last, then as they came in.
	undated := func(c app.CaseWithLight) bool { return c.Due == "" }
	slices.SortStableFunc(cs, func(a, b app.CaseWithLight) int {
		if undated(a) != undated(b) {
			if undated(a) {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Due, b.Due), a.Submitted.Compare(b.Submitted))
	})
	return cs, nil
}

// OpenFollowUps lists the hall's open follow-ups, with this terminal's own
// that still wait in its outbox (a bad rating a moment ago), or this
// terminal's own when the hub cannot be reached.
func (r Records) OpenFollowUps(ctx context.Context) ([]app.OpenFollowUp, error) {
	fs, err := r.Hub.OpenFollowUps(ctx)
	if errors.Is(err, ErrUnreachable) {
		return r.Local.OpenFollowUps(ctx)
	}
	if err != nil {
		return nil, err
	}
	own, err := r.Local.OpenFollowUps(ctx)
	if err != nil {
		return nil, err
	}
	return withPending(ctx, r, fs, own, func(f app.OpenFollowUp) string { return f.Rating })
}

// withPending is the hub's list with this terminal's own records whose
// operations still wait in its outbox in place of the hub's copies, or
// added.
func withPending[T any](ctx context.Context, r Records, hubs, own []T, key func(T) string) ([]T, error) {
	at := make(map[string]int, len(hubs))
	for i, x := range hubs {
		at[key(x)] = i
	}
	for _, x := range own {
		pending, err := r.Local.PendingFor(ctx, key(x))
		if err != nil {
			return nil, err
		}
		switch i, ok := at[key(x)]; {
		case !pending:
		case ok:
			hubs[i] = x
		default:
			hubs = append(hubs, x)
		}
	}
	return hubs, nil
}

// ResolveFollowUp closes a follow-up of the hall at the hub.
func (r Records) ResolveFollowUp(ctx context.Context, rating, actor, note string) error {
	return hubProblem(r.Hub.ResolveFollowUp(ctx, rating, actor, note))
}

// hubProblem says, when the hub is down, why a step cannot be taken here.
func hubProblem(err error) error {
	if errors.Is(err, ErrUnreachable) {
		return fmt.Errorf("%w: the hall's cases are moved on at the hub, so this step waits until it is back", err)
	}
	return err
}

// Submitted lists the hall's self-service applications waiting for a
// window's pre-review (预审), oldest first.
func (r Records) Submitted(ctx context.Context) ([]app.Case, error) {
	return r.Hub.CasesInState(ctx, app.Submitted)
}

// Progress answers a kiosk's "where is my case?" from the hall's records at
// the hub, for every case of the hall wherever it was taken in. It does not
// fall back to the kiosk's own cases: with the hub down, the kiosk says it
// cannot look up now rather than show a case as it stood.
type Progress struct{ Hub *Client }

// CaseWithEvents returns one of the hall's cases with its timeline, in one
// request.
func (p Progress) CaseWithEvents(ctx context.Context, number string) (app.Case, []app.CaseEvent, error) {
	return p.Hub.Case(ctx, number)
}

// CasesByIDNumber finds the hall's cases of an applicant.
func (p Progress) CasesByIDNumber(ctx context.Context, id app.IDNumber) ([]app.Case, error) {
	return p.Hub.FindCases(ctx, id)
}

// Ratings takes a kiosk's ratings at the hub, which checks them against
// the hall's queue and cases (一次一评).
type Ratings struct{ Hub *Client }

// Rate rates a ticket served today or a case of the hall, once.
func (r Ratings) Rate(ctx context.Context, rt app.Rating) (app.Rating, *app.FollowUp, error) {
	return r.Hub.RateServed(ctx, rt)
}
