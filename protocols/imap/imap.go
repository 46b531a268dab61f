// Package imap is the IMAP server (RFC 3501 IMAP4rev1, RFC 9051 IMAP4rev2
// and the extensions go-imap/v2's server offers) on the store. Each
// connection is a session actor under the IMAP protocol supervisor: the
// go-imap connection goroutine is the I/O edge and calls the session
// (imapserver.Session) for every command; each call becomes one message to
// the session actor, which holds the state (user, selected folder, the
// client's view of it, pending changes) and talks to the directory and the
// store.
//
// Invariants:
//   - Never two commands of one connection at once: go-imap reads the next
//     command only after the previous one's reply, and each command is one
//     actor turn. While the connection goroutine waits for the actor, only
//     the actor writes to the connection.
//   - The client's view of the selected folder (sequence numbers to UIDs)
//     changes only when the client is told: new messages when EXISTS is
//     sent, removals when EXPUNGE is sent, never in between. Changes made
//     by other sessions, other protocols and delivery arrive as store
//     notifications and are held until the next command or at once during
//     IDLE.
//   - UIDs and UIDVALIDITY come from the store's IMAP index, which the
//     store actor updates in the same turn as the change it describes.
//   - Nothing outlives the client: a connection that ends stops its actor,
//     and an actor that stops closes its connection.
package imap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
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

// Config are the server's settings (imap.cfg).
type Config struct {
	// TLS enables STARTTLS on plain listeners and is required by
	// ServeTLS; nil: no TLS.
	TLS *tls.Config
	// ForceTLS refuses logins before TLS (imap_force_tls).
	ForceTLS bool
	// IMAP4rev2 offers IMAP4rev2 beside IMAP4rev1 (imap_rfc9051).
	IMAP4rev2 bool
	// Timeout bounds the work of one command. 0: 5 minutes.
	Timeout time.Duration
	// IdleTimeout ends an authenticated session that sends nothing for
	// this long, IDLE included (imap_autologout_time; RFC 9051 5.4 asks
	// for at least 30 minutes). 0: 30 minutes.
	IdleTimeout time.Duration
	// MaxAuthFailures ends the connection after this many failed logins
	// (imap_auth_times). 0: 10.
	MaxAuthFailures int
	// AppendLimit is the largest message APPEND accepts. 0: 64 MiB.
	AppendLimit uint32
	// ExpungeOnDelete expunges a message as soon as \Deleted is set on it
	// (imap_expunge_on_delete).
	ExpungeOnDelete bool
	// Version is the server version the ID command names (RFC 2971).
	// "": the main module's version from the build information.
	Version string
}

// Server is one IMAP service; Serve and ServeTLS run its listeners.
type Server struct {
	cfg      Config
	sys      *actors.System
	sessions Sessions
	auth     Authenticator
	stores   *mailbox.Registry
	log      *zap.Logger
	plain    *imapserver.Server
	implicit *imapserver.Server
	// summaries caches ENVELOPE and BODYSTRUCTURE per message file, for
	// every session.
	summaries *summaryCache

	testHook func(command string) // called before each command (tests)
	testConn func(*idConn)        // called with each new connection (tests)
}

// New makes a server.
func New(cfg Config, sys *actors.System, sessions Sessions, auth Authenticator, stores *mailbox.Registry, log *zap.Logger) *Server {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.MaxAuthFailures <= 0 {
		cfg.MaxAuthFailures = 10
	}
	if cfg.AppendLimit == 0 {
		cfg.AppendLimit = 64 << 20
	}
	if log == nil {
		log = zap.NewNop()
	}
	if cfg.Version == "" {
		cfg.Version = buildVersion()
	}
	s := &Server{cfg: cfg, sys: sys, sessions: sessions, auth: auth, stores: stores, log: log, summaries: newSummaryCache()}
	caps := imap.CapSet{
		imap.CapIMAP4rev1: {}, imap.CapNamespace: {}, imap.CapUIDPlus: {}, imap.CapESearch: {},
		imap.CapListExtended: {}, imap.CapListStatus: {}, imap.CapMove: {}, imap.CapStatusSize: {},
		imap.CapBinary: {}, imap.CapChildren: {}, imap.CapSpecialUse: {}, imap.CapCreateSpecialUse: {}, imap.CapLiteralPlus: {},
	}
	if cfg.IMAP4rev2 {
		caps[imap.CapIMAP4rev2] = struct{}{}
	}
	// go-imap is given no TLS configuration: idConn does STARTTLS, and the
	// session refuses logins before TLS when it is forced (session.login).
	opts := func(implicit bool) *imapserver.Options {
		return &imapserver.Options{
			NewSession: func(c *imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
				return s.newSession(c, implicit)
			},
			Caps:         caps,
			Logger:       zapLogger{log},
			InsecureAuth: true,
		}
	}
	s.plain = imapserver.New(opts(false))
	s.implicit = imapserver.New(opts(true))
	return s
}

