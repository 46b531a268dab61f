package mailbox

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mapi"
)

// testFolderNames is a folder_names.txt in upstream's format: Polish and
// Japanese (not in the built-in table) and a German section that replaces
// the built-in one. It has the format's corners: a CRLF line, text after a
// section's "]", a non-hex id whose leading hex digit names an id already
// given ("Archive" is 0x0a, which keeps its first name), a duplicate id,
// and malformed lines (a name before any section, a line without "=", an
// unterminated section, a line without a hex id).
const testFolderNames = "orphan=before any section\n" +
	"[pl]\n" +
	"09=Góra magazynu informacji\n" +
	"0a=Elementy wysłane\n" +
	"0b=Elementy usunięte\n" +
	"0c=Skrzynka nadawcza\n" +
	"0d=Skrzynka odbiorcza\r\n" +
	"0d=a second name for the inbox\n" +
	"0e=Kopie robocze\n" +
	"0f=Kalendarz\n" +
	"12=Zadania\n" +
	"13=Kontakty\n" +
	"17=Wiadomości-śmieci\n" +
	"Archive=Archiwum\n" +
	"ff=Polski\n" +
	"\n" +
	"[ja] Japanese\n" +
	"09=情報ストアのトップ\n" +
	"0a=送信済みアイテム\n" +
	"0b=削除済みアイテム\n" +
	"0d=受信トレイ\n" +
	"0e=下書き\n" +
	"0f=予定表\n" +
	"13=連絡先\n" +
	"no equals sign\n" +
	"ff=日本語\n" +
	"\n" +
	"[de\n" +
	"[de]\n" +
	"0d=Posteingang\n" +
	"zz=no hex digit\n"

// useFolderNameFile writes text as the folder_names.txt of a new directory,
// loads it behind an empty directory of the search path, and restores the
// built-in names when the test ends.
func useFolderNameFile(t *testing.T, text string) FolderNamesLoad {
	t.Helper()
	empty, dir := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FolderNameFile), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { currentFolderNames.Store(nil) })
	load, err := LoadFolderLanguages(config.SearchPath{empty, dir})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, FolderNameFile); load.Path != want {
		t.Fatalf("loaded %q, want %q", load.Path, want)
	}
	return load
}

// storeNames returns the display names of a store's folders by id.
func storeNames(t *testing.T, dir string) map[uint64]string {
	t.Helper()
	out := map[uint64]string{}
	for _, r := range queryRows(t, rawDB(t, DBPath(dir)), "SELECT folder_id, propval FROM folder_properties WHERE proptag=?", int64(mapi.PrDisplayName)) {
		var fid uint64
		fmt.Sscan(r[0], &fid)
		out[fid] = r[1]
	}
	return out
}

