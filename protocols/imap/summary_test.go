package imap

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/imap/imapmsg"
)

// summaryItems is a FETCH of every item the summary cache keeps; the
// session answers it from the cache when it can (fetchSummaries).
const summaryItems = "(UID RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE)"

// checkSummaries fetches summaryItems for the whole selected folder, twice
// (the second time from the cache), and checks each response against
// what the message's BODY[], fetched at the same time, gives: the cache
// must answer for the message the UID names, never for another.
func checkSummaries(t *testing.T, c *client, label string) {
	t.Helper()
	c.ok("NOOP") // EXISTS and EXPUNGE now, not among the FETCH responses
	bodies := c.ok("FETCH 1:* (UID BODY.PEEK[])")
	for round := 0; round < 2; round++ {
		got := c.ok("FETCH 1:* " + summaryItems)
		if len(got) != len(bodies) {
			t.Fatalf("%s: %d responses to %s, %d to BODY[]", label, len(got), summaryItems, len(bodies))
		}
		for i, b := range bodies {
			head, raw, ok := strings.Cut(b, "BODY[] {")
			if !ok {
				t.Fatalf("%s: %q", label, b)
			}
			n, rest, _ := strings.Cut(raw, "}\r\n")
			size, _ := strconv.Atoi(n)
			raw = rest[:size]
			seq, uid := between(head, "* ", " FETCH"), between(head, "UID ", " ")
			m := imapmsg.Parse([]byte(raw))
			ext := m.BodyStructure(true)
			want := fmt.Sprintf("* %s FETCH (UID %s RFC822.SIZE %d ENVELOPE %s BODY %s BODYSTRUCTURE %s)", seq, uid, size,
				imapmsg.AppendEnvelope(nil, m.Envelope(), false), imapmsg.AppendBodyStructure(nil, ext, false, false),
				imapmsg.AppendBodyStructure(nil, ext, true, false))
			if got[i] != want {
				t.Errorf("%s, round %d: message %s:\n got %q\nwant %q", label, round, seq, got[i], want)
			}
		}
	}
}

