package app

import (
	"fmt"
	"strings"
)

// Department returns the department with the given code.
func (c *Catalog) Department(code string) (Department, bool) {
	for _, d := range c.Departments {
		if d.Code == code {
			return d, true
		}
	}
	return Department{}, false
}

// Category returns the queue category with the given prefix.
func (c *Catalog) Category(prefix string) (Category, bool) {
	for _, k := range c.Categories {
		if k.Prefix == prefix {
			return k, true
		}
	}
	return Category{}, false
}

// ItemsOf lists the items a department decides on (alone or with others),
// in catalogue order: the guide's "browse by department".
func (c *Catalog) ItemsOf(dept string) []Item {
	var out []Item
	for _, it := range c.Items {
		for _, d := range it.Departments {
			if d == dept {
				out = append(out, it)
				break
			}
		}
	}
	return out
}

// DepartmentsWithItems lists the departments that decide on at least one
// item, in catalogue order, so the guide offers no empty page.
func (c *Catalog) DepartmentsWithItems() []Department {
	var out []Department
	for _, d := range c.Departments {
		if len(c.ItemsOf(d.Code)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// SelfServiceItems lists the items a kiosk may take in by itself.
func (c *Catalog) SelfServiceItems() []Item {
	var out []Item
	for _, it := range c.Items {
		if it.SelfService {
			out = append(out, it)
		}
	}
	return out
}

// GuideLines is an item's published guide (办事指南) as lines for a
// printout or a screen, in lang ("zh" or "en"): departments, materials,
// conditions, time limits and fees, legal basis.
func (c *Catalog) GuideLines(it Item, lang string) []string {
	en := lang == "en"
	label := func(zh, english string) string {
		if en {
			return english
		}
		return zh
	}
	var lines []string
	var depts []string
	for _, code := range it.Departments {
		if d, ok := c.Department(code); ok {
			depts = append(depts, d.Name.In(lang))
		}
	}
	lines = append(lines, label("事项编码：", "Item code: ")+it.Code)
	lines = append(lines, label("受理部门：", "Department: ")+strings.Join(depts, label("、", ", ")))
	if len(it.Parallel) > 0 {
		lines = append(lines, label("并联审批：多个部门同时办理", "Decided by several departments in parallel"))
	}
	lines = append(lines, "", label("申请材料：", "Materials:"))
	for i, m := range it.Materials {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, MaterialLine(m, lang)))
	}
	if len(it.Conditions) > 0 {
		lines = append(lines, "", label("办理条件：", "Conditions:"))
		for i, t := range it.Conditions {
			lines = append(lines, fmt.Sprintf("%d. %s", i+1, t.In(lang)))
		}
	}
	lines = append(lines, "",
		label("承诺时限：", "Promised time: ")+workingDays(it.PromisedDays, en),
		label("法定时限：", "Statutory time limit: ")+workingDays(it.StatutoryDays, en),
		label("收费标准：", "Fees: ")+it.Fees.In(lang))
	if len(it.LegalBasis) > 0 {
		lines = append(lines, "", label("设定依据：", "Legal basis:"))
		for _, t := range it.LegalBasis {
			lines = append(lines, t.In(lang))
		}
	}
	return lines
}

// MaterialLine is one line of a materials checklist: the name, original
// or copy, how many, and whether it is required.
func MaterialLine(m Material, lang string) string {
	if lang == "en" {
		form := "original"
		if m.Form == Copy {
			form = "copy"
		}
		need := "required"
		if !m.Required {
			need = "if applicable"
		}
		return fmt.Sprintf("%s (%s ×%d, %s)", m.Name.In("en"), form, m.Copies, need)
	}
	form := "原件"
	if m.Form == Copy {
		form = "复印件"
	}
	need := "必需"
	if !m.Required {
		need = "视情况提供"
	}
	return fmt.Sprintf("%s（%s%d份，%s）", m.Name.Zh, form, m.Copies, need)
}

func workingDays(n int, en bool) string {
	if en {
		if n == 1 {
			return "1 working day"
		}
		return fmt.Sprintf("%d working days", n)
	}
	return fmt.Sprintf("%d个工作日", n)
}
