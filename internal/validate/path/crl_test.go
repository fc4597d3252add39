package path

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"

	"github.com/kyso-vn/kyso/internal/testpki"
)

// TestCRLChecker covers RFC 5280 §6.3.3 with generated CRLs, through
// Validate as the validator uses it.
func TestCRLChecker(t *testing.T) {
	critical := func(oid asn1.ObjectIdentifier, v any) pkix.Extension {
		return pkix.Extension{Id: oid, Critical: true, Value: mustMarshal(t, v)}
	}
	tests := []struct {
		name   string
		crls   func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList
		reason Reason // 0: valid
		code   int    // CRL reason code when revoked
	}{
		{
			name: "not revoked",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tStart, tEnd, nil)}
			},
		},
		{
			name: "revoked, key compromise",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tStart, tEnd, []crlEntry{revoke(h.leaf.cert, 1)})}
			},
			reason: Revoked, code: 1,
		},
		{
			name: "on hold",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tStart, tEnd, []crlEntry{revoke(h.leaf.cert, 6)})}
			},
			reason: Revoked, code: 6,
		},
		{
			name: "CRL stale at the validation time",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tStart, tSigning.AddDate(0, 0, -1), nil)}
			},
			reason: RevocationUnknown,
		},
		{
			name: "CRL issued after the validation time",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tSigning.AddDate(0, 0, 1), tEnd, nil)}
			},
			reason: RevocationUnknown,
		},
		{
			name: "CRL signed by another key under the issuer's name",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				forger := issue(t, h.root, "Issuing CA", testpki.CA)
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, forger, 1, tStart, tEnd, nil)}
			},
			reason: RevocationUnknown,
		},
		{
			name: "CRL with an unknown critical extension",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				ext := critical(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 2}, asn1.NullRawValue)
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tStart, tEnd, nil, ext)}
			},
			reason: RevocationUnknown,
		},
		{
			name: "CRL only for CA certificates",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				idp := critical(oidIssuingDistPoint, asn1.RawValue{Tag: 16, IsCompound: true, Bytes: []byte{0x82, 0x01, 0xff}})
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tStart, tEnd, nil, idp)}
			},
			reason: RevocationUnknown,
		},
		{
			name: "hold lifted by a delta CRL",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				delta := critical(oidDeltaCRLIndicator, 1)
				return []*x509.RevocationList{
					makeCRL(t, h.root, 1, tStart, tEnd, nil),
					makeCRL(t, h.ica, 1, tStart, tEnd, []crlEntry{revoke(h.leaf.cert, 6)}),
					makeCRL(t, h.ica, 2, tSigning.AddDate(0, -1, 0), tEnd, []crlEntry{revoke(h.leaf.cert, 8)}, delta),
				}
			},
		},
		{
			name: "revoked by a delta CRL",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				delta := critical(oidDeltaCRLIndicator, 1)
				return []*x509.RevocationList{
					makeCRL(t, h.root, 1, tStart, tEnd, nil),
					makeCRL(t, h.ica, 1, tStart, tEnd, nil),
					makeCRL(t, h.ica, 2, tSigning.AddDate(0, -1, 0), tEnd, []crlEntry{revoke(h.leaf.cert, 1)}, delta),
				}
			},
			reason: Revoked, code: 1,
		},
		{
			name: "a delta CRL alone is not enough",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				delta := critical(oidDeltaCRLIndicator, 1)
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 2, tStart, tEnd, nil, delta)}
			},
			reason: RevocationUnknown,
		},
		{
			name: "separate CRL signing key, certified by the root",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				signer := issue(t, h.root, "Issuing CA", crlSigner)
				in.Intermediates = append(in.Intermediates, signer.cert)
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, signer, 1, tStart, tEnd, nil)}
			},
		},
		{
			name: "separate CRL signing key, revoked",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				signer := issue(t, h.root, "Issuing CA", crlSigner)
				in.Intermediates = append(in.Intermediates, signer.cert)
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, []crlEntry{revoke(signer.cert, 1)}), makeCRL(t, signer, 1, tStart, tEnd, nil)}
			},
			reason: RevocationUnknown,
		},
		{
			name: "CRL signer without cRLSign",
			crls: func(t *testing.T, h hierarchy, in *Inputs) []*x509.RevocationList {
				// A twin certificate with cRLSign only lets crypto/x509
				// sign the CRL; the path's issuing CA lacks the bit.
				ica := issueWithKey(t, h.root, h.ica.key, "Issuing CA", testpki.CA, func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageCertSign })
				in.Intermediates = []*x509.Certificate{ica.cert}
				return []*x509.RevocationList{makeCRL(t, h.root, 1, tStart, tEnd, nil), makeCRL(t, h.ica, 1, tStart, tEnd, nil)}
			},
			reason: RevocationUnknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHierarchy(t)
			in := h.inputs()
			in.Revocation = &CRLChecker{CRLs: tt.crls(t, h, &in)}
			res, err := validate(h.leaf.cert, in)
			if tt.reason == 0 {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if len(res.Revocation) != 2 || res.Revocation[0].State != StatusGood || res.Revocation[1].State != StatusGood {
					t.Errorf("statuses %+v, want two good", res.Revocation)
				}
				return
			}
			e := wantReason(t, err, tt.reason, 0)
			if tt.reason == Revoked && (e.Revocation == nil || e.Revocation.ReasonCode != tt.code) {
				t.Errorf("revocation %+v, want reason code %d", e.Revocation, tt.code)
			}
		})
	}
}

// TestCRLCheckerDirect asks the checker without a path, as the validator's
// OCSP/CRL layer might.
func TestCRLCheckerDirect(t *testing.T) {
	h := newHierarchy(t)
	c := &CRLChecker{CRLs: []*x509.RevocationList{makeCRL(t, h.ica, 1, tStart, tEnd, []crlEntry{revoke(h.leaf.cert, 4)})}}
	st, err := c.Check(context.Background(), RevocationRequest{Cert: h.leaf.cert, Issuer: h.ica.cert, Time: tSigning})
	if err != nil || st.State != StatusRevoked || st.ReasonCode != 4 {
		t.Fatalf("got %+v, %v; want revoked, superseded", st, err)
	}
	if _, err := c.Check(context.Background(), RevocationRequest{Cert: h.leaf.cert, Time: tSigning}); err == nil {
		t.Error("request without issuer accepted")
	}
}

// crlSigner makes a template a CRL signing certificate: not a CA, cRLSign
// only, with the subject key identifier crypto/x509 wants of CRL issuers.
func crlSigner(c *x509.Certificate) {
	c.KeyUsage = x509.KeyUsageCRLSign
	c.SubjectKeyId = []byte("crl-signing-key")
}
