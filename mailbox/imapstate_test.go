package mailbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/internal/fixtures"
	"github.com/gromox-go/gromox/mapi"
)

const fixtureDir = "../../shared/fixtures/upstream-3.10"

// copyTree copies a read-only fixture store into a writable directory.
func copyTree(t testing.TB, src string) string { t.Helper(); return fixtures.CopyTree(t, src) }

type imapManifest struct {
	ImapFolders []struct {
		DisplayPath string `json:"display_path"`
		FolderID    uint64 `json:"folder_id"`
		Messages    int    `json:"messages"`
		Unseen      int    `json:"unseen"`
		UIDNext     uint32 `json:"uidnext"`
		UIDValidity uint32 `json:"uidvalidity"`
	} `json:"imap_folders"`
	Messages []struct {
		FolderID  uint64   `json:"folder_id"`
		UID       uint32   `json:"imap_uid"`
		Flags     []string `json:"imap_flags"`
		Read      bool     `json:"read"`
		MessageID uint64   `json:"message_id"`
		Size      int64    `json:"rfc822_size"`
	} `json:"messages"`
}

func loadIMAPManifest(t testing.TB) imapManifest {
	raw, err := os.ReadFile(filepath.Join(fixtureDir, "fixture-store", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m imapManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// openRaw opens a store directory's database without the storage layer's
// checks, for the IMAP index tests.
func openRaw(t testing.TB, dir string) *Store {
	db, err := openDB(DBPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{Dir: dir, db: db}
	t.Cleanup(func() { s.Close() })
	return s
}

// The upstream store's IMAP state is taken over as it is: every folder,
// UIDVALIDITY, UIDNEXT, UID and flag its manifest lists.
// fixtureIMAPTx opens a copy of the fixture store with its IMAP index and
// begins a transaction on it, rolled back when the test ends.
func fixtureIMAPTx(t *testing.T) *Tx {
	t.Helper()
	return beginIMAP(t, openIMAPStore(t, copyTree(t, filepath.Join(fixtureDir, "fixture-store"))))
}

// openIMAPStore opens a store directory with its IMAP index.
func openIMAPStore(t testing.TB, dir string) *Store {
	t.Helper()
	s := openRaw(t, dir)
	if err := s.openIMAPIfPrivate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// beginIMAP begins a transaction on s, rolled back when the test ends.
func beginIMAP(t testing.TB, s *Store) *Tx {
	t.Helper()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tx.Rollback() })
	return tx
}

func TestIMAPTakeOverUpstreamUIDs(t *testing.T) {
	tx := fixtureIMAPTx(t)
	folders, err := tx.IMAPFolders()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[uint64]IMAPFolder{}
	for _, f := range folders {
		byID[f.ID] = f
	}
	m := loadIMAPManifest(t)
	if len(folders) != len(m.ImapFolders) {
		var names []string
		for _, f := range folders {
			names = append(names, f.Name)
		}
		t.Errorf("%d IMAP folders %q, manifest has %d", len(folders), names, len(m.ImapFolders))
	}
	for _, want := range m.ImapFolders {
		f, ok := byID[want.FolderID]
		if !ok {
			t.Errorf("folder %q (%d) missing", want.DisplayPath, want.FolderID)
			continue
		}
		name := f.Name
		if want.DisplayPath == "INBOX" || strings.EqualFold(want.DisplayPath, "inbox") {
			name = want.DisplayPath
		}
		if name != want.DisplayPath || f.UIDNext != want.UIDNext || f.UIDValidity != want.UIDValidity {
			t.Errorf("folder %d: got %q uidnext %d uidvalidity %d, want %q %d %d",
				want.FolderID, f.Name, f.UIDNext, f.UIDValidity, want.DisplayPath, want.UIDNext, want.UIDValidity)
		}
		var n, unseen int
		tx.IMAPScan(want.FolderID, 1, func(msg IMAPMessage) error {
			n++
			if msg.Flags&FlagSeen == 0 {
				unseen++
			}
			return nil
		})
		if n != want.Messages || unseen != want.Unseen {
			t.Errorf("folder %q: %d messages %d unseen, want %d %d", want.DisplayPath, n, unseen, want.Messages, want.Unseen)
		}
	}
	flagNames := map[string]IMAPFlags{`\Seen`: FlagSeen, `\Answered`: FlagAnswered, `\Flagged`: FlagFlagged,
		`\Deleted`: FlagDeleted, `\Draft`: FlagDraft, `$Forwarded`: FlagForwarded}
	for _, want := range m.Messages {
		var got *IMAPMessage
		tx.IMAPScan(want.FolderID, want.UID, func(msg IMAPMessage) error {
			if msg.UID == want.UID {
				got = &msg
			}
			return io.EOF
		})
		if got == nil {
			t.Errorf("folder %d UID %d missing", want.FolderID, want.UID)
			continue
		}
		if got.MessageID != want.MessageID {
			t.Errorf("folder %d UID %d is message %d, want %d", want.FolderID, want.UID, got.MessageID, want.MessageID)
		}
		var wantFlags IMAPFlags
		var kws []string
		for _, f := range want.Flags {
			if b, ok := flagNames[f]; ok {
				wantFlags |= b
			} else {
				kws = append(kws, f)
			}
		}
		if got.Flags&^FlagRecent != wantFlags {
			t.Errorf("folder %d UID %d flags %b, want %b (%v)", want.FolderID, want.UID, got.Flags, wantFlags, want.Flags)
		}
		sort.Strings(kws)
		gk := append([]string(nil), got.Keywords...)
		sort.Strings(gk)
		if strings.Join(gk, " ") != strings.Join(kws, " ") {
			t.Errorf("folder %d UID %d keywords %v, want %v", want.FolderID, want.UID, got.Keywords, kws)
		}
		if got.ModSeq == 0 {
			t.Errorf("folder %d UID %d has no modseq", want.FolderID, want.UID)
		}
	}
}

// A message that arrives while midb.sqlite3 is missing its row (a crash
// between the two commits, or a store written by another program) gets the
// folder's next UID when the store is opened; UIDs are never reused.
func TestIMAPReconcileAssignsNextUID(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	ctx := context.Background()
	s := openRaw(t, dir)
	if err := s.openIMAPIfPrivate(ctx); err != nil {
		t.Fatal(err)
	}
	var uidnext, maxUID int64
	s.midb.QueryRow("SELECT uidnext FROM folders WHERE folder_id=13").Scan(&uidnext)
	// Drop one midb row: the reconcile must give the message a new UID
	// above every UID handed out, not its old one.
	var mid, oldUID int64
	s.midb.QueryRow("SELECT message_id, uid FROM messages WHERE folder_id=13 ORDER BY uid LIMIT 1").Scan(&mid, &oldUID)
	if _, err := s.midb.Exec("DELETE FROM messages WHERE message_id=?", mid); err != nil {
		t.Fatal(err)
	}
	if err := s.SyncIMAP(ctx); err != nil {
		t.Fatal(err)
	}
	var newUID int64
	s.midb.QueryRow("SELECT uid FROM messages WHERE message_id=?", mid).Scan(&newUID)
	s.midb.QueryRow("SELECT MAX(uid) FROM messages WHERE folder_id=13").Scan(&maxUID)
	if newUID != uidnext+1 || newUID == oldUID || maxUID != newUID {
		t.Fatalf("re-indexed message got UID %d (old %d, last handed out %d)", newUID, oldUID, uidnext)
	}
	// A row whose message is gone is dropped.
	if _, err := s.db.Exec("DELETE FROM messages WHERE message_id=?", mid); err != nil {
		t.Fatal(err)
	}
	if err := s.SyncIMAP(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	s.midb.QueryRow("SELECT COUNT(*) FROM messages WHERE message_id=?", mid).Scan(&n)
	if n != 0 {
		t.Fatal("row of a deleted message kept")
	}
}

// IMAP STORE changes MAPI state (so Outlook sees it), the IMAP index and
// the MODSEQ; keywords are kept.
func TestSetIMAPFlagsThroughActor(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	// The first INBOX message of the fixture without flags.
	var target uint64
	find := func() IMAPMessage {
		res, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) {
			var got IMAPMessage
			err := tx.IMAPScan(fidInbox, 1, func(m IMAPMessage) error {
				if (target == 0 && m.Flags&(FlagSeen|FlagFlagged|FlagAnswered) == 0 && len(m.Keywords) == 0) || m.MessageID == target {
					got = m
					return io.EOF
				}
				return nil
			})
			if err == io.EOF {
				err = nil
			}
			return got, err
		}))
		if err != nil {
			t.Fatal(err)
		}
		return res.(IMAPMessage)
	}
	before := find()
	target = before.MessageID
	if target == 0 {
		t.Fatal("no unflagged INBOX message in the fixture")
	}
	_, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		return nil, tx.SetIMAPFlags(before.MessageID, FlagSeen|FlagFlagged|FlagAnswered, 0, []string{"$Label2", "Project-X"}, nil)
	}))
	if err != nil {
		t.Fatal(err)
	}
	after := find()
	if after.Flags&(FlagSeen|FlagFlagged|FlagAnswered) != FlagSeen|FlagFlagged|FlagAnswered {
		t.Fatalf("flags after STORE: %b", after.Flags)
	}
	if strings.Join(after.Keywords, " ") != "$Label2 Project-X" {
		t.Fatalf("keywords %v", after.Keywords)
	}
	if after.ModSeq <= before.ModSeq || after.UID != before.UID {
		t.Fatalf("modseq %d -> %d, uid %d -> %d", before.ModSeq, after.ModSeq, before.UID, after.UID)
	}
	// The MAPI view Outlook reads.
	res, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) {
		return tx.MessageProps(before.MessageID, []mapi.PropTag{mapi.PrMessageFlags, mapi.PrFlagStatus, mapi.PrIconIndex, mapi.PrLastVerbExecuted})
	}))
	if err != nil {
		t.Fatal(err)
	}
	p := res.(Props)
	if v, _ := p.Get(mapi.PrMessageFlags); v.(int32)&msgflagRead == 0 {
		t.Errorf("PR_MESSAGE_FLAGS %v lacks read", v)
	}
	if v, _ := p.Get(mapi.PrFlagStatus); v != int32(followupFlagged) {
		t.Errorf("PR_FLAG_STATUS %v", v)
	}
	if v, _ := p.Get(mapi.PrLastVerbExecuted); v != int32(verbReplyToSender) {
		t.Errorf("PR_LAST_VERB_EXECUTED %v", v)
	}
	// And off again.
	_, err = r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		return nil, tx.SetIMAPFlags(before.MessageID, 0, FlagSeen|FlagFlagged, nil, []string{"project-x"})
	}))
	if err != nil {
		t.Fatal(err)
	}
	final := find()
	if final.Flags&(FlagSeen|FlagFlagged) != 0 || final.Flags&FlagAnswered == 0 || strings.Join(final.Keywords, " ") != "$Label2" {
		t.Fatalf("after clearing: flags %b keywords %v", final.Flags, final.Keywords)
	}
}

