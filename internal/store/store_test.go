package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

func TestMigrateCreatesSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cur, latest, err := db.SchemaVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cur != latest || cur < 2 {
			t.Fatalf("schema version %d of %d, want all applied", cur, latest)
		}
		// Migrating again is a no-op, as it is on every start.
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		for _, table := range []string{"kyso_meta", "agencies", "departments", "users", "user_roles", "sessions", "api_tokens", "audit_events", "audit_head", "ca_identities", "certificates", "crls", "cert_requests"} {
			var n int
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
				t.Errorf("table %s: %v", table, err)
			}
		}
	})
}

func TestMetaAndInitialized(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if ok, err := db.Initialized(ctx); err != nil || ok {
			t.Fatalf("fresh database: Initialized = %v, %v; want false", ok, err)
		}
		if _, err := store.Meta(ctx, db, "installation_id"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Meta on unset key: %v, want ErrNotFound", err)
		}
		if err := store.SetMeta(ctx, db, "installation_id", "x"); err != nil {
			t.Fatal(err)
		}
		if err := store.SetMeta(ctx, db, "installation_id", "y"); err != nil {
			t.Fatal(err)
		}
		if v, err := store.Meta(ctx, db, "installation_id"); err != nil || v != "y" {
			t.Fatalf("Meta = %q, %v; want y", v, err)
		}
		if ok, err := db.Initialized(ctx); err != nil || !ok {
			t.Fatalf("Initialized = %v, %v; want true", ok, err)
		}
	})
}

func TestInitializedOnEmptyDatabase(t *testing.T) {
	for _, d := range storetest.Engines {
		t.Run(d.String(), func(t *testing.T) {
			db := storetest.OpenEmpty(t, d)
			if ok, err := db.Initialized(context.Background()); err != nil || ok {
				t.Fatalf("Initialized = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestInTxRollsBackOnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := store.SetMeta(ctx, tx, "k", "v"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx error = %v, want boom", err)
		}
		if _, err := store.Meta(ctx, db, "k"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("row written by a rolled-back transaction is visible: %v", err)
		}
	})
}

func TestConstraintErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := store.Micros(time.Now())
		ins := `INSERT INTO agencies (id, path, code, name, short_name, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
		if _, err := db.ExecContext(ctx, ins, "a1", "/a1/", "000.00.00.H56", "UBND tỉnh", "UBND", "province", now, now); err != nil {
			t.Fatal(err)
		}
		_, err := db.ExecContext(ctx, ins, "a2", "/a2/", "000.00.00.H56", "Khác", "K", "province", now, now)
		if !store.IsUniqueViolation(err) {
			t.Fatalf("duplicate code: %v, want a unique violation", err)
		}
		_, err = db.ExecContext(ctx, `INSERT INTO departments (id, agency_id, name, short_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, "d1", "missing", "Phòng", "P", now, now)
		if !store.IsForeignKeyViolation(err) {
			t.Fatalf("missing agency: %v, want a foreign-key violation", err)
		}
	})
}

func TestAuditEventsAreAppendOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.ExecContext(ctx, `INSERT INTO audit_events (seq, at, action, prev_hash, hash) VALUES (1, 1, 'x', 'p', 'h')`); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`UPDATE audit_events SET action = 'y'`, `DELETE FROM audit_events`} {
			_, err := db.ExecContext(ctx, q)
			if err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v, want the append-only refusal", q, err)
			}
		}
	})
}

func TestConcurrentTransactions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := store.SetMeta(ctx, db, "counter", "0"); err != nil {
			t.Fatal(err)
		}
		// Read-modify-write under the audit_head row lock pattern: with 20
		// writers, every increment must survive on both engines.
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.InTx(ctx, func(tx *store.Tx) error {
					var seq int64
					if err := tx.QueryRowContext(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq); err != nil {
						return err
					}
					return nil
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var seq int64
		if err := db.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq); err != nil || seq != 20 {
			t.Fatalf("seq = %d, %v; want 20", seq, err)
		}
	})
}

func TestValidatePostgresURL(t *testing.T) {
	tests := []struct {
		url  string
		ok   bool
		want string
	}{
		{"postgres://postgres@127.0.0.1:5432/kyso?sslmode=disable", true, ""},
		{"postgresql://u:secret@db/kyso", true, ""},
		{"mysql://u@h/db", false, "must look like"},
		{"postgres://u:secret@h:notaport/db", false, "could not be parsed"},
		{"postgres://u@h:5432", false, "names no database"},
		{"::::", false, "could not be parsed"},
	}
	for _, tt := range tests {
		err := store.ValidatePostgresURL(tt.url)
		if tt.ok != (err == nil) {
			t.Errorf("ValidatePostgresURL(%q) = %v, want ok=%v", tt.url, err, tt.ok)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ValidatePostgresURL(%q) = %q, want it to say %q", tt.url, err, tt.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error leaks the password: %q", err)
			}
		}
	}
}
