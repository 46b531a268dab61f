package mapihttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
)

// Path is where the endpoint is served (a prefix: the MailboxId query and
// any trailing path are not used for routing).
const Path = "/mapi/emsmdb"

// X-ResponseCode values (MS-OXCMAPIHTTP 2.2.3.3.3).
const (
	rcSuccess              = 0
	rcUnknownFailure       = 1
	rcInvalidVerb          = 2
	rcInvalidHeader        = 4
	rcInvalidRequestType   = 5
	rcMissingHeader        = 7
	rcAnonymousNotAllowed  = 8
	rcContextNotFound      = 10
	rcNoPrivilege          = 11
	rcInvalidRequestBody   = 12
	rcMissingCookie        = 13
	rcInvalidSequence      = 15
	rcEndpointShuttingDown = 18
)

// Cookie names of the session context and the sequence (MS-OXCMAPIHTTP
// 2.2.3.2.4: the server chooses them; these are upstream's).
const (
	cookieSession  = "sid"
	cookieSequence = "sequence"
)

// The request types of the mailbox endpoint (MS-OXCMAPIHTTP 2.2.3.3.1).
const (
	reqConnect          = "connect"
	reqExecute          = "execute"
	reqDisconnect       = "disconnect"
	reqNotificationWait = "notificationwait"
	reqPing             = "ping"
)

// Register serves the endpoint on the HTTP front, behind its
// authenticators; NotificationWait requests are long polls.
func (s *Server) Register(front *gxhttp.Server) {
	front.Router().Handle(Path, front.Authenticated(s), gxhttp.Prefix(),
		gxhttp.LongPollIf(func(r *http.Request) bool {
			return strings.EqualFold(r.Header.Get("X-RequestType"), reqNotificationWait)
		}))
}

// flushWriter lets a wire.ResponseStream flush the HTTP response.
type flushWriter struct {
	http.ResponseWriter
	rc *http.ResponseController
}

func (f flushWriter) Flush() { _ = f.rc.Flush() }

