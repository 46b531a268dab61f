package mapi

import (
	"math"
	"slices"
	"testing"
)

func TestCompare(t *testing.T) {
	nan := math.NaN()
	g1 := MustGUID("00000001-0000-0000-0000-000000000000")
	g2 := MustGUID("00000100-0000-0000-0000-000000000000") // Data1 larger, first byte smaller
	tests := []struct {
		name string
		t    PropType
		a, b any
		want int
	}{
		{"absent first", PtLong, nil, int32(math.MinInt32), -1},
		{"absent last", PtLong, int32(0), nil, 1},
		{"both absent", PtUnicode, nil, nil, 0},
		{"wrong go type is absent", PtLong, int64(5), int32(0), -1},
		{"short signed", PtShort, int16(-1), int16(1), -1},
		{"long signed", PtLong, int32(-1), int32(1), -1},
		{"i8 signed", PtI8, int64(-1), int64(1), -1},
		{"currency", PtCurrency, int64(3), int64(3), 0},
		{"error unsigned", PtError, EcNotFound, EcSuccess, 1},
		{"systime", PtSysTime, FileTime(2), FileTime(1), 1},
		{"bool", PtBoolean, false, true, -1},
		{"float", PtFloat, float32(1.5), float32(2.5), -1},
		{"double", PtDouble, 2.0, 1.0, 1},
		{"apptime", PtAppTime, 1.0, 1.0, 0},
		{"nan first", PtDouble, nan, math.Inf(-1), -1},
		{"nan equals nan", PtDouble, nan, nan, 0},
		{"string case-insensitive", PtUnicode, "ABC", "abc", 0},
		{"string order folds case", PtUnicode, "apple", "Banana", -1},
		{"string prefix shorter", PtUnicode, "abc", "ABCD", -1},
		{"string8 same rules", PtString8, "Zed", "alpha", 1},
		{"underscore vs letter like strcasecmp", PtUnicode, "_x", "Ax", -1},
		{"non-ascii folds", PtUnicode, "Äpfel", "äpfel", 0},
		{"binary length first", PtBinary, []byte{0xff}, []byte{0, 0}, -1},
		{"binary bytes", PtBinary, []byte{1, 2}, []byte{1, 3}, -1},
		{"object as binary", PtObject, []byte{}, []byte{}, 0},
		{"guid by fields", PtClsid, g1, g2, -1},
		{"mv count first", PtMvLong, []int32{9}, []int32{1, 1}, -1},
		{"mv elements", PtMvLong, []int32{1, 2}, []int32{1, 3}, -1},
		{"mv strings fold", PtMvUnicode, []string{"A"}, []string{"a"}, 0},
		{"mvi compares instances", PtMvUnicode | MvInstance, "b", "A", 1},
		{"typed values by type", PtUnspecified, TypedValue{PtShort, int16(9)}, TypedValue{PtLong, int32(1)}, -1},
		{"typed values by value", PtUnspecified, TypedValue{PtLong, int32(1)}, TypedValue{PtLong, int32(2)}, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Compare(tc.a, tc.b, tc.t); got != tc.want {
				t.Fatalf("Compare(%#v, %#v, %v) = %d, want %d", tc.a, tc.b, tc.t, got, tc.want)
			}
			if got := Compare(tc.b, tc.a, tc.t); got != -tc.want {
				t.Fatalf("reversed: %d, want %d", got, -tc.want)
			}
		})
	}
}

func TestCompareStringsInvalidUTF8(t *testing.T) {
	if CompareStrings("a\xff", "a\xfe") != 1 || CompareStrings("\xff", "z") != 1 {
		t.Fatal("invalid bytes must compare by value after code points")
	}
}

func TestSortRows(t *testing.T) {
	rows := []Row{
		PropValRow{Vals: []PropVal{{PrSubject, "b"}, {PrMessageDeliveryTime, FileTime(1)}}},
		PropValRow{Vals: []PropVal{{PrSubject, "A"}, {PrMessageDeliveryTime, FileTime(5)}}},
		PropValRow{Vals: []PropVal{{PrMessageDeliveryTime, FileTime(3)}}},
		PropValRow{Vals: []PropVal{{PrSubject, "a"}, {PrMessageDeliveryTime, FileTime(7)}}},
	}
	set := SortOrderSet{Sorts: []SortOrder{{PrSubject, SortAscend}, {PrMessageDeliveryTime, SortDescend}}}
	slices.SortStableFunc(rows, set.CompareRows)
	var got []FileTime
	for _, r := range rows {
		v, _ := r.Get(PrMessageDeliveryTime)
		got = append(got, v.(FileTime))
	}
	// No subject first; "A" and "a" tie, then the later delivery first.
	if want := []FileTime{3, 7, 5, 1}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	// A PT_STRING8 sort key finds the PT_UNICODE value.
	set8 := SortOrderSet{Sorts: []SortOrder{{PrSubjectA, SortDescend}}}
	if set8.CompareRows(rows[1], rows[3]) <= 0 {
		t.Fatal(`descending: "b" must come before "A"`)
	}
}

func TestCompareGUIDFields(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"00000001-0002-0000-0000-000000000000", "00000001-0001-0000-0000-000000000000", 1},
		{"00000001-0001-0002-0000-000000000000", "00000001-0001-0001-0000-000000000000", 1},
		{"00000001-0001-0001-0000-000000000001", "00000001-0001-0001-0000-000000000002", -1},
		{"00000001-0001-0001-0000-000000000001", "00000001-0001-0001-0000-000000000001", 0},
	} {
		if got := Compare(MustGUID(c.a), MustGUID(c.b), PtClsid); got != c.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
	if Compare([]GUID{MustGUID(testGUID.String())}, []GUID{testGUID}, PtMvClsid) != 0 {
		t.Error("equal GUID arrays")
	}
}
