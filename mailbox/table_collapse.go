package mailbox

// Expanding and collapsing categories of a contents table, and saving
// and restoring their state (MS-OXCTABL 2.2.2.17 to 2.2.2.20).

import (
	"fmt"
	"hash/fnv"

	"github.com/gromox-go/gromox/mapi"
)

// category finds a header by its PidTagInstID.
func (c *contentTable) category(categoryID uint64) (*category, error) {
	e := mapi.EID(categoryID)
	if e.Replid() != instReplidHeader {
		return nil, mapi.EcNotFound
	}
	cat, ok := c.headers[e.GCV()]
	if !ok {
		return nil, mapi.EcNotFound
	}
	return cat, nil
}

// Expand expands a collapsed category (RopExpandRow, MS-OXCTABL
// 3.2.5.17). categoryID is the PidTagInstID of its header row
// (MS-OXCTABL 2.2.2.17.1). It returns the position of the header and the
// number of rows that became visible below it (its position is -1 and
// nothing shows when a header above it is collapsed). Rows that appear
// this way are not notified (IMAPITable::ExpandRow).
func (t *Table) Expand(categoryID uint64) (pos, expanded int, err error) {
	c := t.content
	if c == nil {
		return 0, 0, mapi.EcNotSupported
	}
	cat, err := c.category(categoryID)
	if err != nil {
		return 0, 0, err
	}
	if cat.expanded {
		return 0, 0, mapi.EcNotCollapsed
	}
	cat.expanded = true
	pos = c.headerPos(cat)
	if pos < 0 {
		return -1, 0, nil
	}
	rows := c.flatten(cat, nil)
	c.viewInsert(pos+1, rows...)
	return pos, len(rows), nil
}

// Collapse collapses an expanded category (RopCollapseRow, MS-OXCTABL
// 3.2.5.18) and returns the number of rows that were hidden. Bookmarks on
// hidden rows become not visible.
func (t *Table) Collapse(categoryID uint64) (collapsed int, err error) {
	c := t.content
	if c == nil {
		return 0, mapi.EcNotSupported
	}
	cat, err := c.category(categoryID)
	if err != nil {
		return 0, err
	}
	if !cat.expanded {
		return 0, mapi.EcNotExpanded
	}
	pos := c.headerPos(cat)
	n := c.below(cat)
	if pos >= 0 && n > 0 {
		c.viewRemove(pos+1, n)
	}
	cat.expanded = false
	if pos < 0 {
		return 0, nil
	}
	return n, nil
}

// savedCategory is the state of one category, by its values.
type savedCategory struct {
	path     []any
	expanded bool
	id       uint64
}

func pathOf(cat *category) []any {
	path := make([]any, cat.depth+1)
	for a := cat; a != nil && a.depth >= 0; a = a.parent {
		path[a.depth] = a.value
	}
	return path
}

// savedCategories lists every category of the current tree.
func (c *contentTable) savedCategories() []savedCategory {
	if c.root == nil || c.ncat == 0 {
		return nil
	}
	var out []savedCategory
	var walk func(cat *category)
	walk = func(cat *category) {
		for _, s := range cat.subs {
			out = append(out, savedCategory{path: pathOf(s), expanded: s.expanded, id: s.id})
			walk(s)
		}
	}
	walk(c.root)
	return out
}

// lookupPath finds a category by its values.
func (c *contentTable) lookupPath(path []any) *category {
	cat := c.root
	for d, v := range path {
		if d >= c.ncat {
			return nil
		}
		t := c.sorts[d].Tag.Type()
		var next *category
		for _, s := range cat.subs {
			if mapi.Compare(s.value, v, t) == 0 {
				next = s
				break
			}
		}
		if next == nil {
			return nil
		}
		cat = next
	}
	return cat
}

// restoreCategories gives the categories of a new tree the states and
// ids they had.
func (c *contentTable) restoreCategories(saved []savedCategory) {
	for _, s := range saved {
		cat := c.lookupPath(s.path)
		if cat == nil {
			continue
		}
		cat.expanded = s.expanded
		if s.id != 0 && cat.id != s.id {
			delete(c.headers, cat.id)
			cat.id = s.id
			c.headers[cat.id] = cat
		}
	}
}

// collapseStateMagic starts a collapse state blob (ours; MS-OXCTABL
// 2.2.2.19 leaves the format to the server).
const collapseStateMagic = "GXCS\x01"

// fingerprint identifies the sort order and restriction a collapse state
// belongs to.
func (c *contentTable) fingerprint() uint64 {
	h := fnv.New64a()
	w := mapi.NewWriter(mapi.CodecStore)
	if c.sortSet != nil {
		w.PutSortOrderSet(*c.sortSet)
	}
	if c.t.res != nil {
		w.PutRestriction(c.t.res)
	}
	h.Write(w.Bytes())
	return h.Sum64()
}

