package auth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/apperr"
	"github.com/kyso-vn/kyso/internal/audit"
	"github.com/kyso-vn/kyso/internal/auth"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/password"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

const pw = "mật khẩu đủ dài"

func setup(t *testing.T, db *store.DB, opts ...auth.Option) (*auth.Service, *org.Service, *org.User, *clock) {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)}
	orgs := org.New(db, org.WithPasswordParams(password.Fast), org.WithClock(c.now))
	sys := org.SystemActor("test")
	ag, err := orgs.CreateAgency(ctx, sys, org.AgencyInput{Code: "000.00.31.H56", Name: "Sở Thông tin và Truyền thông", ShortName: "STTTT", Kind: org.KindDepartment})
	if err != nil {
		t.Fatal(err)
	}
	u, err := orgs.CreateUser(ctx, sys, org.UserInput{AgencyID: ag.ID, Username: "vanthu", FullName: "Lê Thị Văn Thư", Password: pw, Roles: []org.Role{org.RoleClerk}})
	if err != nil {
		t.Fatal(err)
	}
	return auth.New(db, orgs, append([]auth.Option{auth.WithClock(c.now)}, opts...)...), orgs, u, c
}

func TestLoginAndSession(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, u, c := setup(t, db)
		token, sess, got, err := a.Login(ctx, "VanThu ", pw, "192.0.2.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID || sess.CSRFToken == "" || len(token) < 40 {
			t.Fatalf("login gave %+v %+v", got, sess)
		}
		// The database keeps only the token's hash.
		var n int
		_ = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, token).Scan(&n)
		if n != 0 {
			t.Fatal("the raw session token is stored")
		}
		if u2, _, err := a.Authenticate(ctx, token); err != nil || u2.ID != u.ID {
			t.Fatalf("Authenticate: %v", err)
		}
		if _, _, err := a.Authenticate(ctx, token+"x"); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("forged token: %v", err)
		}
		// Idle for longer than the idle lifetime: the session ends.
		c.add(3 * time.Hour)
		if _, _, err := a.Authenticate(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("idle session: %v, want ErrNoSession", err)
		}
		token, _, _, _ = a.Login(ctx, "vanthu", pw, "192.0.2.1", "test")
		if err := a.Logout(ctx, token, u.Actor("192.0.2.1")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("after logout: %v", err)
		}
		evs, _ := audit.List(ctx, db, audit.Filter{ActorID: u.ID})
		if len(evs) < 3 || evs[0].Action != "auth.logout" {
			t.Fatalf("audit trail %+v", evs)
		}
	})
}

func TestLoginFailuresLockTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _, c := setup(t, db)
		for i := 0; i < 5; i++ {
			_, _, _, err := a.Login(ctx, "vanthu", "sai mật khẩu", "192.0.2.1", "")
			if !apperr.Is(err, apperr.Unauthenticated) {
				t.Fatalf("attempt %d: %v", i, err)
			}
			c.add(10 * time.Second)
		}
		// Locked: even the right password is refused, with a time to wait.
		_, _, _, err := a.Login(ctx, "vanthu", pw, "192.0.2.1", "")
		if e, ok := apperr.As(err); !ok || e.Key != "auth.locked" {
			t.Fatalf("locked account: %v", err)
		}
		c.add(2 * time.Minute)
		if _, _, _, err := a.Login(ctx, "vanthu", pw, "192.0.2.1", ""); err != nil {
			t.Fatalf("after the lock expired: %v", err)
		}
		evs, _ := audit.List(ctx, db, audit.Filter{Action: "auth.login_failed"})
		if len(evs) != 6 {
			t.Errorf("%d failed-login events, want 6", len(evs))
		}
		for _, ev := range evs {
			for k, v := range ev.Details {
				if v == "sai mật khẩu" || v == pw {
					t.Errorf("a password is in the audit log under %s", k)
				}
			}
		}
	})
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, _, _ := setup(t, db, auth.WithLoginRate(3, time.Minute))
		for i := 0; i < 3; i++ {
			if _, _, _, err := a.Login(ctx, "nobody", "x", "198.51.100.9", ""); !apperr.Is(err, apperr.Unauthenticated) {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if _, _, _, err := a.Login(ctx, "vanthu", pw, "198.51.100.9", ""); !apperr.Is(err, apperr.TooMany) {
			t.Fatalf("fourth attempt: %v, want rate limited", err)
		}
		if _, _, _, err := a.Login(ctx, "vanthu", pw, "198.51.100.10", ""); err != nil {
			t.Fatalf("another address: %v", err)
		}
	})
}

func TestInactiveUserCannotLogIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, orgs, u, _ := setup(t, db)
		token, _, _, err := a.Login(ctx, "vanthu", pw, "192.0.2.1", "")
		if err != nil {
			t.Fatal(err)
		}
		off := false
		if _, err := orgs.UpdateUser(ctx, org.SystemActor("test"), u.ID, org.UserInput{FullName: u.FullName, Roles: u.Roles, Active: &off}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := a.Authenticate(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("session of a deactivated user: %v", err)
		}
		if _, _, _, err := a.Login(ctx, "vanthu", pw, "192.0.2.1", ""); !apperr.Is(err, apperr.Unauthenticated) {
			t.Fatalf("login of a deactivated user: %v", err)
		}
	})
}

func TestAPITokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, _, u, c := setup(t, db)
		actor := u.Actor("")
		secret, tok, err := a.CreateAPIToken(ctx, actor, "Phần mềm kế toán", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := a.AuthenticateToken(ctx, secret); err != nil || got.ID != u.ID {
			t.Fatalf("AuthenticateToken: %v", err)
		}
		for _, bad := range []string{"", "kyso_wrong", secret[:len(secret)-1]} {
			if _, err := a.AuthenticateToken(ctx, bad); !apperr.Is(err, apperr.Unauthenticated) {
				t.Errorf("token %q: %v", bad, err)
			}
		}
		list, _ := a.ListAPITokens(ctx, actor)
		if len(list) != 1 || list[0].Name != "Phần mềm kế toán" {
			t.Fatalf("list %+v", list)
		}
		c.add(25 * time.Hour)
		if _, err := a.AuthenticateToken(ctx, secret); !apperr.Is(err, apperr.Unauthenticated) {
			t.Errorf("expired token: %v", err)
		}
		if err := a.RevokeAPIToken(ctx, actor, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := a.RevokeAPIToken(ctx, actor, tok.ID); !apperr.Is(err, apperr.NotFound) {
			t.Errorf("second revoke: %v", err)
		}
	})
}
