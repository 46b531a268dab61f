package directory

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var bg = context.Background()

func mustAddDomain(t testing.TB, db *DB, nd NewDomain) *Domain {
	t.Helper()
	d, err := db.AddDomain(bg, nd)
	if err != nil {
		t.Fatalf("AddDomain(%s): %v", nd.Name, err)
	}
	return d
}

func mustAddUser(t testing.TB, db *DB, nu NewUser) *User {
	t.Helper()
	if nu.Maildir == "" {
		nu.Maildir = "/var/lib/gromox/user/" + nu.Username
	}
	u, err := db.AddUser(bg, nu)
	if err != nil {
		t.Fatalf("AddUser(%s): %v", nu.Username, err)
	}
	return u
}

func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

func TestSchemaCreateAndVersion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		v, err := db.SchemaVersion(bg)
		if err != nil || v != 133 {
			t.Fatalf("SchemaVersion = %d, %v; want 133", v, err)
		}
		if b := db.Backend(); b != t.Name()[strings.LastIndexByte(t.Name(), '/')+1:] {
			t.Errorf("Backend() = %q in subtest %s", b, t.Name())
		}
		wantErr(t, "second CreateSchema", db.CreateSchema(bg), ErrExists)
		from, to, err := db.UpgradeSchema(bg)
		if err != nil || from != 133 || to != 133 {
			t.Errorf("UpgradeSchema on a current schema = %d, %d, %v", from, to, err)
		}
		mustExec(t, db, "UPDATE `options` SET `value`='134' WHERE `key`='schemaversion'")
		if _, _, err := db.UpgradeSchema(bg); !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "134") {
			t.Errorf("UpgradeSchema of a newer schema: %v", err)
		}
	})
}

// dumpColumns reads the column names of every CREATE TABLE of a mysqldump.
func dumpColumns(t *testing.T, path string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	col := regexp.MustCompile("^\\s+`([a-z_]+)` ")
	for _, s := range dumpStatements(t, path) {
		if !strings.HasPrefix(s, "CREATE TABLE `") {
			continue
		}
		lines := strings.Split(s, "\n")
		table := strings.Split(lines[0], "`")[1]
		for _, l := range lines[1:] {
			if m := col.FindStringSubmatch(l); m != nil {
				out[table] = append(out[table], m[1])
			}
		}
	}
	return out
}

// The SQLite tables have the columns of upstream's tables, in the same
// order (rows of a dump insert unchanged).
func TestSQLiteSchemaMatchesUpstreamColumns(t *testing.T) {
	db := newSQLiteTestDB(t)
	want := dumpColumns(t, upstreamDump)
	if len(want) != 25 {
		t.Fatalf("dump has %d tables, want 25", len(want))
	}
	got := map[string][]string{}
	rows, err := db.db.Query("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, tbl := range tables {
		r, err := db.db.Query("SELECT name FROM pragma_table_info(?) ORDER BY cid", tbl)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var c string
			r.Scan(&c)
			got[tbl] = append(got[tbl], c)
		}
		r.Close()
	}
	if !reflect.DeepEqual(got, want) {
		for tbl := range want {
			if !reflect.DeepEqual(got[tbl], want[tbl]) {
				t.Errorf("table %s: sqlite columns %v, upstream %v", tbl, got[tbl], want[tbl])
			}
		}
		for tbl := range got {
			if _, ok := want[tbl]; !ok {
				t.Errorf("sqlite has table %s that upstream has not", tbl)
			}
		}
	}
	// Address columns compare case-insensitively, like ascii_general_ci.
	var n int
	mustExec(t, db, "INSERT INTO `options` (`key`, `value`) VALUES ('CaseTest', 'x')")
	if err := db.db.QueryRow("SELECT COUNT(*) FROM `options` WHERE `key`='casetest'").Scan(&n); err != nil || n != 1 {
		t.Errorf("options.key is not case-insensitive: %d, %v", n, err)
	}
}

// showCreateTables returns SHOW CREATE TABLE of every table of a MySQL
// database, without the AUTO_INCREMENT counter.
func showCreateTables(t *testing.T, db *DB) map[string]string {
	t.Helper()
	rows, err := db.db.Query("SHOW TABLES")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	ai := regexp.MustCompile(` AUTO_INCREMENT=\d+`)
	out := map[string]string{}
	for _, tbl := range tables {
		var name, ddl string
		if err := db.db.QueryRow("SHOW CREATE TABLE `"+tbl+"`").Scan(&name, &ddl); err != nil {
			t.Fatal(err)
		}
		out[tbl] = ai.ReplaceAllString(ddl, "")
	}
	return out
}

func diffTables(t *testing.T, got, want map[string]string) {
	t.Helper()
	for tbl, w := range want {
		if g, ok := got[tbl]; !ok {
			t.Errorf("table %s missing", tbl)
		} else if g != w {
			t.Errorf("table %s differs:\n got: %s\nwant: %s", tbl, g, w)
		}
	}
	for tbl := range got {
		if _, ok := want[tbl]; !ok {
			t.Errorf("extra table %s", tbl)
		}
	}
}

