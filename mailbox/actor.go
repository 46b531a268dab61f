package mailbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Reader is a request that only reads a store. It runs in the store's
// actor, after every write queued before it has committed.
type Reader interface {
	Read(tx *Tx) (any, error)
}

// Writer is a request that changes a store. Writes queued while the actor
// works are committed together (group commit), each in its own savepoint;
// the caller is answered after COMMIT.
type Writer interface {
	Write(tx *Tx) (any, error)
}

// ReadFunc adapts a function to Reader.
type ReadFunc func(tx *Tx) (any, error)

// Read calls f.
func (f ReadFunc) Read(tx *Tx) (any, error) { return f(tx) }

// WriteFunc adapts a function to Writer.
type WriteFunc func(tx *Tx) (any, error)

// Write calls f.
func (f WriteFunc) Write(tx *Tx) (any, error) { return f(tx) }

// ErrUnavailable wraps the reason a store cannot serve requests (missing,
// corrupt, wrong schema). Every request to such a store gets it at once.
var ErrUnavailable = errors.New("mailbox: store unavailable")

// Subscribe asks the store to send Notifications to Subscriber for the
// events in Kinds, for the whole store (FolderID 0) or one folder. The
// reply is the subscription id. A subscriber that stops is dropped.
type Subscribe struct {
	Subscriber *actors.PID
	Kinds      EventKind
	FolderID   uint64
}

// Unsubscribe ends a subscription; the reply is nil.
type Unsubscribe struct{ ID uint64 }

// Notification carries the events of one commit that match a subscription,
// in commit order. Notifications of one store arrive in commit order.
type Notification struct {
	Dir    string
	SubID  uint64
	Events []Event
}

// Options tune the store actors.
type Options struct {
	// Idle is how long a store stays open without requests or
	// subscriptions before its actor passivates (closes it). Default 1 min
	// (upstream cache_interval).
	Idle time.Duration
	// NoGroupCommit commits every write in its own transaction (for
	// benchmarks; group commit is the default).
	NoGroupCommit bool
	// MaxBatch caps the writes committed together. Default 512.
	MaxBatch int
	// Open opens a store directory; default Open. Tests use it to count
	// owners.
	Open func(dir string) (*Store, error)
	// Closed is called after a store's database was closed (tests).
	Closed func(dir string)
	// Metrics, when set, receives the group-commit metrics.
	Metrics prometheus.Registerer
	// FileCompression is the zstd level of new content files
	// (exmdb_file_compression): 0 for DefaultCompression (upstream's
	// zstd-6), CompressionOff for "no", else the level (see encoderLevel).
	FileCompression int
	// NoBodySynthesis turns off what upstream's exmdb_body_autosynthesis
	// does (on by default): a message whose only body is RTF answers
	// PR_BODY and PR_HTML made from it.
	NoBodySynthesis bool
	// MaxRules is how many rules one folder may have (max_rule_number);
	// 0 for MaxRules.
	MaxRules int

	metrics *commitMetrics
	// indexDelay holds each IMAP index commit back (tests of the
	// backlog).
	indexDelay time.Duration
	// journalDelay and journalMaxAge: when the flag journal is applied
	// on its own (flagjournal.go); tests hold it back.
	journalDelay, journalMaxAge time.Duration
}

func (o *Options) defaults() {
	if o.Idle <= 0 {
		o.Idle = time.Minute
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 512
	}
	if o.journalDelay <= 0 {
		o.journalDelay = journalDelay
	}
	if o.journalMaxAge <= 0 {
		o.journalMaxAge = journalMaxAge
	}
	if o.Open == nil {
		o.Open = Open
	}
	if o.metrics == nil {
		o.metrics = newCommitMetrics(o.Metrics)
	}
}

// Internal messages.
type (
	flushNow  struct{}
	idleCheck struct{}
	// journalTick: time to look whether the flag journal is due.
	journalTick struct{}
	// passivateReq: a store actor tells its shard it is idle.
	passivateReq struct{ dir string }
)

type pendingWrite struct {
	req    Writer
	sender *actors.PID
}

// indexReader is a write whose caller reads the IMAP index as soon as it
// is answered (the UIDs of the messages it made).
type indexReader interface{ readsIndexAfter() }

