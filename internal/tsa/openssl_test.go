package tsa

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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

// openssl runs OpenSSL in dir and returns its output; it fails the test if
// OpenSSL fails, unless mayFail.
func openssl(t *testing.T, dir string, mayFail bool, args ...string) string {
	t.Helper()
	cmd := exec.Command(opensslPath, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil && !mayFail {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// postQuery POSTs the query file dir/in to url and writes the answer to
// dir/out; it returns the HTTP status.
func postQuery(t *testing.T, url, dir, in, out string) int {
	t.Helper()
	q, err := os.ReadFile(filepath.Join(dir, in))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(url, "application/timestamp-query", bytes.NewReader(q))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/timestamp-reply" {
		t.Fatalf("content type %q", ct)
	}
	if err := os.WriteFile(filepath.Join(dir, out), body, 0o600); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
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

func TestOpenSSLVerifiesTokens(t *testing.T) {
	requireOpenSSL(t)
	for _, kind := range []string{"rsa2048", "p256"} {
		p := newTestPKI(t, kind)
		srv := httptest.NewServer(p.newAuthority(t))
		t.Cleanup(srv.Close)
		if err := os.WriteFile(filepath.Join(p.dir, "data.txt"), []byte("Công văn số 123/STTTT-VP\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, hash := range []string{"-sha256", "-sha512"} {
			for _, certReq := range []bool{true, false} {
				for _, nonce := range []bool{true, false} {
					name := fmt.Sprintf("%s/%s/cert=%v/nonce=%v", kind, hash[1:], certReq, nonce)
					t.Run(name, func(t *testing.T) {
						dir := p.dir
						args := []string{"ts", "-query", "-data", "data.txt", hash, "-out", "q.tsq"}
						if certReq {
							args = append(args, "-cert")
						}
						if !nonce {
							args = append(args, "-no_nonce")
						}
						openssl(t, dir, false, args...)
						if code := postQuery(t, srv.URL, dir, "q.tsq", "r.tsr"); code != http.StatusOK {
							t.Fatalf("HTTP %d", code)
						}
						reply := openssl(t, dir, false, "ts", "-reply", "-in", "r.tsr", "-text")
						t.Logf("openssl ts -reply -in r.tsr -text:\n%s", reply)
						mustContain(t, "reply", reply,
							"Status: Granted.",
							"Policy OID: "+DefaultPolicy().String(),
							"Accuracy: 0x01 seconds, unspecified millis, unspecified micros",
							"Ordering: no",
							"TSA: DirName:/C=VN/O=kyso test/CN=kyso test TSA "+kind)
						if nonce {
							mustContain(t, "reply", reply, "Nonce: 0x")
						} else {
							mustContain(t, "reply", reply, "Nonce: unspecified")
						}

						// The brief's command: the TSA certificate as an
						// untrusted helper, the root as the trust anchor.
						verify := openssl(t, dir, false, "ts", "-verify", "-in", "r.tsr", "-queryfile", "q.tsq",
							"-CAfile", "root.pem", "-untrusted", "tsa.pem")
						t.Logf("openssl ts -verify -in r.tsr -queryfile q.tsq -CAfile root.pem -untrusted tsa.pem:\n%s", verify)
						mustContain(t, "verify", verify, "Verification: OK")
						if certReq {
							// The token must stand on its own certificates.
							verify = openssl(t, dir, false, "ts", "-verify", "-in", "r.tsr", "-queryfile", "q.tsq", "-CAfile", "root.pem")
							mustContain(t, "verify without -untrusted", verify, "Verification: OK")
						} else {
							// Without certificates in the token or at hand,
							// there is nothing to verify with.
							out := openssl(t, dir, true, "ts", "-verify", "-in", "r.tsr", "-queryfile", "q.tsq", "-CAfile", "root.pem")
							if strings.Contains(out, "Verification: OK") {
								t.Errorf("a certificate-less token verified without the TSA certificate:\n%s", out)
							}
						}
						// Verification means something: other data fails.
						if err := os.WriteFile(filepath.Join(dir, "other.txt"), []byte("Công văn số 124/STTTT-VP\n"), 0o600); err != nil {
							t.Fatal(err)
						}
						out := openssl(t, dir, true, "ts", "-verify", "-in", "r.tsr", "-data", "other.txt",
							"-CAfile", "root.pem", "-untrusted", "tsa.pem")
						if strings.Contains(out, "Verification: OK") || !strings.Contains(out, "message imprint mismatch") {
							t.Errorf("verifying against other data did not fail on the imprint:\n%s", out)
						}
					})
				}
			}
		}
		t.Run(kind+"/signingCertificateV2", func(t *testing.T) {
			openssl(t, p.dir, false, "ts", "-query", "-data", "data.txt", "-sha256", "-cert", "-out", "q.tsq")
			postQuery(t, srv.URL, p.dir, "q.tsq", "r.tsr")
			openssl(t, p.dir, false, "ts", "-reply", "-in", "r.tsr", "-token_out", "-out", "token.der")
			cms := openssl(t, p.dir, false, "cms", "-cmsout", "-print", "-inform", "DER", "-in", "token.der")
			mustContain(t, "token", cms,
				"eContentType: id-smime-ct-TSTInfo",
				"object: id-smime-aa-signingCertificateV2",
				"object: contentType",
				"object: messageDigest")
			if strings.Contains(cms, "signingTime") {
				t.Errorf("token has a signingTime attribute:\n%s", cms)
			}
		})
	}
}

func TestOpenSSLSeesRejections(t *testing.T) {
	requireOpenSSL(t)
	p := newTestPKI(t, "p256")
	srv := httptest.NewServer(p.newAuthority(t))
	defer srv.Close()
	if err := os.WriteFile(filepath.Join(p.dir, "data.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		query []string
		want  []string
	}{
		{"SHA-1", []string{"-sha1"}, []string{"unrecognized or unsupported algorithm identifier", "SHA-1"}},
		{"MD5", []string{"-md5"}, []string{"unrecognized or unsupported algorithm identifier", "MD5"}},
		{"foreign policy", []string{"-sha256", "-tspolicy", "1.2.3.4"}, []string{"the requested TSA policy is not supported by the TSA", "not 1.2.3.4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			openssl(t, p.dir, false, append([]string{"ts", "-query", "-data", "data.txt", "-out", "q.tsq"}, tt.query...)...)
			if code := postQuery(t, srv.URL, p.dir, "q.tsq", "r.tsr"); code != http.StatusOK {
				t.Fatalf("HTTP %d, want 200 with a rejection", code)
			}
			reply := openssl(t, p.dir, false, "ts", "-reply", "-in", "r.tsr", "-text")
			t.Logf("openssl ts -reply -in r.tsr -text:\n%s", reply)
			mustContain(t, "reply", reply, append([]string{"Status: Rejected"}, tt.want...)...)
		})
	}
	t.Run("own policy", func(t *testing.T) {
		openssl(t, p.dir, false, "ts", "-query", "-data", "data.txt", "-sha384", "-tspolicy", DefaultPolicy().String(), "-out", "q.tsq")
		postQuery(t, srv.URL, p.dir, "q.tsq", "r.tsr")
		mustContain(t, "verify", openssl(t, p.dir, false, "ts", "-verify", "-in", "r.tsr", "-queryfile", "q.tsq",
			"-CAfile", "root.pem", "-untrusted", "tsa.pem"), "Verification: OK")
	})
}
