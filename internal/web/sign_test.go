package web_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpki"
)

func ghostscriptPDF(t *testing.T) []byte {
	t.Helper()
	for _, tool := range []string{"gs", "pdfsig"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: apt-get install ghostscript poppler-utils", tool)
		}
	}
	dir := t.TempDir()
	ps := filepath.Join(dir, "in.ps")
	_ = os.WriteFile(ps, []byte("%!PS\n/Times-Roman findfont 14 scalefont setfont 72 720 moveto (To trinh) show showpage\n"), 0o600)
	out := filepath.Join(dir, "in.pdf")
	if o, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+out, ps).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, o)
	}
	b, _ := os.ReadFile(out)
	return b
}

func (c *client) upload(t testing.TB, path string, pdfBytes []byte, fields map[string]string) (*http.Response, []byte) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "to-trinh.pdf")
	fw.Write(pdfBytes)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	return c.do("POST", path, body.Bytes(), map[string]string{"Content-Type": mw.FormDataContentType(), "X-CSRF-Token": c.csrf})
}

func TestSignThroughTheAPI(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	in := ghostscriptPDF(t)
	sys := org.SystemActor("test")
	leader := f.users["giamdoc.stttt"]
	if _, err := f.app.PKI.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true, UserID: leader.ID, AgencyID: leader.AgencyID,
		Subject: pki.Subject{CommonName: leader.FullName, Organization: "Sở Thông tin và Truyền thông"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.PKI.Issue(ctx, sys, pki.IssueRequest{Profile: pki.ProfileOrganization, ServerKey: true, AgencyID: leader.AgencyID,
		Subject: pki.Subject{CommonName: "Sở Thông tin và Truyền thông", Organization: "Sở Thông tin và Truyền thông", AgencyCode: "000.00.31.H56"}}); err != nil {
		t.Fatal(err)
	}
	res, signed := f.login("giamdoc.stttt").upload(t, "/api/v1/sign", in, map[string]string{"visible": "1:350,500,160,60", "reason": "Ký ban hành"})
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(signed, in) {
		t.Fatalf("sign as the leader: %d %s", res.StatusCode, signed[:min(len(signed), 300)])
	}
	res, sealed := f.login("vanthu.stttt").upload(t, "/api/v1/sign", signed, map[string]string{"as": "agency"})
	if res.StatusCode != 200 {
		t.Fatalf("seal as the clerk: %d %s", res.StatusCode, sealed)
	}
	file := filepath.Join(t.TempDir(), "sealed.pdf")
	_ = os.WriteFile(file, sealed, 0o600)
	v, _ := exec.Command("pdfsig", file).CombinedOutput()
	if strings.Count(string(v), "Signature Validation: Signature is Valid.") != 2 || !strings.Contains(string(v), "Nguyễn Văn Đức") {
		t.Fatalf("pdfsig:\n%s", v)
	}
	checkValidation(t, f, sealed)
	for _, sc := range []struct {
		name, as string
		fields   map[string]string
		status   int
		want     string
	}{
		{"a specialist has no signing certificate", "chuyenvien.stttt", nil, 409, "USB token"},
		{"only a clerk applies the agency's signature", "giamdoc.stttt", map[string]string{"as": "agency"}, 403, "văn thư"},
		{"a bad position", "giamdoc.stttt", map[string]string{"visible": "1:x"}, 400, `"field": "visible"`},
		{"an unknown level", "giamdoc.stttt", map[string]string{"level": "B-Z"}, 400, `"field": "level"`},
	} {
		t.Run(sc.name, func(t *testing.T) {
			res, body := f.login(sc.as).upload(t, "/api/v1/sign", in, sc.fields)
			if res.StatusCode != sc.status || !strings.Contains(string(body), sc.want) {
				t.Fatalf("%d %s", res.StatusCode, body)
			}
		})
	}
	res, body := f.login("giamdoc.stttt").upload(t, "/api/v1/sign", []byte("not a pdf"), nil)
	if res.StatusCode != 400 || !strings.Contains(string(body), `"field": "file"`) {
		t.Fatalf("garbage upload: %d %s", res.StatusCode, body)
	}
}

// TestTwoPhaseSigningOverHTTP: the key stays with the user (a token): the
// server gets the certificate chain, returns the digest, and assembles the
// PDF from the raw signature.
func TestTwoPhaseSigningOverHTTP(t *testing.T) {
	f := newFixture(t, storetest.Open(t, store.SQLite))
	in := ghostscriptPDF(t)
	caKey := testpki.Key(t, "p256")
	ca := testpki.Issue(t, nil, nil, caKey, "CA bên ngoài", testpki.CA)
	key := testpki.Key(t, "rsa2048")
	cert := testpki.Issue(t, ca, caKey, key, "Đỗ Minh Tuấn", func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	})
	chain := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})) + string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}))
	c := f.login("chuyenvien.stttt")
	res, body := c.upload(t, "/api/v1/sign/prepare", in, map[string]string{"certificate": chain, "visible": "1:350,500,160,60"})
	if res.StatusCode != 201 {
		t.Fatalf("prepare: %d %s", res.StatusCode, body)
	}
	var prep struct {
		ID     string `json:"id"`
		ToSign []byte `json:"to_sign"`
		Hash   string `json:"hash"`
	}
	if err := json.Unmarshal(body, &prep); err != nil || len(prep.ToSign) != 32 || prep.Hash != "SHA-256" {
		t.Fatalf("prepare answer %s: %v", body, err)
	}
	// On the token.
	sig, err := key.Sign(rand.Reader, prep.ToSign, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	// Another user cannot complete it.
	other := f.login("vanthu.stttt")
	if res, _ := other.do("POST", "/api/v1/sign/complete", map[string]any{"id": prep.ID, "signature": sig}, map[string]string{"X-CSRF-Token": other.csrf}); res.StatusCode != 404 {
		t.Fatalf("another user completed the signature: %d", res.StatusCode)
	}
	res, signed := c.do("POST", "/api/v1/sign/complete", map[string]any{"id": prep.ID, "signature": sig}, map[string]string{"X-CSRF-Token": c.csrf})
	if res.StatusCode != 200 || !bytes.HasPrefix(signed, in) {
		t.Fatalf("complete: %d %s", res.StatusCode, signed[:min(300, len(signed))])
	}
	file := filepath.Join(t.TempDir(), "signed.pdf")
	_ = os.WriteFile(file, signed, 0o600)
	if v, _ := exec.Command("pdfsig", file).CombinedOutput(); !strings.Contains(string(v), "Signature Validation: Signature is Valid.") || !strings.Contains(string(v), "Đỗ Minh Tuấn") {
		t.Fatalf("pdfsig:\n%s", v)
	}
	// The session is gone once used; a wrong signature is refused.
	if res, _ := c.do("POST", "/api/v1/sign/complete", map[string]any{"id": prep.ID, "signature": sig}, map[string]string{"X-CSRF-Token": c.csrf}); res.StatusCode != 404 {
		t.Fatalf("a used session completed again: %d", res.StatusCode)
	}
	res, body = c.upload(t, "/api/v1/sign/prepare", in, map[string]string{"certificate": chain})
	_ = json.Unmarshal(body, &prep)
	if res, body := c.do("POST", "/api/v1/sign/complete", map[string]any{"id": prep.ID, "signature": []byte("not a signature")}, map[string]string{"X-CSRF-Token": c.csrf}); res.StatusCode != 400 || !strings.Contains(string(body), `"field": "signature"`) {
		t.Fatalf("a wrong signature: %d %s", res.StatusCode, body)
	}
	if res, body := c.upload(t, "/api/v1/sign/prepare", in, map[string]string{"certificate": "garbage"}); res.StatusCode != 400 || !strings.Contains(string(body), `"field": "certificate"`) {
		t.Fatalf("a garbage certificate: %d %s", res.StatusCode, body)
	}
}
