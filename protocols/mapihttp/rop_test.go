package mapihttp

import (
	"context"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mailbox"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// putter is a ROP request the client sends.
type putter interface {
	rops.Request
	Put(w *mapi.Writer) error
}

// ropsList encodes requests back to back.
func ropsList(t testing.TB, reqs ...putter) []byte {
	t.Helper()
	w := mapi.NewWriter(mapi.CodecROP)
	for _, q := range reqs {
		if err := q.Put(w); err != nil {
			t.Fatal(err)
		}
	}
	return w.Bytes()
}

// rgbIn makes the extended buffer of one ROP buffer.
func rgbIn(t testing.TB, list []byte, handles []uint32, opt wire.ExtOptions) []byte {
	t.Helper()
	rb, err := wire.RopBuffer{Rops: list, Handles: handles}.Append(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := wire.AppendExtended(nil, [][]byte{rb}, opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ropOut is the ROP output of one Execute.
type ropOut struct {
	ec        uint32
	responses []rops.Response
	handles   []uint32
	raw       []byte // the ROPs of the (first) output buffer
}

// parseRopOut reads an Execute response body; cols are the table columns
// for QueryRows/FindRow responses.
func parseRopOut(t testing.TB, body []byte, reqs []putter, cols []mapi.PropTag) ropOut {
	t.Helper()
	var er wire.ExecuteResponse
	if err := er.Decode(body); err != nil {
		t.Fatalf("execute response: %v", err)
	}
	out := ropOut{ec: er.ErrorCode}
	if er.ErrorCode != 0 || len(er.RopBuffer) == 0 {
		return out
	}
	payloads, err := wire.ParseExtended(er.RopBuffer, 0)
	if err != nil {
		t.Fatalf("rgbOut: %v", err)
	}
	for _, p := range payloads {
		rb, err := wire.ParseRopBuffer(p)
		if err != nil {
			t.Fatalf("ROP output buffer: %v", err)
		}
		if out.raw == nil {
			out.raw = rb.Rops
		}
		out.handles = rb.Handles
		r := mapi.NewReader(rb.Rops, mapi.CodecROP)
		i := 0
		for r.Len() > 0 {
			ctx := rops.ResponseContext{Columns: cols, NotifyColumns: func(uint32) []mapi.PropTag { return cols }}
			// Skip the requests without a response (RopRelease).
			for i < len(reqs) && reqs[i].RopID() == rops.RopIDRelease {
				i++
			}
			if i < len(reqs) {
				if q, ok := reqs[i].(*rops.GetPropertiesSpecificRequest); ok {
					ctx.Columns = q.PropertyTags
				}
				if reqs[i].RopID() == rops.RopIDReadRecipients {
					ctx.Columns = recipientColumns
				}
			}
			resp, err := rops.ParseResponse(r, ctx)
			if err != nil {
				t.Fatalf("response %d: %v (%x)", i, err, rb.Rops)
			}
			out.responses = append(out.responses, resp)
			i++
		}
	}
	return out
}

// execute sends one ROP buffer with handles and returns what came back.
func (c *client) execute(handles []uint32, cols []mapi.PropTag, reqs ...putter) ropOut {
	c.t.Helper()
	r := c.executeRaw(0, rgbIn(c.t, ropsList(c.t, reqs...), handles, wire.ExtOptions{}), 0x10000)
	if r.code != 0 {
		c.t.Fatalf("Execute: X-ResponseCode %d", r.code)
	}
	return parseRopOut(c.t, r.body, reqs, cols)
}

func handleTable(n int) []uint32 {
	h := make([]uint32, n)
	for i := range h {
		h[i] = invalidHandle
	}
	return h
}

func retval(resp rops.Response) mapi.ErrorCode {
	w := mapi.NewWriter(mapi.CodecROP)
	resp.Put(w)
	b := w.Bytes()
	if len(b) < 6 {
		return 0
	}
	return mapi.ErrorCode(binary.LittleEndian.Uint32(b[2:]))
}

// logon connects and logs on to alice's store; it returns the logon
// handle.
func (c *client) logon() (uint32, *rops.LogonResponse) {
	c.t.Helper()
	c.connect()
	out := c.execute(handleTable(1), nil, &rops.LogonRequest{LogonFlags: rops.LogonFlagPrivate, OpenFlags: 0x01000000,
		Essdn: userDN("Test Org", c.dirUser())})
	if len(out.responses) != 1 {
		c.t.Fatalf("logon: %d responses", len(out.responses))
	}
	lr, ok := out.responses[0].(*rops.LogonResponse)
	if !ok || lr.ReturnValue != 0 {
		c.t.Fatalf("logon: %#v", out.responses[0])
	}
	return out.handles[0], lr
}

var inboxFID = mapi.EID(wireID(mapi.PrivateFIDInbox))

// TestOutlookFirstRun is the first requests of an Outlook profile:
// Logon, GetReceiveFolder, OpenFolder of the Inbox, its contents table,
// SetColumns and QueryRows, on a store with delivered messages.
func TestOutlookFirstRun(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, raw1)
	e.deliver(t, raw2)
	c := e.client(t)
	lh, lr := c.logon()
	if lr.LogonFlags != rops.LogonFlagPrivate || lr.FolderIDs[4] != inboxFID || lr.FolderIDs[0] != mapi.EID(wireID(mapi.PrivateFIDRoot)) ||
		lr.FolderIDs[3] != mapi.EID(wireID(mapi.PrivateFIDIPMSubtree)) || lr.ReplID != 1 || lr.MailboxGUID.IsZero() || lr.ReplGUID.IsZero() ||
		lr.ResponseFlags&logonOwnerRight == 0 || lr.LogonTime.Year < 2024 {
		t.Fatalf("logon response %+v", lr)
	}
	cols := []mapi.PropTag{mapi.PrSubject, mapi.PrMessageFlags, mapi.PrMID}
	h := handleTable(3)
	h[0] = lh
	reqs := []putter{
		&rops.GetReceiveFolderRequest{MessageClass: "IPM.Note"},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 50},
	}
	out := c.execute(h, cols, reqs...)
	if len(out.responses) != 5 {
		t.Fatalf("%d responses", len(out.responses))
	}
	for i, r := range out.responses {
		if ec := retval(r); ec != 0 {
			t.Fatalf("response %d (%s): %s", i, rops.RopName(r.RopID()), ec.Name())
		}
	}
	if rf := out.responses[0].(*rops.GetReceiveFolderResponse); rf.FolderID != inboxFID {
		t.Fatalf("receive folder %v", rf.FolderID)
	}
	if ct := out.responses[2].(*rops.GetContentsTableResponse); ct.RowCount != 2 {
		t.Fatalf("contents table of %d rows", ct.RowCount)
	}
	if out.handles[1] == invalidHandle || out.handles[2] == invalidHandle || out.handles[0] != lh {
		t.Fatalf("handle table %x", out.handles)
	}
	qr := out.responses[4].(*rops.QueryRowsResponse)
	var subjects []string
	for _, row := range qr.RowData {
		subjects = append(subjects, fmt.Sprint(row.Values[0].Value))
	}
	if len(subjects) != 2 || !strings.Contains(strings.Join(subjects, ","), "one") || !strings.Contains(strings.Join(subjects, ","), "two") {
		t.Fatalf("rows %v", subjects)
	}
	if qr.Origin != rops.BookmarkEnd {
		t.Fatalf("origin %d", qr.Origin)
	}
	// The table handle works in the next Execute: the cursor is at the end.
	h2 := []uint32{out.handles[2]}
	out = c.execute(h2, cols, &rops.QueryPositionRequest{}, &rops.SeekRowRequest{Origin: rops.BookmarkBeginning, RowCount: 1, WantRowMovedCount: true},
		&rops.QueryRowsRequest{ForwardRead: true, RowCount: 10})
	if qp := out.responses[0].(*rops.QueryPositionResponse); qp.Numerator != 2 || qp.Denominator != 2 {
		t.Fatalf("position %+v", qp)
	}
	if sr := out.responses[1].(*rops.SeekRowResponse); sr.RowsSought != 1 || sr.HasSoughtLess {
		t.Fatalf("seek %+v", sr)
	}
	if qr := out.responses[2].(*rops.QueryRowsResponse); len(qr.RowData) != 1 {
		t.Fatalf("%d rows after seek", len(qr.RowData))
	}

	// Open the first message and read its properties.
	mid := qr.RowData[0].Values[2].Value
	h3 := []uint32{out.handles[0], invalidHandle}
	_ = h3
	midEID, _ := mid.(int64)
	h4 := []uint32{lh, invalidHandle}
	out = c.execute(h4, nil,
		&rops.OpenMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: inboxFID, MessageID: mapi.EID(midEID)},
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 1}, WantUnicode: 1, PropertyTags: []mapi.PropTag{mapi.PrSubject, 0x1000001F /* PR_BODY */, 0x0E080003 /* PR_MESSAGE_SIZE */}},
	)
	om, ok := out.responses[0].(*rops.OpenMessageResponse)
	if !ok || om.ReturnValue != 0 || om.RecipientCount != 1 || len(om.RecipientRows) != 1 {
		dumpLogs(t, e)
		t.Fatalf("open message %#v", out.responses[0])
	}
	if rr := om.RecipientRows[0].RecipientRow; !strings.EqualFold(rr.EmailAddress, "alice@example.org") {
		t.Fatalf("recipient %+v", rr)
	}
	gp := out.responses[1].(*rops.GetPropertiesSpecificResponse)
	if gp.ReturnValue != 0 || !strings.Contains(fmt.Sprint(gp.RowData.Values[1].Value), "body") {
		t.Fatalf("properties %+v", gp.RowData)
	}
}

func TestHandleErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	lh, _ := c.logon()
	h := []uint32{lh, invalidHandle, 0x12345}
	out := c.execute(h, nil,
		// a slot with no object: ecNullObject
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 1}, FolderID: inboxFID},
		// a handle the session never gave: ecNullObject
		&rops.GetPropertiesListRequest{Header: rops.Header{InputHandleIndex: 2}},
		// a slot past the table: ecNullObject
		&rops.GetPropertiesListRequest{Header: rops.Header{InputHandleIndex: 7}},
		// an unknown folder: ecNotFound
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: mapi.EID(wireID(0x777777))},
		// a ROP on the wrong kind of object: ecNotSupported
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 0}, ForwardRead: true, RowCount: 1},
		// and the logon still works
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 0}, PropertyTags: []mapi.PropTag{mapi.PrDisplayName}},
	)
	want := []mapi.ErrorCode{ecNullObject, ecNullObject, ecNullObject, mapi.EcNotFound, ecNotSupported, 0}
	if len(out.responses) != len(want) {
		t.Fatalf("%d responses", len(out.responses))
	}
	for i, w := range want {
		if got := retval(out.responses[i]); got != w {
			t.Errorf("response %d (%s): %s, want %s", i, rops.RopName(out.responses[i].RopID()), got.Name(), w.Name())
		}
	}
	// Release frees the handle: using it again is ecNullObject.
	out = c.execute([]uint32{lh}, nil, &rops.ReleaseRequest{}, &rops.GetPropertiesListRequest{})
	if len(out.responses) != 1 || retval(out.responses[0]) != ecNullObject {
		t.Fatalf("after release: %#v", out.responses)
	}
	// A buffer that cannot be parsed (here an unknown ROP after a good
	// one) fails the call with ecRpcFormat and runs nothing
	// (MS-OXCROPS 3.2.5.1): the logon created first does not exist.
	list := append(ropsList(t, &rops.LogonRequest{OutputHandleIndex: 0, LogonFlags: rops.LogonFlagPrivate}), 0x62, 0, 0)
	r := c.executeRaw(0, rgbIn(t, list, []uint32{invalidHandle}, wire.ExtOptions{}), 0x10000)
	var er wire.ExecuteResponse
	if err := er.Decode(r.body); err != nil || er.ErrorCode != uint32(ecRpcFormat) {
		t.Fatalf("unknown ROP: %v %+v", err, er)
	}
	if n := len(e.srv.liveHandles(t, c)); n != 0 {
		t.Fatalf("%d objects after an unparsable buffer", n)
	}
	// A ROP the server knows but does not serve answers ecNotSupported
	// and the buffer goes on.
	lh, _ = c.logon()
	out = c.execute([]uint32{lh}, nil, &rops.GetOwningServersRequest{}, &rops.GetPropertiesListRequest{})
	if len(out.responses) != 2 || retval(out.responses[0]) != ecNotSupported {
		t.Fatalf("unserved ROP: %#v", out.responses)
	}
}

func TestBufferTooSmall(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 30; i++ {
		e.deliver(t, strings.Replace(raw1, "Subject: one", "Subject: "+strings.Repeat("long subject ", 20)+fmt.Sprint(i), 1))
	}
	c := e.client(t)
	lh, _ := c.logon()
	cols := []mapi.PropTag{mapi.PrSubject}
	h := []uint32{lh, invalidHandle, invalidHandle}
	out := c.execute(h, cols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols},
	)
	table := out.handles[2]
	// QueryRows in a small output buffer returns the rows that fit and
	// moves the cursor past those only.
	reqs := []putter{&rops.QueryRowsRequest{ForwardRead: true, RowCount: 30}}
	r := c.executeRaw(0, rgbIn(t, ropsList(t, reqs...), []uint32{table}, wire.ExtOptions{}), 2000)
	out = parseRopOut(t, r.body, reqs, cols)
	qr := out.responses[0].(*rops.QueryRowsResponse)
	if n := len(qr.RowData); n == 0 || n >= 30 || qr.Origin != rops.BookmarkCurrent {
		t.Fatalf("%d rows in 2000 bytes, origin %d", n, qr.Origin)
	}
	first := len(qr.RowData)
	out = c.execute([]uint32{table}, cols, &rops.QueryPositionRequest{})
	if qp := out.responses[0].(*rops.QueryPositionResponse); int(qp.Numerator) != first {
		t.Fatalf("cursor at %d after %d rows", qp.Numerator, first)
	}
	// A response that cannot fit ends the buffer with RopBufferTooSmall
	// carrying the ROPs not answered.
	big := []putter{
		&rops.GetPropertiesListRequest{},
		&rops.GetPropertiesAllRequest{WantUnicode: 1},
		&rops.GetPropertiesListRequest{},
	}
	list := ropsList(t, big...)
	firstSize := len(c.execute([]uint32{lh}, nil, big[0]).raw)
	maxOut := uint32(wire.ExtHeaderSize + 2 + firstSize + 4 + 20) // the first response fits, not the second
	r = c.executeRaw(0, rgbIn(t, list, []uint32{lh}, wire.ExtOptions{}), maxOut)
	var er wire.ExecuteResponse
	if err := er.Decode(r.body); err != nil {
		t.Fatal(err)
	}
	payloads, err := wire.ParseExtended(er.RopBuffer, 0)
	if err != nil {
		t.Fatal(err)
	}
	rb, _ := wire.ParseRopBuffer(payloads[0])
	rd := mapi.NewReader(rb.Rops, mapi.CodecROP)
	if _, err := rops.ParseResponse(rd, rops.ResponseContext{}); err != nil {
		t.Fatal(err)
	}
	btsm, err := rops.ParseResponse(rd, rops.ResponseContext{})
	if err != nil {
		t.Fatal(err)
	}
	b, ok := btsm.(*rops.BufferTooSmallResponse)
	if !ok || b.SizeNeeded <= uint16(maxOut) || string(b.RequestBuffers) != string(list[len(ropsList(t, big[0])):]) {
		t.Fatalf("buffer too small: %#v", btsm)
	}
}

func TestCompressedExecute(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	lh, _ := c.logon()
	reqs := []putter{&rops.GetPropertiesAllRequest{WantUnicode: 1}, &rops.GetPropertiesAllRequest{WantUnicode: 1}}
	// The client compresses and obfuscates its request; the server
	// answers compressed and obfuscated unless the flags say not to.
	in := rgbIn(t, ropsList(t, reqs...), []uint32{lh}, wire.ExtOptions{Compress: true, Xor: true})
	for _, tc := range []struct {
		flags          uint32
		compress, xor_ bool
	}{{0, true, true}, {wire.ExecuteNoCompression, false, true}, {wire.ExecuteNoCompression | wire.ExecuteNoXorMagic, false, false}} {
		r := c.executeRaw(tc.flags, in, 0x10000)
		var er wire.ExecuteResponse
		if err := er.Decode(r.body); err != nil || er.ErrorCode != 0 || len(er.RopBuffer) < 8 {
			t.Fatalf("flags %#x: %v %+v", tc.flags, err, er)
		}
		f := wire.ExtFlags(binary.LittleEndian.Uint16(er.RopBuffer[2:]))
		if (f&wire.ExtCompressed != 0) != tc.compress || (f&wire.ExtXorMagic != 0) != tc.xor_ {
			t.Errorf("flags %#x: output flags %#x", tc.flags, f)
		}
		out := parseRopOut(t, r.body, reqs, nil)
		if len(out.responses) != 2 || retval(out.responses[1]) != 0 || len(out.responses[1].(*rops.GetPropertiesAllResponse).PropertyValues) == 0 {
			t.Fatalf("flags %#x: responses %#v", tc.flags, out.responses)
		}
	}
	// A malformed extended buffer is ecRpcFormat, not a broken session.
	r := c.executeRaw(0, []byte{0, 0, 4, 0, 9, 0, 9, 0, 1}, 0x10000)
	var er wire.ExecuteResponse
	if err := er.Decode(r.body); err != nil || er.ErrorCode != uint32(ecRpcFormat) {
		t.Fatalf("malformed: %v %+v", err, er)
	}
	if out := c.execute([]uint32{lh}, nil, &rops.GetPropertiesListRequest{}); retval(out.responses[0]) != 0 {
		t.Fatal("session broken after a malformed request")
	}
}

