package validate_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/testpki"
	"github.com/kyso-vn/kyso/internal/tsa"
	"github.com/kyso-vn/kyso/internal/validate"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

// goCA is a CA made in Go whose CRL the test rewrites at will, with a TSA,
// for the cases that depend on time: revocation and expiry after a
// time-stamp.
type goCA struct {
	cert   *x509.Certificate
	key    crypto.Signer
	crlSrv *httptest.Server
	tsa    *httptest.Server

	mu      sync.Mutex
	crl     []byte
	revoked []x509.RevocationListEntry
}

func newGoCA(t testing.TB) *goCA {
	t.Helper()
	ca := &goCA{key: testpki.Key(t, "p256")}
	ca.cert = testpki.Issue(t, nil, nil, ca.key, "CA Thử nghiệm", testpki.CA)
	ca.crlSrv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ca.mu.Lock()
		defer ca.mu.Unlock()
		w.Write(ca.crl)
	}))
	t.Cleanup(ca.crlSrv.Close)
	ca.publish(t, time.Now())
	tk := testpki.Key(t, "p256")
	eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
	tcert := testpki.Issue(t, ca.cert, ca.key, tk, "TSA Thử nghiệm", func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
		c.CRLDistributionPoints = []string{ca.crlSrv.URL}
	})
	authority, err := tsa.New(tcert, []*x509.Certificate{ca.cert}, tk)
	if err != nil {
		t.Fatal(err)
	}
	ca.tsa = httptest.NewServer(authority)
	t.Cleanup(ca.tsa.Close)
	return ca
}

// publish issues a CRL as of thisUpdate, valid for a day, listing what was
// revoked.
func (ca *goCA) publish(t testing.TB, thisUpdate time.Time) {
	t.Helper()
	ca.mu.Lock()
	defer ca.mu.Unlock()
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(thisUpdate.UnixNano()), ThisUpdate: thisUpdate, NextUpdate: thisUpdate.Add(24 * time.Hour),
		RevokedCertificateEntries: ca.revoked,
	}, ca.cert, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	ca.crl = der
}

func (ca *goCA) revoke(c *x509.Certificate, at time.Time) {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	ca.revoked = append(ca.revoked, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: at, ReasonCode: 1})
}

func (ca *goCA) signer(t testing.TB, name string, edits ...func(*x509.Certificate)) *keys.Identity {
	t.Helper()
	k := testpki.Key(t, "p256")
	edits = append([]func(*x509.Certificate){func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		c.CRLDistributionPoints = []string{ca.crlSrv.URL}
	}}, edits...)
	return &keys.Identity{Signer: k, Cert: testpki.Issue(t, ca.cert, ca.key, k, name, edits...), Chain: []*x509.Certificate{ca.cert}}
}

func (ca *goCA) sign(t testing.TB, in string, id *keys.Identity, level pades.Level) string {
	t.Helper()
	out := strings.TrimSuffix(in, ".pdf") + "-" + string(level) + "-" + id.Cert.SerialNumber.Text(16) + ".pdf"
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	o := pades.Options{Level: level, Revocation: pades.HTTPRevocation(nil)}
	if level != pades.LevelBB {
		o.TSA = pades.HTTPTimeStamper(ca.tsa.URL, nil)
	}
	if err := pades.Sign(context.Background(), f, out, id, o); err != nil {
		t.Fatal(err)
	}
	return out
}

func validatorAt(now time.Time, online bool, anchors ...*x509.Certificate) *validate.Validator {
	o := validate.Options{Anchors: anchors, Cache: &revocation.Cache{}, Lang: i18n.EN, Now: func() time.Time { return now }}
	if online {
		o.Client = &http.Client{Timeout: 5 * time.Second}
	}
	return validate.New(o)
}

