package mailbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// tableManifest is what the table tests read from the fixture's
// manifest.json.
type tableManifest struct {
	Folders []struct {
		FolderID     uint64 `json:"folder_id"`
		ParentID     uint64 `json:"parent_id"`
		DisplayName  string `json:"display_name"`
		MessageCount int    `json:"message_count"`
	} `json:"folders"`
	Messages []struct {
		Folder          string   `json:"folder"`
		FolderID        uint64   `json:"folder_id"`
		MessageID       uint64   `json:"message_id"`
		Subject         string   `json:"ews_subject"`
		Read            bool     `json:"read"`
		InternalDate    string   `json:"internaldate"`
		HasAttachments  bool     `json:"ews_has_attachments"`
		AttachmentNames []string `json:"attachment_names"`
		From            string   `json:"from"`
	} `json:"messages"`
}

func loadTableManifest(t testing.TB) tableManifest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "fixture-store", "manifest.json"))
	if err != nil {
		t.Skipf("fixture manifest: %v", err)
	}
	var m tableManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// tblFixtureTx opens a copy of the upstream fixture store and starts a
// transaction on it.
func tblFixtureTx(t testing.TB) *Tx {
	t.Helper()
	if _, err := os.Stat(filepath.Join(fixtureDir, "fixture-store", "manifest.json")); err != nil {
		t.Skipf("fixture store: %v", err)
	}
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
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
	return tx
}

// tblTakeEvents returns the events the transaction emitted since the last
// call (what the actor hands to the open tables after commit).
func tblTakeEvents(tx *Tx) []Event {
	ev := tx.events
	tx.events = nil
	return ev
}

// tblApplyAll feeds events to a table and collects its changes.
func tblApplyAll(t testing.TB, tx *Tx, tb *Table, evs []Event) []TableChange {
	t.Helper()
	var out []TableChange
	for _, ev := range evs {
		ch, err := tb.ApplyEvent(tx, ev)
		if err != nil {
			t.Fatalf("apply %+v: %v", ev, err)
		}
		out = append(out, ch...)
	}
	return out
}

