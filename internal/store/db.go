package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// Querier is what both DB and Tx offer, so that domain code runs the same
// queries inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// Handle is a database or a transaction that services run on. A service
// built on a Tx joins that transaction, so that several services' changes
// commit together (kyso init creates a whole province in one transaction).
type Handle interface {
	Querier
	InTx(ctx context.Context, fn func(tx *Tx) error) error
}

// DB is an open kyso database.
type DB struct {
	sql     *sql.DB
	dialect Dialect
	// writeMu serialises write transactions on SQLite. SQLite has one writer
	// at a time anyway; queueing in Go is fair and avoids the busy handler's
	// sleep-and-retry loop. PostgreSQL does not use it.
	writeMu sync.Mutex
	stmts   stmtCache
}

// SQLiteFile is the database file name inside a data directory.
const SQLiteFile = "kyso.db"

// Options selects and tunes the database.
type Options struct {
	// URL is a postgres:// or postgresql:// URL. Empty means SQLite.
	URL string
	// SQLitePath is the SQLite database file, used when URL is empty.
	SQLitePath string
	// MaxOpenConns overrides the pool size (0: a default per engine).
	MaxOpenConns int
}

// ValidatePostgresURL checks a PostgreSQL URL without connecting. Its error
// never repeats the URL, which may carry a password.
func ValidatePostgresURL(raw string) error {
	const form = "postgres://USER@HOST:5432/DBNAME?sslmode=disable"
	u, err := url.Parse(raw)
	if err == nil && u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return errors.New("store: the database URL must look like " + form)
	}
	if err != nil {
		return errors.New("store: the database URL could not be parsed: check the host, port and options (" + form + ")")
	}
	if _, err := pgx.ParseConfig(raw); err != nil {
		return errors.New("store: the database URL could not be parsed: check the host, port and options (postgres://USER@HOST:5432/DBNAME?sslmode=disable)")
	}
	if strings.TrimPrefix(u.Path, "/") == "" {
		return errors.New("store: the database URL names no database: add /DBNAME after the host")
	}
	return nil
}

// Open opens the database that opts selects and checks that it answers.
// It does not migrate: call Migrate.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.URL != "" {
		return openPostgres(ctx, opts)
	}
	return openSQLite(ctx, opts)
}

func openSQLite(ctx context.Context, opts Options) (*DB, error) {
	if opts.SQLitePath == "" {
		return nil, errors.New("store: no SQLite path given")
	}
	if dir := filepath.Dir(opts.SQLitePath); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
	}
	// WAL lets readers run beside the writer; foreign keys are off by
	// default in SQLite; synchronous=FULL because a CA must not lose an
	// issued certificate's row to a power cut. _txlock=immediate takes the
	// write lock at BEGIN, so a transaction never fails half-way on upgrade.
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + filepath.ToSlash(opts.SQLitePath) + "?" + q.Encode()
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite: %w", err)
	}
	n := opts.MaxOpenConns
	if n == 0 {
		n = 8
	}
	sdb.SetMaxOpenConns(n)
	sdb.SetMaxIdleConns(n)
	db := &DB{sql: sdb, dialect: SQLite}
	if err := db.ping(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", opts.SQLitePath, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, opts Options) (*DB, error) {
	if err := ValidatePostgresURL(opts.URL); err != nil {
		return nil, err
	}
	sdb, err := sql.Open("pgx", opts.URL)
	if err != nil {
		return nil, errors.New("store: open postgres: the database URL was refused by the driver")
	}
	n := opts.MaxOpenConns
	if n == 0 {
		n = 20
	}
	sdb.SetMaxOpenConns(n)
	sdb.SetMaxIdleConns(n)
	sdb.SetConnMaxIdleTime(5 * time.Minute)
	db := &DB{sql: sdb, dialect: Postgres}
	if err := db.ping(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", redact(err, opts.URL))
	}
	return db, nil
}

// redact keeps a connection error's message but drops any password the URL had.
func redact(err error, raw string) error {
	u, perr := url.Parse(raw)
	if perr != nil || u.User == nil {
		return err
	}
	if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
	}
	return err
}

func (db *DB) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return db.sql.PingContext(ctx)
}

// Dialect reports the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// SQL exposes the underlying handle for the migration runner and for tests.
func (db *DB) SQL() *sql.DB { return db.sql }

// Close closes the pool.
func (db *DB) Close() error {
	db.closeStatements()
	return db.sql.Close()
}

// ExecContext runs a statement outside any transaction.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if db.dialect == SQLite {
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	query = rebind(db.dialect, query)
	if st := db.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.sql.ExecContext(ctx, query, args...)
}

// QueryContext runs a query outside any transaction.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = rebind(db.dialect, query)
	if st := db.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.sql.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query = rebind(db.dialect, query)
	if st := db.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.sql.QueryRowContext(ctx, query, args...)
}

// Tx is a transaction; it implements Querier.
type Tx struct {
	tx      *sql.Tx
	db      *DB
	dialect Dialect
	after   []func()
}

// AfterCommit runs f once the transaction has committed, and never if it
// rolls back: for waking a worker about rows it could not see before.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// Dialect reports the engine.
func (tx *Tx) Dialect() Dialect { return tx.dialect }

// ExecContext runs a statement in the transaction.
func (tx *Tx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	query = rebind(tx.dialect, query)
	if st := tx.db.stmt(ctx, query); st != nil {
		return tx.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = rebind(tx.dialect, query)
	if st := tx.db.stmt(ctx, query); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return tx.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row.
func (tx *Tx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	query = rebind(tx.dialect, query)
	if st := tx.db.stmt(ctx, query); st != nil {
		return tx.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.tx.QueryRowContext(ctx, query, args...)
}

// InTx runs fn inside tx: the work joins the outer transaction, which
// commits or rolls back as a whole.
func (tx *Tx) InTx(ctx context.Context, fn func(tx *Tx) error) error { return fn(tx) }

// InTx runs fn in a transaction: committed when fn returns nil, rolled back
// otherwise (and on panic), so a failed operation leaves no partial rows.
// Do not call InTx from inside fn.
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	if db.dialect == SQLite {
		db.writeMu.Lock()
		defer db.writeMu.Unlock()
	}
	stx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	tx := &Tx{tx: stx, db: db, dialect: db.dialect}
	if err = fn(tx); err != nil {
		return err
	}
	if err = stx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}
