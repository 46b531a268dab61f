package mapihttp

import (
	"errors"
	"time"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// ResponseFlags of the private-mailbox RopLogon response (MS-OXCSTOR
// 2.2.1.1.3).
const (
	logonReserved    uint8 = 0x01
	logonOwnerRight  uint8 = 0x02
	logonSendAsRight uint8 = 0x04
)

// storeIdentity is what a logon needs to know of its store.
type storeIdentity struct {
	mailboxGUID, storeGUID mapi.GUID
}

// ropLogon opens a private store (MS-OXCSTOR 3.2.5.1): the authenticated
// user's own, or another user's on which the user has rights: as its
// owner with RightStoreOwner (full access), else as a delegate whose ROPs
// are checked against the folder permissions (access.go). Without the
// Private flag it opens the public folders of the user's domain.
func (a *session) ropLogon(req *rops.LogonRequest) ropResult {
	if req.LogonFlags&rops.LogonFlagPrivate == 0 {
		return a.publicLogon(req)
	}
	owner := a.user
	delegate := false
	if req.Essdn != "" {
		domainID, userID, local, ok := autodiscover.ParseLegacyDN(req.Essdn)
		if !ok {
			return fail(mapi.EcUnknownUser)
		}
		if domainID != uint32(a.user.DomainID) || userID != uint32(a.user.ID) {
			u, ec := a.mailboxOf(domainID, userID, local)
			if ec != mapi.EcSuccess {
				return fail(ec)
			}
			owner, delegate = u, true
		}
	}
	if owner.Maildir == "" {
		return fail(mapi.EcUnknownUser)
	}
	l := &logon{id: req.LogonID, dir: owner.Maildir, private: true, owner: true, delegate: delegate, mailboxOwner: owner}
	if delegate {
		// 3.2.5.1.1: another user's mailbox needs its owner's rights.
		rights, err := storeDo[uint32](a, l, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
			return tx.MailboxRights(mailbox.Identity{Username: a.user.Username})
		}))
		if err != nil {
			return fail(ecOf(err))
		}
		// A user with only folder rights logs on as a delegate whose
		// ROPs are checked against them (access.go).
		if rights&^(mailbox.RightSendAs|mailbox.RightFreeBusySimple|mailbox.RightFreeBusyDetailed|mailbox.RightContact) == 0 {
			return fail(mapi.EcAccessDenied)
		}
		l.owner = rights&mailbox.RightStoreOwner != 0
		l.sendAs = rights&mailbox.RightSendAs != 0
	}
	id, err := storeDo[storeIdentity](a, l, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		s := tx.Store()
		return storeIdentity{mailboxGUID: s.MailboxGUID(), storeGUID: s.StoreGUID()}, nil
	}))
	if err != nil {
		if errors.Is(err, mailbox.ErrUnavailable) {
			return fail(mapi.EcLoginFailure)
		}
		return fail(ecOf(err))
	}
	l.mailboxGUID, l.storeGUID = id.mailboxGUID, id.storeGUID
	if err := a.loadLogonProps(l); err != nil {
		return fail(ecOf(err))
	}
	// A new logon with the id of a live one replaces it.
	if old := a.logons[req.LogonID]; old != nil {
		if o := a.object(old.handle); o != nil {
			a.release(o)
		}
	}
	a.logons[req.LogonID] = l
	resp := success[*rops.LogonResponse](req)
	resp.LogonFlags = req.LogonFlags
	// MS-OXCSTOR 2.2.1.1.3: the special folders of a private mailbox in
	// this order.
	for i, fid := range []uint64{
		mapi.PrivateFIDRoot, mapi.PrivateFIDDeferredAction, mapi.PrivateFIDSpoolerQueue,
		mapi.PrivateFIDIPMSubtree, mapi.PrivateFIDInbox, mapi.PrivateFIDOutbox,
		mapi.PrivateFIDSentItems, mapi.PrivateFIDDeletedItems, mapi.PrivateFIDCommonViews,
		mapi.PrivateFIDSchedule, mapi.PrivateFIDFinder, mapi.PrivateFIDViews, mapi.PrivateFIDShortcuts,
	} {
		resp.FolderIDs[i] = mapi.EID(wireID(fid))
	}
	resp.ResponseFlags = logonReserved
	if l.owner {
		resp.ResponseFlags |= logonOwnerRight
	}
	if !delegate || l.sendAs {
		resp.ResponseFlags |= logonSendAsRight
	}
	resp.MailboxGUID = l.mailboxGUID
	resp.ReplID = mapi.ReplidLocal
	resp.ReplGUID = l.storeGUID
	now := time.Now().UTC()
	resp.LogonTime = rops.LogonTime{
		Seconds: uint8(now.Second()), Minutes: uint8(now.Minute()), Hour: uint8(now.Hour()),
		DayOfWeek: uint8(now.Weekday()), Day: uint8(now.Day()), Month: uint8(now.Month()),
		Year: uint16(now.Year()),
	}
	resp.GwartTime = mapi.FileTimeOf(now)
	obj := &object{kind: kindLogon, logon: l}
	return ropResult{resp: resp, obj: obj}
}

