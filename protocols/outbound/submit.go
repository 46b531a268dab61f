package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/oxcmail"
	"go.uber.org/zap"
)

// Resolver finds local mailboxes by address.
type Resolver interface {
	Resolve(ctx context.Context, addr string) (*directory.Recipient, error)
}

// Submitter sends the messages users submit from their mailboxes (upstream's
// cu_send_message): the message is converted to RFC 5322, local recipients
// get it delivered into their stores directly, the others through the MTA
// (outgoing_smtp_url); then it is moved to the folder PR_SENTMAIL_ENTRYID or
// PR_TARGET_ENTRYID names (Sent Items by default), or deleted when
// PR_DELETE_AFTER_SUBMIT is set. A failure leaves it where it is, unsent,
// and is returned. A message whose PR_DEFERRED_SEND_TIME is still to come
// stays where it is, marked submitted, and the Deferred queue sends it then.
type Submitter struct {
	Stores *mailbox.Registry
	Dir    Resolver
	Out    Sender
	Log    *zap.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
	// Deferred holds the deferred sends; without it Submit refuses a
	// message with a deferred send time.
	Deferred *DeferredQueue
}

// Tags not in mapi's list yet.
const (
	tagDeferredSendTime mapi.PropTag = 0x3fef0040 // PR_DEFERRED_SEND_TIME
)

// ErrGone: a deferred message can no longer be sent (it, or its user, no
// longer exists, or it is no longer submitted); its job is dropped.
var ErrGone = errors.New("outbound: deferred message no longer to be sent")

// Submission says what Submit did with a message.
type Submission struct {
	// Deferred is set when the message waits, submitted, in its folder
	// for its deferred send time SendAt.
	Deferred bool
	SendAt   time.Time
}

// Submit sends message mid of user's store. A message with a deferred send
// time still to come is queued and Submit returns nil: the client sees it
// submitted, as Exchange has it (MS-OXOMSG 3.2.5.1).
func (s *Submitter) Submit(ctx context.Context, user *directory.User, mid uint64) error {
	_, err := s.SubmitMessage(ctx, user, mid)
	return err
}

// SubmitMessage is Submit, saying whether the message was sent or queued.
func (s *Submitter) SubmitMessage(ctx context.Context, user *directory.User, mid uint64) (Submission, error) {
	now := s.now()
	mc, err := mailbox.Do[*mailbox.MessageContent](ctx, s.Stores, user.Maildir, mailbox.ReadMessage{MessageID: mid})
	if err != nil {
		return Submission{}, fmt.Errorf("submit %d: %w", mid, err)
	}
	if v, ok := mc.Props.Get(tagDeferredSendTime); ok {
		if at, ok := v.(mapi.FileTime); ok && at.Time().After(now) {
			return s.queue(ctx, user, mid, at.Time(), now)
		}
	}
	return Submission{}, s.send(ctx, user, mid, mc, now)
}

// queue marks message mid submitted and puts it in the deferred-send queue.
func (s *Submitter) queue(ctx context.Context, user *directory.User, mid uint64, at, now time.Time) (Submission, error) {
	if s.Deferred == nil {
		return Submission{}, fmt.Errorf("submit %d: deferred until %s, but no deferred-send queue runs", mid, at.UTC().Format(time.RFC3339))
	}
	fid, err := s.markSubmitted(ctx, user.Maildir, mid, true)
	if err != nil {
		return Submission{}, fmt.Errorf("submit %d: %w", mid, err)
	}
	j := DeferredJob{User: user.Username, Maildir: user.Maildir, FolderID: fid, MessageID: mid, SendAt: at.UTC(), Queued: now.UTC()}
	if err := s.Deferred.Schedule(ctx, j); err != nil {
		s.unsubmit(context.WithoutCancel(ctx), j)
		return Submission{}, fmt.Errorf("submit %d: %w", mid, err)
	}
	return Submission{Deferred: true, SendAt: at}, nil
}

