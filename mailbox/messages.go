package mailbox

import (
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/mapi/rtf"
)

// MessageContent is a whole message: its properties, recipients and
// attachments, attachments possibly holding embedded messages (upstream's
// MESSAGE_CONTENT).
type MessageContent struct {
	Props       Props
	Recipients  []Props
	Attachments []Attachment
}

// Attachment is one attachment of a message: its properties and, for an
// embedded message (PR_ATTACH_METHOD 5), that message.
type Attachment struct {
	Props    Props
	Embedded *MessageContent
}

// messageRow is the messages row of a message.
type messageRow struct {
	parentFID  uint64 // 0 for embedded messages
	parentAtt  uint64 // the attachment holding an embedded message
	deleted    bool
	associated bool
	cn         uint64
	readCN     uint64
	read       bool
	size       int64
	midString  string
}

// attachmentCount is the number of attachments of message mid.
func (t *Tx) attachmentCount(mid uint64) (int64, error) {
	if t.pre != nil {
		if n, ok := t.pre.atts[mid]; ok {
			return n, nil
		}
	}
	return t.queryInt("SELECT COUNT(*) FROM attachments WHERE message_id=?", int64(mid))
}

func (t *Tx) messageRow(mid uint64) (messageRow, error) {
	if t.pre != nil {
		if r, ok := t.pre.rows[mid]; ok {
			return r, nil
		}
	}
	var r messageRow
	var fid, att, del, assoc, readCN, readState sql.NullInt64
	var midStr sql.NullString
	var cn, size int64
	q := "SELECT parent_fid, parent_attid, is_deleted, is_associated, change_number, read_cn, read_state, message_size, mid_string FROM messages WHERE message_id=?"
	if t.s.meta.kind == KindPublic {
		q = "SELECT parent_fid, parent_attid, is_deleted, is_associated, change_number, NULL, NULL, message_size, mid_string FROM messages WHERE message_id=?"
	}
	err := t.QueryRow(q, int64(mid)).Scan(&fid, &att, &del, &assoc, &cn, &readCN, &readState, &size, &midStr)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("message %#x: %w", mid, ErrNotFound)
	}
	if err != nil {
		return r, err
	}
	r.parentFID, r.parentAtt = uint64(fid.Int64), uint64(att.Int64)
	r.deleted, r.associated = del.Int64 != 0, assoc.Int64 != 0
	r.cn, r.readCN, r.size, r.midString = uint64(cn), uint64(readCN.Int64), size, midStr.String
	if t.s.meta.kind == KindPublic {
		n, err := t.queryInt("SELECT COUNT(*) FROM read_states WHERE message_id=? AND username=?", int64(mid), t.publicReader())
		if err != nil {
			return r, err
		}
		r.read = n > 0
	} else {
		r.read = readState.Int64 != 0
	}
	return r, nil
}

// messageFolder returns the folder a message lives in; for an embedded
// message, the folder of the message holding it.
func (t *Tx) messageFolder(mid uint64, r messageRow) (uint64, error) {
	for depth := 0; r.parentFID == 0 && depth < 64; depth++ {
		if r.parentAtt == 0 {
			return 0, fmt.Errorf("message %#x has no parent", mid)
		}
		var owner int64
		if err := t.QueryRow("SELECT message_id FROM attachments WHERE attachment_id=?", int64(r.parentAtt)).Scan(&owner); err != nil {
			return 0, err
		}
		var err error
		mid = uint64(owner)
		if r, err = t.messageRow(mid); err != nil {
			return 0, err
		}
	}
	return r.parentFID, nil
}

// MessageIDs lists the messages of a folder that are not soft-deleted,
// normal or associated (FAI) ones, by message id.
func (t *Tx) MessageIDs(fid uint64, assoc bool) ([]uint64, error) {
	if err := t.checkFolder(fid); err != nil {
		return nil, err
	}
	return t.ids("SELECT message_id FROM messages WHERE parent_fid=? AND is_associated=? AND is_deleted=0 ORDER BY message_id", int64(fid), b2i(assoc))
}

// defaultMessageTags are the computed properties a message lists besides its
// stored ones (upstream cu_get_proptags' message list, plus its entry id and
// source key).
var defaultMessageTags = []mapi.PropTag{
	mapi.PrMID, mapi.PrMessageSize, mapi.PrAssociated, mapi.PrChangeNumber, mapi.PrRead, mapi.PrHasAttach,
	mapi.PrMessageFlags, mapi.PrDisplayTo, mapi.PrDisplayCc, mapi.PrDisplayBcc, mapi.PrMessageClass,
	mapi.PrRTFInSync, mapi.PrEntryID, mapi.PrSourceKey,
}

