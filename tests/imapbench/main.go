// Command imapbench measures an IMAP and POP3 server the way clients use
// it, over TCP with TCP_NODELAY, and prints one line per row and
// concurrency: operations per second, messages per second, MB/s and the
// latency p50/p99 of one operation.
//
//	imapbench -addr 127.0.0.1:1143 -pop3 127.0.0.1:1110 -user bench@gromox.test -password x -pid 1234
//
// Rows, in the order they run:
//
//	fill                 APPEND into -mailbox until it holds -messages (not a comparison row
//	                     when the folder was full already: ops=0)
//	append               APPEND of -append messages into a fresh folder, one op per message
//	select               connect + LOGIN + SELECT of -mailbox (+ LOGOUT outside the latency)
//	fetch-envelope       UID FETCH 1:* (UID FLAGS ENVELOPE)
//	fetch-body           UID FETCH 1:* (UID BODY.PEEK[])
//	fetch-bodystructure  UID FETCH 1:* (UID BODYSTRUCTURE)
//	search               UID SEARCH BODY <-search>
//	store                UID STORE 1:* +FLAGS (\Flagged), undone unmeasured after each
//	pop3-retr            POP3 USER/PASS, RETR of every message, -passes times
//	idle                 -idle-sessions logged-in sessions in IDLE on -mailbox; server memory
//	                     (RSS and PSS of -pid and its children) before and with them open
//
// The APPEND and FETCH rows speak through a lean client (lean.go): it
// sends each APPEND in one write (a LITERAL+ literal) and checks the
// APPENDUID of its completion, and it checks each FETCH response is whole
// and carries the item, without building Go values of it. go-imap's
// client spent more per FETCH response (7 to 11 µs) than either server,
// so those rows measured the client; -go-imap has go-imap's client do
// them instead. The POP3 row reads its lines from a buffered reader for
// the same reason, and the APPEND rows' messages are made before the row
// starts.
//
// Messages are generated (plain, alternative and with attachments, one in
// 20 holding the default search term, so the hit count is checked) or taken
// from -corpus. Each line is key=value pairs; a row that failed prints
// "row=NAME conc=N error=..." on standard error, the other rows still run,
// and the exit status is 1.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

var allRows = []string{"fill", "append", "select", "fetch-envelope", "fetch-body", "fetch-bodystructure", "search", "store", "pop3-retr", "idle"}

