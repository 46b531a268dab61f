package loadgen

// The MAPI load generator: simulated Outlook sessions over MAPI over HTTP
// (MS-OXCMAPIHTTP) with the project's client, mhclient.
//
// Invariants: one mhclient.Client per session, used by one goroutine (the
// session's); the session's NotificationWait long poll runs beside it on a
// second Client that shares its cookies (the session context), as Outlook
// keeps a long poll outstanding on a connection of its own. Execute
// latencies are taken at the HTTP edge (request sent to response body
// closed), so every Execute a helper of mhclient makes is measured, and its
// ROPs are counted from the request body. Long polls are never measured.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/mhclient"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// MAPIOptions are the settings of one RunMAPI.
type MAPIOptions struct {
	// BaseURL is the server's HTTP front (http://127.0.0.1:8080).
	BaseURL string
	// Users are the accounts; session i is Users[i%len(Users)]. They
	// share Password.
	Users    []string
	Password string
	// Sessions is how many simulated Outlook sessions run at once.
	Sessions int
	// Think is the mean pause between two user actions of an idle
	// session, jittered by ±50%. 0: 30 s.
	Think time.Duration
	// Ramp spreads the starts of the sessions; Duration is the steady
	// phase after every session is set up (or failed). 0: 10 s, 60 s.
	Ramp, Duration time.Duration
	// DeliverRate is messages per second delivered over LMTP (LMTPAddr)
	// to random users during the steady phase; 0: none.
	DeliverRate float64
	LMTPAddr    string
	// AdminURL is the server's admin listener (http://127.0.0.1:9411):
	// its /metrics is read before the ramp and when every session is
	// idle. "": no memory figures.
	AdminURL string
	// Timeout bounds one request (long polls excepted). 0: 60 s.
	Timeout time.Duration
}

func (o *MAPIOptions) defaults() {
	if o.Think <= 0 {
		o.Think = 30 * time.Second
	}
	if o.Ramp < 0 {
		o.Ramp = 0
	}
	if o.Duration <= 0 {
		o.Duration = 60 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Minute
	}
}

// Latency summarizes the durations of a set of Execute requests.
type Latency struct {
	Count         int
	P50, P99, Max time.Duration
}

func latencyOf(ds []time.Duration) Latency {
	l := Latency{Count: len(ds), P50: Percentile(ds, 50), P99: Percentile(ds, 99)}
	if len(ds) > 0 {
		l.Max = slices.Max(ds)
	}
	return l
}

// MarshalJSON writes the durations in milliseconds.
func (l Latency) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return json.Marshal(struct {
		Count int     `json:"count"`
		P50   float64 `json:"p50_ms"`
		P99   float64 `json:"p99_ms"`
		Max   float64 `json:"max_ms"`
	}{l.Count, ms(l.P50), ms(l.P99), ms(l.Max)})
}

// ServerMemory is what the server's /metrics reports of its memory, in
// bytes; a figure it does not report is 0.
type ServerMemory struct {
	HeapInuse float64 `json:"heap_inuse_bytes"`
	HeapAlloc float64 `json:"heap_alloc_bytes"`
	RSS       float64 `json:"rss_bytes"`
	// NextGC is the heap size the next collection starts at; GCs counts
	// the collections so far.
	NextGC float64 `json:"next_gc_bytes"`
	GCs    float64 `json:"gcs"`
}

// LiveHeap is the heap that was live after the last collection, from the
// goal the collector set then (NextGC is twice it at GOGC=100, the
// server's default). Unlike HeapInuse it does not count garbage not yet
// collected, so it compares two moments better.
func (m ServerMemory) LiveHeap() float64 { return m.NextGC / 2 }

