package mailbox

// MAPI tables (MS-OXCTABL), held in memory by the store's actor.
//
// Upstream materialises every open table as an SQL table in an ephemeral
// tables.sqlite3 (reference §2.9, §11). Here a Table is a Go value the
// actor keeps between requests: it holds row identities in display order
// and the sort and category structure, and reads column values through a
// Tx when rows are queried, so rows always show current values.
//
// Invariants:
//   - A Table is used by one goroutine at a time (its store's actor); it
//     is not safe for concurrent use.
//   - The visible rows of a table are a sequence indexed by position
//     0..Count()-1; every change to that sequence goes through
//     Table.inserted/Table.removed, which move the cursor and the
//     bookmarks with the rows they point at.
//   - A bookmark remembers its row; when that row leaves the view
//     (deleted, no longer matching, or hidden by a collapse) the bookmark
//     stays at the position of the row that followed it (MS-OXCTABL
//     3.2.5.10).
//   - Sort, Restrict invalidate bookmarks and put the cursor at the
//     beginning (MS-OXCTABL 3.2.5.2, 3.2.5.3); Reload keeps them.

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/gromox-go/gromox/mapi"
)

// TableFlags are the TableFlags of RopGetHierarchyTable (MS-OXCFOLD
// 2.2.1.13.1) and RopGetContentsTable (MS-OXCFOLD 2.2.1.14.1).
type TableFlags uint8

// Table flags.
const (
	TableAssociated      TableFlags = 0x02 // contents: FAI messages only
	TableDepth           TableFlags = 0x04 // hierarchy: all levels below the folder
	TableDeferredErrors  TableFlags = 0x08
	TableNoNotifications TableFlags = 0x10
	TableSoftDeletes     TableFlags = 0x20 // only soft-deleted folders/messages
	TableUseUnicode      TableFlags = 0x40
	// TableSuppressNotifications (hierarchy) shares its bit with
	// TableConversationMembers (contents).
	TableSuppressNotifications TableFlags = 0x80
	TableConversationMembers   TableFlags = 0x80
)

// Bookmark is a predefined bookmark (MS-OXCTABL 2.2.2.1.1): where a seek
// or find starts.
type Bookmark uint8

// Predefined bookmarks.
const (
	BookmarkBeginning Bookmark = 0x00
	BookmarkCurrent   Bookmark = 0x01
	BookmarkEnd       Bookmark = 0x02
	BookmarkCustom    Bookmark = 0x03 // a bookmark made with CreateBookmark
)

// Row types, the values of PR_ROW_TYPE (MS-OXCTABL 2.2.1.4).
const (
	RowTypeLeaf              int32 = 1 // TBL_LEAF_ROW
	RowTypeEmptyCategory     int32 = 2 // TBL_EMPTY_CATEGORY
	RowTypeExpandedCategory  int32 = 3 // TBL_EXPANDED_CATEGORY
	RowTypeCollapsedCategory int32 = 4 // TBL_COLLAPSED_CATEGORY
)

// Table columns that mapi's tag list does not name (MS-OXPROPS 2.745,
// 2.746). They belong in mapi/tagnames.go.
const (
	PrInstID      mapi.PropTag = 0x674D0014 // PidTagInstID
	PrInstanceNum mapi.PropTag = 0x674E0003 // PidTagInstanceNum
)

// Replica ids that tell the rows of a content table apart in PidTagInstID
// (upstream: rop_util_make_eid_ex(1, mid) for messages, (2, id) for
// category headers).
const (
	instReplidLeaf   uint16 = 1
	instReplidHeader uint16 = 2
)

// Table string and binary values are cut to these lengths (MS-OXCDATA
// 2.8.2; MS-OXCTABL 2.2.2.5.2 caps a value at 510 bytes; upstream cuts
// strings to 255 characters and binaries to 510 bytes).
const (
	tableMaxChars = 255
	tableMaxBytes = 510
)

// RowID identifies a row of a table the way table notifications do
// (MS-OXCNOTIF 2.2.1.4.1.2: TableRowFolderID, TableRowMessageID,
// TableRowInstance). FolderID is the folder of the row's object (the
// table's folder for category headers), InstID the row's PidTagInstID
// (the message id for messages, a category id for headers, the folder id
// in hierarchy tables) and InstNum its PidTagInstanceNum.
type RowID struct {
	FolderID mapi.EID
	InstID   mapi.EID
	InstNum  uint32
}

