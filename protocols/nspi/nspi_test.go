package nspi

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/gromox-go/gromox/actors"
	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	"go.uber.org/zap"
)

// fakeDir is a directory with a fixed GAL: two domains of one
// organization with users, a room, a list, a contact and a hidden user.
type fakeDir struct {
	gal     []directory.GALEntry
	domains []directory.Domain
	calls   int
}

func (d *fakeDir) GAL(context.Context, int64) ([]directory.GALEntry, error) {
	d.calls++
	return d.gal, nil
}

func (d *fakeDir) Domains(context.Context) ([]directory.Domain, error) { return d.domains, nil }

// Aliases makes fakeDir an AliasLister.
func (d *fakeDir) Aliases(_ context.Context, username string) ([]string, error) {
	d.calls++
	if username == "alice@example.org" {
		return []string{"a.adams@example.org", "alice@other.org"}, nil
	}
	return nil, nil
}

// Resolve makes fakeDir a ListResolver: team@ has Bob, Zed, an external
// member and the hidden user.
func (d *fakeDir) Resolve(_ context.Context, addr string) (*directory.Recipient, error) {
	d.calls++
	if addr != "team@example.org" {
		return &directory.Recipient{Kind: directory.RecipientUser}, nil
	}
	return &directory.Recipient{Kind: directory.RecipientList, Members: []string{"ext@far.away", "hidden@example.org", "ZED@other.org", "bob@example.org"}}, nil
}

func newFakeDir() *fakeDir {
	p := func(kv ...any) map[uint32]string {
		m := map[uint32]string{}
		for i := 0; i < len(kv); i += 2 {
			m[uint32(kv[i].(mapi.PropTag))] = kv[i+1].(string)
		}
		return m
	}
	return &fakeDir{
		domains: []directory.Domain{{ID: 1, OrgID: 7, Name: "example.org"}, {ID: 2, OrgID: 7, Name: "other.org", Title: "Other Org"}},
		gal: []directory.GALEntry{
			{ID: 1, Username: "alice@example.org", DisplayName: "Alice Adams", DomainID: 1,
				Props: p(tagTitle, "Engineer", tagCompanyName, "Example Inc", tagDepartmentName, "R&D", tagOfficeLocation, "B1", tagBusinessTelephone, "+1 555 0100")},
			{ID: 2, Username: "bob@example.org", DisplayName: "Bob Builder", DomainID: 1, Props: p()},
			{ID: 3, Username: "bobby@example.org", DisplayName: "Bobby Tables", DomainID: 1, Props: p()},
			{ID: 4, Username: "team@example.org", DisplayName: "team@example.org", DisplayType: directory.DTDistList, DomainID: 1, Props: p()},
			{ID: 5, Username: "room1@example.org", DisplayName: "Board Room", DisplayType: directory.DTRoom, DomainID: 1, Props: p()},
			{ID: 6, Username: "carol@other.org", DisplayName: "Carol Contact", DisplayType: directory.DTRemote, DomainID: 2, Props: p()},
			{ID: 7, Username: "hidden@example.org", DisplayName: "Hidden Person", DomainID: 1, Hidden: true, Props: p()},
			{ID: 8, Username: "zed@other.org", DisplayName: "zed", DomainID: 2, Props: p()},
			{ID: 9, Username: "eqp@other.org", DisplayName: "Projector", DisplayType: directory.DTEquipment, DomainID: 2, Props: p()},
			{ID: 10, Username: "joerg@example.org", DisplayName: "Jörg Müller", DomainID: 1, Props: p()},
		},
	}
}

// galOrder is the GAL as a client must see it: hidden one left out,
// sorted by display name without regard to case.
var galOrder = []string{"Alice Adams", "Board Room", "Bob Builder", "Bobby Tables", "Carol Contact", "Jörg Müller", "Projector", "team@example.org", "zed"}

// testSupervisor spawns sessions and stops the one that fails, as the
// protocol supervisor does.
type testSupervisor struct {
	sys *actors.System
	pid *actors.PID
}

func (s *testSupervisor) StartSession(ctx context.Context, p actors.Props) (*actors.PID, error) {
	return actors.Ask[*actors.PID](ctx, s.sys, s.pid, p)
}

type env struct {
	t   testing.TB
	srv *Server
	dir *fakeDir
	sys *actors.System
}

func newEnv(t testing.TB, tune ...func(*Config)) *env {
	t.Helper()
	sys := actors.NewSystem(zap.NewNop(), nil)
	t.Cleanup(sys.Shutdown)
	sup := &testSupervisor{sys: sys}
	sup.pid = sys.Spawn(actors.Props{Kind: "nspi-supervisor", Children: actors.StopPolicy, New: func() actors.Actor {
		return actors.ActorFunc(func(c *actors.Context) {
			if p, ok := c.Message().(actors.Props); ok {
				c.Respond(c.Spawn(p))
			}
		})
	}})
	cfg := Config{AutoDiscover: autodiscover.Config{Host: "mail.example.org", OrgName: "Example Org", ServerVersion: "15.00.0847.4040"}}
	for _, f := range tune {
		f(&cfg)
	}
	d := newFakeDir()
	return &env{t: t, srv: New(cfg, sys, sup, d, zap.NewNop()), dir: d, sys: sys}
}

// client is an NSPI client over the handler: it keeps the cookies.
type client struct {
	e       *env
	user    *directory.User
	cookies map[string]string
}

