package mailbox

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// Fixture folders (upstream-3.10/fixture-store).
const (
	fxProjects   = 0x1d0000
	fxAlpha      = 0x1e0000
	fxQ1         = 0x1f0000
	fxArchiv     = 0x200000
	fxUeberfall  = 0x210000
	fxReports    = 0x230000
	fxInboxCount = 20
)

// mbopStore copies a fixture store and starts a registry for it.
func mbopStore(t *testing.T, name string) (*Registry, string) {
	t.Helper()
	dir := copyFixture(t, name)
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	return r, dir
}

// runMbop runs one mbop command line and returns its output.
func runMbop(t *testing.T, r *Registry, dir string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := RunMbop(tctx(t), r, dir, args, &out)
	return out.String(), err
}

// mustMbop is runMbop that fails the test on an error.
func mustMbop(t *testing.T, r *Registry, dir string, args ...string) string {
	t.Helper()
	out, err := runMbop(t, r, dir, args...)
	if err != nil {
		t.Fatalf("mbop %v: %v\n%s", args, err, out)
	}
	return out
}

// inStore runs fn in the store's actor and returns its result.
func inStore[T any](t *testing.T, r *Registry, dir string, fn func(tx *Tx) (T, error)) T {
	t.Helper()
	v, err := Do[T](tctx(t), r, dir, WriteFunc(func(tx *Tx) (any, error) { return fn(tx) }))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func countRows(t *testing.T, r *Registry, dir, q string, args ...any) int64 {
	t.Helper()
	return inStore(t, r, dir, func(tx *Tx) (int64, error) { return tx.queryInt(q, args...) })
}

func TestMbopFolderSpec(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	// Two siblings whose names differ in the case of non-ASCII letters
	// only (ASCII case variants cannot be made: upstream refuses them).
	damageStore(t, dir, fmt.Sprintf("UPDATE folder_properties SET propval='ÜBERFÄLLIG' WHERE folder_id=%d AND proptag=%d", fxReports, int64(mapi.PrDisplayName)),
		fmt.Sprintf("UPDATE folders SET parent_id=%d WHERE folder_id=%d", fxArchiv, fxReports))
	for _, c := range []struct {
		spec string
		want uint64
		err  error
	}{
		{"13", 13, nil},
		{"0xd", 13, nil},
		{"INBOX", 13, nil},
		{"inbox", 13, nil},
		{"Drafts", 14, nil},
		{"DRAFT", 14, nil},
		{"SENT", 10, nil},
		{"TRASH", 11, nil},
		{"WASTEBASKET", 11, nil},
		{"/", 1, nil},
		{"/Top of Information Store/Inbox", 13, nil},
		{"/top of information store//INBOX/", 13, nil},
		{"IPM_SUBTREE/Archiv", fxArchiv, nil},
		{`IPM_SUBTREE\Projects\alpha\q1-2025`, fxQ1, nil},
		{"IPM_SUBTREE/Archiv/überfällig", 0, ErrInvalidParam},
		{"IPM_SUBTREE/日本語メール", 0x220000, nil},
		{"SYNC_ISSUES/Conflicts", 26, nil},
		{"INBOX/nope", 0, ErrNotFound},
		{"NOSUCHNAME", 0, ErrNotFound},
		{"Inbox/Projects", 0, ErrNotFound},
		{"99999", 0, ErrNotFound},
	} {
		got, err := Do[uint64](tctx(t), r, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.FolderBySpec(c.spec) }))
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%q: %v, want %v", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %#x %v, want %#x", c.spec, got, err, c.want)
		}
	}
	// Commands report an unknown folder as a usage error.
	if _, err := runMbop(t, r, dir, "emptyfld", "INBOX/nope"); !errors.Is(err, ErrMbopUsage) {
		t.Fatalf("unknown folder: %v", err)
	}

	pr, pdir := mbopStore(t, "public-store")
	for spec, want := range map[string]uint64{"/": 1, "/IPM_SUBTREE": 2, `\NON_IPM_SUBTREE\EFORMS REGISTRY`: 4, "0x3": 3} {
		got, err := Do[uint64](tctx(t), pr, pdir, ReadFunc(func(tx *Tx) (any, error) { return tx.FolderBySpec(spec) }))
		if err != nil || got != want {
			t.Errorf("public %q: %#x %v, want %#x", spec, got, err, want)
		}
	}
	if _, err := Do[uint64](tctx(t), pr, pdir, ReadFunc(func(tx *Tx) (any, error) { return tx.FolderBySpec("INBOX") })); !errors.Is(err, ErrNotFound) {
		t.Errorf("public INBOX: %v", err)
	}
}

