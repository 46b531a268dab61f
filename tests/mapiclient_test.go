package tests

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/mhclient"
)

// TestMAPIClient drives the real binary over HTTP with the project's MAPI
// over HTTP client (mhclient) through a mail client's whole session:
// AutoDiscover, Connect with the DN it gave, Logon, the folder tree, the
// Inbox with mail LMTP delivered, a message with a recipient and an
// attachment made, read back, changed and read again, a message submitted
// to the user itself whose new-mail notification NotificationWait wakes
// for, the made message deleted, a name resolved in the address book, and
// Disconnect. Then `gromox mapiclient walk` and `flow` run against the
// same server and their transcripts are checked.
func TestMAPIClient(t *testing.T) {
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nauth_fail_delay = 0\n"), 0o644)
	srv := startServer(t, "--data-dir", dataDir)
	for _, args := range [][]string{
		{"user", "add", "alice@gromox.test", "--password", "a-pw", "--name", "Alice A"},
		{"user", "add", "bob@gromox.test", "--password", "b-pw", "--name", "Bob Builder"},
	} {
		if out, errOut, code := gromox(t, dataDir, "", args...); code != 0 {
			t.Fatalf("gromox %v: %d %s %s", args, code, out, errOut)
		}
	}
	base := "http://" + httpListenerOf(t, srv, "http")
	lmtpAddr := httpListenerOf(t, srv, "lmtp")
	lmtpDeliver(t, lmtpAddr, "alice@gromox.test", "From: Bob <bob@gromox.test>\r\nTo: alice@gromox.test\r\nSubject: first delivered\r\nMessage-ID: <mc1@gromox.test>\r\nDate: Mon, 02 Jan 2023 10:00:00 +0100\r\n\r\nbody one\r\n")
	lmtpDeliver(t, lmtpAddr, "alice@gromox.test", "From: Bob <bob@gromox.test>\r\nTo: alice@gromox.test\r\nSubject: second delivered\r\nMessage-ID: <mc2@gromox.test>\r\nDate: Mon, 02 Jan 2023 11:00:00 +0100\r\n\r\nbody two\r\n")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	c := mhclient.New(base, "alice@gromox.test", "a-pw")
	d, err := c.AutoDiscover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.DisplayName != "Alice A" || !strings.HasSuffix(d.LegacyDN, "-alice") || !strings.Contains(d.MailStoreURL, "/mapi/emsmdb/?MailboxId=") ||
		!strings.Contains(d.AddressBookURL, "/mapi/nspi/?MailboxId=") || !strings.HasPrefix(c.MailStoreURL, base+"/mapi/emsmdb/") {
		t.Fatalf("autodiscover: %+v, mailbox URL %s", d, c.MailStoreURL)
	}
	cr, err := c.Connect(ctx)
	if err != nil || cr.DisplayName != "Alice A" {
		t.Fatalf("connect: %+v %v", cr, err)
	}
	s, err := c.OpenStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inboxID, sentID := s.FolderIDs[mhclient.FolderInbox], s.FolderIDs[mhclient.FolderSentItems]
	if inboxID == 0 || sentID == 0 || s.Logon.MailboxGUID.IsZero() {
		t.Fatalf("logon: %+v", s.Logon)
	}

	// The folder tree below the IPM subtree.
	tree, err := c.WalkFolders(ctx, s, s.FolderIDs[mhclient.FolderIPMSubtree])
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*mhclient.Folder{}
	for _, f := range tree.All()[1:] {
		byName[f.Path] = f
	}
	for _, name := range []string{"Inbox", "Drafts", "Sent Items", "Deleted Items", "Outbox", "Calendar", "Contacts"} {
		if byName[name] == nil {
			t.Errorf("no %q below the IPM subtree: %v", name, keys(byName))
		}
	}
	if byName["Inbox"] == nil || byName["Inbox"].ID != inboxID || byName["Inbox"].ContentCount != 2 || byName["Inbox"].ContainerClass != "IPF.Note" {
		t.Fatalf("Inbox in the tree: %+v (logon says %v)", byName["Inbox"], inboxID)
	}
	drafts := byName["Drafts"].ID

	// The Inbox lists what LMTP delivered.
	ih, err := c.OpenFolder(ctx, s, inboxID)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := c.ContentsRows(ctx, ih, mapi.PrMID, mapi.PrSubject, mapi.PrMessageClass)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, r := range rows {
		subjects = append(subjects, mhclient.String(r.Values, mapi.PrSubject))
	}
	slices.Sort(subjects)
	if !slices.Equal(subjects, []string{"first delivered", "second delivered"}) {
		t.Fatalf("inbox: %q", subjects)
	}

	// A message with a recipient and an attachment, read back.
	att := mhclient.Attachment{Name: "report.txt", Data: bytes.Repeat([]byte("0123456789abcdef"), 3000)} // 48,000 bytes: two WriteStream and several ReadStream
	m, mid, err := c.CreateMessage(ctx, s, drafts, mhclient.Draft{Subject: "draft one", Body: "draft body",
		To: []mhclient.Recipient{{Type: 1, DisplayName: "Bob Builder", Address: "bob@gromox.test"}}, Attachments: []mhclient.Attachment{att}})
	if err != nil || mid == 0 {
		t.Fatalf("create: %v %v", mid, err)
	}
	c.Release(ctx, m.Handle)
	readBack := func(wantSubject, wantBody string) {
		t.Helper()
		m, err := c.OpenMessage(ctx, s, drafts, mid, mhclient.OpenReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Release(ctx, m.Handle)
		vals, err := c.GetProps(ctx, m.Handle, mapi.PrSubject, mapi.PrBody, mapi.PrHasAttach, mapi.PrMessageClass)
		if err != nil {
			t.Fatal(err)
		}
		if mhclient.String(vals, mapi.PrSubject) != wantSubject || mhclient.String(vals, mapi.PrBody) != wantBody ||
			mhclient.Value(vals, mapi.PrHasAttach) != true || mhclient.String(vals, mapi.PrMessageClass) != "IPM.Note" {
			t.Fatalf("read back: %+v", vals)
		}
		rcpts, err := c.Recipients(ctx, m)
		if err != nil || len(rcpts) != 1 || rcpts[0].RecipientType != 1 || !strings.EqualFold(rcpts[0].RecipientRow.EmailAddress, "bob@gromox.test") ||
			rcpts[0].RecipientRow.DisplayName != "Bob Builder" {
			t.Fatalf("recipients: %+v %v", rcpts, err)
		}
		atts, err := c.AttachmentRows(ctx, m, mhclient.AttachmentColumns...)
		if err != nil || len(atts) != 1 || mhclient.AttachmentName(atts[0].Values) != "report.txt" {
			t.Fatalf("attachment table: %+v %v", atts, err)
		}
		data, err := c.ReadAttachment(ctx, m, uint32(mhclient.Int(atts[0].Values, mapi.PrAttachNum)))
		if err != nil || !bytes.Equal(data, att.Data) {
			t.Fatalf("attachment data: %d bytes, want %d: %v", len(data), len(att.Data), err)
		}
	}
	readBack("draft one", "draft body")

	// Changed and read again.
	m, err = c.OpenMessage(ctx, s, drafts, mid, mhclient.OpenReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetProps(ctx, m.Handle, mapi.PropVal{Tag: mapi.PrSubject, Value: "draft changed"}, mapi.PropVal{Tag: mapi.PrBody, Value: "changed body"}); err != nil {
		t.Fatal(err)
	}
	if saved, err := c.SaveMessage(ctx, m); err != nil || saved != mid {
		t.Fatalf("save after change: %v %v", saved, err)
	}
	c.Release(ctx, m.Handle)
	readBack("draft changed", "changed body")

	// Submit one to oneself; NotificationWait wakes for its arrival.
	sub, err := c.RegisterNotification(ctx, s, mhclient.NotifyNewMail)
	if err != nil {
		t.Fatal(err)
	}
	// A second new message in the same folder gets its own id and saves
	// (RopCreateMessage once allocated ids in a read transaction, and every
	// new message of a folder got the same one).
	m2, mid2, err := c.CreateMessage(ctx, s, drafts, mhclient.Draft{Subject: "second draft"})
	if err != nil || mid2 == mid {
		t.Fatalf("a second message made in Drafts: %v (id %v, first %v)", err, mid2, mid)
	}
	c.Release(ctx, m2.Handle)
	sm, _, err := c.CreateMessage(ctx, s, s.FolderIDs[mhclient.FolderOutbox], mhclient.Draft{Subject: "to myself", Body: "over MAPI",
		To: []mhclient.Recipient{{Type: 1, DisplayName: "Alice A", Address: "alice@gromox.test"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SubmitMessage(ctx, sm); err != nil {
		t.Fatal(err)
	}
	c.Release(ctx, sm.Handle)
	var newMail mapi.EID
	wctx, wcancel := context.WithTimeout(ctx, time.Minute)
	for newMail == 0 {
		notes, err := c.WaitNotifications(wctx, s)
		if err != nil {
			t.Fatalf("waiting for the new-mail notification: %v", err)
		}
		for _, n := range notes {
			if n.NotificationHandle == sub && n.NotificationData.Type() == 0x0002 && n.NotificationData.FolderID == inboxID {
				newMail = n.NotificationData.MessageID
				if n.NotificationData.MessageClass != "IPM.Note" {
					t.Errorf("new mail class %q", n.NotificationData.MessageClass)
				}
			}
		}
	}
	wcancel()
	nm, err := c.OpenMessage(ctx, s, inboxID, newMail, mhclient.OpenReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if vals, err := c.GetProps(ctx, nm.Handle, mapi.PrSubject); err != nil || mhclient.String(vals, mapi.PrSubject) != "to myself" {
		t.Fatalf("the new mail: %+v %v", vals, err)
	}
	c.Release(ctx, nm.Handle)

	// Delete the draft: gone from Drafts.
	if err := c.DeleteMessages(ctx, s, drafts, mid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.OpenMessage(ctx, s, drafts, mid, mhclient.OpenReadOnly); err == nil {
		t.Fatal("deleted message still opens")
	}
	dh, err := c.OpenFolder(ctx, s, drafts)
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := c.ContentsRows(ctx, dh, mapi.PrMID); err != nil || slices.ContainsFunc(rows, func(r mapi.PropRow) bool { return mapi.EID(mhclient.Int(r.Values, mapi.PrMID)) == mid }) {
		t.Fatalf("drafts after delete: %+v %v", rows, err)
	}

	// The address book.
	e, err := c.ResolveName(ctx, "Bob Builder")
	if err != nil || e.DisplayName != "Bob Builder" || !strings.EqualFold(e.SMTPAddress, "bob@gromox.test") || !strings.HasSuffix(e.EmailDN, "-bob") {
		t.Fatalf("resolve Bob Builder: %+v %v", e, err)
	}
	if _, err := c.ResolveName(ctx, "nobody-of-that-name"); err == nil {
		t.Fatal("an unknown name resolved")
	}

	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err == nil {
		t.Fatal("PING after Disconnect succeeded")
	}

	// The command line client against the same server.
	walk := runMapiclient(t, "walk", "--url", base, "--user", "alice@gromox.test", "--password", "a-pw")
	for _, want := range []string{`autodiscover: "Alice A"`, `folder     "Top of Information Store/Inbox"`, `message id=`, `"to myself"`, `"first delivered"`, "OK"} {
		if !strings.Contains(walk, want) {
			t.Errorf("walk transcript lacks %q", want)
		}
	}
	// The flow as bob, whose store no session has written to yet.
	lmtpDeliver(t, lmtpAddr, "bob@gromox.test", "From: Alice <alice@gromox.test>\r\nTo: bob@gromox.test\r\nSubject: for bob\r\nMessage-ID: <mc3@gromox.test>\r\n\r\nhi bob\r\n")
	flow := runMapiclient(t, "flow", "--url", base, "--user", "bob@gromox.test", "--password", "b-pw", "--resolve", "Alice A")
	for _, want := range []string{"autodiscover:", "connect:", "logon:", `inbox: 1 messages:  ["for bob"]`, "create: id=", "read: id=", `change: subject="Changed by mhclient"`,
		"submit: id=", "notify: handle=", `new mail: id=`, "delete: id=", `resolve "Alice A": display-name="Alice A" smtp=alice@gromox.test`, "disconnect: done", "OK"} {
		if !strings.Contains(flow, want) {
			t.Errorf("flow transcript lacks %q", want)
		}
	}
	if out := os.Getenv("MHCLIENT_TRANSCRIPT_DIR"); out != "" {
		os.WriteFile(filepath.Join(out, "walk.txt"), []byte(walk), 0o644)
		os.WriteFile(filepath.Join(out, "flow.txt"), []byte(flow), 0o644)
	}
	srv.stop(t)
}

// runMapiclient runs `gromox mapiclient` and returns its transcript; a
// failed run fails the test.
func runMapiclient(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(gromoxBin, append([]string{"mapiclient"}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	t.Logf("gromox mapiclient %s:\n%s", args[0], out.String())
	if err != nil {
		t.Fatalf("gromox mapiclient %v: %v: %s", args, err, errOut.String())
	}
	return out.String()
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
