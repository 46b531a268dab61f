package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// body is what every request and response body type offers.
type body interface {
	Decode([]byte) error
	Encode() ([]byte, error)
}

// checkBody asserts that wire decodes to want, that want encodes to wire,
// and that every truncation and an extra trailing byte are errors.
func checkBody(t *testing.T, wire string, want body) {
	t.Helper()
	b := hexb(t, wire)
	got := reflect.New(reflect.TypeOf(want).Elem()).Interface().(body)
	if err := got.Decode(b); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Decode\n got %+v\nwant %+v", got, want)
	}
	enc, err := want.Encode()
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	if !bytes.Equal(enc, b) {
		t.Errorf("Encode\n got % x\nwant % x", enc, b)
	}
	for n := range len(b) {
		fresh := reflect.New(reflect.TypeOf(want).Elem()).Interface().(body)
		if err := fresh.Decode(b[:n]); err == nil {
			t.Errorf("Decode of the first %d of %d bytes: no error", n, len(b))
		} else if !errors.Is(err, ErrMalformed) {
			t.Errorf("Decode of %d bytes: %v does not wrap ErrMalformed", n, err)
		}
	}
	fresh := reflect.New(reflect.TypeOf(want).Elem()).Interface().(body)
	if err := fresh.Decode(append(append([]byte{}, b...), 0)); err == nil {
		t.Errorf("Decode with a trailing byte: no error")
	}
}

// Byte strings written from the field tables of MS-OXCMAPIHTTP 2.2.4; u32
// little-endian, "/o=a" as ASCII with its NUL, "Al" as UTF-16LE with its
// NUL.
func TestMailboxBodies(t *testing.T) {
	empty := []byte{}
	for _, tc := range []struct {
		name string
		wire string
		v    body
	}{
		// 2.2.4.1.1: UserDn, Flags, DefaultCodePage (1252), LcidSort
		// (1033), LcidString (1031), AuxiliaryBufferSize, AuxiliaryBuffer.
		{"Connect request", "2f6f3d6100 00000000 e4040000 09040000 07040000 03000000 010203",
			&ConnectRequest{UserDN: "/o=a", DefaultCodePage: 1252, LcidSort: 1033, LcidString: 1031, AuxiliaryBuffer: []byte{1, 2, 3}}},
		// 2.2.4.1.2: StatusCode, ErrorCode, PollsMax (60000), RetryCount,
		// RetryDelay (10000), DnPrefix, DisplayName, aux.
		{"Connect response", "00000000 00000000 60ea0000 06000000 10270000 2f6f3d6100 41006c000000 00000000",
			&ConnectResponse{MaxPollingInterval: 60000, RetryCount: 6, RetryDelay: 10000, DNPrefix: "/o=a", DisplayName: "Al", AuxiliaryBuffer: empty}},
		// 2.2.4.2.1: Flags, RopBufferSize, RopBuffer, MaxRopOut (0x40000), aux.
		{"Execute request", "03000000 02000000 0200 00000400 00000000",
			&ExecuteRequest{Flags: ExecuteNoCompression | ExecuteNoXorMagic, RopBuffer: []byte{2, 0}, MaxRopOut: 0x40000, AuxiliaryBuffer: empty}},
		// 2.2.4.2.2: StatusCode, ErrorCode, Flags, RopBufferSize, RopBuffer, aux.
		{"Execute response", "00000000 e9030000 00000000 01000000 ff 01000000 aa",
			&ExecuteResponse{ErrorCode: 0x3e9, RopBuffer: []byte{0xff}, AuxiliaryBuffer: []byte{0xaa}}},
		// 2.2.4.3.1 and 2.2.4.3.2.
		{"Disconnect request", "00000000", &DisconnectRequest{AuxiliaryBuffer: empty}},
		{"Disconnect response", "00000000 00000000 00000000", &DisconnectResponse{AuxiliaryBuffer: empty}},
		// 2.2.4.4.1: Flags, aux; 2.2.4.4.2: ..., EventPending 0x00000001, aux.
		{"NotificationWait request", "00000000 00000000", &NotificationWaitRequest{AuxiliaryBuffer: empty}},
		{"NotificationWait response", "00000000 00000000 01000000 00000000", &NotificationWaitResponse{EventPending: true, AuxiliaryBuffer: empty}},
		// 2.2.4.1.3 and the other failure bodies: StatusCode (non-zero), aux.
		{"failure response", "01000000 02000000 abcd", &FailureResponse{StatusCode: 1, AuxiliaryBuffer: []byte{0xab, 0xcd}}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkBody(t, tc.wire, tc.v) })
	}
}

