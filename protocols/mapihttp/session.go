package mapihttp

import (
	"context"
	"sync"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
)

// Messages of a session actor.
type (
	// beginMsg starts a request: the sequence cookie of an Execute or a
	// Disconnect is checked, and an Execute's replaced. Reply: beginReply.
	beginMsg struct {
		kind string
		seq  string
	}
	beginReply struct {
		code   int
		why    string
		newSeq string
	}
	// executeMsg runs an Execute. Reply: the response body ([]byte).
	executeMsg struct{ req wire.ExecuteRequest }
	// waitMsg starts a NotificationWait. Reply: whether events are
	// pending now (bool); else the session sends true on ch when one
	// arrives, or false when it ends.
	waitMsg struct{ ch chan bool }
	// cancelWait ends a NotificationWait that gave up.
	cancelWait struct{ ch chan bool }
	// expiryCheck fires when the session may have expired.
	expiryCheck struct{}
	// listHandles asks for the handles in use (tests, diagnostics).
	// Reply: []uint32.
	listHandles struct{}
)

// session is the actor of one session context (MS-OXCMAPIHTTP 3.2.1): the
// logons and the server object handle table of MS-OXCROPS 3.2.1.
type session struct {
	s    *Server
	user *directory.User
	sid  string
	seq  string
	cpid uint32
	lcid uint32

	self    *actors.PID
	lastUse time.Time
	timer   *time.Timer

	logons  map[uint8]*logon
	handles map[uint32]*object
	// byStoreID finds the objects of store tables and subscriptions, for
	// the store's notifications.
	byStoreID map[storeKey]*object
	next      uint32 // the last handle value handed out
	room      int    // bytes the running ROP's response may take

	// Store notifications of the subscriptions (RegisterNotification)
	// arrive on inbox in the store's goroutine and queue here until an
	// Execute sends them as RopNotify responses.
	inbox  *actors.Inbox
	mu     sync.Mutex
	queued []queuedEvent
	// Changes of the session's open tables, sent by the store to the
	// actor as mailbox.TableNotification.
	tableQueue []tableEvent
	waiter     chan bool
}

// fresh returns a new actor instance with the session's identity (the
// producer must not reuse instances).
func (a *session) fresh() *session {
	return &session{s: a.s, user: a.user, sid: a.sid, seq: a.seq, cpid: a.cpid, lcid: a.lcid}
}

func (a *session) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case *actors.Started:
		a.self = c.Self()
		a.lastUse = time.Now()
		a.logons = map[uint8]*logon{}
		a.handles = map[uint32]*object{}
		a.byStoreID = map[storeKey]*object{}
		a.timer = c.After(a.s.cfg.SessionTimeout, expiryCheck{})
	case beginMsg:
		a.lastUse = time.Now()
		switch m.kind {
		case reqExecute, reqDisconnect:
			// MS-OXCMAPIHTTP 3.2.5.1: the sequence cookie must be the one
			// the last response gave.
			if m.seq != a.seq {
				c.Respond(beginReply{code: rcInvalidSequence, why: "sequence cookie does not match"})
				return
			}
			if m.kind == reqExecute {
				a.seq = newToken()
				c.Respond(beginReply{newSeq: a.seq})
				return
			}
		}
		c.Respond(beginReply{})
	case executeMsg:
		a.lastUse = time.Now()
		c.Respond(a.execute(c, m.req))
	case waitMsg:
		a.lastUse = time.Now()
		a.mu.Lock()
		pending := len(a.queued) > 0 || len(a.tableQueue) > 0
		if !pending {
			if a.waiter != nil {
				select {
				case a.waiter <- false:
				default:
				}
			}
			a.waiter = m.ch
		}
		a.mu.Unlock()
		c.Respond(pending)
	case cancelWait:
		a.lastUse = time.Now()
		a.mu.Lock()
		if a.waiter == m.ch {
			a.waiter = nil
		}
		a.mu.Unlock()
	case expiryCheck:
		if idle := time.Since(a.lastUse); idle < a.s.cfg.SessionTimeout {
			a.timer = c.After(a.s.cfg.SessionTimeout-idle, expiryCheck{})
			return
		}
		a.s.log.Info("emsmdb session context expired", zap.String("user", a.user.Username), zap.String("sid", a.sid))
		c.Stop(c.Self())
	case listHandles:
		hs := make([]uint32, 0, len(a.handles))
		for h := range a.handles {
			hs = append(hs, h)
		}
		c.Respond(hs)
	case mailbox.TableNotification:
		a.tableChanged(m)
	case actors.ServerShutdown:
		c.Stop(c.Self())
	case *actors.Stopping:
		a.stopped()
	}
}

// stopped releases what the session holds; it must not panic.
func (a *session) stopped() {
	defer func() { _ = recover() }()
	a.s.forget(a.sid, a.self)
	if a.timer != nil {
		a.timer.Stop()
	}
	if a.inbox != nil {
		a.inbox.Close()
	}
	a.mu.Lock()
	if a.waiter != nil {
		select {
		case a.waiter <- false:
		default:
		}
		a.waiter = nil
	}
	a.mu.Unlock()
	// The store drops the tables and subscriptions of an owner that
	// stops: no store calls here.
}

// ctx is the context of one ROP's store calls.
func (a *session) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), a.s.cfg.Timeout)
}

// do runs one store request on the store of l.
func (a *session) do(l *logon, req any) (any, error) {
	ctx, cancel := a.ctx()
	defer cancel()
	return a.s.stores.Do(ctx, l.dir, req)
}

func storeDo[T any](a *session, l *logon, req any) (T, error) {
	ctx, cancel := a.ctx()
	defer cancel()
	return mailbox.Do[T](ctx, a.s.stores, l.dir, req)
}
