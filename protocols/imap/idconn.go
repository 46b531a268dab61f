package imap

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/emersion/go-imap/v2"
	"go.uber.org/zap"
)

// The ID command (RFC 2971) is answered below go-imap, which has no ID
// command and no hook for unknown ones (it answers BAD, or BYE before
// login). idConn sits between the connection and go-imap: it follows the
// framing of both directions (lines, and literals announced at the end of
// a line) and takes a whole command line `TAG ID (...)` or `TAG ID NIL`
// off the client's stream, answering it itself.
//
// Ordering. An ID is answered only when go-imap has written the tagged
// response of every command passed to it (idConn sees go-imap's output)
// and has asked for more input (the answer is written inside go-imap's
// Read). go-imap's encoder flushes at the end of every response line
// (imapwire.Encoder.CRLF), so everything it wrote for earlier commands has
// reached idConn.Write, and from it the connection, before it reads the
// next command: the ID answer cannot overtake it. Reads hand go-imap at
// most one line (or literal data) each, so go-imap's buffer never holds
// the start of a later command while it works on an earlier one.
//
// STARTTLS is done here too, below go-imap (which is given no TLS
// configuration): go-imap would wrap the connection it was given, this
// one, in TLS, and idConn would see only ciphertext from then on, so that
// neither ID nor the IDLE without a goroutine (whileIdle) would work after
// STARTTLS. A `TAG STARTTLS` line, before login and before TLS, is
// answered OK, whatever the client sent after it is dropped (it was sent
// before the OK, in the clear: RFC 9051 6.2.1), and the handshake runs on
// the connection under idConn, which goes on reading and writing through
// TLS. go-imap cannot tell, so it is told to allow logins on any
// connection (InsecureAuth) and the session refuses them before TLS when
// TLS is forced (session.isTLS asks idConn).
//
// Refused literals. go-imap answers some commands before it reads their
// non-synchronizing literal (LITERAL+): an APPEND over APPENDLIMIT, one
// whose date-time its parser rejects. It then goes on reading commands
// where the literal's bytes come, which would run the message's lines as
// commands. idConn sees the tagged answer while the command's input is
// not all read, and drops the rest of that command (the literal, and the
// line after it) instead (RFC 7888 4: a refused literal's bytes are read
// and discarded). It also answers an empty line itself (* BAD), which
// go-imap, expecting a tag, would end the connection over; after login
// also a line go-imap cannot read a tag and command name from (a client's
// bug: the session goes on, as with Dovecot; before login go-imap's
// disconnect stays, a defence against other protocols' clients).
//
// Parse errors. go-imap answers NO [SERVERBUG] Internal server error when
// its parser fails in ways it does not class as syntax errors: FETCH 0,
// an unknown SEARCH key, a SEARCH date that is no date, a mailbox name
// that is no modified UTF-7. The proxy notes (sessionCalled) when go-imap
// hands a command to the session, which only a command it could parse
// reaches; that answer to a command that never got there is a client's
// error and goes out as BAD [CLIENTBUG] instead. The same answer to one
// that did is left alone: a server error.
//
// SEARCH RETURN (SAVE). go-imap takes the SAVE result option alone as SAVE
// ALL and sends an ESEARCH; RFC 9051 6.4.4 has SAVE alone suppress it.
// idConn holds SEARCH lines until their end (or literal) to see their
// result options, and leaves out that ESEARCH response (unless it is
// longer than maxLine: then it goes out as go-imap wrote it).
//
// CAPABILITY. go-imap's Options.Caps only lets through the capabilities
// it knows, so idConn adds ID to the capability lists go-imap writes (the
// CAPABILITY response and the [CAPABILITY] code of the greeting and of
// login replies), STARTTLS while it is available, and, while TLS is
// forced and not there yet, LOGINDISABLED instead of the AUTH= mechanisms.
type idConn struct {
	net.Conn
	log     *zap.Logger
	version string
	// startTLS offers STARTTLS with this configuration; forceTLS refuses
	// logins until TLS (go-imap is not told either).
	startTLS *tls.Config
	forceTLS bool

	// Read side: used only by go-imap's reading goroutine.
	in   splitter
	rbuf *[]byte // the pooled buffer raw and out are in, while they are
	raw  []byte  // bytes read from the connection not yet split
	out  []byte  // bytes ready for go-imap
	rerr error   // a read error to return once out is empty

	// idleMu is held by the session actor while it writes the updates of
	// an IDLE (whileIdle), and by Read while it ends one (leaveIdle):
	// an update goes out either before go-imap reads the client's DONE,
	// or not at all. Taken before mu.
	idleMu sync.Mutex

	mu sync.Mutex // guards the rest; Write holds it while writing
	// awaiting: go-imap has answered every command it was given, so the
	// next line from the client is a new command.
	awaiting bool
	tag, cmd string // the command go-imap works on, when !awaiting
	// idle: go-imap is in IDLE (it asked for DONE with "+") and has been
	// given nothing of the client's since.
	idle bool
	// syncWait: a synchronizing literal was announced and go-imap has
	// not yet asked for it ("+") nor refused it (tagged reply).
	syncWait bool
	// drop: go-imap answered the command before reading all of it (a
	// literal it refused); the rest of it is dropped as it comes.
	drop bool
	// saveOnly: the command is a SEARCH with the result option SAVE
	// alone: its ESEARCH response is left out.
	saveOnly bool
	// sessionCalled: go-imap handed the command it works on to the
	// session (the proxy sets it), so it parsed it.
	sessionCalled atomic.Bool
	tlsOn         bool        // STARTTLS done: Conn is the *tls.Conn
	authed        bool        // a LOGIN or AUTHENTICATE was answered OK
	outSplit      splitter    // framing of go-imap's output
	wbuf          []byte      // output to write
	flushTimer    *time.Timer // sends wbuf should nothing else (Write)
}

