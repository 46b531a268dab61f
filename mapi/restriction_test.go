package mapi

import (
	"testing"
)

var (
	tagKeywords = NewTag(0x8001, PtMvUnicode) // a PidNameKeywords-like MV string
	tagNumbers  = NewTag(0x8002, PtMvLong)
	tagBlobs    = NewTag(0x8003, PtMvBinary)
)

func testMessage() PropValRow {
	alice := PropValRow{Vals: []PropVal{
		{PrRecipientType, int32(RecipTo)},
		{PrSMTPAddress, "alice@example.org"},
		{PrDisplayName, "Alice"},
	}}
	bob := PropValRow{Vals: []PropVal{
		{PrRecipientType, int32(RecipCc)},
		{PrSMTPAddress, "bob@example.org"},
		{PrDisplayName, "Bob"},
	}}
	att := PropValRow{Vals: []PropVal{
		{PrAttachLongFilename, "Report.PDF"},
		{PrAttachSize, int32(2048)},
	}}
	return PropValRow{
		Vals: []PropVal{
			{PrSubject, "Re: Quarterly Report"},
			{PrNormalizedSubject, "quarterly report"},
			{PrMessageClass, "IPM.Note"},
			{PrImportance, int32(2)},
			{PrMessageFlags, int32(MsgFlagRead | MsgFlagHasAttach)},
			{PrMessageDeliveryTime, FileTime(1000)},
			{PrClientSubmitTime, FileTime(900)},
			{PrEntryID, []byte{0xde, 0xad, 0xbe, 0xef}},
			{PrHasAttach, true},
			{PrDisplayTo, "Alice; Bob"},
			{tagKeywords, []string{"Important-Client", "$Label1"}},
			{tagNumbers, []int32{5, 10}},
			{tagBlobs, [][]byte{{1, 2, 3}, {4}}},
			{PrIconIndex, int32(-1)},
			{NewTag(0x8004, PtDouble), 2.5},
			{NewTag(0x8005, PtMvUnicode), []string{}},
		},
		Subs: map[PropTag][]Row{
			PrMessageRecipients:  {alice, bob},
			PrMessageAttachments: {att},
		},
	}
}

func pv(tag PropTag, v any) PropVal { return PropVal{Tag: tag, Value: v} }

