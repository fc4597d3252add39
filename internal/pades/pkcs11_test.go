//go:build pkcs11

package pades_test

import (
	"context"
	"crypto/x509"
	"os"
	"os/exec"
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
	module := "/usr/lib/softhsm/libsofthsm2.so"
	util, err := exec.LookPath("softhsm2-util")
	if _, serr := os.Stat(module); serr != nil || err != nil {
		t.Skip("SoftHSM2 not found; install it with: apt-get install -y softhsm2")
	}
	e := newEnv(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "softhsm2.conf")
	_ = os.MkdirAll(filepath.Join(dir, "tokens"), 0o700)
	_ = os.WriteFile(conf, []byte("directories.tokendir = "+filepath.Join(dir, "tokens")+"\nobjectstore.backend = file\n"), 0o600)
	t.Setenv("SOFTHSM2_CONF", conf)
	if out, err := exec.Command(util, "--init-token", "--free", "--label", "usb-token", "--pin", "1234", "--so-pin", "5678").CombinedOutput(); err != nil {
		t.Fatalf("softhsm2-util: %v\n%s", err, out)
	}
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
