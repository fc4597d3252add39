package edxml

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/testpki"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testPKI is a root, an issuing CA and a signer under it, as a Vietnamese
// agency's certificate sits under a sub-CA of the government root.
type testPKI struct {
	root, inter *x509.Certificate
	id          *keys.Identity
}

// chain is what Build takes: the signer's certificate, then the issuing CA.
func (p *testPKI) chain() []*x509.Certificate {
	return append([]*x509.Certificate{p.id.Cert}, p.id.Chain...)
}

func (p *testPKI) signer() crypto.Signer { return p.id.Signer }

var (
	pkiMu    sync.Mutex
	pkiCache = map[string]*testPKI{}
)

// pkiFor returns a PKI whose signer has a key of the given kind (testpki.Key
// names), made once per test binary: RSA key generation is slow.
func pkiFor(t testing.TB, kind string) *testPKI {
	t.Helper()
	pkiMu.Lock()
	defer pkiMu.Unlock()
	if p := pkiCache[kind]; p != nil {
		return p
	}
	p := newPKI(t, kind)
	pkiCache[kind] = p
	return p
}

// newPKI makes a fresh hierarchy; edits apply to the signer's certificate.
func newPKI(t testing.TB, kind string, edits ...func(*x509.Certificate)) *testPKI {
	t.Helper()
	rootKey := testpki.Key(t, "p256")
	root := testpki.Issue(t, nil, nil, rootKey, "Root CA kiểm thử", testpki.CA, longValidity)
	interKey := testpki.Key(t, "p256")
	inter := testpki.Issue(t, root, rootKey, interKey, "CA cấp dưới kiểm thử", testpki.CA, longValidity)
	key := testpki.Key(t, kind)
	edits = append([]func(*x509.Certificate){func(c *x509.Certificate) {
		c.Subject.Organization = []string{"Ủy ban nhân dân tỉnh Quảng Ngãi"}
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	}}, edits...)
	cert := testpki.Issue(t, inter, interKey, key, "Văn thư UBND tỉnh Quảng Ngãi", edits...)
	id, err := keys.NewIdentity(key, cert, []*x509.Certificate{inter})
	if err != nil {
		t.Fatal(err)
	}
	return &testPKI{root: root, inter: inter, id: id}
}

// longValidity lets the CAs outlive every certificate under them, including
// the golden-file signer dated in 2026.
func longValidity(c *x509.Certificate) {
	c.NotBefore = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	c.NotAfter = time.Date(2045, 1, 1, 0, 0, 0, 0, time.UTC)
}

