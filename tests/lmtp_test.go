package tests

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	_ "modernc.org/sqlite"
)

// TestLMTPDelivery: an MTA hands one message to four recipients over LMTP
// (one local user, one address extension of another, one unknown, one over
// quota) and gets one reply per recipient; the delivered copies are in the
// stores, with their original bytes, and the server says so over mbop.
func TestLMTPDelivery(t *testing.T) {
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nlda_recipient_delimiter = +\n"), 0o644)
	// First start makes the first user and domain; then add our users.
	srv := startServer(t, "--data-dir", dataDir)
	for _, args := range [][]string{
		{"user", "add", "alice@gromox.test", "--password", "a"},
		{"user", "add", "bob@gromox.test", "--password", "b"},
		{"user", "add", "carol@gromox.test", "--password", "c"},
	} {
		if out, errOut, code := gromox(t, dataDir, "", args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	// Carol is over quota: a 1 KiB prohibit-receive quota in her store
	// (what grommunio-admin sets as a store property).
	db, err := sql.Open("sqlite", filepath.Join(dataDir, "user", "carol@gromox.test", "exmdb", "exchange.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO store_properties (proptag, propval) VALUES (?, 1)", 0x666a0003); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var lmtpAddr string
	for _, l := range srv.stdout {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "listening:" && f[1] == "lmtp" {
			lmtpAddr = f[2]
		}
	}
	if lmtpAddr == "" {
		t.Fatalf("no lmtp listener in %q", srv.stdout)
	}
	conn, err := net.DialTimeout("tcp", lmtpAddr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClientLMTP(conn)
	defer c.Close()
	if err := c.Hello("mta.example.org"); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "SIZE"} {
		if ok, _ := c.Extension(ext); !ok {
			t.Errorf("LHLO lacks %s", ext)
		}
	}
	if err := c.Mail("sender@example.org", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("again@example.org", nil); err == nil {
		t.Fatal("second MAIL in a transaction accepted")
	} else if se, ok := err.(*smtp.SMTPError); !ok || se.Code != 503 {
		t.Fatalf("second MAIL: %v, want 503", err)
	}
	for _, r := range []string{"alice@gromox.test", "Bob+lists@GROMOX.test", "carol@gromox.test"} {
		if err := c.Rcpt(r, nil); err != nil {
			t.Fatalf("RCPT %s: %v", r, err)
		}
	}
	err = c.Rcpt("nobody@gromox.test", nil)
	if se, ok := err.(*smtp.SMTPError); !ok || se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) {
		t.Fatalf("unknown recipient: %v, want 550 5.1.1", err)
	}
	msg := "From: Sender <sender@example.org>\r\nTo: alice@gromox.test, bob@gromox.test\r\n" +
		"Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= over LMTP\r\nMessage-ID: <lmtp-1@example.org>\r\n" +
		"Date: Sat, 28 Nov 2026 12:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		strings.Repeat("A line of body text to pass the one kilobyte quota.\r\n", 30)
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(w, msg)
	resp, err := w.CloseWithLMTPResponse()
	var lerr smtp.LMTPDataError
	if !errors.As(err, &lerr) {
		t.Fatalf("per-recipient replies: %v", err)
	}
	if resp["alice@gromox.test"] == nil || resp["Bob+lists@GROMOX.test"] == nil {
		t.Fatalf("alice and bob not delivered: %v %v", resp, lerr)
	}
	if e := lerr["carol@gromox.test"]; e == nil || e.Code != 552 {
		t.Fatalf("carol over quota: %v, want 552", lerr)
	}
	c.Quit()

	// Alice reads it over POP3, byte for byte.
	var popAddr string
	for _, l := range srv.stdout {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "listening:" && f[1] == "pop3" {
			popAddr = f[2]
		}
	}
	pc, err := textproto.Dial("tcp", popAddr)
	if err != nil {
		t.Fatalf("pop3 %q: %v", popAddr, err)
	}
	popCmd := func(cmd string) string {
		t.Helper()
		if err := pc.PrintfLine("%s", cmd); err != nil {
			t.Fatal(err)
		}
		l, err := pc.ReadLine()
		if err != nil || !strings.HasPrefix(l, "+OK") {
			t.Fatalf("POP3 %s: %q %v", cmd, l, err)
		}
		return l
	}
	if l, _ := pc.ReadLine(); !strings.HasPrefix(l, "+OK") {
		t.Fatalf("POP3 greeting %q", l)
	}
	popCmd("USER alice@gromox.test")
	popCmd("PASS a")
	popCmd("RETR 1")
	body, err := pc.ReadDotBytes()
	if err != nil {
		t.Fatal(err)
	}
	if strings.ReplaceAll(string(body), "\n", "\r\n") != msg {
		t.Fatalf("POP3 RETR gave %q", body)
	}
	popCmd("QUIT")
	pc.Close()

	// The copies are in the stores: count them and read the original back
	// through the store tools.
	for _, u := range []string{"alice@gromox.test", "bob@gromox.test"} {
		out, errOut, code := gromox(t, dataDir, "", "mbop", "--data-dir", dataDir, "-u", u, "recalc-sizes")
		if code != 0 {
			t.Fatalf("mbop for %s: %d %s %s", u, code, out, errOut)
		}
	}
	srv.stop(t)
	for u, want := range map[string]int{"alice@gromox.test": 1, "bob@gromox.test": 1, "carol@gromox.test": 0} {
		db, err := sql.Open("sqlite", filepath.Join(dataDir, "user", u, "exmdb", "exchange.sqlite3"))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		var mid sql.NullString
		db.QueryRow("SELECT COUNT(*), MAX(mid_string) FROM messages WHERE parent_fid=13").Scan(&n, &mid)
		var subject string
		db.QueryRow("SELECT propval FROM message_properties WHERE proptag=? LIMIT 1", 0x0e1d001f).Scan(&subject)
		db.Close()
		if n != want {
			t.Fatalf("%s has %d messages in the Inbox, want %d", u, n, want)
		}
		if want == 0 {
			continue
		}
		if subject != "Grüße over LMTP" {
			t.Errorf("%s: normalized subject %q", u, subject)
		}
		raw, err := os.ReadFile(filepath.Join(dataDir, "user", u, "eml", mid.String))
		if err != nil || string(raw) != msg {
			t.Fatalf("%s: original bytes not kept (%v)", u, err)
		}
	}
}
