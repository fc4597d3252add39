package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// testPass is long enough for WriteEncrypted and distinctive enough to
// search error messages for.
const testPass = "kyso-test-passphrase-XYZZY"

type onceKey struct {
	once sync.Once
	key  crypto.Signer
	err  error
}

var keyCache sync.Map // Algorithm → *onceKey

// testKey returns one generated key per algorithm for the whole test run:
// RSA-4096 generation is slow, and the key itself is not under test.
func testKey(t testing.TB, alg Algorithm) crypto.Signer {
	t.Helper()
	v, _ := keyCache.LoadOrStore(alg, &onceKey{})
	k := v.(*onceKey)
	k.once.Do(func() { k.key, k.err = Generate(alg) })
	if k.err != nil {
		t.Fatalf("Generate(%s): %v", alg, k.err)
	}
	return k.key
}

// writeTestKey stores the test key for alg encrypted in a fresh directory.
func writeTestKey(t testing.TB, alg Algorithm) (string, crypto.Signer) {
	t.Helper()
	key := testKey(t, alg)
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := WriteEncrypted(path, key, []byte(testPass)); err != nil {
		t.Fatalf("WriteEncrypted: %v", err)
	}
	return path, key
}

// checkSigns signs a SHA-256 digest with key in every way kyso uses and
// verifies each signature against pub.
func checkSigns(t *testing.T, key crypto.Signer, pub crypto.PublicKey) {
	t.Helper()
	digest := sha256.Sum256([]byte("kyso: ký số cho cơ quan nhà nước"))
	switch pub := pub.(type) {
	case *rsa.PublicKey:
		sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			t.Fatalf("sign PKCS#1 v1.5: %v", err)
		}
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
			t.Errorf("verify PKCS#1 v1.5: %v", err)
		}
		for _, salt := range []int{rsa.PSSSaltLengthEqualsHash, rsa.PSSSaltLengthAuto} {
			opts := &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: salt}
			sig, err := key.Sign(rand.Reader, digest[:], opts)
			if err != nil {
				t.Fatalf("sign PSS (salt %d): %v", salt, err)
			}
			verify := &rsa.PSSOptions{Hash: crypto.SHA256, SaltLength: rsa.PSSSaltLengthAuto}
			if err := rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, verify); err != nil {
				t.Errorf("verify PSS (salt %d): %v", salt, err)
			}
		}
	case *ecdsa.PublicKey:
		sig, err := key.Sign(rand.Reader, digest[:], crypto.SHA256)
		if err != nil {
			t.Fatalf("sign ECDSA: %v", err)
		}
		if !ecdsa.VerifyASN1(pub, digest[:], sig) {
			t.Errorf("ECDSA signature does not verify")
		}
	default:
		t.Fatalf("unexpected public key %T", pub)
	}
}

// needOpenSSL returns the openssl binary or skips the test.
func needOpenSSL(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/openssl"} {
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("openssl"); err == nil {
		return p
	}
	t.Skip("openssl not found (looked for /usr/bin/openssl and in PATH); install it (apt-get install openssl) to check compatibility")
	return ""
}

var bg = context.Background()
