package edxml

import (
	"bytes"
	"crypto"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

var sigRE = regexp.MustCompile(`<ds:Signature .*</ds:Signature>`)

// signature returns the ds:Signature element of a package, as text.
func signature(t *testing.T, data []byte) []byte {
	t.Helper()
	m := sigRE.Find(data)
	if m == nil {
		t.Fatal("no ds:Signature in the package")
	}
	return m
}

// replaceOnce replaces old by new in data and fails if old is absent.
func replaceOnce(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("test setup: %q not in the package", old)
	}
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// signEdited encodes env, lets edit change the XML tree (bypassing Build's
// checks), and signs the result with p's key as Build would, so that the
// signature is valid and the test reaches the checks after it.
func signEdited(t *testing.T, p *testPKI, env *Envelope, edit func(doc *etree.Document)) []byte {
	t.Helper()
	if err := env.complete(time.Now(), newBuildConfig(nil).newID); err != nil {
		t.Fatal(err)
	}
	doc, hdr := encodeEnvelope(env)
	edit(doc)
	ctx, err := newSigningContext(p.signer(), p.chain(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	data, err := signInto(ctx, doc, hdr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// signWith signs the sample with a goxmldsig context the test sets up, to
// produce signatures Build never makes.
func signWith(t *testing.T, p *testPKI, setup func(*dsig.SigningContext), signer crypto.Signer) []byte {
	t.Helper()
	env := sampleEnvelope()
	if err := env.complete(time.Now(), newBuildConfig(nil).newID); err != nil {
		t.Fatal(err)
	}
	doc, hdr := encodeEnvelope(env)
	ders := [][]byte{p.id.Cert.Raw}
	ctx, err := dsig.NewSigningContext(signer, ders)
	if err != nil {
		t.Fatal(err)
	}
	ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	setup(ctx)
	data, err := signInto(ctx, doc, hdr)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func find(doc *etree.Document, path string) *etree.Element {
	e := doc.FindElement(path)
	if e == nil {
		panic("test setup: no element " + path)
	}
	return e
}

func TestParseRejects(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	ec := pkiFor(t, "p256")
	other := newPKI(t, "rsa2048")
	valid := mustBuild(t, p, sampleEnvelope())
	status, err := BuildStatus(sampleStatus(StatusReceived), p.signer(), p.chain())
	if err != nil {
		t.Fatal(err)
	}
	unsigned := sigRE.ReplaceAll(valid, nil)

	tests := map[string]struct {
		input func(t *testing.T) []byte
		opts  []ParseOption
		want  error
	}{
		"ok/as-built": {input: func(*testing.T) []byte { return valid }},
		"ok/utf8-bom": {input: func(*testing.T) []byte { return append([]byte("\xef\xbb\xbf"), valid...) }},
		"ok/comment-added": {input: func(t *testing.T) []byte {
			// Exclusive C14N without comments: comments are not signed.
			return replaceOnce(t, valid, "<edXML:Subject>", "<!-- ghi chú --><edXML:Subject>")
		}},

		// Changes after signing.
		"error/tampered-subject": {input: func(t *testing.T) []byte {
			return replaceOnce(t, valid, "Về việc triển khai chữ ký số", "Về việc hủy bỏ chữ ký số")
		}, want: ErrBadSignature},
		"error/tampered-attachment": {input: func(t *testing.T) []byte {
			b64 := base64.StdEncoding.EncodeToString(fakePDF("Phu luc I"))
			evil := base64.StdEncoding.EncodeToString(fakePDF("Phu luc X"))
			return replaceOnce(t, valid, b64, evil)
		}, want: ErrBadSignature},
		"error/tampered-trace-id": {input: func(t *testing.T) []byte {
			return regexp.MustCompile(`TraceHeaderList id="[^"]*"`).ReplaceAll(valid, []byte(`TraceHeaderList id="00000000-0000-4000-8000-000000000000"`))
		}, want: ErrBadSignature},
		"error/attachment-added": {input: func(t *testing.T) []byte {
			extra := `<Attachment><ContentType>application/pdf</ContentType><ContentId>evil</ContentId><Description/><ContentTransferEncoded>` +
				base64.StdEncoding.EncodeToString(fakePDF("evil")) + `</ContentTransferEncoded><AttachmentName>evil.pdf</AttachmentName></Attachment></AttachmentEncoded>`
			return replaceOnce(t, valid, "</AttachmentEncoded>", extra)
		}, want: ErrBadSignature},
		"error/signature-removed": {input: func(*testing.T) []byte { return unsigned }, want: ErrUnsigned},
		"error/wrong-key": {input: func(t *testing.T) []byte {
			// Signed by another key, presenting our certificate.
			forged := mustBuild(t, other, sampleEnvelope())
			return replaceOnce(t, forged,
				base64.StdEncoding.EncodeToString(other.id.Cert.Raw),
				base64.StdEncoding.EncodeToString(p.id.Cert.Raw))
		}, want: ErrBadSignature},
		"error/signature-value-changed": {input: func(t *testing.T) []byte {
			return regexp.MustCompile(`<ds:SignatureValue>[A-Za-z0-9+/]{8}`).ReplaceAll(valid, []byte(`<ds:SignatureValue>AAAAAAAA`))
		}, want: ErrBadSignature},

		// Signature wrapping: an unsigned envelope moved around the signed one.
		"error/wrapping-evil-envelope-first": {input: func(t *testing.T) []byte {
			evil := evilEnvelope(t, unsigned)
			return replaceOnce(t, valid, `<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">`,
				`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">`+evil)
		}, want: ErrBadSignature},
		"error/wrapping-signed-inside-evil": {input: func(t *testing.T) []byte {
			evilDoc := replaceOnce(t, unsigned, "Về việc triển khai chữ ký số", "Về việc chuyển kinh phí")
			signedRoot := bytes.TrimPrefix(valid, []byte(`<?xml version="1.0" encoding="UTF-8"?>`))
			return replaceOnce(t, evilDoc, "</AttachmentEncoded>", "</AttachmentEncoded>"+string(signedRoot))
		}, want: ErrBadSignature},
		"error/wrapping-signed-in-object": {input: func(t *testing.T) []byte {
			// Classic XSW: the signed envelope hidden in ds:Object, an evil
			// one where the verifier's reader looks.
			evil := replaceOnce(t, valid, "Về việc triển khai chữ ký số", "Về việc chuyển kinh phí")
			env := evilEnvelope(t, valid)
			return replaceOnce(t, evil, "</ds:KeyInfo>", `</ds:KeyInfo><ds:Object>`+env+`</ds:Object>`)
		}, want: ErrBadSignature},
		"error/signature-moved": {input: func(t *testing.T) []byte {
			sig := signature(t, valid)
			moved := bytes.Replace(valid, sig, nil, 1)
			return replaceOnce(t, moved, "</AttachmentEncoded>", "</AttachmentEncoded>"+string(sig))
		}, want: ErrMalformed},
		"error/two-signatures": {input: func(t *testing.T) []byte {
			sig := signature(t, valid)
			return replaceOnce(t, valid, "</AttachmentEncoded>", "</AttachmentEncoded>"+string(sig))
		}, want: ErrMalformed},

		// Hostile XML.
		"error/doctype-external-entity": {input: func(*testing.T) []byte {
			return []byte(`<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
				`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><x>&xxe;</x></edXML>`)
		}, want: ErrDTD},
		"error/doctype-in-signed-package": {input: func(t *testing.T) []byte {
			return replaceOnce(t, valid, `?><edXML`, `?><!DOCTYPE edXML SYSTEM "http://127.0.0.1:1/edxml.dtd"><edXML`)
		}, want: ErrDTD},
		"error/billion-laughs": {input: func(*testing.T) []byte {
			var b strings.Builder
			b.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
			for i := 1; i <= 9; i++ {
				b.WriteString(`<!ENTITY lol` + string(rune('0'+i)) + ` "`)
				for j := 0; j < 10; j++ {
					if i == 1 {
						b.WriteString("&lol;")
					} else {
						b.WriteString("&lol" + string(rune('0'+i-1)) + ";")
					}
				}
				b.WriteString(`">`)
			}
			b.WriteString(`]><edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML>`)
			return []byte(b.String())
		}, want: ErrDTD},
		"error/entity-without-doctype": {input: func(*testing.T) []byte {
			return []byte(`<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><!ENTITY x "y"></edXML>`)
		}, want: ErrDTD},
		"error/undeclared-entity": {input: func(t *testing.T) []byte {
			return replaceOnce(t, valid, "Về việc", "&xxe; Về việc")
		}, want: ErrMalformed},
		"error/oversized-option": {
			input: func(*testing.T) []byte { return valid },
			opts:  []ParseOption{WithMaxSize(int64(len(valid) - 1))},
			want:  ErrTooLarge,
		},
		"error/oversized-default": {input: func(*testing.T) []byte {
			return bytes.Repeat([]byte(" "), MaxSize+1)
		}, want: ErrTooLarge},
		"error/truncated-half":  {input: func(*testing.T) []byte { return valid[:len(valid)/2] }, want: ErrMalformed},
		"error/truncated-end":   {input: func(*testing.T) []byte { return valid[:len(valid)-3] }, want: ErrMalformed},
		"error/non-xml-pdf":     {input: func(*testing.T) []byte { return fakePDF("x") }, want: ErrMalformed},
		"error/non-xml-json":    {input: func(*testing.T) []byte { return []byte(`{"Subject":"x"}`) }, want: ErrMalformed},
		"error/empty":           {input: func(*testing.T) []byte { return nil }, want: ErrMalformed},
		"error/invalid-utf8":    {input: func(t *testing.T) []byte { return replaceOnce(t, valid, "Về", "V\xff") }, want: ErrMalformed},
		"error/utf16":           {input: func(*testing.T) []byte { return []byte("\xff\xfe<\x00e\x00/\x00>\x00") }, want: ErrMalformed},
		"error/latin1-declared": {input: func(t *testing.T) []byte { return replaceOnce(t, valid, `encoding="UTF-8"`, `encoding="ISO-8859-1"`) }, want: ErrMalformed},
		"error/deep-nesting":    {input: func(*testing.T) []byte { return []byte(strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100)) }, want: ErrMalformed},
		"error/unknown-root":    {input: func(*testing.T) []byte { return []byte(`<foo xmlns="urn:x"/>`) }, want: ErrMalformed},
		"error/root-wrong-ns":   {input: func(*testing.T) []byte { return []byte(`<edXML xmlns="urn:other"/>`) }, want: ErrMalformed},
		"error/status-as-doc":   {input: func(*testing.T) []byte { return status }, want: ErrMalformed},
		"error/two-roots":       {input: func(t *testing.T) []byte { return append(bytes.Clone(valid), "<edXML/>"...) }, want: ErrMalformed},
		"error/duplicate-attr": {input: func(t *testing.T) []byte {
			return replaceOnce(t, valid, `version="1.0" mustUnderstand`, `version="1.0" version="2.0" mustUnderstand`)
		}, want: ErrMalformed},
		"error/prefixed-twin-attr": {input: func(t *testing.T) []byte {
			return replaceOnce(t, valid, `<ds:Reference URI="">`, `<ds:Reference xmlns:x="urn:x" x:URI="" URI="#frag">`)
		}, want: ErrMalformed},
		"error/trailing-pi":      {input: func(t *testing.T) []byte { return append(bytes.Clone(valid), "<?php x ?>"...) }, want: ErrMalformed},
		"error/text-before-root": {input: func(t *testing.T) []byte { return replaceOnce(t, valid, "?><edXML", "?>junk<edXML") }, want: ErrMalformed},

		// Signatures Build never makes.
		"error/sha1": {input: func(t *testing.T) []byte {
			return signWith(t, p, func(c *dsig.SigningContext) { c.Hash = crypto.SHA1 }, p.signer())
		}, want: ErrBadSignature},
		"error/c14n-with-comments": {input: func(t *testing.T) []byte {
			return signWith(t, p, func(c *dsig.SigningContext) {
				c.Canonicalizer = dsig.MakeC14N10ExclusiveWithCommentsCanonicalizerWithPrefixList("")
			}, p.signer())
		}, want: ErrBadSignature},
		"error/ecdsa-der-value": {input: func(t *testing.T) []byte {
			// goxmldsig's own ECDSA output: DER, not XML-DSig's r||s.
			ders := [][]byte{ec.id.Cert.Raw}
			env := sampleEnvelope()
			if err := env.complete(time.Now(), newBuildConfig(nil).newID); err != nil {
				t.Fatal(err)
			}
			doc, hdr := encodeEnvelope(env)
			ctx, err := dsig.NewSigningContext(ec.signer(), ders)
			if err != nil {
				t.Fatal(err)
			}
			ctx.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
			data, err := signInto(ctx, doc, hdr)
			if err != nil {
				t.Fatal(err)
			}
			return data
		}, want: ErrBadSignature},
		"error/fragment-reference": {input: func(t *testing.T) []byte {
			return replaceOnce(t, valid, `<ds:Reference URI="">`, `<ds:Reference URI="#x">`)
		}, want: ErrBadSignature},
		"error/no-keyinfo": {input: func(t *testing.T) []byte {
			return regexp.MustCompile(`<ds:KeyInfo>.*</ds:KeyInfo>`).ReplaceAll(valid, nil)
		}, want: ErrBadSignature},

		// Signed, but not acceptable content.
		"error/attachment-digest": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				c := find(doc, "edXML/AttachmentEncoded/Attachment[2]/ContentTransferEncoded")
				c.SetText(base64.StdEncoding.EncodeToString(fakePDF("Phu luc X")))
			})
		}, want: ErrAttachmentDigest},
		"error/attachment-not-in-manifest": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				refs := find(doc, "edXML/edXMLEnvelope/edXMLBody/edXMLManifest")
				refs.RemoveChildAt(1)
			})
		}, want: ErrMalformed},
		"error/unknown-element": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				el(find(doc, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader"), "Secret").SetText("x")
			})
		}, want: ErrMalformed},
		"error/repeated-subject": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				leaf(find(doc, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader"), "Subject", "Về việc khác")
			})
		}, want: ErrMalformed},
		"error/bad-organ-id": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				find(doc, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganId").SetText("H56")
			})
		}, want: ErrOrganID},
		"error/bad-date": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				find(doc, "edXML/edXMLEnvelope/edXMLHeader/MessageHeader/PromulgationInfo/PromulgationDate").SetText("2026-03-05")
			})
		}, want: ErrInvalid},
		"error/bad-base64": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				find(doc, "edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded").SetText("not base64!")
			})
		}, want: ErrMalformed},
		"error/path-traversal-name": {input: func(t *testing.T) []byte {
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				find(doc, "edXML/AttachmentEncoded/Attachment[1]/AttachmentName").SetText("../x.pdf")
				find(doc, "edXML/edXMLEnvelope/edXMLBody/edXMLManifest/Reference[1]/AttachmentName").SetText("../x.pdf")
			})
		}, want: ErrInvalid},
		"ok/placeholder-and-wrapped-base64": {input: func(t *testing.T) []byte {
			// What other builders write: an empty edXML:DigitalSignature,
			// base64 wrapped at 76 columns, no kyso digest.
			return signEdited(t, p, sampleEnvelope(), func(doc *etree.Document) {
				el(find(doc, "edXML/edXMLEnvelope/edXMLHeader"), "DigitalSignature")
				c := find(doc, "edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded")
				c.SetText(wrap76(c.Text()))
				for _, d := range doc.FindElements("//Digest") {
					d.Parent().RemoveChild(d)
				}
			})
		}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			env, chain, err := Parse(tc.input(t), tc.opts...)
			wantErr(t, err, tc.want)
			if err == nil && (env == nil || len(chain) == 0) {
				t.Fatal("no error but no envelope or chain")
			}
			if err != nil && (env != nil || chain != nil) {
				t.Fatal("an error and a result")
			}
			if err != nil {
				t.Logf("%v", err)
			}
		})
	}
}

