package path

import (
	"crypto/x509"
	"fmt"
)

// maxNameComparisons bounds the names × constraints work for one
// certificate, as crypto/x509 does: a CA with thousands of subtrees over a
// leaf with thousands of names is rejected rather than checked
// (x509-limbo pathological::nc-dos-*).
const maxNameComparisons = 1 << 18

// constraint is one subtree base, with its directoryName parsed once.
type constraint struct {
	g  generalName
	dn dname
}

// constraintSet is one certificate's nameConstraints extension. tags and
// permittedTags are bit sets of the GeneralName types it constrains.
type constraintSet struct {
	permitted, excluded []constraint
	tags, permittedTags uint16
}

// nameState holds permitted_subtrees and excluded_subtrees (RFC 5280 §6.1.2
// (b), (c)) as the list of constraint sets met so far. A name is permitted
// when every set that constrains its type permits it and no set excludes
// it: the same as intersecting the permitted subtrees and uniting the
// excluded ones (§6.1.4 (g)), without computing either.
type nameState struct {
	sets []*constraintSet
}

// add records a certificate's name constraints (§6.1.4 (g)).
func (s *nameState) add(nc *nameConstraints) {
	cs := &constraintSet{}
	conv := func(gs []generalName, permitted bool) []constraint {
		out := make([]constraint, 0, len(gs))
		for _, g := range gs {
			c := constraint{g: g}
			if g.tag == gnDirectoryName {
				c.dn, _, _ = parseName(g.data) // checked at parse time
			}
			cs.tags |= 1 << g.tag
			if permitted {
				cs.permittedTags |= 1 << g.tag
			}
			out = append(out, c)
		}
		return out
	}
	cs.permitted = conv(nc.permitted, true)
	cs.excluded = conv(nc.excluded, false)
	s.sets = append(s.sets, cs)
}

// certName is one name of a certificate, split the way matching needs.
type certName struct {
	g             generalName
	dn            dname
	local, domain string // rfc822Name
	host          string // URI
	malformed     bool
}

// String shows the name in errors.
func (n certName) String() string {
	switch n.g.tag {
	case gnDirectoryName:
		return "directoryName"
	case gnIP:
		return fmt.Sprintf("iPAddress %x", n.g.data)
	case gnRFC822, gnDNS, gnURI:
		return fmt.Sprintf("%q", string(n.g.data))
	}
	return fmt.Sprintf("general name [%d]", n.g.tag)
}

// certNames lists the names that name constraints apply to: the subject
// when non-empty, emailAddress attributes of the subject, and every
// subjectAltName entry (RFC 5280 §4.2.1.10, §6.1.3 (b), (c)).
func certNames(c *x509.Certificate, info *certInfo) ([]certName, error) {
	var out []certName
	if len(info.subject) > 0 {
		out = append(out, certName{g: generalName{tag: gnDirectoryName, data: c.RawSubject}, dn: info.subject})
	}
	for _, e := range info.emails {
		out = append(out, newCertName(generalName{tag: gnRFC822, data: []byte(e)}))
	}
	sans, err := info.sans(c)
	if err != nil {
		return nil, err
	}
	for _, g := range sans {
		out = append(out, newCertName(g))
	}
	return out, nil
}

// newCertName splits a general name for matching and marks it malformed
// when it cannot be matched (the limbo nc-permits-invalid-* cases).
func newCertName(g generalName) certName {
	n := certName{g: g}
	s := string(g.data)
	switch g.tag {
	case gnDNS:
		n.malformed = !validDNSName(s, true)
	case gnRFC822:
		var ok bool
		n.local, n.domain, ok = splitMailbox(s)
		n.malformed = !ok
	case gnURI:
		var ok bool
		n.host, ok = uriHost(s)
		n.malformed = !ok
	case gnIP:
		n.malformed = len(g.data) != 4 && len(g.data) != 16
	case gnDirectoryName:
		var err error
		n.dn, _, err = parseName(g.data)
		n.malformed = err != nil
	}
	return n
}

// check applies the constraints to a certificate's names and returns why
// one is not allowed.
func (s *nameState) check(names []certName) error {
	if len(s.sets) == 0 || len(names) == 0 {
		return nil
	}
	total := 0
	for _, set := range s.sets {
		total += len(set.permitted) + len(set.excluded)
	}
	if total*len(names) > maxNameComparisons {
		return fmt.Errorf("%d names against %d constraints is more work than allowed", len(names), total)
	}
	for _, n := range names {
		for _, set := range s.sets {
			if set.tags&(1<<n.g.tag) == 0 {
				continue
			}
			switch n.g.tag {
			case gnOtherName, gnX400, gnEDIParty, gnRegisteredID:
				// RFC 5280 §4.2.1.10: process the constraint or reject.
				return fmt.Errorf("%s under a constraint of a type this validator cannot match", n)
			}
			if n.malformed {
				return fmt.Errorf("malformed %s under name constraints", n)
			}
			for _, c := range set.excluded {
				if c.g.tag == n.g.tag && matchName(n, c, true) {
					return fmt.Errorf("%s is in an excluded subtree", n)
				}
			}
			if set.permittedTags&(1<<n.g.tag) == 0 {
				continue
			}
			ok := false
			for _, c := range set.permitted {
				if c.g.tag == n.g.tag && matchName(n, c, false) {
					ok = true
					break
				}
			}
			if !ok {
				return fmt.Errorf("%s is outside the permitted subtrees", n)
			}
		}
	}
	return nil
}

// matchName dispatches to the rule of the name's type.
func matchName(n certName, c constraint, excluded bool) bool {
	switch n.g.tag {
	case gnDNS:
		return matchDNS(string(n.g.data), string(c.g.data), excluded)
	case gnRFC822:
		return matchEmail(n.local, n.domain, string(c.g.data))
	case gnURI:
		return matchURI(n.host, string(c.g.data))
	case gnIP:
		return matchIP(n.g.data, c.g.data)
	case gnDirectoryName:
		return n.dn.hasPrefix(c.dn)
	}
	return false
}
