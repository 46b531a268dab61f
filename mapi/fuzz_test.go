package mapi

import (
	"bytes"
	"math"
	"reflect"
	"testing"
)

// Fuzz targets for the parsers that read bytes from the network or from
// store files. Each checks that reading never panics, that whatever was
// read can be written, and that writing then reading gives equal values.
//
//	go test ./mapi -run '^$' -fuzz FuzzReadPropVals -fuzztime 30s

// fuzzFlags picks the codec flags from the first input byte. The table
// limit is a Writer-only lossy mode, so it is left out.
func fuzzFlags(data []byte) (CodecFlags, []byte) {
	if len(data) == 0 {
		return 0, data
	}
	return CodecFlags(data[0]) & (CodecUTF16 | CodecWideCounts | CodecAddressBook), data[1:]
}

func fuzzSeeds(f *testing.F, flags CodecFlags, put func(*Writer) error) {
	w := NewWriter(flags)
	if err := put(w); err != nil {
		f.Fatal(err)
	}
	f.Add(append([]byte{byte(flags)}, w.Bytes()...))
}

func FuzzReadPropVals(f *testing.F) {
	for _, flags := range []CodecFlags{CodecStore, CodecROP, CodecExmdb, CodecUTF16 | CodecWideCounts,
		CodecAddressBook | CodecUTF16 | CodecWideCounts} {
		fuzzSeeds(f, flags, func(w *Writer) error { return w.PutPropVals(samplePropVals()) })
	}
	f.Add([]byte{0, 1, 0, 0x1f, 0, 0x37, 0, 'a', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		flags, data := fuzzFlags(data)
		pvs, err := NewReader(data, flags).PropVals()
		if err != nil {
			return
		}
		w := NewWriter(flags)
		if err := w.PutPropVals(pvs); err != nil {
			t.Fatalf("cannot write what was read: %v\n%#v", err, pvs)
		}
		again, err := NewReader(w.Bytes(), flags).PropVals()
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		if !sameValue(pvs, again) {
			t.Fatalf("round trip changed the values:\n%#v\n%#v", pvs, again)
		}
		w2 := NewWriter(flags)
		if err := w2.PutPropVals(again); err != nil || !bytes.Equal(w.Bytes(), w2.Bytes()) {
			t.Fatalf("second encoding differs (%v)", err)
		}
	})
}

func FuzzReadRestriction(f *testing.F) {
	for _, pv := range samplePropVals() {
		if r, ok := pv.Value.(*Restriction); ok {
			for _, flags := range []CodecFlags{CodecStore, CodecROP, CodecExmdb} {
				fuzzSeeds(f, flags, func(w *Writer) error { return w.PutRestriction(r) })
			}
		}
	}
	for _, r := range []*Restriction{
		RestrictOr(RestrictNot(RestrictSub(PrMessageRecipients, RestrictCount(2, RestrictExist(PrSMTPAddress)))),
			RestrictBitmask(BitmaskNEZ, PrMessageFlags, 1), RestrictSize(RelopGT, PrBody, 3),
			RestrictCompareProps(RelopEQ, PrSubject, PrNormalizedSubject),
			RestrictComment([]PropVal{{PrComment, "c"}}, &Restriction{Type: ResNull}),
			RestrictProperty(RelopRE, PrSubject, PropVal{PrSubject, "^a"})),
	} {
		fuzzSeeds(f, CodecROP, func(w *Writer) error { return w.PutRestriction(r) })
		fuzzSeeds(f, CodecAddressBook|CodecUTF16|CodecWideCounts, func(w *Writer) error { return w.PutRestriction(r) })
	}
	row := testMessage()
	f.Fuzz(func(t *testing.T, data []byte) {
		flags, data := fuzzFlags(data)
		r, err := NewReader(data, flags).Restriction()
		if err != nil {
			return
		}
		w := NewWriter(flags)
		if err := w.PutRestriction(r); err != nil {
			t.Fatalf("cannot write what was read: %v\n%v", err, r)
		}
		again, err := NewReader(w.Bytes(), flags).Restriction()
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		if !sameValue(r, again) {
			t.Fatalf("round trip changed the restriction:\n%v\n%v", r, again)
		}
		// Evaluation and printing must not panic either, and must agree.
		if Eval(r, row) != Eval(again, row) {
			t.Fatal("evaluation differs after the round trip")
		}
		NewMatcher(r).Match(row)
		_ = r.String()
	})
}

