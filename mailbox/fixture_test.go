package mailbox

import (
	"database/sql"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	src := filepath.Join(fixtureRoot(t), name)
	dst := filepath.Join(t.TempDir(), name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(p, "-wal") || strings.HasSuffix(p, "-shm") {
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy fixture %s: %v", name, err)
	}
	return dst
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
