package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gromox-go/gromox/tests/loadgen"
)

// Usage of the load tools.
const (
	loadtestUsage = "usage: gromox loadtest lmtp|mapi ..."
	lmtpUsage     = "usage: gromox loadtest lmtp --addr HOST:PORT --rcpt ADDR [--conns 1,8,32] [--messages N] --corpus DIR (--store MAILDIR | --maildir DIR)"
	mapiUsage     = "usage: gromox loadtest mapi --users PATTERN [--user-count N] --password P [--url http://127.0.0.1:8080] [--sessions 10,200,1000]" +
		" [--think 30s] [--ramp 10s] [--duration 60s] [--deliver-rate R --lmtp HOST:PORT] [--admin http://127.0.0.1:9411] [--json]"
)

// loadtest lmtp|mapi ...: the load tools (loadtestLMTP, loadtestMAPI).
func (c *command) loadtest(args []string) error {
	if len(args) > 0 && args[0] == "mapi" {
		return c.loadtestMAPI(args[1:])
	}
	return c.loadtestLMTP(args)
}

// loadtest lmtp --addr HOST:PORT --rcpt ADDR --conns 1,8,32 --messages N
// --corpus DIR (--store MAILDIR | --maildir DIR): deliver the corpus over
// LMTP at each connection count and print one line per count: messages
// per second counted until all acknowledged messages are visible in the
// store, latency per transaction, and whether each acknowledged message was
// stored exactly once. The exit status is 1 when a check failed.
func (c *command) loadtestLMTP(args []string) error {
	set := c.flags("loadtest lmtp")
	addr := set.String("addr", "", "LMTP server HOST:PORT")
	rcpt := set.String("rcpt", "", "recipient of every message")
	connList := set.String("conns", "1,8,32", "connection counts, comma-separated")
	messages := set.Int("messages", 300, "messages per connection count")
	corpusDir := set.String("corpus", "", "directory of *.eml files")
	store := set.String("store", "", "our user's store directory (holding exmdb/exchange.sqlite3)")
	maildir := set.String("maildir", "", "a maildir INBOX (holding new/ and cur/), as Dovecot's")
	timeout := set.Duration("timeout", time.Minute, "how long to wait for acknowledged messages to become visible")
	pos, err := parse(set, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "lmtp" {
		return usageError(loadtestUsage)
	}
	if *addr == "" || *rcpt == "" || *corpusDir == "" || (*store == "") == (*maildir == "") || *messages < 1 {
		return usageError(lmtpUsage)
	}
	counts, err := parseCounts(*connList, "connection")
	if err != nil {
		return err
	}
	corpus, err := readCorpus(*corpusDir)
	if err != nil {
		return err
	}
	var counter loadgen.VisibleCounter = loadgen.StoreCounter{Maildir: *store}
	if *maildir != "" {
		counter = loadgen.MaildirCounter{Dir: *maildir}
	}
	ctx := context.Background()
	failed := false
	for _, n := range counts {
		res, ids, runErr := loadgen.RunLMTP(ctx, *addr, *rcpt, corpus, n, *messages)
		wait, found, dup, err := loadgen.WaitVisible(ctx, counter, ids, *timeout)
		if err != nil {
			return fmt.Errorf("loadtest: counting stored messages: %w", err)
		}
		check := "ok"
		if found != len(ids) || dup != 0 {
			check = "FAIL"
			failed = true
		}
		fmt.Fprintf(c.stdout, "conns=%d messages=%d acked=%d refused=%d msgs/s=%.1f p50=%s p99=%s exactly-once=%s stored=%d/%d duplicates=%d\n",
			n, res.Sent, res.Acked, res.Refused, res.VisibleRate(wait),
			res.P50.Round(10*time.Microsecond), res.P99.Round(10*time.Microsecond),
			check, found, len(ids), dup)
		if runErr != nil {
			fmt.Fprintln(c.stderr, "gromox: loadtest:", runErr)
			failed = true
		}
	}
	if failed {
		return &exitError{code: 1, err: fmt.Errorf("loadtest: a run failed or a message was not stored exactly once")}
	}
	return nil
}

// parseCounts parses a comma-separated list of positive counts of what.
func parseCounts(list, what string) ([]int, error) {
	var counts []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, usageError("loadtest: bad %s count %q", what, s)
		}
		counts = append(counts, n)
	}
	return counts, nil
}

