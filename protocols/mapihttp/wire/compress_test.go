package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"
)

func hexb(t testing.TB, s string) []byte {
	t.Helper()
	s = strings.Join(strings.Fields(s), "")
	b := make([]byte, len(s)/2)
	if _, err := fmt.Sscanf(s, "%x", &b); err != nil && len(s) > 0 {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// Known answers written by hand from MS-OXCRPC 3.1.4.1.1.2.2: bitmask as
// a little-endian u32 read from its top bit, metadata as a little-endian
// u16 of (offset-1)<<3 | (length-3), the extended length bytes of
// 3.1.4.1.1.2.2.4, and the end bit padded with ones.
var compressKAT = []struct {
	name  string
	plain string
	comp  string
}{
	// 3.1.4.1.1.2.2.1: "ABCABCDEF" is (0,0)A(0,0)B(0,0)C(3,3)D(0,0)E(0,0)F;
	// bits 0001000 then the end bit: 0x11FFFFFF. Metadata (3,3): 2<<3|0.
	{"spec bitmask example", "ABCABCDEF", "ffffff11 414243 1000 444546"},
	// 3.1.4.1.1.2.2.3: metadata 0x0018 is offset -4, length 3.
	{"spec offset example", "abcdabc", "ffffff0f 61626364 1800"},
	// 3.1.4.1.1.2.2.4: length 24 is b'111' + nibble b'1110'.
	{"length 24", strings.Repeat("a", 25), "ffffff7f 61 0700 0e"},
	// Length 25 is b'111' + b'1111' + byte 0x00.
	{"length 25", strings.Repeat("a", 26), "ffffff7f 61 0700 0f 00"},
	// Length 26: the next byte is 0x01.
	{"length 26", strings.Repeat("a", 27), "ffffff7f 61 0700 0f 01"},
	// Length 279: the next byte is 0xFE.
	{"length 279", strings.Repeat("a", 280), "ffffff7f 61 0700 0f fe"},
	// Length 280: byte 0xFF, then 0x0115 (277) in the final 2 bytes.
	{"length 280", strings.Repeat("a", 281), "ffffff7f 61 0700 0f ff 1501"},
	// Length 281: 0x0116.
	{"length 281", strings.Repeat("a", 282), "ffffff7f 61 0700 0f ff 1601"},
	// The shared byte: the first long match (10) takes its low nibble, the
	// second (11) its high nibble, and adds no byte of its own.
	{"shared nibble", strings.Repeat("a", 11) + strings.Repeat("b", 12), "ffffff5f 61 0700 10 62 0700"},
	// A third long match opens a new shared byte.
	{"third long match", strings.Repeat("a", 11) + strings.Repeat("b", 12) + strings.Repeat("c", 13),
		"ffffff57 61 0700 10 62 0700 63 0700 02"},
	// The end bit needs a bitmask of its own after 32 literals.
	{"end bit in a new bitmask", "0123456789abcdefghijklmnopqrstuv",
		"00000000 30313233343536373839616263646566 6768696a6b6c6d6e6f70717273747576 ffffffff"},
	{"empty", "", "ffffffff"},
}

func TestCompressKnownAnswers(t *testing.T) {
	for _, tc := range compressKAT {
		t.Run(tc.name, func(t *testing.T) {
			want := hexb(t, tc.comp)
			got := Compress(nil, []byte(tc.plain))
			if !bytes.Equal(got, want) {
				t.Errorf("Compress(%q)\n got % x\nwant % x", tc.plain, got, want)
			}
			plain, err := Decompress(want, len(tc.plain))
			if err != nil {
				t.Fatalf("Decompress: %v", err)
			}
			if string(plain) != tc.plain {
				t.Errorf("Decompress = %q, want %q", plain, tc.plain)
			}
		})
	}
}

// The decoder takes other encoders' choices too: unused bitmask bits
// after the end bit set to zero (3.1.4.1.1.2.2.1 only asks for the one
// bit), a long match coded with the final 2 bytes, and overlapping copies.
func TestDecompressAccepts(t *testing.T) {
	for _, tc := range []struct {
		name, comp, plain string
	}{
		{"end bit without padding", "00000011 414243 1000 444546", "ABCABCDEF"},
		{"2-byte length below 280", "ffffff7f 61 0700 0f ff 1000", strings.Repeat("a", 20)},
		{"copy of the byte before", "ffffff7f 78 0000", "xxxx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decompress(hexb(t, tc.comp), len(tc.plain))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.plain {
				t.Errorf("got %q, want %q", got, tc.plain)
			}
		})
	}
}

func TestDecompressRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		comp string
		size int
	}{
		{"empty input", "", 0},
		{"short bitmask", "ffffff", 0},
		{"literal missing", "00000000", 0},
		{"literal missing mid-stream", "00000000 41", 2},
		{"no end bit: input ends at a bitmask", "00000000 30313233343536373839616263646566 6768696a6b6c6d6e6f70717273747576", 32},
		{"stream shorter than size", "ffffff7f 41", 2},
		{"output longer than size: literal", "ffffff3f 4142", 1},
		{"output longer than size: match", "ffffff7f 78 0000", 3},
		{"offset before start", "ffffffff 0000", 3},
		{"offset beyond output", "ffffff7f 41 0800", 4},
		{"metadata truncated", "ffffff7f 41 00", 4},
		{"shared byte missing", "ffffff7f 41 0700", 11},
		{"extra length byte missing", "ffffff7f 41 0700 0f", 26},
		{"2-byte length truncated", "ffffff7f 41 0700 0f ff 15", 281},
		{"negative size", "ffffffff", -1},
		{"trailing byte after the data", "ffffff7f 41 00", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decompress(hexb(t, tc.comp), tc.size)
			if err == nil {
				t.Fatalf("Decompress = %q, want an error", got)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

func TestCompressRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	inputs := [][]byte{
		nil, {0}, []byte("ab"), []byte("abc"), []byte("abcabc"),
		bytes.Repeat([]byte{0}, 70000),   // the 2-byte length, more than once
		bytes.Repeat([]byte("xy"), 5000), // offset 2
		ropLikeData(64 << 10),            // typical payload
		randomBytes(r, 40000),            // incompressible
		append(randomBytes(r, 9000), randomBytes(r, 100)...),
	}
	// Matches at the edge of the window: a block repeated 8192 and 8193
	// bytes later.
	block := randomBytes(r, 64)
	edge := append(append(append([]byte{}, block...), randomBytes(r, 8192-64)...), block...)
	inputs = append(inputs, edge, append(append(edge[:8193:8193], randomBytes(r, 1)...), block...))
	for i := range 200 {
		inputs = append(inputs, mixedBytes(r, r.IntN(3000)+i))
	}
	for i, in := range inputs {
		c := Compress(nil, in)
		out, err := Decompress(c, len(in))
		if err != nil {
			t.Fatalf("input %d (%d bytes): %v", i, len(in), err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("input %d (%d bytes): round trip differs", i, len(in))
		}
	}
	if c := Compress(nil, ropLikeData(64<<10)); len(c) > 64<<10/2 {
		t.Errorf("ROP-like data compressed to %d bytes, want at most half", len(c))
	}
	// Compress appends.
	if got := Compress([]byte("pre"), []byte("abc")); !bytes.HasPrefix(got, []byte("pre")) || len(got) != 3+4+3 {
		t.Errorf("Compress appended % x", got)
	}
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// mixedBytes is runs, repeats and noise from a small alphabet.
func mixedBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, 0, n)
	for len(b) < n {
		switch r.IntN(3) {
		case 0:
			b = append(b, byte('a'+r.IntN(4)))
		case 1:
			if len(b) > 0 {
				off := 1 + r.IntN(min(len(b), 9000))
				l := r.IntN(300)
				for range l {
					b = append(b, b[len(b)-off])
				}
			}
		case 2:
			b = append(b, bytes.Repeat([]byte{byte(r.IntN(256))}, r.IntN(40))...)
		}
	}
	return b[:n]
}

// ropLikeData imitates a ROP output buffer of QueryRows responses: rows
// of property values with UTF-16 subjects and senders, entry ids,
// times and flags, repeated with small changes.
func ropLikeData(n int) []byte {
	r := rand.New(rand.NewPCG(7, 7))
	subjects := []string{"Quarterly report", "Re: lunch on Friday?", "Invoice 2026-11", "Meeting notes", "Fwd: server migration plan", "Your package has shipped"}
	senders := []string{"Alice Example", "Bob Builder", "Carol Jones", "postmaster"}
	b := make([]byte, 0, n+512)
	u16 := func(s string) {
		for _, c := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, c)
		}
		b = append(b, 0, 0)
	}
	for row := 0; len(b) < n; row++ {
		b = append(b, 0x15, 0x00, 0x01)            // RopId, index
		b = binary.LittleEndian.AppendUint32(b, 0) // ReturnValue
		b = append(b, 0x01)                        // flagged row
		b = append(b, 0x00)
		b = binary.LittleEndian.AppendUint16(b, 46) // entry id
		b = append(b, 0, 0, 0, 0, 0x1b, 0x55, 0xfa, 0x81, 0x4a, 0x2b, 0x10, 0x1a, 0xa9, 0x64, 0x00, 0xaa, 0x00, 0x4f, 0x5e, 0x34, 0x07, 0x00)
		b = binary.LittleEndian.AppendUint64(b, 0x0001000000000000|uint64(row))
		b = append(b, make([]byte, 14)...)
		b = append(b, 0x00)
		u16(subjects[r.IntN(len(subjects))])
		b = append(b, 0x00)
		u16(senders[r.IntN(len(senders))])
		b = append(b, 0x00)
		b = binary.LittleEndian.AppendUint64(b, 0x01dc5e0000000000+uint64(r.IntN(1<<30)))
		b = append(b, 0x00)
		b = binary.LittleEndian.AppendUint32(b, uint32(r.IntN(4)))
		b = append(b, 0x00)
		b = binary.LittleEndian.AppendUint32(b, uint32(1000+r.IntN(90000)))
	}
	return b[:n]
}

func BenchmarkCompress(b *testing.B) {
	in := ropLikeData(64 << 10)
	out := make([]byte, 0, 80<<10)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = len(Compress(out[:0], in))
	}
	b.ReportMetric(float64(n)/float64(len(in)), "ratio")
}

func BenchmarkDecompress(b *testing.B) {
	in := ropLikeData(64 << 10)
	c := Compress(nil, in)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decompress(c, len(in)); err != nil {
			b.Fatal(err)
		}
	}
}
