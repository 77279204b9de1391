package selfservice_test

import (
	"slices"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/selfservice"
	"onewindow/internal/hallrig"
)

// TestSelfServiceApplicationIsTakenInAndItsReceiptMasked: a wrong phone or
// a required material not held stores nothing; a right form is stored as
// received by the kiosk, and its receipt shows the applicant masked.
func TestSelfServiceApplicationIsTakenInAndItsReceiptMasked(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	it, _ := k.s.Item("GA-008") // 户籍证明开具
	c := card(2)                // 李堃
	a := k.s.Apply(it)
	a.Card(c)
	if name, id := a.Applicant(); name != "李*" || id != c.Number.Masked() {
		t.Errorf("the applicant shows as %q %q; want 李* and the masked number", name, id)
	}
	if lines := a.Materials("zh"); len(lines) != len(it.Materials) || lines[0] != app.MaterialLine(it.Materials[0], "zh") {
		t.Errorf("materials to tick %q; want a line per material of %s", lines, it.Code)
	}
	a.Phone = "1380013800" // ten digits
	for i, m := range it.Materials {
		a.Hold(i, m.Required)
	}
	if _, p := k.s.Submit(k.ctx, *a); p != selfservice.ProblemPhone {
		t.Errorf("ten digits: problem %q, want phone", p)
	}
	a.Phone = "13800138000"
	required := slices.IndexFunc(it.Materials, func(m app.Material) bool { return m.Required })
	a.Hold(required, false)
	if _, p := k.s.Submit(k.ctx, *a); p != selfservice.ProblemMaterials {
		t.Errorf("a required material not held: problem %q, want materials", p)
	}
	if cases, _ := k.Store.CasesByIDNumber(k.ctx, c.Number); len(cases) != 0 {
		t.Fatalf("a refused form stored %d cases", len(cases))
	}
	a.Hold(required, true)
	if !a.Holds(required) {
		t.Fatalf("material %d ticked again is not held", required)
	}
	r, p := k.s.Submit(k.ctx, *a)
	if p != app.ProblemNone {
		t.Fatalf("submit: problem %q", p)
	}
	got, err := k.Store.Case(k.ctx, r.Case.Number)
	if err != nil || got.State != app.Submitted || got.Applicant.Phone != "13800138000" || got.Applicant.IDNumber != c.Number {
		t.Fatalf("stored case %+v, %v; want submitted with the phone and the card's number", got, err)
	}
	evs, err := k.Store.Events(k.ctx, r.Case.Number)
	if err != nil || len(evs) != 1 || evs[0].Actor != "kiosk:K01" {
		t.Errorf("timeline %+v, %v; want one step by kiosk:K01", evs, err)
	}
	if r.Case.Applicant != "李*" || r.Case.IDNumber != c.Number.Masked() || r.QR != app.CaseQR(r.Case.Number) {
		t.Errorf("receipt's case %+v, code %q; want the applicant masked and the case's code", r.Case, r.QR)
	}
	doc := r.Paper.Document
	if doc == nil || doc.QRPayload != r.QR || doc.HallName != hallName.Zh {
		t.Fatalf("receipt paper %+v; want a document with the case's code", r.Paper)
	}
	receipt := strings.Join(doc.Lines, "\n")
	if strings.Contains(receipt, string(c.Number)) || strings.Contains(receipt, c.Name) || !strings.Contains(receipt, c.Number.Masked()) {
		t.Errorf("the receipt shows personal data unmasked or not at all:\n%s", receipt)
	}
	// It promises what the hall does: a window's pre-review, followed at
	// the kiosk's 办件查询; nothing sends an SMS.
	if !strings.Contains(receipt, "预审") || !strings.Contains(receipt, "办件查询") || strings.Contains(receipt, "短信") {
		t.Errorf("the receipt should say a window pre-reviews it and where to follow it, and promise no SMS:\n%s", receipt)
	}
	if loc := doc.Printed.Location(); loc != app.HallZone {
		t.Errorf("the receipt is stamped in %v, want the hall's zone", loc)
	}
}

// TestAnApplicationWithoutRecordsIsNotSetUp: a kiosk without intake says
// so instead of losing the form.
func TestAnApplicationWithoutRecordsIsNotSetUp(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, func(_ *hallrig.Rig, svc *selfservice.Services, _ *selfservice.Config) { svc.Intake = nil })
	it, _ := k.s.Item("GA-008")
	a := k.s.Apply(it)
	a.Card(card(2))
	a.Phone = "13800138000"
	for i, m := range it.Materials {
		a.Hold(i, m.Required)
	}
	if _, p := k.s.Submit(k.ctx, *a); p != app.ProblemNotSetUp {
		t.Errorf("no intake: problem %q, want not_set_up", p)
	}
	if _, p := k.s.Submit(k.ctx, *k.s.Apply(it)); p != app.ProblemNoCard {
		t.Errorf("no card: problem %q, want no_card", p)
	}
}

// TestOnlySelfServiceItemsAreOffered: the kiosk takes in only the items
// the catalogue marks self-service.
func TestOnlySelfServiceItemsAreOffered(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	items := k.s.SelfServiceItems()
	if len(items) == 0 {
		t.Fatal("the sample hall offers no self-service item")
	}
	for _, it := range items {
		if !it.SelfService {
			t.Errorf("%s is offered but is not self-service", it.Code)
		}
	}
}
