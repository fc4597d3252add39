package pades

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kyso-vn/kyso/internal/pdf"
)

// TextBox is text to write on a page of a signed document.
type TextBox struct {
	Page     int  // 1-based
	Rect     Rect // on the page as displayed, in points from its bottom-left
	Lines    []string
	FontSize float64 // 13 by default, the decree's size for "Số:"
	Italic   bool    // the place and date line is italic (Decree 30 App. I)
}

// AddText writes in to out with an incremental update that adds one
// FreeText annotation per box, drawn in the embedded Vietnamese font and
// locked against editing. It is how the clerk writes the number and the
// date on a document the leader has already signed (Decree 30/2020 Art.
// 14: the number is given after the competent person signs): earlier
// signatures stay valid, and a validator lists the annotation, with its
// text, as a change after signing that an approval signature permits.
// Nothing appears at out unless the whole update was written.
func AddText(ctx context.Context, in *os.File, out string, boxes []TextBox) error {
	st, err := in.Stat()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	doc, err := pdf.Open(in, st.Size())
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInput, err)
	}
	u := doc.NewUpdate()
	for i, b := range boxes {
		if b.Page < 1 || b.Page > doc.NumPages() || b.Rect.W <= 0 || b.Rect.H <= 0 || len(b.Lines) == 0 {
			return fmt.Errorf("%w: text box %d needs a page of the document, a width, a height and text", ErrInput, i+1)
		}
		if b.FontSize <= 0 {
			b.FontSize = 13
		}
		page, err := doc.Page(b.Page)
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInput, err)
		}
		ur, matrix := userRect(page, b.Rect)
		ap, err := appearanceStream(u, &Appearance{Kind: KindStamp, Rect: b.Rect, Lines: b.Lines, FontSize: b.FontSize, Italic: b.Italic}, matrix)
		if err != nil {
			return err
		}
		ref := u.Add(pdf.Dict{
			"Type": pdf.Name("Annot"), "Subtype": pdf.Name("FreeText"), "P": page.Ref,
			"Rect":     pdf.Array{pdf.Real(ur.X), pdf.Real(ur.Y), pdf.Real(ur.X + ur.W), pdf.Real(ur.Y + ur.H)},
			"Contents": pdf.TextString(strings.Join(b.Lines, "\n")),
			"DA":       pdf.String(fmt.Sprintf("/Helv %s Tf 0 g", num(b.FontSize))),
			// Print, ReadOnly, Locked, LockedContents (§12.5.3).
			"F":  pdf.Int(4 | 64 | 128 | 512),
			"AP": pdf.Dict{"N": ap},
		})
		if err := appendAnnot(doc, u, b.Page, ref); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".kyso-text-*.pdf")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := in.Seek(0, 0); err != nil {
		tmp.Close()
		return err
	}
	if _, err := u.WriteDocument(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("pades: add text: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%w: %s exists", ErrInput, out)
	}
	return os.Rename(tmp.Name(), out)
}
