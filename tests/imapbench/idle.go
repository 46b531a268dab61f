package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/gromox-go/gromox/tests/loadgen"
)

// Memory is a process tree's resident memory in KiB: the sum of VmRSS
// (/proc/PID/status) and of Pss (/proc/PID/smaps_rollup, shared pages
// divided among their sharers) over pid and its descendants. For a server
// of one process both are about the same; for Dovecot, a process per
// session, RSS counts the shared libraries once per process and PSS does
// not.
type Memory struct {
	Procs    int
	RSS, PSS int64
}

// readMemory measures pid's process tree.
func readMemory(pid int) (Memory, error) {
	var m Memory
	if pid <= 0 {
		return m, errors.New("no server pid")
	}
	for _, p := range processTree(pid) {
		rss, err := procField(filepath.Join("/proc", strconv.Itoa(p), "status"), "VmRSS:")
		if err != nil {
			if p == pid {
				return m, err
			}
			continue // exited meanwhile
		}
		pss, _ := procField(filepath.Join("/proc", strconv.Itoa(p), "smaps_rollup"), "Pss:")
		m.Procs++
		m.RSS += rss
		m.PSS += pss
	}
	return m, nil
}

// processTree is pid and its descendants, from the parent pids in
// /proc/*/stat.
func processTree(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	children := map[int][]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		pp, _ := strconv.Atoi(f[1])
		children[pp] = append(children[pp], p)
	}
	tree := []int{pid}
	for i := 0; i < len(tree); i++ {
		tree = append(tree, children[tree[i]]...)
	}
	return tree
}

// procField reads a "Key: N kB" line.
func procField(path, key string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("%s: no %s", path, key)
}

// idleSession is one logged-in session with mailbox selected, in IDLE.
type idleSession struct {
	c    *imapclient.Client
	idle *imapclient.IdleCommand
}

// idleRow opens n sessions (dialers at a time), each logged in with
// mailbox SELECTed and in IDLE, and reads the server's memory (process
// tree of pid) before, with all of them open, and after they have all
// logged out. Ops is the sessions opened; the latency is per session, dial
// to IDLE's continuation.
func idleRow(ctx context.Context, t *Target, mailbox string, n, dialers, pid int, settle time.Duration) (Result, error) {
	res := Result{Row: "idle", Conc: dialers}
	before, err := readMemory(pid)
	if err != nil {
		return res, fmt.Errorf("idle: server memory: %w", err)
	}
	var (
		mu       sync.Mutex
		sessions []idleSession
		lat      []time.Duration
		errs     []error
		wg       sync.WaitGroup
		next     = make(chan int)
	)
	start := time.Now()
	for d := 0; d < dialers; d++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				t0 := time.Now()
				c, err := t.login(ctx, nil, mailbox, true)
				var ic *imapclient.IdleCommand
				if err == nil {
					ic, err = c.Idle()
					if err != nil {
						c.Close()
						err = fmt.Errorf("IDLE: %w", err)
					}
				}
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					if len(errs) < 5 {
						errs = append(errs, err)
					} else if len(errs) == 5 {
						errs = append(errs, errors.New("(more failures left out)"))
					}
				} else {
					sessions = append(sessions, idleSession{c, ic})
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	failures := 0
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
		mu.Lock()
		failures = len(errs)
		mu.Unlock()
		if failures > 5 {
			break
		}
	}
	close(next)
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Ops = len(sessions)
	res.P50, res.P99 = loadgen.Percentile(lat, 50), loadgen.Percentile(lat, 99)

	time.Sleep(settle)
	alive := 0
	for _, s := range sessions {
		select {
		case <-s.c.Closed():
		default:
			alive++
		}
	}
	during, merr := readMemory(pid)

	// Leave IDLE and log out, many at a time.
	var cw sync.WaitGroup
	work := make(chan idleSession)
	for d := 0; d < dialers; d++ {
		cw.Add(1)
		go func() {
			defer cw.Done()
			for s := range work {
				s.idle.Close()
				logout(s.c)
			}
		}()
	}
	for _, s := range sessions {
		work <- s
	}
	close(work)
	cw.Wait()
	time.Sleep(settle)
	after, _ := readMemory(pid)

	perRSS, perPSS := "-", "-"
	if merr == nil && len(sessions) > 0 {
		perRSS = fmt.Sprintf("%.1f", float64(during.RSS-before.RSS)/float64(len(sessions)))
		perPSS = fmt.Sprintf("%.1f", float64(during.PSS-before.PSS)/float64(len(sessions)))
	}
	res.Extra = fmt.Sprintf("sessions=%d/%d alive=%d procs=%d/%d/%d rss-KiB=%d/%d/%d pss-KiB=%d/%d/%d KiB/session=%s pss-KiB/session=%s",
		len(sessions), n, alive, before.Procs, during.Procs, after.Procs,
		before.RSS, during.RSS, after.RSS, before.PSS, during.PSS, after.PSS, perRSS, perPSS)
	if merr != nil {
		errs = append(errs, fmt.Errorf("idle: server memory: %w", merr))
	}
	if alive < len(sessions) {
		errs = append(errs, fmt.Errorf("idle: %d of %d sessions closed by the server while idle", len(sessions)-alive, len(sessions)))
	}
	return res, errors.Join(errs...)
}

// raiseFileLimit lifts RLIMIT_NOFILE as far as allowed (to want when the
// process may raise its hard limit, as root may, else to the hard limit).
func raiseFileLimit(want uint64) (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur >= want {
		return lim.Cur, nil
	}
	if lim.Max < want {
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &syscall.Rlimit{Cur: want, Max: want}); err == nil {
			return want, nil
		}
	}
	lim.Cur = min(want, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	return lim.Cur, nil
}
