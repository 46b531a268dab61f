package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gromox-go/gromox/tests/loadgen"
)

// loadtest lmtp --addr HOST:PORT --rcpt ADDR --conns 1,8,32 --messages N
// --corpus DIR (--store MAILDIR | --maildir DIR): deliver the corpus over
// LMTP at each connection count and print one line per count: messages
// per second counted until all acknowledged messages are visible in the
// store, latency per transaction, and whether each acknowledged message was
// stored exactly once. The exit status is 1 when a check failed.
func (c *command) loadtest(args []string) error {
	set := c.flags("loadtest")
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
	const use = "usage: gromox loadtest lmtp --addr HOST:PORT --rcpt ADDR [--conns 1,8,32] [--messages N] --corpus DIR (--store MAILDIR | --maildir DIR)"
	if len(pos) != 1 || pos[0] != "lmtp" || *addr == "" || *rcpt == "" || *corpusDir == "" || (*store == "") == (*maildir == "") || *messages < 1 {
		return usageError(use)
	}
	var counts []int
	for _, s := range strings.Split(*connList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return usageError("loadtest: bad connection count %q", s)
		}
		counts = append(counts, n)
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