// CreateSchema on MariaDB makes exactly the tables of upstream's dump.
func TestCreateSchemaMatchesUpstream(t *testing.T) {
	fixDSN := newMySQLDatabase(t)
	loadDumpMySQL(t, fixDSN, upstreamDump)
	fix, err := OpenMySQL(fixDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer fix.Close()
	ours := newMySQLTestDB(t)
	want := showCreateTables(t, fix)
	if len(want) != 25 {
		t.Fatalf("fixture has %d tables", len(want))
	}
	diffTables(t, showCreateTables(t, ours), want)
}

// mysqlDowngrades undo each upgrade step, to make databases of older
// schema versions from a current one (test only).
var mysqlDowngrades = []upgradeStep{
	{133, []string{"DROP TABLE `disabled_plugins`"}},
	{132, []string{"ALTER TABLE `associations` DROP INDEX `username`"}},
	{131, []string{"UPDATE `users` SET `altname`=(SELECT MIN(a.`altname`) FROM `altnames` AS a WHERE a.`user_id`=`users`.`id`)"}},
	{130, []string{"DELETE FROM `altnames`"}},
	{129, []string{"DROP TABLE `altnames`"}},
	{128, []string{"ALTER TABLE `associations` ADD UNIQUE KEY `list_id_2` (`list_id`,`username`)"}},
	{127, []string{"ALTER TABLE `associations` DROP PRIMARY KEY"}},
	{126, []string{"ALTER TABLE `associations` MODIFY `list_id` int(10) NOT NULL AFTER `username`"}},
	{125, []string{"ALTER TABLE `associations` ADD COLUMN `id` int(10) unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY FIRST"}},
	{124, []string{"ALTER TABLE `associations` ADD KEY `username` (`username`)"}},
	{123, []string{"ALTER TABLE `associations` ADD KEY `list_id` (`list_id`)"}},
	{122, []string{"ALTER TABLE `mlists` DROP FOREIGN KEY `mlists_ibfk_1`"}},
	{121, []string{"ALTER TABLE `mlists` ADD CONSTRAINT `mlists_ibfk_1` FOREIGN KEY (`listname`) REFERENCES `users` (`username`)"}},
	{120, []string{"ALTER TABLE `classes` DROP FOREIGN KEY `classes_ibfk_2`"}},
	{119, []string{"ALTER TABLE `classes` MODIFY `listname` varchar(128) DEFAULT NULL"}},
	{117, []string{"CREATE TABLE `hierarchy` (`id` int(10) unsigned NOT NULL AUTO_INCREMENT, `class_id` int(10) unsigned NOT NULL," +
		" `child_id` int(10) unsigned NOT NULL, `group_id` int(10) unsigned NOT NULL, PRIMARY KEY (`id`)," +
		" KEY `class_id` (`class_id`), KEY `child_id` (`child_id`), KEY `group_id` (`group_id`)) DEFAULT CHARSET=utf8mb4"}},
	{115, []string{"CREATE TABLE `members` (`id` int(10) unsigned NOT NULL AUTO_INCREMENT," +
		" `username` varchar(320) CHARACTER SET ascii NOT NULL, `class_id` int(10) unsigned NOT NULL, PRIMARY KEY (`id`)," +
		" UNIQUE KEY `class_id_2` (`class_id`,`username`), KEY `username` (`username`), KEY `class_id` (`class_id`)) DEFAULT CHARSET=utf8mb4"}},
	{114, []string{"ALTER TABLE `mlists` DROP FOREIGN KEY `mlists_ibfk_1`"}},
	{112, []string{"ALTER TABLE `users` ADD COLUMN `max_size` int(10) unsigned NOT NULL DEFAULT 0 AFTER `maildir`"}},
	{111, []string{"ALTER TABLE `users` DROP INDEX `altname`"}},
	{110, []string{"ALTER TABLE `users` DROP COLUMN `altname`"}},
	{109, []string{"DROP TABLE `orgparam`"}},
	{107, []string{"ALTER TABLE `servers` MODIFY `id` int(10) unsigned NOT NULL AUTO_INCREMENT"}},
	{106, []string{"ALTER TABLE `servers` DROP INDEX `hostname`"}},
	{105, []string{"ALTER TABLE `domains` DROP COLUMN `homeserver`"}},
	{104, []string{"ALTER TABLE `users` DROP COLUMN `homeserver`"}},
}

func downgradeMySQL(t *testing.T, db *DB, to int) {
	t.Helper()
	for _, s := range mysqlDowngrades {
		if s.version <= to {
			break
		}
		for _, q := range s.stmts {
			mustExec(t, db, q)
		}
	}
	mustExec(t, db, "UPDATE `options` SET `value`=? WHERE `key`='schemaversion'", fmt.Sprint(to))
}

func TestUpgradeSchemaMySQL(t *testing.T) {
	t.Run("from128", func(t *testing.T) {
		// Schema 128 keeps the one altname of an account in users.altname;
		// the upgrade moves it to altnames.
		db := newMySQLTestDB(t)
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		mustAddUser(t, db, NewUser{Username: "alice@example.org", Password: "pw"})
		if err := db.AddAltname(bg, "alice@example.org", "alice"); err != nil {
			t.Fatal(err)
		}
		downgradeMySQL(t, db, 128)
		if err := db.checkReadable(bg); !errors.Is(err, ErrSchema) {
			t.Errorf("schema 128 opened for reading: %v", err)
		}
		from, to, err := db.UpgradeSchema(bg)
		if err != nil || from != 128 || to != 133 {
			t.Fatalf("UpgradeSchema = %d, %d, %v", from, to, err)
		}
		u, err := db.Lookup(bg, "ALICE")
		if err != nil || u.Username != "alice@example.org" {
			t.Errorf("login by migrated altname: %v, %v", u, err)
		}
		var n int
		db.db.QueryRow("SELECT COUNT(*) FROM `users` WHERE `altname` IS NOT NULL").Scan(&n)
		if n != 0 {
			t.Errorf("%d users.altname left", n)
		}
	})
	t.Run("from103", func(t *testing.T) {
		db := newMySQLTestDB(t)
		fresh := showCreateTables(t, db)
		downgradeMySQL(t, db, 103)
		from, to, err := db.UpgradeSchema(bg)
		if err != nil || from != 103 || to != 133 {
			t.Fatalf("UpgradeSchema = %d, %d, %v", from, to, err)
		}
		got := showCreateTables(t, db)
		// Upstream's step 105 adds domains.homeserver unsigned, while a
		// created schema has it signed: the one known difference.
		got["domains"] = strings.Replace(got["domains"], "`homeserver` tinyint(5) unsigned", "`homeserver` tinyint(5)", 1)
		diffTables(t, got, fresh)
	})
	t.Run("refuse", func(t *testing.T) {
		db := newMySQLTestDB(t)
		mustExec(t, db, "UPDATE `options` SET `value`='50' WHERE `key`='schemaversion'")
		if _, _, err := db.UpgradeSchema(bg); !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "103") {
			t.Errorf("upgrade from 50: %v", err)
		}
	})
}

