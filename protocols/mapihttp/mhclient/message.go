package mhclient

import (
	"context"
	"errors"
	"fmt"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
)

// OpenModeFlags of RopOpenMessage (MS-OXCMSG 2.2.3.1.1).
const (
	OpenReadOnly  = 0x00
	OpenReadWrite = 0x01
)

// Message is an open message.
type Message struct {
	Handle uint32
	Header rops.MessageHeader
}

// OpenMessage opens the message mid of folder fid (RopOpenMessage,
// MS-OXCROPS 2.2.6.1) through the store logon.
func (c *Client) OpenMessage(ctx context.Context, s *Store, fid, mid mapi.EID, mode uint8) (*Message, error) {
	res, err := c.Execute(ctx, []uint32{s.Handle, NoHandle},
		&rops.OpenMessageRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, CodePageID: 0x0FFF, FolderID: fid, MessageID: mid, OpenModeFlags: mode})
	if err != nil {
		return nil, err
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("open message %v: %w", mid, err)
	}
	return &Message{Handle: res.Handle(1), Header: res.Responses[0].(*rops.OpenMessageResponse).MessageHeader}, nil
}

// Recipients reads the recipient rows of the message from the first
// (RopReadRecipients, MS-OXCROPS 2.2.6.6).
func (c *Client) Recipients(ctx context.Context, m *Message) ([]rops.ReadRecipientRow, error) {
	var out []rops.ReadRecipientRow
	for {
		res, err := c.Execute(ctx, []uint32{m.Handle}, &rops.ReadRecipientsRequest{RowID: uint32(len(out))})
		if err != nil {
			return nil, err
		}
		if err := res.Err(); err != nil {
			var re *ROPError
			if errors.As(err, &re) && re.Code == mapi.EcNotFound {
				return out, nil // past the last row
			}
			return nil, err
		}
		rows := res.Responses[0].(*rops.ReadRecipientsResponse).RecipientRows
		if len(rows) == 0 {
			return out, nil
		}
		out = append(out, rows...)
		if len(out) >= int(m.Header.RecipientCount) {
			return out, nil
		}
	}
}

// AttachmentRows reads the attachment table of the message
// (RopGetAttachmentTable, MS-OXCROPS 2.2.6.17) with cols.
func (c *Client) AttachmentRows(ctx context.Context, m *Message, cols ...mapi.PropTag) ([]mapi.PropRow, error) {
	return c.tableRows(ctx, m.Handle, &rops.GetAttachmentTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}}, cols)
}

// AttachmentName is the name a MAPI client shows for an attachment: the
// long file name, else the short one, else the display name (an
// embedded message's subject).
func AttachmentName(vals []mapi.PropVal) string {
	for _, t := range []mapi.PropTag{mapi.PrAttachLongFilename, mapi.PrAttachFilename, mapi.PrDisplayName} {
		if s := String(vals, t); s != "" {
			return s
		}
	}
	return ""
}

// AttachmentColumns are the columns AttachmentName needs, after
// PR_ATTACH_NUM.
var AttachmentColumns = []mapi.PropTag{mapi.PrAttachNum, mapi.PrAttachLongFilename, mapi.PrAttachFilename, mapi.PrDisplayName, mapi.PrAttachMethod}