// IsZero reports whether r names no row (an InsertAfter of zero means
// "at the top").
func (r RowID) IsZero() bool { return r == RowID{} }

// InstanceKey returns PR_INSTANCE_KEY of the row: PidTagInstID in its
// wire form followed by PidTagInstanceNum (little-endian), 12 bytes,
// unique per row of the table and stable while it is open.
func (r RowID) InstanceKey() []byte {
	w := r.InstID.Wire()
	return binary.LittleEndian.AppendUint32(w[:], r.InstNum)
}

// TableChangeKind is the TableEventType of a table notification
// (MS-OXCNOTIF 2.2.1.4.1.2).
type TableChangeKind uint16

// Table change kinds.
const (
	// TableChanged: too much changed to describe row by row; the client
	// re-reads the table (TABLE_CHANGED).
	TableChanged     TableChangeKind = 0x0001
	TableRowAdded    TableChangeKind = 0x0003
	TableRowDeleted  TableChangeKind = 0x0004
	TableRowModified TableChangeKind = 0x0005
)

// TableChange is one change of the visible rows of a table, what a
// TABLE_ROW_ADDED/DELETED/MODIFIED notification carries. Row is the row;
// After the row now before it (zero: it is the first row), for added and
// modified rows. The row's data comes from Table.RowData.
type TableChange struct {
	Kind  TableChangeKind
	Row   RowID
	After RowID
}

// rowKey identifies a visible row inside a table: a message and its
// instance number, a category header, or a folder.
type rowKey struct {
	id   uint64 // message or folder GCV, or header id
	inst uint32
	hdr  bool
}

// viewRow is one visible row. For hierarchy tables id is the folder and
// depth PR_DEPTH; for content tables id is the message (or the header
// id for a header) and depth the category depth.
type viewRow struct {
	id    uint64
	inst  uint32
	depth uint16
	hdr   bool
}

func (r viewRow) key() rowKey { return rowKey{id: r.id, inst: r.inst, hdr: r.hdr} }

// mark is a position that follows its row: the cursor or a bookmark.
type mark struct {
	pos     int
	key     rowKey
	hasKey  bool // false at the end of the table
	gone    bool // the row left the view; pos is the row that followed it
	invalid bool // the table was sorted or restricted since
}

// tableRows is what both kinds of table provide.
type tableRows interface {
	count() int
	at(i int) viewRow
	// readRow returns the values of cols for the visible row i
	// (truncated as tables do); absent values are left out.
	readRow(tx *Tx, i int, cols []mapi.PropTag) ([]mapi.PropVal, error)
	// evalRow returns the row i as a restriction sees it in FindRow.
	evalRow(tx *Tx, i int, tags []mapi.PropTag) (mapi.Row, error)
	rowID(tx *Tx, i int) RowID
	load(tx *Tx) error
	apply(tx *Tx, ev Event) ([]TableChange, error)
}

// Table is an open hierarchy or contents table. Its methods that read
// column values or the store take the Tx of the current request.
type Table struct {
	fid     uint64
	flags   TableFlags
	res     *mapi.Restriction
	cols    []mapi.PropTag
	cursor  mark
	marks   map[uint32]*mark
	nextBM  uint32
	rows    tableRows
	hier    *hierTable
	content *contentTable
}

// FolderID returns the folder whose table this is.
func (t *Table) FolderID() uint64 { return t.fid }

// Flags returns the flags the table was opened with.
func (t *Table) Flags() TableFlags { return t.flags }

// IsContents reports whether this is a contents table (else a hierarchy
// table).
func (t *Table) IsContents() bool { return t.content != nil }

// Restriction returns the table's restriction (nil for none).
func (t *Table) Restriction() *mapi.Restriction { return t.res }

// Count returns the number of visible rows (RopQueryPosition's
// denominator).
func (t *Table) Count() int { return t.rows.count() }

// Position returns the cursor position, 0..Count() (Count() is
// BOOKMARK_END).
func (t *Table) Position() int { return t.cursor.pos }

