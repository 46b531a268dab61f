package rops

// RopRelease, notifications and the response-only ROPs (MS-OXCROPS
// 2.2.14, 2.2.15; MS-OXCNOTIF 2.2.1).

import (
	"github.com/gromox-go/gromox/mapi"
)

// ReleaseRequest is RopRelease (MS-OXCROPS 2.2.15.3.1): free the object in
// InputHandleIndex. It has no response.
type ReleaseRequest struct{ Header }

func (q *ReleaseRequest) info() Info {
	inf := q.Header.info()
	inf.NoResponse = true
	return inf
}

// Notification types, the low 12 bits of NotificationFlags (MS-OXCNOTIF
// 2.2.1.4.1.2), and the subscription types of RopRegisterNotification.
const (
	NotificationNewMail        uint16 = 0x0002
	NotificationObjectCreated  uint16 = 0x0004
	NotificationObjectDeleted  uint16 = 0x0008
	NotificationObjectModified uint16 = 0x0010
	NotificationObjectMoved    uint16 = 0x0020
	NotificationObjectCopied   uint16 = 0x0040
	NotificationSearchComplete uint16 = 0x0080
	NotificationTableModified  uint16 = 0x0100
	NotificationExtended       uint16 = 0x0400
	NotificationTypeMask       uint16 = 0x0FFF
	// Flags above the type.
	NotificationFlagT uint16 = 0x1000 // TotalMessageCount present
	NotificationFlagU uint16 = 0x2000 // UnreadMessageCount present
	NotificationFlagS uint16 = 0x4000 // about a search folder
	NotificationFlagM uint16 = 0x8000 // about a message
)

// TableEventType values (MS-OXCNOTIF 2.2.1.4.1.2).
const (
	TableChanged            uint16 = 0x0001
	TableRowAdded           uint16 = 0x0003
	TableRowDeleted         uint16 = 0x0004
	TableRowModified        uint16 = 0x0005
	TableRestrictionChanged uint16 = 0x0007
)

// RegisterNotificationRequest is RopRegisterNotification (MS-OXCROPS
// 2.2.14.1.1): NotificationTypes (u16, the Notification* types), Reserved
// only if NotificationTypes has the NotificationExtended bit, then
// WantWholeStore, and FolderID and MessageID only if WantWholeStore is
// false.
type RegisterNotificationRequest struct {
	OutHeader
	NotificationTypes uint16
	Reserved          uint8
	WantWholeStore    bool
	FolderID          mapi.EID
	MessageID         mapi.EID
}

func (q *RegisterNotificationRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u16(&q.NotificationTypes)
	if q.NotificationTypes&NotificationExtended != 0 {
		c.u8(&q.Reserved)
	}
	c.boolean(&q.WantWholeStore)
	if !q.WantWholeStore {
		c.id(&q.FolderID)
		c.id(&q.MessageID)
	}
}

// RegisterNotificationResponse is its response (2.2.14.1.2), carrying
// OutputHandleIndex.
type RegisterNotificationResponse struct{ ResponseHeader }

func (p *RegisterNotificationResponse) code(c *codec) {}

