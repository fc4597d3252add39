// Package edxml writes and reads the signed packages that Vietnamese state
// agencies exchange over the document exchange axis (trục liên thông văn
// bản): edXML, the message format of QCVN 102:2016/BTTTT (issued by Thông tư
// 10/2016/TT-BTTTT), and its status messages.
//
// # Boundary
//
// The package turns an Envelope (a document: metadata and files) or a
// Status (what a receiver did with a document) into signed XML with Build
// and BuildStatus, and turns untrusted bytes back into them with Parse and
// ParseStatus. It signs with a crypto.Signer and a certificate chain, so
// HSM and token keys work, and it verifies that a package is intact and
// signed by the key of the certificate it carries. It does not decide
// whether that certificate is trusted, current or the sender's: Parse
// returns the chain and the caller's path validator decides. Transport
// (VXP/LGSP calls, outbox, retries), registers and idempotency storage
// belong to the callers; Envelope.MessageID and Status.MessageID are the
// keys they deduplicate on.
//
// # Layout and what is uncertain
//
// The official text of QCVN 102:2016 was not found. The layout follows the
// VPCP SDK sample files as three independent builders reproduce them (the
// project's notes on Vietnamese standards, section 2), and where they are
// silent kyso chose, as marked here and at the code:
//
//   - Element names, nesting and the edXML: prefix are copied exactly,
//     including the standard's spelling "Bussiness".
//   - The notes draw the signature as edXML:Signature in edXMLHeader. An
//     XML-DSig verifier (xmlsec1, .NET SignedXml, goxmldsig) only finds a
//     Signature in the XML-DSig namespace, so Build writes ds:Signature at
//     that place; Parse tolerates an empty edXML:Signature or
//     edXML:DigitalSignature placeholder that some builders write.
//   - Status messages in the samples are unsigned; kyso signs them the
//     same way and puts the Signature after edXML:Status in the SOAP header.
//   - The id attribute of TraceHeaderList carries Envelope.MessageID (a
//     UUID); the samples fill it with a random token.
//   - Code lists for DocumentType/Type, Priority, SteeringType and
//     ReceiverType were not found; numbers are carried as given.
//   - Status codes 01-06, 13, 15, 16 come from the SDK samples and two
//     other implementations; their legal source (Quyết định 28/2018/QĐ-TTg)
//     was not read.
//   - Attachments are not compressed. The SDK can zip them before base64;
//     how a receiver learns that was not found, so such packages will show
//     a zip file as the attachment.
//
// # The attachment digest extension
//
// The enveloped signature covers the whole document, attachments included.
// kyso also records the SHA-256 of each file in its manifest Reference, in
// its own namespace so that other receivers skip it:
//
//	<kyso:Digest xmlns:kyso="urn:kyso-vn:edxml:1"
//	    Algorithm="http://www.w3.org/2001/04/xmlenc#sha256">base64</kyso:Digest>
//
// It lets a stored file be checked against the signed metadata without the
// XML, and Parse checks it when present (ErrAttachmentDigest).
//
// # Untrusted input
//
// Parse refuses DTDs and entity declarations on the raw bytes, bounds size,
// depth and element count, requires exactly one signature with one
// Reference to the whole document, and decodes only the element that
// goxmldsig's Validate rebuilt from the verified bytes (goxmldsig ≥ v1.6.0
// fixes the signature bypass CVE-2026-33487). Decoding is strict: unknown
// elements, repeated singletons and stray text are errors that name the
// element.
package edxml
