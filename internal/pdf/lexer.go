package pdf

import (
	"errors"
	"fmt"
	"strconv"
)

// The lexer splits PDF syntax into tokens (ISO 32000-1 §7.2). It works on a
// window of bytes read from the file; when a token may continue past the end
// of the window it returns errNeedMore and the caller retries with a larger
// window. Everything here works on in-memory bytes so that positions are exact.

// errNeedMore means the window ended inside a token or an object.
var errNeedMore = errors.New("pdf: object runs past the read window")

type tokKind uint8

const (
	tokEOF tokKind = iota
	tokInt
	tokReal
	tokName
	tokString
	tokHex
	tokDictOpen
	tokDictClose
	tokArrOpen
	tokArrClose
	tokKeyword
)

// token is one lexical token; start and end index the lexer's buffer.
type token struct {
	kind       tokKind
	start, end int
	i          int64
	f          float64
	s          string // name (decoded), string bytes, or keyword
}

// lexer tokenizes buf, which starts at file offset base. atEOF says whether
// buf ends where the data ends (so a token touching the end is complete).
type lexer struct {
	buf   []byte
	pos   int
	base  int64
	atEOF bool
}

// isSpace reports PDF white-space characters (§7.2.2, Table 1).
func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// isDelim reports PDF delimiter characters (§7.2.2, Table 2).
func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// isRegular reports characters that may appear in names, numbers and keywords.
func isRegular(c byte) bool { return !isSpace(c) && !isDelim(c) }

// offset returns the file offset of buffer index i.
func (l *lexer) offset(i int) int64 { return l.base + int64(i) }

// short returns errNeedMore, or a damaged-file error when the data really ends.
func (l *lexer) short(what string) error {
	if !l.atEOF {
		return errNeedMore
	}
	return fmt.Errorf("unexpected end of data in %s at %d", what, l.offset(l.pos))
}

// skipSpace skips white space and comments (§7.2.3).
func (l *lexer) skipSpace() error {
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.buf) && l.buf[l.pos] != '\n' && l.buf[l.pos] != '\r' {
				l.pos++
			}
			if l.pos == len(l.buf) && !l.atEOF {
				return errNeedMore
			}
		default:
			return nil
		}
	}
	return nil
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	if l.pos >= len(l.buf) {
		if !l.atEOF {
			return token{}, errNeedMore
		}
		return token{kind: tokEOF, start: l.pos, end: l.pos}, nil
	}
	start := l.pos
	c := l.buf[start]
	switch c {
	case '(':
		return l.literal()
	case '<':
		if l.pos+1 >= len(l.buf) {
			return token{}, l.short("hex string")
		}
		if l.buf[l.pos+1] == '<' {
			l.pos += 2
			return token{kind: tokDictOpen, start: start, end: l.pos}, nil
		}
		return l.hex()
	case '>':
		if l.pos+1 >= len(l.buf) {
			return token{}, l.short("dictionary")
		}
		if l.buf[l.pos+1] == '>' {
			l.pos += 2
			return token{kind: tokDictClose, start: start, end: l.pos}, nil
		}
		l.pos++
		return token{}, fmt.Errorf("stray '>' at %d", l.offset(start))
	case '[':
		l.pos++
		return token{kind: tokArrOpen, start: start, end: l.pos}, nil
	case ']':
		l.pos++
		return token{kind: tokArrClose, start: start, end: l.pos}, nil
	case '{', '}':
		// PostScript calculator braces (§7.10.5); only seen inside
		// function streams, which are never parsed as objects.
		l.pos++
		return token{kind: tokKeyword, start: start, end: l.pos, s: string(c)}, nil
	case ')':
		l.pos++
		return token{}, fmt.Errorf("stray ')' at %d", l.offset(start))
	case '/':
		return l.name()
	}
	for l.pos < len(l.buf) && isRegular(l.buf[l.pos]) {
		l.pos++
	}
	if l.pos == len(l.buf) && !l.atEOF {
		return token{}, errNeedMore
	}
	return classify(l.buf[start:l.pos], start, l.pos), nil
}

