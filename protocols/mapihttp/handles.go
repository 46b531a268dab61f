package mapihttp

import (
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
)

// The server object handle table (MS-OXCROPS 3.1.4.2, 3.2.5.2): every
// object a ROP opens gets a 32-bit handle the client passes back through
// the handle table of later requests. Handles are unique within the
// session context and never 0xFFFFFFFF.

// invalidHandle is the handle table value that names no object.
const invalidHandle = 0xFFFFFFFF

// maxHandles bounds the objects of one session context (upstream
// emsmdb_max_obh_per_session).
const maxHandles = 32768

// objKind is the kind of a server object.
type objKind uint8

const (
	kindLogon objKind = iota + 1
	kindFolder
	kindMessage
	kindAttachment
	kindTable
	kindStream
	kindSubscription
)

// logon is one RopLogon of the session context (MS-OXCSTOR 3.2.5.1).
type logon struct {
	id      uint8
	handle  uint32
	dir     string // the store's directory
	private bool
	owner   bool
	// delegate: the mailbox is another user's (mailboxOwner), opened
	// with its owner's rights; sendAs: the user may send as them.
	delegate     bool
	sendAs       bool
	mailboxOwner *directory.User
	mailboxGUID  mapi.GUID
	storeGUID    mapi.GUID
	// objects are the live objects opened through this logon, by handle.
	objects map[uint32]*object
	// props are the logon's computed properties (logonprops.go).
	props mailbox.Props
}

// object is one entry of the handle table.
type object struct {
	kind     objKind
	handle   uint32
	logon    *logon
	parent   *object   // what it was opened from (released with it)
	children []*object // objects opened from it (some may be released)

	fid    uint64 // folder: its id; message: its folder (GCVs)
	msg    *messageObj
	att    *mailbox.AttachmentInstance
	table  *tableObj
	stream *streamObj
	sub    *subscription
}

// messageObj is an open message: its instance and how it was opened.
type messageObj struct {
	inst     *mailbox.Instance
	mid      uint64 // 0 until a new message is first saved
	readOnly bool
}

// tableKind is what a table object lists.
type tableKind uint8

const (
	tableHierarchy tableKind = iota + 1
	tableContents
	tablePermissions
	tableRules
	tableAttachments
)

// tableObj is an open table: the store's for hierarchy and contents
// tables, rows held here for the small tables (permissions, rules,
// attachments).
type tableObj struct {
	kind  tableKind
	id    uint32 // the store's table id; 0 for a local table
	flags uint8
	cols  []mapi.PropTag
	rows  []mailbox.Props // local tables
	pos   int             // local tables: the cursor
}

// streamObj is an open property stream (MS-OXCPRPT 3.2.5.13).
type streamObj struct {
	st propStream
}

// propStream is a stream on a property: a message's or attachment's
// (*mailbox.Stream, on its instance) or a folder's or store's
// (*valueStream, committed to the store).
type propStream interface {
	Read(p []byte) (int, error)
	Write(p []byte) (int, error)
	Seek(offset int64, whence int) (int64, error)
	Tag() mapi.PropTag
	Size() int64
	SetSize(n int64) error
	Commit() error
	Close() error
}

// subscription is a RopRegisterNotification (MS-OXCNOTIF 3.2.5.1).
type subscription struct {
	id      uint64 // the store's subscription id
	flags   uint16 // NotificationTypes
	whole   bool   // WantWholeStore
	fid     uint64
	mid     uint64
	logonID uint8
}

// add puts o in the handle table and returns its handle, or false when
// the table is full.
func (a *session) add(o *object) (uint32, bool) {
	if len(a.handles) >= maxHandles {
		return invalidHandle, false
	}
	for {
		a.next++
		if a.next == invalidHandle || a.next == 0 {
			a.next = 1
		}
		if _, used := a.handles[a.next]; !used {
			break
		}
	}
	o.handle = a.next
	a.handles[o.handle] = o
	if o.kind == kindLogon {
		o.logon.handle = o.handle
	}
	if o.logon != nil {
		if o.logon.objects == nil {
			o.logon.objects = map[uint32]*object{}
		}
		o.logon.objects[o.handle] = o
	}
	if o.parent != nil {
		o.parent.children = append(o.parent.children, o)
	}
	switch {
	case o.kind == kindSubscription:
		a.byStoreID[storeKey{o.logon.dir, o.sub.id}] = o
	case o.kind == kindTable && o.table.id != 0:
		a.byStoreID[storeKey{o.logon.dir, uint64(o.table.id) | tableKeyBit}] = o
	}
	return o.handle, true
}

// storeKey names a store table or subscription of the session: the store
// and its id there (table ids with tableKeyBit, apart from subscriptions).
type storeKey struct {
	dir string
	id  uint64
}

const tableKeyBit = 1 << 63

// object returns the object of a handle, or nil.
func (a *session) object(h uint32) *object {
	if h == invalidHandle {
		return nil
	}
	return a.handles[h]
}

// release removes an object and everything opened from it (MS-OXCROPS
// 2.2.15.3 RopRelease); releasing a logon releases all its objects.
func (a *session) release(o *object) {
	if o == nil || a.handles[o.handle] != o {
		return
	}
	delete(a.handles, o.handle)
	if o.logon != nil {
		delete(o.logon.objects, o.handle)
	}
	for _, c := range o.children {
		a.release(c)
	}
	o.children = nil
	if o.kind == kindLogon {
		for _, c := range o.logon.objects {
			a.release(c)
		}
	}
	switch o.kind {
	case kindLogon:
		if a.logons[o.logon.id] == o.logon {
			delete(a.logons, o.logon.id)
		}
	case kindTable:
		if o.table.id != 0 {
			delete(a.byStoreID, storeKey{o.logon.dir, uint64(o.table.id) | tableKeyBit})
			a.do(o.logon, mailbox.CloseTable{TableID: o.table.id})
			o.table.id = 0
		}
	case kindSubscription:
		delete(a.byStoreID, storeKey{o.logon.dir, o.sub.id})
		a.do(o.logon, mailbox.Unsubscribe{ID: o.sub.id})
	case kindStream:
		o.stream.st.Close() // MS-OXCPRPT 3.2.5.13: released writes are committed
	}
}

// wireID is the wire form of a folder or message id of a logon's store
// (MS-OXCDATA 2.2.1.1): replica id 1, the store's own.
func wireID(gcv uint64) uint64 { return uint64(mapi.MakeEID(mapi.ReplidLocal, gcv)) }

// storeID reads a wire folder or message id; ok is false for another
// replica's.
func storeID(id uint64) (uint64, bool) {
	e := mapi.EID(id)
	return e.GCV(), e.Replid() == mapi.ReplidLocal && e.GCV() != 0
}
