package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrSchema reports a user database whose schema this package cannot use:
// missing, too old to read or to upgrade, or newer than it knows.
var ErrSchema = errors.New("directory: unsupported user database schema")

const (
	// MinReadSchema is the oldest schema version the server can read: the
	// first one where altnames holds the alternative login names (n130).
	MinReadSchema = 130
	// oldestMySQLUpgrade is the oldest version UpgradeSchema starts from on
	// MySQL; older databases need upstream's gromox-dbop -U first.
	oldestMySQLUpgrade = 103
)

// schemaTable is one table of the current schema: its name and the
// statements that create it (and its indexes), separated by ";\n".
type schemaTable struct {
	name string
	ddl  string
}

// upgradeStep moves a database from the previous version to version.
type upgradeStep struct {
	version int
	stmts   []string
}

// dialect holds what differs between the two backends. Queries are written
// once, with `backtick` quoting (which SQLite accepts too) and ? parameters;
// case-insensitive comparison comes from the column collations.
type dialect struct {
	name     string // Backend() value
	tables   []schemaTable
	upgrades []upgradeStep
	// oldestUpgrade is the oldest version UpgradeSchema can start from.
	oldestUpgrade int
	// forUpdate is appended to a SELECT to lock the rows read until the
	// transaction ends (SQLite transactions take the write lock at BEGIN).
	forUpdate string
	// insertIgnore starts an INSERT that skips rows violating a key.
	insertIgnore string
}

var (
	mysqlDialect = &dialect{
		name:          "mysql",
		tables:        mysqlTables,
		upgrades:      mysqlUpgrades,
		oldestUpgrade: oldestMySQLUpgrade,
		forUpdate:     " FOR UPDATE",
		insertIgnore:  "INSERT IGNORE INTO",
	}
	sqliteDialect = &dialect{
		name:          "sqlite",
		tables:        sqliteTables,
		upgrades:      sqliteUpgrades,
		oldestUpgrade: SchemaVersion,
		forUpdate:     "",
		insertIgnore:  "INSERT OR IGNORE INTO",
	}
)

// upsert returns an INSERT of cols into table that updates the non-key
// columns when a row with the same keys exists.
func (d *dialect) upsert(table string, cols, keys []string) string {
	q := make([]string, len(cols))
	for i := range q {
		q[i] = "?"
	}
	var set []string
	for _, c := range cols {
		if slicesContains(keys, c) {
			continue
		}
		if d == mysqlDialect {
			set = append(set, fmt.Sprintf("`%s`=VALUES(`%s`)", c, c))
		} else {
			set = append(set, fmt.Sprintf("`%s`=excluded.`%s`", c, c))
		}
	}
	s := fmt.Sprintf("INSERT INTO `%s` (`%s`) VALUES (%s)", table,
		strings.Join(cols, "`, `"), strings.Join(q, ", "))
	if d == mysqlDialect {
		return s + " ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
	}
	return s + " ON CONFLICT (`" + strings.Join(keys, "`, `") + "`) DO UPDATE SET " + strings.Join(set, ", ")
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// isDuplicate reports whether err is a unique or primary key violation.
func (d *dialect) isDuplicate(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062 // ER_DUP_ENTRY
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE ||
			se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// tableExists reports whether the database has the table.
func (db *DB) tableExists(ctx context.Context, name string) (bool, error) {
	var q string
	if db.d == mysqlDialect {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema=DATABASE() AND table_name=?"
	} else {
		q = "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name=?"
	}
	var n int
	if err := db.db.QueryRowContext(ctx, q, name).Scan(&n); err != nil {
		return false, fmt.Errorf("directory: looking for table %s: %w", name, err)
	}
	return n > 0, nil
}

// hasSchema reports whether the database holds a user schema of any
// version (the users table exists since version 0).
func (db *DB) hasSchema(ctx context.Context) (bool, error) {
	return db.tableExists(ctx, "users")
}

// SchemaVersion returns options.schemaversion: 0 when the database has no
// options table or no version row (upstream's schema 0, or no schema).
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	ok, err := db.tableExists(ctx, "options")
	if err != nil || !ok {
		return 0, err
	}
	var v sql.NullString
	err = db.db.QueryRowContext(ctx, "SELECT `value` FROM `options` WHERE `key`='schemaversion'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !v.Valid) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("directory: reading schema version: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v.String))
	if err != nil {
		return 0, fmt.Errorf("%w: options.schemaversion is %q", ErrSchema, v.String)
	}
	return n, nil
}

