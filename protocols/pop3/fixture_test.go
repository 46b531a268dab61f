package pop3

import (
	"database/sql"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/protocols/prototest"
	_ "modernc.org/sqlite"
)

// TestUpstreamFixture serves a copy of the store upstream Gromox 3.10
// wrote: the Inbox's messages in UID order, UIDL = upstream's mid_string
// (so POP3 clients do not download everything again after the switch),
// and RETR byte for byte the size upstream's IMAP reported.
func TestUpstreamFixture(t *testing.T) {
	fx := prototest.FixtureDir(t)
	var man struct {
		Messages []struct {
			Folder string `json:"folder"`
			UID    int    `json:"imap_uid"`
			Size   int    `json:"rfc822_size"`
			MsgID  string `json:"message_id_header"`
		} `json:"messages"`
	}
	b, err := os.ReadFile(filepath.Join(fx, "fixture-store", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	type inboxMsg struct {
		uid, size int
		msgID     string
	}
	var inbox []inboxMsg
	for _, m := range man.Messages {
		if m.Folder == "INBOX" {
			inbox = append(inbox, inboxMsg{m.UID, m.Size, m.MsgID})
		}
	}
	sort.Slice(inbox, func(i, j int) bool { return inbox[i].uid < inbox[j].uid })
	// upstream's mid_string per INBOX UID, from its midb.sqlite3.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(fx, "fixture-store", "exmdb", "midb.sqlite3")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	midStr := map[int]string{}
	rows, err := db.Query("SELECT uid, mid_string FROM messages WHERE folder_id=13")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var uid int
		var s string
		rows.Scan(&uid, &s)
		midStr[uid] = s
	}
	rows.Close()

	e := prototest.New(t)
	e.AddUser(t, "fixture@example.org", "secret", prototest.CopyTree(t, filepath.Join(fx, "fixture-store")))
	srv := New(Config{Timeout: 20 * time.Second}, e.Sys, e.Spawner, e.Auth, e.Stores, e.Log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go srv.Serve(ln)
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := start(t, nc)
	c.cmd("+OK", "USER fixture@example.org")
	c.cmd("+OK", "PASS secret")
	if st := c.cmd("+OK", "STAT"); !strings.HasPrefix(st, "+OK "+strconv.Itoa(len(inbox))+" ") {
		t.Fatalf("STAT %q, upstream's INBOX has %d messages", st, len(inbox))
	}
	uidl := listing(t, c.multi("UIDL"))
	list := listing(t, c.multi("LIST"))
	for i, m := range inbox {
		n := i + 1
		if uidl[n] != midStr[m.uid] {
			t.Errorf("message %d (UID %d): UIDL %q, upstream's mid_string %q", n, m.uid, uidl[n], midStr[m.uid])
		}
		if list[n] != strconv.Itoa(m.size) {
			t.Errorf("message %d (UID %d): LIST size %s, upstream %d", n, m.uid, list[n], m.size)
		}
		body := unstuff(c.multi("RETR " + strconv.Itoa(n)))
		if len(body) != m.size || !strings.Contains(body, m.msgID) {
			t.Errorf("message %d (UID %d): RETR %d octets, upstream %d (%s)", n, m.uid, len(body), m.size, m.msgID)
		}
	}
	c.cmd("+OK", "QUIT")
}
