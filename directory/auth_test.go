package directory

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/crypto/bcrypt"
)

// fail2banRE is the expression gromox(7) documents for fail2ban.
var fail2banRE = regexp.MustCompile(`rhost=\[(\S+)?\]\S* user=(\S+) .*(auth|login.*|logon) rejected:`)

// testHash is "secret" as SHA-512 crypt, made once.
var testHash = func() string {
	h, err := HashPassword("secret")
	if err != nil {
		panic(err)
	}
	return h
}()

// authHarness is an Auth with an observed log, a fake clock and recorded
// failure delays.
type authHarness struct {
	*Auth
	logs   *observer.ObservedLogs
	clk    *fakeClock
	mu     sync.Mutex
	delays []time.Duration
}

func newAuthHarness(t *testing.T, dir Lookuper, opt AuthOptions) *authHarness {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	a, err := NewAuth(dir, opt, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	h := &authHarness{Auth: a, logs: logs, clk: newFakeClock()}
	a.setClock(h.clk.Now)
	a.sleep = func(ctx context.Context, d time.Duration) error {
		h.mu.Lock()
		h.delays = append(h.delays, d)
		h.mu.Unlock()
		return nil
	}
	return h
}

func (h *authHarness) takeDelays() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	d := h.delays
	h.delays = nil
	return d
}

var testRemote = netip.MustParseAddrPort("203.0.113.9:51234")

func creds(login, password string) Credentials {
	return Credentials{Login: login, Password: password, Remote: testRemote, Protocol: "imap", Op: "LOGIN"}
}

// expectOK authenticates and expects success as the canonical username.
func (h *authHarness) expectOK(t *testing.T, c Credentials, username string) *User {
	t.Helper()
	u, err := h.Authenticate(context.Background(), c)
	if err != nil {
		t.Fatalf("Authenticate(%q, %q): %v", c.Login, c.Password, err)
	}
	if u.Username != username {
		t.Fatalf("Authenticate(%q) = %q, want %q", c.Login, u.Username, username)
	}
	if u.PasswordHash != "" {
		t.Fatal("Authenticate returned the password hash")
	}
	return u
}

// expectRefused authenticates, expects kind, and checks that the refusal
// was logged at Warn with a message fail2ban's expression matches, naming
// the client's address and login, and that the password appears nowhere in
// the log.
func (h *authHarness) expectRefused(t *testing.T, c Credentials, kind error) {
	t.Helper()
	h.logs.TakeAll()
	u, err := h.Authenticate(context.Background(), c)
	if !errors.Is(err, kind) || u != nil {
		t.Fatalf("Authenticate(%q, %q) = %v, %v; want %v", c.Login, c.Password, u, err, kind)
	}
	entries := h.logs.TakeAll()
	var line string
	for _, e := range entries {
		if e.Level == zapcore.WarnLevel {
			line = e.Message
		}
		if c.Password != "" && strings.Contains(e.Message, c.Password) {
			t.Fatalf("password in log message %q", e.Message)
		}
		for k, v := range e.ContextMap() {
			if s, ok := v.(string); ok && c.Password != "" && strings.Contains(s, c.Password) {
				t.Fatalf("password in log field %s=%q", k, s)
			}
		}
	}
	if line == "" {
		t.Fatalf("no Warn log line for the refusal of %q (%v)", c.Login, err)
	}
	m := fail2banRE.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("fail2ban expression does not match %q", line)
	}
	if want := c.Remote.Addr().Unmap().String(); m[1] != want {
		t.Fatalf("fail2ban host = %q, want %q (line %q)", m[1], want, line)
	}
	wantUser := c.Login
	if wantUser == "" {
		wantUser = "-"
	}
	if m[2] != wantUser {
		t.Fatalf("fail2ban user = %q, want %q (line %q)", m[2], c.Login, line)
	}
}

func TestParseBackend(t *testing.T) {
	for _, s := range []string{"", "ldap", "LDAP", "externid", "always_ldap", "mysql", "always_mysql", "allow_all", "deny_all"} {
		if _, err := NewAuth(newFakeDir(), AuthOptions{Backend: s}, nil); err != nil {
			t.Errorf("backend %q: %v", s, err)
		}
	}
	for _, s := range []string{"pam", "kerberos"} {
		if _, err := NewAuth(newFakeDir(), AuthOptions{Backend: s}, nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("backend %q: %v, want ErrInvalid", s, err)
		}
	}
}

