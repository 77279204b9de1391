package link

import (
	"context"
	"errors"
	"net/http"

	"onewindow/sync/wire"
)

// report sends the terminal's health to central when the last report is
// HealthEvery old. A report that fails is tried again after HealthEvery
// too (a central without reports, one of an older version, would
// otherwise have the checks run every sync); it never fails the sync,
// which carries the hall's work.
func (l *Link) report(ctx context.Context) {
	if l.opt.Health == nil {
		return
	}
	if !l.reported.IsZero() && l.opt.Clock.Now().Sub(l.reported) < l.opt.HealthEvery {
		return
	}
	if err := l.sendReport(ctx); err != nil {
		l.opt.Logger.Warn("health report to central failed", "err", err)
	}
}

func (l *Link) sendReport(ctx context.Context) error {
	l.reported = l.opt.Clock.Now()
	r := wire.Report{Role: l.opt.Role, Version: l.opt.Version, Health: l.opt.Health(ctx)}
	r.Fit()
	return call(ctx, l.rc.R().SetBody(r), http.MethodPost, wire.PathReport, nil, l.opt.Clock)
}

// ReportHealth sends the terminal's health to central now, whatever the
// time of the last report (the technician page's "sync now", tests).
func (l *Link) ReportHealth(ctx context.Context) error {
	if l.opt.Health == nil {
		return errors.New("this terminal's link has no health check to report")
	}
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	return l.sendReport(ctx)
}
