// Package changes finds what a PDF's later incremental updates changed
// after a signature, and sorts it into what the signature permits (more
// signatures, validation data, time-stamps) and what it does not (page
// content, pages, annotations): the "changes after signing" part of a
// validation report (ETSI EN 319 142-1 §5.4, ISO 32000-1 §12.8.2.2).
//
// The signed state is the file as it was at the end of the signed
// revision: the same parser opens the file truncated there, and the two
// views are compared object by object.
package changes

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/kyso-vn/kyso/internal/i18n"
	"github.com/kyso-vn/kyso/internal/pdf"
)

// Change is one difference between the signed revision and the file.
type Change struct {
	Object  pdf.Ref `json:"object"`
	Page    int     `json:"page,omitempty"` // 1-based page the change touches, 0 if none
	What    string  `json:"what"`           // a short English description, stable for tests and logs
	Allowed bool    `json:"allowed"`
	// Key and Args say the same in the message catalog, for reports in
	// the reader's language (Text).
	Key  string   `json:"key,omitempty"`
	Args []string `json:"args,omitempty"`
}

// Text describes the change in lang.
func (c Change) Text(lang i18n.Lang) string {
	if c.Key == "" {
		return c.What
	}
	args := make([]any, len(c.Args))
	for i, a := range c.Args {
		args[i] = a
	}
	return i18n.T(lang, c.Key, args...)
}

// change builds a Change described by a catalog message.
func change(ref pdf.Ref, page int, allowed bool, key string, args ...string) Change {
	c := Change{Object: ref, Page: page, Allowed: allowed, Key: key, Args: args}
	c.What = c.Text(i18n.EN)
	return c
}

// Report lists the changes after the signed revision.
type Report struct {
	Revisions int      `json:"revisions"` // incremental updates after the signed one
	Changes   []Change `json:"changes"`
}

// Permitted reports whether every change is allowed.
func (r *Report) Permitted() bool {
	for _, c := range r.Changes {
		if !c.Allowed {
			return false
		}
	}
	return true
}

// Compare reads the file r (size bytes) as signed up to signedEnd (the end
// of the byte range the signature covers) and as it is now. docMDP is the
// certification level that applies (0 when none, 1–3): at 3, new
// annotations of any kind are allowed too.
func Compare(r io.ReaderAt, size, signedEnd int64, docMDP int) (*Report, error) {
	then, err := pdf.Open(io.NewSectionReader(r, 0, signedEnd), signedEnd)
	if err != nil {
		return nil, fmt.Errorf("changes: the signed revision: %w", err)
	}
	now, err := pdf.Open(r, size)
	if err != nil {
		return nil, fmt.Errorf("changes: the file: %w", err)
	}
	rep := &Report{Revisions: len(now.Revisions()) - len(then.Revisions())}
	if rep.Revisions <= 0 && size <= signedEnd {
		return rep, nil
	}
	c := &comparer{then: then, now: now, docMDP: docMDP, rep: rep, pageOf: map[int]int{}}
	c.indexPages()
	c.indexValidationData()
	if then.NumPages() != now.NumPages() {
		rep.Changes = append(rep.Changes, change(pdf.Ref{}, 0, false, "changes.pages", strconv.Itoa(then.NumPages()), strconv.Itoa(now.NumPages())))
	}
	size0, _ := pdf.Integer(then.Trailer().Get("Size"))
	for num := 1; num < size0; num++ {
		ref := pdf.Ref{Num: num}
		a, errA := then.Resolve(ref)
		b, errB := now.Resolve(ref)
		if errA != nil || errB != nil {
			if (errA == nil) != (errB == nil) {
				rep.Changes = append(rep.Changes, change(ref, c.pageOf[num], false, "changes.unreadable"))
			}
			continue
		}
		if equal(a, b) {
			continue
		}
		c.classify(ref, a, b)
	}
	sort.SliceStable(rep.Changes, func(i, j int) bool { return rep.Changes[i].Object.Num < rep.Changes[j].Object.Num })
	return rep, nil
}

type comparer struct {
	then, now *pdf.Document
	docMDP    int
	rep       *Report
	pageOf    map[int]int // object number → page, for pages and their content streams
	// support holds objects of the file as it is now that carry validation
	// data (DSS), document metadata (Info, XMP) or signatures and their
	// appearances: updating them is what signing and LTV do. The value is
	// the catalog key that says so.
	support map[int]string
	// markup collects the text annotations onlyAddsAnnotations let through,
	// for added to quote.
	markup []string
}

// maxSupportDepth bounds the walk from the DSS and signature fields.
const maxSupportDepth = 6

