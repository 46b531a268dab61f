package mailbox

import (
	"context"
	"errors"
	"hash/fnv"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/gromox-go/gromox/actors"
	"go.uber.org/zap"
)

// ErrShuttingDown answers requests that arrive after the registry began to
// shut down.
var ErrShuttingDown = errors.New("mailbox: shutting down")

// Registry finds or starts the one actor of each open store. Stores are
// spread over shard actors by directory; a shard is the only place that
// knows whether a store's actor is live, passivating or absent, so two
// owners of one store file never exist: a store's next actor is spawned only
// after the previous one has closed the file and terminated.
//
// Callers hold no PIDs: Do looks the store's actor up in a lock-free cache
// the shards maintain, and on ErrStopped (the actor passivated meanwhile)
// goes through the shard, which queues the request until the store is open
// again.
type Registry struct {
	sys    *actors.System
	log    *zap.Logger
	opts   Options
	shards []*actors.PID
	live   sync.Map // dir -> *actors.PID, maintained by the shards
}

// NewRegistry starts the registry shards.
func NewRegistry(sys *actors.System, log *zap.Logger, opts Options) *Registry {
	opts.defaults()
	r := &Registry{sys: sys, log: log, opts: opts}
	n := runtime.GOMAXPROCS(0) * 4
	for range n {
		r.shards = append(r.shards, sys.Spawn(actors.Props{
			Kind: "store-registry",
			// A store actor that keeps panicking is stopped; its
			// callers get ErrStopped and the next request starts it
			// afresh.
			Children: actors.RestartPolicy(3, time.Minute),
			New:      func() actors.Actor { return &shard{reg: r} },
		}))
	}
	return r
}

func (r *Registry) shard(dir string) *actors.PID {
	h := fnv.New32a()
	h.Write([]byte(dir))
	return r.shards[h.Sum32()%uint32(len(r.shards))]
}

// toStore asks a shard to deliver Msg to the actor of Dir, starting it if
// needed; the reply comes from the store actor.
type toStore struct {
	Dir string
	Msg any
}

// Do sends req (a Reader, Writer, Subscribe or Unsubscribe) to the store in
// dir and waits for its reply within ctx.
func (r *Registry) Do(ctx context.Context, dir string, req any) (any, error) {
	dir = filepath.Clean(dir)
	for attempt := 0; ; attempt++ {
		var res any
		var err error
		if v, ok := r.live.Load(dir); ok && attempt == 0 {
			res, err = r.sys.Request(ctx, v.(*actors.PID), req)
		} else {
			res, err = r.sys.Request(ctx, r.shard(dir), toStore{Dir: dir, Msg: req})
		}
		if errors.Is(err, actors.ErrStopped) && attempt < 3 {
			continue // the actor passivated or was stopped before it handled req
		}
		if _, ok := res.(noResult); ok {
			res = nil
		}
		return res, err
	}
}

// Do is Registry.Do with a typed reply.
func Do[T any](ctx context.Context, r *Registry, dir string, req any) (T, error) {
	var zero T
	res, err := r.Do(ctx, dir, req)
	if err != nil || res == nil {
		return zero, err
	}
	t, ok := res.(T)
	if !ok {
		return zero, errors.New("mailbox: unexpected reply type")
	}
	return t, nil
}

// DoAll sends the requests of reqs to the store in dir all at once and
// waits for every reply, returned in the order of reqs. Writes queued
// together are committed together, each in its own savepoint: many small
// requests, not one large one, are how a bulk change (STORE on a range)
// goes fast.
func (r *Registry) DoAll(ctx context.Context, dir string, reqs []any) ([]any, []error) {
	res := make([]any, len(reqs))
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	for i, req := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = r.Do(ctx, dir, req)
		}()
	}
	wg.Wait()
	return res, errs
}

// Open lists the directories of the stores open now.
func (r *Registry) Open() []string {
	var out []string
	r.live.Range(func(k, _ any) bool {
		out = append(out, k.(string))
		return true
	})
	return out
}

// unloadStore asks a shard to close one store (mbop unload).
type unloadStore struct{ dir string }

