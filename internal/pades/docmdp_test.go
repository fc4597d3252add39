package pades_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kyso-vn/kyso/internal/pades"
	"github.com/kyso-vn/kyso/internal/pdf"
)

func TestCertificationSignature(t *testing.T) {
	e := newEnv(t)
	in := e.input(t)
	certified := filepath.Join(e.dir, "certified.pdf")
	sign(t, in, certified, e.leader, pades.Options{DocMDP: 2})
	e.check(t, certified, 1)
	// The catalog's /Perms names the signature, whose /Reference says P=2.
	f, _ := os.Open(certified)
	defer f.Close()
	st, _ := f.Stat()
	doc, err := pdf.Open(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := doc.Catalog()
	perms, _ := doc.DerefDict(cat.Get("Perms"))
	if perms == nil || perms.Get("DocMDP") == nil {
		t.Fatalf("no /Perms /DocMDP in the catalog: %v", cat)
	}
	// P=2 allows signing: the agency's seal may follow.
	sealed := filepath.Join(e.dir, "certified-sealed.pdf")
	sign(t, certified, sealed, e.seal, pades.Options{})
	e.check(t, sealed, 2)

	try := func(in string, o pades.Options, want string) {
		t.Helper()
		g, _ := os.Open(in)
		defer g.Close()
		out := filepath.Join(e.dir, "refused.pdf")
		err := pades.Sign(context.Background(), g, out, e.seal, o)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %q", err, want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatal("an output was written")
		}
	}
	// Certifying must come first.
	try(certified, pades.Options{DocMDP: 2}, "must be the document's first")
	// P=1: no signature may follow.
	locked := filepath.Join(e.dir, "locked.pdf")
	sign(t, in, locked, e.leader, pades.Options{DocMDP: 1})
	try(locked, pades.Options{}, "no changes allowed")
	try(in, pades.Options{DocMDP: 7}, "use 1, 2 or 3")
}
