package tnef_test

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/tnef"
	tt "github.com/gromox-go/gromox/mapi/tnef/tneftest"
)

const (
	msg = tnef.LevelMessage
	att = tnef.LevelAttachment
)

var prRTFCompressed = mapi.NewTag(0x1009, mapi.PtBinary) // PR_RTF_COMPRESSED

func get(l []mapi.PropVal, tag mapi.PropTag) any {
	for _, v := range l {
		if v.Tag == tag {
			return v.Value
		}
	}
	return nil
}

func decode(t *testing.T, b []byte, opt tnef.Options) *tnef.Message {
	t.Helper()
	m, err := tnef.Decode(b, opt)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return m
}

// resolver maps names to ids 0x8100, 0x8101, ... in the order first seen,
// recording every call.
type resolver struct {
	ids   map[mapi.PropName]uint16
	calls [][]mapi.PropName
}

func (r *resolver) resolve(names []mapi.PropName) ([]uint16, error) {
	if r.ids == nil {
		r.ids = map[mapi.PropName]uint16{}
	}
	r.calls = append(r.calls, names)
	out := make([]uint16, len(names))
	for i, n := range names {
		id, ok := r.ids[n]
		if !ok {
			id = 0x8100 + uint16(len(r.ids))
			r.ids[n] = id
		}
		out[i] = id
	}
	return out, nil
}

func TestMessageAttributes(t *testing.T) {
	sent := time.Date(2004, 2, 17, 11, 25, 35, 0, time.UTC)
	cases := []struct {
		name string
		id   uint32
		data []byte
		tag  mapi.PropTag
		want any
	}{
		{"subject", tnef.AttSubject, tt.String8("Simple subject"), mapi.PrSubject, "Simple subject"},
		{"body", tnef.AttBody, []byte("line 1\r\nline 2"), mapi.PrBody, "line 1\r\nline 2"},
		{"class legacy note", tnef.AttMessageClass, tt.String8("IPM.Microsoft Mail.Note"), mapi.PrMessageClass, "IPM.Note"},
		{"class legacy meeting", tnef.AttMessageClass, tt.String8("IPM.Microsoft Schedule.MtgReq"), mapi.PrMessageClass, "IPM.Schedule.Meeting.Request"},
		{"class MAPI", tnef.AttMessageClass, tt.String8("IPM.Contact"), mapi.PrMessageClass, "IPM.Contact"},
		{"class v3.0 prefix", tnef.AttMessageClass, tt.String8("Microsoft Mail v3.0 IPM.Microsoft Mail.Read Receipt"),
			mapi.PrMessageClass, "Report.IPM.Note.IPNRN"},
		{"original class", tnef.AttOriginalMessageClass, tt.String8("IPM.Microsoft Schedule.MtgCncl"),
			mapi.NewTag(0x004B, mapi.PtUnicode), "IPM.Schedule.Meeting.Canceled"},
		{"date sent", tnef.AttDateSent, tt.Date(sent), mapi.PrClientSubmitTime, mapi.FileTimeOf(sent)},
		{"date received", tnef.AttDateRecd, tt.Date(sent), mapi.PrMessageDeliveryTime, mapi.FileTimeOf(sent)},
		{"date modified", tnef.AttDateModified, tt.Date(sent), mapi.PrLastModificationTime, mapi.FileTimeOf(sent)},
		{"date start", tnef.AttDateStart, tt.Date(sent), mapi.NewTag(0x0060, mapi.PtSysTime), mapi.FileTimeOf(sent)},
		{"date end", tnef.AttDateEnd, tt.Date(sent), mapi.NewTag(0x0061, mapi.PtSysTime), mapi.FileTimeOf(sent)},
		{"response requested", tnef.AttRequestRes, tt.U16(1), mapi.NewTag(0x0063, mapi.PtBoolean), true},
		{"priority high", tnef.AttPriority, tt.U16(1), mapi.PrImportance, int32(2)},
		{"priority normal", tnef.AttPriority, tt.U16(2), mapi.PrImportance, int32(1)},
		{"priority low", tnef.AttPriority, tt.U16(3), mapi.PrImportance, int32(0)},
		{"status read local", tnef.AttMessageStatus, []byte{0x20 | 0x02}, mapi.PrMessageFlags,
			int32(mapi.MsgFlagRead | mapi.MsgFlagUnmodified | mapi.MsgFlagUnsent)},
		{"status modified attach", tnef.AttMessageStatus, []byte{0x01 | 0x80}, mapi.PrMessageFlags, int32(mapi.MsgFlagHasAttach)},
		{"message id", tnef.AttMessageID, tt.String8("757BB19CDE936A40"), mapi.PrSearchKey,
			[]byte{0x75, 0x7b, 0xb1, 0x9c, 0xde, 0x93, 0x6a, 0x40}},
		{"from name", tnef.AttFrom, tt.From("Alice Example", "SMTP", "alice@example.com"), mapi.PrSenderName, "Alice Example"},
		{"from type", tnef.AttFrom, tt.From("Alice Example", "SMTP", "alice@example.com"), mapi.PrSenderAddrType, "SMTP"},
		{"from address", tnef.AttFrom, tt.From("Alice", "SMTP", "alice@example.com"), mapi.PrSenderEmailAddress, "alice@example.com"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := decode(t, tt.New().Attr(msg, c.id, c.data).Bytes(), tnef.Options{})
			if got := get(m.Props, c.tag); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%v = %#v, want %#v", c.tag, got, c.want)
			}
			if len(m.Problems) != 0 {
				t.Errorf("problems: %v", m.Problems)
			}
		})
	}
}

