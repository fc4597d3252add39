package keys

import (
	"crypto/x509"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kyso-vn/kyso/internal/testpki"
)

func TestLoadPKCS12FromOpenSSL(t *testing.T) {
	openssl := needOpenSSL(t)
	dir := t.TempDir()
	caKey := testpki.Key(t, "p256")
	ca := testpki.Issue(t, nil, nil, caKey, "CA thử nghiệm", testpki.CA)
	key := testpki.Key(t, "rsa2048")
	cert := testpki.Issue(t, ca, caKey, key, "Nguyễn Thị Hằng", func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	})
	keyFile := testpki.WriteKey(t, filepath.Join(dir, "k.pem"), key)
	certFile := testpki.WritePEM(t, filepath.Join(dir, "c.pem"), cert, ca)
	p12 := filepath.Join(dir, "id.p12")
	if out, err := exec.Command(openssl, "pkcs12", "-export", "-inkey", keyFile, "-in", certFile, "-out", p12, "-passout", "pass:mật khẩu").CombinedOutput(); err != nil {
		t.Fatalf("openssl pkcs12 -export: %v\n%s", err, out)
	}
	data, _ := os.ReadFile(p12)
	id, err := LoadPKCS12(data, "mật khẩu")
	if err != nil {
		t.Fatal(err)
	}
	if !id.Cert.Equal(cert) || len(id.Chain) != 1 || !id.Chain[0].Equal(ca) {
		t.Fatalf("identity %v chain %d", id.Cert.Subject, len(id.Chain))
	}
	if err := id.CheckSigning(); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPKCS12(data, "sai"); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong password: %v", err)
	}
	if _, err := LoadPKCS12([]byte("garbage"), "x"); !errors.Is(err, ErrNotPKCS12) {
		t.Errorf("garbage: %v", err)
	}
	keyPEM, _ := os.ReadFile(keyFile)
	certPEM, _ := os.ReadFile(certFile)
	if id, err := LoadPEM(keyPEM, certPEM); err != nil || len(id.Chain) != 1 {
		t.Fatalf("LoadPEM: %v", err)
	}
	other := testpki.WriteKey(t, filepath.Join(dir, "other.pem"), testpki.Key(t, "rsa2048"))
	otherPEM, _ := os.ReadFile(other)
	if _, err := LoadPEM(otherPEM, certPEM); !errors.Is(err, ErrKeyMismatch) {
		t.Errorf("mismatched key: %v", err)
	}
	tlsOnly := testpki.Issue(t, ca, caKey, key, "server", func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment })
	if err := (&Identity{Signer: key, Cert: tlsOnly}).CheckSigning(); !errors.Is(err, ErrNotForSigning) {
		t.Errorf("certificate without signing usage: %v", err)
	}
}
