package mailbox

import (
	"bytes"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// FuzzDecodeBlobValue feeds arbitrary propval BLOBs (as a damaged or
// foreign store might hold) to the value decoder: it must not panic, and
// what it accepts must encode back to a blob that decodes to the same value.
func FuzzDecodeBlobValue(f *testing.F) {
	for _, seed := range [][]byte{
		{2, 0, 0, 0, 'a', 0, 'b', 'c', 0},
		{1, 0, 0, 0, 7, 0, 0, 0},
		{0, 0, 0, 0},
		{0xff, 0xff, 0xff, 0xff},
	} {
		f.Add(uint16(mapi.PtMvUnicode), seed)
		f.Add(uint16(mapi.PtMvLong), seed)
		f.Add(uint16(mapi.PtMvBinary), seed)
		f.Add(uint16(mapi.PtSRestriction), seed)
	}
	f.Fuzz(func(t *testing.T, pt uint16, b []byte) {
		tag := mapi.NewTag(0x8000, mapi.PropType(pt))
		v, err := decodeValue(tag, b)
		if err != nil {
			return
		}
		enc, err := encodeValue(tag, v)
		if err != nil {
			return // e.g. a value the writer refuses (restrictions too deep)
		}
		again, err := decodeValue(tag, enc)
		if err != nil {
			t.Fatalf("%v: re-encoded value does not decode: %v", tag, err)
		}
		enc2, _ := encodeValue(tag, again)
		if eb, ok := enc.([]byte); ok && !bytes.Equal(eb, enc2.([]byte)) {
			t.Fatalf("%v: encoding not stable: %x vs %x", tag, eb, enc2)
		}
	})
}

// The index reads the Subject of a message received from the network:
// any bytes give an answer or none, never a panic, and a field found is
// one line.
func FuzzHeaderField(f *testing.F) {
	f.Add([]byte("Subject: =?utf-8?B?R3LDvMOfZQ==?=\r\n folded\r\nFrom: a@b\r\n\r\nbody"), "Subject")
	f.Add([]byte("From: a@b\nSubject: bare LF\n\n"), "subject")
	f.Add([]byte("no header at all"), "Subject")
	f.Add([]byte("Subject:\r\n\r\n"), "Subject")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		v, ok := headerField(bytes.NewReader(data), name)
		if !ok && v != "" {
			t.Fatalf("no field but value %q", v)
		}
		if strings.ContainsAny(v, "\r\n") {
			t.Fatalf("value %q spans lines", v)
		}
	})
}
