package pdf

import (
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
)

// Signature placeholders (ISO 32000-1 §12.8.1). A signature dictionary is
// written before the signature exists: /Contents is reserved as a hex
// string of zeros and /ByteRange as a fixed-width array. After the file is
// written, the caller learns where both are, fills in the byte range,
// hashes the bytes it covers, and patches the CMS into /Contents. Both
// patches keep the file length, so no offset moves.

// MaxContentsLen bounds ContentsPlaceholder.Len: a CMS with a certificate
// chain, a time-stamp token and revocation data stays well below it.
const MaxContentsLen = 1 << 20

// ByteRangeWidth is the width in bytes of a /ByteRange placeholder; it
// holds offsets of up to 12 digits.
const ByteRangeWidth = 42

// ContentsPlaceholder, as a value in a dictionary given to an Update,
// writes a hex string of Len zero bytes: 2*Len '0' digits between '<' and
// '>'. Len is the largest signature (DER bytes) that will fit.
type ContentsPlaceholder struct{ Len int }

// ByteRangePlaceholder, as a value in a dictionary given to an Update,
// writes an array of four integers padded to ByteRangeWidth bytes.
type ByteRangePlaceholder struct{}

// PlaceholderPos says where an object's placeholders landed in the output
// file (input plus update), as absolute offsets.
type PlaceholderPos struct {
	// Ref is the object holding the placeholders.
	Ref Ref
	// Contents spans the hex string from '<' to '>' inclusive; zero when
	// the object has no ContentsPlaceholder.
	Contents Span
	// ByteRange spans the array from '[' to ']' inclusive; zero when the
	// object has no ByteRangePlaceholder.
	ByteRange Span
}

// Range returns the /ByteRange for a file of fileSize bytes: everything
// except the /Contents hex string, delimiters included (§12.8.1).
func (p PlaceholderPos) Range(fileSize int64) [4]int64 {
	return [4]int64{0, p.Contents.Start, p.Contents.End, fileSize - p.Contents.End}
}

// EncodeByteRange formats br to exactly fill the /ByteRange placeholder.
func (p PlaceholderPos) EncodeByteRange(br [4]int64) ([]byte, error) {
	if p.ByteRange.End-p.ByteRange.Start != ByteRangeWidth {
		return nil, fmt.Errorf("pdf: no /ByteRange placeholder in object %v", p.Ref)
	}
	return formatByteRange(br)
}

// EncodeContents hex-encodes sig and pads it with zeros to exactly fill the
// /Contents placeholder, delimiters included.
func (p PlaceholderPos) EncodeContents(sig []byte) ([]byte, error) {
	width := p.Contents.End - p.Contents.Start
	if width < 2 {
		return nil, fmt.Errorf("pdf: no /Contents placeholder in object %v", p.Ref)
	}
	if int64(2*len(sig)+2) > width {
		return nil, fmt.Errorf("pdf: signature of %d bytes does not fit the %d reserved", len(sig), (width-2)/2)
	}
	out := make([]byte, width)
	out[0], out[width-1] = '<', '>'
	hex.Encode(out[1:], sig)
	for i := 1 + 2*len(sig); i < int(width)-1; i++ {
		out[i] = '0'
	}
	return out, nil
}

// formatByteRange writes "[a b c d" padded with spaces to ByteRangeWidth-1,
// then "]".
func formatByteRange(br [4]int64) ([]byte, error) {
	out := []byte{'['}
	for i, v := range br {
		if v < 0 {
			return nil, fmt.Errorf("pdf: negative byte range value %d", v)
		}
		if i > 0 {
			out = append(out, ' ')
		}
		out = strconv.AppendInt(out, v, 10)
	}
	if len(out) > ByteRangeWidth-1 {
		return nil, fmt.Errorf("pdf: byte range %v does not fit %d bytes", br, ByteRangeWidth)
	}
	for len(out) < ByteRangeWidth-1 {
		out = append(out, ' ')
	}
	return append(out, ']'), nil
}

// Patch writes b at offset off of f, for filling in placeholders in a file
// already written.
func Patch(f io.WriterAt, off int64, b []byte) error {
	n, err := f.WriteAt(b, off)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		return fmt.Errorf("pdf: patch %d bytes at %d: %w", len(b), off, err)
	}
	return nil
}

// ByteRangeReader returns the bytes a /ByteRange covers, in order, for
// hashing without loading the file (§12.8.1).
func ByteRangeReader(r io.ReaderAt, br [4]int64) io.Reader {
	return io.MultiReader(io.NewSectionReader(r, br[0], br[1]), io.NewSectionReader(r, br[2], br[3]))
}
