package rops

import (
	"errors"
	"fmt"
	"math"

	"github.com/gromox-go/gromox/mapi"
)

// codec walks the fields of one ROP buffer in wire order, reading them
// from r or writing them to w: each ROP states its layout once, in a
// method that serves both directions. The first error stops the walk.
type codec struct {
	r   *mapi.Reader
	w   *mapi.Writer
	err error
	// private reports whether a logon id is a private-mailbox logon
	// (requests only; see RequestContext).
	private func(logonID uint8) bool
	// ctx is what reading a response needs besides its bytes.
	ctx *ResponseContext
}

func (c *codec) reading() bool { return c.r != nil }

func (c *codec) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

func (c *codec) failf(format string, args ...any) {
	c.fail(fmt.Errorf(format, args...))
}

func (c *codec) u8(p *uint8) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.Uint8()
		return
	}
	c.w.PutUint8(*p)
}

func (c *codec) u16(p *uint16) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.Uint16()
		return
	}
	c.w.PutUint16(*p)
}

func (c *codec) u32(p *uint32) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.Uint32()
		return
	}
	c.w.PutUint32(*p)
}

func (c *codec) u64(p *uint64) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.Uint64()
		return
	}
	c.w.PutUint64(*p)
}

func (c *codec) i32(p *int32) {
	v := uint32(*p)
	c.u32(&v)
	*p = int32(v)
}

func (c *codec) ec(p *mapi.ErrorCode) {
	v := uint32(*p)
	c.u32(&v)
	*p = mapi.ErrorCode(v)
}

func (c *codec) tag(p *mapi.PropTag) {
	v := uint32(*p)
	c.u32(&v)
	*p = mapi.PropTag(v)
}

// id codes a Folder ID or Message ID (MS-OXCDATA 2.2.1.1, 2.2.1.2): 8
// bytes, replica id first, as mapi.EID holds them.
func (c *codec) id(p *mapi.EID) {
	v := uint64(*p)
	c.u64(&v)
	*p = mapi.EID(v)
}

// boolean codes a Boolean byte (MS-OXCDATA 2.11.1: nonzero is TRUE);
// TRUE is written as 0x01.
func (c *codec) boolean(p *bool) {
	var v uint8
	if *p {
		v = 1
	}
	c.u8(&v)
	*p = v != 0
}

func (c *codec) guid(p *mapi.GUID) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.GUID()
		return
	}
	c.w.PutGUID(*p)
}

// fixed codes len(p) raw bytes.
func (c *codec) fixed(p []byte) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		var b []byte
		b, c.err = c.r.Bytes(len(p))
		copy(p, b)
		return
	}
	c.w.PutBytes(p)
}

// raw codes n bytes whose count was coded before; reading 0 bytes gives
// nil.
func (c *codec) raw(p *[]byte, n int) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.Bytes(n)
		if n == 0 {
			*p = nil
		}
		return
	}
	if len(*p) != n {
		c.failf("rops: %d bytes for a size of %d", len(*p), n)
		return
	}
	c.w.PutBytes(*p)
}

// bytes16 codes a u16 size and that many bytes.
func (c *codec) bytes16(p *[]byte) {
	n := c.count16(len(*p))
	c.raw(p, int(n))
}

// count16 codes a u16 count: when writing, n; returns the count.
func (c *codec) count16(n int) uint16 {
	if c.err != nil {
		return 0
	}
	if c.w != nil && n > math.MaxUint16 {
		c.failf("rops: %d elements do not fit a 16-bit count", n)
		return 0
	}
	v := uint16(n)
	c.u16(&v)
	return v
}

// count32 codes a u32 count.
func (c *codec) count32(n int) uint32 {
	if c.err != nil {
		return 0
	}
	if c.w != nil && uint64(n) > math.MaxUint32 {
		c.failf("rops: %d elements do not fit a 32-bit count", n)
		return 0
	}
	v := uint32(n)
	c.u32(&v)
	return v
}

// room checks, when reading, that n elements of at least size bytes can
// follow, so that n may be allocated.
func (c *codec) room(n, size int) bool {
	if c.err != nil {
		return false
	}
	if c.r != nil && n*size > c.r.Len() {
		c.fail(fmt.Errorf("%w: %d elements of %d bytes, %d bytes left", mapi.ErrTruncated, n, size, c.r.Len()))
		return false
	}
	return true
}

// str8 codes a null-terminated 8-bit (ASCII) string.
func (c *codec) str8(p *string) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.String8()
		return
	}
	c.w.PutString8(*p)
}

