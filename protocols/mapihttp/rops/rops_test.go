package rops

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

// Values the cases share, with their wire forms.
var (
	fid     = mapi.EID(0x0807060504030201) // "0102030405060708"
	fidHex  = "0102030405060708"
	mid     = mapi.EID(0x1817161514131211)
	midHex  = "1112131415161718"
	guid    = mapi.GUID{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}
	guidHex = "000102030405060708090a0b0c0d0e0f"
	ltid    = mapi.LongTermID{GUID: guid, GlobCnt: mapi.GlobCnt{1, 2, 3, 4, 5, 6}}
	ltidHex = guidHex + "010203040506" + "0000"

	tagSubject     = mapi.PropTag(0x0037001F) // "1f003700"
	tagFlags       = mapi.PropTag(0x0E070003) // "0300070e"
	tagDisplayName = mapi.PropTag(0x3001001F) // "1f000130"
	tagRecipType   = mapi.PropTag(0x0C150003) // "0300150c"

	resExist    = &mapi.Restriction{Type: mapi.ResExist, Tag: tagSubject}
	resExistHex = "0500" + "08" + "1f003700" // RestrictionDataSize, RES_EXIST, tag

	pvFlags    = mapi.PropVal{Tag: tagFlags, Value: int32(5)}
	pvFlagsHex = "0300070e" + "05000000"

	nameLID    = mapi.NameByLID(guid, 0x8501)
	nameLIDHex = "00" + guidHex + "01850000"
	nameStr    = mapi.NameByString(guid, "A")
	nameStrHex = "01" + guidHex + "04" + "41000000"
)

func ok(i uint8) ResponseHeader { return ResponseHeader{HandleIndex: i} }

func std(vals ...mapi.PropVal) mapi.PropRow { return mapi.PropRow{Values: vals} }

// recipRow is a RecipientRow with type SMTP, E, D and U set, and the
// columns PR_DISPLAY_NAME, PR_RECIPIENT_TYPE; recipRowHex is its wire
// form (MS-OXCDATA 2.8.3.2), 25 bytes.
var (
	recipRow = RecipientRow{
		RecipientFlags: 0x0003 | RecipientFlagE | RecipientFlagD | RecipientFlagU,
		EmailAddress:   "a@b",
		DisplayName:    "A",
		Properties:     std(mapi.PropVal{Tag: tagDisplayName, Value: "A"}, mapi.PropVal{Tag: tagRecipType, Value: int32(1)}),
	}
	recipRowHex = "1b02" + "6100400062000000" + "41000000" + "0200" + "00" + "41000000" + "01000000"
	recipCols   = []mapi.PropTag{tagDisplayName, tagRecipType}
)

// ropCase is one ROP: a request and a success response, each with its
// wire form written by hand from the MS-OXCROPS section named.
type ropCase struct {
	name    string
	spec    string // MS-OXCROPS section of the ROP
	req     Request
	reqHex  string
	resp    Response
	respHex string
	ctx     ResponseContext
	// parsed is what ParseResponse gives for respHex, if not resp.
	parsed Response
}

func logonResponseHex() string {
	var s strings.Builder
	s.WriteString("fe00" + "00000000" + "01") // RopId, OutputHandleIndex, ReturnValue, LogonFlags
	for i := range 13 {
		s.WriteString(hex.EncodeToString([]byte{byte(i + 1), 0, 0, 0, 0, 0, 0, 0}))
	}
	s.WriteString("01" + guidHex + "0100" + guidHex) // ResponseFlags, MailboxGuid, ReplId, ReplGuid
	s.WriteString("001e0c001d0bea07")                // LogonTime 12:30:00 Sun 29.11.2026
	s.WriteString("0000000000000000" + "00000000")   // GwartTime, StoreState
	return s.String()
}

func logonFolders() (f [13]mapi.EID) {
	for i := range f {
		f[i] = mapi.EID(i + 1)
	}
	return f
}

