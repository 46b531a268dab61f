package actors

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func newTestSystem(t testing.TB) (*System, *observer.ObservedLogs, *prometheus.Registry) {
	core, logs := observer.New(zap.DebugLevel)
	reg := prometheus.NewRegistry()
	s := NewSystem(zap.New(core), reg)
	t.Cleanup(s.Shutdown)
	return s, logs, reg
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

type ping struct{ n int }
type boom struct{}
type block struct{ started, release chan struct{} }
type getState struct{}

// echo answers ping with n+1 and panics on boom.
type echo struct{}

func (echo) Receive(c *Context) {
	switch m := c.Message().(type) {
	case ping:
		c.Respond(m.n + 1)
	case boom:
		panic("boom requested")
	}
}

// spawnUnder starts a parent applying policy to its children and returns the
// children spawned from props.
type spawnChild struct{ p Props }

func parentProps(policy Policy) Props {
	return Props{Kind: "test-supervisor", Children: policy, New: func() Actor {
		return ActorFunc(func(c *Context) {
			if m, ok := c.Message().(spawnChild); ok {
				c.Respond(c.Spawn(m.p))
			}
		})
	}}
}

func spawnChildren(t *testing.T, s *System, policy Policy, p Props, n int) []*PID {
	t.Helper()
	parent := s.Spawn(parentProps(policy))
	var out []*PID
	for range n {
		pid, err := Ask[*PID](ctxT(t), s, parent, spawnChild{p})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pid)
	}
	return out
}

func TestRequestReply(t *testing.T) {
	s, _, _ := newTestSystem(t)
	pid := s.Spawn(Props{Kind: "echo", New: func() Actor { return echo{} }})
	got, err := Ask[int](ctxT(t), s, pid, ping{41})
	if err != nil || got != 42 {
		t.Fatalf("Ask = %v, %v; want 42", got, err)
	}
	if _, err := Ask[string](ctxT(t), s, pid, ping{1}); err == nil {
		t.Fatal("Ask with the wrong reply type succeeded")
	}
}

// An inline session (run on its requester's goroutine) fails the same
// way: the panic reaches the requester as ErrFailed, not the process.
func TestPanickingSessionIsStoppedSiblingAnswers(t *testing.T) {
	for _, inline := range []bool{false, true} {
		t.Run(map[bool]string{false: "goroutine", true: "inline"}[inline], func(t *testing.T) {
			s, logs, _ := newTestSystem(t)
			kids := spawnChildren(t, s, StopPolicy, Props{Kind: "session", Protocol: "imap", Session: true, Inline: inline,
				New: func() Actor { return echo{} }}, 2)
			bad, good := kids[0], kids[1]

			_, err := s.Request(ctxT(t), bad, boom{})
			if !errors.Is(err, ErrFailed) {
				t.Fatalf("request that panicked: err = %v, want ErrFailed", err)
			}
			if err := s.Wait(ctxT(t), bad); err != nil {
				t.Fatalf("panicking session was not stopped: %v", err)
			}
			if _, err := s.Request(ctxT(t), bad, ping{1}); !errors.Is(err, ErrStopped) {
				t.Fatalf("request to stopped session: err = %v, want ErrStopped", err)
			}
			if got, err := Ask[int](ctxT(t), s, good, ping{1}); err != nil || got != 2 {
				t.Fatalf("sibling: %v, %v", got, err)
			}
			entries := logs.FilterMessage("actor panic").All()
			if len(entries) != 1 {
				t.Fatalf("%d panic log lines, want 1", len(entries))
			}
			stack := entries[0].ContextMap()["stack"]
			if st, _ := stack.(string); !strings.Contains(st, "actors.echo.Receive") {
				t.Fatalf("panic log has no stack through the handler: %v", stack)
			}
		})
	}
}

// store mimics a store actor: it "opens" its file on every Started and
// keeps in-memory state that a restart must reset.
type store struct {
	opens   *atomic.Int64
	counter int
}

func (a *store) Receive(c *Context) {
	switch m := c.Message().(type) {
	case *Started:
		a.opens.Add(1)
	case ping:
		a.counter += m.n
		c.Respond(a.counter)
	case boom:
		panic(errors.New("store broke"))
	case block:
		close(m.started)
		<-m.release
		panic(errors.New("store broke while blocked"))
	}
}

