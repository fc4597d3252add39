package edxml

import "errors"

// Sentinel errors. Every error this package returns that a caller may act on
// wraps one of them; test with errors.Is. The text after the sentinel names
// what exactly was wrong (the element path, the field, the limit) and is
// meant for logs and for the "returned to sender" reason.
var (
	// ErrTooLarge: the package is bigger than the size limit (MaxSize, or
	// WithMaxSize). Nothing was parsed.
	ErrTooLarge = errors.New("edxml: package too large")

	// ErrDTD: the package holds a document type declaration or another
	// markup declaration (<!DOCTYPE, <!ENTITY, ...). edXML never needs one,
	// and refusing them before any XML parser runs shuts out external
	// entities (XXE) and entity expansion ("billion laughs").
	ErrDTD = errors.New("edxml: DTD or entity declaration refused")

	// ErrMalformed: the bytes are not a well-formed UTF-8 XML document of the
	// expected shape: not XML, truncated, another root element, an unknown,
	// missing or repeated element, bad base64, an attachment without its
	// manifest entry.
	ErrMalformed = errors.New("edxml: malformed package")

	// ErrUnsigned: the package has no XML-DSig Signature element. Packages
	// kyso accepts are always signed.
	ErrUnsigned = errors.New("edxml: package not signed")

	// ErrBadSignature: the Signature does not verify against the certificate
	// in its KeyInfo, or uses an algorithm or reference this package does not
	// accept (SHA-1, a reference other than the whole document, missing
	// certificate). The package was changed after signing, or signed by
	// another key than the certificate says.
	ErrBadSignature = errors.New("edxml: signature does not verify")

	// ErrAttachmentDigest: an attachment's content is not the content whose
	// SHA-256 digest the signed manifest records.
	ErrAttachmentDigest = errors.New("edxml: attachment digest mismatch")

	// ErrInvalid: the content breaks a rule of the standard or of kyso (a
	// required field is empty, a date or status code is not valid, a rejection
	// has no reason). In Parse the signature was fine: the sender signed a
	// package that cannot be processed.
	ErrInvalid = errors.New("edxml: invalid content")

	// ErrOrganID: an agency identifier code (mã định danh) is not of the form
	// 000.00.00.X00 of Decision 20/2020/QĐ-TTg.
	ErrOrganID = errors.New("edxml: invalid agency identifier code")

	// ErrSigner: the key or certificate chain given to Build cannot sign:
	// no certificate, an unsupported key type, or a certificate not valid at
	// signing time. Key and certificate that do not match, or a certificate
	// whose key usage forbids signing, wrap keys.ErrKeyMismatch and
	// keys.ErrNotForSigning as well.
	ErrSigner = errors.New("edxml: cannot sign with this key")
)
