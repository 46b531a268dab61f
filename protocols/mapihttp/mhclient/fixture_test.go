package mhclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/mapihttp"
	"github.com/gromox-go/gromox/protocols/prototest"
)

// manifest is the part of fixture-store/manifest.json the walk checks.
type manifest struct {
	Folders []struct {
		FolderID         uint64  `json:"folder_id"`
		ParentID         uint64  `json:"parent_id"`
		DisplayName      string  `json:"display_name"`
		ContainerClass   *string `json:"container_class"`
		MessageCount     int     `json:"message_count"`
		ChildFolderCount int     `json:"child_folder_count"`
		IPMPath          *string `json:"ipm_path"`
	} `json:"folders"`
	Messages []struct {
		Folder          string   `json:"folder"`
		FolderID        uint64   `json:"folder_id"`
		MessageID       uint64   `json:"message_id"`
		Subject         string   `json:"subject"`
		AttachmentCount int      `json:"attachment_count"`
		AttachmentNames []string `json:"attachment_names"`
	} `json:"messages"`
	CalendarItems []struct {
		MessageID uint64 `json:"message_id"`
		Subject   string `json:"subject"`
		Start     string `json:"start"`
		End       string `json:"end"`
		Location  string `json:"location"`
		ItemClass string `json:"item_class"`
	} `json:"calendar_items"`
	Contacts []struct {
		MessageID      uint64   `json:"message_id"`
		DisplayName    string   `json:"display_name"`
		ItemClass      string   `json:"item_class"`
		EmailAddresses []string `json:"email_addresses"`
	} `json:"contacts"`
	Tasks []struct {
		MessageID uint64 `json:"message_id"`
		Subject   string `json:"subject"`
		ItemClass string `json:"item_class"`
	} `json:"tasks"`
}

const testOrg = "Test Org"

// serveFixture serves a copy of the upstream-written store of
// fixture@example.org over MAPI over HTTP in process, as the mapihttp
// tests do, and returns a client whose endpoint and DN are set as
// AutoDiscover would set them.
func serveFixture(t *testing.T) (*Client, *manifest) {
	t.Helper()
	fx := prototest.FixtureDir(t)
	c, _ := serve(t, prototest.CopyTree(t, filepath.Join(fx, "fixture-store")))
	return c, readManifest(t, fx)
}

func readManifest(t *testing.T, fx string) *manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fx, "fixture-store", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	man := &manifest{}
	if err := json.Unmarshal(b, man); err != nil {
		t.Fatal(err)
	}
	return man
}

// serve serves the store maildir ("": a new one) of fixture@example.org
// (password "secret") and returns a client of it and the store's
// directory.
func serve(t *testing.T, maildir string) (*Client, *served) {
	t.Helper()
	e := prototest.New(t)
	maildir = e.AddUser(t, "fixture@example.org", "secret", maildir)
	u, err := e.DB.Lookup(context.Background(), "fixture@example.org")
	if err != nil {
		t.Fatal(err)
	}
	srv := mapihttp.New(mapihttp.Config{OrgName: testOrg, Timeout: 20 * time.Second}, e.Sys, e.Spawner, e.Stores, nil, e.Log)
	front := gxhttp.New(gxhttp.Config{}, e.Log)
	auth, err := directory.NewAuth(e.DB, directory.AuthOptions{Backend: "mysql", FailDelay: time.Millisecond,
		Filter: directory.DefaultUserFilterOptions(), CredCacheTTL: time.Minute}, e.Log)
	if err != nil {
		t.Fatal(err)
	}
	front.SetAuthenticators(&gxhttp.Basic{Dir: auth, Realm: "test"})
	srv.Register(front)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go front.Serve(ln)
	t.Cleanup(func() { front.Shutdown(context.Background()) })
	c := New("http://"+ln.Addr().String(), "fixture@example.org", "secret")
	c.MailStoreURL = c.BaseURL + mapihttp.Path + "/?MailboxId=x@example.org"
	c.UserDN = autodiscover.LegacyDN(testOrg, uint32(u.DomainID), uint32(u.ID), u.Username)
	return c, &served{Env: e, maildir: maildir}
}