func TestOpenMySQLRefuses(t *testing.T) {
	dsn := newMySQLDatabase(t)
	_, err := OpenMySQL(dsn)
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "dbop -C") {
		t.Errorf("OpenMySQL of an empty database: %v", err)
	}
	db, err := OpenMySQLUnchecked(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if v, err := db.SchemaVersion(bg); v != 0 || err != nil {
		t.Errorf("SchemaVersion of an empty database = %d, %v", v, err)
	}
	if _, _, err := db.UpgradeSchema(bg); !errors.Is(err, ErrSchema) {
		t.Errorf("UpgradeSchema of an empty database: %v", err)
	}
	if err := db.CreateSchema(bg); err != nil {
		t.Fatal(err)
	}
	mustExec(t, db, "UPDATE `options` SET `value`='120' WHERE `key`='schemaversion'")
	_, err = OpenMySQL(dsn)
	if !errors.Is(err, ErrSchema) || !strings.Contains(err.Error(), "120") || !strings.Contains(err.Error(), "130") {
		t.Errorf("OpenMySQL of schema 120: %v", err)
	}
	mustExec(t, db, "UPDATE `options` SET `value`='133' WHERE `key`='schemaversion'")
	db2, err := OpenMySQL(dsn)
	if err != nil {
		t.Fatalf("OpenMySQL of schema 133: %v", err)
	}
	db2.Close()
	if _, err := OpenMySQL("gromox:gromox@tcp(127.0.0.1:3306)/"); !errors.Is(err, ErrInvalid) {
		t.Errorf("OpenMySQL without a database name: %v", err)
	}
}

func TestOpenSQLiteReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir.sqlite3")
	db, err := OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	mustAddDomain(t, db, NewDomain{Name: "example.org"})
	var mode string
	var fk int
	db.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	db.db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode %q, foreign_keys %d", mode, fk)
	}
	db.Close()
	db, err = OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Domain(bg, "EXAMPLE.org"); err != nil {
		t.Errorf("domain lost on reopen: %v", err)
	}
	if _, err := OpenSQLite(path + "?x"); !errors.Is(err, ErrInvalid) {
		t.Errorf("OpenSQLite with '?': %v", err)
	}
	// A newer schema of ours is still read; an unknown older one is not
	// upgraded.
	mustExec(t, db, "UPDATE `options` SET `value`='134' WHERE `key`='schemaversion'")
	if db2, err := OpenSQLite(path); err != nil {
		t.Errorf("OpenSQLite of schema 134: %v", err)
	} else {
		db2.Close()
	}
	mustExec(t, db, "UPDATE `options` SET `value`='120' WHERE `key`='schemaversion'")
	if _, err := OpenSQLite(path); !errors.Is(err, ErrSchema) {
		t.Errorf("OpenSQLite of schema 120: %v", err)
	}
	// Another program's database is left alone.
	other := filepath.Join(t.TempDir(), "other.sqlite3")
	odb, err := OpenSQLite(other)
	if err != nil {
		t.Fatal(err)
	}
	mustExec(t, odb, "DROP TABLE `users`")
	odb.Close()
	if _, err := OpenSQLite(other); !errors.Is(err, ErrSchema) {
		t.Errorf("OpenSQLite of a foreign database: %v", err)
	}
}

func TestDomains(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		d := mustAddDomain(t, db, NewDomain{Name: "example.org", Homedir: "/var/lib/gromox/domain/example.org", MaxUser: 10, Title: "Example", OrgID: 3})
		want := Domain{ID: d.ID, OrgID: 3, Name: "example.org", Homedir: "/var/lib/gromox/domain/example.org", MaxUser: 10, Title: "Example"}
		if *d != want {
			t.Errorf("AddDomain = %+v, want %+v", *d, want)
		}
		mustAddDomain(t, db, NewDomain{Name: "a.example"})
		_, err := db.AddDomain(bg, NewDomain{Name: "EXAMPLE.ORG"})
		wantErr(t, "duplicate domain", err, ErrExists)
		for _, bad := range []string{"", "exa mple.org", "-x.org", "x..org", "bücher.de", "x.org.", strings.Repeat("a", 64) + ".org"} {
			_, err := db.AddDomain(bg, NewDomain{Name: bad})
			wantErr(t, "AddDomain "+bad, err, ErrInvalid)
		}
		_, err = db.AddDomain(bg, NewDomain{Name: "neg.org", MaxUser: -1})
		wantErr(t, "negative max_user", err, ErrInvalid)
		all, err := db.Domains(bg)
		if err != nil || len(all) != 2 || all[0].Name != "a.example" || all[1].Name != "example.org" {
			t.Errorf("Domains = %+v, %v", all, err)
		}
		if all[0].MaxUser != UnlimitedUsers {
			t.Errorf("MaxUser 0 stored as %d", all[0].MaxUser)
		}
		got, err := db.Domain(bg, "Example.ORG")
		if err != nil || *got != want {
			t.Errorf("Domain = %+v, %v", got, err)
		}
		_, err = db.Domain(bg, "nope.org")
		wantErr(t, "Domain(nope)", err, ErrNotFound)

		mustAddUser(t, db, NewUser{Username: "u@example.org"})
		wantErr(t, "RemoveDomain with users", db.RemoveDomain(bg, "example.org"), ErrInvalid)
		if err := db.RemoveUser(bg, "u@example.org"); err != nil {
			t.Fatal(err)
		}
		if err := db.RemoveDomain(bg, "EXAMPLE.org"); err != nil {
			t.Errorf("RemoveDomain: %v", err)
		}
		wantErr(t, "RemoveDomain twice", db.RemoveDomain(bg, "example.org"), ErrNotFound)
		if all, _ := db.Domains(bg); len(all) != 1 {
			t.Errorf("after removal: %+v", all)
		}
	})
}

