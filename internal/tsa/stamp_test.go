package tsa

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/pkcs7"
	"github.com/digitorus/timestamp"
)

// digestOf hashes data with h.
func digestOf(h crypto.Hash, data string) []byte {
	d := h.New()
	d.Write([]byte(data))
	return d.Sum(nil)
}

// stamp calls a.Stamp and fails the test on an error.
func stamp(t testing.TB, a *Authority, req *timestamp.Request) []byte {
	t.Helper()
	resp, err := a.Stamp(context.Background(), req)
	if err != nil {
		t.Fatalf("Stamp: %v", err)
	}
	return resp
}

// granted parses a granted response with digitorus/timestamp, which verifies
// the signature when the token carries certificates, and verifies it with
// digitorus/pkcs7 against cert otherwise.
func granted(t testing.TB, resp []byte, cert *x509.Certificate) *timestamp.Timestamp {
	t.Helper()
	ts, err := timestamp.ParseResponse(resp)
	if err != nil {
		t.Fatalf("ParseResponse: %v", err)
	}
	p7, err := pkcs7.Parse(ts.RawToken)
	if err != nil {
		t.Fatal(err)
	}
	if len(p7.Certificates) == 0 {
		p7.Certificates = []*x509.Certificate{cert}
	}
	if err := p7.Verify(); err != nil {
		t.Fatalf("token signature: %v", err)
	}
	return ts
}

// rejected parses a rejection response and returns its failure and text.
func rejected(t testing.TB, resp []byte) (timestamp.FailureInfo, string) {
	t.Helper()
	r, err := parseReply(resp)
	if err != nil {
		t.Fatalf("parseReply: %v", err)
	}
	if r.status != timestamp.Rejection || r.token != nil || len(r.text) != 1 {
		t.Fatalf("status %d, token %v, text %q; want a rejection with a text and no token", r.status, r.token != nil, r.text)
	}
	// digitorus/timestamp, an independent decoder, must agree.
	if _, err := timestamp.ParseResponse(resp); err == nil || !strings.Contains(err.Error(), "rejected") {
		t.Fatalf("digitorus ParseResponse: %v, want a rejection", err)
	}
	return r.failInfo, r.text[0]
}

func TestStampGrants(t *testing.T) {
	at := testEpoch().Add(1234567 * time.Microsecond)
	for _, kind := range []string{"rsa2048", "p256", "p384"} {
		p := newTestPKI(t, kind)
		a := p.newAuthority(t, WithClock(fixedClock(at)))
		for _, h := range []crypto.Hash{crypto.SHA256, crypto.SHA384, crypto.SHA512} {
			for _, certReq := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%v/certReq=%v", kind, h, certReq), func(t *testing.T) {
					digest := digestOf(h, "Quyết định số 05/QĐ-UBND")
					nonce := big.NewInt(0x1122334455667788)
					ts := granted(t, stamp(t, a, &timestamp.Request{
						HashAlgorithm: h, HashedMessage: digest, Nonce: nonce, Certificates: certReq,
					}), p.tsa)
					if ts.HashAlgorithm != h || !bytes.Equal(ts.HashedMessage, digest) {
						t.Errorf("imprint %v %x, want %v %x", ts.HashAlgorithm, ts.HashedMessage, h, digest)
					}
					if ts.Nonce == nil || ts.Nonce.Cmp(nonce) != 0 {
						t.Errorf("nonce %v, want %v", ts.Nonce, nonce)
					}
					if !ts.Policy.Equal(DefaultPolicy()) {
						t.Errorf("policy %v", ts.Policy)
					}
					if !ts.Time.Equal(at) {
						t.Errorf("genTime %v, want %v (microseconds kept)", ts.Time, at)
					}
					if ts.Accuracy != time.Second || ts.Ordering {
						t.Errorf("accuracy %v ordering %v, want 1s false", ts.Accuracy, ts.Ordering)
					}
					if ts.SerialNumber.Sign() <= 0 {
						t.Errorf("serial %v", ts.SerialNumber)
					}
					wantCerts := 0
					if certReq {
						wantCerts = 2 // TSA certificate and the chain given to New
					}
					if len(ts.Certificates) != wantCerts {
						t.Errorf("%d certificates in the token, want %d", len(ts.Certificates), wantCerts)
					}
					checkESS(t, ts.RawToken, p.tsa)
				})
			}
		}
	}
}

// checkESS asserts that a token carries an ESS signing-certificate-v2
// attribute naming cert (RFC 5816 §2.2.1), and no signing-time.
func checkESS(t testing.TB, token []byte, cert *x509.Certificate) {
	t.Helper()
	p7, err := pkcs7.Parse(token)
	if err != nil {
		t.Fatal(err)
	}
	var v2 asn1.RawValue
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2(), &v2); err != nil {
		t.Fatalf("no signing-certificate-v2 attribute: %v", err)
	}
	if err := matchESSCertID(v2.FullBytes, cert, true); err != nil {
		t.Fatalf("signing-certificate-v2: %v", err)
	}
	if err := checkSigningCertificate(p7, cert); err != nil {
		t.Fatal(err)
	}
	var st time.Time
	if err := p7.UnmarshalSignedAttribute(asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}, &st); err == nil {
		t.Fatalf("token has a signing-time attribute (%v) besides genTime", st)
	}
}

