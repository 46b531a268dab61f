// Package rtf reads Outlook's rich-text bodies: the compressed RTF of
// PR_RTF_COMPRESSED (MS-OXRTFCP), the HTML an RTF body encapsulates
// (MS-OXRTFEX) and the plain text of any RTF document.
//
// Invariants: every function takes untrusted bytes and returns an error
// rather than panicking; output is bounded (decompression by RAWSIZE and
// MaxRawSize, text extraction by the size of its input); text is always
// returned as UTF-8.
package rtf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Errors of Decompress; the returned errors wrap one of them.
var (
	// ErrCorrupt is compressed RTF that does not follow MS-OXRTFCP.
	ErrCorrupt = errors.New("rtf: corrupt compressed RTF")
	// ErrTooLarge is compressed RTF announcing more than MaxRawSize bytes.
	ErrTooLarge = errors.New("rtf: compressed RTF too large")
)

// MaxRawSize bounds the decompressed size Decompress accepts, whatever
// RAWSIZE says.
const MaxRawSize = 64 << 20

const (
	headerSize = 16         // MS-OXRTFCP 2.1.3.1.1: COMPSIZE RAWSIZE COMPTYPE CRC
	dictSize   = 4096       // MS-OXRTFCP 2.1.2.1: the circular dictionary
	maxMatch   = 0xf + 2    // a reference's length field holds length-2 in 4 bits
	typeLZFu   = 0x75465a4c // COMPRESSED, "LZFu"
	typeMELA   = 0x414c454d // UNCOMPRESSED, "MELA"
)

// initialDict is the dictionary's initial content (MS-OXRTFCP 2.1.2.1);
// the write position starts after it.
const initialDict = "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman " +
	"\\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New Roman" +
	"Courier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"

// newDict returns the initialized dictionary and its write position.
func newDict() (*[dictSize]byte, int) {
	var d [dictSize]byte
	return &d, copy(d[:], initialDict)
}

// crc is the CRC of MS-OXRTFCP 3.1.3.2: CRC-32 with the IEEE polynomial,
// starting from 0 and without the final inversion.
func crc(b []byte) uint32 {
	return ^crc32.Update(^uint32(0), crc32.IEEETable, b)
}

// Decompress returns the RTF of a PR_RTF_COMPRESSED value (MS-OXRTFCP
// 3.1.3.1): LZFu data is expanded through the dictionary after its CRC is
// checked, MELA data is returned as it is. The result is at most RAWSIZE
// bytes long: LZFu data longer than RAWSIZE is corrupt, and data that ends
// (with its end marker) before RAWSIZE is accepted as it is.
func Decompress(b []byte) ([]byte, error) {
	if len(b) < headerSize {
		return nil, fmt.Errorf("%w: %d bytes, shorter than the header", ErrCorrupt, len(b))
	}
	compSize := binary.LittleEndian.Uint32(b)
	rawSize := binary.LittleEndian.Uint32(b[4:])
	compType := binary.LittleEndian.Uint32(b[8:])
	if rawSize > MaxRawSize {
		return nil, fmt.Errorf("%w: RAWSIZE %d", ErrTooLarge, rawSize)
	}
	switch compType {
	case typeMELA:
		data := b[headerSize:]
		if uint64(rawSize) > uint64(len(data)) {
			return nil, fmt.Errorf("%w: RAWSIZE %d but %d bytes of data", ErrCorrupt, rawSize, len(data))
		}
		return bytes.Clone(data[:rawSize]), nil
	case typeLZFu:
	default:
		return nil, fmt.Errorf("%w: unknown COMPTYPE %#08x", ErrCorrupt, compType)
	}
	// COMPSIZE counts the contents and the 12 header bytes after it.
	if compSize < headerSize-4 || uint64(compSize)+4 > uint64(len(b)) {
		return nil, fmt.Errorf("%w: COMPSIZE %d for %d bytes", ErrCorrupt, compSize, len(b))
	}
	contents := b[headerSize : compSize+4]
	if want, got := binary.LittleEndian.Uint32(b[12:]), crc(contents); want != got {
		return nil, fmt.Errorf("%w: CRC %#08x, computed %#08x", ErrCorrupt, want, got)
	}
	return expand(contents, int(rawSize))
}

