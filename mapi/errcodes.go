package mapi

import "fmt"

// MAPI error codes (MS-OXCDATA 2.4; the names are upstream's, from
// include/gromox/mapierr.hpp, with a capital E).
const (
	EcSuccess                    ErrorCode = 0x00000000
	EcUnbindSuccess              ErrorCode = 0x00000001 // MAPI_E_UNBINDSUCCESS (NSPI)
	EcJetError                   ErrorCode = 0x000003EA
	EcUnknownUser                ErrorCode = 0x000003EB
	EcServerOOM                  ErrorCode = 0x000003F0
	EcLoginPerm                  ErrorCode = 0x000003F2
	EcParameterOverflow          ErrorCode = 0x00000450
	EcNotSearchFolder            ErrorCode = 0x00000461
	EcNoReceiveFolder            ErrorCode = 0x00000463
	EcInvalidRecips              ErrorCode = 0x00000467
	EcWrongServer                ErrorCode = 0x00000478
	EcBufferTooSmall             ErrorCode = 0x0000047D
	EcSearchFolderScopeViolation ErrorCode = 0x00000490
	EcRpcFormat                  ErrorCode = 0x000004B6
	EcNullObject                 ErrorCode = 0x000004B9
	EcQuotaExceeded              ErrorCode = 0x000004D9
	EcMaxAttachmentExceeded      ErrorCode = 0x000004DB
	EcSendAsDenied               ErrorCode = 0x000004DC
	EcNotExpanded                ErrorCode = 0x000004F7
	EcNotCollapsed               ErrorCode = 0x000004F8
	EcDstNullObject              ErrorCode = 0x00000503
	EcMsgCycle                   ErrorCode = 0x00000504
	EcTooManyRecips              ErrorCode = 0x00000505
	EcRejected                   ErrorCode = 0x000007EE
	EcRpcInvalidHandle           ErrorCode = 0x00000A2E
	EcWarnWithErrors             ErrorCode = 0x00040380 // MAPI_W_ERRORS_RETURNED
	EcInterfaceNotSupported      ErrorCode = 0x80004002 // E_NOINTERFACE
	EcError                      ErrorCode = 0x80004005 // MAPI_E_CALL_FAILED, E_FAIL
	EcStreamSeekError            ErrorCode = 0x80030019
	EcStreamSizeError            ErrorCode = 0x80030070 // STG_E_MEDIUMFULL
	EcNotSupported               ErrorCode = 0x80040102 // MAPI_E_NO_SUPPORT
	EcInvalidEntryID             ErrorCode = 0x80040107 // MAPI_E_INVALID_ENTRYID
	EcInvalidObject              ErrorCode = 0x80040108 // MAPI_E_INVALID_OBJECT
	EcObjectModified             ErrorCode = 0x80040109 // MAPI_E_OBJECT_CHANGED
	EcObjectDeleted              ErrorCode = 0x8004010A // MAPI_E_OBJECT_DELETED
	EcInsufficientResrc          ErrorCode = 0x8004010E // MAPI_E_NOT_ENOUGH_RESOURCES
	EcNotFound                   ErrorCode = 0x8004010F // MAPI_E_NOT_FOUND
	EcLoginFailure               ErrorCode = 0x80040111 // MAPI_E_LOGON_FAILED
	EcUnableToAbort              ErrorCode = 0x80040114 // MAPI_E_UNABLE_TO_ABORT
	EcRpcFailed                  ErrorCode = 0x80040115 // MAPI_E_NETWORK_ERROR, ecNetwork
	EcReadFault                  ErrorCode = 0x80040116 // MAPI_E_DISK_ERROR, ecWriteFault
	EcTooComplex                 ErrorCode = 0x80040117 // MAPI_E_TOO_COMPLEX
	EcComputed                   ErrorCode = 0x8004011A // MAPI_E_COMPUTED
	EcCorruptData                ErrorCode = 0x8004011B // MAPI_E_CORRUPT_DATA
	EcUnknownCPID                ErrorCode = 0x8004011E // MAPI_E_UNKNOWN_CPID
	EcUnknownLCID                ErrorCode = 0x8004011F // MAPI_E_UNKNOWN_LCID
	EcTimeSkew                   ErrorCode = 0x80040123 // MAPI_E_INVALID_ACCESS_TIME
	EcTooBig                     ErrorCode = 0x80040305 // MAPI_E_TOO_BIG
	EcTableEmpty                 ErrorCode = 0x80040402 // MAPI_E_TABLE_EMPTY
	EcTableTooBig                ErrorCode = 0x80040403 // MAPI_E_TABLE_TOO_BIG
	EcInvalidBookmark            ErrorCode = 0x80040405 // MAPI_E_INVALID_BOOKMARK
	EcNotInQueue                 ErrorCode = 0x80040601 // MAPI_E_NOT_IN_QUEUE
	EcDuplicateName              ErrorCode = 0x80040604 // MAPI_E_COLLISION
	EcNotInitialized             ErrorCode = 0x80040605 // MAPI_E_NOT_INITIALIZED
	EcNoRecipients               ErrorCode = 0x80040607 // MAPI_E_NO_RECIPIENTS
	EcFolderHasChildren          ErrorCode = 0x80040609 // MAPI_E_HAS_FOLDERS
	EcFolderHasContents          ErrorCode = 0x8004060A // MAPI_E_HAS_MESSAGES
	EcRootFolder                 ErrorCode = 0x8004060B // MAPI_E_FOLDER_CYCLE
	EcStoreFull                  ErrorCode = 0x8004060C // MAPI_E_STORE_FULL
	EcAmbiguousRecip             ErrorCode = 0x80040700 // MAPI_E_AMBIGUOUS_RECIP
	EcSyncObjectDeleted          ErrorCode = 0x80040800 // SYNC_E_OBJECT_DELETED
	EcSyncIgnore                 ErrorCode = 0x80040801 // SYNC_E_IGNORE
	EcSyncConflict               ErrorCode = 0x80040802 // SYNC_E_CONFLICT
	EcSyncNoParent               ErrorCode = 0x80040803 // SYNC_E_NO_PARENT
	EcNPQuotaExceeded            ErrorCode = 0x80040900 // MAPI_E_NAMED_PROP_QUOTA_EXCEEDED
	EcNotImplemented             ErrorCode = 0x80040FFF // NotImplemented
	EcAccessDenied               ErrorCode = 0x80070005 // MAPI_E_NO_ACCESS, E_ACCESSDENIED
	EcMAPIOOM                    ErrorCode = 0x8007000E // MAPI_E_NOT_ENOUGH_MEMORY
	EcInvalidParam               ErrorCode = 0x80070057 // MAPI_E_INVALID_PARAMETER, E_INVALIDARG
)

