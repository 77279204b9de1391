// Package link is a hall terminal's side of sync with the central platform
// (DESIGN.md §5): it enrols the terminal with a one-time code, pushes the
// outbox to central in gzip batches, pulls central's changes and applies
// them with the new cursor in one transaction (resyncing in full when the
// cursor is too old), retries with capped exponential backoff and full
// jitter on an injected clock, and keeps a status for the screens.
//
// It talks HTTP through go-resty with resty's own retries off: the outbox
// owns retries, so an operation is never sent twice by two retry loops. It
// must not log personal data (operation payloads carry applicants' names
// and ID numbers); log lines carry counts, sequences and statuses only.
package link

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"onewindow/app"
	"onewindow/app/health"
	"onewindow/app/store"
	"onewindow/sync/wire"
)

var _ app.Syncer = (*Link)(nil)

// Errors a sync ends with; callers decide with errors.Is.
var (
	ErrNotEnrolled = errors.New("the terminal is not enrolled with central, or central no longer knows its secret")
	ErrRevoked     = errors.New("central has revoked this terminal; enrol it again with a new code")
	ErrOffline     = errors.New("central cannot be reached")
	ErrRefused     = errors.New("central refused the request")
)

// HTTPError is an answer of central that is not a success.
type HTTPError struct {
	Status     int
	Message    string
	RetryAfter time.Duration // from the Retry-After header; zero when absent
	Expected   int64         // on 409 to a push: the sequence central waits for
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("central answered %d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
}

// Unwrap sorts the answer into this package's errors.
func (e *HTTPError) Unwrap() error {
	switch e.Status {
	case http.StatusUnauthorized:
		return ErrNotEnrolled
	case http.StatusForbidden:
		return ErrRevoked
	}
	if e.Status >= 500 || e.Status == http.StatusTooManyRequests {
		return ErrOffline
	}
	return ErrRefused
}

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

func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Backoff is exponential backoff with full jitter: the n-th retry waits a
// random time between zero and Base·2ⁿ, never more than Cap.
type Backoff struct {
	Base, Cap time.Duration
	Rand      func() float64
}

// Delay is the wait before retry number attempt (0 for the first). A
// Retry-After from central is honoured as the least wait, up to the cap.
func (b Backoff) Delay(attempt int, retryAfter time.Duration) time.Duration {
	ceil := b.Cap
	if attempt < 40 && b.Base<<attempt > 0 && b.Base<<attempt < b.Cap {
		ceil = b.Base << attempt
	}
	d := time.Duration(b.Rand() * float64(ceil))
	if retryAfter > d {
		d = min(retryAfter, b.Cap)
	}
	return d
}

// Link is one terminal's link to central.
type Link struct {
	st    *store.Store
	opt   Options
	creds store.SyncCredentials
	rc    *resty.Client

	syncMu sync.Mutex // one sync at a time
	nudge  chan struct{}

	mu     sync.Mutex
	status app.SyncStatus

	reported time.Time // when a health report was last sent (or tried); under syncMu
}

// New makes the link of an enrolled terminal.
func New(ctx context.Context, st *store.Store, opt Options) (*Link, error) {
	opt.defaults()
	creds, err := st.SyncCredentials(ctx)
	if err != nil {
		return nil, fmt.Errorf("link to central: %w", err)
	}
	rc, err := client(creds.Central, creds.CAPEM, opt)
	if err != nil {
		return nil, fmt.Errorf("link to central: %w", err)
	}
	rc.SetAuthToken(creds.Terminal + ":" + creds.Secret)
	l := &Link{st: st, opt: opt, creds: creds, rc: rc, nudge: make(chan struct{}, 1)}
	l.status.Enrolled = true
	l.refreshCounts(ctx)
	return l, nil
}

// client is a resty client for central with resty's retries off and, for
// HTTPS, only the pinned CA trusted.
func client(base string, caPEM []byte, opt Options) (*resty.Client, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: central's address %q is not an http(s) URL", app.ErrInvalidInput, base)
	}
	rc := resty.New().
		SetBaseURL(strings.TrimRight(base, "/")).
		SetRetryCount(0).
		SetTimeout(opt.Timeout).
		SetHeader("User-Agent", "onewindow-terminal").
		SetRedirectPolicy(resty.NoRedirectPolicy()).
		SetLogger(restyLogger{opt.Logger})
	if opt.Transport != nil {
		rc.SetTransport(opt.Transport)
		return rc, nil
	}
	if u.Scheme == "https" {
		if len(caPEM) == 0 {
			return nil, fmt.Errorf("%w: central is HTTPS but no CA was given to pin", app.ErrInvalidInput)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, fmt.Errorf("%w: the central CA is not a PEM certificate", app.ErrInvalidInput)
		}
		// Only the pinned CA: a certificate from any other authority, the
		// system's included, is refused.
		rc.SetTLSClientConfig(&tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12})
	}
	return rc, nil
}

