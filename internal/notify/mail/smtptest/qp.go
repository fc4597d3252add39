package smtptest

import (
	"bytes"
	"io"
	"mime/quotedprintable"
	"sync"
	"testing"
)

func decodeQP(t testing.TB, b []byte) string {
	t.Helper()
	out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatalf("smtptest: body is not quoted-printable: %v", err)
	}
	return string(out)
}

// syncBuffer collects aiosmtpd's output, which the process writes while
// a test may read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
