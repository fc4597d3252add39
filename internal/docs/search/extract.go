package search

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/unicode/norm"
)

// Limits of ExtractText. The PDFs come from outside (received documents,
// citizens' dossiers), so every resource the third-party reader could spend
// on a hostile file is bounded.
const (
	// MaxPDFBytes is the largest PDF whose text is extracted. Larger files
	// are mostly scans, which have no text layer anyway.
	MaxPDFBytes = 100 << 20
	// MaxTextBytes is the most text kept (UTF-8 bytes, about 300 pages of
	// Vietnamese); the rest is dropped without error, since the start of a
	// document says what it is about.
	MaxTextBytes = 1 << 20
	// maxPages is the most pages read.
	maxPages = 10000
	// maxFormDepth bounds form XObjects drawn inside form XObjects, which a
	// hostile file can make recursive.
	maxFormDepth = 4
	// extractTimeout bounds the time spent on one file: a hostile file can
	// make a reader loop (reference cycles, compressed streams that expand a
	// thousandfold).
	extractTimeout = 30 * time.Second
	// kernSpace: a TJ adjustment moving the next glyph right by more than
	// this many thousandths of an em stands for a space (producers that
	// justify text often draw no space glyphs).
	kernSpace = 200
)

// ErrNoText means the PDF was read but holds no usable text: scanned pages,
// or fonts that do not say which characters their glyphs are. Index the
// document's metadata only.
var ErrNoText = errors.New("search: no text could be extracted from the PDF")

// Sentinels panicked through the extraction to stop it, and recovered where
// it started.
var (
	errTimeout = errors.New("the PDF took too long to read")
	errFull    = errors.New("text limit reached")
)

// ExtractText returns the text of the PDF of the given size read from r, in
// NFC, with lines separated by "\n" and pages by "\n\n". It returns
// ErrNoText (wrapped) when the file has no usable text, and another error
// when it cannot be read at all (not a PDF, damaged, encrypted, too large,
// too slow). A panic inside the reader is an error, never a crash of the
// caller.
//
// The reader (github.com/ledongthuc/pdf) resolves objects and decodes fonts;
// the parts of it that loop forever on some hostile inputs, without reading
// anything a deadline could stop, are kept away from them: content streams
// are tokenized here (content.go), fonts' CMaps are checked before the
// reader parses them, and object streams are checked first with kyso's own
// parser (preflight.go).
func ExtractText(r io.ReaderAt, size int64) (string, error) {
	return extractText(r, size, time.Now().Add(extractTimeout))
}

func extractText(r io.ReaderAt, size int64, deadline time.Time) (text string, err error) {
	switch {
	case size <= 0:
		return "", errors.New("search: extract text: the file is empty")
	case size > MaxPDFBytes:
		return "", fmt.Errorf("search: extract text: the PDF has %d MB, more than the %d MB whose text is indexed; index its metadata only", size>>20, MaxPDFBytes>>20)
	}
	x := &extractor{deadline: deadline}
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("search: extract text: %s", panicMessage(p))
		}
	}()
	timedOut := func() error {
		return fmt.Errorf("search: extract text: %w (over %s); index its metadata only", errTimeout, extractTimeout)
	}
	src := &guardedReader{r: r, deadline: deadline}
	if err := preflight(src, size, deadline); err != nil {
		if time.Now().After(deadline) {
			return "", timedOut()
		}
		return "", fmt.Errorf("search: extract text: %w", err)
	}
	rd, err := pdf.NewReader(src, size)
	if err != nil {
		if time.Now().After(deadline) {
			return "", timedOut()
		}
		return "", fmt.Errorf("search: extract text: %w", err)
	}
	if stopped := x.run(rd); stopped == errTimeout || time.Now().After(deadline) {
		// Reads failing after the deadline surface as damaged pages.
		return "", timedOut()
	}
	return x.result()
}

// panicMessage describes a recovered panic in a bounded message.
func panicMessage(p any) string {
	msg := fmt.Sprint(p)
	if e, ok := p.(error); ok {
		msg = e.Error()
	}
	if len(msg) > 200 {
		msg = cutUTF8(msg, 200) + "…"
	}
	return "the PDF is damaged or not supported (" + strings.ToValidUTF8(msg, "?") + ")"
}

