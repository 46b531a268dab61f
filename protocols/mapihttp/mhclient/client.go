// Package mhclient is a MAPI over HTTP client of this project's server, for
// tests and tools: it finds the endpoints by AutoDiscover (POX, MS-OXDSCLI),
// speaks the mailbox protocol (EMSMDB, MS-OXCMAPIHTTP 2.2.4) with typed ROP
// requests and responses of package rops, and resolves names through the
// address book (NSPI, with nspi.Client).
//
// Invariants:
//   - A Client is one session context (one cookie jar) and sends one
//     request at a time: it is not safe for concurrent use.
//   - Responses are matched to requests in order; RopRelease has none, and
//     RopNotify/RopPending responses, which the server appends after the
//     responses of an Execute (MS-OXCNOTIF), go to the client's
//     notification queue, never to a request.
//   - Rows are parsed with the columns the client last set on that table
//     handle (RopSetColumns, in this Execute or an earlier one); the
//     columns are never guessed.
package mhclient

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"

	"github.com/gromox-go/gromox/mapi"
	"github.com/gromox-go/gromox/protocols/autodiscover"
	"github.com/gromox-go/gromox/protocols/mapihttp/rops"
	"github.com/gromox-go/gromox/protocols/mapihttp/wire"
)

// Client is one MAPI over HTTP session of a user with the server.
type Client struct {
	// BaseURL is the server as the client reaches it
	// (http://127.0.0.1:8080). The endpoints AutoDiscover names are used
	// with their path and query on this scheme and host: a test server
	// is not reachable by the host name it is configured to announce.
	BaseURL  string
	User     string
	Password string
	// MailStoreURL and AddressBookURL are the EMSMDB and NSPI endpoints;
	// UserDN is the ESSDN that Connect and Logon carry. AutoDiscover sets
	// them; a caller that knows them may set them instead.
	MailStoreURL   string
	AddressBookURL string
	UserDN         string
	// HTTP is the client to use; nil: one with its own cookie jar.
	HTTP *http.Client

	// Connected is what the last Connect answered.
	Connected wire.ConnectResponse

	reqID int
	// cols are the columns last set on each table handle; rcptCols the
	// recipient columns of each message handle.
	cols     map[uint32][]mapi.PropTag
	rcptCols map[uint32][]mapi.PropTag
	// notes are RopNotify responses not yet taken by Notifications.
	notes []*rops.NotifyResponse
}

// New returns a client of the server at baseURL for user.
func New(baseURL, user, password string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), User: user, Password: password}
}

func (c *Client) http() *http.Client {
	if c.HTTP == nil {
		jar, _ := cookiejar.New(nil)
		c.HTTP = &http.Client{Jar: jar}
	}
	return c.HTTP
}

// Discovery is what AutoDiscover tells Outlook about a mailbox.
type Discovery struct {
	DisplayName    string
	LegacyDN       string
	MailStoreURL   string // as announced
	AddressBookURL string // as announced
	ServerVersion  string
}

// AutoDiscover asks the server's POX AutoDiscover (MS-OXDSCLI 2.2.4) for
// the user's settings and keeps the DN and the endpoints.
func (c *Client) AutoDiscover(ctx context.Context) (*Discovery, error) {
	body := `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request>
    <EMailAddress>` + xmlEscape(c.User) + `</EMailAddress>
    <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request>
</Autodiscover>`
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/Autodiscover/Autodiscover.xml", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17928; Pro)")
	req.SetBasicAuth(c.User, c.Password)
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, fmt.Errorf("mhclient: autodiscover: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("mhclient: autodiscover: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("mhclient: autodiscover: HTTP %s", resp.Status)
	}
	var ad autodiscover.Response
	if err := xml.Unmarshal(raw, &ad); err != nil {
		return nil, fmt.Errorf("mhclient: autodiscover answer: %w", err)
	}
	r := ad.Response
	if r.Error != nil || r.User == nil || r.Account == nil {
		return nil, fmt.Errorf("mhclient: autodiscover: no settings for %s: %s", c.User, raw)
	}
	d := &Discovery{DisplayName: r.User.DisplayName, LegacyDN: r.User.LegacyDN}
	for _, p := range r.Account.Protocols {
		if p.TypeAttr == "mapiHttp" && p.MailStore != nil && p.AddressBook != nil {
			d.MailStoreURL, d.AddressBookURL = p.MailStore.ExternalUrl, p.AddressBook.ExternalUrl
		}
		if p.ServerVersion != "" {
			d.ServerVersion = p.ServerVersion
		}
	}
	if d.LegacyDN == "" || d.MailStoreURL == "" || d.AddressBookURL == "" {
		return nil, fmt.Errorf("mhclient: autodiscover: no mapiHttp settings: %s", raw)
	}
	c.UserDN = d.LegacyDN
	if c.MailStoreURL, err = c.rebase(d.MailStoreURL); err != nil {
		return nil, err
	}
	if c.AddressBookURL, err = c.rebase(d.AddressBookURL); err != nil {
		return nil, err
	}
	return d, nil
}

