package mailbox

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/gromox-go/gromox/mapi"
)

// IMAP flags are MAPI state, so Outlook sees what an IMAP client set and
// the other way round (the mapping upstream 3.10 uses):
//
//	\Seen      the read state
//	\Answered  PR_MSG_STATUS |= MSGSTATUS_ANSWERED, PR_ICON_INDEX = replied,
//	           PR_LAST_VERB_EXECUTED = reply to sender
//	$Forwarded PR_ICON_INDEX = forwarded, PR_LAST_VERB_EXECUTED = forward
//	\Flagged   PR_MSG_STATUS |= MSGSTATUS_TAGGED, PR_FLAG_STATUS = flagged,
//	           PR_FOLLOWUP_ICON = red flag
//	\Deleted   PR_MSG_STATUS |= MSGSTATUS_DELMARKED
//	\Draft     PR_MESSAGE_FLAGS |= MSGFLAG_UNSENT
//
// Keywords are kept in midb.sqlite3's keywords column and mirrored into
// PidNameKeywords (PS_PUBLIC_STRINGS "Keywords", Outlook's categories).
//
// A STORE on a folder changes thousands of messages at once, so flag
// changes are made in batches: the state of a batch's messages is read
// with a few queries, the new state computed here, and written with a
// few multi-row statements; the per-message statements of the generic
// property writers would cost twenty times as much.

// Verbs for PR_LAST_VERB_EXECUTED (MS-OXOMSG 2.2.1.20).
const (
	verbReplyToSender = 102
	verbForward       = 104
	olRedFlagIcon     = 6
)

var keywordsName = mapi.PropName{GUID: mapi.PSPublicStrings, Kind: mapi.MnidString, Name: "Keywords"}

// IMAPFlagState is a message's IMAP flags (without \Recent) and keywords
// after a flag change; MessageID is 0 for a change that was skipped (the
// message is gone or not in the folder).
type IMAPFlagState struct {
	MessageID uint64
	Flags     IMAPFlags
	Keywords  []string
}

// allIMAPFlags are the flags the IMAP index keeps per message (without
// \Recent).
const allIMAPFlags = FlagSeen | FlagAnswered | FlagFlagged | FlagDeleted | FlagDraft | FlagForwarded

// flagChunk is how many messages one round of reads and writes handles.
const flagChunk = 256

// SetIMAPFlags adds and removes IMAP flags and keywords of message mid. It
// changes the MAPI state (a new change number, so a new MODSEQ) and the IMAP
// index after the commit.
func (t *Tx) SetIMAPFlags(mid uint64, add, remove IMAPFlags, addKW, removeKW []string) error {
	return t.setIMAPFlags(SetIMAPFlags{MessageID: mid, Add: add, Remove: remove, AddKeywords: addKW, RemoveKeywords: removeKW})
}

func (t *Tx) setIMAPFlags(c SetIMAPFlags) error {
	res, err := t.SetIMAPFlagsBatch(0, []SetIMAPFlags{c})
	if err != nil {
		return err
	}
	if res[0].MessageID == 0 {
		return fmt.Errorf("message %#x: %w", c.MessageID, ErrNotFound)
	}
	return nil
}

// SetIMAPFlagsBatch applies flag changes to messages of folder fid (any
// folder when fid is 0) and returns each message's resulting state, in
// the order of changes. A message that is gone, soft-deleted or elsewhere
// is skipped; a message named twice gets both changes, in order. Each
// message that changes gets a new change number, change key, PCL entry
// and PR_LAST_MODIFICATION_TIME (a read-state change its read change
// number), as a single change through the property writers would.
func (t *Tx) SetIMAPFlagsBatch(fid uint64, changes []SetIMAPFlags) ([]IMAPFlagState, error) {
	return t.setIMAPFlagsBatch(fid, changes, nil)
}

