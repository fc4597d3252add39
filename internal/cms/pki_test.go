package cms

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"path/filepath"
	"testing"

	"github.com/kyso-vn/kyso/internal/testpki"
)

// testPKI is a root, an intermediate CA and a signer certificate it
// issued, with the root and the CA as PEM files for OpenSSL.
type testPKI struct {
	root, ca, signer    *x509.Certificate
	rootKey, caKey, key crypto.Signer
	dir, rootPEM, caPEM string
}

// newTestPKI builds root → CA → signer, the signer's key of the given kind
// ("rsa2048", "p256", "p384"; see testpki.Key).
func newTestPKI(t testing.TB, kind string) *testPKI {
	t.Helper()
	p := &testPKI{rootKey: testpki.Key(t, "p256"), caKey: testpki.Key(t, "p256"), key: testpki.Key(t, kind), dir: t.TempDir()}
	p.root = testpki.Issue(t, nil, nil, p.rootKey, "kyso test root", testpki.CA)
	p.ca = testpki.Issue(t, p.root, p.rootKey, p.caKey, "kyso test CA", testpki.CA)
	p.signer = testpki.Issue(t, p.ca, p.caKey, p.key, "Nguyễn Văn A "+kind, func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	})
	p.rootPEM = testpki.WritePEM(t, filepath.Join(p.dir, "root.pem"), p.root)
	p.caPEM = testpki.WritePEM(t, filepath.Join(p.dir, "ca.pem"), p.ca)
	return p
}

// signerInfo is the signer with its chain, root left out.
func (p *testPKI) signerInfo() SignerInfo {
	return SignerInfo{Cert: p.signer, Chain: []*x509.Certificate{p.ca}}
}

// sha256Of hashes data.
func sha256Of(data []byte) []byte {
	sum := sha256.Sum256(data)
	return sum[:]
}

// digestOf hashes data with h.
func digestOf(h crypto.Hash, data []byte) []byte { return hashOf(h, data) }

// mustSign signs the SHA-256 of nothing with p's signer.
func mustSign(t testing.TB, p *testPKI) []byte {
	t.Helper()
	der, err := SignDetached(context.Background(), sha256Of(nil), p.key, p.signerInfo(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return der
}
