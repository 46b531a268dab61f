package mailbox

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"unicode/utf16"

	"github.com/gromox-go/gromox/mapi"
)

// Message instances are the copy-on-write editing model behind the message
// objects of ROPs (MS-OXCMSG 3.2.5; upstream exch/exmdb/instance.cpp and
// exch/emsmdb/message_object.cpp):
//
//   - OpenInstance copies a stored message (or starts an empty new one in a
//     folder) into memory. Edits change only the copy, without the store:
//     properties, recipients, attachments and streams.
//   - An attachment is edited as its own copy (an AttachmentInstance), and
//     reaches its message instance only when saved (RopSaveChangesAttachment).
//     An embedded message is a message instance of its attachment instance,
//     and reaches it only when saved. Only the top message instance is
//     written to the store, by SaveInstance, as a whole.
//   - SaveInstance refuses to overwrite changes another client saved since
//     the instance was read, unless forced (MS-OXCMSG 3.2.5.3).
//
// Instances are plain values owned by the store's actor between requests;
// they hold no database resources. Large values (bodies, attachment data)
// are held in memory while an instance is open.

// Limits of an instance (upstream instance.cpp MAX_RECIPIENT_NUMBER and
// MAX_ATTACHMENT_NUMBER, emsmdb max_mail_length).
const (
	MaxRecipients  = 4096
	MaxAttachments = 1024
	MaxStreamSize  = 64 << 20
)

// Errors of saving an instance, wrapping the MAPI codes a client gets.
var (
	ErrObjectModified = fmt.Errorf("mailbox: object changed since it was opened: %w", mapi.EcObjectModified)
	ErrObjectDeleted  = fmt.Errorf("mailbox: object deleted since it was opened: %w", mapi.EcObjectDeleted)
)

// PR_NATIVE_BODY_INFO values (MS-OXCMSG 2.2.1.58.8).
const (
	nativeBodyUndefined = 0
	nativeBodyPlain     = 1
	nativeBodyRTF       = 2
	nativeBodyHTML      = 3
)

// Instance is a message being edited: a top-level message of a folder, or
// the embedded message of an attachment instance.
type Instance struct {
	msg     *MessageContent // props as stored (plus PR_READ, PR_MESSAGE_FLAGS), recipients with PR_ROWID, attachments with PR_ATTACH_NUM
	fid     uint64          // the message's folder (0 for embedded messages)
	mid     uint64          // its id (GCV), 0 for a new embedded message
	isNew   bool
	assoc   bool
	touched bool
	changed map[mapi.PropTag]bool // tags the client set or removed since the last save
	nextAtt int32
	baseCN  uint64 // change number of the stored version this copy was made from
	basePCL []byte // its PR_PREDECESSOR_CHANGE_LIST
	parent  *AttachmentInstance
	baseVer uint64 // the parent's embedded-message version this copy was made from
	streams streamSet
	noSynth bool // exmdb_body_autosynthesis is off: bodies are answered as stored
}

// AttachmentInstance is an attachment being edited: a copy of one
// attachment of a message instance.
type AttachmentInstance struct {
	parent  *Instance
	att     Attachment
	num     int32
	isNew   bool
	embVer  uint64 // bumped by every save of its embedded message
	streams streamSet
}

// ---- helpers on property lists ----

// twinTag is the other string type of a string tag (0 for other types).
func twinTag(tag mapi.PropTag) mapi.PropTag {
	switch tag.Type() {
	case mapi.PtString8:
		return tag.WithType(mapi.PtUnicode)
	case mapi.PtUnicode:
		return tag.WithType(mapi.PtString8)
	case mapi.PtMvString8:
		return tag.WithType(mapi.PtMvUnicode)
	case mapi.PtMvUnicode:
		return tag.WithType(mapi.PtMvString8)
	}
	return 0
}

// findProp finds the value answering tag in a property list: either
// string type answers the other, and PT_UNSPECIFIED any type of the id
// (the value then carries its own tag).
func findProp(p Props, tag mapi.PropTag) (mapi.PropVal, bool) {
	if tag.Type() == mapi.PtUnspecified {
		for _, v := range p {
			if v.Tag.ID() == tag.ID() {
				return v, true
			}
		}
		return mapi.PropVal{}, false
	}
	if v, ok := p.Get(tag); ok {
		return mapi.PropVal{Tag: tag, Value: v}, true
	}
	if tw := twinTag(tag); tw != 0 {
		if v, ok := p.Get(tw); ok {
			return mapi.PropVal{Tag: tag, Value: v}, true
		}
	}
	return mapi.PropVal{}, false
}

// setStored sets a value the way the store keeps it: strings under
// PT_UNICODE, replacing the other string type.
func setStored(p *Props, tag mapi.PropTag, v any) {
	if tw := twinTag(tag); tw != 0 {
		p.Delete(tw)
		p.Delete(tag)
		tag = storedTag(tag)
	}
	p.Set(tag, v)
}

// deleteStored removes a property in either string type.
func deleteStored(p *Props, tag mapi.PropTag) {
	p.Delete(tag)
	if tw := twinTag(tag); tw != 0 {
		p.Delete(tw)
	}
}

// checkInstanceValue checks that a value can be stored under tag.
func checkInstanceValue(tag mapi.PropTag, v any, attach bool) error {
	if tag.ID() == 0 {
		return ErrInvalidParam
	}
	switch tag.Type() {
	case mapi.PtUnspecified, mapi.PtNull, mapi.PtError:
		return ErrInvalidParam
	case mapi.PtObject:
		if !attach || tag != mapi.PrAttachDataObj {
			return ErrInvalidParam
		}
	}
	if _, err := encodeValue(storedTag(tag), v); err != nil {
		return ErrInvalidParam
	}
	return nil
}

func cloneProps(p Props) Props { return slices.Clone(p) }

// cloneContent copies a message deeply enough that edits of the copy do
// not show in the original (values themselves are never changed in place).
func cloneContent(mc *MessageContent) *MessageContent {
	if mc == nil {
		return nil
	}
	out := &MessageContent{Props: cloneProps(mc.Props)}
	for _, r := range mc.Recipients {
		out.Recipients = append(out.Recipients, cloneProps(r))
	}
	for _, a := range mc.Attachments {
		out.Attachments = append(out.Attachments, cloneAttachment(a))
	}
	return out
}

func cloneAttachment(a Attachment) Attachment {
	return Attachment{Props: cloneProps(a.Props), Embedded: cloneContent(a.Embedded)}
}

// attachNum is an attachment's PR_ATTACH_NUM.
func attachNum(a Attachment) int32 {
	v, _ := a.Props.Get(mapi.PrAttachNum)
	n, _ := v.(int32)
	return n
}

// attachmentSize is PR_ATTACH_SIZE: its values and its embedded message.
func attachmentSize(a Attachment) int64 {
	var n int64
	for _, p := range a.Props {
		if p.Tag != mapi.PrAttachNum && p.Tag != mapi.PrAttachSize {
			n += propSize(p.Value)
		}
	}
	if a.Embedded != nil {
		n += messageSize(a.Embedded)
	}
	return n
}

