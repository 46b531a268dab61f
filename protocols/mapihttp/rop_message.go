package mapihttp

import (
	"context"
	"strings"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"go.uber.org/zap"
)

// Message, recipient and attachment ROPs (MS-OXCMSG 3.2.5). An open
// message is a copy-on-write mailbox.Instance the session holds; it
// reaches the store on RopSaveChangesMessage.

// OpenModeFlags of RopOpenMessage (MS-OXCMSG 2.2.3.1.1).
const (
	openReadWrite   = 0x01
	openBestAccess  = 0x03
	openSoftDeleted = 0x04
)

const prSmtpAddress mapi.PropTag = 0x39FE001F // PidTagSmtpAddress

// recipientColumns are the RecipientColumns this server sends: the
// recipient properties a RecipientRow has no field for.
var recipientColumns = []mapi.PropTag{
	mapi.PrEntryID, mapi.PrSearchKey, mapi.PrRecordKey, prSmtpAddress, mapi.PrRecipientFlags,
}

// typedString makes a TypedString of a subject part.
func typedString(s string) rops.TypedString {
	if s == "" {
		return rops.TypedString{StringType: rops.StringTypeEmpty}
	}
	return rops.TypedString{StringType: rops.StringTypeUnicode, String: s}
}

// messageHeader fills the MessageHeader of RopOpenMessage and friends,
// with the recipient rows that fit room bytes.
func messageHeader(inst *mailbox.Instance, room int) rops.MessageHeader {
	p := inst.GetProps([]mapi.PropTag{mapi.PrSubjectPrefix, mapi.PrNormalizedSubject})
	h := rops.MessageHeader{
		HasNamedProperties: true,
		SubjectPrefix:      typedString(p.String(mapi.PrSubjectPrefix)),
		NormalizedSubject:  typedString(p.String(mapi.PrNormalizedSubject)),
		RecipientColumns:   recipientColumns,
	}
	rcpts := inst.Recipients()
	h.RecipientCount = uint16(min(len(rcpts), 0xffff))
	used := 0
	for _, r := range rcpts {
		if len(h.RecipientRows) == 255 {
			break
		}
		row := openRecipientRow(r)
		n := recipientRowSize(row)
		if used+n > room {
			break
		}
		used += n
		h.RecipientRows = append(h.RecipientRows, row)
	}
	return h
}

// recipientRowSize is about the bytes a recipient row takes.
func recipientRowSize(r rops.OpenRecipientRow) int {
	rr := r.RecipientRow
	n := 16 + 2*(len(rr.EmailAddress)+len(rr.DisplayName)+len(rr.TransmittableDisplayName)+len(rr.SimpleDisplayName)+4) +
		len(rr.AddressType) + len(rr.X500DN) + 2
	for _, v := range rr.Properties.Values {
		n += valueSize(v.Value) + 4
	}
	return n
}

// openRecipientRow makes the RecipientRow of a recipient (MS-OXCDATA
// 2.8.3.2): an Exchange address as X500DN, any other with its address
// type; the strings in UTF-16.
func openRecipientRow(r mailbox.Props) rops.OpenRecipientRow {
	var out rops.OpenRecipientRow
	typ, _ := r.Int(mapi.PrRecipientType)
	out.RecipientType = uint8(typ)
	out.CodePageID = 0x0FFF // the strings are Unicode (MS-OXCROPS 2.2.6.1.2)
	rr := &out.RecipientRow
	f := rops.RecipientFlagU
	addrType := r.String(mapi.PrAddrType)
	email := r.String(mapi.PrEmailAddress)
	if strings.EqualFold(addrType, "EX") {
		f |= rops.RecipientTypeX500DN
		rr.X500DN = email
		dt, _ := r.Int(mapi.PrDisplayType)
		rr.DisplayType = uint8(dt)
	} else {
		if addrType == "" {
			addrType = "SMTP"
		}
		f |= rops.RecipientFlagO
		rr.AddressType = addrType
		if email == "" {
			email = r.String(prSmtpAddress)
		}
		if email != "" {
			f |= rops.RecipientFlagE
			rr.EmailAddress = email
		}
	}
	if n := r.String(mapi.PrDisplayName); n != "" {
		f |= rops.RecipientFlagD
		rr.DisplayName = n
	}
	if n := r.String(mapi.PrTransmitableDisplayName); n != "" {
		f |= rops.RecipientFlagT
		rr.TransmittableDisplayName = n
		if n == rr.DisplayName {
			f |= rops.RecipientFlagS
		}
	}
	rr.RecipientFlags = f
	vals := make([]mapi.PropVal, len(recipientColumns))
	for i, c := range recipientColumns {
		if v, has := r.Get(c); has {
			vals[i] = mapi.PropVal{Tag: c, Value: v}
		} else {
			vals[i] = errorValue(c, mapi.EcNotFound)
		}
	}
	rr.Properties = propRow(vals)
	return out
}

