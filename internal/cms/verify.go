package cms

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
)

// VerifyDetached checks the first SignerInfo against digest, the hash of the
// content made with DigestAlgorithm (for a PDF, of the bytes its ByteRange
// covers), in the order of RFC 5652 §5.6:
//
//   - the signer's certificate is known and is the one sid names
//     (ErrSignerNotFound, or ErrUnsupported for a certificate crypto/x509
//     cannot read);
//   - with signed attributes: content-type is present and equals
//     eContentType and message-digest is present (ErrMissingAttribute), and
//     message-digest equals digest (ErrDigestMismatch);
//   - the signature value verifies with the signer's public key
//     (ErrSignatureInvalid): over the DER SET OF signed attributes, or,
//     without signed attributes, over digest itself;
//   - a signing-certificate-v2 or signing-certificate attribute names the
//     signer's certificate (ErrSigningCertMismatch).
//
// Algorithms that cannot be checked give ErrUnsupported. Nothing is said
// about whether the certificate is trusted, valid at signing time, or fit for
// signing: that is path validation, the caller's next step.
func (s *Signed) VerifyDetached(digest []byte) error {
	if s.Signer == nil {
		if s.signerErr != nil {
			return s.signerErr
		}
		return fmt.Errorf("%w: %s", ErrSignerNotFound, s.SignerID.describe())
	}
	if !s.IsSigner(s.Signer) {
		// Signer was set by the caller to a certificate the sid does
		// not name (RFC 5652 §5.3).
		return fmt.Errorf("%w: %q is not %s", ErrSignerNotFound, s.Signer.Subject, s.SignerID.describe())
	}
	h := s.DigestAlgorithm
	if h == 0 || !h.Available() {
		return fmt.Errorf("%w: digest algorithm %v", ErrUnsupported, s.DigestAlgorithmOID)
	}
	if len(digest) != h.Size() {
		return fmt.Errorf("%w: a %v digest is %d bytes, this one %d", ErrDigestMismatch, h, h.Size(), len(digest))
	}
	if s.RawSignedAttrs == nil {
		// RFC 5652 §5.3: signedAttrs may only be omitted when the
		// content type is id-data; the signature is then over the
		// content's digest.
		if !s.ContentType.Equal(OIDData()) {
			return fmt.Errorf("%w: no signed attributes with eContentType %v", ErrMissingAttribute, s.ContentType)
		}
		return s.checkSignature(nil, digest)
	}
	switch {
	case s.attrContent == nil:
		return fmt.Errorf("%w: no content-type attribute (RFC 5652 §11.1)", ErrMissingAttribute)
	case !s.attrContent.Equal(s.ContentType):
		return fmt.Errorf("%w: content-type attribute %v, eContentType %v (RFC 5652 §11.1)", ErrMissingAttribute, s.attrContent, s.ContentType)
	case s.MessageDigest == nil:
		return fmt.Errorf("%w: no message-digest attribute (RFC 5652 §11.2)", ErrMissingAttribute)
	case !bytes.Equal(s.MessageDigest, digest):
		return fmt.Errorf("%w: the signature vouches for %x, the content's %v is %x", ErrDigestMismatch, s.MessageDigest, h, digest)
	}
	err := s.checkSignature(s.RawSignedAttrs, hashOf(h, s.RawSignedAttrs))
	if err != nil && errors.Is(err, ErrSignatureInvalid) && s.sortedAttrs != nil {
		// The signer should have signed the DER (sorted) encoding but
		// sent another order, or signed the order it sent: RFC 5652
		// §5.4 names the first, several producers did the second.
		if s.checkSignature(s.sortedAttrs, hashOf(h, s.sortedAttrs)) == nil {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	return s.checkSigningCertificate(s.Signer)
}

// Verify checks a SignedData that encapsulates its content (adbe.pkcs7.sha1
// PDF signatures, RFC 3161 time-stamp tokens): VerifyDetached over the
// digest of Content.
func (s *Signed) Verify() error {
	if s.Content == nil {
		return errors.New("cms: verify: no encapsulated content; the signature is detached, use VerifyDetached")
	}
	if s.DigestAlgorithm == 0 || !s.DigestAlgorithm.Available() {
		return fmt.Errorf("%w: digest algorithm %v", ErrUnsupported, s.DigestAlgorithmOID)
	}
	return s.VerifyDetached(hashOf(s.DigestAlgorithm, s.Content))
}

// checkSigningCertificate checks the ESS attributes against the signer's
// certificate (RFC 5035 §3, ETSI EN 319 122-1 §5.2.2.3). Without them a
// certificate for the same key with other attributes could be substituted
// (RFC 2634 §5 describes the attack); when both are present, both must hold.
func (s *Signed) checkSigningCertificate(c *x509.Certificate) error {
	for _, e := range []struct {
		id   *ESSCertIDv2
		name string
	}{{s.SigningCertificateV2, "signing-certificate-v2"}, {s.SigningCertificate, "signing-certificate"}} {
		if e.id == nil {
			continue
		}
		if err := e.id.Matches(c); err != nil {
			return fmt.Errorf("%s attribute: %w", e.name, err)
		}
	}
	return nil
}

// Matches checks that the identifier names c: its hash, and issuer and serial
// number when present. Errors wrap ErrSigningCertMismatch or, for a hash this
// package cannot compute, ErrUnsupported.
func (e *ESSCertIDv2) Matches(c *x509.Certificate) error {
	if e.HashAlgorithm == 0 || !e.HashAlgorithm.Available() {
		return fmt.Errorf("%w: certificate hash algorithm %v", ErrUnsupported, e.HashOID)
	}
	if !bytes.Equal(e.CertHash, hashOf(e.HashAlgorithm, c.Raw)) {
		return fmt.Errorf("%w: certHash is not the %v of %q", ErrSigningCertMismatch, e.HashAlgorithm, c.Subject)
	}
	if e.SerialNumber != nil && (e.SerialNumber.Cmp(c.SerialNumber) != 0 || (e.Issuer != nil && !sameName(e.Issuer, c.RawIssuer))) {
		return fmt.Errorf("%w: issuerSerial does not name %q", ErrSigningCertMismatch, c.Subject)
	}
	return nil
}
