package pdf

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
)

// Serialization of the object model (ISO 32000-1 §7.3). Output is
// deterministic: dictionary keys are sorted, numbers have one spelling.

// encoder serializes objects into buf and notes where signature
// placeholders land, relative to the start of buf.
type encoder struct {
	buf       bytes.Buffer
	contents  Span
	byteRange Span
	maxRef    int // references must name objects below this number
}

// Span is a half-open byte range [Start, End) of the output file.
type Span struct{ Start, End int64 }

// IsZero reports whether the span was never set.
func (s Span) IsZero() bool { return s == Span{} }

func (e *encoder) object(o Object, depth int) error {
	if depth > maxNesting {
		return fmt.Errorf("objects nested deeper than %d", maxNesting)
	}
	b := &e.buf
	switch v := o.(type) {
	case nil, Null:
		b.WriteString("null")
	case Bool:
		if v {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case Int:
		b.WriteString(strconv.FormatInt(int64(v), 10))
	case Real:
		s, err := formatReal(float64(v))
		if err != nil {
			return err
		}
		b.WriteString(s)
	case Name:
		writeName(b, v)
	case String:
		writeLiteral(b, string(v))
	case HexString:
		writeHex(b, string(v))
	case Ref:
		if v.Num <= 0 || v.Gen < 0 || v.Gen > 65535 || (e.maxRef > 0 && v.Num >= e.maxRef) {
			return fmt.Errorf("reference %v names no object", v)
		}
		fmt.Fprintf(b, "%d %d R", v.Num, v.Gen)
	case Array:
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(' ')
			}
			if err := e.object(x, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case Dict:
		b.WriteString("<<")
		for i, k := range v.sortedKeys() {
			if i > 0 {
				b.WriteByte(' ')
			}
			writeName(b, k)
			b.WriteByte(' ')
			if err := e.object(v[k], depth+1); err != nil {
				return fmt.Errorf("/%s: %w", k, err)
			}
		}
		b.WriteString(">>")
	case *Stream:
		if depth > 0 {
			return fmt.Errorf("a stream must be an indirect object (§7.3.8)")
		}
		if v == nil {
			return fmt.Errorf("nil stream")
		}
		d := v.Dict.Clone()
		d["Length"] = Int(len(v.Data))
		if err := e.object(d, depth+1); err != nil {
			return err
		}
		// "stream" is followed by CRLF or LF, and the data by an EOL
		// before "endstream" (§7.3.8.1).
		b.WriteString("\nstream\n")
		b.Write(v.Data)
		b.WriteString("\nendstream")
	case ContentsPlaceholder:
		if !e.contents.IsZero() {
			return fmt.Errorf("more than one ContentsPlaceholder in an object")
		}
		if v.Len <= 0 || v.Len > MaxContentsLen {
			return fmt.Errorf("ContentsPlaceholder length %d outside 1..%d", v.Len, MaxContentsLen)
		}
		e.contents.Start = int64(b.Len())
		b.WriteByte('<')
		b.Write(bytes.Repeat([]byte{'0'}, 2*v.Len))
		b.WriteByte('>')
		e.contents.End = int64(b.Len())
	case ByteRangePlaceholder:
		if !e.byteRange.IsZero() {
			return fmt.Errorf("more than one ByteRangePlaceholder in an object")
		}
		e.byteRange.Start = int64(b.Len())
		p, _ := formatByteRange([4]int64{})
		b.Write(p)
		e.byteRange.End = int64(b.Len())
	default:
		return fmt.Errorf("cannot write a %T", o)
	}
	return nil
}

// formatReal writes a real without exponent (§7.3.3: PDF has no
// exponential notation), in the shortest form that reads back exactly.
func formatReal(f float64) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "", fmt.Errorf("real %v cannot be written", f)
	}
	if f == 0 {
		return "0", nil
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}

// writeName writes /name, escaping as #xx every byte outside the regular
// printable range, and '#' itself (§7.3.5).
func writeName(b *bytes.Buffer, n Name) {
	b.WriteByte('/')
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '#' || isDelim(c) {
			fmt.Fprintf(b, "#%02X", c)
			continue
		}
		b.WriteByte(c)
	}
}

// writeLiteral writes a literal string (§7.3.4.2). Backslash and both
// parentheses are escaped; so are CR (a raw one would read back as LF) and
// the other control characters, for readability. Bytes from 0x80 up are
// written as they are.
func writeLiteral(b *bytes.Buffer, s string) {
	b.WriteByte('(')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '(', ')':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 || c == 0x7f {
				fmt.Fprintf(b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte(')')
}

// writeHex writes a hexadecimal string (§7.3.4.3).
func writeHex(b *bytes.Buffer, s string) {
	const digits = "0123456789abcdef"
	b.WriteByte('<')
	for i := 0; i < len(s); i++ {
		b.WriteByte(digits[s[i]>>4])
		b.WriteByte(digits[s[i]&15])
	}
	b.WriteByte('>')
}

// Marshal serializes one direct object, as it would appear in an update.
// It is meant for tests and diagnostics.
func Marshal(o Object) ([]byte, error) {
	var e encoder
	if err := e.object(o, 0); err != nil {
		return nil, fmt.Errorf("pdf: marshal: %w", err)
	}
	return e.buf.Bytes(), nil
}