// QueryPosition returns the cursor position and the row count
// (RopQueryPosition, MS-OXCTABL 3.2.5.7).
func (t *Table) QueryPosition() (numerator, denominator uint32) {
	return uint32(t.cursor.pos), uint32(t.rows.count())
}

// SetColumns sets the columns QueryRows, FindRow and RowData return
// (RopSetColumns). A column with the multi-value instance flag is only
// valid on contents tables (upstream rop_setcolumns).
func (t *Table) SetColumns(cols []mapi.PropTag) error {
	for _, c := range cols {
		if c.Type()&mapi.MvInstance != 0 && (t.content == nil || !c.Type().IsMV()) {
			return mapi.EcNotSupported
		}
	}
	t.cols = append([]mapi.PropTag(nil), cols...)
	return nil
}

// Columns returns the columns set by SetColumns.
func (t *Table) Columns() []mapi.PropTag { return t.cols }

// RowID returns the identity of the visible row at pos.
func (t *Table) RowID(tx *Tx, pos int) (RowID, bool) {
	if pos < 0 || pos >= t.rows.count() {
		return RowID{}, false
	}
	return t.rows.rowID(tx, pos), true
}

// QueryRows reads up to |count| rows with the table's columns, starting
// at the cursor (RopQueryRows, MS-OXCTABL 3.2.5.5): forward for a
// positive count; for a negative count the rows before the cursor,
// nearest first. With advance the cursor moves past the rows read. A
// value a row does not have is PT_ERROR ecNotFound (MS-OXCDATA 2.8.1).
func (t *Table) QueryRows(tx *Tx, count int, advance bool) ([][]mapi.PropVal, error) {
	pos := t.cursor.pos
	var rows [][]mapi.PropVal
	var err error
	if count >= 0 {
		n := min(count, t.rows.count()-pos)
		rows, err = t.readRange(tx, pos, n, false)
		if err == nil && advance {
			t.setCursor(pos + len(rows))
		}
	} else {
		n := min(-count, pos)
		rows, err = t.readRange(tx, pos-1, n, true)
		if err == nil && advance {
			t.setCursor(pos - len(rows))
		}
	}
	return rows, err
}

// ReadRows reads up to count rows from position start on, without moving
// the cursor (the rows RopExpandRow returns).
func (t *Table) ReadRows(tx *Tx, start, count int) ([][]mapi.PropVal, error) {
	if start < 0 || count <= 0 || start >= t.rows.count() {
		return nil, nil
	}
	return t.readRange(tx, start, min(count, t.rows.count()-start), false)
}

// RowData returns the columns of the row id (the data of a TABLE_ROW_ADDED
// or TABLE_ROW_MODIFIED notification); EcNotFound when it is not visible.
func (t *Table) RowData(tx *Tx, id RowID) ([]mapi.PropVal, error) {
	k, ok := t.keyOf(id)
	if !ok {
		return nil, mapi.EcNotFound
	}
	i := t.find(k)
	if i < 0 {
		return nil, mapi.EcNotFound
	}
	rows, err := t.readRange(tx, i, 1, false)
	if err != nil {
		return nil, err
	}
	return rows[0], nil
}

func (t *Table) keyOf(id RowID) (rowKey, bool) {
	if t.hier != nil {
		return rowKey{id: id.InstID.GCV()}, true
	}
	switch id.InstID.Replid() {
	case instReplidLeaf:
		return rowKey{id: id.InstID.GCV(), inst: id.InstNum}, true
	case instReplidHeader:
		return rowKey{id: id.InstID.GCV(), hdr: true}, true
	}
	return rowKey{}, false
}

// readRange reads n rows from start, upwards or (back) downwards.
func (t *Table) readRange(tx *Tx, start, n int, back bool) ([][]mapi.PropVal, error) {
	if t.content != nil && n > 1 {
		// The messages' properties for all the rows in one query, not
		// one per row.
		var mids []uint64
		for k := range n {
			i := start + k
			if back {
				i = start - k
			}
			if i < 0 || i >= t.rows.count() {
				break
			}
			if r := t.rows.at(i); !r.hdr {
				mids = append(mids, r.id)
			}
		}
		if err := tx.prefetchMessageRows(mids, t.cols); err != nil {
			return nil, err
		}
		defer func() { tx.pre = nil }()
	}
	rows := make([][]mapi.PropVal, 0, n)
	for k := range n {
		i := start + k
		if back {
			i = start - k
		}
		vals, err := t.rows.readRow(tx, i, t.cols)
		if err != nil {
			return nil, err
		}
		rows = append(rows, columnsOf(t.cols, vals))
	}
	return rows, nil
}