// splitSubject divides a PR_SUBJECT into PR_SUBJECT_PREFIX and
// PR_NORMALIZED_SUBJECT, keeping a part the same request gives (the rules
// of storeSubject).
func splitSubject(subj string, pfx, norm string, hasPfx, hasNorm bool) (string, string) {
	switch {
	case hasPfx && hasNorm:
		return pfx, norm
	case !hasPfx && hasNorm:
		if len(subj) >= len(norm) && subj[len(subj)-len(norm):] == norm {
			return subj[:len(subj)-len(norm)], norm
		}
		return "", norm
	case hasPfx && !hasNorm && len(subj) >= len(pfx) && subj[:len(pfx)] == pfx:
		rest := subj[len(pfx):]
		for len(rest) > 0 && isASCIISpace(rest[0]) {
			rest = rest[1:]
		}
		return pfx, rest
	}
	n := subjectPrefixLen(subj)
	return subj[:n], subj[n:]
}

// ---- opening and saving ----

// OpenInstance reads message mid of folder fid into a new instance, or
// with isNew starts an empty message in folder fid: with mid 0 it gets the
// next id of the folder (RopCreateMessage answers it before the first
// save), else mid must be an allocated id no message has. A message opened
// through a search folder that links it is edited in its own folder. A
// missing or deleted message is ErrNotFound; a new message in a search
// folder ErrAccessDenied.
func (t *Tx) OpenInstance(fid, mid uint64, isNew bool) (*Instance, error) {
	fr, err := t.folderRow(fid)
	if err != nil {
		return nil, err
	}
	if isNew {
		if fr.search || fr.deleted {
			return nil, fmt.Errorf("new message in folder %#x: %w", fid, ErrAccessDenied)
		}
		if mid == 0 {
			if mid, err = t.allocateMessageID(fid); err != nil {
				return nil, err
			}
		} else if _, err := t.messageRow(mid); err == nil {
			return nil, fmt.Errorf("new message %#x exists: %w", mid, ErrInvalidParam)
		} else if !isNotFound(err) {
			return nil, err
		}
		return &Instance{msg: &MessageContent{}, fid: fid, mid: mid, isNew: true, changed: map[mapi.PropTag]bool{}, noSynth: t.s.noBodySynthesis}, nil
	}
	r, err := t.messageRow(mid)
	if err != nil {
		return nil, err
	}
	if r.deleted || r.parentFID == 0 {
		return nil, fmt.Errorf("message %#x: %w", mid, ErrNotFound)
	}
	if r.parentFID != fid {
		n, err := t.queryInt("SELECT COUNT(*) FROM search_result WHERE folder_id=? AND message_id=?", int64(fid), int64(mid))
		if err != nil {
			return nil, err
		}
		if !fr.search || n == 0 {
			return nil, fmt.Errorf("message %#x in folder %#x: %w", mid, fid, ErrNotFound)
		}
	}
	mc, err := t.instanceContent(mid, 0)
	if err != nil {
		return nil, err
	}
	pcl, err := t.getPropBytes(messageTable, mid, mapi.PrPredecessorChangeList)
	if err != nil {
		return nil, err
	}
	inst := &Instance{msg: mc, fid: r.parentFID, mid: mid, assoc: r.associated, baseCN: r.cn, basePCL: pcl, changed: map[mapi.PropTag]bool{}, noSynth: t.s.noBodySynthesis}
	inst.nextAtt = nextAttachNum(mc)
	return inst, nil
}

func nextAttachNum(mc *MessageContent) int32 {
	var next int32
	for _, a := range mc.Attachments {
		if n := attachNum(a); n >= next {
			next = n + 1
		}
	}
	return next
}

// instanceContent reads a message as an instance holds it: the stored
// properties with their values (bodies and attachment data read from the
// content files), PR_READ and PR_MESSAGE_FLAGS as the store computes them,
// the recipients (with PR_ROWID), the attachments (with PR_ATTACH_NUM) and
// embedded messages (with PidTagMid), recursively.
func (t *Tx) instanceContent(mid uint64, depth int) (*MessageContent, error) {
	if depth > 32 {
		return nil, fmt.Errorf("message %#x: embedded messages nested too deep", mid)
	}
	props, _, err := t.storedProps(messageTable, mid)
	if err != nil {
		return nil, err
	}
	comp, err := t.MessageProps(mid, []mapi.PropTag{mapi.PrRead, mapi.PrMessageFlags})
	if err != nil {
		return nil, err
	}
	for _, p := range comp {
		props.Set(p.Tag, p.Value)
	}
	if depth > 0 {
		props.Set(mapi.PrMID, int64(mapi.MakeEID(mapi.ReplidLocal, mid)))
	}
	mc := &MessageContent{Props: props}
	err = t.loadParts(mc, mid, func(emb uint64) (*MessageContent, error) { return t.instanceContent(emb, depth+1) })
	return mc, err
}

// ReloadInstance replaces the contents of a top-level instance with the
// stored message, dropping unsaved changes (RopReloadCachedInformation).
// A new message has nothing to reload from (ErrNotFound); a deleted one is
// ErrObjectDeleted.
func (t *Tx) ReloadInstance(inst *Instance) error {
	if inst.parent != nil || inst.isNew {
		return fmt.Errorf("reload an unsaved or embedded message: %w", ErrNotFound)
	}
	fresh, err := t.OpenInstance(inst.fid, inst.mid, false)
	if isNotFound(err) {
		return ErrObjectDeleted
	}
	if err != nil {
		return err
	}
	streams := inst.streams
	*inst = *fresh
	inst.streams = streams
	return nil
}

// checkConflict tells whether the stored message (row r) still is the
// version an instance was made from, or one the instance's PCL includes.
func (t *Tx) checkConflict(inst *Instance, r messageRow) error {
	if r.cn == inst.baseCN {
		return nil
	}
	stored, err := t.getPropBytes(messageTable, inst.mid, mapi.PrPredecessorChangeList)
	if err != nil {
		return err
	}
	if len(stored) > 0 && len(inst.basePCL) > 0 {
		base, err1 := mapi.ParsePCL(inst.basePCL)
		cur, err2 := mapi.ParsePCL(stored)
		if err1 == nil && err2 == nil {
			switch mapi.ComparePCL(base, cur) {
			case mapi.PCLEqual, mapi.PCLANewer:
				return nil
			}
		}
	}
	return ErrObjectModified
}

