package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// The permissions (MS-OXCPERM 3.2.5.2) and rules (MS-OXORULE 3.2.5.2)
// tables of a folder: rows read when the table is opened, held by the
// table object.

// Table flags of RopGetPermissionsTable (MS-OXCPERM 2.2.2.1).
const permIncludeFreeBusy = 0x02

// Free/busy rights, shown only with IncludeFreeBusy (MS-OXCPERM 2.2.7).
const rightsFreeBusy = 0x00000800 | 0x00001000

// ropGetPermissionsTable (MS-OXCPERM 3.2.5.2).
func (a *session) ropGetPermissionsTable(req *rops.GetPermissionsTableRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	fid := in.fid
	perms, err := storeDo[[]mailbox.PermissionRow](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.Permissions(fid)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	t := &tableObj{kind: tablePermissions, flags: req.TableFlags}
	for _, p := range perms {
		rights := p.Rights
		if req.TableFlags&permIncludeFreeBusy == 0 {
			rights &^= rightsFreeBusy
		}
		t.rows = append(t.rows, mailbox.Props{
			{Tag: mapi.PrMemberID, Value: p.MemberID},
			{Tag: mapi.PrMemberName, Value: p.Name},
			{Tag: mapi.PrMemberRights, Value: int32(rights)},
			{Tag: mapi.PrMemberEntryID, Value: []byte{}},
		})
	}
	return ropResult{resp: success[*rops.GetPermissionsTableResponse](req),
		obj: &object{kind: kindTable, logon: in.logon, fid: fid, parent: in, table: t}}
}

// ropGetRulesTable (MS-OXORULE 3.2.5.2): the rules with their
// conditions and actions (in the ROP codec, rules.go).
func (a *session) ropGetRulesTable(req *rops.GetRulesTableRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	fid := in.fid
	rules, err := storeDo[[]mailbox.Rule](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.Rules(fid)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	t := &tableObj{kind: tableRules, flags: req.TableFlags}
	for _, r := range rules {
		t.rows = append(t.rows, ruleRow(r))
	}
	return ropResult{resp: success[*rops.GetRulesTableResponse](req),
		obj: &object{kind: kindTable, logon: in.logon, fid: fid, parent: in, table: t}}
}
