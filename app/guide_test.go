package app

import (
	"strings"
	"testing"
)

func TestGuideBrowsesByDepartment(t *testing.T) {
	c := sampleCatalog(t)
	depts := c.DepartmentsWithItems()
	if len(depts) == 0 || depts[0].Code != "gongan" {
		t.Fatalf("departments = %+v; want the catalogue's order, police first", depts)
	}
	for _, d := range depts {
		if len(c.ItemsOf(d.Code)) == 0 {
			t.Errorf("%s is offered but has no items", d.Code)
		}
	}
	// A parallel item is listed under every department that decides on it.
	for _, dept := range []string{"weijian", "gongan", "yibao", "renshe"} {
		found := false
		for _, it := range c.ItemsOf(dept) {
			found = found || it.Code == "WJ-001"
		}
		if !found {
			t.Errorf("出生一件事 is not listed under %s", dept)
		}
	}
	if _, ok := c.Category("A"); !ok {
		t.Errorf("category A not found")
	}
	if _, ok := c.Department("nosuch"); ok {
		t.Errorf("a department that does not exist was found")
	}
}

func TestSelfServiceItemsAreOnlyThoseMarked(t *testing.T) {
	c := sampleCatalog(t)
	items := c.SelfServiceItems()
	if len(items) == 0 {
		t.Fatal("the sample has self-service items")
	}
	for _, it := range items {
		if !it.SelfService {
			t.Errorf("%s is offered at the kiosk but not marked self-service", it.Code)
		}
	}
}

func TestGuideLinesInBothLanguages(t *testing.T) {
	c := sampleCatalog(t)
	it, _ := c.Item("GA-003")
	zh := strings.Join(c.GuideLines(it, "zh"), "\n")
	for _, want := range []string{"受理部门：区公安分局", "申请材料：", "承诺时限：", "法定时限：", "收费标准：工本费20元"} {
		if !strings.Contains(zh, want) {
			t.Errorf("the Chinese guide lacks %q:\n%s", want, zh)
		}
	}
	en := strings.Join(c.GuideLines(it, "en"), "\n")
	for _, want := range []string{"Department:", "Materials:", "working day", "Fees: Production fee: CNY 20"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English guide lacks %q:\n%s", want, en)
		}
	}
	if got := SearchItems(c.Items, "hkqy"); len(got) == 0 || got[0].Code != "GA-001" {
		t.Errorf("hkqy should find 户口迁移 first; got %d items", len(got))
	}
}
