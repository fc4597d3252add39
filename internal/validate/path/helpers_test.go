package path

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/testpki"
)

// Fixed times for the generated hierarchies: certificates valid through
// 2020–2030 unless a test narrows them, validated in 2025.
var (
	tStart   = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tEnd     = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	tSigning = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

// node is a certificate with its key.
type node struct {
	cert *x509.Certificate
	key  crypto.Signer
}

// validity sets the validity period.
func validity(from, to time.Time) func(*x509.Certificate) {
	return func(c *x509.Certificate) { c.NotBefore, c.NotAfter = from, to }
}

// pathLen sets a pathLenConstraint (0 included).
func pathLen(n int) func(*x509.Certificate) {
	return func(c *x509.Certificate) { c.MaxPathLen, c.MaxPathLenZero = n, n == 0 }
}

// issue makes a certificate under parent (self-signed when parent is nil)
// with a fresh P-256 key, valid 2020–2030 unless edits say otherwise.
func issue(t *testing.T, parent *node, name string, edits ...func(*x509.Certificate)) *node {
	t.Helper()
	key := testpki.Key(t, "p256")
	all := append([]func(*x509.Certificate){validity(tStart, tEnd)}, edits...)
	if parent == nil {
		return &node{cert: testpki.Issue(t, nil, nil, key, name, all...), key: key}
	}
	return &node{cert: testpki.Issue(t, parent.cert, parent.key, key, name, all...), key: key}
}

// issueWithKey is issue with a given key (for re-issued or cross
// certificates of the same CA).
func issueWithKey(t *testing.T, parent *node, key crypto.Signer, name string, edits ...func(*x509.Certificate)) *node {
	t.Helper()
	all := append([]func(*x509.Certificate){validity(tStart, tEnd)}, edits...)
	return &node{cert: testpki.Issue(t, parent.cert, parent.key, key, name, all...), key: key}
}

// hierarchy is root → intermediate → leaf, the usual document-signing
// shape.
type hierarchy struct {
	root, ica, leaf *node
}

// newHierarchy builds a hierarchy; leafEdits change the leaf.
func newHierarchy(t *testing.T, leafEdits ...func(*x509.Certificate)) hierarchy {
	t.Helper()
	root := issue(t, nil, "Root CA", testpki.CA)
	ica := issue(t, root, "Issuing CA", testpki.CA)
	edits := append([]func(*x509.Certificate){func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	}}, leafEdits...)
	return hierarchy{root: root, ica: ica, leaf: issue(t, ica, "Nguyen Van A", edits...)}
}

// inputs are the default inputs for h at the signing time.
func (h hierarchy) inputs() Inputs {
	return Inputs{
		Time:          tSigning,
		Anchors:       []*x509.Certificate{h.root.cert},
		Intermediates: []*x509.Certificate{h.ica.cert},
		Usage:         DocumentSigning(),
	}
}

// crlEntry is one revoked serial for makeCRL.
type crlEntry struct {
	serial *big.Int
	at     time.Time
	reason int
}

// makeCRL signs a CRL by issuer valid from thisUpdate to nextUpdate.
func makeCRL(t *testing.T, issuer *node, number int64, thisUpdate, nextUpdate time.Time, entries []crlEntry, exts ...pkix.Extension) *x509.RevocationList {
	t.Helper()
	tmpl := &x509.RevocationList{
		Number:          big.NewInt(number),
		ThisUpdate:      thisUpdate,
		NextUpdate:      nextUpdate,
		ExtraExtensions: exts,
	}
	for _, e := range entries {
		tmpl.RevokedCertificateEntries = append(tmpl.RevokedCertificateEntries, x509.RevocationListEntry{
			SerialNumber: e.serial, RevocationTime: e.at, ReasonCode: e.reason,
		})
	}
	der, err := x509.CreateRevocationList(rand.Reader, tmpl, issuer.cert, issuer.key)
	if err != nil {
		t.Fatal(err)
	}
	crl, err := x509.ParseRevocationList(der)
	if err != nil {
		t.Fatal(err)
	}
	return crl
}

// revoke is a revocation entry for c, a year before the signing time.
func revoke(c *x509.Certificate, reason int) crlEntry {
	return crlEntry{serial: c.SerialNumber, at: tSigning.AddDate(-1, 0, 0), reason: reason}
}

// wantReason checks that err is an *Error with reason r at depth.
func wantReason(t *testing.T, err error, r Reason, depth int) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want *Error %v", err, r)
	}
	if e.Reason != r || e.Depth != depth {
		t.Fatalf("got %v at depth %d (%v), want %v at depth %d", e.Reason, e.Depth, err, r, depth)
	}
	return e
}

// validate runs Validate with a background context.
func validate(leaf *x509.Certificate, in Inputs) (*Result, error) {
	return Validate(context.Background(), leaf, in)
}
