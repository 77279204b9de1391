package public

import (
	"context"
	"sync"
	"time"
)

// limiter holds each client address to a rate of requests: a bucket of
// burst tokens per address, refilled at rate a second. It lives in this
// process's memory: behind a load balancer of n central servers a client
// gets at most n times the rate, which is what the limit is for (a phone
// or script hammering the pages), not an exact quota.
type limiter struct {
	rate  float64
	burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), buckets: map[string]*bucket{}}
}

// allow takes a token of client's bucket at now, if there is one.
func (l *limiter) allow(client string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[client] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep forgets, every minute, the buckets full again: the addresses that
// have not asked for a while.
func (l *limiter) sweep(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			l.mu.Lock()
			for k, b := range l.buckets {
				if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
					delete(l.buckets, k)
				}
			}
			l.mu.Unlock()
		}
	}
}
