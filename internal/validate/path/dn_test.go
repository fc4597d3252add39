package path

import (
	"encoding/asn1"
	"testing"
)

// rawName encodes an RDNSequence from (oid, tag, value) attributes; an RDN
// is a slice of attributes.
func rawName(t *testing.T, rdns ...[]attr) []byte {
	t.Helper()
	var seq []byte
	for _, r := range rdns {
		var set []byte
		for _, a := range r {
			oid := mustMarshal(t, a.oid)
			val := mustMarshal(t, asn1.RawValue{Tag: a.tag, Bytes: []byte(a.value)})
			set = append(set, mustMarshal(t, asn1.RawValue{Tag: 16, IsCompound: true, Bytes: append(oid, val...)})...)
		}
		seq = append(seq, mustMarshal(t, asn1.RawValue{Tag: 17, IsCompound: true, Bytes: set})...)
	}
	return mustMarshal(t, asn1.RawValue{Tag: 16, IsCompound: true, Bytes: seq})
}

// attr is one attribute type and value of a name.
type attr struct {
	oid   asn1.ObjectIdentifier
	tag   int
	value string
}

var (
	oidCN = asn1.ObjectIdentifier{2, 5, 4, 3}
	oidO  = asn1.ObjectIdentifier{2, 5, 4, 10}
	oidOU = asn1.ObjectIdentifier{2, 5, 4, 11}
)

// TestNameMatching covers RFC 5280 §7.1 name comparison as PKITS 4.3 and
// Vietnamese names need it.
func TestNameMatching(t *testing.T) {
	const utf8, printable, bmp = 12, 19, 30
	tests := []struct {
		name  string
		a, b  [][]attr
		match bool
	}{
		{"identical", [][]attr{{{oidO, printable, "Ban Co yeu"}}}, [][]attr{{{oidO, printable, "Ban Co yeu"}}}, true},
		{"case", [][]attr{{{oidO, printable, "Ban Co yeu"}}}, [][]attr{{{oidO, printable, "BAN CO YEU"}}}, true},
		{"whitespace", [][]attr{{{oidO, printable, "  Ban  Co yeu "}}}, [][]attr{{{oidO, printable, "Ban Co yeu"}}}, true},
		{"PrintableString and UTF8String", [][]attr{{{oidO, printable, "Ban Co yeu"}}}, [][]attr{{{oidO, utf8, "Ban Co yeu"}}}, true},
		{"Vietnamese case folding", [][]attr{{{oidO, utf8, "Ban Cơ yếu Chính phủ"}}}, [][]attr{{{oidO, utf8, "BAN CƠ YẾU CHÍNH PHỦ"}}}, true},
		{"UTF8String and BMPString", [][]attr{{{oidCN, utf8, "Bộ"}}}, [][]attr{{{oidCN, bmp, "\x00B\x1e\xd9"}}}, true},
		{"different value", [][]attr{{{oidO, printable, "A"}}}, [][]attr{{{oidO, printable, "B"}}}, false},
		{"different type", [][]attr{{{oidO, printable, "A"}}}, [][]attr{{{oidOU, printable, "A"}}}, false},
		{"RDN order matters", [][]attr{{{oidO, printable, "A"}}, {{oidCN, printable, "B"}}}, [][]attr{{{oidCN, printable, "B"}}, {{oidO, printable, "A"}}}, false},
		{"multi-valued RDN order does not", [][]attr{{{oidO, printable, "A"}, {oidOU, printable, "B"}}}, [][]attr{{{oidOU, printable, "B"}, {oidO, printable, "A"}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, ka := nameKey(rawName(t, tt.a...))
			_, _, kb := nameKey(rawName(t, tt.b...))
			if (ka == kb) != tt.match {
				t.Errorf("match %v, want %v (%q vs %q)", ka == kb, tt.match, ka, kb)
			}
		})
	}
}

// TestNameKeyOddNames: empty names never chain, broken ones compare by
// bytes, and nothing panics.
func TestNameKeyOddNames(t *testing.T) {
	if _, _, k := nameKey([]byte{0x30, 0x00}); k != "" {
		t.Errorf("empty name key %q, want empty", k)
	}
	for _, der := range [][]byte{nil, {0x30}, {0x30, 0x02, 0x31, 0x00}, {0x31, 0x00}, {0xff, 0xff, 0xff}} {
		_, _, k := nameKey(der)
		if k == "" && len(der) > 0 {
			t.Errorf("%x: broken name got the empty key", der)
		}
	}
}

// TestDirectoryNamePrefix is the directoryName subtree rule.
func TestDirectoryNamePrefix(t *testing.T) {
	base, _, _ := parseName(rawName(t, []attr{{oidO, 19, "Gov"}}))
	inside, _, _ := parseName(rawName(t, []attr{{oidO, 12, "GOV"}}, []attr{{oidCN, 12, "x"}}))
	outside, _, _ := parseName(rawName(t, []attr{{oidO, 19, "Other"}}, []attr{{oidCN, 12, "x"}}))
	if !inside.hasPrefix(base) || outside.hasPrefix(base) || base.hasPrefix(inside) {
		t.Error("directoryName prefix matching is wrong")
	}
}
