package pki

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/keys"
)

// SigningCertificate finds the newest active, unexpired certificate of a
// profile whose key kyso holds (remote signing): the user's personal one,
// or the agency's organization one.
func (s *Service) SigningCertificate(ctx context.Context, p Profile, userID, agencyID string) (*Certificate, error) {
	f := Filter{Profile: p, Status: StatusActive, UserID: userID, AgencyID: agencyID, Limit: 50}
	list, err := s.List(ctx, f)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	for _, c := range list {
		if c.ServerKey && c.NotAfter.After(now) && c.NotBefore.Before(now) {
			return c, nil
		}
	}
	return nil, apperr.New(apperr.Conflict, "pki.no_signing_certificate", string(p))
}

// SubscriberSigner opens the key kyso holds for c, and the chain to send
// with signatures.
func (s *Service) SubscriberSigner(ctx context.Context, c *Certificate) (*keys.Identity, error) {
	if c.keyURI == "" {
		return nil, apperr.New(apperr.Conflict, "pki.no_server_key", c.Serial)
	}
	uri := c.keyURI
	if rest, ok := strings.CutPrefix(uri, "file:"); ok && !filepath.IsAbs(rest) {
		uri = "file:" + filepath.Join(s.cfg.DataDir, rest)
	}
	signer, err := keys.Open(ctx, uri, append([]keys.Option{keys.WithPassphrase(s.cfg.Passphrase)}, s.cfg.KeyOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("pki: open the key of %s: %w", c.Serial, err)
	}
	x, err := c.X509()
	if err != nil {
		return nil, err
	}
	if s.IdentityByID(c.IssuerID) == nil {
		return nil, errNoCA
	}
	// The chain goes with every signature so that any validator can build
	// the path; the root is included because relying parties outside the
	// province may not have it yet.
	return keys.NewIdentity(signer, x, s.Chain())
}