// ReadAttachment reads the data of attachment num of the message
// (RopOpenAttachment, RopOpenStream on PR_ATTACH_DATA_BIN, RopReadStream
// until it returns less than asked; MS-OXCPRPT).
func (c *Client) ReadAttachment(ctx context.Context, m *Message, num uint32) ([]byte, error) {
	res, err := c.Execute(ctx, []uint32{m.Handle, NoHandle, NoHandle},
		&rops.OpenAttachmentRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, AttachmentID: num},
		&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, PropertyTag: mapi.PrAttachDataBin})
	if err != nil {
		return nil, err
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	att, stream := res.Handle(1), res.Handle(2)
	defer c.Release(ctx, stream, att)
	size := res.Responses[1].(*rops.OpenStreamResponse).StreamSize
	var data []byte
	for uint32(len(data)) < size {
		res, err := c.Execute(ctx, []uint32{stream}, &rops.ReadStreamRequest{ByteCount: 0x7000})
		if err != nil {
			return nil, err
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		chunk := res.Responses[0].(*rops.ReadStreamResponse).Data
		if len(chunk) == 0 {
			break
		}
		data = append(data, chunk...)
	}
	return data, nil
}

// NamedPropIDs maps named properties to the store's property ids
// (RopGetPropertyIdsFromNames, MS-OXCPRPT) without creating
// mappings; an unknown name maps to 0.
func (c *Client) NamedPropIDs(ctx context.Context, s *Store, names ...mapi.PropName) ([]uint16, error) {
	res, err := c.Execute(ctx, []uint32{s.Handle}, &rops.GetPropertyIDsFromNamesRequest{PropertyNames: names})
	if err != nil {
		return nil, err
	}
	// ecWarnWithErrors (0x00040380) says some names are unknown.
	if err := res.Err(); err != nil {
		var re *ROPError
		if !errors.As(err, &re) || re.Code != mapi.EcWarnWithErrors {
			return nil, err
		}
	}
	p, ok := res.Responses[0].(*rops.GetPropertyIDsFromNamesResponse)
	if !ok || len(p.PropertyIDs) != len(names) {
		return nil, fmt.Errorf("mhclient: GetPropertyIdsFromNames: %d ids for %d names", len(p.PropertyIDs), len(names))
	}
	return p.PropertyIDs, nil
}

// Recipient is a recipient of a message the client writes.
type Recipient struct {
	Type        uint8 // MAPI_TO 1, MAPI_CC 2, MAPI_BCC 3
	DisplayName string
	Address     string // SMTP
}

// Attachment is a file attached to a message the client writes.
type Attachment struct {
	Name string
	Data []byte
}

// Draft is a message the client makes.
type Draft struct {
	Subject     string
	Body        string
	Class       string // "": IPM.Note
	To          []Recipient
	Attachments []Attachment
}

// CreateMessage makes a message in folder fid and saves it: its
// properties (RopSetProperties), recipients (RopModifyRecipients), each
// attachment with its data written through a stream (RopCreateAttachment,
// RopOpenStream, RopWriteStream, RopCommitStream,
// RopSaveChangesAttachment), then RopSaveChangesMessage (MS-OXCMSG). It
// returns the message, still open read/write, and its id.
func (c *Client) CreateMessage(ctx context.Context, s *Store, fid mapi.EID, d Draft) (*Message, mapi.EID, error) {
	class := d.Class
	if class == "" {
		class = "IPM.Note"
	}
	res, err := c.Execute(ctx, []uint32{s.Handle, NoHandle},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, CodePageID: 0x0FFF, FolderID: fid},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyValues: []mapi.PropVal{
			{Tag: mapi.PrSubject, Value: d.Subject}, {Tag: mapi.PrMessageClass, Value: class}, {Tag: mapi.PrBody, Value: d.Body}}})
	if err != nil {
		return nil, 0, err
	}
	if err := res.Err(); err != nil {
		return nil, 0, err
	}
	m := &Message{Handle: res.Handle(1)}
	if err := c.SetRecipients(ctx, m, d.To); err != nil {
		return nil, 0, err
	}
	for _, a := range d.Attachments {
		if err := c.AddAttachment(ctx, m, a); err != nil {
			return nil, 0, err
		}
	}
	mid, err := c.SaveMessage(ctx, m)
	return m, mid, err
}

// SetRecipients replaces the recipients of the message
// (RopModifyRecipients, MS-OXCROPS 2.2.6.5).
func (c *Client) SetRecipients(ctx context.Context, m *Message, to []Recipient) error {
	if len(to) == 0 {
		return nil
	}
	cols := []mapi.PropTag{mapi.PrRecipientType, mapi.PrSMTPAddress}
	rows := make([]rops.ModifyRecipientRow, len(to))
	for i, r := range to {
		typ := r.Type
		if typ == 0 {
			typ = 1
		}
		rows[i] = rops.ModifyRecipientRow{RowID: uint32(i), RecipientType: typ, RecipientRow: &rops.RecipientRow{
			// RecipientFlags (MS-OXCDATA RecipientRow): strings in
			// Unicode, an SMTP address type, the e-mail address and the
			// display name present, as the server's own tests write them.
			RecipientFlags: rops.RecipientFlagU | rops.RecipientFlagO | rops.RecipientFlagE | rops.RecipientFlagD,
			AddressType:    "SMTP", EmailAddress: r.Address, DisplayName: r.DisplayName,
			Properties: mapi.PropRow{Values: []mapi.PropVal{{Tag: mapi.PrRecipientType, Value: int32(typ)}, {Tag: mapi.PrSMTPAddress, Value: r.Address}}}}}
	}
	res, err := c.Execute(ctx, []uint32{m.Handle}, &rops.ModifyRecipientsRequest{RecipientColumns: cols, RecipientRows: rows})
	if err != nil {
		return err
	}
	return res.Err()
}

