package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/exchange/docbridge"
	"github.com/kyso-vn/kyso/internal/exchange/inbox"
	"github.com/kyso-vn/kyso/internal/exchange/outbox"
	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
)

// exchange holds what the inter-agency exchange runs with: the identities
// agencies sign packages and authenticate to the axis with (opened once:
// opening a key file decrypts it), and the axis clients.
type exchange struct {
	bridge *docbridge.Exchange
	worker atomic.Pointer[outbox.Worker]
	proc   atomic.Pointer[inbox.Processor]

	issueMu sync.Mutex // one exchange certificate per agency, even when asked twice at once
	mu      sync.Mutex
	seals   map[string]cachedIdentity // agency ID → organization identity
	clients map[string]*axis.Client   // agency code → client
}

type cachedIdentity struct {
	id *keys.Identity
	at time.Time
}

// identityTTL bounds how long an opened key is reused: a certificate
// renewed or revoked meanwhile is picked up within it.
const identityTTL = 5 * time.Minute

// axisConfigured reports whether this deployment talks to an exchange axis.
func (c *Config) axisConfigured() bool { return c.AxisURL != "" }

// axisRoots reads the CA certificates that vouch for the axis's TLS
// certificate (KYSO_AXIS_CA).
func (c *Config) axisRoots() (*x509.CertPool, error) {
	if c.AxisCAFile == "" {
		return nil, nil // the system's roots
	}
	pem, err := os.ReadFile(c.AxisCAFile)
	if err != nil {
		return nil, fmt.Errorf("KYSO_AXIS_CA: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("KYSO_AXIS_CA %s: no PEM certificate in it", c.AxisCAFile)
	}
	return pool, nil
}

func (x *exchange) wakeWorker() {
	if w := x.worker.Load(); w != nil {
		w.Notify()
	}
}

// newExchange builds the exchange's parts; InitDocs calls it before the
// documents service, which queues packages through it.
func (a *App) newExchange() *exchange {
	x := &exchange{seals: map[string]cachedIdentity{}, clients: map[string]*axis.Client{}}
	x.bridge = &docbridge.Exchange{
		Org:   a.Org,
		Seal:  func(ctx context.Context, agencyID string) (*keys.Identity, error) { return a.agencySeal(ctx, agencyID) },
		Roots: a.trustPool(),
		Log:   a.Log,
		Wake:  x.wakeWorker,
	}
	return x
}

// trustPool is the validator's trust anchors as a pool, for checking who
// signed a package.
func (a *App) trustPool() *x509.CertPool {
	pool := x509.NewCertPool()
	for _, c := range a.TrustAnchors() {
		pool.AddCert(c)
	}
	return pool
}

// agencySeal opens the organization identity of an agency, the one its
// clerk seals documents with, for signing its packages.
func (a *App) agencySeal(ctx context.Context, agencyID string) (*keys.Identity, error) {
	x := a.exchange
	x.mu.Lock()
	c, ok := x.seals[agencyID]
	x.mu.Unlock()
	if ok && time.Since(c.at) < identityTTL && time.Now().Before(c.id.Cert.NotAfter) {
		return c.id, nil
	}
	cert, err := a.PKI.SigningCertificate(ctx, pki.ProfileOrganization, "", agencyID)
	if err != nil {
		return nil, err
	}
	id, err := a.PKI.SubscriberSigner(ctx, cert)
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	x.seals[agencyID] = cachedIdentity{id: id, at: time.Now()}
	x.mu.Unlock()
	return id, nil
}

// agencyTLS returns the client certificate an agency authenticates to the
// axis with: a service certificate naming its code, issued by this
// installation's CA the first time it is needed.
func (a *App) agencyTLS(ctx context.Context, ag *org.Agency) (tls.Certificate, error) {
	a.exchange.issueMu.Lock()
	defer a.exchange.issueMu.Unlock()
	cert, err := a.PKI.SigningCertificate(ctx, pki.ProfileService, "", ag.ID)
	if err != nil {
		label := strings.ToLower(strings.ReplaceAll(ag.Code, ".", "-"))
		cert, err = a.PKI.Issue(ctx, org.SystemActor("exchange"), pki.IssueRequest{Profile: pki.ProfileService, ServerKey: true, KeyAlgorithm: "ecdsa-p256",
			AgencyID: ag.ID, Subject: pki.Subject{CommonName: ag.Name, Organization: ag.Name, Unit: ag.Code, DNSNames: []string{label + ".exchange.kyso.invalid"}}})
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("issue the exchange certificate of %s: %w", ag.Name, err)
		}
		a.Log.Info("exchange: issued a client certificate for the axis", "agency", ag.Code, "serial", cert.Serial)
	}
	return a.tlsCertificate(ctx, cert)
}

