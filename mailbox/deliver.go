package mailbox

import (
	"errors"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// ErrQuotaExceeded: the store is over its prohibit-receive quota.
var ErrQuotaExceeded = errors.New("mailbox: over the receive quota")

// Deliver stores one delivered message for its recipient (upstream's
// deliver_message): the quota is checked, the message lands in the receive
// folder of its class (the Inbox by default) with its delivery time and its
// original RFC 5322 bytes, and subscribers are told of new mail. The MAPI
// form is Content (converted once for all recipients, outside the store's
// actor) or, when Content is nil, what Convert makes inside the store's
// transaction (for conversions that need the store's named property ids).
// Reply: DeliverResult.
type Deliver struct {
	Raw     []byte
	Content *MessageContent
	Convert func(tx *Tx) (*MessageContent, error)
}

// DeliverResult is the reply to Deliver.
type DeliverResult struct {
	FolderID  uint64
	MessageID uint64
}

func (d Deliver) Write(tx *Tx) (any, error) {
	if err := tx.checkReceiveQuota(int64(len(d.Raw))); err != nil {
		return nil, err
	}
	var mc *MessageContent
	if d.Content != nil {
		// Shared between recipients: this store's changes go to a copy.
		c := *d.Content
		c.Props = append(Props(nil), d.Content.Props...)
		mc = &c
	} else {
		var err error
		if mc, err = d.Convert(tx); err != nil {
			return nil, fmt.Errorf("mailbox: converting the message: %w", err)
		}
	}
	class := "IPM.Note"
	if v, ok := mc.Props.Get(mapi.PrMessageClass); ok {
		if s, ok := v.(string); ok && s != "" {
			class = s
		}
	}
	fid := uint64(mapi.PrivateFIDInbox)
	if tx.s.meta.kind == KindPrivate {
		if f, _, err := tx.ReceiveFolder(class); err == nil && f != 0 {
			fid = f
		}
	}
	now := nowFT()
	mc.Props.Set(mapi.PrMessageDeliveryTime, now)
	if !mc.Props.Has(mapi.PrClientSubmitTime) {
		mc.Props.Set(mapi.PrClientSubmitTime, now)
	}
	mid, _, _, err := tx.WriteOriginal(fid, mc, d.Raw)
	if err != nil {
		return nil, err
	}
	flags, _ := mc.Props.Get(mapi.PrMessageFlags)
	f, _ := flags.(int32)
	tx.Emit(Event{Kind: EventNewMail, FolderID: fid, MessageID: mid, MessageClass: class, MessageFlags: uint32(f)})
	return DeliverResult{FolderID: fid, MessageID: mid}, nil
}

// checkReceiveQuota refuses a message when the store is at or above its
// PR_PROHIBIT_RECEIVE_QUOTA (KiB) counting the new message.
func (t *Tx) checkReceiveQuota(size int64) error {
	p, err := t.StoreProps([]mapi.PropTag{mapi.PrProhibitReceiveQuota, mapi.PrMessageSizeExtended})
	if err != nil {
		return err
	}
	q, ok := p.Get(mapi.PrProhibitReceiveQuota)
	if !ok {
		return nil
	}
	var quota int64
	switch v := q.(type) {
	case int32:
		quota = int64(uint32(v))
	case int64:
		quota = v
	}
	if quota <= 0 {
		return nil
	}
	var used int64
	if v, ok := p.Get(mapi.PrMessageSizeExtended); ok {
		used, _ = v.(int64)
	}
	if used+size > quota*1024 {
		return fmt.Errorf("%w: %d bytes used, quota %d KiB", ErrQuotaExceeded, used, quota)
	}
	return nil
}