// CreateSchema creates every table of the current schema (133) and records
// the version, as `gromox dbop -C` does. The database must be empty of user
// tables; on MySQL the tables are exactly upstream's.
func (db *DB) CreateSchema(ctx context.Context) error {
	has, err := db.hasSchema(ctx)
	if err != nil {
		return err
	}
	if has {
		v, _ := db.SchemaVersion(ctx)
		return fmt.Errorf("directory: create schema: a user schema (version %d) is already there: %w", v, ErrExists)
	}
	setVersion := db.d.upsert("options", []string{"key", "value"}, []string{"key"})
	if db.d == mysqlDialect {
		// MySQL commits every CREATE TABLE by itself: no transaction.
		for _, t := range db.d.tables {
			if err := execAll(ctx, db.db, t.ddl); err != nil {
				return fmt.Errorf("directory: create table %s: %w", t.name, err)
			}
		}
		_, err := db.db.ExecContext(ctx, setVersion, "schemaversion", strconv.Itoa(SchemaVersion))
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range db.d.tables {
			if err := execAll(ctx, tx, t.ddl); err != nil {
				return fmt.Errorf("directory: create table %s: %w", t.name, err)
			}
		}
		_, err := tx.ExecContext(ctx, setVersion, "schemaversion", strconv.Itoa(SchemaVersion))
		return err
	})
}

// UpgradeSchema brings the schema to the current version, one step per
// upstream version, recording the version after each, as `gromox dbop -U`
// does. It returns the versions before and after. It refuses a database
// with no schema, one older than it has steps for, and one newer than it
// knows.
func (db *DB) UpgradeSchema(ctx context.Context) (from, to int, err error) {
	has, err := db.hasSchema(ctx)
	if err != nil {
		return 0, 0, err
	}
	if !has {
		return 0, 0, fmt.Errorf("%w: the database has no user schema; create it (gromox dbop -C)", ErrSchema)
	}
	from, err = db.SchemaVersion(ctx)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case from > SchemaVersion:
		return from, from, fmt.Errorf("%w: schema version %d is newer than %d, the newest this program knows", ErrSchema, from, SchemaVersion)
	case from == SchemaVersion:
		return from, from, nil
	case from < db.d.oldestUpgrade:
		return from, from, fmt.Errorf("%w: cannot upgrade %s schema version %d: the oldest version this program upgrades is %d (upgrade with upstream gromox-dbop -U first)",
			ErrSchema, db.d.name, from, db.d.oldestUpgrade)
	}
	setVersion := db.d.upsert("options", []string{"key", "value"}, []string{"key"})
	to = from
	for _, step := range db.d.upgrades {
		if step.version <= to {
			continue
		}
		run := func(ex execer) error {
			for _, s := range step.stmts {
				if err := execAll(ctx, ex, s); err != nil {
					return err
				}
			}
			_, err := ex.ExecContext(ctx, setVersion, "schemaversion", strconv.Itoa(step.version))
			return err
		}
		if db.d == mysqlDialect {
			err = run(db.db)
		} else {
			err = db.inTx(ctx, func(tx *sql.Tx) error { return run(tx) })
		}
		if err != nil {
			return from, to, fmt.Errorf("directory: upgrading schema to version %d: %w", step.version, err)
		}
		to = step.version
	}
	if to != SchemaVersion {
		return from, to, fmt.Errorf("%w: no upgrade path from version %d to %d", ErrSchema, to, SchemaVersion)
	}
	return from, to, nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// execAll runs the statements of s, separated by ";\n", one by one.
func execAll(ctx context.Context, ex execer, s string) error {
	for _, stmt := range strings.Split(s, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := ex.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}
