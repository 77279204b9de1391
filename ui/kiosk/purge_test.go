package kiosk

import (
	"testing"

	"onewindow/app"
)

// TestAPurgedCaseShowsNoApplicant: a receipt scanned after the case's
// personal data was erased shows the case's progress and says the
// applicant was purged.
func TestAPurgedCaseShowsNoApplicant(t *testing.T) {
	r, h := hallRig(t)
	const number = "W01-20261122-000007"
	h.retirement(t, number, app.Closed, "2026-12-18")
	c := h.cases[number]
	c.Applicant, c.Purged = app.Applicant{}, testNow
	h.cases[number] = c
	r.k.Scanned(app.CaseQR(number))
	if r.k.Page() != "case" {
		t.Fatalf("scanning the receipt shows %q (%q), want the case", r.k.Page(), r.texts())
	}
	r.mustShow(t, number, "申请人：已清除（个人信息已按保存期限删除）")
	r.mustNotShow(t, "马*", "证件：")
}