// recipientProps turns a RecipientRow of RopModifyRecipients into the
// recipient's properties.
func recipientProps(rowID uint32, typ uint8, rr *rops.RecipientRow, cols []mapi.PropTag) mailbox.Props {
	p := mailbox.Props{{Tag: mapi.PrRowID, Value: int32(rowID)}}
	if rr == nil {
		return p // 2.2.6.5.1: no row: the recipient is removed
	}
	p.Set(mapi.PrRecipientType, int32(typ))
	f := rr.RecipientFlags
	switch f & rops.RecipientFlagTypeMask {
	case rops.RecipientTypeX500DN:
		p.Set(mapi.PrAddrType, "EX")
		p.Set(mapi.PrEmailAddress, rr.X500DN)
		p.Set(mapi.PrDisplayType, int32(rr.DisplayType))
	case rops.RecipientTypeNoType:
		if f&rops.RecipientFlagO != 0 && rr.AddressType != "" {
			p.Set(mapi.PrAddrType, rr.AddressType)
		}
	default:
		if len(rr.EntryID) > 0 {
			p.Set(mapi.PrEntryID, rr.EntryID)
		}
		if len(rr.SearchKey) > 0 {
			p.Set(mapi.PrSearchKey, rr.SearchKey)
		}
	}
	if f&rops.RecipientFlagE != 0 {
		p.Set(mapi.PrEmailAddress, rr.EmailAddress)
	}
	if f&rops.RecipientFlagD != 0 {
		p.Set(mapi.PrDisplayName, rr.DisplayName)
	}
	if f&rops.RecipientFlagT != 0 {
		p.Set(mapi.PrTransmitableDisplayName, rr.TransmittableDisplayName)
	} else if f&rops.RecipientFlagS != 0 {
		p.Set(mapi.PrTransmitableDisplayName, rr.DisplayName)
	}
	for i, v := range rr.Properties.Values {
		if i >= len(cols) || v.Value == nil || v.Tag.Type() == mapi.PtError {
			continue
		}
		tag := cols[i]
		if tag.Type() == mapi.PtUnspecified {
			tag = v.Tag
		}
		p.Set(tag, v.Value)
	}
	return p
}

// ropOpenMessage (MS-OXCMSG 3.2.5.1).
func (a *session) ropOpenMessage(req *rops.OpenMessageRequest, in *object) ropResult {
	if _, isFolder := folderOf(in); !isFolder {
		return fail(mapi.EcNotSupported)
	}
	fid, fok := storeID(uint64(req.FolderID))
	mid, mok := storeID(uint64(req.MessageID))
	if !fok || !mok {
		return fail(mapi.EcNotFound)
	}
	inst, err := storeDo[*mailbox.Instance](a, in.logon, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.OpenInstance(fid, mid, false)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.OpenMessageResponse](req)
	resp.MessageHeader = messageHeader(inst, a.room-64)
	obj := &object{kind: kindMessage, logon: in.logon, fid: inst.FolderID(),
		msg: &messageObj{inst: inst, mid: mid, readOnly: req.OpenModeFlags&0x03 == 0}}
	return ropResult{resp: resp, obj: obj}
}

