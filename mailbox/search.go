package mailbox

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// Search folders (MS-OXCFOLD 2.2.1.4, 2.2.1.5, 3.2.5.4): a folder row with
// is_search=1 whose search_flags and search_criteria columns hold the
// flags of the last RopSetSearchCriteria and its restriction (serialized
// with codec flags 0, as upstream's set_search_criteria does), whose
// search_scopes rows name the folders searched, and whose search_result
// rows link the messages found. The folder has no messages of its own.
//
// Population runs inside the request that sets the criteria (upstream runs
// it on a background thread); afterwards a dynamic search (neither static
// nor stopped) follows changes: the actor calls UpdateSearchLinks for each
// message a commit touched. Private stores only: public stores have no
// search columns.

// Search flags of RopSetSearchCriteria (MS-OXCFOLD 2.2.1.4.1).
const (
	SearchStop              = 0x00000001
	SearchRestart           = 0x00000002
	SearchRecursive         = 0x00000004
	SearchShallow           = 0x00000008
	SearchForeground        = 0x00000010
	SearchBackground        = 0x00000020
	SearchContentIndexed    = 0x00010000
	SearchNonContentIndexed = 0x00020000
	SearchStatic            = 0x00040000
)

// Search states of RopGetSearchCriteria (MS-OXCFOLD 2.2.1.5.2); 0 is a
// folder whose criteria were never set.
const (
	SearchStateRunning     = 0x00000001
	SearchStateRebuild     = 0x00000002
	SearchStateRecursive   = 0x00000004
	SearchStateForeground  = 0x00000008
	SearchStateComplete    = 0x00001000
	SearchStatePartial     = 0x00002000
	SearchStateStatic      = 0x00010000
	SearchStateMaybeStatic = 0x00020000
	SearchStateCITotally   = 0x01000000
	SearchStateCIWithTWIR  = 0x02000000
	SearchStateTWIRMostly  = 0x04000000
	SearchStateTWIRTotally = 0x08000000
)

const (
	searchFlagsNotDynamic = SearchStatic | SearchStop       // searches that do not follow changes
	searchFlagsRun        = SearchRestart | SearchStop      // one of them is always set
	searchFlagsDepth      = SearchRecursive | SearchShallow // one of them is always set
)

// Errors of search folders, each wrapping the MAPI code a client gets.
var (
	ErrNotSearchFolder      = fmt.Errorf("mailbox: not a search folder: %w", mapi.EcNotSearchFolder)
	ErrSearchScope          = fmt.Errorf("mailbox: search folder inside its own scope: %w", mapi.EcSearchFolderScopeViolation)
	ErrSearchNotInitialized = fmt.Errorf("mailbox: search criteria never set: %w", mapi.EcNotInitialized)
)

// SearchCriteria is what RopGetSearchCriteria reports of a search folder.
type SearchCriteria struct {
	State       uint32            // SearchState* bits; 0 before the first criteria
	Flags       uint32            // the SearchFlags last set (Search*)
	Restriction *mapi.Restriction // nil before the first criteria
	Scope       []uint64          // the folders searched (GCVs)
}

// searchFolder is the stored criteria of a search folder.
type searchFolder struct {
	fid   uint64
	flags uint32
	res   *mapi.Restriction
	blob  []byte
	scope []uint64
}

// dynamic reports whether the search follows changes.
func (s searchFolder) dynamic() bool {
	return s.flags != 0 && s.flags&searchFlagsNotDynamic == 0
}

// loadSearchFolder reads a search folder's criteria; an unset one has a nil
// restriction.
func (t *Tx) loadSearchFolder(fid uint64) (searchFolder, error) {
	sf := searchFolder{fid: fid}
	if err := t.checkPrivate("search folders"); err != nil {
		return sf, err
	}
	var isSearch, flags sql.NullInt64
	err := t.QueryRow("SELECT is_search, search_flags, search_criteria FROM folders WHERE folder_id=?", int64(fid)).Scan(&isSearch, &flags, &sf.blob)
	if errors.Is(err, sql.ErrNoRows) {
		return sf, fmt.Errorf("folder %#x: %w", fid, ErrNotFound)
	}
	if err != nil {
		return sf, err
	}
	if isSearch.Int64 == 0 {
		return sf, fmt.Errorf("folder %#x: %w", fid, ErrNotSearchFolder)
	}
	sf.flags = uint32(flags.Int64)
	if len(sf.blob) > 0 {
		if sf.res, err = mapi.NewReader(sf.blob, mapi.CodecStore).Restriction(); err != nil {
			return sf, fmt.Errorf("search criteria of folder %#x: %w", fid, err)
		}
	}
	sf.scope, err = t.ids("SELECT included_fid FROM search_scopes WHERE folder_id=? ORDER BY rowid", int64(fid))
	return sf, err
}

