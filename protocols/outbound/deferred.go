package outbound

// The deferred-send queue: messages submitted with a PR_DEFERRED_SEND_TIME
// still to come wait in the Outbox, marked submitted, and the queue sends
// them at their time (upstream's timer daemon with its timer.txt, and
// submit.php, in one component).
//
// Invariants:
//   - A job is in the state file before Schedule answers: a deferred send
//     that Outlook was told about survives a crash or restart.
//   - The state file is only ever replaced whole (temporary file, fsync,
//     rename, fsync of the directory): it holds the old or the new job
//     list, never a mix.
//   - A job leaves the file only once its message was sent, cannot be
//     sent (gone, no longer submitted, a permanent failure) or its
//     submission was aborted. A send that fails for a reason that may pass
//     is retried with backoff; the job stays in the file meanwhile.
//   - One actor owns the job list and the file; sends run beside it, at
//     most MaxSending at once, and report back to it. A job being sent
//     cannot be cancelled.
//
// Why an actor: it is the DESIGN's "timer" child of the root, started
// under its own protocol supervisor ("timer") so that the server's
// shutdown drains it after the sessions that submit into it and before
// the stores its sends write to (supervisor.Server.Shutdown drains
// protocols in the order they were added, then closes the stores). It
// gets the tree's panic logging, tracing and listing for free, and its
// state (the job list) has a single writer without locks. The cost: it
// counts as the one session of protocol "timer" in the metrics, and a
// panic in its Receive stops it (sessions are not restarted): deferred
// submits then fail with a clear error and the state file keeps its jobs
// for the next start. A panic in a send is recovered and fails that job.
//
// Shutdown: ServerShutdown stops the timer; sends in progress finish (the
// drain deadline stops the actor and cancels them if they take longer);
// the jobs still waiting stay in the file. A message sent just before a
// crash, whose job the file still holds, is dropped at the next start: it
// is no longer submitted in the Outbox.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

// DeferredStateFile is the name of the queue's state file under data_path.
// It is this server's own JSON format, not upstream's timer.txt.
const DeferredStateFile = "deferred-send.json"

// maxSleep bounds the queue's timer, so that a wall clock set forward
// (or a resumed virtual machine) delays a due send by no more than this.
const maxSleep = time.Minute

// deferredStateVersion is the state file's format version.
const deferredStateVersion = 1

// ErrNotInQueue is returned when aborting a submission that has no pending
// deferred send (or whose send has already begun): RopAbortSubmit's
// ecNotInQueue (MS-OXOMSG 3.2.5.2).
var ErrNotInQueue = fmt.Errorf("outbound: message not in the deferred-send queue: %w", mapi.EcNotInQueue)

// ErrQueueStopping is returned for jobs scheduled after shutdown began.
var ErrQueueStopping = errors.New("outbound: deferred-send queue is stopping")

// DeferredJob is one message waiting for its deferred send time.
type DeferredJob struct {
	User      string    `json:"user"`       // the submitting user's address
	Maildir   string    `json:"maildir"`    // the store the message is in
	FolderID  uint64    `json:"folder_id"`  // the folder it waits in (GCV), usually the Outbox
	MessageID uint64    `json:"message_id"` // the message (GCV)
	SendAt    time.Time `json:"send_at"`    // PR_DEFERRED_SEND_TIME
	Queued    time.Time `json:"queued"`     // when it was submitted
}

func (j DeferredJob) key() jobKey { return jobKey{j.Maildir, j.MessageID} }

func (j DeferredJob) valid() bool {
	return j.User != "" && j.Maildir != "" && j.MessageID != 0 && !j.SendAt.IsZero()
}

// DeferredSender sends a due job: *Submitter. last is set on the final
// attempt: a job that fails then is given up (the sender leaves the
// message unsubmitted in its folder).
type DeferredSender interface {
	SendDeferred(ctx context.Context, j DeferredJob, last bool) error
}

// Spawner starts the queue's actor: a supervisor.Protocol (the "timer"
// protocol) in the server, prototest.Spawner in tests.
type Spawner interface {
	StartSession(ctx context.Context, props actors.Props) (*actors.PID, error)
}

// DeferredConfig configures the queue. Zero durations take the defaults.
type DeferredConfig struct {
	Path   string // the state file, <data_path>/deferred-send.json
	Sender DeferredSender
	Log    *zap.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// RetryMin and RetryMax bound the backoff after a temporary failure
	// (default 1 minute, doubling up to 1 hour); GiveUpAfter is how long
	// after its send time a job is still retried (default 24 hours).
	RetryMin, RetryMax, GiveUpAfter time.Duration
	// SendTimeout bounds one attempt (default 5 minutes).
	SendTimeout time.Duration
	// MaxSending is how many jobs are sent at once (default 4).
	MaxSending int
}

