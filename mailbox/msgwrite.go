package mailbox

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// prConversationIndexTracking is PR_CONVERSATION_INDEX_TRACKING.
const prConversationIndexTracking = mapi.PropTag(0x3016000B)

// rectifyMessage prepares a message for storing the way upstream's
// write_message does (message_rectify_message): the ids, PR_ASSOCIATED and
// PR_MSG_STATUS of the input are dropped (and PR_SUBJECT when the
// normalized subject is given), PR_MSG_STATUS starts at 0, PR_MESSAGE_FLAGS
// and PR_READ get defaults, and the search key, creator and last modifier,
// modification time and conversation properties are filled in when absent.
// Embedded messages are prepared likewise.
func rectifyMessage(src *MessageContent, now mapi.FileTime) *MessageContent {
	in := src.Props
	out := make(Props, 0, len(in)+12)
	hasNorm := in.Has(mapi.PrNormalizedSubject) || in.Has(mapi.PrNormalizedSubjectA)
	for _, p := range in {
		switch p.Tag {
		case mapi.PrMID, mapi.PrAssociated, mapi.PrChangeNumber, mapi.PrMsgStatus:
			continue
		case mapi.PrSubject, mapi.PrSubjectA:
			if hasNorm {
				continue
			}
		}
		out = append(out, p)
	}
	out = append(out, mapi.PropVal{Tag: mapi.PrMsgStatus, Value: int32(0)})
	if v, ok := in.Get(mapi.PrMessageFlags); !ok {
		out = append(out, mapi.PropVal{Tag: mapi.PrMessageFlags, Value: int32(MsgFlagUnmodified)})
		if !in.Has(mapi.PrRead) {
			out = append(out, mapi.PropVal{Tag: mapi.PrRead, Value: false})
		}
	} else if !in.Has(mapi.PrRead) {
		f, _ := v.(int32)
		out = append(out, mapi.PropVal{Tag: mapi.PrRead, Value: f&MsgFlagRead != 0})
	}
	if !in.Has(mapi.PrSearchKey) {
		var g [16]byte
		rand.Read(g[:])
		out = append(out, mapi.PropVal{Tag: mapi.PrSearchKey, Value: g[:]})
	}
	firstOf := func(tags ...mapi.PropTag) (any, bool) {
		for _, t := range tags {
			if v, ok := in.Get(t); ok {
				return v, true
			}
		}
		return nil, false
	}
	for _, d := range []struct {
		tag  mapi.PropTag
		from []mapi.PropTag
	}{
		{mapi.PrCreatorName, []mapi.PropTag{mapi.PrSenderName, mapi.PrSentRepresentingName}},
		{mapi.PrCreatorEntryID, []mapi.PropTag{mapi.PrSenderEntryID, mapi.PrSentRepresentingEntryID}},
		{mapi.PrLastModifierName, []mapi.PropTag{mapi.PrSenderName, mapi.PrSentRepresentingName}},
		{mapi.PrLastModifierEntryID, []mapi.PropTag{mapi.PrSenderEntryID, mapi.PrSentRepresentingEntryID}},
	} {
		if in.Has(d.tag) {
			continue
		}
		if v, ok := firstOf(d.from...); ok {
			out = append(out, mapi.PropVal{Tag: d.tag, Value: v})
		}
	}
	if !in.Has(mapi.PrLastModificationTime) {
		out = append(out, mapi.PropVal{Tag: mapi.PrLastModificationTime, Value: now})
	}
	// PR_CONVERSATION_ID: from the conversation index, else from the topic.
	cvIndex, hasIndex := in.Get(mapi.PrConversationIndex)
	idx, _ := cvIndex.([]byte)
	var cvid []byte
	topic := in.String(mapi.PrConversationTopic)
	switch {
	case len(idx) >= 22:
		cvid = append([]byte{}, idx[6:22]...)
	case topic != "":
		if len(topic) > 255 {
			topic = topic[:255]
		}
		sum := md5.Sum([]byte(asciiUpper(topic)))
		cvid = sum[:]
	default:
		cvid = make([]byte, 16)
		rand.Read(cvid)
	}
	out.Set(mapi.PrConversationID, cvid)
	out.Set(prConversationIndexTracking, true)
	if !hasIndex {
		nt := uint64(now)
		b := []byte{1}
		b = binary.LittleEndian.AppendUint32(b, uint32(nt>>32))
		b = append(b, byte(nt>>24))
		b = append(b, cvid...)
		b = binary.LittleEndian.AppendUint32(b, 0xFFFFFFFF)
		b = append(b, byte(nt))
		out.Set(mapi.PrConversationIndex, b)
	}
	if !in.Has(mapi.PrConversationTopic) && !in.Has(mapi.PrConversationTopicA) {
		if v, ok := in.Get(mapi.PrNormalizedSubject); ok {
			out = append(out, mapi.PropVal{Tag: mapi.PrConversationTopic, Value: v})
		} else if v, ok := in.Get(mapi.PrNormalizedSubjectA); ok {
			out = append(out, mapi.PropVal{Tag: mapi.PrConversationTopicA, Value: v})
		}
	}
	dst := &MessageContent{Props: out, Recipients: src.Recipients}
	for _, a := range src.Attachments {
		na := Attachment{Props: a.Props}
		if a.Embedded != nil {
			na.Embedded = rectifyMessage(a.Embedded, now)
		}
		dst.Attachments = append(dst.Attachments, na)
	}
	return dst
}

