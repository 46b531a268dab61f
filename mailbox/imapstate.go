package mailbox

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// IMAP state lives in exmdb/midb.sqlite3 in upstream's schema-5 layout, so
// that UIDs written by upstream are taken over as they are, and a store
// moved back to upstream keeps its UIDs too. Unlike upstream, there is no
// second process: the store's actor updates midb.sqlite3 right after each
// commit of exchange.sqlite3, from that commit's events, and reconciles the
// two when it opens the store (so a crash between the two commits is
// repaired, with UIDs never reused: a message midb had not seen gets a new
// UID above the folder's last one).
//
// UIDVALIDITY is the folder id, as upstream's. midb's folders.uidnext holds
// the last UID handed out; the IMAP UIDNEXT is one more. MODSEQ is the
// message's change number or read-state change number, whichever is newer.

const midbFile = "midb.sqlite3"

// Well-known private folder ids the IMAP view is built from.
const (
	fidIPMSubtree = 0x09
	fidOutbox     = 0x0c
	fidInbox      = 0x0d
	fidSyncIssues = 0x19
)

// Property tags the IMAP view reads (MS-OXPROPS).
const (
	tagDisplayName       = 0x3001001f
	tagContainerClass    = 0x3613001f
	tagAttrHidden        = 0x10f4000b
	tagMessageFlags      = 0x0e070003
	tagLastModification  = 0x30080040
	tagDeliveryTime      = 0x0e060040
	tagFlagStatus        = 0x10900003
	tagIconIndex         = 0x10800003
	tagMsgStatus         = 0x0e170003
	tagSubject           = 0x0037001f
	tagSubjectPrefix     = 0x003d001f
	tagNormalizedSubject = 0x0e1d001f
	tagSenderSMTP        = 0x5d01001f
	tagSenderEmail       = 0x0c1f001f
	tagLocalCommitMax    = 0x670a0040
)

// MAPI values behind the IMAP flags (upstream's mapping, 3.10).
const (
	msgflagRead        = 0x1
	msgflagUnsent      = 0x8
	msgstatusTagged    = 0x10
	msgstatusDelmarked = 0x8
	msgstatusAnswered  = 0x200
	followupFlagged    = 2
	iconReplied        = 0x105
	iconForwarded      = 0x106
)

// IMAPFlags are a message's IMAP system flags.
type IMAPFlags uint8

// IMAP system flags.
const (
	FlagSeen IMAPFlags = 1 << iota
	FlagAnswered
	FlagFlagged
	FlagDeleted
	FlagDraft
	FlagForwarded // $Forwarded
	FlagRecent
)

// IMAPFolder is a folder as IMAP shows it.
type IMAPFolder struct {
	ID          uint64
	ParentID    uint64
	Name        string // path below the IPM subtree, "/"-separated; INBOX for the inbox
	UIDValidity uint32
	UIDNext     uint32
	Subscribed  bool
}

// IMAPMessage is a message as IMAP shows it.
type IMAPMessage struct {
	UID       uint32
	MessageID uint64
	Flags     IMAPFlags
	Keywords  []string
	Size      int64
	Received  uint64 // NT time (PR_MESSAGE_DELIVERY_TIME)
	MidString string // name of the eml/ and ext/ files
	ModSeq    uint64 // 0 unless asked for (IMAPScan fills it; IMAPLookup, IMAPPage on request)
}

