package outbound

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/prototest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// clock is a settable time source shared by the submitter and the queue.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// deferredEnv is a submit environment with a deferred-send queue on a
// state file and a clock the test moves.
type deferredEnv struct {
	*submitEnv
	clock *clock
	t0    time.Time
	path  string
	q     *DeferredQueue
	logs  *observer.ObservedLogs
}

func newDeferredEnv(t *testing.T) *deferredEnv {
	t.Helper()
	t0 := time.Now().Truncate(time.Second)
	e := &deferredEnv{submitEnv: newSubmitEnv(t), clock: &clock{t: t0}, t0: t0,
		path: filepath.Join(t.TempDir(), DeferredStateFile)}
	e.sub.Now = e.clock.Now
	e.startQueue(t)
	return e
}

// startQueue starts a queue instance on the env's state file, as the
// server does at start-up.
func (e *deferredEnv) startQueue(t *testing.T) {
	t.Helper()
	core, logs := observer.New(zapcore.InfoLevel)
	e.logs = logs
	q, err := StartDeferredQueue(context.Background(), e.sys, &prototest.Spawner{Sys: e.sys}, DeferredConfig{
		Path: e.path, Sender: e.sub, Log: zap.New(core), Now: e.clock.Now,
		RetryMin: time.Minute, RetryMax: time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	e.q, e.sub.Deferred = q, q
}

// submitDeferred drafts a message due at at and submits it.
func (e *deferredEnv) submitDeferred(t *testing.T, at time.Time) uint64 {
	t.Helper()
	mid := e.draft(t, mapi.PropVal{Tag: tagDeferredSendTime, Value: mapi.FileTimeOf(at)})
	res, err := e.sub.SubmitMessage(context.Background(), e.alice, mid)
	if err != nil {
		t.Fatalf("deferred submit: %v", err)
	}
	if !res.Deferred || !res.SendAt.Equal(at) {
		t.Fatalf("deferred submit: %+v, want deferred until %v", res, at)
	}
	return mid
}

// advance moves the clock to at and lets the queue look at it.
func (e *deferredEnv) advance(at time.Time) {
	e.clock.Set(at)
	e.q.wake()
}

// fileJobs reads the state file as the next start would.
func (e *deferredEnv) fileJobs(t *testing.T) []DeferredJob {
	t.Helper()
	b, err := os.ReadFile(e.path)
	if err != nil {
		t.Fatal(err)
	}
	var st deferredState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("state file: %v\n%s", err, b)
	}
	return st.Jobs
}

func (e *deferredEnv) pending(t *testing.T) []DeferredJob {
	t.Helper()
	js, err := e.q.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func (e *deferredEnv) relayed() int {
	e.relay.mu.Lock()
	defer e.relay.mu.Unlock()
	return len(e.relay.msgs)
}

func (e *deferredEnv) flags(t *testing.T, mid uint64) int32 {
	t.Helper()
	p, err := mailbox.Do[mailbox.Props](context.Background(), e.stores, e.alice.Maildir,
		mailbox.GetMessageProps{MessageID: mid, Tags: []mapi.PropTag{mapi.PrMessageFlags}})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := p.Get(mapi.PrMessageFlags)
	n, _ := f.(int32)
	return n
}

// waitFor polls cond until it holds or 10 seconds have passed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitLog waits for a log line with msg.
func (e *deferredEnv) waitLog(t *testing.T, msg string) {
	t.Helper()
	waitFor(t, "log "+msg, func() bool { return e.logs.FilterMessage(msg).Len() > 0 })
}

// A deferred submit succeeds at once and leaves the message in the Outbox,
// submitted, with its job in the state file; at its time it is sent and
// filed in Sent Items, and the job is gone.
func TestDeferredSubmitSendsAtItsTime(t *testing.T) {
	e := newDeferredEnv(t)
	at := e.t0.Add(time.Hour)
	mid := e.submitDeferred(t, at)

	if js := e.fileJobs(t); len(js) != 1 || js[0].MessageID != mid || !js[0].SendAt.Equal(at) || js[0].User != e.alice.Username || js[0].FolderID != mapi.PrivateFIDOutbox {
		t.Fatalf("state file jobs %+v", js)
	}
	if f := e.flags(t, mid); f&mapi.MsgFlagSubmitted == 0 || f&mapi.MsgFlagUnsent == 0 {
		t.Fatalf("queued message flags %#x, want submitted and unsent", f)
	}
	// Just before its time: still waiting.
	e.advance(at.Add(-time.Second))
	if len(e.pending(t)) != 1 || e.relayed() != 0 || e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 1 {
		t.Fatal("deferred message sent before its time")
	}

	e.advance(at)
	waitFor(t, "the message in Sent Items", func() bool { return e.count(t, e.alice.Maildir, mapi.PrivateFIDSentItems) == 1 })
	if e.relayed() != 1 || e.count(t, e.bob.Maildir, mapi.PrivateFIDInbox) != 1 || e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 0 {
		t.Fatal("deferred message not sent to its recipients")
	}
	waitFor(t, "the job to leave the queue", func() bool { return len(e.pending(t)) == 0 })
	if js := e.fileJobs(t); len(js) != 0 {
		t.Fatalf("sent job still in the state file: %+v", js)
	}
}

// A queue stopped with a job pending leaves it in the state file; the
// next instance, started after its time, sends it at once.
func TestDeferredSurvivesRestart(t *testing.T) {
	e := newDeferredEnv(t)
	at := e.t0.Add(time.Hour)
	mid := e.submitDeferred(t, at)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.q.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if e.relayed() != 0 {
		t.Fatal("sent at shutdown")
	}
	if js := e.fileJobs(t); len(js) != 1 || js[0].MessageID != mid {
		t.Fatalf("state file after stop: %+v", js)
	}

	e.clock.Set(at.Add(time.Minute))
	e.startQueue(t)
	waitFor(t, "the message in Sent Items", func() bool { return e.count(t, e.alice.Maildir, mapi.PrivateFIDSentItems) == 1 })
	if e.relayed() != 1 {
		t.Fatalf("relayed %d messages", e.relayed())
	}
	waitFor(t, "the job to leave the state file", func() bool { return len(e.fileJobs(t)) == 0 })
}

// AbortSubmit cancels a pending deferred send: the job leaves the state
// file, the message stays in the Outbox no longer submitted, and nothing
// is sent at its time. A second abort is ecNotInQueue.
func TestDeferredAbortSubmit(t *testing.T) {
	e := newDeferredEnv(t)
	at := e.t0.Add(time.Hour)
	mid := e.submitDeferred(t, at)
	ctx := context.Background()
	if err := e.sub.AbortSubmit(ctx, e.bob, mapi.PrivateFIDOutbox, mid); !errors.Is(err, ErrNotInQueue) {
		t.Fatalf("another user's abort: %v", err)
	}
	if err := e.sub.AbortSubmit(ctx, e.alice, mapi.PrivateFIDOutbox, mid); err != nil {
		t.Fatal(err)
	}
	if js := e.fileJobs(t); len(js) != 0 {
		t.Fatalf("aborted job still in the state file: %+v", js)
	}
	if f := e.flags(t, mid); f&mapi.MsgFlagSubmitted != 0 {
		t.Fatalf("aborted message still submitted: %#x", f)
	}
	err := e.sub.AbortSubmit(ctx, e.alice, mapi.PrivateFIDOutbox, mid)
	if !errors.Is(err, ErrNotInQueue) || !errors.Is(err, mapi.EcNotInQueue) {
		t.Fatalf("second abort: %v", err)
	}
	e.advance(at.Add(time.Minute))
	if len(e.pending(t)) != 0 || e.relayed() != 0 || e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 1 {
		t.Fatal("an aborted deferred send went out")
	}
}

// A message deleted, moved out of the Outbox (a move makes a copy with a
// new id) or no longer marked submitted while it waits is dropped from the
// queue, unsent.
func TestDeferredMessageGone(t *testing.T) {
	e := newDeferredEnv(t)
	at := e.t0.Add(time.Hour)
	deleted, moved, unmarked := e.submitDeferred(t, at), e.submitDeferred(t, at), e.submitDeferred(t, at)
	if _, err := e.sub.markSubmitted(context.Background(), e.alice.Maildir, unmarked, false); err != nil {
		t.Fatal(err)
	}
	if _, err := e.stores.Do(context.Background(), e.alice.Maildir, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		if _, err := tx.DeleteMessages(mapi.PrivateFIDOutbox, []uint64{deleted}, true); err != nil {
			return nil, err
		}
		_, _, err := tx.MoveCopyMessages(mapi.PrivateFIDOutbox, mapi.PrivateFIDDraft, []uint64{moved}, false)
		return nil, err
	})); err != nil {
		t.Fatal(err)
	}
	e.advance(at)
	waitFor(t, "the jobs dropped", func() bool { return e.logs.FilterMessage("deferred send dropped").Len() == 3 })
	if e.relayed() != 0 || len(e.pending(t)) != 0 || len(e.fileJobs(t)) != 0 {
		t.Fatal("the jobs of a deleted, a moved and an unmarked message were not dropped")
	}
	if e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 1 {
		t.Fatal("the unmarked message left the Outbox")
	}
	if e.count(t, e.alice.Maildir, mapi.PrivateFIDDraft) != 1 {
		t.Fatal("the moved message was not left in Drafts")
	}
}

