package pdf

import (
	"fmt"
	"math"
)

// maxPageTreeDepth bounds the page tree walk; real trees are a few levels
// deep, hostile ones may loop.
const maxPageTreeDepth = 256

// defaultMediaBox is used for a page without a MediaBox anywhere in its
// ancestry, which ISO 32000-1 forbids but producers emit; it is US Letter,
// as in Acrobat and pdf.js.
var defaultMediaBox = [4]float64{0, 0, 612, 792}

// Page describes one page (ISO 32000-1 §7.7.3.3), with the inheritable
// attributes resolved (§7.7.3.4).
type Page struct {
	// Ref is the page object, whose /Annots an update replaces to add a
	// widget annotation.
	Ref Ref
	// MediaBox is [llx lly urx ury] with llx <= urx and lly <= ury (§7.9.5
	// allows any two opposite corners; they are normalized).
	MediaBox [4]float64
	// CropBox is the visible region: the page's CropBox clipped to the
	// MediaBox, or the MediaBox (§14.11.2).
	CropBox [4]float64
	// Rotate is the clockwise rotation for display: 0, 90, 180 or 270.
	Rotate int
}

// NumPages returns the number of pages.
func (d *Document) NumPages() int { return len(d.pages) }

// Page returns page i, counting from 1.
func (d *Document) Page(i int) (Page, error) {
	if i < 1 || i > len(d.pages) {
		return Page{}, fmt.Errorf("pdf: page %d out of range 1..%d", i, len(d.pages))
	}
	return d.pages[i-1], nil
}

// PageIndex returns the number (from 1) of the page whose object is ref, or 0.
func (d *Document) PageIndex(ref Ref) int {
	for i, p := range d.pages {
		if p.Ref == ref {
			return i + 1
		}
	}
	return 0
}

// inherited holds the inheritable page attributes met on the way down.
type inherited struct {
	mediaBox, cropBox Object
	rotate            Object
}

// readPages walks the page tree from the catalog's /Pages (§7.7.3).
func (d *Document) readPages(cat Dict) error {
	root, ok := cat.Get("Pages").(Ref)
	if !ok {
		return fmt.Errorf("catalog has no /Pages reference")
	}
	seen := map[Ref]bool{}
	var walk func(ref Ref, inh inherited, depth int) error
	walk = func(ref Ref, inh inherited, depth int) error {
		if depth > maxPageTreeDepth {
			return fmt.Errorf("page tree deeper than %d", maxPageTreeDepth)
		}
		if seen[ref] {
			return nil // a loop, or a page listed twice: read it once
		}
		seen[ref] = true
		node, err := d.Resolve(ref)
		if err != nil {
			return err
		}
		dict, ok := node.(Dict)
		if !ok {
			// A null or broken kid: viewers skip it.
			return nil
		}
		if v := dict.Get("MediaBox"); v != nil {
			inh.mediaBox = v
		}
		if v := dict.Get("CropBox"); v != nil {
			inh.cropBox = v
		}
		if v := dict.Get("Rotate"); v != nil {
			inh.rotate = v
		}
		typ, _ := dict.Get("Type").(Name)
		isNode := dict.Get("Kids") != nil
		if typ == "Page" || (!isNode && typ != "Pages") {
			if typ != "Page" && typ != "" {
				return nil // not a page object
			}
			p, err := d.page(ref, inh)
			if err != nil {
				return fmt.Errorf("page %v: %w", ref, err)
			}
			d.pages = append(d.pages, p)
			return nil
		}
		var kids Array
		if o, err := d.Deref(dict.Get("Kids")); err == nil {
			kids, _ = o.(Array)
		}
		for _, k := range kids {
			kr, ok := k.(Ref)
			if !ok {
				continue // page objects are indirect (§7.7.3.3)
			}
			if err := walk(kr, inh, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, inherited{}, 0); err != nil {
		return fmt.Errorf("page tree: %w", err)
	}
	return nil
}

// page builds a Page from the inherited attributes.
func (d *Document) page(ref Ref, inh inherited) (Page, error) {
	p := Page{Ref: ref, MediaBox: defaultMediaBox}
	if r, ok, err := d.rect(inh.mediaBox); err != nil {
		return p, err
	} else if ok {
		p.MediaBox = r
	}
	p.CropBox = p.MediaBox
	if r, ok, err := d.rect(inh.cropBox); err != nil {
		return p, err
	} else if ok {
		m := p.MediaBox
		c := [4]float64{max(r[0], m[0]), max(r[1], m[1]), min(r[2], m[2]), min(r[3], m[3])}
		if c[0] < c[2] && c[1] < c[3] {
			p.CropBox = c
		}
	}
	if o, err := d.Deref(inh.rotate); err == nil {
		if v, ok := Integer(o); ok {
			// Rotate must be a multiple of 90 (§7.7.3.3, Table 30);
			// anything else is ignored, as viewers do.
			if v%90 == 0 {
				p.Rotate = ((v % 360) + 360) % 360
			}
		}
	}
	return p, nil
}

// rect reads a rectangle (§7.9.5) and normalizes its corners. A missing or
// malformed rectangle gives ok == false.
func (d *Document) rect(o Object) ([4]float64, bool, error) {
	var r [4]float64
	if o == nil {
		return r, false, nil
	}
	o, err := d.Deref(o)
	if err != nil {
		return r, false, err
	}
	a, ok := o.(Array)
	if !ok || len(a) != 4 {
		return r, false, nil
	}
	for i, v := range a {
		if v, err = d.Deref(v); err != nil {
			return r, false, err
		}
		f, ok := Number(v)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
			return r, false, nil
		}
		r[i] = f
	}
	r = [4]float64{min(r[0], r[2]), min(r[1], r[3]), max(r[0], r[2]), max(r[1], r[3])}
	if r[0] == r[2] || r[1] == r[3] {
		return r, false, nil
	}
	return r, true, nil
}
