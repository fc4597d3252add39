package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"mime"
	"net"
	netmail "net/mail"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kyso-vn/kyso/internal/notify/mail"
	"github.com/kyso-vn/kyso/internal/notify/mail/smtptest"
	"golang.org/x/text/unicode/norm"
)

const subject = "Văn bản chờ bạn ký: Công văn về việc triển khai chữ ký số chuyên dùng"

func client(t *testing.T, url string, roots *x509.CertPool) *mail.Client {
	t.Helper()
	cfg, err := mail.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RootCAs = roots
	cfg.Timeout = 10 * time.Second
	return mail.New(cfg)
}

func send(c *mail.Client) error {
	return c.Send(context.Background(), mail.Message{
		To:      netmail.Address{Name: "Trần Văn Giám Đốc", Address: "giamdoc@example.gov.vn"},
		Subject: subject,
		Body:    "Văn bản chờ bạn ký\nhttps://kyso.example.gov.vn/documents/1\n",
	})
}

func checkReceived(t *testing.T, s *smtptest.Server) {
	t.Helper()
	got := s.WaitMessages(t, 1, 5*time.Second)
	subj, err := new(mime.WordDecoder).DecodeHeader(got[0].Header.Get("Subject"))
	if err != nil || subj != subject || !norm.NFC.IsNormalString(subj) {
		t.Fatalf("subject %q %v", subj, err)
	}
	// The Maildir stores lines with LF endings.
	if body := got[0].Body(t); !strings.Contains(body, "Văn bản chờ bạn ký\nhttps://kyso.example.gov.vn/documents/1") {
		t.Fatalf("body %q", body)
	}
}

// TestSendPlainToLoopback: a relay on this machine, no TLS, no AUTH.
func TestSendPlainToLoopback(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{})
	if err := send(client(t, "smtp://"+s.Addr+"?from=kyso@example.gov.vn", nil)); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, s)
}

// TestSendSTARTTLS: the server offers STARTTLS (and requires it); the
// client upgrades and checks the certificate.
func TestSendSTARTTLS(t *testing.T) {
	cert, key, roots := testCert(t)
	s := smtptest.Start(t, smtptest.Options{TLSCert: cert, TLSKey: key})
	if err := send(client(t, "smtp://"+s.Addr+"?from=kyso@example.gov.vn", roots)); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, s)

	// A certificate the client does not trust stops it before MAIL.
	err := send(client(t, "smtp://"+s.Addr+"?from=kyso@example.gov.vn", x509.NewCertPool()))
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("untrusted certificate: %v", err)
	}
}

// TestSendImplicitTLS: smtps://, TLS from the first byte.
func TestSendImplicitTLS(t *testing.T) {
	cert, key, roots := testCert(t)
	s := smtptest.Start(t, smtptest.Options{TLSCert: cert, TLSKey: key, ImplicitTLS: true})
	if err := send(client(t, "smtps://"+s.Addr+"?from=kyso@example.gov.vn", roots)); err != nil {
		t.Fatal(err)
	}
	checkReceived(t, s)
}

// TestPasswordNeverInErrors: each way a send with a password can fail
// names the step and never the password.
func TestPasswordNeverInErrors(t *testing.T) {
	const pw = "Mật-khẩu-SMTP-42"
	cert, key, roots := testCert(t)
	plain := smtptest.Start(t, smtptest.Options{})
	tlsServer := smtptest.Start(t, smtptest.Options{TLSCert: cert, TLSKey: key})
	down := smtptest.FreePort(t)
	cases := []struct {
		name, host string
		port       int
		want       string
	}{
		// aiosmtpd offers AUTH only over TLS, and knows no users.
		{"loopback server without AUTH", "127.0.0.1", plain.Port, "does not offer AUTH"},
		{"credentials refused over STARTTLS", "127.0.0.1", tlsServer.Port, "AUTH PLAIN as kyso: 535"},
		{"server down", "127.0.0.1", down, "connect to"},
	}
	if ip := nonLoopbackIP(); ip != "" {
		// The same aiosmtpd, reached at a non-loopback address: no
		// STARTTLS there, so the password must not be sent.
		open := smtptest.Start(t, smtptest.Options{Host: "0.0.0.0"})
		cases = append(cases, struct {
			name, host string
			port       int
			want       string
		}{"plain text to a non-loopback host", ip, open.Port, "not sent in clear text"})
	} else {
		t.Log("no non-loopback address: the clear-text refusal is not tested here")
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			url := "smtp://kyso:" + neturl.QueryEscape(pw) + "@" + net.JoinHostPort(tt.host, strconv.Itoa(tt.port)) + "?from=kyso@example.gov.vn"
			err := send(client(t, url, roots))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), pw) {
				t.Fatalf("the password is in the error: %v", err)
			}
			var pe *mail.PermanentError
			if errors.As(err, &pe) {
				t.Fatalf("a configuration or network failure is worth retrying: %v", err)
			}
		})
	}
	if n := len(plain.Messages(t)) + len(tlsServer.Messages(t)); n != 0 {
		t.Fatalf("%d message(s) went out", n)
	}
}

// TestInjectionNeverReachesTheServer: a refused message is permanent and
// opens no connection.
func TestInjectionNeverReachesTheServer(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{})
	c := client(t, "smtp://"+s.Addr+"?from=kyso@example.gov.vn", nil)
	err := c.Send(context.Background(), mail.Message{To: netmail.Address{Address: "a@example.gov.vn"}, Subject: "Họp\r\nBcc: all@example.gov.vn", Body: "x"})
	var pe *mail.PermanentError
	if !errors.Is(err, mail.ErrHeaderInjection) || !errors.As(err, &pe) {
		t.Fatalf("error %v", err)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(s.Messages(t)); n != 0 {
		t.Fatalf("%d message(s) went out", n)
	}
}

// nonLoopbackIP is an address of this machine other than loopback, or "".
func nonLoopbackIP() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			return n.IP.String()
		}
	}
	return ""
}

// testCert writes a self-signed certificate for 127.0.0.1 and returns its
// files and a pool that trusts it.
func testCert(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtp test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	roots = x509.NewCertPool()
	roots.AddCert(c)
	return certFile, keyFile, roots
}
