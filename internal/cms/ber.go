package cms

import (
	"errors"
	"fmt"
)

// maxDepth bounds the nesting that normalize follows, and so its recursion
// and the copies it makes of changed elements. The deepest of 225 real
// signatures (time-stamp tokens with revocation data inside unsigned
// attributes) nests 25 deep; much deeper input is hostile.
const maxDepth = 48

// normalize re-encodes the first BER element of in (X.690 §8) in the DER
// form of its lengths and strings, so that the rest of Parse can read it with
// cryptobyte, which accepts DER only. It changes exactly what real-world
// signers are known to emit in BER (some Adobe, Java and Windows versions):
//
//   - indefinite lengths (X.690 §8.1.3.6) become definite;
//   - long-form lengths that a short or shorter form could carry (allowed by
//     §8.1.3.5, forbidden by §10.1) become minimal;
//   - constructed OCTET STRINGs (§8.7.3, forbidden by §10.2) become
//     primitive, their segments concatenated.
//
// Everything else is copied as it is: the order of SET OF elements, the
// contents of primitive values and the encodings inside them (certificates
// keep their own bytes, which their signatures cover). changed reports
// whether any re-encoding happened; n is how many bytes of in the element
// took. When nothing changed, out aliases in.
func normalize(in []byte) (out []byte, n int, changed bool, err error) {
	return normElem(in, 0)
}

// errBER is the cause wrapped into ErrMalformed for undecodable input.
var errBER = errors.New("not BER")

// header is a decoded identifier and length (X.690 §8.1.2, §8.1.3).
type header struct {
	tag         []byte // identifier octets as found
	constructed bool
	indefinite  bool
	length      int // content length when definite
	size        int // identifier and length octets
	minimal     bool
}

// readHeader decodes the identifier and length octets at the start of in.
func readHeader(in []byte) (header, error) {
	var h header
	if len(in) < 2 {
		return h, fmt.Errorf("%w: truncated header", errBER)
	}
	i := 1
	if in[0]&0x1f == 0x1f { // high tag number form, X.690 §8.1.2.4
		for {
			if i >= len(in) || i > 4 {
				return h, fmt.Errorf("%w: tag number too long", errBER)
			}
			b := in[i]
			i++
			if b&0x80 == 0 {
				break
			}
		}
	}
	h.tag = in[:i]
	h.constructed = in[0]&0x20 != 0
	if i >= len(in) {
		return h, fmt.Errorf("%w: truncated length", errBER)
	}
	l := in[i]
	i++
	h.minimal = true
	switch {
	case l < 0x80:
		h.length = int(l)
	case l == 0x80:
		if !h.constructed {
			return h, fmt.Errorf("%w: primitive element with indefinite length", errBER)
		}
		h.indefinite = true
	case l == 0xff:
		return h, fmt.Errorf("%w: reserved length octet", errBER)
	default:
		n := int(l & 0x7f)
		if n > 4 || i+n > len(in) {
			return h, fmt.Errorf("%w: length too long", errBER)
		}
		v := 0
		for _, b := range in[i : i+n] {
			v = v<<8 | int(b)
		}
		i += n
		if v > 1<<30 {
			return h, fmt.Errorf("%w: length too long", errBER)
		}
		h.length = v
		h.minimal = v >= 0x80 && in[i-n] != 0
	}
	h.size = i
	if !h.indefinite && h.length > len(in)-i {
		return h, fmt.Errorf("%w: element longer than its input", errBER)
	}
	return h, nil
}

// isOctetString reports a universal OCTET STRING identifier, either form.
func (h header) isOctetString() bool { return len(h.tag) == 1 && h.tag[0]&^0x20 == 0x04 }

// normElem normalizes one element; see normalize.
func normElem(in []byte, depth int) (out []byte, n int, changed bool, err error) {
	if depth > maxDepth {
		return nil, 0, false, fmt.Errorf("%w: nested deeper than %d", errBER, maxDepth)
	}
	h, err := readHeader(in)
	if err != nil {
		return nil, 0, false, err
	}
	if len(h.tag) == 1 && h.tag[0] == 0 {
		return nil, 0, false, fmt.Errorf("%w: end-of-contents where an element was expected", errBER)
	}
	if !h.constructed {
		end := h.size + h.length
		if h.minimal {
			return in[:end], end, false, nil
		}
		return encodeTLV(h.tag, in[h.size:end]), end, true, nil
	}

	// Constructed: normalize the children into buf, which stays nil while
	// they are all unchanged so that the common DER case copies nothing.
	content := in[h.size:]
	if !h.indefinite {
		content = content[:h.length]
	}
	octets := h.isOctetString()
	changed = !h.minimal || h.indefinite || octets
	var buf []byte
	pos := 0
	for {
		if h.indefinite {
			if len(content)-pos < 2 {
				return nil, 0, false, fmt.Errorf("%w: missing end-of-contents", errBER)
			}
			if content[pos] == 0 && content[pos+1] == 0 {
				pos += 2
				break
			}
		} else if pos == len(content) {
			break
		}
		child, cn, cchanged, err := normElem(content[pos:], depth+1)
		if err != nil {
			return nil, 0, false, err
		}
		if octets {
			// X.690 §8.7.3.2: the segments are OCTET STRINGs, which
			// normElem has already made primitive.
			if child[0] != 0x04 {
				return nil, 0, false, fmt.Errorf("%w: constructed OCTET STRING holds another type", errBER)
			}
			ch, _ := readHeader(child)
			buf = append(buf, child[ch.size:]...)
		} else if cchanged || buf != nil {
			if buf == nil {
				buf = append(make([]byte, 0, len(content)), content[:pos]...)
			}
			buf = append(buf, child...)
			changed = true
		}
		pos += cn
	}
	n = h.size + pos
	if !changed {
		return in[:n], n, false, nil
	}
	tag := h.tag
	if octets {
		tag = []byte{0x04}
	}
	if buf == nil && !octets {
		buf = content[:pos]
		if h.indefinite {
			buf = content[:pos-2]
		}
	}
	return encodeTLV(tag, buf), n, true, nil
}

// encodeTLV encodes an element with the given identifier octets and a
// minimal definite length (X.690 §10.1).
func encodeTLV(tag, content []byte) []byte {
	l := len(content)
	var lenBytes []byte
	switch {
	case l < 0x80:
		lenBytes = []byte{byte(l)}
	default:
		var b []byte
		for v := l; v > 0; v >>= 8 {
			b = append([]byte{byte(v)}, b...)
		}
		lenBytes = append([]byte{0x80 | byte(len(b))}, b...)
	}
	out := make([]byte, 0, len(tag)+len(lenBytes)+l)
	out = append(out, tag...)
	out = append(out, lenBytes...)
	return append(out, content...)
}