func TestStampRejects(t *testing.T) {
	p := newTestPKI(t, "p256")
	a := p.newAuthority(t)
	good := digestOf(crypto.SHA256, "x")
	tests := []struct {
		name string
		req  *timestamp.Request
		want timestamp.FailureInfo
		text string
	}{
		{"SHA-1", &timestamp.Request{HashAlgorithm: crypto.SHA1, HashedMessage: digestOf(crypto.SHA1, "x")}, timestamp.BadAlgorithm, "SHA-1"},
		{"MD5", &timestamp.Request{HashAlgorithm: crypto.MD5, HashedMessage: digestOf(crypto.MD5, "x")}, timestamp.BadAlgorithm, "MD5"},
		{"unknown hash", &timestamp.Request{HashAlgorithm: crypto.Hash(99), HashedMessage: good}, timestamp.BadAlgorithm, "not accepted"},
		{"short SHA-256", &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: good[:31]}, timestamp.BadDataFormat, "32 bytes, not 31"},
		{"SHA-384 length for SHA-512", &timestamp.Request{HashAlgorithm: crypto.SHA512, HashedMessage: digestOf(crypto.SHA384, "x")}, timestamp.BadDataFormat, "64 bytes, not 48"},
		{"empty imprint", &timestamp.Request{HashAlgorithm: crypto.SHA256}, timestamp.BadDataFormat, "not 0"},
		{"foreign policy", &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: good,
			TSAPolicyOID: asn1.ObjectIdentifier{1, 2, 3, 4}}, timestamp.UnacceptedPolicy, "not 1.2.3.4"},
		{"extension", &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: good,
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 2, 3}, Value: []byte{5, 0}}}}, timestamp.UnacceptedExtension, "1.2.3"},
		{"nil request", nil, timestamp.BadRequest, "no request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, text := rejected(t, stamp(t, a, tt.req))
			if info != tt.want || !strings.Contains(text, tt.text) {
				t.Fatalf("rejected with %s %q, want %s containing %q", failureName(info), text, failureName(tt.want), tt.text)
			}
		})
	}
	// Naming the TSA's own policy is fine.
	granted(t, stamp(t, a, &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: good, TSAPolicyOID: DefaultPolicy()}), p.tsa)
}

func TestStampOptions(t *testing.T) {
	p := newTestPKI(t, "p256")
	policy := asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}
	tests := []struct {
		accuracy time.Duration
		want     time.Duration // as digitorus/timestamp reads it back
	}{
		{time.Second, time.Second},
		{1500 * time.Millisecond, 1500 * time.Millisecond},
		{250 * time.Millisecond, 250 * time.Millisecond},
		{2*time.Second + 3*time.Millisecond + 4*time.Microsecond, 2*time.Second + 3*time.Millisecond + 4*time.Microsecond},
		{1500 * time.Nanosecond, 2 * time.Microsecond}, // rounded up, never claimed finer
		{0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.accuracy.String(), func(t *testing.T) {
			a := p.newAuthority(t, WithAccuracy(tt.accuracy), WithPolicy(policy))
			ts := granted(t, stamp(t, a, &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digestOf(crypto.SHA256, "x"), Certificates: true}), p.tsa)
			if ts.Accuracy != tt.want {
				t.Errorf("accuracy %v, want %v", ts.Accuracy, tt.want)
			}
			if !ts.Policy.Equal(policy) {
				t.Errorf("policy %v, want %v", ts.Policy, policy)
			}
		})
	}
}