// CreateSearchFolder creates a search folder below parent, as upstream's
// create_folder does for PR_FOLDER_TYPE FOLDER_SEARCH: its id comes from
// the store's global range (it holds no messages, so it reserves no
// message ids), it has no criteria yet, and it gets the name, change key,
// times, article number and hierarchy counters a generic folder gets.
// Private stores only; a search folder cannot have subfolders.
func (t *Tx) CreateSearchFolder(parent uint64, name string, extra Props) (uint64, error) {
	if err := t.checkPrivate("search folders"); err != nil {
		return 0, err
	}
	if err := t.checkNewFolder(parent, name); err != nil {
		return 0, err
	}
	cn, err := t.AllocateCN()
	if err != nil {
		return 0, err
	}
	fid, err := t.allocateEID()
	if err != nil {
		return 0, err
	}
	if _, err := t.Exec("INSERT INTO folders (folder_id, parent_id, change_number, is_search, cur_eid, max_eid) VALUES (?, ?, ?, 1, 0, 0)",
		int64(fid), int64(parent), int64(cn)); err != nil {
		return 0, err
	}
	now := nowFT()
	ck := t.changeKey(cn)
	props := Props{
		{Tag: mapi.PrDisplayName, Value: name},
		{Tag: mapi.PrCreationTime, Value: now},
		{Tag: mapi.PrLastModificationTime, Value: now},
		{Tag: mapi.PrChangeKey, Value: ck},
		{Tag: mapi.PrPredecessorChangeList, Value: appendPCL(nil, ck)},
	}
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

// GetSearchCriteria returns the criteria and state of search folder fid
// (MS-OXCFOLD 3.2.5.5; upstream get_search_criteria). Since population ends
// with the request that starts it, a search is never reported rebuilding: a
// restarted dynamic search is running, a restarted static one complete.
func (t *Tx) GetSearchCriteria(fid uint64) (SearchCriteria, error) {
	sf, err := t.loadSearchFolder(fid)
	if err != nil {
		return SearchCriteria{}, err
	}
	if sf.res == nil {
		return SearchCriteria{}, nil
	}
	sc := SearchCriteria{Flags: sf.flags, Restriction: sf.res, Scope: sf.scope}
	if sf.flags&SearchRestart != 0 {
		if sf.flags&SearchStatic != 0 {
			sc.State |= SearchStateComplete | SearchStateTWIRTotally
		} else {
			sc.State |= SearchStateRunning | SearchStateTWIRTotally
		}
	}
	if sf.flags&SearchRecursive != 0 {
		sc.State |= SearchStateRecursive
	}
	return sc, nil
}

// SetSearchCriteria sets the restriction, scope (folder GCVs) and flags of
// search folder fid (MS-OXCFOLD 3.2.5.4; upstream rop_setsearchcriteria and
// set_search_criteria). Without SearchRestart or SearchStop the search
// stops; without SearchRecursive or SearchShallow it is shallow. A nil res
// or an empty scope keeps the current one (ErrSearchNotInitialized if there is
// none); without SearchRestart and with neither, nothing changes (upstream:
// a search is stopped by giving its criteria). A scope folder that contains the search folder is ErrSearchScope;
// folders that do not exist are left out. The current results are dropped;
// with SearchRestart the folder is populated again (see PopulateSearch),
// and a search that is neither static nor stopped then follows changes
// (UpdateSearchLinks).
func (t *Tx) SetSearchCriteria(fid uint64, res *mapi.Restriction, scope []uint64, flags uint32) error {
	sf, err := t.loadSearchFolder(fid)
	if err != nil {
		return err
	}
	if flags&searchFlagsRun == 0 {
		flags |= SearchStop
	}
	if flags&searchFlagsDepth == 0 {
		flags |= SearchShallow
	}
	if res == nil || len(scope) == 0 {
		if sf.res == nil {
			return fmt.Errorf("folder %#x: %w", fid, ErrSearchNotInitialized)
		}
		if flags&SearchRestart == 0 && res == nil && len(scope) == 0 {
			return nil // nothing to change
		}
	}
	for _, s := range scope {
		inside, err := t.isDescendant(fid, s)
		if err != nil {
			return err
		}
		if inside {
			return fmt.Errorf("folder %#x with scope %#x: %w", fid, s, ErrSearchScope)
		}
	}
	if _, err := t.Exec("UPDATE folders SET search_flags=? WHERE folder_id=?", int64(flags), int64(fid)); err != nil {
		return err
	}
	if res != nil {
		w := mapi.NewWriter(mapi.CodecStore)
		if err := w.PutRestriction(res); err != nil {
			return fmt.Errorf("search criteria: %w: %w", ErrInvalidParam, err)
		}
		if _, err := t.Exec("UPDATE folders SET search_criteria=? WHERE folder_id=?", w.Bytes(), int64(fid)); err != nil {
			return err
		}
	}
	if len(scope) > 0 {
		if _, err := t.Exec("DELETE FROM search_scopes WHERE folder_id=?", int64(fid)); err != nil {
			return err
		}
		for _, s := range scope {
			n, err := t.queryInt("SELECT COUNT(*) FROM folders WHERE folder_id=?", int64(s))
			if err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			if _, err := t.Exec("INSERT INTO search_scopes VALUES (?, ?)", int64(fid), int64(s)); err != nil {
				return err
			}
		}
	}
	if flags&SearchRestart != 0 {
		_, err := t.PopulateSearch(fid)
		return err
	}
	if _, err := t.Exec("DELETE FROM search_result WHERE folder_id=?", int64(fid)); err != nil {
		return err
	}
	return t.searchFolderChanged(fid)
}

// searchFolderChanged reports new contents of a search folder.
func (t *Tx) searchFolderChanged(fid uint64) error {
	r, err := t.folderRow(fid)
	if err != nil {
		return err
	}
	t.Emit(Event{Kind: EventModified, Folder: true, FolderID: fid, ParentID: r.parent})
	return t.emitCounts(fid)
}

// scopeFolders lists the folders a search covers: the scope folders and,
// for a recursive search, every folder below them (soft-deleted ones
// aside), each once, without the search folder itself.
func (t *Tx) scopeFolders(sf searchFolder) ([]uint64, error) {
	seen := map[uint64]bool{sf.fid: true}
	var out []uint64
	for _, s := range sf.scope {
		ids := []uint64{s}
		if sf.flags&SearchRecursive != 0 {
			var err error
			ids, err = t.ids(`WITH RECURSIVE sub(id) AS (SELECT ? UNION
				SELECT f.folder_id FROM folders AS f JOIN sub ON f.parent_id=sub.id WHERE f.is_deleted=0)
				SELECT id FROM sub`, int64(s))
			if err != nil {
				return nil, err
			}
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}

// PopulateSearch fills search folder fid from its criteria: its results
// are dropped, then every normal, not deleted message of the scope folders
// (the results, for a scope folder that is itself a search folder) that
// matches the restriction is linked. It returns how many messages are
// linked, and reports the folder's new contents and EventSearchComplete.
// Associated (FAI) messages are not searched.
func (t *Tx) PopulateSearch(fid uint64) (int, error) {
	sf, err := t.loadSearchFolder(fid)
	if err != nil {
		return 0, err
	}
	if sf.res == nil {
		return 0, fmt.Errorf("folder %#x: %w", fid, ErrSearchNotInitialized)
	}
	if _, err := t.Exec("DELETE FROM search_result WHERE folder_id=?", int64(fid)); err != nil {
		return 0, err
	}
	folders, err := t.scopeFolders(sf)
	if err != nil {
		return 0, err
	}
	seen := map[uint64]bool{}
	linked := 0
	for _, f := range folders {
		r, err := t.folderRow(f)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return 0, err
		}
		q := "SELECT message_id FROM messages WHERE parent_fid=? AND is_deleted=0 AND is_associated=0 ORDER BY message_id"
		if r.search {
			q = `SELECT s.message_id FROM search_result AS s JOIN messages AS m ON s.message_id=m.message_id
				WHERE s.folder_id=? AND m.is_deleted=0 AND m.is_associated=0 ORDER BY s.message_id`
		}
		mids, err := t.ids(q, int64(f))
		if err != nil {
			return 0, err
		}
		for _, mid := range mids {
			if seen[mid] {
				continue
			}
			seen[mid] = true
			ok, err := t.evalMessage(mid, sf.res)
			if err != nil {
				return 0, err
			}
			if !ok {
				continue
			}
			if _, err := t.Exec("INSERT OR IGNORE INTO search_result (folder_id, message_id) VALUES (?, ?)", int64(fid), int64(mid)); err != nil {
				return 0, err
			}
			linked++
		}
	}
	if err := t.searchFolderChanged(fid); err != nil {
		return 0, err
	}
	t.Emit(Event{Kind: EventSearchComplete, Folder: true, FolderID: fid})
	return linked, nil
}

// SearchResults lists the messages linked in search folder fid that are
// not deleted, by message id.
func (t *Tx) SearchResults(fid uint64) ([]uint64, error) {
	if _, err := t.loadSearchFolder(fid); err != nil {
		return nil, err
	}
	return t.ids(`SELECT s.message_id FROM search_result AS s JOIN messages AS m ON s.message_id=m.message_id
		WHERE s.folder_id=? AND m.is_deleted=0 ORDER BY s.message_id`, int64(fid))
}

// UpdateSearchLinks brings the links of message mid in the dynamic search
// folders up to date after a change of the message (created, modified,
// moved or copied here, deleted): a message inside a folder's scope that
// matches its restriction is linked (EventCreated with the search folder's
// id), a linked message that no longer matches, left the scope or was
// soft-deleted is unlinked (EventDeleted), and the folder's counts are
// reported. A message that no longer exists has lost its links with its
// row. Static and stopped searches keep their results. Calling it again
// for the same state changes nothing and reports nothing.
func (t *Tx) UpdateSearchLinks(mid uint64) error {
	sfids, err := t.activeSearchFolders()
	if err != nil || len(sfids) == 0 {
		return err
	}
	return t.updateSearchLinks(mid, sfids)
}

// activeSearchFolders lists the search folders whose search is set up
// (none in a public store).
func (t *Tx) activeSearchFolders() ([]uint64, error) {
	if t.s.meta.kind != KindPrivate {
		return nil, nil
	}
	rows, err := t.Query("SELECT folder_id FROM folders WHERE is_search=1 AND search_flags IS NOT NULL AND search_flags<>0 ORDER BY folder_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var sfids []uint64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		sfids = append(sfids, uint64(id))
	}
	return sfids, rows.Err()
}

// updateSearchLinks is UpdateSearchLinks with the search folders listed.
func (t *Tx) updateSearchLinks(mid uint64, sfids []uint64) error {
	r, err := t.messageRow(mid)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	gone := r.deleted || r.associated || r.parentFID == 0
	for _, sfid := range sfids {
		sf, err := t.loadSearchFolder(sfid)
		if err != nil {
			return err
		}
		if !sf.dynamic() || sf.res == nil {
			continue
		}
		linked, err := t.queryInt("SELECT COUNT(*) FROM search_result WHERE folder_id=? AND message_id=?", int64(sfid), int64(mid))
		if err != nil {
			return err
		}
		match := false
		if !gone {
			in, err := t.inSearchScope(sf, r.parentFID, mid)
			if err != nil {
				return err
			}
			if in {
				if match, err = t.evalMessage(mid, sf.res); err != nil {
					return err
				}
			}
		}
		switch {
		case match && linked == 0:
			if _, err := t.Exec("INSERT INTO search_result (folder_id, message_id) VALUES (?, ?)", int64(sfid), int64(mid)); err != nil {
				return err
			}
			t.Emit(Event{Kind: EventCreated, FolderID: sfid, MessageID: mid})
		case !match && linked != 0:
			if _, err := t.Exec("DELETE FROM search_result WHERE folder_id=? AND message_id=?", int64(sfid), int64(mid)); err != nil {
				return err
			}
			t.Emit(Event{Kind: EventDeleted, FolderID: sfid, MessageID: mid})
		default:
			continue
		}
		if err := t.emitCounts(sfid); err != nil {
			return err
		}
	}
	return nil
}

// inSearchScope reports whether a message of folder fid is in the scope of
// a search: fid is a scope folder (or below one, for a recursive search),
// or a scope folder is a search folder that links the message.
func (t *Tx) inSearchScope(sf searchFolder, fid, mid uint64) (bool, error) {
	for _, s := range sf.scope {
		if s == fid {
			return true, nil
		}
		if sf.flags&SearchRecursive != 0 {
			below, err := t.isDescendant(fid, s)
			if err != nil || below {
				return below, err
			}
		}
		n, err := t.queryInt("SELECT COUNT(*) FROM search_result WHERE folder_id=? AND message_id=?", int64(s), int64(mid))
		if err != nil {
			return false, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, nil
}

// evalMessage evaluates a restriction on a stored message, with the
// properties MessageProps answers (stored and computed) and its recipients
// and attachments for sub-restrictions (upstream cu_eval_msg_restriction).
func (t *Tx) evalMessage(mid uint64, res *mapi.Restriction) (bool, error) {
	row, err := t.newSearchRow(mid)
	if err != nil {
		return false, err
	}
	ok := mapi.Eval(res, row)
	return ok, row.err
}

// searchRow is a message as a restriction sees it, read as the
// restriction asks.
type searchRow struct {
	t    *Tx
	mid  uint64
	row  messageRow
	obj  *objectRows
	subs map[mapi.PropTag][]mapi.Row
	err  error
}

func (t *Tx) newSearchRow(mid uint64) (*searchRow, error) {
	r, err := t.messageRow(mid)
	if err != nil {
		return nil, err
	}
	o, err := t.loadObject(messageTable, mid)
	if err != nil {
		return nil, err
	}
	return &searchRow{t: t, mid: mid, row: r, obj: o}, nil
}

// Get implements mapi.Row with MessageProps' rules.
func (r *searchRow) Get(tag mapi.PropTag) (any, bool) {
	v, handled, err := r.t.messageComputed(r.mid, r.row, r.obj, tag)
	if err != nil {
		r.err = err
		return nil, false
	}
	if handled {
		return v, v != nil
	}
	if p, ok := r.t.stored(r.obj, tag); ok {
		return p.Value, true
	}
	if v := r.t.messageFallback(r.obj, tag); v != nil {
		return v, true
	}
	return nil, false
}

// Sub implements mapi.Row: the recipients or attachments of the message.
func (r *searchRow) Sub(sub mapi.PropTag) []mapi.Row {
	if rows, ok := r.subs[sub]; ok {
		return rows
	}
	var q string
	var load func(id uint64, i int) (Props, error)
	switch sub {
	case mapi.PrMessageRecipients:
		q, load = "SELECT recipient_id FROM recipients WHERE message_id=? ORDER BY recipient_id", r.t.recipientProps
	case mapi.PrMessageAttachments:
		q, load = "SELECT attachment_id FROM attachments WHERE message_id=? ORDER BY attachment_id", r.t.attachmentProps
	default:
		return nil
	}
	ids, err := r.t.ids(q, int64(r.mid))
	if err != nil {
		r.err = err
		return nil
	}
	rows := make([]mapi.Row, 0, len(ids))
	for i, id := range ids {
		p, err := load(id, i)
		if err != nil {
			r.err = err
			return nil
		}
		rows = append(rows, mapi.PropValRow{Vals: p})
	}
	if r.subs == nil {
		r.subs = map[mapi.PropTag][]mapi.Row{}
	}
	r.subs[sub] = rows
	return rows
}
