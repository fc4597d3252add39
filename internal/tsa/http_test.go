package tsa

import (
	"bytes"
	"context"
	"crypto"
	"encoding/asn1"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// rawQuery builds TimeStampReq encodings a well-behaved client would not.
type rawQuery struct {
	version   int64
	alg       asn1.ObjectIdentifier
	params    []byte // DER parameters; nil: absent
	digest    []byte
	policy    asn1.ObjectIdentifier
	nonce     *big.Int
	certReq   []byte // DER BOOLEAN; nil: absent
	extension bool
}

// sha256Query is a valid query with NULL parameters and a nonce.
func sha256Query() rawQuery {
	return rawQuery{version: 1, alg: hashOID(crypto.SHA256), params: []byte{5, 0},
		digest: digestOf(crypto.SHA256, "x"), nonce: big.NewInt(42)}
}

func (r rawQuery) algID() []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(r.alg)
		b.AddBytes(r.params)
	})
	return b.BytesOrPanic()
}

func (r rawQuery) der() []byte {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(r.version)
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddBytes(r.algID())
			b.AddASN1OctetString(r.digest)
		})
		if r.policy != nil {
			b.AddASN1ObjectIdentifier(r.policy)
		}
		if r.nonce != nil {
			b.AddASN1BigInt(r.nonce)
		}
		b.AddBytes(r.certReq)
		if r.extension {
			b.AddASN1(casn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
					b.AddASN1ObjectIdentifier(asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 7})
					b.AddASN1OctetString([]byte{5, 0})
				})
			})
		}
	})
	return b.BytesOrPanic()
}

// serve sends one request to h and returns the status and the body, after
// checking that the body is a TimeStampResp of the right media type.
func serve(t *testing.T, h http.Handler, method, contentType string, body []byte) (int, []byte) {
	t.Helper()
	r := httptest.NewRequest(method, "/tsa", bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	resp := w.Result()
	out, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/timestamp-reply" {
		t.Fatalf("content type %q", ct)
	}
	if _, err := parseReply(out); err != nil {
		t.Fatalf("body is not a TimeStampResp: %v", err)
	}
	return resp.StatusCode, out
}

// watched is an Authority whose serial source and clock count their use, to
// show that refusing a request changes nothing.
type watched struct {
	*Authority
	serials, readings atomic.Int64
}

func newWatched(t *testing.T, p *testPKI) *watched {
	w := &watched{}
	w.Authority = p.newAuthority(t,
		WithSerials(serialFunc(func(ctx context.Context) (*big.Int, error) {
			w.serials.Add(1)
			return RandomSerials().Next(ctx)
		})),
		WithClock(func() time.Time {
			w.readings.Add(1)
			return time.Now()
		}))
	w.readings.Store(0) // New read it once
	return w
}

// untouched fails the test if w drew a serial or read its clock.
func (w *watched) untouched(t *testing.T) {
	t.Helper()
	if s, r := w.serials.Load(), w.readings.Load(); s != 0 || r != 0 {
		t.Errorf("refusing drew %d serials and read the clock %d times; it must change nothing", s, r)
	}
}

func TestServeHTTPMalformedIs400(t *testing.T) {
	p := newTestPKI(t, "p256")
	a := newWatched(t, p)
	defer a.untouched(t)
	valid := sha256Query().der()
	nonMinimalNonce := append([]byte(nil), valid...)
	// The nonce 42 is the last field: 02 01 2a. Re-encode it as 02 02 00 2a.
	nonMinimalNonce = append(nonMinimalNonce[:len(nonMinimalNonce)-3], 2, 2, 0, 42)
	nonMinimalNonce[1]++
	const qt = "application/timestamp-query"
	tests := []struct {
		name        string
		method      string
		contentType string
		body        []byte
		want        timestamp.FailureInfo
	}{
		{"GET", http.MethodGet, "", nil, timestamp.BadRequest},
		{"PUT", http.MethodPut, qt, valid, timestamp.BadRequest},
		{"no content type", http.MethodPost, "", valid, timestamp.BadRequest},
		{"wrong content type", http.MethodPost, "application/octet-stream", valid, timestamp.BadRequest},
		{"unparsable content type", http.MethodPost, "application/timestamp-query; =", valid, timestamp.BadRequest},
		{"oversized", http.MethodPost, qt, append(append([]byte(nil), valid...), make([]byte, MaxQuerySize)...), timestamp.BadRequest},
		{"empty", http.MethodPost, qt, nil, timestamp.BadDataFormat},
		{"garbage", http.MethodPost, qt, []byte("xin chào, đây không phải DER"), timestamp.BadDataFormat},
		{"truncated", http.MethodPost, qt, valid[:len(valid)-5], timestamp.BadDataFormat},
		{"trailing byte", http.MethodPost, qt, append(append([]byte(nil), valid...), 0), timestamp.BadDataFormat},
		{"BER indefinite length", http.MethodPost, qt, append(append([]byte{0x30, 0x80}, valid[2:]...), 0, 0), timestamp.BadDataFormat},
		{"imprint without digest", http.MethodPost, qt, []byte{0x30, 0x0f, 2, 1, 1, 0x30, 0x0a, 0x30, 0x08, 6, 6, 0x2a, 3, 4, 5, 6, 7}, timestamp.BadDataFormat},
		{"non-minimal nonce", http.MethodPost, qt, nonMinimalNonce, timestamp.BadDataFormat},
		{"certReq not DER", http.MethodPost, qt, func() []byte {
			q := sha256Query()
			q.certReq = []byte{1, 1, 1}
			return q.der()
		}(), timestamp.BadDataFormat},
		{"policy with a trailing continuation octet", http.MethodPost, qt, func() []byte {
			q := sha256Query()
			q.nonce = nil
			d := q.der()
			return append([]byte{0x30, byte(int(d[1]) + 3)}, append(d[2:], 6, 1, 0x81)...)
		}(), timestamp.BadDataFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, resp := serve(t, a, tt.method, tt.contentType, tt.body)
			if code != http.StatusBadRequest {
				t.Fatalf("HTTP %d, want 400", code)
			}
			if info, text := rejected(t, resp); info != tt.want {
				t.Fatalf("failInfo %s (%q), want %s", failureName(info), text, failureName(tt.want))
			}
		})
	}
}

