package mhclient

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/prototest"
)

// served is the server side of a test: the environment and the user's
// store.
type served struct {
	*prototest.Env
	maildir string
}

// deliver stores raw in the Inbox as delivery does.
func (s *served) deliver(t *testing.T, raw string) {
	t.Helper()
	mc, err := mailbox.ImportRFC5322([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stores.Do(context.Background(), s.maildir, mailbox.Deliver{Raw: []byte(raw), Content: mc}); err != nil {
		t.Fatal(err)
	}
}

// TestMhclientExecute: responses are matched to their requests (none for
// RopRelease), a failed ROP is a *ROPError naming it, output handles are
// those of the requests' slots, and rows are parsed with the columns set
// in the same Execute.
func TestMhclientExecute(t *testing.T) {
	c, _ := serve(t, "")
	ctx := context.Background()
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := c.OpenStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Execute(ctx, []uint32{s.Handle, NoHandle, NoHandle, NoHandle},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: s.FolderIDs[FolderIPMSubtree]},
		&rops.GetHierarchyTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 3}, FolderID: s.FolderIDs[FolderInbox]},
		&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 3}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: []mapi.PropTag{mapi.PrDisplayName, mapi.PrFolderID}},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 100},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 3}, FolderID: mapi.MakeEID(mapi.ReplidLocal, 0x7777777)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Responses[3] != nil || res.Responses[5] == nil || res.Handle(2) == NoHandle {
		t.Fatalf("responses %#v, handles %x", res.Responses, res.Handles)
	}
	var re *ROPError
	if err := res.Err(); !errors.As(err, &re) || re.Index != 6 || re.Rop != "RopOpenFolder" || re.Code != mapi.EcNotFound {
		t.Fatalf("Err: %v", err)
	}
	qr := res.Responses[5].(*rops.QueryRowsResponse)
	var names []string
	for _, r := range qr.RowData {
		names = append(names, String(r.Values, mapi.PrDisplayName))
		if Int(r.Values, mapi.PrFolderID) == 0 {
			t.Errorf("row without a folder id: %+v", r)
		}
	}
	if !strings.Contains(strings.Join(names, "|"), "Inbox") {
		t.Fatalf("hierarchy rows %q", names)
	}
	// The table stays open for the next Execute, with its columns.
	rows, err := c.Execute(ctx, []uint32{res.Handle(2)}, &rops.SeekRowRequest{Origin: rops.BookmarkBeginning}, &rops.QueryRowsRequest{ForwardRead: true, RowCount: 1})
	if err != nil || rows.Err() != nil || len(rows.Responses[1].(*rops.QueryRowsResponse).RowData) != 1 {
		t.Fatalf("next Execute: %v %v", err, rows)
	}
}

// TestMhclientSession: a wrong password and a DN that is not the user's
// are refused; after Disconnect the session context is gone.
func TestMhclientSession(t *testing.T) {
	c, _ := serve(t, "")
	ctx := context.Background()
	bad := *c
	bad.HTTP, bad.Password = nil, "wrong"
	if _, err := bad.Connect(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong password: %v", err)
	}
	other := *c
	other.HTTP, other.UserDN = nil, c.UserDN+"x"
	if _, err := other.Connect(ctx); err == nil || !strings.Contains(err.Error(), "ecAccessDenied") {
		t.Fatalf("another DN: %v", err)
	}
	cr, err := c.Connect(ctx)
	if err != nil || cr.DisplayName == "" || cr.MaxPollingInterval == 0 {
		t.Fatalf("connect: %+v %v", cr, err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Disconnect(ctx); err != nil {
		t.Fatal(err)
	}
	var rc *ResponseCodeError
	if err := c.Ping(ctx); !errors.As(err, &rc) || rc.Code == 0 {
		t.Fatalf("PING after Disconnect: %v", err)
	}
}

// TestMhclientNotification: a delivery wakes WaitNotifications, which
// returns the new-mail RopNotify of the subscription, naming the Inbox
// and the message.
func TestMhclientNotification(t *testing.T) {
	c, srv := serve(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	s, err := c.OpenStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.RegisterNotification(ctx, s, NotifyNewMail)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		srv.deliver(t, "From: a@example.net\r\nTo: fixture@example.org\r\nSubject: wake up\r\nMessage-ID: <w@example.net>\r\n\r\nbody\r\n")
	}()
	notes, err := c.WaitNotifications(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	var mid mapi.EID
	for _, n := range notes {
		if n.NotificationHandle == sub && n.NotificationData.Type() == rops.NotificationNewMail && n.NotificationData.FolderID == s.FolderIDs[FolderInbox] {
			mid = n.NotificationData.MessageID
		}
	}
	if mid == 0 {
		t.Fatalf("no new-mail notification in %+v", notes)
	}
	m, err := c.OpenMessage(ctx, s, s.FolderIDs[FolderInbox], mid, OpenReadOnly)
	if err != nil || m.Header.NormalizedSubject.String != "wake up" {
		t.Fatalf("the notified message: %+v %v", m, err)
	}
}
