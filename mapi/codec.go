package mapi

// The binary codec: one Reader and one Writer for the MAPI wire rules
// (MS-OXCDATA 2.8 to 2.13; upstream's EXT_PULL/EXT_PUSH). The same rules
// serve ROP buffers, MAPI/HTTP, the exmdb-compatible RPC, GXMT streams and
// the blobs of the SQLite store; CodecFlags select the variant.
//
// Invariants:
//   - A Reader never panics. Every read checks the remaining length first,
//     and a count is checked against the bytes left (times the smallest
//     size of one element) before anything is allocated.
//   - A Reader never aliases its input: values own their bytes.
//   - What a Reader returns, a Writer with the same flags writes back, and
//     reading that gives equal values (fuzzed). Values built in Go survive
//     too, except that strings are cut at an embedded NUL (as the C side
//     sees them) and, with CodecTableLimit, at the table limit.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf16"
	"unicode/utf8"
)

// CodecFlags select the variant of the wire rules. The bit values are those
// of upstream's EXT_FLAG_* (include/gromox/ext_buffer.hpp).
type CodecFlags uint8

const (
	// CodecUTF16 encodes PT_UNICODE values and MNID_STRING names as
	// NUL-terminated UTF-16LE; without it they are NUL-terminated UTF-8.
	// PT_STRING8 is always 8-bit. (EXT_FLAG_UTF16)
	CodecUTF16 CodecFlags = 1 << 0
	// CodecWideCounts makes PT_BINARY lengths and RES_AND/RES_OR counts
	// 32-bit instead of 16-bit. Multi-value counts are 32-bit always
	// (MS-OXCDATA 2.11.1.1). (EXT_FLAG_WCOUNT)
	CodecWideCounts CodecFlags = 1 << 1
	// CodecTableLimit makes a Writer cut strings to 510 bytes including
	// the terminator (509 for PT_STRING8), as the contents and hierarchy
	// tables of MS-OXCTABL send them. (EXT_FLAG_TBLLMT)
	CodecTableLimit CodecFlags = 1 << 2
	// CodecAddressBook is the MAPI/HTTP NSPI mode (MS-OXCMAPIHTTP 2.2.1):
	// string, binary and multi-value values, elements of string and
	// binary arrays and the comparand of RES_CONTENT/RES_PROPERTY carry a
	// HasValue byte (0x00 absent, 0xFF present), and PT_OBJECT values are
	// empty. (EXT_FLAG_ABK)
	CodecAddressBook CodecFlags = 1 << 3
)

// Flag sets used by the protocols.
const (
	// CodecStore is the form of the blobs in exchange.sqlite3 (multi-value,
	// PT_CLSID, PT_SVREID, PT_SRESTRICTION and PT_ACTIONS values;
	// exch/exmdb/common_util.cpp cu_set_properties pushes with flags 0).
	CodecStore CodecFlags = 0
	// CodecROP is the form of ROP buffers (exch/emsmdb rop_ext.cpp).
	CodecROP = CodecUTF16
	// CodecExmdb is the form of the exmdb RPC and of GXMT streams
	// (lib/exmdb_ext.cpp, tools/genimport.cpp).
	CodecExmdb = CodecWideCounts
)

// MaxRestrictionDepth bounds the nesting of restrictions (and of values
// inside them) that a Reader accepts and a Writer writes.
const MaxRestrictionDepth = 256

var (
	// ErrTruncated is returned when the data ends before the structure.
	ErrTruncated = errors.New("mapi: data truncated")
	// ErrMalformed is returned when the data breaks the wire rules.
	ErrMalformed = errors.New("mapi: data malformed")
)

// Reader reads MAPI wire structures from a byte slice.
type Reader struct {
	buf   []byte
	off   int
	flags CodecFlags
	depth int
}

// NewReader returns a Reader for b. The Reader does not keep references to
// b in the values it returns.
func NewReader(b []byte, flags CodecFlags) *Reader {
	return &Reader{buf: b, flags: flags}
}

// Flags returns the flags the Reader was made with.
func (r *Reader) Flags() CodecFlags { return r.flags }

// Offset returns the number of bytes consumed.
func (r *Reader) Offset() int { return r.off }

// Len returns the number of bytes left.
func (r *Reader) Len() int { return len(r.buf) - r.off }

// End returns an error if bytes are left.
func (r *Reader) End() error {
	if r.Len() != 0 {
		return r.malformed("%d trailing bytes", r.Len())
	}
	return nil
}

func (r *Reader) truncated() error {
	return fmt.Errorf("%w at offset %d", ErrTruncated, r.off)
}

func (r *Reader) malformed(format string, args ...any) error {
	return fmt.Errorf("%w at offset %d: %s", ErrMalformed, r.off, fmt.Sprintf(format, args...))
}