func TestPanicEndsOnlyThatSession(t *testing.T) {
	e := newEnv(t)
	c1, c2 := e.client(t), e.client(t)
	lh1, _ := c1.logon()
	lh2, _ := c2.logon()
	hook := func(id uint8) {
		if id == rops.RopIDGetPropertiesList {
			panic("test panic in a ROP")
		}
	}
	e.srv.ropHook.Store(&hook)
	r := c1.executeRaw(0, rgbIn(t, ropsList(t, &rops.GetPropertiesListRequest{}), []uint32{lh1}, wire.ExtOptions{}), 0x10000)
	if r.code != rcContextNotFound || r.header.Get("X-ResponseCode") != "10" {
		t.Fatalf("panicking ROP: X-ResponseCode %d (header %q)", r.code, r.header.Get("X-ResponseCode"))
	}
	e.srv.ropHook.Store(nil)
	// The other session goes on; the first one is gone and says so.
	if out := c2.execute([]uint32{lh2}, nil, &rops.GetPropertiesListRequest{}); retval(out.responses[0]) != 0 {
		t.Fatal("the other session broke")
	}
	waitFor(t, func() bool { return e.srv.Sessions() == 1 })
	if r := c1.executeRaw(0, nil, 0x10000); r.code != rcContextNotFound {
		t.Fatalf("after the panic: X-ResponseCode %d", r.code)
	}
	// The client reconnects.
	c1.logon()
}

func TestNotificationWaitWokenByDelivery(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxWait = 20 * time.Second })
	c := e.client(t)
	lh, _ := c.logon()
	h := []uint32{lh, invalidHandle}
	out := c.execute(h, nil, &rops.RegisterNotificationRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1},
		NotificationTypes: 0x02 | 0x04 /* NewMail, ObjectCreated */, WantWholeStore: true})
	if retval(out.responses[0]) != 0 {
		t.Fatalf("register: %s", retval(out.responses[0]).Name())
	}
	subHandle := out.handles[1]
	go func() {
		time.Sleep(300 * time.Millisecond)
		e.deliver(t, raw1)
	}()
	body, _ := (&wire.NotificationWaitRequest{}).Encode()
	t0 := time.Now()
	r := c.post("NotificationWait", body)
	var nr wire.NotificationWaitResponse
	if r.code != 0 || nr.Decode(r.body) != nil || !nr.EventPending {
		t.Fatalf("NotificationWait: %d %+v", r.code, nr)
	}
	if time.Since(t0) > 10*time.Second {
		t.Fatal("NotificationWait was not woken")
	}
	// The next Execute carries the notifications as RopNotify.
	out = c.execute([]uint32{lh}, nil, &rops.GetPropertiesListRequest{})
	var newMail *rops.NotifyResponse
	for _, resp := range out.responses[1:] {
		if n, ok := resp.(*rops.NotifyResponse); ok && n.NotificationData.Type() == rops.NotificationNewMail {
			newMail = n
		}
	}
	if newMail == nil || newMail.NotificationHandle != subHandle || newMail.NotificationData.FolderID != inboxFID ||
		newMail.NotificationData.MessageClass != "IPM.Note" {
		t.Fatalf("notifications %#v", out.responses)
	}
	// Nothing is left: the next wait returns without events at MaxWait
	// (shortened through a fresh wait that is cancelled by the client).
	if c.e.srv.lookup(c.cookie(cookieSession)) == nil {
		t.Fatal("session gone")
	}
}

func dumpLogs(t *testing.T, e *env) {
	for _, l := range e.Logs.All() {
		t.Log(l.Message, l.ContextMap())
	}
}

// fakeSubmitter records submitted messages.
type fakeSubmitter struct{ mids chan uint64 }

func (f *fakeSubmitter) Submit(_ context.Context, _ *directory.User, mid uint64) error {
	f.mids <- mid
	return nil
}

func mustOK(t *testing.T, out ropOut, n int) {
	t.Helper()
	// Notifications of the session's tables may follow the responses.
	for len(out.responses) > n {
		if id := out.responses[len(out.responses)-1].RopID(); id != rops.RopIDNotify && id != rops.RopIDPending {
			break
		}
		out.responses = out.responses[:len(out.responses)-1]
	}
	if len(out.responses) != n {
		t.Fatalf("%d responses, want %d: %#v", len(out.responses), n, out.responses)
	}
	for i, r := range out.responses {
		if ec := retval(r); ec != 0 {
			t.Fatalf("response %d (%s): %s", i, rops.RopName(r.RopID()), ec.Name())
		}
	}
}

// TestMessageLifecycle: a message made over ROPs (properties, a
// recipient, an attachment written through a stream) is saved, found in
// its folder and read back the same way; read flags, copy, move and
// delete work on it; submit hands it to the outbound path.
func TestMessageLifecycle(t *testing.T) {
	sub := &fakeSubmitter{mids: make(chan uint64, 1)}
	e := newEnv(t)
	e.srv.submit = sub
	c := e.client(t)
	lh, lr := c.logon()
	drafts := mapi.EID(wireID(mapi.PrivateFIDDraft))
	h := []uint32{lh, invalidHandle, invalidHandle, invalidHandle, invalidHandle}
	rcptCols := []mapi.PropTag{mapi.PrRecipientType, prSmtpAddress}
	out := c.execute(h, nil,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: drafts},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: drafts},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyValues: []mapi.PropVal{
			{Tag: mapi.PrSubject, Value: "made over MAPI"}, {Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: 0x1000001F /* PR_BODY */, Value: "hello body"}}},
		&rops.ModifyRecipientsRequest{Header: rops.Header{InputHandleIndex: 2}, RecipientColumns: rcptCols,
			RecipientRows: []rops.ModifyRecipientRow{{RowID: 0, RecipientType: 1, RecipientRow: &rops.RecipientRow{
				RecipientFlags: rops.RecipientFlagU | rops.RecipientFlagO | rops.RecipientFlagE | rops.RecipientFlagD,
				AddressType:    "SMTP", EmailAddress: "bob@example.net", DisplayName: "Bob",
				Properties: mapi.PropRow{Values: []mapi.PropVal{{Tag: mapi.PrRecipientType, Value: int32(1)}, {Tag: prSmtpAddress, Value: "bob@example.net"}}}}}}},
		&rops.CreateAttachmentRequest{OutHeader: rops.OutHeader{InputHandleIndex: 2, OutputHandleIndex: 3}},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 3}, PropertyValues: []mapi.PropVal{
			{Tag: mapi.PrAttachMethod, Value: int32(1)}, {Tag: 0x3707001F /* PR_ATTACH_LONG_FILENAME */, Value: "a.txt"}}},
		&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 3, OutputHandleIndex: 4}, PropertyTag: mapi.PrAttachDataBin, OpenModeFlags: 2},
		&rops.WriteStreamRequest{Header: rops.Header{InputHandleIndex: 4}, Data: []byte("attached data")},
		&rops.CommitStreamRequest{Header: rops.Header{InputHandleIndex: 4}},
		&rops.SaveChangesAttachmentRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 3, InputHandleIndex: 3}},
		&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 2, InputHandleIndex: 2}},
	)
	mustOK(t, out, 11)
	mid := out.responses[10].(*rops.SaveChangesMessageResponse).MessageID
	if mid == 0 || out.responses[1].(*rops.CreateMessageResponse).MessageID != mid {
		t.Fatalf("message ids: created %v, saved %v", out.responses[1].(*rops.CreateMessageResponse).MessageID, mid)
	}
	if w := out.responses[7].(*rops.WriteStreamResponse); w.WrittenSize != 13 {
		t.Fatalf("written %d", w.WrittenSize)
	}
	folder := out.handles[1]

	// Read it back through a new open.
	h = []uint32{folder, invalidHandle, invalidHandle, invalidHandle, invalidHandle}
	attCols := []mapi.PropTag{mapi.PrAttachNum, 0x3707001F}
	out = c.execute(h, attCols,
		&rops.OpenMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: drafts, MessageID: mid, OpenModeFlags: openReadWrite},
		&rops.ReadRecipientsRequest{Header: rops.Header{InputHandleIndex: 1}},
		&rops.GetAttachmentTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: attCols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 10},
		&rops.OpenAttachmentRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 3}, AttachmentID: 0},
		&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 3, OutputHandleIndex: 4}, PropertyTag: mapi.PrAttachDataBin},
		&rops.ReadStreamRequest{Header: rops.Header{InputHandleIndex: 4}, ByteCount: 100},
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 1}, WantUnicode: 1, PropertyTags: []mapi.PropTag{mapi.PrSubject, 0x1000001F, mapi.PrMessageFlags}},
	)
	mustOK(t, out, 9)
	om := out.responses[0].(*rops.OpenMessageResponse)
	if om.NormalizedSubject.String != "made over MAPI" || om.RecipientCount != 1 {
		t.Fatalf("open message %+v", om.MessageHeader)
	}
	rr := out.responses[1].(*rops.ReadRecipientsResponse)
	if len(rr.RecipientRows) != 1 || rr.RecipientRows[0].RecipientRow.EmailAddress != "bob@example.net" || rr.RecipientRows[0].RecipientRow.DisplayName != "Bob" {
		t.Fatalf("recipients %+v", rr.RecipientRows)
	}
	if qr := out.responses[4].(*rops.QueryRowsResponse); len(qr.RowData) != 1 || qr.RowData[0].Values[1].Value != "a.txt" {
		t.Fatalf("attachment table %+v", qr.RowData)
	}
	if rs := out.responses[7].(*rops.ReadStreamResponse); string(rs.Data) != "attached data" {
		t.Fatalf("stream read %q", rs.Data)
	}
	if gp := out.responses[8].(*rops.GetPropertiesSpecificResponse); gp.RowData.Values[1].Value != "hello body" {
		t.Fatalf("properties %+v", gp.RowData.Values)
	}

	// Read flags on the folder, then copy, move and delete.
	inbox := inboxFID
	h = []uint32{folder, lh, invalidHandle}
	out = c.execute(h, nil,
		&rops.SetReadFlagsRequest{Header: rops.Header{InputHandleIndex: 0}, MessageIDs: []mapi.EID{mid}},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: inbox},
		&rops.MoveCopyMessagesRequest{CopyHeader: rops.CopyHeader{SourceHandleIndex: 0, DestHandleIndex: 2}, MessageIDs: []mapi.EID{mid}, WantCopy: true},
	)
	mustOK(t, out, 3)
	if out.responses[0].(*rops.SetReadFlagsResponse).PartialCompletion || out.responses[2].(*rops.MoveCopyMessagesResponse).PartialCompletion {
		t.Fatal("partial completion")
	}
	inboxH := out.handles[2]
	count := func(fh uint32) uint32 {
		o := c.execute([]uint32{fh, invalidHandle}, nil, &rops.GetContentsTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}})
		mustOK(t, o, 1)
		c.execute([]uint32{o.handles[1]}, nil, &rops.ReleaseRequest{})
		return o.responses[0].(*rops.GetContentsTableResponse).RowCount
	}
	if n, m := count(folder), count(inboxH); n != 1 || m != 1 {
		t.Fatalf("after copy: drafts %d, inbox %d", n, m)
	}
	out = c.execute([]uint32{folder, inboxH}, nil,
		&rops.MoveCopyMessagesRequest{CopyHeader: rops.CopyHeader{SourceHandleIndex: 0, DestHandleIndex: 1}, MessageIDs: []mapi.EID{mid}})
	mustOK(t, out, 1)
	if n, m := count(folder), count(inboxH); n != 0 || m != 2 {
		t.Fatalf("after move: drafts %d, inbox %d", n, m)
	}

	// Submit a new message: it is saved and handed to the outbound path.
	out = c.execute([]uint32{folder, invalidHandle}, nil,
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: drafts},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyValues: []mapi.PropVal{{Tag: mapi.PrSubject, Value: "to send"}}},
		&rops.SubmitMessageRequest{Header: rops.Header{InputHandleIndex: 1}},
	)
	mustOK(t, out, 3)
	select {
	case m := <-sub.mids:
		if m == 0 {
			t.Fatal("submitted message id 0")
		}
	default:
		t.Fatal("nothing submitted")
	}

	// Delete everything in the Inbox by id.
	o := c.execute([]uint32{inboxH, invalidHandle}, []mapi.PropTag{mapi.PrMID},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyTags: []mapi.PropTag{mapi.PrMID}},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: 10})
	var ids []mapi.EID
	for _, r := range o.responses[2].(*rops.QueryRowsResponse).RowData {
		ids = append(ids, mapi.EID(r.Values[0].Value.(int64)))
	}
	out = c.execute([]uint32{inboxH}, nil, &rops.DeleteMessagesRequest{MessageIDs: ids})
	mustOK(t, out, 1)
	if n := count(inboxH); n != 0 {
		t.Fatalf("after delete: inbox %d", n)
	}
	_ = lr
}

