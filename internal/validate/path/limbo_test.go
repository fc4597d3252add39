package path

import (
	"compress/gzip"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"github.com/kyso-vn/kyso/internal/testpki"
	"os"

	"sort"
	"strings"
	"testing"
	"time"
)

// limboFile is x509-limbo's limbo.json.gz (see its README); KYSO_LIMBO
// overrides it.
func limboFile() string {
	if f := os.Getenv("KYSO_LIMBO"); f != "" {
		return f
	}
	return testpki.SharedData("x509-limbo/limbo.json.gz")
}

// limboCase is one x509-limbo test case, the fields kyso uses.
type limboCase struct {
	ID                string          `json:"id"`
	Features          []string        `json:"features"`
	ValidationKind    string          `json:"validation_kind"`
	TrustedCerts      []string        `json:"trusted_certs"`
	Intermediates     []string        `json:"untrusted_intermediates"`
	PeerCertificate   string          `json:"peer_certificate"`
	ValidationTime    *string         `json:"validation_time"`
	KeyUsage          []string        `json:"key_usage"`
	ExtendedKeyUsage  []string        `json:"extended_key_usage"`
	ExpectedResult    string          `json:"expected_result"`
	ExpectedPeerName  *limboPeerName  `json:"expected_peer_name"`
	ExpectedPeerNames []limboPeerName `json:"expected_peer_names"`
	MaxChainDepth     *int            `json:"max_chain_depth"`
	CRLs              []string        `json:"crls"`
}

