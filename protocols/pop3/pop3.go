// Package pop3 is the POP3 server (RFC 1939, with RFC 2449 CAPA, RFC 2595
// STLS and RFC 5034 AUTH PLAIN) on the store: the Inbox of the logged-in
// user, as upstream's pop3 daemon serves it. Each connection is a session
// actor under the POP3 protocol supervisor: the connection goroutine is the
// I/O edge, it reads one command line at a time and forwards it to the
// actor, which holds the session's state (user, message list, deletion
// marks) and talks to the directory and the store.
//
// Invariants:
//   - Never two commands of one connection at once: the connection
//     goroutine waits for each reply before it reads the next line.
//   - The message list (numbers, sizes, UIDLs) is fixed at login for the
//     whole session (RFC 1939 maildrop semantics); DELE only marks, and the
//     marked messages are deleted from the store at QUIT, never earlier.
//   - The size LIST and STAT report is the exact octet count RETR sends:
//     the original RFC 5322 bytes with CRLF line ends, dot-stuffing and the
//     terminating ".CRLF" excluded (RFC 1939 5, 11).
//   - Every read and write has a deadline, every command line is bounded;
//     a connection that ends for any reason stops its actor, and an actor
//     that stops closes its connection: nothing outlives the client.
package pop3

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"go.uber.org/zap"
)

// Authenticator checks a login against the directory (*directory.Auth),
// writing the fail2ban line and applying the rate limits itself.
type Authenticator interface {
	Authenticate(ctx context.Context, c directory.Credentials) (*directory.User, error)
}

// Sessions starts session actors under the protocol's supervisor.
type Sessions interface {
	StartSession(ctx context.Context, props actors.Props) (*actors.PID, error)
}

// Config are the listener's settings.
type Config struct {
	Hostname string
	// TLS enables STLS on plain listeners and is required by ServeTLS;
	// nil: no TLS, STLS is neither offered nor accepted.
	TLS *tls.Config
	// Timeout bounds each command: writing its reply and the work behind
	// it. 0: 1 minute.
	Timeout time.Duration
	// IdleTimeout is how long the server waits for the next command
	// (RFC 1939 3: at least 10 minutes). 0: 10 minutes.
	IdleTimeout time.Duration
	// MaxAuthFailures closes the connection after this many failed logins
	// (upstream pop3_auth_times). 0: 3.
	MaxAuthFailures int
}

// Limits of the command reader.
const (
	maxLine    = 4096    // longest accepted command line (RFC 2449 4 asks for 255)
	maxDiscard = 4 << 20 // an over-long line is skipped up to this much, then the connection closes
)

// Server is one POP3 service; Serve and ServeTLS run its listeners.
type Server struct {
	cfg      Config
	sys      *actors.System
	sessions Sessions
	auth     Authenticator
	stores   *mailbox.Registry
	log      *zap.Logger
	sizes    sizeCache            // wire sizes of message files (loadMaildrop)
	testHook func(command string) // called before each command (tests)
}

// New makes a server.
func New(cfg Config, sys *actors.System, sessions Sessions, auth Authenticator, stores *mailbox.Registry, log *zap.Logger) *Server {
	if cfg.Timeout <= 0 {
		cfg.Timeout = time.Minute
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 10 * time.Minute
	}
	if cfg.MaxAuthFailures <= 0 {
		cfg.MaxAuthFailures = 3
	}
	if cfg.Hostname == "" {
		cfg.Hostname = "localhost"
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Server{cfg: cfg, sys: sys, sessions: sessions, auth: auth, stores: stores, log: log}
}

// Serve accepts plain connections (STLS when TLS is configured) on ln until
// it is closed.
func (s *Server) Serve(ln net.Listener) error { return s.serve(ln, false) }

// ServeTLS accepts implicit-TLS connections (pop3s) on ln until it is
// closed.
func (s *Server) ServeTLS(ln net.Listener) error {
	if s.cfg.TLS == nil {
		return errors.New("pop3: ServeTLS without a TLS configuration")
	}
	return s.serve(ln, true)
}

func (s *Server) serve(ln net.Listener, implicitTLS bool) error {
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		go s.handle(c, implicitTLS)
	}
}

// conn is the I/O edge of one connection.
type conn struct {
	s      *Server
	raw    net.Conn
	nc     net.Conn // raw, or the TLS connection over it
	r      *bufio.Reader
	w      *bufio.Writer
	pid    *actors.PID
	closed sync.Once
}

func (c *conn) close() { c.closed.Do(func() { c.raw.Close() }) }