// SaveInstance saves a message instance (RopSaveChangesMessage).
//
// A top-level instance is written to the store as a whole (WriteMessage)
// with a new change number, change key and PCL entry (a change key or PCL
// the client set, as ICS imports do, is kept), PR_LOCAL_COMMIT_TIME and
// PR_LAST_MODIFICATION_TIME (unless the client set it); a saved, not
// associated message loses mfUnmodified. Unless force, it fails with
// ErrObjectModified when the stored message changed since the instance was
// read (its change number moved to a version the instance's PCL does not
// include, MS-OXCMSG 3.2.5.3) and with ErrObjectDeleted when it is gone.
// An instance without changes is not written again. The instance stays
// open, now based on the saved version.
//
// An embedded message is saved into its attachment instance (not the
// store); unless force it fails with ErrObjectModified when another
// instance of the same embedded message was saved there first. It returns
// the message id and change number (0 for embedded messages).
func (t *Tx) SaveInstance(inst *Instance, force bool) (mid, cn uint64, err error) {
	if err := inst.streams.flush(); err != nil {
		return 0, 0, err
	}
	if inst.parent != nil {
		return inst.mid, 0, inst.saveEmbedded(force)
	}
	var stored messageRow
	if !inst.isNew {
		stored, err = t.messageRow(inst.mid)
		if isNotFound(err) || err == nil && (stored.deleted || stored.parentFID != inst.fid) {
			return 0, 0, fmt.Errorf("save message %#x: %w", inst.mid, ErrObjectDeleted)
		}
		if err != nil {
			return 0, 0, err
		}
		if !force {
			if err := t.checkConflict(inst, stored); err != nil {
				return 0, 0, fmt.Errorf("save message %#x: %w", inst.mid, err)
			}
		}
		if !inst.touched {
			return inst.mid, inst.baseCN, nil
		}
	} else if _, err := t.messageRow(inst.mid); err == nil {
		// The id went to another message (the request that allocated it
		// was rolled back): never overwrite that one.
		return 0, 0, fmt.Errorf("new message %#x: id in use: %w", inst.mid, ErrInvalidParam)
	} else if !isNotFound(err) {
		return 0, 0, err
	}
	if cn, err = t.AllocateCN(); err != nil {
		return 0, 0, err
	}
	now := nowFT()
	mc := cloneContent(inst.msg)
	p := &mc.Props
	ck := t.changeKey(cn)
	if inst.changed[mapi.PrChangeKey] {
		if v, ok := p.Get(mapi.PrChangeKey); ok {
			ck, _ = v.([]byte)
		}
	} else {
		p.Set(mapi.PrChangeKey, ck)
	}
	if !inst.changed[mapi.PrPredecessorChangeList] {
		old := inst.basePCL
		if v, ok := p.Get(mapi.PrPredecessorChangeList); ok {
			old, _ = v.([]byte)
		}
		p.Set(mapi.PrPredecessorChangeList, appendPCL(old, ck))
	}
	p.Set(mapi.PrLocalCommitTime, now)
	if !inst.changed[mapi.PrLastModificationTime] {
		p.Set(mapi.PrLastModificationTime, now)
	}
	if !inst.isNew && !inst.assoc {
		if v, ok := p.Get(mapi.PrMessageFlags); ok {
			f, _ := v.(int32)
			p.Set(mapi.PrMessageFlags, f&^MsgFlagUnmodified)
		}
	}
	if !inst.isNew && !inst.changed[mapi.PrRead] {
		// The read state is not part of the version (it has no change
		// key): keep the one stored now rather than the one read.
		p.Set(mapi.PrRead, stored.read)
	}
	p.Set(mapi.PrMID, int64(mapi.MakeEID(mapi.ReplidLocal, inst.mid)))
	p.Set(mapi.PrChangeNumber, int64(mapi.MakeChangeNumber(cn)))
	p.Set(mapi.PrAssociated, inst.assoc)
	stripEmbeddedIDs(mc)
	mid, cn, err = t.WriteMessage(inst.fid, mc)
	if err != nil {
		return 0, 0, err
	}
	// The instance now stands for the saved version, with the values the
	// store added (so that saving it again keeps them).
	for _, tag := range []mapi.PropTag{mapi.PrChangeKey, mapi.PrPredecessorChangeList, mapi.PrLocalCommitTime, mapi.PrLastModificationTime, mapi.PrMessageFlags, mapi.PrRead} {
		if v, ok := p.Get(tag); ok {
			inst.msg.Props.Set(tag, v)
		}
	}
	added, err := t.MessageProps(mid, storeAddedTags)
	if err != nil {
		return 0, 0, err
	}
	for _, a := range added {
		inst.msg.Props.Set(a.Tag, a.Value)
	}
	pcl, _ := p.Get(mapi.PrPredecessorChangeList)
	inst.basePCL, _ = pcl.([]byte)
	inst.mid, inst.baseCN, inst.isNew, inst.touched = mid, cn, false, false
	clear(inst.changed)
	return mid, cn, nil
}

// storeAddedTags are the values WriteMessage adds to a message it stores
// when they are absent (rectifyMessage) or renews (the article number).
var storeAddedTags = []mapi.PropTag{
	mapi.PrSearchKey, mapi.PrConversationID, mapi.PrConversationIndex, prConversationIndexTracking,
	mapi.PrConversationTopic, mapi.PrCreatorName, mapi.PrCreatorEntryID, mapi.PrLastModifierName,
	mapi.PrLastModifierEntryID, mapi.PrInternetArticleNumber, mapi.PrMsgStatus,
}

// stripEmbeddedIDs drops the ids embedded messages were read with: the
// store gives them new ones when it writes them.
func stripEmbeddedIDs(mc *MessageContent) {
	for i := range mc.Attachments {
		if e := mc.Attachments[i].Embedded; e != nil {
			e.Props.Delete(mapi.PrMID)
			stripEmbeddedIDs(e)
		}
	}
}

func (m *Instance) saveEmbedded(force bool) error {
	a := m.parent
	if !force && !m.isNew && m.baseVer != a.embVer {
		return fmt.Errorf("save embedded message: %w", ErrObjectModified)
	}
	emb := cloneContent(m.msg)
	if m.mid != 0 {
		emb.Props.Set(mapi.PrMID, int64(mapi.MakeEID(mapi.ReplidLocal, m.mid)))
	}
	a.att.Embedded = emb
	a.embVer++
	m.baseVer = a.embVer
	m.isNew, m.touched = false, false
	clear(m.changed)
	return nil
}

// ---- message instance: identity and properties ----

// FolderID is the folder of a top-level message (0 for embedded ones).
func (m *Instance) FolderID() uint64 { return m.fid }

// MessageID is the message's id (GCV); a new embedded message has none.
func (m *Instance) MessageID() uint64 { return m.mid }

// IsNew reports whether the message was never saved.
func (m *Instance) IsNew() bool { return m.isNew }

// IsEmbedded reports whether the message is the embedded message of an
// attachment.
func (m *Instance) IsEmbedded() bool { return m.parent != nil }

// Touched reports whether the instance has unsaved changes.
func (m *Instance) Touched() bool { return m.touched }

// Content returns a copy of the message as it would be saved now (without
// the values computed on save), for callers that need the whole message
// (submission, conversion).
func (m *Instance) Content() *MessageContent { return cloneContent(m.msg) }

func (m *Instance) touch(tag mapi.PropTag) {
	if tag != 0 {
		m.changed[storedTag(tag)] = true
	}
	m.touched = true
}

