package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/youmark/pkcs8"
)

// FuzzOpenPEM feeds arbitrary bytes to Open as a key file's content. Open
// must never panic, and an error must never show the passphrase. The same
// bytes are also tried as the DER inside an encrypted and a clear PEM
// block, which lets the fuzzer reach the ASN.1 and KDF code directly
// instead of through base64.
func FuzzOpenPEM(f *testing.F) {
	// Each fuzz worker runs this setup with coverage instrumentation, which
	// makes RSA key generation take minutes: use EC here, and an RSA key
	// from testdata.
	ec := testKey(f, ECDSAP256)
	rsaPEM, err := os.ReadFile(filepath.Join("testdata", "rsa2048.pem"))
	if err != nil {
		f.Fatal(err)
	}
	// The cheapest KDF settings keep the fuzzer fast (a mutated count stays
	// small, since it is one byte); the parser is what is under test.
	cheap := []*pkcs8.Opts{
		{Cipher: pkcs8.AES256CBC, KDFOpts: pkcs8.PBKDF2Opts{SaltSize: 16, IterationCount: 1, HMACHash: crypto.SHA256}},
		{Cipher: pkcs8.AES128CBC, KDFOpts: pkcs8.ScryptOpts{SaltSize: 16, CostParameter: 2, BlockSize: 1, ParallelizationParameter: 1}},
	}
	for _, opts := range cheap {
		der, err := pkcs8.MarshalPrivateKey(ec, []byte(testPass), opts)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(pem.EncodeToMemory(&pem.Block{Type: pemEncryptedPKCS8, Bytes: der}))
		f.Add(der)
	}
	pkcs8DER, _ := x509.MarshalPKCS8PrivateKey(ec)
	sec1DER, _ := x509.MarshalECPrivateKey(ec.(*ecdsa.PrivateKey))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: pemPKCS8, Bytes: pkcs8DER}))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: pemSEC1, Bytes: sec1DER}))
	f.Add(rsaPEM)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: pemSEC1, Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00"}, Bytes: []byte{1}}))
	f.Add([]byte("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"))
	f.Add([]byte{})
	f.Add([]byte("not a key"))

	dir, err := os.MkdirTemp("", "kyso-fuzz-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "key.pem")
	pass := WithPassphrase([]byte(testPass))

	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		check := func(key crypto.Signer, err error) {
			if err != nil {
				if strings.Contains(err.Error(), testPass) {
					t.Fatalf("error shows the passphrase: %v", err)
				}
				return
			}
			if key == nil || key.Public() == nil {
				t.Fatal("Open returned no error and no usable key")
			}
		}
		check(Open(bg, path, pass, AllowUnencrypted()))
		check(Open(bg, path))
		for _, typ := range []string{pemEncryptedPKCS8, pemPKCS8} {
			wrapped := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: data})
			check(parseKeyFile("fuzz input", wrapped, options{passphrase: []byte(testPass), allowUnencrypted: true}))
		}
	})
}
