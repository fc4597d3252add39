// Package mail sends e-mail over SMTP: it reads the server's address from
// a URL (KYSO_SMTP_URL), builds RFC 5322 messages in UTF-8, and delivers
// them with the standard library's net/smtp (STARTTLS whenever the server
// offers it, AUTH PLAIN when a user is given). It knows nothing of kyso's
// documents: internal/notify decides what to send and to whom.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"time"
)

// Client sends messages through one SMTP server, one connection per
// message: notifications are few, and a fresh connection never meets a
// server-side idle timeout.
type Client struct {
	cfg Config
	now func() time.Time
}

// New returns a client for cfg (from ParseURL).
func New(cfg Config) *Client {
	return &Client{cfg: cfg.withDefaults(), now: time.Now}
}

// Config returns the client's configuration, for logs (its String hides
// the password).
func (c *Client) Config() Config { return c.cfg }

// PermanentError is a refusal that sending again will not change: the
// server answered 5xx to the recipient or the message (RFC 5321 §4.2.1),
// or the message itself cannot be built.
type PermanentError struct {
	Err error
}

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Send delivers m. Errors say which step failed and never contain the
// password; a *PermanentError means retrying is pointless.
func (c *Client) Send(ctx context.Context, m Message) error {
	data, err := m.Bytes(c.cfg.From, c.now())
	if err != nil {
		return &PermanentError{Err: err}
	}
	return c.hide(c.send(ctx, m.To.Address, data))
}

func (c *Client) send(ctx context.Context, to string, data []byte) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	conn, err := c.dial(ctx)
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", c.cfg.address(), err)
	}
	// One deadline for the whole conversation, and the connection closed
	// when ctx ends, so neither a silent server nor shutdown hangs Send.
	dl, _ := ctx.Deadline()
	_ = conn.SetDeadline(dl)
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	sc, err := smtp.NewClient(conn, c.cfg.Host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %s greeting: %w", c.cfg.address(), err)
	}
	defer sc.Close()
	if err := sc.Hello(c.cfg.HELO); err != nil {
		return fmt.Errorf("mail: EHLO: %w", err)
	}
	secure := c.cfg.ImplicitTLS
	if !secure {
		if ok, _ := sc.Extension("STARTTLS"); ok {
			if err := sc.StartTLS(c.tlsConfig()); err != nil {
				return fmt.Errorf("mail: STARTTLS with %s: %w", c.cfg.Host, err)
			}
			secure = true
		}
	}
	if c.cfg.Username != "" {
		// The password crosses the network only encrypted; a relay on
		// this machine is the one exception (net/smtp's PlainAuth has
		// the same rule).
		if !secure && !isLoopback(c.cfg.Host) {
			return fmt.Errorf("mail: %s offers no STARTTLS, and the password is not sent in clear text: use smtps:// (port 465), a server with STARTTLS, or a relay without a password on this machine", c.cfg.address())
		}
		if ok, _ := sc.Extension("AUTH"); !ok {
			return fmt.Errorf("mail: %s does not offer AUTH: remove USER:PASSWORD from KYSO_SMTP_URL, or check the server's settings", c.cfg.address())
		}
		auth := smtp.PlainAuth("", c.cfg.Username, string(c.cfg.Password), c.cfg.Host)
		if err := sc.Auth(auth); err != nil {
			return fmt.Errorf("mail: AUTH PLAIN as %s: %w", c.cfg.Username, err)
		}
	}
	if err := sc.Mail(c.cfg.From.Address); err != nil {
		return permanentIf5xx(fmt.Errorf("mail: MAIL FROM:<%s>: %w", c.cfg.From.Address, err))
	}
	if err := sc.Rcpt(to); err != nil {
		return permanentIf5xx(fmt.Errorf("mail: RCPT TO:<%s>: %w", to, err))
	}
	w, err := sc.Data()
	if err != nil {
		return permanentIf5xx(fmt.Errorf("mail: DATA: %w", err))
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return permanentIf5xx(fmt.Errorf("mail: message refused: %w", err))
	}
	// The message is accepted once DATA's reply came; a failed QUIT
	// changes nothing.
	_ = sc.Quit()
	return nil
}

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if c.cfg.ImplicitTLS {
		td := &tls.Dialer{NetDialer: d, Config: c.tlsConfig()}
		return td.DialContext(ctx, "tcp", c.cfg.address())
	}
	return d.DialContext(ctx, "tcp", c.cfg.address())
}

func (c *Client) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: c.cfg.Host, RootCAs: c.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

// hide removes the password from an error's text, keeping a
// PermanentError permanent. The password is never put into an error on
// purpose; this is for servers that echo what they were sent.
func (c *Client) hide(err error) error {
	if err == nil || c.cfg.Password == "" {
		return err
	}
	msg := err.Error()
	clean := c.cfg.Password.hideIn(msg)
	if clean == msg {
		return err
	}
	var pe *PermanentError
	if errors.As(err, &pe) {
		return &PermanentError{Err: errors.New(clean)}
	}
	return errors.New(clean)
}

// permanentIf5xx marks a 5xx reply permanent (RFC 5321 §4.2.1); 4xx and
// network errors are worth retrying.
func permanentIf5xx(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return &PermanentError{Err: err}
	}
	return err
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