func FuzzDecodeMV(f *testing.F) {
	seeds := []struct {
		t PropType
		v any
	}{
		{PtMvUnicode, []string{""}}, // the fixture's 0x817a101f rows
		{PtMvUnicode, []string{"a", "Grüße"}},
		{PtMvString8, []string{"x"}},
		{PtMvLong, []int32{1, -1}},
		{PtMvShort, []int16{7}},
		{PtMvI8, []int64{1 << 40}},
		{PtMvCurrency, []int64{5}},
		{PtMvSysTime, []FileTime{133_000_000_000_000_000}},
		{PtMvFloat, []float32{1.5}},
		{PtMvDouble, []float64{2.5}},
		{PtMvAppTime, []float64{45000.25}},
		{PtMvClsid, []GUID{testGUID}},
		{PtMvBinary, [][]byte{{1, 2}, {}}},
		{PtClsid, testGUID},
		{PtSvrEID, append([]byte{1}, make([]byte, 20)...)},
		{PtSRestriction, RestrictAnd(RestrictExist(PrSubject))},
		{PtActions, mustUnhex("0100 0900 0a 00000000 00000000")},
	}
	for _, s := range seeds {
		b, err := EncodeMV(s.t, s.v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint16(s.t), b)
	}
	f.Fuzz(func(t *testing.T, typ uint16, data []byte) {
		pt := PropType(typ)
		v, err := DecodeMV(pt, data)
		if err != nil {
			return
		}
		b, err := EncodeMV(pt, v)
		if err != nil {
			t.Fatalf("cannot encode what was decoded: %v\n%#v", err, v)
		}
		again, err := DecodeMV(pt, b)
		if err != nil {
			t.Fatalf("cannot decode what was encoded: %v", err)
		}
		if !sameValue(v, again) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v", v, again)
		}
		// Except for restrictions (booleans and presence bytes have one
		// canonical form), a blob read to its end re-encodes identically.
		r := NewReader(data, CodecStore)
		if _, err := r.Value(pt); err == nil && r.Len() == 0 && pt != PtSRestriction && !bytes.Equal(b, data) {
			t.Fatalf("%v blob %x re-encoded as %x", pt, data, b)
		}
	})
}

func FuzzParseStoreName(f *testing.F) {
	for _, s := range []string{
		"GUID=6ed8da90-450b-101b-98da-00aa003f1305,LID=1",
		"GUID=00020329-0000-0000-c000-000000000046,NAME=urn:schemas:httpmail:bcc",
		"GUID=96357F7F-59E1-47D0-99A7-46515C183B54,NAME=AttachmentMacInfo",
		"guid={00062008-0000-0000-C000-000000000046},lid=0x8501",
		"GUID=00020386-0000-0000-c000-000000000046,NAME= X-Mailer ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseStoreName(s)
		if err != nil {
			return
		}
		out := n.StoreString()
		back, err := ParseStoreName(out)
		if err != nil {
			t.Fatalf("cannot parse %q (from %q): %v", out, s, err)
		}
		if back != n {
			t.Fatalf("%q -> %v -> %q -> %v", s, n, out, back)
		}
		if back.StoreString() != out {
			t.Fatalf("store string not stable: %q vs %q", out, back.StoreString())
		}
	})
}

// sameValue is reflect.DeepEqual with NaNs equal to themselves (bitwise
// float comparison), for the Go forms of property values.
func sameValue(a, b any) bool {
	return sameReflect(reflect.ValueOf(a), reflect.ValueOf(b))
}

