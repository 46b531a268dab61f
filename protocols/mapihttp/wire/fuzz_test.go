package wire

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// Every decoder of the package is fuzzed here: any bytes give a value or
// an error, never a panic, and what decodes encodes to bytes that decode
// to the same thing.

func FuzzDecompress(f *testing.F) {
	for _, tc := range compressKAT {
		f.Add(hexb(f, tc.comp), uint16(len(tc.plain)))
	}
	f.Add(Compress(nil, ropLikeData(3000)), uint16(3000))
	f.Fuzz(func(t *testing.T, src []byte, size uint16) {
		out, err := Decompress(src, int(size))
		if err != nil {
			return
		}
		if len(out) != int(size) {
			t.Fatalf("Decompress gave %d bytes for size %d", len(out), size)
		}
		// What decodes re-encodes to something that decodes the same.
		again, err := Decompress(Compress(nil, out), len(out))
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("recompression: %v", err)
		}
	})
}

func FuzzCompressRoundTrip(f *testing.F) {
	for _, tc := range compressKAT {
		f.Add([]byte(tc.plain))
	}
	f.Add(ropLikeData(5000))
	f.Add(bytes.Repeat([]byte{0}, 1000))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) > 1<<16 {
			in = in[:1<<16]
		}
		c := Compress(nil, in)
		out, err := Decompress(c, len(in))
		if err != nil {
			t.Fatalf("Decompress(Compress(%d bytes)): %v", len(in), err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip of %d bytes differs", len(in))
		}
	})
}

func FuzzParseExtended(f *testing.F) {
	for _, tc := range extKAT {
		f.Add(hexb(f, tc.wire))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := ParseExtended(b, 256<<10)
		if err != nil {
			return
		}
		total := 0
		for _, p := range ps {
			total += len(p)
		}
		if total > 256<<10 {
			t.Fatalf("%d payload bytes over the bound", total)
		}
		for _, opt := range []ExtOptions{{}, {Compress: true, Xor: true, MaxPayload: 0xffff}} {
			re, err := AppendExtended(nil, ps, opt)
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseExtended(re, 0)
			if err != nil {
				t.Fatalf("re-parse: %v", err)
			}
			if !bytes.Equal(bytes.Join(back, nil), bytes.Join(ps, nil)) {
				t.Fatal("re-parse differs")
			}
		}
	})
}

func FuzzParseRopBuffer(f *testing.F) {
	f.Add(hexb(f, "0500 010000 78563412"))
	f.Add(hexb(f, "0200"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rb, err := ParseRopBuffer(b)
		if err != nil {
			return
		}
		re, err := rb.Append(nil)
		if err != nil || !bytes.Equal(re, b) {
			t.Fatalf("Append = % x, %v; want % x", re, err, b)
		}
	})
}

var mailboxBodyTypes = []func() body{
	func() body { return new(ConnectRequest) },
	func() body { return new(ConnectResponse) },
	func() body { return new(ExecuteRequest) },
	func() body { return new(ExecuteResponse) },
	func() body { return new(DisconnectRequest) },
	func() body { return new(DisconnectResponse) },
	func() body { return new(NotificationWaitRequest) },
	func() body { return new(NotificationWaitResponse) },
	func() body { return new(FailureResponse) },
}

