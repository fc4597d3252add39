package pades

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"image/png"

	"github.com/kyso-vn/kyso/internal/pdf"
)

// MaxImageBytes bounds a signature or seal PNG; real ones are tens of KB.
const MaxImageBytes = 4 << 20

// maxImagePixels bounds the decoded size, so that a small PNG declaring a
// huge canvas cannot exhaust memory.
const maxImagePixels = 4000 * 4000

// ErrImage means a signature or seal image cannot be used.
var ErrImage = errors.New("pades: image")

// pngImage is a PNG turned into a PDF image XObject (ISO 32000-1 §8.9.5)
// with its alpha channel as a soft mask (§11.6.5.3), so that the
// transparent background of a handwritten signature or a seal shows the
// page through, as Decree 30/2020/NĐ-CP Appendix I asks.
type pngImage struct {
	Width, Height int
	rgb, alpha    []byte // zlib-compressed samples; alpha nil when opaque
}

func decodePNG(b []byte) (*pngImage, error) {
	if len(b) > MaxImageBytes {
		return nil, fmt.Errorf("%w: larger than %d MiB", ErrImage, MaxImageBytes>>20)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: not a PNG: %v", ErrImage, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return nil, fmt.Errorf("%w: %dx%d pixels is outside 1..%d", ErrImage, cfg.Width, cfg.Height, maxImagePixels)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrImage, err)
	}
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	rgb := make([]byte, 0, w*h*3)
	alpha := make([]byte, 0, w*h)
	opaque := true
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			// RGBA() is alpha-premultiplied; PDF wants straight colour with
			// the mask applied on top, so divide it back out.
			r, g, bl, a := img.At(x, y).RGBA()
			if a != 0xffff {
				opaque = false
			}
			if a != 0 {
				r, g, bl = r*0xffff/a, g*0xffff/a, bl*0xffff/a
			}
			rgb = append(rgb, byte(r>>8), byte(g>>8), byte(bl>>8))
			alpha = append(alpha, byte(a>>8))
		}
	}
	out := &pngImage{Width: w, Height: h, rgb: deflate(rgb)}
	if !opaque {
		out.alpha = deflate(alpha)
	}
	return out, nil
}

func deflate(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// add writes the image (and its mask) into u and returns the XObject.
func (im *pngImage) add(u *pdf.Update) pdf.Ref {
	d := pdf.Dict{
		"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Image"),
		"Width": pdf.Int(im.Width), "Height": pdf.Int(im.Height),
		"ColorSpace": pdf.Name("DeviceRGB"), "BitsPerComponent": pdf.Int(8),
		"Filter": pdf.Name("FlateDecode"),
	}
	if im.alpha != nil {
		d["SMask"] = u.Add(&pdf.Stream{Dict: pdf.Dict{
			"Type": pdf.Name("XObject"), "Subtype": pdf.Name("Image"),
			"Width": pdf.Int(im.Width), "Height": pdf.Int(im.Height),
			"ColorSpace": pdf.Name("DeviceGray"), "BitsPerComponent": pdf.Int(8),
			"Filter": pdf.Name("FlateDecode"),
		}, Data: im.alpha})
	}
	return u.Add(&pdf.Stream{Dict: d, Data: im.rgb})
}
