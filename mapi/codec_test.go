package mapi

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func mustUnhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

var testGUID = MustGUID("00062008-0000-0000-c000-000000000046") // PSETID_Common

// TestValueWireForms pins the byte form of every property type under the
// flag sets the protocols use (MS-OXCDATA 2.11.1; reference §2.4, §9.1).
func TestValueWireForms(t *testing.T) {
	restr := RestrictExist(PrSubject)
	tests := []struct {
		name  string
		flags CodecFlags
		t     PropType
		v     any
		hex   string
	}{
		{"null", CodecROP, PtNull, nil, ""},
		{"short", CodecROP, PtShort, int16(-2), "feff"},
		{"long", CodecROP, PtLong, int32(0x12345678), "78563412"},
		{"negative long", CodecStore, PtLong, int32(-1), "ffffffff"},
		{"float", CodecROP, PtFloat, float32(1), "0000803f"},
		{"double", CodecROP, PtDouble, float64(1), "000000000000f03f"},
		{"apptime", CodecROP, PtAppTime, float64(2), "0000000000000040"},
		{"currency", CodecROP, PtCurrency, int64(10000), "1027000000000000"},
		{"error", CodecROP, PtError, EcNotFound, "0f010480"},
		{"bool true", CodecROP, PtBoolean, true, "01"},
		{"bool false", CodecROP, PtBoolean, false, "00"},
		{"i8", CodecROP, PtI8, int64(-2), "feffffffffffffff"},
		{"systime", CodecROP, PtSysTime, FileTime(0x01d9000000000000), "000000000000d901"},
		{"string8", CodecROP, PtString8, "Ab", "416200"},
		{"unicode utf16", CodecROP, PtUnicode, "Aé", "4100e9000000"},
		{"unicode utf16 surrogate", CodecROP, PtUnicode, "😀", "3dd800de0000"},
		{"unicode utf8", CodecStore, PtUnicode, "Aé", "41c3a900"},
		{"empty unicode utf16", CodecROP, PtUnicode, "", "0000"},
		{"clsid", CodecROP, PtClsid, testGUID, "0820060000000000c000000000000046"},
		{"binary rop", CodecROP, PtBinary, []byte{1, 2}, "02000102"},
		{"binary wide", CodecExmdb, PtBinary, []byte{1, 2}, "020000000102"},
		{"object", CodecROP, PtObject, []byte{}, "0000"},
		{"svreid ours", CodecROP, PtSvrEID, append([]byte{1}, make([]byte, 20)...),
			"1500" + "01" + strings.Repeat("00", 20)},
		{"svreid client", CodecROP, PtSvrEID, []byte{0, 0xaa}, "0200" + "00aa"},
		{"restriction", CodecROP, PtSRestriction, restr, "08" + "1f003700"},
		{"actions", CodecROP, PtActions, unhex(t, "0100 0900 0a 00000000 00000000"), "0100 0900 0a 00000000 00000000"},
		{"unspecified", CodecROP, PtUnspecified, TypedValue{Type: PtLong, Value: int32(5)}, "0300" + "05000000"},
		{"mv short", CodecStore, PtMvShort, []int16{1, -1}, "02000000 0100 ffff"},
		{"mv long", CodecStore, PtMvLong, []int32{7}, "01000000 07000000"},
		{"mv long rop", CodecROP, PtMvLong, []int32{7}, "01000000 07000000"},
		{"mv float", CodecStore, PtMvFloat, []float32{1}, "01000000 0000803f"},
		{"mv double", CodecStore, PtMvDouble, []float64{1}, "01000000 000000000000f03f"},
		{"mv apptime", CodecStore, PtMvAppTime, []float64{1}, "01000000 000000000000f03f"},
		{"mv currency", CodecStore, PtMvCurrency, []int64{1}, "01000000 0100000000000000"},
		{"mv i8", CodecStore, PtMvI8, []int64{-1}, "01000000 ffffffffffffffff"},
		{"mv systime", CodecStore, PtMvSysTime, []FileTime{1}, "01000000 0100000000000000"},
		{"mv string8", CodecStore, PtMvString8, []string{"a", ""}, "02000000 6100 00"},
		{"mv unicode store", CodecStore, PtMvUnicode, []string{"ä", "b"}, "02000000 c3a400 6200"},
		{"mv unicode rop", CodecROP, PtMvUnicode, []string{"a"}, "01000000 61000000"},
		{"mv clsid", CodecStore, PtMvClsid, []GUID{testGUID}, "01000000 0820060000000000c000000000000046"},
		{"mv binary store", CodecStore, PtMvBinary, [][]byte{{1}, {}}, "02000000 010001 0000"},
		{"mv binary wide", CodecExmdb, PtMvBinary, [][]byte{{1}}, "01000000 0100000001"},
		{"empty mv", CodecStore, PtMvLong, []int32{}, "00000000"},
		{"mvi reads single", CodecROP, PtMvUnicode | MvInstance, "x", "78000000"},
		{"abk string", CodecAddressBook | CodecUTF16, PtUnicode, "a", "ff 61000000"},
		{"abk absent string", CodecAddressBook | CodecUTF16, PtUnicode, nil, "00"},
		{"abk long", CodecAddressBook | CodecUTF16, PtLong, int32(1), "01000000"},
		{"abk mv", CodecAddressBook | CodecUTF16 | CodecWideCounts, PtMvBinary, [][]byte{{9}}, "ff 01000000 ff 01000000 09"},
		{"abk object", CodecAddressBook, PtObject, []byte{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := NewWriter(tc.flags)
			if err := w.PutValue(tc.t, tc.v); err != nil {
				t.Fatalf("PutValue: %v", err)
			}
			want := unhex(t, tc.hex)
			if !bytes.Equal(w.Bytes(), want) {
				t.Fatalf("wrote %x, want %x", w.Bytes(), want)
			}
			r := NewReader(want, tc.flags)
			got, err := r.Value(tc.t)
			if err != nil {
				t.Fatalf("Value: %v", err)
			}
			if r.Len() != 0 {
				t.Fatalf("%d bytes left", r.Len())
			}
			if !reflect.DeepEqual(got, tc.v) {
				t.Fatalf("read %#v, want %#v", got, tc.v)
			}
		})
	}
}

