package pop3

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/prototest"
	"go.uber.org/zap/zaptest/observer"
)

// The messages every test starts with, in Inbox order.
var (
	raw1 = "From: sender@example.net\r\nTo: alice@example.org\r\nSubject: one\r\nMessage-ID: <1@example.net>\r\n\r\nline 1\r\n.starts with a dot\r\n..two dots\r\nline 4\r\n"
	// LF line ends: sent with CRLF, counted with CRLF.
	raw2 = "From: sender@example.net\nTo: alice@example.org\nSubject: two\nMessage-ID: <2@example.net>\n\nbody a\n\nbody c\n"
	raw3 = "From: sender@example.net\r\nTo: alice@example.org\r\nSubject: three\r\nMessage-ID: <3@example.net>\r\n\r\nb1\r\nb2\r\nb3\r\nb4\r\nb5\r\n"
)

// crlf is raw as RETR must send it before dot-stuffing.
func crlf(raw string) string {
	return strings.ReplaceAll(strings.ReplaceAll(raw, "\r\n", "\n"), "\n", "\r\n")
}

type env struct {
	addr, tlsAddr string
	maildir       string
	stores        *mailbox.Registry
	logs          *observer.ObservedLogs
	tls           *tls.Config // client side
	sys           *actors.System
	srv           *Server
}