// NotificationData is the NotificationData of RopNotify (MS-OXCNOTIF
// 2.2.1.4.1.2). Which fields are on the wire follows NotificationFlags
// and TableEventType:
//   - TableModified: TableEventType; for row added, deleted or modified
//     TableRowFolderID and, with the M flag, TableRowMessageID and
//     TableRowInstance; for row added or modified also
//     InsertAfterTableRowFolderID, with M InsertAfterTableRowID and
//     InsertAfterTableRowInstance, and TableRowDataSize (u16) with
//     TableRowData, a PropertyRow of the table's columns (Columns, not on
//     the wire; see ResponseContext.NotifyColumns).
//   - any type but TableModified and Extended: FolderID, and MessageID
//     with M.
//   - ObjectCreated, ObjectDeleted, ObjectMoved, ObjectCopied:
//     ParentFolderID for a folder (neither S nor M) or a message in a
//     search folder (S and M).
//   - ObjectMoved, ObjectCopied: OldFolderID; with M OldMessageID,
//     without it OldParentFolderID.
//   - ObjectCreated, ObjectModified: TagCount (u16) and, unless it is 0
//     or 0xFFFF, Tags (TagCountAll sends 0xFFFF).
//   - the T flag: TotalMessageCount; the U flag: UnreadMessageCount.
//   - NewMail: MessageFlags, UnicodeFlag and MessageClass (UTF-16 if
//     UnicodeFlag, else 8-bit).
type NotificationData struct {
	NotificationFlags           uint16
	TableEventType              uint16
	TableRowFolderID            mapi.EID
	TableRowMessageID           mapi.EID
	TableRowInstance            uint32
	InsertAfterTableRowFolderID mapi.EID
	InsertAfterTableRowID       mapi.EID
	InsertAfterTableRowInstance uint32
	Columns                     []mapi.PropTag
	TableRowData                mapi.PropRow
	FolderID                    mapi.EID
	MessageID                   mapi.EID
	ParentFolderID              mapi.EID
	OldFolderID                 mapi.EID
	OldMessageID                mapi.EID
	OldParentFolderID           mapi.EID
	// TagCountAll says all properties changed (TagCount 0xFFFF); then
	// Tags is empty.
	TagCountAll        bool
	Tags               []mapi.PropTag
	TotalMessageCount  uint32
	UnreadMessageCount uint32
	MessageFlags       uint32
	UnicodeFlag        bool
	MessageClass       string
}

// Type returns the notification type, the low 12 bits of
// NotificationFlags.
func (n *NotificationData) Type() uint16 { return n.NotificationFlags & NotificationTypeMask }

func (n *NotificationData) code(c *codec, handle uint32) {
	c.u16(&n.NotificationFlags)
	if c.err != nil {
		return
	}
	t := n.Type()
	m := n.NotificationFlags&NotificationFlagM != 0
	s := n.NotificationFlags&NotificationFlagS != 0
	if t == NotificationTableModified {
		c.u16(&n.TableEventType)
		e := n.TableEventType
		row := e == TableRowAdded || e == TableRowDeleted || e == TableRowModified
		data := e == TableRowAdded || e == TableRowModified
		if row {
			c.id(&n.TableRowFolderID)
			if m {
				c.id(&n.TableRowMessageID)
				c.u32(&n.TableRowInstance)
			}
		}
		if data {
			c.id(&n.InsertAfterTableRowFolderID)
			if m {
				c.id(&n.InsertAfterTableRowID)
				c.u32(&n.InsertAfterTableRowInstance)
			}
			if c.reading() && c.ctx != nil && c.ctx.NotifyColumns != nil {
				n.Columns = c.ctx.NotifyColumns(handle)
			}
			if c.reading() && n.Columns == nil {
				c.fail(errNoContext)
				return
			}
			c.sized(func(c *codec) { c.row(&n.TableRowData, n.Columns) })
		}
	}
	if t != NotificationTableModified && t != NotificationExtended {
		c.id(&n.FolderID)
		if m {
			c.id(&n.MessageID)
		}
	}
	object := t == NotificationObjectCreated || t == NotificationObjectDeleted || t == NotificationObjectMoved || t == NotificationObjectCopied
	if object && (s == m) {
		c.id(&n.ParentFolderID)
	}
	if t == NotificationObjectMoved || t == NotificationObjectCopied {
		c.id(&n.OldFolderID)
		if m {
			c.id(&n.OldMessageID)
		} else {
			c.id(&n.OldParentFolderID)
		}
	}
	if t == NotificationObjectCreated || t == NotificationObjectModified {
		var count uint16
		if c.w != nil {
			if n.TagCountAll {
				count = 0xFFFF
			} else if len(n.Tags) >= 0xFFFF {
				c.failf("rops: %d changed tags", len(n.Tags))
				return
			} else {
				count = uint16(len(n.Tags))
			}
		}
		c.u16(&count)
		if c.reading() {
			n.TagCountAll = count == 0xFFFF
			n.Tags = nil
		}
		if count != 0 && count != 0xFFFF {
			c.tagsN(&n.Tags, int(count))
		}
	}
	if n.NotificationFlags&NotificationFlagT != 0 {
		c.u32(&n.TotalMessageCount)
	}
	if n.NotificationFlags&NotificationFlagU != 0 {
		c.u32(&n.UnreadMessageCount)
	}
	if t == NotificationNewMail {
		c.u32(&n.MessageFlags)
		c.boolean(&n.UnicodeFlag)
		c.str(&n.MessageClass, n.UnicodeFlag)
	}
}

