package ra

import (
	"context"
	"strings"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
)

// certRoles may look at an agency's certificates; everyone else sees only
// their own.
var certRoles = []org.Role{org.RoleCertManager, org.RoleCertApprover, org.RoleAdmin, org.RoleInspector, org.RoleCAOperator}

// scope is the agency subtree whose certificates the actor may list, and
// whether the actor is limited to their own.
func scope(a *org.Actor) (path, agencyID string, own bool) {
	switch {
	case a.System:
		return "", "", false
	case a.HasAny(org.RoleCertApprover, org.RoleAdmin, org.RoleInspector, org.RoleCAOperator):
		return a.AgencyPath, "", false
	case a.Has(org.RoleCertManager):
		return a.AgencyPath, a.AgencyID, false
	}
	return a.AgencyPath, "", true
}

// Certificates lists the certificates the actor may see.
func (s *Service) Certificates(ctx context.Context, a *org.Actor, f pki.Filter) ([]*pki.Certificate, error) {
	path, agencyID, own := scope(a)
	f.AgencyPath = path
	if agencyID != "" {
		f.AgencyID = agencyID
	}
	if own {
		f.UserID = a.UserID
	}
	if a.System {
		f.AgencyPath = ""
	}
	return s.pki.List(ctx, f)
}

// Certificate returns one certificate if the actor may see it: by the same
// rule as Certificates, plus CA service certificates for CA operators and
// approvers.
func (s *Service) Certificate(ctx context.Context, a *org.Actor, serial string) (*pki.Certificate, error) {
	c, err := s.pki.Get(ctx, serial)
	if err != nil {
		return nil, err
	}
	if !s.canSee(ctx, a, c) {
		return nil, apperr.New(apperr.NotFound, "pki.cert_not_found", serial)
	}
	return c, nil
}

func (s *Service) canSee(ctx context.Context, a *org.Actor, c *pki.Certificate) bool {
	if a.System || (c.UserID != "" && c.UserID == a.UserID) {
		return true
	}
	if c.AgencyID == "" {
		return a.HasAny(org.RoleCAOperator, org.RoleCertApprover)
	}
	path, agencyID, own := scope(a)
	switch {
	case own:
		return false
	case agencyID != "":
		return c.AgencyID == agencyID
	}
	ag, err := s.org.GetAgency(ctx, a, c.AgencyID)
	return err == nil && strings.HasPrefix(ag.Path, path)
}

// Inventory counts the certificates of the agencies the actor oversees.
func (s *Service) Inventory(ctx context.Context, a *org.Actor) (*pki.Inventory, error) {
	if !a.HasAny(certRoles...) {
		return nil, apperr.New(apperr.Forbidden, "org.forbidden")
	}
	path, _, _ := scope(a)
	if a.System {
		path = ""
	}
	if !a.System && !a.HasAny(org.RoleCertApprover, org.RoleAdmin, org.RoleInspector, org.RoleCAOperator) {
		// A certificate manager counts their own agency only: its path
		// prefix would also take in the agencies below it.
		inv, err := s.pki.Inventory(ctx, path)
		if err != nil {
			return nil, err
		}
		keep := inv.Agencies[:0]
		for _, ac := range inv.Agencies {
			if ac.AgencyID == a.AgencyID {
				keep = append(keep, ac)
			}
		}
		inv.Agencies = keep
		inv.Total = pki.Counts{}
		if len(keep) == 1 {
			inv.Total = keep[0].Counts
		}
		recall := inv.Recall[:0]
		for _, c := range inv.Recall {
			if c.AgencyID == a.AgencyID {
				recall = append(recall, c)
			}
		}
		inv.Recall = recall
		return inv, nil
	}
	return s.pki.Inventory(ctx, path)
}
