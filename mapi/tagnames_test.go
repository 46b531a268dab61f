package mapi

import "testing"

func TestTagValues(t *testing.T) {
	// Spot checks against MS-OXPROPS / MS-OXCDATA 2.4.
	tags := map[PropTag]uint32{
		PrDisplayName: 0x3001001F, PrSubject: 0x0037001F, PrSubjectA: 0x0037001E,
		PrMessageClass: 0x001A001F, PrMessageFlags: 0x0E070003, PrMessageSize: 0x0E080003,
		PrMessageSizeExtended: 0x0E080014, PrEntryID: 0x0FFF0102, PrParentEntryID: 0x0E090102,
		PrSourceKey: 0x65E00102, PrParentSourceKey: 0x65E10102, PrChangeKey: 0x65E20102,
		PrPredecessorChangeList: 0x65E30102, PrChangeNumber: 0x67A40014, PrMID: 0x674A0014,
		PrFolderID: 0x67480014, PrParentFolderID: 0x67490014, PrInstanceKey: 0x0FF60102,
		PrRecordKey: 0x0FF90102, PrStoreRecordKey: 0x0FFA0102, PrContentCount: 0x36020003,
		PrContentUnread: 0x36030003, PrAssocContentCount: 0x36170003, PrSubfolders: 0x360A000B,
		PrFolderChildCount: 0x66380003, PrContainerClass: 0x3613001F, PrFolderType: 0x36010003,
		PrCreationTime: 0x30070040, PrLastModificationTime: 0x30080040,
		PrLocalCommitTime: 0x67090040, PrLocalCommitTimeMax: 0x670A0040,
		PrMessageDeliveryTime: 0x0E060040, PrClientSubmitTime: 0x00390040, PrBody: 0x1000001F,
		PrHTML: 0x10130102, PrRTFCompressed: 0x10090102, PrTransportMessageHeaders: 0x007D001F,
		PrInternetCPID: 0x3FDE0003, PrHasAttach: 0x0E1B000B, PrRead: 0x0E69000B,
		PrMessageRecipients: 0x0E12000D, PrMessageAttachments: 0x0E13000D, PrRuleCondition: 0x667900FD,
		PrRuleActions: 0x668000FE, PrMemberID: 0x66710014,
		PrHierarchyChangeNum: 0x663E0003, PrHierRev: 0x40820040, PrAttachDataObj: 0x3701000D,
		PrAttachDataBin: 0x37010102, PrSMTPAddress: 0x39FE001F, PrANR: 0x360C001F,
	}
	for tag, want := range tags {
		if uint32(tag) != want {
			t.Errorf("%s = %#x, want %#x", TagName(tag), uint32(tag), want)
		}
	}
	codes := map[ErrorCode]uint32{
		EcNotFound: 0x8004010F, EcAccessDenied: 0x80070005, EcInvalidParam: 0x80070057,
		EcNotSupported: 0x80040102, EcMAPIOOM: 0x8007000E, EcObjectModified: 0x80040109,
		EcObjectDeleted: 0x8004010A, EcQuotaExceeded: 0x000004D9, EcNullObject: 0x000004B9,
		EcDuplicateName: 0x80040604, EcRpcFailed: 0x80040115, EcError: 0x80004005,
	}
	for c, want := range codes {
		if uint32(c) != want {
			t.Errorf("%s = %#x, want %#x", c.Name(), uint32(c), want)
		}
	}
}

func TestTagName(t *testing.T) {
	tests := map[PropTag]string{
		PrSubject:                           "PR_SUBJECT",
		PrSubjectA:                          "PR_SUBJECT_A",
		PrMessageSizeExtended:               "PR_MESSAGE_SIZE_EXTENDED",
		PrSubject.WithType(PtMvUnicode):     "PR_SUBJECT:PT_MV_UNICODE",
		NewTag(0x8001, PtLong):              "0x80010003:PT_LONG",
		NewTag(0x8001, PtMvLong|MvInstance): "0x80013003:PT_MV_LONG|MVI",
		NewTag(0x8001, 0x0fff):              "0x80010fff:PT_0x0fff",
	}
	for tag, want := range tests {
		if got := TagName(tag); got != want {
			t.Errorf("TagName(%#x) = %q, want %q", uint32(tag), got, want)
		}
	}
	if EcNotFound.Name() != "ecNotFound" || ErrorCode(0x1234).Name() != "0x00001234" {
		t.Error("ErrorCode.Name")
	}
}

func TestMemberEntryIDSharesEntryID(t *testing.T) {
	if PrMemberEntryID != PrEntryID || TagName(PrMemberEntryID) != "PR_ENTRYID" {
		t.Fatal("PidTagMemberEntryId is 0x0FFF0102 (MS-OXCPERM)")
	}
}