// IMAPLookup answers the UIDs asked for, in UID order, whether they are
// dense (one scan of their range) or sparse (a lookup each), and skips
// UIDs the folder does not hold.
func TestIMAPLookupDenseAndSparse(t *testing.T) {
	tx := fixtureIMAPTx(t)
	var all []uint32
	if err := tx.IMAPScan(fidInbox, 1, func(m IMAPMessage) error {
		all = append(all, m.UID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(all) < 3 {
		t.Fatalf("fixture Inbox has %d messages", len(all))
	}
	last := all[len(all)-1]
	for _, tc := range []struct {
		name string
		ask  []uint32
		want []uint32
	}{
		{"all", all, all},
		{"dense with a gap", []uint32{all[0], all[2]}, []uint32{all[0], all[2]}},
		{"sparse", []uint32{all[0], last + 1000}, []uint32{all[0]}},
		{"sparse unsorted", []uint32{last + 5000, all[1], all[0]}, []uint32{all[0], all[1]}},
		{"none held", []uint32{last + 1, last + 2}, nil},
	} {
		res, err := IMAPLookup{FolderID: fidInbox, UIDs: tc.ask}.Read(tx)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []uint32
		for _, m := range res.([]IMAPMessage) {
			got = append(got, m.UID)
			if m.MidString == "" || m.MessageID == 0 {
				t.Errorf("%s: UID %d without its message: %+v", tc.name, m.UID, m)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// writeFailingAtCommit writes m into the Inbox and then a row whose
// foreign key is checked only at COMMIT: the request succeeds, and the
// commit of its batch fails.
func writeFailingAtCommit(tx *Tx, m *MessageContent) (uint64, error) {
	mid, _, err := tx.WriteMessage(fidInbox, m)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec("PRAGMA defer_foreign_keys=ON"); err != nil {
		return 0, err
	}
	_, err = tx.Exec("INSERT INTO message_properties VALUES (?, ?, ?)", int64(0x7ffffffff), int64(mapi.PrSubject), "orphan")
	return mid, err
}

// indexedWrite is a WriteFunc whose caller reads the IMAP index as soon as
// it is answered.
type indexedWrite func(*Tx) (any, error)

func (w indexedWrite) Write(tx *Tx) (any, error) { return w(tx) }
func (indexedWrite) readsIndexAfter()            {}

// The IMAP index commits beside exchange.sqlite3's commit. When that
// commit fails after the index's went through, the index is reconciled:
// the message that was never stored has no row, nobody is told of it,
// and the UID it was given is not handed out again.
func TestIndexOfFailedCommitReconciled(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	uidNext := func() uint32 {
		res, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.IMAPFolders() }))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.([]IMAPFolder) {
			if f.ID == fidInbox {
				return f.UIDNext
			}
		}
		t.Fatal("no INBOX")
		return 0
	}
	before := uidNext()
	var lost uint64
	// A write whose caller reads the index right after (as IMAP APPEND's
	// does): its index update is prepared, and committed in midb, beside
	// its commit, which fails.
	_, err := r.Do(ctx, dir, indexedWrite(func(tx *Tx) (any, error) {
		m := benchMessage(1)
		m.Props.Set(mapi.PrMessageDeliveryTime, mapi.FileTimeOf(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)))
		mid, err := writeFailingAtCommit(tx, m)
		lost = mid
		return mid, err
	}))
	if err == nil {
		t.Fatal("commit with a dangling foreign key succeeded")
	}
	// The next write commits normally; its UID is above the lost one's.
	res, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		mid, _, err := tx.WriteMessage(fidInbox, benchMessage(2))
		return mid, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	kept := res.(uint64)
	msgs, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) {
		var out []IMAPMessage
		err := tx.IMAPScan(fidInbox, before, func(m IMAPMessage) error { out = append(out, m); return nil })
		return out, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	got := msgs.([]IMAPMessage)
	if len(got) != 1 || got[0].MessageID != kept {
		t.Fatalf("index after a failed commit: %+v (lost %#x, kept %#x)", got, lost, kept)
	}
	if got[0].UID <= before {
		t.Fatalf("UID %d of the next message reuses the failed commit's (UIDNEXT was %d)", got[0].UID, before)
	}
	// The next message may get the message id the failed commit used:
	// its index row is its own, not the failed message's.
	if old := uint64(mapi.FileTimeOf(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC))); got[0].Received == old {
		t.Fatalf("index row of the stored message is the failed one's (received %d)", got[0].Received)
	}
}

// A write whose caller does not read the index (a delivery, a MAPI save)
// is answered before its index update is prepared: when its commit fails,
// the index was never touched, and no UID was handed out.
func TestFailedWriteLeavesIndex(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	state := func() (uint32, int64) {
		res, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.IMAPFolders() }))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.([]IMAPFolder) {
			if f.ID == fidInbox {
				st, err := r.Do(ctx, dir, GetIMAPFolderStatus{FolderID: fidInbox})
				if err != nil {
					t.Fatal(err)
				}
				return f.UIDNext, st.(IMAPFolderStatus).Messages
			}
		}
		t.Fatal("no INBOX")
		return 0, 0
	}
	uidNext, count := state()
	_, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		return writeFailingAtCommit(tx, benchMessage(1))
	}))
	if err == nil {
		t.Fatal("commit with a dangling foreign key succeeded")
	}
	if n, c := state(); n != uidNext || c != count {
		t.Fatalf("after the failed commit UIDNEXT %d and %d messages, want %d and %d", n, c, uidNext, count)
	}
}

