package keys

import (
	"fmt"
	"path/filepath"
	"strings"
)

// URI schemes Open understands.
const (
	schemeFile   = "file"
	schemePKCS11 = "pkcs11"
)

// uriScheme returns the lower-cased scheme of s, or "" if s has none (a
// plain path).
func uriScheme(s string) string {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return ""
	}
	for j, c := range s[:i] {
		isAlpha := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !isAlpha && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return strings.ToLower(s[:i])
}

// parseFileURI returns the absolute path a file: URI or plain path names.
// The path is taken literally, without percent-decoding, because kyso
// builds these URIs by plain concatenation.
func parseFileURI(uri string) (string, error) {
	p := uri
	if uriScheme(uri) == schemeFile {
		p = uri[len(schemeFile)+1:]
		if rest, ok := strings.CutPrefix(p, "//"); ok {
			// file://host/path: only the local host makes sense for a key.
			host, path, _ := strings.Cut(rest, "/")
			if host != "" && host != "localhost" {
				return "", fmt.Errorf("keys: key file URI %q names host %q; key files must be local: use file:/absolute/path", uri, host)
			}
			p = "/" + path
		}
	}
	if p == "" || !filepath.IsAbs(p) {
		return "", fmt.Errorf("keys: key file path %q is not absolute; use file:/absolute/path/key.pem", p)
	}
	return filepath.Clean(p), nil
}
