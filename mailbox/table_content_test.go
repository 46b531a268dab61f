package mailbox

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gromox-go/gromox/mapi"
)

var tblMsgCols = []mapi.PropTag{
	mapi.PrMID, mapi.PrMessageDeliveryTime, mapi.PrSubject, mapi.PrInstanceKey, mapi.PrRowType,
	mapi.PrDepth, PrInstID, PrInstanceNum, mapi.PrSenderName, mapi.PrContentCount, mapi.PrContentUnread,
}

func tblMID(row []mapi.PropVal, cols []mapi.PropTag) uint64 {
	v, ok := tblCol(row, cols, mapi.PrMID).(int64)
	if !ok {
		return 0
	}
	return mapi.EID(v).GCV()
}

func tblMIDs(rows [][]mapi.PropVal, cols []mapi.PropTag) []uint64 {
	var out []uint64
	for _, r := range rows {
		out = append(out, tblMID(r, cols))
	}
	return out
}

func tblSortBy(tag mapi.PropTag, order mapi.SortDirection) *mapi.SortOrderSet {
	return &mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: tag, Order: order}}}
}

func tblLoadContents(t testing.TB, tx *Tx, fid uint64, flags TableFlags, res *mapi.Restriction, sorts *mapi.SortOrderSet) *Table {
	t.Helper()
	tb, err := tx.LoadContentTable(fid, flags, res, sorts)
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.SetColumns(tblMsgCols); err != nil {
		t.Fatal(err)
	}
	return tb
}

type tblManifestMsg = struct {
	Folder          string   `json:"folder"`
	FolderID        uint64   `json:"folder_id"`
	MessageID       uint64   `json:"message_id"`
	Subject         string   `json:"ews_subject"`
	Read            bool     `json:"read"`
	InternalDate    string   `json:"internaldate"`
	HasAttachments  bool     `json:"ews_has_attachments"`
	AttachmentNames []string `json:"attachment_names"`
	From            string   `json:"from"`
}

func tblInbox(t testing.TB) []tblManifestMsg {
	var out []tblManifestMsg
	for _, m := range loadTableManifest(t).Messages {
		if m.FolderID == mapi.PrivateFIDInbox {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		t.Fatal("no INBOX messages in the manifest")
	}
	return out
}

func tblMIDsWhere(msgs []tblManifestMsg, f func(tblManifestMsg) bool) []uint64 {
	var out []uint64
	for _, m := range msgs {
		if f(m) {
			out = append(out, m.MessageID)
		}
	}
	slices.Sort(out)
	return out
}

// The INBOX sorted by delivery time, both ways, is the manifest's INBOX
// ordered by internal date; the msgtime_index path and the general one
// agree.
func TestContentTableSortedByDeliveryTime(t *testing.T) {
	tx := tblFixtureTx(t)
	inbox := tblInbox(t)
	date := map[uint64]time.Time{}
	for _, m := range inbox {
		d, err := time.Parse("02-Jan-2006 15:04:05 -0700", m.InternalDate)
		if err != nil {
			t.Fatal(err)
		}
		date[m.MessageID] = d
	}
	var orders [][]uint64
	for _, dir := range []mapi.SortDirection{mapi.SortAscend, mapi.SortDescend} {
		tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, tblSortBy(mapi.PrMessageDeliveryTime, dir))
		if tb.content.fastColumn() != "rcvtime" {
			t.Fatal("the single time sort does not use msgtime_index")
		}
		rows := tblQueryAll(t, tx, tb)
		if len(rows) != len(inbox) {
			t.Fatalf("%d rows, manifest has %d INBOX messages", len(rows), len(inbox))
		}
		got := tblMIDs(rows, tblMsgCols)
		orders = append(orders, got)
		var prev time.Time
		for i, row := range rows {
			mid := got[i]
			want, ok := date[mid]
			if !ok {
				t.Fatalf("row %d: message %d not in the manifest's INBOX", i, mid)
			}
			dt := tblCol(row, tblMsgCols, mapi.PrMessageDeliveryTime).(mapi.FileTime).Time()
			// The IMAP internal date is a second-resolution time taken
			// close to delivery (one message is a second off).
			if d := dt.Sub(want); d < 0 || d >= 2*time.Second {
				t.Errorf("message %d: delivered %v, internal date %v", mid, dt, want)
			}
			if i > 0 && (dir == mapi.SortAscend && want.Before(prev) || dir == mapi.SortDescend && want.After(prev)) {
				t.Errorf("row %d out of order (%v after %v)", i, want, prev)
			}
			prev = want
			if tblCol(row, tblMsgCols, mapi.PrRowType) != RowTypeLeaf || tblCol(row, tblMsgCols, mapi.PrDepth) != int32(0) ||
				tblCol(row, tblMsgCols, PrInstanceNum) != int32(0) || tblCol(row, tblMsgCols, PrInstID) != int64(mapi.MakeEID(1, mid)) {
				t.Errorf("row %d: table columns %v", i, row)
			}
			if tblCol(row, tblMsgCols, mapi.PrContentCount) != nil {
				t.Errorf("row %d: a leaf has PR_CONTENT_COUNT", i)
			}
		}
	}
	rev := slices.Clone(orders[1])
	slices.Reverse(rev)
	if !slices.Equal(orders[0], rev) {
		t.Errorf("descending is not ascending reversed:\n%v\n%v", orders[0], orders[1])
	}
	// Two sort keys: no msgtime_index, same order.
	two := &mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: mapi.PrMessageDeliveryTime, Order: mapi.SortAscend}, {Tag: mapi.PrMID, Order: mapi.SortAscend}}}
	tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, two)
	if got := tblMIDs(tblQueryAll(t, tx, tb), tblMsgCols); !slices.Equal(got, orders[0]) {
		t.Errorf("general sort %v, msgtime_index %v", got, orders[0])
	}
}

