package central

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"onewindow/app"
	"onewindow/sync/wire"
)

// RecordOpinion records a department's opinion on a case (审批意见). For an
// item decided by one department the opinion decides the case; for a
// parallel-approval item (并联审批) the case is in review until every
// department of the item has given its opinion, and then approved if all
// approve or denied if any denies. Each step that moves the case becomes a
// change for the accepting hall, under a version taken in the same
// transaction.
func (c *Central) RecordOpinion(ctx context.Context, o wire.Opinion) (wire.OpinionAnswer, error) {
	var p app.Problems
	if o.Case == "" {
		p.Add("case", "is empty")
	}
	if o.Department == "" {
		p.Add("department", "is empty")
	}
	o.Reason = strings.TrimSpace(o.Reason)
	if !o.Approve && o.Reason == "" {
		p.Add("reason", "a denial must give its reason")
	}
	if len([]rune(o.Reason)) > 1000 {
		p.Add("reason", "is longer than 1000 characters")
	}
	if err := p.Err(app.ErrInvalidInput); err != nil {
		return wire.OpinionAnswer{}, fmt.Errorf("opinion: %w", err)
	}
	var ans wire.OpinionAnswer
	err := c.tx(ctx, func(x q) error {
		// The version is taken first: its row lock orders every writer of
		// changes, so two opinions on one case never both settle it.
		version, err := x.bumpVersion(ctx)
		if err != nil {
			return err
		}
		var hall, itemCode, state, decision string
		err = x.row(ctx, `SELECT hall, item_code, state, decision FROM cases WHERE number = ?`, o.Case).
			Scan(&hall, &itemCode, &state, &decision)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("case %s: %w at central (the hall may not have sent it yet)", o.Case, app.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if decision == string(app.Approved) || decision == string(app.Denied) {
			return fmt.Errorf("case %s: %w: it was %s already", o.Case, ErrConflict, decision)
		}
		if s := app.CaseState(state); s != app.Accepted && s != app.InReview {
			return fmt.Errorf("case %s: %w: it is %s at the hall; only an accepted case is decided", o.Case, ErrConflict, s)
		}
		cat, err := c.catalogIn(ctx, x)
		if err != nil {
			return err
		}
		item, ok := cat.Item(itemCode)
		if !ok {
			return fmt.Errorf("case %s: item %s is no longer in the catalogue", o.Case, itemCode)
		}
		deciders := item.Parallel
		if len(deciders) == 0 {
			deciders = item.Departments
		}
		if !slices.Contains(deciders, o.Department) {
			return fmt.Errorf("case %s: %w: department %q does not decide item %s (it is decided by %s)",
				o.Case, app.ErrInvalidInput, o.Department, item.Code, strings.Join(deciders, ", "))
		}
		approve := 0
		if o.Approve {
			approve = 1
		}
		now := c.now()
		res, err := x.exec(ctx, `INSERT INTO opinions (case_number, department, approve, reason, at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (case_number, department) DO NOTHING`, o.Case, o.Department, approve, o.Reason, stamp(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("case %s: %w: department %s has given its opinion already", o.Case, ErrConflict, o.Department)
		}
		given := map[string]bool{} // department → approves
		var denials []string
		rows, err := x.query(ctx, `SELECT department, approve, reason FROM opinions WHERE case_number = ? ORDER BY at, department`, o.Case)
		if err != nil {
			return err
		}
		for rows.Next() {
			var dept, reason string
			var a int
			if err := rows.Scan(&dept, &a, &reason); err != nil {
				rows.Close()
				return err
			}
			given[dept] = a == 1
			if a == 0 {
				denials = append(denials, dept+": "+reason)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		next, waiting := settle(item, given, o.Department)
		ans = wire.OpinionAnswer{Case: o.Case, Decision: next, Waiting: waiting}
		if next != app.InReview {
			note := o.Reason
			if len(item.Parallel) > 0 {
				note = strings.Join(denials, "; ")
			}
			if _, err := x.exec(ctx, `UPDATE cases SET decision = ?, decision_dept = ?, decision_note = ?, decided_at = ? WHERE number = ?`,
				string(next), o.Department, note, stamp(now), o.Case); err != nil {
				return err
			}
		}
		// Every opinion reaches the hall, each with its own department and
		// reason, so that the hall shows every department's opinion.
		d := app.CentralDecision{Case: o.Case, State: next, Department: o.Department, Approve: o.Approve, Note: o.Reason, At: now.UTC()}
		body, _ := json.Marshal(d)
		_, err = x.exec(ctx, `INSERT INTO changes (version, hall, kind, body, at) VALUES (?, ?, ?, ?, ?)`,
			version, hall, wire.ChangeDecision, string(body), stamp(now))
		return err
	})
	if err != nil {
		return wire.OpinionAnswer{}, fmt.Errorf("opinion: %w", err)
	}
	c.log.Info("opinion recorded", "case", o.Case, "department", o.Department, "decision", ans.Decision)
	return ans, nil
}

// settle is the state a case is in after the opinions given (department →
// approves): for a parallel-approval item in review until every department
// has spoken, then approved if all approve and denied if any denies; for
// any other item, the opinion of the department that spoke (by).
func settle(item app.Item, given map[string]bool, by string) (app.CaseState, []string) {
	if len(item.Parallel) == 0 {
		if given[by] {
			return app.Approved, nil
		}
		return app.Denied, nil
	}
	var waiting []string
	allApprove := true
	for _, d := range item.Parallel {
		a, ok := given[d]
		if !ok {
			waiting = append(waiting, d)
		}
		if ok && !a {
			allApprove = false
		}
	}
	switch {
	case len(waiting) > 0:
		return app.InReview, waiting
	case allApprove:
		return app.Approved, nil
	}
	return app.Denied, nil
}
