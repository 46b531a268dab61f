package mailbox

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// PR_FOLDER_FLAGS bits (upstream MDB_FOLDER_*).
const (
	folderFlagIPM    = 0x1
	folderFlagSearch = 0x2
	folderFlagNormal = 0x4
	folderFlagRules  = 0x8
)

// folderPathDelim separates the names in PR_FOLDER_PATHNAME (U+FFFE).
const folderPathDelim = "\uFFFE"

// defaultFolderTags are the computed properties a folder lists besides its
// stored ones (upstream cu_get_proptags' folder list, plus the entry ids and
// source keys exmdb's callers add).
var defaultFolderTags = []mapi.PropTag{
	mapi.PrAssocContentCount, mapi.PrContentCount, mapi.PrMessageSizeExtended, mapi.PrAssocMessageSizeExtended,
	mapi.PrNormalMessageSizeExtended, mapi.PrFolderChildCount, mapi.PrFolderType, mapi.PrContentUnread,
	mapi.PrSubfolders, mapi.PrHasRules, prFolderPathname, mapi.PrLocalCommitTime, mapi.PrFolderID,
	mapi.PrChangeNumber, prFolderFlags, mapi.PrEntryID, mapi.PrParentEntryID, mapi.PrParentFolderID,
	mapi.PrSourceKey, mapi.PrParentSourceKey,
}

// rootFID is the root folder of the store.
func (t *Tx) rootFID() uint64 {
	if t.s.meta.kind == KindPublic {
		return mapi.PublicFIDRoot
	}
	return mapi.PrivateFIDRoot
}

// ipmSubtree is the top of the visible folder tree.
func (t *Tx) ipmSubtree() uint64 {
	if t.s.meta.kind == KindPublic {
		return mapi.PublicFIDIPMSubtree
	}
	return mapi.PrivateFIDIPMSubtree
}

// folderRow is the folders row of a folder.
type folderRow struct {
	parent   uint64 // 0 for the root
	cn       uint64
	search   bool
	deleted  bool
	cur, max uint64
}

func (t *Tx) folderRow(fid uint64) (folderRow, error) {
	var r folderRow
	var parent sql.NullInt64
	var search, deleted sql.NullInt64
	q := "SELECT parent_id, change_number, is_search, is_deleted, cur_eid, max_eid FROM folders WHERE folder_id=?"
	if t.s.meta.kind == KindPublic {
		q = "SELECT parent_id, change_number, 0, is_deleted, cur_eid, max_eid FROM folders WHERE folder_id=?"
	}
	var cn, cur, max int64
	err := t.QueryRow(q, int64(fid)).Scan(&parent, &cn, &search, &deleted, &cur, &max)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("folder %#x: %w", fid, ErrNotFound)
	}
	if err != nil {
		return r, err
	}
	r.parent = uint64(parent.Int64)
	r.cn, r.cur, r.max = uint64(cn), uint64(cur), uint64(max)
	r.search = search.Int64 != 0
	r.deleted = deleted.Int64 != 0
	return r, nil
}

// folderType is PR_FOLDER_TYPE.
func (t *Tx) folderType(fid uint64, r folderRow) int32 {
	switch {
	case fid == t.rootFID():
		return FolderRoot
	case r.search:
		return FolderSearch
	}
	return FolderGeneric
}