// MemoryUse is the server's memory before the ramp and with every session
// set up and idle, and the growth per established session.
type MemoryUse struct {
	Before ServerMemory `json:"before"`
	Idle   ServerMemory `json:"idle"`
	// HeapPerSession is the growth of go_memstats_heap_inuse_bytes,
	// LivePerSession of LiveHeap (0 when no collection ran between the
	// two readings), RSSPerSession of process_resident_memory_bytes (0
	// when not reported), over the established sessions. HeapInuse
	// counts garbage too, so the first is noisy: the server is not made
	// to collect.
	HeapPerSession float64 `json:"heap_inuse_per_session_bytes"`
	LivePerSession float64 `json:"live_heap_per_session_bytes"`
	RSSPerSession  float64 `json:"rss_per_session_bytes"`
}

// MAPIResult is what one RunMAPI saw.
type MAPIResult struct {
	Sessions    int `json:"sessions"`
	Established int `json:"established"`
	Failed      int `json:"failed"`
	// Sustained sessions answered an Execute after the steady phase.
	Sustained int `json:"sustained"`
	// SetUpTime is the time from the first session's start until every
	// session was set up or failed (at least the ramp).
	SetUpTime    time.Duration `json:"-"`
	SetUpSeconds float64       `json:"set_up_s"`
	// Setup is the Execute latency of the sessions' start (logon,
	// folder tree, Inbox, first message, subscription).
	Setup Latency `json:"setup"`
	// Steady is the length of the steady phase; Executes, ROPs and
	// Latency count the Execute requests idle sessions began in it.
	Steady         time.Duration `json:"-"`
	SteadySeconds  float64       `json:"steady_s"`
	Executes       int           `json:"executes"`
	ROPs           int           `json:"rops"`
	ExecutesPerSec float64       `json:"executes_per_s"`
	ROPsPerSec     float64       `json:"rops_per_s"`
	Latency        Latency       `json:"steady_latency"`
	// Actions are user actions (Inbox re-read, a message opened),
	// Waits NotificationWait long polls that returned, Notifications
	// RopNotify responses received; all over the whole run.
	Actions       int `json:"actions"`
	Waits         int `json:"waits"`
	Notifications int `json:"notifications"`
	// Delivered and Refused count LMTP deliveries.
	Delivered int `json:"delivered"`
	Refused   int `json:"refused"`
	// Errors counts failures by kind: the step, then the cause.
	Errors map[string]int `json:"errors"`
	Memory *MemoryUse     `json:"memory,omitempty"`
}

// ErrorCount is the number of errors of every kind.
func (r *MAPIResult) ErrorCount() int {
	n := 0
	for _, c := range r.Errors {
		n += c
	}
	return n
}

// Phases of a session, as its Execute requests are labelled.
const (
	phaseSetup int32 = iota
	phaseIdle
	phaseEnd
)

// execSample is one Execute request.
type execSample struct {
	start time.Time
	d     time.Duration
	rops  int
	phase int32
}

// meter is a session's HTTP transport: it times each Execute request up
// to the close of its response body and counts its ROPs.
type meter struct {
	base  http.RoundTripper
	phase atomic.Int32

	mu      sync.Mutex
	samples []execSample
}

// RoundTrip implements http.RoundTripper.
func (m *meter) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.EqualFold(req.Header.Get("X-RequestType"), "Execute") || req.GetBody == nil {
		return m.base.RoundTrip(req)
	}
	s := execSample{phase: m.phase.Load()}
	if body, err := req.GetBody(); err == nil {
		b, _ := io.ReadAll(body)
		s.rops, _ = countROPs(b)
	}
	s.start = time.Now()
	resp, err := m.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, done: func() {
		s.d = time.Since(s.start)
		m.mu.Lock()
		m.samples = append(m.samples, s)
		m.mu.Unlock()
	}}
	return resp, nil
}

// timedBody calls done once, when it is closed.
type timedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *timedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}

