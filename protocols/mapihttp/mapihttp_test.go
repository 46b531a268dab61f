package mapihttp

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"github.com/gromox-go/gromox/protocols/prototest"
)

const (
	testUser     = "alice@example.org"
	testPassword = "secret pw"
)

var (
	raw1 = "From: Sender <sender@example.net>\r\nTo: alice@example.org\r\nSubject: one\r\nDate: Mon, 02 Jan 2023 10:00:00 +0100\r\nMessage-ID: <1@example.net>\r\n\r\nfirst body\r\n"
	raw2 = "From: other@example.net\r\nTo: alice@example.org\r\nSubject: two\r\nDate: Tue, 03 Jan 2023 10:00:00 +0100\r\nMessage-ID: <2@example.net>\r\n\r\nsecond body\r\n"
)

type env struct {
	*prototest.Env
	srv     *Server
	url     string
	maildir string
	user    *directory.User
}

func newEnv(t testing.TB, tune ...func(*Config)) *env {
	t.Helper()
	e := &env{Env: prototest.New(t)}
	e.maildir = e.AddUser(t, testUser, testPassword, "")
	u, err := e.DB.Lookup(context.Background(), testUser)
	if err != nil {
		t.Fatal(err)
	}
	e.user = u
	cfg := Config{OrgName: "Test Org", Timeout: 20 * time.Second}
	for _, f := range tune {
		f(&cfg)
	}
	e.srv = New(cfg, e.Sys, e.Spawner, e.Stores, nil, e.Log)
	front := gxhttp.New(gxhttp.Config{}, e.Log)
	// As the server runs it: successful logins are cached
	// (http_basic_auth_cred_caching), not hashed again on every request.
	auth, err := directory.NewAuth(e.DB, directory.AuthOptions{Backend: "mysql", FailDelay: time.Millisecond,
		Filter: directory.DefaultUserFilterOptions(), CredCacheTTL: time.Minute}, e.Log)
	if err != nil {
		t.Fatal(err)
	}
	front.SetAuthenticators(&gxhttp.Basic{Dir: auth, Realm: "test"})
	e.srv.Register(front)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go front.Serve(ln)
	t.Cleanup(func() { front.Shutdown(context.Background()) })
	e.url = "http://" + ln.Addr().String() + "/mapi/emsmdb/?MailboxId=x@example.org"
	return e
}

// deliver stores raw in alice's Inbox as delivery does.
func (e *env) deliver(t testing.TB, raw string) {
	t.Helper()
	e.deliverTo(t, e.maildir, raw)
}

// deliverTo delivers raw into the Inbox of the store in maildir.
func (e *env) deliverTo(t testing.TB, maildir, raw string) {
	t.Helper()
	mc, err := mailbox.ImportRFC5322([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Stores.Do(context.Background(), maildir, mailbox.Deliver{Raw: []byte(raw), Content: mc}); err != nil {
		t.Fatal(err)
	}
}

// client speaks MAPI over HTTP with a cookie jar, as Outlook does.
type client struct {
	t    testing.TB
	e    *env
	hc   *http.Client
	user string
	pw   string
	u    *directory.User // the user's record when not the env's user
	n    int
}

// dirUser is the directory record of the client's user.
func (c *client) dirUser() *directory.User {
	if c.u != nil {
		return c.u
	}
	return c.e.user
}

func (e *env) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, e: e, hc: &http.Client{Jar: jar, Timeout: time.Minute}, user: testUser, pw: testPassword}
}

// reply is one response as the client sees it.
type reply struct {
	code    int // X-ResponseCode (a late one after DONE wins)
	header  http.Header
	meta    wire.ResponseMeta
	body    []byte
	rawBody []byte
}

func (c *client) post(reqType string, body []byte) reply {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.url, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	c.n++
	req.Header.Set("X-RequestType", reqType)
	req.Header.Set("X-RequestId", "{E2EA6C1C-1D6F-4B95-AD7A-000000000001}:"+strconv.Itoa(c.n))
	req.Header.Set("X-ClientInfo", "{2EF33C39-49C8-421C-B876-CDF7F2AC3AA0}:1")
	req.Header.Set("Content-Type", "application/mapi-http")
	req.SetBasicAuth(c.user, c.pw)
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := reply{header: resp.Header, rawBody: raw}
	r.code, _ = strconv.Atoi(resp.Header.Get("X-ResponseCode"))
	if resp.Header.Get("Content-Type") == "application/mapi-http" {
		meta, b, err := wire.ReadResponseStream(bytes.NewReader(raw), 0)
		if err != nil {
			c.t.Fatalf("%s: response stream: %v (%q)", reqType, err, raw)
		}
		r.meta, r.body = meta, b
		if v := meta.Get("X-ResponseCode"); v != "" {
			r.code, _ = strconv.Atoi(v)
		}
	}
	return r
}

