package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimiter keeps a token bucket per client address. It lives in memory, so
// on several nodes each node counts on its own; the per-account lockout in
// the database is what holds across nodes.
type ipLimiter struct {
	mu       sync.Mutex
	burst    int
	every    time.Duration
	limiters map[string]*ipEntry
	sweptAt  time.Time
}

type ipEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

func newIPLimiter(burst int, every time.Duration) *ipLimiter {
	return &ipLimiter{burst: burst, every: every, limiters: map[string]*ipEntry{}}
}

func (l *ipLimiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Drop buckets that have refilled completely: they carry no state, and
	// an attacker rotating addresses must not grow the map without bound.
	full := l.every * time.Duration(l.burst)
	if now.Sub(l.sweptAt) > full {
		for k, e := range l.limiters {
			if now.Sub(e.seen) > full {
				delete(l.limiters, k)
			}
		}
		l.sweptAt = now
	}
	e, ok := l.limiters[ip]
	if !ok {
		e = &ipEntry{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.limiters[ip] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}
