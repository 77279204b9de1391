package main

import (
	"context"
	"log/slog"
	"time"

	"onewindow/app/store"
)

// purgeEvery is how often a running kiosk, window or hub erases the
// personal data past its retention (issue 16 §1): a day late is a day,
// and each run asks the hub about every case it may erase.
const purgeEvery = 24 * time.Hour

// startPurge erases, now and every purgeEvery until the terminal stops, the
// personal data of the cases that ended the configured retention ago and
// whose operations have all left: a kiosk's or window's learns from the
// hub when a case ended (the hub chains its steps after intake), the hub
// reads its own timelines. It logs counts only, never whose data.
func (t *terminal) startPurge() {
	var ended store.EndedFunc // the hub's own timelines
	if relayed(t.cfg.Role) {
		ended = t.hubClient(10 * time.Second).CaseEnded
	}
	go purgeLoop(t.ctx, t.store, t.cfg.Paths.Retention(), ended, t.log, purgeEvery)
}

// purgeLoop runs the purge now and then every interval until ctx ends.
func purgeLoop(ctx context.Context, s *store.Store, keep time.Duration, ended store.EndedFunc, log *slog.Logger, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		p, err := s.PurgePersonalData(ctx, time.Now().Add(-keep), ended)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("personal data past its retention was not all erased; trying again later",
				"cases", p.Cases, "comments", p.Comments, "err", err)
		case p.Cases+p.Comments+p.Waiting > 0:
			log.Info("personal data past its retention erased", "cases", p.Cases, "comments", p.Comments,
				"cases_waiting_to_be_sent", p.Waiting)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