// TestFoldersAndNames: folders made and removed over ROPs show in the
// hierarchy table; named properties map both ways; the permissions and
// rules tables list their rows.
func TestFoldersAndNames(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	lh, lr := c.logon()
	ipm := lr.FolderIDs[3]
	h := []uint32{lh, invalidHandle, invalidHandle, invalidHandle}
	out := c.execute(h, nil,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: ipm},
		&rops.CreateFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderType: 1, UseUnicodeStrings: true, DisplayName: "Projects", Comment: "work"},
		&rops.CreateFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 3}, FolderType: 1, UseUnicodeStrings: true, DisplayName: "Projects", OpenExisting: true},
	)
	mustOK(t, out, 3)
	cf := out.responses[1].(*rops.CreateFolderResponse)
	again := out.responses[2].(*rops.CreateFolderResponse)
	if cf.FolderID == 0 || cf.IsExistingFolder || again.FolderID != cf.FolderID || !again.IsExistingFolder {
		t.Fatalf("create folder %+v then %+v", cf, again)
	}
	ipmH := out.handles[1]
	cols := []mapi.PropTag{mapi.PrDisplayName}
	out = c.execute([]uint32{ipmH, invalidHandle}, cols,
		&rops.GetHierarchyTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyTags: cols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: 100})
	mustOK(t, out, 3)
	var names []string
	for _, r := range out.responses[2].(*rops.QueryRowsResponse).RowData {
		names = append(names, fmt.Sprint(r.Values[0].Value))
	}
	if !strings.Contains(strings.Join(names, "|"), "Projects") || !strings.Contains(strings.Join(names, "|"), "Inbox") {
		t.Fatalf("hierarchy %v", names)
	}
	out = c.execute([]uint32{ipmH}, nil, &rops.DeleteFolderRequest{DeleteFolderFlags: delMessages | delFolders | delHardDelete, FolderID: cf.FolderID})
	mustOK(t, out, 1)
	out = c.execute([]uint32{lh, invalidHandle}, nil, &rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: cf.FolderID})
	if retval(out.responses[0]) != mapi.EcNotFound {
		t.Fatalf("deleted folder opens: %s", retval(out.responses[0]).Name())
	}

	// Named properties.
	name := mapi.NameByLID(mapi.MustGUID("00062008-0000-0000-c000-000000000046"), 0x8501)
	out = c.execute([]uint32{lh}, nil,
		&rops.GetPropertyIDsFromNamesRequest{Flags: mapiCreate, PropertyNames: []mapi.PropName{name}})
	mustOK(t, out, 1)
	ids := out.responses[0].(*rops.GetPropertyIDsFromNamesResponse).PropertyIDs
	if len(ids) != 1 || ids[0] < 0x8000 {
		t.Fatalf("ids %v", ids)
	}
	out = c.execute([]uint32{lh}, nil, &rops.GetNamesFromPropertyIDsRequest{PropertyIDs: ids})
	mustOK(t, out, 1)
	if got := out.responses[0].(*rops.GetNamesFromPropertyIDsResponse).PropertyNames; len(got) != 1 || got[0] != name {
		t.Fatalf("names %+v", got)
	}

	// Permissions and rules tables of the Inbox.
	pcols := []mapi.PropTag{mapi.PrMemberID, mapi.PrMemberName, mapi.PrMemberRights}
	out = c.execute([]uint32{lh, invalidHandle, invalidHandle}, pcols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.GetPermissionsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: pcols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 10})
	mustOK(t, out, 4)
	if rows := out.responses[3].(*rops.QueryRowsResponse).RowData; len(rows) < 2 {
		t.Fatalf("permission rows %+v", rows)
	}
	rcols := []mapi.PropTag{mapi.PrRuleID, mapi.PrRuleName}
	out = c.execute([]uint32{out.handles[1], invalidHandle}, rcols,
		&rops.GetRulesTableRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 1}, PropertyTags: rcols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 1}, ForwardRead: true, RowCount: 10})
	mustOK(t, out, 3)
}