var errorNames = map[ErrorCode]string{
	EcSuccess: "ecSuccess", EcUnbindSuccess: "ecUnbindSuccess", EcJetError: "ecJetError",
	EcUnknownUser: "ecUnknownUser", EcServerOOM: "ecServerOOM", EcLoginPerm: "ecLoginPerm",
	EcParameterOverflow: "ecParameterOverflow", EcNotSearchFolder: "ecNotSearchFolder",
	EcNoReceiveFolder: "ecNoReceiveFolder", EcInvalidRecips: "ecInvalidRecips",
	EcWrongServer: "ecWrongServer", EcBufferTooSmall: "ecBufferTooSmall",
	EcSearchFolderScopeViolation: "ecSearchFolderScopeViolation", EcRpcFormat: "ecRpcFormat",
	EcNullObject: "ecNullObject", EcQuotaExceeded: "ecQuotaExceeded",
	EcMaxAttachmentExceeded: "ecMaxAttachmentExceeded", EcSendAsDenied: "ecSendAsDenied",
	EcNotExpanded: "ecNotExpanded", EcNotCollapsed: "ecNotCollapsed",
	EcDstNullObject: "ecDstNullObject", EcMsgCycle: "ecMsgCycle", EcTooManyRecips: "ecTooManyRecips",
	EcRejected: "ecRejected", EcRpcInvalidHandle: "ecRpcInvalidHandle",
	EcWarnWithErrors: "ecWarnWithErrors", EcInterfaceNotSupported: "ecInterfaceNotSupported",
	EcError: "ecError", EcStreamSeekError: "StreamSeekError", EcStreamSizeError: "ecStreamSizeError",
	EcNotSupported: "ecNotSupported", EcInvalidEntryID: "ecInvalidEntryId",
	EcInvalidObject: "ecInvalidObject", EcObjectModified: "ecObjectModified",
	EcObjectDeleted: "ecObjectDeleted", EcInsufficientResrc: "ecInsufficientResrc",
	EcNotFound: "ecNotFound", EcLoginFailure: "ecLoginFailure", EcUnableToAbort: "ecUnableToAbort",
	EcRpcFailed: "ecRpcFailed", EcReadFault: "ecReadFault", EcTooComplex: "ecTooComplex",
	EcComputed: "ecComputed", EcCorruptData: "ecCorruptData", EcUnknownCPID: "MAPI_E_UNKNOWN_CPID",
	EcUnknownLCID: "MAPI_E_UNKNOWN_LCID", EcTimeSkew: "ecTimeSkew", EcTooBig: "ecTooBig",
	EcTableEmpty: "ecTableEmpty", EcTableTooBig: "ecTableTooBig",
	EcInvalidBookmark: "ecInvalidBookmark", EcNotInQueue: "ecNotInQueue",
	EcDuplicateName: "ecDuplicateName", EcNotInitialized: "ecNotInitialized",
	EcNoRecipients: "MAPI_E_NO_RECIPIENTS", EcFolderHasChildren: "ecFolderHasChildren",
	EcFolderHasContents: "ecFolderHasContents", EcRootFolder: "ecRootFolder",
	EcStoreFull: "MAPI_E_STORE_FULL", EcAmbiguousRecip: "ecAmbiguousRecip",
	EcSyncObjectDeleted: "SYNC_E_OBJECT_DELETED", EcSyncIgnore: "SYNC_E_IGNORE",
	EcSyncConflict: "SYNC_E_CONFLICT", EcSyncNoParent: "SYNC_E_NO_PARENT",
	EcNPQuotaExceeded: "ecNPQuotaExceeded", EcNotImplemented: "NotImplemented",
	EcAccessDenied: "ecAccessDenied", EcMAPIOOM: "ecMAPIOOM", EcInvalidParam: "ecInvalidParam",
}

