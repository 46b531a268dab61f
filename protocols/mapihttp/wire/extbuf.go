package wire

// Extended buffers (MS-OXCRPC 2.2.2.1 RPC_HEADER_EXT, 3.1.4.1.1,
// 3.1.4.2.1.1): the ROP and auxiliary buffers of Execute travel as one or
// more headers each followed by its payload, compressed and obfuscated as
// the header's flags say.

import (
	"encoding/binary"
	"fmt"
)

// ExtFlags are the Flags of an RPC_HEADER_EXT (MS-OXCRPC 2.2.2.1).
type ExtFlags uint16

const (
	// ExtCompressed: the payload is compressed (see Compress).
	ExtCompressed ExtFlags = 0x0001
	// ExtXorMagic: every payload byte is XORed with 0xA5 (see Obfuscate).
	ExtXorMagic ExtFlags = 0x0002
	// ExtLast: no other RPC_HEADER_EXT follows this one's payload.
	ExtLast ExtFlags = 0x0004

	extKnownFlags = ExtCompressed | ExtXorMagic | ExtLast
)

const (
	// ExtHeaderSize is the size of an RPC_HEADER_EXT.
	ExtHeaderSize = 8
	// MaxExtPayload is the largest payload one extended buffer carries
	// (MS-OXCRPC 3.1.4.1.1: "A single payload MUST NOT exceed 32 KB").
	MaxExtPayload = 32 << 10
)

// ExtHeader is an RPC_HEADER_EXT (MS-OXCRPC 2.2.2.1).
type ExtHeader struct {
	Version    uint16 // MUST be 0
	Flags      ExtFlags
	Size       uint16 // bytes of payload that follow the header
	SizeActual uint16 // bytes of payload once decompressed
}

// xorMagic is the obfuscation byte of MS-OXCRPC 3.1.4.1.1.3.
const xorMagic = 0xa5

// Obfuscate XORs every byte of b with 0xA5 in place (MS-OXCRPC
// 3.1.4.1.1.3); applied twice it gives the original bytes back.
func Obfuscate(b []byte) {
	for i := range b {
		b[i] ^= xorMagic
	}
}

func extError(index int, format string, args ...any) error {
	return fmt.Errorf("%w: extended buffer %d: %s", ErrMalformed, index, fmt.Sprintf(format, args...))
}

// ParseExtended reads a chain of extended buffers (MS-OXCRPC 2.2.2.1,
// 3.1.4.2.1.1.1) and returns their payloads in order, un-obfuscated and
// decompressed. The chain must end with the buffer that has the Last flag
// and nothing may follow it. maxTotal bounds the sum of the payload sizes
// (SizeActual) so that a small request cannot make the server inflate
// many 64 KiB payloads (a compressed buffer of about 20 bytes can
// announce 65,535); maxTotal <= 0 means no bound, which only a caller
// that has bounded the input itself should use.
func ParseExtended(b []byte, maxTotal int) ([][]byte, error) {
	var payloads [][]byte
	total := 0
	for i := 0; ; i++ {
		if len(b) < ExtHeaderSize {
			if len(b) == 0 && i > 0 {
				return nil, extError(i, "missing: the previous buffer has no Last flag")
			}
			return nil, extError(i, "header truncated (%d bytes)", len(b))
		}
		h := ExtHeader{
			Version:    binary.LittleEndian.Uint16(b[0:]),
			Flags:      ExtFlags(binary.LittleEndian.Uint16(b[2:])),
			Size:       binary.LittleEndian.Uint16(b[4:]),
			SizeActual: binary.LittleEndian.Uint16(b[6:]),
		}
		b = b[ExtHeaderSize:]
		if h.Version != 0 { // 2.2.2.1: MUST be 0x0000
			return nil, extError(i, "version %#x", h.Version)
		}
		if h.Flags&^extKnownFlags != 0 {
			return nil, extError(i, "unknown flags %#x", uint16(h.Flags))
		}
		if h.Flags&ExtCompressed == 0 && h.Size != h.SizeActual {
			// 2.2.2.1: without Compressed, Size and SizeActual MUST be the same.
			return nil, extError(i, "uncompressed with Size %d and SizeActual %d", h.Size, h.SizeActual)
		}
		if h.Flags&ExtCompressed != 0 && h.Size >= h.SizeActual {
			// 2.2.2.1: with Compressed, Size MUST be less than SizeActual.
			return nil, extError(i, "compressed with Size %d not below SizeActual %d", h.Size, h.SizeActual)
		}
		if int(h.Size) > len(b) {
			return nil, extError(i, "payload of %d bytes truncated to %d", h.Size, len(b))
		}
		total += int(h.SizeActual)
		if maxTotal > 0 && total > maxTotal {
			return nil, extError(i, "payloads exceed %d bytes", maxTotal)
		}
		p := append([]byte(nil), b[:h.Size]...)
		b = b[h.Size:]
		// 3.1.4.2.1.1.1: reverted (XOR) first, then uncompressed.
		if h.Flags&ExtXorMagic != 0 {
			Obfuscate(p)
		}
		if h.Flags&ExtCompressed != 0 {
			var err error
			if p, err = Decompress(p, int(h.SizeActual)); err != nil {
				return nil, fmt.Errorf("extended buffer %d: %w", i, err)
			}
		}
		if p == nil {
			p = []byte{}
		}
		payloads = append(payloads, p)
		if h.Flags&ExtLast != 0 {
			if len(b) != 0 {
				return nil, extError(i, "%d bytes after the buffer with the Last flag", len(b))
			}
			return payloads, nil
		}
	}
}

