package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Notifications (MS-OXCNOTIF 3.2.5): RopRegisterNotification subscribes
// to the store through the session's Inbox; the events queue in the
// session, NotificationWait tells the client they are there, and the next
// Execute carries them as RopNotify responses after its ROP responses,
// with RopPending when some did not fit.

// ropRegisterNotification (MS-OXCNOTIF 3.2.5.1).
func (a *session) ropRegisterNotification(req *rops.RegisterNotificationRequest, in *object) ropResult {
	if in.kind != kindLogon && in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	sub := &subscription{flags: uint16(req.NotificationTypes), whole: req.WantWholeStore, logonID: in.logon.id}
	if !req.WantWholeStore {
		var valid bool
		if sub.fid, valid = storeID(uint64(req.FolderID)); !valid {
			return fail(mapi.EcNotFound)
		}
		if req.MessageID != 0 {
			sub.mid, _ = storeID(uint64(req.MessageID))
		}
	}
	kinds := mailbox.EventKind(uint16(req.NotificationTypes) & (rops.NotificationNewMail | rops.NotificationObjectCreated |
		rops.NotificationObjectDeleted | rops.NotificationObjectModified | rops.NotificationObjectMoved |
		rops.NotificationObjectCopied | rops.NotificationSearchComplete))
	if uint16(req.NotificationTypes)&rops.NotificationObjectModified != 0 {
		kinds |= mailbox.EventCountsChanged
	}
	if kinds == 0 {
		return fail(mapi.EcNotSupported) // table and extended events: not served
	}
	if a.inbox == nil {
		a.inbox = a.s.sys.NewInbox(a.notified)
	}
	id, err := storeDo[uint64](a, in.logon, mailbox.Subscribe{Subscriber: a.inbox.PID(), Kinds: kinds, FolderID: sub.fid})
	if err != nil {
		return fail(ecOf(err))
	}
	sub.id = id
	return ropResult{resp: success[*rops.RegisterNotificationResponse](req),
		obj: &object{kind: kindSubscription, logon: in.logon, sub: sub}}
}

// subscriptionObject finds the object of a store subscription.
func (a *session) subscriptionObject(dir string, id uint64) *object {
	for _, o := range a.handles {
		if o.kind == kindSubscription && o.sub.id == id && o.logon.dir == dir {
			return o
		}
	}
	return nil
}

// notifyData describes an event as RopNotify's NotificationData, or false
// when the subscription does not want it.
func notifyData(sub *subscription, e mailbox.Event) (rops.NotificationData, bool) {
	var n rops.NotificationData
	if sub.mid != 0 && e.MessageID != sub.mid {
		return n, false
	}
	kind := uint16(e.Kind)
	if e.Kind == mailbox.EventCountsChanged {
		if sub.flags&rops.NotificationObjectModified == 0 {
			return n, false
		}
		kind = rops.NotificationObjectModified
		if e.Total >= 0 {
			kind |= rops.NotificationFlagT
			n.TotalMessageCount = uint32(e.Total)
		}
		if e.Unread >= 0 {
			kind |= rops.NotificationFlagU
			n.UnreadMessageCount = uint32(e.Unread)
		}
		n.NotificationFlags = kind
		n.FolderID = mapi.EID(wireID(e.FolderID))
		return n, true
	}
	if kind&sub.flags == 0 {
		return n, false
	}
	msg := !e.Folder && e.MessageID != 0
	if msg {
		kind |= rops.NotificationFlagM
		n.MessageID = mapi.EID(wireID(e.MessageID))
	}
	n.NotificationFlags = kind
	n.FolderID = mapi.EID(wireID(e.FolderID))
	switch e.Kind {
	case mailbox.EventNewMail:
		n.MessageFlags = e.MessageFlags
		n.UnicodeFlag = true
		n.MessageClass = e.MessageClass
	case mailbox.EventCreated, mailbox.EventModified:
		n.TagCountAll = true
	}
	if !msg && e.ParentID != 0 {
		n.ParentFolderID = mapi.EID(wireID(e.ParentID))
	}
	if e.Kind == mailbox.EventMoved || e.Kind == mailbox.EventCopied {
		n.OldFolderID = mapi.EID(wireID(e.OldFolderID))
		if msg {
			old := e.OldMessageID
			if old == 0 {
				old = e.MessageID
			}
			n.OldMessageID = mapi.EID(wireID(old))
		}
	}
	return n, true
}

// appendNotifications appends queued notifications as RopNotify responses
// while they fit in room bytes, and RopPending when some are left.
func (a *session) appendNotifications(out []byte, room int) []byte {
	const pendingSize = 3
	evs := a.takeEvents(-1)
	w := mapi.NewWriter(mapi.CodecROP)
	for i, qe := range evs {
		o := a.subscriptionObject(qe.dir, qe.subID)
		if o == nil {
			continue
		}
		n, want := notifyData(o.sub, qe.ev)
		if !want {
			continue
		}
		w.Reset()
		p := &rops.NotifyResponse{NotificationHandle: o.handle, LogonID: o.sub.logonID, NotificationData: n}
		if p.Put(w) != nil {
			continue
		}
		if len(out)+w.Len()+pendingSize > room {
			a.requeue(evs[i:])
			w.Reset()
			if (&rops.PendingResponse{}).Put(w) == nil {
				out = append(out, w.Bytes()...)
			}
			return out
		}
		out = append(out, w.Bytes()...)
	}
	return out
}
