package tnef

import (
	"encoding/binary"
	"math"
	"unicode/utf16"

	"github.com/gromox-go/gromox/mapi"
)

// The encapsulated MAPI properties of attMsgProps, attAttachment and
// attRecipTable rows (MS-OXTNEF 2.1.3.4). They differ from the wire form
// of MS-OXCDATA 2.11: every value is padded to 4 bytes, strings, binaries
// and objects carry a value count and a u32 length per value even when
// single-valued, and named properties carry their name (GUID, u32 kind,
// LID or counted UTF-16LE string) after the tag.

// IIDIMessage is the interface id that marks a PT_OBJECT value as an
// embedded message, whose data is a nested TNEF stream.
var IIDIMessage = mapi.MustGUID("00020307-0000-0000-c000-000000000046")

// cursor reads the little-endian fields of one attribute's data.
type cursor struct {
	b   []byte
	off int
}

func (c *cursor) left() int { return len(c.b) - c.off }

func (c *cursor) take(n int) ([]byte, bool) {
	if n < 0 || n > c.left() {
		return nil, false
	}
	b := c.b[c.off : c.off+n]
	c.off += n
	return b, true
}

// takePadded takes n bytes and the padding that follows them to a
// multiple of 4. Padding cut short by the end of the data is tolerated.
func (c *cursor) takePadded(n int) ([]byte, bool) {
	b, ok := c.take(n)
	if !ok {
		return nil, false
	}
	pad := (4 - n%4) % 4
	c.off += min(pad, c.left())
	return b, true
}

func (c *cursor) u32() (uint32, bool) {
	b, ok := c.take(4)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b), true
}

func (c *cursor) u64() (uint64, bool) {
	b, ok := c.take(8)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b), true
}

// block is one decoded property list.
type block struct {
	vals     []mapi.PropVal
	embedded *Message // PR_ATTACH_DATA_OBJ holding a nested stream
	opaque   []byte   // a nested stream that could not be decoded
}

// propBlock reads attMsgProps or attAttachment: a u32 count and that many
// properties.
func (s *stream) propBlock(data []byte) (block, error) {
	c := &cursor{b: data}
	n, ok := c.u32()
	if !ok {
		return block{}, s.corrupt("property block without count")
	}
	bl, err := s.propList(c, n)
	if err != nil {
		return block{}, err
	}
	if c.left() > 0 {
		s.problem("%d bytes after the properties", c.left())
	}
	return bl, nil
}

// recipTable reads attRecipTable: a u32 row count, each row a u32 count
// and that many properties.
func (s *stream) recipTable(data []byte) ([][]mapi.PropVal, error) {
	c := &cursor{b: data}
	rows, ok := c.u32()
	if !ok || uint64(rows) > uint64(c.left()/4) {
		return nil, s.corrupt("recipient table row count")
	}
	var out [][]mapi.PropVal
	for range rows {
		n, ok := c.u32()
		if !ok {
			return nil, s.corrupt("recipient row without count")
		}
		bl, err := s.propList(c, n)
		if err != nil {
			return nil, err
		}
		out = append(out, bl.vals)
	}
	if c.left() > 0 {
		s.problem("%d bytes after the recipient table", c.left())
	}
	return out, nil
}

// pendingName is a named property waiting for its store id.
type pendingName struct {
	index int // in block.vals
	name  mapi.PropName
}

// propList reads n properties and resolves their names.
func (s *stream) propList(c *cursor, n uint32) (block, error) {
	// The smallest property is a tag and a 4-byte value.
	if uint64(n) > uint64(c.left()/8) {
		return block{}, s.corrupt("property count %d for %d bytes", n, c.left())
	}
	var bl block
	var named []pendingName
	drop := map[int]bool{}
	for range n {
		v, name, keep, err := s.property(c, &bl)
		if err != nil {
			return block{}, err
		}
		if !keep {
			continue
		}
		if name != nil {
			named = append(named, pendingName{index: len(bl.vals), name: *name})
		}
		bl.vals = append(bl.vals, v)
	}
	if len(named) > 0 {
		ids, err := s.resolve(named)
		for i, p := range named {
			if err != nil || ids[i] < 0x8000 {
				drop[p.index] = true
				continue
			}
			bl.vals[p.index].Tag = mapi.NewTag(ids[i], bl.vals[p.index].Tag.Type())
		}
		if err != nil {
			s.problem("%d named properties dropped: %v", len(named), err)
		}
	}
	if len(drop) > 0 {
		kept := bl.vals[:0]
		for i, v := range bl.vals {
			if !drop[i] {
				kept = append(kept, v)
			}
		}
		bl.vals = kept
	}
	return bl, nil
}

func (s *stream) resolve(named []pendingName) ([]uint16, error) {
	if s.d.opt.NamedProps == nil {
		return nil, errNoResolver
	}
	names := make([]mapi.PropName, len(named))
	for i, p := range named {
		names[i] = p.name
	}
	ids, err := s.d.opt.NamedProps(names)
	if err == nil && len(ids) != len(names) {
		err = errResolverCount
	}
	return ids, err
}

