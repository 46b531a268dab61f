// Package nspi is the address book endpoint of MAPI over HTTP
// (MS-OXCMAPIHTTP 2.2.5, /mapi/nspi/): the NSPI requests of MS-OXNSPI
// served from the directory's global address list.
//
// Invariants:
//   - One session actor per session context (Bind to Unbind or expiry),
//     under the protocol's supervisor. It owns the session's state (the
//     address book snapshot it bound to) and runs its requests one at a
//     time. A panic in a request ends that session only; the client gets
//     X-ResponseCode 1, then 10 (context not found), and binds again.
//   - The HTTP edge owns no session state: it checks the headers and the
//     cookie, finds the session's actor by its sid and asks it.
//   - The address book is an immutable snapshot per organization, read
//     from the directory at Bind (at most once per BookTTL) and shared by
//     the sessions: no directory query while a session serves requests.
//   - Minimal entry ids are derived from directory ids (users.id + 0x10),
//     so they stay stable across snapshots and restarts.
//   - The display templates (upstream's abkt.pak) are read once, in New,
//     into an immutable map the sessions share.
//   - Bodies are decoded by package wire; a body that does not decode gets
//     X-ResponseCode 12 (invalid request body), never a panic.
package nspi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
)

// Path is where the endpoint is served (a prefix: the MailboxId query and
// any trailing path are not used for routing).
const Path = "/mapi/nspi"

// X-ResponseCode values (MS-OXCMAPIHTTP 2.2.3.3.3).
const (
	rcSuccess            = 0
	rcUnknownFailure     = 1
	rcInvalidVerb        = 2
	rcInvalidRequestType = 5
	rcMissingHeader      = 7
	rcTooLarge           = 9
	rcContextNotFound    = 10
	rcNoPrivilege        = 11
	rcInvalidRequestBody = 12
	rcMissingCookie      = 13
	rcShuttingDown       = 18
)

// Directory gives the address book its objects (*directory.DB).
type Directory interface {
	// GAL lists the objects the users of the domain see (its
	// organization's, hidden ones flagged).
	GAL(ctx context.Context, domainID int64) ([]directory.GALEntry, error)
	// Domains lists the domains (names of the containers).
	Domains(ctx context.Context) ([]directory.Domain, error)
}

// Sessions starts session actors under the protocol's supervisor.
type Sessions interface {
	StartSession(ctx context.Context, props actors.Props) (*actors.PID, error)
}

// Config are the endpoint's settings.
type Config struct {
	// AutoDiscover gives the organization of the DNs and the URLs of
	// GetMailboxUrl/GetAddressBookUrl, the same AutoDiscover hands out.
	AutoDiscover autodiscover.Config
	// SessionTimeout ends a session this long after its last request
	// (MS-OXCMAPIHTTP X-ExpirationInfo; upstream 900 s + 60 s grace).
	// 0: 960 s.
	SessionTimeout time.Duration
	// BookTTL is how long an address book snapshot serves new sessions
	// before the directory is read again. 0: 5 minutes.
	BookTTL time.Duration
	// RequestTimeout bounds one request in its session. 0: 1 minute.
	RequestTimeout time.Duration
	// MaxSessionsPerUser bounds a user's session contexts: a Bind past
	// it ends the user's oldest one (clients that never Unbind). 0: 100.
	MaxSessionsPerUser int
	// DataFilePath are the directories searched for upstream's display
	// templates (TemplatePak) when the server is made; none: no
	// templates.
	DataFilePath config.SearchPath
}

// Server serves the NSPI endpoint.
type Server struct {
	cfg      Config
	sys      *actors.System
	sessions Sessions
	dir      Directory
	log      *zap.Logger
	guid     mapi.GUID // the server GUID of Bind and of ephemeral entry ids
	// templates are the display templates of GetTemplateInfo, loaded
	// from DataFilePath once (nil: none).
	templates *Templates

	live  sync.Map // sid → *sessionRef
	users sync.Map // lower-cased username → *userSessions
	books sync.Map // base (org id, or -domain id) → *Book

	// beforeRequest runs in the session actor before each request
	// (tests: to make one panic).
	beforeRequest func(kind string)
}

// sessionRef is what the HTTP edge knows of a session.
type sessionRef struct {
	pid      *actors.PID
	username string
}

// userSessions are a user's session contexts, oldest first.
type userSessions struct {
	mu   sync.Mutex
	sids []string
}

