//go:build !pkcs11

package keys

import (
	"errors"
	"testing"
)

func TestPKCS11NotBuiltIn(t *testing.T) {
	const uri = "pkcs11:token=kyso-ca;object=issuing?module-path=/usr/lib/softhsm/libsofthsm2.so"
	if _, err := Open(bg, uri, WithPKCS11("", "1234")); !errors.Is(err, ErrNoPKCS11) {
		t.Errorf("Open = %v, want ErrNoPKCS11", err)
	}
	if _, err := GenerateInToken(bg, uri, RSA2048); !errors.Is(err, ErrNoPKCS11) {
		t.Errorf("GenerateInToken = %v, want ErrNoPKCS11", err)
	}
	const want = "keys: this kyso was built without PKCS#11 support; rebuild with -tags pkcs11 (needs cgo)"
	if ErrNoPKCS11.Error() != want {
		t.Errorf("ErrNoPKCS11 = %q, want %q", ErrNoPKCS11, want)
	}
}
