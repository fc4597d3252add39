package cms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// minSigningRSABits is the smallest RSA key Prepare signs with: shorter
// moduli are below what ETSI TS 119 312 recommends for new signatures.
const minSigningRSABits = 2048

// Prepared is the first half of a two-phase signature: the signed
// attributes and their digest, which a signing device outside the server
// (a USB token agent, a phone, a remote HSM) signs; Complete then builds the
// SignedData around that signature.
//
// A Prepared is not authenticated. Keep it on the server between the two
// requests (MarshalBinary gives bytes for a session store), or seal it
// before it leaves: whoever can alter it chooses what the user signs.
type Prepared struct {
	// SignedAttrs is the DER SET OF Attribute (tag 0x31) that the
	// signature covers (RFC 5652 §5.4).
	SignedAttrs []byte
	// ToSign is the Hash digest of SignedAttrs: what the device signs
	// (PKCS #1 v1.5 for RSA keys, ECDSA for EC keys).
	ToSign []byte
	// Hash is the digest algorithm of the content, of SignedAttrs and of
	// the signature.
	Hash crypto.Hash

	contentType asn1.ObjectIdentifier
	cert        *x509.Certificate
	chain       []*x509.Certificate
}

// Certificate returns the signer's certificate, whose key must sign ToSign.
func (p *Prepared) Certificate() *x509.Certificate { return p.cert }

// Prepare starts a signature over content whose o.Hash digest is digest
// (for a PDF, the bytes its ByteRange covers): it builds the signed
// attributes content-type, message-digest, signing-certificate-v2 and,
// when o asks for it, signing-time (RFC 5652 §5.3, §11; RFC 5035 §3).
func Prepare(digest []byte, si SignerInfo, o Options) (*Prepared, error) {
	o, err := o.resolve()
	if err != nil {
		return nil, fmt.Errorf("cms: prepare: %w", err)
	}
	if len(digest) != o.Hash.Size() {
		return nil, fmt.Errorf("cms: prepare: a %v digest is %d bytes, not %d", o.Hash, o.Hash.Size(), len(digest))
	}
	if si.Cert == nil {
		return nil, errors.New("cms: prepare: no signer certificate")
	}
	if err := signingKeyOK(si.Cert); err != nil {
		return nil, fmt.Errorf("cms: prepare: %w", err)
	}
	attrs, err := signedAttributes(digest, si.Cert, o)
	if err != nil {
		return nil, err
	}
	return newPrepared(attrs, o.Hash, o.ContentType, si.Cert, si.Chain), nil
}

// newPrepared fills a Prepared, computing ToSign.
func newPrepared(attrs []byte, h crypto.Hash, contentType asn1.ObjectIdentifier, cert *x509.Certificate, chain []*x509.Certificate) *Prepared {
	return &Prepared{
		SignedAttrs: attrs,
		ToSign:      hashOf(h, attrs),
		Hash:        h,
		contentType: contentType,
		cert:        cert,
		chain:       chain,
	}
}

// signingKeyOK refuses keys this package does not sign with.
func signingKeyOK(c *x509.Certificate) error {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() < minSigningRSABits {
			return fmt.Errorf("%w: %d-bit RSA key; at least %d bits", ErrUnsupported, k.N.BitLen(), minSigningRSABits)
		}
		return nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return nil
		}
		return fmt.Errorf("%w: curve %s", ErrUnsupported, k.Curve.Params().Name)
	}
	return fmt.Errorf("%w: %T keys; sign with RSA or ECDSA", ErrUnsupported, c.PublicKey)
}

// Complete finishes the signature with signature, the device's signature of
// ToSign, and returns the DER ContentInfo. The signature is checked against
// the certificate's key first, so that a wrong key, a truncated value or a
// signature of something else is an error (wrapping ErrSignatureInvalid)
// and never a CMS that no validator accepts. An ECDSA signature may come
// in the r‖s form that PKCS #11 tokens return (PKCS #11 Mechanisms §2.3.1,
// "EC Signatures"); it is converted to the Ecdsa-Sig-Value that CMS carries
// (RFC 5753 §7.2).
func (p *Prepared) Complete(signature []byte) ([]byte, error) {
	if p == nil || p.cert == nil || hashOID(p.Hash) == nil {
		return nil, errors.New("cms: complete: the Prepared was not made by Prepare or UnmarshalBinary")
	}
	in := cryptobyte.String(p.SignedAttrs)
	var content cryptobyte.String
	if !in.ReadASN1(&content, casn1.SET) || !in.Empty() {
		return nil, fmt.Errorf("%w: complete: SignedAttrs is not a DER SET", ErrMalformed)
	}
	sig, err := checkOwnSignature(p.cert, p.Hash, hashOf(p.Hash, p.SignedAttrs), signature)
	if err != nil {
		return nil, err
	}
	return assemble(p, content, sig)
}

// checkOwnSignature verifies a signature that Prepare's caller obtained and
// returns it in the form CMS carries.
func checkOwnSignature(c *x509.Certificate, h crypto.Hash, digest, sig []byte) ([]byte, error) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		if len(sig) != k.Size() {
			return nil, fmt.Errorf("%w: complete: %d bytes, a signature of the %d-bit key of %q has %d", ErrSignatureInvalid, len(sig), k.N.BitLen(), c.Subject, k.Size())
		}
		if err := rsa.VerifyPKCS1v15(k, h, digest, sig); err != nil {
			return nil, fmt.Errorf("%w: complete: not a PKCS #1 v1.5 %v signature of ToSign by the key of %q", ErrSignatureInvalid, h, c.Subject)
		}
		return sig, nil
	case *ecdsa.PublicKey:
		if ecdsa.VerifyASN1(k, digest, sig) {
			return sig, nil
		}
		if der, ok := plainToASN1(sig, k); ok && ecdsa.VerifyASN1(k, digest, der) {
			return der, nil
		}
		return nil, fmt.Errorf("%w: complete: not an ECDSA signature of ToSign by the key of %q", ErrSignatureInvalid, c.Subject)
	}
	return nil, fmt.Errorf("%w: complete: %T keys", ErrUnsupported, c.PublicKey)
}
