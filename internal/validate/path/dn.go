package path

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// dname is a distinguished name read far enough to compare it as RFC 5280
// §7.1 asks: attribute values of the directory string types are compared
// after case folding and whitespace compression (RFC 4518, simplified), so
// PrintableString and UTF8String spellings of a name match (PKITS 4.3).
type dname []rdn

// rdn is one RelativeDistinguishedName: a set, so its attributes are sorted.
type rdn []string

// oidEmailAddress is the DER body of 1.2.840.113549.1.9.1 (PKCS #9
// emailAddress), which RFC 5280 §4.2.1.10 subjects to rfc822Name constraints.
var oidEmailAddress = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01}

var folder = cases.Fold()

// parseName reads a DER Name (RDNSequence). emails returns the values of
// emailAddress attributes, which a caller applies rfc822Name constraints to.
func parseName(der []byte) (n dname, emails []string, err error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() {
		return nil, nil, errors.New("path: malformed name")
	}
	for !seq.Empty() {
		var set cryptobyte.String
		if !seq.ReadASN1(&set, casn1.SET) {
			return nil, nil, errors.New("path: malformed relative distinguished name")
		}
		var r rdn
		for !set.Empty() {
			var atv, oid, val cryptobyte.String
			var tag casn1.Tag
			if !set.ReadASN1(&atv, casn1.SEQUENCE) ||
				!atv.ReadASN1(&oid, casn1.OBJECT_IDENTIFIER) ||
				!atv.ReadAnyASN1(&val, &tag) || !atv.Empty() {
				return nil, nil, errors.New("path: malformed attribute in name")
			}
			if string(oid) == string(oidEmailAddress) && tag == casn1.IA5String {
				emails = append(emails, string(val))
			}
			r = append(r, hex.EncodeToString(oid)+"="+canonicalValue(tag, val))
		}
		if len(r) == 0 {
			return nil, nil, errors.New("path: empty relative distinguished name")
		}
		sort.Strings(r)
		n = append(n, r)
	}
	return n, emails, nil
}

// key is a canonical string for n: equal keys mean matching names.
func (n dname) key() string {
	var b strings.Builder
	for _, r := range n {
		b.WriteString(strconv.Quote(strings.Join(r, "\x00")))
		b.WriteByte(',')
	}
	return b.String()
}

// hasPrefix reports whether p's RDNs start n: the directoryName subtree test
// of RFC 5280 §4.2.1.10.
func (n dname) hasPrefix(p dname) bool {
	if len(p) > len(n) {
		return false
	}
	for i := range p {
		if len(p[i]) != len(n[i]) {
			return false
		}
		for j := range p[i] {
			if p[i][j] != n[i][j] {
				return false
			}
		}
	}
	return true
}

// canonicalValue renders an attribute value for comparison: strings folded
// and whitespace-compressed, anything else as its exact encoding.
func canonicalValue(tag casn1.Tag, val []byte) string {
	if s, ok := decodeDirectoryString(tag, val); ok {
		return "s:" + foldString(s)
	}
	return "x:" + hex.EncodeToString(append([]byte{byte(tag)}, val...))
}

// decodeDirectoryString decodes the ASN.1 string types that names use.
func decodeDirectoryString(tag casn1.Tag, val []byte) (string, bool) {
	switch tag {
	case casn1.UTF8String:
		return string(val), utf8.Valid(val)
	case casn1.PrintableString, casn1.IA5String, 26 /* VisibleString */, 18 /* NumericString */ :
		for _, c := range val {
			if c >= 0x80 {
				return "", false
			}
		}
		return string(val), true
	case casn1.T61String:
		// TeletexString is taken as Latin-1, as most software does.
		r := make([]rune, len(val))
		for i, c := range val {
			r[i] = rune(c)
		}
		return string(r), true
	case 30: // BMPString, UTF-16BE
		if len(val)%2 != 0 {
			return "", false
		}
		u := make([]uint16, len(val)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(val[2*i:])
		}
		return string(utf16.Decode(u)), true
	case 28: // UniversalString, UTF-32BE
		if len(val)%4 != 0 {
			return "", false
		}
		r := make([]rune, len(val)/4)
		for i := range r {
			r[i] = rune(binary.BigEndian.Uint32(val[4*i:]))
		}
		return string(r), true
	}
	return "", false
}

// foldString applies the parts of RFC 4518 string preparation that matter
// in practice: NFKC, case folding, and leading, trailing and repeated
// whitespace removed.
func foldString(s string) string {
	s = folder.String(norm.NFKC.String(s))
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}
