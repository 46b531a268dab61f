package supervisor

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func testSystem(t *testing.T) (*actors.System, *observer.ObservedLogs) {
	core, logs := observer.New(zap.DebugLevel)
	s := actors.NewSystem(zap.New(core), nil)
	t.Cleanup(s.Shutdown)
	return s, logs
}

func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

type line struct{ text string }

// session answers lines; "panic" makes it panic; on ServerShutdown it says
// goodbye (counted) and stops itself unless it is stubborn.
type session struct {
	byes     *atomic.Int64
	stubborn bool
}

func (s *session) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case line:
		if m.text == "panic" {
			panic("client sent a poison line")
		}
		c.Respond("OK " + m.text)
	case ServerShutdown:
		if s.stubborn {
			return
		}
		s.byes.Add(1)
		c.Stop(c.Self())
	}
}

func TestSessionPanicStopsOnlyThatSession(t *testing.T) {
	sys, logs := testSystem(t)
	p := NewProtocol(sys, "imap")
	var byes atomic.Int64
	props := actors.Props{Kind: "imap-session", New: func() actors.Actor { return &session{byes: &byes} }}
	a, err := p.StartSession(ctx10(t), props)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.StartSession(ctx10(t), props)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sys.Request(ctx10(t), a, line{"panic"}); !errors.Is(err, actors.ErrFailed) {
		t.Fatalf("panicking command: %v", err)
	}
	if err := sys.Wait(ctx10(t), a); err != nil {
		t.Fatal("panicking session still alive")
	}
	got, err := actors.Ask[string](ctx10(t), sys, b, line{"NOOP"})
	if err != nil || got != "OK NOOP" {
		t.Fatalf("sibling session: %q, %v", got, err)
	}
	if !sys.Alive(p.PID()) {
		t.Fatal("protocol supervisor died with its session")
	}
	panics := logs.FilterMessage("actor panic").All()
	if len(panics) != 1 {
		t.Fatalf("%d panic lines", len(panics))
	}
	f := panics[0].ContextMap()
	if f["protocol"] != "imap" || !strings.Contains(f["stack"].(string), "supervisor.(*session).Receive") {
		t.Fatalf("panic line lacks protocol or stack: %v", f)
	}
	// A new session can still be started.
	if _, err := p.StartSession(ctx10(t), props); err != nil {
		t.Fatal(err)
	}
}

func TestDrainEndsSessionsInOrder(t *testing.T) {
	sys, _ := testSystem(t)
	p := NewProtocol(sys, "pop3")
	var byes atomic.Int64
	polite := actors.Props{Kind: "pop3-session", New: func() actors.Actor { return &session{byes: &byes} }}
	stubborn := actors.Props{Kind: "pop3-session", New: func() actors.Actor { return &session{byes: &byes, stubborn: true} }}
	var pids []*actors.PID
	for _, props := range []actors.Props{polite, polite, polite, stubborn} {
		pid, err := p.StartSession(ctx10(t), props)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	forced, err := p.Drain(ctx10(t), 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if byes.Load() != 3 || forced != 1 {
		t.Fatalf("byes=%d forced=%d, want 3 and 1", byes.Load(), forced)
	}
	for _, pid := range pids {
		if sys.Alive(pid) {
			t.Fatalf("session %s alive after drain", pid)
		}
	}
	if sys.Alive(p.PID()) {
		t.Fatal("supervisor alive after drain")
	}
	if _, err := p.StartSession(ctx10(t), polite); err == nil {
		t.Fatal("session started after drain")
	}
}

func TestDrainWithoutSessions(t *testing.T) {
	sys, _ := testSystem(t)
	p := NewProtocol(sys, "lmtp")
	if n, err := p.Drain(ctx10(t), time.Second); err != nil || n != 0 {
		t.Fatalf("Drain = %d, %v", n, err)
	}
}
