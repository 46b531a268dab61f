package mailbox

import (
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// CreateFolder creates a generic folder below parent, as a client creating
// a folder through upstream does (emsmdb/midb set the name, class, times
// and a change key from a new change number; exmdb reserves a message-id
// block whose first value becomes the folder id, and maintains the article
// number, the hierarchy counters and the commit times of the folder and its
// parent). Extra properties (PR_COMMENT, PR_ATTR_HIDDEN, ...) may be given;
// class may be "". A sibling of the same name (ASCII case ignored) is
// ErrDuplicateName.
func (t *Tx) CreateFolder(parent uint64, name, class string, extra Props) (uint64, error) {
	if err := t.checkNewFolder(parent, name); err != nil {
		return 0, err
	}
	cn, err := t.AllocateCN()
	if err != nil {
		return 0, err
	}
	first, _, err := t.reserveBlock()
	if err != nil {
		return 0, err
	}
	fid := first
	// The folder id is the block's first value; its messages take the
	// rest (upstream: cur_eid = first+1, max_eid = first+0x10000).
	if _, err := t.Exec("INSERT INTO folders (folder_id, parent_id, change_number, cur_eid, max_eid) VALUES (?, ?, ?, ?, ?)",
		int64(fid), int64(parent), int64(cn), int64(first+1), int64(first+mapi.AllocatedEIDRange)); err != nil {
		return 0, err
	}
	now := nowFT()
	ck := t.changeKey(cn)
	props := Props{{Tag: mapi.PrDisplayName, Value: name}}
	if class != "" {
		props = append(props, mapi.PropVal{Tag: mapi.PrContainerClass, Value: class})
	}
	props = append(props,
		mapi.PropVal{Tag: mapi.PrCreationTime, Value: now},
		mapi.PropVal{Tag: mapi.PrLastModificationTime, Value: now},
		mapi.PropVal{Tag: mapi.PrChangeKey, Value: ck},
		mapi.PropVal{Tag: mapi.PrPredecessorChangeList, Value: appendPCL(nil, ck)})
	for _, p := range extra {
		if !props.Has(p.Tag) {
			props = append(props, p)
		}
	}
	if problems, err := t.setProps(folderTable, fid, props); err != nil {
		return 0, err
	} else if err := errProblems(problems); err != nil {
		return 0, err
	}
	art, err := t.allocateFolderArticle()
	if err != nil {
		return 0, err
	}
	for _, p := range []mapi.PropVal{
		{Tag: mapi.PrInternetArticleNumberNext, Value: int32(1)},
		{Tag: mapi.PrDeletedCountTotal, Value: int32(0)},
		{Tag: mapi.PrInternetArticleNumber, Value: art},
		{Tag: mapi.PrLocalCommitTimeMax, Value: now},
		{Tag: mapi.PrHierarchyChangeNum, Value: int32(0)},
		{Tag: mapi.PrHierRev, Value: now},
	} {
		if err := t.putProp(folderTable, fid, p.Tag, p.Value); err != nil {
			return 0, err
		}
	}
	if err := t.hierarchyChanged(parent, now); err != nil {
		return 0, err
	}
	t.Emit(Event{Kind: EventCreated, Folder: true, FolderID: fid, ParentID: parent})
	return fid, nil
}

// checkNewFolder refuses a new folder named name below parent: no parent,
// a search folder as parent, no name, or a sibling of that name.
func (t *Tx) checkNewFolder(parent uint64, name string) error {
	pr, err := t.folderRow(parent)
	if err != nil {
		return err
	}
	if pr.search {
		return fmt.Errorf("create folder below search folder %#x: %w", parent, ErrAccessDenied)
	}
	if name == "" {
		return fmt.Errorf("create folder without a name: %w", ErrInvalidParam)
	}
	if _, err := t.FolderByName(parent, name); err == nil {
		return fmt.Errorf("create folder %q: %w", name, ErrDuplicateName)
	}
	return nil
}

// hierarchyChanged records a change among a folder's subfolders:
// PR_HIERARCHY_CHANGE_NUM+1, PR_HIER_REV and PR_LOCAL_COMMIT_TIME_MAX.
func (t *Tx) hierarchyChanged(fid uint64, now mapi.FileTime) error {
	if err := t.addFolderCounter(fid, mapi.PrHierarchyChangeNum, 1); err != nil {
		return err
	}
	if err := t.putProp(folderTable, fid, mapi.PrHierRev, now); err != nil {
		return err
	}
	return t.putProp(folderTable, fid, mapi.PrLocalCommitTimeMax, now)
}

// newFolderVersion gives a folder a new change number with its change key,
// PCL entry and PR_LAST_MODIFICATION_TIME (plus extra values).
func (t *Tx) newFolderVersion(fid uint64, now mapi.FileTime, extra ...mapi.PropVal) error {
	cn, err := t.AllocateCN()
	if err != nil {
		return err
	}
	if _, err := t.Exec("UPDATE folders SET change_number=? WHERE folder_id=?", int64(cn), int64(fid)); err != nil {
		return err
	}
	ck := t.changeKey(cn)
	old, err := t.getPropBytes(folderTable, fid, mapi.PrPredecessorChangeList)
	if err != nil {
		return err
	}
	for _, p := range append([]mapi.PropVal{
		{Tag: mapi.PrChangeKey, Value: ck},
		{Tag: mapi.PrPredecessorChangeList, Value: appendPCL(old, ck)},
		{Tag: mapi.PrLastModificationTime, Value: now},
	}, extra...) {
		if err := t.putProp(folderTable, fid, p.Tag, p.Value); err != nil {
			return err
		}
	}
	return nil
}

// SetFolderProps stores folder properties. Unless the caller brings its own
// PidTagChangeNumber (and change key), the change gets a new change number,
// change key and PCL entry and PR_LAST_MODIFICATION_TIME. Computed
// properties and a display name a sibling has are reported as problems.
func (t *Tx) SetFolderProps(fid uint64, props Props) ([]PropProblem, error) {
	r, err := t.folderRow(fid)
	if err != nil {
		return nil, err
	}
	problems, err := t.setProps(folderTable, fid, props)
	if err != nil {
		return nil, err
	}
	if !props.Has(mapi.PrChangeNumber) {
		if err := t.newFolderVersion(fid, nowFT()); err != nil {
			return nil, err
		}
	}
	t.Emit(Event{Kind: EventModified, Folder: true, FolderID: fid, ParentID: r.parent})
	return problems, nil
}

// DeleteFolder deletes a folder that has no subfolders and no messages
// (soft-deleted ones aside); built-in folders cannot be deleted. Soft
// deletion keeps the row (is_deleted=1) with a new change number and
// PR_DELETED_ON; hard deletion removes it with whatever soft-deleted
// messages remain. A search folder is always removed. The parent's
// PR_DELETED_FOLDER_COUNT and hierarchy counters are updated.
func (t *Tx) DeleteFolder(fid uint64, hard bool) error {
	if fid < mapi.CustomEIDBegin {
		return fmt.Errorf("delete built-in folder %#x: %w", fid, ErrAccessDenied)
	}
	r, err := t.folderRow(fid)
	if err != nil {
		return err
	}
	if r.search {
		hard = true
	} else {
		n, err := t.queryInt("SELECT COUNT(*) FROM folders WHERE parent_id=?", int64(fid))
		if err != nil {
			return err
		}
		m, err := t.queryInt("SELECT COUNT(*) FROM messages WHERE parent_fid=? AND is_deleted=0", int64(fid))
		if err != nil {
			return err
		}
		if n > 0 || m > 0 {
			return fmt.Errorf("delete folder %#x: %w", fid, ErrFolderInUse)
		}
	}
	now := nowFT()
	if hard {
		if !r.search {
			normal, assoc, err := t.sizesOf("SELECT is_associated, message_size FROM messages WHERE parent_fid=?", int64(fid))
			if err != nil {
				return err
			}
			if err := t.adjustStoreSize(true, normal, assoc); err != nil {
				return err
			}
		}
		if _, err := t.Exec("DELETE FROM folders WHERE folder_id=?", int64(fid)); err != nil {
			return err
		}
	} else {
		if err := t.newFolderVersion(fid, now, mapi.PropVal{Tag: mapi.PrDeletedOn, Value: now}); err != nil {
			return err
		}
		if _, err := t.Exec("UPDATE folders SET is_deleted=1 WHERE folder_id=?", int64(fid)); err != nil {
			return err
		}
		if _, err := t.Exec("DELETE FROM msgtime_index WHERE folder_id=?", int64(fid)); err != nil {
			return err
		}
	}
	if r.parent != 0 {
		if err := t.addFolderCounter(r.parent, mapi.PrDeletedFolderCount, 1); err != nil {
			return err
		}
		if err := t.hierarchyChanged(r.parent, now); err != nil {
			return err
		}
	}
	t.Emit(Event{Kind: EventDeleted, Folder: true, FolderID: fid, ParentID: r.parent})
	return nil
}

// sizesOf sums message sizes (normal, associated) of "SELECT
// is_associated, message_size" rows.
func (t *Tx) sizesOf(q string, args ...any) (normal, assoc int64, err error) {
	rows, err := t.Query(q, args...)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var a *int64
		var n int64
		if err := rows.Scan(&a, &n); err != nil {
			return 0, 0, err
		}
		if a != nil && *a != 0 {
			assoc += n
		} else {
			normal += n
		}
	}
	return normal, assoc, rows.Err()
}