// TestStoreAndTransportROPs: the receive folder table, address types,
// the transport folder, a search folder's criteria, and changing the
// default member's rights.
func TestStoreAndTransportROPs(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, raw1)
	c := e.client(t)
	lh, lr := c.logon()
	out := c.execute([]uint32{lh}, nil,
		&rops.GetReceiveFolderTableRequest{},
		&rops.GetAddressTypesRequest{},
		&rops.GetTransportFolderRequest{},
		&rops.GetStoreStateRequest{},
		&rops.LongTermIDFromIDRequest{ObjectID: inboxFID},
		&rops.ProgressRequest{},
	)
	mustOK(t, out, 6)
	if rows := out.responses[0].(*rops.GetReceiveFolderTableResponse).Rows; len(rows) == 0 {
		t.Fatal("empty receive folder table")
	}
	if at := out.responses[1].(*rops.GetAddressTypesResponse).AddressTypes; len(at) != 2 {
		t.Fatalf("address types %v", at)
	}
	if f := out.responses[2].(*rops.GetTransportFolderResponse).FolderID; f != lr.FolderIDs[5] {
		t.Fatalf("transport folder %v, outbox %v", f, lr.FolderIDs[5])
	}
	ltid := out.responses[4].(*rops.LongTermIDFromIDResponse).LongTermID

	// The logon's computed properties: special folders, owner, support.
	tags := []mapi.PropTag{0x35E00102 /* PR_IPM_SUBTREE_ENTRYID */, mapi.PrFinderEntryID, mapi.PrStoreSupportMask,
		mapi.PrMailboxOwnerName, mapi.PrUserEntryID, mapi.PrStoreEntryID, mapi.PrValidFolderMask}
	out = c.execute([]uint32{lh}, nil, &rops.GetPropertiesSpecificRequest{WantUnicode: 1, PropertyTags: tags})
	mustOK(t, out, 1)
	v := out.responses[0].(*rops.GetPropertiesSpecificResponse).RowData.Values
	if fe, err := mapi.ParseFolderEntryID(asBytes(v[0].Value)); err != nil || fe.GCV() != mapi.PrivateFIDIPMSubtree {
		t.Fatalf("IPM subtree entry id %x: %v", v[0].Value, err)
	}
	if fe, err := mapi.ParseFolderEntryID(asBytes(v[1].Value)); err != nil || fe.GCV() != mapi.PrivateFIDFinder {
		t.Fatalf("finder entry id %x: %v", v[1].Value, err)
	}
	if v[2].Value.(int32)&0x40000 == 0 || v[3].Value != testUser || v[6].Value != int32(validFolderMask) {
		t.Fatalf("store properties %+v", v)
	}
	if ab, err := mapi.ParseAddressBookEntryID(asBytes(v[4].Value)); err != nil || ab.X500DN != userDN("Test Org", e.user) {
		t.Fatalf("user entry id %x: %v", v[4].Value, err)
	}
	if se, err := mapi.ParseStoreEntryID(asBytes(v[5].Value)); err != nil || se.IsPublic() {
		t.Fatalf("store entry id %x: %v", v[5].Value, err)
	}
	out = c.execute([]uint32{lh}, nil, &rops.IDFromLongTermIDRequest{LongTermID: ltid})
	mustOK(t, out, 1)
	if id := out.responses[0].(*rops.IDFromLongTermIDResponse).ObjectID; id != inboxFID {
		t.Fatalf("long-term id round trip: %v", id)
	}

	// A search folder over the Inbox finds the delivered message.
	out = c.execute([]uint32{lh, invalidHandle, invalidHandle}, nil,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: lr.FolderIDs[10]},
		&rops.CreateFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderType: folderSearch, DisplayName: "found"},
		&rops.SetSearchCriteriaRequest{Header: rops.Header{InputHandleIndex: 2}, FolderIDs: []mapi.EID{inboxFID}, SearchFlags: 0x02, /* RESTART_SEARCH */
			Restriction: &mapi.Restriction{Type: mapi.ResExist, Tag: mapi.PrSubject}},
		&rops.GetSearchCriteriaRequest{Header: rops.Header{InputHandleIndex: 2}, IncludeFolders: true},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 2, OutputHandleIndex: 1}},
	)
	mustOK(t, out, 5)
	if gs := out.responses[3].(*rops.GetSearchCriteriaResponse); len(gs.FolderIDs) != 1 || gs.FolderIDs[0] != inboxFID {
		t.Fatalf("search criteria %+v", gs)
	}
	if n := out.responses[4].(*rops.GetContentsTableResponse).RowCount; n != 1 {
		t.Fatalf("search folder of %d rows", n)
	}

	// The default member gets read rights on the Inbox.
	pcols := []mapi.PropTag{mapi.PrMemberID, mapi.PrMemberRights}
	out = c.execute([]uint32{lh, invalidHandle, invalidHandle}, pcols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.ModifyPermissionsRequest{Header: rops.Header{InputHandleIndex: 1}, PermissionsData: []rops.PermissionData{{
			PermissionDataFlags: 0x02, PropertyValues: []mapi.PropVal{{Tag: mapi.PrMemberID, Value: int64(0)}, {Tag: mapi.PrMemberRights, Value: int32(0x401)}}}}},
		&rops.GetPermissionsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: pcols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 10},
	)
	mustOK(t, out, 5)
	found := false
	for _, r := range out.responses[4].(*rops.QueryRowsResponse).RowData {
		if r.Values[0].Value == int64(0) && r.Values[1].Value.(int32)&0x401 == 0x401 {
			found = true
		}
	}
	if !found {
		t.Fatalf("default rights not changed: %+v", out.responses[4].(*rops.QueryRowsResponse).RowData)
	}
}

// TestCopyAndStatus: properties copied between open messages, the
// message status set and read by id, named properties of a message.
func TestCopyAndStatus(t *testing.T) {
	e := newEnv(t)
	e.deliver(t, raw1)
	c := e.client(t)
	lh, _ := c.logon()
	name := mapi.NameByString(mapi.MustGUID("00020329-0000-0000-c000-000000000046"), "x-test")
	out := c.execute([]uint32{lh}, nil, &rops.GetPropertyIDsFromNamesRequest{Flags: mapiCreate, PropertyNames: []mapi.PropName{name}})
	mustOK(t, out, 1)
	named := mapi.NewTag(out.responses[0].(*rops.GetPropertyIDsFromNamesResponse).PropertyIDs[0], mapi.PtUnicode)
	h := []uint32{lh, invalidHandle, invalidHandle, invalidHandle}
	out = c.execute(h, nil,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: inboxFID},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 3}, FolderID: inboxFID},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyValues: []mapi.PropVal{
			{Tag: mapi.PrSubject, Value: "copied subject"}, {Tag: named, Value: "named value"}}},
		&rops.CopyPropertiesRequest{CopyHeader: rops.CopyHeader{SourceHandleIndex: 2, DestHandleIndex: 3}, PropertyTags: []mapi.PropTag{mapi.PrSubject, named}},
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 3}, WantUnicode: 1, PropertyTags: []mapi.PropTag{mapi.PrSubject, named}},
		&rops.QueryNamedPropertiesRequest{Header: rops.Header{InputHandleIndex: 3}},
		&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 3, InputHandleIndex: 3}},
	)
	mustOK(t, out, 8)
	if v := out.responses[5].(*rops.GetPropertiesSpecificResponse).RowData.Values; v[0].Value != "copied subject" || v[1].Value != "named value" {
		t.Fatalf("copied %+v", v)
	}
	if qn := out.responses[6].(*rops.QueryNamedPropertiesResponse); len(qn.PropertyNames) != 1 || qn.PropertyNames[0] != name {
		t.Fatalf("named properties %+v", qn)
	}
	mid := out.responses[7].(*rops.SaveChangesMessageResponse).MessageID
	folder := out.handles[1]
	out = c.execute([]uint32{folder}, nil,
		&rops.SetMessageStatusRequest{MessageID: mid, MessageStatusFlags: 0x1000, MessageStatusMask: 0x1000},
		&rops.GetMessageStatusRequest{MessageID: mid},
		&rops.GetMessageStatusRequest{MessageID: mapi.EID(wireID(0x7777777))},
	)
	if len(out.responses) != 3 || retval(out.responses[0]) != 0 || retval(out.responses[1]) != 0 {
		t.Fatalf("status: %#v", out.responses)
	}
	// MS-OXCROPS 2.2.6.9.2: RopGetMessageStatus answers with RopId 0x20,
	// which reads as RopSetMessageStatus's response.
	if st := out.responses[1].(*rops.SetMessageStatusResponse).MessageStatusFlags; st&0x1000 == 0 {
		t.Fatalf("status %#x", st)
	}
	if retval(out.responses[2]) != mapi.EcNotFound {
		t.Fatalf("status of no message: %s", retval(out.responses[2]).Name())
	}
}

// TestTableNotifications: a contents table the client holds open is
// told of a delivered message (TableRowAdded with the row in the table's
// columns) through NotificationWait and the next Execute.
func TestTableNotifications(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxWait = 20 * time.Second })
	e.deliver(t, raw1)
	c := e.client(t)
	lh, _ := c.logon()
	cols := []mapi.PropTag{mapi.PrSubject, mapi.PrMID}
	out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 10})
	mustOK(t, out, 4)
	table := out.handles[2]
	go func() {
		time.Sleep(200 * time.Millisecond)
		e.deliver(t, raw2)
	}()
	body, _ := (&wire.NotificationWaitRequest{}).Encode()
	r := c.post("NotificationWait", body)
	var nr wire.NotificationWaitResponse
	if r.code != 0 || nr.Decode(r.body) != nil || !nr.EventPending {
		t.Fatalf("NotificationWait: %d %+v", r.code, nr)
	}
	out = c.execute([]uint32{lh}, cols, &rops.GetPropertiesListRequest{})
	var added *rops.NotifyResponse
	for _, resp := range out.responses[1:] {
		if n, ok := resp.(*rops.NotifyResponse); ok && n.NotificationData.Type() == rops.NotificationTableModified &&
			n.NotificationData.TableEventType == rops.TableRowAdded {
			added = n
		}
	}
	if added == nil || added.NotificationHandle != table || len(added.NotificationData.TableRowData.Values) != 2 ||
		added.NotificationData.TableRowData.Values[0].Value != "two" {
		t.Fatalf("table notifications %#v", out.responses)
	}
}