// openIMAP opens exmdb/midb.sqlite3, creating it in schema 5 when the
// store has none (stores made by us, or public stores), and brings it in
// line with exchange.sqlite3.
func (s *Store) openIMAP(ctx context.Context) error {
	path := filepath.Join(s.Dir, "exmdb", midbFile)
	_, statErr := os.Stat(path)
	db, err := openDB(path)
	if err != nil {
		return err
	}
	if errors.Is(statErr, os.ErrNotExist) {
		if err := createSchema(ctx, db, schemaMidb); err != nil {
			db.Close()
			return err
		}
	}
	var v int
	if err := db.QueryRowContext(ctx, "SELECT config_value FROM configurations WHERE config_id=10").Scan(&v); err != nil {
		db.Close()
		return fmt.Errorf("%s: schema version: %w", path, err)
	}
	if v != MidbSchemaVersion {
		db.Close()
		return fmt.Errorf("%s: schema %d, this server reads %d", path, v, MidbSchemaVersion)
	}
	s.midb = db
	// IMAP flag changes not yet in the MAPI state go there first: the
	// reconcile copies the MAPI state's flags into the index.
	if err := s.openJournal(ctx); err != nil {
		db.Close()
		s.midb = nil
		return fmt.Errorf("%s: %w", path, err)
	}
	return s.SyncIMAP(ctx)
}

// SyncIMAP brings midb.sqlite3 in line with exchange.sqlite3: folders added,
// renamed, moved or gone; messages midb has not seen get the next UIDs;
// messages gone lose their rows; flags follow the MAPI state, and the flag
// journal's changes not yet in it (flagjournal.go).
func (s *Store) SyncIMAP(ctx context.Context) error {
	if err := s.syncIMAP(ctx, true); err != nil {
		return err
	}
	// The flag journal's changes not yet in the MAPI state stay over
	// the rows the reconcile wrote.
	return s.reloadOverlay(ctx)
}

// openIMAPIfPrivate opens the IMAP index of a private store (one with an
// Inbox); public stores have none, as upstream.
func (s *Store) openIMAPIfPrivate(ctx context.Context) error {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='folders'").Scan(&n)
	if err != nil || n == 0 {
		return err // not a store (tests' scratch stores)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM folders WHERE folder_id=?", fidInbox).Scan(&n); err != nil || n == 0 {
		return err
	}
	return s.openIMAP(ctx)
}

