package autodiscover

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gromox-go/gromox/config"
	"github.com/gromox-go/gromox/directory"
	gxhttp "github.com/gromox-go/gromox/protocols/http"
)

// fakeDir is a directory with two users of example.org (alice with an
// alias), a list, and the domain.
type fakeDir struct{}

var (
	alice = &directory.User{ID: 5, Username: "alice@example.org", DomainID: 2, Domain: "example.org",
		DisplayName: "Alice Liddell", Maildir: "/var/lib/gromox/user/alice@example.org"}
	bob = &directory.User{ID: 6, Username: "bob@example.org", DomainID: 2, Domain: "example.org",
		DisplayName: "Bob", Maildir: "/var/lib/gromox/user/bob@example.org"}
	list = &directory.User{ID: 9, Username: "team@example.org", DomainID: 2, Domain: "example.org",
		DisplayType: directory.DTDistList}
)

func (fakeDir) Lookup(_ context.Context, login string) (*directory.User, error) {
	switch strings.ToLower(login) {
	case "alice@example.org", "al@example.org":
		return alice, nil
	case "bob@example.org":
		return bob, nil
	case "team@example.org":
		return list, nil
	}
	return nil, directory.ErrNotFound
}

func (fakeDir) Domain(_ context.Context, name string) (*directory.Domain, error) {
	if strings.EqualFold(name, "example.org") {
		return &directory.Domain{ID: 2, Name: "example.org"}, nil
	}
	return nil, directory.ErrNotFound
}

func (fakeDir) Domains(context.Context) ([]directory.Domain, error) {
	return []directory.Domain{{ID: 1, Name: "example.net"}, {ID: 2, Name: "example.org"}}, nil
}

// users authenticates anyone whose password is "pw".
type users struct{}

func (users) Authenticate(ctx context.Context, c directory.Credentials) (*directory.User, error) {
	u, err := fakeDir{}.Lookup(ctx, c.Login)
	if err != nil || c.Password != "pw" {
		return nil, directory.ErrAuthFailed
	}
	return u, nil
}

var testConfig = Config{Host: "mail.example.org", OrgName: "Example Org", ServerVersion: "15.00.0847.4040"}

// testServer serves AutoDiscover over a loopback HTTP front.
func testServer(t *testing.T, cfg Config) string {
	t.Helper()
	front := gxhttp.New(gxhttp.Config{}, nil)
	New(cfg, fakeDir{}, nil, nil).Register(front, &gxhttp.Basic{Dir: users{}, Realm: cfg.Host})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go front.Serve(ln)
	t.Cleanup(func() { front.Shutdown(context.Background()) })
	return "http://" + ln.Addr().String()
}