// indexValidationData finds the objects a later signature, time-stamp or
// LTV update may legitimately rewrite (ETSI EN 319 142-1 §5.4, ISO
// 32000-1 §12.8.2.2.2).
func (c *comparer) indexValidationData() {
	c.support = map[int]string{}
	var walk func(o pdf.Object, what string, depth int)
	walk = func(o pdf.Object, what string, depth int) {
		if depth > maxSupportDepth {
			return
		}
		if r, ok := o.(pdf.Ref); ok {
			if _, seen := c.support[r.Num]; seen || c.pageOf[r.Num] != 0 {
				return // never let a page or its content in this way
			}
			c.support[r.Num] = what
			v, err := c.now.Resolve(r)
			if err != nil {
				return
			}
			o = v
		}
		switch v := o.(type) {
		case pdf.Dict:
			for k, e := range v {
				if k == "P" || k == "Parent" {
					continue // back to the page tree or form
				}
				walk(e, what, depth+1)
			}
		case pdf.Array:
			for _, e := range v {
				walk(e, what, depth+1)
			}
		case *pdf.Stream:
			walk(v.Dict, what, depth+1)
		}
	}
	if cat, err := c.now.Catalog(); err == nil {
		walk(cat.Get("DSS"), "changes.dss_updated", 0)
		walk(cat.Get("Metadata"), "changes.xmp_updated", 0)
		walk(cat.Get("Extensions"), "changes.extensions_updated", 0)
	}
	walk(c.now.Trailer().Get("Info"), "changes.info_updated", 0)
	if fields, err := c.now.SignatureFields(); err == nil {
		for _, f := range fields {
			if d, err := c.now.DerefDict(f.Ref); err == nil && d != nil {
				walk(d.Get("V"), "changes.signature_updated", 1)
				walk(d.Get("AP"), "changes.appearance_updated", 1)
			}
			if f.Widget != f.Ref {
				if d, err := c.now.DerefDict(f.Widget); err == nil && d != nil {
					walk(d.Get("AP"), "changes.appearance_updated", 1)
				}
			}
		}
	}
}

// indexPages maps each page object and its content streams to its number,
// so that a change can say which page it touches.
func (c *comparer) indexPages() {
	for i := 1; i <= c.then.NumPages(); i++ {
		p, err := c.then.Page(i)
		if err != nil {
			continue
		}
		c.pageOf[p.Ref.Num] = i
		d, err := c.then.DerefDict(p.Ref)
		if err != nil || d == nil {
			continue
		}
		switch v := d.Get("Contents").(type) {
		case pdf.Ref:
			c.pageOf[v.Num] = i
			if arr, err := c.then.Deref(v); err == nil {
				if a, ok := arr.(pdf.Array); ok {
					for _, e := range a {
						if r, ok := e.(pdf.Ref); ok {
							c.pageOf[r.Num] = i
						}
					}
				}
			}
		case pdf.Array:
			for _, e := range v {
				if r, ok := e.(pdf.Ref); ok {
					c.pageOf[r.Num] = i
				}
			}
		}
	}
}

func (c *comparer) add(ref pdf.Ref, allowed bool, key string, args ...string) {
	c.rep.Changes = append(c.rep.Changes, change(ref, c.pageOf[ref.Num], allowed, key, args...))
}

// classify decides whether one changed object is a permitted change.
func (c *comparer) classify(ref pdf.Ref, a, b pdf.Object) {
	if key, ok := c.support[ref.Num]; ok && ref != c.then.Root() {
		c.add(ref, true, key)
		return
	}
	da, okA := a.(pdf.Dict)
	db, okB := b.(pdf.Dict)
	if !okA || !okB {
		if arrA, ok := a.(pdf.Array); ok {
			if arrB, ok := b.(pdf.Array); ok && c.onlyAddsAnnotations(arrA, arrB) {
				key, args := c.added()
				c.add(ref, true, key, args...)
				return
			}
		}
		if c.pageOf[ref.Num] != 0 {
			c.add(ref, false, "changes.page_content")
			return
		}
		c.add(ref, false, "changes.object", describe(a))
		return
	}
	changed := changedKeys(da, db)
	switch {
	case ref == c.then.Root():
		if subset(changed, "AcroForm", "DSS", "Perms", "Extensions", "Version", "Metadata") {
			c.add(ref, true, "changes.catalog_allowed", join(changed))
			return
		}
		c.add(ref, false, "changes.catalog", join(changed))
	case c.pageOf[ref.Num] != 0 && typeOf(da) == "Page":
		if subset(changed, "Annots") {
			arrA, _ := c.derefArray(c.then, da.Get("Annots"))
			arrB, _ := c.derefArray(c.now, db.Get("Annots"))
			if c.onlyAddsAnnotations(arrA, arrB) {
				key, args := c.added()
				c.add(ref, true, key, args...)
				return
			}
			c.add(ref, false, "changes.annotations")
			return
		}
		c.add(ref, false, "changes.page", join(changed))
	case isForm(da) || c.isFormRef(ref):
		if subset(changed, "Fields", "SigFlags", "DR", "DA", "NeedAppearances") {
			c.add(ref, true, "changes.fields_added")
			return
		}
		c.add(ref, false, "changes.form", join(changed))
	case da.Get("FT") == pdf.Name("Sig") && subset(changed, "V", "AP", "MK", "F", "Lock", "SV", "DA", "AS"):
		c.add(ref, true, "changes.field_signed")
	case c.docMDP != 1 && da.Get("FT") != nil && da.Get("FT") != pdf.Name("Sig") && subset(changed, "V", "AP", "AS", "I"):
		c.add(ref, true, "changes.field_filled")
	default:
		if c.pageOf[ref.Num] != 0 {
			c.add(ref, false, "changes.page_content")
			return
		}
		c.add(ref, false, "changes.keys", describe(da), join(changed))
	}
}

