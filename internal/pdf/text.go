package pdf

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Text strings (ISO 32000-1 §7.9.2.2) are either PDFDocEncoding or UTF-16BE
// with a byte order mark; PDF 2.0 (ISO 32000-2 §7.9.2.2.1) adds UTF-8 with
// a BOM. Field names, /Reason, /Location, /Name of a signature and the
// document information are text strings.

// TextString encodes s as a PDF text string: as is when it is printable
// ASCII (where PDFDocEncoding and ASCII agree), otherwise as UTF-16BE with
// a byte order mark, which every reader since PDF 1.2 understands and
// which carries Vietnamese. s should be NFC-normalized by the caller.
func TextString(s string) String {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c > 0x7e) && c != '\t' && c != '\n' && c != '\r' {
			ascii = false
			break
		}
	}
	if ascii {
		return String(s)
	}
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xfe, 0xff
	for _, c := range u {
		b = append(b, byte(c>>8), byte(c))
	}
	return String(b)
}

// DecodeText decodes the bytes of a text string to UTF-8.
func DecodeText(b string) string {
	switch {
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		u := make([]uint16, 0, (len(b)-2)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		}
		return string(utf16.Decode(u))
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		return strings.ToValidUTF8(b[3:], "\uFFFD")
	}
	var sb strings.Builder
	sb.Grow(len(b))
	for i := 0; i < len(b); i++ {
		sb.WriteRune(pdfDocRune(b[i]))
	}
	return sb.String()
}

// Text returns the decoded text of a String or HexString.
func Text(o Object) (string, bool) {
	b, ok := Bytes(o)
	if !ok {
		return "", false
	}
	return DecodeText(string(b)), true
}

// pdfDocHigh maps PDFDocEncoding 0x18–0x1F and 0x80–0xA0 to Unicode
// (Annex D.2, Table D.2); 0 marks undefined codes.
var pdfDocHigh = map[byte]rune{
	0x18: 0x02d8, 0x19: 0x02c7, 0x1a: 0x02c6, 0x1b: 0x02d9, 0x1c: 0x02dd, 0x1d: 0x02db, 0x1e: 0x02da, 0x1f: 0x02dc,
	0x80: 0x2022, 0x81: 0x2020, 0x82: 0x2021, 0x83: 0x2026, 0x84: 0x2014, 0x85: 0x2013, 0x86: 0x0192, 0x87: 0x2044,
	0x88: 0x2039, 0x89: 0x203a, 0x8a: 0x2212, 0x8b: 0x2030, 0x8c: 0x201e, 0x8d: 0x201c, 0x8e: 0x201d, 0x8f: 0x2018,
	0x90: 0x2019, 0x91: 0x201a, 0x92: 0x2122, 0x93: 0xfb01, 0x94: 0xfb02, 0x95: 0x0141, 0x96: 0x0152, 0x97: 0x0160,
	0x98: 0x0178, 0x99: 0x017d, 0x9a: 0x0131, 0x9b: 0x0142, 0x9c: 0x0153, 0x9d: 0x0161, 0x9e: 0x017e, 0x9f: 0,
	0xa0: 0x20ac,
}

func pdfDocRune(c byte) rune {
	if r, ok := pdfDocHigh[c]; ok {
		if r == 0 {
			return utf8.RuneError
		}
		return r
	}
	return rune(c) // ASCII and, from 0xA1, Latin-1
}
