package revocation_test

import (
	"bytes"
	"crypto"
	"io"
	"testing"

	"golang.org/x/crypto/ocsp"
)

func x509OCSPRequest(t *testing.T, w *world) (io.Reader, error) {
	t.Helper()
	b, err := ocsp.CreateRequest(w.leaf, w.root, &ocsp.RequestOptions{Hash: crypto.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(b), nil
}
