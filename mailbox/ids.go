package mailbox

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// Identifier allocation, as upstream's exmdb does it (common_util.cpp), so
// that both servers can take turns on one store:
//
//   - Folder ids and "other" objects (embedded messages) take GCVs from the
//     global range configurations[CURRENT_EID .. MAXIMUM_EID). When it is
//     used up, the next 0x10000 block after the highest range_end of
//     allocated_eids is reserved and recorded there.
//   - Messages take GCVs from their folder's own block folders.cur_eid ..
//     max_eid, refilled the same way; a new generic folder reserves a fresh
//     block, and its own id is the block's first value.
//   - Change numbers count up in configurations[LAST_CHANGE_NUMBER];
//     folder article numbers in configurations[LAST_ARTICLE_NUMBER];
//     message article numbers in the folder's PR_INTERNET_ARTICLE_NUMBER_NEXT.

func (t *Tx) configInt(id int) (int64, error) {
	return t.queryInt("SELECT config_value FROM configurations WHERE config_id=?", id)
}

func (t *Tx) setConfigInt(id int, v int64) error {
	_, err := t.Exec("REPLACE INTO configurations VALUES (?, ?)", id, v)
	return err
}

// reserveBlock records the next block of ids after every reserved one and
// returns its bounds.
func (t *Tx) reserveBlock() (first, last uint64, err error) {
	end, err := t.queryInt("SELECT MAX(range_end) FROM allocated_eids")
	if err != nil {
		return 0, 0, err
	}
	first = uint64(end) + 1
	last = uint64(end) + mapi.AllocatedEIDRange
	_, err = t.Exec("INSERT INTO allocated_eids VALUES (?, ?, ?, 1)", int64(first), int64(last), time.Now().Unix())
	return first, last, err
}

// allocateEID hands out the next GCV of the global range (folders,
// embedded messages).
//
// Upstream records a refilled block as starting one after the value it
// hands out first; here the block is recorded from that value on, so every
// id handed out lies in a recorded range (mbck's check).
func (t *Tx) allocateEID() (uint64, error) {
	cur, err := t.configInt(configCurrentEID)
	if err != nil {
		return 0, err
	}
	max, err := t.configInt(configMaximumEID)
	if err != nil {
		return 0, err
	}
	if cur >= max {
		first, last, err := t.reserveBlock()
		if err != nil {
			return 0, err
		}
		cur, max = int64(first), int64(last)
		if err := t.setConfigInt(configMaximumEID, max); err != nil {
			return 0, err
		}
	}
	if err := t.setConfigInt(configCurrentEID, cur+1); err != nil {
		return 0, err
	}
	return uint64(cur), nil
}

// allocateMessageID hands out the next message GCV of folder fid.
func (t *Tx) allocateMessageID(fid uint64) (uint64, error) {
	var cur, max int64
	if err := t.QueryRow("SELECT cur_eid, max_eid FROM folders WHERE folder_id=?", int64(fid)).Scan(&cur, &max); err != nil {
		return 0, fmt.Errorf("folder %#x: %w", fid, err)
	}
	if cur >= max {
		first, last, err := t.reserveBlock()
		if err != nil {
			return 0, err
		}
		cur, max = int64(first), int64(last)
	}
	if _, err := t.Exec("UPDATE folders SET cur_eid=?, max_eid=? WHERE folder_id=?", cur+1, max, int64(fid)); err != nil {
		return 0, err
	}
	return uint64(cur), nil
}

// AllocateCN hands out the next change number.
func (t *Tx) AllocateCN() (uint64, error) {
	last, err := t.allocateCNs(1)
	return last + 1, err
}

// allocateCNs reserves n change numbers and returns the one before the
// first (the caller counts up from it).
func (t *Tx) allocateCNs(n int) (uint64, error) {
	last, err := t.configInt(configLastChangeNumber)
	if err != nil || n == 0 {
		return uint64(last), err
	}
	return uint64(last), t.setConfigInt(configLastChangeNumber, last+int64(n))
}

// allocateFolderArticle hands out the next folder article number.
func (t *Tx) allocateFolderArticle() (int32, error) {
	last, err := t.configInt(configLastArticleNumber)
	if err != nil {
		return 0, err
	}
	last++
	return int32(uint32(last)), t.setConfigInt(configLastArticleNumber, last)
}

// allocateMessageArticle hands out the next article number of folder fid
// (its PR_INTERNET_ARTICLE_NUMBER_NEXT, 1 when absent).
func (t *Tx) allocateMessageArticle(fid uint64) (int32, error) {
	next := int64(1)
	o, err := t.loadObject(folderTable, fid)
	if err != nil {
		return 0, err
	}
	if p, ok := t.stored(o, mapi.PrInternetArticleNumberNext); ok {
		next = int64(uint32(p.Value.(int32)))
	}
	err = t.putProp(folderTable, fid, mapi.PrInternetArticleNumberNext, int32(uint32(next+1)))
	return int32(uint32(next)), err
}

// changeKey is the XID of change number cn made by this store.
func (t *Tx) changeKey(cn uint64) []byte { return mapi.ChangeKey(t.s.StoreGUID(), cn) }

// appendPCL adds change key ck to a stored PCL (empty or unreadable ones
// start anew).
func appendPCL(old []byte, ck []byte) []byte {
	p, err := mapi.ParsePCL(old)
	if err != nil {
		p = mapi.PCL{}
	}
	x, err := mapi.ParseXID(ck)
	if err != nil {
		return old
	}
	if err := p.Append(x); err != nil {
		p = mapi.PCL{}
		p.Append(x)
	}
	return p.Bytes()
}

