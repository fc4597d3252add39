package edxml

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// The decoder reads the element that signature verification returned. It is
// strict: every element must be one it knows, in the namespace it belongs
// to, singletons at most once, containers without stray text. Unknown
// elements are refused rather than skipped, because a field kyso does not
// show the văn thư is a field the sender signed and nobody read. Element
// order is not checked: the standard's schema was not found, and order
// carries no meaning here.

// node is an element with its path from the root, for error messages.
type node struct {
	el   *etree.Element
	path string
}

func (n node) child(c *etree.Element) node {
	return node{c, n.path + "/" + c.Tag}
}

func malformed(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrMalformed, path, fmt.Sprintf(format, args...))
}

func invalid(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, path, fmt.Sprintf(format, args...))
}

// is reports whether e is the element {ns}tag.
func is(e *etree.Element, ns, tag string) bool {
	return e.Tag == tag && e.NamespaceURI() == ns
}

// qname names an element for an error message.
func qname(e *etree.Element) string {
	ns := e.NamespaceURI()
	if ns == "" {
		return e.FullTag() + " (no namespace)"
	}
	return "{" + ns + "}" + e.Tag
}

// children calls fn for each child element of a container after checking
// that the container holds no text. seen guards singletons: fn calls
// once(tag) for each element that may appear only once.
func (n node) children(fn func(c node, once func() error) error) error {
	seen := map[string]bool{}
	for _, t := range n.el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			if strings.TrimSpace(t.Data) != "" {
				return malformed(n.path, "unexpected text %q", abbreviate(t.Data))
			}
		case *etree.Element:
			c := n.child(t)
			once := func() error {
				if seen[t.Tag] {
					return malformed(c.path, "repeated")
				}
				seen[t.Tag] = true
				return nil
			}
			if err := fn(c, once); err != nil {
				return err
			}
		}
	}
	return nil
}

// unexpected is the error for an element a container does not allow.
func (n node) unexpected() error {
	return malformed(n.path, "unexpected element %s", qname(n.el))
}

// text returns the character data of a leaf element, untouched.
func (n node) text() (string, error) {
	var b strings.Builder
	for _, t := range n.el.Child {
		switch t := t.(type) {
		case *etree.CharData:
			b.WriteString(t.Data)
		case *etree.Element:
			return "", malformed(n.path, "element %s inside a text field", qname(t))
		}
	}
	return b.String(), nil
}

// token returns a leaf's text trimmed, for identifiers, codes, numbers and
// dates, where surrounding white space means nothing.
func (n node) token() (string, error) {
	s, err := n.text()
	return strings.TrimSpace(s), err
}

func (n node) count() (int, error) {
	s, err := n.token()
	if err != nil {
		return 0, err
	}
	v, err := parseCount(s)
	if err != nil {
		return 0, invalid(n.path, "%v", err)
	}
	return v, nil
}

func (n node) date() (Date, error) {
	s, err := n.token()
	if err != nil || s == "" {
		return Date{}, err
	}
	d, err := parseDate(s)
	if err != nil {
		return Date{}, invalid(n.path, "%v", err)
	}
	return d, nil
}

// plainAttr returns the value of the unprefixed attribute key. etree's
// SelectAttr would also match a prefixed one (x:key), and which of two
// matches it returns is not what another parser would pick.
func plainAttr(e *etree.Element, key string) (string, bool) {
	for _, a := range e.Attr {
		if a.Space == "" && a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// edxml checks that a child is in the edXML namespace and returns its tag,
// or "" for anything else.
func (n node) edxml() string {
	if n.el.NamespaceURI() != Namespace {
		return ""
	}
	return n.el.Tag
}

func abbreviate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// strField decodes a singleton text leaf into p.
func strField(c node, once func() error, p *string, trim bool) error {
	if err := once(); err != nil {
		return err
	}
	var err error
	if trim {
		*p, err = c.token()
	} else {
		*p, err = c.text()
	}
	return err
}

func intField(c node, once func() error, p *int) error {
	if err := once(); err != nil {
		return err
	}
	var err error
	*p, err = c.count()
	return err
}

func dateField(c node, once func() error, p *Date) error {
	if err := once(); err != nil {
		return err
	}
	var err error
	*p, err = c.date()
	return err
}

func decodeOrgan(n node) (Organ, error) {
	var o Organ
	err := n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "OrganId":
			return strField(c, once, &o.OrganID, true)
		case "OrganizationInCharge":
			return strField(c, once, &o.OrganizationInCharge, false)
		case "OrganName":
			return strField(c, once, &o.OrganName, false)
		case "OrganAdd":
			return strField(c, once, &o.OrganAdd, false)
		case "Email":
			return strField(c, once, &o.Email, true)
		case "Telephone":
			return strField(c, once, &o.Telephone, true)
		case "Fax":
			return strField(c, once, &o.Fax, true)
		case "Website":
			return strField(c, once, &o.Website, true)
		}
		return c.unexpected()
	})
	return o, err
}