func cases() []ropCase {
	return []ropCase{
		{name: "Release", spec: "2.2.15.3",
			req: &ReleaseRequest{Header{0, 5}}, reqHex: "01 00 05"},
		{name: "OpenFolder", spec: "2.2.4.1",
			req:    &OpenFolderRequest{OutHeader: OutHeader{0, 1, 2}, FolderID: fid},
			reqHex: "02 00 01 02" + fidHex + "00",
			resp:   &OpenFolderResponse{ResponseHeader: ok(2), HasRules: true, IsGhosted: true, Ghost: Ghost{CheapServersCount: 1, Servers: []string{"a", "b"}}},
			// HasRules, IsGhosted, ServerCount, CheapServerCount, Servers
			respHex: "02 02 00000000 01 01 0200 0100 6100 6200"},
		{name: "OpenMessage", spec: "2.2.6.1",
			req:    &OpenMessageRequest{OutHeader: OutHeader{0, 1, 2}, CodePageID: 1252, FolderID: fid, MessageID: mid},
			reqHex: "03 00 01 02 e404" + fidHex + "00" + midHex,
			resp: &OpenMessageResponse{ResponseHeader: ok(2), MessageHeader: MessageHeader{
				HasNamedProperties: true,
				SubjectPrefix:      TypedString{StringTypeString8, "RE: "},
				NormalizedSubject:  TypedString{StringTypeUnicode, "A"},
				RecipientCount:     1,
				RecipientColumns:   recipCols,
				RecipientRows: []OpenRecipientRow{{
					RecipientRowHeader: RecipientRowHeader{RecipientType: 1, CodePageID: 1252},
					RecipientRow:       recipRow,
				}},
			}},
			// HasNamedProperties, SubjectPrefix, NormalizedSubject,
			// RecipientCount, ColumnCount, RecipientColumns, RowCount,
			// RecipientType, CodePageId, Reserved, RecipientRowSize, RecipientRow
			respHex: "03 02 00000000 01 02 52453a2000 04 41000000 0100 0200 1f000130 0300150c 01" +
				"01 e404 0000 1900" + recipRowHex},
		{name: "GetHierarchyTable", spec: "2.2.4.13",
			req: &GetHierarchyTableRequest{OutHeader: OutHeader{0, 1, 2}, TableFlags: TableFlagDepth}, reqHex: "04 00 01 02 04",
			resp: &GetHierarchyTableResponse{ResponseHeader: ok(2), RowCount: 10}, respHex: "04 02 00000000 0a000000"},
		{name: "GetContentsTable", spec: "2.2.4.14",
			req: &GetContentsTableRequest{OutHeader: OutHeader{0, 1, 2}}, reqHex: "05 00 01 02 00",
			resp: &GetContentsTableResponse{ResponseHeader: ok(2), RowCount: 3}, respHex: "05 02 00000000 03000000"},
		{name: "CreateMessage", spec: "2.2.6.2",
			req:    &CreateMessageRequest{OutHeader: OutHeader{0, 1, 2}, CodePageID: 1252, FolderID: fid},
			reqHex: "06 00 01 02 e404" + fidHex + "00",
			resp:   &CreateMessageResponse{ResponseHeader: ok(2), HasMessageID: true, MessageID: mid}, respHex: "06 02 00000000 01" + midHex},
		{name: "GetPropertiesSpecific", spec: "2.2.8.3",
			req:    &GetPropertiesSpecificRequest{Header: Header{0, 1}, WantUnicode: 1, PropertyTags: []mapi.PropTag{tagSubject, tagFlags}},
			reqHex: "07 00 01 0000 0100 0200 1f003700 0300070e",
			ctx:    ResponseContext{Columns: []mapi.PropTag{tagSubject, tagFlags}},
			resp: &GetPropertiesSpecificResponse{ResponseHeader: ok(1), Columns: []mapi.PropTag{tagSubject, tagFlags},
				RowData: std(mapi.PropVal{Tag: tagSubject, Value: "A"}, pvFlags)},
			respHex: "07 01 00000000 00 41000000 05000000"},
		{name: "GetPropertiesAll", spec: "2.2.8.4",
			req: &GetPropertiesAllRequest{Header: Header{0, 1}, WantUnicode: 1}, reqHex: "08 00 01 0000 0100",
			resp: &GetPropertiesAllResponse{ResponseHeader: ok(1), PropertyValues: []mapi.PropVal{pvFlags}}, respHex: "08 01 00000000 0100" + pvFlagsHex},
		{name: "GetPropertiesList", spec: "2.2.8.5",
			req: &GetPropertiesListRequest{Header{0, 1}}, reqHex: "09 00 01",
			resp: &GetPropertiesListResponse{ResponseHeader: ok(1), PropertyTags: []mapi.PropTag{tagSubject}}, respHex: "09 01 00000000 0100 1f003700"},
		{name: "SetProperties", spec: "2.2.8.6",
			req: &SetPropertiesRequest{Header: Header{0, 1}, PropertyValues: []mapi.PropVal{pvFlags}},
			// PropertyValueSize counts PropertyValueCount and PropertyValues
			reqHex: "0a 00 01 0a00 0100" + pvFlagsHex,
			resp: &SetPropertiesResponse{ProblemsResponse{ResponseHeader: ok(1),
				PropertyProblems: []PropertyProblem{{Index: 0, PropertyTag: tagFlags, ErrorCode: mapi.ErrorCode(0x8004010F)}}}},
			respHex: "0a 01 00000000 0100 0000 0300070e 0f010480"},
		{name: "DeleteProperties", spec: "2.2.8.8",
			req: &DeletePropertiesRequest{Header: Header{0, 1}, PropertyTags: []mapi.PropTag{tagSubject}}, reqHex: "0b 00 01 0100 1f003700",
			resp: &DeletePropertiesResponse{ProblemsResponse{ResponseHeader: ok(1), PropertyProblems: []PropertyProblem{}}}, respHex: "0b 01 00000000 0000"},
		{name: "SaveChangesMessage", spec: "2.2.6.3",
			req: &SaveChangesMessageRequest{ResponseHandleHeader: ResponseHandleHeader{0, 2, 1}, SaveFlags: 0x0C}, reqHex: "0c 00 02 01 0c",
			resp: &SaveChangesMessageResponse{ResponseHeader: ok(2), InputHandleIndex: 1, MessageID: mid}, respHex: "0c 02 00000000 01" + midHex},
		{name: "RemoveAllRecipients", spec: "2.2.6.4",
			req: &RemoveAllRecipientsRequest{Header: Header{0, 1}}, reqHex: "0d 00 01 00000000",
			resp: &RemoveAllRecipientsResponse{ok(1)}, respHex: "0d 01 00000000"},
		{name: "ModifyRecipients", spec: "2.2.6.5",
			req: &ModifyRecipientsRequest{Header: Header{0, 1}, RecipientColumns: []mapi.PropTag{tagDisplayName},
				RecipientRows: []ModifyRecipientRow{
					{RowID: 0, RecipientType: 1, RecipientRow: &RecipientRow{RecipientFlags: RecipientFlagD | RecipientFlagU, DisplayName: "A",
						Properties: std(mapi.PropVal{Tag: tagDisplayName, Value: "A"})}},
					{RowID: 1, RecipientType: 1}, // RecipientRowSize 0: delete
				}},
			reqHex: "0e 00 01 0100 1f000130 0200" +
				"00000000 01 0d00 1002 41000000 0100 00 41000000" +
				"01000000 01 0000",
			resp: &ModifyRecipientsResponse{ok(1)}, respHex: "0e 01 00000000"},
		{name: "ReadRecipients", spec: "2.2.6.6",
			req: &ReadRecipientsRequest{Header: Header{0, 1}}, reqHex: "0f 00 01 00000000 0000",
			ctx: ResponseContext{Columns: recipCols},
			resp: &ReadRecipientsResponse{ResponseHeader: ok(1), Columns: recipCols, RecipientRows: []ReadRecipientRow{{RowID: 7,
				OpenRecipientRow: OpenRecipientRow{RecipientRowHeader: RecipientRowHeader{RecipientType: 1, CodePageID: 1252}, RecipientRow: recipRow}}}},
			respHex: "0f 01 00000000 01 07000000 01 e404 0000 1900" + recipRowHex},
		{name: "ReloadCachedInformation", spec: "2.2.6.7",
			req: &ReloadCachedInformationRequest{Header: Header{0, 1}}, reqHex: "10 00 01 0000",
			resp: &ReloadCachedInformationResponse{ResponseHeader: ok(1), MessageHeader: MessageHeader{
				SubjectPrefix: TypedString{StringType: StringTypeNone}, NormalizedSubject: TypedString{StringType: StringTypeEmpty},
				RecipientColumns: []mapi.PropTag{}, RecipientRows: []OpenRecipientRow{}}},
			respHex: "10 01 00000000 00 00 01 0000 0000 00"},
		{name: "SetMessageReadFlag", spec: "2.2.6.11",
			req:     &SetMessageReadFlagRequest{ResponseHandleHeader: ResponseHandleHeader{0, 2, 1}, ReadFlags: 0x01},
			reqHex:  "11 00 02 01 01", // private logon: no ClientData
			resp:    &SetMessageReadFlagResponse{ResponseHeader: ok(2), ReadStatusChanged: true, ClientData: [24]byte{1, 2, 3}},
			respHex: "11 02 00000000 01 00 010203" + strings.Repeat("00", 21)},
		{name: "SetColumns", spec: "2.2.5.1",
			req: &SetColumnsRequest{Header: Header{0, 1}, PropertyTags: []mapi.PropTag{tagSubject, tagFlags}}, reqHex: "12 00 01 00 0200 1f003700 0300070e",
			resp: &SetColumnsResponse{StatusResponse{ResponseHeader: ok(1)}}, respHex: "12 01 00000000 00"},
		{name: "SortTable", spec: "2.2.5.2",
			req: &SortTableRequest{Header: Header{0, 1}, SortOrderSet: mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: tagSubject, Order: mapi.SortAscend}}}},
			// SortTableFlags, SortOrderCount, CategoryCount, ExpandedCount, SortOrders
			reqHex: "13 00 01 00 0100 0000 0000 1f003700 00",
			resp:   &SortTableResponse{StatusResponse{ResponseHeader: ok(1)}}, respHex: "13 01 00000000 00"}, // MS-OXCTABL 4.3.2
		{name: "Restrict", spec: "2.2.5.3",
			req: &RestrictRequest{Header: Header{0, 1}, Restriction: resExist}, reqHex: "14 00 01 00" + resExistHex,
			resp: &RestrictResponse{StatusResponse{ResponseHeader: ok(1)}}, respHex: "14 01 00000000 00"},
		{name: "QueryRows", spec: "2.2.5.4",
			// MS-OXCTABL 4.5.3.1
			req: &QueryRowsRequest{Header: Header{0, 0}, ForwardRead: true, RowCount: 50}, reqHex: "15 00 00 00 01 3200",
			ctx: ResponseContext{Columns: []mapi.PropTag{tagSubject, tagFlags}},
			resp: &QueryRowsResponse{ResponseHeader: ok(0), Origin: BookmarkEnd, Columns: []mapi.PropTag{tagSubject, tagFlags}, RowData: []mapi.PropRow{
				std(mapi.PropVal{Tag: tagSubject, Value: "A"}, pvFlags),
				{Flagged: true, Values: []mapi.PropVal{{Tag: tagSubject, Value: "B"}, {Tag: tagFlags.WithType(mapi.PtError), Value: mapi.ErrorCode(0x8004010F)}}},
			}},
			// Origin, RowCount, a standard row, a flagged row with an error
			respHex: "15 00 00000000 02 0200 00 41000000 05000000 01 00 42000000 0a 0f010480"},
		{name: "GetStatus", spec: "2.2.5.6",
			req: &GetStatusRequest{Header{0, 1}}, reqHex: "16 00 01",
			resp: &GetStatusResponse{StatusResponse{ResponseHeader: ok(1), TableStatus: TableStatusSorting}}, respHex: "16 01 00000000 09"},
		{name: "QueryPosition", spec: "2.2.5.7",
			req: &QueryPositionRequest{Header{0, 1}}, reqHex: "17 00 01",
			resp: &QueryPositionResponse{ResponseHeader: ok(1), Numerator: 5, Denominator: 10}, respHex: "17 01 00000000 05000000 0a000000"},
		{name: "SeekRow", spec: "2.2.5.8",
			req: &SeekRowRequest{Header: Header{0, 1}, Origin: BookmarkEnd, RowCount: -1, WantRowMovedCount: true}, reqHex: "18 00 01 02 ffffffff 01",
			resp: &SeekRowResponse{ResponseHeader: ok(1), RowsSought: -1}, respHex: "18 01 00000000 00 ffffffff"},
		{name: "SeekRowBookmark", spec: "2.2.5.9",
			req: &SeekRowBookmarkRequest{Header: Header{0, 1}, Bookmark: []byte{1, 2, 3, 4}, RowCount: 5}, reqHex: "19 00 01 0400 01020304 05000000 00",
			resp: &SeekRowBookmarkResponse{ResponseHeader: ok(1), HasSoughtLess: true, RowsSought: 3}, respHex: "19 01 00000000 00 01 03000000"},
		{name: "SeekRowFractional", spec: "2.2.5.10",
			req: &SeekRowFractionalRequest{Header: Header{0, 1}, Numerator: 1, Denominator: 2}, reqHex: "1a 00 01 01000000 02000000",
			resp: &SeekRowFractionalResponse{ok(1)}, respHex: "1a 01 00000000"},
		{name: "CreateBookmark", spec: "2.2.5.11",
			req: &CreateBookmarkRequest{Header{0, 1}}, reqHex: "1b 00 01",
			resp: &CreateBookmarkResponse{ResponseHeader: ok(1), Bookmark: []byte{1, 2, 3, 4}}, respHex: "1b 01 00000000 0400 01020304"},
		{name: "CreateFolder", spec: "2.2.4.2",
			req: &CreateFolderRequest{OutHeader: OutHeader{0, 1, 2}, FolderType: 1, UseUnicodeStrings: true, DisplayName: "A"},
			// FolderType, UseUnicodeStrings, OpenExisting, Reserved, DisplayName, Comment
			reqHex: "1c 00 01 02 01 01 00 00 41000000 0000",
			resp:   &CreateFolderResponse{ResponseHeader: ok(2), FolderID: fid}, respHex: "1c 02 00000000" + fidHex + "00"},
		{name: "DeleteFolder", spec: "2.2.4.3",
			req: &DeleteFolderRequest{Header: Header{0, 1}, DeleteFolderFlags: 0x05, FolderID: fid}, reqHex: "1d 00 01 05" + fidHex,
			resp: &DeleteFolderResponse{PartialResponse{ResponseHeader: ok(1)}}, respHex: "1d 01 00000000 00"},
		{name: "DeleteMessages", spec: "2.2.4.11",
			req:    &DeleteMessagesRequest{Header: Header{0, 1}, NotifyNonRead: true, MessageIDs: []mapi.EID{fid, mid}},
			reqHex: "1e 00 01 00 01 0200" + fidHex + midHex,
			resp:   &DeleteMessagesResponse{PartialResponse{ResponseHeader: ok(1), PartialCompletion: true}}, respHex: "1e 01 00000000 01"},
		{name: "GetMessageStatus", spec: "2.2.6.9",
			req: &GetMessageStatusRequest{Header: Header{0, 1}, MessageID: mid}, reqHex: "1f 00 01" + midHex,
			resp: &GetMessageStatusResponse{MessageStatusResponse{ResponseHeader: ok(1), MessageStatusFlags: 0x1000}},
			// The response has RopId 0x20, RopSetMessageStatus's (2.2.6.9.2).
			respHex: "20 01 00000000 00100000",
			parsed:  &SetMessageStatusResponse{MessageStatusResponse{ResponseHeader: ok(1), MessageStatusFlags: 0x1000}}},
		{name: "SetMessageStatus", spec: "2.2.6.8",
			req:    &SetMessageStatusRequest{Header: Header{0, 1}, MessageID: mid, MessageStatusFlags: 0x1000, MessageStatusMask: 0x1000},
			reqHex: "20 00 01" + midHex + "00100000 00100000",
			resp:   &SetMessageStatusResponse{MessageStatusResponse{ResponseHeader: ok(1)}}, respHex: "20 01 00000000 00000000"},
		{name: "GetAttachmentTable", spec: "2.2.6.17",
			req: &GetAttachmentTableRequest{OutHeader: OutHeader{0, 1, 2}}, reqHex: "21 00 01 02 00",
			resp: &GetAttachmentTableResponse{ok(2)}, respHex: "21 02 00000000"},
		{name: "OpenAttachment", spec: "2.2.6.12",
			req: &OpenAttachmentRequest{OutHeader: OutHeader{0, 1, 2}, OpenAttachmentFlags: 1, AttachmentID: 3}, reqHex: "22 00 01 02 01 03000000",
			resp: &OpenAttachmentResponse{ok(2)}, respHex: "22 02 00000000"},
		{name: "CreateAttachment", spec: "2.2.6.13",
			req: &CreateAttachmentRequest{OutHeader{0, 1, 2}}, reqHex: "23 00 01 02",
			resp: &CreateAttachmentResponse{ResponseHeader: ok(2), AttachmentID: 4}, respHex: "23 02 00000000 04000000"},
		{name: "DeleteAttachment", spec: "2.2.6.14",
			req: &DeleteAttachmentRequest{Header: Header{0, 1}, AttachmentID: 1}, reqHex: "24 00 01 01000000",
			resp: &DeleteAttachmentResponse{ok(1)}, respHex: "24 01 00000000"},
		{name: "SaveChangesAttachment", spec: "2.2.6.15",
			req: &SaveChangesAttachmentRequest{ResponseHandleHeader: ResponseHandleHeader{0, 2, 1}, SaveFlags: 0x0C}, reqHex: "25 00 02 01 0c",
			resp: &SaveChangesAttachmentResponse{ok(2)}, respHex: "25 02 00000000"},
		{name: "SetReceiveFolder", spec: "2.2.3.3",
			req: &SetReceiveFolderRequest{Header: Header{0, 0}, FolderID: fid, MessageClass: "IPM.Note"}, reqHex: "26 00 00" + fidHex + "49504d2e4e6f746500",
			resp: &SetReceiveFolderResponse{ok(0)}, respHex: "26 00 00000000"},
		{name: "GetReceiveFolder", spec: "2.2.3.2",
			req: &GetReceiveFolderRequest{Header: Header{0, 0}, MessageClass: "IPM"}, reqHex: "27 00 00 49504d00",
			resp: &GetReceiveFolderResponse{ResponseHeader: ok(0), FolderID: fid, ExplicitMessageClass: "IPM"}, respHex: "27 00 00000000" + fidHex + "49504d00"},
		{name: "RegisterNotification", spec: "2.2.14.1",
			req: &RegisterNotificationRequest{OutHeader: OutHeader{0, 0, 1}, NotificationTypes: 0x00FE, FolderID: fid, MessageID: mid},
			// NotificationTypes, WantWholeStore, FolderId, MessageId (no Reserved without Extended)
			reqHex: "29 00 00 01 fe00 00" + fidHex + midHex,
			resp:   &RegisterNotificationResponse{ok(1)}, respHex: "29 01 00000000"},
		{name: "OpenStream", spec: "2.2.9.1",
			req: &OpenStreamRequest{OutHeader: OutHeader{0, 1, 2}, PropertyTag: 0x1000001F}, reqHex: "2b 00 01 02 1f000010 00",
			resp: &OpenStreamResponse{ResponseHeader: ok(2), StreamSize: 16}, respHex: "2b 02 00000000 10000000"},
		{name: "ReadStream", spec: "2.2.9.2",
			req: &ReadStreamRequest{Header: Header{0, 1}, ByteCount: ReadStreamMaximum, MaximumByteCount: 0x10000}, reqHex: "2c 00 01 beba 00000100",
			resp: &ReadStreamResponse{ResponseHeader: ok(1), Data: []byte("abc")}, respHex: "2c 01 00000000 0300 616263"},
		{name: "WriteStream", spec: "2.2.9.3",
			req: &WriteStreamRequest{Header: Header{0, 1}, Data: []byte("abc")}, reqHex: "2d 00 01 0300 616263",
			resp: &WriteStreamResponse{WrittenResponse{ResponseHeader: ok(1), WrittenSize: 3}}, respHex: "2d 01 00000000 0300"},
		{name: "SeekStream", spec: "2.2.9.8",
			req: &SeekStreamRequest{Header: Header{0, 1}, Origin: 1, Offset: 10}, reqHex: "2e 00 01 01 0a00000000000000",
			resp: &SeekStreamResponse{ResponseHeader: ok(1), NewPosition: 10}, respHex: "2e 01 00000000 0a00000000000000"},
		{name: "SetStreamSize", spec: "2.2.9.7",
			req: &SetStreamSizeRequest{Header: Header{0, 1}, StreamSize: 256}, reqHex: "2f 00 01 0001000000000000",
			resp: &SetStreamSizeResponse{ok(1)}, respHex: "2f 01 00000000"},
		{name: "SetSearchCriteria", spec: "2.2.4.4",
			req:    &SetSearchCriteriaRequest{Header: Header{0, 1}, Restriction: resExist, FolderIDs: []mapi.EID{fid}, SearchFlags: 0x02},
			reqHex: "30 00 01" + resExistHex + "0100" + fidHex + "02000000",
			resp:   &SetSearchCriteriaResponse{ok(1)}, respHex: "30 01 00000000"},
		{name: "GetSearchCriteria", spec: "2.2.4.5",
			req: &GetSearchCriteriaRequest{Header: Header{0, 1}, UseUnicode: true, IncludeRestriction: true, IncludeFolders: true}, reqHex: "31 00 01 01 01 01",
			resp:    &GetSearchCriteriaResponse{ResponseHeader: ok(1), Restriction: resExist, FolderIDs: []mapi.EID{fid}, SearchFlags: 0x1000},
			respHex: "31 01 00000000" + resExistHex + "00 0100" + fidHex + "00100000"},
		{name: "SubmitMessage", spec: "2.2.7.1",
			req: &SubmitMessageRequest{Header: Header{0, 1}}, reqHex: "32 00 01 00",
			resp: &SubmitMessageResponse{ok(1)}, respHex: "32 01 00000000"},
		{name: "MoveCopyMessages", spec: "2.2.4.6",
			req:    &MoveCopyMessagesRequest{CopyHeader: CopyHeader{0, 1, 2}, MessageIDs: []mapi.EID{mid}, WantCopy: true},
			reqHex: "33 00 01 02 0100" + midHex + "00 01",
			resp:   &MoveCopyMessagesResponse{MoveResponse{ResponseHeader: ok(1)}}, respHex: "33 01 00000000 00"},
		{name: "AbortSubmit", spec: "2.2.7.2",
			req: &AbortSubmitRequest{Header: Header{0, 1}, FolderID: fid, MessageID: mid}, reqHex: "34 00 01" + fidHex + midHex,
			resp: &AbortSubmitResponse{ok(1)}, respHex: "34 01 00000000"},
		{name: "MoveFolder", spec: "2.2.4.7",
			req:    &MoveFolderRequest{CopyHeader: CopyHeader{0, 1, 2}, UseUnicode: true, FolderID: fid, NewFolderName: "B"},
			reqHex: "35 00 01 02 00 01" + fidHex + "42000000",
			resp:   &MoveFolderResponse{MoveResponse{ResponseHeader: ok(1)}}, respHex: "35 01 00000000 00"},
		{name: "CopyFolder", spec: "2.2.4.8",
			req:    &CopyFolderRequest{CopyHeader: CopyHeader{0, 1, 2}, WantRecursive: true, FolderID: fid, NewFolderName: "B"},
			reqHex: "36 00 01 02 00 01 00" + fidHex + "4200", // 8-bit name without UseUnicode
			resp:   &CopyFolderResponse{MoveResponse{ResponseHeader: ok(1), PartialCompletion: true}}, respHex: "36 01 00000000 01"},
		{name: "QueryColumnsAll", spec: "2.2.5.12",
			req: &QueryColumnsAllRequest{Header{0, 1}}, reqHex: "37 00 01",
			resp: &QueryColumnsAllResponse{ResponseHeader: ok(1), PropertyTags: []mapi.PropTag{tagSubject}}, respHex: "37 01 00000000 0100 1f003700"},
		{name: "Abort", spec: "2.2.5.5",
			req: &AbortRequest{Header{0, 1}}, reqHex: "38 00 01",
			resp: &AbortResponse{StatusResponse{ResponseHeader: ok(1)}}, respHex: "38 01 00000000 00"},
		{name: "CopyTo", spec: "2.2.8.12",
			req:    &CopyToRequest{CopyHeader: CopyHeader{0, 1, 2}, WantSubObjects: true, ExcludedTags: []mapi.PropTag{tagSubject}},
			reqHex: "39 00 01 02 00 01 00 0100 1f003700",
			resp:   &CopyToResponse{CopyResponse{ResponseHeader: ok(1), PropertyProblems: []PropertyProblem{}}}, respHex: "39 01 00000000 0000"},
		{name: "CopyToStream", spec: "2.2.9.9",
			req: &CopyToStreamRequest{CopyHeader: CopyHeader{0, 1, 2}, ByteCount: 256}, reqHex: "3a 00 01 02 0001000000000000",
			resp:    &CopyToStreamResponse{ResponseHeader: ok(1), ReadByteCount: 256, WrittenByteCount: 256},
			respHex: "3a 01 00000000 0001000000000000 0001000000000000"},
		{name: "CloneStream", spec: "2.2.9.13",
			req: &CloneStreamRequest{OutHeader{0, 1, 2}}, reqHex: "3b 00 01 02",
			resp: &CloneStreamResponse{ok(2)}, respHex: "3b 02 00000000"},
		{name: "GetPermissionsTable", spec: "2.2.10.2",
			req: &GetPermissionsTableRequest{OutHeader: OutHeader{0, 1, 2}}, reqHex: "3e 00 01 02 00",
			resp: &GetPermissionsTableResponse{ok(2)}, respHex: "3e 02 00000000"},
		{name: "GetRulesTable", spec: "2.2.11.2",
			req: &GetRulesTableRequest{OutHeader: OutHeader{0, 1, 2}}, reqHex: "3f 00 01 02 00",
			resp: &GetRulesTableResponse{ok(2)}, respHex: "3f 02 00000000"},
		{name: "ModifyPermissions", spec: "2.2.10.1",
			req: &ModifyPermissionsRequest{Header: Header{0, 1}, PermissionsData: []PermissionData{{PermissionDataFlags: 1, PropertyValues: []mapi.PropVal{
				{Tag: 0x0FFF0102, Value: []byte{}}, {Tag: 0x66730003, Value: int32(0x400)}}}}},
			// ModifyFlags, ModifyCount, PermissionDataFlags, PropertyValueCount, PropertyValues
			reqHex: "40 00 01 00 0100 01 0200 0201ff0f 0000 03007366 00040000",
			resp:   &ModifyPermissionsResponse{ok(1)}, respHex: "40 01 00000000"},
		{name: "ModifyRules", spec: "2.2.11.1",
			req:    &ModifyRulesRequest{Header: Header{0, 1}, RulesData: []RuleData{{RuleDataFlags: 1, PropertyValues: []mapi.PropVal{{Tag: 0x66760003, Value: int32(10)}}}}},
			reqHex: "41 00 01 00 0100 01 0100 03007666 0a000000",
			resp:   &ModifyRulesResponse{ok(1)}, respHex: "41 01 00000000"},
		{name: "GetOwningServers", spec: "2.2.3.6",
			req: &GetOwningServersRequest{Header: Header{0, 0}, FolderID: fid}, reqHex: "42 00 00" + fidHex,
			resp: &GetOwningServersResponse{ResponseHeader: ok(0), CheapServersCount: 1, OwningServers: []string{"a", "b"}}, respHex: "42 00 00000000 0200 0100 6100 6200"},
		{name: "LongTermIdFromId", spec: "2.2.3.8",
			req: &LongTermIDFromIDRequest{Header: Header{0, 0}, ObjectID: fid}, reqHex: "43 00 00" + fidHex,
			resp: &LongTermIDFromIDResponse{ResponseHeader: ok(0), LongTermID: ltid}, respHex: "43 00 00000000" + ltidHex},
		{name: "IdFromLongTermId", spec: "2.2.3.9",
			req: &IDFromLongTermIDRequest{Header: Header{0, 0}, LongTermID: ltid}, reqHex: "44 00 00" + ltidHex,
			resp: &IDFromLongTermIDResponse{ResponseHeader: ok(0), ObjectID: fid}, respHex: "44 00 00000000" + fidHex},
		{name: "PublicFolderIsGhosted", spec: "2.2.3.7",
			req: &PublicFolderIsGhostedRequest{Header: Header{0, 0}, FolderID: fid}, reqHex: "45 00 00" + fidHex,
			resp: &PublicFolderIsGhostedResponse{ResponseHeader: ok(0)}, respHex: "45 00 00000000 00"},
		{name: "OpenEmbeddedMessage", spec: "2.2.6.16",
			req: &OpenEmbeddedMessageRequest{OutHeader: OutHeader{0, 1, 2}, CodePageID: 1252}, reqHex: "46 00 01 02 e404 00",
			resp: &OpenEmbeddedMessageResponse{ResponseHeader: ok(2), MessageID: mid, MessageHeader: MessageHeader{
				NormalizedSubject: TypedString{StringTypeString8, "x"}, RecipientColumns: []mapi.PropTag{}, RecipientRows: []OpenRecipientRow{}}},
			// Reserved, MessageId, HasNamedProperties, SubjectPrefix, NormalizedSubject, counts
			respHex: "46 02 00000000 00" + midHex + "00 00 027800 0000 0000 00"},
		{name: "SetSpooler", spec: "2.2.7.4",
			req: &SetSpoolerRequest{Header{0, 0}}, reqHex: "47 00 00",
			resp: &SetSpoolerResponse{ok(0)}, respHex: "47 00 00000000"},
		{name: "SpoolerLockMessage", spec: "2.2.7.5",
			req: &SpoolerLockMessageRequest{Header: Header{0, 0}, MessageID: mid, LockState: 1}, reqHex: "48 00 00" + midHex + "01",
			resp: &SpoolerLockMessageResponse{ok(0)}, respHex: "48 00 00000000"},
		{name: "GetAddressTypes", spec: "2.2.7.3",
			req: &GetAddressTypesRequest{Header{0, 0}}, reqHex: "49 00 00",
			// AddressTypeCount, AddressTypeSize (bytes of the strings), AddressTypes
			resp: &GetAddressTypesResponse{ResponseHeader: ok(0), AddressTypes: []string{"SMTP", "EX"}}, respHex: "49 00 00000000 0200 0800 534d545000 455800"},
		{name: "TransportSend", spec: "2.2.7.6",
			req: &TransportSendRequest{Header{0, 1}}, reqHex: "4a 00 01",
			resp: &TransportSendResponse{ResponseHeader: ok(1), PropertyValues: []mapi.PropVal{pvFlags}}, respHex: "4a 01 00000000 00 0100" + pvFlagsHex},
		{name: "FindRow", spec: "2.2.5.13",
			req:     &FindRowRequest{Header: Header{0, 1}, Restriction: resExist},
			reqHex:  "4f 00 01 00" + resExistHex + "00 0000",
			ctx:     ResponseContext{Columns: []mapi.PropTag{tagSubject}},
			resp:    &FindRowResponse{ResponseHeader: ok(1), HasRowData: true, Columns: []mapi.PropTag{tagSubject}, RowData: std(mapi.PropVal{Tag: tagSubject, Value: "A"})},
			respHex: "4f 01 00000000 00 01 00 41000000"},
		{name: "Progress", spec: "2.2.8.13",
			req: &ProgressRequest{Header: Header{0, 1}}, reqHex: "50 00 01 00",
			resp: &ProgressResponse{ResponseHeader: ok(1), CompletedTaskCount: 1, TotalTaskCount: 2}, respHex: "50 01 00000000 00 01000000 02000000"},
		{name: "TransportNewMail", spec: "2.2.7.7",
			req:    &TransportNewMailRequest{Header: Header{0, 0}, MessageID: mid, FolderID: fid, MessageClass: "IPM.Note", MessageFlags: 1},
			reqHex: "51 00 00" + midHex + fidHex + "49504d2e4e6f746500 01000000",
			resp:   &TransportNewMailResponse{ok(0)}, respHex: "51 00 00000000"},
		{name: "GetValidAttachments", spec: "2.2.6.18",
			req: &GetValidAttachmentsRequest{Header{0, 1}}, reqHex: "52 00 01",
			resp: &GetValidAttachmentsResponse{ResponseHeader: ok(1), AttachmentIDs: []uint32{0, 1}}, respHex: "52 01 00000000 0200 00000000 01000000"},
		{name: "GetNamesFromPropertyIds", spec: "2.2.8.2",
			req: &GetNamesFromPropertyIDsRequest{Header: Header{0, 1}, PropertyIDs: []uint16{0x8001}}, reqHex: "55 00 01 0100 0180",
			resp: &GetNamesFromPropertyIDsResponse{ResponseHeader: ok(1), PropertyNames: []mapi.PropName{nameLID}}, respHex: "55 01 00000000 0100" + nameLIDHex},
		{name: "GetPropertyIdsFromNames", spec: "2.2.8.1",
			req:    &GetPropertyIDsFromNamesRequest{Header: Header{0, 1}, Flags: 0x02, PropertyNames: []mapi.PropName{nameLID, nameStr}},
			reqHex: "56 00 01 02 0200" + nameLIDHex + nameStrHex,
			resp:   &GetPropertyIDsFromNamesResponse{ResponseHeader: ok(1), PropertyIDs: []uint16{0x8001, 0x8002}}, respHex: "56 01 00000000 0200 0180 0280"},
		{name: "UpdateDeferredActionMessages", spec: "2.2.11.3",
			req: &UpdateDeferredActionMessagesRequest{Header: Header{0, 1}, ServerEntryID: []byte{1, 2}, ClientEntryID: []byte{3}}, reqHex: "57 00 01 0200 0102 0100 03",
			resp: &UpdateDeferredActionMessagesResponse{ok(1)}, respHex: "57 01 00000000"},
		{name: "EmptyFolder", spec: "2.2.4.9",
			req: &EmptyFolderRequest{Header: Header{0, 1}, WantDeleteAssociated: true}, reqHex: "58 00 01 00 01",
			resp: &EmptyFolderResponse{PartialResponse{ResponseHeader: ok(1)}}, respHex: "58 01 00000000 00"},
		{name: "ExpandRow", spec: "2.2.5.16",
			req: &ExpandRowRequest{Header: Header{0, 1}, MaxRowCount: 10, CategoryID: 0x0807060504030201}, reqHex: "59 00 01 0a00 0102030405060708",
			ctx:     ResponseContext{Columns: []mapi.PropTag{tagFlags}},
			resp:    &ExpandRowResponse{ResponseHeader: ok(1), ExpandedRowCount: 5, Columns: []mapi.PropTag{tagFlags}, RowData: []mapi.PropRow{std(pvFlags)}},
			respHex: "59 01 00000000 05000000 0100 00 05000000"},
		{name: "CollapseRow", spec: "2.2.5.17",
			req: &CollapseRowRequest{Header: Header{0, 1}, CategoryID: 0x0807060504030201}, reqHex: "5a 00 01 0102030405060708",
			resp: &CollapseRowResponse{ResponseHeader: ok(1), CollapsedRowCount: 3}, respHex: "5a 01 00000000 03000000"},
		{name: "LockRegionStream", spec: "2.2.9.10",
			req:    &LockRegionStreamRequest{Header: Header{0, 1}, RegionSize: 256, LockFlags: 1},
			reqHex: "5b 00 01 0000000000000000 0001000000000000 01000000",
			resp:   &LockRegionStreamResponse{ok(1)}, respHex: "5b 01 00000000"},
		{name: "UnlockRegionStream", spec: "2.2.9.11",
			req:    &UnlockRegionStreamRequest{Header: Header{0, 1}, RegionSize: 256, LockFlags: 1},
			reqHex: "5c 00 01 0000000000000000 0001000000000000 01000000",
			resp:   &UnlockRegionStreamResponse{ok(1)}, respHex: "5c 01 00000000"},
		{name: "CommitStream", spec: "2.2.9.5",
			req: &CommitStreamRequest{Header{0, 1}}, reqHex: "5d 00 01",
			resp: &CommitStreamResponse{ok(1)}, respHex: "5d 01 00000000"},
		{name: "GetStreamSize", spec: "2.2.9.6",
			req: &GetStreamSizeRequest{Header{0, 1}}, reqHex: "5e 00 01",
			resp: &GetStreamSizeResponse{ResponseHeader: ok(1), StreamSize: 3}, respHex: "5e 01 00000000 03000000"},
		{name: "QueryNamedProperties", spec: "2.2.8.10",
			req: &QueryNamedPropertiesRequest{Header: Header{0, 1}, HasGUID: true, PropertyGUID: guid}, reqHex: "5f 00 01 00 01" + guidHex,
			// IdCount, PropertyIds, PropertyNames
			resp: &QueryNamedPropertiesResponse{ResponseHeader: ok(1), PropertyIDs: []uint16{0x8001}, PropertyNames: []mapi.PropName{nameLID}}, respHex: "5f 01 00000000 0100 0180" + nameLIDHex},
		{name: "GetPerUserLongTermIds", spec: "2.2.3.10",
			req: &GetPerUserLongTermIDsRequest{Header: Header{0, 0}, DatabaseGUID: guid}, reqHex: "60 00 00" + guidHex,
			resp: &GetPerUserLongTermIDsResponse{ResponseHeader: ok(0), LongTermIDs: []mapi.LongTermID{ltid}}, respHex: "60 00 00000000 0100" + ltidHex},
		{name: "GetPerUserGuid", spec: "2.2.3.11",
			req: &GetPerUserGUIDRequest{Header: Header{0, 0}, LongTermID: ltid}, reqHex: "61 00 00" + ltidHex,
			resp: &GetPerUserGUIDResponse{ResponseHeader: ok(0), DatabaseGUID: guid}, respHex: "61 00 00000000" + guidHex},
		{name: "ReadPerUserInformation", spec: "2.2.3.12",
			req:    &ReadPerUserInformationRequest{Header: Header{0, 0}, FolderID: ltid, MaxDataSize: 0x1000},
			reqHex: "63 00 00" + ltidHex + "00 00000000 0010",
			resp:   &ReadPerUserInformationResponse{ResponseHeader: ok(0), HasFinished: true, Data: []byte{1, 2, 3}}, respHex: "63 00 00000000 01 0300 010203"},
		{name: "WritePerUserInformation", spec: "2.2.3.13",
			req: &WritePerUserInformationRequest{Header: Header{0, 0}, FolderID: ltid, HasFinished: true, Data: []byte{1, 2, 3}, ReplGUID: guid},
			// private logon and DataOffset 0: ReplGuid follows
			reqHex: "64 00 00" + ltidHex + "01 00000000 0300 010203" + guidHex,
			resp:   &WritePerUserInformationResponse{ok(0)}, respHex: "64 00 00000000"},
		{name: "SetReadFlags", spec: "2.2.6.10",
			req: &SetReadFlagsRequest{Header: Header{0, 1}, ReadFlags: 0x04, MessageIDs: []mapi.EID{mid}}, reqHex: "66 00 01 00 04 0100" + midHex,
			resp: &SetReadFlagsResponse{PartialResponse{ResponseHeader: ok(1)}}, respHex: "66 01 00000000 00"},
		{name: "CopyProperties", spec: "2.2.8.11",
			req:    &CopyPropertiesRequest{CopyHeader: CopyHeader{0, 1, 2}, PropertyTags: []mapi.PropTag{tagSubject}},
			reqHex: "67 00 01 02 00 00 0100 1f003700",
			resp: &CopyPropertiesResponse{CopyResponse{ResponseHeader: ok(1),
				PropertyProblems: []PropertyProblem{{PropertyTag: tagSubject, ErrorCode: 0x8004010F}}}},
			respHex: "67 01 00000000 0100 0000 1f003700 0f010480"},
		{name: "GetReceiveFolderTable", spec: "2.2.3.4",
			req: &GetReceiveFolderTableRequest{Header{0, 0}}, reqHex: "68 00 00",
			resp: &GetReceiveFolderTableResponse{ResponseHeader: ok(0), Rows: []mapi.PropRow{std(
				mapi.PropVal{Tag: 0x67480014, Value: int64(fid)}, mapi.PropVal{Tag: 0x001A001E, Value: "IPM"}, mapi.PropVal{Tag: 0x30080040, Value: mapi.FileTime(1)})}},
			// RowCount (u32), then standard rows of FolderId, MessageClass, LastModificationTime
			respHex: "68 00 00000000 01000000 00" + fidHex + "49504d00 0100000000000000"},
		{name: "GetCollapseState", spec: "2.2.5.18",
			req: &GetCollapseStateRequest{Header: Header{0, 1}, RowID: 0x0807060504030201, RowInstanceNumber: 1}, reqHex: "6b 00 01 0102030405060708 01000000",
			resp: &GetCollapseStateResponse{ResponseHeader: ok(1), CollapseState: []byte{0xab, 0xcd}}, respHex: "6b 01 00000000 0200 abcd"},
		{name: "SetCollapseState", spec: "2.2.5.19",
			req: &SetCollapseStateRequest{Header: Header{0, 1}, CollapseState: []byte{0xab, 0xcd}}, reqHex: "6c 00 01 0200 abcd",
			resp: &SetCollapseStateResponse{ResponseHeader: ok(1), Bookmark: []byte{7}}, respHex: "6c 01 00000000 0100 07"},
		{name: "GetTransportFolder", spec: "2.2.7.8",
			req: &GetTransportFolderRequest{Header{0, 0}}, reqHex: "6d 00 00",
			resp: &GetTransportFolderResponse{ResponseHeader: ok(0), FolderID: fid}, respHex: "6d 00 00000000" + fidHex},
		{name: "OptionsData", spec: "2.2.7.9",
			req: &OptionsDataRequest{Header: Header{0, 0}, AddressType: "SMTP", WantWin32: true}, reqHex: "6f 00 00 534d545000 01",
			// Reserved, OptionsInfoSize, OptionsInfo, HelpFileSize, HelpFile, HelpFileName
			resp:    &OptionsDataResponse{ResponseHeader: ok(0), Reserved: 1, OptionsInfo: []byte{0xab, 0xcd}, HelpFile: []byte{7}, HelpFileName: "help"},
			respHex: "6f 00 00000000 01 0200 abcd 0100 07 68656c7000"},
		{name: "SetPropertiesNoReplicate", spec: "2.2.8.7",
			req: &SetPropertiesNoReplicateRequest{Header: Header{0, 1}, PropertyValues: []mapi.PropVal{pvFlags}}, reqHex: "79 00 01 0a00 0100" + pvFlagsHex,
			resp: &SetPropertiesNoReplicateResponse{ProblemsResponse{ResponseHeader: ok(1), PropertyProblems: []PropertyProblem{}}}, respHex: "79 01 00000000 0000"},
		{name: "DeletePropertiesNoReplicate", spec: "2.2.8.9",
			req: &DeletePropertiesNoReplicateRequest{Header: Header{0, 1}, PropertyTags: []mapi.PropTag{tagSubject}}, reqHex: "7a 00 01 0100 1f003700",
			resp: &DeletePropertiesNoReplicateResponse{ProblemsResponse{ResponseHeader: ok(1), PropertyProblems: []PropertyProblem{}}}, respHex: "7a 01 00000000 0000"},
		{name: "GetStoreState", spec: "2.2.3.5",
			req: &GetStoreStateRequest{Header{0, 0}}, reqHex: "7b 00 00",
			resp: &GetStoreStateResponse{ResponseHeader: ok(0)}, respHex: "7b 00 00000000 00000000"},
		{name: "GetLocalReplicaIds", spec: "2.2.13.13",
			req: &GetLocalReplicaIDsRequest{Header: Header{0, 1}, IDCount: 100}, reqHex: "7f 00 01 64000000",
			resp: &GetLocalReplicaIDsResponse{ResponseHeader: ok(1), ReplGUID: guid, GlobalCount: mapi.GlobCnt{1, 2, 3, 4, 5, 6}}, respHex: "7f 01 00000000" + guidHex + "010203040506"},
		{name: "ResetTable", spec: "2.2.5.15",
			req: &ResetTableRequest{Header{0, 1}}, reqHex: "81 00 01",
			resp: &ResetTableResponse{ok(1)}, respHex: "81 01 00000000"},
		{name: "FreeBookmark", spec: "2.2.5.14",
			req: &FreeBookmarkRequest{Header: Header{0, 1}, Bookmark: []byte{1, 2, 3, 4}}, reqHex: "89 00 01 0400 01020304",
			resp: &FreeBookmarkResponse{ok(1)}, respHex: "89 01 00000000"},
		{name: "WriteAndCommitStream", spec: "2.2.9.12",
			req: &WriteAndCommitStreamRequest{Header: Header{0, 1}, Data: []byte("abc")}, reqHex: "90 00 01 0300 616263",
			resp: &WriteAndCommitStreamResponse{WrittenResponse{ResponseHeader: ok(1), WrittenSize: 3}}, respHex: "90 01 00000000 0300"},
		{name: "HardDeleteMessages", spec: "2.2.4.12",
			req: &HardDeleteMessagesRequest{Header: Header{0, 1}, MessageIDs: []mapi.EID{mid}}, reqHex: "91 00 01 00 00 0100" + midHex,
			resp: &HardDeleteMessagesResponse{PartialResponse{ResponseHeader: ok(1)}}, respHex: "91 01 00000000 00"},
		{name: "HardDeleteMessagesAndSubfolders", spec: "2.2.4.10",
			req: &HardDeleteMessagesAndSubfoldersRequest{Header: Header{0, 1}, WantDeleteAssociated: true}, reqHex: "92 00 01 00 01",
			resp: &HardDeleteMessagesAndSubfoldersResponse{PartialResponse{ResponseHeader: ok(1)}}, respHex: "92 01 00000000 00"},
		{name: "Logon", spec: "2.2.3.1",
			req: &LogonRequest{LogonID: 0, OutputHandleIndex: 0, LogonFlags: LogonFlagPrivate, OpenFlags: 0x01000000, Essdn: "/o="},
			// LogonFlags, OpenFlags, StoreState, EssdnSize (with the terminator), Essdn
			reqHex: "fe 00 00 01 00000001 00000000 0400 2f6f3d00",
			resp: &LogonResponse{ResponseHeader: ok(0), LogonFlags: LogonFlagPrivate, FolderIDs: logonFolders(), ResponseFlags: 1,
				MailboxGUID: guid, ReplID: 1, ReplGUID: guid, LogonTime: LogonTime{Minutes: 30, Hour: 12, Day: 29, Month: 11, Year: 2026}},
			respHex: logonResponseHex()},
	}
}