func TestPanickingStoreRestartsAndServes(t *testing.T) {
	s, _, _ := newTestSystem(t)
	var opens atomic.Int64
	pid := spawnChildren(t, s, RestartPolicy(3, time.Minute), Props{Kind: "store",
		New: func() Actor { return &store{opens: &opens} }}, 1)[0]
	if got, _ := Ask[int](ctxT(t), s, pid, ping{5}); got != 5 {
		t.Fatalf("counter = %d", got)
	}
	if _, err := s.Request(ctxT(t), pid, boom{}); !errors.Is(err, ErrFailed) {
		t.Fatalf("err = %v, want ErrFailed", err)
	}
	got, err := Ask[int](ctxT(t), s, pid, ping{1})
	if err != nil {
		t.Fatalf("request after restart: %v", err)
	}
	if got != 1 {
		t.Fatalf("state survived the restart: counter = %d, want 1", got)
	}
	if opens.Load() != 2 {
		t.Fatalf("store opened %d times, want 2 (start + restart)", opens.Load())
	}
	for _, a := range s.Actors() {
		if a.PID == pid.String() && a.Restarts != 1 {
			t.Fatalf("listing shows %d restarts, want 1", a.Restarts)
		}
	}
}

func TestStoreFailingRepeatedlyIsStoppedWithClearErrors(t *testing.T) {
	s, _, _ := newTestSystem(t)
	var opens atomic.Int64
	pid := spawnChildren(t, s, RestartPolicy(2, time.Minute), Props{Kind: "store",
		New: func() Actor { return &store{opens: &opens} }}, 1)[0]
	for i := range 2 {
		if _, err := s.Request(ctxT(t), pid, boom{}); !errors.Is(err, ErrFailed) {
			t.Fatalf("failure %d: err = %v", i, err)
		}
	}
	// The third failure stops it. Queue requests behind the failing one:
	// they are dropped by the library, and must fail with ErrStopped rather
	// than wait for their deadline.
	release, started := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := s.Request(ctxT(t), pid, block{started, release})
		errs <- err
	}()
	<-started // the blocking message is being handled
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Request(ctxT(t), pid, ping{1})
			errs <- err
		}()
	}
	waitDepth(t, s, pid, 6)
	close(release)
	wg.Wait()
	close(errs)
	var failed, stopped int
	for err := range errs {
		switch {
		case errors.Is(err, ErrFailed):
			failed++
		case errors.Is(err, ErrStopped):
			stopped++
		default:
			t.Errorf("unexpected error %v", err)
		}
	}
	if failed != 1 || stopped != 5 {
		t.Fatalf("failed=%d stopped=%d, want 1 and 5", failed, stopped)
	}
	if s.Alive(pid) {
		t.Fatal("store still alive after exceeding its restarts")
	}
	if _, err := s.Request(ctxT(t), pid, ping{1}); !errors.Is(err, ErrStopped) {
		t.Fatalf("later request: %v", err)
	}
}

// waitDepth waits until pid's mailbox holds at least n messages (the one being
// handled included).
func waitDepth(t *testing.T, s *System, pid *PID, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if i := s.lookup(pid); i != nil && i.depth.Load() >= n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("mailbox depth never reached %d", n)
}

func TestPoisonDrainsQueue(t *testing.T) {
	s, _, _ := newTestSystem(t)
	var handled atomic.Int64
	pid := s.Spawn(Props{Kind: "slow", New: func() Actor {
		return ActorFunc(func(c *Context) {
			if _, ok := c.Message().(ping); ok {
				time.Sleep(time.Millisecond)
				handled.Add(1)
			}
		})
	}})
	for range 20 {
		s.Send(pid, ping{})
	}
	if err := s.StopGracefully(ctxT(t), pid); err != nil {
		t.Fatal(err)
	}
	if handled.Load() != 20 {
		t.Fatalf("handled %d of 20 queued messages", handled.Load())
	}
}

func TestPanicInStoppingDoesNotResurrect(t *testing.T) {
	s, logs, _ := newTestSystem(t)
	pid := s.Spawn(Props{Kind: "bad-stop", New: func() Actor {
		return ActorFunc(func(c *Context) {
			switch c.Message().(type) {
			case *Stopping:
				panic("cleanup failed")
			case ping:
				c.Respond(1)
			}
		})
	}})
	if _, err := s.Request(ctxT(t), pid, ping{}); err != nil {
		t.Fatal(err)
	}
	s.Stop(pid)
	if err := s.Wait(ctxT(t), pid); err != nil {
		t.Fatalf("actor did not stop: %v", err)
	}
	if _, err := s.Request(ctxT(t), pid, ping{}); !errors.Is(err, ErrStopped) {
		t.Fatalf("actor answers after stop: %v", err)
	}
	if logs.FilterMessage("actor panic").Len() != 1 {
		t.Fatal("panic in Stopping was not logged")
	}
}

