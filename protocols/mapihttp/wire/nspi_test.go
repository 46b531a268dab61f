package wire

import (
	"errors"
	"testing"

	"github.com/gromox-go/gromox/mapi"
)

const (
	tagDisplayName = mapi.PropTag(0x3001001f) // PidTagDisplayName, PtypString
	tagSMTPAddress = mapi.PropTag(0x39fe001f)
	tagDisplayType = mapi.PropTag(0x39000003)
	tagEntryID     = mapi.PropTag(0x0fff0102)
)

// stat36 is a STAT (MS-OXNSPI 2.3.7) with CodePage 1252, TemplateLocale
// and SortLocale 1033, CurrentRec 0x10, Delta -1, in its 36 bytes.
const stat36 = "00000000 00000000 10000000 ffffffff 00000000 00000000 e4040000 09040000 09040000"

var stat = &Stat{CurrentRec: 0x10, Delta: -1, CodePage: 1252, TemplateLocale: 1033, SortLocale: 1033}

func u32p(v uint32) *uint32 { return &v }
func i32p(v int32) *int32   { return &v }
func strp(s string) *string { return &s }

// Byte strings written from the field tables of MS-OXCMAPIHTTP 2.2.5 (Has*
// bytes 0x01 when set), with values in the AddressBookPropertyValue form
// of 2.2.1.1 (HasValue 0xFF before strings and binaries; 32-bit byte
// counts, MS-OXCDATA 2.11.1) and rows in the AddressBookPropertyRow form
// of 2.2.1.7.
func TestAddressBookBodies(t *testing.T) {
	empty := []byte{}
	guid := mapi.GUID{0xdc, 0xa7, 0x40, 0xc8, 0xc0, 0x42, 0x10, 0x1a, 0xb4, 0xb9, 0x08, 0x00, 0x2b, 0x2f, 0xe1, 0x82}
	al := "ff 41006c000000" // HasValue, "Al" UTF-16LE
	for _, tc := range []struct {
		name string
		wire string
		v    body
	}{
		// 2.2.5.1.1: Flags, HasState, State, aux.
		{"Bind request", "00000000 01" + stat36 + "00000000", &BindRequest{State: stat, AuxiliaryBuffer: empty}},
		{"Bind request without State", "20000000 00 00000000", &BindRequest{Flags: 0x20, AuxiliaryBuffer: empty}},
		// 2.2.5.1.2: StatusCode, ErrorCode, ServerGuid, aux.
		{"Bind response", "00000000 00000000 dca740c8c042101ab4b908002b2fe182 00000000", &BindResponse{ServerGUID: guid, AuxiliaryBuffer: empty}},
		// 2.2.5.2.1 and 2.2.5.2.2.
		{"Unbind request", "00000000 00000000", &UnbindRequest{AuxiliaryBuffer: empty}},
		{"Unbind response", "00000000 01000000 00000000", &UnbindResponse{ErrorCode: 1, AuxiliaryBuffer: empty}},
		// 2.2.5.3.1: Reserved, HasState, MinimalId1, MinimalId2, aux.
		{"CompareMIds request", "00000000 00 10000000 20000000 00000000", &CompareMIdsRequest{MinimalID1: 0x10, MinimalID2: 0x20, AuxiliaryBuffer: empty}},
		// 2.2.5.3.2: ..., Result (signed), aux.
		{"CompareMIds response", "00000000 00000000 ffffffff 00000000", &CompareMIdsResponse{Result: -1, AuxiliaryBuffer: empty}},
		// 2.2.5.4.1: Reserved, HasNames, StringsArray_r (count, ASCII strings), aux.
		{"DNToMId request", "00000000 01 02000000 2f6f3d6100 2f636e3d6200 00000000", &DNToMIdRequest{Names: []string{"/o=a", "/cn=b"}, AuxiliaryBuffer: empty}},
		// 2.2.5.4.2: ..., HasMinimalIds, MinimalIdCount, MinimalIds, aux.
		{"DNToMId response", "00000000 00000000 01 02000000 10000000 00000000 00000000", &DNToMIdResponse{MinimalIDs: []uint32{0x10, 0}, AuxiliaryBuffer: empty}},
		{"DNToMId response without ids", "00000000 00000000 00 00000000", &DNToMIdResponse{AuxiliaryBuffer: empty}},
		// 2.2.5.5.1: Reserved, HasState, HasMinimalIds, InterfaceOptionFlags,
		// HasFilter, Filter (ExistRestriction: 0x08, tag), HasPropertyName,
		// RowCount, HasColumns, Columns, aux.
		{"GetMatches request", "00000000 00 00 00000000 01 08 1f000130 00 32000000 01 02000000 1f000130 1f00fe39 00000000",
			&GetMatchesRequest{Filter: mapi.RestrictExist(tagDisplayName), RowCount: 50, Columns: []mapi.PropTag{tagDisplayName, tagSMTPAddress}, AuxiliaryBuffer: empty}},
		{"GetMatches request with name and ids", "00000000 01" + stat36 + "01 01000000 10000000 00000000 00 01 dca740c8c042101ab4b908002b2fe182 05000000 00000000 00 00000000",
			&GetMatchesRequest{State: stat, MinimalIDs: []uint32{0x10}, PropertyName: &PropertyName{GUID: guid, ID: 5}, AuxiliaryBuffer: empty}},
		// 2.2.5.5.2: ..., HasState, State, HasMinimalIds, ids,
		// HasColumnsAndRows, Columns, RowCount, RowData, aux. The row is
		// standard (0x00) with one string value.
		{"GetMatches response", "00000000 00000000 01" + stat36 + "01 01000000 10000000 01 01000000 1f000130 01000000 00" + al + "00000000",
			&GetMatchesResponse{State: stat, MinimalIDs: []uint32{0x10}, Columns: []mapi.PropTag{tagDisplayName},
				Rows: []mapi.PropRow{{Values: []mapi.PropVal{{Tag: tagDisplayName, Value: "Al"}}}}, AuxiliaryBuffer: empty}},
		// 2.2.5.6.1: Flags, MinimalId, CodePage, aux.
		{"GetPropList request", "01000000 10000000 e4040000 00000000", &GetPropListRequest{Flags: 1, MinimalID: 0x10, CodePage: 1252, AuxiliaryBuffer: empty}},
		// 2.2.5.6.2: ..., HasPropertyTags, PropertyTags, aux.
		{"GetPropList response", "00000000 00000000 01 01000000 03000039 00000000", &GetPropListResponse{PropertyTags: []mapi.PropTag{tagDisplayType}, AuxiliaryBuffer: empty}},
		// 2.2.5.7.1: Flags, HasState, State, HasPropertyTags, tags, aux.
		{"GetProps request", "02000000 01" + stat36 + "01 01000000 1f000130 00000000", &GetPropsRequest{Flags: 2, State: stat, PropertyTags: []mapi.PropTag{tagDisplayName}, AuxiliaryBuffer: empty}},
		// 2.2.5.7.2: ..., CodePage, HasPropertyValues,
		// AddressBookPropertyValueList (count, tagged values), aux.
		{"GetProps response", "00000000 00000000 e4040000 01 03000000 1f000130" + al + "03000039 00000000 0201ff0f ff 03000000 010203 00000000",
			&GetPropsResponse{CodePage: 1252, PropertyValues: []mapi.PropVal{{Tag: tagDisplayName, Value: "Al"}, {Tag: tagDisplayType, Value: int32(0)}, {Tag: tagEntryID, Value: []byte{1, 2, 3}}}, AuxiliaryBuffer: empty}},
		// 2.2.5.8.1: Flags, HasState, State, HasVersion, Version, aux.
		{"GetSpecialTable request", "04000000 00 01 05000000 00000000", &GetSpecialTableRequest{Flags: 4, Version: u32p(5), AuxiliaryBuffer: empty}},
		// 2.2.5.8.2: ..., CodePage, HasVersion, Version, HasRows, RowsCount,
		// Rows (AddressBookPropertyValueLists), aux.
		{"GetSpecialTable response", "00000000 00000000 e4040000 01 06000000 01 01000000 01000000 1f000130" + al + "00000000",
			&GetSpecialTableResponse{CodePage: 1252, Version: u32p(6), Rows: [][]mapi.PropVal{{{Tag: tagDisplayName, Value: "Al"}}}, AuxiliaryBuffer: empty}},
		// 2.2.5.9.1: Flags, DisplayType, HasTemplateDn, TemplateDn (ASCII),
		// CodePage, LocaleId, aux.
		{"GetTemplateInfo request", "01000000 00000000 01 2f6f3d6100 e4040000 09040000 00000000",
			&GetTemplateInfoRequest{Flags: 1, TemplateDN: strp("/o=a"), CodePage: 1252, LocaleID: 1033, AuxiliaryBuffer: empty}},
		// 2.2.5.9.2: ..., CodePage, HasRow, Row, aux.
		{"GetTemplateInfo response", "00000000 00000000 e4040000 00 00000000", &GetTemplateInfoResponse{CodePage: 1252, AuxiliaryBuffer: empty}},
		// 2.2.5.12.1: Flags, HasState, State, ExplicitTableCount,
		// ExplicitTable, RowCount, HasColumns, Columns, aux.
		{"QueryRows request", "00000000 01" + stat36 + "00000000 32000000 01 01000000 1f000130 00000000",
			&QueryRowsRequest{State: stat, ExplicitTable: []uint32{}, RowCount: 50, Columns: []mapi.PropTag{tagDisplayName}, AuxiliaryBuffer: empty}},
		// 2.2.5.12.2 with a flagged row (2.2.1.7, 2.2.1.5): an error value
		// (flag 0x0A, PtypErrorCode 0x8004010F) and a binary (flag 0x00,
		// HasValue, 32-bit count).
		{"QueryRows response", "00000000 00000000 00 01 02000000 1f000130 0201ff0f 01000000 01 0a 0f010480 00 ff 03000000 010203 00000000",
			&QueryRowsResponse{Columns: []mapi.PropTag{tagDisplayName, tagEntryID}, Rows: []mapi.PropRow{{Flagged: true, Values: []mapi.PropVal{
				{Tag: tagDisplayName.WithType(mapi.PtError), Value: mapi.ErrorCode(0x8004010f)}, {Tag: tagEntryID, Value: []byte{1, 2, 3}}}}}, AuxiliaryBuffer: empty}},
		// 2.2.5.13.1: Reserved, MapiFlags, aux; 2.2.5.13.2.
		{"QueryColumns request", "00000000 00000080 00000000", &QueryColumnsRequest{MapiFlags: 0x80000000, AuxiliaryBuffer: empty}},
		{"QueryColumns response", "00000000 00000000 01 00000000 00000000", &QueryColumnsResponse{Columns: []mapi.PropTag{}, AuxiliaryBuffer: empty}},
		// 2.2.5.14.1: Reserved, HasState, HasPropertyTags, tags, HasNames,
		// NameCount, NameValues (UTF-16), aux.
		{"ResolveNames request", "00000000 00 01 01000000 1f000130 01 01000000 41006c000000 00000000",
			&ResolveNamesRequest{PropertyTags: []mapi.PropTag{tagDisplayName}, Names: []string{"Al"}, AuxiliaryBuffer: empty}},
		// 2.2.5.14.2: ..., CodePage, HasMinimalIds, ids, HasRowsAndCols,
		// PropertyTags, RowCount, RowData, aux.
		{"ResolveNames response", "00000000 00000000 e4040000 01 01000000 10000000 01 01000000 1f000130 01000000 00" + al + "00000000",
			&ResolveNamesResponse{CodePage: 1252, MinimalIDs: []uint32{0x10}, PropertyTags: []mapi.PropTag{tagDisplayName},
				Rows: []mapi.PropRow{{Values: []mapi.PropVal{{Tag: tagDisplayName, Value: "Al"}}}}, AuxiliaryBuffer: empty}},
		// 2.2.5.16.1: Reserved, HasState, State, HasTarget, Target
		// (AddressBookTaggedPropertyValue), HasExplicitTable, count, ids,
		// HasColumns, Columns, aux.
		{"SeekEntries request", "00000000 01" + stat36 + "01 1f000130" + al + "00 01 01000000 1f000130 00000000",
			&SeekEntriesRequest{State: stat, Target: &mapi.PropVal{Tag: tagDisplayName, Value: "Al"}, Columns: []mapi.PropTag{tagDisplayName}, AuxiliaryBuffer: empty}},
		// 2.2.5.16.2: ..., HasState, State, HasColumnsAndRows, ..., aux.
		{"SeekEntries response", "00000000 00000000 01" + stat36 + "00 00000000", &SeekEntriesResponse{State: stat, AuxiliaryBuffer: empty}},
		// 2.2.5.17.1: Reserved, HasState, State, DeltaRequested, aux.
		{"UpdateStat request", "00000000 01" + stat36 + "01 00000000", &UpdateStatRequest{State: stat, DeltaRequested: true, AuxiliaryBuffer: empty}},
		// 2.2.5.17.2: ..., HasState, State, HasDelta, Delta, aux.
		{"UpdateStat response", "00000000 00000000 01" + stat36 + "01 feffffff 00000000", &UpdateStatResponse{State: stat, Delta: i32p(-2), AuxiliaryBuffer: empty}},
		// 2.2.5.18.1: Flags, ServerDn (UTF-16), aux; 2.2.5.19.1: Flags, UserDn.
		{"GetMailboxUrl request", "00000000 41006c000000 00000000", &GetMailboxURLRequest{ServerDN: "Al", AuxiliaryBuffer: empty}},
		{"GetAddressBookUrl request", "00000000 41006c000000 00000000", &GetAddressBookURLRequest{UserDN: "Al", AuxiliaryBuffer: empty}},
		// 2.2.5.18.2 and 2.2.5.19.2: ..., ServerUrl (UTF-16), aux.
		{"URL response", "00000000 00000000 75003a000000 00000000", &URLResponse{ServerURL: "u:", AuxiliaryBuffer: empty}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkBody(t, tc.wire, tc.v) })
	}
}