// setIMAPFlagsBatch is SetIMAPFlagsBatch; with journal, it applies the
// flag journal's entries (flagjournal.go), which the IMAP index already
// has: the keywords of an entry that names them are written whatever the
// index says, and the events of messages whose resulting IMAP view is the
// entry's are marked as such.
func (t *Tx) setIMAPFlagsBatch(fid uint64, changes []SetIMAPFlags, journal map[uint64]journalEntry) ([]IMAPFlagState, error) {
	b := &flagBatch{t: t, fid: fid, now: nowFT(), out: make([]IMAPFlagState, len(changes)), folders: map[uint64]bool{}, journal: journal}
	pending := make([]int, len(changes))
	for i := range pending {
		pending[i] = i
	}
	for len(pending) > 0 {
		// A message named twice waits for the next round, so that one
		// round reads each message's state once.
		var round, later []int
		seen := make(map[uint64]bool, len(pending))
		for _, i := range pending {
			if mid := changes[i].MessageID; seen[mid] {
				later = append(later, i)
			} else {
				seen[mid] = true
				round = append(round, i)
			}
		}
		for len(round) > 0 {
			n := min(len(round), flagChunk)
			if err := b.chunk(changes, round[:n]); err != nil {
				return nil, err
			}
			round = round[n:]
		}
		pending = later
	}
	for f, readChanged := range b.folders {
		if err := t.putProp(folderTable, f, mapi.PrLocalCommitTimeMax, b.now); err != nil {
			return nil, err
		}
		if readChanged {
			if err := t.emitCounts(f); err != nil {
				return nil, err
			}
		}
	}
	return b.out, nil
}

type flagBatch struct {
	t       *Tx
	fid     uint64
	now     mapi.FileTime
	out     []IMAPFlagState
	folders map[uint64]bool // folders changed: true when a read state changed
	kwTag   mapi.PropTag
	journal map[uint64]journalEntry // applying the flag journal: its entries
}

// flagMessage is what a batch knows of one message.
type flagMessage struct {
	folder              uint64
	read                bool
	hasFlags            bool // a stored PR_MESSAGE_FLAGS
	msgFlags, status    int32
	icon, flagStatus    int32
	followup            int32
	pcl                 []byte
	keywords            []string
	set                 []mapi.PropVal
	del                 []mapi.PropTag
	readTo              *bool
	newKeywords         *string
	newVersion, changed bool
	before              IMAPFlags // the IMAP flags before the change
}

// inList is "(?,?,...)" of n parameters and the ids padded to n with the
// last one: statements of a few sizes stay prepared.
func inList(ids []uint64, n int) (string, []any) {
	args := make([]any, n)
	for i := range args {
		args[i] = int64(ids[min(i, len(ids)-1)])
	}
	return "(?" + strings.Repeat(",?", n-1) + ")", args
}

// inSize is the padded size of an id list of n.
func inSize(n int) int {
	for _, s := range []int{1, 16, 64, flagChunk} {
		if n <= s {
			return s
		}
	}
	return n
}

