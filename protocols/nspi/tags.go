package nspi

import "github.com/gromox-go/gromox/mapi"

// Address book property tags that package mapi does not name (MS-OXPROPS,
// MS-OXOABK 2.2). String tags are PT_UNICODE; a client asking for the
// PT_STRING8 twin gets the same value as 8-bit text.
const (
	tagEntryID                 = mapi.PropTag(0x0fff0102) // PR_ENTRYID
	tagRecordKey               = mapi.PropTag(0x0ff90102) // PR_RECORD_KEY
	tagMappingSignature        = mapi.PropTag(0x0ff80102) // PR_MAPPING_SIGNATURE
	tagInstanceKey             = mapi.PropTag(0x0ff60102) // PR_INSTANCE_KEY
	tagObjectType              = mapi.PropTag(0x0ffe0003) // PR_OBJECT_TYPE
	tagComment                 = mapi.PropTag(0x3004001f) // PR_COMMENT
	tagDepth                   = mapi.PropTag(0x30050003) // PR_DEPTH
	tagCreationTime            = mapi.PropTag(0x30070040) // PR_CREATION_TIME
	tagDisplayName             = mapi.PropTag(0x3001001f) // PR_DISPLAY_NAME
	tagAddrType                = mapi.PropTag(0x3002001f) // PR_ADDRTYPE
	tagEmailAddress            = mapi.PropTag(0x3003001f) // PR_EMAIL_ADDRESS
	tagSearchKey               = mapi.PropTag(0x300b0102) // PR_SEARCH_KEY
	tagContainerFlags          = mapi.PropTag(0x36000003) // PR_CONTAINER_FLAGS
	tagANR                     = mapi.PropTag(0x360c001f) // PR_ANR
	tagDisplayType             = mapi.PropTag(0x39000003) // PR_DISPLAY_TYPE
	tagTemplateID              = mapi.PropTag(0x39020102) // PR_TEMPLATEID
	tagDisplayTypeEx           = mapi.PropTag(0x39050003) // PR_DISPLAY_TYPE_EX
	tagSMTPAddress             = mapi.PropTag(0x39fe001f) // PR_SMTP_ADDRESS
	tagDisplayNamePrintable    = mapi.PropTag(0x39ff001f) // PR_EMS_AB_DISPLAY_NAME_PRINTABLE
	tagAccount                 = mapi.PropTag(0x3a00001f) // PR_ACCOUNT
	tagBusinessTelephone       = mapi.PropTag(0x3a08001f) // PR_BUSINESS_TELEPHONE_NUMBER
	tagOriginalEntryID         = mapi.PropTag(0x3a120102) // PR_ORIGINAL_ENTRYID
	tagCompanyName             = mapi.PropTag(0x3a16001f) // PR_COMPANY_NAME
	tagTitle                   = mapi.PropTag(0x3a17001f) // PR_TITLE
	tagDepartmentName          = mapi.PropTag(0x3a18001f) // PR_DEPARTMENT_NAME
	tagOfficeLocation          = mapi.PropTag(0x3a19001f) // PR_OFFICE_LOCATION
	tagPrimaryTelephone        = mapi.PropTag(0x3a1a001f) // PR_PRIMARY_TELEPHONE_NUMBER
	tagMobileTelephone         = mapi.PropTag(0x3a1c001f) // PR_MOBILE_TELEPHONE_NUMBER
	tagTransmittableName       = mapi.PropTag(0x3a20001f) // PR_TRANSMITABLE_DISPLAY_NAME
	tagSendRichInfo            = mapi.PropTag(0x3a40000b) // PR_SEND_RICH_INFO
	tagNickname                = mapi.PropTag(0x3a4f001f) // PR_NICKNAME
	tagHomeAddressStreet       = mapi.PropTag(0x3a5d001f) // PR_HOME_ADDRESS_STREET
	tagHomeMDB                 = mapi.PropTag(0x8006001f) // PR_EMS_AB_HOME_MDB
	tagProxyAddresses          = mapi.PropTag(0x800f101f) // PR_EMS_AB_PROXY_ADDRESSES
	tagMember                  = mapi.PropTag(0x8009000d) // PR_EMS_AB_MEMBER
	tagObjectGUID              = mapi.PropTag(0x8c6d0102) // PR_EMS_AB_OBJECT_GUID
	tagParentEntryID           = mapi.PropTag(0xfffc0102) // PR_EMS_AB_PARENT_ENTRYID
	tagContainerID             = mapi.PropTag(0xfffd0003) // PR_EMS_AB_CONTAINERID
	tagIsMaster                = mapi.PropTag(0xfffb000b) // PR_EMS_AB_IS_MASTER
	tagTemplateData            = mapi.PropTag(0x00010102) // PR_EMS_TEMPLATE_BLOB
	tagPhoneticDisplayName     = mapi.PropTag(0x8c92001f) // PR_EMS_AB_PHONETIC_DISPLAY_NAME
	tagAttrHiddenGromox        = 0x10f40003               // PR_ATTR_HIDDEN_GROMOX in user_properties
	tagAttrHidden              = 0x10f4000b               // PR_ATTR_HIDDEN in user_properties
	abHideFromAddressLists     = 0x02                     // AB_HIDE_FROM_AL
	abHideDefaultForAttrHidden = 0x03                     // what PR_ATTR_HIDDEN=1 means
)

