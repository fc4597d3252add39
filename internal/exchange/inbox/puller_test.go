package inbox_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/axis/axistest"
	"github.com/kyso-vn/kyso/internal/exchange/inbox"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// TestAxisPullerAcksAfterCommit: packages are acknowledged to the axis
// only once the inbox holds them; a package offered again after a lost
// acknowledgement is stored once.
func TestAxisPullerAcksAfterCommit(t *testing.T) {
	agencies(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		axisDB := storetest.Open(t, db.Dialect())
		ax := axistest.StartAxis(t, pki, axisDB, nil)
		ca, cb := ax.Client(t, a), ax.Client(t, b)
		var ids []string
		for range 3 {
			env, body := a.Document(t, codeB)
			if _, err := ca.Submit(ctx, body, axis.KindDocument, codeB); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, env.MessageID)
		}
		var notified atomic.Int32
		puller, err := inbox.NewAxisPuller(inbox.PullerConfig{
			DB:       db,
			Agencies: func(context.Context) ([]string, error) { return []string{codeB}, nil },
			Client:   func(string) (*axis.Client, error) { return cb, nil },
			Notify:   func() { notified.Add(1) },
			Log:      quiet,
			Batch:    2,
		})
		if err != nil {
			t.Fatal(err)
		}
		pending := func() int {
			return count(t, axisDB, `SELECT COUNT(*) FROM axis_packages WHERE to_code = ? AND acked_at = 0`, codeB)
		}

		// The inbox cannot store: nothing may be acknowledged.
		if _, err := db.ExecContext(ctx, `ALTER TABLE exchange_inbox RENAME TO exchange_inbox_away`); err != nil {
			t.Fatal(err)
		}
		if _, err := puller.PullOnce(ctx, codeB); err == nil {
			t.Fatal("PullOnce succeeded without an inbox")
		}
		if n := pending(); n != 3 {
			t.Fatalf("%d pending on the axis after a failed store, want 3", n)
		}
		if _, err := db.ExecContext(ctx, `ALTER TABLE exchange_inbox_away RENAME TO exchange_inbox`); err != nil {
			t.Fatal(err)
		}

		for _, want := range []int{2, 1, 0} {
			if n, err := puller.PullOnce(ctx, codeB); err != nil || n != want {
				t.Fatalf("PullOnce = %d, %v; want %d", n, err, want)
			}
		}
		if n := pending(); n != 0 {
			t.Fatalf("%d still pending on the axis", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_inbox WHERE receiver_code = ? AND from_code = ?`, codeB, codeA); n != 3 {
			t.Fatalf("%d in the inbox, want 3", n)
		}
		if notified.Load() != 2 {
			t.Fatalf("processor notified %d times, want 2", notified.Load())
		}

		// Acknowledgements lost: the axis offers everything again.
		if _, err := axisDB.ExecContext(ctx, `UPDATE axis_packages SET acked_at = 0`); err != nil {
			t.Fatal(err)
		}
		if n, err := puller.PullOnce(ctx, codeB); err != nil || n != 2 {
			t.Fatalf("PullOnce after lost acks = %d, %v", n, err)
		}
		if n, err := puller.PullOnce(ctx, codeB); err != nil || n != 1 {
			t.Fatalf("PullOnce after lost acks = %d, %v", n, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM exchange_inbox`); n != 3 {
			t.Fatalf("%d in the inbox after redelivery, want 3", n)
		}
		rec := newRecorder()
		p := newProcessor(t, db, rec, nil)
		if n, err := p.RunOnce(ctx); err != nil || n != 3 {
			t.Fatalf("RunOnce = %d, %v", n, err)
		}
		for _, id := range ids {
			if got := rec.count(id); got != 1 {
				t.Fatalf("%s handled %d times", id, got)
			}
		}

		// Run: a long poll picks up a new package as it arrives.
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		fast, _ := inbox.NewAxisPuller(inbox.PullerConfig{
			DB:       db,
			Agencies: func(context.Context) ([]string, error) { return []string{codeB}, nil },
			Client:   func(string) (*axis.Client, error) { return cb, nil },
			Log:      quiet,
			Wait:     2 * time.Second,
		})
		go func() { done <- fast.Run(rctx) }()
		env, body := a.Document(t, codeB)
		if _, err := ca.Submit(ctx, body, ""); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for count(t, db, `SELECT COUNT(*) FROM exchange_inbox WHERE message_id = ?`, env.MessageID) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the running puller did not fetch the new package")
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