func TestReadBooleanAnyNonZero(t *testing.T) {
	v, err := NewReader([]byte{7}, CodecROP).Value(PtBoolean)
	if err != nil || v != true {
		t.Fatalf("got %v, %v; upstream reads any non-zero byte as true", v, err)
	}
	if _, err := NewReader([]byte{7}, 0).Bool(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("strict Bool accepted 7: %v", err)
	}
}

func TestWriterRejectsWrongGoType(t *testing.T) {
	cases := []struct {
		t PropType
		v any
	}{
		{PtLong, int64(1)}, {PtLong, 1}, {PtUnicode, []byte("x")}, {PtBinary, "x"},
		{PtMvUnicode, []any{"x"}}, {PtSRestriction, (*Restriction)(nil)}, {PtNull, 1},
		{PtUnspecified, TypedValue{Type: PtUnspecified}}, {PtSysTime, uint64(1)},
		{0x2003, int32(1)}, {0x0fff, 1},
	}
	for _, c := range cases {
		if err := NewWriter(CodecROP).PutValue(c.t, c.v); err == nil {
			t.Errorf("PutValue(%v, %#v) succeeded", c.t, c.v)
		}
	}
	if err := NewWriter(CodecROP).PutValue(PtBinary, make([]byte, 70000)); err == nil {
		t.Error("70000-byte binary with a 16-bit length accepted")
	}
	if err := NewWriter(CodecExmdb).PutValue(PtBinary, make([]byte, 70000)); err != nil {
		t.Errorf("70000-byte binary with a 32-bit length: %v", err)
	}
	if err := NewWriter(CodecROP).PutValue(PtSvrEID, []byte{1, 2}); err == nil {
		t.Error("short server id with Ours set accepted")
	}
	if err := NewWriter(CodecROP).PutValue(PtActions, []byte{0, 0}); err == nil {
		t.Error("rule actions without blocks accepted")
	}
}

func TestStringsCutAtNUL(t *testing.T) {
	w := NewWriter(CodecROP)
	w.PutString8("a\x00b")
	w.PutUnicode("c\x00d")
	if want := unhex(t, "6100 63000000"); !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("wrote %x, want %x", w.Bytes(), want)
	}
}

