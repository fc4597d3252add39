package axis

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ClientConfig says where the axis is and who is calling.
type ClientConfig struct {
	// URL is the axis's base URL, https://host:port (no path, or the
	// path the axis is mounted under).
	URL string
	// Certificate is the agency's client certificate and key (kyso's
	// service profile). Its PrivateKey may be any crypto.Signer, so an
	// HSM key works.
	Certificate tls.Certificate
	// RootCAs verify the axis's server certificate (nil: the system's).
	RootCAs *x509.CertPool
	// Timeout bounds one request other than a long poll, whose bound is
	// its wait plus Timeout (default 60 s).
	Timeout time.Duration
	// Transport replaces the HTTP transport, for tests; Certificate and
	// RootCAs are then ignored.
	Transport http.RoundTripper
}

// Client calls the axis as one agency.
type Client struct {
	base    *url.URL
	http    *http.Client
	timeout time.Duration
}

// NewClient returns a client for cfg.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("axis: the axis URL %q must look like https://host:port", cfg.URL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	rt := cfg.Transport
	if rt == nil {
		if len(cfg.Certificate.Certificate) == 0 {
			return nil, errors.New("axis: a client certificate is required: the axis authenticates agencies by TLS client certificate")
		}
		// HTTP/1.1: an agency's long poll holds one connection and its
		// submissions use others. HTTP/2 would multiplex them on one, but
		// brings nothing else here (each agency has its own certificate,
		// hence its own connections), and its graceful shutdown keeps a
		// restarting axis waiting for clients to hang up.
		rt = &http.Transport{
			TLSClientConfig: &tls.Config{
				MinVersion:   tls.VersionTLS12,
				RootCAs:      cfg.RootCAs,
				Certificates: []tls.Certificate{cfg.Certificate},
			},
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 15 * time.Second,
		}
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	return &Client{base: u, http: &http.Client{Transport: rt}, timeout: timeout}, nil
}

// CloseIdleConnections closes the client's idle connections.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Submit hands a signed package to the axis for the given receivers (all
// its addressees when none is given). kind may be empty: the axis then
// tells from the root element. A resubmission of a stored package returns
// its result with Duplicate set. An *Error reports a refusal; use
// IsPermanent to tell a refused package from an outage.
func (c *Client) Submit(ctx context.Context, body []byte, kind Kind, to ...string) (*SubmitResult, error) {
	q := url.Values{}
	if kind != "" {
		q.Set("kind", string(kind))
	}
	for _, t := range to {
		q.Add("to", t)
	}
	var res SubmitResult
	if err := c.do(ctx, http.MethodPost, "/axis/v1/messages", q, "application/xml", body, c.timeout, &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Poll returns up to limit packages waiting for the calling agency, oldest
// first, waiting up to wait for one when there are none (0: answer at
// once). They stay waiting until acknowledged.
func (c *Client) Poll(ctx context.Context, limit int, wait time.Duration) ([]Message, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if wait > 0 {
		q.Set("wait", wait.String())
	}
	var res pollResult
	if err := c.do(ctx, http.MethodGet, "/axis/v1/messages", q, "", nil, wait+c.timeout, &res); err != nil {
		return nil, err
	}
	return res.Messages, nil
}

// Ack acknowledges packages by their axis ids (Message.ID), so that the
// axis stops offering them. Acknowledge only what is committed to the
// inbox: an unacknowledged package is offered again, a wrongly
// acknowledged one is lost.
func (c *Client) Ack(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if len(ids) == 1 {
		return c.do(ctx, http.MethodPost, "/axis/v1/messages/"+url.PathEscape(ids[0])+"/ack", nil, "", nil, c.timeout, &ackResult{})
	}
	for len(ids) > 0 {
		n := min(len(ids), maxAckIDs)
		body, err := json.Marshal(ackRequest{IDs: ids[:n]})
		if err != nil {
			return fmt.Errorf("axis: ack: %w", err)
		}
		if err := c.do(ctx, http.MethodPost, "/axis/v1/acks", nil, "application/json", body, c.timeout, &ackResult{}); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// maxAnswer bounds an answer the client reads: a poll carries up to
// DefaultMaxPollBytes of bodies, base64-encoded, plus one oversized package.
const maxAnswer = 4*DefaultMaxPollBytes + 1<<20

func (c *Client) do(ctx context.Context, method, path string, q url.Values, ctype string, body []byte, timeout time.Duration, out any) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return fmt.Errorf("axis: %s %s: %w", method, path, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("axis: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("axis: %s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		e := &Error{StatusCode: resp.StatusCode}
		var eb errorBody
		if json.Unmarshal(data, &eb) == nil && eb.Error.Code != "" {
			e.Reason, e.Message = eb.Error.Code, eb.Error.Message
		} else {
			e.Reason, e.Message = ReasonInternal, strings.TrimSpace(string(data[:min(len(data), 200)]))
		}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return e
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("axis: %s %s: the answer is not the expected JSON: %w", method, path, err)
	}
	return nil
}
