package tsa

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/timestamp"
	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

func TestRequestSucceeds(t *testing.T) {
	for _, kind := range []string{"rsa2048", "p256"} {
		p := newTestPKI(t, kind)
		srv := httptest.NewServer(p.newAuthority(t))
		t.Cleanup(srv.Close)
		tests := []struct {
			name    string
			hash    crypto.Hash
			certReq bool
			opts    []RequestOption
			certs   int
		}{
			{"certReq", crypto.SHA256, true, nil, 2},
			{"certReq pinned", crypto.SHA384, true, []RequestOption{WithTSACertificate(p.tsa)}, 2},
			{"no certReq", crypto.SHA512, false, []RequestOption{WithTSACertificate(p.tsa)}, 0},
		}
		for _, tt := range tests {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				digest := digestOf(tt.hash, "Tờ trình số 7")
				ts, token, err := Request(context.Background(), srv.Client(), srv.URL, digest, tt.hash, tt.certReq, tt.opts...)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(token, ts.RawToken) {
					t.Error("the DER returned is not the parsed token's")
				}
				if ts.HashAlgorithm != tt.hash || !bytes.Equal(ts.HashedMessage, digest) || ts.Nonce == nil ||
					len(ts.Certificates) != tt.certs || !ts.Policy.Equal(DefaultPolicy()) {
					t.Errorf("token %+v", ts)
				}
				if time.Since(ts.Time).Abs() > time.Minute {
					t.Errorf("genTime %v is not now", ts.Time)
				}
				// The token alone, as a PAdES signer embeds it, verifies
				// with OpenSSL too.
				if _, err := os.Stat(opensslPath); err == nil {
					path := filepath.Join(p.dir, "token.der")
					if err := os.WriteFile(path, token, 0o600); err != nil {
						t.Fatal(err)
					}
					out := openssl(t, p.dir, false, "ts", "-verify", "-token_in", "-in", "token.der",
						"-digest", hex.EncodeToString(digest), "-CAfile", "root.pem", "-untrusted", "tsa.pem")
					mustContain(t, "openssl ts -verify -token_in", out, "Verification: OK")
				}
			})
		}
	}
}

func TestRequestUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + l.Addr().String() + "/tsa"
	l.Close() // nothing listens there now
	p := newTestPKI(t, "p256")
	_, _, err = Request(context.Background(), nil, url, digestOf(crypto.SHA256, "x"), crypto.SHA256, true, WithTSACertificate(p.tsa))
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("error %v, want ErrUnreachable", err)
	}
	if !strings.HasPrefix(err.Error(), "tsa: unreachable: "+url) {
		t.Fatalf("error %q does not say which TSA", err)
	}
}

func TestRequestCanceledIsNotUnreachable(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err := Request(ctx, srv.Client(), srv.URL, digestOf(crypto.SHA256, "x"), crypto.SHA256, true)
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnreachable) {
		t.Fatalf("error %v, want the context's deadline and not ErrUnreachable", err)
	}
}