// countROPs is the number of ROP requests in the body of an Execute
// request (MS-OXCMAPIHTTP 2.2.4.2.1: RopBuffer, extended buffers of ROP
// buffers, MS-OXCRPC 3.1.4.2.1).
func countROPs(body []byte) (int, error) {
	var er wire.ExecuteRequest
	if err := er.Decode(body); err != nil {
		return 0, err
	}
	payloads, err := wire.ParseExtended(er.RopBuffer, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range payloads {
		rb, err := wire.ParseRopBuffer(p)
		if err != nil {
			return n, err
		}
		reqs, err := rops.ParseRequests(rb.Rops)
		n += len(reqs)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Columns of the Inbox as a message list shows it, and of an opened
// message as the reading pane shows it.
var (
	messageListColumns = []mapi.PropTag{mapi.PrMID, mapi.PrSubject, mapi.PrSenderName, mapi.PrMessageDeliveryTime,
		mapi.PrMessageSize, mapi.PrMessageFlags}
	readingPaneColumns = []mapi.PropTag{mapi.PrSubject, mapi.PrSenderName, mapi.PrDisplayTo, mapi.PrMessageDeliveryTime,
		mapi.PrImportance, mapi.PrHasAttach, mapi.PrBody}
)

// inboxRows is how many rows of the Inbox a session reads at once.
const inboxRows = 50

// discovery is the AutoDiscover answer for one user, asked once.
type discovery struct {
	once     sync.Once
	storeURL string
	dn       string
	err      error
}

// mapiRun is the state of one RunMAPI that its sessions share.
type mapiRun struct {
	opt       MAPIOptions
	transport *http.Transport
	stop      chan struct{} // closed at the end of the steady phase

	mu          sync.Mutex
	discoveries map[string]*discovery
	errors      map[string]int

	actions, waits, notifications atomic.Int64
}

func (r *mapiRun) fail(step string, err error) {
	r.mu.Lock()
	r.errors[step+": "+errorKind(err)]++
	r.mu.Unlock()
}

// errorKind names the cause of err without what varies between
// occurrences of the same failure.
func errorKind(err error) string {
	var rc *mhclient.ResponseCodeError
	var re *mhclient.ROPError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &rc):
		return rc.Error()
	case errors.As(err, &re):
		return re.Rop + " " + re.Code.Name()
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &oe) && oe.Err != nil:
		return oe.Op + ": " + oe.Err.Error() // without the addresses
	}
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// discover sets the endpoint and DN of c as AutoDiscover gives them for
// c.User, asking the server only for the first session of each user.
func (r *mapiRun) discover(ctx context.Context, c *mhclient.Client) error {
	r.mu.Lock()
	d := r.discoveries[c.User]
	if d == nil {
		d = &discovery{}
		r.discoveries[c.User] = d
	}
	r.mu.Unlock()
	d.once.Do(func() {
		if _, d.err = c.AutoDiscover(ctx); d.err == nil {
			d.storeURL, d.dn = c.MailStoreURL, c.UserDN
		}
	})
	c.MailStoreURL, c.UserDN = d.storeURL, d.dn
	return d.err
}

// mapiSession is one simulated Outlook session.
type mapiSession struct {
	run   *mapiRun
	c     *mhclient.Client
	meter *meter
	// connected: the session context exists (Connect succeeded).
	connected bool
	store     *mhclient.Store
	inbox     mapi.EID
	table     uint32 // the Inbox's contents table, open for the whole run
	rows      []mapi.PropRow
	rand      *rand.Rand
}

func (r *mapiRun) newSession(i int) *mapiSession {
	m := &meter{base: r.transport}
	jar, _ := cookiejar.New(nil)
	c := mhclient.New(r.opt.BaseURL, r.opt.Users[i%len(r.opt.Users)], r.opt.Password)
	c.HTTP = &http.Client{Jar: jar, Transport: m}
	return &mapiSession{run: r, c: c, meter: m, table: mhclient.NoHandle, rand: rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))}
}

// step runs one step of the session with a request deadline and counts
// its failure under step.
func (s *mapiSession) step(step string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), s.run.opt.Timeout)
	defer cancel()
	err := fn(ctx)
	if err != nil {
		s.run.fail(step, err)
	}
	s.run.notifications.Add(int64(len(s.c.Notifications())))
	return err
}

