package validate

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kyso-vn/kyso/internal/keys"
)

// maxAnchorFile bounds one trust anchor file.
const maxAnchorFile = 4 << 20

// LoadAnchors reads trusted CA certificates from files (PEM, possibly many
// per file, or DER) and directories (their *.pem, *.crt, *.cer and *.der
// files). A named file that holds no certificate is an error: a typo in
// --trust must not silently trust nothing.
func LoadAnchors(paths ...string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("trust anchors: %w", err)
		}
		if !st.IsDir() {
			certs, err := anchorFile(p)
			if err != nil {
				return nil, err
			}
			out = append(out, certs...)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("trust anchors: %w", err)
		}
		for _, e := range entries {
			switch strings.ToLower(filepath.Ext(e.Name())) {
			case ".pem", ".crt", ".cer", ".der":
			default:
				continue
			}
			certs, err := anchorFile(filepath.Join(p, e.Name()))
			if err != nil {
				return nil, err
			}
			out = append(out, certs...)
		}
	}
	return out, nil
}

func anchorFile(p string) ([]*x509.Certificate, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("trust anchors: %w", err)
	}
	if st.Size() > maxAnchorFile {
		return nil, fmt.Errorf("trust anchors: %s is larger than %d bytes", p, maxAnchorFile)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("trust anchors: %w", err)
	}
	certs, err := keys.ParseCertificates(b)
	if err != nil {
		if der, derErr := x509.ParseCertificates(b); derErr == nil {
			certs, err = der, nil
		}
	}
	if err != nil || len(certs) == 0 {
		return nil, fmt.Errorf("trust anchors: %s holds no certificate (PEM or DER): %v", p, err)
	}
	return certs, nil
}
