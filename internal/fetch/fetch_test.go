package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
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

func TestClientRefusesMetadataAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	c := NewClient(2 * time.Second)
	if b, err := Do(context.Background(), c, http.MethodGet, srv.URL, "", nil, 10); err != nil || string(b) != "ok" {
		t.Fatalf("loopback: %q %v", b, err)
	}
	for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0:1/", "http://224.0.0.1/"} {
		_, err := Do(context.Background(), c, http.MethodGet, u, "", nil, 10)
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Errorf("%s: %v", u, err)
		}
	}
}