// FolderCounts returns a folder's number of messages and unread messages
// (normal or associated), as PR_CONTENT_COUNT/PR_CONTENT_UNREAD and
// PR_ASSOC_CONTENT_COUNT report them: soft-deleted messages do not count;
// a search folder counts its results.
func (t *Tx) FolderCounts(fid uint64, assoc bool) (total, unread int64, err error) {
	r, err := t.folderRow(fid)
	if err != nil {
		return 0, 0, err
	}
	if t.s.meta.kind == KindPublic {
		total, err = t.queryInt("SELECT COUNT(*) FROM messages WHERE parent_fid=? AND is_deleted=0 AND is_associated=?", int64(fid), b2i(assoc))
		if err != nil {
			return 0, 0, err
		}
		read, err := t.queryInt(`SELECT COUNT(*) FROM read_states AS rs JOIN messages AS m
			ON rs.username=? AND m.parent_fid=? AND m.message_id=rs.message_id AND m.is_deleted=0 AND m.is_associated=?`,
			t.publicReader(), int64(fid), b2i(assoc))
		if err != nil {
			return 0, 0, err
		}
		return total, max(total-read, 0), nil
	}
	q := "SELECT read_state, COUNT(*) FROM messages WHERE parent_fid=? AND is_deleted=0 AND is_associated=? GROUP BY read_state"
	if r.search {
		q = `SELECT m.read_state, COUNT(*) FROM messages AS m JOIN search_result AS s
			ON s.folder_id=? AND s.message_id=m.message_id AND m.is_deleted=0 AND m.is_associated=? GROUP BY m.read_state`
	}
	rows, err := t.Query(q, int64(fid), b2i(assoc))
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var rs sql.NullInt64
		var n int64
		if err := rows.Scan(&rs, &n); err != nil {
			return 0, 0, err
		}
		total += n
		if rs.Int64 == 0 {
			unread += n
		}
	}
	return total, unread, rows.Err()
}

// publicReader is the user whose read states a public store reports. The
// store layer has no session user yet: "" (nobody has read anything).
// TODO: per-user read state in public stores (exmdb_pf_read_per_user).
func (t *Tx) publicReader() string { return "" }

// childCount is PR_FOLDER_CHILD_COUNT: every folder below fid, at any
// depth (upstream counts recursively, soft-deleted ones included).
func (t *Tx) childCount(fid uint64) (int64, error) {
	return t.queryInt(`WITH RECURSIVE sub(id) AS (
		SELECT folder_id FROM folders WHERE parent_id=?
		UNION ALL SELECT f.folder_id FROM folders f JOIN sub ON f.parent_id=sub.id)
		SELECT COUNT(*) FROM sub`, int64(fid))
}

// folderSize sums message_size of a folder's messages (normal, associated
// or both).
func (t *Tx) folderSize(fid uint64, search, normal, assoc bool) (int64, error) {
	cond := ""
	switch {
	case normal && !assoc:
		cond = " AND m.is_associated=0"
	case assoc && !normal:
		cond = " AND m.is_associated=1"
	}
	if search {
		return t.queryInt("SELECT SUM(m.message_size) FROM messages m JOIN search_result s ON s.folder_id=? AND s.message_id=m.message_id"+cond, int64(fid))
	}
	return t.queryInt("SELECT SUM(m.message_size) FROM messages m WHERE m.parent_fid=?"+cond, int64(fid))
}

// isDescendant reports whether fid is anc or below it.
func (t *Tx) isDescendant(fid, anc uint64) (bool, error) {
	for depth := 0; fid != 0 && depth < 1000; depth++ {
		if fid == anc {
			return true, nil
		}
		var parent sql.NullInt64
		err := t.QueryRow("SELECT parent_id FROM folders WHERE folder_id=?", int64(fid)).Scan(&parent)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		fid = uint64(parent.Int64)
	}
	return false, nil
}

// folderPath is PR_FOLDER_PATHNAME: the names from below the IPM subtree
// (or the root) down to the folder, each preceded by U+FFFE.
func (t *Tx) folderPath(fid uint64) (string, bool, error) {
	var parts []string
	cur := fid
	for depth := 0; depth < 1000; depth++ {
		if cur == t.rootFID() {
			if len(parts) == 0 {
				return folderPathDelim, true, nil
			}
			break
		}
		ipm := cur == t.ipmSubtree()
		if ipm && len(parts) > 0 {
			break
		}
		var name sql.NullString
		err := t.QueryRow("SELECT propval FROM folder_properties WHERE folder_id=? AND proptag=?", int64(cur), int64(mapi.PrDisplayName)).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) || err == nil && name.String == "" {
			return "", false, nil
		}
		if err != nil {
			return "", false, err
		}
		parts = append(parts, name.String)
		if ipm {
			break
		}
		var parent sql.NullInt64
		if err := t.QueryRow("SELECT parent_id FROM folders WHERE folder_id=?", int64(cur)).Scan(&parent); err != nil {
			return "", false, nil
		}
		cur = uint64(parent.Int64)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteString(folderPathDelim)
		b.WriteString(parts[i])
	}
	return b.String(), true, nil
}

