package axis

// Verified is what verify accepted, for tests.
type Verified struct {
	MessageID, From string
	To              []string
}

// Verify runs a submission's checks without storing, for the fuzz test.
func (s *Server) Verify(body []byte, client string) (*Verified, Reason, string) {
	p, rej := s.verify(body, SniffKind(body), client, nil)
	if rej != nil {
		return nil, rej.reason, rej.detail
	}
	return &Verified{MessageID: p.messageID, From: p.from, To: p.to}, "", ""
}
