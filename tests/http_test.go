package tests

import (
	"bytes"
	"context"
	"crypto/x509"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"math/bits"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gromox-go/gromox/protocols/prototest"
	_ "modernc.org/sqlite"
)

// adAnswer is what a client reads from an Outlook-schema AutoDiscover
// answer (MS-OXDSCLI 2.2.4), decoded here independently of the server's
// types.
type adAnswer struct {
	XMLName  xml.Name `xml:"Autodiscover"`
	Response struct {
		XMLName xml.Name `xml:"Response"`
		User    struct {
			DisplayName             string
			LegacyDN                string
			AutoDiscoverSMTPAddress string
		}
		Account struct {
			Action       string
			RedirectAddr string
			Protocol     []struct {
				TypeAttr    string `xml:"Type,attr"`
				Version     string `xml:"Version,attr"`
				Type        string
				Server      string
				EwsUrl      string
				MailStore   struct{ InternalUrl, ExternalUrl string }
				AddressBook struct{ InternalUrl, ExternalUrl string }
			}
		}
		Error struct{ ErrorCode int }
	}
}

func outlookADRequest(addr string) string {
	return `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>` + addr + `</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`
}

// httpListenerOf returns the address of the server's listener for proto.
func httpListenerOf(t *testing.T, srv *server, proto string) string {
	t.Helper()
	for _, l := range srv.stdout {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "listening:" && f[1] == proto {
			return f[2]
		}
	}
	t.Fatalf("no %s listener in %q", proto, srv.stdout)
	return ""
}

