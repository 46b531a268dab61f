package supervisor

// startIMAP starts the IMAP listeners (imap_listen, imap_listen_tls).
func (s *Server) startIMAP() error {
	return nil
}
