// Package axistest sets up the exchange for tests: a CA that issues
// agencies their seal and service certificates, signed packages and
// status messages, and an axis served over real TLS on 127.0.0.1 that can
// be stopped and restarted on the same address and database.
package axistest

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/edxml"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/testpki"
)

// PKI is a test CA for seals and service certificates.
type PKI struct {
	CA    *x509.Certificate
	CAKey crypto.Signer
	Pool  *x509.CertPool // trusts CA
}

// NewPKI makes a CA.
func NewPKI(t testing.TB) *PKI {
	t.Helper()
	key := testpki.Key(t, "p256")
	ca := testpki.Issue(t, nil, nil, key, "CA liên thông kiểm thử", testpki.CA)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	return &PKI{CA: ca, CAKey: key, Pool: pool}
}

var oidOrganizationIdentifier = asn1.ObjectIdentifier{2, 5, 4, 97}

// Seal issues an organization certificate naming code as kyso's
// organization profile does (organizationIdentifier VN-<code>).
func (p *PKI) Seal(t testing.TB, code, name string) *keys.Identity {
	t.Helper()
	key := testpki.Key(t, "p256")
	cert := testpki.Issue(t, p.CA, p.CAKey, key, name, func(c *x509.Certificate) {
		c.Subject.Organization = []string{name}
		c.Subject.ExtraNames = []pkix.AttributeTypeAndValue{{Type: oidOrganizationIdentifier, Value: "VN-" + code}}
		c.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}
	})
	id, err := keys.NewIdentity(key, cert, nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// Service issues a service certificate for TLS; edit sets the subject
// (an OU carrying the agency code for a client) and the names.
func (p *PKI) Service(t testing.TB, cn string, edit func(*x509.Certificate)) tls.Certificate {
	t.Helper()
	key := testpki.Key(t, "p256")
	cert := testpki.Issue(t, p.CA, p.CAKey, key, cn, func(c *x509.Certificate) {
		c.KeyUsage = x509.KeyUsageDigitalSignature
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
	}, edit)
	return tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert}
}

// ServerCert is the axis's certificate for 127.0.0.1.
func (p *PKI) ServerCert(t testing.TB) tls.Certificate {
	return p.Service(t, "Trục liên thông kiểm thử", func(c *x509.Certificate) {
		c.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	})
}

// Agency is a test agency: the seal that signs its packages and the
// service certificate it authenticates to the axis with.
type Agency struct {
	Code, Name string
	Seal       *keys.Identity
	TLS        tls.Certificate
}

// Agency issues both certificates for an agency. The service
// certificate carries the code as OU, as a service profile certificate
// requested for an agency does.
func (p *PKI) Agency(t testing.TB, code, name string) *Agency {
	t.Helper()
	return &Agency{
		Code: code, Name: name,
		Seal: p.Seal(t, code, name),
		TLS:  p.Service(t, name+" (liên thông)", func(c *x509.Certificate) { c.Subject.OrganizationalUnit = []string{code} }),
	}
}

// Chain is what edxml.Build takes for the agency's seal.
func (a *Agency) Chain() []*x509.Certificate {
	return append([]*x509.Certificate{a.Seal.Cert}, a.Seal.Chain...)
}

var docNumber atomic.Int64

// Envelope returns an unsigned công văn from a to the given codes, with a
// number of its own and a small PDF of size bytes (at least a few hundred).
func (a *Agency) Envelope(size int, to ...string) *edxml.Envelope {
	n := docNumber.Add(1)
	env := &edxml.Envelope{}
	h := &env.Header
	h.From = edxml.Organ{OrganID: a.Code, OrganName: a.Name}
	for _, c := range to {
		h.To = append(h.To, edxml.Organ{OrganID: c, OrganName: "Cơ quan " + c})
	}
	h.Code = edxml.Code{Number: fmt.Sprint(n), Notation: "UBND-VP"}
	h.Promulgation = edxml.PromulgationInfo{Place: "Quảng Ngãi", Date: edxml.DateOf(time.Now())}
	h.DocumentType = edxml.DocumentType{Type: 1, TypeName: "Công văn"}
	h.Subject = fmt.Sprintf("Về việc thử liên thông văn bản số %d", n)
	env.Attachments = []edxml.Attachment{{Name: fmt.Sprintf("cv-%d.pdf", n), ContentType: "application/pdf", Content: PDF(n, size)}}
	return env
}

// PDF returns a small PDF-looking file of about size bytes, distinct per n.
func PDF(n int64, size int) []byte {
	head := fmt.Sprintf("%%PDF-1.7\n%% văn bản %d\n", n)
	b := make([]byte, 0, max(size, len(head)+6))
	b = append(b, head...)
	for len(b) < size-6 {
		b = append(b, byte('a'+len(b)%26))
	}
	return append(b, "\n%%EOF"...)
}

