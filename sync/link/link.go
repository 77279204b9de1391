// Package link is a hall terminal's one client of the central platform
// (DESIGN.md §5): every exchange with central goes through it, over one HTTP
// client that trusts only the CA pinned at enrolment. It enrols the terminal
// with a one-time code (enrol.go), pushes the outbox to central in gzip
// batches, two in flight (push.go), pulls central's changes and applies them
// with the new cursor in one transaction, resyncing in full when the cursor
// is too old (pull.go), runs syncs and retries them with capped exponential
// backoff and full jitter on an injected clock (backoff.go), reports the
// terminal's health (report.go), downloads update packages (update.go),
// probes central's health endpoint for the doctor (probe.go), and keeps a
// status for the screens and syncs now (this file). client.go holds the
// client and the errors every exchange ends with.
//
// It reaches the terminal's store only through app.Outbox. It talks HTTP
// through go-resty with resty's own retries off: the outbox owns retries,
// so an operation is never sent twice by two retry loops. It must not
// trust any CA but the pinned one, and must not log personal data
// (operation payloads carry applicants' names and ID numbers); log lines
// carry counts, sequences and statuses only.
package link

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"onewindow/app"
	"onewindow/app/health"
)

var _ app.Syncer = (*Link)(nil)

// Options configure a link. Every field has a default.
type Options struct {
	Clock app.Clock
	// Sleep waits d or until ctx ends; tests replace it so that nothing
	// waits for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a number in [0, 1) for the backoff's jitter.
	Rand     func() float64
	Logger   *slog.Logger
	Timeout  time.Duration // per request; default 30 s
	Interval time.Duration // between syncs while all is well; default 30 s
	Backoff  Backoff       // default: 1 s doubling to 5 min
	// Transport, when set, carries the requests instead of a transport
	// built from the pinned CA (tests that wrap the connection).
	Transport http.RoundTripper

	// Health, when set, examines the terminal; its report goes to central
	// with a sync, at most every HealthEvery (default 5 min), so that a
	// slow check does not run every Interval. Role and Version go with it.
	Health      func(ctx context.Context) health.Report
	HealthEvery time.Duration
	Role        string // kiosk, window, hub; default "terminal"
	Version     string

	// Relayed says the hall's hub relays this terminal's outbox to central
	// (sync/hub's Pusher, DESIGN.md §4a): the link pushes nothing itself,
	// and pulls, reports and updates as ever.
	Relayed bool
}

func (o *Options) defaults() {
	if o.Clock == nil {
		o.Clock = app.SystemClock{}
	}
	if o.Sleep == nil {
		o.Sleep = sleepTimer
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Interval <= 0 {
		o.Interval = 30 * time.Second
	}
	if o.Backoff.Base <= 0 {
		o.Backoff.Base = time.Second
	}
	if o.Backoff.Cap <= 0 {
		o.Backoff.Cap = 5 * time.Minute
	}
	if o.Backoff.Rand == nil {
		o.Backoff.Rand = o.Rand
	}
	if o.HealthEvery <= 0 {
		o.HealthEvery = 5 * time.Minute
	}
	if o.Role == "" {
		o.Role = "terminal"
	}
}

// Link is one terminal's link to central.
type Link struct {
	ob    app.Outbox
	opt   Options
	creds app.SyncCredentials
	rc    *resty.Client

	syncMu sync.Mutex // one sync at a time
	nudge  chan struct{}

	mu     sync.Mutex
	status app.SyncStatus

	reported time.Time // when a health report was last sent (or tried); under syncMu
}

// New makes the link of an enrolled terminal.
func New(ctx context.Context, ob app.Outbox, opt Options) (*Link, error) {
	opt.defaults()
	creds, err := ob.SyncCredentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("link to central: %w", err)
	}
	rc, err := client(creds.Central, creds.CAPEM, opt)
	if err != nil {
		return nil, fmt.Errorf("link to central: %w", err)
	}
	rc.SetAuthToken(creds.Terminal + ":" + creds.Secret)
	l := &Link{ob: ob, opt: opt, creds: creds, rc: rc, nudge: make(chan struct{}, 1)}
	l.status.Enrolled = true
	l.refreshCounts(ctx)
	return l, nil
}

// Status is the link's state for the screens.
func (l *Link) Status() app.SyncStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

func (l *Link) update(fn func(s *app.SyncStatus)) {
	l.mu.Lock()
	fn(&l.status)
	l.mu.Unlock()
}

func (l *Link) refreshCounts(ctx context.Context) {
	c, err := l.ob.OutboxCounts(ctx)
	if err != nil {
		return
	}
	l.update(func(s *app.SyncStatus) { s.Pending, s.Rejected = c.Pending, c.Rejected })
}

// SyncNow pushes every waiting operation, then pulls central's changes,
// then pushes the steps that central's decisions added to cases here.
func (l *Link) SyncNow(ctx context.Context) error {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	_, err := l.push(ctx)
	if err == nil {
		var res app.ApplyResult
		res, err = l.pull(ctx)
		if err == nil && res.Decisions > 0 {
			// Each decision applied chained a step into its case here,
			// queued for central: send it now, so central's copy of the
			// timeline is whole when the sync ends.
			_, err = l.push(ctx)
		}
	}
	l.refreshCounts(ctx)
	if !errors.Is(err, ErrOffline) && !errors.Is(err, ErrNotEnrolled) && !errors.Is(err, ErrRevoked) && ctx.Err() == nil {
		// Central answered: tell it how this terminal is, even when it
		// refused something (that is when a technician wants to know).
		l.report(ctx)
	}
	l.done(err)
	return err
}

func (l *Link) done(err error) {
	now := l.opt.Clock.Now()
	l.update(func(s *app.SyncStatus) {
		s.Draining = false
		if err == nil {
			s.Online, s.LastSuccess, s.LastError = true, now, ""
			return
		}
		s.Online = !errors.Is(err, ErrOffline)
		s.LastError, s.LastErrorAt = err.Error(), now
	})
	if err != nil {
		l.opt.Logger.Warn("sync with central failed", "err", err)
	}
}
