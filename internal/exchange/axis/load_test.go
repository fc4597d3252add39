package axis_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis/axistest"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/exchange/outbox"
	"github.com/kyso-vn/kyso/internal/store"
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// TestLoad measures end-to-end delivery, A → axis → B, everything in
// one process: packages per second from the first enqueue to
// the last hand-over to B's handler, and the latency of each package from
// its enqueue's commit to its handler's call. Two phases: a burst of N
// packages queued at once (throughput), then a steady RATE per second for
// 10 s (latency under a sustained load). KYSO_LOADTEST_DB=postgres puts the
// three databases on PostgreSQL.
//
//	KYSO_LOADTEST=1 [KYSO_LOADTEST_N=3000] [KYSO_LOADTEST_RATE=250] [KYSO_LOADTEST_SIZE=600] \
//	    go test -count=1 -run TestLoad -v ./internal/exchange/axis/
func TestLoad(t *testing.T) {
	if os.Getenv("KYSO_LOADTEST") != "1" {
		t.Skip("load test: set KYSO_LOADTEST=1")
	}
	n := envInt("KYSO_LOADTEST_N", 3000)
	rate := envInt("KYSO_LOADTEST_RATE", 250)
	size := envInt("KYSO_LOADTEST_SIZE", 600)

	p := axistest.NewPKI(t)
	agA := p.Agency(t, codeA, "Ủy ban nhân dân tỉnh Quảng Ngãi")
	agB := p.Agency(t, codeB, "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi")
	engine := store.SQLite
	if os.Getenv("KYSO_LOADTEST_DB") == "postgres" {
		engine = store.Postgres
	}
	ax := axistest.StartAxis(t, p, newReopenable(t, engine, "axis").open(t), nil)
	tu := tuning{workerBatch: 64, workerConcurrency: 16, pullBatch: 100, procBatch: 64, procConcurrency: 2}
	depA := newDeployment(t, "A", newReopenable(t, engine, "a").open(t), ax, false, tu, agA)
	depB := newDeployment(t, "B", newReopenable(t, engine, "b").open(t), ax, false, tu, agB)

	var mu sync.Mutex
	got := map[string]time.Time{}
	var count atomic.Int64
	allIn := make(chan struct{}, 1)
	var expect atomic.Int64
	depB.received = func(id string) {
		now := time.Now()
		mu.Lock()
		if _, dup := got[id]; !dup {
			got[id] = now
		}
		mu.Unlock()
		if count.Add(1) == expect.Load() {
			allIn <- struct{}{}
		}
	}

	// Packages are signed beforehand: signing is the issuing clerk's
	// cost, not the exchange's.
	build := func(k int) []outbox.Message {
		msgs := make([]outbox.Message, k)
		var wg sync.WaitGroup
		var next atomic.Int64
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < k; i = int(next.Add(1)) - 1 {
					env := agA.Envelope(size, codeB)
					body, err := edxml.Build(env, agA.Seal.Signer, agA.Chain())
					if err != nil {
						t.Error(err)
						return
					}
					msgs[i] = outbox.Message{ID: env.MessageID, Kind: outbox.KindDocument, From: codeA, To: codeB, Body: body}
				}
			}()
		}
		wg.Wait()
		return msgs
	}
	ctx := context.Background()
	sent := map[string]time.Time{}
	enqueue := func(batch []outbox.Message) {
		err := depA.db.InTx(ctx, func(tx *store.Tx) error {
			for _, m := range batch {
				if err := outbox.Enqueue(ctx, tx, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		for _, m := range batch {
			sent[m.ID] = now
		}
		depA.worker.Notify()
	}
	cpuTime := func() time.Duration {
		var ru syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var cpuStart time.Duration
	report := func(phase string, msgs []outbox.Message, start time.Time) {
		cpu := cpuTime() - cpuStart
		mu.Lock()
		defer mu.Unlock()
		var lat []time.Duration
		var last time.Time
		for _, m := range msgs {
			r, ok := got[m.ID]
			if !ok {
				t.Fatalf("%s: %s never arrived", phase, m.ID)
			}
			lat = append(lat, r.Sub(sent[m.ID]))
			if r.After(last) {
				last = r
			}
		}
		slices.Sort(lat)
		q := func(f float64) time.Duration {
			return lat[min(len(lat)-1, int(f*float64(len(lat))))].Round(100 * time.Microsecond)
		}
		elapsed := last.Sub(start)
		perMsg := cpu / time.Duration(len(msgs))
		t.Logf("%s: %d packages of %d bytes in %v: %.0f packages/s; latency p50 %v, p99 %v, max %v; CPU %v per package (all three parties), %.0f packages/s if %d cores were ours alone",
			phase, len(msgs), len(msgs[0].Body), elapsed.Round(time.Millisecond), float64(len(msgs))/elapsed.Seconds(), q(0.50), q(0.99), lat[len(lat)-1].Round(time.Millisecond),
			perMsg.Round(10*time.Microsecond), float64(runtime.NumCPU())/perMsg.Seconds(), runtime.NumCPU())
	}

	// Warm up: connections, caches.
	warm := build(50)
	expect.Store(50)
	enqueue(warm)
	<-allIn

	// Burst.
	burst := build(n)
	count.Store(0)
	expect.Store(int64(n))
	start := time.Now()
	cpuStart = cpuTime()
	for i := 0; i < n; i += 100 {
		enqueue(burst[i:min(n, i+100)])
	}
	select {
	case <-allIn:
	case <-time.After(5 * time.Minute):
		t.Fatalf("burst: %d of %d arrived", count.Load(), n)
	}
	report("burst", burst, start)

	// Steady rate, one package per transaction as a clerk issues them.
	steady := build(rate * 10)
	count.Store(0)
	expect.Store(int64(len(steady)))
	start = time.Now()
	cpuStart = cpuTime()
	tick := time.Second / time.Duration(rate)
	for i := range steady {
		if d := time.Until(start.Add(time.Duration(i) * tick)); d > 0 {
			time.Sleep(d)
		}
		enqueue(steady[i : i+1])
	}
	select {
	case <-allIn:
	case <-time.After(5 * time.Minute):
		t.Fatalf("steady: %d of %d arrived", count.Load(), len(steady))
	}
	report(fmt.Sprintf("steady %d/s", rate), steady, start)

	// Exactly once, here too.
	mu.Lock()
	total := len(got)
	mu.Unlock()
	calls, _ := depB.handler.snapshot()
	for k, v := range calls {
		if v != 1 {
			t.Errorf("%s handled %d times", k, v)
		}
	}
	if total != 50+n+len(steady) {
		t.Errorf("%d distinct packages arrived, want %d", total, 50+n+len(steady))
	}
}
