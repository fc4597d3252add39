package cms

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"

	"github.com/kyso-vn/kyso/internal/testpki"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// craft builds a CMS around attributes the test chooses: sent in the order
// given, signed in the order of signed (or as sent when nil). It uses the
// package's own assembly, so only the attributes differ from kyso's output.
func craft(t *testing.T, p *testPKI, sent, signed [][]byte) []byte {
	t.Helper()
	if signed == nil {
		signed = sent
	}
	set, err := encodeSet(bytes.Join(signed, nil))
	if err != nil {
		t.Fatal(err)
	}
	prep := newPrepared(set, crypto.SHA256, OIDData(), p.signer, []*x509.Certificate{p.ca})
	sig, err := p.key.Sign(rand.Reader, prep.ToSign, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	der, err := assemble(prep, bytes.Join(sent, nil), sig)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// attrs builds the usual signed attributes for digest, in DER order;
// edit may change the list first.
func attrs(t *testing.T, p *testPKI, digest []byte) (contentType, messageDigest, ess []byte) {
	t.Helper()
	var err error
	if contentType, err = attribute(oidContentType(), func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(OIDData()) }); err != nil {
		t.Fatal(err)
	}
	if messageDigest, err = attribute(oidMessageDigest(), func(b *cryptobyte.Builder) { b.AddASN1OctetString(digest) }); err != nil {
		t.Fatal(err)
	}
	if ess, err = essAttribute(p.signer); err != nil {
		t.Fatal(err)
	}
	return contentType, messageDigest, ess
}

// essV1 encodes the RFC 2634 signing-certificate attribute with a SHA-1
// certificate hash of c and no issuerSerial.
func essV1(t *testing.T, c *x509.Certificate) []byte {
	t.Helper()
	sum := sha1.Sum(c.Raw)
	a, err := attribute(oidSigningCertificate(), func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1OctetString(sum[:]) })
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestVerifyDetached runs VerifyDetached over kyso's output and over
// variants that a validator must reject, each with its sentinel.
func TestVerifyDetached(t *testing.T) {
	p := newTestPKI(t, "p256")
	content := []byte("%PDF-1.7 văn bản")
	digest := sha256Of(content)
	good, err := SignDetached(context.Background(), digest, p.key, p.signerInfo(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	ct, md, ess := attrs(t, p, digest)
	otherCert := testpki.Issue(t, p.ca, p.caKey, testpki.Key(t, "p256"), "someone else")
	otherESS, err := essAttribute(otherCert)
	if err != nil {
		t.Fatal(err)
	}
	renumbered := *p.signer // same bytes, so the same hash; another serial number
	renumbered.SerialNumber = new(big.Int).Add(p.signer.SerialNumber, big.NewInt(1))
	wrongSerialESS, err := essAttribute(&renumbered)
	if err != nil {
		t.Fatal(err)
	}
	badCT, err := attribute(oidContentType(), func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4})
	})
	if err != nil {
		t.Fatal(err)
	}
	flip := func(der []byte, at int) []byte {
		out := bytes.Clone(der)
		out[at] ^= 0x01
		return out
	}
	essAt := bytes.Index(good, sha256Of(p.signer.Raw))
	goodSigned := mustParse(t, good)
	sigAt := bytes.Index(good, goodSigned.Signature)

	for _, tc := range []struct {
		name   string
		der    []byte
		digest []byte
		want   error // nil: verifies
		check  func(*testing.T, *Signed)
	}{
		{"kyso's output", good, digest, nil, func(t *testing.T, s *Signed) {
			if s.BER || s.UnsortedSignedAttrs || s.TrailingData != 0 || s.SignerInfos != 1 {
				t.Errorf("flags BER %v, unsorted %v, trailing %d, signerInfos %d", s.BER, s.UnsortedSignedAttrs, s.TrailingData, s.SignerInfos)
			}
			if !s.Signer.Equal(p.signer) || len(s.Certificates) != 2 || s.DigestAlgorithm != crypto.SHA256 || s.Content != nil {
				t.Error("signer, certificates, digest algorithm or content wrong")
			}
			if s.SigningCertificateV2 == nil || s.SigningCertificateV2.Issuer == nil || s.SigningCertificateV2.SerialNumber.Cmp(p.signer.SerialNumber) != 0 {
				t.Error("signing-certificate-v2 not read")
			}
			if !s.SigningTime.IsZero() {
				t.Error("signing-time present by default: PAdES baseline forbids it")
			}
		}},
		{"another document", good, sha256Of([]byte("other")), ErrDigestMismatch, nil},
		{"a SHA-384 digest", good, digestOf(crypto.SHA384, content), ErrDigestMismatch, nil},
		{"signed attribute byte changed", flip(good, essAt+31), digest, ErrSignatureInvalid, nil},
		{"signature byte changed", flip(good, sigAt+10), digest, ErrSignatureInvalid, nil},
		{"signing-certificate-v2 of another certificate", craft(t, p, sorted(ct, md, otherESS), nil), digest, ErrSigningCertMismatch, nil},
		{"signing-certificate-v2 with another serial", craft(t, p, sorted(ct, md, wrongSerialESS), nil), digest, ErrSigningCertMismatch, nil},
		{"signing-certificate v1 (SHA-1)", craft(t, p, sorted(ct, md, essV1(t, p.signer)), nil), digest, nil, func(t *testing.T, s *Signed) {
			if s.SigningCertificate == nil || s.SigningCertificate.HashAlgorithm != crypto.SHA1 || s.SigningCertificateV2 != nil {
				t.Error("signing-certificate v1 not read")
			}
		}},
		{"signing-certificate v1 of another certificate", craft(t, p, sorted(ct, md, essV1(t, otherCert)), nil), digest, ErrSigningCertMismatch, nil},
		{"no ESS attribute", craft(t, p, sorted(ct, md), nil), digest, nil, nil},
		{"no message-digest", craft(t, p, sorted(ct, ess), nil), digest, ErrMissingAttribute, nil},
		{"no content-type", craft(t, p, sorted(md, ess), nil), digest, ErrMissingAttribute, nil},
		{"content-type is not eContentType", craft(t, p, sorted(badCT, md, ess), nil), digest, ErrMissingAttribute, nil},
		{"sent and signed unsorted", craft(t, p, [][]byte{ess, md, ct}, nil), digest, nil, func(t *testing.T, s *Signed) {
			if !s.UnsortedSignedAttrs {
				t.Error("UnsortedSignedAttrs not set")
			}
		}},
		{"sent unsorted, signed in DER order", craft(t, p, [][]byte{ess, md, ct}, sorted(ct, md, ess)), digest, nil, nil},
		{"sent unsorted, signed in a third order", craft(t, p, [][]byte{ess, md, ct}, [][]byte{md, ess, ct}), digest, ErrSignatureInvalid, nil},
		{"BER: indefinite lengths, split OCTET STRINGs", berify(good), digest, nil, func(t *testing.T, s *Signed) {
			if !s.BER {
				t.Error("BER not reported")
			}
		}},
		{"zero padding of a PDF /Contents", append(bytes.Clone(good), make([]byte, 4000)...), digest, nil, func(t *testing.T, s *Signed) {
			if s.TrailingData != 0 {
				t.Errorf("TrailingData %d for zero padding", s.TrailingData)
			}
		}},
		{"bytes after the ContentInfo", append(bytes.Clone(good), 1, 2, 3, 0, 0), digest, nil, func(t *testing.T, s *Signed) {
			if s.TrailingData != 5 {
				t.Errorf("TrailingData %d, want 5", s.TrailingData)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mustParse(t, tc.der)
			err := s.VerifyDetached(tc.digest)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("VerifyDetached: %v, want %v", err, tc.want)
			}
			if err != nil {
				t.Logf("%v", err)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
		})
	}
}

// TestParseRefusesAmbiguousAttributes: a signed attribute that Signed
// interprets may appear once with one value.
func TestParseRefusesAmbiguousAttributes(t *testing.T) {
	p := newTestPKI(t, "p256")
	digest := sha256Of(nil)
	ct, md, ess := attrs(t, p, digest)
	_, md2, _ := attrs(t, p, sha256Of([]byte("other")))
	twoValues, err := attribute(oidMessageDigest(), func(b *cryptobyte.Builder) {
		b.AddASN1OctetString(digest)
		b.AddASN1OctetString(digest)
	})
	if err != nil {
		t.Fatal(err)
	}
	notOctets, err := attribute(oidMessageDigest(), func(b *cryptobyte.Builder) { b.AddASN1Int64(5) })
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		list [][]byte
	}{
		{"two message-digests", sorted(ct, md, md2, ess)},
		{"two content-types", sorted(ct, ct, md, ess)},
		{"two signing-certificate-v2", sorted(ct, md, ess, ess)},
		{"message-digest with two values", sorted(ct, twoValues, ess)},
		{"message-digest not an OCTET STRING", sorted(ct, notOctets, ess)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(craft(t, p, tc.list, nil)); !errors.Is(err, ErrMalformed) {
				t.Fatalf("Parse: %v, want ErrMalformed", err)
			}
		})
	}
}

