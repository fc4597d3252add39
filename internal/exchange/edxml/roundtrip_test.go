package edxml

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/x509"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/testpki"
)

func TestBuildParseRoundTrip(t *testing.T) {
	for _, kind := range []string{"rsa2048", "p256", "p384"} {
		t.Run("ok/"+kind, func(t *testing.T) {
			p := pkiFor(t, kind)
			env := sampleEnvelope()
			data := mustBuild(t, p, env)

			got, chain, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			equalEnvelopes(t, got, env)
			if len(chain) != 2 || !chain[0].Equal(p.id.Cert) || !chain[1].Equal(p.inter) {
				t.Errorf("chain = %d certificates, want the signer's then the issuing CA's", len(chain))
			}

			// What Build filled in.
			if len(env.MessageID) != 36 {
				t.Errorf("MessageID %q is not a UUID", env.MessageID)
			}
			if want := "000.00.00.H56,2026/03/05,15/UBND-KSTTHC"; got.Header.DocumentID != want {
				t.Errorf("DocumentID = %q, want %q", got.Header.DocumentID, want)
			}
			if len(got.Trace.Headers) != 1 || got.Trace.Headers[0].OrganID != "000.00.00.H56" {
				t.Errorf("Trace.Headers = %+v, want one for the sender", got.Trace.Headers)
			}
			if got.Header.Subject != "Về việc triển khai chữ ký số" {
				t.Errorf("Subject = %q", got.Header.Subject)
			}
			if got.Header.From.OrganName != "Ủy ban nhân dân tỉnh Quảng Ngãi" {
				t.Errorf("From.OrganName = %q", got.Header.From.OrganName)
			}
			for i, a := range got.Attachments {
				if !bytes.HasPrefix(a.Content, []byte("%PDF-1.7")) || a.ContentType != "application/pdf" {
					t.Errorf("attachment %d (%s) is not the PDF that was sent", i, a.Name)
				}
			}
			if bytes.Equal(got.Attachments[0].Content, got.Attachments[1].Content) {
				t.Error("the two attachments came back identical")
			}

			// The layout the national axis expects: prefixed elements,
			// the signature in edXMLHeader after TraceHeaderList.
			for _, s := range []string{
				`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">`,
				`<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">`,
				`</edXML:TraceHeaderList><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">`,
				`</ds:Signature></edXML:edXMLHeader>`,
				`<edXML:Bussiness>`,
				`<ds:Reference URI="">`,
				`xml-exc-c14n#`,
				`<AttachmentEncoded><Attachment>`,
			} {
				if !bytes.Contains(data, []byte(s)) {
					t.Errorf("package lacks %s", s)
				}
			}
		})
	}
}

// Text comes out in NFC whatever form it went in, because the receiver
// compares and indexes it byte for byte.
func TestBuildNormalisesToNFC(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	env := sampleEnvelope()
	env.Header.Subject = norm.NFD.String("Về việc triển khai chữ ký số")
	env.Header.From.OrganName = norm.NFD.String("Ủy ban nhân dân tỉnh Quảng Ngãi")
	if env.Header.Subject == "Về việc triển khai chữ ký số" {
		t.Fatal("test setup: NFD form equals NFC form")
	}
	data := mustBuild(t, p, env)
	got, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header.Subject != "Về việc triển khai chữ ký số" || !norm.NFC.IsNormalString(got.Header.Subject) {
		t.Errorf("Subject = %+q, want NFC", got.Header.Subject)
	}
	if got.Header.From.OrganName != "Ủy ban nhân dân tỉnh Quảng Ngãi" {
		t.Errorf("From.OrganName = %+q, want NFC", got.Header.From.OrganName)
	}
}

// Characters an XML parser would rewrite (CR, tab and line feeds, markup
// characters) survive signing and parsing exactly.
func TestBuildParseTrickyText(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	tricky := "a\r\nb\rc\td <e> & \"f\" 'g' ]]> h\u00a0i \U0001F600 "
	env := sampleEnvelope()
	env.Header.Content = tricky
	env.Header.Signer.FullName = "  Đặng Thị Ánh  "
	env.Attachments[0].Description = tricky
	data := mustBuild(t, p, env)
	got, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header.Content != tricky {
		t.Errorf("Content = %+q, want %+q", got.Header.Content, tricky)
	}
	if got.Header.Signer.FullName != "  Đặng Thị Ánh  " {
		t.Errorf("FullName = %+q: free text must keep its spaces", got.Header.Signer.FullName)
	}
	if got.Attachments[0].Description != tricky {
		t.Errorf("Description = %+q", got.Attachments[0].Description)
	}
}

