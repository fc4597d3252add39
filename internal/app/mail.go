package app

import (
	"context"
	"os"

	"github.com/kyso-vn/kyso/internal/notify"
	"github.com/kyso-vn/kyso/internal/notify/mail"
)

// E-mail notifications: when KYSO_SMTP_URL is set
// (smtp://USER:PASSWORD@HOST:587?from=kyso@example.gov.vn, or smtps://…),
// every notification the documents domain writes is also mailed to its
// user, if the user has an address. Without it kyso notifies in the app
// only.

// smtpFromEnv reads KYSO_SMTP_URL.
func (c *Config) smtpFromEnv() {
	if v := os.Getenv("KYSO_SMTP_URL"); v != "" {
		c.SMTPURL = v
	}
}

// validateSMTP checks KYSO_SMTP_URL at start, so that a typo stops kyso
// with a message saying what to fix rather than failing every mail later.
// The message never repeats the URL: it may hold the password.
func (c *Config) validateSMTP() error {
	if c.SMTPURL == "" {
		return nil
	}
	_, err := mail.ParseURL(c.SMTPURL)
	return err
}

// runMail sends notifications by e-mail until ctx ends; it returns at once
// when SMTP is not configured. Every node runs it: claims are leased, so
// two nodes do not send the same notification.
func (a *App) runMail(ctx context.Context) {
	if a.Config.SMTPURL == "" {
		return
	}
	cfg, err := mail.ParseURL(a.Config.SMTPURL)
	if err != nil {
		a.Log.Error("e-mail notifications disabled", "err", err)
		return
	}
	m, err := notify.NewMailer(notify.Config{DB: a.DB, Sender: mail.New(cfg), PublicURL: a.Config.PublicURL, Log: a.Log})
	if err != nil {
		a.Log.Error("e-mail notifications disabled", "err", err)
		return
	}
	if a.Docs != nil {
		a.Docs.OnNotify(m.Nudge)
	}
	a.Log.Info("e-mail notifications on", "smtp", cfg.String())
	m.Run(ctx)
}
