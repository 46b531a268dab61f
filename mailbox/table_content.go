package mailbox

// Contents tables: the messages of a folder (normal or FAI, live or
// soft-deleted), restricted, sorted, expanded on one multi-value column
// and grouped into categories (MS-OXCTABL 2.2.2.13, 3.2.5.2).
//
// The rows form a tree: a root category holds the category headers of
// depth 0, each of those the headers of the next depth, and the headers of
// the last category depth hold the leaf rows (message instances), in
// order. An uncategorized table is a root with leaves only, and its
// leaves are its visible rows. A categorized table keeps the visible rows
// (headers, and the rows below expanded headers) in view.

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/gromox-go/gromox/mapi"
)

// maxSorts is the most sort keys a contents table takes (upstream
// gct_max_sorts).
const maxSorts = 16

// leaf is one message row, or one instance of a message in a table
// expanded on a multi-value column.
type leaf struct {
	mid    uint64
	key    any // sort values of sorts[ncat:]: nil, one value, or []any
	inst   uint32
	unread bool
}

// category is a category header row, or the root of the tree.
type category struct {
	id       uint64 // header id (0 for the root)
	depth    int    // -1 for the root
	value    any    // the category column's value (nil: absent)
	ext      any    // the minimum/maximum of the extremum column (last depth)
	parent   *category
	subs     []*category
	leaves   []leaf
	expanded bool
	count    int // leaf rows below
	unread   int // unread leaf rows below
}

// contentTable is the contents-table part of a Table.
type contentTable struct {
	t       *Table
	search  bool // the folder is a search folder
	sortSet *mapi.SortOrderSet
	sorts   []mapi.SortOrder
	ncat    int
	nexp    int
	extIdx  int  // index in sorts[ncat:] of the minimum/maximum entry, or -1
	instIdx int  // index in sorts of the multi-value instance column, or -1
	midDesc bool // ties between messages break by descending id
	fetch   []mapi.PropTag

	root    *category
	view    []viewRow // visible rows of a categorized table
	headers map[uint64]*category
	nextHdr uint64

	// log records view edits while an event is applied.
	logging bool
	log     []viewEdit
}

type viewEdit struct {
	key      rowKey
	id       RowID
	inserted bool
}

// rec is a leaf and its category values while it is being placed.
type rec struct {
	leaf leaf
	cats []any
}

// LoadContentTable opens the contents table of folder fid
// (RopGetContentsTable, MS-OXCFOLD 2.2.1.14): its normal messages, or its
// FAI messages with TableAssociated, the soft-deleted ones with
// TableSoftDeletes; only those that satisfy res (nil: all), in the order
// of sorts (nil: by message id). A search folder lists its results.
//
// A single sort on PR_MESSAGE_DELIVERY_TIME, PR_LAST_MODIFICATION_TIME or
// PR_CLIENT_SUBMIT_TIME of normal live messages reads its order from
// msgtime_index (as upstream), ties broken by message id in the same
// direction.
func (t *Tx) LoadContentTable(fid uint64, flags TableFlags, res *mapi.Restriction, sorts *mapi.SortOrderSet) (*Table, error) {
	r, err := t.folderRow(fid)
	if err != nil {
		return nil, err
	}
	if flags&TableConversationMembers != 0 {
		return nil, fmt.Errorf("conversation members table: %w", mapi.EcNotSupported)
	}
	tb := &Table{fid: fid, flags: flags, res: res}
	c := &contentTable{t: tb, search: r.search, headers: map[uint64]*category{}}
	if err := c.setSorts(sorts); err != nil {
		return nil, err
	}
	tb.content, tb.rows = c, c
	if err := c.load(t); err != nil {
		return nil, err
	}
	tb.setCursor(0)
	return tb, nil
}

// validateSorts checks a sort order set the way RopSortTable does
// (MS-OXCTABL 3.2.5.2, upstream rop_sorttable): at most one multi-value
// column, and it must carry the instance flag; no table-computed column.
func validateSorts(s *mapi.SortOrderSet) error {
	if s == nil {
		return nil
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("%w: %w", mapi.EcInvalidParam, err)
	}
	if len(s.Sorts) > maxSorts {
		return mapi.EcTooComplex
	}
	mv := 0
	for _, so := range s.Sorts {
		switch so.Tag {
		case mapi.PrDepth, PrInstID, PrInstanceNum, mapi.PrContentCount, mapi.PrContentUnread:
			return mapi.EcInvalidParam
		}
		t := so.Tag.Type()
		if t.IsMV() {
			if t&mapi.MvInstance == 0 {
				return mapi.EcNotSupported
			}
			if mv++; mv > 1 {
				return mapi.EcInvalidParam
			}
		} else if t&mapi.MvInstance != 0 {
			return mapi.EcInvalidParam
		}
		switch t.Base() {
		case mapi.PtShort, mapi.PtLong, mapi.PtFloat, mapi.PtDouble, mapi.PtCurrency, mapi.PtAppTime,
			mapi.PtBoolean, mapi.PtI8, mapi.PtString8, mapi.PtUnicode, mapi.PtSysTime, mapi.PtClsid,
			mapi.PtBinary, mapi.PtSvrEID:
		default:
			return mapi.EcInvalidParam
		}
	}
	return nil
}

