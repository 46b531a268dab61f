package rops

// The ROPs this package knows: for each, RopID and Put of its request
// and response, and its entry in the table ParseRequests and
// ParseResponse use. Written out from one list; keep it in RopId order.

import (
	"github.com/gromox-go/gromox/mapi"
)

func init() {
	register(RopIDRelease, "RopRelease", func() request { return new(ReleaseRequest) }, nil)
	register(RopIDOpenFolder, "RopOpenFolder", func() request { return new(OpenFolderRequest) }, func() response { return new(OpenFolderResponse) })
	register(RopIDOpenMessage, "RopOpenMessage", func() request { return new(OpenMessageRequest) }, func() response { return new(OpenMessageResponse) })
	register(RopIDGetHierarchyTable, "RopGetHierarchyTable", func() request { return new(GetHierarchyTableRequest) }, func() response { return new(GetHierarchyTableResponse) })
	register(RopIDGetContentsTable, "RopGetContentsTable", func() request { return new(GetContentsTableRequest) }, func() response { return new(GetContentsTableResponse) })
	register(RopIDCreateMessage, "RopCreateMessage", func() request { return new(CreateMessageRequest) }, func() response { return new(CreateMessageResponse) })
	register(RopIDGetPropertiesSpecific, "RopGetPropertiesSpecific", func() request { return new(GetPropertiesSpecificRequest) }, func() response { return new(GetPropertiesSpecificResponse) })
	register(RopIDGetPropertiesAll, "RopGetPropertiesAll", func() request { return new(GetPropertiesAllRequest) }, func() response { return new(GetPropertiesAllResponse) })
	register(RopIDGetPropertiesList, "RopGetPropertiesList", func() request { return new(GetPropertiesListRequest) }, func() response { return new(GetPropertiesListResponse) })
	register(RopIDSetProperties, "RopSetProperties", func() request { return new(SetPropertiesRequest) }, func() response { return new(SetPropertiesResponse) })
	register(RopIDDeleteProperties, "RopDeleteProperties", func() request { return new(DeletePropertiesRequest) }, func() response { return new(DeletePropertiesResponse) })
	register(RopIDSaveChangesMessage, "RopSaveChangesMessage", func() request { return new(SaveChangesMessageRequest) }, func() response { return new(SaveChangesMessageResponse) })
	register(RopIDRemoveAllRecipients, "RopRemoveAllRecipients", func() request { return new(RemoveAllRecipientsRequest) }, func() response { return new(RemoveAllRecipientsResponse) })
	register(RopIDModifyRecipients, "RopModifyRecipients", func() request { return new(ModifyRecipientsRequest) }, func() response { return new(ModifyRecipientsResponse) })
	register(RopIDReadRecipients, "RopReadRecipients", func() request { return new(ReadRecipientsRequest) }, func() response { return new(ReadRecipientsResponse) })
	register(RopIDReloadCachedInformation, "RopReloadCachedInformation", func() request { return new(ReloadCachedInformationRequest) }, func() response { return new(ReloadCachedInformationResponse) })
	register(RopIDSetMessageReadFlag, "RopSetMessageReadFlag", func() request { return new(SetMessageReadFlagRequest) }, func() response { return new(SetMessageReadFlagResponse) })
	register(RopIDSetColumns, "RopSetColumns", func() request { return new(SetColumnsRequest) }, func() response { return new(SetColumnsResponse) })
	register(RopIDSortTable, "RopSortTable", func() request { return new(SortTableRequest) }, func() response { return new(SortTableResponse) })
	register(RopIDRestrict, "RopRestrict", func() request { return new(RestrictRequest) }, func() response { return new(RestrictResponse) })
	register(RopIDQueryRows, "RopQueryRows", func() request { return new(QueryRowsRequest) }, func() response { return new(QueryRowsResponse) })
	register(RopIDGetStatus, "RopGetStatus", func() request { return new(GetStatusRequest) }, func() response { return new(GetStatusResponse) })
	register(RopIDQueryPosition, "RopQueryPosition", func() request { return new(QueryPositionRequest) }, func() response { return new(QueryPositionResponse) })
	register(RopIDSeekRow, "RopSeekRow", func() request { return new(SeekRowRequest) }, func() response { return new(SeekRowResponse) })
	register(RopIDSeekRowBookmark, "RopSeekRowBookmark", func() request { return new(SeekRowBookmarkRequest) }, func() response { return new(SeekRowBookmarkResponse) })
	register(RopIDSeekRowFractional, "RopSeekRowFractional", func() request { return new(SeekRowFractionalRequest) }, func() response { return new(SeekRowFractionalResponse) })
	register(RopIDCreateBookmark, "RopCreateBookmark", func() request { return new(CreateBookmarkRequest) }, func() response { return new(CreateBookmarkResponse) })
	register(RopIDCreateFolder, "RopCreateFolder", func() request { return new(CreateFolderRequest) }, func() response { return new(CreateFolderResponse) })
	register(RopIDDeleteFolder, "RopDeleteFolder", func() request { return new(DeleteFolderRequest) }, func() response { return new(DeleteFolderResponse) })
	register(RopIDDeleteMessages, "RopDeleteMessages", func() request { return new(DeleteMessagesRequest) }, func() response { return new(DeleteMessagesResponse) })
	register(RopIDGetMessageStatus, "RopGetMessageStatus", func() request { return new(GetMessageStatusRequest) }, func() response { return new(GetMessageStatusResponse) })
	register(RopIDSetMessageStatus, "RopSetMessageStatus", func() request { return new(SetMessageStatusRequest) }, func() response { return new(SetMessageStatusResponse) })
	register(RopIDGetAttachmentTable, "RopGetAttachmentTable", func() request { return new(GetAttachmentTableRequest) }, func() response { return new(GetAttachmentTableResponse) })
	register(RopIDOpenAttachment, "RopOpenAttachment", func() request { return new(OpenAttachmentRequest) }, func() response { return new(OpenAttachmentResponse) })
	register(RopIDCreateAttachment, "RopCreateAttachment", func() request { return new(CreateAttachmentRequest) }, func() response { return new(CreateAttachmentResponse) })
	register(RopIDDeleteAttachment, "RopDeleteAttachment", func() request { return new(DeleteAttachmentRequest) }, func() response { return new(DeleteAttachmentResponse) })
	register(RopIDSaveChangesAttachment, "RopSaveChangesAttachment", func() request { return new(SaveChangesAttachmentRequest) }, func() response { return new(SaveChangesAttachmentResponse) })
	register(RopIDSetReceiveFolder, "RopSetReceiveFolder", func() request { return new(SetReceiveFolderRequest) }, func() response { return new(SetReceiveFolderResponse) })
	register(RopIDGetReceiveFolder, "RopGetReceiveFolder", func() request { return new(GetReceiveFolderRequest) }, func() response { return new(GetReceiveFolderResponse) })
	register(RopIDRegisterNotification, "RopRegisterNotification", func() request { return new(RegisterNotificationRequest) }, func() response { return new(RegisterNotificationResponse) })
	register(RopIDOpenStream, "RopOpenStream", func() request { return new(OpenStreamRequest) }, func() response { return new(OpenStreamResponse) })
	register(RopIDReadStream, "RopReadStream", func() request { return new(ReadStreamRequest) }, func() response { return new(ReadStreamResponse) })
	register(RopIDWriteStream, "RopWriteStream", func() request { return new(WriteStreamRequest) }, func() response { return new(WriteStreamResponse) })
	register(RopIDSeekStream, "RopSeekStream", func() request { return new(SeekStreamRequest) }, func() response { return new(SeekStreamResponse) })
	register(RopIDSetStreamSize, "RopSetStreamSize", func() request { return new(SetStreamSizeRequest) }, func() response { return new(SetStreamSizeResponse) })
	register(RopIDSetSearchCriteria, "RopSetSearchCriteria", func() request { return new(SetSearchCriteriaRequest) }, func() response { return new(SetSearchCriteriaResponse) })
	register(RopIDGetSearchCriteria, "RopGetSearchCriteria", func() request { return new(GetSearchCriteriaRequest) }, func() response { return new(GetSearchCriteriaResponse) })
	register(RopIDSubmitMessage, "RopSubmitMessage", func() request { return new(SubmitMessageRequest) }, func() response { return new(SubmitMessageResponse) })
	register(RopIDMoveCopyMessages, "RopMoveCopyMessages", func() request { return new(MoveCopyMessagesRequest) }, func() response { return new(MoveCopyMessagesResponse) })
	register(RopIDAbortSubmit, "RopAbortSubmit", func() request { return new(AbortSubmitRequest) }, func() response { return new(AbortSubmitResponse) })
	register(RopIDMoveFolder, "RopMoveFolder", func() request { return new(MoveFolderRequest) }, func() response { return new(MoveFolderResponse) })
	register(RopIDCopyFolder, "RopCopyFolder", func() request { return new(CopyFolderRequest) }, func() response { return new(CopyFolderResponse) })
	register(RopIDQueryColumnsAll, "RopQueryColumnsAll", func() request { return new(QueryColumnsAllRequest) }, func() response { return new(QueryColumnsAllResponse) })
	register(RopIDAbort, "RopAbort", func() request { return new(AbortRequest) }, func() response { return new(AbortResponse) })
	register(RopIDCopyTo, "RopCopyTo", func() request { return new(CopyToRequest) }, func() response { return new(CopyToResponse) })
	register(RopIDCopyToStream, "RopCopyToStream", func() request { return new(CopyToStreamRequest) }, func() response { return new(CopyToStreamResponse) })
	register(RopIDCloneStream, "RopCloneStream", func() request { return new(CloneStreamRequest) }, func() response { return new(CloneStreamResponse) })
	register(RopIDGetPermissionsTable, "RopGetPermissionsTable", func() request { return new(GetPermissionsTableRequest) }, func() response { return new(GetPermissionsTableResponse) })
	register(RopIDGetRulesTable, "RopGetRulesTable", func() request { return new(GetRulesTableRequest) }, func() response { return new(GetRulesTableResponse) })
	register(RopIDModifyPermissions, "RopModifyPermissions", func() request { return new(ModifyPermissionsRequest) }, func() response { return new(ModifyPermissionsResponse) })
	register(RopIDModifyRules, "RopModifyRules", func() request { return new(ModifyRulesRequest) }, func() response { return new(ModifyRulesResponse) })
	register(RopIDGetOwningServers, "RopGetOwningServers", func() request { return new(GetOwningServersRequest) }, func() response { return new(GetOwningServersResponse) })
	register(RopIDLongTermIDFromID, "RopLongTermIdFromId", func() request { return new(LongTermIDFromIDRequest) }, func() response { return new(LongTermIDFromIDResponse) })
	register(RopIDIDFromLongTermID, "RopIdFromLongTermId", func() request { return new(IDFromLongTermIDRequest) }, func() response { return new(IDFromLongTermIDResponse) })
	register(RopIDPublicFolderIsGhosted, "RopPublicFolderIsGhosted", func() request { return new(PublicFolderIsGhostedRequest) }, func() response { return new(PublicFolderIsGhostedResponse) })
	register(RopIDOpenEmbeddedMessage, "RopOpenEmbeddedMessage", func() request { return new(OpenEmbeddedMessageRequest) }, func() response { return new(OpenEmbeddedMessageResponse) })
	register(RopIDSetSpooler, "RopSetSpooler", func() request { return new(SetSpoolerRequest) }, func() response { return new(SetSpoolerResponse) })
	register(RopIDSpoolerLockMessage, "RopSpoolerLockMessage", func() request { return new(SpoolerLockMessageRequest) }, func() response { return new(SpoolerLockMessageResponse) })
	register(RopIDGetAddressTypes, "RopGetAddressTypes", func() request { return new(GetAddressTypesRequest) }, func() response { return new(GetAddressTypesResponse) })
	register(RopIDTransportSend, "RopTransportSend", func() request { return new(TransportSendRequest) }, func() response { return new(TransportSendResponse) })
	register(RopIDFindRow, "RopFindRow", func() request { return new(FindRowRequest) }, func() response { return new(FindRowResponse) })
	register(RopIDProgress, "RopProgress", func() request { return new(ProgressRequest) }, func() response { return new(ProgressResponse) })
	register(RopIDTransportNewMail, "RopTransportNewMail", func() request { return new(TransportNewMailRequest) }, func() response { return new(TransportNewMailResponse) })
	register(RopIDGetValidAttachments, "RopGetValidAttachments", func() request { return new(GetValidAttachmentsRequest) }, func() response { return new(GetValidAttachmentsResponse) })
	register(RopIDGetNamesFromPropertyIDs, "RopGetNamesFromPropertyIds", func() request { return new(GetNamesFromPropertyIDsRequest) }, func() response { return new(GetNamesFromPropertyIDsResponse) })
	register(RopIDGetPropertyIDsFromNames, "RopGetPropertyIdsFromNames", func() request { return new(GetPropertyIDsFromNamesRequest) }, func() response { return new(GetPropertyIDsFromNamesResponse) })
	register(RopIDUpdateDeferredActionMessages, "RopUpdateDeferredActionMessages", func() request { return new(UpdateDeferredActionMessagesRequest) }, func() response { return new(UpdateDeferredActionMessagesResponse) })
	register(RopIDEmptyFolder, "RopEmptyFolder", func() request { return new(EmptyFolderRequest) }, func() response { return new(EmptyFolderResponse) })
	register(RopIDExpandRow, "RopExpandRow", func() request { return new(ExpandRowRequest) }, func() response { return new(ExpandRowResponse) })
	register(RopIDCollapseRow, "RopCollapseRow", func() request { return new(CollapseRowRequest) }, func() response { return new(CollapseRowResponse) })
	register(RopIDLockRegionStream, "RopLockRegionStream", func() request { return new(LockRegionStreamRequest) }, func() response { return new(LockRegionStreamResponse) })
	register(RopIDUnlockRegionStream, "RopUnlockRegionStream", func() request { return new(UnlockRegionStreamRequest) }, func() response { return new(UnlockRegionStreamResponse) })
	register(RopIDCommitStream, "RopCommitStream", func() request { return new(CommitStreamRequest) }, func() response { return new(CommitStreamResponse) })
	register(RopIDGetStreamSize, "RopGetStreamSize", func() request { return new(GetStreamSizeRequest) }, func() response { return new(GetStreamSizeResponse) })
	register(RopIDQueryNamedProperties, "RopQueryNamedProperties", func() request { return new(QueryNamedPropertiesRequest) }, func() response { return new(QueryNamedPropertiesResponse) })
	register(RopIDGetPerUserLongTermIDs, "RopGetPerUserLongTermIds", func() request { return new(GetPerUserLongTermIDsRequest) }, func() response { return new(GetPerUserLongTermIDsResponse) })
	register(RopIDGetPerUserGUID, "RopGetPerUserGuid", func() request { return new(GetPerUserGUIDRequest) }, func() response { return new(GetPerUserGUIDResponse) })
	register(RopIDReadPerUserInformation, "RopReadPerUserInformation", func() request { return new(ReadPerUserInformationRequest) }, func() response { return new(ReadPerUserInformationResponse) })
	register(RopIDWritePerUserInformation, "RopWritePerUserInformation", func() request { return new(WritePerUserInformationRequest) }, func() response { return new(WritePerUserInformationResponse) })
	register(RopIDSetReadFlags, "RopSetReadFlags", func() request { return new(SetReadFlagsRequest) }, func() response { return new(SetReadFlagsResponse) })
	register(RopIDCopyProperties, "RopCopyProperties", func() request { return new(CopyPropertiesRequest) }, func() response { return new(CopyPropertiesResponse) })
	register(RopIDGetReceiveFolderTable, "RopGetReceiveFolderTable", func() request { return new(GetReceiveFolderTableRequest) }, func() response { return new(GetReceiveFolderTableResponse) })
	register(RopIDGetCollapseState, "RopGetCollapseState", func() request { return new(GetCollapseStateRequest) }, func() response { return new(GetCollapseStateResponse) })
	register(RopIDSetCollapseState, "RopSetCollapseState", func() request { return new(SetCollapseStateRequest) }, func() response { return new(SetCollapseStateResponse) })
	register(RopIDGetTransportFolder, "RopGetTransportFolder", func() request { return new(GetTransportFolderRequest) }, func() response { return new(GetTransportFolderResponse) })
	register(RopIDOptionsData, "RopOptionsData", func() request { return new(OptionsDataRequest) }, func() response { return new(OptionsDataResponse) })
	register(RopIDSetPropertiesNoReplicate, "RopSetPropertiesNoReplicate", func() request { return new(SetPropertiesNoReplicateRequest) }, func() response { return new(SetPropertiesNoReplicateResponse) })
	register(RopIDDeletePropertiesNoReplicate, "RopDeletePropertiesNoReplicate", func() request { return new(DeletePropertiesNoReplicateRequest) }, func() response { return new(DeletePropertiesNoReplicateResponse) })
	register(RopIDGetStoreState, "RopGetStoreState", func() request { return new(GetStoreStateRequest) }, func() response { return new(GetStoreStateResponse) })
	register(RopIDGetLocalReplicaIDs, "RopGetLocalReplicaIds", func() request { return new(GetLocalReplicaIDsRequest) }, func() response { return new(GetLocalReplicaIDsResponse) })
	register(RopIDResetTable, "RopResetTable", func() request { return new(ResetTableRequest) }, func() response { return new(ResetTableResponse) })
	register(RopIDFreeBookmark, "RopFreeBookmark", func() request { return new(FreeBookmarkRequest) }, func() response { return new(FreeBookmarkResponse) })
	register(RopIDWriteAndCommitStream, "RopWriteAndCommitStream", func() request { return new(WriteAndCommitStreamRequest) }, func() response { return new(WriteAndCommitStreamResponse) })
	register(RopIDHardDeleteMessages, "RopHardDeleteMessages", func() request { return new(HardDeleteMessagesRequest) }, func() response { return new(HardDeleteMessagesResponse) })
	register(RopIDHardDeleteMessagesAndSubfolders, "RopHardDeleteMessagesAndSubfolders", func() request { return new(HardDeleteMessagesAndSubfoldersRequest) }, func() response { return new(HardDeleteMessagesAndSubfoldersResponse) })
	register(RopIDLogon, "RopLogon", func() request { return new(LogonRequest) }, func() response { return new(LogonResponse) })
}