func newEnv(t testing.TB, withTLS bool, tune ...func(*Config)) *env {
	t.Helper()
	pe := prototest.New(t)
	e := &env{stores: pe.Stores, logs: pe.Logs, sys: pe.Sys}
	e.maildir = pe.AddUser(t, "alice@example.org", "secret pw", "")
	for _, raw := range []string{raw1, raw2, raw3} {
		e.add(t, raw)
	}
	cfg := Config{Hostname: "pop.example.org", Timeout: 10 * time.Second, IdleTimeout: 30 * time.Second}
	for _, f := range tune {
		f(&cfg)
	}
	if withTLS {
		var cert tls.Certificate
		cert, e.tls = prototest.SelfSigned(t, "pop.example.org")
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	srv := New(cfg, pe.Sys, pe.Spawner, pe.Auth, pe.Stores, pe.Log)
	e.srv = srv
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	e.addr = ln.Addr().String()
	var tln net.Listener
	if withTLS {
		if tln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		go srv.ServeTLS(tln)
		e.tlsAddr = tln.Addr().String()
	}
	t.Cleanup(func() {
		ln.Close()
		if tln != nil {
			tln.Close()
		}
	})
	return e
}

func (e *env) add(t testing.TB, raw string) {
	t.Helper()
	c, err := mailbox.ImportRFC5322([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.stores.Do(context.Background(), e.maildir, mailbox.WriteMessage{FolderID: fidInbox, Content: c, Original: []byte(raw)}); err != nil {
		t.Fatal(err)
	}
}

// client is a minimal POP3 client that keeps the wire bytes.
type client struct {
	t  testing.TB
	nc net.Conn
	r  *bufio.Reader
}

func (e *env) dial(t testing.TB) *client {
	t.Helper()
	nc, err := net.DialTimeout("tcp", e.addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return start(t, nc)
}

func start(t testing.TB, nc net.Conn) *client {
	t.Helper()
	c := &client{t: t, nc: nc, r: bufio.NewReader(nc)}
	t.Cleanup(func() { nc.Close() })
	if g := c.line(); !strings.HasPrefix(g, "+OK ") {
		t.Fatalf("greeting %q", g)
	}
	return c
}

func (c *client) line() string {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read: %v (got %q)", err, l)
	}
	if !strings.HasSuffix(l, "\r\n") {
		c.t.Fatalf("line without CRLF: %q", l)
	}
	return strings.TrimSuffix(l, "\r\n")
}

func (c *client) send(line string) {
	c.t.Helper()
	c.nc.SetWriteDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.nc.Write([]byte(line + "\r\n")); err != nil {
		c.t.Fatal(err)
	}
}

// cmd sends line and returns the status line, failing unless it starts
// with want ("+OK" or "-ERR").
func (c *client) cmd(want, line string) string {
	c.t.Helper()
	c.send(line)
	st := c.line()
	if !strings.HasPrefix(st, want) {
		c.t.Fatalf("%s: got %q, want %s", line, st, want)
	}
	return st
}

// multi sends line, expects +OK and returns the multi-line body's wire
// bytes (dot-stuffed, CRLF, without the final ".CRLF").
func (c *client) multi(line string) string {
	c.t.Helper()
	c.cmd("+OK", line)
	var b strings.Builder
	for {
		l := c.line()
		if l == "." {
			return b.String()
		}
		b.WriteString(l + "\r\n")
	}
}

func unstuff(wire string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(wire, "\r\n") {
		b.WriteString(strings.TrimPrefix(l, "."))
	}
	return b.String()
}

func (c *client) login() {
	c.t.Helper()
	c.cmd("+OK", "USER alice@example.org")
	c.cmd("+OK", "PASS secret pw")
}

// listing parses a LIST or UIDL body into number → value.
func listing(t *testing.T, body string) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, l := range strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n") {
		if l == "" {
			continue
		}
		n, v, _ := strings.Cut(l, " ")
		i, err := strconv.Atoi(n)
		if err != nil {
			t.Fatalf("listing line %q", l)
		}
		out[i] = v
	}
	return out
}

func TestLogin(t *testing.T) {
	e := newEnv(t, false)
	c := e.dial(t)
	c.cmd("-ERR", "PASS secret pw") // USER first
	c.cmd("-ERR", "STAT")           // not authenticated
	c.cmd("+OK", "USER alice@example.org")
	c.cmd("-ERR", "PASS wrong")
	found := false
	for _, l := range e.logs.All() {
		if strings.Contains(l.Message, "rhost=[127.0.0.1]") && strings.Contains(l.Message, "user=alice@example.org") && strings.Contains(l.Message, "rejected:") {
			found = true
		}
	}
	if !found {
		t.Errorf("no fail2ban line in the log: %v", e.logs.All())
	}
	c.login()
	c.cmd("+OK", "NOOP")
	c.cmd("-ERR", "USER alice@example.org")
	c.cmd("+OK", "QUIT")

	// Three failures close the connection (pop3_auth_times).
	c = e.dial(t)
	for i := 0; i < 3; i++ {
		c.cmd("+OK", "USER nobody@example.org")
		c.cmd("-ERR", "PASS x")
	}
	if l := c.line(); !strings.HasPrefix(l, "-ERR") {
		t.Fatalf("after 3 failures: %q", l)
	}
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("connection still open after 3 failures")
	}
}

func TestAuthPlain(t *testing.T) {
	e := newEnv(t, false)
	c := e.dial(t)
	capa := c.multi("CAPA")
	if !strings.Contains(capa, "SASL PLAIN\r\n") || strings.Contains(capa, "STLS") {
		t.Errorf("CAPA without TLS: %q", capa)
	}
	c.cmd("-ERR", "STLS")
	resp := base64.StdEncoding.EncodeToString([]byte("\x00alice@example.org\x00secret pw"))
	c.cmd("-ERR", "AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00alice@example.org\x00bad")))
	c.send("AUTH PLAIN")
	if l := c.line(); l != "+ " {
		t.Fatalf("continuation %q", l)
	}
	c.send("*")
	if l := c.line(); !strings.HasPrefix(l, "-ERR") {
		t.Fatalf("cancel: %q", l)
	}
	c.send("AUTH PLAIN")
	c.line()
	c.send(resp)
	if l := c.line(); !strings.HasPrefix(l, "+OK") {
		t.Fatalf("AUTH PLAIN: %q", l)
	}
	if st := c.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK 3 ") {
		t.Fatalf("STAT %q", st)
	}
	c2 := e.dial(t)
	c2.cmd("+OK", "AUTH PLAIN "+resp)
}

