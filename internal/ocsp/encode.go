package ocsp

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// oidOCSPBasic is id-pkix-ocsp-basic, the only responseType (RFC 6960 §4.2.1).
var oidOCSPBasic = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 1}

// response is the content of one signed response.
type response struct {
	alg        hashAlg
	serial     []byte // INTEGER content octets, as in request.serial
	entry      Entry
	producedAt time.Time
	thisUpdate time.Time
	nextUpdate time.Time
	nonce      []byte // extnValue to echo, or nil
}

// sign builds and signs a complete OCSPResponse (RFC 6960 §4.2.1) whose
// last bytes are is.certs.
//
// We encode it ourselves rather than with x/crypto/ocsp.CreateResponse for
// two reasons: CreateResponse can put extensions only into
// singleExtensions, but RFC 6960 §4.4.1 puts the nonce in
// responseExtensions, where clients such as OpenSSL look for it; and it
// dates producedAt with time.Now, bypassing the injected clock.
func (is *issuer) sign(r response) ([]byte, error) {
	tbs, err := is.tbsResponseData(r)
	if err != nil {
		return nil, fmt.Errorf("ocsp: encode response data: %w", err)
	}
	digest := sha256.Sum256(tbs)
	sig, err := is.Signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("ocsp: sign response: %w", err)
	}
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // OCSPResponse
		b.AddASN1Enum(0) // successful
		b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // ResponseBytes
				b.AddASN1ObjectIdentifier(oidOCSPBasic)
				b.AddASN1(cbasn1.OCTET_STRING, func(b *cryptobyte.Builder) {
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // BasicOCSPResponse
						b.AddBytes(tbs)
						b.AddBytes(is.sigAlg)
						b.AddASN1BitString(sig)
						b.AddBytes(is.certs) // must stay last: see issuer.certs
					})
				})
			})
		})
	})
	der, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("ocsp: encode response: %w", err)
	}
	return der, nil
}

// tbsResponseData encodes ResponseData with a single SingleResponse.
func (is *issuer) tbsResponseData(r response) ([]byte, error) {
	var b cryptobyte.Builder
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		// version is v1, the DEFAULT, so DER omits it.
		b.AddBytes(is.responderID)
		b.AddASN1GeneralizedTime(r.producedAt.UTC().Truncate(time.Second))
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // responses
			b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // SingleResponse
				is.addCertID(b, r.alg, r.serial)
				addCertStatus(b, r.entry)
				b.AddASN1GeneralizedTime(r.thisUpdate.UTC().Truncate(time.Second))
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1GeneralizedTime(r.nextUpdate.UTC().Truncate(time.Second))
				})
			})
		})
		if r.nonce != nil {
			// RFC 6960 §4.4.1: the nonce goes back in responseExtensions.
			b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // Extensions
					b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) { // Extension
						b.AddASN1ObjectIdentifier(oidOCSPNonce)
						b.AddASN1OctetString(r.nonce)
					})
				})
			})
		}
	})
	return b.Bytes()
}

// addCertID writes our canonical CertID: the request's hash algorithm with
// NULL parameters and our own hashes, so one cached response answers every
// request for the serial whatever encoding variant the client used.
func (is *issuer) addCertID(b *cryptobyte.Builder, alg hashAlg, serial []byte) {
	oid := oidSHA1
	if alg == hashSHA256 {
		oid = oidSHA256
	}
	b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1(cbasn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1ObjectIdentifier(oid)
			b.AddASN1NULL()
		})
		b.AddASN1OctetString(is.nameHash[alg])
		b.AddASN1OctetString(is.keyHash[alg])
		b.AddASN1(cbasn1.INTEGER, func(b *cryptobyte.Builder) { b.AddBytes(serial) })
	})
}

// addCertStatus writes the CertStatus CHOICE (RFC 6960 §4.2.1), whose
// alternatives are IMPLICIT-tagged.
func addCertStatus(b *cryptobyte.Builder, e Entry) {
	switch e.Status {
	case Good:
		b.AddASN1(cbasn1.Tag(0).ContextSpecific(), func(*cryptobyte.Builder) {})
	case Revoked:
		b.AddASN1(cbasn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1GeneralizedTime(e.RevokedAt.UTC().Truncate(time.Second))
			if validReason(e.Reason) && e.Reason != 0 {
				// RFC 5280 §5.3.1: unspecified (0) is expressed by leaving
				// the reason out.
				b.AddASN1(cbasn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
					b.AddASN1Enum(int64(e.Reason))
				})
			}
		})
	default:
		b.AddASN1(cbasn1.Tag(2).ContextSpecific(), func(*cryptobyte.Builder) {})
	}
}

// validReason reports whether r is an RFC 5280 §5.3.1 CRLReason (7 is unused).
func validReason(r int) bool {
	return r >= 0 && r <= 10 && r != 7
}

// serialInt converts INTEGER content octets (two's complement) to a big.Int.
func serialInt(content []byte) *big.Int {
	n := new(big.Int).SetBytes(content)
	if len(content) > 0 && content[0]&0x80 != 0 {
		n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(len(content))*8))
	}
	return n
}

// serialContent converts a big.Int to DER INTEGER content octets.
func serialContent(n *big.Int) ([]byte, error) {
	der, err := asn1.Marshal(n)
	if err != nil {
		return nil, err
	}
	var v asn1.RawValue
	if _, err := asn1.Unmarshal(der, &v); err != nil {
		return nil, err
	}
	return v.Bytes, nil
}