// columnsOf orders found values by columns, with PT_ERROR ecNotFound for
// the missing ones. A PT_UNSPECIFIED column takes the value of its id
// with the type it has.
func columnsOf(cols []mapi.PropTag, vals []mapi.PropVal) []mapi.PropVal {
	out := make([]mapi.PropVal, len(cols))
	for i, c := range cols {
		out[i] = mapi.PropVal{Tag: c.WithType(mapi.PtError), Value: mapi.EcNotFound}
		for _, v := range vals {
			if v.Tag == c || c.Type() == mapi.PtUnspecified && v.Tag.ID() == c.ID() {
				out[i] = v
				break
			}
		}
	}
	return out
}

// truncateValue cuts long strings and binaries as tables do.
func truncateValue(p mapi.PropVal) mapi.PropVal {
	switch v := p.Value.(type) {
	case string:
		if len(v) > tableMaxChars && utf8.RuneCountInString(v) > tableMaxChars {
			n := 0
			for i := range v {
				if n == tableMaxChars {
					p.Value = v[:i]
					break
				}
				n++
			}
		}
	case []byte:
		if len(v) > tableMaxBytes {
			p.Value = v[:tableMaxBytes]
		}
	}
	return p
}

// find returns the position of a visible row, or -1.
func (t *Table) find(k rowKey) int {
	n := t.rows.count()
	for i := range n {
		if t.rows.at(i).key() == k {
			return i
		}
	}
	return -1
}

// setCursor moves the cursor to pos (clamped) and anchors it to the row
// there.
func (t *Table) setCursor(pos int) {
	t.cursor = t.markAt(pos)
}

func (t *Table) markAt(pos int) mark {
	n := t.rows.count()
	pos = max(0, min(pos, n))
	m := mark{pos: pos}
	if pos < n {
		m.key, m.hasKey = t.rows.at(pos).key(), true
	}
	return m
}

// inserted records that n rows were inserted at position p.
func (t *Table) inserted(p, n int) {
	adj := func(m *mark) {
		if m.pos > p || m.pos == p && !m.gone {
			m.pos += n
		}
	}
	adj(&t.cursor)
	for _, m := range t.marks {
		adj(m)
	}
}

// removed records that the n rows at position p were removed.
func (t *Table) removed(p, n int) {
	adj := func(m *mark) {
		switch {
		case m.pos >= p+n:
			m.pos -= n
		case m.pos >= p:
			if m.hasKey {
				m.gone = true
			}
			m.pos = p
		}
	}
	adj(&t.cursor)
	for _, m := range t.marks {
		adj(m)
	}
	t.fixCursor()
}

// fixCursor anchors a cursor whose row went away to the row that took its
// place.
func (t *Table) fixCursor() {
	if t.cursor.gone || !t.cursor.hasKey || t.cursor.pos >= t.rows.count() {
		t.setCursor(t.cursor.pos)
	}
}

// resolveMarks finds the rows of the cursor and the bookmarks again after
// the rows were rebuilt as a whole (Reload, collapse state, a resort):
// a bookmark whose row is gone stays near its old position.
func (t *Table) resolveMarks() {
	n := t.rows.count()
	res := func(m *mark) {
		if m.invalid {
			return
		}
		if !m.hasKey {
			m.pos = n
			return
		}
		if !m.gone {
			if i := t.find(m.key); i >= 0 {
				m.pos = i
				return
			}
			m.gone = true
		}
		m.pos = min(m.pos, n)
	}
	res(&t.cursor)
	for _, m := range t.marks {
		res(m)
	}
	t.fixCursor()
}

// invalidateMarks is what sorting or restricting does to the cursor and
// the bookmarks.
func (t *Table) invalidateMarks() {
	for _, m := range t.marks {
		m.invalid = true
	}
	t.setCursor(0)
}

