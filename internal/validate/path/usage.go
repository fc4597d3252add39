package path

// leafUsage checks the end entity against Inputs.Usage. Only the leaf's own
// extKeyUsage counts: RFC 5280 §4.2.1.12 defines the extension for the
// certificate that carries it, and the Web PKI habit of intersecting it
// along the chain (as crypto/x509 does) would reject document-signing
// certificates under CAs that list only TLS purposes.
func (v *validator) leafUsage(p Path) *Error {
	leaf, u := p[0], v.in.Usage
	if u.KeyUsage != 0 && findExtension(leaf, oidExtKeyUsage) != nil {
		have := leaf.KeyUsage & u.KeyUsage
		if have == 0 || (u.AllKeyUsage && have != u.KeyUsage) {
			return failAt(LeafKeyUsage, p, 0, "keyUsage %#x does not allow %#x", int(leaf.KeyUsage), int(u.KeyUsage))
		}
	}
	ext := findExtension(leaf, oidExtExtendedKeyUsage)
	if ext == nil {
		return nil
	}
	ekus, err := parseEKU(ext.Value)
	if err != nil {
		e := failAt(Malformed, p, 0, "extKeyUsage")
		e.Err = err
		return e
	}
	if len(u.ExtKeyUsage) == 0 || oidIn(oidAnyExtendedKeyUsage, ekus) {
		return nil
	}
	for _, want := range u.ExtKeyUsage {
		if oidIn(want, ekus) {
			return nil
		}
	}
	return failAt(LeafExtKeyUsage, p, 0, "extKeyUsage %v lists none of %v", ekus, u.ExtKeyUsage)
}
