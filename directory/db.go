package directory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// DB is the user database on either backend: MariaDB/MySQL with upstream's
// tables, or an embedded SQLite file with the same tables. Both backends run
// the same queries; the few differences live in dialect (schema.go).
//
// Every write is one transaction. Lookup, on the login path, is one
// (prepared) query; Resolve is that query plus one per list it expands.
type DB struct {
	db *sql.DB
	d  *dialect
	// login is loginQuery, prepared once: parsing it costs more than
	// running it on SQLite.
	login *sql.Stmt
}

var _ Lookuper = (*DB)(nil)

// Property tags read by GAL and written by AddUser, besides PropDisplayName
// and PropDisplayTypeEx.
const (
	propCreationTime     = 0x30070040 // PR_CREATION_TIME, NT time as decimal text
	propAttrHidden       = 0x10F4000B // PR_ATTR_HIDDEN (PT_BOOLEAN)
	propAttrHiddenGromox = 0x10F40003 // PR_ATTR_HIDDEN_GROMOX (PT_LONG, AB_HIDE_* bits)

	abHideFromGAL = 0x01 // AB_HIDE_FROM_GAL
	abHideDefault = 0x03 // what PR_ATTR_HIDDEN=1 means: hidden from GAL and address lists
)

const (
	// maxAddress is the length of the address columns (varchar(320)).
	maxAddress = 320
	// UnlimitedUsers is the max_user AddDomain writes for NewDomain.MaxUser
	// 0: the largest value of the column (int(10) unsigned), so that
	// grommunio-admin reading the same row agrees there is no limit.
	UnlimitedUsers = 4294967295
	// domainEndDay is the domains.end_day grommunio-admin writes by default.
	domainEndDay = "3333-03-03"
	// maxListDepth bounds the expansion of lists nested in lists, as
	// upstream's delivery does.
	maxListDepth = 8
)

// OpenSQLite opens the SQLite directory at path, creating the file and the
// schema when they do not exist and upgrading an older schema of ours. The
// file runs in WAL mode with foreign keys enforced.
func OpenSQLite(path string) (*DB, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("directory: open sqlite %q: %w: unusable file name", path, ErrInvalid)
	}
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("directory: open sqlite %s: %w", path, err)
	}
	db := &DB{db: sdb, d: sqliteDialect}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := db.prepareSQLite(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("directory: open sqlite %s: %w", path, err)
	}
	if err := db.prepareLogin(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("directory: open sqlite %s: %w", path, err)
	}
	return db, nil
}

func (db *DB) prepareSQLite(ctx context.Context) error {
	has, err := db.hasSchema(ctx)
	if err != nil {
		return err
	}
	if !has {
		var n int
		if err := db.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type='table'").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: the file has tables but no users table: not a directory database", ErrSchema)
		}
		return db.CreateSchema(ctx)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v < SchemaVersion {
		_, _, err = db.UpgradeSchema(ctx)
	}
	return err
}

// OpenMySQL opens a MariaDB/MySQL user database, for the server. It changes
// nothing in the database: it refuses one without a user schema or with a
// schema older than MinReadSchema (upgrade it with UpgradeSchema, i.e.
// `gromox dbop -U`). The DSN is go-sql-driver/mysql's, e.g.
// "gromox:secret@tcp(localhost:3306)/grommunio".
func OpenMySQL(dsn string) (*DB, error) {
	db, err := OpenMySQLUnchecked(dsn)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.checkReadable(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.prepareLogin(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("directory: mysql: %w", err)
	}
	return db, nil
}

func (db *DB) checkReadable(ctx context.Context) error {
	has, err := db.hasSchema(ctx)
	if err != nil {
		return err
	}
	if !has {
		return fmt.Errorf("%w: the database has no Gromox user tables; create them with gromox dbop -C", ErrSchema)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if v < MinReadSchema {
		return fmt.Errorf("%w: schema version %d is older than %d, the oldest this server reads; upgrade with gromox dbop -U",
			ErrSchema, v, MinReadSchema)
	}
	return nil
}

// prepareLogin prepares the login query, once the schema is known to be
// there. (Without it, Lookup sends the query text each time.)
func (db *DB) prepareLogin(ctx context.Context) error {
	st, err := db.db.PrepareContext(ctx, loginQuery)
	if err != nil {
		return fmt.Errorf("preparing the login query: %w", err)
	}
	db.login = st
	return nil
}

// OpenMySQLUnchecked opens a MariaDB/MySQL database without looking at its
// schema, for the schema tools (CreateSchema, UpgradeSchema, SchemaVersion).
func OpenMySQLUnchecked(dsn string) (*DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("directory: mysql DSN: %w", err)
	}
	if cfg.DBName == "" {
		return nil, fmt.Errorf("directory: mysql DSN %q names no database: %w", dsn, ErrInvalid)
	}
	// Rows matched, not rows changed, so that an UPDATE writing the value
	// already there still finds its row.
	cfg.ClientFoundRows = true
	// One round trip per unprepared query instead of three (prepare,
	// execute, close); safe with the utf8mb4 connection charset.
	cfg.InterpolateParams = true
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("directory: mysql: %w", err)
	}
	sdb := sql.OpenDB(conn)
	sdb.SetMaxIdleConns(8)
	sdb.SetConnMaxIdleTime(time.Minute)
	sdb.SetConnMaxLifetime(30 * time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("directory: mysql %s@%s/%s: %w", cfg.User, cfg.Addr, cfg.DBName, err)
	}
	return &DB{db: sdb, d: mysqlDialect}, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.login != nil {
		db.login.Close()
	}
	return db.db.Close()
}

// Backend is "mysql" or "sqlite".
func (db *DB) Backend() string { return db.d.name }

