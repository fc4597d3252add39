// Package storetest runs database tests on every engine kyso supports:
// SQLite always, PostgreSQL when a server is reachable.
//
// PostgreSQL is found at $KYSO_TEST_DATABASE_URL, by default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (this project's
// machines run it there with trust auth). Each call creates its own database
// and drops it when the test ends. Set KYSO_TEST_DATABASE_URL=off to skip.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/store"
)

// DefaultPostgresURL is the server used when KYSO_TEST_DATABASE_URL is unset.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Engines lists the engines Each runs on.
var Engines = []store.Dialect{store.SQLite, store.Postgres}

// Each runs fn as a subtest on a fresh, migrated database of every engine.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Engines {
		t.Run(d.String(), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh migrated database of engine d, closed and removed at
// the end of the test. For PostgreSQL it skips the test, saying why, when no
// server is reachable.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	db := OpenEmpty(t, d)
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// OpenEmpty is Open without migrations.
func OpenEmpty(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	ctx := context.Background()
	var opts store.Options
	switch d {
	case store.SQLite:
		opts.SQLitePath = filepath.Join(t.TempDir(), store.SQLiteFile)
	case store.Postgres:
		opts.URL = NewPostgresDatabase(t)
	}
	db, err := store.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

var (
	adminOnce sync.Once
	adminDB   *store.DB
	adminErr  error
)

// admin returns a connection to the maintenance database, opened once per
// test binary.
func admin() (*store.DB, string, error) {
	base := os.Getenv("KYSO_TEST_DATABASE_URL")
	if base == "" {
		base = DefaultPostgresURL
	}
	if base == "off" {
		return nil, base, fmt.Errorf("KYSO_TEST_DATABASE_URL=off")
	}
	adminOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		adminDB, adminErr = store.Open(ctx, store.Options{URL: base, MaxOpenConns: 2})
	})
	return adminDB, base, adminErr
}

// NewPostgresDatabase creates an empty database for this test, drops it when
// the test ends, and returns its URL. It skips the test when PostgreSQL is not
// reachable.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	adm, base, err := admin()
	if err != nil {
		t.Skipf("PostgreSQL not reachable (%v): start it or set KYSO_TEST_DATABASE_URL to a server where this user may CREATE DATABASE", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "kyso_test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := adm.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", base, err)
	}
	u.Path = "/" + name
	return u.String()
}