// ropCreateMessage (MS-OXCMSG 3.2.5.2).
func (a *session) ropCreateMessage(req *rops.CreateMessageRequest, in *object) ropResult {
	if _, isFolder := folderOf(in); !isFolder {
		return fail(mapi.EcNotSupported)
	}
	fid, fok := storeID(uint64(req.FolderID))
	if !fok {
		return fail(mapi.EcNotFound)
	}
	// A write: the new message's id is allocated now and must stay
	// allocated (in a read transaction the allocation was rolled back, and
	// the next new message of the folder got the same id).
	inst, err := storeDo[*mailbox.Instance](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.OpenInstance(fid, 0, true)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	if req.AssociatedFlag {
		inst.SetProps(mailbox.Props{{Tag: mapi.PrMessageFlags, Value: int32(mapi.MsgFlagAssociated | mapi.MsgFlagRead | mapi.MsgFlagUnsent)}})
	}
	resp := success[*rops.CreateMessageResponse](req)
	if mid := inst.MessageID(); mid != 0 {
		resp.HasMessageID = true
		resp.MessageID = mapi.EID(wireID(mid))
	}
	// mid stays 0 until the first save: the message is not in the store.
	obj := &object{kind: kindMessage, logon: in.logon, fid: fid, msg: &messageObj{inst: inst}}
	return ropResult{resp: resp, obj: obj}
}

// SaveFlags of RopSaveChangesMessage (MS-OXCMSG 2.2.3.3.1).
const (
	saveKeepOpenReadOnly  = 0x01
	saveKeepOpenReadWrite = 0x02
	saveForceSave         = 0x04
)

// ropSaveChangesMessage (MS-OXCMSG 3.2.5.3).
func (a *session) ropSaveChangesMessage(req *rops.SaveChangesMessageRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	if in.msg.readOnly {
		return fail(mapi.EcAccessDenied)
	}
	inst := in.msg.inst
	force := req.SaveFlags&saveForceSave != 0
	mid, err := storeDo[uint64](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		mid, _, err := tx.SaveInstance(inst, force)
		return mid, err
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	in.msg.mid = mid
	if req.SaveFlags&(saveKeepOpenReadOnly|saveKeepOpenReadWrite) == saveKeepOpenReadOnly {
		in.msg.readOnly = true // MS-OXCMSG 2.2.3.3.1 KeepOpenReadOnly
	}
	resp := success[*rops.SaveChangesMessageResponse](req)
	resp.InputHandleIndex = req.InputHandleIndex
	resp.MessageID = mapi.EID(wireID(mid))
	return ok(resp)
}

// ropRemoveAllRecipients (MS-OXCMSG 3.2.5.4).
func (a *session) ropRemoveAllRecipients(req *rops.RemoveAllRecipientsRequest, in *object) ropResult {
	if in.kind != kindMessage || in.msg.readOnly {
		return fail(mapi.EcAccessDenied)
	}
	in.msg.inst.RemoveAllRecipients()
	return ok(success[*rops.RemoveAllRecipientsResponse](req))
}

// ropModifyRecipients (MS-OXCMSG 3.2.5.5).
func (a *session) ropModifyRecipients(req *rops.ModifyRecipientsRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	if in.msg.readOnly {
		return fail(mapi.EcAccessDenied)
	}
	rows := make([]mailbox.Props, 0, len(req.RecipientRows))
	for _, r := range req.RecipientRows {
		rows = append(rows, recipientProps(r.RowID, r.RecipientType, r.RecipientRow, req.RecipientColumns))
	}
	if err := in.msg.inst.ModifyRecipients(rows); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.ModifyRecipientsResponse](req))
}

// ropReadRecipients (MS-OXCMSG 3.2.5.6): the recipients from RowID on, as
// many as fit.
func (a *session) ropReadRecipients(req *rops.ReadRecipientsRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.ReadRecipientsResponse](req)
	resp.Columns = recipientColumns
	used := 0
	for _, r := range in.msg.inst.Recipients() {
		id, _ := r.Int(mapi.PrRowID)
		if uint32(id) < req.RowID {
			continue
		}
		row := rops.ReadRecipientRow{RowID: uint32(id), OpenRecipientRow: openRecipientRow(r)}
		n := recipientRowSize(row.OpenRecipientRow) + 4
		if used+n > a.room-16 || len(resp.RecipientRows) == 255 {
			break
		}
		used += n
		resp.RecipientRows = append(resp.RecipientRows, row)
	}
	if len(resp.RecipientRows) == 0 {
		return fail(mapi.EcNotFound)
	}
	return ok(resp)
}

