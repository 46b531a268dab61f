package imap

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

const idReply = `* ID ("name" "gromox-go" "version" "9.9-test")`

func withVersion(c *Config) { c.Version = "9.9-test" }

// hasCap fails unless the capability line lists capability c (as a whole
// word) exactly when want is true.
func hasCap(t *testing.T, line, c string, want bool) {
	t.Helper()
	got := false
	for _, f := range strings.Fields(strings.Trim(line, "[]")) {
		got = got || strings.Trim(f, "[]") == c
	}
	if got != want {
		t.Errorf("capability %s listed: %v, want %v: %q", c, got, want, line)
	}
}

func TestIDPlain(t *testing.T) {
	e := newEnv(t, withVersion, func(c *Config) { c.TLS = nil })
	c := e.dial(t)
	g := c.greeting
	if !strings.HasPrefix(g, "* OK [CAPABILITY ") {
		t.Fatalf("greeting %q", g)
	}
	hasCap(t, g, "ID", true)
	hasCap(t, c.ok("CAPABILITY")[0], "ID", true)
	u, st := c.cmd("OK", `ID ("name" "test client" "version" "1.0" "os" NIL)`)
	if len(u) != 1 || u[0] != idReply || st != "OK ID completed" {
		t.Errorf("ID before login: %q %q", u, st)
	}
	u, st = c.cmd("OK", `LOGIN alice@example.org "secret pw"`)
	hasCap(t, st, "ID", true)
	has(t, c.ok("id nil"), idReply)
	u = c.ok("CAPABILITY")
	hasCap(t, u[0], "ID", true)
	has(t, c.ok("SELECT INBOX"), "* 3 EXISTS")
	has(t, c.ok("ID NIL"), idReply)
	c.ok("NOOP")
}

func TestIDImplicitTLS(t *testing.T) {
	e := newEnv(t, withVersion)
	c := e.dialTLS(t)
	g := c.greeting
	hasCap(t, g, "ID", true)
	hasCap(t, g, "STARTTLS", false)
	hasCap(t, g, "AUTH=PLAIN", true)
	has(t, c.ok(`ID ("name" "x")`), idReply)
	c.ok(`LOGIN alice@example.org "secret pw"`)
	has(t, c.ok("ID NIL"), idReply)
	has(t, c.ok("SELECT INBOX"), "* 3 EXISTS")
}

// TestIDAfterSTARTTLS: on a plain listener with STARTTLS, ID is offered
// and answered before and after STARTTLS (idConn does STARTTLS below
// go-imap and goes on seeing the commands); STARTTLS is offered only
// before it is done and before login.
func TestIDAfterSTARTTLS(t *testing.T) {
	e := newEnv(t, withVersion)
	c := e.dial(t)
	hasCap(t, c.greeting, "STARTTLS", true)
	caps := c.ok("CAPABILITY")[0]
	hasCap(t, caps, "ID", true)
	hasCap(t, caps, "STARTTLS", true)
	has(t, c.ok("ID NIL"), idReply)
	c.startTLS(e.tls)
	caps = c.ok("CAPABILITY")[0]
	hasCap(t, caps, "ID", true)
	hasCap(t, caps, "STARTTLS", false)
	hasCap(t, caps, "AUTH=PLAIN", true)
	c.cmd("BAD", "STARTTLS") // once only
	_, st := c.cmd("OK", `LOGIN alice@example.org "secret pw"`)
	hasCap(t, st, "ID", true)
	hasCap(t, st, "STARTTLS", false)
	hasCap(t, c.ok("CAPABILITY")[0], "ID", true)
	has(t, c.ok("ID NIL"), idReply)
	has(t, c.ok("SELECT INBOX"), "* 3 EXISTS")
	c.ok("NOOP")
	// STARTTLS after login, on a plain connection, is refused.
	p := e.login(t)
	p.cmd("BAD", "STARTTLS")
	p.ok("NOOP")
}

// TestSTARTTLSDropsInjectedCommands: commands a client (or a man in the
// middle) sends in the clear after STARTTLS, before the handshake, are
// dropped, not run under TLS (CVE-2011-0411's class of bug).
func TestSTARTTLSDropsInjectedCommands(t *testing.T) {
	e := newEnv(t, withVersion)
	c := e.dial(t)
	c.send("s STARTTLS\r\nx LOGIN alice@example.org \"secret pw\"\r\n")
	if l := c.line(); l != "s OK Begin TLS negotiation now" {
		t.Fatalf("STARTTLS: %q", l)
	}
	c.handshake(e.tls)
	// Not logged in: the injected LOGIN was dropped.
	c.cmd("BAD", "SELECT INBOX")
	c.ok(`LOGIN alice@example.org "secret pw"`)
}

// TestIDPipelined: commands sent at once are answered in order.
func TestIDPipelined(t *testing.T) {
	e := newEnv(t, withVersion)
	c := e.login(t)
	c.send("a NOOP\r\nb ID NIL\r\nc NOOP\r\nd id (\"k\" \"v\")\r\n")
	want := []string{"a OK NOOP completed", idReply, "b OK ID completed", "c OK NOOP completed", idReply, "d OK ID completed"}
	for _, w := range want {
		if l := c.line(); l != w {
			t.Fatalf("got %q, want %q", l, w)
		}
	}
	c.ok("NOOP")
}

