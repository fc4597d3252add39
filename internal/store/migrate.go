package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// dialectMigrations are the few steps whose SQL cannot be shared (triggers,
// full-text indexes). Each gives both forms; version numbers interleave with
// the .sql files.
var dialectMigrations = []dialectMigration{
	{
		version: 2,
		// The audit log is append-only: the database itself refuses to
		// change or delete an event. Someone with raw database access can
		// still drop the trigger; the hash chain is what catches that.
		sqlite: []string{
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
			 BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
			`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
			 BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END`,
		},
		postgres: []string{
			`CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
			 BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
			 FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
		},
		sqliteDown:   []string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`},
		postgresDown: []string{`DROP TRIGGER audit_events_no_update ON audit_events`, `DROP FUNCTION audit_events_append_only()`},
	},
}

type dialectMigration struct {
	version                  int64
	sqlite, postgres         []string
	sqliteDown, postgresDown []string
}

func (m dialectMigration) goose(d Dialect) *goose.Migration {
	up, down := m.sqlite, m.sqliteDown
	if d == Postgres {
		up, down = m.postgres, m.postgresDown
	}
	return goose.NewGoMigration(m.version, &goose.GoFunc{RunTx: execAll(up)}, &goose.GoFunc{RunTx: execAll(down)})
}

func execAll(stmts []string) func(context.Context, *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}
}

func (db *DB) migrator() (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	for _, m := range dialectMigrations {
		opts = append(opts, goose.WithGoMigrations(m.goose(db.dialect)))
	}
	dialect := goose.DialectSQLite3
	if db.dialect == Postgres {
		dialect = goose.DialectPostgres
		// Several kyso nodes may start at once; an advisory lock lets one
		// of them migrate while the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db.sql, sub, opts...)
}

// Migrate applies every pending migration. It is safe to call on every start.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.migrator()
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate %s: %w", db.dialect, err)
	}
	return nil
}

// SchemaVersion reports the applied and the newest known migration versions.
func (db *DB) SchemaVersion(ctx context.Context) (current, latest int64, err error) {
	p, err := db.migrator()
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrations: %w", err)
	}
	current, latest, err = p.GetVersions(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: schema version: %w", err)
	}
	return current, latest, nil
}

// Meta reads an installation setting from kyso_meta; ErrNotFound when unset.
func Meta(ctx context.Context, q Querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM kyso_meta WHERE key = ?`, key).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("store: meta %s: %w", key, NotFound(err))
	}
	return v, nil
}

// SetMeta writes an installation setting.
func SetMeta(ctx context.Context, q Querier, key, value string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO kyso_meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("store: set meta %s: %w", key, err)
	}
	return nil
}

// Initialized reports whether this database already holds a kyso
// installation (migrated and bootstrapped by kyso init).
func (db *DB) Initialized(ctx context.Context) (bool, error) {
	current, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return false, err
	}
	if current == 0 {
		return false, nil
	}
	_, err = Meta(ctx, db, "installation_id")
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
