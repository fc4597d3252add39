package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net"
	"net/http"

	"github.com/kyso-vn/kyso/internal/auth"
	"github.com/kyso-vn/kyso/internal/org"
)

type ctxKey int

const (
	actorKey ctxKey = iota
	sessionKey
	viaTokenKey
)

// identity is who made the request, set by the authenticate middleware.
type identity struct {
	actor   *org.Actor
	user    *org.User
	session *auth.Session // nil for bearer tokens
	token   string        // the session cookie's value, for logout
}

func withIdentity(ctx context.Context, id *identity) context.Context {
	return context.WithValue(ctx, actorKey, id)
}

func identityOf(r *http.Request) *identity {
	id, _ := r.Context().Value(actorKey).(*identity)
	return id
}

// actorOf returns the caller, or nil when nobody is logged in.
func actorOf(r *http.Request) *org.Actor {
	if id := identityOf(r); id != nil {
		return id.actor
	}
	return nil
}

// clientIP is the peer address. kyso does not trust X-Forwarded-For by
// default: a client could forge it to dodge the login rate limit.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// newCSRFToken returns a random token for the pre-login double-submit cookie.
func newCSRFToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