// moreResponses are the other response layouts: other branches of the
// success responses, the failure responses with fields, and the responses
// without the common header.
func moreResponses() []ropCase {
	return []ropCase{
		{name: "Logon public", spec: "2.2.3.1.3",
			resp: &LogonResponse{ResponseHeader: ok(0), FolderIDs: logonFolders(), ReplID: 2, ReplGUID: guid, PerUserGUID: guid},
			respHex: "fe 00 00000000 00" + func() string {
				var s string
				for i := range 13 {
					s += hex.EncodeToString([]byte{byte(i + 1), 0, 0, 0, 0, 0, 0, 0})
				}
				return s
			}() + "0200" + guidHex + guidHex},
		{name: "Logon redirect", spec: "2.2.3.1.4",
			resp: &LogonResponse{ResponseHeader: ResponseHeader{ReturnValue: mapi.EcWrongServer}, LogonFlags: LogonFlagPrivate, ServerName: "srv"},
			// LogonFlags, ServerNameSize (with the terminator), ServerName
			respHex: "fe 00 78040000 01 04 73727600"},
		{name: "CreateFolder existing ghosted", spec: "2.2.4.2.2",
			resp:    &CreateFolderResponse{ResponseHeader: ok(2), FolderID: fid, IsExistingFolder: true, IsGhosted: true, Ghost: Ghost{Servers: []string{"s"}}},
			respHex: "1c 02 00000000" + fidHex + "01 00 01 0100 0000 7300"},
		{name: "MoveCopyMessages null destination", spec: "2.2.4.6.3",
			resp:    &MoveCopyMessagesResponse{MoveResponse{ResponseHeader: ResponseHeader{1, mapi.EcDstNullObject}, DestHandleIndex: 2, PartialCompletion: true}},
			respHex: "33 01 03050000 02000000 01"},
		{name: "CopyTo null destination", spec: "2.2.8.12.3",
			resp:    &CopyToResponse{CopyResponse{ResponseHeader: ResponseHeader{1, mapi.EcDstNullObject}, DestHandleIndex: 2}},
			respHex: "39 01 03050000 02000000"},
		{name: "CopyToStream null destination", spec: "2.2.9.9.3",
			resp:    &CopyToStreamResponse{ResponseHeader: ResponseHeader{1, mapi.EcDstNullObject}, DestHandleIndex: 2, ReadByteCount: 1},
			respHex: "3a 01 03050000 02000000 0100000000000000 0000000000000000"},
		{name: "ReadStream failure keeps its data", spec: "2.2.9.2.2",
			resp:    &ReadStreamResponse{ResponseHeader: ResponseHeader{1, 0x80030019}, Data: []byte{1}},
			respHex: "2c 01 19000380 0100 01"},
		{name: "TransportSend no properties", spec: "2.2.7.6.2",
			resp: &TransportSendResponse{ResponseHeader: ok(1), NoPropertiesReturned: true, PropertyValues: []mapi.PropVal{}}, respHex: "4a 01 00000000 01 0000"},
		{name: "FindRow no row", spec: "2.2.5.13.2",
			resp: &FindRowResponse{ResponseHeader: ok(1)}, respHex: "4f 01 00000000 00 00"},
		{name: "Notify NewMail", spec: "2.2.14.2; MS-OXCNOTIF 2.2.1.4.1.2",
			resp: &NotifyResponse{NotificationHandle: 1, NotificationData: NotificationData{NotificationFlags: NotificationNewMail | NotificationFlagM,
				FolderID: fid, MessageID: mid, UnicodeFlag: true, MessageClass: "IPM"}},
			// NotificationHandle, LogonId, NotificationFlags, FolderId, MessageId, MessageFlags, UnicodeFlag, MessageClass
			respHex: "2a 01000000 00 0280" + fidHex + midHex + "00000000 01 490050004d000000"},
		{name: "Notify folder modified with counts", spec: "MS-OXCNOTIF 2.2.1.4.1.2",
			resp: &NotifyResponse{NotificationHandle: 2, NotificationData: NotificationData{NotificationFlags: NotificationObjectModified | NotificationFlagT | NotificationFlagU,
				FolderID: fid, Tags: []mapi.PropTag{tagSubject}, TotalMessageCount: 5, UnreadMessageCount: 2}},
			respHex: "2a 02000000 00 1030" + fidHex + "0100 1f003700 05000000 02000000"},
		{name: "Notify folder created, all tags", spec: "MS-OXCNOTIF 2.2.1.4.1.2",
			resp: &NotifyResponse{NotificationHandle: 2, NotificationData: NotificationData{NotificationFlags: NotificationObjectCreated,
				FolderID: fid, ParentFolderID: mid, TagCountAll: true}},
			respHex: "2a 02000000 00 0400" + fidHex + midHex + "ffff"},
		{name: "Notify message moved", spec: "MS-OXCNOTIF 2.2.1.4.1.2",
			resp: &NotifyResponse{NotificationHandle: 3, NotificationData: NotificationData{NotificationFlags: NotificationObjectMoved | NotificationFlagM,
				FolderID: fid, MessageID: mid, OldFolderID: mid, OldMessageID: fid}},
			respHex: "2a 03000000 00 2080" + fidHex + midHex + midHex + fidHex},
		{name: "Notify table row added", spec: "MS-OXCNOTIF 2.2.1.4.1.2",
			ctx: ResponseContext{NotifyColumns: func(h uint32) []mapi.PropTag {
				if h == 4 {
					return []mapi.PropTag{tagSubject}
				}
				return nil
			}},
			resp: &NotifyResponse{NotificationHandle: 4, NotificationData: NotificationData{NotificationFlags: NotificationTableModified | NotificationFlagM,
				TableEventType: TableRowAdded, TableRowFolderID: fid, TableRowMessageID: mid, InsertAfterTableRowFolderID: fid, InsertAfterTableRowID: mid,
				Columns: []mapi.PropTag{tagSubject}, TableRowData: std(mapi.PropVal{Tag: tagSubject, Value: "A"})}},
			respHex: "2a 04000000 00 0081 0300" + fidHex + midHex + "00000000" + fidHex + midHex + "00000000 0500 00 41000000"},
		{name: "Notify table changed", spec: "MS-OXCNOTIF 2.2.1.4.1.2",
			resp:    &NotifyResponse{NotificationHandle: 5, NotificationData: NotificationData{NotificationFlags: NotificationTableModified, TableEventType: TableChanged}},
			respHex: "2a 05000000 00 0001 0100"},
		{name: "Pending", spec: "2.2.14.3",
			resp: &PendingResponse{SessionIndex: 1}, respHex: "6e 0100"},
		{name: "Backoff", spec: "2.2.15.2",
			resp: &BackoffResponse{Duration: 1000, BackoffRops: []BackoffRop{{RopIDBackoff: 0x15, Duration: 100}}},
			// LogonId, Duration, BackoffRopCount, BackoffRopData, AdditionalDataSize
			respHex: "f9 00 e8030000 01 15 64000000 0000"},
		{name: "BufferTooSmall", spec: "2.2.15.1",
			resp: &BufferTooSmallResponse{SizeNeeded: 0x100, RequestBuffers: []byte{0x15, 0, 0}}, respHex: "ff 0001 150000"},
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func putBytes(t testing.TB, v interface{ Put(*mapi.Writer) error }) []byte {
	t.Helper()
	w := mapi.NewWriter(mapi.CodecROP)
	if err := v.Put(w); err != nil {
		t.Fatalf("Put: %v", err)
	}
	return append([]byte(nil), w.Bytes()...)
}

// TestRequests checks each request against its hand-written bytes both
// ways, and that Put then ParseRequests gives the request back.
func TestRequests(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.reqHex)
			if got := putBytes(t, tc.req.(interface{ Put(*mapi.Writer) error })); !bytes.Equal(got, want) {
				t.Errorf("MS-OXCROPS %s: Put\n got %x\nwant %x", tc.spec, got, want)
			}
			reqs, err := ParseRequests(want)
			if err != nil {
				t.Fatalf("MS-OXCROPS %s: ParseRequests: %v", tc.spec, err)
			}
			if len(reqs) != 1 || !reflect.DeepEqual(reqs[0], tc.req) {
				t.Errorf("MS-OXCROPS %s: ParseRequests\n got %#v\nwant %#v", tc.spec, reqs, tc.req)
			}
		})
	}
}