func TestFromEntryID(t *testing.T) {
	m := decode(t, tt.New().Attr(msg, tnef.AttFrom, tt.From("Alice", "SMTP", "alice@example.com")).Bytes(), tnef.Options{})
	eid, _ := get(m.Props, mapi.PrSenderEntryID).([]byte)
	o, err := mapi.ParseOneOffEntryID(eid)
	if err != nil {
		t.Fatalf("PR_SENDER_ENTRYID %x: %v", eid, err)
	}
	if o.DisplayName != "Alice" || o.AddressType != "SMTP" || o.Address != "alice@example.com" {
		t.Errorf("one-off %+v", o)
	}
}

func TestCodepage(t *testing.T) {
	// "Привет" in Windows-1251, and "Bodø" in Windows-1252.
	cp1251 := []byte{0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0}
	b := tt.New().
		Attr(msg, tnef.AttOemCodepage, append(tt.U32(1251), tt.U32(0)...)).
		Attr(msg, tnef.AttSubject, cp1251).
		Attr(msg, tnef.AttMsgProps, (&tt.Props{}).Add(mapi.PrBody.WithType(mapi.PtString8), string(cp1251[:6])).Bytes()).
		Bytes()
	m := decode(t, b, tnef.Options{})
	if got := get(m.Props, mapi.PrSubject); got != "Привет" {
		t.Errorf("subject %q", got)
	}
	if got := get(m.Props, mapi.PrBody); got != "Привет" {
		t.Errorf("PT_STRING8 body %q (want it as PT_UNICODE)", got)
	}
	// Without attOemCodepage the stream's code page is 437.
	m = decode(t, tt.New().Attr(msg, tnef.AttSubject, []byte{0x81, 0}).Bytes(), tnef.Options{})
	if got := get(m.Props, mapi.PrSubject); got != "ü" {
		t.Errorf("code page 437 subject %q", got)
	}
}

