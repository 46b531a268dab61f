package rops

// Table ROPs (MS-OXCROPS 2.2.5; MS-OXCTABL 2.2.2).

import (
	"github.com/gromox-go/gromox/mapi"
)

// TableStatus values (MS-OXCTABL 2.2.2.1.3).
const (
	TableStatusComplete      uint8 = 0x00
	TableStatusQChanged      uint8 = 0x07
	TableStatusSorting       uint8 = 0x09
	TableStatusSortError     uint8 = 0x0A
	TableStatusSettingCols   uint8 = 0x0B
	TableStatusSetColError   uint8 = 0x0D
	TableStatusRestricting   uint8 = 0x0E
	TableStatusRestrictError uint8 = 0x0F
)

// Bookmark values of the Origin fields (MS-OXCTABL 2.2.2.1.1).
const (
	BookmarkBeginning uint8 = 0x00
	BookmarkCurrent   uint8 = 0x01
	BookmarkEnd       uint8 = 0x02
	BookmarkCustom    uint8 = 0x03
)

// StatusResponse is the response of the table ROPs whose success
// response is TableStatus alone: RopSetColumns (MS-OXCROPS 2.2.5.1.2),
// RopSortTable (2.2.5.2.2), RopRestrict (2.2.5.3.2), RopGetStatus
// (2.2.5.6.2) and RopAbort (2.2.5.5.2).
type StatusResponse struct {
	ResponseHeader
	TableStatus uint8
}

func (p *StatusResponse) code(c *codec) {
	if !p.Failed() {
		c.u8(&p.TableStatus)
	}
}

// SetColumnsRequest is RopSetColumns (MS-OXCROPS 2.2.5.1.1).
type SetColumnsRequest struct {
	Header
	SetColumnsFlags uint8
	PropertyTags    []mapi.PropTag
}

func (q *SetColumnsRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.SetColumnsFlags)
	c.tags16(&q.PropertyTags)
}

// SetColumnsResponse is its response.
type SetColumnsResponse struct{ StatusResponse }

// SortTableRequest is RopSortTable (MS-OXCROPS 2.2.5.2.1): SortOrderCount,
// CategoryCount, ExpandedCount and SortOrders as one SortOrderSet.
type SortTableRequest struct {
	Header
	SortTableFlags uint8
	SortOrderSet   mapi.SortOrderSet
}

func (q *SortTableRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.SortTableFlags)
	c.sortOrders(&q.SortOrderSet)
}

// SortTableResponse is its response.
type SortTableResponse struct{ StatusResponse }

// RestrictRequest is RopRestrict (MS-OXCROPS 2.2.5.3.1). A nil
// Restriction (RestrictionDataSize 0) removes the restriction.
type RestrictRequest struct {
	Header
	RestrictFlags uint8
	Restriction   *mapi.Restriction
}

func (q *RestrictRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.RestrictFlags)
	c.restriction(&q.Restriction)
}

// RestrictResponse is its response.
type RestrictResponse struct{ StatusResponse }

// QueryRows flags (MS-OXCTABL 2.2.2.5.1).
const (
	QueryRowsAdvance   uint8 = 0x00
	QueryRowsNoAdvance uint8 = 0x01
	QueryRowsEnableMax uint8 = 0x02
)

// QueryRowsRequest is RopQueryRows (MS-OXCROPS 2.2.5.4.1).
type QueryRowsRequest struct {
	Header
	QueryRowsFlags uint8
	ForwardRead    bool
	RowCount       uint16
}

func (q *QueryRowsRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.QueryRowsFlags)
	c.boolean(&q.ForwardRead)
	c.u16(&q.RowCount)
}

// QueryRowsResponse is its response (2.2.5.4.2): Origin, RowCount (u16)
// and a PropertyRowSet of the table's columns. Columns is not on the
// wire: the handler sets it to the columns of the table (RopSetColumns),
// and parsing takes it from ResponseContext.Columns.
type QueryRowsResponse struct {
	ResponseHeader
	Origin  uint8
	Columns []mapi.PropTag
	RowData []mapi.PropRow
}

func (p *QueryRowsResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.u8(&p.Origin)
	n := int(c.count16(len(p.RowData)))
	cols := c.columns(&p.Columns)
	if c.needColumns(cols, n) {
		c.rowsN(&p.RowData, n, cols)
	}
}

// AbortRequest is RopAbort (MS-OXCROPS 2.2.5.5.1).
type AbortRequest struct{ Header }

