package rops

// Property and stream ROPs (MS-OXCROPS 2.2.8, 2.2.9; MS-OXCPRPT 2.2).

import (
	"github.com/gromox-go/gromox/mapi"
)

// GetPropertiesSpecificRequest is RopGetPropertiesSpecific (MS-OXCROPS
// 2.2.8.3.1).
type GetPropertiesSpecificRequest struct {
	Header
	PropertySizeLimit uint16
	WantUnicode       uint16
	PropertyTags      []mapi.PropTag
}

func (q *GetPropertiesSpecificRequest) code(c *codec) {
	q.Header.code(c)
	c.u16(&q.PropertySizeLimit)
	c.u16(&q.WantUnicode)
	c.tags16(&q.PropertyTags)
}

// GetPropertiesSpecificResponse is its success response (2.2.8.3.2):
// RowData, a PropertyRow whose columns are the request's PropertyTags.
// Columns is not on the wire: the handler sets it to those tags, and
// parsing takes it from ResponseContext.Columns.
type GetPropertiesSpecificResponse struct {
	ResponseHeader
	Columns []mapi.PropTag
	RowData mapi.PropRow
}

func (p *GetPropertiesSpecificResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	cols := c.columns(&p.Columns)
	if c.needColumns(cols, 1) {
		c.row(&p.RowData, cols)
	}
}

// GetPropertiesAllRequest is RopGetPropertiesAll (MS-OXCROPS 2.2.8.4.1).
type GetPropertiesAllRequest struct {
	Header
	PropertySizeLimit uint16
	WantUnicode       uint16
}

func (q *GetPropertiesAllRequest) code(c *codec) {
	q.Header.code(c)
	c.u16(&q.PropertySizeLimit)
	c.u16(&q.WantUnicode)
}

// GetPropertiesAllResponse is its success response (2.2.8.4.2).
type GetPropertiesAllResponse struct {
	ResponseHeader
	PropertyValues []mapi.PropVal
}

func (p *GetPropertiesAllResponse) code(c *codec) {
	if !p.Failed() {
		c.propVals16(&p.PropertyValues)
	}
}

// GetPropertiesListRequest is RopGetPropertiesList (MS-OXCROPS 2.2.8.5.1).
type GetPropertiesListRequest struct{ Header }

// GetPropertiesListResponse is its success response (2.2.8.5.2).
type GetPropertiesListResponse struct {
	ResponseHeader
	PropertyTags []mapi.PropTag
}

func (p *GetPropertiesListResponse) code(c *codec) {
	if !p.Failed() {
		c.tags16(&p.PropertyTags)
	}
}

// SetPropertiesRequest is RopSetProperties (MS-OXCROPS 2.2.8.6.1):
// PropertyValueSize (u16, the bytes of the count and values),
// PropertyValueCount (u16) and TaggedPropertyValues.
type SetPropertiesRequest struct {
	Header
	PropertyValues []mapi.PropVal
}

func (q *SetPropertiesRequest) code(c *codec) {
	q.Header.code(c)
	c.sized(func(c *codec) { c.propVals16(&q.PropertyValues) })
}

// ProblemsResponse is the response of the ROPs whose success response is
// a PropertyProblem list: RopSetProperties (MS-OXCROPS 2.2.8.6.2),
// RopSetPropertiesNoReplicate (2.2.8.7.2), RopDeleteProperties (2.2.8.8.2)
// and RopDeletePropertiesNoReplicate (2.2.8.9.2).
type ProblemsResponse struct {
	ResponseHeader
	PropertyProblems []PropertyProblem
}

func (p *ProblemsResponse) code(c *codec) {
	if !p.Failed() {
		c.problems(&p.PropertyProblems)
	}
}

// SetPropertiesResponse is RopSetProperties's response.
type SetPropertiesResponse struct{ ProblemsResponse }

// SetPropertiesNoReplicateRequest is RopSetPropertiesNoReplicate
// (MS-OXCROPS 2.2.8.7.1), laid out as RopSetProperties.
type SetPropertiesNoReplicateRequest struct {
	Header
	PropertyValues []mapi.PropVal
}

func (q *SetPropertiesNoReplicateRequest) code(c *codec) {
	q.Header.code(c)
	c.sized(func(c *codec) { c.propVals16(&q.PropertyValues) })
}

// SetPropertiesNoReplicateResponse is its response.
type SetPropertiesNoReplicateResponse struct{ ProblemsResponse }

// DeletePropertiesRequest is RopDeleteProperties (MS-OXCROPS 2.2.8.8.1).
type DeletePropertiesRequest struct {
	Header
	PropertyTags []mapi.PropTag
}

