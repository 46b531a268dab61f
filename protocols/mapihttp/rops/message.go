package rops

// Message, recipient and attachment ROPs (MS-OXCROPS 2.2.6; MS-OXCMSG
// 2.2.3).

import (
	"github.com/gromox-go/gromox/mapi"
)

// ResponseHandleHeader starts the request buffers of RopSaveChangesMessage,
// RopSetMessageReadFlag and RopSaveChangesAttachment: the response carries
// ResponseHandleIndex, not InputHandleIndex.
type ResponseHandleHeader struct {
	LogonID             uint8
	ResponseHandleIndex uint8
	InputHandleIndex    uint8
}

func (h *ResponseHandleHeader) code(c *codec) {
	c.u8(&h.LogonID)
	c.u8(&h.ResponseHandleIndex)
	c.u8(&h.InputHandleIndex)
}

func (h *ResponseHandleHeader) info() Info {
	return Info{LogonID: h.LogonID, InputHandleIndex: h.InputHandleIndex, HasInput: true, ResponseHandleIndex: h.ResponseHandleIndex}
}

// StringType values of a TypedString (MS-OXCDATA 2.11.7).
const (
	StringTypeNone           uint8 = 0x00
	StringTypeEmpty          uint8 = 0x01
	StringTypeString8        uint8 = 0x02
	StringTypeReducedUnicode uint8 = 0x03
	StringTypeUnicode        uint8 = 0x04
)

// TypedString is a TypedString (MS-OXCDATA 2.11.7): StringType, then the
// string for types 0x02 and 0x03 (8-bit) and 0x04 (UTF-16LE).
type TypedString struct {
	StringType uint8
	String     string
}

func (s *TypedString) code(c *codec) {
	c.u8(&s.StringType)
	switch s.StringType {
	case StringTypeNone, StringTypeEmpty:
		if c.reading() {
			s.String = ""
		}
	case StringTypeString8, StringTypeReducedUnicode:
		c.str8(&s.String)
	case StringTypeUnicode:
		c.str16(&s.String)
	default:
		c.failf("rops: TypedString of type %#x", s.StringType)
	}
}

// RecipientFlags bits (MS-OXCDATA 2.8.3.1), as the u16 reads little-endian.
const (
	RecipientFlagR          uint16 = 0x0080 // another transport delivers
	RecipientFlagS          uint16 = 0x0040 // TransmittableDisplayName equals DisplayName
	RecipientFlagT          uint16 = 0x0020 // TransmittableDisplayName present
	RecipientFlagD          uint16 = 0x0010 // DisplayName present
	RecipientFlagE          uint16 = 0x0008 // EmailAddress present
	RecipientFlagTypeMask   uint16 = 0x0007 // address type
	RecipientFlagO          uint16 = 0x8000 // non-standard address type: AddressType present
	RecipientFlagI          uint16 = 0x0400 // SimpleDisplayName present
	RecipientFlagU          uint16 = 0x0200 // strings are UTF-16
	RecipientFlagN          uint16 = 0x0100 // no rich text
	RecipientTypeNoType     uint16 = 0x0
	RecipientTypeX500DN     uint16 = 0x1
	RecipientTypePersonalDL uint16 = 0x6 // PersonalDistributionList1
	RecipientTypePersonalD2 uint16 = 0x7 // PersonalDistributionList2
)

// RecipientRow is a RecipientRow (MS-OXCDATA 2.8.3.2). Which fields are on
// the wire follows RecipientFlags: AddressPrefixUsed, DisplayType and
// X500DN for type X500DN; EntryID and SearchKey for the personal
// distribution list types; AddressType for NoType with the O flag; the
// strings by the E, D, I and T flags, UTF-16 with the U flag. Properties
// holds RecipientColumnCount values of the recipient columns (a prefix of
// them) as a PropertyRow.
type RecipientRow struct {
	RecipientFlags           uint16
	AddressPrefixUsed        uint8
	DisplayType              uint8
	X500DN                   string
	EntryID                  []byte
	SearchKey                []byte
	AddressType              string
	EmailAddress             string
	DisplayName              string
	SimpleDisplayName        string
	TransmittableDisplayName string
	Properties               mapi.PropRow
}