func TestUTF16Decoding(t *testing.T) {
	// An unpaired surrogate becomes U+FFFD; an odd trailing byte is not
	// a terminator.
	s, err := NewReader(unhex(t, "00d8 4100 0000"), CodecROP).Unicode()
	if err != nil || s != "\uFFFDA" {
		t.Fatalf("got %q, %v", s, err)
	}
	if _, err := NewReader(unhex(t, "4100 00"), CodecROP).Unicode(); !errors.Is(err, ErrTruncated) {
		t.Fatalf("unterminated UTF-16 string: %v", err)
	}
	if _, err := NewReader([]byte("abc"), 0).String8(); !errors.Is(err, ErrTruncated) {
		t.Fatalf("unterminated string: %v", err)
	}
}

func TestTableLimit(t *testing.T) {
	long := strings.Repeat("x", 600)
	w := NewWriter(CodecROP | CodecTableLimit)
	w.PutUnicode(long)
	if w.Len() != 510 {
		t.Fatalf("UTF-16 string of %d bytes, want 510 with the terminator", w.Len())
	}
	w = NewWriter(CodecTableLimit)
	w.PutString8(long)
	if w.Len() != 510 {
		t.Fatalf("8-bit string of %d bytes, want 509+1", w.Len())
	}
	// A surrogate pair is not split at the limit.
	w = NewWriter(CodecROP | CodecTableLimit)
	w.PutUnicode(strings.Repeat("x", 253) + "😀")
	s, err := NewReader(w.Bytes(), CodecROP).Unicode()
	if err != nil || s != strings.Repeat("x", 253) {
		t.Fatalf("got %q (%v)", s, err)
	}
}

