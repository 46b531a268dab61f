package actors

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
)

// DefaultTimeout bounds a request whose context has no deadline.
const DefaultTimeout = 30 * time.Second

// System is one actor system with its listing of live actors, its metrics and
// its tracing switches.
type System struct {
	sys     *actor.ActorSystem
	log     *zap.Logger
	tracer  *Tracer
	metrics *metrics
	actors  sync.Map // PID id -> *Info
	dead    atomic.Int64
	// top is the guardian policy for top-level actors, and spawner the root
	// context that applies it (one for the system: protoactor's
	// WithGuardian changes the context it is called on).
	top     Policy
	spawner *actor.RootContext
}

// NewSystem starts an actor system that logs through log and registers its
// metrics with reg (nil: not registered).
func NewSystem(log *zap.Logger, reg prometheus.Registerer) *System {
	s := &System{log: log, top: RestartPolicy(10, time.Minute)}
	s.sys = actor.NewActorSystem(
		actor.WithLoggerFactory(func(as *actor.ActorSystem) *slog.Logger {
			// The library logs supervision at Debug and every recovery at
			// Info without a stack; our middleware logs panics with the
			// stack, so keep the library's own lines at Warn and up.
			core := log.Core()
			return slog.New(zapslog.NewHandler(core, zapslog.WithName("protoactor"))).With("system", as.ID)
		}),
		actor.WithDeadLetterThrottleCount(3),
		actor.WithDeadLetterThrottleInterval(time.Minute),
		actor.WithDeadLetterRequestLogging(false),
	)
	s.spawner = actor.NewRootContext(s.sys, nil).WithGuardian(s.top.strategy(s))
	s.tracer = newTracer(log)
	s.metrics = newMetrics(s)
	if reg != nil {
		s.metrics.register(reg)
	}
	s.sys.EventStream.Subscribe(func(e any) {
		if _, ok := e.(*actor.DeadLetterEvent); ok {
			s.dead.Add(1)
		}
	})
	return s
}

// Logger returns the system's logger.
func (s *System) Logger() *zap.Logger { return s.log }

// Tracer returns the run-time tracing switches.
func (s *System) Tracer() *Tracer { return s.tracer }

// DeadLetters returns how many messages went to stopped or unknown actors.
func (s *System) DeadLetters() int64 { return s.dead.Load() }

// Spawn starts a top-level actor. A top-level actor that panics is restarted
// up to 10 times a minute, then stopped.
func (s *System) Spawn(p Props) *PID {
	props, info := p.build(s, nil)
	pid := s.spawner.SpawnPrefix(props, p.prefix())
	s.register(info, pid)
	return wrapPID(pid)
}

// Send delivers msg to pid without a sender. Safe from any goroutine.
func (s *System) Send(pid *PID, msg any) {
	if pid != nil {
		s.sys.Root.Send(pid.p, msg)
	}
}

// Stop stops pid at once (queued messages are dropped; their requesters get
// ErrStopped).
func (s *System) Stop(pid *PID) {
	if pid != nil {
		s.sys.Root.Stop(pid.p)
	}
}

// Poison stops pid after everything already queued to it.
func (s *System) Poison(pid *PID) {
	if pid != nil {
		s.sys.Root.Poison(pid.p)
	}
}

