package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// fakeStore is an LMTP server's mailbox: stored copies by Message-ID. A
// delivered message becomes visible after lag; the dupAt-th delivery (1-based;
// 0 for none) is stored twice, as a faulty server might.
type fakeStore struct {
	lag   time.Duration
	dupAt int

	mu        sync.Mutex
	delivered int
	stored    map[string]int
}

func (s *fakeStore) NewSession(*smtp.Conn) (smtp.Session, error) { return &fakeSession{store: s}, nil }

func (s *fakeStore) put(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delivered++
	n := 1
	if s.delivered == s.dupAt {
		n = 2
	}
	time.AfterFunc(s.lag, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.stored[normID(id)] += n
	})
}

// Count implements VisibleCounter over the fake's mailbox.
func (s *fakeStore) Count(ids []string) (int, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	found, dup := tally(ids, s.stored)
	return found, dup, nil
}

type fakeSession struct{ store *fakeStore }

func (*fakeSession) Reset()                               {}
func (*fakeSession) Logout() error                        { return nil }
func (*fakeSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*fakeSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to != "alice@example.test" {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	return nil
}

func (s *fakeSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, m.Body)
	if ids := m.Header["Message-Id"]; len(ids) != 1 {
		return &smtp.SMTPError{Code: 554, Message: fmt.Sprintf("%d Message-IDs", len(ids))}
	}
	s.store.put(m.Header.Get("Message-ID"))
	return nil
}