// restyLogger sends resty's few messages (about its own set-up, never a
// body) to the link's logger instead of stderr.
type restyLogger struct{ l *slog.Logger }

func (r restyLogger) Errorf(format string, v ...any) { r.l.Error(fmt.Sprintf(format, v...)) }
func (r restyLogger) Warnf(format string, v ...any)  { r.l.Warn(fmt.Sprintf(format, v...)) }
func (r restyLogger) Debugf(format string, v ...any) { r.l.Debug(fmt.Sprintf(format, v...)) }

// Enrol exchanges the bundle's one-time code for the terminal's own secret
// and stores it with central's address and CA in st. A terminal enrolled
// again with a wiped database continues after the operations and cases
// central holds under its code (store.SyncCredentials.Held).
func Enrol(ctx context.Context, st *store.Store, b wire.Bundle, opt Options) error {
	opt.defaults()
	rc, err := client(b.Central, []byte(b.CAPEM), opt)
	if err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	var ans wire.EnrolAnswer
	if err := call(ctx, rc.R().SetBody(wire.EnrolRequest{Code: b.Code, Terminal: b.Terminal}), http.MethodPost, wire.PathEnrol, &ans, opt.Clock); err != nil {
		return fmt.Errorf("enrol: %w", err)
	}
	if b.Terminal != "" && ans.Terminal != b.Terminal {
		return fmt.Errorf("enrol: central enrolled terminal %s, not %s", ans.Terminal, b.Terminal)
	}
	return st.SaveSyncCredentials(ctx, store.SyncCredentials{
		Central: b.Central, Terminal: ans.Terminal, Hall: ans.Hall, Secret: ans.Secret, CAPEM: []byte(b.CAPEM),
		Held: ans.Held, LastCase: ans.LastCase,
	})
}

// call sends a request and decodes a success into out.
func call(ctx context.Context, req *resty.Request, method, path string, out any, clock app.Clock) error {
	req.SetContext(ctx).SetHeader("Accept", "application/json")
	if req.Body != nil {
		req.SetHeader("Content-Type", "application/json")
	}
	resp, err := req.Execute(method, path)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %v", ErrOffline, err)
	}
	if resp.StatusCode() == http.StatusNoContent && out == nil {
		return nil
	}
	if resp.StatusCode() != http.StatusOK {
		return answerError(resp, clock)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return fmt.Errorf("%w: central's answer is not the JSON expected: %v", ErrOffline, err)
	}
	return nil
}

func answerError(resp *resty.Response, clock app.Clock) error {
	return answerErrorBody(resp, resp.Body(), clock)
}

// answerErrorBody is answerError for a response whose body was read apart.
func answerErrorBody(resp *resty.Response, body []byte, clock app.Clock) error {
	e := &HTTPError{Status: resp.StatusCode()}
	var p wire.Problem
	if json.Unmarshal(body, &p) == nil && p.Error != "" {
		e.Message, e.Expected = p.Error, p.Expected
	} else {
		e.Message = strings.TrimSpace(string(truncate(body, 200)))
	}
	if s := resp.Header().Get(wire.HeaderExpected); s != "" && e.Expected == 0 {
		e.Expected, _ = strconv.ParseInt(s, 10, 64)
	}
	e.RetryAfter = retryAfter(resp.Header().Get("Retry-After"), clock.Now())
	return e
}

