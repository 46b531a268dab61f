package mailbox

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// fixtureManifest is the part of manifest.json the store itself holds.
type fixtureManifest struct {
	Folders []struct {
		FolderID         uint64  `json:"folder_id"`
		ParentID         uint64  `json:"parent_id"`
		DisplayName      string  `json:"display_name"`
		ContainerClass   *string `json:"container_class"`
		MessageCount     int64   `json:"message_count"`
		UnreadCount      *int64  `json:"unread_count"`
		ChildFolderCount int64   `json:"child_folder_count"`
	} `json:"folders"`
	Messages []struct {
		FolderID        uint64   `json:"folder_id"`
		MessageID       uint64   `json:"message_id"`
		Subject         string   `json:"ews_subject"`
		IsRead          bool     `json:"ews_is_read"`
		HasAttachments  bool     `json:"ews_has_attachments"`
		AttachmentCount int      `json:"attachment_count"`
		AttachmentNames []string `json:"attachment_names"`
		Size            int64    `json:"ews_size"`
	} `json:"messages"`
	CalendarItems []struct {
		MessageID uint64 `json:"message_id"`
		Subject   string `json:"subject"`
		ItemClass string `json:"item_class"`
		Body      string `json:"body_text_prefix"`
	} `json:"calendar_items"`
	Contacts []struct {
		MessageID   uint64 `json:"message_id"`
		DisplayName string `json:"display_name"`
		ItemClass   string `json:"item_class"`
	} `json:"contacts"`
	Tasks []struct {
		MessageID uint64 `json:"message_id"`
		Subject   string `json:"subject"`
		ItemClass string `json:"item_class"`
		Body      string `json:"body_text_prefix"`
	} `json:"tasks"`
}

