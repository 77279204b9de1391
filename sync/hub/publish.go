package hub

import (
	"context"
	"time"

	"onewindow/app"
)

// Snapshots reads the hall's queue for central's citizens' pages
// (app/store implements it).
type Snapshots interface {
	QueueSnapshot(ctx context.Context) (app.QueueSnapshot, error)
}

// PublishQueue sends central the hall's queue (app.QueueSnapshot) through
// send whenever it changes, at most every app.SnapshotEvery, and at least
// every app.SnapshotHeartbeat while central takes them, so that a phone
// following its ticket can tell a quiet queue from a broken link. A
// snapshot names only the tickets changed since the last one central
// took; the first, a new day's and the first after a failure name all of
// the day's. It runs until ctx ends; failures are retried, never queued:
// only the queue now matters.
func (h *Server) PublishQueue(ctx context.Context, src Snapshots, send func(context.Context, app.QueueSnapshot) error) {
	var held map[string]app.PublicTicket // what central holds, after the last snapshot it took
	var heldDay app.Date
	var last time.Time
	retry := time.Duration(0)
	for {
		changed := h.waitChange() // before reading, so no change slips between
		if wait := app.SnapshotEvery - h.now().Sub(last); wait > 0 {
			if !sleep(ctx, wait) {
				return
			}
		}
		snap, err := src.QueueSnapshot(ctx)
		if err == nil {
			all := snap.Tickets
			if held != nil && heldDay == snap.Day {
				snap.Tickets, snap.Full = changedTickets(all, held), false
			}
			last = h.now()
			if err = send(ctx, snap); err == nil {
				held, heldDay, retry = map[string]app.PublicTicket{}, snap.Day, 0
				for _, t := range all {
					held[t.Code] = t
				}
			}
		}
		wake := app.SnapshotHeartbeat
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			held = nil // central may hold less than we think: all of the day next time
			retry = min(max(2*retry, app.SnapshotEvery), app.SnapshotHeartbeat)
			wake = retry
			h.log.Debug("hub: the queue snapshot did not reach central", "err", err)
		}
		t := time.NewTimer(wake)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-changed:
		case <-t.C:
		}
		t.Stop()
	}
}

// changedTickets are the tickets of all that differ from what central holds.
func changedTickets(all []app.PublicTicket, held map[string]app.PublicTicket) []app.PublicTicket {
	out := []app.PublicTicket{}
	for _, t := range all {
		if held[t.Code] != t {
			out = append(out, t)
		}
	}
	return out
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
