package imap

import (
	"sync"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/protocols/imap/imapmsg"
)

// Messages just delivered or appended are fetched soon by the clients
// watching the folder (IDLE, NOOP), ENVELOPE and BODYSTRUCTURE first. Their
// summaries are worked out while the bytes are in memory anyway
// (mailbox.OriginalHook), in the background, and kept by file name until
// the first FETCH of the message moves them into the summary cache: that
// FETCH then does not read and parse the file. The message's UID, the
// summary cache's key, is not known yet when the message is written.

// freshSummaries is the summaries of messages just written, keyed by store
// directory and file name, the oldest dropped beyond freshEntries.
type freshSummaries struct {
	mu    sync.Mutex
	byKey map[freshKey]*summary
	order []freshKey // ring, oldest at next
	next  int
}

type freshKey struct{ dir, mid string }

const (
	// freshEntries bounds the summaries kept (about 1 KiB each).
	freshEntries = 4096
	// freshMaxSize: larger messages are left to their first FETCH.
	freshMaxSize = 1 << 20
	// freshWorkers bounds the summaries worked out at once; a message
	// written while they are all busy is left to its first FETCH.
	freshWorkers = 2
)

var (
	fresh = &freshSummaries{byKey: map[freshKey]*summary{}, order: make([]freshKey, freshEntries)}
	// freshSlots holds a token per summary being worked out.
	freshSlots = make(chan struct{}, freshWorkers)
	// freshHook installs fresh.note as the store's hook, once per
	// process (by the first IMAP server made).
	freshHook sync.Once
)

// note is the mailbox.OriginalHook: it works out the summary of raw in the
// background, on a copy (raw is the store's until its commit).
func (f *freshSummaries) note(dir, mid string, raw []byte) {
	if len(raw) > freshMaxSize || !wireLayout.ok {
		return
	}
	select {
	case freshSlots <- struct{}{}:
	default:
		return
	}
	b := append([]byte(nil), raw...)
	go func() {
		defer func() { <-freshSlots }()
		f.put(freshKey{dir, mid}, summarize(b))
	}()
}

// summarize is everything the summary cache keeps of message raw.
func summarize(raw []byte) *summary {
	msg := imapmsg.Parse(raw)
	s := &summary{size: int64(len(raw)), env: wireEnvelope(msg)}
	s.body, s.bs = wireBodyStructure(msg)
	return s
}

func (f *freshSummaries) put(k freshKey, s *summary) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.byKey[k]; ok {
		return
	}
	delete(f.byKey, f.order[f.next]) // the oldest, unless taken already
	f.order[f.next] = k
	f.next = (f.next + 1) % len(f.order)
	f.byKey[k] = s
}

// take returns and forgets the summary of file mid of the store in dir, or
// nil.
func (f *freshSummaries) take(dir, mid string) *summary {
	if mid == "" {
		return nil
	}
	k := freshKey{dir, mid}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.byKey[k]
	if s != nil {
		delete(f.byKey, k)
	}
	return s
}

// installFreshHook makes the store tell fresh of every message written.
func installFreshHook() {
	freshHook.Do(func() { mailbox.SetOriginalHook(fresh.note) })
}
