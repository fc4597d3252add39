package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Document is a PDF file opened for reading and for appending incremental
// updates. Its methods are safe for concurrent use.
type Document struct {
	src       source
	version   string // from the header, e.g. "1.7"
	sections  []*section
	xref      map[int]xrefEntry // merged over all revisions, newest first
	trailer   Dict              // merged trailer (see Trailer)
	startxref int64             // offset given by the file's last startxref
	nextNum   int               // first free object number for an update
	revs      []Revision
	root      Ref
	pages     []Page

	scan     *scanIndex // set once the file had to be scanned
	repaired bool

	mu      sync.Mutex
	cache   map[int]Object
	objstms map[int]*objStream
	stmSize int // decoded bytes held in objstms
	busy    map[int]bool
}

// Revision is one revision of the file: the original, or an incremental
// update (ISO 32000-1 §7.5.6).
type Revision struct {
	// XRef is the file offset of the revision's cross-reference section:
	// the value of its startxref, unless that was wrong and the section
	// was found by searching (see Repaired).
	XRef int64
	// End is the file offset just after the "%%EOF" that closes the
	// revision; a signature that covers a whole revision has a ByteRange
	// ending here (possibly plus an end-of-line marker).
	End int64
	// XRefStream says whether the revision's cross-reference section is a
	// cross-reference stream (§7.5.8) rather than a table (§7.5.4).
	XRefStream bool
}

// Open reads the structure of the PDF file in r, which is size bytes long:
// header, cross-reference sections and trailers of every revision, the
// document catalog and the page tree. Objects are read on demand
// afterwards; the file is never held in memory as a whole.
//
// Errors wrap ErrTooLarge, ErrNotPDF, ErrEncrypted or ErrDamaged.
func Open(r io.ReaderAt, size int64, opts ...Option) (doc *Document, err error) {
	s := settings{maxSize: DefaultMaxSize}
	for _, o := range opts {
		o(&s)
	}
	if s.maxSize <= 0 {
		s.maxSize = DefaultMaxSize
	}
	if size > s.maxSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, size, s.maxSize)
	}
	if r == nil || size < 0 {
		return nil, errors.New("pdf: open: no input")
	}
	defer catch(&err)
	d := &Document{
		src:     source{r: r, size: size},
		cache:   map[int]Object{},
		objstms: map[int]*objStream{},
		busy:    map[int]bool{},
	}
	if err := d.readHeader(); err != nil {
		return nil, err
	}
	if err := d.readXRef(); err != nil {
		// No cross-reference section is readable: rebuild from a scan.
		if rerr := d.reconstruct(); rerr != nil || d.trailer.Get("Root") == nil {
			return nil, asDamaged(err)
		}
	}
	if d.trailer.Get("Encrypt") != nil {
		return nil, ErrEncrypted
	}
	root, ok := d.trailer.Get("Root").(Ref)
	if !ok {
		return nil, damaged("trailer has no /Root reference")
	}
	d.root = root
	cat, err := d.resolveDict(root)
	if err != nil && !d.repaired {
		// The sections miss the catalog (a cut chain, say): complete
		// them from a scan, as viewers do, and try again.
		if rerr := d.reconstruct(); rerr == nil {
			cat, err = d.resolveDict(root)
		}
	}
	if err != nil {
		return nil, asDamaged(fmt.Errorf("catalog %v: %w", root, err))
	}
	err = d.readPages(cat)
	if (err != nil || len(d.pages) == 0) && !d.repaired {
		// Pages the sections do not reach: complete them from a scan.
		if rerr := d.reconstruct(); rerr == nil {
			d.pages = nil
			if cat, err = d.resolveDict(root); err == nil {
				err = d.readPages(cat)
			}
		}
	}
	if err != nil {
		return nil, asDamaged(err)
	}
	return d, nil
}

// readHeader checks for "%PDF-" (§7.5.2). Like most readers it accepts up
// to a kilobyte of junk before it.
func (d *Document) readHeader() error {
	buf, _, err := d.src.window(0, 1024)
	if err != nil {
		return fmt.Errorf("pdf: read header: %w", err)
	}
	i := bytes.Index(buf, []byte("%PDF-"))
	if i < 0 {
		return ErrNotPDF
	}
	v := buf[i+5:]
	n := 0
	for n < len(v) && n < 8 && (v[n] == '.' || v[n] >= '0' && v[n] <= '9') {
		n++
	}
	d.version = string(v[:n])
	return nil
}

