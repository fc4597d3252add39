// Package pades signs PDF documents as PAdES baseline signatures (ETSI EN
// 319 142-1): a CAdES-detached CMS (package cms) in a signature dictionary
// appended as an incremental update (package pdf), so that the signed bytes
// of earlier revisions never change and earlier signatures stay valid.
//
// Levels: B-B (the CMS alone) and B-T (plus a signature time-stamp from an
// RFC 3161 TSA). Visible appearances follow Decree 30/2020/NĐ-CP Appendix
// I: the signer's handwritten signature image and name, the agency's red
// seal over the left third of it, or, on attachments, a small text block
// at the top right of the first page; Vietnamese text is set in an embedded
// subset of Liberation Serif (package pdffont).
//
// Signing is two-phase wherever the key is not in the server: Prepare
// writes the document with an empty signature and returns the digest to
// sign; Complete takes the raw signature. Sign is Prepare and Complete with
// a crypto.Signer in between, so both paths share all code.
package pades