// ropReloadCachedInformation (MS-OXCMSG 3.2.5.7).
func (a *session) ropReloadCachedInformation(req *rops.ReloadCachedInformationRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	resp := success[*rops.ReloadCachedInformationResponse](req)
	resp.MessageHeader = messageHeader(in.msg.inst, a.room-64)
	return ok(resp)
}

// ReadFlags (MS-OXCMSG 2.2.3.10.1).
const (
	readRfClearReadFlag = 0x04
)

// ropSetMessageReadFlag (MS-OXCMSG 3.2.5.8) on an open message.
func (a *session) ropSetMessageReadFlag(req *rops.SetMessageReadFlagRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	if in.msg.mid == 0 {
		return ok(success[*rops.SetMessageReadFlagResponse](req))
	}
	fid, mid, flags := in.fid, in.msg.mid, req.ReadFlags
	res, err := storeDo[mailbox.ReadFlagsResult](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.SetReadFlags(fid, []uint64{mid}, flags)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.SetMessageReadFlagResponse](req)
	resp.ReadStatusChanged = len(res.Changed) > 0
	if resp.ReadStatusChanged {
		// The open copy shows the new state too.
		in.msg.inst.SetProps(mailbox.Props{{Tag: mapi.PrRead, Value: flags&readRfClearReadFlag == 0}})
	}
	return ok(resp)
}

// ropSetReadFlags (MS-OXCMSG 3.2.5.9) on a folder's messages.
func (a *session) ropSetReadFlags(req *rops.SetReadFlagsRequest, in *object) ropResult {
	if in.kind != kindFolder {
		return fail(mapi.EcNotSupported)
	}
	mids := messageIDs(req.MessageIDs)
	fid, flags := in.fid, req.ReadFlags
	res, err := storeDo[mailbox.ReadFlagsResult](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.SetReadFlags(fid, mids, flags)
	}))
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.SetReadFlagsResponse](req)
	resp.PartialCompletion = res.Partial || len(mids) != len(req.MessageIDs)
	return ok(resp)
}

// ropGetAttachmentTable (MS-OXCMSG 3.2.5.13): the attachments as the
// message instance has them, held by the table object.
func (a *session) ropGetAttachmentTable(req *rops.GetAttachmentTableRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	t := &tableObj{kind: tableAttachments, flags: req.TableFlags, rows: in.msg.inst.Attachments()}
	return ropResult{resp: success[*rops.GetAttachmentTableResponse](req), obj: &object{kind: kindTable, logon: in.logon, parent: in, table: t}}
}

// ropOpenAttachment (MS-OXCMSG 3.2.5.12).
func (a *session) ropOpenAttachment(req *rops.OpenAttachmentRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	att, err := in.msg.inst.OpenAttachment(req.AttachmentID)
	if err != nil {
		return fail(ecOf(err))
	}
	return ropResult{resp: success[*rops.OpenAttachmentResponse](req), obj: &object{kind: kindAttachment, logon: in.logon, parent: in, att: att}}
}

// ropCreateAttachment (MS-OXCMSG 3.2.5.14).
func (a *session) ropCreateAttachment(req *rops.CreateAttachmentRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	if in.msg.readOnly {
		return fail(mapi.EcAccessDenied)
	}
	att, err := in.msg.inst.CreateAttachment()
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.CreateAttachmentResponse](req)
	resp.AttachmentID = att.Num()
	return ropResult{resp: resp, obj: &object{kind: kindAttachment, logon: in.logon, parent: in, att: att}}
}

// ropDeleteAttachment (MS-OXCMSG 3.2.5.15).
func (a *session) ropDeleteAttachment(req *rops.DeleteAttachmentRequest, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	if in.msg.readOnly {
		return fail(mapi.EcAccessDenied)
	}
	in.msg.inst.DeleteAttachment(req.AttachmentID)
	return ok(success[*rops.DeleteAttachmentResponse](req))
}

