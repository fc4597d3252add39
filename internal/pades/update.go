package pades

import (
	"fmt"
	"time"

	"github.com/kyso-vn/kyso/internal/keys"
	"github.com/kyso-vn/kyso/internal/pdf"
)

// contentsLen reserves room for the CMS: its certificates, attributes and
// signature, plus a time-stamp token (which carries the TSA's chain).
func contentsLen(id *keys.Identity, o Options) int {
	n := len(id.Cert.Raw) + 3000
	for _, c := range id.Chain {
		n += len(c.Raw)
	}
	if o.Level.timeStamped() {
		n += 12000
	}
	return n
}

// pdfDate formats t as a PDF date (ISO 32000-1 §7.9.4) in Vietnam time.
func pdfDate(t time.Time) pdf.String {
	t = t.In(time.FixedZone("ICT", 7*3600))
	return pdf.String(t.Format("D:20060102150405") + "+07'00'")
}

// buildUpdate adds the signature dictionary, the field with its widget,
// the page's annotation and the form to an update of doc (ISO 32000-1
// §12.7.4.5, §12.8).
func buildUpdate(doc *pdf.Document, id *keys.Identity, o Options) (*pdf.Update, error) {
	u := doc.NewUpdate()
	sig := pdf.Dict{
		"Type": pdf.Name("Sig"), "Filter": pdf.Name("Adobe.PPKLite"), "SubFilter": pdf.Name("ETSI.CAdES.detached"),
		"ByteRange": pdf.ByteRangePlaceholder{}, "Contents": pdf.ContentsPlaceholder{Len: contentsLen(id, o)},
		"M": pdfDate(o.Time), "Name": pdf.TextString(id.Cert.Subject.CommonName),
	}
	for k, v := range map[pdf.Name]string{"Reason": o.Reason, "Location": o.Location, "ContactInfo": o.ContactInfo} {
		if v != "" {
			sig[k] = pdf.TextString(v)
		}
	}
	sigRef := u.Add(sig)

	name := o.FieldName
	pageNo, rect := 1, Rect{}
	if a := o.Appearance; a != nil {
		pageNo, rect = a.Page, a.Rect
	}
	if pageNo < 1 || pageNo > doc.NumPages() {
		return nil, fmt.Errorf("%w: page %d does not exist; the document has %d", ErrInput, pageNo, doc.NumPages())
	}
	page, err := doc.Page(pageNo)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	if a := o.Appearance; a != nil && a.Kind == KindStamp {
		a.Lines = append(a.Lines, o.Time.In(time.FixedZone("ICT", 7*3600)).Format(time.RFC3339))
		if a.FontSize == 0 {
			a.FontSize = 10
		}
		if a.Rect == (Rect{}) {
			a.Rect = StampRect(page, len(a.Lines), a.FontSize)
		}
		rect = a.Rect
	}
	if a := o.Appearance; a != nil && a.Kind == KindSigner {
		if len(a.Image) == 0 && len(a.Lines) == 0 {
			a.Lines, a.ShowTime = []string{id.Cert.Subject.CommonName}, true
		}
		if a.ShowTime {
			a.Lines = append(a.Lines, "Thời gian ký: "+o.Time.In(time.FixedZone("ICT", 7*3600)).Format("02/01/2006 15:04:05")+" +07:00")
		}
	}
	if o.Appearance != nil && (rect.W <= 0 || rect.H <= 0) {
		return nil, fmt.Errorf("%w: the visible signature needs a width and a height", ErrInput)
	}
	var catEdit func(pdf.Dict)
	if o.DocMDP != 0 {
		// The certification signature's permissions live in the catalog
		// (ISO 32000-1 §12.8.4) and in the signature's /Reference.
		sig["Reference"] = pdf.Array{pdf.Dict{
			"Type": pdf.Name("SigRef"), "TransformMethod": pdf.Name("DocMDP"),
			"TransformParams": pdf.Dict{"Type": pdf.Name("TransformParams"), "P": pdf.Int(o.DocMDP), "V": pdf.Name("1.2")},
		}}
		u.Replace(sigRef, sig)
		catEdit = func(cat pdf.Dict) { cat["Perms"] = pdf.Dict{"DocMDP": sigRef} }
	}
	if err := addField(doc, u, sigRef, name, pageNo, rect, o.Appearance, catEdit); err != nil {
		return nil, err
	}
	return u, nil
}

