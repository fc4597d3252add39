package path

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/testpki"
)

// TestValidateDocumentSigning covers the checks that matter for document
// signatures on root → issuing CA → signer hierarchies.
func TestValidateDocumentSigning(t *testing.T) {
	oidUnknown := asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}
	oidEmailProtection := asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 4}
	tests := []struct {
		name      string
		leafEdits []func(*x509.Certificate)
		edit      func(t *testing.T, h *hierarchy, in *Inputs) // changes the setup
		reason    Reason                                       // 0: must validate
		depth     int
		sub       SubIndication
	}{
		{name: "valid"},
		{
			name:      "leaf valid at signing time",
			leafEdits: []func(*x509.Certificate){validity(tSigning.AddDate(0, -1, 0), tSigning.AddDate(0, 1, 0))},
		},
		{
			name:      "leaf expired at validation time now",
			leafEdits: []func(*x509.Certificate){validity(tSigning.AddDate(0, -1, 0), tSigning.AddDate(0, 1, 0))},
			edit:      func(t *testing.T, h *hierarchy, in *Inputs) { in.Time = tSigning.AddDate(1, 0, 0) },
			reason:    Expired, depth: 0, sub: OutOfBoundsNoPOE,
		},
		{
			name:      "leaf not yet valid at signing time",
			leafEdits: []func(*x509.Certificate){validity(tSigning.Add(time.Hour), tEnd)},
			reason:    NotYetValid, depth: 0, sub: OutOfBoundsNoPOE,
		},
		{
			name: "intermediate expired",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				*h.ica = *issueWithKey(t, h.root, h.ica.key, "Issuing CA", testpki.CA, validity(tStart, tSigning.AddDate(0, 0, -1)))
				in.Intermediates = []*x509.Certificate{h.ica.cert}
			},
			reason: Expired, depth: 1, sub: OutOfBoundsNoPOE,
		},
		{
			name: "signed by another key under the issuer's name",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				// Same name as the issuing CA, another key, not in the pool.
				impostor := issue(t, h.root, "Issuing CA", testpki.CA)
				h.leaf = issue(t, impostor, "Nguyen Van A")
			},
			reason: BadSignature, depth: 0, sub: CertificateChainGeneralFailure,
		},
		{
			name: "intermediate without cA",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				ica := issueWithKey(t, h.root, h.ica.key, "Issuing CA", func(c *x509.Certificate) {
					c.KeyUsage = x509.KeyUsageCertSign
				})
				in.Intermediates = []*x509.Certificate{ica.cert}
			},
			reason: NotCA, depth: 1, sub: ChainConstraintsFailure,
		},
		{
			name: "intermediate without basicConstraints",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				ica := issueWithKey(t, h.root, h.ica.key, "Issuing CA", func(c *x509.Certificate) {
					c.BasicConstraintsValid, c.KeyUsage = false, x509.KeyUsageCertSign
				})
				in.Intermediates = []*x509.Certificate{ica.cert}
			},
			reason: NotCA, depth: 1, sub: ChainConstraintsFailure,
		},
		{
			name: "intermediate keyUsage lacks keyCertSign",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				ica := issueWithKey(t, h.root, h.ica.key, "Issuing CA", testpki.CA, func(c *x509.Certificate) {
					c.KeyUsage = x509.KeyUsageCRLSign
				})
				in.Intermediates = []*x509.Certificate{ica.cert}
			},
			reason: CAKeyUsage, depth: 1, sub: ChainConstraintsFailure,
		},
		{
			name: "pathLenConstraint 0 exceeded",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				policy := issue(t, h.root, "Policy CA", testpki.CA, pathLen(0))
				*h.ica = *issueWithKey(t, policy, h.ica.key, "Issuing CA", testpki.CA)
				in.Intermediates = []*x509.Certificate{policy.cert, h.ica.cert}
			},
			reason: PathLenExceeded, depth: 1, sub: ChainConstraintsFailure,
		},
		{
			name: "leaf outside permitted directoryName",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				ica := issueWithKey(t, h.root, h.ica.key, "Issuing CA", testpki.CA, func(c *x509.Certificate) {
					c.ExtraExtensions = []pkix.Extension{dnConstraint(t, pkix.Name{Country: []string{"VN"}, Organization: []string{"Bo Noi vu"}})}
				})
				in.Intermediates = []*x509.Certificate{ica.cert}
			},
			reason: NameConstraintViolation, depth: 0, sub: ChainConstraintsFailure,
		},
		{
			name:      "leaf email outside permitted rfc822Name",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) { c.EmailAddresses = []string{"a@example.com"} }},
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				ica := issueWithKey(t, h.root, h.ica.key, "Issuing CA", testpki.CA, func(c *x509.Certificate) {
					c.PermittedEmailAddresses = []string{"gov.vn"}
				})
				in.Intermediates = []*x509.Certificate{ica.cert}
			},
			reason: NameConstraintViolation, depth: 0, sub: ChainConstraintsFailure,
		},
		{
			name:      "leaf IP in excluded range",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) { c.IPAddresses = []net.IP{net.ParseIP("10.1.2.3")} }},
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				ica := issueWithKey(t, h.root, h.ica.key, "Issuing CA", testpki.CA, func(c *x509.Certificate) {
					c.ExcludedIPRanges = []*net.IPNet{{IP: net.IP{10, 0, 0, 0}, Mask: net.CIDRMask(8, 32)}}
				})
				in.Intermediates = []*x509.Certificate{ica.cert}
			},
			reason: NameConstraintViolation, depth: 0, sub: ChainConstraintsFailure,
		},
		{
			name:      "leaf for key encipherment only",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment }},
			reason:    LeafKeyUsage, depth: 0, sub: ChainConstraintsFailure,
		},
		{
			name:      "leaf with nonRepudiation only",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageContentCommitment }},
		},
		{
			name:      "leaf EKU serverAuth where emailProtection is asked",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }},
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Usage.ExtKeyUsage = []asn1.ObjectIdentifier{oidEmailProtection}
			},
			reason: LeafExtKeyUsage, depth: 0, sub: ChainConstraintsFailure,
		},
		{
			name:      "leaf EKU emailProtection where emailProtection is asked",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection} }},
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Usage.ExtKeyUsage = []asn1.ObjectIdentifier{oidEmailProtection}
			},
		},
		{
			name: "leaf without EKU where an EKU is asked",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Usage.ExtKeyUsage = []asn1.ObjectIdentifier{oidEmailProtection}
			},
		},
		{
			name: "unknown critical extension on the leaf",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) {
				c.ExtraExtensions = []pkix.Extension{{Id: oidUnknown, Critical: true, Value: []byte{5, 0}}}
			}},
			reason: UnhandledCriticalExtension, depth: 0, sub: CertificateChainGeneralFailure,
		},
		{
			name: "unknown critical extension the caller handles",
			leafEdits: []func(*x509.Certificate){func(c *x509.Certificate) {
				c.ExtraExtensions = []pkix.Extension{{Id: oidUnknown, Critical: true, Value: []byte{5, 0}}}
			}},
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.HandledCriticalExtensions = []asn1.ObjectIdentifier{oidUnknown}
			},
		},
		{
			name: "intermediate revoked",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Revocation = &CRLChecker{CRLs: []*x509.RevocationList{
					makeCRL(t, h.root, 1, tStart, tEnd, []crlEntry{revoke(h.ica.cert, 1)}),
					makeCRL(t, h.ica, 1, tStart, tEnd, nil),
				}}
			},
			reason: Revoked, depth: 1, sub: RevokedCANoPOE,
		},
		{
			name: "leaf revoked",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Revocation = &CRLChecker{CRLs: []*x509.RevocationList{
					makeCRL(t, h.root, 1, tStart, tEnd, nil),
					makeCRL(t, h.ica, 1, tStart, tEnd, []crlEntry{revoke(h.leaf.cert, 1)}),
				}}
			},
			reason: Revoked, depth: 0, sub: RevokedNoPOE,
		},
		{
			name: "leaf's CRL missing",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Revocation = &CRLChecker{CRLs: []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil)}}
			},
			reason: RevocationUnknown, depth: 0, sub: TryLater,
		},
		{
			name: "no trust anchor",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Anchors = []*x509.Certificate{issue(t, nil, "Other Root", testpki.CA).cert}
			},
			reason: NoChain, depth: 1, sub: NoCertificateChainFound,
		},
		{
			name: "leaf trusted directly",
			edit: func(t *testing.T, h *hierarchy, in *Inputs) {
				in.Anchors, in.Intermediates = []*x509.Certificate{h.leaf.cert}, nil
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHierarchy(t, tt.leafEdits...)
			in := h.inputs()
			if tt.edit != nil {
				tt.edit(t, &h, &in)
			}
			res, err := validate(h.leaf.cert, in)
			if tt.reason == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if res.Path.Leaf() != h.leaf.cert {
					t.Fatalf("result path does not start at the leaf")
				}
				return
			}
			e := wantReason(t, err, tt.reason, tt.depth)
			if got := e.SubIndication(); got != tt.sub {
				t.Errorf("sub-indication %s, want %s", got, tt.sub)
			}
		})
	}
}

