package mailbox

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

type masterRow struct{ Type, Name, Table, SQL string }

// sqliteMaster lists sqlite_master in creation order, with the SQL text's
// whitespace normalised (runs of blanks become one space).
func sqliteMaster(t *testing.T, path string) []masterRow {
	t.Helper()
	db := rawDB(t, path)
	rows, err := db.Query("SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master ORDER BY rowid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []masterRow
	for rows.Next() {
		var r masterRow
		if err := rows.Scan(&r.Type, &r.Name, &r.Table, &r.SQL); err != nil {
			t.Fatal(err)
		}
		r.SQL = strings.Join(strings.Fields(r.SQL), " ")
		out = append(out, r)
	}
	return out
}

func TestSchemaMatchesUpstream(t *testing.T) {
	root := fixtureRoot(t)
	for _, tc := range []struct {
		kind    schemaKind
		fixture string
	}{
		{schemaPrivate, "fixture-store/exmdb/exchange.sqlite3"},
		{schemaPublic, "public-store/exmdb/exchange.sqlite3"},
		{schemaMidb, "fixture-store/exmdb/midb.sqlite3"},
	} {
		t.Run(tc.kind.String(), func(t *testing.T) {
			fx := filepath.Join(t.TempDir(), "fixture.sqlite3")
			copyFile(t, filepath.Join(root, tc.fixture), fx)
			want := sqliteMaster(t, fx)

			ours := filepath.Join(t.TempDir(), "ours.sqlite3")
			db := rawDB(t, ours)
			if err := createSchema(context.Background(), db, tc.kind); err != nil {
				t.Fatal(err)
			}
			got := sqliteMaster(t, ours)
			if len(got) != len(want) {
				t.Errorf("%d sqlite_master rows, upstream has %d", len(got), len(want))
			}
			for i := 0; i < len(got) && i < len(want); i++ {
				if got[i] != want[i] {
					t.Errorf("row %d:\n got  %+v\n want %+v", i, got[i], want[i])
				}
			}
			var v int
			if err := db.QueryRow("SELECT config_value FROM configurations WHERE config_id=10").Scan(&v); err != nil || v != tc.kind.version() {
				t.Errorf("schema version %d (%v), want %d", v, err, tc.kind.version())
			}
			if tc.kind != schemaMidb {
				var seq int
				if err := db.QueryRow("SELECT seq FROM sqlite_sequence WHERE name='replguidmap'").Scan(&seq); err != nil || seq != 5 {
					t.Errorf("replguidmap sequence %d (%v), want 5", seq, err)
				}
			}
		})
	}
}