func (s *Server) handle(raw net.Conn, implicitTLS bool) {
	c := &conn{s: s, raw: raw, nc: raw}
	defer c.close()
	remote, _ := netip.ParseAddrPort(raw.RemoteAddr().String())
	if implicitTLS {
		tc := tls.Server(raw, s.cfg.TLS)
		raw.SetDeadline(time.Now().Add(s.cfg.Timeout))
		if err := tc.Handshake(); err != nil {
			s.log.Debug("tls handshake failed", zap.Stringer("remote", remote), zap.Error(err))
			return
		}
		raw.SetDeadline(time.Time{})
		c.nc = tc
	}
	c.r = bufio.NewReaderSize(c.nc, maxLine)
	c.w = bufio.NewWriter(c.nc)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	pid, err := s.sessions.StartSession(ctx, actors.Props{
		Kind:     "pop3-session",
		Protocol: "pop3",
		Session:  true,
		// Its messages are the connection goroutine's commands, which it
		// waits for, and its supervisors' stops: they run on the sender.
		// It sends nothing an actor runs inline.
		Inline: true,
		New: func() actors.Actor {
			return &session{s: s, conn: c, remote: remote, tls: implicitTLS}
		},
	})
	cancel()
	if err != nil {
		c.write([]byte("-ERR [SYS/TEMP] service shutting down\r\n"))
		return
	}
	c.pid = pid
	defer s.sys.Poison(pid)
	if !c.write([]byte("+OK " + s.cfg.Hostname + " POP3 server ready\r\n")) {
		return
	}
	c.loop()
}

// loop reads commands and forwards them to the session actor until the
// session or the connection ends.
func (c *conn) loop() {
	s := c.s
	for {
		line, err := c.readLine()
		switch {
		case errors.Is(err, errLineTooLong):
			if !c.write([]byte("-ERR command line too long\r\n")) {
				return
			}
			continue
		case err != nil:
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				c.write([]byte("-ERR autologout: idle for too long\r\n")) // RFC 1939 3
			}
			return // vanished, idle, or closed by the actor
		}
		cmd, perr := parseCommand(line)
		if perr != nil {
			if !c.write([]byte("-ERR " + perr.Error() + "\r\n")) {
				return
			}
			continue
		}
		res, ok := c.ask(cmd)
		if !ok {
			return
		}
		for res.cont { // AUTH PLAIN without an initial response
			if !c.write(res.out) {
				return
			}
			line, err := c.readLine()
			if errors.Is(err, errLineTooLong) {
				line = []byte("*") // RFC 5034 4: too long to be credentials; cancel
			} else if err != nil {
				return
			}
			res, ok = c.ask(authLine{string(line)})
			if !ok {
				return
			}
		}
		sent := c.write(res.out)
		if res.pooled {
			mailbox.PutMessageBuffer(&res.out, res.out)
		}
		if !sent || res.close {
			return
		}
		if res.startTLS {
			if c.r.Buffered() > 0 {
				return // command injection before the handshake (RFC 2595 3.1 hint, CVE-2011-0411)
			}
			tc := tls.Server(c.raw, s.cfg.TLS)
			c.raw.SetDeadline(time.Now().Add(s.cfg.Timeout))
			if err := tc.Handshake(); err != nil {
				s.log.Debug("tls handshake failed", zap.Error(err))
				return
			}
			c.raw.SetDeadline(time.Time{})
			c.nc = tc
			c.r.Reset(tc)
			c.w.Reset(tc)
		}
	}
}

// ask runs one command in the session actor; false: the session is gone.
func (c *conn) ask(msg any) (response, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), c.s.cfg.Timeout)
	defer cancel()
	res, err := actors.Ask[response](ctx, c.s.sys, c.pid, msg)
	if err != nil {
		if errors.Is(err, actors.ErrStopped) {
			return response{}, false
		}
		c.s.log.Warn("pop3 command failed", zap.Error(err))
		return response{out: []byte("-ERR [SYS/TEMP] server error\r\n"), close: true}, true
	}
	return res, true
}

var errLineTooLong = errors.New("pop3: command line too long")

// readLine reads one command line without its line end. A line longer
// than maxLine is skipped (up to maxDiscard) and reported as
// errLineTooLong.
func (c *conn) readLine() ([]byte, error) {
	c.nc.SetReadDeadline(time.Now().Add(c.s.cfg.IdleTimeout))
	line, err := c.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		skipped := len(line)
		for errors.Is(err, bufio.ErrBufferFull) {
			if skipped > maxDiscard {
				return nil, io.ErrUnexpectedEOF
			}
			c.nc.SetReadDeadline(time.Now().Add(c.s.cfg.Timeout))
			line, err = c.r.ReadSlice('\n')
			skipped += len(line)
		}
		if err != nil {
			return nil, err
		}
		return nil, errLineTooLong
	}
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(line))
	copy(out, line)
	return trimEOL(out), nil
}

// write sends out with the command deadline; false: the connection is
// unusable.
func (c *conn) write(out []byte) bool {
	c.nc.SetWriteDeadline(time.Now().Add(c.s.cfg.Timeout))
	if _, err := c.w.Write(out); err != nil {
		return false
	}
	return c.w.Flush() == nil
}

func trimEOL(b []byte) []byte {
	n := len(b)
	if n > 0 && b[n-1] == '\n' {
		n--
	}
	if n > 0 && b[n-1] == '\r' {
		n--
	}
	return b[:n]
}
