package mailbox

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// commitMetrics are the store's group-commit figures: how long each phase
// of a flush takes and how many writes one commit carries.
type commitMetrics struct {
	phase *prometheus.HistogramVec
	batch prometheus.Histogram
}

func newCommitMetrics(reg prometheus.Registerer) *commitMetrics {
	m := &commitMetrics{
		phase: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gromox_store_commit_seconds",
			Help: "Time of each phase of a store's group commit: apply (the requests), sync (content files fsynced), commit (SQLite COMMIT), index (the IMAP index).",
			// 50µs .. ~3.3s
			Buckets: prometheus.ExponentialBuckets(50e-6, 4, 9),
		}, []string{"phase"}),
		batch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "gromox_store_commit_writes",
			Help:    "Write requests committed together in one store transaction.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 10),
		}),
	}
	if reg != nil {
		reg.MustRegister(m.phase, m.batch)
	}
	return m
}

func (m *commitMetrics) observe(phase string, since time.Time) {
	if m != nil {
		m.phase.WithLabelValues(phase).Observe(time.Since(since).Seconds())
	}
}

func (m *commitMetrics) observeDuration(phase string, d time.Duration) {
	if m != nil {
		m.phase.WithLabelValues(phase).Observe(d.Seconds())
	}
}

func (m *commitMetrics) observeBatch(n int) {
	if m != nil {
		m.batch.Observe(float64(n))
	}
}