// imapFolderSet computes the IMAP-visible folders from exchange.sqlite3
// as upstream's midb chooses them: below the IPM subtree, not hidden, of
// class IPF.Note (or none), not under the Outbox or Sync Issues.
func (s *Store) imapFolderSet(ctx context.Context) (map[uint64]IMAPFolder, error) {
	type row struct {
		id, parent uint64
		name, cls  sql.NullString
		hidden     sql.NullInt64
	}
	rows, err := s.db.QueryContext(ctx, `SELECT f.folder_id, f.parent_id,
		(SELECT propval FROM folder_properties WHERE folder_id=f.folder_id AND proptag=?),
		(SELECT propval FROM folder_properties WHERE folder_id=f.folder_id AND proptag=?),
		(SELECT propval FROM folder_properties WHERE folder_id=f.folder_id AND proptag=?)
		FROM folders f WHERE f.is_deleted=0`, tagDisplayName, tagContainerClass, tagAttrHidden)
	if err != nil {
		return nil, err
	}
	all := map[uint64]row{}
	for rows.Next() {
		var r row
		var parent sql.NullInt64
		if err := rows.Scan(&r.id, &parent, &r.name, &r.cls, &r.hidden); err != nil {
			rows.Close()
			return nil, err
		}
		r.parent = uint64(parent.Int64)
		all[r.id] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := map[uint64]IMAPFolder{}
	for id, r := range all {
		if id == fidIPMSubtree {
			continue
		}
		if r.hidden.Valid && r.hidden.Int64 != 0 {
			continue
		}
		if r.cls.Valid && !strings.HasPrefix(strings.ToLower(r.cls.String), "ipf.note") {
			continue
		}
		// Walk up to the IPM subtree, building the path.
		var parts []string
		cur, ok, top := r, true, uint64(0)
		for steps := 0; ; steps++ {
			if steps > 64 {
				ok = false
				break
			}
			name := cur.name.String
			if cur.id == fidInbox {
				name = "INBOX"
			} else if cur.parent == fidIPMSubtree && strings.HasPrefix(strings.ToLower(name), "inbox") {
				name = fmt.Sprintf("%s.%d", name, cur.id)
			}
			if !cur.name.Valid && cur.id != fidInbox || len(name) >= 256 {
				ok = false
				break
			}
			parts = append(parts, name)
			if cur.parent == fidIPMSubtree {
				top = cur.id
				break
			}
			p, found := all[cur.parent]
			if !found || (p.hidden.Valid && p.hidden.Int64 != 0) ||
				(p.cls.Valid && !strings.HasPrefix(strings.ToLower(p.cls.String), "ipf.note")) {
				ok = false
				break
			}
			cur = p
		}
		if !ok || top == fidOutbox || top == fidSyncIssues {
			continue
		}
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
		out[id] = IMAPFolder{ID: id, ParentID: r.parent, Name: strings.Join(parts, "/"), UIDValidity: uint32(id)}
	}
	return out, nil
}

// syncIMAP reconciles the folder list, and the contents of every folder
// (contents) or only of folders new to midb.
func (s *Store) syncIMAP(ctx context.Context, contents bool) error {
	if s.midb == nil {
		return nil
	}
	want, err := s.imapFolderSet(ctx)
	if err != nil {
		return err
	}
	tx, err := s.midb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	have := map[uint64]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT folder_id FROM folders")
	if err != nil {
		return err
	}
	for rows.Next() {
		var id uint64
		rows.Scan(&id)
		have[id] = true
	}
	rows.Close()
	// Names are UNIQUE: clear them first so renames cannot collide.
	s.imapNames = nil
	if _, err := tx.ExecContext(ctx, "UPDATE folders SET name=NULL"); err != nil {
		return err
	}
	for id := range have {
		if _, ok := want[id]; !ok {
			if _, err := tx.ExecContext(ctx, "DELETE FROM folders WHERE folder_id=?", id); err != nil {
				return err
			}
		}
	}
	ids := make([]uint64, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
	// midb's name column is unique without regard to case: a folder whose
	// path differs from an older one only in case (MAPI does not allow
	// such siblings, an import might) gets its id appended.
	taken := map[string]bool{}
	for _, id := range ids {
		f := want[id]
		if taken[strings.ToLower(f.Name)] {
			f.Name = fmt.Sprintf("%s.%d", f.Name, id)
			want[id] = f
		}
		taken[strings.ToLower(f.Name)] = true
	}
	for _, id := range ids {
		f := want[id]
		if have[id] {
			_, err = tx.ExecContext(ctx, "UPDATE folders SET parent_fid=?, name=? WHERE folder_id=?", f.ParentID, f.Name, id)
		} else {
			unsub := 1
			if id == fidInbox {
				unsub = 0 // only INBOX is subscribed by default, as upstream
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO folders (folder_id, parent_fid, commit_max, name, unsub) VALUES (?, ?, 0, ?, ?)",
				id, f.ParentID, f.Name, unsub)
		}
		if err != nil {
			return fmt.Errorf("midb folder %d: %w", id, err)
		}
		if contents || !have[id] {
			if err := s.syncIMAPContents(ctx, tx, id); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// syncIMAPContents reconciles one folder's message rows.
func (s *Store) syncIMAPContents(ctx context.Context, tx *sql.Tx, fid uint64) error {
	exch := map[uint64]bool{}
	rows, err := s.db.QueryContext(ctx, "SELECT message_id FROM messages WHERE parent_fid=? AND is_associated=0 AND is_deleted=0", fid)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id uint64
		rows.Scan(&id)
		exch[id] = true
	}
	rows.Close()
	seen := map[uint64]bool{}
	rows, err = tx.QueryContext(ctx, "SELECT message_id, folder_id FROM messages WHERE folder_id=?", fid)
	if err != nil {
		return err
	}
	var gone []uint64
	for rows.Next() {
		var id, f uint64
		rows.Scan(&id, &f)
		if exch[id] {
			seen[id] = true
		} else {
			gone = append(gone, id)
		}
	}
	rows.Close()
	for _, id := range gone {
		if _, err := tx.ExecContext(ctx, "DELETE FROM messages WHERE message_id=?", id); err != nil {
			return err
		}
	}
	var missing []uint64
	for id := range exch {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	sort.Slice(missing, func(a, b int) bool { return missing[a] < missing[b] })
	for _, id := range missing {
		if err := s.imapInsert(ctx, tx, fid, id); err != nil {
			return err
		}
	}
	for id := range seen {
		if err := s.imapUpdateFlags(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// mapiState reads what the IMAP view needs of one message from
// exchange.sqlite3.
type mapiState struct {
	midString    string
	size         int64
	flags        IMAPFlags
	modTime      uint64
	received     uint64
	subject      string
	sender       string
	messageFlags uint32
}

func (s *Store) readMAPIState(ctx context.Context, mid uint64) (*mapiState, error) {
	var st mapiState
	var midStr sql.NullString
	var readState int64
	err := s.dbQueryRow(ctx, "SELECT mid_string, message_size, read_state FROM messages WHERE message_id=?", mid).
		Scan(&midStr, &st.size, &readState)
	if err != nil {
		return nil, err
	}
	st.midString = midStr.String
	// IMAP sizes are those of the RFC 5322 form; a message made through
	// MAPI has none until ExportOriginal writes it (-1: keep what the
	// index has).
	st.size = -1
	if p := OriginalPath(s.Dir, st.midString); p != "" {
		if fi, err := os.Stat(p); err == nil {
			st.size = fi.Size()
		}
	}
	props := map[uint32]any{}
	rows, err := s.dbQuery(ctx, "SELECT proptag, propval FROM message_properties WHERE message_id=? AND proptag IN (?,?,?,?,?,?,?,?,?,?,?)",
		mid, tagMessageFlags, tagLastModification, tagDeliveryTime, tagFlagStatus, tagIconIndex, tagMsgStatus, tagSubject,
		tagSubjectPrefix, tagNormalizedSubject, tagSenderSMTP, tagSenderEmail)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var tag uint32
		var v any
		rows.Scan(&tag, &v)
		props[tag] = v
	}
	rows.Close()
	num := func(tag uint32) int64 {
		switch v := props[tag].(type) {
		case int64:
			return v
		}
		return 0
	}
	str := func(tag uint32) string {
		switch v := props[tag].(type) {
		case string:
			return v
		case []byte:
			return string(v)
		}
		return ""
	}
	st.messageFlags = uint32(num(tagMessageFlags))
	st.modTime = uint64(num(tagLastModification))
	st.received = uint64(num(tagDeliveryTime))
	st.subject = str(tagSubject)
	if st.subject == "" {
		// Stored as its parts, as upstream stores it.
		st.subject = str(tagSubjectPrefix) + str(tagNormalizedSubject)
	}
	st.sender = str(tagSenderSMTP)
	if st.sender == "" {
		st.sender = str(tagSenderEmail)
	}
	st.flags = imapFlagsOf(readState, st.messageFlags, num(tagMsgStatus), num(tagIconIndex), num(tagFlagStatus))
	return &st, nil
}

// imapFlagsOf is the IMAP view of a message's read state, PR_MESSAGE_FLAGS,
// PR_MSG_STATUS, PR_ICON_INDEX and PR_FLAG_STATUS.
func imapFlagsOf(readState int64, messageFlags uint32, status, icon, flagStatus int64) IMAPFlags {
	var f IMAPFlags
	if readState != 0 || messageFlags&msgflagRead != 0 {
		f |= FlagSeen
	}
	if messageFlags&msgflagUnsent != 0 {
		f |= FlagDraft
	}
	if flagStatus == followupFlagged || status&msgstatusTagged != 0 {
		f |= FlagFlagged
	}
	if status&msgstatusDelmarked != 0 {
		f |= FlagDeleted
	}
	if icon == iconReplied || status&msgstatusAnswered != 0 {
		f |= FlagAnswered
	}
	if icon == iconForwarded {
		f |= FlagForwarded
	}
	return f
}

// imapInsert gives a message its UID in fid: the folder's next one.
func (s *Store) imapInsert(ctx context.Context, tx *sql.Tx, fid, mid uint64) error {
	st, err := s.readMAPIState(ctx, mid)
	if err != nil {
		return fmt.Errorf("midb: message %d: %w", mid, err)
	}
	var uid int64
	if err := s.midbQueryRow(ctx, tx, "UPDATE folders SET uidnext=uidnext+1 WHERE folder_id=? RETURNING uidnext", fid).Scan(&uid); err != nil {
		return fmt.Errorf("midb: folder %d: %w", fid, err)
	}
	if s.assigned != nil {
		s.assigned[mid] = uint32(uid)
	}
	midStr := st.midString
	if st.size < 0 {
		st.size = 0
	}
	if p := OriginalPath(s.Dir, midStr); p != "" {
		// upstream's midb keeps the Subject header as the message has
		// it (encoded words and all); its IMAP sorts and searches by it.
		if subj, ok := rawHeader(p, "Subject"); ok {
			st.subject = subj
		}
	}
	if midStr == "" {
		// No RFC 5322 form yet (made through MAPI): the name upstream
		// gives midb-generated files; the file is written when the
		// message is first fetched.
		midStr = fmt.Sprintf("%d.%d.midb", time.Now().Unix(), mid)
	}
	b := func(f IMAPFlags) int {
		if st.flags&f != 0 {
			return 1
		}
		return 0
	}
	_, err = s.midbExec(ctx, tx, `INSERT INTO messages (message_id, folder_id, mid_string, mod_time, uid, unsent, recent, read,
		flagged, replied, forwarded, deleted, subject, sender, rcpt, size, received, keywords)
		VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, '')`,
		mid, fid, midStr, st.modTime, uid, b(FlagDraft), b(FlagSeen), b(FlagFlagged), b(FlagAnswered),
		b(FlagForwarded), b(FlagDeleted), st.subject, st.sender, st.size, st.received)
	if err != nil {
		return fmt.Errorf("midb: insert message %d: %w", mid, err)
	}
	return nil
}

// rawHeader reads the header field name of the RFC 5322 file at path, as
// it is there (unfolded, not decoded); false when the file or the field is
// missing.
func rawHeader(path, name string) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	// A message's header is read up to 64 KiB; what lies beyond is not
	// looked at.
	return headerField(io.LimitReader(f, 64<<10), name)
}

// headerField finds header field name in the RFC 5322 message r (the
// first of that name, unfolded); the header ends at the first empty line
// or at the first line that is not a field, as far as it could be read.
func headerField(r io.Reader, name string) (string, bool) {
	h, _ := textproto.NewReader(bufio.NewReader(r)).ReadMIMEHeader()
	v, ok := h[textproto.CanonicalMIMEHeaderKey(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// imapUpdateFlags copies a message's MAPI state into its midb row.
func (s *Store) imapUpdateFlags(ctx context.Context, tx *sql.Tx, mid uint64) error {
	st, err := s.readMAPIState(ctx, mid)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = s.midbExec(ctx, tx, "DELETE FROM messages WHERE message_id=?", mid)
		return err
	}
	if err != nil {
		return err
	}
	b := func(f IMAPFlags) int {
		if st.flags&f != 0 {
			return 1
		}
		return 0
	}
	_, err = s.midbExec(ctx, tx, `UPDATE messages SET unsent=?, read=?, flagged=?, replied=?, forwarded=?, deleted=?,
		size=CASE WHEN ?>=0 THEN ? ELSE size END WHERE message_id=?`,
		b(FlagDraft), b(FlagSeen), b(FlagFlagged), b(FlagAnswered), b(FlagForwarded), b(FlagDeleted), st.size, st.size, mid)
	return err
}

// indexIMAP applies one commit's events to midb.sqlite3. A failure is
// repaired by SyncIMAP at the next open.
func (s *Store) indexIMAP(ctx context.Context, events []Event) error {
	commit, err := s.prepareIndexIMAP(ctx, events)
	if err != nil || commit == nil {
		return err
	}
	return commit()
}

// foldersChanged tells whether events change the folder list IMAP shows
// (or a folder's name): the index then reconciles its folder list, which
// reads exchange.sqlite3 as committed.
func foldersChanged(events []Event) bool {
	for _, e := range events {
		if e.Folder && e.Kind&(EventCreated|EventDeleted|EventMoved|EventModified|EventCopied) != 0 {
			return true
		}
	}
	return false
}

// prepareIndexIMAP applies one commit's events to midb.sqlite3 up to the
// commit, which it returns (nil when there is nothing to commit): the
// caller may run it in another goroutine. Until it has run, the midb
// transaction holds midb's one connection, so every other use of midb
// waits for it; the commit itself touches nothing else.
func (s *Store) prepareIndexIMAP(ctx context.Context, events []Event) (commit func() error, err error) {
	if s.midb == nil || len(events) == 0 {
		return nil, nil
	}
	if foldersChanged(events) {
		// The folder list changed (or a folder was renamed): reconcile
		// the list; contents only of folders new to IMAP.
		if err := s.syncIMAP(ctx, false); err != nil {
			return nil, err
		}
	}
	tx, err := s.midb.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer func() {
		if commit == nil {
			tx.Rollback()
			s.midbStmts.prepareWanted(ctx, s.midb)
		}
	}()
	isIMAP := func(fid uint64) (bool, error) {
		var n int
		err := s.midbQueryRow(ctx, tx, "SELECT COUNT(*) FROM folders WHERE folder_id=?", fid).Scan(&n)
		return n > 0, err
	}
	// Flag changes made by SetIMAPFlagsBatch carry their result: they are
	// written many rows per statement, in their place among the others,
	// each statement setting only the columns that changed (an indexed
	// column set to its old value still costs its index update).
	flags := flagUpdates{pending: map[uint64]bool{}}
	flushFlags := func() error {
		return flags.flush(func(q string, args []any) error {
			_, err := s.midbExec(ctx, tx, q, args...)
			return err
		})
	}
	for _, e := range events {
		if e.Folder || (e.imap != nil && e.imap.indexed) {
			continue
		}
		if len(flags.pending) > 0 && (e.Kind != EventModified || e.imap == nil || flags.pending[e.MessageID]) {
			if err := flushFlags(); err != nil {
				return nil, err
			}
		}
		switch e.Kind {
		case EventCreated, EventCopied, EventMoved, EventNewMail:
			if e.Kind == EventMoved && e.OldMessageID != 0 && e.OldMessageID != e.MessageID {
				if _, err := s.midbExec(ctx, tx, "DELETE FROM messages WHERE message_id=?", e.OldMessageID); err != nil {
					return nil, err
				}
			}
			if e.Kind == EventMoved {
				// Moved within the store keeping its id: a new UID in
				// the new folder, as IMAP requires.
				if _, err := s.midbExec(ctx, tx, "DELETE FROM messages WHERE message_id=?", e.MessageID); err != nil {
					return nil, err
				}
			}
			ok, err := isIMAP(e.FolderID)
			if err != nil {
				return nil, err
			}
			var exists int
			s.midbQueryRow(ctx, tx, "SELECT COUNT(*) FROM messages WHERE message_id=?", e.MessageID).Scan(&exists)
			if ok && exists == 0 {
				var assoc int
				if err := s.dbQueryRow(ctx, "SELECT is_associated FROM messages WHERE message_id=?", e.MessageID).Scan(&assoc); err != nil || assoc != 0 {
					continue
				}
				if err := s.imapInsert(ctx, tx, e.FolderID, e.MessageID); err != nil {
					return nil, err
				}
			}
		case EventDeleted:
			if _, err := s.midbExec(ctx, tx, "DELETE FROM messages WHERE message_id=?", e.MessageID); err != nil {
				return nil, err
			}
		case EventModified:
			if e.imap != nil {
				flags.add(e.MessageID, e.imap)
				continue
			}
			if err := s.imapUpdateFlags(ctx, tx, e.MessageID); err != nil {
				return nil, err
			}
		}
	}
	if err := flushFlags(); err != nil {
		return nil, err
	}
	return tx.Commit, nil
}

// flagUpdates collects flag changes for the IMAP index: per group of
// messages that change the same columns to the same values, their ids; per
// group that changes keywords, rows of message id, IMAPFlags and keywords.
type flagUpdates struct {
	groups  map[flagGroup][]any
	order   []flagGroup
	pending map[uint64]bool
}

// flagGroup is the columns a change sets (mask, and keywords) and, when it
// sets no keywords, the flags it sets them to.
type flagGroup struct {
	mask     IMAPFlags
	keywords bool
	value    IMAPFlags
}

func (f *flagUpdates) add(mid uint64, u *imapUpdate) {
	g := flagGroup{mask: u.mask, keywords: u.keywords != nil}
	if !g.keywords {
		g.value = u.flags & u.mask
	}
	if f.groups == nil {
		f.groups = map[flagGroup][]any{}
	}
	if _, ok := f.groups[g]; !ok {
		f.order = append(f.order, g)
	}
	if g.keywords {
		f.groups[g] = append(f.groups[g], int64(mid), int64(u.flags), *u.keywords)
	} else {
		f.groups[g] = append(f.groups[g], int64(mid))
	}
	f.pending[mid] = true
}

// midbFlagColumns are the midb columns of the IMAP flags.
var midbFlagColumns = []struct {
	flag IMAPFlags
	col  string
}{{FlagSeen, "read"}, {FlagAnswered, "replied"}, {FlagFlagged, "flagged"}, {FlagDeleted, "deleted"}, {FlagDraft, "unsent"}, {FlagForwarded, "forwarded"}}

// flush writes the collected changes: a group setting the same values as
// UPDATEs of id lists (cheaper than joining a VALUES list), a group
// setting keywords with a VALUES list.
func (f *flagUpdates) flush(exec func(q string, args []any) error) error {
	for _, g := range f.order {
		var set []string
		for _, c := range midbFlagColumns {
			switch {
			case g.mask&c.flag == 0:
			case g.keywords:
				set = append(set, fmt.Sprintf("%s=(v.column2&%d)!=0", c.col, c.flag))
			case g.value&c.flag != 0:
				set = append(set, c.col+"=1")
			default:
				set = append(set, c.col+"=0")
			}
		}
		if g.keywords {
			set = append(set, "keywords=v.column3")
			head := "UPDATE messages SET " + strings.Join(set, ", ") + " FROM (VALUES "
			if err := execRows(exec, head, ") AS v WHERE messages.message_id=v.column1", 3, f.groups[g]); err != nil {
				return err
			}
			continue
		}
		if len(set) == 0 {
			continue
		}
		head := "UPDATE messages SET " + strings.Join(set, ", ") + " WHERE message_id IN "
		for ids := f.groups[g]; len(ids) > 0; {
			n := min(len(ids), flagChunk)
			size := inSize(n)
			args := make([]any, size)
			for i := range args {
				args[i] = ids[min(i, n-1)] // padded with the last: statements of a few sizes
			}
			if err := exec(head+"(?"+strings.Repeat(",?", size-1)+")", args); err != nil {
				return err
			}
			ids = ids[n:]
		}
	}
	clear(f.groups)
	clear(f.pending)
	f.order = f.order[:0]
	return nil
}

// IMAPFolders lists the IMAP-visible folders with their UID state.
func (t *Tx) IMAPFolders() ([]IMAPFolder, error) {
	if t.s.midb == nil {
		return nil, errors.New("mailbox: no IMAP index for this store")
	}
	rows, err := t.s.midbQuery(t.ctx, "SELECT folder_id, parent_fid, name, uidnext, unsub FROM folders ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IMAPFolder
	for rows.Next() {
		var f IMAPFolder
		var name sql.NullString
		var last, unsub int64
		if err := rows.Scan(&f.ID, &f.ParentID, &name, &last, &unsub); err != nil {
			return nil, err
		}
		f.Name = name.String
		f.UIDValidity = uidValidity(f.ID)
		f.UIDNext = uint32(last + 1)
		f.Subscribed = unsub == 0
		out = append(out, f)
	}
	return out, rows.Err()
}

// uidValidity is the UIDVALIDITY of a folder: its folder id, as upstream
// (which never reuses one).
func uidValidity(fid uint64) uint32 { return uint32(fid) }

// IMAPScan calls fn for each message of folder fid with a UID of at least
// fromUID, in UID order, without holding the folder in memory.
func (t *Tx) IMAPScan(fid uint64, fromUID uint32, fn func(IMAPMessage) error) error {
	if t.s.midb == nil {
		return errors.New("mailbox: no IMAP index for this store")
	}
	return t.imapQuery("folder_id=? AND uid>=? ORDER BY uid", []any{fid, fromUID}, true, fn)
}

// imapFlagsColumn is the midb flag columns as one IMAPFlags value: one
// column to read per row instead of seven.
var imapFlagsColumn = fmt.Sprintf("((ifnull(read,0)!=0)*%d | (ifnull(replied,0)!=0)*%d | (ifnull(flagged,0)!=0)*%d | (ifnull(deleted,0)!=0)*%d | "+
	"(ifnull(unsent,0)!=0)*%d | (ifnull(forwarded,0)!=0)*%d | (ifnull(recent,0)!=0)*%d)",
	FlagSeen, FlagAnswered, FlagFlagged, FlagDeleted, FlagDraft, FlagForwarded, FlagRecent)

// imapQuery calls fn for each midb message row matching where (which may
// carry ORDER BY and LIMIT), with its MODSEQ when modseq is set (a query of
// exchange.sqlite3 per modseqBatch messages).
func (t *Tx) imapQuery(where string, args []any, modseq bool, fn func(IMAPMessage) error) error {
	if t.s.midb == nil {
		return errors.New("mailbox: no IMAP index for this store")
	}
	rows, err := t.s.midbQuery(t.ctx, `SELECT message_id, uid, mid_string, `+imapFlagsColumn+`,
		size, received, keywords FROM messages WHERE `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	batch := make([]IMAPMessage, 0, modseqBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if modseq {
			if err := t.fillModSeq(batch); err != nil {
				return err
			}
		}
		for _, m := range batch {
			if err := fn(m); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	for rows.Next() {
		var m IMAPMessage
		var flags int64
		var kw sql.NullString
		if err := rows.Scan(&m.MessageID, &m.UID, &m.MidString, &flags, &m.Size, &m.Received, &kw); err != nil {
			return err
		}
		m.Flags = IMAPFlags(flags)
		if kw.String != "" {
			m.Keywords = strings.Fields(kw.String)
		}
		t.s.overlaid(&m)
		batch = append(batch, m)
		if len(batch) == modseqBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

// modseqBatch is how many messages IMAPScan gives their MODSEQ with one
// query of exchange.sqlite3 (memory stays bounded, queries are few).
const modseqBatch = 256

// fillModSeq sets the MODSEQ of a batch of messages: the newer of each
// message's change number and read change number.
func (t *Tx) fillModSeq(batch []IMAPMessage) error {
	idx := make(map[uint64]int, len(batch))
	args := make([]any, len(batch))
	for i, m := range batch {
		idx[m.MessageID] = i
		args[i] = int64(m.MessageID)
	}
	q := "SELECT message_id, change_number, read_cn FROM messages WHERE message_id IN (?" + strings.Repeat(",?", len(batch)-1) + ")"
	rows, err := t.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var mid uint64
		var cn, rcn sql.NullInt64
		if err := rows.Scan(&mid, &cn, &rcn); err != nil {
			return err
		}
		if i, ok := idx[mid]; ok {
			batch[i].ModSeq = uint64(max(cn.Int64, rcn.Int64))
		}
	}
	return rows.Err()
}
