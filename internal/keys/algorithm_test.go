package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
)

func TestParseAlgorithm(t *testing.T) {
	tests := []struct {
		in      string
		want    Algorithm
		wantErr bool
	}{
		{"rsa2048", RSA2048, false},
		{"rsa3072", RSA3072, false},
		{"rsa4096", RSA4096, false},
		{"ecdsa-p256", ECDSAP256, false},
		{"ecdsa-p384", ECDSAP384, false},
		{"  ECDSA-P256 ", ECDSAP256, false},
		{"RSA4096", RSA4096, false},
		{"rsa1024", "", true},
		{"ecdsa-p521", "", true},
		{"ed25519", "", true},
		{"", "", true},
	}
	for _, tt := range tests {
		got, err := ParseAlgorithm(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseAlgorithm(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "rsa3072") {
			t.Errorf("ParseAlgorithm(%q) error %q should list the valid names", tt.in, err)
		}
	}
}

func TestGenerate(t *testing.T) {
	want := map[Algorithm]string{
		RSA2048:   "RSA-2048",
		RSA3072:   "RSA-3072",
		RSA4096:   "RSA-4096",
		ECDSAP256: "ECDSA P-256",
		ECDSAP384: "ECDSA P-384",
	}
	for _, alg := range Algorithms {
		key := testKey(t, alg)
		if got := PublicKeyAlgorithmName(key.Public()); got != want[alg] {
			t.Errorf("%s: generated a %s key, want %s", alg, got, want[alg])
		}
	}
	if _, err := Generate("dsa1024"); err == nil {
		t.Error("Generate(dsa1024) succeeded")
	}
}

func TestPublicKeyAlgorithmName(t *testing.T) {
	ec521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		pub  crypto.PublicKey
		want string
	}{
		{testKey(t, RSA2048).Public(), "RSA-2048"},
		{testKey(t, ECDSAP384).Public(), "ECDSA P-384"},
		{ec521.Public(), "ECDSA P-521"},
		{edPub, "Ed25519"},
		{(*rsa.PublicKey)(nil), "RSA"},
		{"not a key", "unknown (string)"},
	}
	for _, tt := range tests {
		if got := PublicKeyAlgorithmName(tt.pub); got != tt.want {
			t.Errorf("PublicKeyAlgorithmName(%T) = %q, want %q", tt.pub, got, tt.want)
		}
	}
}

func TestCheckUsable(t *testing.T) {
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name string
		pub  crypto.PublicKey
		ok   bool
	}{
		{"rsa2048", testKey(t, RSA2048).Public(), true},
		{"p256", testKey(t, ECDSAP256).Public(), true},
		{"ed25519", edPub, true},
		{"rsa1024", weak.Public(), false},
		{"p224", p224.Public(), false},
	}
	for _, tt := range tests {
		err := checkUsable("the test key", tt.pub)
		if (err == nil) != tt.ok {
			t.Errorf("%s: checkUsable = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}
