package http

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/protocols/prototest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// testFront runs a front on a loopback listener; it stops with the test.
func testFront(t *testing.T, cfg Config) (*Server, string, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zap.DebugLevel)
	s := New(cfg, zap.New(core))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	return s, "http://" + ln.Addr().String(), logs
}

func do(t *testing.T, method, url string, body io.Reader, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func text(s string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, s) }
}

// accessLines returns the access log entries, as maps of their fields.
func accessLines(logs *observer.ObservedLogs) []map[string]any {
	var out []map[string]any
	for _, e := range logs.FilterMessage("http access").All() {
		out = append(out, e.ContextMap())
	}
	return out
}

func TestRouterMatchesWithoutCase(t *testing.T) {
	s, base, logs := testFront(t, Config{})
	rt := s.Router()
	rt.Handle("/EWS/Exchange.asmx", text("ews"))
	rt.Handle("/Autodiscover/Autodiscover.xml", text("ad"))
	rt.Handle("/mapi/emsmdb", text("emsmdb"), Prefix())
	rt.Handle("/mapi", text("mapi"), Prefix())
	rt.Handle("/mapi/nspi/exact", text("exact"))
	rt.Handle("/mapi/nspi", text("nspi"), Prefix())

	for _, c := range []struct{ path, want string }{
		{"/ews/exchange.asmx", "ews"},
		{"/EWS/EXCHANGE.ASMX", "ews"},
		{"/EWS/Exchange.asmx/", "ews"},
		{"/autodiscover/autodiscover.xml", "ad"},
		{"/mapi/emsmdb/?MailboxId=x@example.org", "emsmdb"},
		{"/MAPI/EMSMDB", "emsmdb"},
		{"/mapi/emsmdb/deeper/still", "emsmdb"},
		{"/mapi/other", "mapi"},
		{"/mapi/emsmdbx", "mapi"}, // not below /mapi/emsmdb
		{"/mapi/nspi/EXACT", "exact"},
		{"/mapi/nspi/exact/more", "nspi"},
	} {
		resp, body := do(t, "GET", base+c.path, nil)
		if resp.StatusCode != 200 || body != c.want {
			t.Errorf("%s: %d %q, want 200 %q", c.path, resp.StatusCode, body, c.want)
		}
	}
	for _, p := range []string{"/", "/ews/exchange.asmxx", "/mapix", "/ews", "/no/such/path"} {
		if resp, _ := do(t, "GET", base+p, nil); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", p, resp.StatusCode)
		}
	}
	lines := accessLines(logs)
	if len(lines) != 16 {
		t.Fatalf("%d access log lines for 16 requests", len(lines))
	}
	last := lines[len(lines)-1]
	if last["path"] != "/no/such/path" || last["status"] != int64(404) || last["method"] != "GET" || last["user"] != "-" {
		t.Errorf("access line of the 404: %v", last)
	}
	if r, _ := last["remote"].(string); !strings.HasPrefix(r, "127.0.0.1:") {
		t.Errorf("remote %v", last["remote"])
	}
}

func TestPanicIsRecovered(t *testing.T) {
	s, base, logs := testFront(t, Config{})
	s.Router().HandleFunc("/boom", func(w http.ResponseWriter, r *http.Request) { panic("handler bug") })
	s.Router().Handle("/ok", text("fine"))
	resp, _ := do(t, "GET", base+"/boom", nil)
	if resp.StatusCode != 500 {
		t.Fatalf("panic answered %d, want 500", resp.StatusCode)
	}
	if resp, body := do(t, "GET", base+"/ok", nil); resp.StatusCode != 200 || body != "fine" {
		t.Fatalf("after the panic: %d %q", resp.StatusCode, body)
	}
	p := logs.FilterMessage("http handler panic").All()
	if len(p) != 1 {
		t.Fatalf("%d panic log entries", len(p))
	}
	f := p[0].ContextMap()
	if f["panic"] != "handler bug" || !strings.Contains(f["stack"].(string), "TestPanicIsRecovered") {
		t.Errorf("panic entry %v", f)
	}
	lines := accessLines(logs)
	if len(lines) != 2 || lines[0]["status"] != int64(500) {
		t.Errorf("access lines %v", lines)
	}
}

