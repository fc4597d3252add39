package pdf

import (
	"fmt"
)

const (
	// maxResolveDepth bounds nested look-ups while reading one object (an
	// indirect /Length inside an object stream, and so on).
	maxResolveDepth = 16
	// maxCachedStream is the largest stream kept in the object cache.
	maxCachedStream = 64 << 10
	// maxObjStmBytes bounds the decoded object streams kept in memory.
	maxObjStmBytes = 64 << 20
)

// Resolve returns the object ref points to, in this package's model. A
// reference to an object that does not exist, or is free, resolves to Null
// (ISO 32000-1 §7.3.10). The result is the caller's to modify, except that
// a Stream's Data may be shared and must not be changed in place.
func (d *Document) Resolve(ref Ref) (obj Object, err error) {
	defer catch(&err)
	d.mu.Lock()
	defer d.mu.Unlock()
	o, err := d.resolve(ref, 0)
	if err != nil {
		return nil, asDamaged(fmt.Errorf("object %v: %w", ref, err))
	}
	return deepCopy(o), nil
}

// Deref returns o itself, or the object it points to when it is a Ref.
func (d *Document) Deref(o Object) (Object, error) {
	if r, ok := o.(Ref); ok {
		return d.Resolve(r)
	}
	return o, nil
}

// DerefDict is Deref for a value that must be a dictionary (or a stream,
// whose dictionary is returned); nil and Null give a nil Dict.
func (d *Document) DerefDict(o Object) (Dict, error) {
	o, err := d.Deref(o)
	if err != nil {
		return nil, err
	}
	switch v := o.(type) {
	case Dict:
		return v, nil
	case *Stream:
		return v.Dict, nil
	case nil, Null:
		return nil, nil
	}
	return nil, fmt.Errorf("pdf: expected a dictionary, found %T", o)
}

// resolveDict resolves ref and requires a dictionary.
func (d *Document) resolveDict(ref Ref) (Dict, error) {
	o, err := d.Resolve(ref)
	if err != nil {
		return nil, err
	}
	dict, ok := o.(Dict)
	if !ok {
		return nil, fmt.Errorf("pdf: object %v is %T, not a dictionary", ref, o)
	}
	return dict, nil
}

// resolve looks ref up; d.mu is held. The returned object is shared with
// the cache.
func (d *Document) resolve(ref Ref, depth int) (Object, error) {
	e, ok := d.xref[ref.Num]
	if !ok || e.kind == entryFree || (e.kind == entryInUse && e.gen != ref.Gen) || (e.kind == entryCompressed && ref.Gen != 0) {
		return Null{}, nil
	}
	if o, ok := d.cache[ref.Num]; ok {
		return o, nil
	}
	if depth > maxResolveDepth || d.busy[ref.Num] {
		return nil, fmt.Errorf("reference loop")
	}
	d.busy[ref.Num] = true
	defer delete(d.busy, ref.Num)
	var o Object
	var err error
	if e.kind == entryInUse {
		o, err = d.readInUse(ref, e.off, depth)
	} else {
		o, err = d.readCompressed(ref, int(e.off), e.idx, depth)
	}
	if err != nil {
		return nil, err
	}
	if s, ok := o.(*Stream); !ok || len(s.Data) <= maxCachedStream {
		d.cache[ref.Num] = o
	}
	return o, nil
}

// readInUse parses the object at file offset off.
func (d *Document) readInUse(ref Ref, off int64, depth int) (Object, error) {
	ind, err := d.src.readIndirect(off)
	if err == nil && (ind.num != ref.Num || ind.gen != ref.Gen) {
		err = fmt.Errorf("xref points to object %d %d at %d", ind.num, ind.gen, off)
	}
	if err != nil {
		// A wrong offset: look for the object where a scan found it.
		idx, serr := d.scanned()
		if serr != nil {
			return nil, err
		}
		sc, ok := idx.objs[ref.Num]
		if !ok || sc.off == off || sc.gen != ref.Gen {
			return nil, err
		}
		if ind, err = d.src.readIndirect(sc.off); err != nil {
			return nil, err
		}
		if ind.num != ref.Num || ind.gen != ref.Gen {
			return nil, fmt.Errorf("object not found at %d", sc.off)
		}
	}
	if !ind.stream {
		return ind.obj, nil
	}
	dict := ind.obj.(Dict)
	n, err := d.streamLen(dict, ind.dataStart, depth)
	if err != nil {
		return nil, err
	}
	data, err := d.src.readData(ind.dataStart, n)
	if err != nil {
		return nil, err
	}
	return &Stream{Dict: dict, Data: data}, nil
}

