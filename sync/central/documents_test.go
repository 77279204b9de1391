package central_test

import (
	"context"
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/sync/scene"
)

// TestPushKeepsTheApplicantsDocument: a case taken in on a foreigner's
// permanent residence card reaches central with its document type, on
// SQLite and PostgreSQL; a case claiming a document its item does not take
// is refused with the reason, and not stored.
func TestPushKeepsTheApplicantsDocument(t *testing.T) {
	scene.Backends(t, func(t *testing.T, dsn string) {
		s := newScene(t, dsn)
		ctx := context.Background()
		foreign := app.Applicant{Name: "史密斯", IDNumber: "USA110080010101", Document: app.ForeignPermanent}
		c, err := s.st.TakeIn(ctx, app.Intake{ItemCode: "RS-004", Applicant: foreign, Received: []int{0},
			Window: 2, Actor: "S1002", Outcome: app.Accepted})
		if err != nil {
			t.Fatalf("take in RS-004 on a foreigner's card: %v", err)
		}
		if ans := s.push(t, s.batch(t)); len(ans.Rejected) != 0 {
			t.Fatalf("central refused the case: %+v", ans.Rejected)
		}
		var doc string
		if err := s.c.DB().QueryRow(rebind(s.c, `SELECT applicant_document FROM cases WHERE number = ?`), c.Number).Scan(&doc); err != nil || doc != string(app.ForeignPermanent) {
			t.Fatalf("central holds document %q, %v; want %s", doc, err, app.ForeignPermanent)
		}

		// GA-001 (户口迁移) takes the resident ID card only.
		s.accept(t, "GA-001", 1)
		b := s.batch(t)
		op := &b.Ops[len(b.Ops)-1]
		op.Payload = setField(setField(op.Payload, "applicant_document", "foreign_permanent"), "applicant_id", "USA110080010101")
		ans := s.push(t, b)
		if len(ans.Rejected) != 1 || !strings.Contains(ans.Rejected[0].Reason, "does not take this identity document") {
			t.Fatalf("a GA-001 case on a foreigner's card: want it refused for its document, got %+v", ans.Rejected)
		}
		var n int
		s.c.DB().QueryRow(rebind(s.c, `SELECT count(*) FROM cases WHERE item_code = ?`), "GA-001").Scan(&n)
		if n != 0 {
			t.Fatalf("the refused case was stored at central")
		}
	})
}