func loadManifest(t *testing.T, dir string) fixtureManifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m fixtureManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// openFixtureTx opens a copy of the upstream private store and starts a
// transaction on it.
func openFixtureTx(t *testing.T) (*Tx, string) {
	t.Helper()
	dir := copyFixture(t, "fixture-store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	return tx, dir
}

func attachmentName(p Props) string {
	for _, tag := range []mapi.PropTag{mapi.PrAttachLongFilename, mapi.PrAttachFilename, mapi.PrDisplayName} {
		if s := p.String(tag); s != "" {
			return s
		}
	}
	return ""
}

// TestReadFixtureAsUpstreamShowed checks the upstream store against what
// upstream itself reported for it over EWS (manifest.json).
func TestReadFixtureAsUpstreamShowed(t *testing.T) {
	tx, dir := openFixtureTx(t)
	m := loadManifest(t, dir)

	// The folder tree: every folder EWS listed, nothing else.
	var walk func(fid uint64) []uint64
	walk = func(fid uint64) []uint64 {
		kids, err := tx.Children(fid)
		if err != nil {
			t.Fatal(err)
		}
		out := []uint64{fid}
		for _, k := range kids {
			out = append(out, walk(k)...)
		}
		return out
	}
	all := walk(mapi.PrivateFIDRoot)
	var want []uint64
	for _, f := range m.Folders {
		want = append(want, f.FolderID)
	}
	slices.Sort(all)
	slices.Sort(want)
	if !slices.Equal(all, want) {
		t.Errorf("folder tree %v, upstream listed %v", all, want)
	}

	for _, f := range m.Folders {
		p, err := tx.FolderProps(f.FolderID, nil)
		if err != nil {
			t.Errorf("folder %d: %v", f.FolderID, err)
			continue
		}
		if got := p.String(mapi.PrDisplayName); got != f.DisplayName {
			t.Errorf("folder %d: name %q, want %q", f.FolderID, got, f.DisplayName)
		}
		class, hasClass := p.Get(mapi.PrContainerClass)
		if f.ContainerClass == nil && hasClass || f.ContainerClass != nil && class != *f.ContainerClass {
			t.Errorf("folder %d: class %v, want %v", f.FolderID, class, f.ContainerClass)
		}
		if n, _ := p.Int(mapi.PrContentCount); n != f.MessageCount {
			t.Errorf("folder %d (%s): %d messages, want %d", f.FolderID, f.DisplayName, n, f.MessageCount)
		}
		if n, _ := p.Int(mapi.PrContentUnread); f.UnreadCount != nil && n != *f.UnreadCount {
			t.Errorf("folder %d (%s): %d unread, want %d", f.FolderID, f.DisplayName, n, *f.UnreadCount)
		}
		if n, _ := p.Int(mapi.PrFolderChildCount); n != f.ChildFolderCount {
			t.Errorf("folder %d (%s): %d child folders, want %d", f.FolderID, f.DisplayName, n, f.ChildFolderCount)
		}
		if f.ParentID != 0 {
			pid, _ := p.Int(mapi.PrParentFolderID)
			if gcv := mapi.EID(pid).GCV(); gcv != f.ParentID {
				t.Errorf("folder %d: parent %d, want %d", f.FolderID, gcv, f.ParentID)
			}
		}
		eid, _ := p.Get(mapi.PrEntryID)
		fe, err := mapi.ParseFolderEntryID(eid.([]byte))
		if err != nil || fe.GCV() != f.FolderID || fe.ProviderUID != tx.Store().MailboxGUID() {
			t.Errorf("folder %d: entry id %x (%v)", f.FolderID, eid, err)
		}
		ids, err := tx.MessageIDs(f.FolderID, false)
		if err != nil || int64(len(ids)) != f.MessageCount {
			t.Errorf("folder %d: MessageIDs %v (%v), want %d", f.FolderID, ids, err, f.MessageCount)
		}
	}
	if fid, err := tx.FolderByName(mapi.PrivateFIDIPMSubtree, "inbox"); err != nil || fid != mapi.PrivateFIDInbox {
		t.Errorf("FolderByName(inbox) = %d, %v", fid, err)
	}
	if fid, err := tx.FolderByName(0x200000, "ÜBERFÄLLIG"); err == nil {
		t.Errorf("FolderByName matched non-ASCII case-insensitively: %d", fid)
	}
	if fid, err := tx.FolderByName(0x200000, "Überfällig"); err != nil || fid != 0x210000 {
		t.Errorf("FolderByName(Überfällig) = %#x, %v", fid, err)
	}

	for _, msg := range m.Messages {
		mc, err := tx.ReadMessage(msg.MessageID)
		if err != nil {
			t.Errorf("message %d: %v", msg.MessageID, err)
			continue
		}
		p := mc.Props
		if got := p.String(mapi.PrSubject); got != msg.Subject {
			t.Errorf("message %d: subject %q, want %q", msg.MessageID, got, msg.Subject)
		}
		if r, _ := p.Get(mapi.PrRead); r != msg.IsRead {
			t.Errorf("message %d: read %v, want %v", msg.MessageID, r, msg.IsRead)
		}
		if f, _ := p.Int(mapi.PrMessageFlags); (f&MsgFlagRead != 0) != msg.IsRead {
			t.Errorf("message %d: flags %#x, read %v", msg.MessageID, f, msg.IsRead)
		}
		if h, _ := p.Get(mapi.PrHasAttach); h != msg.HasAttachments {
			t.Errorf("message %d: has attachments %v, want %v", msg.MessageID, h, msg.HasAttachments)
		}
		if n, _ := p.Int(mapi.PrMessageSize); n != msg.Size {
			t.Errorf("message %d: size %d, want %d", msg.MessageID, n, msg.Size)
		}
		if len(mc.Attachments) != msg.AttachmentCount {
			t.Errorf("message %d: %d attachments, want %d", msg.MessageID, len(mc.Attachments), msg.AttachmentCount)
		}
		for i, a := range mc.Attachments {
			if i >= len(msg.AttachmentNames) {
				break
			}
			// EWS names unnamed attachments itself ("attachment1.dat").
			name, want := attachmentName(a.Props), msg.AttachmentNames[i]
			if name != want && !(name == "" && strings.HasPrefix(want, fmt.Sprintf("attachment%d.", i+1))) {
				t.Errorf("message %d: attachment %d named %q, want %q", msg.MessageID, i, name, want)
			}
		}
		ids, _ := tx.MessageIDs(msg.FolderID, false)
		if !slices.Contains(ids, msg.MessageID) {
			t.Errorf("message %d not in folder %d", msg.MessageID, msg.FolderID)
		}
	}

	type item struct {
		mid            uint64
		fid            uint64
		subject, class string
	}
	var items []item
	for _, c := range m.CalendarItems {
		items = append(items, item{c.MessageID, mapi.PrivateFIDCalendar, c.Subject, c.ItemClass})
	}
	for _, c := range m.Contacts {
		items = append(items, item{c.MessageID, mapi.PrivateFIDContacts, c.DisplayName, c.ItemClass})
	}
	for _, c := range m.Tasks {
		items = append(items, item{c.MessageID, mapi.PrivateFIDTasks, c.Subject, c.ItemClass})
	}
	if len(items) != 4 {
		t.Errorf("%d calendar/contact/task items in the manifest", len(items))
	}
	for _, it := range items {
		mc, err := tx.ReadMessage(it.mid)
		if err != nil {
			t.Errorf("item %d: %v", it.mid, err)
			continue
		}
		name := mc.Props.String(mapi.PrSubject)
		if it.fid == mapi.PrivateFIDContacts {
			name = mc.Props.String(mapi.PrDisplayName)
		}
		if name != it.subject || mc.Props.String(mapi.PrMessageClass) != it.class {
			t.Errorf("item %d: %q %q, want %q %q", it.mid, name, mc.Props.String(mapi.PrMessageClass), it.subject, it.class)
		}
		ids, _ := tx.MessageIDs(it.fid, false)
		if !slices.Contains(ids, it.mid) {
			t.Errorf("item %d not in folder %d", it.mid, it.fid)
		}
	}
}

// TestReadMessageDetails checks computed message properties against the
// rows they come from.
func TestReadMessageDetails(t *testing.T) {
	tx, _ := openFixtureTx(t)
	// The forwarded message: an embedded message in its attachment.
	mc, err := tx.ReadMessage(196621)
	if err != nil {
		t.Fatal(err)
	}
	if len(mc.Attachments) != 1 || mc.Attachments[0].Embedded == nil {
		t.Fatalf("forwarded message: %d attachments, embedded %v", len(mc.Attachments), mc.Attachments)
	}
	emb := mc.Attachments[0].Embedded
	if s := emb.Props.String(mapi.PrSubject); s != "Original: budget question" {
		t.Errorf("embedded subject %q", s)
	}
	if n, _ := mc.Attachments[0].Props.Int(mapi.PrAttachNum); n != 0 {
		t.Errorf("PR_ATTACH_NUM %d", n)
	}
	// The message with 25 To and 15 Cc recipients.
	var big *MessageContent
	ids, _ := tx.MessageIDs(0x1e0000, false) // Projects/Alpha
	for _, id := range ids {
		m, err := tx.ReadMessage(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Recipients) >= 40 {
			big = m
		}
	}
	if big == nil {
		t.Fatal("the 40-recipient message is not in Projects/Alpha")
	}
	to, cc := 0, 0
	for i, r := range big.Recipients {
		if n, _ := r.Int(mapi.PrRowID); n != int64(i) {
			t.Errorf("recipient %d has PR_ROWID %d", i, n)
		}
		switch n, _ := r.Int(mapi.PrRecipientType); n {
		case RecipientTo:
			to++
		case RecipientCc:
			cc++
		}
	}
	if to != 25 || cc != 15 {
		t.Errorf("%d To, %d Cc recipients", to, cc)
	}
	dt := big.Props.String(mapi.PrDisplayTo)
	if n := len(splitDisplay(dt)); n != 25 {
		t.Errorf("PR_DISPLAY_TO has %d names: %q", n, dt)
	}
	if n := len(splitDisplay(big.Props.String(mapi.PrDisplayCc))); n != 15 {
		t.Errorf("PR_DISPLAY_CC has %d names", n)
	}
	if s := big.Props.String(mapi.PrDisplayBcc); s != "" {
		t.Errorf("PR_DISPLAY_BCC %q", s)
	}
	body, ok := big.Props.Get(mapi.PrBody)
	if !ok || len(body.(string)) == 0 {
		t.Errorf("no PR_BODY")
	}
	if mid, _ := big.Props.Int(mapi.PrMID); mapi.EID(mid).GCV() == 0 {
		t.Errorf("PidTagMid %#x", mid)
	}
	if a, _ := big.Props.Get(mapi.PrAssociated); a != false {
		t.Errorf("PR_ASSOCIATED %v", a)
	}
	sp, err := tx.StoreProps(nil)
	if err != nil {
		t.Fatal(err)
	}
	if rk, _ := sp.Get(mapi.PrStoreRecordKey); len(rk.([]byte)) != 16 {
		t.Errorf("PR_STORE_RECORD_KEY %x", rk)
	}
	// 33 messages, one of them embedded: its is_associated is NULL, so
	// upstream's count (is_associated=0) leaves it out.
	if n, _ := sp.Int(mapi.PrContentCount); n != 32 {
		t.Errorf("store PR_CONTENT_COUNT %d", n)
	}
}

func splitDisplay(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range slices.Collect(func(yield func(string) bool) {
		start := 0
		for i := 0; i+1 < len(s); i++ {
			if s[i] == ';' && s[i+1] == ' ' {
				if !yield(s[start:i]) {
					return
				}
				start = i + 2
			}
		}
		yield(s[start:])
	}) {
		out = append(out, p)
	}
	return out
}
