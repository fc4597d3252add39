// Package retry computes how long to wait before trying again.
package retry

import (
	"math/rand/v2"
	"time"
)

// Backoff is base·2^(attempt-1) capped at max, then drawn uniformly from
// its upper half ("equal jitter"): work that failed together (a peer was
// down) comes back spread out, and none sooner than half the schedule.
func Backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(d-half+1)
}
