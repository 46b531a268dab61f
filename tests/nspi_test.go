package tests

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/bits"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/nspi"
	_ "modernc.org/sqlite"
)

// TestNSPI: the project's address book client (nspi.Client) against the
// real binary over TCP with Basic auth, as Outlook starts: Bind,
// GetSpecialTable, QueryRows through the GAL, ResolveNames, DNToMId and
// GetProps of its own entry, Unbind; the DNs are those AutoDiscover hands
// out.
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

	base := "http://" + httpListenerOf(t, srv, "http")
	url := base + "/mapi/nspi/?MailboxId=x@gromox.test"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cols := []mapi.PropTag{0x3001001f /* PR_DISPLAY_NAME */, 0x39fe001f /* PR_SMTP_ADDRESS */, 0x3003001f /* PR_EMAIL_ADDRESS */, 0x3002001f /* PR_ADDRTYPE */}

	// Unauthenticated: 401 from the front; wrong password too.
	resp, err := http.Post(url, "application/mapi-http", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without credentials: HTTP %d", resp.StatusCode)
	}
	bad := &nspi.Client{URL: url, User: "alice@gromox.test", Password: "wrong"}
	if _, err := bad.Bind(ctx); err == nil {
		t.Error("Bind with a wrong password succeeded")
	}

	c := &nspi.Client{URL: url, User: "alice@gromox.test", Password: "pw-a"}
	guid, err := c.Bind(ctx)
	if err != nil || guid.IsZero() {
		t.Fatalf("Bind: %v %v", guid, err)
	}

	special, err := c.Hierarchy(ctx)
	if err != nil || len(special) != 2 {
		t.Fatalf("GetSpecialTable: %d rows, %v", len(special), err)
	}
	var domainRow string
	for _, pv := range special[1] {
		if pv.Tag == 0x3001001f {
			domainRow, _ = pv.Value.(string)
		}
	}
	if domainRow != "gromox.test" {
		t.Errorf("container row %+v", special[1])
	}

	var names []string
	st := nspi.Stat()
	for range 10 {
		rows, next, err := c.QueryRows(ctx, st, 2, cols)
		if err != nil || int(next.TotalRecs) != galSize {
			t.Fatalf("QueryRows: %v, STAT %+v, want TotalRecs %d", err, next, galSize)
		}
		for _, r := range rows {
			name, _ := r.Values[0].Value.(string)
			names = append(names, name)
			if name == "Alice Adams" {
				if r.Values[1].Value != "alice@gromox.test" || r.Values[2].Value != aliceDN || r.Values[3].Value != "EX" {
					t.Errorf("Alice's row %v, want DN %s", r.Values, aliceDN)
				}
			}
		}
		st = next
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

	mids, rows, err := c.ResolveNames(ctx, []string{"bob", "alice@gromox.test", "nobody-here"}, cols)
	if err != nil || len(mids) != 3 || mids[0] != 1 || mids[1] != 2 || mids[2] != 0 {
		t.Fatalf("ResolveNames: %v, MIds %v (want ambiguous, resolved, unresolved)", err, mids)
	}
	if len(rows) != 1 || rows[0].Values[2].Value != aliceDN {
		t.Errorf("ResolveNames rows %+v", rows)
	}

	// Outlook's logon reads its own entry: proxy addresses with the alias.
	ids, err := c.DNToMId(ctx, aliceDN)
	if err != nil || len(ids) != 1 || ids[0] == 0 {
		t.Fatalf("DNToMId(own DN) %v %v", ids, err)
	}
	vals, err := c.GetProps(ctx, ids[0], []mapi.PropTag{0x3001001f, 0x800f101f /* PR_EMS_AB_PROXY_ADDRESSES */})
	if err != nil || len(vals) != 2 || vals[0].Value != "Alice Adams" {
		t.Fatalf("GetProps(own entry): %v %v", vals, err)
	}
	if p, _ := vals[1].Value.([]string); len(p) != 2 || p[0] != "SMTP:alice@gromox.test" || p[1] != "smtp:aa@gromox.test" {
		t.Errorf("PR_EMS_AB_PROXY_ADDRESSES %v", vals[1].Value)
	}

	if err := c.Unbind(ctx); err != nil {
		t.Fatal(err)
	}
	var rce *nspi.ResponseCodeError
	if _, _, err := c.QueryRows(ctx, nspi.Stat(), 1, nil); !errors.As(err, &rce) || (rce.Code != 13 && rce.Code != 10) {
		t.Errorf("QueryRows after Unbind: %v, want X-ResponseCode 13 (missing cookie) or 10 (no context)", err)
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
