package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
)

// DefaultMaxSize is the largest content an FS accepts unless WithMaxSize says
// otherwise.
const DefaultMaxSize int64 = 512 << 20

const (
	dirPerm  os.FileMode = 0o750
	filePerm os.FileMode = 0o640
	tmpName              = "tmp" // never valid fan-out (not two hex digits)
	bufSize              = 128 << 10
)

// FS is a Store that keeps each blob in its own file under a root directory,
// at dir/ab/cd/abcd… for the hash abcd….
type FS struct {
	dir     string
	tmp     string
	maxSize int64
}

var _ Store = (*FS)(nil)

// Option configures an FS.
type Option func(*FS)

// WithMaxSize sets the largest content, in bytes, that Put accepts.
func WithMaxSize(n int64) Option {
	return func(s *FS) { s.maxSize = n }
}

// NewFS returns an FS rooted at dir, creating dir if it is missing.
//
// It fails unless dir is writable, so that a read-only mount or a wrong owner
// is reported at startup rather than on the first upload.
func NewFS(dir string, opts ...Option) (*FS, error) {
	if dir == "" {
		return nil, errors.New("blob: new fs: empty directory name")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blob: new fs: %w", err)
	}
	s := &FS{dir: abs, tmp: filepath.Join(abs, tmpName), maxSize: DefaultMaxSize}
	for _, o := range opts {
		o(s)
	}
	if s.maxSize <= 0 {
		return nil, fmt.Errorf("blob: new fs: max size %d is not positive", s.maxSize)
	}
	// Temp files live inside the root so that rename into place never crosses
	// a filesystem boundary and stays atomic.
	if err := os.MkdirAll(s.tmp, dirPerm); err != nil {
		return nil, fmt.Errorf("blob: new fs: %w", err)
	}
	f, err := os.CreateTemp(s.tmp, "probe-*")
	if err != nil {
		return nil, fmt.Errorf("blob: new fs: directory %s is not writable: %w", abs, err)
	}
	if err := errors.Join(f.Close(), os.Remove(f.Name())); err != nil {
		return nil, fmt.Errorf("blob: new fs: directory %s is not writable: %w", abs, err)
	}
	return s, nil
}

// Dir returns the absolute root directory of the store.
func (s *FS) Dir() string { return s.dir }

// path returns where the blob with hash h lives. The two levels of fan-out
// keep any one directory to a few hundred entries even with millions of blobs.
func (s *FS) path(h string) string {
	return filepath.Join(s.dir, h[0:2], h[2:4], h)
}

// Put streams r to a temp file while hashing it, then renames the file to its
// content address. Content already stored is not written again.
//
// On any error, including ctx being cancelled or the content exceeding the
// maximum size, the temp file is removed and nothing is left behind.
func (s *FS) Put(ctx context.Context, r io.Reader) (Ref, error) {
	if err := ctx.Err(); err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	f, err := os.CreateTemp(s.tmp, "put-*")
	if err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	tmp := f.Name()
	defer func() {
		// Cleanup is best effort: the error that brought us here matters more.
		if f != nil {
			_ = f.Close()
		}
		if tmp != "" {
			_ = os.Remove(tmp)
		}
	}()
	// Set explicitly rather than through CreateTemp's 0o600 and the umask, so
	// the mode of stored files does not depend on the process environment.
	if err := f.Chmod(filePerm); err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}

	h := sha256.New()
	n, err := copyChunks(ctx, f, h, r, s.maxSize)
	if err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	// The data must be on disk before the name points at it; otherwise a crash
	// could leave a valid-looking address holding garbage.
	if err := f.Sync(); err != nil {
		return Ref{}, fmt.Errorf("blob: put: sync: %w", err)
	}
	err = f.Close()
	f = nil
	if err != nil {
		return Ref{}, fmt.Errorf("blob: put: close: %w", err)
	}
	ref := Ref{SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}

	// Last chance to honour cancellation: after the rename the blob is stored.
	if err := ctx.Err(); err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	final := s.path(ref.SHA256)
	parent := filepath.Dir(final)
	if err := mkdirSynced(filepath.Dir(parent)); err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	if err := mkdirSynced(parent); err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	fi, err := os.Stat(final)
	switch {
	case err == nil && fi.Mode().IsRegular() && fi.Size() == n:
		// Same address and size: the content is identical, so keep the stored
		// file untouched (the deferred cleanup drops the temp). The parent is
		// still synced in case the file came from a concurrent Put that has not
		// synced it yet; the caller is about to rely on the blob being durable.
	case err == nil || errors.Is(err, fs.ErrNotExist):
		// Missing, or present with the wrong size, which can only be damage:
		// rename replaces it atomically with the good copy.
		if err := os.Rename(tmp, final); err != nil {
			return Ref{}, fmt.Errorf("blob: put: %w", err)
		}
		tmp = ""
	default:
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	if err := syncDir(parent); err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	return ref, nil
}