func (c *contentTable) setSorts(s *mapi.SortOrderSet) error {
	if err := validateSorts(s); err != nil {
		return err
	}
	c.sortSet, c.sorts, c.ncat, c.nexp = nil, nil, 0, 0
	c.extIdx, c.instIdx, c.midDesc = -1, -1, false
	if s != nil {
		cp := mapi.SortOrderSet{Sorts: slices.Clone(s.Sorts), CategoryCount: s.CategoryCount, ExpandedCount: s.ExpandedCount}
		c.sortSet, c.sorts = &cp, cp.Sorts
		c.ncat, c.nexp = int(s.CategoryCount), int(s.ExpandedCount)
	}
	first := true
	for i, so := range c.sorts {
		if so.Tag.Type()&mapi.MvInstance != 0 {
			c.instIdx = i
		}
		if i < c.ncat {
			continue
		}
		if so.Order == mapi.SortMaximumCategory || so.Order == mapi.SortMinimumCategory {
			c.extIdx = i - c.ncat
		} else if first {
			c.midDesc, first = so.Order == mapi.SortDescend, false
		}
	}
	// What a message's rows need: the sort and category columns (the
	// multi-value behind an instance column) and, for category counts,
	// the read state.
	c.fetch = nil
	for _, so := range c.sorts {
		tag := so.Tag.WithType(so.Tag.Type() &^ mapi.MvInstance)
		if !slices.Contains(c.fetch, tag) {
			c.fetch = append(c.fetch, tag)
		}
	}
	if c.ncat > 0 {
		c.fetch = append(c.fetch, mapi.PrRead)
	}
	return nil
}

// fastColumn returns the msgtime_index column that gives this table's
// order, or "".
func (c *contentTable) fastColumn() string {
	t := c.t
	if len(c.sorts) != 1 || c.ncat != 0 || c.search || t.flags&(TableAssociated|TableSoftDeletes) != 0 {
		return ""
	}
	switch c.sorts[0].Tag {
	case mapi.PrMessageDeliveryTime:
		return "rcvtime"
	case mapi.PrLastModificationTime:
		return "mtime"
	case mapi.PrClientSubmitTime:
		return "sndtime"
	}
	return ""
}

// candidate is a message the table's flags select, with its read state
// and, on the msgtime_index path, its sort time.
type candidate struct {
	mid   uint64
	tm    mapi.FileTime
	hasTm bool
	read  bool
}

// load reads the table's rows from the store. Categories of the same
// sort order keep their expanded state and their header ids.
func (c *contentTable) load(tx *Tx) error {
	saved := c.savedCategories()
	var resTags []mapi.PropTag
	var matcher *mapi.Matcher
	if c.t.res != nil {
		resTags = restrictionTags(c.t.res)
		matcher = mapi.NewMatcher(c.t.res)
	}
	fast := c.fastColumn()
	var cands []candidate
	var err error
	if fast != "" {
		cands, err = c.timeOrdered(tx, fast)
	} else {
		cands, err = c.candidates(tx)
	}
	if err != nil {
		return err
	}
	// The values rows are built from: on the msgtime_index path only
	// those the restriction reads.
	var tags []mapi.PropTag
	if fast == "" {
		for _, tag := range c.fetch {
			if tag != mapi.PrRead {
				tags = append(tags, tag)
			}
		}
	}
	for _, tag := range resTags {
		if !slices.Contains(tags, tag) {
			tags = append(tags, tag)
		}
	}
	var bulk map[uint64]Props
	var slow []mapi.PropTag
	if len(tags) > 0 && len(cands) > 0 {
		if bulk, slow, err = c.bulkValues(tx, tags, cands[0].mid); err != nil {
			return err
		}
	}
	var leaves []leaf
	var recs []rec
	if fast != "" {
		leaves = make([]leaf, 0, len(cands))
	}
	for _, cd := range cands {
		var props Props
		if len(tags) > 0 {
			props = bulk[cd.mid]
			if len(slow) > 0 {
				more, err := tx.MessageProps(cd.mid, slow)
				if errors.Is(err, ErrNotFound) {
					continue
				}
				if err != nil {
					return err
				}
				props = append(props, more...)
			}
		}
		if matcher != nil {
			row := &msgEvalRow{tx: tx, mid: cd.mid, props: props}
			ok := matcher.Match(row)
			if row.e != nil {
				return row.e
			}
			if !ok {
				continue
			}
		}
		if fast != "" {
			l := leaf{mid: cd.mid}
			if cd.hasTm {
				l.key = cd.tm
			}
			leaves = append(leaves, l)
			continue
		}
		props = append(props, mapi.PropVal{Tag: mapi.PrRead, Value: cd.read})
		recs = c.appendRecords(recs, cd.mid, props)
	}
	c.root = &category{depth: -1, expanded: true}
	c.headers = map[uint64]*category{}
	c.view = nil
	if c.ncat == 0 {
		if fast == "" {
			leaves = make([]leaf, len(recs))
			for i := range recs {
				leaves[i] = recs[i].leaf
			}
			slices.SortFunc(leaves, func(a, b leaf) int { return c.cmpLeaf(&a, &b) })
		}
		c.root.leaves = leaves
		c.root.count = len(leaves)
		return nil
	}
	slices.SortFunc(recs, func(a, b rec) int { return c.cmpRec(&a, &b) })
	c.group(c.root, recs, 0)
	c.restoreCategories(saved)
	c.view = c.flatten(c.root, nil)
	return nil
}