// messageTags lists what a message has: stored tags (PR_SUBJECT instead of
// its parts' presence, the sender address types where their addresses are
// stored) and the computed ones.
func messageTags(o *objectRows) []mapi.PropTag {
	tags := append([]mapi.PropTag{}, defaultMessageTags...)
	subject := false
	for _, tg := range o.storedTags() {
		switch tg {
		case mapi.PrParentDisplay, mapi.PrParentDisplay.WithType(mapi.PtString8):
			continue
		case mapi.PrSenderEmailAddress:
			tags = append(tags, mapi.PrSenderAddrType)
		case mapi.PrSentRepresentingEmailAddress:
			tags = append(tags, mapi.PrSentRepresentingAddrType)
		}
		if !subject {
			switch tg {
			case mapi.PrNormalizedSubject, mapi.PrSubjectPrefix:
				subject = true
				tags = append(tags, mapi.PrSubject)
			case mapi.PrNormalizedSubjectA, mapi.PrSubjectPrefixA:
				subject = true
				tags = append(tags, mapi.PrSubjectA)
			}
		}
		tags = append(tags, tg)
	}
	return mergeTags(tags)
}

// messageEntryID is PR_ENTRYID of a message in folder fid.
func (t *Tx) messageEntryID(fid, mid uint64) []byte {
	if t.s.meta.kind == KindPublic {
		return mapi.PublicMessageEntryID(t.s.meta.accountID, fid, mid).Bytes()
	}
	return mapi.PrivateMessageEntryID(t.s.meta.mailboxGUID, t.s.meta.accountID, fid, mid).Bytes()
}

// messageComputed answers the message properties upstream computes.
func (t *Tx) messageComputed(mid uint64, r messageRow, o *objectRows, tag mapi.PropTag) (any, bool, error) {
	switch tag {
	case mapi.PrEntryID, mapi.PrParentEntryID, mapi.PrFolderID, mapi.PrParentFolderID, mapi.PrParentDisplay, mapi.PrParentDisplay.WithType(mapi.PtString8):
		fid, err := t.messageFolder(mid, r)
		if err != nil {
			return nil, true, err
		}
		switch tag {
		case mapi.PrEntryID:
			return t.messageEntryID(fid, mid), true, nil
		case mapi.PrParentEntryID:
			return t.folderEntryID(fid), true, nil
		case mapi.PrFolderID, mapi.PrParentFolderID:
			return int64(mapi.MakeEID(mapi.ReplidLocal, fid)), true, nil
		}
		var name sql.NullString
		err = t.QueryRow("SELECT propval FROM folder_properties WHERE folder_id=? AND proptag=?", int64(fid), int64(mapi.PrDisplayName)).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, true, nil
		}
		return name.String, true, err
	case mapi.PrMID:
		return int64(mapi.MakeEID(mapi.ReplidLocal, mid)), true, nil
	case mapi.PrChangeNumber:
		return int64(mapi.MakeChangeNumber(r.cn)), true, nil
	case mapi.PrMessageSize:
		return u32(r.size), true, nil
	case mapi.PrAssociated:
		return r.associated, true, nil
	case mapi.PrRead:
		return r.read, true, nil
	case prHasNamedProperties:
		for _, row := range o.rows {
			if row.tag >= 0x80000000 && row.tag < 0xffff0000 {
				return true, true, nil
			}
		}
		return false, true, nil
	case mapi.PrHasAttach:
		n, err := t.attachmentCount(mid)
		return n > 0, true, err
	case mapi.PrMessageFlags:
		f, err := t.messageFlags(mid, r, o)
		return f, true, err
	case mapi.PrSubject, mapi.PrSubjectA:
		pfx, _ := t.stored(o, mapi.PrSubjectPrefix)
		norm, _ := t.stored(o, mapi.PrNormalizedSubject)
		s, _ := pfx.Value.(string)
		n, _ := norm.Value.(string)
		return s + n, true, nil
	case mapi.PrDisplayTo, mapi.PrDisplayCc, mapi.PrDisplayBcc,
		mapi.PrDisplayTo.WithType(mapi.PtString8), mapi.PrDisplayCc.WithType(mapi.PtString8), mapi.PrDisplayBcc.WithType(mapi.PtString8):
		s, err := t.displayRecipients(mid, tag.WithType(mapi.PtUnicode))
		return s, true, err
	case mapi.PrSourceKey:
		if _, ok := o.find(tag); ok {
			return nil, false, nil // stored
		}
		return mapi.SourceKey(t.s.StoreGUID(), mid), true, nil
	case mapi.PrParentSourceKey:
		fid, err := t.messageFolder(mid, r)
		if err != nil {
			return nil, true, err
		}
		return mapi.SourceKey(t.s.StoreGUID(), fid), true, nil
	case prMidString:
		if r.midString == "" {
			return nil, true, nil
		}
		return r.midString, true, nil
	}
	return nil, false, nil
}

