package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Write([]byte(strings.Repeat("x", 101)))
		case "/missing":
			http.NotFound(w, r)
		default:
			w.Write([]byte(r.Header.Get("Content-Type")))
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if b, err := Do(ctx, srv.Client(), "POST", srv.URL+"/", "application/ocsp-request", []byte("q"), 100); err != nil || string(b) != "application/ocsp-request" {
		t.Errorf("POST: %q %v", b, err)
	}
	if _, err := Do(ctx, srv.Client(), "GET", srv.URL+"/big", "", nil, 100); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: %v, want ErrTooLarge (never a truncated answer)", err)
	}
	if _, err := Do(ctx, srv.Client(), "GET", srv.URL+"/missing", "", nil, 100); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	if _, err := Do(ctx, srv.Client(), "GET", "ldap://ca.example/crl", "", nil, 100); err == nil {
		t.Error("an ldap URL was fetched")
	}
}