func TestBodyLimit(t *testing.T) {
	s, base, _ := testFront(t, Config{MaxBodyBytes: 100})
	var called atomic.Int32
	var readErr atomic.Value
	s.Router().HandleFunc("/up", func(w http.ResponseWriter, r *http.Request) {
		called.Add(1)
		b, err := io.ReadAll(r.Body)
		if err != nil {
			readErr.Store(err)
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				return
			}
		}
		fmt.Fprintf(w, "%d", len(b))
	})
	if resp, body := do(t, "POST", base+"/up", strings.NewReader(strings.Repeat("x", 100))); resp.StatusCode != 200 || body != "100" {
		t.Fatalf("body at the limit: %d %q", resp.StatusCode, body)
	}
	if resp, _ := do(t, "POST", base+"/up", strings.NewReader(strings.Repeat("x", 101))); resp.StatusCode != 413 {
		t.Fatalf("announced body over the limit: %d", resp.StatusCode)
	}
	if called.Load() != 1 {
		t.Fatalf("handler ran %d times; the announced oversize body must not reach it", called.Load())
	}
	// Chunked: the length is not announced; the handler's read fails.
	pr, pw := io.Pipe()
	go func() { pw.Write([]byte(strings.Repeat("y", 300))); pw.Close() }()
	if resp, _ := do(t, "POST", base+"/up", pr); resp.StatusCode != 413 {
		t.Fatalf("chunked body over the limit: %d", resp.StatusCode)
	}
	if err, _ := readErr.Load().(error); err == nil {
		t.Fatal("chunked oversize body read without error")
	}
}

func TestHeaderLimit(t *testing.T) {
	s, base, _ := testFront(t, Config{MaxHeaderBytes: 1024})
	s.Router().Handle("/x", text("ok"))
	resp, _ := do(t, "GET", base+"/x", nil, "X-Big", strings.Repeat("a", 8192))
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("8 KiB header with a 1 KiB limit: %d", resp.StatusCode)
	}
}

func TestDeadlinesAndLongPoll(t *testing.T) {
	s, base, _ := testFront(t, Config{RequestTimeout: 150 * time.Millisecond})
	wait := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(400 * time.Millisecond):
			io.WriteString(w, "waited")
		case <-r.Context().Done():
			http.Error(w, "deadline", http.StatusServiceUnavailable)
		}
	}
	s.Router().HandleFunc("/short", wait)
	s.Router().HandleFunc("/poll", wait, LongPoll())
	if resp, body := do(t, "GET", base+"/poll", nil); resp.StatusCode != 200 || body != "waited" {
		t.Fatalf("long poll: %d %q", resp.StatusCode, body)
	}
	req, _ := http.NewRequest("GET", base+"/short", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatalf("request past its deadline answered 200 %q", b)
		}
	}

	// Shutdown ends a long poll rather than wait for it.
	started := make(chan struct{})
	s.Router().HandleFunc("/forever", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	}, LongPoll())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := http.Get(base + "/forever"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	t0 := time.Now()
	s.Shutdown(context.Background())
	<-done
	if d := time.Since(t0); d > 2*time.Second {
		t.Fatalf("shutdown with a long poll took %v", d)
	}
}

// users is a directory.Lookuper with fixed accounts.
type users map[string]*directory.User

func (u users) Lookup(_ context.Context, login string) (*directory.User, error) {
	if x, ok := u[strings.ToLower(login)]; ok {
		c := *x
		return &c, nil
	}
	return nil, directory.ErrNotFound
}

