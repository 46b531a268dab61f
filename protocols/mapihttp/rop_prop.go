package mapihttp

import (
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// Property ROPs (MS-OXCPRPT 3.2.5) on logons (store properties), folders,
// messages and attachments.

// defaultSizeLimit bounds a value in the property ROPs when the client
// gives no PropertySizeLimit: a larger one is ecMAPIOOM, and the client
// reads it through a stream (MS-OXCPRPT 3.2.5.1).
const defaultSizeLimit = 0x4000

// objectProps reads properties of an object (all with no tags).
func (a *session) objectProps(o *object, tags []mapi.PropTag) (mailbox.Props, mapi.ErrorCode) {
	switch o.kind {
	case kindLogon:
		p, err := storeDo[mailbox.Props](a, o.logon, mailbox.GetStoreProps{Tags: tags})
		if err != nil {
			return nil, ecOf(err)
		}
		return withLogonProps(o.logon, p, tags), mapi.EcSuccess
	case kindFolder:
		p, err := storeDo[mailbox.Props](a, o.logon, mailbox.GetFolderProps{FolderID: o.fid, Tags: tags})
		return p, ecOf(err)
	case kindMessage:
		return o.msg.inst.GetProps(tags), mapi.EcSuccess
	case kindAttachment:
		return o.att.GetProps(tags), mapi.EcSuccess
	}
	return nil, mapi.EcNotSupported
}

// valueSize is about the bytes a value takes on the wire.
func valueSize(v any) int {
	switch x := v.(type) {
	case string:
		return 2 * len(x)
	case []byte:
		return len(x)
	case []string:
		n := 0
		for _, s := range x {
			n += 2*len(s) + 2
		}
		return n
	case [][]byte:
		n := 0
		for _, b := range x {
			n += len(b) + 2
		}
		return n
	}
	return 8
}

// stringType gives a string value the type the client asked for.
func stringType(tag mapi.PropTag, unicode bool) mapi.PropTag {
	switch tag.Type() {
	case mapi.PtString8, mapi.PtUnicode:
		if unicode {
			return tag.WithType(mapi.PtUnicode)
		}
		return tag.WithType(mapi.PtString8)
	case mapi.PtMvString8, mapi.PtMvUnicode:
		if unicode {
			return tag.WithType(mapi.PtMvUnicode)
		}
		return tag.WithType(mapi.PtMvString8)
	}
	return tag
}

func errorValue(tag mapi.PropTag, ec mapi.ErrorCode) mapi.PropVal {
	return mapi.PropVal{Tag: tag.WithType(mapi.PtError), Value: ec}
}

// ropGetPropertiesSpecific (MS-OXCPRPT 3.2.5.1).
func (a *session) ropGetPropertiesSpecific(req *rops.GetPropertiesSpecificRequest, in *object) ropResult {
	p, ec := a.objectProps(in, req.PropertyTags)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	limit := int(req.PropertySizeLimit)
	if limit == 0 {
		limit = defaultSizeLimit
	}
	row := mapi.PropRow{Values: make([]mapi.PropVal, len(req.PropertyTags))}
	for i, tag := range req.PropertyTags {
		var pv mapi.PropVal
		found := false
		if tag.Type() == mapi.PtUnspecified {
			for _, v := range p {
				if v.Tag.ID() == tag.ID() {
					pv, found = mapi.PropVal{Tag: stringType(v.Tag, req.WantUnicode != 0), Value: v.Value}, true
					break
				}
			}
		} else if v, has := p.Get(tag); has {
			pv, found = mapi.PropVal{Tag: tag, Value: v}, true
		} else if tw := stringType(tag, tag.Type() == mapi.PtString8 || tag.Type() == mapi.PtMvString8); tw != tag {
			if v, has := p.Get(tw); has {
				pv, found = mapi.PropVal{Tag: tag, Value: v}, true
			}
		}
		switch {
		case !found:
			row.Values[i], row.Flagged = errorValue(tag, mapi.EcNotFound), true
		case valueSize(pv.Value) > limit:
			row.Values[i], row.Flagged = errorValue(tag, mapi.EcMAPIOOM), true
		default:
			row.Values[i] = pv
		}
	}
	resp := success[*rops.GetPropertiesSpecificResponse](req)
	resp.Columns = req.PropertyTags
	resp.RowData = row
	return ok(resp)
}

// ropGetPropertiesAll (MS-OXCPRPT 3.2.5.2).
func (a *session) ropGetPropertiesAll(req *rops.GetPropertiesAllRequest, in *object) ropResult {
	p, ec := a.objectProps(in, nil)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	limit := int(req.PropertySizeLimit)
	if limit == 0 {
		limit = defaultSizeLimit
	}
	out := make([]mapi.PropVal, 0, len(p))
	for _, v := range p {
		if v.Value == nil || v.Tag.Type() == mapi.PtError {
			continue
		}
		tag := stringType(v.Tag, req.WantUnicode != 0)
		if valueSize(v.Value) > limit {
			out = append(out, errorValue(tag, mapi.EcMAPIOOM))
			continue
		}
		out = append(out, mapi.PropVal{Tag: tag, Value: v.Value})
	}
	resp := success[*rops.GetPropertiesAllResponse](req)
	resp.PropertyValues = out
	return ok(resp)
}

// ropGetPropertiesList (MS-OXCPRPT 3.2.5.3).
func (a *session) ropGetPropertiesList(req *rops.GetPropertiesListRequest, in *object) ropResult {
	p, ec := a.objectProps(in, nil)
	if ec != mapi.EcSuccess {
		return fail(ec)
	}
	resp := success[*rops.GetPropertiesListResponse](req)
	for _, v := range p {
		if v.Tag.Type() != mapi.PtError {
			resp.PropertyTags = append(resp.PropertyTags, v.Tag)
		}
	}
	return ok(resp)
}

// problemsOf turns store problems into PropertyProblems with the index of
// each tag in the request.
func problemsOf(problems []mailbox.PropProblem, tags []mapi.PropTag) []rops.PropertyProblem {
	var out []rops.PropertyProblem
	for _, pr := range problems {
		idx := 0
		for i, t := range tags {
			if t == pr.Tag || t.ID() == pr.Tag.ID() {
				idx = i
				break
			}
		}
		out = append(out, rops.PropertyProblem{Index: uint16(idx), PropertyTag: pr.Tag, ErrorCode: ecOf(pr.Err)})
	}
	return out
}

// setProps sets properties of an object (RopSetProperties,
// RopSetPropertiesNoReplicate; MS-OXCPRPT 3.2.5.4).
func (a *session) setProps(req rops.Request, in *object, vals []mapi.PropVal) ropResult {
	tags := make([]mapi.PropTag, len(vals))
	for i, v := range vals {
		tags[i] = v.Tag
	}
	var problems []mailbox.PropProblem
	switch in.kind {
	case kindFolder:
		var err error
		problems, err = storeDo[[]mailbox.PropProblem](a, in.logon, mailbox.SetFolderProps{FolderID: in.fid, Props: mailbox.Props(vals)})
		if err != nil {
			return fail(ecOf(err))
		}
	case kindMessage:
		if in.msg.readOnly {
			return fail(mapi.EcAccessDenied)
		}
		problems = in.msg.inst.SetProps(mailbox.Props(vals))
	case kindAttachment:
		problems = in.att.SetProps(mailbox.Props(vals))
	default:
		return fail(mapi.EcNotSupported)
	}
	resp := rops.ErrorResponse(req, mapi.EcSuccess)
	pp := problemsOf(problems, tags)
	switch p := resp.(type) {
	case *rops.SetPropertiesResponse:
		p.PropertyProblems = pp
	case *rops.SetPropertiesNoReplicateResponse:
		p.PropertyProblems = pp
	}
	return ok(resp)
}

// deleteProps removes properties of a message or attachment
// (RopDeleteProperties; MS-OXCPRPT 3.2.5.5).
func (a *session) deleteProps(req rops.Request, in *object, tags []mapi.PropTag) ropResult {
	var problems []mailbox.PropProblem
	switch in.kind {
	case kindMessage:
		if in.msg.readOnly {
			return fail(mapi.EcAccessDenied)
		}
		problems = in.msg.inst.RemoveProps(tags)
	case kindAttachment:
		problems = in.att.RemoveProps(tags)
	default:
		return fail(mapi.EcNotSupported) // store and folder properties: not yet
	}
	resp := rops.ErrorResponse(req, mapi.EcSuccess)
	pp := problemsOf(problems, tags)
	switch p := resp.(type) {
	case *rops.DeletePropertiesResponse:
		p.PropertyProblems = pp
	case *rops.DeletePropertiesNoReplicateResponse:
		p.PropertyProblems = pp
	}
	return ok(resp)
}

// Flags of RopGetPropertyIdsFromNames (MS-OXCPRPT 2.2.12.1).
const mapiCreate = 0x02

// ropGetPropertyIDsFromNames (MS-OXCPRPT 3.2.5.8).
func (a *session) ropGetPropertyIDsFromNames(req *rops.GetPropertyIDsFromNamesRequest, in *object) ropResult {
	if len(req.PropertyNames) == 0 {
		return fail(mapi.EcNotSupported) // 3.2.5.8: listing all names is not served
	}
	names := req.PropertyNames
	create := req.Flags&mapiCreate != 0
	var ids []uint16
	var err error
	if create {
		ids, err = storeDo[[]uint16](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) { return tx.NamedPropIDs(names, true) }))
	} else {
		ids, err = storeDo[[]uint16](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) { return tx.NamedPropIDs(names, false) }))
	}
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.GetPropertyIDsFromNamesResponse](req)
	resp.PropertyIDs = ids // 0 for the names the store has not
	return ok(resp)
}

// ropGetNamesFromPropertyIDs (MS-OXCPRPT 3.2.5.9).
func (a *session) ropGetNamesFromPropertyIDs(req *rops.GetNamesFromPropertyIDsRequest, in *object) ropResult {
	ids := req.PropertyIDs
	names, err := storeDo[[]mapi.PropName](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) { return tx.NamedPropNames(ids) }))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.GetNamesFromPropertyIDsResponse](req)
	resp.PropertyNames = names
	return ok(resp)
}
