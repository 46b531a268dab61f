package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/oxcmail"
)

// The store requests of the IMAP server beyond SetIMAPFlags and
// ListIMAPFolders. Each is one client command's worth of work.

// IMAPAppend stores a message given in RFC 5322 form into a folder (IMAP
// APPEND): converted to MAPI in the store's transaction, its original bytes
// kept, the internal date (PR_MESSAGE_DELIVERY_TIME) set from Date (now
// when zero), and its flags and keywords applied in the same transaction.
// The receive quota applies. Reply: IMAPAppended, sent once the IMAP index
// holds the message, with its UID.
type IMAPAppend struct {
	// Mailbox names the folder as IMAPFolder.Name does (INBOX in
	// capitals, "/" between levels) when FolderID is 0: the store's actor
	// looks it up, sparing the caller a request for the folder list.
	// ErrNoIMAPFolder: IMAP shows no folder of that name.
	Mailbox  string
	FolderID uint64
	Raw      []byte
	Flags    IMAPFlags
	Keywords []string
	Date     time.Time
	// Content is Raw converted outside the store (ImportRFC5322), so the
	// store's actor does not spend its time on it; nil: converted here.
	Content *MessageContent
}

// IMAPAppended is the reply to IMAPAppend.
type IMAPAppended struct {
	FolderID    uint64
	UIDValidity uint32
	MessageID   uint64
	UID         uint32 // 0 when the IMAP index could not take the message
}

func (r IMAPAppended) withUIDs(uid func(fid, mid uint64) uint32) any {
	r.UID = uid(r.FolderID, r.MessageID)
	return r
}

// ErrNoIMAPFolder: a request names a folder IMAP does not show.
var ErrNoIMAPFolder = errors.New("mailbox: no such IMAP folder")

func (IMAPAppend) readsIndexAfter() {} // its caller is answered with the new UID

func (r IMAPAppend) Write(tx *Tx) (any, error) {
	if err := tx.checkReceiveQuota(int64(len(r.Raw))); err != nil {
		return nil, err
	}
	mc := r.Content
	if mc == nil {
		var err error
		if mc, err = ConvertRFC5322(r.Raw)(tx); err != nil {
			return nil, fmt.Errorf("mailbox: converting the message: %w", err)
		}
	}
	date := mapi.FileTimeOf(time.Now())
	if !r.Date.IsZero() {
		date = mapi.FileTimeOf(r.Date)
	}
	mc.Props.Set(mapi.PrMessageDeliveryTime, date)
	var flags int32
	if v, ok := mc.Props.Get(mapi.PrMessageFlags); ok {
		flags, _ = v.(int32)
	}
	flags &^= msgflagRead | msgflagUnsent
	if r.Flags&FlagSeen != 0 {
		flags |= msgflagRead
	}
	if r.Flags&FlagDraft != 0 {
		flags |= msgflagUnsent
	}
	mc.Props.Set(mapi.PrMessageFlags, flags)
	mid, _, _, err := tx.WriteOriginal(r.FolderID, mc, r.Raw)
	if err != nil {
		return nil, err
	}
	rest := r.Flags &^ (FlagSeen | FlagDraft | FlagRecent)
	if rest != 0 || len(r.Keywords) > 0 {
		if err := tx.SetIMAPFlags(mid, rest, 0, r.Keywords, nil); err != nil {
			return nil, err
		}
	}
	return IMAPAppended{FolderID: r.FolderID, UIDValidity: uidValidity(r.FolderID), MessageID: mid}, nil
}

// imapFolderByName returns the id of the IMAP folder of that name, from
// the store's map of names, which it reads from midb.sqlite3 when it has
// none. The caller makes sure the index is committed and current.
func (s *Store) imapFolderByName(ctx context.Context, name string) (uint64, error) {
	if s.midb == nil {
		return 0, errors.New("mailbox: no IMAP index for this store")
	}
	if s.imapNames == nil {
		rows, err := s.midb.QueryContext(ctx, "SELECT folder_id, name FROM folders WHERE name IS NOT NULL")
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		names := map[string]uint64{}
		for rows.Next() {
			var id uint64
			var n string
			if err := rows.Scan(&id, &n); err != nil {
				return 0, err
			}
			names[n] = id
		}
		if err := rows.Err(); err != nil {
			return 0, err
		}
		s.imapNames = names
	}
	fid, ok := s.imapNames[name]
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrNoIMAPFolder, name)
	}
	return fid, nil
}

// IMAPLookup answers the IMAP state of messages of a folder by UID, in UID
// order, skipping UIDs the folder no longer holds. Reply: []IMAPMessage.
type IMAPLookup struct {
	FolderID uint64
	UIDs     []uint32
	ModSeq   bool // fill IMAPMessage.ModSeq (it costs a query of exchange.sqlite3)
}