// TestResponses does the same for the responses.
func TestResponses(t *testing.T) {
	for _, tc := range append(cases(), moreResponses()...) {
		if tc.resp == nil {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, tc.respHex)
			if got := putBytes(t, tc.resp); !bytes.Equal(got, want) {
				t.Errorf("MS-OXCROPS %s: Put\n got %x\nwant %x", tc.spec, got, want)
			}
			r := mapi.NewReader(want, mapi.CodecROP)
			p, err := ParseResponse(r, tc.ctx)
			if err != nil {
				t.Fatalf("MS-OXCROPS %s: ParseResponse: %v", tc.spec, err)
			}
			if r.Len() != 0 {
				t.Errorf("%d bytes left", r.Len())
			}
			wantResp := tc.resp
			if tc.parsed != nil {
				wantResp = tc.parsed
			}
			if n, ok := p.(*NotifyResponse); ok && n.NotificationData.Columns != nil {
				// Columns came from the context; compare the rest.
				tc.resp.(*NotifyResponse).NotificationData.Columns = n.NotificationData.Columns
			}
			if !reflect.DeepEqual(p, wantResp) {
				t.Errorf("MS-OXCROPS %s: ParseResponse\n got %#v\nwant %#v", tc.spec, p, wantResp)
			}
		})
	}
}

