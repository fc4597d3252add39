package cms

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// assemble encodes the ContentInfo of a detached SignedData with one
// SignerInfo (RFC 5652 §3, §5), around signed-attribute content attrs and
// the checked signature sig.
func assemble(p *Prepared, attrs, sig []byte) ([]byte, error) {
	digestAlg, err := encode(func(b *cryptobyte.Builder) {
		// RFC 5754 §2: SHA-2 AlgorithmIdentifiers are generated with
		// absent parameters.
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(hashOID(p.Hash)) })
	})
	if err != nil {
		return nil, err
	}
	// SignedData version (RFC 5652 §5.1): 1 for id-data, 3 otherwise; the
	// SignerInfo is version 1 since its sid is issuerAndSerialNumber.
	version := int64(1)
	if !p.contentType.Equal(OIDData()) {
		version = 3
	}
	certs := certificateSet(p.cert, p.chain)
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // ContentInfo
			b.AddASN1ObjectIdentifier(oidSignedData())
			b.AddASN1(tagCons0, func(b *cryptobyte.Builder) { // [0] EXPLICIT
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignedData
					b.AddASN1Int64(version)
					b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(digestAlg) })
					b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // EncapsulatedContentInfo, no eContent: detached
						b.AddASN1ObjectIdentifier(p.contentType)
					})
					b.AddASN1(tagCons0, func(b *cryptobyte.Builder) { b.AddBytes(certs) }) // [0] IMPLICIT CertificateSet
					b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) {
						b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // SignerInfo
							b.AddASN1Int64(1)
							b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { // IssuerAndSerialNumber
								b.AddBytes(p.cert.RawIssuer)
								b.AddASN1BigInt(p.cert.SerialNumber)
							})
							b.AddBytes(digestAlg)
							b.AddASN1(tagCons0, func(b *cryptobyte.Builder) { b.AddBytes(attrs) }) // [0] IMPLICIT SignedAttributes
							addSignatureAlgorithm(b, p.cert, p.Hash)
							b.AddASN1OctetString(sig)
						})
					})
				})
			})
		})
	})
}

// addSignatureAlgorithm adds the signatureAlgorithm of the signer's key.
//
// RSA: rsaEncryption with NULL parameters. RFC 3370 §3.2 makes it the one
// identifier every CMS implementation that does RSA must accept (RFC 5754
// §3.2 keeps that for SHA-2), while sha256WithRSAEncryption and its
// siblings are only allowed; the hash is fixed anyway by digestAlgorithm and
// by the DigestInfo inside the PKCS #1 v1.5 signature. Adobe Acrobat,
// pdfsig, OpenSSL and EU DSS accept both, and kyso's TSA makes the same
// choice (internal/tsa).
//
// ECDSA: ecdsa-with-SHA256/384/512 without parameters (RFC 5753 §7.1.3,
// RFC 5758 §3.2), the only form CMS defines for ECDSA.
func addSignatureAlgorithm(b *cryptobyte.Builder, c *x509.Certificate, h crypto.Hash) {
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		switch c.PublicKey.(type) {
		case *rsa.PublicKey:
			b.AddASN1ObjectIdentifier(oidRSAEncryption())
			b.AddASN1NULL()
		case *ecdsa.PublicKey:
			b.AddASN1ObjectIdentifier(oidECDSAWithSHA(h))
		}
	})
}

// certificateSet returns the content of the certificates field: the
// signer's certificate and its chain, without duplicates, in DER SET OF
// order (X.690 §11.6); verifiers find the signer by issuer and serial
// number, not by position.
func certificateSet(cert *x509.Certificate, chain []*x509.Certificate) []byte {
	ders := [][]byte{cert.Raw}
	for _, c := range chain {
		if c != nil {
			ders = append(ders, c.Raw)
		}
	}
	slices.SortFunc(ders, bytes.Compare)
	ders = slices.CompactFunc(ders, bytes.Equal)
	return bytes.Join(ders, nil)
}