func TestRequestRefusesBadArguments(t *testing.T) {
	tests := []struct {
		name    string
		digest  []byte
		hash    crypto.Hash
		certReq bool
		want    string
	}{
		{"SHA-1", digestOf(crypto.SHA1, "x"), crypto.SHA1, true, "not accepted"},
		{"wrong length", digestOf(crypto.SHA256, "x")[:20], crypto.SHA256, true, "32 bytes, not 20"},
		{"certReq false without the certificate", digestOf(crypto.SHA256, "x"), crypto.SHA256, false, "WithTSACertificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Request(context.Background(), nil, "http://127.0.0.1:1/", tt.digest, tt.hash, tt.certReq)
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, ErrUnreachable) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// forgedAuthority signs tokens with parts New would never allow: edit may
// change the token signer after New built it.
func forgedAuthority(t *testing.T, p *testPKI, cert *x509.Certificate, edit func(*tokenSigner)) *Authority {
	t.Helper()
	a := p.newAuthority(t)
	ts, err := newTokenSigner(cert, nil, p.tsaKey, crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(ts)
	}
	a.cert, a.tokens = cert, ts
	return a
}

func TestRequestDetectsBadAnswers(t *testing.T) {
	p := newTestPKI(t, "p256")
	at := testEpoch().Add(654321 * time.Microsecond)
	a := p.newAuthority(t, WithClock(fixedClock(at)))
	other := newTestPKI(t, "p256") // another TSA, with its own key
	otherTSA := other.newAuthority(t)
	notTSA := issue(t, p.root, p.rootKey, p.tsaKey, "kyso test signer", func(c *x509.Certificate) { c.ExtraExtensions = nil })
	dummyAttr, err := attribute(oidContentType(), func(b *cryptobyte.Builder) { b.AddASN1ObjectIdentifier(oidTSTInfo()) })
	if err != nil {
		t.Fatal(err)
	}
	otherESS, err := essAttribute(other.tsa)
	if err != nil {
		t.Fatal(err)
	}
	refusing := func(status int, info timestamp.FailureInfo, text string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			resp, err := rejectionResponse(rejection{info, text})
			if err != nil {
				t.Error(err)
			}
			w.Header().Set("Content-Type", replyType)
			w.WriteHeader(status)
			w.Write(resp)
		}
	}
	fixed := func(status int, contentType string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			w.Write(body)
		}
	}
	grantedNoToken, err := encode(func(b *cryptobyte.Builder) {
		b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) {
			b.AddASN1(casn1.SEQUENCE, func(b *cryptobyte.Builder) { b.AddASN1Int64(0) })
		})
	})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		handler http.Handler
		certReq bool
		opts    []RequestOption
		want    string
	}{
		{"signature altered", proxy(t, a, nil, func(resp []byte) {
			resp[len(resp)-1] ^= 0x01 // the signature is the last field
		}), true, nil, "signature"},
		{"genTime altered", proxy(t, a, nil, func(resp []byte) {
			i := bytes.Index(resp, []byte(genTimeString(at)))
			if i < 0 {
				t.Fatal("genTime not found in the response")
			}
			resp[i+3]++ // a year later
		}), true, nil, "signature"},
		{"nonce replaced", proxy(t, a, func(r *timestamp.Request) { r.Nonce = big.NewInt(7) }, nil), true, nil, "nonce"},
		{"nonce dropped", proxy(t, a, func(r *timestamp.Request) { r.Nonce = nil }, nil), true, nil, "nonce"},
		{"another imprint", proxy(t, a, func(r *timestamp.Request) { r.HashedMessage = digestOf(crypto.SHA256, "y") }, nil), true, nil, "imprint"},
		{"another hash", proxy(t, a, func(r *timestamp.Request) {
			r.HashAlgorithm, r.HashedMessage = crypto.SHA512, digestOf(crypto.SHA512, "x")
		}, nil), true, nil, "imprint"},
		{"another TSA, pinned", proxy(t, otherTSA, nil, nil), true, []RequestOption{WithTSACertificate(p.tsa)}, "not by the expected TSA certificate"},
		{"another TSA, certificate-less, pinned", proxy(t, otherTSA, nil, nil), false, []RequestOption{WithTSACertificate(p.tsa)}, "no certificate matching its signer"},
		{"certificates withheld", proxy(t, a, func(r *timestamp.Request) { r.Certificates = false }, nil), true, nil, "no certificate"},
		{"signer is no TSA", proxy(t, forgedAuthority(t, p, notTSA, nil), nil, nil), true, nil, "no extended key usage"},
		{"no ESS attribute", proxy(t, forgedAuthority(t, p, p.tsa, func(s *tokenSigner) { s.essAttr = dummyAttr }), nil, nil), true, nil, "no ESS signing-certificate"},
		{"ESS names another certificate", proxy(t, forgedAuthority(t, p, p.tsa, func(s *tokenSigner) { s.essAttr = otherESS }), nil, nil), true, nil, "names another certificate"},
		{"granted without token", fixed(200, replyType, grantedNoToken), true, nil, "no token"},
		{"garbage", fixed(200, replyType, []byte("<html>")), true, nil, "not a DER TimeStampResp"},
		{"wrong content type", fixed(200, "text/html", []byte("<html>")), true, nil, `content type "text/html"`},
		{"HTTP 503", fixed(503, "text/plain", []byte("maintenance")), true, nil, "HTTP 503 Service Unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			_, token, err := Request(context.Background(), srv.Client(), srv.URL, digestOf(crypto.SHA256, "x"), crypto.SHA256, tt.certReq, tt.opts...)
			if err == nil {
				t.Fatal("the bad answer was accepted")
			}
			if token != nil || errors.Is(err, ErrUnreachable) || !strings.HasPrefix(err.Error(), "tsa: request "+srv.URL+": ") ||
				!strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want one about %q", err, tt.want)
			}
		})
	}

	// Rejections come back as *RejectionError with the TSA's words.
	for _, status := range []int{200, 400} {
		srv := httptest.NewServer(refusing(status, timestamp.UnacceptedPolicy, "chính sách không được hỗ trợ"))
		_, _, err := Request(context.Background(), srv.Client(), srv.URL, digestOf(crypto.SHA256, "x"), crypto.SHA256, true)
		srv.Close()
		var rej *RejectionError
		if !errors.As(err, &rej) || rej.Status != timestamp.Rejection || rej.FailInfo != timestamp.UnacceptedPolicy ||
			rej.Text != "chính sách không được hỗ trợ" || rej.HTTPStatus != status {
			t.Errorf("HTTP %d: error %v, want a RejectionError with the TSA's text", status, err)
		}
		if err != nil && !strings.Contains(err.Error(), "unacceptedPolicy") {
			t.Errorf("error %q does not name the failure", err)
		}
	}
}

// proxy serves a's answers, with the request changed by req and the response
// bytes changed by resp in place, either of which may be nil.
func proxy(t *testing.T, a *Authority, req func(*timestamp.Request), resp func([]byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		q, err := timestamp.ParseRequest(body)
		if err != nil {
			t.Error(err)
			return
		}
		if req != nil {
			req(q)
		}
		out, err := a.Stamp(r.Context(), q)
		if err != nil {
			t.Error(err)
			return
		}
		if resp != nil {
			resp(out)
		}
		w.Header().Set("Content-Type", replyType)
		w.Write(out)
	})
}