// SeekRow moves the cursor offset rows from origin (RopSeekRow,
// MS-OXCTABL 3.2.5.9), stopping at either end. It returns the rows moved
// (signed) and whether that is fewer than asked.
func (t *Table) SeekRow(origin Bookmark, offset int) (sought int, soughtLess bool, err error) {
	var base int
	switch origin {
	case BookmarkBeginning:
		base = 0
	case BookmarkCurrent:
		base = t.cursor.pos
	case BookmarkEnd:
		base = t.rows.count()
	default:
		return 0, false, mapi.EcInvalidParam
	}
	sought, soughtLess = t.seekFrom(base, offset)
	return sought, soughtLess, nil
}

func (t *Table) seekFrom(base, offset int) (int, bool) {
	target := max(0, min(base+offset, t.rows.count()))
	t.setCursor(target)
	sought := target - base
	return sought, sought != offset
}

// SeekRowApprox moves the cursor to about numerator/denominator of the
// table (RopSeekRowFractional, MS-OXCTABL 3.2.5.11): 0 is the beginning,
// a fraction of 1 or more the end.
func (t *Table) SeekRowApprox(numerator, denominator uint32) {
	n := t.rows.count()
	switch {
	case numerator == 0:
		t.setCursor(0)
	case numerator >= denominator:
		t.setCursor(n)
	default:
		t.setCursor(int(uint64(n) * uint64(numerator) / uint64(denominator)))
	}
}

// CreateBookmark returns a bookmark on the cursor's row (RopCreateBookmark).
func (t *Table) CreateBookmark() uint32 {
	if t.marks == nil {
		t.marks = map[uint32]*mark{}
	}
	t.nextBM++
	m := t.cursor
	t.marks[t.nextBM] = &m
	return t.nextBM
}

// FreeBookmark releases a bookmark (RopFreeBookmark).
func (t *Table) FreeBookmark(bm uint32) error {
	if _, ok := t.marks[bm]; !ok {
		return mapi.EcInvalidBookmark
	}
	delete(t.marks, bm)
	return nil
}

// resolveBookmark returns where a bookmark is and whether its row is no
// longer visible; a row that became visible again is found again.
func (t *Table) resolveBookmark(bm uint32) (int, bool, error) {
	m, ok := t.marks[bm]
	if !ok || m.invalid {
		return 0, false, mapi.EcInvalidBookmark
	}
	if m.gone && m.hasKey {
		if i := t.find(m.key); i >= 0 {
			m.pos, m.gone = i, false
		}
	}
	return min(m.pos, t.rows.count()), m.gone, nil
}

// SeekRowBookmark moves the cursor offset rows from a bookmark
// (RopSeekRowBookmark, MS-OXCTABL 3.2.5.10). When the bookmark's row is
// no longer visible, noLongerVisible is true and the seek starts at the
// row that followed it.
func (t *Table) SeekRowBookmark(bm uint32, offset int) (noLongerVisible bool, sought int, soughtLess bool, err error) {
	pos, gone, err := t.resolveBookmark(bm)
	if err != nil {
		return false, 0, false, err
	}
	sought, soughtLess = t.seekFrom(pos, offset)
	return gone, sought, soughtLess, nil
}

// FindRow moves the cursor to the first row from origin (bm for
// BookmarkCustom) on that satisfies res, searching forward or backward
// and including the row at the start, and returns that row
// (RopFindRow, MS-OXCTABL 3.2.5.14). A start from a bookmark whose row is
// gone reports noLongerVisible and starts at the next row (backward: the
// one before it). No match is EcNotFound, with the cursor unchanged.
func (t *Table) FindRow(tx *Tx, res *mapi.Restriction, origin Bookmark, bm uint32, backward bool) (row []mapi.PropVal, noLongerVisible bool, err error) {
	n := t.rows.count()
	var start int
	switch origin {
	case BookmarkBeginning:
		start = 0
	case BookmarkCurrent:
		start = t.cursor.pos
	case BookmarkEnd:
		start = n
	case BookmarkCustom:
		start, noLongerVisible, err = t.resolveBookmark(bm)
		if err != nil {
			return nil, false, err
		}
	default:
		return nil, false, mapi.EcInvalidParam
	}
	step := 1
	if backward {
		step = -1
		if start >= n || noLongerVisible {
			start--
		}
	}
	tags := restrictionTags(res)
	m := mapi.NewMatcher(res)
	for i := start; i >= 0 && i < n; i += step {
		ok := true
		if res != nil {
			r, err := t.rows.evalRow(tx, i, tags)
			if err != nil {
				return nil, noLongerVisible, err
			}
			ok = m.Match(r)
			if err := rowErr(r); err != nil {
				return nil, noLongerVisible, err
			}
		}
		if ok {
			t.setCursor(i)
			rows, err := t.readRange(tx, i, 1, false)
			if err != nil {
				return nil, noLongerVisible, err
			}
			return rows[0], noLongerVisible, nil
		}
	}
	return nil, noLongerVisible, mapi.EcNotFound
}

