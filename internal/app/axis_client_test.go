package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/pki"
)

// TestAxisRefusesRevokedClients: the axis asks the client certificate's CA
// (here kyso's own OCSP responder, over HTTP) and refuses a revoked one.
func TestAxisRefusesRevokedClients(t *testing.T) {
	s := startKyso(t)
	ctx := context.Background()
	a := s.app
	ag, err := a.Org.AgencyByCode(ctx, "000.00.31.H56")
	if err != nil {
		t.Fatal(err)
	}
	issue := func() *pki.Certificate {
		t.Helper()
		c, err := a.PKI.Issue(ctx, org.SystemActor("test"), pki.IssueRequest{Profile: pki.ProfileService, ServerKey: true, KeyAlgorithm: "ecdsa-p256",
			AgencyID: ag.ID, Subject: pki.Subject{CommonName: ag.Name, Organization: ag.Name, Unit: ag.Code, DNSNames: []string{"000-00-31-h56.exchange.kyso.invalid"}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good, bad := issue(), issue()
	// keyCompromise (1)
	if _, err := a.PKI.Revoke(ctx, org.SystemActor("test"), bad.Serial, pki.Reason(1)); err != nil {
		t.Fatal(err)
	}
	xgood, _ := good.X509()
	xbad, _ := bad.X509()
	if err := a.VerifyAxisClient(ctx, xgood); err != nil {
		t.Fatalf("a valid client refused: %v", err)
	}
	if err := a.VerifyAxisClient(ctx, xbad); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("a revoked client: %v", err)
	}
}