// limboPeerName is a name the peer must carry.
type limboPeerName struct {
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// limboSkippedNamespaces are not run, with why.
var limboSkippedNamespaces = map[string]string{
	"webpki": "CA/Browser Forum Baseline Requirements for TLS server certificates (key sizes and curves, SAN and CN rules, EKU profile); kyso judges document-signing certificates of any CA by RFC 5280, which these rules do not govern",
}

// limboSkippedFeatures are features kyso does not claim, with why; cases
// carrying one are not run (limbo asks consumers to skip features they do
// not implement).
var limboSkippedFeatures = map[string]string{
	"pedantic-webpki-subscriber-key":  "Web PKI key rules",
	"pedantic-webpki-eku":             "Web PKI EKU profile",
	"pedantic-public-suffix-wildcard": "Web PKI wildcard rules",
	"pedantic-serial-number":          "RFC 5280 §4.1.2.2 issuance profile (serial length, zero); crypto/x509 already refuses negative serials",
	"pedantic-rfc5280":                "RFC 5280 issuance profile beyond §6 (AKI on cross-signed roots)",
}

// profileReason explains the expected failures that are RFC 5280 issuance
// rules (what a conforming CA MUST do) rather than §6 path validation.
const profileReason = "RFC 5280 issuance profile, not §6 path validation: kyso accepts certificates of any CA that validate under §6 and does not reject on this CA mistake"

// limboExpectedFailures are cases kyso gets wrong on purpose, with why.
var limboExpectedFailures = map[string]string{
	"rfc5280::aki::leaf-missing-aki":               profileReason + " (§4.2.1.1 AKI; kyso builds by name and uses key identifiers only to order candidates)",
	"rfc5280::aki::intermediate-missing-aki":       profileReason + " (§4.2.1.1 AKI)",
	"rfc5280::ski::root-missing-ski":               profileReason + " (§4.2.1.2 SKI)",
	"rfc5280::ski::intermediate-missing-ski":       profileReason + " (§4.2.1.2 SKI)",
	"rfc5280::nc::permitted-dns-match-noncritical": profileReason + " (§4.2.1.10 criticality): kyso applies name constraints whether critical or not, which is the stricter reading",
	"rfc5280::nc::not-allowed-in-ee-noncritical":   profileReason + " (§4.2.1.10: name constraints only in CA certificates); constraints in a leaf constrain nothing",
	"rfc5280::nc::not-allowed-in-ee-critical":      profileReason + " (§4.2.1.10: name constraints only in CA certificates); constraints in a leaf constrain nothing",
	"rfc5280::pc::ica-noncritical-pc":              profileReason + " (§4.2.1.11 criticality): kyso applies policyConstraints whether critical or not",
	"rfc5280::root-non-critical-basic-constraints": profileReason + " (§4.2.1.9 criticality); PKITS 4.6.4 expects a non-critical basicConstraints to be accepted",
	"rfc5280::leaf-ku-keycertsign":                 profileReason + " (§4.2.1.9 keyCertSign without cA); a non-CA leaf cannot issue in kyso's paths anyway",
	"rfc5280::san::noncritical-with-empty-subject": profileReason + " (§4.2.1.6 criticality)",
	"rfc5280::san::underscore-dns":                 "DNS syntax of a SAN is a TLS host-name concern; crypto/x509's VerifyHostname accepts underscores",
}

// limboEKUs maps limbo's EKU names to OIDs.
var limboEKUs = map[string]asn1.ObjectIdentifier{
	"anyExtendedKeyUsage": {2, 5, 29, 37, 0},
	"serverAuth":          {1, 3, 6, 1, 5, 5, 7, 3, 1},
	"clientAuth":          {1, 3, 6, 1, 5, 5, 7, 3, 2},
	"codeSigning":         {1, 3, 6, 1, 5, 5, 7, 3, 3},
	"emailProtection":     {1, 3, 6, 1, 5, 5, 7, 3, 4},
	"timeStamping":        {1, 3, 6, 1, 5, 5, 7, 3, 8},
	"OCSPSigning":         {1, 3, 6, 1, 5, 5, 7, 3, 9},
}

// limboKeyUsages maps limbo's key usage names to bits.
var limboKeyUsages = map[string]x509.KeyUsage{
	"digitalSignature":  x509.KeyUsageDigitalSignature,
	"contentCommitment": x509.KeyUsageContentCommitment,
	"keyEncipherment":   x509.KeyUsageKeyEncipherment,
	"dataEncipherment":  x509.KeyUsageDataEncipherment,
	"keyAgreement":      x509.KeyUsageKeyAgreement,
	"keyCertSign":       x509.KeyUsageCertSign,
	"cRLSign":           x509.KeyUsageCRLSign,
	"encipherOnly":      x509.KeyUsageEncipherOnly,
	"decipherOnly":      x509.KeyUsageDecipherOnly,
}

// TestLimbo runs x509-limbo's path validation cases and reports pass rates
// overall and per namespace.
func TestLimbo(t *testing.T) {
	f, err := os.Open(limboFile())
	if err != nil {
		t.Skipf("skipping: %v (set KYSO_LIMBO)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Testcases []limboCase `json:"testcases"`
	}
	if err := json.NewDecoder(zr).Decode(&suite); err != nil {
		t.Fatal(err)
	}
	type tally struct{ run, pass, parse, xfail, skip, skipPass int }
	stats := map[string]*tally{}
	seen := map[string]bool{}
	for _, tc := range suite.Testcases {
		ns, _, _ := strings.Cut(tc.ID, "::")
		if stats[ns] == nil {
			stats[ns] = &tally{}
		}
		s := stats[ns]
		seen[tc.ID] = true
		if why := limboSkip(tc); why != "" {
			// Not asserted, only counted for docs/conformance.md.
			s.skip++
			if got, _, _ := runLimbo(tc); got == tc.ExpectedResult {
				s.skipPass++
			}
			continue
		}
		s.run++
		t.Run(tc.ID, func(t *testing.T) {
			got, parseRejected, err := runLimbo(tc)
			ok := got == tc.ExpectedResult
			why, expectFail := limboExpectedFailures[tc.ID]
			switch {
			case ok && expectFail:
				t.Errorf("passes but is listed as an expected failure (%s)", why)
			case ok:
				s.pass++
				if parseRejected {
					s.parse++
				}
			case expectFail:
				s.xfail++
			default:
				t.Errorf("got %s, want %s: %v", got, tc.ExpectedResult, err)
			}
		})
	}
	for id := range limboExpectedFailures {
		if !seen[id] {
			t.Errorf("expected failure %s is not in the suite", id)
		}
	}
	var names []string
	total := tally{}
	for ns, s := range stats {
		names = append(names, ns)
		total.run, total.pass, total.parse = total.run+s.run, total.pass+s.pass, total.parse+s.parse
		total.xfail, total.skip, total.skipPass = total.xfail+s.xfail, total.skip+s.skip, total.skipPass+s.skipPass
	}
	sort.Strings(names)
	for _, ns := range names {
		s := stats[ns]
		t.Logf("limbo %-13s run %3d pass %3d (parse-rejected %2d) expected-fail %2d skipped %3d (would pass %2d)", ns, s.run, s.pass, s.parse, s.xfail, s.skip, s.skipPass)
	}
	t.Logf("limbo %-13s run %3d pass %3d (parse-rejected %2d) expected-fail %2d skipped %3d (would pass %2d)", "total", total.run, total.pass, total.parse, total.xfail, total.skip, total.skipPass)
}

// limboSkip says why a case is not run, or "".
func limboSkip(tc limboCase) string {
	ns, _, _ := strings.Cut(tc.ID, "::")
	if why, ok := limboSkippedNamespaces[ns]; ok {
		return why
	}
	for _, f := range tc.Features {
		if why, ok := limboSkippedFeatures[f]; ok {
			return why
		}
	}
	return ""
}

// runLimbo validates one case and returns SUCCESS or FAILURE with the
// reason for a failure; parseRejected reports that crypto/x509 refused one
// of the case's certificates, so a FAILURE may come from parsing rather than
// from validation.
func runLimbo(tc limboCase) (result string, parseRejected bool, err error) {
	result, err = runLimboParsed(tc, &parseRejected)
	return result, parseRejected && result == "FAILURE", err
}

// runLimboParsed is runLimbo; it sets *rejected when a certificate does not
// parse.
func runLimboParsed(tc limboCase, rejected *bool) (string, error) {
	leaf, err := parsePEMCert(tc.PeerCertificate)
	if err != nil {
		*rejected = true
		return "FAILURE", err
	}
	in := Inputs{
		Time:                     time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Anchors:                  parsePEMCerts(tc.TrustedCerts, rejected),
		Intermediates:            parsePEMCerts(tc.Intermediates, rejected),
		EnforceAnchorConstraints: true,
	}
	if tc.ValidationTime != nil {
		if in.Time, err = time.Parse(time.RFC3339, *tc.ValidationTime); err != nil {
			return "FAILURE", err
		}
	}
	if tc.MaxChainDepth != nil {
		// limbo counts intermediates; MaxDepth counts the leaf too.
		in.MaxDepth = *tc.MaxChainDepth + 1
	}
	for _, ku := range tc.KeyUsage {
		in.Usage.KeyUsage |= limboKeyUsages[ku]
		in.Usage.AllKeyUsage = true
	}
	for _, eku := range tc.ExtendedKeyUsage {
		oid, ok := limboEKUs[eku]
		if !ok {
			return "FAILURE", fmt.Errorf("unknown EKU %q", eku)
		}
		in.Usage.ExtKeyUsage = append(in.Usage.ExtKeyUsage, oid)
	}
	if len(tc.CRLs) > 0 {
		var crls []*x509.RevocationList
		for _, p := range tc.CRLs {
			if b, _ := pem.Decode([]byte(p)); b != nil {
				if crl, err := x509.ParseRevocationList(b.Bytes); err == nil {
					crls = append(crls, crl)
				}
			}
		}
		in.Revocation = &CRLChecker{CRLs: crls}
	}
	if _, err := Validate(context.Background(), leaf, in); err != nil {
		return "FAILURE", err
	}
	// Peer names are a TLS concern, checked here only as limbo's harness
	// expects: the SAN must match the expected name.
	if pn := tc.ExpectedPeerName; pn != nil && (pn.Kind == "DNS" || pn.Kind == "IP") {
		if err := leaf.VerifyHostname(pn.Value); err != nil {
			return "FAILURE", err
		}
	}
	for _, pn := range tc.ExpectedPeerNames {
		if pn.Kind == "RFC822" && !containsFold(leaf.EmailAddresses, pn.Value) {
			return "FAILURE", fmt.Errorf("no rfc822Name %q", pn.Value)
		}
	}
	return "SUCCESS", nil
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// parsePEMCert parses one PEM certificate.
func parsePEMCert(s string) (*x509.Certificate, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, fmt.Errorf("no PEM block")
	}
	return x509.ParseCertificate(b.Bytes)
}

// parsePEMCerts parses certificates, leaving out those crypto/x509 refuses
// (an unparsable certificate in a pool cannot be part of a path) and
// setting *rejected when there are any.
func parsePEMCerts(list []string, rejected *bool) []*x509.Certificate {
	var out []*x509.Certificate
	for _, s := range list {
		c, err := parsePEMCert(s)
		if err != nil {
			*rejected = true
			continue
		}
		out = append(out, c)
	}
	return out
}
