package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// The lean client reads FETCH responses with no more parsing than their
// framing needs: lines, the literals between them, and the parentheses
// of each response. go-imap's client builds every ENVELOPE and
// BODYSTRUCTURE into Go values, which costs it 7 to 11 µs a message:
// more than either server spends making one, so the FETCH rows measured
// the client. This one spends well under a microsecond on a response
// outside the bytes it reads, and still checks that each response is
// whole and carries the item asked for. It also sends the APPEND rows'
// messages, each in one write.

// leanConn is an IMAP session spoken over a buffered connection.
type leanConn struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	tag  int
	// text is the response being read, its literals left out (their
	// {N} markers stay).
	text []byte
	// exists is the selected mailbox's message count.
	exists int
}

// leanLogin connects, logs in and, with mailbox set, SELECTs it.
func (t *Target) leanLogin(ctx context.Context, w *Wire, mailbox string) (*leanConn, error) {
	conn, err := t.dial(ctx, t.Addr, w, false)
	if err != nil {
		return nil, err
	}
	c := &leanConn{conn: conn, r: bufio.NewReaderSize(conn, 64<<10), w: bufio.NewWriter(conn)}
	if err := c.readLine(); err != nil {
		conn.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if !bytes.HasPrefix(c.text, []byte("* OK")) && !bytes.HasPrefix(c.text, []byte("* PREAUTH")) {
		conn.Close()
		return nil, fmt.Errorf("greeting: %q", c.text)
	}
	if err := c.command("LOGIN "+quote(t.User)+" "+quote(t.Password), nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("LOGIN: %w", err)
	}
	if mailbox != "" {
		if err := c.selectBox(mailbox); err != nil {
			conn.Close()
			return nil, fmt.Errorf("SELECT %s: %w", mailbox, err)
		}
	}
	return c, nil
}

// selectBox SELECTs mailbox and notes its EXISTS.
func (c *leanConn) selectBox(mailbox string) error {
	return c.command("SELECT "+quote(mailbox), func() error {
		if f := bytes.Fields(c.text); len(f) == 3 && string(f[0]) == "*" && string(f[2]) == "EXISTS" {
			n, err := strconv.Atoi(string(f[1]))
			if err != nil {
				return fmt.Errorf("%q", c.text)
			}
			c.exists = n
		}
		return nil
	})
}

// quote is s as an IMAP quoted string.
func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// logout ends the session without waiting long for the reply.
func (c *leanConn) logout() {
	c.send("LOGOUT")
	c.conn.Close()
}

// send writes one tagged command and returns its tag.
func (c *leanConn) send(cmd string) (string, error) {
	tag := c.nextTag()
	c.w.WriteString(tag + " " + cmd + "\r\n")
	return tag, c.w.Flush()
}

// nextTag is the tag of the next command.
func (c *leanConn) nextTag() string {
	c.tag++
	return "L" + strconv.Itoa(c.tag)
}

// command runs a command, with untagged (when set) called for each
// response before the completion, which is in c.text.
func (c *leanConn) command(cmd string, untagged func() error) error {
	tag, err := c.send(cmd)
	if err != nil {
		return err
	}
	return c.wait(tag, untagged)
}

// wait reads the responses to the command tagged tag up to its completion,
// which must be OK, with untagged as for command.
func (c *leanConn) wait(tag string, untagged func() error) error {
	for {
		done, err := c.next(tag, nil)
		if err != nil || done {
			return err
		}
		if untagged != nil {
			if err := untagged(); err != nil {
				return err
			}
		}
	}
}

// next reads one response; onLiteral, when set, is given the size of each
// literal in it, whose bytes it must consume from c.r (without it they are
// skipped). It reports whether the response was the tagged completion of
// tag, which must be OK.
func (c *leanConn) next(tag string, onLiteral func(n int64) error) (done bool, err error) {
	c.text = c.text[:0]
	for {
		if err := c.appendLine(); err != nil {
			return false, err
		}
		n, ok := literalAtEnd(c.text)
		if !ok {
			break
		}
		if onLiteral != nil {
			if err := onLiteral(n); err != nil {
				return false, err
			}
		} else if _, err := c.r.Discard(int(n)); err != nil {
			return false, err
		}
	}
	t := c.text
	if len(t) > len(tag) && string(t[:len(tag)]) == tag && t[len(tag)] == ' ' {
		if !bytes.HasPrefix(t[len(tag)+1:], []byte("OK")) {
			return true, fmt.Errorf("%s", bytes.TrimRight(t, "\r\n"))
		}
		return true, nil
	}
	if bytes.HasPrefix(t, []byte("* BYE")) {
		return false, fmt.Errorf("%s", bytes.TrimRight(t, "\r\n"))
	}
	return false, nil
}

// readLine reads one line alone into c.text.
func (c *leanConn) readLine() error {
	c.text = c.text[:0]
	return c.appendLine()
}

// appendLine appends the next line, CRLF and all, to c.text.
func (c *leanConn) appendLine() (err error) {
	c.text, err = appendLine(c.text, c.r)
	return err
}

// appendLine appends the next line of r, line end and all, to dst.
func appendLine(dst []byte, r *bufio.Reader) ([]byte, error) {
	for {
		b, err := r.ReadSlice('\n')
		dst = append(dst, b...)
		switch {
		case err == nil:
			return dst, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(b) > 0:
			return dst, io.ErrUnexpectedEOF
		default:
			return dst, err
		}
	}
}

// literalAtEnd reads the literal marker ({N}, {N+} or BINARY's ~{N}) that
// ends a line, if there is one.
func literalAtEnd(line []byte) (int64, bool) {
	line = bytes.TrimSuffix(line, []byte("\r\n"))
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false
	}
	open := bytes.LastIndexByte(line, '{')
	if open < 0 {
		return 0, false
	}
	digits := bytes.TrimSuffix(line[open+1:len(line)-1], []byte("+"))
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// balanced tells whether the parentheses of a response (its literals left
// out) close, outside quoted strings, and nothing follows the last.
func balanced(t []byte) bool {
	depth, quoted, esc, closed := 0, false, false, false
	for _, b := range bytes.TrimRight(t, "\r\n") {
		switch {
		case quoted:
			switch {
			case esc:
				esc = false
			case b == '\\':
				esc = true
			case b == '"':
				quoted = false
			}
			continue
		case closed:
			return false
		case b == '"':
			quoted = true
		case b == '(':
			depth++
		case b == ')':
			depth--
			if depth < 0 {
				return false
			}
			closed = depth == 0
		}
	}
	return depth == 0 && !quoted && closed
}

// append APPENDs m to mailbox with its date and \Seen when it has it, in
// one write (a LITERAL+ literal, which both servers offer), and checks its
// completion reports the new UID (UIDPLUS).
func (c *leanConn) append(mailbox string, m Message) error {
	tag := c.nextTag()
	c.w.WriteString(tag + " APPEND " + quote(mailbox))
	if m.Seen {
		c.w.WriteString(` (\Seen)`)
	}
	c.w.WriteString(` "` + m.Date.Format("_2-Jan-2006 15:04:05 -0700") + `" {` + strconv.Itoa(len(m.Raw)) + "+}\r\n")
	c.w.Write(m.Raw)
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return err
	}
	if err := c.wait(tag, nil); err != nil {
		return err
	}
	if !bytes.Contains(c.text, []byte("[APPENDUID ")) {
		return fmt.Errorf("APPEND: no APPENDUID: %q", c.text)
	}
	return nil
}

// fetch runs UID FETCH 1:* (items) and reads its responses: n counts the
// FETCH responses, payload the literal bytes in them, missing those that
// lack want (an item name as it appears in the response, "ENVELOPE (")
// or are not whole.
func (c *leanConn) fetch(items, want string) (n int, payload int64, missing int, err error) {
	tag, err := c.send("UID FETCH 1:* (" + items + ")")
	if err != nil {
		return 0, 0, 0, err
	}
	count := func(k int64) error {
		m, err := c.r.Discard(int(k))
		payload += int64(m)
		return err
	}
	w := []byte(want)
	for {
		done, err := c.next(tag, count)
		if err != nil {
			return n, payload, missing, err
		}
		if done {
			return n, payload, missing, nil
		}
		t := c.text
		i := bytes.Index(t, []byte(" FETCH ("))
		if !bytes.HasPrefix(t, []byte("* ")) || i < 0 {
			continue // EXISTS, FLAGS and the like
		}
		n++
		if !bytes.Contains(t[i:], w) || !balanced(t[i+len(" FETCH"):]) {
			missing++
		}
	}
}
