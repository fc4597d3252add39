package pdf

import (
	"bytes"
	"compress/zlib"
	"crypto/md5"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
)

// Update is an incremental update (ISO 32000-1 §7.5.6): new objects and new
// versions of existing ones, appended after the unchanged input with their
// own cross-reference section and trailer. An Update is not safe for
// concurrent use.
type Update struct {
	doc     *Document
	next    int              // next object number to hand out
	objs    map[int]Object   // by object number
	gens    map[int]int      // generation of each object
	pending map[int]bool     // reserved, not yet given a value
	pos     []PlaceholderPos // from the last WriteTo
}

// NewUpdate starts an incremental update of d.
func (d *Document) NewUpdate() *Update {
	return &Update{
		doc:     d,
		next:    d.nextNum,
		objs:    map[int]Object{},
		gens:    map[int]int{},
		pending: map[int]bool{},
	}
}

// Add adds a new object and returns its reference. Numbers start at the
// trailer's /Size (§7.5.6: an update may also reuse free numbers; never
// doing so keeps every earlier revision's objects reachable by number).
func (u *Update) Add(obj Object) Ref {
	r := u.Reserve()
	u.Replace(r, obj)
	return r
}

// Reserve allocates a new object number to be given a value later with
// Replace, for objects that refer to each other (a field and its widget).
func (u *Update) Reserve() Ref {
	r := Ref{Num: u.next}
	u.next++
	u.pending[r.Num] = true
	u.gens[r.Num] = 0
	return r
}

// Replace sets the value of an object in this update: a new version of an
// existing object (the page whose /Annots gains a widget, the catalog that
// gains an /AcroForm), or a reserved one.
func (u *Update) Replace(ref Ref, obj Object) {
	delete(u.pending, ref.Num)
	u.objs[ref.Num] = obj
	u.gens[ref.Num] = ref.Gen
}

// Object returns the value this update gives ref, if it gives one: a
// caller that edits the same object twice (two widgets on one page) builds
// on its own first edit.
func (u *Update) Object(ref Ref) (Object, bool) {
	o, ok := u.objs[ref.Num]
	return o, ok
}

// Placeholders returns where the signature placeholders landed, as absolute
// offsets in the output file (the input followed by the update), in object
// number order. It is valid after WriteTo.
func (u *Update) Placeholders() []PlaceholderPos {
	return append([]PlaceholderPos(nil), u.pos...)
}

// WriteDocument writes the whole output file to w: the input, copied
// unchanged without being held in memory, then the update.
func (u *Update) WriteDocument(w io.Writer) (int64, error) {
	n, err := io.Copy(w, io.NewSectionReader(u.doc.src.r, 0, u.doc.src.size))
	if err != nil {
		return n, fmt.Errorf("pdf: copy input: %w", err)
	}
	m, err := u.WriteTo(w)
	return n + m, err
}

// countingWriter counts what passes through it and remembers the first error.
type countingWriter struct {
	w   io.Writer
	n   int64
	h   hash.Hash
	err error
}

// Write implements io.Writer.
func (c *countingWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	if c.h != nil {
		c.h.Write(p[:n])
	}
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
	return n, err
}

// WriteTo writes the update, to be appended right after the input: an EOL
// if the input does not end with one, the objects, a cross-reference
// section and the trailer. The section is a table (§7.5.4), or a
// cross-reference stream (§7.5.8) when the last revision used one, since a
// reader of the original must be able to read the update too.
func (u *Update) WriteTo(w io.Writer) (int64, error) {
	if len(u.pending) > 0 {
		return 0, fmt.Errorf("pdf: update: reserved objects never given a value: %v", keys(u.pending))
	}
	d := u.doc
	if len(d.sections) == 0 {
		// Nothing for /Prev to name: the file was rebuilt from a scan.
		return 0, fmt.Errorf("pdf: update: %w: no readable cross-reference section to append to", ErrDamaged)
	}
	base := d.src.size
	cw := &countingWriter{w: w, h: md5.New()}
	if eol, err := d.endsWithEOL(); err != nil {
		return 0, err
	} else if !eol {
		cw.Write([]byte("\n"))
	}
	nums := keys(u.objs)
	offsets := make(map[int]int64, len(nums)+1)
	u.pos = u.pos[:0]
	for _, num := range nums {
		if num <= 0 || num >= u.next {
			return cw.n, fmt.Errorf("pdf: update: object %d was never allocated", num)
		}
		e := encoder{maxRef: u.next}
		fmt.Fprintf(&e.buf, "%d %d obj\n", num, u.gens[num])
		if err := e.object(u.objs[num], 0); err != nil {
			return cw.n, fmt.Errorf("pdf: update: object %d: %w", num, err)
		}
		e.buf.WriteString("\nendobj\n")
		off := base + cw.n
		offsets[num] = off
		if !e.contents.IsZero() || !e.byteRange.IsZero() {
			p := PlaceholderPos{Ref: Ref{num, u.gens[num]}}
			if !e.contents.IsZero() {
				p.Contents = Span{off + e.contents.Start, off + e.contents.End}
			}
			if !e.byteRange.IsZero() {
				p.ByteRange = Span{off + e.byteRange.Start, off + e.byteRange.End}
			}
			u.pos = append(u.pos, p)
		}
		cw.Write(e.buf.Bytes())
	}
	if cw.err != nil {
		return cw.n, fmt.Errorf("pdf: update: %w", cw.err)
	}
	trailer := u.trailer(cw.h.Sum(nil))
	var err error
	if d.lastRevisionXRefStream() {
		err = u.writeXRefStream(cw, base, offsets, trailer)
	} else {
		err = u.writeXRefTable(cw, base, offsets, trailer)
	}
	if err != nil {
		return cw.n, fmt.Errorf("pdf: update: %w", err)
	}
	return cw.n, nil
}

