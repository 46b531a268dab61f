package nspi

import (
	"fmt"
	"testing"

	"github.com/gromox-go/gromox/directory"
	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// benchEnv is an env whose GAL has n users.
func benchEnv(b *testing.B, n int) (*env, *client) {
	e := newEnv(b)
	gal := make([]directory.GALEntry, n)
	for i := range gal {
		gal[i] = directory.GALEntry{ID: int64(i + 1), Username: fmt.Sprintf("user%05d@example.org", i),
			DisplayName: fmt.Sprintf("User %05d", n-i), DomainID: 1, Props: map[uint32]string{uint32(tagTitle): "Staff"}}
	}
	e.dir.gal = gal
	c := e.client("user00000@example.org")
	c.bind()
	return e, c
}

// BenchmarkQueryRows50 is one QueryRows of 50 rows with Outlook's usual
// columns through the whole HTTP handler and the session actor, paging
// through a 5,000-user GAL.
func BenchmarkQueryRows50(b *testing.B) {
	_, c := benchEnv(b, 5000)
	cols := []mapi.PropTag{tagDisplayName, tagSMTPAddress, tagEmailAddress, tagAddrType, tagDisplayType, tagObjectType, tagEntryID, tagInstanceKey, tagTitle}
	st := stat()
	b.ReportAllocs()
	for b.Loop() {
		var resp wire.QueryRowsResponse
		c.do("QueryRows", &wire.QueryRowsRequest{Flags: flagEphID, State: st, RowCount: 50, Columns: cols}, &resp)
		if resp.ErrorCode != 0 || len(resp.Rows) == 0 {
			st = stat()
			continue
		}
		st = resp.State
	}
}

// BenchmarkResolveNames is one ResolveNames of three names over a
// 5,000-user GAL.
func BenchmarkResolveNames(b *testing.B) {
	_, c := benchEnv(b, 5000)
	req := &wire.ResolveNamesRequest{State: stat(), Names: []string{"user01234", "User 00042", "nobody"}}
	b.ReportAllocs()
	for b.Loop() {
		var resp wire.ResolveNamesResponse
		c.do("ResolveNames", req, &resp)
		if resp.MinimalIDs[0] != midResolved {
			b.Fatal(resp.MinimalIDs)
		}
	}
}