func TestAttachmentAttributes(t *testing.T) {
	created := time.Date(2020, 5, 6, 7, 8, 9, 0, time.UTC)
	b := tt.New().
		Attr(msg, tnef.AttSubject, tt.String8("with files")).
		Attr(att, tnef.AttAttachRendData, tt.RendData(1, 0xffffffff)).
		Attr(att, tnef.AttAttachTitle, tt.String8("REPORT~1.PDF")).
		Attr(att, tnef.AttAttachCreateDate, tt.Date(created)).
		Attr(att, tnef.AttAttachModifyDate, tt.Date(created)).
		Attr(att, tnef.AttAttachData, []byte("%PDF-1.4 ...")).
		Attr(att, tnef.AttAttachMetaFile, []byte("WMF")).
		Attr(att, tnef.AttAttachTransportFilename, tt.String8("report.pdf")).
		Attr(att, tnef.AttAttachment, (&tt.Props{}).
			Add(mapi.PrAttachLongFilename, "Quarterly report.pdf").
			Add(mapi.PrAttachMIMETag, "application/pdf").Bytes()).
		Attr(att, tnef.AttAttachRendData, tt.RendData(2, 5)).
		Attr(att, tnef.AttAttachData, []byte{0xd0, 0xcf, 0x11, 0xe0}).
		Attr(att, tnef.AttAttachRendData, tt.RendData(1, 7)).
		Attr(att, tnef.AttAttachTitle, tt.String8("NOTES.TXT")).
		Attr(att, tnef.AttAttachData, []byte("notes")).
		Bytes()
	m := decode(t, b, tnef.Options{})
	if len(m.Attachments) != 3 {
		t.Fatalf("%d attachments", len(m.Attachments))
	}
	a := m.Attachments[0].Props
	for _, c := range []struct {
		tag  mapi.PropTag
		want any
	}{
		{mapi.PrAttachMethod, int32(mapi.AttachByValue)},
		{mapi.PrRenderingPosition, int32(-1)},
		{mapi.PrAttachFilename, "REPORT~1.PDF"},
		{mapi.PrAttachLongFilename, "Quarterly report.pdf"},
		{mapi.PrAttachExtension, ".pdf"},
		{mapi.PrAttachMIMETag, "application/pdf"},
		{mapi.PrAttachDataBin, []byte("%PDF-1.4 ...")},
		{mapi.PrAttachRendering, []byte("WMF")},
		{mapi.PrAttachTransportName, "report.pdf"},
		{mapi.PrCreationTime, mapi.FileTimeOf(created)},
		{mapi.PrLastModificationTime, mapi.FileTimeOf(created)},
	} {
		if got := get(a, c.tag); !reflect.DeepEqual(got, c.want) {
			t.Errorf("attachment 0 %v = %#v, want %#v", c.tag, got, c.want)
		}
	}
	ole := m.Attachments[1].Props
	if get(ole, mapi.PrAttachMethod) != int32(mapi.AttachOLE) || !bytes.Equal(get(ole, mapi.PrAttachDataObj).([]byte), []byte{0xd0, 0xcf, 0x11, 0xe0}) {
		t.Errorf("OLE attachment %v", ole)
	}
	txt := m.Attachments[2].Props
	if get(txt, mapi.PrAttachLongFilename) != "NOTES.TXT" || get(txt, mapi.PrAttachExtension) != ".TXT" {
		t.Errorf("a title without a long name gives the long name: %v", txt)
	}
	if get(m.Props, mapi.PrSubject) != "with files" {
		t.Errorf("subject %v", get(m.Props, mapi.PrSubject))
	}
}