// messageFlags is PR_MESSAGE_FLAGS of the instance: the set bits without
// those it computes, which come from its values (upstream
// instance_get_message_flags).
func (m *Instance) messageFlags() int32 {
	p := m.msg.Props
	var f int32
	if v, ok := p.Get(mapi.PrMessageFlags); ok {
		f, _ = v.(int32)
	}
	f &^= msgFlagsComputed
	isTrue := func(tag mapi.PropTag) bool { v, _ := p.Get(tag); return v == true }
	if isTrue(mapi.PrRead) {
		f |= MsgFlagRead
	}
	if len(m.msg.Attachments) > 0 {
		f |= MsgFlagHasAttach
	}
	if m.assoc {
		f |= MsgFlagAssociated
	}
	if isTrue(mapi.PrReadReceiptRequested) {
		f |= MsgFlagRNPending
	}
	if isTrue(mapi.PrNonReceiptNotificationRequested) {
		f |= MsgFlagNRNPending
	}
	return f
}

// displayRecipients is PR_DISPLAY_TO/CC/BCC of the instance: the names (or
// SMTP addresses) of its recipients of that type, joined by "; ".
func (m *Instance) displayRecipients(tag mapi.PropTag) string {
	want := int32(RecipientTo)
	switch tag.WithType(mapi.PtUnicode) {
	case mapi.PrDisplayCc:
		want = RecipientCc
	case mapi.PrDisplayBcc:
		want = RecipientBcc
	}
	var s string
	for _, r := range m.msg.Recipients {
		v, ok := r.Get(mapi.PrRecipientType)
		if typ, _ := v.(int32); !ok || typ&0xff != want {
			continue
		}
		name, ok := findProp(r, mapi.PrDisplayName)
		if !ok {
			if name, ok = findProp(r, mapi.PrSMTPAddress); !ok {
				continue
			}
		}
		if s != "" {
			s += "; "
		}
		s += name.Value.(string)
	}
	return s
}

// subject is PR_SUBJECT: its prefix and normalized parts, or a subject
// kept whole.
func (m *Instance) subject() (string, bool) {
	pfx, okP := findProp(m.msg.Props, mapi.PrSubjectPrefix)
	norm, okN := findProp(m.msg.Props, mapi.PrNormalizedSubject)
	if !okP && !okN {
		if v, ok := findProp(m.msg.Props, mapi.PrSubject); ok {
			s, _ := v.Value.(string)
			return s, true
		}
		return "", false
	}
	a, _ := pfx.Value.(string)
	b, _ := norm.Value.(string)
	return a + b, true
}

// instanceComputedTags are the properties a message instance computes.
var instanceComputedTags = []mapi.PropTag{
	mapi.PrMID, mapi.PrChangeNumber, mapi.PrFolderID, mapi.PrAssociated, mapi.PrMessageSize, mapi.PrHasAttach,
	mapi.PrMessageFlags, mapi.PrDisplayTo, mapi.PrDisplayCc, mapi.PrDisplayBcc, mapi.PrSubject,
}

// prop answers one property of the instance.
func (m *Instance) prop(tag mapi.PropTag) (mapi.PropVal, bool) {
	if tag.Type() == mapi.PtUnspecified {
		if p, ok := findProp(m.msg.Props, tag); ok {
			return p, true
		}
		for _, c := range instanceComputedTags {
			if c.ID() == tag.ID() {
				return m.prop(c)
			}
		}
		return mapi.PropVal{}, false
	}
	val := func(v any) (mapi.PropVal, bool) { return mapi.PropVal{Tag: tag, Value: v}, true }
	switch tag {
	case mapi.PrMID:
		if m.mid == 0 {
			return mapi.PropVal{}, false
		}
		return val(int64(mapi.MakeEID(mapi.ReplidLocal, m.mid)))
	case mapi.PrChangeNumber:
		if m.baseCN == 0 {
			return mapi.PropVal{}, false
		}
		return val(int64(mapi.MakeChangeNumber(m.baseCN)))
	case mapi.PrFolderID:
		if m.fid == 0 {
			return mapi.PropVal{}, false
		}
		return val(int64(mapi.MakeEID(mapi.ReplidLocal, m.fid)))
	case mapi.PrAssociated:
		return val(m.assoc)
	case mapi.PrMessageSize:
		return val(u32(messageSize(m.msg)))
	case mapi.PrHasAttach:
		return val(len(m.msg.Attachments) > 0)
	case mapi.PrMessageFlags:
		return val(m.messageFlags())
	case mapi.PrDisplayTo, mapi.PrDisplayCc, mapi.PrDisplayBcc, mapi.PrDisplayToA, mapi.PrDisplayCcA, mapi.PrDisplayBccA:
		return val(m.displayRecipients(tag))
	case mapi.PrSubject, mapi.PrSubjectA:
		if s, ok := m.subject(); ok {
			return val(s)
		}
		return mapi.PropVal{}, false
	case mapi.PrBody, mapi.PrBodyA, mapi.PrHTML:
		if p, ok := findProp(m.msg.Props, tag); ok || m.noSynth {
			return p, ok
		}
		has := func(tag mapi.PropTag) bool { _, ok := findProp(m.msg.Props, tag); return ok }
		v := rtfBody(tag, has, func() []byte {
			b, _ := m.msg.Props.Get(mapi.PrRTFCompressed)
			c, _ := b.([]byte)
			return c
		})
		if v == nil {
			return mapi.PropVal{}, false
		}
		return val(v)
	}
	return findProp(m.msg.Props, tag)
}

// GetProps returns properties of the message: those it has and those an
// instance computes (PidTagMid, PidTagChangeNumber, PidTagFolderId,
// PR_ASSOCIATED, PR_MESSAGE_SIZE, PR_HASATTACH, PR_MESSAGE_FLAGS,
// PR_DISPLAY_TO/CC/BCC, PR_SUBJECT from its parts, PR_BODY and PR_HTML of
// a message whose only body is its RTF, see rtfBody). Absent ones are left
// out. Either string type answers the other; PT_UNSPECIFIED answers with
// the value's own type. With no tags, all of them.
func (m *Instance) GetProps(tags []mapi.PropTag) Props {
	if len(tags) == 0 {
		tags = make([]mapi.PropTag, 0, len(m.msg.Props)+10)
		for _, p := range m.msg.Props {
			tags = append(tags, p.Tag)
		}
		tags = append(tags, instanceComputedTags...)
		tags = mergeTags(tags)
	}
	out := make(Props, 0, len(tags))
	for _, tag := range tags {
		if p, ok := m.prop(tag); ok {
			out = append(out, p)
		}
	}
	return out
}

// messageReadOnly reports the properties a message instance computes or
// keeps to itself (upstream set_xns_props_msg).
func messageReadOnly(tag mapi.PropTag) bool {
	switch tag {
	case mapi.PrAssociated:
		return false
	case mapi.PrChangeNumber, mapi.PrCodePageID, mapi.PrDisplayTo, mapi.PrDisplayCc, mapi.PrDisplayBcc:
		return true
	}
	return readOnlyProps[messageTable][tag] || readOnlyProps[messageTable][tag.WithType(mapi.PtUnicode)]
}

