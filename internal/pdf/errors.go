package pdf

import (
	"errors"
	"fmt"
)

// Sentinel errors that callers branch on. Other errors wrap one of these when
// the cause lies in the input file; errors.Is finds them.
var (
	// ErrNotPDF means the input has no "%PDF-" header (ISO 32000-1 §7.5.2).
	ErrNotPDF = errors.New("pdf: not a PDF file")
	// ErrEncrypted means the file has an /Encrypt dictionary (ISO 32000-1
	// §7.6). kyso never signs a protected file: an incremental update would
	// have to be encrypted with the file's key, which we do not hold.
	ErrEncrypted = errors.New("pdf: the PDF is password-protected or encrypted; remove the protection and try again")
	// ErrTooLarge means the input is larger than the limit set with WithMaxSize.
	ErrTooLarge = errors.New("pdf: file too large")
	// ErrDamaged means the file structure (header, cross-reference data,
	// trailer, objects) could not be read.
	ErrDamaged = errors.New("pdf: damaged file")
)

// damaged returns an error that wraps ErrDamaged with context.
func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrDamaged, fmt.Sprintf(format, args...))
}

// asDamaged wraps err in ErrDamaged unless it already carries a sentinel.
func asDamaged(err error) error {
	if err == nil || errors.Is(err, ErrDamaged) || errors.Is(err, ErrEncrypted) ||
		errors.Is(err, ErrNotPDF) || errors.Is(err, ErrTooLarge) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrDamaged, err)
}

// catchPanics turns a panic in a parsing entry point into ErrDamaged. The
// parser is our own and is fuzzed (FuzzOpen runs with catchPanics off, so a
// panic is a test failure there); in production a hostile file must never take
// the process down, so the entry points keep this net.
var catchPanics = true

// catch is deferred by the exported entry points that parse file bytes.
func catch(err *error) {
	if !catchPanics {
		return
	}
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: internal parser failure: %v", ErrDamaged, r)
	}
}