// Unload closes the store in dir if it is open: its actor finishes what is
// queued, commits and closes the files. The next request opens it again.
// This is what `gromox-mbop unload` asks of a running server.
func (r *Registry) Unload(ctx context.Context, dir string) error {
	dir = filepath.Clean(dir)
	_, err := r.sys.Request(ctx, r.shard(dir), unloadStore{dir: dir})
	return err
}

type shutdownShard struct{}

// Shutdown closes every store: each shard stops taking requests, lets its
// store actors finish what they have queued, commit and close, and stops.
func (r *Registry) Shutdown(ctx context.Context) error {
	var errs []error
	for _, s := range r.shards {
		if _, err := r.sys.Request(ctx, s, shutdownShard{}); err != nil && !errors.Is(err, actors.ErrStopped) {
			errs = append(errs, err)
		}
	}
	for _, s := range r.shards {
		if err := r.sys.StopGracefully(ctx, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

type queued struct {
	msg    any
	sender *actors.PID
}

type storeEntry struct {
	pid      *actors.PID
	stopping bool
	queue    []queued      // requests that arrived while it passivated
	unloaded []*actors.PID // Unload callers, answered once it has stopped
}

// shard owns the store actors of its share of directories.
type shard struct {
	reg      *Registry
	stores   map[string]*storeEntry
	byPID    map[string]string
	closing  bool
	closedBy *actors.PID // the Shutdown caller, answered when no store is left
}

func (s *shard) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case *actors.Started:
		s.stores = map[string]*storeEntry{}
		s.byPID = map[string]string{}
	case toStore:
		if s.closing {
			c.Respond(ErrShuttingDown)
			return
		}
		e := s.stores[m.Dir]
		if e == nil {
			e = s.spawn(c, m.Dir)
		}
		if e.stopping {
			e.queue = append(e.queue, queued{msg: m.Msg, sender: c.Sender()})
			return
		}
		c.ForwardMessage(e.pid, m.Msg, c.Sender())
	case unloadStore:
		e := s.stores[m.dir]
		if e == nil {
			c.Respond(noResult{})
			return
		}
		e.unloaded = append(e.unloaded, c.Sender())
		if !e.stopping {
			e.stopping = true
			s.reg.live.Delete(m.dir)
			c.Poison(e.pid)
		}
	case passivateReq:
		if e := s.stores[m.dir]; e != nil && !e.stopping {
			e.stopping = true
			s.reg.live.Delete(m.dir)
			c.Poison(e.pid) // behind every request already forwarded
		}
	case *actors.Terminated:
		who := actors.TerminatedWho(m)
		dir, ok := s.byPID[who.ID()]
		if !ok {
			return
		}
		delete(s.byPID, who.ID())
		e := s.stores[dir]
		delete(s.stores, dir)
		if v, ok := s.reg.live.Load(dir); ok && v.(*actors.PID).Equal(who) {
			s.reg.live.Delete(dir)
		}
		if e != nil {
			for _, w := range e.unloaded {
				c.Send(w, noResult{})
			}
		}
		if e != nil && len(e.queue) > 0 {
			if s.closing {
				for _, q := range e.queue {
					c.Send(q.sender, ErrShuttingDown)
				}
			} else {
				ne := s.spawn(c, dir)
				for _, q := range e.queue {
					c.ForwardMessage(ne.pid, q.msg, q.sender)
				}
			}
		}
		s.maybeClosed(c)
	case shutdownShard:
		s.closing = true
		s.closedBy = c.Sender()
		for dir, e := range s.stores {
			s.reg.live.Delete(dir)
			if !e.stopping {
				e.stopping = true
				c.Poison(e.pid)
			}
		}
		s.maybeClosed(c)
	}
}

func (s *shard) maybeClosed(c *actors.Context) {
	if s.closing && s.closedBy != nil && len(s.stores) == 0 {
		c.Send(s.closedBy, noResult{})
		s.closedBy = nil
	}
}

func (s *shard) spawn(c *actors.Context, dir string) *storeEntry {
	reg := s.reg
	pid := c.Spawn(actors.Props{
		Kind: "store",
		Name: "store",
		User: dir,
		New:  func() actors.Actor { return newStoreActor(dir, &reg.opts, reg.log) },
	})
	e := &storeEntry{pid: pid}
	s.stores[dir] = e
	s.byPID[pid.ID()] = dir
	reg.live.Store(dir, pid)
	return e
}