// NotifyResponse is RopNotify (MS-OXCROPS 2.2.14.2): a notification the
// server appends to a ROP output buffer. It has no ReturnValue.
type NotifyResponse struct {
	NotificationHandle uint32
	LogonID            uint8
	NotificationData   NotificationData
}

func (*NotifyResponse) RopID() uint8 { return RopIDNotify }

// Put writes the notification.
func (p *NotifyResponse) Put(w *mapi.Writer) error { return putSpecial(w, p) }

func (p *NotifyResponse) code(c *codec) {
	c.u32(&p.NotificationHandle)
	c.u8(&p.LogonID)
	p.NotificationData.code(c, p.NotificationHandle)
}

// PendingResponse is RopPending (MS-OXCROPS 2.2.14.3): notifications are
// waiting for the session SessionIndex.
type PendingResponse struct {
	SessionIndex uint16
}

func (*PendingResponse) RopID() uint8 { return RopIDPending }

// Put writes the response.
func (p *PendingResponse) Put(w *mapi.Writer) error { return putSpecial(w, p) }

func (p *PendingResponse) code(c *codec) { c.u16(&p.SessionIndex) }

// BackoffRop is one entry of RopBackoff's BackoffRopData: a ROP and how
// long (ms) to wait before sending it again.
type BackoffRop struct {
	RopIDBackoff uint8
	Duration     uint32
}

// BackoffResponse is RopBackoff (MS-OXCROPS 2.2.15.2): the server asks
// the client to wait before sending ROPs of the logon again.
type BackoffResponse struct {
	LogonID        uint8
	Duration       uint32
	BackoffRops    []BackoffRop
	AdditionalData []byte
}

func (*BackoffResponse) RopID() uint8 { return RopIDBackoff }

// Put writes the response.
func (p *BackoffResponse) Put(w *mapi.Writer) error { return putSpecial(w, p) }

func (p *BackoffResponse) code(c *codec) {
	c.u8(&p.LogonID)
	c.u32(&p.Duration)
	if c.w != nil && len(p.BackoffRops) > 255 {
		c.failf("rops: %d backoff ROPs", len(p.BackoffRops))
		return
	}
	n := uint8(len(p.BackoffRops))
	c.u8(&n)
	if !c.room(int(n), 5) {
		return
	}
	if c.reading() {
		p.BackoffRops = make([]BackoffRop, n)
	}
	for i := range p.BackoffRops {
		c.u8(&p.BackoffRops[i].RopIDBackoff)
		c.u32(&p.BackoffRops[i].Duration)
	}
	c.bytes16(&p.AdditionalData)
}

// BufferTooSmallResponse is RopBufferTooSmall (MS-OXCROPS 2.2.15.1): the
// last response of an output buffer, with the output size needed and the
// requests not run. Parsing takes all the bytes left as RequestBuffers.
// (wire.AppendBufferTooSmall writes the same bytes.)
type BufferTooSmallResponse struct {
	SizeNeeded     uint16
	RequestBuffers []byte
}

func (*BufferTooSmallResponse) RopID() uint8 { return RopIDBufferTooSmall }

// Put writes the response.
func (p *BufferTooSmallResponse) Put(w *mapi.Writer) error { return putSpecial(w, p) }

func (p *BufferTooSmallResponse) code(c *codec) {
	c.u16(&p.SizeNeeded)
	if c.err != nil {
		return
	}
	if c.reading() {
		p.RequestBuffers, c.err = c.r.Bytes(c.r.Len())
		return
	}
	c.w.PutBytes(p.RequestBuffers)
}
