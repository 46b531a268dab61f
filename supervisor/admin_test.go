package supervisor

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

func adminServer(t *testing.T) (*httptest.Server, *actors.System, *observer.ObservedLogs, *atomic.Bool) {
	core, logs := observer.New(zap.DebugLevel)
	reg := prometheus.NewRegistry()
	sys := actors.NewSystem(zap.New(core), reg)
	t.Cleanup(sys.Shutdown)
	var stopping atomic.Bool
	h := &adminHandler{sys: sys, reg: reg, log: zap.New(core), started: time.Now(), stopping: &stopping}
	srv := httptest.NewServer(newAdminMux(h))
	t.Cleanup(srv.Close)
	return srv, sys, logs, &stopping
}

func get(t *testing.T, method, url string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s %s: %v in %q", method, url, err, body)
		}
	}
	return resp.StatusCode
}

func TestAdminHealthMetricsActorsTrace(t *testing.T) {
	srv, sys, logs, stopping := adminServer(t)
	p := NewProtocol(sys, "imap")
	var byes atomic.Int64
	sess, err := p.StartSession(ctx10(t), actors.Props{Kind: "imap-session", User: "alice@example.org",
		New: func() actors.Actor { return &session{byes: &byes} }})
	if err != nil {
		t.Fatal(err)
	}

	var health map[string]any
	if code := get(t, "GET", srv.URL+"/healthz", &health); code != 200 || health["status"] != "ok" {
		t.Fatalf("healthz: %d %v", code, health)
	}

	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`gromox_sessions{protocol="imap"} 1`, `gromox_actors_alive{kind="imap-supervisor"} 1`, "gromox_actor_queue_depth"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %q", want)
		}
	}

	var list []actors.ActorInfo
	get(t, "GET", srv.URL+"/actors?protocol=imap&kind=imap-session", &list)
	if len(list) != 1 || list[0].PID != sess.String() || list[0].User != "alice@example.org" {
		t.Fatalf("actors listing: %+v", list)
	}

	// Trace one user: its session's messages are logged with durations.
	if code := get(t, "POST", srv.URL+"/trace?user=alice@example.org", nil); code != 200 {
		t.Fatalf("trace on: %d", code)
	}
	if _, err := sys.Request(ctx10(t), sess, line{"NOOP"}); err != nil {
		t.Fatal(err)
	}
	var tr struct {
		Active []actors.TraceFilter
		Recent []actors.TraceEvent
	}
	// The trace is recorded after the handler has replied: poll briefly.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		get(t, "GET", srv.URL+"/trace", &tr)
		if len(tr.Recent) > 0 {
			break
		}
	}
	if len(tr.Active) != 1 || len(tr.Recent) != 1 || tr.Recent[0].Message != "supervisor.line" || tr.Recent[0].PID != sess.String() {
		t.Fatalf("trace state: %+v", tr)
	}
	if logs.FilterMessage("actor trace").Len() != 1 {
		t.Fatal("traced message was not logged")
	}
	get(t, "POST", srv.URL+"/trace?user=alice@example.org&on=0", nil)
	sys.Request(ctx10(t), sess, line{"NOOP"})
	if logs.FilterMessage("actor trace").Len() != 1 {
		t.Fatal("tracing still on after switching it off")
	}
	if code := get(t, "POST", srv.URL+"/trace", nil); code != 400 {
		t.Fatalf("trace without a filter: %d, want 400", code)
	}
	if code := get(t, "DELETE", srv.URL+"/trace", nil); code != 200 {
		t.Fatalf("trace off: %d", code)
	}

	resp, err = http.Get(srv.URL + "/debug/pprof/goroutine?debug=1")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("pprof: %v %v", err, resp)
	}
	resp.Body.Close()

	stopping.Store(true)
	if code := get(t, "GET", srv.URL+"/healthz", &health); code != 503 || health["status"] != "stopping" {
		t.Fatalf("healthz while stopping: %d %v", code, health)
	}
}
