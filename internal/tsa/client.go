package tsa

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/digitorus/timestamp"
)

// ErrUnreachable marks Request errors where no HTTP answer came back from the
// TSA (refused or reset connection, DNS failure, timeout), as opposed to an
// answer that was wrong. Callers may retry elsewhere; test with errors.Is.
var ErrUnreachable = errors.New("tsa: unreachable")

// maxReplySize bounds how much of a TSA's answer Request reads; a token with
// a certificate chain is a few kilobytes.
const maxReplySize = 1 << 20

// defaultClientTimeout applies when Request is given no http.Client.
const defaultClientTimeout = 30 * time.Second

// RejectionError is a TimeStampResp that carried no token (RFC 3161 §2.4.2):
// its PKIStatus, the failure bit and the TSA's text.
type RejectionError struct {
	Status     timestamp.Status
	FailInfo   timestamp.FailureInfo // timestamp.UnknownFailureInfo if none
	Text       string
	HTTPStatus int
}

// Error implements error.
func (e *RejectionError) Error() string {
	return fmt.Sprintf("rejected (PKIStatus %d, %s, HTTP %d): %s",
		int(e.Status), failureName(e.FailInfo), e.HTTPStatus, e.Text)
}

// RequestOption configures Request.
type RequestOption func(*requestSettings)

type requestSettings struct {
	cert *x509.Certificate
}

// WithTSACertificate names the certificate the token must be signed with. It
// is required when certReq is false, since the token then carries no
// certificate to verify it with, and pins the signer when certReq is true.
func WithTSACertificate(cert *x509.Certificate) RequestOption {
	return func(s *requestSettings) { s.cert = cert }
}

// Request asks the TSA at tsaURL to time-stamp digest, the hash of some data
// made with hash (SHA-256, SHA-384 or SHA-512), and returns the parsed token
// and its DER (a CMS ContentInfo, ready to embed as a PAdES signature
// time-stamp). certReq asks the TSA to include its certificate in the token.
//
// The answer is checked as RFC 3161 §2.4.2 asks of a requester: status
// granted, the same nonce (a fresh 64-bit random) and message imprint, a
// valid signature by a certificate whose only, critical, extended key usage
// is id-kp-timeStamping (§2.3), the ESS signing-certificate attribute naming
// that certificate (RFC 5816 §2.2.1), and genTime within its validity.
// Whether that certificate chains to a trusted root is left to the caller's
// signature validation.
//
// client may be nil for a client with a 30-second timeout. Errors wrap
// ErrUnreachable when the TSA could not be reached, and *RejectionError when
// it refused.
func Request(ctx context.Context, client *http.Client, tsaURL string, digest []byte, hash crypto.Hash, certReq bool, opts ...RequestOption) (*timestamp.Timestamp, []byte, error) {
	var s requestSettings
	for _, o := range opts {
		o(&s)
	}
	// Errors name the TSA, without any password in its URL.
	where := tsaURL
	if u, err := url.Parse(tsaURL); err == nil {
		where = u.Redacted()
	}
	fail := func(err error) (*timestamp.Timestamp, []byte, error) {
		return nil, nil, fmt.Errorf("tsa: request %s: %w", where, err)
	}
	if hashOID(hash) == nil {
		return fail(fmt.Errorf("hash %v is not accepted; use SHA-256, SHA-384 or SHA-512", hash))
	}
	if len(digest) != hash.Size() {
		return fail(fmt.Errorf("a %v digest is %d bytes, not %d", hash, hash.Size(), len(digest)))
	}
	if !certReq && s.cert == nil {
		return fail(errors.New("certReq false needs WithTSACertificate: the token will carry no certificate to verify it with"))
	}
	if client == nil {
		client = &http.Client{Timeout: defaultClientTimeout}
	}
	// RFC 3161 §2.4.1: "a large random number with a high probability that
	// the client generates it only once (e.g., a 64 bit integer)".
	var nb [8]byte
	_, _ = rand.Read(nb[:]) // never fails since Go 1.24
	nonce := new(big.Int).SetBytes(nb[:])
	body, err := encodeQuery(hash, digest, nonce, certReq)
	if err != nil {
		return fail(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tsaURL, bytes.NewReader(body))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", queryType)
	req.Header.Set("Accept", replyType)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil { // the caller gave up; the TSA may be fine
			return fail(err)
		}
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrUnreachable, where, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxReplySize+1))
	if err != nil {
		if ctx.Err() != nil {
			return fail(err)
		}
		return nil, nil, fmt.Errorf("%w: %s: reading the answer: %w", ErrUnreachable, where, err)
	}
	if len(raw) > maxReplySize {
		return fail(fmt.Errorf("answer larger than %d bytes", maxReplySize))
	}
	rep, perr := parseReply(raw)
	if resp.StatusCode != http.StatusOK {
		// A TSA explains a refusal in a TimeStampResp even on an HTTP
		// error; show its words when there are some.
		if perr == nil && rep.token == nil {
			return fail(rep.rejection(resp.StatusCode))
		}
		return fail(fmt.Errorf("HTTP %s", resp.Status))
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != replyType {
		return fail(fmt.Errorf("answer has content type %q, not %s", resp.Header.Get("Content-Type"), replyType))
	}
	if perr != nil {
		return fail(perr)
	}
	// granted and grantedWithMods both carry a token (§2.4.2); whatever
	// was modified, the checks below still hold the token to the request.
	if rep.status != timestamp.Granted && rep.status != timestamp.GrantedWithMods {
		return fail(rep.rejection(resp.StatusCode))
	}
	if rep.token == nil {
		return fail(fmt.Errorf("status %d but no token", int(rep.status)))
	}
	ts, err := verifyToken(rep.token, expectation{hash: hash, digest: digest, nonce: nonce, cert: s.cert})
	if err != nil {
		return fail(err)
	}
	return ts, rep.token, nil
}

// rejection turns a reply without a token into an error.
func (r *reply) rejection(httpStatus int) *RejectionError {
	return &RejectionError{Status: r.status, FailInfo: r.failInfo, Text: strings.Join(r.text, "; "), HTTPStatus: httpStatus}
}