// flakySender fails with the queued errors, then sends through next.
type flakySender struct {
	mu    sync.Mutex
	errs  []error
	calls int
	next  Sender
}

func (f *flakySender) Send(ctx context.Context, from string, to []string, msg []byte) error {
	f.mu.Lock()
	f.calls++
	var err error
	if len(f.errs) > 0 {
		err, f.errs = f.errs[0], f.errs[1:]
	}
	f.mu.Unlock()
	if err != nil {
		return err
	}
	return f.next.Send(ctx, from, to, msg)
}

func (f *flakySender) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// A temporary relay failure keeps the job (in the file too) and retries it
// after the backoff; a permanent one drops it and leaves the message in
// the Outbox, unsent and no longer submitted.
func TestDeferredRetryAndPermanentFailure(t *testing.T) {
	e := newDeferredEnv(t)
	flaky := &flakySender{next: e.sub.Out, errs: []error{
		&smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try later"},
		&smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "rejected"},
	}}
	e.sub.Out = flaky
	at := e.t0.Add(time.Hour)
	mid := e.submitDeferred(t, at)

	e.advance(at)
	e.waitLog(t, "deferred send failed, will retry")
	if js := e.fileJobs(t); len(js) != 1 || len(e.pending(t)) != 1 {
		t.Fatalf("a temporarily failed job left the queue: %+v", js)
	}
	if f := e.flags(t, mid); f&mapi.MsgFlagSubmitted == 0 {
		t.Fatalf("message no longer submitted after a temporary failure: %#x", f)
	}

	e.advance(at.Add(2 * time.Minute)) // past the backoff
	e.waitLog(t, "deferred send failed; the message stays in its folder, unsent")
	if flaky.Calls() != 2 || e.relayed() != 0 {
		t.Fatalf("%d attempts, %d relayed", flaky.Calls(), e.relayed())
	}
	if len(e.pending(t)) != 0 || len(e.fileJobs(t)) != 0 {
		t.Fatal("a permanently failed job stayed queued")
	}
	if e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 1 {
		t.Fatal("a failed message left the Outbox")
	}
	if f := e.flags(t, mid); f&mapi.MsgFlagSubmitted != 0 || f&mapi.MsgFlagUnsent == 0 {
		t.Fatalf("failed message flags %#x, want unsent and not submitted", f)
	}
}

