package blob_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/kyso-vn/kyso/internal/blob"
)

const helloSHA = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"

func newFS(t *testing.T, opts ...blob.Option) *blob.FS {
	t.Helper()
	s, err := blob.NewFS(t.TempDir(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func blobPath(s *blob.FS, h string) string {
	return filepath.Join(s.Dir(), h[0:2], h[2:4], h)
}

// storedFiles lists every regular file under the root, temp files included,
// so tests can assert that a failed Put left nothing behind.
func storedFiles(t *testing.T, s *blob.FS) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(s.Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(s.Dir(), p)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func assertEmpty(t *testing.T, s *blob.FS) {
	t.Helper()
	if files := storedFiles(t, s); len(files) != 0 {
		t.Fatalf("store holds %v, want nothing", files)
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func TestValidHash(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{helloSHA, true},
		{strings.Repeat("0", 64), true},
		{"", false},
		{helloSHA[:63], false},
		{helloSHA + "0", false},
		{strings.ToUpper(helloSHA), false},
		{"g" + helloSHA[1:], false},
		{"../" + helloSHA[3:], false},
		{"2c/f2/" + helloSHA[6:], false},
		{" " + helloSHA[1:], false},
	}
	for _, tt := range tests {
		if got := blob.ValidHash(tt.in); got != tt.want {
			t.Errorf("ValidHash(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestPutOpenRoundTrip(t *testing.T) {
	big := bytes.Repeat([]byte("Quyết định số 05/QĐ-UBND\n"), 50_000) // several copy chunks
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"hello", []byte("hello")},
		{"multi-chunk", big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := newFS(t)
			ref, err := s.Put(ctx, bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			want := blob.Ref{SHA256: sum(tt.data), Size: int64(len(tt.data))}
			if ref != want {
				t.Fatalf("Put = %+v, want %+v", ref, want)
			}
			if got, err := s.Stat(ctx, ref.SHA256); err != nil || got != want {
				t.Fatalf("Stat = %+v, %v; want %+v", got, err, want)
			}
			rc, err := s.Open(ctx, ref.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(rc)
			if cerr := rc.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.data) {
				t.Fatalf("Open read %d bytes, want the %d put", len(got), len(tt.data))
			}
			if err := s.Verify(ctx, ref.SHA256); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			fi, err := os.Stat(blobPath(s, ref.SHA256))
			if err != nil {
				t.Fatalf("blob not at its fan-out path: %v", err)
			}
			if fi.Mode().Perm() != 0o640 {
				t.Fatalf("blob mode %v, want 0640", fi.Mode().Perm())
			}
			if files := storedFiles(t, s); len(files) != 1 {
				t.Fatalf("store holds %v, want only the blob", files)
			}
		})
	}
}

func TestPutKnownHash(t *testing.T) {
	ref, err := newFS(t).Put(context.Background(), strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if ref.SHA256 != helloSHA || ref.Size != 5 {
		t.Fatalf("Put(hello) = %+v", ref)
	}
}

func TestPutDedup(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	first, err := s.Put(ctx, strings.NewReader("Ký số"))
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.Stat(blobPath(s, first.SHA256))
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Put(ctx, strings.NewReader("Ký số"))
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Fatalf("second Put = %+v, want %+v", second, first)
	}
	after, err := os.Stat(blobPath(s, first.SHA256))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Fatal("second Put replaced the stored file; it must be left untouched")
	}
	if files := storedFiles(t, s); len(files) != 1 {
		t.Fatalf("store holds %v, want one file", files)
	}
}

func TestPutMaxSize(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		tooBig  bool
		maxSize int64
	}{
		{"under", 9, false, 10},
		{"exact", 10, false, 10},
		{"one over", 11, true, 10},
		{"far over", 1 << 20, true, 10},
		{"over across chunks", 300 << 10, true, 200 << 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFS(t, blob.WithMaxSize(tt.maxSize))
			_, err := s.Put(context.Background(), bytes.NewReader(make([]byte, tt.size)))
			if tt.tooBig {
				if !errors.Is(err, blob.ErrTooLarge) {
					t.Fatalf("Put = %v, want ErrTooLarge", err)
				}
				assertEmpty(t, s)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestNewFSRejectsBadMaxSize(t *testing.T) {
	for _, n := range []int64{0, -1} {
		if _, err := blob.NewFS(t.TempDir(), blob.WithMaxSize(n)); err == nil {
			t.Errorf("NewFS with max size %d succeeded", n)
		}
	}
}

func TestInvalidHash(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	ops := map[string]func(string) error{
		"Open": func(h string) error {
			rc, err := s.Open(ctx, h)
			if err == nil {
				rc.Close()
			}
			return err
		},
		"Stat":   func(h string) error { _, err := s.Stat(ctx, h); return err },
		"Delete": func(h string) error { return s.Delete(ctx, h) },
		"Verify": func(h string) error { return s.Verify(ctx, h) },
	}
	inputs := []string{"", "abc", strings.ToUpper(helloSHA), "../../" + helloSHA[6:], helloSHA + "/", strings.Repeat("x", 10_000)}
	for name, op := range ops {
		for _, in := range inputs {
			err := op(in)
			if !errors.Is(err, blob.ErrInvalidHash) {
				t.Errorf("%s(%.20q) = %v, want ErrInvalidHash", name, in, err)
			}
			if err != nil && len(err.Error()) > 200 {
				t.Errorf("%s: error message is %d bytes; hostile input must be truncated", name, len(err.Error()))
			}
		}
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	if _, err := s.Open(ctx, helloSHA); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open = %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, helloSHA); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat = %v, want ErrNotFound", err)
	}
	if err := s.Verify(ctx, helloSHA); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Verify = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, helloSHA); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Delete = %v, want ErrNotFound", err)
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	ref, err := s.Put(ctx, strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, ref.SHA256); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, ref.SHA256); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat after Delete = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, ref.SHA256); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("second Delete = %v, want ErrNotFound", err)
	}
	// Content can be stored again after deletion.
	if _, err := s.Put(ctx, strings.NewReader("hello")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, ref.SHA256); err != nil {
		t.Fatal(err)
	}
}

func TestPutReaderFailsMidway(t *testing.T) {
	boom := errors.New("connection reset")
	tests := []struct {
		name string
		r    io.Reader
	}{
		{"at start", iotest.ErrReader(boom)},
		{"after some bytes", io.MultiReader(strings.NewReader("partial"), iotest.ErrReader(boom))},
		{"after several chunks", io.MultiReader(bytes.NewReader(make([]byte, 1<<20)), iotest.ErrReader(boom))},
		{"with data and error together", iotest.DataErrReader(io.MultiReader(strings.NewReader("x"), iotest.ErrReader(boom)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFS(t)
			if _, err := s.Put(context.Background(), tt.r); !errors.Is(err, boom) {
				t.Fatalf("Put = %v, want the reader's error", err)
			}
			assertEmpty(t, s)
		})
	}
}

// cancelReader cancels its context on the nth Read, as a client hanging up
// in the middle of an upload would.
type cancelReader struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	c.n--
	if c.n == 0 {
		c.cancel()
	}
	return c.r.Read(p)
}

func TestPutCancelled(t *testing.T) {
	t.Run("before start", func(t *testing.T) {
		s := newFS(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Put(ctx, strings.NewReader("hello")); !errors.Is(err, context.Canceled) {
			t.Fatalf("Put = %v, want context.Canceled", err)
		}
		assertEmpty(t, s)
	})
	t.Run("midway", func(t *testing.T) {
		s := newFS(t)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := &cancelReader{r: bytes.NewReader(make([]byte, 4<<20)), n: 3, cancel: cancel}
		if _, err := s.Put(ctx, r); !errors.Is(err, context.Canceled) {
			t.Fatalf("Put = %v, want context.Canceled", err)
		}
		if r.n > 0 {
			t.Fatalf("reader was not consumed up to the cancel")
		}
		assertEmpty(t, s)
	})
	t.Run("lookups", func(t *testing.T) {
		s := newFS(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Stat(ctx, helloSHA); !errors.Is(err, context.Canceled) {
			t.Errorf("Stat = %v, want context.Canceled", err)
		}
		if err := s.Verify(ctx, helloSHA); !errors.Is(err, context.Canceled) {
			t.Errorf("Verify = %v, want context.Canceled", err)
		}
	})
}

func TestPutConcurrentSameContent(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	data := bytes.Repeat([]byte("Sở Thông tin và Truyền thông "), 20_000)
	const n = 8
	refs := make([]blob.Ref, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { refs[i], errs[i] = s.Put(ctx, bytes.NewReader(data)) })
	}
	wg.Wait()
	want := blob.Ref{SHA256: sum(data), Size: int64(len(data))}
	for i := range n {
		if errs[i] != nil || refs[i] != want {
			t.Errorf("Put %d = %+v, %v; want %+v", i, refs[i], errs[i], want)
		}
	}
	if files := storedFiles(t, s); len(files) != 1 {
		t.Fatalf("store holds %v, want one file", files)
	}
	if err := s.Verify(ctx, want.SHA256); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyDetectsCorruption(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(orig []byte) []byte
	}{
		{"flipped bit", func(b []byte) []byte { c := bytes.Clone(b); c[len(c)/2] ^= 1; return c }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-1] }},
		{"emptied", func([]byte) []byte { return nil }},
		{"appended", func(b []byte) []byte { return append(bytes.Clone(b), 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := newFS(t)
			data := []byte("Biên bản bàn giao, bản đã ký")
			ref, err := s.Put(ctx, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(blobPath(s, ref.SHA256), tt.corrupt(data), 0o640); err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(ctx, ref.SHA256); !errors.Is(err, blob.ErrCorrupt) {
				t.Fatalf("Verify = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestPutRepairsWrongSizedBlob(t *testing.T) {
	ctx := context.Background()
	s := newFS(t)
	data := []byte("hello")
	ref, err := s.Put(ctx, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(blobPath(s, ref.SHA256), data[:2], 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ctx, ref.SHA256); err != nil {
		t.Fatalf("Verify after re-Put = %v, want the truncated blob replaced", err)
	}
}

func TestNewFS(t *testing.T) {
	t.Run("creates missing directories", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b")
		s, err := blob.NewFS(dir)
		if err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			t.Fatalf("root not created: %v", err)
		}
		if _, err := s.Put(context.Background(), strings.NewReader("x")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("empty name", func(t *testing.T) {
		if _, err := blob.NewFS(""); err == nil {
			t.Fatal("NewFS(\"\") succeeded")
		}
	})
	t.Run("path is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := blob.NewFS(file); err == nil {
			t.Fatal("NewFS on a regular file succeeded")
		}
	})
	t.Run("not writable", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores directory permissions")
		}
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o500); err != nil {
			t.Fatal(err)
		}
		_, err := blob.NewFS(dir)
		if err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Fatalf("NewFS = %v, want a not-writable error", err)
		}
	})
}