// fail answers a request the endpoint refuses before processing it
// (MS-OXCMAPIHTTP 3.2.5.2: HTTP 200 with a non-zero X-ResponseCode and a
// diagnostic body).
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, why string) {
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("X-ResponseCode", strconv.Itoa(code))
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "<html><head><title>MAPI/HTTP error</title></head><body>"+
		strconv.Itoa(code)+" "+htmlEscape(why)+"</body></html>")
	s.log.Debug("emsmdb request refused", zap.String("type", r.Header.Get("X-RequestType")),
		zap.Int("code", code), zap.String("why", why))
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// ServeHTTP serves one request of the mailbox endpoint (MS-OXCMAPIHTTP
// 2.2.2, 3.2.5).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	rt := r.Header.Get("X-RequestType")
	// 2.2.3.3: X-RequestType, X-RequestId and X-ClientInfo are echoed.
	for _, k := range []string{"X-RequestType", "X-RequestId", "X-ClientInfo"} {
		if v := r.Header.Get(k); v != "" {
			h.Set(k, v)
		}
	}
	h.Set("Cache-Control", "private")
	h.Set("X-ServerApplication", "Exchange/"+s.cfg.ServerVersion)
	if r.Method != http.MethodPost {
		s.fail(w, r, rcInvalidVerb, "only POST is served")
		return
	}
	if rt == "" {
		s.fail(w, r, rcMissingHeader, "X-RequestType missing")
		return
	}
	kind := strings.ToLower(rt)
	switch kind {
	case reqConnect, reqExecute, reqDisconnect, reqNotificationWait, reqPing:
	default:
		s.fail(w, r, rcInvalidRequestType, "unknown X-RequestType "+rt)
		return
	}
	for _, k := range []string{"X-RequestId", "X-ClientInfo"} {
		if r.Header.Get(k) == "" {
			s.fail(w, r, rcMissingHeader, k+" missing")
			return
		}
	}
	if kind != reqPing {
		ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
		if !strings.EqualFold(strings.TrimSpace(ct), "application/mapi-http") {
			s.fail(w, r, rcInvalidHeader, "Content-Type must be application/mapi-http")
			return
		}
	}
	user, ok := gxhttp.UserFrom(r.Context())
	if !ok {
		s.fail(w, r, rcAnonymousNotAllowed, "anonymous requests are not served")
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.fail(w, r, rcInvalidRequestBody, "reading the body: "+err.Error())
		return
	}
	if kind == reqConnect {
		s.connect(w, r, user, body, start)
		return
	}
	// Every other request names its session context (2.2.3.2.4).
	c, err := r.Cookie(cookieSession)
	if err != nil || c.Value == "" {
		s.fail(w, r, rcMissingCookie, "no session context cookie")
		return
	}
	ref := s.lookup(c.Value)
	if ref == nil {
		s.fail(w, r, rcContextNotFound, "session context not found or expired")
		return
	}
	if !strings.EqualFold(ref.user, user.Username) {
		s.fail(w, r, rcNoPrivilege, "the session context belongs to another user")
		return
	}
	seq := ""
	if kind == reqExecute || kind == reqDisconnect {
		sc, err := r.Cookie(cookieSequence)
		if err != nil || sc.Value == "" {
			s.fail(w, r, rcMissingCookie, "no sequence cookie")
			return
		}
		seq = sc.Value
	}
	// The body is read before the sequence moves on: a malformed request
	// leaves the session context as it was.
	var (
		execReq wire.ExecuteRequest
		derr    error
	)
	switch kind {
	case reqExecute:
		derr = execReq.Decode(body)
	case reqDisconnect:
		derr = (&wire.DisconnectRequest{}).Decode(body)
	case reqNotificationWait:
		derr = (&wire.NotificationWaitRequest{}).Decode(body)
	}
	if derr != nil {
		s.fail(w, r, rcInvalidRequestBody, derr.Error())
		return
	}
	ctx, cancel := s.ctx(r.Context())
	defer cancel()
	br, err := actors.Ask[beginReply](ctx, s.sys, ref.pid, beginMsg{kind: kind, seq: seq})
	if err != nil {
		s.fail(w, r, rcContextNotFound, "session context ended")
		return
	}
	if br.code != rcSuccess {
		s.fail(w, r, br.code, br.why)
		return
	}
	if br.newSeq != "" {
		http.SetCookie(w, &http.Cookie{Name: cookieSequence, Value: br.newSeq, Path: Path, HttpOnly: true})
	}
	switch kind {
	case reqExecute:
		req := execReq
		s.stream(w, r, start, func(ctx context.Context) ([]byte, int) {
			ctx, cancel := s.ctx(ctx)
			defer cancel()
			out, err := actors.Ask[[]byte](ctx, s.sys, ref.pid, executeMsg{req: req})
			if err != nil {
				s.log.Info("emsmdb execute failed; the session context ends", zap.String("user", user.Username), zap.Error(err))
				s.sys.Stop(ref.pid)
				return nil, rcContextNotFound
			}
			return out, rcSuccess
		})
	case reqDisconnect:
		s.live.Delete(c.Value)
		s.sys.Poison(ref.pid)
		http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: "", Path: Path, MaxAge: -1})
		http.SetCookie(w, &http.Cookie{Name: cookieSequence, Value: "", Path: Path, MaxAge: -1})
		s.stream(w, r, start, func(context.Context) ([]byte, int) {
			b, _ := (&wire.DisconnectResponse{}).Encode()
			return b, rcSuccess
		})
	case reqNotificationWait:
		s.stream(w, r, start, func(ctx context.Context) ([]byte, int) {
			pending, err := s.wait(ctx, ref.pid)
			if err != nil {
				return nil, rcContextNotFound
			}
			b, _ := (&wire.NotificationWaitResponse{EventPending: pending}).Encode()
			return b, rcSuccess
		})
	case reqPing:
		s.stream(w, r, start, func(context.Context) ([]byte, int) { return nil, rcSuccess })
	}
}

// stream answers with the inner response stream (MS-OXCMAPIHTTP 2.2.7,
// 3.2.5.2). Work that ends within PendingPeriod is answered at once, as
// upstream does: a failure with its X-ResponseCode in the HTTP headers, a
// success with PROCESSING, DONE and the body in one write. Longer work gets
// the headers, PROCESSING and a PENDING every PendingPeriod; a failure
// then comes as a late X-ResponseCode after DONE, with an empty body.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, start time.Time, work func(ctx context.Context) ([]byte, int)) {
	type result struct {
		body []byte
		code int
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	done := make(chan result, 1)
	go func() {
		b, c := work(ctx)
		done <- result{b, c}
	}()
	var st *wire.ResponseStream
	begin := func() {
		h := w.Header()
		h.Set("Content-Type", "application/mapi-http")
		h.Set("X-ResponseCode", "0")
		h.Set("X-PendingPeriod", strconv.FormatInt(s.cfg.PendingPeriod.Milliseconds(), 10))
		h.Set("X-ExpirationInfo", strconv.FormatInt(s.cfg.SessionTimeout.Milliseconds(), 10))
		w.WriteHeader(http.StatusOK)
		st = wire.NewResponseStream(flushWriter{w, http.NewResponseController(w)}, start)
	}
	tick := time.NewTicker(s.cfg.PendingPeriod)
	defer tick.Stop()
	for {
		select {
		case res := <-done:
			switch {
			case st == nil && res.code != rcSuccess:
				s.fail(w, r, res.code, "request failed")
			case st == nil:
				begin()
				st.Done(res.body)
			case res.code != rcSuccess:
				st.Done(nil, wire.Header{Name: "X-ResponseCode", Value: strconv.Itoa(res.code)})
			default:
				st.Done(res.body)
			}
			return
		case <-tick.C:
			if st == nil {
				begin()
			}
			if err := st.Pending(); err != nil {
				cancel()
				<-done
				return
			}
		}
	}
}

