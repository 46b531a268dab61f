package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// The less used ROPs of the store, tables, search folders, permissions
// and the transport.

// ropGetReceiveFolderTable (MS-OXCSTOR 3.2.5.4).
func (a *session) ropGetReceiveFolderTable(req *rops.GetReceiveFolderTableRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	rfs, err := storeDo[[]mailbox.ReceiveFolder](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.ReceiveFolderTable()
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.GetReceiveFolderTableResponse](req)
	cols := rops.ReceiveFolderTableColumns
	for _, rf := range rfs {
		resp.Rows = append(resp.Rows, mapi.PropRow{Values: []mapi.PropVal{
			{Tag: cols[0], Value: int64(wireID(rf.FolderID))},
			{Tag: cols[1], Value: rf.Class},
			{Tag: cols[2], Value: rf.Modified},
		}})
	}
	return ok(resp)
}

// ropGetPerUserLongTermIDs (MS-OXCSTOR 3.2.5.10): a private mailbox keeps
// no per-user data of public folders yet.
func (a *session) ropGetPerUserLongTermIDs(req *rops.GetPerUserLongTermIDsRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	return ok(success[*rops.GetPerUserLongTermIDsResponse](req))
}

// ropReadPerUserInformation (MS-OXCSTOR 3.2.5.12): nothing stored.
func (a *session) ropReadPerUserInformation(req *rops.ReadPerUserInformationRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.ReadPerUserInformationResponse](req)
	resp.HasFinished = true
	return ok(resp)
}

// ropPublicFolderIsGhosted (MS-OXCSTOR 3.2.5.7): nothing is ghosted here.
func (a *session) ropPublicFolderIsGhosted(req *rops.PublicFolderIsGhostedRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	return ok(success[*rops.PublicFolderIsGhostedResponse](req))
}

// ropExpandRow (MS-OXCTABL 3.2.5.17).
func (a *session) ropExpandRow(req *rops.ExpandRowRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.kind != tableContents {
		return fail(mapi.EcNotSupported)
	}
	if len(t.cols) == 0 {
		return fail(mapi.EcNullObject)
	}
	room := a.room - 16
	type expanded struct {
		n    int
		rows []mapi.PropRow
	}
	x, err := tableOp(a, in, func(tx *mailbox.Tx, st *mailbox.Table) (expanded, error) {
		pos, n, err := st.Expand(req.CategoryID)
		if err != nil || pos < 0 {
			return expanded{n: n}, err
		}
		rows, err := st.ReadRows(tx, pos+1, min(n, int(req.MaxRowCount)))
		if err != nil {
			return expanded{}, err
		}
		return expanded{n: n, rows: fitRows(t.cols, rows, room)}, nil
	})
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.ExpandRowResponse](req)
	resp.ExpandedRowCount = uint32(x.n)
	resp.Columns = t.cols
	resp.RowData = x.rows
	return ok(resp)
}

// ropCollapseRow (MS-OXCTABL 3.2.5.18).
func (a *session) ropCollapseRow(req *rops.CollapseRowRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.kind != tableContents {
		return fail(mapi.EcNotSupported)
	}
	n, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (int, error) { return st.Collapse(req.CategoryID) })
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.CollapseRowResponse](req)
	resp.CollapsedRowCount = uint32(n)
	return ok(resp)
}

// ropGetCollapseState (MS-OXCTABL 3.2.5.19).
func (a *session) ropGetCollapseState(req *rops.GetCollapseStateRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.kind != tableContents {
		return fail(mapi.EcNotSupported)
	}
	state, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) ([]byte, error) {
		return st.GetCollapseState(req.RowID, req.RowInstanceNumber)
	})
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.GetCollapseStateResponse](req)
	resp.CollapseState = state
	return ok(resp)
}

// ropSetCollapseState (MS-OXCTABL 3.2.5.20).
func (a *session) ropSetCollapseState(req *rops.SetCollapseStateRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable || t.kind != tableContents {
		return fail(mapi.EcNotSupported)
	}
	bm, err := tableOp(a, in, func(_ *mailbox.Tx, st *mailbox.Table) (uint32, error) {
		return st.SetCollapseState(req.CollapseState)
	})
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.SetCollapseStateResponse](req)
	resp.Bookmark = bookmarkBytes(bm)
	return ok(resp)
}

