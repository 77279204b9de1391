package citizen

import (
	"context"
	"errors"

	"onewindow/app"
)

// CaseView is a case's progress page.
type CaseView struct {
	Case
	HallName app.Text
	Item     app.Text
	// Departments names each opinion's department.
	Departments map[string]app.Text
	// Ready: the result waits to be picked up at the hall (approved or
	// denied, not yet handed out).
	Ready bool
}

// Case is the progress page of the case number, opened with key.
func (s *Service) Case(ctx context.Context, number, key string) (CaseView, error) {
	if number == "" || len(number) > 64 || len(key) > 64 {
		return CaseView{}, notFound
	}
	c, err := s.Store.PublicCase(ctx, number)
	switch {
	case errors.Is(err, app.ErrNotFound):
		return CaseView{}, notFound
	case err != nil:
		return CaseView{}, err
	}
	if c.FirstHash == "" || !app.SameKey(key, app.ReceiptKey(c.FirstHash)) {
		return CaseView{}, notFound
	}
	v := CaseView{Case: c, Departments: map[string]app.Text{},
		Ready: c.State == app.Approved || c.State == app.Denied}
	if v.HallName, err = s.Store.HallName(ctx, c.Hall); err != nil && !errors.Is(err, app.ErrNotFound) {
		return v, err
	}
	cat, err := s.Store.Catalog(ctx)
	if err != nil {
		return v, err
	}
	if cat != nil {
		if it, ok := cat.Item(c.ItemCode); ok {
			v.Item = it.Name
		}
		for _, o := range c.Opinions {
			if d, ok := cat.Department(o.Department); ok {
				v.Departments[o.Department] = d.Name
			}
		}
	}
	return v, nil
}

// Publicity is a hall's 办件公示 of one day.
type Publicity struct {
	Hall     string
	HallName app.Text
	Day      app.Date
	Cases    []Completed
	Items    map[string]app.Text
}

// Publicity lists the cases hall decided on day: item, masked applicant,
// outcome and time. An unknown hall is app.ErrNotFound.
func (s *Service) Publicity(ctx context.Context, hall string, day app.Date) (Publicity, error) {
	if _, err := day.Time(); err != nil {
		return Publicity{}, notFound
	}
	name, err := s.Store.HallName(ctx, hall)
	if err != nil {
		return Publicity{}, err
	}
	p := Publicity{Hall: hall, HallName: name, Day: day, Items: map[string]app.Text{}}
	if p.Cases, err = s.Store.Completed(ctx, hall, day); err != nil {
		return p, err
	}
	cat, err := s.Store.Catalog(ctx)
	if err != nil || cat == nil {
		return p, err
	}
	for _, c := range p.Cases {
		if it, ok := cat.Item(c.ItemCode); ok {
			p.Items[c.ItemCode] = it.Name
		}
	}
	return p, nil
}

// Today is the hall's date now.
func (s *Service) Today() app.Date { return app.DateOf(s.Clock.Now()) }