func TestPropertyTypes(t *testing.T) {
	g := mapi.MustGUID("01020304-0506-0708-090a-0b0c0d0e0f10")
	ft := mapi.FileTimeOf(time.Date(2021, 1, 2, 3, 4, 5, 0, time.UTC))
	id := func(n uint16, typ mapi.PropType) mapi.PropTag { return mapi.NewTag(0x6700+n, typ) }
	cases := []struct {
		tag     mapi.PropTag
		in      any
		wantTag mapi.PropTag
		want    any
	}{
		{id(1, mapi.PtShort), int16(-2), 0, nil},
		{id(2, mapi.PtLong), int32(-70000), 0, nil},
		{id(3, mapi.PtFloat), float32(1.5), 0, nil},
		{id(4, mapi.PtDouble), 2.25, 0, nil},
		{id(5, mapi.PtCurrency), int64(123456789), 0, nil},
		{id(6, mapi.PtAppTime), 40000.5, 0, nil},
		{id(7, mapi.PtBoolean), true, 0, nil},
		{id(8, mapi.PtBoolean), false, 0, nil},
		{id(9, mapi.PtI8), int64(-1 << 40), 0, nil},
		{id(10, mapi.PtUnicode), "naïve ☃", 0, nil},
		{id(11, mapi.PtString8), "plain", id(11, mapi.PtUnicode), "plain"},
		{id(12, mapi.PtSysTime), ft, 0, nil},
		{id(13, mapi.PtClsid), g, 0, nil},
		{id(14, mapi.PtBinary), []byte{1, 2, 3, 4, 5}, 0, nil},
		{id(15, mapi.PtBinary), []byte{}, 0, nil},
		{id(16, mapi.PtMvShort), []int16{1, -1, 3}, 0, nil},
		{id(17, mapi.PtMvLong), []int32{7, 8}, 0, nil},
		{id(18, mapi.PtMvFloat), []float32{0.5}, 0, nil},
		{id(19, mapi.PtMvDouble), []float64{1, 2}, 0, nil},
		{id(20, mapi.PtMvCurrency), []int64{5}, 0, nil},
		{id(21, mapi.PtMvAppTime), []float64{3}, 0, nil},
		{id(22, mapi.PtMvI8), []int64{1 << 50, 2}, 0, nil},
		{id(23, mapi.PtMvUnicode), []string{"a", "bcd", ""}, 0, nil},
		{id(24, mapi.PtMvString8), []string{"x", "yz"}, id(24, mapi.PtMvUnicode), []string{"x", "yz"}},
		{id(25, mapi.PtMvSysTime), []mapi.FileTime{ft, ft + 1}, 0, nil},
		{id(26, mapi.PtMvClsid), []mapi.GUID{g, {}}, 0, nil},
		{id(27, mapi.PtMvBinary), [][]byte{{1}, {2, 3, 4, 5, 6}, {}}, 0, nil},
		{id(28, mapi.PtMvLong), []int32{}, 0, nil},
	}
	p := &tt.Props{}
	for _, c := range cases {
		p.Add(c.tag, c.in)
	}
	// PT_ERROR values are dropped.
	p.Add(mapi.NewTag(0x6750, mapi.PtError), mapi.ErrorCode(0x8004010f))
	m := decode(t, tt.New().Attr(msg, tnef.AttMsgProps, p.Bytes()).Bytes(), tnef.Options{})
	if len(m.Props) != len(cases) {
		t.Errorf("%d properties, want %d: %v", len(m.Props), len(cases), m.Props)
	}
	for _, c := range cases {
		tag, want := c.tag, c.in
		if c.wantTag != 0 {
			tag, want = c.wantTag, c.want
		}
		if got := get(m.Props, tag); !reflect.DeepEqual(got, want) {
			t.Errorf("%v = %#v, want %#v", tag, got, want)
		}
	}
}

func TestNamedProperties(t *testing.T) {
	byLID := mapi.NameByLID(mapi.PSETIDCommon, 0x8580)
	byName := mapi.NameByString(mapi.PSPublicStrings, "Keywords")
	block := (&tt.Props{}).
		AddNamed(mapi.NewTag(0x8000, mapi.PtLong), byLID, int32(42)).
		Add(mapi.PrSubject, "plain").
		AddNamed(mapi.NewTag(0x8001, mapi.PtMvUnicode), byName, []string{"red", "blue"}).
		AddNamed(mapi.NewTag(0x8002, mapi.PtString8), byName, "odd"). // same name, other local id
		Bytes()
	stream := tt.New().Attr(msg, tnef.AttMsgProps, block).Bytes()

	r := &resolver{}
	m := decode(t, stream, tnef.Options{NamedProps: r.resolve})
	if len(r.calls) != 1 || !reflect.DeepEqual(r.calls[0], []mapi.PropName{byLID, byName, byName}) {
		t.Errorf("resolver calls %v", r.calls)
	}
	if got := get(m.Props, mapi.NewTag(0x8100, mapi.PtLong)); got != int32(42) {
		t.Errorf("LID-named value %v (props %v)", got, m.Props)
	}
	if got := get(m.Props, mapi.NewTag(0x8101, mapi.PtMvUnicode)); !reflect.DeepEqual(got, []string{"red", "blue"}) {
		t.Errorf("string-named value %v", got)
	}
	if got := get(m.Props, mapi.NewTag(0x8101, mapi.PtUnicode)); got != "odd" {
		t.Errorf("second value of the same name %v", got)
	}
	for _, v := range m.Props {
		if v.Tag.ID() >= 0x8000 && v.Tag.ID() < 0x8100 {
			t.Errorf("local named id leaked: %v", v.Tag)
		}
	}

	// Without a resolver, named properties are dropped and reported.
	m = decode(t, stream, tnef.Options{})
	if len(m.Props) != 1 || get(m.Props, mapi.PrSubject) != "plain" || len(m.Problems) != 1 {
		t.Errorf("without resolver: props %v problems %v", m.Props, m.Problems)
	}
	// An id of 0 drops that value only; an error drops the block's names.
	m = decode(t, stream, tnef.Options{NamedProps: func(n []mapi.PropName) ([]uint16, error) {
		return []uint16{0x8200, 0, 0}, nil
	}})
	if len(m.Props) != 2 || get(m.Props, mapi.NewTag(0x8200, mapi.PtLong)) != int32(42) {
		t.Errorf("id 0: props %v", m.Props)
	}
	m = decode(t, stream, tnef.Options{NamedProps: func(n []mapi.PropName) ([]uint16, error) {
		return nil, errors.New("store down")
	}})
	if len(m.Props) != 1 || len(m.Problems) != 1 || !strings.Contains(m.Problems[0].Reason, "store down") {
		t.Errorf("resolver error: props %v problems %v", m.Props, m.Problems)
	}
}

