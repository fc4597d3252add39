//go:build pkcs11

package pades_test

import (
	"context"
	"crypto/x509"
	"path/filepath"
	"testing"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/testpki"
)

// TestSignWithSoftHSM signs with a key that never leaves a PKCS#11 token
// (SoftHSM2), as with a USB token: pdfsig, mutool and qpdf accept it.
// Run: CGO_ENABLED=1 go test -tags pkcs11 ./internal/pades/
func TestSignWithSoftHSM(t *testing.T) {
	module := testpki.SoftHSMToken(t, "usb-token")
	e := newEnv(t)
	ctx := context.Background()
	uri := "pkcs11:token=usb-token;object=chu-ky"
	opt := keys.WithPKCS11(module, "1234")
	signer, err := keys.GenerateInToken(ctx, uri, keys.RSA2048, opt)
	if err != nil {
		t.Fatal(err)
	}
	cert := testpki.Issue(t, e.ca, e.caKey, signer, "Trương Thị Hồng Nhung", func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	})
	id, err := keys.NewIdentity(signer, cert, []*x509.Certificate{e.ca})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(e.dir, "token-signed.pdf")
	sign(t, e.input(t), out, id, pades.Options{})
	e.check(t, out, 1)
}
