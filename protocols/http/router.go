package http

import (
	"net/http"
	"slices"
	"strings"
	"sync"
)

// RouteOption changes how a path registered with Router.Handle matches
// and is served.
type RouteOption func(*route)

// Prefix makes the path match itself and every path below it: "/mapi/emsmdb"
// matches "/mapi/emsmdb", "/mapi/emsmdb/" and "/mapi/emsmdb/x", not
// "/mapi/emsmdbx" (reference §5.1: the MailboxId query is not used for
// routing).
func Prefix() RouteOption { return func(r *route) { r.prefix = true } }

// LongPoll exempts the path from the per-request deadline (Config.
// RequestTimeout), for requests that wait for events (EWS streaming
// subscriptions). Such a request's context is cancelled when the server
// shuts down.
func LongPoll() RouteOption { return LongPollIf(func(*http.Request) bool { return true }) }

// LongPollIf is LongPoll for the requests of the path that match: MAPI/HTTP
// waits only in NotificationWait (X-RequestType), its other requests keep
// the deadline.
func LongPollIf(match func(*http.Request) bool) RouteOption {
	return func(r *route) { r.longPoll = match }
}

type route struct {
	path     string // lower-cased, without a trailing slash (except "/")
	prefix   bool
	longPoll func(*http.Request) bool // nil: never
	h        http.Handler
}

// Router dispatches requests by path without regard to ASCII case (clients
// lower-case paths: /ews/exchange.asmx, /autodiscover/autodiscover.xml).
// Exact paths win over prefixes, longer prefixes over shorter ones; any
// other path is 404. Protocol packages register on it before the server
// starts serving; registering later is safe but races with requests.
type Router struct {
	mu     sync.RWMutex
	exact  map[string]*route
	prefix []*route // longest path first
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{exact: map[string]*route{}} }

// Handle registers h for path ("/Autodiscover/Autodiscover.xml"). Without
// options path matches exactly (a trailing slash is ignored); see Prefix
// and LongPoll. Registering a path twice replaces the first handler.
func (rt *Router) Handle(path string, h http.Handler, opts ...RouteOption) {
	r := &route{path: normPath(path), h: h}
	for _, o := range opts {
		o(r)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if rt.exact == nil {
		rt.exact = map[string]*route{}
	}
	if !r.prefix {
		rt.exact[r.path] = r
		return
	}
	rt.prefix = slices.DeleteFunc(rt.prefix, func(o *route) bool { return o.path == r.path })
	rt.prefix = append(rt.prefix, r)
	slices.SortStableFunc(rt.prefix, func(a, b *route) int { return len(b.path) - len(a.path) })
}

// HandleFunc is Handle for a function.
func (rt *Router) HandleFunc(path string, f func(http.ResponseWriter, *http.Request), opts ...RouteOption) {
	rt.Handle(path, http.HandlerFunc(f), opts...)
}

// match finds the route of a request path, or nil.
func (rt *Router) match(path string) *route {
	p := normPath(path)
	rt.mu.RLock()
	defer rt.mu.RUnlock()
	if r := rt.exact[p]; r != nil {
		return r
	}
	for _, r := range rt.prefix {
		if r.path == "/" || p == r.path || strings.HasPrefix(p, r.path) && p[len(r.path)] == '/' {
			return r
		}
	}
	return nil
}

// ServeHTTP serves the request with the handler of its path, or 404.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rr := rt.match(r.URL.Path); rr != nil {
		rr.h.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// normPath lower-cases ASCII letters and drops one trailing slash.
func normPath(p string) string {
	if p == "" {
		return "/"
	}
	b := []byte(p)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	if len(b) > 1 && b[len(b)-1] == '/' {
		b = b[:len(b)-1]
	}
	return string(b)
}
