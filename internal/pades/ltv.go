package pades

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/kyso-vn/kyso/internal/cms"
	"github.com/kyso-vn/kyso/internal/fetch"
	"github.com/kyso-vn/kyso/internal/pdf"
)

// Revocation fetches revocation data for a certificate: an OCSP response
// and/or a CRL (DER). It is what B-LT embeds so that the signature can be
// validated after the CA's services are gone.
type Revocation interface {
	Fetch(ctx context.Context, cert, issuer *x509.Certificate) (ocspDER, crlDER []byte, err error)
}

// HTTPRevocation asks the OCSP responder named in the certificate's AIA,
// and falls back to the CRL at its distribution point (RFC 5280 §4.2.2.1,
// §4.2.1.13). client may be nil: 15-second timeouts are used.
func HTTPRevocation(client *http.Client) Revocation {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	return httpRevocation{client}
}

type httpRevocation struct{ c *http.Client }

// maxRevocationBytes bounds a downloaded OCSP response or CRL.
const maxRevocationBytes = 32 << 20

func (h httpRevocation) Fetch(ctx context.Context, cert, issuer *x509.Certificate) ([]byte, []byte, error) {
	var errs []error
	for _, url := range cert.OCSPServer {
		req, err := ocsp.CreateRequest(cert, issuer, &ocsp.RequestOptions{Hash: crypto.SHA256})
		if err != nil {
			return nil, nil, err
		}
		body, err := h.do(ctx, http.MethodPost, url, "application/ocsp-request", req)
		if err == nil {
			var resp *ocsp.Response
			if resp, err = ocsp.ParseResponseForCert(body, cert, issuer); err == nil && resp.Status != ocsp.Unknown {
				return body, nil, nil
			}
			if err == nil {
				err = errors.New("the responder does not know the certificate")
			}
		}
		errs = append(errs, fmt.Errorf("OCSP %s: %w", url, err))
	}
	for _, url := range cert.CRLDistributionPoints {
		body, err := h.do(ctx, http.MethodGet, url, "", nil)
		if err == nil {
			var crl *x509.RevocationList
			if crl, err = x509.ParseRevocationList(body); err == nil {
				if err = crl.CheckSignatureFrom(issuer); err == nil {
					return nil, body, nil
				}
			}
		}
		errs = append(errs, fmt.Errorf("CRL %s: %w", url, err))
	}
	if len(errs) == 0 {
		return nil, nil, fmt.Errorf("%s names no OCSP responder and no CRL", cert.Subject.CommonName)
	}
	return nil, nil, errors.Join(errs...)
}

func (h httpRevocation) do(ctx context.Context, method, url, ctype string, body []byte) ([]byte, error) {
	return fetch.Do(ctx, h.c, method, url, ctype, body, maxRevocationBytes)
}

// issuerOf finds c's issuer among pool by signature.
func issuerOf(c *x509.Certificate, pool []*x509.Certificate) *x509.Certificate {
	for _, p := range pool {
		if bytes.Equal(c.RawIssuer, p.RawSubject) && c.CheckSignatureFrom(p) == nil {
			return p
		}
	}
	return nil
}