// AddAttachment attaches a file to the message (MS-OXCMSG: by
// value, ATTACH_BY_VALUE, its data written through a stream). The data
// goes in chunks of one RopWriteStream per Execute: a ROP input buffer
// holds at most 32 KiB (MS-OXCRPC: RopSize).
func (c *Client) AddAttachment(ctx context.Context, m *Message, a Attachment) error {
	res, err := c.Execute(ctx, []uint32{m.Handle, NoHandle, NoHandle},
		&rops.CreateAttachmentRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyValues: []mapi.PropVal{
			{Tag: mapi.PrAttachMethod, Value: int32(1)}, {Tag: mapi.PrAttachLongFilename, Value: a.Name}, {Tag: mapi.PrDisplayName, Value: a.Name}}},
		&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, PropertyTag: mapi.PrAttachDataBin, OpenModeFlags: 2 /* create */})
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	att, stream := res.Handle(1), res.Handle(2)
	for data := a.Data; len(data) > 0; {
		n := min(len(data), 0x7000)
		res, err := c.Execute(ctx, []uint32{stream}, &rops.WriteStreamRequest{Data: data[:n]})
		if err != nil {
			return err
		}
		if err := res.Err(); err != nil {
			return err
		}
		if w := res.Responses[0].(*rops.WriteStreamResponse).WrittenSize; int(w) != n {
			return fmt.Errorf("mhclient: WriteStream wrote %d of %d bytes", w, n)
		}
		data = data[n:]
	}
	res, err = c.Execute(ctx, []uint32{att, stream},
		&rops.CommitStreamRequest{Header: rops.Header{InputHandleIndex: 1}},
		&rops.SaveChangesAttachmentRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 0, InputHandleIndex: 0}},
		&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 1}},
		&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 0}})
	if err != nil {
		return err
	}
	return res.Err()
}

// SaveMessage commits the open message (RopSaveChangesMessage,
// MS-OXCROPS 2.2.6.3) and returns its id.
func (c *Client) SaveMessage(ctx context.Context, m *Message) (mapi.EID, error) {
	res, err := c.Execute(ctx, []uint32{m.Handle},
		&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 0, InputHandleIndex: 0}, SaveFlags: 0x02 /* KeepOpenReadWrite */})
	if err != nil {
		return 0, err
	}
	if err := res.Err(); err != nil {
		return 0, err
	}
	return res.Responses[0].(*rops.SaveChangesMessageResponse).MessageID, nil
}

// SubmitMessage hands the open, saved message to the transport
// (RopSubmitMessage, MS-OXCROPS 2.2.7.1).
func (c *Client) SubmitMessage(ctx context.Context, m *Message) error {
	res, err := c.Execute(ctx, []uint32{m.Handle}, &rops.SubmitMessageRequest{})
	if err != nil {
		return err
	}
	return res.Err()
}

// DeleteMessages deletes messages of the folder fid (RopDeleteMessages,
// MS-OXCROPS 2.2.4.11).
func (c *Client) DeleteMessages(ctx context.Context, s *Store, fid mapi.EID, mids ...mapi.EID) error {
	res, err := c.Execute(ctx, []uint32{s.Handle, NoHandle},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: fid},
		&rops.DeleteMessagesRequest{Header: rops.Header{InputHandleIndex: 1}, MessageIDs: mids},
		&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 1}})
	if err != nil {
		return err
	}
	if err := res.Err(); err != nil {
		return err
	}
	if res.Responses[1].(*rops.DeleteMessagesResponse).PartialCompletion {
		return fmt.Errorf("mhclient: DeleteMessages: partial completion")
	}
	return nil
}

// Notification types of RopRegisterNotification (MS-OXCNOTIF).
const (
	NotifyNewMail       = 0x0002
	NotifyObjectCreated = 0x0004
	NotifyObjectDeleted = 0x0008
	NotifyObjectMod     = 0x0010
)

// RegisterNotification subscribes to events of the whole store
// (RopRegisterNotification, MS-OXCROPS 2.2.14.1) and returns the
// subscription's handle, which its RopNotify responses carry.
func (c *Client) RegisterNotification(ctx context.Context, s *Store, types uint16) (uint32, error) {
	res, err := c.Execute(ctx, []uint32{s.Handle, NoHandle},
		&rops.RegisterNotificationRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, NotificationTypes: types, WantWholeStore: true})
	if err != nil {
		return NoHandle, err
	}
	if err := res.Err(); err != nil {
		return NoHandle, err
	}
	return res.Handle(1), nil
}

// WaitNotifications returns the notifications of the session: those
// already received, else it waits with NotificationWait and collects
// them with an Execute (MS-OXCMAPIHTTP: the RopNotify responses
// ride on the next Execute). It returns none when the wait ended without
// events.
func (c *Client) WaitNotifications(ctx context.Context, s *Store) ([]*rops.NotifyResponse, error) {
	if n := c.Notifications(); len(n) > 0 {
		return n, nil
	}
	pending, err := c.NotificationWait(ctx)
	if err != nil || !pending {
		return nil, err
	}
	// Any ROP carries them; RopGetPropertiesList on the logon is cheap.
	if _, err := c.Execute(ctx, []uint32{s.Handle}, &rops.GetPropertiesListRequest{}); err != nil {
		return nil, err
	}
	return c.Notifications(), nil
}