// TestSignerFromElsewhere: without the signer's certificate in the CMS
// (PAdES keeps it in the DSS at times), VerifyDetached says so, and a
// caller that finds it may set it.
func TestSignerFromElsewhere(t *testing.T) {
	p := newTestPKI(t, "rsa2048")
	digest := sha256Of(nil)
	der, err := SignDetached(context.Background(), digest, p.key, p.signerInfo(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := mustParse(t, der)
	s.Signer = nil
	if err := s.VerifyDetached(digest); !errors.Is(err, ErrSignerNotFound) {
		t.Fatalf("no signer: %v", err)
	}
	if s.IsSigner(p.ca) || s.IsSigner(nil) || !s.IsSigner(p.signer) {
		t.Fatal("IsSigner is wrong")
	}
	s.Signer = p.ca
	if err := s.VerifyDetached(digest); !errors.Is(err, ErrSignerNotFound) {
		t.Fatalf("Signer set to a certificate sid does not name: %v", err)
	}
	s.Signer = p.signer
	if err := s.VerifyDetached(digest); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyEncapsulated checks Verify, for SignedData with eContent.
func TestVerifyEncapsulated(t *testing.T) {
	p := newTestPKI(t, "p256")
	der, err := SignDetached(context.Background(), sha256Of(nil), p.key, p.signerInfo(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := mustParse(t, der).Verify(); err == nil {
		t.Error("Verify of a detached signature succeeded")
	}
}

// sorted returns the attributes in DER SET OF order.
func sorted(list ...[]byte) [][]byte {
	out := append([][]byte{}, list...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if bytes.Compare(out[j], out[i]) < 0 {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestHostileKeySizes: a certificate with an absurd RSA modulus, which
// crypto/x509 parses, is refused before any arithmetic.
func TestHostileKeySizes(t *testing.T) {
	p := newTestPKI(t, "p256")
	for _, bits := range []int{maxRSABits + 8, 512} {
		n, err := rand.Prime(rand.Reader, 64)
		if err != nil {
			t.Fatal(err)
		}
		n.Lsh(n, uint(bits-64)).SetBit(n, 0, 1).SetBit(n, bits-1, 1)
		tmpl := *p.signer
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, p.ca, &rsa.PublicKey{N: n, E: 65537}, p.caKey)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		ct, md, _ := attrs(t, p, sha256Of(nil))
		ess, err := essAttribute(cert)
		if err != nil {
			t.Fatal(err)
		}
		set, err := encodeSet(bytes.Join(sorted(ct, md, ess), nil))
		if err != nil {
			t.Fatal(err)
		}
		prep := newPrepared(set, crypto.SHA256, OIDData(), cert, nil)
		h, _ := readHeader(set)
		cms, err := assemble(prep, set[h.size:], make([]byte, bits/8))
		if err != nil {
			t.Fatal(err)
		}
		if err := mustParse(t, cms).VerifyDetached(sha256Of(nil)); !errors.Is(err, ErrUnsupported) {
			t.Errorf("%d-bit RSA key: %v, want ErrUnsupported", bits, err)
		}
	}
}
