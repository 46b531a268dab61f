package supervisor

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// adminHandler serves the loopback admin listener:
//
//	GET  /healthz              200 while serving, 503 once shutdown began
//	GET  /metrics              Prometheus metrics
//	GET  /debug/pprof/...      Go profiles
//	GET  /actors[?kind=&user=&protocol=]  live actors, JSON
//	GET  /trace                active trace switches and recent traced messages
//	POST /trace?actor=|user=|protocol=|kind=X&on=1|0   switch one trace on or off
//	DELETE /trace              every trace off
//	POST /mbop                 {"maildir","args"}: run gromox-mbop in the store's actor
type adminHandler struct {
	sys      *actors.System
	reg      *prometheus.Registry
	log      *zap.Logger
	started  time.Time
	stopping *atomic.Bool
	stores   *mailbox.Registry // POST /mbop runs in its store actors
}

func newAdminMux(h *adminHandler) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", h.health)
	mux.Handle("GET /metrics", promhttp.HandlerFor(h.reg, promhttp.HandlerOpts{ErrorLog: zap.NewStdLog(h.log)}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("GET /actors", h.actors)
	mux.HandleFunc("GET /trace", h.traceList)
	mux.HandleFunc("POST /trace", h.traceSet)
	mux.HandleFunc("DELETE /trace", h.traceOff)
	mux.Handle("POST /mbop", &mbopHandler{stores: h.stores, log: h.log})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func (h *adminHandler) health(w http.ResponseWriter, _ *http.Request) {
	status, code := "ok", http.StatusOK
	if h.stopping.Load() {
		status, code = "stopping", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{
		"status":       status,
		"uptime":       time.Since(h.started).Round(time.Second).String(),
		"actors":       len(h.sys.Actors()),
		"dead_letters": h.sys.DeadLetters(),
	})
}

func (h *adminHandler) actors(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	out := []actors.ActorInfo{}
	for _, a := range h.sys.Actors() {
		if k := q.Get("kind"); k != "" && a.Kind != k {
			continue
		}
		if u := q.Get("user"); u != "" && !strings.EqualFold(a.User, u) {
			continue
		}
		if p := q.Get("protocol"); p != "" && a.Protocol != p {
			continue
		}
		out = append(out, a)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *adminHandler) traceList(w http.ResponseWriter, _ *http.Request) {
	active := h.sys.Tracer().Active()
	if active == nil {
		active = []actors.TraceFilter{}
	}
	recent := h.sys.Tracer().Recent()
	if recent == nil {
		recent = []actors.TraceEvent{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"active": active, "recent": recent})
}

func (h *adminHandler) traceSet(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := actors.TraceFilter{Actor: q.Get("actor"), User: q.Get("user"), Protocol: q.Get("protocol"), Kind: q.Get("kind")}
	on := true
	switch q.Get("on") {
	case "", "1", "true", "yes", "on":
	case "0", "false", "no", "off":
		on = false
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "on must be 1 or 0"})
		return
	}
	var err error
	if on {
		err = h.sys.Tracer().Enable(f)
	} else {
		err = h.sys.Tracer().Disable(f)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	h.log.Info("trace switched", zap.Any("filter", f), zap.Bool("on", on), zap.String("by", r.RemoteAddr))
	writeJSON(w, http.StatusOK, map[string]any{"active": h.sys.Tracer().Active()})
}

func (h *adminHandler) traceOff(w http.ResponseWriter, r *http.Request) {
	h.sys.Tracer().DisableAll()
	h.log.Info("all traces off", zap.String("by", r.RemoteAddr))
	writeJSON(w, http.StatusOK, map[string]any{"active": []actors.TraceFilter{}})
}

// listen opens a TCP listener on addr, accepting upstream's "[addr]:port"
// and plain "host:port" forms.
func listen(addr string) (net.Listener, error) {
	return net.Listen("tcp", addr)
}