// nativeBody is the PR_NATIVE_BODY_INFO a body property stands for.
func nativeBody(tag mapi.PropTag) int32 {
	switch storedTag(tag) {
	case mapi.PrBody:
		return nativeBodyPlain
	case mapi.PrHTML, mapi.NewTag(mapi.PrHTML.ID(), mapi.PtUnicode):
		return nativeBodyHTML
	case mapi.PrRTFCompressed:
		return nativeBodyRTF
	}
	return nativeBodyUndefined
}

// SetProps sets properties of the message (RopSetProperties on a message,
// upstream set_xns_props_msg). Computed properties are refused
// (ErrAccessDenied problems), as are PR_ASSOCIATED and PR_MESSAGE_FLAGS
// once the message was saved; PR_MSG_STATUS is ignored (only
// RopSetMessageStatus sets it). On a new message PR_MESSAGE_FLAGS also sets
// PR_READ, PR_ASSOCIATED and the receipt requests its bits ask for.
// PR_SUBJECT is kept as its prefix and normalized subject; strings are kept
// as PT_UNICODE; a body sets PR_NATIVE_BODY_INFO. Values that do not fit
// their type are ErrInvalidParam problems.
func (m *Instance) SetProps(props Props) []PropProblem {
	var problems []PropProblem
	p := &m.msg.Props
	_, hasPfx := findProp(props, mapi.PrSubjectPrefix)
	_, hasNorm := findProp(props, mapi.PrNormalizedSubject)
	for _, pv := range props {
		tag := pv.Tag
		if messageReadOnly(tag) {
			problems = append(problems, PropProblem{tag, ErrAccessDenied})
			continue
		}
		if err := checkInstanceValue(tag, pv.Value, false); err != nil {
			problems = append(problems, PropProblem{tag, err})
			continue
		}
		switch tag {
		case mapi.PrAssociated:
			if !m.isNew {
				problems = append(problems, PropProblem{tag, ErrAccessDenied})
				continue
			}
			m.assoc = pv.Value.(bool)
			m.touch(tag)
			continue
		case mapi.PrMsgStatus:
			continue
		case mapi.PrMessageFlags:
			if !m.isNew {
				problems = append(problems, PropProblem{tag, ErrAccessDenied})
				continue
			}
			f := pv.Value.(int32)
			if f&MsgFlagRead != 0 {
				p.Set(mapi.PrRead, true)
			}
			if f&MsgFlagAssociated != 0 {
				m.assoc = true
			}
			if f&MsgFlagRNPending != 0 {
				p.Set(mapi.PrReadReceiptRequested, true)
			}
			if f&MsgFlagNRNPending != 0 {
				p.Set(mapi.PrNonReceiptNotificationRequested, true)
			}
			pv.Value = f &^ (msgFlagsComputed | MsgFlagUnmodified)
		case mapi.PrRead:
			if pv.Value == true {
				if v, ok := p.Get(mapi.PrMessageFlags); ok {
					f, _ := v.(int32)
					p.Set(mapi.PrMessageFlags, f|MsgFlagEverRead)
				}
			}
		case mapi.PrSubject, mapi.PrSubjectA:
			if hasPfx && hasNorm {
				continue
			}
			var pfx, norm string
			if v, ok := findProp(props, mapi.PrSubjectPrefix); ok {
				pfx, _ = v.Value.(string)
			}
			if v, ok := findProp(props, mapi.PrNormalizedSubject); ok {
				norm, _ = v.Value.(string)
			}
			pfx, norm = splitSubject(pv.Value.(string), pfx, norm, hasPfx, hasNorm)
			deleteStored(p, mapi.PrSubject)
			setStored(p, mapi.PrSubjectPrefix, pfx)
			setStored(p, mapi.PrNormalizedSubject, norm)
			m.touch(mapi.PrSubject)
			m.touch(mapi.PrSubjectPrefix)
			m.touch(mapi.PrNormalizedSubject)
			continue
		}
		setStored(p, tag, pv.Value)
		m.touch(tag)
		if nb := nativeBody(tag); nb != nativeBodyUndefined {
			p.Set(mapi.PrNativeBodyInfo, nb)
		}
	}
	return problems
}

// RemoveProps removes properties of the message (RopDeleteProperties,
// upstream rip_message); computed ones are ErrAccessDenied problems.
// Removing PR_SUBJECT removes its parts; removing the native body resets
// PR_NATIVE_BODY_INFO.
func (m *Instance) RemoveProps(tags []mapi.PropTag) []PropProblem {
	var problems []PropProblem
	p := &m.msg.Props
	for _, tag := range tags {
		if messageReadOnly(tag) || tag == mapi.PrAssociated {
			problems = append(problems, PropProblem{tag, ErrAccessDenied})
			continue
		}
		if tag.WithType(mapi.PtUnicode) == mapi.PrSubject {
			deleteStored(p, mapi.PrSubjectPrefix)
			deleteStored(p, mapi.PrNormalizedSubject)
		}
		if nb := nativeBody(tag); nb != nativeBodyUndefined {
			if v, _ := p.Get(mapi.PrNativeBodyInfo); v == nb {
				p.Set(mapi.PrNativeBodyInfo, int32(nativeBodyUndefined))
			}
		}
		deleteStored(p, tag)
		m.touch(tag)
	}
	return problems
}

// ---- recipients ----

// Recipients returns the recipient rows of the message, each with its
// PR_ROWID (a copy).
func (m *Instance) Recipients() []Props {
	out := make([]Props, len(m.msg.Recipients))
	for i, r := range m.msg.Recipients {
		out[i] = cloneProps(r)
	}
	return out
}

// ModifyRecipients changes recipient rows (RopModifyRecipients, MS-OXCMSG
// 2.2.3.5; upstream update_message_instance_rcpts): each row names its
// recipient by PR_ROWID (rows without one are skipped); a row with nothing
// else removes that recipient, any other row replaces it, or adds one when
// no recipient has that row id. More than MaxRecipients is
// ecTooManyRecips.
func (m *Instance) ModifyRecipients(rows []Props) error {
	for _, row := range rows {
		v, ok := row.Get(mapi.PrRowID)
		if !ok {
			continue
		}
		id, _ := v.(int32)
		i := slices.IndexFunc(m.msg.Recipients, func(r Props) bool {
			x, _ := r.Get(mapi.PrRowID)
			return x == id
		})
		switch {
		case len(row) == 1 && i >= 0:
			m.msg.Recipients = slices.Delete(m.msg.Recipients, i, i+1)
		case len(row) == 1:
		case i >= 0:
			m.msg.Recipients[i] = cloneProps(row)
		default:
			if len(m.msg.Recipients) >= MaxRecipients {
				return fmt.Errorf("more than %d recipients: %w", MaxRecipients, mapi.EcTooManyRecips)
			}
			m.msg.Recipients = append(m.msg.Recipients, cloneProps(row))
		}
		m.touch(0)
	}
	return nil
}

// RemoveAllRecipients removes every recipient (RopRemoveAllRecipients).
func (m *Instance) RemoveAllRecipients() {
	m.msg.Recipients = nil
	m.touch(0)
}

// ---- attachments ----