// classify turns a run of regular characters into a number or a keyword.
func classify(b []byte, start, end int) token {
	t := token{start: start, end: end}
	// Some producers write "--5" or "+-5"; readers take the last sign.
	i, neg := 0, false
	for i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	digits, dot, ok := 0, false, i < len(b)
	for _, c := range b[i:] {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			ok = false
		}
	}
	if !ok || digits == 0 {
		t.kind, t.s = tokKeyword, string(b)
		return t
	}
	num := string(b[i:])
	if !dot && digits <= 18 {
		v, _ := strconv.ParseInt(num, 10, 64)
		if neg {
			v = -v
		}
		t.kind, t.i = tokInt, v
		return t
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		t.kind, t.s = tokKeyword, string(b)
		return t
	}
	if neg {
		v = -v
	}
	t.kind, t.f = tokReal, v
	return t
}

// name reads a name object (§7.3.5), decoding #xx escapes.
func (l *lexer) name() (token, error) {
	start := l.pos
	l.pos++ // '/'
	for l.pos < len(l.buf) && isRegular(l.buf[l.pos]) {
		l.pos++
	}
	if l.pos == len(l.buf) && !l.atEOF {
		return token{}, errNeedMore
	}
	raw := l.buf[start+1 : l.pos]
	s := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
			s = append(s, unhex(raw[i+1])<<4|unhex(raw[i+2]))
			i += 2
			continue
		}
		s = append(s, raw[i])
	}
	return token{kind: tokName, start: start, end: l.pos, s: string(s)}, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// hex reads a hexadecimal string (§7.3.4.3): white space is ignored and an
// odd final digit is taken as followed by 0.
func (l *lexer) hex() (token, error) {
	start := l.pos
	l.pos++ // '<'
	var s []byte
	hi, half := byte(0), false
	for {
		if l.pos >= len(l.buf) {
			return token{}, l.short("hex string")
		}
		c := l.buf[l.pos]
		l.pos++
		switch {
		case c == '>':
			if half {
				s = append(s, hi<<4)
			}
			return token{kind: tokHex, start: start, end: l.pos, s: string(s)}, nil
		case isHex(c):
			if half {
				s = append(s, hi<<4|unhex(c))
			} else {
				hi = unhex(c)
			}
			half = !half
		case isSpace(c):
		default:
			return token{}, fmt.Errorf("bad character %q in hex string at %d", c, l.offset(l.pos-1))
		}
	}
}

// literal reads a literal string (§7.3.4.2): balanced parentheses, backslash
// escapes, and end-of-line markers (CR, LF or CRLF) read as a single LF.
func (l *lexer) literal() (token, error) {
	start := l.pos
	l.pos++ // '('
	var s []byte
	depth := 1
	for {
		if l.pos >= len(l.buf) {
			return token{}, l.short("string")
		}
		c := l.buf[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
			s = append(s, c)
		case ')':
			depth--
			if depth == 0 {
				return token{kind: tokString, start: start, end: l.pos, s: string(s)}, nil
			}
			s = append(s, c)
		case '\r':
			if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
				l.pos++
			}
			s = append(s, '\n')
		case '\\':
			if l.pos >= len(l.buf) {
				return token{}, l.short("string")
			}
			e := l.buf[l.pos]
			l.pos++
			switch e {
			case 'n':
				s = append(s, '\n')
			case 'r':
				s = append(s, '\r')
			case 't':
				s = append(s, '\t')
			case 'b':
				s = append(s, '\b')
			case 'f':
				s = append(s, '\f')
			case '\r': // line continuation
				if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
					l.pos++
				}
			case '\n':
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.pos < len(l.buf) && l.buf[l.pos] >= '0' && l.buf[l.pos] <= '7'; k++ {
						v = v*8 + int(l.buf[l.pos]-'0')
						l.pos++
					}
					s = append(s, byte(v)) // high-order overflow is ignored (§7.3.4.2)
				} else {
					s = append(s, e) // \( \) \\ and unknown escapes: the character itself
				}
			}
		default:
			s = append(s, c)
		}
	}
}