func bookmarkBytes(bm uint32) []byte {
	return []byte{byte(bm), byte(bm >> 8), byte(bm >> 16), byte(bm >> 24)}
}

// ropQueryColumnsAll (MS-OXCTABL 3.2.5.6): the columns of the table's
// rows as far as this server knows them: the set columns, or for the
// small tables the properties of their rows.
func (a *session) ropQueryColumnsAll(req *rops.QueryColumnsAllRequest, in *object) ropResult {
	t, isTable := tableOf(in)
	if !isTable {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.QueryColumnsAllResponse](req)
	seen := map[mapi.PropTag]bool{}
	add := func(tag mapi.PropTag) {
		if !seen[tag] {
			seen[tag] = true
			resp.PropertyTags = append(resp.PropertyTags, tag)
		}
	}
	for _, c := range t.cols {
		add(c)
	}
	for _, r := range t.rows {
		for _, v := range r {
			add(v.Tag)
		}
	}
	return ok(resp)
}

// ropSetSearchCriteria (MS-OXCFOLD 3.2.5.4).
func (a *session) ropSetSearchCriteria(req *rops.SetSearchCriteriaRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	scope := messageIDs(req.FolderIDs)
	fid := in.fid
	if _, err := a.do(in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return nil, tx.SetSearchCriteria(fid, req.Restriction, scope, req.SearchFlags)
	})); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.SetSearchCriteriaResponse](req))
}

// ropGetSearchCriteria (MS-OXCFOLD 3.2.5.5).
func (a *session) ropGetSearchCriteria(req *rops.GetSearchCriteriaRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	fid := in.fid
	sc, err := storeDo[mailbox.SearchCriteria](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.GetSearchCriteria(fid)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.GetSearchCriteriaResponse](req)
	resp.LogonID = in.logon.id
	resp.SearchFlags = sc.State
	if req.IncludeRestriction {
		resp.Restriction = sc.Restriction
	}
	if req.IncludeFolders {
		for _, f := range sc.Scope {
			resp.FolderIDs = append(resp.FolderIDs, mapi.EID(wireID(f)))
		}
	}
	return ok(resp)
}

// ModifyFlags of RopModifyPermissions (MS-OXCPERM 2.2.2.1); its
// IncludeFreeBusy is the bit of RopGetPermissionsTable's.
const permReplaceRows = 0x01

// ropModifyPermissions (MS-OXCPERM 3.2.5.3): rows that add a member (by
// its address book entry id, resolved through the directory to a user),
// or change or remove one by PidTagMemberId.
func (a *session) ropModifyPermissions(req *rops.ModifyPermissionsRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	var changes []mailbox.PermissionChange
	for _, d := range req.PermissionsData {
		p := mailbox.Props(d.PropertyValues)
		ch := mailbox.PermissionChange{Op: mailbox.RowOp(d.PermissionDataFlags)}
		switch ch.Op {
		case mailbox.RowAdd:
			// 2.2.5.1: the member is named by its address book entry id.
			v, _ := p.Get(mapi.PrEntryID)
			b, _ := v.([]byte)
			ab, err := mapi.ParseAddressBookEntryID(b)
			if err != nil {
				return fail(mapi.EcInvalidParam)
			}
			domainID, userID, local, ok := autodiscover.ParseLegacyDN(ab.X500DN)
			if !ok {
				return fail(mapi.EcNotFound)
			}
			u, ec := a.mailboxOf(domainID, userID, local)
			if ec != mapi.EcSuccess {
				if ec == mapi.EcAccessDenied { // no directory
					return fail(mapi.EcNotSupported)
				}
				return fail(mapi.EcNotFound)
			}
			ch.Username = u.Username
		case mailbox.RowModify, mailbox.RowRemove:
			id, found := p.Int(mapi.PrMemberID)
			if !found {
				return fail(mapi.EcInvalidParam)
			}
			ch.MemberID = id
		default:
			return fail(mapi.EcInvalidParam)
		}
		if r, found := p.Int(mapi.PrMemberRights); found {
			ch.Rights = uint32(r)
		}
		changes = append(changes, ch)
	}
	fid, freebusy, replace := in.fid, req.ModifyFlags&permIncludeFreeBusy != 0, req.ModifyFlags&permReplaceRows != 0
	if _, err := a.do(in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		if replace {
			if err := tx.ClearPermissions(fid); err != nil {
				return nil, err
			}
		}
		return nil, tx.UpdatePermissions(fid, changes, freebusy)
	})); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.ModifyPermissionsResponse](req))
}