func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}

// WriteMessage stores a whole message in folder fid, as upstream's
// write_message: it takes a message id from the folder's block (or
// rewrites the message PidTagMid names, when that is in this folder), a new
// change number with its change key and PCL unless PidTagChangeNumber is
// given, the folder's next article number, content files for bodies and
// attachment data, and records the message's size in the message, the
// store's size counters and msgtime_index. Recipients, attachments and
// embedded messages (ids from the global range) are written with it.
func (t *Tx) WriteMessage(fid uint64, mc *MessageContent) (mid, cn uint64, err error) {
	r, err := t.folderRow(fid)
	if err != nil {
		return 0, 0, err
	}
	if r.search || r.deleted {
		return 0, 0, fmt.Errorf("write message into folder %#x: %w", fid, ErrAccessDenied)
	}
	now := nowFT()
	if v, ok := mc.Props.Get(mapi.PrChangeNumber); ok {
		x, _ := v.(int64)
		cn = mapi.EID(x).GCV()
	} else if cn, err = t.AllocateCN(); err != nil {
		return 0, 0, err
	}
	rm := rectifyMessage(mc, now)
	if !mc.Props.Has(mapi.PrChangeNumber) {
		ck := t.changeKey(cn)
		rm.Props.Set(mapi.PrChangeKey, ck)
		rm.Props.Set(mapi.PrPredecessorChangeList, appendPCL(nil, ck))
	}
	size := messageSize(rm)
	assoc := false
	if v, ok := mc.Props.Get(mapi.PrAssociated); ok {
		assoc, _ = v.(bool)
	}

	var oldSize int64
	exists := false
	if v, ok := mc.Props.Get(mapi.PrMID); ok {
		x, _ := v.(int64)
		mid = mapi.EID(x).GCV()
		old, err := t.messageRow(mid)
		switch {
		case err == nil:
			if old.parentFID != fid {
				return 0, 0, fmt.Errorf("message %#x is not in folder %#x: %w", mid, fid, ErrInvalidParam)
			}
			exists, oldSize = true, old.size
		case isNotFound(err):
			n, err := t.queryInt("SELECT COUNT(*) FROM allocated_eids WHERE range_begin<=? AND range_end>=?", int64(mid), int64(mid))
			if err != nil {
				return 0, 0, err
			}
			if n == 0 {
				return 0, 0, fmt.Errorf("message id %#x was never allocated: %w", mid, ErrInvalidParam)
			}
		default:
			return 0, 0, err
		}
	} else if mid, err = t.allocateMessageID(fid); err != nil {
		return 0, 0, err
	}
	if exists {
		for _, q := range []string{
			"DELETE FROM message_properties WHERE message_id=?",
			"DELETE FROM recipients WHERE message_id=?",
			"DELETE FROM attachments WHERE message_id=?",
			"DELETE FROM message_changes WHERE message_id=?",
		} {
			if _, err := t.Exec(q, int64(mid)); err != nil {
				return 0, 0, err
			}
		}
		if _, err := t.Exec("UPDATE messages SET change_number=?, message_size=?, group_id=NULL WHERE message_id=?", int64(cn), size, int64(mid)); err != nil {
			return 0, 0, err
		}
	} else if _, err := t.Exec("INSERT INTO messages (message_id, parent_fid, parent_attid, is_associated, change_number, message_size) VALUES (?, ?, NULL, ?, ?, ?)",
		int64(mid), int64(fid), b2i(assoc), int64(cn), size); err != nil {
		return 0, 0, err
	}
	if err := t.writeMessageBody(mid, rm); err != nil {
		return 0, 0, err
	}
	if err := t.timeIndexRefresh(fid, mid); err != nil {
		return 0, 0, err
	}
	art, err := t.allocateMessageArticle(fid)
	if err != nil {
		return 0, 0, err
	}
	if err := t.putProp(messageTable, mid, mapi.PrInternetArticleNumber, art); err != nil {
		return 0, 0, err
	}
	normal, fai := size-oldSize, int64(0)
	if assoc {
		normal, fai = 0, size-oldSize
	}
	if err := t.adjustStoreSize(size < oldSize, abs(normal), abs(fai)); err != nil {
		return 0, 0, err
	}
	if err := t.putProp(folderTable, fid, mapi.PrLocalCommitTimeMax, now); err != nil {
		return 0, 0, err
	}
	kind := EventCreated
	if exists {
		kind = EventModified
	}
	class := rm.Props.String(mapi.PrMessageClass)
	f, _ := rm.Props.Int(mapi.PrMessageFlags)
	t.Emit(Event{Kind: kind, FolderID: fid, MessageID: mid, MessageClass: class, MessageFlags: uint32(f)})
	return mid, cn, t.emitCounts(fid)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func isNotFound(err error) bool { return err != nil && errorsIs(err, ErrNotFound) }

// writeMessageBody stores a message's properties, recipients and
// attachments (with embedded messages) below an existing messages row.
func (t *Tx) writeMessageBody(mid uint64, mc *MessageContent) error {
	problems, err := t.setProps(messageTable, mid, mc.Props)
	if err != nil {
		return err
	}
	if err := errProblems(problems); err != nil {
		return err
	}
	for _, rcpt := range mc.Recipients {
		res, err := t.Exec("INSERT INTO recipients (message_id) VALUES (?)", int64(mid))
		if err != nil {
			return err
		}
		rid, _ := res.LastInsertId()
		problems, err := t.setProps(recipientTable, uint64(rid), rcpt)
		if err != nil {
			return err
		}
		if err := errProblems(problems); err != nil {
			return err
		}
	}
	for _, a := range mc.Attachments {
		res, err := t.Exec("INSERT INTO attachments (message_id) VALUES (?)", int64(mid))
		if err != nil {
			return err
		}
		aid, _ := res.LastInsertId()
		problems, err := t.setProps(attachmentTable, uint64(aid), a.Props)
		if err != nil {
			return err
		}
		if err := errProblems(problems); err != nil {
			return err
		}
		if a.Embedded == nil {
			continue
		}
		emid, err := t.allocateEID()
		if err != nil {
			return err
		}
		cn, err := t.AllocateCN()
		if err != nil {
			return err
		}
		// upstream inserts embedded messages without is_associated
		if _, err := t.Exec("INSERT INTO messages (message_id, parent_fid, parent_attid, change_number, message_size) VALUES (?, NULL, ?, ?, ?)",
			int64(emid), aid, int64(cn), messageSize(a.Embedded)); err != nil {
			return err
		}
		if err := t.writeMessageBody(emid, a.Embedded); err != nil {
			return err
		}
	}
	return nil
}

// SetMessageProps stores message properties (upstream set_message_properties
// rules, see setProps). Unless the caller brings its own
// PidTagChangeNumber, the change gets a new change number, change key, PCL
// entry and PR_LAST_MODIFICATION_TIME; msgtime_index and the folder's
// PR_LOCAL_COMMIT_TIME_MAX follow.
func (t *Tx) SetMessageProps(mid uint64, props Props) ([]PropProblem, error) {
	r, err := t.messageRow(mid)
	if err != nil {
		return nil, err
	}
	fid, err := t.messageFolder(mid, r)
	if err != nil {
		return nil, err
	}
	problems, err := t.setProps(messageTable, mid, props)
	if err != nil {
		return nil, err
	}
	now := nowFT()
	if !props.Has(mapi.PrChangeNumber) && r.parentFID != 0 {
		if err := t.newMessageVersion(mid, now, !props.Has(mapi.PrLastModificationTime)); err != nil {
			return nil, err
		}
	}
	if err := t.timeIndexRefresh(r.parentFID, mid); err != nil {
		return nil, err
	}
	if err := t.putProp(folderTable, fid, mapi.PrLocalCommitTimeMax, now); err != nil {
		return nil, err
	}
	t.Emit(Event{Kind: EventModified, FolderID: fid, MessageID: mid})
	if props.Has(mapi.PrRead) {
		return problems, t.emitCounts(fid)
	}
	return problems, nil
}

// newMessageVersion gives a message a new change number, change key and
// PCL entry (and PR_LAST_MODIFICATION_TIME).
func (t *Tx) newMessageVersion(mid uint64, now mapi.FileTime, modTime bool) error {
	cn, err := t.AllocateCN()
	if err != nil {
		return err
	}
	if _, err := t.Exec("UPDATE messages SET change_number=? WHERE message_id=?", int64(cn), int64(mid)); err != nil {
		return err
	}
	ck := t.changeKey(cn)
	old, err := t.getPropBytes(messageTable, mid, mapi.PrPredecessorChangeList)
	if err != nil {
		return err
	}
	props := []mapi.PropVal{
		{Tag: mapi.PrChangeKey, Value: ck},
		{Tag: mapi.PrPredecessorChangeList, Value: appendPCL(old, ck)},
	}
	if modTime {
		props = append(props, mapi.PropVal{Tag: mapi.PrLastModificationTime, Value: now})
	}
	for _, p := range props {
		if err := t.putProp(messageTable, mid, p.Tag, p.Value); err != nil {
			return err
		}
	}
	return nil
}

// SetReadState marks a message read or unread, as upstream's
// set_message_read_state: the read state and mfEverRead, a new read change
// number (messages.read_cn, returned), and the folder's
// PR_LOCAL_COMMIT_TIME_MAX.
func (t *Tx) SetReadState(mid uint64, read bool) (uint64, error) {
	r, err := t.messageRow(mid)
	if err != nil {
		return 0, err
	}
	readCN, err := t.AllocateCN()
	if err != nil {
		return 0, err
	}
	if err := t.setMessageRead(mid, read); err != nil {
		return 0, err
	}
	if err := t.storeReadCN(mid, readCN); err != nil {
		return 0, err
	}
	fid, err := t.messageFolder(mid, r)
	if err != nil {
		return 0, err
	}
	if err := t.putProp(folderTable, fid, mapi.PrLocalCommitTimeMax, nowFT()); err != nil {
		return 0, err
	}
	t.Emit(Event{Kind: EventModified, FolderID: fid, MessageID: mid})
	return readCN, t.emitCounts(fid)
}

// storeReadCN records the change number of a message's read state
// (messages.read_cn, or the reader's row of read_cns in a public store).
func (t *Tx) storeReadCN(mid, readCN uint64) error {
	if t.s.meta.kind == KindPublic {
		_, err := t.Exec("REPLACE INTO read_cns VALUES (?, ?, ?)", int64(mid), t.publicReader(), int64(readCN))
		return err
	}
	_, err := t.Exec("UPDATE messages SET read_cn=? WHERE message_id=?", int64(readCN), int64(mid))
	return err
}

// DeleteMessages deletes messages of folder fid (ids of other folders are
// skipped and reported by partial). Hard deletion removes them (and their
// bytes from the store size); soft deletion keeps them with is_deleted=1, a
// new change number, PR_DELETED_ON and no msgtime_index row. The folder
// gets a new change number, PR_LOCAL_COMMIT_TIME_MAX and its
// PR_DELETED_COUNT_TOTAL grows, as upstream's delete_messages does.
func (t *Tx) DeleteMessages(fid uint64, mids []uint64, hard bool) (partial bool, err error) {
	if _, err := t.folderRow(fid); err != nil {
		return false, err
	}
	now := nowFT()
	var normal, fai, count int64
	for _, mid := range mids {
		r, err := t.messageRow(mid)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return false, err
		}
		if r.parentFID != fid {
			partial = true
			continue
		}
		if r.deleted && !hard {
			continue
		}
		count++
		if r.associated {
			fai += r.size
		} else {
			normal += r.size
		}
		if hard {
			if err := t.unlinkSearch(mid); err != nil {
				return false, err
			}
			if _, err := t.Exec("DELETE FROM messages WHERE message_id=?", int64(mid)); err != nil {
				return false, err
			}
		} else {
			if _, err := t.Exec("UPDATE messages SET is_deleted=1 WHERE message_id=?", int64(mid)); err != nil {
				return false, err
			}
			if _, err := t.Exec("DELETE FROM msgtime_index WHERE folder_id=? AND message_id=?", int64(fid), int64(mid)); err != nil {
				return false, err
			}
			if err := t.newMessageVersion(mid, now, true); err != nil {
				return false, err
			}
			if err := t.putProp(messageTable, mid, mapi.PrDeletedOn, now); err != nil {
				return false, err
			}
			if t.s.meta.kind == KindPublic {
				if _, err := t.Exec("DELETE FROM read_states WHERE message_id=?", int64(mid)); err != nil {
					return false, err
				}
			}
		}
		t.Emit(Event{Kind: EventDeleted, FolderID: fid, MessageID: mid})
	}
	if hard {
		if err := t.adjustStoreSize(true, normal, fai); err != nil {
			return false, err
		}
	}
	if err := t.touchFolder(fid, now); err != nil {
		return false, err
	}
	if err := t.addFolderCounter(fid, mapi.PrDeletedCountTotal, count); err != nil {
		return false, err
	}
	return partial, t.emitCounts(fid)
}

