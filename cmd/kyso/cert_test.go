package main

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func writeCSR(t *testing.T, path, cn string) {
	t.Helper()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: cn, Organization: []string{"Sở Nội vụ"}}}, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCertCommands(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed: apt-get install openssl")
	}
	t.Setenv("KYSO_DATABASE_URL", "")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if out, err := run(t, nil, "init", "--demo", "--data", data); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	chain, err := run(t, nil, "ca", "chain", "--data", data)
	if err != nil || strings.Count(chain, "BEGIN CERTIFICATE") != 2 {
		t.Fatalf("ca chain: %v\n%s", err, chain)
	}
	chainFile := filepath.Join(dir, "chain.pem")
	_ = os.WriteFile(chainFile, []byte(chain), 0o600)
	csr := filepath.Join(dir, "req.csr")
	writeCSR(t, csr, "Tạ Ngọc Yến")
	cert := filepath.Join(dir, "yen.pem")
	out, err := run(t, nil, "cert", "issue", "--data", data, "--csr", csr, "--profile", "personal", "--out", cert, "--agency", "000.00.09.H56")
	if err != nil {
		t.Fatalf("cert issue: %v\n%s", err, out)
	}
	v, err := exec.Command("openssl", "verify", "-CAfile", chainFile, cert).CombinedOutput()
	if err != nil || !strings.Contains(string(v), ": OK") {
		t.Fatalf("openssl verify against kyso ca chain: %v\n%s", err, v)
	}
	serial := strings.Fields(out[strings.Index(out, "serial"):])[1]

	// Bad input: a clear error, and no output file.
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"garbage CSR", []string{"--csr", chainFile, "--profile", "personal", "--out", filepath.Join(dir, "x1.pem")}, "PEM block is CERTIFICATE"},
		{"unknown profile", []string{"--csr", csr, "--profile", "banker", "--out", filepath.Join(dir, "x2.pem")}, "no certificate profile"},
		{"unknown agency", []string{"--csr", csr, "--profile", "personal", "--out", filepath.Join(dir, "x3.pem"), "--agency", "000.00.99.H56"}, "No agency has"},
		{"existing output", []string{"--csr", csr, "--profile", "personal", "--out", cert}, "exists"},
	}
	for _, b := range bad {
		out, err := run(t, nil, append([]string{"cert", "issue", "--data", data}, b.args...)...)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: err %v, want %q\n%s", b.name, err, b.want, out)
		}
		if b.name != "existing output" {
			if _, statErr := os.Stat(b.args[len(b.args)-1]); statErr == nil && strings.HasSuffix(b.args[len(b.args)-1], ".pem") {
				t.Errorf("%s: an output file was written", b.name)
			}
		}
	}
	for _, b := range []struct {
		args []string
		want string
	}{
		{[]string{"--serial", "abcdef12", "--reason", "keyCompromise"}, "no certificate with serial"},
		{[]string{"--serial", serial, "--reason", "boredom"}, "revocation reason \"boredom\" is not valid"},
	} {
		if _, err := run(t, nil, append([]string{"cert", "revoke", "--data", data}, b.args...)...); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("revoke %v: %v, want %q", b.args, err, b.want)
		}
	}
	if out, err := run(t, nil, "cert", "revoke", "--data", data, "--serial", serial, "--reason", "affiliationChanged"); err != nil {
		t.Fatalf("revoke: %v\n%s", err, out)
	}
	out, err = run(t, nil, "cert", "list", "--data", data, "--json", "--profile", "personal")
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("cert list --json: %v\n%s", err, out)
	}
	// The demo's leaders have personal certificates too; the revoked one
	// is listed as revoked.
	found := false
	for _, c := range list {
		found = found || (c["serial"] == serial && c["status"] == "revoked")
	}
	if !found {
		t.Fatalf("cert list --json: %s is not listed as revoked\n%s", serial, out)
	}
}

func TestRequestAndApproveCommands(t *testing.T) {
	t.Setenv("KYSO_DATABASE_URL", "")
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if out, err := run(t, nil, "init", "--demo", "--data", data); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	out, err := run(t, nil, "cert", "request", "--data", data, "--kind", "new", "--agency", "000.00.31.H56", "--user", "giamdoc.stttt", "--server-key")
	if err != nil {
		t.Fatalf("request: %v\n%s", err, out)
	}
	id := strings.Fields(out[strings.Index(out, "kyso cert approve"):])[3]
	if out, _ := run(t, nil, "cert", "requests", "--data", data, "--state", "pending"); !strings.Contains(out, id) || !strings.Contains(out, "Nguyễn Văn Đức") {
		t.Fatalf("requests:\n%s", out)
	}
	if _, err := run(t, nil, "cert", "reject", "--data", data, id); err == nil || !strings.Contains(err.Error(), "reason for rejecting") {
		t.Fatalf("reject without a note: %v", err)
	}
	out, err = run(t, nil, "cert", "approve", "--data", data, id)
	if err != nil || !strings.Contains(out, "done, certificate") {
		t.Fatalf("approve: %v\n%s", err, out)
	}
	if _, err := run(t, nil, "cert", "request", "--data", data, "--kind", "promote", "--agency", "000.00.31.H56"); err == nil || !strings.Contains(err.Error(), "Unknown request kind") {
		t.Fatalf("unknown kind: %v", err)
	}
}