// added names what onlyAddsAnnotations let through, as a catalog key and
// its arguments.
func (c *comparer) added() (string, []string) {
	if c.docMDP == 3 {
		return "changes.annotations_mdp3", nil
	}
	if len(c.markup) > 0 {
		s := strings.Join(c.markup, "; ")
		c.markup = nil
		return "changes.text_added", []string{s}
	}
	return "changes.signature_fields", nil
}

// onlyAddsAnnotations reports whether after keeps every element of before
// in order and adds only signature widgets (any annotation at DocMDP 3).
func (c *comparer) onlyAddsAnnotations(before, after pdf.Array) bool {
	if len(after) < len(before) {
		return false
	}
	for i := range before {
		if !equal(before[i], after[i]) {
			return false
		}
	}
	for _, e := range after[len(before):] {
		d, err := c.now.DerefDict(e)
		if err != nil || d == nil {
			return false
		}
		if c.docMDP == 3 {
			continue
		}
		if d.Get("FT") == pdf.Name("Sig") || c.parentIsSig(d) {
			continue
		}
		// Text written on the page after an approval signature, such as
		// the number and date the clerk gives (Decree 30/2020 Art. 14):
		// no certification forbids it (ISO 32000-1 §12.8.2.2), and the
		// report quotes it so that the reader sees what was added.
		if st, _ := d.Get("Subtype").(pdf.Name); c.docMDP == 0 && (st == "FreeText" || st == "Stamp") {
			text, _ := pdf.Text(d.Get("Contents"))
			c.markup = append(c.markup, "“"+strings.ReplaceAll(text, "\n", " / ")+"”")
			continue
		}
		return false
	}
	return true
}

func (c *comparer) parentIsSig(d pdf.Dict) bool {
	p, err := c.now.DerefDict(d.Get("Parent"))
	return err == nil && p != nil && p.Get("FT") == pdf.Name("Sig")
}

func (c *comparer) derefArray(doc *pdf.Document, o pdf.Object) (pdf.Array, error) {
	v, err := doc.Deref(o)
	if err != nil {
		return nil, err
	}
	a, _ := v.(pdf.Array)
	return a, nil
}

// isFormRef reports whether ref is the signed revision's form dictionary,
// whatever keys it has (some producers give it a /Type).
func (c *comparer) isFormRef(ref pdf.Ref) bool {
	cat, err := c.then.Catalog()
	if err != nil {
		return false
	}
	r, ok := cat.Get("AcroForm").(pdf.Ref)
	return ok && r == ref
}

func isForm(d pdf.Dict) bool {
	_, ok := d.Get("Fields").(pdf.Array)
	return ok && d.Get("Type") == nil && d.Get("FT") == nil
}

func typeOf(d pdf.Dict) string {
	n, _ := d.Get("Type").(pdf.Name)
	return string(n)
}

func describe(o pdf.Object) string {
	if d, ok := o.(pdf.Dict); ok {
		if t := typeOf(d); t != "" {
			return t
		}
		return "dictionary"
	}
	if _, ok := o.(*pdf.Stream); ok {
		return "stream"
	}
	return fmt.Sprintf("%T", o)
}

func changedKeys(a, b pdf.Dict) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !equal(v, w) {
			out = append(out, string(k))
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, string(k))
		}
	}
	sort.Strings(out)
	return out
}

func subset(keys []string, allowed ...string) bool {
	for _, k := range keys {
		ok := false
		for _, a := range allowed {
			if k == a {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func join(keys []string) string {
	var b bytes.Buffer
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("/" + k)
	}
	return b.String()
}

// equal compares two objects of the model, streams by dictionary and data.
func equal(a, b pdf.Object) bool {
	sa, okA := a.(*pdf.Stream)
	sb, okB := b.(*pdf.Stream)
	if okA || okB {
		return okA && okB && bytes.Equal(sa.Data, sb.Data) && reflect.DeepEqual(withoutLength(sa.Dict), withoutLength(sb.Dict))
	}
	return reflect.DeepEqual(a, b)
}

func withoutLength(d pdf.Dict) pdf.Dict {
	c := d.Clone()
	delete(c, "Length")
	return c
}