func TestMbopGetopt(t *testing.T) {
	for _, c := range []struct {
		args []string
		opts map[string]string
		pos  []string
		bad  bool
	}{
		{[]string{"-Rt1d", "INBOX"}, map[string]string{"R": "1", "t": "1d"}, []string{"INBOX"}, false},
		{[]string{"INBOX", "-R", "-t", "2h", "SENT"}, map[string]string{"R": "1", "t": "2h"}, []string{"INBOX", "SENT"}, false},
		{[]string{"--soft", "-Ma", "--", "-R"}, map[string]string{"soft": "1", "M": "1", "a": "1"}, []string{"-R"}, false},
		{[]string{"-x"}, nil, nil, true},
		{[]string{"--hard"}, nil, nil, true},
		{[]string{"-t"}, nil, nil, true},
	} {
		opts, pos, err := getopt(c.args, "MRat:", "soft")
		if c.bad {
			if !errors.Is(err, ErrMbopUsage) {
				t.Errorf("%v: %v", c.args, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(opts, c.opts) || !reflect.DeepEqual(pos, c.pos) {
			t.Errorf("%v: %v %v %v", c.args, opts, pos, err)
		}
	}
	for n, want := range map[uint64]string{0: "0", 9999: "9999", 10000: "10k", 2220256: "2220k", 12345678901: "12G"} {
		if got := unitSize(n); got != want {
			t.Errorf("unitSize(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestMbopPingUnload(t *testing.T) {
	dir := copyFixture(t, "fixture-store")
	var closed atomic.Int64
	r, _ := newRegistry(t, Options{Idle: time.Hour, Closed: func(string) { closed.Add(1) }})
	if out := mustMbop(t, r, dir, "ping"); out != "" {
		t.Fatalf("ping printed %q", out)
	}
	if open := r.Open(); len(open) != 1 || open[0] != filepath.Clean(dir) {
		t.Fatalf("open after ping: %v", open)
	}
	mustMbop(t, r, dir, "unload")
	if open := r.Open(); len(open) != 0 || closed.Load() != 1 {
		t.Fatalf("after unload: open %v, closed %d times", open, closed.Load())
	}
	// Unloading a closed store does nothing; the next request opens it.
	mustMbop(t, r, dir, "unload")
	mustMbop(t, r, dir, "ping")
	if open := r.Open(); len(open) != 1 || closed.Load() != 1 {
		t.Fatalf("after ping: open %v, closed %d times", open, closed.Load())
	}
	if out := mustMbop(t, r, dir, "echo-maildir"); out != filepath.Clean(dir)+"\n" {
		t.Fatalf("echo-maildir: %q", out)
	}
	if _, err := runMbop(t, r, dir, "ping", "extra"); !errors.Is(err, ErrMbopUsage) {
		t.Fatalf("ping with an argument: %v", err)
	}
	if _, err := runMbop(t, r, dir, "frobnicate"); !errors.Is(err, ErrMbopUsage) {
		t.Fatalf("unknown command: %v", err)
	}
	if _, err := runMbop(t, r, dir); !errors.Is(err, ErrMbopUsage) {
		t.Fatalf("no command: %v", err)
	}
}

func TestMbopDelmsg(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	size0 := inStore(t, r, dir, func(tx *Tx) (StoreSize, error) { return tx.StoreSize() })
	out := mustMbop(t, r, dir, "delmsg", "-f", "INBOX", "196609", "0x30002")
	if out != "2 message(s) deleted\n" {
		t.Fatalf("delmsg: %q", out)
	}
	if n := countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE message_id IN (196609, 196610)"); n != 0 {
		t.Fatalf("%d messages left", n)
	}
	size1 := inStore(t, r, dir, func(tx *Tx) (StoreSize, error) { return tx.StoreSize() })
	if size1.Total >= size0.Total {
		t.Fatalf("store size %d -> %d", size0.Total, size1.Total)
	}
	// A message of another folder is left alone.
	cal := countRows(t, r, dir, "SELECT MIN(message_id) FROM messages WHERE parent_fid=15")
	out = mustMbop(t, r, dir, "delmsg", "-f", "INBOX", fmt.Sprint(cal))
	if out != "Partial completion\n0 message(s) deleted\n" {
		t.Fatalf("delmsg of another folder's message: %q", out)
	}
	out = mustMbop(t, r, dir, "delmsg", "--soft", "-f", "0xd", "196611")
	if out != "1 message(s) deleted\n" || countRows(t, r, dir, "SELECT is_deleted FROM messages WHERE message_id=196611") != 1 {
		t.Fatalf("soft delmsg: %q", out)
	}
	for _, args := range [][]string{{"delmsg", "196612"}, {"delmsg", "-f", "INBOX", "abc"}, {"delmsg", "-f", "NOPE", "1"}} {
		if _, err := runMbop(t, r, dir, args...); !errors.Is(err, ErrMbopUsage) {
			t.Errorf("%v: %v", args, err)
		}
	}
}

func TestMbopPurgeSoftdelete(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	mustMbop(t, r, dir, "delmsg", "--soft", "-f", "INBOX", "196609", "196610")
	alphaMsg := countRows(t, r, dir, "SELECT MIN(message_id) FROM messages WHERE parent_fid=?", fxAlpha)
	mustMbop(t, r, dir, "delmsg", "--soft", "-f", "IPM_SUBTREE/Projects/Alpha", fmt.Sprint(alphaMsg))
	// Reports & Stats is empty: soft-delete it.
	inStore(t, r, dir, func(tx *Tx) (any, error) { return nil, tx.DeleteFolder(fxReports, false) })
	size0 := inStore(t, r, dir, func(tx *Tx) (StoreSize, error) { return tx.StoreSize() })

	// Just soft-deleted: younger than a day.
	out := mustMbop(t, r, dir, "purge-softdelete", "-t", "1d", "INBOX")
	if out != "purge_softdelete: deleted 0 messages, 0 folders, reclaimed 0B (and 0B FAI)\n" {
		t.Fatalf("purge -t 1d: %q", out)
	}
	out = mustMbop(t, r, dir, "purge-softdelete", "INBOX")
	if !strings.HasPrefix(out, "purge_softdelete: deleted 2 messages, 0 folders, reclaimed ") {
		t.Fatalf("purge INBOX: %q", out)
	}
	if n := countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE message_id IN (196609, 196610)"); n != 0 {
		t.Fatalf("%d soft-deleted messages left", n)
	}
	if n := countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE message_id=?", alphaMsg); n != 1 {
		t.Fatal("a message of another folder was purged")
	}
	// The whole store: the Alpha message and the folder.
	out = mustMbop(t, r, dir, "purge-softdelete", "-r", "/")
	if !strings.HasPrefix(out, "purge_softdelete: deleted 1 messages, 1 folders, ") {
		t.Fatalf("purge -r /: %q", out)
	}
	if countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE message_id=?", alphaMsg) != 0 ||
		countRows(t, r, dir, "SELECT COUNT(*) FROM folders WHERE folder_id=?", fxReports) != 0 {
		t.Fatal("not purged")
	}
	if n := countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE is_deleted=1"); n != 0 {
		t.Fatalf("%d soft-deleted messages left", n)
	}
	size1 := inStore(t, r, dir, func(tx *Tx) (StoreSize, error) { return tx.StoreSize() })
	want := countRows(t, r, dir, "SELECT SUM(message_size) FROM messages WHERE parent_fid IS NOT NULL")
	if size1.Total != want || size1.Total >= size0.Total {
		t.Fatalf("store size %d -> %d, messages sum to %d", size0.Total, size1.Total, want)
	}
	if out := mustMbop(t, r, dir, "purge-softdelete"); !strings.Contains(out, "No folders specified") {
		t.Fatalf("no folders: %q", out)
	}
	if _, err := runMbop(t, r, dir, "purge-softdelete", "-t", "soon", "INBOX"); !errors.Is(err, ErrMbopUsage) {
		t.Fatalf("bad timespec: %v", err)
	}
}

// setLMT sets the last modification time of messages.
func setLMT(t *testing.T, r *Registry, dir string, when time.Time, where string) {
	t.Helper()
	inStore(t, r, dir, func(tx *Tx) (any, error) {
		_, err := tx.Exec("UPDATE message_properties SET propval=? WHERE proptag=? AND message_id IN (SELECT message_id FROM messages WHERE "+where+")",
			int64(mapi.FileTimeOf(when)), int64(mapi.PrLastModificationTime))
		return nil, err
	})
}

func TestMbopEmptyfld(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	out := mustMbop(t, r, dir, "emptyfld", "CALENDAR")
	if out != "Folder CALENDAR: deleted 2 message(s), deleted 0 subfolder(s) plus messages\n" {
		t.Fatalf("emptyfld CALENDAR: %q", out)
	}
	if countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE parent_fid=15") != 0 {
		t.Fatal("calendar not emptied")
	}
	// -M without -a: nothing chosen.
	if out := mustMbop(t, r, dir, "emptyfld", "-M", "INBOX"); !strings.Contains(out, "deleted 0 message(s)") {
		t.Fatalf("emptyfld -M: %q", out)
	}
	// Soft: the rows stay, hidden.
	out = mustMbop(t, r, dir, "emptyfld", "--soft", "TASKS")
	if !strings.Contains(out, "deleted 1 message(s)") || countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE parent_fid=18 AND is_deleted=1") != 1 {
		t.Fatalf("emptyfld --soft: %q", out)
	}
	// --nuke-folders removes the subfolders with their messages.
	out = mustMbop(t, r, dir, "emptyfld", "--nuke-folders", "IPM_SUBTREE/Archiv")
	if out != "Folder IPM_SUBTREE/Archiv: deleted 0 message(s), deleted 1 subfolder(s) plus messages\n" ||
		countRows(t, r, dir, "SELECT COUNT(*) FROM folders WHERE folder_id=?", fxUeberfall) != 0 {
		t.Fatalf("--nuke-folders: %q", out)
	}
	// -t: only what is old enough.
	setLMT(t, r, dir, time.Now(), "parent_fid=13")
	setLMT(t, r, dir, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), "message_id=196612")
	out = mustMbop(t, r, dir, "emptyfld", "-t", "30d", "INBOX")
	if out != "Folder 0xd: deleted 1 message(s)\n" || countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE parent_fid=13") != fxInboxCount-1 {
		t.Fatalf("emptyfld -t: %q", out)
	}
	// -R --delempty: subfolders emptied and, being empty, deleted; the
	// folder named stays.
	out = mustMbop(t, r, dir, "emptyfld", "-R", "--delempty", "IPM_SUBTREE/Projects")
	want := fmt.Sprintf("Folder %#x: deleted 1 message(s)\nFolder %#x: deleted 3 message(s)\nFolder %#x: deleted 1 message(s)\n"+
		"Folder %#x: deleted due to --delempty\nFolder %#x: deleted due to --delempty\n", fxProjects, fxAlpha, fxQ1, fxQ1, fxAlpha)
	if out != want {
		t.Fatalf("emptyfld -R --delempty:\n%s\nwant\n%s", out, want)
	}
	if countRows(t, r, dir, "SELECT COUNT(*) FROM folders WHERE folder_id IN (?, ?)", fxAlpha, fxQ1) != 0 ||
		countRows(t, r, dir, "SELECT COUNT(*) FROM folders WHERE folder_id=?", fxProjects) != 1 {
		t.Fatal("--delempty")
	}
	for _, args := range [][]string{{"emptyfld", "--delempty", "INBOX"}, {"emptyfld", "-R", "--nuke-folders", "INBOX"},
		{"emptyfld", "-t", "1d", "--nuke-folders", "INBOX"}, {"emptyfld", "--hard", "INBOX"}} {
		if _, err := runMbop(t, r, dir, args...); !errors.Is(err, ErrMbopUsage) {
			t.Errorf("%v: %v", args, err)
		}
	}
	mustCheckClean(t, checkClosed(t, r, dir))
}