// ropGetAddressTypes (MS-OXOMSG 3.2.5.3).
func (a *session) ropGetAddressTypes(req *rops.GetAddressTypesRequest, in *object) ropResult {
	resp := success[*rops.GetAddressTypesResponse](req)
	resp.AddressTypes = []string{"SMTP", "EX"}
	return ok(resp)
}

// ropGetTransportFolder (MS-OXOMSG 3.2.5.6): the Outbox.
func (a *session) ropGetTransportFolder(req *rops.GetTransportFolderRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.GetTransportFolderResponse](req)
	resp.FolderID = mapi.EID(wireID(mapi.PrivateFIDOutbox))
	return ok(resp)
}

// ropGetValidAttachments (MS-OXCMSG 3.2.5.18).
func (a *session) ropGetValidAttachments(req *rops.GetValidAttachmentsRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.GetValidAttachmentsResponse](req)
	for _, p := range in.msg.inst.Attachments() {
		if n, found := p.Int(mapi.PrAttachNum); found {
			resp.AttachmentIDs = append(resp.AttachmentIDs, uint32(n))
		}
	}
	return ok(resp)
}

// ropOptionsData (MS-OXOMSG 3.2.5.8): no address type options or help
// files are offered.
func (a *session) ropOptionsData(req *rops.OptionsDataRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.OptionsDataResponse](req)
	resp.Reserved = 1
	return ok(resp)
}

// ropTransportSend (MS-OXOMSG 3.2.5.7): sent as RopSubmitMessage sends,
// without properties returned.
func (a *session) ropTransportSend(req *rops.TransportSendRequest, in *object) ropResult {
	res := a.ropSubmitMessage(req, in)
	if res.ec != mapi.EcSuccess {
		return res
	}
	resp := success[*rops.TransportSendResponse](req)
	resp.NoPropertiesReturned = true
	return ok(resp)
}

// ropCloneStream (MS-OXCPRPT 3.2.5.22): a second stream on the same
// property of the same message or attachment, at the same position. Its
// data are the property's as the instance has it: writes the original has
// not committed are not in the clone.
func (a *session) ropCloneStream(req *rops.CloneStreamRequest, in *object) ropResult {
	st, isStream := streamOf(in)
	if !isStream || in.parent == nil {
		return fail(mapi.EcNotSupported)
	}
	var clone propStream
	var err error
	switch p := in.parent; p.kind {
	case kindMessage:
		clone, err = p.msg.inst.OpenStream(st.Tag(), mailbox.StreamReadOnly)
	case kindAttachment:
		clone, err = p.att.OpenStream(st.Tag(), mailbox.StreamReadOnly)
	case kindFolder, kindLogon:
		vs := st.(*valueStream)
		clone = &valueStream{tag: vs.tag, data: append([]byte(nil), vs.data...)}
	default:
		return fail(mapi.EcNotSupported)
	}
	if err != nil {
		return fail(ecOf(err))
	}
	pos, _ := st.Seek(0, 1)
	clone.Seek(pos, 0)
	return ropResult{resp: success[*rops.CloneStreamResponse](req),
		obj: &object{kind: kindStream, logon: in.logon, parent: in.parent, stream: &streamObj{st: clone}}}
}

// ropGetOwningServers (MS-OXCSTOR 3.2.5.6): the public folders have one
// replica, on this server, named by its DN as AutoDiscover names it.
func (a *session) ropGetOwningServers(req *rops.GetOwningServersRequest, in *object) ropResult {
	if in.kind != kindLogon || in.logon.private {
		return fail(mapi.EcNotSupported)
	}
	domain := a.user.Domain
	resp := success[*rops.GetOwningServersResponse](req)
	resp.CheapServersCount = 1
	resp.OwningServers = []string{autodiscover.ServerDN(a.s.orgName(), autodiscover.MailboxID(domain, uint32(a.user.DomainID)), domain)}
	return ok(resp)
}

// ropProgress (MS-OXCROPS 2.2.8.13): asynchronous operations
// run to completion here before their ROP answers, so there is never one
// in progress: the counts are equal (done).
func (a *session) ropProgress(req *rops.ProgressRequest, in *object) ropResult {
	resp := success[*rops.ProgressResponse](req)
	resp.LogonID = in.logon.id
	return ok(resp)
}