// folderEntryID is PR_ENTRYID of a folder of this store.
func (t *Tx) folderEntryID(fid uint64) []byte {
	if t.s.meta.kind == KindPublic {
		return mapi.PublicFolderEntryID(t.s.meta.accountID, fid).Bytes()
	}
	return mapi.PrivateFolderEntryID(t.s.meta.mailboxGUID, t.s.meta.accountID, fid).Bytes()
}

// folderComputed answers the folder properties upstream computes. handled
// is false for stored properties; a nil value with handled means absent.
func (t *Tx) folderComputed(fid uint64, r folderRow, tag mapi.PropTag) (any, bool, error) {
	parent := r.parent
	if parent == 0 {
		parent = fid // upstream: the root is its own parent
	}
	switch tag {
	case mapi.PrEntryID:
		return t.folderEntryID(fid), true, nil
	case mapi.PrParentEntryID:
		return t.folderEntryID(parent), true, nil
	case mapi.PrFolderID:
		return int64(mapi.MakeEID(mapi.ReplidLocal, fid)), true, nil
	case mapi.PrParentFolderID:
		return int64(mapi.MakeEID(mapi.ReplidLocal, parent)), true, nil
	case mapi.PrChangeNumber:
		return int64(mapi.MakeChangeNumber(r.cn)), true, nil
	case mapi.PrParentSourceKey:
		if r.parent == 0 {
			return []byte{}, true, nil
		}
		return mapi.SourceKey(t.s.StoreGUID(), r.parent), true, nil
	case mapi.PrContentCount, mapi.PrContentUnread, mapi.PrAssocContentCount:
		total, unread, err := t.FolderCounts(fid, tag == mapi.PrAssocContentCount)
		if tag == mapi.PrContentUnread {
			return u32(unread), true, err
		}
		return u32(total), true, err
	case mapi.PrFolderChildCount:
		n, err := t.childCount(fid)
		return u32(n), true, err
	case mapi.PrSubfolders:
		n, err := t.queryInt("SELECT COUNT(*) FROM folders WHERE parent_id=? AND is_deleted=0", int64(fid))
		return n > 0, true, err
	case mapi.PrHasRules:
		n, err := t.queryInt("SELECT COUNT(*) FROM rules WHERE folder_id=?", int64(fid))
		return n > 0, true, err
	case mapi.PrFolderType:
		return t.folderType(fid, r), true, nil
	case prFolderFlags:
		var f int32 = folderFlagNormal
		if r.search {
			f = folderFlagSearch
		}
		n, err := t.queryInt("SELECT COUNT(*) FROM rules WHERE folder_id=?", int64(fid))
		if err != nil {
			return nil, true, err
		}
		if n > 0 {
			f |= folderFlagRules
		}
		in, err := t.isDescendant(fid, t.ipmSubtree())
		if in {
			f |= folderFlagIPM
		}
		return f, true, err
	case mapi.PrMessageSize, mapi.PrMessageSizeExtended, prAssocMessageSize, mapi.PrAssocMessageSizeExtended,
		mapi.PrNormalMessageSize, mapi.PrNormalMessageSizeExtended:
		normal := tag != prAssocMessageSize && tag != mapi.PrAssocMessageSizeExtended
		assoc := tag != mapi.PrNormalMessageSize && tag != mapi.PrNormalMessageSizeExtended
		n, err := t.folderSize(fid, r.search, normal, assoc)
		if tag.Type() == mapi.PtI8 {
			return n, true, err
		}
		return u32(n), true, err
	case prFolderPathname:
		p, ok, err := t.folderPath(fid)
		if !ok || err != nil {
			return nil, true, err
		}
		return p, true, nil
	case prCISearchEnabled:
		return false, true, nil
	}
	return nil, false, nil
}

