package mapihttp

import (
	"io"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Copying properties between objects of the same kind (MS-OXCPRPT
// 3.2.5.6, 3.2.5.7), streams (3.2.5.21), message status (MS-OXCMSG
// 3.2.5.10, 3.2.5.11) and the named properties of an object (MS-OXCPRPT
// 3.2.5.10).

// CopyFlags of RopCopyProperties and RopCopyTo (MS-OXCPRPT 2.2.10.1,
// 2.2.11.1).
const (
	copyMove        = 0x01
	copyNoOverwrite = 0x02
)

// copyProps copies the properties tags (all but excluded when all) from
// src to dst, both messages, attachments or folders of one store.
func (a *session) copyProps(req rops.Request, src, dst *object, tags []mapi.PropTag, all bool, excluded []mapi.PropTag, flags uint8) ropResult {
	if src.kind != dst.kind || src.logon.dir != dst.logon.dir {
		return fail(mapi.EcNotSupported)
	}
	if dst.kind == kindMessage && dst.msg.readOnly {
		return fail(mapi.EcAccessDenied)
	}
	var getTags []mapi.PropTag
	if !all {
		getTags = tags
	}
	p, ec := a.objectProps(src, getTags)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	skip := map[mapi.PropTag]bool{}
	for _, t := range excluded {
		skip[t] = true
	}
	var have mailbox.Props
	if flags&copyNoOverwrite != 0 {
		have, _ = a.objectProps(dst, nil)
	}
	var vals mailbox.Props
	for _, v := range p {
		if v.Value == nil || v.Tag.Type() == mapi.PtError || skip[v.Tag] {
			continue
		}
		if have != nil && have.Has(v.Tag) {
			continue
		}
		vals = append(vals, v)
	}
	var problems []mailbox.PropProblem
	switch dst.kind {
	case kindMessage:
		problems = dst.msg.inst.SetProps(vals)
	case kindAttachment:
		problems = dst.att.SetProps(vals)
	case kindFolder:
		var err error
		if problems, err = storeDo[[]mailbox.PropProblem](a, dst.logon, mailbox.SetFolderProps{FolderID: dst.fid, Props: vals}); err != nil {
			return fail(ecOf(err))
		}
	default:
		return fail(mapi.EcNotSupported)
	}
	if flags&copyMove != 0 {
		var moved []mapi.PropTag
		for _, v := range vals {
			moved = append(moved, v.Tag)
		}
		switch src.kind {
		case kindMessage:
			src.msg.inst.RemoveProps(moved)
		case kindAttachment:
			src.att.RemoveProps(moved)
		}
	}
	resp := rops.ErrorResponse(req, mapi.EcSuccess)
	pp := problemsOf(problems, tags)
	switch r := resp.(type) {
	case *rops.CopyPropertiesResponse:
		r.PropertyProblems = pp
	case *rops.CopyToResponse:
		r.PropertyProblems = pp
	}
	return ok(resp)
}

// ropCopyToStream (MS-OXCPRPT 3.2.5.21).
func (a *session) ropCopyToStream(req *rops.CopyToStreamRequest, in, dest *object) ropResult {
	src, isStream := streamOf(in)
	dst, isStream2 := streamOf(dest)
	if !isStream || !isStream2 {
		return fail(mapi.EcNotSupported)
	}
	n, err := io.CopyN(dst, src, int64(min(req.ByteCount, mailbox.MaxStreamSize)))
	resp := success[*rops.CopyToStreamResponse](req)
	if err != nil && err != io.EOF {
		resp.ReturnValue = ecOf(err)
	}
	resp.ReadByteCount, resp.WrittenByteCount = uint64(n), uint64(n)
	return ropResult{resp: resp}
}

// Message status bits the client may change (MS-OXCMSG 2.2.1.8): all.
// ropSetMessageStatus (MS-OXCMSG 3.2.5.10) returns the previous status.
func (a *session) ropSetMessageStatus(req *rops.SetMessageStatusRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	mid, valid := storeID(uint64(req.MessageID))
	if !valid {
		return fail(mapi.EcNotFound)
	}
	old, err := storeDo[uint32](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		p, err := tx.MessageProps(mid, []mapi.PropTag{mapi.PrMsgStatus, mapi.PrMID})
		if err != nil {
			return uint32(0), err
		}
		if !p.Has(mapi.PrMID) {
			return uint32(0), mailbox.ErrNotFound
		}
		v, _ := p.Int(mapi.PrMsgStatus)
		old := uint32(v)
		now := old&^req.MessageStatusMask | req.MessageStatusFlags&req.MessageStatusMask
		if now != old {
			if _, err := tx.SetMessageProps(mid, mailbox.Props{{Tag: mapi.PrMsgStatus, Value: int32(now)}}); err != nil {
				return uint32(0), err
			}
		}
		return old, nil
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.SetMessageStatusResponse](req)
	resp.MessageStatusFlags = old
	return ok(resp)
}

// ropGetMessageStatus (MS-OXCMSG 3.2.5.11).
func (a *session) ropGetMessageStatus(req *rops.GetMessageStatusRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	mid, valid := storeID(uint64(req.MessageID))
	if !valid {
		return fail(mapi.EcNotFound)
	}
	p, err := storeDo[mailbox.Props](a, in.logon, mailbox.GetMessageProps{MessageID: mid, Tags: []mapi.PropTag{mapi.PrMsgStatus, mapi.PrMID}})
	if err != nil {
		return fail(ecOf(err))
	}
	if !p.Has(mapi.PrMID) {
		return fail(mapi.EcNotFound)
	}
	v, _ := p.Int(mapi.PrMsgStatus)
	resp := success[*rops.GetMessageStatusResponse](req)
	resp.MessageStatusFlags = uint32(v)
	return ok(resp)
}

// QueryFlags of RopQueryNamedProperties (MS-OXCPRPT 2.2.13.1).
const (
	queryNoStrings = 0x01
	queryNoIDs     = 0x02
)

// ropQueryNamedProperties (MS-OXCPRPT 3.2.5.10): the named properties the
// object has.
func (a *session) ropQueryNamedProperties(req *rops.QueryNamedPropertiesRequest, in *object) ropResult {
	p, ec := a.objectProps(in, nil)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	var ids []uint16
	seen := map[uint16]bool{}
	for _, v := range p {
		if id := v.Tag.ID(); id >= 0x8000 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	resp := success[*rops.QueryNamedPropertiesResponse](req)
	if len(ids) == 0 {
		return ok(resp)
	}
	names, err := storeDo[[]mapi.PropName](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) { return tx.NamedPropNames(ids) }))
	if err != nil {
		return fail(ecOf(err))
	}
	for i, n := range names {
		if i >= len(ids) || n == (mapi.PropName{}) {
			continue
		}
		if req.HasGUID && n.GUID != req.PropertyGUID {
			continue
		}
		if req.QueryFlags&queryNoStrings != 0 && n.Kind == mapi.MnidString || req.QueryFlags&queryNoIDs != 0 && n.Kind == mapi.MnidID {
			continue
		}
		resp.PropertyIDs = append(resp.PropertyIDs, ids[i])
		resp.PropertyNames = append(resp.PropertyNames, n)
	}
	return ok(resp)
}