func (b *flagBatch) chunk(changes []SetIMAPFlags, idx []int) error {
	t := b.t
	mids := make([]uint64, len(idx))
	for k, i := range idx {
		mids[k] = changes[i].MessageID
	}
	msgs, err := b.load(mids)
	if err != nil {
		return err
	}
	// What changes, message by message, and the change numbers that
	// takes: one per new version and one per read state.
	var cns int
	for k, i := range idx {
		m := msgs[mids[k]]
		if m == nil {
			continue
		}
		m.before = m.state(mids[k]).Flags
		if err := b.plan(m, changes[i]); err != nil {
			return err
		}
		if m.newVersion {
			cns++
		}
		if m.readTo != nil {
			cns++
		}
	}
	cn, err := t.allocateCNs(cns)
	if err != nil {
		return err
	}
	var rows []any     // message_properties rows: mid, tag, value
	var cnRows []any   // messages: mid, change number
	var readRows []any // messages: mid, read state, read change number
	var delRows []any  // message_properties rows to delete: mid, tag
	var timeRows []any // msgtime_index: folder, mid, modification time
	for k, i := range idx {
		mid := mids[k]
		m := msgs[mid]
		if m == nil || !m.changed {
			if m != nil {
				b.out[i] = m.state(mid)
			}
			continue
		}
		if m.newVersion {
			cn++
			ck := t.changeKey(cn)
			cnRows = append(cnRows, int64(mid), int64(cn))
			m.set = append(m.set,
				mapi.PropVal{Tag: mapi.PrChangeKey, Value: ck},
				mapi.PropVal{Tag: mapi.PrPredecessorChangeList, Value: appendPCL(m.pcl, ck)},
				mapi.PropVal{Tag: mapi.PrLastModificationTime, Value: b.now})
			timeRows = append(timeRows, int64(m.folder), int64(mid), int64(b.now))
		}
		if m.readTo != nil {
			cn++
			if t.s.meta.kind == KindPublic {
				if err := t.storeRead(mid, *m.readTo); err != nil {
					return err
				}
				if err := t.storeReadCN(mid, cn); err != nil {
					return err
				}
			} else {
				readRows = append(readRows, int64(mid), b2i(*m.readTo), int64(cn))
			}
		}
		for _, p := range m.set {
			r, err := t.encodeRow(messageTable, mapi.PropVal{Tag: storedTag(p.Tag), Value: p.Value})
			if err != nil {
				return err
			}
			rows = append(rows, int64(mid), int64(r.tag), r.val)
		}
		for _, tag := range m.del {
			delRows = append(delRows, int64(mid), int64(tag))
		}
		b.out[i] = m.state(mid)
		b.folders[m.folder] = b.folders[m.folder] || m.readTo != nil
		ev := Event{Kind: EventModified, FolderID: m.folder, MessageID: mid,
			imap: &imapUpdate{flags: b.out[i].Flags, mask: b.out[i].Flags ^ m.before, keywords: m.newKeywords}}
		if e, ok := b.journal[mid]; ok {
			if b.out[i].Flags == e.flags && (e.keywords == nil || *e.keywords == strings.Join(b.out[i].Keywords, " ")) {
				// What IMAP was told when the change was journalled.
				ev.IMAPAnnounced, ev.imap.indexed = true, true
			} else {
				// The MAPI state does not show the flags the index
				// has: the index takes all of them from it.
				ev.imap.mask = allIMAPFlags
			}
		}
		t.Emit(ev)
	}
	if err := t.execRows("UPDATE messages SET change_number=v.column2 FROM (VALUES ", ") AS v WHERE messages.message_id=v.column1", 2, cnRows); err != nil {
		return err
	}
	if err := t.execRows("UPDATE messages SET read_state=v.column2, read_cn=v.column3 FROM (VALUES ", ") AS v WHERE messages.message_id=v.column1", 3, readRows); err != nil {
		return err
	}
	// (A row-value IN would scan the table: the join seeks each row.)
	if err := t.execRows("DELETE FROM message_properties WHERE rowid IN (SELECT p.rowid FROM (VALUES ",
		") AS v JOIN message_properties AS p ON p.message_id=v.column1 AND p.proptag=v.column2)", 2, delRows); err != nil {
		return err
	}
	if err := t.execRows("INSERT INTO message_properties VALUES ", " ON CONFLICT (message_id, proptag) DO UPDATE SET propval=excluded.propval", 3, rows); err != nil {
		return err
	}
	// msgtime_index follows PR_LAST_MODIFICATION_TIME (normal messages
	// that are not soft-deleted have a row).
	return t.execRows("UPDATE msgtime_index SET mtime=v.column3 FROM (VALUES ",
		") AS v WHERE msgtime_index.folder_id=v.column1 AND msgtime_index.message_id=v.column2", 3, timeRows)
}

