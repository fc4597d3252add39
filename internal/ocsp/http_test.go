package ocsp

import (
	"bytes"
	"encoding/asn1"
	"encoding/base64"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	xocsp "golang.org/x/crypto/ocsp"
)

func TestMalformedRequests(t *testing.T) {
	f := newFixture(t, "ecdsa")
	valid := ocspRequest(t, f.pki.leaves[0].SerialNumber, f.pki.ca, hashSHA1, nil)
	random := make([]byte, 200)
	for i := range random {
		random[i] = byte(i*131 + 7)
	}
	huge := append(append([]byte(nil), valid...), make([]byte, 20<<10)...)
	longNonce := ocspRequest(t, f.pki.leaves[0].SerialNumber, f.pki.ca, hashSHA1, make([]byte, 129))
	rawSerial := func(b ...byte) []byte {
		return ocspRequestRaw(t, asn1.RawValue{Tag: asn1.TagInteger, Bytes: b}, f.pki.ca, hashSHA1, nil)
	}
	notInteger := ocspRequestRaw(t, asn1.RawValue{Tag: asn1.TagOctetString, Bytes: []byte{1}}, f.pki.ca, hashSHA1, nil)

	postWith := func(ct string, body []byte, chunked bool) *http.Request {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if chunked {
			req.ContentLength = -1
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		return req
	}
	getPath := func(path string) *http.Request {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = path
		return req
	}
	tests := []struct {
		name string
		req  *http.Request
	}{
		{"empty body", postWith(contentTypeRequest, nil, false)},
		{"random bytes", postWith(contentTypeRequest, random, false)},
		{"truncated DER", postWith(contentTypeRequest, valid[:len(valid)-5], false)},
		{"trailing garbage", postWith(contentTypeRequest, append(append([]byte(nil), valid...), 0), false)},
		{"20 KiB body", postWith(contentTypeRequest, huge, false)},
		{"20 KiB body chunked", postWith(contentTypeRequest, huge, true)},
		{"empty body chunked", postWith(contentTypeRequest, nil, true)},
		{"wrong content type", postWith("text/plain", valid, false)},
		{"no content type", postWith("", valid, false)},
		{"nonce too long", postWith(contentTypeRequest, longNonce, false)},
		{"non-minimal serial", postWith(contentTypeRequest, rawSerial(0x00, 0x01), false)},
		{"non-minimal negative serial", postWith(contentTypeRequest, rawSerial(0xff, 0x80), false)},
		{"empty serial", postWith(contentTypeRequest, rawSerial(), false)},
		{"serial not an INTEGER", postWith(contentTypeRequest, notInteger, false)},
		{"GET bad base64", getPath("/M!!not-base64")},
		{"GET empty", getPath("/")},
		{"GET nothing", getPath("")},
		{"GET base64 of garbage", getPath("/" + base64.StdEncoding.EncodeToString(random))},
		{"GET too long", getPath("/" + base64.StdEncoding.EncodeToString(huge))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookups, cached := f.src.lookups.Load(), f.r.cache.len()
			w := httptest.NewRecorder()
			f.r.ServeHTTP(w, tt.req)
			if w.Code != http.StatusBadRequest {
				t.Errorf("HTTP %d, want 400", w.Code)
			}
			if !bytes.Equal(w.Body.Bytes(), xocsp.MalformedRequestErrorResponse) {
				t.Errorf("body %x, want malformedRequest", w.Body.Bytes())
			}
			if ct := w.Header().Get("Content-Type"); ct != contentTypeResponse {
				t.Errorf("Content-Type %q", ct)
			}
			if f.src.lookups.Load() != lookups || f.r.cache.len() != cached {
				t.Error("a malformed request changed something")
			}
		})
	}
	// The content type may carry parameters.
	if w := httptest.NewRecorder(); true {
		f.r.ServeHTTP(w, postWith(contentTypeRequest+"; charset=binary", valid, false))
		if w.Code != http.StatusOK {
			t.Errorf("content type with parameter: HTTP %d", w.Code)
		}
	}
}

func TestMethodNotAllowed(t *testing.T) {
	f := newFixture(t, "ecdsa")
	w := httptest.NewRecorder()
	f.r.ServeHTTP(w, httptest.NewRequest(http.MethodPut, "/", nil))
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, POST" {
		t.Fatalf("HTTP %d, Allow %q", w.Code, w.Header().Get("Allow"))
	}
}

// requestWith finds a serial whose request's base64 contains all the
// given strings.
func requestWith(t *testing.T, f *fixture, chars ...string) (*big.Int, []byte, string) {
	t.Helper()
	for range 20000 {
		s := randomSerial(t)
		der := ocspRequest(t, s, f.pki.ca, hashSHA1, nil)
		b64 := base64.StdEncoding.EncodeToString(der)
		ok := true
		for _, c := range chars {
			ok = ok && strings.Contains(b64, c)
		}
		if ok {
			return s, der, b64
		}
	}
	t.Fatalf("no request with %q in 20000 tries", chars)
	return nil, nil, ""
}