// TestEveryROPHasACase keeps the table complete: a ROP added to the
// package without a case fails here.
func TestEveryROPHasACase(t *testing.T) {
	seen := map[uint8]bool{}
	for _, tc := range cases() {
		seen[tc.req.RopID()] = true
		if tc.resp != nil && tc.resp.RopID() != tc.req.RopID() && tc.req.RopID() != RopIDGetMessageStatus {
			t.Errorf("%s: response RopId %#x", tc.name, tc.resp.RopID())
		}
	}
	for id := range 256 {
		if ropTable[id].request != nil && !seen[uint8(id)] {
			t.Errorf("%s has no case", RopName(uint8(id)))
		}
	}
}

// TestFailureResponses checks that every failure response is the header
// alone, except the fields MS-OXCROPS keeps on failure, and parses back.
func TestFailureResponses(t *testing.T) {
	const ec = mapi.ErrorCode(0x80040102) // ecNotSupported, "02010480"
	extra := map[uint8]string{
		RopIDDeleteFolder: "00", RopIDEmptyFolder: "00", RopIDHardDeleteMessagesAndSubfolders: "00", // 2.2.4.x.2 PartialCompletion
		RopIDDeleteMessages: "00", RopIDHardDeleteMessages: "00", RopIDSetReadFlags: "00",
		RopIDMoveCopyMessages: "00", RopIDMoveFolder: "00", RopIDCopyFolder: "00", // 2.2.4.6.2, 2.2.4.7.2, 2.2.4.8.2
		RopIDReadStream: "0000", RopIDWriteStream: "0000", RopIDWriteAndCommitStream: "0000", // 2.2.9.2.2, 2.2.9.3.2, 2.2.9.12.2
		RopIDCopyToStream: strings.Repeat("00", 16), // 2.2.9.9.2
	}
	for _, tc := range cases() {
		if tc.resp == nil {
			if ErrorResponse(tc.req, ec) != nil {
				t.Errorf("%s: a failure response for a ROP without responses", tc.name)
			}
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			p := ErrorResponse(tc.req, ec)
			inf := InfoOf(tc.req)
			want := append([]byte{p.RopID(), inf.ResponseHandleIndex}, unhex(t, "02010480"+extra[tc.req.RopID()])...)
			if got := putBytes(t, p); !bytes.Equal(got, want) {
				t.Errorf("failure response\n got %x\nwant %x", got, want)
			}
			// The handle index is the one the success response carries.
			if got := putBytes(t, tc.resp)[1]; got != inf.ResponseHandleIndex {
				t.Errorf("ResponseHandleIndex %d, success response has %d", inf.ResponseHandleIndex, got)
			}
			q, err := ParseResponse(mapi.NewReader(want, mapi.CodecROP), ResponseContext{})
			if err != nil {
				t.Fatal(err)
			}
			if got := putBytes(t, q); !bytes.Equal(got, want) {
				t.Errorf("parsed and written again\n got %x\nwant %x", got, want)
			}
		})
	}
}

