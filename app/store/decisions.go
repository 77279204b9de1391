package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"onewindow/app"
)

// ApplyCentralDecision records one department's opinion on a case, made at
// central, as a step "central:<department>" chained into the case's
// timeline: the case moves by the same rules as Decide when the opinion
// settles it (or starts its review), and stays in review otherwise. The
// step goes back to central in the outbox like any other: the timeline is
// chained here, and central's copy must hold the same steps with the same
// hashes (the decision fields central wrote are not touched by it). An
// opinion held already (a resync, a repeated pull) changes nothing; one
// that does not fit (the case is unknown here or has moved on) is kept in
// the skipped list. Either way applied reports false.
//
// A terminal of a hall with a hub applies none: the hub holds the hall's
// records and brings central's decisions into the hall (DESIGN.md §4a).
func (s *Store) ApplyCentralDecision(ctx context.Context, d app.CentralDecision) (applied bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		applied, err = s.applyDecisionTx(ctx, tx, d)
		return err
	})
	return applied, err
}

func (s *Store) applyDecisionTx(ctx context.Context, tx *sql.Tx, d app.CentralDecision) (bool, error) {
	switch d.State {
	case app.InReview, app.Approved, app.Denied:
	default:
		return false, fmt.Errorf("central decision on case %s: %w: %q is not a decision", d.Case, app.ErrInvalidInput, d.State)
	}
	if d.Department == "" {
		return false, fmt.Errorf("central decision on case %s: %w: no department", d.Case, app.ErrInvalidInput)
	}
	if s.hallHub {
		return false, nil
	}
	c, count, head, err := s.loadCase(ctx, tx, d.Case)
	if errors.Is(err, app.ErrNotFound) {
		return false, s.skip(ctx, tx, d, "the case is not on this terminal")
	}
	if err != nil {
		return false, err
	}
	actor := "central:" + d.Department
	var held int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM case_events WHERE case_number = ? AND actor = ? AND state = ?`,
		d.Case, actor, d.State).Scan(&held); err != nil {
		return false, err
	}
	if held > 0 {
		return false, nil // applied before: a resync or a repeated pull
	}
	var events []app.CaseEvent
	switch {
	case c.State == app.InReview && d.State == app.InReview:
		// Another department's opinion while the review goes on.
		ev, err := s.appendEvent(ctx, tx, &c, count, head, actor, d.Opinion(), app.InReview, d.Note)
		if err != nil {
			return false, err
		}
		events = []app.CaseEvent{ev}
	case !app.CanMove(c.State, d.State):
		return false, s.skip(ctx, tx, d, fmt.Sprintf("the case is %s here", c.State))
	default:
		item, err := itemOf(ctx, tx, c.ItemCode)
		if err != nil {
			return false, err
		}
		note := d.Note
		if d.State == app.Denied && strings.TrimSpace(note) == "" {
			// An approval that completes a parallel review another
			// department denied: the case is denied for their reasons.
			if note, err = denialsOf(ctx, tx, c.Number); err != nil {
				return false, err
			}
		}
		events, err = s.decide(ctx, tx, &c, item, app.Decision{To: d.State, Actor: actor, Action: d.Opinion(), Note: note}, count, head)
		if err != nil {
			return false, fmt.Errorf("central decision on case %s: %w", d.Case, err)
		}
	}
	if err := s.enqueue(ctx, tx, app.OpCase, c.Number, app.NewCasePayload(c, events)); err != nil {
		return false, err
	}
	return true, nil
}

func (s *Store) skip(ctx context.Context, tx *sql.Tx, d app.CentralDecision, why string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_skipped (at, case_number, state, department, why) VALUES (?, ?, ?, ?, ?)`,
		stamp(s.now()), d.Case, d.State, d.Department, why)
	return err
}

// denialsOf joins the reasons of the departments that denied a case.
func denialsOf(ctx context.Context, tx *sql.Tx, number string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT actor, note FROM case_events WHERE case_number = ? AND action = ? ORDER BY seq`, number, app.ActionDeny)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var notes []string
	for rows.Next() {
		var actor, note string
		if err := rows.Scan(&actor, &note); err != nil {
			return "", err
		}
		notes = append(notes, strings.TrimPrefix(actor, "central:")+": "+note)
	}
	if len(notes) == 0 {
		notes = []string{"denied in the departments' review"}
	}
	return strings.Join(notes, "; "), rows.Err()
}