func TestAddUserAndLookup(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		d := mustAddDomain(t, db, NewDomain{Name: "Example.org", OrgID: 4})
		u := mustAddUser(t, db, NewUser{
			Username: "Alice@example.ORG", Password: "s3cret", DisplayName: "Alice Ämmerich",
			Maildir: "/var/lib/gromox/user/alice", Lang: "de_DE", Timezone: "Europe/Berlin",
		})
		want := User{
			ID: u.ID, Username: "Alice@Example.org", DomainID: d.ID, Domain: "Example.org", OrgID: 4,
			Maildir: "/var/lib/gromox/user/alice", Lang: "de_DE", Timezone: "Europe/Berlin",
			PrivilegeBits: DefaultPrivileges, DisplayName: "Alice Ämmerich", DisplayType: DTMailUser,
			PasswordHash: u.PasswordHash,
		}
		if !reflect.DeepEqual(*u, want) {
			t.Errorf("AddUser = %+v\nwant %+v", *u, want)
		}
		if !strings.HasPrefix(u.PasswordHash, "$6$") || !VerifyPassword(u.PasswordHash, "s3cret") || VerifyPassword(u.PasswordHash, "S3cret") {
			t.Errorf("password hash %q", u.PasswordHash)
		}
		if !u.LoginAllowed() {
			t.Error("new user may not log in")
		}
		for _, login := range []string{"alice@example.org", "ALICE@EXAMPLE.ORG", "Alice@Example.org"} {
			got, err := db.Lookup(bg, login)
			if err != nil || !reflect.DeepEqual(*got, want) {
				t.Errorf("Lookup(%s) = %+v, %v", login, got, err)
			}
		}
		for _, login := range []string{"bob@example.org", "alice", "", "älice@example.org", strings.Repeat("a", 400)} {
			_, err := db.Lookup(bg, login)
			wantErr(t, "Lookup "+login, err, ErrNotFound)
		}

		room := mustAddUser(t, db, NewUser{Username: "room1@example.org", DisplayType: DTRoom, PrivilegeBits: PrivIMAP, AddressStatus: StatusShared})
		if room.DisplayType != DTRoom || room.PrivilegeBits != PrivIMAP || room.AddressStatus != StatusShared || room.PasswordHash != "" || room.LoginAllowed() {
			t.Errorf("room = %+v", room)
		}
		us, err := db.Users(bg, "")
		if err != nil || len(us) != 2 || us[0].Username != "Alice@Example.org" || us[1].Username != "room1@Example.org" {
			t.Errorf("Users = %+v, %v", us, err)
		}
		if !reflect.DeepEqual(us[0], want) {
			t.Errorf("Users[0] = %+v", us[0])
		}
		mustAddDomain(t, db, NewDomain{Name: "other.org"})
		mustAddUser(t, db, NewUser{Username: "x@other.org"})
		us, err = db.Users(bg, "OTHER.org")
		if err != nil || len(us) != 1 || us[0].Username != "x@other.org" {
			t.Errorf("Users(other.org) = %+v, %v", us, err)
		}
		_, err = db.Users(bg, "nope.org")
		wantErr(t, "Users(nope.org)", err, ErrNotFound)
	})
}

func TestAddUserInvalid(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		mustAddUser(t, db, NewUser{Username: "a@example.org"})
		_, err := db.AddUser(bg, NewUser{Username: "A@EXAMPLE.ORG"})
		wantErr(t, "duplicate user", err, ErrExists)
		_, err = db.AddUser(bg, NewUser{Username: "b@nope.org"})
		wantErr(t, "user in missing domain", err, ErrNotFound)
		long := strings.Repeat("a", 64) + "@" + strings.Repeat(strings.Repeat("b", 60)+".", 5) + "org"
		for _, bad := range []string{"", "noat", "@example.org", "a b@example.org", "ä@example.org", "a@", "a..b@example.org",
			".a@example.org", "a\"b@example.org", "a@exa_mple.org", long} {
			_, err := db.AddUser(bg, NewUser{Username: bad})
			wantErr(t, fmt.Sprintf("AddUser(%q)", bad), err, ErrInvalid)
		}
		for _, nu := range []NewUser{
			{Username: "c@example.org", DisplayType: DTDistList},
			{Username: "c@example.org", AddressStatus: 2},
			{Username: "c@example.org", AddressStatus: DomainStatusSuspended},
			{Username: "c@example.org", Lang: strings.Repeat("x", 33)},
			{Username: "c@example.org", DisplayName: "\xff"},
		} {
			_, err := db.AddUser(bg, nu)
			wantErr(t, fmt.Sprintf("AddUser(%+v)", nu), err, ErrInvalid)
		}
		if us, _ := db.Users(bg, ""); len(us) != 1 {
			t.Errorf("failed adds left users: %+v", us)
		}
	})
}

func TestPasswords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		mustAddUser(t, db, NewUser{Username: "a@example.org", Password: "old"})
		if err := db.SetPassword(bg, "A@example.org", "new"); err != nil {
			t.Fatal(err)
		}
		u, _ := db.Lookup(bg, "a@example.org")
		if !strings.HasPrefix(u.PasswordHash, "$6$") || !VerifyPassword(u.PasswordHash, "new") || VerifyPassword(u.PasswordHash, "old") {
			t.Errorf("after SetPassword: %q", u.PasswordHash)
		}
		wantErr(t, "empty password", db.SetPassword(bg, "a@example.org", ""), ErrInvalid)
		wantErr(t, "unknown user", db.SetPassword(bg, "b@example.org", "x"), ErrNotFound)
	})
}

func TestAltnamesAndAliases(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		mustAddDomain(t, db, NewDomain{Name: "example.net"})
		mustAddDomain(t, db, NewDomain{Name: "corp.example", OrgID: 9})
		alice := mustAddUser(t, db, NewUser{Username: "alice@example.org", DisplayName: "Alice"})
		mustAddUser(t, db, NewUser{Username: "bob@example.org"})

		if err := db.AddAltname(bg, "ALICE@example.org", "ajones"); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAlias(bg, "Alice.Jones@example.org", "alice@EXAMPLE.org"); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAlias(bg, "alice@example.net", "alice@example.org"); err != nil {
			t.Fatalf("alias in another domain of org 0: %v", err)
		}
		for _, login := range []string{"ajones", "AJones", "alice.jones@example.org", "ALICE.JONES@EXAMPLE.ORG", "Alice@Example.NET"} {
			u, err := db.Lookup(bg, login)
			if err != nil || u.ID != alice.ID || u.Username != "alice@example.org" || u.DisplayName != "Alice" {
				t.Errorf("Lookup(%s) = %+v, %v", login, u, err)
			}
		}
		as, err := db.Aliases(bg, "Alice@example.org")
		if want := []string{"Alice.Jones@example.org", "alice@example.net"}; err != nil || !reflect.DeepEqual(as, want) {
			t.Errorf("Aliases = %q, %v; want %q", as, err, want)
		}
		an, err := db.Altnames(bg, "alice@example.org")
		if err != nil || !reflect.DeepEqual(an, []string{"ajones"}) {
			t.Errorf("Altnames = %q, %v", an, err)
		}
		if as, err := db.Aliases(bg, "bob@example.org"); err != nil || len(as) != 0 {
			t.Errorf("Aliases(bob) = %q, %v", as, err)
		}
		_, err = db.Aliases(bg, "nobody@example.org")
		wantErr(t, "Aliases(nobody)", err, ErrNotFound)

		// Names are unique across usernames, altnames and aliases.
		if err := db.AddAltname(bg, "alice@example.org", "aj@example.org"); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"BOB@example.org", "AJ@example.org", "alice.jones@EXAMPLE.org"} {
			wantErr(t, "alias "+name, db.AddAlias(bg, name, "bob@example.org"), ErrExists)
			wantErr(t, "altname "+name, db.AddAltname(bg, "bob@example.org", name), ErrExists)
		}
		wantErr(t, "altname AJONES", db.AddAltname(bg, "bob@example.org", "AJONES"), ErrExists)
		wantErr(t, "altname of missing user", db.AddAltname(bg, "nobody@example.org", "nob"), ErrNotFound)
		wantErr(t, "alias of missing user", db.AddAlias(bg, "x@example.org", "nobody@example.org"), ErrNotFound)
		wantErr(t, "alias in unhosted domain", db.AddAlias(bg, "x@elsewhere.org", "bob@example.org"), ErrInvalid)
		wantErr(t, "alias in another organisation", db.AddAlias(bg, "x@corp.example", "bob@example.org"), ErrInvalid)
		wantErr(t, "invalid alias", db.AddAlias(bg, "not an address", "bob@example.org"), ErrInvalid)
		wantErr(t, "invalid altname", db.AddAltname(bg, "bob@example.org", "two words"), ErrInvalid)
		_, err = db.AddUser(bg, NewUser{Username: "Alice.Jones@example.org"})
		wantErr(t, "user named like an alias", err, ErrExists)

		if err := db.RemoveAlias(bg, "ALICE.JONES@example.org"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Lookup(bg, "alice.jones@example.org")
		wantErr(t, "Lookup of removed alias", err, ErrNotFound)
		wantErr(t, "RemoveAlias twice", db.RemoveAlias(bg, "alice.jones@example.org"), ErrNotFound)
		if err := db.RemoveAltname(bg, "AJones"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Lookup(bg, "ajones")
		wantErr(t, "Lookup of removed altname", err, ErrNotFound)
	})
}

