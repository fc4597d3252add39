package keys

import (
	"os"
	"strings"
	"testing"
)

// TestRoundTrip writes every algorithm encrypted, opens it by URI and by
// plain path, and checks the opened key signs for the generated key's
// public half.
func TestRoundTrip(t *testing.T) {
	for _, alg := range Algorithms {
		t.Run(string(alg), func(t *testing.T) {
			t.Parallel()
			path, key := writeTestKey(t, alg)

			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(data), "-----BEGIN ENCRYPTED PRIVATE KEY-----\n") {
				t.Errorf("key file does not start with an ENCRYPTED PRIVATE KEY block:\n%.60s", data)
			}

			for _, uri := range []string{"file:" + path, "file://" + path, path} {
				opened, err := Open(bg, uri, WithPassphrase([]byte(testPass)))
				if err != nil {
					t.Fatalf("Open(%s): %v", uri, err)
				}
				if !samePublic(opened.Public(), key.Public()) {
					t.Fatalf("Open(%s) returned a different key", uri)
				}
				if err := Close(opened); err != nil {
					t.Errorf("Close on a software key: %v", err)
				}
			}
			opened, err := Open(bg, "file:"+path, WithPassphrase([]byte(testPass)))
			if err != nil {
				t.Fatal(err)
			}
			checkSigns(t, opened, key.Public())
		})
	}
}

func TestFileMode(t *testing.T) {
	path, _ := writeTestKey(t, ECDSAP256)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
}

// BenchmarkOpenFile measures what the KDF costs each Open of a key file.
func BenchmarkOpenFile(b *testing.B) {
	path, _ := writeTestKey(b, ECDSAP256)
	pass := WithPassphrase([]byte(testPass))
	for b.Loop() {
		if _, err := Open(bg, path, pass); err != nil {
			b.Fatal(err)
		}
	}
}
