package pdf

import (
	"bytes"
	"fmt"
)

// Repair. When cross-reference data is wrong (offsets that miss their
// objects, a table that leaves out the catalog, a chain cut short),
// viewers read the file once from start to end and index every
// "Num Gen obj" header; the last header for a number wins, as a later
// update's copy would. This package does the same, and only then: a
// well-formed file is never scanned. Document.Repaired reports it, so that
// a signer can refuse to build on a file whose structure it had to guess.

// maxScanObjects bounds the index built by a scan.
const maxScanObjects = 1 << 20

// scanIndex is the result of scanning the file.
type scanIndex struct {
	objs     map[int]scanned
	trailers []int64 // offsets just after each "trailer" keyword
}

type scanned struct {
	gen int
	off int64
}

// scan reads the whole file in chunks and indexes object headers and
// trailers.
func (s *source) scan() (*scanIndex, error) {
	idx := &scanIndex{objs: map[int]scanned{}}
	const chunk, overlap = 1 << 20, 64
	for start := int64(0); start < s.size; start += chunk {
		buf, _, err := s.window(start, chunk+overlap)
		if err != nil {
			return nil, err
		}
		limit := min(len(buf), chunk) // matches starting in the overlap belong to the next chunk
		for i := 0; i < limit; {
			j := bytes.Index(buf[i:], []byte("trailer"))
			if j < 0 || i+j >= limit {
				break
			}
			at := i + j
			i = at + 7
			if (at == 0 || !isRegular(buf[at-1])) && (at+7 >= len(buf) || !isRegular(buf[at+7])) {
				idx.trailers = append(idx.trailers, start+int64(at)+7)
			}
		}
		for i := 0; i < limit; {
			j := bytes.Index(buf[i:], []byte("obj"))
			if j < 0 || i+j >= limit {
				break
			}
			at := i + j
			i = at + 3
			if at+3 < len(buf) && isRegular(buf[at+3]) {
				continue
			}
			if num, gen, off, ok := objHeaderBefore(buf, at); ok && len(idx.objs) < maxScanObjects {
				idx.objs[num] = scanned{gen: gen, off: start + int64(off)}
			}
		}
	}
	return idx, nil
}

// objHeaderBefore checks that "obj" at buf[at] follows "Num Gen " and
// returns the numbers and the offset of Num.
func objHeaderBefore(buf []byte, at int) (num, gen, off int, ok bool) {
	i := at
	skipBack := func(pred func(byte) bool) int {
		n := 0
		for i > 0 && pred(buf[i-1]) && n < 12 {
			i--
			n++
		}
		return n
	}
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	if skipBack(isSpace) == 0 {
		return 0, 0, 0, false
	}
	genEnd := i
	if skipBack(digit) == 0 {
		return 0, 0, 0, false
	}
	g, _ := atoi(buf[i:genEnd])
	if skipBack(isSpace) == 0 {
		return 0, 0, 0, false
	}
	numEnd := i
	if skipBack(digit) == 0 {
		return 0, 0, 0, false
	}
	n, _ := atoi(buf[i:numEnd])
	if i > 0 && isRegular(buf[i-1]) || n <= 0 || n > maxObjNum || g > 65535 {
		return 0, 0, 0, false
	}
	return int(n), int(g), i, true
}

// scanned returns the scan index, building it on first use; d.mu is held
// or d is not shared yet.
func (d *Document) scanned() (*scanIndex, error) {
	if d.scan == nil {
		idx, err := d.src.scan()
		if err != nil {
			return nil, err
		}
		d.scan = idx
		d.repaired = true
	}
	return d.scan, nil
}

// reconstruct completes the cross-reference data from a scan: objects the
// sections do not list, or list at offsets that do not hold them. With no
// readable section at all, the trailer is the last one found that names a
// catalog, or failing that the last cross-reference stream dictionary.
func (d *Document) reconstruct() error {
	idx, err := d.scanned()
	if err != nil {
		return err
	}
	if d.xref == nil {
		d.xref = map[int]xrefEntry{}
	}
	for num, sc := range idx.objs {
		e, ok := d.xref[num]
		if !ok || (e.kind == entryInUse && !d.src.holds(e.off, num, e.gen)) {
			d.xref[num] = xrefEntry{kind: entryInUse, gen: sc.gen, off: sc.off}
		}
	}
	// Objects kept in object streams are only found through the streams.
	for num, sc := range idx.objs {
		ind, err := d.src.readIndirect(sc.off)
		if err != nil || !ind.stream {
			continue
		}
		if t, _ := ind.obj.(Dict).Get("Type").(Name); t != "ObjStm" {
			continue
		}
		ostm, err := d.objStream(num, 0)
		if err != nil {
			continue
		}
		for i, n := range ostm.nums {
			if _, ok := d.xref[n]; !ok && n > 0 && n <= maxObjNum {
				d.xref[n] = xrefEntry{kind: entryCompressed, off: int64(num), idx: i}
			}
		}
	}
	if len(d.sections) == 0 {
		d.trailer = Dict{}
		for i := len(idx.trailers) - 1; i >= 0 && d.trailer.Get("Root") == nil; i-- {
			_ = d.src.parseAt(idx.trailers[i], func(p *parser) error {
				o, err := p.object()
				if t, ok := o.(Dict); err == nil && ok && t.Get("Root") != nil {
					d.trailer = t
				}
				return err
			})
		}
		if d.trailer.Get("Root") == nil {
			d.trailer = d.scanForXRefStreamTrailer(idx)
		}
		delete(d.trailer, "Prev")
	}
	size := max(d.nextNum, 1)
	for num := range d.xref {
		size = max(size, num+1)
	}
	d.nextNum = min(size, maxObjNum+1)
	d.trailer["Size"] = Int(d.nextNum)
	d.cache = map[int]Object{}
	return nil
}

// scanForXRefStreamTrailer returns the dictionary of the cross-reference
// stream latest in the file that names a catalog.
func (d *Document) scanForXRefStreamTrailer(idx *scanIndex) Dict {
	var best Dict
	var bestOff int64 = -1
	for _, sc := range idx.objs {
		if sc.off < bestOff {
			continue
		}
		ind, err := d.src.readIndirect(sc.off)
		if err != nil || !ind.stream {
			continue
		}
		dict := ind.obj.(Dict)
		if t, _ := dict.Get("Type").(Name); t == "XRef" && dict.Get("Root") != nil {
			best, bestOff = Dict{}, sc.off
			for k, v := range dict {
				if !trailerOnly[k] {
					best[k] = v
				}
			}
		}
	}
	if best == nil {
		return Dict{}
	}
	return best
}

// holds reports whether the object num gen starts at off.
func (s *source) holds(off int64, num, gen int) bool {
	ok := false
	_ = s.parseAt(off, func(p *parser) error {
		n, err1 := p.integer()
		g, err2 := p.integer()
		if err1 != nil || err2 != nil {
			return fmt.Errorf("no header")
		}
		ok = int(n) == num && int(g) == gen && p.keyword("obj") == nil
		return nil
	})
	return ok
}
