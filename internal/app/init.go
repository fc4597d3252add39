package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
)

// InitOptions shape a new installation.
type InitOptions struct {
	// Demo adds the demo province with users of every role.
	Demo bool
	// DemoProvince chooses the demo data set (demo.Names; "" the default).
	DemoProvince string
	// Root agency of a non-demo installation; defaults fit a placeholder
	// that the administrator renames in the web interface.
	AgencyName, AgencyCode, AgencyShortName string
	// AdminPassword for the first administrator; empty means generated.
	AdminPassword string
	// Province names the province in CA subjects.
	Province string
	// CA shapes the certificate authority (names, key algorithms, HSM keys).
	CA pki.HierarchyOptions
}

// Credential is a login created by init, printed once for the operator.
type Credential struct {
	Username, Password, FullName, Title, Agency string
	Roles                                       []org.Role
	// Note is something the operator must know, printed once.
	Note string
}

// ErrAlreadyInitialized is returned when init finds an existing installation.
var ErrAlreadyInitialized = errors.New("already holds a kyso installation")

// Init creates a new installation: the data directory, the database schema,
// the root agency and the first administrator (and with Demo, a province).
// It is all or nothing: the directory is built under a temporary name and
// renamed into place, and the database rows are written in one transaction,
// so a failure leaves no trace and a second init changes nothing.
func Init(ctx context.Context, cfg Config, opts InitOptions) ([]Credential, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dir := cfg.DataDir
	if ok, err := Initialized(ctx, cfg); err != nil {
		return nil, err
	} else if ok {
		where := dir
		if cfg.DatabaseURL != "" {
			where = "the database at KYSO_DATABASE_URL"
		}
		return nil, fmt.Errorf("%s %w; nothing was changed. Use 'kyso serve' to run it, or choose another --data directory (or database) to start afresh", where, ErrAlreadyInitialized)
	}
	exists, empty, err := isEmptyDir(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot read data directory %s: %s", dir, describe(err))
	}
	if exists && !empty {
		return nil, fmt.Errorf("data directory %s is not empty and holds no kyso database; nothing was changed. Choose an empty or new directory", dir)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return nil, fmt.Errorf("cannot create %s: %s. Choose a --data directory you can write to", parent, describe(err))
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".init-")
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %s. Choose a --data directory you can write to", parent, describe(err))
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o750); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	if err := os.Mkdir(filepath.Join(tmp, "blobs"), 0o750); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	pass, generated, err := cfg.newKeyPassphrase(tmp)
	if err != nil {
		return nil, fmt.Errorf("init: key passphrase: %w", err)
	}
	creds, err := initDatabase(ctx, cfg, tmp, pass, opts)
	if err != nil {
		return nil, err
	}
	if exists {
		// rename(2) replaces an empty directory.
		if err := os.Remove(dir); err != nil {
			return nil, fmt.Errorf("init: replace empty %s: %s", dir, describe(err))
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("init: move the new installation into %s: %s", dir, describe(err))
	}
	done = true
	if generated && len(creds) > 0 {
		creds[0].Note = "The CA keys are encrypted with a generated passphrase kept in " + filepath.Join(dir, passphraseFile) +
			"; for production, create the installation with KYSO_KEY_PASSPHRASE_FILE pointing outside the data directory."
	}
	return creds, nil
}

func initDatabase(ctx context.Context, cfg Config, tmpDir string, pass []byte, opts InitOptions) ([]Credential, error) {
	db, err := store.Open(ctx, cfg.storeOptions(tmpDir))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	var creds []Credential
	err = db.InTx(ctx, func(tx *store.Tx) error {
		orgs := org.New(tx, org.WithPasswordParams(cfg.passwordParams()))
		sys := org.SystemActor("kyso init")
		var err error
		if opts.Demo {
			creds, err = demoProvince(ctx, orgs, sys, opts.DemoProvince)
		} else {
			creds, err = bootstrap(ctx, orgs, sys, opts)
		}
		if err != nil {
			return err
		}
		province := opts.Province
		if opts.Demo && province == "" {
			if province, err = demo.ProvinceName(opts.DemoProvince); err != nil {
				return err
			}
		}
		root, err := rootAgency(ctx, orgs, sys)
		if err != nil {
			return err
		}
		// Keys are written under tmpDir, which becomes the data directory;
		// key URIs are relative to it.
		ca := opts.CA
		if ca.Organization == "" {
			ca.Organization = root.Name
		}
		if ca.Province == "" {
			ca.Province = province
		}
		svc, err := pki.Bootstrap(ctx, tx, cfg.pkiConfig(tmpDir, pass), ca)
		if err != nil {
			return fmt.Errorf("certificate authority: %w", err)
		}
		if opts.Demo {
			if err := demoCertificates(ctx, orgs, svc, sys); err != nil {
				return fmt.Errorf("demo certificates: %w", err)
			}
		}
		if err := store.SetMeta(ctx, tx, "installation_id", store.NewID()); err != nil {
			return err
		}
		return store.SetMeta(ctx, tx, "created_at", time.Now().UTC().Format(time.RFC3339))
	})
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	return creds, nil
}

