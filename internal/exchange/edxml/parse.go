package edxml

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"
)

// MaxSize is the default limit on the size of a package Parse and
// ParseStatus accept: 64 MiB, room for a few scanned documents in base64.
// The exchange axis has its own limit; a receiver that knows it can lower
// this one with WithMaxSize.
const MaxSize = 64 << 20

// Structural limits on untrusted input. A real package nests 9 deep and has
// a few hundred elements; the limits leave ample room and keep the
// recursive canonicaliser and the element copies of verification bounded.
const (
	maxDepth    = 32
	maxElements = 100_000
	maxCerts    = 10
)

// ParseOption adjusts Parse and ParseStatus.
type ParseOption func(*parseConfig)

type parseConfig struct{ maxSize int64 }

// WithMaxSize sets the size limit in bytes (default MaxSize). Zero or a
// negative value keeps the default.
func WithMaxSize(n int64) ParseOption {
	return func(c *parseConfig) {
		if n > 0 {
			c.maxSize = n
		}
	}
}

func newParseConfig(opts []ParseOption) *parseConfig {
	c := &parseConfig{maxSize: MaxSize}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// Parse reads a document package from untrusted bytes, in this order:
//
//  1. the size limit, UTF-8, and a refusal of any DTD or markup declaration,
//     on the raw bytes before an XML parser sees them (ErrTooLarge, ErrDTD,
//     ErrMalformed);
//  2. XML parsing with bounded depth and element count; the root must be
//     {edXML namespace}edXML (ErrMalformed);
//  3. exactly one XML-DSig Signature (ErrUnsigned), with algorithms kyso
//     accepts and a single Reference to the whole document, verified with
//     goxmldsig against the first certificate of its KeyInfo/X509Data
//     (ErrBadSignature);
//  4. decoding of the element goxmldsig's Validate returns, never of the
//     input: that element is rebuilt from the verified canonical bytes, so
//     nothing outside the signature can reach the Envelope (the defence
//     against signature wrapping); then the attachments' digests
//     (ErrAttachmentDigest) and Validate (ErrInvalid).
//
// It returns the Envelope and the certificates of KeyInfo, the signer's
// first and then the others as the sender listed them. Parse makes no trust
// decision: the signature is only known to match that certificate. The
// caller must validate the chain (issuer, validity at the time it trusts,
// revocation, key usage) with its own path validator, and check that the
// certificate belongs to Header.From.
func Parse(data []byte, opts ...ParseOption) (*Envelope, []*x509.Certificate, error) {
	verified, chain, err := verify(data, newParseConfig(opts), documentKind)
	if err != nil {
		return nil, nil, err
	}
	env, err := decodeEnvelope(verified)
	if err != nil {
		return nil, nil, err
	}
	if err := env.Validate(); err != nil {
		return nil, nil, err
	}
	return env, chain, nil
}

// ParseStatus reads a signed status message as Parse reads a document
// package; the root must be {SOAP 1.1}Envelope holding edXML:Status.
func ParseStatus(data []byte, opts ...ParseOption) (*Status, []*x509.Certificate, error) {
	verified, chain, err := verify(data, newParseConfig(opts), statusKind)
	if err != nil {
		return nil, nil, err
	}
	st, err := decodeStatus(verified)
	if err != nil {
		return nil, nil, err
	}
	if err := st.Validate(); err != nil {
		return nil, nil, err
	}
	return st, chain, nil
}

// kind describes one of the two messages: its root and where its signature
// must be.
type kind struct {
	name      string
	rootNS    string
	rootTag   string
	otherHint string // what to say when the root is the other kind's
	// sigParent reports whether sig sits where Build puts it.
	sigParent func(root, sig *etree.Element) bool
	where     string
}

var documentKind = &kind{
	name: "document package", rootNS: Namespace, rootTag: "edXML",
	otherHint: "this is a status message; use ParseStatus",
	sigParent: func(root, sig *etree.Element) bool {
		hdr := sig.Parent()
		if hdr == nil || !is(hdr, Namespace, "edXMLHeader") {
			return false
		}
		env := hdr.Parent()
		return env != nil && is(env, Namespace, "edXMLEnvelope") && env.Parent() == root
	},
	where: "edXMLEnvelope/edXMLHeader",
}

var statusKind = &kind{
	name: "status message", rootNS: nsSOAP, rootTag: "Envelope",
	otherHint: "this is a document package; use Parse",
	sigParent: func(root, sig *etree.Element) bool {
		hdr := sig.Parent()
		return hdr != nil && is(hdr, nsSOAP, "Header") && hdr.Parent() == root
	},
	where: "SOAP-ENV:Header",
}

// verify runs steps 1 to 3 of Parse and returns the verified root.
func verify(data []byte, cfg *parseConfig, k *kind) (*etree.Element, []*x509.Certificate, error) {
	data, err := prescan(data, cfg.maxSize)
	if err != nil {
		return nil, nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings = etree.ReadSettings{MaxDepth: maxDepth, PreserveDuplicateAttrs: true}
	if err := doc.ReadFromBytes(data); err != nil {
		if errors.Is(err, etree.ErrMaxDepth) {
			return nil, nil, fmt.Errorf("%w: elements nested deeper than %d", ErrMalformed, maxDepth)
		}
		return nil, nil, fmt.Errorf("%w: not well-formed XML: %v", ErrMalformed, err)
	}
	root, err := checkTopLevel(doc)
	if err != nil {
		return nil, nil, err
	}
	if !is(root, k.rootNS, k.rootTag) {
		other := statusKind
		if k == statusKind {
			other = documentKind
		}
		if is(root, other.rootNS, other.rootTag) {
			return nil, nil, fmt.Errorf("%w: root element is %s, want {%s}%s: %s", ErrMalformed, qname(root), k.rootNS, k.rootTag, k.otherHint)
		}
		return nil, nil, fmt.Errorf("%w: root element is %s, want {%s}%s (an edXML %s)", ErrMalformed, qname(root), k.rootNS, k.rootTag, k.name)
	}
	sig, err := scanTree(root)
	if err != nil {
		return nil, nil, err
	}
	chain, err := checkSignatureShape(sig)
	if err != nil {
		return nil, nil, err
	}
	if pub, ok := chain[0].PublicKey.(*ecdsa.PublicKey); ok {
		if err := ecdsaValueToDER(sig, curveBytes(pub.Curve)); err != nil {
			return nil, nil, err
		}
	}

	// Trust is not decided here: the store holds exactly the certificate
	// from KeyInfo, so goxmldsig checks the signature against it and
	// nothing else, and its clock is set inside that certificate's
	// validity so that an expired certificate is reported by the caller's
	// path validation, with its own time, rather than by this package.
	vc := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: chain[:1]})
	vc.Clock = dsig.NewFakeClockAt(chain[0].NotBefore)
	verified, err := vc.Validate(root)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s", ErrBadSignature, explainValidate(err, chain[0]))
	}
	if verified == nil || !is(verified, k.rootNS, k.rootTag) {
		return nil, nil, fmt.Errorf("%w: verification returned no %s", ErrBadSignature, k.name)
	}
	// The signature covers everything but itself, so its position is the
	// one thing a third party could change; Build puts it in one place.
	if !k.sigParent(root, sig) {
		return nil, nil, fmt.Errorf("%w: the Signature is at %s, want it in %s", ErrMalformed, sig.GetPath(), k.where)
	}
	return verified, chain, nil
}