// retryAfter reads a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
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
	c, err := l.st.OutboxCounts(ctx)
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
		var res store.ApplyResult
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

// Push sends every waiting operation.
func (l *Link) Push(ctx context.Context) (PushReport, error) {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	r, err := l.push(ctx)
	l.refreshCounts(ctx)
	l.done(err)
	return r, err
}

// Pull fetches and applies central's changes.
func (l *Link) Pull(ctx context.Context) (store.ApplyResult, error) {
	l.syncMu.Lock()
	defer l.syncMu.Unlock()
	r, err := l.pull(ctx)
	l.done(err)
	return r, err
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

// Nudge asks a running Run loop to sync now instead of waiting.
func (l *Link) Nudge() {
	select {
	case l.nudge <- struct{}{}:
	default:
	}
}

// Run syncs until ctx ends: every Interval while all is well, after a
// backoff when central cannot be reached, and at once when nudged.
func (l *Link) Run(ctx context.Context) error {
	attempt := 0
	for {
		err := l.SyncNow(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := l.opt.Interval
		if err != nil {
			var he *HTTPError
			var after time.Duration
			if errors.As(err, &he) {
				after = he.RetryAfter
			}
			wait = l.opt.Backoff.Delay(attempt, after)
			attempt++
		} else {
			attempt = 0
		}
		if err := l.wait(ctx, wait); err != nil {
			return err
		}
	}
}

// wait sleeps d, cut short by a nudge; it fails only when ctx ends.
func (l *Link) wait(ctx context.Context, d time.Duration) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-l.nudge:
			cancel()
		case <-wctx.Done():
		}
	}()
	l.opt.Sleep(wctx, d)
	return ctx.Err()
}

// PushReport says what a drain did.
type PushReport struct {
	Batches  int
	Sent     int // operations central took (applied, skipped or refused)
	Rejected int
	Bytes    int64 // compressed bytes of the batches sent
	RawBytes int64 // the same before compression
	Resent   int   // operations queued again because central had lost them

	answered int // operations central said it holds, recorded or not yet
}

// batch is a push batch ready to send.
type batch struct {
	ops  []app.Operation
	body []byte // gzip
	raw  int    // bytes before compression
	err  error
}

// nextBatch reads and encodes the batch of pending operations after seq.
func (l *Link) nextBatch(ctx context.Context, after int64) batch {
	ops, err := l.st.PendingOperationsAfter(ctx, after, wire.MaxBatchOps)
	if err != nil {
		return batch{err: fmt.Errorf("read the outbox: %w", err)}
	}
	if len(ops) == 0 {
		return batch{}
	}
	body, raw, n, err := batchBody(l.creds.Terminal, ops)
	return batch{ops: ops[:n], body: body, raw: raw, err: err}
}

// inFlight is how many batches a terminal has on the way to central at
// once: while central writes one, it decodes and checks the next.
const inFlight = 2

// push drains the outbox in rounds; a round ends when the outbox is empty,
// on an error, or when central's answer calls for reading the outbox again.
func (l *Link) push(ctx context.Context) (PushReport, error) {
	var r PushReport
	counts, err := l.st.OutboxCounts(ctx)
	if err != nil {
		return r, err
	}
	total := counts.Pending
	l.update(func(s *app.SyncStatus) { s.Pending, s.Draining, s.Progress = total, total > 0, 0 })
	var lastGap int64 = -1
	for {
		again, gap, err := l.pushRound(ctx, &r, &total)
		switch {
		case err != nil:
			return r, err
		case gap > 0:
			// Central holds less than this terminal sent it: it was
			// restored from a backup. Send again from where it stands.
			if gap == lastGap {
				return r, fmt.Errorf("%w: central expects operation %d, and sending again from there did not help", ErrRefused, gap)
			}
			lastGap = gap
			n, err := l.st.ResendFrom(ctx, gap)
			if err != nil {
				return r, err
			}
			r.Resent += n
			total += n
			l.opt.Logger.Warn("central lost operations; sending them again", "from", gap, "count", n)
		case !again:
			return r, nil
		}
	}
}

