package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// lmtpClient is the load tool's LMTP client, written as an MTA such as
// Postfix sends: MAIL, RCPT and DATA go out in one write when the server
// offers PIPELINING, and the message goes out dot-stuffed in one write.
// go-smtp's client waits for each reply in turn and writes the message
// one byte at a time through net/textproto, about a millisecond of CPU
// per 100 KB message, taken from the machine the servers share.
type lmtpClient struct {
	conn       net.Conn
	r          *bufio.Reader
	pipelining bool
	size       bool // SIZE offered: MAIL says the message's size
	buf        []byte
}

// dialLMTP connects, disables Nagle's algorithm (each command is a small
// write waiting for a reply) and says LHLO.
func dialLMTP(ctx context.Context, addr string) (*lmtpClient, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("loadgen: dial %s: %w", addr, err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		if err := tc.SetNoDelay(true); err != nil {
			conn.Close()
			return nil, fmt.Errorf("loadgen: TCP_NODELAY: %w", err)
		}
	}
	c := &lmtpClient{conn: conn, r: bufio.NewReader(conn)}
	if _, _, err := c.reply(220); err != nil {
		conn.Close()
		return nil, fmt.Errorf("loadgen: greeting: %w", err)
	}
	if _, err := conn.Write([]byte("LHLO loadgen.invalid\r\n")); err != nil {
		conn.Close()
		return nil, err
	}
	_, lines, err := c.reply(250)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("loadgen: LHLO: %w", err)
	}
	for _, l := range lines {
		switch strings.ToUpper(strings.Fields(l + " ")[0]) {
		case "PIPELINING":
			c.pipelining = true
		case "SIZE":
			c.size = true
		}
	}
	return c, nil
}

// reply reads one reply, multi-line or not, and fails with an
// *smtp.SMTPError when its code is not want.
func (c *lmtpClient) reply(want int) (int, []string, error) {
	c.conn.SetReadDeadline(time.Now().Add(5 * time.Minute))
	var lines []string
	for {
		line, err := c.r.ReadString('\n')
		if err != nil {
			return 0, nil, err
		}
		line = strings.TrimRight(line, "\r\n")
		if len(line) < 3 {
			return 0, nil, fmt.Errorf("loadgen: bad reply %q", line)
		}
		code, err := strconv.Atoi(line[:3])
		if err != nil {
			return 0, nil, fmt.Errorf("loadgen: bad reply %q", line)
		}
		text := ""
		if len(line) > 4 {
			text = line[4:]
		}
		lines = append(lines, text)
		if len(line) == 3 || line[3] == ' ' {
			if code != want {
				return code, lines, &smtp.SMTPError{Code: code, Message: strings.Join(lines, "\n")}
			}
			return code, lines, nil
		}
	}
}

// command writes one command and reads its reply.
func (c *lmtpClient) command(cmd string, want int) error {
	if _, err := c.conn.Write([]byte(cmd + "\r\n")); err != nil {
		return err
	}
	_, _, err := c.reply(want)
	return err
}

// Reset is RSET.
func (c *lmtpClient) Reset() error { return c.command("RSET", 250) }

// Quit says QUIT and closes the connection.
func (c *lmtpClient) Quit() error {
	err := c.command("QUIT", 221)
	c.conn.Close()
	return err
}

// Close closes the connection.
func (c *lmtpClient) Close() error { return c.conn.Close() }

// deliver runs one transaction: MAIL, RCPT, DATA and the recipient's reply.
// The three commands go out together when the server offers PIPELINING;
// each reply is read in turn either way.
func deliver(c *lmtpClient, rcpt string, msg []byte) error {
	mail := "MAIL FROM:<" + Sender + ">"
	if c.size {
		mail += fmt.Sprintf(" SIZE=%d", len(msg))
	}
	cmds := []string{
		mail,
		"RCPT TO:<" + rcpt + ">",
		"DATA",
	}
	want := []int{250, 250, 354}
	if c.pipelining {
		if _, err := c.conn.Write([]byte(strings.Join(cmds, "\r\n") + "\r\n")); err != nil {
			return err
		}
		var first error
		for _, w := range want {
			if _, _, err := c.reply(w); err != nil && first == nil {
				first = err
			}
		}
		if first != nil {
			return first
		}
	} else {
		for i, cmd := range cmds {
			if err := c.command(cmd, want[i]); err != nil {
				return err
			}
		}
	}
	c.buf = appendStuffed(c.buf[:0], msg)
	if _, err := c.conn.Write(c.buf); err != nil {
		return err
	}
	_, _, err := c.reply(250)
	return err
}

// appendStuffed appends msg as DATA sends it: CRLF line ends (a bare LF
// becomes CRLF, as net/textproto's writer does), a dot doubled at the start
// of a line, and the end marker.
func appendStuffed(out, msg []byte) []byte {
	for len(msg) > 0 {
		line := msg
		i := bytes.IndexByte(msg, '\n')
		if i >= 0 {
			line, msg = msg[:i], msg[i+1:]
		} else {
			msg = nil
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > 0 && line[0] == '.' {
			out = append(out, '.')
		}
		out = append(out, line...)
		out = append(out, '\r', '\n')
	}
	return append(out, ".\r\n"...)
}
