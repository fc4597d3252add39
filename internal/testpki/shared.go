package testpki

import (
	"os"
	"path/filepath"
)

// SharedData returns the path of name inside the project's shared test data
// (../shared/testdata beside the repository, where CI puts it too), or
// inside $KYSO_SHARED_TESTDATA when set. Tests skip when it is absent.
func SharedData(name string) string {
	if d := os.Getenv("KYSO_SHARED_TESTDATA"); d != "" {
		return filepath.Join(d, name)
	}
	dir, err := os.Getwd()
	if err != nil {
		return filepath.Join("..", "shared", "testdata", name)
	}
	// Walk up to the module root (the directory with go.mod).
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "testdata", name)
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, "..", "shared", "testdata", name)
		}
	}
}
