package rtf

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The examples of MS-OXRTFCP section 3.1 (4.1 and 4.2 in older
// editions): compressed RTF as Outlook writes it.
var specExamples = []struct {
	name, raw, compressed string
}{
	{
		"simple", "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n",
		"2d0000002b0000004c5a4675f1c5c7a7" +
			"03000a0072637067313235423" + "20af320" + "68656c09002062770" + "5b06c647d0a800fa0",
	},
	{
		"cross-dictionary reference", "{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}",
		"1a0000001c0000004c5a4675e2d44b51" + "41000420575859" + "5a0d6e7d010eb0",
	},
}

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInitialDictionary(t *testing.T) {
	// MS-OXRTFCP 3.1.1.3: the write position after initialization is 207,
	// with CR LF at 168 and 169.
	if len(initialDict) != 207 || initialDict[168:170] != "\r\n" {
		t.Fatalf("initial dictionary: %d bytes, %q at 168", len(initialDict), initialDict[168:170])
	}
}

func TestDecompressSpecExamples(t *testing.T) {
	for _, ex := range specExamples {
		got, err := Decompress(unhex(t, ex.compressed))
		if err != nil {
			t.Fatalf("%s: %v", ex.name, err)
		}
		if string(got) != ex.raw {
			t.Errorf("%s: got %q, want %q", ex.name, got, ex.raw)
		}
	}
}

func TestCompressSpecExamples(t *testing.T) {
	// The encoder's choices (longest match, lowest offset) are those of
	// the examples, so it reproduces them byte for byte.
	for _, ex := range specExamples {
		if got := hex.EncodeToString(Compress([]byte(ex.raw))); got != ex.compressed {
			t.Errorf("%s:\n got %s\nwant %s", ex.name, got, ex.compressed)
		}
	}
}

func TestCompressRoundTrip(t *testing.T) {
	var big bytes.Buffer
	big.WriteString("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\r\n")
	for i := range 2000 { // well past the 4096-byte dictionary
		fmt.Fprintf(&big, "\\pard\\plain\\f0\\fs20 line %d of the body\\par\r\n", i)
	}
	big.WriteString("}")
	random := make([]byte, 20000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	for name, in := range map[string][]byte{
		"empty": {}, "one byte": []byte("x"), "big": big.Bytes(), "random": random,
		"runs": bytes.Repeat([]byte("a"), 10000), "zeros": make([]byte, 5000),
	} {
		c := Compress(in)
		out, err := Decompress(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("%s: round trip changed the data", name)
		}
		if name == "big" && len(c) > len(in)/3 {
			t.Errorf("big: %d bytes compressed to %d", len(in), len(c))
		}
	}
}

func TestDecompressMELA(t *testing.T) {
	b := unhex(t, "0f000000030000004d454c4100000000")
	b = append(b, "{}\nextra"...)
	got, err := Decompress(b)
	if err != nil || string(got) != "{}\n" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestDecompressErrors(t *testing.T) {
	good := unhex(t, specExamples[0].compressed)
	patch := func(off int, v ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:], v)
		return b
	}
	for name, tc := range map[string]struct {
		in   []byte
		want error
		msg  string
	}{
		"short":         {good[:10], ErrCorrupt, "shorter than the header"},
		"unknown type":  {patch(8, 'X'), ErrCorrupt, "COMPTYPE"},
		"bad crc":       {patch(20, 0xff), ErrCorrupt, "CRC"},
		"truncated":     {good[:len(good)-3], ErrCorrupt, "COMPSIZE"},
		"compsize < 12": {patch(0, 2, 0, 0, 0), ErrCorrupt, "COMPSIZE"},
		"huge rawsize":  {patch(4, 0, 0, 0, 0x40), ErrTooLarge, "RAWSIZE"},
		"rawsize short": {patch(4, 0x2a), ErrCorrupt, "more data than RAWSIZE"},
		"mela short":    {append(unhex(t, "0f000000090000004d454c4100000000"), 'x'), ErrCorrupt, "RAWSIZE 9"},
	} {
		_, err := Decompress(tc.in)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want %v with %q", name, err, tc.want, tc.msg)
		}
	}
	// An end marker before RAWSIZE bytes: what came before it.
	if out, err := Decompress(patch(4, 0x2c)); err != nil || string(out) != specExamples[0].raw {
		t.Errorf("RAWSIZE beyond the end marker: %q, %v", out, err)
	}
	// No end marker: RAWSIZE bytes, else corrupt.
	lzfu := func(body []byte, rawSize byte) []byte {
		b := make([]byte, 16, 16+len(body))
		b[0], b[4] = byte(12+len(body)), rawSize
		copy(b[8:], "LZFu")
		b = append(b, body...)
		binary.LittleEndian.PutUint32(b[12:], crc(body))
		return b
	}
	if out, err := Decompress(lzfu([]byte{0x00, 'a', 'b'}, 2)); err != nil || string(out) != "ab" {
		t.Errorf("without end marker: %q, %v", out, err)
	}
	if _, err := Decompress(lzfu([]byte{0x00, 'a', 'b'}, 3)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "no end marker") {
		t.Errorf("short without end marker: %v", err)
	}
	// A reference cut after its first byte, with a valid CRC.
	if _, err := Decompress(lzfu([]byte{0x01, 0x00}, 1)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "truncated dictionary reference") {
		t.Errorf("cut reference: %v", err)
	}
}
