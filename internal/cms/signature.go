package cms

import (
	"crypto"
	"crypto/dsa" // deprecated, but old PDFs carry DSA signatures (RFC 3370 §3.1): verified, never made
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Key sizes verified. minRSABits is the smallest RSA modulus crypto/rsa
// accepts (Go 1.24, GODEBUG rsa1024min); smaller keys are reported as
// ErrUnsupported rather than as a bad signature. The maxima keep hostile
// certificates from making one verification cost minutes: crypto/x509 parses
// keys of any size, and an RSA or DSA operation grows with the square of the
// modulus and more. No CA issues larger keys (crypto/tls stops at 8192-bit
// RSA; FIPS 186-4 §4.2 at 3072-bit DSA with a 256-bit q).
const (
	minRSABits  = 1024
	maxRSABits  = 16384
	maxDSABits  = 3072
	maxDSAQBits = 256
)

// hashOf hashes data with h.
func hashOf(h crypto.Hash, data []byte) []byte {
	w := h.New()
	w.Write(data)
	return w.Sum(nil)
}

// SignatureHash is the hash under the signature value: DigestAlgorithm
// (RFC 5652 §5.4), or for RSASSA-PSS the hash of its parameters (RFC 4056
// §3). A signatureAlgorithm that names yet another hash (sha3-256 with RSA
// over a SHA-256 digestAlgorithm, in an EU DSS sample) is a mislabel that
// OpenSSL ignores as well: in PKCS #1 v1.5 the DigestInfo inside the
// signature fixes the hash actually used. A validator's algorithm policy
// should judge DigestAlgorithm and SignatureHash.
func (s *Signed) SignatureHash() crypto.Hash {
	if s.sig.scheme == schemeRSAPSS {
		return s.sig.hash
	}
	return s.DigestAlgorithm
}

// checkSignature verifies the signature value with the signer's key (RFC
// 5652 §5.6). digest is the DigestAlgorithm hash of what was signed; msg is
// what was signed, nil when the signature covers the content digest
// directly (no signed attributes). msg is needed by PureEdDSA (RFC 8419
// §3.2) and by RSASSA-PSS under another hash than DigestAlgorithm.
func (s *Signed) checkSignature(msg, digest []byte) error {
	if s.sigAlgErr != nil {
		return s.sigAlgErr
	}
	alg, h := s.sig, s.SignatureHash()
	if h != s.DigestAlgorithm {
		if msg == nil {
			// Without signed attributes the signature is over the
			// content digest itself, which was made with digestAlgorithm.
			return fmt.Errorf("%w: RSASSA-PSS with %v over a %v digest", ErrUnsupported, h, s.DigestAlgorithm)
		}
		digest = hashOf(h, msg)
	}
	pub := s.Signer.PublicKey
	wrongKey := func() error {
		return fmt.Errorf("%w: signatureAlgorithm %v does not fit the signer's %T", ErrSignatureInvalid, s.SignatureAlgorithm, pub)
	}
	bad := func(err error) error {
		if err == nil {
			return fmt.Errorf("%w: does not verify with the key of %q", ErrSignatureInvalid, s.Signer.Subject)
		}
		return fmt.Errorf("%w: does not verify with the key of %q: %v", ErrSignatureInvalid, s.Signer.Subject, err)
	}
	switch alg.scheme {
	case schemeRSA, schemeRSAPSS:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return wrongKey()
		}
		if n := k.N.BitLen(); n < minRSABits || n > maxRSABits {
			return fmt.Errorf("%w: %d-bit RSA key", ErrUnsupported, n)
		}
		if k.E > 1<<31-1 {
			// crypto/rsa refuses such exponents (they are legal, and
			// rare); that is not the signer's fault.
			return fmt.Errorf("%w: RSA public exponent %d", ErrUnsupported, k.E)
		}
		var err error
		if alg.scheme == schemeRSA {
			err = rsa.VerifyPKCS1v15(k, h, digest, s.Signature)
		} else {
			err = rsa.VerifyPSS(k, h, digest, s.Signature, alg.pss)
		}
		if err != nil {
			return bad(err)
		}
	case schemeECDSA, schemeECDSAPlain:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return wrongKey()
		}
		sig := s.Signature
		if alg.scheme == schemeECDSAPlain {
			var ok bool
			if sig, ok = plainToASN1(sig, k); !ok {
				return bad(fmt.Errorf("plain ECDSA signature of %d bytes", len(s.Signature)))
			}
		}
		if !ecdsa.VerifyASN1(k, digest, sig) {
			return bad(nil)
		}
	case schemeDSA:
		k, ok := pub.(*dsa.PublicKey)
		if !ok {
			return wrongKey()
		}
		if k.P.BitLen() > maxDSABits || k.Q.BitLen() > maxDSAQBits {
			return fmt.Errorf("%w: DSA key with a %d-bit p and a %d-bit q", ErrUnsupported, k.P.BitLen(), k.Q.BitLen())
		}
		if !verifyDSA(k, digest, s.Signature) {
			return bad(nil)
		}
	case schemeEd25519:
		k, ok := pub.(ed25519.PublicKey)
		if !ok {
			return wrongKey()
		}
		if msg == nil {
			// RFC 8419 §3.2: without signed attributes PureEdDSA signs
			// the content itself, which a detached digest cannot stand for.
			return fmt.Errorf("%w: Ed25519 without signed attributes needs the content, not its digest", ErrUnsupported)
		}
		if !ed25519.Verify(k, msg, s.Signature) {
			return bad(nil)
		}
	case schemeEd448:
		return fmt.Errorf("%w: Ed448 signatures (Go has no Ed448)", ErrUnsupported)
	default:
		return fmt.Errorf("%w: signature algorithm %v", ErrUnsupported, s.SignatureAlgorithm)
	}
	return nil
}

// plainToASN1 turns an r‖s ECDSA signature (BSI TR-03111 §5.2.1, and what
// PKCS #11 tokens return, PKCS #11 Mechanisms §2.3.1) into the
// Ecdsa-Sig-Value that crypto/ecdsa reads.
func plainToASN1(sig []byte, k *ecdsa.PublicKey) ([]byte, bool) {
	n := (k.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*n {
		return nil, false
	}
	r, s := new(big.Int).SetBytes(sig[:n]), new(big.Int).SetBytes(sig[n:])
	out, err := encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1BigInt(r)
			b.AddASN1BigInt(s)
		})
	})
	return out, err == nil
}

// verifyDSA checks a Dss-Sig-Value (RFC 3279 §2.2.2). crypto/dsa does not
// truncate the digest to the size of q as FIPS 186-4 §4.6 asks, so it is
// done here.
func verifyDSA(k *dsa.PublicKey, digest, sig []byte) bool {
	in := cryptobyte.String(sig)
	var seq cryptobyte.String
	r, s := new(big.Int), new(big.Int)
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Integer(r) || !seq.ReadASN1Integer(s) || !seq.Empty() {
		return false
	}
	if n := k.Q.BitLen() / 8; len(digest) > n {
		digest = digest[:n]
	}
	return dsa.Verify(k, digest, r, s)
}