func TestLookupAmbiguous(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		a := mustAddUser(t, db, NewUser{Username: "a@example.org"})
		b := mustAddUser(t, db, NewUser{Username: "b@example.org"})
		// The admin API refuses to make such names; a database written by
		// other tools may have them.
		mustExec(t, db, "INSERT INTO `altnames` (`user_id`, `altname`) VALUES (?, 'Shared@example.org')", b.ID)
		mustExec(t, db, "INSERT INTO `aliases` (`aliasname`, `mainname`) VALUES ('shared@example.org', 'a@example.org')")
		_, err := db.Lookup(bg, "SHARED@example.org")
		wantErr(t, "name of two accounts", err, ErrAmbiguous)
		_, err = db.Resolve(bg, "shared@example.org")
		wantErr(t, "Resolve of two accounts", err, ErrAmbiguous)

		// One account reachable by two of its names is not ambiguous.
		mustExec(t, db, "INSERT INTO `altnames` (`user_id`, `altname`) VALUES (?, 'a-alias@example.org')", a.ID)
		mustExec(t, db, "INSERT INTO `aliases` (`aliasname`, `mainname`) VALUES ('A-ALIAS@example.org', 'a@example.org')")
		u, err := db.Lookup(bg, "a-alias@example.org")
		if err != nil || u.ID != a.ID {
			t.Errorf("one account by two names: %+v, %v", u, err)
		}
	})
}

func TestStatus(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		mustAddUser(t, db, NewUser{Username: "a@example.org"})
		mustAddUser(t, db, NewUser{Username: "b@example.org"})
		status := func(name string) uint8 {
			t.Helper()
			u, err := db.Lookup(bg, name)
			if err != nil {
				t.Fatal(err)
			}
			return u.AddressStatus
		}
		if err := db.SetAddressStatus(bg, "A@example.org", StatusSuspended); err != nil {
			t.Fatal(err)
		}
		if s := status("a@example.org"); s != StatusSuspended {
			t.Errorf("suspended user: %#x", s)
		}
		if err := db.SetDomainStatus(bg, "EXAMPLE.ORG", 1); err != nil {
			t.Fatal(err)
		}
		if s, s2 := status("a@example.org"), status("b@example.org"); s != DomainStatusSuspended|StatusSuspended || s2 != DomainStatusSuspended {
			t.Errorf("in suspended domain: %#x, %#x", s, s2)
		}
		if d, _ := db.Domain(bg, "example.org"); d.Status != 1 {
			t.Errorf("domain status %d", d.Status)
		}
		// A new account takes the domain's state.
		c := mustAddUser(t, db, NewUser{Username: "c@example.org"})
		if c.AddressStatus != DomainStatusSuspended || c.LoginAllowed() {
			t.Errorf("new user in suspended domain: %#x", c.AddressStatus)
		}
		// The user state changes under the domain bits.
		if err := db.SetAddressStatus(bg, "a@example.org", StatusDeleted); err != nil {
			t.Fatal(err)
		}
		if s := status("a@example.org"); s != DomainStatusSuspended|StatusDeleted {
			t.Errorf("deleted user in suspended domain: %#x", s)
		}
		// The address_status form of the domain state is accepted too.
		if err := db.SetDomainStatus(bg, "example.org", DomainStatusDeleted); err != nil {
			t.Fatal(err)
		}
		if d, _ := db.Domain(bg, "example.org"); d.Status != 3 {
			t.Errorf("domain status %d", d.Status)
		}
		if s := status("b@example.org"); s != DomainStatusDeleted {
			t.Errorf("user in deleted domain: %#x", s)
		}
		if err := db.SetDomainStatus(bg, "example.org", 0); err != nil {
			t.Fatal(err)
		}
		if s, s2 := status("a@example.org"), status("b@example.org"); s != StatusDeleted || s2 != StatusNormal {
			t.Errorf("after domain restore: %#x, %#x", s, s2)
		}
		// domains.domain_status counts even where the users rows were not
		// updated with it.
		mustExec(t, db, "UPDATE `domains` SET `domain_status`=1")
		if u, _ := db.Lookup(bg, "b@example.org"); u.AddressStatus != DomainStatusSuspended || u.LoginAllowed() {
			t.Errorf("domains row suspended only: %#x", u.AddressStatus)
		}

		wantErr(t, "bad user status", db.SetAddressStatus(bg, "a@example.org", 2), ErrInvalid)
		wantErr(t, "domain bits as user status", db.SetAddressStatus(bg, "a@example.org", 0x10), ErrInvalid)
		wantErr(t, "unknown user", db.SetAddressStatus(bg, "z@example.org", 0), ErrNotFound)
		wantErr(t, "bad domain status", db.SetDomainStatus(bg, "example.org", 4), ErrInvalid)
		wantErr(t, "bad domain status", db.SetDomainStatus(bg, "example.org", 0x11), ErrInvalid)
		wantErr(t, "unknown domain", db.SetDomainStatus(bg, "nope.org", 0), ErrNotFound)
		// Setting the value already there is not "not found".
		if err := db.SetAddressStatus(bg, "b@example.org", StatusNormal); err != nil {
			t.Errorf("no-op SetAddressStatus: %v", err)
		}
	})
}