func TestCountsLimitedBeforeAllocating(t *testing.T) {
	cases := []struct {
		name string
		read func(*Reader) error
		data string
	}{
		{"mv long", func(r *Reader) error { _, err := r.Value(PtMvLong); return err }, "ffffffff 01000000"},
		{"mv string", func(r *Reader) error { _, err := r.Value(PtMvUnicode); return err }, "ffffff7f 00"},
		{"mv binary", func(r *Reader) error { _, err := r.Value(PtMvBinary); return err }, "ffffff7f 0000"},
		{"propvals", func(r *Reader) error { _, err := r.PropVals(); return err }, "ffff 03000000"},
		{"long propvals", func(r *Reader) error { _, err := r.LongPropVals(); return err }, "ffffffff"},
		{"tags", func(r *Reader) error { _, err := r.PropTags(); return err }, "0200 01000000"},
		{"long tags", func(r *Reader) error { _, err := r.LongPropTags(); return err }, "ffffffff"},
		{"and", func(r *Reader) error { _, err := r.Restriction(); return err }, "00 ffff 08"},
		{"names", func(r *Reader) error { _, err := r.PropertyNames(); return err }, "ffff"},
		{"sorts", func(r *Reader) error { _, err := r.SortOrderSet(); return err }, "0500 0000 0000"},
		{"binary", func(r *Reader) error { _, err := r.Binary(); return err }, "0500 0102"},
		{"long binary", func(r *Reader) error { _, err := r.LongBinary(); return err }, "ffffffff"},
		{"actions", func(r *Reader) error { _, err := r.Value(PtActions); return err }, "ffff 0900"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.read(NewReader(unhex(t, c.data), CodecROP))
			if !errors.Is(err, ErrTruncated) {
				t.Fatalf("got %v, want ErrTruncated", err)
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	cases := []struct {
		name string
		read func(*Reader) error
		data string
	}{
		{"restriction type", func(r *Reader) error { _, err := r.Restriction(); return err }, "0d"},
		{"empty comment", func(r *Reader) error { _, err := r.Restriction(); return err }, "0a 00 00"},
		{"property type", func(r *Reader) error { _, err := r.PropVal(); return err }, "0e000100"},
		{"instance without mv", func(r *Reader) error { _, err := r.Value(0x2003); return err }, "00000000"},
		{"nested unspecified", func(r *Reader) error { _, err := r.Value(PtUnspecified); return err }, "0000 0300"},
		{"row flag", func(r *Reader) error { _, err := r.PropRow([]PropTag{PrSubject}); return err }, "02"},
		{"flagged value flag", func(r *Reader) error { _, err := r.PropRow([]PropTag{PrImportance}); return err }, "01 05"},
		{"name kind", func(r *Reader) error { _, err := r.PropertyName(); return err }, "02" + strings.Repeat("00", 16)},
		{"empty name", func(r *Reader) error { _, err := r.PropertyName(); return err }, "01" + strings.Repeat("00", 16) + "00"},
		{"name without NUL", func(r *Reader) error { _, err := r.PropertyName(); return err }, "01" + strings.Repeat("00", 16) + "02 4100 0000"},
		{"sort counts", func(r *Reader) error { _, err := r.SortOrderSet(); return err }, "0100 0200 0000 03000100 00"},
		{"svreid", func(r *Reader) error { _, err := r.Value(PtSvrEID); return err }, "0200 0100"},
		{"empty svreid", func(r *Reader) error { _, err := r.Value(PtSvrEID); return err }, "0000"},
		{"short action", func(r *Reader) error { _, err := r.Value(PtActions); return err }, "0100 0100 00 00000000 00000000"},
		{"abk HasValue", func(r *Reader) error {
			r.flags = CodecAddressBook
			_, err := r.Value(PtUnicode)
			return err
		}, "01 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.read(NewReader(unhex(t, c.data), CodecROP))
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
		})
	}
}

func TestRestrictionDepthLimit(t *testing.T) {
	deep := bytes.Repeat([]byte{byte(ResNot)}, MaxRestrictionDepth+1)
	deep = append(deep, byte(ResNull))
	if _, err := NewReader(deep, CodecROP).Restriction(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v for %d nested NOTs", err, MaxRestrictionDepth+1)
	}
	ok := append(bytes.Repeat([]byte{byte(ResNot)}, MaxRestrictionDepth-1), byte(ResNull))
	r, err := NewReader(ok, CodecROP).Restriction()
	if err != nil {
		t.Fatalf("%d nested restrictions: %v", MaxRestrictionDepth, err)
	}
	if err := NewWriter(CodecROP).PutRestriction(r); err != nil {
		t.Fatalf("write back: %v", err)
	}
	// A cycle built in Go is refused, not followed forever.
	cyc := &Restriction{Type: ResNot}
	cyc.Sub = cyc
	if err := NewWriter(CodecROP).PutRestriction(cyc); err == nil {
		t.Fatal("cyclic restriction written")
	}
	if Eval(cyc, PropValRow{}) {
		t.Fatal("cyclic restriction matched")
	}
	_ = cyc.String()
}

// Every proper prefix of a valid encoding must fail cleanly.
func TestTruncatedPrefixes(t *testing.T) {
	w := NewWriter(CodecROP)
	if err := w.PutPropVals(samplePropVals()); err != nil {
		t.Fatal(err)
	}
	full := w.Bytes()
	for i := range len(full) {
		if _, err := NewReader(full[:i], CodecROP).PropVals(); err == nil {
			t.Fatalf("prefix of %d/%d bytes read without error", i, len(full))
		}
	}
	if _, err := NewReader(full, CodecROP).PropVals(); err != nil {
		t.Fatal(err)
	}
}

func samplePropVals() []PropVal {
	return []PropVal{
		{PrSubject, "Grüße 😀"},
		{PrSubjectA, "plain"},
		{PrImportance, int32(2)},
		{PrMessageSizeExtended, int64(1 << 40)},
		{PrRead, true},
		{PrMessageDeliveryTime, FileTime(133_000_000_000_000_000)},
		{PrEntryID, []byte{0, 0, 0, 0, 1, 2, 3}},
		{PrRuleCondition, RestrictAnd(RestrictExist(PrSubject),
			RestrictContent(FLSubstring|FLIgnoreCase, PrSubject, PropVal{PrSubject, "x"}))},
		{PrRuleActions, mustUnhex("0100 0900 0a 00000000 00000000")},
		{NewTag(0x8001, PtMvUnicode), []string{"a", "b"}},
		{NewTag(0x8002, PtMvBinary), [][]byte{{1}, {}}},
		{NewTag(0x8003, PtClsid), testGUID},
		{NewTag(0x8004, PtDouble), 3.5},
		{NewTag(0x8005, PtError), EcNotFound},
		{NewTag(0x8006, PtUnspecified), TypedValue{PtShort, int16(3)}},
		{NewTag(0x8007, PtSvrEID), []byte{0, 1, 2}},
		{NewTag(0x8008, PtMvSysTime), []FileTime{1, 2}},
		{NewTag(0x8009, PtNull), nil},
	}
}

func TestPropValsRoundTrip(t *testing.T) {
	for _, flags := range []CodecFlags{CodecStore, CodecROP, CodecExmdb, CodecUTF16 | CodecWideCounts} {
		w := NewWriter(flags)
		pvs := samplePropVals()
		if err := w.PutPropVals(pvs); err != nil {
			t.Fatalf("flags %#x: %v", flags, err)
		}
		r := NewReader(w.Bytes(), flags)
		got, err := r.PropVals()
		if err != nil {
			t.Fatalf("flags %#x: %v", flags, err)
		}
		if err := r.End(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, pvs) {
			t.Fatalf("flags %#x: read %#v\nwant %#v", flags, got, pvs)
		}
		w.Reset()
		if err := w.PutLongPropVals(pvs); err != nil {
			t.Fatal(err)
		}
		if got, err := NewReader(w.Bytes(), flags).LongPropVals(); err != nil || !reflect.DeepEqual(got, pvs) {
			t.Fatalf("long form: %v", err)
		}
	}
}

func TestPropTagsWireForm(t *testing.T) {
	w := NewWriter(CodecROP)
	if err := w.PutPropTags([]PropTag{PrSubject, PrMessageFlags}); err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "0200 1f003700 0300070e")
	if !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("wrote %x, want %x", w.Bytes(), want)
	}
	tags, err := NewReader(want, CodecROP).PropTags()
	if err != nil || !reflect.DeepEqual(tags, []PropTag{PrSubject, PrMessageFlags}) {
		t.Fatalf("read %v, %v", tags, err)
	}
	w = NewWriter(0)
	_ = w.PutLongPropTags([]PropTag{PrSubject})
	if want := unhex(t, "01000000 1f003700"); !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("long form %x", w.Bytes())
	}
}