// messageFlags is PR_MESSAGE_FLAGS: the stored value without the bits
// upstream recomputes, and those bits from the message's state.
func (t *Tx) messageFlags(mid uint64, r messageRow, o *objectRows) (int32, error) {
	var f int32
	if p, ok := t.stored(o, mapi.PrMessageFlags); ok {
		f = p.Value.(int32) &^ msgFlagsComputed
	}
	if r.read {
		f |= MsgFlagRead
	}
	n, err := t.attachmentCount(mid)
	if err != nil {
		return 0, err
	}
	if n > 0 {
		f |= MsgFlagHasAttach
	}
	if r.associated {
		f |= MsgFlagAssociated
	}
	if p, ok := t.stored(o, mapi.PrReadReceiptRequested); ok && p.Value == true {
		f |= MsgFlagRNPending
	}
	if p, ok := t.stored(o, mapi.PrNonReceiptNotificationRequested); ok && p.Value == true {
		f |= MsgFlagNRNPending
	}
	return f, nil
}

// displayRecipients is PR_DISPLAY_TO/CC/BCC: the display names of the
// recipients of that type joined by "; " (a recipient without a type is a
// To recipient, one without a name contributes an empty name, as upstream).
func (t *Tx) displayRecipients(mid uint64, tag mapi.PropTag) (string, error) {
	want := int32(RecipientTo)
	switch tag {
	case mapi.PrDisplayCc:
		want = RecipientCc
	case mapi.PrDisplayBcc:
		want = RecipientBcc
	}
	rids, err := t.ids("SELECT recipient_id FROM recipients WHERE message_id=? ORDER BY recipient_id", int64(mid))
	if err != nil {
		return "", err
	}
	var names []string
	for _, rid := range rids {
		o, err := t.loadObject(recipientTable, rid)
		if err != nil {
			return "", err
		}
		typ := int32(RecipientTo)
		if p, ok := t.stored(o, mapi.PrRecipientType); ok {
			typ = p.Value.(int32)
		}
		if typ != want {
			continue
		}
		name := ""
		if p, ok := t.stored(o, mapi.PrDisplayName); ok {
			name = p.Value.(string)
		}
		names = append(names, name)
	}
	return strings.Join(names, "; "), nil
}

// MessageProps returns properties of a message: the stored ones asked for
// and those upstream computes. With no tags, everything the message has.
func (t *Tx) MessageProps(mid uint64, tags []mapi.PropTag) (Props, error) {
	r, err := t.messageRow(mid)
	if err != nil {
		return nil, err
	}
	var o *objectRows
	if need, ok := messageRowsNeeded(tags); ok {
		if o = t.prefetchedRows(mid, need); o == nil {
			o, err = t.loadObjectTags(messageTable, mid, need)
		}
	} else {
		o, err = t.loadObject(messageTable, mid)
	}
	if err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		tags = messageTags(o)
	}
	out := make(Props, 0, len(tags))
	for _, tag := range tags {
		v, handled, err := t.messageComputed(mid, r, o, tag)
		if err != nil {
			return nil, err
		}
		if handled {
			if v != nil {
				out = append(out, mapi.PropVal{Tag: tag, Value: v})
			}
			continue
		}
		if p, ok := t.stored(o, tag); ok {
			out = append(out, p)
			continue
		}
		if v := t.messageFallback(o, tag); v != nil {
			out = append(out, mapi.PropVal{Tag: tag, Value: v})
		}
	}
	return out, nil
}