func TestFirstTimePWNeedsSetter(t *testing.T) {
	only := lookupFunc(func(context.Context, string) (*User, error) { return nil, ErrNotFound })
	if _, err := NewAuth(only, AuthOptions{EnableFirstTimePW: true}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("first-time passwords without a setter: %v", err)
	}
	if _, err := NewAuth(NewCached(only, time.Minute), AuthOptions{EnableFirstTimePW: true}, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("first-time passwords through a Cached without a setter: %v", err)
	}
	if _, err := NewAuth(NewCached(newFakeDir(), time.Minute), AuthOptions{EnableFirstTimePW: true}, nil); err != nil {
		t.Fatalf("first-time passwords through a Cached with a setter: %v", err)
	}
}

func TestEffectivePrivileges(t *testing.T) {
	for _, tc := range []struct{ bits, want uint32 }{
		{0, PrivDetail1 | PrivWeb | PrivEAS | PrivDAV},
		{PrivIMAP, PrivIMAP | PrivDetail1 | PrivWeb | PrivEAS | PrivDAV},
		{PrivDetail1, PrivDetail1},
		{PrivDetail1 | PrivEAS, PrivDetail1 | PrivEAS},
		// Without DETAIL1 the high bits are not recorded: a stray WEB bit
		// does not take EAS away.
		{PrivWeb, PrivDetail1 | PrivWeb | PrivEAS | PrivDAV},
	} {
		if got := EffectivePrivileges(tc.bits); got != tc.want {
			t.Errorf("EffectivePrivileges(%#x) = %#x, want %#x", tc.bits, got, tc.want)
		}
	}
}

func TestFailLine(t *testing.T) {
	for _, tc := range []struct {
		c    Credentials
		want string
	}{
		{Credentials{Login: "u@d", Remote: netip.MustParseAddrPort("127.0.0.1:51234"), Op: "LOGIN"},
			"rhost=[127.0.0.1]:51234 user=u@d LOGIN auth rejected: wrong password"},
		{Credentials{Login: "u@d", Remote: netip.MustParseAddrPort("[2001:db8::1]:110"), Op: "login"},
			"rhost=[2001:db8::1]:110 user=u@d login rejected: wrong password"},
		{Credentials{Login: "u@d", Remote: netip.MustParseAddrPort("[::ffff:192.0.2.1]:443"), Op: "HTTP auth"},
			"rhost=[192.0.2.1]:443 user=u@d HTTP auth rejected: wrong password"},
		{Credentials{Login: "u@d", Protocol: "smtp"},
			"rhost=[]:0 user=u@d smtp auth rejected: wrong password"},
		{Credentials{Login: "", Remote: testRemote},
			"rhost=[203.0.113.9]:51234 user=- auth rejected: wrong password"},
		// Client-supplied text cannot break the line or the user= field.
		{Credentials{Login: "a b\r\nrhost=[1.2.3.4] user=x%", Remote: testRemote, Op: "LOGIN"},
			"rhost=[203.0.113.9]:51234 user=a%20b%0D%0Arhost=[1.2.3.4]%20user=x%25 LOGIN auth rejected: wrong password"},
		{Credentials{Login: "müller@d", Remote: testRemote, Op: "zs_logon"},
			"rhost=[203.0.113.9]:51234 user=m%C3%BCller@d zs_logon rejected: wrong password"},
	} {
		got := FailLine(tc.c, "wrong password")
		if got != tc.want {
			t.Errorf("FailLine(%+v)\n got %q\nwant %q", tc.c, got, tc.want)
		}
		if fail2banRE.FindStringSubmatch(got) == nil {
			t.Errorf("fail2ban expression does not match %q", got)
		}
	}
}

func fakeUsers() *fakeDir {
	d := newFakeDir()
	d.add(User{ID: 1, Username: "user@example.org", PasswordHash: testHash, PrivilegeBits: DefaultPrivileges},
		"alias@example.org", "alt@example.org")
	d.add(User{ID: 2, Username: "susp@example.org", PasswordHash: testHash, AddressStatus: StatusSuspended})
	d.add(User{ID: 3, Username: "ldap@example.org", PasswordHash: testHash, ExternID: []byte{}})
	return d
}