// checkCertification refuses what would break a certification signature:
// certifying a document that is already signed (it must be the first
// signature, §12.8.2.2), or signing a document certified with P=1 (no
// changes at all).
func checkCertification(doc *pdf.Document, o Options) error {
	fields, err := doc.SignatureFields()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	signed := 0
	for _, f := range fields {
		if f.Signed {
			signed++
		}
	}
	if o.DocMDP != 0 && signed > 0 {
		return fmt.Errorf("%w: a certification signature must be the document's first; this one has %d signatures", ErrInput, signed)
	}
	cat, err := doc.Catalog()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	perms, _ := doc.DerefDict(cat.Get("Perms"))
	if perms == nil || perms.Get("DocMDP") == nil {
		return nil
	}
	mdp, err := doc.DerefDict(perms.Get("DocMDP"))
	if err != nil || mdp == nil {
		return nil
	}
	refs, _ := mdp.Get("Reference").(pdf.Array)
	for _, r := range refs {
		ref, _ := doc.DerefDict(r)
		params, _ := doc.DerefDict(ref.Get("TransformParams"))
		if p, ok := pdf.Integer(params.Get("P")); ok && p == 1 {
			return fmt.Errorf("%w: the document is certified with no changes allowed; another signature would invalidate the certification", ErrInput)
		}
	}
	return nil
}

// addField adds a signature field whose widget (merged with it) sits on
// page pageNo at rect and whose value is sig; it updates the page's
// /Annots and the form's /Fields and /SigFlags (ISO 32000-1 §12.7.4.5).
// An empty name gets "Signature<n>".
func addField(doc *pdf.Document, u *pdf.Update, sigRef pdf.Ref, name string, pageNo int, rect Rect, a *Appearance, catEdit func(pdf.Dict)) error {
	form, err := doc.AcroForm()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	if name == "" {
		name = fmt.Sprintf("Signature%d", len(form.Fields)+1)
	}
	field := u.Reserve()
	w, err := widget(doc, u, pageNo, rect, a)
	if err != nil {
		return err
	}
	// The field and its only widget are one dictionary (§12.5.6.19).
	w["FT"], w["T"], w["V"] = pdf.Name("Sig"), pdf.TextString(name), sigRef
	u.Replace(field, w)
	if err := appendAnnot(doc, u, pageNo, field); err != nil {
		return err
	}

	// SigFlags 3: SignaturesExist | AppendOnly (§12.7.2).
	if form.Dict != nil && !form.Ref.IsZero() {
		fd := form.Dict.Clone()
		fd["Fields"] = append(append(pdf.Array{}, form.Fields...), field)
		fd["SigFlags"] = pdf.Int(3)
		u.Replace(form.Ref, fd)
		if catEdit != nil {
			cat, err := doc.Catalog()
			if err != nil {
				return fmt.Errorf("%w: %w", ErrInput, err)
			}
			cat = cat.Clone()
			catEdit(cat)
			u.Replace(doc.Root(), cat)
		}
		return nil
	}
	cat, err := doc.Catalog()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	cat = cat.Clone()
	fd := pdf.Dict{}
	if form.Dict != nil {
		fd = form.Dict.Clone()
	}
	// /Fields may have been an indirect array: write the dereferenced
	// list, so that no existing field is lost.
	fd["Fields"] = append(append(pdf.Array{}, form.Fields...), field)
	fd["SigFlags"] = pdf.Int(3)
	cat["AcroForm"] = u.Add(fd)
	if catEdit != nil {
		catEdit(cat)
	}
	u.Replace(doc.Root(), cat)
	return nil
}

