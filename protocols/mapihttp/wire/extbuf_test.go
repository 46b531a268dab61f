package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Byte strings written from MS-OXCRPC 2.2.2.1: Version u16, Flags u16,
// Size u16, SizeActual u16, all little-endian, then the payload.
var extKAT = []struct {
	name     string
	payloads []string
	opt      ExtOptions
	wire     string
}{
	// One plain buffer with Last (0x0004).
	{"plain", []string{"abc"}, ExtOptions{}, "0000 0400 0300 0300 616263"},
	// 3.1.4.1.1.3: XorMagic (0x0002), each byte XOR 0xA5.
	{"xor", []string{"abc"}, ExtOptions{Xor: true}, "0000 0600 0300 0300 c4c7c6"},
	// Compressed (0x0001): Size 8 < SizeActual 25 (the "length 24" answer
	// of compress_test.go).
	{"compressed", []string{strings.Repeat("a", 25)}, ExtOptions{Compress: true},
		"0000 0500 0800 1900 ffffff7f 61 0700 0e"},
	// Compressed then obfuscated (3.1.4.2.1.1.2).
	{"compressed and xor", []string{strings.Repeat("a", 25)}, ExtOptions{Compress: true, Xor: true},
		"0000 0700 0800 1900 5a5a5ada c4 a2a5 ab"},
	// Compression that does not pay is not used.
	{"incompressible", []string{"ABCABCDEF"}, ExtOptions{Compress: true}, "0000 0400 0900 0900 414243414243444546"},
	// Two payloads: only the second header has Last.
	{"two buffers", []string{"x", "y"}, ExtOptions{}, "0000 0000 0100 0100 78 0000 0400 0100 0100 79"},
	// A payload over the limit is split.
	{"split", []string{"12345"}, ExtOptions{MaxPayload: 2},
		"0000 0000 0200 0200 3132 0000 0000 0200 0200 3334 0000 0400 0100 0100 35"},
	{"empty payload", []string{""}, ExtOptions{Compress: true}, "0000 0400 0000 0000"},
}

func TestExtendedKnownAnswers(t *testing.T) {
	for _, tc := range extKAT {
		t.Run(tc.name, func(t *testing.T) {
			var payloads [][]byte
			for _, p := range tc.payloads {
				payloads = append(payloads, []byte(p))
			}
			want := hexb(t, tc.wire)
			got, err := AppendExtended(nil, payloads, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("AppendExtended\n got % x\nwant % x", got, want)
			}
			back, err := ParseExtended(want, 0)
			if err != nil {
				t.Fatal(err)
			}
			if joined := string(bytes.Join(back, nil)); joined != strings.Join(tc.payloads, "") {
				t.Errorf("ParseExtended = %q, want %q", joined, strings.Join(tc.payloads, ""))
			}
		})
	}
}

func TestExtendedRoundTrip(t *testing.T) {
	big := ropLikeData(100 << 10)
	for _, opt := range []ExtOptions{{}, {Compress: true}, {Xor: true}, {Compress: true, Xor: true}, {Compress: true, MaxPayload: 0xffff}} {
		b, err := AppendExtended([]byte("prefix"), [][]byte{big, []byte("tail")}, opt)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := ParseExtended(b[len("prefix"):], 200<<10)
		if err != nil {
			t.Fatalf("%+v: %v", opt, err)
		}
		limit := opt.MaxPayload
		if limit == 0 {
			limit = MaxExtPayload
		}
		if want := (len(big)+limit-1)/limit + 1; len(ps) != want {
			t.Errorf("%+v: %d buffers, want %d", opt, len(ps), want)
		}
		for _, p := range ps {
			if len(p) > limit {
				t.Errorf("%+v: payload of %d bytes over the limit", opt, len(p))
			}
		}
		if got := bytes.Join(ps, nil); !bytes.Equal(got, append(append([]byte{}, big...), "tail"...)) {
			t.Errorf("%+v: round trip differs", opt)
		}
		if opt.Compress && len(b) > len(big)/2 {
			t.Errorf("%+v: %d bytes on the wire for %d", opt, len(b), len(big))
		}
	}
}

func TestParseExtendedRejects(t *testing.T) {
	for _, tc := range []struct {
		name     string
		wire     string
		maxTotal int
	}{
		{"empty", "", 0},
		{"header truncated", "0000 0400 0300", 0},
		{"version 1", "0100 0400 0300 0300 616263", 0},
		{"unknown flag", "0000 0c00 0300 0300 616263", 0},
		{"uncompressed sizes differ", "0000 0400 0300 0400 616263", 0},
		{"compressed not smaller", "0000 0500 0300 0300 616263", 0},
		{"compressed larger", "0000 0500 0400 0300 61626364", 0},
		{"payload truncated", "0000 0400 0400 0400 616263", 0},
		{"no Last flag", "0000 0000 0100 0100 78", 0},
		{"trailing bytes after Last", "0000 0400 0100 0100 78 00", 0},
		{"second header truncated", "0000 0000 0100 0100 78 0000", 0},
		{"over the total", "0000 0000 0200 0200 3132 0000 0400 0200 0200 3334", 3},
		{"bad compressed data", "0000 0500 0400 1900 ffffff7f", 0},
		{"compressed size mismatch", "0000 0500 0800 1a00 ffffff7f 61 0700 0e", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := ParseExtended(hexb(t, tc.wire), tc.maxTotal)
			if err == nil {
				t.Fatalf("ParseExtended = %q, want an error", ps)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

func TestAppendExtendedRejects(t *testing.T) {
	if _, err := AppendExtended(nil, nil, ExtOptions{}); err == nil {
		t.Error("no payloads: no error")
	}
	if _, err := AppendExtended(nil, [][]byte{{1}}, ExtOptions{MaxPayload: 0x10000}); err == nil {
		t.Error("limit 0x10000: no error")
	}
}

func TestObfuscate(t *testing.T) {
	b := []byte{0x00, 0xa5, 0xff}
	Obfuscate(b)
	if !bytes.Equal(b, []byte{0xa5, 0x00, 0x5a}) {
		t.Errorf("Obfuscate = % x", b)
	}
}

// A 64 KiB ROP-like output in two 32 KiB buffers, compressed and
// obfuscated, then parsed back.
func BenchmarkExtendedRoundTrip(b *testing.B) {
	in := ropLikeData(64 << 10)
	payloads := [][]byte{in[:32<<10], in[32<<10:]}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		var err error
		if buf, err = AppendExtended(buf[:0], payloads, ExtOptions{Compress: true, Xor: true}); err != nil {
			b.Fatal(err)
		}
		if _, err := ParseExtended(buf, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
