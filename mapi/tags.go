package mapi

import (
	"fmt"
	"time"
)

// PropType is the type half of a property tag (MS-OXCDATA 2.11.1).
type PropType uint16

// Property types.
const (
	PtUnspecified  PropType = 0x0000
	PtNull         PropType = 0x0001
	PtShort        PropType = 0x0002
	PtLong         PropType = 0x0003
	PtFloat        PropType = 0x0004
	PtDouble       PropType = 0x0005
	PtCurrency     PropType = 0x0006
	PtAppTime      PropType = 0x0007
	PtError        PropType = 0x000a
	PtBoolean      PropType = 0x000b
	PtObject       PropType = 0x000d
	PtI8           PropType = 0x0014
	PtString8      PropType = 0x001e
	PtUnicode      PropType = 0x001f
	PtSysTime      PropType = 0x0040
	PtClsid        PropType = 0x0048
	PtSvrEID       PropType = 0x00fb
	PtSRestriction PropType = 0x00fd
	PtActions      PropType = 0x00fe
	PtBinary       PropType = 0x0102

	MvFlag       PropType = 0x1000 // multi-value
	MvInstance   PropType = 0x2000 // one row per value in a table
	PtMvShort    PropType = MvFlag | PtShort
	PtMvLong     PropType = MvFlag | PtLong
	PtMvFloat    PropType = MvFlag | PtFloat
	PtMvDouble   PropType = MvFlag | PtDouble
	PtMvCurrency PropType = MvFlag | PtCurrency
	PtMvAppTime  PropType = MvFlag | PtAppTime
	PtMvI8       PropType = MvFlag | PtI8
	PtMvString8  PropType = MvFlag | PtString8
	PtMvUnicode  PropType = MvFlag | PtUnicode
	PtMvSysTime  PropType = MvFlag | PtSysTime
	PtMvClsid    PropType = MvFlag | PtClsid
	PtMvBinary   PropType = MvFlag | PtBinary
)

// IsMV reports whether t is a multi-value type.
func (t PropType) IsMV() bool { return t&MvFlag != 0 }

// Base returns t without its multi-value and instance flags.
func (t PropType) Base() PropType { return t &^ (MvFlag | MvInstance) }

// PropTag is a property tag: the property id in the high 16 bits, its type
// in the low 16 (MS-OXCDATA 2.9).
type PropTag uint32

// NewTag builds a tag from an id and a type.
func NewTag(id uint16, t PropType) PropTag { return PropTag(uint32(id)<<16 | uint32(t)) }

// ID returns the property id.
func (t PropTag) ID() uint16 { return uint16(t >> 16) }

// Type returns the property type.
func (t PropTag) Type() PropType { return PropType(t) }

// WithType returns t with its type replaced.
func (t PropTag) WithType(pt PropType) PropTag { return NewTag(t.ID(), pt) }

// IsNamed reports whether the id is in the named-property range (0x8000
// and up).
func (t PropTag) IsNamed() bool { return t.ID() >= 0x8000 }

func (t PropTag) String() string { return fmt.Sprintf("%#08x", uint32(t)) }

// PropVal is one property value. Value holds the Go form of the type:
// PtShort int16, PtLong int32, PtFloat float32, PtDouble and PtAppTime
// float64, PtCurrency and PtI8 int64, PtError ErrorCode, PtBoolean bool,
// PtString8 and PtUnicode string, PtSysTime FileTime, PtClsid GUID,
// PtBinary, PtObject, PtSvrEID and PtActions []byte, PtSRestriction
// *Restriction; the multi-value types a slice of the single form.
type PropVal struct {
	Tag   PropTag
	Value any
}

// ErrorCode is a MAPI error code (MS-OXCDATA 2.4).
type ErrorCode uint32

func (e ErrorCode) Error() string { return fmt.Sprintf("MAPI error %#08x", uint32(e)) }

// FileTime is a Windows FILETIME: 100-nanosecond intervals since
// 1601-01-01 UTC, the time form MAPI uses everywhere.
type FileTime uint64

// fileTimeEpochDelta is 1601-01-01 to 1970-01-01 in 100 ns units.
const fileTimeEpochDelta = 116444736000000000

// FileTimeOf converts a time.
func FileTimeOf(t time.Time) FileTime {
	return FileTime(t.UnixNano()/100 + fileTimeEpochDelta)
}

// Time converts to a time.Time in UTC.
func (f FileTime) Time() time.Time {
	return time.Unix(0, (int64(f)-fileTimeEpochDelta)*100).UTC()
}
