package cms

import (
	"crypto"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"time"
)

// SignerInfo names the signer: the certificate whose key signs, and the
// certificates to ship with it so that a validator can build the path. The
// root may be left out; validators must find it among their trust anchors
// anyway.
type SignerInfo struct {
	Cert  *x509.Certificate
	Chain []*x509.Certificate
}

// Options tunes a signature. The zero value is a PAdES baseline B-B CMS
// with SHA-256.
type Options struct {
	// Hash is the digest algorithm: SHA-256 (the default), SHA-384 or
	// SHA-512. It must be the one the digest given to Prepare was made
	// with.
	Hash crypto.Hash
	// SigningTime, when not zero, adds a signing-time attribute (RFC 5652
	// §11.3). Leave it zero for PAdES: ETSI EN 319 142-1 §6.3 forbids the
	// attribute in PAdES baseline signatures, whose claimed time is the
	// PDF signature dictionary's /M. It is for plain CMS and .p7s files.
	SigningTime time.Time
	// ContentType is eContentType and the content-type attribute; id-data
	// by default, which PAdES requires (ETSI EN 319 142-1 §6.3).
	ContentType asn1.ObjectIdentifier
}

// resolve fills in the defaults and refuses what this package does not
// sign with.
func (o Options) resolve() (Options, error) {
	if o.Hash == 0 {
		o.Hash = crypto.SHA256
	}
	if hashOID(o.Hash) == nil {
		return o, fmt.Errorf("%w: hash %v; sign with SHA-256, SHA-384 or SHA-512", ErrUnsupported, o.Hash)
	}
	if len(o.ContentType) == 0 {
		o.ContentType = OIDData()
	}
	return o, nil
}
