package nspi

import (
	"fmt"
	"testing"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// fuzzKinds are the request types the fuzz target sends bodies as.
var fuzzKinds = []string{"Bind", "Unbind", "CompareMIds", "DNToMId", "GetMatches", "GetPropList", "GetProps",
	"GetSpecialTable", "GetTemplateInfo", "QueryRows", "QueryColumns", "ResolveNames", "SeekEntries",
	"UpdateStat", "GetMailboxUrl", "GetAddressBookUrl", "PING", "ResortRestriction"}

// FuzzRequest feeds arbitrary bodies, as every request type, to the
// handler of a bound session: each gets a response (success or
// X-ResponseCode 12), never a panic of the handler or of the session.
func FuzzRequest(f *testing.F) {
	name := mapi.PropVal{Tag: tagDisplayName, Value: "b"}
	v := uint32(3)
	for i, req := range []encoder2{
		&wire.BindRequest{State: stat()},
		&wire.UnbindRequest{},
		&wire.CompareMIdsRequest{State: stat(), MinimalID1: 0x11, MinimalID2: 0x12},
		&wire.DNToMIdRequest{Names: []string{"/o=Example Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000001000000-alice"}},
		&wire.GetMatchesRequest{State: stat(), Filter: mapi.RestrictContent(mapi.FLPrefix|mapi.FLIgnoreCase, tagDisplayName, name), RowCount: 5, Columns: []mapi.PropTag{tagDisplayName}},
		&wire.GetPropListRequest{MinimalID: 0x11},
		&wire.GetPropsRequest{State: &wire.Stat{CurrentRec: 0x11}, PropertyTags: []mapi.PropTag{tagDisplayName, 0x12340000}},
		&wire.GetSpecialTableRequest{State: stat(), Version: &v},
		&wire.GetTemplateInfoRequest{Flags: tiTemplate},
		&wire.QueryRowsRequest{State: stat(), RowCount: 3, Columns: []mapi.PropTag{tagDisplayName, tagEntryID, 0x00000000}},
		&wire.QueryColumnsRequest{},
		&wire.ResolveNamesRequest{State: stat(), Names: []string{"bob", "=SMTP:x@y"}},
		&wire.SeekEntriesRequest{State: stat(), Target: &name},
		&wire.UpdateStatRequest{State: stat(), DeltaRequested: true},
		&wire.GetMailboxURLRequest{ServerDN: "/cn=Servers/cn=x@y"},
		&wire.GetAddressBookURLRequest{UserDN: "/o=x"},
		&wire.UnbindRequest{}, // PING
		&wire.ResortRestrictionRequest{State: stat(), MinimalIDs: []uint32{0x18, 0x11, 0x99}},
	} {
		b, err := req.Encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	e := newEnv(f)
	c := e.client("alice@example.org")
	var last []string
	f.Fuzz(func(t *testing.T, k uint8, body []byte) {
		e.t = t
		if c.cookies["sid"] == "" {
			c.bind()
		}
		kind := fuzzKinds[int(k)%len(fuzzKinds)]
		code, out, _ := c.raw(kind, body)
		last = append(last, fmt.Sprintf("%s %d %x", kind, code, body))
		if len(last) > 5 {
			last = last[1:]
		}
		switch code {
		case rcSuccess:
			if kind == "PING" {
				return
			}
			if _, err := wire.ResponseStatus(out); err != nil {
				t.Fatalf("%s: response %x: %v", kind, out, err)
			}
		case rcInvalidRequestBody:
		default:
			t.Fatalf("%s %x: X-ResponseCode %d: %s (last: %q)", kind, body, code, out, last)
		}
	})
}

// FuzzTemplatePak feeds arbitrary bytes to the readers of display
// templates, as a pak and as one template: they return an error or
// templates, never panic, and every template read goes out as a blob a
// client reads (rows, then strings NUL-terminated after them).
func FuzzTemplatePak(f *testing.F) {
	f.Add(testPak())
	f.Add(buildTemplate(1, testControl{kind: ctEdit, propTag: tagGivenName, size: 64, text: "*"}))
	f.Add(buildTemplate(2, testControl{kind: ctRadioButton, extra: 2, text: "&Yes"}))
	f.Add([]byte("PACK\x0c\x00\x00\x00\x40\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		check := func(tpl *template) {
			for _, cp := range []uint32{1252, 932, codePageUTF8} {
				if rows := readBlob(t, tpl.encode(cp)); len(rows) != len(tpl.rows) {
					t.Fatalf("%d rows, encoded %d", len(tpl.rows), len(rows))
				}
			}
		}
		if tpls, _, err := parseTemplates(b); err == nil {
			for _, tpl := range tpls.byKey {
				check(tpl)
			}
		}
		if tpl, err := parseTemplate(b); err == nil {
			check(tpl)
		}
	})
}
