package textnorm

import "strings"

// FoldNFD exposes the reference definition of Fold so tests can check the
// table-driven fast path against it.
func FoldNFD(s string) string {
	var b strings.Builder
	foldNFD(&b, s)
	return b.String()
}
