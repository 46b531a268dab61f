package loadgen

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/protocols/mapihttp/mhclient"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/supervisor"
	"go.uber.org/zap"
)

// mapiServer is the whole server in process, as `gromox serve` starts an
// embedded instance, with every listener on a free loopback port.
type mapiServer struct {
	http, lmtp, admin string
}

// startMAPIServer starts the server with users (password "load-pw"),
// each with one message in the Inbox.
func startMAPIServer(t *testing.T, users ...string) *mapiServer {
	t.Helper()
	dir := t.TempDir()
	cfg := "admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\n" +
		"imap_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nauth_fail_delay = 0\n"
	if err := os.WriteFile(filepath.Join(dir, config.EmbeddedFile), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := config.EmbeddedLoad(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv, err := supervisor.Start(ctx, st, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	})
	if _, err := supervisor.Bootstrap(ctx, st, srv.Dir); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, err := supervisor.AddUser(ctx, st, srv.Dir, directory.NewUser{Username: u, Password: "load-pw", Lang: "en", Timezone: "UTC"}); err != nil {
			t.Fatal(err)
		}
	}
	s := &mapiServer{}
	for _, l := range srv.Listeners() {
		switch l.Protocol {
		case "http":
			s.http = "http://" + l.Addr
		case "lmtp":
			s.lmtp = l.Addr
		case "admin":
			s.admin = "http://" + l.Addr
		}
	}
	if s.http == "" || s.lmtp == "" || s.admin == "" {
		t.Fatalf("listeners %+v", srv.Listeners())
	}
	for _, u := range users {
		if _, _, err := RunLMTP(ctx, s.lmtp, u, testCorpus[:1], 1, 1); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestRunMAPI: 3 sessions over 2 users, each set up, idle with user
// actions every ~100 ms while mail arrives, all still answering at the
// end, with figures for every phase and no errors.
func TestRunMAPI(t *testing.T) {
	users := []string{"load1@gromox.test", "load2@gromox.test"}
	srv := startMAPIServer(t, users...)
	res, err := RunMAPI(context.Background(), MAPIOptions{
		BaseURL: srv.http, Users: users, Password: "load-pw", Sessions: 3,
		Think: 100 * time.Millisecond, Ramp: 200 * time.Millisecond, Duration: 2 * time.Second,
		DeliverRate: 4, LMTPAddr: srv.lmtp, AdminURL: srv.admin, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatalf("%v; errors %v", err, res.Errors)
	}
	t.Logf("%+v", res)
	if res.Sessions != 3 || res.Established != 3 || res.Failed != 0 || res.Sustained != 3 {
		t.Errorf("sessions %d established %d failed %d sustained %d", res.Sessions, res.Established, res.Failed, res.Sustained)
	}
	if len(res.Errors) != 0 {
		t.Errorf("errors %v", res.Errors)
	}
	// Per session at least Logon, the tree, the Inbox, the message and
	// the subscription.
	if res.Setup.Count < 3*5 || res.Setup.P50 <= 0 || res.Setup.P99 < res.Setup.P50 || res.Setup.Max < res.Setup.P99 {
		t.Errorf("setup latency %+v", res.Setup)
	}
	if res.Executes == 0 || res.ROPs < res.Executes || res.Latency.Count != res.Executes || res.Latency.P50 <= 0 ||
		res.Latency.P99 < res.Latency.P50 || res.Latency.Max < res.Latency.P99 {
		t.Errorf("steady phase: %d executes, %d ROPs, latency %+v", res.Executes, res.ROPs, res.Latency)
	}
	if res.SetUpTime < 200*time.Millisecond || res.Steady < 2*time.Second || res.ExecutesPerSec != Rate(res.Executes, res.Steady) || res.ROPsPerSec != Rate(res.ROPs, res.Steady) {
		t.Errorf("steady %v, %.1f executes/s, %.1f ROPs/s", res.Steady, res.ExecutesPerSec, res.ROPsPerSec)
	}
	if res.Actions < 3 || res.Delivered < 2 || res.Refused != 0 {
		t.Errorf("%d actions, %d delivered, %d refused", res.Actions, res.Delivered, res.Refused)
	}
	if res.Notifications < 1 || res.Waits < 1 {
		t.Errorf("%d notifications after %d waits", res.Notifications, res.Waits)
	}
	if m := res.Memory; m == nil || m.Before.HeapInuse <= 0 || m.Idle.HeapInuse <= 0 || m.HeapPerSession == 0 {
		t.Errorf("memory %+v", m)
	}
}

// TestRunMAPIWrongPassword: sessions that cannot log in are reported as
// failed, with their error, and the run is an error.
func TestRunMAPIWrongPassword(t *testing.T) {
	srv := startMAPIServer(t, "load1@gromox.test")
	res, err := RunMAPI(context.Background(), MAPIOptions{
		BaseURL: srv.http, Users: []string{"load1@gromox.test"}, Password: "wrong", Sessions: 2,
		Ramp: 0, Duration: 100 * time.Millisecond, Timeout: 10 * time.Second,
	})
	if err == nil {
		t.Fatalf("no error; %+v", res)
	}
	if res.Established != 0 || res.Failed != 2 || res.Sustained != 0 || res.Errors["autodiscover: mhclient: autodiscover: HTTP 401 Unauthorized"] != 2 {
		t.Fatalf("established %d failed %d sustained %d errors %v", res.Established, res.Failed, res.Sustained, res.Errors)
	}
}

// TestMeter: an Execute is timed to the close of its response body and
// its ROPs are counted from the request as the client encodes it.
func TestMeter(t *testing.T) {
	m := &meter{base: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		time.Sleep(5 * time.Millisecond)
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
			Header: http.Header{}, Body: io.NopCloser(strings.NewReader("busy"))}, nil
	})}
	m.phase.Store(phaseIdle)
	c := mhclient.New("http://127.0.0.1:1", "a@b", "x")
	c.MailStoreURL = c.BaseURL + "/mapi/emsmdb/"
	c.HTTP = &http.Client{Transport: m}
	_, err := c.Execute(context.Background(), []uint32{1, mhclient.NoHandle},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyTags: messageListColumns},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: inboxRows},
		&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 1}})
	if err == nil || errorKind(err) != "mhclient: Execute: HTTP 503 Service Unavailable" {
		t.Fatalf("err %v", err)
	}
	if len(m.samples) != 1 || m.samples[0].rops != 4 || m.samples[0].phase != phaseIdle || m.samples[0].d < 5*time.Millisecond {
		t.Fatalf("samples %+v", m.samples)
	}
	if c.Ping(context.Background()); len(m.samples) != 1 {
		t.Fatalf("a PING was measured: %+v", m.samples)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