// readsIndexAfter tells whether a caller in batch reads the IMAP index as
// soon as it is answered.
func readsIndexAfter(batch []pendingWrite) bool {
	for _, p := range batch {
		if _, ok := p.req.(indexReader); ok {
			return true
		}
	}
	return false
}

type subscription struct {
	id     uint64
	pid    *actors.PID
	kinds  EventKind
	folder uint64
}

// storeActor owns one store: the only code that opens its files.
type storeActor struct {
	dir     string
	opts    *Options
	log     *zap.Logger
	store   *Store
	openErr error

	pending    []pendingWrite
	flushQueue bool
	indexing   []*indexJob // IMAP index commits not yet published, in commit order
	backlog    []Event     // events of commits whose index update has not started
	// backlogReplies: the callers of the backlog's commits waiting for
	// their UIDs (uidReply).
	backlogReplies []uidReply

	subs    map[uint64]*subscription
	nextSub uint64
	seq     uint64

	tables    map[uint32]*openTable
	nextTable uint32

	lastUse time.Time
	timer   *time.Timer
	passive bool

	batchOpen *openBatch // a batch waiting for its content files
	gen       uint64     // the last batch's number
	lastBatch int        // the requests the last batch committed

	draining     bool          // applying the flag journal
	journalTimer bool          // a journalTick is on its way
	stores       []queuedStore // STOREs to answer from the IMAP index (flagjournal.go)
	storeQueued  bool          // a journalFlushNow is on its way
}

// timeNow is time.Now, for the table code.
func timeNow() time.Time { return time.Now() }

func newStoreActor(dir string, opts *Options, log *zap.Logger) actors.Actor {
	return &storeActor{dir: dir, opts: opts, log: log}
}

func (a *storeActor) Receive(c *actors.Context) {
	switch c.Message().(type) {
	case Writer, flushNow, indexDone, contentSynced:
		// Writes go on while the last commit's IMAP index commits, and
		// join a batch waiting for its content files.
	default:
		// Everything else sees every write committed and published, and
		// what reads the MAPI state sees the IMAP flag changes in it.
		a.finishOpen(c)
		a.completeIndex(c, true)
		a.prepareJournal(c, c.Message())
	}
	if a.tableMessage(c, c.Message()) {
		return
	}
	if m, ok := c.Message().(SetIMAPFlagsBatch); ok && a.store != nil && a.store.midb != nil && m.FolderID != 0 {
		a.queueStore(c, m)
		return
	}
	switch m := c.Message().(type) {
	case *actors.Started:
		a.subs = map[uint64]*subscription{}
		a.lastUse = time.Now()
		a.open()
		a.timer = c.After(a.opts.Idle, idleCheck{})
	case *actors.Restarting, *actors.Stopping:
		a.shutdown(c)
	case Writer:
		a.lastUse = time.Now()
		if a.openErr != nil {
			c.Respond(a.openErr)
			return
		}
		if ap, ok := m.(IMAPAppend); ok && ap.FolderID == 0 {
			fid, err := a.imapFolder(c, ap.Mailbox)
			if err != nil {
				c.Respond(err)
				return
			}
			ap.FolderID = fid
			m = ap
		}
		a.pending = append(a.pending, pendingWrite{req: m, sender: c.Sender()})
		if a.opts.NoGroupCommit || len(a.pending) >= a.opts.MaxBatch {
			a.flush(c)
			return
		}
		if !a.flushQueue {
			a.flushQueue = true
			c.Send(c.Self(), flushNow{}) // lands behind what is queued now
		}
	case Reader:
		a.lastUse = time.Now()
		if a.openErr != nil {
			c.Respond(a.openErr)
			return
		}
		a.flush(c) // read your own writes
		a.completeIndex(c, true)
		c.Respond(reply(a.read(m)))
	case indexDone:
		if a.batchOpen == nil {
			// (With a batch open, its commit completes the index jobs:
			// publishing and the backlog read the store outside the
			// batch's transaction, which holds the one connection.)
			a.completeIndex(c, false)
		}
	case journalFlushNow:
		a.storeQueued = false
		a.journalFlags(c)
	case journalTick:
		a.journalTimer = false
		a.journalDue(c)
	case flushNow:
		a.flushQueue = false
		a.flushOpen(c)
	case contentSynced:
		if a.batchOpen != nil && a.batchOpen.gen == m.gen {
			a.finishOpen(c)
		}
	case Subscribe:
		a.lastUse = time.Now()
		if m.Subscriber == nil {
			c.Respond(fmt.Errorf("mailbox: subscribe without a subscriber"))
			return
		}
		a.nextSub++
		a.subs[a.nextSub] = &subscription{id: a.nextSub, pid: m.Subscriber, kinds: m.Kinds, folder: m.FolderID}
		c.Watch(m.Subscriber)
		c.Respond(a.nextSub)
	case Unsubscribe:
		if s := a.subs[m.ID]; s != nil {
			delete(a.subs, m.ID)
			a.unwatchIfUnused(c, s.pid)
		}
		c.Respond(noResult{})
	case *actors.Terminated:
		who := actors.TerminatedWho(m)
		for id, s := range a.subs {
			if s.pid.Equal(who) {
				delete(a.subs, id)
			}
		}
		a.dropTablesOf(who)
	case idleCheck:
		if a.passive {
			return
		}
		idle := time.Since(a.lastUse)
		if idle >= a.opts.Idle && a.store != nil {
			a.store.DropRowCache()
		}
		if idle < a.opts.Idle || len(a.subs) > 0 || len(a.tables) > 0 {
			wait := a.opts.Idle - idle
			if wait <= 0 {
				wait = a.opts.Idle
			}
			a.timer.Reset(wait)
			return
		}
		a.journalFlags(c)
		a.applyJournal(c)
		a.flush(c)
		a.completeIndex(c, true)
		a.passive = true
		c.Send(c.Parent(), passivateReq{dir: a.dir}) // the shard poisons us behind its queue
	}
}