// The password-guessing kinds of refusal, through each protocol's
// operation text: every one matches fail2ban's expression.
func TestAuthLogsFail2banLine(t *testing.T) {
	d := fakeUsers()
	for _, op := range []struct{ proto, op string }{{"imap", "LOGIN"}, {"pop3", "login"}, {"http", "HTTP auth"}, {"smtp", ""}} {
		h := newAuthHarness(t, d, AuthOptions{FailDelay: time.Second,
			Filter: UserFilterOptions{MaxBans: 10, AuthTimes: 3, BlockInterval: time.Minute}})
		c := func(login, pw string) Credentials {
			return Credentials{Login: login, Password: pw, Remote: testRemote, Protocol: op.proto, Op: op.op}
		}
		h.expectRefused(t, c("user@example.org", "wrong-pw-1"), ErrAuthFailed)
		h.expectRefused(t, c("nobody@example.org", "wrong-pw-2"), ErrAuthFailed)
		h.expectRefused(t, c("susp@example.org", "secret"), ErrLoginDisabled)
		h.expectRefused(t, c("ldap@example.org", "secret"), ErrAuthFailed)
		h.expectRefused(t, c("user@example.org", "wrong-pw-3"), ErrAuthFailed)
		h.expectRefused(t, c("user@example.org", "wrong-pw-4"), ErrAuthFailed) // third failure: banned
		h.expectRefused(t, c("user@example.org", "secret"), ErrBlocked)
	}
	deny := newAuthHarness(t, d, AuthOptions{Backend: "deny_all"})
	deny.expectRefused(t, creds("user@example.org", "secret"), ErrAuthFailed)
}

func TestAuthSuccessLogsWithoutPassword(t *testing.T) {
	h := newAuthHarness(t, fakeUsers(), AuthOptions{})
	h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
	entries := h.logs.All()
	if len(entries) == 0 {
		t.Fatal("no log entry for a login")
	}
	for _, e := range entries {
		if e.Level > zapcore.InfoLevel {
			t.Fatalf("success logged at %v: %q", e.Level, e.Message)
		}
		if strings.Contains(e.Message, "secret") || strings.Contains(e.Message, "$6$") {
			t.Fatalf("secret in %q", e.Message)
		}
		for k, v := range e.ContextMap() {
			if s, ok := v.(string); ok && (strings.Contains(s, "secret") || strings.Contains(s, "$6$")) {
				t.Fatalf("secret in field %s=%q", k, s)
			}
		}
	}
}

func TestAuthRefusesOddLogins(t *testing.T) {
	d := fakeUsers()
	h := newAuthHarness(t, d, AuthOptions{})
	h.expectRefused(t, creds("", "secret"), ErrAuthFailed)
	h.expectRefused(t, creds(strings.Repeat("a", 321), "secret"), ErrAuthFailed)
	h.expectRefused(t, creds("user@example.org", strings.Repeat("p", 1025)), ErrAuthFailed)
	if n := d.calls.Load(); n != 0 {
		t.Fatalf("%d lookups for logins the database cannot hold", n)
	}
	amb := newAuthHarness(t, lookupFunc(func(context.Context, string) (*User, error) {
		return nil, ErrAmbiguous
	}), AuthOptions{})
	amb.expectRefused(t, creds("both@example.org", "secret"), ErrAuthFailed)
}

