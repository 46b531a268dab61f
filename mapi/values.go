package mapi

import (
	"errors"
	"fmt"
)

// TypedValue is the Go form of a PtUnspecified value: a value that carries
// its own type on the wire (MS-OXCDATA 2.11.3 TypedPropertyValue), as in a
// PropVal whose tag has type PtUnspecified. Type is never PtUnspecified.
type TypedValue struct {
	Type  PropType
	Value any
}

// ErrValueType is returned when a Go value does not have the form its
// property type asks for (see PropVal).
var ErrValueType = errors.New("mapi: value does not match its property type")

var propTypeNames = map[PropType]string{
	PtUnspecified:  "PT_UNSPECIFIED",
	PtNull:         "PT_NULL",
	PtShort:        "PT_SHORT",
	PtLong:         "PT_LONG",
	PtFloat:        "PT_FLOAT",
	PtDouble:       "PT_DOUBLE",
	PtCurrency:     "PT_CURRENCY",
	PtAppTime:      "PT_APPTIME",
	PtError:        "PT_ERROR",
	PtBoolean:      "PT_BOOLEAN",
	PtObject:       "PT_OBJECT",
	PtI8:           "PT_I8",
	PtString8:      "PT_STRING8",
	PtUnicode:      "PT_UNICODE",
	PtSysTime:      "PT_SYSTIME",
	PtClsid:        "PT_CLSID",
	PtSvrEID:       "PT_SVREID",
	PtSRestriction: "PT_SRESTRICTION",
	PtActions:      "PT_ACTIONS",
	PtBinary:       "PT_BINARY",
}

// String returns the MAPI name of the type, such as "PT_UNICODE" or
// "PT_MV_LONG"; an instance flag shows as "|MVI".
func (t PropType) String() string {
	name, ok := propTypeNames[t.Base()]
	if !ok {
		return fmt.Sprintf("PT_%#04x", uint16(t))
	}
	if t.IsMV() {
		name = "PT_MV_" + name[len("PT_"):]
	}
	if t&MvInstance != 0 {
		name += "|MVI"
	}
	return name
}

// IsString reports whether the base type is PtString8 or PtUnicode; the two
// are interchangeable for comparisons (the store keeps PT_STRING8 values
// as PT_UNICODE, reference §2.4).
func (t PropType) IsString() bool {
	b := t.Base()
	return b == PtString8 || b == PtUnicode
}

// valueFits reports whether v has the Go form documented on PropVal for
// type t (t without the instance flag). A nil v fits only PtNull.
func valueFits(t PropType, v any) bool {
	if t&MvInstance != 0 {
		if !t.IsMV() {
			return false
		}
		t = t.Base()
	}
	switch t {
	case PtNull:
		return v == nil
	case PtUnspecified:
		tv, ok := v.(TypedValue)
		return ok && tv.Type != PtUnspecified && tv.Type&MvInstance == 0 && valueFits(tv.Type, tv.Value)
	case PtShort:
		_, ok := v.(int16)
		return ok
	case PtLong:
		_, ok := v.(int32)
		return ok
	case PtFloat:
		_, ok := v.(float32)
		return ok
	case PtDouble, PtAppTime:
		_, ok := v.(float64)
		return ok
	case PtCurrency, PtI8:
		_, ok := v.(int64)
		return ok
	case PtError:
		_, ok := v.(ErrorCode)
		return ok
	case PtBoolean:
		_, ok := v.(bool)
		return ok
	case PtString8, PtUnicode:
		_, ok := v.(string)
		return ok
	case PtSysTime:
		_, ok := v.(FileTime)
		return ok
	case PtClsid:
		_, ok := v.(GUID)
		return ok
	case PtBinary, PtObject, PtSvrEID, PtActions:
		_, ok := v.([]byte)
		return ok
	case PtSRestriction:
		r, ok := v.(*Restriction)
		return ok && r != nil
	case PtMvShort:
		_, ok := v.([]int16)
		return ok
	case PtMvLong:
		_, ok := v.([]int32)
		return ok
	case PtMvFloat:
		_, ok := v.([]float32)
		return ok
	case PtMvDouble, PtMvAppTime:
		_, ok := v.([]float64)
		return ok
	case PtMvCurrency, PtMvI8:
		_, ok := v.([]int64)
		return ok
	case PtMvString8, PtMvUnicode:
		_, ok := v.([]string)
		return ok
	case PtMvSysTime:
		_, ok := v.([]FileTime)
		return ok
	case PtMvClsid:
		_, ok := v.([]GUID)
		return ok
	case PtMvBinary:
		_, ok := v.([][]byte)
		return ok
	}
	return false
}

// mvLen returns the number of elements of a multi-value Go form, or -1 if v
// is not one.
func mvLen(v any) int {
	switch s := v.(type) {
	case []int16:
		return len(s)
	case []int32:
		return len(s)
	case []float32:
		return len(s)
	case []float64:
		return len(s)
	case []int64:
		return len(s)
	case []string:
		return len(s)
	case []FileTime:
		return len(s)
	case []GUID:
		return len(s)
	case [][]byte:
		return len(s)
	}
	return -1
}

// mvElem returns element i of a multi-value Go form.
func mvElem(v any, i int) any {
	switch s := v.(type) {
	case []int16:
		return s[i]
	case []int32:
		return s[i]
	case []float32:
		return s[i]
	case []float64:
		return s[i]
	case []int64:
		return s[i]
	case []string:
		return s[i]
	case []FileTime:
		return s[i]
	case []GUID:
		return s[i]
	case [][]byte:
		return s[i]
	}
	return nil
}
