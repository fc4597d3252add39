package tsa

import (
	"crypto"
	"net/http"
	"testing"

	"github.com/digitorus/timestamp"
)

// FuzzServeHTTP feeds arbitrary bodies to ServeHTTP: it must never panic, and
// must always answer 200 or 400 with a DER TimeStampResp, whose token, if
// any, verifies.
func FuzzServeHTTP(f *testing.F) {
	p := newTestPKI(f, "p256")
	a := p.newAuthority(f)
	fromLibrary, err := (&timestamp.Request{HashAlgorithm: crypto.SHA384, HashedMessage: digestOf(crypto.SHA384, "x"), Certificates: true}).Marshal()
	if err != nil {
		f.Fatal(err)
	}
	seeds := [][]byte{nil, []byte("garbage"), {0x30, 0x80, 0, 0}, sha256Query().der(), fromLibrary}
	for _, edit := range []func(*rawQuery){
		func(q *rawQuery) { q.version = 2 },
		func(q *rawQuery) { q.alg = hashOID(crypto.SHA512) },
		func(q *rawQuery) { q.policy = DefaultPolicy() },
		func(q *rawQuery) { q.certReq = []byte{1, 1, 0xff} },
		func(q *rawQuery) { q.extension = true },
		func(q *rawQuery) { q.params = nil },
	} {
		q := sha256Query()
		edit(&q)
		seeds = append(seeds, q.der())
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > MaxQuerySize {
			// TestServeHTTPMalformedIs400 covers oversized bodies; here
			// the fuzzer would spend its time minimizing 64 KiB inputs.
			t.Skip()
		}
		code, resp := serve(t, a, http.MethodPost, "application/timestamp-query", body)
		if code != http.StatusOK && code != http.StatusBadRequest {
			t.Fatalf("HTTP %d", code)
		}
		r, err := parseReply(resp)
		if err != nil {
			t.Fatal(err)
		}
		if r.token != nil {
			if code != http.StatusOK || r.status != timestamp.Granted {
				t.Fatalf("HTTP %d, status %d with a token", code, r.status)
			}
			granted(t, resp, p.tsa)
		}
	})
}
