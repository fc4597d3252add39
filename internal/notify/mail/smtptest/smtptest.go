// Package smtptest runs a real SMTP server for tests: aiosmtpd (Debian's
// python3-aiosmtpd) on 127.0.0.1, writing what it receives to a Maildir
// that the test reads back. Tests skip when aiosmtpd is missing, except in
// CI (the CI environment variable set), where they fail: scripts/test.sh
// installs it there.
package smtptest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	netmail "net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Options configure a server.
type Options struct {
	// Port to listen on; 0 picks a free one.
	Port int
	// Host to listen on (default 127.0.0.1).
	Host string
	// TLSCert and TLSKey (PEM files) turn on STARTTLS, which aiosmtpd
	// then requires before MAIL; ImplicitTLS uses them for SMTPS instead.
	TLSCert, TLSKey string
	ImplicitTLS     bool
}

// Server is a running aiosmtpd.
type Server struct {
	// Addr is host:port.
	Addr string
	// Port is the port alone.
	Port    int
	maildir string
	cmd     *exec.Cmd
	out     *syncBuffer
}

// Python returns an interpreter that has aiosmtpd, or "" (Debian's
// /usr/bin/python3 first: a pyenv on PATH rarely has Debian's packages).
func Python() string {
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import aiosmtpd").Run() == nil {
			return path
		}
	}
	return ""
}

// Require returns the interpreter or ends the test: skipped with the
// reason, or failed in CI.
func Require(t testing.TB) string {
	t.Helper()
	py := Python()
	if py == "" {
		const why = "aiosmtpd is not installed: apt-get install python3-aiosmtpd"
		if os.Getenv("CI") != "" {
			t.Fatal(why + " (CI is set, so this test must run)")
		}
		t.Skip(why)
	}
	return py
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	py := Require(t)
	if o.Host == "" {
		o.Host = "127.0.0.1"
	}
	var lastErr error
	// A free port can be taken between our probe and aiosmtpd's bind:
	// try a few.
	for range 5 {
		port := o.Port
		if port == 0 {
			port = FreePort(t)
		}
		s, err := start(t, py, o, port)
		if err == nil {
			return s
		}
		lastErr = err
		if o.Port != 0 {
			break
		}
	}
	t.Fatalf("smtptest: %v", lastErr)
	return nil
}

func start(t testing.TB, py string, o Options, port int) (*Server, error) {
	dir := t.TempDir()
	s := &Server{Addr: net.JoinHostPort(o.Host, strconv.Itoa(port)), Port: port, maildir: filepath.Join(dir, "Maildir"), out: &syncBuffer{}}
	args := []string{"-m", "aiosmtpd", "-n", "-l", s.Addr}
	switch {
	case o.TLSCert != "" && o.ImplicitTLS:
		args = append(args, "--smtpscert", o.TLSCert, "--smtpskey", o.TLSKey)
	case o.TLSCert != "":
		args = append(args, "--tlscert", o.TLSCert, "--tlskey", o.TLSKey)
	}
	args = append(args, "-c", "aiosmtpd.handlers.Mailbox", s.maildir)
	s.cmd = exec.Command(py, args...)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-exited:
			return nil, fmt.Errorf("aiosmtpd exited at start: %s", s.out.String())
		default:
		}
		if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = s.cmd.Process.Kill()
			return nil, fmt.Errorf("aiosmtpd did not listen on %s: %s", s.Addr, s.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-exited
	})
	return s, nil
}

// Stop ends the server now (a later Start on the same Port brings it back).
func (s *Server) Stop() { _ = s.cmd.Process.Kill() }

// Messages returns what the server received so far, oldest first, each
// parsed (with its raw bytes).
func (s *Server) Messages(t testing.TB) []Received {
	t.Helper()
	var out []Received
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(s.maildir, sub))
		if err != nil {
			continue
		}
		for _, e := range entries {
			raw, err := os.ReadFile(filepath.Join(s.maildir, sub, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m, err := netmail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
			if err != nil {
				t.Fatalf("smtptest: stored message does not parse: %v\n%s", err, raw)
			}
			out = append(out, Received{Message: m, Raw: raw, name: e.Name()})
		}
	}
	// Maildir names start with the delivery time in seconds; the rest
	// keeps the sort stable.
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// WaitMessages waits until at least n messages arrived and returns them.
func (s *Server) WaitMessages(t testing.TB, n int, within time.Duration) []Received {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := s.Messages(t)
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: %d message(s) after %s, want %d; server said:\n%s", len(got), within, n, s.out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log is what aiosmtpd printed.
func (s *Server) Log() string { return s.out.String() }

// Received is a message as the server stored it.
type Received struct {
	*netmail.Message
	Raw  []byte
	name string
}

// FreePort finds a port nobody listens on at the moment.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Body reads a received message's body, undoing its transfer encoding.
func (r Received) Body(t testing.TB) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := b.ReadFrom(r.Message.Body); err != nil {
		t.Fatal(err)
	}
	if strings.EqualFold(r.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		return decodeQP(t, b.Bytes())
	}
	return b.String()
}
