// Package fetch makes the small HTTP requests PKI work needs (OCSP
// responses, CRLs, CA certificates) from URLs found in certificates, which
// are untrusted: only http(s), a status check, and a size cap that refuses
// rather than truncates.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// ErrTooLarge means the answer was longer than the caller's limit.
var ErrTooLarge = errors.New("fetch: answer too large")

// Do sends a request with an optional body (ctype names its type) and
// returns the body of a 200 answer, at most max bytes.
func Do(ctx context.Context, client *http.Client, method, url, ctype string, body []byte, max int64) ([]byte, error) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("fetch: %q is not an HTTP URL", url)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch: HTTP %d", res.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	}
	return b, nil
}