// MoveCopyMessages copies messages of folder src into dst, or moves them
// (copy, then delete the original), as upstream's movecopy_messages: each
// copy gets a new id from dst's block, a new change number, change key and
// PCL, dst's next article number, its own eml/ext file names (hard links),
// and keeps its read state. A move updates the source folder's change
// number and PR_DELETED_COUNT_TOTAL. It returns the new ids in order (0 for
// ids not in src, which make partial true).
func (t *Tx) MoveCopyMessages(src, dst uint64, mids []uint64, copy bool) (newIDs []uint64, partial bool, err error) {
	if _, err := t.folderRow(src); err != nil {
		return nil, false, err
	}
	dr, err := t.folderRow(dst)
	if err != nil {
		return nil, false, err
	}
	if dr.search {
		return nil, false, fmt.Errorf("copy into search folder %#x: %w", dst, ErrAccessDenied)
	}
	now := nowFT()
	var normal, fai, moved int64
	for _, mid := range mids {
		r, err := t.messageRow(mid)
		if err != nil || r.parentFID != src || r.deleted {
			if err != nil && !isNotFound(err) {
				return nil, false, err
			}
			partial = true
			newIDs = append(newIDs, 0)
			continue
		}
		nmid, err := t.copyMessage(mid, dst, now)
		if err != nil {
			return nil, false, err
		}
		newIDs = append(newIDs, nmid)
		if r.associated {
			fai += r.size
		} else {
			normal += r.size
		}
		kind := EventCopied
		if !copy {
			kind = EventMoved
			moved++
			if t.s.meta.kind == KindPrivate {
				if err := t.unlinkSearch(mid); err != nil {
					return nil, false, err
				}
				if _, err := t.Exec("DELETE FROM messages WHERE message_id=?", int64(mid)); err != nil {
					return nil, false, err
				}
			} else {
				// public stores keep the original, soft-deleted
				for _, q := range []string{
					"UPDATE messages SET is_deleted=1 WHERE message_id=?",
					"DELETE FROM msgtime_index WHERE message_id=?",
					"DELETE FROM read_states WHERE message_id=?",
				} {
					if _, err := t.Exec(q, int64(mid)); err != nil {
						return nil, false, err
					}
				}
			}
		}
		t.Emit(Event{Kind: kind, FolderID: dst, MessageID: nmid, OldFolderID: src, OldMessageID: mid})
	}
	if copy || t.s.meta.kind == KindPublic {
		// a private move nets out: the bytes leave one folder for another
		if err := t.adjustStoreSize(false, normal, fai); err != nil {
			return nil, false, err
		}
	}
	if moved > 0 {
		if err := t.touchFolder(src, now); err != nil {
			return nil, false, err
		}
		if err := t.addFolderCounter(src, mapi.PrDeletedCountTotal, moved); err != nil {
			return nil, false, err
		}
	}
	if err := t.putProp(folderTable, dst, mapi.PrLocalCommitTimeMax, now); err != nil {
		return nil, false, err
	}
	if !copy {
		if err := t.emitCounts(src); err != nil {
			return nil, false, err
		}
	}
	return newIDs, partial, t.emitCounts(dst)
}

