package pdf

import (
	"fmt"
	"sort"
)

// Object is a PDF object in this package's model (ISO 32000-1 §7.3): one of
// Name, String, HexString, Int, Real, Bool, Null, Array, Dict, Ref or
// *Stream. When writing, ContentsPlaceholder and ByteRangePlaceholder are
// accepted as well.
type Object any

// Name is a PDF name object (§7.3.5), without the leading slash and with #xx
// escapes decoded.
type Name string

// String is a PDF string written in literal form (§7.3.4.2); the Go string
// holds the raw bytes, already unescaped.
type String string

// HexString is a PDF string written in hexadecimal form (§7.3.4.3); the Go
// string holds the raw bytes, already decoded.
type HexString string

// Int is a PDF integer (§7.3.3).
type Int int64

// Real is a PDF real number (§7.3.3).
type Real float64

// Bool is a PDF boolean (§7.3.2).
type Bool bool

// Null is the PDF null object (§7.3.9).
type Null struct{}

// Array is a PDF array (§7.3.6).
type Array []Object

// Dict is a PDF dictionary (§7.3.7). A key mapped to Null is the same as an
// absent key; Get hides both.
type Dict map[Name]Object

// Ref is an indirect reference "Num Gen R" (§7.3.10).
type Ref struct{ Num, Gen int }

// Stream is a PDF stream (§7.3.8). Data is the stream's bytes as stored in
// the file, that is still encoded with the filters named in Dict; when
// writing, /Length is set from len(Data).
type Stream struct {
	Dict Dict
	Data []byte
}

// String formats r as "Num Gen R".
func (r Ref) String() string { return fmt.Sprintf("%d %d R", r.Num, r.Gen) }

// IsZero reports whether r is the zero Ref, which names no object (object
// number 0 is always the head of the free list, §7.5.4).
func (r Ref) IsZero() bool { return r.Num == 0 && r.Gen == 0 }

// Get returns the value of key, or nil when the key is absent or null.
func (d Dict) Get(key Name) Object {
	o, ok := d[key]
	if !ok {
		return nil
	}
	if _, null := o.(Null); null {
		return nil
	}
	return o
}

// Clone returns a shallow copy of d, for building a replacement object from
// one read from the file.
func (d Dict) Clone() Dict {
	c := make(Dict, len(d)+2)
	for k, v := range d {
		c[k] = v
	}
	return c
}

// sortedKeys returns d's keys in byte order; every writer uses it so that the
// output is deterministic.
func (d Dict) sortedKeys() []Name {
	keys := make([]Name, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// Number returns o as a float64 when it is an Int or a Real.
func Number(o Object) (float64, bool) {
	switch v := o.(type) {
	case Int:
		return float64(v), true
	case Real:
		return float64(v), true
	}
	return 0, false
}

// Integer returns o as an int when it is an Int, or a Real with no
// fractional part (some producers write "612.0" where an integer belongs).
func Integer(o Object) (int, bool) {
	switch v := o.(type) {
	case Int:
		return int(v), true
	case Real:
		if float64(v) == float64(int64(v)) {
			return int(v), true
		}
	}
	return 0, false
}

// Bytes returns the raw bytes of a String or HexString.
func Bytes(o Object) ([]byte, bool) {
	switch v := o.(type) {
	case String:
		return []byte(v), true
	case HexString:
		return []byte(v), true
	}
	return nil, false
}
