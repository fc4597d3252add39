//go:build pkcs11

package keys

import (
	"crypto"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ThalesGroup/crypto11"
)

const (
	testToken = "kyso-test"
	testPIN   = "1234"
)

// softHSM gives the test a SoftHSM2 of its own: a config file and token
// directory in t.TempDir(), with one initialised token. It returns the
// module path, or skips the test if SoftHSM2 is not installed.
func softHSM(t *testing.T) string {
	t.Helper()
	var module string
	for _, p := range []string{
		"/usr/lib/softhsm/libsofthsm2.so",
		"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
		"/usr/local/lib/softhsm/libsofthsm2.so",
	} {
		if _, err := os.Stat(p); err == nil {
			module = p
			break
		}
	}
	util, err := exec.LookPath("softhsm2-util")
	if module == "" || err != nil {
		t.Skip("SoftHSM2 not found (no libsofthsm2.so or softhsm2-util); install it with: apt-get install -y softhsm2")
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	t.Setenv(EnvPKCS11PIN, "")
	run(t, util, "--init-token", "--free", "--label", testToken, "--pin", testPIN, "--so-pin", "5678")
	return module
}

// closeLater releases the key's token session when the test ends, so the
// next test's SoftHSM configuration is read afresh.
func closeLater(t *testing.T, key crypto.Signer) {
	t.Cleanup(func() {
		if err := Close(key); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}

func TestPKCS11GenerateOpenSign(t *testing.T) {
	for _, alg := range []Algorithm{RSA2048, ECDSAP256} {
		t.Run(string(alg), func(t *testing.T) {
			module := softHSM(t)
			opt := WithPKCS11(module, testPIN)
			uri := "pkcs11:token=" + testToken + ";object=ca-" + string(alg)

			gen, err := GenerateInToken(bg, uri, alg, opt)
			if err != nil {
				t.Fatalf("GenerateInToken: %v", err)
			}
			closeLater(t, gen)
			if got, want := PublicKeyAlgorithmName(gen.Public()), PublicKeyAlgorithmName(testKey(t, alg).Public()); got != want {
				t.Errorf("generated a %s key, want %s", got, want)
			}
			checkSigns(t, gen, gen.Public())
			checkTokenAttributes(t, gen, alg)

			opened, err := Open(bg, uri, opt)
			if err != nil {
				t.Fatalf("Open(%s): %v", uri, err)
			}
			closeLater(t, opened)
			if !samePublic(opened.Public(), gen.Public()) {
				t.Fatal("Open found a different key")
			}
			checkSigns(t, opened, gen.Public())
			checkCertificate(t, opened)
		})
	}
}

// checkTokenAttributes: the private key must never leave the token and
// may only sign.
func checkTokenAttributes(t *testing.T, key crypto.Signer, alg Algorithm) {
	t.Helper()
	tk := key.(*tokenKey)
	want := map[crypto11.AttributeType]byte{
		crypto11.CkaSensitive:   1,
		crypto11.CkaExtractable: 0,
		crypto11.CkaSign:        1,
		crypto11.CkaPrivate:     1,
		crypto11.CkaDerive:      0,
	}
	if alg.rsaBits() > 0 {
		want[crypto11.CkaDecrypt] = 0
	}
	for attr, v := range want {
		a, err := tk.ctx.GetAttribute(tk.signer, attr)
		if err != nil {
			t.Fatalf("read attribute %#x: %v", attr, err)
		}
		if len(a.Value) != 1 || a.Value[0] != v {
			t.Errorf("attribute %#x = %v, want %d", attr, a.Value, v)
		}
	}
}

// checkCertificate signs a certificate the way the CA will.
func checkCertificate(t *testing.T, key crypto.Signer) {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kyso test CA"},
		NotBefore:             time.Now(),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	algs := []x509.SignatureAlgorithm{x509.UnknownSignatureAlgorithm}
	if PublicKeyAlgorithmName(key.Public())[:3] == "RSA" {
		algs = append(algs, x509.SHA256WithRSAPSS)
	}
	for _, sa := range algs {
		tmpl.SignatureAlgorithm = sa
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			t.Fatalf("CreateCertificate (%v): %v", sa, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		if err := cert.CheckSignatureFrom(cert); err != nil {
			t.Errorf("certificate signed in the token (%v) does not verify: %v", sa, err)
		}
	}
}

// TestPKCS11Sources: module and PIN may come from the URI, options or the
// environment, and a key may be named by id alone.
func TestPKCS11Sources(t *testing.T) {
	module := softHSM(t)
	base := "pkcs11:token=" + testToken + ";object=tsa;id=0a0b"
	gen, err := GenerateInToken(bg, base+"?module-path="+module+"&pin-value="+testPIN, ECDSAP256)
	if err != nil {
		t.Fatalf("GenerateInToken: %v", err)
	}
	pub := gen.Public()
	// Close now: while a key is open the token stays logged in and the PIN
	// would not be checked, so the cases below would prove nothing.
	if err := Close(gen); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		uri  string
		opts []Option
		env  string
	}{
		{"option", base, []Option{WithPKCS11(module, testPIN)}, ""},
		{"environment PIN", base, []Option{WithPKCS11(module, "")}, testPIN},
		{"option wins over environment", base, []Option{WithPKCS11(module, testPIN)}, "9999"},
		{"uri wins over option", base + "?pin-value=" + testPIN, []Option{WithPKCS11(module, "9999")}, "9999"},
		{"id only", "pkcs11:token=" + testToken + ";id=%0a%0b", []Option{WithPKCS11(module, testPIN)}, ""},
		{"object and type", "pkcs11:token=" + testToken + ";object=tsa;type=private", []Option{WithPKCS11(module, testPIN)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvPKCS11PIN, tt.env)
			key, err := Open(bg, tt.uri, tt.opts...)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			closeLater(t, key)
			if !samePublic(key.Public(), pub) {
				t.Error("opened a different key")
			}
		})
	}
}

func TestPKCS11Errors(t *testing.T) {
	module := softHSM(t)
	uri := "pkcs11:token=" + testToken + ";object=ocsp"
	opt := WithPKCS11(module, testPIN)

	// PKCS#11 login is per process: while any key of the token is open,
	// the token stays logged in and no PIN is checked. So the wrong PIN is
	// tried before anything is open.
	const wrongPIN = "98765"
	_, err := GenerateInToken(bg, uri, ECDSAP256, WithPKCS11(module, wrongPIN))
	if !errors.Is(err, ErrWrongPIN) || strings.Contains(err.Error(), wrongPIN) {
		t.Fatalf("GenerateInToken with a wrong PIN: %v, want ErrWrongPIN without the PIN", err)
	}
	if _, err := Open(bg, uri, WithPKCS11(module, wrongPIN)); !errors.Is(err, ErrWrongPIN) {
		t.Fatalf("Open with a wrong PIN: %v, want ErrWrongPIN", err)
	}

	gen, err := GenerateInToken(bg, uri, ECDSAP256, opt)
	if err != nil {
		t.Fatalf("GenerateInToken: %v", err)
	}
	closeLater(t, gen)

	tests := []struct {
		name string
		call func() (crypto.Signer, error)
		is   error
		want string
	}{
		{"no PIN", func() (crypto.Signer, error) { return Open(bg, uri, WithPKCS11(module, "")) }, nil, "no PIN given"},
		{"no module", func() (crypto.Signer, error) { return Open(bg, uri, WithPKCS11("", testPIN)) }, nil, "no PKCS#11 module"},
		{"missing module", func() (crypto.Signer, error) {
			return Open(bg, uri, WithPKCS11("/nonexistent/libvendor.so", testPIN))
		}, nil, "install the token vendor's library"},
		{"unknown token", func() (crypto.Signer, error) {
			return Open(bg, "pkcs11:token=no-such-token;object=ocsp", opt)
		}, nil, `no token labelled "no-such-token"`},
		{"unknown object", func() (crypto.Signer, error) {
			return Open(bg, "pkcs11:token="+testToken+";object=nothing", opt)
		}, nil, "no such key pair"},
		{"label taken", func() (crypto.Signer, error) { return GenerateInToken(bg, uri, RSA2048, opt) }, nil, `already holds a key labelled "ocsp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := tt.call()
			if err == nil {
				_ = Close(key)
				t.Fatal("succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not match %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			for _, secret := range []string{testPIN, wrongPIN} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q shows a PIN", err)
				}
			}
		})
	}

	t.Run("id taken", func(t *testing.T) {
		first, err := GenerateInToken(bg, "pkcs11:token="+testToken+";object=a;id=77", ECDSAP256, opt)
		if err != nil {
			t.Fatal(err)
		}
		closeLater(t, first)
		_, err = GenerateInToken(bg, "pkcs11:token="+testToken+";object=b;id=77", ECDSAP256, opt)
		if err == nil || !strings.Contains(err.Error(), "already holds a key with id 77") {
			t.Errorf("second key with id 77: %v", err)
		}
	})
	t.Run("ambiguous", func(t *testing.T) {
		// Two keys with one label can only come from outside kyso; make
		// them through crypto11 directly.
		tk := gen.(*tokenKey)
		for i := range 2 {
			if _, err := tk.ctx.GenerateECDSAKeyPairWithLabel([]byte{0xee, byte(i)}, []byte("twin"), elliptic.P256()); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Open(bg, "pkcs11:token="+testToken+";object=twin", opt)
		if err == nil || !strings.Contains(err.Error(), "matches 2 key pairs; add id=") {
			t.Errorf("Open of an ambiguous label: %v", err)
		}
		key, err := Open(bg, "pkcs11:token="+testToken+";object=twin;id=ee01", opt)
		if err != nil {
			t.Fatalf("Open with id: %v", err)
		}
		closeLater(t, key)
	})
}