// guardedReader is the reader's view of the file. It fails every read once
// the deadline has passed, which makes the reader give up: the reader reads
// the file, and expands compressed streams, in small steps through ReadAt.
// It also presents PDF 2.0 and other well-formed headers the way the reader
// accepts them ("%PDF-1.x" and a line end); nothing else depends on those
// nine bytes.
type guardedReader struct {
	r        io.ReaderAt
	deadline time.Time
}

func (g *guardedReader) ReadAt(p []byte, off int64) (int, error) {
	if time.Now().After(g.deadline) {
		return 0, errTimeout
	}
	n, err := g.r.ReadAt(p, off)
	if off < 9 && n > 0 {
		var head [9]byte
		if m, _ := g.r.ReadAt(head[:], 0); m == 9 && string(head[:5]) == "%PDF-" &&
			isDigit(head[5]) && head[6] == '.' && isDigit(head[7]) {
			fake := "%PDF-1.7\n"
			for i := off; i < 9 && i-off < int64(n); i++ {
				p[i-off] = fake[i]
			}
		}
	}
	return n, err
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// extractor walks the pages and collects their text.
type extractor struct {
	deadline time.Time
	ops      int
	out      strings.Builder
	pending  byte // separator owed before the next character (sepNone…sepPage)
	tmY      float64

	good, bad int // characters that look like text, and that do not
	pagesRead int
	pagesBad  int
}

// run extracts every page and returns why it stopped early, if it did.
func (x *extractor) run(rd *pdf.Reader) (stopped error) {
	defer func() {
		if p := recover(); p != nil {
			if p == errFull || p == errTimeout {
				stopped = p.(error)
				return
			}
			panic(p)
		}
	}()
	for _, v := range x.pages(rd.Trailer().Key("Root").Key("Pages")) {
		x.page(pdf.Page{V: v})
		x.separate(sepPage)
	}
	return nil
}

// pages lists the page objects by walking the page tree once. (The reader's
// Page(i) walks it from the root for every page, quadratic in the page
// count.) The depth and node limits end reference cycles.
func (x *extractor) pages(root pdf.Value) []pdf.Value {
	var out []pdf.Value
	nodes := 0
	var walk func(v pdf.Value, depth int)
	walk = func(v pdf.Value, depth int) {
		nodes++
		if len(out) >= maxPages || nodes > 4*maxPages || depth > 64 || v.Kind() != pdf.Dict {
			return
		}
		x.tick()
		kids := v.Key("Kids")
		if v.Key("Type").Name() == "Page" || kids.Kind() != pdf.Array {
			out = append(out, v)
			return
		}
		for i := 0; i < kids.Len() && nodes <= 4*maxPages; i++ {
			walk(kids.Index(i), depth+1)
		}
	}
	walk(root, 0)
	return out
}

// page extracts one page. A page the reader cannot interpret is skipped, so
// that one bad page does not lose the document's text.
func (x *extractor) page(pg pdf.Page) {
	x.pagesRead++
	defer func() {
		if p := recover(); p != nil {
			if p == errFull || p == errTimeout {
				panic(p)
			}
			x.pagesBad++
		}
	}()
	x.content(pg.V.Key("Contents"), inherited(pg.V, "Resources"), 0)
}

// content extracts the text of a content stream (ISO 32000-1 §9.4):
// strings shown by Tj, TJ, ' and ", with spaces and line breaks inferred
// from the positioning operators, and the text of form XObjects it draws.
func (x *extractor) content(strm, res pdf.Value, depth int) {
	data := readStream(strm, maxContentBytes)
	encs := make(map[string]pdf.TextEncoding)
	var enc pdf.TextEncoding
	last := func(args []operand) operand {
		if len(args) == 0 {
			return operand{}
		}
		return args[len(args)-1]
	}
	lex := contentLexer{data: data}
	lex.run(x.tick, func(op string, args []operand) {
		switch op {
		case "BT", "ET", "T*":
			x.separate(sepLine)
		case "Td", "TD":
			if len(args) == 2 && args[1].num != 0 {
				x.separate(sepLine)
			} else {
				x.separate(sepSpace)
			}
		case "Tm":
			if len(args) == 6 && args[5].num != x.tmY {
				x.tmY = args[5].num
				x.separate(sepLine)
			} else {
				x.separate(sepSpace)
			}
		case "Tf":
			if len(args) == 2 && args[0].kind == '/' {
				enc = x.encoding(encs, res, args[0].str)
			}
		case "Tj":
			x.show(enc, last(args))
		case "'", "\"":
			x.separate(sepLine)
			x.show(enc, last(args))
		case "TJ":
			for _, e := range last(args).arr {
				switch e.kind {
				case 's':
					x.show(enc, e)
				case 'n':
					if e.num < -kernSpace {
						x.separate(sepSpace)
					}
				}
			}
		case "Do":
			if a := last(args); a.kind == '/' && depth < maxFormDepth {
				form := res.Key("XObject").Key(a.str)
				if form.Kind() == pdf.Stream && form.Key("Subtype").Name() == "Form" {
					fres := form.Key("Resources")
					if fres.Kind() != pdf.Dict {
						fres = res
					}
					x.separate(sepLine)
					x.content(form, fres, depth+1)
					x.separate(sepLine)
				}
			}
		}
	})
}

// Limits on a font's maps, which the reader parses with loops bounded only
// by numbers in the file.
const (
	maxCMapBytes     = 1 << 20
	maxCMapBlock     = 1000 // entries in one bfchar/bfrange block (the standard says 100)
	maxDifferences   = 1024 // elements of an /Encoding /Differences array
	maxDecodeChunk   = 4096 // bytes decoded at a time, between deadline checks
	maxInheritLevels = 32
)

// encoding returns the text encoding of the font named in res, nil when it
// has none the reader understands or none that is safe to give it.
func (x *extractor) encoding(cache map[string]pdf.TextEncoding, res pdf.Value, name string) (enc pdf.TextEncoding) {
	if e, ok := cache[name]; ok {
		return e
	}
	defer func() {
		if p := recover(); p != nil {
			if p == errTimeout || p == errFull {
				panic(p)
			}
			enc = nil // a font whose maps cannot be read: its text is lost
		}
		cache[name] = enc
	}()
	f := pdf.Font{V: res.Key("Font").Key(name)}
	if f.V.Kind() != pdf.Dict {
		return nil
	}
	if d := f.V.Key("Encoding"); d.Kind() == pdf.Dict && d.Key("Differences").Len() > maxDifferences {
		return nil
	}
	if tu := f.V.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		data := readStream(tu, maxCMapBytes+1)
		if len(data) > maxCMapBytes || !safeCMap(data) {
			return nil
		}
	}
	return f.Encoder()
}