func TestBasicAuth(t *testing.T) {
	hash, err := directory.HashPassword("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	core, authLogs := observer.New(zap.DebugLevel)
	opt := directory.DefaultAuthOptions()
	opt.FailDelay, opt.CredCacheTTL = 0, 0
	auth, err := directory.NewAuth(users{"alice@example.org": {ID: 7, Username: "alice@example.org", PasswordHash: hash}}, opt, zap.New(core))
	if err != nil {
		t.Fatal(err)
	}
	s, base, logs := testFront(t, Config{})
	basic := &Basic{Dir: auth, Realm: "mail.example.org"}
	s.Router().Handle("/me", s.Authenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, ok := UserFrom(r.Context())
		if !ok {
			t.Error("no user in the context")
			return
		}
		io.WriteString(w, u.Username)
	}), basic))

	resp, _ := do(t, "GET", base+"/me", nil)
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != `Basic realm="mail.example.org", charset="UTF-8"` {
		t.Fatalf("no credentials: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	req, _ := http.NewRequest("GET", base+"/me", nil)
	req.SetBasicAuth("alice@example.org", "wrong")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic ") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	fail2ban := regexp.MustCompile(`rhost=\[(\S+)?\]\S* user=(\S+) .*(auth|login.*|logon) rejected:`)
	var matched bool
	for _, e := range authLogs.All() {
		if m := fail2ban.FindStringSubmatch(e.Message); m != nil && m[1] == "127.0.0.1" && m[2] == "alice@example.org" {
			matched = true
		}
	}
	if !matched {
		t.Fatalf("no fail2ban line for the wrong password in %v", authLogs.All())
	}
	if resp, body := do(t, "GET", base+"/me", nil, "Authorization", "Basic !!notbase64"); resp.StatusCode != 401 || body == "alice@example.org" {
		t.Fatalf("malformed credentials: %d %q", resp.StatusCode, body)
	}

	req, _ = http.NewRequest("GET", base+"/me", nil)
	req.SetBasicAuth("ALICE@example.org", "s3cret")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "alice@example.org" {
		t.Fatalf("right password: %d %q", resp.StatusCode, b)
	}
	lines := accessLines(logs)
	if last := lines[len(lines)-1]; last["user"] != "alice@example.org" || last["status"] != int64(200) {
		t.Errorf("access line of the authenticated request: %v", last)
	}
}

// stubDir answers Authenticate with a fixed error.
type stubDir struct{ err error }

func (d stubDir) Authenticate(context.Context, directory.Credentials) (*directory.User, error) {
	return nil, d.err
}

func TestAuthErrorsMapToStatus(t *testing.T) {
	s, base, _ := testFront(t, Config{})
	for path, c := range map[string]struct {
		err  error
		want int
	}{
		"/blocked": {directory.ErrBlocked, http.StatusTooManyRequests},
		"/down":    {directory.ErrUnavailable, http.StatusServiceUnavailable},
		"/off":     {directory.ErrLoginDisabled, http.StatusUnauthorized},
	} {
		s.Router().Handle(path, s.Authenticated(text("in"), &Basic{Dir: stubDir{c.err}, Realm: "r"}))
		req, _ := http.NewRequest("GET", base+path, nil)
		req.SetBasicAuth("u@example.org", "p")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("%v: %d, want %d", c.err, resp.StatusCode, c.want)
		}
	}
}

// handshake is a two-leg scheme, as NTLM is: the first leg is answered
// with a token, the second with the user.
type handshake struct{}

func (handshake) Scheme() string    { return "NTLM" }
func (handshake) Challenge() string { return "NTLM" }
func (handshake) Authenticate(r *http.Request, creds string) (*directory.User, error) {
	if creds == "leg1" {
		return nil, &Continue{Token: "challenge"}
	}
	if creds == "leg2" {
		return &directory.User{Username: "bob@example.org"}, nil
	}
	return nil, directory.ErrAuthFailed
}

func TestAuthenticatorSeam(t *testing.T) {
	s, base, _ := testFront(t, Config{})
	s.Router().Handle("/x", s.Authenticated(text("in"), &Basic{Dir: stubDir{directory.ErrAuthFailed}, Realm: "r"}, handshake{}))
	resp, _ := do(t, "GET", base+"/x", nil)
	if got := resp.Header.Values("WWW-Authenticate"); resp.StatusCode != 401 || len(got) != 2 || got[1] != "NTLM" {
		t.Fatalf("challenges %q (%d)", got, resp.StatusCode)
	}
	resp, _ = do(t, "GET", base+"/x", nil, "Authorization", "NTLM leg1")
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "NTLM challenge" {
		t.Fatalf("first leg: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	if resp, body := do(t, "GET", base+"/x", nil, "Authorization", "ntlm leg2"); resp.StatusCode != 200 || body != "in" {
		t.Fatalf("second leg: %d %q", resp.StatusCode, body)
	}
}

func TestRemoteHostHeader(t *testing.T) {
	s, base, logs := testFront(t, Config{RemoteHostHeader: "X-Real-IP"})
	s.Router().HandleFunc("/x", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, RemoteAddr(r).Addr().String())
	})
	if _, body := do(t, "GET", base+"/x", nil, "X-Real-IP", "192.0.2.7"); body != "192.0.2.7" {
		t.Fatalf("remote from the header: %q", body)
	}
	if _, body := do(t, "GET", base+"/x", nil, "X-Real-IP", "2001:db8::1, 192.0.2.9"); body != "2001:db8::1" {
		t.Fatalf("remote from a proxy list: %q", body)
	}
	if _, body := do(t, "GET", base+"/x", nil, "X-Real-IP", "garbage"); body != "127.0.0.1" {
		t.Fatalf("remote from a bad header: %q", body)
	}
	if l := accessLines(logs); l[0]["remote"] != "192.0.2.7" {
		t.Fatalf("access line remote %v", l[0]["remote"])
	}
}