// TestPackedQueryRows: with the Chain flag and EnablePackedBuffers, the
// server answers a QueryRows with more extended buffers, each the next
// rows, until the table ends (MS-OXCRPC 3.1.4.2.1.2).
func TestPackedQueryRows(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 25; i++ {
		e.deliver(t, strings.Replace(raw1, "Subject: one", fmt.Sprintf("Subject: packed %02d", i), 1))
	}
	c := e.client(t)
	lh, _ := c.logon()
	cols := []mapi.PropTag{mapi.PrSubject}
	out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols})
	mustOK(t, out, 3)
	reqs := []putter{&rops.QueryRowsRequest{QueryRowsFlags: rops.QueryRowsEnableMax, ForwardRead: true, RowCount: 10}}
	r := c.executeRaw(wire.ExecuteChain, rgbIn(t, ropsList(t, reqs...), []uint32{out.handles[2]}, wire.ExtOptions{}), 0x40000)
	var er wire.ExecuteResponse
	if err := er.Decode(r.body); err != nil || er.ErrorCode != 0 {
		t.Fatalf("execute: %v %+v", err, er)
	}
	payloads, err := wire.ParseExtended(er.RopBuffer, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range payloads {
		rb, err := wire.ParseRopBuffer(p)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := rops.ParseResponse(mapi.NewReader(rb.Rops, mapi.CodecROP), rops.ResponseContext{Columns: cols})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range resp.(*rops.QueryRowsResponse).RowData {
			seen[fmt.Sprint(row.Values[0].Value)] = true
		}
	}
	if len(payloads) < 3 || len(seen) != 25 {
		t.Fatalf("%d buffers, %d distinct rows", len(payloads), len(seen))
	}
	// Without the Chain flag: one buffer of 10 rows.
	r = c.executeRaw(0, rgbIn(t, ropsList(t, &rops.SeekRowRequest{Origin: rops.BookmarkBeginning}, reqs[0]), []uint32{out.handles[2]}, wire.ExtOptions{}), 0x40000)
	if err := er.Decode(r.body); err != nil {
		t.Fatal(err)
	}
	if payloads, _ := wire.ParseExtended(er.RopBuffer, 0); len(payloads) != 1 {
		t.Fatalf("%d buffers without Chain", len(payloads))
	}
}

// TestEmbeddedAndStreams: an embedded message made inside an attachment
// and read back; a cloned stream reads from the same position; the
// options data of the transport.
func TestEmbeddedAndStreams(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	lh, _ := c.logon()
	h := []uint32{lh, invalidHandle, invalidHandle, invalidHandle, invalidHandle, invalidHandle}
	out := c.execute(h, nil,
		&rops.OptionsDataRequest{AddressType: "SMTP"},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: inboxFID},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyValues: []mapi.PropVal{{Tag: mapi.PrSubject, Value: "outer"}}},
		&rops.CreateAttachmentRequest{OutHeader: rops.OutHeader{InputHandleIndex: 2, OutputHandleIndex: 3}},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 3}, PropertyValues: []mapi.PropVal{{Tag: mapi.PrAttachMethod, Value: int32(5)}}},
		&rops.OpenEmbeddedMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 3, OutputHandleIndex: 4}, OpenModeFlags: 0x03 | 0x02},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 4}, PropertyValues: []mapi.PropVal{{Tag: mapi.PrSubject, Value: "inner"}, {Tag: 0x1000001F, Value: "0123456789"}}},
		&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 4, InputHandleIndex: 4}},
		&rops.SaveChangesAttachmentRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 3, InputHandleIndex: 3}},
		&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 2, InputHandleIndex: 2}},
		// A stream on the embedded body, read 4 bytes, cloned, both read on.
		&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 4, OutputHandleIndex: 5}, PropertyTag: 0x1000001F},
		&rops.ReadStreamRequest{Header: rops.Header{InputHandleIndex: 5}, ByteCount: 8},
		&rops.CloneStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 5, OutputHandleIndex: 1}},
		&rops.ReadStreamRequest{Header: rops.Header{InputHandleIndex: 1}, ByteCount: 4},
		&rops.ReadStreamRequest{Header: rops.Header{InputHandleIndex: 5}, ByteCount: 4},
	)
	mustOK(t, out, 16)
	if od := out.responses[0].(*rops.OptionsDataResponse); od.Reserved != 1 {
		t.Fatalf("options data %+v", od)
	}
	mid := out.responses[10].(*rops.SaveChangesMessageResponse).MessageID
	r1, r2 := out.responses[14].(*rops.ReadStreamResponse).Data, out.responses[15].(*rops.ReadStreamResponse).Data
	if len(r1) != 4 || string(r1) != string(r2) {
		t.Fatalf("clone read %q, original %q", r1, r2)
	}
	// Read the embedded message back from the saved message.
	out = c.execute([]uint32{lh, invalidHandle, invalidHandle, invalidHandle}, nil,
		&rops.OpenMessageRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID, MessageID: mid},
		&rops.OpenAttachmentRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.OpenEmbeddedMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 2, OutputHandleIndex: 3}},
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 3}, WantUnicode: 1, PropertyTags: []mapi.PropTag{mapi.PrSubject}},
		&rops.GetValidAttachmentsRequest{Header: rops.Header{InputHandleIndex: 1}},
	)
	mustOK(t, out, 5)
	if em := out.responses[2].(*rops.OpenEmbeddedMessageResponse); em.NormalizedSubject.String != "inner" {
		t.Fatalf("embedded %+v", em.MessageHeader)
	}
	if v := out.responses[3].(*rops.GetPropertiesSpecificResponse).RowData.Values[0].Value; v != "inner" {
		t.Fatalf("embedded subject %v", v)
	}
	if ids := out.responses[4].(*rops.GetValidAttachmentsResponse).AttachmentIDs; len(ids) != 1 || ids[0] != 0 {
		t.Fatalf("valid attachments %v", ids)
	}
}

func asBytes(v any) []byte {
	b, _ := v.([]byte)
	return b
}