func main() {
	t := &Target{}
	flag.StringVar(&t.Addr, "addr", "127.0.0.1:1143", "IMAP server HOST:PORT")
	flag.StringVar(&t.POP3Addr, "pop3", "", "POP3 server HOST:PORT (the pop3-retr row is skipped without it)")
	flag.StringVar(&t.User, "user", "", "login name")
	flag.StringVar(&t.Password, "password", "", "password")
	flag.DurationVar(&t.Timeout, "timeout", 2*time.Minute, "longest wait for one server read")
	rowList := flag.String("rows", strings.Join(allRows, ","), "rows to run, comma-separated")
	concList := flag.String("conc", "1", "parallel clients, comma-separated: every row runs at each")
	mailbox := flag.String("mailbox", "INBOX", "the folder the read rows work on")
	messages := flag.Int("messages", 2000, "messages -mailbox is filled up to")
	appendN := flag.Int("append", 500, "messages the append row appends")
	appendBox := flag.String("append-mailbox", "imapbench-append", "scratch folder of the append row (created and deleted)")
	selects := flag.Int("selects", 200, "connect+LOGIN+SELECT operations of the select row")
	repeat := flag.Int("repeat", 10, "FETCH/STORE/SEARCH commands per client")
	passes := flag.Int("passes", 1, "times the pop3-retr row reads the whole maildrop")
	search := flag.String("search", Needle, "SEARCH BODY term")
	corpus := flag.String("corpus", "", "directory of *.eml to append instead of generated messages")
	maxSize := flag.Int("max-size", 1<<20, "corpus files larger than this are left out")
	idleN := flag.Int("idle-sessions", 10000, "sessions of the idle row")
	dialers := flag.Int("idle-dialers", 50, "sessions the idle row opens at a time")
	pid := flag.Int("pid", 0, "server process id, for the idle row's memory reading")
	settle := flag.Duration("settle", 3*time.Second, "wait before each memory reading")
	flag.BoolVar(&t.GoIMAP, "go-imap", false, "the APPEND and FETCH rows use go-imap's client instead of the lean one")
	localAddrs := flag.Int("local-addrs", 8, "spread connections to a loopback server over 127.0.0.1..127.0.0.N")
	flag.Parse()
	if t.User == "" || t.Password == "" {
		fmt.Fprintln(os.Stderr, "imapbench: -user and -password are required")
		flag.Usage()
		os.Exit(2)
	}
	want := map[string]bool{}
	for _, r := range strings.Split(*rowList, ",") {
		r = strings.TrimSpace(r)
		if !contains(allRows, r) {
			fmt.Fprintf(os.Stderr, "imapbench: unknown row %q (rows: %s)\n", r, strings.Join(allRows, ","))
			os.Exit(2)
		}
		want[r] = true
	}
	var concs []int
	for _, s := range strings.Split(*concList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "imapbench: bad concurrency %q\n", s)
			os.Exit(2)
		}
		concs = append(concs, n)
	}
	if host, _, err := net.SplitHostPort(t.Addr); err == nil && *localAddrs > 1 {
		if ip := net.ParseIP(host); ip != nil && ip.Equal(net.IPv4(127, 0, 0, 1)) {
			for i := 1; i <= *localAddrs; i++ {
				t.LocalAddrs = append(t.LocalAddrs, net.IPv4(127, 0, 0, byte(i)))
			}
		}
	}
	if want["idle"] {
		// Two descriptors' worth per session would do; leave room.
		if got, err := raiseFileLimit(uint64(*idleN)*2 + 1024); err != nil || got < uint64(*idleN)+256 {
			fmt.Fprintf(os.Stderr, "imapbench: RLIMIT_NOFILE %d (%v) is too low for %d sessions\n", got, err, *idleN)
		}
	}
	runID := make([]byte, 4)
	rand.Read(runID)
	ms, err := NewMessageSet(*corpus, *maxSize, hex.EncodeToString(runID))
	if err != nil {
		fmt.Fprintln(os.Stderr, "imapbench:", err)
		os.Exit(2)
	}
	expected := -1
	if *search == Needle {
		expected = ms.ExpectedHits(*messages)
	}

	ctx := context.Background()
	failed := false
	report := func(res Result, err error) {
		if err != nil {
			failed = true
			fmt.Fprintf(os.Stderr, "row=%s conc=%d error=%q\n", res.Row, res.Conc, err.Error())
			if res.Ops == 0 {
				return
			}
		}
		fmt.Println(res)
	}
	if want["fill"] {
		res, err := fill(ctx, t, ms, *mailbox, *messages, concs[0])
		res.Row = "fill"
		report(res, err)
		if have, _ := count(ctx, t, *mailbox); have != *messages {
			fmt.Fprintf(os.Stderr, "imapbench: %s holds %d messages, not %d: search hits are not checked\n", *mailbox, have, *messages)
			expected = -1
		}
	}
	for _, conc := range concs {
		if want["append"] {
			res, err := appendScratch(ctx, t, ms, *appendBox, *appendN, conc)
			res.Row, res.Conc = "append", conc
			report(res, err)
		}
		if want["select"] {
			report(selectRow(ctx, t, *mailbox, *selects, conc))
		}
		for _, k := range []fetchKind{fetchEnvelope, fetchBody, fetchBodyStructure} {
			if want[fetchRowNames[k]] {
				report(fetchRow(ctx, t, *mailbox, k, *repeat, conc))
			}
		}
		if want["search"] {
			report(searchRow(ctx, t, *mailbox, *search, expected, *repeat, conc))
		}
		if want["store"] {
			report(storeRow(ctx, t, *mailbox, *repeat, conc))
		}
		if want["pop3-retr"] && t.POP3Addr != "" {
			report(pop3Row(ctx, t, *passes, conc))
		}
	}
	if want["idle"] {
		report(idleRow(ctx, t, *mailbox, *idleN, *dialers, *pid, *settle))
	}
	if failed {
		os.Exit(1)
	}
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
