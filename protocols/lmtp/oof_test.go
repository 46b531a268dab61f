package lmtp

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/outbound"
	"go.uber.org/zap"
)

// oofRelay is the MTA the replies go to: an in-process SMTP server.
type oofRelay struct {
	mu   sync.Mutex
	msgs []oofRelayed
}

type oofRelayed struct {
	from string
	to   []string
	data []byte
}

type oofRelaySession struct {
	r   *oofRelay
	cur oofRelayed
}

func (s *oofRelaySession) Reset()        { s.cur = oofRelayed{} }
func (s *oofRelaySession) Logout() error { return nil }
func (s *oofRelaySession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur.from = from
	return nil
}
func (s *oofRelaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}
func (s *oofRelaySession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data = b
	s.r.mu.Lock()
	s.r.msgs = append(s.r.msgs, s.cur)
	s.r.mu.Unlock()
	return nil
}

func (r *oofRelay) take() []oofRelayed {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.msgs
	r.msgs = nil
	return m
}

type oofEnv struct {
	srv   *Server
	out   outbound.Sender
	relay *oofRelay
	alice target // the user who is away
}

func newOOFEnv(t *testing.T) *oofEnv {
	t.Helper()
	tmp := t.TempDir()
	db, err := directory.OpenSQLite(filepath.Join(tmp, "userdb.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	for _, d := range []string{"example.org", "sister.example"} {
		if _, err := db.AddDomain(ctx, directory.NewDomain{Name: d, OrgID: 1}); err != nil {
			t.Fatal(err)
		}
	}
	e := &oofEnv{relay: &oofRelay{}}
	for i, u := range []string{"alice@example.org", "bob@example.org", "carol@sister.example"} {
		dir := filepath.Join(tmp, u)
		if _, err := db.AddUser(ctx, directory.NewUser{Username: u, Password: "x", Maildir: dir, DisplayName: "User " + u[:1]}); err != nil {
			t.Fatal(err)
		}
		if err := mailbox.CreatePrivate(dir, mailbox.PrivateParams{UserID: uint32(i + 1), Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			e.alice = target{username: u, maildir: dir}
		}
	}
	if err := db.AddAlias(ctx, "a.smith@example.org", "alice@example.org"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddList(ctx, "team@example.org", directory.ListNormal, directory.ListPrivAll,
		[]string{"alice@example.org", "bob@example.org"}); err != nil {
		t.Fatal(err)
	}
	sys := actors.NewSystem(zap.NewNop(), nil)
	stores := mailbox.NewRegistry(sys, zap.NewNop(), mailbox.Options{})
	e.srv = New(Config{Hostname: "mx.example.org", Protocol: ProtocolLMTP, RecipientDelimiter: "+"},
		sys, spawner{sys}, db, stores, mailbox.ImportRFC5322, zap.NewNop())

	rs := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &oofRelaySession{r: e.relay}, nil }))
	rs.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go rs.Serve(ln)
	if e.out, err = outbound.New("smtp://" + ln.Addr().String()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stores.Shutdown(ctx)
		sys.Shutdown()
	})
	return e
}

func (e *oofEnv) setOOF(t *testing.T, o mailbox.OOFSettings) {
	t.Helper()
	if _, err := e.srv.stores.Do(context.Background(), e.alice.maildir, mailbox.SetOOF{Settings: o}); err != nil {
		t.Fatal(err)
	}
}

