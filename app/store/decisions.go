package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"onewindow/app"
)

// ApplyCentralDecision records a back-office decision made at central on a
// case this terminal took in. The case moves by the same rules as Decide and
// the step is chained into its timeline as "central:<department>". The
// step goes back to central in the outbox like any other: the timeline is
// chained here, by the terminal, and central's copy must hold the same
// steps with the same hashes (the decision fields central wrote are not
// touched by it). A decision that does not fit (the case is unknown here,
// already there, or has moved on) is kept in the skipped list and applied
// reports false.
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
	c, count, head, err := s.loadCase(ctx, tx, d.Case)
	if errors.Is(err, app.ErrNotFound) {
		return false, s.skip(ctx, tx, d, "the case is not on this terminal")
	}
	if err != nil {
		return false, err
	}
	if c.State == d.State {
		return false, nil // applied before: a resync or a repeated pull
	}
	if !app.CanMove(c.State, d.State) {
		return false, s.skip(ctx, tx, d, fmt.Sprintf("the case is %s here", c.State))
	}
	item, err := itemOf(ctx, tx, c.ItemCode)
	if err != nil {
		return false, err
	}
	events, err := s.decide(ctx, tx, &c, item, app.Decision{To: d.State, Actor: "central:" + d.Department, Note: d.Note}, count, head)
	if err != nil {
		return false, fmt.Errorf("central decision on case %s: %w", d.Case, err)
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