// explainValidate turns goxmldsig's terse errors into what happened. The
// texts matched are those of goxmldsig v1.6.1; anything else is passed on
// as it is.
func explainValidate(err error, cert *x509.Certificate) string {
	msg := err.Error()
	switch {
	case msg == "Signature could not be verified":
		return "the document was changed after signing: its digest no longer matches the signed one"
	case errors.Is(err, rsa.ErrVerification), msg == "x509: ECDSA verification failure":
		return fmt.Sprintf("the signature value does not verify with the key of the certificate in KeyInfo (%s): signed with another key, or SignedInfo changed", cert.Subject.CommonName)
	}
	return "goxmldsig: " + msg
}

var (
	bomUTF8   = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16s = [][]byte{{0xFE, 0xFF}, {0xFF, 0xFE}}
)

// prescan checks the raw bytes before any XML parser runs: size, encoding,
// and no markup declaration. It returns data without a UTF-8 byte order
// mark, which .NET writers put in front and Go's XML decoder refuses.
func prescan(data []byte, maxSize int64) ([]byte, error) {
	if int64(len(data)) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(data), maxSize)
	}
	data = bytes.TrimPrefix(data, bomUTF8)
	for _, bom := range bomUTF16s {
		if bytes.HasPrefix(data, bom) {
			return nil, fmt.Errorf("%w: UTF-16 text; edXML packages are UTF-8", ErrMalformed)
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: empty input", ErrMalformed)
	}
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrMalformed, off)
	}
	if err := checkDeclaration(data); err != nil {
		return nil, err
	}
	// Any "<!" that does not open a comment or a CDATA section is a markup
	// declaration: <!DOCTYPE, <!ENTITY, <!ELEMENT, <!ATTLIST, <!NOTATION.
	// '<' cannot occur unescaped in text or attribute values, so outside
	// comments and CDATA (skipped whole) every "<!" is markup.
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte("<!"))
		if j < 0 {
			return data, nil
		}
		i += j
		rest := data[i+2:]
		switch {
		case bytes.HasPrefix(rest, []byte("--")):
			end := bytes.Index(rest[2:], []byte("-->"))
			if end < 0 {
				return nil, fmt.Errorf("%w: comment at byte %d never ends", ErrMalformed, i)
			}
			i += 2 + 2 + end + 3
		case bytes.HasPrefix(rest, []byte("[CDATA[")):
			end := bytes.Index(rest, []byte("]]>"))
			if end < 0 {
				return nil, fmt.Errorf("%w: CDATA section at byte %d never ends", ErrMalformed, i)
			}
			i += 2 + end + 3
		default:
			what := "a markup declaration"
			switch {
			case bytes.HasPrefix(rest, []byte("DOCTYPE")):
				what = "a document type declaration (<!DOCTYPE)"
			case bytes.HasPrefix(rest, []byte("ENTITY")):
				what = "an entity declaration (<!ENTITY)"
			}
			return nil, fmt.Errorf("%w: %s at byte %d", ErrDTD, what, i)
		}
	}
}

