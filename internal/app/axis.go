package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/validate/path"
	"github.com/kyso-vn/kyso/internal/validate/revocation"
)

// ServeAxis runs this installation as an exchange axis on ln until ctx
// ends: agencies authenticate with client certificates from a CA this
// installation trusts (its own root and the trust anchors: DATA/trust,
// KYSO_TRUST), and only packages signed by such certificates are stored.
// hosts are the names and addresses the axis's own TLS certificate
// carries; it is issued by this installation's CA at the first start.
func (a *App) ServeAxis(ctx context.Context, ln net.Listener, hosts []string) error {
	cert, err := a.axisServerCert(ctx, hosts)
	if err != nil {
		return err
	}
	pool := a.trustPool()
	srv, err := axis.NewServer(axis.Config{DB: a.DB, Log: a.Log, SignerRoots: pool, VerifyClient: a.VerifyAxisClient})
	if err != nil {
		return err
	}
	go a.purgeAxis(ctx)
	a.Log.Info("kyso axis is serving", "url", "https://"+ln.Addr().String(), "data", a.Config.DataDir, "trusted_cas", len(a.TrustAnchors()))
	return axis.Serve(ctx, ln, srv, axis.ServerTLSConfig(cert, pool), a.Log)
}

// VerifyAxisClient refuses an agency whose client certificate its CA has
// revoked or suspended, asking the CA's OCSP responder or CRL (answers are
// cached until their nextUpdate). When no answer can be had, the CA being
// unreachable, the agency is let in and the failure logged: every package
// it submits is still verified, signer included.
func (a *App) VerifyAxisClient(ctx context.Context, cert *x509.Certificate) error {
	var issuer *x509.Certificate
	candidates := a.TrustAnchors()
	if a.PKI != nil {
		candidates = slices.Concat(a.PKI.Chain(), candidates)
	}
	for _, c := range candidates {
		if bytes.Equal(c.RawSubject, cert.RawIssuer) && cert.CheckSignatureFrom(c) == nil {
			issuer = c
			break
		}
	}
	if issuer == nil {
		return nil // TLS verified the chain; its issuer is not one we hold
	}
	a.Validator(i18n.Default) // loads the trust anchors and the revocation cache
	a.validationMu.Lock()
	opts := a.validation.opts
	a.validationMu.Unlock()
	checker := &revocation.Checker{Client: opts.Client, Cache: opts.Cache, Now: time.Now}
	st, err := checker.Check(ctx, path.RevocationRequest{Cert: cert, Issuer: issuer, Time: time.Now()})
	switch {
	case err == nil && st.State == path.StatusRevoked:
		return fmt.Errorf("the client certificate %s was revoked (reason %d) at %s", cert.SerialNumber.Text(16), st.ReasonCode, st.RevokedAt.Format(time.RFC3339))
	case err != nil || st.State != path.StatusGood:
		a.Log.Warn("axis: no revocation answer for a client certificate; letting it in", "serial", cert.SerialNumber.Text(16), "detail", st.Detail, "err", err)
	}
	return nil
}

// axisServerCert finds or issues the axis's TLS server certificate.
func (a *App) axisServerCert(ctx context.Context, hosts []string) (tls.Certificate, error) {
	root, err := rootAgency(ctx, a.Org, org.SystemActor("axis"))
	if err != nil {
		return tls.Certificate{}, err
	}
	cert, err := a.PKI.SigningCertificate(ctx, pki.ProfileService, "", root.ID)
	if err == nil {
		x, xerr := cert.X509()
		if xerr != nil || !coversHosts(x.DNSNames, x.IPAddresses, hosts) || time.Until(x.NotAfter) < 30*24*time.Hour {
			err = fmt.Errorf("the axis certificate does not cover %v", hosts)
		}
	}
	if err != nil {
		cert, err = a.PKI.Issue(ctx, org.SystemActor("axis"), pki.IssueRequest{Profile: pki.ProfileService, ServerKey: true, KeyAlgorithm: "ecdsa-p256",
			AgencyID: root.ID, Subject: pki.Subject{CommonName: hosts[0], Organization: root.Name, DNSNames: hosts}})
		if err != nil {
			return tls.Certificate{}, fmt.Errorf("issue the axis's TLS certificate: %w", err)
		}
		a.Log.Info("axis: issued the TLS certificate", "hosts", hosts, "serial", cert.Serial)
	}
	return a.tlsCertificate(ctx, cert)
}

func coversHosts(dns []string, ips []net.IP, hosts []string) bool {
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			if !slices.ContainsFunc(ips, ip.Equal) {
				return false
			}
		} else if !slices.Contains(dns, h) {
			return false
		}
	}
	return true
}

// purgeAxis deletes packages their receivers acknowledged more than a
// week ago: the axis is a relay, the agencies keep the documents.
func (a *App) purgeAxis(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := axis.PurgeAcked(ctx, a.DB, time.Now().Add(-7*24*time.Hour)); err != nil && ctx.Err() == nil {
			a.Log.Warn("axis: purge acknowledged packages", "err", err)
		} else if n > 0 {
			a.Log.Info("axis: purged acknowledged packages", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