// Restrictions: subject substring, read flag, attachments, a
// subrestriction on attachment file names.
func TestContentTableRestrictions(t *testing.T) {
	tx := tblFixtureTx(t)
	inbox := tblInbox(t)
	cases := []struct {
		name string
		res  *mapi.Restriction
		want func(tblManifestMsg) bool
	}{
		{"subject contains project",
			mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase, mapi.PrSubject, mapi.PropVal{Tag: mapi.PrSubject, Value: "project"}),
			func(m tblManifestMsg) bool { return strings.Contains(strings.ToLower(m.Subject), "project") }},
		{"read",
			mapi.RestrictBitmask(mapi.BitmaskNEZ, mapi.PrMessageFlags, MsgFlagRead),
			func(m tblManifestMsg) bool { return m.Read }},
		{"unread",
			mapi.RestrictBitmask(mapi.BitmaskEQZ, mapi.PrMessageFlags, MsgFlagRead),
			func(m tblManifestMsg) bool { return !m.Read }},
		{"has attachments",
			mapi.RestrictProperty(mapi.RelopEQ, mapi.PrHasAttach, mapi.PropVal{Tag: mapi.PrHasAttach, Value: true}),
			func(m tblManifestMsg) bool { return m.HasAttachments }},
		{"attachment named *.pdf",
			mapi.RestrictSub(mapi.PrMessageAttachments, mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase,
				mapi.PrAttachLongFilename, mapi.PropVal{Tag: mapi.PrAttachLongFilename, Value: ".PDF"})),
			func(m tblManifestMsg) bool {
				return slices.ContainsFunc(m.AttachmentNames, func(n string) bool { return strings.HasSuffix(n, ".pdf") })
			}},
		{"read and has attachments",
			mapi.RestrictAnd(mapi.RestrictBitmask(mapi.BitmaskNEZ, mapi.PrMessageFlags, MsgFlagRead),
				mapi.RestrictExist(mapi.PrHasAttach),
				mapi.RestrictProperty(mapi.RelopEQ, mapi.PrHasAttach, mapi.PropVal{Tag: mapi.PrHasAttach, Value: true})),
			func(m tblManifestMsg) bool { return m.Read && m.HasAttachments }},
	}
	for _, c := range cases {
		want := tblMIDsWhere(inbox, c.want)
		if len(want) == 0 || len(want) == len(inbox) {
			t.Fatalf("%s: manifest selects %d of %d, a weak test", c.name, len(want), len(inbox))
		}
		for _, sorts := range []*mapi.SortOrderSet{nil, tblSortBy(mapi.PrMessageDeliveryTime, mapi.SortDescend)} {
			tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, c.res, sorts)
			got := tblMIDs(tblQueryAll(t, tx, tb), tblMsgCols)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s (sorted %v): %v, want %v", c.name, sorts != nil, got, want)
			}
		}
	}
	// RopRestrict replaces the restriction.
	tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, nil)
	if err := tb.Restrict(tx, cases[1].res); err != nil {
		t.Fatal(err)
	}
	if got := tb.Count(); got != len(tblMIDsWhere(inbox, cases[1].want)) {
		t.Errorf("after Restrict: %d rows", got)
	}
}

// tblSenderName is the display name of a From header.
func tblSenderName(from string) string {
	if i := strings.Index(from, " <"); i >= 0 {
		return from[:i]
	}
	return from
}