// copyMessage copies a message into folder dst (upstream cu_copy_message):
// rows copied as they are, content files shared.
func (t *Tx) copyMessage(mid, dst uint64, now mapi.FileTime) (uint64, error) {
	nmid, err := t.allocateMessageID(dst)
	if err != nil {
		return 0, err
	}
	if err := t.copyMessageRows(mid, dst, 0, nmid); err != nil {
		return 0, err
	}
	art, err := t.allocateMessageArticle(dst)
	if err != nil {
		return 0, err
	}
	cn, err := t.messageCN(nmid)
	if err != nil {
		return 0, err
	}
	ck := t.changeKey(cn)
	for _, p := range []mapi.PropVal{
		{Tag: mapi.PrChangeKey, Value: ck},
		{Tag: mapi.PrPredecessorChangeList, Value: appendPCL(nil, ck)},
		{Tag: mapi.PrInternetArticleNumber, Value: art},
		{Tag: mapi.PrLastModificationTime, Value: now},
	} {
		if err := t.putProp(messageTable, nmid, p.Tag, p.Value); err != nil {
			return 0, err
		}
	}
	return nmid, t.timeIndexRefresh(dst, nmid)
}

func (t *Tx) messageCN(mid uint64) (uint64, error) {
	n, err := t.queryInt("SELECT change_number FROM messages WHERE message_id=?", int64(mid))
	return uint64(n), err
}

