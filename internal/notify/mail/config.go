package mail

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// URLForm is what KYSO_SMTP_URL looks like; errors quote it so that the
// person reading one knows what to write.
const URLForm = "smtp://USER:PASSWORD@HOST:587?from=kyso@example.gov.vn (or smtps://…:465 for TLS from the first byte)"

// Config says where and how to send mail. It comes from ParseURL.
type Config struct {
	// Host and Port are the SMTP server's address.
	Host, Port string
	// ImplicitTLS speaks TLS from the first byte (smtps://, RFC 8314);
	// otherwise the connection starts in plain text and is upgraded with
	// STARTTLS whenever the server offers it.
	ImplicitTLS bool
	// Username and Password are for AUTH PLAIN; empty: no AUTH.
	Username string
	Password Secret
	// From is the sender, in the envelope and the From header.
	From netmail.Address
	// HELO is the name this client gives in EHLO (default "localhost").
	HELO string
	// RootCAs verifies the server's certificate; nil: the system's roots.
	RootCAs *x509.CertPool
	// Timeout bounds one message's whole SMTP conversation (default 1 min).
	Timeout time.Duration
}

// Secret is a password that does not print: fmt, slog and JSON show
// "xxxxx", so a Config logged by mistake leaks nothing.
type Secret string

// redacted is what a Secret prints as.
const redacted = "xxxxx"

// String hides the secret.
func (s Secret) String() string { return redacted }

// GoString hides the secret from %#v.
func (s Secret) GoString() string { return `"` + redacted + `"` }

// Format hides the secret whatever the verb (%s, %q, %x, %v).
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue hides the secret from log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText hides the secret from encoding/json and friends.
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// hideIn replaces the secret in text; the SMTP server's replies are
// quoted in errors, and a server might echo what it was sent.
func (s Secret) hideIn(text string) string {
	if s == "" {
		return text
	}
	return strings.ReplaceAll(text, string(s), redacted)
}

func (c Config) address() string { return net.JoinHostPort(c.Host, c.Port) }

func (c Config) scheme() string {
	if c.ImplicitTLS {
		return "smtps"
	}
	return "smtp"
}

func (c Config) withDefaults() Config {
	if c.HELO == "" {
		c.HELO = "localhost"
	}
	if c.Timeout <= 0 {
		c.Timeout = time.Minute
	}
	return c
}

func badURL(format string, args ...any) error {
	return fmt.Errorf("KYSO_SMTP_URL: "+format+"; it must look like "+URLForm, args...)
}

func hasLineBreak(s string) bool { return strings.ContainsAny(s, "\r\n") }

func isHostName(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7e }) < 0
}

// String is the configuration as a URL with the password hidden, for logs.
func (c Config) String() string {
	u := url.URL{Scheme: c.scheme(), Host: c.address()}
	if c.Username != "" {
		u.User = url.User(c.Username)
		if c.Password != "" {
			u.User = url.UserPassword(c.Username, redacted)
		}
	}
	q := url.Values{"from": {c.From.Address}}
	if c.HELO != "" && c.HELO != "localhost" {
		q.Set("helo", c.HELO)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// ParseURL reads KYSO_SMTP_URL: smtp://[USER[:PASSWORD]@]HOST[:PORT]?from=ADDRESS[&helo=NAME],
// or smtps:// for implicit TLS. The port defaults to 587 (submission,
// RFC 6409) for smtp:// and 465 for smtps://. USER and PASSWORD are
// percent-encoded like any URL's. Errors say what to fix and never repeat
// the URL, which may carry the password.
func ParseURL(raw string) (Config, error) {
	var c Config
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		// url.Parse's error quotes the whole URL, password included.
		return c, badURL("it could not be parsed (check the port and that special characters in the password are percent-encoded)")
	}
	switch u.Scheme {
	case "smtp":
		c.Port = "587"
	case "smtps":
		c.Port, c.ImplicitTLS = "465", true
	default:
		return c, badURL("the scheme must be smtp or smtps")
	}
	if u.Opaque != "" || u.Host == "" {
		return c, badURL("it names no host")
	}
	if u.Path != "" && u.Path != "/" {
		return c, badURL("it must have no path after the host")
	}
	if u.Fragment != "" {
		return c, badURL("it must have no #fragment")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return c, badURL("it names no host")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return c, badURL("the port must be a number from 1 to 65535")
		}
		c.Port = p
	}
	if u.User != nil {
		c.Username = u.User.Username()
		pw, _ := u.User.Password()
		c.Password = Secret(pw)
		if c.Username == "" && pw != "" {
			return c, badURL("a password needs a user name (USER:PASSWORD@HOST)")
		}
		if hasLineBreak(c.Username) || hasLineBreak(pw) {
			return c, badURL("the user name and password must not contain line breaks")
		}
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return c, badURL("its ?query could not be parsed")
	}
	for k := range q {
		if k != "from" && k != "helo" {
			return c, badURL("unknown parameter %q (known: from, helo)", k)
		}
	}
	from := q.Get("from")
	if from == "" {
		return c, badURL("add ?from=ADDRESS, the sender of the notifications")
	}
	if hasLineBreak(from) {
		return c, badURL("from must not contain line breaks")
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return c, badURL("from=%q is not an e-mail address", from)
	}
	c.From = *addr
	if h := q.Get("helo"); h != "" {
		if !isHostName(h) {
			return c, badURL("helo must be a host name")
		}
		c.HELO = h
	}
	return c, nil
}

// validateAddress checks an address that goes into a header and the
// envelope: no line breaks (header and command injection), and parseable.
func validateAddress(what string, a netmail.Address) error {
	if hasLineBreak(a.Name) || hasLineBreak(a.Address) {
		return fmt.Errorf("%w: %s contains a line break", ErrHeaderInjection, what)
	}
	if _, err := netmail.ParseAddress(a.Address); err != nil || a.Address == "" {
		return fmt.Errorf("mail: %s %q is not an e-mail address", what, a.Address)
	}
	return nil
}

// ErrHeaderInjection is returned for a header value holding CR or LF,
// which would let it add headers (or a body) of its own.
var ErrHeaderInjection = errors.New("mail: header value contains a line break")
