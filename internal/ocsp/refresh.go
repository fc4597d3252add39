package ocsp

import (
	"context"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// tombstoneAge is how long Invalidate's tombstones stay: longer than any
// signature that was in flight when they were laid (lookupTimeout).
const tombstoneAge = 2 * lookupTimeout

// Run re-signs cached responses in the background until ctx ends, so that
// the hot path only ever copies bytes. Every refresh interval it re-signs
// each response with less than half of its validity left, after asking
// the Source again, and drops responses for certificates that have
// expired (they are signed again on demand if anyone still asks).
func (r *Responder) Run(ctx context.Context) {
	t := time.NewTicker(r.refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.refreshOnce(ctx)
		}
	}
}

// refreshOnce makes one pass over the cache.
func (r *Responder) refreshOnce(ctx context.Context) {
	start := time.Now()
	now := r.now().Unix()
	half := int64(r.validity / time.Second / 2)
	var resigned, dropped, failed atomic.Int64
	// Use at most half of the CPUs: serving cached responses must go on.
	workers := max(1, runtime.GOMAXPROCS(0)/2)
	for i := range r.cache.shards {
		if ctx.Err() != nil {
			break
		}
		due := r.cache.collect(i, func(e *entry) bool {
			if e.tombstone() {
				return now-e.producedAt >= int64(tombstoneAge/time.Second)
			}
			return e.nextUpdate-now < half || (e.notAfter != 0 && e.notAfter < now)
		})
		parallelN(ctx, workers, len(due), func(j int) {
			k, old := due[j].key, due[j].e
			if old.tombstone() || (old.notAfter != 0 && old.notAfter < now) {
				r.cache.remove(k, old)
				dropped.Add(1)
				return
			}
			idx, alg, serial := splitKey(k)
			lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
			defer cancel()
			if _, err := r.resign(lctx, r.issuers[idx], alg, serial, k); err != nil {
				failed.Add(1)
				r.log.Warn("ocsp: refresh failed", "serial", serialInt(serial).Text(16), "err", err)
				if old.nextUpdate <= now {
					// Never serve an expired response; the next query
					// will try the Source again.
					r.cache.remove(k, old)
				}
				return
			}
			resigned.Add(1)
		})
	}
	level := slog.LevelDebug
	if resigned.Load()+dropped.Load()+failed.Load() > 0 {
		level = slog.LevelInfo
	}
	r.log.Log(ctx, level, "ocsp: refresh", "resigned", resigned.Load(), "dropped", dropped.Load(),
		"failed", failed.Load(), "cached", r.cache.len(), "took", time.Since(start))
}

// parallel runs fn(0) … fn(n−1) on GOMAXPROCS goroutines, stopping early
// if ctx ends.
func parallel(ctx context.Context, n int, fn func(int)) {
	parallelN(ctx, runtime.GOMAXPROCS(0), n, fn)
}

// parallelN runs fn(0) … fn(n−1) on at most workers goroutines, stopping
// early if ctx ends.
func parallelN(ctx context.Context, workers, n int, fn func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
