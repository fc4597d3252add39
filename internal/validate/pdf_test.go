package validate_test

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/pdf"
	"github.com/kyso-vn/kyso/internal/testpdf"
	"github.com/kyso-vn/kyso/internal/validate"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

func validator(anchors ...*x509.Certificate) *validate.Validator {
	return validate.New(validate.Options{
		Anchors: anchors,
		Client:  &http.Client{Timeout: 5 * time.Second},
		Cache:   &revocation.Cache{},
		Lang:    i18n.EN,
	})
}

func validateFile(t *testing.T, v *validate.Validator, file string) *validate.Report {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := v.PDF(context.Background(), data)
	if err != nil {
		t.Fatalf("validate %s: %v", filepath.Base(file), err)
	}
	return rep
}

func describe(r *validate.Report) string {
	var b strings.Builder
	_ = r.WriteText(&b, i18n.EN)
	return b.String()
}

// TestPdfsigSignaturesFromAnOpenSSLCA is the issue's first check: signatures
// made by poppler's pdfsig (NSS) with certificates from a CA run by the
// openssl command line, its revocation served by `openssl ocsp -index` and
// a CRL URL.
func TestPdfsigSignaturesFromAnOpenSSLCA(t *testing.T) {
	ca := newOpenSSLCA(t)
	ca.issue(t, "alice", "Nguyễn Thị Ánh", "signer")
	ca.issue(t, "bob", "Trần Văn Bình", "signer")
	ca.revoke(t, "bob") // revoked before he signs
	ca.startOCSP(t)
	nss := newNSSDB(t)
	nss.add(t, ca, "alice")
	nss.add(t, ca, "bob")
	in := ghostscriptPDF(t, t.TempDir())
	alice := nss.sign(t, in, "alice", false)
	bob := nss.sign(t, in, "bob", false)

	v := validator(ca.cert)
	rep := validateFile(t, v, alice)
	s := rep.Signatures[0]
	if rep.Indication != validate.TotalPassed || s.Signer.Name != "Nguyễn Thị Ánh" || len(s.Chain) != 2 ||
		!strings.Contains(s.Chain[0].Source, "OCSP "+ca.ocspURL) || s.SigningTimeSource != "claimed" || !s.CoversWholeDocument {
		t.Fatalf("alice's signature:\n%s", describe(rep))
	}
	if rep.ExitCode() != 0 {
		t.Fatalf("exit code %d", rep.ExitCode())
	}

	rep = validateFile(t, v, bob)
	if s := rep.Signatures[0]; s.Indication != validate.TotalFailed || s.SubIndication != validate.RevokedSub {
		t.Fatalf("bob's signature, revoked before signing:\n%s", describe(rep))
	}
	if rep.ExitCode() != 1 {
		t.Fatalf("exit code %d", rep.ExitCode())
	}

	// The trust anchor is missing: nothing says who the CA is.
	rep = validateFile(t, validator(), alice)
	if s := rep.Signatures[0]; s.Indication != validate.Indeterminate || s.SubIndication != "NO_CERTIFICATE_CHAIN_FOUND" || rep.ExitCode() != 2 {
		t.Fatalf("without the anchor:\n%s", describe(rep))
	}

	// The OCSP responder is stopped: the CRL answers.
	ca.stopOCSP()
	rep = validateFile(t, validator(ca.cert), alice)
	if s := rep.Signatures[0]; s.Indication != validate.TotalPassed || !strings.Contains(s.Chain[0].Source, "CRL") {
		t.Fatalf("with only the CRL:\n%s", describe(rep))
	}
	rep = validateFile(t, validator(ca.cert), bob)
	if s := rep.Signatures[0]; s.SubIndication != validate.RevokedSub {
		t.Fatalf("bob with only the CRL:\n%s", describe(rep))
	}

	// No revocation source answers: never valid, try later.
	ca.crlSrv.Close()
	rep = validateFile(t, validator(ca.cert), alice)
	if s := rep.Signatures[0]; s.Indication != validate.Indeterminate || s.SubIndication != "TRY_LATER" || rep.ExitCode() != 2 {
		t.Fatalf("with no revocation source:\n%s", describe(rep))
	}
	// But a validator that cached the answers keeps using them until
	// their nextUpdate.
	rep = validateFile(t, v, alice)
	if rep.Indication != validate.TotalPassed {
		t.Fatalf("from the cache:\n%s", describe(rep))
	}
}

