package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// all is UID 1:*.
var all = imap.UIDSet{{Start: 1, Stop: 0}}

// appendMessage APPENDs one message (RFC 9051 6.3.12) with its internal
// date and \Seen when it has it.
func appendMessage(c *imapclient.Client, mailbox string, m Message) error {
	opt := &imap.AppendOptions{Time: m.Date}
	if m.Seen {
		opt.Flags = []imap.Flag{imap.FlagSeen}
	}
	cmd := c.Append(mailbox, int64(len(m.Raw)), opt)
	if _, err := cmd.Write(m.Raw); err != nil {
		cmd.Close()
		return err
	}
	if err := cmd.Close(); err != nil {
		return err
	}
	_, err := cmd.Wait()
	return err
}

// appendRow appends messages first..first+n-1 of the set to mailbox over
// conc sessions, one operation per message, with the lean client (or
// go-imap's with t.GoIMAP).
//
// The messages are made before the row starts: generating one takes the
// client about 130 µs, which would count in every APPEND's latency.
func appendRow(ctx context.Context, t *Target, ms *MessageSet, row, mailbox string, first, n, conc int) (Result, error) {
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = ms.Get(mailbox, first+i)
	}
	if !t.GoIMAP {
		return run(ctx, row, conc, n, Worker[*leanConn]{
			Open: func(ctx context.Context, w *Wire) (*leanConn, error) { return t.leanLogin(ctx, w, "") },
			Op: func(ctx context.Context, c *leanConn, i int) (int, int64, error) {
				return 1, int64(len(msgs[i].Raw)), c.append(mailbox, msgs[i])
			},
			Close: (*leanConn).logout,
		})
	}
	return run(ctx, row, conc, n, Worker[*imapclient.Client]{
		Open: func(ctx context.Context, w *Wire) (*imapclient.Client, error) { return t.Login(ctx, w, "") },
		Op: func(ctx context.Context, c *imapclient.Client, i int) (int, int64, error) {
			return 1, int64(len(msgs[i].Raw)), appendMessage(c, mailbox, msgs[i])
		},
		Close: logout,
	})
}

// count is how many messages mailbox holds (STATUS MESSAGES).
func count(ctx context.Context, t *Target, mailbox string) (int, error) {
	c, err := t.Login(ctx, nil, "")
	if err != nil {
		return 0, err
	}
	defer logout(c)
	st, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		return 0, fmt.Errorf("STATUS %s: %w", mailbox, err)
	}
	if st.NumMessages == nil {
		return 0, fmt.Errorf("STATUS %s: no MESSAGES", mailbox)
	}
	return int(*st.NumMessages), nil
}

// fill appends messages to mailbox until it holds at least n; the result
// has Ops 0 when nothing was missing.
func fill(ctx context.Context, t *Target, ms *MessageSet, mailbox string, n, conc int) (Result, error) {
	have, err := count(ctx, t, mailbox)
	if err != nil {
		return Result{}, err
	}
	res, err := appendRow(ctx, t, ms, "fill", mailbox, have, max(0, n-have), conc)
	res.Extra = fmt.Sprintf("had=%d want=%d", have, n)
	return res, err
}

// appendScratch is the APPEND row: a fresh mailbox, n messages appended
// into it, then the mailbox deleted again.
func appendScratch(ctx context.Context, t *Target, ms *MessageSet, mailbox string, n, conc int) (Result, error) {
	c, err := t.Login(ctx, nil, "")
	if err != nil {
		return Result{}, err
	}
	defer logout(c)
	c.Delete(mailbox).Wait() // a leftover of an interrupted run; absent is fine
	if err := c.Create(mailbox, nil).Wait(); err != nil {
		return Result{}, fmt.Errorf("CREATE %s: %w", mailbox, err)
	}
	res, err := appendRow(ctx, t, ms, "append", mailbox, 0, n, conc)
	if derr := c.Delete(mailbox).Wait(); derr != nil {
		err = errors.Join(err, fmt.Errorf("DELETE %s: %w", mailbox, derr))
	}
	return res, err
}

