package directory

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Authentication errors. Authenticate wraps one of them with the reason,
// which goes to the log; protocols choose their reply with errors.Is and must
// not show err.Error() to the client (it says, for instance, whether the user
// exists).
var (
	// ErrAuthFailed: unknown user, wrong password, or a password that
	// cannot be checked here. One error for all, so clients cannot probe
	// for accounts.
	ErrAuthFailed = errors.New("authentication failed")
	// ErrLoginDisabled: the password was right (or not needed) but the
	// account may not log in: its state or its domain's, its display type,
	// or a missing privilege.
	ErrLoginDisabled = errors.New("login not permitted")
	// ErrBlocked: the user or remote address is banned after repeated
	// failures, or the user is over the attempt rate limit.
	ErrBlocked = errors.New("login temporarily blocked")
	// ErrUnavailable: the user database failed; a temporary condition.
	ErrUnavailable = errors.New("authentication temporarily unavailable")
)

// Credentials is one login attempt.
type Credentials struct {
	Login    string // as the client sent it: username, altname or alias
	Password string
	Remote   netip.AddrPort // the client's address, for the log and the filter
	Protocol string         // "imap", "pop3", "http", "smtp", ...
	Op       string         // operation text for the log line: "LOGIN", "login", "HTTP auth"
	Want     uint32         // Priv* bit(s) the service needs, any one of them suffices; 0: none
}

// AuthOptions configures an Auth. The values come from gromox.cfg:
// auth_backend_selection, auth_fail_delay, http_basic_auth_cred_caching,
// enable_firsttimepw and the user filter keys.
type AuthOptions struct {
	// Backend is auth_backend_selection: "ldap" (default; also "externid",
	// "always_ldap", "mysql", "always_mysql"), "allow_all" or "deny_all".
	// "pam" is not supported.
	Backend string
	// FailDelay is waited after a failed attempt, multiplied by the recent
	// failure count of the user or address (at most 5 times). deny_all
	// implies 0.
	FailDelay time.Duration
	// CredCacheTTL is how long a successful (login, password) pair is
	// accepted again without asking the database. 0 disables the cache.
	CredCacheTTL time.Duration
	// EnableFirstTimePW: an account without a stored password takes the
	// first password presented as its password.
	EnableFirstTimePW bool
	Filter            UserFilterOptions
}

// DefaultAuthOptions returns upstream's defaults (doc/authmgr.4gx,
// doc/http.8gx, doc/mysql_adaptor.4gx).
func DefaultAuthOptions() AuthOptions {
	return AuthOptions{
		Backend:      "ldap",
		FailDelay:    time.Second,
		CredCacheTTL: time.Minute,
		Filter:       DefaultUserFilterOptions(),
	}
}

// PasswordSetter stores a new password for the account with the given
// canonical username. Auth uses it for first-time passwords.
type PasswordSetter interface {
	SetPassword(ctx context.Context, username, password string) error
}

// refresher is a caching Lookuper (Cached) that can look a login up again
// in the database, bypassing and updating its cache.
type refresher interface {
	refresh(ctx context.Context, login string) (*User, error)
}

type authMode int

const (
	modeExternID authMode = iota // externid set: LDAP (unsupported); else the password hash
	modeAllowAll
	modeDenyAll
)

func parseBackend(s string) (authMode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "ldap", "externid", "always_ldap", "mysql", "always_mysql":
		return modeExternID, nil
	case "allow_all":
		return modeAllowAll, nil
	case "deny_all":
		return modeDenyAll, nil
	case "pam":
		return 0, fmt.Errorf("%w: auth_backend_selection=pam is not supported", ErrInvalid)
	}
	return 0, fmt.Errorf("%w: unknown auth_backend_selection %q", ErrInvalid, s)
}

// maxLoginLen is the longest login name the user database can hold.
const maxLoginLen = 320

// maxPasswordLen bounds the passwords Auth hashes: crypt's cost grows with
// the password's length (upstream's IMAP takes at most 255 bytes).
const maxPasswordLen = 1024

// maxFailFactor caps the growth of the failure delay.
const maxFailFactor = 5

