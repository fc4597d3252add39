package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenFileErrors covers every way a key file can be wrong. Each error
// must name the problem, match its sentinel where there is one, and never
// contain the passphrase.
func TestOpenFileErrors(t *testing.T) {
	good, _ := writeTestKey(t, ECDSAP256)
	goodPEM, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pkcs8DER, _ := x509.MarshalPKCS8PrivateKey(testKey(t, ECDSAP256))
	plainPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8DER})
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	weakPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(weak)})
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	p224DER, _ := x509.MarshalECPrivateKey(p224)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{0x30, 0}})

	// Flip one byte of the ciphertext near the end: the structure stays
	// valid, so only decryption can notice.
	damaged := []byte(strings.Clone(string(goodPEM)))
	lines := strings.Split(string(damaged), "\n")
	last := []byte(lines[len(lines)-3])
	// Swap one base64 character for another valid one: the PEM still
	// decodes, the ciphertext is damaged. (Flipping a bit could leave the
	// alphabet, e.g. '+' to '*', and the test would then check the PEM
	// decoder instead, in some runs only.)
	if last[5] == 'A' {
		last[5] = 'B'
	} else {
		last[5] = 'A'
	}
	lines[len(lines)-3] = string(last)
	damaged = []byte(strings.Join(lines, "\n"))

	pass := WithPassphrase([]byte(testPass))
	tests := []struct {
		name string
		uri  string
		opts []Option
		is   error  // sentinel the error must match, if any
		want string // text the error must contain
	}{
		{"missing file", filepath.Join(dir, "nope.pem"), []Option{pass}, fs.ErrNotExist, "does not exist"},
		{"wrong passphrase", good, []Option{WithPassphrase([]byte("not the passphrase"))}, ErrWrongPassphrase, "wrong passphrase"},
		{"no passphrase", good, nil, nil, "no passphrase was given; set KYSO_KEY_PASSPHRASE, or set KYSO_KEY_PASSPHRASE_FILE"},
		{"damaged ciphertext", file("damaged.pem", damaged), []Option{pass}, ErrWrongPassphrase, "damaged file"},
		{"truncated", file("trunc.pem", goodPEM[:len(goodPEM)/2]), []Option{pass}, nil, "not a PEM key file"},
		{"garbage", file("garbage.pem", []byte("\x00\x01 this is not a key \xff")), []Option{pass}, nil, "not a PEM key file"},
		{"empty", file("empty.pem", nil), []Option{pass}, nil, "not a PEM key file"},
		{"der", file("key.der", pkcs8DER), []Option{pass}, nil, "not a PEM key file"},
		{"certificate only", file("cert.pem", certPEM), []Option{pass}, nil, "no private key (found PEM blocks: CERTIFICATE)"},
		{"unencrypted", file("plain.pem", plainPEM), []Option{pass}, ErrUnencrypted, "is not encrypted; kyso stores keys encrypted at rest"},
		{"two keys", file("two.pem", append(append([]byte{}, goodPEM...), plainPEM...)), []Option{pass, AllowUnencrypted()}, nil, "more than one private key"},
		{"rsa1024", file("weak.pem", weakPEM), []Option{AllowUnencrypted()}, nil, "RSA-1024"},
		{"p224", file("p224.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: p224DER})), []Option{AllowUnencrypted()}, nil, "ECDSA P-224"},
		{"bad inner key", file("inner.pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x03, 0x02, 0x01, 0x00}})), []Option{AllowUnencrypted()}, nil, "cannot be read"},
		{"too large", file("big.pem", make([]byte, maxKeyFileSize+1)), []Option{pass}, nil, "not a key file"},
		{"directory", dir, []Option{pass}, nil, "read key file"},
		{"relative path", "keys/ca.pem", []Option{pass}, nil, "not absolute"},
		{"relative file uri", "file:keys/ca.pem", []Option{pass}, nil, "not absolute"},
		{"remote file uri", "file://ca.example/keys/ca.pem", []Option{pass}, nil, "must be local"},
		{"unknown scheme", "vault:secret/ca", []Option{pass}, nil, `scheme "vault" is not supported`},
		{"https scheme", "https://example.org/key.pem", []Option{pass}, nil, `scheme "https" is not supported`},
	}
	t.Setenv(EnvPassphrase, "")
	t.Setenv(EnvPassphraseFile, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(bg, tt.uri, tt.opts...)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not match %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "keys: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if strings.Contains(err.Error(), testPass) {
				t.Errorf("error %q contains the passphrase", err)
			}
		})
	}
}

// TestOpenPassphraseFromEnv: without WithPassphrase, Open asks the
// environment, and WithPassphrase wins over it.
func TestOpenPassphraseFromEnv(t *testing.T) {
	path, key := writeTestKey(t, ECDSAP256)
	passFile := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(passFile, []byte(testPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, direct, file string
		opts               []Option
		wantErr            error
	}{
		{"variable", testPass, "", nil, nil},
		{"file", "", passFile, nil, nil},
		{"wrong variable", "wrong passphrase!", "", nil, ErrWrongPassphrase},
		{"option wins", "wrong passphrase!", "", []Option{WithPassphrase([]byte(testPass))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvPassphrase, tt.direct)
			t.Setenv(EnvPassphraseFile, tt.file)
			got, err := Open(bg, path, tt.opts...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !samePublic(got.Public(), key.Public()) {
				t.Error("opened a different key")
			}
		})
	}
}

// TestOpenUnencryptedAllowed reads each clear-text format when allowed.
func TestOpenUnencryptedAllowed(t *testing.T) {
	ec := testKey(t, ECDSAP256).(*ecdsa.PrivateKey)
	rsaKey := testKey(t, RSA2048).(*rsa.PrivateKey)
	pkcs8DER, _ := x509.MarshalPKCS8PrivateKey(ec)
	sec1DER, _ := x509.MarshalECPrivateKey(ec)
	tests := []struct {
		name  string
		block *pem.Block
		key   crypto.Signer
	}{
		{"pkcs8", &pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8DER}, ec},
		{"sec1 after ec parameters", &pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1DER}, ec},
		{"pkcs1", &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)}, rsaKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := pem.EncodeToMemory(tt.block)
			// openssl ecparam -genkey writes the curve first; it must be skipped.
			data = append(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 8, 42, 134, 72, 206, 61, 3, 1, 7}}), data...)
			path := filepath.Join(t.TempDir(), "plain.pem")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(bg, path); !errors.Is(err, ErrUnencrypted) {
				t.Fatalf("without AllowUnencrypted: %v, want ErrUnencrypted", err)
			}
			got, err := Open(bg, path, AllowUnencrypted())
			if err != nil {
				t.Fatal(err)
			}
			if !samePublic(got.Public(), tt.key.Public()) {
				t.Error("opened a different key")
			}
		})
	}
}

// TestOpenCancelled honours a cancelled context before touching anything.
func TestOpenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if _, err := Open(ctx, "/nonexistent.pem"); err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("Open with cancelled context = %v", err)
	}
}