// selectRow is connect + LOGIN + SELECT of mailbox, then LOGOUT, ops times
// over conc parallel clients; the latency runs from dial to the SELECT's
// completion.
func selectRow(ctx context.Context, t *Target, mailbox string, ops, conc int) (Result, error) {
	var want atomic.Int64
	res, err := run(ctx, "select", conc, ops, Worker[*Wire]{
		Open: func(ctx context.Context, w *Wire) (*Wire, error) { return w, nil },
		Op: func(ctx context.Context, w *Wire, i int) (int, int64, error) {
			conn, err := t.dial(ctx, t.Addr, w, false)
			if err != nil {
				return 0, 0, err
			}
			c := imapclient.New(conn, nil)
			defer logout(c)
			if err := c.WaitGreeting(); err != nil {
				return 0, 0, fmt.Errorf("greeting: %w", err)
			}
			if err := c.Login(t.User, t.Password).Wait(); err != nil {
				return 0, 0, fmt.Errorf("LOGIN: %w", err)
			}
			sd, err := c.Select(mailbox, nil).Wait()
			if err != nil {
				return 0, 0, fmt.Errorf("SELECT: %w", err)
			}
			want.Store(int64(sd.NumMessages))
			return int(sd.NumMessages), 0, nil
		},
	})
	res.Extra = fmt.Sprintf("exists=%d", want.Load())
	return res, err
}

// fetchKind is what a FETCH row asks for.
type fetchKind int

const (
	fetchEnvelope fetchKind = iota
	fetchBody
	fetchBodyStructure
)

var fetchRowNames = map[fetchKind]string{
	fetchEnvelope:      "fetch-envelope",
	fetchBody:          "fetch-body",
	fetchBodyStructure: "fetch-bodystructure",
}

// leanItems are the items of each kind as the lean client asks for them,
// and the name each response must carry.
var leanItems = map[fetchKind][2]string{
	fetchEnvelope:      {"UID FLAGS ENVELOPE", "ENVELOPE ("},
	fetchBody:          {"UID BODY.PEEK[]", "BODY[] "},
	fetchBodyStructure: {"UID BODYSTRUCTURE", "BODYSTRUCTURE ("},
}

// fetchRow is UID FETCH 1:* of one kind of item on the selected mailbox,
// repeat times per client; msgs counts the FETCH responses, payload the
// BODY[] literal bytes. The lean client reads the responses (see
// lean.go); with t.GoIMAP, go-imap's client parses them.
func fetchRow(ctx context.Context, t *Target, mailbox string, kind fetchKind, repeat, conc int) (Result, error) {
	if !t.GoIMAP {
		return leanFetchRow(ctx, t, mailbox, kind, repeat, conc)
	}
	opt := &imap.FetchOptions{UID: true}
	switch kind {
	case fetchEnvelope:
		opt.Flags, opt.Envelope = true, true
	case fetchBody:
		opt.BodySection = []*imap.FetchItemBodySection{{Peek: true}}
	case fetchBodyStructure:
		opt.BodyStructure = &imap.FetchItemBodyStructure{Extended: true}
	}
	var msgsPerFetch atomic.Int64
	res, err := run(ctx, fetchRowNames[kind], conc, repeat*conc, Worker[*imapclient.Client]{
		Open:  func(ctx context.Context, w *Wire) (*imapclient.Client, error) { return t.Login(ctx, w, mailbox) },
		Close: logout,
		Op: func(ctx context.Context, c *imapclient.Client, i int) (int, int64, error) {
			cmd := c.Fetch(all, opt)
			n, payload, missing := 0, int64(0), 0
			for {
				m := cmd.Next()
				if m == nil {
					break
				}
				n++
				got := false
				for item := m.Next(); item != nil; item = m.Next() {
					switch it := item.(type) {
					case imapclient.FetchItemDataBodySection:
						if it.Literal != nil {
							k, err := io.Copy(io.Discard, it.Literal)
							if err != nil {
								cmd.Close()
								return n, payload, err
							}
							payload += k
						}
						got = kind == fetchBody
					case imapclient.FetchItemDataEnvelope:
						got = kind == fetchEnvelope && it.Envelope != nil
					case imapclient.FetchItemDataBodyStructure:
						got = kind == fetchBodyStructure && it.BodyStructure != nil
					}
				}
				if !got {
					missing++
				}
			}
			if err := cmd.Close(); err != nil {
				return n, payload, err
			}
			if missing > 0 {
				return n, payload, fmt.Errorf("%d of %d FETCH responses lack the item asked for", missing, n)
			}
			msgsPerFetch.Store(int64(n))
			return n, payload, nil
		},
	})
	res.Extra = fmt.Sprintf("msgs/fetch=%d client=go-imap", msgsPerFetch.Load())
	return res, err
}

