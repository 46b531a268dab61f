package mapihttp

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// BenchmarkExecuteInbox is the loop the issue compares with upstream: each
// session sends one Execute of SeekRow + QueryRows(50) +
// GetPropertiesSpecific on its open Inbox contents table and folder, over
// HTTP on loopback, one goroutine per session, all in parallel.
//
// BENCH_SESSIONS sets the session counts (default 1,10,50; the issue's
// figures are 10,200,1000). BENCH_PER_USER sets how many sessions share one
// user's mailbox (default 0: all sessions on one user, the hardest case for
// one store; Outlook opens a few per profile). Reported: Execute/s and the
// p99 latency. The store's row cache serves the repeated reads after the
// first of each store; BENCH_WRITES=1 commits a change to each store
// between every two reads of a session, so that every read misses.
func BenchmarkExecuteInbox(b *testing.B) {
	procs := runtime.GOMAXPROCS(0)
	counts := benchCounts("BENCH_SESSIONS", []int{1, 10, 50})
	perUser := 0
	if v := benchCounts("BENCH_PER_USER", nil); len(v) == 1 {
		perUser = v[0]
	}
	writes := os.Getenv("BENCH_WRITES") == "1"
	for _, want := range counts {
		par := max(1, want/procs)
		sessions := par * procs // RunParallel's goroutines, one session each
		name := fmt.Sprintf("sessions=%d", sessions)
		if perUser > 0 {
			name += fmt.Sprintf("/per-user=%d", perUser)
		}
		b.Run(name, func(b *testing.B) {
			// Past the per-user session limit here when all sessions
			// share one user.
			e := newEnv(b, func(c *Config) { c.MaxSessionsPerUser = 1 << 20 })
			type user struct {
				name    string
				u       *directory.User
				maildir string
			}
			users := []user{{testUser, e.user, e.maildir}}
			for n := 1; perUser > 0 && n*perUser < sessions; n++ {
				name := fmt.Sprintf("bench%d@example.org", n)
				maildir := e.AddUser(b, name, testPassword, "")
				u, err := e.DB.Lookup(context.Background(), name)
				if err != nil {
					b.Fatal(err)
				}
				users = append(users, user{name, u, maildir})
			}
			for _, u := range users {
				for i := 0; i < 60; i++ {
					e.deliverTo(b, u.maildir, strings.Replace(raw1, "Subject: one", fmt.Sprintf("Subject: message %d", i), 1))
				}
			}
			cols := []mapi.PropTag{mapi.PrSubject, mapi.PrMID, mapi.PrMessageFlags}
			type sess struct {
				c             *client
				maildir       string
				folder, table uint32
			}
			var mu sync.Mutex
			var pool []*sess
			for i := 0; i < sessions; i++ {
				c := e.client(b)
				u := users[0]
				if perUser > 0 {
					u = users[i/perUser]
				}
				c.user, c.u = u.name, u.u
				lh, _ := c.logon()
				out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
					&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
					&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
					&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols})
				pool = append(pool, &sess{c: c, maildir: u.maildir, folder: out.handles[1], table: out.handles[2]})
			}
			reqs := []putter{
				&rops.SeekRowRequest{Header: rops.Header{InputHandleIndex: 1}, Origin: rops.BookmarkBeginning},
				&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: 50},
				&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 0}, PropertyTags: []mapi.PropTag{mapi.PrDisplayName, mapi.PrContentCount}},
			}
			list := ropsList(b, reqs...)
			var latMu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(par)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				mu.Lock()
				s := pool[0]
				pool = pool[1:]
				mu.Unlock()
				in := rgbIn(b, list, []uint32{s.folder, s.table}, wire.ExtOptions{})
				var mine []time.Duration
				defer func() {
					latMu.Lock()
					lat = append(lat, mine...)
					latMu.Unlock()
				}()
				for pb.Next() {
					if writes {
						// A change that touches no row read: every
						// commit empties the store's row cache.
						if _, err := e.Stores.Do(context.Background(), s.maildir, mailbox.SetFolderProps{FolderID: mapi.PrivateFIDInbox,
							Props: mailbox.Props{{Tag: mapi.PrComment, Value: "bench"}}}); err != nil {
							b.Error(err)
							return
						}
					}
					t0 := time.Now()
					r := s.c.executeRaw(0, in, 0x40000)
					mine = append(mine, time.Since(t0))
					if r.code != 0 {
						b.Errorf("X-ResponseCode %d", r.code)
						return
					}
					out := parseRopOut(b, r.body, reqs, cols)
					if qr, ok := out.responses[1].(*rops.QueryRowsResponse); !ok || len(qr.RowData) != 50 {
						b.Errorf("query rows: %#v", out.responses[1])
						return
					}
				}
			})
			b.StopTimer()
			if len(lat) > 0 {
				slices.Sort(lat)
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "Execute/s")
			}
		})
	}
}

// benchCounts reads a comma-separated list of positive counts from the
// environment variable name, def when it is unset.
func benchCounts(name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var counts []int
	for _, f := range strings.Split(v, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			counts = append(counts, n)
		}
	}
	return counts
}

// BenchmarkIdleSession reports the heap an idle session context holds
// after Connect, Logon and an open Inbox contents table (the state an
// Outlook profile keeps between polls), as bytes/session.
func BenchmarkIdleSession(b *testing.B) {
	e := newEnv(b, func(c *Config) { c.MaxSessionsPerUser = 1 << 20 })
	e.deliver(b, raw1)
	cols := []mapi.PropTag{mapi.PrSubject}
	n := max(b.N, 20)
	clients := make([]*client, 0, n)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for i := 0; i < n; i++ {
		c := e.client(b)
		lh, _ := c.logon()
		c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
			&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
			&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
			&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols})
		c.hc.CloseIdleConnections()
		clients = append(clients, c)
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(n), "bytes/session")
	runtime.KeepAlive(clients)
}
