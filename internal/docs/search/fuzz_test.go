package search

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzExtractText feeds ExtractText mutated PDFs: whatever the input, it
// returns (no panic escapes, no hang past its deadline), and text it
// returns is valid NFC within the limit.
func FuzzExtractText(f *testing.F) {
	for _, name := range []string{"libreoffice-vi.pdf", "ghostscript-vi.pdf"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(minimalPDF())
	f.Add(objStmPDF(map[int]string{1: catalog, 2: objStmPages, 6: font}, 3, true))
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// A loop that ignores the deadline would hang the worker without a
		// report; crashing it makes the fuzzer keep the input.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				panic(fmt.Sprintf("ExtractText did not return within 20s on %d bytes", len(data)))
			}
		}()
		start := time.Now()
		text, err := extractText(bytes.NewReader(data), int64(len(data)), start.Add(2*time.Second))
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %s", d)
		}
		if err != nil {
			if text != "" {
				t.Errorf("text %q with error %v", text, err)
			}
			return
		}
		if !utf8.ValidString(text) || !norm.NFC.IsNormalString(text) || len(text) > MaxTextBytes {
			t.Errorf("text of %d bytes is not valid NFC within the limit", len(text))
		}
	})
}

// minimalPDF returns a hand-written one-page PDF with a standard font and a
// correct cross-reference table, small enough for the fuzzer to mutate
// every structure of it.
func minimalPDF() []byte {
	return pdfWithContent("BT /F1 12 Tf 72 720 Td (Chu ky so) Tj 0 -14 Td [(van)-300(ban)] TJ ET")
}

// pdfWithContent returns a one-page PDF drawing content with font F1.
func pdfWithContent(content string) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func TestExtractTextMinimal(t *testing.T) {
	b := minimalPDF()
	got, err := ExtractText(bytes.NewReader(b), int64(len(b)))
	if want := "Chu ky so\nvan ban"; got != want || err != nil {
		t.Fatalf("ExtractText = %q, %v; want %q", got, err, want)
	}
}

// objStmPDF returns a one-page PDF with a cross-reference stream, whose
// objects listed in compressed are stored in object stream 4 (§7.5.7), as
// Word and many other producers write. n is the stream's /N; with listAll
// false the stream's header lists only its first object.
func objStmPDF(compressed map[int]string, n int, listAll bool) []byte {
	content := "BT /F1 12 Tf 72 720 Td (Chu ky so) Tj ET"
	objs := map[int]string{
		1: "<< /Type /Catalog /Pages 2 0 R >>",
		2: objStmPages,
		3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>",
		5: fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		6: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}
	var header, body strings.Builder
	index := map[int]int{} // object number → index in the stream
	for num := 1; num <= 6; num++ {
		text, ok := compressed[num]
		if !ok {
			continue
		}
		if listAll || len(index) == 0 {
			fmt.Fprintf(&header, "%d %d ", num, body.Len())
		}
		index[num] = len(index)
		body.WriteString(text + "\n")
		delete(objs, num)
	}
	stm := header.String() + strings.TrimSuffix(body.String(), "\n")
	objs[4] = fmt.Sprintf("<< /Type /ObjStm /N %d /First %d /Length %d >>\nstream\n%s\nendstream", n, header.Len(), len(stm), stm)
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n")
	offs := map[int]int{}
	for num := 1; num <= 6; num++ {
		if text, ok := objs[num]; ok {
			offs[num] = b.Len()
			fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", num, text)
		}
	}
	xrefAt := b.Len()
	var rows []byte
	row := func(typ byte, f2, f3 int) {
		rows = append(rows, typ, byte(f2>>24), byte(f2>>16), byte(f2>>8), byte(f2), byte(f3>>8), byte(f3))
	}
	row(0, 0, 65535)
	for num := 1; num <= 6; num++ {
		if i, ok := index[num]; ok {
			row(2, 4, i)
		} else {
			row(1, offs[num], 0)
		}
	}
	row(1, xrefAt, 0)
	fmt.Fprintf(&b, "7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", len(rows))
	b.Write(rows)
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	return b.Bytes()
}

const (
	catalog     = "<< /Type /Catalog /Pages 2 0 R >>"
	objStmPages = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	font        = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
)

// TestExtractTextObjectStreams: object streams are read, and the two kinds
// the third-party reader would loop on forever are refused first.
func TestExtractTextObjectStreams(t *testing.T) {
	tests := []struct {
		name string
		pdf  []byte
		want string // text, or "" for an error
	}{
		{"compressed catalog and pages", objStmPDF(map[int]string{1: catalog, 2: objStmPages}, 2, true), "Chu ky so"},
		{"compressed font", objStmPDF(map[int]string{6: font}, 1, true), "Chu ky so"},
		{"page tree ending inside a hex string", objStmPDF(map[int]string{1: catalog, 2: objStmPages + " <0A"}, 2, true), ""},
		{"font ending inside a hex string", objStmPDF(map[int]string{6: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /X <0A"}, 1, true), ""},
		{"an object stream claiming a trillion objects", objStmPDF(map[int]string{5: "null", 6: font}, 1_000_000_000_000, false), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan struct{})
			var got string
			var err error
			go func() {
				defer close(done)
				got, err = ExtractText(bytes.NewReader(tt.pdf), int64(len(tt.pdf)))
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("ExtractText did not return")
			}
			if tt.want != "" && (err != nil || got != tt.want) {
				t.Fatalf("ExtractText = %q, %v; want %q", got, err, tt.want)
			}
			if tt.want == "" && err == nil {
				t.Fatalf("ExtractText = %q, want an error", got)
			}
			t.Logf("%q, %v", got, err)
		})
	}
}

// TestExtractTextHostileContent: content streams and CMaps that would make
// the reader's own interpreter loop are handled.
func TestExtractTextHostileContent(t *testing.T) {
	for _, content := range []string{
		"BT /F1 12 Tf (Chu ky so) Tj ET <0A",
		"BT /F1 12 Tf (Chu ky so) Tj ET <",
		"BT /F1 12 Tf (Chu ky so) Tj [[[[[[[[[[[[[[[[[[[[",
		"BT /F1 12 Tf (Chu ky so) Tj ET BI /W 1 ID \x00\x01 EI",
		"BT /F1 12 Tf (Chu ky so) Tj ET (unterminated \\",
	} {
		b := pdfWithContent(content)
		done := make(chan struct{})
		var got string
		var err error
		go func() {
			defer close(done)
			got, err = ExtractText(bytes.NewReader(b), int64(len(b)))
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("content %q: ExtractText did not return", content)
		}
		if err != nil || !strings.HasPrefix(got, "Chu ky so") {
			t.Errorf("content %q: %q, %v", content, got, err)
		}
	}
}

func TestSafeCMap(t *testing.T) {
	for _, tt := range []struct {
		cmap string
		ok   bool
	}{
		{"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <01> <0041> <02> <0042> endbfchar", true},
		{"2 beginbfchar <01> <0041> <02> <0042> endbfchar <0A", false},
		{"99999 beginbfchar endbfchar", false},
		{"/n 50 def n beginbfchar endbfchar", false},
		{"x50 beginbfchar endbfchar", false},
		{"100 beginbfchar endbfchar", false}, // 100 entries cannot fit in 28 bytes
	} {
		if got := safeCMap([]byte(tt.cmap)); got != tt.ok {
			t.Errorf("safeCMap(%q) = %v, want %v", tt.cmap, got, tt.ok)
		}
	}
}
