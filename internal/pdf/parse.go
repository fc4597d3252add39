package pdf

import (
	"fmt"
)

// maxNesting bounds array and dictionary nesting so that hostile input
// cannot exhaust the stack.
const maxNesting = 256

// parser builds objects from the lexer's tokens. It keeps up to two tokens
// of look-ahead, which is what "Num Gen R" needs (§7.3.10).
type parser struct {
	lx     lexer
	peeked []token
}

func newParser(buf []byte, base int64, atEOF bool) *parser {
	return &parser{lx: lexer{buf: buf, base: base, atEOF: atEOF}}
}

func (p *parser) next() (token, error) {
	if n := len(p.peeked); n > 0 {
		t := p.peeked[n-1]
		p.peeked = p.peeked[:n-1]
		return t, nil
	}
	return p.lx.next()
}

func (p *parser) unread(t token) { p.peeked = append(p.peeked, t) }

// pos returns the buffer index just after the last token taken.
func (p *parser) pos() int {
	if n := len(p.peeked); n > 0 {
		return p.peeked[0].start
	}
	return p.lx.pos
}

// object parses one direct object.
func (p *parser) object() (Object, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	return p.objectFrom(t, 0)
}

func (p *parser) objectFrom(t token, depth int) (Object, error) {
	if depth > maxNesting {
		return nil, fmt.Errorf("objects nested deeper than %d at %d", maxNesting, p.lx.offset(t.start))
	}
	switch t.kind {
	case tokInt:
		return p.intOrRef(t)
	case tokReal:
		return Real(t.f), nil
	case tokName:
		return Name(t.s), nil
	case tokString:
		return String(t.s), nil
	case tokHex:
		return HexString(t.s), nil
	case tokArrOpen:
		return p.array(depth)
	case tokDictOpen:
		return p.dict(depth)
	case tokKeyword:
		switch t.s {
		case "true":
			return Bool(true), nil
		case "false":
			return Bool(false), nil
		case "null":
			return Null{}, nil
		}
		return nil, fmt.Errorf("unexpected keyword %q at %d", t.s, p.lx.offset(t.start))
	case tokEOF:
		return nil, p.lx.short("object")
	}
	return nil, fmt.Errorf("unexpected token at %d", p.lx.offset(t.start))
}

// intOrRef reads "Num Gen R" as a Ref and anything else as an Int.
func (p *parser) intOrRef(t token) (Object, error) {
	t2, err := p.next()
	if err != nil {
		return nil, err
	}
	if t2.kind != tokInt || t2.i < 0 || t.i < 0 {
		p.unread(t2)
		return Int(t.i), nil
	}
	t3, err := p.next()
	if err != nil {
		return nil, err
	}
	if t3.kind == tokKeyword && t3.s == "R" && t.i <= maxObjNum && t2.i <= 65535 {
		return Ref{Num: int(t.i), Gen: int(t2.i)}, nil
	}
	p.unread(t3)
	p.unread(t2)
	return Int(t.i), nil
}

func (p *parser) array(depth int) (Object, error) {
	a := Array{}
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		if t.kind == tokArrClose {
			return a, nil
		}
		if t.kind == tokEOF {
			return nil, p.lx.short("array")
		}
		o, err := p.objectFrom(t, depth+1)
		if err != nil {
			return nil, err
		}
		a = append(a, o)
	}
}

func (p *parser) dict(depth int) (Object, error) {
	d := Dict{}
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case tokDictClose:
			return d, nil
		case tokEOF:
			return nil, p.lx.short("dictionary")
		case tokName:
		default:
			return nil, fmt.Errorf("dictionary key is not a name at %d", p.lx.offset(t.start))
		}
		v, err := p.next()
		if err != nil {
			return nil, err
		}
		if v.kind == tokDictClose {
			// "<< /Key >>": a key without a value reads as null.
			d[Name(t.s)] = Null{}
			return d, nil
		}
		o, err := p.objectFrom(v, depth+1)
		if err != nil {
			return nil, err
		}
		d[Name(t.s)] = o
	}
}

// keyword reads the next token and checks that it is the keyword kw.
func (p *parser) keyword(kw string) error {
	t, err := p.next()
	if err != nil {
		return err
	}
	if t.kind != tokKeyword || t.s != kw {
		if t.kind == tokEOF {
			return p.lx.short(kw)
		}
		return fmt.Errorf("expected %q at %d", kw, p.lx.offset(t.start))
	}
	return nil
}

// integer reads the next token and checks that it is a non-negative integer.
func (p *parser) integer() (int64, error) {
	t, err := p.next()
	if err != nil {
		return 0, err
	}
	if t.kind != tokInt || t.i < 0 {
		if t.kind == tokEOF {
			return 0, p.lx.short("integer")
		}
		return 0, fmt.Errorf("expected an integer at %d", p.lx.offset(t.start))
	}
	return t.i, nil
}
