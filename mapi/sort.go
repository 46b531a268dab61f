package mapi

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"unicode"
	"unicode/utf8"
)

// SortDirection is the Order byte of a SortOrder (MS-OXCDATA 2.13.1).
type SortDirection uint8

const (
	SortAscend          SortDirection = 0x00 // TABLE_SORT_ASCEND
	SortDescend         SortDirection = 0x01 // TABLE_SORT_DESCEND
	SortMaximumCategory SortDirection = 0x04 // TABLE_SORT_MAXIMUM_CATEGORY
	SortMinimumCategory SortDirection = 0x08 // TABLE_SORT_MINIMUM_CATEGORY
)

// SortOrder is one sort key of a table: a column and its order. A tag with
// the instance flag sorts a table expanded on that multi-value column.
type SortOrder struct {
	Tag   PropTag
	Order SortDirection
}

// SortOrderSet is the sort order of a table (MS-OXCDATA 2.13.2): the first
// CategoryCount sorts are category columns, of which the first
// ExpandedCount are expanded.
type SortOrderSet struct {
	Sorts         []SortOrder
	CategoryCount uint16
	ExpandedCount uint16
}

// Validate checks the counts (ExpandedCount <= CategoryCount <= number of
// sorts) and the order bytes. A minimum or maximum category order orders
// the categories above it by the extremum of its column (MAPI SSortOrder),
// so it must come right after the category columns, as upstream's
// RopSortTable requires (exch/emsmdb/oxctabl.cpp).
func (s SortOrderSet) Validate() error {
	if int(s.CategoryCount) > len(s.Sorts) || s.ExpandedCount > s.CategoryCount {
		return fmt.Errorf("mapi: sort order counts %d/%d/%d: %w", len(s.Sorts), s.CategoryCount, s.ExpandedCount, ErrMalformed)
	}
	for i, so := range s.Sorts {
		switch so.Order {
		case SortAscend, SortDescend:
		case SortMaximumCategory, SortMinimumCategory:
			if s.CategoryCount == 0 || i != int(s.CategoryCount) {
				return fmt.Errorf("mapi: extremum sort order at position %d with %d categories: %w", i, s.CategoryCount, ErrMalformed)
			}
		default:
			return fmt.Errorf("mapi: sort order %#x: %w", uint8(so.Order), ErrMalformed)
		}
	}
	return nil
}

// CompareRows orders two rows by the sort keys in turn: Compare on each
// column, reversed for SortDescend. Minimum and maximum category orders
// compare ascending here; ordering categories by an extremum is the
// table's work.
func (s SortOrderSet) CompareRows(a, b Row) int {
	for _, so := range s.Sorts {
		va, _ := lookup(a, so.Tag)
		vb, _ := lookup(b, so.Tag)
		c := Compare(va, vb, so.Tag.Type())
		if c != 0 {
			if so.Order == SortDescend {
				return -c
			}
			return c
		}
	}
	return 0
}

// Compare orders two values of type t and returns -1, 0 or +1. It is the
// order both sorting and restrictions use:
//   - An absent value (nil), or one without the Go form of t, sorts before
//     every value and equals another absent one (EXC2019 behaviour that
//     upstream copies: db_engine_compare_propval).
//   - Integers, times and currency compare as signed numbers (MAPI's
//     PT_SHORT, PT_LONG and PT_I8 are signed; upstream compares the single
//     values unsigned, which differs for negative values only).
//     PT_ERROR compares unsigned, PT_BOOLEAN false before true.
//   - Floats compare numerically; NaN sorts before every number and equals
//     NaN (upstream fpcompare).
//   - Strings (PT_STRING8 and PT_UNICODE alike) compare case-insensitively
//     by lower-cased code points: for ASCII this is upstream's strcasecmp
//     and SQLite's NOCASE, and it folds other scripts too.
//   - Binaries (and PT_OBJECT, PT_SVREID, PT_ACTIONS) compare by length
//     first, then bytewise (EXC2019 behaviour, upstream BINARY <=>).
//   - GUIDs compare by their fields Data1, Data2, Data3 as numbers, then
//     Data4 bytewise.
//   - Multi-values compare by count first, then element by element.
//   - A type with the instance flag compares single instance values.
//
// Restrictions (PT_SRESTRICTION) all compare equal.
func Compare(a, b any, t PropType) int {
	if t&MvInstance != 0 {
		t = t.Base()
	}
	aok := a != nil && valueFits(t, a)
	bok := b != nil && valueFits(t, b)
	if !aok || !bok {
		switch {
		case aok:
			return 1
		case bok:
			return -1
		}
		return 0
	}
	switch t {
	case PtUnspecified:
		x, y := a.(TypedValue), b.(TypedValue)
		if c := cmp.Compare(x.Type, y.Type); c != 0 {
			return c
		}
		return Compare(x.Value, y.Value, x.Type)
	case PtShort:
		return cmp.Compare(a.(int16), b.(int16))
	case PtLong:
		return cmp.Compare(a.(int32), b.(int32))
	case PtError:
		return cmp.Compare(a.(ErrorCode), b.(ErrorCode))
	case PtBoolean:
		return compareBool(a.(bool), b.(bool))
	case PtCurrency, PtI8:
		return cmp.Compare(a.(int64), b.(int64))
	case PtSysTime:
		return cmp.Compare(int64(a.(FileTime)), int64(b.(FileTime)))
	case PtFloat:
		return compareFloat(float64(a.(float32)), float64(b.(float32)))
	case PtDouble, PtAppTime:
		return compareFloat(a.(float64), b.(float64))
	case PtString8, PtUnicode:
		return CompareStrings(a.(string), b.(string))
	case PtClsid:
		return compareGUID(a.(GUID), b.(GUID))
	case PtBinary, PtObject, PtSvrEID, PtActions:
		return compareBinary(a.([]byte), b.([]byte))
	}
	if t.IsMV() {
		na, nb := mvLen(a), mvLen(b)
		if c := cmp.Compare(na, nb); c != 0 {
			return c
		}
		for i := range na {
			if c := Compare(mvElem(a, i), mvElem(b, i), t.Base()); c != 0 {
				return c
			}
		}
	}
	return 0
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func compareFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	return cmp.Compare(a, b)
}

func compareGUID(a, b GUID) int {
	if c := cmp.Compare(binary.LittleEndian.Uint32(a[0:]), binary.LittleEndian.Uint32(b[0:])); c != 0 {
		return c
	}
	if c := cmp.Compare(binary.LittleEndian.Uint16(a[4:]), binary.LittleEndian.Uint16(b[4:])); c != 0 {
		return c
	}
	if c := cmp.Compare(binary.LittleEndian.Uint16(a[6:]), binary.LittleEndian.Uint16(b[6:])); c != 0 {
		return c
	}
	return bytes.Compare(a[8:], b[8:])
}

func compareBinary(a, b []byte) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return bytes.Compare(a, b)
}

// CompareStrings compares two strings case-insensitively (see Compare).
// Bytes that are not UTF-8 compare by value, after all code points.
func CompareStrings(a, b string) int {
	for a != "" && b != "" {
		ra, na := foldRuneAt(a)
		rb, nb := foldRuneAt(b)
		if ra != rb {
			return cmp.Compare(ra, rb)
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

// foldRuneAt decodes the first rune of s and lower-cases it; an invalid
// byte becomes a value above every code point.
func foldRuneAt(s string) (rune, int) {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n == 1 {
		return unicode.MaxRune + 1 + rune(s[0]), 1
	}
	return unicode.ToLower(r), n
}