// loadtest mapi --users PATTERN --user-count N --password P --sessions
// 10,200,1000 ...: at each session count in turn, simulated Outlook
// sessions against the server (loadgen.RunMAPI), spread round-robin over
// the users PATTERN names (its %d counts from 1 to N), and one line per
// count: sessions established, failed and sustained, Executes and ROPs per
// second and Execute latency of the steady phase, the setup's latency,
// notifications, and with --admin the server's memory per idle session;
// with --json also a JSON object per count. Many sessions need many file
// descriptors: Go raises the soft limit to the hard one, `ulimit -n` sets
// that. The exit status is 1 when a session failed or a request failed.
func (c *command) loadtestMAPI(args []string) error {
	set := c.flags("loadtest mapi")
	base := set.String("url", "http://127.0.0.1:8080", "the server's HTTP front")
	pattern := set.String("users", "", "user names, %d numbering them from 1 (load%d@example.org)")
	userCount := set.Int("user-count", 1, "how many users the pattern names")
	password := set.String("password", "", "password of every user")
	sessionList := set.String("sessions", "10,200,1000", "session counts, comma-separated, one run each")
	think := set.Duration("think", 30*time.Second, "mean pause between user actions of a session (jittered ±50%)")
	ramp := set.Duration("ramp", 10*time.Second, "time over which the sessions start")
	duration := set.Duration("duration", time.Minute, "steady phase, once every session is set up")
	deliverRate := set.Float64("deliver-rate", 0, "messages per second delivered over LMTP to random users")
	lmtpAddr := set.String("lmtp", "", "LMTP server HOST:PORT for --deliver-rate")
	admin := set.String("admin", "", "the server's admin listener (http://127.0.0.1:9411) for memory figures")
	timeout := set.Duration("timeout", time.Minute, "bound on one request")
	asJSON := set.Bool("json", false, "also print a JSON object per session count")
	pos, err := parse(set, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *pattern == "" || *userCount < 1 || (*deliverRate > 0 && *lmtpAddr == "") {
		return usageError(mapiUsage)
	}
	counts, err := parseCounts(*sessionList, "session")
	if err != nil {
		return err
	}
	users := []string{*pattern}
	if strings.Contains(*pattern, "%d") {
		users = users[:0]
		for i := 1; i <= *userCount; i++ {
			users = append(users, fmt.Sprintf(*pattern, i))
		}
	} else if *userCount != 1 {
		return usageError("loadtest: --users %q has no %%d for --user-count %d", *pattern, *userCount)
	}
	ctx := context.Background()
	failed := false
	for _, n := range counts {
		res, err := loadgen.RunMAPI(ctx, loadgen.MAPIOptions{
			BaseURL: *base, Users: users, Password: *password, Sessions: n,
			Think: *think, Ramp: *ramp, Duration: *duration,
			DeliverRate: *deliverRate, LMTPAddr: *lmtpAddr, AdminURL: *admin, Timeout: *timeout,
		})
		if res == nil {
			return err
		}
		c.printMAPIResult(res)
		if *asJSON {
			b, jerr := json.Marshal(res)
			if jerr != nil {
				return jerr
			}
			fmt.Fprintf(c.stdout, "%s\n", b)
		}
		if err != nil {
			fmt.Fprintln(c.stderr, "gromox: loadtest:", err)
			failed = true
		}
	}
	if failed {
		return &exitError{code: 1, err: fmt.Errorf("loadtest: a session or a request failed")}
	}
	return nil
}

// printMAPIResult writes the line of one session count and a line per
// kind of error.
func (c *command) printMAPIResult(res *loadgen.MAPIResult) {
	lat := func(prefix string, l loadgen.Latency) string {
		r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
		return fmt.Sprintf("%sp50=%s %sp99=%s %smax=%s", prefix, r(l.P50), prefix, r(l.P99), prefix, r(l.Max))
	}
	mem := "mem/session=-"
	if m := res.Memory; m != nil {
		mem = fmt.Sprintf("mem/session=heap:%s", sizeOf(m.HeapPerSession))
		if m.LivePerSession != 0 {
			mem += ",live:" + sizeOf(m.LivePerSession)
		}
		if m.RSSPerSession != 0 {
			mem += ",rss:" + sizeOf(m.RSSPerSession)
		}
	}
	fmt.Fprintf(c.stdout, "sessions=%d established=%d failed=%d sustained=%d set-up=%.1fs steady=%.1fs execs/s=%.1f rops/s=%.1f %s"+
		" setup-execs=%d %s actions=%d notifications=%d delivered=%d %s errors=%d\n",
		res.Sessions, res.Established, res.Failed, res.Sustained, res.SetUpTime.Seconds(), res.Steady.Seconds(), res.ExecutesPerSec, res.ROPsPerSec, lat("", res.Latency),
		res.Setup.Count, lat("setup-", res.Setup), res.Actions, res.Notifications, res.Delivered, mem, res.ErrorCount())
	kinds := make([]string, 0, len(res.Errors))
	for k := range res.Errors {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(c.stdout, "  error x%d: %s\n", res.Errors[k], k)
	}
}

// sizeOf formats a byte count (possibly negative) in KiB or MiB.
func sizeOf(b float64) string {
	if b >= 1<<20 || b <= -(1<<20) {
		return fmt.Sprintf("%.1fMiB", b/(1<<20))
	}
	return fmt.Sprintf("%.1fKiB", b/(1<<10))
}

// readCorpus reads DIR/*.eml in name order.
func readCorpus(dir string) ([][]byte, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var corpus [][]byte
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("loadtest: corpus: %w", err)
		}
		corpus = append(corpus, b)
	}
	if len(corpus) == 0 {
		return nil, fmt.Errorf("loadtest: no *.eml in %s", dir)
	}
	return corpus, nil
}