func (e *env) client(username string) *client {
	dom := int64(1)
	if username == "zed@other.org" {
		dom = 2
	}
	return &client{e: e, user: &directory.User{ID: 1, Username: username, DomainID: dom, OrgID: 7, Domain: "example.org"}, cookies: map[string]string{}}
}

// raw sends a body as request type kind; it returns X-ResponseCode and
// the response body (after the meta-tags for code 0).
func (c *client) raw(kind string, body []byte, hdr ...string) (int, []byte, *httptest.ResponseRecorder) {
	c.e.t.Helper()
	r := httptest.NewRequest("POST", "/mapi/nspi/?MailboxId=x@example.org", bytes.NewReader(body))
	r.Header.Set("X-RequestType", kind)
	r.Header.Set("X-RequestId", "{A}:1")
	r.Header.Set("X-ClientInfo", "{B}:1")
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			r.Header.Del(hdr[i])
		} else {
			r.Header.Set(hdr[i], hdr[i+1])
		}
	}
	for k, v := range c.cookies {
		r.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	r = r.WithContext(gxhttp.WithUser(r.Context(), c.user))
	w := httptest.NewRecorder()
	c.e.srv.ServeHTTP(w, r)
	for _, ck := range w.Result().Cookies() {
		if ck.MaxAge < 0 {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	code, err := strconv.Atoi(w.Header().Get("X-ResponseCode"))
	if err != nil {
		c.e.t.Fatalf("%s: X-ResponseCode %q", kind, w.Header().Get("X-ResponseCode"))
	}
	if code != 0 {
		return code, w.Body.Bytes(), w
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/mapi-http" {
		c.e.t.Fatalf("%s: Content-Type %q", kind, ct)
	}
	meta, b, err := wire.ReadResponseStream(w.Body, 0)
	if err != nil || meta.Get("X-ElapsedTime") == "" {
		c.e.t.Fatalf("%s: response stream: %v %+v", kind, err, meta)
	}
	return 0, b, w
}

type encoder2 interface{ Encode() ([]byte, error) }

// do sends req and decodes the response into resp, failing the test on
// any transport error.
func (c *client) do(kind string, req encoder2, resp decoder) {
	c.e.t.Helper()
	b, err := req.Encode()
	if err != nil {
		c.e.t.Fatal(err)
	}
	code, body, _ := c.raw(kind, b)
	if code != 0 {
		c.e.t.Fatalf("%s: X-ResponseCode %d: %s", kind, code, body)
	}
	if err := resp.Decode(body); err != nil {
		c.e.t.Fatalf("%s: %v", kind, err)
	}
}

func stat() *wire.Stat { return &wire.Stat{CodePage: 1252, TemplateLocale: 0x409, SortLocale: 0x409} }

func (c *client) bind() *wire.BindResponse {
	c.e.t.Helper()
	var resp wire.BindResponse
	c.do("Bind", &wire.BindRequest{State: stat()}, &resp)
	if resp.ErrorCode != 0 {
		c.e.t.Fatalf("Bind: %#x", resp.ErrorCode)
	}
	return &resp
}

func str(v mapi.PropVal) string {
	s, _ := v.Value.(string)
	return s
}

func TestBindUnbind(t *testing.T) {
	e := newEnv(t)
	c := e.client("alice@example.org")
	resp := c.bind()
	if resp.ServerGUID != e.srv.ServerGUID() || resp.ServerGUID.IsZero() {
		t.Errorf("ServerGUID %v", resp.ServerGUID)
	}
	if c.cookies["sid"] == "" || c.cookies["sequence"] == "" || e.srv.Sessions() != 1 {
		t.Fatalf("cookies %v, %d sessions", c.cookies, e.srv.Sessions())
	}
	sid := c.cookies["sid"]
	var ur wire.UnbindResponse
	c.do("Unbind", &wire.UnbindRequest{}, &ur)
	if ur.ErrorCode != uint32(mapi.EcUnbindSuccess) {
		t.Errorf("Unbind ErrorCode %#x", ur.ErrorCode)
	}
	if e.srv.Sessions() != 0 {
		t.Errorf("%d sessions after Unbind", e.srv.Sessions())
	}
	c.cookies["sid"] = sid
	b, _ := (&wire.QueryColumnsRequest{}).Encode()
	if code, _, _ := c.raw("QueryColumns", b); code != rcContextNotFound {
		t.Errorf("request after Unbind: X-ResponseCode %d, want %d", code, rcContextNotFound)
	}
	// Anonymous bind and the Unicode code page are refused.
	var br wire.BindResponse
	c2 := e.client("bob@example.org")
	c2.do("Bind", &wire.BindRequest{Flags: flagAnonymousLogin, State: stat()}, &br)
	if br.ErrorCode != uint32(ecFailOneProvider) || c2.cookies["sid"] != "" {
		t.Errorf("anonymous Bind: %#x, cookies %v", br.ErrorCode, c2.cookies)
	}
	c2.do("Bind", &wire.BindRequest{State: &wire.Stat{CodePage: codePageUnicode}}, &br)
	if br.ErrorCode != uint32(mapi.EcNotSupported) {
		t.Errorf("Unicode Bind: %#x", br.ErrorCode)
	}
}

func TestQueryRowsPaging(t *testing.T) {
	e := newEnv(t)
	c := e.client("alice@example.org")
	c.bind()
	cols := []mapi.PropTag{tagDisplayName, tagSMTPAddress, tagDisplayType, tagObjectType}
	st := stat()
	var names []string
	for page := 0; ; page++ {
		var resp wire.QueryRowsResponse
		c.do("QueryRows", &wire.QueryRowsRequest{State: st, RowCount: 3, Columns: cols}, &resp)
		if resp.ErrorCode != 0 || resp.State == nil {
			t.Fatalf("QueryRows: %#x", resp.ErrorCode)
		}
		for _, r := range resp.Rows {
			names = append(names, str(r.Values[0]))
		}
		st = resp.State
		if st.TotalRecs != uint32(len(galOrder)) {
			t.Errorf("TotalRecs %d, want %d", st.TotalRecs, len(galOrder))
		}
		if st.NumPos != uint32(len(names)) {
			t.Errorf("NumPos %d after %d rows", st.NumPos, len(names))
		}
		if len(resp.Rows) == 0 || st.CurrentRec == midEndOfTable {
			break
		}
		if page == 0 && st.CurrentRec != 3+midOffset { // the 4th row: Bobby Tables
			t.Errorf("CurrentRec after the first page %#x, want Bobby's MId", st.CurrentRec)
		}
		if page > 5 {
			t.Fatal("no end of table")
		}
	}
	if len(names) != len(galOrder) {
		t.Fatalf("paged GAL %q, want %q", names, galOrder)
	}
	for i := range names {
		if names[i] != galOrder[i] {
			t.Fatalf("paged GAL %q, want %q", names, galOrder)
		}
	}

	// Types per kind, read through an explicit table.
	var resp wire.QueryRowsResponse
	c.do("QueryRows", &wire.QueryRowsRequest{State: stat(), ExplicitTable: []uint32{4 + midOffset, 5 + midOffset, 6 + midOffset, 1 + midOffset, 0xdead},
		Columns: []mapi.PropTag{tagDisplayType, tagDisplayTypeEx, tagObjectType, tagSMTPAddress.WithType(mapi.PtString8)}}, &resp)
	want := [][3]int32{{dtDistList, dtDistList, objectTypeDistList}, {dtMailUser, dtRoom, objectTypeMailUser},
		{dtRemoteMailUser, dtRemoteMailUser, objectTypeMailUser}, {dtMailUser, dtMailUser | dteACLCapable, objectTypeMailUser}}
	if len(resp.Rows) != 5 {
		t.Fatalf("explicit table: %d rows", len(resp.Rows))
	}
	for i, w := range want {
		r := resp.Rows[i].Values
		if r[0].Value != w[0] || r[1].Value != w[1] || r[2].Value != w[2] {
			t.Errorf("row %d: %v, want %v", i, r, w)
		}
	}
	if resp.Rows[0].Values[3].Value != "team@example.org" || resp.Rows[0].Values[3].Tag.Type() != mapi.PtString8 {
		t.Errorf("PT_STRING8 column: %+v", resp.Rows[0].Values[3])
	}
	if last := resp.Rows[4]; !last.Flagged || last.Values[0].Tag.Type() != mapi.PtError {
		t.Errorf("row of an unknown MId: %+v", last)
	}

	// PT_STRING8 in the STAT's code page, PT_UNICODE as it is.
	c.do("QueryRows", &wire.QueryRowsRequest{State: stat(), ExplicitTable: []uint32{10 + midOffset}, Columns: []mapi.PropTag{tagDisplayName.WithType(mapi.PtString8), tagDisplayName}}, &resp)
	if r := resp.Rows[0].Values; str(r[0]) != "J\xf6rg M\xfcller" || str(r[1]) != "Jörg Müller" {
		t.Errorf("8-bit and Unicode names: %q %q", str(r[0]), str(r[1]))
	}
	target := mapi.PropVal{Tag: tagDisplayName.WithType(mapi.PtString8), Value: "J\xf6"}
	var se wire.SeekEntriesResponse
	c.do("SeekEntries", &wire.SeekEntriesRequest{State: stat(), Target: &target}, &se)
	if se.ErrorCode != 0 || se.State.CurrentRec != 10+midOffset {
		t.Errorf("SeekEntries(8-bit J\xf6): %#x %+v", se.ErrorCode, se.State)
	}

	// Fractional positioning: halfway through.
	half := stat()
	half.CurrentRec, half.NumPos, half.TotalRecs = midCurrent, 50, 100
	c.do("QueryRows", &wire.QueryRowsRequest{State: half, RowCount: 1, Columns: []mapi.PropTag{tagDisplayName}}, &resp)
	if len(resp.Rows) != 1 || str(resp.Rows[0].Values[0]) != galOrder[len(galOrder)/2] {
		t.Errorf("fractional position: %+v", resp.Rows)
	}
	// Default columns; a negative Delta from the end.
	end := stat()
	end.CurrentRec, end.Delta = midEndOfTable, -1
	c.do("QueryRows", &wire.QueryRowsRequest{State: end, RowCount: 5}, &resp)
	if len(resp.Rows) != 1 || len(resp.Columns) != len(defaultColumns) || str(resp.Rows[0].Values[3]) != "zed" {
		t.Errorf("last row with default columns: %+v %+v", resp.Columns, resp.Rows)
	}
}

func TestSpecialTableAndContainers(t *testing.T) {
	e := newEnv(t)
	c := e.client("alice@example.org")
	c.bind()
	var resp wire.GetSpecialTableResponse
	v := uint32(0)
	c.do("GetSpecialTable", &wire.GetSpecialTableRequest{Flags: flagUnicodeStrings, State: stat(), Version: &v}, &resp)
	if resp.ErrorCode != 0 || len(resp.Rows) != 3 || resp.Version == nil || *resp.Version != 1 {
		t.Fatalf("GetSpecialTable: %#x, %d rows, version %v", resp.ErrorCode, len(resp.Rows), resp.Version)
	}
	get := func(row []mapi.PropVal, tag mapi.PropTag) any {
		for _, pv := range row {
			if pv.Tag == tag {
				return pv.Value
			}
		}
		return nil
	}
	if get(resp.Rows[0], tagContainerID) != int32(0) || get(resp.Rows[0], tagDepth) != int32(0) {
		t.Errorf("GAL row %+v", resp.Rows[0])
	}
	eid, err := mapi.ParseAddressBookEntryID(get(resp.Rows[0], tagEntryID).([]byte))
	if err != nil || eid.X500DN != "/" || eid.Type != dtContainer {
		t.Errorf("GAL entry id %+v %v", eid, err)
	}
	if get(resp.Rows[1], tagDisplayName) != "example.org" || get(resp.Rows[2], tagDisplayName) != "Other Org" {
		t.Errorf("container rows %+v", resp.Rows[1:])
	}
	other := uint32(get(resp.Rows[2], tagContainerID).(int32))
	if other != midContainer|(2+midOffset) {
		t.Errorf("container id %#x", other)
	}
	st := stat()
	st.ContainerID = other
	var qr wire.QueryRowsResponse
	c.do("QueryRows", &wire.QueryRowsRequest{State: st, RowCount: 50, Columns: []mapi.PropTag{tagDisplayName, tagContainerID}}, &qr)
	var names []string
	for _, r := range qr.Rows {
		names = append(names, str(r.Values[0]))
		if r.Values[1].Value != int32(other) {
			t.Errorf("PR_EMS_AB_CONTAINERID %v", r.Values[1])
		}
	}
	if len(names) != 3 || names[0] != "Carol Contact" || names[1] != "Projector" || names[2] != "zed" {
		t.Errorf("container other.org: %q", names)
	}
	// 8-bit names, and an unknown container.
	c.do("GetSpecialTable", &wire.GetSpecialTableRequest{State: stat()}, &resp)
	if get(resp.Rows[1], tagDisplayName.WithType(mapi.PtString8)) != "example.org" {
		t.Errorf("8-bit container row %+v", resp.Rows[1])
	}
	st.ContainerID = midContainer | 0x999
	c.do("QueryRows", &wire.QueryRowsRequest{State: st, RowCount: 1}, &qr)
	if qr.ErrorCode != uint32(mapi.EcInvalidBookmark) {
		t.Errorf("unknown container: %#x", qr.ErrorCode)
	}
}

func TestResolveNames(t *testing.T) {
	e := newEnv(t)
	c := e.client("alice@example.org")
	c.bind()
	names := []string{"alice", "bob", "bob@example.org", "nobody", "Hidden", "=SMTP:ext@far.away", "", "BOARD", "Bobby T", "SMTP:carol@other.org"}
	var resp wire.ResolveNamesResponse
	c.do("ResolveNames", &wire.ResolveNamesRequest{State: stat(), PropertyTags: []mapi.PropTag{tagDisplayName, tagSMTPAddress, tagAddrType, tagEntryID}, Names: names}, &resp)
	want := []uint32{midResolved, midAmbiguous, midResolved, midUnresolved, midUnresolved, midResolved, midUnresolved, midResolved, midResolved, midResolved}
	if len(resp.MinimalIDs) != len(want) {
		t.Fatalf("MIds %v", resp.MinimalIDs)
	}
	for i := range want {
		if resp.MinimalIDs[i] != want[i] {
			t.Errorf("%q: MId %d, want %d", names[i], resp.MinimalIDs[i], want[i])
		}
	}
	wantRows := [][2]string{{"Alice Adams", "alice@example.org"}, {"Bob Builder", "bob@example.org"}, {"ext@far.away", "ext@far.away"},
		{"Board Room", "room1@example.org"}, {"Bobby Tables", "bobby@example.org"}, {"Carol Contact", "carol@other.org"}}
	if len(resp.Rows) != len(wantRows) {
		t.Fatalf("%d rows, want %d", len(resp.Rows), len(wantRows))
	}
	for i, w := range wantRows {
		if r := resp.Rows[i].Values; str(r[0]) != w[0] || str(r[1]) != w[1] {
			t.Errorf("row %d: %v, want %v", i, r, w)
		}
	}
	if at := str(resp.Rows[0].Values[2]); at != "EX" {
		t.Errorf("PR_ADDRTYPE %q", at)
	}
	if at := str(resp.Rows[2].Values[2]); at != "SMTP" {
		t.Errorf("one-off PR_ADDRTYPE %q", at)
	}
	// Resolved rows carry ephemeral entry ids of this server.
	if mid, ok := parseEphemeralEntryID(resp.Rows[0].Values[3].Value.([]byte)); !ok || mid != 1+midOffset {
		t.Errorf("ephemeral entry id → %#x %v", mid, ok)
	}
}

func TestGetMatches(t *testing.T) {
	e := newEnv(t)
	c := e.client("alice@example.org")
	c.bind()
	match := func(r *mapi.Restriction, n uint32) []string {
		t.Helper()
		var resp wire.GetMatchesResponse
		c.do("GetMatches", &wire.GetMatchesRequest{State: stat(), Filter: r, RowCount: n, Columns: []mapi.PropTag{tagDisplayName}}, &resp)
		if resp.ErrorCode != 0 {
			t.Fatalf("GetMatches(%v): %#x", r, resp.ErrorCode)
		}
		if len(resp.Rows) != len(resp.MinimalIDs) {
			t.Fatalf("%d rows for %d MIds", len(resp.Rows), len(resp.MinimalIDs))
		}
		var out []string
		for _, row := range resp.Rows {
			out = append(out, str(row.Values[0]))
		}
		return out
	}
	eq := func(got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("got %q, want %q", got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("got %q, want %q", got, want)
				return
			}
		}
	}
	uni := func(tag mapi.PropTag, s string) mapi.PropVal { return mapi.PropVal{Tag: tag, Value: s} }
	eq(match(mapi.RestrictContent(mapi.FLPrefix|mapi.FLIgnoreCase, tagDisplayName, uni(tagDisplayName, "bo")), 50), "Board Room", "Bob Builder", "Bobby Tables")
	eq(match(mapi.RestrictContent(mapi.FLPrefix|mapi.FLIgnoreCase, tagDisplayName, uni(tagDisplayName, "bo")), 2), "Board Room", "Bob Builder")
	eq(match(mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase, tagSMTPAddress, uni(tagSMTPAddress, "OTHER.org")), 50), "Carol Contact", "Projector", "zed")
	eq(match(mapi.RestrictProperty(mapi.RelopEQ, tagANR, uni(tagANR, "carol")), 50), "Carol Contact")
	anrA := tagANR.WithType(mapi.PtString8) // 8-bit, in the STAT's code page 1252
	eq(match(mapi.RestrictProperty(mapi.RelopEQ, anrA, mapi.PropVal{Tag: anrA, Value: "m\xfcl"}), 50), "Jörg Müller")
	eq(match(mapi.RestrictProperty(mapi.RelopEQ, tagDisplayType, mapi.PropVal{Tag: tagDisplayType, Value: int32(dtDistList)}), 50), "team@example.org")
	eq(match(mapi.RestrictAnd(
		mapi.RestrictExist(tagTitle),
		mapi.RestrictProperty(mapi.RelopEQ, tagTitle.WithType(mapi.PtString8), mapi.PropVal{Tag: tagTitle.WithType(mapi.PtString8), Value: "engineer"})), 50), "Alice Adams")
	eq(match(mapi.RestrictContent(mapi.FLSubstring|mapi.FLIgnoreCase, tagDisplayName, uni(tagDisplayName, "hidden")), 50))

	// A list's members: no restriction, PR_EMS_AB_MEMBER in ContainerID.
	var resp wire.GetMatchesResponse
	st := stat()
	st.CurrentRec, st.ContainerID = 4+midOffset, uint32(tagMember)
	for range 2 { // the second time from the book's cache
		c.do("GetMatches", &wire.GetMatchesRequest{State: st, RowCount: 10, Columns: []mapi.PropTag{tagDisplayName}}, &resp)
		if resp.ErrorCode != 0 || len(resp.MinimalIDs) != 2 || resp.MinimalIDs[0] != 2+midOffset || resp.MinimalIDs[1] != 8+midOffset || str(resp.Rows[1].Values[0]) != "zed" {
			t.Errorf("members of team@: %#x %v %v", resp.ErrorCode, resp.MinimalIDs, resp.Rows)
		}
	}
	if e.dir.calls != 2 {
		t.Errorf("%d directory reads, want the GAL and one list expansion", e.dir.calls)
	}
	st.CurrentRec = 1 + midOffset
	c.do("GetMatches", &wire.GetMatchesRequest{State: st, RowCount: 10}, &resp)
	if resp.ErrorCode != uint32(mapi.EcNotFound) {
		t.Errorf("members of a user: %#x", resp.ErrorCode)
	}

	c.do("GetMatches", &wire.GetMatchesRequest{State: stat(), Filter: mapi.RestrictExist(tagDisplayName), RowCount: 10, PropertyName: &wire.PropertyName{}}, &resp)
	if resp.ErrorCode != uint32(mapi.EcNotSupported) {
		t.Errorf("GetMatches with a property name: %#x", resp.ErrorCode)
	}
}