func TestGenTimeString(t *testing.T) {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		t    time.Time
		want string
	}{
		{base, "20260102030405Z"},
		{base.Add(340 * time.Millisecond), "20260102030405.34Z"},
		{base.Add(123456 * time.Microsecond), "20260102030405.123456Z"},
		{base.Add(time.Microsecond), "20260102030405.000001Z"},
		{time.Date(2026, 1, 2, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600)), "20260101170000Z"},
	}
	for _, tt := range tests {
		if got := genTimeString(tt.t); got != tt.want {
			t.Errorf("genTimeString(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}

// steppingClock returns the readings in turn.
type steppingClock struct {
	mu       sync.Mutex
	readings []time.Time
}

func (c *steppingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.readings[0]
	if len(c.readings) > 1 {
		c.readings = c.readings[1:]
	}
	return t
}

func TestGenTimeNeverGoesBackwards(t *testing.T) {
	p := newTestPKI(t, "p256")
	t0 := testEpoch()
	us := time.Microsecond
	clock := &steppingClock{readings: []time.Time{
		t0, // New reads the clock once to check the certificate
		t0,
		t0.Add(time.Second),
		t0.Add(-10 * time.Second), // stepped back
		t0.Add(-5 * time.Second),  // still behind
		t0.Add(time.Second),       // caught up exactly
		t0.Add(2 * time.Second),
		t0.Add(time.Second), // stepped back again
	}}
	var logs bytes.Buffer
	a := p.newAuthority(t, WithClock(clock.now), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	want := []time.Time{
		t0,
		t0.Add(time.Second),
		t0.Add(time.Second + us),
		t0.Add(time.Second + 2*us),
		t0.Add(time.Second + 3*us),
		t0.Add(2 * time.Second),
		t0.Add(2*time.Second + us),
	}
	for i, w := range want {
		ts := granted(t, stamp(t, a, &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digestOf(crypto.SHA256, "x")}), p.tsa)
		if !ts.Time.Equal(w) {
			t.Errorf("token %d: genTime %s, want %s", i, ts.Time.Format(time.RFC3339Nano), w.Format(time.RFC3339Nano))
		}
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 2 {
		t.Errorf("%d warnings, want one per step back (2):\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "step=11s") {
		t.Errorf("warning does not say how far the clock stepped:\n%s", logs.String())
	}
}

func TestSerialsUniqueOver10000Stamps(t *testing.T) {
	p := newTestPKI(t, "p256")
	a := p.newAuthority(t)
	req := &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digestOf(crypto.SHA256, "x")}
	seen := make(map[string]bool, 10000)
	for range 10000 {
		ts, err := timestamp.ParseResponse(stamp(t, a, req))
		if err != nil {
			t.Fatal(err)
		}
		s := ts.SerialNumber.String()
		if seen[s] {
			t.Fatalf("serial %s issued twice", s)
		}
		seen[s] = true
	}
}

func TestConcurrentStamps(t *testing.T) {
	p := newTestPKI(t, "p256")
	a := p.newAuthority(t)
	const workers, each = 8, 200
	var (
		mu     sync.Mutex
		serial = map[string]bool{}
		wg     sync.WaitGroup
		errs   = make(chan error, workers)
	)
	for w := range workers {
		wg.Go(func() {
			var last time.Time
			for i := range each {
				digest := sha256.Sum256([]byte{byte(w), byte(i)})
				resp, err := a.Stamp(context.Background(), &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digest[:], Nonce: big.NewInt(int64(i))})
				if err != nil {
					errs <- err
					return
				}
				ts, err := timestamp.ParseResponse(resp)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(ts.HashedMessage, digest[:]) || ts.Nonce.Int64() != int64(i) {
					errs <- errors.New("a token answered another goroutine's request")
					return
				}
				if ts.Time.Before(last) {
					errs <- errors.New("genTime went backwards within one goroutine")
					return
				}
				last = ts.Time
				mu.Lock()
				dup := serial[ts.SerialNumber.String()]
				serial[ts.SerialNumber.String()] = true
				mu.Unlock()
				if dup {
					errs <- errors.New("duplicate serial")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(serial) != workers*each {
		t.Errorf("%d distinct serials, want %d", len(serial), workers*each)
	}
}

// serialFunc adapts a function to SerialSource.
type serialFunc func(context.Context) (*big.Int, error)

func (f serialFunc) Next(ctx context.Context) (*big.Int, error) { return f(ctx) }

func TestStampFailures(t *testing.T) {
	p := newTestPKI(t, "p256")
	req := &timestamp.Request{HashAlgorithm: crypto.SHA256, HashedMessage: digestOf(crypto.SHA256, "x")}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		opts []Option
		want string
	}{
		{"serial source fails", context.Background(), []Option{WithSerials(serialFunc(func(context.Context) (*big.Int, error) {
			return nil, errors.New("database down")
		}))}, "database down"},
		{"zero serial", context.Background(), []Option{WithSerials(serialFunc(func(context.Context) (*big.Int, error) {
			return big.NewInt(0), nil
		}))}, "positive"},
		{"161-bit serial", context.Background(), []Option{WithSerials(serialFunc(func(context.Context) (*big.Int, error) {
			return new(big.Int).Lsh(big.NewInt(1), 160), nil
		}))}, "160 bits"},
		{"certificate expired since New", context.Background(), []Option{WithClock((&steppingClock{readings: []time.Time{
			testEpoch(), testEpoch().Add(48 * time.Hour)}}).now)}, "not valid at"},
		{"context canceled", canceled, nil, "context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := p.newAuthority(t, tt.opts...)
			resp, err := a.Stamp(tt.ctx, req)
			if err == nil || resp != nil {
				t.Fatalf("Stamp = %d bytes, %v; want an error", len(resp), err)
			}
			if !strings.HasPrefix(err.Error(), "tsa: stamp: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// newTextLogger logs everything to w as text.
func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
