package edxml

import (
	"encoding/base64"
	"strconv"

	"github.com/beevik/etree"
)

// Names and namespaces.
const (
	// Namespace is the edXML namespace of QCVN 102:2016/BTTTT.
	Namespace = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
	// NamespaceKyso holds kyso's one extension element, the SHA-256 digest
	// of each attachment in the manifest (see the package documentation).
	// Receivers that do not know it skip it: it is in its own namespace.
	NamespaceKyso = "urn:kyso-vn:edxml:1"

	// prefix is the edXML prefix. The prefix is not significant to a
	// namespace-aware parser, but VPCP's .NET XmlSerializer rejected packages
	// whose library had dropped it (notes, section 2, "Pitfall"), so every
	// element inside the envelope is written edXML:Name exactly as the SDK
	// samples are.
	prefix = "edXML"

	nsSOAP        = "http://schemas.xmlsoap.org/soap/envelope/"
	nsXLink       = "http://www.w3.org/1999/xlink"
	soapActorNext = "http://schemas.xmlsoap.org/soap/actor/next"
	// digestSHA256 is the XML Encryption identifier of SHA-256, which
	// XML-DSig also uses; kyso:Digest names its algorithm with it.
	digestSHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
)

// el adds an edXML:tag child to parent.
func el(parent *etree.Element, tag string) *etree.Element {
	return parent.CreateElement(prefix + ":" + tag)
}

// leaf adds an edXML:tag child holding text. Empty values are written as
// empty elements rather than left out: the schema the national axis
// validates against was not found, and the SDK writes every element.
func leaf(parent *etree.Element, tag, text string) {
	c := el(parent, tag)
	if text != "" {
		c.SetText(text)
	}
}

func leafInt(parent *etree.Element, tag string, n int) { leaf(parent, tag, strconv.Itoa(n)) }

func leafDate(parent *etree.Element, tag string, d Date) {
	if d.IsZero() {
		leaf(parent, tag, "")
		return
	}
	leaf(parent, tag, d.String())
}

func encodeOrgan(parent *etree.Element, tag string, o *Organ) {
	c := el(parent, tag)
	leaf(c, "OrganId", o.OrganID)
	leaf(c, "OrganizationInCharge", o.OrganizationInCharge)
	leaf(c, "OrganName", o.OrganName)
	leaf(c, "OrganAdd", o.OrganAdd)
	leaf(c, "Email", o.Email)
	leaf(c, "Telephone", o.Telephone)
	leaf(c, "Fax", o.Fax)
	leaf(c, "Website", o.Website)
}

func encodeResponseFor(parent *etree.Element, r *ResponseFor) {
	c := el(parent, "ResponseFor")
	leaf(c, "OrganId", r.OrganID)
	leaf(c, "Code", r.Code)
	leafDate(c, "PromulgationDate", r.PromulgationDate)
	leaf(c, "DocumentId", r.DocumentID)
}

