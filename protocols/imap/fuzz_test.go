package imap

import (
	"io"
	"net"
	"testing"
	"time"
)

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
		"a CREATE x/y\r\nb RENAME x z\r\nc DELETE z/y",
		"a LIST \"\" * RETURN (STATUS (MESSAGES SIZE))",
		"a IDLE\r\nDONE",
		"a FETCH 4294967295 (FLAGS)",
		"a FETCH 1 (BODY[1.2.3.4.5.6.MIME]<0.4294967295>)",
		"a SELECT {99999999}",
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
		control.ok("FETCH 1:* (FLAGS)")
	})
}