// idleBuf is the largest buffer a connection keeps between uses.
const idleBuf = 1024

// newIDConn wraps nc; startTLS, when not nil, offers STARTTLS with that
// configuration, and forceTLS refuses logins before it.
func newIDConn(nc net.Conn, log *zap.Logger, version string, startTLS *tls.Config, forceTLS bool) *idConn {
	return &idConn{Conn: nc, log: log, version: version, startTLS: startTLS, forceTLS: forceTLS, awaiting: true}
}

// tlsActive reports whether STARTTLS was done on the connection.
func (c *idConn) tlsActive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tlsOn
}

// readBufs are the buffers idConn splits what it reads in. A connection
// holds one only while it has unsplit bytes: an idle session, blocked in
// Read, holds none (it reads into go-imap's own buffer, then copies).
var readBufs = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// fill reads the next bytes from the connection: into p (go-imap's buffer)
// while it blocks, then into a pooled buffer to be split.
func (c *idConn) fill(p []byte) {
	n, err := c.Conn.Read(p)
	c.rerr = err
	if n == 0 {
		return
	}
	if c.rbuf == nil {
		c.rbuf = readBufs.Get().(*[]byte)
	}
	if cap(*c.rbuf) < n {
		*c.rbuf = make([]byte, n)
	}
	c.raw = append((*c.rbuf)[:0], p[:n]...)
}

// releaseBuf gives the read buffer back once nothing points into it.
func (c *idConn) releaseBuf() {
	if c.rbuf != nil && len(c.raw) == 0 && len(c.out) == 0 {
		c.raw, c.out = nil, nil
		readBufs.Put(c.rbuf)
		c.rbuf = nil
	}
}

