package tsa

import (
	"sync"
	"time"
)

// genClock hands out genTime values (RFC 3161 §2.4.2) that never go
// backwards: a token issued later by the same Authority never claims an
// earlier time, even if the system clock is stepped back (NTP correction, VM
// restore). RFC 3161 does not demand this, but without it two tokens of one
// TSA could contradict the order in which they were issued, which an auditor
// comparing documents would rightly question.
type genClock struct {
	now  func() time.Time
	mu   sync.Mutex
	last time.Time // the previous genTime handed out
	read time.Time // the previous reading of now
}

// next returns the genTime for a new token, at microsecond precision. While
// the clock reads earlier than the previous genTime, next returns that
// genTime plus one microsecond instead. step is how far the clock has just
// jumped back, reported once per jump so the caller can warn without flooding
// the log while the clock catches up; it is zero otherwise.
func (c *genClock) next() (t time.Time, step time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Read under the lock: two callers reading first and locking second
	// would look like a clock going backwards.
	t = c.now().UTC().Truncate(time.Microsecond)
	if t.Before(c.read) {
		step = c.read.Sub(t)
	}
	c.read = t
	if t.Before(c.last) {
		t = c.last.Add(time.Microsecond)
	}
	c.last = t
	return t, step
}
