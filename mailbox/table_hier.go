package mailbox

// Hierarchy tables: the folders below a folder (MS-OXCFOLD 2.2.1.13,
// MS-OXCTABL).

import (
	"errors"
	"slices"

	"github.com/gromox-go/gromox/mapi"
)

// hierTable is the hierarchy-table part of a Table: the folders in tree
// order (each folder followed by its subtree, siblings by folder id as
// upstream reads them), with their depth below the table's folder.
type hierTable struct {
	t    *Table
	rows []viewRow
}

// LoadHierarchyTable opens the hierarchy table of folder fid
// (RopGetHierarchyTable, MS-OXCFOLD 2.2.1.13): its child folders, or with
// TableDepth every folder below it, each with PR_DEPTH (1 for the
// children). TableSoftDeletes lists the soft-deleted folders instead of
// the live ones. Folders that do not satisfy res (evaluated on their
// properties, computed ones included) are left out, their subfolders
// not.
func (t *Tx) LoadHierarchyTable(fid uint64, flags TableFlags, res *mapi.Restriction) (*Table, error) {
	if _, err := t.folderRow(fid); err != nil {
		return nil, err
	}
	tb := &Table{fid: fid, flags: flags, res: res}
	h := &hierTable{t: tb}
	tb.hier, tb.rows = h, h
	if err := h.load(t); err != nil {
		return nil, err
	}
	tb.setCursor(0)
	return tb, nil
}