// safeCMap reports whether the reader can parse a ToUnicode CMap without
// looping: its lexer never ends a hex string cut by the end of the data,
// and it repeats each bfchar/bfrange/codespacerange block as many times as
// the number before it says. That number must be a small literal, and all
// of them together must fit the data (each entry takes several bytes).
func safeCMap(data []byte) bool {
	if hexTailHazard(data) {
		return false
	}
	total := 0
	for _, kw := range []string{"begincodespacerange", "beginbfchar", "beginbfrange"} {
		for i := 0; ; {
			j := bytes.Index(data[i:], []byte(kw))
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(kw)
			end := at
			for end > 0 && isPDFSpace(data[end-1]) {
				end--
			}
			start := end
			for start > 0 && '0' <= data[start-1] && data[start-1] <= '9' {
				start--
			}
			if start == end || end-start > 4 || start > 0 && !isPDFSpace(data[start-1]) {
				return false
			}
			n, _ := strconv.Atoi(string(data[start:end]))
			if n > maxCMapBlock {
				return false
			}
			total += n
		}
	}
	return total <= len(data)/4
}

// hexTailHazard reports whether data ends inside a hex string: a "<"
// followed only by hex digits and white space up to the end, where the
// reader's lexer would spin.
func hexTailHazard(data []byte) bool {
	i := len(data)
	for i > 0 {
		c := data[i-1]
		if _, ok := unhexByte(c); !ok && !isPDFSpace(c) {
			break
		}
		i--
	}
	return i > 0 && data[i-1] == '<'
}

