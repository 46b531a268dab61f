package actors

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// TraceFilter selects actors to trace: by PID id, by user, by protocol or by
// kind. Exactly one field is set.
type TraceFilter struct {
	Actor    string `json:"actor,omitempty"`
	User     string `json:"user,omitempty"`
	Protocol string `json:"protocol,omitempty"`
	Kind     string `json:"kind,omitempty"`
}

func (f TraceFilter) valid() bool {
	n := 0
	for _, s := range []string{f.Actor, f.User, f.Protocol, f.Kind} {
		if s != "" {
			n++
		}
	}
	return n == 1
}

// TraceEvent is one traced message.
type TraceEvent struct {
	Time     time.Time     `json:"time"`
	PID      string        `json:"pid"`
	Kind     string        `json:"kind"`
	User     string        `json:"user,omitempty"`
	Protocol string        `json:"protocol,omitempty"`
	Message  string        `json:"message"`
	Took     time.Duration `json:"took_ns"`
	Panic    string        `json:"panic,omitempty"`
}

// Tracer holds the run-time tracing switches. Readers (every message of
// every actor) do one atomic load when tracing is off; switching is rare and
// replaces an immutable snapshot.
type Tracer struct {
	log  *zap.Logger
	on   atomic.Bool
	snap atomic.Pointer[traceSet]

	mu     sync.Mutex // writers of snap, and the event ring
	ring   []TraceEvent
	next   int
	filled bool
}

type traceSet struct {
	actors, users, protocols, kinds map[string]bool
}

const traceRing = 1024

func newTracer(log *zap.Logger) *Tracer {
	t := &Tracer{log: log, ring: make([]TraceEvent, traceRing)}
	t.snap.Store(&traceSet{})
	return t
}

// Enable switches tracing on for the actors f selects.
func (t *Tracer) Enable(f TraceFilter) error { return t.set(f, true) }

// Disable switches tracing off for the actors f selects.
func (t *Tracer) Disable(f TraceFilter) error { return t.set(f, false) }

// DisableAll switches every trace off.
func (t *Tracer) DisableAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.snap.Store(&traceSet{})
	t.on.Store(false)
}

func (t *Tracer) set(f TraceFilter, on bool) error {
	if !f.valid() {
		return fmt.Errorf("actors: trace filter needs exactly one of actor, user, protocol, kind")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.snap.Load()
	n := &traceSet{
		actors: copySet(old.actors), users: copySet(old.users),
		protocols: copySet(old.protocols), kinds: copySet(old.kinds),
	}
	apply := func(m map[string]bool, k string) {
		if k == "" {
			return
		}
		if on {
			m[k] = true
		} else {
			delete(m, k)
		}
	}
	apply(n.actors, f.Actor)
	apply(n.users, f.User)
	apply(n.protocols, f.Protocol)
	apply(n.kinds, f.Kind)
	t.snap.Store(n)
	t.on.Store(len(n.actors)+len(n.users)+len(n.protocols)+len(n.kinds) > 0)
	return nil
}

func copySet(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m)+1)
	for k := range m {
		out[k] = true
	}
	return out
}

// Active lists the switches that are on.
func (t *Tracer) Active() []TraceFilter {
	s := t.snap.Load()
	var out []TraceFilter
	for k := range s.actors {
		out = append(out, TraceFilter{Actor: k})
	}
	for k := range s.users {
		out = append(out, TraceFilter{User: k})
	}
	for k := range s.protocols {
		out = append(out, TraceFilter{Protocol: k})
	}
	for k := range s.kinds {
		out = append(out, TraceFilter{Kind: k})
	}
	sort.Slice(out, func(a, b int) bool {
		return fmt.Sprint(out[a]) < fmt.Sprint(out[b])
	})
	return out
}

func (t *Tracer) match(i *Info) bool {
	s := t.snap.Load()
	return (i.PID != nil && s.actors[i.PID.String()]) || s.users[i.User()] ||
		s.protocols[i.Protocol] || s.kinds[i.Kind]
}

// record logs one traced message and keeps it in the recent-events ring.
func (t *Tracer) record(i *Info, msg string, d time.Duration, panicked any) {
	ev := TraceEvent{
		Time: time.Now(), Kind: i.Kind, User: i.User(), Protocol: i.Protocol,
		Message: msg, Took: d,
	}
	if i.PID != nil {
		ev.PID = i.PID.String()
	}
	if panicked != nil {
		ev.Panic = fmt.Sprint(panicked)
	}
	t.log.Info("actor trace", zap.String("pid", ev.PID), zap.String("kind", ev.Kind),
		zap.String("user", ev.User), zap.String("protocol", ev.Protocol),
		zap.String("message", msg), zap.Duration("took", d))
	t.mu.Lock()
	t.ring[t.next] = ev
	t.next = (t.next + 1) % len(t.ring)
	if t.next == 0 {
		t.filled = true
	}
	t.mu.Unlock()
}

// Recent returns the most recent traced messages, oldest first.
func (t *Tracer) Recent() []TraceEvent {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []TraceEvent
	if t.filled {
		out = append(out, t.ring[t.next:]...)
	}
	return append(out, t.ring[:t.next]...)
}