func (rr *RecipientRow) code(c *codec, cols []mapi.PropTag) {
	c.u16(&rr.RecipientFlags)
	f := rr.RecipientFlags
	switch t := f & RecipientFlagTypeMask; {
	case t == RecipientTypeX500DN:
		c.u8(&rr.AddressPrefixUsed)
		c.u8(&rr.DisplayType)
		c.str8(&rr.X500DN)
	case t == RecipientTypePersonalDL || t == RecipientTypePersonalD2:
		c.bytes16(&rr.EntryID)
		c.bytes16(&rr.SearchKey)
	case t == RecipientTypeNoType && f&RecipientFlagO != 0:
		c.str8(&rr.AddressType)
	}
	u := f&RecipientFlagU != 0
	if f&RecipientFlagE != 0 {
		c.str(&rr.EmailAddress, u)
	}
	if f&RecipientFlagD != 0 {
		c.str(&rr.DisplayName, u)
	}
	if f&RecipientFlagI != 0 {
		c.str(&rr.SimpleDisplayName, u)
	}
	if f&RecipientFlagT != 0 {
		c.str(&rr.TransmittableDisplayName, u)
	}
	n := int(c.count16(len(rr.Properties.Values)))
	if c.err != nil {
		return
	}
	if n > len(cols) {
		c.failf("rops: recipient row of %d columns, %d recipient columns known", n, len(cols))
		return
	}
	c.row(&rr.Properties, cols[:n])
}

// RecipientRowHeader is what precedes a RecipientRow in the recipient
// rows of RopOpenMessage (OpenRecipientRow, MS-OXCROPS 2.2.6.1.2) and
// RopReadRecipients (ReadRecipientRow, 2.2.6.6.2).
type RecipientRowHeader struct {
	RecipientType uint8
	CodePageID    uint16
	Reserved      uint16
}

// OpenRecipientRow is one recipient of RopOpenMessage,
// RopReloadCachedInformation and RopOpenEmbeddedMessage:
// RecipientType, CodePageId, Reserved, RecipientRowSize (u16) and the
// RecipientRow.
type OpenRecipientRow struct {
	RecipientRowHeader
	RecipientRow RecipientRow
}

func (o *OpenRecipientRow) code(c *codec, cols []mapi.PropTag) {
	c.u8(&o.RecipientType)
	c.u16(&o.CodePageID)
	c.u16(&o.Reserved)
	c.sized(func(c *codec) { o.RecipientRow.code(c, cols) })
}

// MessageHeader is the part RopOpenMessage (MS-OXCROPS 2.2.6.1.2),
// RopReloadCachedInformation (2.2.6.7.2) and RopOpenEmbeddedMessage
// (2.2.6.16.2) share: HasNamedProperties, SubjectPrefix,
// NormalizedSubject, RecipientCount (u16, all recipients), ColumnCount
// (u16) and RecipientColumns, RowCount (u8) and the recipient rows sent
// now (a client reads the rest with RopReadRecipients).
type MessageHeader struct {
	HasNamedProperties bool
	SubjectPrefix      TypedString
	NormalizedSubject  TypedString
	RecipientCount     uint16
	RecipientColumns   []mapi.PropTag
	RecipientRows      []OpenRecipientRow
}

func (m *MessageHeader) code(c *codec) {
	c.boolean(&m.HasNamedProperties)
	m.SubjectPrefix.code(c)
	m.NormalizedSubject.code(c)
	c.u16(&m.RecipientCount)
	c.tags16(&m.RecipientColumns)
	if c.w != nil && len(m.RecipientRows) > 255 {
		c.failf("rops: %d recipient rows do not fit RowCount", len(m.RecipientRows))
		return
	}
	n := uint8(len(m.RecipientRows))
	c.u8(&n)
	if !c.room(int(n), 8) {
		return
	}
	if c.reading() {
		m.RecipientRows = make([]OpenRecipientRow, n)
	}
	for i := range m.RecipientRows {
		m.RecipientRows[i].code(c, m.RecipientColumns)
	}
}