func startFake(t *testing.T, st *fakeStore) string {
	t.Helper()
	st.stored = map[string]int{}
	srv := smtp.NewServer(st)
	srv.LMTP = true
	srv.Domain = "fake.test"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

var testCorpus = [][]byte{
	[]byte("From: a@example.test\r\nMessage-ID: <orig@example.test>\r\nSubject: one\r\n\r\nbody\r\n"),
	[]byte("From: b@example.test\nMessage-Id:\n <folded@example.test>\nSubject: bare LF\n\nbody\n"),
	[]byte("From: c@example.test\r\nSubject: no id\r\n\r\n.leading dot\r\n"),
}

// TestRunLMTP: 40 messages over 4 connections all get a 250, each is
// stored exactly once, and the rate to visible counts the store's lag.
func TestRunLMTP(t *testing.T) {
	st := &fakeStore{lag: 200 * time.Millisecond}
	addr := startFake(t, st)
	ctx := context.Background()
	res, ids, err := RunLMTP(ctx, addr, "alice@example.test", testCorpus, 4, 40)
	if err != nil {
		t.Fatal(err)
	}
	if res.Conns != 4 || res.Sent != 40 || res.Acked != 40 || res.Refused != 0 || len(ids) != 40 {
		t.Fatalf("result %+v with %d ids", res, len(ids))
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.P99 > res.Elapsed {
		t.Errorf("latencies p50 %v p99 %v over %v", res.P50, res.P99, res.Elapsed)
	}
	if want := float64(res.Acked) / res.Elapsed.Seconds(); res.MsgsPerSec != want {
		t.Errorf("MsgsPerSec %v, want %v", res.MsgsPerSec, want)
	}
	// Right after the last reply the last messages are not visible yet.
	if found, _, _ := st.Count(ids); found == len(ids) {
		t.Fatalf("all %d visible before the lag passed", found)
	}
	wait, found, dup, err := WaitVisible(ctx, st, ids, 5*time.Second)
	if err != nil || found != 40 || dup != 0 {
		t.Fatalf("WaitVisible: %v found %d dup %d", err, found, dup)
	}
	if wait < 100*time.Millisecond {
		t.Errorf("waited only %v for a 200ms lag", wait)
	}
	if got, want := res.VisibleRate(wait), 40/(res.Elapsed+wait).Seconds(); got != want || got >= res.MsgsPerSec {
		t.Errorf("VisibleRate %v, want %v (< %v)", got, want, res.MsgsPerSec)
	}
	// One Message-ID per message, unique across the run.
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || !strings.HasPrefix(id, "loadgen-") {
			t.Fatalf("id %q repeated or foreign", id)
		}
		seen[id] = true
	}
}

// TestRunLMTPDuplicate: a server that stores one acknowledged message twice
// is caught.
func TestRunLMTPDuplicate(t *testing.T) {
	st := &fakeStore{dupAt: 7}
	addr := startFake(t, st)
	res, ids, err := RunLMTP(context.Background(), addr, "alice@example.test", testCorpus, 2, 12)
	if err != nil || res.Acked != 12 {
		t.Fatalf("%+v %v", res, err)
	}
	_, found, dup, err := WaitVisible(context.Background(), st, ids, 5*time.Second)
	if err != nil || found != 12 || dup != 1 {
		t.Fatalf("found %d dup %d (%v), want 12 and 1", found, dup, err)
	}
}

// TestRunLMTPRefused: refused transactions are counted, not acknowledged,
// and the connection goes on after each.
func TestRunLMTPRefused(t *testing.T) {
	st := &fakeStore{}
	addr := startFake(t, st)
	res, ids, err := RunLMTP(context.Background(), addr, "nobody@example.test", testCorpus, 1, 5)
	if err != nil || res.Sent != 5 || res.Refused != 5 || res.Acked != 0 || len(ids) != 0 || res.MsgsPerSec != 0 {
		t.Fatalf("%+v %v %v", res, ids, err)
	}
}

// TestRunLMTPDialError: an address nobody listens on is an error.
func TestRunLMTPDialError(t *testing.T) {
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	_, _, err := RunLMTP(context.Background(), addr, "a@b", testCorpus, 2, 4)
	var oe *net.OpError
	if !errors.As(err, &oe) {
		t.Fatalf("err %v, want a dial error", err)
	}
}

func TestWithMessageID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Subject: x\r\nMessage-ID: <a@b>\r\n\r\nMessage-ID: body\r\n", "Message-ID: <n@x>\r\nSubject: x\r\n\r\nMessage-ID: body\r\n"},
		{"message-id:\n <a@b>\nX: y\n\nb\n", "Message-ID: <n@x>\nX: y\n\nb\n"},
		{"Subject: none\r\n\r\n", "Message-ID: <n@x>\r\nSubject: none\r\n\r\n"},
	} {
		if got := string(WithMessageID([]byte(c.in), "n@x")); got != c.want {
			t.Errorf("WithMessageID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i))
	}
	if p50, p99, p100 := Percentile(ds, 50), Percentile(ds, 99), Percentile(ds, 100); p50 != 50 || p99 != 99 || p100 != 100 {
		t.Errorf("p50 %v p99 %v p100 %v", p50, p99, p100)
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty")
	}
}

func TestMaildirCounter(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"new/1": "Message-ID: <a@x>\r\n\r\nb",
		"new/2": "Subject: s\nMessage-Id:\n\t<b@x>\n\nMessage-ID: <c@x>\n",
		"cur/3": "Message-ID: <a@x>\r\n\r\n",
		"cur/4": "Subject: no id\r\n\r\n",
		"tmp/5": "Message-ID: <c@x>\r\n\r\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	found, dup, err := MaildirCounter{Dir: dir}.Count([]string{"a@x", "<b@x>", "c@x"})
	if err != nil || found != 2 || dup != 1 {
		t.Fatalf("found %d dup %d err %v, want 2 1", found, dup, err)
	}
}

func TestStoreCounter(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "exmdb"), 0o755)
	db, err := sql.Open("sqlite", filepath.Join(dir, "exmdb", "exchange.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	var script bytes.Buffer
	script.WriteString("CREATE TABLE messages (message_id INTEGER PRIMARY KEY, parent_fid INTEGER);" +
		"CREATE TABLE message_properties (message_id INTEGER NOT NULL, proptag INTEGER NOT NULL, propval BLOB NOT NULL);")
	for i, m := range []struct {
		fid int
		id  string
	}{{13, "<a@x>"}, {13, "<b@x>"}, {13, "<b@x>"}, {14, "<c@x>"}} {
		fmt.Fprintf(&script, "INSERT INTO messages VALUES (%d, %d);", i+1, m.fid)
		fmt.Fprintf(&script, "INSERT INTO message_properties VALUES (%d, %d, '%s');", i+1, prInternetMessageIDW, m.id)
		fmt.Fprintf(&script, "INSERT INTO message_properties VALUES (%d, %d, 'subject');", i+1, 0x0037001F)
	}
	if _, err := db.Exec(script.String()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	found, dup, err := StoreCounter{Maildir: dir}.Count([]string{"a@x", "b@x", "c@x"})
	if err != nil || found != 2 || dup != 1 {
		t.Fatalf("found %d dup %d err %v, want 2 1 (c@x is not in the Inbox)", found, dup, err)
	}
	if _, _, err := (StoreCounter{Maildir: t.TempDir()}).Count(nil); err == nil {
		t.Error("missing store counted")
	}
}

// TestAppendStuffedAsTextproto: the load tool's DATA bytes are those
// net/textproto's dot writer (go-smtp's client) sends.
func TestAppendStuffedAsTextproto(t *testing.T) {
	msgs := []string{"a", "a\r\nb", ".x\r\n..y\n.\r\nz\n", "bare\rcr\r\n", "\n\n", "end\r\n"}
	corpus, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "fixtures", "upstream-3.10", "corpus", "*.eml"))
	for _, p := range corpus {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, string(b))
	}
	for _, m := range msgs {
		var want bytes.Buffer
		w := textproto.NewWriter(bufio.NewWriter(&want)).DotWriter()
		io.WriteString(w, m)
		w.Close()
		if got := appendStuffed(nil, []byte(m)); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendStuffed(%.60q) = %.80q, want %.80q", m, got, want.Bytes())
		}
	}
}
