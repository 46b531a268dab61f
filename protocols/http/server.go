// Package http is the HTTP front: the listeners (plain and TLS), HTTP/1.1
// with keep-alive and chunked responses, limits and timeouts, routing by
// path without regard to case, authentication, and one access log line per
// request. The protocols served over HTTP (AutoDiscover, MAPI/HTTP, EWS)
// register their handlers on its Router.
//
// Invariants:
//   - Every request gets exactly one access log line, whatever its handler
//     does, including panicking: a panic is logged with its stack, answered
//     500 if nothing was sent yet, and the server goes on.
//   - A request body is never read past Config.MaxBodyBytes: a larger
//     announced length is refused with 413 before the handler runs, a
//     longer chunked body fails the handler's read.
//   - Every request has a deadline (Config.RequestTimeout) except on paths
//     registered with LongPoll, whose contexts end at shutdown instead.
package http

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	stdlog "log"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Config are the front's limits and timeouts (http.cfg and gromox.cfg).
type Config struct {
	// MaxBodyBytes bounds a request body (http_rqbody_max_size); 0: 50 MiB.
	MaxBodyBytes int64
	// MaxHeaderBytes bounds the request line and headers; 0: 64 KiB.
	MaxHeaderBytes int
	// ReadHeaderTimeout bounds reading a request's headers; 0: 1 minute.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes a keep-alive connection without a request for
	// this long (http_conn_timeout); 0: 3 minutes.
	IdleTimeout time.Duration
	// RequestTimeout bounds reading the body, handling and writing the
	// response of a request, except on LongPoll paths; 0: 10 minutes.
	RequestTimeout time.Duration
	// RemoteHostHeader names a header that carries the client's address
	// when a reverse proxy is in front (http_remote_host_hdr); "": the
	// connection's address.
	RemoteHostHeader string
	// ShutdownGrace is how long Shutdown lets running requests finish
	// before it closes their connections; 0: 5 seconds.
	ShutdownGrace time.Duration
}

func (c *Config) defaults() {
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 50 << 20
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = 64 << 10
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = time.Minute
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 3 * time.Minute
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 10 * time.Minute
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = 5 * time.Second
	}
}

// writeGrace is how long past a request's deadline its response may still
// be written.
const writeGrace = 5 * time.Second

// Server is the HTTP front: one net/http server for all its listeners.
type Server struct {
	cfg    Config
	log    *zap.Logger
	router *Router
	srv    *http.Server

	auths    []Authenticator // for Authenticated without its own list
	stopCtx  context.Context // cancelled when Shutdown begins (long polls)
	stop     context.CancelFunc
	shutOnce sync.Once
	shutErr  error
}

// New returns a server with an empty router.
func New(cfg Config, log *zap.Logger) *Server {
	cfg.defaults()
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{cfg: cfg, log: log, router: NewRouter()}
	s.stopCtx, s.stop = context.WithCancel(context.Background())
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    cfg.MaxHeaderBytes,
		// HTTP/1.1 only, as upstream: MAPI/HTTP's chunked long polls and
		// NTLM's per-connection handshake assume it.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		ErrorLog:     errorLog(log),
	}
	return s
}

// errorLog is net/http's error log (TLS handshake noise, bad requests) at
// debug level.
func errorLog(log *zap.Logger) *stdlog.Logger {
	l, err := zap.NewStdLogAt(log, zapcore.DebugLevel)
	if err != nil {
		return zap.NewStdLog(log)
	}
	return l
}

// SetAuthenticators sets the schemes Authenticated offers when it is given
// none (the server's configured ones: Basic now, NTLM/Negotiate later).
// Call it before serving.
func (s *Server) SetAuthenticators(auths ...Authenticator) { s.auths = auths }

// Router is where protocol packages register their paths.
func (s *Server) Router() *Router { return s.router }

// Serve accepts plain HTTP connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ServeTLS accepts HTTPS connections on ln (implicit TLS with cfg) until
// Shutdown.
func (s *Server) ServeTLS(ln net.Listener, cfg *tls.Config) error {
	if cfg == nil {
		return errors.New("http: ServeTLS without a TLS configuration")
	}
	c := cfg.Clone()
	c.NextProtos = []string{"http/1.1"}
	return s.Serve(tls.NewListener(ln, c))
}

// Shutdown stops accepting, ends long polls, lets other requests finish
// for at most Config.ShutdownGrace (or until ctx is done) and then closes
// every connection. Later calls return the first call's result.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutOnce.Do(func() {
		s.stop()
		gctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownGrace)
		defer cancel()
		if err := s.srv.Shutdown(gctx); err != nil {
			s.shutErr = s.srv.Close()
		}
	})
	return s.shutErr
}