// timeOrdered reads the messages of a time-sorted table in order from
// msgtime_index (upstream's accelerated path), ties by message id in the
// same direction.
func (c *contentTable) timeOrdered(tx *Tx, col string) ([]candidate, error) {
	dir := "ASC"
	if c.sorts[0].Order == mapi.SortDescend {
		dir = "DESC"
	}
	rows, err := tx.Query("SELECT message_id, "+col+" FROM msgtime_index WHERE folder_id=? ORDER BY "+col+" "+dir+", message_id "+dir, int64(c.t.fid))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var mid int64
		var tm sql.NullInt64
		if err := rows.Scan(&mid, &tm); err != nil {
			return nil, err
		}
		out = append(out, candidate{mid: uint64(mid), tm: mapi.FileTime(tm.Int64), hasTm: tm.Valid})
	}
	return out, rows.Err()
}

// belongs reports whether a message is one the table's flags select (the
// restriction aside).
func (c *contentTable) belongs(tx *Tx, mid uint64) (bool, error) {
	r, err := tx.messageRow(mid)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if r.associated != (c.t.flags&TableAssociated != 0) || r.deleted != (c.t.flags&TableSoftDeletes != 0) {
		return false, nil
	}
	if !c.search {
		return r.parentFID == c.t.fid, nil
	}
	n, err := tx.queryInt("SELECT COUNT(*) FROM search_result WHERE folder_id=? AND message_id=?", int64(c.t.fid), int64(mid))
	return n > 0, err
}

// appendRecords appends the rows of one message: one, or one per value of
// the instance column (a message without values has one row with
// instance number 0, as upstream).
func (c *contentTable) appendRecords(recs []rec, mid uint64, props Props) []rec {
	unread := false
	if c.ncat > 0 {
		v, _ := props.Get(mapi.PrRead)
		unread = v != true
	}
	var insts []any
	if c.instIdx >= 0 {
		tag := c.sorts[c.instIdx].Tag
		v, _ := props.Get(tag.WithType(tag.Type() &^ mapi.MvInstance))
		insts = mvValues(v)
	}
	if len(insts) == 0 {
		insts = []any{nil}
	}
	for k, iv := range insts {
		inst := uint32(k + 1)
		if c.instIdx < 0 || iv == nil {
			inst = 0
		}
		get := func(i int) any {
			if i == c.instIdx {
				return iv
			}
			v, _ := props.Get(c.sorts[i].Tag)
			return v
		}
		r := rec{leaf: leaf{mid: mid, inst: inst, unread: unread}}
		if c.ncat > 0 {
			r.cats = make([]any, c.ncat)
			for d := range c.ncat {
				r.cats[d] = get(d)
			}
		}
		switch n := len(c.sorts) - c.ncat; n {
		case 0:
		case 1:
			r.leaf.key = get(c.ncat)
		default:
			key := make([]any, n)
			for i := range n {
				key[i] = get(c.ncat + i)
			}
			r.leaf.key = key
		}
		recs = append(recs, r)
	}
	return recs
}

// mvValues returns the elements of a multi-value.
func mvValues(v any) []any {
	var out []any
	add := func(n int, f func(int) any) {
		for i := range n {
			out = append(out, f(i))
		}
	}
	switch s := v.(type) {
	case []int16:
		add(len(s), func(i int) any { return s[i] })
	case []int32:
		add(len(s), func(i int) any { return s[i] })
	case []int64:
		add(len(s), func(i int) any { return s[i] })
	case []float32:
		add(len(s), func(i int) any { return s[i] })
	case []float64:
		add(len(s), func(i int) any { return s[i] })
	case []string:
		add(len(s), func(i int) any { return s[i] })
	case []mapi.FileTime:
		add(len(s), func(i int) any { return s[i] })
	case []mapi.GUID:
		add(len(s), func(i int) any { return s[i] })
	case [][]byte:
		add(len(s), func(i int) any { return s[i] })
	}
	return out
}

// keyAt returns the sort value i (of sorts[ncat:]) of a leaf.
func (c *contentTable) keyAt(l *leaf, i int) any {
	if k, ok := l.key.([]any); ok && len(c.sorts)-c.ncat > 1 {
		return k[i]
	}
	return l.key
}

func dirOf(o mapi.SortDirection, c int) int {
	if o == mapi.SortDescend {
		return -c
	}
	return c
}