func TestListRetrTop(t *testing.T) {
	e := newEnv(t, false)
	c := e.dial(t)
	c.login()
	raws := []string{raw1, raw2, raw3}
	var total int
	for _, r := range raws {
		total += len(crlf(r))
	}
	if st := c.cmd("+OK", "STAT"); st != fmt.Sprintf("+OK 3 %d", total) {
		t.Fatalf("STAT %q, want 3 %d", st, total)
	}
	list := listing(t, c.multi("LIST"))
	uidls := listing(t, c.multi("UIDL"))
	if len(list) != 3 || len(uidls) != 3 {
		t.Fatalf("LIST %v UIDL %v", list, uidls)
	}
	seen := map[string]bool{}
	for i, r := range raws {
		n := i + 1
		if list[n] != strconv.Itoa(len(crlf(r))) {
			t.Errorf("LIST %d = %s, want %d", n, list[n], len(crlf(r)))
		}
		if st := c.cmd("+OK", fmt.Sprintf("LIST %d", n)); st != fmt.Sprintf("+OK %d %s", n, list[n]) {
			t.Errorf("LIST %d: %q", n, st)
		}
		if st := c.cmd("+OK", fmt.Sprintf("UIDL %d", n)); st != fmt.Sprintf("+OK %d %s", n, uidls[n]) {
			t.Errorf("UIDL %d: %q", n, st)
		}
		if seen[uidls[n]] {
			t.Errorf("UIDL %q twice", uidls[n])
		}
		seen[uidls[n]] = true
		wire := c.multi(fmt.Sprintf("RETR %d", n))
		if got := unstuff(wire); got != crlf(r) {
			t.Errorf("RETR %d:\n got %q\nwant %q", n, got, crlf(r))
		}
		if strconv.Itoa(len(unstuff(wire))) != list[n] {
			t.Errorf("RETR %d sent %d octets, LIST said %s", n, len(unstuff(wire)), list[n])
		}
	}
	// Dot-stuffing on the wire (RFC 1939 3).
	if wire := c.multi("RETR 1"); !strings.Contains(wire, "\r\n..starts with a dot\r\n...two dots\r\n") {
		t.Errorf("RETR 1 not dot-stuffed: %q", wire)
	}
	head3 := "From: sender@example.net\r\nTo: alice@example.org\r\nSubject: three\r\nMessage-ID: <3@example.net>\r\n\r\n"
	if got := c.multi("TOP 3 0"); got != head3 {
		t.Errorf("TOP 3 0 = %q", got)
	}
	if got := c.multi("TOP 3 2"); got != head3+"b1\r\nb2\r\n" {
		t.Errorf("TOP 3 2 = %q", got)
	}
	if got := c.multi("TOP 3 100"); got != crlf(raw3) {
		t.Errorf("TOP 3 100 = %q", got)
	}
	if got := c.multi("TOP 2 2"); got != crlf("From: sender@example.net\nTo: alice@example.org\nSubject: two\nMessage-ID: <2@example.net>\n\nbody a\n\n") {
		t.Errorf("TOP 2 2 = %q", got)
	}
	if got := unstuff(c.multi("TOP 1 2")); !strings.HasSuffix(got, "\r\n\r\nline 1\r\n.starts with a dot\r\n") {
		t.Errorf("TOP 1 2 = %q", got)
	}
	for _, bad := range []string{"RETR 0", "RETR 4", "RETR x", "RETR", "TOP 1", "TOP 1 -1", "LIST 9", "UIDL 0", "DELE 4", "LIST 1 2", "FOO", "RETR 99999999999999999999"} {
		c.cmd("-ERR", bad)
	}
	c.cmd("+OK", "QUIT")
}