// Categories by sender: header rows with counts, collapse and expand,
// collapse state.
func TestContentTableCategories(t *testing.T) {
	tx := tblFixtureTx(t)
	inbox := tblInbox(t)
	type group struct{ n, unread int }
	want := map[string]*group{}
	var names []string
	for _, m := range inbox {
		name := tblSenderName(m.From)
		g := want[name]
		if g == nil {
			g = &group{}
			want[name] = g
			names = append(names, name)
		}
		g.n++
		if !m.Read {
			g.unread++
		}
	}
	slices.SortFunc(names, mapi.CompareStrings)
	sorts := &mapi.SortOrderSet{Sorts: []mapi.SortOrder{
		{Tag: mapi.PrSenderName, Order: mapi.SortAscend},
		{Tag: mapi.PrMessageDeliveryTime, Order: mapi.SortDescend},
	}, CategoryCount: 1, ExpandedCount: 1}
	tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, sorts)
	if tb.Count() != len(inbox)+len(want) {
		t.Fatalf("%d rows, want %d messages and %d headers", tb.Count(), len(inbox), len(want))
	}
	rows := tblQueryAll(t, tx, tb)
	var headers []string
	headerIDs := map[string]uint64{}
	var cur string
	var lastTime mapi.FileTime
	for i, row := range rows {
		switch tblCol(row, tblMsgCols, mapi.PrRowType) {
		case RowTypeExpandedCategory:
			cur = tblCol(row, tblMsgCols, mapi.PrSenderName).(string)
			headers = append(headers, cur)
			headerIDs[cur] = uint64(tblCol(row, tblMsgCols, PrInstID).(int64))
			g := want[cur]
			if g == nil || tblCol(row, tblMsgCols, mapi.PrContentCount) != int32(g.n) || tblCol(row, tblMsgCols, mapi.PrContentUnread) != int32(g.unread) {
				t.Errorf("header %q: count %v unread %v, want %+v", cur, tblCol(row, tblMsgCols, mapi.PrContentCount), tblCol(row, tblMsgCols, mapi.PrContentUnread), g)
			}
			if tblCol(row, tblMsgCols, mapi.PrDepth) != int32(0) || tblCol(row, tblMsgCols, mapi.PrMID) != nil || tblCol(row, tblMsgCols, mapi.PrSubject) != nil {
				t.Errorf("header %q shows %v", cur, row)
			}
			lastTime = 1<<63 - 1
		case RowTypeLeaf:
			if tblCol(row, tblMsgCols, mapi.PrSenderName) != cur || tblCol(row, tblMsgCols, mapi.PrDepth) != int32(1) {
				t.Errorf("row %d: leaf of %v under %q", i, tblCol(row, tblMsgCols, mapi.PrSenderName), cur)
			}
			tm := tblCol(row, tblMsgCols, mapi.PrMessageDeliveryTime).(mapi.FileTime)
			if tm > lastTime {
				t.Errorf("row %d: not by descending delivery time", i)
			}
			lastTime = tm
		default:
			t.Errorf("row %d: row type %v", i, tblCol(row, tblMsgCols, mapi.PrRowType))
		}
	}
	if !slices.Equal(headers, names) {
		t.Errorf("categories %q, want %q", headers, names)
	}

	// Collapse the largest category, then expand it again.
	big := names[0]
	for _, n := range names {
		if want[n].n > want[big].n {
			big = n
		}
	}
	tb.SeekRow(BookmarkEnd, 0)
	n, err := tb.Collapse(headerIDs[big])
	if err != nil || n != want[big].n {
		t.Fatalf("collapse %q: %d, %v", big, n, err)
	}
	if tb.Count() != len(inbox)+len(want)-n {
		t.Errorf("%d rows after collapse", tb.Count())
	}
	if tb.Position() != tb.Count() {
		t.Errorf("cursor at the end moved to %d of %d", tb.Position(), tb.Count())
	}
	if _, err := tb.Collapse(headerIDs[big]); !errors.Is(err, mapi.EcNotExpanded) {
		t.Errorf("collapse twice: %v", err)
	}
	if _, _, err := tb.Expand(1 << 60); !errors.Is(err, mapi.EcNotFound) {
		t.Errorf("expand unknown: %v", err)
	}
	hdrPos := tb.find(rowKey{id: mapi.EID(headerIDs[big]).GCV(), hdr: true})
	tb.SeekRow(BookmarkBeginning, hdrPos)
	row, _ := tb.QueryRows(tx, 1, false)
	if tblCol(row[0], tblMsgCols, mapi.PrRowType) != RowTypeCollapsedCategory {
		t.Errorf("collapsed header shows row type %v", tblCol(row[0], tblMsgCols, mapi.PrRowType))
	}

	// The collapse state, with the cursor on a leaf of another category,
	// applies to a fresh table of the same sort order.
	other := names[len(names)-1]
	otherPos := tb.find(rowKey{id: mapi.EID(headerIDs[other]).GCV(), hdr: true}) + 1
	leafKey := tb.rows.at(otherPos)
	state, err := tb.GetCollapseState(uint64(mapi.MakeEID(1, leafKey.id)), leafKey.inst)
	if err != nil {
		t.Fatal(err)
	}
	tb2 := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, sorts)
	bm, err := tb2.SetCollapseState(state)
	if err != nil {
		t.Fatal(err)
	}
	if tb2.Count() != tb.Count() {
		t.Errorf("collapse state gives %d rows, want %d", tb2.Count(), tb.Count())
	}
	if gone, _, _, err := tb2.SeekRowBookmark(bm, 0); err != nil || gone || tb2.rows.at(tb2.Position()) != leafKey {
		t.Errorf("collapse state bookmark: %v %v at %+v", gone, err, tb2.rows.at(tb2.Position()))
	}
	tb3 := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, tblSortBy(mapi.PrSenderName, mapi.SortAscend))
	if _, err := tb3.SetCollapseState(state); !errors.Is(err, mapi.EcInvalidParam) {
		t.Errorf("collapse state of another sort order: %v", err)
	}

	pos, n, err := tb.Expand(headerIDs[big])
	if err != nil || n != want[big].n || pos != hdrPos {
		t.Fatalf("expand: %d %d %v", pos, n, err)
	}
	if _, _, err := tb.Expand(headerIDs[big]); !errors.Is(err, mapi.EcNotCollapsed) {
		t.Errorf("expand twice: %v", err)
	}
	if tb.Count() != len(inbox)+len(want) {
		t.Errorf("%d rows after expand", tb.Count())
	}
	tblCheckMarks(t, tb)

	// All collapsed: only the headers.
	collapsed := *sorts
	collapsed.ExpandedCount = 0
	tb4 := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, &collapsed)
	if tb4.Count() != len(want) {
		t.Errorf("collapsed categories: %d rows", tb4.Count())
	}

	// Reading a message changes its header's unread count: a modified
	// header row (and the leaf).
	var unreadMid uint64
	for _, m := range inbox {
		if !m.Read && tblSenderName(m.From) == big {
			unreadMid = m.MessageID
			break
		}
	}
	if _, err := tx.SetReadState(unreadMid, true); err != nil {
		t.Fatal(err)
	}
	changes := tblApplyAll(t, tx, tb, tblTakeEvents(tx))
	var hdrMod, leafMod bool
	for _, c := range changes {
		if c.Kind != TableRowModified {
			t.Errorf("unexpected change %+v", c)
		}
		switch c.Row.InstID {
		case mapi.EID(headerIDs[big]):
			hdrMod = true
			data, err := tb.RowData(tx, c.Row)
			if err != nil || tblCol(data, tblMsgCols, mapi.PrContentUnread) != int32(want[big].unread-1) {
				t.Errorf("header after read: %v %v", data, err)
			}
		case mapi.MakeEID(1, unreadMid):
			leafMod = true
		}
	}
	if !hdrMod || !leafMod {
		t.Errorf("read state: changes %+v", changes)
	}
	tblCheckMarks(t, tb)
}

