package path

import (
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/kyso-vn/kyso/internal/testpki"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// pkitsDir holds NIST PKITS (see its README); KYSO_PKITS overrides it.
func pkitsDir() string {
	if d := os.Getenv("KYSO_PKITS"); d != "" {
		return d
	}
	return testpki.SharedData("pkits")
}

// pkitsSuite is pkits_tests.json.
type pkitsSuite struct {
	ValidationTime string            `json:"suggested_validation_time"`
	PolicyOIDs     map[string]string `json:"policy_oids"`
	Tests          []pkitsCase       `json:"tests"`
}

// pkitsCase is one row: a path (anchor first), CRLs, inputs, expectation.
type pkitsCase struct {
	Number                      string   `json:"number"`
	Subpart                     *int     `json:"subpart"`
	Name                        string   `json:"name"`
	Certs                       []string `json:"certs"`
	CRLs                        []string `json:"crls"`
	Expected                    string   `json:"expected"`
	InitialPolicySet            []string `json:"initial_policy_set"`
	InitialExplicitPolicy       bool     `json:"initial_explicit_policy"`
	InitialPolicyMappingInhibit bool     `json:"initial_policy_mapping_inhibit"`
	InitialInhibitAnyPolicy     bool     `json:"initial_inhibit_any_policy"`
	ExpectedUserPolicies        []string `json:"expected_user_constrained_policy_set"`
}

// id names a row as the README does: 4.8.1(2).
func (c pkitsCase) id() string {
	if c.Subpart != nil {
		return fmt.Sprintf("%s(%d)", c.Number, *c.Subpart)
	}
	return c.Number
}

// pkitsExpectedFailures are rows kyso gets wrong on purpose, with why.
var pkitsExpectedFailures = map[string]string{
	"4.1.4":   "DSA: crypto/x509 parses DSA keys but cannot verify DSA signatures; kyso rejects DSA (UnsupportedAlgorithm) instead of implementing it",
	"4.1.5":   "DSA with parameters inherited from the issuer: crypto/x509 does not even parse the CA certificate (invalid DSA parameters)",
	"4.14.4":  relativeDPReason,
	"4.14.5":  relativeDPReason,
	"4.14.29": relativeDPReason,
}

// relativeDPReason explains the distribution point rows kyso cannot run.
const relativeDPReason = "the end entity's cRLDistributionPoints uses nameRelativeToCRLIssuer, which crypto/x509 refuses to parse (\"invalid CRL distribution point\"); kyso parses certificates with crypto/x509 everywhere, so it rejects the certificate before path validation"

// pkitsParseRejects are invalid rows whose verdict comes from crypto/x509
// refusing to parse a certificate rather than from path validation: right
// verdict, but not for the reason PKITS tests.
var pkitsParseRejects = map[string]string{
	"4.4.15": "negative serial number: crypto/x509 refuses it at parse time, so the CRL entry is never looked up",
	"4.14.6": relativeDPReason,
}

// pkitsReasons is the Reason each invalid row must fail with, by test
// number; a prefix ending in '.' covers a whole section.
var pkitsReasons = map[string][]Reason{
	"4.1.":   {BadSignature, UnsupportedAlgorithm},
	"4.2.1":  {NotYetValid},
	"4.2.2":  {NotYetValid},
	"4.2.5":  {Expired},
	"4.2.6":  {Expired},
	"4.2.7":  {Expired},
	"4.3.":   {NoChain, NameChaining},
	"4.4.":   {Revoked, RevocationUnknown},
	"4.5.":   {Revoked, RevocationUnknown, NoChain, BadSignature, CAKeyUsage, NotCA},
	"4.6.":   {NotCA, PathLenExceeded},
	"4.7.":   {CAKeyUsage, RevocationUnknown},
	"4.8.":   {PolicyFailure},
	"4.9.":   {PolicyFailure},
	"4.10.":  {PolicyFailure},
	"4.11.":  {PolicyFailure},
	"4.12.":  {PolicyFailure},
	"4.13.":  {NameConstraintViolation},
	"4.14.":  {Revoked, RevocationUnknown},
	"4.15.":  {Revoked, RevocationUnknown},
	"4.16.2": {UnhandledCriticalExtension},
}

// reasonsFor finds the allowed reasons of an invalid row.
func reasonsFor(number string) []Reason {
	if r, ok := pkitsReasons[number]; ok {
		return r
	}
	best := ""
	for k := range pkitsReasons {
		if strings.HasSuffix(k, ".") && strings.HasPrefix(number, k) && len(k) > len(best) {
			best = k
		}
	}
	return pkitsReasons[best]
}

// certLoader reads DER certificates and CRLs once per test run.
type certLoader struct {
	dir   string
	certs map[string]*x509.Certificate
	crls  map[string]*x509.RevocationList
}

// cert returns the certificate in file name; a file crypto/x509 cannot
// parse is an error the row reports.
func (l *certLoader) cert(name string) (*x509.Certificate, error) {
	if c, ok := l.certs[name]; ok {
		return c, nil
	}
	der, err := os.ReadFile(filepath.Join(l.dir, name))
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	l.certs[name] = c
	return c, nil
}

// crl returns the CRL in file name.
func (l *certLoader) crl(name string) (*x509.RevocationList, error) {
	if c, ok := l.crls[name]; ok {
		return c, nil
	}
	der, err := os.ReadFile(filepath.Join(l.dir, name))
	if err != nil {
		return nil, err
	}
	c, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	l.crls[name] = c
	return c, nil
}

// run validates one row: the first certificate is the anchor, the last the
// leaf, the others an unordered pool.
func (l *certLoader) run(tc pkitsCase, at time.Time, oid func(string) asn1.ObjectIdentifier) (*Result, error) {
	var crls []*x509.RevocationList
	for _, f := range tc.CRLs {
		c, err := l.crl(f)
		if err != nil {
			return nil, err
		}
		crls = append(crls, c)
	}
	var certs []*x509.Certificate
	for _, f := range tc.Certs {
		c, err := l.cert(f)
		if err != nil {
			return nil, err
		}
		certs = append(certs, c)
	}
	n := len(certs)
	in := Inputs{
		Time:                        at,
		Anchors:                     certs[:1],
		Intermediates:               certs[1 : n-1],
		InitialExplicitPolicy:       tc.InitialExplicitPolicy,
		InitialPolicyMappingInhibit: tc.InitialPolicyMappingInhibit,
		InitialAnyPolicyInhibit:     tc.InitialInhibitAnyPolicy,
		Revocation:                  &CRLChecker{CRLs: crls},
	}
	for _, p := range tc.InitialPolicySet {
		in.InitialPolicies = append(in.InitialPolicies, oid(p))
	}
	return Validate(context.Background(), certs[n-1], in)
}

// TestPKITS runs every PKITS row with the listed CRLs and inputs, building
// the path from the row's certificates as an unordered pool, and compares
// the verdict, the failure reason and, for valid rows, the
// user-constrained-policy-set.
func TestPKITS(t *testing.T) {
	dir := pkitsDir()
	raw, err := os.ReadFile(filepath.Join(dir, "pkits_tests.json"))
	if err != nil {
		t.Skipf("skipping: %v (set KYSO_PKITS)", err)
	}
	var suite pkitsSuite
	if err := json.Unmarshal(raw, &suite); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse(time.RFC3339, suite.ValidationTime)
	if err != nil {
		t.Fatal(err)
	}
	oid := func(name string) asn1.ObjectIdentifier {
		dotted, ok := suite.PolicyOIDs[name]
		if !ok {
			t.Fatalf("unknown policy %q", name)
		}
		return toOIDs([]string{dotted})[0]
	}
	l := &certLoader{dir: dir, certs: map[string]*x509.Certificate{}, crls: map[string]*x509.RevocationList{}}
	passed, xfail := 0, 0
	for _, tc := range suite.Tests {
		t.Run(tc.id(), func(t *testing.T) {
			res, err := l.run(tc, at, oid)
			problem := pkitsProblem(tc, res, err, oid)
			why, expectFail := pkitsExpectedFailures[tc.id()]
			switch {
			case expectFail && problem == "":
				t.Errorf("%s %s passes but is listed as an expected failure (%s)", tc.id(), tc.Name, why)
			case expectFail:
				xfail++
				t.Logf("expected failure %s: %s", tc.id(), why)
			case problem != "":
				t.Errorf("%s %s: %s", tc.id(), tc.Name, problem)
			default:
				passed++
			}
		})
	}
	t.Logf("PKITS: %d/%d rows pass (%d of them rejected at parse time), %d expected failures", passed, len(suite.Tests), len(pkitsParseRejects), xfail)
}

// pkitsProblem compares one outcome with the row; "" when it matches.
func pkitsProblem(tc pkitsCase, res *Result, err error, oid func(string) asn1.ObjectIdentifier) string {
	if tc.Expected == "valid" {
		if err != nil {
			return fmt.Sprintf("want valid, got %v", err)
		}
		var want, got []string
		for _, p := range tc.ExpectedUserPolicies {
			want = append(want, oid(p).String())
		}
		for _, p := range res.UserPolicies {
			got = append(got, p.String())
		}
		sort.Strings(want)
		if !slices.Equal(want, got) {
			return fmt.Sprintf("user-constrained-policy-set %v, want %v", got, want)
		}
		return ""
	}
	if err == nil {
		return "want invalid, got valid"
	}
	var e *Error
	if !errors.As(err, &e) {
		if _, ok := pkitsParseRejects[tc.id()]; ok {
			return ""
		}
		return fmt.Sprintf("want *Error, got %v", err)
	}
	if why, ok := pkitsParseRejects[tc.id()]; ok {
		return fmt.Sprintf("listed as rejected at parse time (%s) but failed in validation: %v", why, err)
	}
	if allowed := reasonsFor(tc.Number); !slices.Contains(allowed, e.Reason) {
		return fmt.Sprintf("failed with %v (%v), want one of %v", e.Reason, err, allowed)
	}
	return ""
}