func TestDeleRsetQuit(t *testing.T) {
	e := newEnv(t, false)
	c := e.dial(t)
	c.login()
	before := listing(t, c.multi("UIDL"))
	sizes := listing(t, c.multi("LIST"))
	c.cmd("+OK", "DELE 2")
	c.cmd("-ERR", "DELE 2")
	s1, _ := strconv.Atoi(sizes[1])
	s3, _ := strconv.Atoi(sizes[3])
	if st := c.cmd("+OK", "STAT"); st != fmt.Sprintf("+OK 2 %d", s1+s3) {
		t.Fatalf("STAT after DELE: %q", st)
	}
	if l := listing(t, c.multi("LIST")); len(l) != 2 || l[2] != "" {
		t.Fatalf("LIST after DELE: %v", l)
	}
	if l := listing(t, c.multi("UIDL")); len(l) != 2 || l[2] != "" {
		t.Fatalf("UIDL after DELE: %v", l)
	}
	c.cmd("-ERR", "RETR 2")
	c.cmd("-ERR", "TOP 2 0")
	c.cmd("-ERR", "LIST 2")
	c.cmd("+OK", "RSET")
	if st := c.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK 3 ") {
		t.Fatalf("STAT after RSET: %q", st)
	}
	c.multi("RETR 2")

	// A session that ends without QUIT deletes nothing (RFC 1939 6).
	c.cmd("+OK", "DELE 1")
	c.nc.Close()
	c = e.dial(t)
	c.login()
	if st := c.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK 3 ") {
		t.Fatalf("STAT after a dropped session: %q", st)
	}
	c.cmd("+OK", "DELE 2")
	c.cmd("+OK", "QUIT")

	c = e.dial(t)
	c.login()
	if st := c.cmd("+OK", "STAT"); st != fmt.Sprintf("+OK 2 %d", s1+s3) {
		t.Fatalf("STAT after QUIT: %q", st)
	}
	after := listing(t, c.multi("UIDL"))
	if after[1] != before[1] || after[2] != before[3] {
		t.Fatalf("UIDLs changed: before %v after %v", before, after)
	}
	if got := unstuff(c.multi("RETR 2")); got != crlf(raw3) {
		t.Fatalf("RETR 2 after QUIT = %q", got)
	}
	// The store agrees.
	n, err := mailbox.Do[int](context.Background(), e.stores, e.maildir, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		n := 0
		err := tx.IMAPScan(fidInbox, 1, func(mailbox.IMAPMessage) error { n++; return nil })
		return n, err
	}))
	if err != nil || n != 2 {
		t.Fatalf("Inbox has %d messages (%v), want 2", n, err)
	}
}

func TestMalformedAndLongLines(t *testing.T) {
	e := newEnv(t, false)
	c := e.dial(t)
	for _, l := range []string{"", "X", "FOOBAR", "US\x01R a", "\x00\x00", "LIST", "12345", "USER", "USER a b", "AUTH X", "AUTH PLAIN !!!", "AUTH PLAIN " + base64.StdEncoding.EncodeToString([]byte("no nul"))} {
		c.cmd("-ERR", l)
	}
	// A 1 MiB line gets an error and the session goes on.
	c.send(strings.Repeat("A", 1<<20))
	if l := c.line(); l != "-ERR command line too long" {
		t.Fatalf("1 MiB line: %q", l)
	}
	c.multi("CAPA")
	c.login()
	c.cmd("+OK", "STAT")
	c.send("NOOP\r\nNOOP\r\nSTAT") // pipelining
	for i := 0; i < 3; i++ {
		if l := c.line(); !strings.HasPrefix(l, "+OK") {
			t.Fatalf("pipelined reply %d: %q", i, l)
		}
	}
	c.cmd("+OK", "QUIT")
}