// Restrict replaces the restriction and reloads the table (RopRestrict);
// bookmarks become invalid and the cursor goes to the beginning.
func (t *Table) Restrict(tx *Tx, res *mapi.Restriction) error {
	old := t.res
	t.res = res
	if err := t.rows.load(tx); err != nil {
		t.res = old
		return err
	}
	t.invalidateMarks()
	return nil
}

// Reload reads the table again from the store with its current settings
// (for when the store says the folder changed as a whole). The cursor and
// bookmarks stay on their rows where those still exist, expanded and
// collapsed categories stay so.
func (t *Table) Reload(tx *Tx) error {
	if err := t.rows.load(tx); err != nil {
		return err
	}
	t.resolveMarks()
	return nil
}

// ApplyEvent brings the table up to date with one committed store event
// and returns the changes of its visible rows, in the order a client
// applies them: deleted rows first, then added and modified rows from the
// top down, each with the row now before it. An event that does not
// touch the table returns nothing. Changes too large to describe row by
// row (a category moving, a folder subtree moving) are one TableChanged.
// The table is updated even for TableNoNotifications tables; dropping
// the changes is the caller's business.
func (t *Table) ApplyEvent(tx *Tx, ev Event) ([]TableChange, error) {
	return t.rows.apply(tx, ev)
}

// rowErr returns an error an evaluation row met while loading data.
func rowErr(r mapi.Row) error {
	if e, ok := r.(interface{ err() error }); ok {
		return e.err()
	}
	return nil
}

// restrictionTags lists the tags a restriction reads from the object it
// is evaluated on (not those below a subrestriction), with the forms
// mapi's lookup tries: the other string type, and the multi-value
// property behind an instance tag.
func restrictionTags(r *mapi.Restriction) []mapi.PropTag {
	seen := map[mapi.PropTag]bool{}
	var out []mapi.PropTag
	add := func(tag mapi.PropTag) {
		var forms []mapi.PropTag
		forms = append(forms, tag)
		if tag.Type()&mapi.MvInstance != 0 {
			forms = append(forms, tag.WithType(tag.Type()&^mapi.MvInstance))
		}
		for _, f := range forms {
			for _, g := range []mapi.PropTag{f, stringTwin(f)} {
				if g != 0 && !seen[g] {
					seen[g] = true
					out = append(out, g)
				}
			}
		}
	}
	var walk func(r *mapi.Restriction, depth int)
	walk = func(r *mapi.Restriction, depth int) {
		if r == nil || depth > mapi.MaxRestrictionDepth {
			return
		}
		switch r.Type {
		case mapi.ResAnd, mapi.ResOr:
			for _, c := range r.Children {
				walk(c, depth+1)
			}
		case mapi.ResNot, mapi.ResComment, mapi.ResAnnotation, mapi.ResCount:
			walk(r.Sub, depth+1)
		case mapi.ResContent, mapi.ResProperty, mapi.ResBitmask, mapi.ResSize, mapi.ResExist:
			add(r.Tag)
		case mapi.ResCompareProps:
			add(r.Tag)
			add(r.Tag2)
		}
	}
	walk(r, 0)
	return out
}

// stringTwin returns the tag with the other string type, or 0 for a
// non-string tag.
func stringTwin(tag mapi.PropTag) mapi.PropTag {
	t := tag.Type()
	if !t.IsString() {
		return 0
	}
	flags := t & (mapi.MvFlag | mapi.MvInstance)
	if t.Base() == mapi.PtUnicode {
		return tag.WithType(mapi.PtString8 | flags)
	}
	return tag.WithType(mapi.PtUnicode | flags)
}