// Read hands go-imap the next line or literal data of the client's stream,
// answering the ID commands it finds.
func (c *idConn) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if len(c.raw) == 0 && c.rerr == nil {
			c.releaseBuf()
			// go-imap waits for the client: what it wrote goes out.
			c.mu.Lock()
			err := c.releaseWriteBuf()
			c.mu.Unlock()
			if err != nil {
				return 0, err
			}
			c.fill(p)
		}
		if len(c.raw) > 0 {
			c.step()
			continue
		}
		if c.rerr == nil {
			continue
		}
		// Hand over a line held so far first, as a plain connection
		// would have.
		if b := c.in.flush(); len(b) > 0 && !c.drop {
			c.mu.Lock()
			c.release(b)
			c.mu.Unlock()
			c.out = b
			continue
		}
		err := c.rerr
		c.rerr = nil
		c.leaveIdle()
		return 0, err
	}
	c.leaveIdle()
	n := copy(p, c.out)
	c.out = c.out[n:]
	c.releaseBuf()
	return n, nil
}

// leaveIdle ends an IDLE before go-imap is given the client's next bytes
// (its DONE): an update the session is writing goes out first, and the
// session writes none after (whileIdle).
func (c *idConn) leaveIdle() {
	c.mu.Lock()
	idle := c.idle
	c.mu.Unlock()
	if !idle {
		return
	}
	c.idleMu.Lock()
	c.mu.Lock()
	c.idle = false
	c.mu.Unlock()
	c.idleMu.Unlock()
}

// whileIdle runs write, which writes IDLE updates through go-imap, if
// go-imap is still in IDLE and has not read the client's DONE, and keeps
// go-imap from reading it until write returns; ok: write ran. This lets
// the session actor push updates during IDLE without a goroutine waiting
// for them (RFC 9051 7.5.1: no EXPUNGE once the IDLE command has ended).
func (c *idConn) whileIdle(write func() error) (ok bool, err error) {
	c.idleMu.Lock()
	defer c.idleMu.Unlock()
	c.mu.Lock()
	idle := c.idle
	c.mu.Unlock()
	if !idle {
		return false, nil
	}
	return true, write()
}

// step takes the next segment off raw: it holds a line that may be an ID
// command until it is complete, and passes everything else to out as it
// comes.
func (c *idConn) step() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.in.cont && c.in.sync && c.syncWait && c.awaiting {
		// go-imap refused the synchronizing literal (a tagged reply
		// and no "+"): the client does not send it.
		c.in.literal, c.in.sync, c.in.cont = 0, false, false
		c.syncWait = false
	}
	if c.drop {
		n, _, _, eol := c.in.next(c.raw)
		c.raw = c.raw[n:]
		if eol && (!c.in.cont || c.in.sync) {
			// The command's last line: done. (A synchronizing
			// literal announced in what is dropped is not sent: the
			// client has the answer.)
			c.in.literal, c.in.sync, c.in.cont = 0, false, false
			c.drop = false
		}
		return
	}
	if c.in.literal == 0 && len(c.in.line) == 0 && !c.in.long && (c.in.cont || !c.awaiting) {
		// Not the start of a command (the rest of one after a literal,
		// IDLE's DONE, a SASL response): pass it on.
		c.in.long = true
	}
	held := !c.in.long && c.in.literal == 0
	n, pass, line, eol := c.in.next(c.raw)
	c.raw = c.raw[n:]
	if eol && c.in.cont && c.in.sync {
		c.syncWait = true
	}
	switch {
	case line != nil:
		if c.in.cont {
			c.release(line) // ends in a literal: not a whole command
			c.out = line
			return
		}
		tag, name, args, _ := splitCommand(line)
		switch {
		case len(bytes.TrimSpace(line)) == 0 && c.outSplit.atLineStart():
			c.reply("* BAD [CLIENTBUG] empty command line\r\n")
			return
		case c.authed && c.outSplit.atLineStart() && !readable(line):
			if n := atomRun(string(line)); n > 0 {
				c.reply(string(line[:n]) + " BAD [CLIENTBUG] no command name\r\n")
			} else {
				c.reply("* BAD [CLIENTBUG] no command tag\r\n")
			}
			return
		case !validTag(tag) || !c.outSplit.atLineStart():
		case strings.EqualFold(name, "ID"):
			c.answerID(tag, args)
			return
		case strings.EqualFold(name, "STARTTLS") && c.startTLS != nil:
			c.doStartTLS(tag, args)
			return
		}
		c.release(line)
		c.out = line
	case held && pass != nil:
		c.release(pass) // a held line outgrew maxLine
		c.out = pass
	case held:
		if _, name, _, named := splitCommand(c.in.line); named && !heldCommand(name) && readable(c.in.line) {
			// Not a command held to its end: no need to wait for it.
			b := c.in.flush()
			c.release(b)
			c.out = b
		}
	default:
		c.out = pass
	}
}