// encodeEnvelope lays out a completed Envelope as the SDK samples do:
//
//	<edXML xmlns="…QCVN_102_2016">
//	  <edXML:edXMLEnvelope xmlns:edXML="…QCVN_102_2016">
//	    <edXML:edXMLHeader> MessageHeader, TraceHeaderList, [Signature] </edXML:edXMLHeader>
//	    <edXML:edXMLBody><edXML:edXMLManifest version="1.0"> Reference* </…></edXML:edXMLBody>
//	  </edXML:edXMLEnvelope>
//	  <AttachmentEncoded> Attachment* </AttachmentEncoded>
//	</edXML>
//
// It returns the document and the edXMLHeader, where the signature goes.
func encodeEnvelope(e *Envelope) (*etree.Document, *etree.Element) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("edXML")
	root.CreateAttr("xmlns", Namespace)
	env := root.CreateElement(prefix + ":edXMLEnvelope")
	env.CreateAttr("xmlns:"+prefix, Namespace)
	hdr := el(env, "edXMLHeader")

	h := &e.Header
	mh := el(hdr, "MessageHeader")
	encodeOrgan(mh, "From", &h.From)
	for i := range h.To {
		encodeOrgan(mh, "To", &h.To[i])
	}
	code := el(mh, "Code")
	leaf(code, "CodeNumber", h.Code.Number)
	leaf(code, "CodeNotation", h.Code.Notation)
	pi := el(mh, "PromulgationInfo")
	leaf(pi, "Place", h.Promulgation.Place)
	leafDate(pi, "PromulgationDate", h.Promulgation.Date)
	dt := el(mh, "DocumentType")
	leafInt(dt, "Type", h.DocumentType.Type)
	leaf(dt, "TypeName", h.DocumentType.TypeName)
	leafInt(dt, "TypeDetail", h.DocumentType.TypeDetail)
	leaf(mh, "Subject", h.Subject)
	leaf(mh, "Content", h.Content)
	si := el(mh, "SignerInfo")
	leaf(si, "Competence", h.Signer.Competence)
	leaf(si, "Position", h.Signer.Position)
	leaf(si, "FullName", h.Signer.FullName)
	if !h.DueDate.IsZero() {
		leafDate(mh, "DueDate", h.DueDate)
	}
	tp := el(mh, "ToPlaces")
	for _, p := range h.ToPlaces {
		leaf(tp, "Place", p)
	}
	oi := el(mh, "OtherInfo")
	leafInt(oi, "Priority", h.Other.Priority)
	leaf(oi, "SphereOfPromulgation", h.Other.SphereOfPromulgation)
	leaf(oi, "TyperNotation", h.Other.TyperNotation)
	leafInt(oi, "PromulgationAmount", h.Other.PromulgationAmount)
	leafInt(oi, "PageAmount", h.Other.PageAmount)
	apx := el(oi, "Appendixes")
	for _, a := range h.Other.Appendixes {
		leaf(apx, "Appendix", a)
	}
	for i := range h.ResponseFor {
		encodeResponseFor(mh, &h.ResponseFor[i])
	}
	leafInt(mh, "SteeringType", h.SteeringType)
	leaf(mh, "DocumentId", h.DocumentID)

	thl := el(hdr, "TraceHeaderList")
	thl.CreateAttr("id", e.MessageID)
	thl.CreateAttr("version", "1.0")
	thl.CreateAttr("mustUnderstand", "1")
	thl.CreateAttr("actor", soapActorNext)
	for _, th := range e.Trace.Headers {
		c := el(thl, "TraceHeader")
		leaf(c, "OrganId", th.OrganID)
		leaf(c, "Timestamp", formatTimestamp(th.Timestamp))
	}
	b := &e.Trace.Business
	bus := el(thl, "Bussiness")
	leafInt(bus, "BussinessDocType", int(b.DocType))
	leaf(bus, "BussinessDocReason", b.DocReason)
	if di := b.DocumentInfo; di != nil {
		c := el(bus, "BussinessDocumentInfo")
		leaf(c, "DocumentInfo", di.DocumentInfo)
		leaf(c, "DocumentReceiver", di.DocumentReceiver)
		rl := el(c, "ReceiverList")
		for _, r := range di.Receivers {
			rc := el(rl, "Receiver")
			leafInt(rc, "ReceiverType", r.ReceiverType)
			leaf(rc, "OrganId", r.OrganID)
		}
	}
	if len(b.Replacements) > 0 {
		rl := el(bus, "ReplacementInfoList")
		for _, r := range b.Replacements {
			c := el(rl, "ReplacementInfo")
			leaf(c, "DocumentId", r.DocumentID)
			ol := el(c, "OrganIdList")
			for _, id := range r.OrganIDs {
				leaf(ol, "OrganId", id)
			}
		}
	}
	staff := el(bus, "StaffInfo")
	leaf(staff, "Department", b.Staff.Department)
	leaf(staff, "Staff", b.Staff.Staff)
	leaf(staff, "Mobile", b.Staff.Mobile)
	leaf(staff, "Email", b.Staff.Email)
	leafInt(bus, "Paper", b.Paper)

	body := el(env, "edXMLBody")
	man := el(body, "edXMLManifest")
	man.CreateAttr("version", "1.0")
	for i := range e.Attachments {
		a := &e.Attachments[i]
		ref := el(man, "Reference")
		ref.CreateAttr("xmlns:xlink", nsXLink)
		ref.CreateAttr("xlink:href", "cid:"+a.ContentID)
		ref.CreateAttr("xlink:type", "simple")
		leaf(ref, "Description", a.Description)
		leaf(ref, "AttachmentName", a.Name)
		leaf(ref, "ContentType", a.ContentType)
		leaf(ref, "ContentId", "cid:"+a.ContentID)
		d := ref.CreateElement("kyso:Digest")
		d.CreateAttr("xmlns:kyso", NamespaceKyso)
		d.CreateAttr("Algorithm", digestSHA256)
		d.SetText(base64.StdEncoding.EncodeToString(a.SHA256[:]))
	}

	// The encoded content sits outside the envelope, unprefixed in the
	// default (edXML) namespace, as in the SDK samples.
	ae := root.CreateElement("AttachmentEncoded")
	for i := range e.Attachments {
		a := &e.Attachments[i]
		c := ae.CreateElement("Attachment")
		c.CreateElement("ContentType").SetText(a.ContentType)
		c.CreateElement("ContentId").SetText(a.ContentID)
		setText(c.CreateElement("Description"), a.Description)
		c.CreateElement("ContentTransferEncoded").SetText(base64.StdEncoding.EncodeToString(a.Content))
		c.CreateElement("AttachmentName").SetText(a.Name)
	}
	return doc, hdr
}

func setText(e *etree.Element, s string) {
	if s != "" {
		e.SetText(s)
	}
}

// encodeStatus lays out a status message as the SDK does:
//
//	<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">
//	  <SOAP-ENV:Header>
//	    <edXML:Status xmlns:edXML="…QCVN_102_2016"> … </edXML:Status>
//	    [Signature]
//	  </SOAP-ENV:Header>
//	  <SOAP-ENV:Body/>
//	</SOAP-ENV:Envelope>
//
// The samples seen are unsigned, so where the signature goes is kyso's
// choice: beside edXML:Status in the SOAP header, where SOAP puts security
// headers, leaving edXML:Status exactly as the SDK writes it. One deployed
// system declares the edXML prefix with the SOAP namespace; that is taken
// for a bug and not copied.
func encodeStatus(s *Status) (*etree.Document, *etree.Element) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("SOAP-ENV:Envelope")
	root.CreateAttr("xmlns:SOAP-ENV", nsSOAP)
	hdr := root.CreateElement("SOAP-ENV:Header")
	st := el(hdr, "Status")
	st.CreateAttr("xmlns:"+prefix, Namespace)
	encodeResponseFor(st, &s.ResponseFor)
	encodeOrgan(st, "From", &s.From)
	leaf(st, "StatusCode", s.Code.String())
	leaf(st, "Description", s.Description)
	leaf(st, "Timestamp", formatTimestamp(s.Timestamp))
	staff := el(st, "StaffInfo")
	leaf(staff, "Department", s.Staff.Department)
	leaf(staff, "Staff", s.Staff.Staff)
	leaf(staff, "Email", s.Staff.Email)
	leaf(staff, "Mobile", s.Staff.Mobile)
	root.CreateElement("SOAP-ENV:Body")
	return doc, hdr
}