// rebase puts the path and query of an announced URL on BaseURL.
func (c *Client) rebase(announced string) (string, error) {
	u, err := url.Parse(announced)
	if err != nil {
		return "", fmt.Errorf("mhclient: autodiscover URL %q: %w", announced, err)
	}
	if c.BaseURL == "" {
		return announced, nil
	}
	return c.BaseURL + u.RequestURI(), nil
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// ResponseCodeError is a request the server refused at the protocol level
// (X-ResponseCode, MS-OXCMAPIHTTP 2.2.3.3.3).
type ResponseCodeError struct {
	RequestType string
	Code        int
}

func (e *ResponseCodeError) Error() string {
	return fmt.Sprintf("mhclient: %s: X-ResponseCode %d", e.RequestType, e.Code)
}

// post sends one EMSMDB request (MS-OXCMAPIHTTP 2.2.2) and returns the
// body of the response stream after PROCESSING/PENDING/DONE.
func (c *Client) post(ctx context.Context, reqType string, body []byte) ([]byte, error) {
	if c.MailStoreURL == "" {
		return nil, fmt.Errorf("mhclient: %s: no mailbox endpoint (AutoDiscover first)", reqType)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.MailStoreURL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	c.reqID++
	req.Header.Set("X-RequestType", reqType)
	req.Header.Set("X-RequestId", "{8B3C2D6E-0F4A-4E7B-9A1C-5D2E3F4A5B6C}:"+strconv.Itoa(c.reqID))
	req.Header.Set("X-ClientInfo", "{4F1E2D3C-5B6A-4978-8A9B-0C1D2E3F4A5B}:1")
	req.Header.Set("X-ClientApplication", "Outlook/16.0.17928.20114")
	req.Header.Set("Content-Type", "application/mapi-http")
	req.SetBasicAuth(c.User, c.Password)
	resp, err := c.http().Do(req)
	if err != nil {
		return nil, fmt.Errorf("mhclient: %s: %w", reqType, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, fmt.Errorf("mhclient: %s: HTTP %s", reqType, resp.Status)
	}
	code, _ := strconv.Atoi(resp.Header.Get("X-ResponseCode"))
	if code != 0 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, &ResponseCodeError{RequestType: reqType, Code: code}
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/mapi-http") {
		return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
	meta, out, err := wire.ReadResponseStream(resp.Body, 64<<20)
	if err != nil {
		return nil, fmt.Errorf("mhclient: %s: response stream: %w", reqType, err)
	}
	// A late X-ResponseCode after DONE wins (MS-OXCMAPIHTTP 2.2.7).
	if v := meta.Get("X-ResponseCode"); v != "" && v != "0" {
		code, _ = strconv.Atoi(v)
		return nil, &ResponseCodeError{RequestType: reqType, Code: code}
	}
	return out, nil
}

// Connect makes the session context (MS-OXCMAPIHTTP 2.2.4.1) with the DN
// AutoDiscover gave.
func (c *Client) Connect(ctx context.Context) (*wire.ConnectResponse, error) {
	body, err := (&wire.ConnectRequest{UserDN: c.UserDN, DefaultCodePage: 1252, LcidSort: 1033, LcidString: 1033}).Encode()
	if err != nil {
		return nil, err
	}
	out, err := c.post(ctx, "Connect", body)
	if err != nil {
		return nil, err
	}
	var cr wire.ConnectResponse
	if err := cr.Decode(out); err != nil {
		return nil, fmt.Errorf("mhclient: Connect response: %w", err)
	}
	if cr.ErrorCode != 0 {
		return &cr, fmt.Errorf("mhclient: Connect: %s", mapi.ErrorCode(cr.ErrorCode).Name())
	}
	c.Connected = cr
	return &cr, nil
}

// Disconnect ends the session context (MS-OXCMAPIHTTP 2.2.4.3).
func (c *Client) Disconnect(ctx context.Context) error {
	body, _ := (&wire.DisconnectRequest{}).Encode()
	out, err := c.post(ctx, "Disconnect", body)
	if err != nil {
		return err
	}
	var dr wire.DisconnectResponse
	if err := dr.Decode(out); err != nil {
		return fmt.Errorf("mhclient: Disconnect response: %w", err)
	}
	if dr.ErrorCode != 0 {
		return fmt.Errorf("mhclient: Disconnect: %s", mapi.ErrorCode(dr.ErrorCode).Name())
	}
	return nil
}

// NotificationWait waits until the server has notifications for the
// session or its wait ends (MS-OXCMAPIHTTP 2.2.4.4); it reports whether
// events are pending. The notifications themselves come with the next
// Execute.
func (c *Client) NotificationWait(ctx context.Context) (bool, error) {
	body, _ := (&wire.NotificationWaitRequest{}).Encode()
	out, err := c.post(ctx, "NotificationWait", body)
	if err != nil {
		return false, err
	}
	var nr wire.NotificationWaitResponse
	if err := nr.Decode(out); err != nil {
		return false, fmt.Errorf("mhclient: NotificationWait response: %w", err)
	}
	if nr.ErrorCode != 0 {
		return false, fmt.Errorf("mhclient: NotificationWait: %s", mapi.ErrorCode(nr.ErrorCode).Name())
	}
	return nr.EventPending, nil
}

// Ping checks the session context (MS-OXCMAPIHTTP 2.2.6: PING).
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.post(ctx, "PING", nil)
	return err
}