// TestPropRowWireForm follows MS-OXCDATA 2.8.1: a standard row is a 0x00
// flag and the values; a flagged row is 0x01 and a flag per value (0x00
// value, 0x01 not available, 0x0A error); a PT_UNSPECIFIED column puts the
// type first (FlaggedPropertyValueWithType, 2.11.6).
func TestPropRowWireForm(t *testing.T) {
	cols := []PropTag{PrSubject, PrImportance, NewTag(0x8001, PtUnspecified), PrBody, PrEntryID}
	row := PropRow{Flagged: true, Values: []PropVal{
		{PrSubject, "a"},
		{PrImportance.WithType(PtError), EcNotFound},
		{NewTag(0x8001, PtLong), int32(1)},
		{PrBody, nil},
		{PrEntryID, []byte{9}},
	}}
	want := unhex(t, "01"+
		"00 61000000"+
		"0a 0f010480"+
		"0300 00 01000000"+
		"01"+
		"00 0100 09")
	w := NewWriter(CodecROP)
	if err := w.PutPropRow(cols, row); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("wrote %x\n want %x", w.Bytes(), want)
	}
	got, err := NewReader(want, CodecROP).PropRow(cols)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, row) {
		t.Fatalf("read %#v\nwant %#v", got, row)
	}

	// Errors and absent values in a PT_UNSPECIFIED column of a flagged row.
	ucols := []PropTag{NewTag(0x8001, PtUnspecified), NewTag(0x8002, PtUnspecified)}
	urow := PropRow{Flagged: true, Values: []PropVal{
		{NewTag(0x8001, PtError), EcNotFound},
		{NewTag(0x8002, PtUnspecified), nil},
	}}
	w.Reset()
	if err := w.PutPropRow(ucols, urow); err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, "01 0a00 0a 0f010480 0000 01"); !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("wrote %x, want %x", w.Bytes(), want)
	}
	if got, err := NewReader(w.Bytes(), CodecROP).PropRow(ucols); err != nil || !reflect.DeepEqual(got, urow) {
		t.Fatalf("read %#v, %v", got, err)
	}

	// A standard row; an MVI column carries one instance.
	scols := []PropTag{PrImportance, NewTag(0x8003, PtMvUnicode|MvInstance), NewTag(0x8004, PtUnspecified)}
	srow := PropRow{Values: []PropVal{
		{PrImportance, int32(1)},
		{NewTag(0x8003, PtMvUnicode|MvInstance), "x"},
		{NewTag(0x8004, PtError), EcNotFound},
	}}
	w.Reset()
	if err := w.PutPropRow(scols, srow); err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, "00 01000000 78000000 0a00 0f010480"); !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("wrote %x, want %x", w.Bytes(), want)
	}
	if got, err := NewReader(w.Bytes(), CodecROP).PropRow(scols); err != nil || !reflect.DeepEqual(got, srow) {
		t.Fatalf("read %#v, %v", got, err)
	}
	// A standard row cannot say "absent".
	if err := NewWriter(CodecROP).PutPropRow([]PropTag{PrSubject}, PropRow{Values: []PropVal{{PrSubject, nil}}}); err == nil {
		t.Fatal("absent value in a standard row accepted")
	}
	if err := NewWriter(CodecROP).PutPropRow([]PropTag{PrSubject}, PropRow{}); err == nil {
		t.Fatal("row with too few values accepted")
	}
}