func TestEncapsulatedWins(t *testing.T) {
	mapped := func(s *tt.Stream) *tt.Stream {
		return s.Attr(msg, tnef.AttSubject, tt.String8("from attribute")).Attr(msg, tnef.AttPriority, tt.U16(3))
	}
	encap := func(s *tt.Stream) *tt.Stream {
		return s.Attr(msg, tnef.AttMsgProps, (&tt.Props{}).Add(mapi.PrSubject, "from property").Bytes())
	}
	for name, b := range map[string][]byte{
		"props last":  encap(mapped(tt.New())).Bytes(),
		"props first": mapped(encap(tt.New())).Bytes(),
	} {
		m := decode(t, b, tnef.Options{})
		if got := get(m.Props, mapi.PrSubject); got != "from property" {
			t.Errorf("%s: subject %q", name, got)
		}
		if got := get(m.Props, mapi.PrImportance); got != int32(0) {
			t.Errorf("%s: an attribute without a conflicting property stays: importance %v", name, got)
		}
	}
}

func TestRecipientTable(t *testing.T) {
	rows := tt.RecipTable(
		(&tt.Props{}).Add(mapi.PrRecipientType, int32(1)).Add(mapi.PrDisplayName, "Bob").
			Add(mapi.PrEmailAddress.WithType(mapi.PtString8), "bob@example.com"),
		(&tt.Props{}).Add(mapi.PrRecipientType, int32(2)).Add(mapi.PrDisplayName, "Carol"),
	)
	m := decode(t, tt.New().Attr(msg, tnef.AttRecipTable, rows).Bytes(), tnef.Options{})
	if len(m.Recipients) != 2 {
		t.Fatalf("%d recipients", len(m.Recipients))
	}
	r := m.Recipients[0]
	if get(r, mapi.PrRecipientType) != int32(1) || get(r, mapi.PrDisplayName) != "Bob" || get(r, mapi.PrEmailAddress) != "bob@example.com" {
		t.Errorf("row 0 %v", r)
	}
	if get(m.Recipients[1], mapi.PrDisplayName) != "Carol" {
		t.Errorf("row 1 %v", m.Recipients[1])
	}
}

// embedded returns a stream holding one attachment whose
// PR_ATTACH_DATA_OBJ is the stream inner.
func embedded(subject string, inner []byte) []byte {
	return tt.New().
		Attr(msg, tnef.AttSubject, tt.String8(subject)).
		Attr(att, tnef.AttAttachRendData, tt.RendData(1, 0xffffffff)).
		Attr(att, tnef.AttAttachment, (&tt.Props{}).
			Add(mapi.PrAttachMethod, int32(mapi.AttachEmbeddedMsg)).
			Add(mapi.PrDisplayName, "inner: "+subject).
			Object(mapi.PrAttachDataObj, tnef.IIDIMessage, inner).Bytes()).
		Bytes()
}

