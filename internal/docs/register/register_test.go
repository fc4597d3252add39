package register

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// newAgency creates a root agency with the identifier code and returns its id.
func newAgency(tb testing.TB, db *store.DB, code string) string {
	tb.Helper()
	ag, err := org.New(db).CreateAgency(context.Background(), org.SystemActor("test"), org.AgencyInput{
		Code: code, Name: "UBND tỉnh " + code, ShortName: "UBND", Kind: org.KindProvince,
	})
	if err != nil {
		tb.Fatalf("create agency %s: %v", code, err)
	}
	return ag.ID
}

// next allocates one number in a transaction of its own.
func next(tb testing.TB, db *store.DB, key RegisterKey) int {
	tb.Helper()
	n, err := nextErr(db, key)
	if err != nil {
		tb.Fatalf("Next(%s): %v", key, err)
	}
	return n
}

func nextErr(db *store.DB, key RegisterKey) (int, error) {
	var n int
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		n, err = Next(context.Background(), tx, key)
		return err
	})
	return n, err
}

// TestNextIsGapFreeUnderConcurrency is the register's contract: 100
// documents numbered at once, a fifth of them abandoned after taking their
// number, leave exactly 1..80 behind, on both engines. Each transaction
// holds its number a little while, as a caller writing its document does,
// so that the others really queue behind it; a counter read and written
// without the row lock gives duplicates (PostgreSQL) here.
func TestNextIsGapFreeUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := RegisterKey{AgencyID: newAgency(t, db, "000.00.31.H56"), Direction: Outgoing, Series: SeriesDefault, Year: 2026}
		const workers = 100
		errAbandon := errors.New("document abandoned on purpose")
		var (
			mu         sync.Mutex
			committed  []int
			abandoned  []int
			wg         sync.WaitGroup
			start      = make(chan struct{})
			unexpected = make(chan error, workers)
		)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var n int
				err := db.InTx(ctx, func(tx *store.Tx) error {
					var err error
					if n, err = Next(ctx, tx, key); err != nil {
						return err
					}
					time.Sleep(time.Duration(i%3) * time.Millisecond)
					if i%5 == 2 {
						return errAbandon
					}
					return nil
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					committed = append(committed, n)
				case errors.Is(err, errAbandon):
					abandoned = append(abandoned, n)
				default:
					unexpected <- fmt.Errorf("worker %d: %w", i, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		close(unexpected)
		for err := range unexpected {
			t.Error(err)
		}
		if len(abandoned) != workers/5 {
			t.Fatalf("%d transactions rolled back, want %d", len(abandoned), workers/5)
		}
		slices.Sort(committed)
		want := make([]int, workers-workers/5)
		for i := range want {
			want[i] = i + 1
		}
		if !slices.Equal(committed, want) {
			t.Fatalf("committed numbers are not 1..%d without gaps or repeats:\n got %v", len(want), committed)
		}
		last, err := Check(ctx, db, key)
		if err != nil || last != len(want) {
			t.Fatalf("Check = %d, %v; want %d, nil", last, err, len(want))
		}
		// The next document continues the sequence.
		if n := next(t, db, key); n != len(want)+1 {
			t.Fatalf("next number after the race = %d, want %d", n, len(want)+1)
		}
	})
}

// TestNextRollbackGivesTheNumberBack is the single-threaded form of the
// contract above, so that a failure there can be told apart from a race.
func TestNextRollbackGivesTheNumberBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := RegisterKey{AgencyID: newAgency(t, db, "000.00.31.H56"), Direction: Outgoing, Series: SeriesDefault, Year: 2026}
		if n := next(t, db, key); n != 1 {
			t.Fatalf("first number = %d, want 1", n)
		}
		errAbandon := errors.New("abandon")
		var got int
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			got, err = Next(ctx, tx, key)
			if err != nil {
				return err
			}
			return errAbandon
		})
		if !errors.Is(err, errAbandon) || got != 2 {
			t.Fatalf("abandoned transaction: %d, %v; want 2, abandon", got, err)
		}
		if n := next(t, db, key); n != 2 {
			t.Fatalf("number after a rollback = %d, want 2 again", n)
		}
		if last, err := Check(ctx, db, key); err != nil || last != 2 {
			t.Fatalf("Check = %d, %v; want 2, nil", last, err)
		}
	})
}

