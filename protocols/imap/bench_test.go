package imap

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
)

// fill adds n messages to alice's Inbox, 1,000 per transaction.
func (e *env) fill(b testing.TB, n int) {
	b.Helper()
	// FILL_SIZE pads each body with lines of text to about that many bytes.
	var pad string
	if s := os.Getenv("FILL_SIZE"); s != "" {
		size, _ := strconv.Atoi(s)
		pad = strings.Repeat(strings.Repeat("x", 76)+"\r\n", max(0, size/78))
	}
	for done := 0; done < n; {
		batch := min(1000, n-done)
		start := done
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		_, err := e.Stores.Do(ctx, e.maildir, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
			for i := start; i < start+batch; i++ {
				raw := []byte(fmt.Sprintf("From: Sender %d <s%d@example.net>\r\nTo: alice@example.org\r\nSubject: message %d\r\nDate: Mon, 02 Jan 2023 10:00:00 +0100\r\nMessage-ID: <%d@bench>\r\n\r\nbody %d\r\n%s", i, i, i, i, i, pad))
				mc, err := mailbox.ImportRFC5322(raw)
				if err != nil {
					return nil, err
				}
				if _, _, _, err := tx.WriteOriginal(mapi.PrivateFIDInbox, mc, raw); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}))
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		done += batch
	}
}

// BenchmarkFetchLargeFolder: UID FETCH 1:* (FLAGS RFC822.SIZE ENVELOPE) on
// a folder of FOLDER_SIZE messages (default 100,000) streams (FETCH_ITEMS
// sets other items, e.g. "BODY.PEEK[]" or BODYSTRUCTURE); the growth
// of the live heap is reported as peak-live-heap-growth-MB (upstream's issue #214 is a server
// that holds the whole answer in memory).
func BenchmarkFetchLargeFolder(b *testing.B) {
	n := 100000
	if s := os.Getenv("FOLDER_SIZE"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	e := newEnv(b)
	t0 := time.Now()
	e.fill(b, n)
	b.Logf("filled %d messages in %v", n, time.Since(t0))
	c := e.login(b)
	c.ok("SELECT INBOX")
	// The live heap (what the last GC kept) is sampled while the FETCH
	// streams: a server that holds the answer in memory grows it with the
	// folder.
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	runtime.GC()
	metrics.Read(live)
	base := live[0].Value.Uint64()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		for {
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			metrics.Read(s)
			v := s[0].Value.Uint64()
			for {
				p := peak.Load()
				if v <= p || peak.CompareAndSwap(p, v) {
					break
				}
			}
		}
	}()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		items := "FLAGS RFC822.SIZE ENVELOPE"
		if s := os.Getenv("FETCH_ITEMS"); s != "" {
			items = s
			if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
				items = s[1 : len(s)-1] // given as a list: "(FLAGS ENVELOPE)"
			}
		}
		c.send("f UID FETCH 1:* (" + items + ")\r\n")
		// Lines without copies or a deadline each, so that the client
		// costs little next to the server.
		lines := 0
		c.nc.SetReadDeadline(time.Now().Add(time.Minute))
		for {
			l, err := c.r.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil {
				b.Fatal(err)
			}
			if bytes.HasPrefix(l, []byte("f OK")) {
				break
			}
			if bytes.HasPrefix(l, []byte("f ")) {
				b.Fatalf("UID FETCH 1:* (%s): %s", items, l)
			}
			lines++
		}
		if lines != n+3 && lines < n {
			b.Fatalf("%d FETCH lines for %d messages", lines, n)
		}
	}
	b.StopTimer()
	close(stop)
	b.ReportMetric(float64(peak.Load()-min(peak.Load(), base))/(1<<20), "peak-live-heap-growth-MB")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkAppend: one APPEND round trip per message (a 1 KiB message).
func BenchmarkAppend(b *testing.B) {
	e := newEnv(b)
	c := e.login(b)
	msg := "From: a@example.net\r\nTo: alice@example.org\r\nSubject: bench\r\n\r\n" + strings.Repeat("x", 1000) + "\r\n"
	cmd := fmt.Sprintf("APPEND INBOX (\\Seen) {%d+}\r\n%s", len(msg), msg)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.ok(cmd)
	}
}

