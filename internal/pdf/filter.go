package pdf

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
)

// Stream filters (ISO 32000-1 §7.4). Only the general-purpose ones are
// decoded: they are what cross-reference streams, object streams and
// content streams use. Image-only filters (DCTDecode, JPXDecode,
// CCITTFaxDecode, JBIG2Decode) are reported as unsupported.

// maxDecoded bounds the decoded size of one stream, against "zip bombs".
const maxDecoded = 256 << 20

// decode applies the filter pipeline named in dict to data. resolve
// dereferences indirect /Filter and /DecodeParms values.
func decode(dict Dict, data []byte, resolve func(Object) Object) ([]byte, error) {
	if resolve == nil {
		resolve = func(o Object) Object { return o }
	}
	var filters, parms Array
	switch f := resolve(dict.Get("Filter")).(type) {
	case nil:
		return data, nil
	case Name:
		filters = Array{f}
	case Array:
		filters = f
	default:
		return nil, fmt.Errorf("bad /Filter %T", f)
	}
	switch p := resolve(dict.Get("DecodeParms")).(type) {
	case Dict:
		parms = Array{p}
	case Array:
		parms = p
	}
	for i, f := range filters {
		name, ok := resolve(f).(Name)
		if !ok {
			return nil, fmt.Errorf("bad filter name %v", f)
		}
		var p Dict
		if i < len(parms) {
			p, _ = resolve(parms[i]).(Dict)
		}
		var err error
		if data, err = decodeOne(name, p, data); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return data, nil
}

func decodeOne(name Name, parms Dict, data []byte) ([]byte, error) {
	switch name {
	case "FlateDecode", "Fl":
		out, err := inflate(data)
		if err != nil {
			return nil, err
		}
		return unpredict(parms, out)
	case "LZWDecode", "LZW":
		early := 1
		if v, ok := Integer(parms.Get("EarlyChange")); ok {
			early = v
		}
		out, err := lzwDecode(data, early)
		if err != nil {
			return nil, err
		}
		return unpredict(parms, out)
	case "ASCIIHexDecode", "AHx":
		return asciiHexDecode(data)
	case "ASCII85Decode", "A85":
		return ascii85Decode(data)
	case "RunLengthDecode", "RL":
		return runLengthDecode(data)
	case "Crypt":
		// Only the Identity crypt filter can occur: encrypted files are
		// refused before any stream is decoded.
		if n, _ := parms.Get("Name").(Name); n == "" || n == "Identity" {
			return data, nil
		}
	}
	return nil, errors.New("unsupported filter")
}

// inflate decodes zlib data (RFC 1950), falling back to raw deflate. Data
// cut short or with a bad checksum is kept up to the damage, as viewers do.
func inflate(data []byte) ([]byte, error) {
	var r io.Reader
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		r = flate.NewReader(bytes.NewReader(data))
	} else {
		r = zr
	}
	out, err := readLimited(r)
	if err != nil && len(out) > 0 && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, zlib.ErrChecksum) || isCorrupt(err)) {
		err = nil
	}
	return out, err
}

func isCorrupt(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce)
}

func readLimited(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, maxDecoded+1))
	if n > maxDecoded {
		return nil, fmt.Errorf("decoded stream larger than %d bytes", maxDecoded)
	}
	return buf.Bytes(), err
}