func decodeResponseFor(n node) (ResponseFor, error) {
	var r ResponseFor
	err := n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "OrganId":
			return strField(c, once, &r.OrganID, true)
		case "Code":
			return strField(c, once, &r.Code, true)
		case "PromulgationDate":
			return dateField(c, once, &r.PromulgationDate)
		case "DocumentId":
			return strField(c, once, &r.DocumentID, true)
		}
		return c.unexpected()
	})
	return r, err
}

func decodeStaff(n node) (StaffInfo, error) {
	var s StaffInfo
	err := n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "Department":
			return strField(c, once, &s.Department, false)
		case "Staff":
			return strField(c, once, &s.Staff, false)
		case "Mobile":
			return strField(c, once, &s.Mobile, true)
		case "Email":
			return strField(c, once, &s.Email, true)
		}
		return c.unexpected()
	})
	return s, err
}

// list decodes a container of repeated edXML:item leaves.
func list(n node, item string, trim bool) ([]string, error) {
	var out []string
	err := n.children(func(c node, _ func() error) error {
		if c.edxml() != item {
			return c.unexpected()
		}
		var s string
		var err error
		if trim {
			s, err = c.token()
		} else {
			s, err = c.text()
		}
		out = append(out, s)
		return err
	})
	return out, err
}

func decodeMessageHeader(n node) (MessageHeader, error) {
	var h MessageHeader
	err := n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "From":
			if err := once(); err != nil {
				return err
			}
			var err error
			h.From, err = decodeOrgan(c)
			return err
		case "To":
			o, err := decodeOrgan(c)
			h.To = append(h.To, o)
			return err
		case "Code":
			if err := once(); err != nil {
				return err
			}
			return c.children(func(cc node, once func() error) error {
				switch cc.edxml() {
				case "CodeNumber":
					return strField(cc, once, &h.Code.Number, true)
				case "CodeNotation":
					return strField(cc, once, &h.Code.Notation, true)
				}
				return cc.unexpected()
			})
		case "PromulgationInfo":
			if err := once(); err != nil {
				return err
			}
			return c.children(func(cc node, once func() error) error {
				switch cc.edxml() {
				case "Place":
					return strField(cc, once, &h.Promulgation.Place, false)
				case "PromulgationDate":
					return dateField(cc, once, &h.Promulgation.Date)
				}
				return cc.unexpected()
			})
		case "DocumentType":
			if err := once(); err != nil {
				return err
			}
			return c.children(func(cc node, once func() error) error {
				switch cc.edxml() {
				case "Type":
					return intField(cc, once, &h.DocumentType.Type)
				case "TypeName":
					return strField(cc, once, &h.DocumentType.TypeName, false)
				case "TypeDetail":
					return intField(cc, once, &h.DocumentType.TypeDetail)
				}
				return cc.unexpected()
			})
		case "Subject":
			return strField(c, once, &h.Subject, false)
		case "Content":
			return strField(c, once, &h.Content, false)
		case "SignerInfo":
			if err := once(); err != nil {
				return err
			}
			return c.children(func(cc node, once func() error) error {
				switch cc.edxml() {
				case "Competence":
					return strField(cc, once, &h.Signer.Competence, false)
				case "Position":
					return strField(cc, once, &h.Signer.Position, false)
				case "FullName":
					return strField(cc, once, &h.Signer.FullName, false)
				}
				return cc.unexpected()
			})
		case "DueDate":
			return dateField(c, once, &h.DueDate)
		case "ToPlaces":
			if err := once(); err != nil {
				return err
			}
			var err error
			h.ToPlaces, err = list(c, "Place", false)
			return err
		case "OtherInfo":
			if err := once(); err != nil {
				return err
			}
			return decodeOtherInfo(c, &h.Other)
		case "ResponseFor":
			r, err := decodeResponseFor(c)
			h.ResponseFor = append(h.ResponseFor, r)
			return err
		case "SteeringType":
			return intField(c, once, &h.SteeringType)
		case "DocumentId":
			return strField(c, once, &h.DocumentID, true)
		}
		return c.unexpected()
	})
	return h, err
}

