package pop3

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"go.uber.org/zap"
)

// command is one parsed command line.
type command struct {
	Name string   // upper case
	Args []string // PASS: the rest of the line as one argument
}

// authLine is the client's line after a "+ " continuation of AUTH.
type authLine struct{ line string }

// response is the session actor's answer to a command: the bytes to send
// and what the connection does next.
type response struct {
	out      []byte
	pooled   bool // out is a mailbox.MessageBuffer: given back once sent
	close    bool // close after sending (QUIT, too many failures)
	startTLS bool // start the TLS handshake after sending (STLS)
	cont     bool // out is a continuation; read one more line for the actor
}

// parseCommand parses a command line (without its line end): a keyword of
// 3 or 4 letters, then arguments separated by spaces (RFC 1939 3). PASS
// takes the rest of the line, spaces included, as its one argument, as
// clients send passwords with spaces.
func parseCommand(line []byte) (command, error) {
	for _, b := range line {
		if b < 0x20 || b == 0x7f {
			return command{}, errors.New("invalid character in command line")
		}
	}
	s := string(line)
	name, rest, _ := strings.Cut(s, " ")
	if len(name) < 3 || len(name) > 4 {
		return command{}, errors.New("unknown command")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return command{}, errors.New("unknown command")
		}
	}
	cmd := command{Name: strings.ToUpper(name)}
	if cmd.Name == "PASS" {
		if rest != "" {
			cmd.Args = []string{rest}
		}
		return cmd, nil
	}
	cmd.Args = strings.Fields(rest)
	if len(cmd.Args) > 3 {
		return command{}, errors.New("too many arguments")
	}
	for _, a := range cmd.Args {
		if len(a) > 255 {
			return command{}, errors.New("argument too long")
		}
	}
	return cmd, nil
}

// message is one message of the session's maildrop, fixed at login.
type message struct {
	mid     uint64
	path    string // its RFC 5322 file
	uidl    string
	size    int64 // octets RETR sends, without dot-stuffing and the final "."
	deleted bool
}

// session is the actor holding one connection's POP3 state.
type session struct {
	s      *Server
	conn   *conn
	remote netip.AddrPort
	tls    bool

	user     string // after USER
	username string // after login
	maildir  string
	msgs     []message
	failures int
	authed   bool
}

func (a *session) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case command:
		c.Respond(a.command(m))
	case authLine:
		c.Respond(a.authPlain(m.line))
	case actors.ServerShutdown:
		a.conn.close()
		c.Stop(c.Self())
	case *actors.Stopping:
		a.conn.close()
	}
}

func ok(format string, args ...any) response {
	return response{out: []byte("+OK " + fmt.Sprintf(format, args...) + "\r\n")}
}

func fail(format string, args ...any) response {
	return response{out: []byte("-ERR " + fmt.Sprintf(format, args...) + "\r\n")}
}

func (a *session) command(cmd command) response {
	if a.s.testHook != nil {
		a.s.testHook(cmd.Name)
	}
	switch cmd.Name {
	case "CAPA": // RFC 2449 5
		// What the AUTHORIZATION state offers is listed in both states
		// (RFC 2449 5), USER and SASL among it; STLS only before login,
		// the one state it is allowed in (RFC 2595 4).
		var b strings.Builder
		b.WriteString("+OK capability list follows\r\nTOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\n")
		if !a.authed && a.s.cfg.TLS != nil && !a.tls {
			b.WriteString("STLS\r\n")
		}
		b.WriteString("SASL PLAIN\r\n.\r\n")
		return response{out: []byte(b.String())}
	case "QUIT":
		return a.quit()
	}
	if !a.authed {
		return a.authorization(cmd)
	}
	return a.transaction(cmd)
}