func TestVanishingClients(t *testing.T) {
	e := newEnv(t, false)
	c := e.dial(t) // warm up the store and the actor system
	c.login()
	c.cmd("+OK", "QUIT")
	base := prototest.Goroutines()
	for i := 0; i < 200; i++ {
		nc, err := net.DialTimeout("tcp", e.addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		switch i % 4 {
		case 0: // gone at once
		case 1: // half a command
			nc.Write([]byte("USER alice@exa"))
		case 2: // logged in, asked for a message, gone
			nc.Write([]byte("USER alice@example.org\r\nPASS secret pw\r\nRETR 1\r\n"))
		case 3: // a long line, gone mid-way
			nc.Write(bytes.Repeat([]byte("x"), 64<<10))
		}
		nc.Close()
	}
	prototest.WaitSessionsGone(t, e.sys, "pop3-session", base, 20*time.Second)
	c = e.dial(t) // the server goes on
	c.login()
	c.cmd("+OK", "STAT")
}

func TestSTLS(t *testing.T) {
	e := newEnv(t, true)
	c := e.dial(t)
	if capa := c.multi("CAPA"); !strings.Contains(capa, "STLS\r\n") {
		t.Fatalf("CAPA with TLS: %q", capa)
	}
	c.cmd("+OK", "STLS")
	tc := tls.Client(c.nc, e.tls)
	tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		t.Fatal(err)
	}
	c.nc, c.r = tc, bufio.NewReader(tc)
	if capa := c.multi("CAPA"); strings.Contains(capa, "STLS") {
		t.Fatalf("CAPA after STLS offers STLS: %q", capa)
	}
	c.cmd("-ERR", "STLS")
	c.login()
	// After login: what AUTHORIZATION offered (RFC 2449 5), but STLS.
	if capa := c.multi("CAPA"); !strings.Contains(capa, "\r\nUSER\r\n") || !strings.Contains(capa, "\r\nSASL PLAIN\r\n") || strings.Contains(capa, "STLS") {
		t.Fatalf("CAPA after login: %q", capa)
	}
	if got := unstuff(c.multi("RETR 1")); got != crlf(raw1) {
		t.Fatalf("RETR over TLS = %q", got)
	}
	c.cmd("+OK", "QUIT")

	// Implicit TLS.
	tc, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", e.tlsAddr, e.tls)
	if err != nil {
		t.Fatal(err)
	}
	c = start(t, tc)
	if capa := c.multi("CAPA"); strings.Contains(capa, "STLS") {
		t.Fatalf("CAPA on implicit TLS offers STLS: %q", capa)
	}
	c.login()
	c.cmd("+OK", "STAT")

	// Commands pipelined behind STLS are an injection: the connection ends.
	c = e.dial(t)
	c.send("STLS\r\nUSER evil")
	c.line()
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("connection open after STLS with pipelined data")
	}
}

// TestPythonPoplib checks the server against python3's poplib.
func TestPythonPoplib(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	e := newEnv(t, false)
	host, port, _ := net.SplitHostPort(e.addr)
	script := `
import poplib, sys
p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=20)
p.user("alice@example.org"); p.pass_("secret pw")
n, size = p.stat()
resp, lines, octets = p.retr(1)
uidl = p.uidl()[1]
top = p.top(3, 1)[1]
p.dele(2)
n2 = p.stat()[0]
p.quit()
sys.stdout.buffer.write(b"%d %d %d %d %d\n" % (n, size, octets, len(uidl), n2) + b"\n".join(lines) + b"\n--\n" + b"\n".join(top))
`
	f := filepath.Join(t.TempDir(), "pop.py")
	if err := os.WriteFile(f, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, f, host, port).CombinedOutput()
	if err != nil {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	total := len(crlf(raw1)) + len(crlf(raw2)) + len(crlf(raw3))
	head, rest, _ := strings.Cut(string(out), "\n")
	if want := fmt.Sprintf("3 %d %d 3 2", total, len(crlf(raw1))); head != want {
		t.Errorf("poplib summary %q, want %q", head, want)
	}
	retr, top, _ := strings.Cut(rest, "\n--\n")
	if want := strings.TrimSuffix(strings.ReplaceAll(crlf(raw1), "\r\n", "\n"), "\n"); retr != want {
		t.Errorf("poplib RETR:\n got %q\nwant %q", retr, want)
	}
	if !strings.HasSuffix(top, "\n\nb1") {
		t.Errorf("poplib TOP 3 1: %q", top)
	}
	c := e.dial(t)
	c.login()
	if st := c.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK 2 ") {
		t.Fatalf("after poplib QUIT: %q", st)
	}
}

