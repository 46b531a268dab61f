package imap

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// maxFuzzInbox is the most messages FuzzCommands leaves in the Inbox.
const maxFuzzInbox = 50

// FuzzCommands sends arbitrary bytes as commands of a logged-in session
// with INBOX selected: the session answers or ends, the server goes on,
// and the store stays readable.
func FuzzCommands(f *testing.F) {
	for _, s := range []string{
		"a FETCH 1:* (BODY[] BODYSTRUCTURE ENVELOPE BINARY[1] BINARY.SIZE[1])",
		"a UID FETCH 1:* (FLAGS)\r\nb STORE 1 +FLAGS (\\Seen kw)\r\nc EXPUNGE",
		"a SEARCH OR BODY x NOT FROM y",
		"a APPEND INBOX (\\Seen) {5+}\r\nhello",
		"a COPY 1:2 INBOX\r\nb MOVE 3 \"Sent Items\"",
		"a COPY 1:* INBOX\r\nb COPY 1:* INBOX", // the Inbox quadruples: it is cut back
		"a CREATE x/y\r\nb RENAME x z\r\nc DELETE z/y",
		"a LIST \"\" * RETURN (STATUS (MESSAGES SIZE))",
		"a IDLE\r\nDONE",
		"a FETCH 4294967295 (FLAGS)",
		"a FETCH 1 (BODY[1.2.3.4.5.6.MIME]<0.4294967295>)",
		"a SELECT {99999999}",
		"a MOVE 1:* \"Deleted Items\"", // empties the Inbox: it is filled again
		"a ID (\"name\" \"x\" \"os\" NIL)\r\nb id nil\r\nc ID (",
	} {
		f.Add([]byte(s))
	}
	e := newEnv(f)
	control := e.login(f)
	control.ok("SELECT INBOX")
	f.Fuzz(func(t *testing.T, data []byte) {
		nc, err := net.DialTimeout("tcp", e.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(time.Second))
		nc.Write([]byte("l LOGIN alice@example.org \"secret pw\"\r\ns SELECT INBOX\r\n"))
		nc.Write(data)
		nc.Write([]byte("\r\nz LOGOUT\r\n"))
		io.Copy(io.Discard, nc)
		control.t = t
		control.ok("NOOP")
		// Earlier inputs may have moved or expunged every message: the
		// Inbox gets messages back, so that later inputs have some to
		// work on and the FETCH below names one (in an empty mailbox
		// "1:*" is a BAD, RFC 3501 9). Inputs that copy the Inbox into
		// itself double it: beyond maxFuzzInbox messages the rest are
		// expunged, or the run would slow down to a halt.
		st := control.ok("STATUS INBOX (MESSAGES)")
		var n int
		if len(st) == 1 {
			fmt.Sscanf(st[0][strings.LastIndexByte(st[0], ' ')+1:], "%d)", &n)
		}
		switch {
		case n == 0:
			for _, raw := range []string{raw1, raw2, raw3} {
				e.deliver(t, raw)
			}
			control.ok("NOOP")
		case n > maxFuzzInbox:
			control.ok(fmt.Sprintf("STORE %d:* +FLAGS.SILENT (\\Deleted)", maxFuzzInbox+1))
			control.ok("EXPUNGE")
		}
		control.ok("FETCH 1:* (FLAGS)")
	})
}