func (c *client) connect() wire.ConnectResponse {
	c.t.Helper()
	body, _ := (&wire.ConnectRequest{UserDN: userDN("Test Org", c.dirUser()), DefaultCodePage: 1252, LcidSort: 1033, LcidString: 1033}).Encode()
	r := c.post("Connect", body)
	if r.code != 0 {
		c.t.Fatalf("Connect: X-ResponseCode %d: %s", r.code, r.rawBody)
	}
	var cr wire.ConnectResponse
	if err := cr.Decode(r.body); err != nil {
		c.t.Fatalf("Connect response: %v", err)
	}
	return cr
}

// executeRaw sends an Execute with rgbIn as it is.
func (c *client) executeRaw(flags uint32, rgbIn []byte, maxOut uint32) reply {
	c.t.Helper()
	body, _ := (&wire.ExecuteRequest{Flags: flags, RopBuffer: rgbIn, MaxRopOut: maxOut}).Encode()
	return c.post("Execute", body)
}

func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.e.url)
	for _, k := range c.hc.Jar.Cookies(u) {
		if k.Name == name {
			return k.Value
		}
	}
	return ""
}

func (c *client) setCookie(name, value string) {
	u, _ := url.Parse(c.e.url)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: Path}})
}

func TestConnectDisconnect(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	cr := c.connect()
	if cr.ErrorCode != 0 || cr.MaxPollingInterval == 0 || cr.DNPrefix != dnPrefix("Test Org") || cr.DisplayName != testUser {
		t.Fatalf("connect response %+v", cr)
	}
	if c.cookie(cookieSession) == "" || c.cookie(cookieSequence) == "" {
		t.Fatal("no session cookies")
	}
	if e.srv.Sessions() != 1 {
		t.Fatalf("%d sessions", e.srv.Sessions())
	}
	body, _ := (&wire.DisconnectRequest{}).Encode()
	r := c.post("Disconnect", body)
	var dr wire.DisconnectResponse
	if r.code != 0 || dr.Decode(r.body) != nil {
		t.Fatalf("disconnect: %d %q", r.code, r.rawBody)
	}
	waitFor(t, func() bool { return e.srv.Sessions() == 0 })
	// The session context is gone: anything else on it is Context Not Found.
	c.setCookie(cookieSession, "gone")
	if r := c.post("PING", nil); r.code != rcContextNotFound {
		t.Fatalf("PING after disconnect: %d", r.code)
	}
}

func TestConnectWrongDN(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	body, _ := (&wire.ConnectRequest{UserDN: "/o=Test Org/ou=x/cn=Recipients/cn=someone"}).Encode()
	r := c.post("Connect", body)
	var cr wire.ConnectResponse
	if r.code != 0 || cr.Decode(r.body) != nil || cr.ErrorCode != uint32(ecAccessDenied) {
		t.Fatalf("connect with another DN: %d %+v", r.code, cr)
	}
	if e.srv.Sessions() != 0 {
		t.Fatal("a session was made")
	}
}

func TestRequestErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	send := func(method, reqType string, hdr map[string]string) int {
		req, _ := http.NewRequest(method, e.url, bytes.NewReader(nil))
		req.Header.Set("X-RequestType", reqType)
		req.Header.Set("X-RequestId", "{x}:1")
		req.Header.Set("X-ClientInfo", "{y}:1")
		req.Header.Set("Content-Type", "application/mapi-http")
		for k, v := range hdr {
			if v == "" {
				req.Header.Del(k)
			} else {
				req.Header.Set(k, v)
			}
		}
		req.SetBasicAuth(testUser, testPassword)
		resp, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("HTTP status %d", resp.StatusCode)
		}
		n, _ := strconv.Atoi(resp.Header.Get("X-ResponseCode"))
		return n
	}
	for _, tc := range []struct {
		name   string
		method string
		typ    string
		hdr    map[string]string
		want   int
	}{
		{"GET", http.MethodGet, "Connect", nil, rcInvalidVerb},
		{"no type", http.MethodPost, "", map[string]string{"X-RequestType": ""}, rcMissingHeader},
		{"bad type", http.MethodPost, "Bogus", nil, rcInvalidRequestType},
		{"no request id", http.MethodPost, "Connect", map[string]string{"X-RequestId": ""}, rcMissingHeader},
		{"no client info", http.MethodPost, "Connect", map[string]string{"X-ClientInfo": ""}, rcMissingHeader},
		{"content type", http.MethodPost, "Connect", map[string]string{"Content-Type": "text/plain"}, rcInvalidHeader},
		{"bad body", http.MethodPost, "Connect", nil, rcInvalidRequestBody},
		{"no cookie", http.MethodPost, "Execute", nil, rcMissingCookie},
	} {
		if got := send(tc.method, tc.typ, tc.hdr); got != tc.want {
			t.Errorf("%s: X-ResponseCode %d, want %d", tc.name, got, tc.want)
		}
	}
	// Unauthenticated: 401 from the front.
	req, _ := http.NewRequest(http.MethodPost, e.url, nil)
	req.Header.Set("X-RequestType", "Connect")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous: %d", resp.StatusCode)
	}
}

