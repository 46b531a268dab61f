package mailbox

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
)

// Tx is one transaction on a store. Store operations are methods of Tx; the
// actor runs several requests in one Tx (group commit), each inside its own
// savepoint so that one failing request undoes only its own changes. Events
// emitted by a request whose savepoint is rolled back are dropped with it.
type Tx struct {
	s       *Store
	tx      *sql.Tx
	ctx     context.Context
	events  []Event
	content map[string]*pendingContent // content files to link at commit
	dirs    map[string]bool            // directories to fsync at commit
	// The gx_pending_files rows of the commit (deferred.go): the files it
	// hands to the flusher, the rows it deletes, whether it made the table.
	flushPaths []string
	deleted    []string
	madeTable  bool
	sp         int // savepoint counter
	// pre holds the property rows of a table range's messages, read by
	// one query for all of them while Table.readRange reads that range.
	pre *prefetched
	// readOnly marks a transaction of BeginRead: it may use the store's
	// row cache.
	readOnly bool
}

// Begin starts a transaction. Writes take the database's write lock at
// BEGIN (the connection's _txlock=immediate).
func (s *Store) Begin(ctx context.Context) (*Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{s: s, tx: tx, ctx: ctx}, nil
}

// BeginRead starts a transaction that only reads. It sees the store as
// committed, so it may use and fill the store's row cache.
func (s *Store) BeginRead(ctx context.Context) (*Tx, error) {
	t, err := s.Begin(ctx)
	if err != nil {
		return nil, err
	}
	t.readOnly = true
	return t, nil
}

// Commit commits and returns the events of the committed requests.
func (t *Tx) Commit() ([]Event, error) {
	if err := t.syncContent(); err != nil {
		t.dropContent()
		t.abandoned()
		return nil, err
	}
	if err := t.tx.Commit(); err != nil {
		t.abandoned()
		return nil, err
	}
	t.committed()
	t.s.commits++
	t.s.stmts.prepareWanted(t.ctx, t.s.db)
	return t.events, nil
}

// stmtCache keeps the store's statements prepared. SQLite parsing is a
// large share of a write's cost, and database/sql would prepare every
// statement again in each transaction. A statement is prepared on the
// database (its one connection) when no transaction holds that connection:
// the first use inside a transaction runs unprepared and marks the query,
// and after the commit the marked queries are prepared; later transactions
// reuse them through Tx.StmtContext. Statements used outside transactions
// are prepared at their first use. midb's cache is also used by the
// goroutine committing the IMAP index, hence the mutex; it is never held
// while preparing (that waits for the connection).
//
// A transaction gets each statement bound to it once (bound, for the
// transaction boundTx): sql.Tx.StmtContext makes a new statement at every
// call, which the transaction keeps until it ends, and a transaction
// running the same statements many times (a MOVE of 49,152 messages) held
// 290 MB of them.
type stmtCache struct {
	mu      sync.Mutex
	stmts   map[string]*sql.Stmt
	wanted  map[string]bool
	boundTx *sql.Tx
	bound   map[*sql.Stmt]*sql.Stmt
}

const maxCachedStmts = 512

func (c *stmtCache) get(q string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[q]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < maxCachedStmts {
		if c.wanted == nil {
			c.wanted = map[string]bool{}
		}
		c.wanted[q] = true
	}
	return nil
}

// inTx returns the prepared statement for q bound to tx, or nil (q is
// then marked for preparing after tx).
func (c *stmtCache) inTx(ctx context.Context, tx *sql.Tx, q string) *sql.Stmt {
	st := c.get(q)
	if st == nil {
		return nil
	}
	c.mu.Lock()
	if c.boundTx != tx {
		// A new transaction: the last one's statements ended with it.
		c.boundTx, c.bound = tx, map[*sql.Stmt]*sql.Stmt{}
	}
	ts, ok := c.bound[st]
	c.mu.Unlock()
	if ok {
		return ts
	}
	// Binding may prepare the statement on tx's connection: not under
	// the mutex.
	ts = tx.StmtContext(ctx, st)
	c.mu.Lock()
	if c.boundTx == tx {
		c.bound[st] = ts
	}
	c.mu.Unlock()
	return ts
}

// prepared returns the statement for q, preparing it now: the caller holds
// no transaction on db. Nil when the cache is full or q does not prepare.
func (c *stmtCache) prepared(ctx context.Context, db *sql.DB, q string) *sql.Stmt {
	c.mu.Lock()
	st, ok := c.stmts[q]
	full := len(c.stmts) >= maxCachedStmts
	c.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.stmts[q]; ok {
		st.Close()
		return old
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[q] = st
	return st
}

func (c *stmtCache) prepareWanted(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	wanted := c.wanted
	c.wanted = nil
	c.mu.Unlock()
	if len(wanted) == 0 || db == nil {
		return
	}
	for q := range wanted {
		c.prepared(ctx, db, q)
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts, c.wanted = nil, nil
	c.boundTx, c.bound = nil, nil
}

// dbQueryRow runs a one-row query on exchange.sqlite3 outside any
// transaction, with a kept statement.
func (s *Store) dbQueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if s.readVia != nil {
		return s.readVia.QueryRow(q, args...)
	}
	if st := s.stmts.prepared(ctx, s.db, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, q, args...)
}

// dbQuery runs a query on exchange.sqlite3 outside any transaction, with a
// kept statement.
func (s *Store) dbQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if s.readVia != nil {
		return s.readVia.Query(q, args...)
	}
	if st := s.stmts.prepared(ctx, s.db, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, q, args...)
}

