package docbridge_test

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/exchange/docbridge"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/testpki"
)

// TestDocumentRoundTrip: an issued document becomes a signed edXML package
// and, at the receiver, an incoming document with the same metadata and
// file; its status messages quote the sender's document id.
func TestDocumentRoundTrip(t *testing.T) {
	caKey := testpki.Key(t, "p256")
	ca := testpki.Issue(t, nil, nil, caKey, "CA", testpki.CA)
	key := testpki.Key(t, "p256")
	cert := testpki.Issue(t, ca, caKey, key, "Sở Thông tin và Truyền thông", func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
	})
	issued := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
	d := &docs.Document{ID: "0193-doc", TypeName: "Quyết định", Subject: "Về việc triển khai chữ ký số", Symbol: "05/QĐ-STTTT",
		SignerName: "Nguyễn Văn Đức", IssuedAt: issued, Urgency: "urgent"}
	from := &org.Agency{Code: "000.00.31.H56", Name: "Sở Thông tin và Truyền thông"}
	to := []docs.Recipient{{OrganCode: "000.00.00.H01", Name: "Văn phòng Chính phủ"}}
	pdf := []byte("%PDF-1.7 the signed document")
	raw, err := edxml.Build(docbridge.Envelope(d, from, to, "Giám đốc", "Quảng Ngãi", "05-QD-STTTT.pdf", pdf), key, []*x509.Certificate{cert, ca})
	if err != nil {
		t.Fatal(err)
	}
	env, _, err := edxml.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	a := docbridge.Arrival(env, "agency-b", "quyet_dinh")
	if a.Number != 5 || a.Symbol != "05/QĐ-STTTT" || a.Subject != d.Subject || a.SenderCode != from.Code || a.Urgency != "urgent" ||
		!bytes.Equal(a.File, pdf) || a.SourceID != env.MessageID || a.SourceDocID != d.ID || a.IssuedAt.Format("2006-01-02") != "2026-03-05" {
		t.Fatalf("arrival: %+v", a)
	}
	in := &docs.Document{Symbol: a.Symbol, SenderCode: a.SenderCode, IssuedAt: a.IssuedAt, SourceDocID: a.SourceDocID}
	st, ok := docbridge.Status(in, &org.Agency{Code: "000.00.00.H01", Name: "Văn phòng Chính phủ"}, "registered", "", time.Now())
	if !ok || st.Code != edxml.StatusAccepted || st.ResponseFor.DocumentID != d.ID || docbridge.Step(st.Code) != "registered" {
		t.Fatalf("status: %+v", st)
	}
	if _, err := edxml.BuildStatus(st, key, []*x509.Certificate{cert, ca}); err != nil {
		t.Fatal(err)
	}
}