// str16 codes a null-terminated UTF-16LE string (the Reader and Writer
// have mapi.CodecROP, which includes mapi.CodecUTF16).
func (c *codec) str16(p *string) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.Unicode()
		return
	}
	c.w.PutUnicode(*p)
}

// str codes a string that is UTF-16 if unicode, else 8-bit.
func (c *codec) str(p *string, unicode bool) {
	if unicode {
		c.str16(p)
	} else {
		c.str8(p)
	}
}

// ids16 codes a u16 count and that many Folder or Message IDs.
func (c *codec) ids16(p *[]mapi.EID) {
	n := int(c.count16(len(*p)))
	if !c.room(n, 8) {
		return
	}
	if c.r != nil {
		*p = make([]mapi.EID, n)
	}
	for i := range *p {
		c.id(&(*p)[i])
	}
}

// tags16 codes a PropertyTagArray: u16 count and tags.
func (c *codec) tags16(p *[]mapi.PropTag) {
	n := int(c.count16(len(*p)))
	c.tagsN(p, n)
}

// tagsN codes n tags whose count was coded before.
func (c *codec) tagsN(p *[]mapi.PropTag, n int) {
	if !c.room(n, 4) {
		return
	}
	if c.r != nil {
		*p = make([]mapi.PropTag, n)
	} else if len(*p) != n {
		c.failf("rops: %d tags for a count of %d", len(*p), n)
		return
	}
	for i := range *p {
		c.tag(&(*p)[i])
	}
}

// propVals16 codes a u16 count and TaggedPropertyValues (MS-OXCDATA
// 2.11.4).
func (c *codec) propVals16(p *[]mapi.PropVal) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.PropVals()
		return
	}
	c.err = c.w.PutPropVals(*p)
}

// propValsN codes n TaggedPropertyValues whose count was coded before.
func (c *codec) propValsN(p *[]mapi.PropVal, n int) {
	if !c.room(n, 4) {
		return
	}
	if c.r != nil {
		*p = make([]mapi.PropVal, n)
		for i := range *p {
			if (*p)[i], c.err = c.r.PropVal(); c.err != nil {
				return
			}
		}
		return
	}
	if len(*p) != n {
		c.failf("rops: %d values for a count of %d", len(*p), n)
		return
	}
	for _, pv := range *p {
		if c.err = c.w.PutPropVal(pv); c.err != nil {
			return
		}
	}
}

// row codes a PropertyRow (MS-OXCDATA 2.8.1) for the columns cols.
func (c *codec) row(p *mapi.PropRow, cols []mapi.PropTag) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.PropRow(cols)
		return
	}
	c.err = c.w.PutPropRow(cols, *p)
}

// rowsN codes n PropertyRows.
func (c *codec) rowsN(p *[]mapi.PropRow, n int, cols []mapi.PropTag) {
	if !c.room(n, 1) {
		return
	}
	if c.r != nil {
		*p = make([]mapi.PropRow, n)
	} else if len(*p) != n {
		c.failf("rops: %d rows for a count of %d", len(*p), n)
		return
	}
	for i := range *p {
		c.row(&(*p)[i], cols)
	}
}

// restriction codes RestrictionDataSize (u16) and RestrictionData, a
// Restriction (MS-OXCDATA 2.12); size 0 is no restriction (nil).
func (c *codec) restriction(p **mapi.Restriction) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		var n uint16
		c.u16(&n)
		if c.err != nil || n == 0 {
			*p = nil
			return
		}
		var b []byte
		if b, c.err = c.r.Bytes(int(n)); c.err != nil {
			return
		}
		sub := mapi.NewReader(b, c.r.Flags())
		if *p, c.err = sub.Restriction(); c.err != nil {
			return
		}
		c.err = sub.End()
		return
	}
	if *p == nil {
		c.w.PutUint16(0)
		return
	}
	sub := mapi.NewWriter(c.w.Flags())
	if c.err = sub.PutRestriction(*p); c.err != nil {
		return
	}
	b := sub.Bytes()
	c.err = c.w.PutShortBinary(b)
}

// sortOrders codes a SortOrderSet (MS-OXCDATA 2.13.2).
func (c *codec) sortOrders(p *mapi.SortOrderSet) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.SortOrderSet()
		return
	}
	c.err = c.w.PutSortOrderSet(*p)
}

// names codes a u16 count and PropertyNames (MS-OXCDATA 2.6.1).
func (c *codec) names(p *[]mapi.PropName) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		*p, c.err = c.r.PropertyNames()
		return
	}
	c.err = c.w.PutPropertyNames(*p)
}

