package app

import (
	"context"
	"fmt"
	"math/big"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/ocsp"
	"github.com/kyso-vn/kyso/internal/pki"
)

// ocspSource answers the responder from the certificate database for one
// issuing CA.
type ocspSource struct {
	pki      *pki.Service
	issuerID string
}

// Lookup maps kyso's certificate states to RFC 6960 statuses: a suspended
// certificate is revoked with reason certificateHold (RFC 5280 §5.3.1).
func (s ocspSource) Lookup(ctx context.Context, serial *big.Int) (ocsp.Entry, error) {
	c, err := s.pki.StatusOf(ctx, serial)
	if apperr.Is(err, apperr.NotFound) {
		return ocsp.Entry{Status: ocsp.Unknown}, nil
	}
	if err != nil {
		return ocsp.Entry{}, err
	}
	if c.IssuerID != s.issuerID {
		return ocsp.Entry{Status: ocsp.Unknown}, nil
	}
	e := ocsp.Entry{Status: ocsp.Good, NotAfter: c.NotAfter}
	if c.Status != pki.StatusActive {
		e.Status, e.RevokedAt, e.Reason = ocsp.Revoked, c.RevokedAt, int(c.RevocationReason)
	}
	return e, nil
}

// newResponder builds the OCSP responder for the issuing CA, signing with
// the delegated responder key, and hooks it to status changes.
func (a *App) newResponder(ctx context.Context) error {
	issuing, responder := a.PKI.Identity(pki.KindIssuing), a.PKI.Identity(pki.KindOCSP)
	if issuing == nil || responder == nil {
		return nil
	}
	signer, err := a.PKI.Signer(ctx, responder)
	if err != nil {
		return err
	}
	r, err := ocsp.NewResponder([]ocsp.Issuer{{
		Cert: issuing.Cert, ResponderCert: responder.Cert, Signer: signer,
		Source: ocspSource{pki: a.PKI, issuerID: issuing.ID},
	}}, ocsp.WithLogger(a.Log))
	if err != nil {
		return fmt.Errorf("ocsp responder: %w", err)
	}
	a.OCSP = r
	a.PKI.OnStatusChange = func(ctx context.Context, serial *big.Int) {
		if err := r.Invalidate(ctx, serial); err != nil {
			a.Log.Warn("ocsp: re-sign after a status change", "serial", serial.Text(16), "err", err)
		}
	}
	return nil
}
