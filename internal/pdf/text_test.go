package pdf

import (
	"testing"
)

// TestTextString checks the choice between ASCII and UTF-16BE (§7.9.2.2)
// and the round trip through DecodeText.
func TestTextString(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"Hello, world", "Hello, world"},
		{"tab\tnew\nline", "tab\tnew\nline"},
		{"", ""},
		{"Đ", "\xfe\xff\x01\x10"},
		{"Quyết định", "\xfe\xff\x00Q\x00u\x00y\x1e\xbf\x00t\x00 \x01\x11\x1e\xcb\x00n\x00h"},
		{"€1", "\xfe\xff\x20\xac\x001"},
		{"𝄞", "\xfe\xff\xd8\x34\xdd\x1e"}, // outside the BMP: a surrogate pair
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := TextString(tt.in)
			if string(got) != tt.want {
				t.Errorf("TextString = %q, want %q", got, tt.want)
			}
			if back := DecodeText(string(got)); back != tt.in {
				t.Errorf("DecodeText = %q", back)
			}
		})
	}
}

// TestDecodeText reads the other encodings producers use.
func TestDecodeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"pdfdoc/ascii", "abc", "abc"},
		{"pdfdoc/high", "\x80\x93\xa0\xe9", "•ﬁ€é"},
		{"pdfdoc/diacritics", "\x18\x1f", "˘˜"},
		{"pdfdoc/undefined", "\x9f", "\uFFFD"},
		{"utf8-bom", "\xef\xbb\xbfTiếng Việt", "Tiếng Việt"},
		{"utf16/odd-length", "\xfe\xff\x00A\x00", "A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DecodeText(tt.in); got != tt.want {
				t.Errorf("DecodeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