func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("directory: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("directory: commit: %w", err)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Reading users

// userSelect reads a users row joined with its domain, the two properties
// the server needs (propval_bin wins over propval_str, lowest order_id) and,
// for a mailing list, its mlists row. scanUser reads its columns.
const userSelect = "SELECT u.`id`, u.`username`, u.`domain_id`, u.`group_id`, u.`homeserver`," +
	" u.`maildir`, u.`lang`, u.`timezone`, u.`privilege_bits`, u.`address_status`," +
	" u.`password`, u.`externid`," +
	" COALESCE(d.`domainname`, ''), COALESCE(d.`org_id`, 0), COALESCE(d.`domain_status`, 0)," +
	" (SELECT COALESCE(p.`propval_bin`, p.`propval_str`) FROM `user_properties` AS p" +
	"  WHERE p.`user_id`=u.`id` AND p.`proptag`=805371935 ORDER BY p.`order_id` LIMIT 1)," + // PR_DISPLAY_NAME
	" (SELECT COALESCE(p.`propval_bin`, p.`propval_str`) FROM `user_properties` AS p" +
	"  WHERE p.`user_id`=u.`id` AND p.`proptag`=956628995 ORDER BY p.`order_id` LIMIT 1)," + // PR_DISPLAY_TYPE_EX
	" ml.`id`, ml.`list_type`, ml.`list_privilege`, ml.`domain_id`"

const userJoins = " LEFT JOIN `domains` AS d ON d.`id`=u.`domain_id`" +
	" LEFT JOIN `mlists` AS ml ON ml.`listname`=u.`username`"

// loginQuery matches one name against users.username, altnames.altname and
// aliases.aliasname (→ the alias' users row), as upstream's login query
// does, and reads every account found, once: one account reachable by two
// of its names is one row, not an ambiguity. altname and aliasname are
// unique keys, so each subquery yields at most one value; the three
// conditions are index lookups that both engines combine (MariaDB: an
// index_merge union, SQLite: a multi-index OR), with no temporary table.
const loginQuery = userSelect + " FROM `users` AS u" + userJoins +
	" WHERE u.`username`=?" +
	" OR u.`id`=(SELECT `user_id` FROM `altnames` WHERE `altname`=?)" +
	" OR u.`username`=(SELECT `mainname` FROM `aliases` WHERE `aliasname`=?)" +
	" LIMIT 2"

// listRef is the mlists row of a users row, if it is a mailing list.
type listRef struct {
	id, listType, privilege, domainID int64
	valid                             bool
}

type rowScanner interface{ Scan(dest ...any) error }

func scanUser(sc rowScanner) (*User, listRef, error) {
	var (
		u                                   User
		homeserver, priv, status, domStatus int64
		externid                            []byte
		dname, dtype                        sql.NullString
		lid, ltype, lpriv, ldom             sql.NullInt64
	)
	err := sc.Scan(&u.ID, &u.Username, &u.DomainID, &u.GroupID, &homeserver,
		&u.Maildir, &u.Lang, &u.Timezone, &priv, &status,
		&u.PasswordHash, &externid,
		&u.Domain, &u.OrgID, &domStatus,
		&dname, &dtype,
		&lid, &ltype, &lpriv, &ldom)
	if err != nil {
		return nil, listRef{}, err
	}
	u.Homeserver = int(homeserver)
	u.PrivilegeBits = uint32(priv)
	u.AddressStatus = mergeStatus(status, domStatus)
	u.ExternID = externid
	u.DisplayName = dname.String
	u.DisplayType = DTMailUser
	if dtype.Valid {
		u.DisplayType = parsePropUint(dtype.String)
	}
	ref := listRef{id: lid.Int64, listType: ltype.Int64, privilege: lpriv.Int64, domainID: ldom.Int64, valid: lid.Valid}
	return &u, ref, nil
}

// mergeStatus combines users.address_status with domains.domain_status.
// grommunio-admin keeps the domain state in bits 0x30 of every user of the
// domain (address_status = user state | domain_status<<4) and upstream
// reads only address_status; OR-ing in the domain row as well keeps a
// suspended or deleted domain effective even where a tool updated only the
// domains row.
func mergeStatus(addressStatus, domainStatus int64) uint8 {
	return uint8(addressStatus) | uint8(domainStatus<<4)&DomainStatusMask
}

// parsePropUint reads an integer property stored as decimal text (upstream
// reads them with strtoul, so a 0x prefix works too). Unparsable is 0.
func parsePropUint(s string) uint32 {
	s = strings.TrimSpace(s)
	if v, err := strconv.ParseUint(s, 10, 32); err == nil {
		return uint32(v)
	}
	if v, err := strconv.ParseUint(s, 0, 32); err == nil {
		return uint32(v)
	}
	return 0
}

// plausibleName reports whether a login name or address can be in the
// database at all: the columns are ASCII and at most 320 characters.
func plausibleName(s string) bool {
	if s == "" || len(s) > maxAddress {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Lookup finds the account a login name belongs to: by users.username, by
// altnames.altname or by aliases.aliasname, case-insensitively, in one
// query. It returns ErrNotFound when nothing matches and ErrAmbiguous when
// the name leads to two different accounts. Mailing lists, contacts and
// disabled accounts are returned too: LoginAllowed and DisplayType tell
// whether the account may log in.
func (db *DB) Lookup(ctx context.Context, login string) (*User, error) {
	u, _, err := db.lookup(ctx, login)
	return u, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) lookup(ctx context.Context, login string) (*User, listRef, error) {
	if !plausibleName(login) {
		return nil, listRef{}, fmt.Errorf("directory: lookup %q: %w", login, ErrNotFound)
	}
	var rows *sql.Rows
	var err error
	if db.login != nil {
		rows, err = db.login.QueryContext(ctx, login, login, login)
	} else {
		rows, err = db.db.QueryContext(ctx, loginQuery, login, login, login)
	}
	if err != nil {
		return nil, listRef{}, fmt.Errorf("directory: lookup %q: %w", login, err)
	}
	defer rows.Close()
	var (
		found []*User
		ref   listRef
	)
	for rows.Next() {
		u, r, err := scanUser(rows)
		if err != nil {
			return nil, listRef{}, fmt.Errorf("directory: lookup %q: %w", login, err)
		}
		found = append(found, u)
		ref = r
	}
	if err := rows.Err(); err != nil {
		return nil, listRef{}, fmt.Errorf("directory: lookup %q: %w", login, err)
	}
	switch len(found) {
	case 0:
		return nil, listRef{}, fmt.Errorf("directory: lookup %q: %w", login, ErrNotFound)
	case 1:
		return found[0], ref, nil
	}
	return nil, listRef{}, fmt.Errorf("directory: lookup %q (%s, %s): %w", login, found[0].Username, found[1].Username, ErrAmbiguous)
}

// Resolve finds what a delivery address stands for: the account (by
// username, altname or alias, as Lookup) or, when that account is a mailing
// list, the list with its members. Members of a normal list come from
// associations, each member address resolved through aliases to its
// account's username; those of a domain list are all mail users of the
// list's domain. Lists nested in a list are expanded (up to 8 levels, each
// list once). Members are de-duplicated case-insensitively and sorted.
// Stripping a recipient delimiter (user+tag@) is the caller's job.
func (db *DB) Resolve(ctx context.Context, addr string) (*Recipient, error) {
	u, ref, err := db.lookup(ctx, addr)
	if err != nil {
		return nil, err
	}
	if !ref.valid {
		return &Recipient{Kind: RecipientUser, User: u}, nil
	}
	x := listExpansion{seen: map[int64]bool{}, members: map[string]string{}}
	if err := db.expandList(ctx, &x, ref, 0); err != nil {
		return nil, fmt.Errorf("directory: resolve list %s: %w", u.Username, err)
	}
	members := make([]string, 0, len(x.members))
	for _, m := range x.members {
		members = append(members, m)
	}
	sort.Slice(members, func(i, j int) bool {
		return strings.ToLower(members[i]) < strings.ToLower(members[j])
	})
	return &Recipient{Kind: RecipientList, User: u, Members: members, ListPrivilege: int(ref.privilege)}, nil
}

type listExpansion struct {
	seen    map[int64]bool    // list ids expanded
	members map[string]string // lower-case address → address
}

func (x *listExpansion) add(addr string) {
	k := strings.ToLower(addr)
	if _, ok := x.members[k]; !ok {
		x.members[k] = addr
	}
}

// listMemberQuery reads the members of a normal list with, for each, the
// account it names (directly or through an alias) and that account's list.
const listMemberQuery = "SELECT a.`username`, COALESCE(u1.`username`, u2.`username`)," +
	" COALESCE(m1.`id`, m2.`id`), COALESCE(m1.`list_type`, m2.`list_type`), COALESCE(m1.`domain_id`, m2.`domain_id`)" +
	" FROM `associations` AS a" +
	" LEFT JOIN `users` AS u1 ON u1.`username`=a.`username`" +
	" LEFT JOIN `aliases` AS al ON al.`aliasname`=a.`username`" +
	" LEFT JOIN `users` AS u2 ON u2.`username`=al.`mainname`" +
	" LEFT JOIN `mlists` AS m1 ON m1.`listname`=u1.`username`" +
	" LEFT JOIN `mlists` AS m2 ON m2.`listname`=u2.`username`" +
	" WHERE a.`list_id`=? ORDER BY a.`username`"

// domainMemberQuery reads the users of a domain with their display type.
const domainMemberQuery = "SELECT u.`username`, u.`address_status`," +
	" (SELECT COALESCE(p.`propval_bin`, p.`propval_str`) FROM `user_properties` AS p" +
	"  WHERE p.`user_id`=u.`id` AND p.`proptag`=956628995 ORDER BY p.`order_id` LIMIT 1)" +
	" FROM `users` AS u WHERE u.`domain_id`=? ORDER BY u.`username`"

func (db *DB) expandList(ctx context.Context, x *listExpansion, ref listRef, depth int) error {
	if x.seen[ref.id] {
		return nil
	}
	if depth >= maxListDepth {
		return fmt.Errorf("%w: lists nested deeper than %d", ErrInvalid, maxListDepth)
	}
	x.seen[ref.id] = true
	if ref.listType == ListDomain {
		// Upstream expands a domain list to the DT_MAILUSER objects of
		// the domain; contacts are remote objects even when their
		// display type says mail user.
		rows, err := db.db.QueryContext(ctx, domainMemberQuery, ref.domainID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name string
			var status int64
			var dt sql.NullString
			if err := rows.Scan(&name, &status, &dt); err != nil {
				return err
			}
			if (dt.Valid && parsePropUint(dt.String) != DTMailUser) || status&StatusMask == StatusContact {
				continue
			}
			x.add(name)
		}
		return rows.Err()
	}
	rows, err := db.db.QueryContext(ctx, listMemberQuery, ref.id)
	if err != nil {
		return err
	}
	var sub []listRef
	for rows.Next() {
		var raw string
		var canon sql.NullString
		var lid, ltype, ldom sql.NullInt64
		if err := rows.Scan(&raw, &canon, &lid, &ltype, &ldom); err != nil {
			rows.Close()
			return err
		}
		if lid.Valid {
			sub = append(sub, listRef{id: lid.Int64, listType: ltype.Int64, domainID: ldom.Int64, valid: true})
			continue
		}
		if canon.Valid {
			x.add(canon.String)
		} else if raw = strings.TrimSpace(raw); raw != "" {
			x.add(raw) // not ours: an external member
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, s := range sub {
		if err := db.expandList(ctx, x, s, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// GAL returns every object of the address book that users of the domain
// see: the users, lists, rooms, equipment and contacts of all domains of the
// domain's organisation (domains.org_id, when not 0), else of the domain
// alone, as upstream's address book builds it. Objects hidden from the GAL
// (PR_ATTR_HIDDEN_GROMOX with AB_HIDE_FROM_GAL, or PR_ATTR_HIDDEN set) are
// returned with Hidden set. The order is upstream's: by display name (or
// username when there is none), case-insensitively, then by username.
func (db *DB) GAL(ctx context.Context, domainID int64) ([]GALEntry, error) {
	var orgID int64
	err := db.db.QueryRowContext(ctx, "SELECT `org_id` FROM `domains` WHERE `id`=?", domainID).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("directory: GAL of domain %d: %w", domainID, ErrNotFound)
	} else if err != nil {
		return nil, fmt.Errorf("directory: GAL of domain %d: %w", domainID, err)
	}
	q := "SELECT u.`id`, u.`username`, u.`domain_id`, u.`address_status`," +
		" p.`proptag`, p.`propval_bin`, p.`propval_str`" +
		" FROM `users` AS u LEFT JOIN `user_properties` AS p ON p.`user_id`=u.`id`"
	arg := domainID
	if orgID != 0 {
		q += " WHERE u.`domain_id` IN (SELECT `id` FROM `domains` WHERE `org_id`=?)"
		arg = orgID
	} else {
		q += " WHERE u.`domain_id`=?"
	}
	q += " ORDER BY u.`id`, p.`proptag`, p.`order_id`"
	rows, err := db.db.QueryContext(ctx, q, arg)
	if err != nil {
		return nil, fmt.Errorf("directory: GAL of domain %d: %w", domainID, err)
	}
	defer rows.Close()
	var (
		out    []GALEntry
		status []int64
	)
	for rows.Next() {
		var (
			id, dom, st int64
			name        string
			tag         sql.NullInt64
			bin         []byte
			str         sql.NullString
		)
		if err := rows.Scan(&id, &name, &dom, &st, &tag, &bin, &str); err != nil {
			return nil, fmt.Errorf("directory: GAL of domain %d: %w", domainID, err)
		}
		if len(out) == 0 || out[len(out)-1].ID != id {
			out = append(out, GALEntry{ID: id, Username: name, DomainID: dom, Props: map[uint32]string{}})
			status = append(status, st)
		}
		e := &out[len(out)-1]
		if !tag.Valid || (bin == nil && !str.Valid) {
			continue
		}
		if _, dup := e.Props[uint32(tag.Int64)]; dup {
			continue // a later order_id of a multi-value property
		}
		if bin != nil {
			e.Props[uint32(tag.Int64)] = string(bin)
		} else {
			e.Props[uint32(tag.Int64)] = str.String
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: GAL of domain %d: %w", domainID, err)
	}
	for i := range out {
		e := &out[i]
		e.DisplayName = e.Props[PropDisplayName]
		e.DisplayType = DTMailUser
		if v, ok := e.Props[PropDisplayTypeEx]; ok {
			e.DisplayType = parsePropUint(v)
		}
		if e.DisplayType == DTMailUser && status[i]&StatusMask == StatusContact {
			e.DisplayType = DTRemote
		}
		var cloak uint32
		if v, ok := e.Props[propAttrHiddenGromox]; ok {
			cloak = parsePropUint(v)
		} else if v, ok := e.Props[propAttrHidden]; ok && parsePropUint(v) != 0 {
			cloak = abHideDefault
		}
		e.Hidden = cloak&abHideFromGAL != 0
	}
	sortKey := func(e *GALEntry) string {
		if e.DisplayName != "" {
			return strings.ToLower(e.DisplayName)
		}
		return strings.ToLower(e.Username)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := sortKey(&out[i]), sortKey(&out[j])
		if a != b {
			return a < b
		}
		if x, y := strings.ToLower(out[i].Username), strings.ToLower(out[j].Username); x != y {
			return x < y
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// ---------------------------------------------------------------------------
// Domains

const domainSelect = "SELECT `id`, `org_id`, `domainname`, `homeserver`, `homedir`, `max_user`, `title`, `domain_status` FROM `domains`"

func scanDomain(sc rowScanner) (*Domain, error) {
	var d Domain
	var maxUser, status int64
	if err := sc.Scan(&d.ID, &d.OrgID, &d.Name, &d.Homeserver, &d.Homedir, &maxUser, &d.Title, &status); err != nil {
		return nil, err
	}
	d.MaxUser = int(maxUser)
	d.Status = uint8(status)
	return &d, nil
}

// domainByName reads a domain, locking its row in a write transaction.
func (db *DB) domainByName(ctx context.Context, q querier, name string, lock bool) (*Domain, error) {
	query := domainSelect + " WHERE `domainname`=?"
	if lock {
		query += db.d.forUpdate
	}
	d, err := scanDomain(q.QueryRowContext(ctx, query, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("domain %s: %w", name, ErrNotFound)
	}
	return d, err
}

// AddDomain creates a domain, as grommunio-admin does (end_day 3333-03-03,
// status normal, homeserver 0). MaxUser 0 means no limit (UnlimitedUsers).
// The organisation id is written as given.
func (db *DB) AddDomain(ctx context.Context, nd NewDomain) (*Domain, error) {
	if err := validDomainName(nd.Name); err != nil {
		return nil, fmt.Errorf("directory: add domain: %w", err)
	}
	if nd.MaxUser < 0 || nd.MaxUser > UnlimitedUsers || nd.OrgID < 0 ||
		len(nd.Homedir) > 128 || utf8.RuneCountInString(nd.Title) > 128 || !utf8.ValidString(nd.Title) {
		return nil, fmt.Errorf("directory: add domain %s: %w: max_user, org id, homedir or title out of range", nd.Name, ErrInvalid)
	}
	maxUser := nd.MaxUser
	if maxUser == 0 {
		maxUser = UnlimitedUsers
	}
	var d *Domain
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO `domains` (`org_id`, `domainname`, `homeserver`, `homedir`,"+
			" `max_user`, `title`, `address`, `admin_name`, `tel`, `end_day`, `domain_status`)"+
			" VALUES (?, ?, 0, ?, ?, ?, '', '', '', ?, 0)",
			nd.OrgID, nd.Name, nd.Homedir, maxUser, nd.Title, domainEndDay)
		if db.d.isDuplicate(err) {
			return fmt.Errorf("directory: add domain %s: %w", nd.Name, ErrExists)
		} else if err != nil {
			return fmt.Errorf("directory: add domain %s: %w", nd.Name, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("directory: add domain %s: %w", nd.Name, err)
		}
		d, err = scanDomain(tx.QueryRowContext(ctx, domainSelect+" WHERE `id`=?", id))
		return err
	})
	return d, err
}

// RemoveDomain deletes a domain that has no users left (lists count as
// users); it refuses with ErrInvalid otherwise. Groups, classes and lists
// rows that still point at the domain go with it.
func (db *DB) RemoveDomain(ctx context.Context, name string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.domainByName(ctx, tx, name, true)
		if err != nil {
			return fmt.Errorf("directory: remove domain: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM `users` WHERE `domain_id`=?", d.ID).Scan(&n); err != nil {
			return fmt.Errorf("directory: remove domain %s: %w", name, err)
		}
		if n > 0 {
			return fmt.Errorf("directory: remove domain %s: %w: it still has %d users", name, ErrInvalid, n)
		}
		for _, q := range []string{
			"DELETE FROM `groups` WHERE `domain_id`=?",
			"DELETE FROM `classes` WHERE `domain_id`=?",
			"DELETE FROM `mlists` WHERE `domain_id`=?",
			"DELETE FROM `domains` WHERE `id`=?", // disabled_plugins cascade
		} {
			if _, err := tx.ExecContext(ctx, q, d.ID); err != nil {
				return fmt.Errorf("directory: remove domain %s: %w", name, err)
			}
		}
		return nil
	})
}

// Domains lists every domain, by name.
func (db *DB) Domains(ctx context.Context) ([]Domain, error) {
	rows, err := db.db.QueryContext(ctx, domainSelect+" ORDER BY `domainname`")
	if err != nil {
		return nil, fmt.Errorf("directory: domains: %w", err)
	}
	defer rows.Close()
	var out []Domain
	for rows.Next() {
		d, err := scanDomain(rows)
		if err != nil {
			return nil, fmt.Errorf("directory: domains: %w", err)
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// Domain reads one domain by name (case-insensitively).
func (db *DB) Domain(ctx context.Context, name string) (*Domain, error) {
	if !plausibleName(name) {
		return nil, fmt.Errorf("directory: domain %q: %w", name, ErrNotFound)
	}
	d, err := db.domainByName(ctx, db.db, name, false)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	return d, nil
}

// SetDomainStatus sets domains.domain_status and, as grommunio-admin does,
// the domain bits (0x30) of address_status of every user of the domain,
// keeping each user's own state. status is the domain_status value (0
// normal, 1 suspended, 2 out of date, 3 deleted) or the same state as
// address_status bits (DomainStatusSuspended 0x10, DomainStatusDeleted 0x30).
func (db *DB) SetDomainStatus(ctx context.Context, domain string, status uint8) error {
	if status&^DomainStatusMask == 0 {
		status >>= 4
	}
	if status > 3 {
		return fmt.Errorf("directory: set status of domain %s: %w: status %#x", domain, ErrInvalid, status)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.domainByName(ctx, tx, domain, true)
		if err != nil {
			return fmt.Errorf("directory: set domain status: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE `domains` SET `domain_status`=? WHERE `id`=?", status, d.ID); err != nil {
			return fmt.Errorf("directory: set status of domain %s: %w", domain, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE `users` SET `address_status`=(`address_status` & 15) | ? WHERE `domain_id`=?",
			int(status)<<4, d.ID); err != nil {
			return fmt.Errorf("directory: set status of domain %s: %w", domain, err)
		}
		return nil
	})
}

// ---------------------------------------------------------------------------
// Users

// nameTaken reports whether name is already a username, altname or alias.
func nameTaken(ctx context.Context, q querier, name string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM `users` WHERE `username`=?"+
		" UNION ALL SELECT 1 FROM `altnames` WHERE `altname`=?"+
		" UNION ALL SELECT 1 FROM `aliases` WHERE `aliasname`=? LIMIT 1", name, name, name).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// countedUsers counts the users of a domain that max_user limits, by
// grommunio-admin's rule: accounts with a mailbox (maildir set) in the
// normal state (bits 0x07 of address_status zero). Lists, contacts and
// suspended or deleted accounts do not count.
func countedUsers(ctx context.Context, q querier, domainID int64) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM `users` WHERE `domain_id`=? AND `maildir`<>'' AND (`address_status` & 7)=0",
		domainID).Scan(&n)
	return n, err
}

func validUserState(s uint8) bool {
	switch s {
	case StatusNormal, StatusSuspended, StatusDeleted, StatusShared, StatusContact:
		return true
	}
	return false
}

// ntTime converts t to Windows FILETIME units (100 ns since 1601).
func ntTime(t time.Time) int64 {
	return (t.Unix()+11644473600)*10000000 + int64(t.Nanosecond()/100)
}

// AddUser creates an account in an existing domain, as grommunio-admin
// does: the users row (username as local part @ the domain's stored name,
// password as $6$ crypt, privilege bits DefaultPrivileges unless given, the
// domain's state merged into address_status), and PR_DISPLAY_NAME,
// PR_DISPLAY_TYPE_EX and PR_CREATION_TIME in user_properties. The domain's
// max_user is enforced (see countedUsers). The name must not be in use as a
// username, altname or alias.
func (db *DB) AddUser(ctx context.Context, nu NewUser) (*User, error) {
	local, domain, err := splitAddress(nu.Username)
	if err != nil {
		return nil, fmt.Errorf("directory: add user: %w", err)
	}
	switch {
	case nu.DisplayType != DTMailUser && nu.DisplayType != DTRoom && nu.DisplayType != DTEquipment && nu.DisplayType != DTRemote:
		return nil, fmt.Errorf("directory: add user %s: %w: display type %d (lists are made with AddList)", nu.Username, ErrInvalid, nu.DisplayType)
	case !validUserState(nu.AddressStatus):
		return nil, fmt.Errorf("directory: add user %s: %w: address status %#x", nu.Username, ErrInvalid, nu.AddressStatus)
	case len(nu.Maildir) > 128 || len(nu.Lang) > 32 || len(nu.Timezone) > 64:
		return nil, fmt.Errorf("directory: add user %s: %w: maildir, lang or timezone too long", nu.Username, ErrInvalid)
	case !utf8.ValidString(nu.DisplayName) || len(nu.DisplayName) > 4000:
		return nil, fmt.Errorf("directory: add user %s: %w: display name", nu.Username, ErrInvalid)
	}
	hash := ""
	if nu.Password != "" {
		if hash, err = HashPassword(nu.Password); err != nil {
			return nil, fmt.Errorf("directory: add user %s: %w", nu.Username, err)
		}
	}
	priv := nu.PrivilegeBits
	if priv == 0 {
		priv = DefaultPrivileges
	}
	var username string
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.domainByName(ctx, tx, domain, true)
		if err != nil {
			return fmt.Errorf("directory: add user %s: %w", nu.Username, err)
		}
		username = local + "@" + d.Name
		n, err := countedUsers(ctx, tx, d.ID)
		if err != nil {
			return fmt.Errorf("directory: add user %s: %w", username, err)
		}
		if n >= d.MaxUser {
			return fmt.Errorf("directory: add user %s: %w: domain %s has reached its limit of %d users", username, ErrInvalid, d.Name, d.MaxUser)
		}
		id, err := db.insertUser(ctx, tx, username, hash, d, nu.Maildir, nu.Lang, nu.Timezone, priv, nu.AddressStatus)
		if err != nil {
			return err
		}
		props := [][2]any{
			{PropDisplayTypeEx, strconv.FormatUint(uint64(nu.DisplayType), 10)},
			{propCreationTime, strconv.FormatInt(ntTime(time.Now()), 10)},
		}
		if nu.DisplayName != "" {
			props = append(props, [2]any{PropDisplayName, nu.DisplayName})
		}
		return insertProps(ctx, tx, id, props)
	})
	if err != nil {
		return nil, err
	}
	return db.Lookup(ctx, username)
}

// insertUser writes a users row after checking the name is free.
func (db *DB) insertUser(ctx context.Context, tx *sql.Tx, username, hash string, d *Domain,
	maildir, lang, tz string, priv uint32, userState uint8) (int64, error) {
	taken, err := nameTaken(ctx, tx, username)
	if err != nil {
		return 0, fmt.Errorf("directory: add %s: %w", username, err)
	}
	if taken {
		return 0, fmt.Errorf("directory: add %s: %w", username, ErrExists)
	}
	status := int(userState&StatusMask) | int(d.Status)<<4&DomainStatusMask
	res, err := tx.ExecContext(ctx, "INSERT INTO `users` (`username`, `password`, `domain_id`, `group_id`,"+
		" `homeserver`, `maildir`, `lang`, `timezone`, `privilege_bits`, `address_status`)"+
		" VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?, ?)",
		username, hash, d.ID, maildir, lang, tz, priv, status)
	if db.d.isDuplicate(err) {
		return 0, fmt.Errorf("directory: add %s: %w", username, ErrExists)
	} else if err != nil {
		return 0, fmt.Errorf("directory: add %s: %w", username, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("directory: add %s: %w", username, err)
	}
	return id, nil
}

func insertProps(ctx context.Context, tx *sql.Tx, userID int64, props [][2]any) error {
	for _, p := range props {
		if _, err := tx.ExecContext(ctx, "INSERT INTO `user_properties` (`user_id`, `proptag`, `order_id`, `propval_str`) VALUES (?, ?, 1, ?)",
			userID, p[0], p[1]); err != nil {
			return fmt.Errorf("directory: user %d: property %#x: %w", userID, p[0], err)
		}
	}
	return nil
}

// userID reads the id and canonical name of a users row by username.
func userID(ctx context.Context, q querier, username string) (int64, string, error) {
	var id int64
	var name string
	if !plausibleName(username) {
		return 0, "", fmt.Errorf("user %q: %w", username, ErrNotFound)
	}
	err := q.QueryRowContext(ctx, "SELECT `id`, `username` FROM `users` WHERE `username`=?", username).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", fmt.Errorf("user %s: %w", username, ErrNotFound)
	}
	return id, name, err
}

// RemoveUser deletes an account (or a list) by username, as grommunio-admin
// does: its forwards and its memberships in lists by name, and the users
// row, whose aliases, altnames, properties, list row and device, fetchmail
// and role rows go by cascade. A list's own members and allowed senders go
// too.
func (db *DB) RemoveUser(ctx context.Context, username string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		id, name, err := userID(ctx, tx, username)
		if err != nil {
			return fmt.Errorf("directory: remove user: %w", err)
		}
		return removeUserRow(ctx, tx, id, name)
	})
}

func removeUserRow(ctx context.Context, tx *sql.Tx, id int64, name string) error {
	for _, q := range []struct {
		sql string
		arg any
	}{
		{"DELETE FROM `associations` WHERE `list_id` IN (SELECT `id` FROM `mlists` WHERE `listname`=?)", name},
		{"DELETE FROM `specifieds` WHERE `list_id` IN (SELECT `id` FROM `mlists` WHERE `listname`=?)", name},
		{"DELETE FROM `forwards` WHERE `username`=?", name},
		{"DELETE FROM `associations` WHERE `username`=?", name},
		{"DELETE FROM `users` WHERE `id`=?", id},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.arg); err != nil {
			return fmt.Errorf("directory: remove %s: %w", name, err)
		}
	}
	return nil
}

// Users lists the users rows (accounts, lists, contacts) of one domain, or
// of all domains when domain is empty, by username.
func (db *DB) Users(ctx context.Context, domain string) ([]User, error) {
	q := userSelect + " FROM `users` AS u" + userJoins
	var args []any
	if domain != "" {
		d, err := db.Domain(ctx, domain)
		if err != nil {
			return nil, err
		}
		q += " WHERE u.`domain_id`=?"
		args = append(args, d.ID)
	}
	q += " ORDER BY u.`username`"
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("directory: users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, _, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("directory: users: %w", err)
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// SetPassword stores a new password ($6$ crypt) for username.
func (db *DB) SetPassword(ctx context.Context, username, password string) error {
	if password == "" {
		return fmt.Errorf("directory: set password of %s: %w: empty password", username, ErrInvalid)
	}
	hash, err := HashPassword(password)
	if err != nil {
		return fmt.Errorf("directory: set password of %s: %w", username, err)
	}
	return db.updateUser(ctx, "set password", username, "UPDATE `users` SET `password`=? WHERE `username`=?", hash, username)
}

// SetAddressStatus sets the user state (the low nibble of address_status:
// StatusNormal, StatusSuspended, StatusDeleted, StatusShared,
// StatusContact), keeping the domain bits.
func (db *DB) SetAddressStatus(ctx context.Context, username string, status uint8) error {
	if !validUserState(status) {
		return fmt.Errorf("directory: set status of %s: %w: status %#x", username, ErrInvalid, status)
	}
	return db.updateUser(ctx, "set status", username,
		"UPDATE `users` SET `address_status`=(`address_status` & 48) | ? WHERE `username`=?", status, username)
}

func (db *DB) updateUser(ctx context.Context, op, username, q string, args ...any) error {
	if !plausibleName(username) {
		return fmt.Errorf("directory: %s of %q: %w", op, username, ErrNotFound)
	}
	res, err := db.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("directory: %s of %s: %w", op, username, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("directory: %s of %s: %w", op, username, err)
	} else if n == 0 {
		return fmt.Errorf("directory: %s of %s: %w", op, username, ErrNotFound)
	}
	return nil
}

// ---------------------------------------------------------------------------
// Aliases and alternative names

// AddAlias adds alias as another address of the account username. As in
// grommunio-admin, the alias' domain must be hosted here and belong to the
// same organisation id as the account's domain. The alias must not be in
// use as a username, altname or alias.
func (db *DB) AddAlias(ctx context.Context, alias, username string) error {
	_, aliasDomain, err := splitAddress(alias)
	if err != nil {
		return fmt.Errorf("directory: add alias: %w", err)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var main string
		var userOrg int64
		err := tx.QueryRowContext(ctx, "SELECT u.`username`, d.`org_id` FROM `users` AS u"+
			" INNER JOIN `domains` AS d ON d.`id`=u.`domain_id` WHERE u.`username`=?", username).Scan(&main, &userOrg)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("directory: add alias %s: user %s: %w", alias, username, ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("directory: add alias %s: %w", alias, err)
		}
		ad, err := db.domainByName(ctx, tx, aliasDomain, false)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("directory: add alias %s: %w: domain %s is not hosted here", alias, ErrInvalid, aliasDomain)
		} else if err != nil {
			return fmt.Errorf("directory: add alias %s: %w", alias, err)
		}
		if ad.OrgID != userOrg {
			return fmt.Errorf("directory: add alias %s: %w: domain %s is in another organisation than %s", alias, ErrInvalid, ad.Name, main)
		}
		if taken, err := nameTaken(ctx, tx, alias); err != nil {
			return fmt.Errorf("directory: add alias %s: %w", alias, err)
		} else if taken {
			return fmt.Errorf("directory: add alias %s: %w", alias, ErrExists)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO `aliases` (`aliasname`, `mainname`) VALUES (?, ?)", alias, main)
		if db.d.isDuplicate(err) {
			return fmt.Errorf("directory: add alias %s: %w", alias, ErrExists)
		} else if err != nil {
			return fmt.Errorf("directory: add alias %s: %w", alias, err)
		}
		return nil
	})
}

// RemoveAlias deletes an alias.
func (db *DB) RemoveAlias(ctx context.Context, alias string) error {
	return db.deleteName(ctx, "remove alias", alias, "DELETE FROM `aliases` WHERE `aliasname`=?")
}

// Aliases lists the aliases of an account, sorted.
func (db *DB) Aliases(ctx context.Context, username string) ([]string, error) {
	return db.names(ctx, "aliases", username,
		"SELECT a.`aliasname` FROM `aliases` AS a INNER JOIN `users` AS u ON u.`username`=a.`mainname`"+
			" WHERE u.`id`=? ORDER BY a.`aliasname`")
}

// AddAltname adds an alternative login name to an account. An altname is
// any ASCII name without spaces (it need not be an address) and must not be
// in use as a username, altname or alias.
func (db *DB) AddAltname(ctx context.Context, username, altname string) error {
	if !plausibleName(altname) || strings.ContainsAny(altname, " \t") {
		return fmt.Errorf("directory: add altname %q: %w: not a login name", altname, ErrInvalid)
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		id, _, err := userID(ctx, tx, username)
		if err != nil {
			return fmt.Errorf("directory: add altname %s: %w", altname, err)
		}
		if taken, err := nameTaken(ctx, tx, altname); err != nil {
			return fmt.Errorf("directory: add altname %s: %w", altname, err)
		} else if taken {
			return fmt.Errorf("directory: add altname %s: %w", altname, ErrExists)
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO `altnames` (`user_id`, `altname`, `magic`) VALUES (?, ?, 0)", id, altname)
		if db.d.isDuplicate(err) {
			return fmt.Errorf("directory: add altname %s: %w", altname, ErrExists)
		} else if err != nil {
			return fmt.Errorf("directory: add altname %s: %w", altname, err)
		}
		return nil
	})
}

// RemoveAltname deletes an alternative login name.
func (db *DB) RemoveAltname(ctx context.Context, altname string) error {
	return db.deleteName(ctx, "remove altname", altname, "DELETE FROM `altnames` WHERE `altname`=?")
}

// Altnames lists the alternative login names of an account, sorted.
func (db *DB) Altnames(ctx context.Context, username string) ([]string, error) {
	return db.names(ctx, "altnames", username,
		"SELECT `altname` FROM `altnames` WHERE `user_id`=? ORDER BY `altname`")
}

func (db *DB) deleteName(ctx context.Context, op, name, q string) error {
	if !plausibleName(name) {
		return fmt.Errorf("directory: %s %q: %w", op, name, ErrNotFound)
	}
	res, err := db.db.ExecContext(ctx, q, name)
	if err != nil {
		return fmt.Errorf("directory: %s %s: %w", op, name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("directory: %s %s: %w", op, name, err)
	} else if n == 0 {
		return fmt.Errorf("directory: %s %s: %w", op, name, ErrNotFound)
	}
	return nil
}

func (db *DB) names(ctx context.Context, op, username, q string) ([]string, error) {
	id, _, err := userID(ctx, db.db, username)
	if err != nil {
		return nil, fmt.Errorf("directory: %s: %w", op, err)
	}
	rows, err := db.db.QueryContext(ctx, q, id)
	if err != nil {
		return nil, fmt.Errorf("directory: %s of %s: %w", op, username, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("directory: %s of %s: %w", op, username, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ---------------------------------------------------------------------------
// Mailing lists

// AddList creates a mailing list the way upstream models lists: a users row
// for the list address (no mailbox, no password, PR_DISPLAY_TYPE_EX
// DT_DISTLIST), its mlists row, and for a normal list (ListNormal) one
// associations row per member. A domain list (ListDomain) takes no members:
// it reaches every mail user of its domain. privilege is one of ListPriv*.
// Members may be addresses of this server or external ones.
func (db *DB) AddList(ctx context.Context, listname string, listType, privilege int, members []string) error {
	local, domain, err := splitAddress(listname)
	if err != nil {
		return fmt.Errorf("directory: add list: %w", err)
	}
	switch {
	case listType != ListNormal && listType != ListDomain:
		return fmt.Errorf("directory: add list %s: %w: list type %d", listname, ErrInvalid, listType)
	case privilege < ListPrivAll || privilege > ListPrivOutgoing:
		return fmt.Errorf("directory: add list %s: %w: privilege %d", listname, ErrInvalid, privilege)
	case listType == ListDomain && len(members) > 0:
		return fmt.Errorf("directory: add list %s: %w: a domain list has no member list", listname, ErrInvalid)
	}
	var uniq []string
	seen := map[string]bool{}
	for _, m := range members {
		if _, _, err := splitAddress(m); err != nil {
			return fmt.Errorf("directory: add list %s: member: %w", listname, err)
		}
		if k := strings.ToLower(m); !seen[k] {
			seen[k] = true
			uniq = append(uniq, m)
		}
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		d, err := db.domainByName(ctx, tx, domain, true)
		if err != nil {
			return fmt.Errorf("directory: add list %s: %w", listname, err)
		}
		name := local + "@" + d.Name
		if seen[strings.ToLower(name)] {
			return fmt.Errorf("directory: add list %s: %w: a list cannot be its own member", name, ErrInvalid)
		}
		id, err := db.insertUser(ctx, tx, name, "", d, "", "", "", 0, StatusNormal)
		if err != nil {
			return err
		}
		if err := insertProps(ctx, tx, id, [][2]any{
			{PropDisplayTypeEx, strconv.Itoa(DTDistList)},
			{PropDisplayName, name},
		}); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO `mlists` (`listname`, `domain_id`, `list_type`, `list_privilege`) VALUES (?, ?, ?, ?)",
			name, d.ID, listType, privilege)
		if err != nil {
			return fmt.Errorf("directory: add list %s: %w", name, err)
		}
		listID, err := res.LastInsertId()
		if err != nil {
			return fmt.Errorf("directory: add list %s: %w", name, err)
		}
		for _, m := range uniq {
			if _, err := tx.ExecContext(ctx, db.d.insertIgnore+" `associations` (`list_id`, `username`) VALUES (?, ?)", listID, m); err != nil {
				return fmt.Errorf("directory: add list %s: member %s: %w", name, m, err)
			}
		}
		return nil
	})
}

// RemoveList deletes a mailing list: its members, allowed senders,
// memberships in other lists and its users row.
func (db *DB) RemoveList(ctx context.Context, listname string) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var name string
		if !plausibleName(listname) {
			return fmt.Errorf("directory: remove list %q: %w", listname, ErrNotFound)
		}
		err := tx.QueryRowContext(ctx, "SELECT u.`id`, u.`username` FROM `mlists` AS ml"+
			" INNER JOIN `users` AS u ON u.`username`=ml.`listname` WHERE ml.`listname`=?", listname).Scan(&id, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("directory: remove list %s: %w", listname, ErrNotFound)
		} else if err != nil {
			return fmt.Errorf("directory: remove list %s: %w", listname, err)
		}
		return removeUserRow(ctx, tx, id, name)
	})
}

// ---------------------------------------------------------------------------
// Validation

// splitAddress checks an address for the users and aliases tables (ASCII,
// local@domain, at most 320 characters, an RFC 5322 dot-atom local part and
// a host name) and splits it.
func splitAddress(addr string) (local, domain string, err error) {
	at := strings.LastIndexByte(addr, '@')
	if len(addr) > maxAddress || at <= 0 {
		return "", "", fmt.Errorf("%w: %q is not an address (local@domain, at most %d characters)", ErrInvalid, addr, maxAddress)
	}
	local, domain = addr[:at], addr[at+1:]
	if len(local) > 64 || local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", "", fmt.Errorf("%w: %q: bad local part", ErrInvalid, addr)
	}
	for i := 0; i < len(local); i++ {
		if !isAtext(local[i]) && local[i] != '.' {
			return "", "", fmt.Errorf("%w: %q: character %q not allowed in a local part", ErrInvalid, addr, local[i])
		}
	}
	if err := validDomainName(domain); err != nil {
		return "", "", fmt.Errorf("%q: %w", addr, err)
	}
	return local, domain, nil
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// validDomainName checks an ASCII host name (IDNs in their xn-- form).
func validDomainName(name string) error {
	if name == "" || len(name) > 255 {
		return fmt.Errorf("%w: domain name %q: empty or longer than 255", ErrInvalid, name)
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return fmt.Errorf("%w: domain name %q: bad label %q", ErrInvalid, name, label)
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%w: domain name %q: character %q", ErrInvalid, name, c)
			}
		}
	}
	return nil
}
