package axis_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/axis/axistest"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpki"
)

const (
	codeA = "000.00.00.H56" // UBND tỉnh Quảng Ngãi
	codeB = "000.00.31.H56" // Sở KH&CN
	codeC = "000.00.00.G22" // Văn phòng Chính phủ
)

// world is a PKI, three agencies and an axis.
type world struct {
	pki     *axistest.PKI
	a, b, c *axistest.Agency
	axis    *axistest.Axis
	db      *store.DB
}

var (
	pkiOnce sync.Once
	shared  struct {
		pki     *axistest.PKI
		a, b, c *axistest.Agency
	}
)

func newWorld(t *testing.T, db *store.DB, edit func(*axis.Config)) *world {
	t.Helper()
	pkiOnce.Do(func() {
		shared.pki = axistest.NewPKI(t)
		shared.a = shared.pki.Agency(t, codeA, "Ủy ban nhân dân tỉnh Quảng Ngãi")
		shared.b = shared.pki.Agency(t, codeB, "Sở Khoa học và Công nghệ tỉnh Quảng Ngãi")
		shared.c = shared.pki.Agency(t, codeC, "Văn phòng Chính phủ")
	})
	w := &world{pki: shared.pki, a: shared.a, b: shared.b, c: shared.c, db: db}
	w.axis = axistest.StartAxis(t, w.pki, db, edit)
	return w
}

