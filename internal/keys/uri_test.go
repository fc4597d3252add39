package keys

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestParseFileURI(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  string
	}{
		{"file:/var/lib/kyso/keys/ca.pem", "/var/lib/kyso/keys/ca.pem", ""},
		{"file:///var/lib/kyso/keys/ca.pem", "/var/lib/kyso/keys/ca.pem", ""},
		{"file://localhost/var/lib/kyso/ca.pem", "/var/lib/kyso/ca.pem", ""},
		{"FILE:/k.pem", "/k.pem", ""},
		{"/var/lib/kyso/keys/../keys/ca.pem", "/var/lib/kyso/keys/ca.pem", ""},
		{"file:/dir/with%20percent.pem", "/dir/with%20percent.pem", ""}, // literal, as kyso writes them
		{"file:keys/ca.pem", "", "not absolute"},
		{"keys/ca.pem", "", "not absolute"},
		{"file:", "", "not absolute"},
		{"", "", "not absolute"},
		{"file://server/share/ca.pem", "", "must be local"},
	}
	for _, tt := range tests {
		got, err := parseFileURI(tt.in)
		switch {
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("parseFileURI(%q) = %q, %v; want error containing %q", tt.in, got, err, tt.wantErr)
		case tt.wantErr == "" && (err != nil || got != tt.want):
			t.Errorf("parseFileURI(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParsePKCS11URI(t *testing.T) {
	tests := []struct {
		in   string
		want pkcs11URI
	}{
		{"pkcs11:token=kyso-ca;object=issuing-2025", pkcs11URI{token: "kyso-ca", object: "issuing-2025"}},
		{"pkcs11:token=kyso-ca;object=issuing;id=01a2", pkcs11URI{token: "kyso-ca", object: "issuing", id: []byte{1, 0xa2}}},
		{"pkcs11:token=kyso-ca;object=issuing;id=01:A2", pkcs11URI{token: "kyso-ca", object: "issuing", id: []byte{1, 0xa2}}},
		{"pkcs11:token=kyso-ca;id=%01%a2;type=private", pkcs11URI{token: "kyso-ca", id: []byte{1, 0xa2}}},
		{"pkcs11:token=S%E1%BB%9F%20T%C3%A0i%20ch%C3%ADnh;object=CA%3Bg%E1%BB%91c", pkcs11URI{token: "Sở Tài chính", object: "CA;gốc"}},
		{"pkcs11:object=k;token=t?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=12%2634", pkcs11URI{token: "t", object: "k", modulePath: "/usr/lib/softhsm/libsofthsm2.so", pin: "12&34"}},
		{"PKCS11:token=t;object=k;", pkcs11URI{token: "t", object: "k"}},
	}
	for _, tt := range tests {
		got, err := parsePKCS11URI(tt.in)
		if err != nil {
			t.Errorf("parsePKCS11URI(%q): %v", tt.in, err)
			continue
		}
		if got.token != tt.want.token || got.object != tt.want.object || !bytes.Equal(got.id, tt.want.id) ||
			got.modulePath != tt.want.modulePath || got.pin != tt.want.pin {
			t.Errorf("parsePKCS11URI(%q) = %+v, want %+v", tt.in, *got, tt.want)
		}
	}
}

func TestParsePKCS11URIErrors(t *testing.T) {
	const pin = "s3cr3t-PIN"
	tests := []struct {
		in, want string
	}{
		{"pkcs11:object=k", "token= is required"},
		{"pkcs11:", "token= is required"},
		{"pkcs11:token=t;object=k;serial=1234", `"serial" is not supported`},
		{"pkcs11:token=t;label=k", `"label" is not supported`},
		{"pkcs11:token=t;token=u", "given twice"},
		{"pkcs11:token=t;" + pin, "not name=value"},
		{"pkcs11:token=t;=x", "not name=value"},
		{"pkcs11:token=t%zz", "bad %-escape"},
		{"pkcs11:token=t;id=xyz", "id must be hex"},
		{"pkcs11:token=t;id=", "id must be hex"},
		{"pkcs11:token=t;type=cert", "type=cert"},
		{"pkcs11:token=t?module-path=libsofthsm2.so", "absolute path"},
		{"pkcs11:token=t?pin-source=file:/etc/pin", `"pin-source" is not supported`},
		{"pkcs11:token=t?pin-value=" + pin + "%g", "bad %-escape"},
		{"pkcs11:token=t?pin-value=" + pin + "&pin-value=" + pin, "given twice"},
	}
	for _, tt := range tests {
		_, err := parsePKCS11URI(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("parsePKCS11URI(%q) = %v, want error containing %q", tt.in, err, tt.want)
			continue
		}
		if !errors.Is(err, errMalformedURI) {
			t.Errorf("parsePKCS11URI(%q) error does not match errMalformedURI", tt.in)
		}
		if strings.Contains(err.Error(), pin) {
			t.Errorf("parsePKCS11URI(%q) error %q shows the PIN", tt.in, err)
		}
	}
}

// TestOpenPKCS11URIChecks: URI mistakes are reported the same with and
// without PKCS#11 support compiled in.
func TestOpenPKCS11URIChecks(t *testing.T) {
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"open without object or id", func() error { _, err := Open(bg, "pkcs11:token=t"); return err }, "object= or id="},
		{"open malformed", func() error { _, err := Open(bg, "pkcs11:object=k"); return err }, "token= is required"},
		{"generate without object", func() error { _, err := GenerateInToken(bg, "pkcs11:token=t;id=01", ECDSAP256); return err }, "object= is required"},
		{"generate in a file", func() error { _, err := GenerateInToken(bg, "file:/tmp/k.pem", ECDSAP256); return err }, "needs a pkcs11: URI"},
		{"generate unknown algorithm", func() error { _, err := GenerateInToken(bg, "pkcs11:token=t;object=k", "rsa1024"); return err }, "unknown key algorithm"},
	}
	for _, tt := range tests {
		if err := tt.call(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want error containing %q", tt.name, err, tt.want)
		}
	}
}
