package mailbox

import (
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// ErrNotFound is returned for an object (folder, message) that does not
// exist.
var ErrNotFound = errors.New("mailbox: not found")

// Folder types (PR_FOLDER_TYPE, MS-OXCFOLD 2.2.2.2.2.5).
const (
	FolderRoot    = 0
	FolderGeneric = 1
	FolderSearch  = 2
)

// Message flags (PR_MESSAGE_FLAGS, MS-OXCMSG 2.2.1.6).
const (
	MsgFlagRead       = 0x1
	MsgFlagUnmodified = 0x2
	MsgFlagSubmitted  = 0x4
	MsgFlagUnsent     = 0x8
	MsgFlagHasAttach  = 0x10
	MsgFlagFromMe     = 0x20
	MsgFlagAssociated = 0x40
	MsgFlagResend     = 0x80
	MsgFlagRNPending  = 0x100
	MsgFlagNRNPending = 0x200
	MsgFlagEverRead   = 0x400

	// msgFlagsComputed are the bits PR_MESSAGE_FLAGS never takes from the
	// stored value (upstream cu_get_msg_flags).
	msgFlagsComputed = MsgFlagRead | MsgFlagHasAttach | MsgFlagFromMe | MsgFlagAssociated | MsgFlagRNPending | MsgFlagNRNPending
)

// Recipient types (PR_RECIPIENT_TYPE).
const (
	RecipientTo  = 1
	RecipientCc  = 2
	RecipientBcc = 3
)

// objectRows is the stored rows of one object, by tag.
type objectRows struct {
	table propTable
	id    uint64
	rows  []propRow
	byTag map[uint32]int
}

func (t *Tx) loadObject(table propTable, id uint64) (*objectRows, error) {
	rows, err := t.propRows(table, id)
	if err != nil {
		return nil, err
	}
	o := &objectRows{table: table, id: id, rows: rows, byTag: make(map[uint32]int, len(rows))}
	for i, r := range rows {
		o.byTag[r.tag] = i
	}
	return o, nil
}

// loadObjectTags reads the property rows of one object whose tags are in
// tags (in row order, as loadObject). The IN list is padded to a size of
// 8, 16, 32 or 64 so that its statements stay few and prepared.
func (t *Tx) loadObjectTags(table propTable, id uint64, tags []uint32) (*objectRows, error) {
	size := 8
	for size < len(tags) {
		size *= 2
	}
	q := "SELECT proptag, propval FROM " + table.String() + " WHERE "
	var args []any
	if col := table.idColumn(); col != "" {
		q += col + "=? AND "
		args = append(args, int64(id))
	}
	q += "proptag IN (?" + strings.Repeat(",?", size-1) + ") ORDER BY rowid"
	for i := 0; i < size; i++ {
		args = append(args, int64(tags[min(i, len(tags)-1)]))
	}
	rs, err := t.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	o := &objectRows{table: table, id: id, byTag: make(map[uint32]int, len(tags))}
	for rs.Next() {
		var r propRow
		var tag int64
		if err := rs.Scan(&tag, &r.val); err != nil {
			return nil, err
		}
		r.tag = uint32(tag)
		o.byTag[r.tag] = len(o.rows)
		o.rows = append(o.rows, r)
	}
	return o, rs.Err()
}

// prefetched are the property rows of some messages, limited to tags.
type prefetched struct {
	tags map[uint32]bool
	objs map[uint64]*objectRows
	rows map[uint64]messageRow // private stores: the messages' own rows
	atts map[uint64]int64      // private stores: attachment counts
}

// prefetchMessageRows reads, in one query per 64 messages, the property
// rows MessageProps needs to answer cols for each of mids; MessageProps
// uses them until tx.pre is cleared. A read-only transaction takes what the
// store's row cache holds and reads only the rest.
func (t *Tx) prefetchMessageRows(mids []uint64, cols []mapi.PropTag) error {
	need, ok := messageRowsNeeded(cols)
	if !ok || len(mids) == 0 {
		return nil
	}
	pre := &prefetched{tags: make(map[uint32]bool, len(need)), objs: make(map[uint64]*objectRows, len(mids))}
	for _, tag := range need {
		pre.tags[tag] = true
	}
	if t.s.meta.kind == KindPrivate {
		pre.rows, pre.atts = make(map[uint64]messageRow, len(mids)), make(map[uint64]int64, len(mids))
	}
	cache := t.cachedRows(need)
	all := mids
	if cache != nil {
		mids = nil
		for _, mid := range all {
			if cm := cache.msgs[mid]; cm != nil {
				cm.fill(pre, mid)
			} else {
				mids = append(mids, mid)
			}
		}
	}
	missing := mids
	for _, mid := range mids {
		pre.objs[mid] = &objectRows{table: messageTable, id: mid, byTag: map[uint32]int{}}
	}
	tagSize := 8
	for tagSize < len(need) {
		tagSize *= 2
	}
	for len(mids) > 0 {
		chunk := mids[:min(len(mids), 64)]
		mids = mids[len(chunk):]
		midSize := 8
		for midSize < len(chunk) {
			midSize *= 2
		}
		args := make([]any, 0, midSize+tagSize)
		for i := 0; i < midSize; i++ {
			args = append(args, int64(chunk[min(i, len(chunk)-1)]))
		}
		for i := 0; i < tagSize; i++ {
			args = append(args, int64(need[min(i, len(need)-1)]))
		}
		q := "SELECT message_id, proptag, propval FROM message_properties WHERE message_id IN (?" + strings.Repeat(",?", midSize-1) +
			") AND proptag IN (?" + strings.Repeat(",?", tagSize-1) + ") ORDER BY rowid"
		rs, err := t.Query(q, args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			var mid, tag int64
			var r propRow
			if err := rs.Scan(&mid, &tag, &r.val); err != nil {
				rs.Close()
				return err
			}
			r.tag = uint32(tag)
			if o := pre.objs[uint64(mid)]; o != nil {
				o.byTag[r.tag] = len(o.rows)
				o.rows = append(o.rows, r)
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return err
		}
		if t.s.meta.kind != KindPrivate {
			continue // public read states are per user: messageRow reads them
		}
		if err := pre.loadRows(t, chunk, midSize); err != nil {
			return err
		}
	}
	if cache != nil {
		for _, mid := range missing {
			cache.put(&t.s.rows, pre, mid)
		}
	}
	t.pre = pre
	return nil
}

// loadRows reads the messages rows and attachment counts of mids (padded
// to size) of a private store.
func (pre *prefetched) loadRows(t *Tx, mids []uint64, size int) error {
	if pre.rows == nil {
		pre.rows, pre.atts = map[uint64]messageRow{}, map[uint64]int64{}
	}
	args := make([]any, size)
	for i := range args {
		args[i] = int64(mids[min(i, len(mids)-1)])
	}
	in := "(?" + strings.Repeat(",?", size-1) + ")"
	rs, err := t.Query("SELECT message_id, parent_fid, parent_attid, is_deleted, is_associated, change_number, read_cn, read_state, message_size, mid_string FROM messages WHERE message_id IN "+in, args...)
	if err != nil {
		return err
	}
	for rs.Next() {
		var mid, cn, size int64
		var fid, att, del, assoc, readCN, readState sql.NullInt64
		var midStr sql.NullString
		if err := rs.Scan(&mid, &fid, &att, &del, &assoc, &cn, &readCN, &readState, &size, &midStr); err != nil {
			rs.Close()
			return err
		}
		pre.rows[uint64(mid)] = messageRow{
			parentFID: uint64(fid.Int64), parentAtt: uint64(att.Int64),
			deleted: del.Int64 != 0, associated: assoc.Int64 != 0,
			cn: uint64(cn), readCN: uint64(readCN.Int64), read: readState.Int64 != 0,
			size: size, midString: midStr.String,
		}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return err
	}
	for _, mid := range mids {
		pre.atts[mid] = 0
	}
	rs, err = t.Query("SELECT message_id, COUNT(*) FROM attachments WHERE message_id IN "+in+" GROUP BY message_id", args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var mid, n int64
		if err := rs.Scan(&mid, &n); err != nil {
			return err
		}
		pre.atts[uint64(mid)] = n
	}
	return rs.Err()
}

// prefetchedRows returns the prefetched rows of mid when they cover need.
func (t *Tx) prefetchedRows(mid uint64, need []uint32) *objectRows {
	if t.pre == nil {
		return nil
	}
	o := t.pre.objs[mid]
	if o == nil {
		return nil
	}
	for _, tag := range need {
		if !t.pre.tags[tag] {
			return nil
		}
	}
	return o
}

// find returns the stored row answering a request for tag: strings match
// either string type (the stored type wins; the value is returned under the
// requested tag), PT_UNSPECIFIED any type of the id.
func (o *objectRows) find(tag mapi.PropTag) (propRow, bool) {
	if i, ok := o.byTag[uint32(tag)]; ok {
		return o.rows[i], true
	}
	switch tag.Type() {
	case mapi.PtString8, mapi.PtUnicode:
		for _, pt := range []mapi.PropType{mapi.PtUnicode, mapi.PtString8} {
			if i, ok := o.byTag[uint32(tag.WithType(pt))]; ok {
				return o.rows[i], true
			}
		}
	case mapi.PtMvString8, mapi.PtMvUnicode:
		for _, pt := range []mapi.PropType{mapi.PtMvUnicode, mapi.PtMvString8} {
			if i, ok := o.byTag[uint32(tag.WithType(pt))]; ok {
				return o.rows[i], true
			}
		}
	case mapi.PtUnspecified:
		for _, r := range o.rows {
			if mapi.PropTag(r.tag).ID() == tag.ID() {
				return r, true
			}
		}
	}
	return propRow{}, false
}

// stored decodes the stored value answering tag; ok is false when there is
// none (or it cannot be read, as upstream skips such values).
func (t *Tx) stored(o *objectRows, tag mapi.PropTag) (mapi.PropVal, bool) {
	r, ok := o.find(tag)
	if !ok {
		return mapi.PropVal{}, false
	}
	p, err := t.decodeRow(o.table, r)
	if err != nil {
		return mapi.PropVal{}, false
	}
	if tag.Type() != mapi.PtUnspecified {
		p.Tag = tag
	}
	if mv, isMV := p.Value.([]string); isMV && len(mv) == 0 {
		return mapi.PropVal{}, false // upstream: an empty MV upsets Outlook, reported absent
	}
	return p, true
}

// storedTags lists the tags of the stored rows, with string types as
// stored.
func (o *objectRows) storedTags() []mapi.PropTag {
	out := make([]mapi.PropTag, 0, len(o.rows))
	for _, r := range o.rows {
		if mapi.PropTag(r.tag).ID() == 0 {
			continue // PR_NULL
		}
		out = append(out, mapi.PropTag(r.tag))
	}
	return out
}

// mergeTags sorts tags and drops later tags of an id already present, as
// upstream's cu_get_proptags does (one value per property id).
func mergeTags(tags []mapi.PropTag) []mapi.PropTag {
	sort.Slice(tags, func(i, j int) bool { return tags[i] < tags[j] })
	out := tags[:0]
	for i, tg := range tags {
		if i+1 < len(tags) && tags[i+1].ID() == tg.ID() {
			continue
		}
		out = append(out, tg)
	}
	return out
}

// u32 clamps a count or size to a PT_LONG value.
func u32(n int64) int32 {
	if n > 0x7fffffff {
		n = 0x7fffffff
	}
	return int32(n)
}

// queryInt runs a one-value integer query (NULL reads as 0).
func (t *Tx) queryInt(q string, args ...any) (int64, error) {
	var v *int64
	if err := t.QueryRow(q, args...).Scan(&v); err != nil {
		return 0, err
	}
	if v == nil {
		return 0, nil
	}
	return *v, nil
}

// StoreProps returns store properties: stored ones and those upstream
// computes (PR_STORE_RECORD_KEY, PR_MAPPING_SIGNATURE, PR_CONTENT_COUNT,
// PR_ASSOC_CONTENT_COUNT, PR_INTERNET_ARTICLE_NUMBER, PR_STORE_STATE,
// PR_MESSAGE_SIZE_EXTENDED and friends are stored). With no tags, all of
// them.
func (t *Tx) StoreProps(tags []mapi.PropTag) (Props, error) {
	o, err := t.loadObject(storeTable, 0)
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		tags = mergeTags(append(o.storedTags(), mapi.PrInternetArticleNumber, mapi.PrStoreRecordKey, mapi.PrMappingSignature,
			mapi.PrContentCount, mapi.PrAssocContentCount))
	}
	var out Props
	for _, tag := range tags {
		if v, handled, err := t.storeComputed(tag); err != nil {
			return nil, err
		} else if handled {
			if v != nil {
				out = append(out, mapi.PropVal{Tag: tag, Value: v})
			}
			continue
		}
		if p, ok := t.stored(o, tag); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func (t *Tx) storeComputed(tag mapi.PropTag) (any, bool, error) {
	switch tag {
	case mapi.PrStoreRecordKey:
		g := t.s.meta.mailboxGUID
		return g[:], true, nil
	case mapi.PrMappingSignature:
		g := t.s.meta.mappingSig
		return g[:], true, nil
	case mapi.PrStoreState:
		n, err := t.queryInt("SELECT config_value FROM configurations WHERE config_id=?", configSearchState)
		return int32(n), true, err
	case mapi.PrInternetArticleNumber:
		n, err := t.queryInt("SELECT config_value FROM configurations WHERE config_id=?", configLastArticleNumber)
		return int32(n), true, err
	case mapi.PrContentCount, mapi.PrAssocContentCount, mapi.PrDeletedMsgCount, mapi.PrDeletedAssocMsgCount:
		assoc := tag == mapi.PrAssocContentCount || tag == mapi.PrDeletedAssocMsgCount
		del := tag == mapi.PrDeletedMsgCount || tag == mapi.PrDeletedAssocMsgCount
		n, err := t.queryInt("SELECT COUNT(*) FROM messages WHERE is_associated=? AND is_deleted=?", b2i(assoc), b2i(del))
		return u32(n), true, err
	}
	return nil, false, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkFolder returns ErrNotFound for a folder that does not exist.
func (t *Tx) checkFolder(fid uint64) error {
	n, err := t.queryInt("SELECT COUNT(*) FROM folders WHERE folder_id=?", int64(fid))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("folder %#x: %w", fid, ErrNotFound)
	}
	return nil
}