// TestChangedAfterSigning: page content replaced in a later incremental
// update is reported with its page and fails the signature.
func TestChangedAfterSigning(t *testing.T) {
	ca := newOpenSSLCA(t)
	ca.issue(t, "alice", "Nguyễn Thị Ánh", "signer")
	ca.publishCRL(t)
	nss := newNSSDB(t)
	nss.add(t, ca, "alice")
	signed := nss.sign(t, ghostscriptPDF(t, t.TempDir()), "alice", false)

	changed := filepath.Join(filepath.Dir(signed), "changed.pdf")
	testpdf.Update(t, signed, changed, func(d *pdf.Document, u *pdf.Update) {
		p, _ := d.Page(1)
		pd, _ := d.DerefDict(p.Ref)
		pd = pd.Clone()
		pd["Contents"] = u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: []byte("BT /F1 14 Tf 72 720 Td (Trang da sua) Tj ET")})
		u.Replace(p.Ref, pd)
	})
	rep := validateFile(t, validator(ca.cert), changed)
	s := rep.Signatures[0]
	if s.Indication == validate.TotalPassed || s.ChangesPermitted || rep.ExitCode() == 0 {
		t.Fatalf("page content changed after signing:\n%s", describe(rep))
	}
	var onPage1 bool
	for _, c := range s.Changes {
		onPage1 = onPage1 || (!c.Allowed && c.Page == 1)
	}
	if !onPage1 || !strings.Contains(describe(rep), "NOT permitted") || !strings.Contains(describe(rep), "page: /Contents changed") {
		t.Fatalf("the report does not say what changed on page 1:\n%s", describe(rep))
	}
	// In Vietnamese, the change too is in Vietnamese, in the text and the
	// HTML report alike.
	var vi, html strings.Builder
	_ = rep.WriteText(&vi, i18n.VI)
	_ = rep.WriteHTML(&html, i18n.VI)
	for _, out := range []string{vi.String(), html.String()} {
		if !strings.Contains(out, "trang: /Contents bị thay đổi") {
			t.Fatalf("the Vietnamese report:\n%s", out)
		}
	}
}

func TestUnreadableAndUnsigned(t *testing.T) {
	ca := newOpenSSLCA(t)
	ca.issue(t, "alice", "Alice", "signer")
	ca.publishCRL(t)
	nss := newNSSDB(t)
	nss.add(t, ca, "alice")
	in := ghostscriptPDF(t, t.TempDir())
	signed := nss.sign(t, in, "alice", false)
	data, _ := os.ReadFile(signed)
	unsigned, _ := os.ReadFile(in)
	v := validator(ca.cert)
	ctx := context.Background()

	if _, err := v.PDF(ctx, unsigned); !errors.Is(err, validate.ErrNoSignature) {
		t.Fatalf("unsigned: %v", err)
	}
	if _, err := v.File(ctx, []byte("hello"), nil); !errors.Is(err, validate.ErrUnreadable) {
		t.Fatalf("text: %v", err)
	}
	// Truncated inside the signed revision: either unreadable, or the
	// byte range no longer fits; never valid.
	for _, n := range []int{len(data) / 2, len(data) - 40, 10} {
		rep, err := v.PDF(ctx, data[:n])
		if err == nil && rep.Indication != validate.TotalFailed {
			t.Fatalf("truncated to %d bytes:\n%s", n, describe(rep))
		}
	}
	// A byte flipped inside the signed range.
	bad := append([]byte(nil), data...)
	i := strings.Index(string(bad), "Trang 1")
	if i < 0 {
		// The text is in a compressed stream: flip a byte of the
		// first object instead.
		i = 20
	}
	bad[i] ^= 1
	rep, err := v.PDF(ctx, bad)
	if err == nil && (rep.Signatures[0].Indication != validate.TotalFailed || rep.Signatures[0].SubIndication != validate.HashFailure) {
		t.Fatalf("flipped byte:\n%s", describe(rep))
	}
}
