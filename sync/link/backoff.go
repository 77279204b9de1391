package link

import (
	"context"
	"errors"
	"time"
)

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