func decodeOtherInfo(n node, o *OtherInfo) error {
	return n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "Priority":
			return intField(c, once, &o.Priority)
		case "SphereOfPromulgation":
			return strField(c, once, &o.SphereOfPromulgation, false)
		case "TyperNotation":
			return strField(c, once, &o.TyperNotation, false)
		case "PromulgationAmount":
			return intField(c, once, &o.PromulgationAmount)
		case "PageAmount":
			return intField(c, once, &o.PageAmount)
		case "Appendixes":
			if err := once(); err != nil {
				return err
			}
			var err error
			o.Appendixes, err = list(c, "Appendix", false)
			return err
		}
		// SteeringType belongs to MessageHeader in the SDK layout, not
		// here; finding it here is reported like any unknown element.
		return c.unexpected()
	})
}

// decodeTrace reads TraceHeaderList; its id attribute is the MessageID.
func decodeTrace(n node) (string, TraceHeaderList, error) {
	var tl TraceHeaderList
	id, _ := plainAttr(n.el, "id")
	id = strings.TrimSpace(id)
	err := n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "TraceHeader":
			var th TraceHeader
			err := c.children(func(cc node, once func() error) error {
				switch cc.edxml() {
				case "OrganId":
					return strField(cc, once, &th.OrganID, true)
				case "Timestamp":
					if err := once(); err != nil {
						return err
					}
					s, err := cc.token()
					if err != nil {
						return err
					}
					if th.Timestamp, err = parseTimestamp(s); err != nil {
						return invalid(cc.path, "%v", err)
					}
					return nil
				}
				return cc.unexpected()
			})
			tl.Headers = append(tl.Headers, th)
			return err
		case "Bussiness":
			if err := once(); err != nil {
				return err
			}
			return decodeBusiness(c, &tl.Business)
		}
		return c.unexpected()
	})
	return id, tl, err
}

func decodeBusiness(n node, b *Business) error {
	return n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "BussinessDocType":
			var v int
			err := intField(c, once, &v)
			b.DocType = BusinessDocType(v)
			return err
		case "BussinessDocReason":
			return strField(c, once, &b.DocReason, false)
		case "BussinessDocumentInfo":
			if err := once(); err != nil {
				return err
			}
			di := &BusinessDocumentInfo{}
			b.DocumentInfo = di
			return c.children(func(cc node, once func() error) error {
				switch cc.edxml() {
				case "DocumentInfo":
					return strField(cc, once, &di.DocumentInfo, true)
				case "DocumentReceiver":
					return strField(cc, once, &di.DocumentReceiver, true)
				case "ReceiverList":
					if err := once(); err != nil {
						return err
					}
					return cc.children(func(r node, _ func() error) error {
						if r.edxml() != "Receiver" {
							return r.unexpected()
						}
						var rc Receiver
						err := r.children(func(f node, once func() error) error {
							switch f.edxml() {
							case "ReceiverType":
								return intField(f, once, &rc.ReceiverType)
							case "OrganId":
								return strField(f, once, &rc.OrganID, true)
							}
							return f.unexpected()
						})
						di.Receivers = append(di.Receivers, rc)
						return err
					})
				}
				return cc.unexpected()
			})
		case "ReplacementInfoList":
			if err := once(); err != nil {
				return err
			}
			return c.children(func(r node, _ func() error) error {
				if r.edxml() != "ReplacementInfo" {
					return r.unexpected()
				}
				var ri ReplacementInfo
				err := r.children(func(f node, once func() error) error {
					switch f.edxml() {
					case "DocumentId":
						return strField(f, once, &ri.DocumentID, true)
					case "OrganIdList":
						if err := once(); err != nil {
							return err
						}
						var err error
						ri.OrganIDs, err = list(f, "OrganId", true)
						return err
					}
					return f.unexpected()
				})
				b.Replacements = append(b.Replacements, ri)
				return err
			})
		case "StaffInfo":
			if err := once(); err != nil {
				return err
			}
			var err error
			b.Staff, err = decodeStaff(c)
			return err
		case "Paper":
			return intField(c, once, &b.Paper)
		}
		return c.unexpected()
	})
}