// connect creates a session context (MS-OXCMAPIHTTP 3.2.5.1, MS-OXCRPC
// 3.1.4.1 EcDoConnectEx).
func (s *Server) connect(w http.ResponseWriter, r *http.Request, user *directory.User, body []byte, start time.Time) {
	var req wire.ConnectRequest
	if err := req.Decode(body); err != nil {
		s.fail(w, r, rcInvalidRequestBody, err.Error())
		return
	}
	// 3.2.5.6: a Connect with the cookie of a live session context
	// destroys it; its sequence cookie is ignored.
	if c, err := r.Cookie(cookieSession); err == nil && c.Value != "" {
		if ref := s.lookup(c.Value); ref != nil && strings.EqualFold(ref.user, user.Username) {
			s.live.Delete(c.Value)
			s.sys.Stop(ref.pid)
		}
	}
	resp := wire.ConnectResponse{
		MaxPollingInterval: maxPollingInterval,
		RetryCount:         retryCount,
		RetryDelay:         retryDelay,
		DNPrefix:           dnPrefix(s.orgName()),
		DisplayName:        displayName(user),
	}
	switch {
	case !sameDN(req.UserDN, userDN(s.orgName(), user)):
		// MS-OXCRPC 3.1.4.1: the DN is not the authenticated user's.
		resp.ErrorCode = uint32(ecAccessDenied)
	case s.userSessions(user.Username) >= s.cfg.MaxSessionsPerUser:
		s.log.Warn("emsmdb: too many session contexts", zap.String("user", user.Username), zap.Int("max", s.cfg.MaxSessionsPerUser))
		resp.ErrorCode = uint32(mapi.EcInsufficientResrc)
	}
	if resp.ErrorCode != 0 {
		s.stream(w, r, start, func(context.Context) ([]byte, int) {
			b, _ := resp.Encode()
			return b, rcSuccess
		})
		return
	}
	sid, seq := newToken(), newToken()
	ctx, cancel := s.ctx(r.Context())
	defer cancel()
	sess := &session{s: s, user: user, sid: sid, seq: seq, cpid: req.DefaultCodePage, lcid: req.LcidString}
	pid, err := s.sessions.StartSession(ctx, actors.Props{
		Kind: "emsmdb-session",
		User: user.Username,
		New:  func() actors.Actor { return sess.fresh() },
	})
	if err != nil {
		code := rcUnknownFailure
		if errors.Is(err, context.Canceled) || strings.Contains(err.Error(), "shutting down") {
			code = rcEndpointShuttingDown
		}
		s.fail(w, r, code, fmt.Sprintf("cannot start a session: %v", err))
		return
	}
	s.live.Store(sid, &sessionRef{pid: pid, user: user.Username})
	http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: sid, Path: Path, HttpOnly: true})
	http.SetCookie(w, &http.Cookie{Name: cookieSequence, Value: seq, Path: Path, HttpOnly: true})
	s.log.Info("emsmdb connect", zap.String("user", user.Username), zap.String("sid", sid))
	s.stream(w, r, start, func(context.Context) ([]byte, int) {
		b, _ := resp.Encode()
		return b, rcSuccess
	})
}

// wait is a NotificationWait (MS-OXCMAPIHTTP 3.2.5.4): it returns at once
// when events are queued, else when one arrives, MaxWait passes, the
// session ends or the client goes away.
func (s *Server) wait(ctx context.Context, pid *actors.PID) (bool, error) {
	ch := make(chan bool, 1)
	rctx, cancel := s.ctx(ctx)
	pending, err := actors.Ask[bool](rctx, s.sys, pid, waitMsg{ch: ch})
	cancel()
	if err != nil {
		return false, err
	}
	if pending {
		return true, nil
	}
	t := time.NewTimer(s.cfg.MaxWait)
	defer t.Stop()
	select {
	case ok := <-ch:
		if !ok {
			return false, errSessionEnded
		}
		return true, nil
	case <-t.C:
	case <-ctx.Done():
	}
	s.sys.Send(pid, cancelWait{ch: ch})
	select {
	case ok := <-ch:
		return ok, nil
	default:
		return false, nil
	}
}

var errSessionEnded = errors.New("mapihttp: session context ended")