// TestPropertyNameWireForm follows MS-OXCDATA 2.6.1.
func TestPropertyNameWireForm(t *testing.T) {
	g := "0820060000000000c000000000000046"
	cases := []struct {
		flags CodecFlags
		n     PropName
		hex   string
	}{
		{CodecROP, NameByLID(PSETIDCommon, 0x8501), "00" + g + "01850000"},
		{CodecROP, NameByString(PSETIDCommon, "Ab"), "01" + g + "06 410062000000"},
		{CodecExmdb, NameByString(PSETIDCommon, "Ab"), "01" + g + "03 416200"},
		{CodecROP, PropName{GUID: PSETIDCommon, Kind: KindNone}, "ff" + g},
	}
	for _, c := range cases {
		w := NewWriter(c.flags)
		if err := w.PutPropertyName(c.n); err != nil {
			t.Fatal(err)
		}
		want := unhex(t, c.hex)
		if !bytes.Equal(w.Bytes(), want) {
			t.Errorf("%v: wrote %x, want %x", c.n, w.Bytes(), want)
		}
		got, err := NewReader(want, c.flags).PropertyName()
		if err != nil || got != c.n {
			t.Errorf("read %v, %v; want %v", got, err, c.n)
		}
	}
	// Bytes after the terminator within NameSize are skipped, as upstream does.
	n, err := NewReader(unhex(t, "01"+g+"06 6100 0000 ffff"), CodecROP).PropertyName()
	if err != nil || n.Name != "a" {
		t.Fatalf("got %v, %v", n, err)
	}
	if err := NewWriter(CodecROP).PutPropertyName(NameByString(PSETIDCommon, strings.Repeat("x", 128))); err == nil {
		t.Fatal("name of 258 bytes accepted")
	}
	w := NewWriter(CodecROP)
	names := []PropName{NameByLID(PSMAPI, 1), NameByString(PSPublicStrings, "Keywords")}
	if err := w.PutPropertyNames(names); err != nil {
		t.Fatal(err)
	}
	if got, err := NewReader(w.Bytes(), CodecROP).PropertyNames(); err != nil || !reflect.DeepEqual(got, names) {
		t.Fatalf("read %v, %v", got, err)
	}
}

