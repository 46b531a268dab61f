package mapi_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// idsetOf builds an IDSet from (replid, low, high) triples.
func idsetOf(t testing.TB, triples ...uint64) mapi.IDSet {
	t.Helper()
	var s mapi.IDSet
	for i := 0; i < len(triples); i += 3 {
		if err := s.AddRange(uint16(triples[i]), triples[i+1], triples[i+2]); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func idsetRanges(s mapi.IDSet) []uint64 {
	var out []uint64
	for replid, r := range s.Ranges() {
		out = append(out, uint64(replid), r.Low, r.High)
	}
	return out
}

// TestIDSetSpecExample is MS-OXCFXICS 4.4: message ids 1:5, 1:6, 1:0x10
// and 2:9 in the REPLID-based form.
func TestIDSetSpecExample(t *testing.T) {
	var s mapi.IDSet
	for _, w := range []string{"0100000000000005", "0100000000000006", "0100000000000010", "0200000000000009"} {
		s.Add(mapi.EIDFromWire([8]byte(idHex(t, w))))
	}
	if got := idsetRanges(s); !slices.Equal(got, []uint64{1, 5, 6, 1, 0x10, 0x10, 2, 9, 9}) {
		t.Fatalf("ranges %x", got)
	}
	// Replid 1: Push the five common high bytes, Range 05..06, Push the
	// last byte of the singleton 0x10 (popped by itself), Pop, End.
	// Replid 2: one singleton, Push of all 6 bytes, End.
	want := idHex(t, "0100 05 0000000000 52 05 06 01 10 50 00"+
		"0200 06 000000000009 00")
	if got := s.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("encoded\n got %x\nwant %x", got, want)
	}
	back, err := mapi.ParseIDSet(want)
	if err != nil || !back.Equal(s) {
		t.Fatalf("decoded %x: %v", idsetRanges(back), err)
	}
}

// TestGlobSetBitmaskSpecExample is the example of MS-OXCFXICS 3.1.5.4.3.1.3:
// StartingValue 0x01 and Bitmask 0xEB stand for {0x01-0x03, 0x05,
// 0x07-0x09} below five common bytes.
func TestGlobSetBitmaskSpecExample(t *testing.T) {
	in := idHex(t, "05 0000000000 42 01 eb 50 00")
	g, n, err := mapi.ParseGlobSet(append(in, 0xde, 0xad))
	if err != nil || n != len(in) {
		t.Fatalf("parse: n=%d err=%v", n, err)
	}
	want := []mapi.GlobCntRange{{1, 3}, {5, 5}, {7, 9}}
	if !slices.Equal(g.Ranges(), want) {
		t.Fatalf("ranges %v", g.Ranges())
	}
	// We write it the way upstream does, without Bitmask.
	enc := idHex(t, "05 0000000000 52 01 03 01 05 52 07 09 50 00")
	if got := g.Bytes(); !bytes.Equal(got, enc) {
		t.Fatalf("encoded %x", got)
	}
	if g.Count() != 7 || !g.Contains(5) || g.Contains(4) || g.Contains(6) || !g.Contains(9) {
		t.Fatalf("membership wrong: count %d", g.Count())
	}
}

func TestGlobSetEncoding(t *testing.T) {
	cases := []struct {
		name   string
		ranges []mapi.GlobCntRange
		want   string
	}{
		{"empty", nil, "00"},
		{"singleton", []mapi.GlobCntRange{{0x0d, 0x0d}}, "06 00000000000d 00"},
		{"top value", []mapi.GlobCntRange{{mapi.GCVMask, mapi.GCVMask}}, "06 ffffffffffff 00"},
		{"one range", []mapi.GlobCntRange{{0x100, 0x1ff}}, "52 000000000100 0000000001ff 00"},
		{"nested pushes", []mapi.GlobCntRange{{0x010000, 0x0100ff}, {0x020005, 0x020005}, {0x020010, 0x020020}},
			"03 000000 02 0100 52 00 ff 50 03 020005 02 0200 52 10 20 50 50 00"},
		{"no common bytes", []mapi.GlobCntRange{{1, 1}, {0x800000000000, 0x800000000001}},
			"06 000000000001 05 8000000000 52 00 01 50 00"},
	}
	for _, c := range cases {
		var g mapi.GlobSet
		for _, r := range c.ranges {
			if err := g.AddRange(r.Low, r.High); err != nil {
				t.Fatal(err)
			}
		}
		want := idHex(t, c.want)
		if got := g.Bytes(); !bytes.Equal(got, want) {
			t.Errorf("%s: encoded\n got %x\nwant %x", c.name, got, want)
			continue
		}
		back, n, err := mapi.ParseGlobSet(want)
		if err != nil || n != len(want) || !back.Equal(g) {
			t.Errorf("%s: decoded %v n=%d err=%v", c.name, back.Ranges(), n, err)
		}
	}
}

func TestGlobSetDecoding(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want []mapi.GlobCntRange
	}{
		{"one-byte pushes", "01 00 01 00 01 00 01 01 52 0002 0005 50 50 50 50 00", []mapi.GlobCntRange{{0x010002, 0x010005}}},
		{"end with stacked bytes", "02 0000 52 00000001 00000003 00", []mapi.GlobCntRange{{1, 3}}},
		{"bitmask without bits", "05 0000000001 42 07 00 50 00", []mapi.GlobCntRange{{0x0107, 0x0107}}},
		{"bitmask to 0xff", "05 0000000000 42 f7 ff 50 00", []mapi.GlobCntRange{{0xf7, 0xff}}},
		{"unsorted, overlapping, adjacent", "52 000000000010 000000000020 06 000000000005 52 000000000015 000000000030 06 000000000031 00",
			[]mapi.GlobCntRange{{5, 5}, {0x10, 0x31}}},
		{"singleton then range below one push", "04 00000000 02 0001 52 0010 0015 50 00", []mapi.GlobCntRange{{1, 1}, {0x10, 0x15}}},
	}
	for _, c := range cases {
		in := idHex(t, c.in)
		g, n, err := mapi.ParseGlobSet(in)
		if err != nil || n != len(in) {
			t.Errorf("%s: n=%d err=%v", c.name, n, err)
			continue
		}
		var want mapi.GlobSet
		for _, r := range c.want {
			_ = want.AddRange(r.Low, r.High)
		}
		if !g.Equal(want) {
			t.Errorf("%s: ranges %v, want %v", c.name, g.Ranges(), want.Ranges())
		}
	}
	for _, bad := range []string{
		"",                                // no End
		"06 000000000001",                 // no End
		"07 00000000000000 00",            // unknown command
		"41 00",                           // unknown command
		"50 00",                           // Pop on an empty stack
		"42 01 ff 00",                     // Bitmask without 5 common bytes
		"04 00000000 42 01 ff 50 00",      // Bitmask with 4 common bytes
		"05 0000000000 42 ff 01 50 00",    // Bitmask past the low byte
		"52 000000000005 000000000001 00", // Range low > high
		"04 00000000 03 000000 00",        // Push past 6 bytes
		"52 0000",                         // truncated Range
		"05 000000",                       // truncated Push
		"05 0000000000 42 01",             // truncated Bitmask
	} {
		if _, _, err := mapi.ParseGlobSet(idHex(t, bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestIDSetOperations(t *testing.T) {
	var s mapi.IDSet
	for _, v := range []uint64{5, 7, 6, 10, 1} {
		s.Add(mapi.MakeEID(1, v))
	}
	if got := idsetRanges(s); !slices.Equal(got, []uint64{1, 1, 1, 1, 5, 7, 1, 10, 10}) {
		t.Fatalf("after Add: %v", got)
	}
	if err := s.AddRange(1, 2, 4); err != nil { // bridges 1 and 5..7
		t.Fatal(err)
	}
	if err := s.AddRange(3, 0x100, 0x1ff); err != nil {
		t.Fatal(err)
	}
	if got := idsetRanges(s); !slices.Equal(got, []uint64{1, 1, 7, 1, 10, 10, 3, 0x100, 0x1ff}) {
		t.Fatalf("after AddRange: %v", got)
	}
	s.Remove(mapi.MakeEID(1, 4))
	s.RemoveRange(3, 0x180, 0x1ff)
	s.Remove(mapi.MakeEID(9, 1)) // absent replica
	if got := idsetRanges(s); !slices.Equal(got, []uint64{1, 1, 3, 1, 5, 7, 1, 10, 10, 3, 0x100, 0x17f}) {
		t.Fatalf("after Remove: %v", got)
	}
	s.RemoveRange(3, 0, mapi.GCVMask)
	if !slices.Equal(s.Replids(), []uint16{1}) {
		t.Fatalf("replids %v", s.Replids())
	}
	if !s.Contains(mapi.MakeEID(1, 6)) || s.Contains(mapi.MakeEID(1, 4)) || s.Contains(mapi.MakeEID(2, 6)) {
		t.Fatal("Contains wrong")
	}
	var all []mapi.EID
	for e := range s.All() {
		all = append(all, e)
	}
	want := []mapi.EID{mapi.MakeEID(1, 1), mapi.MakeEID(1, 2), mapi.MakeEID(1, 3),
		mapi.MakeEID(1, 5), mapi.MakeEID(1, 6), mapi.MakeEID(1, 7), mapi.MakeEID(1, 10)}
	if !slices.Equal(all, want) {
		t.Fatalf("All %v", all)
	}
	for range s.All() {
		break // stopping early must not panic
	}
	if g := s.GlobSet(1); g.Count() != 7 {
		t.Fatalf("GlobSet count %d", g.Count())
	}
	if err := s.AddRange(1, 5, 4); !errors.Is(err, mapi.ErrGlobCntRange) {
		t.Fatalf("low > high: %v", err)
	}
	if err := s.AddRange(1, 0, mapi.GCVMask+1); !errors.Is(err, mapi.ErrGlobCntRange) {
		t.Fatalf("beyond 48 bits: %v", err)
	}
	u := idsetOf(t, 1, 8, 9, 4, 1, 1)
	u.Union(s)
	if got := idsetRanges(u); !slices.Equal(got, []uint64{1, 1, 3, 1, 5, 10, 4, 1, 1}) {
		t.Fatalf("Union %v", got)
	}
}

func TestIDSetParse(t *testing.T) {
	// A repeated replica merges; an empty GLOBSET adds nothing.
	in := idHex(t, "0100 06 000000000001 00 0200 00 0100 06 000000000002 00")
	s, err := mapi.ParseIDSet(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Bytes(); !bytes.Equal(got, idHex(t, "0100 52 000000000001 000000000002 00")) {
		t.Fatalf("re-encoded %x", got)
	}
	// Replicas are written in ascending REPLID order (2.2.2.4.1).
	s = idsetOf(t, 0x0300, 1, 1, 0x0002, 1, 1)
	if got := s.Bytes(); !bytes.Equal(got, idHex(t, "0200 06 000000000001 00 0003 06 000000000001 00")) {
		t.Fatalf("order %x", got)
	}
	if s, err := mapi.ParseIDSet(nil); err != nil || !s.IsEmpty() || len(s.Bytes()) != 0 {
		t.Fatalf("empty: %v", err)
	}
	for _, bad := range []string{"01", "0100", "0100 06 000000000001", "0100 00 02"} {
		if _, err := mapi.ParseIDSet(idHex(t, bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestGUIDIDSet(t *testing.T) {
	store, other := mapi.PrivateStoreGUID(3), mapi.ReplGUID2
	s := idsetOf(t, 1, 0x10, 0x12, 2, 7, 7)
	toGUID := func(replid uint16) (mapi.GUID, error) {
		switch replid {
		case 1:
			return store, nil
		case 2:
			return other, nil
		}
		return mapi.GUID{}, errors.New("unmapped")
	}
	gs, err := s.ToGUID(toGUID)
	if err != nil {
		t.Fatal(err)
	}
	// Ascending byte order of the REPLGUIDs (2.2.2.4.2): 03000000... < e5cb33ed...
	want := idHex(t, "03000000a5187b6fbcdcea1ed03c5657 52 000000000010 000000000012 00"+
		"e5cb33ede294b6488beabba984896933 06 000000000007 00")
	if got := gs.Bytes(); !bytes.Equal(got, want) {
		t.Fatalf("encoded\n got %x\nwant %x", got, want)
	}
	back, err := mapi.ParseGUIDIDSet(want)
	if err != nil || !back.Equal(gs) {
		t.Fatalf("decoded: %v", err)
	}
	if !back.Contains(mapi.NewLongTermID(store, 0x11)) || back.Contains(mapi.NewLongTermID(other, 0x11)) {
		t.Fatal("Contains wrong")
	}
	if !slices.Equal(back.GUIDs(), []mapi.GUID{store, other}) {
		t.Fatalf("GUIDs %v", back.GUIDs())
	}
	ids, err := back.ToReplid(func(g mapi.GUID) (uint16, error) {
		id, ok := mapi.WellKnownReplid(g, store, mapi.GUID{1})
		if !ok {
			return 0, errors.New("unmapped")
		}
		return id, nil
	})
	if err != nil || !ids.Equal(s) {
		t.Fatalf("ToReplid %v: %v", idsetRanges(ids), err)
	}
	if _, err := idsetOf(t, 9, 1, 1).ToGUID(toGUID); err == nil {
		t.Fatal("unmapped replid accepted")
	}
	back.Remove(mapi.NewLongTermID(other, 7))
	back.Add(mapi.NewLongTermID(store, 0x13))
	if got := back.GlobSet(store).Ranges(); len(back.GUIDs()) != 1 || !slices.Equal(got, []mapi.GlobCntRange{{0x10, 0x13}}) {
		t.Fatalf("after edits: %v %v", back.GUIDs(), got)
	}
	for _, bad := range []string{"03000000a5187b6fbcdcea1ed03c56", "03000000a5187b6fbcdcea1ed03c5657", "03000000a5187b6fbcdcea1ed03c5657 50 00"} {
		if _, err := mapi.ParseGUIDIDSet(idHex(t, bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// TestIDSetModel checks random edits against a plain map and the
// serialization round trip of every intermediate set.
func TestIDSetModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s mapi.IDSet
	model := map[mapi.EID]bool{}
	for step := range 3000 {
		replid := uint16(1 + rng.IntN(3))
		base := uint64(rng.IntN(4)) << (8 * uint(rng.IntN(6)))
		lo := base + uint64(rng.IntN(40))
		hi := lo + uint64(rng.IntN(6))
		if hi > mapi.GCVMask {
			hi = mapi.GCVMask
		}
		if rng.IntN(3) == 0 {
			s.RemoveRange(replid, lo, hi)
			for v := lo; v <= hi; v++ {
				delete(model, mapi.MakeEID(replid, v))
			}
		} else {
			if err := s.AddRange(replid, lo, hi); err != nil {
				t.Fatal(err)
			}
			for v := lo; v <= hi; v++ {
				model[mapi.MakeEID(replid, v)] = true
			}
		}
		if step%100 != 0 {
			continue
		}
		n := 0
		for e := range s.All() {
			if !model[e] {
				t.Fatalf("step %d: %v in set, not in model", step, e)
			}
			n++
		}
		if n != len(model) {
			t.Fatalf("step %d: set has %d ids, model %d", step, n, len(model))
		}
		for e := range model {
			if !s.Contains(e) {
				t.Fatalf("step %d: %v missing", step, e)
			}
		}
		enc := s.Bytes()
		back, err := mapi.ParseIDSet(enc)
		if err != nil || !back.Equal(s) || !bytes.Equal(back.Bytes(), enc) {
			t.Fatalf("step %d: round trip of %x: %v", step, enc, err)
		}
	}
}

func FuzzDecodeIDSet(f *testing.F) {
	f.Add(idHex(f, "0100 05 0000000000 52 05 06 01 10 50 00 0200 06 000000000009 00"))
	f.Add(idHex(f, "0100 05 0000000000 42 01 eb 50 00"))
	f.Add(idHex(f, "0100 03 000000 02 0100 52 00 ff 50 03 020005 02 0200 52 10 20 50 50 00"))
	f.Add(idHex(f, "03000000a5187b6fbcdcea1ed03c5657 52 000000000010 000000000012 00"))
	f.Add(idHex(f, "0100 01 00 01 00 01 00 01 01 52 0002 0005 50 50 50 50 00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if s, err := mapi.ParseIDSet(b); err == nil {
			enc := s.Bytes()
			back, err := mapi.ParseIDSet(enc)
			if err != nil || !back.Equal(s) || !bytes.Equal(back.Bytes(), enc) {
				t.Fatalf("REPLID form: %x -> %x: %v", b, enc, err)
			}
		}
		if s, err := mapi.ParseGUIDIDSet(b); err == nil {
			enc := s.Bytes()
			back, err := mapi.ParseGUIDIDSet(enc)
			if err != nil || !back.Equal(s) || !bytes.Equal(back.Bytes(), enc) {
				t.Fatalf("REPLGUID form: %x -> %x: %v", b, enc, err)
			}
		}
		if g, n, err := mapi.ParseGlobSet(b); err == nil {
			if n < 1 || n > len(b) {
				t.Fatalf("GLOBSET length %d of %d", n, len(b))
			}
			enc := g.Bytes()
			back, m, err := mapi.ParseGlobSet(enc)
			if err != nil || m != len(enc) || !back.Equal(g) {
				t.Fatalf("GLOBSET: %x -> %x: %v", b[:n], enc, err)
			}
		}
	})
}
