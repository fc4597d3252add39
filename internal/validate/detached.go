package validate

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"

	"github.com/kyso-vn/kyso/internal/cms"
)

// CMS validates a CMS signature (.p7s, .p7m): detached over content, or
// encapsulating its content when content is nil.
func (v *Validator) CMS(ctx context.Context, sig, content []byte) (*Report, error) {
	der := sig
	if b, _ := pem.Decode(sig); b != nil && (b.Type == "PKCS7" || b.Type == "CMS") {
		der = b.Bytes
	}
	sumFile := sha256.Sum256(sig)
	rep := &Report{Format: "cms", Size: int64(len(sig)), SHA256: hex.EncodeToString(sumFile[:]), ValidatedAt: v.opts.Now().UTC()}
	if pre, err := cms.Parse(der); err == nil && pre.Content == nil && content == nil {
		return nil, fmt.Errorf("%w: the signature is detached; give the signed file too", ErrUnreadable)
	}
	in := signedData{der: der, digest: func(h crypto.Hash) []byte { return sum(h, content) }, encapsulated: true}
	r := &SignatureReport{Index: 1, Kind: "signature", CoversWholeDocument: true, ChangesPermitted: true}
	s := v.judge(ctx, in, nil, r)
	if s != nil && s.Content != nil {
		// Encapsulated (.p7m): the content is inside; a file given
		// beside it must be the same.
		if content != nil && !bytes.Equal(content, s.Content) {
			r.worsen(verdict{TotalFailed, HashFailure, "the file given beside the signature is not the content it encapsulates"})
		}
		r.Details = append(r.Details, fmt.Sprintf("the signature encapsulates its content (%d bytes)", len(s.Content)))
	}
	rep.Signatures = []*SignatureReport{r}
	rep.finish(v.opts.Lang)
	return rep, nil
}

// File validates data as whatever it is: a PDF, or a CMS signature over
// content (nil when there is none beside it).
func (v *Validator) File(ctx context.Context, data, content []byte) (*Report, error) {
	if IsPDF(data) {
		return v.PDF(ctx, data)
	}
	if looksLikeCMS(data) {
		return v.CMS(ctx, data, content)
	}
	return nil, fmt.Errorf("%w: the file starts with neither %%PDF- nor a CMS structure", ErrUnreadable)
}

// IsPDF reports whether data starts like a PDF: "%PDF-" within the first
// kilobyte (ISO 32000-1 §7.5.2 allows leading bytes; readers accept 1024).
func IsPDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	return bytes.Contains(head, []byte("%PDF-"))
}

func looksLikeCMS(data []byte) bool {
	if bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN")) {
		return true
	}
	return len(data) > 2 && data[0] == 0x30
}
