package mapihttp

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"

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
			ctx := rops.ResponseContext{Columns: cols}
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
		Essdn: userDN("Test Org", c.e.user)})
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
	// An unknown ROP answers ecNotSupported and ends the buffer.
	list := append(ropsList(t, &rops.GetPropertiesListRequest{}), 0x62, 0, 0)
	r := c.executeRaw(0, rgbIn(t, list, []uint32{lh}, wire.ExtOptions{}), 0x10000)
	var er wire.ExecuteResponse
	if err := er.Decode(r.body); err != nil || er.ErrorCode != 0 {
		t.Fatalf("unknown ROP: %v %+v", err, er)
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
	r = c.executeRaw(0, rgbIn(t, list, []uint32{lh}, wire.ExtOptions{}), 120)
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
	if !ok || int(b.SizeNeeded) <= 120 || string(b.RequestBuffers) != string(list[len(ropsList(t, big[0])):]) {
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
	e.srv.ropHook = func(id uint8) {
		if id == rops.RopIDGetPropertiesList {
			panic("test panic in a ROP")
		}
	}
	r := c1.executeRaw(0, rgbIn(t, ropsList(t, &rops.GetPropertiesListRequest{}), []uint32{lh1}, wire.ExtOptions{}), 0x10000)
	if r.code != rcContextNotFound {
		t.Fatalf("panicking ROP: X-ResponseCode %d", r.code)
	}
	e.srv.ropHook = nil
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
