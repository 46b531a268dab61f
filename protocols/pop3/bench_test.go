package pop3

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkRetr: RETR of every message of an Inbox holding the fixture
// corpus (28 messages, 2.9 MB) over one session, the messages read to
// their final "."; reports messages and megabytes per second.
func BenchmarkRetr(b *testing.B) {
	e := newEnv(b, false)
	files, err := filepath.Glob("../../../shared/fixtures/upstream-3.10/corpus/*.eml")
	if err != nil || len(files) == 0 {
		b.Skip("no fixture corpus")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		e.add(b, string(raw))
	}
	n := len(files) + 3 // and newEnv's three
	c := e.dial(b)
	c.login()
	var bytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.send("RETR " + strconv.Itoa(i%n+1))
		if st := c.line(); st[:3] != "+OK" {
			b.Fatalf("RETR: %q", st)
		}
		for {
			l, err := c.r.ReadSlice('\n')
			if err != nil {
				b.Fatal(err)
			}
			bytes += int64(len(l))
			if len(l) == 3 && l[0] == '.' {
				break
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(bytes)/1e6/b.Elapsed().Seconds(), "MB/s")
}
