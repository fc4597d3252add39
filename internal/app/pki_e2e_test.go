package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/pdf"
	"github.com/kyso-vn/kyso/internal/testpki"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/app"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/web"
)

// server is a whole kyso installation serving on 127.0.0.1, with the URLs
// in its certificates pointing at itself.
type server struct {
	app      *app.App
	url      string
	dir      string
	password string // the demo users' password
}

func startKyso(t *testing.T) *server {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed: apt-get install openssl")
	}
	t.Setenv("KYSO_DATABASE_URL", "")
	t.Setenv("KYSO_KEY_PASSPHRASE", "cụm mật khẩu kiểm thử đủ dài")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := app.Config{DataDir: filepath.Join(dir, "data"), PublicURL: "http://" + ln.Addr().String(), DevFastPasswords: true}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	creds, err := app.Init(ctx, cfg, app.InitOptions{Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	h, err := web.New(a)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	go a.RunBackground(ctx)
	t.Cleanup(func() { srv.Close() })
	return &server{app: a, url: cfg.PublicURL, dir: dir, password: creds[0].Password}
}

func (s *server) file(t *testing.T, name string, pemType string, ders ...[]byte) string {
	return testpki.WriteBlocks(t, filepath.Join(s.dir, name), pemType, ders...)
}

func fetch(t *testing.T, url string) []byte {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, b)
	}
	return b
}

func openssl(t *testing.T, args ...string) string {
	t.Helper()
	out, _ := exec.Command("openssl", args...).CombinedOutput()
	return string(out)
}

func TestOCSPAndCRLWithOpenSSL(t *testing.T) {
	s := startKyso(t)
	ctx := context.Background()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "Huỳnh Thị Mỹ Linh"}}, key)
	c, err := s.app.PKI.Issue(ctx, org.SystemActor("test"), pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := c.X509()
	chain := s.app.PKI.Chain()
	// The chain and issuer come from the URLs in the certificate, as a
	// relying party would fetch them.
	issuerDER := fetch(t, x.IssuingCertificateURL[0])
	issuer := s.file(t, "issuer.pem", "CERTIFICATE", issuerDER)
	roots := s.file(t, "root.pem", "CERTIFICATE", chain[1].Raw)
	all := s.file(t, "chain.pem", "CERTIFICATE", chain[0].Raw, chain[1].Raw)
	leaf := s.file(t, "leaf.pem", "CERTIFICATE", c.DER)
	ocspURL := x.OCSPServer[0]
	if !strings.HasPrefix(ocspURL, s.url) {
		t.Fatalf("OCSP URL %s does not point at this server %s", ocspURL, s.url)
	}
	ocspCheck := func(extra ...string) string {
		return openssl(t, append([]string{"ocsp", "-issuer", issuer, "-cert", leaf, "-url", ocspURL, "-CAfile", all, "-resp_text"}, extra...)...)
	}
	crlCheck := func() string {
		crl := s.file(t, "crl.pem", "X509 CRL", fetch(t, x.CRLDistributionPoints[0]))
		return openssl(t, "verify", "-crl_check", "-CRLfile", crl, "-CAfile", roots, "-untrusted", issuer, leaf)
	}

	for _, extra := range [][]string{nil, {"-no_nonce"}} {
		out := ocspCheck(extra...)
		if !strings.Contains(out, "Response verify OK") || !strings.Contains(out, leaf+": good") {
			t.Fatalf("openssl ocsp %v before revocation:\n%s", extra, out)
		}
		if extra == nil && strings.Contains(out, "WARNING: no nonce") {
			t.Errorf("the nonce was not echoed:\n%s", out)
		}
	}
	if out := crlCheck(); !strings.Contains(out, ": OK") {
		t.Fatalf("CRL check before revocation:\n%s", out)
	}

	if _, err := s.app.PKI.Revoke(ctx, org.SystemActor("test"), c.Serial, 1); err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{nil, {"-no_nonce"}} {
		out := ocspCheck(extra...)
		if !strings.Contains(out, "Response verify OK") || !strings.Contains(out, leaf+": revoked") || !strings.Contains(out, "Reason: keyCompromise") {
			t.Fatalf("openssl ocsp %v after revocation:\n%s", extra, out)
		}
	}
	if out := crlCheck(); !strings.Contains(out, "certificate revoked") {
		t.Fatalf("CRL check after revocation:\n%s", out)
	}

	// A GET whose base64 holds "//" reaches the responder as it is: a
	// path-cleaning router would redirect it (301) instead.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Get(s.url + "/ocsp/MEIwQDA+MDwwOjAJBgUrDgMCGgUABBQ//w==")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusMovedPermanently {
		t.Errorf("GET /ocsp/…//… was redirected instead of answered")
	}
	// A malformed request is refused and changes nothing.
	res, err = http.Post(s.url+"/ocsp", "application/ocsp-request", strings.NewReader("garbage"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("garbage OCSP request: HTTP %d, want 400", res.StatusCode)
	}
}

