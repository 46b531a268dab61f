package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gromox-go/gromox/mapi"
)

// Kind says whether a store is a user's private store or a domain's public
// store.
type Kind int

// Store kinds.
const (
	KindPrivate Kind = iota + 1
	KindPublic
)

func (k Kind) String() string {
	switch k {
	case KindPrivate:
		return "private"
	case KindPublic:
		return "public"
	}
	return "unknown"
}

// ErrSchemaVersion is returned by Open for a store of another schema
// version (see SchemaVersionError).
var ErrSchemaVersion = errors.New("mailbox: unsupported store schema version")

// SchemaVersionError tells which schema a store has.
type SchemaVersionError struct {
	Path  string
	Found int
}

func (e *SchemaVersionError) Error() string {
	if e.Found > SchemaVersion {
		return fmt.Sprintf("%s has schema %d, newer than this server's %d: it was upgraded by a newer Gromox, refusing to open it", e.Path, e.Found, SchemaVersion)
	}
	return fmt.Sprintf("%s has schema %d, older than this server's %d: upgrade it first (gromox-mkprivate/-mkpublic -U of Gromox 3.x)", e.Path, e.Found, SchemaVersion)
}

func (e *SchemaVersionError) Unwrap() error { return ErrSchemaVersion }

// storeMeta is what Open reads once: it does not change while the store is
// open (only the replica map grows).
type storeMeta struct {
	kind        Kind
	mailboxGUID mapi.GUID // configurations 1: PR_STORE_RECORD_KEY, entry ids' provider UID
	mappingSig  mapi.GUID // configurations 11: PR_MAPPING_SIGNATURE
	accountID   uint32    // users.id / domains.id, 0 if not known
	replGUIDs   map[uint16]mapi.GUID
}

// ephemeralTables is upstream's per-process table cache beside a store
// (exmdb_eph_prefix defaults to "", so it is <maildir>/tables.sqlite3).
const ephemeralTables = "tables.sqlite3"