// authorization handles the AUTHORIZATION state (RFC 1939 4).
func (a *session) authorization(cmd command) response {
	switch cmd.Name {
	case "STLS": // RFC 2595 4
		if a.s.cfg.TLS == nil || a.tls {
			return fail("STLS not available")
		}
		a.tls = true
		a.user = ""
		return response{out: []byte("+OK begin TLS negotiation\r\n"), startTLS: true}
	case "USER":
		if len(cmd.Args) != 1 {
			return fail("USER takes one argument")
		}
		a.user = cmd.Args[0]
		return ok("send PASS")
	case "PASS":
		if a.user == "" {
			return fail("USER first")
		}
		user := a.user
		a.user = ""
		if len(cmd.Args) != 1 {
			return a.refused(directory.ErrAuthFailed)
		}
		return a.login(user, cmd.Args[0])
	case "AUTH": // RFC 5034
		if len(cmd.Args) == 0 {
			return response{out: []byte("+OK\r\nPLAIN\r\n.\r\n")}
		}
		if !strings.EqualFold(cmd.Args[0], "PLAIN") {
			return fail("unsupported authentication mechanism")
		}
		if len(cmd.Args) == 1 {
			return response{out: []byte("+ \r\n"), cont: true}
		}
		if len(cmd.Args) > 2 {
			return fail("too many arguments")
		}
		return a.authPlain(cmd.Args[1])
	}
	return fail("command not valid in this state")
}

// authPlain finishes AUTH PLAIN (RFC 4616) with the client's response.
func (a *session) authPlain(resp string) response {
	if resp == "*" {
		return fail("authentication cancelled")
	}
	if a.authed {
		return fail("command not valid in this state")
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		return fail("invalid base64")
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 3 || parts[1] == "" {
		return fail("invalid PLAIN response")
	}
	authz, authc, pass := parts[0], parts[1], parts[2]
	if authz != "" && authz != authc {
		return fail("[AUTH] authorization identity differs from authentication identity")
	}
	return a.login(authc, pass)
}

// login authenticates through the directory and loads the maildrop.
func (a *session) login(login, password string) response {
	ctx, cancel := context.WithTimeout(context.Background(), a.s.cfg.Timeout)
	defer cancel()
	u, err := a.s.auth.Authenticate(ctx, directory.Credentials{
		Login: login, Password: password, Remote: a.remote,
		Protocol: "pop3", Op: "login", Want: directory.PrivIMAP,
	})
	if err != nil {
		return a.refused(err)
	}
	if u.Maildir == "" {
		a.s.log.Warn("pop3 login of a user without a mailbox", zap.String("user", u.Username))
		return fail("[SYS/PERM] no mailbox for this user")
	}
	msgs, err := a.s.loadMaildrop(ctx, u.Maildir)
	if err != nil {
		a.s.log.Warn("pop3 maildrop not loaded", zap.String("user", u.Username), zap.Error(err))
		return fail("[SYS/TEMP] mailbox unavailable")
	}
	a.authed, a.username, a.maildir, a.msgs = true, u.Username, u.Maildir, msgs
	a.s.log.Info("pop3 login", zap.String("user", u.Username), zap.Stringer("remote", a.remote), zap.Int("messages", len(msgs)))
	return ok("maildrop has %d messages", len(msgs))
}

func (a *session) refused(err error) response {
	a.failures++
	var r response
	switch {
	case errors.Is(err, directory.ErrAuthFailed):
		r = fail("[AUTH] authentication failed")
	case errors.Is(err, directory.ErrLoginDisabled):
		r = fail("[AUTH] login not permitted")
	case errors.Is(err, directory.ErrBlocked):
		r = fail("[LOGIN-DELAY] too many failed logins, try again later")
	default:
		a.s.log.Warn("pop3 authentication error", zap.Error(err))
		r = fail("[SYS/TEMP] authentication temporarily unavailable")
	}
	if a.failures >= a.s.cfg.MaxAuthFailures {
		r.out = append(r.out, "-ERR too many failures, closing\r\n"...)
		r.close = true
	}
	return r
}

// transaction handles the TRANSACTION state (RFC 1939 5).
func (a *session) transaction(cmd command) response {
	switch cmd.Name {
	case "NOOP":
		return ok("")
	case "RSET":
		for i := range a.msgs {
			a.msgs[i].deleted = false
		}
		return ok("maildrop has %d messages", len(a.msgs))
	case "STAT":
		n, size := a.stat()
		return ok("%d %d", n, size)
	case "LIST", "UIDL":
		if len(cmd.Args) > 1 {
			return fail("too many arguments")
		}
		item := func(i int) string {
			if cmd.Name == "LIST" {
				return fmt.Sprintf("%d %d", i+1, a.msgs[i].size)
			}
			return fmt.Sprintf("%d %s", i+1, a.msgs[i].uidl)
		}
		if len(cmd.Args) == 1 {
			i, r, good := a.arg(cmd.Args[0])
			if !good {
				return r
			}
			return ok("%s", item(i))
		}
		var b strings.Builder
		n, size := a.stat()
		fmt.Fprintf(&b, "+OK %d messages (%d octets)\r\n", n, size)
		for i := range a.msgs {
			if !a.msgs[i].deleted {
				b.WriteString(item(i))
				b.WriteString("\r\n")
			}
		}
		b.WriteString(".\r\n")
		return response{out: []byte(b.String())}
	case "DELE":
		if len(cmd.Args) != 1 {
			return fail("DELE takes one argument")
		}
		i, r, good := a.arg(cmd.Args[0])
		if !good {
			return r
		}
		a.msgs[i].deleted = true
		return ok("message %d deleted", i+1)
	case "RETR", "TOP":
		want := 1
		if cmd.Name == "TOP" {
			want = 2
		}
		if len(cmd.Args) != want {
			return fail("%s takes %d argument(s)", cmd.Name, want)
		}
		i, r, good := a.arg(cmd.Args[0])
		if !good {
			return r
		}
		lines := -1
		if cmd.Name == "TOP" {
			n, err := strconv.ParseUint(cmd.Args[1], 10, 31)
			if err != nil {
				return fail("invalid line count")
			}
			lines = int(n)
		}
		return a.retrieve(i, lines)
	case "STLS", "USER", "PASS", "AUTH":
		return fail("command not valid in this state")
	}
	return fail("unknown command")
}

// arg resolves a message-number argument to an index of a message not
// marked deleted (RFC 1939 5: such a message may not be referred to).
func (a *session) arg(s string) (int, response, bool) {
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil || n == 0 || n > uint64(len(a.msgs)) {
		return 0, fail("no such message"), false
	}
	i := int(n - 1)
	if a.msgs[i].deleted {
		return 0, fail("message %d already deleted", n), false
	}
	return i, response{}, true
}

func (a *session) stat() (n int, size int64) {
	for _, m := range a.msgs {
		if !m.deleted {
			n++
			size += m.size
		}
	}
	return n, size
}

// retrieve answers RETR (lines < 0) or TOP with the message's original
// bytes, line ends as CRLF, dot-stuffed (RFC 1939 3).
func (a *session) retrieve(i, lines int) response {
	rb := mailbox.MessageBuffer()
	raw, err := mailbox.ReadMessageFileInto(a.msgs[i].path, *rb)
	defer mailbox.PutMessageBuffer(rb, raw)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail("message %d is no longer available", i+1)
	case err != nil:
		a.s.log.Warn("pop3 message not read", zap.String("user", a.username), zap.Uint64("mid", a.msgs[i].mid), zap.Error(err))
		return fail("[SYS/TEMP] message could not be read")
	}
	head := "+OK " + strconv.FormatInt(a.msgs[i].size, 10) + " octets\r\n"
	if lines >= 0 {
		head = "+OK top of message follows\r\n"
	}
	ob := mailbox.MessageBuffer()
	out := *ob
	if want := len(head) + len(raw) + len(raw)/32 + 8; cap(out) < want {
		out = make([]byte, 0, want)
	}
	out = append(out[:0], head...)
	out = appendWire(out, raw, lines)
	out = append(out, ".\r\n"...)
	return response{out: out, pooled: true}
}

