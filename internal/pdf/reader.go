package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Reading is random access through io.ReaderAt: only the bytes of the
// objects asked for are read, in windows that start small and grow when an
// object turns out to be larger. Nothing keeps the whole file in memory.

const (
	firstWindow = 1 << 10
	// maxWindow bounds the non-stream part of one object (a dictionary or
	// array); real files stay far below it (a /Kids array of 100 000 pages
	// is about 1.2 MB).
	maxWindow = 64 << 20
)

// source is the input file.
type source struct {
	r    io.ReaderAt
	size int64
}

// window reads up to n bytes at off; atEOF says whether they reach the end
// of the file.
func (s *source) window(off int64, n int) (buf []byte, atEOF bool, err error) {
	if off < 0 || off > s.size {
		return nil, false, fmt.Errorf("offset %d outside the file (size %d)", off, s.size)
	}
	if rem := s.size - off; int64(n) >= rem {
		n, atEOF = int(rem), true
	}
	buf = make([]byte, n)
	m, err := s.r.ReadAt(buf, off)
	if m == n {
		return buf, atEOF, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return nil, false, fmt.Errorf("read %d bytes at %d: %w", n, off, err)
}

// parseAt runs fn on a parser positioned at off, retrying with a larger
// window while fn reports errNeedMore.
func (s *source) parseAt(off int64, fn func(p *parser) error) error {
	for n := firstWindow; ; n *= 8 {
		if n > maxWindow {
			n = maxWindow
		}
		buf, atEOF, err := s.window(off, n)
		if err != nil {
			return err
		}
		err = fn(newParser(buf, off, atEOF))
		if !errors.Is(err, errNeedMore) {
			return err
		}
		if atEOF || n == maxWindow {
			return fmt.Errorf("object at %d is larger than %d bytes", off, maxWindow)
		}
	}
}

// indirect is an indirect object as it sits in the file: "Num Gen obj",
// the object, and for a stream, where its data starts.
type indirect struct {
	num, gen  int
	obj       Object // Dict for a stream
	stream    bool
	dataStart int64 // file offset of the first byte after "stream" and its EOL
	end       int64 // file offset just after "endobj" or "stream" EOL
}

// readIndirect parses the indirect object that starts at off (§7.3.10).
func (s *source) readIndirect(off int64) (indirect, error) {
	var res indirect
	err := s.parseAt(off, func(p *parser) error {
		num, err := p.integer()
		if err != nil {
			return err
		}
		gen, err := p.integer()
		if err != nil {
			return err
		}
		if err := p.keyword("obj"); err != nil {
			return err
		}
		if num > maxObjNum || gen > 65535 {
			return fmt.Errorf("object number %d %d out of range", num, gen)
		}
		obj, err := p.object()
		if err != nil {
			return err
		}
		res = indirect{num: int(num), gen: int(gen), obj: obj}
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.kind != tokKeyword || t.s != "stream" {
			// "endobj" is expected; producers that omit it are common
			// enough that readers accept the object anyway.
			if t.kind == tokKeyword && t.s == "endobj" {
				res.end = p.lx.offset(t.end)
			} else {
				res.end = p.lx.offset(t.start)
			}
			return nil
		}
		if _, ok := obj.(Dict); !ok {
			return fmt.Errorf("stream at %d has no dictionary", off)
		}
		// "stream" is followed by CRLF or LF (§7.3.8.1); a lone CR is
		// tolerated, as most readers do.
		i := t.end
		buf := p.lx.buf
		if i+2 > len(buf) && !p.lx.atEOF {
			return errNeedMore
		}
		switch {
		case i+1 < len(buf) && buf[i] == '\r' && buf[i+1] == '\n':
			i += 2
		case i < len(buf) && (buf[i] == '\n' || buf[i] == '\r'):
			i++
		}
		res.stream = true
		res.dataStart = p.lx.offset(i)
		res.end = res.dataStart
		return nil
	})
	return res, err
}

var endstream = []byte("endstream")

// streamLength checks a declared /Length against the file: the data must be
// followed, after optional white space, by "endstream". When it is not (a
// wrong or missing /Length is a common producer bug), the data is taken to
// run up to the next "endstream" keyword, without the EOL before it.
func (s *source) streamLength(dataStart int64, declared int64, haveDeclared bool) (int64, error) {
	if haveDeclared && declared >= 0 && declared <= s.size-dataStart {
		buf, _, err := s.window(dataStart+declared, 64)
		if err == nil {
			rest := bytes.TrimLeft(buf, " \r\n\t\f\x00")
			if bytes.HasPrefix(rest, endstream) {
				return declared, nil
			}
		}
	}
	end, err := s.find(dataStart, endstream)
	if err != nil {
		return 0, fmt.Errorf("stream at %d: no endstream: %w", dataStart, err)
	}
	// Trim the EOL that precedes "endstream" (§7.3.8.1).
	n := end - dataStart
	if n > 0 {
		b, _, err := s.window(end-min(n, 2), int(min(n, 2)))
		if err != nil {
			return 0, err
		}
		switch {
		case len(b) == 2 && b[0] == '\r' && b[1] == '\n':
			n -= 2
		case b[len(b)-1] == '\n' || b[len(b)-1] == '\r':
			n--
		}
	}
	return n, nil
}

// find returns the offset of the first occurrence of pat at or after off.
func (s *source) find(off int64, pat []byte) (int64, error) {
	const chunk = 64 << 10
	for off < s.size {
		n := chunk + len(pat)
		buf, _, err := s.window(off, n)
		if err != nil {
			return 0, err
		}
		if i := bytes.Index(buf, pat); i >= 0 {
			return off + int64(i), nil
		}
		off += chunk
	}
	return 0, fmt.Errorf("%q not found", pat)
}

// readData reads n bytes at off.
func (s *source) readData(off, n int64) ([]byte, error) {
	if n < 0 || off < 0 || off+n > s.size {
		return nil, fmt.Errorf("data [%d, %d) outside the file", off, off+n)
	}
	buf, _, err := s.window(off, int(n))
	return buf, err
}