// cmpLeaf orders leaves within a category: by the sort columns after the
// categories (not the extremum entry), then by message id (in the
// direction of the first of them), then by instance number.
func (c *contentTable) cmpLeaf(a, b *leaf) int {
	for i := range len(c.sorts) - c.ncat {
		if i == c.extIdx {
			continue
		}
		so := c.sorts[c.ncat+i]
		if r := dirOf(so.Order, mapi.Compare(c.keyAt(a, i), c.keyAt(b, i), so.Tag.Type())); r != 0 {
			return r
		}
	}
	r := cmp.Compare(a.mid, b.mid)
	if c.midDesc {
		r = -r
	}
	if r != 0 {
		return r
	}
	return cmp.Compare(a.inst, b.inst)
}

// cmpRec orders records by their category values, then as leaves.
func (c *contentTable) cmpRec(a, b *rec) int {
	for d := range c.ncat {
		so := c.sorts[d]
		if r := dirOf(so.Order, mapi.Compare(a.cats[d], b.cats[d], so.Tag.Type())); r != 0 {
			return r
		}
	}
	return c.cmpLeaf(&a.leaf, &b.leaf)
}

// cmpCat orders the categories of one parent: by value in the category
// column's direction, and at the last depth of a table with a minimum or
// maximum category sort by that extremum first (upstream orders by the
// aggregate, in the category column's direction).
func (c *contentTable) cmpCat(a, b *category) int {
	so := c.sorts[a.depth]
	if a.depth == c.ncat-1 && c.extIdx >= 0 {
		t := c.sorts[c.ncat+c.extIdx].Tag.Type()
		if r := dirOf(so.Order, mapi.Compare(a.ext, b.ext, t)); r != 0 {
			return r
		}
	}
	return dirOf(so.Order, mapi.Compare(a.value, b.value, so.Tag.Type()))
}

// newCategory makes a header with a fresh id, expanded when its depth is
// below the expanded count.
func (c *contentTable) newCategory(parent *category, depth int, value any) *category {
	c.nextHdr++
	cat := &category{id: c.nextHdr, depth: depth, value: value, parent: parent, expanded: depth < c.nexp}
	c.headers[cat.id] = cat
	return cat
}

// group builds the categories of depth d below parent from sorted
// records.
func (c *contentTable) group(parent *category, recs []rec, d int) {
	t := c.sorts[d].Tag.Type()
	for i := 0; i < len(recs); {
		j := i + 1
		for j < len(recs) && mapi.Compare(recs[j].cats[d], recs[i].cats[d], t) == 0 {
			j++
		}
		cat := c.newCategory(parent, d, recs[i].cats[d])
		parent.subs = append(parent.subs, cat)
		if d == c.ncat-1 {
			cat.leaves = make([]leaf, j-i)
			for k := i; k < j; k++ {
				cat.leaves[k-i] = recs[k].leaf
				if recs[k].leaf.unread {
					cat.unread++
				}
			}
			cat.count = j - i
			cat.ext = c.extremum(cat)
		} else {
			c.group(cat, recs[i:j], d+1)
		}
		parent.count += cat.count
		parent.unread += cat.unread
		i = j
	}
	if d == c.ncat-1 && c.extIdx >= 0 {
		slices.SortStableFunc(parent.subs, c.cmpCat)
	}
}

// extremum is the minimum or maximum of the extremum column over a
// category's leaves.
func (c *contentTable) extremum(cat *category) any {
	if c.extIdx < 0 || len(cat.leaves) == 0 {
		return nil
	}
	so := c.sorts[c.ncat+c.extIdx]
	best := c.keyAt(&cat.leaves[0], c.extIdx)
	for i := 1; i < len(cat.leaves); i++ {
		v := c.keyAt(&cat.leaves[i], c.extIdx)
		r := mapi.Compare(v, best, so.Tag.Type())
		if so.Order == mapi.SortMaximumCategory && r > 0 || so.Order == mapi.SortMinimumCategory && r < 0 {
			best = v
		}
	}
	return best
}

// flatten appends the visible rows below cat.
func (c *contentTable) flatten(cat *category, out []viewRow) []viewRow {
	if !cat.expanded {
		return out
	}
	for _, s := range cat.subs {
		out = append(out, viewRow{id: s.id, depth: uint16(s.depth), hdr: true})
		out = c.flatten(s, out)
	}
	for _, l := range cat.leaves {
		out = append(out, viewRow{id: l.mid, inst: l.inst, depth: uint16(c.ncat)})
	}
	return out
}

// rebuildView recomputes the visible rows and finds the marks' rows
// again.
func (c *contentTable) rebuildView() {
	if c.ncat > 0 {
		c.view = c.flatten(c.root, c.view[:0])
	}
	c.t.resolveMarks()
}

func (c *contentTable) count() int {
	if c.ncat == 0 {
		return len(c.root.leaves)
	}
	return len(c.view)
}

func (c *contentTable) at(i int) viewRow {
	if c.ncat == 0 {
		l := &c.root.leaves[i]
		return viewRow{id: l.mid, inst: l.inst}
	}
	return c.view[i]
}

