package nspi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
)

// TestClient drives the server over real HTTP with the package's Client.
func TestClient(t *testing.T) {
	e := newEnv(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _, _ := r.BasicAuth()
		u := &directory.User{ID: 1, Username: user, DomainID: 1, OrgID: 7, Domain: "example.org"}
		e.srv.ServeHTTP(w, r.WithContext(gxhttp.WithUser(r.Context(), u)))
	}))
	defer ts.Close()
	ctx := context.Background()
	c := &Client{URL: ts.URL + "/mapi/nspi/?MailboxId=x@example.org", User: "alice@example.org"}
	if _, _, err := c.QueryRows(ctx, Stat(), 1, nil); !errors.As(err, new(*ResponseCodeError)) {
		t.Fatalf("QueryRows before Bind: %v", err)
	}
	guid, err := c.Bind(ctx)
	if err != nil || guid != e.srv.ServerGUID() {
		t.Fatalf("Bind: %v %v", guid, err)
	}
	rows, err := c.Hierarchy(ctx)
	if err != nil || len(rows) != 3 {
		t.Fatalf("Hierarchy: %d rows, %v", len(rows), err)
	}
	got, st, err := c.QueryRows(ctx, Stat(), 100, []mapi.PropTag{tagDisplayName})
	if err != nil || len(got) != len(galOrder) || st.CurrentRec != midEndOfTable {
		t.Fatalf("QueryRows: %d rows, %+v, %v", len(got), st, err)
	}
	mids, res, err := c.ResolveNames(ctx, []string{"zed", "bo"}, []mapi.PropTag{tagSMTPAddress})
	if err != nil || len(mids) != 2 || mids[0] != midResolved || mids[1] != midAmbiguous || len(res) != 1 || str(res[0].Values[0]) != "zed@other.org" {
		t.Fatalf("ResolveNames: %v %v %v", mids, res, err)
	}
	ids, err := c.DNToMId(ctx, "/o=Example Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0200000008000000-zed")
	if err != nil || len(ids) != 1 || ids[0] != 8+midOffset {
		t.Fatalf("DNToMId: %v %v", ids, err)
	}
	vals, err := c.GetProps(ctx, ids[0], []mapi.PropTag{tagDisplayName, tagTitle})
	if err != nil || str(vals[0]) != "zed" || vals[1].Tag.Type() != mapi.PtError {
		t.Fatalf("GetProps: %v %v", vals, err)
	}
	if err := c.Unbind(ctx); err != nil {
		t.Fatal(err)
	}
	var rce *ResponseCodeError
	if _, err := c.DNToMId(ctx, "x"); !errors.As(err, &rce) || (rce.Code != rcMissingCookie && rce.Code != rcContextNotFound) {
		t.Errorf("after Unbind: %v", err)
	}
}