// zapLogger routes go-imap's messages to zap.
type zapLogger struct{ l *zap.Logger }

func (z zapLogger) Printf(format string, args ...any) { z.l.Debug(fmt.Sprintf(format, args...)) }

// Serve accepts plain connections (STARTTLS when TLS is configured) on ln
// until it is closed.
func (s *Server) Serve(ln net.Listener) error {
	return ignoreClosed(s.plain.Serve(&listener{Listener: ln, s: s}))
}

// ServeTLS accepts implicit-TLS connections (imaps) on ln until it is
// closed.
func (s *Server) ServeTLS(ln net.Listener) error {
	if s.cfg.TLS == nil {
		return errors.New("imap: ServeTLS without a TLS configuration")
	}
	return ignoreClosed(s.implicit.Serve(&listener{Listener: ln, s: s, tls: s.cfg.TLS}))
}

func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// listener hands go-imap connections whose read deadlines never exceed the
// idle timeout (go-imap's own are fixed at 35 minutes for IDLE), wrapped in
// TLS for implicit-TLS listeners, and below go-imap an idConn that answers
// ID.
type listener struct {
	net.Listener
	s   *Server
	tls *tls.Config
}

func (l *listener) Accept() (net.Conn, error) {
	var delay time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return nil, err
		}
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		var nc net.Conn = &idleConn{Conn: c, idle: l.s.cfg.IdleTimeout}
		if l.tls != nil {
			nc = tls.Server(nc, l.tls)
		}
		// go-imap sees no *tls.Conn, on implicit TLS nor after STARTTLS
		// (done by idConn): its InsecureAuth is set so that logins are
		// offered all the same (see idConn).
		var startTLS *tls.Config
		if l.tls == nil {
			startTLS = l.s.cfg.TLS
		}
		ic := newIDConn(nc, l.s.log, l.s.cfg.Version, startTLS, l.s.cfg.ForceTLS && l.tls == nil)
		if l.s.testConn != nil {
			l.s.testConn(ic)
		}
		return ic, nil
	}
}

// idleConn caps every read deadline at idle from now.
type idleConn struct {
	net.Conn
	idle time.Duration
}

func (c *idleConn) SetReadDeadline(t time.Time) error {
	if limit := time.Now().Add(c.idle); t.IsZero() || t.After(limit) {
		t = limit
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *idleConn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.Conn.SetWriteDeadline(t)
}

// newSession starts the session actor of a new connection.
func (s *Server) newSession(c *imapserver.Conn, implicitTLS bool) (imapserver.Session, *imapserver.GreetingData, error) {
	remote, _ := netip.ParseAddrPort(c.NetConn().RemoteAddr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p := &proxy{s: s, conn: c}
	pid, err := s.sessions.StartSession(ctx, actors.Props{
		Kind:     "imap-session",
		Protocol: "imap",
		Session:  true,
		New: func() actors.Actor {
			return &session{s: s, conn: c, remote: remote, implicitTLS: implicitTLS}
		},
	})
	if err != nil {
		return nil, nil, &imap.Error{Type: imap.StatusResponseTypeBye, Code: imap.ResponseCodeUnavailable, Text: "service shutting down"}
	}
	p.pid = pid
	return p, nil, nil
}
