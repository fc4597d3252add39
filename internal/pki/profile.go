package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/textnorm"
)

// Profile is a kind of end-entity certificate.
type Profile string

// The profiles kyso issues.
const (
	ProfilePersonal     Profile = "personal"     // a person signing documents (cá nhân)
	ProfileOrganization Profile = "organization" // an agency's seal (tổ chức), applied by the clerk
	ProfileOCSP         Profile = "ocsp"         // a delegated OCSP responder
	ProfileTSA          Profile = "tsa"          // a time-stamping unit
	ProfileService      Profile = "service"      // a TLS server or client (the exchange axis, APIs)
)

// Profiles lists the profiles in display order.
var Profiles = []Profile{ProfilePersonal, ProfileOrganization, ProfileOCSP, ProfileTSA, ProfileService}

// ParseProfile returns the profile named s.
func ParseProfile(s string) (Profile, error) {
	for _, p := range Profiles {
		if string(p) == s {
			return p, nil
		}
	}
	return "", apperr.InvalidField("profile", "pki.profile_unknown", s)
}

// Object identifiers used in subjects and extensions.
var (
	oidCountry          = asn1.ObjectIdentifier{2, 5, 4, 6}
	oidOrganization     = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOrganizationUnit = asn1.ObjectIdentifier{2, 5, 4, 11}
	oidCommonName       = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidLocality         = asn1.ObjectIdentifier{2, 5, 4, 7}
	oidProvince         = asn1.ObjectIdentifier{2, 5, 4, 8}
	oidTitle            = asn1.ObjectIdentifier{2, 5, 4, 12}
	oidOrgIdentifier    = asn1.ObjectIdentifier{2, 5, 4, 97}                     // organizationIdentifier (X.520)
	oidUID              = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1} // userId; Vietnamese CAs put "CCCD:…" here
	oidOCSPNoCheck      = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 48, 1, 5}
	oidExtKeyUsage      = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidDocumentSigning  = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 36} // RFC 9336
	oidTimeStamping     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}
)

// Subject describes who a certificate is for. Personal certificates name a
// person; organization certificates name an agency.
type Subject struct {
	CommonName     string   `json:"common_name"`     // full name, or the agency's official name
	Organization   string   `json:"organization"`    // the agency
	Unit           string   `json:"unit,omitempty"`  // department
	Title          string   `json:"title,omitempty"` // chức vụ
	Province       string   `json:"province,omitempty"`
	Locality       string   `json:"locality,omitempty"`
	IdentityNumber string   `json:"identity_number,omitempty"` // CCCD number, personal only
	AgencyCode     string   `json:"agency_code,omitempty"`     // mã định danh, organization only
	DNSNames       []string `json:"dns_names,omitempty"`       // service only
	Email          string   `json:"email,omitempty"`
}

var identityPattern = regexp.MustCompile(`^[0-9]{9,12}$`)

// clean normalises the subject's text and checks it against the profile.
func (s *Subject) clean(p Profile) error {
	for _, f := range []*string{&s.CommonName, &s.Organization, &s.Unit, &s.Title, &s.Province, &s.Locality, &s.AgencyCode, &s.Email, &s.IdentityNumber} {
		*f = textnorm.Clean(*f)
	}
	if s.CommonName == "" || len(s.CommonName) > 64*4 {
		return apperr.InvalidField("common_name", "pki.subject.common_name")
	}
	switch p {
	case ProfilePersonal:
		if s.IdentityNumber != "" && !identityPattern.MatchString(s.IdentityNumber) {
			return apperr.InvalidField("identity_number", "pki.subject.identity_number")
		}
	case ProfileOrganization:
		if s.AgencyCode == "" {
			return apperr.InvalidField("agency_code", "pki.subject.agency_code")
		}
	case ProfileService:
		if len(s.DNSNames) == 0 {
			return apperr.InvalidField("dns_names", "pki.subject.dns_names")
		}
		for _, n := range s.DNSNames {
			if net.ParseIP(n) == nil && !validDNSName(n) {
				return apperr.InvalidField("dns_names", "pki.subject.dns_name_invalid", n)
			}
		}
	}
	return nil
}

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func validDNSName(n string) bool {
	if len(n) > 253 {
		return false
	}
	for _, l := range strings.Split(n, ".") {
		if !dnsLabel.MatchString(l) {
			return false
		}
	}
	return true
}