// TestRestrictionWireForm pins each restriction kind (MS-OXCDATA 2.12).
func TestRestrictionWireForm(t *testing.T) {
	subj := "1f003700"
	cases := []struct {
		name  string
		flags CodecFlags
		r     *Restriction
		hex   string
	}{
		{"and", CodecROP, RestrictAnd(RestrictExist(PrSubject)), "00 0100 08" + subj},
		{"or wide", CodecExmdb, RestrictOr(RestrictExist(PrSubject)), "01 01000000 08" + subj},
		{"not", CodecROP, RestrictNot(RestrictExist(PrSubject)), "02 08" + subj},
		{"content", CodecROP, RestrictContent(FLSubstring|FLIgnoreCase, PrSubject, PropVal{PrSubject, "a"}),
			"03 01000100" + subj + subj + "61000000"},
		{"property", CodecROP, RestrictProperty(RelopGE, PrImportance, PropVal{PrImportance, int32(1)}),
			"04 03 03001700 03001700 01000000"},
		{"compareprops", CodecROP, RestrictCompareProps(RelopEQ, PrSubject, PrNormalizedSubject),
			"05 04" + subj + "1f001d0e"},
		{"bitmask", CodecROP, RestrictBitmask(BitmaskNEZ, PrMessageFlags, MsgFlagRead),
			"06 01 0300070e 01000000"},
		{"size", CodecROP, RestrictSize(RelopGT, PrBody, 10), "07 02 1f000010 0a000000"},
		{"exist", CodecROP, RestrictExist(PrSubject), "08" + subj},
		{"sub", CodecROP, RestrictSub(PrMessageRecipients, RestrictExist(PrSMTPAddress)),
			"09 0d00120e 08 1f00fe39"},
		{"comment", CodecROP, RestrictComment([]PropVal{{PrImportance, int32(1)}}, RestrictExist(PrSubject)),
			"0a 01 03001700 01000000 01 08" + subj},
		{"comment without restriction", CodecROP, RestrictComment([]PropVal{{PrImportance, int32(1)}}, nil),
			"0a 01 03001700 01000000 00"},
		{"annotation", CodecROP, &Restriction{Type: ResAnnotation, Comments: []PropVal{{PrImportance, int32(1)}}},
			"0c 01 03001700 01000000 00"},
		{"count", CodecROP, RestrictCount(3, RestrictExist(PrSubject)), "0b 03000000 08" + subj},
		{"null", CodecROP, &Restriction{Type: ResNull}, "ff"},
		{"abk absent comparand", CodecAddressBook | CodecUTF16,
			RestrictProperty(RelopEQ, PrDisplayName, PropVal{}), "04 04 1f000130 00"},
		{"abk comparand", CodecAddressBook | CodecUTF16,
			RestrictProperty(RelopEQ, PrDisplayName, PropVal{PrDisplayName, "a"}),
			"04 04 1f000130 ff 1f000130 ff 61000000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := NewWriter(c.flags)
			if err := w.PutRestriction(c.r); err != nil {
				t.Fatal(err)
			}
			want := unhex(t, c.hex)
			if !bytes.Equal(w.Bytes(), want) {
				t.Fatalf("wrote %x\n want %x", w.Bytes(), want)
			}
			r := NewReader(want, c.flags)
			got, err := r.Restriction()
			if err != nil {
				t.Fatal(err)
			}
			if r.Len() != 0 {
				t.Fatalf("%d bytes left", r.Len())
			}
			if !reflect.DeepEqual(got, c.r) {
				t.Fatalf("read %v, want %v", got, c.r)
			}
		})
	}
	if err := NewWriter(CodecROP).PutRestriction(RestrictComment(nil, nil)); err == nil {
		t.Error("comment restriction without values written")
	}
	if err := NewWriter(CodecROP).PutRestriction(&Restriction{Type: 0x42}); err == nil {
		t.Error("unknown restriction type written")
	}
}

// TestSortOrderSetWireForm follows MS-OXCDATA 2.13.
func TestSortOrderSetWireForm(t *testing.T) {
	s := SortOrderSet{
		Sorts: []SortOrder{
			{PrConversationTopic, SortAscend},
			{PrMessageDeliveryTime, SortMaximumCategory},
			{PrMessageDeliveryTime, SortDescend},
		},
		CategoryCount: 1, ExpandedCount: 1,
	}
	want := unhex(t, "0300 0100 0100 1f007000 00 4000060e 04 4000060e 01")
	w := NewWriter(CodecROP)
	if err := w.PutSortOrderSet(s); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("wrote %x, want %x", w.Bytes(), want)
	}
	got, err := NewReader(want, CodecROP).SortOrderSet()
	if err != nil || !reflect.DeepEqual(got, s) {
		t.Fatalf("read %v, %v", got, err)
	}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := NewWriter(CodecROP).PutSortOrderSet(SortOrderSet{Sorts: s.Sorts, CategoryCount: 1, ExpandedCount: 2}); err == nil {
		t.Fatal("expanded > categories accepted")
	}
	bad := SortOrderSet{Sorts: []SortOrder{{PrSubject, SortMaximumCategory}}}
	if err := bad.Validate(); err == nil {
		t.Fatal("extremum order without categories validated")
	}
	if err := (SortOrderSet{Sorts: []SortOrder{{PrSubject, 2}}}).Validate(); err == nil {
		t.Fatal("order byte 2 validated")
	}
}

