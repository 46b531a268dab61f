package mhclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gromox-go/gromox/mapi"
)

// Named properties the walk reads (MS-OXPROPS).
var (
	PSETIDAppointment = mapi.MustGUID("00062002-0000-0000-c000-000000000046")
	PSETIDAddress     = mapi.MustGUID("00062004-0000-0000-c000-000000000046")
	// PidLidAppointmentStartWhole, PidLidAppointmentEndWhole,
	// PidLidLocation, PidLidEmail1EmailAddress.
	nameStart    = mapi.NameByLID(PSETIDAppointment, 0x820D)
	nameEnd      = mapi.NameByLID(PSETIDAppointment, 0x820E)
	nameLocation = mapi.NameByLID(PSETIDAppointment, 0x8208)
	nameEmail1   = mapi.NameByLID(PSETIDAddress, 0x8083)
)

// WalkedMessage is a message as the walk read it.
type WalkedMessage struct {
	ID          mapi.EID
	Subject     string
	Class       string
	Recipients  int
	Attachments []string // AttachmentName of each row of the attachment table
	// Calendar items: Start, End (UTC) and Location; contacts: Email1.
	Start, End       time.Time
	Location, Email1 string
}

// WalkedFolder is a folder and its messages.
type WalkedFolder struct {
	*Folder
	Messages []*WalkedMessage
}

// StoreWalk is what Walk read.
type StoreWalk struct {
	Root    *Folder
	Folders []*WalkedFolder // depth first from the root
	// NamedTags are the tags of start, end, location and email1 (0: the
	// store has no mapping for the name).
	NamedTags [4]mapi.PropTag
}

// Walk reads the whole private store: the folder tree from the root
// through hierarchy tables, each folder's contents table, each message
// opened with its attachment table, and the calendar and contact
// properties by their named properties. It writes a transcript line per
// step to w.
func (c *Client) Walk(ctx context.Context, s *Store, w io.Writer) (*StoreWalk, error) {
	ids, err := c.NamedPropIDs(ctx, s, nameStart, nameEnd, nameLocation, nameEmail1)
	if err != nil {
		return nil, fmt.Errorf("named properties: %w", err)
	}
	sw := &StoreWalk{}
	for i, typ := range []mapi.PropType{mapi.PtSysTime, mapi.PtSysTime, mapi.PtUnicode, mapi.PtUnicode} {
		if ids[i] != 0 {
			sw.NamedTags[i] = mapi.PropTag(uint32(ids[i])<<16 | uint32(typ))
		}
	}
	fmt.Fprintf(w, "named properties: start=%#08x end=%#08x location=%#08x email1=%#08x\n", uint32(sw.NamedTags[0]), uint32(sw.NamedTags[1]), uint32(sw.NamedTags[2]), uint32(sw.NamedTags[3]))
	root, err := c.WalkFolders(ctx, s, s.FolderIDs[FolderRoot])
	if err != nil {
		return nil, fmt.Errorf("folder tree: %w", err)
	}
	sw.Root = root
	for _, f := range root.All() {
		wf := &WalkedFolder{Folder: f}
		sw.Folders = append(sw.Folders, wf)
		name := f.Path
		if f == root {
			name = "(root) " + f.Name
		}
		fmt.Fprintf(w, "folder %s%q id=%d class=%q messages=%d subfolders=%d child-count=%d below=%d\n",
			strings.Repeat("  ", f.Depth), name, f.ID.GCV(), f.ContainerClass, f.ContentCount, len(f.Children), f.ChildCount, f.Descendants())
		if f.ContentCount == 0 {
			continue
		}
		if err := c.walkContents(ctx, s, sw, wf, w); err != nil {
			return nil, fmt.Errorf("folder %q: %w", f.Path, err)
		}
	}
	return sw, nil
}