// deliver stores raw in alice's mailbox (as the session does) and then
// runs the auto-reply; it returns the replies the relay received.
func (e *oofEnv) deliver(t *testing.T, envFrom, raw string) []oofRelayed {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	content, err := mailbox.ImportRFC5322([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.stores.Do(ctx, e.alice.maildir, mailbox.Deliver{Raw: []byte(raw), Content: content}); err != nil {
		t.Fatal(err)
	}
	sent, err := e.srv.autoReply(ctx, e.out, 24*time.Hour, envFrom, e.alice, []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := e.relay.take()
	if sent != (len(got) == 1) || len(got) > 1 {
		t.Fatalf("autoReply said %v, relay got %d messages", sent, len(got))
	}
	return got
}

func oofMsg(from, to string, extra ...string) string {
	h := "From: " + from + "\r\nTo: " + to + "\r\nSubject: Quarterly =?utf-8?q?numbers_=E2=82=AC?=\r\n" +
		"Message-ID: <orig-1@example.net>\r\nReferences: <root@example.net>\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
	for _, x := range extra {
		h += x + "\r\n"
	}
	return h + "\r\nHello Alice\r\n"
}

func TestOOFReplyToInternalSender(t *testing.T) {
	e := newOOFEnv(t)
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, InternalBody: "<p>I am away until Monday.</p>"})
	got := e.deliver(t, "bob@example.org", oofMsg("bob@example.org", "Alice <alice@example.org>"))
	if len(got) != 1 {
		t.Fatal("no reply to an internal sender with OOF on")
	}
	r := got[0]
	if r.from != "alice@example.org" || len(r.to) != 1 || r.to[0] != "bob@example.org" {
		t.Fatalf("envelope %q → %q", r.from, r.to)
	}
	m, err := mail.ReadMessage(bytes.NewReader(r.data))
	if err != nil {
		t.Fatal(err)
	}
	var dec mimeDecoder
	checks := map[string]string{
		"From":                     `"User a" <alice@example.org>`,
		"To":                       "<bob@example.org>",
		"Subject":                  "Automatic reply: Quarterly numbers €",
		"In-Reply-To":              "<orig-1@example.net>",
		"References":               "<root@example.net> <orig-1@example.net>",
		"Auto-Submitted":           "auto-replied",
		"X-Auto-Response-Suppress": "All",
	}
	for k, want := range checks {
		if got := dec.header(m.Header.Get(k)); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	body, _ := io.ReadAll(m.Body)
	if !strings.Contains(string(body), "I am away until Monday.") {
		t.Errorf("body %q", body)
	}
	if !strings.HasPrefix(m.Header.Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type %q", m.Header.Get("Content-Type"))
	}
}

func TestOOFSubjectFromReplyText(t *testing.T) {
	e := newOOFEnv(t)
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, InternalSubject: "Out – back Monday", InternalBody: "away"})
	got := e.deliver(t, "bob@example.org", oofMsg("bob@example.org", "alice@example.org"))
	if len(got) != 1 {
		t.Fatal("no reply")
	}
	m, _ := mail.ReadMessage(bytes.NewReader(got[0].data))
	var dec mimeDecoder
	if s := dec.header(m.Header.Get("Subject")); s != "Out – back Monday" {
		t.Fatalf("subject %q", s)
	}
}

func TestOOFOffAndSchedule(t *testing.T) {
	e := newOOFEnv(t)
	msg := oofMsg("bob@example.org", "alice@example.org")
	if got := e.deliver(t, "bob@example.org", msg); len(got) != 0 {
		t.Fatal("reply with OOF off")
	}
	now := time.Now()
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFScheduled, Start: now.Add(time.Hour), End: now.Add(2 * time.Hour), InternalBody: "x"})
	if got := e.deliver(t, "bob@example.org", msg); len(got) != 0 {
		t.Fatal("reply before the scheduled window")
	}
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFScheduled, Start: now.Add(-2 * time.Hour), End: now.Add(-time.Hour), InternalBody: "x"})
	if got := e.deliver(t, "bob@example.org", msg); len(got) != 0 {
		t.Fatal("reply after the scheduled window")
	}
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFScheduled, Start: now.Add(-time.Hour), End: now.Add(time.Hour), InternalBody: "x"})
	if got := e.deliver(t, "bob@example.org", msg); len(got) != 1 {
		t.Fatal("no reply inside the scheduled window")
	}
}

