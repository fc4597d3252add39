package pdf

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkOpenUpdate opens a file from disk, adds a signature field with
// placeholders and writes input plus update to io.Discard: the whole
// signing path of this package. The input is streamed, never loaded, so
// the bytes allocated per operation stay far below the file size; the
// alloc/size metric is their ratio.
func BenchmarkOpenUpdate(b *testing.B) {
	requireTool(b, "gs")
	for _, tc := range []struct {
		name  string
		pages int
	}{{"1MB", 5}, {"20MB", 100}} {
		path := ghostscript(b, fmt.Sprintf("bench-%dpages", tc.pages), psImages(tc.pages))
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		st, _ := f.Stat()
		size := st.Size()
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(size)
			for b.Loop() {
				d, err := Open(f, size)
				if err != nil {
					b.Fatal(err)
				}
				u := d.NewUpdate()
				sig := u.Add(signatureDict())
				addSignatureField(b, d, u, sig)
				if _, err := u.WriteDocument(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size), "file-bytes")
		})
		b.Run(tc.name+"/open-only", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Open(f, size); err != nil {
					b.Fatal(err)
				}
			}
		})
		f.Close()
	}
}

// TestStreamingMemory signs a 20 MB file from disk to disk and checks that
// the bytes allocated on the way, an upper bound of the heap it needed, are
// a small fraction of the file.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping: makes a 20 MB PDF")
	}
	requireTool(t, "gs")
	path := ghostscript(t, "bench-100pages", psImages(100))
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	st, _ := in.Stat()
	outPath := filepath.Join(t.TempDir(), "out.pdf")
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d, err := Open(in, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	u := d.NewUpdate()
	addSignatureField(t, d, u, u.Add(signatureDict()))
	n, err := u.WriteDocument(out)
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("input %d bytes, output %d bytes, allocated %d bytes (%.1f%% of the input)", st.Size(), n, alloc, 100*float64(alloc)/float64(st.Size()))
	if alloc > uint64(st.Size()/10) {
		t.Errorf("allocated %d bytes for a %d-byte file", alloc, st.Size())
	}
	if haveTool("qpdf") {
		qpdfCheck(t, outPath)
	}
}