var addressBookBodyTypes = []func() body{
	func() body { return new(BindRequest) },
	func() body { return new(BindResponse) },
	func() body { return new(UnbindRequest) },
	func() body { return new(UnbindResponse) },
	func() body { return new(CompareMIdsRequest) },
	func() body { return new(CompareMIdsResponse) },
	func() body { return new(DNToMIdRequest) },
	func() body { return new(DNToMIdResponse) },
	func() body { return new(GetMatchesRequest) },
	func() body { return new(GetMatchesResponse) },
	func() body { return new(GetPropListRequest) },
	func() body { return new(GetPropListResponse) },
	func() body { return new(GetPropsRequest) },
	func() body { return new(GetPropsResponse) },
	func() body { return new(GetSpecialTableRequest) },
	func() body { return new(GetSpecialTableResponse) },
	func() body { return new(GetTemplateInfoRequest) },
	func() body { return new(GetTemplateInfoResponse) },
	func() body { return new(QueryRowsRequest) },
	func() body { return new(QueryRowsResponse) },
	func() body { return new(QueryColumnsRequest) },
	func() body { return new(QueryColumnsResponse) },
	func() body { return new(ResolveNamesRequest) },
	func() body { return new(ResolveNamesResponse) },
	func() body { return new(SeekEntriesRequest) },
	func() body { return new(SeekEntriesResponse) },
	func() body { return new(UpdateStatRequest) },
	func() body { return new(UpdateStatResponse) },
	func() body { return new(GetMailboxURLRequest) },
	func() body { return new(GetAddressBookURLRequest) },
	func() body { return new(URLResponse) },
}

// fuzzBody decodes b as the kind-th type; what decodes must encode, and the
// encoding must decode and encode to the same bytes again.
func fuzzBody(t *testing.T, types []func() body, kind uint8, b []byte) {
	newBody := types[int(kind)%len(types)]
	v := newBody()
	if err := v.Decode(b); err != nil {
		return
	}
	enc, err := v.Encode()
	if err != nil {
		t.Fatalf("%T: Encode of a decoded body: %v", v, err)
	}
	v2 := newBody()
	if err := v2.Decode(enc); err != nil {
		t.Fatalf("%T: Decode of % x: %v", v, enc, err)
	}
	enc2, err := v2.Encode()
	if err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("%T: second encoding differs: %v", v, err)
	}
}

func seedBodies(f *testing.F, types []func() body, values []body) {
	for _, v := range values {
		b, err := v.Encode()
		if err != nil {
			f.Fatal(err)
		}
		for i, newBody := range types {
			if reflect.TypeOf(newBody()) == reflect.TypeOf(v) {
				f.Add(uint8(i), b)
			}
		}
	}
}

func FuzzMailboxBodies(f *testing.F) {
	seedBodies(f, mailboxBodyTypes, []body{
		&ConnectRequest{UserDN: "/o=a/ou=b/cn=Recipients/cn=user", DefaultCodePage: 1252, LcidSort: 1033, LcidString: 1033},
		&ConnectResponse{MaxPollingInterval: 60000, RetryCount: 6, RetryDelay: 10000, DNPrefix: "/o=a", DisplayName: "Al"},
		&ExecuteRequest{Flags: 4, RopBuffer: []byte{0, 0, 4, 0, 3, 0, 3, 0, 2, 0, 1}, MaxRopOut: 0x40000, AuxiliaryBuffer: []byte{1}},
		&ExecuteResponse{RopBuffer: []byte{1, 2}},
		&DisconnectRequest{}, &DisconnectResponse{}, &NotificationWaitRequest{},
		&NotificationWaitResponse{EventPending: true}, &FailureResponse{StatusCode: 5},
	})
	f.Fuzz(func(t *testing.T, kind uint8, b []byte) { fuzzBody(t, mailboxBodyTypes, kind, b) })
}

