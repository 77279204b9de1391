package window

import (
	"context"
	"strings"
	"testing"
	"time"

	"onewindow/app"
)

// TestAPurgedCaseShowsNoName: a case whose applicant was erased after the
// retention period opens by its number with its state and timeline, says
// 已清除 where the applicant was, and offers no step.
func TestAPurgedCaseShowsNoName(t *testing.T) {
	b := newBench(t)
	b.mustLogin()
	number := b.acceptedCase()
	// Handed out, it could be filed (归档) but for the purge.
	for _, to := range []app.CaseState{app.Approved, app.ResultIssued} {
		if _, err := b.Store.Decide(b.ctx, number, app.Decision{To: to, Actor: "S1001"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Store.MarkSent(b.ctx, 1<<40); err != nil {
		t.Fatal(err)
	}
	ended := func(context.Context, string) (time.Time, bool, error) {
		return time.Now().AddDate(0, 0, -40), true, nil
	}
	if p, err := b.Store.PurgePersonalData(b.ctx, time.Now().AddDate(1, 0, 0), ended); err != nil || p.Cases != 1 {
		t.Fatalf("purge: %+v, %v", p, err)
	}
	b.openCase(number)
	cv := b.term.cases
	if !b.is(func() bool { return cv.open != nil && cv.open.Case.Number == number }) {
		t.Fatalf("Enter in the case search should open %s", number)
	}
	header := b.get(func() string { return cv.header.Text })
	if !strings.Contains(header, "申请人 已清除") || strings.Contains(header, "张") {
		t.Errorf("the purged case's header should say 已清除 and no name:\n%s", header)
	}
	if tl := b.get(func() string { return cv.timeline.Text }); !strings.Contains(tl, "1. ") {
		t.Errorf("the purged case's timeline is gone:\n%s", tl)
	}
	if b.get(func() string {
		if cv.close.Disabled() && cv.handOut.Disabled() {
			return "off"
		}
		return "on"
	}) != "off" {
		t.Error("a purged case offers a step")
	}
}
