package actors

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Request errors.
var (
	// ErrTimeout: no reply before the deadline. The request may still have
	// been carried out: writes must be idempotent or checked afterwards.
	ErrTimeout = errors.New("actors: request timed out, outcome unknown")
	// ErrStopped: the target actor is not alive, or stopped before it
	// answered.
	ErrStopped = errors.New("actors: actor is stopped")
)

// call is the reply address of one request: a process in the library's
// registry whose first message wins. The library's own Future writes its
// result without a lock on every message it receives (protoactor-go #1145),
// so a late second reply could overwrite the first; call cannot.
type call struct {
	done atomic.Bool
	ch   chan any
}

func (c *call) deliver(v any) {
	if c.done.CompareAndSwap(false, true) {
		c.ch <- v
	}
}

func (c *call) SendUserMessage(_ *actor.PID, m any) { c.deliver(actor.UnwrapEnvelopeMessage(m)) }
func (c *call) SendSystemMessage(_ *actor.PID, m any) {
	c.deliver(actor.UnwrapEnvelopeMessage(m))
}
func (c *call) Stop(*actor.PID) { c.deliver(stoppedReply{}) }

// Request sends msg to pid and waits for the reply until ctx's deadline (or
// DefaultTimeout when ctx has none) or ctx's cancellation. A reply that is an
// error value is returned as the error.
func (s *System) Request(ctx context.Context, pid *PID, msg any) (any, error) {
	if pid == nil {
		return nil, ErrStopped
	}
	d := DefaultTimeout
	if dl, ok := ctx.Deadline(); ok {
		d = time.Until(dl)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if d <= 0 {
		return nil, context.DeadlineExceeded
	}
	info := s.lookup(pid)
	kind := "unknown"
	if info != nil {
		kind = info.Kind
	}
	t0 := time.Now()
	c := &call{ch: make(chan any, 1)}
	reg := s.sys.ProcessRegistry
	reply, _ := reg.Add(c, "req"+reg.NextId())
	defer reg.Remove(reply)
	if info != nil && !info.addPending(c) {
		return nil, ErrStopped
	}
	s.sys.Root.RequestWithCustomSender(pid.p, msg, reply)
	timer := time.NewTimer(d)
	var res any
	var err error
	select {
	case v := <-c.ch:
		res, err = mapReply(v)
	case <-timer.C:
		err = ErrTimeout
	case <-ctx.Done():
		err = ctx.Err()
	}
	timer.Stop()
	c.done.Store(true) // a late reply is dropped
	if info != nil {
		info.removePending(c)
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	s.metrics.requests.WithLabelValues(kind, result).Observe(time.Since(t0).Seconds())
	return res, err
}

func mapReply(v any) (any, error) {
	switch r := v.(type) {
	case stoppedReply, *actor.DeadLetterResponse:
		return nil, ErrStopped
	case error:
		return nil, r
	}
	return v, nil
}

// Ask is Request with a typed reply.
func Ask[T any](ctx context.Context, s *System, pid *PID, msg any) (T, error) {
	var zero T
	res, err := s.Request(ctx, pid, msg)
	if err != nil {
		return zero, err
	}
	t, ok := res.(T)
	if !ok {
		return zero, fmt.Errorf("actors: reply of type %T, want %T", res, zero)
	}
	return t, nil
}