// load reads the state of a chunk's messages (nil for the ones skipped).
func (b *flagBatch) load(mids []uint64) (map[uint64]*flagMessage, error) {
	t := b.t
	msgs := make(map[uint64]*flagMessage, len(mids))
	in, args := inList(mids, inSize(len(mids)))
	q := "SELECT message_id, parent_fid, is_deleted, read_state FROM messages WHERE message_id IN " + in
	public := t.s.meta.kind == KindPublic
	if public {
		q = "SELECT message_id, parent_fid, is_deleted, 0 FROM messages WHERE message_id IN " + in
	}
	rs, err := t.Query(q, args...)
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var mid int64
		var fid, del, read sql.NullInt64
		if err := rs.Scan(&mid, &fid, &del, &read); err != nil {
			rs.Close()
			return nil, err
		}
		if fid.Int64 == 0 || del.Int64 != 0 || (b.fid != 0 && uint64(fid.Int64) != b.fid) {
			continue
		}
		msgs[uint64(mid)] = &flagMessage{folder: uint64(fid.Int64), read: read.Int64 != 0}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	if public {
		rs, err := t.Query("SELECT message_id FROM read_states WHERE username=? AND message_id IN "+in, append([]any{t.publicReader()}, args...)...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var mid int64
			rs.Scan(&mid)
			if m := msgs[uint64(mid)]; m != nil {
				m.read = true
			}
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	rs, err = t.Query("SELECT message_id, proptag, propval FROM message_properties WHERE message_id IN "+in+" AND proptag IN (?,?,?,?,?,?)",
		append(args, int64(mapi.PrMessageFlags), int64(mapi.PrMsgStatus), int64(mapi.PrIconIndex), int64(mapi.PrFlagStatus),
			int64(mapi.PrFollowupIcon), int64(mapi.PrPredecessorChangeList))...)
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var mid, tag int64
		var v any
		if err := rs.Scan(&mid, &tag, &v); err != nil {
			rs.Close()
			return nil, err
		}
		m := msgs[uint64(mid)]
		if m == nil {
			continue
		}
		n, _ := v.(int64)
		switch mapi.PropTag(tag) {
		case mapi.PrMessageFlags:
			m.msgFlags, m.hasFlags = int32(n), true
		case mapi.PrMsgStatus:
			m.status = int32(n)
		case mapi.PrIconIndex:
			m.icon = int32(n)
		case mapi.PrFlagStatus:
			m.flagStatus = int32(n)
		case mapi.PrFollowupIcon:
			m.followup = int32(n)
		case mapi.PrPredecessorChangeList:
			m.pcl, _ = v.([]byte)
		}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	// Keywords, from the IMAP index (the result reports them).
	if t.s.midb == nil {
		return msgs, nil
	}
	rs, err = t.s.midbQuery(t.ctx, "SELECT message_id, COALESCE(keywords, '') FROM messages WHERE message_id IN "+in, args...)
	if err != nil {
		return nil, err
	}
	for rs.Next() {
		var mid int64
		var kw string
		if err := rs.Scan(&mid, &kw); err != nil {
			rs.Close()
			return nil, err
		}
		if m := msgs[uint64(mid)]; m != nil {
			m.keywords = strings.Fields(kw)
		}
	}
	rs.Close()
	return msgs, rs.Err()
}

// plan works out the property changes of one message, as a generic
// SetMessageProps, removal and SetReadState would make them.
func (b *flagBatch) plan(m *flagMessage, c SetIMAPFlags) error {
	add, remove := c.Add, c.Remove
	status, msgFlags := m.status, m.msgFlags
	now := b.now
	var set []mapi.PropVal
	var del []mapi.PropTag
	if add&FlagAnswered != 0 && (m.icon != iconReplied || status&msgstatusAnswered == 0) {
		status |= msgstatusAnswered
		set = append(set, mapi.PropVal{Tag: mapi.PrIconIndex, Value: int32(iconReplied)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecuted, Value: int32(verbReplyToSender)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecutionTime, Value: now})
		m.icon = iconReplied
	}
	if remove&FlagAnswered != 0 {
		status &^= msgstatusAnswered
		if m.icon == iconReplied {
			// The replied icon alone shows \Answered too.
			del = append(del, mapi.PrIconIndex)
			m.icon = 0
		}
	}
	if add&FlagForwarded != 0 && m.icon != iconForwarded {
		set = append(set, mapi.PropVal{Tag: mapi.PrIconIndex, Value: int32(iconForwarded)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecuted, Value: int32(verbForward)},
			mapi.PropVal{Tag: mapi.PrLastVerbExecutionTime, Value: now})
		m.icon = iconForwarded
	}
	if remove&FlagForwarded != 0 && m.icon == iconForwarded {
		del = append(del, mapi.PrIconIndex)
		m.icon = 0
	}
	if add&FlagFlagged != 0 {
		status |= msgstatusTagged
		if m.flagStatus == 0 {
			set = append(set, mapi.PropVal{Tag: mapi.PrFlagStatus, Value: int32(followupFlagged)})
			m.flagStatus = followupFlagged
		}
		if m.followup == 0 {
			set = append(set, mapi.PropVal{Tag: mapi.PrFollowupIcon, Value: int32(olRedFlagIcon)})
			m.followup = olRedFlagIcon
		}
	}
	if remove&FlagFlagged != 0 {
		status &^= msgstatusTagged
		if m.flagStatus != 0 {
			del = append(del, mapi.PrFlagStatus)
			m.flagStatus = 0
		}
		if m.followup != 0 {
			del = append(del, mapi.PrFollowupIcon)
			m.followup = 0
		}
	}
	if add&FlagDeleted != 0 {
		status |= msgstatusDelmarked
	}
	if remove&FlagDeleted != 0 {
		status &^= msgstatusDelmarked
	}
	if add&FlagDraft != 0 {
		msgFlags |= msgflagUnsent
	}
	if remove&FlagDraft != 0 {
		msgFlags &^= msgflagUnsent
	}
	if status != m.status {
		set = append(set, mapi.PropVal{Tag: mapi.PrMsgStatus, Value: status})
		m.status = status
	}

	if c.AddKeywords != nil || c.RemoveKeywords != nil || c.ReplaceKeywords {
		have := m.keywords
		if c.ReplaceKeywords {
			have = nil
		}
		next := applyKeywords(have, c.AddKeywords, c.RemoveKeywords)
		_, journalled := b.journal[c.MessageID]
		if journalled || strings.Join(next, " ") != strings.Join(m.keywords, " ") {
			if b.kwTag == 0 {
				ids, err := b.t.NamedPropIDs([]mapi.PropName{keywordsName}, true)
				if err != nil {
					return err
				}
				b.kwTag = mapi.NewTag(ids[0], mapi.PtMvUnicode)
			}
			if len(next) == 0 {
				del = append(del, b.kwTag, b.kwTag.WithType(mapi.PtMvString8))
			} else {
				set = append(set, mapi.PropVal{Tag: b.kwTag, Value: next})
			}
			s := strings.Join(next, " ")
			m.keywords, m.newKeywords = next, &s
		}
	}

	// Everything but the read state makes a new version of the message;
	// the read state has its own change number.
	draft := msgFlags != m.msgFlags
	m.newVersion = len(set) > 0 || len(del) > 0 || draft

	// The read state, and mfEverRead with it in a stored PR_MESSAGE_FLAGS.
	if (add&FlagSeen != 0 && !m.read) || (remove&FlagSeen != 0 && m.read) {
		read := add&FlagSeen != 0
		m.readTo, m.read = &read, read
		if m.hasFlags || draft {
			if read {
				msgFlags |= MsgFlagEverRead
			} else {
				msgFlags &^= MsgFlagEverRead
			}
		}
	}
	if msgFlags != m.msgFlags {
		// As the property writer stores it: without the computed bits.
		msgFlags &^= msgFlagsComputed
		set = append(set, mapi.PropVal{Tag: mapi.PrMessageFlags, Value: msgFlags})
		m.msgFlags, m.hasFlags = msgFlags, true
	}
	m.set, m.del = set, del
	m.changed = m.newVersion || m.readTo != nil
	return nil
}

// state is the message's IMAP flags and keywords as the index will have
// them.
func (m *flagMessage) state(mid uint64) IMAPFlagState {
	read := 0
	if m.read {
		read = 1
	}
	return IMAPFlagState{
		MessageID: mid,
		Flags:     imapFlagsOf(int64(read), uint32(m.msgFlags), int64(m.status), int64(m.icon), int64(m.flagStatus)),
		Keywords:  m.keywords,
	}
}

// applyKeywords adds and removes keywords (case-insensitively, as IMAP
// flags compare), keeping the order of the existing ones.
func applyKeywords(have, add, remove []string) []string {
	out := make([]string, 0, len(have)+len(add))
	seen := map[string]bool{}
	drop := map[string]bool{}
	for _, k := range remove {
		drop[strings.ToLower(k)] = true
	}
	for _, k := range append(append([]string{}, have...), add...) {
		l := strings.ToLower(k)
		if drop[l] || seen[l] || k == "" {
			continue
		}
		seen[l] = true
		out = append(out, k)
	}
	return out
}
