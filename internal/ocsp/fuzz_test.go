package ocsp

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzServeHTTP sends arbitrary bytes as a POST body, and as the base64
// of a GET, and checks that the responder answers with one of the
// responses it may give and never panics.
func FuzzServeHTTP(f *testing.F) {
	fx := newFixture(f, "ecdsa", WithMaxCache(1000))
	leaf := fx.pki.leaves[0].SerialNumber
	f.Add(ocspRequest(f, leaf, fx.pki.ca, hashSHA1, nil))
	f.Add(ocspRequest(f, leaf, fx.pki.ca, hashSHA256, []byte("0123456789abcdef")))
	f.Add(ocspRequest(f, randomSerial(f), fx.pki.ca, hashSHA1, nil))
	f.Add([]byte{})
	f.Add([]byte{0x30, 0x03, 0x30, 0x01, 0x30})
	f.Add(bytes.Repeat([]byte{0x30, 0x80}, 64))

	allowed := map[int]bool{http.StatusOK: true, http.StatusBadRequest: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		reqs := []*http.Request{httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))}
		reqs[0].Header.Set("Content-Type", contentTypeRequest)
		get := httptest.NewRequest(http.MethodGet, "/", nil)
		get.URL.Path = "/" + base64.StdEncoding.EncodeToString(body)
		reqs = append(reqs, get)
		for _, req := range reqs {
			w := httptest.NewRecorder()
			fx.r.ServeHTTP(w, req)
			if !allowed[w.Code] {
				t.Fatalf("%s: HTTP %d", req.Method, w.Code)
			}
			if w.Code == http.StatusOK && len(w.Body.Bytes()) < 5 {
				t.Fatalf("%s: empty 200 answer", req.Method)
			}
			if ct := w.Header().Get("Content-Type"); ct != contentTypeResponse {
				t.Fatalf("%s: Content-Type %q", req.Method, ct)
			}
		}
	})
}
