package mailbox

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"go.uber.org/zap"
)

// These tests drive the store actor and registry with a scratch table, so
// they test group commit, ordering, subscriptions and passivation apart from
// the store schema.

type owners struct {
	mu     sync.Mutex
	open   map[string]int
	opens  atomic.Int64
	double atomic.Int64
}

func (o *owners) options(idle time.Duration) Options {
	o.open = map[string]int{}
	return Options{
		Idle: idle,
		Open: func(dir string) (*Store, error) {
			o.mu.Lock()
			o.open[dir]++
			if o.open[dir] > 1 {
				o.double.Add(1)
			}
			o.mu.Unlock()
			o.opens.Add(1)
			return openScratch(dir)
		},
		Closed: func(dir string) {
			o.mu.Lock()
			o.open[dir]--
			o.mu.Unlock()
		},
	}
}

func openScratch(dir string) (*Store, error) {
	if _, err := os.Stat(filepath.Join(dir, "broken")); err == nil {
		return nil, errors.New("store file is corrupt")
	}
	if err := os.MkdirAll(filepath.Join(dir, "exmdb"), 0o755); err != nil {
		return nil, err
	}
	db, err := openDB(DBPath(dir))
	if err != nil {
		return nil, err
	}
	if _, err := db.Exec("CREATE TABLE IF NOT EXISTS t (k INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT NOT NULL)"); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{Dir: dir, db: db}, nil
}

// insert is a Writer adding one row and emitting an event for it.
type insert struct {
	v    string
	fail bool
}

func (w insert) Write(tx *Tx) (any, error) {
	res, err := tx.Exec("INSERT INTO t (v) VALUES (?)", w.v)
	if err != nil {
		return nil, err
	}
	id, _ := res.LastInsertId()
	tx.Emit(Event{Kind: EventCreated, FolderID: 1, MessageID: uint64(id)})
	if w.fail {
		return nil, errors.New("refused after insert")
	}
	return id, nil
}

// count is a Reader returning the number of rows.
type count struct{}

func (count) Read(tx *Tx) (any, error) {
	var n int64
	err := tx.QueryRow("SELECT COUNT(*) FROM t").Scan(&n)
	return n, err
}

// blockRead holds the store actor until release is closed.
type blockRead struct{ started, release chan struct{} }

func (b blockRead) Read(*Tx) (any, error) {
	close(b.started)
	<-b.release
	return nil, nil
}

type panicWrite struct{}

func (panicWrite) Write(*Tx) (any, error) { panic("bug in a request") }

func newRegistry(t testing.TB, opts Options) (*Registry, *actors.System) {
	sys := actors.NewSystem(zap.NewNop(), nil)
	r := NewRegistry(sys, zap.NewNop(), opts)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r.Shutdown(ctx)
		sys.Shutdown()
	})
	return r, sys
}

func tctx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestWriteThenRead(t *testing.T) {
	var o owners
	r, _ := newRegistry(t, o.options(time.Minute))
	dir := t.TempDir()
	id, err := Do[int64](tctx(t), r, dir, insert{v: "a"})
	if err != nil || id != 1 {
		t.Fatalf("insert: %v %v", id, err)
	}
	n, err := Do[int64](tctx(t), r, dir, count{})
	if err != nil || n != 1 {
		t.Fatalf("count: %v %v", n, err)
	}
}

// Writes queued while the actor is busy commit in one transaction, each
// caller is answered, and a failing write undoes only itself.
func TestGroupCommitAndSavepoints(t *testing.T) {
	var o owners
	r, _ := newRegistry(t, o.options(time.Minute))
	dir := t.TempDir()
	if _, err := r.Do(tctx(t), dir, count{}); err != nil {
		t.Fatal(err)
	}
	b := blockRead{started: make(chan struct{}), release: make(chan struct{})}
	go r.Do(tctx(t), dir, b)
	<-b.started
	const n = 50
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = r.Do(tctx(t), dir, insert{v: fmt.Sprint(i), fail: i == 7})
		}()
	}
	// Wait until all n writes are queued behind the blocked read.
	pid, _ := r.live.Load(dir)
	deadline := time.Now().Add(10 * time.Second)
	for !queuedAtLeast(r, pid.(*actors.PID), n+1) {
		if time.Now().After(deadline) {
			t.Fatal("writes never queued")
		}
		time.Sleep(time.Millisecond)
	}
	close(b.release)
	wg.Wait()
	for i, err := range errs {
		if (i == 7) != (err != nil) {
			t.Errorf("write %d: err = %v", i, err)
		}
	}
	got, err := Do[int64](tctx(t), r, dir, count{})
	if err != nil || got != n-1 {
		t.Fatalf("%d rows, want %d (the failed write must be undone)", got, n-1)
	}
	st := storeStats(t, r, dir)
	if st.commits != 1 {
		t.Fatalf("%d commits for %d queued writes, want 1", st.commits, n)
	}
}

