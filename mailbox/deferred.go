package mailbox

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Deferred durability of small files.
//
// A content or original file of at most deferLimit bytes is not fsynced
// before the transaction naming it commits. Its bytes go into that
// transaction as a row of gx_pending_files in exchange.sqlite3, so the
// commit's one fsync makes the rows and the files' bytes durable together.
// The file itself is written (into the page cache) before the commit, so
// every reader finds it at once, and a crash of the process leaves it
// whole. After the commit a flusher makes the files durable in batches:
// one syncfs(2) per filesystem for all the files of all stores written
// meanwhile. The rows of the files made durable are deleted by the store's
// next commit, or when it closes, which makes every file durable first.
//
// A power cut before a file reached the disk leaves its row: when the
// store opens next, every row's file is written again from it (when it is
// missing or differs), made durable, and the rows deleted, before anything
// reads the store. Upstream Gromox does not know the table (it ignores
// tables it does not use); a store is handed over to it after our server
// closed it, or after it opened it once since a power cut.
//
// This saves each delivery or APPEND the fsyncs of its files and of their
// directories (four to six, of 0.1 to 0.5 ms each, which the device runs one
// after the other) for one larger commit.

// deferLimit is the largest file whose durability is deferred. Larger
// files are fsynced before the commit, as before: their bytes would cost
// the WAL more (written there, then into the database, then deleted) than
// the fsync they save.
const deferLimit = 128 << 10

// pendingDDL creates the table of files not known durable yet: path is
// relative to the store directory (cid/… or eml/…), data the file's bytes.
const pendingDDL = "CREATE TABLE IF NOT EXISTS gx_pending_files (path TEXT PRIMARY KEY, data BLOB NOT NULL)"

// flushGather is how long the flusher lets files gather before a syncfs.
var flushGather = 10 * time.Millisecond

// deferredFiles is a store's side of deferred durability.
type deferredFiles struct {
	table bool // gx_pending_files exists
	rows  bool // rows may be in it (written since open, or left by a crash)

	mu      sync.Mutex
	durable []string // rows whose files are durable now: deleted at the next commit
	err     error    // a failure of the flusher (the rows stay; the close writes the files again)
}

// takeDurable returns the paths of the rows to delete and forgets them.
func (d *deferredFiles) takeDurable() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	p := d.durable
	d.durable = nil
	return p
}

// giveBack returns paths takeDurable gave to a commit that failed.
func (d *deferredFiles) giveBack(paths []string) {
	d.mu.Lock()
	d.durable = append(d.durable, paths...)
	d.mu.Unlock()
}

// flushed is the flusher's report on paths.
func (d *deferredFiles) flushed(paths []string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		d.err = err
		return
	}
	d.durable = append(d.durable, paths...)
}

// recordPending writes the rows of the transaction's deferred files and
// deletes those of files made durable since the last commit. It runs just
// before COMMIT.
func (t *Tx) recordPending(deferred []*pendingContent) error {
	d := &t.s.deferred
	var del []string
	if !t.readOnly {
		del = d.takeDurable()
		t.deleted = append(t.deleted, del...)
	}
	if len(deferred) == 0 && len(del) == 0 {
		return nil
	}
	if !d.table {
		if _, err := t.tx.ExecContext(t.ctx, pendingDDL); err != nil {
			return err
		}
		t.madeTable = true
	}
	// Deleted first: a file written again by this transaction keeps the
	// row it inserts. (The rows of a store reopened since were deleted at
	// its open: deleting them again deletes nothing.)
	for len(del) > 0 {
		n := min(len(del), 200)
		args := make([]any, n)
		for i, p := range del[:n] {
			args[i] = p
		}
		q := "DELETE FROM gx_pending_files WHERE path IN (?" + strings.Repeat(",?", n-1) + ")"
		if _, err := t.tx.ExecContext(t.ctx, q, args...); err != nil {
			return err
		}
		del = del[n:]
	}
	for _, p := range deferred {
		if _, err := t.Exec("INSERT OR REPLACE INTO gx_pending_files (path, data) VALUES (?, ?)", p.rel, p.data); err != nil {
			return err
		}
		t.flushPaths = append(t.flushPaths, p.rel)
	}
	return nil
}

// committed hands the transaction's deferred files to the flusher once its
// commit succeeded.
func (t *Tx) committed() {
	d := &t.s.deferred
	if t.madeTable {
		d.table = true
	}
	if len(t.flushPaths) > 0 {
		d.rows = true
		flusher.add(flushItem{d: d, dir: t.s.Dir, paths: t.flushPaths})
	}
	t.flushPaths, t.deleted, t.madeTable = nil, nil, false
}

// abandoned undoes what the transaction took for its rows when it does
// not commit: the rows it was to delete are deleted by a later commit.
func (t *Tx) abandoned() {
	if len(t.deleted) > 0 {
		t.s.deferred.giveBack(t.deleted)
	}
	t.flushPaths, t.deleted, t.madeTable = nil, nil, false
}

