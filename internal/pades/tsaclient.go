package pades

import (
	"context"
	"crypto"
	"net/http"
	"time"

	"github.com/kyso-vn/kyso/internal/tsa"
)

// HTTPTimeStamper asks an RFC 3161 TSA at url (kyso's own /tsa or any
// other) for time-stamps. client may be nil: a 30-second timeout is used.
func HTTPTimeStamper(url string, client *http.Client) TimeStamper {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return httpTSA{url: url, client: client}
}

type httpTSA struct {
	url    string
	client *http.Client
}

func (h httpTSA) TimeStamp(ctx context.Context, digest []byte, hash crypto.Hash) ([]byte, error) {
	_, token, err := tsa.Request(ctx, h.client, h.url, digest, hash, true)
	return token, err
}
