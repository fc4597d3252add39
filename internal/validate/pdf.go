package validate

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kyso-vn/kyso/internal/pdf"
	"github.com/kyso-vn/kyso/internal/validate/changes"
)

// pdfSignature is a signature dictionary found in the form, before judging.
type pdfSignature struct {
	field     pdf.Field
	dict      pdf.Dict
	byteRange [4]int64
	contents  []byte
	rangeErr  error // why the byte range cannot be trusted
	docTS     bool
	docMDP    int
}

// end is the offset where the signed part of the file ends.
func (p *pdfSignature) end() int64 { return p.byteRange[2] + p.byteRange[3] }

// PDF validates every signature and document time-stamp of a PDF.
func (v *Validator) PDF(ctx context.Context, data []byte) (*Report, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrUnreadable, len(data), MaxFileSize)
	}
	sumFile := sha256.Sum256(data)
	rep := &Report{Format: "pdf", Size: int64(len(data)), SHA256: hex.EncodeToString(sumFile[:]), ValidatedAt: v.opts.Now().UTC()}
	doc, err := pdf.Open(bytes.NewReader(data), int64(len(data)), pdf.WithMaxSize(MaxFileSize))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	sigs, err := signatures(doc, data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreadable, err)
	}
	if len(sigs) == 0 {
		return nil, ErrNoSignature
	}
	ev := dss(doc)
	revEnds := revisionEnds(doc)

	// Document time-stamps first: each one proves that every signature
	// it covers existed at its time (ETSI EN 319 142-1 §5.4.3).
	reports := make([]*SignatureReport, len(sigs))
	tsTimes := make([]time.Time, len(sigs))
	for i, sig := range sigs {
		reports[i] = newSignatureReport(i+1, sig, revEnds, len(data))
		if !sig.docTS {
			continue
		}
		if sig.rangeErr != nil {
			reports[i].setVerdict(verdict{TotalFailed, FormatFailure, sig.rangeErr.Error()})
			continue
		}
		info, cr, s := v.timeStamp(ctx, sig.contents, rangeDigest(data, sig.byteRange), ev)
		r := reports[i]
		r.TimeStamps = []TimeStampInfo{info}
		r.SigningTime, r.SigningTimeSource = info.Time, "timestamp"
		if s != nil {
			r.Signer = certInfo(s.Signer)
		}
		r.Chain = cr.chain
		r.setVerdict(cr.verdict)
		if info.Valid {
			tsTimes[i] = info.Time
		}
	}
	for i, sig := range sigs {
		r := reports[i]
		if sig.docTS {
			continue
		}
		if sig.rangeErr != nil {
			r.setVerdict(verdict{TotalFailed, FormatFailure, sig.rangeErr.Error()})
			continue
		}
		in := signedData{der: sig.contents, digest: rangeDigest(data, sig.byteRange), subFilter: r.SubFilter}
		if m, ok := pdf.Text(sig.dict.Get("M")); ok {
			in.claimed, _ = pdfDate(m)
		}
		for j := i + 1; j < len(sigs); j++ {
			if !tsTimes[j].IsZero() && (in.laterPOE.IsZero() || tsTimes[j].Before(in.laterPOE)) {
				in.laterPOE = tsTimes[j]
			}
		}
		v.judge(ctx, in, ev, r)
	}
	for i, sig := range sigs {
		if sig.rangeErr != nil {
			continue
		}
		v.changesAfter(data, sig, reports[i])
	}
	rep.Signatures = reports
	rep.finish(v.opts.Lang)
	return rep, nil
}

func newSignatureReport(index int, sig *pdfSignature, revEnds []int64, size int) *SignatureReport {
	r := &SignatureReport{Index: index, Kind: "signature", Field: sig.field.Name, Page: sig.field.Page, ByteRange: sig.byteRange, DocMDP: sig.docMDP, ChangesPermitted: true}
	if sig.docTS {
		r.Kind = "document_timestamp"
	} else if sig.docMDP > 0 {
		r.Kind = "certification"
	}
	r.SubFilter, _ = nameOf(sig.dict.Get("SubFilter"))
	r.Reason, _ = pdf.Text(sig.dict.Get("Reason"))
	r.Location, _ = pdf.Text(sig.dict.Get("Location"))
	if sig.rangeErr == nil {
		r.CoversWholeDocument = coversRest(sig.end(), int64(size))
		for i, e := range revEnds {
			if sig.end() >= e && sig.end() <= e+2 {
				r.Revision = i + 1
			}
		}
	}
	return r
}

