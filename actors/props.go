package actors

import (
	"github.com/asynkron/protoactor-go/actor"
)

// Props describes an actor to spawn. New must return a fresh instance on
// every call: it is called again on each restart, and reusing one instance
// would carry broken state across the restart.
type Props struct {
	Kind     string       // metrics and trace label: "imap-session", "mailbox", ...
	Name     string       // id prefix; defaults to Kind
	User     string       // trace label: the user this actor serves, if known
	Protocol string       // trace label: the protocol this actor serves
	Session  bool         // counted as a session of Protocol in the metrics
	New      func() Actor // producer: a new instance per call
	// Children is the policy this actor applies to its own children's
	// failures. The zero value stops a failing child (StopPolicy).
	Children Policy
	// Inline runs the actor's messages on the goroutine that sends one
	// while the actor is idle (the others wait in its mailbox as usual),
	// instead of on a goroutine started for them. A request then costs no
	// goroutine hand-over in either direction: in a VM, waking another
	// thread for each command is most of the cost of a short one. Only for
	// an actor whose senders wait for it anyway or can afford to run it:
	// a session actor whose messages come from its connection goroutine
	// and its supervisors, and which sends nothing other actors run
	// inline. An actor that receives from actors it also asks must not be
	// inline: a sender running it would wait for itself.
	Inline bool
}

// inlineDispatcher runs a mailbox on the goroutine that schedules it,
// yielding the processor after as many messages as the default one does.
var inlineDispatcher = actor.NewSynchronizedDispatcher(300)

func (p Props) prefix() string {
	if p.Name != "" {
		return p.Name + "-"
	}
	if p.Kind != "" {
		return p.Kind + "-"
	}
	return "actor-"
}

// build turns p into protoactor props with the middleware every actor gets.
// parent is the spawning actor's listing entry (nil for top-level actors).
func (p Props) build(sys *System, parent *Info) (*actor.Props, *Info) {
	kind := p.Kind
	if kind == "" {
		kind = "actor"
	}
	info := &Info{Kind: kind, Protocol: p.Protocol, Session: p.Session, sys: sys}
	info.user.Store(&p.User)
	if parent != nil {
		info.Parent = parent.PID
	}
	newActor := p.New
	producer := func() actor.Actor {
		return &adapter{impl: newActor(), sys: sys, info: info}
	}
	depth := &depthGauge{info: info}
	opts := []actor.PropsOption{
		actor.WithReceiverMiddleware(sys.middleware(info)),
		actor.WithSupervisor(p.Children.strategy(sys)),
		actor.WithMailbox(actor.Unbounded(depth)),
	}
	if p.Inline {
		opts = append(opts, actor.WithDispatcher(inlineDispatcher))
	}
	return actor.PropsFromProducer(producer, opts...), info
}

// adapter runs our Actor inside protoactor.
type adapter struct {
	impl Actor
	sys  *System
	info *Info
	ctx  Context
}

func (a *adapter) Receive(ac actor.Context) {
	a.ctx = Context{ac: ac, sys: a.sys, info: a.info}
	a.impl.Receive(&a.ctx)
}

// depthGauge counts the messages in one actor's mailbox, the one being
// handled included. One gauge
// per spawn: protoactor shares mailbox middleware between every actor made
// from one producer.
type depthGauge struct{ info *Info }

func (d *depthGauge) MailboxStarted()     {}
func (d *depthGauge) MessagePosted(any)   { d.info.depth.Add(1) }
func (d *depthGauge) MessageReceived(any) { d.info.depth.Add(-1) }
func (d *depthGauge) MailboxEmpty()       {}