// childrenVisible reports whether the rows right below cat are visible.
func (c *contentTable) childrenVisible(cat *category) bool {
	for a := cat; a != nil; a = a.parent {
		if !a.expanded {
			return false
		}
	}
	return true
}

// headerPos returns the position of a category's header row, or -1.
func (c *contentTable) headerPos(cat *category) int {
	if cat.depth < 0 {
		return -1
	}
	for a := cat.parent; a != nil; a = a.parent {
		if !a.expanded {
			return -1
		}
	}
	for i, r := range c.view {
		if r.hdr && r.id == cat.id {
			return i
		}
	}
	return -1
}

// below is the number of visible rows under an (assumed visible) header.
func (c *contentTable) below(cat *category) int {
	if !cat.expanded {
		return 0
	}
	n := len(cat.leaves)
	for _, s := range cat.subs {
		n += 1 + c.below(s)
	}
	return n
}

// childStart is the position of the first row below a category whose
// children are visible.
func (c *contentTable) childStart(cat *category) int {
	return c.headerPos(cat) + 1
}

// viewInsert records rows that became visible at p.
func (c *contentTable) viewInsert(p int, rows ...viewRow) {
	if c.ncat > 0 {
		c.view = slices.Insert(c.view, p, rows...)
	}
	if c.logging {
		for _, r := range rows {
			c.log = append(c.log, viewEdit{key: r.key(), inserted: true})
		}
	}
	c.t.inserted(p, len(rows))
}

// viewRemove records that the n rows at p are no longer visible (the
// leaf slice of an uncategorized table is edited by the caller).
func (c *contentTable) viewRemove(p, n int) {
	if c.logging {
		for i := p; i < p+n; i++ {
			r := c.at(i)
			c.log = append(c.log, viewEdit{key: r.key(), id: c.rowIDOf(r)})
		}
	}
	if c.ncat > 0 {
		c.view = slices.Delete(c.view, p, p+n)
	}
	c.t.removed(p, n)
}

// insertLeaf puts a leaf into its category at its sorted place.
func (c *contentTable) insertLeaf(cat *category, l leaf) {
	idx := sort.Search(len(cat.leaves), func(i int) bool { return c.cmpLeaf(&cat.leaves[i], &l) > 0 })
	vis := c.childrenVisible(cat)
	p := 0
	if vis {
		p = c.childStart(cat) + idx
	}
	cat.leaves = slices.Insert(cat.leaves, idx, l)
	for a := cat; a != nil; a = a.parent {
		a.count++
		if l.unread {
			a.unread++
		}
	}
	if vis {
		c.viewInsert(p, viewRow{id: l.mid, inst: l.inst, depth: uint16(c.ncat)})
	}
}

// removeLeaf takes leaf idx out of its category.
func (c *contentTable) removeLeaf(cat *category, idx int) {
	l := cat.leaves[idx]
	if c.childrenVisible(cat) {
		p := c.childStart(cat) + idx
		if c.ncat > 0 {
			c.viewRemove(p, 1)
			cat.leaves = slices.Delete(cat.leaves, idx, idx+1)
		} else {
			if c.logging {
				c.log = append(c.log, viewEdit{key: rowKey{id: l.mid, inst: l.inst}, id: c.rowIDOf(viewRow{id: l.mid, inst: l.inst})})
			}
			cat.leaves = slices.Delete(cat.leaves, idx, idx+1)
			c.t.removed(p, 1)
		}
	} else {
		cat.leaves = slices.Delete(cat.leaves, idx, idx+1)
	}
	for a := cat; a != nil; a = a.parent {
		a.count--
		if l.unread {
			a.unread--
		}
	}
}

// addCategory makes a header below parent at index j of its subs.
func (c *contentTable) addCategory(parent *category, j int, value any) *category {
	cat := c.newCategory(parent, parent.depth+1, value)
	if c.childrenVisible(parent) {
		p := c.childStart(parent)
		for _, s := range parent.subs[:j] {
			p += 1 + c.below(s)
		}
		parent.subs = slices.Insert(parent.subs, j, cat)
		c.viewInsert(p, viewRow{id: cat.id, depth: uint16(cat.depth), hdr: true})
	} else {
		parent.subs = slices.Insert(parent.subs, j, cat)
	}
	return cat
}

// removeCategory drops an empty header, and its parents that become
// empty.
func (c *contentTable) removeCategory(cat *category) {
	for cat.depth >= 0 && cat.count == 0 {
		parent := cat.parent
		if p := c.headerPos(cat); p >= 0 {
			c.viewRemove(p, 1+c.below(cat))
		}
		j := slices.Index(parent.subs, cat)
		parent.subs = slices.Delete(parent.subs, j, j+1)
		delete(c.headers, cat.id)
		cat = parent
	}
}

