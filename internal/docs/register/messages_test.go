package register

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/i18n"
)

// TestEveryKeyHasAMessage reads the package's source for message keys, so
// that a key used without a message in the catalog (which users would see
// raw) fails here. The catalog's own tests check both languages, NFC and
// placeholders.
func TestEveryKeyHasAMessage(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"(register\.[a-z_.]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 10 {
		t.Fatalf("found only %d keys in the source; the scan is broken", len(used))
	}
	for k := range used {
		if !i18n.Has(k) {
			t.Errorf("key %s is used but has no message", k)
		}
	}
	for _, k := range i18n.Keys() {
		if strings.HasPrefix(k, "register.") && !used[k] {
			t.Errorf("message %s is not used", k)
		}
	}
}
