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
		for _, l := range []struct {
			key      string
			addrs    []string
			implicit bool
		}{{"lda_listen", st.Listen.LMTP, false}, {"lda_listen_tls", st.Listen.LMTPTLS, true}} {
			if l.implicit && len(l.addrs) > 0 && cfg.TLS == nil {
				s.Log.Warn("lda_listen_tls set but no TLS certificate configured (smtp.cfg smtp_support_starttls, smtp_certificate_path); not listening", zap.Strings("addr", l.addrs))
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
						s.Log.Error("lmtp listener", zap.String("addr", addr), zap.Error(err))
					}
				}()
				s.ServeListener("lmtp", ln.Addr(), func(context.Context) error { return ln.Close() })
			}
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
		for _, l := range []struct {
			key      string
			addrs    []string
			implicit bool
		}{{"pop3_listen", st.Listen.POP3, false}, {"pop3_listen_tls", st.Listen.POP3TLS, true}} {
			if l.implicit && len(l.addrs) > 0 && tlsCfg == nil {
				s.Log.Warn("pop3_listen_tls set but no TLS certificate configured; not listening", zap.Strings("addr", l.addrs))
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
						s.Log.Error("pop3 listener", zap.String("addr", addr), zap.Error(err))
					}
				}()
				s.ServeListener("pop3", ln.Addr(), func(context.Context) error { return ln.Close() })
			}
		}
	}
	if err := s.startIMAP(); err != nil {
		return err
	}
	return s.startHTTP()
}
