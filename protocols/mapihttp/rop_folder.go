package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Folder ROPs (MS-OXCFOLD 3.2.5).

// folderOf returns the folder id an object stands for: a folder's, or the
// root of a logon's store.
func folderOf(o *object) (uint64, bool) {
	switch o.kind {
	case kindFolder:
		return o.fid, true
	case kindLogon:
		if !o.logon.private {
			return mapi.PublicFIDRoot, true
		}
		return mapi.PrivateFIDRoot, true
	}
	return 0, false
}

// folderExists checks that a folder of the store exists and returns
// whether it has rules.
func (a *session) folderExists(l *logon, fid uint64) (bool, mapi.ErrorCode) {
	p, err := storeDo[mailbox.Props](a, l, mailbox.GetFolderProps{FolderID: fid, Tags: []mapi.PropTag{mapi.PrFolderType, mapi.PrHasRules}})
	if err != nil {
		return false, ecOf(err)
	}
	if !p.Has(mapi.PrFolderType) {
		return false, mapi.EcNotFound
	}
	v, _ := p.Get(mapi.PrHasRules)
	b, _ := v.(bool)
	return b, mapi.EcSuccess
}

// ropOpenFolder (MS-OXCFOLD 3.2.5.1).
func (a *session) ropOpenFolder(req *rops.OpenFolderRequest, in *object) ropResult {
	if in.kind != kindLogon && in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	fid, valid := storeID(uint64(req.FolderID))
	if !valid {
		return fail(mapi.EcNotFound)
	}
	rules, ec := a.folderExists(in.logon, fid)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	resp := success[*rops.OpenFolderResponse](req)
	resp.HasRules = rules
	return ropResult{resp: resp, obj: &object{kind: kindFolder, logon: in.logon, fid: fid}}
}

// Folder types of RopCreateFolder (MS-OXCFOLD 2.2.1.2.1).
const (
	folderGeneric = 1
	folderSearch  = 2
)

// ropCreateFolder (MS-OXCFOLD 3.2.5.2).
func (a *session) ropCreateFolder(req *rops.CreateFolderRequest, in *object) ropResult {
	parent, isFolder := folderOf(in)
	if !isFolder {
		return fail(mapi.EcNotSupported)
	}
	if req.DisplayName == "" {
		return fail(mapi.EcInvalidParam)
	}
	if req.FolderType != folderGeneric && req.FolderType != folderSearch {
		return fail(mapi.EcInvalidParam)
	}
	var extra mailbox.Props
	if req.Comment != "" {
		extra.Set(mapi.PrComment, req.Comment)
	}
	existing := false
	fid, err := storeDo[uint64](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		if req.FolderType == folderSearch {
			return tx.CreateSearchFolder(parent, req.DisplayName, extra)
		}
		return tx.CreateFolder(parent, req.DisplayName, "", extra)
	}))
	if err != nil && ecOf(err) == mapi.EcDuplicateName && req.OpenExisting {
		fid, err = storeDo[uint64](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
			return tx.FolderByName(parent, req.DisplayName)
		}))
		existing = true
	}
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.CreateFolderResponse](req)
	resp.FolderID = mapi.EID(wireID(fid))
	resp.IsExistingFolder = existing
	return ropResult{resp: resp, obj: &object{kind: kindFolder, logon: in.logon, fid: fid}}
}

// DeleteFolderFlags (MS-OXCFOLD 2.2.1.3.1).
const (
	delMessages   = 0x01
	delFolders    = 0x04
	delHardDelete = 0x10
)

// ropDeleteFolder (MS-OXCFOLD 3.2.5.3).
func (a *session) ropDeleteFolder(req *rops.DeleteFolderRequest, in *object) ropResult {
	if _, isFolder := folderOf(in); !isFolder {
		return fail(mapi.EcNotSupported)
	}
	fid, valid := storeID(uint64(req.FolderID))
	if !valid {
		return fail(mapi.EcNotFound)
	}
	hard := req.DeleteFolderFlags&delHardDelete != 0
	_, err := a.do(in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		if req.DeleteFolderFlags&(delMessages|delFolders) != 0 {
			flags := 0
			if req.DeleteFolderFlags&delMessages != 0 {
				flags |= mailbox.EmptyMessages | mailbox.EmptyAssociated
			}
			if req.DeleteFolderFlags&delFolders != 0 {
				flags |= mailbox.EmptySubfolders
			}
			if hard {
				flags |= mailbox.EmptyHard
			}
			if err := tx.EmptyFolder(fid, flags); err != nil {
				return nil, err
			}
		}
		return nil, tx.DeleteFolder(fid, hard)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.DeleteFolderResponse](req))
}