// addDSS appends the Document Security Store (ETSI EN 319 142-1 §5.4,
// ISO 32000-2 §12.8.4.3) to the file at path: every certificate of the
// signer's and the TSA's chains, and revocation data for each certificate
// that is not a trust anchor. It writes next to path and returns the new
// file's path.
func addDSS(ctx context.Context, path string, certs []*x509.Certificate, rev Revocation) (string, error) {
	var ocsps, crls [][]byte
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil {
			continue // a root: nothing revokes it
		}
		issuer := issuerOf(c, certs)
		if issuer == nil {
			return "", fmt.Errorf("pades: B-LT: the issuer of %s is not in the chain", c.Subject.CommonName)
		}
		// A delegated OCSP responder's own certificate carries no-check.
		o, cr, err := rev.Fetch(ctx, c, issuer)
		if err != nil {
			return "", fmt.Errorf("pades: B-LT: revocation data for %s: %w", c.Subject.CommonName, err)
		}
		if o != nil {
			ocsps = append(ocsps, o)
			if resp, err := ocsp.ParseResponse(o, issuer); err == nil && resp.Certificate != nil {
				certs = appendCert(certs, resp.Certificate)
			}
		}
		if cr != nil {
			crls = append(crls, cr)
		}
	}
	return appendUpdate(path, "dss", func(doc *pdf.Document, u *pdf.Update) error {
		cat, err := doc.Catalog()
		if err != nil {
			return err
		}
		cat = cat.Clone()
		dss := pdf.Dict{"Type": pdf.Name("DSS")}
		if old, err := doc.DerefDict(cat.Get("DSS")); err == nil && old != nil {
			dss = old.Clone()
		}
		add := func(key pdf.Name, ders [][]byte) {
			arr, _ := dss.Get(key).(pdf.Array)
			arr = append(pdf.Array{}, arr...)
			for _, d := range ders {
				arr = append(arr, u.Add(&pdf.Stream{Dict: pdf.Dict{}, Data: d}))
			}
			if len(arr) > 0 {
				dss[key] = arr
			}
		}
		raw := make([][]byte, len(certs))
		for i, c := range certs {
			raw[i] = c.Raw
		}
		add("Certs", raw)
		add("OCSPs", ocsps)
		add("CRLs", crls)
		cat["DSS"] = u.Add(dss)
		u.Replace(doc.Root(), cat)
		return nil
	})
}

func appendCert(list []*x509.Certificate, c *x509.Certificate) []*x509.Certificate {
	for _, x := range list {
		if x.Equal(c) {
			return list
		}
	}
	return append(list, c)
}

// addDocTimeStamp appends a document time-stamp (ETSI EN 319 142-1 §5.4,
// SubFilter ETSI.RFC3161): a signature field whose /Contents is an RFC 3161
// token over the byte range, so that everything before it, DSS included,
// is proven to have existed at that time (B-LTA).
func addDocTimeStamp(ctx context.Context, path string, ts TimeStamper) (string, error) {
	var pos pdf.PlaceholderPos
	out, err := appendUpdate(path, "lta", func(doc *pdf.Document, u *pdf.Update) error {
		sig := u.Add(pdf.Dict{
			"Type": pdf.Name("DocTimeStamp"), "Filter": pdf.Name("Adobe.PPKLite"), "SubFilter": pdf.Name("ETSI.RFC3161"),
			"ByteRange": pdf.ByteRangePlaceholder{}, "Contents": pdf.ContentsPlaceholder{Len: 16000},
		})
		return addField(doc, u, sig, "DocumentTimeStamp", 1, Rect{}, nil, nil)
	}, func(u *pdf.Update) { pos = u.Placeholders()[0] })
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(out, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	br := pos.Range(st.Size())
	b, err := pos.EncodeByteRange(br)
	if err != nil {
		return "", err
	}
	if err := pdf.Patch(f, pos.ByteRange.Start, b); err != nil {
		return "", err
	}
	h := crypto.SHA256.New()
	if _, err := io.Copy(h, pdf.ByteRangeReader(f, br)); err != nil {
		return "", err
	}
	token, err := ts.TimeStamp(ctx, h.Sum(nil), crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("pades: document time-stamp: %w", err)
	}
	c, err := pos.EncodeContents(token)
	if err != nil {
		return "", err
	}
	if err := pdf.Patch(f, pos.Contents.Start, c); err != nil {
		return "", err
	}
	return out, f.Sync()
}

// appendUpdate opens path, lets build add to an update, and writes input +
// update to a new file beside it.
func appendUpdate(path, tag string, build func(*pdf.Document, *pdf.Update) error, after ...func(*pdf.Update)) (string, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return "", err
	}
	doc, err := pdf.Open(in, st.Size())
	if err != nil {
		return "", err
	}
	u := doc.NewUpdate()
	if err := build(doc, u); err != nil {
		return "", err
	}
	out := path + "." + tag
	f, err := os.OpenFile(out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := u.WriteDocument(f); err != nil {
		f.Close()
		os.Remove(out)
		return "", err
	}
	for _, a := range after {
		a(u)
	}
	if err := f.Close(); err != nil {
		os.Remove(out)
		return "", err
	}
	return out, nil
}

// tsaCertificates returns the certificates a time-stamp token carries.
func tsaCertificates(token []byte) []*x509.Certificate {
	s, err := cms.Parse(token)
	if err != nil {
		return nil
	}
	return s.Certificates
}
