package mailbox

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

func writeInbox(ctx context.Context, r *Registry, dir string, i int) (uint64, error) {
	return Do[uint64](ctx, r, dir, WriteFunc(func(tx *Tx) (any, error) {
		mid, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, benchMessage(i))
		return mid, err
	}))
}

// writeUnique writes message i with a body of its own (a content file no
// other message shares) and its original, and answers its id; the body
// starts with uniqueBody(i).
func writeUnique(ctx context.Context, r *Registry, dir string, i int) (uint64, error) {
	return Do[uint64](ctx, r, dir, WriteFunc(func(tx *Tx) (any, error) {
		mc := benchMessage(i)
		mc.Props.Set(mapi.PrBody, uniqueBody(i)+strings.Repeat("Lorem ipsum dolor sit amet. ", 40))
		mid, _, _, err := tx.WriteOriginal(mapi.PrivateFIDInbox, mc, []byte(fmt.Sprintf("Subject: %d\r\n\r\n%s\r\n", i, uniqueBody(i))))
		return mid, err
	}))
}

func uniqueBody(i int) string { return fmt.Sprintf("Body of message %d. ", i) }

// TestPowerCutRealStore: a process writing messages into a real store is
// killed, and then every file not yet known durable is removed (what a
// power cut would lose of the page cache). Every acknowledged message is
// whole when the store opens again: body and original.
func TestPowerCutRealStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	acked := map[uint64]bool{}
	for _, line := range killAfter(t, "TestKillNineRealStore", []string{"GROMOX_KILL_STORE=" + dir, "GROMOX_KILL_UNIQUE=1"}, 150) {
		if id, err := strconv.ParseUint(line, 10, 64); err == nil {
			acked[id] = true
		}
	}
	lost := pendingRows(t, dir)
	if len(lost) == 0 {
		t.Fatal("no files waiting to be durable after the kill")
	}
	for _, rel := range lost {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	res, err := r.Do(tctx(t), dir, ReadFunc(func(tx *Tx) (any, error) {
		var bad []string
		for mid := range acked {
			mc, err := tx.ReadMessage(mid)
			if err != nil {
				bad = append(bad, fmt.Sprintf("%d: %v", mid, err))
				continue
			}
			body, _ := mc.Props.Get(mapi.PrBody)
			subject, _ := mc.Props.Get(mapi.PrSubject)
			var i int
			fmt.Sscanf(fmt.Sprint(subject), "Benchmark message %d", &i)
			if s, _ := body.(string); !strings.HasPrefix(s, uniqueBody(i)) {
				bad = append(bad, fmt.Sprintf("%d: body %.40q", mid, body))
				continue
			}
			raw, err := tx.ReadOriginal(mid)
			if err != nil || !bytes.Contains(raw, []byte(uniqueBody(i))) {
				bad = append(bad, fmt.Sprintf("%d: original %q, %v", mid, raw, err))
			}
		}
		return bad, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if bad := res.([]string); len(bad) > 0 {
		t.Fatalf("%d of %d acknowledged messages damaged after the power cut (%d files lost): %s", len(bad), len(acked), len(lost), strings.Join(bad[:min(len(bad), 5)], "; "))
	}
	if err := r.Unload(tctx(t), dir); err != nil {
		t.Fatal(err)
	}
	if rows := pendingRows(t, dir); len(rows) != 0 {
		t.Fatalf("rows after the store was opened and closed: %d", len(rows))
	}
	t.Logf("%d acknowledged messages whole; %d files were lost and written back", len(acked), len(lost))
}

// checkStore verifies a store's invariants after concurrent writes.
func checkStore(t *testing.T, dir string, wantMessages int) {
	t.Helper()
	s := openRaw(t, dir)
	var n, cns, uids, rows int
	var ok string
	s.db.QueryRow("PRAGMA integrity_check").Scan(&ok)
	s.db.QueryRow("SELECT COUNT(*), COUNT(DISTINCT change_number) FROM messages WHERE parent_fid=?", fidInbox).Scan(&n, &cns)
	if ok != "ok" || n != wantMessages || cns != n {
		t.Fatalf("%s: integrity %q, %d messages (want %d), %d distinct change numbers", dir, ok, n, wantMessages, cns)
	}
	var fk int
	s.db.QueryRow("SELECT COUNT(*) FROM pragma_foreign_key_check").Scan(&fk)
	if fk != 0 {
		t.Fatalf("%s: %d foreign key violations", dir, fk)
	}
	midb, err := openDB(filepath.Join(dir, "exmdb", midbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer midb.Close()
	midb.QueryRow("SELECT COUNT(*), COUNT(DISTINCT uid) FROM messages WHERE folder_id=?", fidInbox).Scan(&rows, &uids)
	if rows != n || uids != n {
		t.Fatalf("%s: IMAP index has %d rows, %d UIDs for %d messages", dir, rows, uids, n)
	}
}

// Many callers write to several stores at once through the registry; each
// store ends up consistent: every acknowledged message once, unique change
// numbers, one UID each.
func TestConcurrentWritersOnManyStores(t *testing.T) {
	r, _ := newRegistry(t, Options{Idle: 20 * time.Millisecond})
	var dirs []string
	for i := range 3 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint("u", i))
		if err := CreatePrivate(dir, PrivateParams{UserID: uint32(10 + i), Language: "en"}); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, dir)
	}
	acked := make([]int, len(dirs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 15 {
				d := (w + i) % len(dirs)
				if _, err := writeInbox(tctx(t), r, dirs[d], w*100+i); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				acked[d]++
				mu.Unlock()
				if i%5 == 0 {
					if _, err := r.Do(tctx(t), dirs[d], ReadFunc(func(tx *Tx) (any, error) {
						return tx.FolderProps(mapi.PrivateFIDInbox, []mapi.PropTag{mapi.PrContentCount})
					})); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	ctx := tctx(t)
	for _, d := range dirs {
		if err := r.Unload(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range dirs {
		checkStore(t, d, acked[i])
	}
}

// TestKillNineRealStore kills a process writing messages into a real store
// and checks that every acknowledged message is there, readable, and has a
// UID once the store is opened again.
func TestKillNineRealStore(t *testing.T) {
	if dir := os.Getenv("GROMOX_KILL_STORE"); dir != "" {
		killStoreChild(dir)
		return
	}
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	var acked []uint64
	for _, line := range killAfter(t, "TestKillNineRealStore", []string{"GROMOX_KILL_STORE=" + dir}, 150) {
		if id, err := strconv.ParseUint(line, 10, 64); err == nil {
			acked = append(acked, id)
		}
	}
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	res, err := r.Do(tctx(t), dir, ReadFunc(func(tx *Tx) (any, error) {
		missing := 0
		for _, mid := range acked {
			if _, err := tx.ReadMessage(mid); err != nil {
				missing++
			}
		}
		return missing, nil
	}))
	if err != nil || res.(int) != 0 {
		t.Fatalf("%v of %d acknowledged messages unreadable after kill -9 (%v)", res, len(acked), err)
	}
	if err := r.Unload(tctx(t), dir); err != nil {
		t.Fatal(err)
	}
	s := openRaw(t, dir)
	var n int
	s.db.QueryRow("SELECT COUNT(*) FROM messages WHERE parent_fid=?", fidInbox).Scan(&n)
	s.Close()
	checkStore(t, dir, n)
}

func killStoreChild(dir string) {
	sys := actors.NewSystem(zap.NewNop(), nil)
	r := NewRegistry(sys, zap.NewNop(), Options{})
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	write := writeInbox
	if os.Getenv("GROMOX_KILL_UNIQUE") != "" {
		write = writeUnique
	}
	for g := range 8 {
		go func() {
			for i := 0; ; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				mid, err := write(ctx, r, dir, g*100000+i)
				cancel()
				if err != nil {
					continue
				}
				mu.Lock()
				fmt.Fprintln(w, mid)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	select {}
}

// The original RFC 5322 bytes come back byte for byte, also from a copy of
// the upstream store (which keeps them in eml/).
func TestOriginalBytes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	raw := []byte("From: a@example.org\r\nTo: b@example.org\r\nSubject: bytes\r\n\r\nbody\xff\r\n.\r\n")
	mid, err := Do[uint64](tctx(t), r, dir, WriteFunc(func(tx *Tx) (any, error) {
		mid, _, _, err := tx.WriteOriginal(mapi.PrivateFIDInbox, benchMessage(1), raw)
		if err != nil {
			return nil, err
		}
		got, err := tx.ReadOriginal(mid) // before the commit too
		if err != nil || string(got) != string(raw) {
			return nil, fmt.Errorf("inside the transaction: %q %v", got, err)
		}
		return mid, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Do[[]byte](tctx(t), r, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.ReadOriginal(mid) }))
	if err != nil || string(got) != string(raw) {
		t.Fatalf("after commit: %q %v", got, err)
	}
	fx := copyTree(t, filepath.Join(fixtureDir, "fixture-store"))
	m := loadIMAPManifest(t)
	want := m.Messages[0]
	got, err = Do[[]byte](tctx(t), r, fx, ReadFunc(func(tx *Tx) (any, error) { return tx.ReadOriginal(want.MessageID) }))
	if err != nil || int64(len(got)) != want.Size {
		t.Fatalf("fixture message %d: %d bytes (want %d), %v", want.MessageID, len(got), want.Size, err)
	}
}

// A write through the store actor updates dynamic search folders in the
// same transaction, and their subscribers hear of it.
func TestSearchFolderFollowsWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	sf, err := Do[uint64](ctx, r, dir, WriteFunc(func(tx *Tx) (any, error) {
		fid, err := tx.CreateSearchFolder(mapi.PrivateFIDFinder, "Invoices", nil)
		if err != nil {
			return nil, err
		}
		res := mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase, mapi.PrSubject,
			mapi.PropVal{Tag: mapi.PrSubject, Value: "invoice"})
		return fid, tx.SetSearchCriteria(fid, res, []uint64{mapi.PrivateFIDInbox}, SearchRestart|SearchRecursive)
	}))
	if err != nil {
		t.Fatal(err)
	}
	write := func(subject string) uint64 {
		mid, err := Do[uint64](ctx, r, dir, WriteFunc(func(tx *Tx) (any, error) {
			mc := benchMessage(0)
			mc.Props.Set(mapi.PrSubject, subject)
			mid, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, mc)
			return mid, err
		}))
		if err != nil {
			t.Fatal(err)
		}
		return mid
	}
	hit := write("Invoice 42 for November")
	write("Lunch on Friday")
	got, err := Do[[]uint64](ctx, r, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.SearchResults(sf) }))
	if err != nil || len(got) != 1 || got[0] != hit {
		t.Fatalf("search folder holds %v (%v), want [%d]", got, err, hit)
	}
}

// A hard delete tells the search folder's subscribers that the message left
// it.
func TestHardDeleteUnlinksSearchFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	r, sys := newRegistry(t, Options{Idle: time.Hour})
	ctx := tctx(t)
	var sf, mid uint64
	_, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		var err error
		if sf, err = tx.CreateSearchFolder(mapi.PrivateFIDFinder, "All", nil); err != nil {
			return nil, err
		}
		if err = tx.SetSearchCriteria(sf, mapi.RestrictExist(mapi.PrSubject), []uint64{mapi.PrivateFIDInbox}, SearchRestart); err != nil {
			return nil, err
		}
		mid, _, err = tx.WriteMessage(mapi.PrivateFIDInbox, benchMessage(1))
		return nil, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	col := &collector{}
	sub := sys.Spawn(actors.Props{Kind: "test-session", New: col.actor})
	if _, err := r.Do(ctx, dir, Subscribe{Subscriber: sub, Kinds: EventDeleted, FolderID: sf}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
		_, err := tx.DeleteMessages(mapi.PrivateFIDInbox, []uint64{mid}, true)
		return nil, err
	})); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(col.events()) == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	evs := col.events()
	if len(evs) != 1 || evs[0].FolderID != sf || evs[0].MessageID != mid {
		t.Fatalf("search folder subscriber got %+v", evs)
	}
}

// Writes that arrive while a batch waits for its content files join it:
// concurrent writers, each message with a body of its own (a content file
// to fsync), some writes failing after they wrote, and readers between
// them. Every write answered as done is there and readable, every failed
// one left nothing, and a read after an answered write sees it.
func TestWritesJoinWaitingBatch(t *testing.T) {
	// IMAP index commits slower than the store's: their completions
	// (indexDone) arrive while batches are open.
	dir, r := newPrivateStore(t, Options{Idle: time.Hour, indexDelay: 3 * time.Millisecond})
	ctx := tctx(t)
	count := func() int { return inboxCount(t, r, dir) }
	errFail := errors.New("this write fails after writing")
	var mu sync.Mutex
	var done []uint64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				n := g*1000 + i
				mc := benchMessage(n)
				mc.Props.Set(mapi.PrBody, fmt.Sprintf("a body of its own: %d %s", n, strings.Repeat("x", 500)))
				fail := i%5 == 4
				before := 0
				if i%7 == 0 {
					before = count()
				}
				mid, err := Do[uint64](ctx, r, dir, WriteFunc(func(tx *Tx) (any, error) {
					mid, _, err := tx.WriteMessage(fidInbox, mc)
					if err == nil && fail {
						err = errFail
					}
					return mid, err
				}))
				switch {
				case fail && !errors.Is(err, errFail):
					t.Errorf("failing write: %v", err)
				case !fail && err != nil:
					t.Errorf("write: %v", err)
				case !fail:
					mu.Lock()
					done = append(done, mid)
					mu.Unlock()
					if i%7 == 0 {
						if after := count(); after <= before {
							t.Errorf("a read after an answered write sees %d messages, %d before it", after, before)
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := count(); n != len(done) {
		t.Fatalf("%d messages for %d writes answered as done", n, len(done))
	}
	res, err := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) {
		for _, mid := range done {
			m, err := tx.ReadMessage(mid)
			if err != nil {
				return nil, err
			}
			if body, _ := m.Props.Get(mapi.PrBody); !strings.HasPrefix(fmt.Sprint(body), "a body of its own") {
				return nil, fmt.Errorf("message %#x: body %.40q", mid, body)
			}
		}
		return nil, nil
	}))
	if err != nil {
		t.Fatal(err, res)
	}
}

// newPrivateStore makes a new private store and a registry to reach it.
func newPrivateStore(t *testing.T, opts Options) (string, *Registry) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	r, _ := newRegistry(t, opts)
	return dir, r
}

// inboxCount counts the messages of the store's Inbox (t.Error on a
// failure: it may run in the test's goroutines).
func inboxCount(t *testing.T, r *Registry, dir string) int {
	n, err := Do[int64](tctx(t), r, dir, ReadFunc(func(tx *Tx) (any, error) {
		return tx.queryInt("SELECT COUNT(*) FROM messages WHERE parent_fid=?", int64(mapi.PrivateFIDInbox))
	}))
	if err != nil {
		t.Error(err)
	}
	return int(n)
}