// take returns the next n bytes (aliasing the input) and consumes them.
func (r *Reader) take(n int) ([]byte, error) {
	if n < 0 || n > len(r.buf)-r.off {
		return nil, r.truncated()
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b, nil
}

// count checks that n elements of at least minSize bytes each can still
// follow, so that a slice of n elements may be allocated.
func (r *Reader) count(n uint64, minSize int) (int, error) {
	if minSize < 1 {
		minSize = 1
	}
	if n > uint64(r.Len())/uint64(minSize) {
		return 0, r.truncated()
	}
	return int(n), nil
}

// Uint8 reads one byte.
func (r *Reader) Uint8() (uint8, error) {
	b, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// Uint16 reads a little-endian u16.
func (r *Reader) Uint16() (uint16, error) {
	b, err := r.take(2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

// Uint32 reads a little-endian u32.
func (r *Reader) Uint32() (uint32, error) {
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// Uint64 reads a little-endian u64.
func (r *Reader) Uint64() (uint64, error) {
	b, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// Float32 reads an IEEE 754 single in little-endian order.
func (r *Reader) Float32() (float32, error) {
	v, err := r.Uint32()
	return math.Float32frombits(v), err
}

// Float64 reads an IEEE 754 double in little-endian order.
func (r *Reader) Float64() (float64, error) {
	v, err := r.Uint64()
	return math.Float64frombits(v), err
}

// Bool reads a strict boolean byte: 0 or 1, anything else is malformed.
func (r *Reader) Bool() (bool, error) {
	v, err := r.Uint8()
	if err != nil {
		return false, err
	}
	switch v {
	case 0:
		return false, nil
	case 1:
		return true, nil
	}
	r.off--
	return false, r.malformed("boolean byte %#x", v)
}

// Bytes reads n raw bytes into a new slice.
func (r *Reader) Bytes(n int) ([]byte, error) {
	b, err := r.take(n)
	if err != nil {
		return nil, err
	}
	return append(make([]byte, 0, n), b...), nil
}

// GUID reads a GUID in its 16-byte wire form.
func (r *Reader) GUID() (GUID, error) {
	b, err := r.take(16)
	if err != nil {
		return GUID{}, err
	}
	return GUID(b), nil
}

// FileTime reads a FILETIME (u64).
func (r *Reader) FileTime() (FileTime, error) {
	v, err := r.Uint64()
	return FileTime(v), err
}

// PropTag reads a property tag (u32).
func (r *Reader) PropTag() (PropTag, error) {
	v, err := r.Uint32()
	return PropTag(v), err
}

// HasValue reads the HasValue byte of CodecAddressBook mode: 0x00 absent,
// 0xFF present, anything else is malformed.
func (r *Reader) HasValue() (bool, error) {
	v, err := r.Uint8()
	if err != nil {
		return false, err
	}
	switch v {
	case 0:
		return false, nil
	case 0xff:
		return true, nil
	}
	r.off--
	return false, r.malformed("HasValue byte %#x", v)
}

// Present reads an optional-pointer byte: zero means absent, any other
// value present (as upstream reads RestrictionPresent).
func (r *Reader) Present() (bool, error) {
	v, err := r.Uint8()
	return v != 0, err
}

// String8 reads a NUL-terminated 8-bit string. The bytes are kept as they
// are; their code page is the caller's business.
func (r *Reader) String8() (string, error) {
	rest := r.buf[r.off:]
	for i, c := range rest {
		if c == 0 {
			s := string(rest[:i])
			r.off += i + 1
			return s, nil
		}
	}
	return "", r.truncated()
}

// Unicode reads a PT_UNICODE string: NUL-terminated UTF-16LE with
// CodecUTF16, else NUL-terminated UTF-8. Unpaired surrogates become
// U+FFFD.
func (r *Reader) Unicode() (string, error) {
	if r.flags&CodecUTF16 == 0 {
		return r.String8()
	}
	rest := r.buf[r.off:]
	for i := 0; i+1 < len(rest); i += 2 {
		if rest[i] == 0 && rest[i+1] == 0 {
			s := decodeUTF16(rest[:i])
			r.off += i + 2
			return s, nil
		}
	}
	return "", r.truncated()
}

func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// Binary reads a counted byte string: a u16 length (u32 with
// CodecWideCounts) and that many bytes.
func (r *Reader) Binary() ([]byte, error) {
	var n uint32
	if r.flags&CodecWideCounts != 0 {
		v, err := r.Uint32()
		if err != nil {
			return nil, err
		}
		n = v
	} else {
		v, err := r.Uint16()
		if err != nil {
			return nil, err
		}
		n = uint32(v)
	}
	if uint64(n) > uint64(r.Len()) {
		return nil, r.truncated()
	}
	return r.Bytes(int(n))
}

// ShortBinary reads a byte string with a u16 length whatever the flags.
func (r *Reader) ShortBinary() ([]byte, error) {
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	return r.Bytes(int(n))
}

// LongBinary reads a byte string with a u32 length whatever the flags.
func (r *Reader) LongBinary() ([]byte, error) {
	n, err := r.Uint32()
	if err != nil {
		return nil, err
	}
	if uint64(n) > uint64(r.Len()) {
		return nil, r.truncated()
	}
	return r.Bytes(int(n))
}

// minStringSize is the smallest encoding of a PT_UNICODE string.
func (r *Reader) minStringSize() int {
	if r.flags&CodecUTF16 != 0 {
		return 2
	}
	return 1
}

// minBinarySize is the smallest encoding of a PT_BINARY value.
func (r *Reader) minBinarySize() int {
	if r.flags&CodecWideCounts != 0 {
		return 4
	}
	return 2
}

// mvTypes are the multi-value types the codec reads and writes; any other
// multi-value type is malformed.
var mvTypes = map[PropType]bool{
	PtMvShort: true, PtMvLong: true, PtMvFloat: true, PtMvDouble: true, PtMvAppTime: true,
	PtMvCurrency: true, PtMvI8: true, PtMvSysTime: true, PtMvClsid: true,
	PtMvString8: true, PtMvUnicode: true, PtMvBinary: true,
}

// Value reads an untyped value of type t (MS-OXCDATA 2.11.2
// PropertyValue), returning its Go form (see PropVal). A type with the
// instance flag reads as one value of the base type, as in table rows.
// In CodecAddressBook mode an absent value is nil.
func (r *Reader) Value(t PropType) (any, error) {
	if t&MvInstance != 0 {
		if !t.IsMV() {
			return nil, r.malformed("property type %#x", uint16(t))
		}
		t = t.Base()
	} else if r.flags&CodecAddressBook != 0 && (t == PtString8 || t == PtUnicode || t == PtBinary || mvTypes[t]) {
		ok, err := r.HasValue()
		if err != nil || !ok {
			return nil, err
		}
	}
	switch t {
	case PtUnspecified:
		tt, err := r.Uint16()
		if err != nil {
			return nil, err
		}
		inner := PropType(tt)
		if inner == PtUnspecified || inner&MvInstance != 0 {
			r.off -= 2
			return nil, r.malformed("typed value of type %#x", tt)
		}
		v, err := r.Value(inner)
		if err != nil {
			return nil, err
		}
		return TypedValue{Type: inner, Value: v}, nil
	case PtNull:
		return nil, nil
	case PtShort:
		v, err := r.Uint16()
		return int16(v), err
	case PtLong:
		v, err := r.Uint32()
		return int32(v), err
	case PtError:
		v, err := r.Uint32()
		return ErrorCode(v), err
	case PtFloat:
		return r.Float32()
	case PtDouble, PtAppTime:
		return r.Float64()
	case PtCurrency, PtI8:
		v, err := r.Uint64()
		return int64(v), err
	case PtBoolean:
		// Upstream reads PT_BOOLEAN as a plain byte; any non-zero is true.
		v, err := r.Uint8()
		return v != 0, err
	case PtSysTime:
		return r.FileTime()
	case PtString8:
		return r.String8()
	case PtUnicode:
		return r.Unicode()
	case PtClsid:
		return r.GUID()
	case PtSvrEID:
		return r.svrEID()
	case PtSRestriction:
		return r.Restriction()
	case PtActions:
		return r.ruleActions()
	case PtObject:
		if r.flags&CodecAddressBook != 0 {
			return []byte{}, nil
		}
		return r.Binary()
	case PtBinary:
		return r.Binary()
	case PtMvShort:
		n, err := r.mvCount(2)
		if err != nil {
			return nil, err
		}
		s := make([]int16, n)
		for i := range s {
			v, _ := r.Uint16()
			s[i] = int16(v)
		}
		return s, nil
	case PtMvLong:
		n, err := r.mvCount(4)
		if err != nil {
			return nil, err
		}
		s := make([]int32, n)
		for i := range s {
			v, _ := r.Uint32()
			s[i] = int32(v)
		}
		return s, nil
	case PtMvFloat:
		n, err := r.mvCount(4)
		if err != nil {
			return nil, err
		}
		s := make([]float32, n)
		for i := range s {
			s[i], _ = r.Float32()
		}
		return s, nil
	case PtMvDouble, PtMvAppTime:
		n, err := r.mvCount(8)
		if err != nil {
			return nil, err
		}
		s := make([]float64, n)
		for i := range s {
			s[i], _ = r.Float64()
		}
		return s, nil
	case PtMvCurrency, PtMvI8:
		n, err := r.mvCount(8)
		if err != nil {
			return nil, err
		}
		s := make([]int64, n)
		for i := range s {
			v, _ := r.Uint64()
			s[i] = int64(v)
		}
		return s, nil
	case PtMvSysTime:
		n, err := r.mvCount(8)
		if err != nil {
			return nil, err
		}
		s := make([]FileTime, n)
		for i := range s {
			s[i], _ = r.FileTime()
		}
		return s, nil
	case PtMvClsid:
		n, err := r.mvCount(16)
		if err != nil {
			return nil, err
		}
		s := make([]GUID, n)
		for i := range s {
			s[i], _ = r.GUID()
		}
		return s, nil
	case PtMvString8, PtMvUnicode:
		min := 1
		if t == PtMvUnicode {
			min = r.minStringSize()
		}
		n, err := r.mvCount(min)
		if err != nil {
			return nil, err
		}
		s := make([]string, n)
		for i := range s {
			if r.flags&CodecAddressBook != 0 {
				ok, err := r.HasValue()
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
			}
			if t == PtMvString8 {
				s[i], err = r.String8()
			} else {
				s[i], err = r.Unicode()
			}
			if err != nil {
				return nil, err
			}
		}
		return s, nil
	case PtMvBinary:
		n, err := r.mvCount(r.minBinarySize())
		if err != nil {
			return nil, err
		}
		s := make([][]byte, n)
		for i := range s {
			if r.flags&CodecAddressBook != 0 {
				ok, err := r.HasValue()
				if err != nil {
					return nil, err
				}
				if !ok {
					s[i] = []byte{}
					continue
				}
			}
			if s[i], err = r.Binary(); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	return nil, r.malformed("property type %#x", uint16(t))
}

// mvCount reads the u32 count of a multi-value and checks it against the
// bytes left (MS-OXCDATA 2.11.1.1: always 32-bit).
func (r *Reader) mvCount(minSize int) (int, error) {
	n, err := r.Uint32()
	if err != nil {
		return 0, err
	}
	if r.flags&CodecAddressBook != 0 && minSize > 1 {
		minSize = 1 // an element may be a lone HasValue byte
	}
	return r.count(uint64(n), minSize)
}

// svrEID reads a PtypServerId (MS-OXCDATA 2.11.1.4): a u16 length and the
// structure, whose first byte (Ours) is 1 for a 21-byte folder/message/
// instance id and 0 for client data. The Go form is the structure without
// its length.
func (r *Reader) svrEID() ([]byte, error) {
	start := r.off
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	b, err := r.Bytes(int(n))
	if err != nil {
		return nil, err
	}
	if err := checkSvrEID(b); err != nil {
		r.off = start
		return nil, r.malformed("%v", err)
	}
	return b, nil
}

func checkSvrEID(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty server id")
	}
	if len(b) > math.MaxUint16 {
		return errors.New("server id too long")
	}
	if b[0] != 0 && len(b) != 21 {
		return fmt.Errorf("server id of %d bytes with Ours set", len(b))
	}
	return nil
}

// ruleActions reads a RuleAction structure (MS-OXORULE 2.2.5: u16 count
// of ActionBlocks, each a u16 ActionLength and that many bytes) and
// returns its bytes as they are; the rule engine parses them.
func (r *Reader) ruleActions() ([]byte, error) {
	start := r.off
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		r.off = start
		return nil, r.malformed("rule actions without action blocks")
	}
	if _, err := r.count(uint64(n), 2+9); err != nil {
		return nil, err
	}
	for range n {
		l, err := r.Uint16()
		if err != nil {
			return nil, err
		}
		if l < 9 { // ActionType, ActionFlavor, ActionFlags
			r.off -= 2
			return nil, r.malformed("action block of %d bytes", l)
		}
		if _, err := r.take(int(l)); err != nil {
			return nil, err
		}
	}
	return append([]byte(nil), r.buf[start:r.off]...), nil
}

// PropVal reads a TaggedPropertyValue (MS-OXCDATA 2.11.4): a tag and a
// value of the tag's type.
func (r *Reader) PropVal() (PropVal, error) {
	tag, err := r.PropTag()
	if err != nil {
		return PropVal{}, err
	}
	v, err := r.Value(tag.Type())
	if err != nil {
		return PropVal{}, err
	}
	return PropVal{Tag: tag, Value: v}, nil
}

func (r *Reader) propVals(n int) ([]PropVal, error) {
	s := make([]PropVal, n)
	for i := range s {
		var err error
		if s[i], err = r.PropVal(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// PropVals reads a TPROPVAL_ARRAY: a u16 count and that many tagged
// values (MS-OXCROPS property lists, exmdb RPC, GXMT).
func (r *Reader) PropVals() ([]PropVal, error) {
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	c, err := r.count(uint64(n), 4)
	if err != nil {
		return nil, err
	}
	return r.propVals(c)
}

// LongPropVals reads an LTPROPVAL_ARRAY: like PropVals with a u32 count.
func (r *Reader) LongPropVals() ([]PropVal, error) {
	n, err := r.Uint32()
	if err != nil {
		return nil, err
	}
	c, err := r.count(uint64(n), 4)
	if err != nil {
		return nil, err
	}
	return r.propVals(c)
}

func (r *Reader) propTags(n int) []PropTag {
	s := make([]PropTag, n)
	for i := range s {
		s[i], _ = r.PropTag()
	}
	return s
}

// PropTags reads a PropertyTagArray: a u16 count and that many tags.
func (r *Reader) PropTags() ([]PropTag, error) {
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	c, err := r.count(uint64(n), 4)
	if err != nil {
		return nil, err
	}
	return r.propTags(c), nil
}

// LongPropTags reads a tag array with a u32 count.
func (r *Reader) LongPropTags() ([]PropTag, error) {
	n, err := r.Uint32()
	if err != nil {
		return nil, err
	}
	c, err := r.count(uint64(n), 4)
	if err != nil {
		return nil, err
	}
	return r.propTags(c), nil
}

// PropRow is one PropertyRow (MS-OXCDATA 2.8.1): a value for each column
// of a table or of a property request, in column order.
//
// Values[i].Tag is the column tag, except that a PtUnspecified column
// carries the type of the value actually sent, and an error carries type
// PtError with an ErrorCode value. In a flagged row (MS-OXCDATA 2.8.1.2)
// a nil Value stands for a value that is not available (flag 0x01) and a
// PtError value is sent as an error (flag 0x0A); a standard row can carry
// neither (except in PtUnspecified columns, as a typed PT_ERROR value).
type PropRow struct {
	Flagged bool
	Values  []PropVal
}

// Row flags (MS-OXCDATA 2.8.1) and flagged-value flags (2.11.5).
const (
	rowStandard        = 0x00
	rowFlagged         = 0x01
	flaggedAvailable   = 0x00
	flaggedUnavailable = 0x01
	flaggedError       = 0x0a
)

// PropRow reads a PropertyRow for the given columns.
func (r *Reader) PropRow(cols []PropTag) (PropRow, error) {
	flag, err := r.Uint8()
	if err != nil {
		return PropRow{}, err
	}
	if flag != rowStandard && flag != rowFlagged {
		r.off--
		return PropRow{}, r.malformed("row flag %#x", flag)
	}
	row := PropRow{Flagged: flag == rowFlagged, Values: make([]PropVal, len(cols))}
	for i, col := range cols {
		t := col.Type()
		tag := col
		if t == PtUnspecified {
			tt, err := r.Uint16()
			if err != nil {
				return PropRow{}, err
			}
			t = PropType(tt)
			tag = col.WithType(t)
		}
		if row.Flagged {
			vf, err := r.Uint8()
			if err != nil {
				return PropRow{}, err
			}
			switch vf {
			case flaggedAvailable:
			case flaggedUnavailable:
				row.Values[i] = PropVal{Tag: col}
				continue
			case flaggedError:
				code, err := r.Uint32()
				if err != nil {
					return PropRow{}, err
				}
				row.Values[i] = PropVal{Tag: col.WithType(PtError), Value: ErrorCode(code)}
				continue
			default:
				r.off--
				return PropRow{}, r.malformed("flagged value flag %#x", vf)
			}
		}
		if t == PtUnspecified {
			return PropRow{}, r.malformed("typed value of type PT_UNSPECIFIED")
		}
		v, err := r.Value(t)
		if err != nil {
			return PropRow{}, err
		}
		row.Values[i] = PropVal{Tag: tag, Value: v}
	}
	return row, nil
}

// PropertyName reads a PropertyName (MS-OXCDATA 2.6.1): Kind, GUID, then a
// u32 LID (kind 0x00) or a u8 NameSize and a NUL-terminated name of that
// many bytes (kind 0x01); kind 0xFF has neither.
func (r *Reader) PropertyName() (PropName, error) {
	kind, err := r.Uint8()
	if err != nil {
		return PropName{}, err
	}
	g, err := r.GUID()
	if err != nil {
		return PropName{}, err
	}
	n := PropName{Kind: PropNameKind(kind), GUID: g}
	switch n.Kind {
	case MnidID:
		n.LID, err = r.Uint32()
		return n, err
	case MnidString:
		size, err := r.Uint8()
		if err != nil {
			return PropName{}, err
		}
		if size == 0 {
			r.off--
			return PropName{}, r.malformed("empty property name")
		}
		b, err := r.take(int(size))
		if err != nil {
			return PropName{}, err
		}
		sub := Reader{buf: b, flags: r.flags}
		if n.Name, err = sub.Unicode(); err != nil {
			r.off -= int(size) + 1
			return PropName{}, r.malformed("property name without terminator")
		}
		return n, nil
	case KindNone:
		return n, nil
	}
	r.off -= 17
	return PropName{}, r.malformed("property name kind %#x", kind)
}

// PropertyNames reads a u16 count and that many PropertyNames.
func (r *Reader) PropertyNames() ([]PropName, error) {
	n, err := r.Uint16()
	if err != nil {
		return nil, err
	}
	c, err := r.count(uint64(n), 17)
	if err != nil {
		return nil, err
	}
	s := make([]PropName, c)
	for i := range s {
		if s[i], err = r.PropertyName(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Restriction reads a Restriction (MS-OXCDATA 2.12).
func (r *Reader) Restriction() (*Restriction, error) {
	if r.depth >= MaxRestrictionDepth {
		return nil, r.malformed("restrictions nested deeper than %d", MaxRestrictionDepth)
	}
	r.depth++
	defer func() { r.depth-- }()
	t, err := r.Uint8()
	if err != nil {
		return nil, err
	}
	res := &Restriction{Type: RestrictionType(t)}
	switch res.Type {
	case ResAnd, ResOr:
		var n uint32
		if r.flags&CodecWideCounts != 0 {
			n, err = r.Uint32()
		} else {
			var n16 uint16
			n16, err = r.Uint16()
			n = uint32(n16)
		}
		if err != nil {
			return nil, err
		}
		c, err := r.count(uint64(n), 1)
		if err != nil {
			return nil, err
		}
		res.Children = make([]*Restriction, c)
		for i := range res.Children {
			if res.Children[i], err = r.Restriction(); err != nil {
				return nil, err
			}
		}
	case ResNot:
		if res.Sub, err = r.Restriction(); err != nil {
			return nil, err
		}
	case ResContent:
		if res.FuzzyLevel, err = r.Uint32(); err != nil {
			return nil, err
		}
		if res.Tag, err = r.PropTag(); err != nil {
			return nil, err
		}
		if res.Value, err = r.comparand(); err != nil {
			return nil, err
		}
	case ResProperty:
		if err = r.relop(&res.Relop); err != nil {
			return nil, err
		}
		if res.Tag, err = r.PropTag(); err != nil {
			return nil, err
		}
		if res.Value, err = r.comparand(); err != nil {
			return nil, err
		}
	case ResCompareProps:
		if err = r.relop(&res.Relop); err != nil {
			return nil, err
		}
		if res.Tag, err = r.PropTag(); err != nil {
			return nil, err
		}
		if res.Tag2, err = r.PropTag(); err != nil {
			return nil, err
		}
	case ResBitmask:
		var op uint8
		if op, err = r.Uint8(); err != nil {
			return nil, err
		}
		res.BitmaskRelop = BitmaskRelop(op)
		if res.Tag, err = r.PropTag(); err != nil {
			return nil, err
		}
		if res.Mask, err = r.Uint32(); err != nil {
			return nil, err
		}
	case ResSize:
		if err = r.relop(&res.Relop); err != nil {
			return nil, err
		}
		if res.Tag, err = r.PropTag(); err != nil {
			return nil, err
		}
		if res.Size, err = r.Uint32(); err != nil {
			return nil, err
		}
	case ResExist:
		if res.Tag, err = r.PropTag(); err != nil {
			return nil, err
		}
	case ResSubRestriction:
		if res.Tag, err = r.PropTag(); err != nil {
			return nil, err
		}
		if res.Sub, err = r.Restriction(); err != nil {
			return nil, err
		}
	case ResComment, ResAnnotation:
		n, err := r.Uint8()
		if err != nil {
			return nil, err
		}
		if n == 0 {
			r.off--
			return nil, r.malformed("comment restriction without values")
		}
		if res.Comments, err = r.propVals(int(n)); err != nil {
			return nil, err
		}
		present, err := r.Present()
		if err != nil {
			return nil, err
		}
		if present {
			if res.Sub, err = r.Restriction(); err != nil {
				return nil, err
			}
		}
	case ResCount:
		if res.Count, err = r.Uint32(); err != nil {
			return nil, err
		}
		if res.Sub, err = r.Restriction(); err != nil {
			return nil, err
		}
	case ResNull:
	default:
		r.off--
		return nil, r.malformed("restriction type %#x", t)
	}
	return res, nil
}

func (r *Reader) relop(op *Relop) error {
	v, err := r.Uint8()
	*op = Relop(v)
	return err
}

// comparand reads the TaggedValue of RES_CONTENT and RES_PROPERTY. In
// CodecAddressBook mode it may be absent: then it is the zero PropVal.
func (r *Reader) comparand() (PropVal, error) {
	if r.flags&CodecAddressBook != 0 {
		ok, err := r.HasValue()
		if err != nil || !ok {
			return PropVal{}, err
		}
	}
	return r.PropVal()
}

// SortOrder reads a SortOrder (MS-OXCDATA 2.13.1): the tag as u16 type and
// u16 id, and the order byte.
func (r *Reader) SortOrder() (SortOrder, error) {
	tag, err := r.PropTag() // type then id is the little-endian u32 tag
	if err != nil {
		return SortOrder{}, err
	}
	o, err := r.Uint8()
	return SortOrder{Tag: tag, Order: SortDirection(o)}, err
}

// SortOrderSet reads a SortOrderSet (MS-OXCDATA 2.13.2): u16 count,
// categorized count and expanded count, then the sort orders. The counts
// must satisfy expanded <= categorized <= count.
func (r *Reader) SortOrderSet() (SortOrderSet, error) {
	b, err := r.take(6)
	if err != nil {
		return SortOrderSet{}, err
	}
	n := binary.LittleEndian.Uint16(b)
	s := SortOrderSet{
		CategoryCount: binary.LittleEndian.Uint16(b[2:]),
		ExpandedCount: binary.LittleEndian.Uint16(b[4:]),
	}
	if s.CategoryCount > n || s.ExpandedCount > s.CategoryCount {
		r.off -= 6
		return SortOrderSet{}, r.malformed("sort order counts %d/%d/%d", n, s.CategoryCount, s.ExpandedCount)
	}
	c, err := r.count(uint64(n), 5)
	if err != nil {
		return SortOrderSet{}, err
	}
	s.Sorts = make([]SortOrder, c)
	for i := range s.Sorts {
		s.Sorts[i], _ = r.SortOrder()
	}
	return s, nil
}

// Writer builds MAPI wire structures in a growing buffer. The zero Writer
// is ready to use with flags 0 (CodecStore).
type Writer struct {
	buf   []byte
	flags CodecFlags
	depth int
}

// NewWriter returns an empty Writer.
func NewWriter(flags CodecFlags) *Writer { return &Writer{flags: flags} }

// Flags returns the flags the Writer was made with.
func (w *Writer) Flags() CodecFlags { return w.flags }

// Bytes returns what was written. The slice aliases the Writer's buffer
// until the next write.
func (w *Writer) Bytes() []byte { return w.buf }

// Len returns the number of bytes written.
func (w *Writer) Len() int { return len(w.buf) }

// Reset empties the buffer, keeping its memory.
func (w *Writer) Reset() { w.buf = w.buf[:0] }

// PutUint8 writes one byte.
func (w *Writer) PutUint8(v uint8) { w.buf = append(w.buf, v) }

// PutUint16 writes a little-endian u16.
func (w *Writer) PutUint16(v uint16) { w.buf = binary.LittleEndian.AppendUint16(w.buf, v) }

// PutUint32 writes a little-endian u32.
func (w *Writer) PutUint32(v uint32) { w.buf = binary.LittleEndian.AppendUint32(w.buf, v) }

// PutUint64 writes a little-endian u64.
func (w *Writer) PutUint64(v uint64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, v) }

// SetUint16At overwrites the u16 at offset off, for lengths known only
// after their contents are written.
func (w *Writer) SetUint16At(off int, v uint16) { binary.LittleEndian.PutUint16(w.buf[off:], v) }

// SetUint32At overwrites the u32 at offset off.
func (w *Writer) SetUint32At(off int, v uint32) { binary.LittleEndian.PutUint32(w.buf[off:], v) }

// PutFloat32 writes an IEEE 754 single.
func (w *Writer) PutFloat32(v float32) { w.PutUint32(math.Float32bits(v)) }

// PutFloat64 writes an IEEE 754 double.
func (w *Writer) PutFloat64(v float64) { w.PutUint64(math.Float64bits(v)) }

// PutBool writes 1 or 0.
func (w *Writer) PutBool(v bool) {
	if v {
		w.PutUint8(1)
	} else {
		w.PutUint8(0)
	}
}

// PutBytes writes raw bytes.
func (w *Writer) PutBytes(b []byte) { w.buf = append(w.buf, b...) }

// PutGUID writes a GUID in its wire form.
func (w *Writer) PutGUID(g GUID) { w.buf = append(w.buf, g[:]...) }

// PutFileTime writes a FILETIME.
func (w *Writer) PutFileTime(t FileTime) { w.PutUint64(uint64(t)) }

// PutPropTag writes a property tag.
func (w *Writer) PutPropTag(t PropTag) { w.PutUint32(uint32(t)) }

// PutHasValue writes the HasValue byte of CodecAddressBook mode.
func (w *Writer) PutHasValue(present bool) {
	if present {
		w.PutUint8(0xff)
	} else {
		w.PutUint8(0)
	}
}

// PutPresent writes an optional-pointer byte: 1 present, 0 absent.
func (w *Writer) PutPresent(present bool) { w.PutBool(present) }

// cString returns s up to its first NUL, as a C reader would see it.
func cString(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// PutString8 writes a NUL-terminated 8-bit string (cut at an embedded NUL;
// with CodecTableLimit cut to 509 bytes).
func (w *Writer) PutString8(s string) {
	s = cString(s)
	if w.flags&CodecTableLimit != 0 && len(s) > 509 {
		s = s[:509]
	}
	w.buf = append(w.buf, s...)
	w.buf = append(w.buf, 0)
}

// PutUnicode writes a PT_UNICODE string: UTF-16LE with CodecUTF16, else
// UTF-8, NUL-terminated and cut at an embedded NUL. With CodecTableLimit
// the UTF-16 form is cut to 510 bytes including the terminator.
func (w *Writer) PutUnicode(s string) {
	if w.flags&CodecUTF16 == 0 {
		w.PutString8(s)
		return
	}
	s = cString(s)
	limit := -1
	if w.flags&CodecTableLimit != 0 {
		limit = 254 // code units before the terminator
	}
	units := 0
	for _, c := range s {
		if c == utf8.RuneError {
			c = '\uFFFD'
		}
		if c >= 0x10000 {
			if limit >= 0 && units+2 > limit {
				break
			}
			r1, r2 := utf16.EncodeRune(c)
			w.PutUint16(uint16(r1))
			w.PutUint16(uint16(r2))
			units += 2
			continue
		}
		if limit >= 0 && units+1 > limit {
			break
		}
		w.PutUint16(uint16(c))
		units++
	}
	w.PutUint16(0)
}

// PutBinary writes a counted byte string: a u16 length (u32 with
// CodecWideCounts) and the bytes.
func (w *Writer) PutBinary(b []byte) error {
	if w.flags&CodecWideCounts != 0 {
		if uint64(len(b)) > math.MaxUint32 {
			return fmt.Errorf("mapi: binary of %d bytes: %w", len(b), ErrMalformed)
		}
		w.PutUint32(uint32(len(b)))
	} else {
		if len(b) > math.MaxUint16 {
			return fmt.Errorf("mapi: binary of %d bytes does not fit a 16-bit length: %w", len(b), ErrMalformed)
		}
		w.PutUint16(uint16(len(b)))
	}
	w.PutBytes(b)
	return nil
}

// PutShortBinary writes a byte string with a u16 length whatever the flags.
func (w *Writer) PutShortBinary(b []byte) error {
	if len(b) > math.MaxUint16 {
		return fmt.Errorf("mapi: binary of %d bytes does not fit a 16-bit length: %w", len(b), ErrMalformed)
	}
	w.PutUint16(uint16(len(b)))
	w.PutBytes(b)
	return nil
}

// PutLongBinary writes a byte string with a u32 length whatever the flags.
func (w *Writer) PutLongBinary(b []byte) error {
	if uint64(len(b)) > math.MaxUint32 {
		return fmt.Errorf("mapi: binary of %d bytes: %w", len(b), ErrMalformed)
	}
	w.PutUint32(uint32(len(b)))
	w.PutBytes(b)
	return nil
}

func valueTypeError(t PropType, v any) error {
	return fmt.Errorf("mapi: %v value of Go type %T: %w", t, v, ErrValueType)
}

// PutValue writes an untyped value of type t (see Reader.Value). v must
// have the Go form of t (see PropVal); in CodecAddressBook mode nil writes
// an absent string, binary or multi-value.
func (w *Writer) PutValue(t PropType, v any) error {
	if t&MvInstance != 0 {
		if !t.IsMV() {
			return fmt.Errorf("mapi: property type %#x: %w", uint16(t), ErrMalformed)
		}
		t = t.Base()
	} else if w.flags&CodecAddressBook != 0 && (t == PtString8 || t == PtUnicode || t == PtBinary || mvTypes[t]) {
		w.PutHasValue(v != nil)
		if v == nil {
			return nil
		}
	}
	if !valueFits(t, v) {
		return valueTypeError(t, v)
	}
	switch t {
	case PtUnspecified:
		tv := v.(TypedValue)
		w.PutUint16(uint16(tv.Type))
		return w.PutValue(tv.Type, tv.Value)
	case PtNull:
	case PtShort:
		w.PutUint16(uint16(v.(int16)))
	case PtLong:
		w.PutUint32(uint32(v.(int32)))
	case PtError:
		w.PutUint32(uint32(v.(ErrorCode)))
	case PtFloat:
		w.PutFloat32(v.(float32))
	case PtDouble, PtAppTime:
		w.PutFloat64(v.(float64))
	case PtCurrency, PtI8:
		w.PutUint64(uint64(v.(int64)))
	case PtBoolean:
		w.PutBool(v.(bool))
	case PtSysTime:
		w.PutFileTime(v.(FileTime))
	case PtString8:
		w.PutString8(v.(string))
	case PtUnicode:
		w.PutUnicode(v.(string))
	case PtClsid:
		w.PutGUID(v.(GUID))
	case PtSvrEID:
		b := v.([]byte)
		if err := checkSvrEID(b); err != nil {
			return fmt.Errorf("mapi: %v: %w", err, ErrMalformed)
		}
		w.PutUint16(uint16(len(b)))
		w.PutBytes(b)
	case PtSRestriction:
		return w.PutRestriction(v.(*Restriction))
	case PtActions:
		b := v.([]byte)
		cr := Reader{buf: b}
		if _, err := cr.ruleActions(); err != nil {
			return err
		}
		if cr.Len() != 0 {
			return fmt.Errorf("mapi: %d bytes after the rule actions: %w", cr.Len(), ErrMalformed)
		}
		w.PutBytes(b)
	case PtObject:
		if w.flags&CodecAddressBook != 0 {
			return nil
		}
		return w.PutBinary(v.([]byte))
	case PtBinary:
		return w.PutBinary(v.([]byte))
	case PtMvShort:
		s := v.([]int16)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			w.PutUint16(uint16(e))
		}
	case PtMvLong:
		s := v.([]int32)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			w.PutUint32(uint32(e))
		}
	case PtMvFloat:
		s := v.([]float32)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			w.PutFloat32(e)
		}
	case PtMvDouble, PtMvAppTime:
		s := v.([]float64)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			w.PutFloat64(e)
		}
	case PtMvCurrency, PtMvI8:
		s := v.([]int64)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			w.PutUint64(uint64(e))
		}
	case PtMvSysTime:
		s := v.([]FileTime)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			w.PutFileTime(e)
		}
	case PtMvClsid:
		s := v.([]GUID)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			w.PutGUID(e)
		}
	case PtMvString8, PtMvUnicode:
		s := v.([]string)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			if w.flags&CodecAddressBook != 0 {
				w.PutHasValue(true)
			}
			if t == PtMvString8 {
				w.PutString8(e)
			} else {
				w.PutUnicode(e)
			}
		}
	case PtMvBinary:
		s := v.([][]byte)
		w.PutUint32(uint32(len(s)))
		for _, e := range s {
			if w.flags&CodecAddressBook != 0 {
				w.PutHasValue(true)
			}
			if err := w.PutBinary(e); err != nil {
				return err
			}
		}
	default:
		return valueTypeError(t, v)
	}
	return nil
}

// PutPropVal writes a TaggedPropertyValue.
func (w *Writer) PutPropVal(pv PropVal) error {
	w.PutPropTag(pv.Tag)
	return w.PutValue(pv.Tag.Type(), pv.Value)
}

// PutPropVals writes a TPROPVAL_ARRAY (u16 count).
func (w *Writer) PutPropVals(pvs []PropVal) error {
	if len(pvs) > math.MaxUint16 {
		return fmt.Errorf("mapi: %d property values do not fit a 16-bit count: %w", len(pvs), ErrMalformed)
	}
	w.PutUint16(uint16(len(pvs)))
	for _, pv := range pvs {
		if err := w.PutPropVal(pv); err != nil {
			return err
		}
	}
	return nil
}

// PutLongPropVals writes an LTPROPVAL_ARRAY (u32 count).
func (w *Writer) PutLongPropVals(pvs []PropVal) error {
	if uint64(len(pvs)) > math.MaxUint32 {
		return fmt.Errorf("mapi: %d property values: %w", len(pvs), ErrMalformed)
	}
	w.PutUint32(uint32(len(pvs)))
	for _, pv := range pvs {
		if err := w.PutPropVal(pv); err != nil {
			return err
		}
	}
	return nil
}

// PutPropTags writes a PropertyTagArray (u16 count).
func (w *Writer) PutPropTags(tags []PropTag) error {
	if len(tags) > math.MaxUint16 {
		return fmt.Errorf("mapi: %d tags do not fit a 16-bit count: %w", len(tags), ErrMalformed)
	}
	w.PutUint16(uint16(len(tags)))
	for _, t := range tags {
		w.PutPropTag(t)
	}
	return nil
}

// PutLongPropTags writes a tag array with a u32 count.
func (w *Writer) PutLongPropTags(tags []PropTag) error {
	if uint64(len(tags)) > math.MaxUint32 {
		return fmt.Errorf("mapi: %d tags: %w", len(tags), ErrMalformed)
	}
	w.PutUint32(uint32(len(tags)))
	for _, t := range tags {
		w.PutPropTag(t)
	}
	return nil
}

// PutPropRow writes a PropertyRow for the given columns (see PropRow).
func (w *Writer) PutPropRow(cols []PropTag, row PropRow) error {
	if len(row.Values) != len(cols) {
		return fmt.Errorf("mapi: row of %d values for %d columns: %w", len(row.Values), len(cols), ErrMalformed)
	}
	if row.Flagged {
		w.PutUint8(rowFlagged)
	} else {
		w.PutUint8(rowStandard)
	}
	for i, col := range cols {
		pv := row.Values[i]
		t := col.Type()
		unspecified := t == PtUnspecified
		if unspecified {
			t = pv.Tag.Type()
		}
		if row.Flagged {
			switch {
			case pv.Value == nil && t.Base() != PtNull:
				if unspecified {
					w.PutUint16(uint16(PtUnspecified))
				}
				w.PutUint8(flaggedUnavailable)
				continue
			case pv.Tag.Type() == PtError:
				code, ok := pv.Value.(ErrorCode)
				if !ok {
					return valueTypeError(PtError, pv.Value)
				}
				if unspecified {
					w.PutUint16(uint16(PtError))
				}
				w.PutUint8(flaggedError)
				w.PutUint32(uint32(code))
				continue
			}
			if unspecified {
				w.PutUint16(uint16(t))
			}
			w.PutUint8(flaggedAvailable)
		} else if unspecified {
			w.PutUint16(uint16(t))
		}
		if t == PtUnspecified {
			return fmt.Errorf("mapi: value of column %v has no type: %w", col, ErrValueType)
		}
		if err := w.PutValue(t, pv.Value); err != nil {
			return err
		}
	}
	return nil
}

// PutPropertyName writes a PropertyName. A name is written in the form the
// flags choose and must fit 255 bytes with its terminator.
func (w *Writer) PutPropertyName(n PropName) error {
	switch n.Kind {
	case MnidID, MnidString, KindNone:
	default:
		return fmt.Errorf("mapi: property name kind %#x: %w", uint8(n.Kind), ErrMalformed)
	}
	w.PutUint8(uint8(n.Kind))
	w.PutGUID(n.GUID)
	switch n.Kind {
	case MnidID:
		w.PutUint32(n.LID)
	case MnidString:
		at := w.Len()
		w.PutUint8(0)
		w.PutUnicode(n.Name)
		size := w.Len() - at - 1
		if size > math.MaxUint8 {
			w.buf = w.buf[:at]
			return fmt.Errorf("mapi: property name of %d bytes: %w", size, ErrMalformed)
		}
		w.buf[at] = uint8(size)
	}
	return nil
}

// PutPropertyNames writes a u16 count and the names.
func (w *Writer) PutPropertyNames(names []PropName) error {
	if len(names) > math.MaxUint16 {
		return fmt.Errorf("mapi: %d property names: %w", len(names), ErrMalformed)
	}
	w.PutUint16(uint16(len(names)))
	for _, n := range names {
		if err := w.PutPropertyName(n); err != nil {
			return err
		}
	}
	return nil
}

// PutRestriction writes a Restriction (MS-OXCDATA 2.12).
func (w *Writer) PutRestriction(res *Restriction) error {
	if res == nil {
		return fmt.Errorf("mapi: nil restriction: %w", ErrMalformed)
	}
	if w.depth >= MaxRestrictionDepth {
		return fmt.Errorf("mapi: restrictions nested deeper than %d: %w", MaxRestrictionDepth, ErrMalformed)
	}
	w.depth++
	defer func() { w.depth-- }()
	w.PutUint8(uint8(res.Type))
	switch res.Type {
	case ResAnd, ResOr:
		if w.flags&CodecWideCounts != 0 {
			if uint64(len(res.Children)) > math.MaxUint32 {
				return fmt.Errorf("mapi: %d operands: %w", len(res.Children), ErrMalformed)
			}
			w.PutUint32(uint32(len(res.Children)))
		} else {
			if len(res.Children) > math.MaxUint16 {
				return fmt.Errorf("mapi: %d operands do not fit a 16-bit count: %w", len(res.Children), ErrMalformed)
			}
			w.PutUint16(uint16(len(res.Children)))
		}
		for _, c := range res.Children {
			if err := w.PutRestriction(c); err != nil {
				return err
			}
		}
	case ResNot:
		return w.PutRestriction(res.Sub)
	case ResContent:
		w.PutUint32(res.FuzzyLevel)
		w.PutPropTag(res.Tag)
		return w.putComparand(res.Value)
	case ResProperty:
		w.PutUint8(uint8(res.Relop))
		w.PutPropTag(res.Tag)
		return w.putComparand(res.Value)
	case ResCompareProps:
		w.PutUint8(uint8(res.Relop))
		w.PutPropTag(res.Tag)
		w.PutPropTag(res.Tag2)
	case ResBitmask:
		w.PutUint8(uint8(res.BitmaskRelop))
		w.PutPropTag(res.Tag)
		w.PutUint32(res.Mask)
	case ResSize:
		w.PutUint8(uint8(res.Relop))
		w.PutPropTag(res.Tag)
		w.PutUint32(res.Size)
	case ResExist:
		w.PutPropTag(res.Tag)
	case ResSubRestriction:
		w.PutPropTag(res.Tag)
		return w.PutRestriction(res.Sub)
	case ResComment, ResAnnotation:
		if len(res.Comments) == 0 || len(res.Comments) > math.MaxUint8 {
			return fmt.Errorf("mapi: comment restriction with %d values: %w", len(res.Comments), ErrMalformed)
		}
		w.PutUint8(uint8(len(res.Comments)))
		for _, pv := range res.Comments {
			if err := w.PutPropVal(pv); err != nil {
				return err
			}
		}
		if res.Sub == nil {
			w.PutUint8(0)
			return nil
		}
		w.PutUint8(1)
		return w.PutRestriction(res.Sub)
	case ResCount:
		w.PutUint32(res.Count)
		return w.PutRestriction(res.Sub)
	case ResNull:
	default:
		return fmt.Errorf("mapi: restriction type %#x: %w", uint8(res.Type), ErrMalformed)
	}
	return nil
}

func (w *Writer) putComparand(pv PropVal) error {
	if w.flags&CodecAddressBook != 0 {
		absent := pv.Tag == 0 && pv.Value == nil
		w.PutHasValue(!absent)
		if absent {
			return nil
		}
	}
	return w.PutPropVal(pv)
}

// PutSortOrder writes a SortOrder.
func (w *Writer) PutSortOrder(s SortOrder) {
	w.PutPropTag(s.Tag)
	w.PutUint8(uint8(s.Order))
}

// PutSortOrderSet writes a SortOrderSet; its counts must be consistent.
func (w *Writer) PutSortOrderSet(s SortOrderSet) error {
	if len(s.Sorts) > math.MaxUint16 || int(s.CategoryCount) > len(s.Sorts) || s.ExpandedCount > s.CategoryCount {
		return fmt.Errorf("mapi: sort order counts %d/%d/%d: %w", len(s.Sorts), s.CategoryCount, s.ExpandedCount, ErrMalformed)
	}
	w.PutUint16(uint16(len(s.Sorts)))
	w.PutUint16(s.CategoryCount)
	w.PutUint16(s.ExpandedCount)
	for _, so := range s.Sorts {
		w.PutSortOrder(so)
	}
	return nil
}

// EncodeMV encodes a value the store keeps as a blob: any multi-value
// type, PtClsid, PtSvrEID, PtSRestriction and PtActions (reference §2.4),
// with flags 0: u32 count then the elements, strings NUL-terminated UTF-8,
// binaries with u16 lengths.
func EncodeMV(t PropType, v any) ([]byte, error) {
	if !storedAsBlob(t) {
		return nil, fmt.Errorf("mapi: %v is not stored as a blob: %w", t, ErrValueType)
	}
	w := NewWriter(CodecStore)
	if err := w.PutValue(t, v); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

// DecodeMV decodes a blob EncodeMV makes. Like upstream it ignores bytes
// after the value. An empty multi-value decodes as an empty slice; upstream
// reports such a property as absent.
func DecodeMV(t PropType, b []byte) (any, error) {
	if !storedAsBlob(t) {
		return nil, fmt.Errorf("mapi: %v is not stored as a blob: %w", t, ErrValueType)
	}
	return NewReader(b, CodecStore).Value(t)
}

func storedAsBlob(t PropType) bool {
	if t&MvInstance != 0 {
		return false
	}
	if t.IsMV() {
		return zeroMV(t) != nil
	}
	switch t {
	case PtClsid, PtSvrEID, PtSRestriction, PtActions:
		return true
	}
	return false
}

// zeroMV returns an empty value of a multi-value type, or nil.
func zeroMV(t PropType) any {
	switch t {
	case PtMvShort:
		return []int16{}
	case PtMvLong:
		return []int32{}
	case PtMvFloat:
		return []float32{}
	case PtMvDouble, PtMvAppTime:
		return []float64{}
	case PtMvCurrency, PtMvI8:
		return []int64{}
	case PtMvString8, PtMvUnicode:
		return []string{}
	case PtMvSysTime:
		return []FileTime{}
	case PtMvClsid:
		return []GUID{}
	case PtMvBinary:
		return [][]byte{}
	}
	return nil
}