// MoveFolder moves a folder below newParent, renamed to newName ("" keeps
// its name). Built-in folders stay where they are; a folder cannot move
// below itself; a sibling of the new name is ErrDuplicateName. Both parents'
// hierarchy counters and the folder's change number are updated as
// upstream's movecopy_folder does.
func (t *Tx) MoveFolder(fid, newParent uint64, newName string) error {
	if fid < mapi.CustomEIDBegin {
		return fmt.Errorf("move built-in folder %#x: %w", fid, ErrAccessDenied)
	}
	r, err := t.folderRow(fid)
	if err != nil {
		return err
	}
	dst, err := t.folderRow(newParent)
	if err != nil {
		return err
	}
	if dst.search {
		return fmt.Errorf("move folder into search folder %#x: %w", newParent, ErrAccessDenied)
	}
	if newName == "" {
		o, err := t.loadObject(folderTable, fid)
		if err != nil {
			return err
		}
		if p, ok := t.stored(o, mapi.PrDisplayName); ok {
			newName, _ = p.Value.(string)
		}
	}
	if other, err := t.FolderByName(newParent, newName); err == nil && other != fid {
		return fmt.Errorf("move folder %#x as %q: %w", fid, newName, ErrDuplicateName)
	}
	if below, err := t.isDescendant(newParent, fid); err != nil {
		return err
	} else if below {
		return fmt.Errorf("move folder %#x below itself: %w", fid, ErrInvalidParam)
	}
	if _, err := t.Exec("UPDATE folders SET parent_id=? WHERE folder_id=?", int64(newParent), int64(fid)); err != nil {
		return err
	}
	if err := t.putProp(folderTable, fid, mapi.PrDisplayName, newName); err != nil {
		return err
	}
	now := nowFT()
	if err := t.addFolderCounter(r.parent, mapi.PrDeletedFolderCount, 1); err != nil {
		return err
	}
	if err := t.hierarchyChanged(r.parent, now); err != nil {
		return err
	}
	if err := t.newFolderVersion(fid, now); err != nil {
		return err
	}
	if err := t.hierarchyChanged(newParent, now); err != nil {
		return err
	}
	t.Emit(Event{Kind: EventMoved, Folder: true, FolderID: fid, ParentID: newParent, OldFolderID: r.parent})
	return nil
}

