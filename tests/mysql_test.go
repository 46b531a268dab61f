package tests

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// mysqlDatabase creates a fresh database on the MariaDB that
// GROMOX_TEST_MYSQL_DSN names (skipping without one) and returns a config
// directory whose mysql_adaptor.cfg points at it.
func mysqlDatabase(t *testing.T) (confDir string, db *sql.DB) {
	t.Helper()
	dsn := os.Getenv("GROMOX_TEST_MYSQL_DSN")
	if dsn == "" {
		t.Skip("GROMOX_TEST_MYSQL_DSN not set: MariaDB tests skipped (.ci/run sets it)")
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	name := "gromox_e2e_" + hex.EncodeToString(rnd[:])
	if _, err := admin.Exec("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS `" + name + "`")
		admin.Close()
	})
	cfg.DBName = name
	cfg.MultiStatements = false
	db, err = sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	host, port, ok := strings.Cut(cfg.Addr, ":")
	if !ok {
		port = "3306"
	}
	confDir = t.TempDir()
	dataDir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(confDir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gromox.cfg", fmt.Sprintf("data_path = %s\nuser_directory = mysql\nadmin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nimap_listen_tls = \nhttp_listen = 127.0.0.1:0\nhttp_listen_tls = \npop3_listen_tls = \nlda_listen_tls = \nauth_fail_delay = 0\n", dataDir))
	write("mysql_adaptor.cfg", fmt.Sprintf("mysql_host = %s\nmysql_port = %s\nmysql_username = %s\nmysql_password = %s\nmysql_dbname = %s\n",
		host, port, cfg.User, cfg.Passwd, name))
	return confDir, db
}

// gromoxConf runs one command against the installation confDir configures.
func gromoxConf(t *testing.T, confDir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(gromoxBin, append(args, "--config-dir", confDir)...)
	var o, e strings.Builder
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &o, &e
	cmd.Run()
	return o.String(), e.String(), cmd.ProcessState.ExitCode()
}

// TestMySQLDbopAndAdmin: gromox dbop -C creates upstream's schema in an
// empty MariaDB database, and the admin commands and logins work on it.
func TestMySQLDbopAndAdmin(t *testing.T) {
	conf, db := mysqlDatabase(t)
	if _, errOut, code := gromoxConf(t, conf, "", "user", "list"); code == 0 || !strings.Contains(errOut, "schema") {
		t.Fatalf("user list on an empty database: exit %d, %q", code, errOut)
	}
	out, errOut, code := gromoxConf(t, conf, "", "dbop", "-C")
	if code != 0 {
		t.Fatalf("dbop -C: %d %s %s", code, out, errOut)
	}
	var v string
	if err := db.QueryRow("SELECT `value` FROM `options` WHERE `key`='schemaversion'").Scan(&v); err != nil || v != "133" {
		t.Fatalf("schemaversion %q, %v", v, err)
	}
	if out, _, code := gromoxConf(t, conf, "", "dbop", "-U"); code != 0 || !strings.Contains(out, "nothing to do") {
		t.Fatalf("dbop -U on a current schema: %d %q", code, out)
	}
	for _, args := range [][]string{
		{"domain", "add", "example.com"},
		{"user", "add", "carol@example.com", "--password", "pw1", "--name", "Carol"},
		{"alias", "add", "c@example.com", "carol@example.com"},
	} {
		if out, errOut, code := gromoxConf(t, conf, "", args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	if out, _, code := gromoxConf(t, conf, "", "user", "check", "C@EXAMPLE.COM", "--password", "pw1"); code != 0 || !strings.Contains(out, "carol@example.com") {
		t.Fatalf("login by alias on MariaDB: %d %q", code, out)
	}
	var hash string
	db.QueryRow("SELECT password FROM users WHERE username='carol@example.com'").Scan(&hash)
	if !strings.HasPrefix(hash, "$6$") {
		t.Fatalf("password written as %q, want $6$", hash)
	}

	// The server runs on this directory; no first user is made for a
	// configured installation.
	srv := startServer(t, "--config-dir", conf)
	if srv.user != "" || !strings.Contains(strings.Join(srv.stdout, "\n"), "mysql user directory") {
		t.Fatalf("banner: %q", srv.stdout)
	}
	code2, body := httpGet(t, "http://"+srv.admin+"/healthz")
	if code2 != 200 || !strings.Contains(body, `"ok"`) {
		t.Fatalf("healthz: %d %s", code2, body)
	}
	srv.stop(t)
}

// TestMySQLUpstreamDatabase: a user database written by upstream Gromox
// 3.10 works unchanged: its users log in with their upstream passwords.
func TestMySQLUpstreamDatabase(t *testing.T) {
	conf, db := mysqlDatabase(t)
	dump, err := os.ReadFile("../../shared/fixtures/upstream-3.10/userdb.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var stmt strings.Builder
	for i, line := range strings.Split(string(dump), "\n") {
		if i == 0 && strings.HasPrefix(line, "/*M!999999") {
			continue // the mariadb client's sandbox marker, not SQL
		}
		if stmt.Len() == 0 && (strings.TrimSpace(line) == "" || strings.HasPrefix(line, "--")) {
			continue
		}
		stmt.WriteString(line + "\n")
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			if _, err := conn.ExecContext(context.Background(), stmt.String()); err != nil {
				t.Fatalf("loading dump: %v\n%s", err, stmt.String())
			}
			stmt.Reset()
		}
	}
	conn.Close()

	for _, login := range []string{"user1@example.org", "FIXTURE@example.org", "user2@EXAMPLE.org"} {
		out, errOut, code := gromoxConf(t, conf, "secret\n", "user", "check", login)
		if code != 0 {
			t.Fatalf("upstream user %s: %d %s %s", login, code, out, errOut)
		}
	}
	out, _, _ := gromoxConf(t, conf, "", "user", "list")
	for _, want := range []string{"user1@example.org", "Fixture User", "/var/lib/gromox/user/fixture@example.org"} {
		if !strings.Contains(out, want) {
			t.Fatalf("user list lacks %q:\n%s", want, out)
		}
	}
	if _, errOut, code := gromoxConf(t, conf, "not-secret\n", "user", "check", "user1@example.org"); code != 1 || !strings.Contains(errOut, "rejected:") {
		t.Fatalf("wrong password on an upstream user: %d %q", code, errOut)
	}
}