func (c *Client) walkContents(ctx context.Context, s *Store, sw *StoreWalk, wf *WalkedFolder, w io.Writer) error {
	h, err := c.OpenFolder(ctx, s, wf.ID)
	if err != nil {
		return err
	}
	rows, err := c.ContentsRows(ctx, h, mapi.PrMID, mapi.PrSubject, mapi.PrMessageClass)
	c.Release(ctx, h)
	if err != nil {
		return err
	}
	indent := strings.Repeat("  ", wf.Depth+1)
	for _, r := range rows {
		m := &WalkedMessage{ID: mapi.EID(Int(r.Values, mapi.PrMID)), Subject: String(r.Values, mapi.PrSubject), Class: String(r.Values, mapi.PrMessageClass)}
		wf.Messages = append(wf.Messages, m)
		om, err := c.OpenMessage(ctx, s, wf.ID, m.ID, OpenReadOnly)
		if err != nil {
			return err
		}
		m.Recipients = int(om.Header.RecipientCount)
		atts, err := c.AttachmentRows(ctx, om, AttachmentColumns...)
		if err != nil {
			c.Release(ctx, om.Handle)
			return fmt.Errorf("attachments of %q: %w", m.Subject, err)
		}
		for _, a := range atts {
			m.Attachments = append(m.Attachments, AttachmentName(a.Values))
		}
		fmt.Fprintf(w, "%smessage id=%d %q class=%s recipients=%d attachments=%d%s\n", indent, m.ID.GCV(), m.Subject, m.Class, m.Recipients, len(m.Attachments), quoteList(m.Attachments))
		var tags []mapi.PropTag
		switch {
		case strings.HasPrefix(m.Class, "IPM.Appointment"):
			tags = []mapi.PropTag{sw.NamedTags[0], sw.NamedTags[1], sw.NamedTags[2]}
		case strings.HasPrefix(m.Class, "IPM.Contact"):
			tags = []mapi.PropTag{mapi.PrDisplayName, sw.NamedTags[3]}
		}
		if len(tags) > 0 && !containsZero(tags) {
			vals, err := c.GetProps(ctx, om.Handle, tags...)
			if err != nil {
				c.Release(ctx, om.Handle)
				return err
			}
			if ft, ok := Value(vals, sw.NamedTags[0]).(mapi.FileTime); ok {
				m.Start = ft.Time()
			}
			if ft, ok := Value(vals, sw.NamedTags[1]).(mapi.FileTime); ok {
				m.End = ft.Time()
			}
			m.Location = String(vals, sw.NamedTags[2])
			m.Email1 = String(vals, sw.NamedTags[3])
			if strings.HasPrefix(m.Class, "IPM.Appointment") {
				fmt.Fprintf(w, "%s  appointment start=%s end=%s location=%q\n", indent, fmtTime(m.Start), fmtTime(m.End), m.Location)
			} else {
				fmt.Fprintf(w, "%s  contact display-name=%q email1=%q\n", indent, String(vals, mapi.PrDisplayName), m.Email1)
			}
		}
		c.Release(ctx, om.Handle)
	}
	return nil
}