// namesN codes n PropertyNames whose count was coded before.
func (c *codec) namesN(p *[]mapi.PropName, n int) {
	if !c.room(n, 17) {
		return
	}
	if c.r != nil {
		*p = make([]mapi.PropName, n)
		for i := range *p {
			if (*p)[i], c.err = c.r.PropertyName(); c.err != nil {
				return
			}
		}
		return
	}
	if len(*p) != n {
		c.failf("rops: %d names for a count of %d", len(*p), n)
		return
	}
	for _, pn := range *p {
		if c.err = c.w.PutPropertyName(pn); c.err != nil {
			return
		}
	}
}

// longTermID codes a LongTermID (MS-OXCDATA 2.2.1.3.1): 24 bytes, the
// pad written as zero.
func (c *codec) longTermID(p *mapi.LongTermID) {
	var b [mapi.LongTermIDSize]byte
	if c.w != nil {
		copy(b[:], p.Bytes())
	}
	c.fixed(b[:])
	if c.r != nil && c.err == nil {
		*p, c.err = mapi.ParseLongTermID(b[:])
	}
}

// PropertyProblem is one PropertyProblem (MS-OXCDATA 2.7): a property an
// operation failed on, by its index in the request, and why.
type PropertyProblem struct {
	Index       uint16
	PropertyTag mapi.PropTag
	ErrorCode   mapi.ErrorCode
}

// problems codes PropertyProblemCount (u16) and PropertyProblems.
func (c *codec) problems(p *[]PropertyProblem) {
	n := int(c.count16(len(*p)))
	if !c.room(n, 10) {
		return
	}
	if c.r != nil {
		*p = make([]PropertyProblem, n)
	}
	for i := range *p {
		pp := &(*p)[i]
		c.u16(&pp.Index)
		c.tag(&pp.PropertyTag)
		c.ec(&pp.ErrorCode)
	}
}

// strings8 codes n null-terminated 8-bit strings (server names, address
// types).
func (c *codec) strings8(p *[]string, n int) {
	if !c.room(n, 1) {
		return
	}
	if c.r != nil {
		*p = make([]string, n)
	} else if len(*p) != n {
		c.failf("rops: %d strings for a count of %d", len(*p), n)
		return
	}
	for i := range *p {
		c.str8(&(*p)[i])
	}
}

// sized codes a u16 size and a structure of that many bytes, coded by
// f: when reading, f must use exactly the bytes the size gives.
func (c *codec) sized(f func(c *codec)) {
	if c.err != nil {
		return
	}
	if c.r != nil {
		var n uint16
		c.u16(&n)
		c.within(int(n), f)
		return
	}
	at := c.w.Len()
	c.w.PutUint16(0)
	f(c)
	if c.err != nil {
		return
	}
	n := c.w.Len() - at - 2
	if n > math.MaxUint16 {
		c.failf("rops: structure of %d bytes does not fit a 16-bit size", n)
		return
	}
	c.w.SetUint16At(at, uint16(n))
}

// within reads the next n bytes with f, which must use all of them.
func (c *codec) within(n int, f func(c *codec)) {
	if c.err != nil {
		return
	}
	var b []byte
	if b, c.err = c.r.Bytes(n); c.err != nil {
		return
	}
	sub := &codec{r: mapi.NewReader(b, c.r.Flags()), private: c.private, ctx: c.ctx}
	f(sub)
	if sub.err == nil {
		sub.err = sub.r.End()
	}
	c.fail(sub.err)
}

var errNoContext = errors.New("rops: parsing this response needs the columns (ResponseContext)")

// columns returns the columns of the rows being coded: when writing, the
// response's own; when reading, those of the ResponseContext, which are
// also stored in the response.
func (c *codec) columns(p *[]mapi.PropTag) []mapi.PropTag {
	if c.reading() && c.ctx != nil && c.ctx.Columns != nil {
		*p = append([]mapi.PropTag(nil), c.ctx.Columns...)
	}
	return *p
}

// needColumns fails when rows are to be read without columns.
func (c *codec) needColumns(cols []mapi.PropTag, rows int) bool {
	if c.reading() && cols == nil && rows > 0 {
		c.fail(errNoContext)
		return false
	}
	return c.err == nil
}

// u16s16 codes a u16 count and that many u16 values.
func (c *codec) u16s16(p *[]uint16) {
	n := int(c.count16(len(*p)))
	c.u16sN(p, n)
}

// u16sN codes n u16 values whose count was coded before.
func (c *codec) u16sN(p *[]uint16, n int) {
	if !c.room(n, 2) {
		return
	}
	if c.reading() {
		*p = make([]uint16, n)
	} else if len(*p) != n {
		c.failf("rops: %d values for a count of %d", len(*p), n)
		return
	}
	for i := range *p {
		c.u16(&(*p)[i])
	}
}