func TestAddressBookBodiesReject(t *testing.T) {
	for _, tc := range []struct {
		name string
		wire string
		v    body
	}{
		{"MinimalIdCount over 100,000", "00000000 00000000 01 a1860100 00000000", &DNToMIdResponse{}},
		{"MinimalIdCount beyond the body", "00000000 00000000 01 03000000 10000000 00000000", &DNToMIdResponse{}},
		{"ExplicitTableCount huge", "00000000 00 ffffffff 00000000 00 00000000", &QueryRowsRequest{}},
		{"PropertyTagCount over 100,000", "00000000 00000000 01 a1860100", &GetPropListResponse{}},
		{"NameCount beyond the body", "00000000 00 00 01 05000000 41000000 00000000", &ResolveNamesRequest{}},
		{"row flag 2", "00000000 00000000 00 01 01000000 1f000130 01000000 02" + "ff 41006c000000 00000000", &QueryRowsResponse{}},
		{"HasValue 0x01", "00000000 00000000 00 01 01000000 1f000130 01000000 00 01 41006c000000 00000000", &QueryRowsResponse{}},
		{"RowCount beyond the body", "00000000 00000000 00 01 01000000 1f000130 05000000 00 ff 41006c000000 00000000", &QueryRowsResponse{}},
		{"unknown restriction type", "00000000 00 00 00000000 01 ee 1f000130 00 32000000 00 00000000", &GetMatchesRequest{}},
		{"STAT truncated", "00000000 01 00000000 00000000", &BindRequest{}},
		{"success body with a StatusCode", "05000000 00000000 00000000", &UnbindResponse{}},
		{"URL without its NUL", "00000000 00000000 7500", &URLResponse{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.v.Decode(hexb(t, tc.wire)); err == nil || !errors.Is(err, ErrMalformed) {
				t.Errorf("Decode = %v, want ErrMalformed", err)
			}
		})
	}
	if _, err := (&QueryRowsResponse{Rows: []mapi.PropRow{{}}}).Encode(); err == nil {
		t.Error("Encode of rows without columns: no error")
	}
	if _, err := (&DNToMIdResponse{MinimalIDs: make([]uint32, MaxAddressBookCount+1)}).Encode(); err == nil {
		t.Error("Encode of 100,001 ids: no error")
	}
}