// Document builds and signs a document package from a to the given codes.
func (a *Agency) Document(t testing.TB, to ...string) (*edxml.Envelope, []byte) {
	t.Helper()
	env := a.Envelope(600, to...)
	data, err := edxml.Build(env, a.Seal.Signer, a.Chain())
	if err != nil {
		t.Fatalf("build package: %v", err)
	}
	return env, data
}

// Status builds and signs a status message from a about env.
func (a *Agency) Status(t testing.TB, env *edxml.Envelope, code edxml.StatusCode) (*edxml.Status, []byte) {
	t.Helper()
	st := &edxml.Status{ResponseFor: env.ResponseFor(), From: edxml.Organ{OrganID: a.Code, OrganName: a.Name}, Code: code}
	if code == edxml.StatusRejected || code == edxml.StatusChangeRejected {
		st.Description = "Gửi nhầm cơ quan"
	}
	data, err := edxml.BuildStatus(st, a.Seal.Signer, a.Chain())
	if err != nil {
		t.Fatalf("build status: %v", err)
	}
	return st, data
}

// Axis is an axis served over TLS on 127.0.0.1.
type Axis struct {
	URL    string
	Server *axis.Server
	DB     *store.DB

	t      testing.TB
	pki    *PKI
	cert   tls.Certificate
	edit   func(*axis.Config)
	addr   string
	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan error
	ln     *trackingListener
}

// StartAxis serves an axis on db, on a port the OS chooses; edit adjusts
// its configuration. It is stopped when the test ends.
func StartAxis(t testing.TB, p *PKI, db *store.DB, edit func(*axis.Config)) *Axis {
	t.Helper()
	a := &Axis{t: t, pki: p, cert: p.ServerCert(t), edit: edit, addr: "127.0.0.1:0"}
	a.start(db)
	t.Cleanup(a.Stop)
	return a
}

func (a *Axis) start(db *store.DB) {
	a.t.Helper()
	cfg := axis.Config{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if a.edit != nil {
		a.edit(&cfg)
	}
	srv, err := axis.NewServer(cfg)
	if err != nil {
		a.t.Fatal(err)
	}
	var ln net.Listener
	// The port of a restarted axis was just released; give the kernel a
	// moment if it is not yet free.
	for i := 0; ; i++ {
		ln, err = net.Listen("tcp", a.addr)
		if err == nil || i == 50 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		a.t.Fatal(err)
	}
	a.addr = ln.Addr().String()
	tl := &trackingListener{Listener: ln, conns: map[net.Conn]struct{}{}}
	ln = tl
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- axis.Serve(ctx, ln, srv, axis.ServerTLSConfig(a.cert, a.pki.Pool), cfg.Log) }()
	a.mu.Lock()
	a.URL, a.Server, a.DB, a.cancel, a.done, a.ln = "https://"+a.addr, srv, db, cancel, done, tl
	a.mu.Unlock()
}

// Stop shuts the axis down (idempotent).
func (a *Axis) Stop() {
	a.mu.Lock()
	cancel, done := a.cancel, a.done
	a.cancel = nil
	a.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		a.t.Errorf("axis: %v", err)
	}
}

// Kill stops the axis as a crash would: every connection is cut at once,
// with requests in flight (a submission may be stored with its answer
// lost), then the server is stopped.
func (a *Axis) Kill() {
	a.mu.Lock()
	ln := a.ln
	a.mu.Unlock()
	if ln != nil {
		ln.cut()
	}
	a.Stop()
}

// trackingListener remembers the connections it accepted, so that Kill
// can cut them.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns[c] = struct{}{}
	l.mu.Unlock()
	return c, nil
}

func (l *trackingListener) cut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for c := range l.conns {
		c.Close()
	}
	l.conns = map[net.Conn]struct{}{}
}

// Restart stops the axis and serves it again on the same address with db
// (the same database reopened, for a restart).
func (a *Axis) Restart(db *store.DB) {
	a.t.Helper()
	a.Stop()
	a.start(db)
}

// Client returns a client authenticated as ag.
func (a *Axis) Client(t testing.TB, ag *Agency) *axis.Client {
	t.Helper()
	return a.ClientWith(t, ag.TLS)
}

// ClientWith returns a client presenting cert.
func (a *Axis) ClientWith(t testing.TB, cert tls.Certificate) *axis.Client {
	t.Helper()
	c, err := axis.NewClient(axis.ClientConfig{URL: a.URL, Certificate: cert, RootCAs: a.pki.Pool, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}
