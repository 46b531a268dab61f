package mailbox

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// msgVersion is what a flag change may touch of one message.
type msgVersion struct {
	cn, readCN uint64
	read       bool
	changeKey  []byte
	pcl        []byte
	modTime    int64
	indexTime  sql.NullInt64
	props      map[mapi.PropTag]any
}

func readVersion(t *testing.T, tx *Tx, mid uint64) msgVersion {
	var v msgVersion
	var readState int64
	// (t.Error, not t.Fatal: this runs in the store's actor.)
	if err := tx.QueryRow("SELECT change_number, COALESCE(read_cn, 0), COALESCE(read_state, 0) FROM messages WHERE message_id=?", int64(mid)).Scan(&v.cn, &v.readCN, &readState); err != nil {
		t.Error(err)
	}
	v.read = readState != 0
	v.changeKey, _ = tx.getPropBytes(messageTable, mid, mapi.PrChangeKey)
	v.pcl, _ = tx.getPropBytes(messageTable, mid, mapi.PrPredecessorChangeList)
	tx.QueryRow("SELECT propval FROM message_properties WHERE message_id=? AND proptag=?", int64(mid), int64(mapi.PrLastModificationTime)).Scan(&v.modTime)
	tx.QueryRow("SELECT mtime FROM msgtime_index WHERE message_id=?", int64(mid)).Scan(&v.indexTime)
	p, err := tx.MessageProps(mid, []mapi.PropTag{mapi.PrMsgStatus, mapi.PrFlagStatus, mapi.PrFollowupIcon, mapi.PrIconIndex, mapi.PrMessageFlags})
	if err != nil {
		t.Error(err)
	}
	v.props = map[mapi.PropTag]any{}
	for _, pv := range p {
		if pv.Tag.Type() != mapi.PtError {
			v.props[pv.Tag] = pv.Value
		}
	}
	return v
}