// unpredict reverses a TIFF or PNG predictor (§7.4.4.4, Table 8).
func unpredict(parms Dict, data []byte) ([]byte, error) {
	pred, _ := Integer(parms.Get("Predictor"))
	if pred <= 1 {
		return data, nil
	}
	colors, bpc, columns := 1, 8, 1
	if v, ok := Integer(parms.Get("Colors")); ok && v > 0 {
		colors = v
	}
	if v, ok := Integer(parms.Get("BitsPerComponent")); ok && v > 0 {
		bpc = v
	}
	if v, ok := Integer(parms.Get("Columns")); ok && v > 0 {
		columns = v
	}
	if colors > 64 || bpc > 16 || columns > 1<<20 {
		return nil, fmt.Errorf("predictor parameters out of range")
	}
	rowLen := (colors*bpc*columns + 7) / 8
	bpp := max(1, (colors*bpc+7)/8)
	// A row longer than the data can only be a partial one: do not
	// allocate for what hostile parameters promise.
	rowLen = max(1, min(rowLen, len(data)))
	if pred == 2 {
		if bpc != 8 {
			return nil, fmt.Errorf("TIFF predictor with %d bits per component", bpc)
		}
		for row := 0; row < len(data); row += rowLen {
			end := min(row+rowLen, len(data))
			for i := row + bpp; i < end; i++ {
				data[i] += data[i-bpp]
			}
		}
		return data, nil
	}
	// PNG predictors: each row starts with its own filter type byte.
	out := make([]byte, 0, len(data)/(rowLen+1)*rowLen+rowLen)
	prev := make([]byte, rowLen)
	for row := 0; row < len(data); row += rowLen + 1 {
		end := min(row+rowLen+1, len(data))
		ft := data[row]
		cur := make([]byte, rowLen)
		copy(cur, data[row+1:end])
		for i := range cur {
			var a, c byte
			if i >= bpp {
				a, c = cur[i-bpp], prev[i-bpp]
			}
			b := prev[i]
			switch ft {
			case 0:
			case 1:
				cur[i] += a
			case 2:
				cur[i] += b
			case 3:
				cur[i] += byte((int(a) + int(b)) / 2)
			case 4:
				cur[i] += paeth(a, b, c)
			default:
				return nil, fmt.Errorf("PNG filter type %d", ft)
			}
		}
		out = append(out, cur[:end-row-1]...)
		prev = cur
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// lzwDecode decodes LZW data (§7.4.4.2). Go's compress/lzw does not
// implement the "early change" that PDF uses by default, hence this one.
func lzwDecode(data []byte, early int) ([]byte, error) {
	const clear, eod = 256, 257
	var out []byte
	table := make([][]byte, 258, 4096)
	for i := range 256 {
		table[i] = []byte{byte(i)}
	}
	width := 9
	var bits uint32
	nbits := 0
	var prev []byte
	pos := 0
	for {
		for nbits < width && pos < len(data) {
			bits = bits<<8 | uint32(data[pos])
			pos++
			nbits += 8
		}
		if nbits < width {
			return out, nil
		}
		code := int(bits>>(nbits-width)) & (1<<width - 1)
		nbits -= width
		switch {
		case code == clear:
			table, width, prev = table[:258], 9, nil
			continue
		case code == eod:
			return out, nil
		}
		var entry []byte
		switch {
		case code < len(table) && code != clear && code != eod:
			entry = table[code]
		case code == len(table) && prev != nil:
			entry = append(append([]byte{}, prev...), prev[0])
		default:
			return nil, fmt.Errorf("bad LZW code %d", code)
		}
		out = append(out, entry...)
		if len(out) > maxDecoded {
			return nil, fmt.Errorf("decoded stream larger than %d bytes", maxDecoded)
		}
		if prev != nil && len(table) < 4096 {
			table = append(table, append(append([]byte{}, prev...), entry[0]))
		}
		prev = entry
		if len(table)+early >= 1<<width && width < 12 {
			width++
		}
	}
}

func asciiHexDecode(data []byte) ([]byte, error) {
	out := make([]byte, 0, len(data)/2)
	hi, half := byte(0), false
	for _, c := range data {
		switch {
		case c == '>':
			if half {
				out = append(out, hi<<4)
			}
			return out, nil
		case isHex(c):
			if half {
				out = append(out, hi<<4|unhex(c))
			} else {
				hi = unhex(c)
			}
			half = !half
		case isSpace(c):
		default:
			return nil, fmt.Errorf("bad character %q", c)
		}
	}
	if half {
		out = append(out, hi<<4)
	}
	return out, nil
}

func ascii85Decode(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(bytes.TrimLeft(data, " \r\n\t\f\x00"), []byte("<~"))
	if i := bytes.Index(data, []byte("~>")); i >= 0 {
		data = data[:i]
	}
	out := make([]byte, 4*len(data)/5+4)
	n, _, err := ascii85.Decode(out, data, true)
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}

func runLengthDecode(data []byte) ([]byte, error) {
	var out []byte
	for i := 0; i < len(data); {
		l := int(data[i])
		i++
		switch {
		case l == 128:
			return out, nil
		case l < 128:
			end := min(i+l+1, len(data))
			out = append(out, data[i:end]...)
			i = end
		default:
			if i >= len(data) {
				return out, nil
			}
			out = append(out, bytes.Repeat(data[i:i+1], 257-l)...)
			i++
		}
		if len(out) > maxDecoded {
			return nil, fmt.Errorf("decoded stream larger than %d bytes", maxDecoded)
		}
	}
	return out, nil
}
