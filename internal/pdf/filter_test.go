package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"strings"
	"testing"
)

func zlibBytes(b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// pngUp encodes rows with the PNG "Up" filter, as xref streams usually are.
func pngUp(data []byte, cols int) []byte {
	var out []byte
	prev := make([]byte, cols)
	for i := 0; i < len(data); i += cols {
		row := data[i : i+cols]
		out = append(out, 2)
		for j := range row {
			out = append(out, row[j]-prev[j])
		}
		prev = row
	}
	return out
}

// TestDecode checks each filter (§7.4) and the predictors (§7.4.4.4).
func TestDecode(t *testing.T) {
	plain := []byte("1 0 0 1 0 0 cm BT /F1 12 Tf (Xin chao) Tj ET\n")
	rows := []byte{1, 0, 10, 0, 1, 0, 200, 0, 1, 1, 44, 0} // three xref rows, W [1 2 1]
	a85 := make([]byte, ascii85.MaxEncodedLen(len(plain)))
	a85 = a85[:ascii85.Encode(a85, plain)]
	tests := []struct {
		name string
		dict Dict
		data []byte
		want []byte
	}{
		{"none", Dict{}, plain, plain},
		{"flate", Dict{"Filter": Name("FlateDecode")}, zlibBytes(plain), plain},
		{"flate/short-name-array", Dict{"Filter": Array{Name("Fl")}}, zlibBytes(plain), plain},
		{"flate/truncated", Dict{"Filter": Name("FlateDecode")}, zlibBytes(plain)[:len(zlibBytes(plain))-4], plain},
		{"flate/png-up", Dict{"Filter": Name("FlateDecode"), "DecodeParms": Dict{"Predictor": Int(12), "Columns": Int(4)}}, zlibBytes(pngUp(rows, 4)), rows},
		{"flate/tiff", Dict{"Filter": Name("FlateDecode"), "DecodeParms": Dict{"Predictor": Int(2), "Columns": Int(4)}}, zlibBytes([]byte{1, 1, 1, 1, 5, 251, 0, 0}), []byte{1, 2, 3, 4, 5, 0, 0, 0}},
		{"asciihex", Dict{"Filter": Name("ASCIIHexDecode")}, []byte("48 65 6c6C 6f 7>"), []byte("Hello\x70")},
		{"ascii85", Dict{"Filter": Name("A85")}, append(append([]byte("<~"), a85...), "~>"...), plain},
		{"runlength", Dict{"Filter": Name("RunLengthDecode")}, []byte{2, 'a', 'b', 'c', 254, 'z', 128, 'q'}, []byte("abczzz")},
		// ISO 32000-1 §7.4.4.2 Example 2: "-----A---B" with EarlyChange 1.
		{"lzw/spec-example", Dict{"Filter": Name("LZWDecode")}, []byte{0x80, 0x0b, 0x60, 0x50, 0x22, 0x0c, 0x0c, 0x85, 0x01}, []byte("-----A---B")},
		{"chain", Dict{"Filter": Array{Name("ASCIIHexDecode"), Name("FlateDecode")}}, []byte(strings.ToUpper(hexOf(zlibBytes(plain))) + ">"), plain},
		{"crypt/identity", Dict{"Filter": Name("Crypt")}, plain, plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode(tt.dict, tt.data, nil)
			if err != nil || !bytes.Equal(got, tt.want) {
				t.Errorf("decode = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	for _, f := range []Name{"DCTDecode", "JBIG2Decode", "Nonsense"} {
		if _, err := decode(Dict{"Filter": f}, plain, nil); err == nil {
			t.Errorf("%s: no error", f)
		}
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	var s strings.Builder
	for _, c := range b {
		s.WriteByte(digits[c>>4])
		s.WriteByte(digits[c&15])
	}
	return s.String()
}

// TestDecodeStream decodes a content stream read from a Ghostscript file.
func TestDecodeStream(t *testing.T) {
	d, _ := openFile(t, "testdata/gs-3pages.pdf")
	p, _ := d.Page(2)
	pd, _ := d.DerefDict(p.Ref)
	o, err := d.Deref(pd.Get("Contents"))
	if err != nil {
		t.Fatal(err)
	}
	s, ok := o.(*Stream)
	if !ok {
		t.Fatalf("/Contents is %T", o)
	}
	data, err := d.DecodeStream(s)
	if err != nil || !bytes.Contains(data, []byte("(Trang 2)")) {
		t.Errorf("DecodeStream = %q, %v", data, err)
	}
}