// OpenMessageRequest is RopOpenMessage (MS-OXCROPS 2.2.6.1.1).
type OpenMessageRequest struct {
	OutHeader
	CodePageID    uint16
	FolderID      mapi.EID
	OpenModeFlags uint8
	MessageID     mapi.EID
}

func (q *OpenMessageRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u16(&q.CodePageID)
	c.id(&q.FolderID)
	c.u8(&q.OpenModeFlags)
	c.id(&q.MessageID)
}

// OpenMessageResponse is its success response (2.2.6.1.2).
type OpenMessageResponse struct {
	ResponseHeader
	MessageHeader
}

func (p *OpenMessageResponse) code(c *codec) {
	if !p.Failed() {
		p.MessageHeader.code(c)
	}
}

// CreateMessageRequest is RopCreateMessage (MS-OXCROPS 2.2.6.2.1).
type CreateMessageRequest struct {
	OutHeader
	CodePageID     uint16
	FolderID       mapi.EID
	AssociatedFlag bool
}

func (q *CreateMessageRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u16(&q.CodePageID)
	c.id(&q.FolderID)
	c.boolean(&q.AssociatedFlag)
}

// CreateMessageResponse is its success response (2.2.6.2.2); MessageID
// is on the wire only if HasMessageID.
type CreateMessageResponse struct {
	ResponseHeader
	HasMessageID bool
	MessageID    mapi.EID
}

func (p *CreateMessageResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.HasMessageID)
	if p.HasMessageID {
		c.id(&p.MessageID)
	}
}

// SaveChangesMessageRequest is RopSaveChangesMessage (MS-OXCROPS
// 2.2.6.3.1).
type SaveChangesMessageRequest struct {
	ResponseHandleHeader
	SaveFlags uint8
}

func (q *SaveChangesMessageRequest) code(c *codec) {
	q.ResponseHandleHeader.code(c)
	c.u8(&q.SaveFlags)
}

// SaveChangesMessageResponse is its success response (2.2.6.3.2); the
// header carries ResponseHandleIndex.
type SaveChangesMessageResponse struct {
	ResponseHeader
	InputHandleIndex uint8
	MessageID        mapi.EID
}

func (p *SaveChangesMessageResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.u8(&p.InputHandleIndex)
	c.id(&p.MessageID)
}

// RemoveAllRecipientsRequest is RopRemoveAllRecipients (MS-OXCROPS
// 2.2.6.4.1).
type RemoveAllRecipientsRequest struct {
	Header
	Reserved uint32
}

func (q *RemoveAllRecipientsRequest) code(c *codec) {
	q.Header.code(c)
	c.u32(&q.Reserved)
}

// RemoveAllRecipientsResponse is its response (2.2.6.4.2).
type RemoveAllRecipientsResponse struct{ ResponseHeader }

func (p *RemoveAllRecipientsResponse) code(c *codec) {}

// ModifyRecipientRow is one row of RopModifyRecipients (MS-OXCROPS
// 2.2.6.5.1): RowId, RecipientType, RecipientRowSize (u16) and the
// RecipientRow, which is absent (size 0, RecipientRow nil) to delete the
// row.
type ModifyRecipientRow struct {
	RowID         uint32
	RecipientType uint8
	RecipientRow  *RecipientRow
}