// copyMessageRows copies the rows of message mid to new message nmid, in
// folder dst or (dst 0) embedded in attachment att, recursively.
func (t *Tx) copyMessageRows(mid, dst, att, nmid uint64) error {
	cn, err := t.AllocateCN()
	if err != nil {
		return err
	}
	if dst == 0 {
		_, err = t.Exec(`INSERT INTO messages (message_id, parent_fid, parent_attid, is_associated, change_number, message_size)
			SELECT ?, NULL, ?, 0, ?, message_size FROM messages WHERE message_id=?`, int64(nmid), int64(att), int64(cn), int64(mid))
	} else if t.s.meta.kind == KindPrivate {
		var midStr any
		var old *string
		if err := t.QueryRow("SELECT mid_string FROM messages WHERE message_id=?", int64(mid)).Scan(&old); err != nil {
			return err
		}
		if old != nil {
			if s, err := t.linkEmlExt(*old); err == nil {
				midStr = s
			}
		}
		_, err = t.Exec(`INSERT INTO messages (message_id, parent_fid, parent_attid, is_associated, change_number, read_state, message_size, mid_string)
			SELECT ?, ?, NULL, is_associated, ?, read_state, message_size, ? FROM messages WHERE message_id=?`,
			int64(nmid), int64(dst), int64(cn), midStr, int64(mid))
	} else {
		_, err = t.Exec(`INSERT INTO messages (message_id, parent_fid, parent_attid, is_associated, change_number, message_size)
			SELECT ?, ?, NULL, is_associated, ?, message_size FROM messages WHERE message_id=?`, int64(nmid), int64(dst), int64(cn), int64(mid))
	}
	if err != nil {
		return err
	}
	if _, err := t.Exec("INSERT INTO message_properties (message_id, proptag, propval) SELECT ?, proptag, propval FROM message_properties WHERE message_id=?", int64(nmid), int64(mid)); err != nil {
		return err
	}
	rids, err := t.ids("SELECT recipient_id FROM recipients WHERE message_id=? ORDER BY recipient_id", int64(mid))
	if err != nil {
		return err
	}
	for _, rid := range rids {
		res, err := t.Exec("INSERT INTO recipients (message_id) VALUES (?)", int64(nmid))
		if err != nil {
			return err
		}
		nrid, _ := res.LastInsertId()
		if _, err := t.Exec("INSERT INTO recipients_properties (recipient_id, proptag, propval) SELECT ?, proptag, propval FROM recipients_properties WHERE recipient_id=?", nrid, int64(rid)); err != nil {
			return err
		}
	}
	aids, err := t.ids("SELECT attachment_id FROM attachments WHERE message_id=? ORDER BY attachment_id", int64(mid))
	if err != nil {
		return err
	}
	for _, aid := range aids {
		res, err := t.Exec("INSERT INTO attachments (message_id) VALUES (?)", int64(nmid))
		if err != nil {
			return err
		}
		naid, _ := res.LastInsertId()
		if _, err := t.Exec("INSERT INTO attachment_properties (attachment_id, proptag, propval) SELECT ?, proptag, propval FROM attachment_properties WHERE attachment_id=?", naid, int64(aid)); err != nil {
			return err
		}
		emb, err := t.ids("SELECT message_id FROM messages WHERE parent_attid=?", int64(aid))
		if err != nil {
			return err
		}
		for _, e := range emb {
			nemb, err := t.allocateEID()
			if err != nil {
				return err
			}
			if err := t.copyMessageRows(e, 0, uint64(naid), nemb); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkEmlExt gives a copied message its own eml/ and ext/ file names,
// hard links of the original's files (upstream copy_eml_ext).
func (t *Tx) linkEmlExt(old string) (string, error) {
	if old == "" || strings.Contains(old, "..") {
		return "", fmt.Errorf("bad mid_string %q", old)
	}
	nu := newMidString()
	for _, sub := range []string{"eml", "ext"} {
		err := linkInto(t.s.Dir, sub, old, nu)
		if sub == "ext" && errors.Is(err, fs.ErrNotExist) {
			continue // no IMAP digest (we write none; upstream's midb makes one when it needs it)
		}
		if err != nil {
			return "", err
		}
		t.syncDirAtCommit(filepath.Dir(filepath.Join(t.s.Dir, sub, filepath.FromSlash(nu))))
	}
	return nu, nil
}