// ropGetReceiveFolder answers the folder that receives a message class
// (MS-OXCSTOR 3.2.5.2).
func (a *session) ropGetReceiveFolder(req *rops.GetReceiveFolderRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	type rf struct {
		fid     uint64
		matched string
	}
	res, err := storeDo[rf](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		fid, m, err := tx.ReceiveFolder(req.MessageClass)
		return rf{fid, m}, err
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.GetReceiveFolderResponse](req)
	resp.FolderID = mapi.EID(wireID(res.fid))
	resp.ExplicitMessageClass = res.matched
	return ok(resp)
}

// ropSetReceiveFolder (MS-OXCSTOR 3.2.5.3).
func (a *session) ropSetReceiveFolder(req *rops.SetReceiveFolderRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	fid := uint64(0)
	if req.FolderID != 0 {
		var valid bool
		if fid, valid = storeID(uint64(req.FolderID)); !valid {
			return fail(mapi.EcNotFound)
		}
	}
	if _, err := a.do(in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return nil, tx.SetReceiveFolder(req.MessageClass, fid)
	})); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.SetReceiveFolderResponse](req))
}

// ropGetStoreState (MS-OXCSTOR 3.2.5.5): no search in progress.
func (a *session) ropGetStoreState(req *rops.GetStoreStateRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	return ok(success[*rops.GetStoreStateResponse](req))
}

// ropLongTermIDFromID (MS-OXCSTOR 3.2.5.8).
func (a *session) ropLongTermIDFromID(req *rops.LongTermIDFromIDRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	e := req.ObjectID
	if e.Replid() != mapi.ReplidLocal {
		return fail(mapi.EcNotFound)
	}
	resp := success[*rops.LongTermIDFromIDResponse](req)
	resp.LongTermID = mapi.NewLongTermID(in.logon.storeGUID, e.GCV())
	return ok(resp)
}

// ropIDFromLongTermID (MS-OXCSTOR 3.2.5.9).
func (a *session) ropIDFromLongTermID(req *rops.IDFromLongTermIDRequest, in *object) ropResult {
	if in.kind != kindLogon {
		return fail(mapi.EcNotSupported)
	}
	if req.LongTermID.GUID != in.logon.storeGUID {
		return fail(mapi.EcNotFound)
	}
	resp := success[*rops.IDFromLongTermIDResponse](req)
	resp.ObjectID = mapi.EID(wireID(req.LongTermID.GCV()))
	return ok(resp)
}

// mailboxOf finds the user a mailbox ESSDN names (its domain by id, the
// account by local part, checked against the user id).
func (a *session) mailboxOf(domainID, userID uint32, local string) (*directory.User, mapi.ErrorCode) {
	if a.s.dir == nil || userID == 0 {
		return nil, mapi.EcAccessDenied
	}
	ctx, cancel := a.ctx()
	defer cancel()
	domains, err := a.s.dir.Domains(ctx)
	if err != nil {
		return nil, mapi.EcLoginFailure
	}
	for _, d := range domains {
		if uint32(d.ID) != domainID {
			continue
		}
		u, err := a.s.dir.Lookup(ctx, local+"@"+d.Name)
		if err != nil || uint32(u.ID) != userID {
			return nil, mapi.EcUnknownUser
		}
		return u, mapi.EcSuccess
	}
	return nil, mapi.EcUnknownUser
}

// publicLogon opens the public store of the user's domain (MS-OXCSTOR
// 3.2.5.1, the public folders response of 2.2.1.1.4). Its ROPs are
// checked against the folders' permissions, as a delegate's are.
func (a *session) publicLogon(req *rops.LogonRequest) ropResult {
	if a.s.dir == nil {
		return fail(mapi.EcLoginFailure)
	}
	ctx, cancel := a.ctx()
	domains, err := a.s.dir.Domains(ctx)
	cancel()
	if err != nil {
		return fail(mapi.EcLoginFailure)
	}
	dir := ""
	for _, d := range domains {
		if d.ID == a.user.DomainID {
			dir = d.Homedir
		}
	}
	if dir == "" {
		return fail(mapi.EcLoginFailure) // the domain has no public store
	}
	l := &logon{id: req.LogonID, dir: dir}
	id, err := storeDo[storeIdentity](a, l, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		s := tx.Store()
		return storeIdentity{mailboxGUID: s.MailboxGUID(), storeGUID: s.StoreGUID()}, nil
	}))
	if err != nil {
		return fail(mapi.EcLoginFailure)
	}
	l.mailboxGUID, l.storeGUID = id.mailboxGUID, id.storeGUID
	if old := a.logons[req.LogonID]; old != nil {
		if o := a.object(old.handle); o != nil {
			a.release(o)
		}
	}
	a.logons[req.LogonID] = l
	resp := success[*rops.LogonResponse](req)
	resp.LogonFlags = req.LogonFlags
	// MS-OXCSTOR 2.2.1.1.4: root, IPM subtree, non-IPM subtree, EForms
	// registry; the free/busy, OAB, local site and NNTP folders do not
	// exist here (0).
	for i, fid := range []uint64{mapi.PublicFIDRoot, mapi.PublicFIDIPMSubtree, mapi.PublicFIDNonIPMSubtree, mapi.PublicFIDEFormsRegistry} {
		resp.FolderIDs[i] = mapi.EID(wireID(fid))
	}
	resp.ReplID = mapi.ReplidLocal
	resp.ReplGUID = l.storeGUID
	resp.PerUserGUID = l.mailboxGUID
	return ropResult{resp: resp, obj: &object{kind: kindLogon, logon: l}}
}