// AbortSubmit takes back user's deferred message mid in folder fid
// (RopAbortSubmit, MS-OXOMSG 3.2.5.2): its job leaves the queue and the
// message is no longer marked submitted. ErrNotInQueue: there is no
// pending deferred send of it.
func (s *Submitter) AbortSubmit(ctx context.Context, user *directory.User, fid, mid uint64) error {
	if s.Deferred == nil {
		return ErrNotInQueue
	}
	if err := s.Deferred.Cancel(ctx, user.Username, user.Maildir, fid, mid); err != nil {
		return err
	}
	s.unsubmit(ctx, DeferredJob{User: user.Username, Maildir: user.Maildir, FolderID: fid, MessageID: mid})
	return nil
}

// SendDeferred sends a deferred message at its time, for the queue: the
// message must still exist and wait, submitted, in the folder it was
// submitted from (else ErrGone). A failure that is permanent, or on the
// last attempt, leaves the message unsubmitted in its folder.
func (s *Submitter) SendDeferred(ctx context.Context, j DeferredJob, last bool) error {
	rec, err := s.Dir.Resolve(ctx, j.User)
	switch {
	case errors.Is(err, directory.ErrNotFound) || errors.Is(err, directory.ErrInvalid):
		return fmt.Errorf("%w: user %s no longer exists", ErrGone, j.User)
	case err != nil:
		return temporary(fmt.Errorf("deferred send %d: resolving %s: %w", j.MessageID, j.User, err))
	case rec.Kind != directory.RecipientUser || rec.User == nil || filepath.Clean(rec.User.Maildir) != filepath.Clean(j.Maildir):
		return fmt.Errorf("%w: %s no longer has the mailbox %s", ErrGone, j.User, j.Maildir)
	}
	type found struct {
		state messageState
		mc    *mailbox.MessageContent
	}
	f, err := mailbox.Do[found](ctx, s.Stores, j.Maildir, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		st, err := readMessageState(tx, j.MessageID)
		if err != nil {
			return nil, err
		}
		mc, err := tx.ReadMessage(j.MessageID)
		return found{st, mc}, err
	}))
	switch {
	case errors.Is(err, mailbox.ErrNotFound):
		return fmt.Errorf("%w: message %d no longer exists", ErrGone, j.MessageID)
	case err != nil:
		return temporary(fmt.Errorf("deferred send %d: %w", j.MessageID, err))
	case f.state.flags&mapi.MsgFlagSubmitted == 0 || f.state.folder != j.FolderID:
		return fmt.Errorf("%w: message %d is no longer submitted in folder %d", ErrGone, j.MessageID, j.FolderID)
	}
	err = s.send(ctx, rec.User, j.MessageID, f.mc, s.now())
	if err != nil && (last || !Temporary(err)) {
		s.unsubmit(context.WithoutCancel(ctx), j)
	}
	return err
}