// A bookmark on a row that is deleted moves to the next row and says its
// row is no longer visible; the cursor stays with its row.
func TestContentTableBookmarkSurvivesDeletion(t *testing.T) {
	tx := tblFixtureTx(t)
	tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, tblSortBy(mapi.PrMessageDeliveryTime, mapi.SortAscend))
	all := tblMIDs(tblQueryAll(t, tx, tb), tblMsgCols)
	tb.SeekRow(BookmarkBeginning, 5)
	bm := tb.CreateBookmark()
	tb.SeekRow(BookmarkBeginning, 9)
	bm2 := tb.CreateBookmark()
	tb.SeekRow(BookmarkBeginning, 12)

	if _, err := tx.DeleteMessages(mapi.PrivateFIDInbox, []uint64{all[5], all[3]}, true); err != nil {
		t.Fatal(err)
	}
	changes := tblApplyAll(t, tx, tb, tblTakeEvents(tx))
	var deleted []uint64
	for _, c := range changes {
		if c.Kind == TableRowDeleted {
			deleted = append(deleted, c.Row.InstID.GCV())
		}
	}
	slices.Sort(deleted)
	if want := []uint64{min(all[3], all[5]), max(all[3], all[5])}; !slices.Equal(deleted, want) {
		t.Errorf("deleted rows %v, want %v (%+v)", deleted, want, changes)
	}
	if tb.Count() != len(all)-2 {
		t.Errorf("%d rows", tb.Count())
	}
	tblCheckMarks(t, tb)
	if got := tb.rows.at(tb.Position()).id; got != all[12] {
		t.Errorf("cursor on %d, want %d", got, all[12])
	}
	gone, sought, less, err := tb.SeekRowBookmark(bm, 0)
	if err != nil || !gone || sought != 0 || less {
		t.Fatalf("seek to the deleted row's bookmark: %v %d %v %v", gone, sought, less, err)
	}
	rows, _ := tb.QueryRows(tx, 1, false)
	if got := tblMID(rows[0], tblMsgCols); got != all[6] {
		t.Errorf("after the deleted row's bookmark: %d, want the next row %d", got, all[6])
	}
	gone, _, _, err = tb.SeekRowBookmark(bm, -1)
	if err != nil || !gone || tb.rows.at(tb.Position()).id != all[4] {
		t.Errorf("one before the bookmark: %v %v at %d", gone, err, tb.rows.at(tb.Position()).id)
	}
	gone, _, _, err = tb.SeekRowBookmark(bm2, 0)
	if err != nil || gone || tb.rows.at(tb.Position()).id != all[9] {
		t.Errorf("untouched bookmark: %v %v", gone, err)
	}
	if err := tb.FreeBookmark(bm2); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := tb.SeekRowBookmark(bm2, 0); !errors.Is(err, mapi.EcInvalidBookmark) {
		t.Errorf("freed bookmark: %v", err)
	}
	// Sorting invalidates bookmarks.
	if err := tb.Sort(tx, tblSortBy(mapi.PrSubject, mapi.SortAscend)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := tb.SeekRowBookmark(bm, 0); !errors.Is(err, mapi.EcInvalidBookmark) {
		t.Errorf("bookmark after sort: %v", err)
	}
	if tb.Position() != 0 {
		t.Errorf("cursor at %d after sort", tb.Position())
	}
}

// New, modified and moved messages land where a fresh load puts them,
// with the row before them in the notification.
func TestContentTableEvents(t *testing.T) {
	tx := tblFixtureTx(t)
	for _, sorts := range []*mapi.SortOrderSet{
		tblSortBy(mapi.PrMessageDeliveryTime, mapi.SortDescend),
		tblSortBy(mapi.PrSubject, mapi.SortAscend),
		{Sorts: []mapi.SortOrder{{Tag: mapi.PrSenderName, Order: mapi.SortAscend}, {Tag: mapi.PrSubject, Order: mapi.SortAscend}}, CategoryCount: 1, ExpandedCount: 1},
	} {
		tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, sorts)
		tb.SeekRow(BookmarkBeginning, 2)
		cursorRow := tb.rows.at(2)
		sameAsFresh := func(what string) {
			t.Helper()
			fresh := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, sorts)
			var a, b []rowKey
			for i := range tb.Count() {
				r := tb.rows.at(i)
				if r.hdr {
					r.id = 0 // header ids differ between tables
				}
				a = append(a, r.key())
			}
			for i := range fresh.Count() {
				r := fresh.rows.at(i)
				if r.hdr {
					r.id = 0
				}
				b = append(b, r.key())
			}
			if !slices.Equal(a, b) {
				t.Errorf("%v: %s: rows differ from a fresh load:\n%v\n%v", sorts.Sorts, what, a, b)
			}
			tblCheckMarks(t, tb)
			if tb.rows.at(tb.Position()) != cursorRow {
				t.Errorf("%s: cursor left its row", what)
			}
		}
		checkAfter := func(changes []TableChange, kind TableChangeKind, mid uint64) {
			t.Helper()
			for _, c := range changes {
				if c.Kind == kind && c.Row.InstID == mapi.MakeEID(1, mid) {
					i := tb.find(rowKey{id: mid})
					var before RowID
					if i > 0 {
						before, _ = tb.RowID(tx, i-1)
					}
					if c.After != before {
						t.Errorf("%v: row %d after %+v, want %+v", sorts.Sorts, mid, c.After, before)
					}
					return
				}
			}
			t.Errorf("%v: no %v change for %d in %+v", sorts.Sorts, kind, mid, changes)
		}

		mid, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, &MessageContent{Props: Props{
			{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: mapi.PrSubject, Value: "Middle of the road"},
			{Tag: mapi.PrSenderName, Value: "Erika Mustermann"},
			{Tag: mapi.PrMessageDeliveryTime, Value: mapi.FileTime(134403774090000000)},
		}})
		if err != nil {
			t.Fatal(err)
		}
		checkAfter(tblApplyAll(t, tx, tb, tblTakeEvents(tx)), TableRowAdded, mid)
		sameAsFresh("new message")

		if _, err := tx.SetMessageProps(mid, Props{{Tag: mapi.PrSubject, Value: "Aardvark"}, {Tag: mapi.PrSenderName, Value: "Aaron"}}); err != nil {
			t.Fatal(err)
		}
		changes := tblApplyAll(t, tx, tb, tblTakeEvents(tx))
		// Also when it moves into a new category: a modified row
		// with a new place.
		checkAfter(changes, TableRowModified, mid)
		sameAsFresh("modified message")

		if _, _, err := tx.MoveCopyMessages(mapi.PrivateFIDInbox, mapi.PrivateFIDDeletedItems, []uint64{mid}, false); err != nil {
			t.Fatal(err)
		}
		changes = tblApplyAll(t, tx, tb, tblTakeEvents(tx))
		if !slices.ContainsFunc(changes, func(c TableChange) bool { return c.Kind == TableRowDeleted && c.Row.InstID == mapi.MakeEID(1, mid) }) {
			t.Errorf("move away: %+v", changes)
		}
		sameAsFresh("moved message")
	}
}