// Auth checks logins against the user database, in upstream's order: the
// user filter, the account lookup, the account state and the wanted
// privilege, then the password. It is safe for concurrent use.
type Auth struct {
	dir       Lookuper
	mode      authMode
	opt       AuthOptions
	log       *zap.Logger
	filter    *UserFilter
	creds     *credCache // nil: no credential cache
	setter    PasswordSetter
	dummyHash string // verified against for unknown users, to even out timing

	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

// NewAuth returns an Auth that looks accounts up in dir. It fails for an
// unknown or unsupported backend, and when first-time passwords are enabled
// but dir cannot store passwords (see PasswordSetter).
func NewAuth(dir Lookuper, opt AuthOptions, log *zap.Logger) (*Auth, error) {
	mode, err := parseBackend(opt.Backend)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = zap.NewNop()
	}
	a := &Auth{
		dir:    dir,
		mode:   mode,
		opt:    opt,
		log:    log,
		filter: NewUserFilter(opt.Filter),
		now:    time.Now,
		sleep:  sleepCtx,
	}
	if opt.EnableFirstTimePW {
		s, ok := dir.(PasswordSetter)
		if c, isCached := dir.(*Cached); isCached && !c.canSetPassword() {
			ok = false
		}
		if !ok {
			return nil, fmt.Errorf("%w: enable_firsttimepw needs a directory that stores passwords, %T does not", ErrInvalid, dir)
		}
		a.setter = s
	}
	if opt.CredCacheTTL > 0 {
		a.creds = newCredCache(opt.CredCacheTTL)
	}
	var pw [16]byte
	if _, err := rand.Read(pw[:]); err != nil {
		return nil, err
	}
	if a.dummyHash, err = HashPassword(string(pw[:])); err != nil {
		return nil, err
	}
	return a, nil
}

// Filter returns the user filter Auth consults.
func (a *Auth) Filter() *UserFilter { return a.filter }

// setClock replaces the clock of Auth and its filter (tests).
func (a *Auth) setClock(now func() time.Time) {
	a.now = now
	a.filter.now = now
}

// Forget drops the cached credentials of login (a login name or canonical
// username), for instance after an administrator changed its password.
func (a *Auth) Forget(login string) {
	if a.creds != nil {
		a.creds.forget(login)
	}
}

// Authenticate checks c and returns the account. The returned User is the
// caller's copy, without the password hash.
//
// Every refusal is logged at Warn with upstream's fail2ban line as the
// message ("rhost=[IP]:PORT user=LOGIN OP rejected: REASON"); after a
// refusal other than ErrBlocked, Authenticate waits the failure delay or
// until ctx is done.
func (a *Auth) Authenticate(ctx context.Context, c Credentials) (*User, error) {
	now := a.now()
	if err := a.filter.admit(c.Login, c.Remote.Addr(), now); err != nil {
		a.logRejected(c, err.Error())
		return nil, err
	}
	var ck credKey
	var gen uint64
	if a.creds != nil {
		ck = a.creds.key(c.Login, c.Password)
		if u := a.creds.get(ck, now); u != nil {
			if ce := a.log.Check(zapcore.DebugLevel, "login (cached credentials)"); ce != nil {
				ce.Write(a.okFields(c, u)...)
			}
			return cloneUser(u), nil
		}
		gen = a.creds.generation()
	}
	u, err := a.check(ctx, c)
	if err != nil {
		return nil, a.failed(ctx, c, u, err)
	}
	a.filter.Succeeded(c.Login)
	u = cloneUser(u)
	u.PasswordHash = ""
	if a.creds != nil {
		a.creds.put(ck, gen, c.Login, u, a.now())
	}
	a.log.Info("login", a.okFields(c, u)...)
	return cloneUser(u), nil
}