// A batch of flag changes leaves each message as a single MAPI change
// would: a new change number of its own, the change key of that number
// in its PCL, PR_LAST_MODIFICATION_TIME and the msgtime_index row along;
// a read-state change only a read change number. Skipped messages are
// reported, a message named twice gets both changes in order, and the
// IMAP index follows after the commit.
func TestSetIMAPFlagsBatch(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	read := func(fn func(tx *Tx) (any, error)) any {
		t.Helper()
		res, err := r.Do(ctx, dir, ReadFunc(fn))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	scan := func(fid uint64) []IMAPMessage {
		return read(func(tx *Tx) (any, error) {
			var out []IMAPMessage
			err := tx.IMAPScan(fid, 1, func(m IMAPMessage) error { out = append(out, m); return nil })
			return out, err
		}).([]IMAPMessage)
	}
	versions := func(mids []uint64) []msgVersion {
		return read(func(tx *Tx) (any, error) {
			var out []msgVersion
			for _, mid := range mids {
				out = append(out, readVersion(t, tx, mid))
			}
			return out, nil
		}).([]msgVersion)
	}
	inbox := scan(fidInbox)
	if len(inbox) < 4 {
		t.Fatalf("fixture INBOX has %d messages", len(inbox))
	}
	var mids []uint64
	for _, m := range inbox {
		mids = append(mids, m.MessageID)
	}
	var elsewhere uint64
	for _, f := range read(func(tx *Tx) (any, error) { return tx.IMAPFolders() }).([]IMAPFolder) {
		if f.ID != fidInbox {
			if ms := scan(f.ID); len(ms) > 0 {
				elsewhere = ms[0].MessageID
				break
			}
		}
	}
	before := versions(mids)

	// +\Flagged on every INBOX message, the first named again to clear
	// it and add a keyword, one message that does not exist, one of
	// another folder.
	var changes []SetIMAPFlags
	for _, mid := range mids {
		changes = append(changes, SetIMAPFlags{MessageID: mid, Add: FlagFlagged})
	}
	changes = append(changes, SetIMAPFlags{MessageID: mids[0], Remove: FlagFlagged, AddKeywords: []string{"$Work"}},
		SetIMAPFlags{MessageID: 0xfffffff}, SetIMAPFlags{MessageID: elsewhere, Add: FlagFlagged})
	res, err := Do[[]IMAPFlagState](ctx, r, dir, SetIMAPFlagsBatch{FolderID: fidInbox, Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(changes) {
		t.Fatalf("%d results for %d changes", len(res), len(changes))
	}
	n := len(mids)
	if res[n+1].MessageID != 0 || (elsewhere != 0 && res[n+2].MessageID != 0) {
		t.Fatalf("missing or foreign message not skipped: %+v %+v", res[n+1], res[n+2])
	}
	if res[n].MessageID != mids[0] || res[n].Flags&FlagFlagged != 0 || !slices.Contains(res[n].Keywords, "$Work") {
		t.Fatalf("second change of the first message: %+v", res[n])
	}
	after := versions(mids)
	guid := read(func(tx *Tx) (any, error) { return tx.s.StoreGUID(), nil }).(mapi.GUID)
	seenCN := map[uint64]bool{}
	for i, mid := range mids {
		b, a := before[i], after[i]
		if i > 0 && (res[i].MessageID != mid || res[i].Flags&FlagFlagged == 0) {
			t.Errorf("message %#x: result %+v", mid, res[i])
		}
		if i > 0 && inbox[i].Flags&FlagFlagged != 0 {
			// \Flagged already (a MAPI follow-up flag): no change, so no
			// new version.
			if a.cn != b.cn || a.modTime != b.modTime {
				t.Errorf("message %#x: already flagged, yet changed: change number %d -> %d", mid, b.cn, a.cn)
			}
			continue
		}
		if a.cn <= b.cn || seenCN[a.cn] {
			t.Errorf("message %#x: change number %d -> %d (shared: %v)", mid, b.cn, a.cn, seenCN[a.cn])
		}
		seenCN[a.cn] = true
		if !bytes.Equal(a.changeKey, mapi.ChangeKey(guid, a.cn)) {
			t.Errorf("message %#x: change key %x for change number %d", mid, a.changeKey, a.cn)
		}
		pcl, err := mapi.ParsePCL(a.pcl)
		if err != nil || !slices.ContainsFunc(pcl.XIDs(), func(x mapi.XID) bool { return bytes.Equal(x.Bytes(), a.changeKey) }) {
			t.Errorf("message %#x: PCL %x lacks the change key (%v)", mid, a.pcl, err)
		}
		if a.modTime <= b.modTime || (a.indexTime.Valid && a.indexTime.Int64 != a.modTime) {
			t.Errorf("message %#x: modification time %d -> %d, msgtime_index %v", mid, b.modTime, a.modTime, a.indexTime)
		}
		flagged := i > 0
		if got := a.props[mapi.PrFlagStatus] == int32(followupFlagged); got != flagged {
			t.Errorf("message %#x: PR_FLAG_STATUS %v", mid, a.props[mapi.PrFlagStatus])
		}
		if got := a.props[mapi.PrFollowupIcon] == int32(olRedFlagIcon); got != flagged {
			t.Errorf("message %#x: PR_FOLLOWUP_ICON %v", mid, a.props[mapi.PrFollowupIcon])
		}
		st, _ := a.props[mapi.PrMsgStatus].(int32)
		if (st&msgstatusTagged != 0) != flagged {
			t.Errorf("message %#x: PR_MSG_STATUS %#x", mid, st)
		}
		if a.readCN != b.readCN || a.read != b.read {
			t.Errorf("message %#x: read state touched by a flag change", mid)
		}
	}
	// The IMAP index, after the commit.
	for i, m := range scan(fidInbox) {
		if m.MessageID != mids[i] || (m.Flags&FlagFlagged != 0) != (i > 0) {
			t.Errorf("index: message %#x flags %b", m.MessageID, m.Flags)
		}
		if i == 0 && strings.Join(m.Keywords, " ") != strings.Join(res[n].Keywords, " ") {
			t.Errorf("index keywords %v, want %v", m.Keywords, res[n].Keywords)
		}
	}

	// \Seen toggled: only the read state and its own change number.
	var seen []SetIMAPFlags
	for i, mid := range mids {
		if before[i].read {
			seen = append(seen, SetIMAPFlags{MessageID: mid, Remove: FlagSeen})
		} else {
			seen = append(seen, SetIMAPFlags{MessageID: mid, Add: FlagSeen})
		}
	}
	if _, err := Do[[]IMAPFlagState](ctx, r, dir, SetIMAPFlagsBatch{FolderID: fidInbox, Changes: seen}); err != nil {
		t.Fatal(err)
	}
	final := versions(mids)
	for i, mid := range mids {
		a, f := after[i], final[i]
		if f.read == a.read || f.readCN <= a.readCN || seenCN[f.readCN] || f.cn != a.cn || !bytes.Equal(f.pcl, a.pcl) {
			t.Errorf("message %#x: read %v -> %v, read cn %d -> %d, cn %d -> %d", mid, a.read, f.read, a.readCN, f.readCN, a.cn, f.cn)
		}
		seenCN[f.readCN] = true
	}
	for i, m := range scan(fidInbox) {
		if (m.Flags&FlagSeen != 0) != final[i].read {
			t.Errorf("index: message %#x seen %v, store %v", m.MessageID, m.Flags&FlagSeen != 0, final[i].read)
		}
	}

	// STORE FLAGS: the keywords become the ones given.
	res, err = Do[[]IMAPFlagState](ctx, r, dir, SetIMAPFlagsBatch{FolderID: fidInbox, Changes: []SetIMAPFlags{
		{MessageID: mids[0], AddKeywords: []string{"Other"}, ReplaceKeywords: true, Remove: FlagFlagged | FlagSeen},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(res[0].Keywords, " ") != "Other" || res[0].Flags&(FlagSeen|FlagFlagged) != 0 {
		t.Fatalf("after FLAGS: %+v", res[0])
	}
	if m := scan(fidInbox)[0]; strings.Join(m.Keywords, " ") != "Other" {
		t.Fatalf("index keywords after FLAGS: %v", m.Keywords)
	}
}
