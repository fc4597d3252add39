// Package blob stores file content (PDFs, attachments) addressed by the
// SHA-256 of its bytes.
//
// Because the address is derived from the content, a stored blob is immutable:
// writing the same bytes again yields the same Ref and stores nothing new, and
// a signed revision can never be altered in place. The package knows nothing
// about documents, owners or permissions; callers keep the Ref in the database
// and decide who may read it. Deleting a blob that rows still reference is the
// caller's concern.
//
// Store is the contract shared by every backend. FS is the filesystem backend;
// an S3-compatible backend is expected to follow and must behave identically,
// including the ErrNotFound and ErrTooLarge sentinels.
package blob