func TestMailboxBodiesReject(t *testing.T) {
	for _, tc := range []struct {
		name string
		wire string
		v    body
	}{
		{"Connect request without the DN's NUL", "2f6f3d61", &ConnectRequest{}},
		{"aux size beyond the body", "2f6f3d6100 00000000 e4040000 09040000 07040000 04000000 010203", &ConnectRequest{}},
		{"aux size huge", "00000000 ffffffff", &DisconnectRequest{}},
		{"RopBufferSize beyond the body", "00000000 05000000 0200 00000400 00000000", &ExecuteRequest{}},
		{"success body with a StatusCode", "01000000 00000000 00000000", &DisconnectResponse{}},
		{"EventPending 2", "00000000 00000000 02000000 00000000", &NotificationWaitResponse{}},
		{"failure body with StatusCode 0", "00000000 00000000", &FailureResponse{}},
		{"DisplayName without its NUL", "00000000 00000000 60ea0000 06000000 10270000 2f6f3d6100 41006c00", &ConnectResponse{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.v.Decode(hexb(t, tc.wire)); err == nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("Decode = %v, want ErrMalformed", err)
			}
		})
	}
	if _, err := (&FailureResponse{}).Encode(); err == nil {
		t.Error("Encode of a failure with StatusCode 0: no error")
	}
}

func TestResponseStatus(t *testing.T) {
	if s, err := ResponseStatus(hexb(t, "0a000000 00000000")); s != 10 || err != nil {
		t.Errorf("ResponseStatus = %d, %v", s, err)
	}
	if _, err := ResponseStatus([]byte{1, 2, 3}); err == nil {
		t.Error("ResponseStatus of 3 bytes: no error")
	}
}

func TestExtOptionsFor(t *testing.T) {
	if o := ExtOptionsFor(0); !o.Compress || !o.Xor {
		t.Errorf("ExtOptionsFor(0) = %+v", o)
	}
	if o := ExtOptionsFor(ExecuteNoCompression | ExecuteNoXorMagic | ExecuteChain); o.Compress || o.Xor {
		t.Errorf("ExtOptionsFor(7) = %+v", o)
	}
}

// A whole Execute request as a client sends it: the body carries an
// extended buffer whose payload is a ROP buffer.
func TestExecuteRequestLayers(t *testing.T) {
	rops := RopBuffer{Rops: []byte{0x01, 0x00, 0x00}, Handles: []uint32{0x42}}
	payload, err := rops.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	ext, err := AppendExtended(nil, [][]byte{payload}, ExtOptions{Xor: true})
	if err != nil {
		t.Fatal(err)
	}
	req := ExecuteRequest{RopBuffer: ext, MaxRopOut: 0x8000, AuxiliaryBuffer: []byte{}}
	b, err := req.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var got ExecuteRequest
	if err := got.Decode(b); err != nil {
		t.Fatal(err)
	}
	ps, err := ParseExtended(got.RopBuffer, 1<<20)
	if err != nil || len(ps) != 1 {
		t.Fatalf("ParseExtended = %d payloads, %v", len(ps), err)
	}
	back, err := ParseRopBuffer(ps[0])
	if err != nil || !reflect.DeepEqual(back, rops) {
		t.Errorf("ParseRopBuffer = %+v, %v", back, err)
	}
}
