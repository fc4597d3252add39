package ra_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"testing"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/pki"
	"github.com/kyso-vn/kyso/internal/ra"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

type world struct {
	ra    *ra.Service
	pki   *pki.Service
	users map[string]*org.User
}

func (w *world) as(username string) *org.Actor { return w.users[username].Actor("192.0.2.1") }

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	orgs := org.New(db, org.WithPasswordParams(password.Fast))
	created, err := demo.Populate(ctx, orgs, org.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := pki.Bootstrap(ctx, db, pki.Config{DataDir: t.TempDir(), PublicURL: "http://127.0.0.1:8080", Passphrase: []byte("cụm mật khẩu đủ dài")}, pki.HierarchyOptions{Organization: "UBND tỉnh Quảng Ngãi"})
	if err != nil {
		t.Fatal(err)
	}
	w := &world{ra: ra.New(db, orgs, p), pki: p, users: map[string]*org.User{}}
	for _, u := range created {
		w.users[u.User.Username] = u.User
	}
	return w
}

func csr(t *testing.T) string {
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "token"}}, key)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestRequestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		stttt := w.users["chungthu.stttt"].AgencyID
		// The manager files a personal certificate for the department's director.
		r, err := w.ra.File(ctx, w.as("chungthu.stttt"), ra.Input{Kind: ra.KindNew, AgencyID: stttt, Profile: pki.ProfilePersonal,
			SubjectUserID: w.users["giamdoc.stttt"].ID, CSR: csr(t), IdentityNumber: "051190001234"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Subject.CommonName != "Nguyễn Văn Đức" || r.Subject.Title != "Giám đốc" || r.Subject.Organization != "Sở Thông tin và Truyền thông" {
			t.Fatalf("subject from the directory: %+v", r.Subject)
		}
		// Others may not decide it.
		for _, u := range []string{"chungthu.stttt", "admin", "vanthu.stttt"} {
			if _, err := w.ra.Approve(ctx, w.as(u), r.ID, ""); !apperr.Is(err, apperr.Forbidden) && !apperr.Is(err, apperr.NotFound) {
				t.Errorf("%s approved: %v", u, err)
			}
		}
		// Another agency's manager does not even see it.
		if _, err := w.ra.Get(ctx, w.as("vanthu.snv"), r.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("manager of another agency reads the request: %v", err)
		}
		done, err := w.ra.Approve(ctx, w.as("pheduyet"), r.ID, "Đồng ý")
		if err != nil {
			t.Fatal(err)
		}
		if done.State != ra.StateDone || done.ResultSerial == "" {
			t.Fatalf("approved request %+v", done)
		}
		c, err := w.pki.Get(ctx, done.ResultSerial)
		if err != nil || c.UserID != w.users["giamdoc.stttt"].ID || c.AgencyID != stttt || c.RequestID != r.ID {
			t.Fatalf("issued certificate %+v, %v", c, err)
		}
		if _, err := w.ra.Approve(ctx, w.as("pheduyet"), r.ID, ""); !apperr.Is(err, apperr.Conflict) {
			t.Errorf("approving twice: %v", err)
		}

		// Suspend, resume, renew (supersedes the old), revoke — each through a request.
		serial := c.Serial
		for _, step := range []struct {
			in   ra.Input
			want pki.Status
		}{
			{ra.Input{Kind: ra.KindSuspend}, pki.StatusSuspended},
			{ra.Input{Kind: ra.KindResume}, pki.StatusActive},
			{ra.Input{Kind: ra.KindRenew, ServerKey: true}, pki.StatusRevoked},
		} {
			step.in.AgencyID, step.in.TargetSerial = stttt, serial
			r, err := w.ra.File(ctx, w.as("chungthu.stttt"), step.in)
			if err != nil {
				t.Fatalf("%s: %v", step.in.Kind, err)
			}
			done, err := w.ra.Approve(ctx, w.as("pheduyet"), r.ID, "")
			if err != nil {
				t.Fatalf("%s: %v", step.in.Kind, err)
			}
			if c, _ := w.pki.Get(ctx, serial); c.Status != step.want {
				t.Fatalf("after %s: %s, want %s", step.in.Kind, c.Status, step.want)
			}
			if step.in.Kind == ra.KindRenew {
				renewed, _ := w.pki.Get(ctx, done.ResultSerial)
				if renewed.Status != pki.StatusActive || !renewed.ServerKey || renewed.CommonName != "Nguyễn Văn Đức" {
					t.Fatalf("renewed certificate %+v", renewed)
				}
				serial = renewed.Serial
			}
		}
		r, _ = w.ra.File(ctx, w.as("chungthu.stttt"), ra.Input{Kind: ra.KindRevoke, AgencyID: stttt, TargetSerial: serial, Reason: "affiliationChanged"})
		if _, err := w.ra.Reject(ctx, w.as("pheduyet"), r.ID, ""); !apperr.Is(err, apperr.Invalid) {
			t.Errorf("reject without a reason: %v", err)
		}
		if _, err := w.ra.Reject(ctx, w.as("pheduyet"), r.ID, "Chưa có quyết định nghỉ việc"); err != nil {
			t.Fatal(err)
		}
		if c, _ := w.pki.Get(ctx, serial); c.Status != pki.StatusActive {
			t.Fatalf("a rejected revoke changed the certificate: %s", c.Status)
		}
		evs, _ := audit.List(ctx, db, audit.Filter{ObjectType: "cert_request"})
		if len(evs) < 9 {
			t.Errorf("%d request events in the audit log, want at least 9", len(evs))
		}
	})
}