func TestEval(t *testing.T) {
	row := testMessage()
	absent := NewTag(0x8100, PtLong)
	absentS := NewTag(0x8101, PtUnicode)
	tests := []struct {
		name string
		r    *Restriction
		want bool
	}{
		// RES_AND / RES_OR / RES_NOT
		{"and true", RestrictAnd(RestrictExist(PrSubject), RestrictExist(PrImportance)), true},
		{"and false", RestrictAnd(RestrictExist(PrSubject), RestrictExist(absent)), false},
		{"empty and", RestrictAnd(), true},
		{"or", RestrictOr(RestrictExist(absent), RestrictExist(PrSubject)), true},
		{"empty or", RestrictOr(), false},
		{"not", RestrictNot(RestrictExist(absent)), true},

		// RES_EXIST
		{"exist", RestrictExist(PrSubject), true},
		{"exist absent", RestrictExist(absent), false},
		{"exist string8 finds unicode", RestrictExist(PrSubjectA), true},
		{"exist empty mv", RestrictExist(NewTag(0x8005, PtMvUnicode)), false},

		// RES_PROPERTY, relops
		{"eq", RestrictProperty(RelopEQ, PrImportance, pv(PrImportance, int32(2))), true},
		{"ne", RestrictProperty(RelopNE, PrImportance, pv(PrImportance, int32(2))), false},
		{"lt", RestrictProperty(RelopLT, PrImportance, pv(PrImportance, int32(3))), true},
		{"le", RestrictProperty(RelopLE, PrImportance, pv(PrImportance, int32(2))), true},
		{"gt", RestrictProperty(RelopGT, PrImportance, pv(PrImportance, int32(2))), false},
		{"ge", RestrictProperty(RelopGE, PrImportance, pv(PrImportance, int32(2))), true},
		{"signed long", RestrictProperty(RelopLT, PrIconIndex, pv(PrIconIndex, int32(0))), true},
		{"systime", RestrictProperty(RelopGT, PrMessageDeliveryTime, pv(PrMessageDeliveryTime, FileTime(999))), true},
		{"double", RestrictProperty(RelopEQ, NewTag(0x8004, PtDouble), pv(NewTag(0x8004, PtDouble), 2.5)), true},
		{"bool", RestrictProperty(RelopEQ, PrHasAttach, pv(PrHasAttach, true)), true},
		{"binary eq", RestrictProperty(RelopEQ, PrEntryID, pv(PrEntryID, []byte{0xde, 0xad, 0xbe, 0xef})), true},
		{"binary shorter sorts first", RestrictProperty(RelopGT, PrEntryID, pv(PrEntryID, []byte{0xff, 0xff, 0xff})), true},
		{"string case-insensitive eq", RestrictProperty(RelopEQ, PrMessageClass, pv(PrMessageClass, "ipm.note")), true},
		{"string order", RestrictProperty(RelopLT, PrMessageClass, pv(PrMessageClass, "IPM.Schedule")), true},
		{"string8 comparand on unicode", RestrictProperty(RelopEQ, PrMessageClassA, pv(PrMessageClassA, "IPM.Note")), true},
		{"string8 tag, unicode comparand", RestrictProperty(RelopEQ, PrMessageClassA, pv(PrMessageClass, "IPM.Note")), true},
		// type mismatch: the node is false, whatever the relop
		{"type mismatch eq", RestrictProperty(RelopEQ, PrImportance, pv(PrImportance.WithType(PtI8), int64(2))), false},
		{"type mismatch ne", RestrictProperty(RelopNE, PrImportance, pv(PrImportance.WithType(PtUnicode), "2")), false},
		{"not of mismatch", RestrictNot(RestrictProperty(RelopEQ, PrImportance, pv(PrImportance.WithType(PtI8), int64(2)))), true},
		{"wrong go type in comparand", RestrictProperty(RelopEQ, PrImportance, pv(PrImportance, int64(2))), false},
		// absent values sort first (EXC2019)
		{"absent eq", RestrictProperty(RelopEQ, absent, pv(absent, int32(0))), false},
		{"absent ne", RestrictProperty(RelopNE, absent, pv(absent, int32(0))), true},
		{"absent lt", RestrictProperty(RelopLT, absent, pv(absent, int32(-100))), true},
		{"absent ge", RestrictProperty(RelopGE, absent, pv(absent, int32(-100))), false},
		{"absent re", RestrictProperty(RelopRE, absentS, pv(absentS, ".*")), false},
		// multi-value property against a single value: any element
		{"mv any eq", RestrictProperty(RelopEQ, tagNumbers, pv(tagNumbers.WithType(PtLong), int32(10))), true},
		{"mv any eq none", RestrictProperty(RelopEQ, tagNumbers, pv(tagNumbers.WithType(PtLong), int32(7))), false},
		{"mv any gt", RestrictProperty(RelopGT, tagNumbers, pv(tagNumbers.WithType(PtLong), int32(9))), true},
		{"mv any ne", RestrictProperty(RelopNE, tagNumbers, pv(tagNumbers.WithType(PtLong), int32(5))), true},
		{"mvi tag falls back to mv", RestrictProperty(RelopEQ, tagKeywords.WithType(PtMvUnicode|MvInstance),
			pv(tagKeywords.WithType(PtUnicode), "$label1")), true},
		{"mv string any", RestrictProperty(RelopEQ, tagKeywords, pv(tagKeywords.WithType(PtUnicode), "important-client")), true},
		// multi-value comparand: whole-array comparison
		{"mv whole eq", RestrictProperty(RelopEQ, tagNumbers, pv(tagNumbers, []int32{5, 10})), true},
		{"mv whole count first", RestrictProperty(RelopLT, tagNumbers, pv(tagNumbers, []int32{1, 1, 1})), true},
		{"mv comparand single property", RestrictProperty(RelopEQ, PrImportance, pv(PrImportance.WithType(PtMvLong), []int32{2})), false},
		// RELOP_RE
		{"re", RestrictProperty(RelopRE, PrSubject, pv(PrSubject, `^re: .*report$`)), true},
		{"re no match", RestrictProperty(RelopRE, PrSubject, pv(PrSubject, `^fw:`)), false},
		{"re bad pattern", RestrictProperty(RelopRE, PrSubject, pv(PrSubject, `(`)), false},
		{"re on mv", RestrictProperty(RelopRE, tagKeywords, pv(tagKeywords.WithType(PtUnicode), `^\$label\d$`)), true},
		{"re on long", RestrictProperty(RelopRE, PrImportance, pv(PrImportance, int32(2))), false},
		{"member of dl", RestrictProperty(RelopMemberOfDL, PrEntryID, pv(PrEntryID, []byte{1})), false},
		// PR_ANR
		{"anr", RestrictProperty(RelopEQ, PrANR, pv(PrANR, "QUARTERLY")), false}, // row has no PR_ANR
		{"anr substring", RestrictProperty(RelopEQ, PrANR, pv(PrANR, "ali")), false},

		// RES_CONTENT
		{"content full", RestrictContent(FLFullString, PrMessageClass, pv(PrMessageClass, "IPM.Note")), true},
		{"content full case", RestrictContent(FLFullString, PrMessageClass, pv(PrMessageClass, "ipm.note")), false},
		{"content full ignorecase", RestrictContent(FLFullString|FLIgnoreCase, PrMessageClass, pv(PrMessageClass, "ipm.note")), true},
		{"content substring", RestrictContent(FLSubstring, PrSubject, pv(PrSubject, "Quarterly")), true},
		{"content substring case", RestrictContent(FLSubstring, PrSubject, pv(PrSubject, "quarterly")), false},
		{"content substring loose", RestrictContent(FLSubstring|FLLoose, PrSubject, pv(PrSubject, "QUARTERLY")), true},
		{"content prefix", RestrictContent(FLPrefix, PrMessageClass, pv(PrMessageClass, "IPM.")), true},
		{"content prefix miss", RestrictContent(FLPrefix, PrMessageClass, pv(PrMessageClass, "Note")), false},
		{"content prefix any word", RestrictContent(FLPrefix|FLPrefixOnAnyWord|FLIgnoreCase, PrSubject, pv(PrSubject, "rep")), true},
		{"content prefix any word miss", RestrictContent(FLPrefix|FLPrefixOnAnyWord, PrSubject, pv(PrSubject, "port")), false},
		{"content string8 comparand", RestrictContent(FLSubstring, PrSubjectA, pv(PrSubjectA, "Report")), true},
		{"content mv any", RestrictContent(FLSubstring|FLIgnoreCase, tagKeywords, pv(tagKeywords.WithType(PtUnicode), "client")), true},
		{"content binary", RestrictContent(FLSubstring, PrEntryID, pv(PrEntryID, []byte{0xad, 0xbe})), true},
		{"content binary prefix", RestrictContent(FLPrefix, PrEntryID, pv(PrEntryID, []byte{0xad})), false},
		{"content binary full", RestrictContent(FLFullString, PrEntryID, pv(PrEntryID, []byte{0xde, 0xad, 0xbe, 0xef})), true},
		{"content mv binary", RestrictContent(FLFullString, tagBlobs, pv(tagBlobs.WithType(PtBinary), []byte{4})), true},
		{"content on long", RestrictContent(FLFullString, PrImportance, pv(PrImportance, int32(2))), false},
		{"content type mismatch", RestrictContent(FLSubstring, PrSubject, pv(PrSubject.WithType(PtBinary), []byte("Re"))), false},
		{"content absent", RestrictContent(FLSubstring, absentS, pv(absentS, "")), false},
		{"content bad mode", RestrictContent(3, PrSubject, pv(PrSubject, "Re")), false},

		// RES_PROPCOMPARE
		{"propcompare gt", RestrictCompareProps(RelopGT, PrMessageDeliveryTime, PrClientSubmitTime), true},
		{"propcompare string case", RestrictCompareProps(RelopNE, PrNormalizedSubject, PrSubject), true},
		{"propcompare type mismatch", RestrictCompareProps(RelopEQ, PrImportance, PrSubject), false},
		{"propcompare absent lhs", RestrictCompareProps(RelopLT, absent, PrImportance), true},
		{"propcompare both absent", RestrictCompareProps(RelopEQ, absent, NewTag(0x8102, PtLong)), true},
		{"propcompare mv single", RestrictCompareProps(RelopEQ, tagNumbers, NewTag(0x8103, PtLong)), false},

		// RES_BITMASK
		{"bitmask nez", RestrictBitmask(BitmaskNEZ, PrMessageFlags, MsgFlagRead), true},
		{"bitmask eqz", RestrictBitmask(BitmaskEQZ, PrMessageFlags, MsgFlagUnsent), true},
		{"bitmask eqz set", RestrictBitmask(BitmaskEQZ, PrMessageFlags, MsgFlagRead), false},
		{"bitmask absent is zero", RestrictBitmask(BitmaskEQZ, absent, 0xffffffff), true},
		{"bitmask needs long", RestrictBitmask(BitmaskNEZ, PrMessageDeliveryTime, 1), false},
		{"bitmask bad relop", RestrictBitmask(2, PrMessageFlags, 1), false},

		// RES_SIZE
		{"size string", RestrictSize(RelopEQ, PrMessageClass, 8), true},
		{"size binary", RestrictSize(RelopGE, PrEntryID, 4), true},
		{"size long", RestrictSize(RelopEQ, PrImportance, 4), true},
		{"size mv", RestrictSize(RelopEQ, tagNumbers, 8), true},
		{"size absent", RestrictSize(RelopEQ, absent, 0), true},
		{"size re", RestrictSize(RelopRE, PrMessageClass, 8), false},

		// RES_SUBRESTRICTION
		{"sub recipient", RestrictSub(PrMessageRecipients,
			RestrictContent(FLFullString|FLIgnoreCase, PrSMTPAddress, pv(PrSMTPAddress, "BOB@example.org"))), true},
		{"sub one object for the whole restriction", RestrictSub(PrMessageRecipients, RestrictAnd(
			RestrictProperty(RelopEQ, PrRecipientType, pv(PrRecipientType, int32(RecipTo))),
			RestrictContent(FLFullString, PrSMTPAddress, pv(PrSMTPAddress, "bob@example.org")))), false},
		{"sub and on one recipient", RestrictSub(PrMessageRecipients, RestrictAnd(
			RestrictProperty(RelopEQ, PrRecipientType, pv(PrRecipientType, int32(RecipCc))),
			RestrictContent(FLFullString, PrSMTPAddress, pv(PrSMTPAddress, "bob@example.org")))), true},
		{"sub attachment", RestrictSub(PrMessageAttachments,
			RestrictContent(FLSubstring|FLIgnoreCase, PrAttachLongFilename, pv(PrAttachLongFilename, ".pdf"))), true},
		{"sub count", RestrictSub(PrMessageRecipients, RestrictCount(2, RestrictExist(PrSMTPAddress))), true},
		{"sub count mismatch", RestrictSub(PrMessageRecipients, RestrictCount(1, RestrictExist(PrSMTPAddress))), false},
		{"sub none", RestrictSub(NewTag(0x8104, PtObject), RestrictExist(PrSubject)), false},

		// RES_COMMENT / RES_ANNOTATION / RES_COUNT / RES_NULL
		{"comment", RestrictComment([]PropVal{pv(PrComment, "x")}, RestrictExist(absent)), false},
		{"comment without restriction", RestrictComment([]PropVal{pv(PrComment, "x")}, nil), true},
		{"annotation", &Restriction{Type: ResAnnotation, Comments: []PropVal{pv(PrComment, "x")}, Sub: RestrictExist(PrSubject)}, true},
		{"count", RestrictCount(1, RestrictExist(PrSubject)), true},
		{"count zero", RestrictCount(0, RestrictExist(PrSubject)), false},
		{"null", &Restriction{Type: ResNull}, true},
		{"unknown type", &Restriction{Type: 0x42}, false},
		{"nil", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Eval(tc.r, row); got != tc.want {
				t.Fatalf("Eval(%v) = %v, want %v", tc.r, got, tc.want)
			}
			// What Eval decides survives the wire.
			if tc.r == nil || tc.r.Type == 0x42 || tc.name == "wrong go type in comparand" {
				return // cannot be written
			}
			w := NewWriter(CodecROP)
			if err := w.PutRestriction(tc.r); err != nil {
				t.Fatal(err)
			}
			back, err := NewReader(w.Bytes(), CodecROP).Restriction()
			if err != nil {
				t.Fatal(err)
			}
			if got := Eval(back, row); got != tc.want {
				t.Fatalf("after the wire: Eval = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvalANR(t *testing.T) {
	row := PropValRow{Vals: []PropVal{{PrANR, "Alice Example"}}}
	if !Eval(RestrictProperty(RelopEQ, PrANR, pv(PrANR, "EXAMPLE")), row) {
		t.Fatal("PR_ANR substring did not match")
	}
}

func TestEvalInstanceRow(t *testing.T) {
	// A table row expanded on a multi-value column answers the MVI tag.
	mvi := tagKeywords.WithType(PtMvUnicode | MvInstance)
	row := PropValRow{Vals: []PropVal{{mvi, "$Label1"}, {tagKeywords, []string{"a", "$Label1"}}}}
	r := RestrictProperty(RelopEQ, mvi, pv(tagKeywords.WithType(PtUnicode), "a"))
	if Eval(r, row) {
		t.Fatal("MVI row compared the whole multi-value instead of its instance")
	}
	r = RestrictProperty(RelopEQ, mvi, pv(tagKeywords.WithType(PtUnicode), "$label1"))
	if !Eval(r, row) {
		t.Fatal("instance value did not match")
	}
}

func TestEvalFoldsNonSpacingMarks(t *testing.T) {
	row := PropValRow{Vals: []PropVal{{PrSubject, "Cafe\u0301 Überfällig"}}}
	if !Eval(RestrictContent(FLSubstring|FLIgnoreNonSpace, PrSubject, pv(PrSubject, "Cafe ")), row) {
		t.Fatal("combining acute not ignored")
	}
	if !Eval(RestrictContent(FLSubstring|FLIgnoreCase, PrSubject, pv(PrSubject, "überFÄLLIG")), row) {
		t.Fatal("non-ASCII case not folded")
	}
	if Eval(RestrictContent(FLSubstring, PrSubject, pv(PrSubject, "cafe")), row) {
		t.Fatal("case folded without FL_IGNORECASE")
	}
}

func TestMatcherCount(t *testing.T) {
	r := RestrictAnd(RestrictExist(PrSubject), RestrictCount(2, RestrictProperty(RelopGT, PrImportance, pv(PrImportance, int32(0)))))
	m := NewMatcher(r)
	rows := []PropValRow{
		{Vals: []PropVal{{PrSubject, "a"}, {PrImportance, int32(1)}}},
		{Vals: []PropVal{{PrSubject, "b"}, {PrImportance, int32(0)}}},
		{Vals: []PropVal{{PrSubject, "c"}, {PrImportance, int32(2)}}},
		{Vals: []PropVal{{PrSubject, "d"}, {PrImportance, int32(2)}}},
	}
	var got []bool
	for _, row := range rows {
		got = append(got, m.Match(row))
	}
	if want := []bool{true, false, true, false}; !equalBools(got, want) {
		t.Fatalf("matches %v, want %v (the first two qualifying rows)", got, want)
	}
	// Eval is stateless.
	for range 3 {
		if !Eval(r, rows[3]) {
			t.Fatal("stateless Eval counted")
		}
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestRestrictionString(t *testing.T) {
	r := RestrictAnd(RestrictExist(PrSubject), RestrictProperty(RelopEQ, PrImportance, pv(PrImportance, int32(2))),
		RestrictNot(RestrictBitmask(BitmaskNEZ, PrMessageFlags, 1)))
	want := "AND(EXIST(PR_SUBJECT), PROPERTY(PR_IMPORTANCE == 2), NOT(BITMASK(PR_MESSAGE_FLAGS & 0x1 != 0)))"
	if got := r.String(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestEvalSizes(t *testing.T) {
	r := RestrictAnd()
	vals := []struct {
		t    PropType
		v    any
		size uint32
	}{
		{PtShort, int16(1), 2}, {PtLong, int32(1), 4}, {PtFloat, float32(1), 4}, {PtError, EcNotFound, 4},
		{PtI8, int64(1), 8}, {PtDouble, 1.0, 8}, {PtSysTime, FileTime(1), 8}, {PtBoolean, true, 1},
		{PtClsid, testGUID, 16}, {PtUnicode, "äb", 3}, {PtBinary, []byte{1, 2}, 2},
		{PtUnspecified, TypedValue{PtLong, int32(1)}, 4}, {PtSRestriction, r, 3},
		{PtMvShort, []int16{1, 2}, 4}, {PtMvLong, []int32{1}, 4}, {PtMvFloat, []float32{1}, 4},
		{PtMvI8, []int64{1, 2}, 16}, {PtMvDouble, []float64{1}, 8}, {PtMvSysTime, []FileTime{1}, 8},
		{PtMvClsid, []GUID{testGUID}, 16}, {PtMvUnicode, []string{"a", "bc"}, 3}, {PtMvBinary, [][]byte{{1}, {2, 3}}, 3},
	}
	for _, v := range vals {
		tag := NewTag(0x8001, v.t)
		row := PropValRow{Vals: []PropVal{{tag, v.v}}}
		if !Eval(RestrictSize(RelopEQ, tag, v.size), row) {
			t.Errorf("%v: size is not %d", v.t, v.size)
		}
		if !Eval(RestrictSize(RelopLT, tag, v.size+1), row) || Eval(RestrictSize(RelopGT, tag, v.size), row) {
			t.Errorf("%v: size relops", v.t)
		}
	}
}

func TestEvalComparePropsMultiValue(t *testing.T) {
	a, b, c := NewTag(0x8001, PtMvLong), NewTag(0x8002, PtMvLong), NewTag(0x8003, PtLong)
	s1, s2 := NewTag(0x8004, PtUnicode), NewTag(0x8005, PtString8)
	row := PropValRow{Vals: []PropVal{
		{a, []int32{1, 5}}, {b, []int32{1, 5}}, {c, int32(5)}, {s1, "X"}, {s2, "x"},
		{NewTag(0x8006, PtLong), int64(1)}, // wrong Go form
	}}
	tests := []struct {
		r    *Restriction
		want bool
	}{
		{RestrictCompareProps(RelopEQ, a, b), true},
		{RestrictCompareProps(RelopEQ, a, c.WithType(PtMvLong|MvInstance)), false}, // no such instance property
		{RestrictCompareProps(RelopGT, c, a), true},                                // 5 > 1
		{RestrictCompareProps(RelopLT, c, a), false},                               // 5 < nothing
		{RestrictCompareProps(RelopEQ, a, c), true},                                // some element == 5
		{RestrictCompareProps(RelopEQ, s1, s2), true},                              // strings fold, 8-bit and Unicode alike
		{RestrictCompareProps(RelopEQ, NewTag(0x8006, PtLong), c), false},
		{RestrictCompareProps(RelopGT, c, NewTag(0x8007, PtLong)), true}, // absent sorts first
		{RestrictCompareProps(RelopRE, s1, s2), false},
	}
	for i, tc := range tests {
		if got := Eval(tc.r, row); got != tc.want {
			t.Errorf("%d: Eval(%v) = %v, want %v", i, tc.r, got, tc.want)
		}
	}
}