func (a *storeActor) open() {
	s, err := a.opts.Open(a.dir)
	if err != nil {
		a.openErr = fmt.Errorf("%w: %s: %v", ErrUnavailable, a.dir, err)
		a.log.Warn("store unavailable", zap.String("dir", a.dir), zap.Error(err))
		return
	}
	if err := s.openIMAPIfPrivate(context.Background()); err != nil {
		s.Close()
		a.openErr = fmt.Errorf("%w: %s: IMAP index: %v", ErrUnavailable, a.dir, err)
		a.log.Warn("store unavailable", zap.String("dir", a.dir), zap.Error(err))
		return
	}
	if err := s.addIndexes(context.Background()); err != nil {
		// Slower deletes, nothing worse: the store is served anyway.
		a.log.Warn("store index not added", zap.String("dir", a.dir), zap.Error(err))
	}
	s.fileLevel, s.noBodySynthesis, s.maxRules = a.opts.FileCompression, a.opts.NoBodySynthesis, a.opts.MaxRules
	a.store = s
}

func (a *storeActor) subscribed(pid *actors.PID) bool {
	for _, s := range a.subs {
		if s.pid.Equal(pid) {
			return true
		}
	}
	return false
}

// shutdown commits what is queued and closes the store; it never panics
// (a panic while stopping would resurrect the actor).
func (a *storeActor) shutdown(c *actors.Context) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("store shutdown failed", zap.String("dir", a.dir), zap.Any("reason", r))
		}
	}()
	if a.timer != nil {
		a.timer.Stop()
	}
	a.journalFlags(c)
	a.applyJournal(c)
	a.flush(c)
	a.completeIndex(c, true)
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Warn("store close", zap.String("dir", a.dir), zap.Error(err))
		}
		a.store = nil
		if a.opts.Closed != nil {
			a.opts.Closed(a.dir)
		}
	}
}

func (a *storeActor) read(r Reader) any {
	if _, ok := r.(midbReader); ok {
		res, err := r.Read(&Tx{s: a.store, ctx: context.Background(), readOnly: true})
		if err != nil {
			return err
		}
		return res
	}
	tx, err := a.store.BeginRead(context.Background())
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := r.Read(tx)
	if err != nil {
		return err
	}
	return res
}

