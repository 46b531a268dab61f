package mailbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// BenchmarkWrite measures acknowledged writes per second into one store
// (synchronous=FULL) from 1, 16 and 128 concurrent callers, with group
// commit on and off. Each write is one row insert plus its event.
func BenchmarkWrite(b *testing.B) {
	for _, group := range []bool{true, false} {
		for _, callers := range []int{1, 16, 128} {
			name := fmt.Sprintf("group=%v/callers=%d", group, callers)
			b.Run(name, func(b *testing.B) {
				r, _ := newRegistry(b, Options{Idle: time.Hour, NoGroupCommit: !group, Open: openScratch})
				dir := b.TempDir()
				ctx := context.Background()
				if _, err := r.Do(ctx, dir, count{}); err != nil {
					b.Fatal(err)
				}
				work := make(chan struct{}, callers)
				var wg sync.WaitGroup
				b.ResetTimer()
				for range callers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range work {
							if _, err := r.Do(ctx, dir, insert{v: "benchmark row"}); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				for i := 0; i < b.N; i++ {
					work <- struct{}{}
				}
				close(work)
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
				st, _ := r.Do(ctx, dir, ReadFunc(func(tx *Tx) (any, error) { return tx.Store().Commits(), nil }))
				b.ReportMetric(float64(b.N)/float64(st.(int64)), "writes/commit")
			})
		}
	}
}

// BenchmarkCompressParallel: content files of many stores compressed at
// once (every store's writer goroutines share the encoders of a level).
func BenchmarkCompressParallel(b *testing.B) {
	data := []byte(wordText(64 << 10))
	b.SetBytes(int64(len(data)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := compress(data, DefaultCompression); err != nil {
				b.Error(err)
			}
		}
	})
}

// BenchmarkDecompressParallel: content files of many stores read at once.
func BenchmarkDecompressParallel(b *testing.B) {
	data := []byte(wordText(64 << 10))
	path := filepath.Join(b.TempDir(), "cid")
	z, err := compress(data, DefaultCompression)
	if err == nil {
		err = os.WriteFile(path, z, 0o600)
	}
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := readCompressed(path); err != nil {
				b.Error(err)
			}
		}
	})
}