// httpPostAD sends an AutoDiscover request as user:password.
func httpPostAD(t *testing.T, url, user, password, body string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)")
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestHTTPAutoDiscover: Outlook's first step against the real binary. A
// user made with the command line autodiscovers over HTTP with Basic
// authentication (net/http and curl) and gets the MAPI/HTTP URLs with the
// mailbox id and the legacy DN that belong to its directory ids, on the
// host name autodiscover.ini names; v2 JSON answers without
// authentication; wrong passwords, unknown addresses and unknown paths are
// refused.
func TestHTTPAutoDiscover(t *testing.T) {
	dataDir := t.TempDir()
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte("admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nauth_fail_delay = 0\n"), 0o644)
	os.WriteFile(filepath.Join(dataDir, "autodiscover.ini"), []byte("[exchange]\nhostname = mail.gromox.test\n"), 0o644)
	srv := startServer(t, "--data-dir", dataDir)
	base := "http://" + httpListenerOf(t, srv, "http")

	for _, args := range [][]string{
		{"user", "add", "bob@gromox.test", "--password", "s3cret", "--name", "Bob Builder"},
		{"alias", "add", "builder@gromox.test", "bob@gromox.test"},
	} {
		if out, errOut, code := gromox(t, dataDir, "", args...); code != 0 {
			t.Fatalf("gromox %v: %d %s %s", args, code, out, errOut)
		}
	}
	db, err := sql.Open("sqlite", filepath.Join(dataDir, "userdb.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	var userID, domainID uint32
	err = db.QueryRow("SELECT id, domain_id FROM users WHERE username = 'bob@gromox.test'").Scan(&userID, &domainID)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// Reference §2.7: ESSDN with the byte-swapped ids; MailboxId from the
	// first 12 bytes of the username and the user id.
	wantDN := fmt.Sprintf("/o=Gromox default/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=%08x%08x-bob",
		bits.ReverseBytes32(domainID), bits.ReverseBytes32(userID))
	var raw [16]byte
	copy(raw[:12], "bob@gromox.test")
	binary.LittleEndian.PutUint32(raw[12:], userID)
	h := hex.EncodeToString(raw[:])
	mbid := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
	wantStore := "https://mail.gromox.test/mapi/emsmdb/?MailboxId=" + mbid + "@gromox.test"
	wantAB := "https://mail.gromox.test/mapi/nspi/?MailboxId=" + mbid + "@gromox.test"

	check := func(who string, body []byte) {
		t.Helper()
		var a adAnswer
		if err := xml.Unmarshal(body, &a); err != nil {
			t.Fatalf("%s: answer does not parse: %v\n%s", who, err, body)
		}
		r := a.Response
		if a.XMLName.Space != "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006" ||
			r.XMLName.Space != "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a" {
			t.Errorf("%s: namespaces %q %q", who, a.XMLName.Space, r.XMLName.Space)
		}
		if r.User.DisplayName != "Bob Builder" || r.User.LegacyDN != wantDN || r.User.AutoDiscoverSMTPAddress != "bob@gromox.test" {
			t.Errorf("%s: user %+v, want legacy DN %s", who, r.User, wantDN)
		}
		if r.Account.Action != "settings" {
			t.Errorf("%s: action %q", who, r.Account.Action)
		}
		var mh, ews bool
		for _, p := range r.Account.Protocol {
			if p.TypeAttr == "mapiHttp" {
				mh = p.Version == "1" && p.MailStore.InternalUrl == wantStore && p.MailStore.ExternalUrl == wantStore &&
					p.AddressBook.InternalUrl == wantAB && p.AddressBook.ExternalUrl == wantAB
			}
			if p.Type == "EXHTTP" {
				ews = p.EwsUrl == "https://mail.gromox.test/EWS/Exchange.asmx" && p.Server == "mail.gromox.test"
			}
		}
		if !mh || !ews {
			t.Errorf("%s: mapiHttp block right %v, EXHTTP block right %v; want %s and %s in\n%s", who, mh, ews, wantStore, wantAB, body)
		}
	}

	// net/http, as Outlook does it: POST with Basic credentials.
	code, body := httpPostAD(t, base+"/Autodiscover/Autodiscover.xml", "bob@gromox.test", "s3cret", outlookADRequest("bob@gromox.test"))
	if code != 200 {
		t.Fatalf("autodiscover: %d %s", code, body)
	}
	check("net/http", body)

	// curl, lower-case path, login by alias.
	if curl, err := exec.LookPath("curl"); err != nil {
		t.Log("curl not in PATH; skipping the curl client")
	} else {
		cmd := exec.Command(curl, "-sS", "--fail", "-u", "builder@gromox.test:s3cret", "-H", "Content-Type: text/xml",
			"--data-binary", "@-", base+"/autodiscover/autodiscover.xml")
		cmd.Stdin = strings.NewReader(outlookADRequest("bob@gromox.test"))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("curl: %v %s", err, stderr.String())
		}
		check("curl", out)
		out, err = exec.Command(curl, "-sS", "--fail", base+"/autodiscover/autodiscover.json/v1.0/bob@gromox.test?Protocol=Ews").Output()
		if err != nil || string(out) != `{"Protocol":"Ews","Url":"https://mail.gromox.test/EWS/Exchange.asmx"}` {
			t.Fatalf("curl v2 JSON: %v %s", err, out)
		}
		out, _ = exec.Command(curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", "bob@gromox.test:wrong",
			"--data-binary", outlookADRequest("bob@gromox.test"), base+"/autodiscover/autodiscover.xml").Output()
		if string(out) != "401" {
			t.Fatalf("curl with a wrong password: %s", out)
		}
	}

	// Named by its legacy DN instead of an address (MS-OXDSCLI 2.2.3.1.1.1.2).
	byDN := strings.Replace(outlookADRequest(""), "<EMailAddress></EMailAddress>", "<LegacyDN>"+wantDN+"</LegacyDN>", 1)
	if code, body := httpPostAD(t, base+"/autodiscover/autodiscover.xml", "bob@gromox.test", "s3cret", byDN); code != 200 {
		t.Fatalf("by legacy DN: %d %s", code, body)
	} else {
		check("legacy DN request", body)
	}

	// The alias as the address: Outlook is sent to the primary address.
	_, body = httpPostAD(t, base+"/autodiscover/autodiscover.xml", "bob@gromox.test", "s3cret", outlookADRequest("builder@gromox.test"))
	var a adAnswer
	if xml.Unmarshal(body, &a); a.Response.Account.Action != "redirectAddr" || a.Response.Account.RedirectAddr != "bob@gromox.test" {
		t.Errorf("alias: %s", body)
	}
	// Unknown address: error 500 of the schema.
	_, body = httpPostAD(t, base+"/autodiscover/autodiscover.xml", "bob@gromox.test", "s3cret", outlookADRequest("nobody@gromox.test"))
	a = adAnswer{}
	if xml.Unmarshal(body, &a); a.Response.Error.ErrorCode != 500 {
		t.Errorf("unknown address: %s", body)
	}
	// Another user's mailbox is not disclosed.
	_, body = httpPostAD(t, base+"/autodiscover/autodiscover.xml", "bob@gromox.test", "s3cret", outlookADRequest(srv.user))
	a = adAnswer{}
	if xml.Unmarshal(body, &a); a.Response.Error.ErrorCode != 501 || a.Response.User.LegacyDN != "" {
		t.Errorf("another user's address: %s", body)
	}
	// Once bob is the first user's delegate (its store's delegates list),
	// he may discover that mailbox.
	cfgDir := filepath.Join(dataDir, "user", srv.user, "config")
	os.MkdirAll(cfgDir, 0o755)
	if err := os.WriteFile(filepath.Join(cfgDir, "delegates.txt"), []byte("bob@gromox.test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, body = httpPostAD(t, base+"/autodiscover/autodiscover.xml", "bob@gromox.test", "s3cret", outlookADRequest(srv.user))
	a = adAnswer{}
	if xml.Unmarshal(body, &a); a.Response.User.AutoDiscoverSMTPAddress != srv.user || a.Response.Account.Action != "settings" {
		t.Errorf("a delegate's discovery: %s", body)
	}
	if code, _ := httpPostAD(t, base+"/autodiscover/autodiscover.xml", "bob@gromox.test", "wrong", outlookADRequest("bob@gromox.test")); code != 401 {
		t.Errorf("wrong password: %d", code)
	}
	if code, _ := httpGet(t, base+"/no/such/thing"); code != 404 {
		t.Errorf("unknown path: %d", code)
	}
	srv.stop(t)
}

// TestHTTPSListener: http_listen_tls is served with the certificate
// http.cfg names (HTTP/1.1 over TLS), and is not bound without one.
func TestHTTPSListener(t *testing.T) {
	dataDir := t.TempDir()
	cert, clientTLS := prototest.SelfSigned(t, "mail.gromox.test")
	kder, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certPath, keyPath := filepath.Join(dataDir, "cert.pem"), filepath.Join(dataDir, "key.pem")
	os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o644)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	const cfg = "admin_listen = 127.0.0.1:0\nlda_listen = 127.0.0.1:0\npop3_listen = 127.0.0.1:0\nimap_listen = 127.0.0.1:0\nhttp_listen = 127.0.0.1:0\nhttp_listen_tls = 127.0.0.1:0\n"
	os.WriteFile(filepath.Join(dataDir, "gromox.cfg"), []byte(cfg), 0o644)

	// No certificate: the TLS listener is not bound.
	srv := startServer(t, "--data-dir", dataDir)
	for _, l := range srv.stdout {
		if strings.HasPrefix(l, "listening: https") {
			t.Fatalf("https bound without a certificate: %q", srv.stdout)
		}
	}
	srv.stop(t)

	os.WriteFile(filepath.Join(dataDir, "http.cfg"), []byte("http_support_tls = yes\nhttp_certificate_path = "+certPath+"\nhttp_private_key_path = "+keyPath+"\n"), 0o644)
	srv = startServer(t, "--data-dir", dataDir)
	addr := httpListenerOf(t, srv, "https")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: clientTLS, ForceAttemptHTTP2: true}}
	resp, err := client.Get("https://" + addr + "/autodiscover/autodiscover.json?Email=bob@gromox.test&Protocol=Ews")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Proto != "HTTP/1.1" || !strings.Contains(string(b), `"Protocol":"Ews"`) {
		t.Fatalf("over TLS: %s %d %s", resp.Proto, resp.StatusCode, b)
	}
	srv.stop(t)
}
