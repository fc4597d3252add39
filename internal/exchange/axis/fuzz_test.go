package axis_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/axis/axistest"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

// TestSubmitAnyBody: whatever the body (hostile inputs and a few hundred
// random mutations of a good package), the axis answers with a JSON status
// it documents, never panics, and stores a package only when it answers
// 201. It drives the handler directly, database included; FuzzVerify
// fuzzes the verification alone, since coverage-instrumented SQLite is too
// slow to fuzz through.
func TestSubmitAnyBody(t *testing.T) {
	p := axistest.NewPKI(t)
	a := p.Agency(t, codeA, "Ủy ban nhân dân tỉnh Quảng Ngãi")
	env, good := a.Document(t, codeB)
	b := p.Agency(t, codeB, "Sở")
	_, st := b.Status(t, env, edxml.StatusReceived)
	bodies := [][]byte{
		good, st, stripSignatureTB(t, good),
		[]byte(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>`),
		[]byte(`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"/></edXML>`),
		good[:len(good)/3], {0xff, 0xfe, 0}, nil,
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		m := bytes.Clone(good)
		for range 1 + r.IntN(4) {
			switch i := r.IntN(len(m)); r.IntN(3) {
			case 0:
				m[i] = byte(r.IntN(256))
			case 1:
				m = append(m[:i], m[min(len(m), i+1+r.IntN(20)):]...)
			default:
				m = append(m[:i], append([]byte("<x>&amp;</x>"), m[i:]...)...)
			}
		}
		bodies = append(bodies, m)
	}

	db := storetest.Open(t, store.SQLite)
	srv, err := axis.NewServer(axis.Config{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxPackageSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	state := &tls.ConnectionState{VerifiedChains: [][]*x509.Certificate{{a.TLS.Leaf}}}
	for _, body := range bodies {
		ctx := context.Background()
		var before int
		_ = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM axis_packages`).Scan(&before)
		req := httptest.NewRequest(http.MethodPost, "/axis/v1/messages", bytes.NewReader(body))
		req.TLS = state
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var after int
		_ = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM axis_packages`).Scan(&after)
		switch rec.Code {
		case http.StatusCreated:
			if after <= before {
				t.Fatalf("201 but nothing stored")
			}
			continue
		case http.StatusOK:
			var res axis.SubmitResult
			if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || !res.Duplicate {
				t.Fatalf("200 without a duplicate result: %s", rec.Body)
			}
		case http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity, http.StatusForbidden, http.StatusConflict:
			var e struct {
				Error struct{ Code, Message string }
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%d with a body that is not a JSON error: %s", rec.Code, rec.Body)
			}
		default:
			t.Fatalf("unexpected status %d: %s", rec.Code, rec.Body)
		}
		if after != before {
			t.Fatalf("status %d but %d packages stored", rec.Code, after-before)
		}
	}
}

func FuzzSniffKind(f *testing.F) {
	f.Add([]byte(`<edXML/>`))
	f.Add([]byte(`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"/>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "&a;">]><x>&a;</x>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if k := axis.SniffKind(body); !k.Valid() {
			t.Fatalf("SniffKind = %q", k)
		}
	})
}

// FuzzVerify: the checks a submission goes through never panic, and
// accept a package only when it is signed, from the client, and signed by
// the client's seal.
func FuzzVerify(f *testing.F) {
	p := axistest.NewPKI(f)
	a := p.Agency(f, codeA, "Ủy ban nhân dân tỉnh Quảng Ngãi")
	b := p.Agency(f, codeB, "Sở Khoa học và Công nghệ")
	env, good := a.Document(f, codeB)
	_, st := b.Status(f, env, edxml.StatusReceived)
	f.Add(good)
	f.Add(st)
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML>&x;</edXML>`))
	f.Add(good[:len(good)/2])
	// The server is never asked to store: no database.
	srv, err := axis.NewServer(axis.Config{DB: &store.DB{}, MaxPackageSize: 1 << 20})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		v, reason, detail := srv.Verify(body, codeA)
		if v == nil {
			if reason == "" || detail == "" {
				t.Fatalf("refusal without a reason: %q %q", reason, detail)
			}
			return
		}
		if v.From != codeA || v.MessageID == "" || len(v.To) == 0 {
			t.Fatalf("accepted %+v", v)
		}
	})
}