// midbReader is a read of the IMAP index alone (midb.sqlite3): it runs
// without a transaction of exchange.sqlite3, whose BEGIN and ROLLBACK
// would cost more than the read (its Tx has none and must not use one).
type midbReader interface{ readsMidbOnly() }

// openBatch is a write transaction whose requests have run and whose
// content files are being made durable. Writes that arrive meanwhile join
// it (their requests run while the first ones' files are fsynced), and it
// commits once the files of its first requests are durable, or as soon as
// anything else needs the store (finishOpen).
type openBatch struct {
	tx       *Tx
	batch    []pendingWrite
	results  []any
	panicked any           // the first panic of a request in it
	applied  time.Duration // time spent running its requests
	gen      uint64
	waiting  bool // a goroutine waits for its first content files
}

// contentSynced: the content files an open batch waited for are durable.
type contentSynced struct{ gen uint64 }

// flush commits every pending write in one transaction, answers each
// caller after the commit and then notifies subscribers.
func (a *storeActor) flush(c *actors.Context) {
	a.applyPending(c)
	a.finishOpen(c)
}

// flushOpen runs the pending writes and, when their content files take
// time to become durable, leaves the batch open for the writes that arrive
// meanwhile; it commits at once when there is nothing to wait for.
func (a *storeActor) flushOpen(c *actors.Context) {
	a.applyPending(c)
	o := a.batchOpen
	if o == nil || o.waiting {
		return
	}
	// A lone write after a lone write (one client at a time) commits at
	// once: nobody would join its batch, and the wait would only add the
	// hop of a message.
	pending := o.tx.pendingContent()
	if len(pending) == 0 || a.opts.NoGroupCommit || len(o.batch) >= a.opts.MaxBatch || (len(o.batch) == 1 && a.lastBatch <= 1) {
		a.finishOpen(c)
		return
	}
	o.waiting = true
	sys, self, gen := c.System(), c.Self(), o.gen
	go func() {
		for _, p := range pending {
			p.wait()
		}
		sys.Send(self, contentSynced{gen: gen})
	}()
}

// applyPending runs the pending writes in the open batch, or in a new one.
func (a *storeActor) applyPending(c *actors.Context) {
	if len(a.pending) == 0 || a.store == nil {
		return
	}
	if a.batchOpen == nil {
		// The IMAP flag changes journalled before these writes were
		// queued come first. (A batch is never open while the journal
		// has records: a STORE commits the open batch first, and the
		// journal is applied before the next batch opens.)
		a.applyJournal(c)
	}
	batch := a.pending
	a.pending = nil
	results := make([]any, len(batch))
	t0 := time.Now()
	o := a.batchOpen
	if o == nil {
		tx, err := a.store.Begin(context.Background())
		if err != nil {
			a.replyAll(c, batch, fmt.Errorf("mailbox: begin: %w", err))
			return
		}
		a.gen++
		o = &openBatch{tx: tx, gen: a.gen}
		a.batchOpen = o
	}
	tx := o.tx
	// A request that panics is a bug: its savepoint is undone and its
	// caller gets an actors.ErrFailed error, the rest of the batch
	// commits, and then the actor restarts with fresh state.
	// A batch of one runs without a savepoint: if it fails, the whole
	// transaction is rolled back instead. (Inside a savepoint SQLite keeps
	// every changed page in a sub-journal and walks it at the end of each
	// statement: a request changing many rows would cost time quadratic in
	// its size.) Requests that join a batch run in savepoints.
	run := tx.Do
	solo := len(o.batch) == 0 && len(batch) == 1
	if solo {
		run = func(fn func(*Tx) error) error { return fn(tx) }
	}
	for i, p := range batch {
		var res any
		err := run(func(tx *Tx) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if o.panicked == nil {
						o.panicked = r
						a.log.Error("store request panicked", zap.String("dir", a.dir),
							zap.String("request", fmt.Sprintf("%T", p.req)), zap.Any("reason", r),
							zap.ByteString("stack", debug.Stack()))
					}
					err = &actors.Failure{Kind: "store", PID: c.Self().String(), Reason: fmt.Sprint(r)}
				}
			}()
			start := len(tx.events)
			if res, err = p.req.Write(tx); err != nil {
				return err
			}
			return tx.updateSearchFolders(start)
		})
		if err != nil {
			results[i] = err
		} else {
			results[i] = res
		}
	}
	if solo {
		if err, failed := results[0].(error); failed {
			a.batchOpen = nil
			tx.dropContent()
			tx.Rollback()
			if batch[0].sender != nil {
				c.Send(batch[0].sender, err)
			}
			if o.panicked != nil {
				panic(o.panicked)
			}
			return
		}
	}
	o.batch = append(o.batch, batch...)
	o.results = append(o.results, results...)
	o.applied += time.Since(t0)
	if o.panicked != nil {
		a.finishOpen(c) // commits the rest, then panics
	}
}