func TestFilingRules(t *testing.T) {
	w := newWorld(t, storetest.Open(t, store.SQLite))
	ctx := context.Background()
	stttt, snv := w.users["chungthu.stttt"].AgencyID, w.users["vanthu.snv"].AgencyID
	tests := []struct {
		name string
		as   string
		in   ra.Input
		kind apperr.Kind
		key  string
	}{
		{"a specialist cannot file", "chuyenvien.stttt", ra.Input{Kind: ra.KindNew, AgencyID: stttt, Profile: pki.ProfileOrganization, ServerKey: true}, apperr.Forbidden, "ra.not_manager"},
		{"a manager cannot file for another agency", "chungthu.stttt", ra.Input{Kind: ra.KindNew, AgencyID: snv, Profile: pki.ProfileOrganization, ServerKey: true}, apperr.Invalid, "org.agency.not_found"},
		{"a holder from another agency", "chungthu.stttt", ra.Input{Kind: ra.KindNew, AgencyID: stttt, Profile: pki.ProfilePersonal, SubjectUserID: w.users["vanthu.snv"].ID, ServerKey: true}, apperr.Invalid, "ra.holder_not_in_agency"},
		{"CSR and server key together", "chungthu.stttt", ra.Input{Kind: ra.KindNew, AgencyID: stttt, Profile: pki.ProfileOrganization, ServerKey: true, CSR: csr(t)}, apperr.Invalid, "pki.csr_or_server_key"},
		{"a garbage CSR", "chungthu.stttt", ra.Input{Kind: ra.KindNew, AgencyID: stttt, Profile: pki.ProfileOrganization, CSR: "garbage"}, apperr.Invalid, "pki.csr_invalid"},
		{"an OCSP profile", "chungthu.stttt", ra.Input{Kind: ra.KindNew, AgencyID: stttt, Profile: pki.ProfileOCSP, ServerKey: true}, apperr.Invalid, "ra.profile_not_requestable"},
		{"an unknown kind", "chungthu.stttt", ra.Input{Kind: "upgrade", AgencyID: stttt}, apperr.Invalid, "ra.kind_unknown"},
		{"revoke without a target", "chungthu.stttt", ra.Input{Kind: ra.KindRevoke, AgencyID: stttt, Reason: "superseded"}, apperr.Invalid, "ra.target_required"},
		{"revoke an unknown serial", "chungthu.stttt", ra.Input{Kind: ra.KindRevoke, AgencyID: stttt, TargetSerial: "abcdef", Reason: "superseded"}, apperr.NotFound, "pki.cert_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.ra.File(ctx, w.as(tt.as), tt.in)
			e, ok := apperr.As(err)
			if !ok || e.Kind != tt.kind || e.Key != tt.key {
				t.Fatalf("err = %v, want %v %s", err, tt.kind, tt.key)
			}
		})
	}
	list, err := w.ra.List(ctx, w.as("pheduyet"), "")
	if err != nil || len(list) != 0 {
		t.Fatalf("refused requests were recorded: %d, %v", len(list), err)
	}
	// A manager's own request cannot be approved by the manager, even one
	// who is also an approver.
	both := w.users["vanthu.snv"].Actor("")
	both.Roles = append(both.Roles, org.RoleCertApprover)
	r, err := w.ra.File(ctx, both, ra.Input{Kind: ra.KindNew, AgencyID: snv, Profile: pki.ProfileOrganization, ServerKey: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ra.Approve(ctx, both, r.ID, ""); !apperr.Is(err, apperr.Forbidden) {
		t.Fatalf("self-approval: %v", err)
	}
}
