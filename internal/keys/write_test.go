package keys

import (
	"crypto"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteEncryptedRefuses(t *testing.T) {
	key := testKey(t, ECDSAP256)
	existing := filepath.Join(t.TempDir(), "existing.pem")
	if err := os.WriteFile(existing, []byte("the old key"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		key  crypto.Signer
		pass string
		is   error
		want string
	}{
		{"short passphrase", filepath.Join(t.TempDir(), "k.pem"), key, "elevenbytes", ErrShortPassphrase, "at least 12"},
		{"empty passphrase", filepath.Join(t.TempDir(), "k.pem"), key, "", ErrShortPassphrase, "at least 12"},
		{"existing file", existing, key, testPass, fs.ErrExist, "already exists"},
		{"missing directory", filepath.Join(t.TempDir(), "no", "such", "k.pem"), key, testPass, fs.ErrNotExist, "does not exist; create it"},
		{"token key", filepath.Join(t.TempDir(), "k.pem"), opaqueSigner{key}, testPass, nil, "only software keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteEncrypted(tt.path, tt.key, []byte(tt.pass))
			if err == nil {
				t.Fatal("WriteEncrypted succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not match %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if tt.pass != "" && strings.Contains(err.Error(), tt.pass) {
				t.Errorf("error %q contains the passphrase", err)
			}
			assertNoTempFiles(t, filepath.Dir(tt.path))
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "the old key" {
		t.Errorf("the existing file was changed to %q", b)
	}
}

// TestWriteEncryptedRace: a file that appears while the key is being
// written is kept, and the temporary file is removed.
func TestWriteEncryptedRace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ca.pem")
	testHookBeforeLink = func() {
		if err := os.WriteFile(path, []byte("someone else's key"), 0o600); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() { testHookBeforeLink = nil })

	err := WriteEncrypted(path, testKey(t, ECDSAP256), []byte(testPass))
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("WriteEncrypted = %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "someone else's key" {
		t.Errorf("the other file was replaced by %q", b)
	}
	assertNoTempFiles(t, dir)
}

func TestWriteEncryptedLeavesOnlyTheKey(t *testing.T) {
	path, _ := writeTestKey(t, ECDSAP384)
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "key.pem" {
		t.Errorf("directory holds %v, want only key.pem", entries)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // the directory does not exist, so neither do temp files
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// opaqueSigner stands in for a key in a token: it signs but is not a
// software key type.
type opaqueSigner struct{ crypto.Signer }

func (s opaqueSigner) Sign(r io.Reader, d []byte, o crypto.SignerOpts) ([]byte, error) {
	return s.Signer.Sign(r, d, o)
}
