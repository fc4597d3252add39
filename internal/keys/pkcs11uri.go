package keys

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// errMalformedURI marks pkcs11: URIs kyso cannot use.
var errMalformedURI = errors.New("keys: malformed pkcs11 URI")

// pkcs11URI is the part of an RFC 7512 URI kyso uses. It never appears in
// messages whole, because it may carry the PIN.
type pkcs11URI struct {
	token      string // CKA_LABEL of the token
	object     string // CKA_LABEL of the key pair
	id         []byte // CKA_ID of the key pair
	modulePath string
	pin        string
}

// describe names the key for messages, without the PIN.
func (u *pkcs11URI) describe() string {
	s := fmt.Sprintf("token %q", u.token)
	if u.object != "" {
		s += fmt.Sprintf(", object %q", u.object)
	}
	if len(u.id) > 0 {
		s += fmt.Sprintf(", id %x", u.id)
	}
	return s
}

const pkcs11URIForm = "pkcs11:token=LABEL;object=LABEL[;id=HEX][?module-path=/path/to/module.so]"

func malformed(format string, args ...any) error {
	return errorOf(errMalformedURI, "keys: malformed pkcs11 URI: "+format+"; the form is "+pkcs11URIForm, args...)
}

// parsePKCS11URI reads an RFC 7512 URI. Attributes kyso does not use are
// refused rather than ignored: ignoring one (a serial, say) could select a
// different key than the operator meant.
func parsePKCS11URI(uri string) (*pkcs11URI, error) {
	if uriScheme(uri) != schemePKCS11 {
		return nil, malformed("it does not start with pkcs11:")
	}
	pathPart, queryPart, _ := strings.Cut(uri[len(schemePKCS11)+1:], "?")
	u := &pkcs11URI{}
	seen := map[string]bool{}

	for _, attr := range splitNonEmpty(pathPart, ";") {
		name, raw, err := splitAttr(attr, seen)
		if err != nil {
			return nil, err
		}
		value, err := pctDecode(name, raw)
		if err != nil {
			return nil, err
		}
		switch name {
		case "token":
			u.token = value
		case "object":
			u.object = value
		case "id":
			if u.id, err = parseID(raw, value); err != nil {
				return nil, err
			}
		case "type":
			if value != "private" {
				return nil, malformed("type=%s names no private key; drop it or use type=private", value)
			}
		default:
			return nil, malformed("attribute %q is not supported; name the token with token= and the key with object= and id=", name)
		}
	}

	for _, attr := range splitNonEmpty(queryPart, "&") {
		name, raw, err := splitAttr(attr, seen)
		if err != nil {
			return nil, err
		}
		value, err := pctDecode(name, raw)
		if err != nil {
			return nil, err
		}
		switch name {
		case "module-path":
			if !filepath.IsAbs(value) {
				return nil, malformed("module-path must be an absolute path to the PKCS#11 library")
			}
			u.modulePath = value
		case "pin-value":
			u.pin = value
		default:
			return nil, malformed("query attribute %q is not supported; use module-path= and pin-value=, or pass them as options (the PIN also from %s)", name, EnvPKCS11PIN)
		}
	}

	if u.token == "" {
		return nil, malformed("token= is required")
	}
	return u, nil
}

// splitNonEmpty splits s, dropping empty parts so a trailing ";" is harmless.
func splitNonEmpty(s, sep string) []string {
	var out []string
	for _, part := range strings.Split(s, sep) {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

// splitAttr splits name=value and refuses repeats, which RFC 7512 forbids.
func splitAttr(attr string, seen map[string]bool) (string, string, error) {
	name, value, ok := strings.Cut(attr, "=")
	if !ok || name == "" {
		// Not quoted: a misplaced PIN would end up in a log.
		return "", "", malformed("an attribute is not name=value")
	}
	if seen[name] {
		return "", "", malformed("attribute %q is given twice", name)
	}
	seen[name] = true
	return name, value, nil
}

// pctDecode undoes RFC 3986 percent-encoding; a bad escape is an error,
// not literal text. The value is not quoted in the error: it may be a PIN.
func pctDecode(name, raw string) (string, error) {
	v, err := url.PathUnescape(raw)
	if err != nil {
		return "", malformed("the value of %s has a bad %%-escape", name)
	}
	return v, nil
}

// parseID reads id= as hex ("01a2"), or, as RFC 7512 writes it, as bytes
// that are all %-escaped ("%01%a2").
func parseID(raw, value string) ([]byte, error) {
	if raw != "" && len(raw)%3 == 0 && strings.Count(raw, "%") == len(raw)/3 {
		return []byte(value), nil
	}
	id, err := hex.DecodeString(strings.ReplaceAll(value, ":", ""))
	if err != nil || len(id) == 0 {
		return nil, malformed("id must be hex digits such as id=01a2, or %%-escaped bytes such as id=%%01%%a2")
	}
	return id, nil
}
