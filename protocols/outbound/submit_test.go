package outbound

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"go.uber.org/zap"
)

type submitEnv struct {
	sub    *Submitter
	relay  *relay
	stores *mailbox.Registry
	sys    *actors.System
	alice  *directory.User
	bob    *directory.User
}

func newSubmitEnv(t *testing.T) *submitEnv {
	t.Helper()
	tmp := t.TempDir()
	db, err := directory.OpenSQLite(filepath.Join(tmp, "userdb.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.AddDomain(ctx, directory.NewDomain{Name: "example.org"}); err != nil {
		t.Fatal(err)
	}
	e := &submitEnv{relay: startRelay(t)}
	for i, name := range []string{"alice@example.org", "bob@example.org"} {
		dir := filepath.Join(tmp, name)
		display := []string{"Alice", "Bob"}[i]
		u, err := db.AddUser(ctx, directory.NewUser{Username: name, Password: "x", DisplayName: display, Maildir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if err := mailbox.CreatePrivate(dir, mailbox.PrivateParams{UserID: uint32(i + 1), Language: "en"}); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			e.alice = u
		} else {
			e.bob = u
		}
	}
	sys := actors.NewSystem(zap.NewNop(), nil)
	e.sys = sys
	e.stores = mailbox.NewRegistry(sys, zap.NewNop(), mailbox.Options{})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		e.stores.Shutdown(ctx)
		sys.Shutdown()
	})
	out, err := New("smtp://" + e.relay.addr)
	if err != nil {
		t.Fatal(err)
	}
	e.sub = &Submitter{Stores: e.stores, Dir: db, Out: out, Log: zap.NewNop()}
	return e
}

// draft writes a message into alice's Outbox as a MAPI client would.
func (e *submitEnv) draft(t *testing.T, extra ...mapi.PropVal) uint64 {
	t.Helper()
	mc := &mailbox.MessageContent{
		Props: append(mailbox.Props{
			{Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: mapi.PrSubject, Value: "Quarterly numbers"},
			{Tag: mapi.PrBody, Value: "See attached.\r\n"},
			{Tag: mapi.PrMessageFlags, Value: int32(mapi.MsgFlagUnsent)},
		}, extra...),
		Recipients: []mailbox.Props{
			{{Tag: mapi.PrDisplayName, Value: "Bob"}, {Tag: mapi.PrEmailAddress, Value: "bob@example.org"}, {Tag: mapi.PrAddrType, Value: "SMTP"}, {Tag: mapi.PrRecipientType, Value: int32(1)}},
			{{Tag: mapi.PrDisplayName, Value: "Carol"}, {Tag: mapi.PrSMTPAddress, Value: "carol@example.net"}, {Tag: mapi.PrRecipientType, Value: int32(2)}},
			{{Tag: mapi.PrDisplayName, Value: "Secret"}, {Tag: mapi.PrSMTPAddress, Value: "dave@example.net"}, {Tag: mapi.PrRecipientType, Value: int32(3)}},
		},
	}
	res, err := mailbox.Do[mailbox.WriteResult](context.Background(), e.stores, e.alice.Maildir,
		mailbox.WriteMessage{FolderID: mapi.PrivateFIDOutbox, Content: mc})
	if err != nil {
		t.Fatal(err)
	}
	return res.MessageID
}

func (e *submitEnv) count(t *testing.T, dir string, fid uint64) int {
	t.Helper()
	ids, err := mailbox.Do[[]uint64](context.Background(), e.stores, dir, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.MessageIDs(fid, false)
	}))
	if err != nil {
		t.Fatal(err)
	}
	return len(ids)
}

func TestSubmitLocalAndRemote(t *testing.T) {
	e := newSubmitEnv(t)
	mid := e.draft(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.sub.Submit(ctx, e.alice, mid); err != nil {
		t.Fatal(err)
	}
	// Remote recipients through the relay, without the Bcc header; the
	// local one delivered into bob's Inbox directly.
	e.relay.mu.Lock()
	msgs := append([]relayed(nil), e.relay.msgs...)
	e.relay.mu.Unlock()
	if len(msgs) != 1 || strings.Join(msgs[0].to, ",") != "carol@example.net,dave@example.net" || msgs[0].from != "alice@example.org" {
		t.Fatalf("relayed %+v", msgs)
	}
	if strings.Contains(msgs[0].data, "dave@example.net") || !strings.Contains(msgs[0].data, "Subject: Quarterly numbers") {
		t.Fatalf("relayed message:\n%s", msgs[0].data)
	}
	if n := e.count(t, e.bob.Maildir, mapi.PrivateFIDInbox); n != 1 {
		t.Fatalf("bob's inbox has %d messages", n)
	}
	// Filed in Sent Items, no longer unsent.
	if e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 0 || e.count(t, e.alice.Maildir, mapi.PrivateFIDSentItems) != 1 {
		t.Fatal("the sent message was not moved from the Outbox to Sent Items")
	}
	sent, err := mailbox.Do[[]uint64](ctx, e.stores, e.alice.Maildir, mailbox.ReadFunc(func(tx *mailbox.Tx) (any, error) {
		return tx.MessageIDs(mapi.PrivateFIDSentItems, false)
	}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := mailbox.Do[mailbox.Props](ctx, e.stores, e.alice.Maildir, mailbox.GetMessageProps{MessageID: sent[0], Tags: []mapi.PropTag{mapi.PrMessageFlags}})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := p.Get(mapi.PrMessageFlags); f.(int32)&mapi.MsgFlagUnsent != 0 {
		t.Fatalf("sent message still unsent: %#x", f)
	}
}

func TestSubmitDeleteAfterSubmit(t *testing.T) {
	e := newSubmitEnv(t)
	mid := e.draft(t, mapi.PropVal{Tag: mapi.PrDeleteAfterSubmit, Value: true})
	if err := e.sub.Submit(context.Background(), e.alice, mid); err != nil {
		t.Fatal(err)
	}
	if e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 0 || e.count(t, e.alice.Maildir, mapi.PrivateFIDSentItems) != 0 {
		t.Fatal("a delete-after-submit message was kept")
	}
}

// A relay that refuses leaves the message in the Outbox, unsent, with the
// reason in the error.
func TestSubmitFailureLeavesOutbox(t *testing.T) {
	e := newSubmitEnv(t)
	dead, _ := New("smtp://127.0.0.1:1")
	e.sub.Out = dead
	mid := e.draft(t)
	err := e.sub.Submit(context.Background(), e.alice, mid)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("submit through a dead relay: %v", err)
	}
	if e.count(t, e.alice.Maildir, mapi.PrivateFIDOutbox) != 1 {
		t.Fatal("failed message left the Outbox")
	}
}