func TestOOFExternalAudience(t *testing.T) {
	e := newOOFEnv(t)
	ext := oofMsg("stranger@elsewhere.example", "alice@example.org")
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, InternalBody: "internal text", ExternalBody: "external text"})
	if got := e.deliver(t, "stranger@elsewhere.example", ext); len(got) != 0 {
		t.Fatal("reply to an external sender without ALLOW_EXTERNAL_OOF")
	}
	// Another domain of the same organisation is internal.
	got := e.deliver(t, "carol@sister.example", oofMsg("carol@sister.example", "alice@example.org"))
	if len(got) != 1 || !bytes.Contains(got[0].data, []byte("internal text")) {
		t.Fatalf("same-organisation sender: %d replies", len(got))
	}
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, AllowExternal: true, ExternalKnownOnly: true, ExternalBody: "external text"})
	if got := e.deliver(t, "stranger@elsewhere.example", ext); len(got) != 0 {
		t.Fatal("reply to an unknown external sender with a contacts-only audience")
	}
	// A contact in alice's Contacts folder (PidLidEmail2EmailAddress) is
	// known, whatever the case of the address.
	_, err := e.srv.stores.Do(context.Background(), e.alice.maildir, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		ids, err := tx.NamedPropIDs([]mapi.PropName{mapi.NameByLID(mapi.PSETIDAddress, 0x8093)}, true)
		if err != nil {
			return nil, err
		}
		_, _, err = tx.WriteMessage(mapi.PrivateFIDContacts, &mailbox.MessageContent{Props: mailbox.Props{
			{Tag: mapi.PrMessageClass, Value: "IPM.Contact"},
			{Tag: mapi.PrDisplayName, Value: "Known Friend"},
			{Tag: mapi.PropTag(uint32(ids[0])<<16 | uint32(mapi.PtUnicode)), Value: "Friend@Elsewhere.example"},
		}})
		return nil, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	got = e.deliver(t, "friend@elsewhere.example", oofMsg("friend@elsewhere.example", "alice@example.org"))
	if len(got) != 1 || !bytes.Contains(got[0].data, []byte("external text")) {
		t.Fatalf("known contact with a contacts-only audience: %d replies", len(got))
	}
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, AllowExternal: true, InternalBody: "internal text", ExternalBody: "external text"})
	got = e.deliver(t, "stranger@elsewhere.example", ext)
	if len(got) != 1 || !bytes.Contains(got[0].data, []byte("external text")) || bytes.Contains(got[0].data, []byte("internal text")) {
		t.Fatalf("allowed external sender: %d replies", len(got))
	}
}

func TestOOFOncePerSilenceWindow(t *testing.T) {
	e := newOOFEnv(t)
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, InternalBody: "x"})
	msg := oofMsg("bob@example.org", "alice@example.org")
	if got := e.deliver(t, "bob@example.org", msg); len(got) != 1 {
		t.Fatal("no first reply")
	}
	if got := e.deliver(t, "BOB@example.org", msg); len(got) != 0 {
		t.Fatal("second reply to the same sender inside the silence window")
	}
	if got := e.deliver(t, "carol@sister.example", oofMsg("carol@sister.example", "alice@example.org")); len(got) != 1 {
		t.Fatal("other sender got no reply")
	}
	// The window passed (the stored time moved back a day).
	_, err := e.srv.stores.Do(context.Background(), e.alice.maildir, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return nil, tx.SetAutoReplyLast("bob@example.org", time.Now().Add(-25*time.Hour))
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.deliver(t, "bob@example.org", msg); len(got) != 1 {
		t.Fatal("no reply after the silence window")
	}
}

