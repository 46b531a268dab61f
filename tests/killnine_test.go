package tests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-smtp"
)

// TestKillNineKeepsAcknowledged is the durability rule through the real
// server: IMAP clients APPEND (small messages, whose files the store makes
// durable through its commit, and some over 128 KiB, fsynced before it)
// to two folders and STORE \Flagged on some of them, while an MTA delivers
// over LMTP; the server gets SIGKILL in the middle of it. Started again on
// the same data, it must show every acknowledged APPEND with the UID and
// UIDVALIDITY its APPENDUID named and byte for byte, every acknowledged
// flag, every acknowledged delivery exactly once, and hand out UIDs above
// every UID it acknowledged before the kill.
func TestKillNineKeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server twice")
	}
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\n"+
		"pop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\n"), 0o644)
	srv := startServer(t, "--data-dir", dataDir)
	const user, password = "kill@gromox.test", "kill-nine"
	if out, errOut, code := gromox(t, dataDir, "", "user", "add", user, "--password", password); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	imapAddr, lmtpAddr := httpListenerOf(t, srv, "imap"), httpListenerOf(t, srv, "lmtp")
	c := imapLogin(t, imapAddr, user, password)
	if err := c.Create("Work", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	c.Close()

	var (
		mu        sync.Mutex
		appended  = map[string]ackedAppend{} // by Message-ID
		flagged   = map[string]bool{}
		delivered = map[string]bool{}
		total     int
	)
	enough := make(chan struct{})
	ack := func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		f()
		total++
		if total == 400 {
			close(enough)
		}
	}
	var wg sync.WaitGroup
	for w, mailbox := range []string{"INBOX", "Work", "INBOX"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dialIMAP(imapAddr, user, password)
			if err != nil {
				t.Errorf("writer %d: %v", w, err)
				return
			}
			defer c.Close()
			for i := 0; ; i++ {
				id := fmt.Sprintf("<append-%d-%d@kill.test>", w, i)
				msg := killMessage(id, i)
				cmd := c.Append(mailbox, int64(len(msg)), nil)
				if _, err := cmd.Write(msg); err != nil {
					return
				}
				if err := cmd.Close(); err != nil {
					return
				}
				data, err := cmd.Wait()
				if err != nil {
					return // the server is gone
				}
				if data.UID == 0 || data.UIDValidity == 0 {
					t.Errorf("APPEND %s: no APPENDUID (%+v)", id, data)
					return
				}
				ack(func() { appended[id] = ackedAppend{mailbox, data.UIDValidity, data.UID, msg} })
				if i%4 != 0 {
					continue
				}
				if _, err := c.Select(mailbox, nil).Wait(); err != nil {
					return
				}
				store := c.Store(imap.UIDSetNum(data.UID), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged}}, nil)
				if err := store.Close(); err != nil {
					return
				}
				ack(func() { flagged[id] = true })
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		conn, err := net.Dial("tcp", lmtpAddr)
		if err != nil {
			t.Errorf("lmtp: %v", err)
			return
		}
		lc := smtp.NewClientLMTP(conn)
		defer lc.Close()
		if err := lc.Hello("mta.kill.test"); err != nil {
			t.Errorf("LHLO: %v", err)
			return
		}
		for i := 0; ; i++ {
			id := fmt.Sprintf("<lmtp-%d@kill.test>", i)
			if err := lc.Mail("mta@kill.test", nil); err != nil {
				return
			}
			if err := lc.Rcpt(user, nil); err != nil {
				return
			}
			w, err := lc.Data()
			if err != nil {
				return
			}
			w.Write(killMessage(id, i))
			if err := w.Close(); err != nil {
				return
			}
			ack(func() { delivered[id] = true })
		}
	}()
	select {
	case <-enough:
	case <-time.After(60 * time.Second):
		t.Log("fewer than 400 acknowledgements in 60 s; killing anyway")
	}
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	srv.cmd.Wait()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	t.Logf("acknowledged before SIGKILL: %d APPENDs, %d STOREs, %d deliveries", len(appended), len(flagged), len(delivered))
	if len(appended) == 0 || len(flagged) == 0 || len(delivered) == 0 {
		t.Fatal("a writer had nothing acknowledged before the kill")
	}

	srv = startServer(t, "--data-dir", dataDir)
	c = imapLogin(t, httpListenerOf(t, srv, "imap"), user, password)
	defer c.Close()
	for _, mailbox := range []string{"INBOX", "Work"} {
		sel, err := c.Select(mailbox, nil).Wait()
		if err != nil {
			t.Fatalf("SELECT %s: %v", mailbox, err)
		}
		found := map[string][]killFound{}
		fetch := c.Fetch(imap.UIDSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{UID: true, Flags: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		msgs, err := fetch.Collect()
		if err != nil {
			t.Fatalf("UID FETCH %s: %v", mailbox, err)
		}
		for _, m := range msgs {
			var body []byte
			for _, b := range m.BodySection {
				body = b.Bytes
			}
			id := messageID(body)
			found[id] = append(found[id], killFound{uid: m.UID, flags: m.Flags, body: body})
		}
		var maxAcked imap.UID
		for id, a := range appended {
			if a.mailbox != mailbox {
				continue
			}
			maxAcked = max(maxAcked, a.uid)
			f := found[id]
			switch {
			case len(f) != 1:
				t.Errorf("%s: acknowledged APPEND %s found %d times", mailbox, id, len(f))
			case a.validity != sel.UIDValidity:
				t.Errorf("%s: UIDVALIDITY %d after the restart, APPENDUID said %d", mailbox, sel.UIDValidity, a.validity)
			case f[0].uid != a.uid:
				t.Errorf("%s: %s has UID %d, APPENDUID said %d", mailbox, id, f[0].uid, a.uid)
			case !bytes.Equal(f[0].body, a.msg):
				t.Errorf("%s: %s differs from what was appended (%d bytes, %d appended)", mailbox, id, len(f[0].body), len(a.msg))
			case flagged[id] && !hasFlag(f[0].flags, imap.FlagFlagged):
				t.Errorf("%s: %s lost its acknowledged \\Flagged (flags %v)", mailbox, id, f[0].flags)
			}
		}
		if mailbox == "INBOX" {
			for id := range delivered {
				if n := len(found[id]); n != 1 {
					t.Errorf("acknowledged delivery %s found %d times in INBOX", id, n)
				}
			}
		}
		for id, f := range found {
			if len(f) > 1 {
				t.Errorf("%s: %s is there %d times", mailbox, id, len(f))
			}
		}
		// UIDs are never reused: the next one is above every UID
		// acknowledged before the kill.
		msg := killMessage("<after-restart-"+mailbox+"@kill.test>", 1)
		cmd := c.Append(mailbox, int64(len(msg)), nil)
		cmd.Write(msg)
		cmd.Close()
		data, err := cmd.Wait()
		if err != nil {
			t.Fatalf("APPEND %s after the restart: %v", mailbox, err)
		}
		if data.UID <= maxAcked || data.UIDValidity != sel.UIDValidity {
			t.Errorf("%s: APPEND after the restart got UID %d validity %d; the last acknowledged was %d (validity %d)",
				mailbox, data.UID, data.UIDValidity, maxAcked, sel.UIDValidity)
		}
	}
	srv.stop(t)
}

type ackedAppend struct {
	mailbox  string
	validity uint32
	uid      imap.UID
	msg      []byte
}

type killFound struct {
	uid   imap.UID
	flags []imap.Flag
	body  []byte
}

// killMessage is message i with Message-ID id: a few hundred bytes, and
// every tenth 200 KiB (above the size whose files the store makes durable
// through its commit).
func killMessage(id string, i int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: Writer <writer@kill.test>\r\nTo: kill@gromox.test\r\nSubject: message %d\r\n"+
		"Message-ID: %s\r\nDate: Sun, 29 Nov 2026 12:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n", i, id)
	lines := 5
	if i%10 == 9 {
		lines = 2600
	}
	for j := range lines {
		fmt.Fprintf(&b, "Line %d of %s, to be read back byte for byte after SIGKILL.\r\n", j, id)
	}
	return b.Bytes()
}

// messageID returns the Message-ID field of the message raw.
func messageID(raw []byte) string {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return ""
	}
	return strings.TrimSpace(h.Get("Message-ID"))
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, g := range flags {
		if strings.EqualFold(string(g), string(f)) {
			return true
		}
	}
	return false
}

// dialIMAP connects and logs in.
func dialIMAP(addr, user, password string) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return nil, err
	}
	if err := c.Login(user, password).Wait(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func imapLogin(t *testing.T, addr, user, password string) *imapclient.Client {
	t.Helper()
	c, err := dialIMAP(addr, user, password)
	if err != nil {
		t.Fatalf("IMAP login at %s: %v", addr, err)
	}
	return c
}