// Minimal Entry IDs with a meaning of their own (MS-OXNSPI 2.2.1.8, 2.2.1.9).
const (
	midBeginningOfTable = 0x0
	midCurrent          = 0x1
	midEndOfTable       = 0x2

	midUnresolved = 0x0
	midAmbiguous  = 0x1
	midResolved   = 0x2

	// Entry MIds are the users.id plus this; container MIds also carry
	// the container bit (upstream's minid_type::domain << 29).
	midOffset    = 0x10
	midContainer = 0x80000000
)

// STAT values (MS-OXNSPI 2.2.1.10, 2.2.1.11) and the code page that asks
// for Unicode throughout (MS-OXNSPI 2.2.1.3).
const (
	sortTypeDisplayName         = 0x0
	sortTypePhoneticDisplayName = 0x3
	sortTypeDisplayNameRO       = 0x3e8
	sortTypeDisplayNameW        = 0x3e9
	codePageUnicode             = 1200
	codePageUTF8                = 65001
)

// Request flags (MS-OXNSPI 2.2.1.2, 2.2.1.5).
const (
	flagAnonymousLogin   = 0x20
	flagEphID            = 0x2
	flagCreateTemplates  = 0x2 // GetSpecialTable NspiAddressCreationTemplates
	flagUnicodeStrings   = 0x4 // GetSpecialTable NspiUnicodeStrings
	flagUnicodeProptypes = 0x80000000
	tiTemplate           = 0x1
	tiScript             = 0x4
)

// PR_OBJECT_TYPE, PR_DISPLAY_TYPE(_EX) and PR_CONTAINER_FLAGS values
// (MS-OXCDATA, MS-OXOABK 2.2.3.10).
const (
	objectTypeABContainer = 4
	objectTypeMailUser    = 6
	objectTypeDistList    = 8

	dtMailUser       = 0x0
	dtDistList       = 0x1
	dtRemoteMailUser = 0x6
	dtRoom           = 0x7
	dtEquipment      = 0x8
	dtContainer      = 0x100
	dteACLCapable    = 0x40000000

	abRecipients    = 0x1
	abSubcontainers = 0x2
	abUnmodifiable  = 0x8
)

// NSPI error codes not in package mapi (MS-OXNSPI 2.2.1.2).
const (
	ecFailOneProvider = mapi.ErrorCode(0x8004011d) // MAPI_E_FAILONEPROVIDER
	ecUnknownCPID     = mapi.ErrorCode(0x8004011e) // MAPI_E_UNKNOWN_CPID (InvalidCodePage)
	ecUnknownLCID     = mapi.ErrorCode(0x8004011f) // MAPI_E_UNKNOWN_LCID (InvalidLocale)
)

// maxColumns bounds the columns of one request, as upstream does.
const maxColumns = 100

// defaultColumns are the columns of QueryRows, SeekEntries and
// ResolveNames when the client names none (MS-OXNSPI 3.1.4.1.8).
var defaultColumns = []mapi.PropTag{
	tagContainerID, tagObjectType, tagDisplayType,
	tagDisplayName.WithType(mapi.PtString8),
	tagPrimaryTelephone.WithType(mapi.PtString8),
	tagDepartmentName.WithType(mapi.PtString8),
	tagOfficeLocation.WithType(mapi.PtString8),
}

// entryColumns are the properties GetPropList and GetProps without tags
// report for a mail user or list (dropped where the object has no value).
var entryColumns = []mapi.PropTag{
	tagDisplayName, tagAddrType, tagEmailAddress, tagDisplayNamePrintable,
	tagObjectType, tagDisplayType, tagDisplayTypeEx, tagEntryID, tagRecordKey,
	tagOriginalEntryID, tagSearchKey, tagInstanceKey, tagMappingSignature,
	tagSendRichInfo, tagTemplateID, tagObjectGUID,
	tagNickname, tagTitle, tagPrimaryTelephone, tagBusinessTelephone, tagMobileTelephone,
	tagHomeAddressStreet, tagComment, tagCompanyName, tagDepartmentName, tagOfficeLocation,
	tagSMTPAddress, tagAccount, tagTransmittableName, tagProxyAddresses, tagHomeMDB,
	tagCreationTime, tagContainerID,
}

// containerColumns are those of an address book container.
var containerColumns = []mapi.PropTag{
	tagEntryID, tagContainerFlags, tagDepth, tagContainerID, tagDisplayName,
	tagIsMaster, tagObjectType, tagDisplayType,
}

// stringTyped returns tags with their string types as the client wants
// them: PT_UNICODE when unicode, else PT_STRING8.
func stringTyped(tags []mapi.PropTag, unicode bool) []mapi.PropTag {
	out := make([]mapi.PropTag, len(tags))
	for i, t := range tags {
		if t.Type().IsString() {
			b := mapi.PtString8
			if unicode {
				b = mapi.PtUnicode
			}
			t = t.WithType(b | t.Type()&mapi.MvFlag)
		}
		out[i] = t
	}
	return out
}
