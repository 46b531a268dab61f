package supervisor

// startHTTP starts the HTTP listeners (http_listen, http_listen_tls).
func (s *Server) startHTTP() error {
	return nil
}
