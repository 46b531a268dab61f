package actors

import (
	"errors"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// ErrUnrecoverable, panicked with (or wrapped in a panicked error), makes the
// parent stop the actor instead of restarting it: for example a store file
// that is corrupt, which a restart would only hammer.
var ErrUnrecoverable = errors.New("actors: unrecoverable failure")

// Policy is what a parent does when one of its children panics. The failing
// child alone is affected (one-for-one).
type Policy struct {
	// Restart makes a new instance of the failing child (its New is called
	// again and it receives Started); otherwise the child is stopped.
	Restart bool
	// MaxRestarts within Within: one more failure stops the child for good.
	MaxRestarts int
	Within      time.Duration
}

// StopPolicy stops a child that panics: for session actors, whose connection
// state cannot be rebuilt.
var StopPolicy = Policy{}

// RestartPolicy restarts a child that panics, at most max times within
// window; after that it is stopped and requests to it fail with ErrStopped.
func RestartPolicy(max int, window time.Duration) Policy {
	return Policy{Restart: true, MaxRestarts: max, Within: window}
}

func (p Policy) strategy(_ *System) actor.SupervisorStrategy {
	if !p.Restart {
		return actor.NewOneForOneStrategy(0, 0, func(any) actor.Directive { return actor.StopDirective })
	}
	return actor.NewOneForOneStrategy(p.MaxRestarts, p.Within, func(reason any) actor.Directive {
		if err, ok := reason.(error); ok && errors.Is(err, ErrUnrecoverable) {
			return actor.StopDirective
		}
		return actor.RestartDirective
	})
}
