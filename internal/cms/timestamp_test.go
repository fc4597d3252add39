package cms

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/tsa"
)

// newTSA runs a kyso TSA on 127.0.0.1 whose certificate is issued by the
// test root, with the critical id-kp-timeStamping EKU that RFC 3161 §2.3
// requires (Go would make it non-critical, hence ExtraExtensions).
func newTSA(t *testing.T, p *testPKI) *httptest.Server {
	t.Helper()
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	if err != nil {
		t.Fatal(err)
	}
	key := testpki.Key(t, "p256")
	cert := testpki.Issue(t, p.root, p.rootKey, key, "kyso test TSA", func(c *x509.Certificate) {
		c.NotAfter = time.Now().Add(24 * time.Hour)
		c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
	})
	a, err := tsa.New(cert, []*x509.Certificate{p.root}, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	t.Cleanup(srv.Close)
	return srv
}

// stampSignature asks the TSA for a signature-time-stamp over der's
// signature value and adds it as an unsigned attribute (PAdES B-T, ETSI EN
// 319 122-1 §5.3). It returns the new CMS and the token.
func stampSignature(t *testing.T, srv *httptest.Server, der []byte) ([]byte, []byte) {
	t.Helper()
	value, err := SignatureValue(der)
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := tsa.Request(context.Background(), srv.Client(), srv.URL, sha256Of(value), crypto.SHA256, true)
	if err != nil {
		t.Fatal(err)
	}
	out, err := AddUnsignedAttribute(der, OIDSignatureTimeStampToken(), token)
	if err != nil {
		t.Fatal(err)
	}
	return out, token
}

// TestBaselineT adds a signature-time-stamp from kyso's TSA and checks that
// Parse finds it, that it covers the signature value, and that kyso and
// OpenSSL still verify the signature.
func TestBaselineT(t *testing.T) {
	for _, kind := range []string{"rsa2048", "p256"} {
		t.Run(kind, func(t *testing.T) {
			p := newTestPKI(t, kind)
			srv := newTSA(t, p)
			content := []byte("%PDF-1.7 B-T")
			digest := sha256Of(content)
			der, err := SignDetached(context.Background(), digest, p.key, p.signerInfo(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			before := mustParse(t, der)

			stamped, token := stampSignature(t, srv, der)
			s := mustParse(t, stamped)
			if !bytes.Equal(s.SignatureTimeStamp, token) || len(s.SignatureTimeStamps) != 1 {
				t.Fatalf("SignatureTimeStamp not found (%d found)", len(s.SignatureTimeStamps))
			}
			if !bytes.Equal(s.RawSignedAttrs, before.RawSignedAttrs) || !bytes.Equal(s.Signature, before.Signature) {
				t.Fatal("adding an unsigned attribute changed what is signed")
			}
			if err := s.VerifyDetached(digest); err != nil {
				t.Fatal(err)
			}

			// The token is a CMS SignedData too: kyso's parser reads and
			// verifies it, and its imprint is the hash of the signature
			// value (ETSI EN 319 122-1 §5.3).
			ts := mustParse(t, s.SignatureTimeStamp)
			if !ts.ContentType.Equal(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}) {
				t.Errorf("token content type %v", ts.ContentType)
			}
			if err := ts.Verify(); err != nil {
				t.Fatalf("token: %v", err)
			}
			alg, imprint, err := tstInfoImprint(ts.Content)
			if err != nil || !alg.Equal(hashOID(crypto.SHA256)) || !bytes.Equal(imprint, sha256Of(s.Signature)) {
				t.Fatalf("token imprint %v %x, want SHA-256 of the signature value (%v)", alg, imprint, err)
			}

			// A second time-stamp joins the first.
			twice, _ := stampSignature(t, srv, stamped)
			if n := len(mustParse(t, twice).SignatureTimeStamps); n != 2 {
				t.Errorf("%d time-stamps after adding two", n)
			}

			if haveOpenSSL() {
				out := opensslVerify(t, p, stamped, content)
				printed := openssl(t, p.dir, "cms", "-cmsout", "-print", "-inform", "DER", "-in", "sig.p7s")
				mustContain(t, "openssl cms -cmsout -print", printed, "id-smime-aa-timeStampToken", "signingCertificateV2")
				t.Logf("after B-T, openssl cms -verify: %s", bytes.TrimSpace([]byte(out)))
			}
		})
	}
}

// TestAddUnsignedAttributeRefuses checks the arguments it refuses.
func TestAddUnsignedAttributeRefuses(t *testing.T) {
	p := newTestPKI(t, "p256")
	der, err := SignDetached(context.Background(), sha256Of(nil), p.key, p.signerInfo(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		der   []byte
		value []byte
		want  error
	}{
		{"value of two elements", der, []byte{5, 0, 5, 0}, ErrMalformed},
		{"value truncated", der, []byte{0x30, 5, 0}, ErrMalformed},
		{"not CMS", []byte{0x30, 0}, []byte{5, 0}, ErrMalformed},
		{"too large", der, append([]byte{4, 0x83, 0x20, 0, 0}, make([]byte, 0x200000)...), ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := AddUnsignedAttribute(tc.der, OIDSignatureTimeStampToken(), tc.value); !errors.Is(err, tc.want) {
				t.Fatalf("%v, want %v", err, tc.want)
			}
		})
	}
	// Any well-formed value works, and keeps the signature valid.
	out, err := AddUnsignedAttribute(der, asn1.ObjectIdentifier{1, 2, 3}, []byte{5, 0})
	if err != nil {
		t.Fatal(err)
	}
	s := mustParse(t, out)
	if len(s.UnsignedAttrs) != 1 || !s.UnsignedAttrs[0].Type.Equal(asn1.ObjectIdentifier{1, 2, 3}) || s.SignatureTimeStamp != nil {
		t.Errorf("unsigned attributes %+v", s.UnsignedAttrs)
	}
	if err := s.VerifyDetached(sha256Of(nil)); err != nil {
		t.Fatal(err)
	}
}