func TestOOFSuppressed(t *testing.T) {
	e := newOOFEnv(t)
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, AllowExternal: true, InternalBody: "x", ExternalBody: "x"})
	cases := []struct {
		name, from, msg string
	}{
		{"null sender", "", oofMsg("mailer@example.net", "alice@example.org")},
		{"null sender <>", "<>", oofMsg("mailer@example.net", "alice@example.org")},
		{"mailer-daemon", "MAILER-DAEMON@example.net", oofMsg("x@example.net", "alice@example.org")},
		{"list -request", "news-request@example.net", oofMsg("x@example.net", "alice@example.org")},
		{"Precedence bulk", "p1@example.net", oofMsg("p1@example.net", "alice@example.org", "Precedence: bulk")},
		{"Precedence list", "p2@example.net", oofMsg("p2@example.net", "alice@example.org", "Precedence: list")},
		{"Precedence junk", "p3@example.net", oofMsg("p3@example.net", "alice@example.org", "Precedence: junk")},
		{"List-Id", "l1@example.net", oofMsg("l1@example.net", "alice@example.org", "List-Id: <dev.lists.example.net>")},
		{"List-Unsubscribe", "l2@example.net", oofMsg("l2@example.net", "alice@example.org", "List-Unsubscribe: <mailto:u@example.net>")},
		{"Auto-Submitted auto-replied", "a1@example.net", oofMsg("a1@example.net", "alice@example.org", "Auto-Submitted: auto-replied")},
		{"Auto-Submitted auto-generated", "a2@example.net", oofMsg("a2@example.net", "alice@example.org", "Auto-Submitted: auto-generated")},
		{"X-Auto-Response-Suppress OOF", "x1@example.net", oofMsg("x1@example.net", "alice@example.org", "X-Auto-Response-Suppress: DR, OOF")},
		{"X-Auto-Response-Suppress All", "x2@example.net", oofMsg("x2@example.net", "alice@example.org", "X-Auto-Response-Suppress: All")},
		{"not in To/Cc (via a list)", "n1@example.net", oofMsg("n1@example.net", "team@example.org")},
		{"not in To/Cc (undisclosed)", "n2@example.net", oofMsg("n2@example.net", "undisclosed-recipients:;")},
		{"recipient itself", "alice@example.org", oofMsg("alice@example.org", "alice@example.org")},
	}
	for _, c := range cases {
		if got := e.deliver(t, c.from, c.msg); len(got) != 0 {
			t.Errorf("%s: a reply was sent", c.name)
		}
	}
	// The controls: the same shapes that must get a reply.
	ok := []struct {
		name, from, msg string
	}{
		{"Auto-Submitted no", "a3@example.net", oofMsg("a3@example.net", "alice@example.org", "Auto-Submitted: no")},
		{"X-Auto-Response-Suppress DR", "x3@example.net", oofMsg("x3@example.net", "alice@example.org", "X-Auto-Response-Suppress: DR, RN")},
		{"in Cc by an alias", "c1@example.net", oofMsg("c1@example.net", "team@example.org", "Cc: Alice <a.smith@example.org>")},
		{"To with an extension", "c2@example.net", oofMsg("c2@example.net", "alice+work@example.org")},
	}
	for _, c := range ok {
		if got := e.deliver(t, c.from, c.msg); len(got) != 1 {
			t.Errorf("%s: no reply", c.name)
		}
	}
}

func TestOOFRelayDownGivesClaimBack(t *testing.T) {
	e := newOOFEnv(t)
	e.setOOF(t, mailbox.OOFSettings{State: mailbox.OOFOn, InternalBody: "x"})
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead, _ := outbound.New("smtp://" + ln.Addr().String())
	ln.Close()
	raw := oofMsg("bob@example.org", "alice@example.org")
	ctx := context.Background()
	if sent, err := e.srv.autoReply(ctx, dead, 24*time.Hour, "bob@example.org", e.alice, []byte(raw)); sent || err == nil {
		t.Fatalf("dead relay: sent=%v err=%v", sent, err)
	}
	if got := e.deliver(t, "bob@example.org", raw); len(got) != 1 {
		t.Fatal("no reply once the relay is back (the failed attempt used up the window)")
	}
}

// mimeDecoder decodes encoded words in a header value for comparisons.
type mimeDecoder struct{ d mime.WordDecoder }

func (m *mimeDecoder) header(v string) string {
	if s, err := m.d.DecodeHeader(v); err == nil {
		return s
	}
	return v
}