func (c *DeferredConfig) defaults() {
	if c.Log == nil {
		c.Log = zap.NewNop()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.RetryMin <= 0 {
		c.RetryMin = time.Minute
	}
	if c.RetryMax <= 0 {
		c.RetryMax = time.Hour
	}
	if c.GiveUpAfter <= 0 {
		c.GiveUpAfter = 24 * time.Hour
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = 5 * time.Minute
	}
	if c.MaxSending <= 0 {
		c.MaxSending = 4
	}
}

// DeferredQueue is the handle of a running deferred-send queue.
type DeferredQueue struct {
	sys *actors.System
	pid *actors.PID
}

// StartDeferredQueue starts the queue: it loads the state file (a corrupt
// one is moved aside and the queue starts empty), sends what is past due
// at once and schedules the rest.
func StartDeferredQueue(ctx context.Context, sys *actors.System, sp Spawner, cfg DeferredConfig) (*DeferredQueue, error) {
	if cfg.Path == "" || cfg.Sender == nil {
		return nil, errors.New("outbound: deferred-send queue needs a state file and a sender")
	}
	cfg.defaults()
	pid, err := sp.StartSession(ctx, actors.Props{
		Kind: "deferred-send",
		New:  func() actors.Actor { return &deferredQueue{cfg: cfg} },
	})
	if err != nil {
		return nil, fmt.Errorf("outbound: starting the deferred-send queue: %w", err)
	}
	return &DeferredQueue{sys: sys, pid: pid}, nil
}

// Schedule adds (or replaces) j; it answers once j is in the state file.
func (q *DeferredQueue) Schedule(ctx context.Context, j DeferredJob) error {
	if !j.valid() {
		return fmt.Errorf("outbound: invalid deferred job %+v", j)
	}
	_, err := q.sys.Request(ctx, q.pid, scheduleJob{j})
	return err
}

// Cancel removes the pending job of user's message mid in maildir (in
// folder fid; 0 matches any) from the queue and the state file. It
// returns ErrNotInQueue when there is none or it is being sent.
func (q *DeferredQueue) Cancel(ctx context.Context, user, maildir string, fid, mid uint64) error {
	_, err := q.sys.Request(ctx, q.pid, cancelJob{user: user, maildir: maildir, fid: fid, mid: mid})
	return err
}

// Pending lists the jobs in the queue, by send time.
func (q *DeferredQueue) Pending(ctx context.Context) ([]DeferredJob, error) {
	return actors.Ask[[]DeferredJob](ctx, q.sys, q.pid, listJobs{})
}

// Stop stops the queue as the server's shutdown does: nothing new is
// scheduled, the sends in progress finish, and the jobs still waiting stay
// in the state file for the next start.
func (q *DeferredQueue) Stop(ctx context.Context) error {
	q.sys.Send(q.pid, actors.ServerShutdown{})
	return q.sys.Wait(ctx, q.pid)
}

// wake tells the queue to send what is due (its timer, or tests after
// moving the clock).
func (q *DeferredQueue) wake() { q.sys.Send(q.pid, wake{}) }

// The queue's messages.
type (
	scheduleJob struct{ job DeferredJob } // reply: nil or error
	cancelJob   struct {                  // reply: nil or error
		user, maildir string
		fid, mid      uint64
	}
	listJobs struct{} // reply: []DeferredJob
	wake     struct{}
	sendDone struct {
		key  jobKey
		last bool
		err  error
	}
)

type jobKey struct {
	maildir string
	mid     uint64
}

// queued is a job with its retry state, which lives in memory only: after
// a restart a job being retried is past due and is sent at once.
type queued struct {
	DeferredJob
	attempts int
	retryAt  time.Time
	sending  bool
}

func (j *queued) due() time.Time {
	if j.retryAt.IsZero() {
		return j.SendAt
	}
	return j.retryAt
}

type deferredQueue struct {
	cfg      DeferredConfig
	jobs     map[jobKey]*queued
	timer    *time.Timer
	sending  int
	stopping bool
	ctx      context.Context // of the sends; cancelled when the actor stops
	cancel   context.CancelFunc
}

func (q *deferredQueue) Receive(c *actors.Context) {
	switch m := c.Message().(type) {
	case *actors.Started:
		q.ctx, q.cancel = context.WithCancel(context.Background())
		q.jobs = map[jobKey]*queued{}
		for _, j := range loadDeferred(q.cfg.Path, q.cfg.Now(), q.cfg.Log) {
			q.jobs[j.key()] = &queued{DeferredJob: j}
		}
		if len(q.jobs) > 0 {
			q.cfg.Log.Info("deferred sends loaded", zap.String("path", q.cfg.Path), zap.Int("jobs", len(q.jobs)))
		}
		q.run(c)
	case scheduleJob:
		c.Respond(q.schedule(c, m.job))
	case cancelJob:
		c.Respond(q.abort(m))
	case listJobs:
		c.Respond(q.list())
	case wake:
		q.run(c)
	case sendDone:
		q.done(c, m)
	case actors.ServerShutdown:
		q.stopping = true
		if q.timer != nil {
			q.timer.Stop()
		}
		if q.sending == 0 {
			c.Stop(c.Self())
		}
	case *actors.Stopping:
		if q.timer != nil {
			q.timer.Stop()
		}
		if q.cancel != nil {
			q.cancel()
		}
	}
}

func (q *deferredQueue) schedule(c *actors.Context, j DeferredJob) error {
	if q.stopping {
		return ErrQueueStopping
	}
	k := j.key()
	old := q.jobs[k]
	if old != nil && old.sending {
		return fmt.Errorf("outbound: message %d is being sent", j.MessageID)
	}
	q.jobs[k] = &queued{DeferredJob: j}
	if err := q.save(); err != nil {
		if old != nil {
			q.jobs[k] = old
		} else {
			delete(q.jobs, k)
		}
		return err
	}
	q.cfg.Log.Info("deferred send queued", zap.String("user", j.User), zap.Uint64("mid", j.MessageID), zap.Time("send_at", j.SendAt))
	q.run(c)
	return nil
}

func (q *deferredQueue) abort(m cancelJob) error {
	k := jobKey{m.maildir, m.mid}
	j := q.jobs[k]
	if j == nil || j.sending || j.User != m.user || (m.fid != 0 && j.FolderID != m.fid) {
		return ErrNotInQueue
	}
	delete(q.jobs, k)
	if err := q.save(); err != nil {
		q.jobs[k] = j
		return err
	}
	q.cfg.Log.Info("deferred send cancelled", zap.String("user", j.User), zap.Uint64("mid", j.MessageID))
	return nil
}

func (q *deferredQueue) list() []DeferredJob {
	out := make([]DeferredJob, 0, len(q.jobs))
	for _, j := range q.jobs {
		out = append(out, j.DeferredJob)
	}
	sortJobs(out)
	return out
}

// run starts the sends that are due, up to MaxSending, and sets the timer
// for the next one.
func (q *deferredQueue) run(c *actors.Context) {
	if q.stopping {
		return
	}
	now := q.cfg.Now()
	var due []*queued
	var next time.Time
	for _, j := range q.jobs {
		if j.sending {
			continue
		}
		if at := j.due(); !at.After(now) {
			due = append(due, j)
		} else if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	sort.Slice(due, func(a, b int) bool { return due[a].due().Before(due[b].due()) })
	for _, j := range due {
		if q.sending >= q.cfg.MaxSending {
			break // the next sendDone runs again
		}
		q.start(c, j, now)
	}
	if q.timer != nil {
		q.timer.Stop()
		q.timer = nil
	}
	if !next.IsZero() {
		// Looked at again at least every maxSleep: the timer counts
		// monotonic time, the send times are wall-clock times.
		q.timer = c.After(min(next.Sub(now), maxSleep), wake{})
	}
}

// start sends j beside the actor; the outcome comes back as sendDone.
func (q *deferredQueue) start(c *actors.Context, j *queued, now time.Time) {
	j.sending = true
	j.attempts++
	q.sending++
	last := !now.Before(j.SendAt.Add(q.cfg.GiveUpAfter))
	job, sys, self := j.DeferredJob, c.System(), c.Self()
	ctx, timeout := q.ctx, q.cfg.SendTimeout
	sender, log := q.cfg.Sender, q.cfg.Log
	go func() {
		done := sendDone{key: job.key(), last: last}
		defer func() {
			if r := recover(); r != nil {
				log.Error("deferred send panicked", zap.String("user", job.User), zap.Uint64("mid", job.MessageID),
					zap.Any("panic", r), zap.ByteString("stack", debug.Stack()))
				done.err, done.last = fmt.Errorf("outbound: deferred send panicked: %v", r), true
			}
			sys.Send(self, done)
		}()
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		done.err = sender.SendDeferred(ctx, job, last)
	}()
}

// done files the outcome of a send.
func (q *deferredQueue) done(c *actors.Context, m sendDone) {
	q.sending--
	j := q.jobs[m.key]
	if j == nil {
		return
	}
	j.sending = false
	log := q.cfg.Log.With(zap.String("user", j.User), zap.Uint64("mid", j.MessageID), zap.Int("attempt", j.attempts))
	switch {
	case m.err == nil:
		log.Info("deferred message sent")
	case errors.Is(m.err, ErrGone):
		log.Warn("deferred send dropped", zap.Error(m.err))
	case Temporary(m.err) && !m.last:
		backoff := q.cfg.RetryMin << min(j.attempts-1, 20)
		j.retryAt = q.cfg.Now().Add(min(backoff, q.cfg.RetryMax))
		log.Warn("deferred send failed, will retry", zap.Time("retry_at", j.retryAt), zap.Error(m.err))
		q.afterSend(c)
		return
	default:
		log.Error("deferred send failed; the message stays in its folder, unsent", zap.Error(m.err))
	}
	delete(q.jobs, m.key)
	if err := q.save(); err != nil {
		// The job stays in the file: after a restart its message is
		// checked again (a sent one is no longer submitted: dropped).
		log.Error("deferred-send state file not updated", zap.Error(err))
	}
	q.afterSend(c)
}

func (q *deferredQueue) afterSend(c *actors.Context) {
	if q.stopping {
		if q.sending == 0 {
			c.Stop(c.Self())
		}
		return
	}
	q.run(c)
}

// save writes the job list to the state file, atomically and durably.
func (q *deferredQueue) save() error {
	b, err := json.MarshalIndent(deferredState{Version: deferredStateVersion, Jobs: q.list()}, "", "\t")
	if err != nil {
		return err
	}
	if err := writeFileDurably(q.cfg.Path, append(b, '\n')); err != nil {
		return fmt.Errorf("outbound: deferred-send state %s: %w", q.cfg.Path, err)
	}
	return nil
}

// deferredState is the state file's content.
type deferredState struct {
	Version int           `json:"version"`
	Jobs    []DeferredJob `json:"jobs"`
}

func sortJobs(js []DeferredJob) {
	sort.Slice(js, func(a, b int) bool {
		if !js[a].SendAt.Equal(js[b].SendAt) {
			return js[a].SendAt.Before(js[b].SendAt)
		}
		if js[a].Maildir != js[b].Maildir {
			return js[a].Maildir < js[b].Maildir
		}
		return js[a].MessageID < js[b].MessageID
	})
}

// loadDeferred reads the state file. A missing file is an empty queue; one
// that cannot be parsed is moved aside (to <path>.bad-<time>) and logged,
// and the queue starts empty; invalid entries are logged and skipped.
func loadDeferred(path string, now time.Time, log *zap.Logger) []DeferredJob {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		log.Error("deferred-send state file unreadable; starting without its deferred sends", zap.String("path", path), zap.Error(err))
		return nil
	}
	var st deferredState
	err = json.Unmarshal(b, &st)
	if err == nil && st.Version != deferredStateVersion {
		err = fmt.Errorf("unknown version %d (want %d)", st.Version, deferredStateVersion)
	}
	if err != nil {
		aside := asideName(path, now)
		if rerr := os.Rename(path, aside); rerr != nil {
			log.Error("deferred-send state file is corrupt and could not be moved aside; starting with no deferred sends",
				zap.String("path", path), zap.Error(err), zap.NamedError("rename", rerr))
			return nil
		}
		log.Error("deferred-send state file is corrupt; moved aside, starting with no deferred sends",
			zap.String("path", path), zap.String("moved_to", aside), zap.Error(err))
		return nil
	}
	jobs := st.Jobs[:0]
	for _, j := range st.Jobs {
		if !j.valid() {
			log.Warn("deferred-send state file: invalid job skipped", zap.String("path", path), zap.Any("job", j))
			continue
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// asideName is a name for a bad state file that names no existing file:
// <path>.bad-<time>, with a counter when that exists.
func asideName(path string, now time.Time) string {
	base := path + ".bad-" + now.UTC().Format("20060102T150405Z")
	name := base
	for i := 1; ; i++ {
		if _, err := os.Lstat(name); err != nil { // free (or unknowable: the rename says)
			return name
		}
		name = fmt.Sprintf("%s.%d", base, i)
	}
}

// writeFileDurably replaces path by data: a temporary file in the same
// directory is written and synced, renamed over path, and the directory
// synced, so that after a crash path holds either the old or the new data.
func writeFileDurably(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