// setup is Outlook's start: AutoDiscover, Connect, Logon, the folder tree
// below the IPM subtree, the Inbox's first 50 rows in its contents table
// (kept open), the first message read with its recipients, and a
// subscription to the store's events.
func (s *mapiSession) setup() error {
	c := s.c
	steps := []struct {
		name string
		fn   func(ctx context.Context) error
	}{
		{"autodiscover", func(ctx context.Context) error { return s.run.discover(ctx, c) }},
		{"connect", func(ctx context.Context) error {
			_, err := c.Connect(ctx)
			s.connected = err == nil
			return err
		}},
		{"logon", func(ctx context.Context) (err error) { s.store, err = c.OpenStore(ctx); return err }},
		{"hierarchy", func(ctx context.Context) error {
			_, err := c.WalkFolders(ctx, s.store, s.store.FolderIDs[mhclient.FolderIPMSubtree])
			return err
		}},
		{"inbox", s.openInbox},
		{"message", func(ctx context.Context) error { return s.readMessage(ctx, true) }},
		{"subscribe", func(ctx context.Context) error {
			_, err := c.RegisterNotification(ctx, s.store, mhclient.NotifyNewMail|mhclient.NotifyObjectCreated|
				mhclient.NotifyObjectDeleted|mhclient.NotifyObjectMod)
			return err
		}},
	}
	for _, st := range steps {
		if err := s.step(st.name, st.fn); err != nil {
			return err
		}
	}
	return nil
}

// openInbox opens the Inbox, its contents table with the columns of a
// message list, and reads its first rows (RopGetContentsTable,
// RopSetColumns, RopQueryRows in one Execute, MS-OXCTABL 3.1.4).
func (s *mapiSession) openInbox(ctx context.Context) error {
	s.inbox = s.store.FolderIDs[mhclient.FolderInbox]
	h, err := s.c.OpenFolder(ctx, s.store, s.inbox)
	if err != nil {
		return err
	}
	res, err := s.c.Execute(ctx, []uint32{h, mhclient.NoHandle},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyTags: messageListColumns},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: inboxRows})
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	s.table = res.Handle(1)
	s.rows = res.Responses[2].(*rops.QueryRowsResponse).RowData
	return nil
}

// rereadInbox is a user back at the top of the message list: RopSeekRow
// to the beginning and RopQueryRows of the first rows.
func (s *mapiSession) rereadInbox(ctx context.Context) error {
	res, err := s.c.Execute(ctx, []uint32{s.table},
		&rops.SeekRowRequest{Origin: rops.BookmarkBeginning},
		&rops.QueryRowsRequest{ForwardRead: true, RowCount: inboxRows})
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	s.rows = res.Responses[1].(*rops.QueryRowsResponse).RowData
	return nil
}

// readMessage is a click on a random message of the rows last read:
// RopOpenMessage and RopGetPropertiesSpecific of the reading pane's
// properties in one Execute, with recipients its RopReadRecipients, then
// RopRelease. An empty Inbox has nothing to click.
func (s *mapiSession) readMessage(ctx context.Context, recipients bool) error {
	if len(s.rows) == 0 {
		return nil
	}
	mid := mapi.EID(mhclient.Int(s.rows[s.rand.IntN(len(s.rows))].Values, mapi.PrMID))
	res, err := s.c.Execute(ctx, []uint32{s.store.Handle, mhclient.NoHandle},
		&rops.OpenMessageRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, CodePageID: 0x0FFF, FolderID: s.inbox, MessageID: mid},
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 1}, WantUnicode: 1, PropertyTags: readingPaneColumns})
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	m := &mhclient.Message{Handle: res.Handle(1), Header: res.Responses[0].(*rops.OpenMessageResponse).MessageHeader}
	if recipients {
		if _, err := s.c.Recipients(ctx, m); err != nil {
			s.c.Release(ctx, m.Handle)
			return err
		}
	}
	return s.c.Release(ctx, m.Handle)
}

