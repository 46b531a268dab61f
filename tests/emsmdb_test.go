package tests

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// mhClient is an Outlook-style MAPI over HTTP client of the mailbox
// endpoint: cookies in a jar, the request headers Outlook sends, the
// inner response stream read as Outlook reads it.
type mhClient struct {
	t     *testing.T
	url   string
	user  string
	pw    string
	hc    *http.Client
	reqID int
	// cols are the columns set on each table handle, for the rows of
	// table notifications.
	cols map[uint32][]mapi.PropTag
}

type mhReply struct {
	code int
	body []byte
	meta wire.ResponseMeta
}

func (c *mhClient) post(reqType string, body []byte) mhReply {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	c.reqID++
	req.Header.Set("X-RequestType", reqType)
	req.Header.Set("X-RequestId", "{6A5F1A33-7CC2-4F31-9E1B-2B1B7E2A0C11}:"+strconv.Itoa(c.reqID))
	req.Header.Set("X-ClientInfo", "{1BD6E3C5-74F1-4D0B-8E4F-6E2E4F6C1D22}:1")
	req.Header.Set("X-ClientApplication", "Outlook/16.0.17928.20114")
	req.Header.Set("Content-Type", "application/mapi-http")
	req.SetBasicAuth(c.user, c.pw)
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", reqType, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := mhReply{}
	r.code, _ = strconv.Atoi(resp.Header.Get("X-ResponseCode"))
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s: HTTP %d %s", reqType, resp.StatusCode, raw)
	}
	if r.code == 0 {
		meta, b, err := wire.ReadResponseStream(bytes.NewReader(raw), 0)
		if err != nil {
			c.t.Fatalf("%s: response stream: %v", reqType, err)
		}
		r.meta, r.body = meta, b
		if v := meta.Get("X-ResponseCode"); v != "" {
			r.code, _ = strconv.Atoi(v)
		}
	}
	return r
}

// execute sends ROPs with a handle table in one compressed, obfuscated
// extended buffer and parses the responses; cols are the columns of
// QueryRows responses.
func (c *mhClient) execute(handles []uint32, cols []mapi.PropTag, reqs ...interface {
	rops.Request
	Put(*mapi.Writer) error
}) ([]rops.Response, []uint32) {
	c.t.Helper()
	w := mapi.NewWriter(mapi.CodecROP)
	for _, q := range reqs {
		if err := q.Put(w); err != nil {
			c.t.Fatal(err)
		}
	}
	rb, _ := wire.RopBuffer{Rops: w.Bytes(), Handles: handles}.Append(nil)
	in, _ := wire.AppendExtended(nil, [][]byte{rb}, wire.ExtOptions{Compress: true, Xor: true})
	body, _ := (&wire.ExecuteRequest{RopBuffer: in, MaxRopOut: 0x40000}).Encode()
	r := c.post("Execute", body)
	if r.code != 0 {
		c.t.Fatalf("Execute: X-ResponseCode %d", r.code)
	}
	var er wire.ExecuteResponse
	if err := er.Decode(r.body); err != nil || er.ErrorCode != 0 {
		c.t.Fatalf("Execute response: %v %+v", err, er)
	}
	payloads, err := wire.ParseExtended(er.RopBuffer, 0)
	if err != nil {
		c.t.Fatal(err)
	}
	out, err := wire.ParseRopBuffer(payloads[0])
	if err != nil {
		c.t.Fatal(err)
	}
	if c.cols == nil {
		c.cols = map[uint32][]mapi.PropTag{}
	}
	for _, q := range reqs {
		if sc, ok := q.(*rops.SetColumnsRequest); ok && int(sc.InputHandleIndex) < len(out.Handles) {
			c.cols[out.Handles[sc.InputHandleIndex]] = sc.PropertyTags
		}
	}
	var resps []rops.Response
	rd := mapi.NewReader(out.Rops, mapi.CodecROP)
	for i := 0; rd.Len() > 0; i++ {
		// Notifications of an open table carry rows in its columns.
		ctx := rops.ResponseContext{Columns: cols, NotifyColumns: func(h uint32) []mapi.PropTag { return c.cols[h] }}
		if i < len(reqs) {
			if q, ok := reqs[i].(*rops.GetPropertiesSpecificRequest); ok {
				ctx.Columns = q.PropertyTags
			}
		}
		p, err := rops.ParseResponse(rd, ctx)
		if err != nil {
			c.t.Fatalf("response %d: %v", i, err)
		}
		resps = append(resps, p)
	}
	return resps, out.Handles
}