// The index keeps a message's Subject header as the message has it, as
// upstream's midb does (its IMAP sorts by it); a message made through
// MAPI, which has no RFC 5322 form yet, its MAPI subject.
func TestIndexSubjectAsUpstream(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	raw := []byte("From: erika@partner.example\r\nTo: fixture@example.org\r\n" +
		"Subject: =?utf-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n  (folded)\r\n\r\nHallo\r\n")
	mc, err := ImportRFC5322(raw)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Do[DeliverResult](ctx, r, dir, Deliver{Raw: raw, Content: mc})
	if err != nil {
		t.Fatal(err)
	}
	made, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		m := benchMessage(1)
		m.Props.Set(mapi.PrSubject, "RE: made in Outlook")
		mid, _, err := tx.WriteMessage(fidInbox, m)
		return mid, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	subject := func(mid uint64) string {
		v, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) {
			var s string
			err := tx.s.midb.QueryRow("SELECT subject FROM messages WHERE message_id=?", int64(mid)).Scan(&s)
			return s, err
		}))
		if err != nil {
			t.Fatal(err)
		}
		return v.(string)
	}
	if got, want := subject(res.MessageID), "=?utf-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?= (folded)"; got != want {
		t.Errorf("delivered message: index subject %q, want %q", got, want)
	}
	if got := subject(made.(uint64)); got != "RE: made in Outlook" {
		t.Errorf("MAPI-made message: index subject %q", got)
	}
}

