package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/pki"
)

// passphraseFile holds the key passphrase that kyso init generates when the
// operator gave none. Keeping it beside the keys protects them only as well
// as the data directory itself; production sets KYSO_KEY_PASSPHRASE_FILE to
// a file elsewhere (or keeps the CA keys in an HSM).
const passphraseFile = "secrets/key-passphrase"

// keyPassphrase finds the passphrase that decrypts file keys: the
// environment first, then the file init generated.
func (c *Config) keyPassphrase() ([]byte, error) {
	if os.Getenv("KYSO_KEY_PASSPHRASE") != "" || os.Getenv("KYSO_KEY_PASSPHRASE_FILE") != "" {
		return keys.PassphraseFromEnv()
	}
	b, err := os.ReadFile(filepath.Join(c.DataDir, passphraseFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no key passphrase: set KYSO_KEY_PASSPHRASE_FILE (or KYSO_KEY_PASSPHRASE) to the passphrase the CA keys were created with")
	}
	if err != nil {
		return nil, fmt.Errorf("read the key passphrase: %w", err)
	}
	return trimNewline(b), nil
}

// newKeyPassphrase returns the passphrase for a new installation: the
// operator's, or a generated one written under dir.
func (c *Config) newKeyPassphrase(dir string) ([]byte, bool, error) {
	if os.Getenv("KYSO_KEY_PASSPHRASE") != "" || os.Getenv("KYSO_KEY_PASSPHRASE_FILE") != "" {
		p, err := keys.PassphraseFromEnv()
		return p, false, err
	}
	p := []byte(password.Generate() + password.Generate())
	path := filepath.Join(dir, passphraseFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	if err := os.WriteFile(path, append(p, '\n'), 0o600); err != nil {
		return nil, false, err
	}
	return p, true, nil
}

func (c *Config) pkiConfig(dataDir string, pass []byte) pki.Config {
	return pki.Config{DataDir: dataDir, PublicURL: c.PublicURL, Passphrase: pass}
}

func trimNewline(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
