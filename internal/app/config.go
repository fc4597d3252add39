// Package app assembles kyso from its parts: it reads the configuration,
// opens the database and blob store, builds the domain services, and creates
// new installations (kyso init).
package app

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
)

// Config is everything an installation needs to start. It comes from flags
// and environment variables and is checked by Validate before anything runs.
type Config struct {
	// DataDir holds the SQLite database, blobs and keys.
	DataDir string
	// DatabaseURL selects PostgreSQL (KYSO_DATABASE_URL); empty means SQLite in DataDir.
	DatabaseURL string
	// Addr is where kyso serve listens.
	Addr string
	// PublicURL is the address users and certificates use to reach kyso
	// (KYSO_PUBLIC_URL); it decides whether cookies are marked Secure.
	PublicURL string
	// AxisURL is the exchange axis this deployment sends documents to and
	// pulls them from (KYSO_AXIS_URL, https://…); empty: no axis, documents
	// go only to agencies of this deployment.
	AxisURL string
	// AxisCAFile holds the CA certificates the axis's TLS certificate
	// chains to (KYSO_AXIS_CA); empty: the system's roots.
	AxisCAFile string
	// SMTPURL turns on e-mail notifications (KYSO_SMTP_URL, see mail.go).
	SMTPURL string
	// DevFastPasswords hashes passwords cheaply; for tests only.
	DevFastPasswords bool
}

// Defaults for Config.
const (
	DefaultDataDir = "./kyso-data"
	DefaultAddr    = "127.0.0.1:8080"
)

// FromEnv fills the settings that come from the environment.
func (c *Config) FromEnv() {
	if v := os.Getenv("KYSO_DATABASE_URL"); v != "" {
		c.DatabaseURL = v
	}
	if v := os.Getenv("KYSO_PUBLIC_URL"); v != "" {
		c.PublicURL = v
	}
	if v := os.Getenv("KYSO_AXIS_URL"); v != "" {
		c.AxisURL = v
	}
	if v := os.Getenv("KYSO_AXIS_CA"); v != "" {
		c.AxisCAFile = v
	}
	c.smtpFromEnv()
}

// Validate checks the configuration and fills defaults.
func (c *Config) Validate() error {
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir
	}
	abs, err := filepath.Abs(c.DataDir)
	if err != nil {
		return fmt.Errorf("data directory %q: %w", c.DataDir, err)
	}
	c.DataDir = abs
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return fmt.Errorf("--addr %q is not HOST:PORT (for example 127.0.0.1:8080)", c.Addr)
	}
	if c.DatabaseURL != "" {
		if err := validateDatabaseURL(c.DatabaseURL); err != nil {
			return err
		}
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	if !strings.HasPrefix(c.PublicURL, "http://") && !strings.HasPrefix(c.PublicURL, "https://") {
		return errors.New("KYSO_PUBLIC_URL must start with http:// or https://")
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if c.AxisURL != "" && !strings.HasPrefix(c.AxisURL, "https://") {
		return errors.New("KYSO_AXIS_URL must start with https:// (the axis authenticates agencies by TLS client certificate)")
	}
	if c.AxisCAFile != "" {
		if _, err := c.axisRoots(); err != nil {
			return err
		}
	}
	return c.validateSMTP()
}
