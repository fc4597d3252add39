package pki

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/store"
)

// CRLValidity is how long a CRL is valid; it is reissued well before, on
// every change and every CRLRefresh.
const (
	CRLValidity = 7 * 24 * time.Hour
	CRLRefresh  = 6 * time.Hour
)

// CRL is a published certificate revocation list.
type CRL struct {
	IssuerID   string
	Number     int64
	ThisUpdate time.Time
	NextUpdate time.Time
	DER        []byte
}

// GenerateCRL signs a fresh CRL for the CA issuerID, listing every revoked or
// suspended certificate that has not expired (RFC 5280 §3.3 lets expired ones
// drop off), and publishes it. The CRL number only grows (§5.2.3).
func (s *Service) GenerateCRL(ctx context.Context, issuerID string) (*CRL, error) {
	id := s.IdentityByID(issuerID)
	if id == nil {
		return nil, apperr.New(apperr.NotFound, "pki.ca_not_found")
	}
	signer, err := s.Signer(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now().UTC().Truncate(time.Second)
	crl := &CRL{IssuerID: issuerID, ThisUpdate: now, NextUpdate: now.Add(CRLValidity)}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Taking the number first locks the CA's row, so two nodes never
		// sign two different CRLs with one number.
		if err := tx.QueryRowContext(ctx, `UPDATE ca_identities SET crl_number = crl_number + 1 WHERE id = ? RETURNING crl_number`, issuerID).Scan(&crl.Number); err != nil {
			return fmt.Errorf("pki: crl number: %w", err)
		}
		entries, err := revokedEntries(ctx, tx, issuerID, now)
		if err != nil {
			return err
		}
		tmpl := &x509.RevocationList{
			Number: big.NewInt(crl.Number), ThisUpdate: crl.ThisUpdate, NextUpdate: crl.NextUpdate,
			RevokedCertificateEntries: entries,
		}
		crl.DER, err = x509.CreateRevocationList(rand.Reader, tmpl, id.Cert, signer)
		if err != nil {
			return fmt.Errorf("pki: sign crl: %w", err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO crls (issuer_id, number, this_update, next_update, der) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (issuer_id) DO UPDATE SET number = excluded.number, this_update = excluded.this_update, next_update = excluded.next_update, der = excluded.der`,
			issuerID, crl.Number, store.Micros(crl.ThisUpdate), store.Micros(crl.NextUpdate), crl.DER)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("pki: crl of %s: %w", id.Name, err)
	}
	return crl, nil
}

func revokedEntries(ctx context.Context, q store.Querier, issuerID string, now time.Time) ([]x509.RevocationListEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT serial, revoked_at, revocation_reason FROM certificates
		WHERE issuer_id = ? AND status <> ? AND not_after > ? ORDER BY serial`, issuerID, StatusActive, store.Micros(now))
	if err != nil {
		return nil, fmt.Errorf("pki: revoked list: %w", err)
	}
	defer rows.Close()
	var out []x509.RevocationListEntry
	for rows.Next() {
		var serial string
		var at int64
		var reason int
		if err := rows.Scan(&serial, &at, &reason); err != nil {
			return nil, err
		}
		n, _ := new(big.Int).SetString(serial, 16)
		out = append(out, x509.RevocationListEntry{SerialNumber: n, RevocationTime: store.FromMicros(at), ReasonCode: reason})
	}
	return out, rows.Err()
}

// LatestCRL returns the published CRL of a CA, generating one when none is
// published or the published one is past half its life.
func (s *Service) LatestCRL(ctx context.Context, issuerID string) (*CRL, error) {
	crl := &CRL{IssuerID: issuerID}
	var tu, nu int64
	err := s.db.QueryRowContext(ctx, `SELECT number, this_update, next_update, der FROM crls WHERE issuer_id = ?`, issuerID).Scan(&crl.Number, &tu, &nu, &crl.DER)
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return s.GenerateCRL(ctx, issuerID)
	}
	if err != nil {
		return nil, fmt.Errorf("pki: load crl: %w", err)
	}
	crl.ThisUpdate, crl.NextUpdate = store.FromMicros(tu), store.FromMicros(nu)
	if s.cfg.Now().After(crl.ThisUpdate.Add(CRLValidity / 2)) {
		return s.GenerateCRL(ctx, issuerID)
	}
	return crl, nil
}

// RefreshCRLs reissues every CA's CRL that is older than CRLRefresh; run it
// on a schedule.
func (s *Service) RefreshCRLs(ctx context.Context) error {
	s.mu.RLock()
	var ids []string
	for id, ident := range s.identities {
		if ident.Kind == KindRoot || ident.Kind == KindIssuing {
			ids = append(ids, id)
		}
	}
	s.mu.RUnlock()
	var errs []error
	for _, id := range ids {
		var tu int64
		err := s.db.QueryRowContext(ctx, `SELECT this_update FROM crls WHERE issuer_id = ?`, id).Scan(&tu)
		if err == nil && s.cfg.Now().Sub(store.FromMicros(tu)) < CRLRefresh {
			continue
		}
		if _, err := s.GenerateCRL(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