func returnValue(t *testing.T, p rops.Response) mapi.ErrorCode {
	w := mapi.NewWriter(mapi.CodecROP)
	if err := p.Put(w); err != nil {
		t.Fatal(err)
	}
	b := w.Bytes()
	if len(b) < 6 || p.RopID() == rops.RopIDNotify || p.RopID() == rops.RopIDPending {
		return 0
	}
	return mapi.ErrorCode(uint32(b[2]) | uint32(b[3])<<8 | uint32(b[4])<<16 | uint32(b[5])<<24)
}

// lmtpDeliver hands raw to rcpt over LMTP.
func lmtpDeliver(t *testing.T, addr, rcpt, raw string) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c := smtp.NewClientLMTP(conn)
	defer c.Close()
	if err := c.Hello("mta.example.org"); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("sender@example.org", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		t.Fatal(err)
	}
	wc, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(wc, raw)
	if _, err := wc.CloseWithLMTPResponse(); err != nil {
		t.Fatal(err)
	}
}

// TestEMSMDB: Outlook's MAPI over HTTP start against the real binary over
// TCP. AutoDiscover hands out the user's DN and the mailbox URL; Connect
// with that DN makes a session context (cookies); Execute logs on to the
// mailbox, opens the Inbox and lists the mail LMTP delivered; a
// NotificationWait is woken by the next delivery, whose RopNotify the next
// Execute carries; a stale sequence cookie is refused; Disconnect ends the
// session context.
func TestEMSMDB(t *testing.T) {
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nauth_fail_delay = 0\n"), 0o644)
	srv := startServer(t, "--data-dir", dataDir)
	if out, errOut, code := gromox(t, dataDir, "", "user", "add", "alice@gromox.test", "--password", "a-pw", "--name", "Alice A"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errOut)
	}
	base := "http://" + httpListenerOf(t, srv, "http")
	lmtpAddr := ""
	for _, l := range srv.stdout {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "listening:" && f[1] == "lmtp" {
			lmtpAddr = f[2]
		}
	}
	lmtpDeliver(t, lmtpAddr, "alice@gromox.test", "From: Bob <bob@example.org>\r\nTo: alice@gromox.test\r\nSubject: hello over MAPI\r\nMessage-ID: <m1@example.org>\r\nDate: Mon, 02 Jan 2023 10:00:00 +0100\r\n\r\nbody one\r\n")

	// AutoDiscover: the DN Connect must carry.
	code, body := httpPostAD(t, base+"/Autodiscover/Autodiscover.xml", "alice@gromox.test", "a-pw", outlookADRequest("alice@gromox.test"))
	var ad adAnswer
	if code != http.StatusOK || xml.Unmarshal(body, &ad) != nil || ad.Response.User.LegacyDN == "" {
		t.Fatalf("autodiscover: %d %s", code, body)
	}
	jar, _ := cookiejar.New(nil)
	c := &mhClient{t: t, url: base + "/mapi/emsmdb/?MailboxId=x@gromox.test", user: "alice@gromox.test", pw: "a-pw", hc: &http.Client{Jar: jar}}

	cbody, _ := (&wire.ConnectRequest{UserDN: ad.Response.User.LegacyDN, DefaultCodePage: 1252, LcidSort: 1033, LcidString: 1033}).Encode()
	r := c.post("Connect", cbody)
	var cr wire.ConnectResponse
	if r.code != 0 || cr.Decode(r.body) != nil || cr.ErrorCode != 0 || cr.DisplayName != "Alice A" {
		t.Fatalf("Connect: %d %+v", r.code, cr)
	}

	// Logon, then the Inbox's contents.
	resps, handles := c.execute([]uint32{0xFFFFFFFF}, nil, &rops.LogonRequest{LogonFlags: rops.LogonFlagPrivate, OpenFlags: 0x01000000, Essdn: ad.Response.User.LegacyDN})
	lr, ok := resps[0].(*rops.LogonResponse)
	if !ok || lr.ReturnValue != 0 {
		t.Fatalf("Logon: %#v", resps[0])
	}
	logon := handles[0]
	inbox := lr.FolderIDs[4]
	cols := []mapi.PropTag{mapi.PrSubject, mapi.PrMID}
	resps, handles = c.execute([]uint32{logon, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, cols,
		&rops.GetReceiveFolderRequest{MessageClass: "IPM"},
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 1}, FolderID: inbox},
		&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
		&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols},
		&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 50},
		&rops.RegisterNotificationRequest{OutHeader: rops.OutHeader{InputHandleIndex: 0, OutputHandleIndex: 3},
			NotificationTypes: 0x02 /* NewMail */, WantWholeStore: true},
	)
	for i, p := range resps {
		if ec := returnValue(t, p); ec != 0 {
			t.Fatalf("ROP %d (%s): %s", i, rops.RopName(p.RopID()), ec.Name())
		}
	}
	if rf := resps[0].(*rops.GetReceiveFolderResponse); rf.FolderID != inbox {
		t.Fatalf("receive folder %v, inbox %v", rf.FolderID, inbox)
	}
	qr := resps[4].(*rops.QueryRowsResponse)
	if len(qr.RowData) != 1 || qr.RowData[0].Values[0].Value != "hello over MAPI" {
		t.Fatalf("inbox rows %+v", qr.RowData)
	}

	// NotificationWait is woken by a delivery.
	waitBody, _ := (&wire.NotificationWaitRequest{}).Encode()
	done := make(chan mhReply, 1)
	go func() { done <- c.post("NotificationWait", waitBody) }()
	time.Sleep(300 * time.Millisecond)
	lmtpDeliver(t, lmtpAddr, "alice@gromox.test", "From: Bob <bob@example.org>\r\nTo: alice@gromox.test\r\nSubject: second\r\nMessage-ID: <m2@example.org>\r\n\r\nbody two\r\n")
	select {
	case r := <-done:
		var nr wire.NotificationWaitResponse
		if r.code != 0 || nr.Decode(r.body) != nil || !nr.EventPending {
			t.Fatalf("NotificationWait: %d %+v", r.code, nr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("NotificationWait not woken by a delivery")
	}
	resps, _ = c.execute([]uint32{handles[2]}, cols, &rops.SeekRowRequest{Origin: rops.BookmarkBeginning},
		&rops.QueryRowsRequest{ForwardRead: true, RowCount: 50})
	var notified bool
	for _, p := range resps {
		if n, ok := p.(*rops.NotifyResponse); ok && n.NotificationData.Type() == rops.NotificationNewMail && n.NotificationHandle == handles[3] {
			notified = true
		}
	}
	if !notified {
		t.Fatalf("no new-mail RopNotify in %#v", resps)
	}
	if qr := resps[1].(*rops.QueryRowsResponse); len(qr.RowData) != 2 ||
		qr.RowData[0].Values[0].Value != "second" && qr.RowData[1].Values[0].Value != "second" {
		t.Fatalf("rows after the delivery %+v", qr.RowData)
	}

	// Send a message to oneself: made in Drafts, submitted, delivered to
	// the Inbox through the outbound path, and moved to Sent Items.
	drafts := mapi.MakeEID(mapi.ReplidLocal, mapi.PrivateFIDDraft)
	resps, _ = c.execute([]uint32{logon, 0xFFFFFFFF, 0xFFFFFFFF}, nil,
		&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: drafts},
		&rops.CreateMessageRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}, FolderID: drafts},
		&rops.SetPropertiesRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyValues: []mapi.PropVal{
			{Tag: mapi.PrSubject, Value: "note to self"}, {Tag: mapi.PrMessageClass, Value: "IPM.Note"},
			{Tag: 0x1000001F, Value: "sent over MAPI"}}},
		&rops.ModifyRecipientsRequest{Header: rops.Header{InputHandleIndex: 2}, RecipientColumns: []mapi.PropTag{mapi.PrSMTPAddress},
			RecipientRows: []rops.ModifyRecipientRow{{RowID: 0, RecipientType: 1, RecipientRow: &rops.RecipientRow{
				RecipientFlags: rops.RecipientFlagU | rops.RecipientFlagO | rops.RecipientFlagE | rops.RecipientFlagD,
				AddressType:    "SMTP", EmailAddress: "alice@gromox.test", DisplayName: "Alice A",
				Properties: mapi.PropRow{Values: []mapi.PropVal{{Tag: mapi.PrSMTPAddress, Value: "alice@gromox.test"}}}}}}},
		&rops.SaveChangesMessageRequest{ResponseHandleHeader: rops.ResponseHandleHeader{ResponseHandleIndex: 2, InputHandleIndex: 2}},
		&rops.SubmitMessageRequest{Header: rops.Header{InputHandleIndex: 2}},
	)
	for i, p := range resps {
		if ec := returnValue(t, p); ec != 0 {
			t.Fatalf("send, ROP %d (%s): %s", i, rops.RopName(p.RopID()), ec.Name())
		}
	}
	subjects := func(fid mapi.EID) []any {
		resps, _ := c.execute([]uint32{logon, 0xFFFFFFFF, 0xFFFFFFFF}, cols,
			&rops.OpenFolderRequest{OutHeader: rops.OutHeader{OutputHandleIndex: 1}, FolderID: fid},
			&rops.GetContentsTableRequest{OutHeader: rops.OutHeader{InputHandleIndex: 1, OutputHandleIndex: 2}},
			&rops.SetColumnsRequest{Header: rops.Header{InputHandleIndex: 2}, PropertyTags: cols},
			&rops.QueryRowsRequest{Header: rops.Header{InputHandleIndex: 2}, ForwardRead: true, RowCount: 50},
			&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 2}},
			&rops.ReleaseRequest{Header: rops.Header{InputHandleIndex: 1}})
		var out []any
		for _, r := range resps[3].(*rops.QueryRowsResponse).RowData {
			out = append(out, r.Values[0].Value)
		}
		return out
	}
	if got := subjects(inbox); !slices.Contains(got, any("note to self")) {
		t.Fatalf("inbox after sending to oneself: %v", got)
	}
	if got := subjects(lr.FolderIDs[6]); !slices.Equal(got, []any{"note to self"}) {
		t.Fatalf("sent items: %v", got)
	}

	// A replayed request (an old sequence cookie) is refused.
	sequence := func() string {
		for _, k := range c.hc.Jar.Cookies(mustURL(t, c.url)) {
			if k.Name == "sequence" {
				return k.Value
			}
		}
		return ""
	}
	setSequence := func(v string) {
		c.hc.Jar.SetCookies(mustURL(t, c.url), []*http.Cookie{{Name: "sequence", Value: v, Path: "/mapi/emsmdb"}})
	}
	stale := sequence()
	c.execute([]uint32{logon}, nil, &rops.GetPropertiesListRequest{})
	current := sequence()
	setSequence(stale)
	ebody, _ := (&wire.ExecuteRequest{MaxRopOut: 0x10000}).Encode()
	if r := c.post("Execute", ebody); r.code != 15 {
		t.Fatalf("stale sequence: X-ResponseCode %d, want 15", r.code)
	}
	setSequence(current)

	// Disconnect ends the session context.
	dbody, _ := (&wire.DisconnectRequest{}).Encode()
	if r := c.post("Disconnect", dbody); r.code != 0 {
		t.Fatalf("Disconnect: %d", r.code)
	}
	if r := c.post("PING", nil); r.code != 13 && r.code != 10 {
		t.Fatalf("PING after Disconnect: X-ResponseCode %d", r.code)
	}
	srv.stop(t)
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