func (q *DeletePropertiesRequest) code(c *codec) {
	q.Header.code(c)
	c.tags16(&q.PropertyTags)
}

// DeletePropertiesResponse is its response.
type DeletePropertiesResponse struct{ ProblemsResponse }

// DeletePropertiesNoReplicateRequest is RopDeletePropertiesNoReplicate
// (MS-OXCROPS 2.2.8.9.1).
type DeletePropertiesNoReplicateRequest struct {
	Header
	PropertyTags []mapi.PropTag
}

func (q *DeletePropertiesNoReplicateRequest) code(c *codec) {
	q.Header.code(c)
	c.tags16(&q.PropertyTags)
}

// DeletePropertiesNoReplicateResponse is its response.
type DeletePropertiesNoReplicateResponse struct{ ProblemsResponse }

// QueryNamedPropertiesRequest is RopQueryNamedProperties (MS-OXCROPS
// 2.2.8.10.1); PropertyGUID is on the wire only if HasGUID.
type QueryNamedPropertiesRequest struct {
	Header
	QueryFlags   uint8
	HasGUID      bool
	PropertyGUID mapi.GUID
}

func (q *QueryNamedPropertiesRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.QueryFlags)
	c.boolean(&q.HasGUID)
	if q.HasGUID {
		c.guid(&q.PropertyGUID)
	}
}

// QueryNamedPropertiesResponse is its success response (2.2.8.10.2):
// IdCount (u16), the ids, then as many PropertyNames.
type QueryNamedPropertiesResponse struct {
	ResponseHeader
	PropertyIDs   []uint16
	PropertyNames []mapi.PropName
}

func (p *QueryNamedPropertiesResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	if c.w != nil && len(p.PropertyNames) != len(p.PropertyIDs) {
		c.failf("rops: %d names for %d ids", len(p.PropertyNames), len(p.PropertyIDs))
		return
	}
	n := int(c.count16(len(p.PropertyIDs)))
	c.u16sN(&p.PropertyIDs, n)
	c.namesN(&p.PropertyNames, n)
}

// CopyPropertiesRequest is RopCopyProperties (MS-OXCROPS 2.2.8.11.1).
type CopyPropertiesRequest struct {
	CopyHeader
	WantAsynchronous bool
	CopyFlags        uint8
	PropertyTags     []mapi.PropTag
}

func (q *CopyPropertiesRequest) code(c *codec) {
	q.CopyHeader.code(c)
	c.boolean(&q.WantAsynchronous)
	c.u8(&q.CopyFlags)
	c.tags16(&q.PropertyTags)
}

// CopyResponse is the response of RopCopyProperties (MS-OXCROPS
// 2.2.8.11.2, 2.2.8.11.3) and RopCopyTo (2.2.8.12.2, 2.2.8.12.3):
// PropertyProblems on success, DestHandleIndex (u32) in the null
// destination failure response (ReturnValue ecDstNullObject, 0x503),
// nothing on other failures.
type CopyResponse struct {
	ResponseHeader
	PropertyProblems []PropertyProblem
	DestHandleIndex  uint32
}

func (p *CopyResponse) code(c *codec) {
	switch p.ReturnValue {
	case mapi.EcSuccess:
		c.problems(&p.PropertyProblems)
	case mapi.EcDstNullObject:
		c.u32(&p.DestHandleIndex)
	}
}

// CopyPropertiesResponse is RopCopyProperties's response.
type CopyPropertiesResponse struct{ CopyResponse }

// CopyToRequest is RopCopyTo (MS-OXCROPS 2.2.8.12.1).
type CopyToRequest struct {
	CopyHeader
	WantAsynchronous bool
	WantSubObjects   bool
	CopyFlags        uint8
	ExcludedTags     []mapi.PropTag
}

func (q *CopyToRequest) code(c *codec) {
	q.CopyHeader.code(c)
	c.boolean(&q.WantAsynchronous)
	c.boolean(&q.WantSubObjects)
	c.u8(&q.CopyFlags)
	c.tags16(&q.ExcludedTags)
}

// CopyToResponse is RopCopyTo's response.
type CopyToResponse struct{ CopyResponse }

// GetPropertyIDsFromNamesRequest is RopGetPropertyIdsFromNames
// (MS-OXCROPS 2.2.8.1.1). Flags 0x02 (MAPI_CREATE) asks for ids to be
// made for unknown names.
type GetPropertyIDsFromNamesRequest struct {
	Header
	Flags         uint8
	PropertyNames []mapi.PropName
}

func (q *GetPropertyIDsFromNamesRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.Flags)
	c.names(&q.PropertyNames)
}

