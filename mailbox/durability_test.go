package mailbox

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"go.uber.org/zap"
)

// TestKillNineLosesNothingAcknowledged runs writers in a child process,
// kills it with SIGKILL in the middle of its writes, and checks that every
// write the child had acknowledged is in the store.
func TestKillNineLosesNothingAcknowledged(t *testing.T) {
	if os.Getenv("GROMOX_KILL_CHILD") != "" {
		killChild(os.Getenv("GROMOX_KILL_CHILD"))
		return
	}
	dir := t.TempDir()
	acked := map[int64]bool{}
	for _, line := range killAfter(t, "TestKillNineLosesNothingAcknowledged", []string{"GROMOX_KILL_CHILD=" + dir}, 300) {
		if id, err := strconv.ParseInt(line, 10, 64); err == nil {
			acked[id] = true
		}
	}
	s, err := openScratch(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var missing int
	for id := range acked {
		var n int
		s.db.QueryRow("SELECT COUNT(*) FROM t WHERE k = ?", id).Scan(&n)
		if n != 1 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged writes lost after kill -9", missing, len(acked))
	}
	var ok string
	s.db.QueryRow("PRAGMA integrity_check").Scan(&ok)
	if ok != "ok" {
		t.Fatalf("integrity_check after kill -9: %s", ok)
	}
}

// killAfter runs the test named test of this binary as a child process
// with env added, collects the lines it prints (one per acknowledged
// write) until it has printed n, kills it with SIGKILL and returns them.
// The test fails when the child ended before n lines.
func killAfter(t *testing.T, test string, env []string, n int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(out)
	for len(lines) < n && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if len(lines) < n {
		t.Fatalf("child acknowledged only %d writes, want %d", len(lines), n)
	}
	return lines
}

// killChild writes forever from 16 goroutines and prints each acknowledged
// row id.
func killChild(dir string) {
	sys := actors.NewSystem(zap.NewNop(), nil)
	r := NewRegistry(sys, zap.NewNop(), Options{Open: openScratch})
	var mu sync.Mutex
	w := bufio.NewWriter(os.Stdout)
	for range 16 {
		go func() {
			for {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				id, err := Do[int64](ctx, r, dir, insert{v: "durable"})
				cancel()
				if err != nil {
					continue
				}
				mu.Lock()
				fmt.Fprintln(w, id)
				w.Flush()
				mu.Unlock()
			}
		}()
	}
	select {}
}

// The store's connection settings are what durability relies on.
func TestStorePragmas(t *testing.T) {
	s, err := openScratch(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode string
	var sync, fk int
	s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	s.db.QueryRow("PRAGMA synchronous").Scan(&sync)
	s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if mode != "wal" || sync != 2 || fk != 1 {
		t.Fatalf("journal_mode=%s synchronous=%d foreign_keys=%d, want wal, 2 (FULL), 1", mode, sync, fk)
	}
}