// trailer builds the new trailer: every entry of the previous one, with
// /Prev pointing at it (§7.5.6), and /ID keeping its first element while
// the second changes (§14.4). sum is a digest of the new objects.
func (u *Update) trailer(sum []byte) Dict {
	d := u.doc
	t := d.Trailer()
	t["Prev"] = Int(d.startxref)
	h := md5.New()
	fmt.Fprintf(h, "%d %d ", d.src.size, d.startxref)
	h.Write(sum)
	id := HexString(h.Sum(nil))
	first := Object(id)
	if a, ok := t.Get("ID").(Array); ok && len(a) == 2 {
		if _, ok := Bytes(a[0]); ok {
			first = a[0]
		}
	}
	t["ID"] = Array{first, id}
	return t
}

// writeXRefTable writes a cross-reference table and trailer (§7.5.4,
// §7.5.5): one subsection per run of consecutive object numbers, entries
// of exactly 20 bytes.
func (u *Update) writeXRefTable(cw *countingWriter, base int64, offsets map[int]int64, trailer Dict) error {
	xrefAt := base + cw.n
	var b bytes.Buffer
	b.WriteString("xref\n")
	nums := keys(offsets)
	for i := 0; i < len(nums); {
		j := i + 1
		for j < len(nums) && nums[j] == nums[j-1]+1 {
			j++
		}
		fmt.Fprintf(&b, "%d %d\n", nums[i], j-i)
		for _, num := range nums[i:j] {
			fmt.Fprintf(&b, "%010d %05d n\r\n", offsets[num], u.gens[num])
		}
		i = j
	}
	trailer["Size"] = Int(u.next)
	e := encoder{}
	if err := e.object(trailer, 1); err != nil {
		return fmt.Errorf("trailer: %w", err)
	}
	b.WriteString("trailer\n")
	b.Write(e.buf.Bytes())
	fmt.Fprintf(&b, "\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	cw.Write(b.Bytes())
	return cw.err
}

// writeXRefStream writes a cross-reference stream (§7.5.8) that also serves
// as the trailer; it lists itself, as producers conventionally do.
func (u *Update) writeXRefStream(cw *countingWriter, base int64, offsets map[int]int64, trailer Dict) error {
	num := u.next
	xrefAt := base + cw.n
	offsets[num] = xrefAt
	u.gens[num] = 0
	defer delete(u.gens, num)
	nums := keys(offsets)
	offW, genW := bytesFor(uint64(xrefAt)), 1
	for _, n := range nums {
		genW = max(genW, bytesFor(uint64(u.gens[n])))
	}
	var rows []byte
	var index Array
	for i := 0; i < len(nums); {
		j := i + 1
		for j < len(nums) && nums[j] == nums[j-1]+1 {
			j++
		}
		index = append(index, Int(nums[i]), Int(j-i))
		for _, n := range nums[i:j] {
			rows = append(rows, 1)
			rows = appendBE(rows, uint64(offsets[n]), offW)
			rows = appendBE(rows, uint64(u.gens[n]), genW)
		}
		i = j
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(rows)
	if err := zw.Close(); err != nil {
		return err
	}
	trailer["Type"] = Name("XRef")
	trailer["Size"] = Int(num + 1)
	trailer["W"] = Array{Int(1), Int(offW), Int(genW)}
	trailer["Index"] = index
	trailer["Filter"] = Name("FlateDecode")
	e := encoder{}
	fmt.Fprintf(&e.buf, "%d 0 obj\n", num)
	if err := e.object(&Stream{Dict: trailer, Data: z.Bytes()}, 0); err != nil {
		return fmt.Errorf("xref stream: %w", err)
	}
	fmt.Fprintf(&e.buf, "\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	cw.Write(e.buf.Bytes())
	return cw.err
}

func bytesFor(v uint64) int {
	n := 1
	for v > 0xff {
		v >>= 8
		n++
	}
	return n
}

func appendBE(b []byte, v uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		b = append(b, byte(v>>(8*i)))
	}
	return b
}

// keys returns the map's keys in increasing order.
func keys[V any](m map[int]V) []int {
	ks := make([]int, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Ints(ks)
	return ks
}

// endsWithEOL reports whether the input's last byte is CR or LF, as an
// update must start on a new line after "%%EOF".
func (d *Document) endsWithEOL() (bool, error) {
	if d.src.size == 0 {
		return true, nil
	}
	var b [1]byte
	if _, err := d.src.r.ReadAt(b[:], d.src.size-1); err != nil && !errors.Is(err, io.EOF) {
		return false, fmt.Errorf("pdf: read input: %w", err)
	}
	return b[0] == '\n' || b[0] == '\r', nil
}

// lastRevisionXRefStream reports whether the newest revision's section is a
// cross-reference stream.
func (d *Document) lastRevisionXRefStream() bool {
	return len(d.sections) > 0 && d.sections[0].stream
}
