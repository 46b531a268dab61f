package mailbox

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// queryRows runs q and returns every row as a string slice (fmt of each column).
func queryRows(t *testing.T, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			switch x := v.(type) {
			case []byte:
				row[i] = fmt.Sprintf("%x", x)
			case nil:
				row[i] = "NULL"
			default:
				row[i] = fmt.Sprint(x)
			}
		}
		out = append(out, row)
	}
	return out
}

func compareQuery(t *testing.T, what string, got, want *sql.DB, q string) {
	t.Helper()
	g, w := queryRows(t, got, q), queryRows(t, want, q)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s differs from upstream:\n got  %v\n want %v", what, g, w)
	}
}

func TestCreatePrivateMatchesUpstream(t *testing.T) {
	fx := rawDB(t, DBPath(copyFixture(t, "fixture-store")))
	dir := filepath.Join(t.TempDir(), "user")
	// The fixture's owner is user id 3, language "en" (userdb.sql).
	if err := CreatePrivate(dir, PrivateParams{UserID: 3, Username: "fixture@example.org", Language: "en"}); err != nil {
		t.Fatal(err)
	}
	for _, sub := range MailboxSubdirs {
		if st, err := os.Stat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
			t.Errorf("directory %s missing: %v", sub, err)
		}
	}
	db := rawDB(t, DBPath(dir))
	var mode string
	db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Errorf("journal_mode %q, want wal", mode)
	}

	// The built-in folders: ids, parents, search flag, names, classes,
	// hidden flags and article numbers are what mkprivate gave them (the
	// fixture's folders created later are left out, as are values the
	// fixture's use has since changed: change numbers and message ranges).
	builtin := "folder_id <= 29"
	compareQuery(t, "folders", db, fx, "SELECT folder_id, parent_id, is_search, is_deleted FROM folders WHERE "+builtin+" ORDER BY folder_id")
	for _, tag := range []uint32{0x3001001f, 0x3613001f, 0x10f4000b, 0x0e230003, 0x3004001f, 0x66410003} {
		compareQuery(t, fmt.Sprintf("folder property %08x", tag), db, fx,
			fmt.Sprintf("SELECT folder_id, typeof(propval), propval FROM folder_properties WHERE proptag=%d AND %s ORDER BY folder_id", tag, builtin))
	}
	// Properties every built-in folder got, by tag and SQL type.
	compareQuery(t, "folder property set", db, fx,
		"SELECT folder_id, proptag, typeof(propval) FROM folder_properties WHERE "+builtin+
			" AND proptag NOT IN (0x67510003, 0x663e0003) ORDER BY folder_id, proptag")
	// The change keys of folders the fixture has not changed since: the
	// XID of the owner's database GUID and the folder's creation CN.
	compareQuery(t, "change keys", db, fx,
		"SELECT f.folder_id, f.change_number, k.propval, p.propval FROM folders f JOIN folder_properties k ON k.folder_id=f.folder_id AND k.proptag=0x65e20102 "+
			"JOIN folder_properties p ON p.folder_id=f.folder_id AND p.proptag=0x65e30102 WHERE f.folder_id IN (1,3,4,5,6,7,8,10,12,14,16,17,20,21,22,26,27,28) ORDER BY 1")
	// The message-id blocks reserved at creation (fixture rows of its first second).
	compareQuery(t, "allocated_eids", db, fx,
		"SELECT range_begin, range_end, is_system FROM allocated_eids WHERE allocate_time=(SELECT MIN(allocate_time) FROM allocated_eids) ORDER BY rowid")
	compareQuery(t, "configuration keys", db, fx, "SELECT config_id, typeof(config_value) FROM configurations ORDER BY config_id")
	compareQuery(t, "constant configurations", db, fx, "SELECT config_id, config_value FROM configurations WHERE config_id IN (3,6,7,8,9,10) ORDER BY config_id")
	compareQuery(t, "named properties", db, fx, "SELECT propid, name_string FROM named_properties WHERE propid < 0x8001+706 ORDER BY propid")
	compareQuery(t, "receive_table", db, fx, "SELECT class, folder_id FROM receive_table ORDER BY class")
	compareQuery(t, "permissions", db, fx, "SELECT member_id, folder_id, username, permission FROM permissions ORDER BY member_id")
	compareQuery(t, "store property tags", db, fx, "SELECT proptag, typeof(propval) FROM store_properties ORDER BY rowid")
	compareQuery(t, "replguidmap sequence", db, fx, "SELECT name, seq FROM sqlite_sequence WHERE name='replguidmap'")

	var curEID, lastCN, lastArt int64
	db.QueryRow("SELECT config_value FROM configurations WHERE config_id=2").Scan(&curEID)
	db.QueryRow("SELECT config_value FROM configurations WHERE config_id=4").Scan(&lastCN)
	db.QueryRow("SELECT config_value FROM configurations WHERE config_id=5").Scan(&lastArt)
	if curEID != 0x100 || lastCN != 29 || lastArt != 29 {
		t.Errorf("CURRENT_EID %#x, LAST_CHANGE_NUMBER %d, LAST_ARTICLE_NUMBER %d; want 0x100, 29, 29", curEID, lastCN, lastArt)
	}
	// Random GUIDs differ from store to store.
	var g1, g2 string
	db.QueryRow("SELECT config_value FROM configurations WHERE config_id=1").Scan(&g1)
	fx.QueryRow("SELECT config_value FROM configurations WHERE config_id=1").Scan(&g2)
	if g1 == g2 || len(g1) != 36 {
		t.Errorf("MAILBOX_GUID %q (upstream's %q)", g1, g2)
	}

	// An existing store is not overwritten without Force.
	err := CreatePrivate(dir, PrivateParams{UserID: 3, Language: "en"})
	if !errors.Is(err, ErrStoreExists) {
		t.Errorf("second CreatePrivate: %v, want ErrStoreExists", err)
	}
	if err := CreatePrivate(dir, PrivateParams{UserID: 3, Language: "de", Force: true}); err != nil {
		t.Errorf("CreatePrivate with Force: %v", err)
	}
	if err := CreateMidb(dir, false); err != nil {
		t.Fatal(err)
	}
	if err := CreateMidb(dir, false); !errors.Is(err, ErrStoreExists) {
		t.Errorf("second CreateMidb: %v", err)
	}
}

