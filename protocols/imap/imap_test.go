package imap

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/prototest"
)

// The messages every test starts with, in Inbox order.
var (
	raw1 = "From: Sender <sender@example.net>\r\nTo: alice@example.org\r\nSubject: one\r\nDate: Mon, 02 Jan 2023 10:00:00 +0100\r\nMessage-ID: <1@example.net>\r\n\r\nfirst body line\r\nsecond line with needle\r\n"
	raw2 = "From: sender@example.net\r\nTo: alice@example.org\r\nSubject: two\r\nDate: Tue, 03 Jan 2023 10:00:00 +0100\r\nMessage-ID: <2@example.net>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\npreamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\npart one\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\nAAECAw==\r\n--b1--\r\n"
	raw3 = "From: other@example.com\r\nTo: alice@example.org\r\nSubject: =?utf-8?q?dr=C3=A9i?=\r\nDate: Wed, 04 Jan 2023 10:00:00 +0100\r\nMessage-ID: <3@example.net>\r\n\r\nthird\r\n"
)

const password = "secret pw"

type env struct {
	*prototest.Env
	srv     *Server
	addr    string
	tlsAddr string
	maildir string
	tls     *tls.Config // client side
}

func newEnv(t testing.TB, tune ...func(*Config)) *env {
	t.Helper()
	e := &env{Env: prototest.New(t)}
	e.maildir = e.AddUser(t, "alice@example.org", password, "")
	for _, raw := range []string{raw1, raw2, raw3} {
		e.deliver(t, raw)
	}
	cert, clientTLS := prototest.SelfSigned(t, "imap.example.org")
	e.tls = clientTLS
	cfg := Config{Timeout: 20 * time.Second, IdleTimeout: time.Minute, IMAP4rev2: true,
		TLS: &tls.Config{Certificates: []tls.Certificate{cert}}}
	for _, f := range tune {
		f(&cfg)
	}
	e.srv = New(cfg, e.Sys, e.Spawner, e.Auth, e.Stores, e.Log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.Serve(ln)
	go e.srv.ServeTLS(tln)
	e.addr, e.tlsAddr = ln.Addr().String(), tln.Addr().String()
	t.Cleanup(func() { ln.Close(); tln.Close() })
	return e
}

// deliver stores raw in alice's Inbox as delivery does.
func (e *env) deliver(t testing.TB, raw string) {
	t.Helper()
	mc, err := mailbox.ImportRFC5322([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Stores.Do(context.Background(), e.maildir, mailbox.Deliver{Raw: []byte(raw), Content: mc}); err != nil {
		t.Fatal(err)
	}
}

// client speaks raw IMAP so tests see the bytes on the wire.
type client struct {
	t        testing.TB
	nc       net.Conn
	r        *bufio.Reader
	tag      int
	greeting string
}

func (e *env) dial(t testing.TB) *client {
	t.Helper()
	nc, err := net.DialTimeout("tcp", e.addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return greeted(t, nc)
}

// greeted reads the greeting on a new connection.
func greeted(t testing.TB, nc net.Conn) *client {
	t.Helper()
	c := &client{t: t, nc: nc, r: bufio.NewReader(nc)}
	if c.greeting = c.line(); !strings.HasPrefix(c.greeting, "* OK ") {
		t.Fatalf("greeting %q", c.greeting)
	}
	return c
}

// dialTLS connects to the implicit-TLS listener.
func (e *env) dialTLS(t testing.TB) *client {
	t.Helper()
	nc, err := tls.Dial("tcp", e.tlsAddr, e.tls)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return greeted(t, nc)
}

// startTLS runs STARTTLS and the TLS handshake.
func (c *client) startTLS(cfg *tls.Config) {
	c.t.Helper()
	c.ok("STARTTLS")
	c.handshake(cfg)
}

// handshake starts TLS on the connection, as a client.
func (c *client) handshake(cfg *tls.Config) {
	c.t.Helper()
	tc := tls.Client(c.nc, cfg)
	if err := tc.Handshake(); err != nil {
		c.t.Fatal(err)
	}
	c.nc, c.r = tc, bufio.NewReader(tc)
}

func (e *env) login(t testing.TB) *client {
	t.Helper()
	c := e.dial(t)
	c.ok("LOGIN alice@example.org \"" + password + "\"")
	return c
}

// line reads one response line, literals included in place.
func (c *client) line() string {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	var b strings.Builder
	for {
		l, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Fatalf("read: %v (got %q)", err, b.String()+l)
		}
		l = strings.TrimSuffix(l, "\r\n")
		b.WriteString(l)
		// A literal {n} at the end of the line: its bytes follow.
		if i := strings.LastIndexByte(l, '{'); i >= 0 && strings.HasSuffix(l, "}") {
			if n, err := strconv.Atoi(l[i+1 : len(l)-1]); err == nil {
				buf := make([]byte, n)
				if _, err := io.ReadFull(c.r, buf); err != nil {
					c.t.Fatal(err)
				}
				b.WriteString("\r\n")
				b.Write(buf)
				continue
			}
		}
		return b.String()
	}
}

func (c *client) send(s string) {
	c.t.Helper()
	c.nc.SetWriteDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.nc.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// cmd sends a tagged command and returns the untagged lines and the
// tagged status line, which must start with want (OK, NO, BAD).
func (c *client) cmd(want, command string) ([]string, string) {
	c.t.Helper()
	c.tag++
	tag := fmt.Sprintf("t%d", c.tag)
	c.send(tag + " " + command + "\r\n")
	var untagged []string
	for {
		l := c.line()
		if strings.HasPrefix(l, tag+" ") {
			st := strings.TrimPrefix(l, tag+" ")
			if !strings.HasPrefix(st, want+" ") {
				c.t.Fatalf("%s: got %q, want %s (untagged %q)", command, st, want, untagged)
			}
			return untagged, st
		}
		if strings.HasPrefix(l, "+ ") {
			c.t.Fatalf("%s: unexpected continuation %q", command, l)
		}
		untagged = append(untagged, l)
	}
}

func (c *client) ok(command string) []string {
	c.t.Helper()
	u, _ := c.cmd("OK", command)
	return u
}

// has fails unless one of lines equals want.
func has(t testing.TB, lines []string, want string) {
	t.Helper()
	for _, l := range lines {
		if l == want {
			return
		}
	}
	t.Fatalf("no line %q in %q", want, lines)
}

func TestLoginAndCapabilities(t *testing.T) {
	e := newEnv(t)
	c := e.dial(t)
	u := c.ok("CAPABILITY")
	if !strings.Contains(u[0], "STARTTLS") || !strings.Contains(u[0], "AUTH=PLAIN") {
		t.Errorf("capabilities before login: %q", u)
	}
	c.cmd("NO", "LOGIN alice@example.org wrong")
	c.ok(`LOGIN alice@example.org "secret pw"`)
	u = c.ok("CAPABILITY")
	for _, want := range []string{"IMAP4rev1", "IMAP4rev2", "IDLE", "MOVE", "UIDPLUS", "SPECIAL-USE", "LIST-STATUS", "ESEARCH", "BINARY", "NAMESPACE", "APPENDLIMIT=", "LITERAL+", "CHILDREN", "STATUS=SIZE"} {
		if !strings.Contains(u[0], want) {
			t.Errorf("capability %s missing: %q", want, u[0])
		}
	}
	// The fail2ban line upstream documents.
	found := false
	for _, l := range e.Logs.All() {
		if strings.Contains(l.Message, "user=alice@example.org") && strings.Contains(l.Message, "rejected") && strings.Contains(l.Message, "rhost=[127.0.0.1]") {
			found = true
		}
	}
	if !found {
		t.Errorf("no fail2ban line in %v", e.Logs.All())
	}
	// AUTHENTICATE PLAIN with an initial response (SASL-IR).
	c2 := e.dial(t)
	c2.ok("AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldCBwdw==")
	c2.ok("SELECT INBOX")
}

func TestTooManyFailures(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxAuthFailures = 2 })
	c := e.dial(t)
	c.cmd("NO", "LOGIN bob@example.org x")
	c.tag++
	c.send("t9 LOGIN bob@example.org y\r\n")
	var lines []string
	for {
		c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		l, err := c.r.ReadString('\n')
		if err != nil {
			break
		}
		lines = append(lines, strings.TrimSpace(l))
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[len(lines)-1], "* BYE") && !strings.HasPrefix(lines[0], "* BYE") {
		t.Errorf("after the second failure: %q, want a BYE and the end", lines)
	}
}

func TestListFolders(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	u := c.ok(`LIST "" "*"`)
	has(t, u, `* LIST (\HasNoChildren) "/" INBOX`)
	has(t, u, `* LIST (\HasNoChildren \Sent) "/" "Sent Items"`)
	has(t, u, `* LIST (\HasNoChildren \Trash) "/" "Deleted Items"`)
	has(t, u, `* LIST (\HasNoChildren \Drafts) "/" "Drafts"`)
	has(t, u, `* LIST (\HasNoChildren \Junk) "/" "Junk Email"`)
	for _, l := range u {
		for _, hidden := range []string{"Calendar", "Contacts", "Tasks", "Notes", "Journal", "Outbox", "Sync Issues"} {
			if strings.Contains(l, hidden) {
				t.Errorf("folder IMAP must not show: %q", l)
			}
		}
	}
	has(t, c.ok(`LIST "" ""`), `* LIST (\Noselect) "/" ""`)
	c.ok("CREATE Projects/Alpha")
	c.ok(`CREATE "Archiv/&ANw-berf&AOQ-llig"`) // modified UTF-7
	u = c.ok(`LIST "" "*"`)
	has(t, u, `* LIST (\HasChildren) "/" "Projects"`)
	has(t, u, `* LIST (\HasNoChildren) "/" "Projects/Alpha"`)
	has(t, u, `* LIST (\HasNoChildren) "/" "Archiv/&ANw-berf&AOQ-llig"`)
	has(t, c.ok(`LIST "" "Projects/%"`), `* LIST (\HasNoChildren) "/" "Projects/Alpha"`)
	c.cmd("NO", "CREATE Projects/Alpha")
	c.cmd("NO", "CREATE inbox")
	c.cmd("NO", `CREATE "a//b"`)
	if _, st := c.cmd("NO", "DELETE Projects"); !strings.HasPrefix(st, "NO [HASCHILDREN]") {
		t.Errorf("DELETE of a folder with children: %q, want NO [HASCHILDREN] (RFC 9051 7.1)", st)
	}
	c.cmd("NO", `DELETE "Sent Items"`)
	c.ok("RENAME Projects/Alpha Projects/Beta")
	u = c.ok(`LIST "" "Projects*"`)
	has(t, u, `* LIST (\HasNoChildren) "/" "Projects/Beta"`)
	c.ok("DELETE Projects/Beta")
	c.ok("DELETE Projects")
	c.cmd("NO", "SELECT Projects")
	// A mail folder holding a calendar (made by Outlook): IMAP shows no
	// child and cannot delete the calendar, so DELETE can never succeed.
	ctx := context.Background()
	keep, err := mailbox.Do[uint64](ctx, e.Stores, e.maildir, mailbox.CreateFolder{Parent: mapi.PrivateFIDIPMSubtree, Name: "Keep", Class: "IPF.Note"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mailbox.Do[uint64](ctx, e.Stores, e.maildir, mailbox.CreateFolder{Parent: keep, Name: "Team calendar", Class: "IPF.Appointment"}); err != nil {
		t.Fatal(err)
	}
	has(t, c.ok(`LIST "" "Keep*"`), `* LIST (\HasNoChildren) "/" "Keep"`)
	if _, st := c.cmd("NO", "DELETE Keep"); !strings.HasPrefix(st, "NO [CANNOT]") {
		t.Errorf("DELETE of a folder holding a calendar: %q, want NO [CANNOT]", st)
	}
	c.ok("SELECT Keep")
	c.ok("UNSELECT")
	// Subscriptions: only INBOX at first (as upstream), then what the
	// client asks.
	u = c.ok(`LSUB "" "*"`)
	has(t, u, `* LSUB (\HasNoChildren \Subscribed) "/" INBOX`)
	if len(u) != 1 {
		t.Errorf("LSUB: %q", u)
	}
	c.ok(`SUBSCRIBE "Sent Items"`)
	u = c.ok(`LIST (SUBSCRIBED) "" "*"`)
	has(t, u, `* LIST (\HasNoChildren \Sent \Subscribed) "/" "Sent Items"`)
	c.ok(`UNSUBSCRIBE "Sent Items"`)
	u = c.ok(`LIST "" "*" RETURN (STATUS (MESSAGES UNSEEN))`)
	has(t, u, `* STATUS INBOX (MESSAGES 3 UNSEEN 3)`)
	u = c.ok(`STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN SIZE)`)
	size := len(raw1) + len(raw2) + len(raw3)
	has(t, u, fmt.Sprintf(`* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY %d UNSEEN 3 SIZE %d)`, mapi.PrivateFIDInbox, size))
}

func TestSelectFetch(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	u := c.ok("EXAMINE INBOX")
	has(t, u, "* 3 EXISTS")
	has(t, u, fmt.Sprintf("* OK [UIDVALIDITY %d] UIDs valid", mapi.PrivateFIDInbox))
	u = c.ok("FETCH 1:* (UID FLAGS RFC822.SIZE)")
	has(t, u, fmt.Sprintf("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE %d)", len(raw1)))
	has(t, u, fmt.Sprintf("* 3 FETCH (UID 3 FLAGS () RFC822.SIZE %d)", len(raw3)))
	// Byte-exact bodies and sections.
	u = c.ok("UID FETCH 2 (BODY.PEEK[])")
	has(t, u, fmt.Sprintf("* 2 FETCH (UID 2 BODY[] {%d}\r\n%s)", len(raw2), raw2))
	u = c.ok("FETCH 2 (BODY.PEEK[1] BODY.PEEK[2.MIME] BINARY.PEEK[2] BINARY.SIZE[2])")
	mime := "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.bin\"\r\n\r\n"
	has(t, u, fmt.Sprintf("* 2 FETCH (BODY[1] {8}\r\npart one BODY[2.MIME] {%d}\r\n%s BINARY[2] ~{4}\r\n\x00\x01\x02\x03 BINARY.SIZE[2] 4)", len(mime), mime))
	u = c.ok("FETCH 1 (BODY.PEEK[HEADER.FIELDS (Subject)])")
	has(t, u, "* 1 FETCH (BODY[HEADER.FIELDS (\"Subject\")] {16}\r\nSubject: one\r\n\r\n)")
	u = c.ok("FETCH 1 (ENVELOPE)")
	has(t, u, `* 1 FETCH (ENVELOPE ("Mon, 02 Jan 2023 10:00:00 +0100" "one" (("Sender" NIL "sender" "example.net")) (("Sender" NIL "sender" "example.net")) (("Sender" NIL "sender" "example.net")) ((NIL NIL "alice" "example.org")) NIL NIL NIL "<1@example.net>"))`)
	u = c.ok("FETCH 2 (BODYSTRUCTURE)")
	if !strings.Contains(u[0], `"boundary" "b1"`) || !strings.Contains(u[0], `("attachment" ("filename" "a.bin"))`) {
		t.Errorf("BODYSTRUCTURE without boundary or disposition: %q", u)
	}
	// EXAMINE is read-only: BODY[] does not set \Seen, STORE is refused.
	c.ok("FETCH 1 (BODY[])")
	has(t, c.ok("FETCH 1 (FLAGS)"), "* 1 FETCH (FLAGS ())")
	c.cmd("NO", `STORE 1 +FLAGS (\Seen)`)
	// SELECT: BODY[] sets \Seen and reports it.
	c.ok("SELECT INBOX")
	u = c.ok("FETCH 1 (BODY[TEXT])")
	has(t, u, "* 1 FETCH (FLAGS (\\Seen) BODY[TEXT] {42}\r\nfirst body line\r\nsecond line with needle\r\n)")
	c.cmd("BAD", "FETCH 9 (FLAGS)")
	if u := c.ok("UID FETCH 9:10 (FLAGS)"); len(u) != 0 {
		t.Errorf("UID FETCH of UIDs that do not exist: %q", u)
	}
	// n:* includes the highest UID even when it is below n.
	has(t, c.ok("UID FETCH 7:* (FLAGS)"), "* 3 FETCH (UID 3 FLAGS ())")
}

func TestStoreMapsToMAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("SELECT INBOX")
	u := c.ok(`STORE 1 +FLAGS (\Seen \Flagged $Label1)`)
	has(t, u, `* 1 FETCH (FLAGS (\Seen \Flagged $Label1))`)
	u = c.ok(`UID STORE 2 FLAGS (\Answered Custom)`)
	has(t, u, `* 2 FETCH (UID 2 FLAGS (\Answered Custom))`)
	if u := c.ok(`STORE 3 +FLAGS.SILENT (\Deleted)`); len(u) != 0 {
		t.Errorf("STORE .SILENT answered %q", u)
	}
	// The session's own changes are not echoed back to it.
	if u := c.ok("NOOP"); len(u) != 0 {
		t.Errorf("own STORE echoed: %q", u)
	}
	c.ok("FETCH 1:3 (BODY[])") // sets \Seen on 2 and 3
	if u := c.ok("NOOP"); len(u) != 0 {
		t.Errorf("\\Seen set by FETCH echoed: %q", u)
	}
	// What Outlook sees: the read state, the follow-up flag, the last
	// verb, the categories.
	props := func(uid uint32, tags ...mapi.PropTag) mailbox.Props {
		t.Helper()
		msgs, err := mailbox.Do[[]mailbox.IMAPMessage](context.Background(), e.Stores, e.maildir, mailbox.IMAPLookup{FolderID: mapi.PrivateFIDInbox, UIDs: []uint32{uid}})
		if err != nil || len(msgs) != 1 {
			t.Fatalf("lookup %d: %v %v", uid, msgs, err)
		}
		p, err := mailbox.Do[mailbox.Props](context.Background(), e.Stores, e.maildir, mailbox.GetMessageProps{MessageID: msgs[0].MessageID, Tags: tags})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := props(1, mapi.PrMessageFlags, mapi.PrFlagStatus)
	if v, _ := p.Get(mapi.PrMessageFlags); v.(int32)&1 == 0 {
		t.Errorf("\\Seen did not mark the message read: %v", p)
	}
	if v, ok := p.Get(mapi.PrFlagStatus); !ok || v.(int32) != 2 {
		t.Errorf("\\Flagged did not set the follow-up flag: %v", p)
	}
	p = props(2, mapi.PrIconIndex)
	if v, ok := p.Get(mapi.PrIconIndex); !ok || v.(int32) != 0x105 {
		t.Errorf("\\Answered did not set the replied icon: %v", p)
	}
	// And the other way round: Outlook marks message 3 read.
	msgs, _ := mailbox.Do[[]mailbox.IMAPMessage](context.Background(), e.Stores, e.maildir, mailbox.IMAPLookup{FolderID: mapi.PrivateFIDInbox, UIDs: []uint32{3}})
	if _, err := e.Stores.Do(context.Background(), e.maildir, mailbox.SetReadState{MessageID: msgs[0].MessageID, Read: true}); err != nil {
		t.Fatal(err)
	}
	has(t, c.ok("NOOP"), `* 3 FETCH (UID 3 FLAGS (\Seen \Deleted))`)
	// EXPUNGE removes the \Deleted one.
	u = c.ok("EXPUNGE")
	has(t, u, "* 3 EXPUNGE")
	has(t, c.ok("SEARCH ALL"), "* SEARCH 1 2")
}

// A STORE is told to the other sessions once: not again when the change
// reaches the MAPI state (the flag journal, applied here by a MAPI read).
func TestStoreToldOnce(t *testing.T) {
	e := newEnv(t)
	a := e.login(t)
	b := e.login(t)
	a.ok("SELECT INBOX")
	b.ok("SELECT INBOX")
	a.ok(`STORE 1:2 +FLAGS.SILENT (\Flagged $Work)`)
	u := b.ok("NOOP")
	has(t, u, `* 1 FETCH (UID 1 FLAGS (\Flagged $Work))`)
	has(t, u, `* 2 FETCH (UID 2 FLAGS (\Flagged $Work))`)
	msgs, err := mailbox.Do[[]mailbox.IMAPMessage](context.Background(), e.Stores, e.maildir, mailbox.IMAPLookup{FolderID: mapi.PrivateFIDInbox, UIDs: []uint32{1}})
	if err != nil || len(msgs) != 1 {
		t.Fatalf("lookup: %v %v", msgs, err)
	}
	p, err := mailbox.Do[mailbox.Props](context.Background(), e.Stores, e.maildir, mailbox.GetMessageProps{MessageID: msgs[0].MessageID, Tags: []mapi.PropTag{mapi.PrFlagStatus}})
	if v, ok := p.Get(mapi.PrFlagStatus); err != nil || !ok || v.(int32) != 2 {
		t.Fatalf("MAPI state after the STORE: %v %v", p, err)
	}
	for _, c := range []*client{a, b} {
		if u := c.ok("NOOP"); len(u) != 0 {
			t.Errorf("told again: %q", u)
		}
	}
}

// COPY and MOVE right after a STORE carry the flags it set (the MAPI
// state has them before the copy is made), and so do SEARCH and STATUS.
func TestStoreThenCopyMove(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("CREATE Work")
	c.ok("SELECT INBOX")
	c.ok(`STORE 1:2 +FLAGS.SILENT (\Flagged Urgent)`)
	c.ok(`STORE 3 +FLAGS.SILENT (\Seen \Deleted)`)
	has(t, c.ok("SEARCH FLAGGED KEYWORD Urgent"), "* SEARCH 1 2")
	has(t, c.ok("SEARCH DELETED"), "* SEARCH 3")
	has(t, c.ok("STATUS INBOX (UNSEEN)"), "* STATUS INBOX (UNSEEN 2)")
	c.ok("COPY 1 Work")
	c.ok("MOVE 2 Work")
	c.ok("SELECT Work")
	u := c.ok("FETCH 1:2 (FLAGS)")
	has(t, u, `* 1 FETCH (FLAGS (\Flagged Urgent))`)
	has(t, u, `* 2 FETCH (FLAGS (\Flagged Urgent))`)
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("SELECT INBOX")
	c.ok(`STORE 2 +FLAGS (\Flagged)`)
	for _, tc := range []struct{ q, want string }{
		{"SEARCH ALL", "* SEARCH 1 2 3"},
		{"SEARCH FLAGGED", "* SEARCH 2"},
		{"SEARCH UNFLAGGED", "* SEARCH 1 3"},
		{"SEARCH BODY needle", "* SEARCH 1"},
		{"SEARCH TEXT \"part ONE\"", "* SEARCH 2"},
		{"SEARCH SUBJECT dréi", "* SEARCH 3"},
		{"SEARCH FROM example.com", "* SEARCH 3"},
		{"SEARCH HEADER Message-ID <2@example.net>", "* SEARCH 2"},
		{"SEARCH SENTBEFORE 3-Jan-2023", "* SEARCH 1"},
		{"SEARCH SENTSINCE 3-Jan-2023", "* SEARCH 2 3"},
		{"SEARCH OR FLAGGED BODY third", "* SEARCH 2 3"},
		{"SEARCH NOT BODY needle", "* SEARCH 2 3"},
		{"SEARCH LARGER 300", "* SEARCH 2"},
		{"SEARCH 2:3 UNSEEN", "* SEARCH 2 3"},
		{"UID SEARCH UID 2:*", "* SEARCH 2 3"},
		{"SEARCH CHARSET UTF-8 BODY needle", "* SEARCH 1"},
	} {
		u, _ := c.cmd("OK", tc.q)
		if len(u) != 1 || u[0] != tc.want {
			t.Errorf("%s: got %q, want %q", tc.q, u, tc.want)
		}
	}
	u := c.ok("SEARCH RETURN (MIN MAX COUNT) ALL")
	if len(u) != 1 || !strings.Contains(u[0], "MIN 1 MAX 3 COUNT 3") {
		t.Errorf("ESEARCH: %q", u)
	}
	_, st := c.cmd("NO", "SEARCH CHARSET KOI8-R BODY x")
	if !strings.Contains(st, "[BADCHARSET") {
		t.Errorf("unknown charset: %q", st)
	}
}

func TestAppendCopyMove(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("CREATE Work")
	msg := "From: me@example.org\r\nSubject: appended\r\n\r\nhello\r\n"
	_, st := c.cmd("OK", fmt.Sprintf(`APPEND Work (\Seen $Forwarded ProjectX) "15-Jun-2023 09:30:00 +0200" {%d+}`+"\r\n%s", len(msg), msg))
	workValidity := strings.Fields(strings.TrimPrefix(st, "OK [APPENDUID "))[0]
	if !strings.HasPrefix(st, "OK [APPENDUID ") || !strings.Contains(st, " 1]") {
		t.Fatalf("APPEND: %q", st)
	}
	c.ok("SELECT Work")
	u := c.ok("FETCH 1 (FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])")
	has(t, u, fmt.Sprintf("* 1 FETCH (FLAGS (\\Seen $Forwarded ProjectX) INTERNALDATE \"15-Jun-2023 07:30:00 +0000\" RFC822.SIZE %d BODY[] {%d}\r\n%s)", len(msg), len(msg), msg))
	if _, st := c.cmd("NO", "APPEND Nowhere {1+}\r\nx"); !strings.Contains(st, "[TRYCREATE]") {
		t.Errorf("APPEND to a missing folder: %q", st)
	}
	// COPY keeps the internal date and the keywords, and says where the
	// copies went.
	_, st = c.cmd("OK", "COPY 1 INBOX")
	if !strings.HasPrefix(st, fmt.Sprintf("OK [COPYUID %d 1 4]", mapi.PrivateFIDInbox)) {
		t.Errorf("COPY: %q", st)
	}
	c.ok("SELECT INBOX")
	u = c.ok("FETCH 4 (UID FLAGS INTERNALDATE)")
	has(t, u, `* 4 FETCH (UID 4 FLAGS (\Seen $Forwarded ProjectX) INTERNALDATE "15-Jun-2023 07:30:00 +0000")`)
	// MOVE: COPYUID, then EXPUNGE of the moved ones.
	c.ok(`STORE 1 +FLAGS (Kw2)`)
	u, _ = c.cmd("OK", "MOVE 1:2 Work")
	has(t, u, fmt.Sprintf("* OK [COPYUID %s 1:2 2:3] COPY completed", workValidity))
	has(t, u, "* 2 EXPUNGE")
	has(t, u, "* 1 EXPUNGE")
	u = c.ok("UID FETCH 1:* (FLAGS)")
	if len(u) != 2 {
		t.Errorf("after MOVE, INBOX: %q", u)
	}
	c.ok("SELECT Work")
	has(t, c.ok("UID FETCH 2 (FLAGS)"), "* 2 FETCH (UID 2 FLAGS (Kw2))")
	// After a rename the new name takes APPENDs, into the same folder,
	// and the old one is gone.
	c.ok("RENAME Work Play")
	if _, st := c.cmd("OK", "APPEND Play {7+}\r\n\r\nhello"); st != fmt.Sprintf("OK [APPENDUID %s 4] APPEND completed", workValidity) {
		t.Errorf("APPEND after RENAME: %q", st)
	}
	if _, st := c.cmd("NO", "APPEND Work {7+}\r\n\r\nhello"); !strings.Contains(st, "[TRYCREATE]") {
		t.Errorf("APPEND to the old name: %q", st)
	}
	// INBOX is found in any case; APPENDUID names the next UID (4 went
	// to the COPY).
	if _, st := c.cmd("OK", "APPEND inbox {7+}\r\n\r\nhello"); st != fmt.Sprintf("OK [APPENDUID %d 5] APPEND completed", mapi.PrivateFIDInbox) {
		t.Errorf("APPEND inbox: %q", st)
	}
}

// TestLiveUpdates: a session sees what other sessions, other protocols
// and delivery change, at its next command and at once during IDLE.
func TestLiveUpdates(t *testing.T) {
	e := newEnv(t)
	a := e.login(t)
	b := e.login(t)
	a.ok("SELECT INBOX")
	b.ok("SELECT INBOX")
	// Delivery: EXISTS at the next command.
	e.deliver(t, "Subject: four\r\n\r\nfour\r\n")
	has(t, a.ok("NOOP"), "* 4 EXISTS")
	// IDLE: at once.
	b.send("i1 IDLE\r\n")
	if l := b.line(); !strings.HasPrefix(l, "+ ") {
		t.Fatalf("IDLE: %q", l)
	}
	if l := b.line(); l != "* 4 EXISTS" {
		t.Fatalf("IDLE after a delivery: %q", l)
	}
	a.ok(`STORE 2 +FLAGS (\Flagged)`)
	if l := b.line(); l != `* 2 FETCH (UID 2 FLAGS (\Flagged))` {
		t.Fatalf("IDLE after STORE in another session: %q", l)
	}
	a.ok(`STORE 1 +FLAGS.SILENT (\Deleted)`)
	if l := b.line(); l != `* 1 FETCH (UID 1 FLAGS (\Deleted))` {
		t.Fatalf("IDLE after STORE \\Deleted: %q", l)
	}
	has(t, a.ok("EXPUNGE"), "* 1 EXPUNGE")
	if l := b.line(); l != "* 1 EXPUNGE" {
		t.Fatalf("IDLE after EXPUNGE: %q", l)
	}
	b.send("DONE\r\n")
	if l := b.line(); !strings.HasPrefix(l, "i1 OK") {
		t.Fatalf("DONE: %q", l)
	}
	// A FETCH by sequence number does not see EXPUNGE; UID FETCH does.
	a.ok("UID STORE 3 +FLAGS.SILENT (\\Deleted)")
	a.ok("EXPUNGE")
	u := b.ok("FETCH 1:* (FLAGS)")
	for _, l := range u {
		if strings.HasSuffix(l, "EXPUNGE") {
			t.Errorf("EXPUNGE during FETCH: %q", u)
		}
	}
	has(t, b.ok("NOOP"), "* 2 EXPUNGE")
	// UIDs are never reused and UIDVALIDITY stays.
	e.deliver(t, "Subject: five\r\n\r\nfive\r\n")
	has(t, b.ok("NOOP"), "* 3 EXISTS")
	has(t, b.ok("FETCH 3 (UID)"), "* 3 FETCH (UID 5)")
}

// TestPanicEndsOneSession: a panic while serving one client ends that
// session only.
func TestPanicEndsOneSession(t *testing.T) {
	e := newEnv(t)
	var boom atomic.Bool
	e.srv.testHook = func(cmd string) {
		if cmd == "STATUS" && boom.CompareAndSwap(true, false) {
			panic("test panic")
		}
	}
	a := e.login(t)
	b := e.login(t)
	b.ok("SELECT INBOX")
	boom.Store(true)
	a.tag++
	a.send("x1 STATUS INBOX (MESSAGES)\r\n")
	a.nc.SetReadDeadline(time.Now().Add(20 * time.Second))
	rest, _ := io.ReadAll(a.r)
	if strings.Contains(string(rest), "x1 OK") {
		t.Errorf("the panicking session answered OK: %q", rest)
	}
	has(t, b.ok("FETCH 1:* (FLAGS)"), "* 3 FETCH (FLAGS ())")
	c := e.login(t)
	c.ok("STATUS INBOX (MESSAGES)")
}

func TestSearchRes(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("SELECT INBOX")
	c.ok("ENABLE IMAP4rev2")
	// SAVE alone answers nothing but OK (RFC 9051 6.4.4); with another
	// result option, that option's ESEARCH.
	for _, cmd := range []string{"SEARCH RETURN (SAVE) FROM sender", "UID SEARCH RETURN (save) FROM sender"} {
		if u := c.ok(cmd); len(u) != 0 {
			t.Fatalf("%s: %q", cmd, u)
		}
	}
	has(t, c.ok("SEARCH RETURN (SAVE COUNT) FROM sender"), "* ESEARCH (TAG \"t6\") COUNT 2")
	has(t, c.ok("FETCH $ (UID)"), "* 2 FETCH (UID 2)")
	has(t, c.ok("UID SEARCH UID $ SUBJECT two"), "* ESEARCH (TAG \"t8\") UID ALL 2")
}

func TestTLS(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ForceTLS = true })
	// Plain: STARTTLS offered, logins refused until TLS.
	c := e.dial(t)
	u := c.ok("CAPABILITY")
	if !strings.Contains(u[0], "STARTTLS") || !strings.Contains(u[0], "LOGINDISABLED") {
		t.Errorf("capabilities before STARTTLS with forced TLS: %q", u)
	}
	c.cmd("NO", `LOGIN alice@example.org "secret pw"`)
	c.cmd("NO", "AUTHENTICATE PLAIN AGFsaWNlQGV4YW1wbGUub3JnAHNlY3JldCBwdw==")
	c.startTLS(e.tls)
	if caps := c.ok("CAPABILITY")[0]; strings.Contains(caps, "LOGINDISABLED") || !strings.Contains(caps, "AUTH=PLAIN") {
		t.Errorf("capabilities after STARTTLS with forced TLS: %q", caps)
	}
	c.ok(`LOGIN alice@example.org "secret pw"`)
	has(t, c.ok("SELECT INBOX"), "* 3 EXISTS")
	// Implicit TLS.
	c2 := e.dialTLS(t)
	c2.ok(`LOGIN alice@example.org "secret pw"`)
}

// writeMAPIMessage puts a message made through MAPI, without an RFC 5322
// original, into the Inbox: subject "made in Outlook", body "typed body".
func (e *env) writeMAPIMessage(t testing.TB) {
	t.Helper()
	mc := &mailbox.MessageContent{Props: mailbox.Props{
		{Tag: mapi.PrSubject, Value: "made in Outlook"},
		{Tag: mapi.PrBody, Value: "typed body"},
		{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
	}}
	if _, err := e.Stores.Do(context.Background(), e.maildir, mailbox.WriteMessage{FolderID: mapi.PrivateFIDInbox, Content: mc}); err != nil {
		t.Fatal(err)
	}
}

// TestMAPIMessage: a message made through MAPI (no RFC 5322 original) is
// converted once and served the same way every time.
func TestMAPIMessage(t *testing.T) {
	e := newEnv(t)
	e.writeMAPIMessage(t)
	c := e.login(t)
	c.ok("SELECT INBOX")
	u := c.ok("FETCH 4 (RFC822.SIZE BODY.PEEK[])")
	if len(u) != 1 || !strings.Contains(u[0], "Subject: made in Outlook") || !strings.Contains(u[0], "typed body") {
		t.Fatalf("MAPI message over IMAP: %q", u)
	}
	size := between(u[0], "RFC822.SIZE ", " ")
	if !strings.Contains(u[0], "BODY[] {"+size+"}") {
		t.Errorf("RFC822.SIZE %s does not match BODY[]: %q", size, u[0])
	}
	again := c.ok("FETCH 4 (RFC822.SIZE BODY.PEEK[])")
	if again[0] != u[0] {
		t.Errorf("second FETCH differs:\n%q\n%q", u[0], again[0])
	}
	c.ok("FETCH 4 (BODYSTRUCTURE ENVELOPE)")
}

// TestUIDValidityAcrossUnload: closing and reopening the store (as
// passivation and restarts do) keeps UIDVALIDITY and UIDs.
func TestUIDValidityAcrossUnload(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	u1 := c.ok("SELECT INBOX")
	f1 := c.ok("UID FETCH 1:* (UID)")
	c.ok("LOGOUT")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Stores.Unload(ctx, e.maildir); err != nil {
		t.Fatal(err)
	}
	c = e.login(t)
	u2 := c.ok("SELECT INBOX")
	f2 := c.ok("UID FETCH 1:* (UID)")
	if fmt.Sprint(u1) != fmt.Sprint(u2) || fmt.Sprint(f1) != fmt.Sprint(f2) {
		t.Errorf("before unload %q %q, after %q %q", u1, f1, u2, f2)
	}
}

// TestVanishingClients: hundreds of connections abandoned in every state
// leave no goroutine and no session actor behind.
func TestVanishingClients(t *testing.T) {
	e := newEnv(t)
	c := e.login(t) // warm up
	c.ok("LOGOUT")
	base := prototest.Goroutines()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for i := 0; i < 300; i++ {
		nc, err := net.DialTimeout("tcp", e.addr, 10*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		switch i % 6 {
		case 0: // gone at once
		case 1: // half a command
			nc.Write([]byte("a1 LOGIN alice@exa"))
		case 2: // logged in, selected, fetching, gone
			nc.Write([]byte("a1 LOGIN alice@example.org \"secret pw\"\r\na2 SELECT INBOX\r\na3 FETCH 1:* (BODY[])\r\n"))
		case 3: // a huge literal announced and never sent
			nc.Write([]byte("a1 LOGIN alice@example.org \"secret pw\"\r\na2 APPEND INBOX {50000000}\r\n"))
		case 4: // a 1 MiB command line
			nc.Write(bytes.Repeat([]byte("x"), 1<<20))
		case 5: // IDLE, gone
			nc.Write([]byte("a1 LOGIN alice@example.org \"secret pw\"\r\na2 SELECT INBOX\r\na3 IDLE\r\n"))
		}
		time.Sleep(time.Millisecond)
		nc.Close()
	}
	prototest.WaitSessionsGone(t, e.Sys, "imap-session", base, 30*time.Second)
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	if grown := int64(ms1.HeapInuse) - int64(ms0.HeapInuse); grown > 16<<20 {
		t.Errorf("heap grew by %d bytes after the connections ended", grown)
	}
	c = e.login(t) // the server goes on
	c.ok("SELECT INBOX")
}

func TestMalformedInput(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.cmd("BAD", "FETCH")
	c.cmd("BAD", "SELECT")
	c.cmd("BAD", "NOSUCHCOMMAND x")
	c.cmd("NO", `SELECT "../.."`)
	c.cmd("NO", `CREATE "/a"`)
	c.ok(`CREATE "../.."`) // a folder may be called that; it is a name, not a path
	has(t, c.ok(`LIST "" "../*"`), `* LIST (\HasNoChildren) "/" "../.."`)
	// Quoted names are unescaped (upstream 3.10 kept the backslashes).
	c.ok(`CREATE "say \"hi\" \\ bye"`)
	has(t, c.ok(`LIST "" "say*"`), `* LIST (\HasNoChildren) "/" "say \"hi\" \\ bye"`)
	c.ok(`SELECT {14+}` + "\r\n" + `say "hi" \ bye`)
	c.cmd("BAD", "FETCH 1 (BODY[")
	// Invalid UTF-8 in a quoted string.
	c.cmd("BAD", "SELECT \"\xff\xfe\"") // go-imap's parser rejects it
	c.ok("NOOP")
}

// TestRefusedLiteralNotRun: a command go-imap answers before reading its
// LITERAL+ literal (an APPEND over APPENDLIMIT, or with a date that is no
// date) has the literal dropped: its lines never run as commands, and the
// session goes on. So does it after an empty line.
func TestRefusedLiteralNotRun(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AppendLimit = 200 })
	c := e.login(t)
	injected := "x1 CREATE injected\r\nx2 DELETE INBOX\r\n"
	big := injected + strings.Repeat("z", 300-len(injected))
	c.send("a1 APPEND INBOX {300+}\r\n" + big + "\r\n")
	if l := c.line(); !strings.HasPrefix(l, "a1 NO [TOOBIG]") {
		t.Fatalf("APPEND over APPENDLIMIT: %q", l)
	}
	c.ok("NOOP")
	// go-imap's parser rejects the date before the literal: BAD (not its
	// NO [SERVERBUG], see TestParseErrorsAreBad), the literal dropped.
	for _, cmd := range []string{
		`APPEND INBOX "31-Feb-2021 08:09:10 +0200" {40+}` + "\r\n" + injected + "\r\n",
		`APPEND "INBOX" (\Seen) "1-Jan-2021 25:00:00 +0000" {40+}` + "\r\n" + injected + "\r\n",
		`APPEND INBOX "31-Feb-2021 08:09:10 +0200" {40}`, // synchronizing: not sent
	} {
		c.send("a2 " + cmd + "\r\n")
		if l := c.line(); !strings.HasPrefix(l, "a2 BAD [CLIENTBUG]") {
			t.Fatalf("%q: %q", cmd, l)
		}
		c.ok("NOOP")
	}
	c.send("\r\n")
	if l := c.line(); l != "* BAD [CLIENTBUG] empty command line" {
		t.Fatalf("empty line: %q", l)
	}
	if u := c.ok(`LIST "" "inj*"`); len(u) != 0 {
		t.Fatalf("a literal's line ran as a command: %q", u)
	}
	c.ok("SELECT INBOX")
	// IDLE still gets its updates at once (the refused synchronizing
	// literal left no wait for a "+" behind).
	c.idle()
	e.deliver(t, raw1)
	if l := c.line(); !strings.HasSuffix(l, " EXISTS") {
		t.Fatalf("IDLE after the refused APPENDs: %q", l)
	}
	c.done()
	// A valid date still goes through, as does a message within the limit.
	if _, st := c.cmd("OK", `APPEND INBOX " 1-Mar-2021 08:09:10 +0200" {14+}`+"\r\nSubject: x\r\n\r\n"); !strings.HasPrefix(st, "OK [APPENDUID") {
		t.Fatalf("APPEND with a valid date: %q", st)
	}
}

// TestUnreadableLines: after login, a line without a tag or command name
// gets a BAD and the session goes on (go-imap alone would end it); before
// login the connection ends, as go-imap has it.
func TestUnreadableLines(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	for line, want := range map[string]string{
		"(garbage)":      "* BAD [CLIENTBUG] no command tag",
		"\x01a NOOP":     "* BAD [CLIENTBUG] no command tag",
		"a1":             "a1 BAD [CLIENTBUG] no command name",
		"a2 (x)":         "a2 BAD [CLIENTBUG] no command name",
		"a3 UID":         "a3 BAD [CLIENTBUG] no command name",
		"a4 UID (FETCH)": "a4 BAD [CLIENTBUG] no command name",
	} {
		c.send(line + "\r\n")
		if l := c.line(); l != want {
			t.Errorf("%q: %q, want %q", line, l, want)
		}
		c.ok("NOOP")
	}
	c.ok("SELECT INBOX")
	c.ok("UID FETCH 1:* (FLAGS)")

	d := e.dial(t)
	d.send("(garbage)\r\n")
	d.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	if b, err := io.ReadAll(d.r); err != nil || len(b) != 0 {
		t.Errorf("before login: %q, %v; want the connection closed", b, err)
	}
}

// TestParseErrorsAreBad: what go-imap's parser rejects without calling it
// a syntax error (it answers NO [SERVERBUG]) goes out as BAD [CLIENTBUG],
// and the session goes on.
func TestParseErrorsAreBad(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("SELECT INBOX")
	for _, cmd := range []string{"FETCH 0 (FLAGS)", "UID FETCH 0:3 (FLAGS)", `STORE 0 +FLAGS (\Seen)`, "COPY 0 INBOX",
		"SEARCH 0", "SEARCH SINCE 31-Feb-2021", "SEARCH BOGUSKEY x", "SEARCH UID 0", `SELECT "&Jjo"`, `CREATE "&Jjo"`} {
		if _, st := c.cmd("BAD", cmd); !strings.HasPrefix(st, "BAD [CLIENTBUG]") {
			t.Errorf("%s: %q", cmd, st)
		}
	}
	c.ok("NOOP")
}

// TestServerErrorStaysServerBug: go-imap's NO [SERVERBUG] to a command it
// handed to the session (a server error) goes out as it is.
func TestServerErrorStaysServerBug(t *testing.T) {
	for _, called := range []bool{false, true} {
		var out bytes.Buffer
		c := newIDConn(&memConn{in: []byte("a FETCH 1 (FLAGS)\r\n"), size: func(int) int { return 4096 }, out: &out}, nil, "v", nil, false)
		buf := make([]byte, 4096)
		if n, _ := c.Read(buf); string(buf[:n]) != "a FETCH 1 (FLAGS)\r\n" {
			t.Fatalf("read %q", buf[:n])
		}
		c.sessionCalled.Store(called)
		c.Write([]byte("a NO [SERVERBUG] Internal server error\r\n"))
		want := "a BAD [CLIENTBUG] invalid command arguments\r\n"
		if called {
			want = "a NO [SERVERBUG] Internal server error\r\n"
		}
		if out.String() != want {
			t.Errorf("session called %v: %q, want %q", called, out.String(), want)
		}
	}
}

// TestOverlongCommand: a 1 MiB command line gets an error or a clean
// disconnect at once, never a hung session.
func TestOverlongCommand(t *testing.T) {
	e := newEnv(t)
	for _, cmd := range []string{"a1 NOOP ", "a1 SELECT ", "a1 LOGIN "} {
		c := e.dial(t)
		if cmd != "a1 LOGIN " {
			c.ok(`LOGIN alice@example.org "secret pw"`)
		}
		c.send(cmd + strings.Repeat("x", 1<<20) + "\r\n")
		c.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := io.ReadAll(c.r)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("%s<1 MiB>: session hung (got %q)", cmd, b)
		}
		// go-imap answers BAD, or NO for a line past its 50 KiB limit.
		if len(b) > 0 && !strings.Contains(string(b), "a1 BAD") && !strings.Contains(string(b), "a1 NO") && !strings.Contains(string(b), "BYE") {
			t.Errorf("%s<1 MiB>: %q", cmd, b)
		}
	}
	e.login(t).ok("SELECT INBOX")
}

// TestSummaryCache: ENVELOPE, BODYSTRUCTURE and RFC822.SIZE answered from
// the shared cache are the same as computed from the file, whichever of
// them came first, in this session or another.
func TestSummaryCache(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("EXAMINE INBOX")
	env := c.ok("FETCH 1:3 (ENVELOPE)")
	size := c.ok("FETCH 1:3 (RFC822.SIZE)")
	all := c.ok("FETCH 1:3 (ENVELOPE BODYSTRUCTURE RFC822.SIZE)")
	again := c.ok("FETCH 1:3 (ENVELOPE BODYSTRUCTURE RFC822.SIZE)")
	if fmt.Sprint(all) != fmt.Sprint(again) {
		t.Errorf("from the cache:\n%q\n%q", all, again)
	}
	has(t, size, fmt.Sprintf("* 2 FETCH (RFC822.SIZE %d)", len(raw2)))
	if !strings.Contains(all[1], fmt.Sprintf("RFC822.SIZE %d", len(raw2))) || !strings.Contains(all[1], `"boundary" "b1"`) {
		t.Errorf("FETCH from the cache: %q", all[1])
	}
	if !strings.Contains(all[0], strings.TrimSuffix(strings.TrimPrefix(env[0], "* 1 FETCH ("), ")")) {
		t.Errorf("ENVELOPE differs: %q vs %q", env[0], all[0])
	}
	d := e.login(t)
	d.ok("EXAMINE INBOX")
	if other := d.ok("FETCH 1:3 (ENVELOPE BODYSTRUCTURE RFC822.SIZE)"); fmt.Sprint(other) != fmt.Sprint(all) {
		t.Errorf("another session:\n%q\n%q", other, all)
	}
}