// add records a new session of the user and returns those past the limit
// (oldest first), which the caller ends.
func (s *Server) addUserSession(username, sid string) []string {
	v, _ := s.users.LoadOrStore(strings.ToLower(username), &userSessions{})
	us := v.(*userSessions)
	us.mu.Lock()
	defer us.mu.Unlock()
	us.sids = append(us.sids, sid)
	if n := len(us.sids) - s.cfg.MaxSessionsPerUser; n > 0 {
		evict := append([]string(nil), us.sids[:n]...)
		us.sids = us.sids[n:]
		return evict
	}
	return nil
}

func (s *Server) dropUserSession(username, sid string) {
	v, ok := s.users.Load(strings.ToLower(username))
	if !ok {
		return
	}
	us := v.(*userSessions)
	us.mu.Lock()
	defer us.mu.Unlock()
	for i, x := range us.sids {
		if x == sid {
			us.sids = append(us.sids[:i], us.sids[i+1:]...)
			return
		}
	}
}

// end ends a session context: the edge forgets it and its actor stops.
func (s *Server) end(sid string) {
	if v, ok := s.live.Load(sid); ok {
		ref := v.(*sessionRef)
		s.forget(sid, ref.pid)
		s.sys.Stop(ref.pid)
	}
}

// New makes a server. It reads the display templates of cfg.DataFilePath
// now, logging what it found; a missing or corrupt pak leaves the server
// without templates.
func New(cfg Config, sys *actors.System, sessions Sessions, dir Directory, log *zap.Logger) *Server {
	if cfg.SessionTimeout <= 0 {
		cfg.SessionTimeout = 960 * time.Second
	}
	if cfg.BookTTL <= 0 {
		cfg.BookTTL = 5 * time.Minute
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = time.Minute
	}
	if cfg.MaxSessionsPerUser <= 0 {
		cfg.MaxSessionsPerUser = 100
	}
	if cfg.AutoDiscover.OrgName == "" {
		cfg.AutoDiscover.OrgName = autodiscover.DefaultOrgName
	}
	if log == nil {
		log = zap.NewNop()
	}
	s := &Server{cfg: cfg, sys: sys, sessions: sessions, dir: dir, log: log}
	if len(cfg.DataFilePath) > 0 {
		s.templates = loadTemplates(cfg.DataFilePath, log)
	}
	rand.Read(s.guid[:])
	return s
}

// Register serves the endpoint on the front, behind its authentication.
func (s *Server) Register(front *gxhttp.Server) {
	front.Router().Handle(Path, front.Authenticated(s), gxhttp.Prefix())
}

// ServerGUID is the GUID Bind reports.
func (s *Server) ServerGUID() mapi.GUID { return s.guid }

// Sessions returns the number of live session contexts.
func (s *Server) Sessions() int {
	n := 0
	s.live.Range(func(any, any) bool { n++; return true })
	return n
}

// requestKinds are the request types served (MS-OXCMAPIHTTP 2.2.5),
// lower-cased.
var requestKinds = map[string]bool{
	"bind": true, "unbind": true, "comparemids": true, "dntomid": true, "getmatches": true,
	"getproplist": true, "getprops": true, "getspecialtable": true, "gettemplateinfo": true,
	"queryrows": true, "querycolumns": true, "resolvenames": true, "seekentries": true,
	"updatestat": true, "getmailboxurl": true, "getaddressbookurl": true, "ping": true,
	"resortrestriction": true,
}