type resolveError string

func (e resolveError) Error() string { return string(e) }

const (
	errNoResolver    = resolveError("no NamedProps resolver")
	errResolverCount = resolveError("NamedProps returned the wrong number of ids")
)

// spend counts n values against Options.MaxValues.
func (s *stream) spend(n int) error {
	s.d.values += n
	if s.d.values > s.d.opt.MaxValues {
		return ErrTooLarge
	}
	return nil
}

// property reads one property: tag, name for a named one, value. keep is
// false for values not returned (PT_ERROR, empty variable-length values,
// the embedded message, which goes to bl).
func (s *stream) property(c *cursor, bl *block) (v mapi.PropVal, name *mapi.PropName, keep bool, err error) {
	raw, ok := c.u32()
	if !ok {
		return v, nil, false, s.corrupt("property tag truncated")
	}
	tag := mapi.PropTag(raw)
	typ := tag.Type() &^ mapi.MvInstance
	if tag.IsNamed() {
		nm, err := s.propName(c)
		if err != nil {
			return v, nil, false, err
		}
		name = &nm
	}
	if typ.IsMV() {
		val, err := s.multiValue(c, typ.Base())
		if err != nil {
			return v, nil, false, err
		}
		if typ.Base() == mapi.PtString8 {
			typ = mapi.PtMvUnicode
		}
		return mapi.PropVal{Tag: tag.WithType(typ), Value: val}, name, true, nil
	}
	switch typ {
	case mapi.PtString8, mapi.PtUnicode, mapi.PtBinary, mapi.PtSvrEID, mapi.PtObject:
		// A value count, one for a single value, then the values.
		cnt, ok := c.u32()
		if !ok || uint64(cnt) > uint64(c.left()/4) {
			return v, nil, false, s.corrupt("value count of %v", tag)
		}
		if cnt == 0 {
			return v, nil, false, nil
		}
		if cnt > 1 {
			s.problem("%d values for single-valued %v, first kept", cnt, tag)
		}
		var first any
		for i := range cnt {
			val, err := s.varValue(c, typ, tag, bl)
			if err != nil {
				return v, nil, false, err
			}
			if i == 0 {
				first = val
			}
		}
		if first == nil {
			return v, nil, false, nil
		}
		if typ == mapi.PtString8 {
			typ = mapi.PtUnicode
		}
		return mapi.PropVal{Tag: tag.WithType(typ), Value: first}, name, true, nil
	}
	val, err := s.fixedValue(c, typ)
	if err != nil {
		return v, nil, false, err
	}
	if typ == mapi.PtError {
		return v, nil, false, nil
	}
	return mapi.PropVal{Tag: tag, Value: val}, name, true, nil
}

// propName reads a named property's name: GUID, u32 kind, then a u32 LID
// (MNID_ID) or a u32 byte length and a NUL-terminated UTF-16LE string
// padded to 4 (MNID_STRING).
func (s *stream) propName(c *cursor) (mapi.PropName, error) {
	g, ok := c.take(16)
	if !ok {
		return mapi.PropName{}, s.corrupt("property name truncated")
	}
	kind, ok := c.u32()
	if !ok {
		return mapi.PropName{}, s.corrupt("property name truncated")
	}
	guid := mapi.GUID(g)
	switch kind {
	case uint32(mapi.MnidID):
		lid, ok := c.u32()
		if !ok {
			return mapi.PropName{}, s.corrupt("property LID truncated")
		}
		return mapi.NameByLID(guid, lid), nil
	case uint32(mapi.MnidString):
		n, ok := c.u32()
		if !ok {
			return mapi.PropName{}, s.corrupt("property name length truncated")
		}
		b, ok := c.takePadded(int(min(n, math.MaxInt32)))
		if !ok {
			return mapi.PropName{}, s.corrupt("property name of %d bytes", n)
		}
		name := utf16String(b)
		if name == "" || len(name) > mapi.MaxStoreNameLen {
			return mapi.PropName{}, s.corrupt("property name of %d bytes", len(name))
		}
		return mapi.NameByString(guid, name), nil
	}
	return mapi.PropName{}, s.corrupt("property name kind %d", kind)
}

// utf16String decodes NUL-terminated UTF-16LE, an odd last byte dropped.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		x := binary.LittleEndian.Uint16(b[i:])
		if x == 0 {
			break
		}
		u = append(u, x)
	}
	return string(utf16.Decode(u))
}