func TestEmbeddedMessage(t *testing.T) {
	inner := tt.New().
		Attr(msg, tnef.AttMessageClass, tt.String8("IPM.Microsoft Mail.Note")).
		Attr(msg, tnef.AttMsgProps, (&tt.Props{}).Add(mapi.PrSubject, "forwarded").Add(mapi.PrBody, "inner body").Bytes()).
		Attr(msg, tnef.AttRecipTable, tt.RecipTable((&tt.Props{}).Add(mapi.PrDisplayName, "Dave"))).
		Attr(att, tnef.AttAttachRendData, tt.RendData(1, 0)).
		Attr(att, tnef.AttAttachTitle, tt.String8("a.txt")).
		Attr(att, tnef.AttAttachData, []byte("aaa")).
		Bytes()
	m := decode(t, embedded("outer", inner), tnef.Options{})
	if len(m.Attachments) != 1 {
		t.Fatalf("%d attachments", len(m.Attachments))
	}
	a := m.Attachments[0]
	if a.Embedded == nil {
		t.Fatalf("no embedded message: %v", a.Props)
	}
	if get(a.Props, mapi.PrAttachMethod) != int32(mapi.AttachEmbeddedMsg) || get(a.Props, mapi.PrAttachDataObj) != nil {
		t.Errorf("attachment props %v", a.Props)
	}
	e := a.Embedded
	if get(e.Props, mapi.PrSubject) != "forwarded" || get(e.Props, mapi.PrBody) != "inner body" || get(e.Props, mapi.PrMessageClass) != "IPM.Note" {
		t.Errorf("embedded props %v", e.Props)
	}
	if len(e.Recipients) != 1 || len(e.Attachments) != 1 || !bytes.Equal(get(e.Attachments[0].Props, mapi.PrAttachDataBin).([]byte), []byte("aaa")) {
		t.Errorf("embedded recipients %v attachments %v", e.Recipients, e.Attachments)
	}
}

func TestEmbeddedDepthAndCorruption(t *testing.T) {
	// Four levels of nesting with MaxDepth 2: the third level is kept as
	// an opaque winmail.dat.
	s := tt.New().Attr(msg, tnef.AttSubject, tt.String8("level 3")).Bytes()
	for _, subj := range []string{"level 2", "level 1", "level 0"} {
		s = embedded(subj, s)
	}
	m := decode(t, s, tnef.Options{MaxDepth: 2})
	l1 := m.Attachments[0].Embedded
	l2 := l1.Attachments[0].Embedded
	if l2 == nil || get(l2.Props, mapi.PrSubject) != "level 2" {
		t.Fatalf("level 2: %+v", l1.Attachments[0])
	}
	deep := l2.Attachments[0]
	if deep.Embedded != nil || get(deep.Props, mapi.PrAttachMIMETag) != "application/ms-tnef" ||
		get(deep.Props, mapi.PrAttachMethod) != int32(mapi.AttachByValue) || get(deep.Props, mapi.PrAttachDataBin) == nil {
		t.Errorf("too deep: %v", deep.Props)
	}
	if len(m.Problems) != 1 {
		t.Errorf("problems %v", m.Problems)
	}

	// A nested stream that does not decode is kept the same way.
	m = decode(t, embedded("outer", []byte("not tnef at all")), tnef.Options{})
	a := m.Attachments[0]
	if a.Embedded != nil || !bytes.Equal(get(a.Props, mapi.PrAttachDataBin).([]byte), []byte("not tnef at all")) {
		t.Errorf("corrupt nested: %v", a.Props)
	}
}

func TestRTFCompressedKept(t *testing.T) {
	// An LZFu header and a few bytes: kept as they are, not decompressed.
	rtf := []byte{0x2d, 0, 0, 0, 0x2b, 0, 0, 0, 'L', 'Z', 'F', 'u', 0xf1, 0xc5, 0xc7, 0xa7, 3, 0, 0x0a, 0, 'r', 'c', 'p', 'g'}
	b := tt.New().
		Attr(msg, tnef.AttMsgProps, (&tt.Props{}).
			Add(prRTFCompressed, rtf).
			Add(mapi.NewTag(0x0E1F, mapi.PtBoolean), true). // PR_RTF_IN_SYNC
			Bytes()).
		Bytes()
	m := decode(t, b, tnef.Options{})
	if got, _ := get(m.Props, prRTFCompressed).([]byte); !bytes.Equal(got, rtf) {
		t.Errorf("PR_RTF_COMPRESSED %x", got)
	}
	if get(m.Props, mapi.NewTag(0x0E1F, mapi.PtBoolean)) != true {
		t.Errorf("PR_RTF_IN_SYNC %v", m.Props)
	}
}