// changesAfter compares the signed revision with the file and lets the
// verdict reflect changes the signature does not permit.
func (v *Validator) changesAfter(data []byte, sig *pdfSignature, r *SignatureReport) {
	if r.CoversWholeDocument {
		return
	}
	cr, err := changes.Compare(bytes.NewReader(data), int64(len(data)), sig.end(), sig.docMDP)
	if err != nil {
		r.worsen(verdict{Indeterminate, FormatFailure, "the changes after signing could not be read: " + err.Error()})
		return
	}
	r.Changes = cr.Changes
	r.ChangesPermitted = cr.Permitted()
	if !r.ChangesPermitted {
		var what []string
		for _, c := range cr.Changes {
			if !c.Allowed {
				s := c.What
				if c.Page > 0 {
					s += fmt.Sprintf(" (page %d)", c.Page)
				}
				what = append(what, s)
			}
		}
		r.worsen(verdict{TotalFailed, FormatFailure, "changed after signing: " + strings.Join(what, "; ")})
	}
}

// coversRest reports whether a signature ending at end covers the whole
// file: nothing follows but an end-of-line marker.
func coversRest(end, size int64) bool { return size-end >= 0 && size-end <= 2 }

// rangeDigest hashes what a byte range covers without copying the file.
func rangeDigest(data []byte, br [4]int64) func(crypto.Hash) []byte {
	return func(h crypto.Hash) []byte {
		w := h.New()
		w.Write(data[br[0] : br[0]+br[1]])
		w.Write(data[br[2] : br[2]+br[3]])
		return w.Sum(nil)
	}
}

// signatures finds the signed signature fields, in the order they were
// signed (by where their byte ranges end), with their byte ranges checked
// against the file.
func signatures(doc *pdf.Document, data []byte) ([]*pdfSignature, error) {
	fields, err := doc.SignatureFields()
	if err != nil {
		return nil, err
	}
	certLevel, certSig := docMDP(doc)
	var out []*pdfSignature
	seen := map[pdf.Ref]bool{}
	for _, f := range fields {
		if !f.Signed {
			continue
		}
		fd, err := doc.DerefDict(f.Ref)
		if err != nil || fd == nil {
			continue
		}
		vref, _ := fd.Get("V").(pdf.Ref)
		if vref != (pdf.Ref{}) {
			if seen[vref] {
				continue // two fields sharing one signature value
			}
			seen[vref] = true
		}
		d, err := doc.DerefDict(fd.Get("V"))
		if err != nil || d == nil {
			continue
		}
		sig := &pdfSignature{field: f, dict: d}
		sub, _ := nameOf(d.Get("SubFilter"))
		typ, _ := nameOf(d.Get("Type"))
		sig.docTS = sub == "ETSI.RFC3161" || typ == "DocTimeStamp"
		if vref != (pdf.Ref{}) && vref == certSig {
			sig.docMDP = certLevel
		}
		sig.contents, sig.byteRange, sig.rangeErr = checkByteRange(d, data)
		out = append(out, sig)
	}
	// Later signatures are restricted by an earlier certification.
	sort.SliceStable(out, func(i, j int) bool { return out[i].end() < out[j].end() })
	for _, s := range out {
		if s.docMDP == 0 {
			s.docMDP = certLevel
		}
	}
	return out, nil
}

// checkByteRange reads /ByteRange and /Contents and checks that the range
// starts at the beginning of the file, lies inside it, and leaves out
// exactly the /Contents hex string (ISO 32000-1 §12.8.1): otherwise a
// signature could cover bytes that are not the ones a reader displays.
func checkByteRange(d pdf.Dict, data []byte) ([]byte, [4]int64, error) {
	var br [4]int64
	contents, ok := pdf.Bytes(d.Get("Contents"))
	if !ok || len(contents) == 0 {
		return nil, br, errors.New("the signature has no /Contents")
	}
	arr, _ := d.Get("ByteRange").(pdf.Array)
	if len(arr) != 4 {
		return contents, br, errors.New("the signature's /ByteRange is not four numbers")
	}
	for i, o := range arr {
		n, ok := pdf.Integer(o)
		if !ok || n < 0 {
			return contents, br, errors.New("the signature's /ByteRange is not four non-negative integers")
		}
		br[i] = int64(n)
	}
	size := int64(len(data))
	switch {
	case br[0] != 0:
		return contents, br, fmt.Errorf("the byte range %v does not start at the beginning of the file", br)
	case br[1] > br[2] || br[2] > size || br[3] > size-br[2]:
		return contents, br, fmt.Errorf("the byte range %v does not fit the file of %d bytes (truncated?)", br, size)
	}
	gap := data[br[1]:br[2]]
	if len(gap) < 2 || gap[0] != '<' || gap[len(gap)-1] != '>' {
		return contents, br, fmt.Errorf("the byte range %v leaves out something other than the /Contents string", br)
	}
	raw, err := hex.DecodeString(string(gap[1 : len(gap)-1]))
	if err != nil || !bytes.Equal(raw, contents) {
		return contents, br, fmt.Errorf("the byte range %v leaves out something other than this signature's /Contents", br)
	}
	return contents, br, nil
}

