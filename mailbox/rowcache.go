package mailbox

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// rowCache keeps what table reads of a store's messages fetched from
// SQLite (the property rows of the columns asked for, and for a private
// store the messages rows and attachment counts) and the answers of
// FolderProps, so that reading the same rows or folder again, by the same
// session or another one on the same store, runs no query while the store
// is unchanged. Every commit empties it (the store's commit count moves
// on), only read-only transactions use it, and the store's actor drops it
// when the store goes idle. Like the rest of a Store it is used from one
// goroutine at a time. What it keeps is shared with the reads it answers:
// as everywhere in this package, values are never changed in place.
type rowCache struct {
	gen     int64              // Store.commits the entries were read at
	sets    map[string]*rowSet // by the property tags read
	folders map[string]Props   // FolderProps answers, by folder and tags
	count   int                // messages and folder answers held
}

// rowSet is the cached messages for one list of property tags.
type rowSet struct {
	msgs map[uint64]*cachedMessage
}

// cachedMessage is what prefetchMessageRows read for one message.
type cachedMessage struct {
	obj    *objectRows // never changed once cached
	row    messageRow
	hasRow bool // private stores: row and atts are set
	atts   int64
}

// Limits of one store's cache: past them it starts again empty.
const (
	maxCachedMessages = 4096
	maxCachedSets     = 16
)

// cachedRows returns the cache of the messages read for the tags need, or
// nil when the transaction may not use the cache.
func (t *Tx) cachedRows(need []uint32) *rowSet {
	c := t.rowCache()
	if c == nil {
		return nil
	}
	if len(c.sets) >= maxCachedSets {
		c.reset()
	}
	var b strings.Builder
	for _, tag := range need {
		b.WriteString(strconv.FormatUint(uint64(tag), 16))
		b.WriteByte(',')
	}
	key := b.String()
	set := c.sets[key]
	if set == nil {
		set = &rowSet{msgs: map[uint64]*cachedMessage{}}
		if c.sets == nil {
			c.sets = map[string]*rowSet{}
		}
		c.sets[key] = set
	}
	return set
}

// rowCache returns the store's row cache emptied of what an earlier
// commit made stale, or nil when the transaction may not use it.
func (t *Tx) rowCache() *rowCache {
	if !t.readOnly {
		return nil
	}
	c := &t.s.rows
	if c.gen != t.s.commits || c.count > maxCachedMessages {
		c.reset()
		c.gen = t.s.commits
	}
	return c
}

func (c *rowCache) reset() {
	c.sets, c.folders, c.count = nil, nil, 0
}

// folderKey is the cache key of the FolderProps answer for fid and tags.
func folderKey(fid uint64, tags []mapi.PropTag) string {
	b := make([]byte, 0, 8+4*len(tags))
	b = binary.LittleEndian.AppendUint64(b, fid)
	for _, tag := range tags {
		b = binary.LittleEndian.AppendUint32(b, uint32(tag))
	}
	return string(b)
}

// cachedFolderProps returns the cached FolderProps answer for fid and tags
// (a private store's only: a public store's counts depend on the reader).
func (t *Tx) cachedFolderProps(fid uint64, tags []mapi.PropTag) (Props, string, *rowCache) {
	c := t.rowCache()
	if c == nil || len(tags) == 0 || t.s.meta.kind != KindPrivate {
		return nil, "", nil
	}
	key := folderKey(fid, tags)
	return c.folders[key], key, c
}

// putFolderProps caches a FolderProps answer.
func (c *rowCache) putFolderProps(key string, p Props) {
	if c.folders == nil {
		c.folders = map[string]Props{}
	}
	if _, ok := c.folders[key]; !ok {
		c.count++
	}
	c.folders[key] = p
}

// put adds what pre holds of mid to the set.
func (s *rowSet) put(c *rowCache, pre *prefetched, mid uint64) {
	cm := &cachedMessage{obj: pre.objs[mid]}
	if pre.rows != nil {
		r, ok := pre.rows[mid]
		if !ok {
			return // gone: messageRow answers not-found each time
		}
		cm.row, cm.hasRow, cm.atts = r, true, pre.atts[mid]
	}
	if s.msgs[mid] == nil {
		c.count++
	}
	s.msgs[mid] = cm
}

// fill hands what the cache holds of mid to pre.
func (cm *cachedMessage) fill(pre *prefetched, mid uint64) {
	pre.objs[mid] = cm.obj
	if cm.hasRow {
		if pre.rows == nil {
			pre.rows, pre.atts = map[uint64]messageRow{}, map[uint64]int64{}
		}
		pre.rows[mid], pre.atts[mid] = cm.row, cm.atts
	}
}

// DropRowCache empties the store's cache of message rows (an idle store
// keeps no memory for reads that may not come).
func (s *Store) DropRowCache() { s.rows.reset() }
