package mailbox

import (
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/gromox-go/gromox/internal/fixtures"
)

// fixtureRoot is where the stores written by upstream Gromox 3.10 live.
// They are read-only: tests copy them with copyFixture before opening.
func fixtureRoot(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("GROMOX_FIXTURES")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "fixtures", "upstream-3.10")
	}
	if _, err := os.Stat(filepath.Join(dir, "fixture-store", "exmdb", "exchange.sqlite3")); err != nil {
		t.Skipf("upstream fixtures not available: %v", err)
	}
	return dir
}

// copyFixture copies one fixture store ("fixture-store" or "public-store")
// into a fresh temporary directory and returns the copy's path. The
// SQLite -wal/-shm side files are left behind: the fixtures were written by
// a cleanly stopped server, their WALs are empty.
func copyFixture(t testing.TB, name string) string {
	t.Helper()
	return fixtures.CopyTree(t, filepath.Join(fixtureRoot(t), name))
}

// rawDB opens an SQLite file of a test store directly (no store logic).
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func copyFile(t testing.TB, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