// checkDeclaration refuses an XML declaration that names another version
// than 1.0 or another encoding than UTF-8: the bytes were checked as UTF-8,
// and the parser would not convert them.
func checkDeclaration(data []byte) error {
	if !bytes.HasPrefix(data, []byte("<?xml")) || len(data) < 6 || !isXMLSpace(data[5]) {
		return nil
	}
	end := bytes.Index(data, []byte("?>"))
	if end < 0 {
		return fmt.Errorf("%w: the XML declaration never ends", ErrMalformed)
	}
	decl := string(data[5:end])
	if v, ok := pseudoAttr(decl, "version"); ok && v != "1.0" {
		return fmt.Errorf("%w: XML version %q; edXML is XML 1.0", ErrMalformed, v)
	}
	if enc, ok := pseudoAttr(decl, "encoding"); ok && !strings.EqualFold(enc, "UTF-8") && !strings.EqualFold(enc, "UTF8") {
		return fmt.Errorf("%w: declared encoding %q; edXML packages are UTF-8", ErrMalformed, enc)
	}
	return nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// pseudoAttr finds name="value" (or 'value') in an XML declaration.
func pseudoAttr(decl, name string) (string, bool) {
	i := strings.Index(decl, name)
	if i < 0 {
		return "", false
	}
	rest := strings.TrimLeft(decl[i+len(name):], " \t\r\n")
	if !strings.HasPrefix(rest, "=") {
		return "", false
	}
	rest = strings.TrimLeft(rest[1:], " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return "", false
	}
	q := rest[0]
	end := strings.IndexByte(rest[1:], q)
	if end < 0 {
		return "", false
	}
	return rest[1 : 1+end], true
}

// checkTopLevel allows, around the single root element, only white space,
// comments and the XML declaration.
func checkTopLevel(doc *etree.Document) (*etree.Element, error) {
	var root *etree.Element
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			if root != nil {
				return nil, fmt.Errorf("%w: a second root element %s after %s", ErrMalformed, qname(t), qname(root))
			}
			root = t
		case *etree.CharData:
			if strings.TrimSpace(t.Data) != "" {
				if root == nil {
					return nil, fmt.Errorf("%w: not XML: the text %q where the root element should start", ErrMalformed, abbreviate(t.Data))
				}
				return nil, fmt.Errorf("%w: text after the root element", ErrMalformed)
			}
		case *etree.Directive:
			return nil, fmt.Errorf("%w: a <!%s> directive", ErrDTD, abbreviate(t.Data))
		case *etree.ProcInst:
			if t.Target != "xml" || t.Index() != 0 {
				return nil, fmt.Errorf("%w: processing instruction <?%s?> outside the root element", ErrMalformed, t.Target)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", ErrMalformed)
	}
	return root, nil
}

// scanTree walks the whole tree once (iteratively: depth is bounded, but
// the count of elements is not until checked here): it bounds the number of
// elements, refuses duplicate attributes (a well-formedness error that
// encoding/xml lets through, and a way to make two parsers disagree), and
// finds the one XML-DSig Signature.
func scanTree(root *etree.Element) (*etree.Element, error) {
	var sigs []*etree.Element
	stack := []*etree.Element{root}
	n := 0
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n++; n > maxElements {
			return nil, fmt.Errorf("%w: more than %d elements", ErrMalformed, maxElements)
		}
		if len(e.Attr) > 1 {
			// Two attributes with one local name, even in different
			// namespaces (URI and x:URI), are refused: parsers differ in
			// which one they read.
			seen := make(map[string]bool, len(e.Attr))
			for _, a := range e.Attr {
				k := a.Key
				if a.Space == "xmlns" {
					k = "xmlns:" + a.Key
				}
				if seen[k] {
					return nil, fmt.Errorf("%w: %s has two attributes named %s", ErrMalformed, e.GetPath(), a.Key)
				}
				seen[k] = true
			}
		}
		for _, t := range e.Child {
			switch t := t.(type) {
			case *etree.Element:
				stack = append(stack, t)
			case *etree.Directive:
				return nil, fmt.Errorf("%w: a <!%s> directive inside %s", ErrDTD, abbreviate(t.Data), e.GetPath())
			}
		}
		// Every element named Signature outside the edXML namespace counts,
		// whatever namespace it resolves to here: goxmldsig resolves
		// prefixes itself, and it must not find one that this check missed.
		if e.Tag == dsig.SignatureTag && e.NamespaceURI() != Namespace {
			sigs = append(sigs, e)
		}
	}
	switch {
	case len(sigs) == 0:
		return nil, fmt.Errorf("%w: no XML-DSig Signature element", ErrUnsigned)
	case len(sigs) > 1:
		return nil, fmt.Errorf("%w: %d Signature elements; a package carries exactly one", ErrMalformed, len(sigs))
	case sigs[0].NamespaceURI() != dsig.Namespace:
		return nil, fmt.Errorf("%w: a Signature element in the namespace %q, not XML-DSig's", ErrUnsigned, sigs[0].NamespaceURI())
	}
	return sigs[0], nil
}