// collect walks the folder tree.
func (h *hierTable) collect(tx *Tx) ([]viewRow, error) {
	soft := h.t.flags&TableSoftDeletes != 0
	var tags []mapi.PropTag
	var m *mapi.Matcher
	if h.t.res != nil {
		tags = restrictionTags(h.t.res)
		m = mapi.NewMatcher(h.t.res)
	}
	rows := []viewRow{}
	var walk func(fid uint64, depth int) error
	walk = func(fid uint64, depth int) error {
		if depth > 1000 {
			return nil // a cycle in a broken store
		}
		q, err := tx.Query("SELECT folder_id, is_deleted FROM folders WHERE parent_id=? ORDER BY folder_id", int64(fid))
		if err != nil {
			return err
		}
		type child struct {
			id      uint64
			deleted bool
		}
		var kids []child
		for q.Next() {
			var id int64
			var del *int64
			if err := q.Scan(&id, &del); err != nil {
				q.Close()
				return err
			}
			kids = append(kids, child{uint64(id), del != nil && *del != 0})
		}
		q.Close()
		if err := q.Err(); err != nil {
			return err
		}
		for _, k := range kids {
			if k.deleted == soft {
				ok := true
				if m != nil {
					props, err := tx.FolderProps(k.id, tags)
					if err != nil {
						return err
					}
					ok = m.Match(mapi.PropValRow{Vals: props})
				}
				if ok {
					rows = append(rows, viewRow{id: k.id, depth: uint16(min(depth, 0xffff))})
				}
			}
			// Below a soft-deleted folder there are only soft-deleted
			// ones; the live table does not look there.
			if h.t.flags&TableDepth != 0 && (soft || !k.deleted) {
				if err := walk(k.id, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(h.t.fid, 1); err != nil {
		return nil, err
	}
	return rows, nil
}

func (h *hierTable) load(tx *Tx) error {
	rows, err := h.collect(tx)
	if err != nil {
		return err
	}
	h.rows = rows
	return nil
}

func (h *hierTable) count() int       { return len(h.rows) }
func (h *hierTable) at(i int) viewRow { return h.rows[i] }
func (h *hierTable) rowID(_ *Tx, i int) RowID {
	e := mapi.MakeEID(mapi.ReplidLocal, h.rows[i].id)
	return RowID{FolderID: e, InstID: e}
}

// values returns the values of tags for row i: PR_DEPTH and
// PR_INSTANCE_KEY from the table, the rest from the folder.
func (h *hierTable) values(tx *Tx, i int, tags []mapi.PropTag, truncate bool) ([]mapi.PropVal, error) {
	r := h.rows[i]
	var out []mapi.PropVal
	var fetch []mapi.PropTag
	for _, tag := range tags {
		switch tag {
		case mapi.PrDepth:
			out = append(out, mapi.PropVal{Tag: tag, Value: int32(r.depth)})
		case mapi.PrInstanceKey:
			out = append(out, mapi.PropVal{Tag: tag, Value: h.rowID(tx, i).InstanceKey()})
		default:
			fetch = append(fetch, tag)
		}
	}
	if len(fetch) == 0 {
		return out, nil
	}
	props, err := tx.FolderProps(r.id, fetch)
	if errors.Is(err, ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, p := range props {
		if truncate {
			p = truncateValue(p)
		}
		out = append(out, p)
	}
	return out, nil
}

func (h *hierTable) readRow(tx *Tx, i int, cols []mapi.PropTag) ([]mapi.PropVal, error) {
	return h.values(tx, i, cols, true)
}

func (h *hierTable) evalRow(tx *Tx, i int, tags []mapi.PropTag) (mapi.Row, error) {
	vals, err := h.values(tx, i, tags, false)
	if err != nil {
		return nil, err
	}
	return mapi.PropValRow{Vals: vals}, nil
}

// apply handles a store event: a folder created, deleted, moved or
// copied re-reads the tree and reports the rows that came and went; a
// folder modified (or its counts changed) is a modified row, or comes or
// goes if the table has a restriction.
func (h *hierTable) apply(tx *Tx, ev Event) ([]TableChange, error) {
	if !ev.Folder {
		return nil, nil
	}
	switch ev.Kind {
	case EventModified, EventCountsChanged:
		if h.t.res != nil {
			return h.diff(tx, ev.FolderID)
		}
		i := h.t.find(rowKey{id: ev.FolderID})
		if i < 0 {
			return nil, nil
		}
		ch := TableChange{Kind: TableRowModified, Row: h.rowID(tx, i)}
		if i > 0 {
			ch.After = h.rowID(tx, i-1)
		}
		return []TableChange{ch}, nil
	case EventCreated, EventDeleted, EventMoved, EventCopied:
		return h.diff(tx, 0)
	}
	return nil, nil
}

// diff reads the tree again and turns the difference into row changes:
// rows that left, then rows that came, top down. If folders that stayed
// changed their order or depth (a move), the table changed as a whole.
// modified names a folder to report as modified if it stayed.
func (h *hierTable) diff(tx *Tx, modified uint64) ([]TableChange, error) {
	nu, err := h.collect(tx)
	if err != nil {
		return nil, err
	}
	old := h.rows
	inOld := make(map[uint64]viewRow, len(old))
	for _, r := range old {
		inOld[r.id] = r
	}
	inNew := make(map[uint64]viewRow, len(nu))
	for _, r := range nu {
		inNew[r.id] = r
	}
	var keptOld, keptNew []viewRow
	for _, r := range old {
		if _, ok := inNew[r.id]; ok {
			keptOld = append(keptOld, r)
		}
	}
	for _, r := range nu {
		if _, ok := inOld[r.id]; ok {
			keptNew = append(keptNew, r)
		}
	}
	same := len(keptOld) == len(keptNew)
	for i := 0; same && i < len(keptOld); i++ {
		same = keptOld[i] == keptNew[i]
	}
	if !same {
		h.rows = nu
		h.t.resolveMarks()
		return []TableChange{{Kind: TableChanged}}, nil
	}
	var changes []TableChange
	var gone []TableChange
	for i := len(h.rows) - 1; i >= 0; i-- {
		if _, ok := inNew[h.rows[i].id]; ok {
			continue
		}
		gone = append(gone, TableChange{Kind: TableRowDeleted, Row: h.rowID(tx, i)})
		h.rows = slices.Delete(h.rows, i, i+1)
		h.t.removed(i, 1)
	}
	for i := len(gone) - 1; i >= 0; i-- {
		changes = append(changes, gone[i])
	}
	for i, r := range nu {
		_, had := inOld[r.id]
		if !had {
			h.rows = slices.Insert(h.rows, i, r)
			h.t.inserted(i, 1)
		}
		if !had || r.id == modified {
			kind := TableRowAdded
			if had {
				kind = TableRowModified
			}
			ch := TableChange{Kind: kind, Row: h.rowID(tx, i)}
			if i > 0 {
				ch.After = h.rowID(tx, i-1)
			}
			changes = append(changes, ch)
		}
	}
	return changes, nil
}
