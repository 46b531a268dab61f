package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// testMessage is a message with recipients, a large attachment and an
// embedded message.
func testMessage(subject string) *MessageContent {
	big := bytes.Repeat([]byte("attachment data "), 10000)
	return &MessageContent{
		Props: Props{
			{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: mapi.PrSubject, Value: subject},
			{Tag: mapi.PrBody, Value: "Hello,\r\nthis is the body.\r\n"},
			{Tag: mapi.PrHTML, Value: []byte("<p>Hello</p>")},
			{Tag: mapi.PrSenderName, Value: "Erika Mustermann"},
			{Tag: mapi.PrSenderEmailAddress, Value: "erika@partner.example"},
			{Tag: mapi.PrMessageDeliveryTime, Value: mapi.FileTime(134403774460000000)},
			{Tag: mapi.PrSubjectPrefixA, Value: "Re: "}, // PT_STRING8 input
			{Tag: mapi.NewTag(0x8001, mapi.PtMvUnicode), Value: []string{"a", "b"}},
		},
		Recipients: []Props{
			{{Tag: mapi.PrDisplayName, Value: "Max"}, {Tag: mapi.PrRecipientType, Value: int32(RecipientTo)}, {Tag: mapi.PrSMTPAddress, Value: "max@example.org"}},
			{{Tag: mapi.PrDisplayName, Value: "Moritz"}, {Tag: mapi.PrRecipientType, Value: int32(RecipientTo)}},
			{{Tag: mapi.PrDisplayName, Value: "Lisa"}, {Tag: mapi.PrRecipientType, Value: int32(RecipientCc)}},
		},
		Attachments: []Attachment{
			{Props: Props{
				{Tag: mapi.PrAttachMethod, Value: int32(1)},
				{Tag: mapi.PrAttachLongFilename, Value: "big.txt"},
				{Tag: mapi.PrAttachDataBin, Value: big},
			}},
			{Props: Props{
				{Tag: mapi.PrAttachMethod, Value: int32(5)},
				{Tag: mapi.PrDisplayName, Value: "Inner"},
			}, Embedded: &MessageContent{Props: Props{
				{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
				{Tag: mapi.PrSubject, Value: "Inner"},
				{Tag: mapi.PrBody, Value: "inner body"},
			}}},
		},
	}
}

func TestWriteThroughStore(t *testing.T) {
	ctx := context.Background()
	dir := copyFixture(t, "fixture-store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	lastCN := func() int64 { n, _ := tx.configInt(configLastChangeNumber); return n }
	storeSize := func() int64 {
		n, _ := tx.queryInt("SELECT propval FROM store_properties WHERE proptag=?", int64(mapi.PrMessageSizeExtended))
		return n
	}
	cn0, size0 := lastCN(), storeSize()
	maxEnd, _ := tx.queryInt("SELECT MAX(range_end) FROM allocated_eids")

	// A folder: its id is the first value of a new block.
	fid, err := tx.CreateFolder(mapi.PrivateFIDIPMSubtree, "Test Folder", "IPF.Note", nil)
	must(err)
	if fid != uint64(maxEnd)+1 {
		t.Errorf("new folder %#x, want %#x (first value after every reserved range)", fid, maxEnd+1)
	}
	if _, err := tx.CreateFolder(mapi.PrivateFIDIPMSubtree, "test folder", "", nil); !errors.Is(err, ErrDuplicateName) {
		t.Errorf("duplicate folder name: %v", err)
	}
	if got, err := tx.FolderByName(mapi.PrivateFIDIPMSubtree, "TEST FOLDER"); err != nil || got != fid {
		t.Errorf("FolderByName %#x %v", got, err)
	}
	fp, err := tx.FolderProps(fid, nil)
	must(err)
	for _, tag := range []mapi.PropTag{mapi.PrChangeKey, mapi.PrPredecessorChangeList, mapi.PrInternetArticleNumber, mapi.PrHierRev, mapi.PrLocalCommitTimeMax, mapi.PrCreationTime} {
		if !fp.Has(tag) {
			t.Errorf("new folder lacks %v", tag)
		}
	}
	ck, _ := fp.Get(mapi.PrChangeKey)
	if x, err := mapi.ParseXID(ck.([]byte)); err != nil || x.GUID != mapi.PrivateStoreGUID(3) || x.LocalID != uint64(cn0+1) {
		t.Errorf("folder change key %x", ck)
	}

	// A message with everything.
	mid, cn, err := tx.WriteMessage(fid, testMessage("Re: Hello there"))
	must(err)
	if mid != fid+1 {
		t.Errorf("first message %#x, want %#x (the folder's block)", mid, fid+1)
	}
	mc, err := tx.ReadMessage(mid)
	must(err)
	p := mc.Props
	if s := p.String(mapi.PrSubject); s != "Re: Hello there" {
		t.Errorf("subject %q", s)
	}
	if s := p.String(mapi.PrNormalizedSubject); s != "Hello there" {
		t.Errorf("normalized subject %q", s)
	}
	if s := p.String(mapi.PrDisplayTo); s != "Max; Moritz" {
		t.Errorf("PR_DISPLAY_TO %q", s)
	}
	if s := p.String(mapi.PrDisplayCc); s != "Lisa" {
		t.Errorf("PR_DISPLAY_CC %q", s)
	}
	if s := p.String(mapi.PrBody); !strings.HasPrefix(s, "Hello,") {
		t.Errorf("body %q", s)
	}
	if h, _ := p.Get(mapi.PrHasAttach); h != true {
		t.Errorf("PR_HASATTACH %v", h)
	}
	if r, _ := p.Get(mapi.PrRead); r != false {
		t.Errorf("PR_READ %v", r)
	}
	if v, ok := p.Get(mapi.NewTag(0x8001, mapi.PtMvUnicode)); !ok || !slices.Equal(v.([]string), []string{"a", "b"}) {
		t.Errorf("multi-value %v", v)
	}
	if len(mc.Attachments) != 2 || len(mc.Attachments[0].Props.String(mapi.PrAttachLongFilename)) == 0 {
		t.Fatalf("attachments %v", mc.Attachments)
	}
	if d, _ := mc.Attachments[0].Props.Get(mapi.PrAttachDataBin); !bytes.Equal(d.([]byte), testMessage("").Attachments[0].Props[2].Value.([]byte)) {
		t.Errorf("attachment data differs")
	}
	if e := mc.Attachments[1].Embedded; e == nil || e.Props.String(mapi.PrSubject) != "Inner" || e.Props.String(mapi.PrBody) != "inner body" {
		t.Errorf("embedded %v", e)
	}
	for _, tag := range []mapi.PropTag{mapi.PrSearchKey, mapi.PrConversationID, mapi.PrConversationIndex, mapi.PrCreatorName, mapi.PrLastModificationTime, mapi.PrInternetArticleNumber, mapi.PrChangeKey} {
		if !p.Has(tag) {
			t.Errorf("written message lacks %v", tag)
		}
	}
	var row []byte
	tx.QueryRow("SELECT propval FROM message_properties WHERE message_id=? AND proptag=?", int64(mid), int64(mapi.PrBody)).Scan(&row)
	if !strings.HasPrefix(string(row), "Y-") {
		t.Errorf("PR_BODY row %q, want a content id", row)
	}
	var n int64
	n, _ = tx.queryInt("SELECT COUNT(*) FROM message_properties WHERE message_id=? AND proptag=?", int64(mid), int64(mapi.PrSubjectPrefixA))
	if n != 0 {
		t.Errorf("PT_STRING8 value stored under its PT_STRING8 tag")
	}
	msize, _ := p.Int(mapi.PrMessageSize)
	if msize < 160000 || storeSize()-size0 != msize {
		t.Errorf("message size %d, store grew by %d", msize, storeSize()-size0)
	}
	if c, _ := tx.messageCN(mid); c != cn {
		t.Errorf("change number %d, WriteMessage said %d", c, cn)
	}
	n, _ = tx.queryInt("SELECT COUNT(*) FROM msgtime_index WHERE folder_id=? AND message_id=? AND rcvtime=134403774460000000", int64(fid), int64(mid))
	if n != 1 {
		t.Errorf("msgtime_index row missing")
	}

	// Read state.
	rcn, err := tx.SetReadState(mid, true)
	must(err)
	if total, unread, _ := tx.FolderCounts(fid, false); total != 1 || unread != 0 {
		t.Errorf("counts after read %d/%d", total, unread)
	}
	if got, _ := tx.queryInt("SELECT read_cn FROM messages WHERE message_id=?", int64(mid)); got != int64(rcn) {
		t.Errorf("read_cn %d, want %d", got, rcn)
	}
	mp, _ := tx.MessageProps(mid, []mapi.PropTag{mapi.PrMessageFlags, mapi.PrRead})
	if f, _ := mp.Int(mapi.PrMessageFlags); f&(MsgFlagRead|MsgFlagEverRead) != MsgFlagRead|MsgFlagEverRead {
		t.Errorf("flags after read %#x", f)
	}

	// Modifying gives a new change number, change key and PCL entry.
	_, err = tx.SetMessageProps(mid, Props{{Tag: mapi.PrImportance, Value: int32(2)}})
	must(err)
	mp, _ = tx.MessageProps(mid, []mapi.PropTag{mapi.PrChangeNumber, mapi.PrChangeKey, mapi.PrPredecessorChangeList})
	pclv, _ := mp.Get(mapi.PrPredecessorChangeList)
	pcl, err := mapi.ParsePCL(pclv.([]byte))
	ckv, _ := mp.Get(mapi.PrChangeKey)
	newCK, _ := mapi.ParseXID(ckv.([]byte))
	if err != nil || !pcl.Includes(newCK) || newCK.LocalID <= cn {
		t.Errorf("after modification: change key %v, PCL %v (%v)", newCK, pcl.XIDs(), err)
	}

	// Copy into the Inbox, then move the copy back.
	inbox0, _, _ := tx.FolderCounts(mapi.PrivateFIDInbox, false)
	ids, partial, err := tx.MoveCopyMessages(fid, mapi.PrivateFIDInbox, []uint64{mid, 0xdead}, true)
	must(err)
	if !partial || len(ids) != 2 || ids[0] == 0 || ids[1] != 0 {
		t.Errorf("copy: %v partial %v", ids, partial)
	}
	copied := ids[0]
	var icur, imax int64
	tx.QueryRow("SELECT cur_eid, max_eid FROM folders WHERE folder_id=?", mapi.PrivateFIDInbox).Scan(&icur, &imax)
	if copied != uint64(icur-1) {
		t.Errorf("copy got %#x, the Inbox's next id was %#x", copied, icur-1)
	}
	if c, _, _ := tx.FolderCounts(mapi.PrivateFIDInbox, false); c != inbox0+1 {
		t.Errorf("Inbox has %d messages, want %d", c, inbox0+1)
	}
	cm, err := tx.ReadMessage(copied)
	must(err)
	if cm.Props.String(mapi.PrSubject) != "Re: Hello there" || len(cm.Attachments) != 2 || cm.Attachments[1].Embedded == nil {
		t.Errorf("copy differs: %q %d", cm.Props.String(mapi.PrSubject), len(cm.Attachments))
	}
	if r, _ := cm.Props.Get(mapi.PrRead); r != true {
		t.Errorf("copy lost the read state")
	}
	ids, _, err = tx.MoveCopyMessages(mapi.PrivateFIDInbox, fid, []uint64{copied}, false)
	must(err)
	moved := ids[0]
	if _, err := tx.ReadMessage(copied); !errors.Is(err, ErrNotFound) {
		t.Errorf("moved message still there: %v", err)
	}
	if c, _, _ := tx.FolderCounts(mapi.PrivateFIDInbox, false); c != inbox0 {
		t.Errorf("Inbox has %d messages after the move, want %d", c, inbox0)
	}
	// Move an upstream message (with its eml file) to the new folder.
	orig := uint64(196609)
	var origMidStr string
	tx.QueryRow("SELECT mid_string FROM messages WHERE message_id=?", orig).Scan(&origMidStr)
	ids, _, err = tx.MoveCopyMessages(mapi.PrivateFIDInbox, fid, []uint64{orig}, true)
	must(err)
	var newMidStr string
	tx.QueryRow("SELECT mid_string FROM messages WHERE message_id=?", int64(ids[0])).Scan(&newMidStr)
	if newMidStr == "" || newMidStr == origMidStr {
		t.Errorf("copied message's mid_string %q (original %q)", newMidStr, origMidStr)
	}

	// Soft, then hard deletion.
	partial, err = tx.DeleteMessages(fid, []uint64{moved, copied}, false)
	must(err)
	if total, _, _ := tx.FolderCounts(fid, false); total != 2 {
		t.Errorf("%d messages after soft delete, want 2", total)
	}
	if n, _ := tx.queryInt("SELECT COUNT(*) FROM messages WHERE message_id=? AND is_deleted=1", int64(moved)); n != 1 {
		t.Errorf("soft-deleted message gone")
	}
	sizeBefore := storeSize()
	_, err = tx.DeleteMessages(fid, []uint64{moved}, true)
	must(err)
	if storeSize() >= sizeBefore {
		t.Errorf("hard delete did not shrink the store: %d -> %d", sizeBefore, storeSize())
	}

	// Folders: rename/move, refuse deleting a non-empty one, empty, delete.
	must(tx.MoveFolder(fid, 0x1d0000, "Renamed"))
	if got, err := tx.FolderByName(0x1d0000, "renamed"); err != nil || got != fid {
		t.Errorf("moved folder not found: %v", err)
	}
	if err := tx.MoveFolder(0x1d0000, fid, ""); err == nil {
		t.Errorf("moved a folder below its own child")
	}
	if err := tx.MoveFolder(mapi.PrivateFIDInbox, fid, ""); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("moved the Inbox: %v", err)
	}
	sub, err := tx.CreateFolder(fid, "Sub", "IPF.Note", nil)
	must(err)
	_, _, err = tx.WriteMessage(sub, &MessageContent{Props: Props{{Tag: mapi.PrSubject, Value: "in sub"}}})
	must(err)
	if err := tx.DeleteFolder(fid, false); !errors.Is(err, ErrFolderInUse) {
		t.Errorf("deleted a non-empty folder: %v", err)
	}
	must(tx.EmptyFolder(fid, EmptyMessages|EmptyAssociated|EmptySubfolders|EmptyHard))
	if kids, _ := tx.Children(fid); len(kids) != 0 {
		t.Errorf("children after EmptyFolder: %v", kids)
	}
	must(tx.DeleteFolder(fid, false))
	if _, err := tx.FolderByName(0x1d0000, "Renamed"); !errors.Is(err, ErrNotFound) {
		t.Errorf("soft-deleted folder still found by name: %v", err)
	}
	if err := tx.DeleteFolder(mapi.PrivateFIDInbox, true); !errors.Is(err, ErrAccessDenied) {
		t.Errorf("deleted the Inbox: %v", err)
	}
	// A folder property change bumps the folder's change number.
	before, _ := tx.FolderProps(mapi.PrivateFIDJunk, []mapi.PropTag{mapi.PrChangeNumber})
	_, err = tx.SetFolderProps(mapi.PrivateFIDJunk, Props{{Tag: mapi.PrComment, Value: "spam here"}})
	must(err)
	after, _ := tx.FolderProps(mapi.PrivateFIDJunk, []mapi.PropTag{mapi.PrChangeNumber, mapi.PrComment})
	b, _ := before.Int(mapi.PrChangeNumber)
	a, _ := after.Int(mapi.PrChangeNumber)
	if mapi.EID(a).GCV() <= mapi.EID(b).GCV() || after.String(mapi.PrComment) != "spam here" {
		t.Errorf("SetFolderProps: CN %d -> %d", mapi.EID(b).GCV(), mapi.EID(a).GCV())
	}
	problems, err := tx.SetFolderProps(mapi.PrivateFIDJunk, Props{{Tag: mapi.PrDisplayName, Value: "inbox"}, {Tag: mapi.PrContentCount, Value: int32(5)}})
	must(err)
	if len(problems) != 2 {
		t.Errorf("problems %v", problems)
	}

	if lastCN() <= cn0 {
		t.Errorf("no change numbers used")
	}
	events, err := tx.Commit()
	must(err)
	kinds := map[EventKind]int{}
	for _, e := range events {
		kinds[e.Kind]++
	}
	for _, k := range []EventKind{EventCreated, EventModified, EventDeleted, EventMoved, EventCopied, EventCountsChanged} {
		if kinds[k] == 0 {
			t.Errorf("no %#x event among %v", k, kinds)
		}
	}
	s.Close()

	// Reopened: consistent.
	s, err = Open(dir)
	must(err)
	defer s.Close()
	checkStoreConsistency(t, s)
}

// checkStoreConsistency checks the invariants of a store's SQL.
func checkStoreConsistency(t *testing.T, s *Store) {
	t.Helper()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var ic string
	tx.QueryRow("PRAGMA integrity_check").Scan(&ic)
	if ic != "ok" {
		t.Errorf("integrity_check: %s", ic)
	}
	rows, err := tx.Query("PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tbl, parent string
		var rowid, fkid any
		rows.Scan(&tbl, &rowid, &parent, &fkid)
		t.Errorf("foreign key violation: %s row %v -> %s", tbl, rowid, parent)
	}
	rows.Close()
	check := func(what, q string, want int64) {
		t.Helper()
		n, err := tx.queryInt(q)
		if err != nil || n != want {
			t.Errorf("%s: %d (%v), want %d", what, n, err, want)
		}
	}
	check("duplicate change numbers", `SELECT COUNT(*) FROM (SELECT cn FROM (
		SELECT change_number AS cn FROM folders UNION ALL SELECT change_number FROM messages
		UNION ALL SELECT read_cn FROM messages WHERE read_cn IS NOT NULL) GROUP BY cn HAVING COUNT(*) > 1)`, 0)
	check("change numbers beyond LAST_CHANGE_NUMBER", `SELECT COUNT(*) FROM (
		SELECT change_number AS cn FROM folders UNION ALL SELECT change_number FROM messages
		UNION ALL SELECT read_cn FROM messages WHERE read_cn IS NOT NULL)
		WHERE cn > (SELECT config_value FROM configurations WHERE config_id=4)`, 0)
	check("ids outside every reserved range", `SELECT COUNT(*) FROM (SELECT folder_id AS id FROM folders UNION ALL SELECT message_id FROM messages)
		WHERE NOT EXISTS (SELECT 1 FROM allocated_eids WHERE range_begin<=id AND range_end>=id)`, 0)
	check("overlapping reserved ranges", `SELECT COUNT(*) FROM allocated_eids a JOIN allocated_eids b
		ON a.rowid<b.rowid AND a.range_begin<=b.range_end AND b.range_begin<=a.range_end`, 0)
	check("folder blocks exhausted beyond their end", "SELECT COUNT(*) FROM folders WHERE cur_eid > max_eid+1", 0)
	check("messages above their folder's next id", `SELECT COUNT(*) FROM messages m JOIN folders f ON m.parent_fid=f.folder_id
		WHERE m.message_id >= f.cur_eid AND m.message_id <= f.max_eid`, 0)
	check("msgtime_index rows not matching messages", `SELECT COUNT(*) FROM messages m WHERE m.parent_fid IS NOT NULL
		AND m.is_associated=0 AND m.is_deleted=0 AND NOT EXISTS (SELECT 1 FROM msgtime_index x WHERE x.message_id=m.message_id AND x.folder_id=m.parent_fid)`, 0)
	check("stale msgtime_index rows", `SELECT COUNT(*) FROM msgtime_index x JOIN messages m ON x.message_id=m.message_id
		WHERE m.is_deleted=1 OR m.is_associated=1 OR m.parent_fid!=x.folder_id`, 0)
	check("store size", `SELECT (SELECT propval FROM store_properties WHERE proptag=235405332) -
		(SELECT COALESCE(SUM(message_size),0) FROM messages WHERE parent_fid IS NOT NULL)`, 0)
	check("CURRENT_EID beyond MAXIMUM_EID", "SELECT (SELECT config_value FROM configurations WHERE config_id=2) > (SELECT config_value FROM configurations WHERE config_id=3)", 0)
	// Counts as reported agree with the rows.
	fids, _ := tx.ids("SELECT folder_id FROM folders")
	for _, fid := range fids {
		p, err := tx.FolderProps(fid, []mapi.PropTag{mapi.PrContentCount, mapi.PrContentUnread})
		if err != nil {
			t.Errorf("folder %#x: %v", fid, err)
			continue
		}
		c, _ := p.Int(mapi.PrContentCount)
		u, _ := p.Int(mapi.PrContentUnread)
		want, _ := tx.queryInt("SELECT COUNT(*) FROM messages WHERE parent_fid=? AND is_associated=0 AND is_deleted=0", int64(fid))
		wantU, _ := tx.queryInt("SELECT COUNT(*) FROM messages WHERE parent_fid=? AND is_associated=0 AND is_deleted=0 AND read_state=0", int64(fid))
		if c != want || u != wantU {
			t.Errorf("folder %#x: counts %d/%d, rows %d/%d", fid, c, u, want, wantU)
		}
	}
	// Every message still reads.
	mids, _ := tx.ids("SELECT message_id FROM messages WHERE parent_fid IS NOT NULL")
	for _, mid := range mids {
		if _, err := tx.ReadMessage(mid); err != nil {
			t.Errorf("message %#x: %v", mid, err)
		}
	}
	if t.Failed() {
		t.Log(fmt.Sprintf("%d folders, %d messages checked", len(fids), len(mids)))
	}
}

// TestFixtureIsConsistent runs the invariant checks on the upstream store
// itself: what they demand of our writes, upstream's writes satisfy.
func TestFixtureIsConsistent(t *testing.T) {
	s, err := Open(copyFixture(t, "fixture-store"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkStoreConsistency(t, s)
}

func TestSubjectPrefix(t *testing.T) {
	for s, want := range map[string]int{
		"Re: Hello": 4, "AW: x": 4, "Fwd: Original: x": 5, "URGENT: server": 0, "Re:Hello": 0,
		"": 0, "日本: テスト": len("日本: "), "re: ": 4, ": x": 0, "A:  x": 3,
	} {
		if got := subjectPrefixLen(s); got != want {
			t.Errorf("subjectPrefixLen(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestAllocation(t *testing.T) {
	dir := t.TempDir()
	if err := CreatePrivate(dir, PrivateParams{UserID: 5}); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// The global range runs 0x100..0xfffe, then continues after every block.
	if first, _ := tx.allocateEID(); first != 0x100 {
		t.Errorf("first global id %#x", first)
	}
	tx.setConfigInt(configCurrentEID, 0xfffd)
	tx.allocateEID()
	last, err := tx.allocateEID()
	if err != nil || last != 0xfffe {
		t.Errorf("last id of the first range %#x", last)
	}
	next, _ := tx.allocateEID()
	if next != 0x1d0000 {
		t.Errorf("after the first range: %#x, want 0x1d0000 (after the folders' blocks)", next)
	}
	// A folder's block refills the same way.
	tx.Exec("UPDATE folders SET cur_eid=max_eid WHERE folder_id=?", mapi.PrivateFIDInbox)
	mid, _ := tx.allocateMessageID(mapi.PrivateFIDInbox)
	if mid != 0x1e0000 {
		t.Errorf("refilled folder block starts at %#x, want 0x1e0000", mid)
	}
}

func TestWritePublicStore(t *testing.T) {
	dir := copyFixture(t, "public-store")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	fid, err := tx.CreateFolder(mapi.PublicFIDIPMSubtree, "Team", "IPF.Note", nil)
	if err != nil {
		t.Fatal(err)
	}
	if fid != 0x50000 {
		t.Errorf("first public folder %#x, want 0x50000", fid)
	}
	fp, _ := tx.FolderProps(fid, []mapi.PropTag{mapi.PrChangeKey, mapi.PrEntryID})
	ck, _ := fp.Get(mapi.PrChangeKey)
	if x, _ := mapi.ParseXID(ck.([]byte)); x.GUID != mapi.PublicStoreGUID(1) {
		t.Errorf("public change key %x, want the domain GUID", ck)
	}
	eid, _ := fp.Get(mapi.PrEntryID)
	if fe, err := mapi.ParseFolderEntryID(eid.([]byte)); err != nil || fe.Type != mapi.EITLTPublicFolder || fe.GCV() != fid {
		t.Errorf("public folder entry id %x %v", eid, err)
	}
	mid, _, err := tx.WriteMessage(fid, testMessage("Hello public"))
	if err != nil {
		t.Fatal(err)
	}
	if total, unread, _ := tx.FolderCounts(fid, false); total != 1 || unread != 1 {
		t.Errorf("counts %d/%d", total, unread)
	}
	if _, err := tx.SetReadState(mid, true); err != nil {
		t.Fatal(err)
	}
	if _, unread, _ := tx.FolderCounts(fid, false); unread != 0 {
		t.Errorf("unread %d after reading", unread)
	}
	ids, _, err := tx.MoveCopyMessages(fid, fid, []uint64{mid}, false)
	if err != nil || ids[0] == 0 {
		t.Fatalf("move within: %v %v", ids, err)
	}
	if n, _ := tx.queryInt("SELECT is_deleted FROM messages WHERE message_id=?", int64(mid)); n != 1 {
		t.Errorf("moved public message not soft-deleted")
	}
	if _, err := tx.DeleteMessages(fid, ids, true); err != nil {
		t.Fatal(err)
	}
	if err := tx.EmptyFolder(fid, EmptyMessages|EmptyHard); err != nil {
		t.Fatal(err)
	}
	if err := tx.DeleteFolder(fid, true); err != nil {
		t.Fatal(err)
	}
	var ic string
	tx.QueryRow("PRAGMA integrity_check").Scan(&ic)
	n, _ := tx.queryInt("SELECT COUNT(*) FROM pragma_foreign_key_check")
	size, _ := tx.queryInt("SELECT propval FROM store_properties WHERE proptag=?", int64(mapi.PrMessageSizeExtended))
	if ic != "ok" || n != 0 || size != 0 {
		t.Errorf("integrity %s, %d foreign key violations, store size %d", ic, n, size)
	}
}

func TestNamedPropIDs(t *testing.T) {
	tx, _ := openFixtureTx(t)
	psetCommon := mapi.MustGUID("00062008-0000-0000-c000-000000000046")
	known := mapi.NameByLID(mapi.MustGUID("6ed8da90-450b-101b-98da-00aa003f1305"), 1) // first line of propnames.txt
	mixed := mapi.NameByString(mapi.MustGUID("96357f7f-59e1-47d0-99a7-46515c183b54"), "AttachmentMacContentType")
	fresh := mapi.NameByString(psetCommon, "x-gromox-go-test")
	ids, err := tx.NamedPropIDs([]mapi.PropName{known, mixed, fresh}, false)
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != 0x8001 || ids[1] != 0x8001+705 || ids[2] != 0 {
		t.Errorf("lookup: %#x", ids)
	}
	ids, err = tx.NamedPropIDs([]mapi.PropName{fresh, fresh}, true)
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != 33476 || ids[1] != ids[0] {
		t.Errorf("created %#x, want 33476 (after the fixture's last)", ids)
	}
	names, err := tx.NamedPropNames([]uint16{0x8001, ids[0], 0x7fff})
	if err != nil {
		t.Fatal(err)
	}
	if names[0] != known || names[1] != fresh || names[2] != (mapi.PropName{}) {
		t.Errorf("names %v", names)
	}
}