type flight struct {
	b   batch
	ans wire.PushAnswer
	err error
	got chan struct{}
}

// pushRound reads batches one after the other, keeps up to inFlight of
// them on the way, and records central's answers in order. It reports
// whether the outbox must be read again, or the sequence to send again
// from when central answered the oldest batch with a gap.
//
// Central's answers are recorded by a recorder goroutine, in order, while
// the next batches go out: recording one is a transaction with an fsync
// on the terminal, and central need not wait for it. The round ends only
// when every answer it got is recorded, so the next round reads the
// outbox as central holds it. An answer not yet recorded when the
// terminal stops is sent again and skipped by central: nothing is applied
// twice.
func (l *Link) pushRound(ctx context.Context, r *PushReport, total *int) (again bool, gap int64, err error) {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	go func() {
		defer close(batches)
		var after int64
		for {
			b := l.nextBatch(rctx, after)
			select {
			case batches <- b:
			case <-rctx.Done():
				return
			}
			if b.err != nil || len(b.ops) == 0 {
				return
			}
			after = b.ops[len(b.ops)-1].Seq
		}
	}()
	rec := l.startRecorder(ctx, r, total)
	var queue []*flight
	var confirmed int64 // the most central said it holds in this round
	defer func() {
		for _, f := range queue { // answers still on the way are not waited for
			<-f.got
		}
		if rerr := rec.wait(); rerr != nil && err == nil {
			again, gap, err = false, 0, rerr
		}
	}()
	exhausted := false
	for {
		for len(queue) < inFlight && !exhausted && rec.failed() == nil {
			b, ok := <-batches
			if !ok || (b.err == nil && len(b.ops) == 0) {
				exhausted = true
				break
			}
			if b.err != nil {
				return false, 0, b.err
			}
			f := &flight{b: b, got: make(chan struct{})}
			go func() {
				req := l.rc.R().SetHeader("Content-Encoding", "gzip").SetBody(f.b.body)
				f.err = call(ctx, req, http.MethodPost, wire.PathPush, &f.ans, l.opt.Clock)
				close(f.got)
			}()
			queue = append(queue, f)
		}
		if len(queue) == 0 {
			return false, 0, nil
		}
		f := queue[0]
		queue = queue[1:]
		<-f.got
		first, last := f.b.ops[0].Seq, f.b.ops[len(f.b.ops)-1].Seq
		r.Bytes += int64(len(f.b.body))
		r.RawBytes += int64(f.b.raw)
		var he *HTTPError
		if errors.As(f.err, &he) && he.Status == http.StatusConflict && he.Expected > 0 {
			switch {
			case he.Expected <= confirmed:
				// Overtaken: central answered before the batch ahead of
				// this one was written. Read the outbox again.
				return true, 0, nil
			case he.Expected > first:
				// Not a gap behind this batch: central holds it and more.
				return false, 0, fmt.Errorf("central expects operation %d after a batch from %d: %w", he.Expected, first, f.err)
			}
			return false, he.Expected, nil
		}
		if f.err != nil {
			// The batches behind this one may have been taken; their
			// answers are recorded, this one's operations stay pending.
			for _, g := range queue {
				<-g.got
				if g.err == nil && g.ans.Held >= g.b.ops[0].Seq {
					rec.record(g)
					l.progress(r, *total, g)
				}
			}
			queue = nil
			return false, 0, f.err
		}
		if f.ans.Held < first {
			return false, 0, fmt.Errorf("%w: central holds up to operation %d after a batch of %d–%d", ErrRefused, f.ans.Held, first, last)
		}
		if err := rec.failed(); err != nil {
			return false, 0, err
		}
		rec.record(f)
		l.progress(r, *total, f)
		confirmed = max(confirmed, f.ans.Held)
		if f.ans.Held < last {
			return true, 0, nil // central took only part of it: read the outbox again
		}
	}
}

