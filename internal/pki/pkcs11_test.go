//go:build pkcs11

package pki_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"github.com/kyso-vn/kyso/internal/testpki"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// TestIssuingKeyInSoftHSM runs the issuing CA with its key in a PKCS#11
// token (SoftHSM2): kyso init takes the key by URI, and certificates it
// signs verify with OpenSSL. Run: CGO_ENABLED=1 go test -tags pkcs11 ./internal/pki/
func TestIssuingKeyInSoftHSM(t *testing.T) {
	module := testpki.SoftHSMToken(t, "kyso-ca")
	dir := t.TempDir()
	ctx := context.Background()
	uri := "pkcs11:token=kyso-ca;object=issuing-ca"
	hsm := keys.WithPKCS11(module, "1234")
	if _, err := keys.GenerateInToken(ctx, uri, keys.RSA2048, hsm); err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t, store.SQLite)
	svc, err := pki.Bootstrap(ctx, db, pki.Config{DataDir: dir, PublicURL: "http://127.0.0.1:8080", Passphrase: []byte(passphrase), KeyOptions: []keys.Option{hsm}},
		pki.HierarchyOptions{Organization: "UBND tỉnh Quảng Ngãi", KeyURIs: map[string]string{"issuing": uri}})
	if err != nil {
		t.Fatal(err)
	}
	if got := svc.Identity(pki.KindIssuing).KeyURI; got != uri {
		t.Fatalf("issuing key URI %q, want %q", got, uri)
	}
	if _, err := os.Stat(filepath.Join(dir, "keys", "issuing.pem")); err == nil {
		t.Fatal("a file key was written although the key is in the token")
	}
	// Reopen as kyso serve would, and issue through the token.
	again, err := pki.Open(ctx, db, pki.Config{DataDir: dir, PublicURL: "http://127.0.0.1:8080", Passphrase: []byte(passphrase), KeyOptions: []keys.Option{hsm}})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	c, err := again.Issue(ctx, org.SystemActor("test"), pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: csrFor(t, key, "Người dùng HSM")})
	if err != nil {
		t.Fatal(err)
	}
	chain := again.Chain()
	root := writePEM(t, filepath.Join(dir, "root.pem"), "CERTIFICATE", chain[1].Raw)
	issuing := writePEM(t, filepath.Join(dir, "issuing.pem"), "CERTIFICATE", chain[0].Raw)
	leaf := writePEM(t, filepath.Join(dir, "leaf.pem"), "CERTIFICATE", c.DER)
	out, err := exec.Command("openssl", "verify", "-CAfile", root, "-untrusted", issuing, leaf).CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": OK") {
		t.Fatalf("openssl verify of a certificate signed in the HSM: %v\n%s", err, out)
	}
	// The CRL is signed in the token too.
	if _, err := again.Revoke(ctx, org.SystemActor("test"), c.Serial, 1); err != nil {
		t.Fatal(err)
	}
}
