package pades

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/kyso-vn/kyso/internal/pdf"
	"github.com/kyso-vn/kyso/internal/pdffont"
)

// Kind is the layout of a visible signature (Decree 30/2020/NĐ-CP,
// Appendix I).
type Kind int

// Appearance layouts.
const (
	// KindSigner is the competent person's signature: the handwritten
	// signature image (blue, transparent PNG), with optional text below.
	KindSigner Kind = iota + 1
	// KindSeal is the agency's signature applied by the clerk: the red
	// seal image at its real size, placed over the left third of the
	// signer's image (see SealRect).
	KindSeal
	// KindStamp is the agency's signature on an attachment or a copy: no
	// image, the document's number and symbol and the signing time in
	// Times New Roman 10 pt, black, top right of the first page (see
	// StampRect).
	KindStamp
)

// Rect is a rectangle in PDF points from the bottom-left of the page.
type Rect struct{ X, Y, W, H float64 }

// Appearance describes a visible signature.
type Appearance struct {
	Kind  Kind
	Page  int  // 1-based
	Rect  Rect // zero for KindStamp: placed by StampRect
	Image []byte
	// Lines of text; for KindStamp the first lines are usually the
	// number and symbol ("Số: 05/QĐ-UBND"); the signing time is added.
	Lines    []string
	FontSize float64
	// Italic sets the lines in italics (the decree's place and date line).
	Italic bool
	// ShowTime adds "Thời gian ký: 05/03/2026 14:30:00 +07:00" under the
	// lines of a signer's appearance. A signer's appearance with neither
	// image nor lines shows the certificate's name and the time.
	ShowTime bool
}

// SealRect places a seal of diameter d points over the left third of the
// signer's signature rectangle, centred on it vertically, as the decree's
// box 8 shows. 36 mm (about 102 pt) is a common seal size.
func SealRect(signer Rect, d float64) Rect {
	cx, cy := signer.X+signer.W/6, signer.Y+signer.H/2
	return Rect{X: cx - d/2, Y: cy - d/2, W: d, H: d}
}

// StampRect is the attachment stamp's place: the top right of the page as
// displayed, inside margins of 20 mm on the right and 10 mm at the top.
func StampRect(page pdf.Page, lines int, size float64) Rect {
	const mm = 72 / 25.4
	w := 75 * mm
	h := float64(lines)*size*1.25 + 4
	pw, ph := page.MediaBox[2]-page.MediaBox[0], page.MediaBox[3]-page.MediaBox[1]
	if page.Rotate == 90 || page.Rotate == 270 {
		pw, ph = ph, pw
	}
	return Rect{X: pw - 20*mm - w, Y: ph - 10*mm - h, W: w, H: h}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// appearanceStream builds the form XObject drawn in the widget (ISO
// 32000-1 §12.5.5): its content, fonts and images.
func appearanceStream(u *pdf.Update, a *Appearance, matrix pdf.Array) (pdf.Ref, error) {
	var c strings.Builder
	res := pdf.Dict{}
	w, h := a.Rect.W, a.Rect.H
	textBox := Rect{W: w, H: h}
	if len(a.Image) > 0 && a.Kind != KindStamp {
		img, err := decodePNG(a.Image)
		if err != nil {
			return pdf.Ref{}, err
		}
		box := Rect{W: w, H: h}
		if len(a.Lines) > 0 {
			// The image takes the upper part; the text sits below it.
			box = Rect{Y: h * 0.35, W: w, H: h * 0.65}
			textBox = Rect{W: w, H: h * 0.35}
		}
		// Keep the image's proportions and centre it in its box.
		scale := min(box.W/float64(img.Width), box.H/float64(img.Height))
		iw, ih := float64(img.Width)*scale, float64(img.Height)*scale
		fmt.Fprintf(&c, "q %s 0 0 %s %s %s cm /Im1 Do Q\n", num(iw), num(ih), num(box.X+(box.W-iw)/2), num(box.Y+(box.H-ih)/2))
		res["XObject"] = pdf.Dict{"Im1": img.add(u)}
	}
	if len(a.Lines) > 0 {
		size := a.FontSize
		if size <= 0 {
			size = 10
		}
		font := pdffont.LiberationSerif()
		if a.Italic {
			font = pdffont.LiberationSerifItalic()
		}
		sub := font.NewSubset()
		var lines []string
		for _, l := range a.Lines {
			lines = append(lines, font.Wrap(l, size, textBox.W-4)...)
		}
		for _, l := range lines {
			if err := sub.Add(l); err != nil {
				return pdf.Ref{}, fmt.Errorf("pades: appearance text: %w", err)
			}
		}
		lead := size * 1.2
		y := textBox.Y + textBox.H - size - 2
		if a.Kind == KindSigner {
			// Centre the block vertically under the image.
			y = textBox.Y + (textBox.H+float64(len(lines))*lead)/2 - size
		}
		c.WriteString("BT 0 g\n")
		for _, l := range lines {
			enc, err := sub.Encode(l)
			if err != nil {
				return pdf.Ref{}, fmt.Errorf("pades: appearance text: %w", err)
			}
			x := 2.0
			if a.Kind == KindSigner {
				x = (textBox.W - font.Width(l, size)) / 2
			}
			fmt.Fprintf(&c, "/F1 %s Tf 1 0 0 1 %s %s Tm <%s> Tj\n", num(size), num(x), num(y), hex.EncodeToString(enc))
			y -= lead
		}
		c.WriteString("ET\n")
		f, err := addFont(u, sub)
		if err != nil {
			return pdf.Ref{}, err
		}
		res["Font"] = pdf.Dict{"F1": f}
	}
	form := pdf.Dict{
		"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Form"),
		"BBox": pdf.Array{pdf.Int(0), pdf.Int(0), pdf.Real(w), pdf.Real(h)}, "Resources": res,
	}
	if matrix != nil {
		form["Matrix"] = matrix
	}
	return u.Add(&pdf.Stream{Dict: form, Data: []byte(c.String())}), nil
}