// manifestRef is one edXMLManifest/Reference before it is joined with its
// encoded content.
type manifestRef struct {
	path        string
	contentID   string
	name        string
	contentType string
	description string
	digest      []byte // nil when the sender recorded none
}

func decodeManifest(n node) ([]manifestRef, error) {
	var refs []manifestRef
	err := n.children(func(c node, _ func() error) error {
		if c.edxml() != "Reference" {
			return c.unexpected()
		}
		r := manifestRef{path: c.path}
		var contentID string
		err := c.children(func(f node, once func() error) error {
			if is(f.el, NamespaceKyso, "Digest") {
				if err := once(); err != nil {
					return err
				}
				if alg, _ := plainAttr(f.el, "Algorithm"); alg != digestSHA256 {
					return malformed(f.path, "digest algorithm %q, want %s", alg, digestSHA256)
				}
				s, err := f.token()
				if err != nil {
					return err
				}
				d, err := base64.StdEncoding.DecodeString(s)
				if err != nil || len(d) != sha256.Size {
					return malformed(f.path, "not a base64 SHA-256 digest")
				}
				r.digest = d
				return nil
			}
			switch f.edxml() {
			case "Description":
				return strField(f, once, &r.description, false)
			case "AttachmentName":
				return strField(f, once, &r.name, true)
			case "ContentType":
				return strField(f, once, &r.contentType, true)
			case "ContentId":
				return strField(f, once, &contentID, true)
			}
			return f.unexpected()
		})
		if err != nil {
			return err
		}
		href := ""
		for _, a := range c.el.Attr {
			if a.Key == "href" && a.NamespaceURI() == nsXLink {
				href = strings.TrimSpace(a.Value)
			}
		}
		hrefID, idID := strings.TrimPrefix(href, "cid:"), strings.TrimPrefix(contentID, "cid:")
		switch {
		case href == "" && contentID == "":
			return malformed(c.path, "neither xlink:href nor ContentId names the attachment")
		case href != "" && contentID != "" && hrefID != idID:
			return malformed(c.path, "xlink:href %q and ContentId %q name different attachments", href, contentID)
		case idID != "":
			r.contentID = idID
		default:
			r.contentID = hrefID
		}
		refs = append(refs, r)
		return nil
	})
	return refs, err
}

// encodedAttachment is one AttachmentEncoded/Attachment.
type encodedAttachment struct {
	path        string
	contentID   string
	name        string
	contentType string
	description string
	content     []byte
}