func TestRequestHonoursContext(t *testing.T) {
	s, _, _ := newTestSystem(t)
	release := make(chan struct{})
	defer close(release)
	pid := s.Spawn(Props{Kind: "stuck", New: func() Actor {
		return ActorFunc(func(c *Context) {
			if _, ok := c.Message().(ping); ok {
				<-release
			}
		})
	}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, err := s.Request(ctx, pid, ping{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled request: %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := s.Request(ctx2, pid, ping{}); !errors.Is(err, ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timed-out request: %v", err)
	}
	expired, cancel3 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel3()
	if _, err := s.Request(expired, pid, ping{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("request past its deadline: %v", err)
	}
}

func TestAfterDelivers(t *testing.T) {
	s, _, _ := newTestSystem(t)
	got := make(chan struct{})
	type tick struct{}
	s.Spawn(Props{Kind: "timer", New: func() Actor {
		return ActorFunc(func(c *Context) {
			switch c.Message().(type) {
			case *Started:
				c.After(time.Millisecond, tick{})
			case tick:
				close(got)
			}
		})
	}})
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("timer message never arrived")
	}
}

func TestTraceSwitches(t *testing.T) {
	s, logs, _ := newTestSystem(t)
	a := s.Spawn(Props{Kind: "echo", User: "alice@example.org", Protocol: "imap", New: func() Actor { return echo{} }})
	b := s.Spawn(Props{Kind: "echo", User: "bob@example.org", Protocol: "pop3", New: func() Actor { return echo{} }})
	ask := func(p *PID) {
		if _, err := s.Request(ctxT(t), p, ping{}); err != nil {
			t.Fatal(err)
		}
	}
	ask(a)
	if n := logs.FilterMessage("actor trace").Len(); n != 0 {
		t.Fatalf("%d trace lines with tracing off", n)
	}
	if err := s.Tracer().Enable(TraceFilter{User: "alice@example.org"}); err != nil {
		t.Fatal(err)
	}
	ask(a)
	ask(b)
	waitTraces(t, s, 1)
	tr := logs.FilterMessage("actor trace").All()
	if len(tr) != 1 || tr[0].ContextMap()["user"] != "alice@example.org" || tr[0].ContextMap()["message"] != "actors.ping" {
		t.Fatalf("trace by user: %v", tr)
	}
	if _, ok := tr[0].ContextMap()["took"]; !ok {
		t.Fatal("trace line has no duration")
	}
	s.Tracer().Disable(TraceFilter{User: "alice@example.org"})
	s.Tracer().Enable(TraceFilter{Protocol: "pop3"})
	ask(a)
	ask(b)
	waitTraces(t, s, 2)
	s.Tracer().Disable(TraceFilter{Protocol: "pop3"})
	s.Tracer().Enable(TraceFilter{Actor: a.String()})
	ask(a)
	ask(b)
	waitTraces(t, s, 3)
	s.Tracer().DisableAll()
	ask(a)
	ask(b)
	time.Sleep(10 * time.Millisecond) // a wrongly traced message would be recorded by now
	var pids []string
	for _, e := range s.Tracer().Recent() {
		pids = append(pids, e.PID)
	}
	want := []string{a.String(), b.String(), a.String()}
	if strings.Join(pids, ",") != strings.Join(want, ",") {
		t.Fatalf("traced %v, want %v", pids, want)
	}
	if err := s.Tracer().Enable(TraceFilter{}); err == nil {
		t.Fatal("empty filter accepted")
	}
}

// waitTraces waits until the tracer holds n events: a message's trace is
// recorded just after its handler replied.
func waitTraces(t *testing.T, s *System, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if len(s.Tracer().Recent()) >= n {
			return
		}
	}
	t.Fatalf("tracer never held %d events: %v", n, s.Tracer().Recent())
}

func TestMetricsAndListing(t *testing.T) {
	s, _, reg := newTestSystem(t)
	kids := spawnChildren(t, s, StopPolicy, Props{Kind: "session", Protocol: "imap", Session: true,
		New: func() Actor { return echo{} }}, 3)
	if _, err := s.Request(ctxT(t), kids[0], ping{}); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case m.Gauge != nil:
				found[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				found[key] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	if found["gromox_sessions,protocol=imap"] != 3 {
		t.Errorf("gromox_sessions{imap} = %v, want 3", found["gromox_sessions,protocol=imap"])
	}
	if found["gromox_actors_alive,kind=session"] != 3 {
		t.Errorf("gromox_actors_alive{session} = %v", found["gromox_actors_alive,kind=session"])
	}
	if found["gromox_request_seconds,kind=session,result=ok"] < 1 {
		t.Errorf("request latency not recorded: %v", found)
	}
	var listed int
	for _, a := range s.Actors() {
		if a.Kind == "session" && a.Protocol == "imap" && a.Parent != "" {
			listed++
		}
	}
	if listed != 3 {
		t.Fatalf("listing has %d sessions, want 3", listed)
	}
	s.Stop(kids[0])
	s.Wait(ctxT(t), kids[0])
	if len(s.Actors()) != 3 { // parent + 2 sessions
		t.Fatalf("stopped actor still listed: %v", s.Actors())
	}
}