func queuedAtLeast(r *Registry, pid *actors.PID, n int64) bool {
	for _, a := range r.sys.Actors() {
		if a.PID == pid.String() {
			return a.Depth >= n
		}
	}
	return false
}

// storeStats reads the commit counter of a store through its actor.
type stats struct{ commits int64 }

func storeStats(t *testing.T, r *Registry, dir string) stats {
	res, err := r.Do(tctx(t), dir, ReadFunc(func(tx *Tx) (any, error) {
		return stats{commits: tx.Store().Commits()}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return res.(stats)
}

// collector is a subscriber actor.
type collector struct {
	mu    sync.Mutex
	notes []Notification
}

func (c *collector) actor() actors.Actor {
	return actors.ActorFunc(func(ctx *actors.Context) {
		if n, ok := ctx.Message().(Notification); ok {
			c.mu.Lock()
			c.notes = append(c.notes, n)
			c.mu.Unlock()
		}
	})
}

func (c *collector) events() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Event
	for _, n := range c.notes {
		out = append(out, n.Events...)
	}
	return out
}

func TestNotificationsInCommitOrder(t *testing.T) {
	var o owners
	r, sys := newRegistry(t, o.options(time.Minute))
	dir := t.TempDir()
	col := &collector{}
	sub := sys.Spawn(actors.Props{Kind: "test-session", New: col.actor})
	id, err := Do[uint64](tctx(t), r, dir, Subscribe{Subscriber: sub, Kinds: EventCreated})
	if err != nil || id == 0 {
		t.Fatalf("subscribe: %v %v", id, err)
	}
	other := &collector{}
	sub2 := sys.Spawn(actors.Props{Kind: "test-session", New: other.actor})
	if _, err := r.Do(tctx(t), dir, Subscribe{Subscriber: sub2, Kinds: EventDeleted}); err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := r.Do(tctx(t), dir, insert{v: fmt.Sprint(w, i), fail: i == 3}); err != nil && i != 3 {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	want := writers * (each - 1)
	deadline := time.Now().Add(10 * time.Second)
	for len(col.events()) < want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	evs := col.events()
	if len(evs) != want {
		t.Fatalf("%d events, want %d (failed writes emit none)", len(evs), want)
	}
	// Commit order is row order: ids and sequence numbers both increase.
	for i := 1; i < len(evs); i++ {
		if evs[i].Seq <= evs[i-1].Seq || evs[i].MessageID <= evs[i-1].MessageID {
			t.Fatalf("event %d out of order: %+v after %+v", i, evs[i], evs[i-1])
		}
	}
	if len(other.events()) != 0 {
		t.Fatal("subscriber to deletions got creations")
	}

	// A subscriber that stops is dropped: later commits send it nothing.
	sys.Stop(sub)
	sys.Wait(tctx(t), sub)
	time.Sleep(10 * time.Millisecond) // its Terminated reaches the store
	before := sys.DeadLetters()
	for range 5 {
		if _, err := r.Do(tctx(t), dir, insert{v: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if d := sys.DeadLetters() - before; d != 0 {
		t.Fatalf("%d notifications sent to a stopped subscriber", d)
	}
	// Unsubscribe works too.
	if _, err := r.Do(tctx(t), dir, Unsubscribe{ID: id}); err != nil {
		t.Fatal(err)
	}
}

// Stores passivate after an idle millisecond while 32 callers write to 4
// stores: no request is lost and no store ever has two owners.
func TestPassivationUnderLoad(t *testing.T) {
	var o owners
	r, _ := newRegistry(t, o.options(time.Millisecond))
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()}
	var acked [4]atomic.Int64
	var wg sync.WaitGroup
	for w := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 60 {
				d := (w + i) % 4
				if _, err := r.Do(tctx(t), dirs[d], insert{v: "x"}); err != nil {
					t.Errorf("write: %v", err)
					return
				}
				acked[d].Add(1)
				if i%10 == 0 {
					time.Sleep(2 * time.Millisecond) // let stores go idle
				}
			}
		}()
	}
	wg.Wait()
	for d, dir := range dirs {
		n, err := Do[int64](tctx(t), r, dir, count{})
		if err != nil || n != acked[d].Load() {
			t.Fatalf("store %d: %d rows, %d acknowledged (%v)", d, n, acked[d].Load(), err)
		}
	}
	if o.double.Load() != 0 {
		t.Fatalf("%d times a store had two owners", o.double.Load())
	}
	if o.opens.Load() <= int64(len(dirs)) {
		t.Logf("only %d opens: stores never passivated under this load", o.opens.Load())
	}
}

func TestIdleStorePassivatesAndReopens(t *testing.T) {
	var o owners
	r, _ := newRegistry(t, o.options(5*time.Millisecond))
	dir := t.TempDir()
	if _, err := r.Do(tctx(t), dir, insert{v: "a"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(r.Open()) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("idle store never passivated")
		}
		time.Sleep(time.Millisecond)
	}
	if n, err := Do[int64](tctx(t), r, dir, count{}); err != nil || n != 1 {
		t.Fatalf("after reopen: %d, %v", n, err)
	}
	if o.opens.Load() != 2 {
		t.Fatalf("%d opens, want 2", o.opens.Load())
	}
}

func TestUnavailableStoreAnswersClearly(t *testing.T) {
	var o owners
	r, _ := newRegistry(t, o.options(time.Minute))
	bad, good := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(bad, "broken"), nil, 0o644)
	for range 3 {
		if _, err := r.Do(tctx(t), bad, insert{v: "a"}); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("write to a broken store: %v", err)
		}
		if _, err := r.Do(tctx(t), bad, count{}); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("read of a broken store: %v", err)
		}
	}
	if _, err := r.Do(tctx(t), good, insert{v: "a"}); err != nil {
		t.Fatalf("a good store beside a broken one: %v", err)
	}
}

