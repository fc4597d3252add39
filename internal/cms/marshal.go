package cms

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// preparedVersion numbers the MarshalBinary format, so that a server
// upgraded between the two requests of a signature refuses old state
// instead of misreading it.
const preparedVersion = 1

// MarshalBinary encodes the Prepared for a session store, as DER:
//
//	Prepared ::= SEQUENCE {
//	    version     INTEGER (1),
//	    hash        OBJECT IDENTIFIER,
//	    contentType OBJECT IDENTIFIER,
//	    signedAttrs SET OF Attribute,      -- SignedAttrs as is
//	    certs       SEQUENCE OF Certificate } -- signer first, then chain
//
// ToSign is not stored: UnmarshalBinary recomputes it.
func (p *Prepared) MarshalBinary() ([]byte, error) {
	if p == nil || p.cert == nil || hashOID(p.Hash) == nil {
		return nil, errors.New("cms: marshal: the Prepared was not made by Prepare or UnmarshalBinary")
	}
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1Int64(preparedVersion)
			b.AddASN1ObjectIdentifier(hashOID(p.Hash))
			b.AddASN1ObjectIdentifier(p.contentType)
			b.AddBytes(p.SignedAttrs)
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(p.cert.Raw)
				for _, c := range p.chain {
					b.AddBytes(c.Raw)
				}
			})
		})
	})
}

// UnmarshalBinary restores a Prepared that MarshalBinary encoded. It checks
// what Prepare would have checked: the hash, the SET of signed attributes,
// and that the signer's key is one this package signs with.
func (p *Prepared) UnmarshalBinary(data []byte) error {
	bad := func(what string) error { return fmt.Errorf("%w: prepared state: %s", ErrMalformed, what) }
	in := cryptobyte.String(data)
	var seq, certs cryptobyte.String
	var version int64
	var hashID, contentType asn1.ObjectIdentifier
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() || !seq.ReadASN1Integer(&version) {
		return bad("not a Prepared")
	}
	if version != preparedVersion {
		return bad(fmt.Sprintf("version %d, this build reads %d", version, preparedVersion))
	}
	var attrs cryptobyte.String
	if !seq.ReadASN1ObjectIdentifier(&hashID) || !seq.ReadASN1ObjectIdentifier(&contentType) ||
		!seq.ReadASN1Element(&attrs, casn1.SET) || !seq.ReadASN1(&certs, casn1.SEQUENCE) || !seq.Empty() {
		return bad("fields")
	}
	h, ok := hashByOID(hashID)
	if !ok || hashOID(h) == nil {
		return bad(fmt.Sprintf("hash %v", hashID))
	}
	var list []*x509.Certificate
	for !certs.Empty() {
		var der cryptobyte.String
		if !certs.ReadASN1Element(&der, casn1.SEQUENCE) {
			return bad("certificate")
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return fmt.Errorf("%w: prepared state: certificate: %w", ErrMalformed, err)
		}
		list = append(list, c)
	}
	if len(list) == 0 {
		return bad("no signer certificate")
	}
	if err := signingKeyOK(list[0]); err != nil {
		return fmt.Errorf("cms: prepared state: %w", err)
	}
	*p = *newPrepared(append([]byte{}, attrs...), h, contentType, list[0], list[1:])
	return nil
}