func FuzzAddressBookBodies(f *testing.F) {
	cols := []mapi.PropTag{tagDisplayName, tagEntryID, tagDisplayType}
	rows := []mapi.PropRow{
		{Values: []mapi.PropVal{{Tag: tagDisplayName, Value: "Al"}, {Tag: tagEntryID, Value: []byte{1}}, {Tag: tagDisplayType, Value: int32(0)}}},
		{Flagged: true, Values: []mapi.PropVal{{Tag: tagDisplayName}, {Tag: tagEntryID.WithType(mapi.PtError), Value: mapi.ErrorCode(0x8004010f)}, {Tag: tagDisplayType, Value: int32(6)}}},
	}
	seedBodies(f, addressBookBodyTypes, []body{
		&BindRequest{State: stat}, &BindResponse{}, &UnbindRequest{}, &UnbindResponse{},
		&CompareMIdsRequest{State: stat, MinimalID1: 1, MinimalID2: 2}, &CompareMIdsResponse{Result: -1},
		&DNToMIdRequest{Names: []string{"/o=a"}}, &DNToMIdResponse{MinimalIDs: []uint32{1, 2}},
		&GetMatchesRequest{State: stat, MinimalIDs: []uint32{3}, Filter: &mapi.Restriction{Type: mapi.ResAnd, Children: []*mapi.Restriction{
			mapi.RestrictExist(tagDisplayName), {Type: mapi.ResContent, FuzzyLevel: 1, Tag: tagDisplayName, Value: mapi.PropVal{Tag: tagDisplayName, Value: "a"}}}},
			PropertyName: &PropertyName{ID: 1}, RowCount: 5, Columns: cols},
		&GetMatchesResponse{State: stat, MinimalIDs: []uint32{1, 2}, Columns: cols, Rows: rows},
		&GetPropListRequest{}, &GetPropListResponse{PropertyTags: cols},
		&GetPropsRequest{State: stat, PropertyTags: cols},
		&GetPropsResponse{PropertyValues: []mapi.PropVal{{Tag: tagDisplayName, Value: "x"}, {Tag: mapi.PropTag(0x8001101f), Value: []string{"a", "b"}}}},
		&GetSpecialTableRequest{Version: u32p(1)}, &GetSpecialTableResponse{Rows: [][]mapi.PropVal{{{Tag: tagDisplayType, Value: int32(0)}}}},
		&GetTemplateInfoRequest{TemplateDN: strp("/")}, &GetTemplateInfoResponse{Row: []mapi.PropVal{{Tag: tagEntryID, Value: []byte{}}}},
		&QueryRowsRequest{State: stat, ExplicitTable: []uint32{1}, RowCount: 2, Columns: cols},
		&QueryRowsResponse{State: stat, Columns: cols, Rows: rows},
		&QueryColumnsRequest{}, &QueryColumnsResponse{Columns: cols},
		&ResolveNamesRequest{PropertyTags: cols, Names: []string{"al", "bo"}},
		&ResolveNamesResponse{MinimalIDs: []uint32{0}, PropertyTags: cols, Rows: rows},
		&SeekEntriesRequest{State: stat, Target: &mapi.PropVal{Tag: tagDisplayName, Value: "A"}, ExplicitTable: []uint32{}, Columns: cols},
		&SeekEntriesResponse{State: stat, Columns: cols, Rows: rows},
		&UpdateStatRequest{State: stat, DeltaRequested: true}, &UpdateStatResponse{State: stat, Delta: i32p(3)},
		&GetMailboxURLRequest{ServerDN: "/o=a"}, &GetAddressBookURLRequest{UserDN: "/o=a"}, &URLResponse{ServerURL: "https://h/mapi/nspi/"},
	})
	f.Fuzz(func(t *testing.T, kind uint8, b []byte) { fuzzBody(t, addressBookBodyTypes, kind, b) })
}

func FuzzReadResponseStream(f *testing.F) {
	f.Add([]byte("PROCESSING\r\nPENDING\r\nDONE\r\nX-ElapsedTime: 1\r\nX-StartTime: Sun, 29 Nov 2026 00:00:00 GMT\r\n\r\n\x00\x01"))
	f.Add([]byte("PROCESSING\r\nDONE\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		meta, body, err := ReadResponseStream(bytes.NewReader(b), 1<<16)
		if err != nil {
			return
		}
		if len(body) > 1<<16 || len(meta.Headers) > maxMetaHeaders {
			t.Fatalf("limits exceeded: %d body bytes, %d headers", len(body), len(meta.Headers))
		}
	})
}
