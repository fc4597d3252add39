package search

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	kpdf "github.com/kyso-vn/kyso/internal/pdf"
)

// preflight opens the file with kyso's own PDF parser (package pdf, fuzzed,
// bounded) before the third-party reader sees it, and checks the one
// structure the reader parses with loops that neither a failing read nor a
// recover can stop: object streams (ISO 32000-1 §7.5.7). The reader reads
// /N pairs whatever the data holds, and its lexer spins on data that ends
// inside a hex string. Content streams and CMaps are checked where they are
// read (content.go).
//
// A file the parser refuses (damaged beyond repair, encrypted) is refused
// here too: its object streams could not be checked.
func preflight(r io.ReaderAt, size int64, deadline time.Time) error {
	doc, err := kpdf.Open(r, size, kpdf.WithMaxSize(MaxPDFBytes))
	if err != nil {
		if errors.Is(err, kpdf.ErrEncrypted) {
			return errors.New("the PDF is encrypted; its text is not indexed")
		}
		return fmt.Errorf("the PDF's structure cannot be read (%w)", err)
	}
	nums, err := objectNumbers(r, size, doc)
	if err != nil {
		return err
	}
	for i, n := range nums {
		if i%256 == 0 && time.Now().After(deadline) {
			return errTimeout
		}
		obj, err := doc.Resolve(kpdf.Ref{Num: n})
		if err != nil {
			continue // the reader fails on it too, with a panic we recover
		}
		s, ok := obj.(*kpdf.Stream)
		if !ok {
			continue
		}
		typ, _ := doc.Deref(s.Dict.Get("Type"))
		if typ != kpdf.Name("ObjStm") {
			continue
		}
		data, err := doc.DecodeStream(s)
		if err != nil {
			return fmt.Errorf("object stream %d cannot be decoded (%w)", n, err)
		}
		count, _ := doc.Deref(s.Dict.Get("N"))
		if c, ok := kpdf.Integer(count); !ok || c < 0 || c > len(data)/4+1 {
			return fmt.Errorf("object stream %d claims %v objects in %d bytes", n, count, len(data))
		}
		if hexTailHazard(data) {
			return fmt.Errorf("object stream %d ends inside a hex string", n)
		}
	}
	return nil
}

// maxObjects bounds the object numbers checked; the parser refuses larger
// ones (package pdf's maxObjNum).
const maxObjects = 1 << 24

// objectNumbers lists the numbers of the objects an object stream may be:
// every number up to the trailer's /Size, and every number written in an
// "N 0 obj" header in the file, since the reader follows cross-reference
// entries beyond /Size too (and finds an object stream only at an offset
// where its header is).
func objectNumbers(r io.ReaderAt, size int64, doc *kpdf.Document) ([]int, error) {
	seen := make(map[int]bool)
	var nums []int
	add := func(n int) {
		if !seen[n] {
			seen[n] = true
			nums = append(nums, n)
		}
	}
	if n, ok := kpdf.Integer(doc.Trailer().Get("Size")); ok {
		for i := 1; i < min(n, maxObjects); i++ {
			add(i)
		}
	}
	const chunk, overlap = 1 << 20, 64
	buf := make([]byte, chunk+overlap)
	for off := int64(0); off < size; off += chunk {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("read: %w", err)
		}
		b := buf[:n]
		for i := 0; ; {
			j := bytes.Index(b[i:], []byte("obj"))
			if j < 0 {
				break
			}
			at := i + j
			i = at + 3
			if at >= chunk && off+chunk < size {
				break // the next chunk sees it whole
			}
			if num, ok := headerNumber(b[:at]); ok {
				if num >= maxObjects {
					return nil, fmt.Errorf("object number %d is out of range", num)
				}
				add(num)
			}
		}
	}
	return nums, nil
}

// headerNumber parses "N 0 " just before an "obj" keyword; b ends where the
// keyword starts.
func headerNumber(b []byte) (int, bool) {
	i := len(b)
	skip := func(pred func(byte) bool) int {
		end := i
		for i > 0 && pred(b[i-1]) {
			i--
		}
		return end - i
	}
	if skip(isPDFSpace) == 0 || skip(func(c byte) bool { return c == '0' }) == 0 {
		return 0, false
	}
	// The generation is 0 (written as one or more zeros).
	if skip(isPDFSpace) == 0 {
		return 0, false
	}
	end := i
	if skip(isDigit) == 0 || end-i > 10 {
		return 0, false
	}
	n := 0
	for _, c := range b[i:end] {
		n = n*10 + int(c-'0')
	}
	return n, true
}
