package ocsp

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
)

// discardWriter is a reusable http.ResponseWriter that keeps only the
// status and the byte count, so benchmarks measure the responder.
type discardWriter struct {
	h    http.Header
	code int
	n    int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }
func (w *discardWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// WriteString is there because net/http's ResponseWriter has it too.
func (w *discardWriter) WriteString(s string) (int, error) { w.n += len(s); return len(s), nil }

func (w *discardWriter) reset() {
	clear(w.h)
	w.code, w.n = 0, 0
}

// BenchmarkCachedResponse measures ServeHTTP in-process for a serial whose
// response is cached: the hot path, which signs nothing.
func BenchmarkCachedResponse(b *testing.B) {
	for _, kind := range []string{"ecdsa", "rsa"} {
		f := newFixture(b, kind)
		serial := f.pki.leaves[0].SerialNumber
		if err := f.r.Prime(context.Background(), []*big.Int{serial}); err != nil {
			b.Fatal(err)
		}
		der := ocspRequest(b, serial, f.pki.ca, hashSHA1, nil)
		b.Run(kind+"/POST", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: make(http.Header)}
				body := bytes.NewReader(der)
				req := httptest.NewRequest(http.MethodPost, "/", body)
				req.Header.Set("Content-Type", contentTypeRequest)
				for pb.Next() {
					w.reset()
					body.Reset(der)
					req.Body = io.NopCloser(body)
					f.r.ServeHTTP(w, req)
					if w.code != http.StatusOK {
						b.Fatalf("HTTP %d", w.code)
					}
				}
			})
		})
		b.Run(kind+"/GET", func(b *testing.B) {
			b.ReportAllocs()
			path := "/" + base64.StdEncoding.EncodeToString(der)
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: make(http.Header)}
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				req.URL.Path = path
				for pb.Next() {
					w.reset()
					f.r.ServeHTTP(w, req)
					if w.code != http.StatusOK {
						b.Fatalf("HTTP %d", w.code)
					}
				}
			})
		})
	}
}

// BenchmarkNonceResponse measures a request with a nonce, which is looked
// up and signed every time: the price the cache avoids.
func BenchmarkNonceResponse(b *testing.B) {
	for _, kind := range []string{"ecdsa", "rsa"} {
		f := newFixture(b, kind)
		der := ocspRequest(b, f.pki.leaves[0].SerialNumber, f.pki.ca, hashSHA1, []byte("0123456789abcdef"))
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				w := &discardWriter{h: make(http.Header)}
				body := bytes.NewReader(der)
				req := httptest.NewRequest(http.MethodPost, "/", body)
				req.Header.Set("Content-Type", contentTypeRequest)
				for pb.Next() {
					w.reset()
					body.Reset(der)
					req.Body = io.NopCloser(body)
					f.r.ServeHTTP(w, req)
					if w.code != http.StatusOK {
						b.Fatalf("HTTP %d", w.code)
					}
				}
			})
		})
	}
}

// TestCacheMemoryPerEntry measures the heap one cached response costs,
// map overhead included, with real response sizes.
func TestCacheMemoryPerEntry(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode")
	}
	const n = 100_000
	for _, kind := range []string{"ecdsa", "rsa"} {
		t.Run(kind, func(t *testing.T) {
			f := newFixture(t, kind, WithMaxCache(n))
			serial := f.pki.leaves[0].SerialNumber
			content, _ := serialContent(serial)
			sample, err := f.r.resign(context.Background(), f.r.issuers[0], hashSHA1, content, string(appendKey(nil, 0, hashSHA1, content)))
			if err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range n {
				// Distinct 16-octet serials, as kyso issues them.
				s := fmt.Appendf(nil, "%016d", i)
				e := *sample
				e.head = strings.Clone(sample.head)
				f.r.cache.put(string(appendKey(nil, 0, hashSHA1, s)), &e)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			per := int(after.HeapAlloc-before.HeapAlloc) / n
			t.Logf("%s: %d bytes per cached response (response %d bytes, of which %d shared per issuer)",
				kind, per, len(sample.head)+len(f.r.issuers[0].certs), len(f.r.issuers[0].certs))
			// The signed bytes unique to the serial, plus a small overhead
			// for the entry, its key and the map.
			if limit := len(sample.head) + 160; per > limit {
				t.Errorf("%d bytes per entry, want at most %d", per, limit)
			}
			runtime.KeepAlive(f.r.cache)
		})
	}
}
