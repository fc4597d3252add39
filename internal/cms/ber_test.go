package cms

import (
	"bytes"
	"errors"
	"testing"
)

// berify re-encodes DER the way BER producers do: every constructed element
// with an indefinite length, and every OCTET STRING longer than 16 bytes as
// constructed segments. normalize must undo it exactly.
func berify(der []byte) []byte {
	out, _ := berifyElem(der)
	return out
}

func berifyElem(in []byte) ([]byte, int) {
	h, err := readHeader(in)
	if err != nil {
		panic(err)
	}
	end := h.size + h.length
	content := in[h.size:end]
	switch {
	case h.constructed:
		out := append(append([]byte{}, h.tag...), 0x80)
		for pos := 0; pos < len(content); {
			child, n := berifyElem(content[pos:])
			out = append(out, child...)
			pos += n
		}
		return append(out, 0, 0), end
	case h.isOctetString() && len(content) > 16:
		out := []byte{0x24, 0x80}
		for pos := 0; pos < len(content); pos += 16 {
			out = append(out, encodeTLV([]byte{0x04}, content[pos:min(pos+16, len(content))])...)
		}
		return append(out, 0, 0), end
	}
	return in[:end], end
}

// TestNormalize checks the BER-to-DER rewriting on small cases.
func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []byte
		want    []byte // nil: an error
		changed bool
	}{
		{"DER stays", []byte{0x30, 3, 2, 1, 5}, []byte{0x30, 3, 2, 1, 5}, false},
		{"indefinite SEQUENCE", []byte{0x30, 0x80, 2, 1, 5, 0, 0}, []byte{0x30, 3, 2, 1, 5}, true},
		{"nested indefinite", []byte{0x30, 0x80, 0x31, 0x80, 5, 0, 0, 0, 0, 0}, []byte{0x30, 4, 0x31, 2, 5, 0}, true},
		{"long-form short length", []byte{0x04, 0x81, 2, 'h', 'i'}, []byte{0x04, 2, 'h', 'i'}, true},
		{"long-form with a leading zero", []byte{0x30, 0x82, 0, 3, 2, 1, 5}, []byte{0x30, 3, 2, 1, 5}, true},
		{"constructed OCTET STRING", []byte{0x24, 0x80, 4, 1, 'a', 0x24, 4, 4, 2, 'b', 'c', 0, 0}, []byte{4, 3, 'a', 'b', 'c'}, true},
		{"empty constructed OCTET STRING", []byte{0x24, 0}, []byte{4, 0}, true},
		{"high tag number", []byte{0x1f, 0x81, 0x01, 1, 7}, []byte{0x1f, 0x81, 0x01, 1, 7}, false},
		{"unchanged prefix, changed child", []byte{0x30, 10, 2, 1, 5, 0x30, 0x80, 2, 1, 6, 0, 0}, []byte{0x30, 8, 2, 1, 5, 0x30, 3, 2, 1, 6}, true},
		{"truncated", []byte{0x30, 5, 2, 1}, nil, false},
		{"primitive with indefinite length", []byte{0x04, 0x80, 0, 0}, nil, false},
		{"missing end-of-contents", []byte{0x30, 0x80, 2, 1, 5}, nil, false},
		{"end-of-contents out of place", []byte{0x30, 2, 0, 0}, nil, false},
		{"reserved length", []byte{0x04, 0xff, 0}, nil, false},
		{"length of five bytes", []byte{0x04, 0x85, 0, 0, 0, 0, 1, 0}, nil, false},
		{"OCTET STRING segment of another type", []byte{0x24, 0x80, 2, 1, 5, 0, 0}, nil, false},
		{"tag number too long", []byte{0x1f, 0x81, 0x81, 0x81, 0x81, 0x01, 0}, nil, false},
		{"too deep", append(bytes.Repeat([]byte{0x30, 0x80}, maxDepth+2), bytes.Repeat([]byte{0, 0}, maxDepth+2)...), nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, n, changed, err := normalize(tc.in)
			if tc.want == nil {
				if err == nil || !errors.Is(err, errBER) {
					t.Fatalf("normalize: %x, %v; want an error", out, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out, tc.want) || changed != tc.changed || n != len(tc.in) {
				t.Fatalf("normalize = %x (n %d, changed %v), want %x (changed %v)", out, n, changed, tc.want, tc.changed)
			}
		})
	}
}

// TestNormalizeUndoesBER: kyso's DER, made BER, comes back byte for byte.
func TestNormalizeUndoesBER(t *testing.T) {
	for _, kind := range []string{"rsa2048", "p256"} {
		p := newTestPKI(t, kind)
		der := mustSign(t, p)
		ber := berify(der)
		if bytes.Equal(ber, der) {
			t.Fatal("berify changed nothing")
		}
		out, n, changed, err := normalize(ber)
		if err != nil || !changed || n != len(ber) || !bytes.Equal(out, der) {
			t.Fatalf("normalize(berify(der)) != der (changed %v, err %v)", changed, err)
		}
		if out, _, changed, _ := normalize(der); changed || &out[0] != &der[0] {
			t.Error("normalize copied or changed DER input")
		}
	}
}

// TestParseRefuses checks the inputs Parse refuses and the sentinel.
func TestParseRefuses(t *testing.T) {
	p := newTestPKI(t, "p256")
	good := mustSign(t, p)
	for _, tc := range []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"zero placeholder", make([]byte, 8192), ErrMalformed},
		{"too large", make([]byte, MaxSize+1), ErrTooLarge},
		{"not a ContentInfo", []byte{2, 1, 0}, ErrMalformed},
		{"enveloped-data", []byte{0x30, 11, 6, 9, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 7, 3}, ErrMalformed},
		{"truncated", good[:len(good)-1], ErrMalformed},
		{"cut in half", good[:len(good)/2], ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Parse(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("Parse: %v, want %v", err, tc.want)
			}
		})
	}
}