// messageRowsNeeded lists the stored rows MessageProps reads to answer
// tags (a table row's few columns need not load every property of the
// message); false when it needs them all.
func messageRowsNeeded(tags []mapi.PropTag) ([]uint32, bool) {
	if len(tags) == 0 || len(tags) > 24 {
		return nil, false
	}
	var need []uint32
	add := func(tag mapi.PropTag) {
		switch tag.Type() {
		case mapi.PtString8, mapi.PtUnicode:
			need = append(need, uint32(tag.WithType(mapi.PtUnicode)), uint32(tag.WithType(mapi.PtString8)))
		case mapi.PtMvString8, mapi.PtMvUnicode:
			need = append(need, uint32(tag.WithType(mapi.PtMvUnicode)), uint32(tag.WithType(mapi.PtMvString8)))
		default:
			need = append(need, uint32(tag))
		}
	}
	for _, tag := range tags {
		switch {
		case tag.Type() == mapi.PtUnspecified, tag == prHasNamedProperties:
			return nil, false
		case tag == mapi.PrSubject || tag == mapi.PrSubjectA:
			add(mapi.PrSubjectPrefix)
			add(mapi.PrNormalizedSubject)
		case tag == mapi.PrMessageFlags:
			add(mapi.PrMessageFlags)
			add(mapi.PrReadReceiptRequested)
			add(mapi.PrNonReceiptNotificationRequested)
		case tag == mapi.PrBody || tag == mapi.PrBodyA || tag == mapi.PrHTML:
			add(mapi.PrBody) // and what rtfBody reads
			add(mapi.PrHTML)
			add(mapi.PrRTFCompressed)
		case tag == mapi.PrSenderAddrType:
			add(mapi.PrSenderAddrType)
			add(mapi.PrSenderEmailAddress)
		case tag == mapi.PrSentRepresentingAddrType:
			add(mapi.PrSentRepresentingAddrType)
			add(mapi.PrSentRepresentingEmailAddress)
		default:
			add(tag)
		}
	}
	return need, true
}

// messageFallback is what upstream reports for some absent properties.
func (t *Tx) messageFallback(o *objectRows, tag mapi.PropTag) any {
	switch tag {
	case mapi.PrMessageClass:
		return "IPM.Note"
	case mapi.PrRTFInSync:
		return false
	case mapi.PrBody, mapi.PrBodyA, mapi.PrHTML:
		if t.s.noBodySynthesis {
			return nil
		}
		has := func(tag mapi.PropTag) bool { _, ok := o.find(tag); return ok }
		return rtfBody(tag, has, func() []byte {
			p, _ := t.stored(o, mapi.PrRTFCompressed)
			b, _ := p.Value.([]byte)
			return b
		})
	case mapi.PrSenderAddrType, mapi.PrSentRepresentingAddrType:
		src := mapi.PrSenderEmailAddress
		if tag == mapi.PrSentRepresentingAddrType {
			src = mapi.PrSentRepresentingEmailAddress
		}
		p, ok := t.stored(o, src)
		if !ok {
			return nil
		}
		switch addr := p.Value.(string); {
		case strings.HasPrefix(addr, "/"):
			return "EX"
		case strings.Contains(addr, "@"):
			return "SMTP"
		}
	}
	return nil
}

// rtfBody answers PR_BODY (either string type) or PR_HTML of a message
// whose only body is PR_RTF_COMPRESSED, as upstream's body autosynthesis
// (exmdb_body_autosynthesis) does on read: for PR_BODY the text of the
// RTF, for PR_HTML the HTML it encapsulates (MS-OXRTFEX) or else its
// formatting rendered as HTML (rtf.ToHTML), as UTF-8. The value is
// answered, not stored. It is nil for other tags, for a message that has
// a text or HTML body and for RTF that does not decode. has reports
// whether the message stores a property; compressed reads its
// PR_RTF_COMPRESSED.
func rtfBody(tag mapi.PropTag, has func(mapi.PropTag) bool, compressed func() []byte) any {
	if tag != mapi.PrBody && tag != mapi.PrBodyA && tag != mapi.PrHTML ||
		has(mapi.PrBody.WithType(mapi.PtUnspecified)) || has(mapi.PrHTML.WithType(mapi.PtUnspecified)) {
		return nil
	}
	c := compressed()
	if c == nil {
		return nil
	}
	raw, err := rtf.Decompress(c)
	if err != nil {
		return nil
	}
	if tag == mapi.PrHTML {
		html, ok, err := rtf.HTML(raw)
		if err == nil && !ok {
			html, err = rtf.ToHTML(raw)
		}
		if err != nil {
			return nil
		}
		return html
	}
	if text, err := rtf.Text(raw); err == nil {
		return text
	}
	return nil
}

