package main

import (
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/testpki"
)

func TestSignCommand(t *testing.T) {
	for _, tool := range []string{"openssl", "gs", "pdfsig"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: apt-get install openssl ghostscript poppler-utils", tool)
		}
	}
	dir := t.TempDir()
	caKey := testpki.Key(t, "p256")
	ca := testpki.Issue(t, nil, nil, caKey, "CA thử nghiệm", testpki.CA)
	key := testpki.Key(t, "rsa2048")
	cert := testpki.Issue(t, ca, caKey, key, "Lê Thị Thu Hà", func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	})
	keyFile := testpki.WriteKey(t, filepath.Join(dir, "k.pem"), key)
	certFile := testpki.WritePEM(t, filepath.Join(dir, "c.pem"), cert, ca)
	p12 := filepath.Join(dir, "id.p12")
	if out, err := exec.Command("openssl", "pkcs12", "-export", "-inkey", keyFile, "-in", certFile, "-out", p12, "-passout", "pass:bí mật").CombinedOutput(); err != nil {
		t.Fatalf("openssl pkcs12: %v\n%s", err, out)
	}
	ps := filepath.Join(dir, "in.ps")
	_ = os.WriteFile(ps, []byte("%!PS\n/Times-Roman findfont 14 scalefont setfont 72 720 moveto (Cong van) show showpage\n"), 0o600)
	in := filepath.Join(dir, "in.pdf")
	if out, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+in, ps).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "signed.pdf")
	if o, err := run(t, nil, "sign", "--in", in, "--out", out, "--p12", p12, "--pass", "bí mật", "--visible", "1:350,500,160,60", "--reason", "Phê duyệt"); err != nil {
		t.Fatalf("kyso sign: %v\n%s", err, o)
	}
	v, _ := exec.Command("pdfsig", out).CombinedOutput()
	if !strings.Contains(string(v), "Signature Validation: Signature is Valid.") || !strings.Contains(string(v), "Lê Thị Thu Hà") {
		t.Fatalf("pdfsig:\n%s", v)
	}
	out2 := filepath.Join(dir, "signed2.pdf")
	if o, err := run(t, nil, "sign", "--in", out, "--out", out2, "--key", keyFile, "--cert", certFile, "--stamp", "Số: 12/BC-VP"); err != nil {
		t.Fatalf("kyso sign --key --cert: %v\n%s", err, o)
	}
	if v, _ := exec.Command("pdfsig", out2).CombinedOutput(); strings.Count(string(v), "Signature is Valid.") != 2 {
		t.Fatalf("two signatures:\n%s", v)
	}
	bad := []struct {
		name string
		args []string
		want string
	}{
		{"wrong password", []string{"--p12", p12, "--pass", "sai"}, "password is wrong"},
		{"no key", nil, "give the key one way"},
		{"key without certificate", []string{"--key", keyFile}, "give the key one way"},
		{"bad --visible", []string{"--p12", p12, "--pass", "bí mật", "--visible", "1:abc"}, "PAGE:X,Y,W,H"},
		{"unknown level", []string{"--p12", p12, "--pass", "bí mật", "--level", "B-Z"}, "unknown level"},
		{"not a PDF", []string{"--p12", p12, "--pass", "bí mật", "--in", certFile}, "pades: input"},
		{"existing output", []string{"--p12", p12, "--pass", "bí mật", "--out", out}, "exists"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			target := filepath.Join(dir, "bad-"+strings.ReplaceAll(b.name, " ", "-")+".pdf")
			args := append([]string{"sign", "--in", in, "--out", target}, b.args...)
			o, err := run(t, nil, args...)
			if err == nil || !strings.Contains(err.Error(), b.want) {
				t.Fatalf("err = %v, want %q\n%s", err, b.want, o)
			}
			if _, err := os.Stat(target); err == nil {
				t.Error("an output file was written")
			}
		})
	}
}