func TestMaxUser(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "small.org", MaxUser: 2})
		mustAddUser(t, db, NewUser{Username: "a@small.org"})
		if err := db.AddList(bg, "list@small.org", ListNormal, ListPrivAll, []string{"a@small.org"}); err != nil {
			t.Fatalf("lists do not count: %v", err)
		}
		mustAddUser(t, db, NewUser{Username: "b@small.org"})
		_, err := db.AddUser(bg, NewUser{Username: "c@small.org", Maildir: "/x/c"})
		wantErr(t, "third user of 2", err, ErrInvalid)
		// Suspended accounts do not count (grommunio-admin's rule).
		if err := db.SetAddressStatus(bg, "b@small.org", StatusSuspended); err != nil {
			t.Fatal(err)
		}
		mustAddUser(t, db, NewUser{Username: "c@small.org"})
		_, err = db.AddUser(bg, NewUser{Username: "d@small.org", Maildir: "/x/d"})
		wantErr(t, "over the limit again", err, ErrInvalid)
		if err := db.RemoveUser(bg, "a@small.org"); err != nil {
			t.Fatal(err)
		}
		mustAddUser(t, db, NewUser{Username: "d@small.org"})
	})
}

func countRows(t *testing.T, db *DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestRemoveUserCascades(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		a := mustAddUser(t, db, NewUser{Username: "a@example.org", DisplayName: "A"})
		mustAddUser(t, db, NewUser{Username: "b@example.org"})
		if err := db.AddAlias(bg, "a2@example.org", "a@example.org"); err != nil {
			t.Fatal(err)
		}
		if err := db.AddAltname(bg, "a@example.org", "aa"); err != nil {
			t.Fatal(err)
		}
		if err := db.AddList(bg, "l@example.org", ListNormal, ListPrivAll, []string{"a@example.org", "b@example.org"}); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, "INSERT INTO `forwards` (`username`, `forward_type`, `destination`) VALUES ('a@example.org', 0, 'x@elsewhere.org')")
		mustExec(t, db, "INSERT INTO `user_devices` (`user_id`, `device_id`) VALUES (?, 'dev1')", a.ID)

		if err := db.RemoveUser(bg, "A@EXAMPLE.ORG"); err != nil {
			t.Fatal(err)
		}
		for _, login := range []string{"a@example.org", "a2@example.org", "aa"} {
			_, err := db.Lookup(bg, login)
			wantErr(t, "Lookup after RemoveUser: "+login, err, ErrNotFound)
		}
		for q, want := range map[string]int{
			"SELECT COUNT(*) FROM `user_properties` WHERE `user_id`=?": 0,
			"SELECT COUNT(*) FROM `altnames` WHERE `user_id`=?":        0,
			"SELECT COUNT(*) FROM `user_devices` WHERE `user_id`=?":    0,
		} {
			if n := countRows(t, db, q, a.ID); n != want {
				t.Errorf("%s: %d rows left", q, n)
			}
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM `aliases`"); n != 0 {
			t.Errorf("%d aliases left", n)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM `forwards`"); n != 0 {
			t.Errorf("%d forwards left", n)
		}
		r, err := db.Resolve(bg, "l@example.org")
		if err != nil || !reflect.DeepEqual(r.Members, []string{"b@example.org"}) {
			t.Errorf("list after member removal: %+v, %v", r, err)
		}
		wantErr(t, "RemoveUser twice", db.RemoveUser(bg, "a@example.org"), ErrNotFound)
		wantErr(t, "RemoveUser by alias", db.RemoveUser(bg, "a2@example.org"), ErrNotFound)
	})
}