// quit ends the session; in the TRANSACTION state it enters UPDATE and
// deletes the marked messages (RFC 1939 6).
func (a *session) quit() response {
	bye := response{out: []byte("+OK " + a.s.cfg.Hostname + " POP3 server signing off\r\n"), close: true}
	if !a.authed {
		return bye
	}
	var ids []uint64
	for _, m := range a.msgs {
		if m.deleted {
			ids = append(ids, m.mid)
		}
	}
	if len(ids) == 0 {
		return bye
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.s.cfg.Timeout)
	defer cancel()
	partial, err := mailbox.Do[bool](ctx, a.s.stores, a.maildir, mailbox.DeleteMessages{FolderID: fidInbox, IDs: ids})
	if err != nil {
		a.s.log.Warn("pop3 delete at QUIT failed", zap.String("user", a.username), zap.Int("count", len(ids)), zap.Error(err))
		return response{out: []byte("-ERR [SYS/TEMP] some deleted messages not removed\r\n"), close: true}
	}
	if partial {
		return response{out: []byte("-ERR some deleted messages not removed\r\n"), close: true}
	}
	a.s.log.Info("pop3 deleted", zap.String("user", a.username), zap.Int("count", len(ids)))
	return bye
}

// fidInbox is the private store's Inbox, the one folder POP3 serves.
const fidInbox = 0x0d

