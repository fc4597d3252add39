package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/youmark/pkcs8"
)

// KDF parameters for new key files: PBKDF2-HMAC-SHA256 at OWASP's 2023
// figure. scrypt would resist GPUs better, but at N=2^15 r=8 it needs just
// over the 32 MiB openssl allows scrypt by default, and operators must be
// able to read their keys with stock openssl.
const (
	kdfIterations = 600_000
	kdfSaltLen    = 16
)

// encryptOpts is how kyso encrypts keys at rest.
var encryptOpts = &pkcs8.Opts{
	Cipher: pkcs8.AES256CBC,
	KDFOpts: pkcs8.PBKDF2Opts{
		SaltSize:       kdfSaltLen,
		IterationCount: kdfIterations,
		HMACHash:       crypto.SHA256,
	},
}

// testHookBeforeLink, when set by a test, runs after the temporary file is
// complete and before it takes its final name.
var testHookBeforeLink func()

// WriteEncrypted stores a software key at path as encrypted PKCS#8 PEM,
// readable by Open and by `openssl pkey`. It never overwrites an existing
// file and never leaves a partial one: the key is written to a temporary
// file (mode 0600) in the same directory, synced, and then given its name.
func WriteEncrypted(path string, key crypto.Signer, passphrase []byte) error {
	if err := checkNewPassphrase(passphrase); err != nil {
		return err
	}
	switch key.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
	default:
		return fmt.Errorf("keys: write %s: a %T cannot be written to a file; only software keys can, and keys in a token never leave it", path, key)
	}
	if err := checkUsable("the key to write", key.Public()); err != nil {
		return err
	}
	// Fail early and cheaply, before the slow KDF; the final link below is
	// what really guards against overwriting.
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("keys: write %s: the directory %s does not exist; create it (mode 0700) first: %w", path, filepath.Dir(path), fs.ErrNotExist)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("keys: write %s: the file already exists; kyso never overwrites a key file: choose another name or move the old file away: %w", path, fs.ErrExist)
	}

	der, err := pkcs8.MarshalPrivateKey(key, passphrase, encryptOpts)
	if err != nil {
		return fmt.Errorf("keys: write %s: encrypt the key: %w", path, err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: pemEncryptedPKCS8, Bytes: der})

	// Read back what we are about to store: a CA key that cannot be opened
	// again is a CA lost, so a writer bug must fail here, not next year.
	back, err := parseKeyFile(path, data, options{passphrase: passphrase})
	if err != nil {
		return fmt.Errorf("keys: write %s: the encrypted key did not read back; nothing was written: %w", path, err)
	}
	if !samePublic(back.Public(), key.Public()) {
		return fmt.Errorf("keys: write %s: the encrypted key read back as a different key; nothing was written", path)
	}

	return writeNewFile(path, data)
}

func samePublic(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// writeNewFile atomically creates path with data, mode 0600, refusing to
// replace an existing file.
func writeNewFile(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("keys: write %s: %w; check that the directory exists and is writable", path, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if tmp != nil {
			_ = tmp.Close()
		}
		if err != nil {
			_ = os.Remove(tmpName)
		}
	}()

	// CreateTemp already uses 0600; Chmod states it and survives odd umasks.
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("keys: write %s: %w", path, err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("keys: write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("keys: write %s: sync: %w", path, err)
	}
	err = tmp.Close()
	tmp = nil
	if err != nil {
		return fmt.Errorf("keys: write %s: %w", path, err)
	}

	if testHookBeforeLink != nil {
		testHookBeforeLink()
	}
	// A hard link, unlike rename, fails if the name is taken, so a key
	// created meanwhile by someone else is never replaced.
	if err = os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("keys: write %s: the file already exists; kyso never overwrites a key file: choose another name or move the old file away: %w", path, fs.ErrExist)
		}
		return fmt.Errorf("keys: write %s: %w; the key directory must be on a filesystem with hard links (ext4, xfs, btrfs)", path, err)
	}
	if rmErr := os.Remove(tmpName); rmErr != nil {
		return fmt.Errorf("keys: wrote %s, but could not remove the temporary copy %s: %w; delete it by hand", path, tmpName, rmErr)
	}
	if err = syncDir(dir); err != nil {
		return fmt.Errorf("keys: wrote %s, but could not sync its directory, so a crash now could lose it: %w", path, err)
	}
	return nil
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