// TestSummaryCacheFollowsContent: what FETCH answers from the summary
// cache stays the data of the message the UID names while messages are
// copied, moved, expunged, delivered, made through MAPI, when the store is
// closed and opened again, when its IMAP index is made anew (UIDs counted
// from 1 again), and for another user whose store has the same folder, UIDs
// and message ids.
func TestSummaryCacheFollowsContent(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("SELECT INBOX")
	checkSummaries(t, c, "delivered")
	c.ok("COPY 1:3 INBOX")
	checkSummaries(t, c, "copied")
	c.ok(`STORE 2,4 +FLAGS.SILENT (\Deleted)`)
	c.ok("EXPUNGE")
	e.deliver(t, "From: x@example.org\r\nSubject: after the expunge\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nplain\r\n--q\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n--q--\r\n")
	checkSummaries(t, c, "expunged and delivered")
	c.ok("CREATE Other")
	msg := "Subject: appended elsewhere\r\n\r\nmoved body\r\n"
	c.ok(fmt.Sprintf("APPEND Other {%d+}\r\n%s", len(msg), msg))
	c.ok("SELECT Other")
	checkSummaries(t, c, "appended")
	c.ok("MOVE 1 INBOX")
	c.ok("SELECT INBOX")
	checkSummaries(t, c, "moved")
	e.writeMAPIMessage(t)
	c.ok("NOOP")
	checkSummaries(t, c, "made through MAPI")
	c.ok("LOGOUT")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.Stores.Unload(ctx, e.maildir); err != nil {
		t.Fatal(err)
	}
	c = e.login(t)
	c.ok("SELECT INBOX")
	checkSummaries(t, c, "store opened again")

	// An IMAP index made anew (lost, or removed by an administrator)
	// counts UIDs from 1 again: the same UIDs now name other messages.
	before := c.ok("FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
	c.ok("LOGOUT")
	// The session's end (it leaves the store) must not open the store
	// again once it is closed.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		n := 0
		for _, a := range e.Sys.Actors() {
			if a.Kind == "imap-session" {
				n++
			}
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d IMAP sessions left", n)
		}
	}
	if err := e.Stores.Unload(ctx, e.maildir); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(e.maildir, "exmdb", "midb.sqlite3"+suffix))
	}
	c = e.login(t)
	c.ok("SELECT INBOX")
	if after := c.ok("FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (SUBJECT)])"); fmt.Sprint(after) == fmt.Sprint(before) {
		t.Fatalf("the new IMAP index gives the same UIDs to the same messages: the test does not test it\n%q\n%q", before, after)
	}
	checkSummaries(t, c, "IMAP index made anew")

	// Bob's store is made the way alice's was: his Inbox has the same
	// folder id, UIDs and message ids, other messages.
	bobDir := e.AddUser(t, "bob@example.org", password, "")
	for _, raw := range []string{raw3, raw1, "Subject: bob's own\r\n\r\nbob\r\n"} {
		mc, err := mailbox.ImportRFC5322([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Stores.Do(ctx, bobDir, mailbox.Deliver{Raw: []byte(raw), Content: mc}); err != nil {
			t.Fatal(err)
		}
	}
	uids := []uint32{1, 2, 3}
	am, err := mailbox.Do[[]mailbox.IMAPMessage](ctx, e.Stores, e.maildir, mailbox.IMAPLookup{FolderID: mapi.PrivateFIDInbox, UIDs: uids})
	if err != nil {
		t.Fatal(err)
	}
	bm, err := mailbox.Do[[]mailbox.IMAPMessage](ctx, e.Stores, bobDir, mailbox.IMAPLookup{FolderID: mapi.PrivateFIDInbox, UIDs: uids})
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for _, a := range am {
		for _, b := range bm {
			if a.UID == b.UID && a.MessageID == b.MessageID {
				same++
			}
		}
	}
	if same == 0 {
		t.Fatalf("no message of bob's has the UID and message id of one of alice's (%v, %v): the test does not test them", am, bm)
	}
	b := e.dial(t)
	b.ok(`LOGIN bob@example.org "` + password + `"`)
	b.ok("SELECT INBOX")
	checkSummaries(t, b, "bob")
	checkSummaries(t, c, "alice after bob")
}

// TestFetchExpungedFromCache: a message another session expunged, still
// in this session's view, is answered from the summary cache (RFC 2180
// 4.1.1) until the EXPUNGE reaches the client.
func TestFetchExpungedFromCache(t *testing.T) {
	e := newEnv(t)
	a := e.login(t)
	b := e.login(t)
	a.ok("SELECT INBOX")
	b.ok("SELECT INBOX")
	before := a.ok("FETCH 1 (BODYSTRUCTURE)")
	b.ok(`STORE 1 +FLAGS.SILENT (\Deleted)`)
	b.ok("EXPUNGE")
	if after := a.ok("FETCH 1 (BODYSTRUCTURE)"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("FETCH of the expunged message: %q, before %q", after, before)
	}
	has(t, a.ok("NOOP"), "* 1 EXPUNGE")
}

// TestFreshSummaries: a message delivered or appended gets its summary
// worked out when it is written; its first FETCH takes it, and answers
// what BODY[] gives.
func TestFreshSummaries(t *testing.T) {
	e := newEnv(t)
	c := e.login(t)
	c.ok("SELECT INBOX")
	e.deliver(t, raw2)
	msg := "Subject: appended\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n--z\r\nContent-Type: text/plain; name*=utf-8''%C3%A4.txt\r\n\r\nä\r\n--z--\r\n"
	c.ok(fmt.Sprintf("APPEND INBOX {%d+}\r\n%s", len(msg), msg))
	ms, err := mailbox.Do[[]mailbox.IMAPMessage](context.Background(), e.Stores, e.maildir, mailbox.IMAPLookup{FolderID: mapi.PrivateFIDInbox, UIDs: []uint32{4, 5}})
	if err != nil || len(ms) != 2 {
		t.Fatalf("lookup: %v %v", ms, err)
	}
	held := func() int {
		fresh.mu.Lock()
		defer fresh.mu.Unlock()
		n := 0
		for _, m := range ms {
			if fresh.byKey[freshKey{e.maildir, m.MidString}] != nil {
				n++
			}
		}
		return n
	}
	for deadline := time.Now().Add(10 * time.Second); held() < len(ms); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d summaries worked out", held(), len(ms))
		}
	}
	checkSummaries(t, c, "fresh")
	if n := held(); n != 0 {
		t.Errorf("%d fresh summaries left after FETCH", n)
	}
}

// TestSummaryCacheBound: the cache holds at most summaryEntries per shard,
// and an entry looked up since the clock hand last passed outlives those
// that were not.
func TestSummaryCacheBound(t *testing.T) {
	c := newSummaryCache()
	base := c.storeKey("/store", 13)
	hot := base.of(1, 1)
	c.put(&summary{key: hot, size: 1})
	for i := uint32(2); i < 20*summaryShards*summaryEntries; i++ {
		c.get(hot)
		c.put(&summary{key: base.of(i, uint64(i)), size: int64(i)})
	}
	n := 0
	for i := range c.shards {
		if l := len(c.shards[i].byKey); l > summaryEntries || len(c.shards[i].ring) > summaryEntries {
			t.Errorf("shard %d holds %d entries (ring %d)", i, l, len(c.shards[i].ring))
		}
		n += len(c.shards[i].byKey)
	}
	if n < summaryShards*summaryEntries/2 {
		t.Errorf("the cache holds %d entries", n)
	}
	if s := c.get(hot); s == nil || s.size != 1 {
		t.Errorf("the entry used all along is gone: %v", s)
	}
	if s := c.get(base.of(2, 2)); s != nil {
		t.Errorf("the oldest unused entry is still there")
	}
	if other := c.storeKey("/other", 13); other == base {
		t.Errorf("two stores, one key %v", base)
	}
}