// Concurrent deliveries into one store commit while earlier commits' IMAP
// index updates still run (their index updates then wait in a backlog):
// every new-mail notification comes in commit order and only once the
// message's UID is in midb.sqlite3, and UIDs follow commit order.
func TestIndexBacklogUnderConcurrentDelivery(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	// Index commits slower than the store's: most commits find one
	// running and leave their update to the backlog.
	r, sys := newRegistry(t, Options{Idle: time.Hour, indexDelay: 5 * time.Millisecond})
	ctx := tctx(t)
	midb, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "exmdb", midbFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer midb.Close()
	var mu sync.Mutex
	var events []Event
	var uids []int64
	sub := sys.Spawn(actors.Props{Kind: "test-session", New: func() actors.Actor {
		return actors.ActorFunc(func(c *actors.Context) {
			n, ok := c.Message().(Notification)
			if !ok {
				return
			}
			for _, e := range n.Events {
				// Read from the file, as another process would.
				uid := int64(-1)
				midb.QueryRow("SELECT uid FROM messages WHERE message_id=?", int64(e.MessageID)).Scan(&uid)
				mu.Lock()
				events, uids = append(events, e), append(uids, uid)
				mu.Unlock()
			}
		})
	}})
	if _, err := Do[uint64](ctx, r, dir, Subscribe{Subscriber: sub, Kinds: EventNewMail}); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				raw := []byte(fmt.Sprintf("From: a@example.net\r\nSubject: %d/%d\r\n\r\nbody %d %d\r\n", w, i, w, i))
				mc, err := ImportRFC5322(raw)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := r.Do(ctx, dir, Deliver{Raw: raw, Content: mc}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(events)
		mu.Unlock()
		if n >= writers*each || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) != writers*each {
		t.Fatalf("%d new-mail notifications, want %d", len(events), writers*each)
	}
	for i, e := range events {
		if uids[i] <= 0 {
			t.Fatalf("notified of message %#x before its UID was in the index", e.MessageID)
		}
		if i > 0 && (e.Seq <= events[i-1].Seq || e.MessageID <= events[i-1].MessageID || uids[i] <= uids[i-1]) {
			t.Fatalf("notification %d out of commit order: %+v (UID %d) after %+v (UID %d)", i, e, uids[i], events[i-1], uids[i-1])
		}
	}
}

