package path

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/testpki"
)

// policies sets certificatePolicies.
func policies(t *testing.T, oids ...string) func(*x509.Certificate) {
	return func(c *x509.Certificate) {
		for _, s := range oids {
			oid, err := x509.ParseOID(s)
			if err != nil {
				t.Fatal(err)
			}
			c.Policies = append(c.Policies, oid)
		}
	}
}

// TestPolicies runs §6.1 policy processing on generated hierarchies, the
// way a validator asks for a signature policy of the government CA.
func TestPolicies(t *testing.T) {
	const p1, p2 = "2.16.704.1.1.1", "2.16.704.1.1.2"
	tests := []struct {
		name       string
		ica, leaf  []string
		initial    []string
		explicit   bool
		mapping    bool // the issuing CA maps p1 to p2
		want       []string
		wantReason Reason
		depth      int
	}{
		{name: "same policy", ica: []string{p1}, leaf: []string{p1}, want: []string{p1}},
		{name: "asked policy present", ica: []string{p1, p2}, leaf: []string{p1}, initial: []string{p1}, explicit: true, want: []string{p1}},
		{name: "asked policy absent", ica: []string{p1}, leaf: []string{p1}, initial: []string{p2}, explicit: true, wantReason: PolicyFailure},
		{name: "asked policy absent, not required", ica: []string{p1}, leaf: []string{p1}, initial: []string{p2}, want: nil},
		{name: "CA anyPolicy", ica: []string{anyPolicy}, leaf: []string{p2}, want: []string{p2}},
		{name: "no policies, explicit", explicit: true, wantReason: PolicyFailure, depth: 1},
		{name: "mapped", ica: []string{p1}, leaf: []string{p2}, mapping: true, initial: []string{p1}, explicit: true, want: []string{p1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := issue(t, nil, "Root CA", testpki.CA)
			ica := issue(t, root, "Issuing CA", testpki.CA, policies(t, tt.ica...), func(c *x509.Certificate) {
				if tt.mapping {
					// crypto/x509 does not write policyMappings itself.
					type mapping struct{ Issuer, Subject asn1.ObjectIdentifier }
					v := mustMarshal(t, []mapping{{toOIDs([]string{p1})[0], toOIDs([]string{p2})[0]}})
					c.ExtraExtensions = append(c.ExtraExtensions, pkix.Extension{Id: oidExtPolicyMappings, Critical: true, Value: v})
				}
			})
			leaf := issue(t, ica, "Signer", policies(t, tt.leaf...))
			in := Inputs{Time: tSigning, Anchors: []*x509.Certificate{root.cert}, Intermediates: []*x509.Certificate{ica.cert}, InitialExplicitPolicy: tt.explicit}
			in.InitialPolicies = toOIDs(tt.initial)
			res, err := validate(leaf.cert, in)
			if tt.wantReason != 0 {
				wantReason(t, err, tt.wantReason, tt.depth)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range res.UserPolicies {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("user policies %v, want %v", got, tt.want)
			}
		})
	}
}

// TestUserConstrained is §6.1.5 (g) on its own.
func TestUserConstrained(t *testing.T) {
	tests := []struct {
		authority, initial, want []string
	}{
		{[]string{"1.1", "1.2"}, []string{anyPolicy}, []string{"1.1", "1.2"}},
		{[]string{"1.1", "1.2"}, []string{"1.2", "1.3"}, []string{"1.2"}},
		{[]string{anyPolicy}, []string{"1.3"}, []string{"1.3"}},
		{nil, []string{"1.3"}, []string{}},
	}
	for _, tt := range tests {
		got := userConstrained(tt.authority, tt.initial)
		if len(got) == 0 && len(tt.want) == 0 {
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("userConstrained(%v, %v) = %v, want %v", tt.authority, tt.initial, got, tt.want)
		}
	}
}

// TestManyPolicies: thousands of policies at every depth stay cheap, the
// point of the RFC 9618 graph.
func TestManyPolicies(t *testing.T) {
	var many []string
	for i := range 2000 {
		many = append(many, "1.2.3."+strconv.Itoa(i))
	}
	root := issue(t, nil, "Root CA", testpki.CA)
	ica1 := issue(t, root, "CA 1", testpki.CA, policies(t, many...))
	ica2 := issue(t, ica1, "CA 2", testpki.CA, policies(t, append(many, anyPolicy)...))
	leaf := issue(t, ica2, "Signer", policies(t, many...))
	start := time.Now()
	res, err := validate(leaf.cert, Inputs{Time: tSigning, Anchors: []*x509.Certificate{root.cert}, Intermediates: []*x509.Certificate{ica1.cert, ica2.cert}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.UserPolicies) != len(many) {
		t.Errorf("%d user policies, want %d", len(res.UserPolicies), len(many))
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}
