package search

import (
	"bytes"
	"io"
	"strconv"

	"github.com/ledongthuc/pdf"
)

// Content streams are tokenized here rather than by the reader's Interpret:
// its lexer loops forever on a stream that ends inside a hex string ("<0A"),
// without reading anything more, so neither the deadline on reads nor a
// recover can stop it. This lexer always advances and stops at the end.

// Limits on one content stream.
const (
	maxContentBytes = 32 << 20 // decoded bytes of one page's content (a bomb is cut here)
	maxOperands     = 64       // operands kept before an operator
	maxArrayLen     = 1 << 16  // elements kept in one array (a TJ line)
	maxArrayDepth   = 8
)

// operand is a content-stream operand; only what text extraction needs is
// kept: numbers, strings (raw bytes), names and arrays of them.
type operand struct {
	kind byte // 'n' number, 's' string, '/' name, '[' array, '?' anything else
	num  float64
	str  string
	arr  []operand
}

// contentLexer splits decoded content into operands and operators
// (ISO 32000-1 §7.2, §7.8.2).
type contentLexer struct {
	data []byte
	pos  int
}

// run calls op for every operator with its operands, in order.
func (l *contentLexer) run(tick func(), op func(name string, args []operand)) {
	var args []operand
	for {
		tick()
		l.skipSpace()
		if l.pos >= len(l.data) {
			return
		}
		c := l.data[l.pos]
		if isRegular(c) && !isNumberStart(c) {
			kw := l.word()
			switch kw {
			case "true", "false", "null":
				args = appendOperand(args, operand{kind: '?'})
				continue
			case "BI":
				l.skipInlineImage()
			default:
				op(kw, args)
			}
			args = args[:0]
			continue
		}
		if o, ok := l.operand(0); ok {
			args = appendOperand(args, o)
		}
	}
}

func appendOperand(args []operand, o operand) []operand {
	if len(args) >= maxOperands {
		return args
	}
	return append(args, o)
}

// operand reads one operand at l.pos; ok is false for a stray delimiter,
// which is skipped.
func (l *contentLexer) operand(depth int) (operand, bool) {
	c := l.data[l.pos]
	switch {
	case c == '(':
		l.pos++
		return operand{kind: 's', str: l.literal()}, true
	case c == '<' && l.peek(1) == '<':
		l.pos += 2
		l.skipDict()
		return operand{kind: '?'}, true
	case c == '<':
		l.pos++
		return operand{kind: 's', str: l.hex()}, true
	case c == '/':
		l.pos++
		return operand{kind: '/', str: l.name()}, true
	case c == '[':
		l.pos++
		return operand{kind: '[', arr: l.array(depth + 1)}, true
	case isNumberStart(c):
		w := l.word()
		if f, err := strconv.ParseFloat(w, 64); err == nil {
			return operand{kind: 'n', num: f}, true
		}
		return operand{kind: '?'}, true
	case isRegular(c):
		l.word()
		return operand{kind: '?'}, true
	}
	l.pos++ // ')', '>', ']', '{', '}' out of place
	return operand{}, false
}

func (l *contentLexer) peek(n int) byte {
	if l.pos+n < len(l.data) {
		return l.data[l.pos+n]
	}
	return 0
}