// finishOpen commits the open batch: it waits for its content files,
// commits, answers each caller and then notifies subscribers.
func (a *storeActor) finishOpen(c *actors.Context) {
	o := a.batchOpen
	if o == nil {
		return
	}
	a.batchOpen = nil
	if o.panicked != nil {
		defer panic(o.panicked)
	}
	tx, batch, results := o.tx, o.batch, o.results
	a.lastBatch = len(batch)
	m := a.opts.metrics
	m.observeBatch(len(batch))
	m.observeDuration("apply", o.applied)
	t0 := time.Now()
	if err := tx.syncContent(); err != nil {
		tx.dropContent()
		tx.Rollback()
		a.replyAll(c, batch, fmt.Errorf("mailbox: commit: %w", err))
		return
	}
	m.observe("sync", t0)
	// The IMAP index update is prepared now, reading exchange.sqlite3
	// through the transaction, and midb.sqlite3's commit (an fsync) runs
	// beside exchange.sqlite3's instead of after it. A crash between the
	// two commits is repaired when the store opens, whichever came first:
	// the index is reconciled from exchange.sqlite3 (rows of messages that
	// are not there are dropped, messages it lacks get new UIDs above the
	// last one it handed out, flags are copied), so a UID is never reused,
	// and nobody was answered or notified of a change not committed.
	//
	// While an index commit is still running, this commit's index update
	// waits in the backlog instead, and starts with those of the commits
	// after it when that one is done: the store goes on committing and
	// answering instead of waiting for midb.sqlite3. So do changes of the
	// folder list, which the index reads as committed.
	//
	// Only a batch with a caller that reads the index right after its
	// answer (IMAP APPEND, COPY and MOVE ask for the new UIDs) prepares
	// the index before the commit: the others are answered without the
	// preparation's wait, and their index update starts right after the
	// answers, from the backlog.
	var job *indexJob
	if len(a.backlog) == 0 && !a.indexBusy() && !foldersChanged(tx.events) && readsIndexAfter(batch) {
		job = a.index(c, tx.events, tx)
	}
	t0 = time.Now()
	events, err := tx.Commit()
	m.observe("commit", t0)
	if err != nil {
		tx.Rollback()
		if job != nil {
			// Its index changes may have committed: the index is
			// reconciled before anything else uses it (a later commit
			// may reuse the message ids that were rolled back).
			<-job.done
			job.aborted = true
			if err := a.store.SyncIMAP(context.Background()); err != nil {
				a.log.Warn("IMAP index reconcile failed", zap.String("dir", a.dir), zap.Error(err))
			}
		}
		a.replyAll(c, batch, fmt.Errorf("mailbox: commit: %w", err))
		return
	}
	if foldersChanged(events) {
		a.store.imapNames = nil
	}
	// The callers are answered once exchange.sqlite3 has committed; they
	// are notified once the IMAP index has too (an IMAP session told of
	// new mail finds its UID). A caller answered with UIDs is answered
	// once the index has committed them.
	var waiting []uidReply
	for i, p := range batch {
		if p.sender == nil {
			continue
		}
		if r, ok := results[i].(uidAnswer); ok {
			waiting = append(waiting, uidReply{to: p.sender, r: r})
			continue
		}
		c.Send(p.sender, reply(results[i]))
	}
	if job == nil {
		a.backlog = append(a.backlog, events...)
		a.backlogReplies = append(a.backlogReplies, waiting...)
	} else {
		job.replies = waiting
	}
	a.completeIndex(c, false)
}

