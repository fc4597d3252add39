package path

import "testing"

// TestMatchDNS covers dNSName subtrees, wildcard SANs (CVE-2025-61727) and
// constraint syntax.
func TestMatchDNS(t *testing.T) {
	tests := []struct {
		name, constraint string
		excluded, want   bool
	}{
		{"example.com", "example.com", false, true},
		{"www.Example.com", "example.COM", false, true},
		{"notexample.com", "example.com", false, false},
		{"anything.vn", "", false, true},
		{"*.example.com", "example.com", false, true},
		{"*.example.com", "foo.example.com", false, false},
		{"*.example.com", "foo.example.com", true, true},
		{"*.example.com", "a.b.example.com", true, false},
		{"*.example.com", "com", true, true},
	}
	for _, tt := range tests {
		if got := matchDNS(tt.name, tt.constraint, tt.excluded); got != tt.want {
			t.Errorf("matchDNS(%q, %q, excluded=%v) = %v, want %v", tt.name, tt.constraint, tt.excluded, got, tt.want)
		}
	}
}

// TestMatchEmail covers the three rfc822Name constraint forms.
func TestMatchEmail(t *testing.T) {
	tests := []struct {
		email, constraint string
		want              bool
	}{
		{"a@mic.gov.vn", "mic.gov.vn", true},
		{"a@MIC.gov.vn", "mic.gov.vn", true},
		{"a@hn.mic.gov.vn", "mic.gov.vn", false},
		{"a@hn.mic.gov.vn", ".mic.gov.vn", true},
		{"a@mic.gov.vn", ".mic.gov.vn", false},
		{"a@mic.gov.vn", "a@mic.gov.vn", true},
		{"A@mic.gov.vn", "a@mic.gov.vn", false},
		{"user@example.com", "*@example.com", false},
	}
	for _, tt := range tests {
		local, domain, ok := splitMailbox(tt.email)
		if !ok {
			t.Fatalf("%q does not parse", tt.email)
		}
		if got := matchEmail(local, domain, tt.constraint); got != tt.want {
			t.Errorf("matchEmail(%q, %q) = %v, want %v", tt.email, tt.constraint, got, tt.want)
		}
	}
}

// TestConstraintSyntax rejects constraints that cannot be applied.
func TestConstraintSyntax(t *testing.T) {
	tests := []struct {
		g  generalName
		ok bool
	}{
		{generalName{gnDNS, []byte("example.com")}, true},
		{generalName{gnDNS, []byte("")}, true},
		{generalName{gnDNS, []byte(".example.com")}, false},
		{generalName{gnDNS, []byte("*.example.com")}, false},
		{generalName{gnRFC822, []byte(".example.com")}, true},
		{generalName{gnRFC822, []byte("a@b@example.com")}, false},
		{generalName{gnURI, []byte(".example.com")}, true},
		{generalName{gnURI, []byte("10.0.0.1")}, false},
		{generalName{gnIP, []byte{10, 0, 0, 0, 255, 0, 0, 0}}, true},
		{generalName{gnIP, []byte{10, 0, 0, 0, 255, 0, 255, 0}}, false},
		{generalName{gnIP, []byte{10, 0, 0, 0}}, false},
		{generalName{gnDirectoryName, []byte{0x30, 0x03}}, false},
	}
	for _, tt := range tests {
		if err := checkConstraintSyntax(tt.g); (err == nil) != tt.ok {
			t.Errorf("checkConstraintSyntax(%d %q) = %v, want ok %v", tt.g.tag, tt.g.data, err, tt.ok)
		}
	}
}

// TestMatchURIAndIP covers URI hosts and address ranges.
func TestMatchURIAndIP(t *testing.T) {
	if h, ok := uriHost("https://ca.gov.vn:443/crl"); !ok || !matchURI(h, "ca.gov.vn") || matchURI(h, ".gov.vn") == false {
		t.Error("URI host matching is wrong")
	}
	if _, ok := uriHost("urn:oid:1.2.3"); ok {
		t.Error("URI without host accepted")
	}
	if !matchIP([]byte{10, 1, 2, 3}, []byte{10, 0, 0, 0, 255, 0, 0, 0}) || matchIP([]byte{11, 1, 2, 3}, []byte{10, 0, 0, 0, 255, 0, 0, 0}) {
		t.Error("IPv4 matching is wrong")
	}
	if matchIP(make([]byte, 16), []byte{0, 0, 0, 0, 0, 0, 0, 0}) {
		t.Error("IPv6 address matched an IPv4 constraint")
	}
}