// TestTruncated cuts every request and response short at every length:
// each gives an error, never a panic.
func TestTruncated(t *testing.T) {
	for _, tc := range append(cases(), moreResponses()...) {
		if tc.req != nil {
			b := unhex(t, tc.reqHex)
			for n := 1; n < len(b); n++ {
				reqs, err := ParseRequests(b[:n])
				var pe *ParseError
				if !errors.As(err, &pe) || len(reqs) != 0 || pe.Offset != 0 || pe.RopID != b[0] {
					t.Errorf("%s request cut to %d bytes: %v, %v", tc.name, n, reqs, err)
				}
			}
		}
		if tc.resp != nil && tc.resp.RopID() != RopIDBufferTooSmall {
			b := unhex(t, tc.respHex)
			for n := 0; n < len(b); n++ {
				if _, err := ParseResponse(mapi.NewReader(b[:n], mapi.CodecROP), tc.ctx); err == nil {
					t.Errorf("%s response cut to %d bytes parses", tc.name, n)
				}
			}
		}
	}
}

// TestParseRequestsSequence parses a buffer of several ROPs and checks
// where an unknown one stops it (MS-OXCROPS 3.2.5.1).
func TestParseRequestsSequence(t *testing.T) {
	b := unhex(t, "fe 00 00 01 00000001 00000000 0000"+ // RopLogon, private
		"02 00 00 01"+fidHex+"00"+ // RopOpenFolder
		"4b 00 01") // RopFastTransferSourceCopyMessages: not served
	reqs, err := ParseRequests(b)
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrUnknownROP) {
		t.Fatalf("err = %v, want an unknown ROP", err)
	}
	if len(reqs) != 2 || pe.Index != 2 || pe.Offset != 14+13 || pe.RopID != 0x4b {
		t.Errorf("got %d requests, error %+v", len(reqs), pe)
	}
	if !strings.Contains(err.Error(), "offset 27") || !strings.Contains(err.Error(), "0x4B") {
		t.Errorf("error %q does not say which ROP and where", err)
	}
	if _, err := ParseRequests(nil); err != nil {
		t.Errorf("empty buffer: %v", err)
	}
}

