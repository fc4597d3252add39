package keys

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenSSLReadsOurKeys is the promise that operators can always read
// kyso's key files with stock tools.
func TestOpenSSLReadsOurKeys(t *testing.T) {
	openssl := needOpenSSL(t)
	for _, alg := range Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			path, key := writeTestKey(t, alg)
			out, err := exec.Command(openssl, "pkey", "-in", path, "-passin", "pass:"+testPass, "-pubout").Output()
			if err != nil {
				t.Fatalf("openssl pkey: %v\n%s", err, stderrOf(err))
			}
			spki, err := x509.MarshalPKIXPublicKey(key.Public())
			if err != nil {
				t.Fatal(err)
			}
			want := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})
			if !bytes.Equal(out, want) {
				t.Errorf("openssl's public key differs from ours:\n%s\nwant\n%s", out, want)
			}
		})
	}
}

// TestOpenSSLShowsOurKDF checks the parameters that reach the file.
func TestOpenSSLShowsOurKDF(t *testing.T) {
	openssl := needOpenSSL(t)
	path, _ := writeTestKey(t, ECDSAP256)
	out, err := exec.Command(openssl, "asn1parse", "-in", path).Output()
	if err != nil {
		t.Fatalf("openssl asn1parse: %v\n%s", err, stderrOf(err))
	}
	for _, want := range []string{"PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc", "INTEGER           :0927C0"} { // 0x927C0 = 600000
		if !strings.Contains(string(out), want) {
			t.Errorf("asn1parse output lacks %q:\n%s", want, out)
		}
	}
}

// TestOpenKeysFromOpenSSL reads keys the way operators will bring them.
func TestOpenKeysFromOpenSSL(t *testing.T) {
	openssl := needOpenSSL(t)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.pem")
	run(t, openssl, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", plain)
	plainKey, err := Open(bg, plain, AllowUnencrypted())
	if err != nil {
		t.Fatalf("open openssl's unencrypted key: %v", err)
	}

	conv := func(name string, args ...string) string {
		out := filepath.Join(dir, name)
		run(t, openssl, append([]string{"pkcs8", "-topk8", "-in", plain, "-out", out, "-passout", "pass:" + testPass}, args...)...)
		return out
	}
	tests := []struct {
		name    string
		path    string
		wantErr string // "" if it must open
	}{
		{"our hint command", conv("hint.pem", strings.Fields(encryptCommand)[3:9]...), ""},
		{"openssl default", conv("default.pem"), ""},
		{"scrypt", conv("scrypt.pem", "-scrypt"), ""},
		{"aes-128-cbc sha1", conv("aes128.pem", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"), ""},
		{"des3", conv("des3.pem", "-v2", "des3"), "not AES-CBC"},
		{"pbes1", conv("pbes1.pem", "-v1", "PBE-SHA1-3DES"), "not PBES2"},
		{"legacy pem", legacy(t, openssl, plain, dir), "legacy OpenSSL PEM encryption"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := Open(bg, tt.path, WithPassphrase([]byte(testPass)))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open = %v, want error containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), "openssl pkcs8") {
					t.Errorf("error %q should say how to convert the key", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !samePublic(key.Public(), plainKey.Public()) {
				t.Error("opened a different key")
			}
			_, err = Open(bg, tt.path, WithPassphrase([]byte("wrong passphrase!")))
			if !errors.Is(err, ErrWrongPassphrase) {
				t.Errorf("wrong passphrase: got %v, want ErrWrongPassphrase", err)
			}
		})
	}
}

func legacy(t *testing.T, openssl, in, dir string) string {
	out := filepath.Join(dir, "legacy.pem")
	run(t, openssl, "ec", "-in", in, "-aes256", "-passout", "pass:"+testPass, "-out", out)
	if b, _ := os.ReadFile(out); !bytes.Contains(b, []byte("Proc-Type: 4,ENCRYPTED")) {
		t.Fatalf("openssl did not write a legacy encrypted key:\n%s", b)
	}
	return out
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func stderrOf(err error) []byte {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.Stderr
	}
	return nil
}