func TestServeHTTPRefusalsAre200(t *testing.T) {
	p := newTestPKI(t, "p256")
	a := newWatched(t, p)
	defer a.untouched(t)
	edit := func(f func(*rawQuery)) []byte {
		q := sha256Query()
		f(&q)
		return q.der()
	}
	tests := []struct {
		name string
		body []byte
		want timestamp.FailureInfo
	}{
		{"version 2", edit(func(q *rawQuery) { q.version = 2 }), timestamp.BadRequest},
		{"SHA-1", edit(func(q *rawQuery) { q.alg, q.digest = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}, q.digest[:20] }), timestamp.BadAlgorithm},
		{"MD5", edit(func(q *rawQuery) { q.alg, q.digest = asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}, q.digest[:16] }), timestamp.BadAlgorithm},
		{"unknown algorithm", edit(func(q *rawQuery) { q.alg = asn1.ObjectIdentifier{1, 2, 3} }), timestamp.BadAlgorithm},
		{"SHA-256 with parameters", edit(func(q *rawQuery) { q.params = []byte{2, 1, 0} }), timestamp.BadAlgorithm},
		{"SHA-256 imprint of 33 bytes", edit(func(q *rawQuery) { q.digest = append(q.digest, 0) }), timestamp.BadDataFormat},
		{"SHA-512 OID with a SHA-256 imprint", edit(func(q *rawQuery) { q.alg = hashOID(crypto.SHA512) }), timestamp.BadDataFormat},
		{"foreign policy", edit(func(q *rawQuery) { q.policy = asn1.ObjectIdentifier{2, 16, 704, 1} }), timestamp.UnacceptedPolicy},
		{"extension", edit(func(q *rawQuery) { q.extension = true }), timestamp.UnacceptedExtension},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, resp := serve(t, a, http.MethodPost, "application/timestamp-query", tt.body)
			if code != http.StatusOK {
				t.Fatalf("HTTP %d, want 200 with a rejection", code)
			}
			if info, text := rejected(t, resp); info != tt.want {
				t.Fatalf("failInfo %s (%q), want %s", failureName(info), text, failureName(tt.want))
			}
		})
	}
}

func TestServeHTTPGrants(t *testing.T) {
	p := newTestPKI(t, "rsa2048")
	a := p.newAuthority(t)
	fromLibrary, err := (&timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digestOf(crypto.SHA256, "x")}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	absentParams := sha256Query()
	absentParams.params = nil
	explicitFalse := sha256Query()
	explicitFalse.certReq = []byte{1, 1, 0}
	ownPolicy := sha256Query()
	ownPolicy.policy = DefaultPolicy()
	tests := []struct {
		name        string
		contentType string
		q           []byte
		imprintAlg  []byte // the AlgorithmIdentifier the token must echo
	}{
		{"digitorus/timestamp query", "application/timestamp-query", fromLibrary, sha256Query().algID()},
		{"explicit certReq FALSE", "application/timestamp-query", explicitFalse.der(), sha256Query().algID()},
		{"hash parameters absent, echoed absent", "application/timestamp-query", absentParams.der(), absentParams.algID()},
		{"own policy", "application/timestamp-query", ownPolicy.der(), sha256Query().algID()},
		{"content type with a parameter", "Application/Timestamp-Query; charset=binary", sha256Query().der(), sha256Query().algID()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, resp := serve(t, a, http.MethodPost, tt.contentType, tt.q)
			if code != http.StatusOK {
				t.Fatalf("HTTP %d", code)
			}
			ts := granted(t, resp, p.tsa)
			// RFC 3161 §2.4.2: the messageImprint is the request's, byte
			// for byte.
			imprint := cryptobyte.NewBuilder(nil)
			imprint.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
				b.AddBytes(tt.imprintAlg)
				b.AddASN1OctetString(digestOf(crypto.SHA256, "x"))
			})
			if !bytes.Contains(ts.RawToken, imprint.BytesOrPanic()) {
				t.Fatal("the token does not echo the request's messageImprint")
			}
		})
	}
}

func TestServeHTTPSystemFailureIs500(t *testing.T) {
	p := newTestPKI(t, "p256")
	var logs strings.Builder
	a := p.newAuthority(t, WithSerials(serialFunc(func(context.Context) (*big.Int, error) {
		return nil, errors.New("database down")
	})), WithLogger(newTextLogger(&logs)))
	code, resp := serve(t, a, http.MethodPost, "application/timestamp-query", sha256Query().der())
	if code != http.StatusInternalServerError {
		t.Fatalf("HTTP %d, want 500", code)
	}
	info, text := rejected(t, resp)
	if info != timestamp.SystemFailure || strings.Contains(text, "database") {
		t.Fatalf("failInfo %s %q; want systemFailure without internals", failureName(info), text)
	}
	if !strings.Contains(logs.String(), "database down") {
		t.Fatalf("the cause was not logged:\n%s", logs.String())
	}
}
