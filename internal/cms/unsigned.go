package cms

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"slices"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// SignatureValue returns the first SignerInfo's signature value: what a TSA
// time-stamps for a signature-time-stamp (ETSI EN 319 122-1 §5.3: the
// message imprint is the hash of the signature field's value, without its
// tag and length).
func SignatureValue(der []byte) ([]byte, error) {
	s, err := Parse(der)
	if err != nil {
		return nil, err
	}
	return s.Signature, nil
}

// AddUnsignedAttribute returns der with an attribute of type oid and the
// single value value (DER of one AttributeValue) added to the first
// SignerInfo's unsignedAttrs (RFC 5652 §5.3), creating them if absent. For
// PAdES B-T, oid is OIDSignatureTimeStampToken and value the TimeStampToken
// over SignatureValue(der) (ETSI EN 319 122-1 §5.3).
//
// Everything the signature covers is kept byte for byte; unsigned
// attributes are outside it (RFC 5652 §5.4), so the signature stays valid.
// A BER input comes back DER (see Parse), without trailing bytes. Existing
// unsigned attributes are kept, and the set is re-sorted into DER order
// (X.690 §11.6). The result, like the input, may not exceed MaxSize.
func AddUnsignedAttribute(der []byte, oid asn1.ObjectIdentifier, value []byte) ([]byte, error) {
	v := cryptobyte.String(value)
	var elem cryptobyte.String
	if !v.ReadAnyASN1Element(&elem, nil) || !v.Empty() {
		return nil, fmt.Errorf("%w: add unsigned attribute: the value is not one DER element", ErrMalformed)
	}
	// Parse first: it checks the whole structure and guarantees that the
	// walk below meets what it expects.
	if _, err := Parse(der); err != nil {
		return nil, err
	}
	buf, _, _, err := toDER(der)
	if err != nil {
		return nil, err
	}
	// The new Attribute and the longer lengths around it add at most a
	// few dozen bytes to buf and value.
	if len(buf)+len(value)+64 > MaxSize {
		return nil, fmt.Errorf("%w: add unsigned attribute: the result would exceed %d bytes", ErrTooLarge, MaxSize)
	}
	attr, err := attribute(oid, func(b *cryptobyte.Builder) { b.AddBytes(value) })
	if err != nil {
		return nil, err
	}
	out, err := rebuild(buf, attr)
	if err != nil {
		return nil, err
	}
	if _, err := Parse(out); err != nil {
		return nil, fmt.Errorf("cms: add unsigned attribute: the result does not parse: %w", err)
	}
	return out, nil
}

// rebuild re-encodes the ContentInfo der with attr added to the first
// SignerInfo's unsignedAttrs. Only the lengths of the enclosing elements
// change; the fields before signerInfos are copied as they are.
func rebuild(der []byte, attr []byte) ([]byte, error) {
	bad := malformed("add unsigned attribute: unexpected structure")
	in := cryptobyte.String(der)
	var ci, content, sd cryptobyte.String
	var ctype asn1.ObjectIdentifier
	if !in.ReadASN1(&ci, casn1.SEQUENCE) || !ci.ReadASN1ObjectIdentifier(&ctype) ||
		!ci.ReadASN1(&content, tagCons0) || !content.ReadASN1(&sd, casn1.SEQUENCE) {
		return nil, bad
	}
	// SignedData: every field up to signerInfos, which is last.
	var head [][]byte
	for {
		var el cryptobyte.String
		var tag casn1.Tag
		if !sd.ReadAnyASN1Element(&el, &tag) {
			return nil, bad
		}
		if sd.Empty() {
			if tag != casn1.SET {
				return nil, bad
			}
			var sis, first cryptobyte.String
			if !el.ReadASN1(&sis, casn1.SET) || !sis.ReadASN1(&first, casn1.SEQUENCE) {
				return nil, bad
			}
			si, err := withUnsigned(first, attr)
			if err != nil {
				return nil, err
			}
			return encode(func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(ctype)
					b.AddASN1(tagCons0, func(b *cryptobyte.Builder) {
						b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
							for _, h := range head {
								b.AddBytes(h)
							}
							b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) {
								b.AddBytes(si)
								b.AddBytes(sis) // the other SignerInfos, if any
							})
						})
					})
				})
			})
		}
		head = append(head, el)
	}
}

// withUnsigned re-encodes the content of a SignerInfo with attr among its
// unsignedAttrs, the last, optional field.
func withUnsigned(si cryptobyte.String, attr []byte) ([]byte, error) {
	var fields [][]byte
	attrs := [][]byte{attr}
	for !si.Empty() {
		var el cryptobyte.String
		var tag casn1.Tag
		if !si.ReadAnyASN1Element(&el, &tag) {
			return nil, malformed("add unsigned attribute: SignerInfo")
		}
		if tag == tagCons1 && si.Empty() {
			var set cryptobyte.String
			if !el.ReadASN1(&set, tagCons1) {
				return nil, malformed("add unsigned attribute: unsignedAttrs")
			}
			for !set.Empty() {
				var a cryptobyte.String
				if !set.ReadASN1Element(&a, casn1.SEQUENCE) {
					return nil, malformed("add unsigned attribute: unsignedAttrs")
				}
				attrs = append(attrs, a)
			}
			continue
		}
		fields = append(fields, el)
	}
	slices.SortFunc(attrs, bytes.Compare)
	return encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for _, f := range fields {
				b.AddBytes(f)
			}
			b.AddASN1(tagCons1, func(b *cryptobyte.Builder) { b.AddBytes(bytes.Join(attrs, nil)) })
		})
	})
}