// TestSpecExamples parses the request examples of the specifications.
func TestSpecExamples(t *testing.T) {
	// MS-OXCPRPT 4.2: RopSetProperties with PidTagSubjectPrefix "" and
	// PidTagNormalizedSubject "Hello World".
	b := unhex(t, "0a0000 2400 0200 1f003d00 0000 1f001d0e 480065006c006c006f00200057006f0072006c0064000000")
	reqs, err := ParseRequests(b)
	if err != nil {
		t.Fatal(err)
	}
	want := &SetPropertiesRequest{PropertyValues: []mapi.PropVal{{Tag: 0x003D001F, Value: ""}, {Tag: 0x0E1D001F, Value: "Hello World"}}}
	if !reflect.DeepEqual(reqs, []Request{want}) {
		t.Errorf("got %#v", reqs[0])
	}
	if got := putBytes(t, want); !bytes.Equal(got, b) {
		t.Errorf("Put\n got %x\nwant %x", got, b)
	}
	// A PropertyValueSize that disagrees with the values is an error.
	b[3] = 0x23
	if _, err := ParseRequests(b); err == nil {
		t.Error("short PropertyValueSize accepted")
	}
}

// TestRegisterNotificationExtended checks the Reserved byte, present only
// with the Extended bit (MS-OXCROPS 2.2.14.1.1).
func TestRegisterNotificationExtended(t *testing.T) {
	b := unhex(t, "29 00 00 01 0004 07 01")
	reqs, err := ParseRequests(b)
	if err != nil {
		t.Fatal(err)
	}
	want := &RegisterNotificationRequest{OutHeader: OutHeader{0, 0, 1}, NotificationTypes: NotificationExtended, Reserved: 7, WantWholeStore: true}
	if !reflect.DeepEqual(reqs, []Request{want}) {
		t.Errorf("got %#v", reqs[0])
	}
	if got := putBytes(t, want); !bytes.Equal(got, b) {
		t.Errorf("Put %x", got)
	}
}

