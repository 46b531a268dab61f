package lmtp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

type env struct {
	addr   string
	stores *mailbox.Registry
	dirs   map[string]string
	db     *directory.DB
}

// spawner starts sessions as top-level actors (the protocol supervisor is
// tested in supervisor/).
type spawner struct{ sys *actors.System }

func (s spawner) StartSession(_ context.Context, p actors.Props) (*actors.PID, error) {
	return s.sys.Spawn(p), nil
}

func newEnv(t *testing.T, maxBytes int64, tune ...func(*Config)) *env {
	t.Helper()
	tmp := t.TempDir()
	db, err := directory.OpenSQLite(filepath.Join(tmp, "userdb.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.AddDomain(ctx, directory.NewDomain{Name: "example.org"}); err != nil {
		t.Fatal(err)
	}
	e := &env{dirs: map[string]string{}, db: db}
	for i, u := range []string{"alice@example.org", "bob@example.org"} {
		dir := filepath.Join(tmp, u)
		if _, err := db.AddUser(ctx, directory.NewUser{Username: u, Password: "x", Maildir: dir}); err != nil {
			t.Fatal(err)
		}
		if err := mailbox.CreatePrivate(dir, mailbox.PrivateParams{UserID: uint32(i + 1), Language: "en"}); err != nil {
			t.Fatal(err)
		}
		e.dirs[u] = dir
	}
	if err := db.AddList(ctx, "team@example.org", directory.ListNormal, directory.ListPrivAll,
		[]string{"alice@example.org", "bob@example.org", "outside@elsewhere.example"}); err != nil {
		t.Fatal(err)
	}
	sys := actors.NewSystem(zap.NewNop(), nil)
	e.stores = mailbox.NewRegistry(sys, zap.NewNop(), mailbox.Options{})
	cfg := Config{Hostname: "mx.example.org", Protocol: ProtocolLMTP, MaxMessageBytes: maxBytes, RecipientDelimiter: "+-"}
	for _, f := range tune {
		f(&cfg)
	}
	srv := New(cfg, sys, spawner{sys}, db, e.stores, mailbox.ImportRFC5322, zap.NewNop())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ln.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.stores.Shutdown(ctx)
		sys.Shutdown()
	})
	e.addr = ln.Addr().String()
	return e
}

func (e *env) client(t *testing.T) *smtp.Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", e.addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClientLMTP(conn)
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("mta.example.org"); err != nil {
		t.Fatal(err)
	}
	return c
}

// send runs one transaction and returns the per-recipient errors.
func send(t *testing.T, c *smtp.Client, rcpts []string, msg string) (smtp.LMTPDataError, error) {
	t.Helper()
	if err := c.Mail("sender@example.net", nil); err != nil {
		return nil, err
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return nil, err
		}
	}
	w, err := c.Data()
	if err != nil {
		return nil, err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return nil, err
	}
	_, err = w.CloseWithLMTPResponse()
	var le smtp.LMTPDataError
	if errors.As(err, &le) {
		return le, nil
	}
	return nil, err
}