func TestEncodeMV(t *testing.T) {
	b, err := EncodeMV(PtMvUnicode, []string{"a", "bc"})
	if err != nil || !bytes.Equal(b, unhex(t, "02000000 6100 626300")) {
		t.Fatalf("got %x, %v", b, err)
	}
	b, err = EncodeMV(PtClsid, testGUID)
	if err != nil || !bytes.Equal(b, testGUID[:]) {
		t.Fatalf("clsid %x, %v", b, err)
	}
	for _, pt := range []PropType{PtLong, PtUnicode, PtBinary, PtMvLong | MvInstance, 0x1fff} {
		if _, err := EncodeMV(pt, nil); err == nil {
			t.Errorf("EncodeMV(%v) accepted a type not stored as a blob", pt)
		}
		if _, err := DecodeMV(pt, nil); err == nil {
			t.Errorf("DecodeMV(%v) accepted a type not stored as a blob", pt)
		}
	}
	// A restriction blob uses 16-bit AND counts and UTF-8 strings.
	r := RestrictAnd(RestrictContent(FLPrefix, PrSubject, PropVal{PrSubject, "ä"}))
	b, err = EncodeMV(PtSRestriction, r)
	if err != nil || !bytes.Equal(b, unhex(t, "00 0100 03 02000000 1f003700 1f003700 c3a400")) {
		t.Fatalf("restriction blob %x, %v", b, err)
	}
	v, err := DecodeMV(PtSRestriction, b)
	if err != nil || !reflect.DeepEqual(v, r) {
		t.Fatalf("decoded %v, %v", v, err)
	}
	// Bytes after the value are ignored, as upstream does.
	v, err = DecodeMV(PtMvLong, unhex(t, "01000000 02000000 ff"))
	if err != nil || !reflect.DeepEqual(v, []int32{2}) {
		t.Fatalf("got %v, %v", v, err)
	}
	if _, err := DecodeMV(PtMvBinary, unhex(t, "01000000 0500 01")); !errors.Is(err, ErrTruncated) {
		t.Fatalf("truncated: %v", err)
	}
}

func TestFloatBits(t *testing.T) {
	w := NewWriter(0)
	if err := w.PutValue(PtDouble, math.Inf(-1)); err != nil {
		t.Fatal(err)
	}
	v, _ := NewReader(w.Bytes(), 0).Value(PtDouble)
	if v != math.Inf(-1) {
		t.Fatalf("got %v", v)
	}
}

func TestWriterPatch(t *testing.T) {
	w := NewWriter(CodecROP)
	w.PutUint16(0)
	w.PutUint32(0)
	w.SetUint16At(0, 0x0102)
	w.SetUint32At(2, 0x03040506)
	if !bytes.Equal(w.Bytes(), unhex(t, "0201 06050403")) {
		t.Fatalf("got %x", w.Bytes())
	}
}

func TestFixedWidthBinariesAndPresence(t *testing.T) {
	w := NewWriter(CodecExmdb) // wide counts must not affect the fixed forms
	if err := w.PutShortBinary([]byte{1}); err != nil {
		t.Fatal(err)
	}
	if err := w.PutLongBinary([]byte{2}); err != nil {
		t.Fatal(err)
	}
	w.PutPresent(true)
	w.PutPresent(false)
	if want := unhex(t, "0100 01 01000000 02 01 00"); !bytes.Equal(w.Bytes(), want) {
		t.Fatalf("wrote %x, want %x", w.Bytes(), want)
	}
	r := NewReader(w.Bytes(), CodecExmdb)
	a, err1 := r.ShortBinary()
	b, err2 := r.LongBinary()
	p1, err3 := r.Present()
	p2, err4 := r.Present()
	if err := errors.Join(err1, err2, err3, err4, r.End()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, []byte{1}) || !bytes.Equal(b, []byte{2}) || !p1 || p2 || r.Offset() != 10 || r.Flags() != CodecExmdb {
		t.Fatalf("read %x %x %v %v", a, b, p1, p2)
	}
	if err := NewReader([]byte{0}, 0).End(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("End with a byte left: %v", err)
	}
	if err := NewWriter(0).PutShortBinary(make([]byte, 1<<16)); err == nil {
		t.Fatal("65536 bytes with a 16-bit length")
	}
}
