package ocsp

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"
)

const opensslPath = "/usr/bin/openssl"

func requireOpenSSL(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(opensslPath); err != nil {
		t.Skipf("skipping: this test runs the OpenSSL command line and %s is missing (apt-get install openssl)", opensslPath)
	}
}

// openssl runs the OpenSSL command line in dir and returns its output.
func openssl(t testing.TB, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, opensslPath, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// keyLines returns the lines of OpenSSL's output worth showing in a log.
func keyLines(out string) string {
	var keep []string
	seen := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		s := strings.TrimSpace(l)
		if seen[s] {
			continue
		}
		seen[s] = true
		for _, p := range []string{"Response verify", "WARNING", ".pem:", "0x", "Reason:", "Revocation Time:", "OCSP Nonce", "Cert Status:", "Responder Id:", "This Update:", "Next Update:", "Signature Algorithm:", "Hash Algorithm:"} {
			if strings.HasPrefix(s, p) || strings.Contains(s, ": good") || strings.Contains(s, ": revoked") || strings.Contains(s, ": unknown") {
				keep = append(keep, s)
				break
			}
		}
	}
	return strings.Join(keep, "\n")
}

func expectLines(t *testing.T, out string, want []string, notWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("openssl output lacks %q:\n%s", w, out)
		}
	}
	for _, w := range notWant {
		if strings.Contains(out, w) {
			t.Errorf("openssl output contains %q:\n%s", w, out)
		}
	}
}

// TestOpenSSLClient checks the responder against the OpenSSL OCSP client,
// over HTTP on 127.0.0.1, for RSA and ECDSA PKIs.
func TestOpenSSLClient(t *testing.T) {
	requireOpenSSL(t)
	for _, kind := range []string{"rsa", "ecdsa"} {
		t.Run(kind, func(t *testing.T) {
			// OpenSSL checks thisUpdate and nextUpdate against the real time.
			f := newFixture(t, kind, WithClock(time.Now))
			mux := http.NewServeMux()
			h := http.StripPrefix("/ocsp", f.r)
			mux.Handle("/ocsp", h)
			mux.Handle("/ocsp/", h)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			ocspURL := srv.URL + "/ocsp"
			dir := f.pki.dir
			query := func(leaf string, extra ...string) string {
				args := append([]string{"ocsp", "-issuer", fileCA, "-cert", leaf, "-url", ocspURL,
					"-CAfile", fileChain, "-resp_text"}, extra...)
				out := openssl(t, dir, args...)
				t.Logf("openssl %s\n%s", strings.Join(args, " "), keyLines(out))
				return out
			}

			t.Run("good with nonce", func(t *testing.T) {
				before := f.src.lookups.Load()
				out := query(leafFile(0))
				expectLines(t, out, []string{"leaf1.pem: good", "Response verify OK", "OCSP Nonce:"},
					[]string{"WARNING: no nonce in response", "WARNING: nonce verify error"})
				if f.src.lookups.Load() != before+1 || f.r.cache.len() != 0 {
					t.Error("nonce request was not signed fresh, or was cached")
				}
			})
			t.Run("good without nonce, cached", func(t *testing.T) {
				before := f.src.lookups.Load()
				for range 2 {
					expectLines(t, query(leafFile(0), "-no_nonce"), []string{"leaf1.pem: good", "Response verify OK"}, []string{"OCSP Nonce:"})
				}
				if got := f.src.lookups.Load() - before; got != 1 {
					t.Errorf("%d lookups for two -no_nonce queries, want 1", got)
				}
			})
			t.Run("revoked after Invalidate", func(t *testing.T) {
				revokedAt := time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
				f.src.set(f.pki.leaves[0].SerialNumber, Entry{Status: Revoked, RevokedAt: revokedAt, Reason: xocsp.KeyCompromise})
				if err := f.r.Invalidate(context.Background(), f.pki.leaves[0].SerialNumber); err != nil {
					t.Fatal(err)
				}
				want := []string{"leaf1.pem: revoked", "Reason: keyCompromise",
					"Revocation Time: " + revokedAt.Format("Jan _2 15:04:05 2006 GMT"), "Response verify OK"}
				before := f.src.lookups.Load()
				expectLines(t, query(leafFile(0), "-no_nonce"), want, nil)
				if f.src.lookups.Load() != before {
					t.Error("revoked response was not served from the cache")
				}
				expectLines(t, query(leafFile(0)), want, []string{"WARNING: no nonce in response"})
			})
			t.Run("unknown serial", func(t *testing.T) {
				args := []string{"ocsp", "-issuer", fileCA, "-serial", "0x4b59534f", "-url", ocspURL, "-CAfile", fileChain, "-resp_text"}
				out := openssl(t, dir, args...)
				t.Logf("openssl %s\n%s", strings.Join(args, " "), keyLines(out))
				expectLines(t, out, []string{"0x4b59534f: unknown", "Response verify OK"}, nil)
			})
			t.Run("GET", func(t *testing.T) {
				openssl(t, dir, "ocsp", "-issuer", fileCA, "-cert", leafFile(1), "-no_nonce", "-reqout", "req.der")
				der, err := os.ReadFile(filepath.Join(dir, "req.der"))
				if err != nil {
					t.Fatal(err)
				}
				getURL := ocspURL + "/" + url.PathEscape(base64.StdEncoding.EncodeToString(der))
				resp, err := srv.Client().Get(getURL)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: HTTP %d", getURL, resp.StatusCode)
				}
				t.Logf("GET %s\nCache-Control: %s\nETag: %s\nLast-Modified: %s", getURL,
					resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"))
				if err := os.WriteFile(filepath.Join(dir, "resp.der"), body, 0o644); err != nil {
					t.Fatal(err)
				}
				args := []string{"ocsp", "-issuer", fileCA, "-cert", leafFile(1), "-respin", "resp.der", "-CAfile", fileChain, "-resp_text", "-no_nonce"}
				out := openssl(t, dir, args...)
				t.Logf("openssl %s\n%s", strings.Join(args, " "), keyLines(out))
				expectLines(t, out, []string{"leaf2.pem: good", "Response verify OK"}, nil)
			})
		})
	}
}