// TestIDInLiteral: a literal's lines are data, even when they look like
// ID.
func TestIDInLiteral(t *testing.T) {
	e := newEnv(t, withVersion)
	c := e.login(t)
	msgs := []string{
		"Subject: a\r\n\r\nx ID NIL\r\ny ID (\"a\" \"b\")\r\n",
		"Subject: b\r\n\r\nz ID NIL\r\n",
	}
	// Non-synchronizing, with an ID after it in the same write.
	c.send(fmt.Sprintf("a APPEND INBOX {%d+}\r\n%s\r\nb ID NIL\r\n", len(msgs[0]), msgs[0]))
	for _, want := range []string{"a OK ", idReply, "b OK ID completed"} {
		if l := c.line(); !strings.HasPrefix(l, want) {
			t.Fatalf("got %q, want %q", l, want)
		}
	}
	// Synchronizing.
	c.send(fmt.Sprintf("s APPEND INBOX {%d}\r\n", len(msgs[1])))
	if l := c.line(); !strings.HasPrefix(l, "+ ") {
		t.Fatalf("want a continuation, got %q", l)
	}
	c.send(msgs[1] + "\r\n")
	if l := c.line(); !strings.HasPrefix(l, "s OK") {
		t.Fatalf("APPEND: %q", l)
	}
	c.ok("SELECT INBOX")
	u := c.ok("FETCH 4:* (BODY.PEEK[])")
	if len(u) != 2 {
		t.Fatalf("FETCH: %q", u)
	}
	for i, l := range u {
		want := fmt.Sprintf("BODY[] {%d}\r\n%s)", len(msgs[i]), msgs[i])
		if !strings.HasSuffix(l, want) {
			t.Errorf("message %d: %q, want it to end in %q", i, l, want)
		}
	}
	has(t, c.ok("ID NIL"), idReply)
}

// TestIDAfterRefusedLiteral: a synchronizing literal go-imap refuses is
// not sent, and the next command is one.
func TestIDAfterRefusedLiteral(t *testing.T) {
	e := newEnv(t, withVersion)
	c := e.login(t)
	c.send("a APPEND INBOX {999999999}\r\n")
	if l := c.line(); !strings.HasPrefix(l, "a NO") {
		t.Fatalf("APPEND too big: %q", l)
	}
	has(t, c.ok("ID NIL"), idReply)
}

func TestIDMalformed(t *testing.T) {
	e := newEnv(t, withVersion, func(c *Config) { c.TLS = nil })
	c := e.dial(t)
	for _, args := range []string{"", " (", ` ("a")`, ` ("a" "b"`, ` ("a"  "b")`, ` (NIL "b")`, ` "a" "b"`, ` ("a" "b\")`, ` ("a" "b") x`} {
		if u, _ := c.cmd("BAD", "ID"+args); len(u) != 0 {
			t.Errorf("ID%s: %q", args, u)
		}
	}
	has(t, c.ok(`ID ("a" "b" "c" NIL)`), idReply)
	has(t, c.ok(`ID ("a\"" "\\")`), idReply)
	c.ok(`LOGIN alice@example.org "secret pw"`) // still there
	c.cmd("BAD", "IDX NIL")                     // go-imap's
}

// TestIDConnLogs: the client's fields are logged at debug level.
func TestIDConnLogs(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	srv, cli := net.Pipe()
	defer cli.Close()
	ic := newIDConn(srv, zap.New(core), "1", nil, false)
	go func() {
		cli.Write([]byte("a ID (\"name\" \"mutt\")\r\nb NOOP\r\n"))
		buf := make([]byte, 100)
		for {
			if _, err := cli.Read(buf); err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 100)
	n, err := ic.Read(buf)
	if err != nil || string(buf[:n]) != "b NOOP\r\n" {
		t.Fatalf("read %q %v", buf[:n], err)
	}
	l := logs.FilterMessage("imap client ID").All()
	if len(l) != 1 || fmt.Sprint(l[0].ContextMap()["fields"]) != "[name mutt]" {
		t.Errorf("logs: %v", logs.All())
	}
}

// Output collected while a command is in progress goes out on its own
// after a short delay when nothing else sends it (the safety net for a
// command whose end the wrapper did not see).
func TestIDConnFlushesCollectedOutput(t *testing.T) {
	server, client := net.Pipe()
	defer client.Close()
	c := newIDConn(server, nil, "v", nil, false)
	defer c.Close()
	c.mu.Lock()
	c.awaiting, c.tag, c.cmd = false, "a", "NOOP" // a command in progress
	c.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte("* 3 EXISTS\r\n"))
		done <- err
	}()
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, err := client.Read(buf)
	if err != nil || string(buf[:n]) != "* 3 EXISTS\r\n" {
		t.Fatalf("read %q, %v", buf[:n], err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