// fetchNotifications is the Execute that collects queued notifications
// after a NotificationWait said events are pending (MS-OXCMAPIHTTP
// 3.2.5.4: they ride on the next Execute); RopGetPropertiesList on the
// logon is cheap.
func (s *mapiSession) fetchNotifications(ctx context.Context) error {
	res, err := s.c.Execute(ctx, []uint32{s.store.Handle}, &rops.GetPropertiesListRequest{})
	if err != nil {
		return err
	}
	return res.Err()
}

// jitter is the think time ±50%.
func (s *mapiSession) jitter() time.Duration {
	return time.Duration(float64(s.run.opt.Think) * (0.5 + s.rand.Float64()))
}

// idle is the session left alone like Outlook until the run stops: a
// NotificationWait outstanding, events collected when it returns, and a
// user action every think time.
func (s *mapiSession) idle() {
	s.meter.phase.Store(phaseIdle)
	ctx, cancel := context.WithCancel(context.Background())
	pending := make(chan struct{})
	rearm := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.waitLoop(ctx, pending, rearm)
	}()
	think := time.NewTimer(s.jitter())
	defer think.Stop()
	for done := false; !done; {
		select {
		case <-s.run.stop:
			done = true
		case <-pending:
			s.step("notifications", s.fetchNotifications)
			rearm <- struct{}{}
		case <-think.C:
			s.run.actions.Add(1)
			s.step("action", func(ctx context.Context) error {
				if err := s.rereadInbox(ctx); err != nil {
					return err
				}
				return s.readMessage(ctx, false)
			})
			think.Reset(s.jitter())
		}
	}
	cancel()
	wg.Wait()
}

