package path

import (
	"crypto/x509"
	"encoding/hex"
)

// certInfo is what validation derives from a certificate beyond
// crypto/x509's parse, computed once per certificate and validation.
type certInfo struct {
	subject    dname
	emails     []string
	subjectKey string // canonical subject; "" for an empty subject
	issuerKey  string // canonical issuer; "" for an empty issuer
	selfIssued bool

	sanDone bool
	sanList []generalName
	sanErr  error
}

// nameKey is the canonical form of a DER name for chaining: "" for an empty
// name (which never chains: RFC 5280 §4.1.2.4 and §4.1.2.6 want CA names
// non-empty), the exact bytes when the name does not parse.
func nameKey(der []byte) (dname, []string, string) {
	n, emails, err := parseName(der)
	if err != nil {
		return nil, nil, "raw:" + hex.EncodeToString(der)
	}
	if len(n) == 0 {
		return nil, nil, ""
	}
	return n, emails, n.key()
}

// newCertInfo derives the names of c.
func newCertInfo(c *x509.Certificate) *certInfo {
	info := &certInfo{}
	info.subject, info.emails, info.subjectKey = nameKey(c.RawSubject)
	_, _, info.issuerKey = nameKey(c.RawIssuer)
	// Self-issued: the same name as subject and issuer (RFC 5280 §6.1).
	info.selfIssued = info.subjectKey != "" && info.subjectKey == info.issuerKey
	return info
}

// sans parses the subjectAltName extension once (crypto/x509 does not keep
// directoryName or otherName entries, which name constraints need).
func (i *certInfo) sans(c *x509.Certificate) ([]generalName, error) {
	if !i.sanDone {
		i.sanDone = true
		if ext := findExtension(c, oidExtSubjectAltName); ext != nil {
			i.sanList, i.sanErr = parseGeneralNamesDER(ext.Value)
		}
	}
	return i.sanList, i.sanErr
}

// infoCache holds certInfo per certificate for one validation.
type infoCache map[*x509.Certificate]*certInfo

// get returns c's info, deriving it on first use.
func (m infoCache) get(c *x509.Certificate) *certInfo {
	if i, ok := m[c]; ok {
		return i
	}
	i := newCertInfo(c)
	m[c] = i
	return i
}
