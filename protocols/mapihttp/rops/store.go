package rops

// Logon and store ROPs (MS-OXCROPS 2.2.3; MS-OXCSTOR 2.2.1).

import (
	"github.com/gromox-go/gromox/mapi"
)

// LogonFlags of RopLogon (MS-OXCSTOR 2.2.1.1.1).
const (
	LogonFlagPrivate    uint8 = 0x01
	LogonFlagUndercover uint8 = 0x02
	LogonFlagGhosted    uint8 = 0x04
	LogonFlagSplProcess uint8 = 0x08
)

// LogonRequest is RopLogon (MS-OXCROPS 2.2.3.1.1). It has no input
// object: the third byte is OutputHandleIndex.
type LogonRequest struct {
	LogonID           uint8
	OutputHandleIndex uint8
	LogonFlags        uint8
	OpenFlags         uint32
	StoreState        uint32
	// Essdn is the ESSDN of the mailbox; on the wire EssdnSize (u16)
	// counts it with its terminator and is 0 when it is empty.
	Essdn string
}

func (q *LogonRequest) code(c *codec) {
	c.u8(&q.LogonID)
	c.u8(&q.OutputHandleIndex)
	c.u8(&q.LogonFlags)
	c.u32(&q.OpenFlags)
	c.u32(&q.StoreState)
	var b []byte
	if q.Essdn != "" {
		b = append([]byte(q.Essdn), 0)
	}
	c.bytes16(&b)
	if c.reading() && c.err == nil {
		q.Essdn = cutNUL(b)
	}
}

func (q *LogonRequest) info() Info {
	return Info{LogonID: q.LogonID, OutputHandleIndex: q.OutputHandleIndex, HasOutput: true, ResponseHandleIndex: q.OutputHandleIndex}
}

// cutNUL returns b up to its first NUL.
func cutNUL(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// LogonTime is the LogonTime field of the private-mailbox RopLogon
// response (MS-OXCROPS 2.2.3.1.2).
type LogonTime struct {
	Seconds, Minutes, Hour, DayOfWeek, Day, Month uint8
	Year                                          uint16
}

// LogonResponse is RopLogon's response. Its layout follows LogonFlags
// (the request's, echoed): with LogonFlagPrivate the private-mailbox
// success response (MS-OXCROPS 2.2.3.1.2), otherwise the public-folders
// one (2.2.3.1.3); with ReturnValue ecWrongServer (0x478) the redirect
// response (2.2.3.1.4: LogonFlags and ServerName).
type LogonResponse struct {
	ResponseHeader
	LogonFlags uint8
	// FolderIDs are the 13 special folders (MS-OXCSTOR 2.2.1.1.3 and
	// 2.2.1.1.4 give their order for each kind of store).
	FolderIDs [13]mapi.EID
	// Private mailbox only.
	ResponseFlags uint8
	MailboxGUID   mapi.GUID
	ReplID        uint16
	ReplGUID      mapi.GUID
	LogonTime     LogonTime
	GwartTime     mapi.FileTime
	StoreState    uint32
	// Public folders only (with ReplID and ReplGUID).
	PerUserGUID mapi.GUID
	// ServerName is the server to retry at, in the redirect response.
	ServerName string
}

func (p *LogonResponse) code(c *codec) {
	if p.ReturnValue == mapi.EcWrongServer { // 2.2.3.1.4
		c.u8(&p.LogonFlags)
		var b []byte
		if c.w != nil {
			b = append([]byte(p.ServerName), 0)
			if len(b) > 255 {
				c.failf("rops: server name of %d bytes", len(b))
				return
			}
		}
		n := uint8(len(b))
		c.u8(&n)
		c.raw(&b, int(n))
		if c.reading() && c.err == nil {
			p.ServerName = cutNUL(b)
		}
		return
	}
	if p.Failed() {
		return
	}
	c.u8(&p.LogonFlags)
	for i := range p.FolderIDs {
		c.id(&p.FolderIDs[i])
	}
	if p.LogonFlags&LogonFlagPrivate != 0 { // 2.2.3.1.2
		c.u8(&p.ResponseFlags)
		c.guid(&p.MailboxGUID)
		c.u16(&p.ReplID)
		c.guid(&p.ReplGUID)
		t := &p.LogonTime
		c.u8(&t.Seconds)
		c.u8(&t.Minutes)
		c.u8(&t.Hour)
		c.u8(&t.DayOfWeek)
		c.u8(&t.Day)
		c.u8(&t.Month)
		c.u16(&t.Year)
		v := uint64(p.GwartTime)
		c.u64(&v)
		p.GwartTime = mapi.FileTime(v)
		c.u32(&p.StoreState)
		return
	}
	c.u16(&p.ReplID) // 2.2.3.1.3
	c.guid(&p.ReplGUID)
	c.guid(&p.PerUserGUID)
}

// GetReceiveFolderRequest is RopGetReceiveFolder (MS-OXCROPS 2.2.3.2.1).
type GetReceiveFolderRequest struct {
	Header
	MessageClass string
}

func (q *GetReceiveFolderRequest) code(c *codec) {
	q.Header.code(c)
	c.str8(&q.MessageClass)
}

// GetReceiveFolderResponse is its response (2.2.3.2.2).
type GetReceiveFolderResponse struct {
	ResponseHeader
	FolderID             mapi.EID
	ExplicitMessageClass string
}

func (p *GetReceiveFolderResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.id(&p.FolderID)
	c.str8(&p.ExplicitMessageClass)
}

// SetReceiveFolderRequest is RopSetReceiveFolder (MS-OXCROPS 2.2.3.3.1).
type SetReceiveFolderRequest struct {
	Header
	FolderID     mapi.EID
	MessageClass string
}

func (q *SetReceiveFolderRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.FolderID)
	c.str8(&q.MessageClass)
}