// midbQuery runs a query on midb.sqlite3 outside any transaction (no
// index commit holds its connection), with a kept statement.
func (s *Store) midbQuery(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.midbStmts.prepared(ctx, s.midb, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.midb.QueryContext(ctx, q, args...)
}

// midbQueryRowDB runs a one-row query on midb.sqlite3 outside any
// transaction, with a kept statement.
func (s *Store) midbQueryRowDB(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.midbStmts.prepared(ctx, s.midb, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.midb.QueryRowContext(ctx, q, args...)
}

// midbExecDB runs a statement on midb.sqlite3 outside any transaction,
// with a kept statement.
func (s *Store) midbExecDB(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := s.midbStmts.prepared(ctx, s.midb, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return s.midb.ExecContext(ctx, q, args...)
}

// midbExec runs a statement in a midb transaction, prepared once its
// query is known.
func (s *Store) midbExec(ctx context.Context, tx *sql.Tx, q string, args ...any) (sql.Result, error) {
	if st := s.midbStmts.inTx(ctx, tx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

// midbQueryRow runs a one-row query in a midb transaction, prepared once
// its query is known.
func (s *Store) midbQueryRow(ctx context.Context, tx *sql.Tx, q string, args ...any) *sql.Row {
	if st := s.midbStmts.inTx(ctx, tx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, q, args...)
}

// Commits returns the number of transactions committed since the store was
// opened.
func (s *Store) Commits() int64 { return s.commits }

// Rollback abandons the transaction.
func (t *Tx) Rollback() error {
	t.dropContent()
	t.abandoned()
	err := t.tx.Rollback()
	// Read transactions end here: their queries get prepared too (with
	// the connection free again), or every read would parse its SQL anew.
	t.s.stmts.prepareWanted(t.ctx, t.s.db)
	return err
}

// Store returns the store the transaction is on.
func (t *Tx) Store() *Store { return t.s }

// Emit records an event, delivered after commit.
func (t *Tx) Emit(e Event) { t.events = append(t.events, e) }

// Do runs fn inside a savepoint: if fn fails, its changes and events are
// undone and the transaction goes on.
func (t *Tx) Do(fn func(*Tx) error) error {
	t.sp++
	name := fmt.Sprintf("r%d", t.sp)
	if _, err := t.tx.ExecContext(t.ctx, "SAVEPOINT "+name); err != nil {
		return err
	}
	mark := len(t.events)
	if err := fn(t); err != nil {
		t.events = t.events[:mark]
		if _, rerr := t.tx.ExecContext(t.ctx, "ROLLBACK TO "+name); rerr != nil {
			return fmt.Errorf("%w (and rollback failed: %v)", err, rerr)
		}
		t.tx.ExecContext(t.ctx, "RELEASE "+name)
		return err
	}
	_, err := t.tx.ExecContext(t.ctx, "RELEASE "+name)
	return err
}

// Exec, Query and QueryRow run SQL in the transaction, with the store's
// prepared statements.
func (t *Tx) Exec(q string, args ...any) (sql.Result, error) {
	if st := t.s.stmts.inTx(t.ctx, t.tx, q); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(q string, args ...any) (*sql.Rows, error) {
	if st := t.s.stmts.inTx(t.ctx, t.tx, q); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}

// QueryRow runs a one-row query in the transaction.
func (t *Tx) QueryRow(q string, args ...any) *sql.Row {
	if st := t.s.stmts.inTx(t.ctx, t.tx, q); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

// updateSearchFolders re-evaluates, against the dynamic search folders,
// every message the request's events (from index start on) touched, inside
// the request's savepoint.
func (t *Tx) updateSearchFolders(start int) error {
	seen := map[uint64]bool{}
	evs := t.events[start:]
	mids := make([]uint64, 0, len(evs))
	for _, e := range evs {
		if e.Folder || e.MessageID == 0 || seen[e.MessageID] {
			continue
		}
		seen[e.MessageID] = true
		mids = append(mids, e.MessageID)
	}
	if len(mids) == 0 {
		return nil
	}
	sfids, err := t.activeSearchFolders()
	if err != nil || len(sfids) == 0 {
		return err
	}
	for _, mid := range mids {
		if err := t.updateSearchLinks(mid, sfids); err != nil {
			return err
		}
	}
	return nil
}
