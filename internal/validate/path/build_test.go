package path

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/testpki"
)

// TestValidateOddInputs: odd certificates and pools end in an error or a
// path, never a panic, and within the work bounds.
func TestValidateOddInputs(t *testing.T) {
	h := newHierarchy(t)
	tests := []struct {
		name   string
		setup  func(t *testing.T) (*x509.Certificate, Inputs)
		reason Reason // 0: valid
	}{
		{
			name: "nil entries in pools",
			setup: func(t *testing.T) (*x509.Certificate, Inputs) {
				in := h.inputs()
				in.Anchors = append([]*x509.Certificate{nil}, in.Anchors...)
				in.Intermediates = append([]*x509.Certificate{nil}, in.Intermediates...)
				return h.leaf.cert, in
			},
		},
		{
			name: "leaf with an empty subject",
			setup: func(t *testing.T) (*x509.Certificate, Inputs) {
				leaf := issue(t, h.ica, "", func(c *x509.Certificate) {
					c.Subject = pkix.Name{}
					c.DNSNames = []string{"signer.example.vn"}
				})
				return leaf.cert, h.inputs()
			},
		},
		{
			name: "issuer with an empty subject never chains",
			setup: func(t *testing.T) (*x509.Certificate, Inputs) {
				ca := issue(t, h.root, "", testpki.CA, func(c *x509.Certificate) { c.Subject = pkix.Name{} })
				leaf := issue(t, ca, "Signer")
				in := h.inputs()
				in.Intermediates = []*x509.Certificate{ca.cert}
				return leaf.cert, in
			},
			reason: NoChain,
		},
		{
			name: "untrusted self-signed leaf",
			setup: func(t *testing.T) (*x509.Certificate, Inputs) {
				self := issue(t, nil, "Self")
				in := h.inputs()
				in.Intermediates = append(in.Intermediates, self.cert)
				return self.cert, in
			},
			reason: NoChain,
		},
		{
			name: "re-issued anchor in the pool",
			setup: func(t *testing.T) (*x509.Certificate, Inputs) {
				again := &node{cert: testpki.Issue(t, nil, nil, h.root.key, "Root CA", testpki.CA, validity(tStart, tEnd)), key: h.root.key}
				in := h.inputs()
				in.Intermediates = append(in.Intermediates, again.cert)
				return h.leaf.cert, in
			},
		},
		{
			name: "MaxDepth 1 forbids an intermediate",
			setup: func(t *testing.T) (*x509.Certificate, Inputs) {
				in := h.inputs()
				in.MaxDepth = 1
				return h.leaf.cert, in
			},
			reason: DepthExceeded,
		},
		{
			name: "two CAs certifying each other, no anchor",
			setup: func(t *testing.T) (*x509.Certificate, Inputs) {
				a := issue(t, nil, "CA A", testpki.CA)
				b := issue(t, a, "CA B", testpki.CA)
				aByB := issueWithKey(t, b, a.key, "CA A", testpki.CA)
				leaf := issue(t, b, "Signer")
				in := h.inputs()
				in.Intermediates = []*x509.Certificate{b.cert, aByB.cert}
				return leaf.cert, in
			},
			reason: NoChain,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			leaf, in := tt.setup(t)
			_, err := validate(leaf, in)
			if tt.reason == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Reason != tt.reason {
				t.Fatalf("got %v, want %v", err, tt.reason)
			}
		})
	}
}

// TestValidateHugePool: hundreds of CAs sharing one name and one key, none
// reaching an anchor, end quickly thanks to the work bounds.
func TestValidateHugePool(t *testing.T) {
	key := testpki.Key(t, "p256")
	first := &node{cert: testpki.Issue(t, nil, nil, key, "Loop CA", testpki.CA, validity(tStart, tEnd)), key: key}
	pool := []*x509.Certificate{first.cert}
	for range 300 {
		c := testpki.Issue(t, first.cert, key, key, "Loop CA", testpki.CA, validity(tStart, tEnd))
		pool = append(pool, c)
	}
	leaf := issue(t, first, "Signer")
	anchor := issue(t, nil, "Unrelated Root", testpki.CA)
	start := time.Now()
	_, err := validate(leaf.cert, Inputs{Time: tSigning, Anchors: []*x509.Certificate{anchor.cert}, Intermediates: pool})
	if err == nil {
		t.Fatal("validated without an anchor")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
