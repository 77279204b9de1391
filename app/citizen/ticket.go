package citizen

import (
	"context"
	"errors"
	"time"

	"onewindow/app"
	"onewindow/app/suite"
)

// TicketView is a ticket's page: what the citizen holding it sees on their
// phone.
type TicketView struct {
	Hall     string
	HallName app.Text
	Day      app.Date
	Code     string
	Category app.Text
	Priority app.Priority
	// Known: a snapshot named the ticket. Before that (the hall's link is
	// slow, or down since the number was taken) the page says so.
	Known  bool
	State  app.TicketState
	Window int           // when called
	Ahead  int           // when waiting and Fresh
	Wait   time.Duration // estimated, when waiting and Fresh
	Near   bool          // 即将叫到您: within the hall's NearCall places
	// Fresh: the hall's last snapshot is recent (app.StaleAfter). Stale,
	// the page shows Updated instead of a place that may be wrong.
	Fresh   bool
	Updated time.Time // the hub's time of the last snapshot, zero for none
	Past    bool      // a ticket of a day gone by
}

// Ticket is the page of the ticket code of hall on day, opened with key.
// A key that does not match is app.ErrNotFound, as is an unknown hall.
func (s *Service) Ticket(ctx context.Context, hall string, day app.Date, code, key string) (TicketView, error) {
	v, err := s.OpenTicket(ctx, hall, day, code, key)
	if err != nil {
		return v, err
	}
	now, err := s.Store.QueueNow(ctx, hall)
	if err != nil && !errors.Is(err, app.ErrNotFound) {
		return v, err
	}
	return s.fill(ctx, v, now)
}

// OpenTicket checks a ticket's link as Ticket does and names the ticket,
// its hall and category, without its place: what a page following it
// fills in from the hall's snapshot (Refresh).
func (s *Service) OpenTicket(ctx context.Context, hall string, day app.Date, code, key string) (TicketView, error) {
	if _, err := day.Time(); err != nil || hall == "" || code == "" || len(code) > 16 || len(key) > 64 {
		return TicketView{}, notFound
	}
	secrets, err := s.Store.TicketSecrets(ctx, hall)
	if err != nil {
		return TicketView{}, err
	}
	ok := false
	for _, sec := range secrets { // under either suite: a hall moving to GM mid-day gave out both
		for _, s := range []suite.Name{suite.Intl, suite.GM} {
			ok = app.SameKey(key, app.TicketKey(s, sec, hall, string(day)+"/"+code)) || ok
		}
	}
	if !ok {
		return TicketView{}, notFound
	}
	v := TicketView{Hall: hall, Day: day, Code: code}
	if v.HallName, err = s.Store.HallName(ctx, hall); err != nil && !errors.Is(err, app.ErrNotFound) {
		return v, err
	}
	cat, err := s.Store.Catalog(ctx)
	if err != nil {
		return v, err
	}
	if cat == nil {
		return v, nil
	}
	if c, ok := cat.Category(categoryOf(code)); ok {
		v.Category = c.Name
	}
	return v, nil
}

// Refresh is v again from the hall's snapshot now, for a page that
// follows its ticket; now is the store's QueueNow (read once for every
// page following the hall).
func (s *Service) Refresh(ctx context.Context, v TicketView, now QueueNow) (TicketView, error) {
	return s.fill(ctx, v, now)
}

func (s *Service) fill(ctx context.Context, v TicketView, now QueueNow) (TicketView, error) {
	v.Updated = now.Snapshot.At
	v.Fresh = !now.Received.IsZero() && s.Clock.Now().Sub(now.Received) < app.StaleAfter
	v.Past = app.DateOf(s.Clock.Now()) > v.Day
	t, err := s.Store.PublicTicket(ctx, v.Hall, v.Day, v.Code)
	switch {
	case errors.Is(err, app.ErrNotFound):
		v.Known = false
		return v, nil
	case err != nil:
		return v, err
	}
	v.Known, v.State, v.Window, v.Priority = true, t.State, t.Window, t.Priority
	v.Ahead, v.Wait, v.Near = 0, 0, false
	if t.State != app.Waiting || now.Snapshot.Day != v.Day {
		return v, nil
	}
	for _, c := range now.Snapshot.Categories {
		if c.Prefix != t.Category {
			continue
		}
		for _, w := range c.Waiting {
			if w.Code == v.Code {
				v.Ahead, v.Wait = w.Ahead, app.EstimateWait(w.Ahead, c.Open, c.Per)
				v.Near = w.Ahead <= now.Snapshot.Near
			}
		}
	}
	return v, nil
}

// categoryOf is a ticket code's category prefix: A012 → A.
func categoryOf(code string) string {
	i := len(code)
	for i > 0 && code[i-1] >= '0' && code[i-1] <= '9' {
		i--
	}
	return code[:i]
}