// AbortResponse is its response.
type AbortResponse struct{ StatusResponse }

// GetStatusRequest is RopGetStatus (MS-OXCROPS 2.2.5.6.1).
type GetStatusRequest struct{ Header }

// GetStatusResponse is its response.
type GetStatusResponse struct{ StatusResponse }

// QueryPositionRequest is RopQueryPosition (MS-OXCROPS 2.2.5.7.1).
type QueryPositionRequest struct{ Header }

// QueryPositionResponse is its response (2.2.5.7.2).
type QueryPositionResponse struct {
	ResponseHeader
	Numerator   uint32
	Denominator uint32
}

func (p *QueryPositionResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.u32(&p.Numerator)
	c.u32(&p.Denominator)
}

// SeekRowRequest is RopSeekRow (MS-OXCROPS 2.2.5.8.1).
type SeekRowRequest struct {
	Header
	Origin            uint8
	RowCount          int32
	WantRowMovedCount bool
}

func (q *SeekRowRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.Origin)
	c.i32(&q.RowCount)
	c.boolean(&q.WantRowMovedCount)
}

// SeekRowResponse is its response (2.2.5.8.2).
type SeekRowResponse struct {
	ResponseHeader
	HasSoughtLess bool
	RowsSought    int32
}

func (p *SeekRowResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.HasSoughtLess)
	c.i32(&p.RowsSought)
}

// SeekRowBookmarkRequest is RopSeekRowBookmark (MS-OXCROPS 2.2.5.9.1).
type SeekRowBookmarkRequest struct {
	Header
	Bookmark          []byte
	RowCount          int32
	WantRowMovedCount bool
}

func (q *SeekRowBookmarkRequest) code(c *codec) {
	q.Header.code(c)
	c.bytes16(&q.Bookmark)
	c.i32(&q.RowCount)
	c.boolean(&q.WantRowMovedCount)
}

// SeekRowBookmarkResponse is its response (2.2.5.9.2).
type SeekRowBookmarkResponse struct {
	ResponseHeader
	RowNoLongerVisible bool
	HasSoughtLess      bool
	RowsSought         int32
}

func (p *SeekRowBookmarkResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.RowNoLongerVisible)
	c.boolean(&p.HasSoughtLess)
	c.i32(&p.RowsSought)
}

// SeekRowFractionalRequest is RopSeekRowFractional (MS-OXCROPS
// 2.2.5.10.1).
type SeekRowFractionalRequest struct {
	Header
	Numerator   uint32
	Denominator uint32
}

func (q *SeekRowFractionalRequest) code(c *codec) {
	q.Header.code(c)
	c.u32(&q.Numerator)
	c.u32(&q.Denominator)
}

// SeekRowFractionalResponse is its response (2.2.5.10.2).
type SeekRowFractionalResponse struct{ ResponseHeader }

func (p *SeekRowFractionalResponse) code(c *codec) {}

// CreateBookmarkRequest is RopCreateBookmark (MS-OXCROPS 2.2.5.11.1).
type CreateBookmarkRequest struct{ Header }

// CreateBookmarkResponse is its response (2.2.5.11.2).
type CreateBookmarkResponse struct {
	ResponseHeader
	Bookmark []byte
}

func (p *CreateBookmarkResponse) code(c *codec) {
	if !p.Failed() {
		c.bytes16(&p.Bookmark)
	}
}

// QueryColumnsAllRequest is RopQueryColumnsAll (MS-OXCROPS 2.2.5.12.1).
type QueryColumnsAllRequest struct{ Header }

// QueryColumnsAllResponse is its response (2.2.5.12.2).
type QueryColumnsAllResponse struct {
	ResponseHeader
	PropertyTags []mapi.PropTag
}

func (p *QueryColumnsAllResponse) code(c *codec) {
	if !p.Failed() {
		c.tags16(&p.PropertyTags)
	}
}

// FindRowRequest is RopFindRow (MS-OXCROPS 2.2.5.13.1).
type FindRowRequest struct {
	Header
	FindRowFlags uint8
	Restriction  *mapi.Restriction
	Origin       uint8
	Bookmark     []byte
}

func (q *FindRowRequest) code(c *codec) {
	q.Header.code(c)
	c.u8(&q.FindRowFlags)
	c.restriction(&q.Restriction)
	c.u8(&q.Origin)
	c.bytes16(&q.Bookmark)
}

