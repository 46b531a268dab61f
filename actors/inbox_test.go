package actors

import (
	"sync"
	"testing"
	"time"
)

// watchInbox asks an actor to watch a PID and reports its Terminated.
type watchInbox struct{ pid *PID }

// TestInbox: a message sent to an Inbox reaches its function before Send
// returns; an actor watching it learns when it closes, and messages after
// Close are dropped.
func TestInbox(t *testing.T) {
	s, _, _ := newTestSystem(t)
	var mu sync.Mutex
	var got []any
	in := s.NewInbox(func(m any) {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	})
	s.Send(in.PID(), ping{1})
	mu.Lock()
	if len(got) != 1 || got[0] != (ping{1}) {
		t.Fatalf("after Send: %v", got)
	}
	mu.Unlock()

	terminated := make(chan *PID, 1)
	watcher := s.Spawn(Props{Kind: "test-watcher", New: func() Actor {
		return ActorFunc(func(c *Context) {
			switch m := c.Message().(type) {
			case watchInbox:
				c.Watch(m.pid)
				c.Respond(true)
			case *Terminated:
				terminated <- TerminatedWho(m)
			}
		})
	}})
	if _, err := s.Request(ctxT(t), watcher, watchInbox{in.PID()}); err != nil {
		t.Fatal(err)
	}
	in.Close()
	select {
	case who := <-terminated:
		if !who.Equal(in.PID()) {
			t.Errorf("Terminated for %v, want %v", who, in.PID())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher did not learn that the Inbox closed")
	}
	s.Send(in.PID(), ping{2})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 {
		t.Errorf("message after Close delivered: %v", got)
	}
}