func TestGETAndMounting(t *testing.T) {
	f := newFixture(t, "ecdsa")
	serial, _, b64 := requestWith(t, f, "/", "+")
	f.src.set(serial, Entry{Status: Good})
	escape := strings.NewReplacer("/", "%2F", "+", "%2B", "=", "%3D").Replace
	escaped := escape(b64)

	mounts := []struct {
		name  string
		mount func(*http.ServeMux)
	}{
		{"StripPrefix /ocsp", func(m *http.ServeMux) {
			h := http.StripPrefix("/ocsp", f.r)
			m.Handle("/ocsp", h)
			m.Handle("/ocsp/", h)
		}},
		{"StripPrefix /ocsp/", func(m *http.ServeMux) {
			m.Handle("/ocsp/", http.StripPrefix("/ocsp/", f.r))
		}},
	}
	for _, m := range mounts {
		t.Run(m.name, func(t *testing.T) {
			mux := http.NewServeMux()
			m.mount(mux)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			paths := []string{"/ocsp/" + escaped, "/ocsp/" + escape(strings.TrimRight(b64, "="))}
			if !strings.Contains(b64, "//") {
				// Unescaped, which a ServeMux passes unless it holds "//".
				paths = append(paths, "/ocsp/"+b64)
			}
			for _, path := range paths {
				resp, err := srv.Client().Get(srv.URL + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("GET %s: HTTP %d", path, resp.StatusCode)
				}
				if r := mustParse(t, body, f.pki.ca); r.Status != xocsp.Good || r.SerialNumber.Cmp(serial) != 0 {
					t.Fatalf("GET %s: status %d serial %x", path, r.Status, r.SerialNumber)
				}
				now := f.clock.now()
				wantAge := int64((DefaultValidity - clockSkew) / time.Second)
				h := resp.Header
				if cc := h.Get("Cache-Control"); !strings.HasPrefix(cc, "max-age="+itoa(wantAge)+",") {
					t.Errorf("Cache-Control %q, want max-age=%d", cc, wantAge)
				}
				if lm := h.Get("Last-Modified"); lm != now.Format(http.TimeFormat) {
					t.Errorf("Last-Modified %q, want %q", lm, now.Format(http.TimeFormat))
				}
				if ex := h.Get("Expires"); ex != now.Add(DefaultValidity-clockSkew).Format(http.TimeFormat) {
					t.Errorf("Expires %q", ex)
				}
				if h.Get("ETag") == "" || h.Get("Content-Type") != contentTypeResponse {
					t.Errorf("ETag %q, Content-Type %q", h.Get("ETag"), h.Get("Content-Type"))
				}
				// Revalidation with the ETag costs no body.
				req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
				req.Header.Set("If-None-Match", h.Get("ETag"))
				resp2, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp2.Body.Close()
				if resp2.StatusCode != http.StatusNotModified {
					t.Errorf("If-None-Match: HTTP %d, want 304", resp2.StatusCode)
				}
			}
			// The remaining validity shrinks as time passes.
			f.clock.advance(time.Hour)
			defer f.clock.advance(-time.Hour)
			resp, err := srv.Client().Get(srv.URL + "/ocsp/" + escaped)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "max-age="+itoa(int64((DefaultValidity-clockSkew-time.Hour)/time.Second))+",") {
				t.Errorf("an hour later Cache-Control %q", cc)
			}
			// POST works at the prefix too.
			postURL := srv.URL + "/ocsp/"
			if m.name == "StripPrefix /ocsp" {
				postURL = srv.URL + "/ocsp"
			}
			presp, err := srv.Client().Post(postURL, contentTypeRequest, bytes.NewReader(ocspRequest(t, serial, f.pki.ca, hashSHA1, nil)))
			if err != nil {
				t.Fatal(err)
			}
			presp.Body.Close()
			if presp.StatusCode != http.StatusOK || presp.Header.Get("Cache-Control") != "" {
				t.Errorf("POST %s: HTTP %d, Cache-Control %q", postURL, presp.StatusCode, presp.Header.Get("Cache-Control"))
			}
		})
	}
}

// TestGETDoubleSlash follows the package documentation: with the prefix
// routed before any ServeMux, an unescaped "//" in the base64 survives.
func TestGETDoubleSlash(t *testing.T) {
	f := newFixture(t, "ecdsa")
	serial, _, b64 := requestWith(t, f, "//")
	srv := httptest.NewServer(http.StripPrefix("/ocsp", f.r))
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/ocsp/" + b64)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d", resp.StatusCode)
	}
	if r := mustParse(t, body, f.pki.ca); r.SerialNumber.Cmp(serial) != 0 {
		t.Fatalf("serial %x, want %x", r.SerialNumber, serial)
	}
}

func itoa(n int64) string { return big.NewInt(n).String() }