// checkClosed unloads the store and checks it.
func checkClosed(t *testing.T, r *Registry, dir string) *CheckReport {
	t.Helper()
	if err := r.Unload(tctx(t), dir); err != nil {
		t.Fatal(err)
	}
	return mbckRun(t, dir, false)
}

func TestMbopRecalcSizes(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	damageStore(t, dir, fmt.Sprintf("UPDATE store_properties SET propval=5 WHERE proptag IN (%d, %d)", int64(mapi.PrMessageSizeExtended), int64(mapi.PrNormalMessageSizeExtended)),
		fmt.Sprintf("INSERT INTO store_properties VALUES (%d, 77)", int64(prDeletedMessageSizeExtended)))
	out := mustMbop(t, r, dir, "recalc-sizes")
	// The fixture's own accounting (upstream's, message by message) is
	// what a recalculation gives.
	if out != "Old: 5 bytes (5 normal, 0 FAI)\nNew: 2220256 bytes (2220256 normal, 0 FAI)\n" {
		t.Fatalf("recalc-sizes: %q", out)
	}
	if countRows(t, r, dir, "SELECT COUNT(*) FROM store_properties WHERE proptag=?", int64(prDeletedMessageSizeExtended)) != 0 {
		t.Fatal("deleted size kept")
	}
}