// widget returns a signature widget annotation (§12.5.6.19) on page pageNo
// at rect, with a's appearance (none for an invisible signature).
func widget(doc *pdf.Document, u *pdf.Update, pageNo int, rect Rect, a *Appearance) (pdf.Dict, error) {
	page, err := doc.Page(pageNo)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	ur, matrix := userRect(page, rect)
	w := pdf.Dict{
		"Type": pdf.Name("Annot"), "Subtype": pdf.Name("Widget"), "F": pdf.Int(132), "P": page.Ref,
		"Rect": pdf.Array{pdf.Real(ur.X), pdf.Real(ur.Y), pdf.Real(ur.X + ur.W), pdf.Real(ur.Y + ur.H)},
	}
	if a != nil {
		ap, err := appearanceStream(u, a, matrix)
		if err != nil {
			return nil, err
		}
		w["AP"] = pdf.Dict{"N": ap}
	}
	return w, nil
}

// appendAnnot adds ref to the /Annots of page pageNo, which may be direct
// or an indirect array.
func appendAnnot(doc *pdf.Document, u *pdf.Update, pageNo int, ref pdf.Ref) error {
	page, err := doc.Page(pageNo)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	pd, err := doc.DerefDict(page.Ref)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	if o, ok := u.Object(page.Ref); ok {
		// Another widget of this update is on the same page already.
		if d, ok := o.(pdf.Dict); ok {
			pd = d
		}
	}
	pd = pd.Clone()
	switch annots := pd.Get("Annots").(type) {
	case pdf.Ref:
		var list pdf.Array
		if o, ok := u.Object(annots); ok {
			list, _ = o.(pdf.Array)
		} else {
			arr, err := doc.Deref(annots)
			if err != nil {
				return fmt.Errorf("%w: %w", ErrInput, err)
			}
			list, _ = arr.(pdf.Array)
		}
		u.Replace(annots, append(append(pdf.Array{}, list...), ref))
	case pdf.Array:
		pd["Annots"] = append(append(pdf.Array{}, annots...), ref)
		u.Replace(page.Ref, pd)
	default:
		pd["Annots"] = pdf.Array{ref}
		u.Replace(page.Ref, pd)
	}
	return nil
}

// userRect maps a rectangle given on the page as displayed (after /Rotate,
// from its bottom-left) to the page's user space, and returns the form
// matrix that turns the appearance so that it reads upright on screen
// (ISO 32000-1 §12.5.5: the appearance's BBox is transformed by /Matrix,
// then fitted to /Rect). W and H are the unrotated MediaBox's size.
func userRect(page pdf.Page, r Rect) (Rect, pdf.Array) {
	x0, y0 := page.MediaBox[0], page.MediaBox[1]
	w, h := page.MediaBox[2]-x0, page.MediaBox[3]-y0
	num := func(fs ...float64) pdf.Array {
		a := make(pdf.Array, len(fs))
		for i, f := range fs {
			a[i] = pdf.Real(f)
		}
		return a
	}
	switch page.Rotate {
	case 90: // displayed (dx, dy) = (uy, W - ux)
		return Rect{X: x0 + w - r.Y - r.H, Y: y0 + r.X, W: r.H, H: r.W}, num(0, 1, -1, 0, r.H, 0)
	case 180:
		return Rect{X: x0 + w - r.X - r.W, Y: y0 + h - r.Y - r.H, W: r.W, H: r.H}, num(-1, 0, 0, -1, r.W, r.H)
	case 270: // displayed (dx, dy) = (H - uy, ux)
		return Rect{X: x0 + r.Y, Y: y0 + h - r.X - r.W, W: r.H, H: r.W}, num(0, -1, 1, 0, 0, r.W)
	}
	return Rect{X: x0 + r.X, Y: y0 + r.Y, W: r.W, H: r.H}, nil
}