// inherited looks key up in a page and its ancestors (§7.7.3.4), a bounded
// number of levels so that a /Parent cycle ends.
func inherited(v pdf.Value, key string) pdf.Value {
	for range maxInheritLevels {
		if v.Kind() != pdf.Dict {
			break
		}
		if r := v.Key(key); !r.IsNull() {
			return r
		}
		v = v.Key("Parent")
	}
	return pdf.Value{}
}

// show appends the text of a string operand.
func (x *extractor) show(enc pdf.TextEncoding, v operand) {
	if v.kind != 's' {
		return
	}
	raw := v.str
	if enc == nil {
		x.bad += len(raw)
		return
	}
	// In chunks (of whole 1-, 2- and 4-byte codes), with a deadline check
	// between them: the reader's CMap decoding scans every entry for every
	// code.
	for len(raw) > 0 {
		n := min(len(raw), maxDecodeChunk)
		for _, r := range decode(enc, raw[:n]) {
			x.char(r)
		}
		raw = raw[n:]
		x.checkDeadline()
	}
}

// decode runs the reader's decoder, whose table lookups can panic on
// malformed maps; such a string is dropped.
func decode(enc pdf.TextEncoding, raw string) (s string) {
	defer func() {
		if recover() != nil {
			s = string(utf8.RuneError)
		}
	}()
	return enc.Decode(raw)
}

// ligatures maps the Latin ligatures some fonts draw (U+FB00–FB06) to their
// letters, so that "ﬁle" is found as "file".
var ligatures = map[rune]string{0xfb00: "ff", 0xfb01: "fi", 0xfb02: "fl", 0xfb03: "ffi", 0xfb04: "ffl", 0xfb05: "st", 0xfb06: "st"}

// char appends one decoded character, counting whether it looks like text.
func (x *extractor) char(r rune) {
	switch {
	case r == '\n' || r == '\r':
		x.separate(sepLine)
	case unicode.IsSpace(r):
		x.separate(sepSpace)
	case r == utf8.RuneError || r == 0 || unicode.IsControl(r) || unicode.Is(unicode.Co, r) ||
		unicode.Is(unicode.Cs, r) || unicode.Is(unicode.Cf, r):
		// Undecodable glyphs, private-use codes and control bytes (what a
		// font without a Unicode map yields) are not text.
		x.bad++
	default:
		x.good++
		x.flush()
		if l, ok := ligatures[r]; ok {
			x.out.WriteString(l)
		} else {
			x.out.WriteRune(r)
		}
		if x.out.Len() >= MaxTextBytes {
			panic(errFull)
		}
	}
}

// Separators owed between characters, weakest first.
const (
	sepNone byte = iota
	sepSpace
	sepLine
	sepPage
)

// separate owes a separator before the next character; the strongest owed
// wins, and none is written at the start.
func (x *extractor) separate(c byte) {
	x.pending = max(x.pending, c)
}

// flush writes the separator owed.
func (x *extractor) flush() {
	if x.out.Len() > 0 {
		switch x.pending {
		case sepSpace:
			x.out.WriteByte(' ')
		case sepLine:
			x.out.WriteByte('\n')
		case sepPage:
			x.out.WriteString("\n\n")
		}
	}
	x.pending = sepNone
}

// tick checks the deadline every few hundred steps: content streams are
// interpreted from memory once read, so the reads alone do not bound the
// time.
func (x *extractor) tick() {
	x.ops++
	if x.ops%256 == 0 {
		x.checkDeadline()
	}
}

func (x *extractor) checkDeadline() {
	if time.Now().After(x.deadline) {
		panic(errTimeout)
	}
}

// result returns the text, or ErrNoText when there is none worth indexing.
func (x *extractor) result() (string, error) {
	text := strings.TrimSpace(x.out.String())
	switch {
	case x.pagesRead > 0 && x.pagesBad == x.pagesRead:
		return "", fmt.Errorf("search: extract text: no page of the PDF could be read")
	case text == "" && x.bad == 0:
		return "", fmt.Errorf("%w: it has no text layer (scanned pages?)", ErrNoText)
	case x.bad > x.good/4:
		// More than one character in five undecodable: the fonts carry no
		// usable Unicode map, and what came out would only be noise.
		return "", fmt.Errorf("%w: its fonts do not map glyphs to characters", ErrNoText)
	}
	return cutUTF8(norm.NFC.String(text), MaxTextBytes), nil
}
