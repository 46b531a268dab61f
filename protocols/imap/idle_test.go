package imap

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/prototest"
)

// idle starts IDLE and reads its continuation request.
func (c *client) idle() {
	c.t.Helper()
	c.tag++
	c.send(fmt.Sprintf("t%d IDLE\r\n", c.tag))
	if l := c.line(); !strings.HasPrefix(l, "+ ") {
		c.t.Fatalf("IDLE: %q", l)
	}
}

// done ends IDLE and returns the updates read before its tagged OK.
func (c *client) done() []string {
	c.t.Helper()
	c.send("DONE\r\n")
	tag := fmt.Sprintf("t%d ", c.tag)
	var untagged []string
	for {
		l := c.line()
		if strings.HasPrefix(l, tag) {
			if !strings.HasPrefix(l, tag+"OK ") {
				c.t.Fatalf("DONE: %q", l)
			}
			return untagged
		}
		untagged = append(untagged, l)
	}
}

// TestIdleWithoutGoroutine: a session in IDLE keeps one goroutine (go-imap's
// reader), not two, and still gets its updates at once.
func TestIdleWithoutGoroutine(t *testing.T) {
	e := newEnv(t)
	warm := e.login(t)
	warm.ok("SELECT INBOX")
	warm.idle()
	warm.done()
	base := prototest.Goroutines()
	const n = 20
	var cs []*client
	for i := 0; i < n; i++ {
		var c *client
		if i%2 == 0 {
			c = e.login(t)
		} else {
			// Half of them after STARTTLS, which idConn does itself.
			c = e.dial(t)
			c.startTLS(e.tls)
			c.ok(`LOGIN alice@example.org "secret pw"`)
		}
		c.ok("SELECT INBOX")
		c.idle()
		cs = append(cs, c)
	}
	// go-imap's goroutine that called Idle ends once Idle returned.
	deadline := time.Now().Add(10 * time.Second)
	for {
		g := prototest.Goroutines()
		if g <= base+n+3 {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines for %d sessions in IDLE (%d before)\n%s", g-base, n, base, buf[:runtime.Stack(buf, true)])
		}
	}
	e.deliver(t, "Subject: four\r\n\r\nfour\r\n")
	for i, c := range cs {
		if l := c.line(); l != "* 4 EXISTS" {
			t.Fatalf("session %d in IDLE after a delivery: %q", i, l)
		}
	}
	has(t, warm.ok("NOOP"), "* 4 EXISTS")
	warm.ok(`STORE 4 +FLAGS (\Flagged)`)
	for i, c := range cs {
		if l := c.line(); l != `* 4 FETCH (UID 4 FLAGS (\Flagged))` {
			t.Fatalf("session %d in IDLE after STORE: %q", i, l)
		}
		if u := c.done(); len(u) > 0 {
			t.Errorf("session %d: updates %q at DONE, sent before", i, u)
		}
		has(t, c.ok("FETCH 4 (FLAGS)"), `* 4 FETCH (FLAGS (\Flagged))`)
	}
}