// liveHandles lists the handles of the client's session (from inside its
// actor, through the test-only message).
func (s *Server) liveHandles(t testing.TB, c *client) []uint32 {
	t.Helper()
	ref := s.lookup(c.cookie(cookieSession))
	if ref == nil {
		t.Fatal("no session")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hs, err := actors.Ask[[]uint32](ctx, s.sys, ref.pid, listHandles{})
	if err != nil {
		t.Fatal(err)
	}
	return hs
}

// TestDelegateLogon: another user's mailbox opened with its ESSDN. With
// only the store's default rights the logon works but the Inbox does not
// open; with read rights on the Inbox its mail can be listed and read but
// nothing written; with Owner on the IPM subtree the user owns the store
// (everything goes, except sending from it).
func TestDelegateLogon(t *testing.T) {
	e := newEnv(t)
	e.srv.SetDirectory(e.DB)
	bobDir := e.AddUser(t, "bob@example.org", "bob pw", "")
	bob, err := e.DB.Lookup(context.Background(), "bob@example.org")
	if err != nil {
		t.Fatal(err)
	}
	mc, _ := mailbox.ImportRFC5322([]byte(raw2))
	if _, err := e.Stores.Do(context.Background(), bobDir, mailbox.Deliver{Raw: []byte(raw2), Content: mc}); err != nil {
		t.Fatal(err)
	}
	grant := func(fid uint64, rights uint32) {
		if _, err := e.Stores.Do(context.Background(), bobDir, mailbox.WriteFunc(func(tx *mailbox.Tx) (any, error) {
			return nil, tx.UpdatePermissions(fid, []mailbox.PermissionChange{{Op: mailbox.RowAdd, Username: testUser, Rights: rights}}, false)
		})); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client(t)
	c.connect()
	logonBob := func() (*rops.LogonResponse, uint32) {
		out := c.execute(handleTable(1), nil, &rops.LogonRequest{LogonID: 1, LogonFlags: rops.LogonFlagPrivate, Essdn: userDN("Test Org", bob)})
		lr, ok := out.responses[0].(*rops.LogonResponse)
		if !ok || lr.ReturnValue != 0 {
			t.Fatalf("delegate logon: %#v", out.responses[0])
		}
		return lr, out.handles[0]
	}
	cols := []mapi.PropTag{mapi.PrSubject}
	readInbox := func(lh uint32) ropOut {
		return c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
			&rops.OpenFolderRequest{OutHeader: rops.OutHeader{LogonID: 1, OutputHandleIndex: 1}, FolderID: inboxFID},
			&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{LogonID: 1, InputHandleIndex: 1, OutputHandleIndex: 2}},
			&rops.SetColumnsRequest{Header: rops.Header{LogonID: 1, InputHandleIndex: 2}, PropertyTags: cols},
			&rops.QueryRowsRequest{Header: rops.Header{LogonID: 1, InputHandleIndex: 2}, ForwardRead: true, RowCount: 10},
			&rops.CreateMessageRequest{OutHeader: rops.OutHeader{LogonID: 1, InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: inboxFID},
			&rops.DeleteMessagesRequest{Header: rops.Header{LogonID: 1, InputHandleIndex: 1}, MessageIDs: []mapi.EID{inboxFID}},
		)
	}

	lr, lh := logonBob()
	if lr.ResponseFlags&logonOwnerRight != 0 {
		t.Fatal("owner right without owning the store")
	}
	if out := readInbox(lh); retval(out.responses[0]) != mapi.EcAccessDenied {
		t.Fatalf("inbox without rights: %s", retval(out.responses[0]).Name())
	}

	grant(mapi.PrivateFIDInbox, mailbox.RightReadAny|mailbox.RightVisible)
	out := readInbox(lh)
	for i, want := range []mapi.ErrorCode{0, 0, 0, 0, mapi.EcAccessDenied, mapi.EcAccessDenied} {
		if got := retval(out.responses[i]); got != want {
			t.Fatalf("read rights, ROP %d (%s): %s, want %s", i, rops.RopName(out.responses[i].RopID()), got.Name(), want.Name())
		}
	}
	if qr := out.responses[3].(*rops.QueryRowsResponse); len(qr.RowData) != 1 || qr.RowData[0].Values[0].Value != "two" {
		t.Fatalf("bob's inbox %+v", qr.RowData)
	}
	// Folder-wide operations need Owner.
	out = c.execute([]uint32{out.handles[1]}, nil, &rops.EmptyFolderRequest{Header: rops.Header{LogonID: 1}})
	if retval(out.responses[0]) != mapi.EcAccessDenied {
		t.Fatalf("empty folder with read rights: %s", retval(out.responses[0]).Name())
	}

	grant(mapi.PrivateFIDIPMSubtree, mailbox.RightsAll)
	lr, lh = logonBob()
	if lr.ResponseFlags&logonOwnerRight == 0 {
		t.Fatal("no owner right with Owner on the IPM subtree")
	}
	out = c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{LogonID: 1}, WantUnicode: 1, PropertyTags: []mapi.PropTag{mapi.PrMailboxOwnerName, 0x661A001F}},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{LogonID: 1, OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{LogonID: 1, InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: inboxFID},
		&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{LogonID: 1, ResponseHandleIndex: 2, InputHandleIndex: 2}},
		&rops.SubmitMessageRequest{Header: rops.Header{LogonID: 1, InputHandleIndex: 2}},
	)
	names := out.responses[0].(*rops.GetPropertiesSpecificResponse).RowData.Values
	if names[0].Value != "bob@example.org" || names[1].Value != testUser {
		t.Fatalf("owner and user %+v", names)
	}
	for i, want := range []mapi.ErrorCode{0, 0, 0, 0, ecNotSupported} {
		if got := retval(out.responses[i]); got != want {
			t.Fatalf("as owner, ROP %d (%s): %s, want %s", i, rops.RopName(out.responses[i].RopID()), got.Name(), want.Name())
		}
	}
}

// TestTableROPs: sorting, restricting, finding a row, bookmarks and the
// fractional seek on a contents table.
func TestTableROPs(t *testing.T) {
	e := newEnv(t)
	for _, s := range []string{"charlie", "alpha", "bravo"} {
		e.deliver(t, strings.Replace(raw1, "Subject: one", "Subject: "+s, 1))
	}
	c := e.client(t)
	lh, _ := c.logon()
	cols := []mapi.PropTag{mapi.PrSubject}
	subjects := func(out ropOut, i int) []string {
		var s []string
		for _, r := range out.responses[i].(*rops.QueryRowsResponse).RowData {
			s = append(s, fmt.Sprint(r.Values[0].Value))
		}
		return s
	}
	out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols},
		&rops.SortTableRequest{Header: rops.Header{InputHandleIndex: 2}, SortOrderSet: mapi.SortOrderSet{Sorts: []mapi.SortOrder{{Tag: mapi.PrSubject, Order: mapi.SortDescend}}}},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 10},
	)
	mustOK(t, out, 5)
	if got := strings.Join(subjects(out, 4), ","); got != "charlie,bravo,alpha" {
		t.Fatalf("sorted descending: %s", got)
	}
	table := out.handles[2]
	eq := &mapi.Restriction{Type: mapi.ResProperty, Relop: mapi.RelopEQ, Tag: mapi.PrSubject, Value: mapi.PropVal{Tag: mapi.PrSubject, Value: "bravo"}}
	out = c.execute([]uint32{table}, cols,
		&rops.SeekRowRequest{Origin: rops.BookmarkBeginning},
		&rops.FindRowRequest{Restriction: eq, Origin: rops.BookmarkBeginning},
		&rops.CreateBookmarkRequest{},
		&rops.SeekRowFractionalRequest{Numerator: 1, Denominator: 1},
		&rops.QueryPositionRequest{},
	)
	mustOK(t, out, 5)
	if fr := out.responses[1].(*rops.FindRowResponse); !fr.HasRowData || fr.RowData.Values[0].Value != "bravo" {
		t.Fatalf("find row %+v", fr)
	}
	bm := out.responses[2].(*rops.CreateBookmarkResponse).Bookmark
	if qp := out.responses[4].(*rops.QueryPositionResponse); qp.Numerator != 3 {
		t.Fatalf("after fractional seek to the end: %+v", qp)
	}
	out = c.execute([]uint32{table}, cols,
		&rops.SeekRowBookmarkRequest{Bookmark: bm, RowCount: 0},
		&rops.QueryRowsRequest{ForwardRead: true, RowCount: 1},
		&rops.FreeBookmarkRequest{Bookmark: bm},
		&rops.FreeBookmarkRequest{Bookmark: bm},
		&rops.RestrictRequest{Restriction: eq},
		&rops.QueryRowsRequest{ForwardRead: true, RowCount: 10},
		&rops.QueryRowsRequest{ForwardRead: false, RowCount: 10},
	)
	if len(out.responses) < 7 || retval(out.responses[3]) != mapi.EcInvalidBookmark {
		t.Fatalf("bookmark freed twice: %#v", out.responses)
	}
	if got := subjects(out, 1); len(got) != 1 || got[0] != "bravo" {
		t.Fatalf("row at the bookmark %v", got)
	}
	if got := subjects(out, 5); len(got) != 1 || got[0] != "bravo" {
		t.Fatalf("restricted rows %v", got)
	}
	if qr := out.responses[6].(*rops.QueryRowsResponse); len(qr.RowData) != 1 || qr.Origin != rops.BookmarkBeginning {
		t.Fatalf("backward read %+v", qr)
	}
}

// publicDir gives the test domain a public store.
type publicDir struct {
	*directory.DB
	homedir string
}

func (p publicDir) Domains(ctx context.Context) ([]directory.Domain, error) {
	ds, err := p.DB.Domains(ctx)
	for i := range ds {
		ds[i].Homedir = p.homedir
	}
	return ds, err
}

// TestPublicLogon: a logon without the Private flag opens the public
// folders of the user's domain; the default rights of a new public store
// let a user read the IPM subtree's hierarchy and create a folder there
// only with CreateSubfolder.
func TestPublicLogon(t *testing.T) {
	e := newEnv(t)
	pub := filepath.Join(e.Dir, "public")
	if err := mailbox.CreatePublic(pub, mailbox.PublicParams{DomainID: uint32(e.user.DomainID), Domain: "example.org"}); err != nil {
		t.Fatal(err)
	}
	e.srv.SetDirectory(publicDir{e.DB, pub})
	c := e.client(t)
	c.connect()
	out := c.execute(handleTable(1), nil, &rops.LogonRequest{LogonID: 2})
	lr, ok := out.responses[0].(*rops.LogonResponse)
	if !ok || lr.ReturnValue != 0 || lr.FolderIDs[1] != mapi.EID(wireID(mapi.PublicFIDIPMSubtree)) || lr.ReplGUID.IsZero() {
		t.Fatalf("public logon %#v", out.responses[0])
	}
	lh := out.handles[0]
	cols := []mapi.PropTag{mapi.PrDisplayName}
	out = c.execute([]uint32{lh, invalidHandle, invalidHandle}, cols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{LogonID: 2, OutputHandleIndex: 1}, FolderID: lr.FolderIDs[1]},
		&rops.GetHierarchyTableRequest{OutHeader: rops.OutHeader{LogonID: 2, InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{LogonID: 2, InputHandleIndex: 1}, WantUnicode: 1, PropertyTags: cols},
		&rops.DeleteFolderRequest{Header: rops.Header{LogonID: 2, InputHandleIndex: 1}, FolderID: lr.FolderIDs[1]},
		&rops.GetOwningServersRequest{Header: rops.Header{LogonID: 2}, FolderID: lr.FolderIDs[1]},
	)
	for i, want := range []mapi.ErrorCode{0, 0, 0, mapi.EcAccessDenied, 0} {
		if got := retval(out.responses[i]); got != want {
			t.Fatalf("public ROP %d (%s): %s, want %s", i, rops.RopName(out.responses[i].RopID()), got.Name(), want.Name())
		}
	}
}

