package pdf

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
)

// Cross-reference data (ISO 32000-1 §7.5.4, §7.5.8): each revision of a file
// ends with a cross-reference section (a table with a trailer, or a
// cross-reference stream) whose /Prev points to the section before it.

const (
	// maxObjNum is the largest object number accepted. ISO 32000-1 Annex C
	// puts the practical limit at 8 388 607; twice that leaves room for
	// odd producers while keeping hostile xref data from allocating
	// without bound.
	maxObjNum = 1 << 24
	// maxSections bounds the /Prev chain.
	maxSections = 10000
)

type entryKind uint8

const (
	entryFree       entryKind = iota
	entryInUse                // type 1: at a file offset
	entryCompressed           // type 2: inside an object stream (§7.5.7)
)

// xrefEntry is one cross-reference entry.
type xrefEntry struct {
	kind entryKind
	gen  int
	off  int64 // file offset (in use) or object stream number (compressed)
	idx  int   // index inside the object stream (compressed)
}

// section is one cross-reference section with its trailer.
type section struct {
	off     int64 // file offset of "xref" or of the xref stream object
	stream  bool
	trailer Dict  // the trailer, or the xref stream's dictionary (§7.5.8.2)
	end     int64 // file offset just after the trailer dictionary or "endobj"
	entries map[int]xrefEntry
}

// readSection reads the cross-reference section at off, whichever kind it is.
func (s *source) readSection(off int64) (*section, error) {
	buf, _, err := s.window(off, 32)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(bytes.TrimLeft(buf, " \r\n\t\f\x00"), []byte("xref")) {
		return s.readTable(off)
	}
	return s.readXRefStream(off)
}

// wordReader reads white-space separated words from a stream of bytes,
// counting its position; the classic table is read this way, without
// holding it in memory (a table for 100 000 objects is 2 MB).
type wordReader struct {
	r   *bufio.Reader
	pos int64
}

// word returns the next run of regular characters and its start offset.
func (w *wordReader) word() ([]byte, int64, error) {
	for {
		c, err := w.r.ReadByte()
		if err != nil {
			return nil, w.pos, err
		}
		if !isSpace(c) {
			_ = w.r.UnreadByte()
			break
		}
		w.pos++
	}
	start := w.pos
	var out []byte
	for {
		c, err := w.r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, start, err
		}
		if !isRegular(c) {
			_ = w.r.UnreadByte()
			break
		}
		w.pos++
		out = append(out, c)
		if len(out) > 64 {
			return nil, start, fmt.Errorf("bad cross-reference data at %d", start)
		}
	}
	if len(out) == 0 {
		return nil, start, fmt.Errorf("unexpected byte in cross-reference table at %d", start)
	}
	return out, start, nil
}

func atoi(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	return v, err == nil && v >= 0
}

