package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Access checks for logons that do not own their mailbox (a delegate with
// folder permissions, MS-OXCPERM): each ROP needs rights on the folder it
// works in, as the store reckons them for the user (mailbox.Tx.
// FolderRights). The list is a whitelist: a ROP not named here is
// ecAccessDenied on such a logon. Owners skip these checks.
//
// Edits of an open message or attachment are checked when they reach the
// store (RopSaveChangesMessage): Create for a new message, EditAny for an
// existing one. Operations on folders as a whole (delete, empty, move,
// copy, permissions, rules, search criteria, folder properties) need
// Owner.

// needRights returns the rights a ROP needs on which folder for a logon
// that does not own its mailbox; fid 0 with rights 0 means no check, and
// deny that the ROP is not served on such logons.
func needRights(req rops.Request, in, dest *object) (checks []folderNeed, deny bool) {
	fidOf := func(o *object) uint64 {
		if o == nil {
			return 0
		}
		if fid, isFolder := folderOf(o); isFolder {
			return fid
		}
		return o.fid // a message's folder
	}
	need := func(fid uint64, rights uint32) []folderNeed { return []folderNeed{{fid, rights}} }
	msgEdit := func(o *object) []folderNeed {
		// Attachments and embedded messages are saved with their top
		// message.
		for o.parent != nil && (o.kind == kindAttachment || o.kind == kindMessage && o.msg.inst.IsEmbedded()) {
			o = o.parent
		}
		if o.kind != kindMessage {
			return need(fidOf(o), mailbox.RightOwner)
		}
		if o.msg.mid == 0 {
			return need(o.fid, mailbox.RightCreate)
		}
		return need(o.fid, mailbox.RightEditAny)
	}
	switch q := req.(type) {
	// What any logon may do: store-wide reads, names, notifications,
	// tables and streams already opened, reads of open objects.
	case *rops.GetReceiveFolderRequest, *rops.GetStoreStateRequest, *rops.LongTermIDFromIDRequest,
		*rops.IDFromLongTermIDRequest, *rops.GetPropertyIDsFromNamesRequest, *rops.GetNamesFromPropertyIDsRequest,
		*rops.QueryNamedPropertiesRequest, *rops.GetReceiveFolderTableRequest,
		*rops.GetAddressTypesRequest, *rops.GetTransportFolderRequest, *rops.OptionsDataRequest,
		*rops.GetPerUserLongTermIDsRequest, *rops.GetPerUserGUIDRequest, *rops.ReadPerUserInformationRequest,
		*rops.PublicFolderIsGhostedRequest, *rops.GetOwningServersRequest, *rops.ProgressRequest,
		*rops.SetColumnsRequest, *rops.SortTableRequest, *rops.RestrictRequest, *rops.QueryRowsRequest,
		*rops.QueryPositionRequest, *rops.SeekRowRequest, *rops.SeekRowBookmarkRequest, *rops.SeekRowFractionalRequest,
		*rops.CreateBookmarkRequest, *rops.FreeBookmarkRequest, *rops.FindRowRequest, *rops.GetStatusRequest,
		*rops.AbortRequest, *rops.ResetTableRequest, *rops.ExpandRowRequest, *rops.CollapseRowRequest,
		*rops.GetCollapseStateRequest, *rops.SetCollapseStateRequest, *rops.QueryColumnsAllRequest,
		*rops.ReadStreamRequest, *rops.GetStreamSizeRequest, *rops.SeekStreamRequest, *rops.CloneStreamRequest,
		*rops.ReadRecipientsRequest, *rops.ReloadCachedInformationRequest, *rops.GetAttachmentTableRequest,
		*rops.OpenAttachmentRequest, *rops.GetValidAttachmentsRequest,
		// Edits of open objects, checked at RopSaveChangesMessage.
		*rops.ModifyRecipientsRequest, *rops.RemoveAllRecipientsRequest, *rops.CreateAttachmentRequest,
		*rops.DeleteAttachmentRequest, *rops.SaveChangesAttachmentRequest, *rops.OpenEmbeddedMessageRequest,
		*rops.WriteStreamRequest, *rops.WriteAndCommitStreamRequest,
		*rops.CommitStreamRequest, *rops.SetStreamSizeRequest, *rops.CopyToStreamRequest,
		*rops.LockRegionStreamRequest, *rops.UnlockRegionStreamRequest:
		return nil, false
	case *rops.GetPropertiesSpecificRequest, *rops.GetPropertiesAllRequest, *rops.GetPropertiesListRequest:
		if in.kind == kindFolder {
			return need(in.fid, mailbox.RightVisible), false
		}
		return nil, false
	case *rops.OpenFolderRequest:
		fid, _ := storeID(uint64(q.FolderID))
		return need(fid, mailbox.RightVisible), false
	case *rops.OpenStreamRequest:
		if in.kind != kindFolder {
			return nil, false // a message's or attachment's: checked at save
		}
		if q.OpenModeFlags != mailbox.StreamReadOnly {
			return need(in.fid, mailbox.RightOwner), false // written to the store on commit
		}
		return need(in.fid, mailbox.RightVisible), false
	case *rops.RegisterNotificationRequest:
		if q.WantWholeStore {
			return nil, true // the events of folders the user cannot see
		}
		fid, _ := storeID(uint64(q.FolderID))
		return need(fid, mailbox.RightReadAny), false
	case *rops.GetHierarchyTableRequest:
		return need(fidOf(in), mailbox.RightVisible), false
	case *rops.GetContentsTableRequest:
		return need(fidOf(in), mailbox.RightReadAny), false
	case *rops.OpenMessageRequest:
		fid, _ := storeID(uint64(q.FolderID))
		if q.OpenModeFlags&openReadWrite != 0 && q.OpenModeFlags&openBestAccess != openBestAccess {
			return need(fid, mailbox.RightReadAny|mailbox.RightEditAny), false
		}
		return need(fid, mailbox.RightReadAny), false
	case *rops.CreateMessageRequest:
		fid, _ := storeID(uint64(q.FolderID))
		return need(fid, mailbox.RightCreate), false
	case *rops.SaveChangesMessageRequest:
		return msgEdit(in), false
	case *rops.SetPropertiesRequest, *rops.SetPropertiesNoReplicateRequest,
		*rops.DeletePropertiesRequest, *rops.DeletePropertiesNoReplicateRequest:
		if in.kind == kindMessage || in.kind == kindAttachment {
			return nil, false // checked at save
		}
		return need(fidOf(in), mailbox.RightOwner), false
	case *rops.SetMessageReadFlagRequest, *rops.SetReadFlagsRequest, *rops.GetMessageStatusRequest:
		return need(fidOf(in), mailbox.RightReadAny), false
	case *rops.SetMessageStatusRequest:
		return need(fidOf(in), mailbox.RightEditAny), false
	case *rops.DeleteMessagesRequest, *rops.HardDeleteMessagesRequest:
		return need(fidOf(in), mailbox.RightDeleteAny), false
	case *rops.MoveCopyMessagesRequest:
		src := mailbox.RightReadAny
		if !q.WantCopy {
			src |= mailbox.RightDeleteAny
		}
		return []folderNeed{{fidOf(in), uint32(src)}, {fidOf(dest), mailbox.RightCreate}}, false
	case *rops.CreateFolderRequest:
		return need(fidOf(in), mailbox.RightCreateSubfolder), false
	case *rops.DeleteFolderRequest, *rops.EmptyFolderRequest, *rops.HardDeleteMessagesAndSubfoldersRequest,
		*rops.GetPermissionsTableRequest, *rops.ModifyPermissionsRequest, *rops.GetRulesTableRequest, *rops.ModifyRulesRequest,
		*rops.SetSearchCriteriaRequest, *rops.GetSearchCriteriaRequest:
		return need(fidOf(in), mailbox.RightOwner), false
	case *rops.MoveFolderRequest, *rops.CopyFolderRequest:
		return []folderNeed{{fidOf(in), mailbox.RightOwner}, {fidOf(dest), mailbox.RightCreateSubfolder}}, false
	}
	return nil, true
}

// folderNeed is rights needed on a folder.
type folderNeed struct {
	fid    uint64
	rights uint32
}

// checkAccess applies needRights for a logon that does not own its
// mailbox.
func (a *session) checkAccess(req rops.Request, in, dest *object) mapi.ErrorCode {
	if in == nil || in.logon == nil || in.logon.owner {
		return mapi.EcSuccess
	}
	checks, deny := needRights(req, in, dest)
	if deny {
		return mapi.EcAccessDenied
	}
	for _, c := range checks {
		if c.fid == 0 {
			return mapi.EcNotFound
		}
		rights, err := storeDo[uint32](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
			return tx.FolderRights(c.fid, mailbox.Identity{Username: a.user.Username})
		}))
		if err != nil {
			return ecOf(err)
		}
		if rights&c.rights != c.rights {
			return mapi.EcAccessDenied
		}
	}
	return mapi.EcSuccess
}