func TestCreatePublicMatchesUpstream(t *testing.T) {
	fx := rawDB(t, DBPath(copyFixture(t, "public-store")))
	dir := filepath.Join(t.TempDir(), "domain")
	// example.org is domain id 1 (userdb.sql).
	if err := CreatePublic(dir, PublicParams{DomainID: 1, Domain: "example.org"}); err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, DBPath(dir))
	// Nothing was added to the fixture's public store after mkpublic: all
	// but times and random GUIDs must be equal.
	compareQuery(t, "folders", db, fx, "SELECT * FROM folders ORDER BY folder_id")
	compareQuery(t, "folder_properties", db, fx,
		"SELECT folder_id, proptag, typeof(propval), CASE WHEN proptag & 0xffff = 0x40 THEN 'time' ELSE propval END FROM folder_properties ORDER BY rowid")
	compareQuery(t, "allocated_eids", db, fx, "SELECT range_begin, range_end, is_system FROM allocated_eids ORDER BY rowid")
	compareQuery(t, "configurations", db, fx, "SELECT config_id, typeof(config_value), CASE WHEN config_id IN (1, 11) THEN 'guid' ELSE config_value END FROM configurations ORDER BY config_id")
	compareQuery(t, "named_properties", db, fx, "SELECT * FROM named_properties ORDER BY propid")
	compareQuery(t, "store_properties", db, fx, "SELECT proptag, CASE WHEN proptag=0x30070040 THEN 'time' ELSE propval END FROM store_properties ORDER BY rowid")
	compareQuery(t, "permissions", db, fx, "SELECT * FROM permissions")
	compareQuery(t, "sqlite_sequence", db, fx, "SELECT * FROM sqlite_sequence ORDER BY name")
}

// TestCreatePrivateLanguages makes a store in every language of the folder
// name table: each gets that language's folder names (English where the
// language has none), and every language but English names some folder
// differently.
func TestCreatePrivateLanguages(t *testing.T) {
	langs := FolderLanguages()
	if len(langs) < 6 {
		t.Fatalf("only %d folder-name languages", len(langs))
	}
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "store")
			if err := CreatePrivate(dir, PrivateParams{UserID: 7, Language: lang}); err != nil {
				t.Fatal(err)
			}
			db := rawDB(t, DBPath(dir))
			differ := 0
			for _, r := range queryRows(t, db, "SELECT folder_id, propval FROM folder_properties WHERE proptag=0x3001001f") {
				var fid uint64
				fmt.Sscan(r[0], &fid)
				if want := FolderName(lang, fid); r[1] != want {
					t.Errorf("folder %#x is %q, want %q", fid, r[1], want)
				}
				if r[1] != FolderName("en", fid) {
					differ++
				}
			}
			if lang != "en" && differ == 0 {
				t.Errorf("every folder has its English name")
			}
		})
	}
	for lang, name := range map[string]string{"en": "Inbox", "de": "Posteingang", "fr": "Boîte de réception", "nl": "Postvak IN"} {
		if got := FolderName(lang, mapi.PrivateFIDInbox); got != name {
			t.Errorf("%s inbox %q, want %q", lang, got, name)
		}
	}
}

func TestResolveFolderLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"en": "en", "de": "de", "de_DE": "de", "de_DE.UTF-8": "de", "fr_CH@euro": "fr",
		"nl_BE.ISO-8859-1": "nl", "es_ES.UTF-8@variant": "es", "xx": "", "": "",
	} {
		got, _ := ResolveFolderLanguage(in)
		if got != want {
			t.Errorf("ResolveFolderLanguage(%q) = %q, want %q", in, got, want)
		}
	}
	// Every language resolves to itself, and a missing name falls back to English.
	langs := FolderLanguages()
	sort.Strings(langs)
	for _, l := range langs {
		if got, ok := ResolveFolderLanguage(l); !ok || got != l {
			t.Errorf("ResolveFolderLanguage(%q) = %q", l, got)
		}
	}
	if got := FolderName("af", mapi.PrivateFIDInbox); got != "Inbox" {
		t.Errorf("af inbox = %q, want the English fallback", got)
	}
	// Upstream's German names the root too; its Spanish does not.
	if got := FolderName("de", mapi.PrivateFIDRoot); got != "Stamm" {
		t.Errorf("de root = %q, want upstream's Stamm", got)
	}
	if got := FolderName("es", mapi.PrivateFIDRoot); got != "Root Container" {
		t.Errorf("es root = %q, want the English fallback", got)
	}
}