// send converts, sends and files message mid (content mc).
func (s *Submitter) send(ctx context.Context, user *directory.User, mid uint64, mc *mailbox.MessageContent, now time.Time) error {
	m := mc.Oxcmail()
	setSender(m, user)
	raw, err := oxcmail.Export(m, oxcmail.ExportOptions{Now: func() time.Time { return now }, HideBcc: true})
	if err != nil {
		return fmt.Errorf("submit %d: converting: %w", mid, err)
	}
	var local []*directory.User
	var remote []string
	seen := map[string]bool{}
	for _, r := range mc.Recipients {
		addr := recipientAddress(r)
		if addr == "" || seen[strings.ToLower(addr)] {
			continue
		}
		seen[strings.ToLower(addr)] = true
		rec, err := s.Dir.Resolve(ctx, addr)
		switch {
		case err == nil && rec.Kind == directory.RecipientUser && rec.User.Maildir != "":
			local = append(local, rec.User)
		case err == nil && rec.Kind == directory.RecipientList:
			for _, mem := range rec.Members {
				if mr, err := s.Dir.Resolve(ctx, mem); err == nil && mr.Kind == directory.RecipientUser && mr.User.Maildir != "" {
					local = append(local, mr.User)
				} else if !seen[strings.ToLower(mem)] {
					remote = append(remote, mem)
				}
				seen[strings.ToLower(mem)] = true
			}
		case err == nil || errors.Is(err, directory.ErrNotFound) || errors.Is(err, directory.ErrInvalid):
			remote = append(remote, addr)
		default:
			return temporary(fmt.Errorf("submit %d: resolving %s: %w", mid, addr, err))
		}
	}
	if len(local) == 0 && len(remote) == 0 {
		return fmt.Errorf("submit %d: no recipient with an Internet address", mid)
	}
	if len(remote) > 0 {
		if err := s.Out.Send(ctx, user.Username, remote, raw); err != nil {
			err = fmt.Errorf("submit %d: %w", mid, err)
			if temporarySend(err) {
				err = temporary(err)
			}
			return err
		}
	}
	content, err := mailbox.ImportRFC5322(raw)
	if err != nil {
		return fmt.Errorf("submit %d: %w", mid, err)
	}
	delivered := map[string]bool{}
	for _, u := range local {
		if delivered[u.Maildir] {
			continue
		}
		delivered[u.Maildir] = true
		if _, err := s.Stores.Do(ctx, u.Maildir, mailbox.Deliver{Raw: raw, Content: content}); err != nil {
			return fmt.Errorf("submit %d: delivering to %s: %w", mid, u.Username, err)
		}
	}
	_, err = s.Stores.Do(ctx, user.Maildir, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return nil, afterSubmit(tx, mid, mc.Props, now)
	}))
	if err != nil {
		return fmt.Errorf("submit %d: sent, but filing it failed: %w", mid, err)
	}
	return nil
}

// afterSubmit marks the message sent and files it away (or deletes it).
func afterSubmit(tx *mailbox.Tx, mid uint64, props mailbox.Props, now time.Time) error {
	st, err := readMessageState(tx, mid)
	if err != nil {
		return err
	}
	f := st.flags&^(mapi.MsgFlagUnsent|mapi.MsgFlagSubmitted) | mapi.MsgFlagRead
	from := st.folder
	if _, err := tx.SetMessageProps(mid, mailbox.Props{
		{Tag: mapi.PrMessageFlags, Value: f},
		{Tag: mapi.PrClientSubmitTime, Value: mapi.FileTimeOf(now)},
	}); err != nil {
		return err
	}
	if del, _ := props.Get(mapi.PrDeleteAfterSubmit); del == true {
		_, err := tx.DeleteMessages(from, []uint64{mid}, true)
		return err
	}
	dest := uint64(mapi.PrivateFIDSentItems)
	for _, tag := range []mapi.PropTag{mapi.PrSentMailEntryID, mapi.PrTargetEntryID} {
		if v, ok := props.Get(tag); ok {
			if b, ok := v.([]byte); ok {
				if fe, err := mapi.ParseFolderEntryID(b); err == nil {
					dest = fe.GlobCnt.Value()
					break
				}
			}
		}
	}
	if dest == from || from == 0 {
		return nil
	}
	_, _, err = tx.MoveCopyMessages(from, dest, []uint64{mid}, false)
	return err
}

// messageState is what the deferred path checks of a message.
type messageState struct {
	flags  int32  // PR_MESSAGE_FLAGS
	folder uint64 // its folder (GCV)
}

func readMessageState(tx *mailbox.Tx, mid uint64) (messageState, error) {
	p, err := tx.MessageProps(mid, []mapi.PropTag{mapi.PrMessageFlags, mapi.PrParentFolderID})
	if err != nil {
		return messageState{}, err
	}
	var st messageState
	if v, ok := p.Get(mapi.PrMessageFlags); ok {
		st.flags, _ = v.(int32)
	}
	if v, ok := p.Get(mapi.PrParentFolderID); ok {
		if n, ok := v.(int64); ok {
			st.folder = mapi.EID(n).GCV()
		}
	}
	return st, nil
}