// uidAnswer is a write's result whose caller is answered once the IMAP
// index has committed the UIDs of the messages it made, with them
// (IMAP APPEND, COPY and MOVE report them).
type uidAnswer interface {
	withUIDs(uid func(fid, mid uint64) uint32) any
}

// uidReply is a caller to answer with the UIDs of its result.
type uidReply struct {
	to *actors.PID
	r  uidAnswer
}

// answerUIDs answers the callers of a job whose index commit is done, with
// the UIDs it handed out (looked up when it did not hand one out itself).
func (a *storeActor) answerUIDs(c *actors.Context, job *indexJob) {
	uid := func(fid, mid uint64) uint32 {
		if u, ok := job.uids[mid]; ok {
			return u
		}
		if a.store == nil || a.store.midb == nil {
			return 0
		}
		var v sql.NullInt64
		a.store.midbQueryRowDB(context.Background(), "SELECT uid FROM messages WHERE folder_id=? AND message_id=?", fid, mid).Scan(&v)
		return uint32(v.Int64)
	}
	for _, w := range job.replies {
		c.Send(w.to, w.r.withUIDs(uid))
	}
	job.replies = nil
}

// imapFolder resolves an IMAP folder name for IMAPAppend. The map of names
// is reset by every commit that changes folders; reading it again first
// commits what is queued and waits for the index, as a read would.
func (a *storeActor) imapFolder(c *actors.Context, name string) (uint64, error) {
	if a.store == nil {
		return 0, errors.New("mailbox: store not open")
	}
	if a.store.imapNames == nil {
		a.flush(c)
		a.completeIndex(c, true)
	}
	return a.store.imapFolderByName(context.Background(), name)
}

// indexBusy tells whether an index commit is running.
func (a *storeActor) indexBusy() bool {
	if len(a.indexing) == 0 {
		return false
	}
	select {
	case <-a.indexing[len(a.indexing)-1].done:
		return false
	default:
		return true
	}
}

// indexJob is the IMAP index update of one commit whose midb commit (an
// fsync) runs in its own goroutine, overlapping the next batch's work;
// the commit's subscribers and tables are told once it is done, in commit
// order.
type indexJob struct {
	events []Event
	done   chan struct{}
	// uids: the UIDs the update handed out, by message id; replies: the
	// callers to answer with them once it has committed.
	uids    map[uint64]uint32
	replies []uidReply
	// aborted: exchange.sqlite3's commit failed after the index job was
	// started; the index was reconciled and nobody is notified.
	aborted bool
}

// indexDone: an index goroutine finished.
type indexDone struct{}

// index updates the IMAP index for a commit's events: prepared here (it
// reads exchange.sqlite3, through via when the commit is yet to come),
// committed in a goroutine (it holds midb's one connection until then, so
// any other use of midb waits for it). The caller completes the job.
func (a *storeActor) index(c *actors.Context, events []Event, via *Tx) *indexJob {
	t0 := time.Now()
	a.store.readVia = via
	a.store.assigned = map[uint64]uint32{}
	commit, err := a.store.prepareIndexIMAP(context.Background(), events)
	uids := a.store.assigned
	a.store.readVia, a.store.assigned = nil, nil
	if err != nil {
		a.log.Warn("IMAP index update failed", zap.String("dir", a.dir), zap.Error(err))
		uids = nil // rolled back
	}
	job := &indexJob{events: events, done: make(chan struct{}), uids: uids}
	a.indexing = append(a.indexing, job)
	if commit == nil {
		close(job.done)
		return job
	}
	sys, self, m, dir, log, delay := c.System(), c.Self(), a.opts.metrics, a.dir, a.log, a.opts.indexDelay
	go func() {
		time.Sleep(delay)
		if err := commit(); err != nil {
			log.Warn("IMAP index commit failed", zap.String("dir", dir), zap.Error(err))
			job.uids = nil // not handed out after all
		}
		m.observe("index", t0)
		close(job.done)
		sys.Send(self, indexDone{})
	}()
	return job
}

