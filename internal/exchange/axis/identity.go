package axis

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kyso-vn/kyso/internal/exchange/edxml"
)

// ErrNoAgencyCode is returned (wrapped) by AgencyCode when a certificate
// names no agency, or names two.
var ErrNoAgencyCode = errors.New("axis: the certificate names no agency identifier code")

// oidOrganizationIdentifier is X.520 organizationIdentifier, where kyso's
// organization profile writes "VN-" and the agency's code (package pki).
var oidOrganizationIdentifier = asn1.ObjectIdentifier{2, 5, 4, 97}

// AgencyCode returns the agency identifier code (mã định danh, e.g.
// 000.00.31.H56) that a certificate speaks for. It is read from, in the
// subject:
//
//   - organizationIdentifier "VN-<code>" (OID 2.5.4.97), what kyso's
//     organization profile writes, following the ETSI EN 319 412-1 §5.1.4
//     form of a country prefix and a national registration number;
//   - an organizationalUnitName that is exactly a code, what a service
//     certificate carries when its request put the code in the unit (the
//     service profile has no organizationIdentifier);
//   - a commonName that is exactly a code, for certificates issued by
//     other CAs to a system rather than to a person.
//
// Every place that holds a code must hold the same one: a certificate
// naming two agencies is refused rather than guessed at, as is an
// organizationIdentifier with the VN- prefix whose code is malformed.
func AgencyCode(cert *x509.Certificate) (string, error) {
	if cert == nil {
		return "", fmt.Errorf("%w: no certificate", ErrNoAgencyCode)
	}
	var codes []string
	add := func(c string) {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	for _, atv := range cert.Subject.Names {
		if !atv.Type.Equal(oidOrganizationIdentifier) {
			continue
		}
		s, _ := atv.Value.(string)
		code, ok := strings.CutPrefix(s, "VN-")
		if !ok {
			continue // another country's or scheme's identifier: not a code
		}
		if _, err := edxml.ParseOrganID(code); err != nil {
			return "", fmt.Errorf("%w: organizationIdentifier %q: %w", ErrNoAgencyCode, s, err)
		}
		add(code)
	}
	for _, ou := range cert.Subject.OrganizationalUnit {
		if _, err := edxml.ParseOrganID(ou); err == nil {
			add(ou)
		}
	}
	if cn := cert.Subject.CommonName; cn != "" {
		if _, err := edxml.ParseOrganID(cn); err == nil {
			add(cn)
		}
	}
	switch len(codes) {
	case 0:
		return "", fmt.Errorf("%w (subject %q): put organizationIdentifier VN-<code>, or the code as OU or CN", ErrNoAgencyCode, cert.Subject.String())
	case 1:
		return codes[0], nil
	}
	return "", fmt.Errorf("%w: the subject names several (%s); one certificate speaks for one agency", ErrNoAgencyCode, strings.Join(codes, ", "))
}

// Kind says what a package is.
type Kind string

// Kinds of package.
const (
	KindDocument Kind = "document" // an edXML document package (edxml.Parse)
	KindStatus   Kind = "status"   // a status message (edxml.ParseStatus)
)

// Valid reports whether k is one of the kinds.
func (k Kind) Valid() bool { return k == KindDocument || k == KindStatus }

// SOAP 1.1 envelope namespace, the root of a status message.
const nsSOAP = "http://schemas.xmlsoap.org/soap/envelope/"

// SniffKind guesses the kind of a package from its root element without
// parsing it: {edXML}edXML is a document, {SOAP}Envelope a status message.
// It reads at most a few tokens with encoding/xml, which never fetches or
// expands entities; anything it cannot tell is reported as a document, so
// that edxml.Parse names what is wrong with it.
func SniffKind(body []byte) Kind {
	d := xml.NewDecoder(bytes.NewReader(body))
	for range 32 {
		tok, err := d.Token()
		if err != nil {
			return KindDocument
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Space == nsSOAP && se.Name.Local == "Envelope" {
				return KindStatus
			}
			return KindDocument
		}
	}
	return KindDocument
}
