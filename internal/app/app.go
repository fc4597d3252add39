package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kyso-vn/kyso/internal/auth"
	"github.com/kyso-vn/kyso/internal/blob"
	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/ocsp"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/ra"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/tsa"
)

// App is a running installation's parts.
type App struct {
	Config Config
	DB     *store.DB
	Blobs  blob.Store
	Org    *org.Service
	Auth   *auth.Service
	PKI    *pki.Service
	OCSP   *ocsp.Responder
	TSA    *tsa.Authority
	RA     *ra.Service
	Docs   *docs.Service
	Log    *slog.Logger

	validationMu sync.Mutex
	validation   *validation
	exchange     *exchange
}

func validateDatabaseURL(u string) error {
	if err := store.ValidatePostgresURL(u); err != nil {
		return fmt.Errorf("KYSO_DATABASE_URL: %w", err)
	}
	return nil
}

// ErrNotInitialized means the data directory or database holds no kyso installation.
var ErrNotInitialized = errors.New("no kyso installation here")

func (c *Config) storeOptions(dataDir string) store.Options {
	return store.Options{URL: c.DatabaseURL, SQLitePath: filepath.Join(dataDir, store.SQLiteFile)}
}

func (c *Config) passwordParams() password.Params {
	if c.DevFastPasswords {
		return password.Fast
	}
	return password.Default
}

// Open opens an initialised installation and applies pending migrations.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		if _, err := os.Stat(filepath.Join(cfg.DataDir, store.SQLiteFile)); err != nil {
			return nil, fmt.Errorf("%s: %w: run 'kyso init --data %s' first (add --demo for a demo province)", cfg.DataDir, ErrNotInitialized, cfg.DataDir)
		}
	}
	db, err := store.Open(ctx, cfg.storeOptions(cfg.DataDir))
	if err != nil {
		return nil, err
	}
	ok, err := db.Initialized(ctx)
	if err == nil && !ok {
		err = fmt.Errorf("the database: %w: run 'kyso init' first", ErrNotInitialized)
	}
	if err == nil {
		err = db.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	blobs, err := blob.NewFS(filepath.Join(cfg.DataDir, "blobs"))
	if err != nil {
		db.Close()
		return nil, err
	}
	a := New(cfg, db, blobs, log)
	pass, err := cfg.keyPassphrase()
	if err != nil {
		db.Close()
		return nil, err
	}
	if a.PKI, err = pki.Open(ctx, db, cfg.pkiConfig(cfg.DataDir, pass)); err != nil {
		db.Close()
		return nil, err
	}
	a.RA = ra.New(db, a.Org, a.PKI)
	if err := a.loadTrust(); err != nil {
		db.Close()
		return nil, err
	}
	a.InitDocs()
	if err := a.newResponder(ctx); err != nil {
		db.Close()
		return nil, err
	}
	// A TSA certificate that expired must not keep the rest of kyso
	// down: serve without /tsa and say so.
	if err := a.newTSA(ctx); err != nil {
		log.Error("time-stamping disabled", "err", err)
	}
	return a, nil
}

// New assembles an App from parts that are already open; Open uses it, and
// tests use it to run the whole application on any engine.
func New(cfg Config, db *store.DB, blobs blob.Store, log *slog.Logger, authOpts ...auth.Option) *App {
	orgs := org.New(db, org.WithPasswordParams(cfg.passwordParams()))
	return &App{Config: cfg, DB: db, Blobs: blobs, Org: orgs, Auth: auth.New(db, orgs, authOpts...), Log: log}
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }

// Initialized reports whether cfg points at an existing installation.
func Initialized(ctx context.Context, cfg Config) (bool, error) {
	if err := cfg.Validate(); err != nil {
		return false, err
	}
	if cfg.DatabaseURL == "" {
		_, err := os.Stat(filepath.Join(cfg.DataDir, store.SQLiteFile))
		return err == nil, nil
	}
	db, err := store.Open(ctx, cfg.storeOptions(cfg.DataDir))
	if err != nil {
		return false, err
	}
	defer db.Close()
	return db.Initialized(ctx)
}

// isEmptyDir reports whether dir exists and has no entries.
func isEmptyDir(dir string) (exists, empty bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return true, len(entries) == 0, nil
}

// describe shortens an OS error for a user: "permission denied" rather than
// the whole syscall chain.
func describe(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	return strings.TrimPrefix(err.Error(), "open ")
}