// Wait blocks until pid has stopped or ctx ends. An actor that is not alive
// counts as stopped.
func (s *System) Wait(ctx context.Context, pid *PID) error {
	info := s.lookup(pid)
	if info == nil {
		return nil
	}
	select {
	case <-info.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// StopGracefully poisons pid and waits for it to stop until ctx ends; then
// it stops it at once and waits a little more.
func (s *System) StopGracefully(ctx context.Context, pid *PID) error {
	s.Poison(pid)
	err := s.Wait(ctx, pid)
	if err == nil {
		return nil
	}
	s.Stop(pid)
	c2, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err2 := s.Wait(c2, pid); err2 != nil {
		return err2
	}
	return err
}

// Alive reports whether pid is a live actor of this system.
func (s *System) Alive(pid *PID) bool { return s.lookup(pid) != nil }

// Shutdown ends the actor system. Stop the tree in order first (see
// supervisor): this only releases the system.
func (s *System) Shutdown() { s.sys.Shutdown() }

func (s *System) lookup(pid *PID) *Info {
	if pid == nil || pid.p == nil {
		return nil
	}
	v, ok := s.actors.Load(pid.p.Id)
	if !ok {
		return nil
	}
	return v.(*Info)
}

// Info is one live actor's entry in the listing.
type Info struct {
	PID      *PID
	Parent   *PID
	Kind     string
	Protocol string
	Session  bool
	Since    time.Time

	user     atomic.Pointer[string]
	depth    atomic.Int64
	handled  atomic.Int64
	restarts atomic.Int64
	done     chan struct{}
	sys      *System

	once    sync.Once // registration, from the spawner or the first Started
	mu      sync.Mutex
	pending map[*call]struct{} // requests in flight to this actor
}

// User returns the user this actor serves ("" if none).
func (i *Info) User() string {
	if p := i.user.Load(); p != nil {
		return *p
	}
	return ""
}

// SetUser labels the actor with the user it serves (for tracing by user), for
// example once a session has logged in.
func (i *Info) SetUser(u string) { i.user.Store(&u) }

func (i *Info) addPending(f *call) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.pending == nil {
		return false // stopped already
	}
	i.pending[f] = struct{}{}
	return true
}

func (i *Info) removePending(f *call) {
	i.mu.Lock()
	if i.pending != nil {
		delete(i.pending, f)
	}
	i.mu.Unlock()
}

// register lists the actor. Both the spawner (right after spawning) and the
// actor's first Started call it, whichever comes first, so the actor is
// listed before anyone can send to it.
func (s *System) register(i *Info, self *actor.PID) {
	i.once.Do(func() {
		i.PID = wrapPID(self)
		i.Since = time.Now()
		i.done = make(chan struct{})
		i.pending = map[*call]struct{}{}
		s.actors.Store(self.Id, i)
	})
}

// unregister removes the actor from the listing and fails every request that
// was still waiting on it; called after its Stopped.
func (s *System) unregister(i *Info) {
	s.actors.Delete(i.PID.p.Id)
	i.mu.Lock()
	pending := i.pending
	i.pending = nil
	i.mu.Unlock()
	for c := range pending {
		c.deliver(stoppedReply{})
	}
	close(i.done)
}

// ActorInfo is a snapshot of one live actor for the admin listing.
type ActorInfo struct {
	PID      string    `json:"pid"`
	Parent   string    `json:"parent,omitempty"`
	Kind     string    `json:"kind"`
	User     string    `json:"user,omitempty"`
	Protocol string    `json:"protocol,omitempty"`
	Since    time.Time `json:"since"`
	Depth    int64     `json:"queue_depth"`
	Handled  int64     `json:"messages_handled"`
	Restarts int64     `json:"restarts"`
}

// Actors lists the live actors, ordered by PID.
func (s *System) Actors() []ActorInfo {
	var out []ActorInfo
	s.actors.Range(func(_, v any) bool {
		i := v.(*Info)
		a := ActorInfo{
			PID: i.PID.String(), Kind: i.Kind, User: i.User(), Protocol: i.Protocol,
			Since: i.Since, Depth: i.depth.Load(), Handled: i.handled.Load(), Restarts: i.restarts.Load(),
		}
		if i.Parent != nil {
			a.Parent = i.Parent.String()
		}
		out = append(out, a)
		return true
	})
	sort.Slice(out, func(a, b int) bool { return out[a].PID < out[b].PID })
	return out
}

// Find returns the live actor with the given PID id.
func (s *System) Find(id string) *PID {
	v, ok := s.actors.Load(id)
	if !ok {
		return nil
	}
	return v.(*Info).PID
}