func TestListsAndResolve(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		mustAddDomain(t, db, NewDomain{Name: "example.org"})
		mustAddDomain(t, db, NewDomain{Name: "other.org"})
		alice := mustAddUser(t, db, NewUser{Username: "alice@example.org"})
		mustAddUser(t, db, NewUser{Username: "bob@example.org"})
		mustAddUser(t, db, NewUser{Username: "carol@example.org"})
		mustAddUser(t, db, NewUser{Username: "room@example.org", DisplayType: DTRoom})
		mustAddUser(t, db, NewUser{Username: "contact@example.org", AddressStatus: StatusContact})
		mustAddUser(t, db, NewUser{Username: "zed@other.org"})
		if err := db.AddAlias(bg, "al@example.org", "alice@example.org"); err != nil {
			t.Fatal(err)
		}

		// A user resolves to itself, by any of its names.
		for _, addr := range []string{"alice@example.org", "AL@EXAMPLE.ORG"} {
			r, err := db.Resolve(bg, addr)
			if err != nil || r.Kind != RecipientUser || r.User.ID != alice.ID || r.Members != nil {
				t.Errorf("Resolve(%s) = %+v, %v", addr, r, err)
			}
		}
		_, err := db.Resolve(bg, "nobody@example.org")
		wantErr(t, "Resolve(nobody)", err, ErrNotFound)

		if err := db.AddList(bg, "inner@example.org", ListNormal, ListPrivAll, []string{"carol@example.org", "ALICE@example.org"}); err != nil {
			t.Fatal(err)
		}
		// Members by alias, in another spelling, twice, external, and a
		// nested list that contains the outer list again.
		if err := db.AddList(bg, "Team@Example.org", ListNormal, ListPrivInternal, []string{
			"al@example.org", "Bob@Example.org", "bob@example.org", "ext@elsewhere.net", "inner@example.org", "alice@example.org",
		}); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, "INSERT INTO `associations` (`list_id`, `username`) SELECT `id`, 'team@example.org' FROM `mlists` WHERE `listname`='inner@example.org'")
		r, err := db.Resolve(bg, "TEAM@example.org")
		if err != nil {
			t.Fatal(err)
		}
		wantMembers := []string{"alice@example.org", "bob@example.org", "carol@example.org", "ext@elsewhere.net"}
		if r.Kind != RecipientList || r.User.Username != "Team@example.org" || r.User.DisplayType != DTDistList ||
			r.ListPrivilege != ListPrivInternal || !reflect.DeepEqual(r.Members, wantMembers) {
			t.Errorf("Resolve(team) = %+v, members %q", r, r.Members)
		}
		if r.User.LoginAllowed() && r.User.DisplayType == DTMailUser {
			t.Error("a list looks like a login account")
		}

		if err := db.AddList(bg, "all@example.org", ListDomain, ListPrivDomain, nil); err != nil {
			t.Fatal(err)
		}
		r, err = db.Resolve(bg, "all@example.org")
		wantMembers = []string{"alice@example.org", "bob@example.org", "carol@example.org"}
		if err != nil || r.Kind != RecipientList || r.ListPrivilege != ListPrivDomain || !reflect.DeepEqual(r.Members, wantMembers) {
			t.Errorf("Resolve(all) = %+v, %v; members %q", r, err, r.Members)
		}

		// Invalid lists.
		wantErr(t, "list named like a user", db.AddList(bg, "bob@example.org", ListNormal, 0, nil), ErrExists)
		wantErr(t, "list in missing domain", db.AddList(bg, "l@nope.org", ListNormal, 0, nil), ErrNotFound)
		wantErr(t, "list type 1", db.AddList(bg, "l@example.org", 1, 0, nil), ErrInvalid)
		wantErr(t, "privilege 5", db.AddList(bg, "l@example.org", ListNormal, 5, nil), ErrInvalid)
		wantErr(t, "domain list with members", db.AddList(bg, "l@example.org", ListDomain, 0, []string{"bob@example.org"}), ErrInvalid)
		wantErr(t, "bad member", db.AddList(bg, "l@example.org", ListNormal, 0, []string{"not an address"}), ErrInvalid)
		wantErr(t, "list in itself", db.AddList(bg, "l@example.org", ListNormal, 0, []string{"L@example.org"}), ErrInvalid)

		if err := db.RemoveList(bg, "team@EXAMPLE.org"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Resolve(bg, "team@example.org")
		wantErr(t, "Resolve of removed list", err, ErrNotFound)
		if n := countRows(t, db, "SELECT COUNT(*) FROM `associations` WHERE `username`='team@example.org'"); n != 0 {
			t.Errorf("membership of removed list left: %d", n)
		}
		if n := countRows(t, db, "SELECT COUNT(*) FROM `associations` a LEFT JOIN `mlists` m ON m.`id`=a.`list_id` WHERE m.`id` IS NULL"); n != 0 {
			t.Errorf("members of removed list left: %d", n)
		}
		wantErr(t, "RemoveList of a user", db.RemoveList(bg, "bob@example.org"), ErrNotFound)
		wantErr(t, "RemoveList twice", db.RemoveList(bg, "team@example.org"), ErrNotFound)
	})
}

func TestGAL(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db *DB) {
		a := mustAddDomain(t, db, NewDomain{Name: "a.example", OrgID: 5})
		mustAddDomain(t, db, NewDomain{Name: "b.example", OrgID: 5})
		c := mustAddDomain(t, db, NewDomain{Name: "c.example"})
		mustAddDomain(t, db, NewDomain{Name: "d.example"})
		mustAddUser(t, db, NewUser{Username: "zoe@a.example", DisplayName: "Zoe"})
		hidden := mustAddUser(t, db, NewUser{Username: "hidden@a.example", DisplayName: "Hidden"})
		hidden2 := mustAddUser(t, db, NewUser{Username: "hidden2@b.example", DisplayName: "hidden two"})
		onlyAL := mustAddUser(t, db, NewUser{Username: "al@b.example", DisplayName: "Only AL"})
		mustAddUser(t, db, NewUser{Username: "adam@b.example", DisplayName: "adam"})
		mustAddUser(t, db, NewUser{Username: "noname@b.example"})
		mustAddUser(t, db, NewUser{Username: "room@b.example", DisplayName: "Room", DisplayType: DTRoom})
		mustAddUser(t, db, NewUser{Username: "cc@c.example", DisplayName: "C user"})
		mustAddUser(t, db, NewUser{Username: "dd@d.example", DisplayName: "D user"})
		if err := db.AddList(bg, "list@a.example", ListNormal, 0, []string{"zoe@a.example"}); err != nil {
			t.Fatal(err)
		}
		mustExec(t, db, "INSERT INTO `user_properties` (`user_id`, `proptag`, `propval_str`) VALUES (?, ?, '1')", hidden.ID, propAttrHiddenGromox)
		mustExec(t, db, "INSERT INTO `user_properties` (`user_id`, `proptag`, `propval_str`) VALUES (?, ?, '1')", hidden2.ID, propAttrHidden)
		mustExec(t, db, "INSERT INTO `user_properties` (`user_id`, `proptag`, `propval_str`) VALUES (?, ?, '2')", onlyAL.ID, propAttrHiddenGromox)
		// propval_bin wins over propval_str; later order_ids are ignored.
		mustExec(t, db, "INSERT INTO `user_properties` (`user_id`, `proptag`, `order_id`, `propval_bin`, `propval_str`) VALUES (?, 974585887, 1, ?, 'str')", onlyAL.ID, []byte("Boss"))
		mustExec(t, db, "INSERT INTO `user_properties` (`user_id`, `proptag`, `order_id`, `propval_str`) VALUES (?, 974585887, 2, 'second')", onlyAL.ID)

		gal, err := db.GAL(bg, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			name, display string
			dt            uint32
			hidden        bool
		}
		var got []row
		for _, e := range gal {
			got = append(got, row{e.Username, e.DisplayName, e.DisplayType, e.Hidden})
		}
		want := []row{
			{"adam@b.example", "adam", DTMailUser, false},
			{"hidden@a.example", "Hidden", DTMailUser, true},
			{"hidden2@b.example", "hidden two", DTMailUser, true},
			{"list@a.example", "list@a.example", DTDistList, false},
			{"noname@b.example", "", DTMailUser, false},
			{"al@b.example", "Only AL", DTMailUser, false},
			{"room@b.example", "Room", DTRoom, false},
			{"zoe@a.example", "Zoe", DTMailUser, false},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("GAL(a) =\n%v\nwant\n%v", got, want)
		}
		for _, e := range gal {
			if e.Username == "al@b.example" {
				if e.Props[974585887] != "Boss" || e.Props[PropDisplayName] != "Only AL" || e.DomainID == a.ID {
					t.Errorf("props of al@: %v (domain %d)", e.Props, e.DomainID)
				}
			}
		}
		gal, err = db.GAL(bg, c.ID)
		if err != nil || len(gal) != 1 || gal[0].Username != "cc@c.example" {
			t.Errorf("GAL(c) = %+v, %v", gal, err)
		}
		_, err = db.GAL(bg, 9999)
		wantErr(t, "GAL of missing domain", err, ErrNotFound)
	})
}

