package outbox

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// TestAbandonedClaimIsRedelivered: a worker that claimed a message and
// died (its claim is taken, its outcome never recorded) strands nothing:
// once the lease ends another worker delivers it, and the dead worker's
// late report cannot overwrite the newer outcome.
func TestAbandonedClaimIsRedelivered(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Now()
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
		var delivered []string
		tr := TransportFunc(func(_ context.Context, m Message) error {
			mu.Lock()
			delivered = append(delivered, m.ID)
			mu.Unlock()
			return nil
		})
		cfg := Config{DB: db, Transport: tr, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Lease: time.Minute, Now: clock}
		dead, err := NewWorker(cfg)
		if err != nil {
			t.Fatal(err)
		}
		alive, err := NewWorker(cfg)
		if err != nil {
			t.Fatal(err)
		}
		m := Message{ID: "m1", Kind: KindDocument, From: "000.00.00.H56", To: "000.00.31.H56", Body: []byte("<edXML/>")}
		if err := Enqueue(ctx, db, m); err != nil {
			t.Fatal(err)
		}

		// The first worker claims and dies.
		claimedBatch, err := dead.claim(ctx, 10)
		if err != nil || len(claimedBatch) != 1 {
			t.Fatalf("claim = %d, %v", len(claimedBatch), err)
		}
		// While the lease runs, nobody else takes it.
		advance(59 * time.Second)
		if n, err := alive.RunOnce(ctx); err != nil || n != 0 {
			t.Fatalf("taken during the lease: %d, %v", n, err)
		}
		// After it, the other worker delivers.
		advance(2 * time.Second)
		if n, err := alive.RunOnce(ctx); err != nil || n != 1 {
			t.Fatalf("after the lease: %d, %v", n, err)
		}
		var status string
		var attempts int
		var deliveredAt int64
		row := func() {
			t.Helper()
			if err := db.QueryRowContext(ctx, `SELECT status, attempts, delivered_at FROM exchange_outbox WHERE message_id = 'm1'`).Scan(&status, &attempts, &deliveredAt); err != nil {
				t.Fatal(err)
			}
		}
		row()
		if status != StatusDelivered || attempts != 2 || len(delivered) != 1 {
			t.Fatalf("status %s, attempts %d, %d deliveries", status, attempts, len(delivered))
		}
		before := deliveredAt

		// The first worker comes back to life and reports: its lease is
		// gone, so nothing changes, whatever it reports.
		advance(time.Second)
		for _, outcomeErr := range []error{errors.New("late failure"), Permanent(errors.New("late refusal")), nil} {
			if err := dead.record(ctx, []outcome{{c: claimedBatch[0], err: outcomeErr}}); err != nil {
				t.Fatal(err)
			}
			row()
			if status != StatusDelivered || deliveredAt != before {
				t.Fatalf("a stale lease overwrote the outcome: status %s, delivered_at %d", status, deliveredAt)
			}
		}
	})
}
