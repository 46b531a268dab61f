package mapi

// Well-known property tags (MS-OXPROPS; values as upstream
// include/gromox/mapitags.hpp has them). String properties are declared
// with PT_UNICODE, the form the store keeps; the ...A constants are their
// PT_STRING8 twins. Generated from a curated list; keep it sorted by id.

import "fmt"

// Property tags.
const (
	PrAutoForwarded                        PropTag = 0x0005000b // PR_AUTO_FORWARDED
	PrExpiryTime                           PropTag = 0x00150040 // PR_EXPIRY_TIME
	PrImportance                           PropTag = 0x00170003 // PR_IMPORTANCE
	PrMessageClass                         PropTag = 0x001a001f // PR_MESSAGE_CLASS
	PrOriginatorDeliveryReportRequested    PropTag = 0x0023000b // PR_ORIGINATOR_DELIVERY_REPORT_REQUESTED
	PrParentKey                            PropTag = 0x00250102 // PR_PARENT_KEY
	PrPriority                             PropTag = 0x00260003 // PR_PRIORITY
	PrReadReceiptRequested                 PropTag = 0x0029000b // PR_READ_RECEIPT_REQUESTED
	PrOriginalSensitivity                  PropTag = 0x002e0003 // PR_ORIGINAL_SENSITIVITY
	PrSensitivity                          PropTag = 0x00360003 // PR_SENSITIVITY
	PrSubject                              PropTag = 0x0037001f // PR_SUBJECT
	PrClientSubmitTime                     PropTag = 0x00390040 // PR_CLIENT_SUBMIT_TIME
	PrSentRepresentingSearchKey            PropTag = 0x003b0102 // PR_SENT_REPRESENTING_SEARCH_KEY
	PrSubjectPrefix                        PropTag = 0x003d001f // PR_SUBJECT_PREFIX
	PrReceivedByEntryID                    PropTag = 0x003f0102 // PR_RECEIVED_BY_ENTRYID
	PrReceivedByName                       PropTag = 0x0040001f // PR_RECEIVED_BY_NAME
	PrSentRepresentingEntryID              PropTag = 0x00410102 // PR_SENT_REPRESENTING_ENTRYID
	PrSentRepresentingName                 PropTag = 0x0042001f // PR_SENT_REPRESENTING_NAME
	PrRcvdRepresentingEntryID              PropTag = 0x00430102 // PR_RCVD_REPRESENTING_ENTRYID
	PrRcvdRepresentingName                 PropTag = 0x0044001f // PR_RCVD_REPRESENTING_NAME
	PrReadReceiptEntryID                   PropTag = 0x00460102 // PR_READ_RECEIPT_ENTRYID
	PrOriginalSubject                      PropTag = 0x0049001f // PR_ORIGINAL_SUBJECT
	PrOriginalAuthorEntryID                PropTag = 0x004c0102 // PR_ORIGINAL_AUTHOR_ENTRYID
	PrOriginalAuthorName                   PropTag = 0x004d001f // PR_ORIGINAL_AUTHOR_NAME
	PrOriginalSubmitTime                   PropTag = 0x004e0040 // PR_ORIGINAL_SUBMIT_TIME
	PrReplyRecipientEntries                PropTag = 0x004f0102 // PR_REPLY_RECIPIENT_ENTRIES
	PrReplyRecipientNames                  PropTag = 0x0050001f // PR_REPLY_RECIPIENT_NAMES
	PrReceivedBySearchKey                  PropTag = 0x00510102 // PR_RECEIVED_BY_SEARCH_KEY
	PrRcvdRepresentingSearchKey            PropTag = 0x00520102 // PR_RCVD_REPRESENTING_SEARCH_KEY
	PrOriginalDeliveryTime                 PropTag = 0x00550040 // PR_ORIGINAL_DELIVERY_TIME
	PrMessageToMe                          PropTag = 0x0057000b // PR_MESSAGE_TO_ME
	PrMessageCcMe                          PropTag = 0x0058000b // PR_MESSAGE_CC_ME
	PrMessageRecipMe                       PropTag = 0x0059000b // PR_MESSAGE_RECIP_ME
	PrOriginalSenderName                   PropTag = 0x005a001f // PR_ORIGINAL_SENDER_NAME
	PrOriginalSenderEntryID                PropTag = 0x005b0102 // PR_ORIGINAL_SENDER_ENTRYID
	PrOriginalSenderSearchKey              PropTag = 0x005c0102 // PR_ORIGINAL_SENDER_SEARCH_KEY
	PrOriginalSentRepresentingName         PropTag = 0x005d001f // PR_ORIGINAL_SENT_REPRESENTING_NAME
	PrOriginalSentRepresentingEntryID      PropTag = 0x005e0102 // PR_ORIGINAL_SENT_REPRESENTING_ENTRYID
	PrOriginalSentRepresentingSearchKey    PropTag = 0x005f0102 // PR_ORIGINAL_SENT_REPRESENTING_SEARCH_KEY
	PrStartDate                            PropTag = 0x00600040 // PR_START_DATE
	PrEndDate                              PropTag = 0x00610040 // PR_END_DATE
	PrSentRepresentingAddrType             PropTag = 0x0064001f // PR_SENT_REPRESENTING_ADDRTYPE
	PrSentRepresentingEmailAddress         PropTag = 0x0065001f // PR_SENT_REPRESENTING_EMAIL_ADDRESS
	PrOriginalSenderAddrType               PropTag = 0x0066001f // PR_ORIGINAL_SENDER_ADDRTYPE
	PrOriginalSenderEmailAddress           PropTag = 0x0067001f // PR_ORIGINAL_SENDER_EMAIL_ADDRESS
	PrOriginalSentRepresentingAddrType     PropTag = 0x0068001f // PR_ORIGINAL_SENT_REPRESENTING_ADDRTYPE
	PrOriginalSentRepresentingEmailAddress PropTag = 0x0069001f // PR_ORIGINAL_SENT_REPRESENTING_EMAIL_ADDRESS
	PrConversationTopic                    PropTag = 0x0070001f // PR_CONVERSATION_TOPIC
	PrConversationIndex                    PropTag = 0x00710102 // PR_CONVERSATION_INDEX
	PrOriginalDisplayBcc                   PropTag = 0x0072001f // PR_ORIGINAL_DISPLAY_BCC
	PrOriginalDisplayCc                    PropTag = 0x0073001f // PR_ORIGINAL_DISPLAY_CC
	PrOriginalDisplayTo                    PropTag = 0x0074001f // PR_ORIGINAL_DISPLAY_TO
	PrReceivedByAddrType                   PropTag = 0x0075001f // PR_RECEIVED_BY_ADDRTYPE
	PrReceivedByEmailAddress               PropTag = 0x0076001f // PR_RECEIVED_BY_EMAIL_ADDRESS
	PrRcvdRepresentingAddrType             PropTag = 0x0077001f // PR_RCVD_REPRESENTING_ADDRTYPE
	PrRcvdRepresentingEmailAddress         PropTag = 0x0078001f // PR_RCVD_REPRESENTING_EMAIL_ADDRESS
	PrTransportMessageHeaders              PropTag = 0x007d001f // PR_TRANSPORT_MESSAGE_HEADERS
	PrNonReceiptNotificationRequested      PropTag = 0x0c06000b // PR_NON_RECEIPT_NOTIFICATION_REQUESTED
	PrRecipientType                        PropTag = 0x0c150003 // PR_RECIPIENT_TYPE
	PrSenderEntryID                        PropTag = 0x0c190102 // PR_SENDER_ENTRYID
	PrSenderName                           PropTag = 0x0c1a001f // PR_SENDER_NAME
	PrSenderSearchKey                      PropTag = 0x0c1d0102 // PR_SENDER_SEARCH_KEY
	PrSenderAddrType                       PropTag = 0x0c1e001f // PR_SENDER_ADDRTYPE
	PrSenderEmailAddress                   PropTag = 0x0c1f001f // PR_SENDER_EMAIL_ADDRESS
	PrDeleteAfterSubmit                    PropTag = 0x0e01000b // PR_DELETE_AFTER_SUBMIT
	PrDisplayBcc                           PropTag = 0x0e02001f // PR_DISPLAY_BCC
	PrDisplayCc                            PropTag = 0x0e03001f // PR_DISPLAY_CC
	PrDisplayTo                            PropTag = 0x0e04001f // PR_DISPLAY_TO
	PrParentDisplay                        PropTag = 0x0e05001f // PR_PARENT_DISPLAY
	PrMessageDeliveryTime                  PropTag = 0x0e060040 // PR_MESSAGE_DELIVERY_TIME
	PrMessageFlags                         PropTag = 0x0e070003 // PR_MESSAGE_FLAGS
	PrMessageSize                          PropTag = 0x0e080003 // PR_MESSAGE_SIZE
	PrMessageSizeExtended                  PropTag = 0x0e080014 // PR_MESSAGE_SIZE_EXTENDED
	PrParentEntryID                        PropTag = 0x0e090102 // PR_PARENT_ENTRYID
	PrSentMailEntryID                      PropTag = 0x0e0a0102 // PR_SENTMAIL_ENTRYID
	PrResponsibility                       PropTag = 0x0e0f000b // PR_RESPONSIBILITY
	PrMessageRecipients                    PropTag = 0x0e12000d // PR_MESSAGE_RECIPIENTS
	PrMessageAttachments                   PropTag = 0x0e13000d // PR_MESSAGE_ATTACHMENTS
	PrSubmitFlags                          PropTag = 0x0e140003 // PR_SUBMIT_FLAGS
	PrRecipientStatus                      PropTag = 0x0e150003 // PR_RECIPIENT_STATUS
	PrMsgStatus                            PropTag = 0x0e170003 // PR_MSG_STATUS
	PrHasAttach                            PropTag = 0x0e1b000b // PR_HASATTACH
	PrNormalizedSubject                    PropTag = 0x0e1d001f // PR_NORMALIZED_SUBJECT
	PrRTFInSync                            PropTag = 0x0e1f000b // PR_RTF_IN_SYNC
	PrAttachSize                           PropTag = 0x0e200003 // PR_ATTACH_SIZE
	PrAttachNum                            PropTag = 0x0e210003 // PR_ATTACH_NUM
	PrInternetArticleNumber                PropTag = 0x0e230003 // PR_INTERNET_ARTICLE_NUMBER
	PrToDoItemFlags                        PropTag = 0x0e2b0003 // PR_TODO_ITEM_FLAGS
	PrRead                                 PropTag = 0x0e69000b // PR_READ
	PrExtendedRuleMsgActions               PropTag = 0x0e990102 // PR_EXTENDED_RULE_MSG_ACTIONS
	PrExtendedRuleMsgCondition             PropTag = 0x0e9a0102 // PR_EXTENDED_RULE_MSG_CONDITION
	PrExtendedRuleSizeLimit                PropTag = 0x0e9b0003 // PR_EXTENDED_RULE_SIZE_LIMIT
	PrAccess                               PropTag = 0x0ff40003 // PR_ACCESS
	PrRowType                              PropTag = 0x0ff50003 // PR_ROW_TYPE
	PrInstanceKey                          PropTag = 0x0ff60102 // PR_INSTANCE_KEY
	PrAccessLevel                          PropTag = 0x0ff70003 // PR_ACCESS_LEVEL
	PrMappingSignature                     PropTag = 0x0ff80102 // PR_MAPPING_SIGNATURE
	PrRecordKey                            PropTag = 0x0ff90102 // PR_RECORD_KEY
	PrStoreRecordKey                       PropTag = 0x0ffa0102 // PR_STORE_RECORD_KEY
	PrStoreEntryID                         PropTag = 0x0ffb0102 // PR_STORE_ENTRYID
	PrObjectType                           PropTag = 0x0ffe0003 // PR_OBJECT_TYPE
	PrEntryID                              PropTag = 0x0fff0102 // PR_ENTRYID
	PrBody                                 PropTag = 0x1000001f // PR_BODY
	PrRTFCompressed                        PropTag = 0x10090102 // PR_RTF_COMPRESSED
	PrHTML                                 PropTag = 0x10130102 // PR_HTML
	PrNativeBodyInfo                       PropTag = 0x10160003 // PR_NATIVE_BODY_INFO
	PrInternetMessageID                    PropTag = 0x1035001f // PR_INTERNET_MESSAGE_ID
	PrInternetReferences                   PropTag = 0x1039001f // PR_INTERNET_REFERENCES
	PrInReplyToID                          PropTag = 0x1042001f // PR_IN_REPLY_TO_ID
	PrListUnsubscribe                      PropTag = 0x1045001f // PR_LIST_UNSUBSCRIBE
	PrIconIndex                            PropTag = 0x10800003 // PR_ICON_INDEX
	PrLastVerbExecuted                     PropTag = 0x10810003 // PR_LAST_VERB_EXECUTED
	PrLastVerbExecutionTime                PropTag = 0x10820040 // PR_LAST_VERB_EXECUTION_TIME
	PrFlagStatus                           PropTag = 0x10900003 // PR_FLAG_STATUS
	PrFlagCompleteTime                     PropTag = 0x10910040 // PR_FLAG_COMPLETE_TIME
	PrFollowupIcon                         PropTag = 0x10950003 // PR_FOLLOWUP_ICON
	PrBlockStatus                          PropTag = 0x10960003 // PR_BLOCK_STATUS
	PrAttrHidden                           PropTag = 0x10f4000b // PR_ATTR_HIDDEN
	PrAttrSystem                           PropTag = 0x10f5000b // PR_ATTR_SYSTEM
	PrAttrReadonly                         PropTag = 0x10f6000b // PR_ATTR_READONLY
	PrRowID                                PropTag = 0x30000003 // PR_ROWID
	PrDisplayName                          PropTag = 0x3001001f // PR_DISPLAY_NAME
	PrAddrType                             PropTag = 0x3002001f // PR_ADDRTYPE
	PrEmailAddress                         PropTag = 0x3003001f // PR_EMAIL_ADDRESS
	PrComment                              PropTag = 0x3004001f // PR_COMMENT
	PrDepth                                PropTag = 0x30050003 // PR_DEPTH
	PrCreationTime                         PropTag = 0x30070040 // PR_CREATION_TIME
	PrLastModificationTime                 PropTag = 0x30080040 // PR_LAST_MODIFICATION_TIME
	PrSearchKey                            PropTag = 0x300b0102 // PR_SEARCH_KEY
	PrTargetEntryID                        PropTag = 0x30100102 // PR_TARGET_ENTRYID
	PrConversationID                       PropTag = 0x30130102 // PR_CONVERSATION_ID
	PrStoreSupportMask                     PropTag = 0x340d0003 // PR_STORE_SUPPORT_MASK
	PrStoreState                           PropTag = 0x340e0003 // PR_STORE_STATE
	PrMDBProvider                          PropTag = 0x34140102 // PR_MDB_PROVIDER
	PrReceiveFolderSettings                PropTag = 0x3415000d // PR_RECEIVE_FOLDER_SETTINGS
	PrValidFolderMask                      PropTag = 0x35df0003 // PR_VALID_FOLDER_MASK
	PrIPMSubtreeEntryID                    PropTag = 0x35e00102 // PR_IPM_SUBTREE_ENTRYID
	PrIPMOutboxEntryID                     PropTag = 0x35e20102 // PR_IPM_OUTBOX_ENTRYID
	PrIPMWastebasketEntryID                PropTag = 0x35e30102 // PR_IPM_WASTEBASKET_ENTRYID
	PrIPMSentMailEntryID                   PropTag = 0x35e40102 // PR_IPM_SENTMAIL_ENTRYID
	PrViewsEntryID                         PropTag = 0x35e50102 // PR_VIEWS_ENTRYID
	PrCommonViewsEntryID                   PropTag = 0x35e60102 // PR_COMMON_VIEWS_ENTRYID
	PrFinderEntryID                        PropTag = 0x35e70102 // PR_FINDER_ENTRYID
	PrContainerFlags                       PropTag = 0x36000003 // PR_CONTAINER_FLAGS
	PrFolderType                           PropTag = 0x36010003 // PR_FOLDER_TYPE
	PrContentCount                         PropTag = 0x36020003 // PR_CONTENT_COUNT
	PrContentUnread                        PropTag = 0x36030003 // PR_CONTENT_UNREAD
	PrSelectable                           PropTag = 0x3609000b // PR_SELECTABLE
	PrSubfolders                           PropTag = 0x360a000b // PR_SUBFOLDERS
	PrStatus                               PropTag = 0x360b0003 // PR_STATUS
	PrANR                                  PropTag = 0x360c001f // PR_ANR
	PrContentsSortOrder                    PropTag = 0x360d1003 // PR_CONTENTS_SORT_ORDER
	PrContainerHierarchy                   PropTag = 0x360e000d // PR_CONTAINER_HIERARCHY
	PrContainerContents                    PropTag = 0x360f000d // PR_CONTAINER_CONTENTS
	PrFolderAssociatedContents             PropTag = 0x3610000d // PR_FOLDER_ASSOCIATED_CONTENTS
	PrContainerClass                       PropTag = 0x3613001f // PR_CONTAINER_CLASS
	PrAssocContentCount                    PropTag = 0x36170003 // PR_ASSOC_CONTENT_COUNT
	PrIPMAppointmentEntryID                PropTag = 0x36d00102 // PR_IPM_APPOINTMENT_ENTRYID
	PrIPMContactEntryID                    PropTag = 0x36d10102 // PR_IPM_CONTACT_ENTRYID
	PrIPMJournalEntryID                    PropTag = 0x36d20102 // PR_IPM_JOURNAL_ENTRYID
	PrIPMNoteEntryID                       PropTag = 0x36d30102 // PR_IPM_NOTE_ENTRYID
	PrIPMTaskEntryID                       PropTag = 0x36d40102 // PR_IPM_TASK_ENTRYID
	PrIPMDraftsEntryID                     PropTag = 0x36d70102 // PR_IPM_DRAFTS_ENTRYID
	PrAdditionalRenEntryIDs                PropTag = 0x36d81102 // PR_ADDITIONAL_REN_ENTRYIDS
	PrAdditionalRenEntryIDsEx              PropTag = 0x36d90102 // PR_ADDITIONAL_REN_ENTRYIDS_EX
	PrExtendedFolderFlags                  PropTag = 0x36da0102 // PR_EXTENDED_FOLDER_FLAGS
	PrFreeBusyEntryIDs                     PropTag = 0x36e41102 // PR_FREEBUSY_ENTRYIDS
	PrDefPostMsgClass                      PropTag = 0x36e5001f // PR_DEF_POST_MSGCLASS
	PrAttachDataBin                        PropTag = 0x37010102 // PR_ATTACH_DATA_BIN
	PrAttachDataObj                        PropTag = 0x3701000d // PR_ATTACH_DATA_OBJ
	PrAttachEncoding                       PropTag = 0x37020102 // PR_ATTACH_ENCODING
	PrAttachExtension                      PropTag = 0x3703001f // PR_ATTACH_EXTENSION
	PrAttachFilename                       PropTag = 0x3704001f // PR_ATTACH_FILENAME
	PrAttachMethod                         PropTag = 0x37050003 // PR_ATTACH_METHOD
	PrAttachLongFilename                   PropTag = 0x3707001f // PR_ATTACH_LONG_FILENAME
	PrAttachPathname                       PropTag = 0x3708001f // PR_ATTACH_PATHNAME
	PrAttachRendering                      PropTag = 0x37090102 // PR_ATTACH_RENDERING
	PrAttachTag                            PropTag = 0x370a0102 // PR_ATTACH_TAG
	PrRenderingPosition                    PropTag = 0x370b0003 // PR_RENDERING_POSITION
	PrAttachTransportName                  PropTag = 0x370c001f // PR_ATTACH_TRANSPORT_NAME
	PrAttachLongPathname                   PropTag = 0x370d001f // PR_ATTACH_LONG_PATHNAME
	PrAttachMIMETag                        PropTag = 0x370e001f // PR_ATTACH_MIME_TAG
	PrAttachAdditionalInfo                 PropTag = 0x370f0102 // PR_ATTACH_ADDITIONAL_INFO
	PrAttachContentBase                    PropTag = 0x3711001f // PR_ATTACH_CONTENT_BASE
	PrAttachContentID                      PropTag = 0x3712001f // PR_ATTACH_CONTENT_ID
	PrAttachContentLocation                PropTag = 0x3713001f // PR_ATTACH_CONTENT_LOCATION
	PrAttachFlags                          PropTag = 0x37140003 // PR_ATTACH_FLAGS
	PrAttachPayloadProvGUIDStr             PropTag = 0x3719001f // PR_ATTACH_PAYLOAD_PROV_GUID_STR
	PrAttachPayloadClass                   PropTag = 0x371a001f // PR_ATTACH_PAYLOAD_CLASS
	PrDisplayType                          PropTag = 0x39000003 // PR_DISPLAY_TYPE
	PrDisplayTypeEx                        PropTag = 0x39050003 // PR_DISPLAY_TYPE_EX
	PrSMTPAddress                          PropTag = 0x39fe001f // PR_SMTP_ADDRESS
	PrAccount                              PropTag = 0x3a00001f // PR_ACCOUNT
	PrGivenName                            PropTag = 0x3a06001f // PR_GIVEN_NAME
	PrSurname                              PropTag = 0x3a11001f // PR_SURNAME
	PrOriginalEntryID                      PropTag = 0x3a120102 // PR_ORIGINAL_ENTRYID
	PrOriginalDisplayName                  PropTag = 0x3a13001f // PR_ORIGINAL_DISPLAY_NAME
	PrOriginalSearchKey                    PropTag = 0x3a140102 // PR_ORIGINAL_SEARCH_KEY
	PrTransmitableDisplayName              PropTag = 0x3a20001f // PR_TRANSMITABLE_DISPLAY_NAME
	PrSendRichInfo                         PropTag = 0x3a40000b // PR_SEND_RICH_INFO
	PrDisplayNamePrefix                    PropTag = 0x3a45001f // PR_DISPLAY_NAME_PREFIX
	PrInternetCPID                         PropTag = 0x3fde0003 // PR_INTERNET_CPID
	PrMessageLocaleID                      PropTag = 0x3ff10003 // PR_MESSAGE_LOCALE_ID
	PrStorageQuotaLimit                    PropTag = 0x3ff50003 // PR_STORAGE_QUOTA_LIMIT
	PrCreatorName                          PropTag = 0x3ff8001f // PR_CREATOR_NAME
	PrCreatorEntryID                       PropTag = 0x3ff90102 // PR_CREATOR_ENTRYID
	PrLastModifierName                     PropTag = 0x3ffa001f // PR_LAST_MODIFIER_NAME
	PrLastModifierEntryID                  PropTag = 0x3ffb0102 // PR_LAST_MODIFIER_ENTRYID
	PrMessageCodepage                      PropTag = 0x3ffd0003 // PR_MESSAGE_CODEPAGE
	PrHierRev                              PropTag = 0x40820040 // PR_HIER_REV
	PrSenderSMTPAddress                    PropTag = 0x5d01001f // PR_SENDER_SMTP_ADDRESS
	PrSentRepresentingSMTPAddress          PropTag = 0x5d02001f // PR_SENT_REPRESENTING_SMTP_ADDRESS
	PrReceivedBySMTPAddress                PropTag = 0x5d07001f // PR_RECEIVED_BY_SMTP_ADDRESS
	PrRecipientDisplayName                 PropTag = 0x5ff6001f // PR_RECIPIENT_DISPLAY_NAME
	PrRecipientEntryID                     PropTag = 0x5ff70102 // PR_RECIPIENT_ENTRYID
	PrRecipientFlags                       PropTag = 0x5ffd0003 // PR_RECIPIENT_FLAGS
	PrRecipientTrackStatus                 PropTag = 0x5fff0003 // PR_RECIPIENT_TRACK_STATUS
	PrSourceKey                            PropTag = 0x65e00102 // PR_SOURCE_KEY
	PrParentSourceKey                      PropTag = 0x65e10102 // PR_PARENT_SOURCE_KEY
	PrChangeKey                            PropTag = 0x65e20102 // PR_CHANGE_KEY
	PrPredecessorChangeList                PropTag = 0x65e30102 // PR_PREDECESSOR_CHANGE_LIST
	PrRuleMsgState                         PropTag = 0x65e90003 // PR_RULE_MSG_STATE
	PrRuleMsgUserFlags                     PropTag = 0x65ea0003 // PR_RULE_MSG_USER_FLAGS
	PrRuleMsgProvider                      PropTag = 0x65eb001f // PR_RULE_MSG_PROVIDER
	PrRuleMsgName                          PropTag = 0x65ec001f // PR_RULE_MSG_NAME
	PrRuleMsgLevel                         PropTag = 0x65ed0003 // PR_RULE_MSG_LEVEL
	PrRuleMsgProviderData                  PropTag = 0x65ee0102 // PR_RULE_MSG_PROVIDER_DATA
	PrRuleMsgSequence                      PropTag = 0x65f30003 // PR_RULE_MSG_SEQUENCE
	PrUserEntryID                          PropTag = 0x66190102 // PR_USER_ENTRYID
	PrMailboxOwnerEntryID                  PropTag = 0x661b0102 // PR_MAILBOX_OWNER_ENTRYID
	PrMailboxOwnerName                     PropTag = 0x661c001f // PR_MAILBOX_OWNER_NAME
	PrOOFState                             PropTag = 0x661d000b // PR_OOF_STATE
	PrFolderChildCount                     PropTag = 0x66380003 // PR_FOLDER_CHILD_COUNT
	PrRights                               PropTag = 0x66390003 // PR_RIGHTS
	PrHasRules                             PropTag = 0x663a000b // PR_HAS_RULES
	PrHierarchyChangeNum                   PropTag = 0x663e0003 // PR_HIERARCHY_CHANGE_NUM
	PrDeletedMsgCount                      PropTag = 0x66400003 // PR_DELETED_MSG_COUNT
	PrDeletedFolderCount                   PropTag = 0x66410003 // PR_DELETED_FOLDER_COUNT
	PrDeletedAssocMsgCount                 PropTag = 0x66430003 // PR_DELETED_ASSOC_MSG_COUNT
	PrRuleError                            PropTag = 0x66480003 // PR_RULE_ERROR
	PrRuleActionType                       PropTag = 0x66490003 // PR_RULE_ACTION_TYPE
	PrRuleActionNumber                     PropTag = 0x66500003 // PR_RULE_ACTION_NUMBER
	PrRuleFolderEntryID                    PropTag = 0x66510102 // PR_RULE_FOLDER_ENTRYID
	PrProhibitReceiveQuota                 PropTag = 0x666a0003 // PR_PROHIBIT_RECEIVE_QUOTA
	PrMaxSubmitMessageSize                 PropTag = 0x666d0003 // PR_MAX_SUBMIT_MESSAGE_SIZE
	PrProhibitSendQuota                    PropTag = 0x666e0003 // PR_PROHIBIT_SEND_QUOTA
	PrMemberID                             PropTag = 0x66710014 // PR_MEMBER_ID
	PrMemberName                           PropTag = 0x6672001f // PR_MEMBER_NAME
	PrMemberRights                         PropTag = 0x66730003 // PR_MEMBER_RIGHTS
	PrRuleID                               PropTag = 0x66740014 // PR_RULE_ID
	PrRuleIDs                              PropTag = 0x66750102 // PR_RULE_IDS
	PrRuleSequence                         PropTag = 0x66760003 // PR_RULE_SEQUENCE
	PrRuleState                            PropTag = 0x66770003 // PR_RULE_STATE
	PrRuleUserFlags                        PropTag = 0x66780003 // PR_RULE_USER_FLAGS
	PrRuleCondition                        PropTag = 0x667900fd // PR_RULE_CONDITION
	PrRuleActions                          PropTag = 0x668000fe // PR_RULE_ACTIONS
	PrRuleProvider                         PropTag = 0x6681001f // PR_RULE_PROVIDER
	PrRuleName                             PropTag = 0x6682001f // PR_RULE_NAME
	PrRuleLevel                            PropTag = 0x66830003 // PR_RULE_LEVEL
	PrRuleProviderData                     PropTag = 0x66840102 // PR_RULE_PROVIDER_DATA
	PrDeletedOn                            PropTag = 0x668f0040 // PR_DELETED_ON
	PrLocaleID                             PropTag = 0x66a10003 // PR_LOCALE_ID
	PrNormalMessageSize                    PropTag = 0x66b30003 // PR_NORMAL_MESSAGE_SIZE
	PrNormalMessageSizeExtended            PropTag = 0x66b30014 // PR_NORMAL_MESSAGE_SIZE_EXTENDED
	PrAssocMessageSizeExtended             PropTag = 0x66b40014 // PR_ASSOC_MESSAGE_SIZE_EXTENDED
	PrCodePageID                           PropTag = 0x66c30003 // PR_CODE_PAGE_ID
	PrLocalCommitTime                      PropTag = 0x67090040 // PR_LOCAL_COMMIT_TIME
	PrLocalCommitTimeMax                   PropTag = 0x670a0040 // PR_LOCAL_COMMIT_TIME_MAX
	PrDeletedCountTotal                    PropTag = 0x670b0003 // PR_DELETED_COUNT_TOTAL
	PrFolderID                             PropTag = 0x67480014 // PR_FOLDER_ID
	PrParentFolderID                       PropTag = 0x67490014 // PR_PARENT_FOLDER_ID
	PrMID                                  PropTag = 0x674a0014 // PR_MID
	PrInternetArticleNumberNext            PropTag = 0x67510003 // PR_INTERNET_ARTICLE_NUMBER_NEXT
	PrChangeNumber                         PropTag = 0x67a40014 // PR_CHANGE_NUMBER
	PrAssociated                           PropTag = 0x67aa000b // PR_ASSOCIATED

	// PrMemberEntryID is PidTagMemberEntryId of permission tables (MS-OXCPERM),
	// which shares its tag with PR_ENTRYID.
	PrMemberEntryID PropTag = PrEntryID
)