func decodeAttachments(n node) ([]encodedAttachment, error) {
	var out []encodedAttachment
	err := n.children(func(c node, _ func() error) error {
		if c.edxml() != "Attachment" {
			return c.unexpected()
		}
		a := encodedAttachment{path: c.path}
		var encoded string
		err := c.children(func(f node, once func() error) error {
			switch f.edxml() {
			case "ContentType":
				return strField(f, once, &a.contentType, true)
			case "ContentId":
				return strField(f, once, &a.contentID, true)
			case "Description":
				return strField(f, once, &a.description, false)
			case "ContentTransferEncoded":
				return strField(f, once, &encoded, false)
			case "AttachmentName":
				return strField(f, once, &a.name, true)
			}
			return f.unexpected()
		})
		if err != nil {
			return err
		}
		a.contentID = strings.TrimPrefix(a.contentID, "cid:")
		// MIME-style encoders wrap base64 at 76 columns; the line breaks
		// carry nothing.
		a.content, err = base64.StdEncoding.DecodeString(stripSpace(encoded))
		if err != nil {
			return malformed(c.path+"/ContentTransferEncoded", "not base64: %v", err)
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// stripSpace removes XML white space (space, tab, CR, LF).
func stripSpace(s string) string {
	if strings.IndexAny(s, " \t\r\n") < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
}

// joinAttachments pairs each manifest entry with its encoded content, in
// manifest order, and checks the recorded digests.
func joinAttachments(refs []manifestRef, enc []encodedAttachment) ([]Attachment, error) {
	byID := make(map[string]*encodedAttachment, len(enc))
	for i := range enc {
		a := &enc[i]
		if a.contentID == "" {
			return nil, malformed(a.path, "no ContentId")
		}
		if byID[a.contentID] != nil {
			return nil, malformed(a.path, "ContentId %q appears twice", a.contentID)
		}
		byID[a.contentID] = a
	}
	used := make(map[string]bool, len(refs))
	out := make([]Attachment, 0, len(refs))
	for _, r := range refs {
		a := byID[r.contentID]
		switch {
		case a == nil:
			return nil, malformed(r.path, "the manifest lists %q (%s) but AttachmentEncoded has no such attachment", r.contentID, r.name)
		case used[r.contentID]:
			return nil, malformed(r.path, "the manifest lists %q twice", r.contentID)
		case r.name != "" && a.name != "" && r.name != a.name:
			return nil, malformed(r.path, "the manifest names %q %q but its content is named %q", r.contentID, r.name, a.name)
		case r.contentType != "" && a.contentType != "" && r.contentType != a.contentType:
			return nil, malformed(r.path, "the manifest gives %q the type %q but its content says %q", r.contentID, r.contentType, a.contentType)
		}
		used[r.contentID] = true
		att := Attachment{
			ContentID:   r.contentID,
			Name:        first(r.name, a.name),
			ContentType: first(r.contentType, a.contentType),
			Description: first(r.description, a.description),
			Content:     a.content,
			SHA256:      sha256.Sum256(a.content),
		}
		if r.digest != nil && !bytes.Equal(r.digest, att.SHA256[:]) {
			return nil, fmt.Errorf("%w: %s (%s): the manifest records SHA-256 %x, the content has %x",
				ErrAttachmentDigest, att.Name, att.ContentID, r.digest, att.SHA256)
		}
		out = append(out, att)
	}
	for _, a := range enc {
		if !used[a.contentID] {
			return nil, malformed(a.path, "attachment %q (%s) is not in the signed manifest", a.contentID, a.name)
		}
	}
	return out, nil
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// decodeEnvelope reads a verified edXML root element.
func decodeEnvelope(root *etree.Element) (*Envelope, error) {
	e := &Envelope{}
	rn := node{root, "/" + root.Tag}
	var haveEnvelope, haveHeader, haveMH, haveTrace, haveBody bool
	var refs []manifestRef
	var enc []encodedAttachment
	err := rn.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "edXMLEnvelope":
			if err := once(); err != nil {
				return err
			}
			haveEnvelope = true
			return c.children(func(cc node, once func() error) error {
				switch cc.edxml() {
				case "edXMLHeader":
					if err := once(); err != nil {
						return err
					}
					haveHeader = true
					return cc.children(func(h node, once func() error) error {
						switch h.edxml() {
						case "MessageHeader":
							if err := once(); err != nil {
								return err
							}
							haveMH = true
							var err error
							e.Header, err = decodeMessageHeader(h)
							return err
						case "TraceHeaderList":
							if err := once(); err != nil {
								return err
							}
							haveTrace = true
							var err error
							e.MessageID, e.Trace, err = decodeTrace(h)
							return err
						case "Signature", "DigitalSignature":
							// An empty placeholder that some builders
							// write where the SDK has its signature;
							// the XML-DSig Signature itself was removed
							// by verification.
							if len(h.el.ChildElements()) > 0 || strings.TrimSpace(h.el.Text()) != "" {
								return malformed(h.path, "an edXML-namespace signature element with content; the signature must be an XML-DSig Signature")
							}
							return nil
						}
						return h.unexpected()
					})
				case "edXMLBody":
					if err := once(); err != nil {
						return err
					}
					haveBody = true
					return cc.children(func(b node, once func() error) error {
						if b.edxml() != "edXMLManifest" {
							return b.unexpected()
						}
						if err := once(); err != nil {
							return err
						}
						var err error
						refs, err = decodeManifest(b)
						return err
					})
				}
				return cc.unexpected()
			})
		case "AttachmentEncoded":
			if err := once(); err != nil {
				return err
			}
			var err error
			enc, err = decodeAttachments(c)
			return err
		}
		return c.unexpected()
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !haveEnvelope:
		return nil, malformed(rn.path, "no edXMLEnvelope")
	case !haveHeader:
		return nil, malformed(rn.path+"/edXMLEnvelope", "no edXMLHeader")
	case !haveMH:
		return nil, malformed(rn.path+"/edXMLEnvelope/edXMLHeader", "no MessageHeader")
	case !haveTrace:
		return nil, malformed(rn.path+"/edXMLEnvelope/edXMLHeader", "no TraceHeaderList")
	case !haveBody:
		return nil, malformed(rn.path+"/edXMLEnvelope", "no edXMLBody")
	}
	if e.Attachments, err = joinAttachments(refs, enc); err != nil {
		return nil, err
	}
	return e, nil
}

// decodeStatus reads a verified SOAP-ENV:Envelope holding edXML:Status.
func decodeStatus(root *etree.Element) (*Status, error) {
	s := &Status{}
	rn := node{root, "/" + root.Tag}
	var haveStatus bool
	err := rn.children(func(c node, once func() error) error {
		switch {
		case is(c.el, nsSOAP, "Header"):
			if err := once(); err != nil {
				return err
			}
			return c.children(func(h node, once func() error) error {
				if h.edxml() != "Status" {
					return h.unexpected()
				}
				if err := once(); err != nil {
					return err
				}
				haveStatus = true
				return decodeStatusBody(h, s)
			})
		case is(c.el, nsSOAP, "Body"):
			if err := once(); err != nil {
				return err
			}
			return c.children(func(b node, _ func() error) error { return b.unexpected() })
		}
		return c.unexpected()
	})
	if err != nil {
		return nil, err
	}
	if !haveStatus {
		return nil, malformed(rn.path, "no SOAP-ENV:Header/edXML:Status")
	}
	return s, nil
}

func decodeStatusBody(n node, s *Status) error {
	return n.children(func(c node, once func() error) error {
		switch c.edxml() {
		case "ResponseFor":
			if err := once(); err != nil {
				return err
			}
			var err error
			s.ResponseFor, err = decodeResponseFor(c)
			return err
		case "From":
			if err := once(); err != nil {
				return err
			}
			var err error
			s.From, err = decodeOrgan(c)
			return err
		case "StatusCode":
			if err := once(); err != nil {
				return err
			}
			v, err := c.token()
			if err != nil {
				return err
			}
			if s.Code, err = ParseStatusCode(v); err != nil {
				return fmt.Errorf("%s: %w", c.path, err)
			}
			return nil
		case "Description":
			return strField(c, once, &s.Description, false)
		case "Timestamp":
			if err := once(); err != nil {
				return err
			}
			v, err := c.token()
			if err != nil {
				return err
			}
			if s.Timestamp, err = parseTimestamp(v); err != nil {
				return invalid(c.path, "%v", err)
			}
			return nil
		case "StaffInfo":
			if err := once(); err != nil {
				return err
			}
			var err error
			s.Staff, err = decodeStaff(c)
			return err
		}
		return c.unexpected()
	})
}