// waitLoop keeps a NotificationWait outstanding on a second client of the
// session context; when events are pending it tells the session and waits
// until they are collected.
func (s *mapiSession) waitLoop(ctx context.Context, pending chan<- struct{}, rearm <-chan struct{}) {
	w := &mhclient.Client{BaseURL: s.c.BaseURL, User: s.c.User, Password: s.c.Password,
		MailStoreURL: s.c.MailStoreURL, UserDN: s.c.UserDN, HTTP: s.c.HTTP}
	for ctx.Err() == nil {
		events, err := w.NotificationWait(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			s.run.fail("wait", err)
			select { // not a busy loop against a broken session
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
			continue
		}
		s.run.waits.Add(1)
		if !events {
			continue
		}
		select {
		case pending <- struct{}{}:
		case <-ctx.Done():
			return
		}
		select {
		case <-rearm:
		case <-ctx.Done():
			return
		}
	}
}

// finish checks that the session still answers (an Execute on its
// logon) and disconnects it; it reports whether it answered.
func (s *mapiSession) finish() bool {
	s.meter.phase.Store(phaseEnd)
	ok := s.step("final", s.fetchNotifications) == nil
	s.step("disconnect", s.c.Disconnect)
	return ok
}

// RunMAPI runs opt.Sessions simulated Outlook sessions against the server:
// each starts (spread over opt.Ramp) with what Outlook does on start
// (mapiSession.setup), then idles like Outlook (mapiSession.idle) through
// the steady phase of opt.Duration, which begins when every session is
// set up or failed; at its end each session is checked and disconnected.
// The error is non-nil when the options are unusable, or when a session
// failed or any request failed (the result says which).
func RunMAPI(ctx context.Context, opt MAPIOptions) (*MAPIResult, error) {
	opt.defaults()
	switch {
	case opt.Sessions < 1:
		return nil, fmt.Errorf("loadgen: %d sessions", opt.Sessions)
	case len(opt.Users) == 0:
		return nil, errors.New("loadgen: no users")
	case opt.DeliverRate > 0 && opt.LMTPAddr == "":
		return nil, errors.New("loadgen: a delivery rate without an LMTP address")
	}
	r := &mapiRun{
		opt: opt,
		// Each session holds two connections: its long poll and its
		// requests.
		transport:   &http.Transport{MaxIdleConnsPerHost: 2*opt.Sessions + 16, IdleConnTimeout: 5 * time.Minute},
		stop:        make(chan struct{}),
		discoveries: map[string]*discovery{},
		errors:      map[string]int{},
	}
	defer r.transport.CloseIdleConnections()
	res := &MAPIResult{Sessions: opt.Sessions}
	var before ServerMemory
	if opt.AdminURL != "" {
		var err error
		if before, err = ReadServerMemory(ctx, opt.AdminURL); err != nil {
			return nil, err
		}
	}

	sessions := make([]*mapiSession, opt.Sessions)
	var (
		setUp, ended sync.WaitGroup
		established  atomic.Int64
		sustained    atomic.Int64
	)
	start := time.Now()
	for i := range sessions {
		s := r.newSession(i)
		sessions[i] = s
		setUp.Add(1)
		ended.Add(1)
		go func() {
			defer ended.Done()
			time.Sleep(time.Until(start.Add(opt.Ramp * time.Duration(i) / time.Duration(opt.Sessions))))
			err := s.setup()
			if err == nil {
				established.Add(1)
			}
			setUp.Done()
			if err != nil {
				if s.connected {
					s.step("disconnect", s.c.Disconnect)
				}
				return
			}
			s.idle()
			if s.finish() {
				sustained.Add(1)
			}
		}()
	}
	setUp.Wait()
	time.Sleep(time.Until(start.Add(opt.Ramp)))
	steadyStart := time.Now()
	res.SetUpTime, res.SetUpSeconds = steadyStart.Sub(start), steadyStart.Sub(start).Seconds()
	res.Established = int(established.Load())
	res.Failed = opt.Sessions - res.Established
	if opt.AdminURL != "" {
		idle, err := ReadServerMemory(ctx, opt.AdminURL)
		if err != nil {
			r.fail("metrics", err)
		} else {
			res.Memory = memoryUse(before, idle, res.Established)
		}
	}
	delivered := make(chan struct{})
	go func() {
		res.Delivered, res.Refused = r.deliverLoop()
		close(delivered)
	}()
	steady := opt.Duration
	if res.Established == 0 {
		steady = 0 // nobody to measure
	}
	select {
	case <-time.After(steady):
	case <-ctx.Done():
	}
	steadyEnd := time.Now()
	close(r.stop)
	ended.Wait()
	<-delivered

	var setupLat, steadyLat []time.Duration
	for _, s := range sessions {
		s.meter.mu.Lock()
		samples := s.meter.samples
		s.meter.mu.Unlock()
		for _, x := range samples {
			switch {
			case x.phase == phaseSetup:
				setupLat = append(setupLat, x.d)
			case x.phase == phaseIdle && !x.start.Before(steadyStart) && x.start.Before(steadyEnd):
				steadyLat = append(steadyLat, x.d)
				res.ROPs += x.rops
			}
		}
	}
	res.Sustained = int(sustained.Load())
	res.Setup, res.Latency = latencyOf(setupLat), latencyOf(steadyLat)
	res.Steady = steadyEnd.Sub(steadyStart)
	res.SteadySeconds = res.Steady.Seconds()
	res.Executes = len(steadyLat)
	res.ExecutesPerSec, res.ROPsPerSec = Rate(res.Executes, res.Steady), Rate(res.ROPs, res.Steady)
	res.Actions, res.Waits, res.Notifications = int(r.actions.Load()), int(r.waits.Load()), int(r.notifications.Load())
	res.Errors = r.errors
	if res.Failed > 0 || res.ErrorCount() > 0 {
		return res, fmt.Errorf("loadgen: %d of %d sessions failed, %d sustained, %d errors", res.Failed, res.Sessions, res.Sustained, res.ErrorCount())
	}
	return res, nil
}

// deliverLoop delivers messages over LMTP at opt.DeliverRate to random
// users until the run stops, over one connection (made again after a
// failure), and returns how many were delivered and refused.
func (r *mapiRun) deliverLoop() (delivered, refused int) {
	if r.opt.DeliverRate <= 0 {
		return 0, 0
	}
	tick := time.NewTicker(time.Duration(float64(time.Second) / r.opt.DeliverRate))
	defer tick.Stop()
	var c *lmtpClient
	defer func() {
		if c != nil {
			c.Quit()
		}
	}()
	for n := 0; ; n++ {
		select {
		case <-r.stop:
			return delivered, refused
		case <-tick.C:
		}
		if c == nil {
			var err error
			if c, err = dialLMTP(context.Background(), r.opt.LMTPAddr); err != nil {
				r.fail("deliver", err)
				c = nil
				continue
			}
		}
		rcpt := r.opt.Users[rand.IntN(len(r.opt.Users))]
		msg := fmt.Sprintf("From: Load <%s>\r\nTo: <%s>\r\nSubject: load test %d\r\nMessage-ID: <loadgen-mapi-%d-%d@loadgen.invalid>\r\n"+
			"Date: %s\r\n\r\nA message of the MAPI load test.\r\n", Sender, rcpt, n, time.Now().UnixNano(), n, time.Now().Format(time.RFC1123Z))
		err := deliver(c, rcpt, []byte(msg))
		var se *smtp.SMTPError
		var le smtp.LMTPDataError
		switch {
		case err == nil:
			delivered++
		case errors.As(err, &se) || errors.As(err, &le):
			refused++
			r.fail("deliver", err)
			if c.Reset() != nil {
				c.Close()
				c = nil
			}
		default:
			r.fail("deliver", err)
			c.Close()
			c = nil
		}
	}
}

func memoryUse(before, idle ServerMemory, sessions int) *MemoryUse {
	m := &MemoryUse{Before: before, Idle: idle}
	if sessions > 0 {
		m.HeapPerSession = (idle.HeapInuse - before.HeapInuse) / float64(sessions)
		if idle.GCs > before.GCs {
			m.LivePerSession = (idle.LiveHeap() - before.LiveHeap()) / float64(sessions)
		}
		if before.RSS > 0 && idle.RSS > 0 {
			m.RSSPerSession = (idle.RSS - before.RSS) / float64(sessions)
		}
	}
	return m
}

// ReadServerMemory reads the memory figures of the server's Prometheus
// /metrics on its admin listener (adminURL: http://127.0.0.1:9411):
// go_memstats_heap_inuse_bytes, go_memstats_heap_alloc_bytes,
// process_resident_memory_bytes, go_memstats_next_gc_bytes and
// go_gc_duration_seconds_count. It forces nothing on the server.
func ReadServerMemory(ctx context.Context, adminURL string) (ServerMemory, error) {
	var m ServerMemory
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(adminURL, "/")+"/metrics", nil)
	if err != nil {
		return m, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return m, fmt.Errorf("loadgen: metrics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return m, fmt.Errorf("loadgen: metrics: HTTP %s", resp.Status)
	}
	fields := map[string]*float64{
		"go_memstats_heap_inuse_bytes":  &m.HeapInuse,
		"go_memstats_heap_alloc_bytes":  &m.HeapAlloc,
		"process_resident_memory_bytes": &m.RSS,
		"go_memstats_next_gc_bytes":     &m.NextGC,
		"go_gc_duration_seconds_count":  &m.GCs,
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if p := fields[name]; ok && p != nil {
			if *p, err = strconv.ParseFloat(strings.TrimSpace(val), 64); err != nil {
				return m, fmt.Errorf("loadgen: metrics: %s: %w", name, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return m, fmt.Errorf("loadgen: metrics: %w", err)
	}
	if m.HeapInuse == 0 {
		return m, errors.New("loadgen: metrics: no go_memstats_heap_inuse_bytes")
	}
	return m, nil
}