// streamLen returns the length of the stream data at dataStart, from its
// /Length (which may be an indirect object, §7.3.8.2) checked against the file.
func (d *Document) streamLen(dict Dict, dataStart int64, depth int) (int64, error) {
	lo := dict.Get("Length")
	if r, ok := lo.(Ref); ok {
		var err error
		if lo, err = d.resolve(r, depth+1); err != nil {
			lo = nil // a broken /Length is recovered below like a wrong one
		}
	}
	n, ok := Integer(lo)
	return d.src.streamLength(dataStart, int64(n), ok)
}

// objStream is a decoded object stream (§7.5.7).
type objStream struct {
	data  []byte
	first int
	nums  []int
	offs  []int
}

// readCompressed parses object idx of object stream stm.
func (d *Document) readCompressed(ref Ref, stm, idx int, depth int) (Object, error) {
	ostm, err := d.objStream(stm, depth)
	if err != nil {
		return nil, fmt.Errorf("object stream %d: %w", stm, err)
	}
	if idx >= len(ostm.nums) || ostm.nums[idx] != ref.Num {
		// The index is wrong; the object may still be listed.
		idx = -1
		for i, n := range ostm.nums {
			if n == ref.Num {
				idx = i
				break
			}
		}
		if idx < 0 {
			return Null{}, nil
		}
	}
	start := ostm.first + ostm.offs[idx]
	if start < 0 || start > len(ostm.data) {
		return nil, fmt.Errorf("object stream %d: offset out of range", stm)
	}
	p := newParser(ostm.data[start:], 0, true)
	o, err := p.object()
	if err != nil {
		return nil, fmt.Errorf("object stream %d: %w", stm, err)
	}
	return o, nil
}

// objStream loads and decodes object stream num, caching it.
func (d *Document) objStream(num int, depth int) (*objStream, error) {
	if ostm, ok := d.objstms[num]; ok {
		return ostm, nil
	}
	o, err := d.resolve(Ref{Num: num}, depth+1)
	if err != nil {
		return nil, err
	}
	s, ok := o.(*Stream)
	if !ok {
		return nil, fmt.Errorf("not a stream")
	}
	n, ok1 := Integer(s.Dict.Get("N"))
	first, ok2 := Integer(s.Dict.Get("First"))
	if !ok1 || !ok2 || n < 0 || first < 0 || n > maxObjNum {
		return nil, fmt.Errorf("bad /N or /First")
	}
	data, err := decode(s.Dict, s.Data, func(o Object) Object {
		if r, ok := o.(Ref); ok {
			v, _ := d.resolve(r, depth+1)
			return v
		}
		return o
	})
	if err != nil {
		return nil, err
	}
	if first > len(data) {
		return nil, fmt.Errorf("/First beyond the data")
	}
	ostm := &objStream{data: data, first: first, nums: make([]int, 0, min(n, 1<<16)), offs: make([]int, 0, min(n, 1<<16))}
	p := newParser(data[:first], 0, true)
	for range n {
		num, err1 := p.integer()
		off, err2 := p.integer()
		if err1 != nil || err2 != nil {
			break // keep the pairs read
		}
		ostm.nums = append(ostm.nums, int(num))
		ostm.offs = append(ostm.offs, int(off))
	}
	if d.stmSize+len(data) > maxObjStmBytes {
		clear(d.objstms)
		d.stmSize = 0
	}
	d.objstms[num] = ostm
	d.stmSize += len(data)
	return ostm, nil
}

// DecodeStream returns the data of s with its filters undone (§7.4).
// Image-only filters such as DCTDecode are not supported.
func (d *Document) DecodeStream(s *Stream) (data []byte, err error) {
	defer catch(&err)
	data, err = decode(s.Dict, s.Data, func(o Object) Object {
		if r, ok := o.(Ref); ok {
			v, _ := d.Resolve(r)
			return v
		}
		return o
	})
	if err != nil {
		return nil, fmt.Errorf("pdf: decode stream: %w", err)
	}
	return data, nil
}

// deepCopy copies arrays and dictionaries so that callers may change what
// they get without touching the cache. Stream data is shared.
func deepCopy(o Object) Object {
	switch v := o.(type) {
	case Dict:
		c := make(Dict, len(v))
		for k, x := range v {
			c[k] = deepCopy(x)
		}
		return c
	case Array:
		c := make(Array, len(v))
		for i, x := range v {
			c[i] = deepCopy(x)
		}
		return c
	case *Stream:
		return &Stream{Dict: deepCopy(v.Dict).(Dict), Data: v.Data}
	}
	return o
}