func outlookRequest(addr string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="` + RequestSchema + `">
  <Request>
    <EMailAddress>` + addr + `</EMailAddress>
    <AcceptableResponseSchema>` + OutlookResponseSchema + `</AcceptableResponseSchema>
  </Request>
</Autodiscover>`
}

// post sends body as user (password "pw") and returns the status and body.
func post(t *testing.T, url, user, body string, hdr ...string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	if user != "" {
		req.SetBasicAuth(user, "pw")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func protocol(acc *Account, typ string) *Protocol {
	for i, p := range acc.Protocols {
		if p.Type == typ || p.TypeAttr == typ {
			return &acc.Protocols[i]
		}
	}
	return nil
}

func TestOutlookSettings(t *testing.T) {
	base := testServer(t, testConfig)
	code, body := post(t, base+"/Autodiscover/Autodiscover.xml", "alice@example.org", outlookRequest("alice@example.org"))
	if code != 200 {
		t.Fatalf("status %d: %s", code, body)
	}
	if !strings.HasPrefix(string(body), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("no XML declaration: %.60s", body)
	}
	var r Response
	if err := xml.Unmarshal(body, &r); err != nil {
		t.Fatalf("response does not parse back: %v\n%s", err, body)
	}
	if r.XMLName.Space != ResponseSchema {
		t.Errorf("root namespace %q", r.XMLName.Space)
	}
	u, acc := r.Response.User, r.Response.Account
	if u == nil || acc == nil || r.Response.Error != nil {
		t.Fatalf("no settings: %s", body)
	}
	const mbid = "616c6963-6540-6578-616d-706c05000000" // "alice@exampl" and LE32 5
	wantDN := "/o=Example Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0200000005000000-alice"
	serverDN := "/o=Example Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Configuration/cn=Servers/cn=" + mbid + "@example.org"
	for _, c := range [][2]string{
		{u.DisplayName, "Alice Liddell"},
		{u.LegacyDN, wantDN},
		{u.AutoDiscoverSMTPAddress, "alice@example.org"},
		{u.DeploymentId, deploymentID},
		{acc.AccountType, "email"},
		{acc.Action, "settings"},
		{acc.MicrosoftOnline, "False"},
		{acc.PublicFolderInformation.SmtpAddress, "public.folder.root@example.org"},
	} {
		if c[0] != c[1] {
			t.Errorf("got %q, want %q", c[0], c[1])
		}
	}
	mh := protocol(acc, "mapiHttp")
	if mh == nil || mh.Version != "1" || mh.MailStore == nil || mh.AddressBook == nil {
		t.Fatalf("no mapiHttp block: %s", body)
	}
	if want := "https://mail.example.org/mapi/emsmdb/?MailboxId=" + mbid + "@example.org"; mh.MailStore.InternalUrl != want || mh.MailStore.ExternalUrl != want {
		t.Errorf("MailStore %+v, want %s", mh.MailStore, want)
	}
	if want := "https://mail.example.org/mapi/nspi/?MailboxId=" + mbid + "@example.org"; mh.AddressBook.InternalUrl != want || mh.AddressBook.ExternalUrl != want {
		t.Errorf("AddressBook %+v, want %s", mh.AddressBook, want)
	}
	const ews = "https://mail.example.org/EWS/Exchange.asmx"
	exhttp, exch, expr := protocol(acc, "EXHTTP"), protocol(acc, "EXCH"), protocol(acc, "EXPR")
	if exhttp == nil || exch == nil || expr == nil {
		t.Fatalf("protocol blocks missing: %s", body)
	}
	if exhttp.Server != "mail.example.org" || exhttp.EwsUrl != ews || exhttp.SSL != "On" || exhttp.AuthPackage != "basic" {
		t.Errorf("EXHTTP %+v", exhttp)
	}
	if exch.Server != mbid+"@example.org" || exch.ServerDN != serverDN || exch.MdbDN != serverDN+"/cn=Microsoft Private MDB" ||
		exch.ServerVersion != "73C0834F" || exch.EwsUrl != ews || exch.OOFUrl != ews {
		t.Errorf("EXCH %+v", exch)
	}
	if expr.Server != "mail.example.org" || expr.SSL != "On" {
		t.Errorf("EXPR %+v", expr)
	}
}

// errorOf parses an error answer.
func errorOf(t *testing.T, body []byte) (ErrorResponse, int) {
	t.Helper()
	var e ErrorResponse
	if err := xml.Unmarshal(body, &e); err != nil {
		t.Fatalf("error response does not parse: %v\n%s", err, body)
	}
	if e.XMLName.Space != ResponseSchema || e.Response.Error.Time == "" || e.Response.Error.Id == "" {
		t.Errorf("error response shape: %s", body)
	}
	return e, e.Response.Error.ErrorCode
}

func TestErrors(t *testing.T) {
	base := testServer(t, testConfig)
	url := base + "/autodiscover/autodiscover.xml"
	for _, c := range []struct {
		name, user, body string
		code             int
	}{
		{"unknown address", "alice@example.org", outlookRequest("nobody@example.org"), CodeNotFound},
		{"unknown domain", "alice@example.org", outlookRequest("alice@example.net"), CodeNotFound},
		{"another user's mailbox", "alice@example.org", outlookRequest("bob@example.org"), CodeBadAddress},
		{"a list", "alice@example.org", outlookRequest("team@example.org"), CodeBadAddress},
		{"not XML", "alice@example.org", "EMailAddress=alice@example.org", CodeInvalidRequest},
		{"wrong root", "alice@example.org", "<Autodiscovery><Request/></Autodiscovery>", CodeInvalidRequest},
		{"no address", "alice@example.org", strings.Replace(outlookRequest(""), "<EMailAddress></EMailAddress>", "", 1), CodeInvalidRequest},
		{"no @", "alice@example.org", outlookRequest("alice"), CodeInvalidRequest},
		{"no schema", "alice@example.org", `<Autodiscover><Request><EMailAddress>alice@example.org</EMailAddress></Request></Autodiscover>`, CodeProviderUnavailable},
		{"unknown schema", "alice@example.org", strings.Replace(outlookRequest("alice@example.org"), "outlook/responseschema/2006a", "outlook/responseschema/1999", 1), CodeProviderUnavailable},
	} {
		code, body := post(t, url, c.user, c.body)
		if code != 200 {
			t.Errorf("%s: HTTP %d", c.name, code)
			continue
		}
		if _, got := errorOf(t, body); got != c.code {
			t.Errorf("%s: ErrorCode %d, want %d\n%s", c.name, got, c.code, body)
		}
	}

	// Mobile sync is not served: an error in its namespace.
	code, body := post(t, url, "alice@example.org", strings.Replace(outlookRequest("alice@example.org"), OutlookResponseSchema, MobileResponseSchema, 1))
	e, ec := errorOf(t, body)
	if code != 200 || ec != CodeProviderUnavailable || e.Response.XMLName.Space != MobileResponseSchema {
		t.Errorf("mobile sync: %d %s", code, body)
	}

	// Without credentials, or with wrong ones: 401 and nothing else.
	for _, user := range []string{"", "mallory@example.org"} {
		code, body := post(t, url, user, outlookRequest("alice@example.org"))
		if code != 401 || strings.Contains(string(body), "Alice") {
			t.Errorf("user %q: %d %s", user, code, body)
		}
	}
}

// TestLegacyDNRequest: a request that names the mailbox by its legacy DN
// (no EMailAddress) gets that mailbox's settings; a DN of no mailbox, 500.
func TestLegacyDNRequest(t *testing.T) {
	base := testServer(t, testConfig)
	url := base + "/autodiscover/autodiscover.xml"
	req := func(dn string) string {
		return strings.Replace(outlookRequest(""), "<EMailAddress></EMailAddress>", "<LegacyDN>"+dn+"</LegacyDN>", 1)
	}
	dn := LegacyDN("Some Other Org", 2, 5, "alice@example.org")
	_, body := post(t, url, "alice@example.org", req(strings.ToUpper(dn)))
	var r Response
	if err := xml.Unmarshal(body, &r); err != nil || r.Response.User == nil || r.Response.User.AutoDiscoverSMTPAddress != "alice@example.org" {
		t.Fatalf("by legacy DN: %v %s", err, body)
	}
	for _, bad := range []string{
		LegacyDN("x", 2, 6, "alice@example.org"), // bob's id with alice's name
		LegacyDN("x", 3, 5, "alice@example.org"), // no such domain
		"/o=x/ou=y/cn=Recipients/cn=zz",
	} {
		if _, body := post(t, url, "alice@example.org", req(bad)); !strings.Contains(string(body), "<ErrorCode>500</ErrorCode>") {
			t.Errorf("%s: %s", bad, body)
		}
	}
	domainID, userID, local, ok := ParseLegacyDN(LegacyDN("o", 0x01020304, 7, "x.y@z"))
	if !ok || domainID != 0x01020304 || userID != 7 || local != "x.y" {
		t.Errorf("ParseLegacyDN: %x %d %q %v", domainID, userID, local, ok)
	}
}

func TestRedirects(t *testing.T) {
	base := testServer(t, testConfig)
	url := base + "/autodiscover/autodiscover.xml"
	var r Response
	_, body := post(t, url, "alice@example.org", outlookRequest("AL@example.org"))
	if err := xml.Unmarshal(body, &r); err != nil {
		t.Fatal(err)
	}
	if a := r.Response.Account; a == nil || a.Action != "redirectAddr" || a.RedirectAddr != "alice@example.org" || r.Response.User != nil {
		t.Fatalf("alias: %s", body)
	}
	// The primary address in another case is the same mailbox, no redirect.
	_, body = post(t, url, "alice@example.org", outlookRequest("alice@example.org"))
	r = Response{}
	xml.Unmarshal(body, &r)
	if r.Response.Account == nil || r.Response.Account.Action != "settings" {
		t.Fatalf("primary: %s", body)
	}

	cfg := testConfig
	cfg.RedirectAddr = "example.com"
	base = testServer(t, cfg)
	_, body = post(t, base+"/autodiscover/autodiscover.xml", "alice@example.org", outlookRequest("alice@example.org"))
	r = Response{}
	xml.Unmarshal(body, &r)
	if a := r.Response.Account; a == nil || a.Action != "redirectAddr" || a.RedirectAddr != "alice@example.com" {
		t.Fatalf("oxdisco_redirect_addr: %s", body)
	}
}

func TestAnyAddressAndPublicFolders(t *testing.T) {
	cfg := testConfig
	cfg.AnyAddress = true
	base := testServer(t, cfg)
	url := base + "/autodiscover/autodiscover.xml"
	var r Response
	_, body := post(t, url, "alice@example.org", outlookRequest("bob@example.org"))
	if err := xml.Unmarshal(body, &r); err != nil || r.Response.User == nil || r.Response.User.AutoDiscoverSMTPAddress != "bob@example.org" {
		t.Fatalf("with validation off: %v %s", err, body)
	}
	r = Response{}
	_, body = post(t, url, "alice@example.org", outlookRequest("public.folder.root@example.org"))
	if err := xml.Unmarshal(body, &r); err != nil || r.Response.User == nil {
		t.Fatalf("public folders: %v %s", err, body)
	}
	want := "/o=Example Org/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0200000000000000-public.folder.root"
	if r.Response.User.LegacyDN != want || r.Response.User.DisplayName != "Public Folder" {
		t.Errorf("public folder user %+v", r.Response.User)
	}
	if mh := protocol(r.Response.Account, "mapiHttp"); mh == nil || !strings.Contains(mh.MailStore.InternalUrl, "?MailboxId="+MailboxID("example.org", 2)+"@example.org") {
		t.Errorf("public folder mapiHttp block: %s", body)
	}
}

func TestAdvertiseByUserAgent(t *testing.T) {
	cfg := testConfig
	cfg.AdvertiseMH = AdvertiseNewMSOOnly
	cfg.AdvertiseRPCH = AdvertiseNo
	base := testServer(t, cfg)
	url := base + "/autodiscover/autodiscover.xml"
	for ua, wantMH := range map[string]bool{
		"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)": true,
		"Microsoft Office/15.0 (Windows NT 6.1; Microsoft Outlook 15.0.5023; Pro)":   false,
		"curl/8.0": false,
	} {
		var r Response
		_, body := post(t, url, "alice@example.org", outlookRequest("alice@example.org"), "User-Agent", ua)
		if err := xml.Unmarshal(body, &r); err != nil || r.Response.Account == nil {
			t.Fatalf("%s: %v %s", ua, err, body)
		}
		acc := r.Response.Account
		if got := protocol(acc, "mapiHttp") != nil; got != wantMH {
			t.Errorf("%s: mapiHttp offered %v", ua, got)
		}
		if protocol(acc, "EXCH") != nil || protocol(acc, "EXPR") != nil {
			t.Errorf("%s: RPC/HTTP offered though off", ua)
		}
	}
}

func TestV2JSON(t *testing.T) {
	base := testServer(t, testConfig)
	for _, c := range []struct{ query, want string }{
		{"/autodiscover/autodiscover.json/v1.0/alice@example.org?Protocol=Ews", `{"Protocol":"Ews","Url":"https://mail.example.org/EWS/Exchange.asmx"}`},
		{"/Autodiscover/Autodiscover.json/v1.0/alice@example.org?protocol=autodiscoverv1", `{"Protocol":"AutodiscoverV1","Url":"https://mail.example.org/autodiscover/autodiscover.xml"}`},
		{"/autodiscover/autodiscover.json?Email=alice%40example.org&Protocol=ActiveSync&RedirectCount=1", `{"Protocol":"ActiveSync","Url":"https://mail.example.org/Microsoft-Server-ActiveSync"}`},
		{"/autodiscover/autodiscover.json/v1.0/alice@example.org?Protocol=Rest", `{"Protocol":"Rest","Url":""}`},
		{"/autodiscover/autodiscover.json/v1.0/alice@example.org?Email=x", `{"ErrorCode":"MissingProtocol","ErrorMessage":"A valid value must be provided for the query parameter 'Protocol'."}`},
		{"/autodiscover/autodiscover.json/v1.0/alice@example.org", `{"ErrorCode":"MandatoryParameterMissing","ErrorMessage":"The get request sent does not match the valid format."}`},
	} {
		resp, err := http.Get(base + c.query)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != c.want || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s, want %s", c.query, resp.StatusCode, b, c.want)
		}
	}
	resp, err := http.Get(base + "/autodiscover/autodiscover.json/v1.0/a@b?Protocol=Gopher")
	if err != nil {
		t.Fatal(err)
	}
	var a V2Answer
	json.NewDecoder(resp.Body).Decode(&a)
	resp.Body.Close()
	if a.ErrorCode != "ProtocolNotSupported" || !strings.Contains(a.ErrorMessage, "'Gopher'") || a.Url != nil {
		t.Errorf("unknown protocol: %+v", a)
	}
}

func TestIdentifiers(t *testing.T) {
	if got := MailboxID("admin@gromox.test", 1); got != "61646d69-6e40-6772-6f6d-6f7801000000" {
		t.Errorf("MailboxID %s", got)
	}
	if got := MailboxID("a@b.c", 0x01020304); got != "6140622e-6300-0000-0000-000004030201" {
		t.Errorf("short MailboxID %s", got)
	}
	if got := LegacyDN("Gromox default", 1, 0x10203, "x@y"); got != "/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0100000003020100-x" {
		t.Errorf("LegacyDN %s", got)
	}
	for in, want := range map[string]string{
		"15.00.0847.4040": "73C0834F",
		"15.01.2507.0":    "73C189CB",
		"":                "70008000",
		"junk":            "70008000",
	} {
		if got := ServerVersionHex(in); got != want {
			t.Errorf("ServerVersionHex(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gromox.cfg", "host_id = node1.internal\nuser_directory = sqlite\n")
	write("autodiscover.ini", "[exchange]\nhostname = mail.example.org\norganization = 'Example'\nmapihttp = false\n")
	st, err := config.LoadPath(config.SearchPath{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfig(st)
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "mail.example.org" || c.OrgName != "Example" || c.AdvertiseMH != AdvertiseNo || c.AdvertiseRPCH != AdvertiseYes ||
		c.ServerVersion != "15.00.0847.4040" || c.AnyAddress {
		t.Errorf("from autodiscover.ini: %+v", c)
	}
	write("gromox.cfg", "host_id = node1.internal\nuser_directory = sqlite\noxdisco_exonym = ex.example.org\nx500_org_name = Org2\n"+
		"oxdisco_advertise_mh = new_mso_only\nreported_server_version = 15.01.2507.0\noxdisco_validate_scndrequest = no\n")
	st, err = config.LoadPath(config.SearchPath{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ = LoadConfig(st)
	if c.Host != "ex.example.org" || c.OrgName != "Org2" || c.AdvertiseMH != AdvertiseNewMSOOnly || c.ServerVersion != "15.01.2507.0" || !c.AnyAddress {
		t.Errorf("gromox.cfg over autodiscover.ini: %+v", c)
	}
	os.Remove(filepath.Join(dir, "autodiscover.ini"))
	write("gromox.cfg", "host_id = node1.internal\nuser_directory = sqlite\n")
	st, _ = config.LoadPath(config.SearchPath{dir}, nil)
	c, _ = LoadConfig(st)
	if c.Host != "node1.internal" || c.OrgName != DefaultOrgName || c.AdvertiseMH != AdvertiseYes {
		t.Errorf("nothing configured: %+v", c)
	}
}

// TestParseLegacyDNInvalidUTF8: bytes that are not UTF-8 before the
// recipient part do not move the cut (strings.ToLower would).
func TestParseLegacyDNInvalidUTF8(t *testing.T) {
	dn := "/o=\xff\xfe/ou=x/CN=Recipients/cn=0100000002000000-bob"
	d, u, local, ok := ParseLegacyDN(dn)
	if !ok || d != 1 || u != 2 || local != "bob" {
		t.Errorf("ParseLegacyDN(%q) = %d %d %q %v", dn, d, u, local, ok)
	}
	for _, bad := range []string{"\xff/cn=recipients/cn=", "/cn=recipients/cn=\xff\xff", ""} {
		ParseLegacyDN(bad) // no panic
	}
}
