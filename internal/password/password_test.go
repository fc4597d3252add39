package password

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndCheck(t *testing.T) {
	h, err := Hash("mật khẩu rất dài", Fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	if err := Check("mật khẩu rất dài", h); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := Check("mật khẩu rất dàI", h); !errors.Is(err, ErrMismatch) {
		t.Errorf("wrong password: %v, want ErrMismatch", err)
	}
	h2, _ := Hash("mật khẩu rất dài", Fast)
	if h == h2 {
		t.Error("two hashes of one password are equal: salt not random")
	}
}

func TestCheckRejectsMalformedHashes(t *testing.T) {
	for _, h := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$a2V5",
		"$argon2id$v=18$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=1024,t=1,p=1$!!!$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$short",
	} {
		if err := Check("x", h); err == nil {
			t.Errorf("Check accepted %q", h)
		}
	}
}

func TestNeedsRehash(t *testing.T) {
	h, _ := Hash("correct horse battery", Fast)
	if !NeedsRehash(h, Default) {
		t.Error("a Fast hash should need rehashing to Default")
	}
	if NeedsRehash(h, Fast) {
		t.Error("a Fast hash should not need rehashing to Fast")
	}
}

func TestValidate(t *testing.T) {
	tests := map[string]string{
		"short":                  "too_short",
		"aaaaaaaaaaaa":           "too_short" + "",
		"đủ dài rồi nhé":         "",
		strings.Repeat("x", 300): "too_long",
	}
	tests["aaaaaaaaaaaa"] = "too_simple"
	for pw, want := range tests {
		if got := Validate(pw); got != want {
			t.Errorf("Validate(%.20q) = %q, want %q", pw, got, want)
		}
	}
}

func TestGenerate(t *testing.T) {
	a, b := Generate(), Generate()
	if len(a) != 16 || a == b || Validate(a) != "" {
		t.Errorf("Generate gave %q and %q", a, b)
	}
}

func BenchmarkHashDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("correct horse battery staple", Default); err != nil {
			b.Fatal(err)
		}
	}
}