// TestProofOfExistence: a certificate revoked or expired after a
// signature time-stamp leaves the signature valid; without the time-stamp
// it is indeterminate, never valid.
func TestProofOfExistence(t *testing.T) {
	ca := newGoCA(t)
	in := ghostscriptPDF(t, t.TempDir())
	revoked := ca.signer(t, "Người bị thu hồi")
	bt := ca.sign(t, in, revoked, pades.LevelBT)
	bb := ca.sign(t, in, revoked, pades.LevelBB)
	expiring := ca.signer(t, "Người hết hạn", func(c *x509.Certificate) { c.NotAfter = time.Now().Add(time.Hour) })
	btExpiring := ca.sign(t, in, expiring, pades.LevelBT)
	bbExpiring := ca.sign(t, in, expiring, pades.LevelBB)

	// Two hours later: the first certificate was revoked an hour after
	// signing, the second has expired.
	later := time.Now().Add(2 * time.Hour)
	ca.revoke(revoked.Cert, time.Now().Add(time.Hour))
	ca.publish(t, time.Now().Add(90*time.Minute))
	v := validatorAt(later, true, ca.cert)

	cases := []struct {
		file string
		ind  validate.Indication
		sub  string
	}{
		{bt, validate.TotalPassed, ""},
		{bb, validate.Indeterminate, "REVOKED_NO_POE"},
		{btExpiring, validate.TotalPassed, ""},
		{bbExpiring, validate.Indeterminate, "OUT_OF_BOUNDS_NOT_REVOKED"},
	}
	for _, c := range cases {
		rep := validateFile(t, v, c.file)
		s := rep.Signatures[0]
		if s.Indication != c.ind || s.SubIndication != c.sub {
			t.Errorf("%s: got %s/%s, want %s/%s\n%s", filepath.Base(c.file), s.Indication, s.SubIndication, c.ind, c.sub, describe(rep))
		}
		if c.file == bt && (s.SigningTimeSource != "timestamp" || len(s.TimeStamps) != 1 || !s.TimeStamps[0].Valid) {
			t.Errorf("B-T signing time: %+v", s)
		}
	}
	// Revoked before the time-stamp: invalid even with it.
	early := ca.signer(t, "Người bị thu hồi sớm")
	ca.revoke(early.Cert, time.Now().Add(-time.Minute))
	ca.publish(t, time.Now())
	rep := validateFile(t, validatorAt(time.Now(), true, ca.cert), ca.sign(t, in, early, pades.LevelBT))
	if s := rep.Signatures[0]; s.Indication != validate.TotalFailed || s.SubIndication != validate.RevokedSub {
		t.Fatalf("revoked before the time-stamp:\n%s", describe(rep))
	}
}

// TestLongTermOffline: a B-LTA document carries its own revocation data
// (DSS) and validates with no network at all.
func TestLongTermOffline(t *testing.T) {
	ca := newGoCA(t)
	in := ghostscriptPDF(t, t.TempDir())
	lta := ca.sign(t, in, ca.signer(t, "Lãnh đạo"), pades.LevelBLTA)
	rep := validateFile(t, validatorAt(time.Now(), false, ca.cert), lta)
	if rep.Indication != validate.TotalPassed || len(rep.Signatures) != 2 || rep.Signatures[1].Kind != "document_timestamp" {
		t.Fatalf("B-LTA offline:\n%s", describe(rep))
	}
	if src := rep.Signatures[0].Chain[0].Source; !strings.Contains(src, "CRL") {
		t.Fatalf("revocation source %q", src)
	}
	// The same file with the network cut and no DSS would be TRY_LATER:
	// a B-T signature offline.
	bt := ca.sign(t, in, ca.signer(t, "Chuyên viên"), pades.LevelBT)
	rep = validateFile(t, validatorAt(time.Now(), false, ca.cert), bt)
	if s := rep.Signatures[0]; s.SubIndication != "TRY_LATER" {
		t.Fatalf("B-T offline:\n%s", describe(rep))
	}
}

