package link

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"onewindow/app"
	"onewindow/app/suite"
	"onewindow/sync/wire"
)

// Pull fetches and applies central's changes.
func (l *Link) Pull(ctx context.Context) (app.ApplyResult, error) {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	r, err := l.pull(ctx)
	l.done(err)
	return r, err
}

func (l *Link) pull(ctx context.Context) (app.ApplyResult, error) {
	var total app.ApplyResult
	for {
		cursor, err := l.ob.SyncCursor(ctx)
		if err != nil {
			return total, err
		}
		var ans wire.ChangesAnswer
		err = call(ctx, l.rc.R().SetQueryParam("since", strconv.FormatInt(cursor, 10)), http.MethodGet, wire.PathChanges, &ans, l.opt.Clock)
		var he *HTTPError
		if errors.As(err, &he) && he.Status == http.StatusGone {
			l.opt.Logger.Info("central no longer keeps this terminal's changes; resyncing in full", "cursor", cursor)
			return l.resync(ctx)
		}
		if err != nil {
			return total, err
		}
		p := app.PulledChanges{From: cursor, To: ans.Cursor, Suite: suite.Name(ans.Suite)}
		for _, ch := range ans.Changes {
			c, ok, err := decodeChange(ch)
			if err != nil {
				return total, fmt.Errorf("central's change %d: %w", ch.Version, err)
			}
			if ok {
				p.Changes = append(p.Changes, c)
			}
		}
		res, err := l.ob.ApplyCentralChanges(ctx, p)
		if err != nil {
			return total, err
		}
		add(&total, res)
		if !ans.More {
			return total, nil
		}
	}
}

func add(t *app.ApplyResult, r app.ApplyResult) {
	t.Catalog = t.Catalog || r.Catalog
	t.Hall = t.Hall || r.Hall
	t.Calendar = t.Calendar || r.Calendar
	t.Decisions += r.Decisions
	t.Bookings += r.Bookings
	t.Skipped += r.Skipped
}

func decodeChange(ch wire.Change) (app.CentralChange, bool, error) {
	var c app.CentralChange
	switch ch.Kind {
	case wire.ChangeCatalog:
		cat, err := app.ParseCatalog(ch.Body)
		if err != nil {
			return c, false, err
		}
		c.Catalog = cat
	case wire.ChangeHall:
		var h app.Hall
		if err := json.Unmarshal(ch.Body, &h); err != nil {
			return c, false, err
		}
		c.Hall = &h
	case wire.ChangeCalendar:
		if err := json.Unmarshal(ch.Body, &c.Calendar); err != nil {
			return c, false, err
		}
		c.HasCalendar = true
	case wire.ChangeDecision:
		var d app.CentralDecision
		if err := json.Unmarshal(ch.Body, &d); err != nil {
			return c, false, err
		}
		c.Decision = &d
	case wire.ChangeBooking:
		var b app.Booking
		if err := json.Unmarshal(ch.Body, &b); err != nil {
			return c, false, err
		}
		c.Booking = &b
	default:
		return c, false, nil // a kind a newer central publishes; this terminal has no use for it
	}
	return c, true, nil
}

// resync replaces what central owns with a full snapshot.
func (l *Link) resync(ctx context.Context) (app.ApplyResult, error) {
	var snap wire.Snapshot
	if err := call(ctx, l.rc.R(), http.MethodGet, wire.PathSnapshot, &snap, l.opt.Clock); err != nil {
		return app.ApplyResult{}, err
	}
	p := app.PulledChanges{To: snap.Cursor, Reset: true, Suite: suite.Name(snap.Suite)}
	if snap.Catalog != nil {
		p.Changes = append(p.Changes, app.CentralChange{Catalog: snap.Catalog})
	}
	if snap.Hall != nil {
		p.Changes = append(p.Changes, app.CentralChange{Hall: snap.Hall})
	}
	if snap.Calendar != nil {
		p.Changes = append(p.Changes, app.CentralChange{Calendar: *snap.Calendar, HasCalendar: true})
	}
	for i := range snap.Decisions {
		p.Changes = append(p.Changes, app.CentralChange{Decision: &snap.Decisions[i]})
	}
	for i := range snap.Bookings {
		p.Changes = append(p.Changes, app.CentralChange{Booking: &snap.Bookings[i]})
	}
	return l.ob.ApplyCentralChanges(ctx, p)
}
