package app

import (
	"context"
	"math/big"
	"time"

	"github.com/kyso-vn/kyso/internal/pki"
)

// RunBackground does the installation's periodic upkeep until ctx ends:
// purging expired sessions, reissuing CRLs before they age, and keeping the
// OCSP responder's pre-signed answers fresh, all off the request path.
func (a *App) RunBackground(ctx context.Context) {
	if a.OCSP != nil {
		go a.OCSP.Run(ctx)
		go a.primeOCSP(ctx)
	}
	t := time.NewTicker(15 * time.Minute)
	defer t.Stop()
	for {
		if err := a.Auth.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("purge expired sessions", "err", err)
		}
		if a.PKI != nil {
			if err := a.PKI.RefreshCRLs(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("reissue CRLs", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// primeOCSP signs answers for the active and revoked certificates at start,
// so that the first queries after a restart are served from the cache too.
func (a *App) primeOCSP(ctx context.Context) {
	certs, err := a.PKI.List(ctx, pki.Filter{Limit: 10000})
	if err != nil {
		a.Log.Warn("ocsp: prime", "err", err)
		return
	}
	serials := make([]*big.Int, 0, len(certs))
	for _, c := range certs {
		n, err := pki.ParseSerial(c.Serial)
		if err == nil {
			serials = append(serials, n)
		}
	}
	if err := a.OCSP.Prime(ctx, serials); err != nil && ctx.Err() == nil {
		a.Log.Warn("ocsp: prime", "err", err)
	}
}
