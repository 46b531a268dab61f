package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

func TestRopBufferKnownAnswers(t *testing.T) {
	for _, tc := range []struct {
		name string
		wire string
		rb   RopBuffer
	}{
		// MS-OXCROPS 2.2.1: RopSize 0x0005 counts itself and 3 ROP bytes
		// (RopRelease: RopId 0x01, LogonId 0, InputHandleIndex 0), then one
		// handle.
		{"release", "0500 010000 78563412", RopBuffer{Rops: []byte{1, 0, 0}, Handles: []uint32{0x12345678}}},
		// Two handles, the second a placeholder for an output (3.1.4.1).
		{"two handles", "0300 fe 01000000 ffffffff", RopBuffer{Rops: []byte{0xfe}, Handles: []uint32{1, 0xffffffff}}},
		{"no rops, no handles", "0200", RopBuffer{Rops: []byte{}, Handles: []uint32{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := hexb(t, tc.wire)
			got, err := ParseRopBuffer(want)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.rb) {
				t.Errorf("ParseRopBuffer = %+v, want %+v", got, tc.rb)
			}
			b, err := tc.rb.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, want) || tc.rb.Size() != len(want) {
				t.Errorf("Append = % x (Size %d), want % x", b, tc.rb.Size(), want)
			}
		})
	}
}

func TestParseRopBufferRejects(t *testing.T) {
	for _, tc := range []struct{ name, wire string }{
		{"empty", ""},
		{"one byte", "05"},
		{"RopSize 0", "0000 01020304"},
		{"RopSize 1", "0100 01020304"},
		{"RopSize beyond the buffer", "0700 010000 78"},
		{"handle table not a multiple of 4", "0500 010000 785634"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if rb, err := ParseRopBuffer(hexb(t, tc.wire)); err == nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("ParseRopBuffer = %+v, %v; want ErrMalformed", rb, err)
			}
		})
	}
	if _, err := (RopBuffer{Rops: make([]byte, MaxRopsSize+1)}).Append(nil); err == nil {
		t.Error("Append of too many ROP bytes: no error")
	}
	if _, err := (RopBuffer{Rops: make([]byte, MaxRopsSize)}).Append(nil); err != nil {
		t.Errorf("Append of MaxRopsSize bytes: %v", err)
	}
}

func TestRopHeaders(t *testing.T) {
	// MS-OXCROPS 2.2.3.1.1 RopLogon request: RopId 0xFE, LogonId,
	// OutputHandleIndex in the third byte.
	r := mapi.NewReader(hexb(t, "fe 03 00"), mapi.CodecROP)
	h, err := ReadRopRequestHeader(r)
	if err != nil || h != (RopRequestHeader{RopID: 0xfe, LogonID: 3}) || r.Len() != 0 {
		t.Errorf("ReadRopRequestHeader = %+v, %v", h, err)
	}
	w := mapi.NewWriter(mapi.CodecROP)
	h.Put(w)
	if !bytes.Equal(w.Bytes(), hexb(t, "fe0300")) {
		t.Errorf("Put = % x", w.Bytes())
	}
	if _, err := ReadRopRequestHeader(mapi.NewReader([]byte{1, 2}, mapi.CodecROP)); err == nil {
		t.Error("short request header: no error")
	}

	// A response: RopId, handle index, ReturnValue 0x80040111.
	r = mapi.NewReader(hexb(t, "02 01 11010480"), mapi.CodecROP)
	rh, err := ReadRopResponseHeader(r)
	if err != nil || rh != (RopResponseHeader{RopID: 2, HandleIndex: 1, ReturnValue: 0x80040111}) {
		t.Errorf("ReadRopResponseHeader = %+v, %v", rh, err)
	}
	w.Reset()
	rh.Put(w)
	if !bytes.Equal(w.Bytes(), hexb(t, "0201 11010480")) {
		t.Errorf("Put = % x", w.Bytes())
	}
	if _, err := ReadRopResponseHeader(mapi.NewReader([]byte{1, 2, 3}, mapi.CodecROP)); err == nil {
		t.Error("short response header: no error")
	}

	// MS-OXCROPS 2.2.15.1.1: 0xFF, SizeNeeded, the ROPs not executed.
	if got := AppendBufferTooSmall(nil, 0x1234, []byte{0x15, 0, 1}); !bytes.Equal(got, hexb(t, "ff 3412 150001")) {
		t.Errorf("AppendBufferTooSmall = % x", got)
	}
}