func (e *env) inbox(t *testing.T, user string) []string {
	t.Helper()
	subjects, err := mailbox.Do[[]string](context.Background(), e.stores, e.dirs[user], mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		ids, err := tx.MessageIDs(mapi.PrivateFIDInbox, false)
		if err != nil {
			return nil, err
		}
		var out []string
		for _, id := range ids {
			p, err := tx.MessageProps(id, []mapi.PropTag{mapi.PrSubject})
			if err != nil {
				return nil, err
			}
			s, _ := p.Get(mapi.PrSubject)
			out = append(out, fmt.Sprint(s))
		}
		return out, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return subjects
}

func TestListExpansionAndDuplicates(t *testing.T) {
	e := newEnv(t, 0)
	c := e.client(t)
	// alice directly, through the list, and with an extension: one copy.
	errs, err := send(t, c, []string{"alice@example.org", "team@example.org", "alice-news@example.org"},
		"Subject: team news\r\n\r\nhello\r\n")
	if err != nil || len(errs) != 0 {
		t.Fatalf("delivery: %v %v", errs, err)
	}
	if got := e.inbox(t, "alice@example.org"); len(got) != 1 || got[0] != "team news" {
		t.Fatalf("alice's inbox %q", got)
	}
	if got := e.inbox(t, "bob@example.org"); len(got) != 1 {
		t.Fatalf("bob's inbox %q (list member)", got)
	}
}

// Damaged and hostile input is delivered as well as possible or refused
// with a clear code; the session goes on afterwards.
func TestBadInput(t *testing.T) {
	e := newEnv(t, 64<<10)
	c := e.client(t)
	cases := []struct {
		name, msg string
		refused   bool
	}{
		{"no headers", "just a body line\r\n", false},
		{"bare LF", "Subject: bare lf\nFrom: a@b\n\nbody\nmore\n", false},
		{"NUL bytes", "Subject: nul\r\n\r\nbo\x00dy\r\n", false},
		{"8-bit header", "Subject: Gr\xfc\xdfe raw latin1\r\n\r\nx\r\n", false},
		{"long line", "Subject: long\r\n\r\n" + strings.Repeat("x", 1900) + "\r\n", false},
		// Longer than go-smtp's limit for command lines.
		{"line of 20,000 bytes", "Subject: longer\r\n\r\n" + strings.Repeat("x", 20000) + "\r\n", false},
		{"broken boundary", "Subject: mime\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\npart one\r\n--zz\r\nContent-Type: text/plain\r\n\r\nunterminated", false},
		{"too big", "Subject: big\r\n\r\n" + strings.Repeat(strings.Repeat("y", 998)+"\r\n", 100), true},
	}
	delivered := 0
	for _, tc := range cases {
		errs, err := send(t, c, []string{"bob@example.org"}, tc.msg)
		if tc.refused {
			var se *smtp.SMTPError
			if err == nil && len(errs) == 0 {
				t.Errorf("%s: accepted", tc.name)
			} else if errors.As(err, &se) && se.Code != 552 {
				t.Errorf("%s: %v, want 552", tc.name, err)
			}
			// The connection may be closed after an oversized message:
			// continue on a new one.
			c = e.client(t)
			continue
		}
		if err != nil || len(errs) != 0 {
			t.Errorf("%s: %v %v", tc.name, errs, err)
			c = e.client(t)
			continue
		}
		delivered++
	}
	if got := e.inbox(t, "bob@example.org"); len(got) != delivered {
		t.Fatalf("bob has %d messages, %d acknowledged", len(got), delivered)
	}
	// Empty DATA gets a reply (upstream leaves the client waiting).
	if err := c.Mail("x@example.net", nil); err != nil {
		t.Fatal(err)
	}
	c.Rcpt("bob@example.org", nil)
	w, _ := c.Data()
	_, err := w.CloseWithLMTPResponse()
	var le smtp.LMTPDataError
	var se *smtp.SMTPError
	if !errors.As(err, &le) && !errors.As(err, &se) {
		t.Fatalf("empty DATA: %v, want a refusal", err)
	}
}

func TestStripExtension(t *testing.T) {
	for in, want := range map[string]string{
		"user+tag@example.org": "user@example.org",
		"user-a+b@example.org": "user@example.org",
		"+user@example.org":    "+user@example.org", // a leading delimiter is part of the name
		"user@example.org":     "user@example.org",
		"noatsign":             "noatsign",
	} {
		if got := stripExtension(in, "+-"); got != want {
			t.Errorf("stripExtension(%q) = %q, want %q", in, got, want)
		}
	}
	if got := stripExtension("user+tag@example.org", ""); got != "user+tag@example.org" {
		t.Errorf("no delimiter configured: %q", got)
	}
}