func (c *contentTable) putPath(w *mapi.Writer, path []any) error {
	w.PutUint16(uint16(len(path)))
	for d, v := range path {
		w.PutBool(v != nil)
		if v != nil {
			t := c.sorts[d].Tag.Type()
			if t&mapi.MvInstance != 0 {
				t = t.Base()
			}
			if err := w.PutValue(t, v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *contentTable) getPath(r *mapi.Reader) ([]any, error) {
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	if int(n) > c.ncat {
		return nil, mapi.EcInvalidParam
	}
	path := make([]any, n)
	for d := range path {
		present, err := r.Bool()
		if err != nil {
			return nil, err
		}
		if !present {
			continue
		}
		t := c.sorts[d].Tag.Type()
		if t&mapi.MvInstance != 0 {
			t = t.Base()
		}
		if path[d], err = r.Value(t); err != nil {
			return nil, err
		}
	}
	return path, nil
}

// GetCollapseState returns an opaque blob with the expanded and collapsed
// categories of the table and the row named by rowID and instNum (its
// PidTagInstID and PidTagInstanceNum), for SetCollapseState
// (RopGetCollapseState, MS-OXCTABL 2.2.2.19, 3.2.5.19). Categories are
// recorded by their values, so the state applies to any table with the
// same sort order and restriction.
func (t *Table) GetCollapseState(rowID uint64, instNum uint32) ([]byte, error) {
	c := t.content
	if c == nil {
		return nil, mapi.EcNotSupported
	}
	w := mapi.NewWriter(mapi.CodecStore)
	w.PutBytes([]byte(collapseStateMagic))
	w.PutUint64(c.fingerprint())
	var states []savedCategory
	for _, s := range c.savedCategories() {
		if s.expanded != (len(s.path)-1 < c.nexp) {
			states = append(states, s)
		}
	}
	w.PutUint32(uint32(len(states)))
	for _, s := range states {
		w.PutBool(s.expanded)
		if err := c.putPath(w, s.path); err != nil {
			return nil, err
		}
	}
	e := mapi.EID(rowID)
	switch e.Replid() {
	case instReplidLeaf:
		w.PutUint8(1)
		w.PutUint64(e.GCV())
		w.PutUint32(instNum)
	case instReplidHeader:
		cat, ok := c.headers[e.GCV()]
		if !ok {
			w.PutUint8(0)
			break
		}
		w.PutUint8(2)
		if err := c.putPath(w, pathOf(cat)); err != nil {
			return nil, err
		}
	default:
		w.PutUint8(0)
	}
	return w.Bytes(), nil
}

// SetCollapseState restores the categories' states from a
// GetCollapseState blob and returns a bookmark on the row it names
// (RopSetCollapseState, MS-OXCTABL 2.2.2.20, 3.2.5.20); the caller frees
// it. A blob of a table with another sort order or restriction is
// EcInvalidParam; when the row is not in this table, the bookmark is
// invalid.
func (t *Table) SetCollapseState(state []byte) (uint32, error) {
	c := t.content
	if c == nil {
		return 0, mapi.EcNotSupported
	}
	bad := fmt.Errorf("collapse state: %w", mapi.EcInvalidParam)
	if len(state) < len(collapseStateMagic)+8 || string(state[:len(collapseStateMagic)]) != collapseStateMagic {
		return 0, bad
	}
	r := mapi.NewReader(state[len(collapseStateMagic):], mapi.CodecStore)
	fp, err := r.Uint64()
	if err != nil || fp != c.fingerprint() {
		return 0, bad
	}
	n, err := r.Uint32()
	if err != nil || int(n) > len(state) {
		return 0, bad
	}
	type entry struct {
		expanded bool
		path     []any
	}
	entries := make([]entry, 0, n)
	for range n {
		exp, err := r.Bool()
		if err != nil {
			return 0, bad
		}
		path, err := c.getPath(r)
		if err != nil || len(path) == 0 {
			return 0, bad
		}
		entries = append(entries, entry{exp, path})
	}
	kind, err := r.Uint8()
	if err != nil {
		return 0, bad
	}
	var target rowKey
	found := false
	switch kind {
	case 1:
		mid, err1 := r.Uint64()
		inst, err2 := r.Uint32()
		if err1 != nil || err2 != nil {
			return 0, bad
		}
		target, found = rowKey{id: mid, inst: inst}, true
	case 2:
		path, err := c.getPath(r)
		if err != nil {
			return 0, bad
		}
		if cat := c.lookupPath(path); cat != nil {
			target, found = rowKey{id: cat.id, hdr: true}, true
		}
	}
	var walk func(cat *category)
	walk = func(cat *category) {
		for _, s := range cat.subs {
			s.expanded = s.depth < c.nexp
			walk(s)
		}
	}
	walk(c.root)
	for _, e := range entries {
		if cat := c.lookupPath(e.path); cat != nil {
			cat.expanded = e.expanded
		}
	}
	c.rebuildView()
	bm := t.CreateBookmark()
	m := t.marks[bm]
	if found {
		if i := t.find(target); i >= 0 {
			*m = t.markAt(i)
			return bm, nil
		}
	}
	m.invalid = true
	return bm, nil
}
