package supervisor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// mbopServer serves the admin routes and POST /mbop with a store registry
// of its own, as the server does.
type mbopServer struct {
	srv      *httptest.Server
	stores   *mailbox.Registry
	stopping *atomic.Bool
}

func (s *mbopServer) addr() string { return s.srv.Listener.Addr().String() }

func startMbopServer(t *testing.T) *mbopServer {
	t.Helper()
	sys := actors.NewSystem(zap.NewNop(), nil)
	stores := mailbox.NewRegistry(sys, zap.NewNop(), mailbox.Options{Idle: time.Hour})
	var stopping atomic.Bool
	h := &adminHandler{sys: sys, reg: prometheus.NewRegistry(), log: zap.NewNop(), started: time.Now(), stopping: &stopping}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", h.health)
	mux.Handle("POST /mbop", &mbopHandler{stores: stores, log: zap.NewNop()})
	srv := httptest.NewServer(mux)
	t.Cleanup(func() {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		stores.Shutdown(ctx)
		sys.Shutdown()
	})
	return &mbopServer{srv: srv, stores: stores, stopping: &stopping}
}

// newStore makes a private store with English folder names.
func newMbopStore(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "user")
	if err := mailbox.CreatePrivate(dir, mailbox.PrivateParams{UserID: 5, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// inboxName reads the Inbox's display name with the store closed.
func inboxName(t *testing.T, dir string) string {
	t.Helper()
	s, err := mailbox.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tx, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	p, err := tx.FolderProps(mapi.PrivateFIDInbox, []mapi.PropTag{mapi.PrDisplayName})
	if err != nil {
		t.Fatal(err)
	}
	return p.String(mapi.PrDisplayName)
}

func mbopCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestMbopOverAdminListener(t *testing.T) {
	s := startMbopServer(t)
	dir := newMbopStore(t)
	var out bytes.Buffer
	if err := PostMbop(mbopCtx(t), s.addr(), dir, []string{"set-locale", "-v", "-l", "de_DE"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "[0x0d] Inbox -> Posteingang") {
		t.Fatalf("output: %q", out.String())
	}
	// The server's registry did it: the store is open there.
	if open := s.stores.Open(); len(open) != 1 || open[0] != dir {
		t.Fatalf("server's open stores: %v", open)
	}
	out.Reset()
	if err := PostMbop(mbopCtx(t), s.addr(), dir, []string{"(", "unload", ")", "(", "echo-maildir", ")"}, &out); err != nil || out.String() != dir+"\n" {
		t.Fatalf("chain: %q %v", out.String(), err)
	}
	if open := s.stores.Open(); len(open) != 0 {
		t.Fatalf("open after unload: %v", open)
	}
	if got := inboxName(t, dir); got != "Posteingang" {
		t.Fatalf("Inbox is %q", got)
	}

	// Usage errors keep their kind across the wire.
	out.Reset()
	err := PostMbop(mbopCtx(t), s.addr(), dir, []string{"frobnicate"}, &out)
	if !errors.Is(err, mailbox.ErrMbopUsage) || !strings.Contains(err.Error(), "frobnicate") {
		t.Fatalf("unknown command: %v", err)
	}
	// A failing operation: 500 with the reason.
	err = PostMbop(mbopCtx(t), s.addr(), filepath.Join(t.TempDir(), "nostore"), []string{"ping"}, &out)
	if err == nil || errors.Is(err, mailbox.ErrMbopUsage) || !strings.Contains(err.Error(), "store unavailable") {
		t.Fatalf("missing store: %v", err)
	}
	// Malformed requests.
	for _, body := range []string{`{"maildir": "relative/dir", "args": ["ping"]}`, `{"maildir": 5}`, `{"dir": "/x"}`, `not json`} {
		resp, err := http.Post(s.srv.URL+"/mbop", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %s", body, resp.Status)
		}
	}
	if resp, err := http.Get(s.srv.URL + "/mbop"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET /mbop: %v %v", resp.Status, err)
	}
}

func TestRunMbopPicksTheOwner(t *testing.T) {
	s := startMbopServer(t)
	dir := newMbopStore(t)

	// A running server: the request goes there.
	var out bytes.Buffer
	st := &config.Settings{AdminListen: s.addr()}
	if err := RunMbop(mbopCtx(t), st, nil, dir, []string{"ping"}, &out); err != nil {
		t.Fatal(err)
	}
	if len(s.stores.Open()) != 1 {
		t.Fatal("the server did not open the store")
	}
	if err := PostMbop(mbopCtx(t), s.addr(), dir, []string{"unload"}, &out); err != nil {
		t.Fatal(err)
	}

	// Nothing listens: in this process.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	free := ln.Addr().String()
	ln.Close()
	for _, addr := range []string{free, ""} {
		if ok, err := ServerRunning(mbopCtx(t), free); ok || err != nil {
			t.Fatalf("ServerRunning(%s): %v %v", free, ok, err)
		}
		out.Reset()
		lang := map[string]string{free: "fr", "": "en"}[addr]
		if err := RunMbop(mbopCtx(t), &config.Settings{AdminListen: addr}, nil, dir, []string{"set-locale", "-l", lang}, &out); err != nil {
			t.Fatalf("local run (admin %q): %v", addr, err)
		}
		want := map[string]string{"fr": "Boîte de réception", "en": "Inbox"}[lang]
		if got := inboxName(t, dir); got != want {
			t.Fatalf("Inbox is %q, want %q", got, want)
		}
		if len(s.stores.Open()) != 0 {
			t.Fatal("the server was asked")
		}
	}
	// The local run closed the store again: a check may open it.
	rep, err := mailbox.Check(dir, false)
	if err != nil || !rep.Clean() {
		t.Fatalf("check after local run: %v %+v", err, rep)
	}

	// A server shutting down: neither it nor this process touches the
	// store.
	s.stopping.Store(true)
	err = RunMbop(mbopCtx(t), st, nil, dir, []string{"set-locale", "-l", "de"}, &out)
	if err == nil || !strings.Contains(err.Error(), "shutting down") {
		t.Fatalf("server shutting down: %v", err)
	}
	if got := inboxName(t, dir); got != "Inbox" {
		t.Fatalf("Inbox is %q", got)
	}

	// A local usage error is one too.
	if err := RunMbopLocal(mbopCtx(t), nil, dir, []string{"delmsg"}, &out); !errors.Is(err, mailbox.ErrMbopUsage) {
		t.Fatalf("local usage error: %v", err)
	}
}

func TestAdminURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:9411": "http://127.0.0.1:9411",
		"[::1]:9411":     "http://[::1]:9411",
		"[::]:9411":      "http://[::1]:9411",
		"0.0.0.0:9411":   "http://127.0.0.1:9411",
		":9411":          "http://127.0.0.1:9411",
		"localhost:9411": "http://localhost:9411",
	} {
		if got, err := adminURL(addr); err != nil || got != want {
			t.Errorf("adminURL(%q) = %q %v, want %q", addr, got, err, want)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "9411", ""} {
		if _, err := adminURL(addr); err == nil {
			t.Errorf("adminURL(%q): no error", addr)
		}
	}
}

// The admin listener routes POST /mbop to the store registry's handler.
func TestAdminMuxRoutesMbop(t *testing.T) {
	srv, _, _, _ := adminServer(t)
	resp, err := http.Post(srv.URL+"/mbop", "application/json", strings.NewReader(`{"maildir": "/x", "args": ["ping"]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		t.Skip("POST /mbop is not registered in newAdminMux yet")
	}
	var r MbopResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	// adminServer's handler has no store registry.
	if resp.StatusCode != http.StatusServiceUnavailable || r.Error != "this server has no store registry" {
		t.Fatalf("POST /mbop: %s %+v", resp.Status, r)
	}
}
