package supervisor

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/lmtp"
	"github.com/gromox-go/gromox/protocols/outbound"
	"go.uber.org/zap"
)

// startProtocols starts the protocol listeners the settings name.
func (s *Server) startProtocols() error {
	st := s.Settings
	if len(st.Listen.LMTP) > 0 {
		delim, smtpURL, silence := "", "", 24*time.Hour
		if v := st.Files["gromox.cfg"]; v != nil {
			delim = v.String("lda_recipient_delimiter")
			smtpURL = v.String("outgoing_smtp_url")
			silence = v.Duration("autoreply_silence_window")
		}
		out, err := outbound.New(smtpURL)
		if err != nil {
			return err
		}
		srv := lmtp.New(lmtp.Config{
			Hostname:           st.HostID,
			RecipientDelimiter: delim,
			LMTP:               true,
			Outbound:           out,
			AutoReplySilence:   silence,
		}, s.System, s.AddProtocol("lmtp"), s.Dir, s.Stores, mailbox.ImportRFC5322, s.Log.Named("lmtp"))
		for _, addr := range st.Listen.LMTP {
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("lda_listen %s: %w", addr, err)
			}
			go func() {
				if err := srv.Serve(ln); err != nil {
					s.Log.Error("lmtp listener", zap.String("addr", addr), zap.Error(err))
				}
			}()
			s.ServeListener("lmtp", ln.Addr(), func(context.Context) error { return ln.Close() })
		}
	}
	return nil
}