// dnConstraint is a nameConstraints extension permitting one directoryName.
func dnConstraint(t *testing.T, permitted pkix.Name) pkix.Extension {
	t.Helper()
	name, err := asn1.Marshal(permitted.ToRDNSequence())
	if err != nil {
		t.Fatal(err)
	}
	// GeneralSubtree { base [4] EXPLICIT Name }, in permittedSubtrees [0].
	subtree, err := asn1.Marshal(asn1.RawValue{Tag: 16, IsCompound: true, Bytes: mustMarshal(t, asn1.RawValue{Class: 2, Tag: 4, IsCompound: true, Bytes: name})})
	if err != nil {
		t.Fatal(err)
	}
	value := mustMarshal(t, asn1.RawValue{Tag: 16, IsCompound: true, Bytes: mustMarshal(t, asn1.RawValue{Class: 2, Tag: 0, IsCompound: true, Bytes: subtree})})
	return pkix.Extension{Id: oidExtNameConstraints, Critical: true, Value: value}
}

// mustMarshal is asn1.Marshal that fails the test on error.
func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := asn1.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestValidateExpiredNowValidThen validates one signer at the signing time
// and at a later "now", the two times a signature report cares about.
func TestValidateExpiredNowValidThen(t *testing.T) {
	h := newHierarchy(t, validity(tSigning.AddDate(-1, 0, 0), tSigning.AddDate(1, 0, 0)))
	tests := []struct {
		name   string
		at     time.Time
		reason Reason
	}{
		{"at signing time", tSigning, 0},
		{"now, after expiry", tSigning.AddDate(2, 0, 0), Expired},
		{"before issuance", tSigning.AddDate(-2, 0, 0), NotYetValid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := h.inputs()
			in.Time = tt.at
			in.Revocation = &CRLChecker{CRLs: []*x509.RevocationList{
				makeCRL(t, h.root, 1, tStart, tEnd, nil),
				makeCRL(t, h.ica, 1, tStart, tEnd, nil),
			}}
			_, err := validate(h.leaf.cert, in)
			if tt.reason == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := wantReason(t, err, tt.reason, 0)
			// The CRLs say the leaf is not revoked: EN 319 102-1 tells that
			// apart from "no proof".
			if !e.NotRevoked || e.SubIndication() != OutOfBoundsNotRevoked {
				t.Errorf("NotRevoked %v, sub-indication %s; want true, %s", e.NotRevoked, e.SubIndication(), OutOfBoundsNotRevoked)
			}
		})
	}
}

