package supervisor

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/lmtp"
	"github.com/gromox-go/gromox/protocols/outbound"
	"github.com/gromox-go/gromox/protocols/pop3"
	"go.uber.org/zap"
)

// startProtocols starts the protocol listeners the settings name.
func (s *Server) startProtocols() error {
	st := s.Settings
	if len(st.Listen.LMTP) > 0 || len(st.Listen.LMTPTLS) > 0 {
		delim, smtpURL, silence := "", "", 24*time.Hour
		if v := st.Files["gromox.cfg"]; v != nil {
			delim = v.String("lda_recipient_delimiter")
			smtpURL = v.String("outgoing_smtp_url")
			silence = v.Duration("autoreply_silence_window")
		}
		cfg := lmtp.Config{
			Hostname:           st.HostID,
			RecipientDelimiter: delim,
			Protocol:           lmtp.ProtocolLMTP,
			AutoReplySilence:   silence,
			ResolveCacheTTL:    st.ObjectCacheLifetime,
		}
		if v := st.Files["smtp.cfg"]; v != nil {
			switch p := strings.ToLower(v.String("command_protocol")); p {
			case lmtp.ProtocolLMTP, lmtp.ProtocolSMTP, lmtp.ProtocolBoth:
				cfg.Protocol = p
			default:
				return v.Errorf("command_protocol", "%q is not lmtp, smtp or both", p)
			}
			cfg.MaxMessageBytes = int64(min(v.Size("mail_max_length"), 1<<40))
			cfg.Timeout = v.Duration("smtp_conn_timeout")
		}
		lt, err := st.ProtocolTLS("smtp")
		if err != nil {
			return err
		}
		cfg.TLS, cfg.ForceTLS = lt.Config, lt.Force
		if cfg.Outbound, err = outbound.New(smtpURL); err != nil {
			return err
		}
		srv := lmtp.New(cfg, s.System, s.AddProtocol("lmtp"), s.Dir, s.Stores, mailbox.ImportRFC5322, s.Log.Named("lmtp"))
		if err := s.serveListeners(listeners{
			proto: "lmtp", plainKey: "lda_listen", tlsKey: "lda_listen_tls",
			plain: st.Listen.LMTP, implicit: st.Listen.LMTPTLS, haveTLS: cfg.TLS != nil,
			tlsHint: "smtp.cfg smtp_support_starttls, smtp_certificate_path",
			serve:   srv.Serve, serveTLS: srv.ServeTLS,
		}); err != nil {
			return err
		}
	}
	if len(st.Listen.POP3) > 0 || len(st.Listen.POP3TLS) > 0 {
		pt, err := st.ProtocolTLS("pop3")
		if err != nil {
			return err
		}
		tlsCfg := pt.Config
		srv := pop3.New(pop3.Config{Hostname: st.HostID, TLS: tlsCfg},
			s.System, s.AddProtocol("pop3"), s.Auth, s.Stores, s.Log.Named("pop3"))
		if err := s.serveListeners(listeners{
			proto: "pop3", plainKey: "pop3_listen", tlsKey: "pop3_listen_tls",
			plain: st.Listen.POP3, implicit: st.Listen.POP3TLS, haveTLS: tlsCfg != nil,
			tlsHint: "pop3.cfg pop3_support_tls, pop3_certificate_path",
			serve:   srv.Serve, serveTLS: srv.ServeTLS,
		}); err != nil {
			return err
		}
	}
	if err := s.startIMAP(); err != nil {
		return err
	}
	return s.startHTTP()
}

// listeners are one protocol's plain and implicit-TLS listener addresses
// and how to serve them.
type listeners struct {
	proto            string // for the "listening:" line and the log
	plainKey, tlsKey string // the directives, for errors
	plain, implicit  []string
	haveTLS          bool   // a certificate is configured
	tlsHint          string // where it is configured, for the warning
	serve, serveTLS  func(net.Listener) error
}

// serveListeners binds every address of l and serves it until shutdown
// closes the listener. Implicit-TLS addresses without a certificate are
// skipped with a warning, as upstream binds them only when TLS is set up.
func (s *Server) serveListeners(l listeners) error {
	if len(l.implicit) > 0 && !l.haveTLS {
		s.Log.Warn(l.tlsKey+" set but no TLS certificate configured ("+l.tlsHint+"); not listening", zap.Strings("addr", l.implicit))
		l.implicit = nil
	}
	for _, set := range []struct {
		key   string
		addrs []string
		serve func(net.Listener) error
	}{{l.plainKey, l.plain, l.serve}, {l.tlsKey, l.implicit, l.serveTLS}} {
		for _, addr := range set.addrs {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("%s %s: %w", set.key, addr, err)
			}
			serve := set.serve
			go func() {
				if err := serve(ln); err != nil {
					s.Log.Error(l.proto+" listener", zap.String("addr", addr), zap.Error(err))
				}
			}()
			s.ServeListener(l.proto, ln.Addr(), func(context.Context) error { return ln.Close() })
		}
	}
	return nil
}
