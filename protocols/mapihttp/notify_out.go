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
	return a.byStoreID[storeKey{dir, id}]
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
// while they fit in room bytes, and RopPending when some are left: store
// events of the subscriptions, then changes of open tables
// (TableModified, MS-OXCNOTIF 2.2.1.4.1.2), whose handle is the table's.
func (a *session) appendNotifications(out []byte, room int) []byte {
	const pendingSize = 3
	w := mapi.NewWriter(mapi.CodecROP)
	full := false
	put := func(p *rops.NotifyResponse) bool {
		w.Reset()
		if p.Put(w) != nil {
			return true
		}
		if len(out)+w.Len()+pendingSize > room {
			full = true
			return false
		}
		out = append(out, w.Bytes()...)
		return true
	}
	evs := a.takeEvents(-1)
	for i, qe := range evs {
		o := a.subscriptionObject(qe.dir, qe.subID)
		if o == nil {
			continue
		}
		n, want := notifyData(o.sub, qe.ev)
		if !want {
			continue
		}
		if !put(&rops.NotifyResponse{NotificationHandle: o.handle, LogonID: o.sub.logonID, NotificationData: n}) {
			a.requeue(evs[i:])
			break
		}
	}
	tevs := a.takeTableEvents()
	if full {
		a.requeueTable(tevs)
	} else {
		for i, n := range a.tableNotifications(tevs) {
			if n.obj == nil {
				continue
			}
			if !put(&rops.NotifyResponse{NotificationHandle: n.obj.handle, LogonID: n.obj.logon.id, NotificationData: n.data}) {
				a.requeueTable(tevs[i:])
				break
			}
		}
	}
	if full {
		w.Reset()
		if (&rops.PendingResponse{}).Put(w) == nil {
			out = append(out, w.Bytes()...)
		}
	}
	return out
}

// tableObject finds the object of a store table.
func (a *session) tableObject(dir string, id uint32) *object {
	return a.byStoreID[storeKey{dir, uint64(id) | tableKeyBit}]
}

type tableNotification struct {
	obj  *object
	data rops.NotificationData
}

// tableNotifications describes table changes, one per change in order
// (obj nil for a table the client no longer has), reading the rows that
// were added or changed in the table's columns.
func (a *session) tableNotifications(tevs []tableEvent) []tableNotification {
	out := make([]tableNotification, len(tevs))
	byObj := map[*object][]int{}
	for i, te := range tevs {
		o := a.tableObject(te.dir, te.tableID)
		if o == nil {
			continue
		}
		out[i].obj = o
		byObj[o] = append(byObj[o], i)
	}
	for o, idx := range byObj {
		cols := o.table.cols
		contents := o.table.kind == tableContents
		var want []mailbox.RowID
		for _, i := range idx {
			ch := tevs[i].change
			d := &out[i].data
			d.NotificationFlags = rops.NotificationTableModified
			if contents {
				d.NotificationFlags |= rops.NotificationFlagM
			}
			d.TableEventType = uint16(ch.Kind)
			if contents {
				d.TableRowFolderID, d.TableRowMessageID, d.TableRowInstance = ch.Row.FolderID, ch.Row.InstID, ch.Row.InstNum
				d.InsertAfterTableRowFolderID, d.InsertAfterTableRowID, d.InsertAfterTableRowInstance = ch.After.FolderID, ch.After.InstID, ch.After.InstNum
			} else { // a hierarchy row is the folder itself
				d.TableRowFolderID, d.InsertAfterTableRowFolderID = ch.Row.InstID, ch.After.InstID
			}
			if ch.Kind == mailbox.TableRowAdded || ch.Kind == mailbox.TableRowModified {
				d.Columns = cols
				want = append(want, ch.Row)
			}
		}
		if len(want) == 0 {
			continue
		}
		rows, err := tableOp(a, o, func(tx *mailbox.Tx, st *mailbox.Table) ([][]mapi.PropVal, error) {
			out := make([][]mapi.PropVal, len(want))
			for i, id := range want {
				out[i], _ = st.RowData(tx, id) // gone since: no data
			}
			return out, nil
		})
		j := 0
		for _, i := range idx {
			d := &out[i].data
			if k := tevs[i].change.Kind; k != mailbox.TableRowAdded && k != mailbox.TableRowModified {
				continue
			}
			var vals []mapi.PropVal
			if err == nil && j < len(rows) {
				vals = rows[j]
			}
			j++
			if len(vals) != len(cols) {
				// The row left the table since: the client re-reads it.
				*d = rops.NotificationData{NotificationFlags: rops.NotificationTableModified, TableEventType: rops.TableChanged}
				continue
			}
			d.TableRowData = propRow(vals)
		}
	}
	return out
}