func TestDNToMIdGetProps(t *testing.T) {
	e := newEnv(t)
	c := e.client("hidden@example.org")
	c.bind()
	aliceDN := autodiscover.LegacyDN("Example Org", 1, 1, "alice@example.org")
	hiddenDN := autodiscover.LegacyDN("Example Org", 1, 7, "hidden@example.org")
	var dr wire.DNToMIdResponse
	c.do("DNToMId", &wire.DNToMIdRequest{Names: []string{aliceDN, hiddenDN, "/o=Example Org/cn=nobody", autodiscover.LegacyDN("Other", 1, 1, "alice@example.org")}}, &dr)
	if len(dr.MinimalIDs) != 4 || dr.MinimalIDs[0] != 1+midOffset || dr.MinimalIDs[1] != 7+midOffset || dr.MinimalIDs[2] != 0 || dr.MinimalIDs[3] != 1+midOffset {
		t.Fatalf("DNToMId %v", dr.MinimalIDs)
	}
	st := stat()
	st.CurrentRec = dr.MinimalIDs[0]
	var gp wire.GetPropsResponse
	tags := []mapi.PropTag{tagDisplayName, tagEmailAddress, tagAddrType, tagSMTPAddress, tagTitle, tagCompanyName, tagHomeMDB, tagProxyAddresses, tagEntryID, tagInstanceKey, tagSearchKey, tagNickname}
	c.do("GetProps", &wire.GetPropsRequest{State: st, PropertyTags: tags}, &gp)
	if gp.ErrorCode != uint32(mapi.EcWarnWithErrors) || len(gp.PropertyValues) != len(tags) {
		t.Fatalf("GetProps: %#x, %d values", gp.ErrorCode, len(gp.PropertyValues))
	}
	pv := gp.PropertyValues
	if str(pv[0]) != "Alice Adams" || str(pv[1]) != aliceDN || str(pv[2]) != "EX" || str(pv[3]) != "alice@example.org" || str(pv[4]) != "Engineer" || str(pv[5]) != "Example Inc" {
		t.Errorf("GetProps values %v", pv)
	}
	mdb := autodiscover.MdbDN(autodiscover.ServerDN("Example Org", autodiscover.MailboxID("alice@example.org", 1), "example.org"))
	if str(pv[6]) != mdb {
		t.Errorf("PR_EMS_AB_HOME_MDB %q, want %q", str(pv[6]), mdb)
	}
	if p, ok := pv[7].Value.([]string); !ok || len(p) != 3 || p[0] != "SMTP:alice@example.org" || p[1] != "smtp:a.adams@example.org" || p[2] != "smtp:alice@other.org" {
		t.Errorf("PR_EMS_AB_PROXY_ADDRESSES %v", pv[7])
	}
	eid, err := mapi.ParseAddressBookEntryID(pv[8].Value.([]byte))
	if err != nil || eid.X500DN != aliceDN || eid.Type != dtMailUser || eid.Flags != 0 {
		t.Errorf("permanent entry id %+v %v", eid, err)
	}
	if b := pv[9].Value.([]byte); len(b) != 4 || b[0] != 1+midOffset {
		t.Errorf("PR_INSTANCE_KEY %x", b)
	}
	if b := pv[10].Value.([]byte); string(b) != "EX:"+string(bytes.ToUpper([]byte(aliceDN)))+"\x00" {
		t.Errorf("PR_SEARCH_KEY %q", b)
	}
	if pv[11].Tag != tagNickname.WithType(mapi.PtError) || pv[11].Value != mapi.EcNotFound {
		t.Errorf("missing property: %+v", pv[11])
	}
	// The own hidden entry is readable (Outlook's logon resolves it).
	st.CurrentRec = dr.MinimalIDs[1]
	c.do("GetProps", &wire.GetPropsRequest{State: st, PropertyTags: []mapi.PropTag{tagDisplayName}}, &gp)
	if gp.ErrorCode != 0 || str(gp.PropertyValues[0]) != "Hidden Person" {
		t.Errorf("hidden entry: %#x %v", gp.ErrorCode, gp.PropertyValues)
	}
	// Without tags: the object's properties that exist, Unicode.
	st.CurrentRec = dr.MinimalIDs[0]
	st.CodePage = codePageUnicode
	c.do("GetProps", &wire.GetPropsRequest{State: st}, &gp)
	if gp.ErrorCode != 0 || len(gp.PropertyValues) < 20 {
		t.Fatalf("GetProps without tags: %#x %d values", gp.ErrorCode, len(gp.PropertyValues))
	}
	for _, v := range gp.PropertyValues {
		if v.Tag.Type() == mapi.PtError || v.Tag.Type() == mapi.PtString8 {
			t.Errorf("GetProps without tags gave %v", v)
		}
	}
	var pl wire.GetPropListResponse
	c.do("GetPropList", &wire.GetPropListRequest{MinimalID: dr.MinimalIDs[0], CodePage: 1252}, &pl)
	if pl.ErrorCode != 0 || len(pl.PropertyTags) != len(gp.PropertyValues) {
		t.Errorf("GetPropList: %#x %d tags, GetProps %d values", pl.ErrorCode, len(pl.PropertyTags), len(gp.PropertyValues))
	}
	c.do("GetPropList", &wire.GetPropListRequest{MinimalID: 0xbad}, &pl)
	if pl.ErrorCode != uint32(mapi.EcInvalidObject) {
		t.Errorf("GetPropList of nothing: %#x", pl.ErrorCode)
	}
	var qc wire.QueryColumnsResponse
	c.do("QueryColumns", &wire.QueryColumnsRequest{MapiFlags: flagUnicodeProptypes}, &qc)
	if len(qc.Columns) < 30 {
		t.Errorf("QueryColumns: %d columns", len(qc.Columns))
	}
}

