package wire

// The compression of MS-OXCRPC 3.1.4.1.1.2 (3.1.7.2 in older revisions):
// LZ77 matches (3.1.4.1.1.2.1) serialized with the DIRECT2 encoding
// (3.1.4.1.1.2.2): a 32-bit bitmask, read from its most significant bit,
// tells for each following element whether it is a literal byte (0) or
// match metadata (1); a 1 bit with no input left ends the stream.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"sync"
)

// ErrMalformed is wrapped by every error about bytes that break the wire
// rules of this package.
var ErrMalformed = errors.New("wire: malformed data")

const (
	// maxMatchOffset is the largest distance the 13 offset bits reach
	// (MS-OXCRPC 3.1.4.1.1.2.2.3).
	maxMatchOffset = 1 << 13
	minMatch       = 3
	// maxMatch is the longest match the final 2-byte length can hold
	// (MS-OXCRPC 3.1.4.1.1.2.2.4: up to 65,535 + 3).
	maxMatch = 0xffff + minMatch
)

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: compressed payload: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// Decompress expands a compressed payload that must decode to exactly size
// bytes (the SizeActual of its RPC_HEADER_EXT). It returns an error for
// every input that is not a complete DIRECT2 stream of that size: a
// truncated element, a match reaching before the start of the output,
// output beyond size, or a stream that ends early or without its end bit.
func Decompress(src []byte, size int) ([]byte, error) {
	if size < 0 {
		return nil, corrupt("negative size %d", size)
	}
	dst := make([]byte, size)
	out, in := 0, 0
	var mask uint32
	nbits := 0
	shared := -1 // input offset of the shared byte whose high nibble is unused
	for {
		if nbits == 0 { // 3.1.4.1.1.2.2.1: the next 4 bytes are a bitmask
			if len(src)-in < 4 {
				return nil, corrupt("bitmask truncated at offset %d", in)
			}
			mask = binary.LittleEndian.Uint32(src[in:])
			in += 4
			nbits = 32
		}
		nbits--
		if mask&(1<<nbits) == 0 { // a literal byte
			if in >= len(src) {
				return nil, corrupt("literal missing at offset %d", in)
			}
			if out >= size {
				return nil, corrupt("output exceeds %d bytes", size)
			}
			dst[out] = src[in]
			out++
			in++
			continue
		}
		if in == len(src) { // 3.1.4.1.1.2.2.1: the end bit
			if out != size {
				return nil, corrupt("stream ends after %d of %d bytes", out, size)
			}
			return dst, nil
		}
		if len(src)-in < 2 {
			return nil, corrupt("metadata truncated at offset %d", in)
		}
		md := binary.LittleEndian.Uint16(src[in:])
		in += 2
		offset := int(md>>3) + 1 // 3.1.4.1.1.2.2.3
		length := int(md & 7)    // 3.1.4.1.1.2.2.4
		if length == 7 {
			var nibble int
			if shared < 0 {
				if in >= len(src) {
					return nil, corrupt("length byte missing at offset %d", in)
				}
				nibble = int(src[in] & 0x0f)
				shared = in
				in++
			} else {
				nibble = int(src[shared] >> 4)
				shared = -1
			}
			length += nibble
			if nibble == 15 {
				if in >= len(src) {
					return nil, corrupt("length byte missing at offset %d", in)
				}
				b := int(src[in])
				in++
				if b == 0xff {
					// The final 2 bytes hold the whole length less 3.
					if len(src)-in < 2 {
						return nil, corrupt("length truncated at offset %d", in)
					}
					length = int(binary.LittleEndian.Uint16(src[in:]))
					in += 2
				} else {
					length += b
				}
			}
		}
		length += minMatch
		if offset > out {
			return nil, corrupt("match offset %d before the start of the output at %d", offset, out)
		}
		if length > size-out {
			return nil, corrupt("output exceeds %d bytes", size)
		}
		from := out - offset
		if offset >= length {
			copy(dst[out:out+length], dst[from:from+length])
		} else {
			for i := range length {
				dst[out+i] = dst[from+i]
			}
		}
		out += length
	}
}

// Compress appends the compressed form of src to dst (MS-OXCRPC
// 3.1.4.1.1.2). The result is often larger than src for small or random
// input; callers compare the lengths (see AppendExtended).
func Compress(dst, src []byte) []byte {
	c := compressorPool.Get().(*compressor)
	dst = c.compress(dst, src)
	compressorPool.Put(c)
	return dst
}

