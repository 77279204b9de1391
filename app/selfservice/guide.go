package selfservice

import (
	"strings"

	"onewindow/app"
)

// Departments are the departments that have items, for browsing the guide.
func (s *Service) Departments() []app.Department { return s.catalog.DepartmentsWithItems() }

// Department is the department of code.
func (s *Service) Department(code string) (app.Department, bool) { return s.catalog.Department(code) }

// ItemsOf are the items of a department.
func (s *Service) ItemsOf(dept string) []app.Item { return s.catalog.ItemsOf(dept) }

// Item is the item of code.
func (s *Service) Item(code string) (app.Item, bool) { return s.catalog.Item(code) }

// Search finds items by pinyin initials (hkqy for 户口迁移) or code, typed
// in either case.
func (s *Service) Search(typed string) []app.Item {
	return app.SearchItems(s.catalog.Items, strings.ToLower(typed))
}

// Guide is an item's guide in lang: materials, conditions, time limits and
// fees, a line each; a line ending in a colon heads the lines under it.
func (s *Service) Guide(it app.Item, lang string) []string { return s.catalog.GuideLines(it, lang) }

// GuidePaper is an item's guide to print: in Chinese, as the hall
// publishes it.
func (s *Service) GuidePaper(it app.Item) Paper {
	return Paper{What: "guide " + it.Code, Document: &app.DocumentPrint{HallName: s.cfg.HallName.Zh,
		Title: "办事指南 " + it.Name.Zh, Lines: s.catalog.GuideLines(it, "zh"), Printed: s.svc.Clock.Now().In(app.HallZone)}}
}