// evilEnvelope returns an edXMLEnvelope element, as text, taken from data
// with the subject changed: what an attacker would want read.
func evilEnvelope(t *testing.T, data []byte) string {
	t.Helper()
	start := bytes.Index(data, []byte("<edXML:edXMLEnvelope"))
	end := bytes.Index(data, []byte("</edXML:edXMLEnvelope>"))
	if start < 0 || end < 0 {
		t.Fatal("test setup: no edXMLEnvelope")
	}
	env := string(data[start : end+len("</edXML:edXMLEnvelope>")])
	env = sigRE.ReplaceAllString(env, "")
	return strings.Replace(env, "Về việc triển khai chữ ký số", "Về việc chuyển kinh phí", 1)
}

func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76])
		b.WriteString("\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

// The manifest digest is what a stored file is checked against later: it
// must be the SHA-256 of the content, and Parse must return it.
func TestParseReturnsDigests(t *testing.T) {
	p := pkiFor(t, "rsa2048")
	env := sampleEnvelope()
	data := mustBuild(t, p, env)
	got, _, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range got.Attachments {
		want := env.Attachments[i].SHA256
		if a.SHA256 != want {
			t.Errorf("attachment %d: SHA256 %x, want %x", i, a.SHA256, want)
		}
		b64 := base64.StdEncoding.EncodeToString(want[:])
		if !bytes.Contains(data, []byte(`Algorithm="http://www.w3.org/2001/04/xmlenc#sha256">`+b64+`</kyso:Digest>`)) {
			t.Errorf("attachment %d: the manifest does not record its digest", i)
		}
	}
}