// check looks the account up and decides. A returned User (even with an
// error) is the account the login resolved to.
func (a *Auth) check(ctx context.Context, c Credentials) (*User, error) {
	if c.Login == "" || len(c.Login) > maxLoginLen {
		VerifyPassword(a.dummyHash, c.Password)
		return nil, refusal(ErrAuthFailed, "invalid login name")
	}
	if len(c.Password) > maxPasswordLen {
		return nil, refusal(ErrAuthFailed, "password too long")
	}
	u, err := a.dir.Lookup(ctx, c.Login)
	switch {
	case err == nil:
	case errors.Is(err, ErrNotFound):
		VerifyPassword(a.dummyHash, c.Password)
		return nil, refusal(ErrAuthFailed, "no such user")
	case errors.Is(err, ErrAmbiguous):
		VerifyPassword(a.dummyHash, c.Password)
		return nil, refusal(ErrAuthFailed, "login name is ambiguous")
	case ctx.Err() != nil:
		return nil, fmt.Errorf("directory: authenticate %q: %w", c.Login, ctx.Err())
	default:
		return nil, &authError{kind: ErrUnavailable, reason: "user database error", cause: err}
	}
	if a.mode == modeDenyAll {
		return u, refusal(ErrAuthFailed, "auth_backend_selection=deny_all")
	}

	// The password comes first so that only someone who knows it learns
	// the account's state.
	firstTime := false
	switch {
	case a.mode == modeAllowAll:
	case u.ExternID != nil:
		return u, refusal(ErrAuthFailed, "LDAP-managed account; LDAP not supported")
	case u.PasswordHash == "" && a.opt.EnableFirstTimePW:
		firstTime = true
	case u.PasswordHash == "":
		return u, refusal(ErrAuthFailed, "account has no password")
	case !VerifyPassword(u.PasswordHash, c.Password):
		u2, ok := a.revalidate(ctx, c, u)
		if !ok {
			return u, refusal(ErrAuthFailed, "wrong password")
		}
		u = u2
	}

	if reason := loginRefusal(u, c.Want); reason != "" {
		return u, refusal(ErrLoginDisabled, reason)
	}
	if firstTime {
		if err := a.setter.SetPassword(ctx, u.Username, c.Password); err != nil {
			return u, &authError{kind: ErrUnavailable, reason: "storing first-time password", cause: err}
		}
		a.log.Info("first-time password stored", zap.String("user", u.Username))
	}
	return u, nil
}

// revalidate handles a wrong password seen through a cache: the password
// may have changed since the account was cached, so check the database's
// current hash once (and cache the fresh account).
func (a *Auth) revalidate(ctx context.Context, c Credentials, u *User) (*User, bool) {
	r, ok := a.dir.(refresher)
	if !ok {
		return nil, false
	}
	u2, err := r.refresh(ctx, c.Login)
	if err != nil || u2.PasswordHash == u.PasswordHash || u2.ExternID != nil ||
		!VerifyPassword(u2.PasswordHash, c.Password) {
		return nil, false
	}
	return u2, true
}

// loginRefusal says why u may not log in for want, or "" if it may
// (upstream's mysql_adaptor meta checks).
func loginRefusal(u *User, want uint32) string {
	if u.DisplayType != DTMailUser {
		return fmt.Sprintf("object is not a mail user (display type %d)", u.DisplayType)
	}
	if !u.LoginAllowed() {
		switch st := u.AddressStatus; {
		case st&DomainStatusMask != 0:
			return "domain is disabled"
		case st&StatusMask == StatusShared:
			return "login disabled for shared mailboxes"
		default:
			return fmt.Sprintf("account is disabled (status %d)", st&StatusMask)
		}
	}
	if want != 0 && EffectivePrivileges(u.PrivilegeBits)&want == 0 {
		return fmt.Sprintf("not authorized for service(s) %#x", want)
	}
	return ""
}

// EffectivePrivileges returns the privilege bits that apply: without
// PrivDetail1 the bits from PrivWeb up are not recorded, and web, EAS and
// DAV access are granted.
func EffectivePrivileges(bits uint32) uint32 {
	if bits&PrivDetail1 == 0 {
		bits |= PrivDetail1 | PrivWeb | PrivEAS | PrivDAV
	}
	return bits
}

