package selfservice_test

import (
	"strings"
	"testing"

	"onewindow/app"
	"onewindow/app/selfservice"
)

// TestGuideFindsItemsByPinyinInitials, typed in either case, and by
// department.
func TestGuideFindsItemsByPinyinInitials(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	for _, typed := range []string{"HKQY", "hkqy"} {
		found := k.s.Search(typed)
		if len(found) == 0 || found[0].Name.Zh != "户口迁移（市内）" {
			t.Errorf("search %q found %v; want 户口迁移（市内） first", typed, found)
		}
	}
	depts := k.s.Departments()
	if len(depts) == 0 {
		t.Fatal("no department with items")
	}
	for _, d := range depts {
		if len(k.s.ItemsOf(d.Code)) == 0 {
			t.Errorf("department %s is listed without items", d.Code)
		}
		if got, ok := k.s.Department(d.Code); !ok || got.Code != d.Code {
			t.Errorf("department %s not found by its code", d.Code)
		}
	}
}

// TestTheGuidesPaperIsChineseAndPrints, whatever the citizen reads; a
// printer out of paper says so.
func TestTheGuidesPaperIsChineseAndPrints(t *testing.T) {
	t.Parallel()
	k := openKiosk(t, nil)
	it := k.s.Search("hkqy")[0]
	if lines := strings.Join(k.s.Guide(it, "zh"), "\n"); !strings.Contains(lines, "收费标准：不收费") || !strings.Contains(lines, "申请材料") {
		t.Errorf("the guide lacks its fees or materials:\n%s", lines)
	}
	if en := strings.Join(k.s.Guide(it, "en"), "\n"); strings.Contains(en, "收费标准") {
		t.Errorf("the English guide is in Chinese:\n%s", en)
	}
	paper := k.s.GuidePaper(it)
	doc := paper.Document
	if doc == nil || !strings.Contains(doc.Title, "户口迁移") || doc.HallName != hallName.Zh ||
		strings.Join(doc.Lines, "\n") != strings.Join(k.s.Guide(it, "zh"), "\n") {
		t.Fatalf("guide paper %+v; want the Chinese guide of 户口迁移", paper)
	}
	if p := k.s.Print(k.ctx, k.Printer, paper); p != app.ProblemNone {
		t.Fatalf("print: problem %q", p)
	}
	if page := k.page(1); !strings.Contains(page, "户口迁移") {
		t.Errorf("the printed guide lacks its item:\n%s", page)
	}
	k.PrinterSim.SetPaperOut(true)
	if p := k.s.Print(k.ctx, k.Printer, paper); p != app.ProblemPaperOut {
		t.Errorf("out of paper: problem %q, want printer_paper_out", p)
	}
	if p := k.s.Print(k.ctx, nil, paper); p != app.ProblemNotSetUp {
		t.Errorf("no printer: problem %q, want not_set_up", p)
	}
}

// TestAKioskNeedsItsCatalogue: without one it cannot help anyone.
func TestAKioskNeedsItsCatalogue(t *testing.T) {
	t.Parallel()
	if _, err := selfservice.New(t.Context(), selfservice.Services{}, selfservice.Config{}); err == nil {
		t.Error("a kiosk without a catalogue was made")
	}
}
