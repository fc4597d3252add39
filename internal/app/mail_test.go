package app

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/blob"
	"github.com/kyso-vn/kyso/internal/demo"
	"github.com/kyso-vn/kyso/internal/docs"
	"github.com/kyso-vn/kyso/internal/notify/mail/smtptest"
	"github.com/kyso-vn/kyso/internal/org"
	"github.com/kyso-vn/kyso/internal/store"
	"github.com/kyso-vn/kyso/internal/store/storetest"
	"github.com/kyso-vn/kyso/internal/testpdf"
)

// TestSMTPURLChecksAtStart: a bad KYSO_SMTP_URL stops kyso with a message
// naming the variable and what to fix, without the password.
func TestSMTPURLChecksAtStart(t *testing.T) {
	for _, tt := range []struct{ url, want string }{
		{"smtp://kyso:hunter22@mail.example.gov.vn:587?from=kyso@example.gov.vn", ""},
		{"", ""},
		{"smtp://kyso:hunter22@mail.example.gov.vn:587", "add ?from=ADDRESS"},
		{"smtp://kyso:hunter22@mail.example.gov.vn:70000?from=kyso@example.gov.vn", "port must be a number"},
		{"imap://kyso:hunter22@mail.example.gov.vn?from=kyso@example.gov.vn", "scheme must be smtp or smtps"},
	} {
		t.Setenv("KYSO_SMTP_URL", tt.url)
		c := Config{DataDir: t.TempDir()}
		c.FromEnv()
		err := c.Validate()
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.url, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "KYSO_SMTP_URL") || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter22") {
			t.Errorf("%s: error %v, want one naming KYSO_SMTP_URL and %q", tt.url, err, tt.want)
		}
	}
}

// TestRunMailSendsNotifications: with KYSO_SMTP_URL set, the background
// mailer sends the documents domain's notifications; without it, it
// returns at once.
func TestRunMailSendsNotifications(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		off := New(Config{DataDir: t.TempDir()}, db, nil, log)
		returned := make(chan struct{})
		go func() { off.runMail(ctx); close(returned) }()
		select {
		case <-returned:
		case <-time.After(5 * time.Second):
			t.Fatal("runMail without SMTP did not return")
		}

		srv := smtptest.Start(t, smtptest.Options{})
		cfg := Config{DataDir: t.TempDir(), SMTPURL: "smtp://" + srv.Addr + "?from=kyso@example.gov.vn", PublicURL: "https://kyso.example.gov.vn", DevFastPasswords: true}
		blobs, err := blob.NewFS(filepath.Join(cfg.DataDir, "blobs"))
		if err != nil {
			t.Fatal(err)
		}
		a := New(cfg, db, blobs, log)
		if _, err := demo.Populate(ctx, a.Org, org.SystemActor("test")); err != nil {
			t.Fatal(err)
		}
		// The documents service as InitDocs builds it, minus the CA.
		a.Docs = docs.New(docs.Options{DB: db, Blobs: blobs, Org: a.Org, Log: log})
		actor := func(name string) *org.Actor {
			u, _, err := a.Org.UserByUsername(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			return u.Actor("127.0.0.1")
		}
		drafter, reviewer, leader := actor("chuyenvien.stttt"), actor("chungthu.stttt"), actor("giamdoc.stttt")
		if _, err := db.ExecContext(ctx, `UPDATE users SET email = 'chungthu@example.gov.vn' WHERE id = ?`, reviewer.UserID); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { a.runMail(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		// Notifications count from the mailer's start: wait for it.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if _, err := store.Meta(ctx, db, "notify.mail_since"); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the mailer did not start")
			}
		}

		pdf, err := os.ReadFile(testpdf.Ghostscript(t, t.TempDir(), "TO TRINH"))
		if err != nil {
			t.Fatal(err)
		}
		d, err := a.Docs.CreateDraft(ctx, drafter, docs.DraftInput{TypeCode: "quyet_dinh", Subject: "Quyết định thử nghiệm thư điện tử",
			SignerID: leader.UserID, FileName: "du-thao.pdf", File: pdf})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Docs.Submit(ctx, drafter, d.ID, []string{reviewer.UserID}); err != nil {
			t.Fatal(err)
		}
		got := srv.WaitMessages(t, 1, 15*time.Second)
		if body := got[0].Body(t); !strings.Contains(body, "https://kyso.example.gov.vn/documents/"+d.ID) {
			t.Fatalf("body:\n%s", body)
		}
	})
}
