package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/gromox-go/gromox/tests/loadgen"
)

// Target is the server under test and the account the rows use.
type Target struct {
	Addr, POP3Addr string
	User, Password string
	// LocalAddrs are the source addresses connections are spread over (on
	// loopback 127.0.0.1, 127.0.0.2, ...), so that 10,000 sessions do not
	// run out of one address's ephemeral ports; empty for the default.
	LocalAddrs []net.IP
	Timeout    time.Duration
	// GoIMAP: the APPEND and FETCH rows use go-imap's client, not the
	// lean one.
	GoIMAP bool

	next atomic.Uint64
}

// countingConn counts the bytes read and written on a connection: the
// wire volume of a row, for its MB/s.
type countingConn struct {
	net.Conn
	in, out *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// deadlineConn fails a read that waits longer than timeout: a server that
// stops answering ends the row with an error instead of hanging it.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

func (c deadlineConn) Read(p []byte) (int, error) {
	c.Conn.SetReadDeadline(time.Now().Add(c.timeout))
	return c.Conn.Read(p)
}

// Wire is the byte counts of one row's connections.
type Wire struct{ In, Out atomic.Int64 }

// dial connects to addr with TCP_NODELAY (each command is a small write
// waiting for a reply), from the next of the local addresses. Reads time
// out after t.Timeout unless idle is set (a session left in IDLE).
func (t *Target) dial(ctx context.Context, addr string, w *Wire, idle bool) (net.Conn, error) {
	d := net.Dialer{Timeout: t.Timeout}
	if len(t.LocalAddrs) > 0 {
		d.LocalAddr = &net.TCPAddr{IP: t.LocalAddrs[t.next.Add(1)%uint64(len(t.LocalAddrs))]}
	}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		if err := tc.SetNoDelay(true); err != nil {
			conn.Close()
			return nil, fmt.Errorf("TCP_NODELAY: %w", err)
		}
	}
	if !idle && t.Timeout > 0 {
		conn = deadlineConn{Conn: conn, timeout: t.Timeout}
	}
	if w != nil {
		conn = countingConn{Conn: conn, in: &w.In, out: &w.Out}
	}
	return conn, nil
}

// Login opens an IMAP session and logs in; with mailbox set it also
// SELECTs it.
func (t *Target) Login(ctx context.Context, w *Wire, mailbox string) (*imapclient.Client, error) {
	return t.login(ctx, w, mailbox, false)
}

func (t *Target) login(ctx context.Context, w *Wire, mailbox string, idle bool) (*imapclient.Client, error) {
	conn, err := t.dial(ctx, t.Addr, w, idle)
	if err != nil {
		return nil, err
	}
	c := imapclient.New(conn, nil)
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if err := c.Login(t.User, t.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("LOGIN: %w", err)
	}
	if mailbox != "" {
		if _, err := c.Select(mailbox, nil).Wait(); err != nil {
			c.Close()
			return nil, fmt.Errorf("SELECT %s: %w", mailbox, err)
		}
	}
	return c, nil
}

// logout ends a session politely, without waiting long for the reply.
func logout(c *imapclient.Client) {
	done := make(chan struct{})
	go func() {
		c.Logout().Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	c.Close()
}

// Result is one row at one concurrency: Ops operations (commands, or
// messages for APPEND and POP3 RETR) and Msgs messages handled, over Elapsed
// wall time; P50 and P99 per operation.
type Result struct {
	Row      string
	Conc     int
	Ops      int
	Msgs     int
	Bytes    int64 // wire bytes, both directions
	Payload  int64 // message bytes appended or retrieved (0 where none)
	Elapsed  time.Duration
	P50, P99 time.Duration
	// First, Last are the p50 of the first and the last tenth of the
	// operations by number (rows of 100 operations or more): an APPEND
	// that slows down as the folder grows shows here.
	First, Last time.Duration
	// ServerCPU is the CPU time the rest of the machine spent during the
	// row (see cpuSample), ClientCPU this process's, when they could be
	// measured.
	ServerCPU, ClientCPU time.Duration
	HaveCPU              bool
	Extra                string // row-specific key=value pairs
}

func (r Result) String() string {
	payload := r.Bytes
	if r.Payload > 0 {
		payload = r.Payload
	}
	s := fmt.Sprintf("row=%s conc=%d ops=%d msgs=%d secs=%.3f ops/s=%.1f msgs/s=%.1f MB/s=%.2f wire-MB=%.2f p50=%s p99=%s",
		r.Row, r.Conc, r.Ops, r.Msgs, r.Elapsed.Seconds(), loadgen.Rate(r.Ops, r.Elapsed), loadgen.Rate(r.Msgs, r.Elapsed),
		float64(payload)/1e6/max(r.Elapsed.Seconds(), 1e-9), float64(r.Bytes)/1e6,
		fmtDur(r.P50), fmtDur(r.P99))
	if r.First > 0 {
		s += fmt.Sprintf(" p50-first10%%=%s p50-last10%%=%s", fmtDur(r.First), fmtDur(r.Last))
	}
	if r.HaveCPU && r.Ops > 0 {
		// Per message where the row counts messages, else per operation.
		n := r.Msgs
		if n == 0 {
			n = r.Ops
		}
		s += fmt.Sprintf(" server-cpu-us=%.1f client-cpu-us=%.1f", float64(r.ServerCPU.Microseconds())/float64(n), float64(r.ClientCPU.Microseconds())/float64(n))
	}
	if r.Extra != "" {
		s += " " + r.Extra
	}
	return s
}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond).String()
	default:
		return d.Round(time.Microsecond).String()
	}
}