func TestFolderNameFileCreateAndSetLocale(t *testing.T) {
	load := useFolderNameFile(t, testFolderNames)
	if load.Languages != 3 || load.Skipped != 4 || load.FirstSkip != 1 {
		t.Errorf("load = %+v, want 3 languages, 4 skipped lines from line 1", load)
	}
	if !strings.Contains(load.String(), "4 malformed lines skipped (the first is line 1)") {
		t.Errorf("load.String() = %q", load.String())
	}
	langs := FolderLanguages()
	for _, l := range []string{"pl", "ja", "de", "en", "fr", "nl"} {
		if !slices.Contains(langs, l) {
			t.Errorf("FolderLanguages() = %v, lacks %s", langs, l)
		}
	}
	if got, ok := ResolveFolderLanguage("pl_PL.UTF-8"); !ok || got != "pl" {
		t.Errorf(`ResolveFolderLanguage("pl_PL.UTF-8") = %q, %v`, got, ok)
	}

	// mkprivate for a Polish user.
	dir := filepath.Join(t.TempDir(), "store")
	if err := CreatePrivate(dir, PrivateParams{UserID: 7, Language: "pl_PL.UTF-8"}); err != nil {
		t.Fatal(err)
	}
	names := storeNames(t, dir)
	for fid, want := range map[uint64]string{
		mapi.PrivateFIDInbox:        "Skrzynka odbiorcza", // the first 0d, CR removed
		mapi.PrivateFIDSentItems:    "Elementy wysłane",   // not "Archiwum"
		mapi.PrivateFIDIPMSubtree:   "Góra magazynu informacji",
		mapi.PrivateFIDJunk:         "Wiadomości-śmieci",
		mapi.PrivateFIDRoot:         "Root Container", // not in [pl]: English
		mapi.PrivateFIDNotes:        "Notes",
		mapi.PrivateFIDSyncIssues:   "Sync Issues",
		mapi.PrivateFIDSpoolerQueue: "Spooler Queue",
	} {
		if names[fid] != want {
			t.Errorf("pl folder %#x = %q, want %q", fid, names[fid], want)
		}
	}

	// set-locale to Japanese renames the built-in folders.
	r, _ := newRegistry(t, Options{Idle: time.Hour})
	out := mustMbop(t, r, dir, "set-locale", "-v", "-l", "ja_JP.UTF-8")
	if !strings.Contains(out, "[0x0d] Skrzynka odbiorcza -> 受信トレイ\n") || strings.Contains(out, "[0x11]") {
		t.Errorf("set-locale -v:\n%s", out)
	}
	if err := r.Unload(tctx(t), dir); err != nil {
		t.Fatal(err)
	}
	names = storeNames(t, dir)
	for fid, want := range map[uint64]string{
		mapi.PrivateFIDInbox:      "受信トレイ",
		mapi.PrivateFIDIPMSubtree: "情報ストアのトップ",
		mapi.PrivateFIDCalendar:   "予定表",
		mapi.PrivateFIDJunk:       "Junk Email", // not in [ja]: English
		mapi.PrivateFIDTasks:      "Tasks",
	} {
		if names[fid] != want {
			t.Errorf("ja folder %#x = %q, want %q", fid, names[fid], want)
		}
	}

	// The file's [de] replaces the built-in German names: what it lacks is
	// English, as upstream gives it.
	if got := FolderName("de", mapi.PrivateFIDInbox); got != "Posteingang" {
		t.Errorf("de inbox = %q", got)
	}
	if got := FolderName("de", mapi.PrivateFIDIPMSubtree); got != "Top of Information Store" {
		t.Errorf("de IPM subtree = %q, want the English name ([de] of the file lacks it)", got)
	}
	if got := FolderName("fr", mapi.PrivateFIDInbox); got != "Boîte de réception" {
		t.Errorf("fr inbox = %q, want the built-in name (the file has no [fr])", got)
	}
}

func TestFolderNameFileMissing(t *testing.T) {
	useFolderNameFile(t, "[pl]\n0d=Skrzynka odbiorcza\n")
	if _, ok := ResolveFolderLanguage("pl"); !ok {
		t.Fatal("pl not loaded")
	}
	// A reload that finds no file goes back to the built-in names.
	load, err := LoadFolderLanguages(config.SearchPath{t.TempDir()})
	if !errors.Is(err, fs.ErrNotExist) || load.Path != "" {
		t.Fatalf("LoadFolderLanguages without a file = %+v, %v", load, err)
	}
	if got, want := FolderLanguages(), []string{"de", "en", "es", "fr", "it", "nl"}; !slices.Equal(got, want) {
		t.Errorf("FolderLanguages() = %v, want %v", got, want)
	}
	if _, ok := ResolveFolderLanguage("pl_PL"); ok {
		t.Error("pl still resolves")
	}
	if got := FolderName("pl", mapi.PrivateFIDInbox); got != "Inbox" {
		t.Errorf("pl inbox = %q, want the English fallback", got)
	}
	if got := FolderName("de", mapi.PrivateFIDIPMSubtree); got != "Oberste Ebene des Informationsspeichers" {
		t.Errorf("de IPM subtree = %q, want the built-in name", got)
	}

	// A file without any section is an error, and leaves the built-in names.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FolderNameFile), []byte("0d=Inbox\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFolderLanguages(config.SearchPath{dir}); err == nil || errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no [language] section") {
		t.Errorf("sectionless file: %v", err)
	}
	if got := len(FolderLanguages()); got != 6 {
		t.Errorf("%d languages after a bad file, want the 6 built-in", got)
	}
}