// failed does the bookkeeping of a refused attempt: count it, drop cached
// credentials, log the fail2ban line, wait the failure delay.
func (a *Auth) failed(ctx context.Context, c Credentials, u *User, err error) error {
	var ae *authError
	if !errors.As(err, &ae) {
		// The caller went away; nothing was decided.
		a.log.Debug("login abandoned", zap.String("proto", c.Protocol), zap.String("login", c.Login), zap.Error(err))
		return err
	}
	factor := 1
	switch ae.kind {
	case ErrAuthFailed, ErrLoginDisabled:
		if ae.kind == ErrAuthFailed {
			// Only guesses count towards bans: a disabled user who
			// knows the password is slowed, not banned.
			factor = min(a.filter.Failed(c.Login, c.Remote.Addr()), maxFailFactor)
		}
		if a.creds != nil {
			names := []string{c.Login}
			if u != nil {
				names = append(names, u.Username)
			}
			a.creds.drop(names...)
		}
		a.logRejected(c, ae.reason)
	default:
		// Our failure, not the client's: no fail2ban line, or an outage
		// would get every client banned.
		a.log.Error("authentication backend failure", zap.String("proto", c.Protocol),
			zap.String("login", c.Login), zap.Stringer("remote", c.Remote),
			zap.String("reason", ae.reason), zap.Error(ae.cause))
	}
	if a.mode == modeDenyAll || a.opt.FailDelay <= 0 {
		return err
	}
	if werr := a.sleep(ctx, a.opt.FailDelay*time.Duration(factor)); werr != nil {
		return fmt.Errorf("%w (%w)", err, werr)
	}
	return err
}

func (a *Auth) logRejected(c Credentials, reason string) {
	a.log.Warn(FailLine(c, reason),
		zap.String("proto", c.Protocol),
		zap.String("login", c.Login),
		zap.Stringer("remote", c.Remote),
		zap.String("reason", reason))
}

func (a *Auth) okFields(c Credentials, u *User) []zap.Field {
	return []zap.Field{
		zap.String("proto", c.Protocol),
		zap.String("user", u.Username),
		zap.String("login", c.Login),
		zap.Stringer("remote", c.Remote),
	}
}

// FailLine formats the log message of a refused login the way upstream's
// daemons do, so that the fail2ban expression of gromox(7) matches it:
//
//	rhost=\[(\S+)?\]\S* user=(\S+) .*(auth|login.*|logon) rejected:
//
// An operation text that would not match (that expression is case
// sensitive, so IMAP's "LOGIN" does not) gets " auth" appended. Bytes of the
// login that are spaces, controls, '%' or not ASCII are written as %XX, so
// the line stays one line and user= one field.
func FailLine(c Credentials, reason string) string {
	var b strings.Builder
	b.Grow(64 + len(c.Login) + len(reason))
	b.WriteString("rhost=[")
	if addr := c.Remote.Addr(); addr.IsValid() {
		b.WriteString(addr.Unmap().String())
	}
	b.WriteString("]:")
	b.WriteString(strconv.Itoa(int(c.Remote.Port())))
	b.WriteString(" user=")
	if c.Login == "" {
		b.WriteString("-")
	}
	writeEscaped(&b, c.Login, false)
	b.WriteByte(' ')
	op := c.Op
	if op == "" {
		op = c.Protocol
	}
	if !strings.HasSuffix(op, "auth") && !strings.HasSuffix(op, "logon") && !strings.Contains(op, "login") {
		if op != "" {
			op += " "
		}
		op += "auth"
	}
	writeEscaped(&b, op, true)
	b.WriteString(" rejected: ")
	writeEscaped(&b, reason, true)
	return b.String()
}

// writeEscaped writes s with control characters, '%' and non-ASCII bytes as
// %XX, and spaces too unless keepSpace is set (for the operation text and
// the reason, which come from the program, not from the client).
func writeEscaped(b *strings.Builder, s string, keepSpace bool) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c > ' ' || c == ' ' && keepSpace) && c < 0x7f && c != '%' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}

// authError is a refusal: kind is one of the exported sentinels, reason is
// for the log.
type authError struct {
	kind   error
	reason string
	cause  error
}

func refusal(kind error, reason string) error { return &authError{kind: kind, reason: reason} }

func (e *authError) Error() string {
	if e.cause != nil {
		return e.kind.Error() + ": " + e.reason + ": " + e.cause.Error()
	}
	return e.kind.Error() + ": " + e.reason
}

func (e *authError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.kind, e.cause}
	}
	return []error{e.kind}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// credCache remembers successful (login, password) pairs for a TTL
