package app

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestSearchItems(t *testing.T) {
	items := []Item{
		{Code: "GA-001", Name: Text{"户口迁移（市内）", "Household move"}, Initials: "hkqysn"},
		{Code: "GA-003", Name: Text{"居民身份证换领", "ID card renewal"}, Initials: "jmsfzhl"},
		{Code: "GJJ-001", Name: Text{"住房公积金提取（购房）", "Housing fund withdrawal"}, Initials: "zfgjjtqgf"},
		{Code: "HK", Name: Text{"户口证明", "Household certificate"}, Initials: "hkzm"},
	}
	codes := func(its []Item) []string {
		var out []string
		for _, it := range its {
			out = append(out, it.Code)
		}
		return out
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"", []string{"GA-001", "GA-003", "GJJ-001", "HK"}},
		{"hk", []string{"HK", "GA-001"}}, // the exact code first, then initials
		{"HKQY", []string{"GA-001"}},
		{"身份证", []string{"GA-003"}},
		{"housing", []string{"GJJ-001"}},
		{"ga-00", []string{"GA-001", "GA-003"}},
		{"tq", []string{"GJJ-001"}}, // inside the initials
		{"不存在", nil},
	} {
		if got := codes(SearchItems(items, tt.q)); !slices.Equal(got, tt.want) {
			t.Errorf("search %q: want %v, got %v", tt.q, tt.want, got)
		}
	}
}

func TestRefusalNote(t *testing.T) {
	if n, err := RefusalNote("not_eligible", ""); err != nil || n != "申请人不具备申请资格" {
		t.Fatalf("listed reason: got %q %v", n, err)
	}
	if n, _ := RefusalNote("not_eligible", " 未满十八周岁 "); n != "申请人不具备申请资格：未满十八周岁" {
		t.Fatalf("reason with words: got %q", n)
	}
	if _, err := RefusalNote("other", "  "); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("other without words: want ErrInvalidInput, got %v", err)
	}
	if _, err := RefusalNote("whim", ""); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("unlisted reason: want ErrInvalidInput, got %v", err)
	}
}

func TestNoticeForListsExactlyTheMissingMaterials(t *testing.T) {
	item := Item{Code: "X", Name: Text{Zh: "户口迁移"}, Materials: []Material{
		{Name: Text{Zh: "身份证"}, Form: Original, Copies: 1, Required: true},
		{Name: Text{Zh: "户口簿"}, Form: Original, Copies: 1, Required: true},
		{Name: Text{Zh: "房产证"}, Form: Copy, Copies: 2, Required: true},
		{Name: Text{Zh: "委托书"}, Form: Original, Copies: 1, Required: false},
	}}
	c := Case{Number: "T1-20261123-000001", State: SupplementRequested, Received: []int{0}, Missing: []int{1, 2},
		Applicant: Applicant{Name: "张三", IDNumber: "11010519491231002X"}, Window: 5}
	n, err := NoticeFor(c, item, "西溪区政务服务中心", "请补齐", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var missing, listed []string
	for _, m := range n.Materials {
		listed = append(listed, m.Name)
		if !m.Received {
			missing = append(missing, m.Name)
		}
	}
	if n.Kind != NoticeMissing || !slices.Equal(missing, []string{"户口簿", "房产证"}) || slices.Contains(listed, "委托书") {
		t.Fatalf("want a 一次性告知书 missing 户口簿 and 房产证 only, got kind %v materials %+v", n.Kind, n.Materials)
	}
	c.State, c.Due = Accepted, "2026-12-01"
	if n, err = NoticeFor(c, item, "h", "", time.Now()); err != nil || n.Kind != NoticeAccepted || n.DueDate.IsZero() {
		t.Fatalf("accepted: want a 受理通知书 with its due date, got %+v %v", n, err)
	}
	c.State = Submitted
	if _, err := NoticeFor(c, item, "h", "", time.Now()); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("submitted case: want no notice, got %v", err)
	}
}

func TestParallelStatus(t *testing.T) {
	item := Item{Departments: []string{"a", "b"}, Parallel: []string{"a", "b"}}
	depts := []Department{{Code: "a", Name: Text{Zh: "甲局"}}, {Code: "b", Name: Text{Zh: "乙局"}}}
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	events := []CaseEvent{
		{Actor: "S1", State: Accepted},
		{Actor: "central:a", State: InReview, At: at, Note: "已受理"},
		{Actor: "central:a", State: Approved, At: at.Add(time.Hour), Note: "同意"},
	}
	got := ParallelStatus(item, depts, events)
	if len(got) != 2 || got[0].State != Approved || got[0].Note != "同意" || got[0].Name.Zh != "甲局" || got[1].State != "" {
		t.Fatalf("want 甲局 approved and 乙局 pending, got %+v", got)
	}
}