// readTable reads a cross-reference table and its trailer (§7.5.4, §7.5.5).
func (s *source) readTable(off int64) (*section, error) {
	sec := &section{off: off, entries: map[int]xrefEntry{}}
	w := &wordReader{r: bufio.NewReaderSize(io.NewSectionReader(s.r, off, s.size-off), 32<<10), pos: off}
	kw, _, err := w.word()
	if err != nil || string(kw) != "xref" {
		return nil, fmt.Errorf("xref at %d: no \"xref\" keyword", off)
	}
	first := true
	var trailerAt int64
subsections:
	for {
		word, at, err := w.word()
		if err != nil {
			return nil, fmt.Errorf("xref at %d: %w", off, err)
		}
		if string(word) == "trailer" {
			trailerAt = w.pos
			break
		}
		start, ok1 := atoi(word)
		cw, _, err := w.word()
		count, ok2 := atoi(cw)
		if err != nil || !ok1 || !ok2 || start+count > maxObjNum+1 {
			return nil, fmt.Errorf("xref at %d: bad subsection header at %d", off, at)
		}
		for k := int64(0); k < count; k++ {
			ow, at, err := w.word()
			if err != nil {
				return nil, fmt.Errorf("xref at %d: %w", off, err)
			}
			if string(ow) == "trailer" {
				// The subsection header promised more entries than
				// there are; keep those read.
				trailerAt = w.pos
				break subsections
			}
			gw, _, err1 := w.word()
			tw, _, err2 := w.word()
			o, ok1 := atoi(ow)
			g, ok2 := atoi(gw)
			if err1 != nil || err2 != nil || !ok1 || !ok2 || len(tw) != 1 || (tw[0] != 'n' && tw[0] != 'f') {
				return nil, fmt.Errorf("xref at %d: bad entry at %d", off, at)
			}
			// A frequent producer bug numbers the first subsection from
			// 1 while its first entry is object 0, the free-list head.
			if first && k == 0 && start == 1 && tw[0] == 'f' && g == 65535 {
				start = 0
			}
			num := int(start + k)
			if num == 0 {
				continue
			}
			if _, dup := sec.entries[num]; dup {
				continue // within one section the first entry counts
			}
			if tw[0] == 'n' {
				sec.entries[num] = xrefEntry{kind: entryInUse, gen: int(min(g, 65535)), off: o}
			} else {
				sec.entries[num] = xrefEntry{kind: entryFree, gen: int(min(g, 65535))}
			}
		}
		first = false
	}
	err = s.parseAt(trailerAt, func(p *parser) error {
		o, err := p.object()
		if err != nil {
			return err
		}
		d, ok := o.(Dict)
		if !ok {
			return fmt.Errorf("trailer is not a dictionary")
		}
		sec.trailer, sec.end = d, p.lx.offset(p.pos())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("xref at %d: trailer at %d: %w", off, trailerAt, err)
	}
	// A hybrid-reference file (§7.5.8.4) lists objects kept in object
	// streams in a cross-reference stream named by /XRefStm; its entries
	// complete this section, overriding entries the table leaves free.
	if x, ok := Integer(sec.trailer.Get("XRefStm")); ok {
		hs, err := s.readXRefStream(int64(x))
		if err == nil {
			for num, e := range hs.entries {
				if te, ok := sec.entries[num]; !ok || te.kind == entryFree {
					sec.entries[num] = e
				}
			}
		}
	}
	return sec, nil
}

// readXRefStream reads a cross-reference stream (§7.5.8).
func (s *source) readXRefStream(off int64) (*section, error) {
	obj, err := s.readIndirect(off)
	if err != nil {
		return nil, fmt.Errorf("xref stream at %d: %w", off, err)
	}
	dict, _ := obj.obj.(Dict)
	if !obj.stream || dict == nil {
		return nil, fmt.Errorf("xref at %d: neither a table nor a stream", off)
	}
	if t, _ := dict.Get("Type").(Name); t != "XRef" {
		return nil, fmt.Errorf("xref stream at %d: /Type is %q, not /XRef", off, t)
	}
	declared, ok := Integer(dict.Get("Length"))
	n, err := s.streamLength(obj.dataStart, int64(declared), ok)
	if err != nil {
		return nil, fmt.Errorf("xref stream at %d: %w", off, err)
	}
	raw, err := s.readData(obj.dataStart, n)
	if err != nil {
		return nil, fmt.Errorf("xref stream at %d: %w", off, err)
	}
	// The values of an xref stream dictionary are direct (§7.5.8.2).
	data, err := decode(dict, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("xref stream at %d: %w", off, err)
	}
	sec := &section{off: off, stream: true, trailer: dict, entries: map[int]xrefEntry{}}
	sec.end = s.afterStream(obj.dataStart + n)
	if err := sec.parseStreamEntries(data); err != nil {
		return nil, fmt.Errorf("xref stream at %d: %w", off, err)
	}
	return sec, nil
}

// parseStreamEntries decodes the binary entries of an xref stream
// (§7.5.8.3, Table 18).
func (sec *section) parseStreamEntries(data []byte) error {
	wa, _ := sec.trailer.Get("W").(Array)
	if len(wa) < 3 {
		return fmt.Errorf("bad /W")
	}
	var w [3]int
	for i := range w {
		v, ok := Integer(wa[i])
		if !ok || v < 0 || v > 8 {
			return fmt.Errorf("bad /W")
		}
		w[i] = v
	}
	rowLen := w[0] + w[1] + w[2]
	if rowLen == 0 {
		return fmt.Errorf("bad /W")
	}
	size, _ := Integer(sec.trailer.Get("Size"))
	index := Array{Int(0), Int(size)}
	if ia, ok := sec.trailer.Get("Index").(Array); ok {
		index = ia
	}
	field := func(b []byte, def int64) int64 {
		if len(b) == 0 {
			return def
		}
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return v
	}
	pos := 0
	for i := 0; i+1 < len(index); i += 2 {
		start, ok1 := Integer(index[i])
		count, ok2 := Integer(index[i+1])
		if !ok1 || !ok2 || start < 0 || count < 0 || start+count > maxObjNum+1 {
			return fmt.Errorf("bad /Index")
		}
		for k := 0; k < count; k++ {
			if pos+rowLen > len(data) {
				return nil // short data: keep the entries read
			}
			row := data[pos : pos+rowLen]
			pos += rowLen
			typ := field(row[:w[0]], 1) // type defaults to 1 when W[0] is 0
			f2 := field(row[w[0]:w[0]+w[1]], 0)
			f3 := field(row[w[0]+w[1]:], 0)
			num := start + k
			if num == 0 {
				continue
			}
			if _, dup := sec.entries[num]; dup {
				continue
			}
			switch typ {
			case 0:
				sec.entries[num] = xrefEntry{kind: entryFree, gen: int(min(f3, 65535))}
			case 1:
				sec.entries[num] = xrefEntry{kind: entryInUse, off: f2, gen: int(min(f3, 65535))}
			case 2:
				if f2 > 0 && f2 <= maxObjNum {
					sec.entries[num] = xrefEntry{kind: entryCompressed, off: f2, idx: int(min(f3, maxObjNum))}
				}
			}
			// Other types are reserved and read as the null object.
		}
	}
	return nil
}

// afterStream returns the offset just after "endstream" and "endobj" that
// follow stream data ending at off, or off itself when they are missing.
func (s *source) afterStream(off int64) int64 {
	buf, _, err := s.window(off, 64)
	if err != nil {
		return off
	}
	rest := bytes.TrimLeft(buf, " \r\n\t\f\x00")
	if !bytes.HasPrefix(rest, endstream) {
		return off
	}
	end := off + int64(len(buf)-len(rest)+len(endstream))
	rest2 := bytes.TrimLeft(rest[len(endstream):], " \r\n\t\f\x00")
	if bytes.HasPrefix(rest2, []byte("endobj")) {
		end = off + int64(len(buf)-len(rest2)+len("endobj"))
	}
	return end
}

// findStartXRef finds the last "startxref" keyword (§7.5.5) and returns
// the offset it gives and the keyword's own offset. It looks in the last
// kilobyte first, as the file trailer must be there, and further back for
// files with trailing junk.
func (s *source) findStartXRef() (val, at int64, err error) {
	for _, n := range []int64{1 << 10, 64 << 10, 1 << 20} {
		off := max(0, s.size-n)
		buf, _, err := s.window(off, int(s.size-off))
		if err != nil {
			return 0, 0, err
		}
		for i := bytes.LastIndex(buf, []byte("startxref")); i >= 0; i = bytes.LastIndex(buf[:i], []byte("startxref")) {
			rest := bytes.TrimLeft(buf[i+len("startxref"):], " \r\n\t\f\x00")
			j := 0
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			if v, ok := atoi(rest[:j]); ok {
				return v, off + int64(i), nil
			}
		}
		if off == 0 {
			break
		}
	}
	return 0, 0, fmt.Errorf("no startxref")
}

// findTableBefore returns the offset of the last "xref" keyword that
// starts a line before off: where a table is when startxref is wrong, a
// fault that viewers repair this way.
func (s *source) findTableBefore(off int64) (int64, bool) {
	const chunk = 64 << 10
	for end := off; end > 0; {
		start := max(0, end-chunk)
		buf, _, err := s.window(start, int(end-start)+4)
		if err != nil {
			return 0, false
		}
		for i := bytes.LastIndex(buf, []byte("xref")); i >= 0; i = bytes.LastIndex(buf[:i], []byte("xref")) {
			if start+int64(i) >= off || i+4 < len(buf) && !isSpace(buf[i+4]) {
				continue
			}
			if i == 0 && start == 0 || i > 0 && (buf[i-1] == '\n' || buf[i-1] == '\r') {
				return start + int64(i), true
			}
		}
		end = start
	}
	return 0, false
}

// eofAfter looks for "startxref", its offset and "%%EOF" at or after off
// and returns the offset just after "%%EOF" (§7.5.5). It gives up at limit.
func (s *source) eofAfter(off, limit int64) (int64, bool) {
	at, err := s.find(off, []byte("startxref"))
	if err != nil || at >= limit {
		return 0, false
	}
	buf, _, err := s.window(at, 64)
	if err != nil {
		return 0, false
	}
	rest := bytes.TrimLeft(buf[len("startxref"):], " \r\n\t\f\x00")
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	end := at + int64(len(buf)-len(rest)+j)
	rest = rest[j:]
	trimmed := bytes.TrimLeft(rest, " \r\n\t\f\x00")
	if bytes.HasPrefix(trimmed, []byte("%%EOF")) {
		end += int64(len(rest)-len(trimmed)) + 5
	}
	return end, true
}