// TestValidateTriesAlternativePaths: the first candidate issuer leads to an
// expired cross-certificate; building must back off and take the second.
func TestValidateTriesAlternativePaths(t *testing.T) {
	root := issue(t, nil, "Root CA", testpki.CA)
	old := issue(t, root, "Old Bridge CA", testpki.CA, validity(tStart, tSigning.AddDate(-1, 0, 0)))
	bridged := issue(t, old, "Sub CA", testpki.CA)                     // Sub CA certified by the expired bridge
	direct := issueWithKey(t, root, bridged.key, "Sub CA", testpki.CA) // the same Sub CA certified by the root
	leaf := issue(t, bridged, "Signer")

	in := Inputs{Time: tSigning, Anchors: []*x509.Certificate{root.cert}}
	in.Intermediates = []*x509.Certificate{bridged.cert, old.cert}
	_, err := validate(leaf.cert, in)
	e := wantReason(t, err, Expired, 2)
	if e.Cert != old.cert {
		t.Errorf("failure names %s, want the bridge", e.Cert.Subject)
	}

	in.Intermediates = []*x509.Certificate{bridged.cert, old.cert, direct.cert}
	res, err := validate(leaf.cert, in)
	if err != nil {
		t.Fatalf("want the second path to validate, got %v", err)
	}
	if len(res.Path) != 3 || res.Path[1] != direct.cert {
		t.Errorf("path %v, want leaf → direct Sub CA → root", subjects(res.Path))
	}
}