// insertRec places a record in the tree, making categories as needed. It
// reports whether a category changed its place among its siblings (then
// the view has been rebuilt).
func (c *contentTable) insertRec(r *rec) bool {
	cat := c.root
	for d := range c.ncat {
		t := c.sorts[d].Tag.Type()
		var sub *category
		for _, s := range cat.subs {
			if mapi.Compare(s.value, r.cats[d], t) == 0 {
				sub = s
				break
			}
		}
		if sub == nil {
			probe := &category{depth: d, value: r.cats[d]}
			if d == c.ncat-1 && c.extIdx >= 0 {
				probe.ext = c.keyAt(&r.leaf, c.extIdx)
			}
			j := sort.Search(len(cat.subs), func(i int) bool { return c.cmpCat(cat.subs[i], probe) > 0 })
			sub = c.addCategory(cat, j, r.cats[d])
			sub.ext = probe.ext
		}
		cat = sub
	}
	c.insertLeaf(cat, r.leaf)
	return c.updateExtremum(cat)
}

// updateExtremum recomputes a last-depth category's extremum; if the
// category then sorts elsewhere among its siblings, they are re-sorted and
// the view rebuilt, and it returns true.
func (c *contentTable) updateExtremum(cat *category) bool {
	if c.extIdx < 0 || cat.depth != c.ncat-1 || cat.count == 0 {
		return false
	}
	so := c.sorts[c.ncat+c.extIdx]
	ext := c.extremum(cat)
	if mapi.Compare(ext, cat.ext, so.Tag.Type()) == 0 {
		return false
	}
	cat.ext = ext
	subs := cat.parent.subs
	if slices.IsSortedFunc(subs, c.cmpCat) {
		return false
	}
	slices.SortStableFunc(subs, c.cmpCat)
	c.rebuildView()
	return true
}

// findLeaves returns where the rows of a message are.
func (c *contentTable) findLeaves(mid uint64) []leafPlace {
	var out []leafPlace
	var walk func(cat *category)
	walk = func(cat *category) {
		for i := range cat.leaves {
			if cat.leaves[i].mid == mid {
				out = append(out, leafPlace{cat, i})
			}
		}
		for _, s := range cat.subs {
			walk(s)
		}
	}
	walk(c.root)
	return out
}

type leafPlace struct {
	cat *category
	idx int
}

