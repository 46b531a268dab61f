package mapihttp

import (
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// dispatch runs the handler of one ROP; in is its input object (nil only
// for RopLogon), dest the destination object of the copy and move ROPs.
// A ROP without a handler answers ecNotSupported.
func (a *session) dispatch(req rops.Request, in, dest *object, handles []uint32) ropResult {
	switch q := req.(type) {
	case *rops.LogonRequest:
		return a.ropLogon(q)
	}
	if req.RopID() == rops.RopIDRelease {
		a.release(in) // MS-OXCROPS 2.2.15.3: no response
		return ropResult{}
	}
	if ec := a.checkAccess(req, in, dest); ec != mapi.EcSuccess {
		return fail(ec)
	}
	switch q := req.(type) {
	// store (MS-OXCSTOR)
	case *rops.GetReceiveFolderRequest:
		return a.ropGetReceiveFolder(q, in)
	case *rops.SetReceiveFolderRequest:
		return a.ropSetReceiveFolder(q, in)
	case *rops.GetStoreStateRequest:
		return a.ropGetStoreState(q, in)
	case *rops.LongTermIDFromIDRequest:
		return a.ropLongTermIDFromID(q, in)
	case *rops.IDFromLongTermIDRequest:
		return a.ropIDFromLongTermID(q, in)
	// folders (MS-OXCFOLD)
	case *rops.OpenFolderRequest:
		return a.ropOpenFolder(q, in)
	case *rops.CreateFolderRequest:
		return a.ropCreateFolder(q, in)
	case *rops.DeleteFolderRequest:
		return a.ropDeleteFolder(q, in)
	case *rops.EmptyFolderRequest:
		return a.ropEmptyFolder(q, in, q.WantDeleteAssociated, false)
	case *rops.HardDeleteMessagesAndSubfoldersRequest:
		return a.ropEmptyFolder(q, in, q.WantDeleteAssociated, true)
	case *rops.DeleteMessagesRequest:
		return a.ropDeleteMessages(q, in, q.MessageIDs, false)
	case *rops.HardDeleteMessagesRequest:
		return a.ropDeleteMessages(q, in, q.MessageIDs, true)
	case *rops.MoveCopyMessagesRequest:
		return a.ropMoveCopyMessages(q, in, dest)
	case *rops.MoveFolderRequest:
		return a.ropMoveFolder(q, in, dest)
	case *rops.CopyFolderRequest:
		return a.ropCopyFolder(q, in, dest)
	case *rops.GetHierarchyTableRequest:
		return a.openStoreTable(q, in, tableHierarchy, q.TableFlags)
	case *rops.GetContentsTableRequest:
		return a.openStoreTable(q, in, tableContents, q.TableFlags)
	// tables (MS-OXCTABL)
	case *rops.SetColumnsRequest:
		return a.ropSetColumns(q, in)
	case *rops.SortTableRequest:
		return a.ropSortTable(q, in)
	case *rops.RestrictRequest:
		return a.ropRestrict(q, in)
	case *rops.QueryRowsRequest:
		return a.ropQueryRows(q, in)
	case *rops.QueryPositionRequest:
		return a.ropQueryPosition(q, in)
	case *rops.SeekRowRequest:
		return a.ropSeekRow(q, in)
	case *rops.SeekRowFractionalRequest:
		return a.ropSeekRowFractional(q, in)
	case *rops.SeekRowBookmarkRequest:
		return a.ropSeekRowBookmark(q, in)
	case *rops.CreateBookmarkRequest:
		return a.ropCreateBookmark(q, in)
	case *rops.FreeBookmarkRequest:
		return a.ropFreeBookmark(q, in)
	case *rops.FindRowRequest:
		return a.ropFindRow(q, in)
	case *rops.GetStatusRequest:
		return a.ropGetStatus(q, in)
	case *rops.ResetTableRequest:
		return a.ropResetTable(q, in)
	case *rops.GetPermissionsTableRequest:
		return a.ropGetPermissionsTable(q, in)
	case *rops.GetRulesTableRequest:
		return a.ropGetRulesTable(q, in)
	case *rops.ModifyRulesRequest:
		return a.ropModifyRules(q, in)
	// properties (MS-OXCPRPT)
	case *rops.GetPropertiesSpecificRequest:
		return a.ropGetPropertiesSpecific(q, in)
	case *rops.GetPropertiesAllRequest:
		return a.ropGetPropertiesAll(q, in)
	case *rops.GetPropertiesListRequest:
		return a.ropGetPropertiesList(q, in)
	case *rops.SetPropertiesRequest:
		return a.setProps(q, in, q.PropertyValues)
	case *rops.SetPropertiesNoReplicateRequest:
		return a.setProps(q, in, q.PropertyValues)
	case *rops.DeletePropertiesRequest:
		return a.deleteProps(q, in, q.PropertyTags)
	case *rops.DeletePropertiesNoReplicateRequest:
		return a.deleteProps(q, in, q.PropertyTags)
	case *rops.GetPropertyIDsFromNamesRequest:
		return a.ropGetPropertyIDsFromNames(q, in)
	case *rops.GetNamesFromPropertyIDsRequest:
		return a.ropGetNamesFromPropertyIDs(q, in)
	// streams (MS-OXCPRPT)
	case *rops.OpenStreamRequest:
		return a.ropOpenStream(q, in)
	case *rops.ReadStreamRequest:
		return a.ropReadStream(q, in)
	case *rops.WriteStreamRequest:
		return a.ropWriteStream(q, in, q.Data, false)
	case *rops.WriteAndCommitStreamRequest:
		return a.ropWriteStream(q, in, q.Data, true)
	case *rops.CommitStreamRequest:
		return a.ropCommitStream(q, in)
	case *rops.GetStreamSizeRequest:
		return a.ropGetStreamSize(q, in)
	case *rops.SetStreamSizeRequest:
		return a.ropSetStreamSize(q, in)
	case *rops.SeekStreamRequest:
		return a.ropSeekStream(q, in)
	// messages (MS-OXCMSG)
	case *rops.OpenMessageRequest:
		return a.ropOpenMessage(q, in)
	case *rops.CreateMessageRequest:
		return a.ropCreateMessage(q, in)
	case *rops.SaveChangesMessageRequest:
		return a.ropSaveChangesMessage(q, in)
	case *rops.RemoveAllRecipientsRequest:
		return a.ropRemoveAllRecipients(q, in)
	case *rops.ModifyRecipientsRequest:
		return a.ropModifyRecipients(q, in)
	case *rops.ReadRecipientsRequest:
		return a.ropReadRecipients(q, in)
	case *rops.ReloadCachedInformationRequest:
		return a.ropReloadCachedInformation(q, in)
	case *rops.SetMessageReadFlagRequest:
		return a.ropSetMessageReadFlag(q, in)
	case *rops.SetReadFlagsRequest:
		return a.ropSetReadFlags(q, in)
	case *rops.GetAttachmentTableRequest:
		return a.ropGetAttachmentTable(q, in)
	case *rops.OpenAttachmentRequest:
		return a.ropOpenAttachment(q, in)
	case *rops.CreateAttachmentRequest:
		return a.ropCreateAttachment(q, in)
	case *rops.DeleteAttachmentRequest:
		return a.ropDeleteAttachment(q, in)
	case *rops.SaveChangesAttachmentRequest:
		return a.ropSaveChangesAttachment(q, in)
	case *rops.OpenEmbeddedMessageRequest:
		return a.ropOpenEmbeddedMessage(q, in)
	// transport (MS-OXOMSG)
	case *rops.SubmitMessageRequest:
		return a.ropSubmitMessage(q, in)
	case *rops.GetAddressTypesRequest:
		return a.ropGetAddressTypes(q, in)
	case *rops.GetTransportFolderRequest:
		return a.ropGetTransportFolder(q, in)
	case *rops.AbortSubmitRequest:
		return a.ropAbortSubmit(q, in)
	case *rops.SetSpoolerRequest, *rops.SpoolerLockMessageRequest, *rops.TransportNewMailRequest,
		*rops.UpdateDeferredActionMessagesRequest, *rops.LockRegionStreamRequest, *rops.UnlockRegionStreamRequest,
		*rops.WritePerUserInformationRequest:
		// Accepted without effect: this server has no spooler, no
		// deferred actions, no stream locks and no per-user data.
		return ok(rops.ErrorResponse(req, mapi.EcSuccess))
	case *rops.AbortRequest:
		return fail(mapi.EcUnableToAbort) // MS-OXCTABL 3.2.5.5: nothing asynchronous
	case *rops.GetPerUserGUIDRequest:
		return fail(mapi.EcNotFound)
	case *rops.GetReceiveFolderTableRequest:
		return a.ropGetReceiveFolderTable(q, in)
	case *rops.GetPerUserLongTermIDsRequest:
		return a.ropGetPerUserLongTermIDs(q, in)
	case *rops.ReadPerUserInformationRequest:
		return a.ropReadPerUserInformation(q, in)
	case *rops.PublicFolderIsGhostedRequest:
		return a.ropPublicFolderIsGhosted(q, in)
	case *rops.ExpandRowRequest:
		return a.ropExpandRow(q, in)
	case *rops.CollapseRowRequest:
		return a.ropCollapseRow(q, in)
	case *rops.GetCollapseStateRequest:
		return a.ropGetCollapseState(q, in)
	case *rops.SetCollapseStateRequest:
		return a.ropSetCollapseState(q, in)
	case *rops.QueryColumnsAllRequest:
		return a.ropQueryColumnsAll(q, in)
	case *rops.SetSearchCriteriaRequest:
		return a.ropSetSearchCriteria(q, in)
	case *rops.GetSearchCriteriaRequest:
		return a.ropGetSearchCriteria(q, in)
	case *rops.ModifyPermissionsRequest:
		return a.ropModifyPermissions(q, in)
	case *rops.GetValidAttachmentsRequest:
		return a.ropGetValidAttachments(q, in)
	case *rops.CopyPropertiesRequest:
		return a.copyProps(q, in, dest, q.PropertyTags, false, nil, q.CopyFlags)
	case *rops.CopyToRequest:
		if q.WantSubObjects {
			return fail(mapi.EcNotSupported) // recipients and attachments: not yet
		}
		return a.copyProps(q, in, dest, nil, true, q.ExcludedTags, q.CopyFlags)
	case *rops.CopyToStreamRequest:
		return a.ropCopyToStream(q, in, dest)
	case *rops.SetMessageStatusRequest:
		return a.ropSetMessageStatus(q, in)
	case *rops.GetMessageStatusRequest:
		return a.ropGetMessageStatus(q, in)
	case *rops.QueryNamedPropertiesRequest:
		return a.ropQueryNamedProperties(q, in)
	case *rops.GetOwningServersRequest:
		return a.ropGetOwningServers(q, in)
	case *rops.ProgressRequest:
		return a.ropProgress(q, in)
	case *rops.OptionsDataRequest:
		return a.ropOptionsData(q, in)
	case *rops.TransportSendRequest:
		return a.ropTransportSend(q, in)
	case *rops.CloneStreamRequest:
		return a.ropCloneStream(q, in)
	// notifications (MS-OXCNOTIF)
	case *rops.RegisterNotificationRequest:
		return a.ropRegisterNotification(q, in)
	}
	return fail(ecNotSupported)
}