func containsZero(tags []mapi.PropTag) bool {
	for _, t := range tags {
		if t == 0 {
			return true
		}
	}
	return false
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "(none)"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func quoteList(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return " [" + strings.Join(q, " ") + "]"
}

// FlowOptions says what Flow sends and looks up.
type FlowOptions struct {
	// Resolve is the name Flow resolves in the address book ("": the
	// user's own address).
	Resolve string
	// WaitFor bounds the wait for the new-mail notification (0: 60 s).
	WaitFor time.Duration
}

// FlowResult is what Flow saw.
type FlowResult struct {
	Discovery *Discovery
	Store     *Store
	Folders   int
	Inbox     []string // subjects in the Inbox before the flow's own mail
	Created   mapi.EID
	NewMail   mapi.EID // the message the new-mail notification named
	Resolved  *Entry
}

// Flow is the whole session of a mail client, each step checked against
// what the server answers and written to w as a transcript line:
// AutoDiscover, Connect, Logon, the folder tree, the Inbox's contents; a
// message with a recipient and an attachment made in Drafts, read back,
// changed and read again; a message to the user itself submitted and its
// new-mail notification awaited; the made message deleted and gone; a
// name resolved in the address book; Disconnect.
func (c *Client) Flow(ctx context.Context, w io.Writer, o FlowOptions) (*FlowResult, error) {
	res := &FlowResult{}
	step := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	d, err := c.AutoDiscover(ctx)
	if err != nil {
		return res, err
	}
	res.Discovery = d
	step("autodiscover: %q dn=%s mailstore=%s addressbook=%s", d.DisplayName, d.LegacyDN, d.MailStoreURL, d.AddressBookURL)
	cr, err := c.Connect(ctx)
	if err != nil {
		return res, err
	}
	step("connect: display-name=%q dn-prefix=%q polls-max=%dms", cr.DisplayName, cr.DNPrefix, cr.MaxPollingInterval)
	s, err := c.OpenStore(ctx)
	if err != nil {
		return res, fmt.Errorf("logon: %w", err)
	}
	res.Store = s
	step("logon: mailbox-guid=%v ipm-subtree=%d inbox=%d outbox=%d sent=%d", s.Logon.MailboxGUID, s.FolderIDs[FolderIPMSubtree].GCV(), s.FolderIDs[FolderInbox].GCV(), s.FolderIDs[FolderOutbox].GCV(), s.FolderIDs[FolderSentItems].GCV())
	root, err := c.WalkFolders(ctx, s, s.FolderIDs[FolderIPMSubtree])
	if err != nil {
		return res, fmt.Errorf("folder tree: %w", err)
	}
	var drafts mapi.EID
	var paths []string
	for _, f := range root.All()[1:] {
		paths = append(paths, f.Path)
		if f.Name == "Drafts" && f.Depth == 1 {
			drafts = f.ID
		}
	}
	res.Folders = len(paths)
	step("folders below %q: %d: %s", root.Name, len(paths), strings.Join(paths, ", "))
	if drafts == 0 {
		return res, fmt.Errorf("no Drafts folder below %q", root.Name)
	}
	inbox, err := c.OpenFolder(ctx, s, s.FolderIDs[FolderInbox])
	if err != nil {
		return res, err
	}
	rows, err := c.ContentsRows(ctx, inbox, mapi.PrMID, mapi.PrSubject)
	c.Release(ctx, inbox)
	if err != nil {
		return res, fmt.Errorf("inbox contents: %w", err)
	}
	for _, r := range rows {
		res.Inbox = append(res.Inbox, String(r.Values, mapi.PrSubject))
	}
	step("inbox: %d messages: %s", len(rows), quoteList(res.Inbox))

	// Make, read back, change.
	att := Attachment{Name: "notes.txt", Data: []byte("attachment data written over MAPI\r\n")}
	draft := Draft{Subject: "Made by mhclient", Body: "first body", To: []Recipient{{Type: 1, DisplayName: "Bob Example", Address: "bob@example.net"}}, Attachments: []Attachment{att}}
	m, mid, err := c.CreateMessage(ctx, s, drafts, draft)
	if err != nil {
		return res, fmt.Errorf("create: %w", err)
	}
	c.Release(ctx, m.Handle)
	res.Created = mid
	step("create: id=%d in Drafts subject=%q to=%s attachment=%q (%d bytes)", mid.GCV(), draft.Subject, draft.To[0].Address, att.Name, len(att.Data))
	if err := c.checkMessage(ctx, s, drafts, mid, draft.Subject, "first body", "bob@example.net", att, w); err != nil {
		return res, fmt.Errorf("read back: %w", err)
	}
	m, err = c.OpenMessage(ctx, s, drafts, mid, OpenReadWrite)
	if err != nil {
		return res, err
	}
	if err := c.SetProps(ctx, m.Handle, mapi.PropVal{Tag: mapi.PrSubject, Value: "Changed by mhclient"}, mapi.PropVal{Tag: mapi.PrBody, Value: "second body"}); err != nil {
		return res, fmt.Errorf("change: %w", err)
	}
	if _, err := c.SaveMessage(ctx, m); err != nil {
		return res, fmt.Errorf("change: %w", err)
	}
	c.Release(ctx, m.Handle)
	step("change: subject=%q body=%q saved", "Changed by mhclient", "second body")
	if err := c.checkMessage(ctx, s, drafts, mid, "Changed by mhclient", "second body", "bob@example.net", att, w); err != nil {
		return res, fmt.Errorf("read back after change: %w", err)
	}

	// Submit one to oneself and wait for its arrival.
	sub, err := c.RegisterNotification(ctx, s, NotifyNewMail)
	if err != nil {
		return res, fmt.Errorf("register notification: %w", err)
	}
	step("register-notification: new mail, whole store, handle=%#x", sub)
	c.Notifications()
	// Made in the Outbox, not in Drafts: the server hands out the same
	// MessageID for every RopCreateMessage in a folder (the id is
	// allocated in a read transaction, so the folder's next id is never
	// advanced), and a second message made in Drafts fails to save with
	// ecInvalidParam. A client may submit from any folder; older
	// Outlook versions used the Outbox.
	self := Draft{Subject: "Sent to myself by mhclient", Body: "over MAPI", To: []Recipient{{Type: 1, DisplayName: d.DisplayName, Address: c.User}}}
	sm, smid, err := c.CreateMessage(ctx, s, s.FolderIDs[FolderOutbox], self)
	if err != nil {
		return res, fmt.Errorf("submit: create: %w", err)
	}
	if err := c.SubmitMessage(ctx, sm); err != nil {
		return res, fmt.Errorf("submit: %w", err)
	}
	c.Release(ctx, sm.Handle)
	step("submit: id=%d in Outbox subject=%q to=%s", smid.GCV(), self.Subject, c.User)
	wait := o.WaitFor
	if wait == 0 {
		wait = time.Minute
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	for res.NewMail == 0 {
		notes, err := c.WaitNotifications(wctx, s)
		if err != nil {
			return res, fmt.Errorf("waiting for new mail: %w", err)
		}
		for _, n := range notes {
			step("notify: handle=%#x type=%#04x folder=%d message=%d class=%q", n.NotificationHandle, n.NotificationData.NotificationFlags, n.NotificationData.FolderID.GCV(), n.NotificationData.MessageID.GCV(), n.NotificationData.MessageClass)
			if n.NotificationHandle == sub && n.NotificationData.Type() == 0x0002 && n.NotificationData.FolderID == s.FolderIDs[FolderInbox] {
				res.NewMail = n.NotificationData.MessageID
			}
		}
	}
	nm, err := c.OpenMessage(ctx, s, s.FolderIDs[FolderInbox], res.NewMail, OpenReadOnly)
	if err != nil {
		return res, fmt.Errorf("new mail: %w", err)
	}
	vals, err := c.GetProps(ctx, nm.Handle, mapi.PrSubject)
	c.Release(ctx, nm.Handle)
	if err != nil {
		return res, err
	}
	if got := String(vals, mapi.PrSubject); got != self.Subject {
		return res, fmt.Errorf("new mail has subject %q, want %q", got, self.Subject)
	}
	step("new mail: id=%d in Inbox subject=%q", res.NewMail.GCV(), self.Subject)

	// Delete the made message.
	if err := c.DeleteMessages(ctx, s, drafts, mid); err != nil {
		return res, fmt.Errorf("delete: %w", err)
	}
	if _, err := c.OpenMessage(ctx, s, drafts, mid, OpenReadOnly); err == nil {
		return res, fmt.Errorf("delete: message %d still opens", mid.GCV())
	}
	step("delete: id=%d deleted, opening it fails", mid.GCV())

	name := o.Resolve
	if name == "" {
		name = c.User
	}
	e, err := c.ResolveName(ctx, name)
	if err != nil {
		return res, fmt.Errorf("address book: %w", err)
	}
	res.Resolved = e
	step("resolve %q: display-name=%q smtp=%s dn=%s", name, e.DisplayName, e.SMTPAddress, e.EmailDN)
	if err := c.Disconnect(ctx); err != nil {
		return res, err
	}
	err = c.Ping(ctx)
	step("disconnect: done; PING after it: %v", err)
	if err == nil {
		return res, fmt.Errorf("the session context is still there after Disconnect")
	}
	return res, nil
}

// checkMessage opens a message and checks subject, body, its one
// recipient and its one attachment with the data.
func (c *Client) checkMessage(ctx context.Context, s *Store, fid, mid mapi.EID, subject, body, rcpt string, att Attachment, w io.Writer) error {
	m, err := c.OpenMessage(ctx, s, fid, mid, OpenReadOnly)
	if err != nil {
		return err
	}
	defer c.Release(ctx, m.Handle)
	vals, err := c.GetProps(ctx, m.Handle, mapi.PrSubject, mapi.PrBody, mapi.PrHasAttach)
	if err != nil {
		return err
	}
	rcpts, err := c.Recipients(ctx, m)
	if err != nil {
		return err
	}
	atts, err := c.AttachmentRows(ctx, m, AttachmentColumns...)
	if err != nil {
		return err
	}
	var data []byte
	if len(atts) == 1 {
		if data, err = c.ReadAttachment(ctx, m, uint32(Int(atts[0].Values, mapi.PrAttachNum))); err != nil {
			return err
		}
	}
	var to []string
	for _, r := range rcpts {
		to = append(to, r.RecipientRow.EmailAddress)
	}
	fmt.Fprintf(w, "read: id=%d subject=%q body=%q recipients=%v attachments=%d%s data=%q\n", mid.GCV(), String(vals, mapi.PrSubject), String(vals, mapi.PrBody), to, len(atts), quoteList(attNames(atts)), data)
	switch {
	case String(vals, mapi.PrSubject) != subject:
		return fmt.Errorf("subject %q, want %q", String(vals, mapi.PrSubject), subject)
	case String(vals, mapi.PrBody) != body:
		return fmt.Errorf("body %q, want %q", String(vals, mapi.PrBody), body)
	case len(rcpts) != 1 || !strings.EqualFold(rcpts[0].RecipientRow.EmailAddress, rcpt):
		return fmt.Errorf("recipients %v, want %s", to, rcpt)
	case len(atts) != 1 || AttachmentName(atts[0].Values) != att.Name || !bytes.Equal(data, att.Data):
		return fmt.Errorf("attachments %v with %q, want %q with %q", attNames(atts), data, att.Name, att.Data)
	}
	return nil
}

func attNames(rows []mapi.PropRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, AttachmentName(r.Values))
	}
	return out
}
