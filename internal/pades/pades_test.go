package pades_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/tsa"
)

// env is a test PKI with an NSS database that trusts its root, as poppler's
// pdfsig needs.
type env struct {
	dir    string
	nss    string
	root   *x509.Certificate
	caKey  crypto.Signer
	ca     *x509.Certificate
	leader *keys.Identity
	seal   *keys.Identity
}

func need(t testing.TB, tools ...string) {
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: apt-get install poppler-utils mupdf-tools qpdf libnss3-tools ghostscript", tool)
		}
	}
}

func newEnv(t testing.TB) *env {
	t.Helper()
	need(t, "pdfsig", "certutil", "mutool", "qpdf")
	e := &env{dir: t.TempDir()}
	rootKey := testpki.Key(t, "p256")
	e.root = testpki.Issue(t, nil, nil, rootKey, "Root CA thử nghiệm", testpki.CA)
	e.caKey = testpki.Key(t, "p256")
	e.ca = testpki.Issue(t, e.root, rootKey, e.caKey, "CA cấp chứng thư thử nghiệm", testpki.CA)
	signing := func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	}
	lk := testpki.Key(t, "rsa2048")
	e.leader = &keys.Identity{Signer: lk, Cert: testpki.Issue(t, e.ca, e.caKey, lk, "Nguyễn Văn Đức", signing), Chain: []*x509.Certificate{e.ca}}
	sk := testpki.Key(t, "rsa2048")
	e.seal = &keys.Identity{Signer: sk, Cert: testpki.Issue(t, e.ca, e.caKey, sk, "Sở Thông tin và Truyền thông", signing), Chain: []*x509.Certificate{e.ca}}
	e.nss = filepath.Join(e.dir, "nss")
	_ = os.Mkdir(e.nss, 0o700)
	rootPEM := testpki.WritePEM(t, filepath.Join(e.dir, "root.pem"), e.root)
	for _, args := range [][]string{
		{"-N", "-d", "sql:" + e.nss, "--empty-password"},
		{"-A", "-n", "root", "-t", "CT,C,C", "-i", rootPEM, "-d", "sql:" + e.nss},
	} {
		if out, err := exec.Command("certutil", args...).CombinedOutput(); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, out)
		}
	}
	return e
}

// input makes a 2-page PDF with Ghostscript.
func (e *env) input(t testing.TB) string {
	t.Helper()
	need(t, "gs")
	ps := filepath.Join(e.dir, "in.ps")
	_ = os.WriteFile(ps, []byte("%!PS\n/Times-Roman findfont 14 scalefont setfont\n72 720 moveto (QUYET DINH so 05/QD-UBND) show showpage\n72 720 moveto (Phu luc) show showpage\n"), 0o600)
	pdf := filepath.Join(e.dir, "in.pdf")
	if out, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+pdf, ps).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, out)
	}
	return pdf
}