// IMAPAppend names its folder and is answered with the UID the index gave
// the message, also while earlier index commits still run (the update
// then waits in the backlog) and right after a commit that made the folder
// (the names are read again, after the index has caught up); COPY is
// answered with the copies' UIDs.
func TestIMAPAppendByName(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour, indexDelay: 20 * time.Millisecond})
	ctx := tctx(t)
	raw := []byte("From: a@example.net\r\nSubject: by name\r\n\r\nbody\r\n")
	appendTo := func(name string) IMAPAppended {
		t.Helper()
		res, err := Do[IMAPAppended](ctx, r, dir, IMAPAppend{Mailbox: name, Raw: raw})
		if err != nil {
			t.Fatalf("APPEND to %s: %v", name, err)
		}
		if uid := indexUID(t, r, dir, res.FolderID, res.MessageID); res.UID == 0 || res.UID != uid || res.UIDValidity != uint32(res.FolderID) {
			t.Fatalf("APPEND to %s answered %+v; the index has UID %d", name, res, uid)
		}
		return res
	}
	first := appendTo("INBOX")
	if first.FolderID != mapi.PrivateFIDInbox {
		t.Fatalf("INBOX resolved to folder %#x", first.FolderID)
	}
	// A delivery leaves an index commit running (indexDelay); the folder
	// made next goes to the backlog behind it.
	mc, err := ImportRFC5322(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Do(ctx, dir, Deliver{Raw: raw, Content: mc}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Do(ctx, dir, CreateFolder{Parent: mapi.PrivateFIDIPMSubtree, Name: "Fresh", Class: "IPF.Note"}); err != nil {
		t.Fatal(err)
	}
	if res := appendTo("Fresh"); res.UID != 1 {
		t.Errorf("first APPEND to a new folder: UID %d", res.UID)
	}
	if res := appendTo("INBOX"); res.UID != first.UID+2 {
		t.Errorf("APPEND after a delivery: UID %d, want %d", res.UID, first.UID+2)
	}
	if _, err := Do[IMAPAppended](ctx, r, dir, IMAPAppend{Mailbox: "Stale", Raw: raw}); !errors.Is(err, ErrNoIMAPFolder) {
		t.Errorf("APPEND to a missing folder: %v", err)
	}
	// COPY is answered with the copies' UIDs too.
	fresh, err := Do[IMAPAppended](ctx, r, dir, IMAPAppend{Mailbox: "Fresh", Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Do[MoveCopyResult](ctx, r, dir, MoveCopyMessages{From: first.FolderID, To: fresh.FolderID, IDs: []uint64{first.MessageID}, Copy: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NewIDs) != 1 || len(res.UIDs) != 1 {
		t.Fatalf("COPY answered %+v", res)
	}
	if uid := indexUID(t, r, dir, fresh.FolderID, res.NewIDs[0]); res.UIDs[0] != fresh.UID+1 || uid != res.UIDs[0] {
		t.Errorf("COPY answered UIDs %v; the index has %d, want %d", res.UIDs, uid, fresh.UID+1)
	}
}

// indexUID is the UID the IMAP index of folder fid gives message mid, as
// SELECT sees it (IMAPView); 0 when it holds none.
func indexUID(t *testing.T, r *Registry, dir string, fid, mid uint64) uint32 {
	t.Helper()
	v, err := Do[IMAPViewData](tctx(t), r, dir, IMAPView{FolderID: fid})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range v.MessageIDs {
		if m == mid {
			return v.UIDs[i]
		}
	}
	return 0
}