func count(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestAgencyCode(t *testing.T) {
	orgID := func(v string) func(*x509.Certificate) {
		return func(c *x509.Certificate) {
			c.Subject.ExtraNames = append(c.Subject.ExtraNames, pkix.AttributeTypeAndValue{Type: asn1.ObjectIdentifier{2, 5, 4, 97}, Value: v})
		}
	}
	ou := func(v ...string) func(*x509.Certificate) {
		return func(c *x509.Certificate) { c.Subject.OrganizationalUnit = v }
	}
	cn := func(v string) func(*x509.Certificate) { return func(c *x509.Certificate) { c.Subject.CommonName = v } }
	key := testpki.Key(t, "p256")
	tests := []struct {
		name  string
		edits []func(*x509.Certificate)
		want  string // "" expects an error
	}{
		{"organizationIdentifier VN-code", []func(*x509.Certificate){orgID("VN-" + codeB)}, codeB},
		{"OU is the code", []func(*x509.Certificate){ou("Văn phòng", codeB)}, codeB},
		{"CN is the code", []func(*x509.Certificate){cn(codeC)}, codeC},
		{"the same code in organizationIdentifier and OU", []func(*x509.Certificate){orgID("VN-" + codeA), ou(codeA)}, codeA},
		{"no code anywhere", nil, ""},
		{"two different codes", []func(*x509.Certificate){orgID("VN-" + codeA), ou(codeB)}, ""},
		{"malformed VN- identifier", []func(*x509.Certificate){orgID("VN-000.00.31.h56")}, ""},
		{"another scheme's identifier is ignored", []func(*x509.Certificate){orgID("VATVN-0100686209"), ou(codeB)}, codeB},
		{"an OU that only looks like a code", []func(*x509.Certificate){ou("000.00.31.H56 ")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cert := testpki.Issue(t, nil, nil, key, "Hệ thống QLVB", tt.edits...)
			got, err := axis.AgencyCode(cert)
			if tt.want == "" {
				if err == nil || !errors.Is(err, axis.ErrNoAgencyCode) {
					t.Fatalf("AgencyCode = %q, %v; want ErrNoAgencyCode", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("AgencyCode = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if _, err := axis.AgencyCode(nil); err == nil {
		t.Fatal("AgencyCode(nil) succeeded")
	}
}

func TestSniffKind(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite), nil)
	env, doc := w.a.Document(t, codeB)
	_, st := w.b.Status(t, env, edxml.StatusReceived)
	tests := []struct {
		name string
		body []byte
		want axis.Kind
	}{
		{"document package", doc, axis.KindDocument},
		{"status message", st, axis.KindStatus},
		{"not XML", []byte("hello"), axis.KindDocument},
		{"empty", nil, axis.KindDocument},
		{"DOCTYPE first", []byte(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`), axis.KindDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := axis.SniffKind(tt.body); got != tt.want {
				t.Fatalf("SniffKind = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSubmitPollAck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, nil)
		ca, cb, cc := w.axis.Client(t, w.a), w.axis.Client(t, w.b), w.axis.Client(t, w.c)
		env, body := w.a.Document(t, codeB, codeC)

		res, err := ca.Submit(ctx, body, "")
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		if res.Duplicate || res.MessageID != env.MessageID || res.Kind != axis.KindDocument || res.From != codeA || len(res.To) != 2 {
			t.Fatalf("submit result %+v", res)
		}
		// A retry after a lost answer is acknowledged, not stored twice.
		res, err = ca.Submit(ctx, body, axis.KindDocument, codeB)
		if err != nil || !res.Duplicate {
			t.Fatalf("resubmit: %+v, %v; want duplicate", res, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM axis_packages`); n != 2 {
			t.Fatalf("%d stored copies, want 2 (one per receiver)", n)
		}

		// The sender has nothing waiting; each receiver has its copy.
		if msgs, err := ca.Poll(ctx, 10, 0); err != nil || len(msgs) != 0 {
			t.Fatalf("poll as sender: %d messages, %v", len(msgs), err)
		}
		msgs, err := cb.Poll(ctx, 10, 0)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("poll as B: %d messages, %v", len(msgs), err)
		}
		m := msgs[0]
		if m.MessageID != env.MessageID || m.From != codeA || m.To != codeB || m.Kind != axis.KindDocument || !bytes.Equal(m.Body, body) {
			t.Fatalf("polled %+v", m)
		}

		// Another agency cannot acknowledge B's package.
		var ae *axis.Error
		if err := cc.Ack(ctx, m.ID); !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
			t.Fatalf("ack by C: %v, want 404", err)
		}
		if err := cb.Ack(ctx, m.ID); err != nil {
			t.Fatalf("ack: %v", err)
		}
		if err := cb.Ack(ctx, m.ID); err != nil {
			t.Fatalf("second ack: %v (acknowledging is idempotent)", err)
		}
		if msgs, err := cb.Poll(ctx, 10, 0); err != nil || len(msgs) != 0 {
			t.Fatalf("poll after ack: %d messages, %v", len(msgs), err)
		}
		if msgs, err := cc.Poll(ctx, 10, 0); err != nil || len(msgs) != 1 {
			t.Fatalf("poll as C: %d messages, %v", len(msgs), err)
		}

		// A status message goes back to the document's sender only.
		_, st := w.b.Status(t, env, edxml.StatusAccepted)
		if res, err := cb.Submit(ctx, st, ""); err != nil || res.Kind != axis.KindStatus || len(res.To) != 1 || res.To[0] != codeA {
			t.Fatalf("submit status: %+v, %v", res, err)
		}
		msgs, err = ca.Poll(ctx, 10, 0)
		if err != nil || len(msgs) != 1 || msgs[0].Kind != axis.KindStatus {
			t.Fatalf("poll status: %+v, %v", msgs, err)
		}
		// Batch acknowledgement.
		_, body2 := w.a.Document(t, codeB)
		_, body3 := w.a.Document(t, codeB)
		for _, b := range [][]byte{body2, body3} {
			if _, err := ca.Submit(ctx, b, ""); err != nil {
				t.Fatal(err)
			}
		}
		msgs, err = cb.Poll(ctx, 1, 0)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("poll limit 1: %d, %v", len(msgs), err)
		}
		msgs, err = cb.Poll(ctx, 10, 0)
		if err != nil || len(msgs) != 2 {
			t.Fatalf("poll: %d, %v", len(msgs), err)
		}
		if err := cb.Ack(ctx, msgs[0].ID, msgs[1].ID); err != nil {
			t.Fatal(err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM axis_packages WHERE to_code = ? AND acked_at = 0`, codeB); n != 0 {
			t.Fatalf("%d unacknowledged for B after the batch ack", n)
		}
		if n, err := axis.PurgeAcked(ctx, db, time.Now().Add(time.Minute)); err != nil || n != 3 {
			t.Fatalf("PurgeAcked = %d, %v; want 3 (B's three; A has not acknowledged the status)", n, err)
		}
	})
}

func TestLongPollWakesOnSubmit(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	w := newWorld(t, db, nil)
	ctx := context.Background()
	cb := w.axis.Client(t, w.b)
	got := make(chan []axis.Message, 1)
	start := time.Now()
	go func() {
		msgs, err := cb.Poll(ctx, 10, 10*time.Second)
		if err != nil {
			t.Error(err)
		}
		got <- msgs
	}()
	time.Sleep(200 * time.Millisecond)
	_, body := w.a.Document(t, codeB)
	if _, err := w.axis.Client(t, w.a).Submit(ctx, body, ""); err != nil {
		t.Fatal(err)
	}
	msgs := <-got
	if len(msgs) != 1 {
		t.Fatalf("long poll returned %d messages", len(msgs))
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("long poll answered after %v; a submission should wake it", d)
	}
	// With nothing waiting it answers empty when the wait is over.
	start = time.Now()
	if err := cb.Ack(ctx, msgs[0].ID); err != nil {
		t.Fatal(err)
	}
	msgs, err := cb.Poll(ctx, 10, 300*time.Millisecond)
	if err != nil || len(msgs) != 0 {
		t.Fatalf("empty long poll: %d, %v", len(msgs), err)
	}
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Fatalf("empty long poll answered after %v, before its wait", d)
	}
}

func TestAuthentication(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	w := newWorld(t, db, func(c *axis.Config) {
		c.VerifyClient = func(_ context.Context, cert *x509.Certificate) error {
			if cert.Subject.CommonName == "revoked" {
				return errors.New("certificate revoked")
			}
			return nil
		}
	})
	ctx := context.Background()
	_, body := w.a.Document(t, codeB)

	// No client certificate: the TLS handshake itself fails.
	plain := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: w.pki.Pool}}}
	resp, err := plain.Post(w.axis.URL+"/axis/v1/messages", "application/xml", bytes.NewReader(body))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a request without a client certificate got %s", resp.Status)
	}
	// A certificate from another CA: refused by TLS as well.
	other := axistest.NewPKI(t).Agency(t, codeA, "Giả mạo")
	if _, err := w.axis.ClientWith(t, other.TLS).Submit(ctx, body, ""); err == nil {
		t.Fatal("a certificate of another CA was accepted")
	}
	// The right CA, but no agency code in the certificate: 401.
	noCode := w.pki.Service(t, "Hệ thống không mã", nil)
	var ae *axis.Error
	if _, err := w.axis.ClientWith(t, noCode).Submit(ctx, body, ""); !errors.As(err, &ae) || ae.Reason != axis.ReasonUnauthenticated || ae.StatusCode != 401 || ae.Permanent() {
		t.Fatalf("certificate without a code: %v; want 401 unauthenticated, temporary", err)
	}
	// Refused by VerifyClient (revocation): 403 forbidden, temporary for a sender.
	revoked := w.pki.Service(t, "revoked", func(c *x509.Certificate) { c.Subject.OrganizationalUnit = []string{codeA} })
	if _, err := w.axis.ClientWith(t, revoked).Poll(ctx, 1, 0); !errors.As(err, &ae) || ae.Reason != axis.ReasonForbidden || ae.Permanent() {
		t.Fatalf("revoked certificate: %v; want 403 forbidden", err)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM axis_packages`); n != 0 {
		t.Fatalf("%d packages stored by unauthenticated clients", n)
	}
}

// TestSubmitRefusals: every kind of bad package gets a clear status and
// reason, and is stored nowhere but the rejection log.
func TestSubmitRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const limit = 64 << 10
		w := newWorld(t, db, func(c *axis.Config) { c.MaxPackageSize = limit })
		ca := w.axis.Client(t, w.a)

		_, good := w.a.Document(t, codeB)
		tamper := bytes.Replace(good, []byte("Về việc thử"), []byte("Về việc sửa"), 1)
		if bytes.Equal(tamper, good) {
			t.Fatal("tampering failed")
		}
		unsigned := stripSignature(t, good)
		// B's package, submitted by A.
		_, fromB := w.b.Document(t, codeA)
		// A's package signed with B's seal.
		envWrongSigner := w.a.Envelope(600, codeB)
		wrongSigner, err := edxml.Build(envWrongSigner, w.b.Seal.Signer, w.b.Chain())
		if err != nil {
			t.Fatal(err)
		}
		big := w.a.Envelope(limit+1000, codeB)
		bigBody, err := edxml.Build(big, w.a.Seal.Signer, w.a.Chain())
		if err != nil {
			t.Fatal(err)
		}
		xxe := []byte(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
			`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&xxe;</edXML>`)
		laughs := []byte(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>`)
		// A signed package whose DOCTYPE was added after signing.
		xxeSigned := bytes.Replace(good, []byte("?>"), []byte(`?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "http://127.0.0.1:1/">]>`), 1)

		tests := []struct {
			name   string
			body   []byte
			to     []string
			status int
			reason axis.Reason
		}{
			{"not XML", []byte("this is not a package"), nil, 422, axis.ReasonMalformed},
			{"truncated", good[:len(good)/2], nil, 422, axis.ReasonMalformed},
			{"empty", []byte{}, nil, 422, axis.ReasonMalformed},
			{"oversized", bigBody, nil, 413, axis.ReasonTooLarge},
			{"unsigned", unsigned, nil, 422, axis.ReasonUnsigned},
			{"changed after signing", tamper, nil, 422, axis.ReasonBadSignature},
			{"external entity (XXE)", xxe, nil, 422, axis.ReasonDTD},
			{"entity expansion", laughs, nil, 422, axis.ReasonDTD},
			{"DOCTYPE added to a signed package", xxeSigned, nil, 422, axis.ReasonDTD},
			{"another agency's package", fromB, nil, 403, axis.ReasonWrongSender},
			{"signed with another agency's seal", wrongSigner, nil, 422, axis.ReasonWrongSigner},
			{"receiver not an addressee", good, []string{codeC}, 422, axis.ReasonNotAddressed},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := ca.Submit(ctx, tt.body, "", tt.to...)
				var ae *axis.Error
				if !errors.As(err, &ae) {
					t.Fatalf("Submit: %v; want an *axis.Error", err)
				}
				if ae.StatusCode != tt.status || ae.Reason != tt.reason || ae.Message == "" {
					t.Fatalf("got %d %s %q; want %d %s", ae.StatusCode, ae.Reason, ae.Message, tt.status, tt.reason)
				}
				if !ae.Permanent() || !axis.IsPermanent(err) {
					t.Fatalf("a refused package must be a permanent error")
				}
				if n := count(t, db, `SELECT COUNT(*) FROM axis_packages`); n != 0 {
					t.Fatalf("%d packages stored", n)
				}
				if n := count(t, db, `SELECT COUNT(*) FROM axis_rejections WHERE reason = ? AND client_code = ?`, string(tt.reason), codeA); n < 1 {
					t.Fatalf("no rejection logged with reason %s", tt.reason)
				}
				if n := count(t, db, `SELECT COUNT(*) FROM axis_rejections`); n != i+1 {
					t.Fatalf("%d rejections logged, want %d", n, i+1)
				}
			})
		}
		rej, err := axis.Rejections(ctx, db, 100)
		if err != nil || len(rej) != len(tests) {
			t.Fatalf("Rejections: %d, %v", len(rej), err)
		}
		for _, r := range rej {
			if r.SHA256 == "" && r.Reason != axis.ReasonTooLarge {
				t.Errorf("rejection %s has no digest", r.Reason)
			}
			if strings.Contains(r.Detail, "root:") {
				t.Errorf("rejection detail leaks a file: %q", r.Detail)
			}
		}
		// The good package still goes through afterwards.
		if _, err := ca.Submit(ctx, good, ""); err != nil {
			t.Fatalf("good package after the refusals: %v", err)
		}
	})
}

// TestMessageIDConflict: an agency cannot reuse another's message id to
// make the other's package look like a duplicate.
func TestMessageIDConflict(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	w := newWorld(t, db, nil)
	ctx := context.Background()
	envA, bodyA := w.a.Document(t, codeB)
	if _, err := w.axis.Client(t, w.a).Submit(ctx, bodyA, ""); err != nil {
		t.Fatal(err)
	}
	envC := w.c.Envelope(600, codeB)
	envC.MessageID = envA.MessageID
	bodyC, err := edxml.Build(envC, w.c.Seal.Signer, w.c.Chain())
	if err != nil {
		t.Fatal(err)
	}
	var ae *axis.Error
	if _, err := w.axis.Client(t, w.c).Submit(ctx, bodyC, ""); !errors.As(err, &ae) || ae.StatusCode != http.StatusConflict || ae.Reason != axis.ReasonConflict {
		t.Fatalf("reused message id: %v; want 409 conflict", err)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM axis_packages WHERE from_code = ?`, codeC); n != 0 {
		t.Fatalf("%d packages of C stored", n)
	}
}

func TestBadRequests(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	w := newWorld(t, db, nil)
	ctx := context.Background()
	cb := w.axis.Client(t, w.b)
	var ae *axis.Error
	if _, err := cb.Poll(ctx, 1000, 0); !errors.As(err, &ae) || ae.Reason != axis.ReasonBadRequest {
		t.Fatalf("poll limit 1000: %v", err)
	}
	if _, err := cb.Submit(ctx, []byte("<x/>"), axis.Kind("memo")); !errors.As(err, &ae) || ae.Reason != axis.ReasonBadRequest {
		t.Fatalf("kind memo: %v", err)
	}
	if err := cb.Ack(ctx, "no-such-id"); !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("ack unknown: %v", err)
	}
	// A status message announced as a document is refused as malformed,
	// with the hint that it is a status message.
	env, _ := w.a.Document(t, codeB)
	_, st := w.b.Status(t, env, edxml.StatusReceived)
	if _, err := cb.Submit(ctx, st, axis.KindDocument); !errors.As(err, &ae) || ae.Reason != axis.ReasonMalformed || !strings.Contains(ae.Message, "status") {
		t.Fatalf("status as document: %v", err)
	}
}