// (upstream's http_basic_auth_cred_caching). It never holds a password: the
// key is an HMAC-SHA256, under a per-process random key, of the lower-cased
// login and the password. Reads are lock-free.
type credCache struct {
	ttl     time.Duration
	max     int
	secret  [32]byte
	macs    sync.Pool // of *credMAC
	entries sync.Map  // credKey → *credEntry
	gen     atomic.Uint64

	mu        sync.Mutex // serializes writers
	n         int
	byName    map[string][]credKey // lower-cased login or username → keys
	lastSweep time.Time
}

type credKey [sha256.Size]byte

// credMAC is a reusable HMAC with its message buffer.
type credMAC struct {
	h   hash.Hash
	buf []byte
}

// credEntry is immutable once stored.
type credEntry struct {
	user    *User
	expires time.Time
	names   [2]string
}

// credCacheSize bounds the credential cache.
const credCacheSize = 100000

func newCredCache(ttl time.Duration) *credCache {
	c := &credCache{ttl: ttl, max: credCacheSize, byName: make(map[string][]credKey)}
	if _, err := rand.Read(c.secret[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	c.macs.New = func() any {
		return &credMAC{h: hmac.New(sha256.New, c.secret[:]), buf: make([]byte, 0, 512)}
	}
	return c
}

func (c *credCache) key(login, password string) credKey {
	login = strings.ToLower(login)
	m := c.macs.Get().(*credMAC)
	msg := binary.BigEndian.AppendUint64(m.buf[:0], uint64(len(login)))
	msg = append(msg, login...)
	msg = append(msg, password...)
	m.h.Reset()
	m.h.Write(msg)
	clear(msg) // the password
	var k credKey
	m.h.Sum(k[:0])
	if cap(msg) <= 1024 {
		m.buf = msg[:0]
	}
	c.macs.Put(m)
	return k
}

// generation is read before a lookup whose result may be put; a forget in
// between makes put a no-op, so a password changed meanwhile is not cached.
func (c *credCache) generation() uint64 { return c.gen.Load() }

func (c *credCache) get(k credKey, now time.Time) *User {
	v, ok := c.entries.Load(k)
	if !ok {
		return nil
	}
	e := v.(*credEntry)
	if !now.Before(e.expires) {
		return nil
	}
	return e.user
}

func (c *credCache) put(k credKey, gen uint64, login string, u *User, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if c.n >= c.max || now.Sub(c.lastSweep) >= c.ttl {
		c.sweep(now)
		if c.n >= c.max {
			return
		}
	}
	e := &credEntry{user: u, expires: now.Add(c.ttl), names: [2]string{strings.ToLower(login), strings.ToLower(u.Username)}}
	if _, loaded := c.entries.Swap(k, e); !loaded {
		c.n++
	}
	c.byName[e.names[0]] = append(c.byName[e.names[0]], k)
	if e.names[1] != e.names[0] {
		c.byName[e.names[1]] = append(c.byName[e.names[1]], k)
	}
}

// sweep removes expired entries and rebuilds the name index. c.mu is held.
func (c *credCache) sweep(now time.Time) {
	c.lastSweep = now
	clear(c.byName)
	c.entries.Range(func(k, v any) bool {
		e := v.(*credEntry)
		if !now.Before(e.expires) {
			c.entries.Delete(k)
			c.n--
			return true
		}
		ck := k.(credKey)
		c.byName[e.names[0]] = append(c.byName[e.names[0]], ck)
		if e.names[1] != e.names[0] {
			c.byName[e.names[1]] = append(c.byName[e.names[1]], ck)
		}
		return true
	})
}

// drop removes the entries filed under any of names.
func (c *credCache) drop(names ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dropLocked(names...)
}

func (c *credCache) dropLocked(names ...string) {
	for _, name := range names {
		name = strings.ToLower(name)
		for _, k := range c.byName[name] {
			if _, ok := c.entries.LoadAndDelete(k); ok {
				c.n--
			}
		}
		delete(c.byName, name)
	}
}

func (c *credCache) forget(login string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	c.dropLocked(login)
}

// len reports the number of entries (tests).
func (c *credCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
