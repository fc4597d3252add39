// Package i18n holds the interface's words in Vietnamese (first) and English.
//
// Messages live in catalogs registered by the messages_*.go files, one entry
// per key with both languages. Every entry is checked by tests: both texts
// present and in Unicode NFC, placeholders matching.
package i18n

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Lang is an interface language.
type Lang string

// The languages kyso speaks. Vietnamese is the default.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Default is the language used when nothing else is asked for.
const Default = VI

// Parse returns the language named by s, or Default.
func Parse(s string) Lang {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en", "en-us", "en-gb", "english":
		return EN
	}
	return VI
}

// Name is the language's own name, for the switch in the interface.
func (l Lang) Name() string {
	if l == EN {
		return "English"
	}
	return "Tiếng Việt"
}

type entry struct{ vi, en string }

var catalog = map[string]entry{}

// register adds messages; a duplicate key is a programming error.
func register(m map[string][2]string) {
	for k, v := range m {
		if _, dup := catalog[k]; dup {
			panic("i18n: duplicate key " + k)
		}
		catalog[k] = entry{vi: v[0], en: v[1]}
	}
}

// T returns the message for key in lang, formatted with args. An unknown key
// comes back as itself, so a missing translation is visible, not blank.
func T(lang Lang, key string, args ...any) string {
	e, ok := catalog[key]
	if !ok {
		return key
	}
	s := e.vi
	if lang == EN {
		s = e.en
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the catalog.
func Has(key string) bool {
	_, ok := catalog[key]
	return ok
}

// Keys lists every key, sorted; for tests.
func Keys() []string {
	keys := make([]string, 0, len(catalog))
	for k := range catalog {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// FromRequest picks the language: the kyso_lang cookie, then the
// Accept-Language header's first choice, then Vietnamese.
func FromRequest(r *http.Request) Lang {
	if c, err := r.Cookie(CookieName); err == nil {
		return Parse(c.Value)
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		first := strings.SplitN(strings.SplitN(al, ",", 2)[0], ";", 2)[0]
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(first)), "en") {
			return EN
		}
	}
	return Default
}

// CookieName is the cookie that remembers the chosen language.
const CookieName = "kyso_lang"