// pngImage draws a blue scribble (or a red ring for a seal) on a
// transparent background.
func pngImage(t *testing.T, c color.NRGBA, ring bool) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 200, 200))
	for x := 10; x < 190; x++ {
		for y := 10; y < 190; y++ {
			dx, dy := x-100, y-100
			d := dx*dx + dy*dy
			if (ring && d > 70*70 && d < 85*85) || (!ring && (y-100)*(y-100) < 16 && x%7 != 0) {
				img.Set(x, y, c)
			}
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sign(t *testing.T, in, out string, id *keys.Identity, o pades.Options) {
	t.Helper()
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pades.Sign(context.Background(), f, out, id, o); err != nil {
		t.Fatal(err)
	}
	// The output starts with the input, byte for byte.
	a, _ := os.ReadFile(in)
	b, _ := os.ReadFile(out)
	if !bytes.HasPrefix(b, a) {
		t.Fatal("the signed file does not start with the input")
	}
}

func (e *env) check(t *testing.T, file string, signatures int) string {
	t.Helper()
	out, _ := exec.Command("pdfsig", "-nssdir", "sql:"+e.nss, file).CombinedOutput()
	s := string(out)
	if strings.Count(s, "Signature Validation: Signature is Valid.") != signatures {
		t.Fatalf("pdfsig: want %d valid signatures:\n%s", signatures, s)
	}
	if !strings.Contains(s, "Certificate Validation: Certificate is Trusted.") {
		t.Errorf("pdfsig does not trust the chain:\n%s", s)
	}
	if !strings.Contains(s, "Total document signed") {
		t.Errorf("pdfsig: the last signature does not cover the whole document:\n%s", s)
	}
	// mutool has no trust store here ("Certificate error"), but it checks
	// every digest: earlier signatures must be "valid but … edits" (the
	// later signatures), the last "unchanged since signing".
	m, _ := exec.Command("mutool", "sign", "-v", file).CombinedOutput()
	ms := string(m)
	if strings.Count(ms, "The document is unchanged since signing.") != 1 ||
		strings.Count(ms, "The signature is valid but there have been edits since signing.") != signatures-1 {
		t.Errorf("mutool sign -v:\n%s", ms)
	}
	if q, err := exec.Command("qpdf", "--check", file).CombinedOutput(); err != nil {
		t.Errorf("qpdf --check: %v\n%s", err, q)
	}
	return s
}

func TestLeaderThenSeal(t *testing.T) {
	e := newEnv(t)
	in := e.input(t)
	signed := filepath.Join(e.dir, "signed.pdf")
	leaderRect := pades.Rect{X: 350, Y: 500, W: 160, H: 90}
	sign(t, in, signed, e.leader, pades.Options{Reason: "Ký ban hành", Location: "Quảng Ngãi", Appearance: &pades.Appearance{
		Kind: pades.KindSigner, Page: 1, Rect: leaderRect, Image: pngImage(t, color.NRGBA{0, 0, 200, 255}, false),
		Lines: []string{"Nguyễn Văn Đức"},
	}})
	out := e.check(t, signed, 1)
	if !strings.Contains(out, "Nguyễn Văn Đức") {
		t.Errorf("pdfsig does not show the signer's Vietnamese name:\n%s", out)
	}
	sealed := filepath.Join(e.dir, "sealed.pdf")
	sign(t, signed, sealed, e.seal, pades.Options{Appearance: &pades.Appearance{
		Kind: pades.KindSeal, Page: 1, Rect: pades.SealRect(leaderRect, 102), Image: pngImage(t, color.NRGBA{220, 0, 0, 255}, true),
	}})
	e.check(t, sealed, 2)
	// The blue signature, the name below it, and the red seal over its
	// left third, as rendered by poppler.
	compareRender(t, sealed, "leader-and-seal.png")
	stamped := filepath.Join(e.dir, "stamped.pdf")
	sign(t, sealed, stamped, e.seal, pades.Options{Appearance: &pades.Appearance{Kind: pades.KindStamp, Page: 2, Lines: []string{"Số: 05/QĐ-UBND"}}})
	e.check(t, stamped, 3)
	if d := os.Getenv("PADES_KEEP"); d != "" {
		b, _ := os.ReadFile(stamped)
		_ = os.WriteFile(filepath.Join(d, "stamped.pdf"), b, 0o644)
	}
	// The appearance text is real text: pdftotext finds it.
	if txt, err := exec.Command("pdftotext", "-f", "2", "-l", "2", stamped, "-").CombinedOutput(); err == nil && !strings.Contains(string(txt), "Số: 05/QĐ-UBND") {
		t.Logf("pdftotext does not read annotation appearances (expected): %s", txt)
	}
}

func TestTimeStampedSignature(t *testing.T) {
	e := newEnv(t)
	in := e.input(t)
	tk := testpki.Key(t, "p256")
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	tcert := testpki.Issue(t, e.ca, e.caKey, tk, "TSA thử nghiệm", func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
	})
	authority, err := tsa.New(tcert, []*x509.Certificate{e.ca}, tk)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(authority)
	defer srv.Close()
	out := filepath.Join(e.dir, "bt.pdf")
	sign(t, in, out, e.leader, pades.Options{Level: pades.LevelBT, TSA: pades.HTTPTimeStamper(srv.URL, nil)})
	s := e.check(t, out, 1)
	if !strings.Contains(s, "ETSI.CAdES.detached") {
		t.Errorf("pdfsig: not a PAdES signature:\n%s", s)
	}
}

func TestBadInputLeavesNothing(t *testing.T) {
	e := newEnv(t)
	in := e.input(t)
	notPDF := filepath.Join(e.dir, "not.pdf")
	_ = os.WriteFile(notPDF, []byte("hello"), 0o600)
	encrypted := filepath.Join(e.dir, "encrypted.pdf")
	if o, err := exec.Command("qpdf", "--encrypt", "user", "owner", "256", "--", in, encrypted).CombinedOutput(); err != nil {
		t.Fatalf("qpdf --encrypt: %v\n%s", err, o)
	}
	truncated := filepath.Join(e.dir, "truncated.pdf")
	whole, _ := os.ReadFile(in)
	_ = os.WriteFile(truncated, whole[:len(whole)/2], 0o600)
	tlsKey := testpki.Key(t, "rsa2048")
	tlsOnly := &keys.Identity{Signer: tlsKey, Cert: testpki.Issue(t, e.ca, e.caKey, tlsKey, "server", func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment })}
	cases := []struct {
		name string
		in   string
		id   *keys.Identity
		o    pades.Options
		want string
	}{
		{"not a PDF", notPDF, e.leader, pades.Options{}, "pades: input"},
		{"a password-protected PDF", encrypted, e.leader, pades.Options{}, "password-protected or encrypted"},
		{"a truncated PDF", truncated, e.leader, pades.Options{}, "pades: input"},
		{"a certificate not for signing", in, tlsOnly, pades.Options{}, "neither digitalSignature nor nonRepudiation"},
		{"B-T without a TSA", in, e.leader, pades.Options{Level: pades.LevelBT}, "needs a time-stamp authority"},
		{"an unreachable TSA", in, e.leader, pades.Options{Level: pades.LevelBT, TSA: pades.HTTPTimeStamper("http://127.0.0.1:1/tsa", nil)}, "time-stamp"},
		{"a page that does not exist", in, e.leader, pades.Options{Appearance: &pades.Appearance{Kind: pades.KindSigner, Page: 9, Rect: pades.Rect{W: 10, H: 10}}}, "page 9 does not exist"},
		{"a broken image", in, e.leader, pades.Options{Appearance: &pades.Appearance{Kind: pades.KindSigner, Page: 1, Rect: pades.Rect{W: 10, H: 10}, Image: []byte("not png")}}, "not a PNG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(e.dir, "out-"+strings.ReplaceAll(c.name, " ", "-")+".pdf")
			f, _ := os.Open(c.in)
			defer f.Close()
			err := pades.Sign(context.Background(), f, out, c.id, c.o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("an output file was left behind")
			}
			entries, _ := os.ReadDir(e.dir)
			for _, en := range entries {
				if strings.Contains(en.Name(), ".tmp-") {
					t.Errorf("a temporary file was left behind: %s", en.Name())
				}
			}
		})
	}
}
