package mapihttp

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/outbound"
)

// sinkSender records what the outbound path hands to the MTA.
type sinkSender struct {
	mu   sync.Mutex
	sent []string
}

func (s *sinkSender) Send(_ context.Context, from string, to []string, msg []byte) error {
	s.mu.Lock()
	s.sent = append(s.sent, string(msg))
	s.mu.Unlock()
	return nil
}

func (s *sinkSender) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent)
}

// TestDeferredSubmitAndAbort: Outlook's "Delay delivery" through MAPI/HTTP
// with the real outbound path. RopSubmitMessage of a message with a
// deferred send time succeeds and leaves it queued, unsent;
// RopAbortSubmit takes it back (the queue no longer holds it) and a
// second abort, like an abort of a message never deferred, is
// ecNotInQueue.
func TestDeferredSubmitAndAbort(t *testing.T) {
	e := newEnv(t)
	sink := &sinkSender{}
	sub := &outbound.Submitter{Stores: e.Stores, Dir: e.DB, Out: sink, Log: e.Log}
	q, err := outbound.StartDeferredQueue(context.Background(), e.Sys, e.Spawner, outbound.DeferredConfig{
		Path: filepath.Join(t.TempDir(), outbound.DeferredStateFile), Sender: sub, Log: e.Log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	sub.Deferred = q
	e.srv.submit = sub

	c := e.client(t)
	lh, _ := c.logon()
	outbox := mapi.EID(wireID(mapi.PrivateFIDOutbox))
	later := mapi.FileTimeOf(time.Now().Add(time.Hour))
	out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, nil,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: outbox},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: outbox},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyValues: []mapi.PropVal{
			{Tag: mapi.PrSubject, Value: "later"}, {Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: 0x3FEF0040 /* PR_DEFERRED_SEND_TIME */, Value: later}}},
		&rops.ModifyRecipientsRequest{Header: rops.Header{InputHandleIndex: 2}, RecipientColumns: []mapi.PropTag{mapi.PrRecipientType, prSmtpAddress},
			RecipientRows: []rops.ModifyRecipientRow{{RowID: 0, RecipientType: 1, RecipientRow: &rops.RecipientRow{
				RecipientFlags: rops.RecipientFlagU | rops.RecipientFlagO | rops.RecipientFlagE | rops.RecipientFlagD,
				AddressType:    "SMTP", EmailAddress: "bob@example.net", DisplayName: "Bob",
				Properties: mapi.PropRow{Values: []mapi.PropVal{{Tag: mapi.PrRecipientType, Value: int32(1)}, {Tag: prSmtpAddress, Value: "bob@example.net"}}}}}}},
		&rops.SubmitMessageRequest{Header: rops.Header{InputHandleIndex: 2}},
	)
	mustOK(t, out, 5)
	mid := out.responses[1].(*rops.CreateMessageResponse).MessageID
	gcv, _ := storeID(uint64(mid))
	jobs, err := q.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].MessageID != gcv || jobs[0].User != testUser || !jobs[0].SendAt.Equal(later.Time()) {
		t.Fatalf("queued jobs %+v, want message %#x", jobs, gcv)
	}
	if sink.count() != 0 {
		t.Fatal("a deferred message was sent at once")
	}

	abort := func() mapi.ErrorCode {
		out := c.execute([]uint32{lh}, nil, &rops.AbortSubmitRequest{Header: rops.Header{InputHandleIndex: 0}, FolderID: outbox, MessageID: mid})
		if len(out.responses) == 0 {
			t.Fatal("no AbortSubmit response")
		}
		return retval(out.responses[0])
	}
	if ec := abort(); ec != mapi.EcSuccess {
		t.Fatalf("RopAbortSubmit of a deferred message: %s", ec.Name())
	}
	if jobs, _ := q.Pending(context.Background()); len(jobs) != 0 {
		t.Fatalf("aborted job still queued: %+v", jobs)
	}
	if ec := abort(); ec != mapi.EcNotInQueue {
		t.Fatalf("second RopAbortSubmit: %s, want ecNotInQueue", ec.Name())
	}
	if sink.count() != 0 {
		t.Fatal("an aborted message was sent")
	}
}