func TestChecksumMismatchTolerated(t *testing.T) {
	b := tt.New().AttrSum(msg, tnef.AttSubject, tt.String8("hi"), 0x1234).Bytes()
	m := decode(t, b, tnef.Options{})
	if get(m.Props, mapi.PrSubject) != "hi" {
		t.Errorf("subject %v", m.Props)
	}
	if len(m.Problems) != 1 || m.Problems[0].Attribute != tnef.AttSubject || !strings.Contains(m.Problems[0].Reason, "checksum") {
		t.Errorf("problems %v", m.Problems)
	}
	// The message class checksums are not checked (MS-OXTNEF 2.3.3.4).
	b = tt.New().AttrSum(msg, tnef.AttMessageClass, tt.String8("IPM.Note"), 0).
		AttrSum(msg, tnef.AttOriginalMessageClass, tt.String8("IPM.Note"), 0).Bytes()
	if m := decode(t, b, tnef.Options{}); len(m.Problems) != 0 {
		t.Errorf("class checksum problems %v", m.Problems)
	}
}

func TestCorrupt(t *testing.T) {
	huge := tt.U32(0xffffffff)
	cases := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, tnef.ErrNotTNEF},
		{"bad signature", []byte{0x78, 0x9f, 0x3e, 0x32, 1, 0}, tnef.ErrNotTNEF},
		{"attribute longer than the stream", tt.New().Raw([]byte{1}).Raw(tt.U32(tnef.AttSubject)).Raw(huge).Raw([]byte("abc")).Bytes(), tnef.ErrCorrupt},
		{"bad level", tt.New().Attr(3, tnef.AttSubject, tt.String8("x")).Bytes(), tnef.ErrCorrupt},
		{"property count beyond data", tt.New().Attr(msg, tnef.AttMsgProps, huge).Bytes(), tnef.ErrCorrupt},
		{"block without count", tt.New().Attr(msg, tnef.AttMsgProps, nil).Bytes(), tnef.ErrCorrupt},
		{"unknown property type", tt.New().Attr(msg, tnef.AttMsgProps, append(tt.U32(1), append(tt.U32(0x00370099), 0, 0, 0, 0)...)).Bytes(), tnef.ErrCorrupt},
		{"value length beyond data", tt.New().Attr(msg, tnef.AttMsgProps, append(append(tt.U32(1), tt.U32(uint32(mapi.PrAttachDataBin))...), append(tt.U32(1), huge...)...)).Bytes(), tnef.ErrCorrupt},
		{"multi-value count beyond data", tt.New().Attr(msg, tnef.AttMsgProps, append(append(tt.U32(1), tt.U32(uint32(mapi.NewTag(0x6700, mapi.PtMvLong)))...), huge...)).Bytes(), tnef.ErrCorrupt},
		{"name kind", tt.New().Attr(msg, tnef.AttMsgProps, append(append(tt.U32(1), tt.U32(0x80000003)...), append(make([]byte, 16), tt.U32(7)...)...)).Bytes(), tnef.ErrCorrupt},
		{"recipient rows beyond data", tt.New().Attr(msg, tnef.AttRecipTable, huge).Bytes(), tnef.ErrCorrupt},
		{"short priority", tt.New().Attr(msg, tnef.AttPriority, []byte{1}).Bytes(), tnef.ErrCorrupt},
		{"attFrom lengths", tt.New().Attr(msg, tnef.AttFrom, []byte{4, 0, 0, 0, 0xff, 0xff, 0, 0}).Bytes(), tnef.ErrCorrupt},
		{"object without IID", tt.New().Attr(att, tnef.AttAttachment, (&tt.Props{}).Add(mapi.PrAttachDataObj, []byte{1, 2}).Bytes()).Bytes(), tnef.ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := tnef.Decode(c.b, tnef.Options{})
			if !errors.Is(err, c.want) || m != nil {
				t.Errorf("Decode = %v, %v; want %v", m, err, c.want)
			}
		})
	}
}

