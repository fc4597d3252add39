package app

import (
	"path/filepath"

	"context"
	"github.com/kyso-vn/kyso/internal/pades"
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
		go a.followStatusChanges(ctx, time.Second)
	}
	go a.runMail(ctx)
	t := time.NewTicker(15 * time.Minute)
	defer t.Stop()
	for {
		if err := a.Auth.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("purge expired sessions", "err", err)
		}
		if err := a.PendingSignatures().Purge(); err != nil && ctx.Err() == nil {
			a.Log.Warn("purge pending signatures", "err", err)
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

// followStatusChanges re-signs the OCSP answers of certificates whose status
// another process changed: the CLI on the server, or another node. Each
// poll looks a few seconds back, since other processes' commits can land
// slightly out of order; a change already handled is skipped.
func (a *App) followStatusChanges(ctx context.Context, every time.Duration) {
	const overlap = 5 * time.Second
	since := time.Now().Add(-overlap)
	handled := map[string]time.Time{} // serial@time → when it happened
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		changes, err := a.PKI.StatusChanges(ctx, since)
		if err != nil {
			if ctx.Err() == nil {
				a.Log.Warn("ocsp: poll status changes", "err", err)
			}
			continue
		}
		newest := since
		for _, c := range changes {
			key := c.Serial.Text(16) + "@" + c.At.String()
			if c.At.After(newest) {
				newest = c.At
			}
			if _, done := handled[key]; done {
				continue
			}
			handled[key] = c.At
			if err := a.OCSP.Invalidate(ctx, c.Serial); err != nil {
				a.Log.Warn("ocsp: re-sign after a status change", "serial", c.Serial.Text(16), "err", err)
			}
		}
		if cutoff := newest.Add(-overlap); cutoff.After(since) {
			since = cutoff
		}
		for k, at := range handled {
			if at.Before(since) {
				delete(handled, k)
			}
		}
	}
}

// PendingSignatures is where two-phase signatures wait between the prepare
// and complete requests; it is in the data directory, which nodes share.
func (a *App) PendingSignatures() *pades.PendingStore {
	return &pades.PendingStore{Dir: filepath.Join(a.Config.DataDir, "pending-signatures")}
}
