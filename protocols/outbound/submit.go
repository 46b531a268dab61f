package outbound

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
// and is returned.
type Submitter struct {
	Stores *mailbox.Registry
	Dir    Resolver
	Out    Sender
	Log    *zap.Logger
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Tags not in mapi's list yet.
const (
	tagDeferredSendTime mapi.PropTag = 0x3fef0040 // PR_DEFERRED_SEND_TIME
)

// ErrDeferred: the message has a deferred send time in the future; Submit
// sends it then (the timer lives in this process).
var ErrDeferred = errors.New("outbound: deferred until its send time")

// Submit sends message mid of user's store.
func (s *Submitter) Submit(ctx context.Context, user *directory.User, mid uint64) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	mc, err := mailbox.Do[*mailbox.MessageContent](ctx, s.Stores, user.Maildir, mailbox.ReadMessage{MessageID: mid})
	if err != nil {
		return fmt.Errorf("submit %d: %w", mid, err)
	}
	if v, ok := mc.Props.Get(tagDeferredSendTime); ok {
		if at, ok := v.(mapi.FileTime); ok && at.Time().After(now()) {
			time.AfterFunc(at.Time().Sub(now()), func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				if err := s.Submit(ctx, user, mid); err != nil && s.Log != nil {
					s.Log.Warn("deferred send failed", zap.String("user", user.Username), zap.Uint64("mid", mid), zap.Error(err))
				}
			})
			return fmt.Errorf("%w: %s", ErrDeferred, at.Time().UTC().Format(time.RFC3339))
		}
	}
	m := mc.Oxcmail()
	setSender(m, user)
	raw, err := oxcmail.Export(m, oxcmail.ExportOptions{Now: now, HideBcc: true})
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
			return fmt.Errorf("submit %d: resolving %s: %w", mid, addr, err)
		}
	}
	if len(local) == 0 && len(remote) == 0 {
		return fmt.Errorf("submit %d: no recipient with an Internet address", mid)
	}
	if len(remote) > 0 {
		if err := s.Out.Send(ctx, user.Username, remote, raw); err != nil {
			return fmt.Errorf("submit %d: %w", mid, err)
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
		return nil, afterSubmit(tx, mid, mc.Props, now())
	}))
	if err != nil {
		return fmt.Errorf("submit %d: sent, but filing it failed: %w", mid, err)
	}
	return nil
}

// afterSubmit marks the message sent and files it away (or deletes it).
func afterSubmit(tx *mailbox.Tx, mid uint64, props mailbox.Props, now time.Time) error {
	flags, _ := props.Get(mapi.PrMessageFlags)
	f, _ := flags.(int32)
	f &^= mapi.MsgFlagUnsent | mapi.MsgFlagSubmitted
	f |= mapi.MsgFlagRead
	where, err := tx.MessageProps(mid, []mapi.PropTag{mapi.PrParentFolderID})
	if err != nil {
		return err
	}
	var from uint64
	if v, ok := where.Get(mapi.PrParentFolderID); ok {
		if n, ok := v.(int64); ok {
			from = mapi.EID(n).GCV()
		}
	}
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