// A corrupt state file is moved aside with a clear log line, and the
// queue starts empty and works.
func TestDeferredCorruptStateFile(t *testing.T) {
	e := newDeferredEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e.q.Stop(ctx)
	garbage := []byte(`{"version":1,"jobs":[{"user":`)
	if err := os.WriteFile(e.path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	e.startQueue(t)
	if js := e.pending(t); len(js) != 0 {
		t.Fatalf("jobs from a corrupt file: %+v", js)
	}
	e.waitLog(t, "deferred-send state file is corrupt; moved aside, starting with no deferred sends")
	aside, _ := filepath.Glob(e.path + ".bad-*")
	if len(aside) != 1 {
		t.Fatalf("moved-aside files: %v", aside)
	}
	if b, _ := os.ReadFile(aside[0]); string(b) != string(garbage) {
		t.Fatalf("moved-aside content %q", b)
	}
	if _, err := os.Stat(e.path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("corrupt file still in place: %v", err)
	}
	mid := e.submitDeferred(t, e.t0.Add(time.Hour))
	if js := e.fileJobs(t); len(js) != 1 || js[0].MessageID != mid {
		t.Fatalf("state file after a new job: %+v", js)
	}

	// An unknown version is not guessed at either.
	e.q.Stop(ctx)
	os.WriteFile(e.path, []byte(`{"version":99,"jobs":[]}`), 0o600)
	e.startQueue(t)
	if len(e.pending(t)) != 0 {
		t.Fatal("jobs from a file of an unknown version")
	}
	if aside, _ := filepath.Glob(e.path + ".bad-*"); len(aside) != 2 {
		t.Fatalf("moved-aside files: %v", aside)
	}

	// An invalid entry is skipped, the valid ones are kept.
	e.q.Stop(ctx)
	later := e.t0.Add(time.Hour).UTC().Format(time.RFC3339)
	os.WriteFile(e.path, []byte(`{"version":1,"jobs":[
		{"user":"","maildir":"/nowhere","message_id":7,"send_at":"`+later+`"},
		{"user":"alice@example.org","maildir":"/nowhere","message_id":8,"send_at":"`+later+`"}]}`), 0o600)
	e.startQueue(t)
	if js := e.pending(t); len(js) != 1 || js[0].MessageID != 8 {
		t.Fatalf("jobs from a file with an invalid entry: %+v", js)
	}
	e.waitLog(t, "deferred-send state file: invalid job skipped")
}

// Without a queue a deferred message is refused, as before nothing is
// sent.
func TestDeferredWithoutQueue(t *testing.T) {
	e := newSubmitEnv(t)
	mid := e.draft(t, mapi.PropVal{Tag: tagDeferredSendTime, Value: mapi.FileTimeOf(time.Now().Add(time.Hour))})
	err := e.sub.Submit(context.Background(), e.alice, mid)
	if err == nil || !strings.Contains(err.Error(), "no deferred-send queue") {
		t.Fatalf("deferred submit without a queue: %v", err)
	}
	if e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 1 {
		t.Fatal("message left the Outbox")
	}
}