// maxLookup bounds the UIDs of one IMAPLookup query.
const maxLookup = 500

func (r IMAPLookup) Read(tx *Tx) (any, error) {
	var out []IMAPMessage
	for uids := r.UIDs; len(uids) > 0; {
		n := min(len(uids), maxLookup)
		chunk := uids[:n]
		uids = uids[n:]
		lo, hi := chunk[0], chunk[0]
		want := make(map[uint32]bool, n)
		for _, u := range chunk {
			lo, hi = min(lo, u), max(hi, u)
			want[u] = true
		}
		keep := func(m IMAPMessage) error {
			if want[m.UID] {
				out = append(out, m)
			}
			return nil
		}
		if uint64(hi-lo) < 2*uint64(n) {
			// Dense (FETCH 1:* and the like): one scan of the UID range
			// instead of a lookup per UID.
			if err := tx.imapQuery("folder_id=? AND uid BETWEEN ? AND ?", []any{r.FolderID, lo, hi}, r.ModSeq, keep); err != nil {
				return nil, err
			}
			continue
		}
		args := []any{r.FolderID}
		for _, u := range chunk {
			args = append(args, u)
		}
		where := "folder_id=? AND uid IN (?" + strings.Repeat(",?", n-1) + ")"
		if err := tx.imapQuery(where, args, r.ModSeq, keep); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out, nil
}

// IMAPPage answers up to Limit messages of a folder from UID FromUID on,
// in UID order; with Deleted, only those marked \Deleted. Reply:
// []IMAPMessage.
type IMAPPage struct {
	FolderID uint64
	FromUID  uint32
	Limit    int
	Deleted  bool
	ModSeq   bool // fill IMAPMessage.ModSeq
}

func (r IMAPPage) Read(tx *Tx) (any, error) {
	var out []IMAPMessage
	where := "folder_id=? AND uid>=? ORDER BY uid LIMIT ?"
	if r.Deleted {
		where = "folder_id=? AND uid>=? AND deleted!=0 ORDER BY uid LIMIT ?"
	}
	err := tx.imapQuery(where, []any{r.FolderID, r.FromUID, max(r.Limit, 1)}, r.ModSeq, func(m IMAPMessage) error {
		out = append(out, m)
		return nil
	})
	return out, err
}

// IMAPView answers what SELECT needs of a folder: every message's UID and
// message id in UID order, and the UID of the first unseen one (0: none),
// with one query of the IMAP index and no MODSEQ. Reply: IMAPViewData.
type IMAPView struct{ FolderID uint64 }

// IMAPViewData is the reply to IMAPView.
type IMAPViewData struct {
	UIDs        []uint32
	MessageIDs  []uint64
	FirstUnseen uint32
}

func (r IMAPView) Read(tx *Tx) (any, error) {
	if tx.s.midb == nil {
		return nil, errors.New("mailbox: no IMAP index for this store")
	}
	rows, err := tx.s.midbQuery(tx.ctx, "SELECT uid, message_id, read FROM messages WHERE folder_id=? ORDER BY uid", r.FolderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var d IMAPViewData
	for rows.Next() {
		var uid uint32
		var mid uint64
		var read int
		if err := rows.Scan(&uid, &mid, &read); err != nil {
			return nil, err
		}
		d.UIDs = append(d.UIDs, uid)
		d.MessageIDs = append(d.MessageIDs, mid)
		if e, ok := tx.s.journal.overlay[mid]; ok {
			read = int(e.flags & FlagSeen)
		}
		if read == 0 && d.FirstUnseen == 0 {
			d.FirstUnseen = uid
		}
	}
	return d, rows.Err()
}

// IMAPUIDNext answers a folder's next UID, cheaply (an IMAP session's
// per-command check). Reply: uint32.
type IMAPUIDNext struct{ FolderID uint64 }

func (r IMAPUIDNext) Read(tx *Tx) (any, error) {
	if tx.s.midb == nil {
		return nil, errors.New("mailbox: no IMAP index for this store")
	}
	var last int64
	if err := tx.s.midbQueryRowDB(tx.ctx, "SELECT uidnext FROM folders WHERE folder_id=?", r.FolderID).Scan(&last); err != nil {
		return nil, fmt.Errorf("folder %#x: %w", r.FolderID, ErrNotFound)
	}
	return uint32(last + 1), nil
}

// IMAPFolderStatus is what STATUS reports of a folder.
type IMAPFolderStatus struct {
	Messages, Unseen, Deleted int64
	Size                      int64
	UIDNext                   uint32
}

// GetIMAPFolderStatus reads a folder's counts from its IMAP index. Reply:
// IMAPFolderStatus.
type GetIMAPFolderStatus struct{ FolderID uint64 }

func (r GetIMAPFolderStatus) Read(tx *Tx) (any, error) {
	if tx.s.midb == nil {
		return nil, errors.New("mailbox: no IMAP index for this store")
	}
	var st IMAPFolderStatus
	var last int64
	if err := tx.s.midbQueryRowDB(tx.ctx, "SELECT uidnext FROM folders WHERE folder_id=?", r.FolderID).Scan(&last); err != nil {
		return nil, fmt.Errorf("folder %#x: %w", r.FolderID, ErrNotFound)
	}
	st.UIDNext = uint32(last + 1)
	var unseen, deleted, size sql.NullInt64
	err := tx.s.midbQueryRowDB(tx.ctx, "SELECT COUNT(*), SUM(read=0), SUM(deleted!=0), SUM(size) FROM messages WHERE folder_id=?", r.FolderID).
		Scan(&st.Messages, &unseen, &deleted, &size)
	st.Unseen, st.Deleted, st.Size = unseen.Int64, deleted.Int64, size.Int64
	return st, err
}

// IMAPSubscribe marks a folder subscribed or not (IMAP SUBSCRIBE and
// UNSUBSCRIBE; midb's folders.unsub). Reply: nil.
type IMAPSubscribe struct {
	FolderID   uint64
	Subscribed bool
}

func (r IMAPSubscribe) Write(tx *Tx) (any, error) {
	if tx.s.midb == nil {
		return nil, errors.New("mailbox: no IMAP index for this store")
	}
	unsub := 1
	if r.Subscribed {
		unsub = 0
	}
	res, err := tx.s.midbExecDB(tx.ctx, "UPDATE folders SET unsub=? WHERE folder_id=?", unsub, r.FolderID)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, fmt.Errorf("folder %#x: %w", r.FolderID, ErrNotFound)
	}
	return nil, nil
}

// OriginalPath is where the RFC 5322 form of a message with this
// mid_string lives in store dir (upstream names them "<time>.<n>.<host>"
// or, content-addressed, "R-xx/<hash>"); "" for a name that would leave
// eml/.
func OriginalPath(dir, midString string) string {
	if !validMidString(midString) {
		return ""
	}
	return filepath.Join(dir, "eml", filepath.FromSlash(midString))
}

func validMidString(s string) bool {
	return s != "" && !strings.Contains(s, "..") && !strings.HasPrefix(s, "/") && !strings.Contains(s, "\\")
}

// ExportOriginal makes sure message mid has an RFC 5322 form on disk: a
// message made through MAPI (or EWS) is converted once, its eml file
// written under the name its IMAP index gave it, and that index's size set
// to the file's, so that every later FETCH and POP3 RETR sends the same
// bytes. Reply: the path of the file (string).
type ExportOriginal struct {
	FolderID  uint64
	MessageID uint64
}

func (r ExportOriginal) Write(tx *Tx) (any, error) {
	if tx.s.midb == nil {
		return nil, errors.New("mailbox: no IMAP index for this store")
	}
	var midStr string
	err := tx.s.midbQueryRowDB(tx.ctx, "SELECT mid_string FROM messages WHERE message_id=?", r.MessageID).Scan(&midStr)
	if err != nil {
		return nil, fmt.Errorf("message %#x: %w", r.MessageID, ErrNotFound)
	}
	path := OriginalPath(tx.s.Dir, midStr)
	if path == "" {
		return nil, fmt.Errorf("mailbox: bad mid_string %q", midStr)
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if raw, err := tx.ReadOriginal(r.MessageID); err == nil {
		// exchange.sqlite3 names another file (upstream's index was
		// rebuilt): serve that one.
		return path, tx.writeFileAtCommit("eml/"+midStr, raw)
	}
	mc, err := tx.ReadMessage(r.MessageID)
	if err != nil {
		return nil, err
	}
	raw, err := oxcmail.Export(mc.Oxcmail(), oxcmail.ExportOptions{})
	if err != nil {
		return nil, fmt.Errorf("mailbox: converting message %#x to RFC 5322: %w", r.MessageID, err)
	}
	if err := tx.writeFileAtCommit("eml/"+midStr, raw); err != nil {
		return nil, err
	}
	if _, err := tx.s.midbExecDB(tx.ctx, "UPDATE messages SET size=? WHERE message_id=?", len(raw), r.MessageID); err != nil {
		return nil, err
	}
	return path, nil
}

// Oxcmail is the message in the form the RFC 5322 converter exports.
func (mc *MessageContent) Oxcmail() *oxcmail.Message {
	m := &oxcmail.Message{Props: mc.Props}
	for _, r := range mc.Recipients {
		m.Recipients = append(m.Recipients, r)
	}
	for _, a := range mc.Attachments {
		at := oxcmail.Attachment{Props: a.Props}
		if a.Embedded != nil {
			at.Embedded = a.Embedded.Oxcmail()
		}
		m.Attachments = append(m.Attachments, at)
	}
	return m
}
