// Package loadgen drives a mail server with a fixed corpus and measures
// what a client would see: how many messages per second are accepted and
// become visible in the store, and whether each accepted message was stored
// exactly once.
//
// Invariants: every delivered copy carries a Message-ID unique to its run
// (RunLMTP rewrites the header), so a store can be checked by Message-ID; a
// message counts as acknowledged only on its 250 reply (RFC 2033 4.2), and
// a rate is taken over the time until the last acknowledged message is
// visible, not until the last reply.
package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
	_ "modernc.org/sqlite" // registers "sqlite"
)

// LMTPResult is what one RunLMTP saw: of Sent transactions (begun), Acked
// got a 250, Refused a 4xx/5xx reply at MAIL, RCPT or DATA.
// Elapsed runs from the first connection to the last reply; MsgsPerSec is
// Acked over Elapsed. P50 and P99 are per transaction, MAIL to final reply.
type LMTPResult struct {
	Conns, Sent, Acked, Refused int
	Elapsed                     time.Duration
	MsgsPerSec                  float64
	P50, P99                    time.Duration
}

// VisibleRate is the rate counting a message only once it is visible: Acked
// over Elapsed plus the wait, after the last reply, until all were visible.
func (r LMTPResult) VisibleRate(wait time.Duration) float64 {
	return Rate(r.Acked, r.Elapsed+wait)
}

// Rate is n per second over d, 0 for an empty duration.
func Rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// Sender is the envelope sender of every transaction.
const Sender = "loadgen@loadgen.invalid"

// RunLMTP delivers total messages over conns parallel LMTP connections to
// addr, one recipient (rcpt) and one transaction at a time per connection;
// message i is corpus[i%len(corpus)] with a fresh Message-ID. It returns
// the Message-IDs (without angle brackets) that got a 250. A connection
// that fails stops; its error is returned beside the results of the rest.
func RunLMTP(ctx context.Context, addr string, rcpt string, corpus [][]byte, conns int, total int) (LMTPResult, []string, error) {
	res := LMTPResult{Conns: conns}
	if len(corpus) == 0 {
		return res, nil, errors.New("loadgen: empty corpus")
	}
	if conns < 1 {
		return res, nil, fmt.Errorf("loadgen: %d connections", conns)
	}
	run := make([]byte, 6)
	rand.Read(run)
	runID := hex.EncodeToString(run)

	var (
		next    atomic.Int64
		mu      sync.Mutex
		acked   []string
		lat     []time.Duration
		errs    []error
		wg      sync.WaitGroup
		sent    atomic.Int64
		refused atomic.Int64
	)
	start := time.Now()
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []string
			var myLat []time.Duration
			err := func() error {
				c, err := dialLMTP(ctx, addr)
				if err != nil {
					return err
				}
				defer c.Close()
				for {
					i := int(next.Add(1) - 1)
					if i >= total || ctx.Err() != nil {
						c.Quit()
						return nil
					}
					id := fmt.Sprintf("loadgen-%s-%d@loadgen.invalid", runID, i)
					msg := WithMessageID(corpus[i%len(corpus)], id)
					t0 := time.Now()
					sent.Add(1)
					err := deliver(c, rcpt, msg)
					var se *smtp.SMTPError
					var le smtp.LMTPDataError
					switch {
					case err == nil:
						mine = append(mine, id)
						myLat = append(myLat, time.Since(t0))
					case errors.As(err, &se) || errors.As(err, &le):
						refused.Add(1)
						if err := c.Reset(); err != nil {
							return fmt.Errorf("loadgen: RSET after refusal: %w", err)
						}
					default:
						return fmt.Errorf("loadgen: message %d: %w", i, err)
					}
				}
			}()
			mu.Lock()
			acked = append(acked, mine...)
			lat = append(lat, myLat...)
			if err != nil {
				errs = append(errs, err)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Sent = int(sent.Load())
	res.Refused = int(refused.Load())
	res.Acked = len(acked)
	res.MsgsPerSec = Rate(res.Acked, res.Elapsed)
	res.P50, res.P99 = Percentile(lat, 50), Percentile(lat, 99)
	return res, acked, errors.Join(errs...)
}

// Percentile is the p-th percentile (nearest rank) of ds, 0 when empty.
func Percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

// WithMessageID returns msg with its Message-ID header fields (and their
// continuation lines) removed and "Message-ID: <id>" put first. Line ends
// are kept as they are (CRLF or bare LF).
func WithMessageID(msg []byte, id string) []byte {
	nl := "\r\n"
	if i := bytes.IndexByte(msg, '\n'); i >= 0 && (i == 0 || msg[i-1] != '\r') {
		nl = "\n"
	}
	out := make([]byte, 0, len(msg)+len(id)+16)
	out = append(out, "Message-ID: <"+id+">"+nl...)
	rest := msg
	dropping := false
	for len(rest) > 0 {
		end := bytes.IndexByte(rest, '\n') + 1
		if end == 0 {
			end = len(rest)
		}
		line := rest[:end]
		rest = rest[end:]
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			out = append(out, line...)
			out = append(out, rest...)
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if !dropping {
				out = append(out, line...)
			}
			continue
		}
		name, _, _ := bytes.Cut(line, []byte(":"))
		dropping = strings.EqualFold(strings.TrimSpace(string(name)), "Message-ID")
		if !dropping {
			out = append(out, line...)
		}
	}
	return out
}