func sameReflect(a, b reflect.Value) bool {
	if a.IsValid() != b.IsValid() {
		return false
	}
	if !a.IsValid() {
		return true
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Float32:
		return math.Float32bits(float32(a.Float())) == math.Float32bits(float32(b.Float()))
	case reflect.Float64:
		return math.Float64bits(a.Float()) == math.Float64bits(b.Float())
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameReflect(a.Elem(), b.Elem())
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameReflect(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Array:
		for i := range a.Len() {
			if !sameReflect(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameReflect(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// FuzzReadRowsAndNames covers the other structures a ROP request or
// response carries: a tag array followed by a property row for those
// columns, property names and a sort order set.
func FuzzReadRowsAndNames(f *testing.F) {
	cols := []PropTag{PrSubject, PrImportance, NewTag(0x8001, PtUnspecified), PrEntryID, NewTag(0x8002, PtMvUnicode|MvInstance)}
	row := PropRow{Flagged: true, Values: []PropVal{{PrSubject, "a"}, {PrImportance.WithType(PtError), EcNotFound},
		{NewTag(0x8001, PtLong), int32(1)}, {PrEntryID, nil}, {NewTag(0x8002, PtMvUnicode|MvInstance), "x"}}}
	names := []PropName{NameByLID(PSETIDCommon, 0x8501), NameByString(PSPublicStrings, "Keywords")}
	sorts := SortOrderSet{Sorts: []SortOrder{{PrSubject, SortAscend}, {PrMessageDeliveryTime, SortDescend}}, CategoryCount: 1}
	for _, flags := range []CodecFlags{CodecROP, CodecExmdb, CodecAddressBook | CodecUTF16 | CodecWideCounts} {
		fuzzSeeds(f, flags, func(w *Writer) error {
			if err := w.PutPropTags(cols); err != nil {
				return err
			}
			if err := w.PutPropRow(cols, row); err != nil {
				return err
			}
			if err := w.PutPropertyNames(names); err != nil {
				return err
			}
			return w.PutSortOrderSet(sorts)
		})
	}
	// Found by the fuzzer: a flagged row whose PT_UNSPECIFIED column holds
	// a typed PT_NULL with the instance flags (0x3001) and no value.
	f.Add([]byte("0\x05\x00\x1f0000000\x00\x00000000\x1f000\x01\x000\x00\n0000\x010\x00\x01\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		flags, data := fuzzFlags(data)
		r := NewReader(data, flags)
		cols, err := r.PropTags()
		if err != nil {
			return
		}
		w := NewWriter(flags)
		if row, err := r.PropRow(cols); err == nil {
			if err := w.PutPropRow(cols, row); err != nil {
				t.Fatalf("cannot write the row read: %v\n%#v", err, row)
			}
			again, err := NewReader(w.Bytes(), flags).PropRow(cols)
			if err != nil || !sameValue(row, again) {
				t.Fatalf("row round trip: %v\n%#v\n%#v", err, row, again)
			}
		} else {
			return
		}
		if names, err := r.PropertyNames(); err == nil {
			w.Reset()
			if err := w.PutPropertyNames(names); err != nil {
				t.Fatalf("cannot write the names read: %v\n%v", err, names)
			}
			again, err := NewReader(w.Bytes(), flags).PropertyNames()
			if err != nil || !sameValue(names, again) {
				t.Fatalf("names round trip: %v\n%v\n%v", err, names, again)
			}
		} else {
			return
		}
		if s, err := r.SortOrderSet(); err == nil {
			w.Reset()
			if err := w.PutSortOrderSet(s); err != nil {
				t.Fatalf("cannot write the sort order read: %v", err)
			}
			again, err := NewReader(w.Bytes(), flags).SortOrderSet()
			if err != nil || !sameValue(s, again) {
				t.Fatalf("sort order round trip: %v", err)
			}
			_ = s.Validate()
		}
	})
}