// GetPropertyIDsFromNamesResponse is its success response (2.2.8.1.2).
type GetPropertyIDsFromNamesResponse struct {
	ResponseHeader
	PropertyIDs []uint16
}

func (p *GetPropertyIDsFromNamesResponse) code(c *codec) {
	if !p.Failed() {
		c.u16s16(&p.PropertyIDs)
	}
}

// GetNamesFromPropertyIDsRequest is RopGetNamesFromPropertyIds
// (MS-OXCROPS 2.2.8.2.1).
type GetNamesFromPropertyIDsRequest struct {
	Header
	PropertyIDs []uint16
}

func (q *GetNamesFromPropertyIDsRequest) code(c *codec) {
	q.Header.code(c)
	c.u16s16(&q.PropertyIDs)
}

// GetNamesFromPropertyIDsResponse is its success response (2.2.8.2.2).
type GetNamesFromPropertyIDsResponse struct {
	ResponseHeader
	PropertyNames []mapi.PropName
}

func (p *GetNamesFromPropertyIDsResponse) code(c *codec) {
	if !p.Failed() {
		c.names(&p.PropertyNames)
	}
}

// ProgressRequest is RopProgress (MS-OXCROPS 2.2.8.13.1).
type ProgressRequest struct {
	Header
	WantCancel bool
}

func (q *ProgressRequest) code(c *codec) {
	q.Header.code(c)
	c.boolean(&q.WantCancel)
}

// ProgressResponse is its success response (2.2.8.13.2).
type ProgressResponse struct {
	ResponseHeader
	LogonID            uint8
	CompletedTaskCount uint32
	TotalTaskCount     uint32
}

func (p *ProgressResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.u8(&p.LogonID)
	c.u32(&p.CompletedTaskCount)
	c.u32(&p.TotalTaskCount)
}

// OpenStreamRequest is RopOpenStream (MS-OXCROPS 2.2.9.1.1).
type OpenStreamRequest struct {
	OutHeader
	PropertyTag   mapi.PropTag
	OpenModeFlags uint8
}

func (q *OpenStreamRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.tag(&q.PropertyTag)
	c.u8(&q.OpenModeFlags)
}

// OpenStreamResponse is its success response (2.2.9.1.2).
type OpenStreamResponse struct {
	ResponseHeader
	StreamSize uint32
}

func (p *OpenStreamResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.StreamSize)
	}
}

// ReadStreamMaximum is the ByteCount of RopReadStream that says
// MaximumByteCount follows (MS-OXCROPS 2.2.9.2.1).
const ReadStreamMaximum = 0xBABE

// ReadStreamRequest is RopReadStream (MS-OXCROPS 2.2.9.2.1):
// MaximumByteCount is on the wire only if ByteCount is ReadStreamMaximum.
type ReadStreamRequest struct {
	Header
	ByteCount        uint16
	MaximumByteCount uint32
}

func (q *ReadStreamRequest) code(c *codec) {
	q.Header.code(c)
	c.u16(&q.ByteCount)
	if q.ByteCount == ReadStreamMaximum {
		c.u32(&q.MaximumByteCount)
	}
}

// ReadStreamResponse is its response (2.2.9.2.2): DataSize (u16) and Data,
// whatever ReturnValue.
type ReadStreamResponse struct {
	ResponseHeader
	Data []byte
}

func (p *ReadStreamResponse) code(c *codec) { c.bytes16(&p.Data) }

// WriteStreamRequest is RopWriteStream (MS-OXCROPS 2.2.9.3.1).
type WriteStreamRequest struct {
	Header
	Data []byte
}

func (q *WriteStreamRequest) code(c *codec) {
	q.Header.code(c)
	c.bytes16(&q.Data)
}

// WrittenResponse is the response of RopWriteStream (MS-OXCROPS
// 2.2.9.3.2) and RopWriteAndCommitStream (2.2.9.12.2): WrittenSize (u16)
// whatever ReturnValue.
type WrittenResponse struct {
	ResponseHeader
	WrittenSize uint16
}

func (p *WrittenResponse) code(c *codec) { c.u16(&p.WrittenSize) }

// WriteStreamResponse is RopWriteStream's response.
type WriteStreamResponse struct{ WrittenResponse }

// WriteAndCommitStreamRequest is RopWriteAndCommitStream (MS-OXCROPS
// 2.2.9.12.1), laid out as RopWriteStream.
type WriteAndCommitStreamRequest struct {
	Header
	Data []byte
}

func (q *WriteAndCommitStreamRequest) code(c *codec) {
	q.Header.code(c)
	c.bytes16(&q.Data)
}