// docMDP returns the certification level and the certification
// signature's value object from the catalog's /Perms (ISO 32000-1
// §12.8.2.2): 0 when the document is not certified.
func docMDP(doc *pdf.Document) (int, pdf.Ref) {
	cat, err := doc.Catalog()
	if err != nil {
		return 0, pdf.Ref{}
	}
	perms, err := doc.DerefDict(cat.Get("Perms"))
	if err != nil || perms == nil {
		return 0, pdf.Ref{}
	}
	ref, _ := perms.Get("DocMDP").(pdf.Ref)
	sig, err := doc.DerefDict(perms.Get("DocMDP"))
	if err != nil || sig == nil {
		return 0, pdf.Ref{}
	}
	refs, _ := doc.Deref(sig.Get("Reference"))
	arr, _ := refs.(pdf.Array)
	for _, o := range arr {
		sr, err := doc.DerefDict(o)
		if err != nil || sr == nil {
			continue
		}
		if m, _ := nameOf(sr.Get("TransformMethod")); m != "DocMDP" {
			continue
		}
		p := 2 // the default (Table 254)
		if tp, err := doc.DerefDict(sr.Get("TransformParams")); err == nil && tp != nil {
			if n, ok := pdf.Integer(tp.Get("P")); ok && n >= 1 && n <= 3 {
				p = n
			}
		}
		return p, ref
	}
	return 0, pdf.Ref{}
}

// dss reads the Document Security Store (ETSI EN 319 142-1 §5.4.2):
// certificates, OCSP responses and CRLs for long-term validation.
func dss(doc *pdf.Document) *evidence {
	ev := &evidence{}
	cat, err := doc.Catalog()
	if err != nil {
		return ev
	}
	d, err := doc.DerefDict(cat.Get("DSS"))
	if err != nil || d == nil {
		return ev
	}
	streams := func(key pdf.Name) [][]byte {
		o, err := doc.Deref(d.Get(key))
		if err != nil {
			return nil
		}
		arr, _ := o.(pdf.Array)
		var out [][]byte
		for _, e := range arr {
			so, err := doc.Deref(e)
			if err != nil {
				continue
			}
			st, ok := so.(*pdf.Stream)
			if !ok {
				continue
			}
			if b, err := doc.DecodeStream(st); err == nil {
				out = append(out, b)
			}
		}
		return out
	}
	for _, b := range streams("Certs") {
		if c, err := x509.ParseCertificate(b); err == nil {
			ev.certs = append(ev.certs, c)
		}
	}
	ev.ocsps = streams("OCSPs")
	for _, b := range streams("CRLs") {
		if crl, err := x509.ParseRevocationList(b); err == nil {
			ev.crls = append(ev.crls, crl)
		}
	}
	return ev
}

// revisionEnds lists where each revision of the file ends.
func revisionEnds(doc *pdf.Document) []int64 {
	var out []int64
	for _, r := range doc.Revisions() {
		out = append(out, r.End)
	}
	return out
}

func nameOf(o pdf.Object) (string, bool) {
	n, ok := o.(pdf.Name)
	return string(n), ok
}

// pdfDate reads a PDF date string (ISO 32000-1 §7.9.4):
// D:YYYYMMDDHHmmSSOHH'mm', every part after the year optional.
func pdfDate(s string) (time.Time, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	s = strings.ReplaceAll(s, "'", "")
	layouts := []string{"20060102150405Z0700", "20060102150405Z07", "20060102150405", "200601021504", "2006010215", "20060102"}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	if strings.HasSuffix(s, "Z00") || strings.HasSuffix(s, "Z0000") {
		return pdfDate(strings.TrimRight(s, "0"))
	}
	return time.Time{}, fmt.Errorf("not a PDF date: %q", s)
}
