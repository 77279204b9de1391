package link

import (
	"context"
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
