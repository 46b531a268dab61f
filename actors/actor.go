// Package actors is the project's thin layer over protoactor-go: the few
// types the rest of the code uses (PID, Context, Props, requests with a
// deadline, spawning, supervision policies), plus what every actor gets from
// the one props factory: panic recovery with a stack trace, per-kind metrics,
// run-time tracing switches and an entry in the live-actor listing.
//
// Invariants:
//   - No other package imports protoactor; a library bump stays here.
//   - Every actor is spawned through Props.build, so every actor has the
//     recover, metrics and trace middleware and is listed while it lives.
//   - A request never waits past its deadline, and a request to an actor that
//     stops (or panics on that request) is answered with an error at once,
//     not left to time out.
//   - Known library bugs are worked around here: SetReceiveTimeout's data race
//     (use Context.After), Stop dropping queued messages (callers' pending
//     requests are failed with ErrStopped; use Poison for a graceful stop),
//     bounded mailboxes spinning (only unbounded mailboxes are used), a panic
//     in Stopping resurrecting the actor (lifecycle panics are swallowed and
//     logged).
package actors

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Lifecycle messages an actor receives. Started arrives after spawn and after
// every restart (re-open resources there); Restarting before a restart;
// Stopping and Stopped when it stops (release resources there, never panic);
// Terminated when a watched actor or a child has stopped.
type (
	Started    = actor.Started
	Restarting = actor.Restarting
	Stopping   = actor.Stopping
	Stopped    = actor.Stopped
	Terminated = actor.Terminated
)

// PID addresses one actor. It is safe to share between goroutines.
type PID struct{ p *actor.PID }

// String returns the actor's id as listed by the admin endpoint.
func (p *PID) String() string {
	if p == nil || p.p == nil {
		return "<nil>"
	}
	return p.p.Id
}

// ID returns the actor's process id.
func (p *PID) ID() string { return p.String() }

// Equal reports whether two PIDs address the same actor.
func (p *PID) Equal(o *PID) bool {
	if p == nil || o == nil {
		return p == o
	}
	return p.p.Equal(o.p)
}

func wrapPID(p *actor.PID) *PID {
	if p == nil {
		return nil
	}
	return &PID{p: p}
}

func (p *PID) raw() *actor.PID {
	if p == nil {
		return nil
	}
	return p.p
}

// Actor is the behaviour of one actor. Receive is never called concurrently
// for one actor.
type Actor interface {
	Receive(c *Context)
}

// ActorFunc adapts a function to Actor.
type ActorFunc func(c *Context)

// Receive calls f.
func (f ActorFunc) Receive(c *Context) { f(c) }

// Context is what an actor sees while it handles one message. It is valid
// only inside Receive and must not be kept or used from other goroutines.
type Context struct {
	ac   actor.Context
	sys  *System
	info *Info
}

// Message returns the message being handled.
func (c *Context) Message() any { return c.ac.Message() }

// Self returns this actor's PID.
func (c *Context) Self() *PID { return wrapPID(c.ac.Self()) }

// Parent returns the parent's PID (nil for top-level actors).
func (c *Context) Parent() *PID { return wrapPID(c.ac.Parent()) }

// Sender returns the PID to reply to, or nil when the message was sent
// without one.
func (c *Context) Sender() *PID { return wrapPID(c.ac.Sender()) }

// System returns the actor system.
func (c *Context) System() *System { return c.sys }

// Info returns this actor's entry in the live-actor listing.
func (c *Context) Info() *Info { return c.info }

// Respond replies to the sender of the current message; without a sender
// the reply is dropped (never a panic).
func (c *Context) Respond(msg any) {
	if c.ac.Sender() == nil {
		return
	}
	c.ac.Respond(msg)
}

// Send delivers msg to pid without a sender.
func (c *Context) Send(pid *PID, msg any) {
	if pid == nil {
		return
	}
	c.ac.Send(pid.p, msg)
}

// Request delivers msg to pid with this actor as the sender; the reply
// arrives as an ordinary message (an *Failure or error value on failure).
func (c *Context) Request(pid *PID, msg any) {
	if pid == nil {
		return
	}
	c.ac.Request(pid.p, msg)
}

// Forward delivers the current message to pid keeping its original sender,
// so the reply goes straight to the original caller.
func (c *Context) Forward(pid *PID) {
	if pid == nil {
		return
	}
	c.ac.RequestWithCustomSender(pid.p, c.ac.Message(), c.ac.Sender())
}

// ForwardMessage delivers msg to pid with sender as the reply address.
func (c *Context) ForwardMessage(pid *PID, msg any, sender *PID) {
	if pid == nil {
		return
	}
	c.ac.RequestWithCustomSender(pid.p, msg, sender.raw())
}

// Spawn starts a child of this actor.
func (c *Context) Spawn(p Props) *PID {
	props, info := p.build(c.sys, c.info)
	pid := c.ac.SpawnPrefix(props, p.prefix())
	c.sys.register(info, pid)
	return wrapPID(pid)
}

// Children returns the PIDs of this actor's live children.
func (c *Context) Children() []*PID {
	ch := c.ac.Children()
	out := make([]*PID, len(ch))
	for i, p := range ch {
		out[i] = wrapPID(p)
	}
	return out
}

// Stop stops pid at once: its queued messages are dropped and their
// requesters get ErrStopped.
func (c *Context) Stop(pid *PID) {
	if pid != nil {
		c.ac.Stop(pid.p)
	}
}

// Poison stops pid after it has handled every message already queued.
func (c *Context) Poison(pid *PID) {
	if pid != nil {
		c.ac.Poison(pid.p)
	}
}

// Watch asks for a Terminated message when pid stops. Children are watched
// by their parent already: do not also Watch them (Terminated would arrive
// twice).
func (c *Context) Watch(pid *PID) {
	if pid != nil {
		c.ac.Watch(pid.p)
	}
}

// Unwatch cancels Watch.
func (c *Context) Unwatch(pid *PID) {
	if pid != nil {
		c.ac.Unwatch(pid.p)
	}
}

// After sends msg to this actor once d has passed, from a timer goroutine
// through the system's root context. It replaces the library's
// SetReceiveTimeout, which races (protoactor-go #1139). The returned timer
// can be stopped or reset.
func (c *Context) After(d time.Duration, msg any) *time.Timer {
	root, self := c.sys.sys.Root, c.ac.Self()
	return time.AfterFunc(d, func() { root.Send(self, msg) })
}

// Terminated returns the PID of the stopped actor in a Terminated message.
func TerminatedWho(t *Terminated) *PID { return wrapPID(t.Who) }
