package main

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/testpki"
)

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec exitCoder
	if errors.As(err, &ec) {
		return ec.ExitCode()
	}
	return -1
}

func TestVerifyCommand(t *testing.T) {
	if _, err := exec.LookPath("gs"); err != nil {
		t.Skip("ghostscript is not installed: apt-get install ghostscript")
	}
	dir := t.TempDir()
	caKey := testpki.Key(t, "p256")
	ca := testpki.Issue(t, nil, nil, caKey, "CA thử nghiệm", testpki.CA)
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}, ca, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(crl) }))
	defer srv.Close()
	key := testpki.Key(t, "p256")
	cert := testpki.Issue(t, ca, caKey, key, "Lê Thị Thu Hà", func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		c.CRLDistributionPoints = []string{srv.URL}
	})
	keyFile := testpki.WriteKey(t, filepath.Join(dir, "k.pem"), key)
	certFile := testpki.WritePEM(t, filepath.Join(dir, "c.pem"), cert, ca)
	caFile := testpki.WritePEM(t, filepath.Join(dir, "ca.pem"), ca)
	ps := filepath.Join(dir, "in.ps")
	_ = os.WriteFile(ps, []byte("%!PS\n/Times-Roman findfont 14 scalefont setfont 72 720 moveto (Cong van) show showpage\n"), 0o600)
	in := filepath.Join(dir, "in.pdf")
	if out, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+in, ps).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, out)
	}
	signed := filepath.Join(dir, "signed.pdf")
	if o, err := run(t, nil, "sign", "--in", in, "--out", signed, "--key", keyFile, "--cert", certFile); err != nil {
		t.Fatalf("kyso sign: %v\n%s", err, o)
	}
	noData := filepath.Join(dir, "no-kyso-here")
	html := filepath.Join(dir, "report.html")

	o, err := run(t, nil, "verify", "--data", noData, "--trust", caFile, "--html", html, signed)
	if exitCode(err) != 0 || !strings.Contains(o, "HỢP LỆ (TOTAL-PASSED)") || !strings.Contains(o, "Lê Thị Thu Hà") {
		t.Fatalf("valid: exit %d\n%s", exitCode(err), o)
	}
	if b, err := os.ReadFile(html); err != nil || !strings.Contains(string(b), "Báo cáo kiểm tra chữ ký số") || !strings.Contains(string(b), "Lê Thị Thu Hà") {
		t.Fatalf("HTML report: %v", err)
	}
	o, err = run(t, nil, "verify", "--data", noData, "--trust", caFile, "--json", "--lang", "en", signed)
	var rep struct {
		Indication string `json:"indication"`
		Signatures []struct {
			Signer struct{ Name string } `json:"signer"`
			Chain  []struct{ Source string }
		} `json:"signatures"`
	}
	if exitCode(err) != 0 || json.Unmarshal([]byte(o), &rep) != nil || rep.Indication != "TOTAL-PASSED" || rep.Signatures[0].Signer.Name != "Lê Thị Thu Hà" || !strings.Contains(rep.Signatures[0].Chain[0].Source, "CRL") {
		t.Fatalf("--json: exit %d\n%s", exitCode(err), o)
	}

	// No trust anchor: indeterminate, exit 2.
	o, err = run(t, nil, "verify", "--data", noData, signed)
	if exitCode(err) != 2 || !strings.Contains(o, "NO_CERTIFICATE_CHAIN_FOUND") {
		t.Fatalf("untrusted: exit %d\n%s", exitCode(err), o)
	}
	// Unsigned, truncated, not a PDF, missing: exit 1 with a message.
	data, _ := os.ReadFile(signed)
	truncated := filepath.Join(dir, "truncated.pdf")
	_ = os.WriteFile(truncated, data[:len(data)/2], 0o600)
	text := filepath.Join(dir, "note.txt")
	_ = os.WriteFile(text, []byte("không phải PDF"), 0o600)
	for _, c := range []struct{ file, want string }{
		{in, "Tệp không có chữ ký số nào"},
		{truncated, ""},
		{text, "Không đọc được tệp"},
		{filepath.Join(dir, "missing.pdf"), "no such file"},
	} {
		o, err := run(t, nil, "verify", "--data", noData, "--trust", caFile, c.file)
		if exitCode(err) != 1 || (c.want != "" && !strings.Contains(err.Error()+o, c.want)) {
			t.Errorf("%s: exit %d, err %v\n%s", filepath.Base(c.file), exitCode(err), err, o)
		}
	}
	// A bad --trust is refused before anything is judged.
	if _, err := run(t, nil, "verify", "--data", noData, "--trust", in, signed); err == nil || !strings.Contains(err.Error(), "holds no certificate") {
		t.Fatalf("bad --trust: %v", err)
	}
}