// tlsCertificate opens the key of a service certificate kyso holds, for
// TLS: the certificate with its chain, the key as a crypto.Signer.
func (a *App) tlsCertificate(ctx context.Context, cert *pki.Certificate) (tls.Certificate, error) {
	id, err := a.PKI.SubscriberSigner(ctx, cert)
	if err != nil {
		return tls.Certificate{}, err
	}
	out := tls.Certificate{PrivateKey: id.Signer, Leaf: id.Cert, Certificate: [][]byte{id.Cert.Raw}}
	for _, c := range id.Chain {
		out.Certificate = append(out.Certificate, c.Raw)
	}
	return out, nil
}

// axisClient is the axis client of the agency with the given code.
func (a *App) axisClient(ctx context.Context, code string) (*axis.Client, error) {
	x := a.exchange
	x.mu.Lock()
	c := x.clients[code]
	x.mu.Unlock()
	if c != nil {
		return c, nil
	}
	ag, err := a.Org.AgencyByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	cert, err := a.agencyTLS(ctx, ag)
	if err != nil {
		return nil, err
	}
	roots, err := a.Config.axisRoots()
	if err != nil {
		return nil, err
	}
	c, err = axis.NewClient(axis.ClientConfig{URL: a.Config.AxisURL, Certificate: cert, RootCAs: roots})
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	x.clients[code] = c
	x.mu.Unlock()
	return c, nil
}

// exchangingAgencies lists the codes of the agencies that can exchange
// documents: those with an organization certificate whose key kyso holds.
func (a *App) exchangingAgencies(ctx context.Context) ([]string, error) {
	certs, err := a.PKI.List(ctx, pki.Filter{Profile: pki.ProfileOrganization, Status: pki.StatusActive, Limit: 10000})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var codes []string
	for _, c := range certs {
		if !c.ServerKey || c.AgencyID == "" || seen[c.AgencyID] {
			continue
		}
		seen[c.AgencyID] = true
		ag, err := a.Org.GetAgency(ctx, org.SystemActor("exchange"), c.AgencyID)
		if err != nil || !ag.Active {
			continue
		}
		codes = append(codes, ag.Code)
	}
	return codes, nil
}

// RunExchange delivers queued packages and status messages, pulls what
// the axis holds for this deployment's agencies, and hands arrivals to the
// documents domain, until ctx ends. Without an axis it still processes
// what arrives locally.
func (a *App) RunExchange(ctx context.Context) error {
	x := a.exchange
	remote := outbox.Transport(nil)
	if a.Config.axisConfigured() {
		remote = &outbox.AxisTransport{Log: a.Log, Client: func(from string) (*axis.Client, error) { return a.axisClient(ctx, from) }}
	}
	proc, err := inbox.NewProcessor(inbox.Config{DB: a.DB, Handler: x.bridge, Log: a.Log, Committed: x.wakeWorker})
	if err != nil {
		return err
	}
	x.proc.Store(proc)
	router := &outbox.Router{
		IsLocal: func(code string) bool {
			ag, err := a.Org.AgencyByCode(ctx, code)
			return err == nil && ag.Active
		},
		Local:  &outbox.LocalTransport{DB: a.DB, Notify: proc.Notify},
		Remote: remote,
	}
	worker, err := outbox.NewWorker(outbox.Config{DB: a.DB, Transport: router, Log: a.Log})
	if err != nil {
		return err
	}
	x.worker.Store(worker)
	var wg sync.WaitGroup
	run := func(name string, f func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(ctx); err != nil && !errors.Is(err, context.Canceled) {
				a.Log.Error("exchange: "+name+" stopped", "err", err)
			}
		}()
	}
	run("outbox", worker.Run)
	run("inbox", proc.Run)
	if a.Config.axisConfigured() {
		puller, err := inbox.NewAxisPuller(inbox.PullerConfig{DB: a.DB, Log: a.Log, Notify: proc.Notify,
			Agencies: a.exchangingAgencies,
			Client:   func(code string) (*axis.Client, error) { return a.axisClient(ctx, code) }})
		if err != nil {
			return err
		}
		run("axis puller", puller.Run)
		a.Log.Info("exchange: connected to the axis", "url", a.Config.AxisURL)
	}
	wg.Wait()
	return nil
}
