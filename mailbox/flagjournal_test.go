package mailbox

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

// plainInboxMessages answers INBOX messages of a store without \Seen,
// \Flagged, \Answered or keywords, in UID order.
func plainInboxMessages(t *testing.T, scan func(func(IMAPMessage) error) error) []IMAPMessage {
	t.Helper()
	var out []IMAPMessage
	if err := scan(func(m IMAPMessage) error {
		if m.Flags&(FlagSeen|FlagFlagged|FlagAnswered|FlagForwarded) == 0 && len(m.Keywords) == 0 {
			out = append(out, m)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) < 3 {
		t.Fatalf("the fixture INBOX has %d plain messages", len(out))
	}
	return out
}

// openPlain opens the store in dir with its IMAP index and answers its
// plain INBOX messages.
func openPlain(t *testing.T, dir string) (*Store, []IMAPMessage) {
	t.Helper()
	s := openIMAPStore(t, dir)
	tx := beginIMAP(t, s)
	defer tx.Rollback()
	return s, plainInboxMessages(t, func(fn func(IMAPMessage) error) error { return tx.IMAPScan(fidInbox, 1, fn) })
}

// journalRecords counts the flag journal's records through a connection
// of its own (the store's actor keeps its own).
func journalRecords(t *testing.T, dir string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "exmdb", midbFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM gx_flag_journal").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A flag change journalled and not yet applied when the server stopped
// (kill -9 after the STORE was answered) is applied to the MAPI state when
// the store opens again, and the IMAP index keeps it.
func TestFlagJournalAppliedAtOpen(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	ctx := context.Background()
	s, plain := openPlain(t, dir)
	mid := plain[0].MessageID
	results, events, err := s.journalIMAPFlags(ctx, []SetIMAPFlagsBatch{{FolderID: fidInbox,
		Changes: []SetIMAPFlags{{MessageID: mid, Add: FlagSeen | FlagFlagged, AddKeywords: []string{"$Work"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	res := results[0]
	if res[0].Flags != plain[0].Flags&^FlagRecent|FlagSeen|FlagFlagged || strings.Join(res[0].Keywords, " ") != "$Work" {
		t.Fatalf("result %+v", res[0])
	}
	if len(events) != 1 || events[0].Kind != EventIMAPFlags || events[0].Flags != res[0].Flags {
		t.Fatalf("events %+v", events)
	}
	// Journalled, not applied: the MAPI state is as it was.
	var readState sql.NullInt64
	if err := s.db.QueryRow("SELECT read_state FROM messages WHERE message_id=?", mid).Scan(&readState); err != nil || readState.Int64 != 0 {
		t.Fatalf("read state %v before the journal is applied (%v)", readState, err)
	}
	if n := journalRecords(t, dir); n != 1 {
		t.Fatalf("%d journal records", n)
	}
	s.Close() // as a crash would leave it: nothing more written

	s = openIMAPStore(t, dir)
	if n := journalRecords(t, dir); n != 0 || s.JournalPending() {
		t.Fatalf("%d journal records after the open", n)
	}
	tx := beginIMAP(t, s)
	v := readVersion(t, tx, mid)
	if !v.read || v.props[mapi.PrFlagStatus] != int32(followupFlagged) {
		t.Errorf("MAPI state after the open: read %v, props %v", v.read, v.props)
	}
	var got IMAPMessage
	tx.IMAPScan(fidInbox, plain[0].UID, func(m IMAPMessage) error {
		if got.UID == 0 {
			got = m
		}
		return nil
	})
	if got.MessageID != mid || got.Flags&(FlagSeen|FlagFlagged) != FlagSeen|FlagFlagged || strings.Join(got.Keywords, " ") != "$Work" {
		t.Errorf("index after the open: %+v", got)
	}
	// The keyword reached Outlook's categories.
	ids, err := tx.NamedPropIDs([]mapi.PropName{keywordsName}, false)
	if err != nil || ids[0] == 0 {
		t.Fatalf("keywords name: %v %v", ids, err)
	}
	p, err := tx.MessageProps(mid, []mapi.PropTag{mapi.NewTag(ids[0], mapi.PtMvUnicode)})
	if err != nil || len(p) != 1 || !slices.Equal(p[0].Value.([]string), []string{"$Work"}) {
		t.Errorf("categories %v (%v)", p, err)
	}
}

// Through the actor: the STORE is answered from the index and announced
// as EventIMAPFlags; whatever reads the MAPI state next finds the change
// applied, and the change reaching the MAPI state is announced again
// marked IMAPAnnounced. A flag set and cleared before the journal is
// applied makes no MAPI change; a journal left alone is applied once the
// STOREs pause.
func TestFlagJournalThroughActor(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, sys := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	var mu sync.Mutex
	var got []Event
	in := sys.NewInbox(func(msg any) {
		if n, ok := msg.(Notification); ok {
			mu.Lock()
			got = append(got, n.Events...)
			mu.Unlock()
		}
	})
	defer in.Close()
	if _, err := r.Do(ctx, dir, Subscribe{Subscriber: in.PID(), Kinds: EventModified | EventIMAPFlags, FolderID: fidInbox}); err != nil {
		t.Fatal(err)
	}
	taken := func() []Event {
		mu.Lock()
		defer mu.Unlock()
		out := got
		got = nil
		return out
	}
	plain := plainInboxMessages(t, func(fn func(IMAPMessage) error) error {
		msgs, err := Do[[]IMAPMessage](ctx, r, dir, IMAPPage{FolderID: fidInbox, FromUID: 1, Limit: 1 << 20})
		for _, m := range msgs {
			fn(m)
		}
		return err
	})
	version := func(mid uint64) msgVersion {
		t.Helper()
		res, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) { return readVersion(t, tx, mid), nil }))
		if err != nil {
			t.Fatal(err)
		}
		return res.(msgVersion)
	}
	store := func(c SetIMAPFlags) IMAPFlagState {
		t.Helper()
		res, err := Do[[]IMAPFlagState](ctx, r, dir, SetIMAPFlagsBatch{FolderID: fidInbox, Changes: []SetIMAPFlags{c}})
		if err != nil || len(res) != 1 {
			t.Fatalf("STORE: %v %v", res, err)
		}
		return res[0]
	}
	a, b, c := plain[0], plain[1], plain[2]
	beforeA, beforeB := version(a.MessageID), version(b.MessageID)

	// a: flagged. The answer and the announcement carry the new flags.
	if st := store(SetIMAPFlags{MessageID: a.MessageID, Add: FlagFlagged}); st.Flags&FlagFlagged == 0 {
		t.Fatalf("STORE answered %+v", st)
	}
	ev := taken()
	if len(ev) != 1 || ev[0].Kind != EventIMAPFlags || ev[0].MessageID != a.MessageID || ev[0].Flags&FlagFlagged == 0 {
		t.Fatalf("at the STORE: %+v", ev)
	}
	// b: flagged and cleared again.
	store(SetIMAPFlags{MessageID: b.MessageID, Add: FlagFlagged})
	store(SetIMAPFlags{MessageID: b.MessageID, Remove: FlagFlagged})
	taken()

	// A MAPI read: everything journalled is in.
	va, vb := version(a.MessageID), version(b.MessageID)
	if va.cn <= beforeA.cn || va.props[mapi.PrFlagStatus] != int32(followupFlagged) {
		t.Errorf("a: change number %d -> %d, props %v", beforeA.cn, va.cn, va.props)
	}
	if vb.cn != beforeB.cn || vb.props[mapi.PrFlagStatus] != nil {
		t.Errorf("b, flagged and cleared: change number %d -> %d, props %v", beforeB.cn, vb.cn, vb.props)
	}
	ev = taken()
	if len(ev) != 1 || ev[0].Kind != EventModified || ev[0].MessageID != a.MessageID || !ev[0].IMAPAnnounced {
		t.Fatalf("when the MAPI state got it: %+v", ev)
	}
	if n := journalRecords(t, dir); n != 0 {
		t.Fatalf("%d journal records after a MAPI read", n)
	}

	// c: nobody asks; the journal is applied once the STOREs pause.
	store(SetIMAPFlags{MessageID: c.MessageID, Add: FlagSeen})
	deadline := time.Now().Add(10 * time.Second)
	for journalRecords(t, dir) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the journal was not applied")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if v := version(c.MessageID); !v.read {
		t.Error("c not read in the MAPI state")
	}
}

// Journal records decode to what was encoded, and no bytes make the
// decoder fail other than with errJournal.
func FuzzJournalRecord(f *testing.F) {
	kw := "$Work Project-X"
	f.Add(appendJournalEntry(appendJournalEntry(nil, 0x30019, journalEntry{mask: FlagSeen, flags: FlagSeen | FlagFlagged}), 1<<47, journalEntry{mask: FlagDeleted, keywords: &kw}))
	f.Add([]byte{0x80})
	f.Add([]byte{1, 0x80, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		type entry struct {
			mid uint64
			e   journalEntry
		}
		var entries []entry
		if err := parseJournalRecord(data, func(mid uint64, e journalEntry) { entries = append(entries, entry{mid, e}) }); err != nil {
			if err != errJournal {
				t.Fatal(err)
			}
			return
		}
		var again []byte
		for _, x := range entries {
			again = appendJournalEntry(again, x.mid, x.e)
		}
		var back []entry
		if err := parseJournalRecord(again, func(mid uint64, e journalEntry) { back = append(back, entry{mid, e}) }); err != nil {
			t.Fatal(err)
		}
		if len(back) != len(entries) {
			t.Fatalf("%d entries, %d after re-encoding", len(entries), len(back))
		}
		for i := range back {
			x, y := entries[i], back[i]
			if x.mid != y.mid || x.e.mask != y.e.mask || x.e.flags != y.e.flags || (x.e.keywords == nil) != (y.e.keywords == nil) ||
				(x.e.keywords != nil && *x.e.keywords != *y.e.keywords) {
				t.Fatalf("entry %d: %+v, re-encoded %+v", i, x, y)
			}
		}
	})
}

// TestKillNineKeepsAcknowledgedFlags: STOREs answered before a kill -9
// are in the IMAP index and, once the store opens again, in the MAPI
// state (the journal is applied at the open).
func TestKillNineKeepsAcknowledgedFlags(t *testing.T) {
	if dir := os.Getenv("GROMOX_FLAGKILL_CHILD"); dir != "" {
		flagKillChild(dir)
		return
	}
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	acked := map[uint64][]string{} // message id: keywords added
	for _, line := range killAfter(t, "TestKillNineKeepsAcknowledgedFlags", []string{"GROMOX_FLAGKILL_CHILD=" + dir}, 200) {
		var mid uint64
		var kw string
		if _, err := fmt.Sscan(line, &mid, &kw); err != nil {
			t.Fatalf("child printed %q", line)
		}
		acked[mid] = append(acked[mid], kw)
	}
	tx := beginIMAP(t, openIMAPStore(t, dir))
	ids, err := tx.NamedPropIDs([]mapi.PropName{keywordsName}, false)
	if err != nil {
		t.Fatal(err)
	}
	index := map[uint64][]string{}
	tx.IMAPScan(fidInbox, 1, func(m IMAPMessage) error { index[m.MessageID] = m.Keywords; return nil })
	for mid, kws := range acked {
		p, err := tx.MessageProps(mid, []mapi.PropTag{mapi.NewTag(ids[0], mapi.PtMvUnicode)})
		if err != nil {
			t.Fatal(err)
		}
		var mapiKW []string
		if len(p) == 1 {
			mapiKW, _ = p[0].Value.([]string)
		}
		for _, kw := range kws {
			if !slices.Contains(index[mid], kw) {
				t.Errorf("message %#x: acknowledged keyword %s not in the index", mid, kw)
			}
			if !slices.Contains(mapiKW, kw) {
				t.Errorf("message %#x: acknowledged keyword %s not in the MAPI state", mid, kw)
			}
		}
	}
}

// flagKillChild adds keywords to the INBOX messages of the store in dir,
// one STORE after the other, forever, and prints each one acknowledged.
func flagKillChild(dir string) {
	sys := actors.NewSystem(zap.NewNop(), nil)
	r := NewRegistry(sys, zap.NewNop(), Options{})
	ctx := context.Background()
	msgs, err := Do[[]IMAPMessage](ctx, r, dir, IMAPPage{FolderID: fidInbox, FromUID: 1, Limit: 1 << 20})
	if err != nil || len(msgs) == 0 {
		fmt.Println("no messages:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		mid := msgs[i%len(msgs)].MessageID
		kw := fmt.Sprintf("k%d", i)
		if _, err := Do[[]IMAPFlagState](ctx, r, dir, SetIMAPFlagsBatch{FolderID: fidInbox,
			Changes: []SetIMAPFlags{{MessageID: mid, AddKeywords: []string{kw}}}}); err != nil {
			continue
		}
		fmt.Fprintln(w, mid, kw)
		w.Flush()
	}
}

// STOREs answered together see each other in order, each on its own
// folder, and the journal keeps the net change of each message.
func TestFlagJournalGroup(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	s, plain := openPlain(t, dir)
	a := plain[0].MessageID
	res, events, err := s.journalIMAPFlags(context.Background(), []SetIMAPFlagsBatch{
		{FolderID: fidInbox, Changes: []SetIMAPFlags{{MessageID: a, Add: FlagFlagged}}},
		{FolderID: fidInbox, Changes: []SetIMAPFlags{{MessageID: a, Add: FlagSeen, Remove: FlagFlagged}}},
		{FolderID: fidInbox + 1, Changes: []SetIMAPFlags{{MessageID: a, Add: FlagDeleted}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res[0][0].Flags&FlagFlagged == 0 || res[1][0].Flags&(FlagSeen|FlagFlagged) != FlagSeen || res[2][0].MessageID != 0 {
		t.Fatalf("results %+v", res)
	}
	if len(events) != 1 || events[0].Flags != res[1][0].Flags {
		t.Fatalf("events %+v", events)
	}
	var data []byte
	if err := s.midb.QueryRow("SELECT data FROM gx_flag_journal").Scan(&data); err != nil {
		t.Fatal(err)
	}
	var entries []journalEntry
	parseJournalRecord(data, func(mid uint64, e journalEntry) { entries = append(entries, e) })
	if len(entries) != 1 || entries[0].mask != FlagSeen || entries[0].flags != res[1][0].Flags {
		t.Fatalf("journal entries %+v", entries)
	}
}

// A STORE that names no message (or only ones gone) changes nothing.
func TestFlagJournalNothing(t *testing.T) {
	s := openIMAPStore(t, copyTree(t, filepath.Join(fixtureDir, "fixture-store")))
	res, events, err := s.journalIMAPFlags(context.Background(), []SetIMAPFlagsBatch{{FolderID: fidInbox}, {FolderID: fidInbox, Changes: []SetIMAPFlags{{MessageID: 1 << 40, Add: FlagSeen}}}})
	if err != nil || len(res) != 2 || len(res[0]) != 0 || res[1][0].MessageID != 0 || len(events) != 0 || s.JournalPending() {
		t.Fatalf("%v %v %v pending %v", res, events, err, s.JournalPending())
	}
}

// Until the index's rows take a STORE's flags, reads of the index see
// them over the rows; what counts flags with SQL (STATUS, the \Deleted
// scan of EXPUNGE) has the rows written first, without the MAPI state.
func TestFlagJournalOverlay(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(t, Options{Idle: time.Hour, journalDelay: time.Hour, journalMaxAge: time.Hour})
	ctx := tctx(t)
	page := func(deleted bool) []IMAPMessage {
		t.Helper()
		msgs, err := Do[[]IMAPMessage](ctx, r, dir, IMAPPage{FolderID: fidInbox, FromUID: 1, Limit: 1 << 20, Deleted: deleted})
		if err != nil {
			t.Fatal(err)
		}
		return msgs
	}
	status := func() IMAPFolderStatus {
		t.Helper()
		st, err := Do[IMAPFolderStatus](ctx, r, dir, GetIMAPFolderStatus{FolderID: fidInbox})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	row := func(mid uint64) (read, deleted int) {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "exmdb", midbFile)+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.QueryRow("SELECT read, deleted FROM messages WHERE message_id=?", mid).Scan(&read, &deleted); err != nil {
			t.Fatal(err)
		}
		return read, deleted
	}
	plain := plainInboxMessages(t, func(fn func(IMAPMessage) error) error {
		for _, m := range page(false) {
			fn(m)
		}
		return nil
	})
	a, b := plain[0], plain[1]
	before := status()
	if _, err := Do[[]IMAPFlagState](ctx, r, dir, SetIMAPFlagsBatch{FolderID: fidInbox, Changes: []SetIMAPFlags{
		{MessageID: a.MessageID, Add: FlagSeen}, {MessageID: b.MessageID, Add: FlagDeleted}}}); err != nil {
		t.Fatal(err)
	}
	if read, _ := row(a.MessageID); read != 0 {
		t.Fatal("the row has the flags already: nothing to test")
	}
	for _, m := range page(false) {
		if (m.MessageID == a.MessageID && m.Flags&FlagSeen == 0) || (m.MessageID == b.MessageID && m.Flags&FlagDeleted == 0) {
			t.Errorf("IMAPPage without the STORE: %+v", m)
		}
	}
	msgs, err := Do[[]IMAPMessage](ctx, r, dir, IMAPLookup{FolderID: fidInbox, UIDs: []uint32{a.UID}})
	if err != nil || len(msgs) != 1 || msgs[0].Flags&FlagSeen == 0 {
		t.Errorf("IMAPLookup without the STORE: %+v %v", msgs, err)
	}
	v, err := Do[IMAPViewData](ctx, r, dir, IMAPView{FolderID: fidInbox})
	if err != nil || v.FirstUnseen == a.UID {
		t.Errorf("IMAPView: first unseen %d, the message just seen (%v)", v.FirstUnseen, err)
	}
	// SQL counts: the rows are written first.
	if st := status(); st.Unseen != before.Unseen-1 || st.Deleted != before.Deleted+1 {
		t.Errorf("STATUS unseen %d -> %d, deleted %d -> %d", before.Unseen, st.Unseen, before.Deleted, st.Deleted)
	}
	if read, _ := row(a.MessageID); read == 0 {
		t.Error("STATUS counted without the row written")
	}
	if del := page(true); len(del) == 0 || !slices.ContainsFunc(del, func(m IMAPMessage) bool { return m.MessageID == b.MessageID }) {
		t.Errorf("\\Deleted scan: %+v", del)
	}
	if n := journalRecords(t, dir); n != 1 {
		t.Errorf("%d journal records: the MAPI state was written for an index read", n)
	}
	// Unloading the store (mbop unload, passivation, shutdown) applies it.
	if err := r.Unload(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if n := journalRecords(t, dir); n != 0 {
		t.Errorf("%d journal records after the store closed", n)
	}
	tx := beginIMAP(t, openRaw(t, dir))
	if v := readVersion(t, tx, a.MessageID); !v.read {
		t.Error("the MAPI state lacks the STORE after the store closed")
	}
}

// The journal is applied in parts, oldest records first, at least one
// record a commit; the records applied are dropped, the others stay.
func TestFlagJournalInParts(t *testing.T) {
	dir := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	ctx := context.Background()
	s, plain := openPlain(t, dir)
	a, b := plain[0].MessageID, plain[1].MessageID
	for _, mid := range []uint64{a, b} {
		if _, _, err := s.journalIMAPFlags(ctx, []SetIMAPFlagsBatch{{FolderID: fidInbox, Changes: []SetIMAPFlags{{MessageID: mid, Add: FlagSeen}}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.writeOverlay(ctx); err != nil {
		t.Fatal(err)
	}
	tx, err := s.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	last, err := tx.applyFlagJournal(1) // one message: the first record only
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := s.dropJournal(ctx, last); err != nil {
		t.Fatal(err)
	}
	if n := journalRecords(t, dir); n != 1 || !s.JournalPending() {
		t.Fatalf("%d records left, want 1", n)
	}
	tx = beginIMAP(t, s)
	if va, vb := readVersion(t, tx, a), readVersion(t, tx, b); !va.read || vb.read {
		t.Errorf("after the first part: a read %v (want true), b read %v (want false)", va.read, vb.read)
	}
}