// Flags of EmptyFolder.
const (
	EmptyMessages   = 0x1 // normal messages
	EmptyAssociated = 0x2 // associated (FAI) messages
	EmptySubfolders = 0x4 // subfolders (with their contents)
	EmptyHard       = 0x8 // remove instead of soft-delete
)

// EmptyFolder deletes a folder's contents: messages, associated messages
// and/or subfolders (built-in ones are emptied but kept), soft or hard, as
// upstream's empty_folder: the folder's PR_DELETED_COUNT_TOTAL (hard
// deletions), PR_DELETED_FOLDER_COUNT, hierarchy counters, commit time and
// the store size follow.
func (t *Tx) EmptyFolder(fid uint64, flags int) error {
	r, err := t.folderRow(fid)
	if err != nil {
		return err
	}
	if r.search {
		return fmt.Errorf("empty search folder %#x: %w", fid, ErrInvalidParam)
	}
	var st emptyStats
	if err := t.emptyFolder(fid, flags, &st); err != nil {
		return err
	}
	now := nowFT()
	if st.messages > 0 {
		if err := t.addFolderCounter(fid, mapi.PrDeletedCountTotal, st.messages); err != nil {
			return err
		}
	}
	if st.folders > 0 {
		if err := t.addFolderCounter(fid, mapi.PrDeletedFolderCount, st.folders); err != nil {
			return err
		}
		if err := t.hierarchyChanged(fid, now); err != nil {
			return err
		}
	}
	if st.messages > 0 || st.folders > 0 {
		if err := t.putProp(folderTable, fid, mapi.PrLocalCommitTimeMax, now); err != nil {
			return err
		}
	}
	if err := t.adjustStoreSize(true, st.normal, st.assoc); err != nil {
		return err
	}
	return t.emitCounts(fid)
}