func TestPanickingRequestRestartsStore(t *testing.T) {
	var o owners
	r, _ := newRegistry(t, o.options(time.Minute))
	dir := t.TempDir()
	if _, err := r.Do(tctx(t), dir, insert{v: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Do(tctx(t), dir, panicWrite{}); !errors.Is(err, actors.ErrFailed) {
		t.Fatalf("panicking request: %v", err)
	}
	if n, err := Do[int64](tctx(t), r, dir, count{}); err != nil || n != 1 {
		t.Fatalf("after the panic: %d, %v", n, err)
	}
	if o.double.Load() != 0 {
		t.Fatal("restart opened the store twice")
	}
}

func TestShutdownCommitsQueuedWrites(t *testing.T) {
	var o owners
	sys := actors.NewSystem(zap.NewNop(), nil)
	defer sys.Shutdown()
	r := NewRegistry(sys, zap.NewNop(), o.options(time.Minute))
	dir := t.TempDir()
	var acked atomic.Int64
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if _, err := r.Do(tctx(t), dir, insert{v: "x"}); err != nil {
					return // refused during shutdown: not acknowledged
				}
				acked.Add(1)
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	if err := r.Shutdown(tctx(t)); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	s, err := openScratch(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int64
	s.db.QueryRow("SELECT COUNT(*) FROM t").Scan(&n)
	if n < acked.Load() {
		t.Fatalf("%d rows but %d writes acknowledged", n, acked.Load())
	}
	if o.open[dir] != 0 {
		t.Fatal("store left open after shutdown")
	}
}

func TestUnloadClosesAndReopens(t *testing.T) {
	var o owners
	r, _ := newRegistry(t, o.options(time.Hour))
	dir := t.TempDir()
	if _, err := r.Do(tctx(t), dir, insert{v: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Unload(tctx(t), dir); err != nil {
		t.Fatal(err)
	}
	o.mu.Lock()
	open := o.open[dir]
	o.mu.Unlock()
	if open != 0 || len(r.Open()) != 0 {
		t.Fatalf("store still open after Unload (%d owners)", open)
	}
	if err := r.Unload(tctx(t), dir); err != nil {
		t.Fatalf("Unload of a closed store: %v", err)
	}
	if n, err := Do[int64](tctx(t), r, dir, count{}); err != nil || n != 1 {
		t.Fatalf("after reopen: %d %v", n, err)
	}
}