const (
	maxHashBits = 14
	// maxChain bounds the candidates tried for one position.
	maxChain = 24
	// goodMatch stops the search early.
	goodMatch = 64
)

type compressor struct {
	head []int32 // position+1 of the newest occurrence of a hash
	prev [maxMatchOffset]int32
}

var compressorPool = sync.Pool{New: func() any { return new(compressor) }}

func hash3(b []byte, shift uint) uint32 {
	v := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	return (v * 2654435761) >> shift
}

// matchLen returns how many bytes a and b share from their start, at most
// limit (which fits both).
func matchLen(a, b []byte, limit int) int {
	n := 0
	for n+8 <= limit {
		x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)/8
		}
		n += 8
	}
	for n < limit && a[n] == b[n] {
		n++
	}
	return n
}

func (c *compressor) compress(out, src []byte) []byte {
	hashBits := max(8, min(maxHashBits, bits.Len(uint(len(src)))))
	shift := uint(32 - hashBits)
	if cap(c.head) < 1<<hashBits {
		c.head = make([]int32, 1<<maxHashBits)
	}
	head := c.head[:1<<hashBits]
	clear(head)

	maskAt := len(out)
	out = append(out, 0, 0, 0, 0)
	var mask uint32
	nbits := 0
	shared := -1 // output offset of a shared length byte with a free high nibble
	// flag records the kind of the element just appended; a full bitmask
	// is stored and the next one reserved behind that element.
	flag := func(bit uint32) {
		mask = mask<<1 | bit
		nbits++
		if nbits == 32 {
			binary.LittleEndian.PutUint32(out[maskAt:], mask)
			maskAt = len(out)
			out = append(out, 0, 0, 0, 0)
			mask, nbits = 0, 0
		}
	}
	insert := func(p int) {
		h := hash3(src[p:], shift)
		c.prev[p%maxMatchOffset] = head[h]
		head[h] = int32(p + 1)
	}

	n := len(src)
	for p := 0; p < n; {
		bestLen, bestOff := 0, 0
		if p+minMatch <= n {
			limit := min(n-p, maxMatch)
			cand := int(head[hash3(src[p:], shift)]) - 1
			for chain := 0; cand >= 0 && chain < maxChain; chain++ {
				off := p - cand
				if off > maxMatchOffset {
					break
				}
				if src[cand+bestLen] == src[p+bestLen] || bestLen == 0 {
					if l := matchLen(src[cand:], src[p:], limit); l > bestLen {
						bestLen, bestOff = l, off
						if l >= goodMatch || l == limit {
							break
						}
					}
				}
				next := int(c.prev[cand%maxMatchOffset]) - 1
				if next >= cand {
					break
				}
				cand = next
			}
		}
		if bestLen < minMatch {
			out = append(out, src[p])
			flag(0)
			if p+minMatch <= n {
				insert(p)
			}
			p++
			continue
		}
		out, shared = appendMatch(out, shared, bestOff, bestLen)
		flag(1)
		end := p + bestLen
		for ; p < end; p++ {
			if p+minMatch <= n {
				insert(p)
			}
		}
	}
	// 3.1.4.1.1.2.2.1: a 1 bit after the last element ends the stream;
	// the unused bits of the last bitmask are set too.
	free := uint(32 - nbits)
	mask = mask<<free | uint32(uint64(1)<<free-1)
	binary.LittleEndian.PutUint32(out[maskAt:], mask)
	return out
}

// appendMatch appends the metadata of a match (MS-OXCRPC 3.1.4.1.1.2.2.3
// and 3.1.4.1.1.2.2.4) and returns the new shared-byte offset.
func appendMatch(out []byte, shared, offset, length int) ([]byte, int) {
	l := length - minMatch
	md := uint16(offset-1) << 3
	if l < 7 {
		return binary.LittleEndian.AppendUint16(out, md|uint16(l)), shared
	}
	out = binary.LittleEndian.AppendUint16(out, md|7)
	l -= 7
	nibble := byte(min(l, 15))
	if shared < 0 {
		shared = len(out)
		out = append(out, nibble)
	} else {
		out[shared] |= nibble << 4
		shared = -1
	}
	if l < 15 {
		return out, shared
	}
	l -= 15
	if l < 0xff {
		return append(out, byte(l)), shared
	}
	out = append(out, 0xff)
	return binary.LittleEndian.AppendUint16(out, uint16(length-minMatch)), shared
}