// expand decodes the runs of LZFu contents (MS-OXRTFCP 2.1.3.1.2): a
// control byte whose bits, least significant first, say whether each of
// the next eight tokens is a literal byte (0) or a dictionary reference
// (1): 12 bits of offset and 4 bits of length-2, big-endian. A reference
// to the write position ends the data.
func expand(contents []byte, rawSize int) ([]byte, error) {
	dict, wp := newDict()
	// A control byte and eight references give at most 8*17 bytes.
	out := make([]byte, 0, min(rawSize, len(contents)*8+8))
	emit := func(c byte) error {
		if len(out) == rawSize {
			return fmt.Errorf("%w: more data than RAWSIZE %d", ErrCorrupt, rawSize)
		}
		out = append(out, c)
		dict[wp] = c
		wp = (wp + 1) % dictSize
		return nil
	}
	for i := 0; i < len(contents); {
		control := contents[i]
		i++
		for bit := 0; bit < 8 && i < len(contents); bit++ {
			if control&(1<<bit) == 0 {
				if err := emit(contents[i]); err != nil {
					return nil, err
				}
				i++
				continue
			}
			if i+1 >= len(contents) {
				return nil, fmt.Errorf("%w: truncated dictionary reference", ErrCorrupt)
			}
			ref := int(binary.BigEndian.Uint16(contents[i:]))
			i += 2
			offset, length := ref>>4, ref&0xf+2
			if offset == wp {
				return out, nil // RAWSIZE is only a bound here, as for upstream
			}
			for k := range length {
				if err := emit(dict[(offset+k)%dictSize]); err != nil {
					return nil, err
				}
			}
		}
	}
	// No end marker: the contents must have given all RAWSIZE bytes.
	if len(out) != rawSize {
		return nil, fmt.Errorf("%w: no end marker after %d bytes of RAWSIZE %d", ErrCorrupt, len(out), rawSize)
	}
	return out, nil
}

// Compress returns rtf as LZFu compressed RTF (MS-OXRTFCP 3.1.2), the form
// PR_RTF_COMPRESSED holds. The encoder takes the longest dictionary match
// (the lowest offset among equals) at each position.
func Compress(rtf []byte) []byte {
	dict, wp := newDict()
	filled := false // whether the dictionary has wrapped: every byte is data
	out := make([]byte, headerSize, headerSize+len(rtf)+len(rtf)/8+4)
	pos := 0
	for done := false; !done; {
		ci := len(out)
		out = append(out, 0)
		for bit := 0; bit < 8; bit++ {
			if pos == len(rtf) {
				// The end marker: a reference to the write position.
				out[ci] |= 1 << bit
				out = binary.BigEndian.AppendUint16(out, uint16(wp<<4))
				done = true
				break
			}
			offset, n := longestMatch(dict, wp, filled, rtf[pos:])
			if n < 2 {
				n = 1
				out = append(out, rtf[pos])
			} else {
				out[ci] |= 1 << bit
				out = binary.BigEndian.AppendUint16(out, uint16(offset<<4|(n-2)))
			}
			for range n {
				dict[wp] = rtf[pos]
				pos++
				if wp++; wp == dictSize {
					wp, filled = 0, true
				}
			}
		}
	}
	binary.LittleEndian.PutUint32(out, uint32(len(out)-4))
	binary.LittleEndian.PutUint32(out[4:], uint32(len(rtf)))
	binary.LittleEndian.PutUint32(out[8:], typeLZFu)
	binary.LittleEndian.PutUint32(out[12:], crc(out[headerSize:]))
	return out
}

// longestMatch finds the dictionary reference that copies the longest
// prefix of rest (up to maxMatch bytes). The dictionary holds data below
// the write position wp, and above it once filled. A match may run into
// the bytes the reference itself writes, as the decoder copies one byte
// at a time.
func longestMatch(dict *[dictSize]byte, wp int, filled bool, rest []byte) (offset, n int) {
	limit := min(len(rest), maxMatch)
	end := wp
	if filled {
		end = dictSize
	}
	for o := 0; o < end; o++ {
		k := bytes.IndexByte(dict[o:end], rest[0])
		if k < 0 {
			break
		}
		if o += k; o == wp {
			continue // that reference would be the end marker
		}
		l := 0
		for l < limit {
			src := (o + l) % dictSize
			c := dict[src]
			if d := (src - wp + dictSize) % dictSize; d < l {
				c = rest[d] // written by this very reference
			}
			if c != rest[l] {
				break
			}
			l++
		}
		if l > n {
			offset, n = o, l
			if n == limit {
				break
			}
		}
	}
	return offset, n
}
