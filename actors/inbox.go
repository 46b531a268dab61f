package actors

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
)

// Inbox is an address that is not an actor: every user message sent to it
// is handed to a function at once, in the sender's goroutine. A session
// subscribes an Inbox to its store so that a change the store committed
// before answering the session's next request is already known when that
// answer arrives (an actor's mailbox would still hold it, unprocessed,
// while the session works on the request). Watchers of an Inbox learn
// when it is closed.
type Inbox struct {
	sys *System
	pid *actor.PID
	fn  func(msg any)

	mu       sync.Mutex
	closed   bool
	watchers []*actor.PID
}

// NewInbox registers an Inbox that calls fn for each message; fn must not
// block.
func (s *System) NewInbox(fn func(msg any)) *Inbox {
	in := &Inbox{sys: s, fn: fn}
	reg := s.sys.ProcessRegistry
	in.pid, _ = reg.Add(in, "inbox"+reg.NextId())
	return in
}

// PID is the Inbox's address.
func (in *Inbox) PID() *PID { return &PID{p: in.pid} }

// Close unregisters the Inbox and tells its watchers it terminated.
func (in *Inbox) Close() {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return
	}
	in.closed = true
	watchers := in.watchers
	in.watchers = nil
	in.mu.Unlock()
	in.sys.sys.ProcessRegistry.Remove(in.pid)
	for _, w := range watchers {
		in.terminated(w)
	}
}

// terminated tells watcher w that the Inbox is gone.
func (in *Inbox) terminated(w *actor.PID) {
	if p, ok := in.sys.sys.ProcessRegistry.Get(w); ok {
		p.SendSystemMessage(w, &actor.Terminated{Who: in.pid, Why: actor.TerminatedReason_Stopped})
	}
}

func (in *Inbox) SendUserMessage(_ *actor.PID, m any) {
	in.mu.Lock()
	closed := in.closed
	in.mu.Unlock()
	if !closed {
		in.fn(actor.UnwrapEnvelopeMessage(m))
	}
}

func (in *Inbox) SendSystemMessage(_ *actor.PID, m any) {
	switch m := m.(type) {
	case *actor.Watch:
		in.mu.Lock()
		closed := in.closed
		if !closed {
			in.watchers = append(in.watchers, m.Watcher)
		}
		in.mu.Unlock()
		if closed {
			in.terminated(m.Watcher)
		}
	case *actor.Unwatch:
		in.mu.Lock()
		for i, w := range in.watchers {
			if w.Equal(m.Watcher) {
				in.watchers = append(in.watchers[:i], in.watchers[i+1:]...)
				break
			}
		}
		in.mu.Unlock()
	}
}

func (in *Inbox) Stop(*actor.PID) { in.Close() }