// markSubmitted sets (or clears) MSGFLAG_SUBMITTED on message mid, as
// upstream's try_mark_submit and clear_submit do; it returns the
// message's folder.
func (s *Submitter) markSubmitted(ctx context.Context, maildir string, mid uint64, on bool) (uint64, error) {
	return mailbox.Do[uint64](ctx, s.Stores, maildir, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		st, err := readMessageState(tx, mid)
		if err != nil {
			return nil, err
		}
		f := st.flags &^ mapi.MsgFlagSubmitted
		if on {
			f |= mapi.MsgFlagSubmitted
		}
		if f != st.flags {
			if _, err := tx.SetMessageProps(mid, mailbox.Props{{Tag: mapi.PrMessageFlags, Value: f}}); err != nil {
				return nil, err
			}
		}
		return st.folder, nil
	}))
}

// unsubmit clears the submitted mark of a deferred message that will not
// be sent (aborted, given up): it stays in its folder, unsent. A failure
// is logged.
func (s *Submitter) unsubmit(ctx context.Context, j DeferredJob) {
	if _, err := s.markSubmitted(ctx, j.Maildir, j.MessageID, false); err != nil && !errors.Is(err, mailbox.ErrNotFound) {
		s.log().Warn("clearing the submitted mark failed", zap.String("user", j.User), zap.Uint64("mid", j.MessageID), zap.Error(err))
	}
}

func (s *Submitter) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Submitter) log() *zap.Logger {
	if s.Log != nil {
		return s.Log
	}
	return zap.NewNop()
}

// temporaryError marks a failure a later attempt may not meet: nothing has
// been handed over yet and the cause may pass (a relay or the directory
// unreachable, a 4xx reply, sendmail's EX_TEMPFAIL).
type temporaryError struct{ err error }

func (e *temporaryError) Error() string { return e.err.Error() }
func (e *temporaryError) Unwrap() error { return e.err }

func temporary(err error) error { return &temporaryError{err} }

// Temporary reports whether a Submit or SendDeferred failure may pass when
// tried again.
func Temporary(err error) bool {
	var t *temporaryError
	return errors.As(err, &t)
}

// temporarySend reports whether a Sender's error is worth another attempt.
func temporarySend(err error) bool {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code >= 400 && se.Code < 500
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode() == 75 // EX_TEMPFAIL
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// setSender makes the submitting user the sender when the message names
// none (a client may set "sent representing" for delegation).
func setSender(m *oxcmail.Message, u *directory.User) {
	has := func(tag mapi.PropTag) bool {
		for _, p := range m.Props {
			if p.Tag == tag {
				return true
			}
		}
		return false
	}
	add := func(tag mapi.PropTag, v any) {
		if !has(tag) {
			m.Props = append(m.Props, mapi.PropVal{Tag: tag, Value: v})
		}
	}
	add(mapi.PrSenderName, u.DisplayName)
	add(mapi.PrSenderAddrType, "SMTP")
	add(mapi.PrSenderEmailAddress, u.Username)
	add(mapi.PrSentRepresentingName, u.DisplayName)
	add(mapi.PrSentRepresentingAddrType, "SMTP")
	add(mapi.PrSentRepresentingEmailAddress, u.Username)
}

// recipientAddress is a recipient row's Internet address.
func recipientAddress(r mailbox.Props) string {
	if v, ok := r.Get(mapi.PrSMTPAddress); ok {
		if s, _ := v.(string); s != "" {
			return s
		}
	}
	t, _ := r.Get(mapi.PrAddrType)
	if v, ok := r.Get(mapi.PrEmailAddress); ok && (t == "SMTP" || t == nil) {
		if s, _ := v.(string); strings.Contains(s, "@") {
			return s
		}
	}
	for _, tag := range []mapi.PropTag{mapi.PrRecipientEntryID, mapi.PrEntryID} {
		if v, ok := r.Get(tag); ok {
			if b, ok := v.([]byte); ok {
				if oo, err := mapi.ParseOneOffEntryID(b); err == nil && strings.EqualFold(oo.AddressType, "SMTP") {
					return oo.Address
				}
			}
		}
	}
	return ""
}