// recorder records central's answers to batches in the terminal's outbox,
// in order, behind the batches that go on out.
type recorder struct {
	answers chan *flight
	done    chan struct{}
	mu      sync.Mutex
	err     error // the first failure; the answers after it are not recorded
}

func (l *Link) startRecorder(ctx context.Context, r *PushReport, total *int) *recorder {
	rec := &recorder{answers: make(chan *flight, 64), done: make(chan struct{})}
	go func() {
		defer close(rec.done)
		for f := range rec.answers {
			// The answers that came meanwhile are recorded with this one,
			// in one transaction: one fsync for several batches.
			group := []*flight{f}
		more:
			for {
				select {
				case g, ok := <-rec.answers:
					if !ok {
						break more
					}
					group = append(group, g)
				default:
					break more
				}
			}
			for _, run := range followingRuns(group) {
				if rec.failed() != nil {
					break
				}
				if err := l.acknowledge(ctx, r, total, run...); err != nil {
					rec.mu.Lock()
					rec.err = err
					rec.mu.Unlock()
				}
			}
		}
	}()
	return rec
}

func (rec *recorder) record(f *flight) { rec.answers <- f }

// followingRuns cuts answers into runs of batches that follow each other,
// each held whole but maybe the last: a batch whose send failed leaves a
// hole between the answers around it.
func followingRuns(fs []*flight) [][]*flight {
	var runs [][]*flight
	start := 0
	for i := 1; i <= len(fs); i++ {
		if i < len(fs) {
			prev := fs[i-1].b.ops[len(fs[i-1].b.ops)-1].Seq
			if fs[i].b.ops[0].Seq == prev+1 && fs[i-1].ans.Held >= prev {
				continue
			}
		}
		runs = append(runs, fs[start:i])
		start = i
	}
	return runs
}

func (rec *recorder) failed() error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.err
}

// wait records what was handed over and says whether all of it was.
func (rec *recorder) wait() error {
	close(rec.answers)
	<-rec.done
	return rec.failed()
}

// acknowledge records central's answers to consecutive batches in one
// transaction: their refusals, and their own operations up to what central
// holds as sent. Only the batches' own range: refusals of an earlier batch
// whose answer was lost are told again when that batch is sent again.
func (l *Link) acknowledge(ctx context.Context, r *PushReport, total *int, fs ...*flight) error {
	from, upTo := fs[0].b.ops[0].Seq, int64(0)
	var rej []store.Rejection
	for _, f := range fs {
		first, last := f.b.ops[0].Seq, f.b.ops[len(f.b.ops)-1].Seq
		if f.ans.Held < first {
			return fmt.Errorf("%w: central holds up to operation %d after a batch of %d–%d", ErrRefused, f.ans.Held, first, last)
		}
		if upTo > 0 && first != upTo+1 {
			return fmt.Errorf("record central's answers: batches %d–%d and from %d do not follow each other", from, upTo, first)
		}
		upTo = min(f.ans.Held, last)
		for _, x := range f.ans.Rejected {
			if x.Seq >= first && x.Seq <= upTo {
				rej = append(rej, store.Rejection{Seq: x.Seq, Reason: x.Reason})
			}
		}
	}
	if err := l.st.AcknowledgeOperations(ctx, from, upTo, rej); err != nil {
		return fmt.Errorf("record central's answer: %w", err)
	}
	r.Batches += len(fs)
	r.Sent += int(upTo - from + 1)
	r.Rejected += len(rej)
	if len(rej) > 0 {
		l.opt.Logger.Warn("central refused operations", "count", len(rej), "first", rej[0].Seq)
		l.update(func(s *app.SyncStatus) { s.Rejected += len(rej) })
	}
	return nil
}

// progress shows that central holds a batch's operations, as soon as it
// says so (recording that at the terminal follows).
func (l *Link) progress(r *PushReport, total int, f *flight) {
	r.answered += int(min(f.ans.Held, f.b.ops[len(f.b.ops)-1].Seq) - f.b.ops[0].Seq + 1)
	answered := r.answered
	l.update(func(s *app.SyncStatus) {
		s.Online = true
		s.Pending = max(total-answered, 0)
		if total > 0 {
			s.Progress = min(float64(answered)/float64(total), 1)
		}
	})
}

