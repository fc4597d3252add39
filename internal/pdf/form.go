package pdf

import (
	"fmt"
)

// maxFieldDepth bounds the field tree walk.
const maxFieldDepth = 64

// AcroForm is the document's interactive form dictionary (ISO 32000-1
// §12.7.2), which an update replaces to add a signature field.
type AcroForm struct {
	// Ref is the form dictionary's object, or zero when the dictionary is
	// direct in the catalog (then the catalog must be replaced instead).
	Ref Ref
	// Dict is the form dictionary; nil when the document has no form.
	Dict Dict
	// Fields is the /Fields array, dereferenced.
	Fields Array
	// SigFlags is the /SigFlags value (§12.7.2, Table 219): 1
	// SignaturesExist, 2 AppendOnly.
	SigFlags int
	// Fonts is the /DR /Font dictionary, dereferenced; nil when absent.
	Fonts Dict
}

// Catalog returns the document catalog (§7.7.2).
func (d *Document) Catalog() (Dict, error) { return d.resolveDict(d.root) }

// AcroForm returns the interactive form dictionary. A document without a
// form gives an AcroForm with a nil Dict.
func (d *Document) AcroForm() (*AcroForm, error) {
	cat, err := d.Catalog()
	if err != nil {
		return nil, err
	}
	af := &AcroForm{}
	v := cat.Get("AcroForm")
	if r, ok := v.(Ref); ok {
		af.Ref = r
	}
	if af.Dict, err = d.DerefDict(v); err != nil {
		return nil, fmt.Errorf("pdf: /AcroForm: %w", err)
	}
	if af.Dict == nil {
		return af, nil
	}
	if o, err := d.Deref(af.Dict.Get("Fields")); err == nil {
		af.Fields, _ = o.(Array)
	}
	if o, err := d.Deref(af.Dict.Get("SigFlags")); err == nil {
		af.SigFlags, _ = Integer(o)
	}
	if dr, err := d.DerefDict(af.Dict.Get("DR")); err == nil && dr != nil {
		af.Fonts, _ = d.DerefDict(dr.Get("Font"))
	}
	return af, nil
}

// Field is a signature field (§12.7.4.5) found in the form.
type Field struct {
	// Name is the fully qualified field name (§12.7.3.2).
	Name string
	// Ref is the field's object.
	Ref Ref
	// Signed says whether the field has a value (/V), that is a signature
	// dictionary (§12.8.1); an unsigned field is a place to sign.
	Signed bool
	// Value is the signature dictionary's object when /V is indirect.
	Value Ref
	// Widget is the field's first widget annotation: the field itself when
	// the two are merged (§12.5.6.19), or its first kid.
	Widget Ref
	// Page is the page (from 1) that shows the widget, or 0 if none does.
	Page int
	// Rect is the widget's rectangle in default user space (§12.5.2).
	Rect [4]float64
}

// SignatureFields returns the document's signature fields in form order.
func (d *Document) SignatureFields() (fields []Field, err error) {
	defer catch(&err)
	af, err := d.AcroForm()
	if err != nil || af.Dict == nil {
		return nil, err
	}
	var annotPages map[Ref]int // built on demand for widgets without /P
	seen := map[Ref]bool{}
	var walk func(o Object, parent string, ft Name, v Object, depth int) error
	walk = func(o Object, parent string, ft Name, v Object, depth int) error {
		ref, _ := o.(Ref)
		if depth > maxFieldDepth || (ref != Ref{} && seen[ref]) {
			return nil
		}
		seen[ref] = true
		f, err := d.DerefDict(o)
		if err != nil || f == nil {
			return err
		}
		name := parent
		if t, ok := Text(f.Get("T")); ok {
			if name != "" {
				name += "."
			}
			name += t
		}
		if n, ok := f.Get("FT").(Name); ok {
			ft = n // FT and V are inheritable (§12.7.3.1, Table 220)
		}
		if x := f.Get("V"); x != nil {
			v = x
		}
		kidsObj, err := d.Deref(f.Get("Kids"))
		if err != nil {
			return err
		}
		kids, _ := kidsObj.(Array)
		// Kids with a /T are fields; kids without one are the widgets of
		// a terminal field (§12.7.3.1).
		var fieldKids, widgets []Object
		for _, k := range kids {
			kd, err := d.DerefDict(k)
			if err != nil || kd == nil {
				continue
			}
			if kd.Get("T") != nil {
				fieldKids = append(fieldKids, k)
			} else {
				widgets = append(widgets, k)
			}
		}
		if len(fieldKids) > 0 {
			for _, k := range fieldKids {
				if err := walk(k, name, ft, v, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if ft != "Sig" {
			return nil
		}
		fl := Field{Name: name, Ref: ref, Signed: v != nil}
		fl.Value, _ = v.(Ref)
		wd := f
		fl.Widget = ref
		if len(widgets) > 0 {
			fl.Widget, _ = widgets[0].(Ref)
			if wd, err = d.DerefDict(widgets[0]); err != nil || wd == nil {
				wd = Dict{}
			}
		}
		if r, ok, err := d.rect(wd.Get("Rect")); err == nil && ok {
			fl.Rect = r
		}
		if p, ok := wd.Get("P").(Ref); ok {
			fl.Page = d.PageIndex(p)
		}
		if fl.Page == 0 && fl.Widget != (Ref{}) {
			if annotPages == nil {
				annotPages = d.annotPages()
			}
			fl.Page = annotPages[fl.Widget]
		}
		fields = append(fields, fl)
		return nil
	}
	for _, f := range af.Fields {
		if err := walk(f, "", "", nil, 0); err != nil {
			return nil, fmt.Errorf("pdf: signature fields: %w", err)
		}
	}
	return fields, nil
}

// annotPages maps each annotation listed in a page's /Annots to the page.
func (d *Document) annotPages() map[Ref]int {
	m := map[Ref]int{}
	for i, p := range d.pages {
		pd, err := d.resolveDict(p.Ref)
		if err != nil {
			continue
		}
		o, err := d.Deref(pd.Get("Annots"))
		if err != nil {
			continue
		}
		annots, _ := o.(Array)
		for _, a := range annots {
			if r, ok := a.(Ref); ok {
				if _, dup := m[r]; !dup {
					m[r] = i + 1
				}
			}
		}
	}
	return m
}
