package tests

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
	_ "modernc.org/sqlite"
)

// nspiClient speaks MAPI over HTTP's address book protocol
// (MS-OXCMAPIHTTP 2.2.5) with net/http: Basic credentials, a cookie jar
// for the sid/sequence cookies, the PROCESSING/DONE stream.
type nspiClient struct {
	t          *testing.T
	url        string
	user, pass string
	hc         *http.Client
	n          int
}

// call sends one request; it returns X-ResponseCode and the body (the
// response body after the meta-tags when the code is 0).
func (c *nspiClient) call(kind string, req interface{ Encode() ([]byte, error) }) (int, []byte) {
	c.t.Helper()
	body, err := req.Encode()
	if err != nil {
		c.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, _ := http.NewRequestWithContext(ctx, "POST", c.url, bytes.NewReader(body))
	c.n++
	r.Header.Set("Content-Type", "application/mapi-http")
	r.Header.Set("X-RequestType", kind)
	r.Header.Set("X-RequestId", "{E2E-NSPI}:"+strconv.Itoa(c.n))
	r.Header.Set("X-ClientInfo", "{E2E-NSPI-CLIENT}:1")
	r.Header.Set("X-ClientApplication", "Outlook/16.0.17928.20114")
	r.SetBasicAuth(c.user, c.pass)
	resp, err := c.hc.Do(r)
	if err != nil {
		c.t.Fatalf("%s: %v", kind, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		c.t.Fatalf("%s: HTTP %d", kind, resp.StatusCode)
	}
	code, err := strconv.Atoi(resp.Header.Get("X-ResponseCode"))
	if err != nil {
		c.t.Fatalf("%s: X-ResponseCode %q", kind, resp.Header.Get("X-ResponseCode"))
	}
	if got := resp.Header.Get("X-RequestId"); got != r.Header.Get("X-RequestId") {
		c.t.Errorf("%s: X-RequestId %q echoed as %q", kind, r.Header.Get("X-RequestId"), got)
	}
	if code != 0 {
		return code, nil
	}
	meta, b, err := wire.ReadResponseStream(resp.Body, 1<<20)
	if err != nil || meta.Get("X-StartTime") == "" {
		c.t.Fatalf("%s: response stream: %v %+v", kind, err, meta)
	}
	return 0, b
}

// do is call for a request that must succeed at the transport level.
func (c *nspiClient) do(kind string, req interface{ Encode() ([]byte, error) }, resp interface{ Decode([]byte) error }) {
	c.t.Helper()
	code, b := c.call(kind, req)
	if code != 0 {
		c.t.Fatalf("%s: X-ResponseCode %d", kind, code)
	}
	if err := resp.Decode(b); err != nil {
		c.t.Fatalf("%s: %v", kind, err)
	}
}

// TestNSPI: an address book client against the real binary over TCP, as
// Outlook starts: Bind, GetSpecialTable, QueryRows through the GAL,
// ResolveNames, Unbind; the DNs are those AutoDiscover hands out.
func TestNSPI(t *testing.T) {
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nauth_fail_delay = 0\n"), 0o644)
	srv := startServer(t, "--data-dir", dataDir)
	for _, args := range [][]string{
		{"user", "add", "alice@gromox.test", "--password", "pw-a", "--name", "Alice Adams"},
		{"user", "add", "bob@gromox.test", "--password", "pw-b", "--name", "Bob Builder"},
		{"user", "add", "bobby@gromox.test", "--password", "pw-c", "--name", "Bobby Tables"},
		{"alias", "add", "aa@gromox.test", "alice@gromox.test"},
	} {
		if out, errOut, code := gromox(t, dataDir, "", args...); code != 0 {
			t.Fatalf("gromox %v: %d %s %s", args, code, out, errOut)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dataDir, "userdb.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	var aliceID, domainID uint32
	err = db.QueryRow("SELECT id, domain_id FROM users WHERE username = 'alice@gromox.test'").Scan(&aliceID, &domainID)
	var galSize int
	if err == nil {
		// Everything the GAL shows: the domain's users (the first user of
		// the instance too, when it is in this domain).
		err = db.QueryRow("SELECT COUNT(*) FROM users WHERE domain_id = ?", domainID).Scan(&galSize)
	}
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	aliceDN := fmt.Sprintf("/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=%08x%08x-alice",
		bits.ReverseBytes32(domainID), bits.ReverseBytes32(aliceID))

	jar, _ := cookiejar.New(nil)
	base := "http://" + httpListenerOf(t, srv, "http")
	c := &nspiClient{t: t, url: base + "/mapi/nspi/?MailboxId=x@gromox.test", user: "alice@gromox.test", pass: "pw-a", hc: &http.Client{Jar: jar}}
	stat := func() *wire.Stat { return &wire.Stat{CodePage: 1252, TemplateLocale: 0x409, SortLocale: 0x409} }

	// Unauthenticated: 401 from the front.
	resp, err := http.Post(c.url, "application/mapi-http", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without credentials: HTTP %d", resp.StatusCode)
	}

	var bind wire.BindResponse
	c.do("Bind", &wire.BindRequest{State: stat()}, &bind)
	if bind.ErrorCode != 0 || bind.ServerGUID.IsZero() {
		t.Fatalf("Bind: %#x %v", bind.ErrorCode, bind.ServerGUID)
	}

	var special wire.GetSpecialTableResponse
	v := uint32(0)
	c.do("GetSpecialTable", &wire.GetSpecialTableRequest{Flags: 0x4, State: stat(), Version: &v}, &special)
	if special.ErrorCode != 0 || len(special.Rows) != 2 {
		t.Fatalf("GetSpecialTable: %#x, %d rows", special.ErrorCode, len(special.Rows))
	}
	var domainRow string
	for _, pv := range special.Rows[1] {
		if pv.Tag == 0x3001001f {
			domainRow, _ = pv.Value.(string)
		}
	}
	if domainRow != "gromox.test" {
		t.Errorf("container row %+v", special.Rows[1])
	}

	cols := []mapi.PropTag{0x3001001f /* PR_DISPLAY_NAME */, 0x39fe001f /* PR_SMTP_ADDRESS */, 0x3003001f /* PR_EMAIL_ADDRESS */, 0x3002001f /* PR_ADDRTYPE */}
	var names []string
	st := stat()
	for range 10 {
		var qr wire.QueryRowsResponse
		c.do("QueryRows", &wire.QueryRowsRequest{State: st, RowCount: 2, Columns: cols}, &qr)
		if qr.ErrorCode != 0 || int(qr.State.TotalRecs) != galSize {
			t.Fatalf("QueryRows: %#x, TotalRecs %d, want %d", qr.ErrorCode, qr.State.TotalRecs, galSize)
		}
		for _, r := range qr.Rows {
			name, _ := r.Values[0].Value.(string)
			names = append(names, name)
			if name == "Alice Adams" {
				if r.Values[1].Value != "alice@gromox.test" || r.Values[2].Value != aliceDN || r.Values[3].Value != "EX" {
					t.Errorf("Alice's row %v, want DN %s", r.Values, aliceDN)
				}
			}
		}
		st = qr.State
		if st.CurrentRec == 2 { // MID_END_OF_TABLE
			break
		}
	}
	var ours []string
	for _, n := range names {
		if n == "Alice Adams" || n == "Bob Builder" || n == "Bobby Tables" {
			ours = append(ours, n)
		}
	}
	if len(names) != galSize || !sortedFold(names) || len(ours) != 3 || ours[0] != "Alice Adams" || ours[2] != "Bobby Tables" {
		t.Errorf("GAL %q: want %d names in display name order", names, galSize)
	}

	var rn wire.ResolveNamesResponse
	c.do("ResolveNames", &wire.ResolveNamesRequest{State: stat(), PropertyTags: cols, Names: []string{"bob", "alice@gromox.test", "nobody-here"}}, &rn)
	if rn.ErrorCode != 0 || len(rn.MinimalIDs) != 3 || rn.MinimalIDs[0] != 1 || rn.MinimalIDs[1] != 2 || rn.MinimalIDs[2] != 0 {
		t.Fatalf("ResolveNames: %#x MIds %v (want ambiguous, resolved, unresolved)", rn.ErrorCode, rn.MinimalIDs)
	}
	if len(rn.Rows) != 1 || rn.Rows[0].Values[2].Value != aliceDN {
		t.Errorf("ResolveNames rows %+v", rn.Rows)
	}

	var dm wire.DNToMIdResponse
	c.do("DNToMId", &wire.DNToMIdRequest{Names: []string{aliceDN}}, &dm)
	if len(dm.MinimalIDs) != 1 || dm.MinimalIDs[0] == 0 {
		t.Errorf("DNToMId(own DN) %v", dm.MinimalIDs)
	}

	// Outlook's logon reads its own entry: proxy addresses with the alias.
	pst := stat()
	pst.CurrentRec = dm.MinimalIDs[0]
	var gp wire.GetPropsResponse
	c.do("GetProps", &wire.GetPropsRequest{State: pst, PropertyTags: []mapi.PropTag{0x3001001f, 0x800f101f /* PR_EMS_AB_PROXY_ADDRESSES */}}, &gp)
	if gp.ErrorCode != 0 || len(gp.PropertyValues) != 2 || gp.PropertyValues[0].Value != "Alice Adams" {
		t.Fatalf("GetProps(own entry): %#x %v", gp.ErrorCode, gp.PropertyValues)
	}
	if p, _ := gp.PropertyValues[1].Value.([]string); len(p) != 2 || p[0] != "SMTP:alice@gromox.test" || p[1] != "smtp:aa@gromox.test" {
		t.Errorf("PR_EMS_AB_PROXY_ADDRESSES %v", gp.PropertyValues[1].Value)
	}

	var ub wire.UnbindResponse
	c.do("Unbind", &wire.UnbindRequest{}, &ub)
	if ub.ErrorCode != 1 { // MAPI_E_UNBINDSUCCESS
		t.Errorf("Unbind: %#x", ub.ErrorCode)
	}
	if code, _ := c.call("QueryRows", &wire.QueryRowsRequest{State: stat(), RowCount: 1}); code != 13 && code != 10 {
		t.Errorf("QueryRows after Unbind: X-ResponseCode %d, want 13 (missing cookie) or 10 (no context)", code)
	}
}

// sortedFold reports whether names are in order without regard to case.
func sortedFold(names []string) bool {
	for i := 1; i < len(names); i++ {
		if mapi.CompareStrings(names[i-1], names[i]) > 0 {
			return false
		}
	}
	return true
}