// SetReceiveFolderResponse is its response (2.2.3.3.2).
type SetReceiveFolderResponse struct{ ResponseHeader }

func (p *SetReceiveFolderResponse) code(c *codec) {}

// GetReceiveFolderTableRequest is RopGetReceiveFolderTable (MS-OXCROPS
// 2.2.3.4.1).
type GetReceiveFolderTableRequest struct{ Header }

// ReceiveFolderTableColumns are the columns of the rows of
// RopGetReceiveFolderTable (MS-OXCSTOR 2.2.1.4.2): PidTagFolderId,
// PidTagMessageClass (PtypString8) and PidTagLastModificationTime.
var ReceiveFolderTableColumns = []mapi.PropTag{0x67480014, 0x001A001E, 0x30080040}

// GetReceiveFolderTableResponse is its response (2.2.3.4.2): RowCount
// (u32) standard PropertyRows of ReceiveFolderTableColumns.
type GetReceiveFolderTableResponse struct {
	ResponseHeader
	Rows []mapi.PropRow
}

func (p *GetReceiveFolderTableResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	n := c.count32(len(p.Rows))
	if !c.room(int(n), 1) {
		return
	}
	c.rowsN(&p.Rows, int(n), ReceiveFolderTableColumns)
}

// GetStoreStateRequest is RopGetStoreState (MS-OXCROPS 2.2.3.5.1).
type GetStoreStateRequest struct{ Header }

// GetStoreStateResponse is its response (2.2.3.5.2).
type GetStoreStateResponse struct {
	ResponseHeader
	StoreState uint32
}

func (p *GetStoreStateResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.StoreState)
	}
}

// GetOwningServersRequest is RopGetOwningServers (MS-OXCROPS 2.2.3.6.1).
type GetOwningServersRequest struct {
	Header
	FolderID mapi.EID
}

func (q *GetOwningServersRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.FolderID)
}

// GetOwningServersResponse is its response (2.2.3.6.2):
// OwningServersCount (u16), CheapServersCount (u16) and the servers as
// null-terminated ASCII strings.
type GetOwningServersResponse struct {
	ResponseHeader
	CheapServersCount uint16
	OwningServers     []string
}

func (p *GetOwningServersResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	n := c.count16(len(p.OwningServers))
	c.u16(&p.CheapServersCount)
	c.strings8(&p.OwningServers, int(n))
}

// PublicFolderIsGhostedRequest is RopPublicFolderIsGhosted (MS-OXCROPS
// 2.2.3.7.1).
type PublicFolderIsGhostedRequest struct {
	Header
	FolderID mapi.EID
}

func (q *PublicFolderIsGhostedRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.FolderID)
}

// PublicFolderIsGhostedResponse is its response (2.2.3.7.2); the server
// list follows only if IsGhosted.
type PublicFolderIsGhostedResponse struct {
	ResponseHeader
	IsGhosted bool
	Ghost
}

// Ghost is the server list of a ghosted public folder: ServersCount
// (u16), CheapServersCount (u16) and Servers (null-terminated ASCII).
type Ghost struct {
	CheapServersCount uint16
	Servers           []string
}

func (g *Ghost) code(c *codec) {
	n := c.count16(len(g.Servers))
	c.u16(&g.CheapServersCount)
	c.strings8(&g.Servers, int(n))
}

func (p *PublicFolderIsGhostedResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.IsGhosted)
	if p.IsGhosted {
		p.Ghost.code(c)
	}
}

// LongTermIDFromIDRequest is RopLongTermIdFromId (MS-OXCROPS 2.2.3.8.1).
type LongTermIDFromIDRequest struct {
	Header
	ObjectID mapi.EID
}

func (q *LongTermIDFromIDRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.ObjectID)
}

// LongTermIDFromIDResponse is its response (2.2.3.8.2).
type LongTermIDFromIDResponse struct {
	ResponseHeader
	LongTermID mapi.LongTermID
}

func (p *LongTermIDFromIDResponse) code(c *codec) {
	if !p.Failed() {
		c.longTermID(&p.LongTermID)
	}
}

// IDFromLongTermIDRequest is RopIdFromLongTermId (MS-OXCROPS 2.2.3.9.1).
type IDFromLongTermIDRequest struct {
	Header
	LongTermID mapi.LongTermID
}