func TestSequenceCookie(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	c.connect()
	seq0 := c.cookie(cookieSequence)
	r := c.executeRaw(0, nil, 0x10000)
	var er wire.ExecuteResponse
	if r.code != 0 || er.Decode(r.body) != nil || er.ErrorCode != 0 {
		t.Fatalf("execute: %d %q", r.code, r.rawBody)
	}
	seq1 := c.cookie(cookieSequence)
	if seq1 == "" || seq1 == seq0 {
		t.Fatalf("sequence not rotated: %q then %q", seq0, seq1)
	}
	// Replaying the old sequence is refused and changes nothing.
	c.setCookie(cookieSequence, seq0)
	if r := c.executeRaw(0, nil, 0x10000); r.code != rcInvalidSequence {
		t.Fatalf("old sequence: X-ResponseCode %d", r.code)
	}
	c.setCookie(cookieSequence, "")
	if r := c.executeRaw(0, nil, 0x10000); r.code != rcMissingCookie {
		t.Fatalf("no sequence: X-ResponseCode %d", r.code)
	}
	c.setCookie(cookieSequence, seq1)
	// A malformed body is refused and leaves the sequence as it was.
	if r := c.post("Execute", []byte{1, 2, 3}); r.code != rcInvalidRequestBody || c.cookie(cookieSequence) != seq1 {
		t.Fatalf("malformed Execute: X-ResponseCode %d, sequence %q", r.code, c.cookie(cookieSequence))
	}
	if r := c.executeRaw(0, nil, 0x10000); r.code != 0 {
		t.Fatalf("current sequence: X-ResponseCode %d", r.code)
	}
	// PING and NotificationWait need no sequence and do not rotate it.
	seq2 := c.cookie(cookieSequence)
	if r := c.post("PING", nil); r.code != 0 || c.cookie(cookieSequence) != seq2 {
		t.Fatalf("PING: %d", r.code)
	}
	// Another user may not use the session context.
	if _, err := e.DB.AddUser(context.Background(), directory.NewUser{Username: "bob@example.org", Password: "bob pw", Maildir: e.maildir + "-bob"}); err != nil {
		t.Fatal(err)
	}
	c.user, c.pw = "bob@example.org", "bob pw"
	if r := c.executeRaw(0, nil, 0x10000); r.code != rcNoPrivilege {
		t.Fatalf("other user: X-ResponseCode %d", r.code)
	}
}

func TestReconnectDestroysOldContext(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	c.connect()
	sid0 := c.cookie(cookieSession)
	c.connect()
	if sid := c.cookie(cookieSession); sid == sid0 {
		t.Fatal("same session cookie after reconnect")
	}
	waitFor(t, func() bool { return e.srv.Sessions() == 1 })
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SessionTimeout = 300 * time.Millisecond })
	c := e.client(t)
	c.connect()
	if r := c.post("PING", nil); r.code != 0 {
		t.Fatalf("PING: %d", r.code)
	}
	if r := c.post("PING", nil); r.code != 0 {
		t.Fatalf("PING: %d", r.code)
	}
	waitFor(t, func() bool { return e.srv.Sessions() == 0 })
	if r := c.executeRaw(0, nil, 0x10000); r.code != rcContextNotFound {
		t.Fatalf("after expiry: X-ResponseCode %d", r.code)
	}
}

func TestNotificationWaitTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxWait = 300 * time.Millisecond; c.PendingPeriod = 100 * time.Millisecond })
	c := e.client(t)
	c.connect()
	body, _ := (&wire.NotificationWaitRequest{}).Encode()
	t0 := time.Now()
	r := c.post("NotificationWait", body)
	var nr wire.NotificationWaitResponse
	if r.code != 0 || nr.Decode(r.body) != nil || nr.EventPending {
		t.Fatalf("NotificationWait: %d %+v", r.code, nr)
	}
	if d := time.Since(t0); d < 300*time.Millisecond {
		t.Fatalf("NotificationWait returned after %v", d)
	}
	if r.meta.Pending < 1 {
		t.Fatalf("no PENDING keep-alive: %+v", r.meta)
	}
	if r.header.Get("X-PendingPeriod") != "100" {
		t.Fatalf("X-PendingPeriod %q", r.header.Get("X-PendingPeriod"))
	}
}

func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met in 5 s")
}

func TestSessionLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxSessionsPerUser = 2 })
	e.client(t).connect()
	e.client(t).connect()
	c := e.client(t)
	body, _ := (&wire.ConnectRequest{UserDN: userDN("Test Org", e.user)}).Encode()
	r := c.post("Connect", body)
	var cr wire.ConnectResponse
	if r.code != 0 || cr.Decode(r.body) != nil || cr.ErrorCode != uint32(mapi.EcInsufficientResrc) {
		t.Fatalf("third session: %d %+v", r.code, cr)
	}
	if n := e.srv.Sessions(); n != 2 {
		t.Fatalf("%d sessions", n)
	}
}