// nowFT is the current time as MAPI has it.
func nowFT() mapi.FileTime { return mapi.FileTimeOf(time.Now()) }

// putProp stores one property value of an object.
func (t *Tx) putProp(table propTable, id uint64, tag mapi.PropTag, v any) error {
	r, err := t.encodeRow(table, mapi.PropVal{Tag: tag, Value: v})
	if err != nil {
		return err
	}
	return t.putRow(table, id, r)
}

// getPropBytes reads a binary property of an object (nil when absent).
func (t *Tx) getPropBytes(table propTable, id uint64, tag mapi.PropTag) ([]byte, error) {
	var b []byte
	err := t.QueryRow("SELECT propval FROM "+table.String()+" WHERE "+table.idColumn()+"=? AND proptag=?", int64(id), int64(tag)).Scan(&b)
	if err != nil {
		return nil, nil
	}
	return b, nil
}

// touchFolder records a change of folder fid's contents the way upstream
// does after deleting or moving messages out of it: a new change number
// (folders.change_number, PR_CHANGE_KEY, appended to PR_PREDECESSOR_CHANGE_LIST),
// PR_LOCAL_COMMIT_TIME_MAX and PR_LAST_MODIFICATION_TIME.
func (t *Tx) touchFolder(fid uint64, now mapi.FileTime) error {
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
	for _, p := range []mapi.PropVal{
		{Tag: mapi.PrChangeKey, Value: ck},
		{Tag: mapi.PrPredecessorChangeList, Value: appendPCL(old, ck)},
		{Tag: mapi.PrLocalCommitTimeMax, Value: now},
		{Tag: mapi.PrLastModificationTime, Value: now},
	} {
		if err := t.putProp(folderTable, fid, p.Tag, p.Value); err != nil {
			return err
		}
	}
	return nil
}

// adjustStoreSize adds (or with subtract, removes) message bytes to the
// store's size properties (upstream cu_adjust_store_size).
func (t *Tx) adjustStoreSize(subtract bool, normal, assoc int64) error {
	q := "UPDATE store_properties SET propval=propval+? WHERE proptag=?"
	if subtract {
		q = "UPDATE store_properties SET propval=MAX(0,propval-?) WHERE proptag=?"
	}
	if _, err := t.Exec(q, normal+assoc, int64(mapi.PrMessageSizeExtended)); err != nil {
		return err
	}
	if normal != 0 {
		if _, err := t.Exec(q, normal, int64(mapi.PrNormalMessageSizeExtended)); err != nil {
			return err
		}
	}
	if assoc != 0 {
		if _, err := t.Exec(q, assoc, int64(mapi.PrAssocMessageSizeExtended)); err != nil {
			return err
		}
	}
	return nil
}

// addFolderCounter adds n to an integer folder property if the folder has
// it (upstream's "propval=propval+n" updates).
func (t *Tx) addFolderCounter(fid uint64, tag mapi.PropTag, n int64) error {
	_, err := t.Exec("UPDATE folder_properties SET propval=propval+? WHERE folder_id=? AND proptag=?", n, int64(fid), int64(tag))
	return err
}

// setFolderTime sets a time property of a folder if it has it.
func (t *Tx) setFolderTime(fid uint64, tag mapi.PropTag, now mapi.FileTime) error {
	_, err := t.Exec("UPDATE folder_properties SET propval=? WHERE folder_id=? AND proptag=?", int64(now), int64(fid), int64(tag))
	return err
}

// timeIndexRefresh rewrites a message's msgtime_index row: normal,
// not soft-deleted messages of a folder have one, with their
// PR_LAST_MODIFICATION_TIME, PR_MESSAGE_DELIVERY_TIME and
// PR_CLIENT_SUBMIT_TIME.
func (t *Tx) timeIndexRefresh(fid, mid uint64) error {
	if fid == 0 {
		return nil
	}
	if _, err := t.Exec("DELETE FROM msgtime_index WHERE folder_id=? AND message_id=?", int64(fid), int64(mid)); err != nil {
		return err
	}
	_, err := t.Exec(`INSERT INTO msgtime_index
		SELECT m.parent_fid, m.message_id, mt.propval, rt.propval, st.propval FROM messages AS m
		LEFT JOIN message_properties AS mt ON m.message_id=mt.message_id AND mt.proptag=?
		LEFT JOIN message_properties AS rt ON m.message_id=rt.message_id AND rt.proptag=?
		LEFT JOIN message_properties AS st ON m.message_id=st.message_id AND st.proptag=?
		WHERE m.parent_fid=? AND m.message_id=? AND m.is_associated=0 AND m.is_deleted=0`,
		int64(mapi.PrLastModificationTime), int64(mapi.PrMessageDeliveryTime), int64(mapi.PrClientSubmitTime),
		int64(fid), int64(mid))
	return err
}

// newMidString makes the name of a message's eml/ext files the way
// upstream names copies: "R-" plus the last two of 32 random hex digits, a
// slash, and the 32 digits.
func newMidString() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return "R-" + h[30:] + "/" + h
}

// linkInto hard-links <dir>/<sub>/<old> to <dir>/<sub>/<nu>.
func linkInto(dir, sub, old, nu string) error {
	src := filepath.Join(dir, sub, filepath.FromSlash(old))
	dst := filepath.Join(dir, sub, filepath.FromSlash(nu))
	if err := os.MkdirAll(filepath.Dir(dst), dirMode); err != nil {
		return err
	}
	return os.Link(src, dst)
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
