package app

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/kyso-vn/kyso/internal/exchange/axis"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
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
	srv, err := axis.NewServer(axis.Config{DB: a.DB, Log: a.Log, SignerRoots: pool})
	if err != nil {
		return err
	}
	go a.purgeAxis(ctx)
	a.Log.Info("kyso axis is serving", "url", "https://"+ln.Addr().String(), "data", a.Config.DataDir, "trusted_cas", len(a.TrustAnchors()))
	return axis.Serve(ctx, ln, srv, axis.ServerTLSConfig(cert, pool), a.Log)
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