// subjects lists a path's subjects for messages.
func subjects(p Path) []string {
	var out []string
	for _, c := range p {
		out = append(out, c.Subject.CommonName)
	}
	return out
}

// TestValidatePathGiven checks ValidatePath on given paths, including
// wrong ones.
func TestValidatePathGiven(t *testing.T) {
	h := newHierarchy(t)
	in := h.inputs()
	tests := []struct {
		name   string
		path   Path
		reason Reason
		depth  int
	}{
		{"in order", Path{h.leaf.cert, h.ica.cert, h.root.cert}, 0, 0},
		{"out of order", Path{h.leaf.cert, h.root.cert, h.ica.cert}, NoChain, 2},
		{"issuer skipped", Path{h.leaf.cert, h.root.cert}, NameChaining, 0},
		{"empty", Path{}, Malformed, -1},
		{"nil certificate", Path{h.leaf.cert, nil, h.root.cert}, Malformed, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ValidatePath(context.Background(), tt.path, in)
			if tt.reason == 0 {
				if err != nil {
					t.Fatal(err)
				}
				// No certificatePolicies at all: the policy graph is NULL,
				// which is fine without explicit policy.
				if len(res.UserPolicies) != 0 || res.ExplicitPolicy {
					t.Errorf("user policies %v, explicit %v", res.UserPolicies, res.ExplicitPolicy)
				}
				return
			}
			wantReason(t, err, tt.reason, tt.depth)
		})
	}
}

// TestValidateInputs covers inputs that cannot be validated.
func TestValidateInputs(t *testing.T) {
	h := newHierarchy(t)
	in := h.inputs()
	in.Time = time.Time{}
	if _, err := validate(h.leaf.cert, in); err == nil {
		t.Error("zero time accepted")
	}
	in = h.inputs()
	if _, err := validate(nil, in); err == nil {
		t.Error("nil leaf accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Validate(ctx, h.leaf.cert, in); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}

// TestAnchorConstraints: the anchor certificate's own content counts only
// with EnforceAnchorConstraints (RFC 5914 vs RFC 5937 style).
func TestAnchorConstraints(t *testing.T) {
	tests := []struct {
		name   string
		root   []func(*x509.Certificate)
		reason Reason // when enforced; never when not
		depth  int
	}{
		{name: "expired anchor", root: []func(*x509.Certificate){validity(tStart, tSigning.AddDate(-1, 0, 0))}, reason: Expired, depth: 2},
		{name: "anchor pathLenConstraint 0", root: []func(*x509.Certificate){pathLen(0)}, reason: PathLenExceeded, depth: 1},
		{name: "anchor name constraints", root: []func(*x509.Certificate){func(c *x509.Certificate) {
			c.ExtraExtensions = []pkix.Extension{dnConstraint(t, pkix.Name{Country: []string{"VN"}, Organization: []string{"Other"}})}
		}}, reason: NameConstraintViolation, depth: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := issue(t, nil, "Root CA", append([]func(*x509.Certificate){testpki.CA}, tt.root...)...)
			ica := issue(t, root, "Issuing CA", testpki.CA)
			leaf := issue(t, ica, "Signer")
			in := Inputs{Time: tSigning, Anchors: []*x509.Certificate{root.cert}, Intermediates: []*x509.Certificate{ica.cert}}
			if _, err := validate(leaf.cert, in); err != nil {
				t.Fatalf("not enforced: %v", err)
			}
			in.EnforceAnchorConstraints = true
			_, err := validate(leaf.cert, in)
			wantReason(t, err, tt.reason, tt.depth)
		})
	}
}