// TestRequestContext checks the fields that depend on the kind of logon:
// ClientData of RopSetMessageReadFlag is on the wire for public logons
// only (2.2.6.11.1), ReplGuid of RopWritePerUserInformation for private
// ones (2.2.3.13.1); a RopLogon earlier in the buffer decides.
func TestRequestContext(t *testing.T) {
	cd := strings.Repeat("ab", 24)
	public := "fe 01 00 00 00000000 00000000 0000" // LogonId 1, no Private flag
	b := unhex(t, public+"11 01 02 01 01"+cd+"64 01 00"+ltidHex+"01 00000000 0000")
	reqs, err := ParseRequests(b)
	if err != nil {
		t.Fatal(err)
	}
	var wantCD [24]byte
	for i := range wantCD {
		wantCD[i] = 0xab
	}
	if q := reqs[1].(*SetMessageReadFlagRequest); q.ClientData != wantCD {
		t.Errorf("ClientData %x", q.ClientData)
	}
	if q := reqs[2].(*WritePerUserInformationRequest); q.ReplGUID != (mapi.GUID{}) {
		t.Errorf("ReplGUID read on a public logon: %x", q.ReplGUID)
	}
	// The same logon known from an earlier buffer.
	ctx := RequestContext{Private: func(id uint8) bool { return id != 1 }}
	reqs, err = ParseRequestsContext(b[len(unhex(t, public)):], ctx)
	if err != nil || len(reqs) != 2 {
		t.Fatalf("%v %v", reqs, err)
	}
	// Without the context the ClientData is taken for the next ROP.
	if _, err := ParseRequests(b[len(unhex(t, public)):]); err == nil {
		t.Errorf("public ClientData parsed as a private request")
	}
	// Put writes ClientData only for public logons too.
	q := &SetMessageReadFlagRequest{ResponseHandleHeader: ResponseHandleHeader{1, 2, 1}, ReadFlags: 1, ClientData: wantCD}
	if got := len(putBytes(t, q)); got != 5 {
		t.Errorf("private Put wrote %d bytes", got)
	}
	w := mapi.NewWriter(mapi.CodecROP)
	if err := PutRequest(w, q, ctx); err != nil || w.Len() != 5+24 {
		t.Errorf("public PutRequest wrote %d bytes, %v", w.Len(), err)
	}
}

// TestResponseContext checks that rows cannot be read without their
// columns.
func TestResponseContext(t *testing.T) {
	for _, tc := range cases() {
		if tc.ctx.Columns == nil {
			continue
		}
		b := unhex(t, tc.respHex)
		if _, err := ParseResponse(mapi.NewReader(b, mapi.CodecROP), ResponseContext{}); !errors.Is(err, errNoContext) {
			t.Errorf("%s without columns: %v", tc.name, err)
		}
	}
}

// TestInfo checks the handle slots InfoOf reports for each header kind.
func TestInfo(t *testing.T) {
	for _, tc := range []struct {
		req  Request
		want Info
	}{
		{&LogonRequest{LogonID: 3, OutputHandleIndex: 4}, Info{LogonID: 3, OutputHandleIndex: 4, HasOutput: true, ResponseHandleIndex: 4}},
		{&ReleaseRequest{Header{1, 2}}, Info{LogonID: 1, InputHandleIndex: 2, HasInput: true, ResponseHandleIndex: 2, NoResponse: true}},
		{&OpenFolderRequest{OutHeader: OutHeader{1, 2, 3}}, Info{LogonID: 1, InputHandleIndex: 2, HasInput: true, OutputHandleIndex: 3, HasOutput: true, ResponseHandleIndex: 3}},
		{&CopyToRequest{CopyHeader: CopyHeader{1, 2, 3}}, Info{LogonID: 1, InputHandleIndex: 2, HasInput: true, DestHandleIndex: 3, HasDest: true, ResponseHandleIndex: 2}},
		{&SaveChangesMessageRequest{ResponseHandleHeader: ResponseHandleHeader{1, 2, 3}}, Info{LogonID: 1, InputHandleIndex: 3, HasInput: true, ResponseHandleIndex: 2}},
	} {
		if got := InfoOf(tc.req); got != tc.want {
			t.Errorf("%T: %+v, want %+v", tc.req, got, tc.want)
		}
	}
}

// TestServedROPs checks the package against the ROPs upstream serves
// (reference §5.4) less the FastTransfer/ICS group: each is known, and the
// group is not.
func TestServedROPs(t *testing.T) {
	served := "01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f " +
		"20 21 22 23 24 25 26 27 29 2b 2c 2d 2e 2f 30 31 32 33 34 35 36 37 38 39 3a 3b 3e 3f " +
		"40 41 42 43 44 45 46 47 48 49 4a 4f 50 51 52 55 56 57 58 59 5a 5b 5c 5d 5e 5f " +
		"60 61 63 64 66 67 68 6b 6c 6d 6f 79 7a 7b 7f 81 89 90 91 92 fe"
	ics := "4b 4c 4d 4e 53 54 69 70 72 73 74 75 76 77 78 7e 80 82 86 93"
	for _, id := range unhex(t, served) {
		if ropTable[id].request == nil {
			t.Errorf("%#02x is not known", id)
		}
	}
	for _, id := range unhex(t, ics) {
		if ropTable[id].request != nil {
			t.Errorf("%#02x (FastTransfer/ICS) is known", id)
		}
	}
	n := 0
	for id := range ropTable {
		if ropTable[id].request != nil {
			n++
		}
	}
	if want := len(unhex(t, served)); n != want {
		t.Errorf("%d ROPs known, want %d", n, want)
	}
}