// TestMhclientWalkFixture walks a copy of the store upstream Gromox 3.10
// wrote with the client and checks it against the manifest: every folder
// (name, container class, message count, folders below it), every
// message (subject, attachment count and names as the attachment table
// shows them), the calendar items (start, end, location by their named
// properties) and the contact (display name, e-mail address).
//
// Differences the server cannot fix now are kept in knownDiffs with the
// reason; they are logged, not hidden, and a fixed one fails the test so
// that the list is kept true.
func TestMhclientWalkFixture(t *testing.T) {
	c, man := serveFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := c.OpenStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var transcript bytes.Buffer
	walk, err := c.Walk(ctx, s, &transcript)
	t.Logf("walk transcript:\n%s", transcript.String())
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("MHCLIENT_TRANSCRIPT") != "" {
		os.WriteFile(os.Getenv("MHCLIENT_TRANSCRIPT"), transcript.Bytes(), 0o644)
	}
	byID := map[uint64]*WalkedFolder{}
	for _, f := range walk.Folders {
		byID[f.ID.GCV()] = f
	}
	var diffs []string
	diff := func(format string, a ...any) {
		t.Helper()
		diffs = append(diffs, fmt.Sprintf(format, a...))
	}

	// Folders: the manifest lists every folder below the root (the root
	// too); child_folder_count is what upstream's EWS reported, which
	// counts every folder below (35 for the root, 2 for Projects).
	if got, want := len(walk.Folders), len(man.Folders); got != want {
		diff("walk found %d folders, manifest lists %d", got, want)
	}
	for _, mf := range man.Folders {
		f := byID[mf.FolderID]
		if f == nil {
			diff("folder %d %q: not found by the walk", mf.FolderID, mf.DisplayName)
			continue
		}
		class := ""
		if mf.ContainerClass != nil {
			class = *mf.ContainerClass
		}
		if f.Name != mf.DisplayName {
			diff("folder %d: display name %q, manifest %q", mf.FolderID, f.Name, mf.DisplayName)
		}
		if f.ContainerClass != class {
			diff("folder %d %q: container class %q, manifest %q", mf.FolderID, mf.DisplayName, f.ContainerClass, class)
		}
		if f.ContentCount != mf.MessageCount || len(f.Messages) != mf.MessageCount {
			diff("folder %d %q: PR_CONTENT_COUNT %d, contents table %d rows, manifest %d", mf.FolderID, mf.DisplayName, f.ContentCount, len(f.Messages), mf.MessageCount)
		}
		if f.Descendants() != mf.ChildFolderCount {
			diff("folder %d %q: %d folders below, manifest child_folder_count %d", mf.FolderID, mf.DisplayName, f.Descendants(), mf.ChildFolderCount)
		}
		// PR_FOLDER_CHILD_COUNT counts every folder below, as upstream's
		// does (its EWS reported it as ChildFolderCount); Exchange would
		// count the hierarchy table's rows.
		if f.ChildCount != mf.ChildFolderCount {
			diff("folder %d %q: PR_FOLDER_CHILD_COUNT %d, manifest child_folder_count %d", mf.FolderID, mf.DisplayName, f.ChildCount, mf.ChildFolderCount)
		}
		if f.ChildCount != len(f.Children) {
			t.Logf("note: folder %d %q: PR_FOLDER_CHILD_COUNT %d counts all %d folders below, its hierarchy table has %d rows (upstream's meaning, kept)", mf.FolderID, mf.DisplayName, f.ChildCount, f.Descendants(), len(f.Children))
		}
		if mf.ParentID != 0 {
			if p := byID[mf.ParentID]; p == nil || !slices.ContainsFunc(p.Children, func(ch *Folder) bool { return ch.ID.GCV() == mf.FolderID }) {
				diff("folder %d %q: not in the hierarchy table of its parent %d", mf.FolderID, mf.DisplayName, mf.ParentID)
			}
		}
	}

	// Messages.
	msgs := map[uint64]*WalkedMessage{}
	msgFolder := map[uint64]uint64{}
	for _, f := range walk.Folders {
		for _, m := range f.Messages {
			msgs[m.ID.GCV()] = m
			msgFolder[m.ID.GCV()] = f.ID.GCV()
		}
	}
	for _, mm := range man.Messages {
		m := msgs[mm.MessageID]
		if m == nil {
			diff("message %d %q (%s): not in any contents table", mm.MessageID, mm.Subject, mm.Folder)
			continue
		}
		if msgFolder[mm.MessageID] != mm.FolderID {
			diff("message %d %q: in folder %d, manifest %d", mm.MessageID, mm.Subject, msgFolder[mm.MessageID], mm.FolderID)
		}
		if m.Subject != mm.Subject {
			diff("message %d: subject %q, manifest %q", mm.MessageID, m.Subject, mm.Subject)
		}
		if len(m.Attachments) != mm.AttachmentCount || !slices.Equal(sorted(m.Attachments), sorted(mm.AttachmentNames)) {
			diff("message %d %q: attachments %q, manifest %d %q", mm.MessageID, mm.Subject, m.Attachments, mm.AttachmentCount, mm.AttachmentNames)
		}
	}
	for _, ci := range man.CalendarItems {
		m := msgs[ci.MessageID]
		if m == nil {
			diff("calendar item %d %q: not in any contents table", ci.MessageID, ci.Subject)
			continue
		}
		start, _ := time.Parse("2006-01-02 15:04:05-07:00", ci.Start)
		end, _ := time.Parse("2006-01-02 15:04:05-07:00", ci.End)
		if m.Subject != ci.Subject || m.Class != ci.ItemClass {
			diff("calendar item %d: subject %q class %q, manifest %q %q", ci.MessageID, m.Subject, m.Class, ci.Subject, ci.ItemClass)
		}
		if !m.Start.Equal(start) || !m.End.Equal(end) || m.Location != ci.Location {
			diff("calendar item %d %q: start %s end %s location %q, manifest %s %s %q", ci.MessageID, ci.Subject, fmtTime(m.Start), fmtTime(m.End), m.Location, fmtTime(start), fmtTime(end), ci.Location)
		}
	}
	for _, co := range man.Contacts {
		m := msgs[co.MessageID]
		if m == nil {
			diff("contact %d %q: not in any contents table", co.MessageID, co.DisplayName)
			continue
		}
		if m.Class != co.ItemClass || len(co.EmailAddresses) == 0 || m.Email1 != co.EmailAddresses[0] {
			diff("contact %d %q: class %q email1 %q, manifest %q %q", co.MessageID, co.DisplayName, m.Class, m.Email1, co.ItemClass, co.EmailAddresses)
		}
		vals := contactName(t, c, s, co.MessageID, msgFolder[co.MessageID])
		if vals != co.DisplayName {
			diff("contact %d: display name %q, manifest %q", co.MessageID, vals, co.DisplayName)
		}
	}
	for _, tk := range man.Tasks {
		if m := msgs[tk.MessageID]; m == nil || m.Subject != tk.Subject || m.Class != tk.ItemClass {
			diff("task %d %q: walked %+v", tk.MessageID, tk.Subject, m)
		}
	}

	// The message with 25 To and 15 Cc recipients: RopReadRecipients
	// pages through all of them; an attachment's data reads through a
	// stream.
	if m, err := c.OpenMessage(ctx, s, eid(1966080), eid(1966082), OpenReadOnly); err != nil {
		t.Fatal(err)
	} else {
		rcpts, err := c.Recipients(ctx, m)
		var to, cc int
		for _, r := range rcpts {
			switch r.RecipientType & 0x0F {
			case 1:
				to++
			case 2:
				cc++
			}
		}
		if err != nil || len(rcpts) != 40 || to != 25 || cc != 15 {
			t.Errorf("All-hands announcement: %d recipients (%d To, %d Cc), %v; want 25 To and 15 Cc", len(rcpts), to, cc, err)
		}
		c.Release(ctx, m.Handle)
	}
	if m, err := c.OpenMessage(ctx, s, eid(13), eid(196628), OpenReadOnly); err != nil {
		t.Fatal(err)
	} else {
		data, err := c.ReadAttachment(ctx, m, 0)
		if err != nil || len(data) == 0 {
			t.Errorf("data of the first attachment of %q: %d bytes, %v", "Three attachments", len(data), err)
		}
		t.Logf("attachment 0 of %q: %d bytes: %.40q", "Three attachments", len(data), data)
		c.Release(ctx, m.Handle)
	}

	for _, d := range diffs {
		reason, known := knownDiffs[d]
		if known {
			t.Logf("known difference: %s (%s)", d, reason)
			continue
		}
		t.Errorf("difference: %s", d)
	}
	for d := range knownDiffs {
		if !slices.Contains(diffs, d) {
			t.Errorf("listed as a known difference but not seen (fixed? remove it): %s", d)
		}
	}
	t.Logf("%d folders, %d messages walked; %d differences (%d known)", len(walk.Folders), len(msgs), len(diffs), len(knownDiffs))
}

// knownDiffs are differences between the walk and the manifest that the
// server cannot fix now, with the reason. None left: the attachment table
// answered a PT_UNICODE column with "not found" for names upstream stored
// as PT_STRING8 (message 196633), fixed in protocols/mapihttp.
var knownDiffs = map[string]string{}

func contactName(t *testing.T, c *Client, s *Store, mid, fid uint64) string {
	t.Helper()
	ctx := context.Background()
	m, err := c.OpenMessage(ctx, s, eid(fid), eid(mid), OpenReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release(ctx, m.Handle)
	vals, err := c.GetProps(ctx, m.Handle, 0x3001001F)
	if err != nil {
		t.Fatal(err)
	}
	return String(vals, 0x3001001F)
}

func sorted(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}