// fileFlusher makes deferred files durable in batches: a goroutine that
// runs while there is work, one syncfs per filesystem for each batch.
type fileFlusher struct {
	mu      sync.Mutex
	queue   []flushItem
	running bool
}

// flushItem is one commit's deferred files.
type flushItem struct {
	d     *deferredFiles
	dir   string // the store directory
	paths []string
}

var flusher fileFlusher

func (f *fileFlusher) add(it flushItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, it)
	if !f.running {
		f.running = true
		go f.run()
	}
}

func (f *fileFlusher) run() {
	for {
		time.Sleep(flushGather)
		f.mu.Lock()
		batch := f.queue
		f.queue = nil
		if len(batch) == 0 {
			f.running = false
			f.mu.Unlock()
			return
		}
		f.mu.Unlock()
		synced := map[uint64]error{} // by device
		for _, it := range batch {
			dev, err := deviceOf(it.dir)
			if err == nil {
				var done bool
				if err, done = synced[dev]; !done {
					err = syncFS(it.dir)
					synced[dev] = err
				}
			}
			it.d.flushed(it.paths, err)
		}
	}
}

// deviceOf returns the device of the filesystem holding path.
func deviceOf(path string) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	return uint64(st.Dev), nil
}

// syncFS makes everything written to the filesystem holding dir durable
// (syncfs(2), which reports the writeback errors since Linux 5.8).
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		err := unix.Syncfs(int(f.Fd()))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return &fs.PathError{Op: "syncfs", Path: dir, Err: err}
		}
		return nil
	}
}

// pendingPath returns the file a gx_pending_files row names, refusing a
// path that is not of a content or original file as this server writes
// them: cid/<dir>/<name> (a content-addressed CID) or eml/<dir>/<name> (a
// mid_string).
func pendingPath(dir, rel string) (string, error) {
	sub, name, _ := strings.Cut(rel, "/")
	first, last, ok := strings.Cut(name, "/")
	if (sub != "cid" && sub != "eml") || !ok || !plainName(first) || !plainName(last) {
		return "", fmt.Errorf("mailbox: bad pending file path %q", rel)
	}
	return filepath.Join(dir, sub, first, last), nil
}

// plainName says whether s names a file in its directory: not empty, not
// . or .., without separators.
func plainName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00")
}

// flushPending makes the files of the store's gx_pending_files rows
// durable and deletes the rows. At open (rewrite), each row's file is first
// written again from the row when it is missing or differs (a power cut
// lost it); at close the files are as written, and one syncfs is enough,
// unless a syncfs of the flusher failed (a writeback error may have lost
// what was written): they are then written again too.
func (s *Store) flushPending(ctx context.Context, rewrite bool) error {
	d := &s.deferred
	if !d.table || !d.rows {
		return nil
	}
	d.mu.Lock()
	failed := d.err != nil
	d.mu.Unlock()
	if rewrite || failed {
		if _, err := pendingFiles(ctx, s.db, s.Dir, true); err != nil {
			return err
		}
	}
	if err := syncFS(s.Dir); err != nil {
		return fmt.Errorf("mailbox: making pending files durable: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, "DELETE FROM gx_pending_files"); err != nil {
		return err
	}
	d.rows = false
	d.takeDurable()
	d.mu.Lock()
	d.err = nil
	d.mu.Unlock()
	return nil
}

// queryer is a database or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// pendingState is what the gx_pending_files rows of a store say of its
// files.
type pendingState struct {
	rows    int             // rows naming a file of the store
	lost    []string        // of those, files missing or different (written again when rewriting)
	content map[string]bool // the content ids among the rows
}

// pendingFiles reads the gx_pending_files rows of the store in dir and
// compares each with its file; with rewrite, a file that is missing or
// differs is written again from its row (not fsynced). A row naming no
// file of the store is left alone.
func pendingFiles(ctx context.Context, db queryer, dir string, rewrite bool) (pendingState, error) {
	st := pendingState{content: map[string]bool{}}
	rows, err := db.QueryContext(ctx, "SELECT path, data FROM gx_pending_files")
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var rel string
		var data []byte
		if err := rows.Scan(&rel, &data); err != nil {
			return st, err
		}
		path, err := pendingPath(dir, rel)
		if err != nil {
			continue
		}
		st.rows++
		if cid, ok := strings.CutPrefix(rel, "cid/"); ok {
			st.content[cid] = true
		}
		if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, data) {
			continue
		}
		st.lost = append(st.lost, rel)
		if !rewrite {
			continue
		}
		if _, err := writeFile(path, data, false); err != nil {
			return st, fmt.Errorf("mailbox: writing pending file %s again: %w", rel, err)
		}
	}
	return st, rows.Err()
}

// openPending finds out whether the store has gx_pending_files rows and,
// when it has, makes their files durable (written again where a power cut
// lost them) and deletes the rows.
func (s *Store) openPending(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='gx_pending_files'").Scan(&n); err != nil {
		return err
	}
	s.deferred.table = n > 0
	if !s.deferred.table {
		return nil
	}
	var any int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM gx_pending_files LIMIT 1").Scan(&any)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	s.deferred.rows = true
	return s.flushPending(ctx, true)
}