// ServeHTTP serves one request of an authenticated user (see Register).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if r.Method != http.MethodPost {
		s.fail(w, r, rcInvalidVerb, "only POST is served")
		return
	}
	kind := strings.ToLower(strings.TrimSpace(r.Header.Get("X-RequestType")))
	switch {
	case kind == "":
		s.fail(w, r, rcMissingHeader, "X-RequestType missing")
		return
	case !requestKinds[kind]:
		s.fail(w, r, rcInvalidRequestType, "request type not supported")
		return
	case r.Header.Get("X-RequestId") == "" || r.Header.Get("X-ClientInfo") == "":
		s.fail(w, r, rcMissingHeader, "X-RequestId and X-ClientInfo are required")
		return
	}
	user, ok := gxhttp.UserFrom(r.Context())
	if !ok {
		s.fail(w, r, rcNoPrivilege, "not authenticated")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.fail(w, r, rcTooLarge, "request body too large")
		} else {
			s.fail(w, r, rcInvalidRequestBody, "request body unreadable")
		}
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
	defer cancel()

	if kind == "bind" {
		s.bind(ctx, w, r, user, body, start)
		return
	}
	sid := cookie(r, "sid")
	ref, _ := s.live.Load(sid)
	switch {
	case kind == "ping":
		if ref != nil {
			s.sys.Send(ref.(*sessionRef).pid, touch{})
		}
		s.done(w, r, sid, nil, start)
		return
	case sid == "" && (kind == "getmailboxurl" || kind == "getaddressbookurl"):
		// Allowed before Bind: nothing of a session is needed.
		out, err := urlRequest(kind, body, s.cfg.AutoDiscover, nil, user)
		if err != nil {
			s.fail(w, r, rcInvalidRequestBody, err.Error())
			return
		}
		s.done(w, r, "", out, start)
		return
	case sid == "":
		s.fail(w, r, rcMissingCookie, "sid cookie missing")
		return
	case ref == nil:
		s.fail(w, r, rcContextNotFound, "no such session context")
		return
	case !strings.EqualFold(ref.(*sessionRef).username, user.Username):
		s.fail(w, r, rcNoPrivilege, "session context of another user")
		return
	}
	sr := ref.(*sessionRef)
	res, err := actors.Ask[reply](ctx, s.sys, sr.pid, request{kind: kind, body: body})
	switch {
	case errors.Is(err, actors.ErrFailed):
		s.forget(sid, sr.pid)
		s.fail(w, r, rcUnknownFailure, "the session failed and was ended")
		return
	case errors.Is(err, actors.ErrStopped):
		s.forget(sid, sr.pid)
		s.fail(w, r, rcContextNotFound, "session context ended")
		return
	case err != nil:
		s.fail(w, r, rcUnknownFailure, "request failed")
		return
	case res.badBody != nil:
		s.fail(w, r, rcInvalidRequestBody, res.badBody.Error())
		return
	}
	if kind == "unbind" {
		s.end(sid)
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "", Path: Path, MaxAge: -1})
		sid = ""
	}
	s.done(w, r, sid, res.body, start)
}

// bind starts a session context and binds it (MS-OXCMAPIHTTP 2.2.5.1).
func (s *Server) bind(ctx context.Context, w http.ResponseWriter, r *http.Request, user *directory.User, body []byte, start time.Time) {
	var req wire.BindRequest
	if err := req.Decode(body); err != nil {
		s.fail(w, r, rcInvalidRequestBody, err.Error())
		return
	}
	sid := newSID()
	pid, err := s.sessions.StartSession(ctx, actors.Props{
		Kind: "nspi-session", User: user.Username,
		New: func() actors.Actor { return &session{srv: s, sid: sid, user: user} },
	})
	if err != nil {
		s.fail(w, r, rcShuttingDown, "service shutting down")
		return
	}
	res, err := actors.Ask[reply](ctx, s.sys, pid, bindMsg{req: &req})
	if err != nil || res.body == nil {
		s.sys.Stop(pid)
		s.fail(w, r, rcUnknownFailure, "bind failed")
		return
	}
	if !res.bound {
		s.sys.Stop(pid)
		s.done(w, r, "", res.body, start)
		return
	}
	// A Bind with the cookie of a live context of the user replaces it.
	if old := cookie(r, "sid"); old != "" {
		if v, ok := s.live.Load(old); ok && strings.EqualFold(v.(*sessionRef).username, user.Username) {
			s.end(old)
		}
	}
	s.live.Store(sid, &sessionRef{pid: pid, username: user.Username})
	for _, old := range s.addUserSession(user.Username, sid) {
		s.log.Info("nspi: session limit reached, ending the user's oldest session", zap.String("user", user.Username))
		s.end(old)
	}
	s.done(w, r, sid, res.body, start)
}

// forget drops a session context from the edge's table (if it is still
// the one with that actor).
func (s *Server) forget(sid string, pid *actors.PID) {
	if v, ok := s.live.Load(sid); ok && v.(*sessionRef).pid.Equal(pid) {
		if s.live.CompareAndDelete(sid, v) {
			s.dropUserSession(v.(*sessionRef).username, sid)
		}
	}
}

func newSID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func newSequence() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return "{" + strings.ToUpper(h[0:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:]) + "}"
}

func cookie(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// echo copies the request headers a response repeats (MS-OXCMAPIHTTP
// 2.2.3.2).
func echo(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for _, k := range []string{"X-RequestType", "X-RequestId", "X-ClientInfo"} {
		if v := r.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	h.Set("Cache-Control", "private")
}

// fail answers a request the protocol layer refuses: HTTP 200, text/html
// and the X-ResponseCode (MS-OXCMAPIHTTP 2.2.3.3.3, 3.2.5.1).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, why string) {
	echo(w, r)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-ResponseCode", strconv.Itoa(code))
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "<html><head><title>NSPI error</title></head><body>X-ResponseCode %d: %s</body></html>\n", code, html.EscapeString(why))
	s.log.Debug("nspi request refused", zap.String("type", r.Header.Get("X-RequestType")), zap.Int("code", code), zap.String("why", why))
}