// FindRowResponse is its response (2.2.5.13.2): RowData, a PropertyRow
// of the table's columns, follows only if HasRowData. Columns is not on
// the wire (see QueryRowsResponse).
type FindRowResponse struct {
	ResponseHeader
	RowNoLongerVisible bool
	HasRowData         bool
	Columns            []mapi.PropTag
	RowData            mapi.PropRow
}

func (p *FindRowResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.RowNoLongerVisible)
	c.boolean(&p.HasRowData)
	if !p.HasRowData {
		return
	}
	cols := c.columns(&p.Columns)
	if c.needColumns(cols, 1) {
		c.row(&p.RowData, cols)
	}
}

// FreeBookmarkRequest is RopFreeBookmark (MS-OXCROPS 2.2.5.14.1).
type FreeBookmarkRequest struct {
	Header
	Bookmark []byte
}

func (q *FreeBookmarkRequest) code(c *codec) {
	q.Header.code(c)
	c.bytes16(&q.Bookmark)
}

// FreeBookmarkResponse is its response (2.2.5.14.2).
type FreeBookmarkResponse struct{ ResponseHeader }

func (p *FreeBookmarkResponse) code(c *codec) {}

// ResetTableRequest is RopResetTable (MS-OXCROPS 2.2.5.15.1).
type ResetTableRequest struct{ Header }

// ResetTableResponse is its response (2.2.5.15.2).
type ResetTableResponse struct{ ResponseHeader }

func (p *ResetTableResponse) code(c *codec) {}

// ExpandRowRequest is RopExpandRow (MS-OXCROPS 2.2.5.16.1).
type ExpandRowRequest struct {
	Header
	MaxRowCount uint16
	CategoryID  uint64
}

func (q *ExpandRowRequest) code(c *codec) {
	q.Header.code(c)
	c.u16(&q.MaxRowCount)
	c.u64(&q.CategoryID)
}

// ExpandRowResponse is its response (2.2.5.16.2). Columns is not on the
// wire (see QueryRowsResponse).
type ExpandRowResponse struct {
	ResponseHeader
	ExpandedRowCount uint32
	Columns          []mapi.PropTag
	RowData          []mapi.PropRow
}

func (p *ExpandRowResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.u32(&p.ExpandedRowCount)
	n := int(c.count16(len(p.RowData)))
	cols := c.columns(&p.Columns)
	if c.needColumns(cols, n) {
		c.rowsN(&p.RowData, n, cols)
	}
}

// CollapseRowRequest is RopCollapseRow (MS-OXCROPS 2.2.5.17.1).
type CollapseRowRequest struct {
	Header
	CategoryID uint64
}

func (q *CollapseRowRequest) code(c *codec) {
	q.Header.code(c)
	c.u64(&q.CategoryID)
}

// CollapseRowResponse is its response (2.2.5.17.2).
type CollapseRowResponse struct {
	ResponseHeader
	CollapsedRowCount uint32
}

func (p *CollapseRowResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.CollapsedRowCount)
	}
}

// GetCollapseStateRequest is RopGetCollapseState (MS-OXCROPS 2.2.5.18.1).
type GetCollapseStateRequest struct {
	Header
	RowID             uint64
	RowInstanceNumber uint32
}

func (q *GetCollapseStateRequest) code(c *codec) {
	q.Header.code(c)
	c.u64(&q.RowID)
	c.u32(&q.RowInstanceNumber)
}

// GetCollapseStateResponse is its response (2.2.5.18.2).
type GetCollapseStateResponse struct {
	ResponseHeader
	CollapseState []byte
}

func (p *GetCollapseStateResponse) code(c *codec) {
	if !p.Failed() {
		c.bytes16(&p.CollapseState)
	}
}

// SetCollapseStateRequest is RopSetCollapseState (MS-OXCROPS 2.2.5.19.1).
type SetCollapseStateRequest struct {
	Header
	CollapseState []byte
}

func (q *SetCollapseStateRequest) code(c *codec) {
	q.Header.code(c)
	c.bytes16(&q.CollapseState)
}

// SetCollapseStateResponse is its response (2.2.5.19.2).
type SetCollapseStateResponse struct {
	ResponseHeader
	Bookmark []byte
}

func (p *SetCollapseStateResponse) code(c *codec) {
	if !p.Failed() {
		c.bytes16(&p.Bookmark)
	}
}
