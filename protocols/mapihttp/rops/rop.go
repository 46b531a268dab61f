package rops

import (
	"errors"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// ROP ids (MS-OXCROPS 2.2; the list the server dispatches is reference
// §5.4 less the FastTransfer/ICS group).
const (
	RopIDRelease                         uint8 = 0x01
	RopIDOpenFolder                      uint8 = 0x02
	RopIDOpenMessage                     uint8 = 0x03
	RopIDGetHierarchyTable               uint8 = 0x04
	RopIDGetContentsTable                uint8 = 0x05
	RopIDCreateMessage                   uint8 = 0x06
	RopIDGetPropertiesSpecific           uint8 = 0x07
	RopIDGetPropertiesAll                uint8 = 0x08
	RopIDGetPropertiesList               uint8 = 0x09
	RopIDSetProperties                   uint8 = 0x0A
	RopIDDeleteProperties                uint8 = 0x0B
	RopIDSaveChangesMessage              uint8 = 0x0C
	RopIDRemoveAllRecipients             uint8 = 0x0D
	RopIDModifyRecipients                uint8 = 0x0E
	RopIDReadRecipients                  uint8 = 0x0F
	RopIDReloadCachedInformation         uint8 = 0x10
	RopIDSetMessageReadFlag              uint8 = 0x11
	RopIDSetColumns                      uint8 = 0x12
	RopIDSortTable                       uint8 = 0x13
	RopIDRestrict                        uint8 = 0x14
	RopIDQueryRows                       uint8 = 0x15
	RopIDGetStatus                       uint8 = 0x16
	RopIDQueryPosition                   uint8 = 0x17
	RopIDSeekRow                         uint8 = 0x18
	RopIDSeekRowBookmark                 uint8 = 0x19
	RopIDSeekRowFractional               uint8 = 0x1A
	RopIDCreateBookmark                  uint8 = 0x1B
	RopIDCreateFolder                    uint8 = 0x1C
	RopIDDeleteFolder                    uint8 = 0x1D
	RopIDDeleteMessages                  uint8 = 0x1E
	RopIDGetMessageStatus                uint8 = 0x1F
	RopIDSetMessageStatus                uint8 = 0x20
	RopIDGetAttachmentTable              uint8 = 0x21
	RopIDOpenAttachment                  uint8 = 0x22
	RopIDCreateAttachment                uint8 = 0x23
	RopIDDeleteAttachment                uint8 = 0x24
	RopIDSaveChangesAttachment           uint8 = 0x25
	RopIDSetReceiveFolder                uint8 = 0x26
	RopIDGetReceiveFolder                uint8 = 0x27
	RopIDRegisterNotification            uint8 = 0x29
	RopIDNotify                          uint8 = 0x2A
	RopIDOpenStream                      uint8 = 0x2B
	RopIDReadStream                      uint8 = 0x2C
	RopIDWriteStream                     uint8 = 0x2D
	RopIDSeekStream                      uint8 = 0x2E
	RopIDSetStreamSize                   uint8 = 0x2F
	RopIDSetSearchCriteria               uint8 = 0x30
	RopIDGetSearchCriteria               uint8 = 0x31
	RopIDSubmitMessage                   uint8 = 0x32
	RopIDMoveCopyMessages                uint8 = 0x33
	RopIDAbortSubmit                     uint8 = 0x34
	RopIDMoveFolder                      uint8 = 0x35
	RopIDCopyFolder                      uint8 = 0x36
	RopIDQueryColumnsAll                 uint8 = 0x37
	RopIDAbort                           uint8 = 0x38
	RopIDCopyTo                          uint8 = 0x39
	RopIDCopyToStream                    uint8 = 0x3A
	RopIDCloneStream                     uint8 = 0x3B
	RopIDGetPermissionsTable             uint8 = 0x3E
	RopIDGetRulesTable                   uint8 = 0x3F
	RopIDModifyPermissions               uint8 = 0x40
	RopIDModifyRules                     uint8 = 0x41
	RopIDGetOwningServers                uint8 = 0x42
	RopIDLongTermIDFromID                uint8 = 0x43
	RopIDIDFromLongTermID                uint8 = 0x44
	RopIDPublicFolderIsGhosted           uint8 = 0x45
	RopIDOpenEmbeddedMessage             uint8 = 0x46
	RopIDSetSpooler                      uint8 = 0x47
	RopIDSpoolerLockMessage              uint8 = 0x48
	RopIDGetAddressTypes                 uint8 = 0x49
	RopIDTransportSend                   uint8 = 0x4A
	RopIDFindRow                         uint8 = 0x4F
	RopIDProgress                        uint8 = 0x50
	RopIDTransportNewMail                uint8 = 0x51
	RopIDGetValidAttachments             uint8 = 0x52
	RopIDGetNamesFromPropertyIDs         uint8 = 0x55
	RopIDGetPropertyIDsFromNames         uint8 = 0x56
	RopIDUpdateDeferredActionMessages    uint8 = 0x57
	RopIDEmptyFolder                     uint8 = 0x58
	RopIDExpandRow                       uint8 = 0x59
	RopIDCollapseRow                     uint8 = 0x5A
	RopIDLockRegionStream                uint8 = 0x5B
	RopIDUnlockRegionStream              uint8 = 0x5C
	RopIDCommitStream                    uint8 = 0x5D
	RopIDGetStreamSize                   uint8 = 0x5E
	RopIDQueryNamedProperties            uint8 = 0x5F
	RopIDGetPerUserLongTermIDs           uint8 = 0x60
	RopIDGetPerUserGUID                  uint8 = 0x61
	RopIDReadPerUserInformation          uint8 = 0x63
	RopIDWritePerUserInformation         uint8 = 0x64
	RopIDSetReadFlags                    uint8 = 0x66
	RopIDCopyProperties                  uint8 = 0x67
	RopIDGetReceiveFolderTable           uint8 = 0x68
	RopIDGetCollapseState                uint8 = 0x6B
	RopIDSetCollapseState                uint8 = 0x6C
	RopIDGetTransportFolder              uint8 = 0x6D
	RopIDPending                         uint8 = 0x6E
	RopIDOptionsData                     uint8 = 0x6F
	RopIDSetPropertiesNoReplicate        uint8 = 0x79
	RopIDDeletePropertiesNoReplicate     uint8 = 0x7A
	RopIDGetStoreState                   uint8 = 0x7B
	RopIDGetLocalReplicaIDs              uint8 = 0x7F
	RopIDResetTable                      uint8 = 0x81
	RopIDFreeBookmark                    uint8 = 0x89
	RopIDWriteAndCommitStream            uint8 = 0x90
	RopIDHardDeleteMessages              uint8 = 0x91
	RopIDHardDeleteMessagesAndSubfolders uint8 = 0x92
	RopIDBackoff                         uint8 = 0xF9
	RopIDLogon                           uint8 = 0xFE
	RopIDBufferTooSmall                  uint8 = 0xFF
)

// Request is a parsed ROP request buffer. Each request struct is a
// pointer type named <Rop>Request (OpenFolderRequest for RopOpenFolder).
type Request interface {
	RopID() uint8
}

// Response is a ROP response buffer. Each response struct is a pointer
// type named <Rop>Response; Put appends its wire form.
type Response interface {
	RopID() uint8
	Put(w *mapi.Writer) error
}

// request is what every request struct implements.
type request interface {
	Request
	// code walks the buffer after RopId.
	code(c *codec)
	// info says which handle-table slots the request uses.
	info() Info
}

// response is what every response struct with the common header
// implements.
type response interface {
	Response
	header() *ResponseHeader
	// code walks the buffer after ReturnValue.
	code(c *codec)
}

// Info says which logon and handle-table slots a request refers to.
type Info struct {
	LogonID uint8
	// InputHandleIndex is the slot of the object the ROP acts on
	// (SourceHandleIndex for the copy and move ROPs); HasInput is false
	// for RopLogon.
	InputHandleIndex uint8
	HasInput         bool
	// OutputHandleIndex is the slot the ROP stores a new object's handle
	// in, if HasOutput.
	OutputHandleIndex uint8
	HasOutput         bool
	// DestHandleIndex is the second input of the copy and move ROPs, if
	// HasDest.
	DestHandleIndex uint8
	HasDest         bool
	// ResponseHandleIndex is the handle index the response carries
	// (MS-OXCROPS: InputHandleIndex, OutputHandleIndex,
	// SourceHandleIndex or ResponseHandleIndex, per ROP).
	ResponseHandleIndex uint8
	// NoResponse is true for RopRelease, which has none.
	NoResponse bool
}

// InfoOf returns which logon and handle-table slots req refers to.
func InfoOf(req Request) Info {
	if q, ok := req.(request); ok {
		return q.info()
	}
	return Info{}
}

// Header is the start of most request buffers after RopId: the logon and
// the slot of the input object (MS-OXCROPS 2.2.3 ff.). Its response
// carries InputHandleIndex.
type Header struct {
	LogonID          uint8
	InputHandleIndex uint8
}

func (h *Header) code(c *codec) {
	c.u8(&h.LogonID)
	c.u8(&h.InputHandleIndex)
}

func (h *Header) info() Info {
	return Info{LogonID: h.LogonID, InputHandleIndex: h.InputHandleIndex, HasInput: true, ResponseHandleIndex: h.InputHandleIndex}
}

// OutHeader starts the request buffers of ROPs that create a Server
// object: also the slot for its handle, which the response carries.
type OutHeader struct {
	LogonID           uint8
	InputHandleIndex  uint8
	OutputHandleIndex uint8
}

func (h *OutHeader) code(c *codec) {
	c.u8(&h.LogonID)
	c.u8(&h.InputHandleIndex)
	c.u8(&h.OutputHandleIndex)
}

func (h *OutHeader) info() Info {
	return Info{LogonID: h.LogonID, InputHandleIndex: h.InputHandleIndex, HasInput: true,
		OutputHandleIndex: h.OutputHandleIndex, HasOutput: true, ResponseHandleIndex: h.OutputHandleIndex}
}

// CopyHeader starts the request buffers of the ROPs with a source and a
// destination object (RopMoveCopyMessages, RopMoveFolder, RopCopyFolder,
// RopCopyProperties, RopCopyTo, RopCopyToStream). The response carries
// SourceHandleIndex.
type CopyHeader struct {
	LogonID           uint8
	SourceHandleIndex uint8
	DestHandleIndex   uint8
}

func (h *CopyHeader) code(c *codec) {
	c.u8(&h.LogonID)
	c.u8(&h.SourceHandleIndex)
	c.u8(&h.DestHandleIndex)
}

func (h *CopyHeader) info() Info {
	return Info{LogonID: h.LogonID, InputHandleIndex: h.SourceHandleIndex, HasInput: true,
		DestHandleIndex: h.DestHandleIndex, HasDest: true, ResponseHandleIndex: h.SourceHandleIndex}
}

// ResponseHeader is the start of most response buffers after RopId:
// the handle index (which of the request's indexes, per ROP: see
// Info.ResponseHandleIndex) and ReturnValue.
type ResponseHeader struct {
	HandleIndex uint8
	ReturnValue mapi.ErrorCode
}

func (h *ResponseHeader) header() *ResponseHeader { return h }

// Failed reports whether ReturnValue is not success.
func (h *ResponseHeader) Failed() bool { return h.ReturnValue != mapi.EcSuccess }

// putResponse writes RopId, the header and the fields after it.
func putResponse(w *mapi.Writer, p response) error {
	h := p.header()
	w.PutUint8(p.RopID())
	w.PutUint8(h.HandleIndex)
	w.PutUint32(uint32(h.ReturnValue))
	c := &codec{w: w}
	p.code(c)
	if c.err != nil {
		return fmt.Errorf("rops: writing %s response: %w", RopName(p.RopID()), c.err)
	}
	return nil
}

// putRequest writes RopId and the request for a private logon.
func putRequest(w *mapi.Writer, q request) error {
	return putRequestContext(w, q, nil)
}

// PutRequest appends req as its Put does, but with the fields that depend
// on the kind of logon written as ctx says (see RequestContext): a
// client of a public-folders logon writes RopSetMessageReadFlag and
// RopWritePerUserInformation with it.
func PutRequest(w *mapi.Writer, req Request, ctx RequestContext) error {
	q, ok := req.(request)
	if !ok {
		return fmt.Errorf("%w: %T", ErrUnknownROP, req)
	}
	return putRequestContext(w, q, ctx.Private)
}

func putRequestContext(w *mapi.Writer, q request, private func(uint8) bool) error {
	if private == nil {
		private = func(uint8) bool { return true }
	}
	w.PutUint8(q.RopID())
	c := &codec{w: w, private: private}
	q.code(c)
	if c.err != nil {
		return fmt.Errorf("rops: writing %s request: %w", RopName(q.RopID()), c.err)
	}
	return nil
}

// ErrUnknownROP is wrapped by the error for a RopId the package does not
// know (or the server does not serve).
var ErrUnknownROP = errors.New("rops: unknown ROP")

// ParseError is the error of ParseRequests: which ROP, where, and why.
// The server answers the ROPs before it and fails the rest (MS-OXCROPS
// 3.2.5.1).
type ParseError struct {
	// Index is the position of the ROP in the buffer (0 first).
	Index int
	// Offset is where its RopId is, from the start of RopsList.
	Offset int
	RopID  uint8
	Err    error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("rops: ROP %d (%s, 0x%02X) at offset %d: %v", e.Index, RopName(e.RopID), e.RopID, e.Offset, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// RequestContext is what parsing requests needs to know besides their
// bytes.
type RequestContext struct {
	// Private reports whether the logon with that LogonId was made with
	// the Private flag (a mailbox, not public folders): RopSetMessageReadFlag
	// carries ClientData only for public logons (MS-OXCROPS 2.2.6.11.1) and
	// RopWritePerUserInformation a ReplGuid only for private ones
	// (2.2.3.13.1). RopLogon requests earlier in the same buffer take
	// precedence. Nil means every logon is private.
	Private func(logonID uint8) bool
}

// ParseRequests parses the ROP request buffers of a RopsList (without
// RopSize and the handle table) in order, taking every logon as private
// (see ParseRequestsContext).
func ParseRequests(rops []byte) ([]Request, error) {
	return ParseRequestsContext(rops, RequestContext{})
}

// ParseRequestsContext parses the ROP request buffers of a RopsList in
// order. On error it returns the requests before the bad one and a
// *ParseError.
func ParseRequestsContext(rops []byte, ctx RequestContext) ([]Request, error) {
	var seen [256]int8 // 1 private, -1 public, from RopLogon in this buffer
	private := func(id uint8) bool {
		if seen[id] != 0 {
			return seen[id] > 0
		}
		return ctx.Private == nil || ctx.Private(id)
	}
	r := mapi.NewReader(rops, mapi.CodecROP)
	var out []Request
	for i := 0; r.Len() > 0; i++ {
		at := r.Offset()
		id, _ := r.Uint8()
		q := newRequest(id)
		if q == nil {
			return out, &ParseError{Index: i, Offset: at, RopID: id, Err: ErrUnknownROP}
		}
		c := &codec{r: r, private: private}
		q.code(c)
		if c.err != nil {
			return out, &ParseError{Index: i, Offset: at, RopID: id, Err: c.err}
		}
		if l, ok := q.(*LogonRequest); ok {
			if l.LogonFlags&LogonFlagPrivate != 0 {
				seen[l.LogonID] = 1
			} else {
				seen[l.LogonID] = -1
			}
		}
		out = append(out, q)
	}
	return out, nil
}

// ParseRequest parses one request buffer from r (made with
// mapi.CodecROP), as ParseRequestsContext does.
func ParseRequest(r *mapi.Reader, ctx RequestContext) (Request, error) {
	at := r.Offset()
	id, err := r.Uint8()
	if err != nil {
		return nil, &ParseError{Offset: at, Err: err}
	}
	q := newRequest(id)
	if q == nil {
		return nil, &ParseError{Offset: at, RopID: id, Err: ErrUnknownROP}
	}
	private := ctx.Private
	if private == nil {
		private = func(uint8) bool { return true }
	}
	c := &codec{r: r, private: private}
	q.code(c)
	if c.err != nil {
		return nil, &ParseError{Offset: at, RopID: id, Err: c.err}
	}
	return q, nil
}

// ResponseContext is what parsing a response needs besides its bytes.
type ResponseContext struct {
	// Columns are the columns of the rows in the response: the columns
	// last set on the table (RopSetColumns) for RopQueryRows, RopFindRow
	// and RopExpandRow; the PropertyTags of the request for
	// RopGetPropertiesSpecific; the recipient columns (from RopOpenMessage
	// or RopReloadCachedInformation) for RopReadRecipients.
	Columns []mapi.PropTag
	// NotifyColumns gives the columns of the table a RopNotify with a
	// row (TableRowAdded, TableRowModified) is about, by its
	// NotificationHandle. Nil fails such notifications.
	NotifyColumns func(notificationHandle uint32) []mapi.PropTag
}

// ParseResponse parses one response buffer from r (made with
// mapi.CodecROP), RopId first.
func ParseResponse(r *mapi.Reader, ctx ResponseContext) (Response, error) {
	at := r.Offset()
	id, err := r.Uint8()
	if err != nil {
		return nil, err
	}
	c := &codec{r: r, ctx: &ctx}
	if s := newSpecialResponse(id); s != nil {
		s.code(c)
		if c.err != nil {
			return nil, fmt.Errorf("rops: %s response at offset %d: %w", RopName(id), at, c.err)
		}
		return s, nil
	}
	p := newResponse(id)
	if p == nil {
		return nil, fmt.Errorf("%w: response RopId 0x%02X at offset %d", ErrUnknownROP, id, at)
	}
	h := p.header()
	c.u8(&h.HandleIndex)
	c.ec(&h.ReturnValue)
	p.code(c)
	if c.err != nil {
		return nil, fmt.Errorf("rops: %s response at offset %d: %w", RopName(id), at, c.err)
	}
	return p, nil
}

// ErrorResponse returns the failure response to req: only the header,
// with the handle index the ROP's response carries and ec (plus the
// fields the specification keeps on failure, zero). It returns nil for
// RopRelease, which has no response.
func ErrorResponse(req Request, ec mapi.ErrorCode) Response {
	inf := InfoOf(req)
	if inf.NoResponse {
		return nil
	}
	p := newResponse(req.RopID())
	if p == nil {
		return nil
	}
	*p.header() = ResponseHeader{HandleIndex: inf.ResponseHandleIndex, ReturnValue: ec}
	return p
}

// special is a response without the common header (RopNotify,
// RopPending, RopBackoff, RopBufferTooSmall): code walks all of it after
// RopId.
type special interface {
	Response
	code(c *codec)
}

func putSpecial(w *mapi.Writer, s special) error {
	w.PutUint8(s.RopID())
	c := &codec{w: w}
	s.code(c)
	if c.err != nil {
		return fmt.Errorf("rops: writing %s: %w", RopName(s.RopID()), c.err)
	}
	return nil
}

func newSpecialResponse(id uint8) special {
	switch id {
	case RopIDNotify:
		return &NotifyResponse{}
	case RopIDPending:
		return &PendingResponse{}
	case RopIDBackoff:
		return &BackoffResponse{}
	case RopIDBufferTooSmall:
		return &BufferTooSmallResponse{}
	}
	return nil
}

// rop describes one ROP: its name and its constructors.
type rop struct {
	name     string
	request  func() request
	response func() response
}

var ropTable [256]rop

func register(id uint8, name string, q func() request, p func() response) {
	ropTable[id] = rop{name: name, request: q, response: p}
}

func newRequest(id uint8) request {
	if f := ropTable[id].request; f != nil {
		return f()
	}
	return nil
}

func newResponse(id uint8) response {
	if f := ropTable[id].response; f != nil {
		return f()
	}
	return nil
}

// RopName returns the name of a ROP (such as "RopOpenFolder"), or
// "Rop0xNN" for one this package does not know.
func RopName(id uint8) string {
	if n := ropTable[id].name; n != "" {
		return n
	}
	switch id {
	case RopIDNotify:
		return "RopNotify"
	case RopIDPending:
		return "RopPending"
	case RopIDBackoff:
		return "RopBackoff"
	case RopIDBufferTooSmall:
		return "RopBufferTooSmall"
	}
	return fmt.Sprintf("Rop0x%02X", id)
}
