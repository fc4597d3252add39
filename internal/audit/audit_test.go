package audit_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		ev := &audit.Event{ActorName: "Nguyễn Văn An", AgencyPath: "/a/", Action: "test.event", ObjectID: fmt.Sprint(i),
			Details: map[string]any{"i": i, "note": "văn bản đi"}}
		if err := audit.Record(ctx, db, ev); err != nil {
			t.Fatal(err)
		}
		if ev.Seq != int64(i+1) || len(ev.Hash) != 64 {
			t.Fatalf("event %d: seq %d hash %q", i, ev.Seq, ev.Hash)
		}
	}
}

// tamper runs SQL the way an intruder with database access would: with the
// append-only triggers dropped first.
func tamper(t *testing.T, db *store.DB, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	drop := []string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"}
	if db.Dialect() == store.Postgres {
		drop = []string{"DROP TRIGGER audit_events_no_update ON audit_events"}
	}
	for _, s := range append(drop, stmts...) {
		if _, err := db.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name    string
		tamper  []string
		wantSeq int64
		wantMsg string
	}{
		{name: "intact chain verifies"},
		{name: "edited row is caught", tamper: []string{`UPDATE audit_events SET actor_name = 'Kẻ gian' WHERE seq = 3`}, wantSeq: 3, wantMsg: "edited"},
		{name: "edited details are caught", tamper: []string{`UPDATE audit_events SET details = '{"i":99}' WHERE seq = 4`}, wantSeq: 4, wantMsg: "edited"},
		{name: "deleted middle row is caught", tamper: []string{`DELETE FROM audit_events WHERE seq = 2`}, wantSeq: 2, wantMsg: "missing"},
		{name: "truncated tail is caught", tamper: []string{`DELETE FROM audit_events WHERE seq = 5`}, wantSeq: 5, wantMsg: "removed from the end"},
		{name: "rehashed row is caught by the next link", tamper: []string{`UPDATE audit_events SET hash = 'ff' WHERE seq = 2`}, wantSeq: 2, wantMsg: "edited"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				appendN(t, db, 5)
				if len(tt.tamper) > 0 {
					tamper(t, db, tt.tamper...)
				}
				rep, err := audit.Verify(context.Background(), db)
				if err != nil {
					t.Fatal(err)
				}
				if tt.wantSeq == 0 {
					if !rep.OK() || rep.Checked != 5 || rep.Head != 5 {
						t.Fatalf("report %+v, want 5 events checked and no break", rep)
					}
					return
				}
				if rep.OK() {
					t.Fatalf("tampering went unnoticed: %+v", rep)
				}
				if rep.Break.Seq != tt.wantSeq || !strings.Contains(rep.Break.Reason, tt.wantMsg) {
					t.Fatalf("break %+v, want seq %d saying %q", rep.Break, tt.wantSeq, tt.wantMsg)
				}
			})
		})
	}
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 10; i++ {
					if err := audit.Record(context.Background(), db, &audit.Event{Action: "test.concurrent"}); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		rep, err := audit.Verify(context.Background(), db)
		if err != nil || !rep.OK() || rep.Checked != 80 {
			t.Fatalf("report %+v, %v; want 80 events and an intact chain", rep, err)
		}
	})
}

func TestAppendRollsBackWithItsTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_ = db.InTx(ctx, func(tx *store.Tx) error {
			if err := audit.Append(ctx, tx, &audit.Event{Action: "test.rollback"}); err != nil {
				return err
			}
			return fmt.Errorf("the change failed")
		})
		appendN(t, db, 1) // gets seq 1: the rolled-back event left no gap
		rep, err := audit.Verify(ctx, db)
		if err != nil || !rep.OK() || rep.Checked != 1 {
			t.Fatalf("report %+v, %v", rep, err)
		}
	})
}

func TestList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)
		for _, p := range []string{"/a/", "/a/b/", "/c/"} {
			if err := audit.Record(ctx, db, &audit.Event{At: at, AgencyPath: p, Action: "x", Details: map[string]any{"p": p}}); err != nil {
				t.Fatal(err)
			}
		}
		evs, err := audit.List(ctx, db, audit.Filter{AgencyPath: "/a/"})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].AgencyPath != "/a/b/" || evs[1].AgencyPath != "/a/" {
			t.Fatalf("subtree /a/: %+v", evs)
		}
		if !evs[0].At.Equal(at) || evs[0].Details["p"] != "/a/b/" {
			t.Fatalf("round trip lost data: %+v", evs[0])
		}
		evs, _ = audit.List(ctx, db, audit.Filter{Before: 2})
		if len(evs) != 1 || evs[0].Seq != 1 {
			t.Fatalf("paging: %+v", evs)
		}
	})
}