// Worker is one client of a row: Open makes its state (a session), Op runs
// operation i on it and tells how many messages and payload bytes it
// handled, After (optional) undoes what Op changed, Close ends it. Time
// spent in Open, After and Close is outside the operations' latencies and,
// but for Open and Close, outside the row's time.
type Worker[S any] struct {
	Open  func(ctx context.Context, w *Wire) (S, error)
	Op    func(ctx context.Context, s S, i int) (msgs int, payload int64, err error)
	After func(ctx context.Context, s S, i int) error
	Close func(s S)
}

// run runs total operations over conc workers, operation numbers handed out
// in order, and measures them.
func run[S any](ctx context.Context, row string, conc, total int, wk Worker[S]) (Result, error) {
	res := Result{Row: row, Conc: conc}
	var (
		wire    Wire
		next    atomic.Int64
		mu      sync.Mutex
		lat     []time.Duration
		first   []time.Duration
		last    []time.Duration
		errs    []error
		wg      sync.WaitGroup
		msgs    atomic.Int64
		payload atomic.Int64
		// excluded is the time spent in After, summed over workers, and
		// taken off the row's time divided by the workers.
		excluded atomic.Int64
	)
	start, cpu0 := time.Now(), sampleCPU()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var myFirst, myLast []time.Duration
			err := func() error {
				s, err := wk.Open(ctx, &wire)
				if err != nil {
					return err
				}
				if wk.Close != nil {
					defer wk.Close(s)
				}
				for {
					i := int(next.Add(1) - 1)
					if i >= total {
						return nil
					}
					if err := ctx.Err(); err != nil {
						return err
					}
					t0 := time.Now()
					m, p, err := wk.Op(ctx, s, i)
					if err != nil {
						return fmt.Errorf("%s op %d: %w", row, i, err)
					}
					d := time.Since(t0)
					mine = append(mine, d)
					if total >= 100 && i < total/10 {
						myFirst = append(myFirst, d)
					} else if total >= 100 && i >= total-total/10 {
						myLast = append(myLast, d)
					}
					msgs.Add(int64(m))
					payload.Add(p)
					if wk.After != nil {
						t1 := time.Now()
						if err := wk.After(ctx, s, i); err != nil {
							return fmt.Errorf("%s op %d, undoing: %w", row, i, err)
						}
						excluded.Add(int64(time.Since(t1)))
					}
				}
			}()
			mu.Lock()
			lat = append(lat, mine...)
			first = append(first, myFirst...)
			last = append(last, myLast...)
			if err != nil {
				errs = append(errs, err)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if wk.After == nil {
		// (With After, the undoing runs in the row's time, beside other
		// workers' operations: its CPU cannot be told apart.)
		cpu1 := sampleCPU()
		res.ServerCPU, res.HaveCPU = serverCPU(cpu0, cpu1)
		res.ClientCPU = cpu1.self - cpu0.self
	}
	res.Elapsed = time.Since(start) - time.Duration(excluded.Load()/int64(conc))
	res.Ops = len(lat)
	res.Msgs = int(msgs.Load())
	res.Payload = payload.Load()
	res.Bytes = wire.In.Load() + wire.Out.Load()
	res.P50, res.P99 = loadgen.Percentile(lat, 50), loadgen.Percentile(lat, 99)
	res.First, res.Last = loadgen.Percentile(first, 50), loadgen.Percentile(last, 50)
	return res, errors.Join(errs...)
}
