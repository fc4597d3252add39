package keys

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPassphraseFromEnv(t *testing.T) {
	dir := t.TempDir()
	file := func(content string) string {
		p := filepath.Join(dir, strings.NewReplacer("\n", "n", "\r", "r").Replace(content)+".txt")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name       string
		direct     string
		file       string
		want       string
		wantErrSub string
	}{
		{"direct", "correct horse battery", "", "correct horse battery", ""},
		{"file with newline", "", file("from a file 123\n"), "from a file 123", ""},
		{"file with crlf", "", file("windows editor 1\r\n"), "windows editor 1", ""},
		{"file keeps inner newlines", "", file("two\nlines\n\n"), "two\nlines\n", ""},
		{"file without newline", "", file("no newline at all"), "no newline at all", ""},
		{"file keeps spaces", "", file(" spaced out \n"), " spaced out ", ""},
		{"neither", "", "", "", "set KYSO_KEY_PASSPHRASE, or set KYSO_KEY_PASSPHRASE_FILE"},
		{"both", "a", file("b"), "", "unset one of them"},
		{"missing file", "", filepath.Join(dir, "missing"), "", "read the passphrase file"},
		{"empty file", "", file("\n"), "", "is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvPassphrase, tt.direct)
			t.Setenv(EnvPassphraseFile, tt.file)
			got, err := PassphraseFromEnv()
			if tt.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrSub) {
					t.Fatalf("PassphraseFromEnv() = %q, %v; want error containing %q", got, err, tt.wantErrSub)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("PassphraseFromEnv() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
