package rops

import (
	"bytes"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// putAll writes requests back as a RopsList, each with the kind of logon
// ParseRequests assumed for it (RopLogon requests earlier in the list
// decide, as they did when parsing).
func putAll(t *testing.T, reqs []Request) []byte {
	var kind [256]int8
	private := func(id uint8) bool { return kind[id] >= 0 }
	w := mapi.NewWriter(mapi.CodecROP)
	for _, q := range reqs {
		if err := PutRequest(w, q, RequestContext{Private: private}); err != nil {
			t.Fatalf("a parsed %s does not write back: %v", RopName(q.RopID()), err)
		}
		if l, ok := q.(*LogonRequest); ok {
			kind[l.LogonID] = 1
			if l.LogonFlags&LogonFlagPrivate == 0 {
				kind[l.LogonID] = -1
			}
		}
	}
	return append([]byte(nil), w.Bytes()...)
}

// FuzzParseRequests feeds any bytes to the request parser: it never
// panics, and what it parses writes back to bytes that parse to the same
// requests (compared by their bytes, which survive NaN values).
func FuzzParseRequests(f *testing.F) {
	for _, tc := range cases() {
		f.Add(unhex(f, tc.reqHex))
	}
	f.Add(unhex(f, "fe 01 00 00 00000000 00000000 0000 11 01 02 01 01"+
		"000102030405060708090a0b0c0d0e0f1011121314151617"))
	f.Fuzz(func(t *testing.T, b []byte) {
		reqs, err := ParseRequests(b)
		if err == nil && len(b) > 0 && len(reqs) == 0 {
			t.Fatal("no requests and no error")
		}
		once := putAll(t, reqs)
		again, err := ParseRequests(once)
		if err != nil {
			t.Fatalf("written requests do not parse: %v\n%x", err, once)
		}
		if len(again) != len(reqs) {
			t.Fatalf("%d requests became %d", len(reqs), len(again))
		}
		if twice := putAll(t, again); !bytes.Equal(once, twice) {
			t.Fatalf("round trip changed the bytes\n%x\n%x", once, twice)
		}
		for i, q := range reqs {
			if again[i].RopID() != q.RopID() || InfoOf(again[i]) != InfoOf(q) {
				t.Fatalf("request %d changed: %#v, %#v", i, q, again[i])
			}
		}
	})
}

// FuzzParseResponse does the same for one response, with columns for the
// rows (one of them PtUnspecified, which carries its type on the wire).
func FuzzParseResponse(f *testing.F) {
	cols := []mapi.PropTag{tagSubject, tagFlags, mapi.NewTag(0x3001, mapi.PtUnspecified)}
	for _, tc := range append(cases(), moreResponses()...) {
		if tc.resp != nil {
			f.Add(unhex(f, tc.respHex))
		}
	}
	ctx := ResponseContext{Columns: cols, NotifyColumns: func(uint32) []mapi.PropTag { return cols }}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseResponse(mapi.NewReader(b, mapi.CodecROP), ctx)
		if err != nil {
			return
		}
		w := mapi.NewWriter(mapi.CodecROP)
		if err := p.Put(w); err != nil {
			t.Fatalf("a parsed %s does not write back: %v", RopName(p.RopID()), err)
		}
		once := append([]byte(nil), w.Bytes()...)
		q, err := ParseResponse(mapi.NewReader(once, mapi.CodecROP), ctx)
		if err != nil {
			t.Fatalf("written response does not parse: %v\n%x", err, once)
		}
		w.Reset()
		if err := q.Put(w); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(once, w.Bytes()) {
			t.Fatalf("round trip changed the bytes\n%x\n%x", once, w.Bytes())
		}
	})
}