// ExtOptions say how AppendExtended writes payloads.
type ExtOptions struct {
	// Compress compresses each payload where that makes it smaller (the
	// caller clears it when the client asked for NoCompression).
	Compress bool
	// Xor obfuscates each payload (cleared for NoXorMagic).
	Xor bool
	// MaxPayload splits payloads longer than this into several buffers;
	// 0 means MaxExtPayload. It may not exceed 0xFFFF.
	MaxPayload int
}

// AppendExtended appends a chain of extended buffers holding payloads in
// order (MS-OXCRPC 2.2.2.1, 3.1.4.2.1.1.2): each payload, split where it
// is longer than the limit, gets its own RPC_HEADER_EXT; payloads are
// compressed (when allowed and smaller) and then obfuscated; only the
// last header has the Last flag. At least one payload is needed; an
// empty payload is a buffer of size 0.
//
// Splitting suits byte streams such as auxiliary data. A ROP output
// buffer must not be split: each extended buffer of rgbOut carries whole
// ROP responses with their handle table (3.1.4.2.1.1.2), and the server
// keeps each within 32 KB (3.1.4.2.1.2.2), so callers pass one payload
// per ROP buffer, each no longer than the limit.
func AppendExtended(dst []byte, payloads [][]byte, opt ExtOptions) ([]byte, error) {
	limit := opt.MaxPayload
	if limit == 0 {
		limit = MaxExtPayload
	}
	if limit < 0 || limit > 0xffff {
		return dst, fmt.Errorf("wire: extended buffer payload limit %d out of range", limit)
	}
	if len(payloads) == 0 {
		return dst, fmt.Errorf("wire: an extended buffer chain needs a payload")
	}
	var chunks [][]byte
	for _, p := range payloads {
		if len(p) == 0 {
			chunks = append(chunks, p)
		}
		for len(p) > 0 {
			n := min(len(p), limit)
			chunks = append(chunks, p[:n])
			p = p[n:]
		}
	}
	for i, c := range chunks {
		flags := ExtFlags(0)
		if i == len(chunks)-1 {
			flags |= ExtLast
		}
		at := len(dst)
		dst = append(dst, make([]byte, ExtHeaderSize)...)
		body := len(dst)
		if opt.Compress && len(c) > 0 {
			dst = Compress(dst, c)
			if len(dst)-body < len(c) {
				flags |= ExtCompressed
			} else {
				dst = dst[:body]
			}
		}
		if flags&ExtCompressed == 0 {
			dst = append(dst, c...)
		}
		if opt.Xor {
			flags |= ExtXorMagic
			Obfuscate(dst[body:])
		}
		binary.LittleEndian.PutUint16(dst[at:], 0)
		binary.LittleEndian.PutUint16(dst[at+2:], uint16(flags))
		binary.LittleEndian.PutUint16(dst[at+4:], uint16(len(dst)-body))
		binary.LittleEndian.PutUint16(dst[at+6:], uint16(len(c)))
	}
	return dst, nil
}