// ropSaveChangesAttachment (MS-OXCMSG 3.2.5.16): the attachment joins its
// message instance (which the client saves after).
func (a *session) ropSaveChangesAttachment(req *rops.SaveChangesAttachmentRequest, in *object) ropResult {
	if in.kind != kindAttachment {
		return fail(mapi.EcNotSupported)
	}
	if err := in.att.Save(); err != nil {
		return fail(ecOf(err))
	}
	return ok(success[*rops.SaveChangesAttachmentResponse](req))
}

// ropOpenEmbeddedMessage (MS-OXCMSG 3.2.5.17).
func (a *session) ropOpenEmbeddedMessage(req *rops.OpenEmbeddedMessageRequest, in *object) ropResult {
	if in.kind != kindAttachment {
		return fail(mapi.EcNotSupported)
	}
	const openCreate = 0x02
	inst, err := in.att.OpenEmbedded(req.OpenModeFlags&openCreate != 0)
	if err != nil {
		return fail(ecOf(err))
	}
	resp := success[*rops.OpenEmbeddedMessageResponse](req)
	resp.MessageID = mapi.EID(wireID(inst.MessageID()))
	resp.MessageHeader = messageHeader(inst, a.room-64)
	obj := &object{kind: kindMessage, logon: in.logon, parent: in, msg: &messageObj{inst: inst, mid: inst.MessageID(), readOnly: req.OpenModeFlags&0x03 == 0}}
	return ropResult{resp: resp, obj: obj}
}

// ropSubmitMessage (MS-OXOMSG 3.2.5.1): the saved message goes out
// through the outbound path, which moves it to Sent Items. A message with
// a deferred send time in the future succeeds too: it waits in its folder,
// submitted, until then (RopAbortSubmit takes it back).
func (a *session) ropSubmitMessage(req rops.Request, in *object) ropResult {
	if in.kind != kindMessage {
		return fail(mapi.EcNotSupported)
	}
	if a.s.submit == nil || !in.logon.owner || in.logon.delegate {
		// Sending from another user's mailbox is not served yet.
		return fail(mapi.EcNotSupported)
	}
	if in.msg.mid == 0 || in.msg.inst.Touched() {
		// Save first, as Outlook does with RopSaveChangesMessage.
		inst := in.msg.inst
		mid, err := storeDo[uint64](a, in.logon, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
			mid, _, err := tx.SaveInstance(inst, true)
			return mid, err
		}))
		if err != nil {
			return fail(ecOf(err))
		}
		in.msg.mid = mid
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.s.cfg.Timeout)
	defer cancel()
	if err := a.s.submit.Submit(ctx, a.user, in.msg.mid); err != nil {
		a.s.log.Warn("emsmdb submit failed", zap.String("user", a.user.Username), zap.Uint64("mid", in.msg.mid), zap.Error(err))
		return fail(ecOf(err))
	}
	return ok(rops.ErrorResponse(req, mapi.EcSuccess))
}

// ropAbortSubmit (MS-OXOMSG 3.2.5.2, MS-OXCROPS 2.2.7.2): a deferred send
// of the user's own message is cancelled and the message is no longer
// submitted; anything else is not in the queue (sent messages leave at
// once).
func (a *session) ropAbortSubmit(req *rops.AbortSubmitRequest, in *object) ropResult {
	ab, can := a.s.submit.(SubmitAborter)
	if !can || in.logon == nil || !in.logon.owner || in.logon.delegate {
		return fail(mapi.EcNotInQueue)
	}
	fid, fok := storeID(uint64(req.FolderID))
	mid, mok := storeID(uint64(req.MessageID))
	if !fok || !mok {
		return fail(mapi.EcNotInQueue)
	}
	ctx, cancel := a.ctx()
	defer cancel()
	if err := ab.AbortSubmit(ctx, a.user, fid, mid); err != nil {
		ec := ecOf(err)
		if ec != mapi.EcNotInQueue {
			a.s.log.Warn("emsmdb abort submit failed", zap.String("user", a.user.Username), zap.Uint64("mid", mid), zap.Error(err))
		}
		return fail(ec)
	}
	return ok(rops.ErrorResponse(req, mapi.EcSuccess))
}