func TestSeekCompareUpdateStat(t *testing.T) {
	e := newEnv(t)
	c := e.client("alice@example.org")
	c.bind()
	var se wire.SeekEntriesResponse
	target := mapi.PropVal{Tag: tagDisplayName, Value: "c"}
	c.do("SeekEntries", &wire.SeekEntriesRequest{State: stat(), Target: &target, Columns: []mapi.PropTag{tagDisplayName}}, &se)
	if se.ErrorCode != 0 || se.State.CurrentRec != 6+midOffset || se.State.NumPos != 4 || len(se.Rows) != 1 || str(se.Rows[0].Values[0]) != "Carol Contact" {
		t.Errorf("SeekEntries(c): %#x %+v %v", se.ErrorCode, se.State, se.Rows)
	}
	// From a later position: the first match after it.
	from := stat()
	from.CurrentRec = 8 + midOffset // zed
	target.Value = "a"
	c.do("SeekEntries", &wire.SeekEntriesRequest{State: from, Target: &target}, &se)
	if se.ErrorCode != 0 || se.State.CurrentRec != 8+midOffset {
		t.Errorf("SeekEntries(a) from zed: %#x %+v", se.ErrorCode, se.State)
	}
	// In an explicit table: its rows at or after the target.
	target.Value = "bob"
	c.do("SeekEntries", &wire.SeekEntriesRequest{State: stat(), Target: &target, ExplicitTable: []uint32{1 + midOffset, 3 + midOffset, 8 + midOffset}, Columns: []mapi.PropTag{tagDisplayName}}, &se)
	if se.ErrorCode != 0 || se.State.CurrentRec != 3+midOffset || len(se.Rows) != 2 || str(se.Rows[1].Values[0]) != "zed" {
		t.Errorf("SeekEntries(bob) in a table: %#x %+v %v", se.ErrorCode, se.State, se.Rows)
	}
	target.Value = "zzz"
	c.do("SeekEntries", &wire.SeekEntriesRequest{State: stat(), Target: &target}, &se)
	if se.ErrorCode != uint32(mapi.EcNotFound) {
		t.Errorf("SeekEntries past the end: %#x", se.ErrorCode)
	}
	target = mapi.PropVal{Tag: tagSMTPAddress, Value: "a"}
	c.do("SeekEntries", &wire.SeekEntriesRequest{State: stat(), Target: &target}, &se)
	if se.ErrorCode != uint32(mapi.EcError) {
		t.Errorf("SeekEntries on another property: %#x", se.ErrorCode)
	}

	var cm wire.CompareMIdsResponse
	c.do("CompareMIds", &wire.CompareMIdsRequest{State: stat(), MinimalID1: 1 + midOffset, MinimalID2: 8 + midOffset}, &cm)
	if cm.ErrorCode != 0 || cm.Result >= 0 {
		t.Errorf("CompareMIds(alice, zed): %#x %d", cm.ErrorCode, cm.Result)
	}
	c.do("CompareMIds", &wire.CompareMIdsRequest{State: stat(), MinimalID1: 7 + midOffset, MinimalID2: 8 + midOffset}, &cm)
	if cm.ErrorCode != uint32(mapi.EcError) {
		t.Errorf("CompareMIds with a hidden one: %#x", cm.ErrorCode)
	}

	st := stat()
	st.CurrentRec, st.Delta, st.NumPos = 2+midOffset, 2, 2 // Bob Builder, two on
	var us wire.UpdateStatResponse
	c.do("UpdateStat", &wire.UpdateStatRequest{State: st, DeltaRequested: true}, &us)
	if us.ErrorCode != 0 || us.State.CurrentRec != 6+midOffset || us.State.NumPos != 4 || us.State.Delta != 0 || us.Delta == nil || *us.Delta != 2 {
		t.Errorf("UpdateStat: %#x %+v %v", us.ErrorCode, us.State, us.Delta)
	}

	var rr wire.ResortRestrictionResponse
	st = stat()
	st.CurrentRec = 1 + midOffset
	c.do("ResortRestriction", &wire.ResortRestrictionRequest{State: st, MinimalIDs: []uint32{8 + midOffset, 0x999, 1 + midOffset, 5 + midOffset}}, &rr)
	if rr.ErrorCode != 0 || len(rr.MinimalIDs) != 3 || rr.MinimalIDs[0] != 1+midOffset || rr.MinimalIDs[1] != 5+midOffset || rr.MinimalIDs[2] != 8+midOffset ||
		rr.State.TotalRecs != 3 || rr.State.CurrentRec != 1+midOffset || rr.State.NumPos != 0 {
		t.Errorf("ResortRestriction: %#x %v %+v", rr.ErrorCode, rr.MinimalIDs, rr.State)
	}

	var ti wire.GetTemplateInfoResponse
	c.do("GetTemplateInfo", &wire.GetTemplateInfoRequest{Flags: tiTemplate, DisplayType: 0, CodePage: 1252, LocaleID: 0x409}, &ti)
	if ti.ErrorCode != uint32(ecUnknownLCID) {
		t.Errorf("GetTemplateInfo: %#x", ti.ErrorCode)
	}
	var u wire.URLResponse
	c.do("GetMailboxUrl", &wire.GetMailboxURLRequest{ServerDN: autodiscover.ServerDN("Example Org", "abc", "example.org")}, &u)
	if u.ServerURL != "https://mail.example.org/mapi/emsmdb/?MailboxId=abc@example.org" {
		t.Errorf("GetMailboxUrl %q", u.ServerURL)
	}
	c.do("GetAddressBookUrl", &wire.GetAddressBookURLRequest{UserDN: autodiscover.LegacyDN("Example Org", 1, 2, "bob@example.org")}, &u)
	if want := "https://mail.example.org/mapi/nspi/?MailboxId=" + autodiscover.MailboxID("bob@example.org", 2) + "@example.org"; u.ServerURL != want {
		t.Errorf("GetAddressBookUrl %q, want %q", u.ServerURL, want)
	}
}

func TestRequestErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client("alice@example.org")
	qc, _ := (&wire.QueryColumnsRequest{}).Encode()
	for _, tc := range []struct {
		name string
		kind string
		body []byte
		hdr  []string
		want int
	}{
		{"no cookie", "QueryColumns", qc, nil, rcMissingCookie},
		{"unknown type", "FooBar", qc, nil, rcInvalidRequestType},
		{"no request type", "", qc, nil, rcMissingHeader},
		{"no request id", "QueryColumns", qc, []string{"X-RequestId", ""}, rcMissingHeader},
		{"bad bind body", "Bind", []byte{1, 2}, nil, rcInvalidRequestBody},
	} {
		if code, _, _ := c.raw(tc.kind, tc.body, tc.hdr...); code != tc.want {
			t.Errorf("%s: X-ResponseCode %d, want %d", tc.name, code, tc.want)
		}
	}
	c.bind()
	if code, _, _ := c.raw("QueryRows", []byte{0, 0, 0}); code != rcInvalidRequestBody {
		t.Errorf("truncated QueryRows: %d", code)
	}
	if code, _, _ := c.raw("PING", nil); code != 0 {
		t.Errorf("PING: %d", code)
	}
	// Another user's cookie.
	other := e.client("bob@example.org")
	other.cookies = c.cookies
	if code, _, _ := other.raw("QueryColumns", qc); code != rcNoPrivilege {
		t.Errorf("other user's session: %d", code)
	}
	c.cookies["sid"] = "nope"
	if code, _, _ := c.raw("QueryColumns", qc); code != rcContextNotFound {
		t.Errorf("unknown sid: %d", code)
	}
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, httptest.NewRequest("GET", "/mapi/nspi/", nil))
	if w.Header().Get("X-ResponseCode") != strconv.Itoa(rcInvalidVerb) {
		t.Errorf("GET: %q", w.Header().Get("X-ResponseCode"))
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SessionTimeout = 100 * time.Millisecond })
	c := e.client("alice@example.org")
	c.bind()
	qc, _ := (&wire.QueryColumnsRequest{}).Encode()
	for range 3 { // requests keep it alive
		time.Sleep(50 * time.Millisecond)
		if code, _, _ := c.raw("QueryColumns", qc); code != 0 {
			t.Fatalf("request while alive: %d", code)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.Sessions() != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if code, _, _ := c.raw("QueryColumns", qc); code != rcContextNotFound {
		t.Errorf("after expiry: %d", code)
	}
}

func TestPanicEndsOneSession(t *testing.T) {
	e := newEnv(t)
	e.srv.beforeRequest = func(kind string) {
		if kind == "getproplist" {
			panic("injected")
		}
	}
	a, b := e.client("alice@example.org"), e.client("bob@example.org")
	a.bind()
	b.bind()
	pl, _ := (&wire.GetPropListRequest{MinimalID: 1 + midOffset}).Encode()
	qc, _ := (&wire.QueryColumnsRequest{}).Encode()
	if code, _, _ := a.raw("GetPropList", pl); code != rcUnknownFailure {
		t.Errorf("panicking request: %d", code)
	}
	if code, _, _ := a.raw("QueryColumns", qc); code != rcContextNotFound {
		t.Errorf("session after its panic: %d", code)
	}
	if code, _, _ := b.raw("QueryColumns", qc); code != 0 {
		t.Errorf("other session after the panic: %d", code)
	}
	a.bind() // the client binds again
	if code, _, _ := a.raw("QueryColumns", qc); code != 0 {
		t.Errorf("new session: %d", code)
	}
}

func TestRebindAndSessionLimit(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxSessionsPerUser = 2 })
	c := e.client("alice@example.org")
	c.bind()
	first := c.cookies["sid"]
	c.bind() // with the first cookie: replaces it
	if c.cookies["sid"] == first || e.srv.Sessions() != 1 {
		t.Fatalf("rebind: sid %q → %q, %d sessions", first, c.cookies["sid"], e.srv.Sessions())
	}
	var sids []string
	for range 3 { // without cookies: the oldest goes past the limit
		c.cookies = map[string]string{}
		c.bind()
		sids = append(sids, c.cookies["sid"])
	}
	qc, _ := (&wire.QueryColumnsRequest{}).Encode()
	for i, want := range []int{rcContextNotFound, rcSuccess, rcSuccess} {
		c.cookies = map[string]string{"sid": sids[i]}
		if code, _, _ := c.raw("QueryColumns", qc); code != want {
			t.Errorf("session %d of 3 with a limit of 2: X-ResponseCode %d, want %d", i, code, want)
		}
	}
	if n := e.srv.Sessions(); n != 2 {
		t.Errorf("%d sessions", n)
	}
	b := e.client("bob@example.org")
	b.bind()
	if e.srv.Sessions() != 3 {
		t.Errorf("another user's session counted against alice: %d sessions", e.srv.Sessions())
	}
}

func TestBookRefresh(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BookTTL = 50 * time.Millisecond })
	c := e.client("alice@example.org")
	c.bind()
	e.dir.gal = append(e.dir.gal, directory.GALEntry{ID: 11, Username: "new@example.org", DisplayName: "Newcomer", DomainID: 1})
	var resp wire.ResolveNamesResponse
	c.do("ResolveNames", &wire.ResolveNamesRequest{State: stat(), Names: []string{"newcomer"}}, &resp)
	if resp.MinimalIDs[0] != midUnresolved {
		t.Fatalf("new object seen before the TTL: %v", resp.MinimalIDs)
	}
	time.Sleep(60 * time.Millisecond)
	c.do("ResolveNames", &wire.ResolveNamesRequest{State: stat(), Names: []string{"newcomer", "alice"}}, &resp)
	if resp.MinimalIDs[0] != midResolved || resp.MinimalIDs[1] != midResolved {
		t.Errorf("after the TTL: %v", resp.MinimalIDs)
	}
}

func TestBookSnapshotShared(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{"alice@example.org", "bob@example.org", "zed@other.org"} {
		e.client(u).bind()
	}
	if e.dir.calls != 1 {
		t.Errorf("%d GAL reads for three binds in one organization", e.dir.calls)
	}
}