func TestAuthFailDelaySlowed(t *testing.T) {
	const fd = 100 * time.Millisecond
	h := newAuthHarness(t, fakeUsers(), AuthOptions{FailDelay: fd,
		Filter: UserFilterOptions{MaxBans: 10, AuthTimes: 100, HostTimes: 100, BlockInterval: time.Minute}})
	var got []time.Duration
	for range 7 {
		h.Authenticate(context.Background(), creds("user@example.org", "wrong"))
		got = append(got, h.takeDelays()...)
	}
	want := []time.Duration{fd, 2 * fd, 3 * fd, 4 * fd, 5 * fd, 5 * fd, 5 * fd}
	if len(got) != len(want) {
		t.Fatalf("delays %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
	// The address's count slows other usernames from it too.
	h.Authenticate(context.Background(), creds("nobody@example.org", "x"))
	if d := h.takeDelays(); len(d) != 1 || d[0] != 5*fd {
		t.Fatalf("unknown user from a failing address: delays %v, want [%v]", d, 5*fd)
	}
	// A success resets the user's count, not the address's.
	h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	if d := h.takeDelays(); len(d) != 0 {
		t.Fatalf("success delayed: %v", d)
	}
	other := creds("user@example.org", "wrong")
	other.Remote = netip.MustParseAddrPort("198.51.100.1:1000")
	h.Authenticate(context.Background(), other)
	if d := h.takeDelays(); len(d) != 1 || d[0] != fd {
		t.Fatalf("after success, from a fresh address: delays %v, want [%v]", d, fd)
	}
}

func TestAuthNoDelayWhenBlockedOrDenyAll(t *testing.T) {
	h := newAuthHarness(t, fakeUsers(), AuthOptions{FailDelay: time.Second,
		Filter: UserFilterOptions{MaxBans: 10, AuthTimes: 1, BlockInterval: time.Minute}})
	h.expectRefused(t, creds("user@example.org", "badpw"), ErrAuthFailed)
	h.takeDelays()
	h.expectRefused(t, creds("user@example.org", "secret"), ErrBlocked)
	if d := h.takeDelays(); len(d) != 0 {
		t.Fatalf("blocked attempt delayed %v", d)
	}
	deny := newAuthHarness(t, fakeUsers(), AuthOptions{Backend: "deny_all", FailDelay: time.Second})
	deny.expectRefused(t, creds("user@example.org", "secret"), ErrAuthFailed)
	deny.expectRefused(t, creds("nobody@example.org", "secret"), ErrAuthFailed)
	if d := deny.takeDelays(); len(d) != 0 {
		t.Fatalf("deny_all delayed %v", d)
	}
}

func TestAuthFailDelayHonoursContext(t *testing.T) {
	a, err := NewAuth(fakeUsers(), AuthOptions{FailDelay: time.Hour}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err = a.Authenticate(ctx, creds("user@example.org", "wrong"))
	if !errors.Is(err, ErrAuthFailed) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Authenticate = %v, want ErrAuthFailed and context.Canceled", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Fatalf("returned after %v", el)
	}
}

func TestAuthDirectoryFailure(t *testing.T) {
	d := fakeUsers()
	d.err = errors.New("connection refused")
	h := newAuthHarness(t, d, AuthOptions{FailDelay: time.Second,
		Filter: UserFilterOptions{MaxBans: 10, AuthTimes: 1, BlockInterval: time.Minute}})
	_, err := h.Authenticate(context.Background(), creds("user@example.org", "secret"))
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrAuthFailed) {
		t.Fatalf("Authenticate = %v, want ErrUnavailable", err)
	}
	for _, e := range h.logs.All() {
		if fail2banRE.MatchString(e.Message) {
			t.Fatalf("outage logged as a client failure: %q", e.Message)
		}
	}
	if h.logs.FilterLevelExact(zapcore.ErrorLevel).Len() != 1 {
		t.Fatal("outage not logged at Error")
	}
	if d := h.takeDelays(); len(d) != 1 {
		t.Fatalf("outage delays %v, want one (storm mitigation)", d)
	}
	// Not counted against the user (AuthTimes is 1).
	d.mu.Lock()
	d.err = nil
	d.mu.Unlock()
	h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
}

func TestAuthCredCache(t *testing.T) {
	d := fakeUsers()
	h := newAuthHarness(t, d, AuthOptions{CredCacheTTL: time.Minute})
	h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
	h.expectOK(t, creds("ALIAS@example.org", "secret"), "user@example.org")
	if n := d.calls.Load(); n != 1 {
		t.Fatalf("%d lookups, want 1 (second login from the cache)", n)
	}
	// Another login name of the same user is another pair.
	h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	if n := d.calls.Load(); n != 2 {
		t.Fatalf("%d lookups, want 2", n)
	}
	// The cache holds the pair, not the password: a wrong password misses.
	h.expectRefused(t, creds("alias@example.org", "Secret"), ErrAuthFailed)
	if n := d.calls.Load(); n != 3 {
		t.Fatalf("%d lookups, want 3", n)
	}
	// That failure dropped the cached pairs of the login and its account.
	h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
	h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	if n := d.calls.Load(); n != 5 {
		t.Fatalf("%d lookups, want 5 (failure must drop cached credentials)", n)
	}
	// Forget by canonical name drops pairs cached under the alias too.
	h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
	h.Forget("User@Example.org")
	h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
	if n := d.calls.Load(); n != 6 {
		t.Fatalf("%d lookups, want 6 (Forget must drop the pair)", n)
	}
	// Entries expire.
	h.clk.Advance(time.Minute)
	h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
	if n := d.calls.Load(); n != 7 {
		t.Fatalf("%d lookups, want 7 (TTL)", n)
	}
	if n := h.creds.len(); n != 1 {
		t.Fatalf("%d cached pairs, want 1 (expired ones swept)", n)
	}

	// Without the option nothing is cached.
	d2 := fakeUsers()
	h2 := newAuthHarness(t, d2, AuthOptions{})
	h2.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	h2.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	if n := d2.calls.Load(); n != 2 {
		t.Fatalf("%d lookups without a credential cache, want 2", n)
	}
}

// A pair verified before Forget (an administrator's password change) but
// finished after it is not cached.
func TestAuthForgetDuringLogin(t *testing.T) {
	d := fakeUsers()
	h := newAuthHarness(t, d, AuthOptions{CredCacheTTL: time.Minute})
	gate := make(chan struct{})
	d.setGate(gate)
	done := make(chan error)
	go func() {
		_, err := h.Authenticate(context.Background(), creds("user@example.org", "secret"))
		done <- err
	}()
	for d.calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	h.Forget("user@example.org")
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	d.setGate(nil)
	h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	if n := d.calls.Load(); n != 2 {
		t.Fatalf("%d lookups, want 2: the pair checked across Forget was cached", n)
	}
}

func TestAuthCachedHitStillFiltered(t *testing.T) {
	d := fakeUsers()
	h := newAuthHarness(t, d, AuthOptions{CredCacheTTL: time.Minute,
		Filter: UserFilterOptions{MaxUsers: 10, RLMaxTries: 2, RLWindow: time.Minute}})
	h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
	h.expectRefused(t, creds("user@example.org", "secret"), ErrBlocked)
}

// A wrong password seen through Cached is checked once more against the
// database: the password may have been changed since it was cached.
func TestAuthRevalidatesCachedAccount(t *testing.T) {
	d := fakeUsers()
	c := NewCached(d, time.Minute)
	h := newAuthHarness(t, c, AuthOptions{})
	h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
	if err := d.SetPassword(context.Background(), "user@example.org", "changed"); err != nil {
		t.Fatal(err)
	}
	h.expectOK(t, creds("alias@example.org", "changed"), "user@example.org")
	h.expectRefused(t, creds("alias@example.org", "secret"), ErrAuthFailed)
	before := d.calls.Load()
	h.expectOK(t, creds("alias@example.org", "changed"), "user@example.org")
	if d.calls.Load() != before {
		t.Fatal("the revalidated account was not cached")
	}
}

// ---------------------------------------------------------------------------
// Against the user database (forEachBackend: SQLite, and MariaDB when
// GROMOX_TEST_MYSQL_DSN is set).

// countingDir counts the lookups that reach the database.
type countingDir struct {
	Lookuper
	calls atomic.Int64
}

func (c *countingDir) Lookup(ctx context.Context, login string) (*User, error) {
	c.calls.Add(1)
	return c.Lookuper.Lookup(ctx, login)
}

// seedAuthDB creates the accounts the tests below log in with. Every
// password is "secret" unless said otherwise.
func seedAuthDB(t *testing.T, db *DB) {
	t.Helper()
	ctx := context.Background()
	for _, d := range []string{"example.org", "suspended.example"} {
		if _, err := db.AddDomain(ctx, NewDomain{Name: d}); err != nil {
			t.Fatal(err)
		}
	}
	for _, nu := range []NewUser{
		{Username: "user@example.org", Password: "secret"},
		{Username: "susp@example.org", Password: "secret", AddressStatus: StatusSuspended},
		{Username: "shared@example.org", Password: "secret", AddressStatus: StatusShared},
		{Username: "deleted@example.org", Password: "secret", AddressStatus: StatusDeleted},
		{Username: "room@example.org", Password: "secret", DisplayType: DTRoom},
		{Username: "smtponly@example.org", Password: "secret", PrivilegeBits: PrivSMTP},
		{Username: "nodetail@example.org", Password: "secret", PrivilegeBits: PrivIMAP},
		{Username: "detail@example.org", Password: "secret", PrivilegeBits: PrivDetail1 | PrivIMAP},
		{Username: "detaileas@example.org", Password: "secret", PrivilegeBits: PrivDetail1 | PrivEAS},
		{Username: "ldap@example.org", Password: "secret"},
		{Username: "fresh@example.org"},
		{Username: "freshsusp@example.org", AddressStatus: StatusSuspended},
		{Username: "md5@example.org"},
		{Username: "sha256@example.org"},
		{Username: "sha512@example.org"},
		{Username: "bcrypt@example.org"},
		{Username: "u@suspended.example", Password: "secret"},
	} {
		if _, err := db.AddUser(ctx, nu); err != nil {
			t.Fatalf("AddUser %s: %v", nu.Username, err)
		}
	}
	if err := db.AddAltname(ctx, "user@example.org", "ualt"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddAlias(ctx, "alias@example.org", "user@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddList(ctx, "list@example.org", ListNormal, ListPrivAll, []string{"user@example.org"}); err != nil {
		t.Fatal(err)
	}
	bc, err := bcrypt.GenerateFromPassword([]byte("secret"), 4)
	if err != nil {
		t.Fatal(err)
	}
	for user, hash := range map[string]string{
		// openssl passwd -1/-5 -salt saltsalt secret; upstream's own $6$.
		"md5@example.org":    "$1$saltsalt$9xy1btjgzLYfb7hivXtC//",
		"sha256@example.org": "$5$saltsalt$0IyaXrmV7.sGNS6tirgqHLqX/G.FBvgkYA.lpPdS5sA",
		"sha512@example.org": upstreamHash,
		"bcrypt@example.org": string(bc),
	} {
		mustExec(t, db, "UPDATE `users` SET `password`=? WHERE `username`=?", hash, user)
	}
	mustExec(t, db, "UPDATE `users` SET `externid`=? WHERE `username`=?", []byte("cn=ldap"), "ldap@example.org")
	if err := db.SetDomainStatus(ctx, "suspended.example", DomainStatusSuspended); err != nil {
		t.Fatal(err)
	}
}

func TestAuthPasswordFormatsDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		h := newAuthHarness(t, db, AuthOptions{})
		for _, u := range []string{"user@example.org", "md5@example.org", "sha256@example.org", "sha512@example.org", "bcrypt@example.org"} {
			h.expectOK(t, creds(u, "secret"), u)
			h.expectRefused(t, creds(u, "Secret"), ErrAuthFailed)
			h.expectRefused(t, creds(u, "secret "), ErrAuthFailed)
		}
		h.expectRefused(t, creds("nobody@example.org", "secret"), ErrAuthFailed)
		h.expectRefused(t, creds("list@example.org", "secret"), ErrAuthFailed) // no password
	})
}

func TestAuthLoginNamesDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		h := newAuthHarness(t, db, AuthOptions{})
		for _, login := range []string{"user@example.org", "USER@Example.ORG", "ualt", "UAlt", "alias@example.org", "Alias@EXAMPLE.org"} {
			u := h.expectOK(t, creds(login, "secret"), "user@example.org")
			if u.Domain != "example.org" || u.ID == 0 {
				t.Fatalf("login %q: account %+v", login, u)
			}
		}
	})
}

func TestAuthAccountStateDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		h := newAuthHarness(t, db, AuthOptions{})
		for _, login := range []string{"susp@example.org", "shared@example.org", "deleted@example.org",
			"u@suspended.example", "room@example.org"} {
			h.expectRefused(t, creds(login, "secret"), ErrLoginDisabled)
			// Without the password nobody learns the account's state.
			h.expectRefused(t, creds(login, "guess"), ErrAuthFailed)
		}
		ctx := context.Background()
		if err := db.SetAddressStatus(ctx, "user@example.org", StatusSuspended); err != nil {
			t.Fatal(err)
		}
		h.expectRefused(t, creds("alias@example.org", "secret"), ErrLoginDisabled)
		if err := db.SetAddressStatus(ctx, "user@example.org", StatusNormal); err != nil {
			t.Fatal(err)
		}
		h.expectOK(t, creds("alias@example.org", "secret"), "user@example.org")
		if err := db.SetDomainStatus(ctx, "example.org", DomainStatusSuspended); err != nil {
			t.Fatal(err)
		}
		h.expectRefused(t, creds("user@example.org", "secret"), ErrLoginDisabled)
		if err := db.SetDomainStatus(ctx, "example.org", 0); err != nil {
			t.Fatal(err)
		}
		h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")
		if err := db.SetDomainStatus(ctx, "suspended.example", 0); err != nil {
			t.Fatal(err)
		}
		h.expectOK(t, creds("u@suspended.example", "secret"), "u@suspended.example")
	})
}

func TestAuthPrivilegesDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		h := newAuthHarness(t, db, AuthOptions{})
		for _, tc := range []struct {
			login string
			want  uint32
			ok    bool
		}{
			{"user@example.org", 0, true},
			{"user@example.org", PrivIMAP, true},
			{"user@example.org", PrivSMTP, true},
			{"smtponly@example.org", PrivIMAP, false},
			{"smtponly@example.org", PrivSMTP, true},
			{"smtponly@example.org", 0, true},
			// Without DETAIL1, web, EAS and DAV are implied.
			{"nodetail@example.org", PrivWeb, true},
			{"nodetail@example.org", PrivEAS, true},
			{"nodetail@example.org", PrivDAV, true},
			{"nodetail@example.org", PrivChat, false},
			// With it, only the bits set count.
			{"detail@example.org", PrivIMAP, true},
			{"detail@example.org", PrivWeb, false},
			{"detail@example.org", PrivEAS, false},
			{"detaileas@example.org", PrivEAS, true},
			{"detaileas@example.org", PrivWeb, false},
			{"detaileas@example.org", PrivIMAP, false},
			// Several wanted bits: any one suffices, as upstream.
			{"detaileas@example.org", PrivWeb | PrivEAS, true},
		} {
			c := creds(tc.login, "secret")
			c.Want = tc.want
			if tc.ok {
				h.expectOK(t, c, tc.login)
			} else {
				h.expectRefused(t, c, ErrLoginDisabled)
			}
		}
	})
}

func TestAuthLDAPManagedDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		for _, backend := range []string{"ldap", "mysql"} {
			h := newAuthHarness(t, db, AuthOptions{Backend: backend})
			h.expectRefused(t, creds("ldap@example.org", "secret"), ErrAuthFailed)
			if h.logs.Len() != 0 {
				t.Fatal("expectRefused left entries")
			}
			h.Authenticate(context.Background(), creds("ldap@example.org", "secret"))
			if got := h.logs.FilterMessageSnippet("LDAP-managed account; LDAP not supported").Len(); got != 1 {
				t.Fatalf("backend %s: reason not logged: %v", backend, h.logs.All())
			}
		}
	})
}

func TestAuthBackendsDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		deny := newAuthHarness(t, db, AuthOptions{Backend: "deny_all", FailDelay: time.Second})
		deny.expectRefused(t, creds("user@example.org", "secret"), ErrAuthFailed)
		deny.expectRefused(t, creds("nobody@example.org", "secret"), ErrAuthFailed)
		if d := deny.takeDelays(); len(d) != 0 {
			t.Fatalf("deny_all waited %v", d)
		}

		allow := newAuthHarness(t, db, AuthOptions{Backend: "allow_all"})
		allow.expectOK(t, creds("user@example.org", "anything"), "user@example.org")
		allow.expectOK(t, creds("ualt", ""), "user@example.org")
		allow.expectOK(t, creds("ldap@example.org", "anything"), "ldap@example.org")
		allow.expectOK(t, creds("fresh@example.org", "anything"), "fresh@example.org")
		allow.expectRefused(t, creds("nobody@example.org", "secret"), ErrAuthFailed)
		allow.expectRefused(t, creds("susp@example.org", "anything"), ErrLoginDisabled)
		c := creds("smtponly@example.org", "anything")
		c.Want = PrivIMAP
		allow.expectRefused(t, c, ErrLoginDisabled)
	})
}

func TestAuthFirstTimePasswordDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		ctx := context.Background()

		off := newAuthHarness(t, db, AuthOptions{})
		off.expectRefused(t, creds("fresh@example.org", "first"), ErrAuthFailed)

		for _, dir := range []Lookuper{db, NewCached(db, time.Minute)} {
			on := newAuthHarness(t, dir, AuthOptions{EnableFirstTimePW: true, CredCacheTTL: time.Minute})
			login := "fresh@example.org"
			if _, ok := dir.(*Cached); ok {
				login = "fresh2@example.org"
				if _, err := db.AddUser(ctx, NewUser{Username: login}); err != nil {
					t.Fatal(err)
				}
				dir.Lookup(ctx, login) // cache the account without a password
			}
			on.expectOK(t, creds(login, "first"), login)
			u, err := db.Lookup(ctx, login)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(u.PasswordHash, "$6$") || !VerifyPassword(u.PasswordHash, "first") {
				t.Fatalf("first-time password not stored: %q", u.PasswordHash)
			}
			on.expectRefused(t, creds(login, "second"), ErrAuthFailed)
			on.expectOK(t, creds(login, "first"), login)
			off.expectOK(t, creds(login, "first"), login)
		}

		// A disabled account does not get a password.
		on := newAuthHarness(t, db, AuthOptions{EnableFirstTimePW: true})
		on.expectRefused(t, creds("freshsusp@example.org", "first"), ErrLoginDisabled)
		if u, _ := db.Lookup(ctx, "freshsusp@example.org"); u.PasswordHash != "" {
			t.Fatal("first-time password stored for a suspended account")
		}
		// Nor does one managed elsewhere.
		on.expectRefused(t, creds("ldap@example.org", "first"), ErrAuthFailed)
	})
}

func TestAuthCredCacheDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		ctx := context.Background()
		dir := &countingDir{Lookuper: db}
		h := newAuthHarness(t, dir, AuthOptions{CredCacheTTL: time.Minute})
		for range 10 {
			h.expectOK(t, creds("ualt", "secret"), "user@example.org")
		}
		if n := dir.calls.Load(); n != 1 {
			t.Fatalf("%d lookups for 10 logins, want 1", n)
		}
		// An administrator changes the password and tells Auth.
		if err := db.SetPassword(ctx, "user@example.org", "new"); err != nil {
			t.Fatal(err)
		}
		h.Forget("user@example.org")
		h.expectRefused(t, creds("ualt", "secret"), ErrAuthFailed)
		h.expectOK(t, creds("ualt", "new"), "user@example.org")
		h.expectOK(t, creds("ualt", "new"), "user@example.org")
		if n := dir.calls.Load(); n != 3 {
			t.Fatalf("%d lookups, want 3", n)
		}
		// A failure drops the login's cached pairs.
		h.expectRefused(t, creds("ualt", "old"), ErrAuthFailed)
		h.expectOK(t, creds("ualt", "new"), "user@example.org")
		if n := dir.calls.Load(); n != 5 {
			t.Fatalf("%d lookups, want 5", n)
		}
		h.clk.Advance(time.Minute)
		h.expectOK(t, creds("ualt", "new"), "user@example.org")
		if n := dir.calls.Load(); n != 6 {
			t.Fatalf("%d lookups, want 6 after the TTL", n)
		}
	})
}

func TestAuthBansDB(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		seedAuthDB(t, db)
		dir := &countingDir{Lookuper: db}
		h := newAuthHarness(t, dir, AuthOptions{FailDelay: time.Second,
			Filter: UserFilterOptions{ICase: true, MaxBans: 100, AuthTimes: 3, HostTimes: 5, BlockInterval: time.Minute}})
		for i := range 3 {
			h.expectRefused(t, creds("user@example.org", fmt.Sprint("guess", i)), ErrAuthFailed)
		}
		before := dir.calls.Load()
		h.expectRefused(t, creds("User@example.org", "secret"), ErrBlocked)
		if dir.calls.Load() != before {
			t.Fatal("a banned login reached the database")
		}
		if d := h.takeDelays(); len(d) != 3 || d[2] != 3*time.Second {
			t.Fatalf("delays %v, want 1s 2s 3s", d)
		}
		h.clk.Advance(time.Minute)
		h.expectOK(t, creds("user@example.org", "secret"), "user@example.org")

		// Five failures from one address, with different names, ban the
		// address for everyone, not other addresses.
		for i := range 5 {
			h.expectRefused(t, creds(fmt.Sprintf("guess%d@example.org", i), "guesspw"), ErrAuthFailed)
		}
		h.expectRefused(t, creds("md5@example.org", "secret"), ErrBlocked)
		other := creds("md5@example.org", "secret")
		other.Remote = netip.MustParseAddrPort("[2001:db8::7]:993")
		h.expectOK(t, other, "md5@example.org")
		h.clk.Advance(time.Minute)
		h.expectOK(t, creds("md5@example.org", "secret"), "md5@example.org")
	})
}
