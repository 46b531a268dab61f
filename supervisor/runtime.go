package supervisor

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/gromox-go/gromox/config"
	"go.uber.org/zap"
)

// applyRuntime sets the Go runtime's soft memory limit (memory_limit)
// and its collector's target (gc_percent) for a start, except where the
// GOMEMLIMIT and GOGC environment variables set them (the runtime has read
// those already). It reports whether the target is ours to tune
// (tuneGC).
func applyRuntime(st *config.Settings, log *zap.Logger) (tune bool) {
	if st.MemoryLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(int64(min(st.MemoryLimit, math.MaxInt64)))
	}
	tune = st.GCPercent > 0 && os.Getenv("GOGC") == ""
	if tune {
		debug.SetGCPercent(gcPercentFor(st.GCPercent, st.GCMinHeadroom, gcBase()))
	}
	m := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
	metrics.Read(m)
	fields := []zap.Field{zap.Uint64("gc_percent", m[0].Value.Uint64())}
	if tune {
		fields = append(fields, zap.Int("gc_percent_large_heap", st.GCPercent), zap.Uint64("gc_min_headroom", st.GCMinHeadroom))
	}
	if limit := m[1].Value.Uint64(); limit < math.MaxInt64 {
		fields = append(fields, zap.Uint64("memory_limit", limit))
	}
	log.Info("go runtime", fields...)
	return tune
}

// maxGCPercent bounds the target a small heap gets from gc_min_headroom.
const maxGCPercent = 1000

// gcPercentFor is the collector target (GOGC) that lets a heap whose
// collections start from base bytes grow by percent of them, or by
// minHeadroom bytes if that is more.
func gcPercentFor(percent int, minHeadroom, base uint64) int {
	if minHeadroom == 0 {
		return percent
	}
	if base == 0 || minHeadroom/base >= maxGCPercent/100 {
		return max(percent, maxGCPercent)
	}
	return min(max(percent, int(minHeadroom*100/base)), maxGCPercent)
}

// gcBase is what the collector's target is a percentage of: the heap the
// last collection kept, the goroutine stacks and the globals (Go 1.18's
// GOGC).
func gcBase() uint64 {
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"}}
	metrics.Read(m)
	var b uint64
	for _, s := range m {
		if s.Value.Kind() == metrics.KindUint64 {
			b += s.Value.Uint64()
		}
	}
	return b
}

// tuneGC follows the live heap once a second until done is closed,
// moving the collector's target to gcPercentFor's when it is off by more
// than an eighth (or reaches percent).
func tuneGC(percent int, minHeadroom uint64, done <-chan struct{}) {
	if minHeadroom == 0 {
		return // a fixed target, set by applyRuntime
	}
	m := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(m)
	cur := int(m[0].Value.Uint64())
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		want := gcPercentFor(percent, minHeadroom, gcBase())
		if d := want - cur; d != 0 && (want == percent || 8*max(d, -d) > cur) {
			debug.SetGCPercent(want)
			cur = want
		}
	}
}
