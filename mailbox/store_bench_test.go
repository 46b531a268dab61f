package mailbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

// benchMessage is a typical small delivered message: subject, sender, one
// recipient, a 2 KiB plain body, delivery time.
func benchMessage(i int) *MessageContent {
	now := mapi.FileTimeOf(time.Now())
	return &MessageContent{
		Props: Props{
			{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: mapi.PrSubject, Value: fmt.Sprintf("Benchmark message %d", i)},
			{Tag: mapi.PrSenderName, Value: "Erika Mustermann"},
			{Tag: mapi.PrSenderEmailAddress, Value: "erika@partner.example"},
			{Tag: mapi.PrMessageDeliveryTime, Value: now},
			{Tag: mapi.PrClientSubmitTime, Value: now},
			{Tag: mapi.PrBody, Value: strings.Repeat("Lorem ipsum dolor sit amet. ", 73)},
		},
		Recipients: []Props{{
			{Tag: mapi.PrDisplayName, Value: "Fixture User"},
			{Tag: mapi.PrEmailAddress, Value: "fixture@example.org"},
			{Tag: mapi.PrRecipientType, Value: int32(1)},
		}},
	}
}

func newBenchStore(b *testing.B) string {
	dir := filepath.Join(b.TempDir(), "user")
	if err := CreatePrivate(dir, PrivateParams{UserID: 7, Username: "bench@example.org", Language: "en"}); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkWriteMessage measures messages written into one store's Inbox
// (synchronous=FULL, answered after commit) from 1, 16 and 128 concurrent
// callers, with group commit on and off.
func BenchmarkWriteMessage(b *testing.B) {
	for _, group := range []bool{true, false} {
		for _, callers := range []int{1, 16, 128} {
			b.Run(fmt.Sprintf("group=%v/callers=%d", group, callers), func(b *testing.B) {
				dir := newBenchStore(b)
				r, _ := newRegistry(b, Options{Idle: time.Hour, NoGroupCommit: !group})
				ctx := context.Background()
				write := func(i int) error {
					_, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
						mid, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, benchMessage(i))
						return mid, err
					}))
					return err
				}
				if err := write(-1); err != nil {
					b.Fatal(err)
				}
				work := make(chan int, callers)
				var wg sync.WaitGroup
				b.ResetTimer()
				for range callers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for i := range work {
							if err := write(i); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				for i := 0; i < b.N; i++ {
					work <- i
				}
				close(work)
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

// BenchmarkColdOpen measures opening a store that is not open (its actor
// starts, opens exchange.sqlite3 and midb.sqlite3, reconciles the IMAP
// index) and answering one read of the Inbox's properties.
func BenchmarkColdOpen(b *testing.B) {
	dir := copyTree(b, filepath.Join(fixtureDir, "fixture-store"))
	r, _ := newRegistry(b, Options{Idle: time.Hour})
	ctx := context.Background()
	read := ReadFunc(func(tx *Tx) (any, error) {
		return tx.FolderProps(mapi.PrivateFIDInbox, []mapi.PropTag{mapi.PrContentCount, mapi.PrDisplayName})
	})
	for b.Loop() {
		if _, err := r.Do(ctx, dir, read); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := r.Unload(ctx, dir); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkOpenStoreMemory opens 200 stores and reports the heap each
// open store holds (its actor, SQLite connections and caches).
func BenchmarkOpenStoreMemory(b *testing.B) {
	const n = 200
	src := newBenchStore(b)
	dirs := make([]string, n)
	for i := range dirs {
		dirs[i] = copyTree(b, src)
	}
	ctx := context.Background()
	read := ReadFunc(func(tx *Tx) (any, error) {
		return tx.FolderProps(mapi.PrivateFIDInbox, []mapi.PropTag{mapi.PrContentCount})
	})
	var per, perRSS float64
	for b.Loop() {
		sys := actors.NewSystem(zap.NewNop(), nil)
		r := NewRegistry(sys, zap.NewNop(), Options{Idle: time.Hour})
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rss0 := rssBytes()
		for _, d := range dirs {
			if _, err := r.Do(ctx, d, read); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		per = float64(after.HeapAlloc-before.HeapAlloc) / n
		perRSS = float64(rssBytes()-rss0) / n
		r.Shutdown(ctx)
		sys.Shutdown()
	}
	b.ReportMetric(per, "heap-B/store")
	b.ReportMetric(perRSS, "rss-B/store")
}

// rssBytes is the process's resident set size (Linux), which also counts
// SQLite's page caches outside the Go heap.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, rss int64
	fmt.Sscan(string(b), &size, &rss)
	return rss * int64(os.Getpagesize())
}

// BenchmarkSetIMAPFlagsBatch measures IMAP flag changes of a whole
// 2,000-message Inbox through the store's actor, 2,000 per request
// (IMAP's UID STORE 1:* +FLAGS (\Flagged), then -FLAGS), including the
// IMAP index update after each commit.
func BenchmarkSetIMAPFlagsBatch(b *testing.B) {
	const n = 2000
	dir := newBenchStore(b)
	r, _ := newRegistry(b, Options{Idle: time.Hour})
	ctx := context.Background()
	mids := make([]uint64, n)
	for i := range mids {
		res, err := r.Do(ctx, dir, WriteFunc(func(tx *Tx) (any, error) {
			mid, _, err := tx.WriteMessage(mapi.PrivateFIDInbox, benchMessage(i))
			return mid, err
		}))
		if err != nil {
			b.Fatal(err)
		}
		mids[i] = res.(uint64)
	}
	changes := make([]SetIMAPFlags, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k, mid := range mids {
			changes[k] = SetIMAPFlags{MessageID: mid}
			if i%2 == 0 {
				changes[k].Add = FlagFlagged
			} else {
				changes[k].Remove = FlagFlagged
			}
		}
		res, err := Do[[]IMAPFlagState](ctx, r, dir, SetIMAPFlagsBatch{FolderID: mapi.PrivateFIDInbox, Changes: changes})
		if err != nil || res[n-1].MessageID == 0 {
			b.Fatal(err, res[n-1])
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