// PT_STRING8 forms of the string tags above.
const (
	PrMessageClassA                         PropTag = 0x001a001e // PR_MESSAGE_CLASS_A
	PrSubjectA                              PropTag = 0x0037001e // PR_SUBJECT_A
	PrSubjectPrefixA                        PropTag = 0x003d001e // PR_SUBJECT_PREFIX_A
	PrReceivedByNameA                       PropTag = 0x0040001e // PR_RECEIVED_BY_NAME_A
	PrSentRepresentingNameA                 PropTag = 0x0042001e // PR_SENT_REPRESENTING_NAME_A
	PrRcvdRepresentingNameA                 PropTag = 0x0044001e // PR_RCVD_REPRESENTING_NAME_A
	PrOriginalSubjectA                      PropTag = 0x0049001e // PR_ORIGINAL_SUBJECT_A
	PrOriginalAuthorNameA                   PropTag = 0x004d001e // PR_ORIGINAL_AUTHOR_NAME_A
	PrReplyRecipientNamesA                  PropTag = 0x0050001e // PR_REPLY_RECIPIENT_NAMES_A
	PrOriginalSenderNameA                   PropTag = 0x005a001e // PR_ORIGINAL_SENDER_NAME_A
	PrOriginalSentRepresentingNameA         PropTag = 0x005d001e // PR_ORIGINAL_SENT_REPRESENTING_NAME_A
	PrSentRepresentingAddrTypeA             PropTag = 0x0064001e // PR_SENT_REPRESENTING_ADDRTYPE_A
	PrSentRepresentingEmailAddressA         PropTag = 0x0065001e // PR_SENT_REPRESENTING_EMAIL_ADDRESS_A
	PrOriginalSenderAddrTypeA               PropTag = 0x0066001e // PR_ORIGINAL_SENDER_ADDRTYPE_A
	PrOriginalSenderEmailAddressA           PropTag = 0x0067001e // PR_ORIGINAL_SENDER_EMAIL_ADDRESS_A
	PrOriginalSentRepresentingAddrTypeA     PropTag = 0x0068001e // PR_ORIGINAL_SENT_REPRESENTING_ADDRTYPE_A
	PrOriginalSentRepresentingEmailAddressA PropTag = 0x0069001e // PR_ORIGINAL_SENT_REPRESENTING_EMAIL_ADDRESS_A
	PrConversationTopicA                    PropTag = 0x0070001e // PR_CONVERSATION_TOPIC_A
	PrOriginalDisplayBccA                   PropTag = 0x0072001e // PR_ORIGINAL_DISPLAY_BCC_A
	PrOriginalDisplayCcA                    PropTag = 0x0073001e // PR_ORIGINAL_DISPLAY_CC_A
	PrOriginalDisplayToA                    PropTag = 0x0074001e // PR_ORIGINAL_DISPLAY_TO_A
	PrReceivedByAddrTypeA                   PropTag = 0x0075001e // PR_RECEIVED_BY_ADDRTYPE_A
	PrReceivedByEmailAddressA               PropTag = 0x0076001e // PR_RECEIVED_BY_EMAIL_ADDRESS_A
	PrRcvdRepresentingAddrTypeA             PropTag = 0x0077001e // PR_RCVD_REPRESENTING_ADDRTYPE_A
	PrRcvdRepresentingEmailAddressA         PropTag = 0x0078001e // PR_RCVD_REPRESENTING_EMAIL_ADDRESS_A
	PrTransportMessageHeadersA              PropTag = 0x007d001e // PR_TRANSPORT_MESSAGE_HEADERS_A
	PrSenderNameA                           PropTag = 0x0c1a001e // PR_SENDER_NAME_A
	PrSenderAddrTypeA                       PropTag = 0x0c1e001e // PR_SENDER_ADDRTYPE_A
	PrSenderEmailAddressA                   PropTag = 0x0c1f001e // PR_SENDER_EMAIL_ADDRESS_A
	PrDisplayBccA                           PropTag = 0x0e02001e // PR_DISPLAY_BCC_A
	PrDisplayCcA                            PropTag = 0x0e03001e // PR_DISPLAY_CC_A
	PrDisplayToA                            PropTag = 0x0e04001e // PR_DISPLAY_TO_A
	PrParentDisplayA                        PropTag = 0x0e05001e // PR_PARENT_DISPLAY_A
	PrNormalizedSubjectA                    PropTag = 0x0e1d001e // PR_NORMALIZED_SUBJECT_A
	PrBodyA                                 PropTag = 0x1000001e // PR_BODY_A
	PrInternetMessageIDA                    PropTag = 0x1035001e // PR_INTERNET_MESSAGE_ID_A
	PrInternetReferencesA                   PropTag = 0x1039001e // PR_INTERNET_REFERENCES_A
	PrInReplyToIDA                          PropTag = 0x1042001e // PR_IN_REPLY_TO_ID_A
	PrListUnsubscribeA                      PropTag = 0x1045001e // PR_LIST_UNSUBSCRIBE_A
	PrDisplayNameA                          PropTag = 0x3001001e // PR_DISPLAY_NAME_A
	PrAddrTypeA                             PropTag = 0x3002001e // PR_ADDRTYPE_A
	PrEmailAddressA                         PropTag = 0x3003001e // PR_EMAIL_ADDRESS_A
	PrCommentA                              PropTag = 0x3004001e // PR_COMMENT_A
	PrANRA                                  PropTag = 0x360c001e // PR_ANR_A
	PrContainerClassA                       PropTag = 0x3613001e // PR_CONTAINER_CLASS_A
	PrDefPostMsgClassA                      PropTag = 0x36e5001e // PR_DEF_POST_MSGCLASS_A
	PrAttachExtensionA                      PropTag = 0x3703001e // PR_ATTACH_EXTENSION_A
	PrAttachFilenameA                       PropTag = 0x3704001e // PR_ATTACH_FILENAME_A
	PrAttachLongFilenameA                   PropTag = 0x3707001e // PR_ATTACH_LONG_FILENAME_A
	PrAttachPathnameA                       PropTag = 0x3708001e // PR_ATTACH_PATHNAME_A
	PrAttachTransportNameA                  PropTag = 0x370c001e // PR_ATTACH_TRANSPORT_NAME_A
	PrAttachLongPathnameA                   PropTag = 0x370d001e // PR_ATTACH_LONG_PATHNAME_A
	PrAttachMIMETagA                        PropTag = 0x370e001e // PR_ATTACH_MIME_TAG_A
	PrAttachContentBaseA                    PropTag = 0x3711001e // PR_ATTACH_CONTENT_BASE_A
	PrAttachContentIDA                      PropTag = 0x3712001e // PR_ATTACH_CONTENT_ID_A
	PrAttachContentLocationA                PropTag = 0x3713001e // PR_ATTACH_CONTENT_LOCATION_A
	PrAttachPayloadProvGUIDStrA             PropTag = 0x3719001e // PR_ATTACH_PAYLOAD_PROV_GUID_STR_A
	PrAttachPayloadClassA                   PropTag = 0x371a001e // PR_ATTACH_PAYLOAD_CLASS_A
	PrSMTPAddressA                          PropTag = 0x39fe001e // PR_SMTP_ADDRESS_A
	PrAccountA                              PropTag = 0x3a00001e // PR_ACCOUNT_A
	PrGivenNameA                            PropTag = 0x3a06001e // PR_GIVEN_NAME_A
	PrSurnameA                              PropTag = 0x3a11001e // PR_SURNAME_A
	PrOriginalDisplayNameA                  PropTag = 0x3a13001e // PR_ORIGINAL_DISPLAY_NAME_A
	PrTransmitableDisplayNameA              PropTag = 0x3a20001e // PR_TRANSMITABLE_DISPLAY_NAME_A
	PrDisplayNamePrefixA                    PropTag = 0x3a45001e // PR_DISPLAY_NAME_PREFIX_A
	PrCreatorNameA                          PropTag = 0x3ff8001e // PR_CREATOR_NAME_A
	PrLastModifierNameA                     PropTag = 0x3ffa001e // PR_LAST_MODIFIER_NAME_A
	PrSenderSMTPAddressA                    PropTag = 0x5d01001e // PR_SENDER_SMTP_ADDRESS_A
	PrSentRepresentingSMTPAddressA          PropTag = 0x5d02001e // PR_SENT_REPRESENTING_SMTP_ADDRESS_A
	PrReceivedBySMTPAddressA                PropTag = 0x5d07001e // PR_RECEIVED_BY_SMTP_ADDRESS_A
	PrRecipientDisplayNameA                 PropTag = 0x5ff6001e // PR_RECIPIENT_DISPLAY_NAME_A
	PrRuleMsgProviderA                      PropTag = 0x65eb001e // PR_RULE_MSG_PROVIDER_A
	PrRuleMsgNameA                          PropTag = 0x65ec001e // PR_RULE_MSG_NAME_A
	PrMailboxOwnerNameA                     PropTag = 0x661c001e // PR_MAILBOX_OWNER_NAME_A
	PrMemberNameA                           PropTag = 0x6672001e // PR_MEMBER_NAME_A
	PrRuleProviderA                         PropTag = 0x6681001e // PR_RULE_PROVIDER_A
	PrRuleNameA                             PropTag = 0x6682001e // PR_RULE_NAME_A
)