// FAI messages have their own table; soft-deleted messages theirs.
func TestContentTableAssociatedAndSoftDeleted(t *testing.T) {
	tx := tblFixtureTx(t)
	var fai []uint64
	for i := range 3 {
		mid, _, err := tx.WriteMessage(mapi.PrivateFIDCalendar, &MessageContent{Props: Props{
			{Tag: mapi.PrMessageClass, Value: "IPM.Configuration.View"},
			{Tag: mapi.PrAssociated, Value: true},
			{Tag: mapi.PrSubject, Value: fmt.Sprintf("view %d", i)},
		}})
		if err != nil {
			t.Fatal(err)
		}
		fai = append(fai, mid)
	}
	normal := tblLoadContents(t, tx, mapi.PrivateFIDCalendar, 0, nil, nil)
	assoc := tblLoadContents(t, tx, mapi.PrivateFIDCalendar, TableAssociated, nil, tblSortBy(mapi.PrSubject, mapi.SortDescend))
	if normal.Count() != 2 {
		t.Errorf("calendar: %d normal rows", normal.Count())
	}
	got := tblMIDs(tblQueryAll(t, tx, assoc), tblMsgCols)
	want := slices.Clone(fai)
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Errorf("FAI table %v, want %v", got, want)
	}
	tblTakeEvents(tx)
	if _, err := tx.DeleteMessages(mapi.PrivateFIDCalendar, fai[:1], false); err != nil {
		t.Fatal(err)
	}
	evs := tblTakeEvents(tx)
	tblApplyAll(t, tx, assoc, evs)
	tblApplyAll(t, tx, normal, evs)
	if assoc.Count() != 2 || normal.Count() != 2 {
		t.Errorf("after soft delete: %d FAI rows, %d normal rows", assoc.Count(), normal.Count())
	}
	soft := tblLoadContents(t, tx, mapi.PrivateFIDCalendar, TableAssociated|TableSoftDeletes, nil, nil)
	if got := tblMIDs(tblQueryAll(t, tx, soft), tblMsgCols); !slices.Equal(got, fai[:1]) {
		t.Errorf("soft-deleted FAI: %v", got)
	}
}

// A table sorted on a multi-value column with the instance flag has a
// row per value; categories on it too. Long strings are cut to 255
// characters.
func TestContentTableMultiValueInstances(t *testing.T) {
	tx := tblFixtureTx(t)
	fid, err := tx.CreateFolder(mapi.PrivateFIDIPMSubtree, "MV", "IPF.Note", nil)
	if err != nil {
		t.Fatal(err)
	}
	kw := mapi.NewTag(0x8001, mapi.PtMvUnicode)
	long := strings.Repeat("ü", 300)
	vals := [][]string{{"red", "blue"}, {"green"}, nil, {"blue", "green", "yellow"}}
	var ids []uint64
	for i, v := range vals {
		p := Props{{Tag: mapi.PrMessageClass, Value: "IPM.Note"}, {Tag: mapi.PrSubject, Value: fmt.Sprintf("m%d %s", i, long)}}
		if v != nil {
			p = append(p, mapi.PropVal{Tag: kw, Value: v})
		}
		mid, _, err := tx.WriteMessage(fid, &MessageContent{Props: p})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, mid)
	}
	inst := kw.WithType(mapi.PtMvUnicode | mapi.MvInstance)
	cols := append(slices.Clone(tblMsgCols), inst, kw)
	tb, err := tx.LoadContentTable(fid, 0, nil, tblSortBy(inst, mapi.SortAscend))
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.SetColumns(cols); err != nil {
		t.Fatal(err)
	}
	rows := tblQueryAll(t, tx, tb)
	type got struct {
		mid  uint64
		v    any
		inst int32
	}
	var seq []got
	keys := map[string]bool{}
	for _, r := range rows {
		seq = append(seq, got{tblMID(r, cols), tblCol(r, cols, inst), tblCol(r, cols, PrInstanceNum).(int32)})
		keys[string(tblCol(r, cols, mapi.PrInstanceKey).([]byte))] = true
		if s := tblCol(r, cols, mapi.PrSubject).(string); utf8.RuneCountInString(s) != 255 {
			t.Errorf("subject of %d characters in a table", utf8.RuneCountInString(s))
		}
	}
	wantSeq := []got{{ids[2], nil, 0}, {ids[0], "blue", 2}, {ids[3], "blue", 1}, {ids[1], "green", 1}, {ids[3], "green", 2}, {ids[0], "red", 1}, {ids[3], "yellow", 3}}
	if !slices.Equal(seq, wantSeq) {
		t.Errorf("instances %v, want %v", seq, wantSeq)
	}
	if len(keys) != len(rows) {
		t.Errorf("%d instance keys for %d rows", len(keys), len(rows))
	}
	// Categorized on the instance column.
	cat := &mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: inst, Order: mapi.SortAscend}}, CategoryCount: 1, ExpandedCount: 1}
	if err := tb.Sort(tx, cat); err != nil {
		t.Fatal(err)
	}
	if tb.Count() != 7+5 {
		t.Errorf("%d rows in categories of keywords", tb.Count())
	}
	// Dropping a value removes that instance row only.
	if _, err := tx.SetMessageProps(ids[3], Props{{Tag: kw, Value: []string{"blue", "yellow"}}}); err != nil {
		t.Fatal(err)
	}
	changes := tblApplyAll(t, tx, tb, tblTakeEvents(tx))
	if tb.Count() != 6+5 || len(changes) == 0 {
		t.Errorf("after dropping a value: %d rows, changes %+v", tb.Count(), changes)
	}
	if err := tb.SetColumns([]mapi.PropTag{inst}); err != nil {
		t.Errorf("instance column: %v", err)
	}
	if err := tb.Sort(tx, tblSortBy(kw, mapi.SortAscend)); !errors.Is(err, mapi.EcNotSupported) {
		t.Errorf("sort on a multi-value without instances: %v", err)
	}
}

