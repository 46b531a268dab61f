package actors

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"go.uber.org/zap"
)

// ErrFailed is matched (errors.Is) by the *Failure a requester gets when the
// actor panicked while handling its request.
var ErrFailed = errors.New("actors: actor failed")

// Failure is the reply sent to the requester of a message whose handler
// panicked: the caller gets a clear error at once instead of a timeout.
type Failure struct {
	Kind   string
	PID    string
	Reason string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("actors: %s %s failed: %s", f.Kind, f.PID, f.Reason)
}

// Is makes errors.Is(f, ErrFailed) true.
func (f *Failure) Is(target error) bool { return target == ErrFailed }

// stoppedReply completes a pending request whose target stopped before
// answering.
type stoppedReply struct{}

// middleware is the receiver middleware every actor gets: listing, recover
// with stack, metrics and tracing.
func (s *System) middleware(info *Info) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			msg := env.Message
			lifecycle := false
			switch msg.(type) {
			case *actor.Started:
				s.register(info, c.Self())
			case *actor.Restarting:
				info.restarts.Add(1)
				s.metrics.restarts.WithLabelValues(info.Kind).Inc()
				lifecycle = true
			case *actor.Stopping, *actor.Stopped:
				lifecycle = true
			}
			// Decide before handling, so a message that began while its
			// trace was on is traced even if the switch flips meanwhile.
			traced := s.tracer.on.Load() && s.tracer.match(info)
			t0 := time.Now()
			defer func() {
				r := recover()
				d := time.Since(t0)
				name := typeName(msg)
				info.handled.Add(1)
				s.metrics.observe(info.Kind, name, d)
				if traced {
					s.tracer.record(info, name, d, r)
				}
				if _, ok := msg.(*actor.Stopped); ok {
					s.unregister(info)
				}
				if r == nil {
					return
				}
				// The mailbox skips its "received" hook for a message whose
				// handler panicked.
				info.depth.Add(-1)
				s.metrics.panics.WithLabelValues(info.Kind).Inc()
				s.log.Error("actor panic",
					zap.String("kind", info.Kind), zap.String("pid", c.Self().Id),
					zap.String("user", info.User()), zap.String("protocol", info.Protocol),
					zap.String("message", name), zap.Any("reason", r),
					zap.ByteString("stack", debug.Stack()))
				if lifecycle {
					// A panic while restarting or stopping would resurrect
					// the actor (protoactor-go #214): log it and go on.
					return
				}
				if env.Sender != nil {
					c.ActorSystem().Root.Send(env.Sender, &Failure{
						Kind: info.Kind, PID: c.Self().Id, Reason: fmt.Sprint(r),
					})
				}
				panic(r) // the parent's policy decides: restart or stop
			}()
			next(c, env)
		}
	}
}

var typeNames sync.Map // reflect.Type -> string

// typeName returns a short, cached name of a message's type for metrics and
// logs.
func typeName(m any) string {
	t := reflect.TypeOf(m)
	if t == nil {
		return "nil"
	}
	if v, ok := typeNames.Load(t); ok {
		return v.(string)
	}
	n := t.String()
	typeNames.Store(t, n)
	return n
}