func (q *IDFromLongTermIDRequest) code(c *codec) {
	q.Header.code(c)
	c.longTermID(&q.LongTermID)
}

// IDFromLongTermIDResponse is its response (2.2.3.9.2).
type IDFromLongTermIDResponse struct {
	ResponseHeader
	ObjectID mapi.EID
}

func (p *IDFromLongTermIDResponse) code(c *codec) {
	if !p.Failed() {
		c.id(&p.ObjectID)
	}
}

// GetPerUserLongTermIDsRequest is RopGetPerUserLongTermIds (MS-OXCROPS
// 2.2.3.10.1).
type GetPerUserLongTermIDsRequest struct {
	Header
	DatabaseGUID mapi.GUID
}

func (q *GetPerUserLongTermIDsRequest) code(c *codec) {
	q.Header.code(c)
	c.guid(&q.DatabaseGUID)
}

// GetPerUserLongTermIDsResponse is its response (2.2.3.10.2):
// LongTermIdCount (u16) and the ids.
type GetPerUserLongTermIDsResponse struct {
	ResponseHeader
	LongTermIDs []mapi.LongTermID
}

func (p *GetPerUserLongTermIDsResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	n := int(c.count16(len(p.LongTermIDs)))
	if !c.room(n, mapi.LongTermIDSize) {
		return
	}
	if c.reading() {
		p.LongTermIDs = make([]mapi.LongTermID, n)
	}
	for i := range p.LongTermIDs {
		c.longTermID(&p.LongTermIDs[i])
	}
}

// GetPerUserGUIDRequest is RopGetPerUserGuid (MS-OXCROPS 2.2.3.11.1).
type GetPerUserGUIDRequest struct {
	Header
	LongTermID mapi.LongTermID
}

func (q *GetPerUserGUIDRequest) code(c *codec) {
	q.Header.code(c)
	c.longTermID(&q.LongTermID)
}

// GetPerUserGUIDResponse is its response (2.2.3.11.2).
type GetPerUserGUIDResponse struct {
	ResponseHeader
	DatabaseGUID mapi.GUID
}

func (p *GetPerUserGUIDResponse) code(c *codec) {
	if !p.Failed() {
		c.guid(&p.DatabaseGUID)
	}
}

// ReadPerUserInformationRequest is RopReadPerUserInformation (MS-OXCROPS
// 2.2.3.12.1).
type ReadPerUserInformationRequest struct {
	Header
	FolderID    mapi.LongTermID
	Reserved    uint8
	DataOffset  uint32
	MaxDataSize uint16
}

func (q *ReadPerUserInformationRequest) code(c *codec) {
	q.Header.code(c)
	c.longTermID(&q.FolderID)
	c.u8(&q.Reserved)
	c.u32(&q.DataOffset)
	c.u16(&q.MaxDataSize)
}

// ReadPerUserInformationResponse is its response (2.2.3.12.2): HasFinished
// and DataSize (u16) bytes of Data.
type ReadPerUserInformationResponse struct {
	ResponseHeader
	HasFinished bool
	Data        []byte
}

func (p *ReadPerUserInformationResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.HasFinished)
	c.bytes16(&p.Data)
}

// WritePerUserInformationRequest is RopWritePerUserInformation
// (MS-OXCROPS 2.2.3.13.1). ReplGUID is on the wire only when DataOffset
// is 0 and the logon is private (RequestContext.Private).
type WritePerUserInformationRequest struct {
	Header
	FolderID    mapi.LongTermID
	HasFinished bool
	DataOffset  uint32
	Data        []byte
	ReplGUID    mapi.GUID
}

func (q *WritePerUserInformationRequest) code(c *codec) {
	q.Header.code(c)
	c.longTermID(&q.FolderID)
	c.boolean(&q.HasFinished)
	c.u32(&q.DataOffset)
	c.bytes16(&q.Data)
	if q.DataOffset == 0 && c.private(q.LogonID) {
		c.guid(&q.ReplGUID)
	}
}

// WritePerUserInformationResponse is its response (2.2.3.13.2).
type WritePerUserInformationResponse struct{ ResponseHeader }

func (p *WritePerUserInformationResponse) code(c *codec) {}

// GetLocalReplicaIDsRequest is RopGetLocalReplicaIds (MS-OXCROPS
// 2.2.13.13.1; MS-OXCFXICS 2.2.3.2.4.7): reserve IdCount ids.
type GetLocalReplicaIDsRequest struct {
	Header
	IDCount uint32
}

func (q *GetLocalReplicaIDsRequest) code(c *codec) {
	q.Header.code(c)
	c.u32(&q.IDCount)
}

// GetLocalReplicaIDsResponse is its response (2.2.13.13.2): the replica
// GUID and the first GLOBCNT of the range.
type GetLocalReplicaIDsResponse struct {
	ResponseHeader
	ReplGUID    mapi.GUID
	GlobalCount mapi.GlobCnt
}

func (p *GetLocalReplicaIDsResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.guid(&p.ReplGUID)
	c.fixed(p.GlobalCount[:])
}