// release notes that go-imap is given the start of command line b: it
// works on that command until it answers its tag (and whether it is a
// SEARCH with SAVE alone). c.mu is held.
func (c *idConn) release(b []byte) {
	tag, name, _, _ := splitCommand(b)
	c.awaiting, c.idle = false, false
	c.tag, c.cmd = tag, strings.ToUpper(name)
	c.sessionCalled.Store(false)
	c.saveOnly = (c.cmd == "SEARCH" || c.cmd == "UID") && saveOnlySearch(b)
}

// heldCommand: a command line idConn holds until its end (or its first
// literal) before go-imap gets it: one it may answer itself, or whose
// arguments it needs to see (SEARCH's options; UID SEARCH starts with
// UID).
func heldCommand(name string) bool {
	for _, n := range []string{"ID", "STARTTLS", "SEARCH", "UID"} {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// readable reports whether go-imap can read a tag and a command name (and
// after UID, a second one) at the start of line: it ends the connection
// when it cannot. A line cut short after the name is readable.
func readable(line []byte) bool {
	s := string(line)
	for i := 0; i < 3; i++ {
		n := atomRun(s)
		if n == 0 {
			return false
		}
		if i == 2 || i == 1 && !strings.EqualFold(s[:n], "UID") {
			return true
		}
		s = s[n:]
		if !strings.HasPrefix(s, " ") {
			return false
		}
		s = s[1:]
	}
	return true
}

// atomRun is the length of the run of ATOM-CHARs at the start of s, as
// go-imap reads them: bytes that are neither atom-specials nor control
// characters (it takes a byte as a rune: C1 controls too).
func atomRun(s string) int {
	i := 0
	for i < len(s) && strings.IndexByte(`(){ %*"\]`, s[i]) < 0 && !unicode.IsControl(rune(s[i])) {
		i++
	}
	return i
}

// saveOnlySearch reports whether line starts a SEARCH or UID SEARCH whose
// result options are SAVE alone (RFC 9051 6.4.4).
func saveOnlySearch(line []byte) bool {
	_, name, rest, _ := splitCommand(line)
	if strings.EqualFold(name, "UID") {
		name, rest, _ = strings.Cut(rest, " ")
	}
	if !strings.EqualFold(name, "SEARCH") {
		return false
	}
	opts, ok := strings.CutPrefix(strings.ToUpper(rest), "RETURN (")
	if !ok {
		return false
	}
	opts, _, ok = strings.Cut(opts, ")")
	return ok && strings.Join(strings.Fields(opts), " ") == "SAVE"
}

// splitCommand splits the start of a command line into its tag, its name
// and the rest; named: the name is complete (a space or the line end
// follows it).
func splitCommand(b []byte) (tag, name, rest string, named bool) {
	tag, rest, _ = strings.Cut(string(b), " ")
	name, rest, named = strings.Cut(rest, " ")
	if i := strings.IndexAny(name, "\r\n"); i >= 0 {
		name, rest, named = name[:i], name[i:], true
	}
	return tag, name, rest, named
}

// doStartTLS answers `tag STARTTLS args` and, when it is OK, starts TLS
// on the connection (RFC 9051 6.2.1). c.mu is held.
func (c *idConn) doStartTLS(tag, args string) {
	reply := tag + " OK Begin TLS negotiation now\r\n"
	switch {
	case strings.TrimRight(args, "\r\n") != "":
		reply = tag + " BAD STARTTLS takes no arguments\r\n"
	case c.tlsOn || c.authed:
		reply = tag + " BAD STARTTLS not available\r\n"
	}
	c.Conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	c.flushLocked()
	_, err := c.Conn.Write([]byte(reply))
	c.Conn.SetWriteDeadline(time.Time{})
	if err != nil || !strings.Contains(reply, " OK ") {
		return // an error shows on the next read or write
	}
	// Bytes the client sent after STARTTLS came before the OK, in the
	// clear: they are dropped, never read as commands under TLS.
	c.raw = nil
	c.in = splitter{}
	tc := tls.Server(c.Conn, c.startTLS)
	tc.SetDeadline(time.Now().Add(30 * time.Second))
	if err := tc.Handshake(); err != nil {
		c.rerr = fmt.Errorf("imap: STARTTLS handshake: %w", err)
		return
	}
	tc.SetDeadline(time.Time{})
	c.Conn, c.tlsOn = tc, true
}

// answerID writes the reply to `tag ID args` (RFC 2971 3.1). c.mu is held.
func (c *idConn) answerID(tag, args string) {
	var reply string
	if fields, ok := parseIDParams(args); ok {
		if c.log != nil && len(fields) > 0 {
			c.log.Debug("imap client ID", zap.Stringer("remote", c.RemoteAddr()), zap.Strings("fields", fields))
		}
		reply = "* ID (\"name\" \"gromox-go\" \"version\" " + quote(c.version) + ")\r\n" + tag + " OK ID completed\r\n"
	} else {
		reply = tag + " BAD invalid ID arguments\r\n"
	}
	c.reply(reply)
}

// reply writes a response of idConn's own after what go-imap wrote.
// c.mu is held.
func (c *idConn) reply(s string) {
	c.Conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	c.flushLocked()
	c.Conn.Write([]byte(s)) // an error shows on the next read or write
	c.Conn.SetWriteDeadline(time.Time{})
}

// Write passes go-imap's output on, following its framing to see which
// command it has answered, and adds ID to its capability lists. A partial
// line is held until its end, which go-imap writes before it waits for
// anything (its encoder flushes at CRLF).
//
// go-imap flushes at the end of every response line, so a FETCH of 2,000
// messages would cost 2,000 writes to the socket. The untagged responses
// and literal data of a command in progress are collected instead (up to
// flushSize) and sent with its tagged response. Everything else goes out
// at once: continuation requests, the greeting and what go-imap sends
// between commands, and IDLE's updates; and whatever is collected goes
// out before go-imap reads (Read), so nothing waits for the client.
func (c *idConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := false
	for done := 0; done < len(p); {
		cont := c.outSplit.cont
		n, pass, line, _ := c.outSplit.next(p[done:])
		done += n
		if line != nil {
			if cont {
				pass = line
			} else {
				untagged := bytes.HasPrefix(line, []byte("* "))
				pass = c.response(line)
				// c.awaiting: the line answered the command, or was
				// sent between commands.
				now = now || !untagged || c.awaiting || c.cmd == "IDLE"
			}
		}
		if len(pass) > flushSize {
			// Large literal data: what is collected, then the data as
			// it is, without a copy.
			if err := c.flushLocked(); err != nil {
				return 0, err
			}
			if _, err := c.Conn.Write(pass); err != nil {
				return 0, err
			}
		} else {
			if len(c.wbuf)+len(pass) > flushSize {
				if err := c.flushLocked(); err != nil {
					return 0, err
				}
			}
			if c.wbuf == nil {
				c.wbuf = (*writeBufs.Get().(*[]byte))[:0]
			}
			c.wbuf = append(c.wbuf, pass...)
		}
		if line != nil && cap(line) <= idleBuf {
			c.outSplit.line = line[:0] // copied or sent: reuse it
		}
	}
	switch {
	case now && (c.awaiting || c.cmd == "IDLE"):
		// Nothing more to say until the client speaks: no buffer kept.
		if err := c.releaseWriteBuf(); err != nil {
			return 0, err
		}
	case now:
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
	case len(c.wbuf) > 0:
		// Collected output goes out at the latest after flushDelay,
		// should the rules above ever miss the end of what go-imap
		// had to say (it would otherwise wait for the client's next
		// command).
		if c.flushTimer == nil {
			c.flushTimer = time.AfterFunc(flushDelay, func() {
				c.mu.Lock()
				defer c.mu.Unlock()
				c.flushLocked()
			})
		} else {
			c.flushTimer.Reset(flushDelay)
		}
	}
	return len(p), nil
}

// flushDelay bounds how long collected output may wait.
const flushDelay = 20 * time.Millisecond

// flushSize is how much output is collected before it is written.
const flushSize = 32 << 10

// flushLocked writes the collected output. c.mu is held.
func (c *idConn) flushLocked() error {
	if len(c.wbuf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.wbuf)
	c.wbuf = c.wbuf[:0]
	return err
}

// writeBufs are the buffers output is collected in: a connection holds one
// while it answers a command, and gives it back before it waits for the
// client (releaseWriteBuf).
var writeBufs = sync.Pool{New: func() any { b := make([]byte, 0, flushSize); return &b }}

// releaseWriteBuf sends what is collected and gives the buffer back, so
// that a waiting session holds none; nor does it hold the flush timer and
// the line buffer of its output, made again by the next command that
// needs them. c.mu is held.
func (c *idConn) releaseWriteBuf() error {
	err := c.flushLocked()
	if c.wbuf != nil {
		if cap(c.wbuf) <= 2*flushSize {
			b := c.wbuf[:0]
			writeBufs.Put(&b)
		}
		c.wbuf = nil
	}
	if c.flushTimer != nil {
		c.flushTimer.Stop() // should it run all the same, it finds nothing to send
		c.flushTimer = nil
	}
	if len(c.outSplit.line) == 0 {
		c.outSplit.line = nil
	}
	return err
}

// Close sends what is collected, then closes the connection.
func (c *idConn) Close() error {
	c.mu.Lock()
	c.releaseWriteBuf()
	if c.flushTimer != nil {
		c.flushTimer.Stop()
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

// response notes what a response line of go-imap's says about the command
// it works on and returns the line to send. c.mu is held.
func (c *idConn) response(line []byte) []byte {
	if bytes.HasPrefix(line, []byte("+")) && c.syncWait {
		c.syncWait = false // the literal is wanted
		return line
	}
	if bytes.HasPrefix(line, []byte("+")) && !c.awaiting && c.cmd == "IDLE" {
		// go-imap read the whole IDLE line and waits for DONE (RFC
		// 2177); every byte it is given from now on ends the IDLE.
		c.idle = true
		return line
	}
	tag, rest, _ := bytes.Cut(line, []byte(" "))
	status, code, _ := bytes.Cut(rest, []byte(" "))
	if c.saveOnly && !c.awaiting && string(tag) == "*" && string(status) == "ESEARCH" &&
		bytes.HasPrefix(code, []byte(`(TAG "`+c.tag+`")`)) {
		return nil // SAVE alone: no ESEARCH (RFC 9051 6.4.4)
	}
	if !c.awaiting && string(tag) == c.tag {
		c.saveOnly = false
		if bytes.HasPrefix(rest, []byte("NO [SERVERBUG] Internal server error")) && !c.sessionCalled.Load() {
			line = []byte(c.tag + " BAD [CLIENTBUG] invalid command arguments\r\n")
		}
		c.awaiting, c.idle = true, false
		if c.in.cont && !(c.in.sync && c.syncWait) {
			// Answered with a literal of the command still to come.
			c.drop = true
			if c.log != nil {
				c.log.Debug("imap: dropping the rest of a command answered before its literal",
					zap.Stringer("remote", c.RemoteAddr()), zap.String("command", c.cmd), zap.Int64("literal", c.in.literal))
			}
		}
		if (c.cmd == "LOGIN" || c.cmd == "AUTHENTICATE") && string(status) == "OK" {
			c.authed = true
		}
	}
	switch {
	case string(tag) == "*" && string(status) == "CAPABILITY":
		// * CAPABILITY ...CRLF
		end := len(bytes.TrimRight(line, "\r\n"))
		return c.capabilities(line, len(line)-len(code), end)
	case bytes.HasPrefix(code, []byte("[CAPABILITY ")):
		if i := bytes.IndexByte(code, ']'); i >= 0 {
			start := len(line) - len(code) + len("[CAPABILITY ")
			return c.capabilities(line, start, len(line)-len(code)+i)
		}
	}
	return line
}

// capabilities rewrites the capability list line[start:end]: ID added,
// STARTTLS added while it is available, and while TLS is forced and not
// there yet, the AUTH= mechanisms replaced by LOGINDISABLED. c.mu is held.
func (c *idConn) capabilities(line []byte, start, end int) []byte {
	var caps []string
	for _, f := range strings.Fields(string(line[start:end])) {
		if c.forceTLS && !c.tlsOn && strings.HasPrefix(strings.ToUpper(f), "AUTH=") {
			continue
		}
		caps = append(caps, f)
	}
	caps = append(caps, string(capID))
	if c.startTLS != nil && !c.tlsOn && !c.authed {
		caps = append(caps, string(imap.CapStartTLS))
	}
	if c.forceTLS && !c.tlsOn && !c.authed {
		caps = append(caps, string(imap.CapLoginDisabled))
	}
	out := make([]byte, 0, len(line)+32)
	out = append(out, line[:start]...)
	out = append(out, strings.Join(caps, " ")...)
	return append(out, line[end:]...)
}

// quote makes s an IMAP quoted string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// validTag reports whether go-imap would take s for a tag: an atom
// without "+" (RFC 9051 9).
func validTag(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if b := s[i]; b <= ' ' || b >= 0x7f || strings.IndexByte(`(){%*"\]+`, b) >= 0 {
			return false
		}
	}
	return true
}

// parseIDParams reads the arguments of ID up to the line end (RFC 2971 4:
// "(" [string SP nstring *(SP string SP nstring)] ")" or NIL) and returns
// the fields and values, a NIL value as "NIL".
func parseIDParams(s string) ([]string, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	s = strings.TrimSuffix(s, " ") // go-imap accepts one before CRLF too
	if strings.EqualFold(s, "NIL") {
		return nil, true
	}
	if len(s) < 2 || s[0] != '(' || s[len(s)-1] != ')' {
		return nil, false
	}
	s = s[1 : len(s)-1]
	var fields []string
	for s != "" {
		if len(fields) > 0 {
			if s[0] != ' ' {
				return nil, false
			}
			s = s[1:]
		}
		v, rest, ok := quoted(s)
		if !ok {
			if len(fields)%2 == 0 || len(s) < 3 || !strings.EqualFold(s[:3], "NIL") {
				return nil, false // field names are strings
			}
			v, rest = "NIL", s[3:]
		}
		fields, s = append(fields, v), rest
	}
	return fields, len(fields)%2 == 0
}

// quoted reads a quoted string at the start of s.
func quoted(s string) (v, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			if i+1 == len(s) || s[i+1] != '"' && s[i+1] != '\\' {
				return "", s, false
			}
			i++
		case '\r', '\n':
			return "", s, false
		}
		b.WriteByte(s[i])
	}
	return "", s, false
}

// buildVersion is the version the ID reply names when Config.Version is
// empty: the main module's, "devel" in a development build.
func buildVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// capID is the capability idConn adds (RFC 2971 2).
const capID imap.Cap = "ID"

// maxLine bounds the lines idConn collects: go-imap's own limit on a
// command (maxCommandSize). Longer lines are passed on as they come, for
// go-imap's own too-long handling.
const maxLine = 50 << 10

// literalTail is how much of a long line is kept to find a literal
// announcement at its end: "~{" 19 digits "+}" CR LF.
const literalTail = 32

// splitter follows the framing of one direction of an IMAP stream: lines
// end in LF (CRLF, go-imap takes a lone LF too); a line ending in a
// literal announcement ({n}, {n+}, ~{n}) is followed by n bytes of literal
// data, after which the same command or response goes on in a new line.
type splitter struct {
	literal int64  // literal bytes still to come
	sync    bool   // the literal is synchronizing ({n})
	cont    bool   // the line being read continues one that ended in a literal
	line    []byte // the line being collected, while at most maxLine long
	long    bool   // the line outgrew maxLine: its bytes are passed on as they come
	tail    []byte // a long line's last literalTail bytes
}

// next takes the next segment off p and returns how many bytes of p it
// took, and either bytes to pass on now (literal data, a long line's
// part) or a complete line of at most maxLine bytes, or neither (a line
// being collected); eol: the segment ended a line.
func (s *splitter) next(p []byte) (n int, pass, line []byte, eol bool) {
	if len(p) == 0 {
		return 0, nil, nil, false
	}
	if s.literal > 0 {
		n = int(min(int64(len(p)), s.literal))
		s.literal -= int64(n)
		return n, p[:n], nil, false
	}
	n = len(p)
	if i := bytes.IndexByte(p, '\n'); i >= 0 {
		n = i + 1
	}
	eol = p[n-1] == '\n'
	if s.long {
		s.keepTail(p[:n])
		if eol {
			s.endLine(s.tail)
			s.long, s.tail = false, s.tail[:0]
		}
		return n, p[:n], nil, eol
	}
	s.line = append(s.line, p[:n]...)
	if eol {
		line = s.line
		s.line = nil
		s.endLine(line)
		return n, nil, line, true
	}
	if len(s.line) > maxLine {
		return n, s.flush(), nil, false
	}
	return n, nil, nil, false
}

// flush returns the part of a line collected so far; the rest of the line
// is passed on as it comes.
func (s *splitter) flush() []byte {
	b := s.line
	if len(b) > 0 {
		s.line = nil
		s.long = true
		s.keepTail(b)
	}
	return b
}

// atLineStart reports whether nothing of a line or literal is pending.
func (s *splitter) atLineStart() bool {
	return s.literal == 0 && !s.cont && len(s.line) == 0 && !s.long
}

func (s *splitter) keepTail(b []byte) {
	s.tail = append(s.tail, b[max(0, len(b)-literalTail):]...)
	if len(s.tail) > literalTail {
		s.tail = append(s.tail[:0], s.tail[len(s.tail)-literalTail:]...)
	}
}

// endLine reads the literal announcement at the end of a line (its last
// bytes, LF included).
func (s *splitter) endLine(end []byte) {
	n, sync, ok := literalAt(end)
	s.literal, s.sync, s.cont = n, sync, ok
}

// literalAt finds the literal announcement that ends a line: "{" number
// ["+"] "}" (RFC 9051 4.3, RFC 7888), after "~" for literal8 (RFC 3516),
// before CRLF, a lone LF or SP CRLF as go-imap takes them.
func literalAt(line []byte) (n int64, sync, ok bool) {
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	line = bytes.TrimSuffix(line, []byte(" "))
	if !bytes.HasSuffix(line, []byte("}")) {
		return 0, false, false
	}
	i := bytes.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false, false
	}
	num := line[i+1 : len(line)-1]
	sync = !bytes.HasSuffix(num, []byte("+"))
	num = bytes.TrimSuffix(num, []byte("+"))
	if len(num) == 0 || num[0] < '0' || num[0] > '9' {
		return 0, false, false
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return 0, false, false
	}
	return n, sync, true
}
