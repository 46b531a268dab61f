package lmtp

import (
	"bufio"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
	"go.uber.org/zap"
)

// Protocols a listener speaks (upstream's command_protocol).
const (
	ProtocolLMTP = "lmtp"
	ProtocolSMTP = "smtp"
	// ProtocolBoth: LMTP or SMTP, as the client's first command (LHLO,
	// or EHLO/HELO) chooses.
	ProtocolBoth = "both"
)

// Serve accepts plain connections on ln until it is closed (STARTTLS
// offered when the configuration has a certificate).
func (s *Server) Serve(ln net.Listener) error { return s.serve(ln, false) }

// ServeTLS accepts implicit-TLS connections on ln (lda_listen_tls) until
// it is closed.
func (s *Server) ServeTLS(ln net.Listener) error {
	if s.cfg.TLS == nil {
		return errors.New("lmtp: ServeTLS without a TLS configuration")
	}
	return s.serve(tls.NewListener(ln, s.cfg.TLS), true)
}

func (s *Server) serve(ln net.Listener, implicitTLS bool) error {
	// go-smtp's STARTTLS is offered on plain connections only.
	var starttls *tls.Config
	if !implicitTLS {
		starttls = s.cfg.TLS
	}
	switch s.cfg.Protocol {
	case ProtocolLMTP, ProtocolSMTP:
		return ignoreClosed(s.newSMTPServer(s.cfg.Protocol == ProtocolLMTP, starttls, implicitTLS).Serve(ln))
	}
	// Both: the listener greets, reads the client's first command, and
	// hands the connection to the LMTP or the SMTP server.
	lmtpLn := &handoff{addr: ln.Addr(), conns: make(chan net.Conn), done: make(chan struct{})}
	smtpLn := &handoff{addr: ln.Addr(), conns: make(chan net.Conn), done: make(chan struct{})}
	go s.newSMTPServer(true, starttls, implicitTLS).Serve(lmtpLn)
	go s.newSMTPServer(false, starttls, implicitTLS).Serve(smtpLn)
	defer lmtpLn.Close()
	defer smtpLn.Close()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return ignoreClosed(err)
		}
		delay = 0
		go s.dispatch(c, lmtpLn, smtpLn)
	}
}

func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) || errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	return err
}

// greeting is what go-smtp greets with; dispatch sends it itself and drops
// go-smtp's.
func (s *Server) greeting() string { return "220 " + s.cfg.Hostname + " ESMTP Service Ready\r\n" }

// dispatch greets, reads the client's first line and hands the connection
// to the server of that protocol.
func (s *Server) dispatch(c net.Conn, lmtpLn, smtpLn *handoff) {
	c.SetDeadline(time.Now().Add(s.cfg.Timeout))
	if _, err := c.Write([]byte(s.greeting())); err != nil {
		c.Close()
		return
	}
	r := bufio.NewReaderSize(c, 1024)
	line, err := r.ReadSlice('\n')
	if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
		c.Close()
		return
	}
	c.SetDeadline(time.Time{})
	buffered, _ := r.Peek(r.Buffered())
	prefix := append(append([]byte(nil), line...), buffered...)
	to := smtpLn
	if f := strings.Fields(string(line)); len(f) > 0 && strings.EqualFold(f[0], "LHLO") {
		to = lmtpLn
	}
	pc := &prefixConn{Conn: c, prefix: prefix, dropLine: true}
	select {
	case to.conns <- pc:
	case <-to.done:
		c.Close()
	}
}

// handoff is a listener fed by dispatch.
type handoff struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func (h *handoff) Accept() (net.Conn, error) {
	select {
	case c := <-h.conns:
		return c, nil
	case <-h.done:
		return nil, net.ErrClosed
	}
}

func (h *handoff) Close() error {
	h.once.Do(func() { close(h.done) })
	return nil
}

func (h *handoff) Addr() net.Addr { return h.addr }

// prefixConn replays the bytes dispatch read, and drops the first line
// go-smtp writes (its greeting, already sent).
type prefixConn struct {
	net.Conn
	prefix   []byte
	dropLine bool
	mu       sync.Mutex
}

func (p *prefixConn) Read(b []byte) (int, error) {
	p.mu.Lock()
	if len(p.prefix) > 0 {
		n := copy(b, p.prefix)
		p.prefix = p.prefix[n:]
		p.mu.Unlock()
		return n, nil
	}
	p.mu.Unlock()
	return p.Conn.Read(b)
}

func (p *prefixConn) Write(b []byte) (int, error) {
	p.mu.Lock()
	if p.dropLine {
		i := strings.IndexByte(string(b), '\n')
		if i < 0 {
			p.mu.Unlock()
			return len(b), nil // the greeting continues in a later write
		}
		p.dropLine = false
		p.mu.Unlock()
		if _, err := p.Conn.Write(b[i+1:]); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	p.mu.Unlock()
	return p.Conn.Write(b)
}

// maxLineLength bounds command lines. Message lines have no bound: DATA
// lifts it while the message is read (dataread.go), go-smtp's BDAT too.
const maxLineLength = 64 << 10

// newSMTPServer makes a go-smtp server of one protocol.
func (s *Server) newSMTPServer(lmtp bool, starttls *tls.Config, implicitTLS bool) *smtp.Server {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return s.newSession(c, implicitTLS) }))
	srv.LMTP = lmtp
	srv.Domain = s.cfg.Hostname
	srv.MaxMessageBytes = s.cfg.MaxMessageBytes
	srv.MaxRecipients = s.cfg.MaxRecipients
	// go-smtp's line limit (2,000 bytes by default) is meant for command
	// lines, but it also applies to the start of each BDAT chunk, which
	// go-smtp buffers with the BDAT command: a chunk with a longer line
	// gets "500 Too long line" and the connection is closed, and an MTA
	// that uses CHUNKING (Exim does) bounces the message. DATA is read
	// without it (readData). 64 KiB still bounds what a command line can
	// make a session hold.
	srv.MaxLineLength = maxLineLength
	srv.ReadTimeout = s.cfg.Timeout
	srv.WriteTimeout = s.cfg.Timeout
	srv.TLSConfig = starttls
	srv.ErrorLog = zap.NewStdLog(s.log)
	return srv
}