func TestTimeStampWithOpenSSL(t *testing.T) {
	s := startKyso(t)
	chain := s.app.PKI.Chain()
	root := s.file(t, "root.pem", "CERTIFICATE", chain[1].Raw)
	untrusted := s.file(t, "untrusted.pem", "CERTIFICATE", chain[0].Raw, s.app.PKI.Identity(pki.KindTSA).Cert.Raw)
	data := filepath.Join(s.dir, "van-ban.txt")
	_ = os.WriteFile(data, []byte("Quyết định số 05/QĐ-UBND"), 0o600)
	query := filepath.Join(s.dir, "q.tsq")
	if out := openssl(t, "ts", "-query", "-data", data, "-sha256", "-cert", "-out", query); !fileExists(query) {
		t.Fatalf("openssl ts -query: %s", out)
	}
	q, _ := os.ReadFile(query)
	res, err := http.Post(s.url+"/tsa", "application/timestamp-query", strings.NewReader(string(q)))
	if err != nil {
		t.Fatal(err)
	}
	reply, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/timestamp-reply" {
		t.Fatalf("POST /tsa: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	replyFile := filepath.Join(s.dir, "r.tsr")
	_ = os.WriteFile(replyFile, reply, 0o600)
	if out := openssl(t, "ts", "-reply", "-in", replyFile, "-text"); !strings.Contains(out, "Status: Granted") {
		t.Fatalf("openssl ts -reply:\n%s", out)
	}
	out := openssl(t, "ts", "-verify", "-in", replyFile, "-queryfile", query, "-CAfile", root, "-untrusted", untrusted)
	if !strings.Contains(out, "Verification: OK") {
		t.Fatalf("openssl ts -verify:\n%s", out)
	}
	// A malformed query is refused with 400.
	res, err = http.Post(s.url+"/tsa", "application/timestamp-query", strings.NewReader("garbage"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest {
		t.Errorf("garbage TSA query: HTTP %d, want 400", res.StatusCode)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestRevocationByAnotherProcess revokes through a second App on the same
// data directory, as 'kyso cert revoke' on the server does while 'kyso
// serve' runs: the server's OCSP answer must turn to revoked within seconds.
func TestRevocationByAnotherProcess(t *testing.T) {
	s := startKyso(t)
	ctx := context.Background()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	csr, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "Âu Thị Ỷ"}}, key)
	c, err := s.app.PKI.Issue(ctx, org.SystemActor("test"), pki.IssueRequest{Profile: pki.ProfilePersonal, CSR: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csr})})
	if err != nil {
		t.Fatal(err)
	}
	chain := s.app.PKI.Chain()
	issuer := s.file(t, "issuer2.pem", "CERTIFICATE", chain[0].Raw)
	all := s.file(t, "chain2.pem", "CERTIFICATE", chain[0].Raw, chain[1].Raw)
	leaf := s.file(t, "leaf2.pem", "CERTIFICATE", c.DER)
	check := func() string {
		return openssl(t, "ocsp", "-issuer", issuer, "-cert", leaf, "-url", s.url+"/ocsp", "-CAfile", all, "-no_nonce")
	}
	if out := check(); !strings.Contains(out, leaf+": good") {
		t.Fatalf("before: %s", out)
	}
	other, err := app.Open(ctx, s.app.Config, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.PKI.Revoke(ctx, org.SystemActor("cli:test"), c.Serial, 3); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := check()
		if strings.Contains(out, leaf+": revoked") && strings.Contains(out, "Response verify OK") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server still answers, 10 s after another process revoked:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestLongTermSignature signs at B-LTA against a running kyso: the
// signature time-stamp and the document time-stamp come from its /tsa,
// the DSS holds the chain and the OCSP answers fetched from the URLs in the
// certificates. pdfsig (NSS trusting kyso's root) checks the result.
func TestLongTermSignature(t *testing.T) {
	for _, tool := range []string{"gs", "pdfsig", "certutil"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: apt-get install ghostscript poppler-utils libnss3-tools", tool)
		}
	}
	s := startKyso(t)
	ctx := context.Background()
	c, err := s.app.PKI.Issue(ctx, org.SystemActor("test"), pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true,
		Subject: pki.Subject{CommonName: "Phan Thị Diệu", Organization: "Sở Nội vụ"}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.app.PKI.SubscriberSigner(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	ps := filepath.Join(s.dir, "in.ps")
	_ = os.WriteFile(ps, []byte("%!PS\n/Times-Roman findfont 14 scalefont setfont 72 720 moveto (Quyet dinh) show showpage\n"), 0o600)
	in := filepath.Join(s.dir, "in.pdf")
	if o, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+in, ps).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, o)
	}
	f, _ := os.Open(in)
	defer f.Close()
	out := filepath.Join(s.dir, "lta.pdf")
	if err := pades.Sign(ctx, f, out, id, pades.Options{Level: pades.LevelBLTA, TSA: pades.HTTPTimeStamper(s.url+"/tsa", nil)}); err != nil {
		t.Fatal(err)
	}
	// The DSS holds the chain and an OCSP answer per non-root certificate.
	g, _ := os.Open(out)
	defer g.Close()
	st, _ := g.Stat()
	doc, err := pdf.Open(g, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := doc.Catalog()
	dss, err := doc.DerefDict(cat.Get("DSS"))
	if err != nil || dss == nil {
		t.Fatalf("no DSS: %v", err)
	}
	ocsps, _ := dss.Get("OCSPs").(pdf.Array)
	certs, _ := dss.Get("Certs").(pdf.Array)
	if len(ocsps) < 2 || len(certs) < 4 {
		t.Errorf("DSS has %d OCSP answers and %d certificates; want the signer's and the TSA's answers, and their chains", len(ocsps), len(certs))
	}
	if len(doc.Revisions()) != 4 {
		t.Errorf("%d revisions, want 4: original, signature, DSS, document time-stamp", len(doc.Revisions()))
	}
	nss := filepath.Join(s.dir, "nss")
	_ = os.Mkdir(nss, 0o700)
	root := s.file(t, "kyso-root.pem", "CERTIFICATE", s.app.PKI.Chain()[1].Raw)
	for _, args := range [][]string{{"-N", "-d", "sql:" + nss, "--empty-password"}, {"-A", "-n", "kyso", "-t", "CT,C,C", "-i", root, "-d", "sql:" + nss}} {
		if o, err := exec.Command("certutil", args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil: %v\n%s", err, o)
		}
	}
	v, _ := exec.Command("pdfsig", "-nssdir", "sql:"+nss, out).CombinedOutput()
	vs := string(v)
	if !strings.Contains(vs, "Phan Thị Diệu") || !strings.Contains(vs, "Signature Validation: Signature is Valid.") || !strings.Contains(vs, "Certificate is Trusted") {
		t.Fatalf("pdfsig:\n%s", vs)
	}
	// poppler cannot validate ETSI.RFC3161 document time-stamps, so the
	// token is checked with openssl ts -verify over its byte range.
	if !strings.Contains(vs, "DocumentTimeStamp") {
		t.Fatalf("pdfsig lists no document time-stamp:\n%s", vs)
	}
	fields, err := doc.SignatureFields()
	if err != nil {
		t.Fatal(err)
	}
	var sigDict pdf.Dict
	for _, fl := range fields {
		if fl.Name == "DocumentTimeStamp" {
			sigDict, _ = doc.DerefDict(fl.Value)
		}
	}
	if sigDict == nil || sigDict.Get("SubFilter") != pdf.Name("ETSI.RFC3161") {
		t.Fatalf("document time-stamp dictionary: %v", sigDict)
	}
	token, _ := pdf.Bytes(sigDict.Get("Contents"))
	brArr, _ := sigDict.Get("ByteRange").(pdf.Array)
	var br [4]int64
	for i := range br {
		n, _ := pdf.Integer(brArr[i])
		br[i] = int64(n)
	}
	data, _ := io.ReadAll(pdf.ByteRangeReader(g, br))
	dataFile := filepath.Join(s.dir, "ltadata.bin")
	_ = os.WriteFile(dataFile, data, 0o600)
	tokenFile := filepath.Join(s.dir, "lta.tst")
	// /Contents is zero-padded; the token is the DER value at its start.
	var tok asn1.RawValue
	if _, err := asn1.Unmarshal(token, &tok); err != nil {
		t.Fatalf("document time-stamp token: %v", err)
	}
	_ = os.WriteFile(tokenFile, tok.FullBytes, 0o600)
	untrusted := s.file(t, "kyso-issuing.pem", "CERTIFICATE", s.app.PKI.Chain()[0].Raw, s.app.PKI.Identity(pki.KindTSA).Cert.Raw)
	if o := openssl(t, "ts", "-verify", "-token_in", "-in", tokenFile, "-data", dataFile, "-CAfile", root, "-untrusted", untrusted); !strings.Contains(o, "Verification: OK") {
		t.Fatalf("openssl ts -verify of the document time-stamp:\n%s", o)
	}
	t.Logf("pdfsig:\n%s", vs)
}

// TestCertificateStatusAPI asks a running kyso about certificates, as other
// software would: good, then revoked, and one from a CA it does not trust.
func TestCertificateStatusAPI(t *testing.T) {
	s := startKyso(t)
	ctx := context.Background()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	login, _ := json.Marshal(map[string]string{"username": "admin", "password": s.password})
	res, err := client.Post(s.url+"/api/v1/auth/login", "application/json", bytes.NewReader(login))
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("login: %v %v", err, res)
	}
	var lr struct {
		CSRF string `json:"csrf_token"`
	}
	_ = json.NewDecoder(res.Body).Decode(&lr)
	res.Body.Close()
	ask := func(pemText string) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"pem": pemText})
		req, _ := http.NewRequest("POST", s.url+"/api/v1/certificates/validate", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", lr.CSRF)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		if res.StatusCode != 200 {
			t.Fatalf("validate: %d %v", res.StatusCode, out)
		}
		return out
	}
	c, err := s.app.PKI.Issue(ctx, org.SystemActor("test"), pki.IssueRequest{Profile: pki.ProfilePersonal, ServerKey: true, Subject: pki.Subject{CommonName: "Hà Thị Ỳ"}})
	if err != nil {
		t.Fatal(err)
	}
	leafPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.DER}))
	if out := ask(leafPEM); out["indication"] != "PASSED" || out["status"] != "good" {
		t.Fatalf("a good certificate: %v", out)
	}
	if _, err := s.app.PKI.Revoke(ctx, org.SystemActor("test"), c.Serial, 1); err != nil {
		t.Fatal(err)
	}
	out := ask(leafPEM)
	if out["status"] != "revoked" || out["sub_indication"] != "REVOKED_NO_POE" {
		t.Fatalf("a revoked certificate: %v", out)
	}
	foreignKey := testpki.Key(t, "p256")
	foreign := testpki.Issue(t, nil, nil, foreignKey, "CA lạ", testpki.CA)
	leafKey := testpki.Key(t, "p256")
	stranger := testpki.Issue(t, foreign, foreignKey, leafKey, "Người lạ")
	if out := ask(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: stranger.Raw}))); out["status"] != "untrusted" || out["sub_indication"] != "NO_CERTIFICATE_CHAIN_FOUND" {
		t.Fatalf("a certificate from an unknown CA: %v", out)
	}
}