// Algorithms accepted in a signature. SHA-1 is refused (collisions are
// practical; Vietnamese public CAs moved to SHA-256). Canonicalisation may
// be exclusive (what Build writes) or inclusive 1.0/1.1 (what .NET's
// SignedXml writes by default), without comments.
var (
	acceptedC14N = map[string]bool{
		string(dsig.CanonicalXML10ExclusiveAlgorithmId): true,
		string(dsig.CanonicalXML10RecAlgorithmId):       true,
		string(dsig.CanonicalXML11AlgorithmId):          true,
	}
	acceptedSignatureMethods = map[string]bool{
		dsig.RSASHA256SignatureMethod:   true,
		dsig.RSASHA384SignatureMethod:   true,
		dsig.RSASHA512SignatureMethod:   true,
		dsig.ECDSASHA256SignatureMethod: true,
		dsig.ECDSASHA384SignatureMethod: true,
		dsig.ECDSASHA512SignatureMethod: true,
	}
	acceptedDigests = map[string]bool{
		"http://www.w3.org/2001/04/xmlenc#sha256":       true,
		"http://www.w3.org/2001/04/xmldsig-more#sha384": true,
		"http://www.w3.org/2001/04/xmlenc#sha512":       true,
	}
)

// dsigChildren returns the XML-DSig child elements of e, refusing any
// element child in another namespace.
func dsigChildren(e *etree.Element) ([]*etree.Element, error) {
	var out []*etree.Element
	for _, c := range e.ChildElements() {
		if c.NamespaceURI() != dsig.Namespace {
			return nil, fmt.Errorf("%w: unexpected element %s in %s", ErrBadSignature, qname(c), e.Tag)
		}
		out = append(out, c)
	}
	return out, nil
}