// recipientTags are the properties every recipient reports.
var recipientTags = []mapi.PropTag{mapi.PrRecipientType, mapi.PrDisplayName, mapi.PrAddrType, mapi.PrEmailAddress}

// recipientProps returns a recipient's properties: PR_ROWID (its position)
// first, then the stored ones, with upstream's defaults for the type (To),
// display name and e-mail address (empty) and address type ("NONE").
func (t *Tx) recipientProps(rid uint64, row int) (Props, error) {
	o, err := t.loadObject(recipientTable, rid)
	if err != nil {
		return nil, err
	}
	props := Props{{Tag: mapi.PrRowID, Value: int32(row)}}
	for _, tag := range mergeTags(append(o.storedTags(), recipientTags...)) {
		if tag == mapi.PrRowID {
			continue
		}
		if p, ok := t.stored(o, tag); ok {
			props = append(props, p)
			continue
		}
		switch tag {
		case mapi.PrRecipientType:
			props = append(props, mapi.PropVal{Tag: tag, Value: int32(RecipientTo)})
		case mapi.PrDisplayName, mapi.PrEmailAddress:
			props = append(props, mapi.PropVal{Tag: tag, Value: ""})
		case mapi.PrAddrType:
			props = append(props, mapi.PropVal{Tag: tag, Value: "NONE"})
		}
	}
	return props, nil
}

// attachmentProps returns an attachment's properties: PR_ATTACH_NUM (its
// position) first, PR_RECORD_KEY (its row id), then the stored ones with
// the data read from its content file.
func (t *Tx) attachmentProps(aid uint64, num int) (Props, error) {
	o, err := t.loadObject(attachmentTable, aid)
	if err != nil {
		return nil, err
	}
	rk := binary.LittleEndian.AppendUint64(nil, aid)
	props := Props{{Tag: mapi.PrAttachNum, Value: int32(num)}, {Tag: mapi.PrRecordKey, Value: rk}}
	for _, tag := range mergeTags(o.storedTags()) {
		if tag == mapi.PrAttachNum || tag == mapi.PrRecordKey {
			continue
		}
		if p, ok := t.stored(o, tag); ok {
			props = append(props, p)
		}
	}
	return props, nil
}

// ReadMessage returns a whole message: every property (stored and
// computed: PR_MESSAGE_SIZE, PR_HASATTACH, PR_DISPLAY_TO/CC/BCC,
// PR_MESSAGE_FLAGS with the read bit, PR_READ, PR_ASSOCIATED, PidTagMid,
// PR_SUBJECT, bodies and attachment data from their content files), its
// recipients and its attachments with embedded messages, recursively.
func (t *Tx) ReadMessage(mid uint64) (*MessageContent, error) {
	return t.readMessage(mid, 0)
}

func (t *Tx) readMessage(mid uint64, depth int) (*MessageContent, error) {
	if depth > 32 {
		return nil, fmt.Errorf("message %#x: embedded messages nested too deep", mid)
	}
	props, err := t.MessageProps(mid, nil)
	if err != nil {
		return nil, err
	}
	mc := &MessageContent{Props: props}
	err = t.loadParts(mc, mid, func(emb uint64) (*MessageContent, error) { return t.readMessage(emb, depth+1) })
	return mc, err
}

// loadParts reads a message's recipients and attachments into mc; an
// embedded message is read by embedded.
func (t *Tx) loadParts(mc *MessageContent, mid uint64, embedded func(mid uint64) (*MessageContent, error)) error {
	rids, err := t.ids("SELECT recipient_id FROM recipients WHERE message_id=? ORDER BY recipient_id", int64(mid))
	if err != nil {
		return err
	}
	for i, rid := range rids {
		p, err := t.recipientProps(rid, i)
		if err != nil {
			return err
		}
		mc.Recipients = append(mc.Recipients, p)
	}
	aids, err := t.ids("SELECT attachment_id FROM attachments WHERE message_id=? ORDER BY attachment_id", int64(mid))
	if err != nil {
		return err
	}
	for i, aid := range aids {
		p, err := t.attachmentProps(aid, i)
		if err != nil {
			return err
		}
		a := Attachment{Props: p}
		emb, err := t.ids("SELECT message_id FROM messages WHERE parent_attid=?", int64(aid))
		if err != nil {
			return err
		}
		if len(emb) > 0 {
			if a.Embedded, err = embedded(emb[0]); err != nil {
				return err
			}
		}
		mc.Attachments = append(mc.Attachments, a)
	}
	return nil
}