// TestIdleHoldsNoBuffers: a session waiting in IDLE, after commands
// that filled them, holds none of the connection wrapper's buffers (the
// pooled read and write buffers, the output line buffer) nor its flush
// timer.
func TestIdleHoldsNoBuffers(t *testing.T) {
	e := newEnv(t)
	conns := make(chan *idConn, 1)
	e.srv.testConn = func(c *idConn) { conns <- c }
	// A listener of its own, served after testConn is set.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go e.srv.Serve(ln)
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	c := greeted(t, nc)
	c.ok(`LOGIN alice@example.org "secret pw"`)
	ic := <-conns
	c.ok("SELECT INBOX")
	c.ok("FETCH 1:* (FLAGS ENVELOPE BODY.PEEK[])") // collected output
	c.ok("NOOP")
	c.idle()
	held := func() []string {
		ic.mu.Lock() // the reader's fields are set before it takes mu to wait
		defer ic.mu.Unlock()
		var held []string
		for name, b := range map[string]bool{
			"read buffer":  ic.rbuf != nil || ic.raw != nil || ic.out != nil,
			"write buffer": ic.wbuf != nil,
			"flush timer":  ic.flushTimer != nil,
			"output line":  ic.outSplit.line != nil,
			"input line":   ic.in.line != nil,
		} {
			if b {
				held = append(held, name)
			}
		}
		return held
	}
	// Released once go-imap waits for DONE, and after the update written
	// (the client may see its bytes a moment before).
	released := func(when string) {
		deadline := time.Now().Add(5 * time.Second)
		for h := held(); len(h) > 0; h = held() {
			if time.Now().After(deadline) {
				t.Fatalf("%s, the session holds %v", when, h)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	released("in IDLE")
	e.deliver(t, "Subject: four\r\n\r\nfour\r\n")
	if l := c.line(); l != "* 4 EXISTS" {
		t.Fatalf("IDLE after a delivery: %q", l)
	}
	released("after an update in IDLE")
	c.done()
}

// TestIdleNothingAfterDone: while another session keeps adding, flagging
// and expunging messages, a session that ends IDLE gets nothing after the
// tagged OK of IDLE until its next command (RFC 9051 7.5.1: no EXPUNGE
// while no command is in progress), however DONE and the updates cross.
func TestIdleNothingAfterDone(t *testing.T) {
	e := newEnv(t)
	b := e.login(t)
	b.ok("SELECT INBOX")

	// The other session, on a raw connection: its replies are drained,
	// not checked (a failure here would show as updates missing in b).
	nc, err := net.Dial("tcp", e.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	go io.Copy(io.Discard, nc)
	nc.Write([]byte("a1 LOGIN alice@example.org \"" + password + "\"\r\na2 SELECT INBOX\r\n"))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		raw := "Subject: churn\r\n\r\nchurn\r\n"
		mc, _ := mailbox.ImportRFC5322([]byte(raw))
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			e.Stores.Do(context.Background(), e.maildir, mailbox.Deliver{Raw: []byte(raw), Content: mc})
			fmt.Fprintf(nc, "s%d STORE 1:* +FLAGS.SILENT (\\Flagged)\r\ns%d STORE 1 +FLAGS.SILENT (\\Deleted)\r\ns%d EXPUNGE\r\n", i, i, i)
			time.Sleep(time.Millisecond)
		}
	}()
	defer func() { close(stop); wg.Wait() }()

	updates := 0
	for round := 0; round < 15; round++ {
		b.idle()
		time.Sleep(time.Duration(round%5) * time.Millisecond)
		updates += len(b.done())
		// Nothing until the next command.
		b.nc.SetReadDeadline(time.Now().Add(30 * time.Millisecond))
		l, err := b.r.ReadString('\n')
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("round %d: %q (%v) after IDLE ended", round, l, err)
		}
		b.r = bufio.NewReader(b.nc) // after a timeout, a fresh reader
		b.ok("NOOP")
	}
	if updates == 0 {
		t.Error("no update during IDLE: the other session changed nothing?")
	}
}

// TestIdleEndedBadly: an IDLE ended by something other than DONE (answered
// BAD, without the poll a completed command gets) sends no update after
// its tagged response either.
func TestIdleEndedBadly(t *testing.T) {
	e := newEnv(t)
	a := e.login(t)
	a.ok("SELECT INBOX")
	b := e.login(t)
	b.ok("SELECT INBOX")
	b.idle()
	b.send("NOT DONE\r\n")
	if l := b.line(); !strings.HasPrefix(l, fmt.Sprintf("t%d BAD ", b.tag)) {
		t.Fatalf("IDLE ended by another line: %q", l)
	}
	a.ok(`STORE 1 +FLAGS.SILENT (\Deleted)`)
	a.ok("EXPUNGE")
	e.deliver(t, "Subject: four\r\n\r\nfour\r\n")
	b.nc.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	l, err := b.r.ReadString('\n')
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("%q (%v) after IDLE ended", l, err)
	}
	b.r = bufio.NewReader(b.nc)
	u := b.ok("NOOP")
	has(t, u, "* 1 EXPUNGE")
	has(t, u, "* 3 EXISTS")
}

// TestIdleAfterSTARTTLS: updates come at once during IDLE after STARTTLS,
// and a second IDLE works as the first.
func TestIdleAfterSTARTTLS(t *testing.T) {
	e := newEnv(t)
	c := e.dial(t)
	c.startTLS(e.tls)
	c.ok(`LOGIN alice@example.org "secret pw"`)
	c.ok("SELECT INBOX")
	c.idle()
	e.deliver(t, "Subject: four\r\n\r\nfour\r\n")
	if l := c.line(); l != "* 4 EXISTS" {
		t.Fatalf("IDLE after a delivery: %q", l)
	}
	c.done()
	c.idle()
	e.deliver(t, "Subject: five\r\n\r\nfive\r\n")
	if l := c.line(); l != "* 5 EXISTS" {
		t.Fatalf("second IDLE after a delivery: %q", l)
	}
	c.done()
}

// TestIdleDoneAtOnce: DONE sent with IDLE, before its continuation request
// (clients ought to wait for it), ends the IDLE all the same.
func TestIdleDoneAtOnce(t *testing.T) {
	e := newEnv(t)
	for _, dial := range []func(testing.TB) *client{e.dial, e.dialTLS} {
		c := dial(t)
		c.ok(`LOGIN alice@example.org "secret pw"`)
		c.ok("SELECT INBOX")
		e.deliver(t, "Subject: more\r\n\r\nmore\r\n")
		c.send("i1 IDLE\r\nDONE\r\n")
		var got []string
		for {
			l := c.line()
			got = append(got, l)
			if strings.HasPrefix(l, "i1 ") {
				break
			}
		}
		if !strings.HasPrefix(got[0], "+ ") || !strings.HasPrefix(got[len(got)-1], "i1 OK") {
			t.Errorf("IDLE DONE at once: %q", got)
		}
		c.ok("NOOP")
	}
}