// one returns the single child tag of els, or an error naming where.
func one(els []*etree.Element, tag, where string, optional bool) (*etree.Element, error) {
	var found *etree.Element
	for _, e := range els {
		if e.Tag != tag {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("%w: %s has more than one %s", ErrBadSignature, where, tag)
		}
		found = e
	}
	if found == nil && !optional {
		return nil, fmt.Errorf("%w: %s has no %s", ErrBadSignature, where, tag)
	}
	return found, nil
}

// checkSignatureShape checks the Signature against kyso's policy before
// goxmldsig sees it, and returns the certificates of KeyInfo/X509Data.
// goxmldsig verifies what it is given; this decides what is acceptable to
// verify: one Reference to the whole document, an enveloped signature, no
// SHA-1, no Object (content a wrapping attack could hide in), a
// certificate to verify with.
func checkSignatureShape(sig *etree.Element) ([]*x509.Certificate, error) {
	kids, err := dsigChildren(sig)
	if err != nil {
		return nil, err
	}
	for _, k := range kids {
		switch k.Tag {
		case "SignedInfo", "SignatureValue", "KeyInfo":
		default:
			return nil, fmt.Errorf("%w: Signature contains ds:%s; only SignedInfo, SignatureValue and KeyInfo are accepted", ErrBadSignature, k.Tag)
		}
	}
	si, err := one(kids, "SignedInfo", "Signature", false)
	if err != nil {
		return nil, err
	}
	if _, err := one(kids, "SignatureValue", "Signature", false); err != nil {
		return nil, err
	}
	ki, err := one(kids, "KeyInfo", "Signature", true)
	if err != nil {
		return nil, err
	}
	if ki == nil {
		return nil, fmt.Errorf("%w: no KeyInfo: the signer's certificate must travel in KeyInfo/X509Data", ErrBadSignature)
	}

	siKids, err := dsigChildren(si)
	if err != nil {
		return nil, err
	}
	cm, err := one(siKids, "CanonicalizationMethod", "SignedInfo", false)
	if err != nil {
		return nil, err
	}
	if alg, _ := plainAttr(cm, "Algorithm"); !acceptedC14N[alg] {
		return nil, fmt.Errorf("%w: canonicalization method %q is not accepted", ErrBadSignature, alg)
	}
	sm, err := one(siKids, "SignatureMethod", "SignedInfo", false)
	if err != nil {
		return nil, err
	}
	if alg, _ := plainAttr(sm, "Algorithm"); !acceptedSignatureMethods[alg] {
		return nil, fmt.Errorf("%w: signature method %q is not accepted (RSA or ECDSA with SHA-256 or stronger)", ErrBadSignature, alg)
	}
	refs := 0
	var ref *etree.Element
	for _, k := range siKids {
		if k.Tag == "Reference" {
			refs++
			ref = k
		}
	}
	if refs != 1 {
		return nil, fmt.Errorf("%w: SignedInfo has %d References, want exactly one to the whole document", ErrBadSignature, refs)
	}
	if uri, ok := plainAttr(ref, "URI"); !ok || uri != "" {
		return nil, fmt.Errorf("%w: the Reference must have URI=\"\" (the whole document), not a fragment", ErrBadSignature)
	}
	refKids, err := dsigChildren(ref)
	if err != nil {
		return nil, err
	}
	tr, err := one(refKids, "Transforms", "Reference", false)
	if err != nil {
		return nil, err
	}
	var algs []string
	for _, t := range tr.ChildElements() {
		if t.Tag != "Transform" || t.NamespaceURI() != dsig.Namespace {
			return nil, fmt.Errorf("%w: unexpected element %s in Transforms", ErrBadSignature, qname(t))
		}
		alg, _ := plainAttr(t, "Algorithm")
		algs = append(algs, alg)
	}
	if len(algs) != 2 || algs[0] != string(dsig.EnvelopedSignatureAltorithmId) || !acceptedC14N[algs[1]] {
		return nil, fmt.Errorf("%w: transforms %q, want the enveloped-signature transform then a canonicalization", ErrBadSignature, algs)
	}
	dm, err := one(refKids, "DigestMethod", "Reference", false)
	if err != nil {
		return nil, err
	}
	if alg, _ := plainAttr(dm, "Algorithm"); !acceptedDigests[alg] {
		return nil, fmt.Errorf("%w: digest method %q is not accepted (SHA-256 or stronger)", ErrBadSignature, alg)
	}

	kiKids, err := dsigChildren(ki)
	if err != nil {
		return nil, err
	}
	xd, err := one(kiKids, "X509Data", "KeyInfo", false)
	if err != nil {
		return nil, err
	}
	var chain []*x509.Certificate
	for _, c := range xd.ChildElements() {
		if c.NamespaceURI() != dsig.Namespace || c.Tag != "X509Certificate" {
			continue // X509IssuerSerial, X509SubjectName: informative only
		}
		if len(chain) == maxCerts {
			return nil, fmt.Errorf("%w: more than %d certificates in X509Data", ErrBadSignature, maxCerts)
		}
		der, err := base64.StdEncoding.DecodeString(stripSpace(c.Text()))
		if err != nil {
			return nil, fmt.Errorf("%w: X509Certificate %d is not base64", ErrBadSignature, len(chain)+1)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%w: X509Certificate %d: %v", ErrBadSignature, len(chain)+1, err)
		}
		chain = append(chain, cert)
	}
	if len(chain) == 0 {
		return nil, fmt.Errorf("%w: no X509Certificate in KeyInfo/X509Data", ErrBadSignature)
	}
	return chain, nil
}

// ecdsaValueToDER rewrites an ECDSA SignatureValue from the r||s of XML-DSig
// to the DER that goxmldsig's verification expects. The tree is the
// untrusted copy, which is not decoded afterwards; SignatureValue is outside
// SignedInfo, so the rewrite changes nothing that was signed.
func ecdsaValueToDER(sig *etree.Element, size int) error {
	var sv *etree.Element
	for _, c := range sig.ChildElements() {
		if c.Tag == "SignatureValue" {
			sv = c
		}
	}
	raw, err := base64.StdEncoding.DecodeString(stripSpace(sv.Text()))
	if err != nil {
		return fmt.Errorf("%w: SignatureValue is not base64", ErrBadSignature)
	}
	if len(raw) != 2*size {
		return fmt.Errorf("%w: the ECDSA SignatureValue has %d bytes; XML-DSig writes r||s, %d bytes for this curve (RFC 4051 §3.3.1)", ErrBadSignature, len(raw), 2*size)
	}
	der, err := ecdsaRawToDER(raw)
	if err != nil {
		return fmt.Errorf("%w: SignatureValue: %v", ErrBadSignature, err)
	}
	sv.SetText(base64.StdEncoding.EncodeToString(der))
	return nil
}