// FuzzIDConn passes arbitrary client bytes through idConn, in arbitrary
// pieces, to a stand-in for go-imap: idConn ends, and what reaches the
// stand-in is the input less whole lines. The stand-in answers each
// command with its first word as the tag, as go-imap does, at the end of
// the command (after its literals, asking for a synchronizing one with
// "+"); then the lines left out are ID commands, empty lines and (after
// a LOGIN it answered OK) lines without a tag or name, which idConn
// answers itself. When the
// first size is odd it answers at the end of every line instead, before
// any literal, as go-imap does for a literal it refuses: then idConn
// drops the rest of that command, and only whole lines must be left out.
func FuzzIDConn(f *testing.F) {
	for _, s := range []string{
		"a ID NIL\r\nb NOOP\r\n",
		"a NOOP\r\nb ID (\"name\" \"x\" \"os\" NIL)\r\nc NOOP\r\n",
		"a APPEND INBOX {12+}\r\nx ID NIL\r\n\r\n\r\nb id nil\n",
		"a APPEND INBOX {10}\r\nx ID NIL\r\n\r\n",
		"a ID ({3}\r\nabc \"v\")\r\n",
		"a STARTTLS\r\n\x16\x03\x01 ID NIL\r\n",
		"a IDLE\r\nb ID NIL\r\nDONE\r\n",
		"a ID (\"a\\\"\" \"b\r\n",
		"a SELECT ~{2}\r\nxy\r\n",
		"a APPEND INBOX \"31-Feb-2021 08:09:10 +0200\" {5+}\r\nx ID\r\n\r\nb ID NIL\r\n",
		"a APPEND INBOX (\\Seen) \"31-Feb-2021 08:09:10 +0200\" {5}\r\n\r\nb NOOP\r\n",
		"\r\na NOOP\r\n \r\n",
		"a LOGIN u p\r\n(x)\r\nb\r\nc UID (\r\nd ID NIL\r\n",
	} {
		f.Add([]byte(s), []byte{1, 7, 200}) // the stand-in refuses literals
		f.Add([]byte(s), []byte{2, 7, 200}) // it reads them
	}
	f.Fuzz(func(t *testing.T, data, sizes []byte) {
		if len(data) > 8<<10 {
			return
		}
		size := func(i int) int {
			if len(sizes) == 0 {
				return 4096
			}
			return 1 + int(sizes[i%len(sizes)])
		}
		refuse := len(sizes) > 0 && sizes[0]%2 == 1
		mc := &memConn{in: data, size: size}
		c := newIDConn(mc, nil, "v", nil, false)
		var got, cmd []byte
		var in splitter // the stand-in's view of the framing
		buf := make([]byte, 4096)
		for i := 0; ; i++ {
			n, err := c.Read(buf[:size(i+1)])
			got = append(got, buf[:n]...)
			for p := buf[:n]; len(p) > 0; {
				k, _, _, eol := in.next(p)
				cmd, p = append(cmd, p[:k]...), p[k:]
				switch {
				case !eol:
				case refuse || !in.cont:
					tag, _, _ := bytes.Cut(cmd, []byte(" "))
					c.Write([]byte(string(tag) + " OK done\r\n"))
					cmd, in = cmd[:0], splitter{}
				case in.sync:
					c.Write([]byte("+ ready\r\n"))
				}
			}
			if err != nil {
				break
			}
			if i > 4*len(data)+10 {
				t.Fatal("no end")
			}
		}
		left := func(line []byte) bool {
			if refuse {
				return true
			}
			_, name, _, _ := splitCommand(line)
			return strings.EqualFold(name, "ID") || len(bytes.TrimSpace(line)) == 0 || !readable(line)
		}
		if !lessLines(data, got, left) {
			t.Fatalf("input %q reached go-imap as %q", data, got)
		}
	})
}

// lessLines reports whether out is in with zero or more whole lines for
// which left is true left out.
func lessLines(in, out []byte, left func([]byte) bool) bool {
	var lines [][]byte
	for len(in) > 0 {
		i := bytes.IndexByte(in, '\n') + 1
		if i == 0 {
			i = len(in)
		}
		lines, in = append(lines, in[:i]), in[i:]
	}
	type state struct{ k, j int }
	failed := map[state]bool{}
	var match func(k, j int) bool
	match = func(k, j int) bool {
		if k == len(lines) {
			return j == len(out)
		}
		if failed[state{k, j}] {
			return false
		}
		if bytes.HasPrefix(out[j:], lines[k]) && match(k+1, j+len(lines[k])) {
			return true
		}
		if left(lines[k]) && match(k+1, j) {
			return true
		}
		failed[state{k, j}] = true
		return false
	}
	return match(0, 0)
}

// memConn is a connection that reads in, in pieces of size(i) bytes, and
// takes every write.
type memConn struct {
	net.Conn
	in    []byte
	size  func(int) int
	reads int
	out   *bytes.Buffer // takes what is written, when not nil
}

func (m *memConn) Read(p []byte) (int, error) {
	if len(m.in) == 0 {
		return 0, io.EOF
	}
	m.reads++
	n := copy(p[:min(len(p), m.size(m.reads))], m.in)
	m.in = m.in[n:]
	return n, nil
}

func (m *memConn) Write(p []byte) (int, error) {
	if m.out != nil {
		m.out.Write(p)
	}
	return len(p), nil
}
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
