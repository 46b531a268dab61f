package supervisor

import (
	"context"
	"errors"
	"time"

	"github.com/gromox-go/gromox/actors"
)

// ServerShutdown is what sessions receive when the server stops (see
// actors.ServerShutdown).
type ServerShutdown = actors.ServerShutdown

// startSession asks a protocol supervisor to spawn a session.
type startSession struct{ props actors.Props }

// drain asks a protocol supervisor to end all its sessions by deadline.
type drain struct{ deadline time.Duration }

type drainDeadline struct{}

// ErrShuttingDown is returned for sessions started after shutdown began.
var ErrShuttingDown = errors.New("supervisor: server is shutting down")

// Protocol is the supervisor of one protocol's sessions: every IMAP, POP3 or
// LMTP connection and every MAPI/HTTP session context is a child of its
// protocol's supervisor. A session that panics is stopped (its connection
// state cannot be rebuilt) and logged with its stack; its siblings go on.
type Protocol struct {
	Name string
	sys  *actors.System
	pid  *actors.PID
}

// NewProtocol starts the supervisor for protocol name.
func NewProtocol(sys *actors.System, name string) *Protocol {
	pid := sys.Spawn(actors.Props{
		Kind:     name + "-supervisor",
		Protocol: name,
		Children: actors.StopPolicy,
		New:      func() actors.Actor { return &protocolSupervisor{} },
	})
	return &Protocol{Name: name, sys: sys, pid: pid}
}

// PID returns the supervisor's address.
func (p *Protocol) PID() *actors.PID { return p.pid }

// StartSession spawns a session actor under this protocol. props.Protocol
// and props.Session are set for it.
func (p *Protocol) StartSession(ctx context.Context, props actors.Props) (*actors.PID, error) {
	props.Protocol = p.Name
	props.Session = true
	return actors.Ask[*actors.PID](ctx, p.sys, p.pid, startSession{props})
}

// Drain tells every session to finish (ServerShutdown), waits until all have
// stopped or the deadline passes, stops the rest, then stops the
// supervisor. It returns the number of sessions that had to be stopped.
func (p *Protocol) Drain(ctx context.Context, deadline time.Duration) (int, error) {
	n, err := actors.Ask[int](ctx, p.sys, p.pid, drain{deadline})
	if err != nil {
		return 0, err
	}
	return n, p.sys.StopGracefully(ctx, p.pid)
}

type protocolSupervisor struct {
	draining bool
	replyTo  *actors.PID // the Drain caller, answered when no session is left
	forced   int
	timer    *time.Timer
}

func (s *protocolSupervisor) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case startSession:
		if s.draining {
			c.Respond(ErrShuttingDown)
			return
		}
		c.Respond(c.Spawn(m.props))
	case drain:
		s.draining = true
		s.replyTo = c.Sender()
		kids := c.Children()
		if len(kids) == 0 {
			s.finish(c)
			return
		}
		for _, k := range kids {
			c.Send(k, ServerShutdown{})
		}
		s.timer = c.After(m.deadline, drainDeadline{})
	case drainDeadline:
		if s.replyTo == nil {
			return
		}
		for _, k := range c.Children() {
			s.forced++
			c.Stop(k)
		}
	case *actors.Terminated:
		if s.draining && s.replyTo != nil && len(c.Children()) == 0 {
			s.finish(c)
		}
	case *actors.Stopping:
		if s.timer != nil {
			s.timer.Stop()
		}
	}
}

func (s *protocolSupervisor) finish(c *actors.Context) {
	if s.timer != nil {
		s.timer.Stop()
	}
	c.Send(s.replyTo, s.forced)
	s.replyTo = nil
}