// TestNextKeepsRegistersApart: years (in Vietnam time), series, directions
// and agencies each have their own counter.
func TestNextKeepsRegistersApart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		agencies := []string{newAgency(t, db, "000.00.31.H56"), newAgency(t, db, "000.00.00.H41")}
		var (
			lastEvening2025 = time.Date(2025, 12, 31, 16, 59, 0, 0, time.UTC) // 23:59 in Vietnam
			newYearUTC      = time.Date(2025, 12, 31, 23, 30, 0, 0, time.UTC) // 06:30 on 1 Jan 2026 in Vietnam
			june2026        = time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC)
			june2025        = time.Date(2025, 6, 1, 3, 0, 0, 0, time.UTC)
		)
		steps := []struct {
			name   string
			agency int
			dir    Direction
			series string
			at     time.Time
			want   int
		}{
			{"the year's first document is 1", 0, Outgoing, SeriesDefault, lastEvening2025, 1},
			{"31 Dec 23:30 UTC opens 2026's register", 0, Outgoing, SeriesDefault, newYearUTC, 1},
			{"2026 goes on", 0, Outgoing, SeriesDefault, june2026, 2},
			{"2025 goes on where it was", 0, Outgoing, SeriesDefault, june2025, 2},
			{"secret documents have their own series", 0, Outgoing, SeriesSecret, june2026, 1},
			{"a legal type has its own series", 0, Outgoing, TypeSeries("quyet_dinh_qppl"), june2026, 1},
			{"the secret series goes on alone", 0, Outgoing, SeriesSecret, june2026, 2},
			{"incoming documents have their own register", 0, Incoming, SeriesDefault, june2026, 1},
			{"incoming numbers run on through the year", 0, Incoming, SeriesDefault, newYearUTC, 2},
			{"another agency starts at 1", 1, Outgoing, SeriesDefault, june2026, 1},
			{"the first agency's default series was not touched", 0, Outgoing, SeriesDefault, june2026, 3},
			{"nor the other agency's by it", 1, Outgoing, SeriesDefault, june2026, 2},
		}
		for _, s := range steps {
			key := NewKey(agencies[s.agency], s.dir, s.series, s.at)
			if got := next(t, db, key); got != s.want {
				t.Errorf("%s: Next(%s) = %d, want %d", s.name, key, got, s.want)
			}
		}
		for _, s := range steps {
			key := NewKey(agencies[s.agency], s.dir, s.series, s.at)
			if _, err := Check(context.Background(), db, key); err != nil {
				t.Errorf("Check(%s): %v", key, err)
			}
		}
	})
}

func TestNextRefusesBadKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ag := newAgency(t, db, "000.00.31.H56")
		good := RegisterKey{AgencyID: ag, Direction: Outgoing, Series: SeriesDefault, Year: 2026}
		tests := []struct {
			name       string
			edit       func(k *RegisterKey)
			kind       apperr.Kind
			key, field string
		}{
			{"no agency", func(k *RegisterKey) { k.AgencyID = "" }, apperr.Invalid, "register.agency_required", "agency_id"},
			{"unknown agency", func(k *RegisterKey) { k.AgencyID = store.NewID() }, apperr.NotFound, "register.agency_not_found", "agency_id"},
			{"no direction", func(k *RegisterKey) { k.Direction = "" }, apperr.Invalid, "register.direction_invalid", "direction"},
			{"Vietnamese direction", func(k *RegisterKey) { k.Direction = "đi" }, apperr.Invalid, "register.direction_invalid", "direction"},
			{"no series", func(k *RegisterKey) { k.Series = "" }, apperr.Invalid, "register.series_invalid", "series"},
			{"series with capitals", func(k *RegisterKey) { k.Series = "Default" }, apperr.Invalid, "register.series_invalid", "series"},
			{"series with diacritics", func(k *RegisterKey) { k.Series = "mật" }, apperr.Invalid, "register.series_invalid", "series"},
			{"no year", func(k *RegisterKey) { k.Year = 0 }, apperr.Invalid, "register.year_invalid", "year"},
			{"year out of range", func(k *RegisterKey) { k.Year = 10000 }, apperr.Invalid, "register.year_invalid", "year"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				key := good
				tt.edit(&key)
				err := db.InTx(ctx, func(tx *store.Tx) error {
					_, err := Next(ctx, tx, key)
					return err
				})
				checkAppErr(t, err, tt.kind, tt.key, tt.field)
			})
		}
		// A number taken outside the document's transaction could not be
		// given back: refused before touching the database.
		if _, err := Next(ctx, db, good); !errors.Is(err, errNotInTx) {
			t.Errorf("Next on the database handle: %v, want errNotInTx", err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM registers`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused allocations left %d registers (%v)", n, err)
		}
	})
}

// TestNextRefusesANumberGivenBefore: the register_entries key is the
// database's own guarantee. A counter moved back by hand makes Next fail
// and Check report it; nothing is written.
func TestNextRefusesANumberGivenBefore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := RegisterKey{AgencyID: newAgency(t, db, "000.00.31.H56"), Direction: Outgoing, Series: SeriesDefault, Year: 2026}
		for range 3 {
			next(t, db, key)
		}
		if _, err := db.ExecContext(ctx, `UPDATE registers SET last_number = 1`); err != nil {
			t.Fatal(err)
		}
		_, err := Check(ctx, db, key)
		checkAppErr(t, err, apperr.Conflict, "register.inconsistent", "")
		err = db.InTx(ctx, func(tx *store.Tx) error {
			_, err := Next(ctx, tx, key)
			return err
		})
		checkAppErr(t, err, apperr.Conflict, "register.number_taken", "")
		var last, entries int
		if err := db.QueryRowContext(ctx, `SELECT last_number, (SELECT COUNT(*) FROM register_entries) FROM registers`).Scan(&last, &entries); err != nil {
			t.Fatal(err)
		}
		if last != 1 || entries != 3 {
			t.Errorf("after the refusal: counter %d, %d entries; want 1 and 3 (nothing written)", last, entries)
		}
	})
}

func TestCheckOfAnUnusedRegister(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		key := RegisterKey{AgencyID: newAgency(t, db, "000.00.31.H56"), Direction: Incoming, Series: SeriesDefault, Year: 2026}
		if last, err := Check(context.Background(), db, key); err != nil || last != 0 {
			t.Fatalf("Check = %d, %v; want 0, nil", last, err)
		}
	})
}

func TestAllocateNamesTheEntry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := RegisterKey{AgencyID: newAgency(t, db, "000.00.31.H56"), Direction: Outgoing, Series: SeriesDefault, Year: 2026}
		var a Allocation
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			a, err = Allocate(ctx, tx, key)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT number FROM register_entries WHERE register_id = ? AND number = ?`, a.RegisterID, a.Number).Scan(&n); err != nil || n != 1 {
			t.Fatalf("entry of %+v: %d, %v", a, n, err)
		}
	})
}

// BenchmarkNext measures numbers given per second, each in its own
// committed transaction (what issuing a document costs at least). SQLite
// runs with synchronous=FULL, so every commit waits for the disk.
func BenchmarkNext(b *testing.B) {
	for _, d := range storetest.Engines {
		b.Run(d.String(), func(b *testing.B) {
			db := storetest.Open(b, d)
			key := RegisterKey{AgencyID: newAgency(b, db, "000.00.31.H56"), Direction: Outgoing, Series: SeriesDefault, Year: 2026}
			for b.Loop() {
				next(b, db, key)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
		})
		b.Run(d.String()+"/parallel", func(b *testing.B) {
			db := storetest.Open(b, d)
			key := RegisterKey{AgencyID: newAgency(b, db, "000.00.31.H56"), Direction: Outgoing, Series: SeriesDefault, Year: 2026}
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := nextErr(db, key); err != nil {
						b.Error(err) // not Fatal: this is not the benchmark's goroutine
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
		})
	}
}