// Seeking and finding at the edges: an empty table, past the end,
// backwards.
func TestContentTableSeekFindEdges(t *testing.T) {
	tx := tblFixtureTx(t)
	empty := tblLoadContents(t, tx, mapi.PrivateFIDDraft, 0, nil, tblSortBy(mapi.PrMessageDeliveryTime, mapi.SortDescend))
	if empty.Count() != 0 {
		t.Fatalf("drafts: %d rows", empty.Count())
	}
	if rows, err := empty.QueryRows(tx, 10, true); err != nil || len(rows) != 0 {
		t.Errorf("query empty: %v %v", rows, err)
	}
	if s, less, _ := empty.SeekRow(BookmarkBeginning, 5); s != 0 || !less {
		t.Errorf("seek in empty table: %d %v", s, less)
	}
	if s, less, _ := empty.SeekRow(BookmarkEnd, -3); s != 0 || !less {
		t.Errorf("seek back in empty table: %d %v", s, less)
	}
	if _, _, err := empty.FindRow(tx, nil, BookmarkBeginning, 0, false); !errors.Is(err, mapi.EcNotFound) {
		t.Errorf("find in empty table: %v", err)
	}
	empty.SeekRowApprox(1, 2)
	bm := empty.CreateBookmark()
	if gone, s, _, err := empty.SeekRowBookmark(bm, 1); err != nil || gone || s != 0 {
		t.Errorf("bookmark in empty table: %v %d %v", gone, s, err)
	}
	if num, den := empty.QueryPosition(); num != 0 || den != 0 {
		t.Errorf("position %d/%d", num, den)
	}

	tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, tblSortBy(mapi.PrMessageDeliveryTime, mapi.SortAscend))
	all := tblMIDs(tblQueryAll(t, tx, tb), tblMsgCols)
	n := len(all)
	if tb.Position() != n {
		t.Errorf("after reading all rows the cursor is at %d", tb.Position())
	}
	if s, less, _ := tb.SeekRow(BookmarkBeginning, n+100); s != n || !less || tb.Position() != n {
		t.Errorf("seek past the end: %d %v at %d", s, less, tb.Position())
	}
	if rows, _ := tb.QueryRows(tx, 5, true); len(rows) != 0 {
		t.Errorf("%d rows past the end", len(rows))
	}
	rows, err := tb.QueryRows(tx, -3, true)
	if err != nil || !slices.Equal(tblMIDs(rows, tblMsgCols), []uint64{all[n-1], all[n-2], all[n-3]}) || tb.Position() != n-3 {
		t.Errorf("backwards from the end: %v at %d", tblMIDs(rows, tblMsgCols), tb.Position())
	}
	rows, _ = tb.QueryRows(tx, -100, false)
	if len(rows) != n-3 || tb.Position() != n-3 {
		t.Errorf("backwards past the beginning without advance: %d rows at %d", len(rows), tb.Position())
	}
	if s, less, _ := tb.SeekRow(BookmarkCurrent, -100); s != -(n-3) || !less || tb.Position() != 0 {
		t.Errorf("seek back past the beginning: %d %v", s, less)
	}
	if s, less, _ := tb.SeekRow(BookmarkEnd, -5); s != -5 || less || tb.Position() != n-5 {
		t.Errorf("seek back from the end: %d %v", s, less)
	}
	if num, den := tb.QueryPosition(); int(num) != n-5 || int(den) != n {
		t.Errorf("position %d/%d", num, den)
	}
	tb.SeekRowApprox(1, 2)
	if tb.Position() != n/2 {
		t.Errorf("half way: %d", tb.Position())
	}
	tb.SeekRowApprox(3, 3)
	if tb.Position() != n {
		t.Errorf("fraction 1: %d", tb.Position())
	}
	tb.SeekRowApprox(0, 7)
	if tb.Position() != 0 {
		t.Errorf("fraction 0: %d", tb.Position())
	}

	// Find forward from the beginning, backward from the end, from a
	// bookmark; no match.
	unread := mapi.RestrictBitmask(mapi.BitmaskEQZ, mapi.PrMessageFlags, MsgFlagRead)
	read := map[uint64]bool{}
	for _, m := range tblInbox(t) {
		read[m.MessageID] = m.Read
	}
	first, last := -1, -1
	for i, mid := range all {
		if !read[mid] {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	row, _, err := tb.FindRow(tx, unread, BookmarkBeginning, 0, false)
	if err != nil || tblMID(row, tblMsgCols) != all[first] || tb.Position() != first {
		t.Errorf("find first unread: %v at %d, %v", tblMID(row, tblMsgCols), tb.Position(), err)
	}
	// From the current row (itself a match) forward finds it again.
	if row, _, _ := tb.FindRow(tx, unread, BookmarkCurrent, 0, false); tblMID(row, tblMsgCols) != all[first] {
		t.Errorf("find from a matching row moved on")
	}
	row, _, err = tb.FindRow(tx, unread, BookmarkEnd, 0, true)
	if err != nil || tblMID(row, tblMsgCols) != all[last] || tb.Position() != last {
		t.Errorf("find last unread: %v, %v", tblMID(row, tblMsgCols), err)
	}
	tb.SeekRow(BookmarkBeginning, first+1)
	bm = tb.CreateBookmark()
	tb.SeekRow(BookmarkBeginning, 0)
	row, gone, err := tb.FindRow(tx, unread, BookmarkCustom, bm, false)
	var next uint64
	for _, mid := range all[first+1:] {
		if !read[mid] {
			next = mid
			break
		}
	}
	if err != nil || gone || tblMID(row, tblMsgCols) != next {
		t.Errorf("find from bookmark: %v %v %v", tblMID(row, tblMsgCols), gone, err)
	}
	pos := tb.Position()
	nothing := mapi.RestrictContent(mapi.FLSubstring, mapi.PrSubject, mapi.PropVal{Tag: mapi.PrSubject, Value: "no such subject"})
	if _, _, err := tb.FindRow(tx, nothing, BookmarkBeginning, 0, false); !errors.Is(err, mapi.EcNotFound) || tb.Position() != pos {
		t.Errorf("find nothing: %v, cursor %d (was %d)", err, tb.Position(), pos)
	}
	if _, _, err := tb.FindRow(tx, unread, BookmarkCustom, 999, false); !errors.Is(err, mapi.EcInvalidBookmark) {
		t.Errorf("find from unknown bookmark: %v", err)
	}
	// Reload keeps the cursor on its row.
	tb.SeekRow(BookmarkBeginning, 7)
	r7 := tb.rows.at(7)
	if err := tb.Reload(tx); err != nil {
		t.Fatal(err)
	}
	if tb.rows.at(tb.Position()) != r7 {
		t.Errorf("reload moved the cursor")
	}
	// ReadRows does not move the cursor.
	if rows, _ := tb.ReadRows(tx, 3, 2); len(rows) != 2 || tblMID(rows[0], tblMsgCols) != all[3] || tb.Position() != 7 {
		t.Errorf("ReadRows: %d rows", len(rows))
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if err := tb.Sort(tx, nil); err != nil {
		t.Fatal(err)
	}
	if got := tblMIDs(tblQueryAll(t, tx, tb), tblMsgCols); !slices.Equal(got, all) {
		t.Errorf("unsorted table is not by message id: %v", got)
	}
}

// Sort and restriction values read for a whole folder at once are what
// MessageProps answers, for every stored property of the INBOX.
func TestContentTableBulkMatchesMessageProps(t *testing.T) {
	tx := tblFixtureTx(t)
	tb := tblLoadContents(t, tx, mapi.PrivateFIDInbox, 0, nil, nil)
	c := tb.content
	cands, err := c.candidates(tx)
	if err != nil {
		t.Fatal(err)
	}
	var tags []mapi.PropTag
	for _, cd := range cands {
		o, err := tx.loadObject(messageTable, cd.mid)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range o.storedTags() {
			for _, f := range []mapi.PropTag{tag, stringTwin(tag)} {
				if f != 0 && !slices.Contains(tags, f) {
					tags = append(tags, f)
				}
			}
		}
	}
	for _, tag := range []mapi.PropTag{mapi.PrSubject, mapi.PrMessageFlags, mapi.PrImportance, mapi.NewTag(0x7777, mapi.PtLong)} {
		if !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	for _, tag := range []mapi.PropTag{mapi.PrMID, mapi.PrRead, mapi.PrMessageSize, mapi.PrHasAttach, mapi.PrSubjectA, mapi.PrAssociated, mapi.PrDisplayTo} {
		if !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	stored, derived, slow, err := tx.splitBulkTags(tags, cands[0].mid)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) < 20 || len(derived) != 8 || !slices.Contains(slow, mapi.PrBody) || !slices.Contains(slow, mapi.PrDisplayTo) {
		t.Fatalf("stored %d tags, derived %v, slow %v", len(stored), derived, slow)
	}
	bulk, rest, err := c.bulkValues(tx, tags, cands[0].mid)
	if err != nil {
		t.Fatal(err)
	}
	quick := slices.DeleteFunc(slices.Clone(tags), func(tag mapi.PropTag) bool { return slices.Contains(rest, tag) })
	for _, cd := range cands {
		want, err := tx.MessageProps(cd.mid, quick)
		if err != nil {
			t.Fatal(err)
		}
		got := bulk[cd.mid]
		if len(got) != len(want) {
			t.Errorf("message %d: %d values in bulk, %d from MessageProps", cd.mid, len(got), len(want))
		}
		for _, w := range want {
			g, ok := got.Get(w.Tag)
			if !ok || fmt.Sprint(g) != fmt.Sprint(w.Value) {
				t.Errorf("message %d %v: bulk %v, MessageProps %v", cd.mid, mapi.TagName(w.Tag), g, w.Value)
			}
		}
	}
}

// tblMirror is what a client builds from a table's notifications.
type tblMirror []RowID

func (m *tblMirror) apply(t testing.TB, tx *Tx, tb *Table, changes []TableChange) {
	t.Helper()
	for _, c := range changes {
		switch c.Kind {
		case TableChanged:
			*m = tblRowIDs(tx, tb)
			return
		case TableRowDeleted, TableRowModified:
			i := slices.Index(*m, c.Row)
			if i < 0 {
				if c.Kind == TableRowDeleted {
					t.Fatalf("deleted row %+v not in the client's view", c.Row)
				}
				t.Fatalf("modified row %+v not in the client's view", c.Row)
			}
			*m = slices.Delete(*m, i, i+1)
		}
		if c.Kind == TableRowAdded || c.Kind == TableRowModified {
			at := 0
			if !c.After.IsZero() {
				at = slices.Index(*m, c.After) + 1
				if at == 0 {
					t.Fatalf("row %+v added after %+v, which the client does not have", c.Row, c.After)
				}
			}
			if c.Kind == TableRowAdded && slices.Contains(*m, c.Row) {
				t.Fatalf("row %+v added twice", c.Row)
			}
			*m = slices.Insert(*m, at, c.Row)
		}
	}
}

func tblRowIDs(tx *Tx, tb *Table) tblMirror {
	var out tblMirror
	for i := range tb.Count() {
		id, _ := tb.RowID(tx, i)
		out = append(out, id)
	}
	return out
}

// tblShape is a table's visible rows with headers named by their values, to
// compare tables whose header ids differ.
func tblShape(tb *Table) []string {
	var out []string
	for i := range tb.Count() {
		r := tb.rows.at(i)
		if r.hdr {
			cat := tb.content.headers[r.id]
			// Values that differ only in case are one category, which
			// shows the value of whichever message made it.
			path := strings.ToLower(fmt.Sprint(pathOf(cat)))
			out = append(out, fmt.Sprintf("H%d:%v:%d/%d:%v", cat.depth, path, cat.count, cat.unread, cat.expanded))
		} else {
			out = append(out, fmt.Sprintf("%d.%d", r.id, r.inst))
		}
	}
	return out
}

// Random writes to a folder with several kinds of tables open: after each
// write, the changes replayed on a client's copy give the table's rows,
// and the table equals a fresh load.
func TestContentTableNotificationsReplay(t *testing.T) {
	tx := tblFixtureTx(t)
	fid, err := tx.CreateFolder(mapi.PrivateFIDIPMSubtree, "Replay", "IPF.Note", nil)
	if err != nil {
		t.Fatal(err)
	}
	other, err := tx.CreateFolder(mapi.PrivateFIDIPMSubtree, "Elsewhere", "IPF.Note", nil)
	if err != nil {
		t.Fatal(err)
	}
	kw := mapi.NewTag(0x8002, mapi.PtMvUnicode)
	inst := kw.WithType(mapi.PtMvUnicode | mapi.MvInstance)
	senders := []string{"Anna", "bert", "Bert", "Carla", "Dora"}
	words := []string{"red", "green", "blue", "gold"}
	seed := uint64(7)
	rnd := func(n int) int {
		seed = seed*6364136223846793005 + 1442695040888963407
		return int(seed>>33) % n
	}
	props := func(i int) Props {
		p := Props{
			{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: mapi.PrSubject, Value: fmt.Sprintf("subject %d", rnd(6))},
			{Tag: mapi.PrSenderName, Value: senders[rnd(len(senders))]},
			{Tag: mapi.PrImportance, Value: int32(rnd(3))},
			{Tag: mapi.PrMessageDeliveryTime, Value: mapi.FileTime(133000000000000000 + int64(rnd(40))*10_000_000)},
		}
		if n := rnd(4); n > 0 {
			var v []string
			for range n {
				w := words[rnd(len(words))]
				if !slices.Contains(v, w) {
					v = append(v, w)
				}
			}
			p = append(p, mapi.PropVal{Tag: kw, Value: v})
		}
		if rnd(2) == 0 {
			p = append(p, mapi.PropVal{Tag: mapi.PrMessageFlags, Value: int32(MsgFlagRead)})
		}
		return p
	}
	type tcase struct {
		name  string
		res   *mapi.Restriction
		sorts *mapi.SortOrderSet
		tb    *Table
		m     tblMirror
		fresh bool // compare with a fresh load
	}
	sender := mapi.SortOrder{Tag: mapi.PrSenderName, Order: mapi.SortAscend}
	delivDesc := mapi.SortOrder{Tag: mapi.PrMessageDeliveryTime, Order: mapi.SortDescend}
	cases := []*tcase{
		{name: "delivery", sorts: tblSortBy(mapi.PrMessageDeliveryTime, mapi.SortDescend), fresh: true},
		{name: "subject", sorts: tblSortBy(mapi.PrSubject, mapi.SortAscend), fresh: true},
		{name: "unread", sorts: tblSortBy(mapi.PrMessageDeliveryTime, mapi.SortAscend), fresh: true,
			res: mapi.RestrictBitmask(mapi.BitmaskEQZ, mapi.PrMessageFlags, MsgFlagRead)},
		{name: "by sender", fresh: true, sorts: &mapi.SortOrderSet{Sorts: []mapi.SortOrder{sender, delivDesc}, CategoryCount: 1, ExpandedCount: 1}},
		{name: "by sender, collapsed", sorts: &mapi.SortOrderSet{Sorts: []mapi.SortOrder{sender, delivDesc}, CategoryCount: 1}},
		{name: "sender/importance", fresh: true, sorts: &mapi.SortOrderSet{Sorts: []mapi.SortOrder{sender,
			{Tag: mapi.PrImportance, Order: mapi.SortDescend}, {Tag: mapi.PrSubject, Order: mapi.SortAscend}}, CategoryCount: 2, ExpandedCount: 1}},
		{name: "keywords", fresh: true, sorts: tblSortBy(inst, mapi.SortAscend)},
		{name: "by keyword, newest first", fresh: true, sorts: &mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: inst, Order: mapi.SortAscend},
			{Tag: mapi.PrMessageDeliveryTime, Order: mapi.SortMaximumCategory}, delivDesc}, CategoryCount: 1, ExpandedCount: 1}},
	}
	var live []uint64
	for i := range 12 {
		mid, _, err := tx.WriteMessage(fid, &MessageContent{Props: props(i)})
		if err != nil {
			t.Fatal(err)
		}
		live = append(live, mid)
	}
	tblTakeEvents(tx)
	cols := append(slices.Clone(tblMsgCols), inst)
	for _, c := range cases {
		tb, err := tx.LoadContentTable(fid, 0, c.res, c.sorts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		tb.SetColumns(cols)
		c.tb, c.m = tb, tblRowIDs(tx, tb)
		tb.SeekRow(BookmarkBeginning, tb.Count()/2)
		tb.CreateBookmark()
	}
	// Expand one category of the collapsed table.
	if c := cases[4]; c.tb.Count() > 0 {
		id, _ := c.tb.RowID(tx, 0)
		if _, _, err := c.tb.Expand(uint64(id.InstID)); err != nil {
			t.Fatal(err)
		}
		c.m = tblRowIDs(tx, c.tb)
	}
	for step := range 150 {
		var what string
		switch op := rnd(10); {
		case op < 3 || len(live) == 0:
			mid, _, err := tx.WriteMessage(fid, &MessageContent{Props: props(step)})
			if err != nil {
				t.Fatal(err)
			}
			live = append(live, mid)
			what = "new"
		case op < 6:
			mid := live[rnd(len(live))]
			p := props(step)
			p = slices.DeleteFunc(p, func(v mapi.PropVal) bool {
				return rnd(2) == 0 || v.Tag == mapi.PrMessageFlags || v.Tag == mapi.PrMessageClass
			})
			if _, err := tx.SetMessageProps(mid, p); err != nil {
				t.Fatal(err)
			}
			what = fmt.Sprintf("modify %d", mid)
		case op < 7:
			mid := live[rnd(len(live))]
			if _, err := tx.SetReadState(mid, rnd(2) == 0); err != nil {
				t.Fatal(err)
			}
			what = "read state"
		case op < 9:
			i := rnd(len(live))
			if _, err := tx.DeleteMessages(fid, live[i:i+1], rnd(2) == 0); err != nil {
				t.Fatal(err)
			}
			live = slices.Delete(live, i, i+1)
			what = "delete"
		default:
			i := rnd(len(live))
			if _, _, err := tx.MoveCopyMessages(fid, other, live[i:i+1], false); err != nil {
				t.Fatal(err)
			}
			live = slices.Delete(live, i, i+1)
			what = "move away"
		}
		evs := tblTakeEvents(tx)
		for _, c := range cases {
			changes := tblApplyAll(t, tx, c.tb, evs)
			c.m.apply(t, tx, c.tb, changes)
			if got := tblRowIDs(tx, c.tb); !slices.Equal(c.m, got) {
				t.Fatalf("step %d (%s), %s: the client's view\n%v\nthe table\n%v\nchanges %+v", step, what, c.name, c.m, got, changes)
			}
			tblCheckMarks(t, c.tb)
			if c.fresh {
				fresh, err := tx.LoadContentTable(fid, 0, c.res, c.sorts)
				if err != nil {
					t.Fatal(err)
				}
				if a, b := tblShape(c.tb), tblShape(fresh); !slices.Equal(a, b) {
					t.Fatalf("step %d (%s), %s: table\n%v\nfresh load\n%v", step, what, c.name, a, b)
				}
			}
		}
	}
	for _, c := range cases {
		if c.tb.Count() == 0 {
			t.Errorf("%s: empty at the end, a weak test", c.name)
		}
	}
}