// done writes a successful response: the headers, the session cookies
// (sid when there is one, and a new sequence) and the PROCESSING/DONE
// stream with the body (MS-OXCMAPIHTTP 2.2.7, 3.2.5.2).
func (s *Server) done(w http.ResponseWriter, r *http.Request, sid string, body []byte, start time.Time) {
	echo(w, r)
	h := w.Header()
	h.Set("Content-Type", "application/mapi-http")
	h.Set("X-ResponseCode", strconv.Itoa(rcSuccess))
	h.Set("X-PendingPeriod", "30000")
	h.Set("X-ExpirationInfo", strconv.FormatInt(s.cfg.SessionTimeout.Milliseconds(), 10))
	if v := s.cfg.AutoDiscover.ServerVersion; v != "" {
		h.Set("X-ServerApplication", "Exchange/"+v)
	}
	if sid != "" {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, Path: Path, HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "sequence", Value: newSequence(), Path: Path, HttpOnly: true})
	}
	w.WriteHeader(http.StatusOK)
	if err := wire.NewResponseStream(flushWriter{w}, start).Done(body); err != nil {
		s.log.Debug("nspi response", zap.Error(err))
	}
}

type flushWriter struct{ http.ResponseWriter }

func (f flushWriter) Flush() { _ = http.NewResponseController(f.ResponseWriter).Flush() }

// book returns the address book snapshot of the user's organization,
// reading the directory when there is none or it is older than BookTTL.
func (s *Server) book(ctx context.Context, u *directory.User) (*Book, error) {
	base := u.OrgID
	if base == 0 {
		base = -u.DomainID
	}
	if v, ok := s.books.Load(base); ok && time.Since(v.(*Book).Loaded) < s.cfg.BookTTL {
		return v.(*Book), nil
	}
	gal, err := s.dir.GAL(ctx, u.DomainID)
	if err != nil {
		return nil, fmt.Errorf("nspi: address book of %s: %w", u.Username, err)
	}
	domains, err := s.dir.Domains(ctx)
	if err != nil {
		return nil, fmt.Errorf("nspi: address book of %s: %w", u.Username, err)
	}
	b := NewBook(s.cfg.AutoDiscover.OrgName, gal, domains)
	b.links = &links{dir: s.dir}
	s.books.Store(base, b)
	return b, nil
}

// urlRequest answers GetMailboxUrl and GetAddressBookUrl (MS-OXCMAPIHTTP
// 2.2.5.18, 2.2.5.19) with the URLs AutoDiscover gives: of the mailbox the
// DN names when the book knows it, else of the user's own.
func urlRequest(kind string, body []byte, ad autodiscover.Config, book *Book, user *directory.User) ([]byte, error) {
	var dn string
	if kind == "getmailboxurl" {
		var req wire.GetMailboxURLRequest
		if err := req.Decode(body); err != nil {
			return nil, err
		}
		dn = req.ServerDN
	} else {
		var req wire.GetAddressBookURLRequest
		if err := req.Decode(body); err != nil {
			return nil, err
		}
		dn = req.UserDN
	}
	mbid := autodiscover.MailboxID(user.Username, uint32(user.ID))
	domain := user.Domain
	if domain == "" {
		_, domain, _ = strings.Cut(user.Username, "@")
	}
	if book != nil {
		if e := book.EntryByDN(dn); e != nil && e.Kind != KindList {
			mbid, domain = autodiscover.MailboxID(e.Username, uint32(e.ID)), e.Domain
		}
	}
	// A server DN ends in cn=<mailbox id>@<domain> (autodiscover.ServerDN).
	if i := strings.LastIndex(strings.ToLower(dn), "/cn=servers/cn="); i >= 0 {
		if id, dom, ok := strings.Cut(dn[i+len("/cn=servers/cn="):], "@"); ok && id != "" && dom != "" && !strings.ContainsAny(dom, "/?#") {
			mbid, domain = id, dom
		}
	}
	url := ad.AddressBookURL(mbid, domain)
	if kind == "getmailboxurl" {
		url = ad.MailStoreURL(mbid, domain)
	}
	return (&wire.URLResponse{ServerURL: url}).Encode()
}