// rawName encodes a distinguished name with every text attribute as
// UTF8String (RFC 5280 §4.1.2.6 prefers it, and Vietnamese names need it)
// except the country, which must be a PrintableString.
func rawName(attrs [][2]any) ([]byte, error) {
	var rdns pkix.RDNSequence
	for _, a := range attrs {
		oid := a[0].(asn1.ObjectIdentifier)
		v := a[1].(string)
		if v == "" {
			continue
		}
		tag := asn1.TagUTF8String
		if oid.Equal(oidCountry) {
			tag = asn1.TagPrintableString
		}
		val := asn1.RawValue{Tag: tag, Class: asn1.ClassUniversal, Bytes: []byte(v)}
		rdns = append(rdns, pkix.RelativeDistinguishedNameSET{{Type: oid, Value: val}})
	}
	return asn1.Marshal(rdns)
}

func (s *Subject) rawName(p Profile) ([]byte, error) {
	attrs := [][2]any{{oidCountry, "VN"}, {oidProvince, s.Province}, {oidLocality, s.Locality}, {oidOrganization, s.Organization}}
	switch p {
	case ProfilePersonal:
		attrs = append(attrs, [2]any{oidOrganizationUnit, s.Unit}, [2]any{oidTitle, s.Title})
		if s.IdentityNumber != "" {
			attrs = append(attrs, [2]any{oidUID, "CCCD:" + s.IdentityNumber})
		}
	case ProfileOrganization:
		attrs = append(attrs, [2]any{oidOrgIdentifier, "VN-" + s.AgencyCode})
	default:
		attrs = append(attrs, [2]any{oidOrganizationUnit, s.Unit})
	}
	attrs = append(attrs, [2]any{oidCommonName, s.CommonName})
	return rawName(attrs)
}

// validity is how long each profile's certificates last by default.
var validity = map[Profile]time.Duration{
	ProfilePersonal:     3 * 365 * 24 * time.Hour,
	ProfileOrganization: 3 * 365 * 24 * time.Hour,
	ProfileOCSP:         365 * 24 * time.Hour,
	ProfileTSA:          5 * 365 * 24 * time.Hour,
	ProfileService:      365 * 24 * time.Hour,
}

// template builds the to-be-signed certificate for profile p. urls are the
// CA's public endpoints written into AIA and CRL distribution points.
func template(p Profile, s Subject, pub crypto.PublicKey, serial []byte, notBefore, notAfter time.Time, u urls) (*x509.Certificate, error) {
	raw, err := s.rawName(p)
	if err != nil {
		return nil, fmt.Errorf("pki: subject: %w", err)
	}
	t := &x509.Certificate{
		RawSubject:            raw,
		SerialNumber:          serialInt(serial),
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		OCSPServer:            []string{u.ocsp},
		IssuingCertificateURL: []string{u.issuer},
		CRLDistributionPoints: []string{u.crl},
	}
	if s.Email != "" {
		t.EmailAddresses = []string{s.Email}
	}
	switch p {
	case ProfilePersonal, ProfileOrganization:
		t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
		t.UnknownExtKeyUsage = []asn1.ObjectIdentifier{oidDocumentSigning}
	case ProfileOCSP:
		t.KeyUsage = x509.KeyUsageDigitalSignature
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageOCSPSigning}
		// RFC 6960 §4.2.2.2.1: a responder certificate is not itself checked.
		t.ExtraExtensions = append(t.ExtraExtensions, pkix.Extension{Id: oidOCSPNoCheck, Value: asn1.NullBytes})
		t.OCSPServer, t.CRLDistributionPoints = nil, nil
	case ProfileTSA:
		t.KeyUsage = x509.KeyUsageDigitalSignature
		// RFC 3161 §2.3: the only EKU, and critical. Go marks EKU
		// non-critical, so the extension is written by hand.
		eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidTimeStamping})
		if err != nil {
			return nil, err
		}
		t.ExtraExtensions = append(t.ExtraExtensions, pkix.Extension{Id: oidExtKeyUsage, Critical: true, Value: eku})
	case ProfileService:
		t.KeyUsage = x509.KeyUsageDigitalSignature
		if _, ok := pub.(interface{ Size() int }); ok { // RSA keys also encipher in TLS 1.2
			t.KeyUsage |= x509.KeyUsageKeyEncipherment
		}
		t.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
		for _, n := range s.DNSNames {
			if ip := net.ParseIP(n); ip != nil {
				t.IPAddresses = append(t.IPAddresses, ip)
			} else {
				t.DNSNames = append(t.DNSNames, n)
			}
		}
	default:
		return nil, apperr.InvalidField("profile", "pki.profile_unknown", string(p))
	}
	return t, nil
}