// TestTLSKeepAliveAndChunks: HTTPS with HTTP/1.1 only, several requests
// on one connection, and a streamed response whose first chunk arrives
// before the handler is done (as MAPI/HTTP's PROCESSING/PENDING chunks).
func TestTLSKeepAliveAndChunks(t *testing.T) {
	cert, clientTLS := prototest.SelfSigned(t, "mail.example.org")
	s := New(Config{}, nil)
	release := make(chan struct{})
	s.Router().HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "PROCESSING\r\n")
		http.NewResponseController(w).Flush()
		<-release
		io.WriteString(w, "DONE\r\n")
	}, LongPoll())
	s.Router().Handle("/x", text("ok"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.ServeTLS(ln, &tls.Config{Certificates: []tls.Certificate{cert}})
	defer s.Shutdown(context.Background())
	base := "https://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{
		TLSClientConfig: clientTLS, ForceAttemptHTTP2: true,
	}}

	var reused int
	for i := 0; i < 3; i++ {
		trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
			if ci.Reused {
				reused++
			}
		}}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET", base+"/x", nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "ok" || resp.ProtoMajor != 1 || resp.ProtoMinor != 1 {
			t.Fatalf("request %d: %s %d %q", i, resp.Proto, resp.StatusCode, b)
		}
	}
	if reused != 2 {
		t.Errorf("%d of 3 requests reused the connection, want 2", reused)
	}

	resp, err := client.Get(base + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if te := resp.TransferEncoding; len(te) != 1 || te[0] != "chunked" {
		t.Errorf("transfer encoding %v, want chunked", te)
	}
	first := make([]byte, len("PROCESSING\r\n"))
	if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "PROCESSING\r\n" {
		t.Fatalf("first chunk before the handler finished: %q %v", first, err)
	}
	close(release)
	if rest, _ := io.ReadAll(resp.Body); string(rest) != "DONE\r\n" {
		t.Fatalf("rest %q", rest)
	}
}

// TestLongPollIf: only the matching requests of a path wait past the
// request deadline; the server's authenticators apply where a handler
// names none.
func TestLongPollIfAndDefaultAuth(t *testing.T) {
	s, base, _ := testFront(t, Config{RequestTimeout: 100 * time.Millisecond})
	s.SetAuthenticators(handshake{})
	s.Router().Handle("/mapi/emsmdb", s.Authenticated(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(300 * time.Millisecond):
			io.WriteString(w, "waited")
		case <-r.Context().Done():
			io.WriteString(w, "cut")
		}
	})), Prefix(), LongPollIf(func(r *http.Request) bool { return r.Header.Get("X-RequestType") == "NotificationWait" }))
	// In this order on one keep-alive connection: a request cut at its
	// deadline must not spoil the next one's context.
	for _, c := range []struct{ typ, body, want string }{
		{"Execute", "", "cut"}, {"NotificationWait", "", "waited"},
		{"Execute", "rop buffer", "cut"}, {"NotificationWait", "aux", "waited"}, {"Execute", "", "cut"},
	} {
		resp, body := do(t, "POST", base+"/mapi/emsmdb/?MailboxId=x", strings.NewReader(c.body), "X-RequestType", c.typ, "Authorization", "NTLM leg2")
		if resp.StatusCode != 200 || body != c.want {
			t.Errorf("%s: %d %q, want %q", c.typ, resp.StatusCode, body, c.want)
		}
	}
	if resp, _ := do(t, "POST", base+"/mapi/emsmdb/", nil); resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "NTLM" {
		t.Errorf("default authenticators: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}