// loadMaildrop lists the Inbox in UID order with each message's wire size.
// A message made through MAPI (no RFC 5322 original yet) is converted once,
// as IMAP does, so that POP3 sees every message of the Inbox. The message
// files are read here, in the session, not in the store's actor: they never
// change once written, so their wire sizes are kept (Server.sizes) and a
// client polling its maildrop reads only the new ones.
func (s *Server) loadMaildrop(ctx context.Context, maildir string) ([]message, error) {
	// The whole Inbox from the IMAP index in one request, without MODSEQ
	// (a query of exchange.sqlite3 per 256 messages that POP3 has no use
	// for).
	list, err := mailbox.Do[[]mailbox.IMAPMessage](ctx, s.stores, maildir, mailbox.IMAPPage{FolderID: fidInbox, FromUID: 1, Limit: math.MaxInt32})
	if err != nil {
		return nil, err
	}
	msgs := make([]message, 0, len(list))
	for _, e := range list {
		path := mailbox.OriginalPath(maildir, e.MidString)
		size, ok := s.sizes.get(path)
		if !ok {
			var raw []byte
			if path != "" {
				raw, err = mailbox.ReadMessageFile(path)
			}
			if path == "" || errors.Is(err, fs.ErrNotExist) {
				if path, err = mailbox.Do[string](ctx, s.stores, maildir, mailbox.ExportOriginal{FolderID: fidInbox, MessageID: e.MessageID}); err == nil {
					raw, err = mailbox.ReadMessageFile(path)
				}
			}
			switch {
			case errors.Is(err, mailbox.ErrNotFound), errors.Is(err, fs.ErrNotExist):
				continue // gone since the listing
			case err != nil:
				return nil, err
			}
			size = wireSize(raw)
			s.sizes.put(path, size)
		}
		msgs = append(msgs, message{mid: e.MessageID, path: path, uidl: uidl(e.MidString, e.UID), size: size})
	}
	return msgs, nil
}

// sizeCache keeps the wire sizes of message files by path. A file under a
// given name never changes, so an entry never goes stale; the cache starts
// again empty when it holds maxSizes entries.
type sizeCache struct {
	mu sync.Mutex
	m  map[string]int64
}

const maxSizes = 1 << 17

func (c *sizeCache) get(path string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.m[path]
	return n, ok
}

func (c *sizeCache) put(path string, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxSizes {
		c.m = map[string]int64{}
	}
	c.m[path] = n
}

// uidl is a message's unique-id listing: its mid_string, as upstream's
// (so clients moving over from upstream do not fetch everything again),
// or "<UIDVALIDITY>.<UID>" when the mid_string is not a valid unique-id
// (RFC 1939 7: 1 to 70 characters 0x21 to 0x7E).
func uidl(midString string, uid uint32) string {
	valid := len(midString) >= 1 && len(midString) <= 70
	for i := 0; valid && i < len(midString); i++ {
		valid = midString[i] >= 0x21 && midString[i] <= 0x7e
	}
	if valid {
		return midString
	}
	return strconv.Itoa(fidInbox) + "." + strconv.FormatUint(uint64(uid), 10)
}

// eachLine calls fn with every line of raw without its line end: lines end
// at LF, an optional CR before it is dropped, and a last line without LF
// counts as a line.
func eachLine(raw []byte, fn func(line []byte) bool) {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		var line []byte
		if i < 0 {
			line, raw = raw, nil
		} else {
			line, raw = raw[:i], raw[i+1:]
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if !fn(line) {
			return
		}
	}
}

// wireSize is the octet count of raw as RETR sends it, before dot-stuffing
// (RFC 1939 5, LIST).
func wireSize(raw []byte) int64 {
	var n int64
	eachLine(raw, func(line []byte) bool {
		n += int64(len(line)) + 2
		return true
	})
	return n
}

// appendWire appends raw with CRLF line ends and dot-stuffing; lines >= 0
// keeps the header, the empty line and that many body lines (TOP).
func appendWire(out, raw []byte, lines int) []byte {
	inBody := false
	eachLine(raw, func(line []byte) bool {
		if inBody && lines >= 0 {
			if lines == 0 {
				return false
			}
			lines--
		}
		if len(line) > 0 && line[0] == '.' {
			out = append(out, '.')
		}
		out = append(out, line...)
		out = append(out, '\r', '\n')
		if len(line) == 0 {
			inBody = true
		}
		return true
	})
	return out
}