type emptyStats struct {
	messages, folders int64 // hard-deleted
	normal, assoc     int64 // bytes hard-deleted
}

func (t *Tx) emptyFolder(fid uint64, flags int, st *emptyStats) error {
	hard := flags&EmptyHard != 0
	var kinds []int
	if flags&EmptyMessages != 0 {
		kinds = append(kinds, 0)
	}
	if flags&EmptyAssociated != 0 {
		kinds = append(kinds, 1)
	}
	for _, assoc := range kinds {
		rows, err := t.Query("SELECT message_id, message_size, is_deleted FROM messages WHERE parent_fid=? AND is_associated=?", int64(fid), assoc)
		if err != nil {
			return err
		}
		var gone []uint64
		for rows.Next() {
			var mid, size, del int64
			if err := rows.Scan(&mid, &size, &del); err != nil {
				rows.Close()
				return err
			}
			if del != 0 && !hard {
				continue
			}
			if hard {
				st.messages++
				if assoc == 1 {
					st.assoc += size
				} else {
					st.normal += size
				}
			}
			if del == 0 {
				gone = append(gone, uint64(mid))
			}
		}
		rows.Close()
		if hard {
			if err = t.unlinkSearchFolderContents(fid, assoc); err == nil {
				_, err = t.Exec("DELETE FROM messages WHERE parent_fid=? AND is_associated=?", int64(fid), assoc)
			}
		} else {
			_, err = t.Exec("UPDATE messages SET is_deleted=1 WHERE parent_fid=? AND is_associated=?", int64(fid), assoc)
			if err == nil {
				_, err = t.Exec("DELETE FROM msgtime_index WHERE folder_id=?", int64(fid))
			}
		}
		if err != nil {
			return err
		}
		for _, mid := range gone {
			t.Emit(Event{Kind: EventDeleted, FolderID: fid, MessageID: mid})
		}
	}
	if flags&EmptySubfolders == 0 {
		return nil
	}
	rows, err := t.Query("SELECT folder_id, is_deleted FROM folders WHERE parent_id=?", int64(fid))
	if err != nil {
		return err
	}
	type sub struct {
		id      uint64
		deleted bool
	}
	var subs []sub
	for rows.Next() {
		var id, del int64
		if err := rows.Scan(&id, &del); err != nil {
			rows.Close()
			return err
		}
		subs = append(subs, sub{uint64(id), del != 0})
	}
	rows.Close()
	for _, s := range subs {
		if s.deleted && !hard {
			continue
		}
		var sst emptyStats
		if err := t.emptyFolder(s.id, EmptyMessages|EmptyAssociated|EmptySubfolders|(flags&EmptyHard), &sst); err != nil {
			return err
		}
		st.normal += sst.normal
		st.assoc += sst.assoc
		if s.id < mapi.CustomEIDBegin {
			continue // built-in: emptied, kept
		}
		if hard {
			st.folders++
			_, err = t.Exec("DELETE FROM folders WHERE folder_id=?", int64(s.id))
		} else {
			_, err = t.Exec("UPDATE folders SET is_deleted=1 WHERE folder_id=?", int64(s.id))
		}
		if err != nil {
			return err
		}
		t.Emit(Event{Kind: EventDeleted, Folder: true, FolderID: s.id, ParentID: fid})
	}
	return nil
}

// emitCounts reports a folder's current message and unread counts.
func (t *Tx) emitCounts(fid uint64) error {
	// The counts are filled in once per folder per commit, after it, and
	// only when someone subscribed to them (storeActor.publish): counting
	// here would cost a scan of the folder for every message written.
	t.Emit(Event{Kind: EventCountsChanged, Folder: true, FolderID: fid, Total: -1, Unread: -1})
	return nil
}