// fakePDF returns a small but well-formed PDF with one page showing text,
// distinct for each title, so that two attachments differ.
func fakePDF(title string) []byte {
	stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", title)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// sampleEnvelope is a công văn from the Quảng Ngãi provincial People's
// Committee to two agencies, with the signed PDF and an appendix.
func sampleEnvelope() *Envelope {
	return &Envelope{
		Header: MessageHeader{
			From: Organ{
				OrganID:              "000.00.00.H56",
				OrganizationInCharge: "Ủy ban nhân dân tỉnh Quảng Ngãi",
				OrganName:            "Ủy ban nhân dân tỉnh Quảng Ngãi",
				OrganAdd:             "52 Hùng Vương, thành phố Quảng Ngãi",
				Email:                "vanthu@quangngai.gov.vn",
				Telephone:            "0255 3822 000",
				Website:              "https://quangngai.gov.vn",
			},
			To: []Organ{
				{OrganID: "000.00.31.H56", OrganName: "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi"},
				{OrganID: "000.00.00.G22", OrganName: "Văn phòng Chính phủ"},
			},
			Code:         Code{Number: "15", Notation: "UBND-KSTTHC"},
			Promulgation: PromulgationInfo{Place: "Quảng Ngãi", Date: Date{2026, time.March, 5}},
			DocumentType: DocumentType{Type: 18, TypeName: "Công văn"},
			Subject:      "Về việc triển khai chữ ký số",
			Content:      "Ủy ban nhân dân tỉnh đề nghị các cơ quan, đơn vị triển khai chữ ký số chuyên dùng công vụ.\nThời hạn: trước ngày 20/3/2026.",
			Signer:       SignerInfo{Competence: "TM. Ủy ban nhân dân", Position: "Chủ tịch", FullName: "Nguyễn Văn Đức"},
			DueDate:      Date{2026, time.March, 20},
			ToPlaces:     []string{"Như trên;", "Lưu: VT, KSTTHC."},
			Other: OtherInfo{
				SphereOfPromulgation: "Liên thông văn bản",
				TyperNotation:        "NVĐ",
				PromulgationAmount:   2,
				PageAmount:           3,
				Appendixes:           []string{"Phụ lục I: Danh sách đơn vị"},
			},
		},
		Trace: TraceHeaderList{Business: Business{
			DocType: DocNew,
			Staff:   StaffInfo{Department: "Văn phòng UBND tỉnh", Staff: "Trần Thị Bích", Email: "ttbich@quangngai.gov.vn"},
		}},
		Attachments: []Attachment{
			{Name: "15-UBND-KSTTHC.pdf", ContentType: "application/pdf", Description: "Văn bản chính", Content: fakePDF("Cong van 15/UBND-KSTTHC")},
			{Name: "Phụ lục I.pdf", ContentType: "application/pdf", Description: "Phụ lục I", Content: fakePDF("Phu luc I")},
		},
	}
}

// sampleStatus reports code about the sample document.
func sampleStatus(code StatusCode) *Status {
	env := sampleEnvelope()
	env.Header.DocumentID = "000.00.00.H56,2026/03/05,15/UBND-KSTTHC"
	st := &Status{
		ResponseFor: env.ResponseFor(),
		From:        Organ{OrganID: "000.00.31.H56", OrganName: "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi"},
		Code:        code,
		Timestamp:   time.Date(2026, time.March, 5, 14, 30, 5, 0, vietnam),
		Staff:       StaffInfo{Department: "Văn phòng Sở", Staff: "Lê Văn Cường", Email: "lvcuong@skhcn.quangngai.gov.vn", Mobile: "0905000000"},
	}
	if code.needsReason() {
		st.Description = "Văn bản gửi nhầm cơ quan: đề nghị gửi Sở Thông tin và Truyền thông."
	}
	return st
}

// mustBuild builds env with p's key.
func mustBuild(t testing.TB, p *testPKI, env *Envelope, opts ...BuildOption) []byte {
	t.Helper()
	data, err := Build(env, p.signer(), p.chain(), opts...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return data
}

// wantErr fails unless err wraps want (nil: no error).
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != nil && err == nil:
		t.Fatalf("no error, want %v", want)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("error %q does not wrap %q", err, want)
	}
}

// sentinels are every error kind Parse may return.
var sentinels = []error{ErrTooLarge, ErrDTD, ErrMalformed, ErrUnsigned, ErrBadSignature, ErrAttachmentDigest, ErrInvalid}

func isSentinel(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// equalEnvelopes compares field by field so that a failure names the part
// that differs.
func equalEnvelopes(t *testing.T, got, want *Envelope) {
	t.Helper()
	if got.MessageID != want.MessageID {
		t.Errorf("MessageID = %q, want %q", got.MessageID, want.MessageID)
	}
	if !reflect.DeepEqual(got.Header, want.Header) {
		t.Errorf("Header differs:\n got %#v\nwant %#v", got.Header, want.Header)
	}
	if !reflect.DeepEqual(got.Trace, want.Trace) {
		t.Errorf("Trace differs:\n got %#v\nwant %#v", got.Trace, want.Trace)
	}
	if len(got.Attachments) != len(want.Attachments) {
		t.Fatalf("%d attachments, want %d", len(got.Attachments), len(want.Attachments))
	}
	for i := range got.Attachments {
		if !reflect.DeepEqual(got.Attachments[i], want.Attachments[i]) {
			g, w := got.Attachments[i], want.Attachments[i]
			g.Content, w.Content = nil, nil
			t.Errorf("attachment %d differs (content equal: %v):\n got %#v\nwant %#v", i,
				bytes.Equal(got.Attachments[i].Content, want.Attachments[i].Content), g, w)
		}
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test -update.\n got:\n%s", path, got)
	}
}