// rootAgency finds the agency at the top of the tree, whose name the CA carries.
func rootAgency(ctx context.Context, orgs *org.Service, sys *org.Actor) (*org.Agency, error) {
	all, err := orgs.ListAgencies(ctx, sys)
	if err != nil || len(all) == 0 {
		return nil, fmt.Errorf("no root agency: %w", err)
	}
	return all[0], nil
}

func bootstrap(ctx context.Context, orgs *org.Service, sys *org.Actor, opts InitOptions) ([]Credential, error) {
	in := org.AgencyInput{Code: opts.AgencyCode, Name: opts.AgencyName, ShortName: opts.AgencyShortName, Kind: org.KindProvince}
	if in.Name == "" {
		in.Name = "Cơ quan chủ quản"
	}
	if in.Code == "" {
		in.Code = "000.00.00.A00"
	}
	if in.ShortName == "" {
		in.ShortName = "CQCQ"
	}
	root, err := orgs.CreateAgency(ctx, sys, in)
	if err != nil {
		return nil, err
	}
	pw := opts.AdminPassword
	if pw == "" {
		pw = password.Generate()
	}
	u, err := orgs.CreateUser(ctx, sys, org.UserInput{AgencyID: root.ID, Username: "admin", FullName: "Quản trị hệ thống",
		Title: "Quản trị hệ thống", Password: pw, Roles: []org.Role{org.RoleAdmin}})
	if err != nil {
		return nil, err
	}
	return []Credential{{Username: u.Username, Password: pw, FullName: u.FullName, Title: u.Title, Agency: root.Name, Roles: u.Roles}}, nil
}

func demoProvince(ctx context.Context, orgs *org.Service, sys *org.Actor, key string) ([]Credential, error) {
	users, err := demo.PopulateProvince(ctx, orgs, sys, key)
	if err != nil {
		return nil, fmt.Errorf("demo province: %w", err)
	}
	creds := make([]Credential, len(users))
	for i, u := range users {
		creds[i] = Credential{Username: u.User.Username, Password: u.Password, FullName: u.User.FullName, Title: u.User.Title, Agency: u.Agency, Roles: u.User.Roles}
	}
	return creds, nil
}

// demoCertificates gives the demo province what the documents flow needs
// from the first minute: a personal signing certificate for every leader
// and an organization certificate for every agency with a clerk, with keys
// kyso holds (remote signing). ECDSA P-256 keeps kyso init quick.
func demoCertificates(ctx context.Context, orgs *org.Service, svc *pki.Service, sys *org.Actor) error {
	agencies, err := orgs.ListAgencies(ctx, sys)
	if err != nil {
		return err
	}
	for _, ag := range agencies {
		users, err := orgs.ListUsers(ctx, sys, org.UserFilter{AgencyID: ag.ID})
		if err != nil {
			return err
		}
		clerk := false
		for _, u := range users {
			clerk = clerk || slices.Contains(u.Roles, org.RoleClerk)
			if !slices.Contains(u.Roles, org.RoleLeader) {
				continue
			}
			if _, err := svc.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true, KeyAlgorithm: "ecdsa-p256",
				UserID: u.ID, AgencyID: ag.ID, Subject: pki.Subject{CommonName: u.FullName, Title: u.Title, Organization: ag.Name}}); err != nil {
				return fmt.Errorf("%s: %w", u.Username, err)
			}
		}
		if clerk {
			if _, err := svc.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfileOrganization, ServerKey: true, KeyAlgorithm: "ecdsa-p256",
				AgencyID: ag.ID, Subject: pki.Subject{CommonName: ag.Name, Organization: ag.Name, AgencyCode: ag.Code}}); err != nil {
				return fmt.Errorf("%s: %w", ag.Name, err)
			}
		}
	}
	return nil
}