// BenchmarkIdleSessions: the server's memory per logged-in session idling
// in INBOX (heap and goroutine stacks, measured in-process; the clients
// keep only their sockets). SESSIONS sets how many (default 2,000),
// MESSAGES how many messages INBOX gets beyond the test's three; HOLES=1
// then deletes every other one (a view of a run per message, as a folder
// whose user deleted messages here and there has).
// IDLE_HEAP_PROFILE=FILE writes heap profiles of every allocation, FILE
// with the sessions and FILE.base before them (go tool pprof -diff_base).
func BenchmarkIdleSessions(b *testing.B) {
	prof := os.Getenv("IDLE_HEAP_PROFILE")
	if prof != "" {
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 1
		defer func() { runtime.MemProfileRate = old }()
	}
	writeProfile := func(name string) {
		f, err := os.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			b.Fatal(err)
		}
	}
	n := 2000
	if s := os.Getenv("SESSIONS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	e := newEnv(b)
	if s := os.Getenv("MESSAGES"); s != "" {
		m, _ := strconv.Atoi(s)
		e.fill(b, m)
	}
	if os.Getenv("HOLES") != "" {
		ctx := context.Background()
		v, err := mailbox.Do[mailbox.IMAPViewData](ctx, e.Stores, e.maildir, mailbox.IMAPView{FolderID: mapi.PrivateFIDInbox})
		if err != nil {
			b.Fatal(err)
		}
		var ids []uint64
		for i := 1; i < len(v.MessageIDs); i += 2 {
			ids = append(ids, v.MessageIDs[i])
		}
		if _, err := e.Stores.Do(ctx, e.maildir, mailbox.DeleteMessages{FolderID: mapi.PrivateFIDInbox, IDs: ids, Hard: true}); err != nil {
			b.Fatal(err)
		}
	}
	// used is the heap in use (spans holding objects) and the goroutine
	// stacks after a GC; stacks, live (the live objects' bytes) and
	// goroutines are the parts reported beside it.
	var stacks, live, allocated uint64
	var goroutines int
	used := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		stacks, live, allocated, goroutines = ms.StackInuse, ms.HeapAlloc, ms.TotalAlloc, runtime.NumGoroutine()
		return ms.HeapInuse + ms.StackInuse
	}
	warm := e.login(b)
	warm.ok("SELECT INBOX")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := used()
		stacks0, live0, allocated0, goroutines0 := stacks, live, allocated, goroutines
		if prof != "" {
			writeProfile(prof + ".base")
		}
		conns := make([]net.Conn, 0, n)
		buf := make([]byte, 4096)
		for j := 0; j < n; j++ {
			nc, err := net.Dial("tcp", e.addr)
			if err != nil {
				b.Fatal(err)
			}
			conns = append(conns, nc)
			nc.Write([]byte("a LOGIN alice@example.org \"secret pw\"\r\nb SELECT INBOX\r\nc IDLE\r\n"))
			// Read until the IDLE continuation.
			got := ""
			for !strings.Contains(got, "\r\n+ ") {
				nc.SetReadDeadline(time.Now().Add(20 * time.Second))
				k, err := nc.Read(buf)
				if err != nil {
					b.Fatalf("session %d: %v after %q", j, err, got)
				}
				got += string(buf[:k])
			}
		}
		e.Logs.TakeAll() // the test logger keeps every login line in memory
		after := used()
		b.ReportMetric(float64(after-before)/float64(n)/1024, "KiB/session")
		b.ReportMetric(float64(stacks-stacks0)/float64(n)/1024, "stack-KiB/session")
		b.ReportMetric(float64(live-live0)/float64(n)/1024, "live-heap-KiB/session")
		b.ReportMetric(float64(goroutines-goroutines0)/float64(n), "goroutines/session")
		b.ReportMetric(float64(allocated-allocated0)/float64(n)/1024, "allocated-KiB/session")
		if prof != "" {
			runtime.GC() // the profile shows what the last GC kept
			writeProfile(prof)
		}
		for _, nc := range conns {
			nc.Close()
		}
	}
}

// BenchmarkStoreAll: UID STORE 1:* +FLAGS/-FLAGS (\Flagged) on a folder of
// 2,000 messages; reports messages per second.
func BenchmarkStoreAll(b *testing.B) {
	const n = 2000
	e := newEnv(b)
	e.fill(b, n-3)
	c := e.login(b)
	c.ok("SELECT INBOX")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		op := "+FLAGS.SILENT"
		if i%2 == 1 {
			op = "-FLAGS.SILENT"
		}
		c.ok("UID STORE 1:* " + op + ` (\Flagged)`)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
