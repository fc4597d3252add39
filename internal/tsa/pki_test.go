package tsa

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"github.com/kyso-vn/kyso/internal/testpki"
	"path/filepath"
	"testing"
	"time"
)

// testPKI is a root CA and a TSA certificate it issued, with PEM files in a
// temporary directory for OpenSSL.
type testPKI struct {
	root, tsa       *x509.Certificate
	rootKey, tsaKey crypto.Signer
	dir             string
	rootPEM, tsaPEM string // file names
}

// testEpoch is "now" for the tests: the certificates are valid around the
// real time, because OpenSSL checks them against it.
func testEpoch() time.Time { return time.Now().UTC().Truncate(time.Second) }

// newKey makes a key of the named kind: "rsa2048", "rsa1024", "p256", "p384".
func newKey(t testing.TB, kind string) crypto.Signer { return testpki.Key(t, kind) }

// timeStampingEKU is the extension RFC 3161 §2.3 requires, which Go's
// CreateCertificate would otherwise mark non-critical.
func timeStampingEKU(critical bool, purposes ...asn1.ObjectIdentifier) pkix.Extension {
	if len(purposes) == 0 {
		purposes = []asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}}
	}
	v, err := asn1.Marshal(purposes)
	if err != nil {
		panic(err)
	}
	return pkix.Extension{Id: oidExtKeyUsage(), Critical: critical, Value: v}
}

// issue signs a certificate for key under parent; edit may change the
// template of a well-formed TSA certificate (valid for a day).
func issue(t testing.TB, parent *x509.Certificate, parentKey crypto.Signer, key crypto.Signer, name string, edit func(*x509.Certificate)) *x509.Certificate {
	t.Helper()
	return testpki.Issue(t, parent, parentKey, key, name, func(c *x509.Certificate) {
		c.NotAfter = testEpoch().Add(24 * time.Hour)
		c.ExtraExtensions = []pkix.Extension{timeStampingEKU(true)}
	}, edit)
}

// caTemplate turns a template into a CA's.
func caTemplate(c *x509.Certificate) {
	testpki.CA(c)
	c.ExtraExtensions = nil
}

// newTestPKI builds a root and a TSA certificate with a key of the given kind
// and writes root.pem and tsa.pem.
func newTestPKI(t testing.TB, kind string) *testPKI {
	t.Helper()
	p := &testPKI{rootKey: newKey(t, "p256"), tsaKey: newKey(t, kind), dir: t.TempDir()}
	p.root = issue(t, nil, nil, p.rootKey, "kyso test root", caTemplate)
	p.tsa = issue(t, p.root, p.rootKey, p.tsaKey, "kyso test TSA "+kind, nil)
	p.rootPEM = writePEM(t, p.dir, "root.pem", p.root)
	p.tsaPEM = writePEM(t, p.dir, "tsa.pem", p.tsa)
	return p
}

// writePEM writes certificates to dir/name and returns the path.
func writePEM(t testing.TB, dir, name string, certs ...*x509.Certificate) string {
	return testpki.WritePEM(t, filepath.Join(dir, name), certs...)
}

// newAuthority returns an Authority for p's TSA certificate.
func (p *testPKI) newAuthority(t testing.TB, opts ...Option) *Authority {
	t.Helper()
	a, err := New(p.tsa, []*x509.Certificate{p.root}, p.tsaKey, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fixedClock returns a clock that always reads at.
func fixedClock(at time.Time) func() time.Time { return func() time.Time { return at } }
