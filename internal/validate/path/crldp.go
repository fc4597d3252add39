package path

import (
	"errors"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// reasonFlags is a ReasonFlags BIT STRING (RFC 5280 §4.2.1.13), bit i set
// for reason i; bit 0 ("unused") is ignored.
type reasonFlags uint16

// allReasons is every revocation reason that reasons_mask must reach
// (RFC 5280 §6.3.3 "all-reasons").
const allReasons reasonFlags = 0x1fe

// distributionPoint is a DistributionPoint of a certificate's
// cRLDistributionPoints, or the distributionPoint of a CRL's
// issuingDistributionPoint. Names relative to the CRL issuer are kept as an
// RDN to resolve against the issuer name when matching.
type distributionPoint struct {
	fullName  []generalName
	relative  []byte // DER SET of a nameRelativeToCRLIssuer, or nil
	hasName   bool
	reasons   reasonFlags // 0: all reasons
	crlIssuer []generalName
}

// parseDistributionPoints reads cRLDistributionPoints.
func parseDistributionPoints(der []byte) ([]distributionPoint, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() || seq.Empty() {
		return nil, errors.New("path: malformed cRLDistributionPoints")
	}
	var out []distributionPoint
	for !seq.Empty() {
		var dp cryptobyte.String
		if !seq.ReadASN1(&dp, casn1.SEQUENCE) {
			return nil, errors.New("path: malformed DistributionPoint")
		}
		var d distributionPoint
		var name, reasons, issuer cryptobyte.String
		var hasReasons, hasIssuer bool
		if !dp.ReadOptionalASN1(&name, &d.hasName, casn1.Tag(0).Constructed().ContextSpecific()) ||
			!dp.ReadOptionalASN1(&reasons, &hasReasons, casn1.Tag(1).ContextSpecific()) ||
			!dp.ReadOptionalASN1(&issuer, &hasIssuer, casn1.Tag(2).Constructed().ContextSpecific()) ||
			!dp.Empty() {
			return nil, errors.New("path: malformed DistributionPoint")
		}
		var err error
		if d.hasName {
			if err = d.readName(name); err != nil {
				return nil, err
			}
		}
		if hasReasons {
			if d.reasons, err = readReasonFlags(reasons); err != nil {
				return nil, err
			}
		}
		if hasIssuer {
			if d.crlIssuer, err = readGeneralNames(issuer); err != nil {
				return nil, err
			}
		}
		if !d.hasName && !hasIssuer {
			// RFC 5280 §4.2.1.13: one of them MUST be present.
			return nil, errors.New("path: DistributionPoint without name or cRLIssuer")
		}
		out = append(out, d)
	}
	return out, nil
}

// readName reads the inside of a [0] DistributionPointName.
func (d *distributionPoint) readName(s cryptobyte.String) error {
	var body cryptobyte.String
	var tag casn1.Tag
	if !s.ReadAnyASN1(&body, &tag) || !s.Empty() {
		return errors.New("path: malformed DistributionPointName")
	}
	switch tag {
	case casn1.Tag(0).Constructed().ContextSpecific():
		names, err := readGeneralNames(body)
		if err != nil {
			return err
		}
		d.fullName = names
	case casn1.Tag(1).Constructed().ContextSpecific():
		// Re-encode as a universal SET so that it parses as an RDN.
		var b cryptobyte.Builder
		b.AddASN1(casn1.SET, func(b *cryptobyte.Builder) { b.AddBytes(body) })
		rel, err := b.Bytes()
		if err != nil {
			return errors.New("path: malformed nameRelativeToCRLIssuer")
		}
		d.relative = rel
	default:
		return errors.New("path: unknown DistributionPointName")
	}
	return nil
}

// readReasonFlags reads a ReasonFlags BIT STRING body (implicitly tagged).
func readReasonFlags(s cryptobyte.String) (reasonFlags, error) {
	if len(s) == 0 || s[0] > 7 || len(s) > 3 {
		return 0, errors.New("path: malformed ReasonFlags")
	}
	var f reasonFlags
	for i, b := range s[1:] {
		for bit := 0; bit < 8; bit++ {
			if b&(0x80>>bit) != 0 {
				f |= 1 << (8*i + bit)
			}
		}
	}
	return f & allReasons, nil
}

// issuingDistributionPoint is a CRL's issuingDistributionPoint extension
// (RFC 5280 §5.2.5).
type issuingDistributionPoint struct {
	point         distributionPoint // hasName, fullName/relative; reasons = onlySomeReasons
	onlyUser      bool
	onlyCA        bool
	indirect      bool
	onlyAttribute bool
}

// parseIDP reads issuingDistributionPoint.
func parseIDP(der []byte) (*issuingDistributionPoint, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("path: malformed issuingDistributionPoint")
	}
	idp := &issuingDistributionPoint{}
	var name, reasons cryptobyte.String
	var hasReasons bool
	if !seq.ReadOptionalASN1(&name, &idp.point.hasName, casn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, errors.New("path: malformed issuingDistributionPoint")
	}
	if idp.point.hasName {
		if err := idp.point.readName(name); err != nil {
			return nil, err
		}
	}
	for _, f := range []struct {
		tag int
		dst *bool
	}{{1, &idp.onlyUser}, {2, &idp.onlyCA}, {3, nil}, {4, &idp.indirect}, {5, &idp.onlyAttribute}} {
		if f.dst == nil {
			if !seq.ReadOptionalASN1(&reasons, &hasReasons, casn1.Tag(3).ContextSpecific()) {
				return nil, errors.New("path: malformed onlySomeReasons")
			}
			continue
		}
		if !readImplicitBool(&seq, f.tag, f.dst) {
			return nil, errors.New("path: malformed issuingDistributionPoint flag")
		}
	}
	if !seq.Empty() {
		return nil, errors.New("path: trailing data in issuingDistributionPoint")
	}
	if hasReasons {
		var err error
		if idp.point.reasons, err = readReasonFlags(reasons); err != nil {
			return nil, err
		}
	}
	return idp, nil
}

// readImplicitBool reads an optional [tag] IMPLICIT BOOLEAN.
func readImplicitBool(s *cryptobyte.String, tag int, dst *bool) bool {
	var v cryptobyte.String
	var present bool
	if !s.ReadOptionalASN1(&v, &present, casn1.Tag(tag).ContextSpecific()) {
		return false
	}
	if present {
		if len(v) != 1 {
			return false
		}
		*dst = v[0] != 0
	}
	return true
}

// pointNames resolves a distribution point's names to comparable strings:
// directoryNames (including a name relative to issuer) canonically, other
// names by type and exact value.
func pointNames(d distributionPoint, issuer dname) []string {
	var out []string
	for _, g := range d.fullName {
		out = append(out, generalNameKey(g))
	}
	if d.relative != nil {
		var b cryptobyte.Builder
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddBytes(d.relative) })
		if der, err := b.Bytes(); err == nil {
			if r, _, err := parseName(der); err == nil {
				full := append(append(dname{}, issuer...), r...)
				out = append(out, "dn:"+full.key())
			}
		}
	}
	return out
}

// generalNameKey is a comparable form of a general name.
func generalNameKey(g generalName) string {
	if g.tag == gnDirectoryName {
		if n, _, err := parseName(g.data); err == nil {
			return "dn:" + n.key()
		}
	}
	return string(rune('0'+g.tag)) + ":" + string(g.data)
}

// intersects reports whether two name lists share a name.
func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}
