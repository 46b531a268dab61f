// Package mapihttp is the mailbox endpoint of MAPI over HTTP (EMSMDB,
// MS-OXCMAPIHTTP): Connect, Execute, Disconnect, NotificationWait and PING
// on /mapi/emsmdb, each session context a session actor under the HTTP
// protocol's supervisor that holds the logons and the server object handle
// table (MS-OXCROPS 3.2) and runs the ROPs of every Execute against the
// store.
//
// Invariants:
//   - Everything a session context owns (its logons, handle table, open
//     message instances, tables, subscriptions, queued notifications and
//     the sequence cookie) lives in its actor; the HTTP handlers only
//     translate requests into actor messages and stream the answers.
//   - One Execute of a session context runs at a time: the sequence cookie
//     is checked and replaced in one actor turn before the ROPs run, so a
//     request that reuses an old sequence is refused (X-ResponseCode 15).
//   - A panic while running a ROP ends that session context only: its
//     actor stops, the request in flight fails with X-ResponseCode 10
//     (Context Not Found; after DONE when the response had already begun)
//     and the client reconnects. Other sessions go on.
//   - A ROP buffer is parsed whole before any of its ROPs runs: one that
//     cannot be parsed fails the Execute with ecRpcFormat and changes
//     nothing. A ROP that parses but has no handler answers
//     ecNotSupported in its own response.
//   - A session context that sees no request for Config.SessionTimeout
//     ends, and so does one whose Connect is repeated with its cookie
//     (MS-OXCMAPIHTTP 3.2.5.6).
//   - A ROP output never exceeds the client's limits: each ROP response
//     buffer fits in one 32 KB extended buffer and the whole output in
//     MaxRopOut; a response that does not fit ends the buffer with
//     RopBufferTooSmall (MS-OXCROPS 3.2.5.1).
package mapihttp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"go.uber.org/zap"
)

// Sessions starts session actors under the protocol's supervisor.
type Sessions interface {
	StartSession(ctx context.Context, props actors.Props) (*actors.PID, error)
}

// Submitter sends a message a user submitted (RopSubmitMessage): the
// outbound path (*outbound.Submitter). A message with a deferred send
// time is accepted (nil) and waits, submitted, until its time.
type Submitter interface {
	Submit(ctx context.Context, user *directory.User, mid uint64) error
}

// SubmitAborter is a Submitter that can take back a submitted message
// that has not left yet (RopAbortSubmit): a deferred send. It returns an
// error wrapping mapi.EcNotInQueue when there is nothing to take back.
type SubmitAborter interface {
	AbortSubmit(ctx context.Context, user *directory.User, fid, mid uint64) error
}

// Directory finds the mailbox a RopLogon's ESSDN names (another user's,
// for a delegate with full access).
type Directory interface {
	Lookup(ctx context.Context, login string) (*directory.User, error)
	Domains(ctx context.Context) ([]directory.Domain, error)
}

// Config are the endpoint's settings.
type Config struct {
	// OrgName is the x500 organization of the DNs (x500_org_name); the
	// Connect's user DN must be the one AutoDiscover handed out.
	OrgName string
	// ServerVersion is reported_server_version, dotted, for
	// X-ServerApplication. "" : 15.00.0847.4040.
	ServerVersion string
	// SessionTimeout ends a session context without requests for this
	// long (upstream: 900 s plus 60 s grace). 0: 960 s.
	SessionTimeout time.Duration
	// PendingPeriod is the interval of the PENDING keep-alives
	// (X-PendingPeriod). 0: 30 s.
	PendingPeriod time.Duration
	// MaxWait bounds a NotificationWait without events. 0: 5 minutes.
	MaxWait time.Duration
	// Timeout bounds the work of one request. 0: 5 minutes.
	Timeout time.Duration
	// CompressThreshold: ROP output of at least this many bytes is
	// compressed when the client allows it; negative: never
	// (emsmdb_compress_threshold, upstream's default -1).
	CompressThreshold int
	// MaxSessionsPerUser bounds the live session contexts of one user
	// (upstream emsmdb_max_cxh_per_user). 0: 100.
	MaxSessionsPerUser int
}

func (c *Config) defaults() {
	if c.ServerVersion == "" {
		c.ServerVersion = "15.00.0847.4040"
	}
	if c.SessionTimeout <= 0 {
		c.SessionTimeout = 960 * time.Second
	}
	if c.PendingPeriod <= 0 {
		c.PendingPeriod = 30 * time.Second
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 5 * time.Minute
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Minute
	}
	if c.MaxSessionsPerUser <= 0 {
		c.MaxSessionsPerUser = 100
	}
}

// Values the Connect response reports (MS-OXCRPC 3.1.4.1: pcmsPollsMax,
// pcRetry, pcmsRetryDelay), as Exchange sends them.
const (
	maxPollingInterval = 60000 // ms
	retryCount         = 6
	retryDelay         = 10000 // ms
)

// Server is the EMSMDB endpoint.
type Server struct {
	cfg      Config
	sys      *actors.System
	sessions Sessions
	stores   *mailbox.Registry
	submit   Submitter
	dir      Directory // nil: only the user's own mailbox
	log      *zap.Logger

	live sync.Map // sid -> *sessionRef

	// ropHook is called before each ROP runs (tests: panic isolation).
	ropHook atomic.Pointer[func(ropID uint8)]
}

// sessionRef is what the HTTP handlers know of a live session context.
type sessionRef struct {
	pid  *actors.PID
	user string // the authenticated username that made it
}

// New makes the endpoint. submit may be nil (RopSubmitMessage then
// answers ecNotSupported).
func New(cfg Config, sys *actors.System, sessions Sessions, stores *mailbox.Registry, submit Submitter, log *zap.Logger) *Server {
	cfg.defaults()
	if log == nil {
		log = zap.NewNop()
	}
	return &Server{cfg: cfg, sys: sys, sessions: sessions, stores: stores, submit: submit, log: log}
}

// SetDirectory lets logons open other users' mailboxes through dir (the
// user must own them: RightStoreOwner). Call it before serving.
func (s *Server) SetDirectory(dir Directory) { s.dir = dir }

// Sessions returns the number of live session contexts.
func (s *Server) Sessions() int {
	n := 0
	s.live.Range(func(any, any) bool { n++; return true })
	return n
}

// userSessions counts the live session contexts of a user.
func (s *Server) userSessions(user string) int {
	n := 0
	s.live.Range(func(_, v any) bool {
		if strings.EqualFold(v.(*sessionRef).user, user) {
			n++
		}
		return true
	})
	return n
}

func (s *Server) lookup(sid string) *sessionRef {
	if v, ok := s.live.Load(sid); ok {
		return v.(*sessionRef)
	}
	return nil
}

// forget drops a session context from the table (its actor is stopping).
func (s *Server) forget(sid string, pid *actors.PID) {
	if v, ok := s.live.Load(sid); ok && v.(*sessionRef).pid.Equal(pid) {
		s.live.Delete(sid)
	}
}

// newToken returns a random cookie value in GUID form.
func newToken() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return "{" + strings.ToUpper(h[0:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:32]) + "}"
}

// ctx is the context of one request's work.
func (s *Server) ctx(parent context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(parent, s.cfg.Timeout)
}
