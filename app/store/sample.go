package store

import (
	"context"
	"encoding/json"
	"errors"

	"onewindow/app"

	"onewindow/assets"
)

// LoadSample installs the embedded sample hall (catalogue, windows and
// staff, 2026 calendar) in a store that has no catalogue yet, for the demo
// and for a hub tried out before it is enrolled with central. A store that
// already has a catalogue is left as it is.
func LoadSample(ctx context.Context, s *Store) error {
	if _, err := s.Catalog(ctx); err == nil {
		return nil
	} else if !errors.Is(err, app.ErrNotFound) {
		return err
	}
	cat, err := app.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		return err
	}
	var hall app.Hall
	if err := json.Unmarshal(assets.SampleHall, &hall); err != nil {
		return err
	}
	var days []app.CalendarDay
	if err := json.Unmarshal(assets.Calendar2026, &days); err != nil {
		return err
	}
	if err := s.ReplaceCatalog(ctx, cat); err != nil {
		return err
	}
	if err := s.ReplaceHall(ctx, hall); err != nil {
		return err
	}
	return s.ReplaceCalendar(ctx, days)
}
