package pki

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/store"
)

// Status is a certificate's state.
type Status string

// Certificate states. A suspended certificate is on the CRL with reason
// certificateHold and can be resumed; a revoked one cannot.
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
	StatusRevoked   Status = "revoked"
)

// Certificate is an issued certificate and its state.
type Certificate struct {
	Serial           string    `json:"serial"`
	IssuerID         string    `json:"issuer_id"`
	Profile          Profile   `json:"profile"`
	Subject          string    `json:"subject"`
	CommonName       string    `json:"common_name"`
	AgencyID         string    `json:"agency_id,omitempty"`
	UserID           string    `json:"user_id,omitempty"`
	NotBefore        time.Time `json:"not_before"`
	NotAfter         time.Time `json:"not_after"`
	Status           Status    `json:"status"`
	RevokedAt        time.Time `json:"revoked_at,omitzero"`
	RevocationReason Reason    `json:"revocation_reason,omitempty"`
	ServerKey        bool      `json:"server_key"` // kyso holds the key (remote signing)
	RequestID        string    `json:"request_id,omitempty"`
	SHA256           string    `json:"sha256"`
	DER              []byte    `json:"-"`
	CreatedAt        time.Time `json:"created_at"`
	keyURI           string
}

// X509 parses the certificate.
func (c *Certificate) X509() (*x509.Certificate, error) { return x509.ParseCertificate(c.DER) }

const certColumns = `serial, issuer_id, profile, subject, common_name, COALESCE(agency_id, ''), COALESCE(user_id, ''), not_before, not_after,
	status, revoked_at, revocation_reason, key_uri, request_id, sha256, der, created_at`

func scanCert(row interface{ Scan(...any) error }) (*Certificate, error) {
	var c Certificate
	var nb, na, ra, ca int64
	if err := row.Scan(&c.Serial, &c.IssuerID, &c.Profile, &c.Subject, &c.CommonName, &c.AgencyID, &c.UserID, &nb, &na,
		&c.Status, &ra, &c.RevocationReason, &c.keyURI, &c.RequestID, &c.SHA256, &c.DER, &ca); err != nil {
		return nil, err
	}
	c.NotBefore, c.NotAfter, c.RevokedAt, c.CreatedAt = store.FromMicros(nb), store.FromMicros(na), store.FromMicros(ra), store.FromMicros(ca)
	c.ServerKey = c.keyURI != ""
	return &c, nil
}

func getCert(ctx context.Context, q store.Querier, serial string) (*Certificate, error) {
	c, err := scanCert(q.QueryRowContext(ctx, `SELECT `+certColumns+` FROM certificates WHERE serial = ?`, serial))
	if errors.Is(store.NotFound(err), store.ErrNotFound) {
		return nil, apperr.New(apperr.NotFound, "pki.cert_not_found", serial)
	}
	if err != nil {
		return nil, fmt.Errorf("pki: load certificate %s: %w", serial, err)
	}
	return c, nil
}

// Get returns a certificate by serial (hex). Callers check who may see it.
func (s *Service) Get(ctx context.Context, serial string) (*Certificate, error) {
	n, err := ParseSerial(serial)
	if err != nil {
		return nil, err
	}
	return getCert(ctx, s.db, SerialHex(n))
}

// Filter selects certificates for List.
type Filter struct {
	AgencyPath string // the subtree of agencies; "" for all
	AgencyID   string
	UserID     string
	Profile    Profile
	Status     Status
	// ExpiringWithin selects active certificates whose notAfter is within
	// this duration from now.
	ExpiringWithin time.Duration
	Limit          int
}

// List returns certificates newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]*Certificate, error) {
	q := `SELECT ` + certColumns + ` FROM certificates c WHERE 1 = 1`
	var args []any
	if f.AgencyPath != "" {
		q += ` AND agency_id IN (SELECT id FROM agencies WHERE path LIKE ?)`
		args = append(args, f.AgencyPath+"%")
	}
	for _, c := range []struct{ col, v string }{{"agency_id", f.AgencyID}, {"user_id", f.UserID}, {"profile", string(f.Profile)}, {"status", string(f.Status)}} {
		if c.v != "" {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, c.v)
		}
	}
	if f.ExpiringWithin > 0 {
		now := s.cfg.Now()
		q += ` AND status = ? AND not_after > ? AND not_after <= ?`
		args = append(args, StatusActive, store.Micros(now), store.Micros(now.Add(f.ExpiringWithin)))
	}
	if f.Limit <= 0 || f.Limit > 10000 {
		f.Limit = 1000
	}
	q += ` ORDER BY created_at DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("pki: list certificates: %w", err)
	}
	defer rows.Close()
	var out []*Certificate
	for rows.Next() {
		c, err := scanCert(rows)
		if err != nil {
			return nil, fmt.Errorf("pki: list certificates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