// TestModifyPermissionsAdd: a member added by its address book entry id
// appears in the permissions table with its rights.
func TestModifyPermissionsAdd(t *testing.T) {
	e := newEnv(t)
	e.srv.SetDirectory(e.DB)
	e.AddUser(t, "carol@example.org", "carol pw", "")
	carol, err := e.DB.Lookup(context.Background(), "carol@example.org")
	if err != nil {
		t.Fatal(err)
	}
	c := e.client(t)
	lh, _ := c.logon()
	eid, _ := mapi.AddressBookEntryID{X500DN: userDN("Test Org", carol)}.MarshalBinary()
	pcols := []mapi.PropTag{mapi.PrMemberName, mapi.PrMemberRights}
	out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, pcols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.ModifyPermissionsRequest{Header: rops.Header{InputHandleIndex: 1}, PermissionsData: []rops.PermissionData{{
			PermissionDataFlags: 0x01, PropertyValues: []mapi.PropVal{{Tag: mapi.PrEntryID, Value: eid}, {Tag: mapi.PrMemberRights, Value: int32(0x401)}}}}},
		&rops.GetPermissionsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: pcols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 10},
	)
	mustOK(t, out, 5)
	found := false
	for _, r := range out.responses[4].(*rops.QueryRowsResponse).RowData {
		if strings.EqualFold(fmt.Sprint(r.Values[0].Value), "carol@example.org") && r.Values[1].Value.(int32)&0x401 == 0x401 {
			found = true
		}
	}
	if !found {
		t.Fatalf("carol not in %+v", out.responses[4].(*rops.QueryRowsResponse).RowData)
	}
}

// actionBlock makes one ActionBlock of a RuleAction in the ROP codec.
func actionBlock(typ uint8, data []byte) []byte {
	b := []byte{typ, 0, 0, 0, 0, 0, 0, 0, 0}
	b = append(b, data...)
	return append([]byte{byte(len(b)), byte(len(b) >> 8)}, b...)
}

// TestRules: a rule with a condition and two actions (mark as read, and
// tag with a Unicode string) added with RopModifyRules is listed by the
// rules table with the same condition and actions, and removed again.
func TestRules(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	lh, _ := c.logon()
	w := mapi.NewWriter(mapi.CodecROP)
	w.PutPropVal(mapi.PropVal{Tag: 0x0E1D001F, Value: "tagged ünïcode"})
	actions := append([]byte{2, 0}, actionBlock(11 /* OP_MARK_AS_READ */, nil)...)
	actions = append(actions, actionBlock(opTag, w.Bytes())...)
	cond := &mapi.Restriction{Type: mapi.ResExist, Tag: mapi.PrSubject}
	rule := []mapi.PropVal{
		{Tag: mapi.PrRuleSequence, Value: int32(1)}, {Tag: mapi.PrRuleState, Value: int32(1)},
		{Tag: mapi.PrRuleName, Value: "mark it"}, {Tag: mapi.PrRuleProvider, Value: "RuleOrganizer"},
		{Tag: mapi.PrRuleCondition, Value: cond}, {Tag: mapi.PrRuleActions, Value: actions},
	}
	rcols := []mapi.PropTag{mapi.PrRuleID, mapi.PrRuleName, mapi.PrRuleCondition, mapi.PrRuleActions}
	out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, rcols,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.ModifyRulesRequest{Header: rops.Header{InputHandleIndex: 1}, RulesData: []rops.RuleData{{RuleDataFlags: 0x01, PropertyValues: rule}}},
		&rops.GetRulesTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: rcols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 10},
	)
	mustOK(t, out, 5)
	rows := out.responses[4].(*rops.QueryRowsResponse).RowData
	if len(rows) != 1 || rows[0].Values[1].Value != "mark it" {
		t.Fatalf("rules %+v", rows)
	}
	if got, _ := rows[0].Values[3].Value.([]byte); string(got) != string(actions) {
		t.Fatalf("actions %x, want %x", got, actions)
	}
	if got, _ := rows[0].Values[2].Value.(*mapi.Restriction); got == nil || got.Type != mapi.ResExist || got.Tag != mapi.PrSubject {
		t.Fatalf("condition %+v", rows[0].Values[2].Value)
	}
	out = c.execute([]uint32{out.handles[1]}, nil,
		&rops.ModifyRulesRequest{RulesData: []rops.RuleData{{RuleDataFlags: 0x04, PropertyValues: []mapi.PropVal{{Tag: mapi.PrRuleID, Value: rows[0].Values[0].Value}}}}})
	mustOK(t, out, 1)
}

// TestChainedInputBuffers: an Execute may carry several ROP buffers, each
// in its own extended buffer with its own handle table, answered by as
// many output buffers; one that cannot be parsed fails the whole call
// before any ROP runs.
func TestChainedInputBuffers(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	lh, _ := c.logon()
	buf := func(list []byte, handles []uint32) []byte {
		rb, _ := wire.RopBuffer{Rops: list, Handles: handles}.Append(nil)
		return rb
	}
	two, err := wire.AppendExtended(nil, [][]byte{
		buf(ropsList(t, &rops.GetPropertiesListRequest{}), []uint32{lh}),
		buf(ropsList(t, &rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID}), []uint32{lh, invalidHandle}),
	}, wire.ExtOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := c.executeRaw(0, two, 0x10000)
	var er wire.ExecuteResponse
	if err := er.Decode(r.body); err != nil || er.ErrorCode != 0 {
		t.Fatalf("two buffers: %v %+v", err, er)
	}
	payloads, err := wire.ParseExtended(er.RopBuffer, 0)
	if err != nil || len(payloads) != 2 {
		t.Fatalf("%d output buffers: %v", len(payloads), err)
	}
	if rb, _ := wire.ParseRopBuffer(payloads[1]); len(rb.Handles) != 2 || rb.Handles[1] == invalidHandle {
		t.Fatalf("second handle table %x", rb.Handles)
	}
	before := len(e.srv.liveHandles(t, c))
	bad, _ := wire.AppendExtended(nil, [][]byte{
		buf(ropsList(t, &rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID}), []uint32{lh, invalidHandle}),
		buf([]byte{0x02, 0x00}, []uint32{lh}), // a truncated RopOpenFolder
	}, wire.ExtOptions{})
	r = c.executeRaw(0, bad, 0x10000)
	if err := er.Decode(r.body); err != nil || er.ErrorCode != uint32(ecRpcFormat) {
		t.Fatalf("unparsable second buffer: %v %+v", err, er)
	}
	if after := len(e.srv.liveHandles(t, c)); after != before {
		t.Fatalf("%d objects before, %d after a failed call", before, after)
	}
}

// TestFolderStreams: a folder property written through a stream reaches
// the store on commit and reads back through another stream; a store
// property reads as a stream.
func TestFolderStreams(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	lh, _ := c.logon()
	const comment = 0x3004001F // PR_COMMENT
	out := c.execute([]uint32{lh, invalidHandle, invalidHandle}, nil,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: inboxFID},
		&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, PropertyTag: comment, OpenModeFlags: mailbox.StreamCreate},
		&rops.WriteStreamRequest{Header: rops.Header{InputHandleIndex: 2}, Data: []byte{'h', 0, 'i', 0}},
		&rops.CommitStreamRequest{Header: rops.Header{InputHandleIndex: 2}},
		&rops.GetPropertiesSpecificRequest{Header: rops.Header{InputHandleIndex: 1}, WantUnicode: 1, PropertyTags: []mapi.PropTag{comment}},
		&rops.OpenStreamRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 2}, PropertyTag: mapi.PrMailboxOwnerName},
		&rops.ReadStreamRequest{Header: rops.Header{InputHandleIndex: 2}, ByteCount: 200},
	)
	mustOK(t, out, 7)
	if v := out.responses[4].(*rops.GetPropertiesSpecificResponse).RowData.Values[0].Value; v != "hi" {
		t.Fatalf("comment after the stream: %v", v)
	}
	if d := out.responses[6].(*rops.ReadStreamResponse).Data; len(d) != 2*len(testUser)+2 || d[0] != 'a' {
		t.Fatalf("owner name stream %q", d)
	}
}
