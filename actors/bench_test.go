package actors

import (
	"context"
	"runtime"
	"testing"

	"go.uber.org/zap"
)

// BenchmarkRequest measures one request round trip through the wrapper
// (middleware, listing, reply process) to an echo actor.
// With inline, the echo actor runs on the requester's goroutine.
func BenchmarkRequest(b *testing.B) {
	for _, inline := range []bool{false, true} {
		b.Run(map[bool]string{false: "goroutine", true: "inline"}[inline], func(b *testing.B) {
			s := NewSystem(zap.NewNop(), nil)
			defer s.Shutdown()
			pid := s.Spawn(Props{Kind: "echo", Inline: inline, New: func() Actor { return echo{} }})
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Request(ctx, pid, ping{1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRequestParallel is BenchmarkRequest from GOMAXPROCS callers at
// once, to one actor.
func BenchmarkRequestParallel(b *testing.B) {
	s := NewSystem(zap.NewNop(), nil)
	defer s.Shutdown()
	pid := s.Spawn(Props{Kind: "echo", New: func() Actor { return echo{} }})
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Request(ctx, pid, ping{1}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSend measures a fire-and-forget message.
func BenchmarkSend(b *testing.B) {
	s := NewSystem(zap.NewNop(), nil)
	defer s.Shutdown()
	pid := s.Spawn(Props{Kind: "sink", New: func() Actor { return echo{} }})
	b.ReportAllocs()
	for b.Loop() {
		s.Send(pid, ping{1}) // no sender: the reply is dropped
	}
	if _, err := s.Request(context.Background(), pid, ping{}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkIdleActorMemory spawns 10,000 idle actors per iteration and
// reports the live heap per actor.
func BenchmarkIdleActorMemory(b *testing.B) {
	const n = 10000
	s := NewSystem(zap.NewNop(), nil)
	defer s.Shutdown()
	ctx := context.Background()
	var perActor float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&before)
		pids := make([]*PID, n)
		for i := range pids {
			pids[i] = s.Spawn(Props{Kind: "idle", New: func() Actor { return echo{} }})
		}
		// One round trip each, so every actor has started and is idle.
		for _, p := range pids {
			if _, err := s.Request(ctx, p, ping{}); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&after)
		perActor = float64(after.HeapAlloc-before.HeapAlloc) / n
		for _, p := range pids {
			s.Stop(p)
			s.Wait(ctx, p)
		}
	}
	b.ReportMetric(perActor, "heap-B/actor")
}
