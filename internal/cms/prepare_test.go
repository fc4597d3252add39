package cms

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"errors"
	"math/big"
	"testing"

	"github.com/kyso-vn/kyso/internal/testpki"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// tokenSign signs ToSign the way a token or a phone does, outside the
// server: it is handed only the digest and the hash.
func tokenSign(t *testing.T, key crypto.Signer, p *Prepared) []byte {
	t.Helper()
	sig, err := key.Sign(rand.Reader, p.ToSign, p.Hash)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// TestTwoPhase signs in two steps and checks the result is the structure
// SignDetached makes, valid for kyso and OpenSSL.
func TestTwoPhase(t *testing.T) {
	for _, kind := range []string{"rsa2048", "p256"} {
		t.Run(kind, func(t *testing.T) {
			p := newTestPKI(t, kind)
			content := []byte("%PDF-1.7 quyết định")
			digest := sha256Of(content)

			prep, err := Prepare(digest, p.signerInfo(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if prep.SignedAttrs[0] != 0x31 {
				t.Errorf("SignedAttrs starts with %#x, want a SET (0x31)", prep.SignedAttrs[0])
			}
			if !bytes.Equal(prep.ToSign, sha256Of(prep.SignedAttrs)) {
				t.Error("ToSign is not the SHA-256 of SignedAttrs")
			}
			if !prep.Certificate().Equal(p.signer) {
				t.Error("Certificate() is not the signer's")
			}
			twoPhase, err := prep.Complete(tokenSign(t, p.key, prep))
			if err != nil {
				t.Fatal(err)
			}
			oneStep, err := SignDetached(context.Background(), digest, p.key, p.signerInfo(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			// PKCS #1 v1.5 is deterministic: the two paths must give the
			// same bytes. ECDSA signatures are randomized, so there
			// everything but the signature must agree.
			if kind == "rsa2048" && !bytes.Equal(oneStep, twoPhase) {
				t.Error("two-phase and one-step RSA signatures differ")
			}
			a, b := mustParse(t, oneStep), mustParse(t, twoPhase)
			if !bytes.Equal(a.RawSignedAttrs, b.RawSignedAttrs) || !a.SignatureAlgorithm.Equal(b.SignatureAlgorithm) ||
				len(a.Certificates) != len(b.Certificates) || !bytes.Equal(b.RawSignedAttrs, prep.SignedAttrs) {
				t.Error("two-phase and one-step structures differ")
			}
			for _, s := range []*Signed{a, b} {
				if err := s.VerifyDetached(digest); err != nil {
					t.Fatal(err)
				}
			}
			if haveOpenSSL() {
				opensslVerify(t, p, twoPhase, content)
			}
		})
	}
}

// TestCompleteRefuses checks that Complete turns every signature that does
// not verify into an error, not a CMS.
func TestCompleteRefuses(t *testing.T) {
	rsaPKI, ecPKI := newTestPKI(t, "rsa2048"), newTestPKI(t, "p256")
	for _, tc := range []struct {
		name string
		pki  *testPKI
		sig  func(t *testing.T, p *Prepared) []byte
		want error
	}{
		{"RSA: another RSA key", rsaPKI, func(t *testing.T, p *Prepared) []byte {
			return tokenSign(t, testpki.Key(t, "rsa2048"), p)
		}, ErrSignatureInvalid},
		{"RSA: truncated", rsaPKI, func(t *testing.T, p *Prepared) []byte {
			return tokenSign(t, rsaPKI.key, p)[:255]
		}, ErrSignatureInvalid},
		{"RSA: a signature of another digest", rsaPKI, func(t *testing.T, p *Prepared) []byte {
			sig, _ := rsaPKI.key.Sign(rand.Reader, sha256Of([]byte("x")), crypto.SHA256)
			return sig
		}, ErrSignatureInvalid},
		{"RSA: SHA-512 signature of the same bytes", rsaPKI, func(t *testing.T, p *Prepared) []byte {
			sig, _ := rsaPKI.key.Sign(rand.Reader, digestOf(crypto.SHA512, p.SignedAttrs), crypto.SHA512)
			return sig
		}, ErrSignatureInvalid},
		{"RSA: empty", rsaPKI, func(*testing.T, *Prepared) []byte { return nil }, ErrSignatureInvalid},
		{"ECDSA: another P-256 key", ecPKI, func(t *testing.T, p *Prepared) []byte {
			return tokenSign(t, testpki.Key(t, "p256"), p)
		}, ErrSignatureInvalid},
		{"ECDSA: an RSA key", ecPKI, func(t *testing.T, p *Prepared) []byte {
			return tokenSign(t, rsaPKI.key, p)
		}, ErrSignatureInvalid},
		{"ECDSA: truncated", ecPKI, func(t *testing.T, p *Prepared) []byte {
			sig := tokenSign(t, ecPKI.key, p)
			return sig[:len(sig)-3]
		}, ErrSignatureInvalid},
		{"ECDSA: one bit flipped", ecPKI, func(t *testing.T, p *Prepared) []byte {
			sig := tokenSign(t, ecPKI.key, p)
			sig[len(sig)-1] ^= 1
			return sig
		}, ErrSignatureInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Prepare(sha256Of([]byte("doc")), tc.pki.signerInfo(), Options{})
			if err != nil {
				t.Fatal(err)
			}
			der, err := p.Complete(tc.sig(t, p))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Complete: %v, want %v", err, tc.want)
			}
			if der != nil {
				t.Error("Complete returned a CMS with its error")
			}
			t.Logf("%v", err)
		})
	}
}

// TestCompleteRawECDSA accepts the r‖s signature a PKCS #11 token returns
// and stores it as an Ecdsa-Sig-Value.
func TestCompleteRawECDSA(t *testing.T) {
	p := newTestPKI(t, "p256")
	digest := sha256Of([]byte("doc"))
	prep, err := Prepare(digest, p.signerInfo(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	der := tokenSign(t, p.key, prep)
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	r, s := new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !seq.ReadASN1Integer(r) || !seq.ReadASN1Integer(s) {
		t.Fatal("not an Ecdsa-Sig-Value")
	}
	raw := append(r.FillBytes(make([]byte, 32)), s.FillBytes(make([]byte, 32))...)
	out, err := prep.Complete(raw)
	if err != nil {
		t.Fatal(err)
	}
	signed := mustParse(t, out)
	if !bytes.Equal(signed.Signature, der) {
		t.Error("the r‖s signature was not stored as its DER form")
	}
	if err := signed.VerifyDetached(digest); err != nil {
		t.Fatal(err)
	}
	if !ecdsa.VerifyASN1(p.key.Public().(*ecdsa.PublicKey), prep.ToSign, signed.Signature) {
		t.Error("stored signature does not verify")
	}
}

// TestPreparedSurvivesMarshal keeps a Prepared between two "requests" as
// bytes, completes it after UnmarshalBinary, and refuses damaged state.
func TestPreparedSurvivesMarshal(t *testing.T) {
	for _, tc := range []struct {
		kind string
		opts Options
	}{
		{"rsa2048", Options{}},
		{"p384", Options{Hash: crypto.SHA384}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			p := newTestPKI(t, tc.kind)
			h := tc.opts.Hash
			if h == 0 {
				h = crypto.SHA256
			}
			digest := digestOf(h, []byte("doc"))
			prep, err := Prepare(digest, p.signerInfo(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			state, err := prep.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var back Prepared
			if err := back.UnmarshalBinary(state); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back.SignedAttrs, prep.SignedAttrs) || !bytes.Equal(back.ToSign, prep.ToSign) ||
				back.Hash != prep.Hash || !back.Certificate().Equal(p.signer) || len(back.chain) != 1 || !back.chain[0].Equal(p.ca) {
				t.Fatal("the Prepared changed on the way through MarshalBinary")
			}
			again, err := back.MarshalBinary()
			if err != nil || !bytes.Equal(again, state) {
				t.Errorf("MarshalBinary after UnmarshalBinary differs (%v)", err)
			}
			der, err := back.Complete(tokenSign(t, p.key, &back))
			if err != nil {
				t.Fatal(err)
			}
			if err := mustParse(t, der).VerifyDetached(digest); err != nil {
				t.Fatal(err)
			}
			if tc.kind == "rsa2048" {
				direct, err := prep.Complete(tokenSign(t, p.key, prep))
				if err != nil || !bytes.Equal(direct, der) {
					t.Errorf("completing the restored Prepared gave other bytes (%v)", err)
				}
			}

			// Damaged state is refused, never half-read.
			sig := tokenSign(t, p.key, prep)
			for i := range state {
				bad := bytes.Clone(state)
				bad[i] ^= 0xff
				var q Prepared
				if err := q.UnmarshalBinary(bad); err == nil {
					// A flipped byte inside a certificate's
					// signature or a signed attribute's value
					// still parses; completion must then fail.
					if _, err := q.Complete(sig); err == nil && !bytes.Equal(q.SignedAttrs, prep.SignedAttrs) {
						t.Fatalf("byte %d: damaged state completed", i)
					}
				}
			}
			var q Prepared
			if err := q.UnmarshalBinary(state[:len(state)-1]); !errors.Is(err, ErrMalformed) {
				t.Errorf("truncated state: %v", err)
			}
		})
	}
}

// TestPrepareRefuses checks the arguments Prepare refuses.
func TestPrepareRefuses(t *testing.T) {
	p := newTestPKI(t, "p256")
	weak := testpki.Key(t, "rsa1024")
	weakCert := testpki.Issue(t, p.ca, p.caKey, weak, "weak")
	for _, tc := range []struct {
		name   string
		digest []byte
		si     SignerInfo
		opts   Options
		want   error
	}{
		{"digest of the wrong size", sha256Of(nil)[:20], p.signerInfo(), Options{}, nil},
		{"SHA-384 digest under default SHA-256", digestOf(crypto.SHA384, nil), p.signerInfo(), Options{}, nil},
		{"SHA-1", digestOf(crypto.SHA1, nil), p.signerInfo(), Options{Hash: crypto.SHA1}, ErrUnsupported},
		{"no certificate", sha256Of(nil), SignerInfo{}, Options{}, nil},
		{"1024-bit RSA", sha256Of(nil), SignerInfo{Cert: weakCert}, Options{}, ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Prepare(tc.digest, tc.si, tc.opts)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("Prepare: %v, want an error (%v)", err, tc.want)
			}
		})
	}
	var zero Prepared
	if _, err := zero.Complete([]byte{1}); err == nil {
		t.Error("Complete of a zero Prepared succeeded")
	}
	if _, err := zero.MarshalBinary(); err == nil {
		t.Error("MarshalBinary of a zero Prepared succeeded")
	}
}

// TestSignDetachedRefuses checks the signer and context checks.
func TestSignDetachedRefuses(t *testing.T) {
	p := newTestPKI(t, "p256")
	other := testpki.Key(t, "p256")
	if _, err := SignDetached(context.Background(), sha256Of(nil), other, p.signerInfo(), Options{}); err == nil {
		t.Error("signed with a key that is not the certificate's")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SignDetached(ctx, sha256Of(nil), p.key, p.signerInfo(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if _, err := SignDetached(context.Background(), sha256Of(nil), nil, p.signerInfo(), Options{}); err == nil {
		t.Error("signed without a signer")
	}
}

// mustParse parses der or fails the test.
func mustParse(t testing.TB, der []byte) *Signed {
	t.Helper()
	s, err := Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