func TestParseFolderNamesIDs(t *testing.T) {
	for key, want := range map[string]uint64{
		"0d": 0x0d, "0D": 0x0d, "  \t0d": 0x0d, "0x0d": 0x0d, "+0d": 0x0d, "ff": 0xff,
		"Archive": 0x0a, "ConversationHistory": 0x0c, "0d junk": 0x0d, "0x": 0,
		"-1": 0xffffffff, "100000000d": 0x0d, "fffffffffffffffff": 0xffffffff,
	} {
		langs, skipped, _ := parseFolderNames([]byte("[x]\n" + key + "=name\n"))
		got, ok := langs["x"][want]
		if skipped != 0 || !ok || got != "name" {
			t.Errorf("id %q: %v skipped %d, want %#x", key, langs["x"], skipped, want)
		}
	}
	for _, key := range []string{"", "zz", "-", "xg", " x"} {
		if _, skipped, _ := parseFolderNames([]byte("[x]\n" + key + "=name\n")); skipped != 1 {
			t.Errorf("id %q: not skipped", key)
		}
	}
	// A NUL ends the line's text; a repeated section adds to the first;
	// a name that is not UTF-8 is skipped.
	langs, skipped, first := parseFolderNames([]byte("[x]\n0d=In\x00box\n[y]\n[x]\n0e=Drafts\n0f=\xff\n"))
	if langs["x"][0x0d] != "In" || langs["x"][0x0e] != "Drafts" || len(langs["y"]) != 0 || skipped != 1 || first != 6 {
		t.Errorf("langs %v, skipped %d from line %d", langs, skipped, first)
	}
}

// upstreamMirror is where a bare clone of upstream's repository may be.
const upstreamMirror = "/work/.mirror/grommunio+gromox/repo"

// TestFolderNameFileUpstream parses upstream's own folder_names.txt, when
// there is one: the file $GROMOX_UPSTREAM_FOLDER_NAMES, else the file of
// gromox-3.10 in a clone at upstreamMirror. It is never copied here.
func TestFolderNameFileUpstream(t *testing.T) {
	var data []byte
	var err error
	if path := os.Getenv("GROMOX_UPSTREAM_FOLDER_NAMES"); path != "" {
		data, err = os.ReadFile(path)
	} else if _, err = os.Stat(upstreamMirror); err == nil {
		data, err = exec.Command("git", "--git-dir="+upstreamMirror, "show", "gromox-3.10:data/"+FolderNameFile).Output()
	}
	if err != nil {
		t.Skipf("no upstream %s: %v", FolderNameFile, err)
	}
	langs, skipped, first := parseFolderNames(data)
	t.Logf("%d languages", len(langs))
	if skipped != 0 {
		t.Errorf("%d lines skipped, the first is line %d", skipped, first)
	}
	if len(langs) < 90 {
		t.Errorf("%d languages, want upstream's 91", len(langs))
	}
	for l, names := range langs {
		for _, fid := range []uint64{mapi.PrivateFIDInbox, mapi.PrivateFIDSentItems, 0xff} {
			if names[fid] == "" {
				t.Errorf("[%s] has no name for %#x", l, fid)
			}
		}
	}
	if langs["en"][mapi.PrivateFIDIPMSubtree] != "Top of Information Store" || langs["en"][0x0a] != "Sent Items" {
		t.Errorf("[en] = %v", langs["en"])
	}
	// The built-in languages are upstream's, name for name.
	for l, names := range folderNameTable {
		if !maps.Equal(names, langs[l]) {
			t.Errorf("built-in [%s] = %v\nupstream's = %v", l, names, langs[l])
		}
	}
}

// FuzzFolderLang checks that any folder_names.txt parses without a panic,
// into valid UTF-8 names without line ends, and that every line is either
// used or counted.
func FuzzFolderLang(f *testing.F) {
	f.Add([]byte(testFolderNames))
	f.Add([]byte("[en]\n0d=Inbox\r\nArchive=Archive\n"))
	f.Add([]byte("[\n]\n=\n[]=\n-0x=\x00\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		langs, skipped, first := parseFolderNames(data)
		if skipped < 0 || (skipped > 0) != (first > 0) || first > strings.Count(string(data), "\n")+1 {
			t.Fatalf("skipped %d, first %d", skipped, first)
		}
		for l, names := range langs {
			if strings.ContainsAny(l, "\n\x00]") {
				t.Fatalf("section %q", l)
			}
			for id, n := range names {
				if id > 0xffffffff || strings.ContainsAny(n, "\n\x00") || strings.HasSuffix(n, "\r") {
					t.Fatalf("[%s] %#x=%q", l, id, n)
				}
			}
		}
	})
}
