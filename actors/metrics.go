package actors

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the actor system's Prometheus instruments, labelled only by
// actor kind, message type and protocol (low cardinality).
type metrics struct {
	sys      *System
	handled  *prometheus.HistogramVec
	requests *prometheus.HistogramVec
	panics   *prometheus.CounterVec
	restarts *prometheus.CounterVec
	live     *prometheus.Desc
	sessions *prometheus.Desc
	depth    *prometheus.Desc
	depthMax *prometheus.Desc
	dead     *prometheus.Desc
}

func newMetrics(s *System) *metrics {
	buckets := prometheus.ExponentialBuckets(5e-6, 4, 12) // 5 µs .. ~21 s
	return &metrics{
		sys: s,
		handled: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gromox_actor_message_seconds", Help: "Time an actor spent handling one message.",
			Buckets: buckets,
		}, []string{"kind", "message"}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gromox_request_seconds", Help: "Request round trip to an actor, as the caller saw it.",
			Buckets: buckets,
		}, []string{"kind", "result"}),
		panics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gromox_actor_panics_total", Help: "Panics recovered in actors.",
		}, []string{"kind"}),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gromox_actor_restarts_total", Help: "Actor restarts by their supervisor.",
		}, []string{"kind"}),
		live:     prometheus.NewDesc("gromox_actors_alive", "Live actors.", []string{"kind"}, nil),
		sessions: prometheus.NewDesc("gromox_sessions", "Live client sessions.", []string{"protocol"}, nil),
		depth:    prometheus.NewDesc("gromox_actor_queue_depth", "Messages waiting in actors' mailboxes, summed.", []string{"kind"}, nil),
		depthMax: prometheus.NewDesc("gromox_actor_queue_depth_max", "Deepest mailbox of one actor.", []string{"kind"}, nil),
		dead:     prometheus.NewDesc("gromox_dead_letters_total", "Messages sent to stopped or unknown actors.", nil, nil),
	}
}

func (m *metrics) register(reg prometheus.Registerer) {
	reg.MustRegister(m.handled, m.requests, m.panics, m.restarts, m)
}

func (m *metrics) observe(kind, msg string, d time.Duration) {
	m.handled.WithLabelValues(kind, msg).Observe(d.Seconds())
}

// Describe implements prometheus.Collector for the gauges computed from the
// live-actor listing at scrape time.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.live
	ch <- m.sessions
	ch <- m.depth
	ch <- m.depthMax
	ch <- m.dead
}

// Collect implements prometheus.Collector.
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	live := map[string]float64{}
	sessions := map[string]float64{}
	depth := map[string]float64{}
	depthMax := map[string]float64{}
	m.sys.actors.Range(func(_, v any) bool {
		i := v.(*Info)
		live[i.Kind]++
		if i.Session {
			sessions[i.Protocol]++
		}
		d := float64(i.depth.Load())
		depth[i.Kind] += d
		if d > depthMax[i.Kind] {
			depthMax[i.Kind] = d
		}
		return true
	})
	for k, v := range live {
		ch <- prometheus.MustNewConstMetric(m.live, prometheus.GaugeValue, v, k)
		ch <- prometheus.MustNewConstMetric(m.depth, prometheus.GaugeValue, depth[k], k)
		ch <- prometheus.MustNewConstMetric(m.depthMax, prometheus.GaugeValue, depthMax[k], k)
	}
	for p, v := range sessions {
		ch <- prometheus.MustNewConstMetric(m.sessions, prometheus.GaugeValue, v, p)
	}
	ch <- prometheus.MustNewConstMetric(m.dead, prometheus.CounterValue, float64(m.sys.dead.Load()))
}