// knownTags lists the named tags in declaration order.
var knownTags = []struct {
	tag  PropTag
	name string
}{
	{PrAutoForwarded, "PR_AUTO_FORWARDED"},
	{PrExpiryTime, "PR_EXPIRY_TIME"},
	{PrImportance, "PR_IMPORTANCE"},
	{PrMessageClass, "PR_MESSAGE_CLASS"},
	{PrOriginatorDeliveryReportRequested, "PR_ORIGINATOR_DELIVERY_REPORT_REQUESTED"},
	{PrParentKey, "PR_PARENT_KEY"},
	{PrPriority, "PR_PRIORITY"},
	{PrReadReceiptRequested, "PR_READ_RECEIPT_REQUESTED"},
	{PrOriginalSensitivity, "PR_ORIGINAL_SENSITIVITY"},
	{PrSensitivity, "PR_SENSITIVITY"},
	{PrSubject, "PR_SUBJECT"},
	{PrClientSubmitTime, "PR_CLIENT_SUBMIT_TIME"},
	{PrSentRepresentingSearchKey, "PR_SENT_REPRESENTING_SEARCH_KEY"},
	{PrSubjectPrefix, "PR_SUBJECT_PREFIX"},
	{PrReceivedByEntryID, "PR_RECEIVED_BY_ENTRYID"},
	{PrReceivedByName, "PR_RECEIVED_BY_NAME"},
	{PrSentRepresentingEntryID, "PR_SENT_REPRESENTING_ENTRYID"},
	{PrSentRepresentingName, "PR_SENT_REPRESENTING_NAME"},
	{PrRcvdRepresentingEntryID, "PR_RCVD_REPRESENTING_ENTRYID"},
	{PrRcvdRepresentingName, "PR_RCVD_REPRESENTING_NAME"},
	{PrReadReceiptEntryID, "PR_READ_RECEIPT_ENTRYID"},
	{PrOriginalSubject, "PR_ORIGINAL_SUBJECT"},
	{PrOriginalAuthorEntryID, "PR_ORIGINAL_AUTHOR_ENTRYID"},
	{PrOriginalAuthorName, "PR_ORIGINAL_AUTHOR_NAME"},
	{PrOriginalSubmitTime, "PR_ORIGINAL_SUBMIT_TIME"},
	{PrReplyRecipientEntries, "PR_REPLY_RECIPIENT_ENTRIES"},
	{PrReplyRecipientNames, "PR_REPLY_RECIPIENT_NAMES"},
	{PrReceivedBySearchKey, "PR_RECEIVED_BY_SEARCH_KEY"},
	{PrRcvdRepresentingSearchKey, "PR_RCVD_REPRESENTING_SEARCH_KEY"},
	{PrOriginalDeliveryTime, "PR_ORIGINAL_DELIVERY_TIME"},
	{PrMessageToMe, "PR_MESSAGE_TO_ME"},
	{PrMessageCcMe, "PR_MESSAGE_CC_ME"},
	{PrMessageRecipMe, "PR_MESSAGE_RECIP_ME"},
	{PrOriginalSenderName, "PR_ORIGINAL_SENDER_NAME"},
	{PrOriginalSenderEntryID, "PR_ORIGINAL_SENDER_ENTRYID"},
	{PrOriginalSenderSearchKey, "PR_ORIGINAL_SENDER_SEARCH_KEY"},
	{PrOriginalSentRepresentingName, "PR_ORIGINAL_SENT_REPRESENTING_NAME"},
	{PrOriginalSentRepresentingEntryID, "PR_ORIGINAL_SENT_REPRESENTING_ENTRYID"},
	{PrOriginalSentRepresentingSearchKey, "PR_ORIGINAL_SENT_REPRESENTING_SEARCH_KEY"},
	{PrStartDate, "PR_START_DATE"},
	{PrEndDate, "PR_END_DATE"},
	{PrSentRepresentingAddrType, "PR_SENT_REPRESENTING_ADDRTYPE"},
	{PrSentRepresentingEmailAddress, "PR_SENT_REPRESENTING_EMAIL_ADDRESS"},
	{PrOriginalSenderAddrType, "PR_ORIGINAL_SENDER_ADDRTYPE"},
	{PrOriginalSenderEmailAddress, "PR_ORIGINAL_SENDER_EMAIL_ADDRESS"},
	{PrOriginalSentRepresentingAddrType, "PR_ORIGINAL_SENT_REPRESENTING_ADDRTYPE"},
	{PrOriginalSentRepresentingEmailAddress, "PR_ORIGINAL_SENT_REPRESENTING_EMAIL_ADDRESS"},
	{PrConversationTopic, "PR_CONVERSATION_TOPIC"},
	{PrConversationIndex, "PR_CONVERSATION_INDEX"},
	{PrOriginalDisplayBcc, "PR_ORIGINAL_DISPLAY_BCC"},
	{PrOriginalDisplayCc, "PR_ORIGINAL_DISPLAY_CC"},
	{PrOriginalDisplayTo, "PR_ORIGINAL_DISPLAY_TO"},
	{PrReceivedByAddrType, "PR_RECEIVED_BY_ADDRTYPE"},
	{PrReceivedByEmailAddress, "PR_RECEIVED_BY_EMAIL_ADDRESS"},
	{PrRcvdRepresentingAddrType, "PR_RCVD_REPRESENTING_ADDRTYPE"},
	{PrRcvdRepresentingEmailAddress, "PR_RCVD_REPRESENTING_EMAIL_ADDRESS"},
	{PrTransportMessageHeaders, "PR_TRANSPORT_MESSAGE_HEADERS"},
	{PrNonReceiptNotificationRequested, "PR_NON_RECEIPT_NOTIFICATION_REQUESTED"},
	{PrRecipientType, "PR_RECIPIENT_TYPE"},
	{PrSenderEntryID, "PR_SENDER_ENTRYID"},
	{PrSenderName, "PR_SENDER_NAME"},
	{PrSenderSearchKey, "PR_SENDER_SEARCH_KEY"},
	{PrSenderAddrType, "PR_SENDER_ADDRTYPE"},
	{PrSenderEmailAddress, "PR_SENDER_EMAIL_ADDRESS"},
	{PrDeleteAfterSubmit, "PR_DELETE_AFTER_SUBMIT"},
	{PrDisplayBcc, "PR_DISPLAY_BCC"},
	{PrDisplayCc, "PR_DISPLAY_CC"},
	{PrDisplayTo, "PR_DISPLAY_TO"},
	{PrParentDisplay, "PR_PARENT_DISPLAY"},
	{PrMessageDeliveryTime, "PR_MESSAGE_DELIVERY_TIME"},
	{PrMessageFlags, "PR_MESSAGE_FLAGS"},
	{PrMessageSize, "PR_MESSAGE_SIZE"},
	{PrMessageSizeExtended, "PR_MESSAGE_SIZE_EXTENDED"},
	{PrParentEntryID, "PR_PARENT_ENTRYID"},
	{PrSentMailEntryID, "PR_SENTMAIL_ENTRYID"},
	{PrResponsibility, "PR_RESPONSIBILITY"},
	{PrMessageRecipients, "PR_MESSAGE_RECIPIENTS"},
	{PrMessageAttachments, "PR_MESSAGE_ATTACHMENTS"},
	{PrSubmitFlags, "PR_SUBMIT_FLAGS"},
	{PrRecipientStatus, "PR_RECIPIENT_STATUS"},
	{PrMsgStatus, "PR_MSG_STATUS"},
	{PrHasAttach, "PR_HASATTACH"},
	{PrNormalizedSubject, "PR_NORMALIZED_SUBJECT"},
	{PrRTFInSync, "PR_RTF_IN_SYNC"},
	{PrAttachSize, "PR_ATTACH_SIZE"},
	{PrAttachNum, "PR_ATTACH_NUM"},
	{PrInternetArticleNumber, "PR_INTERNET_ARTICLE_NUMBER"},
	{PrToDoItemFlags, "PR_TODO_ITEM_FLAGS"},
	{PrRead, "PR_READ"},
	{PrExtendedRuleMsgActions, "PR_EXTENDED_RULE_MSG_ACTIONS"},
	{PrExtendedRuleMsgCondition, "PR_EXTENDED_RULE_MSG_CONDITION"},
	{PrExtendedRuleSizeLimit, "PR_EXTENDED_RULE_SIZE_LIMIT"},
	{PrAccess, "PR_ACCESS"},
	{PrRowType, "PR_ROW_TYPE"},
	{PrInstanceKey, "PR_INSTANCE_KEY"},
	{PrAccessLevel, "PR_ACCESS_LEVEL"},
	{PrMappingSignature, "PR_MAPPING_SIGNATURE"},
	{PrRecordKey, "PR_RECORD_KEY"},
	{PrStoreRecordKey, "PR_STORE_RECORD_KEY"},
	{PrStoreEntryID, "PR_STORE_ENTRYID"},
	{PrObjectType, "PR_OBJECT_TYPE"},
	{PrEntryID, "PR_ENTRYID"},
	{PrBody, "PR_BODY"},
	{PrRTFCompressed, "PR_RTF_COMPRESSED"},
	{PrHTML, "PR_HTML"},
	{PrNativeBodyInfo, "PR_NATIVE_BODY_INFO"},
	{PrInternetMessageID, "PR_INTERNET_MESSAGE_ID"},
	{PrInternetReferences, "PR_INTERNET_REFERENCES"},
	{PrInReplyToID, "PR_IN_REPLY_TO_ID"},
	{PrListUnsubscribe, "PR_LIST_UNSUBSCRIBE"},
	{PrIconIndex, "PR_ICON_INDEX"},
	{PrLastVerbExecuted, "PR_LAST_VERB_EXECUTED"},
	{PrLastVerbExecutionTime, "PR_LAST_VERB_EXECUTION_TIME"},
	{PrFlagStatus, "PR_FLAG_STATUS"},
	{PrFlagCompleteTime, "PR_FLAG_COMPLETE_TIME"},
	{PrFollowupIcon, "PR_FOLLOWUP_ICON"},
	{PrBlockStatus, "PR_BLOCK_STATUS"},
	{PrAttrHidden, "PR_ATTR_HIDDEN"},
	{PrAttrSystem, "PR_ATTR_SYSTEM"},
	{PrAttrReadonly, "PR_ATTR_READONLY"},
	{PrRowID, "PR_ROWID"},
	{PrDisplayName, "PR_DISPLAY_NAME"},
	{PrAddrType, "PR_ADDRTYPE"},
	{PrEmailAddress, "PR_EMAIL_ADDRESS"},
	{PrComment, "PR_COMMENT"},
	{PrDepth, "PR_DEPTH"},
	{PrCreationTime, "PR_CREATION_TIME"},
	{PrLastModificationTime, "PR_LAST_MODIFICATION_TIME"},
	{PrSearchKey, "PR_SEARCH_KEY"},
	{PrTargetEntryID, "PR_TARGET_ENTRYID"},
	{PrConversationID, "PR_CONVERSATION_ID"},
	{PrStoreSupportMask, "PR_STORE_SUPPORT_MASK"},
	{PrStoreState, "PR_STORE_STATE"},
	{PrMDBProvider, "PR_MDB_PROVIDER"},
	{PrReceiveFolderSettings, "PR_RECEIVE_FOLDER_SETTINGS"},
	{PrValidFolderMask, "PR_VALID_FOLDER_MASK"},
	{PrIPMSubtreeEntryID, "PR_IPM_SUBTREE_ENTRYID"},
	{PrIPMOutboxEntryID, "PR_IPM_OUTBOX_ENTRYID"},
	{PrIPMWastebasketEntryID, "PR_IPM_WASTEBASKET_ENTRYID"},
	{PrIPMSentMailEntryID, "PR_IPM_SENTMAIL_ENTRYID"},
	{PrViewsEntryID, "PR_VIEWS_ENTRYID"},
	{PrCommonViewsEntryID, "PR_COMMON_VIEWS_ENTRYID"},
	{PrFinderEntryID, "PR_FINDER_ENTRYID"},
	{PrContainerFlags, "PR_CONTAINER_FLAGS"},
	{PrFolderType, "PR_FOLDER_TYPE"},
	{PrContentCount, "PR_CONTENT_COUNT"},
	{PrContentUnread, "PR_CONTENT_UNREAD"},
	{PrSelectable, "PR_SELECTABLE"},
	{PrSubfolders, "PR_SUBFOLDERS"},
	{PrStatus, "PR_STATUS"},
	{PrANR, "PR_ANR"},
	{PrContentsSortOrder, "PR_CONTENTS_SORT_ORDER"},
	{PrContainerHierarchy, "PR_CONTAINER_HIERARCHY"},
	{PrContainerContents, "PR_CONTAINER_CONTENTS"},
	{PrFolderAssociatedContents, "PR_FOLDER_ASSOCIATED_CONTENTS"},
	{PrContainerClass, "PR_CONTAINER_CLASS"},
	{PrAssocContentCount, "PR_ASSOC_CONTENT_COUNT"},
	{PrIPMAppointmentEntryID, "PR_IPM_APPOINTMENT_ENTRYID"},
	{PrIPMContactEntryID, "PR_IPM_CONTACT_ENTRYID"},
	{PrIPMJournalEntryID, "PR_IPM_JOURNAL_ENTRYID"},
	{PrIPMNoteEntryID, "PR_IPM_NOTE_ENTRYID"},
	{PrIPMTaskEntryID, "PR_IPM_TASK_ENTRYID"},
	{PrIPMDraftsEntryID, "PR_IPM_DRAFTS_ENTRYID"},
	{PrAdditionalRenEntryIDs, "PR_ADDITIONAL_REN_ENTRYIDS"},
	{PrAdditionalRenEntryIDsEx, "PR_ADDITIONAL_REN_ENTRYIDS_EX"},
	{PrExtendedFolderFlags, "PR_EXTENDED_FOLDER_FLAGS"},
	{PrFreeBusyEntryIDs, "PR_FREEBUSY_ENTRYIDS"},
	{PrDefPostMsgClass, "PR_DEF_POST_MSGCLASS"},
	{PrAttachDataBin, "PR_ATTACH_DATA_BIN"},
	{PrAttachDataObj, "PR_ATTACH_DATA_OBJ"},
	{PrAttachEncoding, "PR_ATTACH_ENCODING"},
	{PrAttachExtension, "PR_ATTACH_EXTENSION"},
	{PrAttachFilename, "PR_ATTACH_FILENAME"},
	{PrAttachMethod, "PR_ATTACH_METHOD"},
	{PrAttachLongFilename, "PR_ATTACH_LONG_FILENAME"},
	{PrAttachPathname, "PR_ATTACH_PATHNAME"},
	{PrAttachRendering, "PR_ATTACH_RENDERING"},
	{PrAttachTag, "PR_ATTACH_TAG"},
	{PrRenderingPosition, "PR_RENDERING_POSITION"},
	{PrAttachTransportName, "PR_ATTACH_TRANSPORT_NAME"},
	{PrAttachLongPathname, "PR_ATTACH_LONG_PATHNAME"},
	{PrAttachMIMETag, "PR_ATTACH_MIME_TAG"},
	{PrAttachAdditionalInfo, "PR_ATTACH_ADDITIONAL_INFO"},
	{PrAttachContentBase, "PR_ATTACH_CONTENT_BASE"},
	{PrAttachContentID, "PR_ATTACH_CONTENT_ID"},
	{PrAttachContentLocation, "PR_ATTACH_CONTENT_LOCATION"},
	{PrAttachFlags, "PR_ATTACH_FLAGS"},
	{PrAttachPayloadProvGUIDStr, "PR_ATTACH_PAYLOAD_PROV_GUID_STR"},
	{PrAttachPayloadClass, "PR_ATTACH_PAYLOAD_CLASS"},
	{PrDisplayType, "PR_DISPLAY_TYPE"},
	{PrDisplayTypeEx, "PR_DISPLAY_TYPE_EX"},
	{PrSMTPAddress, "PR_SMTP_ADDRESS"},
	{PrAccount, "PR_ACCOUNT"},
	{PrGivenName, "PR_GIVEN_NAME"},
	{PrSurname, "PR_SURNAME"},
	{PrOriginalEntryID, "PR_ORIGINAL_ENTRYID"},
	{PrOriginalDisplayName, "PR_ORIGINAL_DISPLAY_NAME"},
	{PrOriginalSearchKey, "PR_ORIGINAL_SEARCH_KEY"},
	{PrTransmitableDisplayName, "PR_TRANSMITABLE_DISPLAY_NAME"},
	{PrSendRichInfo, "PR_SEND_RICH_INFO"},
	{PrDisplayNamePrefix, "PR_DISPLAY_NAME_PREFIX"},
	{PrInternetCPID, "PR_INTERNET_CPID"},
	{PrMessageLocaleID, "PR_MESSAGE_LOCALE_ID"},
	{PrStorageQuotaLimit, "PR_STORAGE_QUOTA_LIMIT"},
	{PrCreatorName, "PR_CREATOR_NAME"},
	{PrCreatorEntryID, "PR_CREATOR_ENTRYID"},
	{PrLastModifierName, "PR_LAST_MODIFIER_NAME"},
	{PrLastModifierEntryID, "PR_LAST_MODIFIER_ENTRYID"},
	{PrMessageCodepage, "PR_MESSAGE_CODEPAGE"},
	{PrHierRev, "PR_HIER_REV"},
	{PrSenderSMTPAddress, "PR_SENDER_SMTP_ADDRESS"},
	{PrSentRepresentingSMTPAddress, "PR_SENT_REPRESENTING_SMTP_ADDRESS"},
	{PrReceivedBySMTPAddress, "PR_RECEIVED_BY_SMTP_ADDRESS"},
	{PrRecipientDisplayName, "PR_RECIPIENT_DISPLAY_NAME"},
	{PrRecipientEntryID, "PR_RECIPIENT_ENTRYID"},
	{PrRecipientFlags, "PR_RECIPIENT_FLAGS"},
	{PrRecipientTrackStatus, "PR_RECIPIENT_TRACK_STATUS"},
	{PrSourceKey, "PR_SOURCE_KEY"},
	{PrParentSourceKey, "PR_PARENT_SOURCE_KEY"},
	{PrChangeKey, "PR_CHANGE_KEY"},
	{PrPredecessorChangeList, "PR_PREDECESSOR_CHANGE_LIST"},
	{PrRuleMsgState, "PR_RULE_MSG_STATE"},
	{PrRuleMsgUserFlags, "PR_RULE_MSG_USER_FLAGS"},
	{PrRuleMsgProvider, "PR_RULE_MSG_PROVIDER"},
	{PrRuleMsgName, "PR_RULE_MSG_NAME"},
	{PrRuleMsgLevel, "PR_RULE_MSG_LEVEL"},
	{PrRuleMsgProviderData, "PR_RULE_MSG_PROVIDER_DATA"},
	{PrRuleMsgSequence, "PR_RULE_MSG_SEQUENCE"},
	{PrUserEntryID, "PR_USER_ENTRYID"},
	{PrMailboxOwnerEntryID, "PR_MAILBOX_OWNER_ENTRYID"},
	{PrMailboxOwnerName, "PR_MAILBOX_OWNER_NAME"},
	{PrOOFState, "PR_OOF_STATE"},
	{PrFolderChildCount, "PR_FOLDER_CHILD_COUNT"},
	{PrRights, "PR_RIGHTS"},
	{PrHasRules, "PR_HAS_RULES"},
	{PrHierarchyChangeNum, "PR_HIERARCHY_CHANGE_NUM"},
	{PrDeletedMsgCount, "PR_DELETED_MSG_COUNT"},
	{PrDeletedFolderCount, "PR_DELETED_FOLDER_COUNT"},
	{PrDeletedAssocMsgCount, "PR_DELETED_ASSOC_MSG_COUNT"},
	{PrRuleError, "PR_RULE_ERROR"},
	{PrRuleActionType, "PR_RULE_ACTION_TYPE"},
	{PrRuleActionNumber, "PR_RULE_ACTION_NUMBER"},
	{PrRuleFolderEntryID, "PR_RULE_FOLDER_ENTRYID"},
	{PrProhibitReceiveQuota, "PR_PROHIBIT_RECEIVE_QUOTA"},
	{PrMaxSubmitMessageSize, "PR_MAX_SUBMIT_MESSAGE_SIZE"},
	{PrProhibitSendQuota, "PR_PROHIBIT_SEND_QUOTA"},
	{PrMemberID, "PR_MEMBER_ID"},
	{PrMemberName, "PR_MEMBER_NAME"},
	{PrMemberRights, "PR_MEMBER_RIGHTS"},
	{PrRuleID, "PR_RULE_ID"},
	{PrRuleIDs, "PR_RULE_IDS"},
	{PrRuleSequence, "PR_RULE_SEQUENCE"},
	{PrRuleState, "PR_RULE_STATE"},
	{PrRuleUserFlags, "PR_RULE_USER_FLAGS"},
	{PrRuleCondition, "PR_RULE_CONDITION"},
	{PrRuleActions, "PR_RULE_ACTIONS"},
	{PrRuleProvider, "PR_RULE_PROVIDER"},
	{PrRuleName, "PR_RULE_NAME"},
	{PrRuleLevel, "PR_RULE_LEVEL"},
	{PrRuleProviderData, "PR_RULE_PROVIDER_DATA"},
	{PrDeletedOn, "PR_DELETED_ON"},
	{PrLocaleID, "PR_LOCALE_ID"},
	{PrNormalMessageSize, "PR_NORMAL_MESSAGE_SIZE"},
	{PrNormalMessageSizeExtended, "PR_NORMAL_MESSAGE_SIZE_EXTENDED"},
	{PrAssocMessageSizeExtended, "PR_ASSOC_MESSAGE_SIZE_EXTENDED"},
	{PrCodePageID, "PR_CODE_PAGE_ID"},
	{PrLocalCommitTime, "PR_LOCAL_COMMIT_TIME"},
	{PrLocalCommitTimeMax, "PR_LOCAL_COMMIT_TIME_MAX"},
	{PrDeletedCountTotal, "PR_DELETED_COUNT_TOTAL"},
	{PrFolderID, "PR_FOLDER_ID"},
	{PrParentFolderID, "PR_PARENT_FOLDER_ID"},
	{PrMID, "PR_MID"},
	{PrInternetArticleNumberNext, "PR_INTERNET_ARTICLE_NUMBER_NEXT"},
	{PrChangeNumber, "PR_CHANGE_NUMBER"},
	{PrAssociated, "PR_ASSOCIATED"},
	{PrMessageClassA, "PR_MESSAGE_CLASS_A"},
	{PrSubjectA, "PR_SUBJECT_A"},
	{PrSubjectPrefixA, "PR_SUBJECT_PREFIX_A"},
	{PrReceivedByNameA, "PR_RECEIVED_BY_NAME_A"},
	{PrSentRepresentingNameA, "PR_SENT_REPRESENTING_NAME_A"},
	{PrRcvdRepresentingNameA, "PR_RCVD_REPRESENTING_NAME_A"},
	{PrOriginalSubjectA, "PR_ORIGINAL_SUBJECT_A"},
	{PrOriginalAuthorNameA, "PR_ORIGINAL_AUTHOR_NAME_A"},
	{PrReplyRecipientNamesA, "PR_REPLY_RECIPIENT_NAMES_A"},
	{PrOriginalSenderNameA, "PR_ORIGINAL_SENDER_NAME_A"},
	{PrOriginalSentRepresentingNameA, "PR_ORIGINAL_SENT_REPRESENTING_NAME_A"},
	{PrSentRepresentingAddrTypeA, "PR_SENT_REPRESENTING_ADDRTYPE_A"},
	{PrSentRepresentingEmailAddressA, "PR_SENT_REPRESENTING_EMAIL_ADDRESS_A"},
	{PrOriginalSenderAddrTypeA, "PR_ORIGINAL_SENDER_ADDRTYPE_A"},
	{PrOriginalSenderEmailAddressA, "PR_ORIGINAL_SENDER_EMAIL_ADDRESS_A"},
	{PrOriginalSentRepresentingAddrTypeA, "PR_ORIGINAL_SENT_REPRESENTING_ADDRTYPE_A"},
	{PrOriginalSentRepresentingEmailAddressA, "PR_ORIGINAL_SENT_REPRESENTING_EMAIL_ADDRESS_A"},
	{PrConversationTopicA, "PR_CONVERSATION_TOPIC_A"},
	{PrOriginalDisplayBccA, "PR_ORIGINAL_DISPLAY_BCC_A"},
	{PrOriginalDisplayCcA, "PR_ORIGINAL_DISPLAY_CC_A"},
	{PrOriginalDisplayToA, "PR_ORIGINAL_DISPLAY_TO_A"},
	{PrReceivedByAddrTypeA, "PR_RECEIVED_BY_ADDRTYPE_A"},
	{PrReceivedByEmailAddressA, "PR_RECEIVED_BY_EMAIL_ADDRESS_A"},
	{PrRcvdRepresentingAddrTypeA, "PR_RCVD_REPRESENTING_ADDRTYPE_A"},
	{PrRcvdRepresentingEmailAddressA, "PR_RCVD_REPRESENTING_EMAIL_ADDRESS_A"},
	{PrTransportMessageHeadersA, "PR_TRANSPORT_MESSAGE_HEADERS_A"},
	{PrSenderNameA, "PR_SENDER_NAME_A"},
	{PrSenderAddrTypeA, "PR_SENDER_ADDRTYPE_A"},
	{PrSenderEmailAddressA, "PR_SENDER_EMAIL_ADDRESS_A"},
	{PrDisplayBccA, "PR_DISPLAY_BCC_A"},
	{PrDisplayCcA, "PR_DISPLAY_CC_A"},
	{PrDisplayToA, "PR_DISPLAY_TO_A"},
	{PrParentDisplayA, "PR_PARENT_DISPLAY_A"},
	{PrNormalizedSubjectA, "PR_NORMALIZED_SUBJECT_A"},
	{PrBodyA, "PR_BODY_A"},
	{PrInternetMessageIDA, "PR_INTERNET_MESSAGE_ID_A"},
	{PrInternetReferencesA, "PR_INTERNET_REFERENCES_A"},
	{PrInReplyToIDA, "PR_IN_REPLY_TO_ID_A"},
	{PrListUnsubscribeA, "PR_LIST_UNSUBSCRIBE_A"},
	{PrDisplayNameA, "PR_DISPLAY_NAME_A"},
	{PrAddrTypeA, "PR_ADDRTYPE_A"},
	{PrEmailAddressA, "PR_EMAIL_ADDRESS_A"},
	{PrCommentA, "PR_COMMENT_A"},
	{PrANRA, "PR_ANR_A"},
	{PrContainerClassA, "PR_CONTAINER_CLASS_A"},
	{PrDefPostMsgClassA, "PR_DEF_POST_MSGCLASS_A"},
	{PrAttachExtensionA, "PR_ATTACH_EXTENSION_A"},
	{PrAttachFilenameA, "PR_ATTACH_FILENAME_A"},
	{PrAttachLongFilenameA, "PR_ATTACH_LONG_FILENAME_A"},
	{PrAttachPathnameA, "PR_ATTACH_PATHNAME_A"},
	{PrAttachTransportNameA, "PR_ATTACH_TRANSPORT_NAME_A"},
	{PrAttachLongPathnameA, "PR_ATTACH_LONG_PATHNAME_A"},
	{PrAttachMIMETagA, "PR_ATTACH_MIME_TAG_A"},
	{PrAttachContentBaseA, "PR_ATTACH_CONTENT_BASE_A"},
	{PrAttachContentIDA, "PR_ATTACH_CONTENT_ID_A"},
	{PrAttachContentLocationA, "PR_ATTACH_CONTENT_LOCATION_A"},
	{PrAttachPayloadProvGUIDStrA, "PR_ATTACH_PAYLOAD_PROV_GUID_STR_A"},
	{PrAttachPayloadClassA, "PR_ATTACH_PAYLOAD_CLASS_A"},
	{PrSMTPAddressA, "PR_SMTP_ADDRESS_A"},
	{PrAccountA, "PR_ACCOUNT_A"},
	{PrGivenNameA, "PR_GIVEN_NAME_A"},
	{PrSurnameA, "PR_SURNAME_A"},
	{PrOriginalDisplayNameA, "PR_ORIGINAL_DISPLAY_NAME_A"},
	{PrTransmitableDisplayNameA, "PR_TRANSMITABLE_DISPLAY_NAME_A"},
	{PrDisplayNamePrefixA, "PR_DISPLAY_NAME_PREFIX_A"},
	{PrCreatorNameA, "PR_CREATOR_NAME_A"},
	{PrLastModifierNameA, "PR_LAST_MODIFIER_NAME_A"},
	{PrSenderSMTPAddressA, "PR_SENDER_SMTP_ADDRESS_A"},
	{PrSentRepresentingSMTPAddressA, "PR_SENT_REPRESENTING_SMTP_ADDRESS_A"},
	{PrReceivedBySMTPAddressA, "PR_RECEIVED_BY_SMTP_ADDRESS_A"},
	{PrRecipientDisplayNameA, "PR_RECIPIENT_DISPLAY_NAME_A"},
	{PrRuleMsgProviderA, "PR_RULE_MSG_PROVIDER_A"},
	{PrRuleMsgNameA, "PR_RULE_MSG_NAME_A"},
	{PrMailboxOwnerNameA, "PR_MAILBOX_OWNER_NAME_A"},
	{PrMemberNameA, "PR_MEMBER_NAME_A"},
	{PrRuleProviderA, "PR_RULE_PROVIDER_A"},
	{PrRuleNameA, "PR_RULE_NAME_A"},
}

var (
	tagNames = make(map[PropTag]string, len(knownTags))
	tagByID  = make(map[uint16]PropTag, len(knownTags))
)

func init() {
	for _, k := range knownTags {
		tagNames[k.tag] = k.name
		if _, ok := tagByID[k.tag.ID()]; !ok {
			tagByID[k.tag.ID()] = k.tag
		}
	}
}

// TagName returns the MAPI name of a tag for logs: "PR_SUBJECT"; for a
// known id with another type the first known name and the type, as
// "PR_SUBJECT:PT_MV_UNICODE"; else the tag in hex and its type, as
// "0x80010003:PT_LONG".
func TagName(t PropTag) string {
	if n, ok := tagNames[t]; ok {
		return n
	}
	if k, ok := tagByID[t.ID()]; ok {
		return tagNames[k] + ":" + t.Type().String()
	}
	return fmt.Sprintf("0x%08x:%s", uint32(t), t.Type())
}
