package keys

import (
	"bytes"
	"fmt"
	"os"
)

// Environment variables that carry secrets into kyso.
const (
	// EnvPassphrase holds the passphrase of key files.
	EnvPassphrase = "KYSO_KEY_PASSPHRASE"
	// EnvPassphraseFile names a file holding the passphrase of key files.
	EnvPassphraseFile = "KYSO_KEY_PASSPHRASE_FILE"
	// EnvPKCS11PIN holds the user PIN of PKCS#11 tokens.
	EnvPKCS11PIN = "KYSO_PKCS11_PIN"
)

// MinPassphraseLen is the shortest passphrase WriteEncrypted accepts. The
// KDF slows guessing down but cannot rescue a short passphrase.
const MinPassphraseLen = 12

// PassphraseFromEnv returns the key passphrase from KYSO_KEY_PASSPHRASE, or
// from the file KYSO_KEY_PASSPHRASE_FILE names (one trailing newline
// trimmed, so `echo secret > file` works).
func PassphraseFromEnv() ([]byte, error) {
	direct, file := os.Getenv(EnvPassphrase), os.Getenv(EnvPassphraseFile)
	switch {
	case direct != "" && file != "":
		return nil, fmt.Errorf("keys: both %s and %s are set; unset one of them", EnvPassphrase, EnvPassphraseFile)
	case direct != "":
		return []byte(direct), nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("keys: read the passphrase file named by %s: %w", EnvPassphraseFile, err)
		}
		b = bytes.TrimSuffix(b, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		if len(b) == 0 {
			return nil, fmt.Errorf("keys: the passphrase file %s (from %s) is empty; write the passphrase into it", file, EnvPassphraseFile)
		}
		return b, nil
	}
	return nil, fmt.Errorf("keys: no key passphrase given; set %s, or set %s to the path of a file that holds it (mode 0600)", EnvPassphrase, EnvPassphraseFile)
}

func checkNewPassphrase(p []byte) error {
	if len(p) < MinPassphraseLen {
		return errorOf(ErrShortPassphrase, "keys: the passphrase has %d bytes; key files need at least %d: choose a longer one (a few random words work well)", len(p), MinPassphraseLen)
	}
	return nil
}
