package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/outbox"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

const (
	codeA = "000.00.00.H56"
	codeB = "000.00.31.H56"
	codeC = "000.00.00.G22"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func msg(id, to string) outbox.Message {
	return outbox.Message{ID: id, Kind: outbox.KindDocument, From: codeA, To: to, Body: []byte("<edXML>" + id + "</edXML>")}
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// fakeTransport records deliveries and answers with fail(message, call).
type fakeTransport struct {
	mu    sync.Mutex
	calls map[string]int
	fail  func(m outbox.Message, call int) error
}

func newFake(fail func(outbox.Message, int) error) *fakeTransport {
	return &fakeTransport{calls: map[string]int{}, fail: fail}
}

func (f *fakeTransport) Deliver(_ context.Context, m outbox.Message) error {
	f.mu.Lock()
	f.calls[m.ID+">"+m.To]++
	n := f.calls[m.ID+">"+m.To]
	f.mu.Unlock()
	if f.fail != nil {
		return f.fail(m, n)
	}
	return nil
}

func (f *fakeTransport) count(id, to string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[id+">"+to]
}

func newWorker(t *testing.T, db *store.DB, tr outbox.Transport, edit func(*outbox.Config)) *outbox.Worker {
	t.Helper()
	cfg := outbox.Config{DB: db, Transport: tr, Log: quiet, RetryBase: time.Second, RetryMax: 5 * time.Second}
	if edit != nil {
		edit(&cfg)
	}
	w, err := outbox.NewWorker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestEnqueueIsTransactional(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("the issue failed")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := outbox.Enqueue(ctx, tx, msg("m1", codeB)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_outbox`); n != 0 {
			t.Fatalf("%d rows after a rolled-back enqueue", n)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, to := range []string{codeB, codeC, codeB} {
				if err := outbox.Enqueue(ctx, tx, msg("m1", to)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Again outside any transaction: a no-op.
		if err := outbox.Enqueue(ctx, db, msg("m1", codeB)); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_outbox WHERE message_id = 'm1'`); n != 2 {
			t.Fatalf("%d rows, want 2 (one per receiver)", n)
		}
		ds, err := outbox.Deliveries(ctx, db, "m1")
		if err != nil || len(ds) != 2 || ds[0].Status != outbox.StatusPending || ds[0].Attempts != 0 || ds[0].CreatedAt.IsZero() {
			t.Fatalf("Deliveries = %+v, %v", ds, err)
		}
	})
}

func TestEnqueueRefuses(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	tests := []struct {
		name string
		edit func(*outbox.Message)
	}{
		{"no id", func(m *outbox.Message) { m.ID = "" }},
		{"id too long", func(m *outbox.Message) { m.ID = strings.Repeat("x", 201) }},
		{"unknown kind", func(m *outbox.Message) { m.Kind = "fax" }},
		{"bad sender", func(m *outbox.Message) { m.From = "" }},
		{"bad receiver", func(m *outbox.Message) { m.To = "000.00.31.H5" }},
		{"no body", func(m *outbox.Message) { m.Body = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := msg("m", codeB)
			tt.edit(&m)
			if err := outbox.Enqueue(context.Background(), db, m); !errors.Is(err, outbox.ErrInvalid) {
				t.Fatalf("Enqueue: %v, want ErrInvalid", err)
			}
		})
	}
}

// TestRetriesWithBackoff: a transport that fails N times gets the message
// on attempt N+1, each retry scheduled by exponential backoff with jitter
// within its bounds, capped at RetryMax.
func TestRetriesWithBackoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const failures = 5
		clk := newClock()
		tr := newFake(func(_ outbox.Message, call int) error {
			if call <= failures {
				return fmt.Errorf("axis unreachable (%d)", call)
			}
			return nil
		})
		w := newWorker(t, db, tr, func(c *outbox.Config) { c.Now = clk.Now })
		if err := outbox.Enqueue(ctx, db, msg("m1", codeB)); err != nil {
			t.Fatal(err)
		}
		// base 1 s, cap 5 s: the upper bounds 1, 2, 4, 5, 5 s; each delay
		// in the upper half of its bound.
		bounds := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
		for i, bound := range bounds {
			if n, err := w.RunOnce(ctx); err != nil || n != 1 {
				t.Fatalf("round %d: RunOnce = %d, %v", i+1, n, err)
			}
			ds, err := outbox.Deliveries(ctx, db, "m1")
			if err != nil {
				t.Fatal(err)
			}
			d := ds[0]
			delay := d.NextAttemptAt.Sub(clk.Now())
			if d.Status != outbox.StatusPending || d.Attempts != i+1 || !strings.Contains(d.LastError, "axis unreachable") {
				t.Fatalf("after failure %d: %+v", i+1, d)
			}
			if delay < bound/2-time.Millisecond || delay > bound+time.Millisecond {
				t.Fatalf("retry %d in %v, want within [%v, %v]", i+1, delay, bound/2, bound)
			}
			// Not due before its time.
			clk.Add(delay - 10*time.Millisecond)
			if n, _ := w.RunOnce(ctx); n != 0 {
				t.Fatalf("retry %d taken before it was due", i+1)
			}
			clk.Add(10 * time.Millisecond)
		}
		if n, err := w.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("last round: %d, %v", n, err)
		}
		ds, _ := outbox.Deliveries(ctx, db, "m1")
		if d := ds[0]; d.Status != outbox.StatusDelivered || d.Attempts != failures+1 || d.LastError != "" || d.DeliveredAt.IsZero() {
			t.Fatalf("after success: %+v", d)
		}
		if tr.count("m1", codeB) != failures+1 {
			t.Fatalf("%d deliveries, want %d", tr.count("m1", codeB), failures+1)
		}
		// Nothing left to do.
		clk.Add(time.Hour)
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatal("a delivered message was sent again")
		}
	})
}