func TestBuildAllFields(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	env := sampleEnvelope()
	env.Header.ResponseFor = []ResponseFor{{
		OrganID: "000.00.00.G22", Code: "7816/VPCP-TTĐT", PromulgationDate: Date{2018, time.September, 20},
		DocumentID: "000.00.00.G22,2018/09/20,7816/VPCP-TTĐT",
	}}
	env.Header.SteeringType = 1
	env.Header.Other.Priority = 2
	env.Trace.Headers = []TraceHeader{
		{OrganID: "000.00.00.H56", Timestamp: time.Date(2026, 3, 5, 8, 0, 0, 0, vietnam)},
		{OrganID: "000.00.00.G22", Timestamp: time.Date(2026, 3, 5, 8, 0, 3, 0, vietnam)},
	}
	env.Trace.Business = Business{
		DocType:   DocReplacement,
		DocReason: "Thay thế do sai sót số liệu",
		DocumentInfo: &BusinessDocumentInfo{DocumentInfo: "1", DocumentReceiver: "1", Receivers: []Receiver{
			{ReceiverType: 1, OrganID: "000.00.31.H56"},
		}},
		Replacements: []ReplacementInfo{{DocumentID: "000.00.00.H56,2026/03/01,12/UBND-KSTTHC", OrganIDs: []string{"000.00.31.H56", "000.00.00.G22"}}},
		Staff:        StaffInfo{Department: "Văn phòng", Staff: "Trần Thị Bích", Mobile: "0905111222", Email: "ttbich@quangngai.gov.vn"},
		Paper:        1,
	}
	data := mustBuild(t, p, env)
	got, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	equalEnvelopes(t, got, env)
}

// Build refuses what a receiver would refuse, before the key is used.
func TestBuildRefuses(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	other := pkiFor(t, "p256")
	type signing struct {
		signer crypto.Signer
		chain  []*x509.Certificate
	}
	tests := map[string]struct {
		edit   func(*Envelope)
		signer func(t *testing.T) signing
		want   error
	}{
		"error/bad-from-organ":    {edit: func(e *Envelope) { e.Header.From.OrganID = "000.00.00.h56" }, want: ErrOrganID},
		"error/no-addressee":      {edit: func(e *Envelope) { e.Header.To = nil }, want: ErrInvalid},
		"error/bad-to-organ":      {edit: func(e *Envelope) { e.Header.To[1].OrganID = "G22" }, want: ErrOrganID},
		"error/no-subject":        {edit: func(e *Envelope) { e.Header.Subject = " " }, want: ErrInvalid},
		"error/no-number":         {edit: func(e *Envelope) { e.Header.Code.Number = "" }, want: ErrInvalid},
		"error/no-date":           {edit: func(e *Envelope) { e.Header.Promulgation.Date = Date{} }, want: ErrInvalid},
		"error/bad-date":          {edit: func(e *Envelope) { e.Header.Promulgation.Date = Date{2026, time.February, 30} }, want: ErrInvalid},
		"error/no-attachment":     {edit: func(e *Envelope) { e.Attachments = nil }, want: ErrInvalid},
		"error/empty-attachment":  {edit: func(e *Envelope) { e.Attachments[1].Content = nil }, want: ErrInvalid},
		"error/path-in-name":      {edit: func(e *Envelope) { e.Attachments[0].Name = "../../etc/cron.d/x" }, want: ErrInvalid},
		"error/bad-content-type":  {edit: func(e *Envelope) { e.Attachments[0].ContentType = "pdf please" }, want: ErrInvalid},
		"error/duplicate-cid":     {edit: func(e *Envelope) { e.Attachments[0].ContentID, e.Attachments[1].ContentID = "x", "x" }, want: ErrInvalid},
		"error/control-character": {edit: func(e *Envelope) { e.Header.Subject = "a\x01b" }, want: ErrInvalid},
		"error/invalid-utf8":      {edit: func(e *Envelope) { e.Header.Subject = "a\xffb" }, want: ErrInvalid},
		"error/message-id":        {edit: func(e *Envelope) { e.MessageID = "not-a-uuid" }, want: ErrInvalid},
		"error/doc-type":          {edit: func(e *Envelope) { e.Trace.Business.DocType = 7 }, want: ErrInvalid},
		"error/key-mismatch": {
			signer: func(*testing.T) signing { return signing{other.signer(), p.chain()} },
			want:   keys.ErrKeyMismatch,
		},
		"error/no-chain": {
			signer: func(*testing.T) signing { return signing{p.signer(), nil} },
			want:   ErrSigner,
		},
		"error/not-for-signing": {
			signer: func(t *testing.T) signing {
				q := newPKI(t, "p256", func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment })
				return signing{q.signer(), q.chain()}
			},
			want: keys.ErrNotForSigning,
		},
		"error/expired": {
			signer: func(t *testing.T) signing {
				q := newPKI(t, "p256", func(c *x509.Certificate) {
					c.NotBefore, c.NotAfter = time.Now().AddDate(-2, 0, 0), time.Now().AddDate(-1, 0, 0)
				})
				return signing{q.signer(), q.chain()}
			},
			want: ErrSigner,
		},
		"error/ed25519": {
			signer: func(t *testing.T) signing {
				_, k, err := ed25519.GenerateKey(nil)
				if err != nil {
					t.Fatal(err)
				}
				c := testpki.Issue(t, nil, nil, k, "ed25519")
				return signing{k, []*x509.Certificate{c}}
			},
			want: ErrSigner,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			env := sampleEnvelope()
			if tc.edit != nil {
				tc.edit(env)
			}
			s := signing{p.signer(), p.chain()}
			if tc.signer != nil {
				s = tc.signer(t)
			}
			_, err := Build(env, s.signer, s.chain)
			wantErr(t, err, tc.want)
		})
	}
}