// leanFetchRow is fetchRow with the lean client.
func leanFetchRow(ctx context.Context, t *Target, mailbox string, kind fetchKind, repeat, conc int) (Result, error) {
	items := leanItems[kind]
	var msgsPerFetch atomic.Int64
	res, err := run(ctx, fetchRowNames[kind], conc, repeat*conc, Worker[*leanConn]{
		Open:  func(ctx context.Context, w *Wire) (*leanConn, error) { return t.leanLogin(ctx, w, mailbox) },
		Close: (*leanConn).logout,
		Op: func(ctx context.Context, c *leanConn, i int) (int, int64, error) {
			n, payload, missing, err := c.fetch(items[0], items[1])
			if kind != fetchBody {
				payload = 0 // literals in an ENVELOPE are not message bytes
			}
			if err != nil {
				return n, payload, err
			}
			if missing > 0 {
				return n, payload, fmt.Errorf("%d of %d FETCH responses lack %q or are not whole", missing, n, items[1])
			}
			if n != c.exists {
				return n, payload, fmt.Errorf("%d FETCH responses for %d messages", n, c.exists)
			}
			msgsPerFetch.Store(int64(n))
			return n, payload, nil
		},
	})
	res.Extra = fmt.Sprintf("msgs/fetch=%d client=lean", msgsPerFetch.Load())
	return res, err
}

// storeRow is UID STORE 1:* +FLAGS (\Flagged) (not silent: the server
// answers a FETCH FLAGS per message), repeat times per client; after each,
// outside the measured time, UID STORE 1:* -FLAGS.SILENT (\Flagged) puts
// the folder back, so every measured STORE changes every message (with
// one client; with more, their STOREs interleave).
func storeRow(ctx context.Context, t *Target, mailbox string, repeat, conc int) (Result, error) {
	var perStore atomic.Int64
	res, err := run(ctx, "store", conc, repeat*conc, Worker[*imapclient.Client]{
		Open:  func(ctx context.Context, w *Wire) (*imapclient.Client, error) { return t.Login(ctx, w, mailbox) },
		Close: logout,
		Op: func(ctx context.Context, c *imapclient.Client, i int) (int, int64, error) {
			cmd := c.Store(all, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagFlagged}}, nil)
			n, unflagged := 0, 0
			for {
				m := cmd.Next()
				if m == nil {
					break
				}
				n++
				b, err := m.Collect()
				if err != nil {
					cmd.Close()
					return n, 0, err
				}
				if !hasFlag(b.Flags, imap.FlagFlagged) {
					unflagged++
				}
			}
			if err := cmd.Close(); err != nil {
				return n, 0, err
			}
			// With several clients, another one's -FLAGS may come in
			// between (as unsolicited FETCH FLAGS): check alone only.
			if unflagged > 0 && conc == 1 {
				return n, 0, fmt.Errorf("%d of %d FETCH responses after +FLAGS lack \\Flagged", unflagged, n)
			}
			perStore.Store(int64(n))
			return n, 0, nil
		},
		After: func(ctx context.Context, c *imapclient.Client, i int) error {
			return c.Store(all, &imap.StoreFlags{Op: imap.StoreFlagsDel, Silent: true, Flags: []imap.Flag{imap.FlagFlagged}}, nil).Close()
		},
	})
	res.Extra = fmt.Sprintf("fetch-responses/store=%d", perStore.Load())
	return res, err
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, g := range flags {
		if strings.EqualFold(string(g), string(f)) {
			return true
		}
	}
	return false
}

// searchRow is UID SEARCH BODY term, repeat times per client; hits is the
// number of UIDs found (and expected, when the messages were generated).
func searchRow(ctx context.Context, t *Target, mailbox, term string, expected, repeat, conc int) (Result, error) {
	var hits atomic.Int64
	res, err := run(ctx, "search", conc, repeat*conc, Worker[*imapclient.Client]{
		Open:  func(ctx context.Context, w *Wire) (*imapclient.Client, error) { return t.Login(ctx, w, mailbox) },
		Close: logout,
		Op: func(ctx context.Context, c *imapclient.Client, i int) (int, int64, error) {
			sd, err := c.UIDSearch(&imap.SearchCriteria{Body: []string{term}}, nil).Wait()
			if err != nil {
				return 0, 0, err
			}
			hits.Store(int64(len(sd.AllUIDs())))
			return 0, 0, nil
		},
	})
	res.Extra = fmt.Sprintf("term=%s hits=%d", term, hits.Load())
	if expected >= 0 {
		res.Extra += fmt.Sprintf(" expected=%d", expected)
		if int(hits.Load()) != expected && err == nil {
			err = fmt.Errorf("search: %d hits for BODY %q, want %d", hits.Load(), term, expected)
		}
	}
	return res, err
}
