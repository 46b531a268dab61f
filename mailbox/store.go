// Package mailbox is the message store: one upstream-format store directory
// (exmdb/exchange.sqlite3 schema 27, cid/ content files, eml/ originals),
// and the actor that alone reads and writes it.
//
// Invariants:
//   - One owner per store file: only the store's actor (through the
//     registry) opens a Store, and a new owner opens it only after the old
//     one has closed it.
//   - Every change runs in a transaction of the actor; its callers are
//     answered after COMMIT, and its events go to subscribers after COMMIT,
//     in commit order.
//   - The store stays openable by upstream Gromox: same tables, same ids,
//     same value encodings.
package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"

	_ "modernc.org/sqlite" // registers "sqlite"
)

// Store is one open store directory. It is not safe for concurrent use:
// its actor serialises every call.
type Store struct {
	Dir       string        // the maildir (users.maildir / domains.homedir)
	db        *sql.DB       // exmdb/exchange.sqlite3, one connection
	commits   int64         // transactions committed since open (group-commit stats)
	midb      *sql.DB       // exmdb/midb.sqlite3, the IMAP state (private stores)
	meta      storeMeta     // what Open read: kind, GUIDs, replica map (open.go)
	stmts     stmtCache     // prepared statements (tx.go)
	midbStmts stmtCache     // midb's
	intact    cidSet        // content files known complete (content_tx.go)
	rows      rowCache      // message rows read by tables (rowcache.go)
	journal   flagJournal   // IMAP flag changes not yet in the MAPI state (flagjournal.go)
	deferred  deferredFiles // files whose durability the database holds (deferred.go)
	// fileLevel is the zstd level of the content files it writes
	// (Options.FileCompression; 0 is DefaultCompression).
	fileLevel int
	// noBodySynthesis: Options.NoBodySynthesis.
	noBodySynthesis bool
	// maxRules: Options.MaxRules, 0 for MaxRules.
	maxRules int
	// imapNames maps the IMAP folder names of midb.sqlite3 to folder ids
	// (imapFolderByName); nil until read, and again whenever the folder
	// list may have changed.
	imapNames map[string]uint64
	// assigned collects the UIDs imapInsert hands out while set (the
	// index update of a commit whose callers are answered with them).
	assigned map[uint64]uint32
	// readVia, while set, is the write transaction dbQuery and dbQueryRow
	// read through (the IMAP index prepared before that transaction
	// commits: the one connection is the transaction's).
	readVia *Tx
}

// DBPath returns the path of a store's exchange.sqlite3.
func DBPath(dir string) string { return filepath.Join(dir, "exmdb", "exchange.sqlite3") }

// openDB opens an SQLite file with the store's durability settings: WAL,
// foreign keys, synchronous=FULL (an acknowledged write survives a power
// cut), a busy timeout, write transactions that take the lock at BEGIN, and
// statement journals (a savepoint per request) in memory rather than in a
// temporary file written on every statement.
func openDB(path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)", "busy_timeout(60000)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// Close closes the store's database.
func (s *Store) Close() error {
	if s == nil || s.db == nil {
		return nil
	}
	// The files whose rows hold their bytes are made durable, and the
	// rows deleted: upstream finds the store as it knows it.
	err := s.flushPending(context.Background(), false)
	s.stmts.close()
	err = errors.Join(err, s.db.Close())
	s.db = nil
	if s.midb != nil {
		s.midbStmts.close()
		err = errors.Join(err, s.midb.Close())
		s.midb = nil
	}
	return err
}