// ropEmptyFolder (MS-OXCFOLD 3.2.5.9), and with hard the
// RopHardDeleteMessagesAndSubfolders of 3.2.5.10.
func (a *session) ropEmptyFolder(req rops.Request, in *object, assoc, hard bool) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	flags := mailbox.EmptyMessages | mailbox.EmptySubfolders
	if assoc {
		flags |= mailbox.EmptyAssociated
	}
	if hard {
		flags |= mailbox.EmptyHard
	}
	if _, err := a.do(in.logon, mailbox.EmptyFolder{FolderID: in.fid, Flags: flags}); err != nil {
		return fail(ecOf(err))
	}
	return ok(rops.ErrorResponse(req, mapi.EcSuccess))
}

// messageIDs converts the wire ids of a request.
func messageIDs(ids []mapi.EID) []uint64 {
	out := make([]uint64, 0, len(ids))
	for _, id := range ids {
		if gcv, valid := storeID(uint64(id)); valid {
			out = append(out, gcv)
		}
	}
	return out
}

// ropDeleteMessages (MS-OXCFOLD 3.2.5.11) and RopHardDeleteMessages
// (3.2.5.12).
func (a *session) ropDeleteMessages(req rops.Request, in *object, ids []mapi.EID, hard bool) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	mids := messageIDs(ids)
	partial, err := storeDo[bool](a, in.logon, mailbox.DeleteMessages{FolderID: in.fid, IDs: mids, Hard: hard})
	if err != nil {
		return fail(ecOf(err))
	}
	resp := rops.ErrorResponse(req, mapi.EcSuccess)
	switch p := resp.(type) {
	case *rops.DeleteMessagesResponse:
		p.PartialCompletion = partial || len(mids) != len(ids)
	case *rops.HardDeleteMessagesResponse:
		p.PartialCompletion = partial || len(mids) != len(ids)
	}
	return ok(resp)
}

// ropMoveCopyMessages (MS-OXCFOLD 3.2.5.6).
func (a *session) ropMoveCopyMessages(req *rops.MoveCopyMessagesRequest, in, dest *object) ropResult {
	if in.kind != kindFolder || dest.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	if in.logon.dir != dest.logon.dir {
		return fail(mapi.EcNotSupported) // between stores: not yet
	}
	mids := messageIDs(req.MessageIDs)
	res, err := storeDo[mailbox.MoveCopyResult](a, in.logon, mailbox.MoveCopyMessages{From: in.fid, To: dest.fid, IDs: mids, Copy: req.WantCopy})
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.MoveCopyMessagesResponse](req)
	resp.PartialCompletion = res.Partial || len(mids) != len(req.MessageIDs)
	return ok(resp)
}

// ropMoveFolder (MS-OXCFOLD 3.2.5.7).
func (a *session) ropMoveFolder(req *rops.MoveFolderRequest, in, dest *object) ropResult {
	if _, isFolder := folderOf(in); !isFolder {
		return fail(mapi.EcNotSupported)
	}
	to, isFolder := folderOf(dest)
	if !isFolder || in.logon.dir != dest.logon.dir {
		return fail(mapi.EcNotSupported)
	}
	fid, valid := storeID(uint64(req.FolderID))
	if !valid {
		return fail(mapi.EcNotFound)
	}
	if _, err := a.do(in.logon, mailbox.MoveFolder{FolderID: fid, NewParent: to, NewName: req.NewFolderName}); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.MoveFolderResponse](req))
}

// ropCopyFolder (MS-OXCFOLD 3.2.5.8).
func (a *session) ropCopyFolder(req *rops.CopyFolderRequest, in, dest *object) ropResult {
	if _, isFolder := folderOf(in); !isFolder {
		return fail(mapi.EcNotSupported)
	}
	to, isFolder := folderOf(dest)
	if !isFolder || in.logon.dir != dest.logon.dir {
		return fail(mapi.EcNotSupported)
	}
	fid, valid := storeID(uint64(req.FolderID))
	if !valid {
		return fail(mapi.EcNotFound)
	}
	if _, err := a.do(in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.CopyFolder(fid, to, req.NewFolderName, req.WantRecursive)
	})); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.CopyFolderResponse](req))
}
