package directory

// Shared test helpers: run a test against each backend, fresh databases,
// the upstream fixture dump. Other test files of the package (auth, cache)
// use forEachBackend too.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// mysqlDSNEnv names the environment variable with a MariaDB/MySQL DSN
// without a database name (e.g. "gromox:gromox@tcp(127.0.0.1:3306)/"),
// whose user may create and drop databases. .ci/mariadb.sh prints one.
const mysqlDSNEnv = "GROMOX_TEST_MYSQL_DSN"

// upstreamDump is the mysqldump of a schema-133 database written by
// upstream Gromox 3.10 (users user1@, user2@, fixture@example.org, password
// "secret"), in the shared fixtures beside the checkout.
var upstreamDump = filepath.Join("..", "..", "shared", "fixtures", "upstream-3.10", "userdb.sql")

// forEachBackend runs fn as a subtest against a fresh, empty schema-133
// directory on each backend: "sqlite" (a file in a temporary directory)
// always, and "mysql" (a database with a random name, dropped afterwards)
// when GROMOX_TEST_MYSQL_DSN is set; otherwise that half is skipped.
func forEachBackend(t *testing.T, fn func(t *testing.T, db *DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, newSQLiteTestDB(t))
	})
	t.Run("mysql", func(t *testing.T) {
		fn(t, newMySQLTestDB(t))
	})
}

// newSQLiteTestDB opens a new SQLite directory in t's temporary directory.
func newSQLiteTestDB(t testing.TB) *DB {
	t.Helper()
	db, err := OpenSQLite(filepath.Join(t.TempDir(), "directory.sqlite3"))
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newMySQLTestDB creates a fresh database with the current schema, or skips
// the test when no MariaDB is configured.
func newMySQLTestDB(t testing.TB) *DB {
	t.Helper()
	dsn := newMySQLDatabase(t)
	tool, err := OpenMySQLUnchecked(dsn)
	if err != nil {
		t.Fatalf("OpenMySQLUnchecked: %v", err)
	}
	err = tool.CreateSchema(context.Background())
	tool.Close()
	if err != nil {
		t.Fatalf("CreateSchema: %v", err)
	}
	// Open as the server does.
	db, err := OpenMySQL(dsn)
	if err != nil {
		t.Fatalf("OpenMySQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newMySQLDatabase creates an empty database with a random name, dropped
// when the test ends, and returns a DSN naming it. It skips the test when
// GROMOX_TEST_MYSQL_DSN is not set.
func newMySQLDatabase(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(mysqlDSNEnv)
	if dsn == "" {
		t.Skipf("%s is not set: skipping the MariaDB half (run .ci/mariadb.sh as root and export the DSN it prints)", mysqlDSNEnv)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("%s: %v", mysqlDSNEnv, err)
	}
	var raw [6]byte
	rand.Read(raw[:])
	name := "gxtest_" + hex.EncodeToString(raw[:])
	admin, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", mysqlDSNEnv, err)
	}
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE IF EXISTS `" + name + "`"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
		admin.Close()
	})
	cfg.DBName = name
	return cfg.FormatDSN()
}

// dumpStatements splits a mysqldump file into statements: the sandbox-mode
// first line and comment lines are dropped, a statement ends with a line
// ending in ";". (The dump writes one row per INSERT, one per line.)
func dumpStatements(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var cur strings.Builder
	for i, line := range strings.Split(string(raw), "\n") {
		if i == 0 && strings.HasPrefix(line, "/*M!999999") {
			continue // "enable the sandbox mode": the mariadb client's, not SQL
		}
		if cur.Len() == 0 && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "--")) {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		t.Fatalf("%s: unterminated statement at the end", path)
	}
	return out
}

// loadDumpMySQL loads a mysqldump into the database dsn names, on one
// connection (the dump's SET statements are per session).
func loadDumpMySQL(t *testing.T, dsn, path string) {
	t.Helper()
	sdb, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	ctx := context.Background()
	conn, err := sdb.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range dumpStatements(t, path) {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			t.Fatalf("loading %s: %q: %v", path, s, err)
		}
	}
}

// loadDumpRowsSQLite inserts the rows of a mysqldump (its INSERT
// statements) into an SQLite directory, replacing rows with the same key
// (the schema version row). The tables have the same columns in the same
// order on both backends, so the rows go in unchanged.
func loadDumpRowsSQLite(t *testing.T, db *DB, path string) {
	t.Helper()
	// The dump inserts in table name order, user_properties before
	// users: check the foreign keys at commit.
	tx, err := db.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec("PRAGMA defer_foreign_keys=ON"); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range dumpStatements(t, path) {
		if !strings.HasPrefix(s, "INSERT INTO `") {
			continue
		}
		if strings.Contains(s, `\`) {
			t.Fatalf("%s: backslash escapes are not translated for SQLite: %q", path, s)
		}
		s = "INSERT OR REPLACE INTO " + strings.TrimPrefix(s, "INSERT INTO ")
		if _, err := tx.Exec(s); err != nil {
			t.Fatalf("loading %s into sqlite: %q: %v", path, s, err)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("%s: no rows", path)
	}
	if err := tx.Commit(); err != nil {
		t.Fatalf("loading %s into sqlite: %v", path, err)
	}
}

// mustExec runs a statement directly on the database, for setting up states
// the admin API refuses to create.
func mustExec(t *testing.T, db *DB, q string, args ...any) {
	t.Helper()
	if _, err := db.db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