// batchBody builds the gzip body of a batch from the first operations that
// fit wire's limits, and says how many that is. Payloads are the store's
// own compact JSON and go in as they are; only the envelopes are encoded.
func batchBody(terminal string, ops []app.Operation) (body []byte, raw, n int, err error) {
	var buf bytes.Buffer
	buf.Grow(wire.MaxBatchBytes / 2)
	buf.WriteString(`{"terminal":`)
	writeString(&buf, terminal)
	buf.WriteString(`,"ops":[`)
	var one bytes.Buffer
	for i, o := range ops {
		// The payload is the store's own JSON, sealed since: it goes in as
		// it is, without a second encoding.
		w := wire.FromOperation(o)
		one.Reset()
		fmt.Fprintf(&one, `{"seq":%d,"id":`, w.Seq)
		writeString(&one, w.ID)
		one.WriteString(`,"kind":`)
		writeString(&one, w.Kind)
		one.WriteString(`,"entity":`)
		writeString(&one, w.Entity)
		one.WriteString(`,"created":"`)
		one.WriteString(w.Created.Format(time.RFC3339Nano))
		one.WriteByte('"')
		if w.Oversize {
			one.WriteString(`,"oversize":true`)
		} else {
			one.WriteString(`,"payload":`)
			one.Write(w.Payload)
		}
		one.WriteByte('}')
		if i > 0 && buf.Len()+one.Len()+3 > wire.MaxBatchBytes {
			break
		}
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(one.Bytes())
		n++
	}
	buf.WriteString(`]}`)
	body, err = wire.Compress(buf.Bytes())
	return body, buf.Len(), n, err
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(s)
	buf.Write(b)
}

func (l *Link) pull(ctx context.Context) (store.ApplyResult, error) {
	var total store.ApplyResult
	for {
		cursor, err := l.st.SyncCursor(ctx)
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
		p := store.PulledChanges{From: cursor, To: ans.Cursor}
		for _, ch := range ans.Changes {
			c, ok, err := decodeChange(ch)
			if err != nil {
				return total, fmt.Errorf("central's change %d: %w", ch.Version, err)
			}
			if ok {
				p.Changes = append(p.Changes, c)
			}
		}
		res, err := l.st.ApplyCentralChanges(ctx, p)
		if err != nil {
			return total, err
		}
		add(&total, res)
		if !ans.More {
			return total, nil
		}
	}
}

func add(t *store.ApplyResult, r store.ApplyResult) {
	t.Catalog = t.Catalog || r.Catalog
	t.Hall = t.Hall || r.Hall
	t.Calendar = t.Calendar || r.Calendar
	t.Decisions += r.Decisions
	t.Skipped += r.Skipped
}

func decodeChange(ch wire.Change) (store.CentralChange, bool, error) {
	var c store.CentralChange
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
	default:
		return c, false, nil // a kind a newer central publishes; this terminal has no use for it
	}
	return c, true, nil
}

// resync replaces what central owns with a full snapshot.
func (l *Link) resync(ctx context.Context) (store.ApplyResult, error) {
	var snap wire.Snapshot
	if err := call(ctx, l.rc.R(), http.MethodGet, wire.PathSnapshot, &snap, l.opt.Clock); err != nil {
		return store.ApplyResult{}, err
	}
	p := store.PulledChanges{To: snap.Cursor, Reset: true}
	if snap.Catalog != nil {
		p.Changes = append(p.Changes, store.CentralChange{Catalog: snap.Catalog})
	}
	if snap.Hall != nil {
		p.Changes = append(p.Changes, store.CentralChange{Hall: snap.Hall})
	}
	if snap.Calendar != nil {
		p.Changes = append(p.Changes, store.CentralChange{Calendar: *snap.Calendar, HasCalendar: true})
	}
	for i := range snap.Decisions {
		p.Changes = append(p.Changes, store.CentralChange{Decision: &snap.Decisions[i]})
	}
	return l.st.ApplyCentralChanges(ctx, p)
}
