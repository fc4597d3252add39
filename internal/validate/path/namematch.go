package path

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// This file holds the per-type rules of RFC 5280 §4.2.1.10: what a
// constraint of each GeneralName type looks like and when a name is inside
// it. Types without defined matching (otherName, x400Address, ediPartyName,
// registeredID) are not matched: a certificate carrying such a name under
// such a constraint is rejected (names.go).

// checkConstraintSyntax rejects constraint bases that cannot be applied.
func checkConstraintSyntax(g generalName) error {
	s := string(g.data)
	switch g.tag {
	case gnDNS:
		// "Any DNS name that can be constructed by simply adding zero or
		// more labels to the left-hand side": no wildcard, no leading period.
		if s != "" && !validDNSName(s, false) {
			return fmt.Errorf("path: dNSName constraint %q is malformed", s)
		}
	case gnRFC822:
		if strings.Contains(s, "@") {
			if _, _, ok := splitMailbox(s); !ok {
				return fmt.Errorf("path: rfc822Name constraint %q is malformed", s)
			}
		} else if !validDNSName(strings.TrimPrefix(s, "."), false) {
			return fmt.Errorf("path: rfc822Name constraint %q is malformed", s)
		}
	case gnURI:
		if !validDNSName(strings.TrimPrefix(s, "."), false) || net.ParseIP(s) != nil {
			return fmt.Errorf("path: URI constraint %q is malformed", s)
		}
	case gnIP:
		if len(g.data) != 8 && len(g.data) != 32 {
			return fmt.Errorf("path: iPAddress constraint of %d bytes", len(g.data))
		}
		if !contiguousMask(g.data[len(g.data)/2:]) {
			return errors.New("path: iPAddress constraint with a non-contiguous mask")
		}
	case gnDirectoryName:
		if _, _, err := parseName(g.data); err != nil {
			return err
		}
	}
	return nil
}

// validDNSName checks the preferred name syntax loosely: non-empty labels of
// letters, digits, hyphens and underscores (seen in the wild); wildcard
// allows a leading "*." label as certificates carry it.
func validDNSName(s string, wildcard bool) bool {
	if wildcard {
		s = strings.TrimPrefix(s, "*.")
	}
	if s == "" || len(s) > 253 {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// splitMailbox splits local@domain; the local part may be quoted, otherwise
// it may not contain '@' (RFC 5321 §4.1.2).
func splitMailbox(s string) (local, domain string, ok bool) {
	at := -1
	if strings.HasPrefix(s, `"`) {
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				at = i + 1
				break
			}
		}
		if at < 0 || at >= len(s) || s[at] != '@' {
			return "", "", false
		}
	} else {
		at = strings.IndexByte(s, '@')
		if at <= 0 || strings.Count(s, "@") != 1 {
			return "", "", false
		}
	}
	local, domain = s[:at], s[at+1:]
	if local == "" || !validDNSName(domain, false) {
		return "", "", false
	}
	return local, domain, true
}

// contiguousMask reports whether mask is ones followed by zeros.
func contiguousMask(mask []byte) bool {
	zero := false
	for _, b := range mask {
		for bit := 7; bit >= 0; bit-- {
			one := b&(1<<bit) != 0
			if one && zero {
				return false
			}
			if !one {
				zero = true
			}
		}
	}
	return true
}

// dnsInSubtree reports whether name is constraint or below it.
func dnsInSubtree(name, constraint string) bool {
	name, constraint = strings.ToLower(name), strings.ToLower(constraint)
	return constraint == "" || name == constraint || strings.HasSuffix(name, "."+constraint)
}

// matchDNS says whether the dNSName may fall inside the constraint. For a
// wildcard "*.rest", excluded asks whether any name it covers is inside
// (CVE-2025-61727), permitted whether every name it covers is.
func matchDNS(name, constraint string, excluded bool) bool {
	rest, wild := strings.CutPrefix(name, "*.")
	if !wild {
		return dnsInSubtree(name, constraint)
	}
	if dnsInSubtree(rest, constraint) {
		return true // every name *.rest covers is below the constraint
	}
	if !excluded {
		return false
	}
	// Some covered name x.rest equals the constraint: one label more than rest.
	c := strings.ToLower(constraint)
	head, ok := strings.CutSuffix(c, "."+strings.ToLower(rest))
	return ok && head != "" && !strings.Contains(head, ".")
}

// matchEmail applies an rfc822Name constraint: a mailbox, a host, or
// ".domain" for any host below the domain. Local parts compare exactly.
func matchEmail(local, domain, constraint string) bool {
	if cl, cd, ok := splitMailbox(constraint); ok && strings.Contains(constraint, "@") {
		return local == cl && strings.EqualFold(domain, cd)
	}
	if strings.HasPrefix(constraint, ".") {
		return len(domain) > len(constraint) && strings.HasSuffix(strings.ToLower(domain), strings.ToLower(constraint))
	}
	return strings.EqualFold(domain, constraint)
}

// uriHost returns the host of a URI, or false when it has none or it is an
// IP address (RFC 5280 defines URI constraints by host name only).
func uriHost(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	h := u.Hostname()
	if h == "" || net.ParseIP(h) != nil {
		return "", false
	}
	return h, true
}

// matchURI applies a URI constraint to a host: exact, or below ".domain".
func matchURI(host, constraint string) bool {
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(strings.ToLower(host), strings.ToLower(constraint))
	}
	return strings.EqualFold(host, constraint)
}

// matchIP applies an address/mask constraint to an address of the same
// family.
func matchIP(ip, constraint []byte) bool {
	if len(constraint) != 2*len(ip) {
		return false
	}
	base, mask := constraint[:len(ip)], constraint[len(ip):]
	for i := range ip {
		if ip[i]&mask[i] != base[i]&mask[i] {
			return false
		}
	}
	return true
}
