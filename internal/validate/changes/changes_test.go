package changes_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/pdf"
	"github.com/kyso-vn/kyso/internal/testpdf"
	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/tsa"
	"github.com/kyso-vn/kyso/internal/validate/changes"
)

type env struct {
	dir          string
	leader, seal *keys.Identity
	ca           *x509.Certificate
	caKey        crypto.Signer
}

func newEnv(t *testing.T) *env {
	t.Helper()
	if _, err := exec.LookPath("gs"); err != nil {
		t.Skip("ghostscript is not installed: apt-get install ghostscript")
	}
	caKey := testpki.Key(t, "p256")
	ca := testpki.Issue(t, nil, nil, caKey, "CA", testpki.CA)
	id := func(name string) *keys.Identity {
		k := testpki.Key(t, "p256")
		return &keys.Identity{Signer: k, Cert: testpki.Issue(t, ca, caKey, k, name, func(c *x509.Certificate) {
			c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		}), Chain: []*x509.Certificate{ca}}
	}
	return &env{dir: t.TempDir(), leader: id("Lãnh đạo"), seal: id("Cơ quan"), ca: ca, caKey: caKey}
}

// signed makes a 2-page Ghostscript PDF signed by the leader and returns
// its path and where the leader's byte range ends.
func (e *env) signed(t *testing.T) (string, int64) {
	t.Helper()
	ps := filepath.Join(e.dir, "in.ps")
	_ = os.WriteFile(ps, []byte("%!PS\n/Times-Roman findfont 14 scalefont setfont 72 720 moveto (Trang 1) show showpage 72 720 moveto (Trang 2) show showpage\n"), 0o600)
	in := filepath.Join(e.dir, "in.pdf")
	if out, err := exec.Command("gs", "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite", "-sOutputFile="+in, ps).CombinedOutput(); err != nil {
		t.Fatalf("gs: %v\n%s", err, out)
	}
	out := filepath.Join(e.dir, "signed.pdf")
	e.sign(t, in, out, e.leader, pades.Options{})
	st, _ := os.Stat(out)
	return out, st.Size()
}

func (e *env) sign(t *testing.T, in, out string, id *keys.Identity, o pades.Options) {
	t.Helper()
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pades.Sign(context.Background(), f, out, id, o); err != nil {
		t.Fatal(err)
	}
}

func compare(t *testing.T, path string, signedEnd int64, docMDP int) *changes.Report {
	t.Helper()
	f, _ := os.Open(path)
	defer f.Close()
	st, _ := f.Stat()
	rep, err := changes.Compare(f, st.Size(), signedEnd, docMDP)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestPermittedChanges(t *testing.T) {
	e := newEnv(t)
	signed, end := e.signed(t)
	if rep := compare(t, signed, end, 0); rep.Revisions != 0 || len(rep.Changes) != 0 {
		t.Fatalf("unchanged file: %+v", rep)
	}
	sealed := filepath.Join(e.dir, "sealed.pdf")
	e.sign(t, signed, sealed, e.seal, pades.Options{Appearance: &pades.Appearance{Kind: pades.KindStamp, Page: 2, Lines: []string{"Số: 05/QĐ-UBND"}}})
	rep := compare(t, sealed, end, 0)
	if !rep.Permitted() || rep.Revisions != 1 || len(rep.Changes) == 0 {
		t.Fatalf("a later signature: %+v", rep)
	}
	// B-LTA on top: signature with time-stamp, DSS, document time-stamp.
	tk := testpki.Key(t, "p256")
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	tcert := testpki.Issue(t, e.ca, e.caKey, tk, "TSA", func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
	})
	authority, err := tsa.New(tcert, []*x509.Certificate{e.ca}, tk)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(authority)
	defer srv.Close()
	lta := filepath.Join(e.dir, "lta.pdf")
	e.sign(t, sealed, lta, e.seal, pades.Options{Level: pades.LevelBLTA, TSA: pades.HTTPTimeStamper(srv.URL, nil), Revocation: crlSource{e}})
	rep = compare(t, lta, end, 0)
	if !rep.Permitted() || rep.Revisions != 4 {
		t.Fatalf("B-LTA after the signature: %+v", rep)
	}
}

// crlSource answers B-LT's revocation questions with a CRL the test CA
// signs: real revocation data from a local source.
type crlSource struct{ e *env }

func (s crlSource) Fetch(_ context.Context, cert, issuer *x509.Certificate) ([]byte, []byte, error) {
	crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{Number: big.NewInt(1), ThisUpdate: time.Now().Add(-time.Minute), NextUpdate: time.Now().Add(time.Hour)}, s.e.ca, s.e.caKey)
	return nil, crl, err
}

func TestForbiddenChanges(t *testing.T) {
	e := newEnv(t)
	signed, end := e.signed(t)
	cases := []struct {
		name   string
		edit   func(*pdf.Document, *pdf.Update)
		docMDP int
		page   int
		want   string
		ok     bool
	}{
		{"the page's content stream rewritten", func(d *pdf.Document, u *pdf.Update) {
			p, _ := d.Page(1)
			pd, _ := d.DerefDict(p.Ref)
			ref := pd.Get("Contents").(pdf.Ref)
			u.Replace(ref, &pdf.Stream{Dict: pdf.Dict{}, Data: []byte("BT /F1 14 Tf 72 720 Td (Sua doi) Tj ET")})
		}, 0, 1, "page content changed", false},
		{"the page given other contents", func(d *pdf.Document, u *pdf.Update) {
			p, _ := d.Page(2)
			pd, _ := d.DerefDict(p.Ref)
			pd = pd.Clone()
			pd["Contents"] = u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: []byte("0 0 m 100 100 l S")})
			u.Replace(p.Ref, pd)
		}, 0, 2, "page: /Contents changed", false},
		{"a text annotation added", addNote, 0, 1, "page: annotations added or changed", false},
		{"a text annotation under DocMDP 3", addNote, 3, 1, "annotations added (permitted", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(e.dir, strings.ReplaceAll(tc.name, " ", "-")+".pdf")
			testpdf.Update(t, signed, out, tc.edit)
			rep := compare(t, out, end, tc.docMDP)
			if rep.Permitted() != tc.ok {
				t.Fatalf("permitted = %v, want %v: %+v", rep.Permitted(), tc.ok, rep.Changes)
			}
			found := false
			for _, c := range rep.Changes {
				if strings.Contains(c.What, tc.want) && c.Page == tc.page {
					found = true
				}
			}
			if !found {
				t.Fatalf("no change %q on page %d: %+v", tc.want, tc.page, rep.Changes)
			}
		})
	}
}

func addNote(d *pdf.Document, u *pdf.Update) {
	p, _ := d.Page(1)
	pd, _ := d.DerefDict(p.Ref)
	pd = pd.Clone()
	note := u.Add(pdf.Dict{"Type": pdf.Name("Annot"), "Subtype": pdf.Name("Text"), "Rect": pdf.Array{pdf.Int(10), pdf.Int(10), pdf.Int(30), pdf.Int(30)}, "Contents": pdf.TextString("ghi chú")})
	switch a := pd.Get("Annots").(type) {
	case pdf.Array:
		pd["Annots"] = append(append(pdf.Array{}, a...), note)
		u.Replace(p.Ref, pd)
	case pdf.Ref:
		arr, _ := d.Deref(a)
		u.Replace(a, append(append(pdf.Array{}, arr.(pdf.Array)...), note))
	default:
		pd["Annots"] = pdf.Array{note}
		u.Replace(p.Ref, pd)
	}
}