// readXRef follows the chain of cross-reference sections from the last
// startxref through every /Prev, merging entries so that the newest
// revision wins (§7.5.6).
func (d *Document) readXRef() error {
	start, at, err := d.src.findStartXRef()
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for off := start; len(d.sections) < maxSections && !seen[off]; {
		seen[off] = true
		sec, err := d.src.readSection(off)
		if err != nil && len(d.sections) == 0 {
			// startxref is wrong: use the last table before it.
			if t, ok := d.src.findTableBefore(at); ok && t != off {
				sec, err = d.src.readSection(t)
				d.repaired = err == nil
			}
		}
		if err != nil && len(d.sections) > 0 {
			// A broken /Prev (a wrong offset, or 0): take the last
			// table before the section that named it.
			if t, ok := d.src.findTableBefore(d.sections[len(d.sections)-1].off); ok && !seen[t] {
				seen[t] = true
				sec, err = d.src.readSection(t)
				d.repaired = d.repaired || err == nil
			}
		}
		if err != nil {
			if len(d.sections) == 0 {
				return err
			}
			// The newer revisions are still usable, as they are for
			// viewers.
			break
		}
		d.sections = append(d.sections, sec)
		prev, ok := Integer(sec.trailer.Get("Prev"))
		if !ok {
			break
		}
		off = int64(prev)
	}
	d.startxref = d.sections[0].off
	d.mergeSections()
	d.revs = revisions(&d.src, d.sections)
	return nil
}

// trailerOnly lists keys of an xref stream dictionary that describe the
// stream itself, not the document (§7.5.8.2), and the chain links.
var trailerOnly = map[Name]bool{
	"Type": true, "W": true, "Index": true, "Filter": true, "DecodeParms": true,
	"Length": true, "DL": true, "F": true, "FFilter": true, "FDecodeParms": true,
	"Prev": true, "XRefStm": true,
}

func (d *Document) mergeSections() {
	d.xref = map[int]xrefEntry{}
	d.trailer = Dict{}
	size := 1
	for _, sec := range d.sections {
		for num, e := range sec.entries {
			if _, ok := d.xref[num]; !ok {
				d.xref[num] = e
			}
		}
		sec.entries = nil // merged; not needed any more
		for k, v := range sec.trailer {
			if _, ok := d.trailer[k]; !ok && !trailerOnly[k] {
				d.trailer[k] = v
			}
		}
		if n, ok := Integer(sec.trailer.Get("Size")); ok {
			size = max(size, n)
		}
	}
	for num := range d.xref {
		size = max(size, num+1)
	}
	d.nextNum = min(size, maxObjNum+1)
	d.trailer["Size"] = Int(d.nextNum)
}

// revisions groups sections into revisions, oldest first. A linearized
// file (Annex F) starts with a first-page section whose /Prev points
// forward to the main section at the end: the two are one revision.
func revisions(src *source, secs []*section) []Revision {
	var revs []Revision
	limit := src.size
	for i := 0; i < len(secs); i++ {
		sec, last := secs[i], secs[i]
		if p, ok := Integer(sec.trailer.Get("Prev")); ok && int64(p) > sec.off && i+1 < len(secs) && secs[i+1].off == int64(p) {
			last = secs[i+1]
			i++
		}
		rev := Revision{XRef: sec.off, XRefStream: sec.stream, End: last.end}
		if end, ok := src.eofAfter(last.end, limit); ok {
			rev.End = end
		}
		revs = append(revs, rev)
		limit = min(sec.off, last.off)
	}
	for i, j := 0, len(revs)-1; i < j; i, j = i+1, j-1 {
		revs[i], revs[j] = revs[j], revs[i]
	}
	return revs
}

// Repaired reports whether the cross-reference data was wrong and had to be
// completed by scanning the file. Updates can still be appended (with /Prev
// naming the newest readable section), but readers will have to repair the
// result too; a signer may prefer to refuse such a file.
func (d *Document) Repaired() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.repaired
}

// Version returns the version in the file header, e.g. "1.7". The catalog's
// /Version entry (§7.7.2) may name a later one.
func (d *Document) Version() string { return d.version }

// Size returns the length of the input in bytes.
func (d *Document) Size() int64 { return d.src.size }

// Root returns the reference to the document catalog (§7.7.2).
func (d *Document) Root() Ref { return d.root }

// Trailer returns the trailer entries in force (§7.5.5): those of the last
// revision, completed by earlier ones, without /Prev, /XRefStm and the
// keys that describe a cross-reference stream. /Size is the first object
// number an update may use. The returned Dict is a copy.
func (d *Document) Trailer() Dict { return deepCopy(d.trailer).(Dict) }

// Revisions returns the revisions of the file, oldest first. It is empty
// when no cross-reference section was readable and the file was rebuilt
// from a scan.
func (d *Document) Revisions() []Revision { return append([]Revision(nil), d.revs...) }

// StartXRef returns the offset of the newest cross-reference section, which
// an incremental update names as /Prev. It is the value of the file's last
// startxref, unless that was wrong and the section was found by searching.
func (d *Document) StartXRef() int64 { return d.startxref }
