package supervisor

import (
	"context"
	"fmt"
	"net"

	"github.com/gromox-go/gromox/protocols/imap"
	"go.uber.org/zap"
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
	cfg := imap.Config{TLS: it.Config, ForceTLS: it.Force, IMAP4rev2: true}
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
	for _, l := range []struct {
		key      string
		addrs    []string
		implicit bool
	}{{"imap_listen", st.Listen.IMAP, false}, {"imap_listen_tls", st.Listen.IMAPTLS, true}} {
		if l.implicit && len(l.addrs) > 0 && cfg.TLS == nil {
			s.Log.Warn("imap_listen_tls set but no TLS certificate configured (imap.cfg); not listening", zap.Strings("addr", l.addrs))
			continue
		}
		for _, addr := range l.addrs {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("%s %s: %w", l.key, addr, err)
			}
			serve := srv.Serve
			if l.implicit {
				serve = srv.ServeTLS
			}
			go func() {
				if err := serve(ln); err != nil {
					s.Log.Error("imap listener", zap.String("addr", addr), zap.Error(err))
				}
			}()
			s.ServeListener("imap", ln.Addr(), func(context.Context) error { return ln.Close() })
		}
	}
	return nil
}
