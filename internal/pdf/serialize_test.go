package pdf

import (
	"fmt"
	"reflect"
	"testing"
)

// TestMarshal checks the spelling of every kind of object and that the
// parser reads it back unchanged.
func TestMarshal(t *testing.T) {
	tests := []struct {
		name string
		obj  Object
		want string
	}{
		{"name/plain", Name("Adobe.PPKLite"), "/Adobe.PPKLite"},
		{"name/escapes", Name("A B#/(x)"), "/A#20B#23#2F#28x#29"},
		{"name/utf8", Name("Đ"), "/#C4#90"},
		{"name/empty", Name(""), "/"},
		{"string/plain", String("Hello"), "(Hello)"},
		{"string/delimiters", String(`a(b)c\`), `(a\(b\)c\\)`},
		{"string/eol", String("l1\r\nl2\n"), `(l1\r\nl2\n)`},
		{"string/controls", String("\x00\x1f\x7f\t\b\f"), `(\000\037\177\t\b\f)`},
		{"string/utf16", String("\xfe\xff\x01\x10"), "(\xfe\xff\\001\\020)"},
		{"hex", HexString("\x00\xab\xff"), "<00abff>"},
		{"hex/empty", HexString(""), "<>"},
		{"int", Int(-42), "-42"},
		{"real/fraction", Real(0.1), "0.1"},
		{"real/small", Real(1e-7), "0.0000001"},
		{"real/large", Real(1e20), "100000000000000000000"},
		{"real/negative", Real(-2.5), "-2.5"},
		{"real/integral", Real(3), "3"},
		{"real/negative-zero", Real(-0.0), "0"},
		{"bool", Bool(true), "true"},
		{"null", Null{}, "null"},
		{"ref", Ref{12, 3}, "12 3 R"},
		{"array", Array{Int(1), Name("N"), Array{}, String("s")}, "[1 /N [] (s)]"},
		{"dict/sorted", Dict{"Z": Int(1), "A": Dict{"b": Bool(false), "a": Null{}}, "M": Ref{1, 0}}, "<</A <</a null /b false>> /M 1 0 R /Z 1>>"},
		{"dict/empty", Dict{}, "<<>>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.obj)
			if err != nil || string(got) != tt.want {
				t.Fatalf("Marshal = %q, %v; want %q", got, err, tt.want)
			}
			back, err := newParser(got, 0, true).object()
			if err != nil {
				t.Fatalf("parse %q: %v", got, err)
			}
			if !reflect.DeepEqual(back, normalize(tt.obj)) {
				t.Errorf("read back %#v, want %#v", back, tt.obj)
			}
		})
	}
}

// normalize maps what the parser cannot tell apart: an integral Real reads
// back as an Int.
func normalize(o Object) Object {
	if r, ok := o.(Real); ok && float64(r) == float64(int64(r)) {
		return Int(int64(r))
	}
	return o
}

// TestMarshalStream checks the stream layout (§7.3.8.1).
func TestMarshalStream(t *testing.T) {
	got, err := Marshal(&Stream{Dict: Dict{"Length": Int(99), "Type": Name("XObject")}, Data: []byte("abc")})
	want := "<</Length 3 /Type /XObject>>\nstream\nabc\nendstream"
	if err != nil || string(got) != want {
		t.Errorf("Marshal = %q, %v; want %q", got, err, want)
	}
}

// TestParseObjects reads syntax that producers write and we never do.
func TestParseObjects(t *testing.T) {
	tests := []struct {
		in   string
		want Object
	}{
		{"<</A/B/C[1 2]>>", Dict{"A": Name("B"), "C": Array{Int(1), Int(2)}}},
		{"[1 0 R 2 3 -1 4 5 0 R]", Array{Ref{1, 0}, Int(2), Int(3), Int(-1), Int(4), Ref{5, 0}}},
		{"(a\\\nb\\\r\nc)", String("abc")},
		{"(\\0053\\7\\q)", String("\x053\x07q")},
		{"(a\rb\r\nc)", String("a\nb\nc")},
		{"(nested (paren) ok)", String("nested (paren) ok")},
		{"<4 1 4>", HexString("\x41\x40")},
		{"% comment\n42", Int(42)},
		{"--5", Int(-5)},
		{"+.5", Real(0.5)},
		{"4.", Real(4)},
		{"123456789012345678901", Real(123456789012345678901)},
		{"<</Key>>", Dict{"Key": Null{}}},
		{"/#41#4", Name("A#4")},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := newParser([]byte(tt.in), 0, true).object()
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestParseErrors checks that malformed syntax is an error, not a panic.
func TestParseErrors(t *testing.T) {
	for _, in := range []string{"", "<<", "[1 2", "(unclosed", "<4g>", ">", ")", "<</A 1 2>>", "endobj", "[<<]>>", "<</A>", "{"} {
		if got, err := newParser([]byte(in), 0, true).object(); err == nil {
			t.Errorf("%q parsed as %#v", in, got)
		}
	}
	deep := ""
	for range maxNesting + 2 {
		deep += "["
	}
	if _, err := newParser([]byte(deep), 0, true).object(); err == nil {
		t.Error("deep nesting accepted")
	}
}
