package selfservice_test

import (
	"slices"
	"testing"

	"onewindow/app"
	"onewindow/app/selfservice"
)

// TestWhatIsRated: a ticket's number typed in either case, a ticket's or a
// receipt's code scanned; anything else is refused.
func TestWhatIsRated(t *testing.T) {
	t.Parallel()
	for typed, want := range map[string]string{"a012": "A012", "A012": "A012"} {
		if r, p := selfservice.RateTyped(typed); p != app.ProblemNone || r.Ticket != want || r.For() != want {
			t.Errorf("typed %q: %+v (%q); want ticket %s", typed, r, p, want)
		}
	}
	for _, bad := range []string{"A12", "0123", "AB12", ""} {
		if _, p := selfservice.RateTyped(bad); p != selfservice.ProblemTicketNumber {
			t.Errorf("typed %q: problem %q, want ticket_number", bad, p)
		}
	}
	if r, p := selfservice.RateScanned("onewindow:ticket:2026-11-24/B007"); p != app.ProblemNone || r.Ticket != "B007" || r.Case != "" {
		t.Errorf("a ticket's code: %+v (%q); want ticket B007", r, p)
	}
	if r, p := selfservice.RateScanned(app.CaseQR("K01-20261124-000001")); p != app.ProblemNone || r.Case != "K01-20261124-000001" || r.For() != r.Case {
		t.Errorf("a receipt's code: %+v (%q); want the case", r, p)
	}
	if _, p := selfservice.RateScanned("https://example.com/not-ours"); p != app.ProblemUnknownCode {
		t.Errorf("a stranger's code: problem %q, want unknown_code", p)
	}
	if !selfservice.IsTicket("onewindow:ticket:2026-11-24/B007") || !selfservice.IsTicket("https://zwfw.example.gov.cn/t/330106/2026-11-24/B007/k") ||
		selfservice.IsTicket(app.CaseQR("K01-20261124-000001")) {
		t.Error("at home a ticket's code (old or a link) is a ticket's, a receipt's is not")
	}
	if l := selfservice.Levels(); len(l) != 5 || l[0] != app.VerySatisfied || l[4] != app.VeryDissatisfied {
		t.Errorf("levels %v; want the five, best first", l)
	}
}

// TestABadRatingNeedsAReasonAndOpensAFollowUp.
func TestABadRatingNeedsAReasonAndOpensAFollowUp(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	r, _ := selfservice.RateTyped("A012")
	r.Level = app.Dissatisfied
	if !r.NeedsReason() {
		t.Fatal("a bad rating without a reason should ask for one")
	}
	if _, p := k.s.Rate(k.ctx, r); p != selfservice.ProblemNeedReason {
		t.Fatalf("a bad rating without a reason: problem %q, want need_reason", p)
	}
	if open, _ := k.Store.OpenFollowUps(k.ctx); len(open) != 0 {
		t.Fatalf("a refused rating opened %d follow-ups", len(open))
	}
	r.Reason("slow", true)
	r.Reason("wait", true)
	r.Reason("slow", false)
	if !slices.Equal(r.Reasons, []string{"wait"}) || !r.Gives("wait") || r.Gives("slow") {
		t.Fatalf("reasons %v; want wait", r.Reasons)
	}
	followUp, p := k.s.Rate(k.ctx, r)
	if p != app.ProblemNone || !followUp {
		t.Fatalf("a bad rating with a reason: follow-up %v, problem %q", followUp, p)
	}
	open, err := k.Store.OpenFollowUps(k.ctx)
	if err != nil || len(open) != 1 {
		t.Fatalf("open follow-ups = %d, %v; a bad rating must open one", len(open), err)
	}

	good, _ := selfservice.RateScanned("onewindow:ticket:2026-11-23/B007")
	good.Level = app.VerySatisfied
	if followUp, p := k.s.Rate(k.ctx, good); p != app.ProblemNone || followUp {
		t.Errorf("a good rating: follow-up %v, problem %q; want kept, no follow-up", followUp, p)
	}
	if open, _ := k.Store.OpenFollowUps(k.ctx); len(open) != 1 {
		t.Errorf("a good rating opened a follow-up: %d open", len(open))
	}
}