// Name returns the code's name, such as "ecNotFound", or its value in hex.
func (e ErrorCode) Name() string {
	if n, ok := errorNames[e]; ok {
		return n
	}
	return fmt.Sprintf("0x%08x", uint32(e))
}

// Message flags, PR_MESSAGE_FLAGS (MS-OXCMSG 2.2.1.6).
const (
	MsgFlagRead            = 0x00000001 // mfRead
	MsgFlagUnmodified      = 0x00000002 // mfUnmodified
	MsgFlagSubmitted       = 0x00000004 // mfSubmitted
	MsgFlagUnsent          = 0x00000008 // mfUnsent
	MsgFlagHasAttach       = 0x00000010 // mfHasAttach
	MsgFlagFromMe          = 0x00000020 // mfFromMe
	MsgFlagAssociated      = 0x00000040 // mfFAI
	MsgFlagResend          = 0x00000080 // mfResend
	MsgFlagRNPending       = 0x00000100 // mfNotifyRead
	MsgFlagNRNPending      = 0x00000200 // mfNotifyUnread
	MsgFlagEverRead        = 0x00000400 // mfEverRead
	MsgFlagOriginX400      = 0x00001000
	MsgFlagOriginInternet  = 0x00002000 // mfInternet
	MsgFlagOriginMiscExt   = 0x00008000 // mfUntrusted
	MsgFlagOutlookNonEMSXP = 0x00010000
)

// Message status bits, PR_MSG_STATUS (MS-OXCMSG 2.2.1.8).
const (
	MsgStatusHighlighted    = 0x00000001
	MsgStatusTagged         = 0x00000002
	MsgStatusHidden         = 0x00000004
	MsgStatusDelMarked      = 0x00000008
	MsgStatusDraft          = 0x00000100
	MsgStatusAnswered       = 0x00000200
	MsgStatusInConflict     = 0x00000800
	MsgStatusRemoteDownload = 0x00001000
	MsgStatusRemoteDelete   = 0x00002000
	MsgStatusMDNSent        = 0x00004000
)

// Object types, PR_OBJECT_TYPE (MAPI mapidefs.h).
const (
	ObjectStore    = 1 // MAPI_STORE
	ObjectAddrBook = 2 // MAPI_ADDRBOOK
	ObjectFolder   = 3 // MAPI_FOLDER
	ObjectABCont   = 4 // MAPI_ABCONT
	ObjectMessage  = 5 // MAPI_MESSAGE
	ObjectMailUser = 6 // MAPI_MAILUSER
	ObjectAttach   = 7 // MAPI_ATTACH
	ObjectDistList = 8 // MAPI_DISTLIST
	ObjectProfSect = 9 // MAPI_PROFSECT
	ObjectStatus   = 10
	ObjectSession  = 11
	ObjectFormInfo = 12
)

// Recipient types, PR_RECIPIENT_TYPE (MS-OXOMSG 2.2.3.1).
const (
	RecipOrig      = 0x00000000 // MAPI_ORIG
	RecipTo        = 0x00000001 // MAPI_TO
	RecipCc        = 0x00000002 // MAPI_CC
	RecipBcc       = 0x00000003 // MAPI_BCC
	RecipP1        = 0x10000000 // MAPI_P1: to be resent
	RecipSubmitted = 0x80000000 // MAPI_SUBMITTED: not to be resent
)

// Attachment methods, PR_ATTACH_METHOD (MS-OXCMSG 2.2.2.9).
const (
	AttachNone           = 0 // afNone
	AttachByValue        = 1 // afByValue
	AttachByReference    = 2 // afByReference
	AttachByRefResolve   = 3
	AttachByRefOnly      = 4 // afByReferenceOnly
	AttachEmbeddedMsg    = 5 // afEmbeddedMessage
	AttachOLE            = 6 // afStorage
	AttachByWebReference = 7 // afByWebReference
)

// Folder types, PR_FOLDER_TYPE.
const (
	FolderRoot    = 0 // FOLDER_ROOT
	FolderGeneric = 1 // FOLDER_GENERIC
	FolderSearch  = 2 // FOLDER_SEARCH
)