// Attachments returns the attachment table of the message: each
// attachment's properties with PR_ATTACH_NUM and PR_ATTACH_SIZE.
func (m *Instance) Attachments() []Props {
	out := make([]Props, 0, len(m.msg.Attachments))
	for _, a := range m.msg.Attachments {
		p := cloneProps(a.Props)
		p.Set(mapi.PrAttachSize, u32(attachmentSize(a)))
		out = append(out, p)
	}
	return out
}

// CreateAttachment starts a new attachment with the next attachment number
// (RopCreateAttachment); it joins the message when saved. More than
// MaxAttachments is ecMaxAttachmentExceeded.
func (m *Instance) CreateAttachment() (*AttachmentInstance, error) {
	if len(m.msg.Attachments) >= MaxAttachments {
		return nil, fmt.Errorf("more than %d attachments: %w", MaxAttachments, mapi.EcMaxAttachmentExceeded)
	}
	num := m.nextAtt
	m.nextAtt++
	return &AttachmentInstance{parent: m, num: num, isNew: true,
		att: Attachment{Props: Props{{Tag: mapi.PrAttachNum, Value: num}}}}, nil
}

// OpenAttachment copies attachment num for editing (RopOpenAttachment); an
// unknown number is ErrNotFound.
func (m *Instance) OpenAttachment(num uint32) (*AttachmentInstance, error) {
	for _, a := range m.msg.Attachments {
		if uint32(attachNum(a)) == num {
			return &AttachmentInstance{parent: m, num: int32(num), att: cloneAttachment(a)}, nil
		}
	}
	return nil, fmt.Errorf("attachment %d: %w", num, ErrNotFound)
}

// DeleteAttachment removes attachment num from the message
// (RopDeleteAttachment); an unknown number is no error, as upstream.
func (m *Instance) DeleteAttachment(num uint32) {
	i := slices.IndexFunc(m.msg.Attachments, func(a Attachment) bool { return uint32(attachNum(a)) == num })
	if i >= 0 {
		m.msg.Attachments = slices.Delete(m.msg.Attachments, i, i+1)
		m.touch(0)
	}
}

// putAttachment stores a saved attachment instance in the message: over
// the attachment of its number, else as a new one.
func (m *Instance) putAttachment(a *AttachmentInstance) error {
	att := cloneAttachment(a.att)
	att.Props.Set(mapi.PrAttachNum, a.num)
	for i := range m.msg.Attachments {
		if attachNum(m.msg.Attachments[i]) == a.num {
			m.msg.Attachments[i] = att
			m.touch(0)
			return nil
		}
	}
	if len(m.msg.Attachments) >= MaxAttachments {
		return fmt.Errorf("more than %d attachments: %w", MaxAttachments, mapi.EcMaxAttachmentExceeded)
	}
	m.msg.Attachments = append(m.msg.Attachments, att)
	if a.num >= m.nextAtt {
		m.nextAtt = a.num + 1
	}
	m.touch(0)
	return nil
}

// Num is the attachment's PR_ATTACH_NUM.
func (a *AttachmentInstance) Num() uint32 { return uint32(a.num) }

// IsNew reports whether the attachment was never saved into its message.
func (a *AttachmentInstance) IsNew() bool { return a.isNew }

// Message is the message instance the attachment belongs to.
func (a *AttachmentInstance) Message() *Instance { return a.parent }

func (a *AttachmentInstance) prop(tag mapi.PropTag) (mapi.PropVal, bool) {
	switch tag {
	case mapi.PrAttachNum:
		return mapi.PropVal{Tag: tag, Value: a.num}, true
	case mapi.PrAttachSize:
		return mapi.PropVal{Tag: tag, Value: u32(attachmentSize(a.att))}, true
	}
	return findProp(a.att.Props, tag)
}

// GetProps returns properties of the attachment, with PR_ATTACH_NUM and
// PR_ATTACH_SIZE; with no tags, all of them.
func (a *AttachmentInstance) GetProps(tags []mapi.PropTag) Props {
	if len(tags) == 0 {
		for _, p := range a.att.Props {
			tags = append(tags, p.Tag)
		}
		tags = mergeTags(append(tags, mapi.PrAttachNum, mapi.PrAttachSize))
	}
	out := make(Props, 0, len(tags))
	for _, tag := range tags {
		if p, ok := a.prop(tag); ok {
			out = append(out, p)
		}
	}
	return out
}

// SetProps sets properties of the attachment (upstream
// set_xns_props_atx): PR_ATTACH_NUM, PR_ATTACH_SIZE and PR_RECORD_KEY are
// refused; strings are kept as PT_UNICODE.
func (a *AttachmentInstance) SetProps(props Props) []PropProblem {
	var problems []PropProblem
	for _, pv := range props {
		switch pv.Tag {
		case mapi.PrAttachNum, mapi.PrAttachSize, mapi.PrRecordKey:
			problems = append(problems, PropProblem{pv.Tag, ErrAccessDenied})
			continue
		}
		if err := checkInstanceValue(pv.Tag, pv.Value, true); err != nil {
			problems = append(problems, PropProblem{pv.Tag, err})
			continue
		}
		setStored(&a.att.Props, pv.Tag, pv.Value)
	}
	return problems
}

// RemoveProps removes properties of the attachment.
func (a *AttachmentInstance) RemoveProps(tags []mapi.PropTag) []PropProblem {
	var problems []PropProblem
	for _, tag := range tags {
		switch tag {
		case mapi.PrAttachNum, mapi.PrAttachSize, mapi.PrRecordKey:
			problems = append(problems, PropProblem{tag, ErrAccessDenied})
			continue
		}
		deleteStored(&a.att.Props, tag)
	}
	return problems
}

// OpenEmbedded opens the embedded message of the attachment for editing
// (RopOpenEmbeddedMessage): a copy of it, or with create and no embedded
// message yet, a new empty one. Without either it is ErrNotFound.
func (a *AttachmentInstance) OpenEmbedded(create bool) (*Instance, error) {
	if a.att.Embedded == nil {
		if !create {
			return nil, fmt.Errorf("attachment %d has no embedded message: %w", a.num, ErrNotFound)
		}
		return &Instance{msg: &MessageContent{}, isNew: true, parent: a, baseVer: a.embVer, changed: map[mapi.PropTag]bool{}, noSynth: a.parent.noSynth}, nil
	}
	mc := cloneContent(a.att.Embedded)
	m := &Instance{msg: mc, parent: a, baseVer: a.embVer, changed: map[mapi.PropTag]bool{}, noSynth: a.parent.noSynth}
	if v, ok := mc.Props.Get(mapi.PrMID); ok {
		x, _ := v.(int64)
		m.mid = mapi.EID(x).GCV()
		mc.Props.Delete(mapi.PrMID)
	}
	m.nextAtt = nextAttachNum(mc)
	return m, nil
}

// Save puts the attachment into its message instance
// (RopSaveChangesAttachment): over the attachment of its number, or as a
// new one. The attachment stays open.
func (a *AttachmentInstance) Save() error {
	if err := a.streams.flush(); err != nil {
		return err
	}
	if err := a.parent.putAttachment(a); err != nil {
		return err
	}
	a.isNew = false
	return nil
}

// ---- streams ----