func (l *contentLexer) skipSpace() {
	for l.pos < len(l.data) {
		switch c := l.data[l.pos]; {
		case isPDFSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// word reads a run of regular characters.
func (l *contentLexer) word() string {
	start := l.pos
	for l.pos < len(l.data) && isRegular(l.data[l.pos]) {
		l.pos++
	}
	return string(l.data[start:l.pos])
}

// literal reads a literal string after its "(" (§7.3.4.2).
func (l *contentLexer) literal() string {
	var b []byte
	depth := 1
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return string(b)
			}
		case '\\':
			if l.pos >= len(l.data) {
				return string(b)
			}
			e := l.data[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.peek(0) == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v := int(e - '0')
				for i := 0; i < 2 && l.pos < len(l.data) && '0' <= l.data[l.pos] && l.data[l.pos] <= '7'; i++ {
					v = v*8 + int(l.data[l.pos]-'0')
					l.pos++
				}
				c = byte(v)
			default:
				c = e
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// hex reads a hex string after its "<" (§7.3.4.3); other characters are
// ignored and an odd final digit is followed by 0, as the standard says.
func (l *contentLexer) hex() string {
	var b []byte
	half, have := byte(0), false
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		if c == '>' {
			break
		}
		v, ok := unhexByte(c)
		if !ok {
			continue
		}
		if have {
			b = append(b, half<<4|v)
			have = false
		} else {
			half, have = v, true
		}
	}
	if have {
		b = append(b, half<<4)
	}
	return string(b)
}

// name reads a name after its "/", decoding #xx escapes.
func (l *contentLexer) name() string {
	var b []byte
	for l.pos < len(l.data) && isRegular(l.data[l.pos]) {
		c := l.data[l.pos]
		l.pos++
		if c == '#' && l.pos+1 < len(l.data) {
			h, ok1 := unhexByte(l.data[l.pos])
			lo, ok2 := unhexByte(l.data[l.pos+1])
			if ok1 && ok2 {
				c = h<<4 | lo
				l.pos += 2
			}
		}
		b = append(b, c)
	}
	return string(b)
}

// array reads an array after its "[".
func (l *contentLexer) array(depth int) []operand {
	var arr []operand
	for {
		l.skipSpace()
		if l.pos >= len(l.data) {
			return arr
		}
		c := l.data[l.pos]
		if c == ']' {
			l.pos++
			return arr
		}
		if depth > maxArrayDepth && c == '[' {
			l.pos++
			continue
		}
		if isRegular(c) && !isNumberStart(c) {
			l.word() // an operator inside an array is malformed: skip it
			continue
		}
		if o, ok := l.operand(depth); ok && len(arr) < maxArrayLen {
			arr = append(arr, o)
		}
	}
}

// skipDict skips a dictionary after its "<<" (marked-content properties),
// strings and nested dictionaries included.
func (l *contentLexer) skipDict() {
	depth := 1
	for l.pos < len(l.data) && depth > 0 {
		switch c := l.data[l.pos]; {
		case c == '(':
			l.pos++
			l.literal()
		case c == '<' && l.peek(1) == '<':
			l.pos += 2
			depth++
		case c == '>' && l.peek(1) == '>':
			l.pos += 2
			depth--
		case c == '<':
			l.pos++
			l.hex()
		default:
			l.pos++
		}
	}
}

// skipInlineImage skips an inline image (§8.9.7): its dictionary up to
// "ID", then binary data up to "EI" between white space.
func (l *contentLexer) skipInlineImage() {
	i := bytes.Index(l.data[l.pos:], []byte("ID"))
	if i < 0 {
		l.pos = len(l.data)
		return
	}
	l.pos += i + 2
	for {
		j := bytes.Index(l.data[l.pos:], []byte("EI"))
		if j < 0 {
			l.pos = len(l.data)
			return
		}
		at := l.pos + j
		l.pos = at + 2
		if at > 0 && isPDFSpace(l.data[at-1]) && (l.pos >= len(l.data) || isPDFSpace(l.data[l.pos]) || isDelimiter(l.data[l.pos])) {
			return
		}
	}
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelimiter(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

func isRegular(c byte) bool { return !isPDFSpace(c) && !isDelimiter(c) }

func isNumberStart(c byte) bool { return '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.' }

func unhexByte(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// readStream returns the decoded data of a stream, or of an array of
// streams joined by line ends (a page's Contents may be either), cut at
// limit bytes. What was decoded before an error is kept: a damaged stream
// still gives the text before the damage.
func readStream(v pdf.Value, limit int) []byte {
	var parts []pdf.Value
	switch v.Kind() {
	case pdf.Stream:
		parts = []pdf.Value{v}
	case pdf.Array:
		for i := 0; i < v.Len() && i < 4096; i++ {
			parts = append(parts, v.Index(i))
		}
	}
	var buf bytes.Buffer
	for _, p := range parts {
		if buf.Len() >= limit {
			break
		}
		if p.Kind() == pdf.Stream {
			copyStream(&buf, p, int64(limit-buf.Len()))
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

// copyStream appends up to n decoded bytes of s to buf. The reader panics
// on filters it does not know; such a stream is skipped, unless the panic is
// one of ours (the deadline).
func copyStream(buf *bytes.Buffer, s pdf.Value, n int64) {
	defer func() {
		if p := recover(); p != nil && (p == errTimeout || p == errFull) {
			panic(p)
		}
	}()
	rc := s.Reader()
	defer rc.Close()
	_, _ = io.Copy(buf, io.LimitReader(rc, n))
}