// fixedValue reads one value of a fixed-size type, padded to 4.
func (s *stream) fixedValue(c *cursor, t mapi.PropType) (any, error) {
	if err := s.spend(1); err != nil {
		return nil, err
	}
	size := map[mapi.PropType]int{
		mapi.PtShort: 2, mapi.PtLong: 4, mapi.PtFloat: 4, mapi.PtError: 4, mapi.PtBoolean: 2,
		mapi.PtDouble: 8, mapi.PtAppTime: 8, mapi.PtCurrency: 8, mapi.PtI8: 8, mapi.PtSysTime: 8,
		mapi.PtClsid: 16,
	}[t]
	if size == 0 {
		return nil, s.corrupt("property type %v", t)
	}
	b, ok := c.takePadded(size)
	if !ok {
		return nil, s.corrupt("%v value truncated", t)
	}
	switch t {
	case mapi.PtShort:
		return int16(binary.LittleEndian.Uint16(b)), nil
	case mapi.PtLong:
		return int32(binary.LittleEndian.Uint32(b)), nil
	case mapi.PtFloat:
		return math.Float32frombits(binary.LittleEndian.Uint32(b)), nil
	case mapi.PtError:
		return mapi.ErrorCode(binary.LittleEndian.Uint32(b)), nil
	case mapi.PtBoolean:
		return binary.LittleEndian.Uint16(b) != 0, nil
	case mapi.PtDouble, mapi.PtAppTime:
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
	case mapi.PtCurrency, mapi.PtI8:
		return int64(binary.LittleEndian.Uint64(b)), nil
	case mapi.PtSysTime:
		return mapi.FileTime(binary.LittleEndian.Uint64(b)), nil
	}
	return mapi.GUID(b), nil // PtClsid
}

// varValue reads one counted value: u32 length, bytes, padding. A
// PT_OBJECT value starts with its interface id; PR_ATTACH_DATA_OBJ with
// IID_IMessage is a nested stream, decoded into bl.embedded. It returns
// nil for a value not to keep.
func (s *stream) varValue(c *cursor, t mapi.PropType, tag mapi.PropTag, bl *block) (any, error) {
	if err := s.spend(1); err != nil {
		return nil, err
	}
	n, ok := c.u32()
	if !ok {
		return nil, s.corrupt("length of %v truncated", tag)
	}
	b, ok := c.takePadded(int(min(n, math.MaxInt32)))
	if !ok {
		return nil, s.corrupt("%v value of %d bytes for %d left", tag, n, c.left())
	}
	switch t {
	case mapi.PtString8:
		return s.string8(b), nil
	case mapi.PtUnicode:
		return utf16String(b), nil
	case mapi.PtObject:
		if len(b) < 16 {
			return nil, s.corrupt("object value of %d bytes", len(b))
		}
		iid, data := mapi.GUID(b[:16]), b[16:]
		if tag.ID() != mapi.PrAttachDataObj.ID() || iid != IIDIMessage {
			return clone(data), nil // IID_IStorage (OLE) and others: kept as is
		}
		if s.depth+1 > s.d.opt.MaxDepth {
			s.problem("embedded message deeper than %d kept opaque", s.d.opt.MaxDepth)
			bl.opaque = clone(data)
			return nil, nil
		}
		em, err := s.d.stream(data, s.depth+1, s.codepage)
		if err != nil {
			s.problem("embedded message kept opaque: %v", err)
			bl.opaque = clone(data)
			return nil, nil
		}
		bl.embedded = em
		return nil, nil
	}
	return clone(b), nil // PtBinary, PtSvrEID
}

// multiValue reads a u32 count and that many values of base type t.
func (s *stream) multiValue(c *cursor, t mapi.PropType) (any, error) {
	n, ok := c.u32()
	if !ok || uint64(n) > uint64(c.left()/4) {
		return nil, s.corrupt("multi-value count")
	}
	switch t {
	case mapi.PtShort:
		return collect[int16](s, c, n, t)
	case mapi.PtLong:
		return collect[int32](s, c, n, t)
	case mapi.PtFloat:
		return collect[float32](s, c, n, t)
	case mapi.PtDouble, mapi.PtAppTime:
		return collect[float64](s, c, n, t)
	case mapi.PtCurrency, mapi.PtI8:
		return collect[int64](s, c, n, t)
	case mapi.PtSysTime:
		return collect[mapi.FileTime](s, c, n, t)
	case mapi.PtClsid:
		return collect[mapi.GUID](s, c, n, t)
	case mapi.PtString8, mapi.PtUnicode, mapi.PtBinary:
		out := make([]any, 0, n)
		for range n {
			v, err := s.varValue(c, t, 0, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if t == mapi.PtBinary {
			return convert[[]byte](out), nil
		}
		return convert[string](out), nil
	}
	return nil, s.corrupt("multi-value type %v", t)
}

func collect[T any](s *stream, c *cursor, n uint32, t mapi.PropType) ([]T, error) {
	out := make([]T, 0, n)
	for range n {
		v, err := s.fixedValue(c, t)
		if err != nil {
			return nil, err
		}
		out = append(out, v.(T))
	}
	return out, nil
}

func convert[T any](l []any) []T {
	out := make([]T, len(l))
	for i, v := range l {
		out[i] = v.(T)
	}
	return out
}