// RopID returns RopIDRelease.
func (*ReleaseRequest) RopID() uint8 { return RopIDRelease }

// Put appends the request buffer.
func (q *ReleaseRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDOpenFolder.
func (*OpenFolderRequest) RopID() uint8 { return RopIDOpenFolder }

// Put appends the request buffer.
func (q *OpenFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDOpenFolder.
func (*OpenFolderResponse) RopID() uint8 { return RopIDOpenFolder }

// Put appends the response buffer.
func (p *OpenFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDOpenMessage.
func (*OpenMessageRequest) RopID() uint8 { return RopIDOpenMessage }

// Put appends the request buffer.
func (q *OpenMessageRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDOpenMessage.
func (*OpenMessageResponse) RopID() uint8 { return RopIDOpenMessage }

// Put appends the response buffer.
func (p *OpenMessageResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetHierarchyTable.
func (*GetHierarchyTableRequest) RopID() uint8 { return RopIDGetHierarchyTable }

// Put appends the request buffer.
func (q *GetHierarchyTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetHierarchyTable.
func (*GetHierarchyTableResponse) RopID() uint8 { return RopIDGetHierarchyTable }

// Put appends the response buffer.
func (p *GetHierarchyTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetContentsTable.
func (*GetContentsTableRequest) RopID() uint8 { return RopIDGetContentsTable }

// Put appends the request buffer.
func (q *GetContentsTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetContentsTable.
func (*GetContentsTableResponse) RopID() uint8 { return RopIDGetContentsTable }

// Put appends the response buffer.
func (p *GetContentsTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCreateMessage.
func (*CreateMessageRequest) RopID() uint8 { return RopIDCreateMessage }

// Put appends the request buffer.
func (q *CreateMessageRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCreateMessage.
func (*CreateMessageResponse) RopID() uint8 { return RopIDCreateMessage }

// Put appends the response buffer.
func (p *CreateMessageResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetPropertiesSpecific.
func (*GetPropertiesSpecificRequest) RopID() uint8 { return RopIDGetPropertiesSpecific }

// Put appends the request buffer.
func (q *GetPropertiesSpecificRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetPropertiesSpecific.
func (*GetPropertiesSpecificResponse) RopID() uint8 { return RopIDGetPropertiesSpecific }

// Put appends the response buffer.
func (p *GetPropertiesSpecificResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetPropertiesAll.
func (*GetPropertiesAllRequest) RopID() uint8 { return RopIDGetPropertiesAll }

// Put appends the request buffer.
func (q *GetPropertiesAllRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetPropertiesAll.
func (*GetPropertiesAllResponse) RopID() uint8 { return RopIDGetPropertiesAll }

// Put appends the response buffer.
func (p *GetPropertiesAllResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetPropertiesList.
func (*GetPropertiesListRequest) RopID() uint8 { return RopIDGetPropertiesList }

// Put appends the request buffer.
func (q *GetPropertiesListRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetPropertiesList.
func (*GetPropertiesListResponse) RopID() uint8 { return RopIDGetPropertiesList }

// Put appends the response buffer.
func (p *GetPropertiesListResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetProperties.
func (*SetPropertiesRequest) RopID() uint8 { return RopIDSetProperties }

// Put appends the request buffer.
func (q *SetPropertiesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetProperties.
func (*SetPropertiesResponse) RopID() uint8 { return RopIDSetProperties }

// Put appends the response buffer.
func (p *SetPropertiesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDDeleteProperties.
func (*DeletePropertiesRequest) RopID() uint8 { return RopIDDeleteProperties }

// Put appends the request buffer.
func (q *DeletePropertiesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDDeleteProperties.
func (*DeletePropertiesResponse) RopID() uint8 { return RopIDDeleteProperties }

// Put appends the response buffer.
func (p *DeletePropertiesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSaveChangesMessage.
func (*SaveChangesMessageRequest) RopID() uint8 { return RopIDSaveChangesMessage }

// Put appends the request buffer.
func (q *SaveChangesMessageRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSaveChangesMessage.
func (*SaveChangesMessageResponse) RopID() uint8 { return RopIDSaveChangesMessage }

// Put appends the response buffer.
func (p *SaveChangesMessageResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDRemoveAllRecipients.
func (*RemoveAllRecipientsRequest) RopID() uint8 { return RopIDRemoveAllRecipients }

// Put appends the request buffer.
func (q *RemoveAllRecipientsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDRemoveAllRecipients.
func (*RemoveAllRecipientsResponse) RopID() uint8 { return RopIDRemoveAllRecipients }

// Put appends the response buffer.
func (p *RemoveAllRecipientsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDModifyRecipients.
func (*ModifyRecipientsRequest) RopID() uint8 { return RopIDModifyRecipients }

// Put appends the request buffer.
func (q *ModifyRecipientsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDModifyRecipients.
func (*ModifyRecipientsResponse) RopID() uint8 { return RopIDModifyRecipients }

// Put appends the response buffer.
func (p *ModifyRecipientsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDReadRecipients.
func (*ReadRecipientsRequest) RopID() uint8 { return RopIDReadRecipients }

// Put appends the request buffer.
func (q *ReadRecipientsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDReadRecipients.
func (*ReadRecipientsResponse) RopID() uint8 { return RopIDReadRecipients }

// Put appends the response buffer.
func (p *ReadRecipientsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDReloadCachedInformation.
func (*ReloadCachedInformationRequest) RopID() uint8 { return RopIDReloadCachedInformation }

// Put appends the request buffer.
func (q *ReloadCachedInformationRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDReloadCachedInformation.
func (*ReloadCachedInformationResponse) RopID() uint8 { return RopIDReloadCachedInformation }

// Put appends the response buffer.
func (p *ReloadCachedInformationResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetMessageReadFlag.
func (*SetMessageReadFlagRequest) RopID() uint8 { return RopIDSetMessageReadFlag }

// Put appends the request buffer.
func (q *SetMessageReadFlagRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetMessageReadFlag.
func (*SetMessageReadFlagResponse) RopID() uint8 { return RopIDSetMessageReadFlag }

// Put appends the response buffer.
func (p *SetMessageReadFlagResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetColumns.
func (*SetColumnsRequest) RopID() uint8 { return RopIDSetColumns }

// Put appends the request buffer.
func (q *SetColumnsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetColumns.
func (*SetColumnsResponse) RopID() uint8 { return RopIDSetColumns }

// Put appends the response buffer.
func (p *SetColumnsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSortTable.
func (*SortTableRequest) RopID() uint8 { return RopIDSortTable }

// Put appends the request buffer.
func (q *SortTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSortTable.
func (*SortTableResponse) RopID() uint8 { return RopIDSortTable }

// Put appends the response buffer.
func (p *SortTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDRestrict.
func (*RestrictRequest) RopID() uint8 { return RopIDRestrict }

// Put appends the request buffer.
func (q *RestrictRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDRestrict.
func (*RestrictResponse) RopID() uint8 { return RopIDRestrict }

// Put appends the response buffer.
func (p *RestrictResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDQueryRows.
func (*QueryRowsRequest) RopID() uint8 { return RopIDQueryRows }

// Put appends the request buffer.
func (q *QueryRowsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDQueryRows.
func (*QueryRowsResponse) RopID() uint8 { return RopIDQueryRows }

// Put appends the response buffer.
func (p *QueryRowsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetStatus.
func (*GetStatusRequest) RopID() uint8 { return RopIDGetStatus }

// Put appends the request buffer.
func (q *GetStatusRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetStatus.
func (*GetStatusResponse) RopID() uint8 { return RopIDGetStatus }

// Put appends the response buffer.
func (p *GetStatusResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDQueryPosition.
func (*QueryPositionRequest) RopID() uint8 { return RopIDQueryPosition }

// Put appends the request buffer.
func (q *QueryPositionRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDQueryPosition.
func (*QueryPositionResponse) RopID() uint8 { return RopIDQueryPosition }

// Put appends the response buffer.
func (p *QueryPositionResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSeekRow.
func (*SeekRowRequest) RopID() uint8 { return RopIDSeekRow }

// Put appends the request buffer.
func (q *SeekRowRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSeekRow.
func (*SeekRowResponse) RopID() uint8 { return RopIDSeekRow }

// Put appends the response buffer.
func (p *SeekRowResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSeekRowBookmark.
func (*SeekRowBookmarkRequest) RopID() uint8 { return RopIDSeekRowBookmark }

// Put appends the request buffer.
func (q *SeekRowBookmarkRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSeekRowBookmark.
func (*SeekRowBookmarkResponse) RopID() uint8 { return RopIDSeekRowBookmark }

// Put appends the response buffer.
func (p *SeekRowBookmarkResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSeekRowFractional.
func (*SeekRowFractionalRequest) RopID() uint8 { return RopIDSeekRowFractional }

// Put appends the request buffer.
func (q *SeekRowFractionalRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSeekRowFractional.
func (*SeekRowFractionalResponse) RopID() uint8 { return RopIDSeekRowFractional }

// Put appends the response buffer.
func (p *SeekRowFractionalResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCreateBookmark.
func (*CreateBookmarkRequest) RopID() uint8 { return RopIDCreateBookmark }

// Put appends the request buffer.
func (q *CreateBookmarkRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCreateBookmark.
func (*CreateBookmarkResponse) RopID() uint8 { return RopIDCreateBookmark }

// Put appends the response buffer.
func (p *CreateBookmarkResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCreateFolder.
func (*CreateFolderRequest) RopID() uint8 { return RopIDCreateFolder }

// Put appends the request buffer.
func (q *CreateFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCreateFolder.
func (*CreateFolderResponse) RopID() uint8 { return RopIDCreateFolder }

// Put appends the response buffer.
func (p *CreateFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDDeleteFolder.
func (*DeleteFolderRequest) RopID() uint8 { return RopIDDeleteFolder }

// Put appends the request buffer.
func (q *DeleteFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDDeleteFolder.
func (*DeleteFolderResponse) RopID() uint8 { return RopIDDeleteFolder }

// Put appends the response buffer.
func (p *DeleteFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDDeleteMessages.
func (*DeleteMessagesRequest) RopID() uint8 { return RopIDDeleteMessages }

// Put appends the request buffer.
func (q *DeleteMessagesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDDeleteMessages.
func (*DeleteMessagesResponse) RopID() uint8 { return RopIDDeleteMessages }

// Put appends the response buffer.
func (p *DeleteMessagesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetMessageStatus.
func (*GetMessageStatusRequest) RopID() uint8 { return RopIDGetMessageStatus }

// Put appends the request buffer.
func (q *GetMessageStatusRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// Put appends the response buffer.
func (p *GetMessageStatusResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetMessageStatus.
func (*SetMessageStatusRequest) RopID() uint8 { return RopIDSetMessageStatus }

// Put appends the request buffer.
func (q *SetMessageStatusRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetMessageStatus.
func (*SetMessageStatusResponse) RopID() uint8 { return RopIDSetMessageStatus }

// Put appends the response buffer.
func (p *SetMessageStatusResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetAttachmentTable.
func (*GetAttachmentTableRequest) RopID() uint8 { return RopIDGetAttachmentTable }

// Put appends the request buffer.
func (q *GetAttachmentTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetAttachmentTable.
func (*GetAttachmentTableResponse) RopID() uint8 { return RopIDGetAttachmentTable }

// Put appends the response buffer.
func (p *GetAttachmentTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDOpenAttachment.
func (*OpenAttachmentRequest) RopID() uint8 { return RopIDOpenAttachment }

// Put appends the request buffer.
func (q *OpenAttachmentRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDOpenAttachment.
func (*OpenAttachmentResponse) RopID() uint8 { return RopIDOpenAttachment }

// Put appends the response buffer.
func (p *OpenAttachmentResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCreateAttachment.
func (*CreateAttachmentRequest) RopID() uint8 { return RopIDCreateAttachment }

// Put appends the request buffer.
func (q *CreateAttachmentRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCreateAttachment.
func (*CreateAttachmentResponse) RopID() uint8 { return RopIDCreateAttachment }

// Put appends the response buffer.
func (p *CreateAttachmentResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDDeleteAttachment.
func (*DeleteAttachmentRequest) RopID() uint8 { return RopIDDeleteAttachment }

// Put appends the request buffer.
func (q *DeleteAttachmentRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDDeleteAttachment.
func (*DeleteAttachmentResponse) RopID() uint8 { return RopIDDeleteAttachment }

// Put appends the response buffer.
func (p *DeleteAttachmentResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSaveChangesAttachment.
func (*SaveChangesAttachmentRequest) RopID() uint8 { return RopIDSaveChangesAttachment }

// Put appends the request buffer.
func (q *SaveChangesAttachmentRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSaveChangesAttachment.
func (*SaveChangesAttachmentResponse) RopID() uint8 { return RopIDSaveChangesAttachment }

// Put appends the response buffer.
func (p *SaveChangesAttachmentResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetReceiveFolder.
func (*SetReceiveFolderRequest) RopID() uint8 { return RopIDSetReceiveFolder }

// Put appends the request buffer.
func (q *SetReceiveFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetReceiveFolder.
func (*SetReceiveFolderResponse) RopID() uint8 { return RopIDSetReceiveFolder }

// Put appends the response buffer.
func (p *SetReceiveFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetReceiveFolder.
func (*GetReceiveFolderRequest) RopID() uint8 { return RopIDGetReceiveFolder }

// Put appends the request buffer.
func (q *GetReceiveFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetReceiveFolder.
func (*GetReceiveFolderResponse) RopID() uint8 { return RopIDGetReceiveFolder }

// Put appends the response buffer.
func (p *GetReceiveFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDRegisterNotification.
func (*RegisterNotificationRequest) RopID() uint8 { return RopIDRegisterNotification }

// Put appends the request buffer.
func (q *RegisterNotificationRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDRegisterNotification.
func (*RegisterNotificationResponse) RopID() uint8 { return RopIDRegisterNotification }

// Put appends the response buffer.
func (p *RegisterNotificationResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDOpenStream.
func (*OpenStreamRequest) RopID() uint8 { return RopIDOpenStream }

// Put appends the request buffer.
func (q *OpenStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDOpenStream.
func (*OpenStreamResponse) RopID() uint8 { return RopIDOpenStream }

// Put appends the response buffer.
func (p *OpenStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDReadStream.
func (*ReadStreamRequest) RopID() uint8 { return RopIDReadStream }

// Put appends the request buffer.
func (q *ReadStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDReadStream.
func (*ReadStreamResponse) RopID() uint8 { return RopIDReadStream }

// Put appends the response buffer.
func (p *ReadStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDWriteStream.
func (*WriteStreamRequest) RopID() uint8 { return RopIDWriteStream }

// Put appends the request buffer.
func (q *WriteStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDWriteStream.
func (*WriteStreamResponse) RopID() uint8 { return RopIDWriteStream }

// Put appends the response buffer.
func (p *WriteStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSeekStream.
func (*SeekStreamRequest) RopID() uint8 { return RopIDSeekStream }

// Put appends the request buffer.
func (q *SeekStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSeekStream.
func (*SeekStreamResponse) RopID() uint8 { return RopIDSeekStream }

// Put appends the response buffer.
func (p *SeekStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetStreamSize.
func (*SetStreamSizeRequest) RopID() uint8 { return RopIDSetStreamSize }

// Put appends the request buffer.
func (q *SetStreamSizeRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetStreamSize.
func (*SetStreamSizeResponse) RopID() uint8 { return RopIDSetStreamSize }

// Put appends the response buffer.
func (p *SetStreamSizeResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetSearchCriteria.
func (*SetSearchCriteriaRequest) RopID() uint8 { return RopIDSetSearchCriteria }

// Put appends the request buffer.
func (q *SetSearchCriteriaRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetSearchCriteria.
func (*SetSearchCriteriaResponse) RopID() uint8 { return RopIDSetSearchCriteria }

// Put appends the response buffer.
func (p *SetSearchCriteriaResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetSearchCriteria.
func (*GetSearchCriteriaRequest) RopID() uint8 { return RopIDGetSearchCriteria }

// Put appends the request buffer.
func (q *GetSearchCriteriaRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetSearchCriteria.
func (*GetSearchCriteriaResponse) RopID() uint8 { return RopIDGetSearchCriteria }

// Put appends the response buffer.
func (p *GetSearchCriteriaResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSubmitMessage.
func (*SubmitMessageRequest) RopID() uint8 { return RopIDSubmitMessage }

// Put appends the request buffer.
func (q *SubmitMessageRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSubmitMessage.
func (*SubmitMessageResponse) RopID() uint8 { return RopIDSubmitMessage }

// Put appends the response buffer.
func (p *SubmitMessageResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDMoveCopyMessages.
func (*MoveCopyMessagesRequest) RopID() uint8 { return RopIDMoveCopyMessages }

// Put appends the request buffer.
func (q *MoveCopyMessagesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDMoveCopyMessages.
func (*MoveCopyMessagesResponse) RopID() uint8 { return RopIDMoveCopyMessages }

// Put appends the response buffer.
func (p *MoveCopyMessagesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDAbortSubmit.
func (*AbortSubmitRequest) RopID() uint8 { return RopIDAbortSubmit }

// Put appends the request buffer.
func (q *AbortSubmitRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDAbortSubmit.
func (*AbortSubmitResponse) RopID() uint8 { return RopIDAbortSubmit }

// Put appends the response buffer.
func (p *AbortSubmitResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDMoveFolder.
func (*MoveFolderRequest) RopID() uint8 { return RopIDMoveFolder }

// Put appends the request buffer.
func (q *MoveFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDMoveFolder.
func (*MoveFolderResponse) RopID() uint8 { return RopIDMoveFolder }

// Put appends the response buffer.
func (p *MoveFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCopyFolder.
func (*CopyFolderRequest) RopID() uint8 { return RopIDCopyFolder }

// Put appends the request buffer.
func (q *CopyFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCopyFolder.
func (*CopyFolderResponse) RopID() uint8 { return RopIDCopyFolder }

// Put appends the response buffer.
func (p *CopyFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDQueryColumnsAll.
func (*QueryColumnsAllRequest) RopID() uint8 { return RopIDQueryColumnsAll }

// Put appends the request buffer.
func (q *QueryColumnsAllRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDQueryColumnsAll.
func (*QueryColumnsAllResponse) RopID() uint8 { return RopIDQueryColumnsAll }

// Put appends the response buffer.
func (p *QueryColumnsAllResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDAbort.
func (*AbortRequest) RopID() uint8 { return RopIDAbort }

// Put appends the request buffer.
func (q *AbortRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDAbort.
func (*AbortResponse) RopID() uint8 { return RopIDAbort }

// Put appends the response buffer.
func (p *AbortResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCopyTo.
func (*CopyToRequest) RopID() uint8 { return RopIDCopyTo }

// Put appends the request buffer.
func (q *CopyToRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCopyTo.
func (*CopyToResponse) RopID() uint8 { return RopIDCopyTo }

// Put appends the response buffer.
func (p *CopyToResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCopyToStream.
func (*CopyToStreamRequest) RopID() uint8 { return RopIDCopyToStream }

// Put appends the request buffer.
func (q *CopyToStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCopyToStream.
func (*CopyToStreamResponse) RopID() uint8 { return RopIDCopyToStream }

// Put appends the response buffer.
func (p *CopyToStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCloneStream.
func (*CloneStreamRequest) RopID() uint8 { return RopIDCloneStream }

// Put appends the request buffer.
func (q *CloneStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCloneStream.
func (*CloneStreamResponse) RopID() uint8 { return RopIDCloneStream }

// Put appends the response buffer.
func (p *CloneStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetPermissionsTable.
func (*GetPermissionsTableRequest) RopID() uint8 { return RopIDGetPermissionsTable }

// Put appends the request buffer.
func (q *GetPermissionsTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetPermissionsTable.
func (*GetPermissionsTableResponse) RopID() uint8 { return RopIDGetPermissionsTable }

// Put appends the response buffer.
func (p *GetPermissionsTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetRulesTable.
func (*GetRulesTableRequest) RopID() uint8 { return RopIDGetRulesTable }

// Put appends the request buffer.
func (q *GetRulesTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetRulesTable.
func (*GetRulesTableResponse) RopID() uint8 { return RopIDGetRulesTable }

// Put appends the response buffer.
func (p *GetRulesTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDModifyPermissions.
func (*ModifyPermissionsRequest) RopID() uint8 { return RopIDModifyPermissions }

// Put appends the request buffer.
func (q *ModifyPermissionsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDModifyPermissions.
func (*ModifyPermissionsResponse) RopID() uint8 { return RopIDModifyPermissions }

// Put appends the response buffer.
func (p *ModifyPermissionsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDModifyRules.
func (*ModifyRulesRequest) RopID() uint8 { return RopIDModifyRules }

// Put appends the request buffer.
func (q *ModifyRulesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDModifyRules.
func (*ModifyRulesResponse) RopID() uint8 { return RopIDModifyRules }

// Put appends the response buffer.
func (p *ModifyRulesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetOwningServers.
func (*GetOwningServersRequest) RopID() uint8 { return RopIDGetOwningServers }

// Put appends the request buffer.
func (q *GetOwningServersRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetOwningServers.
func (*GetOwningServersResponse) RopID() uint8 { return RopIDGetOwningServers }

// Put appends the response buffer.
func (p *GetOwningServersResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDLongTermIDFromID.
func (*LongTermIDFromIDRequest) RopID() uint8 { return RopIDLongTermIDFromID }

// Put appends the request buffer.
func (q *LongTermIDFromIDRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDLongTermIDFromID.
func (*LongTermIDFromIDResponse) RopID() uint8 { return RopIDLongTermIDFromID }

// Put appends the response buffer.
func (p *LongTermIDFromIDResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDIDFromLongTermID.
func (*IDFromLongTermIDRequest) RopID() uint8 { return RopIDIDFromLongTermID }

// Put appends the request buffer.
func (q *IDFromLongTermIDRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDIDFromLongTermID.
func (*IDFromLongTermIDResponse) RopID() uint8 { return RopIDIDFromLongTermID }

// Put appends the response buffer.
func (p *IDFromLongTermIDResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDPublicFolderIsGhosted.
func (*PublicFolderIsGhostedRequest) RopID() uint8 { return RopIDPublicFolderIsGhosted }

// Put appends the request buffer.
func (q *PublicFolderIsGhostedRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDPublicFolderIsGhosted.
func (*PublicFolderIsGhostedResponse) RopID() uint8 { return RopIDPublicFolderIsGhosted }

// Put appends the response buffer.
func (p *PublicFolderIsGhostedResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDOpenEmbeddedMessage.
func (*OpenEmbeddedMessageRequest) RopID() uint8 { return RopIDOpenEmbeddedMessage }

// Put appends the request buffer.
func (q *OpenEmbeddedMessageRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDOpenEmbeddedMessage.
func (*OpenEmbeddedMessageResponse) RopID() uint8 { return RopIDOpenEmbeddedMessage }

// Put appends the response buffer.
func (p *OpenEmbeddedMessageResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetSpooler.
func (*SetSpoolerRequest) RopID() uint8 { return RopIDSetSpooler }

// Put appends the request buffer.
func (q *SetSpoolerRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetSpooler.
func (*SetSpoolerResponse) RopID() uint8 { return RopIDSetSpooler }

// Put appends the response buffer.
func (p *SetSpoolerResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSpoolerLockMessage.
func (*SpoolerLockMessageRequest) RopID() uint8 { return RopIDSpoolerLockMessage }

// Put appends the request buffer.
func (q *SpoolerLockMessageRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSpoolerLockMessage.
func (*SpoolerLockMessageResponse) RopID() uint8 { return RopIDSpoolerLockMessage }

// Put appends the response buffer.
func (p *SpoolerLockMessageResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetAddressTypes.
func (*GetAddressTypesRequest) RopID() uint8 { return RopIDGetAddressTypes }

// Put appends the request buffer.
func (q *GetAddressTypesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetAddressTypes.
func (*GetAddressTypesResponse) RopID() uint8 { return RopIDGetAddressTypes }

// Put appends the response buffer.
func (p *GetAddressTypesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDTransportSend.
func (*TransportSendRequest) RopID() uint8 { return RopIDTransportSend }

// Put appends the request buffer.
func (q *TransportSendRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDTransportSend.
func (*TransportSendResponse) RopID() uint8 { return RopIDTransportSend }

// Put appends the response buffer.
func (p *TransportSendResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDFindRow.
func (*FindRowRequest) RopID() uint8 { return RopIDFindRow }

// Put appends the request buffer.
func (q *FindRowRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDFindRow.
func (*FindRowResponse) RopID() uint8 { return RopIDFindRow }

// Put appends the response buffer.
func (p *FindRowResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDProgress.
func (*ProgressRequest) RopID() uint8 { return RopIDProgress }

// Put appends the request buffer.
func (q *ProgressRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDProgress.
func (*ProgressResponse) RopID() uint8 { return RopIDProgress }

// Put appends the response buffer.
func (p *ProgressResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDTransportNewMail.
func (*TransportNewMailRequest) RopID() uint8 { return RopIDTransportNewMail }

// Put appends the request buffer.
func (q *TransportNewMailRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDTransportNewMail.
func (*TransportNewMailResponse) RopID() uint8 { return RopIDTransportNewMail }

// Put appends the response buffer.
func (p *TransportNewMailResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetValidAttachments.
func (*GetValidAttachmentsRequest) RopID() uint8 { return RopIDGetValidAttachments }

// Put appends the request buffer.
func (q *GetValidAttachmentsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetValidAttachments.
func (*GetValidAttachmentsResponse) RopID() uint8 { return RopIDGetValidAttachments }

// Put appends the response buffer.
func (p *GetValidAttachmentsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetNamesFromPropertyIDs.
func (*GetNamesFromPropertyIDsRequest) RopID() uint8 { return RopIDGetNamesFromPropertyIDs }

// Put appends the request buffer.
func (q *GetNamesFromPropertyIDsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetNamesFromPropertyIDs.
func (*GetNamesFromPropertyIDsResponse) RopID() uint8 { return RopIDGetNamesFromPropertyIDs }

// Put appends the response buffer.
func (p *GetNamesFromPropertyIDsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetPropertyIDsFromNames.
func (*GetPropertyIDsFromNamesRequest) RopID() uint8 { return RopIDGetPropertyIDsFromNames }

// Put appends the request buffer.
func (q *GetPropertyIDsFromNamesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetPropertyIDsFromNames.
func (*GetPropertyIDsFromNamesResponse) RopID() uint8 { return RopIDGetPropertyIDsFromNames }

// Put appends the response buffer.
func (p *GetPropertyIDsFromNamesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDUpdateDeferredActionMessages.
func (*UpdateDeferredActionMessagesRequest) RopID() uint8 { return RopIDUpdateDeferredActionMessages }

// Put appends the request buffer.
func (q *UpdateDeferredActionMessagesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDUpdateDeferredActionMessages.
func (*UpdateDeferredActionMessagesResponse) RopID() uint8 { return RopIDUpdateDeferredActionMessages }

// Put appends the response buffer.
func (p *UpdateDeferredActionMessagesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDEmptyFolder.
func (*EmptyFolderRequest) RopID() uint8 { return RopIDEmptyFolder }

// Put appends the request buffer.
func (q *EmptyFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDEmptyFolder.
func (*EmptyFolderResponse) RopID() uint8 { return RopIDEmptyFolder }

// Put appends the response buffer.
func (p *EmptyFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDExpandRow.
func (*ExpandRowRequest) RopID() uint8 { return RopIDExpandRow }

// Put appends the request buffer.
func (q *ExpandRowRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDExpandRow.
func (*ExpandRowResponse) RopID() uint8 { return RopIDExpandRow }

// Put appends the response buffer.
func (p *ExpandRowResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCollapseRow.
func (*CollapseRowRequest) RopID() uint8 { return RopIDCollapseRow }

// Put appends the request buffer.
func (q *CollapseRowRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCollapseRow.
func (*CollapseRowResponse) RopID() uint8 { return RopIDCollapseRow }

// Put appends the response buffer.
func (p *CollapseRowResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDLockRegionStream.
func (*LockRegionStreamRequest) RopID() uint8 { return RopIDLockRegionStream }

// Put appends the request buffer.
func (q *LockRegionStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDLockRegionStream.
func (*LockRegionStreamResponse) RopID() uint8 { return RopIDLockRegionStream }

// Put appends the response buffer.
func (p *LockRegionStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDUnlockRegionStream.
func (*UnlockRegionStreamRequest) RopID() uint8 { return RopIDUnlockRegionStream }

// Put appends the request buffer.
func (q *UnlockRegionStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDUnlockRegionStream.
func (*UnlockRegionStreamResponse) RopID() uint8 { return RopIDUnlockRegionStream }

// Put appends the response buffer.
func (p *UnlockRegionStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCommitStream.
func (*CommitStreamRequest) RopID() uint8 { return RopIDCommitStream }

// Put appends the request buffer.
func (q *CommitStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCommitStream.
func (*CommitStreamResponse) RopID() uint8 { return RopIDCommitStream }

// Put appends the response buffer.
func (p *CommitStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetStreamSize.
func (*GetStreamSizeRequest) RopID() uint8 { return RopIDGetStreamSize }

// Put appends the request buffer.
func (q *GetStreamSizeRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetStreamSize.
func (*GetStreamSizeResponse) RopID() uint8 { return RopIDGetStreamSize }

// Put appends the response buffer.
func (p *GetStreamSizeResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDQueryNamedProperties.
func (*QueryNamedPropertiesRequest) RopID() uint8 { return RopIDQueryNamedProperties }

// Put appends the request buffer.
func (q *QueryNamedPropertiesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDQueryNamedProperties.
func (*QueryNamedPropertiesResponse) RopID() uint8 { return RopIDQueryNamedProperties }

// Put appends the response buffer.
func (p *QueryNamedPropertiesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetPerUserLongTermIDs.
func (*GetPerUserLongTermIDsRequest) RopID() uint8 { return RopIDGetPerUserLongTermIDs }

// Put appends the request buffer.
func (q *GetPerUserLongTermIDsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetPerUserLongTermIDs.
func (*GetPerUserLongTermIDsResponse) RopID() uint8 { return RopIDGetPerUserLongTermIDs }

// Put appends the response buffer.
func (p *GetPerUserLongTermIDsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetPerUserGUID.
func (*GetPerUserGUIDRequest) RopID() uint8 { return RopIDGetPerUserGUID }

// Put appends the request buffer.
func (q *GetPerUserGUIDRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetPerUserGUID.
func (*GetPerUserGUIDResponse) RopID() uint8 { return RopIDGetPerUserGUID }

// Put appends the response buffer.
func (p *GetPerUserGUIDResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDReadPerUserInformation.
func (*ReadPerUserInformationRequest) RopID() uint8 { return RopIDReadPerUserInformation }

// Put appends the request buffer.
func (q *ReadPerUserInformationRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDReadPerUserInformation.
func (*ReadPerUserInformationResponse) RopID() uint8 { return RopIDReadPerUserInformation }

// Put appends the response buffer.
func (p *ReadPerUserInformationResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDWritePerUserInformation.
func (*WritePerUserInformationRequest) RopID() uint8 { return RopIDWritePerUserInformation }

// Put appends the request buffer.
func (q *WritePerUserInformationRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDWritePerUserInformation.
func (*WritePerUserInformationResponse) RopID() uint8 { return RopIDWritePerUserInformation }

// Put appends the response buffer.
func (p *WritePerUserInformationResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetReadFlags.
func (*SetReadFlagsRequest) RopID() uint8 { return RopIDSetReadFlags }

// Put appends the request buffer.
func (q *SetReadFlagsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetReadFlags.
func (*SetReadFlagsResponse) RopID() uint8 { return RopIDSetReadFlags }

// Put appends the response buffer.
func (p *SetReadFlagsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDCopyProperties.
func (*CopyPropertiesRequest) RopID() uint8 { return RopIDCopyProperties }

// Put appends the request buffer.
func (q *CopyPropertiesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDCopyProperties.
func (*CopyPropertiesResponse) RopID() uint8 { return RopIDCopyProperties }

// Put appends the response buffer.
func (p *CopyPropertiesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetReceiveFolderTable.
func (*GetReceiveFolderTableRequest) RopID() uint8 { return RopIDGetReceiveFolderTable }

// Put appends the request buffer.
func (q *GetReceiveFolderTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetReceiveFolderTable.
func (*GetReceiveFolderTableResponse) RopID() uint8 { return RopIDGetReceiveFolderTable }

// Put appends the response buffer.
func (p *GetReceiveFolderTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetCollapseState.
func (*GetCollapseStateRequest) RopID() uint8 { return RopIDGetCollapseState }

// Put appends the request buffer.
func (q *GetCollapseStateRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetCollapseState.
func (*GetCollapseStateResponse) RopID() uint8 { return RopIDGetCollapseState }

// Put appends the response buffer.
func (p *GetCollapseStateResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetCollapseState.
func (*SetCollapseStateRequest) RopID() uint8 { return RopIDSetCollapseState }

// Put appends the request buffer.
func (q *SetCollapseStateRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetCollapseState.
func (*SetCollapseStateResponse) RopID() uint8 { return RopIDSetCollapseState }

// Put appends the response buffer.
func (p *SetCollapseStateResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetTransportFolder.
func (*GetTransportFolderRequest) RopID() uint8 { return RopIDGetTransportFolder }

// Put appends the request buffer.
func (q *GetTransportFolderRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetTransportFolder.
func (*GetTransportFolderResponse) RopID() uint8 { return RopIDGetTransportFolder }

// Put appends the response buffer.
func (p *GetTransportFolderResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDOptionsData.
func (*OptionsDataRequest) RopID() uint8 { return RopIDOptionsData }

// Put appends the request buffer.
func (q *OptionsDataRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDOptionsData.
func (*OptionsDataResponse) RopID() uint8 { return RopIDOptionsData }

// Put appends the response buffer.
func (p *OptionsDataResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDSetPropertiesNoReplicate.
func (*SetPropertiesNoReplicateRequest) RopID() uint8 { return RopIDSetPropertiesNoReplicate }

// Put appends the request buffer.
func (q *SetPropertiesNoReplicateRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDSetPropertiesNoReplicate.
func (*SetPropertiesNoReplicateResponse) RopID() uint8 { return RopIDSetPropertiesNoReplicate }

// Put appends the response buffer.
func (p *SetPropertiesNoReplicateResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDDeletePropertiesNoReplicate.
func (*DeletePropertiesNoReplicateRequest) RopID() uint8 { return RopIDDeletePropertiesNoReplicate }

// Put appends the request buffer.
func (q *DeletePropertiesNoReplicateRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDDeletePropertiesNoReplicate.
func (*DeletePropertiesNoReplicateResponse) RopID() uint8 { return RopIDDeletePropertiesNoReplicate }

// Put appends the response buffer.
func (p *DeletePropertiesNoReplicateResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetStoreState.
func (*GetStoreStateRequest) RopID() uint8 { return RopIDGetStoreState }

// Put appends the request buffer.
func (q *GetStoreStateRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetStoreState.
func (*GetStoreStateResponse) RopID() uint8 { return RopIDGetStoreState }

// Put appends the response buffer.
func (p *GetStoreStateResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDGetLocalReplicaIDs.
func (*GetLocalReplicaIDsRequest) RopID() uint8 { return RopIDGetLocalReplicaIDs }

// Put appends the request buffer.
func (q *GetLocalReplicaIDsRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDGetLocalReplicaIDs.
func (*GetLocalReplicaIDsResponse) RopID() uint8 { return RopIDGetLocalReplicaIDs }

// Put appends the response buffer.
func (p *GetLocalReplicaIDsResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDResetTable.
func (*ResetTableRequest) RopID() uint8 { return RopIDResetTable }

// Put appends the request buffer.
func (q *ResetTableRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDResetTable.
func (*ResetTableResponse) RopID() uint8 { return RopIDResetTable }

// Put appends the response buffer.
func (p *ResetTableResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDFreeBookmark.
func (*FreeBookmarkRequest) RopID() uint8 { return RopIDFreeBookmark }

// Put appends the request buffer.
func (q *FreeBookmarkRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDFreeBookmark.
func (*FreeBookmarkResponse) RopID() uint8 { return RopIDFreeBookmark }

// Put appends the response buffer.
func (p *FreeBookmarkResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDWriteAndCommitStream.
func (*WriteAndCommitStreamRequest) RopID() uint8 { return RopIDWriteAndCommitStream }

// Put appends the request buffer.
func (q *WriteAndCommitStreamRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDWriteAndCommitStream.
func (*WriteAndCommitStreamResponse) RopID() uint8 { return RopIDWriteAndCommitStream }

// Put appends the response buffer.
func (p *WriteAndCommitStreamResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDHardDeleteMessages.
func (*HardDeleteMessagesRequest) RopID() uint8 { return RopIDHardDeleteMessages }

// Put appends the request buffer.
func (q *HardDeleteMessagesRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDHardDeleteMessages.
func (*HardDeleteMessagesResponse) RopID() uint8 { return RopIDHardDeleteMessages }

// Put appends the response buffer.
func (p *HardDeleteMessagesResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDHardDeleteMessagesAndSubfolders.
func (*HardDeleteMessagesAndSubfoldersRequest) RopID() uint8 {
	return RopIDHardDeleteMessagesAndSubfolders
}

// Put appends the request buffer.
func (q *HardDeleteMessagesAndSubfoldersRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDHardDeleteMessagesAndSubfolders.
func (*HardDeleteMessagesAndSubfoldersResponse) RopID() uint8 {
	return RopIDHardDeleteMessagesAndSubfolders
}

// Put appends the response buffer.
func (p *HardDeleteMessagesAndSubfoldersResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }

// RopID returns RopIDLogon.
func (*LogonRequest) RopID() uint8 { return RopIDLogon }

// Put appends the request buffer.
func (q *LogonRequest) Put(w *mapi.Writer) error { return putRequest(w, q) }

// RopID returns RopIDLogon.
func (*LogonResponse) RopID() uint8 { return RopIDLogon }

// Put appends the response buffer.
func (p *LogonResponse) Put(w *mapi.Writer) error { return putResponse(w, p) }