// TestDetachedCMS: a .p7s made by `openssl cms -sign` beside any file.
func TestDetachedCMS(t *testing.T) {
	ca := newOpenSSLCA(t)
	ca.issue(t, "alice", "Nguyễn Thị Ánh", "signer")
	ca.publishCRL(t)
	content := filepath.Join(ca.dir, "bao-cao.xlsx")
	if err := os.WriteFile(content, []byte("báo cáo tháng 11"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, ca.dir, "openssl", "cms", "-sign", "-binary", "-in", content, "-signer", "alice.pem", "-inkey", "alice.key",
		"-outform", "DER", "-out", "bao-cao.xlsx.p7s")
	sig, _ := os.ReadFile(filepath.Join(ca.dir, "bao-cao.xlsx.p7s"))
	data, _ := os.ReadFile(content)
	v := validator(ca.cert)
	ctx := context.Background()
	rep, err := v.File(ctx, sig, data)
	if err != nil || rep.Indication != validate.TotalPassed || rep.Format != "cms" || rep.Signatures[0].Signer.Name != "Nguyễn Thị Ánh" {
		t.Fatalf("detached: %v\n%v", err, rep)
	}
	rep, err = v.File(ctx, sig, []byte("báo cáo tháng 12"))
	if err != nil || rep.Signatures[0].SubIndication != validate.HashFailure {
		t.Fatalf("other content: %v %+v", err, rep)
	}
	if _, err := v.File(ctx, sig, nil); err == nil {
		t.Fatal("a detached signature without its content was judged")
	}
	// Encapsulated (.p7m).
	run(t, ca.dir, "openssl", "cms", "-sign", "-nodetach", "-binary", "-in", content, "-signer", "alice.pem", "-inkey", "alice.key",
		"-outform", "DER", "-out", "bao-cao.p7m")
	p7m, _ := os.ReadFile(filepath.Join(ca.dir, "bao-cao.p7m"))
	if rep, err := v.File(ctx, p7m, nil); err != nil || rep.Indication != validate.TotalPassed {
		t.Fatalf("encapsulated: %v %+v", err, rep)
	}
}

// TestNumberAndDateByTheClerk: after the leader signs, the clerk writes
// the number and the date (pades.AddText) and applies the organization's
// seal (Decree 30 Art. 14). The leader's signature stays valid, and the
// report quotes the added text as a permitted change.
func TestNumberAndDateByTheClerk(t *testing.T) {
	ca := newGoCA(t)
	in := ghostscriptPDF(t, t.TempDir())
	leaderRect := pades.Rect{X: 330, Y: 120, W: 180, H: 70}
	signedFile := strings.TrimSuffix(in, ".pdf") + "-leader.pdf"
	f, _ := os.Open(in)
	if err := pades.Sign(context.Background(), f, signedFile, ca.signer(t, "Nguyễn Văn Đức"), pades.Options{
		Appearance: &pades.Appearance{Kind: pades.KindSigner, Page: 1, Rect: leaderRect, ShowTime: true, Lines: []string{"Nguyễn Văn Đức"}},
	}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	numbered := strings.TrimSuffix(in, ".pdf") + "-numbered.pdf"
	f, _ = os.Open(signedFile)
	err := pades.AddText(context.Background(), f, numbered, []pades.TextBox{
		{Page: 1, Rect: pades.Rect{X: 70, Y: 700, W: 200, H: 18}, Lines: []string{"Số: 05/QĐ-STTTT"}},
		{Page: 1, Rect: pades.Rect{X: 300, Y: 700, W: 250, H: 18}, Lines: []string{"Quảng Ngãi, ngày 05 tháng 3 năm 2026"}},
	})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	sealed := strings.TrimSuffix(in, ".pdf") + "-sealed.pdf"
	f, _ = os.Open(numbered)
	err = pades.Sign(context.Background(), f, sealed, ca.signer(t, "Sở Thông tin và Truyền thông"), pades.Options{
		Appearance: &pades.Appearance{Kind: pades.KindSeal, Page: 1, Rect: pades.SealRect(leaderRect, 100), Lines: []string{"SỞ TT&TT"}},
	})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rep := validateFile(t, validatorAt(time.Now(), true, ca.cert), sealed)
	if rep.Indication != validate.TotalPassed || len(rep.Signatures) != 2 || !rep.Signatures[0].ChangesPermitted || !strings.Contains(describe(rep), "Số: 05/QĐ-STTTT") {
		t.Fatalf("leader then clerk:\n%s", describe(rep))
	}
	if out, err := exec.Command("pdfsig", sealed).CombinedOutput(); err == nil && strings.Count(string(out), "Signature is Valid.") != 2 {
		t.Fatalf("pdfsig:\n%s", out)
	}
}