func TestPermanentFailureAndRetry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		refuse := true
		tr := newFake(func(outbox.Message, int) error {
			if refuse {
				return outbox.Permanent(errors.New("422 bad_signature: the package was changed after signing"))
			}
			return nil
		})
		w := newWorker(t, db, tr, nil)
		if err := outbox.Enqueue(ctx, db, msg("m1", codeB)); err != nil {
			t.Fatal(err)
		}
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		failed, err := outbox.List(ctx, db, outbox.StatusFailed, 10)
		if err != nil || len(failed) != 1 || failed[0].Attempts != 1 || !strings.Contains(failed[0].LastError, "bad_signature") {
			t.Fatalf("List failed = %+v, %v", failed, err)
		}
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatal("a failed message was retried by itself")
		}
		counts, err := outbox.Counts(ctx, db)
		if err != nil || counts[outbox.StatusFailed] != 1 || counts[outbox.StatusPending] != 0 {
			t.Fatalf("Counts = %v, %v", counts, err)
		}
		// The operator puts it back once the cause is fixed.
		refuse = false
		if err := outbox.Retry(ctx, db, failed[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := outbox.Retry(ctx, db, failed[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("second Retry: %v, want ErrNotFound", err)
		}
		if n, err := w.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("after Retry: %d, %v", n, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_outbox WHERE status = 'delivered'`); n != 1 {
			t.Fatal("not delivered after Retry")
		}
		if n, err := outbox.Purge(ctx, db, time.Now().Add(time.Minute)); err != nil || n != 1 {
			t.Fatalf("Purge = %d, %v", n, err)
		}
	})
}

func TestMaxAttempts(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	clk := newClock()
	tr := newFake(func(outbox.Message, int) error { return errors.New("timeout") })
	w := newWorker(t, db, tr, func(c *outbox.Config) { c.MaxAttempts = 3; c.Now = clk.Now })
	if err := outbox.Enqueue(ctx, db, msg("m1", codeB)); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Add(time.Minute)
	}
	ds, _ := outbox.Deliveries(ctx, db, "m1")
	if ds[0].Status != outbox.StatusFailed || ds[0].Attempts != 3 || tr.count("m1", codeB) != 3 {
		t.Fatalf("after MaxAttempts: %+v, %d deliveries", ds[0], tr.count("m1", codeB))
	}
}

// TestConcurrentWorkers: workers sharing the queue (nodes sharing a
// PostgreSQL database, or goroutines on SQLite) deliver every message
// once.
func TestConcurrentWorkers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const n = 200
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range n {
				if err := outbox.Enqueue(ctx, tx, msg(fmt.Sprintf("m%03d", i), codeB)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		tr := newFake(nil)
		var wg sync.WaitGroup
		for range 4 {
			w := newWorker(t, db, tr, func(c *outbox.Config) { c.Batch = 8 })
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k, err := w.RunOnce(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if k == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		for i := range n {
			if c := tr.count(fmt.Sprintf("m%03d", i), codeB); c != 1 {
				t.Fatalf("m%03d delivered %d times", i, c)
			}
		}
		if k := count(t, db, `SELECT COUNT(*) FROM exchange_outbox WHERE status = 'delivered'`); k != n {
			t.Fatalf("%d delivered, want %d", k, n)
		}
	})
}

func TestRouter(t *testing.T) {
	local, remote := newFake(nil), newFake(nil)
	r := &outbox.Router{IsLocal: func(code string) bool { return code == codeB }, Local: local, Remote: remote}
	ctx := context.Background()
	if err := r.Deliver(ctx, msg("m1", codeB)); err != nil {
		t.Fatal(err)
	}
	if err := r.Deliver(ctx, msg("m1", codeC)); err != nil {
		t.Fatal(err)
	}
	if local.count("m1", codeB) != 1 || remote.count("m1", codeC) != 1 || local.count("m1", codeC)+remote.count("m1", codeB) != 0 {
		t.Fatal("the router picked the wrong transport")
	}
	noAxis := &outbox.Router{IsLocal: func(string) bool { return false }, Local: local}
	if err := noAxis.Deliver(ctx, msg("m1", codeC)); !outbox.IsPermanent(err) {
		t.Fatalf("no remote transport: %v, want a permanent error", err)
	}
}

func TestRunWakesOnNotifyAndStopsCleanly(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	delivered := make(chan string, 10)
	block := make(chan struct{})
	tr := outbox.TransportFunc(func(ctx context.Context, m outbox.Message) error {
		if m.ID == "slow" {
			select {
			case <-block:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		delivered <- m.ID
		return nil
	})
	w := newWorker(t, db, tr, func(c *outbox.Config) { c.PollInterval = time.Hour; c.Lease = time.Minute })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	time.Sleep(20 * time.Millisecond)
	if err := outbox.Enqueue(ctx, db, msg("fast", codeB)); err != nil {
		t.Fatal(err)
	}
	w.Notify()
	select {
	case id := <-delivered:
		if id != "fast" {
			t.Fatalf("delivered %s", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Notify did not wake the worker")
	}
	// A delivery in flight at shutdown stays pending, leased: not failed,
	// not lost.
	if err := outbox.Enqueue(ctx, db, msg("slow", codeB)); err != nil {
		t.Fatal(err)
	}
	w.Notify()
	deadline := time.Now().Add(5 * time.Second)
	for count(t, db, `SELECT COUNT(*) FROM exchange_outbox WHERE message_id = 'slow' AND attempts = 1`) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("slow message never claimed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	close(block)
	ds, _ := outbox.Deliveries(context.Background(), db, "slow")
	if d := ds[0]; d.Status != outbox.StatusPending || d.LastError != "" || time.Until(d.NextAttemptAt) < 30*time.Second {
		t.Fatalf("after shutdown: %+v; want pending until its lease ends", d)
	}
}

// TestSlowReceiverHoldsOneSlot: a delivery that hangs takes one of the
// worker's slots, not the queue.
func TestSlowReceiverHoldsOneSlot(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	block := make(chan struct{})
	defer close(block)
	var mu sync.Mutex
	var done []string
	tr := outbox.TransportFunc(func(ctx context.Context, m outbox.Message) error {
		if m.To == codeC {
			select {
			case <-block:
			case <-ctx.Done():
			}
			return ctx.Err()
		}
		mu.Lock()
		done = append(done, m.ID)
		mu.Unlock()
		return nil
	})
	w := newWorker(t, db, tr, func(c *outbox.Config) { c.Concurrency = 2; c.Batch = 2; c.PollInterval = time.Hour })
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- w.Run(ctx) }()
	if err := outbox.Enqueue(ctx, db, msg("slow", codeC)); err != nil {
		t.Fatal(err)
	}
	w.Notify()
	time.Sleep(50 * time.Millisecond)
	for i := range 10 {
		if err := outbox.Enqueue(ctx, db, msg(fmt.Sprintf("fast%d", i), codeB)); err != nil {
			t.Fatal(err)
		}
	}
	w.Notify()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(done)
		mu.Unlock()
		if n == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of 10 delivered while one receiver hangs", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if k := count(t, db, `SELECT COUNT(*) FROM exchange_outbox WHERE status = 'delivered'`); k != 10 {
		t.Fatalf("%d recorded delivered, want 10", k)
	}
}