// Open modes of a property stream (MS-OXCPRPT 2.2.14.1 OpenModeFlags).
const (
	StreamReadOnly   = 0x00
	StreamReadWrite  = 0x01
	StreamCreate     = 0x02
	StreamBestAccess = 0x03
)

// streamOwner is an instance a stream writes into.
type streamOwner interface {
	prop(tag mapi.PropTag) (mapi.PropVal, bool)
	SetProps(props Props) []PropProblem
}

// streamSet is the open streams of an instance.
type streamSet struct{ list []*Stream }

func (s *streamSet) add(st *Stream) { s.list = append(s.list, st) }

func (s *streamSet) drop(st *Stream) {
	if i := slices.Index(s.list, st); i >= 0 {
		s.list = slices.Delete(s.list, i, i+1)
	}
}

// flush commits the written streams, as saving an object does (upstream
// message_object::flush_streams).
func (s *streamSet) flush() error {
	for _, st := range s.list {
		if st.dirty {
			if err := st.Commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Stream is a property of an instance opened as a stream (RopOpenStream,
// MS-OXCPRPT 3.2.5.13ff). It holds the value as the client sees it:
// PT_BINARY and PT_OBJECT as they are, PT_STRING8 as 8-bit text and
// PT_UNICODE as UTF-16LE, each string with its terminating NUL (upstream
// stream_object). Commit (and Close, and saving the instance) puts a
// written value into the instance. It implements io.ReadWriteSeeker.
type Stream struct {
	owner    streamOwner
	set      *streamSet
	tag      mapi.PropTag
	data     []byte
	pos      int64
	writable bool
	dirty    bool
	closed   bool
}

// OpenStream opens a property of the message as a stream.
func (m *Instance) OpenStream(tag mapi.PropTag, mode uint8) (*Stream, error) {
	return openStream(m, &m.streams, tag, mode, false)
}

// OpenStream opens a property of the attachment as a stream
// (PR_ATTACH_DATA_BIN, or PR_ATTACH_DATA_OBJ of an OLE attachment).
func (a *AttachmentInstance) OpenStream(tag mapi.PropTag, mode uint8) (*Stream, error) {
	return openStream(a, &a.streams, tag, mode, true)
}

// openStream opens tag of an instance as a stream: binaries and strings
// only (ecNotSupported), PT_OBJECT only for PR_ATTACH_DATA_OBJ (else
// ErrNotFound, as upstream's rop_openstream); without StreamCreate the
// property must exist (ErrNotFound).
func openStream(o streamOwner, set *streamSet, tag mapi.PropTag, mode uint8, attach bool) (*Stream, error) {
	switch tag.Type() {
	case mapi.PtBinary, mapi.PtString8, mapi.PtUnicode:
	case mapi.PtObject:
		if !attach || tag != mapi.PrAttachDataObj {
			return nil, fmt.Errorf("stream on %v: %w", tag, ErrNotFound)
		}
	default:
		return nil, fmt.Errorf("stream on %v: %w", tag, mapi.EcNotSupported)
	}
	st := &Stream{owner: o, set: set, tag: tag, writable: mode&StreamBestAccess != 0}
	if mode&StreamCreate == 0 {
		p, ok := o.prop(tag)
		if !ok {
			return nil, fmt.Errorf("stream on %v: %w", tag, ErrNotFound)
		}
		st.data = streamBytes(tag, p.Value)
	}
	set.add(st)
	return st, nil
}

// streamBytes is a value as its stream shows it.
func streamBytes(tag mapi.PropTag, v any) []byte {
	switch x := v.(type) {
	case []byte:
		return slices.Clone(x)
	case string:
		if tag.Type() == mapi.PtUnicode {
			u := utf16.Encode([]rune(x))
			b := make([]byte, 0, 2*len(u)+2)
			for _, c := range u {
				b = binary.LittleEndian.AppendUint16(b, c)
			}
			return append(b, 0, 0)
		}
		return append([]byte(x), 0)
	}
	return nil
}

// streamValue is the value a stream's bytes stand for: strings end at
// their first NUL.
func streamValue(tag mapi.PropTag, b []byte) any {
	switch tag.Type() {
	case mapi.PtUnicode:
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			c := binary.LittleEndian.Uint16(b[i:])
			if c == 0 {
				break
			}
			u = append(u, c)
		}
		return string(utf16.Decode(u))
	case mapi.PtString8:
		if i := slices.Index(b, 0); i >= 0 {
			b = b[:i]
		}
		return string(b)
	}
	return slices.Clone(b)
}

// Tag is the property the stream is open on.
func (s *Stream) Tag() mapi.PropTag { return s.tag }

// Size is the stream's length in bytes (RopGetStreamSize).
func (s *Stream) Size() int64 { return int64(len(s.data)) }

// Read reads from the current position (RopReadStream).
func (s *Stream) Read(p []byte) (int, error) {
	if s.pos >= int64(len(s.data)) {
		return 0, io.EOF
	}
	n := copy(p, s.data[s.pos:])
	s.pos += int64(n)
	return n, nil
}

// Write writes at the current position, growing the stream
// (RopWriteStream); past MaxStreamSize it is ecStreamSizeError, on a
// read-only stream ErrAccessDenied.
func (s *Stream) Write(p []byte) (int, error) {
	if !s.writable || s.closed {
		return 0, fmt.Errorf("write to read-only stream: %w", ErrAccessDenied)
	}
	end := s.pos + int64(len(p))
	if end > MaxStreamSize {
		return 0, fmt.Errorf("stream of %d bytes: %w", end, mapi.EcStreamSizeError)
	}
	if end > int64(len(s.data)) {
		s.data = append(s.data, make([]byte, int(end)-len(s.data))...)
	}
	copy(s.data[s.pos:], p)
	s.pos = end
	s.dirty = true
	return len(p), nil
}

// Seek moves the position (RopSeekStream); on a writable stream a position
// past the end grows it, as upstream does.
func (s *Stream) Seek(offset int64, whence int) (int64, error) {
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = s.pos
	case io.SeekEnd:
		base = int64(len(s.data))
	default:
		return s.pos, fmt.Errorf("seek origin %d: %w", whence, ErrInvalidParam)
	}
	pos := base + offset
	if pos < 0 || pos > MaxStreamSize {
		return s.pos, fmt.Errorf("seek to %d: %w", pos, mapi.EcStreamSeekError)
	}
	if s.writable && pos > int64(len(s.data)) {
		if err := s.SetSize(pos); err != nil {
			return s.pos, err
		}
	}
	s.pos = pos
	return pos, nil
}

// SetSize cuts or zero-extends the stream (RopSetStreamSize).
func (s *Stream) SetSize(n int64) error {
	if !s.writable || s.closed {
		return fmt.Errorf("resize read-only stream: %w", ErrAccessDenied)
	}
	if n < 0 || n > MaxStreamSize {
		return fmt.Errorf("stream of %d bytes: %w", n, mapi.EcStreamSizeError)
	}
	if n > int64(len(s.data)) {
		s.data = append(s.data, make([]byte, int(n)-len(s.data))...)
	} else {
		s.data = s.data[:n]
		if s.pos > n {
			s.pos = n
		}
	}
	s.dirty = true
	return nil
}

// Commit puts the stream's value into its instance (RopCommitStream).
func (s *Stream) Commit() error {
	if !s.writable || s.closed {
		return fmt.Errorf("commit read-only stream: %w", ErrAccessDenied)
	}
	if !s.dirty {
		return nil
	}
	if err := errProblems(s.owner.SetProps(Props{{Tag: s.tag, Value: streamValue(s.tag, s.data)}})); err != nil {
		return err
	}
	s.dirty = false
	return nil
}

// Close commits a written stream and closes it (RopRelease).
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	var err error
	if s.dirty {
		err = s.Commit()
	}
	s.closed = true
	s.set.drop(s)
	return err
}

// ---- read flags ----

// Read flags of RopSetReadFlags and RopSetMessageReadFlag (MS-OXCMSG
// 2.2.3.10.1).
const (
	ReadFlagDefault             = 0x00
	ReadFlagSuppressReceipt     = 0x01
	ReadFlagClearRead           = 0x04
	ReadFlagGenerateReceiptOnly = 0x10
	ReadFlagClearNotifyRead     = 0x20
	ReadFlagClearNotifyUnread   = 0x40
	readFlagReserved            = 0x0a
)

// ReadFlagsResult is what SetReadFlags did.
type ReadFlagsResult struct {
	Partial  bool     // some ids are not messages of the folder
	Changed  []uint64 // messages whose read state changed
	Receipts []uint64 // messages whose sender asked for a read receipt that is now due (the caller sends them)
}

// SetReadFlags changes the read state of messages of folder fid
// (RopSetReadFlags, MS-OXCMSG 3.2.5.9; upstream oxcmsg_setreadflag):
//
//   - default and SuppressReceipt mark unread messages read; without
//     SuppressReceipt a requested read receipt becomes due;
//   - ClearRead (with or without SuppressReceipt) marks read messages
//     unread;
//   - GenerateReceiptOnly only makes requested receipts due;
//   - ClearNotifyRead and ClearNotifyUnread drop the requests for read and
//     non-read receipts (the message loses mfUnmodified);
//   - other combinations change nothing.
//
// A due receipt clears both receipt requests. With no mids, every normal
// message of the folder whose state would change is meant. Ids of messages
// outside the folder (or not linked, for a search folder) make the result
// partial.
func (t *Tx) SetReadFlags(fid uint64, mids []uint64, flags uint8) (ReadFlagsResult, error) {
	var res ReadFlagsResult
	fr, err := t.folderRow(fid)
	if err != nil {
		return res, err
	}
	flags &^= readFlagReserved
	if len(mids) == 0 {
		want := 0
		if flags&ReadFlagClearRead != 0 {
			want = 1
		}
		q := "SELECT message_id FROM messages WHERE parent_fid=? AND is_deleted=0 AND is_associated=0 AND read_state=? ORDER BY message_id"
		if fr.search {
			q = `SELECT m.message_id FROM search_result AS s JOIN messages AS m ON s.message_id=m.message_id
				WHERE s.folder_id=? AND m.is_deleted=0 AND m.is_associated=0 AND m.read_state=? ORDER BY m.message_id`
		}
		args := []any{int64(fid), want}
		if t.s.meta.kind == KindPublic {
			// read states are per user there: try every message
			q, args = "SELECT message_id FROM messages WHERE parent_fid=? AND is_deleted=0 AND is_associated=0 ORDER BY message_id", args[:1]
		}
		if mids, err = t.ids(q, args...); err != nil {
			return res, err
		}
	}
	for _, mid := range mids {
		r, err := t.messageRow(mid)
		if isNotFound(err) {
			res.Partial = true
			continue
		}
		if err != nil {
			return res, err
		}
		if r.deleted || r.parentFID != fid {
			n := int64(0)
			if fr.search && !r.deleted {
				if n, err = t.queryInt("SELECT COUNT(*) FROM search_result WHERE folder_id=? AND message_id=?", int64(fid), int64(mid)); err != nil {
					return res, err
				}
			}
			if n == 0 {
				res.Partial = true
				continue
			}
		}
		if err := t.setReadFlag(mid, r, flags, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (t *Tx) setReadFlag(mid uint64, r messageRow, flags uint8, res *ReadFlagsResult) error {
	requested := func(tag mapi.PropTag) (bool, error) {
		p, err := t.MessageProps(mid, []mapi.PropTag{tag})
		if err != nil {
			return false, err
		}
		v, _ := p.Get(tag)
		return v == true, nil
	}
	receipt := false
	switch flags {
	case ReadFlagDefault, ReadFlagSuppressReceipt:
		if r.read {
			return nil
		}
		if _, err := t.SetReadState(mid, true); err != nil {
			return err
		}
		res.Changed = append(res.Changed, mid)
		if flags == ReadFlagDefault {
			rr, err := requested(mapi.PrReadReceiptRequested)
			if err != nil {
				return err
			}
			receipt = rr
		}
	case ReadFlagClearRead, ReadFlagClearRead | ReadFlagSuppressReceipt:
		if !r.read {
			return nil
		}
		if _, err := t.SetReadState(mid, false); err != nil {
			return err
		}
		res.Changed = append(res.Changed, mid)
	case ReadFlagGenerateReceiptOnly:
		rr, err := requested(mapi.PrReadReceiptRequested)
		if err != nil {
			return err
		}
		receipt = rr
	case ReadFlagClearNotifyRead, ReadFlagClearNotifyUnread, ReadFlagClearNotifyRead | ReadFlagClearNotifyUnread:
		var drop []mapi.PropTag
		for _, c := range []struct {
			bit uint8
			tag mapi.PropTag
		}{{ReadFlagClearNotifyRead, mapi.PrReadReceiptRequested}, {ReadFlagClearNotifyUnread, mapi.PrNonReceiptNotificationRequested}} {
			if flags&c.bit == 0 {
				continue
			}
			on, err := requested(c.tag)
			if err != nil {
				return err
			}
			if on {
				drop = append(drop, c.tag)
			}
		}
		if len(drop) > 0 {
			if err := t.removeProps(messageTable, mid, drop); err != nil {
				return err
			}
		}
		// mark_modified: the message is no longer unmodified.
		if _, err := t.Exec("UPDATE message_properties SET propval=propval&(~?) WHERE message_id=? AND proptag=?",
			MsgFlagUnmodified, int64(mid), int64(mapi.PrMessageFlags)); err != nil {
			return err
		}
		fid, err := t.messageFolder(mid, r)
		if err != nil {
			return err
		}
		t.Emit(Event{Kind: EventModified, FolderID: fid, MessageID: mid})
		return nil
	default:
		return nil
	}
	if !receipt {
		return nil
	}
	res.Receipts = append(res.Receipts, mid)
	_, err := t.SetMessageProps(mid, Props{
		{Tag: mapi.PrReadReceiptRequested, Value: false},
		{Tag: mapi.PrNonReceiptNotificationRequested, Value: false},
	})
	return err
}
