package mailbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// pendingRows returns the paths of a store's gx_pending_files rows, read
// through a connection of its own.
func pendingRows(t *testing.T, dir string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+DBPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT path FROM gx_pending_files")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// noPendingRows fails the test when gx_pending_files has rows (after what
// when says).
func noPendingRows(t *testing.T, dir, when string) {
	t.Helper()
	if rows := pendingRows(t, dir); len(rows) != 0 {
		t.Fatalf("rows after %s: %q", when, rows)
	}
}

// writeDeferred writes a message with its original into the Inbox in one
// transaction of s and returns its id.
func writeDeferred(t *testing.T, s *Store, mc *MessageContent, raw []byte) uint64 {
	t.Helper()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mid, _, _, err := tx.WriteOriginal(mapi.PrivateFIDInbox, mc, raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return mid
}

func newDeferredStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 7, Username: "defer@example.org", Language: "en"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// A small file's bytes commit as a gx_pending_files row with the message;
// the file is on disk at once; once the flusher made it durable, the next
// commit deletes the row; a large file is fsynced before the commit
// instead and has no row; closing the store leaves no row.
func TestDeferredFilesRows(t *testing.T) {
	dir := newDeferredStore(t)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("Subject: deferred\r\n\r\nbody\r\n")
	mid := writeDeferred(t, s, benchMessage(1), raw)
	first := pendingRows(t, dir)
	if len(first) < 2 {
		t.Fatalf("rows after the commit: %q, want the original and the body", first)
	}
	for _, rel := range first {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
			t.Fatalf("file of row %s: %v", rel, err)
		}
	}
	tx, _ := s.Begin(context.Background())
	if got, err := tx.ReadOriginal(mid); err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("original: %q, %v", got, err)
	}
	tx.Rollback()

	// The flusher reports the files durable; the next commit (this one
	// with a large attachment, which gets no row) deletes their rows.
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.deferred.mu.Lock()
		n := len(s.deferred.durable)
		s.deferred.mu.Unlock()
		if n == len(first) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the flusher reported %d of %d files durable", n, len(first))
		}
		time.Sleep(5 * time.Millisecond)
	}
	big := make([]byte, deferLimit+1)
	rand.Read(big) // incompressible: the file is larger than deferLimit too
	mc := benchMessage(2)
	mc.Attachments = []Attachment{{Props: Props{
		{Tag: mapi.PrAttachMethod, Value: int32(1)},
		{Tag: mapi.PrAttachLongFilename, Value: "big.bin"},
		{Tag: mapi.PrAttachDataBin, Value: big},
	}}}
	writeDeferred(t, s, mc, []byte("Subject: big\r\n\r\nsee attachment\r\n"))
	second := pendingRows(t, dir)
	for _, rel := range second {
		for _, old := range first {
			if rel == old {
				t.Fatalf("row %s of a durable file was not deleted by the next commit", rel)
			}
		}
	}
	if len(second) == 0 {
		t.Fatal("the second message's small files have no rows")
	}
	bigCID := ContentID(big)
	for _, rel := range second {
		if rel == "cid/"+bigCID {
			t.Fatalf("the large attachment's file has a row")
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "cid", filepath.FromSlash(bigCID))); err != nil {
		t.Fatalf("large attachment file: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	noPendingRows(t, dir, "close")
}

// A power cut after the commit loses files not made durable yet (their
// rows are deleted by a later commit, which never comes): when the store
// opens again they are written back from their rows, byte for byte, and
// the rows deleted.
func TestDeferredFilesAfterPowerCut(t *testing.T) {
	dir := newDeferredStore(t)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("Subject: power cut\r\n\r\nstill here\r\n")
	mid := writeDeferred(t, s, benchMessage(3), raw)
	rels := pendingRows(t, dir)
	want := map[string][]byte{}
	for i, rel := range rels {
		path := filepath.Join(dir, filepath.FromSlash(rel))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		want[rel] = b
		// The cut: one file gone, the other cut short.
		if i%2 == 0 {
			err = os.Remove(path)
		} else {
			err = os.Truncate(path, 3)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// The process ends without closing the store.
	s.db.Close()
	s.db = nil

	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for rel, b := range want {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("%s after the open: %d bytes (%v), want %d", rel, len(got), err, len(b))
		}
	}
	noPendingRows(t, dir, "the open")
	tx, _ := s.Begin(context.Background())
	defer tx.Rollback()
	if got, err := tx.ReadOriginal(mid); err != nil || !bytes.Equal(got, raw) {
		t.Fatalf("original: %q, %v", got, err)
	}
}

// A row naming a path outside the store's cid/ and eml/ (a damaged or
// forged database) writes nothing and is dropped at open.
func TestDeferredFilesBadPaths(t *testing.T) {
	dir := newDeferredStore(t)
	db, err := sql.Open("sqlite", "file:"+DBPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(pendingDDL); err != nil {
		t.Fatal(err)
	}
	bad := []string{"eml/../../escaped", "cid/../escaped", "cid//etc/escaped", "exmdb/exchange.sqlite3", "/tmp/escaped", "eml/R-1\\x", "cid/Y-85", "cid/Y-85/", "eml/R-01/..", "cid/./x"}
	for _, p := range bad {
		if _, err := db.Exec("INSERT INTO gx_pending_files (path, data) VALUES (?, ?)", p, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, p := range []string{filepath.Join(dir, "..", "escaped"), filepath.Join(dir, "escaped"), "/tmp/escaped"} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s was written", p)
		}
	}
	noPendingRows(t, dir, "the open")
}

// Whatever a gx_pending_files row's path says, the file it may write is in
// the store's cid/ or eml/.
func FuzzPendingPath(f *testing.F) {
	for _, s := range []string{"cid/Y-85/96753cb8c81f9b52385d49d253c616", "eml/R-16/0123456789abcdef0123456789abcd16", "eml/../x", "cid/../../x", "cid/12", "eml/a/../../b", "eml/x/./../../y"} {
		f.Add(s)
	}
	const dir = "/store/user"
	f.Fuzz(func(t *testing.T, rel string) {
		path, err := pendingPath(dir, rel)
		if err != nil {
			return
		}
		inside := false
		for _, sub := range []string{"cid", "eml"} {
			r, err := filepath.Rel(filepath.Join(dir, sub), path)
			if err == nil && filepath.IsLocal(r) && strings.Count(r, "/") == 1 {
				inside = true
			}
		}
		if !inside {
			t.Fatalf("%q names %s, not a file in a directory of cid/ or eml/", rel, path)
		}
	})
}

// When a syncfs of the flusher failed, what it was to make durable may be
// lost (a writeback error): closing the store writes the files of the
// rows again before it deletes the rows.
func TestDeferredFilesAfterFlushFailure(t *testing.T) {
	dir := newDeferredStore(t)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	writeDeferred(t, s, benchMessage(4), []byte("Subject: flush failure\r\n\r\nbody\r\n"))
	rels := pendingRows(t, dir)
	if len(rels) == 0 {
		t.Fatal("no rows")
	}
	path := filepath.Join(dir, filepath.FromSlash(rels[0]))
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil { // what the failed writeback lost
		t.Fatal(err)
	}
	s.deferred.flushed(nil, errors.New("syncfs: input/output error"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s after the close: %d bytes (%v), want %d", rels[0], len(got), err, len(want))
	}
	noPendingRows(t, dir, "the close")
}

// mbck of a store a server left with gx_pending_files rows (and a file a
// power cut lost) reports them, not as content lost; its repair writes the
// file back, makes it durable and deletes the rows.
func TestMbckPendingFiles(t *testing.T) {
	dir := newDeferredStore(t)
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	writeDeferred(t, s, benchMessage(5), []byte("Subject: mbck\r\n\r\nbody\r\n"))
	s.db.Close() // the server ends without closing the store
	s.db = nil
	var lost string
	for _, rel := range pendingRows(t, dir) {
		if strings.HasPrefix(rel, "cid/") {
			lost = rel
		}
	}
	if lost == "" {
		t.Fatal("no content file among the rows")
	}
	path := filepath.Join(dir, filepath.FromSlash(lost))
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	find := func(rep *CheckReport, check string) *CheckProblem {
		for i, p := range rep.Problems {
			if p.Check == check {
				return &rep.Problems[i]
			}
		}
		return nil
	}
	rep, err := Check(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	p := find(rep, "pending_files")
	if p == nil || p.Severity != SeverityError || !strings.Contains(p.Detail, lost) {
		t.Fatalf("pending_files finding: %+v (all: %+v)", p, rep.Problems)
	}
	if c := find(rep, "content"); c != nil && c.Severity == SeverityError {
		t.Fatalf("a pending file reported as lost content: %+v", c)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the check without repair wrote the file")
	}
	rep, err = Check(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if p := find(rep, "pending_files"); p == nil || !p.Repaired {
		t.Fatalf("repair: %+v", rep.Problems)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s after the repair: %d bytes (%v), want %d", lost, len(got), err, len(want))
	}
	noPendingRows(t, dir, "the repair")
	rep, err = Check(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if p := find(rep, "pending_files"); p != nil {
		t.Fatalf("after the repair: %+v", p)
	}
}