func (m *ModifyRecipientRow) code(c *codec, cols []mapi.PropTag) {
	c.u32(&m.RowID)
	c.u8(&m.RecipientType)
	if c.reading() {
		var n uint16
		c.u16(&n)
		if c.err != nil || n == 0 {
			m.RecipientRow = nil
			return
		}
		m.RecipientRow = new(RecipientRow)
		c.within(int(n), func(c *codec) { m.RecipientRow.code(c, cols) })
		return
	}
	if m.RecipientRow == nil {
		c.w.PutUint16(0)
		return
	}
	c.sized(func(c *codec) { m.RecipientRow.code(c, cols) })
}

// ModifyRecipientsRequest is RopModifyRecipients (MS-OXCROPS 2.2.6.5.1).
type ModifyRecipientsRequest struct {
	Header
	RecipientColumns []mapi.PropTag
	RecipientRows    []ModifyRecipientRow
}

func (q *ModifyRecipientsRequest) code(c *codec) {
	q.Header.code(c)
	c.tags16(&q.RecipientColumns)
	n := int(c.count16(len(q.RecipientRows)))
	if !c.room(n, 7) {
		return
	}
	if c.reading() {
		q.RecipientRows = make([]ModifyRecipientRow, n)
	}
	for i := range q.RecipientRows {
		q.RecipientRows[i].code(c, q.RecipientColumns)
	}
}

// ModifyRecipientsResponse is its response (2.2.6.5.2).
type ModifyRecipientsResponse struct{ ResponseHeader }

func (p *ModifyRecipientsResponse) code(c *codec) {}

// ReadRecipientsRequest is RopReadRecipients (MS-OXCROPS 2.2.6.6.1).
type ReadRecipientsRequest struct {
	Header
	RowID    uint32
	Reserved uint16
}

func (q *ReadRecipientsRequest) code(c *codec) {
	q.Header.code(c)
	c.u32(&q.RowID)
	c.u16(&q.Reserved)
}

// ReadRecipientRow is one row of RopReadRecipients (MS-OXCROPS
// 2.2.6.6.2): RowId, then as OpenRecipientRow.
type ReadRecipientRow struct {
	RowID uint32
	OpenRecipientRow
}

// ReadRecipientsResponse is its success response (2.2.6.6.2): RowCount
// (u8) and the rows. Columns is not on the wire: the recipient columns
// the message was opened with; the handler sets it, parsing takes it from
// ResponseContext.Columns.
type ReadRecipientsResponse struct {
	ResponseHeader
	Columns       []mapi.PropTag
	RecipientRows []ReadRecipientRow
}

func (p *ReadRecipientsResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	if c.w != nil && len(p.RecipientRows) > 255 {
		c.failf("rops: %d recipient rows do not fit RowCount", len(p.RecipientRows))
		return
	}
	n := uint8(len(p.RecipientRows))
	c.u8(&n)
	cols := c.columns(&p.Columns)
	if !c.needColumns(cols, int(n)) || !c.room(int(n), 12) {
		return
	}
	if c.reading() {
		p.RecipientRows = make([]ReadRecipientRow, n)
	}
	for i := range p.RecipientRows {
		c.u32(&p.RecipientRows[i].RowID)
		p.RecipientRows[i].OpenRecipientRow.code(c, cols)
	}
}

// ReloadCachedInformationRequest is RopReloadCachedInformation
// (MS-OXCROPS 2.2.6.7.1).
type ReloadCachedInformationRequest struct {
	Header
	Reserved uint16
}

func (q *ReloadCachedInformationRequest) code(c *codec) {
	q.Header.code(c)
	c.u16(&q.Reserved)
}

// ReloadCachedInformationResponse is its success response (2.2.6.7.2),
// laid out as RopOpenMessage's.
type ReloadCachedInformationResponse struct {
	ResponseHeader
	MessageHeader
}

func (p *ReloadCachedInformationResponse) code(c *codec) {
	if !p.Failed() {
		p.MessageHeader.code(c)
	}
}

// SetMessageStatusRequest is RopSetMessageStatus (MS-OXCROPS 2.2.6.8.1).
type SetMessageStatusRequest struct {
	Header
	MessageID          mapi.EID
	MessageStatusFlags uint32
	MessageStatusMask  uint32
}