// Open returns the stored content. It does not check the hash; use Verify for
// that.
func (s *FS) Open(ctx context.Context, sha256hex string) (io.ReadCloser, error) {
	if err := s.check(ctx, sha256hex); err != nil {
		return nil, fmt.Errorf("blob: open: %w", err)
	}
	f, err := os.Open(s.path(sha256hex))
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", sha256hex, notFound(err))
	}
	return f, nil
}

// Stat returns the Ref of the stored content.
func (s *FS) Stat(ctx context.Context, sha256hex string) (Ref, error) {
	if err := s.check(ctx, sha256hex); err != nil {
		return Ref{}, fmt.Errorf("blob: stat: %w", err)
	}
	fi, err := os.Stat(s.path(sha256hex))
	if err != nil {
		return Ref{}, fmt.Errorf("blob: stat %s: %w", sha256hex, notFound(err))
	}
	if !fi.Mode().IsRegular() {
		return Ref{}, fmt.Errorf("blob: stat %s: not a regular file", sha256hex)
	}
	return Ref{SHA256: sha256hex, Size: fi.Size()}, nil
}

// Delete removes the stored content, returning ErrNotFound if there is none.
//
// The caller must make sure nothing references the blob and that no Put of
// the same content is racing with it: a Put that found the blob already
// present may return just before Delete removes it.
func (s *FS) Delete(ctx context.Context, sha256hex string) error {
	if err := s.check(ctx, sha256hex); err != nil {
		return fmt.Errorf("blob: delete: %w", err)
	}
	// The directory is not synced and emptied fan-out directories are kept:
	// a delete lost in a crash only leaves an unreferenced blob behind, and
	// removing directories would race with Put creating files in them.
	if err := os.Remove(s.path(sha256hex)); err != nil {
		return fmt.Errorf("blob: delete %s: %w", sha256hex, notFound(err))
	}
	return nil
}

// Verify re-reads the stored content and returns ErrCorrupt (wrapped) unless
// it still hashes to sha256hex. It reads the whole blob, so it is meant for
// integrity sweeps of the archive, not for every read.
func (s *FS) Verify(ctx context.Context, sha256hex string) error {
	if err := s.check(ctx, sha256hex); err != nil {
		return fmt.Errorf("blob: verify: %w", err)
	}
	f, err := os.Open(s.path(sha256hex))
	if err != nil {
		return fmt.Errorf("blob: verify %s: %w", sha256hex, notFound(err))
	}
	defer f.Close() // read-only: a close error cannot lose data

	h := sha256.New()
	if _, err := copyChunks(ctx, io.Discard, h, f, math.MaxInt64); err != nil {
		return fmt.Errorf("blob: verify %s: %w", sha256hex, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sha256hex {
		return fmt.Errorf("blob: verify %s: content hashes to %s: %w", sha256hex, got, ErrCorrupt)
	}
	return nil
}

// check validates the arguments shared by the lookups. The hash check also
// keeps arbitrary input, such as "../", out of file paths.
func (s *FS) check(ctx context.Context, h string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !ValidHash(h) {
		const max = 80 // keep hostile input from flooding the log
		if len(h) > max {
			h = h[:max] + "…"
		}
		return fmt.Errorf("%w: %q", ErrInvalidHash, h)
	}
	return nil
}

// copyChunks copies src to both dst and h, failing with ErrTooLarge as soon as
// more than max bytes arrive. It checks ctx before every chunk so that a
// cancelled request stops a large copy promptly instead of at EOF.
func copyChunks(ctx context.Context, dst, h io.Writer, src io.Reader, max int64) (int64, error) {
	buf := make([]byte, bufSize)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		k, rerr := src.Read(buf)
		if k > 0 {
			// Written as a subtraction so that max near MaxInt64 cannot overflow.
			if int64(k) > max-n {
				return n, fmt.Errorf("content exceeds %d bytes: %w", max, ErrTooLarge)
			}
			if _, err := dst.Write(buf[:k]); err != nil {
				return n, fmt.Errorf("write: %w", err)
			}
			h.Write(buf[:k]) // hash.Hash never returns an error
			n += int64(k)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, fmt.Errorf("read: %w", rerr)
		}
	}
}

// mkdirSynced creates dir if it is missing and then syncs its parent, so that
// the new directory entry survives a crash along with the file put inside it.
func mkdirSynced(dir string) error {
	if err := os.Mkdir(dir, dirPerm); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		return err
	}
	return syncDir(filepath.Dir(dir))
}

// syncDir makes renames and creations in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return d.Close()
}

// notFound maps a missing file to ErrNotFound so that callers test one
// sentinel whatever the backend.
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	return err
}
