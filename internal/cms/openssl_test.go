package cms

import (
	"bytes"
	"context"
	"crypto"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// opensslPath is where Debian's openssl package installs the tool.
const opensslPath = "/usr/bin/openssl"

// requireOpenSSL skips the test when OpenSSL is not installed.
func requireOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(opensslPath); err != nil {
		t.Skipf("skipping OpenSSL interoperability test: %s is missing (install the Debian package openssl): %v", opensslPath, err)
	}
}

// haveOpenSSL reports whether OpenSSL is installed, for tests that check
// with it when they can but are about something else.
func haveOpenSSL() bool {
	_, err := os.Stat(opensslPath)
	return err == nil
}

// openssl runs OpenSSL in dir and returns its combined output; it fails the
// test if OpenSSL fails.
func openssl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(opensslPath, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// opensslVerify has OpenSSL verify a detached .p7s over content against
// the root, and checks what it says and what it hands back.
func opensslVerify(t *testing.T, p *testPKI, p7s, content []byte) string {
	t.Helper()
	write(t, p.dir, "sig.p7s", p7s)
	write(t, p.dir, "document.pdf", content)
	out := openssl(t, p.dir, "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s",
		"-content", "document.pdf", "-CAfile", "root.pem", "-purpose", "any", "-out", "verified.out")
	mustContain(t, "openssl cms -verify", out, "Verification successful")
	got, err := os.ReadFile(filepath.Join(p.dir, "verified.out"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Error("openssl cms -verify output differs from the content")
	}
	return out
}

// write writes data to dir/name.
func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// mustContain fails the test unless out contains every one of want.
func mustContain(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, out)
		}
	}
}

// TestOpenSSLVerifies signs the SHA-2 digest of a file with RSA and ECDSA
// keys under root → CA → signer and has OpenSSL verify the .p7s, signed
// attributes included, and print them.
func TestOpenSSLVerifies(t *testing.T) {
	requireOpenSSL(t)
	signingTime := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, kind string
		opts       Options
		sigAlg     string // as openssl cms -print names it
	}{
		{"RSA-2048 SHA-256", "rsa2048", Options{}, "rsaEncryption"},
		{"RSA-2048 SHA-512", "rsa2048", Options{Hash: crypto.SHA512}, "rsaEncryption"},
		{"P-256 SHA-256", "p256", Options{}, "ecdsa-with-SHA256"},
		{"P-384 SHA-384", "p384", Options{Hash: crypto.SHA384}, "ecdsa-with-SHA384"},
		{"RSA-2048 with signing-time", "rsa2048", Options{SigningTime: signingTime}, "rsaEncryption"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPKI(t, tc.kind)
			content := []byte("%PDF-1.7\n% Công văn số 12/UBND\n" + strings.Repeat("nội dung ", 1000))
			h := tc.opts.Hash
			if h == 0 {
				h = crypto.SHA256
			}
			der, err := SignDetached(context.Background(), digestOf(h, content), p.key, p.signerInfo(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			out := opensslVerify(t, p, der, content)
			t.Logf("openssl cms -verify: %s", strings.TrimSpace(out))

			printed := openssl(t, p.dir, "cms", "-cmsout", "-print", "-inform", "DER", "-in", "sig.p7s")
			mustContain(t, "openssl cms -cmsout -print", printed,
				"signingCertificateV2", "messageDigest", "contentType", tc.sigAlg, "CN=kyso test CA", "CN=Nguy")
			if withTime := strings.Contains(printed, "signingTime"); withTime != !tc.opts.SigningTime.IsZero() {
				t.Errorf("signingTime printed: %v, asked for: %v", withTime, !tc.opts.SigningTime.IsZero())
			}
			if tc.name == "RSA-2048 SHA-256" || tc.name == "P-256 SHA-256" {
				t.Logf("openssl cms -cmsout -print, signer info:\n%s", signerInfoPart(printed))
			}

			// And kyso's own parser agrees.
			s, err := Parse(der)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.VerifyDetached(digestOf(h, content)); err != nil {
				t.Fatal(err)
			}
			if !s.SigningTime.Equal(tc.opts.SigningTime) {
				t.Errorf("SigningTime %v, want %v", s.SigningTime, tc.opts.SigningTime)
			}
		})
	}
}

// signerInfoPart cuts the signerInfos section out of openssl cms -print.
func signerInfoPart(printed string) string {
	if i := strings.Index(printed, "signerInfos:"); i >= 0 {
		printed = printed[i:]
	}
	var keep []string
	for _, l := range strings.Split(printed, "\n") {
		// Hex dumps of the signature are long and say nothing.
		if len(strings.TrimSpace(l)) > 0 && !strings.HasPrefix(strings.TrimSpace(l), "00") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