// FolderProps returns properties of a folder: the stored ones asked for
// and those upstream computes (counts, sizes, child count, type, flags,
// path, folder id and change number as EIDs, entry ids, source keys).
// With no tags, every stored property and the computed ones.
func (t *Tx) FolderProps(fid uint64, tags []mapi.PropTag) (Props, error) {
	cached, key, cache := t.cachedFolderProps(fid, tags)
	if cached != nil {
		return cloneProps(cached), nil
	}
	out, err := t.folderProps(fid, tags)
	if err == nil && cache != nil {
		cache.putFolderProps(key, cloneProps(out))
	}
	return out, err
}

func (t *Tx) folderProps(fid uint64, tags []mapi.PropTag) (Props, error) {
	r, err := t.folderRow(fid)
	if err != nil {
		return nil, err
	}
	o, err := t.loadObject(folderTable, fid)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		tags = mergeTags(append(o.storedTags(), defaultFolderTags...))
	}
	out := make(Props, 0, len(tags))
	for _, tag := range tags {
		v, handled, err := t.folderComputed(fid, r, tag)
		if err != nil {
			return nil, err
		}
		if handled {
			if v != nil {
				out = append(out, mapi.PropVal{Tag: tag, Value: v})
			}
			continue
		}
		want := tag
		if tag == mapi.PrLocalCommitTime {
			want = mapi.PrLastModificationTime // upstream answers it from there
		}
		if p, ok := t.stored(o, want); ok {
			p.Tag = tag
			out = append(out, p)
			continue
		}
		switch tag {
		case mapi.PrDeletedFolderCount, mapi.PrDeletedCountTotal:
			out = append(out, mapi.PropVal{Tag: tag, Value: int32(0)})
		case mapi.PrSourceKey:
			out = append(out, mapi.PropVal{Tag: tag, Value: mapi.SourceKey(t.s.StoreGUID(), fid)})
		}
	}
	return out, nil
}

// Children returns the folders directly below fid that are not
// soft-deleted, by folder id.
func (t *Tx) Children(fid uint64) ([]uint64, error) {
	if err := t.checkFolder(fid); err != nil {
		return nil, err
	}
	return t.ids("SELECT folder_id FROM folders WHERE parent_id=? AND is_deleted=0 ORDER BY folder_id", int64(fid))
}

// ids runs a query of one integer column.
func (t *Tx) ids(q string, args ...any) ([]uint64, error) {
	rows, err := t.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []uint64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, uint64(id))
	}
	return out, rows.Err()
}

// FolderByName finds the folder below parent whose display name is name,
// ignoring ASCII case as upstream's strcasecmp does; soft-deleted folders
// are not found. It returns ErrNotFound when there is none.
func (t *Tx) FolderByName(parent uint64, name string) (uint64, error) {
	rows, err := t.Query(`SELECT fp.folder_id, fp.propval FROM folders AS f JOIN folder_properties AS fp
		ON f.parent_id=? AND f.is_deleted=0 AND f.folder_id=fp.folder_id AND fp.proptag=?`,
		int64(parent), int64(mapi.PrDisplayName))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var fid int64
		var v any
		if err := rows.Scan(&fid, &v); err != nil {
			return 0, err
		}
		if s, ok := cidString(v); ok && asciiEqualFold(s, name) {
			return uint64(fid), nil
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("folder %q below %#x: %w", name, parent, ErrNotFound)
}

// asciiEqualFold compares strings ignoring the case of ASCII letters only.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
