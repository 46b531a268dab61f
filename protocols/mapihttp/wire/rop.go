package wire

// ROP input and output buffers (MS-OXCROPS 2.2.1): the payload of each
// extended buffer is RopSize (u16, counting itself and the ROPs), the ROP
// buffers, then the server object handle table, u32 each, filling the
// rest.

import (
	"encoding/binary"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
)

// RopBuffer is a ROP input or output buffer split into its parts.
type RopBuffer struct {
	// Rops holds the ROP request or response buffers back to back.
	Rops []byte
	// Handles is the server object handle table.
	Handles []uint32
}

// MaxRopsSize is the most ROP bytes a RopBuffer can carry: RopSize is a
// u16 that counts its own 2 bytes.
const MaxRopsSize = 0xffff - 2

// ParseRopBuffer splits a ROP buffer (MS-OXCROPS 2.2.1). RopSize must be at
// least 2 and within the buffer, and the bytes after the ROPs must be a
// whole number of handles. The parts are copies.
func ParseRopBuffer(b []byte) (RopBuffer, error) {
	if len(b) < 2 {
		return RopBuffer{}, fmt.Errorf("%w: ROP buffer of %d bytes has no RopSize", ErrMalformed, len(b))
	}
	size := int(binary.LittleEndian.Uint16(b))
	if size < 2 || size > len(b) { // RopSize counts itself and RopsList
		return RopBuffer{}, fmt.Errorf("%w: RopSize %d in a ROP buffer of %d bytes", ErrMalformed, size, len(b))
	}
	table := b[size:]
	if len(table)%4 != 0 { // ServerObjectHandleTable: 32-bit values
		return RopBuffer{}, fmt.Errorf("%w: handle table of %d bytes", ErrMalformed, len(table))
	}
	rb := RopBuffer{
		Rops:    append([]byte{}, b[2:size]...),
		Handles: make([]uint32, len(table)/4),
	}
	for i := range rb.Handles {
		rb.Handles[i] = binary.LittleEndian.Uint32(table[4*i:])
	}
	return rb, nil
}

// Append appends the buffer in its wire form.
func (rb RopBuffer) Append(dst []byte) ([]byte, error) {
	if len(rb.Rops) > MaxRopsSize {
		return dst, fmt.Errorf("wire: %d bytes of ROPs do not fit RopSize", len(rb.Rops))
	}
	dst = binary.LittleEndian.AppendUint16(dst, uint16(2+len(rb.Rops)))
	dst = append(dst, rb.Rops...)
	for _, h := range rb.Handles {
		dst = binary.LittleEndian.AppendUint32(dst, h)
	}
	return dst, nil
}

// Size returns the length of the wire form.
func (rb RopBuffer) Size() int { return 2 + len(rb.Rops) + 4*len(rb.Handles) }

// RopRequestHeader is the start of most ROP request buffers (MS-OXCROPS
// 2.2.3 and following): RopId, LogonId and InputHandleIndex, one byte each.
type RopRequestHeader struct {
	RopID            uint8
	LogonID          uint8
	InputHandleIndex uint8
}

// ReadRopRequestHeader reads the 3-byte header of a ROP request.
func ReadRopRequestHeader(r *mapi.Reader) (RopRequestHeader, error) {
	var h RopRequestHeader
	var err error
	if h.RopID, err = r.Uint8(); err != nil {
		return h, err
	}
	if h.LogonID, err = r.Uint8(); err != nil {
		return h, err
	}
	h.InputHandleIndex, err = r.Uint8()
	return h, err
}

// Put writes the header.
func (h RopRequestHeader) Put(w *mapi.Writer) {
	w.PutUint8(h.RopID)
	w.PutUint8(h.LogonID)
	w.PutUint8(h.InputHandleIndex)
}

// RopResponseHeader is the start of most ROP response buffers: RopId, the
// handle index the response refers to (InputHandleIndex or
// OutputHandleIndex, per ROP) and ReturnValue.
type RopResponseHeader struct {
	RopID       uint8
	HandleIndex uint8
	ReturnValue uint32
}

// ReadRopResponseHeader reads the 6-byte header of a ROP response.
func ReadRopResponseHeader(r *mapi.Reader) (RopResponseHeader, error) {
	var h RopResponseHeader
	var err error
	if h.RopID, err = r.Uint8(); err != nil {
		return h, err
	}
	if h.HandleIndex, err = r.Uint8(); err != nil {
		return h, err
	}
	h.ReturnValue, err = r.Uint32()
	return h, err
}

// Put writes the header.
func (h RopResponseHeader) Put(w *mapi.Writer) {
	w.PutUint8(h.RopID)
	w.PutUint8(h.HandleIndex)
	w.PutUint32(h.ReturnValue)
}

// RopIDBufferTooSmall is the RopId of RopBufferTooSmall (MS-OXCROPS
// 2.2.15.1).
const RopIDBufferTooSmall = 0xff

// AppendBufferTooSmall appends a RopBufferTooSmall response (MS-OXCROPS
// 2.2.15.1.1): RopId 0xFF, SizeNeeded (u16) and the part of the ROP
// input that was not executed.
func AppendBufferTooSmall(dst []byte, sizeNeeded uint16, unexecuted []byte) []byte {
	dst = append(dst, RopIDBufferTooSmall)
	dst = binary.LittleEndian.AppendUint16(dst, sizeNeeded)
	return append(dst, unexecuted...)
}
