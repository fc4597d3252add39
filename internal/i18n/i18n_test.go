package i18n

import (
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

func TestCatalogIsComplete(t *testing.T) {
	if len(Keys()) < 50 {
		t.Fatalf("catalog has %d keys; messages did not register", len(Keys()))
	}
	for _, k := range Keys() {
		e := catalog[k]
		if strings.TrimSpace(e.vi) == "" || strings.TrimSpace(e.en) == "" {
			t.Errorf("%s: a language is missing (vi=%q en=%q)", k, e.vi, e.en)
		}
		if !norm.NFC.IsNormalString(e.vi) || !norm.NFC.IsNormalString(e.en) {
			t.Errorf("%s: text is not NFC", k)
		}
		if a, b := verb.FindAllString(e.vi, -1), verb.FindAllString(e.en, -1); strings.Join(a, " ") != strings.Join(b, " ") {
			t.Errorf("%s: placeholders differ: vi %v, en %v", k, a, b)
		}
	}
}

func TestT(t *testing.T) {
	register(map[string][2]string{"test.hello": {"Xin chào %s", "Hello %s"}})
	defer delete(catalog, "test.hello")
	if got := T(VI, "test.hello", "Hằng"); got != "Xin chào Hằng" {
		t.Errorf("vi: %q", got)
	}
	if got := T(EN, "test.hello", "Hang"); got != "Hello Hang" {
		t.Errorf("en: %q", got)
	}
	if got := T(VI, "no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: %q", got)
	}
}

func TestFromRequest(t *testing.T) {
	tests := []struct {
		cookie, accept string
		want           Lang
	}{
		{"", "", VI},
		{"", "en-US,en;q=0.9", EN},
		{"", "vi-VN,vi;q=0.9,en;q=0.8", VI},
		{"vi", "en-US", VI},
		{"en", "vi", EN},
		{"xx", "", VI},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.cookie != "" {
			r.Header.Set("Cookie", CookieName+"="+tt.cookie)
		}
		if tt.accept != "" {
			r.Header.Set("Accept-Language", tt.accept)
		}
		if got := FromRequest(r); got != tt.want {
			t.Errorf("cookie %q accept %q: %s, want %s", tt.cookie, tt.accept, got, tt.want)
		}
	}
}
