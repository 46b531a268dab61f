package tnef_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/tnef"
	tt "github.com/gromox-go/gromox/mapi/tnef/tneftest"
)

// FuzzDecode checks that no input panics, that decoding is deterministic,
// and that what Decode returns is what the package promises: values of
// the form their tag's type asks for, no PT_STRING8, no named property
// left with a stream-local id, embedded messages only on attachments with
// PR_ATTACH_METHOD 5, no nesting beyond MaxDepth.
func FuzzDecode(f *testing.F) {
	inner := tt.New().Attr(msg, tnef.AttSubject, tt.String8("inner")).
		Attr(att, tnef.AttAttachRendData, tt.RendData(1, 0)).Attr(att, tnef.AttAttachData, []byte("x")).Bytes()
	for _, seed := range [][]byte{
		tt.New().Bytes(),
		tt.New().Attr(msg, tnef.AttOemCodepage, append(tt.U32(1252), tt.U32(0)...)).
			Attr(msg, tnef.AttSubject, tt.String8("s")).Attr(msg, tnef.AttBody, []byte("b")).
			Attr(msg, tnef.AttFrom, tt.From("A", "SMTP", "a@b")).Attr(msg, tnef.AttDateSent, make([]byte, 14)).
			Attr(msg, tnef.AttPriority, tt.U16(1)).Attr(msg, tnef.AttMessageStatus, []byte{0x20}).Bytes(),
		tt.New().Attr(msg, tnef.AttMsgProps, (&tt.Props{}).
			Add(mapi.PrSubject, "s").Add(mapi.NewTag(0x6700, mapi.PtMvBinary), [][]byte{{1}, {}}).
			Add(mapi.NewTag(0x6701, mapi.PtMvString8), []string{"a"}).Add(mapi.NewTag(0x6702, mapi.PtClsid), mapi.GUID{}).
			AddNamed(mapi.NewTag(0x8000, mapi.PtLong), mapi.NameByString(mapi.PSPublicStrings, "k"), int32(1)).
			Bytes()).Bytes(),
		tt.New().Attr(msg, tnef.AttRecipTable, tt.RecipTable((&tt.Props{}).Add(mapi.PrDisplayName, "r"))).Bytes(),
		embedded("outer", inner),
		embedded("outer", embedded("middle", inner)),
		tt.New().AttrSum(msg, tnef.AttSubject, []byte("x"), 0).Raw([]byte{1, 2, 3}).Bytes(),
	} {
		f.Add(seed)
	}
	resolve := func(names []mapi.PropName) ([]uint16, error) {
		ids := make([]uint16, len(names))
		for i, n := range names {
			ids[i] = 0x9000 + uint16(n.LID%16)
			if n.Kind == mapi.MnidString {
				ids[i] = 0xa000 + uint16(len(n.Name)%16)
			}
		}
		return ids, nil
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, opt := range []tnef.Options{{MaxDepth: fuzzDepth}, {MaxDepth: fuzzDepth, NamedProps: resolve}} {
			m1, err1 := tnef.Decode(b, opt)
			m2, err2 := tnef.Decode(b, opt)
			if err1 == nil {
				checkMessage(t, m1, opt.NamedProps != nil, 0)
			}
			unNaN(m1)
			unNaN(m2)
			if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(m1, m2) {
				t.Fatalf("not deterministic: %v / %v", err1, err2)
			}
			if err1 != nil {
				if m1 != nil {
					t.Fatalf("message with error %v", err1)
				}
				if !errors.Is(err1, tnef.ErrNotTNEF) && !errors.Is(err1, tnef.ErrCorrupt) && !errors.Is(err1, tnef.ErrTooLarge) {
					t.Fatalf("error of no kind: %v", err1)
				}
				continue
			}
		}
	})
}

func checkMessage(t *testing.T, m *tnef.Message, named bool, level int) {
	t.Helper()
	if level > fuzzDepth {
		t.Fatalf("nesting %d beyond MaxDepth", level)
	}
	checkProps(t, m.Props, named)
	for _, r := range m.Recipients {
		checkProps(t, r, named)
	}
	for _, a := range m.Attachments {
		checkProps(t, a.Props, named)
		if a.Embedded != nil {
			if get(a.Props, mapi.PrAttachMethod) != int32(mapi.AttachEmbeddedMsg) {
				t.Fatalf("embedded message without method 5: %v", a.Props)
			}
			if a.Embedded.Problems != nil {
				t.Fatalf("problems on a nested message")
			}
			checkMessage(t, a.Embedded, named, level+1)
		}
	}
}

// fuzzDepth is the MaxDepth of the fuzzed decodes.
const fuzzDepth = 3

func checkProps(t *testing.T, l []mapi.PropVal, named bool) {
	t.Helper()
	w := mapi.NewWriter(mapi.CodecExmdb)
	for _, v := range l {
		if v.Tag.Type().Base() == mapi.PtString8 {
			t.Fatalf("PT_STRING8 returned: %v", v.Tag)
		}
		if v.Tag.IsNamed() && (!named || v.Tag.ID() < 0x9000) {
			t.Fatalf("named property %v with a stream-local id", v.Tag)
		}
		if err := w.PutPropVal(v); errors.Is(err, mapi.ErrValueType) {
			t.Fatalf("%v: %T does not fit its type", v.Tag, v.Value)
		}
	}
}

// unNaN replaces NaN floating-point values (which are never equal to
// themselves, so reflect.DeepEqual reports two identical decodes as
// different) by a marker.
func unNaN(m *tnef.Message) {
	if m == nil {
		return
	}
	fix := func(props []mapi.PropVal) {
		for i, p := range props {
			switch v := p.Value.(type) {
			case float32:
				if v != v {
					props[i].Value = "NaN"
				}
			case float64:
				if v != v {
					props[i].Value = "NaN"
				}
			case []float32:
				for _, x := range v {
					if x != x {
						props[i].Value = "NaN"
					}
				}
			case []float64:
				for _, x := range v {
					if x != x {
						props[i].Value = "NaN"
					}
				}
			}
		}
	}
	fix(m.Props)
	for _, r := range m.Recipients {
		fix(r)
	}
	for _, a := range m.Attachments {
		fix(a.Props)
		unNaN(a.Embedded)
	}
}