// completeIndex tells subscribers and tables of the commits whose index
// update is done, in commit order; with wait, it waits for all of them
// (before a read, which must see them, and before the store closes).
func (a *storeActor) completeIndex(c *actors.Context, wait bool) {
	for {
		for len(a.indexing) > 0 {
			job := a.indexing[0]
			if !wait {
				select {
				case <-job.done:
				default:
					return
				}
			}
			<-job.done
			a.indexing = a.indexing[1:]
			if len(a.indexing) == 0 && a.store != nil {
				// No index commit holds midb's connection: prepare the
				// statements the last ones used, for the next.
				a.store.midbStmts.prepareWanted(context.Background(), a.store.midb)
			}
			if job.aborted {
				continue // reconciled when its commit failed; nothing to tell
			}
			a.answerUIDs(c, job)
			a.publish(c, job.events)
			a.updateTables(c, job.events)
		}
		// No index commit runs: the backlog's starts (it reads
		// exchange.sqlite3 as committed: no transaction is open).
		if a.store == nil {
			// Closed: nothing will index the backlog.
			a.answerUIDs(c, &indexJob{replies: a.backlogReplies})
			a.backlog, a.backlogReplies = nil, nil
			return
		}
		if len(a.backlog) == 0 {
			return
		}
		events, replies := a.backlog, a.backlogReplies
		a.backlog, a.backlogReplies = nil, nil
		a.index(c, events, nil).replies = replies
	}
}

// noResult stands for a nil result on the wire: a nil message cannot be
// queued in an actor's mailbox. Registry.Do turns it back into nil.
type noResult struct{}

// reply turns a nil result into a value the requester can receive.
func reply(v any) any {
	if v == nil {
		return noResult{}
	}
	return v
}

func (a *storeActor) replyAll(c *actors.Context, batch []pendingWrite, err error) {
	a.log.Error("store write failed", zap.String("dir", a.dir), zap.Int("requests", len(batch)), zap.Error(err))
	for _, p := range batch {
		if p.sender != nil {
			c.Send(p.sender, err)
		}
	}
}

// coalesceCounts keeps one counts-changed event per folder per commit, the
// last.
func coalesceCounts(events []Event) []Event {
	last := map[uint64]int{}
	for i, e := range events {
		if e.Kind == EventCountsChanged {
			last[e.FolderID] = i
		}
	}
	if len(last) == 0 {
		return events
	}
	out := events[:0]
	for i, e := range events {
		if e.Kind == EventCountsChanged && last[e.FolderID] != i {
			continue
		}
		out = append(out, e)
	}
	return out
}

// fillCounts reads the message and unread counts of the folders whose
// counts changed in this commit.
func (a *storeActor) fillCounts(events []Event) {
	tx, err := a.store.Begin(context.Background())
	if err != nil {
		return
	}
	defer tx.Rollback()
	for i := range events {
		if events[i].Kind != EventCountsChanged {
			continue
		}
		if total, unread, err := tx.FolderCounts(events[i].FolderID, false); err == nil {
			events[i].Total, events[i].Unread = total, unread
		}
	}
}

// publish numbers the events of one commit and sends each subscriber the
// ones it asked for, in one Notification.
func (a *storeActor) publish(c *actors.Context, events []Event) {
	if len(events) == 0 {
		return
	}
	events = coalesceCounts(events)
	for i := range events {
		a.seq++
		events[i].Seq = a.seq
	}
	if len(a.subs) == 0 {
		return
	}
	var wantCounts bool
	for _, s := range a.subs {
		wantCounts = wantCounts || s.kinds&EventCountsChanged != 0
	}
	if wantCounts {
		a.fillCounts(events)
	}
	for _, s := range a.subs {
		var mine []Event
		for _, e := range events {
			if e.Kind&s.kinds == 0 {
				continue
			}
			if s.folder != 0 && e.FolderID != s.folder && e.OldFolderID != s.folder && !(e.Folder && e.ParentID == s.folder) {
				continue
			}
			mine = append(mine, e)
		}
		if len(mine) > 0 {
			c.Send(s.pid, Notification{Dir: a.dir, SubID: s.id, Events: mine})
		}
	}
}
