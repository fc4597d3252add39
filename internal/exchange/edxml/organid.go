package edxml

import (
	"fmt"
	"strings"
)

// OrganID is an agency identifier code (mã định danh) as edXML carries it in
// every OrganId element: 13 characters A1A2A3.B1B2.C1C2.D1D2D3, e.g.
// 000.00.31.H56.
//
// The structure follows the notes on Decision 20/2020/QĐ-TTg (marked
// unverified there): D is the level-1 code (a letter and two digits; G..
// ministries and central bodies, H.. provinces), C, B and A are the codes at
// levels 2, 3 and 4, where 00 (000 for A) means "no unit at this level".
// The letters used for level 1 are not restricted here beyond A-Z, because
// the full list was not found.
type OrganID struct {
	Level1 string // D1D2D3, e.g. "H56"
	Level2 string // C1C2, e.g. "31"; "00" when none
	Level3 string // B1B2; "00" when none
	Level4 string // A1A2A3; "000" when none
}

// organIDLen is the length of a code, "String 13" in Decree 30 Appendix VI.
const organIDLen = 13

// ParseOrganID parses and checks an agency identifier code. It is strict:
// no surrounding spaces, upper-case letter, exactly the 000.00.00.X00 shape,
// so that two systems never disagree on whether two codes are the same. The
// error wraps ErrOrganID and says which character is wrong.
func ParseOrganID(s string) (OrganID, error) {
	if s == "" {
		return OrganID{}, fmt.Errorf("%w: empty (want the form 000.00.00.X00, e.g. 000.00.31.H56)", ErrOrganID)
	}
	if len(s) != organIDLen {
		return OrganID{}, fmt.Errorf("%w: %q has %d bytes, want 13 (the form 000.00.00.X00, e.g. 000.00.31.H56)", ErrOrganID, s, len(s))
	}
	// Positions: 0-2 digits, 3 '.', 4-5 digits, 6 '.', 7-8 digits, 9 '.',
	// 10 letter, 11-12 digits.
	for i := 0; i < organIDLen; i++ {
		c := s[i]
		switch i {
		case 3, 6, 9:
			if c != '.' {
				return OrganID{}, fmt.Errorf("%w: %q: character %d is %q, want '.' (the form 000.00.00.X00)", ErrOrganID, s, i+1, c)
			}
		case 10:
			switch {
			case 'a' <= c && c <= 'z':
				return OrganID{}, fmt.Errorf("%w: %q: the level-1 letter must be upper case (%s)", ErrOrganID, s, strings.ToUpper(s))
			case c < 'A' || c > 'Z':
				return OrganID{}, fmt.Errorf("%w: %q: character 11 is %q, want the level-1 letter A-Z (e.g. G for ministries, H for provinces)", ErrOrganID, s, c)
			}
		default:
			if c < '0' || c > '9' {
				return OrganID{}, fmt.Errorf("%w: %q: character %d is %q, want a digit (the form 000.00.00.X00)", ErrOrganID, s, i+1, c)
			}
		}
	}
	return OrganID{Level4: s[0:3], Level3: s[4:6], Level2: s[7:9], Level1: s[10:13]}, nil
}

// String returns the 13-character code.
func (o OrganID) String() string {
	return o.Level4 + "." + o.Level3 + "." + o.Level2 + "." + o.Level1
}

// Level returns how deep in the administrative tree the agency sits: 1 for
// a ministry or province (000.00.00.H56), 2 for one of its departments
// (000.00.31.H56), up to 4. It is the deepest level whose code is not the
// "none" code; the notes do not say whether a deeper level may be set
// while a shallower one is "none", so that is not refused.
func (o OrganID) Level() int {
	switch {
	case o.Level4 != "000":
		return 4
	case o.Level3 != "00":
		return 3
	case o.Level2 != "00":
		return 2
	default:
		return 1
	}
}

// checkOrganID is ParseOrganID for validation paths that only need the
// verdict, with the field named.
func checkOrganID(field, s string) error {
	if _, err := ParseOrganID(s); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalid, field, err)
	}
	return nil
}
