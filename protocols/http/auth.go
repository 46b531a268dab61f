package http

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gromox-go/gromox/directory"
	"go.uber.org/zap"
)

// Directory checks a login against the user database (*directory.Auth),
// writing the fail2ban line and applying the rate limits and caches itself.
type Directory interface {
	Authenticate(ctx context.Context, c directory.Credentials) (*directory.User, error)
}

// An Authenticator checks the credentials of one HTTP authentication scheme
// (RFC 9110 11.6.2). Basic is the one we have; NTLM and Negotiate, which
// take several round trips on one connection, answer a leg with a
// *Continue error.
type Authenticator interface {
	// Scheme is the auth-scheme token, matched without regard to case
	// ("Basic", "Negotiate", "NTLM").
	Scheme() string
	// Challenge is the WWW-Authenticate value sent with a 401 that asks
	// for credentials (`Basic realm="..."`, "Negotiate").
	Challenge() string
	// Authenticate checks the credentials that follow the scheme in the
	// Authorization header. It returns the user, or ErrNoCredentials for
	// a malformed header, a *Continue for the next leg of a handshake, or
	// an error of directory's (ErrAuthFailed, ErrLoginDisabled,
	// ErrBlocked, ErrUnavailable).
	Authenticate(r *http.Request, credentials string) (*directory.User, error)
}

// ErrNoCredentials: the request carries no usable credentials.
var ErrNoCredentials = errors.New("http: no credentials")

// Continue is a handshake leg's answer: the server sends 401 with
// "WWW-Authenticate: <Scheme> <Token>" and the client goes on.
type Continue struct{ Token string }

func (c *Continue) Error() string { return "http: authentication continues" }

// Basic is HTTP Basic authentication (RFC 7617) against the directory.
type Basic struct {
	Dir   Directory
	Realm string
}

// Scheme is "Basic".
func (b *Basic) Scheme() string { return "Basic" }

// Challenge is `Basic realm="<Realm>", charset="UTF-8"`.
func (b *Basic) Challenge() string {
	return `Basic realm="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(b.Realm) + `", charset="UTF-8"`
}

// Authenticate decodes user:password and asks the directory.
func (b *Basic) Authenticate(r *http.Request, credentials string) (*directory.User, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(credentials))
	if err != nil {
		return nil, ErrNoCredentials
	}
	login, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		return nil, ErrNoCredentials
	}
	return b.Dir.Authenticate(r.Context(), directory.Credentials{
		Login: login, Password: password, Remote: RemoteAddr(r),
		Protocol: "http", Op: "HTTP auth",
	})
}

// remoteOf parses r.RemoteAddr.
func remoteOf(r *http.Request) netip.AddrPort {
	ap, _ := netip.ParseAddrPort(r.RemoteAddr)
	return ap
}

type userKey struct{}

// WithUser returns ctx carrying the authenticated user.
func WithUser(ctx context.Context, u *directory.User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the user Authenticated put into the request context.
func UserFrom(ctx context.Context) (*directory.User, bool) {
	u, ok := ctx.Value(userKey{}).(*directory.User)
	return u, ok && u != nil
}

// Authenticated wraps h so that it runs only for requests that carry valid
// credentials in one of auths' schemes; the user is in the request
// context (UserFrom) and in the access log line. Others get 401 with one
// challenge per scheme; a client blocked by the user filter gets 429, and a
// directory outage 503. Without auths, the server's (SetAuthenticators)
// apply, as they are when the request comes.
func (s *Server) Authenticated(h http.Handler, auths ...Authenticator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths := auths
		if len(auths) == 0 {
			auths = s.auths
		}
		scheme, creds, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		var err error = ErrNoCredentials
		for _, a := range auths {
			if scheme == "" || !strings.EqualFold(scheme, a.Scheme()) {
				continue
			}
			var u *directory.User
			u, err = a.Authenticate(r, creds)
			if err == nil {
				if rec := recordOf(r.Context()); rec != nil {
					rec.user = u.Username
				}
				h.ServeHTTP(w, r.WithContext(WithUser(r.Context(), u)))
				return
			}
			var c *Continue
			if errors.As(err, &c) {
				w.Header().Set("WWW-Authenticate", a.Scheme()+" "+c.Token)
				http.Error(w, "authentication continues", http.StatusUnauthorized)
				return
			}
			break
		}
		switch {
		case errors.Is(err, directory.ErrBlocked):
			w.Header().Set("Retry-After", "60")
			http.Error(w, "too many failed logins", http.StatusTooManyRequests)
			return
		case errors.Is(err, directory.ErrUnavailable):
			s.log.Warn("http authentication unavailable", zap.String("path", r.URL.Path), zap.Error(err))
			w.Header().Set("Retry-After", "30")
			http.Error(w, "authentication temporarily unavailable", http.StatusServiceUnavailable)
			return
		}
		for _, a := range auths {
			w.Header().Add("WWW-Authenticate", a.Challenge())
		}
		http.Error(w, "authentication required", http.StatusUnauthorized)
	})
}