func TestMbopPurgeDatafiles(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	old := time.Now().Add(-2 * time.Hour)
	// The fixture's four orphans, made old; a fresh orphan; an old
	// orphaned eml file and a referenced one.
	before, err := walkDataFiles(filepath.Join(dir, "cid"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range before {
		os.Chtimes(f.path, old, old)
	}
	fresh := filepath.Join(dir, "cid", "Y-ab", "fresh")
	os.MkdirAll(filepath.Dir(fresh), 0o755)
	os.WriteFile(fresh, []byte("new"), 0o644)
	oldEml := filepath.Join(dir, "eml", "R-00", "0000000000000000000000000000000")
	os.MkdirAll(filepath.Dir(oldEml), 0o755)
	os.WriteFile(oldEml, []byte("From: x\r\n\r\n"), 0o644)
	os.Chtimes(oldEml, old, old)
	emls, _ := walkDataFiles(filepath.Join(dir, "eml"))
	for _, f := range emls {
		os.Chtimes(f.path, old, old)
	}
	out := mustMbop(t, r, dir, "purge-datafiles")
	if !strings.Contains(out, "cid/: removed 4 files") || !strings.Contains(out, "eml/: removed 1 files") || !strings.Contains(out, "ext/: removed 0 files") {
		t.Fatalf("purge-datafiles: %q", out)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal("a fresh file was removed")
	}
	if _, err := os.Stat(filepath.Dir(oldEml)); !os.IsNotExist(err) {
		t.Fatal("empty eml directory kept")
	}
	after, _ := walkDataFiles(filepath.Join(dir, "cid"))
	if len(after) != len(before)-4+1 {
		t.Fatalf("%d cid files, want %d", len(after), len(before)-3)
	}
	os.Remove(fresh)
	rep := checkClosed(t, r, dir)
	mustCheckClean(t, rep)
	if len(rep.Find("content")) != 0 {
		t.Fatalf("garbage left:\n%s", mbckText(rep))
	}
	// Every message can still be read in full.
	for _, mid := range inStore(t, r, dir, func(tx *Tx) ([]uint64, error) {
		return tx.ids("SELECT message_id FROM messages WHERE parent_fid IS NOT NULL")
	}) {
		inStore(t, r, dir, func(tx *Tx) (*MessageContent, error) { return tx.ReadMessage(mid) })
	}
}

func TestMbopSetLocale(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	name := func(fid uint64) string {
		return inStore(t, r, dir, func(tx *Tx) (string, error) {
			p, err := tx.FolderProps(fid, []mapi.PropTag{mapi.PrDisplayName})
			return p.String(mapi.PrDisplayName), err
		})
	}
	cn0 := countRows(t, r, dir, "SELECT change_number FROM folders WHERE folder_id=13")
	journalCN0 := countRows(t, r, dir, "SELECT change_number FROM folders WHERE folder_id=16")
	out := mustMbop(t, r, dir, "set-locale", "-v", "-l", "de_DE.UTF-8")
	// As upstream: every built-in folder German has a name for, the root
	// ("Stamm") included; Journal is Journal in German too.
	if !strings.Contains(out, "[0x0d] Inbox -> Posteingang\n") || !strings.Contains(out, "[0x01] Root Container -> Stamm\n") ||
		strings.Contains(out, "[0x10]") {
		t.Fatalf("set-locale -v:\n%s", out)
	}
	if name(13) != "Posteingang" || name(9) != "Oberste Ebene des Informationsspeichers" || name(1) != "Stamm" || name(fxProjects) != "Projects" {
		t.Fatalf("names: %q %q %q", name(13), name(9), name(1))
	}
	if countRows(t, r, dir, "SELECT change_number FROM folders WHERE folder_id=13") <= cn0 ||
		countRows(t, r, dir, "SELECT change_number FROM folders WHERE folder_id=16") != journalCN0 {
		t.Fatal("change numbers: renamed folders get a new one, others keep theirs")
	}
	if out := mustMbop(t, r, dir, "set-locale", "-l", "en_US"); out != "" || name(13) != "Inbox" {
		t.Fatalf("back to English: %q %q", out, name(13))
	}
	if out := mustMbop(t, r, dir, "set-locale", "-l", "tlh"); !strings.Contains(out, `No folder name translations for locale "tlh"`) {
		t.Fatalf("unknown locale: %q", out)
	}
	if _, err := runMbop(t, r, dir, "set-locale"); !errors.Is(err, ErrMbopUsage) {
		t.Fatalf("no -l: %v", err)
	}
	mustCheckClean(t, checkClosed(t, r, dir))

	pr, pdir := mbopStore(t, "public-store")
	if _, err := runMbop(t, pr, pdir, "set-locale", "-l", "de"); !errors.Is(err, ErrInvalidParam) {
		t.Fatalf("public store: %v", err)
	}
}

func TestMbopCgkreset(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	damageStore(t, dir, "UPDATE messages SET change_number=(SELECT change_number FROM folders WHERE folder_id=13) WHERE message_id=196609")
	if len(errFindings(mbckRun(t, dir, false), "change_numbers")) != 1 {
		t.Fatal("damage not seen")
	}
	folders := countRows(t, r, dir, "SELECT COUNT(*) FROM folders")
	msgs := countRows(t, r, dir, "SELECT COUNT(*) FROM messages")
	out := mustMbop(t, r, dir, "cgkreset")
	want := fmt.Sprintf("cgkreset: %d folders and %d messages renumbered (change numbers 90..%d); delete the OST files of this mailbox\n", folders, msgs, 89+folders+msgs)
	if out != want {
		t.Fatalf("cgkreset: %q, want %q", out, want)
	}
	guid, ck, pcl, cn := inStore(t, r, dir, func(tx *Tx) (mapi.GUID, error) { return tx.Store().StoreGUID(), nil }), []byte(nil), []byte(nil), int64(0)
	inStore(t, r, dir, func(tx *Tx) (any, error) {
		cn, _ = tx.queryInt("SELECT change_number FROM folders WHERE folder_id=13")
		ck, _ = tx.getPropBytes(folderTable, 13, mapi.PrChangeKey)
		pcl, _ = tx.getPropBytes(folderTable, 13, mapi.PrPredecessorChangeList)
		return nil, nil
	})
	if cn != 90+12 || !bytes.Equal(ck, mapi.ChangeKey(guid, uint64(cn))) || !bytes.Equal(pcl, append([]byte{22}, ck...)) {
		t.Fatalf("Inbox: cn %d, change key %x, PCL %x", cn, ck, pcl)
	}
	if _, ok := mapi.PrivateStoreUserID(guid); !ok {
		t.Fatalf("change keys of GUID %s, not the store's", guid)
	}
	// The embedded message: a new number, no change key.
	embCK := inStore(t, r, dir, func(tx *Tx) ([]byte, error) { return tx.getPropBytes(messageTable, 256, mapi.PrChangeKey) })
	if embCN := countRows(t, r, dir, "SELECT change_number FROM messages WHERE message_id=256"); embCN <= 89 || len(embCK) != 0 {
		t.Fatalf("embedded message: cn %d, change key %x", embCN, embCK)
	}
	mustCheckClean(t, checkClosed(t, r, dir))

	// -Z: from 1, read states included.
	reads := countRows(t, r, dir, "SELECT COUNT(*) FROM messages WHERE read_cn IS NOT NULL")
	out = mustMbop(t, r, dir, "cgkreset", "-Z")
	want = fmt.Sprintf("cgkreset: %d folders and %d messages renumbered (change numbers 1..%d), %d read states; delete the OST files of this mailbox\n",
		folders, msgs, folders+msgs+reads, reads)
	if out != want {
		t.Fatalf("cgkreset -Z: %q, want %q", out, want)
	}
	if last := countRows(t, r, dir, "SELECT config_value FROM configurations WHERE config_id=4"); last != folders+msgs+reads {
		t.Fatalf("LAST_CHANGE_NUMBER %d", last)
	}
	mustCheckClean(t, checkClosed(t, r, dir))
	// The store still reads, and new changes continue the numbering.
	cn2 := inStore(t, r, dir, func(tx *Tx) (uint64, error) { return tx.AllocateCN() })
	if cn2 != uint64(folders+msgs+reads+1) {
		t.Fatalf("next CN %d", cn2)
	}

	// A public store: its read states are in read_cns.
	pr, pdir := mbopStore(t, "public-store")
	if out := mustMbop(t, pr, pdir, "cgkreset", "-Z"); !strings.HasPrefix(out, "cgkreset: 4 folders and 0 messages renumbered (change numbers 1..4)") {
		t.Fatalf("public cgkreset: %q", out)
	}
	mustCheckClean(t, checkClosed(t, pr, pdir))
}

func TestMbopChain(t *testing.T) {
	r, dir := mbopStore(t, "fixture-store")
	out := mustMbop(t, r, dir, "(", "echo-maildir", ")", "(", "(", "ping", ")", "(", "recalc-sizes", ")", ")")
	if !strings.HasPrefix(out, filepath.Clean(dir)+"\nOld: ") || !strings.Contains(out, "New: 2220256 bytes") {
		t.Fatalf("chain: %q", out)
	}
	for _, args := range [][]string{{"(", "ping"}, {"ping", ")"}, {"(", "ping", ")", "echo-maildir"}, {")"}} {
		if _, err := runMbop(t, r, dir, args...); !errors.Is(err, ErrMbopUsage) {
			t.Errorf("%v: %v", args, err)
		}
	}
	// A malformed chain runs nothing.
	if out, err := runMbop(t, r, dir, "(", "echo-maildir", ")", "stray"); !errors.Is(err, ErrMbopUsage) || out != "" {
		t.Fatalf("malformed chain: %q %v", out, err)
	}
	// A failing command ends the chain, unless -c.
	out, err := runMbop(t, r, dir, "(", "delmsg", ")", "(", "echo-maildir", ")")
	if err == nil || strings.Contains(out, dir) {
		t.Fatalf("chain went on after a failure: %q %v", out, err)
	}
	out, err = runMbop(t, r, dir, "-c", "(", "delmsg", ")", "(", "echo-maildir", ")")
	if err == nil || !strings.Contains(out, filepath.Clean(dir)) || !strings.HasPrefix(err.Error(), "delmsg: ") {
		t.Fatalf("-c: %q %v", out, err)
	}
}