func (q *SetMessageStatusRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.MessageID)
	c.u32(&q.MessageStatusFlags)
	c.u32(&q.MessageStatusMask)
}

// MessageStatusResponse is the success response of RopSetMessageStatus
// (MS-OXCROPS 2.2.6.8.2) and RopGetMessageStatus (2.2.6.9.2): the status
// flags before the operation.
type MessageStatusResponse struct {
	ResponseHeader
	MessageStatusFlags uint32
}

func (p *MessageStatusResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.MessageStatusFlags)
	}
}

// SetMessageStatusResponse is RopSetMessageStatus's response.
type SetMessageStatusResponse struct{ MessageStatusResponse }

// GetMessageStatusRequest is RopGetMessageStatus (MS-OXCROPS 2.2.6.9.1).
type GetMessageStatusRequest struct {
	Header
	MessageID mapi.EID
}

func (q *GetMessageStatusRequest) code(c *codec) {
	q.Header.code(c)
	c.id(&q.MessageID)
}

// GetMessageStatusResponse is RopGetMessageStatus's response. Its RopId
// is 0x20, RopSetMessageStatus's, whose layout it has (MS-OXCROPS
// 2.2.6.9.2), so ParseResponse returns it as a *SetMessageStatusResponse.
type GetMessageStatusResponse struct{ MessageStatusResponse }

// RopID returns RopIDSetMessageStatus, the RopId of the response on the
// wire.
func (*GetMessageStatusResponse) RopID() uint8 { return RopIDSetMessageStatus }

// SetReadFlagsRequest is RopSetReadFlags (MS-OXCROPS 2.2.6.10.1).
type SetReadFlagsRequest struct {
	Header
	WantAsynchronous bool
	ReadFlags        uint8
	MessageIDs       []mapi.EID
}

func (q *SetReadFlagsRequest) code(c *codec) {
	q.Header.code(c)
	c.boolean(&q.WantAsynchronous)
	c.u8(&q.ReadFlags)
	c.ids16(&q.MessageIDs)
}

// SetReadFlagsResponse is its response (2.2.6.10.2): PartialCompletion
// whatever ReturnValue.
type SetReadFlagsResponse struct{ PartialResponse }

// SetMessageReadFlagRequest is RopSetMessageReadFlag (MS-OXCROPS
// 2.2.6.11.1). ClientData is on the wire only for a public-folders logon
// (RequestContext.Private false).
type SetMessageReadFlagRequest struct {
	ResponseHandleHeader
	ReadFlags  uint8
	ClientData [24]byte
}

func (q *SetMessageReadFlagRequest) code(c *codec) {
	q.ResponseHandleHeader.code(c)
	c.u8(&q.ReadFlags)
	if !c.private(q.LogonID) {
		c.fixed(q.ClientData[:])
	}
}

// SetMessageReadFlagResponse is its success response (2.2.6.11.2):
// LogonID and ClientData follow only if ReadStatusChanged.
type SetMessageReadFlagResponse struct {
	ResponseHeader
	ReadStatusChanged bool
	LogonID           uint8
	ClientData        [24]byte
}

func (p *SetMessageReadFlagResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.boolean(&p.ReadStatusChanged)
	if p.ReadStatusChanged {
		c.u8(&p.LogonID)
		c.fixed(p.ClientData[:])
	}
}

// OpenAttachmentRequest is RopOpenAttachment (MS-OXCROPS 2.2.6.12.1).
type OpenAttachmentRequest struct {
	OutHeader
	OpenAttachmentFlags uint8
	AttachmentID        uint32
}

func (q *OpenAttachmentRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u8(&q.OpenAttachmentFlags)
	c.u32(&q.AttachmentID)
}

// OpenAttachmentResponse is its response (2.2.6.12.2).
type OpenAttachmentResponse struct{ ResponseHeader }

func (p *OpenAttachmentResponse) code(c *codec) {}