// WriteAndCommitStreamResponse is its response.
type WriteAndCommitStreamResponse struct{ WrittenResponse }

// CommitStreamRequest is RopCommitStream (MS-OXCROPS 2.2.9.5.1).
type CommitStreamRequest struct{ Header }

// CommitStreamResponse is its response (2.2.9.5.2).
type CommitStreamResponse struct{ ResponseHeader }

func (p *CommitStreamResponse) code(c *codec) {}

// GetStreamSizeRequest is RopGetStreamSize (MS-OXCROPS 2.2.9.6.1).
type GetStreamSizeRequest struct{ Header }

// GetStreamSizeResponse is its success response (2.2.9.6.2).
type GetStreamSizeResponse struct {
	ResponseHeader
	StreamSize uint32
}

func (p *GetStreamSizeResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.StreamSize)
	}
}

// SetStreamSizeRequest is RopSetStreamSize (MS-OXCROPS 2.2.9.7.1).
type SetStreamSizeRequest struct {
	Header
	StreamSize uint64
}

func (q *SetStreamSizeRequest) code(c *codec) {
	q.Header.code(c)
	c.u64(&q.StreamSize)
}

// SetStreamSizeResponse is its response (2.2.9.7.2).
type SetStreamSizeResponse struct{ ResponseHeader }

func (p *SetStreamSizeResponse) code(c *codec) {}

// SeekStreamRequest is RopSeekStream (MS-OXCROPS 2.2.9.8.1).
type SeekStreamRequest struct {
	Header
	Origin uint8
	Offset int64
}

func (q *SeekStreamRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.Origin)
	v := uint64(q.Offset)
	c.u64(&v)
	q.Offset = int64(v)
}

// SeekStreamResponse is its success response (2.2.9.8.2).
type SeekStreamResponse struct {
	ResponseHeader
	NewPosition uint64
}

func (p *SeekStreamResponse) code(c *codec) {
	if !p.Failed() {
		c.u64(&p.NewPosition)
	}
}

// CopyToStreamRequest is RopCopyToStream (MS-OXCROPS 2.2.9.9.1).
type CopyToStreamRequest struct {
	CopyHeader
	ByteCount uint64
}

func (q *CopyToStreamRequest) code(c *codec) {
	q.CopyHeader.code(c)
	c.u64(&q.ByteCount)
}

// CopyToStreamResponse is its response (2.2.9.9.2, 2.2.9.9.3): the byte
// counts whatever ReturnValue, preceded by DestHandleIndex (u32) in the
// null destination failure response (ReturnValue 0x503).
type CopyToStreamResponse struct {
	ResponseHeader
	DestHandleIndex  uint32
	ReadByteCount    uint64
	WrittenByteCount uint64
}

func (p *CopyToStreamResponse) code(c *codec) {
	if p.ReturnValue == mapi.EcDstNullObject {
		c.u32(&p.DestHandleIndex)
	}
	c.u64(&p.ReadByteCount)
	c.u64(&p.WrittenByteCount)
}

// CloneStreamRequest is RopCloneStream (MS-OXCROPS 2.2.9.13.1).
type CloneStreamRequest struct{ OutHeader }

// CloneStreamResponse is its response (2.2.9.13.2).
type CloneStreamResponse struct{ ResponseHeader }

func (p *CloneStreamResponse) code(c *codec) {}

// LockRegionStreamRequest is RopLockRegionStream (MS-OXCROPS 2.2.9.10.1).
type LockRegionStreamRequest struct {
	Header
	RegionOffset uint64
	RegionSize   uint64
	LockFlags    uint32
}

func (q *LockRegionStreamRequest) code(c *codec) {
	q.Header.code(c)
	c.u64(&q.RegionOffset)
	c.u64(&q.RegionSize)
	c.u32(&q.LockFlags)
}

// LockRegionStreamResponse is its response (2.2.9.10.2).
type LockRegionStreamResponse struct{ ResponseHeader }

func (p *LockRegionStreamResponse) code(c *codec) {}

// UnlockRegionStreamRequest is RopUnlockRegionStream (MS-OXCROPS
// 2.2.9.11.1).
type UnlockRegionStreamRequest struct {
	Header
	RegionOffset uint64
	RegionSize   uint64
	LockFlags    uint32
}

func (q *UnlockRegionStreamRequest) code(c *codec) {
	q.Header.code(c)
	c.u64(&q.RegionOffset)
	c.u64(&q.RegionSize)
	c.u32(&q.LockFlags)
}

// UnlockRegionStreamResponse is its response (2.2.9.11.2).
type UnlockRegionStreamResponse struct{ ResponseHeader }

func (p *UnlockRegionStreamResponse) code(c *codec) {}
