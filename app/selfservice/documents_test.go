package selfservice_test

import (
	"testing"

	"onewindow/app"
	"onewindow/app/selfservice"
)

// TestOtherIdentityDocuments: a foreigner's permanent residence card takes
// a number (its holder's age from the card, not guessed from the number),
// applies for an item whose catalogue entry takes it, with the document
// kept on the case, and is told plainly for an item that does not take it,
// which stores nothing.
func TestOtherIdentityDocuments(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	foreign := card(6) // 史密斯, born 1980
	if foreign.Document != app.ForeignPermanent {
		t.Fatalf("sample card 7 is %q, want the foreigner's permanent residence card", foreign.Document)
	}
	if v := k.s.Visitor(foreign); v.Age != 46 || v.Elderly || v.Name != "史*斯" {
		t.Errorf("the holder taking a number: %+v; want 史*斯, 46, not elderly", v)
	}
	// 户籍证明开具 takes the resident ID card only.
	if _, p := k.s.Submit(k.ctx, k.application("GA-008", foreign)); p != selfservice.ProblemDocument {
		t.Errorf("GA-008 with a foreigner's card: problem %q, want %q", p, selfservice.ProblemDocument)
	}
	if cases, _ := k.Store.CasesByIDNumber(k.ctx, foreign.Number); len(cases) != 0 {
		t.Fatalf("a refused application stored %d cases", len(cases))
	}
	// 社会保险个人权益记录查询打印 takes it.
	r, p := k.s.Submit(k.ctx, k.application("RS-005", foreign))
	if p != app.ProblemNone {
		t.Fatalf("RS-005 with a foreigner's card: problem %q", p)
	}
	got, err := k.Store.Case(k.ctx, r.Case.Number)
	if err != nil || got.Applicant.Document != app.ForeignPermanent || got.Applicant.IDNumber != foreign.Number {
		t.Fatalf("stored case's applicant %+v, %v; want the foreigner's card and its number", got.Applicant, err)
	}
}