// normID strips white space and angle brackets from a Message-ID.
func normID(s string) string {
	return strings.Trim(strings.TrimSpace(s), "<>")
}

// VisibleCounter reports how many of ids are visible in a store (found)
// and how many extra copies of them it holds (duplicates).
type VisibleCounter interface {
	Count(ids []string) (found, duplicates int, err error)
}

// tally counts ids against the stored Message-IDs.
func tally(ids []string, stored map[string]int) (found, duplicates int) {
	for _, id := range ids {
		if n := stored[normID(id)]; n > 0 {
			found++
			duplicates += n - 1
		}
	}
	return found, duplicates
}

// StoreCounter counts messages in the Inbox of one of our private stores
// (Maildir is the user's directory, holding exmdb/exchange.sqlite3) by
// PR_INTERNET_MESSAGE_ID. It only reads, so it may run beside the server.
type StoreCounter struct {
	Maildir string
}

const (
	inboxFID             = 13
	prInternetMessageIDW = 0x1035001F
)

// Count implements VisibleCounter.
func (s StoreCounter) Count(ids []string) (int, int, error) {
	path := filepath.Join(s.Maildir, "exmdb", "exchange.sqlite3")
	if _, err := os.Stat(path); err != nil {
		return 0, 0, fmt.Errorf("loadgen: store: %w", err)
	}
	q := url.Values{}
	q.Add("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return 0, 0, fmt.Errorf("loadgen: store: %w", err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT p.propval FROM messages m JOIN message_properties p ON p.message_id = m.message_id"+
		" WHERE m.parent_fid = ? AND p.proptag = ?", inboxFID, prInternetMessageIDW)
	if err != nil {
		return 0, 0, fmt.Errorf("loadgen: store: %w", err)
	}
	defer rows.Close()
	stored := map[string]int{}
	for rows.Next() {
		var v []byte
		if err := rows.Scan(&v); err != nil {
			return 0, 0, fmt.Errorf("loadgen: store: %w", err)
		}
		stored[normID(string(v))]++
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("loadgen: store: %w", err)
	}
	found, dup := tally(ids, stored)
	return found, dup, nil
}

// MaildirCounter counts messages in a maildir (Dir holds new/ and cur/, as
// Dovecot's INBOX) by the Message-ID header of each file.
type MaildirCounter struct {
	Dir string
}

// Count implements VisibleCounter.
func (m MaildirCounter) Count(ids []string) (int, int, error) {
	stored := map[string]int{}
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(m.Dir, sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, 0, fmt.Errorf("loadgen: maildir: %w", err)
		}
		for _, e := range ents {
			if !e.Type().IsRegular() {
				continue
			}
			id, err := headerMessageID(filepath.Join(m.Dir, sub, e.Name()))
			if errors.Is(err, os.ErrNotExist) {
				continue // moved from new/ to cur/ meanwhile
			}
			if err != nil {
				return 0, 0, fmt.Errorf("loadgen: maildir: %w", err)
			}
			if id != "" {
				stored[id]++
			}
		}
	}
	found, dup := tally(ids, stored)
	return found, dup, nil
}

// headerMessageID reads the (unfolded, normalized) Message-ID of the
// message in file path, "" when it has none.
func headerMessageID(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var cur string
	inID := false
	for {
		line, err := br.ReadString('\n')
		t := strings.TrimRight(line, "\r\n")
		switch {
		case t == "":
			if inID {
				return normID(cur), nil
			}
			return "", nil
		case t[0] == ' ' || t[0] == '\t':
			if inID {
				cur += strings.TrimSpace(t)
			}
		default:
			if inID {
				return normID(cur), nil
			}
			name, val, _ := strings.Cut(t, ":")
			if strings.EqualFold(strings.TrimSpace(name), "Message-ID") {
				inID, cur = true, strings.TrimSpace(val)
			}
		}
		if err == io.EOF {
			if inID {
				return normID(cur), nil
			}
			return "", nil
		}
		if err != nil {
			return "", err
		}
	}
}

// WaitVisible polls counter until every one of ids is visible, or timeout
// passes, or ctx ends. It returns the time waited and the last count; a
// timeout is not an error (found < len(ids) says it).
func WaitVisible(ctx context.Context, counter VisibleCounter, ids []string, timeout time.Duration) (elapsed time.Duration, found, dup int, err error) {
	start := time.Now()
	deadline := start.Add(timeout)
	for {
		found, dup, err = counter.Count(ids)
		elapsed = time.Since(start)
		if err != nil || found >= len(ids) || time.Now().After(deadline) {
			return elapsed, found, dup, err
		}
		select {
		case <-ctx.Done():
			return elapsed, found, dup, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