// TestTruncation cuts a stream of every kind of attribute at every length:
// a cut inside an attribute fails, a cut between attributes decodes what
// is before it, and a stub too short for an attribute header is reported.
func TestTruncation(t *testing.T) {
	s := tt.New()
	var ends []int
	add := func(level byte, id uint32, data []byte) {
		s.Attr(level, id, data)
		ends = append(ends, len(s.Bytes()))
	}
	ends = append(ends, 6, len(s.Bytes())) // signature and key; attTnefVersion
	add(msg, tnef.AttSubject, tt.String8("subject"))
	add(msg, tnef.AttFrom, tt.From("A", "SMTP", "a@b"))
	add(msg, tnef.AttMsgProps, (&tt.Props{}).Add(mapi.PrBody, "body").Add(mapi.NewTag(0x6700, mapi.PtMvLong), []int32{1, 2}).Bytes())
	add(msg, tnef.AttRecipTable, tt.RecipTable((&tt.Props{}).Add(mapi.PrDisplayName, "R")))
	add(att, tnef.AttAttachRendData, tt.RendData(1, 0))
	add(att, tnef.AttAttachData, []byte("data"))
	full := s.Bytes()
	boundary := map[int]bool{}
	for _, e := range ends {
		boundary[e] = true
	}
	for n := 0; n < len(full); n++ {
		m, err := tnef.Decode(full[:n], tnef.Options{})
		switch {
		case n < 6:
			if !errors.Is(err, tnef.ErrNotTNEF) {
				t.Errorf("cut at %d: %v", n, err)
			}
		case boundary[n]:
			if err != nil || len(m.Problems) != 0 {
				t.Errorf("cut at attribute boundary %d: %v %v", n, err, m)
			}
		case err == nil && len(m.Problems) == 0:
			t.Errorf("cut at %d inside an attribute went unnoticed", n)
		}
	}
}

func TestMaxValues(t *testing.T) {
	b := tt.New().Attr(msg, tnef.AttMsgProps, (&tt.Props{}).Add(mapi.NewTag(0x6700, mapi.PtMvLong), make([]int32, 100)).Bytes()).Bytes()
	if _, err := tnef.Decode(b, tnef.Options{MaxValues: 50}); !errors.Is(err, tnef.ErrTooLarge) {
		t.Errorf("Decode = %v, want ErrTooLarge", err)
	}
	if _, err := tnef.Decode(b, tnef.Options{MaxValues: 100}); err != nil {
		t.Errorf("Decode at the limit: %v", err)
	}
}

// TestToleratedDefects: an unknown attribute, an impossible date, a key
// that is not hex and bytes after a property list are reported, and the
// rest of the stream still decodes.
func TestToleratedDefects(t *testing.T) {
	cases := []struct {
		name string
		id   uint32
		data []byte
	}{
		{"unknown attribute", 0x00019999, tt.String8("?")},
		{"date out of range", tnef.AttDateSent, make([]byte, 14)},
		{"short date", tnef.AttDateSent, make([]byte, 4)},
		{"key not hex", tnef.AttMessageID, tt.String8("xyz")},
		{"bytes after the properties", tnef.AttMsgProps, append((&tt.Props{}).Add(mapi.PrBody, "b").Bytes(), 1, 2, 3, 4)},
		{"priority 9", tnef.AttPriority, tt.U16(9)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := tt.New().Attr(msg, c.id, c.data).Attr(msg, tnef.AttSubject, tt.String8("s")).Bytes()
			m := decode(t, b, tnef.Options{})
			if get(m.Props, mapi.PrSubject) != "s" || len(m.Problems) != 1 || m.Problems[0].Attribute != c.id {
				t.Errorf("props %v problems %v", m.Props, m.Problems)
			}
			if c.id == tnef.AttDateSent && get(m.Props, mapi.PrClientSubmitTime) != nil {
				t.Errorf("a bad date was kept")
			}
		})
	}
}