// currentRecords returns the rows a message should have in the table now
// (none when it does not belong or does not match the restriction).
func (c *contentTable) currentRecords(tx *Tx, mid uint64) ([]rec, error) {
	ok, err := c.belongs(tx, mid)
	if err != nil || !ok {
		return nil, err
	}
	var resTags []mapi.PropTag
	if c.t.res != nil {
		resTags = restrictionTags(c.t.res)
	}
	props, err := tx.MessageProps(mid, append(slices.Clone(c.fetch), resTags...))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if c.t.res != nil {
		row := &msgEvalRow{tx: tx, mid: mid, props: props}
		// A fresh matcher: RES_COUNT budgets of the load are not kept.
		match := mapi.Eval(c.t.res, row)
		if row.e != nil {
			return nil, row.e
		}
		if !match {
			return nil, nil
		}
	}
	if c.fastColumn() != "" {
		// The load read these times from msgtime_index; read them the
		// same way so that a row goes where a reload would put it.
		var tm *int64
		err := tx.QueryRow("SELECT "+c.fastColumn()+" FROM msgtime_index WHERE folder_id=? AND message_id=?", int64(c.t.fid), int64(mid)).Scan(&tm)
		switch {
		case err == nil:
			props = Props{}
			if tm != nil {
				props = Props{{Tag: c.sorts[0].Tag, Value: mapi.FileTime(*tm)}}
			}
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	return c.appendRecords(nil, mid, props), nil
}

// resync makes the rows of one message what the store says they are now,
// and returns the changes of the visible rows.
func (c *contentTable) resync(tx *Tx, mid uint64) ([]TableChange, error) {
	old := c.findLeaves(mid)
	recs, err := c.currentRecords(tx, mid)
	if err != nil {
		return nil, err
	}
	if len(old) == 0 && len(recs) == 0 {
		return nil, nil
	}
	// Headers whose counts may change (on the old and the new paths),
	// with their counts before.
	type counts struct{ n, unread int }
	headers := map[*category]counts{}
	note := func(cat *category) {
		for a := cat; a != nil && a.depth >= 0; a = a.parent {
			if _, ok := headers[a]; !ok {
				headers[a] = counts{a.count, a.unread}
			}
		}
	}
	for _, p := range old {
		note(p.cat)
	}
	for i := range recs {
		note(c.existingPrefix(recs[i].cats))
	}
	c.logging, c.log = true, c.log[:0]
	defer func() { c.logging = false }()
	resorted := false
	// Remove the old rows from the last, so the indexes stay right; an
	// emptied category goes only after the new rows are in, so that a
	// message that stays in its category modifies its header.
	for i := len(old) - 1; i >= 0; i-- {
		c.removeLeaf(old[i].cat, old[i].idx)
	}
	for _, p := range old {
		if p.cat.count > 0 && c.updateExtremum(p.cat) {
			resorted = true
		}
	}
	for i := range recs {
		if c.insertRec(&recs[i]) {
			resorted = true
		}
	}
	for _, p := range old {
		if p.cat.count == 0 && c.headers[p.cat.id] == p.cat {
			c.removeCategory(p.cat)
		}
	}
	if resorted {
		return []TableChange{{Kind: TableChanged}}, nil
	}
	// Net effect of the view edits on each row: visible before (its
	// first edit removed it) and after (its last edit inserted it).
	type net struct {
		was, is bool
		id      RowID
	}
	nets := map[rowKey]*net{}
	var order []rowKey
	for _, e := range c.log {
		n, ok := nets[e.key]
		if !ok {
			n = &net{was: !e.inserted, id: e.id}
			nets[e.key] = n
			order = append(order, e.key)
		}
		n.is = e.inserted
	}
	var changes []TableChange
	type upd struct {
		pos  int
		kind TableChangeKind
	}
	var ups []upd
	for _, k := range order {
		n := nets[k]
		switch {
		case n.was && !n.is:
			changes = append(changes, TableChange{Kind: TableRowDeleted, Row: n.id})
		case n.is:
			if pos := c.t.find(k); pos >= 0 {
				kind := TableRowAdded
				if n.was {
					kind = TableRowModified
				}
				ups = append(ups, upd{pos, kind})
			}
		}
	}
	for cat, before := range headers {
		if c.headers[cat.id] != cat || before == (counts{cat.count, cat.unread}) {
			continue
		}
		if n := nets[rowKey{id: cat.id, hdr: true}]; n != nil {
			continue // reported above
		}
		if pos := c.headerPos(cat); pos >= 0 {
			ups = append(ups, upd{pos, TableRowModified})
		}
	}
	slices.SortFunc(ups, func(a, b upd) int { return cmp.Compare(a.pos, b.pos) })
	for _, u := range ups {
		ch := TableChange{Kind: u.kind, Row: c.rowID(tx, u.pos)}
		if u.pos > 0 {
			ch.After = c.rowID(tx, u.pos-1)
		}
		changes = append(changes, ch)
	}
	return changes, nil
}

// existingPrefix returns the deepest existing category on the path of
// category values (the root if none).
func (c *contentTable) existingPrefix(cats []any) *category {
	cat := c.root
	for d, v := range cats {
		t := c.sorts[d].Tag.Type()
		var next *category
		for _, s := range cat.subs {
			if mapi.Compare(s.value, v, t) == 0 {
				next = s
				break
			}
		}
		if next == nil {
			break
		}
		cat = next
	}
	return cat
}

// apply handles a store event.
func (c *contentTable) apply(tx *Tx, ev Event) ([]TableChange, error) {
	if ev.Folder {
		return nil, nil
	}
	var mids []uint64
	switch ev.Kind {
	case EventCreated, EventDeleted, EventModified, EventCopied:
		if c.search || ev.FolderID == c.t.fid {
			mids = append(mids, ev.MessageID)
		}
	case EventMoved:
		if c.search || ev.OldFolderID == c.t.fid {
			mids = append(mids, ev.OldMessageID)
		}
		if c.search || ev.FolderID == c.t.fid {
			mids = append(mids, ev.MessageID)
		}
	}
	var changes []TableChange
	for _, mid := range mids {
		if mid == 0 {
			continue
		}
		ch, err := c.resync(tx, mid)
		if err != nil {
			return nil, err
		}
		if len(ch) > 0 && ch[0].Kind == TableChanged {
			return ch, nil
		}
		changes = append(changes, ch...)
	}
	return changes, nil
}

// rowIDOf is the identity of a visible row (FolderID the table's folder;
// rowID looks up the real folder of a message in a search folder).
func (c *contentTable) rowIDOf(r viewRow) RowID {
	fid := mapi.MakeEID(mapi.ReplidLocal, c.t.fid)
	if r.hdr {
		return RowID{FolderID: fid, InstID: mapi.MakeEID(instReplidHeader, r.id)}
	}
	return RowID{FolderID: fid, InstID: mapi.MakeEID(instReplidLeaf, r.id), InstNum: r.inst}
}

func (c *contentTable) rowID(tx *Tx, i int) RowID {
	r := c.at(i)
	id := c.rowIDOf(r)
	if c.search && !r.hdr && tx != nil {
		if m, err := tx.messageRow(r.id); err == nil {
			if fid, err := tx.messageFolder(r.id, m); err == nil {
				id.FolderID = mapi.MakeEID(mapi.ReplidLocal, fid)
			}
		}
	}
	return id
}

// leafValues returns the values of tags for the leaf row i: the table's
// own columns, then the message's properties (nil when the message went
// away since the table last heard of it).
func (c *contentTable) leafValues(tx *Tx, r viewRow, tags []mapi.PropTag) ([]mapi.PropVal, Props, error) {
	var own []mapi.PropVal
	var fetch []mapi.PropTag
	var instTag mapi.PropTag
	if c.instIdx >= 0 {
		instTag = c.sorts[c.instIdx].Tag
	}
	depth := int32(c.ncat)
	for _, tag := range tags {
		switch {
		case tag == mapi.PrInstanceKey:
			own = append(own, mapi.PropVal{Tag: tag, Value: c.rowIDOf(r).InstanceKey()})
		case tag == PrInstID:
			own = append(own, mapi.PropVal{Tag: tag, Value: int64(mapi.MakeEID(instReplidLeaf, r.id))})
		case tag == PrInstanceNum:
			own = append(own, mapi.PropVal{Tag: tag, Value: int32(r.inst)})
		case tag == mapi.PrRowType:
			own = append(own, mapi.PropVal{Tag: tag, Value: RowTypeLeaf})
		case tag == mapi.PrDepth:
			own = append(own, mapi.PropVal{Tag: tag, Value: depth})
		case tag == mapi.PrContentCount, tag == mapi.PrContentUnread:
			// not on leaf rows (upstream)
		case tag.Type()&mapi.MvInstance != 0:
			if tag == instTag {
				fetch = append(fetch, tag.WithType(tag.Type()&^mapi.MvInstance))
			}
		default:
			fetch = append(fetch, tag)
		}
	}
	if len(fetch) == 0 {
		return own, nil, nil
	}
	props, err := tx.MessageProps(r.id, fetch)
	if errors.Is(err, ErrNotFound) {
		return own, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if instTag != 0 && slices.Contains(tags, instTag) && r.inst > 0 {
		v, _ := props.Get(instTag.WithType(instTag.Type() &^ mapi.MvInstance))
		if vals := mvValues(v); int(r.inst) <= len(vals) {
			own = append(own, mapi.PropVal{Tag: instTag, Value: vals[r.inst-1]})
		}
	}
	return own, props, nil
}

// headerValues returns the values of tags for a header row: its own
// columns, the values of its category and the categories above it, and
// at the last depth the extremum; nothing else (upstream, Exchange).
func (c *contentTable) headerValues(cat *category, tags []mapi.PropTag) []mapi.PropVal {
	var out []mapi.PropVal
	id := RowID{FolderID: mapi.MakeEID(mapi.ReplidLocal, c.t.fid), InstID: mapi.MakeEID(instReplidHeader, cat.id)}
	for _, tag := range tags {
		var v any
		switch tag {
		case mapi.PrInstanceKey:
			v = id.InstanceKey()
		case PrInstID:
			v = int64(id.InstID)
		case PrInstanceNum:
			v = int32(0)
		case mapi.PrRowType:
			switch {
			case cat.count == 0:
				v = RowTypeEmptyCategory
			case cat.expanded:
				v = RowTypeExpandedCategory
			default:
				v = RowTypeCollapsedCategory
			}
		case mapi.PrDepth:
			v = int32(cat.depth)
		case mapi.PrContentCount:
			v = int32(cat.count)
		case mapi.PrContentUnread:
			v = int32(cat.unread)
		case mapi.PrFolderID:
			v = int64(id.FolderID)
		default:
			if c.extIdx >= 0 && cat.depth == c.ncat-1 && sameColumn(tag, c.sorts[c.ncat+c.extIdx].Tag) {
				v = cat.ext
				break
			}
			for a := cat; a != nil && a.depth >= 0; a = a.parent {
				if sameColumn(tag, c.sorts[a.depth].Tag) {
					v = a.value
					break
				}
			}
		}
		if v != nil {
			out = append(out, truncateValue(mapi.PropVal{Tag: tag, Value: v}))
		}
	}
	return out
}

// sameColumn reports whether a column asks for a sort column's value
// (either string type).
func sameColumn(col, sortTag mapi.PropTag) bool {
	return col == sortTag || col == stringTwin(sortTag) && col != 0
}

func (c *contentTable) readRow(tx *Tx, i int, cols []mapi.PropTag) ([]mapi.PropVal, error) {
	r := c.at(i)
	if r.hdr {
		return c.headerValues(c.headers[r.id], cols), nil
	}
	own, props, err := c.leafValues(tx, r, cols)
	if err != nil {
		return nil, err
	}
	for _, p := range props {
		own = append(own, truncateValue(p))
	}
	return own, nil
}

func (c *contentTable) evalRow(tx *Tx, i int, tags []mapi.PropTag) (mapi.Row, error) {
	r := c.at(i)
	if r.hdr {
		return mapi.PropValRow{Vals: c.headerValues(c.headers[r.id], tags)}, nil
	}
	own, props, err := c.leafValues(tx, r, tags)
	if err != nil {
		return nil, err
	}
	return &msgEvalRow{tx: tx, mid: r.id, own: own, props: props}, nil
}

// Sort replaces the sort order and reloads the table (RopSortTable,
// MS-OXCTABL 3.2.5.2); bookmarks become invalid and the cursor goes to the
// beginning. Hierarchy tables cannot be sorted.
func (t *Table) Sort(tx *Tx, sorts *mapi.SortOrderSet) error {
	c := t.content
	if c == nil {
		return mapi.EcNotSupported
	}
	old := *c
	if err := c.setSorts(sorts); err != nil {
		return err
	}
	c.root = nil
	if err := c.load(tx); err != nil {
		*c = old
		return err
	}
	t.invalidateMarks()
	return nil
}

// Sorts returns the table's sort order (nil: none).
func (t *Table) Sorts() *mapi.SortOrderSet {
	if t.content == nil {
		return nil
	}
	return t.content.sortSet
}