// tblQueryAll reads every row of a table from the top.
func tblQueryAll(t testing.TB, tx *Tx, tb *Table) [][]mapi.PropVal {
	t.Helper()
	if _, _, err := tb.SeekRow(BookmarkBeginning, 0); err != nil {
		t.Fatal(err)
	}
	rows, err := tb.QueryRows(tx, tb.Count()+10, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != tb.Count() {
		t.Fatalf("read %d rows of %d", len(rows), tb.Count())
	}
	return rows
}

// tblCol returns the value of a column of a row (nil if not found).
func tblCol(row []mapi.PropVal, cols []mapi.PropTag, tag mapi.PropTag) any {
	i := slices.Index(cols, tag)
	if i < 0 || row[i].Tag.Type() == mapi.PtError {
		return nil
	}
	return row[i].Value
}

// tblCheckMarks verifies that the cursor and the bookmarks sit on their rows.
func tblCheckMarks(t testing.TB, tb *Table) {
	t.Helper()
	check := func(name string, m *mark) {
		if m.invalid || m.gone {
			return
		}
		if m.pos < 0 || m.pos > tb.Count() {
			t.Fatalf("%s at %d of %d", name, m.pos, tb.Count())
		}
		if m.hasKey && (m.pos == tb.Count() || tb.rows.at(m.pos).key() != m.key) {
			t.Fatalf("%s at %d is not on its row %+v", name, m.pos, m.key)
		}
	}
	check("cursor", &tb.cursor)
	for id, m := range tb.marks {
		check("bookmark "+string(rune('0'+id%10)), m)
	}
}

var tblHierCols = []mapi.PropTag{mapi.PrFolderID, mapi.PrParentFolderID, mapi.PrDisplayName, mapi.PrDepth, mapi.PrInstanceKey, mapi.PrContentCount}

// The hierarchy of the root with depth is the manifest's folder tree.
func TestHierarchyTableMatchesManifest(t *testing.T) {
	tx := tblFixtureTx(t)
	m := loadTableManifest(t)
	tb, err := tx.LoadHierarchyTable(mapi.PrivateFIDRoot, TableDepth, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.SetColumns(tblHierCols); err != nil {
		t.Fatal(err)
	}
	parent := map[uint64]uint64{}
	name := map[uint64]string{}
	count := map[uint64]int{}
	for _, f := range m.Folders {
		parent[f.FolderID] = f.ParentID
		name[f.FolderID] = f.DisplayName
		count[f.FolderID] = f.MessageCount
	}
	depthOf := func(fid uint64) int32 {
		d := int32(0)
		for fid != mapi.PrivateFIDRoot && d < 100 {
			fid = parent[fid]
			d++
		}
		return d
	}
	rows := tblQueryAll(t, tx, tb)
	if len(rows) != len(m.Folders)-1 {
		t.Fatalf("%d rows, manifest has %d folders below the root", len(rows), len(m.Folders)-1)
	}
	seen := map[uint64]int32{mapi.PrivateFIDRoot: 0}
	keys := map[string]bool{}
	for i, row := range rows {
		fid := mapi.EID(tblCol(row, tblHierCols, mapi.PrFolderID).(int64)).GCV()
		pid := mapi.EID(tblCol(row, tblHierCols, mapi.PrParentFolderID).(int64)).GCV()
		depth := tblCol(row, tblHierCols, mapi.PrDepth).(int32)
		if want, ok := name[fid]; !ok || tblCol(row, tblHierCols, mapi.PrDisplayName) != want {
			t.Errorf("row %d: folder %d named %v, manifest %q", i, fid, tblCol(row, tblHierCols, mapi.PrDisplayName), want)
		}
		if pid != parent[fid] {
			t.Errorf("folder %d: parent %d, manifest %d", fid, pid, parent[fid])
		}
		if depth != depthOf(fid) {
			t.Errorf("folder %d: depth %d, want %d", fid, depth, depthOf(fid))
		}
		// Tree order: a folder comes after its parent, one level deeper.
		if pd, ok := seen[pid]; !ok || pd+1 != depth {
			t.Errorf("folder %d (depth %d) before its parent %d", fid, depth, pid)
		}
		seen[fid] = depth
		if got := tblCol(row, tblHierCols, mapi.PrContentCount); got != int32(count[fid]) {
			t.Errorf("folder %d: PR_CONTENT_COUNT %v, manifest %d", fid, got, count[fid])
		}
		k := string(tblCol(row, tblHierCols, mapi.PrInstanceKey).([]byte))
		if keys[k] {
			t.Errorf("folder %d: instance key repeats", fid)
		}
		keys[k] = true
	}

	// Without depth: the children of the IPM subtree, depth 1.
	top, err := tx.LoadHierarchyTable(mapi.PrivateFIDIPMSubtree, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	top.SetColumns(tblHierCols)
	var want []uint64
	for _, f := range m.Folders {
		if f.ParentID == mapi.PrivateFIDIPMSubtree {
			want = append(want, f.FolderID)
		}
	}
	slices.Sort(want)
	var got []uint64
	for _, row := range tblQueryAll(t, tx, top) {
		got = append(got, mapi.EID(tblCol(row, tblHierCols, mapi.PrFolderID).(int64)).GCV())
		if d := tblCol(row, tblHierCols, mapi.PrDepth); d != int32(1) {
			t.Errorf("depth %v without TableDepth", d)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("children of the IPM subtree %v, want %v", got, want)
	}

	if _, err := tx.LoadHierarchyTable(0x7777777, 0, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing folder: %v", err)
	}
}

// Restrictions see folder properties, computed ones too.
func TestHierarchyTableRestriction(t *testing.T) {
	tx := tblFixtureTx(t)
	m := loadTableManifest(t)
	fids := func(res *mapi.Restriction) []uint64 {
		t.Helper()
		tb, err := tx.LoadHierarchyTable(mapi.PrivateFIDIPMSubtree, TableDepth, res)
		if err != nil {
			t.Fatal(err)
		}
		tb.SetColumns(tblHierCols)
		var out []uint64
		for _, row := range tblQueryAll(t, tx, tb) {
			out = append(out, mapi.EID(tblCol(row, tblHierCols, mapi.PrFolderID).(int64)).GCV())
		}
		slices.Sort(out)
		return out
	}
	var withMail []uint64
	for _, f := range m.Folders {
		if f.MessageCount > 0 {
			withMail = append(withMail, f.FolderID)
		}
	}
	slices.Sort(withMail)
	got := fids(mapi.RestrictProperty(mapi.RelopGT, mapi.PrContentCount, mapi.PropVal{Tag: mapi.PrContentCount, Value: int32(0)}))
	if !slices.Equal(got, withMail) || len(got) == 0 {
		t.Errorf("folders with messages %v, want %v", got, withMail)
	}
	got = fids(mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase, mapi.PrDisplayName, mapi.PropVal{Tag: mapi.PrDisplayName, Value: "contacts"}))
	want := []uint64{mapi.PrivateFIDContacts, mapi.PrivateFIDQuickContacts, mapi.PrivateFIDIMContactList, mapi.PrivateFIDGALContacts}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("folders named like contacts %v, want %v", got, want)
	}
}

// Folders created, modified, soft-deleted: the table follows with row
// notifications, and a soft-deletes table shows the deleted folder.
func TestHierarchyTableEvents(t *testing.T) {
	tx := tblFixtureTx(t)
	tb, err := tx.LoadHierarchyTable(mapi.PrivateFIDIPMSubtree, TableDepth, nil)
	if err != nil {
		t.Fatal(err)
	}
	tb.SetColumns(tblHierCols)
	n0 := tb.Count()
	projects := uint64(1900544)
	// Cursor and a bookmark on the row after Projects.
	pos := tb.find(rowKey{id: projects})
	tb.SeekRow(BookmarkBeginning, pos+1)
	after := tb.rows.at(pos + 1).id
	bm := tb.CreateBookmark()

	fid, err := tx.CreateFolder(projects, "Beta", "IPF.Note", nil)
	if err != nil {
		t.Fatal(err)
	}
	changes := tblApplyAll(t, tx, tb, tblTakeEvents(tx))
	var added []TableChange
	for _, c := range changes {
		if c.Kind == TableRowAdded {
			added = append(added, c)
		}
	}
	if len(added) != 1 || added[0].Row.InstID.GCV() != fid {
		t.Fatalf("changes %+v, want one row added for %#x", changes, fid)
	}
	// Beta sorts after Alpha's subtree below Projects.
	i := tb.find(rowKey{id: fid})
	if i < 0 || added[0].After != tb.rows.rowID(tx, i-1) {
		t.Errorf("added after %+v, row %d", added[0].After, i)
	}
	fresh, _ := tx.LoadHierarchyTable(mapi.PrivateFIDIPMSubtree, TableDepth, nil)
	if !slices.Equal(tb.hier.rows, fresh.hier.rows) {
		t.Errorf("rows after the event differ from a fresh load")
	}
	if tb.Count() != n0+1 {
		t.Errorf("%d rows, want %d", tb.Count(), n0+1)
	}
	tblCheckMarks(t, tb)
	if tb.rows.at(tb.Position()).id != after {
		t.Errorf("cursor left its row")
	}

	// Renaming is a modified row.
	if _, err := tx.SetFolderProps(fid, Props{{Tag: mapi.PrDisplayName, Value: "Gamma"}}); err != nil {
		t.Fatal(err)
	}
	changes = tblApplyAll(t, tx, tb, tblTakeEvents(tx))
	if len(changes) == 0 || changes[0].Kind != TableRowModified || changes[0].Row.InstID.GCV() != fid {
		t.Errorf("rename: %+v", changes)
	}
	row, err := tb.RowData(tx, changes[0].Row)
	if err != nil || tblCol(row, tblHierCols, mapi.PrDisplayName) != "Gamma" {
		t.Errorf("row data %v, %v", row, err)
	}

	// Soft deletion: gone from this table, present in a soft-deletes one.
	if err := tx.DeleteFolder(fid, false); err != nil {
		t.Fatal(err)
	}
	changes = tblApplyAll(t, tx, tb, tblTakeEvents(tx))
	var deleted int
	for _, c := range changes {
		if c.Kind == TableRowDeleted && c.Row.InstID.GCV() == fid {
			deleted++
		}
	}
	if deleted != 1 || tb.Count() != n0 || tb.find(rowKey{id: fid}) >= 0 {
		t.Errorf("delete: changes %+v, %d rows", changes, tb.Count())
	}
	if _, gone, _ := tb.resolveBookmark(bm); gone {
		t.Errorf("bookmark on an untouched row is gone")
	}
	soft, err := tx.LoadHierarchyTable(mapi.PrivateFIDIPMSubtree, TableDepth|TableSoftDeletes, nil)
	if err != nil {
		t.Fatal(err)
	}
	if soft.Count() != 1 || soft.rows.at(0).id != fid || soft.rows.at(0).depth != 2 {
		t.Errorf("soft-deletes table: %d rows", soft.Count())
	}

	// FindRow by name, from the top and backwards from the end.
	res := mapi.RestrictContent(mapi.FLFullString|mapi.FLIgnoreCase, mapi.PrDisplayName, mapi.PropVal{Tag: mapi.PrDisplayName, Value: "inbox"})
	row, _, err = tb.FindRow(tx, res, BookmarkBeginning, 0, false)
	if err != nil || mapi.EID(tblCol(row, tblHierCols, mapi.PrFolderID).(int64)).GCV() != mapi.PrivateFIDInbox {
		t.Errorf("find inbox: %v %v", row, err)
	}
	if got := tb.rows.at(tb.Position()).id; got != mapi.PrivateFIDInbox {
		t.Errorf("cursor on %d after FindRow", got)
	}
	row, _, err = tb.FindRow(tx, res, BookmarkEnd, 0, true)
	if err != nil || mapi.EID(tblCol(row, tblHierCols, mapi.PrFolderID).(int64)).GCV() != mapi.PrivateFIDInbox {
		t.Errorf("find inbox backwards: %v %v", row, err)
	}
	if err := tb.Sort(tx, nil); !errors.Is(err, mapi.EcNotSupported) {
		t.Errorf("sorting a hierarchy table: %v", err)
	}
	if _, _, err := tb.Expand(1); !errors.Is(err, mapi.EcNotSupported) {
		t.Errorf("expanding in a hierarchy table: %v", err)
	}
}

// Moving a folder with its subtree changes the table as a whole; a
// client re-reads it. Creating and deleting replay row by row.
func TestHierarchyTableMoveAndReplay(t *testing.T) {
	tx := tblFixtureTx(t)
	tb, err := tx.LoadHierarchyTable(mapi.PrivateFIDIPMSubtree, TableDepth, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := tblRowIDs(tx, tb)
	alpha, archiv := uint64(1966080), uint64(2097152)
	var made []uint64
	for i, parent := range []uint64{archiv, alpha, mapi.PrivateFIDIPMSubtree, alpha} {
		fid, err := tx.CreateFolder(parent, fmt.Sprintf("new %d", i), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, fid)
		m.apply(t, tx, tb, tblApplyAll(t, tx, tb, tblTakeEvents(tx)))
		if !slices.Equal(m, tblRowIDs(tx, tb)) {
			t.Fatalf("create %d: client view differs", i)
		}
	}
	if err := tx.DeleteFolder(made[1], true); err != nil {
		t.Fatal(err)
	}
	m.apply(t, tx, tb, tblApplyAll(t, tx, tb, tblTakeEvents(tx)))
	if !slices.Equal(m, tblRowIDs(tx, tb)) {
		t.Fatal("delete: client view differs")
	}
	if err := tx.MoveFolder(alpha, archiv, ""); err != nil {
		t.Fatal(err)
	}
	changes := tblApplyAll(t, tx, tb, tblTakeEvents(tx))
	if len(changes) != 1 || changes[0].Kind != TableChanged {
		t.Errorf("move: %+v", changes)
	}
	fresh, _ := tx.LoadHierarchyTable(mapi.PrivateFIDIPMSubtree, TableDepth, nil)
	if !slices.Equal(tb.hier.rows, fresh.hier.rows) {
		t.Errorf("after the move the rows differ from a fresh load")
	}
	tblCheckMarks(t, tb)
}