// record is a request's entry for the access log, filled in on the way.
type record struct {
	user   string
	remote netip.AddrPort
}

type recordKey struct{}

func recordOf(ctx context.Context) *record {
	r, _ := ctx.Value(recordKey{}).(*record)
	return r
}

// RemoteAddr is the client's address: the connection's, or the one the
// configured proxy header carries.
func RemoteAddr(r *http.Request) netip.AddrPort {
	if rec := recordOf(r.Context()); rec != nil {
		return rec.remote
	}
	return remoteOf(r)
}

func (s *Server) remote(r *http.Request) netip.AddrPort {
	if h := s.cfg.RemoteHostHeader; h != "" {
		if v := r.Header.Get(h); v != "" {
			// A proxy chain (X-Forwarded-For) lists the client first.
			v, _, _ = strings.Cut(v, ",")
			v = strings.TrimSpace(v)
			if ap, err := netip.ParseAddrPort(v); err == nil {
				return ap
			}
			if a, err := netip.ParseAddr(v); err == nil {
				return netip.AddrPortFrom(a, 0)
			}
		}
	}
	return remoteOf(r)
}

// ServeHTTP applies the limits, deadlines, panic recovery and access log
// around the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t0 := time.Now()
	rec := &record{remote: s.remote(r)}
	sw := &statusWriter{ResponseWriter: w}
	ctx := context.WithValue(r.Context(), recordKey{}, rec)
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				s.logAccess(r, sw, rec, t0)
				panic(v)
			}
			s.log.Error("http handler panic", zap.String("method", r.Method), zap.String("path", r.URL.Path),
				zap.Any("panic", v), zap.String("stack", string(debug.Stack())))
			if !sw.wrote {
				sw.Header().Set("Connection", "close")
				http.Error(sw, "internal server error", http.StatusInternalServerError)
			}
		}
		s.logAccess(r, sw, rec, t0)
	}()

	// Deadlines first, for every request: one left by an earlier request
	// on this keep-alive connection must not apply to this one.
	rt := s.router.match(r.URL.Path)
	rc := http.NewResponseController(sw)
	if rt != nil && rt.longPoll != nil && rt.longPoll(r) {
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		defer context.AfterFunc(s.stopCtx, cancel)()
	} else {
		dl := t0.Add(s.cfg.RequestTimeout)
		if r.ContentLength != 0 || len(r.TransferEncoding) > 0 {
			// Bound reading the body. The deadline must be gone once the
			// body is read: net/http then reads the connection in the
			// background, and a deadline expiring there would cancel the
			// context of this and every later request on the connection.
			_ = rc.SetReadDeadline(dl)
			r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
		}
		// The handler's context ends at dl; the connection takes writes a
		// little longer, so that a handler can still say it timed out.
		_ = rc.SetWriteDeadline(dl.Add(writeGrace))
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, dl)
		defer cancel()
	}

	if rt == nil {
		http.NotFound(sw, r)
		return
	}
	if r.ContentLength > s.cfg.MaxBodyBytes {
		sw.Header().Set("Connection", "close")
		http.Error(sw, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	r.Body = http.MaxBytesReader(sw, r.Body, s.cfg.MaxBodyBytes)
	rt.h.ServeHTTP(sw, r.WithContext(ctx))
}

func (s *Server) logAccess(r *http.Request, sw *statusWriter, rec *record, t0 time.Time) {
	status := sw.status
	if status == 0 {
		status = http.StatusOK
	}
	user := rec.user
	if user == "" {
		user = "-"
	}
	s.log.Info("http access",
		zap.String("method", r.Method),
		zap.String("path", r.URL.Path),
		zap.Int("status", status),
		zap.Int64("bytes", sw.bytes),
		zap.Duration("duration", time.Since(t0)),
		zap.String("user", user),
		zap.String("remote", remoteString(rec.remote)),
	)
}

func remoteString(ap netip.AddrPort) string {
	if !ap.IsValid() {
		return "-"
	}
	if ap.Port() == 0 {
		return ap.Addr().Unmap().String()
	}
	return net.JoinHostPort(ap.Addr().Unmap().String(), strconv.Itoa(int(ap.Port())))
}

// deadlineBody clears the connection's read deadline when the body ends.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// statusWriter records the status and the body bytes written. It passes
// Flush through for chunked streaming and unwraps for
// http.ResponseController.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote && code >= 200 {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote = true
		if w.status == 0 {
			w.status = http.StatusOK
		}
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush sends what is buffered (a chunk, for streamed responses).
func (w *statusWriter) Flush() {
	if !w.wrote {
		w.wrote = true
		if w.status == 0 {
			w.status = http.StatusOK
		}
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