func TestIdleTimeout(t *testing.T) {
	e := newEnv(t, false, func(c *Config) { c.IdleTimeout = 300 * time.Millisecond })
	c := e.dial(t)
	c.login()
	c.cmd("+OK", "DELE 1")
	if l := c.line(); !strings.HasPrefix(l, "-ERR autologout") {
		t.Fatalf("idle: %q", l)
	}
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("connection open after the idle timeout")
	}
	// No QUIT: nothing was deleted.
	c = e.dial(t)
	c.login()
	if st := c.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK 3 ") {
		t.Fatalf("STAT after autologout: %q", st)
	}
}

// TestPanicEndsOneSession: a panic while serving one client ends that
// session only (its actor runs on the connection's goroutine, which the
// panic must not take down with the process).
func TestPanicEndsOneSession(t *testing.T) {
	e := newEnv(t, false)
	var boom atomic.Bool
	e.srv.testHook = func(cmd string) {
		if cmd == "NOOP" && boom.CompareAndSwap(true, false) {
			panic("test panic")
		}
	}
	a := e.dial(t)
	a.login()
	b := e.dial(t)
	b.login()
	boom.Store(true)
	a.send("NOOP")
	a.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	rest, err := io.ReadAll(a.r)
	if err != nil || strings.Contains(string(rest), "+OK") {
		t.Errorf("the panicking session: %q, %v", rest, err)
	}
	if st := b.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK 3 ") {
		t.Errorf("STAT of the other session: %q", st)
	}
	c := e.dial(t)
	c.login()
	c.cmd("+OK", "NOOP")
}

func TestServerShutdown(t *testing.T) {
	e := newEnv(t, false)
	c := e.dial(t)
	c.login()
	c.cmd("+OK", "DELE 1")
	n := 0
	for _, a := range e.sys.Actors() {
		if a.Kind == "pop3-session" {
			e.sys.Send(e.sys.Find(a.PID), actors.ServerShutdown{})
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d session actors, want 1", n)
	}
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.r.ReadByte(); err == nil {
		t.Fatal("connection open after ServerShutdown")
	}
	c = e.dial(t)
	c.login()
	if st := c.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK 3 ") {
		t.Fatalf("STAT after shutdown of a session: %q", st)
	}
}

// A message made through MAPI (no RFC 5322 original) is in the maildrop
// too, converted once: LIST's size is what RETR sends, the same bytes at
// every login.
func TestMAPIMessage(t *testing.T) {
	e := newEnv(t, false)
	mc := &mailbox.MessageContent{Props: mailbox.Props{
		{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
		{Tag: mapi.PrSubject, Value: "made in Outlook"},
		{Tag: mapi.PrBody, Value: "typed\r\n.with a dot\r\n"},
	}}
	if _, err := e.stores.Do(context.Background(), e.maildir, mailbox.WriteMessage{FolderID: fidInbox, Content: mc}); err != nil {
		t.Fatal(err)
	}
	var first string
	for round := range 2 {
		c := e.dial(t)
		c.login()
		list := listing(t, c.multi("LIST"))
		if len(list) != 4 {
			t.Fatalf("LIST %v, want 4 messages", list)
		}
		got := unstuff(c.multi("RETR 4"))
		if !strings.Contains(got, "Subject: made in Outlook\r\n") || !strings.Contains(got, ".with a dot") {
			t.Fatalf("RETR 4 = %q", got)
		}
		if strconv.Itoa(len(got)) != list[4] {
			t.Errorf("RETR 4 sent %d octets, LIST said %s", len(got), list[4])
		}
		if round == 0 {
			first = got
		} else if got != first {
			t.Errorf("second login RETR 4 = %q, first %q", got, first)
		}
		c.cmd("+OK", "QUIT")
	}
}
