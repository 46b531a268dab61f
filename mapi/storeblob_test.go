package mapi

import (
	"bytes"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// blobFixtureDB opens a private copy of an upstream Gromox 3.10
// exchange.sqlite3 ("fixture-store" or "public-store"; see the README
// beside them). The fixture itself is never opened.
func blobFixtureDB(t *testing.T, store string) *sql.DB {
	t.Helper()
	dir := os.Getenv("GROMOX_FIXTURES")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "fixtures", "upstream-3.10")
	}
	in, err := os.Open(filepath.Join(dir, store, "exmdb", "exchange.sqlite3"))
	if err != nil {
		t.Skipf("upstream fixtures not available: %v", err)
	}
	defer in.Close()
	dst := filepath.Join(t.TempDir(), "exchange.sqlite3")
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dst)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestStoreBlobsFromUpstream decodes every value upstream keeps as an
// EXT_PUSH blob (multi-values, PT_CLSID, PT_SVREID, PT_SRESTRICTION,
// PT_ACTIONS) in the fixture stores and re-encodes it byte for byte.
func TestStoreBlobsFromUpstream(t *testing.T) {
	total := 0
	for _, store := range []string{"fixture-store", "public-store"} {
		db := blobFixtureDB(t, store)
		for _, table := range []string{"store_properties", "folder_properties",
			"message_properties", "recipients_properties", "attachment_properties"} {
			rows, err := db.Query(`SELECT proptag, propval FROM ` + table +
				` WHERE (proptag & 0x1000) != 0 OR (proptag & 0xffff) IN (0x48, 0xfb, 0xfd, 0xfe)`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var tag uint32
				var blob []byte
				if err := rows.Scan(&tag, &blob); err != nil {
					t.Fatal(err)
				}
				pt := PropTag(tag).Type()
				v, err := DecodeMV(pt, blob)
				if err != nil {
					t.Errorf("%s %s %s: decode %x: %v", store, table, TagName(PropTag(tag)), blob, err)
					continue
				}
				again, err := EncodeMV(pt, v)
				if err != nil {
					t.Errorf("%s %s %s: encode %#v: %v", store, table, TagName(PropTag(tag)), v, err)
					continue
				}
				if !bytes.Equal(again, blob) {
					t.Errorf("%s %s %s: %x re-encoded as %x", store, table, TagName(PropTag(tag)), blob, again)
				}
				total++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
		}
	}
	// fixture-store has three: PidNameKeywords-like 0x817a101f = [""]
	// on three messages.
	if total == 0 {
		t.Fatal("no blob-valued properties found in the fixtures")
	}
	t.Logf("%d blob values decoded and re-encoded", total)
}

// TestStoreBlobKnownRow pins the one multi-value layout the fixture shows:
// u32 count, then NUL-terminated UTF-8 strings.
func TestStoreBlobKnownRow(t *testing.T) {
	db := blobFixtureDB(t, "fixture-store")
	var blob []byte
	err := db.QueryRow(`SELECT propval FROM message_properties WHERE proptag = ? LIMIT 1`, 0x817a101f).Scan(&blob)
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{1, 0, 0, 0, 0}; !bytes.Equal(blob, want) {
		t.Fatalf("fixture row is %x, want %x", blob, want)
	}
	v, err := DecodeMV(PtMvUnicode, blob)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := v.([]string); !ok || len(s) != 1 || s[0] != "" {
		t.Fatalf("decoded %#v, want []string{\"\"}", v)
	}
}

// TestNamedPropertiesFromUpstream parses every named_properties row of the
// fixture stores and formats it back.
func TestNamedPropertiesFromUpstream(t *testing.T) {
	for _, store := range []string{"fixture-store", "public-store"} {
		db := blobFixtureDB(t, store)
		rows, err := db.Query(`SELECT propid, name_string FROM named_properties ORDER BY propid`)
		if err != nil {
			t.Fatal(err)
		}
		n, upper, names := 0, 0, 0
		for rows.Next() {
			var id int
			var s string
			if err := rows.Scan(&id, &s); err != nil {
				t.Fatal(err)
			}
			n++
			pn, err := ParseStoreName(s)
			if err != nil {
				t.Errorf("%s propid %#x: %v", store, id, err)
				continue
			}
			if pn.Kind == MnidString {
				names++
			}
			got := pn.StoreString()
			if got == s {
				continue
			}
			// Rows seeded from upstream's data/propnames.txt keep that
			// file's spelling; two have an upper-case GUID. The column is
			// COLLATE NOCASE, so they still match what upstream writes.
			guidText := s[len("GUID=") : len("GUID=")+36]
			if strings.EqualFold(got, s) && guidText != strings.ToLower(guidText) &&
				got[len("GUID="):] == strings.ToLower(s[len("GUID="):len("GUID=")+36])+s[len("GUID=")+36:] {
				upper++
				continue
			}
			t.Errorf("%s propid %#x: %q formatted as %q", store, id, s, got)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if n < 700 || names == 0 {
			t.Errorf("%s: %d rows, %d by name; the fixture has 705+ rows", store, n, names)
		}
		if upper != 2 {
			t.Errorf("%s: %d rows with an upper-case GUID, want the 2 of propnames.txt", store, upper)
		}
		t.Logf("%s: %d named properties (%d by name), %d with upper-case GUID text", store, n, names, upper)
	}
}
