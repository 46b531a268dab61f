package supervisor

import (
	"github.com/gromox-go/gromox/internal/version"
	"github.com/gromox-go/gromox/protocols/imap"
)

// startIMAP starts the IMAP listeners (imap_listen, and imap_listen_tls
// when imap.cfg configures a certificate).
func (s *Server) startIMAP() error {
	st := s.Settings
	if len(st.Listen.IMAP) == 0 && len(st.Listen.IMAPTLS) == 0 {
		return nil
	}
	it, err := st.ProtocolTLS("imap")
	if err != nil {
		return err
	}
	cfg := imap.Config{TLS: it.Config, ForceTLS: it.Force, IMAP4rev2: true, Version: version.Version}
	if v := st.Files["imap.cfg"]; v != nil {
		cfg.IMAP4rev2 = v.Bool("imap_rfc9051")
		cfg.IdleTimeout = v.Duration("imap_autologout_time")
		cfg.MaxAuthFailures = int(v.Size("imap_auth_times"))
		cfg.ExpungeOnDelete = v.Bool("imap_expunge_on_delete")
	}
	if cfg.ForceTLS && cfg.TLS == nil {
		s.Log.Warn("imap_force_tls without a certificate: nobody can log in over IMAP")
	}
	srv := imap.New(cfg, s.System, s.AddProtocol("imap"), s.Auth, s.Stores, s.Log.Named("imap"))
	return s.serveListeners(listeners{
		proto: "imap", plainKey: "imap_listen", tlsKey: "imap_listen_tls",
		plain: st.Listen.IMAP, implicit: st.Listen.IMAPTLS, haveTLS: cfg.TLS != nil,
		tlsHint: "imap.cfg imap_support_tls, imap_certificate_path",
		serve:   srv.Serve, serveTLS: srv.ServeTLS,
	})
}