// Open opens an existing store directory: exmdb/exchange.sqlite3 of schema
// 27, private or public. Stores of another schema are refused with a
// *SchemaVersionError (upgrading old stores is upstream's mkprivate -U).
//
// Like upstream's exmdb at open, it removes the store's tables.sqlite3 and
// its -wal/-shm: that file only caches the MAPI tables one process had open
// and is rebuilt by whoever opens the store next; a stale WAL left by a
// crashed process would otherwise be replayed into it. Nothing else is
// touched.
func Open(dir string) (*Store, error) {
	path := DBPath(dir)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	eph := filepath.Join(dir, ephemeralTables)
	for _, p := range []string{eph, eph + "-wal", eph + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	s := &Store{Dir: dir, db: db}
	if err := s.readMeta(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.openPending(context.Background()); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	return s, nil
}

// gxIndexes are indexes upstream's schema lacks that a served store gets.
//
// gx_msgtime_mid: msgtime_index refers to messages by message_id (ON
// DELETE CASCADE), and upstream indexes it by folder first only. With
// foreign keys on, deleting a message row (an expunge, a move, emptying a
// folder) made SQLite scan the whole table for its msgtime_index row:
// one row per message of the store, 98,304 in a store measured, 9 ms per
// deleted message there (C SQLite), so that moving those messages would
// have taken hours. Upstream's server, which opens the same files with
// foreign keys on as well, keeps the index up to date without knowing it.
var gxIndexes = []string{
	"CREATE INDEX IF NOT EXISTS gx_msgtime_mid ON msgtime_index (message_id)",
}

// addIndexes adds gxIndexes where missing (building one reads its table
// once: a store that has it already costs a lookup in sqlite_master).
func (s *Store) addIndexes(ctx context.Context) error {
	for _, q := range gxIndexes {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", DBPath(s.Dir), err)
		}
	}
	return nil
}

// readMeta checks the schema and reads the store's identity.
func (s *Store) readMeta(ctx context.Context) error {
	path := DBPath(s.Dir)
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name IN ('configurations','folders')").Scan(&n); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if n != 2 {
		return fmt.Errorf("%s: not a Gromox store (no configurations/folders tables)", path)
	}
	var version int
	err := s.db.QueryRowContext(ctx, "SELECT config_value FROM configurations WHERE config_id=?", configSchemaVersion).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		version = 0 // upstream: no row is the first version
	} else if err != nil {
		return fmt.Errorf("%s: schema version: %w", path, err)
	}
	if version != SchemaVersion {
		return &SchemaVersionError{Path: path, Found: version}
	}
	var private, public int
	if err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='receive_table'),
		(SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='read_states')`).Scan(&private, &public); err != nil {
		return err
	}
	switch {
	case private == 1 && public == 0:
		s.meta.kind = KindPrivate
	case public == 1 && private == 0:
		s.meta.kind = KindPublic
	default:
		return fmt.Errorf("%s: neither a private nor a public store", path)
	}
	if s.meta.mailboxGUID, err = s.configGUID(ctx, configMailboxGUID); err != nil {
		return fmt.Errorf("%s: store GUID: %w", path, err)
	}
	if s.meta.mappingSig, err = s.configGUID(ctx, configMappingSignature); err != nil {
		return fmt.Errorf("%s: mapping signature: %w", path, err)
	}
	s.meta.replGUIDs = make(map[uint16]mapi.GUID)
	rows, err := s.db.QueryContext(ctx, "SELECT replid, replguid FROM replguidmap")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uint16
		var txt sql.NullString
		if err := rows.Scan(&id, &txt); err != nil {
			return err
		}
		if !txt.Valid || txt.String == "" {
			continue
		}
		g, err := mapi.ParseGUID(txt.String)
		if err != nil {
			return fmt.Errorf("%s: replguidmap %d: %w", path, id, err)
		}
		s.meta.replGUIDs[id] = g
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.meta.accountID = s.guessAccountID(ctx)
	return nil
}

// configGUID reads a GUID-valued configurations row.
func (s *Store) configGUID(ctx context.Context, id int) (mapi.GUID, error) {
	var txt string
	if err := s.db.QueryRowContext(ctx, "SELECT config_value FROM configurations WHERE config_id=?", id).Scan(&txt); err != nil {
		return mapi.GUID{}, err
	}
	return mapi.ParseGUID(txt)
}

// guessAccountID finds the owner's user or domain id, which the store does
// not record, from the change key the store wrote for its root folder at
// creation (upstream's mkprivate and mkpublic both use the user-GUID
// pattern with the user resp. domain id). The caller that knows the
// directory's id should set it with SetAccountID.
func (s *Store) guessAccountID(ctx context.Context) uint32 {
	var ck []byte
	err := s.db.QueryRowContext(ctx, "SELECT propval FROM folder_properties WHERE folder_id=1 AND proptag=?", int64(mapi.PrChangeKey)).Scan(&ck)
	if err != nil || len(ck) < 16 {
		return 0
	}
	g := mapi.GUID(ck[:16])
	if id, ok := mapi.PrivateStoreUserID(g); ok {
		return id
	}
	if id, ok := mapi.PublicStoreDomainID(g); ok {
		return id
	}
	return 0
}

// Kind reports whether the store is private or public.
func (s *Store) Kind() Kind { return s.meta.kind }

// MailboxGUID is the store's random GUID (configurations 1): its
// PR_STORE_RECORD_KEY and the provider UID of its private entry ids.
func (s *Store) MailboxGUID() mapi.GUID { return s.meta.mailboxGUID }

// MappingSignature is PR_MAPPING_SIGNATURE (configurations 11).
func (s *Store) MappingSignature() mapi.GUID { return s.meta.mappingSig }

// AccountID is the owner's users.id (private) or domains.id (public), 0 if
// unknown; see SetAccountID.
func (s *Store) AccountID() uint32 { return s.meta.accountID }

// SetAccountID records the owner's id as the directory has it: the store
// GUID, change keys, source keys and entry ids derive from it.
func (s *Store) SetAccountID(id uint32) { s.meta.accountID = id }

// StoreGUID is the database GUID of replica 1, this store: the namespace
// of its change keys and source keys (upstream rop_util_make_user_guid /
// rop_util_make_domain_guid of the account id).
func (s *Store) StoreGUID() mapi.GUID {
	if s.meta.kind == KindPublic {
		return mapi.PublicStoreGUID(s.meta.accountID)
	}
	return mapi.PrivateStoreGUID(s.meta.accountID)
}

// ReplGUID maps a replica id to its GUID: 1 is this store, 2..4 Exchange's
// fixed replicas, 5 the mailbox GUID (as emsmdb resolves it), 6 and up
// replguidmap.
func (s *Store) ReplGUID(replid uint16) (mapi.GUID, bool) {
	if g, ok := mapi.WellKnownReplGUID(replid, s.StoreGUID(), s.meta.mailboxGUID); ok {
		return g, true
	}
	g, ok := s.meta.replGUIDs[replid]
	return g, ok
}
