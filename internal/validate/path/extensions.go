package path

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// Certificate extension OIDs this package reads.
var (
	oidExtSubjectAltName      = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidExtKeyUsage            = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtBasicConstraints    = asn1.ObjectIdentifier{2, 5, 29, 19}
	oidExtNameConstraints     = asn1.ObjectIdentifier{2, 5, 29, 30}
	oidExtCRLDistPoints       = asn1.ObjectIdentifier{2, 5, 29, 31}
	oidExtCertPolicies        = asn1.ObjectIdentifier{2, 5, 29, 32}
	oidExtPolicyConstraints   = asn1.ObjectIdentifier{2, 5, 29, 36}
	oidExtExtendedKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidAnyExtendedKeyUsage    = asn1.ObjectIdentifier{2, 5, 29, 37, 0}
	oidExtIssuerAltName       = asn1.ObjectIdentifier{2, 5, 29, 18}
	oidExtPolicyMappings      = asn1.ObjectIdentifier{2, 5, 29, 33}
	oidExtInhibitAnyPolicy    = asn1.ObjectIdentifier{2, 5, 29, 54}
	oidExtFreshestCRL         = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidExtAuthorityKeyID      = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidExtAuthorityInfoAccess = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 1}
)

// processedCritical lists the certificate extensions that path validation
// processes, so a critical one is handled (§6.1.4 (o), §6.1.5 (f)).
// Extensions that RFC 5280 requires to be non-critical (authority and
// subject key identifiers, AIA, freshest CRL) are deliberately absent: this
// package only uses them as building hints, so marked critical they are
// unhandled, and a certificate that marks them so is rejected.
var processedCritical = []asn1.ObjectIdentifier{
	oidExtKeyUsage, oidExtBasicConstraints, oidExtSubjectAltName,
	oidExtNameConstraints, oidExtCertPolicies, oidExtPolicyMappings,
	oidExtPolicyConstraints, oidExtInhibitAnyPolicy, oidExtExtendedKeyUsage,
	oidExtCRLDistPoints, oidExtIssuerAltName,
}

// findExtension returns c's extension with that OID, or nil.
func findExtension(c *x509.Certificate, oid asn1.ObjectIdentifier) *pkix.Extension {
	for i := range c.Extensions {
		if c.Extensions[i].Id.Equal(oid) {
			return &c.Extensions[i]
		}
	}
	return nil
}

// unhandledCritical returns the first critical extension of c that neither
// this package nor the caller (extra) processes.
func unhandledCritical(c *x509.Certificate, extra []asn1.ObjectIdentifier) (asn1.ObjectIdentifier, bool) {
	for _, e := range c.Extensions {
		if !e.Critical {
			continue
		}
		if !oidIn(e.Id, processedCritical) && !oidIn(e.Id, extra) {
			return e.Id, true
		}
	}
	return nil, false
}

// oidIn reports whether oid is in list.
func oidIn(oid asn1.ObjectIdentifier, list []asn1.ObjectIdentifier) bool {
	for _, o := range list {
		if o.Equal(oid) {
			return true
		}
	}
	return false
}

// parseEKU reads the extKeyUsage extension as OIDs; RFC 5280 §4.2.1.12
// requires at least one.
func parseEKU(der []byte) ([]asn1.ObjectIdentifier, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("path: malformed extKeyUsage")
	}
	var out []asn1.ObjectIdentifier
	for !seq.Empty() {
		var oid asn1.ObjectIdentifier
		if !seq.ReadASN1ObjectIdentifier(&oid) {
			return nil, errors.New("path: malformed extKeyUsage purpose")
		}
		out = append(out, oid)
	}
	if len(out) == 0 {
		return nil, errors.New("path: empty extKeyUsage")
	}
	return out, nil
}
