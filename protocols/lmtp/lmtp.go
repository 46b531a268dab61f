// Package lmtp is the LMTP/SMTP delivery listener an MTA hands mail to
// (upstream's delivery-queue and delivery in one). Each connection is a
// session actor under the LMTP protocol supervisor: go-smtp's connection
// goroutine is the I/O edge and forwards each command to the actor, which
// resolves recipients through the directory and delivers through the
// recipients' store actors.
//
// Invariants:
//   - A recipient is answered 250 only after its store actor committed the
//     message (synchronous=FULL): kill -9 after a 250 loses nothing.
//   - Each recipient gets its own reply; one failing recipient never stops
//     the others.
//   - A session that panics ends alone; the listener and the other sessions
//     go on.
package lmtp

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/outbound"
	"go.uber.org/zap"
)

// Resolver finds the mailbox (or list) behind a delivery address.
type Resolver interface {
	Resolve(ctx context.Context, addr string) (*directory.Recipient, error)
}

// Sessions starts session actors under the protocol's supervisor.
type Sessions interface {
	StartSession(ctx context.Context, props actors.Props) (*actors.PID, error)
}

// Converter turns a message's RFC 5322 bytes into its MAPI form, once per
// message for all its recipients, in the session (not in a store's actor,
// which would serialise every conversion for one mailbox).
type Converter func(raw []byte) (*mailbox.MessageContent, error)

// Config are the listener's settings.
type Config struct {
	Hostname           string
	MaxMessageBytes    int64  // 0: 64 MiB (upstream max_mail_length)
	MaxRecipients      int    // 0: 256 (upstream max_rcpt_num)
	RecipientDelimiter string // characters that start an address extension (lda_recipient_delimiter)
	// Protocol is ProtocolLMTP, ProtocolSMTP or ProtocolBoth (upstream's
	// command_protocol); "": LMTP.
	Protocol string
	// TLS offers STARTTLS on plain listeners and is required by ServeTLS
	// (smtp.cfg smtp_support_starttls and the certificate); nil: no TLS.
	TLS *tls.Config
	// ForceTLS refuses MAIL before STARTTLS (smtp_force_starttls).
	ForceTLS bool
	Timeout  time.Duration
	// Outbound sends out-of-office replies (outgoing_smtp_url); nil: none.
	Outbound outbound.Sender
	// AutoReplySilence is autoreply_silence_window: at most one
	// out-of-office reply per sender per window (0: no limit).
	AutoReplySilence time.Duration
	// ResolveCacheTTL is how long a resolved recipient is remembered
	// (mysql_object_cache_lifetime); 0: not at all.
	ResolveCacheTTL time.Duration
}

// Server is one LMTP/SMTP listener.
type Server struct {
	cfg      Config
	sys      *actors.System
	sessions Sessions
	dir      Resolver
	stores   *mailbox.Registry
	convert  Converter
	log      *zap.Logger
}

// New makes a server; Serve starts it on a listener.
func New(cfg Config, sys *actors.System, sessions Sessions, dir Resolver, stores *mailbox.Registry, convert Converter, log *zap.Logger) *Server {
	if cfg.MaxMessageBytes <= 0 {
		cfg.MaxMessageBytes = 64 << 20
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = 256
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "localhost"
	}
	if cfg.Protocol == "" {
		cfg.Protocol = ProtocolLMTP
	}
	return &Server{cfg: cfg, sys: sys, sessions: sessions, dir: newResolveCache(dir, cfg.ResolveCacheTTL), stores: stores, convert: convert, log: log}
}

// session is the go-smtp side of one connection: it forwards commands to
// the session actor.
type session struct {
	s           *Server
	pid         *actors.PID
	conn        *smtp.Conn
	implicitTLS bool
	size        int64 // MAIL's SIZE, the message's expected size
}

func (s *Server) newSession(c *smtp.Conn, implicitTLS bool) (smtp.Session, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	remote := ""
	if a := c.Conn().RemoteAddr(); a != nil {
		remote = a.String()
	}
	pid, err := s.sessions.StartSession(ctx, actors.Props{
		Kind: "lmtp-session",
		New:  func() actors.Actor { return &sessionActor{s: s, conn: c, remote: remote} },
	})
	if err != nil {
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Service shutting down"}
	}
	return &session{s: s, pid: pid, conn: c, implicitTLS: implicitTLS}, nil
}

// do runs one command in the session actor and maps its failure.
func (ss *session) do(msg any) error {
	ctx, cancel := context.WithTimeout(context.Background(), ss.s.cfg.Timeout)
	defer cancel()
	_, err := ss.s.sys.Request(ctx, ss.pid, msg)
	var se *smtp.SMTPError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return se
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary server error"}
}

func (ss *session) Reset() { ss.do(resetCmd{}) }

func (ss *session) Logout() error {
	ss.s.sys.Send(ss.pid, logoutCmd{})
	return nil
}

func (ss *session) Mail(from string, opts *smtp.MailOptions) error {
	ss.size = 0
	if opts != nil {
		ss.size = opts.Size
	}
	if ss.s.cfg.ForceTLS && !ss.implicitTLS {
		if _, ok := ss.conn.TLSConnectionState(); !ok {
			return smtpErr(530, smtp.EnhancedCode{5, 7, 0}, "Must issue a STARTTLS command first")
		}
	}
	return ss.do(mailCmd{from})
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error { return ss.do(rcptCmd{to}) }

// Data is SMTP's DATA: one reply for all recipients.
func (ss *session) Data(r io.Reader) error {
	raw, err := readMessage(r, ss.size, ss.conn)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), ss.s.cfg.Timeout)
	defer cancel()
	res, err := actors.Ask[lmtpResult](ctx, ss.s.sys, ss.pid, dataCmd{raw})
	if err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary server error"}
	}
	for _, e := range res.errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// LMTPData is LMTP's DATA: one reply per recipient (RFC 2033 4.2).
func (ss *session) LMTPData(r io.Reader, status smtp.StatusCollector) error {
	raw, err := readMessage(r, ss.size, ss.conn)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), ss.s.cfg.Timeout)
	defer cancel()
	d, err := actors.Ask[lmtpResult](ctx, ss.s.sys, ss.pid, dataCmd{raw})
	if err != nil {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary server error"}
	}
	for i, rc := range d.rcpts {
		status.SetStatus(rc, d.errs[i])
	}
	return nil
}

// readMessage reads DATA's message, of expected size size (0: unknown),
// from connection c.
func readMessage(r io.Reader, size int64, c *smtp.Conn) ([]byte, error) {
	raw, err := readData(r, size, c)
	if err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return nil, se // go-smtp's "too big" is already a 552
		}
		return nil, &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Error reading the message"}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Empty message"}
	}
	return raw, nil
}

// stripExtension removes an address extension ("user+ext@dom" → "user@dom")
// at the first of the delimiter characters, as upstream does.
func stripExtension(addr, delims string) string {
	if delims == "" {
		return addr
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return addr
	}
	local := addr[:at]
	if i := strings.IndexAny(local, delims); i > 0 {
		return local[:i] + addr[at:]
	}
	return addr
}

func smtpErr(code int, enh smtp.EnhancedCode, format string, a ...any) *smtp.SMTPError {
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: fmt.Sprintf(format, a...)}
}