// TestUpstreamFixtureDB reads the user database upstream Gromox 3.10
// wrote: on MariaDB as it is, and on SQLite with the dump's rows.
func TestUpstreamFixtureDB(t *testing.T) {
	check := func(t *testing.T, db *DB) {
		v, err := db.SchemaVersion(bg)
		if err != nil || v != 133 {
			t.Errorf("SchemaVersion = %d, %v", v, err)
		}
		for _, c := range []struct{ login, user, display string }{
			{"user1@example.org", "user1@example.org", "User One"},
			{"USER1@EXAMPLE.ORG", "user1@example.org", "User One"},
			{"user2@example.org", "user2@example.org", "User Two"},
			{"fixture@example.org", "fixture@example.org", "Fixture User"},
		} {
			u, err := db.Lookup(bg, c.login)
			if err != nil {
				t.Errorf("Lookup(%s): %v", c.login, err)
				continue
			}
			if u.Username != c.user || u.DisplayName != c.display || u.DisplayType != DTMailUser ||
				u.Maildir != "/var/lib/gromox/user/"+c.user || u.Domain != "example.org" || u.DomainID != 1 ||
				u.PrivilegeBits != 15 || u.Lang != "en" || u.Timezone != "UTC" || !u.LoginAllowed() || u.ExternID != nil {
				t.Errorf("Lookup(%s) = %+v", c.login, u)
			}
			if !VerifyPassword(u.PasswordHash, "secret") || VerifyPassword(u.PasswordHash, "Secret") {
				t.Errorf("%s: password hash %q does not verify 'secret'", c.login, u.PasswordHash)
			}
		}
		d, err := db.Domain(bg, "example.org")
		if err != nil || d.Homedir != "/var/lib/gromox/domain/example.org" || d.MaxUser != 100 || d.Status != 0 {
			t.Errorf("Domain = %+v, %v", d, err)
		}
		gal, err := db.GAL(bg, 1)
		if err != nil || len(gal) != 3 || gal[0].DisplayName != "Fixture User" || gal[2].DisplayName != "User Two" {
			t.Errorf("GAL = %+v, %v", gal, err)
		}
		r, err := db.Resolve(bg, "Fixture@example.org")
		if err != nil || r.Kind != RecipientUser || r.User.Username != "fixture@example.org" {
			t.Errorf("Resolve = %+v, %v", r, err)
		}
		// Our admin operations work on upstream's rows.
		if _, err := db.AddUser(bg, NewUser{Username: "new@example.org", Password: "pw", Maildir: "/x"}); err != nil {
			t.Errorf("AddUser into the fixture: %v", err)
		}
		if err := db.AddAlias(bg, "u1@example.org", "user1@example.org"); err != nil {
			t.Errorf("AddAlias into the fixture: %v", err)
		}
		if u, err := db.Lookup(bg, "U1@example.org"); err != nil || u.ID != 1 {
			t.Errorf("Lookup by new alias: %+v, %v", u, err)
		}
	}
	t.Run("mysql", func(t *testing.T) {
		dsn := newMySQLDatabase(t)
		loadDumpMySQL(t, dsn, upstreamDump)
		db, err := OpenMySQL(dsn)
		if err != nil {
			t.Fatalf("OpenMySQL of the upstream database: %v", err)
		}
		defer db.Close()
		check(t, db)
	})
	t.Run("sqlite", func(t *testing.T) {
		db := newSQLiteTestDB(t)
		loadDumpRowsSQLite(t, db, upstreamDump)
		check(t, db)
	})
}

func TestSplitAddress(t *testing.T) {
	for _, c := range []struct {
		in         string
		local, dom string
		ok         bool
	}{
		{"a@b.c", "a", "b.c", true},
		{"first.last+tag@example.org", "first.last+tag", "example.org", true},
		{"o'neil@xn--bcher-kva.de", "o'neil", "xn--bcher-kva.de", true},
		{"a@b@c.org", "", "", false},
		{"a@b", "a", "b", true},
		{"a@-b.org", "", "", false},
		{strings.Repeat("x", 65) + "@b.org", "", "", false},
	} {
		l, d, err := splitAddress(c.in)
		if (err == nil) != c.ok || (c.ok && (l != c.local || d != c.dom)) {
			t.Errorf("splitAddress(%q) = %q, %q, %v", c.in, l, d, err)
		}
	}
}

func TestParsePropUint(t *testing.T) {
	for in, want := range map[string]uint32{"0": 0, "7": 7, " 8 ": 8, "0x10": 16, "": 0, "x": 0, "4294967295": 4294967295} {
		if got := parsePropUint(in); got != want {
			t.Errorf("parsePropUint(%q) = %d, want %d", in, got, want)
		}
	}
}

// BenchmarkLookup measures the login lookup (one query) on each backend,
// among 2000 accounts.
func BenchmarkLookup(b *testing.B) {
	run := func(b *testing.B, db *DB) {
		mustAddDomain(b, db, NewDomain{Name: "example.org"})
		for i := 0; i < 2000; i++ {
			mustAddUser(b, db, NewUser{Username: fmt.Sprintf("user%d@example.org", i), DisplayName: fmt.Sprintf("User %d", i)})
		}
		if err := db.AddAlias(bg, "alias@example.org", "user7@example.org"); err != nil {
			b.Fatal(err)
		}
		b.Run("username", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := db.Lookup(bg, fmt.Sprintf("USER%d@example.org", i%2000)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("alias", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := db.Lookup(bg, "alias@example.org"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("sqlite", func(b *testing.B) { run(b, newSQLiteTestDB(b)) })
	b.Run("mysql", func(b *testing.B) { run(b, newMySQLTestDB(b)) })
}
