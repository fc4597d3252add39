package path

import (
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	casn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// GeneralName CHOICE tags (RFC 5280 §4.2.1.6).
const (
	gnOtherName     = 0
	gnRFC822        = 1
	gnDNS           = 2
	gnX400          = 3
	gnDirectoryName = 4
	gnEDIParty      = 5
	gnURI           = 6
	gnIP            = 7
	gnRegisteredID  = 8
)

// generalName is one GeneralName: its CHOICE tag and its content octets (for
// directoryName, the DER of the inner Name).
type generalName struct {
	tag  int
	data []byte
}

// readGeneralNames reads GeneralName elements until s is empty.
func readGeneralNames(s cryptobyte.String) ([]generalName, error) {
	var out []generalName
	for !s.Empty() {
		g, err := readGeneralName(&s)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// readGeneralName reads one context-tagged GeneralName.
func readGeneralName(s *cryptobyte.String) (generalName, error) {
	var body cryptobyte.String
	var tag casn1.Tag
	if !s.ReadAnyASN1(&body, &tag) {
		return generalName{}, errors.New("path: malformed general name")
	}
	if tag&0xc0 != 0x80 { // context-specific class
		return generalName{}, fmt.Errorf("path: general name with tag %#x", int(tag))
	}
	n := int(tag & 0x1f)
	if n > gnRegisteredID {
		return generalName{}, fmt.Errorf("path: unknown general name [%d]", n)
	}
	if n == gnDirectoryName {
		// directoryName is EXPLICIT (a CHOICE): the body is a whole Name.
		var name cryptobyte.String
		var inner casn1.Tag
		if !body.ReadAnyASN1Element(&name, &inner) || inner != casn1.SEQUENCE || !body.Empty() {
			return generalName{}, errors.New("path: malformed directoryName")
		}
		body = name
	}
	return generalName{tag: n, data: body}, nil
}

// parseGeneralNamesDER reads a DER SEQUENCE OF GeneralName (the value of
// subjectAltName, certificateIssuer and similar extensions).
func parseGeneralNamesDER(der []byte) ([]generalName, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("path: malformed GeneralNames")
	}
	return readGeneralNames(seq)
}

// nameConstraints is a parsed nameConstraints extension (RFC 5280 §4.2.1.10).
type nameConstraints struct {
	permitted, excluded []generalName
}

// parseNameConstraints reads the extension value and checks each base name
// is well formed for its type, because a constraint that cannot be read
// cannot be applied (RFC 5280 §4.2.1.10).
func parseNameConstraints(der []byte) (*nameConstraints, error) {
	in := cryptobyte.String(der)
	var seq cryptobyte.String
	if !in.ReadASN1(&seq, casn1.SEQUENCE) || !in.Empty() {
		return nil, errors.New("path: malformed name constraints")
	}
	nc := &nameConstraints{}
	var err error
	var permitted, excluded cryptobyte.String
	var hasP, hasE bool
	if !seq.ReadOptionalASN1(&permitted, &hasP, casn1.Tag(0).Constructed().ContextSpecific()) ||
		!seq.ReadOptionalASN1(&excluded, &hasE, casn1.Tag(1).Constructed().ContextSpecific()) ||
		!seq.Empty() {
		return nil, errors.New("path: malformed name constraints")
	}
	if !hasP && !hasE {
		// RFC 5280 §4.2.1.10: the extension MUST NOT be an empty sequence.
		return nil, errors.New("path: name constraints with neither permitted nor excluded subtrees")
	}
	if nc.permitted, err = readSubtrees(permitted, hasP); err != nil {
		return nil, err
	}
	if nc.excluded, err = readSubtrees(excluded, hasE); err != nil {
		return nil, err
	}
	return nc, nil
}

// readSubtrees reads GeneralSubtrees; minimum must be 0 and maximum absent
// (RFC 5280 §4.2.1.10), which is all that path validation defines.
func readSubtrees(s cryptobyte.String, present bool) ([]generalName, error) {
	if present && s.Empty() {
		return nil, errors.New("path: empty GeneralSubtrees")
	}
	var out []generalName
	for !s.Empty() {
		var st cryptobyte.String
		if !s.ReadASN1(&st, casn1.SEQUENCE) {
			return nil, errors.New("path: malformed GeneralSubtree")
		}
		g, err := readGeneralName(&st)
		if err != nil {
			return nil, err
		}
		var minimum, maximum cryptobyte.String
		var hasMin, hasMax bool
		if !st.ReadOptionalASN1(&minimum, &hasMin, casn1.Tag(0).ContextSpecific()) ||
			!st.ReadOptionalASN1(&maximum, &hasMax, casn1.Tag(1).ContextSpecific()) || !st.Empty() {
			return nil, errors.New("path: malformed GeneralSubtree")
		}
		if hasMax || (hasMin && !(len(minimum) == 1 && minimum[0] == 0)) {
			return nil, errors.New("path: GeneralSubtree with minimum or maximum")
		}
		if err := checkConstraintSyntax(g); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}
