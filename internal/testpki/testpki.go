// Package testpki builds throwaway certificate hierarchies for tests: keys,
// certificates signed under a parent (or self-signed), and PEM files for the
// OpenSSL and poppler checks the tests run. Nothing here is for production:
// keys are unencrypted and validity is short.
package testpki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"testing"
	"time"
)

// Key returns a new key: "rsa1024" (for tests of weak keys), "rsa2048",
// "rsa3072", "p256" or "p384".
func Key(t testing.TB, kind string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch kind {
	case "rsa1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	case "rsa2048", "rsa":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "rsa3072":
		k, err = rsa.GenerateKey(rand.Reader, 3072)
	case "p256", "ecdsa":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	default:
		t.Fatalf("testpki: unknown key kind %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Issue signs a certificate for key under parent, or a self-signed one
// when parent is nil. The template starts as an end entity valid from an
// hour ago for a year, named C=VN, O=kyso test, CN=name, with
// digitalSignature; edits change it before signing.
func Issue(t testing.TB, parent *x509.Certificate, parentKey, key crypto.Signer, name string, edits ...func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 64))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	tmpl := &x509.Certificate{
		SerialNumber:          serial.Add(serial, big.NewInt(1)),
		Subject:               pkix.Name{Country: []string{"VN"}, Organization: []string{"kyso test"}, CommonName: name},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(1, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	for _, e := range edits {
		if e != nil {
			e(tmpl)
		}
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// CA makes a template a certification authority's (certSign, cRLSign).
func CA(c *x509.Certificate) {
	c.IsCA, c.BasicConstraintsValid = true, true
	c.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
}

// WritePEM writes certificates to path as PEM and returns the path.
func WritePEM(t testing.TB, path string, certs ...*x509.Certificate) string {
	t.Helper()
	ders := make([][]byte, len(certs))
	for i, c := range certs {
		ders[i] = c.Raw
	}
	return WriteBlocks(t, path, "CERTIFICATE", ders...)
}

// WriteBlocks writes DER blocks of one PEM type (CERTIFICATE, X509 CRL, …)
// to path and returns the path.
func WriteBlocks(t testing.TB, path, pemType string, ders ...[]byte) string {
	t.Helper()
	var out []byte
	for _, d := range ders {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: d})...)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// WriteKey writes a private key to path as unencrypted PKCS#8 PEM, for tools
// such as openssl ocsp -rkey, and returns the path.
func WriteKey(t testing.TB, path string, key crypto.Signer) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return WriteBlocks(t, path, "PRIVATE KEY", der)
}