// CreateAttachmentRequest is RopCreateAttachment (MS-OXCROPS 2.2.6.13.1).
type CreateAttachmentRequest struct{ OutHeader }

// CreateAttachmentResponse is its success response (2.2.6.13.2).
type CreateAttachmentResponse struct {
	ResponseHeader
	AttachmentID uint32
}

func (p *CreateAttachmentResponse) code(c *codec) {
	if !p.Failed() {
		c.u32(&p.AttachmentID)
	}
}

// DeleteAttachmentRequest is RopDeleteAttachment (MS-OXCROPS 2.2.6.14.1).
type DeleteAttachmentRequest struct {
	Header
	AttachmentID uint32
}

func (q *DeleteAttachmentRequest) code(c *codec) {
	q.Header.code(c)
	c.u32(&q.AttachmentID)
}

// DeleteAttachmentResponse is its response (2.2.6.14.2).
type DeleteAttachmentResponse struct{ ResponseHeader }

func (p *DeleteAttachmentResponse) code(c *codec) {}

// SaveChangesAttachmentRequest is RopSaveChangesAttachment (MS-OXCROPS
// 2.2.6.15.1).
type SaveChangesAttachmentRequest struct {
	ResponseHandleHeader
	SaveFlags uint8
}

func (q *SaveChangesAttachmentRequest) code(c *codec) {
	q.ResponseHandleHeader.code(c)
	c.u8(&q.SaveFlags)
}

// SaveChangesAttachmentResponse is its response (2.2.6.15.2), carrying
// ResponseHandleIndex.
type SaveChangesAttachmentResponse struct{ ResponseHeader }

func (p *SaveChangesAttachmentResponse) code(c *codec) {}

// OpenEmbeddedMessageRequest is RopOpenEmbeddedMessage (MS-OXCROPS
// 2.2.6.16.1).
type OpenEmbeddedMessageRequest struct {
	OutHeader
	CodePageID    uint16
	OpenModeFlags uint8
}

func (q *OpenEmbeddedMessageRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u16(&q.CodePageID)
	c.u8(&q.OpenModeFlags)
}

// OpenEmbeddedMessageResponse is its success response (2.2.6.16.2):
// Reserved, MessageId, then as RopOpenMessage's.
type OpenEmbeddedMessageResponse struct {
	ResponseHeader
	Reserved  uint8
	MessageID mapi.EID
	MessageHeader
}

func (p *OpenEmbeddedMessageResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	c.u8(&p.Reserved)
	c.id(&p.MessageID)
	p.MessageHeader.code(c)
}

// GetAttachmentTableRequest is RopGetAttachmentTable (MS-OXCROPS
// 2.2.6.17.1).
type GetAttachmentTableRequest struct {
	OutHeader
	TableFlags uint8
}

func (q *GetAttachmentTableRequest) code(c *codec) {
	q.OutHeader.code(c)
	c.u8(&q.TableFlags)
}

// GetAttachmentTableResponse is its response (2.2.6.17.2).
type GetAttachmentTableResponse struct{ ResponseHeader }

func (p *GetAttachmentTableResponse) code(c *codec) {}

// GetValidAttachmentsRequest is RopGetValidAttachments (MS-OXCROPS
// 2.2.6.18.1).
type GetValidAttachmentsRequest struct{ Header }

// GetValidAttachmentsResponse is its success response (2.2.6.18.2):
// AttachmentIdCount (u16) and the u32 ids.
type GetValidAttachmentsResponse struct {
	ResponseHeader
	AttachmentIDs []uint32
}

func (p *GetValidAttachmentsResponse) code(c *codec) {
	if p.Failed() {
		return
	}
	n := int(c.count16(len(p.AttachmentIDs)))
	if !c.room(n, 4) {
		return
	}
	if c.reading() {
		p.AttachmentIDs = make([]uint32, n)
	}
	for i := range p.AttachmentIDs {
		c.u32(&p.AttachmentIDs[i])
	}
}
