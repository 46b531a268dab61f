// Package tneftest builds TNEF streams for tests, from the layout of
// MS-OXTNEF 2.1.3: attributes with their checksums and encapsulated
// property lists. It writes what a test asks for, valid or not; it is not
// an encoder for production use.
package tneftest

import (
	"encoding/binary"
	"math"
	"reflect"
	"time"
	"unicode/utf16"

	"github.com/gromox-go/gromox/mapi"
)

// Stream is a TNEF stream being built.
type Stream struct {
	b []byte
}

// New starts a stream: signature, legacy key 1 and attTnefVersion.
func New() *Stream {
	s := &Stream{}
	s.b = binary.LittleEndian.AppendUint32(s.b, 0x223E9F78)
	s.b = binary.LittleEndian.AppendUint16(s.b, 1)
	return s.Attr(0x01, 0x00089006, U32(0x00010000))
}

// Attr appends an attribute with the correct checksum.
func (s *Stream) Attr(level byte, id uint32, data []byte) *Stream {
	var sum uint16
	for _, c := range data {
		sum += uint16(c)
	}
	return s.AttrSum(level, id, data, sum)
}

// AttrSum appends an attribute with the checksum given.
func (s *Stream) AttrSum(level byte, id uint32, data []byte, sum uint16) *Stream {
	s.b = append(s.b, level)
	s.b = binary.LittleEndian.AppendUint32(s.b, id)
	s.b = binary.LittleEndian.AppendUint32(s.b, uint32(len(data)))
	s.b = append(s.b, data...)
	s.b = binary.LittleEndian.AppendUint16(s.b, sum)
	return s
}

// Raw appends bytes as they are.
func (s *Stream) Raw(b []byte) *Stream {
	s.b = append(s.b, b...)
	return s
}

// Bytes returns the stream.
func (s *Stream) Bytes() []byte { return s.b }

// Props is an encapsulated property list (attMsgProps, attAttachment or a
// row of attRecipTable).
type Props struct {
	n uint32
	b []byte
}

// Add appends a property. The value has the Go form of mapi.PropVal for
// the tag's type; PT_STRING8 values are written as their bytes.
func (p *Props) Add(tag mapi.PropTag, v any) *Props {
	p.n++
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(tag))
	p.value(tag.Type(), v)
	return p
}

// AddNamed appends a named property: tag (an id of 0x8000 or more local
// to the stream), name, value.
func (p *Props) AddNamed(tag mapi.PropTag, name mapi.PropName, v any) *Props {
	p.n++
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(tag))
	p.b = append(p.b, name.GUID[:]...)
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(name.Kind))
	if name.Kind == mapi.MnidID {
		p.b = binary.LittleEndian.AppendUint32(p.b, name.LID)
	} else {
		p.counted(UTF16(name.Name))
	}
	p.value(tag.Type(), v)
	return p
}

// Object appends a single PT_OBJECT value: interface id and data.
func (p *Props) Object(tag mapi.PropTag, iid mapi.GUID, data []byte) *Props {
	p.n++
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(tag))
	p.b = binary.LittleEndian.AppendUint32(p.b, 1)
	p.counted(append(iid[:], data...))
	return p
}

// Bytes returns the list: a u32 count and the properties.
func (p *Props) Bytes() []byte {
	return append(binary.LittleEndian.AppendUint32(nil, p.n), p.b...)
}

// RecipTable returns attRecipTable data for the rows.
func RecipTable(rows ...*Props) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(rows)))
	for _, r := range rows {
		b = append(b, r.Bytes()...)
	}
	return b
}

// counted appends a u32 length, the bytes and padding to 4.
func (p *Props) counted(b []byte) {
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(len(b)))
	p.b = append(p.b, b...)
	p.pad()
}

func (p *Props) pad() {
	for len(p.b)%4 != 0 {
		p.b = append(p.b, 0)
	}
}

func (p *Props) value(t mapi.PropType, v any) {
	if t.IsMV() {
		p.b = binary.LittleEndian.AppendUint32(p.b, uint32(mvLen(v)))
		for i := range mvLen(v) {
			p.one(t.Base(), mvElem(v, i))
		}
		return
	}
	switch t {
	case mapi.PtString8, mapi.PtUnicode, mapi.PtBinary, mapi.PtSvrEID, mapi.PtObject:
		p.b = binary.LittleEndian.AppendUint32(p.b, 1)
	}
	p.one(t, v)
}

func (p *Props) one(t mapi.PropType, v any) {
	le := binary.LittleEndian
	switch x := v.(type) {
	case int16:
		p.b = le.AppendUint16(p.b, uint16(x))
	case int32:
		p.b = le.AppendUint32(p.b, uint32(x))
	case float32:
		p.b = le.AppendUint32(p.b, math.Float32bits(x))
	case mapi.ErrorCode:
		p.b = le.AppendUint32(p.b, uint32(x))
	case bool:
		var u uint16
		if x {
			u = 1
		}
		p.b = le.AppendUint16(p.b, u)
	case float64:
		p.b = le.AppendUint64(p.b, math.Float64bits(x))
	case int64:
		p.b = le.AppendUint64(p.b, uint64(x))
	case mapi.FileTime:
		p.b = le.AppendUint64(p.b, uint64(x))
	case mapi.GUID:
		p.b = append(p.b, x[:]...)
	case string:
		if t == mapi.PtUnicode {
			p.counted(UTF16(x))
		} else {
			p.counted(String8(x))
		}
	case []byte:
		p.counted(x)
	}
	p.pad()
}

// mvLen and mvElem read the slice of a multi-value Go form.
func mvLen(v any) int { return reflect.ValueOf(v).Len() }

func mvElem(v any, i int) any { return reflect.ValueOf(v).Index(i).Interface() }

// U16 returns a little-endian u16.
func U16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

// U32 returns a little-endian u32.
func U32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// String8 returns s with a terminating NUL (an atpString value).
func String8(s string) []byte { return append([]byte(s), 0) }

// UTF16 returns s as UTF-16LE with a terminating NUL.
func UTF16(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return append(b, 0, 0)
}

// Date returns an atpDate (DTR) of t's fields.
func Date(t time.Time) []byte {
	var b []byte
	for _, v := range []int{t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), int(t.Weekday())} {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}

// RendData returns an attAttachRendData value (RENDDATA): attachment type
// (1 file, 2 OLE), rendering position, no size, no flags.
func RendData(atyp uint16, position uint32) []byte {
	b := binary.LittleEndian.AppendUint16(nil, atyp)
	b = binary.LittleEndian.AppendUint32(b, position)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint16(b, 0)
	return binary.LittleEndian.AppendUint32(b, 0)
}

// From returns an attFrom value: a one-off TRP with name and "TYPE:addr".
func From(name, addrType, addr string) []byte {
	nm := String8(name)
	if len(nm)%2 != 0 {
		nm = append(nm, 0)
	}
	ad := String8(addrType + ":" + addr)
	b := binary.LittleEndian.AppendUint16(nil, 0x0004) // trpidOneOff
	b = binary.LittleEndian.AppendUint16(b, uint16(16+len(nm)+len(ad)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(nm)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(ad)))
	b = append(b, nm...)
	b = append(b, ad...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return append(b, make([]byte, 8)...) // the terminating null TRP
}
